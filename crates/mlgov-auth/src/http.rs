//! The HTTP face of [`Auth`]: [`routes`] (login, logout, `/api/v1/me`, accounts, tokens,
//! projects, audit log, and the stylesheet of the pages), [`layer`] (the middleware that authenticates each request, applies the
//! CSRF defences and puts the [`Principal`] into request extensions) and [`mount`], which does
//! both onto another router. Other route sets mounted under the layer (survey collection) use the
//! public pieces: [`Who`], [`Failure`], [`error_response`], [`render_page`] with
//! [`PAGE_TEMPLATES`], [`cross_site_check`], [`parse_form`], [`is_form`].
//!
//! CSRF defences, in order, for every POST/PUT/PATCH/DELETE: a `Sec-Fetch-Site` other than
//! `same-origin`/`none` is refused; an `Origin` that is neither the request's `Host` nor a
//! configured origin is refused; a request authenticated by the session cookie must repeat the
//! session's CSRF token in `X-CSRF-Token` or in the form field `csrf_token` (login is exempt: it
//! has no session yet; the respondent form of `mlgov-collect` under `/respond/` is exempt: its
//! secret link token plays that part).
//! The cookie itself is `SameSite=Strict`, so browsers do not send it on cross-site requests.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::Environment;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AuthError;
use crate::policy::{AuthVia, Principal, Role};
use crate::secret;
use crate::service::{Auth, CookieSecure};

/// Name of the session cookie.
pub const COOKIE: &str = "mlgov_session";
/// Header carrying the CSRF token on JSON requests made with the session cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body the middleware reads to find the CSRF token.
pub const FORM_LIMIT: usize = 256 * 1024;

/// Runs blocking auth work (SQLite, argon2) off the async executor.
async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Result<T, AuthError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(AuthError::Database(mlgov_store::DatabaseError::with_source(
            format!("auth task failed: {e}"),
            e,
        )))
    })
}

// ---------------------------------------------------------------- errors

/// An [`AuthError`] as a response: the API's JSON envelope under `/api/`, an HTML page elsewhere.
pub struct Failure {
    err: AuthError,
    html: bool,
}

impl Failure {
    /// The JSON envelope.
    pub fn api(err: AuthError) -> Failure {
        Failure { err, html: false }
    }
    /// An HTML page (`message.html`).
    pub fn page(err: AuthError) -> Failure {
        Failure { err, html: true }
    }
}

