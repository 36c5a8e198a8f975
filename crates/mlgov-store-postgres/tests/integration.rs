//! Integration tests of the PostgreSQL backend: the shared storage contract
//! (`mlgov_store::contract`) and PostgreSQL-specific behaviour (migrations, integrity check,
//! backend selection), run against the server named by `MLGOV_TEST_PG_URL`.
//!
//! `scripts/pg-test.sh` starts a throwaway cluster and sets the variable; without it every test
//! prints a notice and passes vacuously. Each test works in its own schema
//! (`mlgov_store_postgres::testing::TestSchema`), dropped afterwards.

mod changes;

use mlgov_domain::{Id, KnowledgeBase};
use mlgov_store::{Store, StoreError, contract};
use mlgov_store_postgres::testing::{TestSchema, server_url};
use mlgov_store_postgres::{MIGRATIONS, OpenMode, PgStore, open_any};

/// The newest migration's version.
fn newest() -> i64 {
    MIGRATIONS.last().expect("migrations").0
}
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The bundled knowledge base (`data/kb`, a few thousand rows of real data), read once.
fn fixture() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
        match mlgov_interchange::read_path(&dir) {
            Ok(loaded) => loaded.kb,
            Err(e) => panic!("the bundled knowledge base does not read: {:?}", e.diagnostics()),
        }
    })
}

#[test]
fn storage_contract_holds_on_postgres() {
    let Some(base) = server_url("storage_contract_holds_on_postgres") else { return };
    let mut schemas = Vec::new();
    contract::run_all(&mut || {
        let schema = TestSchema::new(&base, "contract");
        let store = PgStore::connect(&schema.url()).expect("connect");
        schemas.push(schema);
        Box::new(store)
    });
}

#[test]
fn storage_contract_holds_on_sqlite_through_open_any() {
    // The same contract through the backend selector, so both paths of `open_any` are exercised.
    let dir = std::env::temp_dir().join(format!("mlgov-pg-crate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let n = AtomicUsize::new(0);
    contract::run_all(&mut || {
        let path = dir.join(format!("contract-{}.db", n.fetch_add(1, Ordering::Relaxed)));
        open_any(path.to_str().expect("utf-8 path"), OpenMode::Create).expect("open sqlite")
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_bundled_knowledge_base_round_trips_and_checks_clean() {
    let Some(base) = server_url("the_bundled_knowledge_base_round_trips_and_checks_clean") else {
        return;
    };
    let schema = TestSchema::new(&base, "bundled");
    let mut store = PgStore::connect(&schema.url()).expect("connect");
    let report = store.replace_all(fixture()).expect("write");
    assert_eq!(report.total(), fixture().counts().values().sum::<usize>());
    assert_eq!(store.load().expect("load"), {
        let mut k = fixture().clone();
        k.sort();
        k
    });
    assert_eq!(store.integrity_check().expect("check"), Vec::<String>::new());
    // Writing it again over itself (the `mlgov demo` path) gives the same content.
    store.replace_all(fixture()).expect("rewrite");
    assert_eq!(store.counts().expect("counts").iter().map(|c| c.1).sum::<usize>(), report.total());
}

#[test]
fn migrations_are_recorded_and_idempotent() {
    let Some(base) = server_url("migrations_are_recorded_and_idempotent") else { return };
    let schema = TestSchema::new(&base, "migrate");
    let store = PgStore::connect(&schema.url()).expect("first connect migrates");
    assert_eq!(store.schema_version().expect("version"), newest());
    drop(store);
    let store = PgStore::connect(&schema.url()).expect("second connect is a no-op");
    assert_eq!(store.schema_version().expect("version"), newest());
    let rows = schema
        .admin()
        .query("SELECT version, name FROM schema_migrations ORDER BY version", &[])
        .expect("query");
    let applied: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        applied,
        vec![
            (1, "init".to_string()),
            (2, "surveys".to_string()),
            (3, "versions".to_string()),
            (4, "proposals".to_string())
        ]
    );
}

#[test]
fn concurrent_first_connections_migrate_once() {
    let Some(base) = server_url("concurrent_first_connections_migrate_once") else { return };
    let schema = TestSchema::new(&base, "race");
    let url = schema.url();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PgStore::connect(&url).map(|s| s.schema_version()))
        })
        .collect();
    for h in handles {
        let v = h.join().expect("thread").expect("connect").expect("version");
        assert_eq!(v, newest());
    }
    let n: i64 = schema
        .admin()
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, newest(), "each migration recorded once");
}

#[test]
fn a_newer_schema_is_refused() {
    let Some(base) = server_url("a_newer_schema_is_refused") else { return };
    let schema = TestSchema::new(&base, "toonew");
    drop(PgStore::connect(&schema.url()).expect("connect"));
    schema
        .admin()
        .execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')", &[])
        .expect("insert");
    match PgStore::connect(&schema.url()) {
        Err(StoreError::TooNew { found: 99, supported }) if supported == newest() => {}
        other => panic!("expected TooNew(99, {}), got {other:?}", newest()),
    }
}

