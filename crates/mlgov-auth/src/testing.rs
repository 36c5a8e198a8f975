//! Test fixtures for the crates whose tests need accounts (feature `testing`, dev-only; the
//! backend-agnostic part is `mlgov_store_postgres::testing`): a [`ManualClock`], the four
//! accounts of the authorisation matrix with their API tokens ([`Accounts`]), the matrix of this
//! crate's routes ([`ACCOUNT_ROUTES`]), a fast [`config`], and [`send`]/[`request`] for driving a
//! router through `oneshot` ([`call`], [`text_of`] and [`answer`] on a [`Served`] fixture).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use mlgov_store_postgres::testing::TestDb;
use tower::ServiceExt;

use crate::limiter::LimitConfig;
use crate::secret::{self, PasswordParams};
use crate::{Auth, AuthStore, Clock, Config, Principal, Role};

/// The password of every account of [`Accounts`].
pub const PASSWORD: &str = "correct horse battery";
/// Where a [`ManualClock`] of [`Accounts`] starts, in Unix seconds.
pub const T0: i64 = 1_800_000_000;
/// The roles of the authorisation matrix, in column order: an admin, a researcher of project
/// `p1` (the member), a researcher of `p2` (the outsider), a viewer, and the public.
pub const WHO: [&str; 5] = ["admin", "member", "outsider", "viewer", "public"];

