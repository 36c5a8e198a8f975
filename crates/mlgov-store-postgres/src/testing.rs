//! Test fixtures for every crate that tests against PostgreSQL (feature `testing`, dev-only): the
//! server named by `MLGOV_TEST_PG_URL` (set by `scripts/pg-test.sh`); [`TestSchema`], a schema
//! of its own on it so tests run in parallel, dropped afterwards; [`TestDb`], a fresh database on
//! either backend (a temporary SQLite file or a `TestSchema`) with its `--db` location; and
//! [`on_both_backends!`], which turns one test body into a SQLite test and a PostgreSQL test.
//!
//! Everything here may be called from async tests: the synchronous client runs on a thread of its
//! own (it drives a runtime of its own, which tokio forbids on a worker thread).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, NoTls};

/// The variable naming the test server.
pub const URL_VAR: &str = "MLGOV_TEST_PG_URL";

/// Runs `f` on a thread of its own and returns its result (panics propagate).
fn on_own_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
}

/// The test server's URL, or `None` with a printed notice when `MLGOV_TEST_PG_URL` is unset, so
/// that a PostgreSQL test passes vacuously outside `scripts/pg-test.sh`. Under CI (`CI` set and
/// not `0`/`false`) a missing URL fails the test instead.
#[must_use]
pub fn server_url(test: &str) -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") => {
            panic!("{test}: {URL_VAR} is not set but CI is: run the tests under scripts/pg-test.sh")
        }
        _ => {
            eprintln!(
                "SKIPPED {test} on PostgreSQL: {URL_VAR} is not set (run under scripts/pg-test.sh)"
            );
            None
        }
    }
}

/// A schema of its own on the test server, dropped (with everything in it) on drop. Stores and
/// the `mlgov` binary reach it through [`TestSchema::url`], whose connections carry the schema's
/// name as `application_name` (so a test can find and terminate them).
pub struct TestSchema {
    base: String,
    name: String,
}

impl TestSchema {
    /// Creates `t_<label>_<pid>_<n>_<nanos>` on the server at `base`. A package name as the label
    /// loses its `mlgov-` prefix, and every character but ASCII letters, digits and `_` becomes
    /// `_` (so `mlgov-auth` gives `t_auth_…`).
    ///
    /// # Panics
    /// When the server cannot be reached.
    #[must_use]
    pub fn new(base: &str, label: &str) -> TestSchema {
        static N: AtomicUsize = AtomicUsize::new(0);
        let label: String = label
            .trim_start_matches("mlgov-")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "t_{label}_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let schema = TestSchema { base: base.to_string(), name };
        on_own_thread(|| {
            let mut admin =
                Client::connect(&schema.base, NoTls).expect("connect to MLGOV_TEST_PG_URL");
            admin
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {n} CASCADE; CREATE SCHEMA {n}",
                    n = schema.name
                ))
                .expect("create schema");
        });
        schema
    }

    /// A schema of its own for `test` on the test server, or `None` (with a notice) when no server
    /// is configured: [`server_url`], then [`TestSchema::new`].
    ///
    /// # Panics
    /// When the server cannot be reached, or under CI without a server.
    #[must_use]
    pub fn for_test(test: &str, label: &str) -> Option<TestSchema> {
        server_url(test).map(|url| TestSchema::new(&url, label))
    }

    /// The schema's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server URL with this schema as the search path.
    #[must_use]
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!(
            "{}{sep}options=-c%20search_path%3D{n}&application_name={n}",
            self.base,
            n = self.name
        )
    }

    /// A plain client on this schema, for looking behind a store's back (not from an async task).
    ///
    /// # Panics
    /// When the server cannot be reached.
    #[must_use]
    pub fn admin(&self) -> Client {
        let mut c = Client::connect(&self.base, NoTls).expect("connect");
        c.batch_execute(&format!("SET search_path = {}", self.name)).expect("search path");
        c
    }

    /// The first column, as text, of every row of `sql` run on this schema.
    ///
    /// # Panics
    /// When the query fails.
    #[must_use]
    pub fn strings(&self, sql: &str) -> Vec<String> {
        on_own_thread(|| {
            self.admin()
                .query(sql, &[])
                .expect("query")
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect()
        })
    }

    /// Ends every connection of the stores on this schema from the server side, as a server
    /// restart does (they carry its name as `application_name`), and returns how many it ended.
    ///
    /// # Panics
    /// When the server cannot be reached.
    #[must_use]
    pub fn terminate_connections(&self) -> usize {
        on_own_thread(|| {
            self.admin()
                .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", &[&self.name])
                .expect("terminate the store connections")
                .len()
        })
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        on_own_thread(|| {
            if let Ok(mut c) = Client::connect(&self.base, NoTls) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
            }
        });
    }
}

