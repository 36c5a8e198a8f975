//! The edge layer (issue 21, items 1 and 6) over the whole server as `mlgov serve` composes it:
//! every page — the explorer's, the proposals', `/login`, the survey progress page and the
//! respondent form, the API docs, error pages — carries the Content-Security-Policy (no inline
//! script or style), `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`, a strict
//! `Referrer-Policy` and an `X-Request-Id`, and holds no inline script, event handler or style
//! that the policy would block; every other response carries nosniff and the id too. Every error
//! of the API, the accounts and the collection has the one envelope with the request id — the
//! router's 404 and 405, body limits' 413 (3 MB on an account route), extractor rejections,
//! handlers' own errors —, and HTML requests get HTML error pages. The page routes are read from
//! the sources, so a new page route without a visit here fails.

use super::common::{Env, Resp};
use serde_json::json;

const CSP: &str = mlgov_server::CONTENT_SECURITY_POLICY;

/// Every `.route("<path>", …)` in `file` (relative to the workspace's `crates/`) whose handler
/// answers GET, as (path template).
fn routes_in(file: &str) -> Vec<String> {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file),
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut out = Vec::new();
    for (i, _) in src.match_indices(".route(") {
        let rest = &src[i + 7..];
        // The path is a string literal or a constant (the accounts' stylesheet).
        let path = if let Some(lit) = rest.strip_prefix('"') {
            lit[..lit.find('"').expect("closing quote")].to_string()
        } else if rest.starts_with("STYLESHEET_PATH") {
            mlgov_auth::http::STYLESHEET_PATH.to_string()
        } else {
            continue;
        };
        let call = &rest[..rest.find("))\n").map_or(rest.len().min(200), |j| j + 1)];
        let gets = call.contains("get(") || call.contains(", h") || call.contains("any(");
        if gets {
            out.push(path);
        }
    }
    out
}

/// The page routes (GET, not under `/api/`, `/assets/` or `/static/`) of the server, the accounts
/// and the collection.
fn page_routes() -> Vec<String> {
    let mut all = Vec::new();
    for f in [
        "mlgov-server/src/pages/mod.rs",
        "mlgov-server/src/lib.rs",
        "mlgov-auth/src/http.rs",
        "mlgov-collect/src/http.rs",
    ] {
        all.extend(routes_in(f));
    }
    all.retain(|p| {
        !p.starts_with("/api/") && !p.starts_with("/assets/") && !p.starts_with("/static/")
    });
    all.sort();
    all.dedup();
    all
}

/// The template of a concrete page path (`/localities/turin` → `/localities/{id}`).
fn template_of(path: &str, templates: &[String]) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').collect();
    templates
        .iter()
        .find(|t| {
            let ts: Vec<&str> = t.split('/').collect();
            ts.len() == segs.len()
                && ts
                    .iter()
                    .zip(&segs)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
        })
        .cloned()
}

/// What is wrong with the security headers of `r` (`html`: the page headers too).
fn header_problems(what: &str, r: &Resp) -> Vec<String> {
    let mut p = Vec::new();
    let mut want = |name: &str, ok: &dyn Fn(&str) -> bool| match r.header(name) {
        Some(v) if ok(v) => {}
        other => p.push(format!("{what}: {name} is {other:?}")),
    };
    want("x-content-type-options", &|v| v == "nosniff");
    want("x-request-id", &mlgov_server::is_sane_request_id);
    let path = what.split(' ').nth(1).unwrap_or("");
    want("content-security-policy", &|v| {
        v == mlgov_server::content_security_policy(path)
            && (v == CSP || path.starts_with("/api/docs"))
    });
    want("x-frame-options", &|v| v == "DENY");
    want("referrer-policy", &|v| {
        ["no-referrer", "strict-origin-when-cross-origin", "strict-origin", "same-origin"]
            .contains(&v)
    });
    p
}

/// Inline script, event-handler attributes, inline style elements and style attributes in an
/// HTML page: what the policy blocks, so a page holding any would lose it in the browser.
fn inline_problems(what: &str, html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut p = Vec::new();
    for (i, _) in lower.match_indices("<script") {
        let tag = &lower[i..i + lower[i..].find('>').unwrap_or(lower.len() - i)];
        if !tag.contains(" src=") && !tag.contains("type=\"application/json\"") {
            p.push(format!("{what}: inline script {}", &html[i..(i + 80).min(html.len())]));
        }
    }
    if lower.contains("<style") {
        p.push(format!("{what}: a <style> element"));
    }
    // Attributes inside tags only (text may say "onclick=").
    let mut in_tag = false;
    let bytes = lower.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = lower[i + 1..].starts_with(|c: char| c.is_ascii_alphabetic()),
            b'>' => in_tag = false,
            b' ' | b'\n' | b'\t' if in_tag => {
                let rest = &lower[i + 1..];
                let name: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                if rest[name.len()..].starts_with('=')
                    && ((name.starts_with("on") && name.len() > 2) || name == "style")
                {
                    p.push(format!(
                        "{what}: attribute {name}= in {}",
                        &html[i.saturating_sub(40)..(i + 60).min(html.len())]
                    ));
                }
            }
            _ => {}
        }
    }
    p
}