/// HTTP status of an error.
pub fn status_of(e: &AuthError) -> StatusCode {
    match e {
        AuthError::BadCredentials | AuthError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AuthError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AuthError::Forbidden(_) => StatusCode::FORBIDDEN,
        AuthError::NotFound(_) => StatusCode::NOT_FOUND,
        AuthError::Conflict(_) => StatusCode::CONFLICT,
        AuthError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AuthError::Database(_) | AuthError::Crypto(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Machine-readable code of an error (`error.code` of the envelope).
pub fn code_of(e: &AuthError) -> &'static str {
    match e {
        AuthError::BadCredentials => "bad_credentials",
        AuthError::Unauthenticated => "unauthenticated",
        AuthError::RateLimited { .. } => "rate_limited",
        AuthError::Forbidden(_) => "forbidden",
        AuthError::NotFound(_) => "not_found",
        AuthError::Conflict(_) => "conflict",
        AuthError::Invalid { .. } => "invalid_data",
        _ => "internal",
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let field = match &self.err {
            AuthError::Invalid { field, message } => Some((field.as_str(), message.as_str())),
            _ => None,
        };
        let mut resp = error_response(
            status_of(&self.err),
            code_of(&self.err),
            &self.err.to_string(),
            field,
            self.html,
        );
        if let AuthError::RateLimited { retry_after_secs } = self.err {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
        }
        resp
    }
}

/// The whole message of an error response, kept in the response's extensions (never sent) for
/// the server's log: a server error's body says only "internal error" (`mlgov-server`'s edge layer
/// logs every 5xx with its request id and this cause).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCause(pub String);

/// An error response of the server's one envelope: under the API `{"error": {"code", "message",
/// "fields"}}` (`fields` lists the invalid `field` with its message, if any), elsewhere the
/// `message.html` page. A server error's message is replaced by "internal error" (details stay in
/// the server); a 401 of the API carries `WWW-Authenticate: Bearer realm="mlgov"`.
pub fn error_response(
    status: StatusCode,
    code: &str,
    message: &str,
    field: Option<(&str, &str)>,
    html: bool,
) -> Response {
    let cause = ErrorCause(message.to_string());
    let message =
        if status.is_server_error() { "internal error".to_string() } else { message.to_string() };
    let mut resp = if html {
        let title = status.canonical_reason().unwrap_or("Error").to_string();
        let login_link = status == StatusCode::UNAUTHORIZED;
        (
            status,
            html_page(
                "message.html",
                json!({ "title": title, "message": message, "login_link": login_link }),
            ),
        )
            .into_response()
    } else {
        let fields: Vec<serde_json::Value> =
            field.map(|(f, m)| json!({ "field": f, "message": m })).into_iter().collect();
        let body = json!({ "error": { "code": code, "message": message, "fields": fields } });
        (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
    };
    if status == StatusCode::UNAUTHORIZED && !html {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"mlgov\""));
    }
    resp.extensions_mut().insert(cause);
    resp
}

fn bad_body(msg: impl Into<String>) -> Failure {
    Failure::api(AuthError::Invalid { field: "body".into(), message: msg.into() })
}

// ---------------------------------------------------------------- templates

/// The page frame (`base.html`, styled by [`STYLESHEET`] at [`STYLESHEET_PATH`]) and the message
/// page (`message.html`), for route sets mounted beside these that render pages in the same
/// frame: add them to their own environment.
pub const PAGE_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("message.html", include_str!("../templates/message.html")),
];

/// Where [`routes`] serve [`STYLESHEET`].
pub const STYLESHEET_PATH: &str = "/static/accounts.css";
/// The stylesheet of the pages in the `base.html` frame: a file, not an inline `<style>`, so that
/// a Content-Security-Policy without `'unsafe-inline'` styles them.
pub const STYLESHEET: &str = include_str!("../static/accounts.css");

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        STYLESHEET,
    )
        .into_response()
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        for (name, src) in PAGE_TEMPLATES
            .iter()
            .copied()
            .chain([("login.html", include_str!("../templates/login.html"))])
        {
            e.add_template(name, src).expect("embedded template parses");
        }
        e
    })
}

fn html_page(name: &str, ctx: serde_json::Value) -> Response {
    render_page(env(), name, ctx)
}

/// Renders template `name` of `env` as an HTML response body (with `no-store`: these pages carry
/// personal answers or account data; and `no-referrer`: some URLs hold secret link tokens).
pub fn render_page(env: &Environment<'_>, name: &str, ctx: serde_json::Value) -> Response {
    match env
        .get_template(name)
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&ctx))))
    {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (header::REFERRER_POLICY, "no-referrer"),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            (StatusCode::INTERNAL_SERVER_ERROR, format!("template {name}: {e}")).into_response()
        }
    }
}

// ---------------------------------------------------------------- middleware

/// The principal of a request (from the extensions set by [`layer`]; the anonymous public when
/// the layer is absent, so a route mounted without it fails closed).
#[derive(Clone, Debug)]
pub struct Who(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Who {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Who, Infallible> {
        Ok(Who(parts.extensions.get::<Principal>().cloned().unwrap_or_else(Principal::anonymous)))
    }
}

/// The tower layer returned by [`layer`].
#[derive(Clone)]
pub struct AuthLayer {
    auth: Auth,
}

/// The middleware: authenticates (bearer token, else session cookie, else public), applies the
/// CSRF defences to state-changing requests, and inserts the [`Principal`] into the request's
/// extensions. An invalid or revoked bearer token is refused (401) rather than downgraded.
pub fn layer(auth: Auth) -> AuthLayer {
    AuthLayer { auth }
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = AuthService<S>;
    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService { inner, auth: self.auth.clone() }
    }
}

