//! Storage of the knowledge base behind one interface, [`Store`]. The embedded default is a SQLite
//! file ([`SqliteStore`]); a PostgreSQL backend implements the same trait for the multi-user
//! server. SQL lives here and nowhere else: the domain and analysis crates never see it.

mod sqlite;
mod survey;
#[doc(hidden)]
pub mod contract;

pub use sqlite::SqliteStore;
pub use survey::{StoredRelease, StoredSurvey, SurveyOrigin, SurveySummary};

use mlgov_domain::KnowledgeBase;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("database error: {0}")]
    Database(String),
    /// The database was written by a newer mlgov.
    #[error("the database has schema version {found}, newer than this mlgov understands ({supported}); upgrade mlgov")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version known here.
        supported: i64,
    },
    /// A stored row no longer parses (the file was edited by hand or is corrupt).
    #[error("stored row {table}/{id} is invalid: {message}")]
    Corrupt {
        /// Table.
        table: String,
        /// Row id.
        id: String,
        /// Problem.
        message: String,
    },
    /// A write conflicts with what is stored (a release number already taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The store is not initialised (no such database file).
    #[error("no mlgov database at {0}; run `mlgov init` (or `mlgov demo`) first, or pass --db")]
    Missing(String),
}

/// Parses one stored row (column → cell text, empty for NULL) into its record; a row that no longer
/// parses is [`StoreError::Corrupt`]. Shared by every backend so that the domain parser stays the
/// single reader of stored cells.
pub fn record_from_row<R: mlgov_domain::Record>(table: &str, cells: &std::collections::BTreeMap<String, String>) -> Result<R, StoreError> {
    R::from_cells(cells).map_err(|ps| StoreError::Corrupt {
        table: table.to_string(),
        id: cells.get("id").cloned().unwrap_or_default(),
        message: ps.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "),
    })
}

/// What an import wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows written per table.
    pub written: Vec<(&'static str, usize)>,
}

impl ImportReport {
    /// Total rows written.
    pub fn total(&self) -> usize {
        self.written.iter().map(|(_, n)| n).sum()
    }
}

/// The storage interface every backend implements.
pub trait Store {
    /// Reads the whole knowledge base.
    fn load(&self) -> Result<KnowledgeBase, StoreError>;
    /// Adds every record of `kb` in one transaction: either all rows are written or none.
    /// The caller has validated `kb` against the stored base (see `mlgov-interchange`).
    fn insert_all(&mut self, kb: &KnowledgeBase) -> Result<ImportReport, StoreError>;
    /// Replaces the whole content by `kb` in one transaction.
    fn replace_all(&mut self, kb: &KnowledgeBase) -> Result<ImportReport, StoreError>;
    /// Rows per table.
    fn counts(&self) -> Result<Vec<(&'static str, usize)>, StoreError>;
    /// Runs the backend's integrity check (SQLite: `PRAGMA integrity_check` and `foreign_key_check`).
    fn integrity_check(&self) -> Result<Vec<String>, StoreError>;
    /// The schema version.
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// Every stored survey dataset, by name (without the data).
    fn surveys(&self) -> Result<Vec<SurveySummary>, StoreError>;
    /// One survey dataset by name.
    fn survey(&self, name: &str) -> Result<Option<StoredSurvey>, StoreError>;
    /// Stores `survey` under its name, replacing any earlier version in the same transaction (a
    /// crash leaves either the old or the new version); returns the version written (the
    /// previous one + 1, or 1). `survey.version` is ignored.
    fn put_survey(&mut self, survey: &StoredSurvey) -> Result<i64, StoreError>;
    /// Deletes a survey dataset (its releases stay: they were published); whether it existed.
    fn delete_survey(&mut self, name: &str) -> Result<bool, StoreError>;
    /// Names of the surveys with at least one release (imported or collected), sorted.
    fn released_surveys(&self) -> Result<Vec<String>, StoreError>;
    /// The releases of a survey, oldest first.
    fn releases(&self, survey: &str) -> Result<Vec<StoredRelease>, StoreError>;
    /// Appends a release. Its number must be the next one (latest + 1, or 1): a concurrent
    /// publication of the same number fails with [`StoreError::Conflict`] and writes nothing.
    fn put_release(&mut self, release: &StoredRelease) -> Result<(), StoreError>;
}
