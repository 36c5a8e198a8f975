//! The one error body of the API, `{"error": {"code", "message", "fields": [...], "request_id"}}`,
//! and its mapping onto HTTP status codes (400 bad parameters, 404, 413, 422 invalid data, 500).
//! The request id is filled in by the edge layer (`edge.rs`, above this file), which also gives
//! this envelope to every error no handler produced (the router's 404 and 405, the body limit's
//! 413, extractor rejections, panics); a server error says only "internal error", its cause goes
//! to the log through the response's `mlgov_auth::http::ErrorCause`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem with one request field (query parameter or body member).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// The parameter or member name.
    pub field: String,
    /// What was wrong and what was expected.
    pub message: String,
}

/// The content of the error envelope.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code: `bad_request`, `unauthenticated`, `forbidden`, `not_found`,
    /// `method_not_allowed`, `conflict`, `gone`, `payload_too_large`, `unsupported_media_type`,
    /// `invalid_data`, `rate_limited`, `unavailable`, `internal` (and the accounts' own, such as
    /// `bad_credentials`).
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Field-level problems (may be empty).
    pub fields: Vec<FieldError>,
    /// The id of the request, also in the `X-Request-Id` response header: the request's own
    /// `X-Request-Id` when it sent a sane one (1–128 characters of `A-Z a-z 0-9 - _ . :`), else
    /// one the server made. Server errors are logged with it: quote it when reporting a problem.
    #[schema(example = "3f2c9a0d7b1e4c5a9e8f00112233aabb")]
    pub request_id: String,
}

/// The error envelope returned with every 4xx/5xx response of the API.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An API error.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// Invalid query parameters (400), with one entry per field.
    #[error("invalid request: {}", fields_text(.0))]
    BadRequest(Vec<FieldError>),
    /// No credentials, or invalid ones, for an operation that needs an account (401).
    #[error("{0}")]
    Unauthenticated(String),
    /// The account's role does not allow the operation (403).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing at this address (404).
    #[error("{0}")]
    NotFound(String),
    /// The request body is larger than the limit (413).
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// Well-formed request whose data is invalid (422), with field problems.
    #[error("{0}")]
    InvalidData(String, Vec<FieldError>),
    /// The request conflicts with the current state (409): a proposal decided meanwhile, a change
    /// to a record someone changed since, with the problems when there are some.
    #[error("{0}")]
    Conflict(String, Vec<FieldError>),
    /// A bug or an unavailable store (500). The message is logged, never sent: the envelope says
    /// "internal error".
    #[error("internal error: {0}")]
    Internal(String),
    /// Any other error status with its message (405, 415, 429, 503, …).
    #[error("{1}")]
    Status(StatusCode, String),
}

fn fields_text(f: &[FieldError]) -> String {
    f.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}

impl ApiError {
    /// A 400 for a single field.
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::InvalidData(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(..) => StatusCode::CONFLICT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Status(s, _) => *s,
        }
    }

    /// The envelope.
    pub fn body(&self) -> ErrorBody {
        let (code, fields) = match self {
            ApiError::BadRequest(f) => ("bad_request", f.clone()),
            ApiError::Unauthenticated(_) => ("unauthenticated", vec![]),
            ApiError::Forbidden(_) => ("forbidden", vec![]),
            ApiError::NotFound(_) => ("not_found", vec![]),
            ApiError::PayloadTooLarge(_) => ("payload_too_large", vec![]),
            ApiError::InvalidData(_, f) => ("invalid_data", f.clone()),
            ApiError::Conflict(_, f) => ("conflict", f.clone()),
            ApiError::Internal(_) => ("internal", vec![]),
            ApiError::Status(s, _) => (code_for(*s), vec![]),
        };
        let message = if self.status().is_server_error() {
            "internal error".to_string()
        } else {
            self.to_string()
        };
        ErrorBody {
            error: ErrorDetail { code: code.into(), message, fields, request_id: String::new() },
        }
    }
}

/// The envelope's `code` for a status: `bad_request`, `unauthenticated`, `forbidden`,
/// `not_found`, `method_not_allowed`, `conflict`, `gone`, `payload_too_large`,
/// `unsupported_media_type`, `invalid_data` (422), `rate_limited`, `unavailable` (503),
/// `internal` (other 5xx).
pub fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::GONE => "gone",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_data",
        StatusCode::TOO_MANY_REQUESTS => "rate_limited",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

/// Runs `f` on the blocking pool (an analysis or a store read must not hold a runtime thread);
/// a task that panicked is an internal error.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(e.to_string()))?
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut resp =
            (self.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response();
        // The whole message (with a server error's cause) for the edge's log line.
        resp.extensions_mut().insert(mlgov_auth::http::ErrorCause(self.to_string()));
        resp
    }
}

impl From<mlgov_store::StoreError> for ApiError {
    fn from(e: mlgov_store::StoreError) -> Self {
        match e {
            mlgov_store::StoreError::Conflict(m) => ApiError::Conflict(m, vec![]),
            e @ mlgov_store::StoreError::AlreadyStored(_) => {
                ApiError::Conflict(e.to_string(), vec![])
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}
