//! Knowledge-base commands on the bundled data: demo, show (accent-insensitive, ambiguity), list
//! filters, timeline width, conflicts with both sources, `--json` everywhere, usage errors.

use crate::common::{Env, parse_json};
use serde_json::Value;
use std::collections::BTreeSet;

fn demo_env() -> Env {
    let env = Env::new();
    env.demo();
    env
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("`items` array")
}

/// Every line of the output of `mlgov <args>` fits 100 columns.
fn assert_fits_100_columns(args: &[&str], out: &str) {
    for l in out.lines() {
        assert!(
            l.chars().count() <= 100,
            "mlgov {args:?}: line of {} columns:\n{l}",
            l.chars().count()
        );
    }
}

/// Whether an item's `field` (values joined by `/`) holds `word`.
fn holds(item: &Value, field: &str, word: &str) -> bool {
    item[field].as_str().unwrap().split('/').any(|s| s == word)
}

fn ids_of(v: &Value, key: &str) -> BTreeSet<String> {
    items(v).iter().map(|i| i[key].as_str().unwrap().to_string()).collect()
}

/// The year of a partial date string (`2006`, `2006-05`, `2006-05-01`).
fn year(v: &Value) -> Option<i32> {
    v.as_str().filter(|s| !s.is_empty()).map(|s| s[..4].parse().expect("year"))
}

