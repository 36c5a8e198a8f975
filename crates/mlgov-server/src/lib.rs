//! mlgov-server: the HTTP face of mlgov — a JSON API under `/api/v1` (OpenAPI 3 document at
//! `/api/openapi.json`, offline docs at `/api/docs`) and a server-rendered explorer (minijinja
//! templates embedded in the binary, progressively enhanced by the Vite bundle of `web/`).
//!
//! Architecture: the knowledge base and the stored surveys are read from the store (SQLite or
//! PostgreSQL) into an immutable `state::Snapshot` (with its name index and a content hash);
//! handlers only read snapshots, call the pure analyses of `mlgov-analysis` (and `mlgov-survey`),
//! convert results into wire types (`wire`) and render JSON or HTML. Cacheable GETs carry an
//! ETag derived from the snapshot hash, the build fingerprint (embedded templates, web assets and
//! version) and the URL, answer 304 to a matching `If-None-Match`, and are kept rendered in a
//! per-snapshot cache. A reload (endpoint, file change or PostgreSQL notification) swaps the
//! snapshot atomically.
//!
//! ## Modules, bottom up (none imports one above it)
//!
//! - `error` (the one error envelope, `blocking`), `params` (query strings with field errors),
//!   `httpdate`, `digest` (FNV-1a), `texts` (the sources' texts), `wire` (the API's types; an
//!   analysis type is served as it is where the JSON is the same, `ToSchema` behind the
//!   `openapi` feature of mlgov-analysis and mlgov-survey).
//! - `edge`: the one layer over every route (request id, error envelope, logs, security headers,
//!   compression); `assets`: the embedded bundle and templates, the build fingerprint.
//! - `catalog`: the surveys of a snapshot and who sees what of them (`Audience`: live figures for
//!   a project's researchers, releases for everyone else; the cache key and ETag carry it).
//! - `state`: `Snapshot` (the frozen base, index, names, catalogue, response cache; derived lists
//!   in an opaque cell) and `AppState` (the current snapshot, reloads, `?as_of=` versions).
//! - `convert` (analysis result → wire type), `derived` (whole-base lists and counts computed once
//!   per snapshot), `listing` (sorting, paging, CSV of every list).
//! - Handlers: `api`, `graphapi`, `learningapi`, `diffusionapi`, `survey` (asks
//!   `mlgov_survey::dashboard` and serialises), `bulk` (`release.zip`), `changes` (proposed change
//!   sets, API and pages over one core), `pages/` (one file per page family; `pages/tables.rs` the
//!   one table builder), `svg` (diffusion curves), `openapi`, `accounts` (the token routes'
//!   OpenAPI).
//!
//! ## Design
//!
//! Every figure is also SVG, PNG or PDF by `?figure=<id>&format=` on its page; the Vite bundle
//! (`web/dist`, 780 KB) is committed so the README's first command serves the map, the graph and
//! the type-ahead without npm (`scripts/test.sh` rebuilds it and fails when the committed copy
//! differs). `POST /api/v1/reload` is admin-only. Survey sections show only stored surveys and
//! label every value observed / assumed / not in the data, and SYNTHETIC when it is. Proposals'
//! pages are per-user and never cached. `?as_of=` is a middleware that answers with the same router
//! over an `AppState` of that version (built once per change set, a few kept) and keeps the page's
//! links in it (`pages::carry_param`).
//!
//! *At scale (issue 20):* a snapshot's base is frozen (`KnowledgeBase::freeze`), so a page of one
//! locality or network costs what it has; whole-base lists are computed once per snapshot by a
//! background thread after a load and filtered per request. A table longer than 100 rows is paged
//! (`rows=<table>:<page>`, downloads keep every row); the graph of a base with more than 5,000 tie
//! statements is the neighbourhood of one actor (`focus=`); the map of more than 2,000 localities
//! shows one network at a time. A response of 8 MB or more hands its memory back once cached
//! (`state::LARGE_RESPONSE`). A change that leaves the base's change mark as loaded (a survey
//! answer, a release, a login) reads only the surveys and shares the base with the new snapshot
//! (`Snapshot::with_new_surveys`).
//!
//! *Invariant:* no SQL; analyses and list filters come from `mlgov-analysis` and `mlgov-survey`;
//! nothing leaves the machine (no CDN); no inline script, event handler or style in any page; a
//! server error's cause is logged, never sent; anonymised localities appear only under their public
//! label; the public and viewers see survey figures only from published releases, and a page
//! rendered for one audience is never served to another.

