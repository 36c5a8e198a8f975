//! The storage contract of [`AuthStore`], run against both backends (`on_sqlite::…` always,
//! `on_postgres::…` when `MLGOV_TEST_PG_URL` is set): users, sessions, tokens, the audit log,
//! reopening (the collection tables' contract is mlgov-collect's); then PostgreSQL-only behaviour (migrations under concurrency, reconnecting after the
//! server dropped the connection, the router on a PostgreSQL URL).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mlgov_auth::store::*;
use mlgov_auth::{AuthError, AuthStore, PgAuthStore, Role};
use tower::ServiceExt;

use mlgov_auth::testing::*;
use mlgov_store_postgres::testing::*;

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn session(id_hash: &str, user_id: i64, expires: i64) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.into(),
        user_id,
        csrf: format!("csrf-{id_hash}"),
        created: 1,
        expires,
    }
}

fn names(s: &dyn AuthStore) -> Vec<String> {
    s.users().unwrap().into_iter().map(|u| u.username).collect()
}

fn users(b: TestDb) {
    let mut s = b.open_auth();
    let ann = s.create_user("Ann", Role::Researcher, "hash-1", &strs(&["p2", "p1"]), 10).unwrap();
    assert!(ann.id > 0);
    assert_eq!(
        (
            ann.username.as_str(),
            ann.role,
            ann.password_hash.as_str(),
            ann.projects.clone(),
            ann.created
        ),
        ("Ann", Role::Researcher, "hash-1", strs(&["p1", "p2"]), 10)
    );
    // Names are unique case-insensitively; a refused account leaves nothing behind.
    for taken in ["Ann", "ann", "ANN"] {
        assert!(
            matches!(
                s.create_user(taken, Role::Viewer, "h", &strs(&["p3"]), 11),
                Err(AuthError::Conflict(_))
            ),
            "{taken}"
        );
    }
    assert_eq!(s.projects().unwrap(), strs(&["p1", "p2"]));
    assert_eq!(s.user_by_name("aNN").unwrap(), Some(ann.clone()));
    assert_eq!(s.user_by_id(ann.id).unwrap(), Some(ann.clone()));
    assert_eq!(s.user_by_name("nobody").unwrap(), None);
    assert_eq!(s.user_by_id(ann.id + 1000).unwrap(), None);
    // Listed by name, case-insensitively (SQLite's NOCASE order), with their projects.
    let bob = s.create_user("bob", Role::Viewer, "hash-2", &[], 12).unwrap();
    s.create_user("Carl", Role::Admin, "hash-3", &strs(&["p1"]), 13).unwrap();
    s.create_user("al_", Role::Viewer, "hash-4", &[], 14).unwrap();
    assert!(bob.id > ann.id && bob.projects.is_empty());
    assert_eq!(names(&*s), ["al_", "Ann", "bob", "Carl"]);
    assert_eq!(s.users().unwrap()[1], ann);
    // Updates change only what is given; new projects are created.
    let (u, ended) = s.update_user("ANN", Some(Role::Admin), None, None, 20).unwrap();
    assert_eq!(
        (u.role, u.password_hash.as_str(), u.projects.clone(), ended),
        (Role::Admin, "hash-1", strs(&["p1", "p2"]), Ended::default())
    );
    let (u, _) = s.update_user("ann", None, None, Some(&strs(&["p4"])), 21).unwrap();
    assert_eq!((u.role, u.projects.clone()), (Role::Admin, strs(&["p4"])));
    assert_eq!(s.projects().unwrap(), strs(&["p1", "p2", "p4"]));
    // A new password ends the account's sessions, not others', and revokes its live tokens.
    s.insert_session(&session("sa", ann.id, 100)).unwrap();
    s.insert_session(&session("sb", bob.id, 100)).unwrap();
    let ta = s.insert_token("tok-a1", ann.id, "", 21).unwrap();
    let tb = s.insert_token("tok-b1", bob.id, "", 21).unwrap();
    let (u, ended) = s
        .update_user(
            "Ann",
            None,
            Some(&NewPassword { hash: "hash-9", keep_session: None, keep_tokens: false }),
            None,
            22,
        )
        .unwrap();
    assert_eq!(u.password_hash, "hash-9");
    assert_eq!(ended, Ended { sessions: 1, tokens: 1 });
    assert_eq!(s.session("sa").unwrap(), None);
    assert!(s.session("sb").unwrap().is_some());
    let revoked = |s: &dyn AuthStore, id: i64| {
        s.tokens().unwrap().into_iter().find(|t| t.id == id).unwrap().revoked
    };
    assert_eq!((revoked(&*s, ta), revoked(&*s, tb)), (Some(22), None));
    // The session that made the change stays; tokens may be kept; revoked ones stay as they were.
    s.insert_session(&session("sa3", ann.id, 100)).unwrap();
    s.insert_session(&session("sa4", ann.id, 100)).unwrap();
    let ta2 = s.insert_token("tok-a2", ann.id, "", 23).unwrap();
    let (_, ended) = s
        .update_user(
            "ann",
            None,
            Some(&NewPassword { hash: "hash-10", keep_session: Some("sa4"), keep_tokens: true }),
            None,
            23,
        )
        .unwrap();
    assert_eq!(ended, Ended { sessions: 1, tokens: 0 });
    assert_eq!(
        (s.session("sa3").unwrap(), s.session("sa4").unwrap().map(|x| x.id_hash)),
        (None, Some("sa4".to_string()))
    );
    assert_eq!((revoked(&*s, ta), revoked(&*s, ta2)), (Some(22), None));
    assert!(matches!(
        s.update_user("nobody", Some(Role::Viewer), None, None, 23),
        Err(AuthError::NotFound(_))
    ));
    // Deleting (by any case) takes sessions, tokens and memberships with it.
    s.insert_session(&session("sa2", ann.id, 100)).unwrap();
    let t = s.insert_token("tok-ann", ann.id, "", 24).unwrap();
    s.insert_token("tok-bob", bob.id, "", 24).unwrap();
    assert!(s.delete_user("aNn").unwrap());
    assert!(!s.delete_user("ann").unwrap());
    assert_eq!(s.session("sa2").unwrap(), None);
    assert_eq!(s.token_by_hash("tok-ann").unwrap(), None);
    assert!(s.tokens().unwrap().iter().all(|x| x.id != t));
    assert_eq!(s.tokens().unwrap().len(), 2, "bob's two");
    assert_eq!(
        b.strings(&format!("SELECT project FROM auth_memberships WHERE user_id = {}", ann.id)),
        Vec::<String>::new()
    );
    assert_eq!(names(&*s), ["al_", "bob", "Carl"]);
    // Projects survive their members; ensure_project is idempotent.
    s.ensure_project("p0", 30).unwrap();
    s.ensure_project("p0", 31).unwrap();
    assert_eq!(s.projects().unwrap(), strs(&["p0", "p1", "p2", "p4"]));
    // The name is free again, with a new id.
    let again = s.create_user("ann", Role::Viewer, "h", &[], 40).unwrap();
    assert_ne!(again.id, ann.id);
}