/// The service of [`AuthLayer`].
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    auth: Auth,
}

impl<S> tower::Service<Request> for AuthService<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let auth = self.auth.clone();
        Box::pin(async move {
            match authenticate(&auth, req).await {
                Ok(req) => inner.call(req).await,
                Err(resp) => Ok(resp),
            }
        })
    }
}

fn is_html_path(path: &str) -> bool {
    !path.starts_with("/api/")
}

/// The `mlgov_session` cookie value, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Refuses cross-site state-changing requests (`Sec-Fetch-Site`, `Origin`); see the module doc.
pub fn cross_site_check(headers: &HeaderMap, allowed_origins: &[String]) -> Result<(), String> {
    let mut same_origin_fetch = false;
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("");
        if site != "same-origin" && site != "none" {
            return Err(format!("cross-site request refused (Sec-Fetch-Site: {site})"));
        }
        same_origin_fetch = site == "same-origin";
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        // Our pages send `Referrer-Policy: no-referrer` (invitation tokens are in URLs), under
        // which browsers serialise the Origin of a form post as `null` even on the same site.
        // A browser's own `Sec-Fetch-Site: same-origin` (a header scripts cannot set) then says
        // what the Origin no longer does; without it, `null` stays refused.
        if origin == "null" && same_origin_fetch {
            return Ok(());
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let authority = origin.split_once("://").map(|(_, a)| a).unwrap_or("");
        let same = !authority.is_empty() && authority.eq_ignore_ascii_case(host);
        if !same && !allowed_origins.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            return Err(format!("cross-origin request refused (Origin: {origin})"));
        }
    }
    Ok(())
}

/// Parses an `application/x-www-form-urlencoded` body into pairs (`+` is a space, `%XX` a
/// byte; invalid UTF-8 is replaced).
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &[u8]) -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < s.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (hex(s[i + 1]), hex(s[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut it = p.splitn(2, |b| *b == b'=');
            let k = decode(it.next().unwrap_or_default());
            let v = decode(it.next().unwrap_or_default());
            (k, v)
        })
        .collect()
}

/// Whether the request body is a URL-encoded form.
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Login (no session yet) and the respondent form of `mlgov-collect` (its secret link token plays
/// the part of the CSRF token) need no CSRF token.
fn csrf_exempt(path: &str) -> bool {
    path == "/login" || path.starts_with("/respond/")
}

async fn authenticate(auth: &Auth, req: Request) -> Result<Request, Response> {
    let (mut parts, body) = req.into_parts();
    let html = is_html_path(parts.uri.path());
    let fail = |e: AuthError| {
        if html { Failure::page(e).into_response() } else { Failure::api(e).into_response() }
    };
    let principal = if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
        let value = h.to_str().unwrap_or("").trim().to_string();
        let Some(token) =
            value.strip_prefix("Bearer ").map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
        else {
            return Err(fail(AuthError::Unauthenticated));
        };
        let a = auth.clone();
        match run(move || a.token_principal(&token)).await {
            Ok(Some(p)) => p,
            Ok(None) => return Err(fail(AuthError::Unauthenticated)),
            Err(e) => return Err(fail(e)),
        }
    } else if let Some(sid) = session_cookie(&parts.headers) {
        let a = auth.clone();
        match run(move || a.session_principal(&sid)).await {
            Ok(Some(p)) => p,
            Ok(None) => Principal::anonymous(),
            Err(e) => return Err(fail(e)),
        }
    } else {
        Principal::anonymous()
    };
    let mut body = body;
    if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        if let Err(m) = cross_site_check(&parts.headers, &auth.config().allowed_origins) {
            return Err(fail(AuthError::Forbidden(m)));
        }
        if let AuthVia::Session { csrf, .. } = &principal.via
            && !csrf_exempt(parts.uri.path())
        {
            let header_ok = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| secret::constant_time_eq(v, csrf));
            let ok = if header_ok {
                true
            } else if is_form(&parts.headers) {
                let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
                    return Err(
                        (StatusCode::PAYLOAD_TOO_LARGE, "form body too large").into_response()
                    );
                };
                let found = parse_form(&bytes)
                    .into_iter()
                    .any(|(k, v)| k == "csrf_token" && secret::constant_time_eq(&v, csrf));
                body = Body::from(bytes);
                found
            } else {
                false
            };
            if !ok {
                return Err(fail(AuthError::Forbidden(
                    "missing or wrong CSRF token (send X-CSRF-Token or the csrf_token form field)"
                        .into(),
                )));
            }
        }
    }
    parts.extensions.insert(principal);
    // Handlers outside this crate that act on the principal's behalf write the audit log
    // through it (`Auth::audit`).
    parts.extensions.insert(auth.clone());
    Ok(Request::from_parts(parts, body))
}