mod accounts;
mod api;
mod assets;
mod bulk;
mod catalog;
mod changes;
mod convert;
mod derived;
mod diffusionapi;
mod digest;
mod edge;
mod error;
mod graphapi;
pub mod httpdate;
mod learningapi;
mod listing;
mod openapi;
mod pages;
pub mod params;
mod state;
mod survey;
mod svg;
mod texts;
mod wire;

pub use assets::build_fingerprint;
pub use edge::{CONTENT_SECURITY_POLICY, content_security_policy, is_sane_request_id};
pub use error::ApiError;
pub use listing::{ListSpec, SPECS as LIST_SPECS};
pub use openapi::json as openapi_json;
pub use state::{AppState, etag};

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::state::CachedResponse;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Errors of [`serve`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The store could not be read.
    #[error("{0}")]
    Store(#[from] mlgov_store::StoreError),
    /// The address could not be bound or the server failed.
    #[error("cannot serve on {addr}: {source}")]
    Io {
        /// Address.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
}

/// The application: API, pages, assets and docs over `state`. What is served is this with the
/// account and survey-collection routes merged in (`mlgov_collect::http::mount_at`), under the
/// edge layer ([`edge::layer`]: request ids, the one error envelope, 5xx logs, security headers,
/// compression), as [`Server::run`] composes it.
pub fn app(state: AppState) -> Router {
    let cached = pages::routes(api_routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), conditional_get))
        .route_layer(middleware::from_fn_with_state(state.clone(), as_of))
        .route_layer(cors());
    Router::new()
        .merge(cached)
        .merge(post_routes())
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi::ApiDoc::openapi()))
        .route("/assets/{*path}", get(assets::serve_asset))
        .route("/static/{*path}", get(assets::serve_static))
        .fallback(not_found)
        .with_state(state)
}

/// The GET routes of the API (cached, with `?as_of=` and CORS, beside the explorer's pages).
fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1", get(api::get_overview))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/localities", get(api::list_localities))
        .route("/api/v1/localities.geojson", get(api::localities_geojson))
        .route("/api/v1/localities/{id}", get(api::get_locality))
        .route("/api/v1/localities/{id}/timeline", get(api::get_timeline))
        .route("/api/v1/localities/{id}/trajectory", get(api::get_trajectory))
        .route("/api/v1/localities/{id}/learning", get(learningapi::get_learning))
        .route("/api/v1/localities/{id}/survey", get(survey::get_locality_survey))
        .route("/api/v1/networks", get(api::list_networks))
        .route("/api/v1/networks/{id}", get(api::get_network))
        .route("/api/v1/networks/{id}/assemblage", get(api::get_assemblage))
        .route("/api/v1/networks/{id}/members.geojson", get(api::network_members_geojson))
        .route("/api/v1/typology", get(api::list_typology))
        .route("/api/v1/organisations", get(api::list_organisations))
        .route("/api/v1/organisations/{id}", get(api::get_organisation))
        .route("/api/v1/persons", get(api::list_persons))
        .route("/api/v1/persons/{id}", get(api::get_person))
        .route("/api/v1/events", get(api::list_events))
        .route("/api/v1/memberships", get(api::list_memberships))
        .route("/api/v1/facts", get(api::list_facts))
        .route("/api/v1/terms", get(api::list_terms))
        .route("/api/v1/relations", get(api::list_relations))
        .route("/api/v1/affiliations", get(api::list_affiliations))
        .route("/api/v1/practices", get(api::list_practices))
        .route("/api/v1/practices/{id}", get(api::get_practice))
        .route("/api/v1/adoptions", get(api::list_adoptions))
        .route("/api/v1/sources", get(api::list_sources))
        .route("/api/v1/sources/{id}", get(api::get_source))
        .route("/api/v1/release.zip", get(bulk::get_release_zip))
        .route("/api/v1/compare", get(api::compare))
        .route("/api/v1/crosstabs", get(api::list_crosstabs))
        .route("/api/v1/crosstabs/{name}", get(api::get_crosstab))
        .route("/api/v1/countries", get(api::list_countries))
        .route("/api/v1/phases", get(api::list_phases))
        .route("/api/v1/hypotheses", get(api::get_hypotheses))
        .route("/api/v1/conflicts", get(api::list_conflicts))
        .route("/api/v1/graph", get(graphapi::get_graph))
        .route("/api/v1/survey", get(survey::get_survey))
        .route("/api/v1/diffusion", get(diffusionapi::get_diffusion))
}