fn sessions(b: TestDb) {
    let mut s = b.open_auth();
    let u = s.create_user("ses", Role::Viewer, "h", &[], 1).unwrap();
    s.insert_session(&session("a", u.id, 100)).unwrap();
    s.insert_session(&session("b", u.id, 200)).unwrap();
    assert_eq!(s.session("a").unwrap(), Some(session("a", u.id, 100)));
    assert_eq!(s.session("zz").unwrap(), None);
    assert!(s.insert_session(&session("a", u.id, 300)).is_err(), "ids are unique");
    assert!(
        s.insert_session(&session("c", u.id + 1000, 300)).is_err(),
        "a session belongs to an account"
    );
    assert_eq!(s.purge_sessions(99).unwrap(), 0);
    assert_eq!(s.purge_sessions(100).unwrap(), 1, "expired at `expires`");
    assert_eq!(s.session("a").unwrap(), None);
    assert!(s.session("b").unwrap().is_some());
    s.delete_session("b").unwrap();
    s.delete_session("b").unwrap();
    assert_eq!(s.session("b").unwrap(), None);
}

fn tokens(b: TestDb) {
    let mut s = b.open_auth();
    let u1 = s.create_user("t1", Role::Viewer, "h", &[], 1).unwrap();
    let u2 = s.create_user("t2", Role::Admin, "h", &[], 1).unwrap();
    let id1 = s.insert_token("hash-1", u1.id, "nightly export", 5).unwrap();
    let id2 = s.insert_token("hash-2", u2.id, "", 6).unwrap();
    assert!(id2 > id1);
    let t1 = TokenRecord {
        id: id1,
        token_hash: "hash-1".into(),
        user_id: u1.id,
        username: "t1".into(),
        label: "nightly export".into(),
        created: 5,
        revoked: None,
    };
    assert_eq!(s.token_by_hash("hash-1").unwrap(), Some(t1.clone()));
    assert_eq!(s.token_by_hash("nope").unwrap(), None);
    assert_eq!(
        s.tokens().unwrap().iter().map(|t| t.id).collect::<Vec<_>>(),
        [id2, id1],
        "newest first"
    );
    assert!(s.insert_token("hash-1", u2.id, "", 7).is_err(), "digests are unique");
    assert!(s.revoke_token(id1, 9).unwrap());
    assert!(!s.revoke_token(id1, 10).unwrap(), "already revoked");
    assert!(!s.revoke_token(id2 + 1000, 10).unwrap(), "no such token");
    assert_eq!(
        s.token_by_hash("hash-1").unwrap(),
        Some(TokenRecord { revoked: Some(9), ..t1 }),
        "revoked tokens are still found"
    );
    assert_eq!(s.tokens().unwrap()[1].revoked, Some(9));
}