#[test]
fn demo_loads_the_bundled_data() {
    let env = Env::new();
    let (code, out, err) = env.mlgov(&["demo"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("loaded the bundled knowledge base"), "{out}");
    assert!(env.db.exists());
    // Loading twice replaces instead of duplicating.
    let v = env.json(&["demo"]);
    let v2 = env.json(&["demo"]);
    assert_eq!(v["counts"], v2["counts"]);
    let c = &v["counts"];
    for table in [
        "sources",
        "localities",
        "networks",
        "organisations",
        "persons",
        "events",
        "memberships",
        "terms",
        "facts",
        "phases",
    ] {
        assert!(c[table].as_u64().unwrap() > 0, "no {table} in the bundled data: {c}");
    }
    // The four bundled papers' sources at least.
    assert!(c["sources"].as_u64().unwrap() >= 4, "{c}");
    // The 49 Whole-COMM localities and Turin/Saint-Étienne are all there.
    assert!(c["localities"].as_u64().unwrap() >= 49 + 2, "{c}");
    assert_eq!(
        v["records"].as_u64().unwrap(),
        c.as_object().unwrap().values().map(|x| x.as_u64().unwrap()).sum::<u64>()
    );
}

#[test]
fn show_locality_is_accent_and_case_insensitive() {
    let env = demo_env();
    for q in
        ["saint etienne", "SAINT-ETIENNE", "Saint-Étienne", "saint-étienne", "loc:saint-etienne"]
    {
        let v = env.json(&["show", "locality", q]);
        assert_eq!(v["id"], "loc:saint-etienne", "query {q:?}");
        assert_eq!(v["name"], "Saint-Étienne", "query {q:?}");
    }
    // Human output names it with its accent and lists its Table 3 memberships.
    let out = env.ok(&["show", "locality", "saint etienne"]);
    assert!(out.starts_with("Saint-Étienne"), "{out}");
    assert!(out.contains("Memberships"), "{out}");
}

#[test]
fn show_locality_accepts_the_st_abbreviation() {
    let env = demo_env();
    let v = env.json(&["show", "locality", "st etienne"]);
    assert_eq!(v["id"], "loc:saint-etienne");
    let v = env.json(&["show", "locality", "St-Étienne"]);
    assert_eq!(v["id"], "loc:saint-etienne");
}

#[test]
fn show_finds_nordic_and_french_accents() {
    let env = demo_env();
    // Swedish localities of the Whole-COMM report (anonymised labels with diacritics).
    for q in ["se jonkoping", "SE (JÖNKÖPING)", "jönköping", "Jonkoping"] {
        assert_eq!(env.json(&["show", "locality", q])["id"], "loc:wc-se-jonkoping", "query {q:?}");
    }
    // The two Gävleborg localities share the county as their public label (the report's label for
    // one of them named its town: issue 15): either spelling finds both, ambiguous.
    for q in ["SE (Gävleborg)", "se gavleborg"] {
        let (code, _, err) = env.mlgov(&["show", "locality", q]);
        assert_eq!(code, 2, "query {q:?}: {err}");
        assert!(
            err.contains("loc:wc-se-gavleborg-medium") && err.contains("loc:wc-se-gavleborg"),
            "query {q:?}: {err}"
        );
    }
    // People with accents in their names.
    assert_eq!(env.json(&["show", "person", "michel thiolliere"])["id"], "per:michel-thiolliere");
    assert_eq!(env.json(&["show", "person", "GAEL PERDRIAU"])["id"], "per:gael-perdriau");
}

#[test]
fn ambiguous_name_exits_2_and_lists_candidates() {
    let env = demo_env();
    let (code, out, err) = env.mlgov(&["show", "locality", "IT (Piedmont)"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("ambiguous"), "{err}");
    for id in ["loc:wc-it-piedmont-medium", "loc:wc-it-piedmont-rural", "loc:wc-it-piedmont-small"]
    {
        assert!(err.contains(id), "candidate {id} not listed:\n{err}");
    }
    // The same with --json: a JSON error object on stdout naming the candidates.
    let (code, out, _) = env.mlgov(&["show", "locality", "IT (Piedmont)", "--json"]);
    assert_eq!(code, 2);
    let v = parse_json(&out, &["show"]);
    assert!(v["error"].as_str().unwrap().contains("loc:wc-it-piedmont-small"), "{v}");
    // `gavle` alone matches both Gävleborg localities (the public label is the county).
    let (code, _, err) = env.mlgov(&["show", "locality", "gavle"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("loc:wc-se-gavleborg-medium") && err.contains("loc:wc-se-gavleborg"),
        "{err}"
    );
}

#[test]
fn unknown_name_exits_2_with_a_message() {
    let env = demo_env();
    let (code, _, err) = env.mlgov(&["show", "locality", "Atlantis"]);
    assert_eq!(code, 2);
    assert!(err.contains("no locality named \"Atlantis\""), "{err}");
    // A near miss suggests candidates.
    let (code, _, err) = env.mlgov(&["show", "network", "eurocitie migration"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean") || err.contains("ambiguous"), "{err}");
}

#[test]
fn commands_on_a_missing_database_exit_2() {
    let env = Env::new();
    let (code, _, err) = env.mlgov(&["list", "networks"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no mlgov database"), "{err}");
    assert!(!env.db.exists(), "a read command must not create the database");
}

#[test]
fn list_localities_filters_by_country_and_size() {
    let env = demo_env();
    let all = env.json(&["list", "localities"]);
    let it = env.json(&["list", "localities", "--country", "IT"]);
    assert_eq!(it["count"].as_u64().unwrap() as usize, items(&it).len());
    assert!(!items(&it).is_empty());
    assert!(items(&it).iter().all(|i| i["country"] == "IT"), "{it}");
    assert!(ids_of(&it, "id").contains("loc:turin"));
    // Exactly the Italian localities of the full list (case-insensitive code).
    let expect: BTreeSet<String> = items(&all)
        .iter()
        .filter(|i| i["country"] == "IT")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids_of(&it, "id"), expect);
    assert_eq!(ids_of(&env.json(&["list", "localities", "--country", "it"]), "id"), expect);

    let small = env.json(&["list", "localities", "--size", "small"]);
    assert!(!items(&small).is_empty());
    assert!(items(&small).iter().all(|i| holds(i, "size", "small_town")), "{small}");
    // The size table of the Whole-COMM report has 18 small localities (4 + 10 + 4).
    let wc_small =
        items(&small).iter().filter(|i| i["id"].as_str().unwrap().starts_with("loc:wc-")).count();
    assert_eq!(wc_small, 18, "{small}");
    let both = env.json(&["list", "localities", "--size", "small_town", "--country", "IT"]);
    assert_eq!(
        ids_of(&both, "id"),
        BTreeSet::from([
            "loc:wc-it-piedmont-small".to_string(),
            "loc:wc-it-sicily-small".to_string()
        ])
    );
    // A bad size is a usage error.
    let (code, _, err) = env.mlgov(&["list", "localities", "--size", "huge"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn list_networks_filters_by_scale() {
    let env = demo_env();
    let all = env.json(&["list", "networks"]);
    let national = env.json(&["list", "networks", "--scale", "national"]);
    assert!(!items(&national).is_empty());
    assert!(items(&national).iter().all(|i| holds(i, "scale", "national")), "{national}");
    let expect: BTreeSet<String> = items(&all)
        .iter()
        .filter(|i| holds(i, "scale", "national"))
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids_of(&national, "id"), expect);
    // ANVITA is a French national network.
    assert!(expect.contains("net:anvita"), "{expect:?}");
    let continental = env.json(&["list", "networks", "--scale", "continental"]);
    assert!(
        ids_of(&continental, "id").is_disjoint(&expect)
            || items(&continental).iter().all(|i| i["scale"].as_str().unwrap().contains('/'))
    );
}

#[test]
fn list_memberships_in_force_in_a_year() {
    let env = demo_env();
    let export = env.json(&["export", "--format", "json", "--out", "kb.json"]);
    assert_eq!(export["format"], "json");
    let kb: Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("kb.json")).unwrap()).unwrap();
    // Independent computation: a membership is in force in 2010 when it starts by 2010 (or has
    // no known start) and ends in or after 2010 (or is open-ended).
    let expect: BTreeSet<String> = kb["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            year(&m["from"]).is_none_or(|a| a <= 2010) && year(&m["to"]).is_none_or(|b| b >= 2010)
        })
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let v = env.json(&["list", "memberships", "--year", "2010"]);
    assert_eq!(ids_of(&v, "id"), expect);
    // Turin in CLIP (2006–2015) is in force; Turin in Regenera (2004–2007) is not.
    let turin: Vec<&Value> = items(&v).iter().filter(|i| i["member"] == "Turin").collect();
    assert!(turin.iter().any(|i| i["id"] == "mem:turin-clip"), "{turin:?}");
    assert!(!turin.iter().any(|i| i["id"] == "mem:turin-regenera"), "{turin:?}");
    // Combined with a country filter: only Italian members.
    let it = env.json(&["list", "memberships", "--year", "2010", "--country", "IT"]);
    assert!(!items(&it).is_empty());
    assert!(ids_of(&it, "id").is_subset(&expect));
    assert!(items(&it).iter().all(|i| i["member"] != "Saint-Étienne"));
}

#[test]
fn timeline_fits_100_columns() {
    let env = demo_env();
    for loc in ["Turin", "Saint-Etienne", "Palermo", "Barcelona"] {
        let out = env.ok(&["timeline", loc]);
        assert!(out.lines().count() > 3, "{loc}: {out}");
        for l in out.lines() {
            assert!(l.chars().count() <= 100, "{loc}: line of {} columns:\n{l}", l.chars().count());
        }
    }
    let out = env.ok(&["timeline", "Turin"]);
    assert!(out.contains("Turin"), "{out}");
    assert!(out.contains('█') || out.contains('▓'), "no membership bar:\n{out}");
    // Every human table output fits as well.
    for args in [
        vec!["list", "networks"],
        vec!["list", "memberships"],
        vec!["list", "localities"],
        vec!["show", "locality", "Turin"],
        vec!["show", "network", "Eurocities"],
        vec!["conflicts"],
        vec!["compare", "Turin", "Saint-Etienne"],
        vec!["crosstab"],
        vec!["sources", "src:caponio-clement-2020"],
    ] {
        assert_fits_100_columns(&args, &env.ok(&args));
    }
}

#[test]
fn show_and_sources_fit_100_columns_for_every_entity() {
    let env = demo_env();
    let kb: Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json", "--out", "-"])).unwrap();
    let mut checked = 0;
    for (table, kind) in [
        ("localities", "locality"),
        ("networks", "network"),
        ("organisations", "organisation"),
        ("persons", "person"),
    ] {
        for r in kb[table].as_array().unwrap() {
            let id = r["id"].as_str().unwrap();
            for args in [vec!["show", kind, id], vec!["sources", id]] {
                assert_fits_100_columns(&args, &env.ok(&args));
                checked += 1;
            }
        }
    }
    for s in kb["sources"].as_array().unwrap() {
        let out = env.ok(&["sources", s["id"].as_str().unwrap()]);
        assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn conflicts_list_each_conflict_with_both_sources() {
    let env = demo_env();
    let v = env.json(&["conflicts"]);
    let cs = v["conflicts"].as_array().unwrap();
    assert_eq!(v["count"].as_u64().unwrap() as usize, cs.len());
    assert!(!cs.is_empty(), "the Whole-COMM report disagrees with itself; conflicts expected");
    let kb: Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json", "--out", "-"])).unwrap();
    let sources: BTreeSet<&str> =
        kb["sources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    for c in cs {
        let st = c["statements"].as_array().unwrap();
        assert!(st.len() >= 2, "a conflict needs two statements: {c}");
        for s in st {
            let cit = &s["citation"];
            assert!(sources.contains(cit["source"].as_str().unwrap()), "{c}");
            assert!(!cit["locator"].as_str().unwrap().trim().is_empty(), "{c}");
        }
        // The statements disagree: at least two distinct values or intervals.
        let distinct: BTreeSet<String> =
            st.iter().map(|s| format!("{}|{}", s["value"], s["when"])).collect();
        assert!(distinct.len() >= 2, "{c}");
    }
    // The report's internal disagreement on NL (South Holland): mixed in the size table,
    // accommodative in the typology table.
    assert!(
        cs.iter().any(|c| c["subject"] == "loc:wc-nl-south-holland"),
        "South Holland conflict missing"
    );
    // Human output: the count, one block per conflict naming its subject, one row per statement
    // (ids may be shortened with an ellipsis to fit 100 columns).
    let out = env.ok(&["conflicts"]);
    assert!(
        out.starts_with(&format!("{} group(s) of statements that do not agree", cs.len())),
        "{out}"
    );
    for c in cs {
        assert!(
            out.contains(&format!("({})", c["subject"].as_str().unwrap())),
            "conflict on {} not printed",
            c["subject"]
        );
    }
    let headers = out
        .lines()
        .filter(|l| l.starts_with("value") && l.contains("source") && l.contains("statement"))
        .count();
    assert_eq!(headers, cs.len(), "one table per conflict:\n{out}");
    for l in out.lines() {
        assert!(l.chars().count() <= 100, "line of {} columns:\n{l}", l.chars().count());
    }
}

#[test]
fn every_command_accepts_json() {
    let env = demo_env();
    std::fs::create_dir_all(env.path("ex")).unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["init"],
        vec!["demo"],
        vec!["export", "--out", "ex/csv"],
        vec!["export", "--format", "json", "--out", "ex/kb.json"],
        vec!["show", "locality", "Turin"],
        vec!["show", "network", "Eurocities"],
        vec!["show", "organisation", "UNHCR"],
        vec!["show", "person", "Chiamparino"],
        vec!["list", "localities"],
        vec!["list", "networks"],
        vec!["list", "organisations"],
        vec!["list", "persons"],
        vec!["list", "memberships"],
        vec!["list", "terms"],
        vec!["list", "events"],
        vec!["list", "sources"],
        vec!["search", "seebrucke"],
        vec!["timeline", "Turin"],
        vec!["conflicts"],
        vec!["sources", "src:caponio-clement-2020"],
        vec!["sources", "Turin"],
        vec!["compare", "Turin", "Saint-Etienne"],
        vec!["compare", "Turin", "Saint-Etienne", "--table3"],
        vec!["crosstab"],
        vec!["countries"],
        vec!["phases"],
        vec!["networks", "overview"],
    ];
    for args in commands {
        let v = env.json(&args);
        assert!(v.is_object(), "mlgov {args:?} --json: not an object: {v}");
        assert!(v.get("error").is_none(), "mlgov {args:?} --json: {v}");
    }
    // Validate (against no store: the export duplicates the demo store's ids) and import into a
    // second store, with --json.
    let (code, out, err) = env.mlgov_db(&env.path("none.db"), &["validate", "ex/csv", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(parse_json(&out, &["validate"])["valid"], true);
    let (code, out, err) = env.mlgov_db(&env.path("second.db"), &["import", "ex/csv", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v = parse_json(&out, &["import"]);
    assert!(v["imported"].as_u64().unwrap() > 0, "{v}");
    // Errors are JSON too with --json.
    let (code, out, _) = env.mlgov(&["show", "locality", "Atlantis", "--json"]);
    assert_eq!(code, 2);
    assert!(parse_json(&out, &["show"])["error"].is_string());
}

#[test]
fn usage_errors_exit_1() {
    let env = demo_env();
    for args in [
        vec!["frobnicate"],
        vec![],
        vec!["show"],
        vec!["show", "planet", "Mars"],
        vec!["list", "unicorns"],
        vec!["compare", "Turin"],
        vec!["crosstab", "outcome-by-weather"],
        vec!["export", "--format", "xml", "--out", "x"],
        vec!["list", "memberships", "--year", "twenty-ten"],
    ] {
        let (code, out, err) = env.mlgov(&args);
        assert_eq!(code, 1, "mlgov {args:?}: expected exit 1\nstdout:{out}\nstderr:{err}");
        assert!(!err.trim().is_empty(), "mlgov {args:?}: no message on stderr");
    }
    // --help and --version are not errors.
    assert_eq!(env.mlgov(&["--help"]).0, 0);
    assert_eq!(env.mlgov(&["--version"]).0, 0);
}

#[test]
fn events_are_dated_at_their_date() {
    let env = demo_env();
    let all = env.json(&["list", "events"]);
    assert!(!items(&all).is_empty());
    let kb: Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json", "--out", "-"])).unwrap();
    // An event without an end happened at its date: it is listed in that year only, and its date
    // is printed without an open-ended dash.
    for e in kb["events"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        let listed = items(&all).iter().find(|i| i["id"] == id).unwrap();
        if e["to"].is_null() || e["to"] == "" {
            assert_eq!(listed["date"], e["from"], "{id}");
        }
    }
    let y2018 = env.json(&["list", "events", "--year", "2018"]);
    let expect: BTreeSet<String> = kb["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            let from = year(&e["from"]);
            let to = year(&e["to"]).or(from);
            from.is_none_or(|a| a <= 2018) && to.is_none_or(|b| b >= 2018)
        })
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids_of(&y2018, "id"), expect);
    assert!(!expect.is_empty());
}
