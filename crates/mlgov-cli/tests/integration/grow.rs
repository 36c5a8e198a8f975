//! A knowledge base that grows in place (issue 14, part 1): a batch may refer to stored records,
//! identical rows are no-ops, changed rows are refused with both versions, unknown references name
//! the closest stored ids; on SQLite and on PostgreSQL (`MLGOV_TEST_PG_URL`, a schema of its own).

use std::path::Path;

use mlgov_store_postgres::testing::{TestSchema, server_url};

use crate::common::{Env, run};

/// Turin's membership of ACM, citing Caponio & Clément: every id it names is stored.
const TURIN_ACM: &str = "id,network,member,role,from,to,exit_reason,note,source,locator\nmem:turin-acm-2019,net:acm,loc:turin,member,2019,,,,src:caponio-clement-2020,Table 3\n";

fn grows_in_place(env: &Env, db: &Path) {
    let go = |args: &[&str]| {
        let mut a = args.to_vec();
        a.push("--json");
        run(env.command_with_db(db, &a))
    };
    let (code, _, err) = go(&["demo"]);
    assert_eq!(code, 0, "{err}");
    let batch = env.write("turin-acm/memberships.csv", TURIN_ACM);
    let (code, out, err) = go(&["import", batch.parent().unwrap().to_str().unwrap()]);
    assert_eq!(code, 0, "the Turin/ACM row refers only to stored records: {err}");
    assert!(out.contains("\"imported\": 1"), "{out}");
    let (_, shown, _) = go(&["show", "locality", "Turin"]);
    assert!(shown.contains("mem:turin-acm-2019"), "{shown}");
    // The same row again: nothing to do.
    let (code, out, _) = go(&["import", batch.parent().unwrap().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("\"unchanged\": 1") && out.contains("\"imported\": 0"), "{out}");
    // The same id with other content: refused, both versions named, nothing written.
    env.write("turin-acm/memberships.csv", TURIN_ACM.replace(",2019,", ",2018,"));
    let (code, _, err) = go(&["import", batch.parent().unwrap().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("memberships.csv:2: field \"id\": mem:turin-acm-2019 is already stored with other content (from: stored \"2019\", here \"2018\")"), "{err}");
    // A reference that resolves nowhere lists the closest stored ids.
    env.write(
        "turin-acm/memberships.csv",
        TURIN_ACM.replace("net:acm,", "net:acmm,").replace("mem:turin-acm-2019", "mem:turin-acmm"),
    );
    let (code, _, err) = go(&["import", batch.parent().unwrap().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("refers to net:acmm, which does not exist in the file or the store; closest stored ids: net:acm"), "{err}");
    let (_, shown, _) = go(&["show", "locality", "Turin"]);
    assert!(!shown.contains("mem:turin-acmm"), "nothing was written");

    // An incoming membership overlapping a stored one of the same member, network, role and source
    // is reported at its own line, whichever of the two starts later.
    let before = TURIN_ACM
        .replace("mem:turin-acm-2019", "mem:turin-acm-early")
        .replace(",2019,,", ",2017,2020,");
    env.write("turin-acm/memberships.csv", before);
    let (code, _, err) = go(&["import", batch.parent().unwrap().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("memberships.csv:2: field \"from\": overlaps the stored mem:turin-acm-2019"),
        "{err}"
    );

    // Corrections keep the past (part 2): --update records a new version, retract closes it.
    env.write("turin-acm/memberships.csv", TURIN_ACM.replace(",2019,", ",2018,"));
    let (code, out, err) = go(&["import", batch.parent().unwrap().to_str().unwrap(), "--update"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"corrected\": 1"), "{out}");
    let (code, out, err) =
        go(&["retract", "mem:turin-acm-2019", "--reason", "not in Table 3 (fixture)"]);
    assert_eq!(code, 0, "{err}");
    let retracted: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (code, out, _) = go(&["history", "mem:turin-acm-2019"]);
    assert_eq!(code, 0);
    let h: serde_json::Value = serde_json::from_str(&out).unwrap();
    let v = h["versions"].as_array().unwrap();
    assert_eq!(v.len(), 2, "{h}");
    assert_eq!(
        (v[0]["cells"]["from"].as_str(), v[0]["closed_as"].as_str()),
        (Some("2019"), Some("correct"))
    );
    assert_eq!(
        (v[1]["cells"]["from"].as_str(), v[1]["closed_as"].as_str(), v[1]["reason"].as_str()),
        (Some("2018"), Some("retract"), Some("not in Table 3 (fixture)"))
    );
    assert!(v[0]["opened"]["recorded_by"].as_str().unwrap().starts_with("cli:"));
    // The base as recorded after each change set.
    let from_as_of = |at: &str| -> Option<String> {
        let (code, out, err) = go(&["--as-of", at, "export", "--format", "json", "--out", "-"]);
        assert_eq!(code, 0, "{err}");
        let kb: serde_json::Value = serde_json::from_str(&out).unwrap();
        kb["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == "mem:turin-acm-2019")
            .map(|m| m["from"].as_str().unwrap().to_string())
    };
    let opened = v[0]["opened"]["id"].as_i64().unwrap();
    assert_eq!(from_as_of(&format!("cs:{}", opened - 1)), None, "before the import");
    assert_eq!(from_as_of(&format!("cs:{opened}")).as_deref(), Some("2019"));
    assert_eq!(from_as_of(&format!("cs:{}", v[1]["opened"]["id"])).as_deref(), Some("2018"));
    assert_eq!(from_as_of(&format!("cs:{}", retracted["change_set"]["id"])), None, "retracted");
    assert_eq!(from_as_of("2000-01-01"), None, "nothing was recorded in 2000");
    // One record from the command line, validated like an import, then corrected (part 3).
    let (code, out, err) =
        go(&add_turin_to_acm("member", &["--from", "2019", "--locator", "Table 3"]));
    assert_eq!(code, 0, "{err}");
    let added: serde_json::Value = serde_json::from_str(&out).unwrap();
    let new_id = added["id"].as_str().unwrap().to_string();
    assert_eq!(
        new_id, "mem:turin-acm-2019-2",
        "an id made from the key fields, never one stored before: {added}"
    );
    let (code, _, err) = go(&["correct", &new_id, "--to", "2020", "--locator", "p. 9"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = go(&["history", &new_id]);
    let h: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(h["versions"].as_array().unwrap().len(), 2, "{h}");
    assert_eq!(h["versions"][1]["cells"]["to"], "2020");
    let (code, _, err) = go(&add_turin_to_acm("membre", &["--locator", "x"]));
    assert_eq!(code, 2);
    assert!(err.contains("field \"role\": unknown membership role \"membre\""), "{err}");
    // Writing commands refuse --as-of; retracting what others refer to is refused.
    let (code, _, err) = go(&["--as-of", "2000-01-01", "demo"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = go(&["retract", "net:acm", "--reason", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot be retracted while")
            && err.contains("rel:acm-participates-in-comissio-ports-segurs (subject)"),
        "{err}"
    );
}

/// `mlgov add membership`: Turin in ACM with `role`, sourced to Caponio & Clément 2020, then
/// `more`.
fn add_turin_to_acm<'a>(role: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["add", "membership", "--network", "net:acm", "--member", "loc:turin"];
    args.extend_from_slice(&["--role", role, "--source", "src:caponio-clement-2020"]);
    args.extend_from_slice(more);
    args
}

#[test]
fn a_batch_refers_to_stored_records_on_sqlite() {
    let env = Env::new();
    grows_in_place(&env, &env.db.clone());
}

#[test]
fn a_batch_refers_to_stored_records_on_postgres() {
    let Some(base) = server_url("a_batch_refers_to_stored_records_on_postgres") else { return };
    let db = TestSchema::new(&base, "cli_grow");
    let env = Env::new();
    grows_in_place(&env, Path::new(&db.url()));
}