/// CORS of the API's public reads.
fn cors() -> tower_http::cors::CorsLayer {
    // Public reads of the API may be made from any origin (a notebook, an Observable page): CORS
    // for GET and HEAD of /api/ only (outside the page cache, which rebuilds responses), without
    // credentials and without allowing the Authorization header, so that authenticated and
    // state-changing requests stay same-origin; explorer pages are not shared.
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::predicate(
            |_, parts: &axum::http::request::Parts| parts.uri.path().starts_with("/api/"),
        ))
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([header::ACCEPT, header::IF_NONE_MATCH, header::IF_MODIFIED_SINCE])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::CONTENT_DISPOSITION,
            axum::http::HeaderName::from_static("x-mlgov-as-of"),
        ])
}

/// The routes that change things (proposals, reload, a comparison in a body), under the body
/// limit.
fn post_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/reload", post(api::reload))
        .route("/api/v1/changes", post(changes::propose).get(changes::list))
        .route("/api/v1/changes/{id}", get(changes::get))
        .route("/api/v1/changes/{id}/comments", post(changes::comment))
        .route("/api/v1/changes/{id}/approve", post(changes::approve))
        .route("/api/v1/changes/{id}/reject", post(changes::reject))
        .route("/api/v1/compare", post(api::compare_body))
        .route("/changes", get(changes::changes_page).post(changes::propose_form))
        .route("/changes/{id}", get(changes::proposal_view))
        .route("/changes/{id}/{action}", post(changes::act_form))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}

/// `router` under the edge layer ([`edge::layer`]) with the explorer's HTML error pages: what
/// [`Server::run`] serves, and what tests compose the same way.
pub fn layer(router: Router) -> Router {
    edge::layer(router, error_page)
}

/// The explorer's page for an error of a request that wants HTML.
fn error_page(status: StatusCode, message: String) -> Response {
    pages::PageError(ApiError::Status(status, message)).into_response()
}

/// `?as_of=` on every GET of the API and the explorer: the request is answered by the same
/// application over the knowledge base as it was recorded then (`2026-03-01`, a UTC time, or
/// `cs:12`; see docs/data-format.md), without surveys; the page cache never sees it. The
/// response carries `X-MLGOV-As-Of`.
async fn as_of(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(raw) = req.uri().query().map(str::to_string) else { return next.run(req).await };
    let (mut value, mut rest) = (None, Vec::new());
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((k, v)) if params::decode(k) == "as_of" => value = Some(params::decode(v)),
            _ => rest.push(pair),
        }
    }
    let Some(value) = value else { return next.run(req).await };
    let at = match mlgov_store::AsOf::parse(&value) {
        Ok(at) => at,
        Err(e) => return ApiError::field("as_of", e).into_response(),
    };
    let st2 = st.clone();
    let v2 = value.clone();
    let state = match error::blocking(move || st2.as_of(&v2, &at)).await {
        Ok(state) => state,
        Err(e) => return e.into_response(),
    };
    let (parts, body) = req.into_parts();
    let query = rest.join("&");
    let uri = if query.is_empty() {
        parts.uri.path().to_string()
    } else {
        format!("{}?{query}", parts.uri.path())
    };
    // A fresh request (the outer router's matched path parameters must not reach the inner one);
    // the account, when there is one, goes along.
    let mut inner = Request::new(body);
    *inner.method_mut() = parts.method;
    *inner.headers_mut() = parts.headers;
    // The inner app answers uncompressed (compression is the edge layer's, outside): its page is
    // rewritten below (links keep the version).
    inner.headers_mut().remove(axum::http::header::ACCEPT_ENCODING);
    *inner.version_mut() = parts.version;
    *inner.uri_mut() = match uri.parse() {
        Ok(u) => u,
        Err(_) => return ApiError::field("as_of", "cannot rewrite the request").into_response(),
    };
    if let Some(p) = parts.extensions.get::<mlgov_auth::Principal>() {
        inner.extensions_mut().insert(p.clone());
    }
    use tower::ServiceExt;
    let resp = match app(state).oneshot(inner).await {
        Ok(r) => r,
        Err(e) => match e {},
    };
    let mut resp = carry_as_of(resp, &value).await;
    // The pages of a list read in that version link pages of the same version.
    let link = resp
        .headers()
        .get(header::LINK)
        .and_then(|l| l.to_str().ok())
        .map(|l| listing::link_with_param(l, "as_of", &value));
    if let Some(l) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LINK, l);
    }
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().insert("x-mlgov-as-of", v);
    }
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Keeps a reader of an earlier base there: internal links of an HTML page read with `?as_of=`
/// carry it, and its GET forms send it along.
async fn carry_as_of(resp: Response, value: &str) -> Response {
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return ApiError::Internal("response body".into()).into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let out = pages::carry_param(&text, "as_of", value);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    Response::from_parts(parts, Body::from(out))
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::NotFound(format!("no endpoint {} {}", req.method(), req.uri().path()))
            .into_response()
    } else {
        pages::not_found_page(req.uri().path())
    }
}