// ---------------------------------------------------------------- routes

/// The routes of this crate, with `auth` as their state. Apply [`layer`] over them (and over any
/// other routes that need the principal), or use [`mount`].
pub fn routes(auth: Auth) -> Router {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route(STYLESHEET_PATH, get(stylesheet))
        .route("/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{name}", get(get_user).patch(update_user).delete(delete_user))
        .route("/api/v1/users/{name}/tokens", get(list_user_tokens))
        .route("/api/v1/tokens", get(list_tokens).post(issue_token))
        .route("/api/v1/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/api/v1/projects", get(list_projects).post(create_project))
        .route("/api/v1/audit", get(audit_log))
        .with_state(auth)
}

/// `router` with this crate's routes merged in and the middleware over all of it.
pub fn mount(router: Router, auth: Auth) -> Router {
    router.merge(routes(auth.clone())).layer(layer(auth))
}

/// Opens the auth store beside the knowledge base at `location` (a SQLite file path or a
/// `postgres://` URL, see [`crate::open_store`]; in memory when `None`) and returns an [`Auth`]
/// with the default settings and what the environment changes ([`crate::Config::from_env`]).
///
/// # Errors
/// [`AuthError::Database`] when the store cannot be opened.
pub fn open_at(location: Option<&str>) -> Result<Auth, AuthError> {
    let store = match location {
        Some(l) => crate::open_store(l)?,
        None => Box::new(crate::SqliteAuthStore::in_memory()?),
    };
    Ok(Auth::new(store, crate::Config::from_env()))
}

/// A handler answering 503 with `message`, for routes whose store could not be opened.
pub fn unavailable(message: String) -> axum::routing::MethodRouter {
    axum::routing::any(move || {
        let msg = message.clone();
        async move { (StatusCode::SERVICE_UNAVAILABLE, msg).into_response() }
    })
}

/// `router` with this crate's routes answering 503 (`accounts unavailable: …`) because the auth
/// store could not be opened; the other routes get no principal (the public): fail closed.
pub fn mount_unavailable(router: Router, error: &AuthError) -> Router {
    let handler = unavailable(format!("accounts unavailable: {error}"));
    router.merge(Router::new().route("/login", handler.clone()).route("/api/v1/me", handler))
}

/// Opens the auth store at `location` ([`open_at`]) and mounts onto `router`. If the store cannot
/// be opened, this crate's routes answer 503 and the other routes get no principal (the public):
/// the server fails closed ([`mount_unavailable`]).
pub fn mount_at(router: Router, location: Option<&str>) -> Router {
    match open_at(location) {
        Ok(auth) => mount(router, auth),
        Err(e) => mount_unavailable(router, &e),
    }
}

fn client_ip(
    parts_headers: &HeaderMap,
    connect: Option<SocketAddr>,
    trust_forwarded: bool,
) -> String {
    if trust_forwarded
        && let Some(ip) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return ip.trim().to_string();
    }
    // Without a socket address (a server not started with connect info) the address is unknown
    // and only the per-account limit applies: one shared key would let anyone lock everyone out.
    connect.map(|a| a.ip().to_string()).unwrap_or_default()
}