/// One row of an authorisation matrix: method, path, JSON body, and the expected status for
/// each column of [`WHO`].
pub type MatrixRow = (&'static str, &'static str, Option<&'static str>, [u16; 5]);

/// The authorisation matrix of this crate's routes on [`Accounts`] (a fresh database each cell),
/// which every router that mounts them must keep. A route naming one account or token answers an
/// account without the right 404, as for one that does not exist (no enumeration); routes of whole
/// collections answer 403.
pub const ACCOUNT_ROUTES: &[MatrixRow] = &[
    ("GET", "/login", None, [200, 200, 200, 200, 200]),
    ("POST", "/logout", None, [204, 204, 204, 204, 204]),
    ("GET", "/api/v1/me", None, [200, 200, 200, 200, 401]),
    ("GET", "/api/v1/users", None, [200, 403, 403, 403, 401]),
    (
        "POST",
        "/api/v1/users",
        Some(r#"{"username":"zoe","role":"viewer","password":"a long passphrase"}"#),
        [201, 403, 403, 403, 401],
    ),
    ("GET", "/api/v1/users/vic", None, [200, 404, 404, 404, 401]),
    ("PATCH", "/api/v1/users/vic", Some(r#"{"role":"researcher"}"#), [200, 404, 404, 404, 401]),
    (
        "PATCH",
        "/api/v1/users/vic",
        Some(r#"{"password":"a new long passphrase","keep_tokens":true}"#),
        [200, 404, 404, 404, 401],
    ),
    ("DELETE", "/api/v1/users/vic", None, [204, 404, 404, 404, 401]),
    ("GET", "/api/v1/users/vic/tokens", None, [200, 404, 404, 404, 401]),
    ("GET", "/api/v1/tokens", None, [200, 403, 403, 403, 401]),
    (
        "POST",
        "/api/v1/tokens",
        Some(r#"{"username":"vic","label":"x"}"#),
        [201, 403, 403, 403, 401],
    ),
    ("DELETE", "/api/v1/tokens/4", None, [204, 404, 404, 404, 401]),
    ("GET", "/api/v1/projects", None, [200, 200, 200, 403, 401]),
    ("POST", "/api/v1/projects", Some(r#"{"name":"p9"}"#), [201, 403, 403, 403, 401]),
    ("GET", "/api/v1/audit", None, [200, 403, 403, 403, 401]),
];

/// A clock the test moves by hand.
#[derive(Default)]
pub struct ManualClock(pub AtomicI64);

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl ManualClock {
    /// Moves the clock `secs` seconds on.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

/// The service's configuration with fast password hashing, 5 login attempts per account and 20
/// per address in 15 minutes, and sessions of an hour.
#[must_use]
pub fn config() -> Config {
    Config {
        password: PasswordParams::insecure_fast_for_tests(),
        limits: LimitConfig { max_per_account: 5, max_per_ip: 20, window_secs: 900 },
        session_ttl_secs: 3600,
        ..Config::default()
    }
}

/// Opening the accounts store of a [`TestDb`].
pub trait OpenAuth {
    /// A new accounts store (its own connection) on this database, through
    /// [`crate::open_store`].
    fn open_auth(&self) -> Box<dyn AuthStore>;
}

impl OpenAuth for TestDb {
    fn open_auth(&self) -> Box<dyn AuthStore> {
        crate::open_store(&self.location())
            .unwrap_or_else(|e| panic!("opening the {} auth store: {e}", self.name()))
    }
}

/// A database with four accounts, one per column of [`WHO`] but the public — ada (admin), rita
/// (researcher in `p1`), ned (researcher in `p2`), vic (viewer), all with [`PASSWORD`] — and an
/// API token each, served by an [`Auth`] on a [`ManualClock`] at [`T0`] with [`config`].
pub struct Accounts {
    pub backend: TestDb,
    pub auth: Auth,
    pub clock: Arc<ManualClock>,
    /// Bearer tokens of ada, rita, ned and vic.
    pub tokens: Vec<String>,
}

impl Accounts {
    /// On a fresh SQLite file.
    ///
    /// # Panics
    /// When the store cannot be opened or written.
    #[must_use]
    pub fn new() -> Accounts {
        Accounts::on(TestDb::sqlite())
    }

    /// On a fresh database of `backend`.
    ///
    /// # Panics
    /// When the store cannot be opened or written.
    #[must_use]
    pub fn on(backend: TestDb) -> Accounts {
        let clock = Arc::new(ManualClock(AtomicI64::new(T0)));
        let auth = Auth::with_clock(backend.open_auth(), config(), clock.clone());
        let root = Principal::cli_admin();
        auth.add_user(&root, "ada", Role::Admin, PASSWORD, &[]).unwrap();
        auth.add_user(&root, "rita", Role::Researcher, PASSWORD, &["p1".into()]).unwrap();
        auth.add_user(&root, "ned", Role::Researcher, PASSWORD, &["p2".into()]).unwrap();
        auth.add_user(&root, "vic", Role::Viewer, PASSWORD, &[]).unwrap();
        let tokens = ["ada", "rita", "ned", "vic"]
            .iter()
            .map(|u| auth.issue_token(&root, u, "tests").unwrap().token)
            .collect();
        Accounts { backend, auth, clock, tokens }
    }

    /// The principal of one column of [`WHO`].
    ///
    /// # Panics
    /// When `who` is not a column of [`WHO`].
    #[must_use]
    pub fn principal(&self, who: &str) -> Principal {
        match who {
            "public" => Principal::anonymous(),
            w => self.auth.token_principal(self.bearer(w).unwrap()).unwrap().unwrap(),
        }
    }

    /// The bearer token of one column of [`WHO`] (None for the public).
    ///
    /// # Panics
    /// When `who` is not a column of [`WHO`].
    #[must_use]
    pub fn bearer(&self, who: &str) -> Option<&str> {
        let i = WHO.iter().position(|w| *w == who).expect("known column");
        self.tokens.get(i).map(String::as_str)
    }

    /// Asserts that the stored passwords are argon2id hashes of none but [`PASSWORD`] and that
    /// the stored API tokens are the digests of [`Accounts::tokens`], not the tokens.
    ///
    /// # Panics
    /// When they are not.
    pub fn assert_passwords_and_tokens_hashed(&self) {
        let hash = self
            .backend
            .strings("SELECT password_hash FROM auth_users WHERE username = 'ada'")
            .remove(0);
        assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));
        let digests = self.backend.strings("SELECT token_hash FROM auth_tokens");
        assert_eq!(digests.len(), 4);
        for t in &self.tokens {
            assert!(!digests.contains(t));
            assert!(digests.contains(&secret::token_digest(t)));
        }
    }
}

impl Default for Accounts {
    fn default() -> Accounts {
        Accounts::new()
    }
}

/// Sends `req` to `app` and returns the status, the headers and the body as text.
///
/// # Panics
/// When the router fails or the body is over 16 MiB.
pub async fn send(app: Router, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let resp = app.oneshot(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// A request to host `mlgov.test`, with the API token `bearer` and the JSON body `json` if given.
///
/// # Panics
/// When `method` or `uri` is not valid.
#[must_use]
pub fn request(method: &str, uri: &str, bearer: Option<&str>, json: Option<&str>) -> Request<Body> {
    request_of(method, uri, bearer, json.map(|j| ("application/json", j)))
}

/// [`request`] with a form body (`application/x-www-form-urlencoded`) instead of JSON.
///
/// # Panics
/// When `method` or `uri` is not valid.
#[must_use]
pub fn form_request(
    method: &str,
    uri: &str,
    bearer: Option<&str>,
    form: Option<&str>,
) -> Request<Body> {
    request_of(method, uri, bearer, form.map(|f| ("application/x-www-form-urlencoded", f)))
}

/// A request to host `mlgov.test`, with the API token `bearer` and a body of a content type.
fn request_of(
    method: &str,
    uri: &str,
    bearer: Option<&str>,
    body: Option<(&str, &str)>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri).header(header::HOST, "mlgov.test");
    if let Some(t) = bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    match body {
        Some((content_type, body)) => {
            b.header(header::CONTENT_TYPE, content_type).body(Body::from(body.to_string())).unwrap()
        }
        None => b.body(Body::empty()).unwrap(),
    }
}

/// A fixture that serves a router: this crate's routes over [`Accounts`], or those of a crate
/// mounted under them.
pub trait Served {
    /// The router, on the fixture's stores.
    fn app(&self) -> Router;
}

impl Served for Accounts {
    fn app(&self) -> Router {
        crate::http::mount(Router::new(), self.auth.clone())
    }
}

/// Sends a [`request`] (JSON body) to the fixture's router; the status and the body as JSON (Null
/// when it is not JSON).
pub async fn call(
    f: &impl Served,
    method: &str,
    uri: &str,
    bearer: Option<&str>,
    json: Option<&str>,
) -> (u16, serde_json::Value) {
    let (s, _, text) = send(f.app(), request(method, uri, bearer, json)).await;
    (s.as_u16(), serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

/// Sends `req` (a [`request`], a [`form_request`]) to the fixture's router; the status and the
/// body as text.
pub async fn text_of(f: &impl Served, req: Request<Body>) -> (StatusCode, String) {
    let (s, _, text) = send(f.app(), req).await;
    (s, text)
}

/// What the fixture's answer to `req` (a [`request`]) tells: status, content type and body —
/// without an error envelope's request id or a page's nonces, the parts that may differ between
/// any two requests.
pub async fn answer(f: &impl Served, req: Request<Body>) -> (u16, String, String) {
    let (s, h, text) = send(f.app(), req).await;
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(mut v) => {
            if let Some(e) = v.get_mut("error").and_then(serde_json::Value::as_object_mut) {
                e.remove("request_id");
            }
            v.to_string()
        }
        Err(_) => without_nonces(&text),
    };
    (
        s.as_u16(),
        h.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string(),
        text,
    )
}

/// `s` without its `nonce="…"` attributes (a page's script nonce may differ per response).
#[must_use]
pub fn without_nonces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("nonce=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        rest = after.find('"').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

/// The answers of an authorisation matrix ([`ACCOUNT_ROUTES`], a crate's own) that were not the
/// expected status, one line each.
#[derive(Debug, Default)]
pub struct Mismatches(Vec<String>);

impl Mismatches {
    /// Notes the answer to `method path` as `who` when its status is not `expected`.
    pub fn check(
        &mut self,
        (method, path): (&str, &str),
        who: &str,
        (status, text): (StatusCode, &str),
        expected: u16,
    ) {
        if status.as_u16() != expected {
            self.0.push(format!(
                "{method} {path} as {who}: {} (expected {expected}) {text}",
                status.as_u16()
            ));
        }
    }

    /// Asserts that every answer was the expected one.
    ///
    /// # Panics
    /// Listing the others.
    pub fn assert_none(&self) {
        assert!(self.0.is_empty(), "{}", self.0.join("\n"));
    }
}

/// A router of another crate: `GET /hello` answers the user name of the request's principal
/// (`-` for the public), to check that a layer mounted over it covers its routes.
pub fn hello_router() -> Router {
    Router::new()
        .route("/hello", axum::routing::get(|w: crate::http::Who| async move { w.0.username }))
}
