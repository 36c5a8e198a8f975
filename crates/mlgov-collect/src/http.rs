//! The HTTP face of [`Collect`]: [`routes`] (`/api/v1/surveys` and below: surveys, invitations,
//! raw answers, figures and releases; `/admin/surveys/{name}`, the progress page;
//! `/respond/{token}`, the respondent form, which works without JavaScript), [`mount`] (these
//! routes and `mlgov_auth`'s onto another router, all under its layer, so that every request
//! carries its [`mlgov_auth::Principal`] and passes its CSRF and cross-site checks) and
//! [`mount_at`], which opens both stores beside the knowledge base.
//!
//! Errors use the server's one envelope (`mlgov_auth::http::error_response`): JSON under `/api/`,
//! the `message.html` page elsewhere. The respondent form is exempt from the session CSRF token
//! (its secret link token plays that part) but not from the cross-site checks.

use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::Environment;
use mlgov_auth::http::{
    Failure, PAGE_TEMPLATES, Who, cross_site_check, error_response, is_form, parse_form,
    render_page,
};
use mlgov_auth::{Auth, AuthError};
use mlgov_survey::instrument::PerceptionKind;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::CollectError;
use crate::respond::{self, FieldError, FormValues};
use crate::service::{Collect, Config, OpenedInvitation, SaveError};

/// Runs blocking collection work (SQLite, PostgreSQL) off the async executor.
async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CollectError> + Send + 'static,
) -> Result<T, CollectError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(CollectError::Database(mlgov_store::DatabaseError::with_source(
            format!("collection task failed: {e}"),
            e,
        )))
    })
}

// ---------------------------------------------------------------- errors

/// HTTP status of an error (those of the auth crate for [`CollectError::Auth`]).
pub fn status_of(e: &CollectError) -> StatusCode {
    match e {
        CollectError::Auth(a) => mlgov_auth::http::status_of(a),
        CollectError::NotFound(_) => StatusCode::NOT_FOUND,
        CollectError::Gone(_) => StatusCode::GONE,
        CollectError::Conflict(_) => StatusCode::CONFLICT,
        CollectError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        CollectError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        CollectError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn code_of(e: &CollectError) -> &'static str {
    match e {
        CollectError::Auth(a) => mlgov_auth::http::code_of(a),
        CollectError::NotFound(_) => "not_found",
        CollectError::Gone(_) => "gone",
        CollectError::Conflict(_) => "conflict",
        CollectError::Invalid { .. } => "invalid_data",
        CollectError::Unavailable(_) => "unavailable",
        CollectError::Database(_) => "internal",
    }
}

/// An error as a response: the API's JSON envelope, or (`html`) the message page.
fn failure(e: CollectError, html: bool) -> Response {
    match e {
        CollectError::Auth(a) if html => Failure::page(a).into_response(),
        CollectError::Auth(a) => Failure::api(a).into_response(),
        other => {
            let field = match &other {
                CollectError::Invalid { field, message } => {
                    Some((field.as_str(), message.as_str()))
                }
                _ => None,
            };
            error_response(status_of(&other), code_of(&other), &other.to_string(), field, html)
        }
    }
}

fn bad_body(msg: impl Into<String>) -> Response {
    failure(CollectError::Invalid { field: "body".into(), message: msg.into() }, false)
}

/// A JSON body of type `T`, or a 422 envelope naming what was expected.
// The error is the finished response (the axum idiom), built once on the failure path.
#[allow(clippy::result_large_err)]
fn json_body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, Response> {
    serde_json::from_slice(bytes).map_err(|e| bad_body(format!("invalid JSON body: {e}")))
}

async fn api<T: Serialize + Send + 'static>(
    status: StatusCode,
    f: impl FnOnce() -> Result<T, CollectError> + Send + 'static,
) -> Response {
    match run(f).await {
        Ok(v) => (status, Json(v)).into_response(),
        Err(e) => failure(e, false),
    }
}