/// A fresh, empty database on one backend, for any store that opens a `--db` location.
pub enum TestDb {
    /// `<tmp>/mlgov.db`, removed with its directory on drop.
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    /// A schema of its own on the PostgreSQL test server.
    Postgres(TestSchema),
}

impl TestDb {
    /// A temporary SQLite file (not yet created: the first store to open it does).
    ///
    /// # Panics
    /// When no temporary directory can be created.
    #[must_use]
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("mlgov.db");
        TestDb::Sqlite { _dir: dir, path }
    }

    /// A schema of its own (named after `label`, see [`TestSchema::new`]) on the PostgreSQL test
    /// server, or `None` (with a notice) when no server is configured: [`TestSchema::for_test`].
    ///
    /// # Panics
    /// When the server cannot be reached, or under CI without a server.
    #[must_use]
    pub fn postgres(label: &str, test: &str) -> Option<TestDb> {
        TestSchema::for_test(test, label).map(TestDb::Postgres)
    }

    /// `"sqlite"` or `"postgres"`, for messages.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "sqlite",
            TestDb::Postgres(_) => "postgres",
        }
    }

    /// What `mlgov --db` would be given, and what every `open_store(location)` takes: the file
    /// path or the URL.
    ///
    /// # Panics
    /// When the temporary path is not UTF-8.
    #[must_use]
    pub fn location(&self) -> String {
        match self {
            TestDb::Sqlite { path, .. } => path.to_str().expect("utf-8 temp path").to_string(),
            TestDb::Postgres(s) => s.url(),
        }
    }

    /// Runs `sql` (one or more statements) behind the stores' backs, as an older build or an
    /// operator would.
    ///
    /// # Panics
    /// When the database cannot be opened or a statement fails.
    pub fn execute(&self, sql: &str) {
        match self {
            TestDb::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .expect("open the SQLite file")
                .execute_batch(sql)
                .expect("execute"),
            TestDb::Postgres(s) => on_own_thread(|| s.admin().batch_execute(sql).expect("execute")),
        }
    }

    /// The first column, as text, of every row of `sql`, read behind the stores' backs.
    ///
    /// # Panics
    /// When the database cannot be opened or the query fails.
    #[must_use]
    pub fn strings(&self, sql: &str) -> Vec<String> {
        match self {
            TestDb::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).expect("open the SQLite file");
                let mut st = conn.prepare(sql).expect("prepare");
                st.query_map([], |r| r.get::<_, String>(0))
                    .expect("query")
                    .map(|v| v.expect("a text column"))
                    .collect()
            }
            TestDb::Postgres(s) => s.strings(sql),
        }
    }
}

/// Turns each test body listed into two tests, `on_sqlite::name` and `on_postgres::name`, each
/// given `$make(db)` for a fresh [`TestDb`] of that backend (its PostgreSQL schema is named after
/// the calling package). The PostgreSQL test prints a notice and passes when `MLGOV_TEST_PG_URL`
/// is unset (fails under `CI`).
///
/// - `on_both_backends!(make; a, b)`: `fn a(x: T)` with `fn make(TestDb) -> T`, as `#[test]`s.
/// - `on_both_backends!(async make; a, b)`: `async fn a(x: T)` with `async fn make(TestDb) -> T`,
///   as `#[tokio::test]`s (the calling crate depends on tokio).
///
/// `std::convert::identity` as `make` hands the test the bare database.
#[doc(hidden)]
#[macro_export]
macro_rules! __on_both_backends {
    (async $make:path; $($name:ident),* $(,)?) => {
        mod on_sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($make($crate::testing::TestDb::sqlite()).await).await
                }
            )*
        }
        mod on_postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(db) = $crate::testing::TestDb::postgres(env!("CARGO_PKG_NAME"), stringify!($name)) {
                        super::$name($make(db).await).await
                    }
                }
            )*
        }
    };
    ($make:path; $($name:ident),* $(,)?) => {
        mod on_sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    super::$name($make($crate::testing::TestDb::sqlite()))
                }
            )*
        }
        mod on_postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    if let Some(db) = $crate::testing::TestDb::postgres(env!("CARGO_PKG_NAME"), stringify!($name)) {
                        super::$name($make(db))
                    }
                }
            )*
        }
    };
}
#[doc(inline)]
pub use crate::__on_both_backends as on_both_backends;
