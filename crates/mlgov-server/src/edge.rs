//! The edge of the server: the one layer over every route — the explorer, the API, the accounts of
//! `mlgov-auth` and the survey collection of `mlgov-collect` — applied once, last, by
//! [`layer`] (in [`crate::Server::run`]; the test harness composes the same way). For every request
//! it
//!
//! - gives the request an id: a sane incoming `X-Request-Id` (1–128 characters of `A–Z a–z 0–9 -
//!   _ . :`), else a fresh random one; the id is in the request's extensions ([`RequestId`]), in the
//!   `X-Request-Id` response header and in every error envelope (`error.request_id`);
//! - gives every error one shape: under `/api/` (and to a client that sent or asked for JSON) the
//!   envelope `{"error": {"code", "message", "fields", "request_id"}}`, whatever produced the
//!   error (a handler, the body limit's 413, the router's 404 and 405, an extractor's rejection, a
//!   panic); elsewhere an HTML error page (an error that is already an HTML page stays as it is);
//!   a server error's message is "internal error" — its cause stays in the log;
//! - logs every 5xx with `tracing` (level ERROR, target `mlgov_server::edge`): request id, method,
//!   path (secret invitation tokens masked, no query string), status and the cause (an
//!   [`ErrorCause`] the handler left in the response's extensions, else the body's text); every
//!   request at DEBUG;
//! - sets the security headers on every response: [`CONTENT_SECURITY_POLICY`] (no inline script,
//!   no inline style, nothing from another origin, never framed; the API docs' variant allows one
//!   style of Swagger UI by its hash), `X-Frame-Options: DENY`,
//!   `X-Content-Type-Options: nosniff` and, unless the handler chose a stricter one,
//!   `Referrer-Policy: strict-origin-when-cross-origin`;
//! - compresses (gzip, brotli) what the client accepts — outside the rest, so that the error
//!   bodies it reads are plain, and once for pages rewritten after rendering (`?as_of=`).

use std::fmt::Write as _;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::compression::CompressionLayer;

pub use mlgov_auth::http::ErrorCause;

use crate::error::{ApiError, FieldError, code_for};

/// The request id header, read from the request and set on every response.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The Content-Security-Policy of every response. Scripts and styles come only from this origin
/// (the Vite bundle under `/assets/`, the server's CSS under `/static/`, Swagger UI's files under
/// `/api/docs/`): no `'unsafe-inline'`, no `'unsafe-eval'`; the page data for the widgets is a
/// `<script type="application/json">` block, which is data, not script. Images may be `data:` and
/// `blob:` URLs (the empty favicon, Leaflet's and Swagger UI's icons); requests go only to this
/// origin; forms post only here; no page may be framed (`frame-ancestors 'none'`, with
/// `X-Frame-Options: DENY` for older browsers); no `<base>`, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The policy of the API docs (`/api/docs`, Swagger UI as vendored by `utoipa-swagger-ui`): the
/// same, except that the one `<style>` element Swagger UI's bundle inserts is allowed by its
/// SHA-256 hash (not by `'unsafe-inline'`). A new Swagger UI version with another style would be
/// refused, and the browser test (`web/tests/e2e.mjs`, which opens the docs and fails on any
/// violation) names the hash to put here.
pub const API_DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The Content-Security-Policy of a response to `path`.
pub fn content_security_policy(path: &str) -> &'static str {
    if path == "/api/docs" || path.starts_with("/api/docs/") {
        API_DOCS_CONTENT_SECURITY_POLICY
    } else {
        CONTENT_SECURITY_POLICY
    }
}

/// The default referrer policy (pages holding secret links set `no-referrer` themselves).
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// Largest error body read to add the request id or turn it into the envelope.
const ERROR_BODY_LIMIT: usize = 256 * 1024;

/// The id of a request (in its extensions, after [`layer`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// The HTML page of an error for a request that wants HTML (the explorer's, given by the crate
/// root: this layer sits below the pages).
pub type ErrorPage = fn(StatusCode, String) -> Response;