// ---------------------------------------------------------------- templates

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        let own = [
            ("progress.html", include_str!("../templates/progress.html")),
            ("respond.html", include_str!("../templates/respond.html")),
        ];
        for (name, src) in PAGE_TEMPLATES.iter().copied().chain(own) {
            e.add_template(name, src).expect("embedded template parses");
        }
        e
    })
}

fn html_page(name: &str, ctx: serde_json::Value) -> Response {
    render_page(env(), name, ctx)
}

// ---------------------------------------------------------------- routes

/// The routes of survey collection, with `collect` as their state. Mount them under
/// `mlgov_auth::http::layer` (see [`mount`]): without it every request is the public's.
pub fn routes(collect: Collect) -> Router {
    Router::new()
        .route("/api/v1/surveys", get(list_surveys).post(create_survey))
        .route("/api/v1/surveys/{name}", get(survey_progress))
        .route("/api/v1/surveys/{name}/invitations", post(invite))
        .route("/api/v1/surveys/{name}/answers", get(raw_answers))
        .route("/api/v1/surveys/{name}/aggregates", get(aggregates))
        .route("/api/v1/surveys/{name}/releases", get(list_releases).post(publish_release))
        .route("/admin/surveys/{name}", get(progress_page))
        .route("/respond/{token}", get(respond_page).post(respond_post))
        .with_state(collect)
}

/// The paths of [`routes`], each answering 503 with `message` (a store could not be opened).
fn unavailable_routes(message: String) -> Router {
    let h = mlgov_auth::http::unavailable(message);
    Router::new()
        .route("/api/v1/surveys", h.clone())
        .route("/api/v1/surveys/{name}", h.clone())
        .route("/api/v1/surveys/{name}/invitations", h.clone())
        .route("/api/v1/surveys/{name}/answers", h.clone())
        .route("/api/v1/surveys/{name}/aggregates", h.clone())
        .route("/api/v1/surveys/{name}/releases", h.clone())
        .route("/admin/surveys/{name}", h.clone())
        .route("/respond/{token}", h)
}

/// `router` with the collection routes and `mlgov_auth`'s routes merged in, and the auth
/// middleware over all of it (`collect` should check rights with the same `auth`).
pub fn mount(router: Router, auth: Auth, collect: Collect) -> Router {
    mlgov_auth::http::mount(router.merge(routes(collect)), auth)
}

/// Opens the auth store and the collection store beside the knowledge base at `location` (a
/// SQLite file path or a `postgres://` URL; in memory when `None`) with the default settings, and
/// mounts both route sets onto `router` under the auth layer; releases and imported datasets are
/// read from and written to the knowledge-base store at `location`. Fails closed: if the auth store
/// cannot be opened, the auth routes and these answer 503 and the other routes get no principal
/// (the public); if only the collection store cannot be opened, these answer 503.
pub fn mount_at(router: Router, location: Option<&str>) -> Router {
    let auth = match mlgov_auth::http::open_at(location) {
        Ok(a) => a,
        Err(e) => {
            return mlgov_auth::http::mount_unavailable(
                router.merge(unavailable_routes(format!("survey collection unavailable: {e}"))),
                &e,
            );
        }
    };
    let store = match location {
        Some(l) => crate::open_store(l),
        None => crate::SqliteCollectStore::in_memory()
            .map(|s| Box::new(s) as Box<dyn crate::CollectStore>),
    };
    let collection = match store {
        Ok(s) => routes(Collect::new(
            s,
            auth.clone(),
            Config { kb_location: location.map(str::to_string), ..Config::default() },
        )),
        Err(e) => unavailable_routes(format!("survey collection unavailable: {e}")),
    };
    mlgov_auth::http::mount(router.merge(collection), auth)
}

// ---------------------------------------------------------------- survey API

async fn list_surveys(State(collect): State<Collect>, Who(p): Who) -> Response {
    api(StatusCode::OK, move || collect.surveys(&p)).await
}

#[derive(Deserialize)]
struct SurveyBody {
    name: String,
    instrument: String,
    project: String,
}

async fn create_survey(State(collect): State<Collect>, Who(p): Who, body: Bytes) -> Response {
    let b: SurveyBody = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    api(StatusCode::CREATED, move || collect.create_survey(&p, &b.name, &b.instrument, &b.project))
        .await
}