/// ETag / If-None-Match, Last-Modified / If-Modified-Since and the per-snapshot response cache
/// for GET and HEAD. A list of the API asked for as CSV by its `Accept` header is another
/// representation of the same URL: it has its own cache key and ETag.
async fn conditional_get(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return next.run(req).await;
    }
    let (key, private) = cache_key(&req);
    let snap = st.snapshot();
    let etag = state::etag(snap.content_hash, assets::build_fingerprint(), &key);
    let validators = Validators {
        etag: HeaderValue::from_str(&etag).expect("ETag is ASCII"),
        last_modified: HeaderValue::from_str(&httpdate::format(snap.loaded_at))
            .expect("an HTTP date is ASCII"),
        cache_control: HeaderValue::from_static(if private {
            "private, no-cache"
        } else {
            "no-cache"
        }),
    };
    if not_modified(&req, &etag, snap.loaded_at) {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        validators.apply(&mut r);
        return r;
    }
    if let Some(c) = snap.cached(&key) {
        return respond(c, &validators);
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    kept_response(&snap, key, resp, validators).await
}

/// The cache key of a request, and whether its answer is private. What a page shows can depend
/// on who asks (survey figures: live for a project's researchers, releases for everyone else),
/// so the audience is part of the cache key and of the ETag, and responses to signed-in members
/// are private.
fn cache_key(req: &Request) -> (String, bool) {
    let audience = catalog::Audience::of(req.extensions().get::<mlgov_auth::Principal>());
    let private = audience != catalog::Audience::Public;
    let url = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let csv = req.uri().path().starts_with("/api/") && listing::accept_prefers_csv(req.headers());
    (format!("{url}#{}{}", audience.cache_key(), if csv { "#csv" } else { "" }), private)
}

/// Whether the client's copy is current: its If-None-Match names `etag`, or (only without
/// If-None-Match, RFC 9110 §13.2.2) its If-Modified-Since is not before `loaded_at` (HTTP dates
/// have whole seconds).
fn not_modified(req: &Request, etag: &str, loaded_at: std::time::SystemTime) -> bool {
    let inm = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    let matches = inm.is_some_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|t| t == "*" || t == etag || t.strip_prefix("W/") == Some(etag))
    });
    let modified = httpdate::unix_seconds(loaded_at);
    let not_modified_since = inm.is_none()
        && req
            .headers()
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(httpdate::parse)
            .is_some_and(|t| modified <= httpdate::unix_seconds(t));
    matches || not_modified_since
}

/// A fresh 200 answer with its validators, kept in the snapshot's cache when it is JSON, HTML,
/// CSV or GeoJSON and not a download.
async fn kept_response(
    snap: &state::Snapshot,
    key: String,
    resp: Response,
    validators: Validators,
) -> Response {
    let content_type = match resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    {
        Some(t) if t.starts_with("application/json") => "application/json",
        Some(t) if t.starts_with("text/html") => "text/html; charset=utf-8",
        Some(t) if t.starts_with("text/csv") => "text/csv; charset=utf-8",
        Some(t) if t.starts_with("application/geo+json") => "application/geo+json",
        _ => {
            let mut resp = resp;
            resp.headers_mut().insert(header::ETAG, validators.etag);
            resp.headers_mut().insert(header::LAST_MODIFIED, validators.last_modified);
            return resp;
        }
    };
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return ApiError::Internal("response body".into()).into_response();
    };
    if bytes.len() >= state::LARGE_RESPONSE {
        tokio::task::spawn_blocking(state::release_free_memory);
    }
    let disposition = parts.headers.get(header::CONTENT_DISPOSITION).cloned();
    let c = CachedResponse {
        content_type,
        body: bytes,
        link: parts.headers.get(header::LINK).cloned(),
    };
    if disposition.is_none() {
        snap.store(key, c.clone());
    }
    let mut r = respond(c, &validators);
    if let Some(d) = disposition {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, d);
    }
    r
}