fn audit_log(b: TestDb) {
    let mut s = b.open_auth();
    assert_eq!(s.audit_log(10).unwrap(), []);
    // Same time on purpose: the order is that of appending.
    let entry = |i: usize| AuditEntry {
        time: "2027-01-15T08:00:00Z".into(),
        user: format!("u{i}"),
        action: format!("a{i}"),
        resource: format!("survey:s{i}"),
    };
    for i in 0..5 {
        s.audit(&entry(i)).unwrap();
    }
    assert_eq!(s.audit_log(3).unwrap(), [entry(4), entry(3), entry(2)]);
    assert_eq!(s.audit_log(100).unwrap().len(), 5);
    assert_eq!(s.audit_log(0).unwrap(), []);
    // Another connection sees the same log.
    assert_eq!(b.open_auth().audit_log(1).unwrap(), [entry(4)]);
}

fn reopening_keeps_everything_and_migrates_once(b: TestDb) {
    let mut s = b.open_auth();
    let u = s.create_user("keep", Role::Researcher, "h", &strs(&["p1"]), 1).unwrap();
    drop(s);
    let s = b.open_auth();
    assert_eq!(s.user_by_name("KEEP").unwrap(), Some(u));
    assert_eq!(
        b.strings("SELECT CAST(version AS TEXT) FROM auth_schema ORDER BY version"),
        ["1", "2", "3"]
    );
}

/// A database written by a build before the contributor role (auth schema 1) with an account,
/// its session and token, is brought to schema 2 on opening: everything kept (no cascade from the
/// rebuilt accounts table), and contributors can be created; the old role rule is gone.
fn a_version_1_database_gains_the_contributor_role(b: TestDb) {
    let v1 = mlgov_auth::sqlite::MIGRATIONS[0].1;
    let (v1, schema) = match b {
        TestDb::Sqlite { .. } => (
            v1.to_string(),
            "CREATE TABLE auth_schema (version INTEGER NOT NULL) STRICT; INSERT INTO auth_schema VALUES (1);",
        ),
        TestDb::Postgres(_) => (
            mlgov_auth::postgres::MIGRATIONS[0].1.to_string(),
            "CREATE TABLE auth_schema (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()); INSERT INTO auth_schema (version) VALUES (1);",
        ),
    };
    b.execute(&format!("{v1}\n{schema}"));
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.execute("INSERT INTO auth_users (username, role, password_hash, created) VALUES ('early', 'contributor', 'h', 1)"))).is_err(), "schema 1 has no contributors");
    b.execute(
        "INSERT INTO auth_projects (name, created) VALUES ('p1', 1);
         INSERT INTO auth_users (username, role, password_hash, created) VALUES ('old', 'researcher', 'h', 1);
         INSERT INTO auth_memberships (user_id, project) SELECT id, 'p1' FROM auth_users WHERE username = 'old';
         INSERT INTO auth_sessions (id_hash, user_id, csrf, created, expires) SELECT 'sess', id, 'c', 1, 99 FROM auth_users WHERE username = 'old';",
    );
    let mut s = b.open_auth();
    assert_eq!(
        b.strings("SELECT CAST(version AS TEXT) FROM auth_schema ORDER BY version"),
        ["1", "2", "3"]
    );
    let old = s.user_by_name("old").unwrap().expect("the account survives");
    assert_eq!((old.role, old.projects.clone()), (Role::Researcher, strs(&["p1"])));
    assert_eq!(
        s.session("sess").unwrap().map(|x| x.user_id),
        Some(old.id),
        "sessions are not cascaded away"
    );
    let cora = s.create_user("cora", Role::Contributor, "h", &[], 2).unwrap();
    assert_eq!(s.user_by_name("CORA").unwrap().map(|u| u.role), Some(Role::Contributor));
    assert!(cora.id > old.id);
    assert!(
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || b.execute("UPDATE auth_users SET role = 'owner' WHERE username = 'cora'")
        ))
        .is_err(),
        "the role rule still holds"
    );
    if let TestDb::Sqlite { .. } = b {
        assert_eq!(b.strings("SELECT CAST(count(*) AS TEXT) FROM pragma_foreign_key_list('auth_sessions') WHERE \"table\" = 'auth_users'"), ["1"]);
    }
}

