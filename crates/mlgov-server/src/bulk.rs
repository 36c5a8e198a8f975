//! `GET /api/v1/release.zip`: the whole public base as one download — the citable release of
//! `mlgov release` (Frictionless data package, CSV, Parquet, XLSX, citations, the published survey
//! releases) zipped. Built by `mlgov_export::release` from the snapshot, once per content (the
//! archive is kept until the base or the survey releases change).

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;

/// The whole public base as a ZIP archive (a Frictionless Data Package).
#[utoipa::path(get, path = "/api/v1/release.zip", operation_id = "get_release_zip", tag = "knowledge base",
    responses(
        (status = 200, description = "ZIP archive of the release: datapackage.json, data/*.csv, parquet/*.parquet, an XLSX workbook, sources.bib, sources.csl.json, CITATION.cff, .zenodo.json, README.md and the published survey releases", content_type = "application/zip"),
        (status = 304, description = "Not modified (ETag)"),
        (status = 400, description = "Unknown query parameter", body = ErrorBody)))]
pub async fn get_release_zip(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    // One archive per content: the snapshot's ETag of this path changes with the base, the
    // survey releases and the build.
    static LAST: std::sync::Mutex<Option<(String, axum::body::Bytes)>> =
        std::sync::Mutex::new(None);
    let key = crate::state::etag(
        s.content_hash,
        crate::assets::build_fingerprint(),
        "/api/v1/release.zip",
    );
    if let Some((k, b)) = LAST.lock().ok().and_then(|g| g.clone())
        && k == key
    {
        return Ok(zip_response(b));
    }
    let surveys: Vec<mlgov_export::release::SurveyRelease> = s
        .surveys
        .entries()
        .iter()
        .filter_map(|e| {
            let r = e.release.as_ref()?;
            Some(mlgov_export::release::SurveyRelease {
                survey: e.name.clone(),
                number: r.number,
                min_cell: r.figures.min_cell as i64,
                created_at: r.created_at.clone(),
                content: serde_json::to_string(&r.figures).ok()?,
            })
        })
        .collect();
    let kb = s.kb.clone();
    let version = format!("{:016x}", s.content_hash);
    let date = mlgov_auth::service::iso_time(crate::httpdate::unix_seconds(s.loaded_at) as i64)
        [..10]
        .to_string();
    let bytes = tokio::task::spawn_blocking(move || {
        let meta = mlgov_export::release::ReleaseMeta {
            title: "mlgov knowledge base of the multilevel governance of migration".into(),
            version,
            date,
            licence: "CC-BY-4.0".into(),
            creators: vec!["mlgov contributors".into()],
            description: "The public knowledge base served by this mlgov server: localities, city networks, memberships, terms of office, organisations, people, events, facts, practices and adoptions, each statement citing its source and a locator; with the published, disclosure-controlled survey releases.".into(),
            generator: format!("mlgov {}", env!("CARGO_PKG_VERSION")),
            keywords: vec!["migration".into(), "multilevel governance".into(), "city networks".into()],
        };
        let files = mlgov_export::release::build(&kb, &meta, &surveys, false)?;
        mlgov_export::release::zip(&files, "mlgov-release")
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let bytes = axum::body::Bytes::from(bytes);
    if let Ok(mut g) = LAST.lock() {
        *g = Some((key, bytes.clone()));
    }
    Ok(zip_response(bytes))
}

fn zip_response(bytes: axum::body::Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/zip"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"mlgov-release.zip\""),
        ],
        bytes,
    )
        .into_response()
}
