//! Proposed change sets on the shared server (issue 14, part 4): a researcher proposes rows that
//! refer to stored records, sees the diff, a colleague comments, an admin approves (the rows are in
//! the base and the proposal records the change set) or rejects; two conflicting proposals approved
//! at the same moment: one applies, the other is refused with 409 and nothing of it is written.
//! Contributors propose and follow only their own proposals; the explorer's pages do the same
//! through forms with the session's CSRF token; every step is in the audit log. Pages read with
//! `?as_of=` say so and keep their links there. On SQLite and PostgreSQL.

use super::common::Env;
use serde_json::json;

fn membership(id: &str, from: &str) -> serde_json::Value {
    json!({
        "files": {"memberships.csv": format!("id,network,member,role,from,source,locator\n{id},net:acm,loc:turin,member,{from},src:caponio-clement-2020,Table 3\n")},
        "note": "Turin in ACM (Caponio & Clément 2020, Table 3)"
    })
}

/// A stored value that a spreadsheet would run as a formula is neutralised in the explorer's
/// downloads (CSV and CSV for Excel), and given as stored with `raw=true` (OWASP CSV injection).
async fn downloads_neutralise_formula_like_cells(env: Env) {
    let hostile = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let rows = format!(
        "id,name,kind,country,source,locator\nloc:formula-town,\"{}\",municipality,IT,src:caponio-clement-2020,fixture\n",
        hostile.replace('"', "\"\"")
    );
    env.apply_change(json!({"localities.csv": rows})).await;
    let csv = env.get("/localities?country=IT&download=localities&format=csv").await.text();
    assert!(csv.contains("\"'=HYPERLINK("), "neutralised with a leading apostrophe: {csv}");
    assert!(
        !csv.lines().any(|l| l.starts_with("\"=") || l.starts_with('=')),
        "no line starts a formula"
    );
    assert!(csv.contains(",IT,"), "other cells untouched");
    let raw =
        env.get("/localities?country=IT&download=localities&format=csv&raw=true").await.text();
    assert!(raw.contains("\"=HYPERLINK("), "raw=true gives the cell as stored");
    // XLSX: the cell is text as stored (never a formula), marked with Excel's quote prefix.
    let x = env.get("/localities?country=IT&download=localities&format=xlsx").await;
    assert_eq!(x.status, 200);
    assert_eq!(
        x.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(x.header("content-disposition").unwrap().contains(".xlsx"));
    let files = unzip(&x.body);
    let strings = String::from_utf8_lossy(&files["xl/sharedStrings.xml"]).to_string();
    assert!(strings.contains("<t>=HYPERLINK(\"http://evil.example\",\"x\")</t>"), "{strings}");
    assert!(
        files
            .iter()
            .filter(|(k, _)| k.starts_with("xl/worksheets/"))
            .all(|(_, v)| !String::from_utf8_lossy(v).contains("<f>"))
    );
    assert!(String::from_utf8_lossy(&files["xl/styles.xml"]).contains("quotePrefix=\"1\""));
    // The bulk download: the release as a ZIP, the new locality in its CSV (neutralised) and
    // every file listed in the data package with its size.
    let z = env.get("/api/v1/release.zip").await;
    assert_eq!((z.status, z.header("content-type")), (200, Some("application/zip")));
    let files = unzip(&z.body);
    let csv = String::from_utf8_lossy(&files["mlgov-release/data/localities.csv"]).to_string();
    assert!(csv.contains("\"'=HYPERLINK("), "{csv}");
    let package: serde_json::Value =
        serde_json::from_slice(&files["mlgov-release/datapackage.json"]).unwrap();
    for r in package["resources"].as_array().unwrap() {
        let f = &files[&format!("mlgov-release/{}", r["path"].as_str().unwrap())];
        assert_eq!(r["bytes"].as_u64().unwrap() as usize, f.len());
    }
    assert!(
        files.keys().any(|k| k.ends_with("CITATION.cff"))
            && files.keys().any(|k| k.ends_with("parquet/memberships.parquet"))
    );
    // A second request gets the same archive (kept per content).
    assert_eq!(env.get("/api/v1/release.zip").await.body, z.body);
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    mlgov_export::release::unzip(bytes).expect("a zip archive")
}

async fn proposals_are_reviewed_before_they_apply(env: Env) {
    // Who may do what.
    let anon = env
        .request(
            "POST",
            "/api/v1/changes",
            &[("Content-Type", "application/json")],
            membership("mem:x", "2019").to_string().as_bytes(),
        )
        .await;
    assert_eq!(anon.status, 401, "{}", anon.text());
    assert_eq!(
        env.post_json(&env.viewer_bearer, "/api/v1/changes", &membership("mem:x", "2019"))
            .await
            .status,
        403
    );
    // Bad rows are refused with their file, line and field; nothing is proposed.
    let bad = env.post_json(&env.researcher_bearer, "/api/v1/changes", &json!({"files": {"memberships.csv": "id,network,member,role,source,locator\nmem:y,net:acmm,loc:turin,member,src:caponio-clement-2020,x\n"}})).await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(
        bad.text().contains("memberships.csv:2:network")
            && bad.text().contains("closest stored ids: net:acm"),
        "{}",
        bad.text()
    );
    // A researcher proposes; the diff shows one added row.
    let r = env
        .post_json(
            &env.researcher_bearer,
            "/api/v1/changes",
            &membership("mem:turin-acm-2019", "2019"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let p = r.json();
    let id = p["proposal"]["id"].as_i64().unwrap();
    assert_eq!(
        (p["proposal"]["status"].as_str(), p["proposal"]["submitted_by"].as_str()),
        (Some("pending"), Some("rita"))
    );
    assert_eq!(p["diff"]["added"][0]["id"], "mem:turin-acm-2019", "{p}");
    assert_eq!(p["diff"]["applies"], true);
    // Not in the base yet.
    assert!(
        env.state.snapshot().kb.memberships.iter().all(|m| m.id.as_str() != "mem:turin-acm-2019")
    );
    // Comments, the list.
    let c = env
        .post_json(
            &env.researcher_bearer,
            &format!("/api/v1/changes/{id}/comments"),
            &json!({"text": "checked against Table 3"}),
        )
        .await;
    assert_eq!(c.status, 200, "{}", c.text());
    assert_eq!(c.json()["proposal"]["comments"][0]["by"], "rita");
    let list = env.get_as(&env.researcher_bearer, "/api/v1/changes").await;
    assert_eq!(list.json()["items"][0]["id"], id);
    // Only an admin decides.
    assert_eq!(
        env.post_json(&env.researcher_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({}))
            .await
            .status,
        403
    );
    let a = env
        .post_json(
            &env.admin_bearer,
            &format!("/api/v1/changes/{id}/approve"),
            &json!({"text": "ok"}),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let done = a.json();
    assert_eq!(
        (done["proposal"]["status"].as_str(), done["proposal"]["decided_by"].as_str()),
        (Some("approved"), Some("root"))
    );
    let cs = done["proposal"]["change_set"].as_i64().expect("the change set that applied it");
    assert!(
        env.state.snapshot().kb.memberships.iter().any(|m| m.id.as_str() == "mem:turin-acm-2019"),
        "applied and reloaded"
    );
    let history = env.with_store(|s| s.history("mem:turin-acm-2019").unwrap()).await;
    assert_eq!(
        (history.len(), history[0].opened.id, history[0].opened.recorded_by.as_str()),
        (1, cs, "root")
    );
    // Decided once.
    let again = env
        .post_json(&env.admin_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({}))
        .await;
    assert_eq!(again.status, 409, "{}", again.text());
    let rej =
        env.post_json(&env.admin_bearer, &format!("/api/v1/changes/{id}/reject"), &json!({})).await;
    assert_eq!(rej.status, 409);

    // Two proposals that correct the same membership differently, approved at the same moment by
    // two reviewers: one applies, the other gets 409 and writes nothing.
    let fix = |from: &str| json!({"files": {"memberships.csv": format!("id,network,member,role,from,source,locator\nmem:turin-acm-2019,net:acm,loc:turin,member,{from},src:caponio-clement-2020,Table 3\n")}, "update": true});
    let p1 = env.post_json(&env.researcher_bearer, "/api/v1/changes", &fix("2017")).await.json()["proposal"]["id"].as_i64().unwrap();
    let p2 = env.post_json(&env.researcher_bearer, "/api/v1/changes", &fix("2018")).await.json()["proposal"]["id"].as_i64().unwrap();
    let d = env.get_as(&env.admin_bearer, &format!("/api/v1/changes/{p1}")).await.json();
    assert_eq!(
        (
            d["diff"]["corrected"][0]["changed"][0].as_str(),
            d["diff"]["corrected"][0]["stored"]["from"].as_str()
        ),
        (Some("from"), Some("2019")),
        "{d}"
    );
    let (path1, path2, empty) = (
        format!("/api/v1/changes/{p1}/approve"),
        format!("/api/v1/changes/{p2}/approve"),
        json!({}),
    );
    let (r1, r2) = tokio::join!(
        env.post_json(&env.admin_bearer, &path1, &empty),
        env.post_json(&env.admin_bearer, &path2, &empty)
    );
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", r1.text(), r2.text());
    let loser = if r1.status == 409 { &r1 } else { &r2 };
    assert!(
        loser.text().contains("after this change was prepared")
            || loser.text().contains("no longer applies"),
        "{}",
        loser.text()
    );
    let winner_from = if r1.status == 200 { "2017" } else { "2018" };
    let now = env
        .state
        .snapshot()
        .kb
        .memberships
        .iter()
        .find(|m| m.id.as_str() == "mem:turin-acm-2019")
        .map(|m| m.when.from.map(|d| d.to_string()))
        .unwrap();
    assert_eq!(now.as_deref(), Some(winner_from), "the winner's version is the current one");
    let pending = env.get_as(&env.admin_bearer, "/api/v1/changes").await.json();
    let statuses: Vec<&str> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "pending").count(),
        1,
        "the refused one stays pending: {statuses:?}"
    );
}

async fn the_api_reads_the_base_as_recorded_then(env: Env) {
    let first = env.with_store(|s| s.latest_change_set().unwrap().unwrap()).await;
    let r = env
        .post_json(
            &env.researcher_bearer,
            "/api/v1/changes",
            &membership("mem:turin-acm-asof", "2019"),
        )
        .await;
    let id = r.json()["proposal"]["id"].as_i64().unwrap();
    assert_eq!(
        env.post_json(&env.admin_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({}))
            .await
            .status,
        200
    );
    let ids = |r: super::common::Resp| -> Vec<String> {
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    };
    let now = ids(env.get("/api/v1/memberships?member=loc:turin&per_page=200").await);
    assert!(now.contains(&"mem:turin-acm-asof".to_string()));
    let then = env
        .get(&format!("/api/v1/memberships?member=loc:turin&per_page=200&as_of=cs:{first}"))
        .await;
    assert_eq!(then.status, 200, "{}", then.text());
    assert_eq!(then.header("x-mlgov-as-of"), Some(format!("cs:{first}").as_str()));
    let then = ids(then);
    assert!(
        !then.contains(&"mem:turin-acm-asof".to_string()) && then.len() + 1 == now.len(),
        "{then:?}"
    );
    assert_eq!(
        env.get("/api/v1/memberships?as_of=2000-01-01").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing was recorded in 2000"
    );
    let bad = env.get("/api/v1/memberships?as_of=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "as_of");
    // Pages say which version they show and keep their links in it; the current base is a link
    // away. The version is built once per change set, whatever moment names it.
    let page = env.get(&format!("/localities/turin?as_of=cs:{first}")).await;
    assert_eq!(page.status, 200, "pages too");
    let html = page.text();
    assert!(
        html.contains("class=\"as-of-banner\"")
            && html.contains(&format!("up to change set {first} (cs:{first})")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/networks?as_of=cs:{first}\"")),
        "internal links carry as_of"
    );
    assert!(
        html.contains("<a data-current href=\"/localities/turin\">Back to the current base</a>")
    );
    assert!(
        !env.get("/localities/turin").await.text().contains("as-of-banner"),
        "the current base has no banner"
    );
    let later = env.get("/localities/turin?as_of=2999-01-01").await.text();
    assert!(
        later.contains("as-of-banner") && later.contains("mem:turin-acm-asof")
            || later.contains("ACM"),
        "the latest change set shows the approved row"
    );
    let built = env.state.as_of_versions();
    assert_eq!(
        built.len(),
        3,
        "three moments read (before anything, cs 1, cs 2), three versions built: {built:?}"
    );
    let _ = env.get(&format!("/api/v1/localities/turin?as_of=cs:{first}")).await;
    assert_eq!(env.state.as_of_versions().len(), 3, "read again from the built version");
}

async fn post_as(
    env: &Env,
    bearer: &str,
    path: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = env.post_json(bearer, path, body).await;
    (r.status, serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null))
}

/// What the contributor gets for proposal `id`: the API, the page and a comment (status, content
/// type, body).
async fn contributors_view_of(env: &Env, id: i64) -> Vec<(u16, String, String)> {
    let bearer = &env.contributor_bearer;
    let mut out = Vec::new();
    for r in [
        env.get_as(bearer, &format!("/api/v1/changes/{id}")).await,
        env.get_as(bearer, &format!("/changes/{id}")).await,
        env.post_json(bearer, &format!("/api/v1/changes/{id}/comments"), &json!({"text": "x"}))
            .await,
    ] {
        out.push(r.comparable());
    }
    out
}

async fn contributors_follow_their_own_proposals_and_all_is_audited(env: Env) {
    let (st, mine) = post_as(
        &env,
        &env.contributor_bearer,
        "/api/v1/changes",
        &membership("mem:turin-acm-cora", "2019"),
    )
    .await;
    assert_eq!(st, 201, "{mine}");
    let mine = mine["proposal"]["id"].as_i64().unwrap();
    // Another's proposal answers the contributor as one that does not exist: the next id, asked
    // before and after the researcher's proposal takes it, gets the same answers.
    let next = mine + 1;
    let before = contributors_view_of(&env, next).await;
    let (_, theirs) = post_as(
        &env,
        &env.researcher_bearer,
        "/api/v1/changes",
        &membership("mem:turin-acm-rita", "2019"),
    )
    .await;
    let theirs = theirs["proposal"]["id"].as_i64().unwrap();
    assert_eq!(theirs, next);
    assert_eq!(
        contributors_view_of(&env, next).await,
        before,
        "another's proposal answers as one that does not exist"
    );
    let listed: Vec<i64> =
        env.get_as(&env.contributor_bearer, "/api/v1/changes").await.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
    assert_eq!(listed, [mine], "a contributor sees their own proposals only");
    assert_eq!(
        env.get_as(&env.researcher_bearer, "/api/v1/changes").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "a researcher sees all"
    );
    // Each step in order: who, where, the JSON posted (none: a GET), the status and why.
    let (c, v, a) = (&env.contributor_bearer, &env.viewer_bearer, &env.admin_bearer);
    let (mine_at, theirs_at) =
        (format!("/api/v1/changes/{mine}"), format!("/api/v1/changes/{theirs}"));
    let steps = [
        (c, theirs_at.clone(), None, 404, "another's proposal is not revealed"),
        (c, format!("{theirs_at}/comments"), Some(json!({"text": "x"})), 404, "nor commented on"),
        (c, format!("{mine_at}/comments"), Some(json!({"text": "source attached"})), 200, "own"),
        (c, format!("{mine_at}/approve"), Some(json!({})), 403, "contributors do not decide"),
        (v, "/api/v1/changes".to_string(), None, 403, "viewers take no part"),
        (a, format!("{mine_at}/approve"), Some(json!({})), 200, "an administrator approves"),
        (a, format!("{mine_at}/approve"), Some(json!({})), 409, "once"),
        (a, format!("{theirs_at}/reject"), Some(json!({"text": "duplicate"})), 200, "or rejects"),
    ];
    for (bearer, path, body, want, why) in steps {
        let got = match &body {
            Some(body) => env.post_json(bearer, &path, body).await.status,
            None => env.get_as(bearer, &path).await.status,
        };
        assert_eq!(got, want, "{path}: {why}");
    }
    let log = env.get_as(&env.admin_bearer, "/api/v1/audit?limit=50").await.json();
    let entries: Vec<String> = log
        .as_array()
        .or_else(|| log["items"].as_array())
        .expect("audit entries")
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["user"].as_str().or(e["username"].as_str()).unwrap_or(""),
                e["action"].as_str().unwrap_or(""),
                e["resource"].as_str().unwrap_or("")
            )
        })
        .collect();
    for want in [
        format!("cora kb_change_propose proposal:{mine}"),
        format!("rita kb_change_propose proposal:{theirs}"),
        format!("cora kb_change_comment proposal:{mine}"),
        format!("root kb_change_reject proposal:{theirs}"),
        format!("root kb_change_approve_refused proposal:{mine}"),
    ] {
        assert!(entries.contains(&want), "{want} not in {entries:?}");
    }
    assert!(
        entries
            .iter()
            .any(|e| e.starts_with(&format!("root kb_change_approve proposal:{mine} change_set:"))),
        "{entries:?}"
    );
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn form_post(
    env: &Env,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> super::common::Resp {
    env.request(
        "POST",
        path,
        &[("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded")],
        form_body(fields).as_bytes(),
    )
    .await
}

fn statement<'a>(
    csrf: &'a str,
    id: &'a str,
    from: &'a str,
    update: bool,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("csrf_token", csrf),
        ("mode", "one"),
        ("file", "memberships.csv"),
        ("col:id", id),
        ("col:network", "net:acm"),
        ("col:member", "loc:turin"),
        ("col:role", "member"),
        ("col:from", from),
        ("col:source", "src:caponio-clement-2020"),
        ("col:locator", "Table 3"),
        ("note", "Turin in ACM"),
    ];
    if update {
        f.push(("update", "1"));
    }
    f
}