/// Request headers that change who is asking (and so what a page may show), and `Accept` (CSV
/// or JSON of an API list).
const VARY: &str = "Cookie, Authorization, Accept";

/// The validators and caching rules of a response.
struct Validators {
    etag: HeaderValue,
    last_modified: HeaderValue,
    cache_control: HeaderValue,
}

impl Validators {
    fn apply(&self, r: &mut Response) {
        let h = r.headers_mut();
        h.insert(header::ETAG, self.etag.clone());
        h.insert(header::LAST_MODIFIED, self.last_modified.clone());
        h.insert(header::CACHE_CONTROL, self.cache_control.clone());
        h.insert(header::VARY, HeaderValue::from_static(VARY));
    }
}

fn respond(c: CachedResponse, v: &Validators) -> Response {
    let mut r = Response::new(Body::from(c.body));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(c.content_type));
    if let Some(l) = c.link {
        r.headers_mut().insert(header::LINK, l);
    }
    v.apply(&mut r);
    r
}

/// A bound server, ready to run.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: AppState,
}

impl Server {
    /// Loads the store at `db_path` and binds `addr` (port 0 picks a free port).
    pub async fn bind(db_path: &Path, addr: SocketAddr) -> Result<Server, ServeError> {
        let db = db_path.to_path_buf();
        let state =
            tokio::task::spawn_blocking(move || AppState::open(&db)).await.map_err(|e| {
                ServeError::Io { addr: addr.to_string(), source: std::io::Error::other(e) }
            })??;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Io { addr: addr.to_string(), source })?;
        Ok(Server { listener, state })
    }

    /// Also reads the sources' texts in `dir` (for quoted passages in context).
    ///
    /// # Errors
    /// When the folder cannot be read.
    pub fn add_texts(&mut self, dir: &Path) -> Result<usize, ServeError> {
        let mut t = (*self.state.texts).clone();
        let n = t
            .add_dir(dir)
            .map_err(|source| ServeError::Io { addr: dir.display().to_string(), source })?;
        self.state.texts = std::sync::Arc::new(t);
        Ok(n)
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        self.listener
            .local_addr()
            .map_err(|source| ServeError::Io { addr: "listener".into(), source })
    }

    /// Serves until the process receives Ctrl-C; reloads the store when its file changes, or —
    /// PostgreSQL — when the database's change listener sees a change made through any server or
    /// the CLI (`mlgov_store_postgres::changes`: a notification, or the 5 s poll; docs/deploy.md).
    pub async fn run(self) -> Result<(), ServeError> {
        let addr = self.local_addr()?.to_string();
        // On a thread of its own (the synchronous client must not block a runtime worker), out of
        // every request's way; stops when `run` returns.
        let _listener = match self.state.db_path.as_deref().map(mlgov_store::Location::from_path) {
            Some(mlgov_store::Location::Postgres(db)) => {
                let st = self.state.clone();
                let on_change = move |fingerprint: &str| {
                    if let Err(e) = st.reload_if_fingerprint(fingerprint) {
                        eprintln!("warning: reloading after a change in the database failed: {e}");
                    }
                };
                let options = mlgov_store_postgres::changes::ListenerOptions::default();
                Some(
                    mlgov_store_postgres::changes::Listener::spawn(&db, options, on_change)
                        .map_err(|source| ServeError::Io { addr: addr.clone(), source })?,
                )
            }
            Some(mlgov_store::Location::Sqlite(_)) | None => None,
        };
        // The edge layer goes over everything, last: no route escapes it.
        let router = layer(mlgov_collect::http::mount_at(
            app(self.state.clone()),
            self.state.db_path.as_deref().and_then(|p| p.to_str()),
        ));
        // Opening the accounts' and the collection's tables may have touched the SQLite file
        // after the base was read (migrations): that is not a change of the base, and must not
        // make the watcher read a million rows again.
        self.state.note_current_mtime();
        let watcher = self.state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(2)).await;
                let w = watcher.clone();
                let _ = tokio::task::spawn_blocking(move || w.reload_if_changed()).await;
            }
        });
        axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|source| ServeError::Io { addr, source })
    }
}

/// Loads the store at `db_path` and serves the explorer and API on `addr` until Ctrl-C.
pub async fn serve(db_path: &Path, addr: SocketAddr) -> Result<(), ServeError> {
    Server::bind(db_path, addr).await?.run().await
}