async fn survey_progress(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
) -> Response {
    api(StatusCode::OK, move || {
        collect.progress(&p, &name).map(|(s, pr)| json!({ "survey": s, "progress": pr }))
    })
    .await
}

#[derive(Deserialize)]
struct InviteBody {
    count: usize,
    #[serde(default)]
    locality: Option<String>,
}

async fn invite(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let b: InviteBody = match json_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut r = api(StatusCode::CREATED, move || {
        collect.invite(&p, &name, b.count, b.locality.as_deref()).map(|tokens| json!({ "links": tokens.iter().map(|t| format!("/respond/{t}")).collect::<Vec<_>>() }))
    })
    .await;
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn raw_answers(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
) -> Response {
    let mut r = api(StatusCode::OK, move || collect.raw_answers(&p, &name)).await;
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Deserialize, Default)]
struct LiveQuery {
    #[serde(default)]
    live: Option<bool>,
}

/// The figures of a survey: the latest frozen release (everyone; 404 with the envelope when none
/// is published), or with `?live=true` the figures computed now (admin; researchers of the
/// survey's project; `no-store`).
async fn aggregates(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
    q: Result<Query<LiveQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let live = match q {
        Ok(Query(q)) => q.live.unwrap_or(false),
        Err(e) => {
            return failure(
                CollectError::Invalid {
                    field: "live".into(),
                    message: format!("expected true or false: {e}"),
                },
                false,
            );
        }
    };
    if live {
        let mut r = api(StatusCode::OK, move || {
            collect.live_figures(&p, &name).map(|f| json!({ "live": true, "figures": f }))
        })
        .await;
        r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    } else {
        api(StatusCode::OK, move || collect.released_figures(&p, &name)).await
    }
}

async fn list_releases(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
) -> Response {
    api(StatusCode::OK, move || collect.releases(&p, &name)).await
}

async fn publish_release(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
) -> Response {
    api(StatusCode::CREATED, move || collect.publish_release(&p, &name)).await
}

async fn progress_page(
    State(collect): State<Collect>,
    Who(p): Who,
    Path(name): Path<String>,
) -> Response {
    match run(move || collect.progress(&p, &name)).await {
        Ok((s, pr)) => html_page(
            "progress.html",
            json!({ "title": format!("Survey {}", s.name), "survey": s, "progress": pr }),
        ),
        Err(e) => failure(e, true),
    }
}

// ---------------------------------------------------------------- respondent form

fn looks_like_token(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|c| c.is_ascii_hexdigit())
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct Field {
    name: String,
    label: String,
    options: Vec<Opt>,
    error: Option<String>,
}

fn field(
    name: String,
    label: String,
    choices: Vec<(String, String)>,
    values: &FormValues,
    errors: &[FieldError],
) -> Field {
    let current: Vec<&str> = values.get(&name).map(|v| v.split(';').collect()).unwrap_or_default();
    let options = choices
        .into_iter()
        .map(|(value, label)| Opt { selected: current.contains(&value.as_str()), value, label })
        .collect();
    let error = errors.iter().find(|e| e.field == name).map(|e| e.message.clone());
    Field { name, label, options, error }
}

