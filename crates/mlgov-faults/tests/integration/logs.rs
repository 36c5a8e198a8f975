//! Server errors are logged with the id the client sees (issue 21, item 6): a `mlgov serve` whose
//! account store breaks under it (its API tokens' table dropped behind its back) answers 500 with
//! the JSON envelope, whose `error.request_id` is the `X-Request-Id` header, and writes one log
//! line at ERROR on stderr with the same id, the method, the path, the status and the cause — as
//! JSON lines (`--log-format json`) and as text (the default). A sane `X-Request-Id` of the client
//! is the one used; the cause never reaches the client.

use std::time::{Duration, Instant};

use super::common::*;

/// Waits (up to 10 s) for a line of the server's stderr that contains `needle`.
fn log_line(s: &Server, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(l) = s.stderr().lines().find(|l| l.contains(needle)) {
            return l.to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no log line with {needle:?} in stderr:\n{}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A 500 with the envelope; returns its request id after checking that the header says the same.
fn server_error(s: &Server, bearer: &str, request_id: Option<&str>) -> String {
    let mut headers = vec![("Authorization", bearer)];
    if let Some(id) = request_id {
        headers.push(("X-Request-Id", id));
    }
    let r = request(s.addr, "GET", "/api/v1/localities?per_page=1", &headers, b"", REQUEST_TIMEOUT)
        .expect("response");
    assert_eq!(r.status, 500, "a broken account store gives a server error: {}", r.text());
    assert_eq!(r.envelope_problem(), None, "{}", r.text());
    let body = r.json().expect("JSON");
    let id = r.header("x-request-id").expect("an X-Request-Id header").to_string();
    assert_eq!(
        body["error"]["request_id"].as_str(),
        Some(id.as_str()),
        "the envelope's id is the header's: {body}"
    );
    assert_eq!(body["error"]["message"], "internal error", "the cause stays in the log: {body}");
    if let Some(sent) = request_id {
        assert_eq!(id, sent, "the client's sane id is used");
    }
    id
}

/// Drops the API tokens' table of the accounts in `db` behind the running server's back.
fn break_the_account_store(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).expect("open with rusqlite");
    c.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    c.execute_batch("DROP TABLE auth_tokens").expect("drop the tokens' table");
}

#[test]
fn a_server_error_is_logged_with_the_request_id_of_its_response() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path(), "logs.db");
    let bearer = admin_bearer(db.to_str().expect("utf-8"));
    let s = Server::start_with(
        db.to_str().expect("utf-8"),
        &["--log-format", "json"],
        Duration::from_secs(30),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ok = request(
        s.addr,
        "GET",
        "/api/v1/localities?per_page=1",
        &[("Authorization", &bearer)],
        b"",
        REQUEST_TIMEOUT,
    )
    .expect("response");
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.header("x-request-id").is_some(), "every response has an id");
    break_the_account_store(&db);
    for sent in [None, Some("faults-logs-1")] {
        let id = server_error(&s, &bearer, sent);
        let line = log_line(&s, &id);
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        assert_eq!(v["request_id"], id.as_str(), "{line}");
        assert_eq!(v["level"], "ERROR", "{line}");
        assert_eq!(v["method"], "GET", "{line}");
        assert_eq!(v["path"], "/api/v1/localities", "no query string in the log: {line}");
        assert_eq!(v["status"], 500, "{line}");
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains("auth_tokens")),
            "the cause is logged: {line}"
        );
        assert!(v["timestamp"].is_string() && v["message"] == "server error", "{line}");
    }
    drop(s);
    // The default format: text, with the same fields.
    let s = serve(&db);
    let id = server_error(&s, &bearer, Some("faults-logs-text"));
    let line = log_line(&s, &format!("request_id={id}"));
    assert!(
        line.contains("ERROR")
            && line.contains("status=500")
            && line.contains("path=/api/v1/localities")
            && line.contains("auth_tokens"),
        "{line}"
    );
}
