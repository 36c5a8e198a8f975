//! Security tests against a running `mlgov serve`: injection in every query and path parameter
//! the OpenAPI document declares, hostile bodies on every POST route, and path traversal in the
//! download and static-file endpoints. The invariant everywhere: never a 5xx, API errors in the
//! JSON envelope, no data changed, no file content leaked.

use std::time::Duration;

use super::common::*;

/// Hostile values for text parameters (raw bytes; percent-encoded when sent).
fn payloads() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("quote", b"'".to_vec()),
        ("sql-or", b"' OR 1=1 --".to_vec()),
        ("sql-union", b"x' UNION SELECT name, sql FROM sqlite_master --".to_vec()),
        ("sql-drop", b"\"; DROP TABLE localities; --".to_vec()),
        ("sql-comment", b"1/**/OR/**/1=1".to_vec()),
        ("like-wildcards", b"%_%".to_vec()),
        ("nul", b"a\0b".to_vec()),
        ("only-nul", b"\0".to_vec()),
        ("crlf-header", b"x\r\nX-Injected: 1".to_vec()),
        ("long-8k", vec![b'A'; 8 * 1024]),
        ("long-32k", "é".repeat(16 * 1024).into_bytes()),
        ("unicode", "Saint-Étienne 東京 🙂 \u{202e}gnp.exe \u{0301}\u{200b}".as_bytes().to_vec()),
        ("invalid-utf8", vec![0xff, 0xfe, 0xc3, 0x28]),
        ("traversal", b"../../../../etc/passwd".to_vec()),
        ("traversal-encoded", b"%2e%2e%2f%2e%2e%2fetc%2fpasswd".to_vec()),
        ("html", b"<script>alert(1)</script>".to_vec()),
        ("template", b"{{7*7}}{% raw %}${jndi:ldap://127.0.0.1/x}".to_vec()),
        ("negative", b"-1".to_vec()),
        ("huge-number", b"99999999999999999999999999".to_vec()),
        ("float", b"1e308".to_vec()),
        ("empty", b"".to_vec()),
    ]
}

/// Public GET operations of the OpenAPI document (those declaring no `security`: the
/// authenticated ones, such as `/api/v1/changes/{id}`, answer 401 before they read a parameter and
/// are tested with their accounts in `mlgov-server`): (path template, [(param name, in, schema type)]).
/// One declared parameter: (name, location, schema type).
type Param = (String, String, String);

fn operations(doc: &serde_json::Value) -> Vec<(String, Vec<Param>)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if let Some(op) = item.get("get").filter(|op| {
            op.get("security").is_none_or(|s| s.as_array().is_some_and(|a| a.is_empty()))
        }) {
            let params = op["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("").to_string(),
                        p["in"].as_str().unwrap_or("").to_string(),
                        p["schema"]["type"].as_str().unwrap_or("string").to_string(),
                    )
                })
                .collect();
            ops.push((path.clone(), params));
        }
    }
    ops
}

/// A valid value for a path parameter, taken from the matching list endpoint.
fn valid_path_value(s: &Server, template: &str) -> String {
    let seg = template.trim_start_matches("/api/v1/").split('/').next().expect("segment");
    let r = s.get(&format!("/api/v1/{seg}")).expect("list");
    let v = r.json().expect("list is JSON");
    let item = v["items"]
        .get(0)
        .or_else(|| v[seg].get(0))
        .unwrap_or_else(|| panic!("no item in /api/v1/{seg}: {v}"));
    item["id"].as_str().or_else(|| item["name"].as_str()).expect("id or name").to_string()
}

