//! The storage contract (`mlgov_store::contract`, shared with the PostgreSQL backend's tests) run
//! on the SQLite backend (file and in-memory), plus SQLite-specific checks.

use mlgov_store::contract::{CHECKS, fixture, sorted, total};
use mlgov_store::{SqliteStore, Store};

fn sqlite_file() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("kb.db")).unwrap();
    (dir, s)
}

/// The whole contract on a SQLite file, each check on a fresh store.
#[test]
fn storage_contract_on_a_sqlite_file() {
    for (name, check) in CHECKS {
        let (_dir, mut s) = sqlite_file();
        eprintln!("storage contract: {name}");
        check(&mut s);
    }
}

/// The whole contract on an in-memory SQLite store.
#[test]
fn storage_contract_in_memory() {
    for (name, check) in CHECKS {
        let mut s = SqliteStore::in_memory().unwrap();
        eprintln!("storage contract: {name}");
        check(&mut s);
    }
}

// SQLite-specific: the file, migrations and reopening.

#[test]
fn open_twice_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let v = {
        let mut s = SqliteStore::open(&path).unwrap();
        s.insert_all(&fixture()).unwrap();
        s.schema_version().unwrap()
    };
    assert!(v >= 1);
    for _ in 0..2 {
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), v, "reopening must not re-run or skip migrations");
        assert_eq!(sorted(s.load().unwrap()), sorted(fixture()));
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
    }
    let s = SqliteStore::open_existing(&path).unwrap();
    assert_eq!(s.path(), path.as_path());
    assert_eq!(total(&s), fixture().counts().values().sum::<usize>());
}

#[test]
fn open_existing_refuses_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.db");
    let e = SqliteStore::open_existing(&path).err().expect("missing file");
    assert!(matches!(e, mlgov_store::StoreError::Missing(_)), "{e}");
    assert!(e.to_string().contains("mlgov init"), "{e}");
    assert!(!path.exists(), "open_existing must not create the file");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    drop(SqliteStore::open(&path).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA user_version = 999").unwrap();
    }
    let e = SqliteStore::open(&path).err().expect("too new");
    assert!(matches!(e, mlgov_store::StoreError::TooNew { found: 999, .. }), "{e}");
}

#[test]
fn foreign_keys_and_wal_are_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.insert_all(&fixture()).unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    // The stored cells are the canonical text; empty cells are NULL.
    let (to, exit): (Option<String>, Option<String>) = c
        .query_row(
            "SELECT \"to\", exit_reason FROM memberships WHERE id = 'mem:metropole-eurocities'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((to, exit), (None, None));
}

#[test]
fn corrupt_rows_are_reported_not_panicked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.insert_all(&fixture()).unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute("UPDATE memberships SET role = 'grand_wizard' WHERE id = 'mem:se-euromed'", [])
            .unwrap();
    }
    let e = s.load().expect_err("corrupt row");
    let msg = e.to_string();
    assert!(msg.contains("memberships/mem:se-euromed") && msg.contains("role"), "{msg}");
}

#[test]
fn a_base_written_before_versions_is_brought_over() {
    // A schema-2 database with a base in it, as mlgov wrote it before keeping versions.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for (v, sql) in &mlgov_store::sqlite_migrations()[..2] {
            c.execute_batch(sql).unwrap();
            c.execute_batch(&format!("PRAGMA user_version = {v}")).unwrap();
        }
        c.execute_batch("INSERT INTO sources (id, short, title, kind) VALUES ('src:old', 'Old', 'An old source', 'other')").unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), 4);
    let h = s.history("src:old").unwrap();
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(
        (h[0].opened.id, h[0].opened.kind.as_str(), h[0].closed.is_none()),
        (1, "migration", true)
    );
    assert_eq!(s.load_as_of(&mlgov_store::AsOf::ChangeSet(1)).unwrap().sources.len(), 1);
}

/// A database failure keeps the driver's error: the source chain of a [`StoreError::Database`]
/// reaches `rusqlite::Error`, and the words shown are the driver's, as before.
#[test]
fn a_database_error_keeps_the_driver_error_as_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let e = match SqliteStore::open(&path) {
        Err(e) => e,
        Ok(_) => panic!("a file of x's opened as a database"),
    };
    assert!(matches!(e, mlgov_store::StoreError::Database(_)), "{e:?}");
    assert_eq!(e.to_string(), "database error: file is not a database");
    let chain: Vec<&(dyn std::error::Error + 'static)> =
        std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| e.source())
            .collect();
    let driver = chain
        .iter()
        .find_map(|e| e.downcast_ref::<rusqlite::Error>())
        .unwrap_or_else(|| panic!("no rusqlite::Error in the source chain of {e:?}"));
    assert_eq!(driver.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase));
}