/// Creates survey `pilot` (project p1) with one invitation: the invitation's path.
async fn a_respondent_link(env: &Env) -> String {
    let h = [("Authorization", env.admin_bearer.as_str()), ("Content-Type", "application/json")];
    let r = env
        .request(
            "POST",
            "/api/v1/surveys",
            &h,
            json!({"name": "pilot", "instrument": "whole-comm-interactions", "project": "p1"})
                .to_string()
                .as_bytes(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = env.request("POST", "/api/v1/surveys/pilot/invitations", &h, br#"{"count": 1}"#).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["links"][0].as_str().expect("a link").to_string()
}

/// A proposal to show at `/changes/{id}`.
async fn a_proposal(env: &Env) -> i64 {
    let body = json!({"files": {"memberships.csv": "id,network,member,role,from,source,locator\nmem:edge-test,net:acm,loc:turin,member,2019,src:caponio-clement-2020,Table 3\n"}, "note": "edge test"});
    let r = env
        .request(
            "POST",
            "/api/v1/changes",
            &[
                ("Authorization", env.researcher_bearer.as_str()),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["proposal"]["id"].as_i64().expect("proposal id")
}

#[tokio::test]
async fn every_page_carries_the_security_headers_and_no_inline_script_or_style() {
    let env = Env::start().await;
    let snap = env.state.snapshot();
    let org = snap.kb.organisations.first().expect("an organisation").id.body().to_string();
    drop(snap);
    let respond = a_respondent_link(&env).await;
    let proposal = a_proposal(&env).await;
    let admin = env.admin_bearer.clone();
    // (path, who asks, expected status)
    let pages: Vec<(String, Option<&str>, u16)> = vec![
        ("/".into(), None, 200),
        ("/search?q=saint+etienne".into(), None, 200),
        ("/localities".into(), None, 200),
        ("/localities/saint-etienne".into(), None, 200),
        ("/networks".into(), None, 200),
        ("/networks/eurocities".into(), None, 200),
        (format!("/organisations/{org}"), None, 200),
        ("/persons/ilda-curti".into(), None, 200),
        ("/map".into(), None, 200),
        ("/graph?year=2015".into(), None, 200),
        ("/survey".into(), None, 200),
        ("/diffusion".into(), None, 200),
        ("/analyses".into(), None, 200),
        ("/compare?l1=turin&l2=saint-etienne".into(), None, 200),
        ("/sources".into(), None, 200),
        ("/sources/caponio-clement-2020".into(), None, 200),
        (
            "/sources/caponio-clement-2020/passage?locator=%22founding+member+in+1989%22".into(),
            None,
            200,
        ),
        ("/statements/mem:turin-quartiers-en-crise".into(), None, 200),
        ("/practices".into(), None, 200),
        ("/practices/barcelona-emergency-accommodation".into(), None, 200),
        ("/conflicts".into(), None, 200),
        ("/changes".into(), Some(admin.as_str()), 200),
        (format!("/changes/{proposal}"), Some(admin.as_str()), 200),
        ("/login".into(), None, 200),
        ("/admin/surveys/pilot".into(), Some(admin.as_str()), 200),
        (respond.clone(), None, 200),
        // Error pages.
        ("/localities/atlantis".into(), None, 404),
        ("/no/such/page".into(), None, 404),
        ("/admin/surveys/pilot".into(), None, 401),
        (format!("/respond/{}", "0".repeat(64)), None, 404),
        ("/networks/iccar?download=nope".into(), None, 400),
    ];
    let templates = page_routes();
    assert!(templates.len() >= 25, "page routes found in the sources: {templates:?}");
    let visited: std::collections::BTreeSet<String> =
        pages.iter().filter_map(|(p, _, _)| template_of(p, &templates)).collect();
    let missed: Vec<&String> = templates
        .iter()
        .filter(|t| {
            !visited.contains(*t)
                && !t.ends_with("{action}")
                && t.as_str() != mlgov_auth::http::STYLESHEET_PATH
        })
        .collect();
    assert!(missed.is_empty(), "page routes this test does not visit (add them): {missed:?}");
    let mut problems = Vec::new();
    for (path, bearer, status) in &pages {
        let headers: Vec<(&str, &str)> =
            bearer.map(|b| vec![("Authorization", b)]).unwrap_or_default();
        let r = env.request("GET", path, &headers, b"").await;
        if r.status != *status {
            problems.push(format!(
                "GET {path}: {} (expected {status}): {}",
                r.status,
                r.text().chars().take(200).collect::<String>()
            ));
        }
        if !r.header("content-type").is_some_and(|t| t.starts_with("text/html")) {
            problems.push(format!("GET {path}: content type {:?}", r.header("content-type")));
        }
        problems.extend(header_problems(&format!("GET {path}"), &r));
        problems.extend(inline_problems(&format!("GET {path}"), &r.text()));
    }
    // Pages answering forms: a failed login, an incomplete answer, a proposal through the form.
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = env.request("POST", "/login", &form, b"username=root&password=wrong").await;
    problems.extend(header_problems("POST /login", &r));
    problems.extend(inline_problems("POST /login", &r.text()));
    let r = env
        .request(
            "POST",
            &respond,
            &[form[0], ("Origin", &format!("http://{}", env.addr))],
            b"action=submit",
        )
        .await;
    assert_eq!(r.status, 422, "an answer without a role: {}", r.text());
    problems.extend(header_problems(&format!("POST {respond}"), &r));
    problems.extend(inline_problems(&format!("POST {respond}"), &r.text()));
    // The API docs (Swagger UI) are a page too.
    let r = env.get("/api/docs/").await;
    assert_eq!(r.status, 200);
    problems.extend(header_problems("GET /api/docs/", &r));
    problems.extend(inline_problems("GET /api/docs/", &r.text()));
    // Every other response: nosniff and the request id (and the same policy).
    for path in [
        "/api/v1",
        "/api/v1/localities?format=csv",
        "/api/openapi.json",
        "/static/app.css",
        mlgov_auth::http::STYLESHEET_PATH,
        "/api/docs/swagger-initializer.js",
        "/localities/turin?figure=timeline-rows&format=svg",
    ] {
        let r = env.get(path).await;
        assert!(r.status < 400, "GET {path}: {}", r.status);
        problems.extend(header_problems(&format!("GET {path}"), &r));
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_inline_checks_find_what_the_policy_blocks() {
    assert!(inline_problems("ok", "<script type=\"module\" src=\"/a.js\"></script><script type=\"application/json\" id=\"d\">{}</script><p>onclick=x style=y</p>").is_empty());
    for bad in [
        "<script>alert(1)</script>",
        "<a href=\"#\" onclick=\"x()\">x</a>",
        "<style>p{}</style>",
        "<p style=\"color:red\">x</p>",
        "<body\nonload=\"x()\">",
    ] {
        assert!(!inline_problems("bad", bad).is_empty(), "{bad}");
    }
}

/// Checks the envelope of `r` and that its request id is the response header's; returns the
/// envelope's `error`.
fn envelope(what: &str, r: &Resp, status: u16) -> serde_json::Value {
    assert_eq!(r.status, status, "{what}: {}", r.text());
    assert!(
        r.header("content-type").is_some_and(|t| t.starts_with("application/json")),
        "{what}: content type {:?}: {}",
        r.header("content-type"),
        r.text()
    );
    let v = r.json();
    let e = v["error"].clone();
    assert!(
        e["code"].is_string() && e["message"].is_string() && e["fields"].is_array(),
        "{what}: not the envelope: {v}"
    );
    let id = r.header("x-request-id").unwrap_or_else(|| panic!("{what}: no X-Request-Id"));
    assert_eq!(
        e["request_id"].as_str(),
        Some(id),
        "{what}: the envelope's request id is the header's"
    );
    assert!(header_problems(what, r).is_empty(), "{what}: {:?}", header_problems(what, r));
    e
}

#[tokio::test]
async fn every_error_has_the_envelope_with_the_request_id() {
    let env = Env::start().await;
    let admin = env.admin_bearer.as_str();
    let json = ("Content-Type", "application/json");
    // The router's 404 and 405 on the API.
    let e = envelope("GET unknown API path", &env.get("/api/v1/no-such-thing").await, 404);
    assert_eq!(e["code"], "not_found");
    let e = envelope(
        "DELETE on a GET route",
        &env.request("DELETE", "/api/v1/localities", &[], b"").await,
        405,
    );
    assert_eq!(e["code"], "method_not_allowed");
    let e = envelope(
        "PUT on an account route",
        &env.request("PUT", "/api/v1/me", &[("Authorization", admin)], b"").await,
        405,
    );
    assert_eq!(e["code"], "method_not_allowed");
    // A 3 MB body on account and collection routes, and on the API's own POST routes.
    let big = vec![b'x'; 3 * 1024 * 1024];
    for path in [
        "/api/v1/users",
        "/api/v1/projects",
        "/api/v1/tokens",
        "/api/v1/surveys",
        "/api/v1/compare",
        "/api/v1/changes",
    ] {
        let e = envelope(
            &format!("3 MB to {path}"),
            &env.request("POST", path, &[("Authorization", admin), json], &big).await,
            413,
        );
        assert_eq!(e["code"], "payload_too_large", "{path}");
    }
    let e = envelope("3 MB JSON login", &env.request("POST", "/login", &[json], &big).await, 413);
    assert_eq!(e["code"], "payload_too_large");
    // An HTML form gets a page instead.
    let r = env
        .request("POST", "/login", &[("Content-Type", "application/x-www-form-urlencoded")], &big)
        .await;
    assert_eq!(r.status, 413);
    assert!(
        r.header("content-type").is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        r.header("content-type")
    );
    assert!(header_problems("3 MB login form", &r).is_empty());
    // Extractor rejections and bad bodies: bad JSON, bad query values, a path that is not UTF-8.
    let e = envelope(
        "bad JSON to an account route",
        &env.request(
            "POST",
            "/api/v1/users",
            &[("Authorization", admin), json],
            b"{\"username\": ",
        )
        .await,
        422,
    );
    assert_eq!(e["code"], "invalid_data");
    envelope(
        "bad JSON to a collection route",
        &env.request("POST", "/api/v1/surveys", &[("Authorization", admin), json], b"[1,").await,
        422,
    );
    envelope(
        "bad JSON to the API",
        &env.request("POST", "/api/v1/compare", &[json], b"{\"localities\": 5").await,
        400,
    );
    envelope(
        "bad query on an account route",
        &env.get_as(admin, "/api/v1/audit?limit=many").await,
        422,
    );
    envelope(
        "bad query on a collection route",
        &env.get_as(admin, "/api/v1/surveys/x/aggregates?live=perhaps").await,
        422,
    );
    envelope("bad query on the API", &env.get("/api/v1/localities?page=abc").await, 400);
    envelope("non-UTF-8 path parameter", &env.get("/api/v1/localities/%FF%FE%C3%28").await, 400);
    // The accounts' own errors.
    let e = envelope("no credentials", &env.get("/api/v1/me").await, 401);
    assert_eq!(e["code"], "unauthenticated");
    let r = env.get("/api/v1/me").await;
    assert_eq!(r.header("www-authenticate"), Some("Bearer realm=\"mlgov\""));
    envelope(
        "wrong password (JSON login)",
        &env.request("POST", "/login", &[json], br#"{"username": "root", "password": "wrong"}"#)
            .await,
        401,
    );
    envelope("forbidden", &env.get_as(&env.viewer_bearer, "/api/v1/users").await, 403);
    envelope("not found (collection)", &env.get_as(admin, "/api/v1/surveys/none").await, 404);
    // A sane incoming request id is kept; any other is replaced.
    let r =
        env.request("GET", "/api/v1/nothing", &[("X-Request-Id", "client-42.a:b_c")], b"").await;
    assert_eq!(envelope("client id", &r, 404)["request_id"], "client-42.a:b_c");
    let r = env.request("GET", "/api/v1", &[("X-Request-Id", "client-42")], b"").await;
    assert_eq!((r.status, r.header("x-request-id")), (200, Some("client-42")));
    for bad in ["has space", "quote\"d", &"x".repeat(129)] {
        let r = env.request("GET", "/api/v1/nothing", &[("X-Request-Id", bad)], b"").await;
        let id = envelope("bad client id", &r, 404)["request_id"].as_str().unwrap().to_string();
        assert!(id != bad && id.len() == 32, "{bad:?} gave {id:?}");
    }
    // Two requests, two ids.
    let (a, b) = (env.get("/api/v1").await, env.get("/api/v1").await);
    assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
    // HTML requests get HTML error pages, with the headers.
    for (path, status) in [("/no/such/page", 404), ("/localities?year=abc", 400)] {
        let r = env.get(path).await;
        assert_eq!(r.status, status, "{path}");
        assert!(r.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{path}");
        assert!(header_problems(path, &r).is_empty(), "{path}: {:?}", header_problems(path, &r));
    }
    let r = env.request("DELETE", "/login", &[], b"").await;
    assert_eq!(r.status, 405);
    assert!(
        r.header("content-type").is_some_and(|t| t.starts_with("text/html")),
        "405 of a page is a page: {:?}",
        r.header("content-type")
    );
    // …unless they ask for JSON.
    let r = env.request("GET", "/no/such/page", &[("Accept", "application/json")], b"").await;
    envelope("a page asked for as JSON", &r, 404);
}