/// `router` under the edge layer (see the module doc), with `page` for errors of HTML requests.
/// Apply it once, to the whole application, after every route set is merged in.
pub fn layer(router: Router, page: ErrorPage) -> Router {
    router
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(page, edge))
        // The default predicate leaves small bodies and images alone.
        .layer(CompressionLayer::new())
}

fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    ApiError::Internal(format!("panic: {what}")).into_response()
}

/// Whether `id` may be used as a request id as it came: 1–128 characters of `A–Z a–z 0–9 - _ . :`
/// (nothing that could forge a log line or a header).
pub fn is_sane_request_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// A fresh request id: 128 random bits in hex.
pub fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No entropy source: a process-unique counter with the time still tells requests apart.
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        bytes[..8].copy_from_slice(&t.to_be_bytes());
        bytes[8..].copy_from_slice(&n.to_be_bytes());
    }
    bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The path as logged: invitation tokens (`/respond/<token>`) masked.
fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/respond/") {
        Some(rest) if !rest.is_empty() => "/respond/<token>".to_string(),
        _ => path.chars().take(512).collect(),
    }
}

/// Whether errors of this request are answered with the JSON envelope: API paths (not the Swagger
/// UI pages), and requests that sent JSON or ask for it rather than HTML.
fn wants_json(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    let docs = path == "/api/docs" || path.starts_with("/api/docs/");
    if path.starts_with("/api/") && !docs {
        return true;
    }
    let sent_json = method != Method::GET
        && method != Method::HEAD
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("application/json"));
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    sent_json || (accept.contains("application/json") && !accept.contains("text/html"))
}

fn content_type_starts(resp: &Response, prefix: &str) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with(prefix))
}

/// A message for an error that came as plain text (an axum rejection, a body limit) or empty.
fn message_for(status: StatusCode, text: &str) -> String {
    if status.is_server_error() {
        return "internal error".into();
    }
    let text = text.trim();
    let base = match status {
        StatusCode::NOT_FOUND => "nothing at this address",
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed for this path",
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large",
        _ => status.canonical_reason().unwrap_or("bad request"),
    };
    if text.is_empty() || text.eq_ignore_ascii_case(base) {
        base.to_string()
    } else {
        let text: String = text.chars().filter(|c| !c.is_control()).take(500).collect();
        if status == StatusCode::PAYLOAD_TOO_LARGE { format!("{base}: {text}") } else { text }
    }
}

/// The envelope as JSON bytes.
fn envelope(code: &str, message: &str, fields: &[FieldError], request_id: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "error": { "code": code, "message": message, "fields": fields, "request_id": request_id } })).unwrap_or_default()
}