fn fill(template: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let j = rest[i..].find('}').expect("closing brace") + i;
        out.push_str(&rest[..i]);
        out.push_str(value);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// Checks one response to a hostile request; returns a problem description.
fn judge(url: &str, r: &Result<Resp, HttpError>) -> Option<String> {
    let r = match r {
        Ok(r) => r,
        Err(e) => return Some(format!("{url}: no response: {e}")),
    };
    if r.status >= 500 {
        return Some(format!(
            "{url}: {} {}",
            r.status,
            r.text().chars().take(300).collect::<String>()
        ));
    }
    if r.header("x-injected").is_some() {
        return Some(format!("{url}: header injected"));
    }
    let api = url.starts_with("/api/");
    if api
        && r.status >= 400
        && r.status != 431
        && r.status != 414
        && let Some(p) = r.envelope_problem()
    {
        return Some(format!("{url}: {} with a malformed error body: {p}", r.status));
    }
    if api && r.status == 200 && r.is_json() && r.json().is_none() {
        return Some(format!("{url}: 200 with invalid JSON"));
    }
    let html = r.header("content-type").is_some_and(|t| t.starts_with("text/html"));
    if html && r.text().contains("<script>alert(1)</script>") {
        return Some(format!("{url}: {} reflects the script tag unescaped", r.status));
    }
    if r.text().contains("root:x:0:0") {
        return Some(format!("{url}: leaks /etc/passwd"));
    }
    None
}

/// Sends `GET url` and notes what [`judge`] finds wrong with the answer, under `label`.
fn probe(addr: std::net::SocketAddr, url: &str, label: &str, problems: &mut Vec<String>) {
    let r = request(addr, "GET", url, &[], b"", Duration::from_secs(30));
    if let Some(problem) = judge(url, &r) {
        problems.push(format!("[{label}] {}", problem.chars().take(400).collect::<String>()));
    }
}

/// A non-UTF-8 path parameter of an API route gets the JSON error envelope (axum's `Path`
/// rejection is mapped by the server's edge layer, issue 21).
#[test]
fn invalid_utf8_in_a_path_parameter_gets_the_json_envelope() {
    let (_dir, _db, s) = serve_demo("utf8.db");
    let r = s.get("/api/v1/localities/%FF%FE%C3%28").expect("response");
    assert!(r.status == 400 || r.status == 404, "{}", r.status);
    assert_eq!(r.envelope_problem(), None, "{}", r.text());
}

/// 1a. Every query and path parameter of every GET operation in the OpenAPI document, with
/// every hostile value: no 5xx, error bodies in the envelope, no header injection, no reflected
/// script, and the data are unchanged afterwards (same counts and content version).
#[test]
fn injection_in_every_declared_parameter_gives_no_5xx_and_changes_nothing() {
    let (_dir, db, s) = serve_demo("sec.db");
    let before = s.get("/api/v1").expect("overview").json().expect("overview JSON");
    let doc = s.get("/api/openapi.json").expect("openapi").json().expect("openapi JSON");
    let ops = operations(&doc);
    assert!(ops.len() >= 20, "the OpenAPI document declares {} GET operations", ops.len());
    let mut problems = Vec::new();
    let mut sent = 0usize;
    let mut params_tested = std::collections::BTreeSet::new();
    for (template, params) in &ops {
        let valid =
            if template.contains('{') { Some(valid_path_value(&s, template)) } else { None };
        let base = valid
            .as_ref()
            .map(|v| fill(template, &encode(v.as_bytes())))
            .unwrap_or_else(|| template.clone());
        for (name, place, ty) in params {
            params_tested.insert(format!("{template} {name} ({place}, {ty})"));
            for (label, p) in payloads() {
                let url = match place.as_str() {
                    "query" => format!("{base}?{name}={}", encode(&p)),
                    "path" => fill(template, &encode(&p)),
                    _ => continue,
                };
                probe(s.addr, &url, label, &mut problems);
                sent += 1;
            }
        }
    }
    // Pages take the same parameters (HTML answers; the script tag must come back escaped).
    for page in ["/search", "/localities", "/networks", "/graph", "/survey", "/diffusion"] {
        for param in ["q", "country", "year", "kind", "page", "practice", "analysis"] {
            for (label, p) in payloads() {
                let url = format!("{page}?{param}={}", encode(&p));
                probe(s.addr, &url, label, &mut problems);
                sent += 1;
            }
        }
    }
    let after = s.get("/api/v1").expect("overview").json().expect("overview JSON");
    eprintln!(
        "injection: {sent} requests over {} parameters, {} problems",
        params_tested.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(before["counts"], after["counts"], "counts changed");
    assert_eq!(before["version"], after["version"], "content changed");
    assert!(s.get("/api/v1/localities?per_page=1").expect("after").status == 200);
    drop(s);
    sqlite_integrity(&db);
}

/// POST operations of the OpenAPI document.
fn post_paths(doc: &serde_json::Value) -> Vec<String> {
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter(|(_, v)| v.get("post").is_some())
        .map(|(k, _)| k.clone())
        .collect()
}

/// 1b. Every POST route: an oversized body gets 413 with the envelope; truncated, malformed,
/// deeply nested, wrongly typed and non-UTF-8 bodies get 400/422 (or 200 where the route takes
/// no body) — never 5xx; a body shorter than its `Content-Length` gets an answer or a close
/// within the timeout, never a hang; the server keeps serving.
#[test]
fn hostile_bodies_on_every_post_route_give_4xx_never_5xx() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path(), "body.db");
    // As an admin, so that the bodies reach every handler (`/api/v1/reload` is admin-only).
    let bearer = admin_bearer(db.to_str().expect("utf-8"));
    let s = serve(&db);
    let doc = s.get("/api/openapi.json").expect("openapi").json().expect("openapi JSON");
    let posts = post_paths(&doc);
    assert!(posts.iter().any(|p| p == "/api/v1/compare"), "POST routes: {posts:?}");
    let json = [("Content-Type", "application/json"), ("Authorization", bearer.as_str())];
    let big_valid = format!("{{\"localities\": [{}]}}", vec!["\"loc:turin\""; 40_000].join(","));
    let deep = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", b"{\"localities\": [\"Turin\", \"Sa".to_vec()),
        ("truncated-object", b"{\"localities\":".to_vec()),
        ("not-json", b"localities=Turin&localities=Lyon".to_vec()),
        ("empty-object", b"{}".to_vec()),
        ("null", b"null".to_vec()),
        ("array", b"[1,2,3]".to_vec()),
        ("wrong-type", b"{\"localities\": 5, \"table3\": \"yes\"}".to_vec()),
        ("nul-bytes", b"{\"localities\": [\"Tu\\u0000rin\", \"\0\"]}".to_vec()),
        ("invalid-utf8", vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}']),
        (
            "sql",
            b"{\"localities\": [\"' OR 1=1 --\", \"x'); DROP TABLE localities; --\"]}".to_vec(),
        ),
        ("deep-nesting", deep.into_bytes()),
        (
            "unicode",
            "{\"localities\": [\"Saint-\u{c9}tienne\", \"\u{202e}\u{1F642}\"]}".as_bytes().to_vec(),
        ),
        ("duplicate-keys", b"{\"localities\": [\"Turin\"], \"localities\": [\"Lyon\"]}".to_vec()),
    ];
    let mut problems = Vec::new();
    for path in &posts {
        // Oversized: larger than the 64 KiB limit, declared up front.
        let r = request(s.addr, "POST", path, &json, big_valid.as_bytes(), Duration::from_secs(30));
        match &r {
            Ok(r) if r.status == 413 && r.envelope_problem().is_none() => {}
            Ok(r) => problems.push(format!(
                "{path} oversized: {} {}",
                r.status,
                r.text().chars().take(200).collect::<String>()
            )),
            Err(e) => problems.push(format!("{path} oversized: {e}")),
        }
        // Oversized and chunked (no Content-Length): the limit still applies.
        let mut chunked = Vec::new();
        for _ in 0..20 {
            chunked.extend_from_slice(format!("{:x}\r\n", 8192).as_bytes());
            chunked.extend_from_slice(&[b' '; 8192]);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let r = request_raw(
            s.addr,
            "POST",
            path,
            &[json[0], json[1], ("Transfer-Encoding", "chunked")],
            &chunked,
            false,
            Duration::from_secs(30),
        );
        match &r {
            Ok(r) if r.status < 500 && (r.status == 413 || r.status == 400 || r.status == 200) => {}
            Ok(r) => problems.push(format!(
                "{path} chunked oversized: {} {}",
                r.status,
                r.text().chars().take(200).collect::<String>()
            )),
            Err(e) => problems.push(format!("{path} chunked oversized: {e}")),
        }
        for (label, body) in &bodies {
            for headers in [&json[..], &[("Content-Type", "text/plain"), json[1]][..]] {
                let r = request(s.addr, "POST", path, headers, body, Duration::from_secs(30));
                match &r {
                    Ok(r) if r.status >= 500 => problems.push(format!(
                        "{path} [{label}]: {} {}",
                        r.status,
                        r.text().chars().take(200).collect::<String>()
                    )),
                    Ok(r) if r.status >= 400 => {
                        if let Some(p) = r.envelope_problem() {
                            problems.push(format!("{path} [{label}]: {} {p}", r.status))
                        }
                        if !(r.status == 400 || r.status == 415 || r.status == 422) {
                            problems.push(format!("{path} [{label}]: unexpected {}", r.status))
                        }
                    }
                    Ok(_) => {}
                    Err(e) => problems.push(format!("{path} [{label}]: {e}")),
                }
            }
        }
        // Body shorter than its Content-Length, then the client stops sending.
        let r = request_raw(
            s.addr,
            "POST",
            path,
            &[json[0], json[1], ("Content-Length", "100")],
            b"{\"localities\": [",
            false,
            Duration::from_secs(20),
        );
        if let Ok(r) = &r
            && r.status >= 500
        {
            problems.push(format!("{path} short body: {}", r.status))
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // Still serving, data intact.
    let ok = request(
        s.addr,
        "POST",
        "/api/v1/compare",
        &json,
        b"{\"localities\": [\"loc:turin\", \"loc:saint-etienne\"]}",
        Duration::from_secs(30),
    )
    .expect("compare");
    assert_eq!(ok.status, 200, "valid compare after the hostile bodies: {}", ok.text());
    drop(s);
    sqlite_integrity(&db);
}

/// Download keys offered by an HTML page (`download=<key>` links).
fn download_keys(html: &str) -> Vec<String> {
    let mut keys: Vec<String> = html
        .match_indices("download=")
        .filter_map(|(i, _)| {
            let rest = &html[i + 9..];
            let key: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            let after = &rest[key.len()..];
            (!key.is_empty()
                && (after.starts_with("&amp;format=") || after.starts_with("&format=")))
            .then_some(key)
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// 1c. Path traversal in every download endpoint (`?download=<table>&format=…` on every page,
/// `/static/*`, `/assets/*`, `/api/docs/*`): 400 or 404, never a file's content.
#[test]
fn path_traversal_in_downloads_and_static_files_gives_400_or_404_and_no_content() {
    let (_dir, _db, s) = serve_demo("trav.db");
    let traversals = [
        "../../etc/passwd",
        "../../../../../../etc/passwd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%2f..%2fetc%2fpasswd",
        "%252e%252e%252fetc%252fpasswd",
        "....//....//etc/passwd",
        "/etc/passwd",
        "..\\..\\etc\\passwd",
        "csv/../../etc/passwd",
        "csv%00.json",
        "file:///etc/passwd",
        "../../Cargo.toml",
        "%2e%2e/%2e%2e/crates/mlgov-server/Cargo.toml",
    ];
    let secrets = ["root:x:0:0", "[workspace]", "[package]", "[dependencies]"];
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut check = |url: String, expect: &[u16], problems: &mut Vec<String>| {
        checked += 1;
        match request(s.addr, "GET", &url, &[], b"", Duration::from_secs(30)) {
            Ok(r) => {
                if !expect.contains(&r.status) {
                    problems.push(format!("{url}: {} (expected {expect:?})", r.status))
                }
                let t = r.text();
                if let Some(x) = secrets.iter().find(|x| t.contains(*x)) {
                    problems.push(format!("{url}: body contains {x:?}"))
                }
            }
            Err(e) => problems.push(format!("{url}: {e}")),
        }
    };
    let pages = [
        "/",
        "/localities",
        "/networks",
        "/map",
        "/graph",
        "/survey",
        "/diffusion",
        "/analyses",
        "/sources",
        "/conflicts",
    ];
    let mut keys_seen = 0;
    for page in pages {
        let html = s.get(page).expect("page").text();
        let keys = download_keys(&html);
        keys_seen += keys.len();
        for key in &keys {
            let ok = s.get(&format!("{page}?download={key}&format=csv")).expect("csv");
            assert_eq!(ok.status, 200, "{page} download {key} as csv");
            for t in traversals {
                check(format!("{page}?download={key}&format={t}"), &[400, 404], &mut problems);
                check(format!("{page}?download={t}&format=csv"), &[400, 404], &mut problems);
            }
        }
    }
    assert!(keys_seen >= 5, "only {keys_seen} download links found on the pages");
    for prefix in ["/static/", "/assets/", "/api/docs/"] {
        for t in traversals {
            check(format!("{prefix}{t}"), &[400, 404], &mut problems);
        }
    }
    for t in traversals {
        check(format!("/{t}"), &[400, 404], &mut problems);
        check(format!("/api/v1/sources/{t}"), &[400, 404], &mut problems);
    }
    eprintln!("traversal: {checked} requests, {keys_seen} download links");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