fn is_tls(headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    uri.scheme_str() == Some("https")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The `Set-Cookie` value of a session (or of its removal when `value` is empty).
pub fn session_cookie_header(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        max_age.max(0),
        if secure { "; Secure" } else { "" }
    )
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

async fn login_page(Query(q): Query<NextQuery>) -> Response {
    html_page(
        "login.html",
        json!({ "title": "Log in", "next": safe_next(q.next.as_deref()), "username": "", "error": null }),
    )
}

/// Only local paths are accepted as redirect targets (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

async fn login(State(auth): State<Auth>, req: Request) -> Response {
    let connect = req.extensions().get::<ConnectInfo<SocketAddr>>().cloned();
    let (parts, body) = req.into_parts();
    let form = is_form(&parts.headers);
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "body too large").into_response();
    };
    let parsed: Result<LoginForm, String> = if form {
        let pairs = parse_form(&bytes);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match (get("username"), get("password")) {
            (Some(username), Some(password)) => {
                Ok(LoginForm { username, password, next: get("next") })
            }
            _ => Err("expected form fields username and password".into()),
        }
    } else {
        serde_json::from_slice(&bytes)
            .map_err(|e| format!("expected JSON {{\"username\", \"password\"}}: {e}"))
    };
    let login = match parsed {
        Ok(l) => l,
        Err(m) if form => {
            return (
                StatusCode::BAD_REQUEST,
                html_page(
                    "login.html",
                    json!({ "title": "Log in", "next": "/", "username": "", "error": m }),
                ),
            )
                .into_response();
        }
        Err(m) => return bad_body(m).into_response(),
    };
    let ip = client_ip(&parts.headers, connect.map(|c| c.0), auth.config().trust_forwarded_for);
    let secure = match auth.config().cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => is_tls(&parts.headers, &parts.uri),
    };
    let (user, pass) = (login.username.clone(), login.password.clone());
    let a = auth.clone();
    match run(move || a.login(&user, &pass, &ip)).await {
        Ok(out) => {
            let cookie = session_cookie_header(&out.session_id, out.expires - auth.now(), secure);
            let mut resp = if form {
                (StatusCode::SEE_OTHER, [(header::LOCATION, safe_next(login.next.as_deref()))])
                    .into_response()
            } else {
                Json(json!({ "user": out.user, "csrf_token": out.csrf, "expires": crate::service::iso_time(out.expires) })).into_response()
            };
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) if form => {
            let status = status_of(&e);
            let mut r = (status, html_page("login.html", json!({ "title": "Log in", "next": safe_next(login.next.as_deref()), "username": login.username, "error": e.to_string() }))).into_response();
            if let AuthError::RateLimited { retry_after_secs } = e {
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            r
        }
        Err(e) => Failure::api(e).into_response(),
    }
}

async fn logout(State(auth): State<Auth>, headers: HeaderMap) -> Response {
    if let Some(sid) = session_cookie(&headers) {
        let a = auth.clone();
        if let Err(e) = run(move || a.logout(&sid)).await {
            return Failure::api(e).into_response();
        }
    }
    let secure = auth.config().cookie_secure == CookieSecure::Always
        || headers.get("x-forwarded-proto").is_some_and(|v| v == "https");
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie_header("", 0, secure)) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn me(Who(p): Who) -> Response {
    if !p.is_authenticated() {
        return Failure::api(AuthError::Unauthenticated).into_response();
    }
    let (csrf, expires) = match &p.via {
        AuthVia::Session { csrf, expires, .. } => {
            (Some(csrf.clone()), Some(crate::service::iso_time(*expires)))
        }
        _ => (None, None),
    };
    Json(json!({ "username": p.username, "role": p.role, "projects": p.projects, "via": p.via, "csrf_token": csrf, "session_expires": expires })).into_response()
}

/// A JSON body of type `T`, or a 422 envelope naming what was expected.
fn json_body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, Failure> {
    serde_json::from_slice(bytes).map_err(|e| bad_body(format!("invalid JSON body: {e}")))
}

async fn api<T: Serialize + Send + 'static>(
    status: StatusCode,
    f: impl FnOnce() -> Result<T, AuthError> + Send + 'static,
) -> Response {
    match run(f).await {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => Failure::api(e).into_response(),
    }
}

