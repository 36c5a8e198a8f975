//! mlgov-collect: survey collection on a shared mlgov server — single-use invitation links, a
//! respondent form that works without JavaScript (save and resume, then submit once), raw answers
//! readable only by the survey's project, and the figures of collected (and imported) surveys:
//! live for the project's researchers, frozen releases that pass the release rule of
//! `mlgov_disclosure` for everyone else.
//!
//! Layers: [`respond`] (form validation; pure), [`store`] (the [`CollectStore`] trait) with
//! [`sqlite`] and [`postgres`] (its tables in the knowledge base's database beside the auth
//! tables; [`open_store`] picks one by the location), [`service`] ([`Collect`], usable without
//! HTTP), and [`http`] (the routes and the respondent form, mounted under `mlgov_auth`'s layer).
//!
//! Who may do what is decided by `mlgov_auth`'s permission matrix ([`mlgov_auth::Auth::require`]
//! on the request's [`mlgov_auth::Principal`]); what raw data was read goes to its audit log
//! ([`mlgov_auth::Auth::audit`]). Answers are analysed by `mlgov_survey` (no aggregation code
//! here).
//!
//! *Invariants:* raw answers leave [`Collect`] only through [`Collect::raw_answers`] and the figure
//! builders, which check the matrix and write the audit log; invitation tokens are stored only as
//! their SHA-256; the public and viewers see only frozen releases; a survey the caller may not see
//! answers as one that does not exist (`Collect::visible_survey`).
//!
//! ## Design
//!
//! `CollectStore` with
//! `SqliteCollectStore`/`PgCollectStore` over the `survey_*` tables in the same database (its own
//! `collect_schema` versions; migration 1 is `CREATE TABLE IF NOT EXISTS` of the tables auth's
//! migration 1 created, so databases written before the split keep their answers; opening a store
//! first brings the auth schema up to date, as a survey belongs to an `auth_projects` row).
//! `Collect` (the service) checks rights through `mlgov_auth` and writes its audit log;
//! `collected_dataset` turns submitted answers into an `mlgov_survey` dataset (what releases, live
//! figures and the explorer analyse; no aggregation code here). Its routes (`/api/v1/surveys…` with
//! the aggregates endpoint — latest release for everyone, `?live=true` for the project's
//! researchers — and `POST|GET /api/v1/surveys/{name}/releases`, which read and write releases in
//! the knowledge-base store at `Config::kb_location`; `/admin/surveys/{name}`; `/respond/{token}`)
//! are mounted with auth's under its layer (`http::mount_at`, which the server calls; a store that
//! cannot be opened makes its routes answer 503).

pub mod http;
pub mod postgres;
pub mod respond;
pub mod service;
pub mod sqlite;
pub mod store;

use mlgov_auth::AuthError;

pub use self::postgres::PgCollectStore;
pub use service::{Collect, Config, collected_dataset};
pub use sqlite::SqliteCollectStore;
pub use store::CollectStore;

/// Opens the collection store beside the knowledge base at `location` (a `--db` value, told apart
/// by [`mlgov_store::Location`]): a PostgreSQL URL → [`PgCollectStore`], a SQLite file →
/// [`SqliteCollectStore`]. Pending auth migrations (the collection tables refer to
/// `auth_projects`) and then collection migrations are applied in both cases.
///
/// # Errors
/// [`CollectError::Database`] when the file cannot be opened, the server cannot be reached, or a
/// migration fails.
pub fn open_store(location: &str) -> Result<Box<dyn CollectStore>, CollectError> {
    mlgov_store::Location::parse(location).open(
        |url| Ok(Box::new(PgCollectStore::connect(url)?) as Box<dyn CollectStore>),
        |path| Ok(Box::new(SqliteCollectStore::open(path)?)),
    )
}

/// Errors of survey collection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CollectError {
    /// The database failed (a bug or an unavailable store).
    #[error("collection store: {0}")]
    Database(#[source] mlgov_store::DatabaseError),
    /// Refused by the permission matrix (unauthenticated, forbidden), or the auth store failed
    /// while checking or auditing.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// No such survey, invitation or release.
    #[error("not found: {0}")]
    NotFound(String),
    /// It existed but is used up (a submitted invitation).
    #[error("{0}")]
    Gone(String),
    /// The name is taken, or a release is refused by the release rule.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A field is invalid.
    #[error("field {field:?}: {message}")]
    Invalid {
        /// Field name.
        field: String,
        /// What was expected.
        message: String,
    },
    /// A service this operation needs is not configured or not reachable.
    #[error("unavailable: {0}")]
    Unavailable(String),
}
