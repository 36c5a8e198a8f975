//! Two `mlgov serve` processes on one PostgreSQL database (a schema of its own on the test server),
//! as behind a load balancer (docs/deploy.md): what one issues or records, the other honours or
//! serves — sessions and their CSRF tokens, API tokens and their revocation, login limits, changes
//! approved through one server or imported by the CLI (within seconds, through
//! `mlgov_store_postgres::changes`), and survey answers submitted through an invitation link.
//!
//! Skipped with a notice when `MLGOV_TEST_PG_URL` is not set (failing under `CI`); they take their
//! share of the cluster beside the restart test of `postgres.rs`, which takes it whole.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mlgov_store_postgres::testing::{TestSchema, server_url};
use serde_json::{Value, json};

use super::common::*;

/// How long a change may take to reach the other server before the test fails (the listener
/// wakes on the notification; its poll every 5 s is the fallback).
const PROPAGATION_DEADLINE: Duration = Duration::from_secs(10);

const PASSPHRASE: &str = "a long passphrase";

/// Two servers on one fresh database holding the bundled base and an admin (`root`) with a token.
struct Pair {
    a: Server,
    b: Server,
    /// `Bearer …` of `root`.
    admin: String,
    /// The database URL (the CLI's `--db`).
    url: String,
    _schema: TestSchema,
    _turn: std::sync::RwLockReadGuard<'static, ()>,
}

impl Pair {
    /// `None` (with a notice) without a test server.
    fn start(test: &str) -> Option<Pair> {
        let base = server_url(test)?;
        let turn = super::postgres::cluster_shared();
        let schema = TestSchema::new(&base, "two_servers");
        let url = schema.url();
        let (code, _, err) = mlgov(&url, &["--json", "demo"], Duration::from_secs(180));
        assert_eq!(code, 0, "mlgov demo into PostgreSQL failed: {err}");
        let admin = admin_bearer(&url);
        let a = Server::start(&url, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("server A: {e}"));
        let b = Server::start(&url, Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("server B: {e}"));
        Some(Pair { a, b, admin, url, _schema: schema, _turn: turn })
    }

    /// Creates an account through server A.
    fn add_user(&self, name: &str, role: &str) {
        let r = send(
            self.a.addr,
            "POST",
            "/api/v1/users",
            &[("Authorization", &self.admin)],
            Some(
                json!({"username": name, "role": role, "password": PASSPHRASE, "projects": ["p1"]}),
            ),
        );
        assert_eq!(r.status, 201, "creating {name}: {}", r.text());
    }
}

