//! Test fixtures for every crate that tests against PostgreSQL (feature `testing`, dev-only): the
//! server named by `MLGOV_TEST_PG_URL` (set by `scripts/pg-test.sh`) and [`TestSchema`], a schema
//! of its own on it so tests run in parallel, dropped afterwards.
//!
//! Everything here may be called from async tests: the synchronous client runs on a thread of its
//! own (it drives a runtime of its own, which tokio forbids on a worker thread).

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
            eprintln!("SKIPPED {test} on PostgreSQL: {URL_VAR} is not set (run under scripts/pg-test.sh)");
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
    /// Creates `<label>_<pid>_<n>_<nanos>` on the server at `base`.
    ///
    /// # Panics
    /// When the server cannot be reached.
    #[must_use]
    pub fn new(base: &str, label: &str) -> TestSchema {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("t_{label}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let schema = TestSchema { base: base.to_string(), name };
        on_own_thread(|| {
            let mut admin = Client::connect(&schema.base, NoTls).expect("connect to MLGOV_TEST_PG_URL");
            admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {n} CASCADE; CREATE SCHEMA {n}", n = schema.name)).expect("create schema");
        });
        schema
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
        format!("{}{sep}options=-c%20search_path%3D{n}&application_name={n}", self.base, n = self.name)
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
        on_own_thread(|| self.admin().query(sql, &[]).expect("query").iter().map(|r| r.get::<_, String>(0)).collect())
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