/// Replaces the body of `parts` (dropping the old length and validators).
fn with_body(
    mut parts: axum::http::response::Parts,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response {
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.remove(header::ETAG);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Response::from_parts(parts, body.into())
}

/// What the edge made of an error response: the response and the cause to log.
struct Shaped {
    resp: Response,
    cause: Option<String>,
}

/// Gives an error response (status ≥ 400) its one shape and the request id; returns the cause of
/// a server error for the log.
async fn shape_error(resp: Response, json: bool, request_id: &str, page: ErrorPage) -> Shaped {
    let status = resp.status();
    let cause = resp.extensions().get::<ErrorCause>().map(|c| c.0.clone());
    let is_json = content_type_starts(&resp, "application/json");
    let is_html = content_type_starts(&resp, "text/html");
    let encoded = resp.headers().contains_key(header::CONTENT_ENCODING);
    // An HTML error page for an HTML request stays as it is.
    if is_html && !json {
        return Shaped { resp, cause };
    }
    let (parts, body) = resp.into_parts();
    let bytes = if encoded {
        Bytes::new()
    } else {
        axum::body::to_bytes(body, ERROR_BODY_LIMIT).await.unwrap_or_default()
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let cause = cause
        .or_else(|| (!text.trim().is_empty()).then(|| text.trim().chars().take(2000).collect()));
    if is_json {
        // An envelope already: add the request id (a server error's message says no more than
        // "internal error").
        if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(e) = v.get_mut("error").and_then(|e| e.as_object_mut())
        {
            if !e.contains_key("fields") {
                e.insert("fields".into(), serde_json::Value::Array(vec![]));
            }
            if status.is_server_error() {
                e.insert("message".into(), "internal error".into());
            }
            e.insert("request_id".into(), request_id.into());
            let body = serde_json::to_vec(&v).unwrap_or_default();
            return Shaped { resp: with_body(parts, "application/json", body), cause };
        }
    }
    let message =
        if is_json || is_html { message_for(status, "") } else { message_for(status, &text) };
    if json {
        let field = match status {
            StatusCode::METHOD_NOT_ALLOWED => {
                vec![FieldError { field: "method".into(), message: message.clone() }]
            }
            _ => vec![],
        };
        let body = envelope(code_for(status), &message, &field, request_id);
        Shaped { resp: with_body(parts, "application/json", body), cause }
    } else {
        let page = page(status, message);
        let (page_parts, page_body) = page.into_parts();
        let mut resp = with_body(parts, "text/html; charset=utf-8", page_body);
        if let Some(cc) = page_parts.headers.get(header::CACHE_CONTROL) {
            resp.headers_mut().insert(header::CACHE_CONTROL, cc.clone());
        }
        Shaped { resp, cause }
    }
}

/// The middleware of [`layer`].
async fn edge(State(page): State<ErrorPage>, mut req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_sane_request_id(v))
        .map(str::to_string)
        .unwrap_or_else(new_request_id);
    let id_value = HeaderValue::from_str(&request_id).expect("a sane request id is a header value");
    req.headers_mut().insert(X_REQUEST_ID.clone(), id_value.clone());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let json = wants_json(&method, &path, req.headers());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    let status = resp.status();
    let mut resp = if status.is_client_error() || status.is_server_error() {
        let shaped = shape_error(resp, json, &request_id, page).await;
        if status.is_server_error() {
            tracing::error!(
                request_id = %request_id,
                method = %method,
                path = %loggable_path(&path),
                status = status.as_u16(),
                error = %shaped.cause.as_deref().unwrap_or("(no cause given)"),
                "server error"
            );
        }
        shaped.resp
    } else {
        resp
    };
    tracing::debug!(request_id = %request_id, method = %method, path = %loggable_path(&path), status = status.as_u16(), micros = started.elapsed().as_micros() as u64, "request");
    let h = resp.headers_mut();
    h.insert(X_REQUEST_ID.clone(), id_value);
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(content_security_policy(&path)),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static(REFERRER_POLICY));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_checked_and_generated() {
        assert!(is_sane_request_id("abc-123_x.y:z"));
        for bad in ["", "a b", "a\nb", "é", &"x".repeat(129), "a\"b", "a;b"] {
            assert!(!is_sane_request_id(bad), "{bad:?}");
        }
        let (a, b) = (new_request_id(), new_request_id());
        assert!(is_sane_request_id(&a) && a.len() == 32 && a != b);
    }

    #[test]
    fn invitation_tokens_are_masked_in_logs() {
        assert_eq!(loggable_path(&format!("/respond/{}", "ab".repeat(32))), "/respond/<token>");
        assert_eq!(loggable_path("/api/v1/localities"), "/api/v1/localities");
    }

    #[test]
    fn the_policy_allows_no_inline_script_or_style_and_no_framing() {
        let directive = |name: &str| {
            CONTENT_SECURITY_POLICY
                .split(';')
                .map(str::trim)
                .find(|d| d.split(' ').next() == Some(name))
                .unwrap_or_else(|| panic!("no {name}"))
                .to_string()
        };
        assert_eq!(directive("script-src"), "script-src 'self'");
        assert_eq!(directive("style-src"), "style-src 'self'");
        assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        // The API docs' policy differs only by one style hash.
        assert!(!API_DOCS_CONTENT_SECURITY_POLICY.contains("unsafe"));
        assert_eq!(
            API_DOCS_CONTENT_SECURITY_POLICY
                .replace(" 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='", ""),
            CONTENT_SECURITY_POLICY
        );
        assert_eq!(content_security_policy("/api/docs/"), API_DOCS_CONTENT_SECURITY_POLICY);
        assert_eq!(content_security_policy("/api/v1"), CONTENT_SECURITY_POLICY);
    }
}
