//! Proposed change sets on the shared server (issue 14, part 4): a researcher proposes rows that
//! refer to stored records, sees the diff, a colleague comments, an admin approves (the rows are in
//! the base and the proposal records the change set) or rejects; two conflicting proposals approved
//! at the same moment: one applies, the other is refused with 409 and nothing of it is written.
//! On SQLite and PostgreSQL.

use super::common::Env;
use serde_json::json;

fn membership(id: &str, from: &str) -> serde_json::Value {
    json!({
        "files": {"memberships.csv": format!("id,network,member,role,from,source,locator\n{id},net:acm,loc:turin,member,{from},src:caponio-clement-2020,Table 3\n")},
        "note": "Turin in ACM (Caponio & Clément 2020, Table 3)"
    })
}

async fn post(env: &Env, bearer: &str, path: &str, body: &serde_json::Value) -> super::common::Resp {
    env.request("POST", path, &[("Authorization", bearer), ("Content-Type", "application/json")], body.to_string().as_bytes()).await
}

async fn proposals_are_reviewed_before_they_apply(env: Env) {
    // Who may do what.
    let anon = env.request("POST", "/api/v1/changes", &[("Content-Type", "application/json")], membership("mem:x", "2019").to_string().as_bytes()).await;
    assert_eq!(anon.status, 401, "{}", anon.text());
    assert_eq!(post(&env, &env.viewer_bearer, "/api/v1/changes", &membership("mem:x", "2019")).await.status, 403);
    // Bad rows are refused with their file, line and field; nothing is proposed.
    let bad = post(&env, &env.researcher_bearer, "/api/v1/changes", &json!({"files": {"memberships.csv": "id,network,member,role,source,locator\nmem:y,net:acmm,loc:turin,member,src:caponio-clement-2020,x\n"}})).await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(bad.text().contains("memberships.csv:2:network") && bad.text().contains("closest stored ids: net:acm"), "{}", bad.text());
    // A researcher proposes; the diff shows one added row.
    let r = post(&env, &env.researcher_bearer, "/api/v1/changes", &membership("mem:turin-acm-2019", "2019")).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let p = r.json();
    let id = p["proposal"]["id"].as_i64().unwrap();
    assert_eq!((p["proposal"]["status"].as_str(), p["proposal"]["submitted_by"].as_str()), (Some("pending"), Some("rita")));
    assert_eq!(p["diff"]["added"][0]["id"], "mem:turin-acm-2019", "{p}");
    assert_eq!(p["diff"]["applies"], true);
    // Not in the base yet.
    assert!(env.state.snapshot().kb.memberships.iter().all(|m| m.id.as_str() != "mem:turin-acm-2019"));
    // Comments, the list.
    let c = post(&env, &env.researcher_bearer, &format!("/api/v1/changes/{id}/comments"), &json!({"text": "checked against Table 3"})).await;
    assert_eq!(c.status, 200, "{}", c.text());
    assert_eq!(c.json()["proposal"]["comments"][0]["by"], "rita");
    let list = env.get_as(&env.researcher_bearer, "/api/v1/changes").await;
    assert_eq!(list.json()["items"][0]["id"], id);
    // Only an admin decides.
    assert_eq!(post(&env, &env.researcher_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({})).await.status, 403);
    let a = post(&env, &env.admin_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({"text": "ok"})).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let done = a.json();
    assert_eq!((done["proposal"]["status"].as_str(), done["proposal"]["decided_by"].as_str()), (Some("approved"), Some("root")));
    let cs = done["proposal"]["change_set"].as_i64().expect("the change set that applied it");
    assert!(env.state.snapshot().kb.memberships.iter().any(|m| m.id.as_str() == "mem:turin-acm-2019"), "applied and reloaded");
    let history = env.with_store(|s| s.history("mem:turin-acm-2019").unwrap()).await;
    assert_eq!((history.len(), history[0].opened.id, history[0].opened.recorded_by.as_str()), (1, cs, "root"));
    // Decided once.
    let again = post(&env, &env.admin_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({})).await;
    assert_eq!(again.status, 409, "{}", again.text());
    let rej = post(&env, &env.admin_bearer, &format!("/api/v1/changes/{id}/reject"), &json!({})).await;
    assert_eq!(rej.status, 409);

    // Two proposals that correct the same membership differently, approved at the same moment by
    // two reviewers: one applies, the other gets 409 and writes nothing.
    let fix = |from: &str| json!({"files": {"memberships.csv": format!("id,network,member,role,from,source,locator\nmem:turin-acm-2019,net:acm,loc:turin,member,{from},src:caponio-clement-2020,Table 3\n")}, "update": true});
    let p1 = post(&env, &env.researcher_bearer, "/api/v1/changes", &fix("2017")).await.json()["proposal"]["id"].as_i64().unwrap();
    let p2 = post(&env, &env.researcher_bearer, "/api/v1/changes", &fix("2018")).await.json()["proposal"]["id"].as_i64().unwrap();
    let d = env.get_as(&env.admin_bearer, &format!("/api/v1/changes/{p1}")).await.json();
    assert_eq!((d["diff"]["corrected"][0]["changed"][0].as_str(), d["diff"]["corrected"][0]["stored"]["from"].as_str()), (Some("from"), Some("2019")), "{d}");
    let (path1, path2, empty) = (format!("/api/v1/changes/{p1}/approve"), format!("/api/v1/changes/{p2}/approve"), json!({}));
    let (r1, r2) = tokio::join!(post(&env, &env.admin_bearer, &path1, &empty), post(&env, &env.admin_bearer, &path2, &empty));
    let mut statuses = [r1.status, r2.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", r1.text(), r2.text());
    let loser = if r1.status == 409 { &r1 } else { &r2 };
    assert!(loser.text().contains("after this change was prepared") || loser.text().contains("no longer applies"), "{}", loser.text());
    let winner_from = if r1.status == 200 { "2017" } else { "2018" };
    let now = env.state.snapshot().kb.memberships.iter().find(|m| m.id.as_str() == "mem:turin-acm-2019").map(|m| m.when.from.map(|d| d.to_string())).unwrap();
    assert_eq!(now.as_deref(), Some(winner_from), "the winner's version is the current one");
    let pending = env.get_as(&env.admin_bearer, "/api/v1/changes").await.json();
    let statuses: Vec<&str> = pending["items"].as_array().unwrap().iter().map(|p| p["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "pending").count(), 1, "the refused one stays pending: {statuses:?}");
}

async fn the_api_reads_the_base_as_recorded_then(env: Env) {
    let first = env.with_store(|s| s.latest_change_set().unwrap().unwrap()).await;
    let r = post(&env, &env.researcher_bearer, "/api/v1/changes", &membership("mem:turin-acm-asof", "2019")).await;
    let id = r.json()["proposal"]["id"].as_i64().unwrap();
    assert_eq!(post(&env, &env.admin_bearer, &format!("/api/v1/changes/{id}/approve"), &json!({})).await.status, 200);
    let ids = |r: super::common::Resp| -> Vec<String> { r.json()["items"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect() };
    let now = ids(env.get("/api/v1/memberships?member=loc:turin&per_page=200").await);
    assert!(now.contains(&"mem:turin-acm-asof".to_string()));
    let then = env.get(&format!("/api/v1/memberships?member=loc:turin&per_page=200&as_of=cs:{first}")).await;
    assert_eq!(then.status, 200, "{}", then.text());
    assert_eq!(then.header("x-mlgov-as-of"), Some(format!("cs:{first}").as_str()));
    let then = ids(then);
    assert!(!then.contains(&"mem:turin-acm-asof".to_string()) && then.len() + 1 == now.len(), "{then:?}");
    assert_eq!(env.get("/api/v1/memberships?as_of=2000-01-01").await.json()["items"].as_array().unwrap().len(), 0, "nothing was recorded in 2000");
    let bad = env.get("/api/v1/memberships?as_of=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "as_of");
    assert_eq!(env.get(&format!("/localities/turin?as_of=cs:{first}")).await.status, 200, "pages too");
}

crate::both_backends!(proposals_are_reviewed_before_they_apply, the_api_reads_the_base_as_recorded_then);
