//! The one error body of the API, `{"error": {"code", "message", "fields": [...]}}`, and its
//! mapping onto HTTP status codes (400 bad parameters, 404, 413, 422 invalid data, 500).

use axum::http::{header, StatusCode};
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
    /// Machine-readable code: `bad_request`, `not_found`, `payload_too_large`, `invalid_data`,
    /// `internal`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Field-level problems (may be empty).
    pub fields: Vec<FieldError>,
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
    /// A bug or an unavailable store (500).
    #[error("internal error: {0}")]
    Internal(String),
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
        };
        ErrorBody { error: ErrorDetail { code: code.into(), message: self.to_string(), fields } }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        (self.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

impl From<mlgov_store::StoreError> for ApiError {
    fn from(e: mlgov_store::StoreError) -> Self {
        match e {
            mlgov_store::StoreError::Conflict(m) => ApiError::Conflict(m, vec![]),
            e @ mlgov_store::StoreError::AlreadyStored(_) => ApiError::Conflict(e.to_string(), vec![]),
            other => ApiError::Internal(other.to_string()),
        }
    }
}