/// One request with a JSON body when given; panics when no response comes.
fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Resp {
    let mut h = headers.to_vec();
    let bytes = body.map(|b| b.to_string()).unwrap_or_default();
    if !bytes.is_empty() {
        h.push(("Content-Type", "application/json"));
    }
    request(addr, method, path, &h, bytes.as_bytes(), Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Resp {
    send(addr, "GET", path, headers, None)
}

fn json_of(r: &Resp) -> Value {
    r.json().unwrap_or_else(|| panic!("not JSON ({}): {}", r.status, r.text()))
}

/// Logs in through `addr`: (status, `mlgov_session=…` cookie, CSRF token).
fn login(addr: SocketAddr, user: &str, password: &str) -> (u16, Option<String>, Option<String>) {
    let r =
        send(addr, "POST", "/login", &[], Some(json!({"username": user, "password": password})));
    let cookie = r
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("mlgov_session="))
        .map(|(_, v)| v.split(';').next().unwrap_or_default().to_string());
    let csrf = r.json().and_then(|v| v["csrf_token"].as_str().map(str::to_string));
    (r.status, cookie, csrf)
}

/// Polls `f` every 100 ms until it holds; the time it took. Panics after [`PROPAGATION_DEADLINE`].
fn within_deadline(what: &str, mut f: impl FnMut() -> bool) -> Duration {
    let t = Instant::now();
    loop {
        if f() {
            return t.elapsed();
        }
        assert!(
            t.elapsed() < PROPAGATION_DEADLINE,
            "{what}: not seen within {PROPAGATION_DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A session opened through A is one session on B (same account, same CSRF token, CSRF checked on
/// B, logging out through B ends it on A); an API token issued through A works on B, and revoking
/// it through B refuses it on A.
#[test]
fn sessions_and_tokens_issued_by_one_server_work_on_the_other() {
    let Some(p) = Pair::start("sessions_and_tokens_issued_by_one_server_work_on_the_other") else {
        return;
    };
    p.add_user("ann", "researcher");
    let (status, cookie, csrf) = login(p.a.addr, "ann", PASSPHRASE);
    assert_eq!(status, 200);
    let (cookie, csrf) = (cookie.expect("a session cookie"), csrf.expect("a CSRF token"));
    let me = get(p.b.addr, "/api/v1/me", &[("Cookie", &cookie)]);
    assert_eq!(me.status, 200, "the session opened on A, on B: {}", me.text());
    let me = json_of(&me);
    assert_eq!(
        (me["username"].as_str(), me["csrf_token"].as_str()),
        (Some("ann"), Some(csrf.as_str()))
    );
    // B checks the session's CSRF token too: refused without it, accepted with A's.
    assert_eq!(
        send(p.b.addr, "POST", "/logout", &[("Cookie", &cookie)], None).status,
        403,
        "no CSRF token"
    );
    assert_eq!(
        send(p.b.addr, "POST", "/logout", &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)], None)
            .status,
        204
    );
    assert_eq!(
        get(p.a.addr, "/api/v1/me", &[("Cookie", &cookie)]).status,
        401,
        "logged out through B, so out on A"
    );

    let issued = send(
        p.a.addr,
        "POST",
        "/api/v1/tokens",
        &[("Authorization", &p.admin)],
        Some(json!({"username": "ann", "label": "two servers"})),
    );
    assert_eq!(issued.status, 201, "{}", issued.text());
    let issued = json_of(&issued);
    let bearer = format!("Bearer {}", issued["token"].as_str().expect("token"));
    let me = get(p.b.addr, "/api/v1/me", &[("Authorization", &bearer)]);
    assert_eq!(
        (me.status, json_of(&me)["username"].as_str().map(str::to_string)),
        (200, Some("ann".into())),
        "the token issued on A, on B"
    );
    let id = issued["id"].as_i64().expect("id");
    assert_eq!(
        send(
            p.b.addr,
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            &[("Authorization", &p.admin)],
            None
        )
        .status,
        204
    );
    assert_eq!(
        get(p.a.addr, "/api/v1/me", &[("Authorization", &bearer)]).status,
        401,
        "revoked through B, refused on A"
    );
}

/// Five failed logins spread over both servers block the account on both (429, without checking
/// the password); another account logs in normally.
#[test]
fn a_login_limit_reached_on_one_server_applies_on_the_other() {
    let Some(p) = Pair::start("a_login_limit_reached_on_one_server_applies_on_the_other") else {
        return;
    };
    p.add_user("ann", "viewer");
    p.add_user("bob", "viewer");
    for (i, server) in [&p.a, &p.b, &p.a, &p.b, &p.a].iter().enumerate() {
        assert_eq!(
            login(server.addr, "ann", "wrong password!").0,
            401,
            "failure {} is counted, not refused",
            i + 1
        );
    }
    for (name, server) in [("B", &p.b), ("A", &p.a)] {
        let r = send(
            server.addr,
            "POST",
            "/login",
            &[],
            Some(json!({"username": "ann", "password": PASSPHRASE})),
        );
        assert_eq!(
            r.status,
            429,
            "server {name}: the right password after five failures on both servers: {}",
            r.text()
        );
        assert!(
            r.header("retry-after")
                .and_then(|s| s.parse::<u64>().ok())
                .is_some_and(|s| s > 0 && s <= 900),
            "Retry-After on {name}: {:?}",
            r.header("retry-after")
        );
    }
    assert_eq!(login(p.b.addr, "bob", PASSPHRASE).0, 200, "another account is not blocked");
}

/// A change proposed and approved through A is served by B within seconds, and a batch imported by
/// `mlgov import` into the same database is served by both; prints the delays measured.
#[test]
fn changes_approved_on_one_server_or_imported_by_the_cli_reach_the_other_within_seconds() {
    let Some(p) = Pair::start(
        "changes_approved_on_one_server_or_imported_by_the_cli_reach_the_other_within_seconds",
    ) else {
        return;
    };
    let (approved, imported) = (
        "/api/v1/localities/loc:two-servers-approved",
        "/api/v1/localities/loc:two-servers-imported",
    );
    for s in [&p.a, &p.b] {
        assert_eq!(get(s.addr, approved, &[]).status, 404);
    }
    let rows = "id,name,kind,country,source,locator\nloc:two-servers-approved,Approved Town,municipality,IT,src:caponio-clement-2020,fixture\n";
    let proposed = send(
        p.a.addr,
        "POST",
        "/api/v1/changes",
        &[("Authorization", &p.admin)],
        Some(json!({"files": {"localities.csv": rows}, "note": "two servers"})),
    );
    assert_eq!(proposed.status, 201, "{}", proposed.text());
    let id = json_of(&proposed)["proposal"]["id"].as_i64().expect("proposal id");
    let decided = send(
        p.a.addr,
        "POST",
        &format!("/api/v1/changes/{id}/approve"),
        &[("Authorization", &p.admin)],
        Some(json!({})),
    );
    assert_eq!(decided.status, 200, "{}", decided.text());
    let t = Instant::now();
    assert_eq!(get(p.a.addr, approved, &[]).status, 200, "A serves what it approved at once");
    let on_b = within_deadline("the approved locality on B", || {
        get(p.b.addr, approved, &[]).status == 200
    });
    let approved_after = t.elapsed().max(on_b);

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("localities.csv"), "id,name,kind,country,source,locator\nloc:two-servers-imported,Imported Town,municipality,IT,src:caponio-clement-2020,fixture\n").expect("write");
    let (code, _, err) =
        mlgov(&p.url, &["import", dir.path().to_str().expect("utf-8")], Duration::from_secs(120));
    assert_eq!(code, 0, "mlgov import: {err}");
    let t = Instant::now();
    let mut on = [None, None];
    within_deadline("the imported locality on both servers", || {
        for (i, s) in [&p.a, &p.b].iter().enumerate() {
            if on[i].is_none() && get(s.addr, imported, &[]).status == 200 {
                on[i] = Some(t.elapsed());
            }
        }
        on.iter().all(Option::is_some)
    });
    eprintln!(
        "propagation: approved on A → served by B after {approved_after:?}; imported by the CLI → served by A after {:?}, by B after {:?}",
        on[0].unwrap_or_default(),
        on[1].unwrap_or_default()
    );
    let total = |s: &Server| {
        json_of(&get(s.addr, "/api/v1/localities?per_page=1", &[]))["meta"]["total"].as_u64()
    };
    assert_eq!(total(&p.a), total(&p.b), "both servers list the same localities");
}

/// A survey created through A and answered through an invitation link on A is the same survey on
/// B: the link is used up there too, the progress counts the submission at once (read from the
/// database), and B's live figures (and A's) count the respondent within seconds (their snapshots
/// reloaded).
#[test]
fn a_survey_answer_submitted_through_one_server_is_counted_on_the_other() {
    let Some(p) =
        Pair::start("a_survey_answer_submitted_through_one_server_is_counted_on_the_other")
    else {
        return;
    };
    let admin = [("Authorization", p.admin.as_str())];
    let r = send(
        p.a.addr,
        "POST",
        "/api/v1/surveys",
        &admin,
        Some(json!({"name": "pilot", "instrument": "whole-comm-interactions", "project": "p1"})),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = send(
        p.a.addr,
        "POST",
        "/api/v1/surveys/pilot/invitations",
        &admin,
        Some(json!({"count": 2, "locality": "loc:turin"})),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let links: Vec<String> = json_of(&r)["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l.as_str().map(str::to_string))
        .collect();
    assert_eq!(get(p.b.addr, &links[0], &[]).status, 200, "the link issued on A opens on B");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let answer =
        b"freq_p1_trade_unions=3&nature_p1_trade_unions=4&role=local_official&action=submit";
    let r = request(p.a.addr, "POST", &links[0], &form, answer, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let t = Instant::now();
    assert_eq!(get(p.b.addr, &links[0], &[]).status, 410, "submitted on A, used up on B");
    let progress = json_of(&get(p.b.addr, "/api/v1/surveys/pilot", &admin));
    assert_eq!(
        progress["progress"],
        json!({"invited": 2, "started": 0, "submitted": 1}),
        "{progress}"
    );
    let counted = |s: &Server| {
        let r = get(s.addr, "/api/v1/survey?survey=pilot", &admin);
        r.status == 200 && json_of(&r)["respondents"].as_u64() == Some(1)
    };
    let on_b = within_deadline("the submitted response in B's live figures", || counted(&p.b));
    // A reloads through its listener too (the respondent form does not reload the server).
    within_deadline("the submitted response in A's live figures", || counted(&p.a));
    eprintln!(
        "propagation: answer submitted on A → counted in B's live figures after {:?}",
        t.elapsed().max(on_b)
    );
}