/// Failed logins are counted in the database: a window per key, restarted once ended, counted
/// through one connection and seen through another (two servers on one database), cleared per
/// key, ended windows deleted when a failure is counted.
fn login_failures(b: TestDb) {
    let (mut one, mut two) = (b.open_auth(), b.open_auth());
    let keys = strs(&["account:ann", "ip:10.0.0.1", "account:bob"]);
    assert_eq!(one.login_failures(&keys).unwrap(), []);
    one.record_login_failure("account:ann", 100, 60).unwrap();
    two.record_login_failure("account:ann", 110, 60).unwrap();
    one.record_login_failure("ip:10.0.0.1", 120, 60).unwrap();
    let mut seen = two.login_failures(&keys).unwrap();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        [
            ("account:ann".to_string(), LoginWindow { start: 100, failures: 2 }),
            ("ip:10.0.0.1".to_string(), LoginWindow { start: 120, failures: 1 })
        ]
    );
    // At 160 ann's window (100 + 60) has ended: the failure starts a new one.
    two.record_login_failure("account:ann", 160, 60).unwrap();
    assert_eq!(
        one.login_failures(&strs(&["account:ann"])).unwrap(),
        [("account:ann".to_string(), LoginWindow { start: 160, failures: 1 })]
    );
    // At 180 the address's window (120 + 60) has ended and is deleted by any failure counted.
    one.record_login_failure("account:bob", 180, 60).unwrap();
    assert_eq!(
        b.strings("SELECT key FROM auth_login_failures ORDER BY key"),
        ["account:ann", "account:bob"]
    );
    two.clear_login_failures("account:ann").unwrap();
    assert_eq!(
        one.login_failures(&keys).unwrap(),
        [("account:bob".to_string(), LoginWindow { start: 180, failures: 1 })]
    );
}

on_both_backends!(std::convert::identity;
    login_failures,
    users,
    sessions,
    tokens,
    audit_log,
    reopening_keeps_everything_and_migrates_once,
    a_version_1_database_gains_the_contributor_role,
);

// ---------------------------------------------------------------- PostgreSQL only

#[test]
fn pg_concurrent_first_connections_migrate_once() {
    let Some(schema) = TestSchema::for_test("pg_concurrent_first_connections_migrate_once", "auth")
    else {
        return;
    };
    let url = schema.url();
    std::thread::scope(|sc| {
        let handles: Vec<_> =
            (0..4).map(|_| sc.spawn(|| PgAuthStore::connect(&url).map(|s| s.projects()))).collect();
        for h in handles {
            assert_eq!(h.join().unwrap().expect("connect").expect("query"), Vec::<String>::new());
        }
    });
    // Each migration recorded once (not once per connection).
    let n: i64 = schema.admin().query_one("SELECT count(*) FROM auth_schema", &[]).unwrap().get(0);
    assert_eq!(n, mlgov_auth::postgres::MIGRATIONS.len() as i64);
}

#[test]
fn pg_a_newer_auth_schema_is_refused() {
    let Some(schema) = TestSchema::for_test("pg_a_newer_auth_schema_is_refused", "auth") else {
        return;
    };
    drop(PgAuthStore::connect(&schema.url()).unwrap());
    schema.admin().execute("INSERT INTO auth_schema (version) VALUES (99)", &[]).unwrap();
    match PgAuthStore::connect(&schema.url()) {
        Err(AuthError::Database(m)) => {
            assert!(m.message().contains("auth schema version 99 is newer"), "{m}")
        }
        other => panic!("expected a Database error, got {other:?}"),
    }
}