async fn the_explorer_pages_propose_review_and_refuse_what_no_longer_applies(env: Env) {
    let anon = env.get("/changes").await;
    assert_eq!(anon.status, 401);
    assert!(anon.text().contains("login?next=%2Fchanges"), "{}", anon.text());
    let (cora, csrf) = env.login("cora").await;
    let list = env.request("GET", "/changes?table=facts", &[("Cookie", &cora)], b"").await;
    assert_eq!(list.status, 200);
    let html = list.text();
    assert!(
        html.contains(&format!("name=\"csrf_token\" value=\"{csrf}\""))
            && html.contains("name=\"col:property\""),
        "a form for one fact, with the session's CSRF token"
    );
    // Without the token nothing happens.
    let forged = form_post(
        &env,
        &cora,
        "/changes",
        &statement("", "mem:turin-acm-form", "2019", false)[1..],
    )
    .await;
    assert_eq!(forged.status, 403, "{}", forged.text());
    // A bad row: the form again, with the problem's file, line and field, and what was typed.
    let mut bad = statement(&csrf, "mem:turin-acm-form", "2019", false);
    bad[4] = ("col:network", "net:acmm");
    let r = form_post(&env, &cora, "/changes", &bad).await;
    assert_eq!(r.status, 422);
    assert!(
        r.text().contains("memberships.csv:2:network") && r.text().contains("value=\"net:acmm\""),
        "{}",
        r.text()
    );
    // One statement proposed through the form.
    let r =
        form_post(&env, &cora, "/changes", &statement(&csrf, "mem:turin-acm-form", "2019", false))
            .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let at = r.header("location").unwrap().to_string();
    assert!(at.starts_with("/changes/") && at.ends_with("?done=proposed"), "{at}");
    let view = env.request("GET", &at, &[("Cookie", &cora)], b"").await.text();
    let csv = env
        .request("GET", &format!("{}&download=added&format=csv", at), &[("Cookie", &cora)], b"")
        .await;
    assert!(
        csv.status == 200
            && csv.text().starts_with("table,id,content\n")
            && csv.text().contains("mem:turin-acm-form"),
        "{}",
        csv.text()
    );
    assert!(
        view.contains("Statements it adds")
            && view.contains("mem:turin-acm-form")
            && view.contains("Proposed."),
        "{view}"
    );
    assert!(!view.contains("Approve and apply"), "a contributor cannot decide");
    // The admin sees a correction highlighted, then a second correction of the same statement
    // that no longer applies once the first is approved.
    let (root, root_csrf) = env.login("root").await;
    let id = at.trim_start_matches("/changes/").split('?').next().unwrap().to_string();
    let r = form_post(
        &env,
        &root,
        &format!("/changes/{id}/approve"),
        &[("csrf_token", &root_csrf), ("text", "checked")],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        env.state.snapshot().kb.memberships.iter().any(|m| m.id.as_str() == "mem:turin-acm-form")
    );
    let a =
        form_post(&env, &cora, "/changes", &statement(&csrf, "mem:turin-acm-form", "2017", true))
            .await
            .header("location")
            .unwrap()
            .to_string();
    let b =
        form_post(&env, &cora, "/changes", &statement(&csrf, "mem:turin-acm-form", "2018", true))
            .await
            .header("location")
            .unwrap()
            .to_string();
    let (a, b) =
        (a.split('?').next().unwrap().to_string(), b.split('?').next().unwrap().to_string());
    let diff = env.request("GET", &a, &[("Cookie", &root)], b"").await.text();
    assert!(
        diff.contains("Statements it corrects")
            && diff.contains("<mark>2017</mark>")
            && diff.contains("Approve and apply"),
        "{diff}"
    );
    assert_eq!(
        form_post(&env, &root, &format!("{a}/approve"), &[("csrf_token", &root_csrf)]).await.status,
        303
    );
    let refused =
        form_post(&env, &root, &format!("{b}/approve"), &[("csrf_token", &root_csrf)]).await;
    assert_eq!(refused.status, 409);
    assert!(
        refused.text().contains("Not done")
            && (refused.text().contains("no longer applies")
                || refused.text().contains("after this change was prepared")),
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("after this proposal was prepared")
            && refused.text().contains("Propose again against the current base"),
        "the proposal says it does not apply and offers to propose it again"
    );
    let from = env
        .state
        .snapshot()
        .kb
        .memberships
        .iter()
        .find(|m| m.id.as_str() == "mem:turin-acm-form")
        .and_then(|m| m.when.from.map(|d| d.to_string()));
    assert_eq!(
        from.as_deref(),
        Some("2017"),
        "the approved correction stands, nothing of the refused one"
    );
    let c = form_post(
        &env,
        &root,
        &format!("{b}/comment"),
        &[("csrf_token", &root_csrf), ("text", "superseded by the 2017 correction")],
    )
    .await;
    assert_eq!(c.status, 303);
    assert!(
        env.request("GET", &b, &[("Cookie", &cora)], b"")
            .await
            .text()
            .contains("superseded by the 2017 correction"),
        "the contributor reads the comment"
    );
}