/// Renders the respondent form of an opened invitation with values and field errors.
fn render_form(
    token: &str,
    o: &OpenedInvitation,
    values: &FormValues,
    errors: &[FieldError],
    saved: bool,
) -> Response {
    let ins = &o.instrument;
    let scale = |labels: &[mlgov_survey::instrument::ScaleLabel],
                 min: i32,
                 max: i32|
     -> Vec<(String, String)> {
        (min..=max)
            .map(|v| {
                (
                    v.to_string(),
                    match labels.iter().find(|l| l.value == v) {
                        Some(l) => format!("{v} — {}", l.label),
                        None => v.to_string(),
                    },
                )
            })
            .collect()
    };
    let freq = scale(&ins.frequency.labels, ins.frequency.min, ins.frequency.max);
    let nature = scale(&ins.nature.labels, ins.nature.answered_min, ins.nature.answered_max);
    let periods: Vec<serde_json::Value> = ins
        .periods
        .iter()
        .map(|p| {
            let rows: Vec<serde_json::Value> = ins
                .actors
                .iter()
                .map(|a| {
                    json!({
                        "actor": a.label,
                        "freq": field(format!("freq_{}_{}", p.id, a.id), format!("{}: how often, {}", a.label, p.label), freq.clone(), values, errors),
                        "nature": field(format!("nature_{}_{}", p.id, a.id), format!("{}: nature, {}", a.label, p.label), nature.clone(), values, errors),
                    })
                })
                .collect();
            json!({ "label": p.label, "rows": rows })
        })
        .collect();
    let perceptions: Vec<serde_json::Value> = ins
        .perceptions
        .iter()
        .map(|q| {
            let choices = match q.kind {
                PerceptionKind::Scale => scale(&q.labels, q.min.unwrap_or(1), q.max.unwrap_or(5)),
                _ => q.options.iter().map(|o| (o.id.clone(), o.label.clone())).collect(),
            };
            json!({ "multi": q.kind == PerceptionKind::Multi, "field": field(q.id.clone(), q.label.clone(), choices, values, errors) })
        })
        .collect();
    let roles = ins.roles.iter().map(|r| (r.id.clone(), r.label.clone())).collect();
    let affs = ins.affiliations.iter().map(|r| (r.id.clone(), r.label.clone())).collect();
    let ctx = json!({
        "title": ins.title,
        "action": format!("/respond/{token}"),
        "saved": saved,
        "error_count": errors.len(),
        "role": field("role".into(), "Your role".into(), roles, values, errors),
        "affiliation": field("affiliation".into(), "Political affiliation".into(), affs, values, errors),
        "periods": periods,
        "perceptions": perceptions,
        "freq_range": format!("{}–{}", ins.frequency.min, ins.frequency.max),
        "nature_range": format!("{} very conflictual – {} very collaborative", ins.nature.answered_min, ins.nature.answered_max),
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, html_page("respond.html", ctx)).into_response()
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn respond_page(
    State(collect): State<Collect>,
    Path(token): Path<String>,
    q: Result<Query<SavedQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if !looks_like_token(&token) {
        return failure(CollectError::NotFound("invitation".into()), true);
    }
    let t = token.clone();
    match run(move || collect.open_invitation(&t)).await {
        Ok(o) => render_form(&token, &o, &o.values, &[], q.is_ok_and(|q| q.saved.is_some())),
        Err(e) => failure(e, true),
    }
}

async fn respond_post(
    State(collect): State<Collect>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !looks_like_token(&token) {
        return failure(CollectError::NotFound("invitation".into()), true);
    }
    // The layer checks this already; checked again so that the one state-changing route open to
    // the public fails closed even where the routes are mounted without it.
    if let Err(m) = cross_site_check(&headers, &collect.auth().config().allowed_origins) {
        return failure(CollectError::Auth(AuthError::Forbidden(m)), true);
    }
    if !is_form(&headers) {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, html_page("message.html", json!({ "title": "Unsupported form", "message": "expected a form post (application/x-www-form-urlencoded)" }))).into_response();
    }
    let pairs = parse_form(&body);
    let submit = pairs.iter().any(|(k, v)| k == "action" && v == "submit");
    let values = respond::collect(&pairs);
    let t = token.clone();
    let v = values.clone();
    let result = tokio::task::spawn_blocking(move || collect.save_response(&t, &v, submit)).await;
    match result {
        Ok(Ok(_)) if submit => html_page(
            "message.html",
            json!({ "title": "Thank you", "message": "Your answers have been submitted. This link can no longer be used." }),
        ),
        Ok(Ok(_)) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, format!("/respond/{token}?saved=1"))])
                .into_response()
        }
        Ok(Err(SaveError::Fields { opened, errors })) => {
            render_form(&token, &opened, &values, &errors, false)
        }
        Ok(Err(SaveError::Collect(e))) => failure(e, true),
        Err(e) => failure(
            CollectError::Database(mlgov_store::DatabaseError::with_source(e.to_string(), e)),
            true,
        ),
    }
}