#[test]
fn opening_an_uninitialised_database_as_existing_says_missing() {
    let Some(base) = server_url("opening_an_uninitialised_database_as_existing_says_missing")
    else {
        return;
    };
    let schema = TestSchema::new(&base, "missing");
    match open_any(&schema.url(), OpenMode::Existing) {
        Err(StoreError::Missing(location)) => {
            assert!(location.starts_with("postgres"), "{location}")
        }
        Err(e) => panic!("expected Missing, got {e}"),
        Ok(_) => panic!("expected Missing, got a store"),
    }
    // Nothing was created by the refused open.
    let n: i64 = schema
        .admin()
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 0);
    let mut store = open_any(&schema.url(), OpenMode::Create).expect("create");
    store.insert_all(fixture()).expect("insert");
    let again = open_any(&schema.url(), OpenMode::Existing).expect("now it exists");
    assert_eq!(again.load().expect("load"), {
        let mut k = fixture().clone();
        k.sort();
        k
    });
}

#[test]
fn integrity_check_finds_orphans_written_behind_the_constraints() {
    let Some(base) = server_url("integrity_check_finds_orphans_written_behind_the_constraints")
    else {
        return;
    };
    let schema = TestSchema::new(&base, "orphans");
    let mut store = PgStore::connect(&schema.url()).expect("connect");
    store.insert_all(fixture()).expect("insert");
    assert_eq!(store.integrity_check().expect("check"), Vec::<String>::new());
    let victim = fixture().localities[0].id.to_string();
    let mut admin = schema.admin();
    // Bypassing foreign-key triggers needs a superuser, which the throwaway test cluster gives.
    let superuser: bool = admin
        .query_one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &[])
        .expect("role")
        .get(0);
    if !superuser {
        eprintln!("SKIPPED orphan injection: the test role is not a superuser");
        return;
    }
    admin
        .batch_execute(&format!("SET session_replication_role = replica; UPDATE localities SET parent = 'loc:ghost' WHERE id = '{victim}'; SET session_replication_role = origin"))
        .expect("inject an orphan");
    let problems = store.integrity_check().expect("check");
    assert_eq!(
        problems,
        vec![format!(
            "foreign key violation in localities row {victim}: parent = \"loc:ghost\" is not in localities"
        )]
    );
    admin.batch_execute("ALTER TABLE terms DROP CONSTRAINT terms_person_fkey").expect("drop a key");
    let problems = store.integrity_check().expect("check");
    assert!(problems.iter().any(|p| p.contains("foreign keys, expected")), "{problems:?}");
}

#[test]
fn a_failed_import_is_invisible_to_a_concurrent_reader() {
    let Some(base) = server_url("a_failed_import_is_invisible_to_a_concurrent_reader") else {
        return;
    };
    let schema = TestSchema::new(&base, "reader");
    let mut writer = PgStore::connect(&schema.url()).expect("writer");
    let reader = PgStore::connect(&schema.url()).expect("reader");
    let mut sources = KnowledgeBase::default();
    sources.sources = fixture().sources.clone();
    writer.insert_all(&sources).expect("sources");
    let mut broken = fixture().clone();
    broken.sources.clear();
    broken.localities[0].parent = Some(Id::parse("loc:nowhere").expect("id"));
    let err = writer.insert_all(&broken).expect_err("dangling parent");
    assert!(err.to_string().contains("foreign key"), "the error names the constraint: {err}");
    assert_eq!(reader.load().expect("load").localities.len(), 0);
    assert_eq!(
        reader.counts().expect("counts").iter().map(|c| c.1).sum::<usize>(),
        fixture().sources.len()
    );
    // The writer's connection is usable after the failure.
    let mut good = fixture().clone();
    good.sources.clear();
    writer.insert_all(&good).expect("the corrected import");
    assert_eq!(reader.load().expect("load"), {
        let mut k = fixture().clone();
        k.sort();
        k
    });
}

#[test]
fn connection_errors_name_the_server_without_the_password() {
    let err = PgStore::connect("postgres://ann:hunter2@127.0.0.1:1/mlgov?connect_timeout=2")
        .expect_err("nothing listens on port 1");
    let msg = err.to_string();
    assert!(msg.contains("127.0.0.1:1") && !msg.contains("hunter2"), "{msg}");
}

/// An unreachable server is a [`StoreError::Database`] whose words name the redacted location and
/// whose source chain reaches the driver's `postgres::Error` (no server needed: port 1 refuses).
#[test]
fn an_unreachable_server_keeps_the_driver_error_as_its_source() {
    let e = match mlgov_store_postgres::open(
        &mlgov_store::Location::parse("postgres://ann:hunter2@127.0.0.1:1/mlgov?connect_timeout=2"),
        OpenMode::Existing,
    ) {
        Err(e) => e,
        Ok(_) => panic!("a store on port 1"),
    };
    let text = e.to_string();
    assert!(
        text.starts_with("database error: connecting to postgres://ann:***@127.0.0.1:1/mlgov")
            && !text.contains("hunter2"),
        "{text}"
    );
    let mut chain =
        std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| e.source());
    assert!(
        chain.any(|e| e.is::<postgres::Error>()),
        "no postgres::Error in the source chain of {e:?}"
    );
}
