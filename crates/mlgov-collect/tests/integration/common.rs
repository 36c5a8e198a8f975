//! Shared fixtures: a fresh database on either backend ([`Backend`]: a temporary SQLite file, or
//! a schema of its own on the PostgreSQL server named by `MLGOV_TEST_PG_URL`), a manual clock,
//! four accounts (through `mlgov_auth`) and one survey with one invitation; and
//! [`on_both_backends!`], which turns one test body into a SQLite test and a PostgreSQL test.

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use mlgov_auth::limiter::LimitConfig;
use mlgov_auth::secret::PasswordParams;
use mlgov_auth::{Auth, Clock, Principal, Role};
use mlgov_collect::{Collect, CollectStore};

pub use mlgov_store_postgres::testing::{server_url as pg_url, TestSchema as PgSchema};

/// A fresh, empty database for the auth and collection tables.
pub enum Backend {
    /// `<tmp>/mlgov.db`.
    Sqlite { _dir: tempfile::TempDir, path: PathBuf },
    /// A schema of its own on the PostgreSQL test server.
    Postgres(PgSchema),
}

impl Backend {
    pub fn sqlite() -> Backend {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mlgov.db");
        Backend::Sqlite { _dir: dir, path }
    }

    /// `None` (with a notice) when no PostgreSQL server is configured.
    pub fn postgres(test: &str) -> Option<Backend> {
        pg_url(test).map(|url| Backend::Postgres(PgSchema::new(&url, "collect")))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// What `mlgov --db` would be given: the file path or the URL.
    pub fn location(&self) -> String {
        match self {
            Backend::Sqlite { path, .. } => path.to_str().expect("utf-8 temp path").to_string(),
            Backend::Postgres(s) => s.url(),
        }
    }

    /// A new collection store (its own connection) on this database, through
    /// `mlgov_collect::open_store`.
    pub fn open(&self) -> Box<dyn CollectStore> {
        mlgov_collect::open_store(&self.location()).unwrap_or_else(|e| panic!("opening the {} collection store: {e}", self.name()))
    }

    /// A new auth store on this database, through `mlgov_auth::open_store`.
    pub fn open_auth(&self) -> Box<dyn mlgov_auth::AuthStore> {
        mlgov_auth::open_store(&self.location()).unwrap_or_else(|e| panic!("opening the {} auth store: {e}", self.name()))
    }

    /// The first column, as text, of every row of `sql`, read behind the store's back.
    pub fn strings(&self, sql: &str) -> Vec<String> {
        match self {
            Backend::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut st = conn.prepare(sql).unwrap();
                st.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
            }
            Backend::Postgres(s) => s.strings(sql),
        }
    }
}

/// Turns each `fn name(x: T)` listed into two tests, `on_sqlite::name` and `on_postgres::name`,
/// where `x = $make(backend)` on a fresh database of that backend. The PostgreSQL test prints a
/// notice and passes when `MLGOV_TEST_PG_URL` is unset (fails under `CI`).
macro_rules! on_both_backends {
    ($make:path; $($name:ident),* $(,)?) => {
        mod on_sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    super::$name($make(crate::common::Backend::sqlite()))
                }
            )*
        }
        mod on_postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    if let Some(b) = crate::common::Backend::postgres(stringify!($name)) {
                        super::$name($make(b))
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;

/// A clock fixed at [`T0`] (the audit log's times are checked).
#[derive(Default)]
pub struct ManualClock(pub AtomicI64);

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub const PASSWORD: &str = "correct horse battery";
pub const T0: i64 = 1_800_000_000;

/// The roles of the authorisation matrix, in column order.
pub const WHO: [&str; 5] = ["admin", "member", "outsider", "viewer", "public"];

pub struct Fixture {
    pub backend: Backend,
    pub auth: Auth,
    pub collect: Collect,
    /// Bearer tokens of ada (admin), rita (researcher in p1), ned (researcher in p2), vic (viewer).
    pub tokens: Vec<String>,
    /// One invitation token of survey s1.
    pub invitation: String,
}

pub fn config() -> mlgov_auth::Config {
    mlgov_auth::Config {
        password: PasswordParams::insecure_fast_for_tests(),
        limits: LimitConfig { max_per_account: 5, max_per_ip: 20, window_secs: 900 },
        session_ttl_secs: 3600,
        ..mlgov_auth::Config::default()
    }
}

impl Fixture {
    /// On a fresh SQLite file.
    pub fn new() -> Fixture {
        Fixture::on(Backend::sqlite())
    }

    /// On a fresh database of `backend`.
    pub fn on(backend: Backend) -> Fixture {
        let clock = Arc::new(ManualClock(AtomicI64::new(T0)));
        // The knowledge-base store at the same location: survey datasets and releases live there.
        mlgov_store_postgres::open_any(&backend.location(), mlgov_store_postgres::OpenMode::Create).unwrap_or_else(|e| panic!("creating the {} knowledge-base store: {e}", backend.name()));
        let auth = Auth::with_clock(backend.open_auth(), config(), clock);
        let collect = Collect::new(backend.open(), auth.clone(), mlgov_collect::Config { kb_location: Some(backend.location()), ..mlgov_collect::Config::default() });
        let root = Principal::cli_admin();
        auth.add_user(&root, "ada", Role::Admin, PASSWORD, &[]).unwrap();
        auth.add_user(&root, "rita", Role::Researcher, PASSWORD, &["p1".into()]).unwrap();
        auth.add_user(&root, "ned", Role::Researcher, PASSWORD, &["p2".into()]).unwrap();
        auth.add_user(&root, "vic", Role::Viewer, PASSWORD, &[]).unwrap();
        let tokens = ["ada", "rita", "ned", "vic"].iter().map(|u| auth.issue_token(&root, u, "tests").unwrap().token).collect();
        collect.create_survey(&root, "s1", "whole-comm-interactions", "p1").unwrap();
        let invitation = collect.invite(&root, "s1", 1, Some("loc:x")).unwrap().remove(0);
        Fixture { backend, auth, collect, tokens, invitation }
    }

    /// The principal of one column of [`WHO`].
    pub fn principal(&self, who: &str) -> Principal {
        match who {
            "public" => Principal::anonymous(),
            w => self.auth.token_principal(self.bearer(w).unwrap()).unwrap().unwrap(),
        }
    }

    /// The bearer token of one column of [`WHO`] (None for the public).
    pub fn bearer(&self, who: &str) -> Option<&str> {
        let i = WHO.iter().position(|w| *w == who).expect("known column");
        self.tokens.get(i).map(String::as_str)
    }
}