async fn list_users(State(auth): State<Auth>, Who(p): Who) -> Response {
    api(StatusCode::OK, move || auth.users(&p)).await
}

#[derive(Deserialize)]
struct NewUserBody {
    username: String,
    role: Role,
    password: String,
    #[serde(default)]
    projects: Vec<String>,
}

async fn create_user(State(auth): State<Auth>, Who(p): Who, body: Bytes) -> Response {
    let b: NewUserBody = match json_body(&body) {
        Ok(b) => b,
        Err(f) => return f.into_response(),
    };
    api(StatusCode::CREATED, move || {
        auth.add_user(&p, &b.username, b.role, &b.password, &b.projects)
    })
    .await
}

async fn get_user(State(auth): State<Auth>, Who(p): Who, Path(name): Path<String>) -> Response {
    api(StatusCode::OK, move || auth.user(&p, &name)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserPatch {
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    projects: Option<Vec<String>>,
    /// With a new password: leave the account's API tokens live (they are revoked otherwise).
    #[serde(default)]
    keep_tokens: bool,
}

async fn update_user(
    State(auth): State<Auth>,
    Who(p): Who,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let b: UserPatch = match json_body(&body) {
        Ok(b) => b,
        Err(f) => return f.into_response(),
    };
    api(StatusCode::OK, move || {
        let change = crate::UserChange {
            role: b.role,
            password: b.password.as_deref(),
            projects: b.projects.as_deref(),
            keep_tokens: b.keep_tokens,
        };
        auth.update_user(&p, &name, &change)
    })
    .await
}

async fn list_user_tokens(
    State(auth): State<Auth>,
    Who(p): Who,
    Path(name): Path<String>,
) -> Response {
    api(StatusCode::OK, move || auth.tokens_of(&p, &name)).await
}

async fn delete_user(State(auth): State<Auth>, Who(p): Who, Path(name): Path<String>) -> Response {
    match run(move || auth.remove_user(&p, &name)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => Failure::api(e).into_response(),
    }
}

async fn list_tokens(State(auth): State<Auth>, Who(p): Who) -> Response {
    api(StatusCode::OK, move || auth.tokens(&p)).await
}

#[derive(Deserialize)]
struct TokenBody {
    username: String,
    #[serde(default)]
    label: String,
}

async fn issue_token(State(auth): State<Auth>, Who(p): Who, body: Bytes) -> Response {
    let b: TokenBody = match json_body(&body) {
        Ok(b) => b,
        Err(f) => return f.into_response(),
    };
    let mut r = api(StatusCode::CREATED, move || auth.issue_token(&p, &b.username, &b.label)).await;
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn revoke_token(State(auth): State<Auth>, Who(p): Who, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return Failure::api(AuthError::NotFound(format!("token {id:?}"))).into_response();
    };
    match run(move || auth.revoke_token(&p, id)).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => Failure::api(e).into_response(),
    }
}

async fn list_projects(State(auth): State<Auth>, Who(p): Who) -> Response {
    api(StatusCode::OK, move || auth.projects(&p)).await
}

#[derive(Deserialize)]
struct ProjectBody {
    name: String,
}

async fn create_project(State(auth): State<Auth>, Who(p): Who, body: Bytes) -> Response {
    let b: ProjectBody = match json_body(&body) {
        Ok(b) => b,
        Err(f) => return f.into_response(),
    };
    api(StatusCode::CREATED, move || {
        auth.add_project(&p, &b.name).map(|()| json!({ "name": b.name }))
    })
    .await
}

#[derive(Deserialize)]
struct LimitQuery {
    #[serde(default)]
    limit: Option<usize>,
}

async fn audit_log(
    State(auth): State<Auth>,
    Who(p): Who,
    q: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let limit = match q {
        Ok(Query(q)) => q.limit.unwrap_or(100).min(10_000),
        Err(e) => {
            return Failure::api(AuthError::Invalid {
                field: "limit".into(),
                message: format!("expected a whole number: {e}"),
            })
            .into_response();
        }
    };
    api(StatusCode::OK, move || auth.audit_log(&p, limit)).await
}