/// Control characters and bidi overrides (issue 21) are refused in proposed rows (by the reader
/// every import shares: file, line, field, what was expected), in the note and in comments.
async fn proposals_refuse_control_characters(env: Env) {
    let rows = "id,name,kind,country,source,locator\nloc:esc-town,\"Esc\u{1b}[31mTown\",municipality,IT,src:caponio-clement-2020,fixture\n";
    let r = env
        .post_json(
            &env.researcher_bearer,
            "/api/v1/changes",
            &json!({"files": {"localities.csv": rows}, "note": "fixture"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    let v = r.json();
    let problem = v.to_string();
    assert!(
        problem.contains("localities.csv:2:name")
            && problem.contains(
                "contains U+001B (ESC) at character 4; expected text without control characters"
            ),
        "{v}"
    );
    let clean = "id,name,kind,country,source,locator\nloc:esc-town,Esc Town,municipality,IT,src:caponio-clement-2020,fixture\n";
    let r = env
        .post_json(
            &env.researcher_bearer,
            "/api/v1/changes",
            &json!({"files": {"localities.csv": clean}, "note": "see \u{202e}txt.exe"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(
        r.text().contains("note") && r.text().contains("U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        "{}",
        r.text()
    );
    let id = env.propose(json!({"localities.csv": clean})).await;
    let c = env
        .post_json(
            &env.researcher_bearer,
            &format!("/api/v1/changes/{id}/comments"),
            &json!({"text": "bell\u{7}"}),
        )
        .await;
    assert_eq!(c.status, 422, "{}", c.text());
    assert!(c.text().contains("U+0007 (BEL)"), "{}", c.text());
}

crate::both_backends!(
    proposals_refuse_control_characters,
    downloads_neutralise_formula_like_cells,
    proposals_are_reviewed_before_they_apply,
    the_api_reads_the_base_as_recorded_then,
    contributors_follow_their_own_proposals_and_all_is_audited,
    the_explorer_pages_propose_review_and_refuse_what_no_longer_applies,
);
