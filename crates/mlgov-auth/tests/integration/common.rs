//! Shared fixtures: a temporary database, a manual clock, four accounts and one survey.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use mlgov_auth::limiter::LimitConfig;
use mlgov_auth::secret::PasswordParams;
use mlgov_auth::{Auth, Clock, Config, Principal, Role, SqliteAuthStore};

/// A clock the test moves by hand.
#[derive(Default)]
pub struct ManualClock(pub AtomicI64);

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl ManualClock {
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

pub const PASSWORD: &str = "correct horse battery";
pub const T0: i64 = 1_800_000_000;

/// The roles of the authorisation matrix, in column order.
pub const WHO: [&str; 5] = ["admin", "member", "outsider", "viewer", "public"];

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
    pub auth: Auth,
    pub clock: Arc<ManualClock>,
    /// Bearer tokens of ada (admin), rita (researcher in p1), ned (researcher in p2), vic (viewer).
    pub tokens: Vec<String>,
    /// One invitation token of survey s1.
    pub invitation: String,
}

pub fn config() -> Config {
    Config {
        password: PasswordParams::insecure_fast_for_tests(),
        limits: LimitConfig { max_per_account: 5, max_per_ip: 20, window_secs: 900 },
        session_ttl_secs: 3600,
        ..Config::default()
    }
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("mlgov.db");
        let clock = Arc::new(ManualClock(AtomicI64::new(T0)));
        let auth = Auth::with_clock(Box::new(SqliteAuthStore::open(&db).unwrap()), config(), clock.clone());
        let root = Principal::cli_admin();
        auth.add_user(&root, "ada", Role::Admin, PASSWORD, &[]).unwrap();
        auth.add_user(&root, "rita", Role::Researcher, PASSWORD, &["p1".into()]).unwrap();
        auth.add_user(&root, "ned", Role::Researcher, PASSWORD, &["p2".into()]).unwrap();
        auth.add_user(&root, "vic", Role::Viewer, PASSWORD, &[]).unwrap();
        let tokens = ["ada", "rita", "ned", "vic"].iter().map(|u| auth.issue_token(&root, u, "tests").unwrap().token).collect();
        auth.create_survey(&root, "s1", "whole-comm-interactions", "p1").unwrap();
        let invitation = auth.invite(&root, "s1", 1, Some("loc:x")).unwrap().remove(0);
        Fixture { _dir: dir, db, auth, clock, tokens, invitation }
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