#[test]
fn pg_reconnects_after_the_server_drops_the_connection() {
    let Some(schema) =
        TestSchema::for_test("pg_reconnects_after_the_server_drops_the_connection", "auth")
    else {
        return;
    };
    let mut s = PgAuthStore::connect(&schema.url()).unwrap();
    let u = s.create_user("ann", Role::Viewer, "h", &[], 1).unwrap();
    // A read after the connection died: reconnects and answers.
    assert_eq!(schema.terminate_connections(), 1);
    assert_eq!(s.user_by_name("ann").unwrap(), Some(u.clone()));
    // A write after the connection died: it failed before COMMIT, so it runs again, once.
    assert_eq!(schema.terminate_connections(), 1);
    let t = s.insert_token("tok", u.id, "", 2).unwrap();
    assert_eq!(s.tokens().unwrap().iter().map(|x| x.id).collect::<Vec<_>>(), [t]);
    assert_eq!(schema.terminate_connections(), 1);
    assert!(
        matches!(s.create_user("ANN", Role::Viewer, "h", &[], 3), Err(AuthError::Conflict(_))),
        "rules still apply after a reconnect"
    );
    assert_eq!(
        schema.admin().query_one("SELECT count(*) FROM auth_tokens", &[]).unwrap().get::<_, i64>(0),
        1
    );
}

#[test]
fn pg_an_unreachable_server_is_a_clean_error_without_the_password() {
    match PgAuthStore::connect("postgres://ann:hunter2@127.0.0.1:1/mlgov?connect_timeout=2") {
        Err(e @ AuthError::Database(_)) => {
            let AuthError::Database(m) = &e else { unreachable!() };
            assert!(m.message().contains("127.0.0.1:1") && !m.message().contains("hunter2"), "{m}");
            // The driver's error stays reachable through the source chain.
            let mut chain =
                std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| {
                    e.source()
                });
            assert!(
                chain.any(|e| e.is::<postgres::Error>()),
                "no postgres::Error in the source chain of {e:?}"
            );
        }
        other => panic!("expected a Database error, got {other:?}"),
    }
    match mlgov_auth::open_store("postgresql://127.0.0.1:1/mlgov?connect_timeout=2") {
        Err(AuthError::Database(_)) => {}
        Err(e) => panic!("expected a Database error, got {e}"),
        Ok(_) => panic!("expected a Database error, got a store"),
    }
}

/// What the server does: `mount_at` with the `--db` URL, inside the async runtime, keeps its
/// accounts in PostgreSQL: a token issued through one store authenticates through the router.
#[test]
fn pg_mount_at_a_postgres_url_serves_accounts_from_the_database() {
    let Some(schema) = TestSchema::for_test(
        "pg_mount_at_a_postgres_url_serves_accounts_from_the_database",
        "auth",
    ) else {
        return;
    };
    let url = schema.url();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let issued = {
            let url = url.clone();
            tokio::task::spawn_blocking(move || {
                let auth = mlgov_auth::Auth::new(mlgov_auth::open_store(&url).unwrap(), config());
                auth.add_user(
                    &mlgov_auth::Principal::cli_admin(),
                    "vic",
                    Role::Viewer,
                    PASSWORD,
                    &[],
                )
                .unwrap();
                auth.issue_token(&mlgov_auth::Principal::cli_admin(), "vic", "t").unwrap()
            })
            .await
            .unwrap()
        };
        // Opening happens on the async thread, as in `mlgov serve`.
        let app = mlgov_auth::http::mount_at(axum::Router::new(), Some(&url));
        let req = Request::builder()
            .uri("/api/v1/me")
            .header(header::HOST, "mlgov.test")
            .header(header::AUTHORIZATION, format!("Bearer {}", issued.token))
            .body(Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["username"], "vic");
        // A database that cannot be reached: the auth routes answer 503, nothing panics.
        let broken = mlgov_auth::http::mount_at(
            axum::Router::new(),
            Some("postgres://127.0.0.1:1/x?connect_timeout=2"),
        );
        let req = Request::builder()
            .uri("/api/v1/me")
            .header(header::HOST, "mlgov.test")
            .body(Body::empty())
            .unwrap();
        assert_eq!(broken.oneshot(req).await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
        drop(app); // dropping the store on an async thread must not panic either
    });
    drop(rt);
    // The account is in the database, for any later process.
    let n: i64 = schema
        .admin()
        .query_one("SELECT count(*) FROM auth_users WHERE username = 'vic'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}
