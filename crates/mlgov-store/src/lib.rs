//! Storage of the knowledge base behind one interface, [`Store`]. The embedded default is a SQLite
//! file ([`SqliteStore`]); a PostgreSQL backend implements the same trait for the multi-user
//! server. The knowledge base's SQL lives here and in `mlgov-store-postgres`: the domain and
//! analysis crates never see it.
//!
//! ## Design
//!
//! The `Store` trait and the SQLite backend (rusqlite, bundled SQLite; versioned migrations in
//! `migrations/sqlite/`, WAL, foreign keys on). Cells are stored as the interchange text, so the
//! domain parser is the single reader. `insert_all`/`replace_all` run in one transaction. The
//! survey half of the trait (`src/survey.rs`, migration 2): survey datasets (`put_survey` replaces
//! a name's row in one transaction and numbers versions; the answers are kept as the canonical wide
//! CSV, the instrument as TOML, generated localities as CSV — strings the store never parses) and
//! numbered, frozen releases (`put_release` refuses a number already taken). The storage contract
//! (`src/contract.rs`) checks both halves on every backend. `src/private.rs` creates the files only
//! their owner may read (0600, folders 0700 on Unix): a new database file before SQLite opens it
//! (the accounts' and collection's SQLite stores use it too), and the CLI's exports of raw answers
//! (docs/security.md, "Files on disk"). Statements keep their past (migration 3, both backends):
//! every write is a **change set** (`change_sets`: number, UTC time, recorder, kind, note); every
//! current row records the change set that wrote it (`_cs`); `Store::apply` writes new records,
//! corrections and retractions in one transaction, moving each replaced version into
//! `record_history` (cells as JSON, opened/closed change sets, `correct`|`retract`, reason) — a
//! change prepared against an older state that touches a record changed since is refused whole
//! (`Conflict`), and one whose new records another change stored meanwhile is refused whole too
//! (`AlreadyStored`: `mlgov import` then plans again, so of two identical imports at once the
//! second ends as if run afterwards); `history(id)` and `load_as_of(AsOf::Instant | ChangeSet)`
//! read the past; `records_by_id`/`memberships_of` are the indexed reads for planning a batch.
//! Errors keep their source: `DatabaseError` (`src/error.rs`: the words shown, and the driver's
//! `rusqlite`/`postgres` error as `source()`) is what `StoreError::Database`, `AuthError::Database`
//! and `CollectError::Database` hold, so `Error::source` chains reach the driver; the CLI maps each
//! kind to its documented exit code (`ctx.rs`, `CliError`).
//!
//! *Invariant:* the knowledge base's and the stored surveys' SQL is here and in
//! `mlgov-store-postgres`, nowhere else (the accounts' tables are `mlgov-auth`'s, `sqlite.rs` and
//! `postgres.rs`; the collection's are `mlgov-collect`'s, likewise; no other crate has SQL); never
//! validates domain rules itself (callers validate first; foreign keys are a second safety net);
//! nothing is deleted except by `replace_all` (`mlgov demo`, a fresh base and history) —
//! corrections and retractions only close versions.

pub mod backend;
#[doc(hidden)]
pub mod contract;
mod error;
mod location;
pub mod own_tables;
mod plan;
pub mod private;
mod sqlite;
mod survey;

pub use error::DatabaseError;
pub use location::Location;
pub use plan::{PlanError, plan_batch};
pub use sqlite::SqliteStore;

/// The SQLite migrations (version, SQL), for tests that build older databases.
#[doc(hidden)]
pub fn sqlite_migrations() -> &'static [(i64, &'static str)] {
    sqlite::MIGRATIONS
}
pub use survey::{StoredRelease, StoredSurvey, SurveyOrigin, SurveySummary};

use mlgov_domain::KnowledgeBase;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("database error: {0}")]
    Database(#[source] DatabaseError),
    /// The database was written by a newer mlgov.
    #[error(
        "the database has schema version {found}, newer than this mlgov understands ({supported}); upgrade mlgov"
    )]
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
    /// Records the change writes as new were stored by another change recorded after this one
    /// was prepared (two identical imports at once): nothing was written. Plan the change again
    /// against the current base, as the same change made afterwards would be.
    #[error("{} and maybe more of the records to add were stored by another change meanwhile: nothing was written; read the input again against the current base", .0.join(", "))]
    AlreadyStored(Vec<String>),
    /// The store is not initialised (no such database file).
    #[error("no mlgov database at {0}; run `mlgov init` (or `mlgov demo`) first, or pass --db")]
    Missing(String),
}

/// Parses one stored row (column → cell text, empty for NULL) into its record; a row that no longer
/// parses is [`StoreError::Corrupt`]. Shared by every backend so that the domain parser stays the
/// single reader of stored cells.
pub fn record_from_row<R: mlgov_domain::Record, C: mlgov_domain::Cells>(
    table: &str,
    cells: &C,
) -> Result<R, StoreError> {
    R::from_cells(cells).map_err(|ps| StoreError::Corrupt {
        table: table.to_string(),
        id: cells.cell("id").to_string(),
        message: ps
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; "),
    })
}

static SPLIT_ROWS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(50_000);

/// Tables with more rows than this are read (SQLite) or parsed (PostgreSQL) on two threads by a
/// whole load.
pub fn split_rows() -> usize {
    SPLIT_ROWS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Sets [`split_rows`] (tests exercise the two-thread load on small bases).
#[doc(hidden)]
pub fn set_split_rows(n: usize) {
    SPLIT_ROWS.store(n, std::sync::atomic::Ordering::Relaxed);
}

/// One stored row's cells in the order of its record's columns, borrowed from the driver's row
/// where it can (loading a million rows allocates no per-cell keys or copies).
pub struct RowCells<'a> {
    columns: &'static [mlgov_domain::Column],
    values: Vec<std::borrow::Cow<'a, str>>,
}

impl<'a> RowCells<'a> {
    /// Cells of `columns`, one value per column (empty for NULL).
    pub fn new(
        columns: &'static [mlgov_domain::Column],
        values: Vec<std::borrow::Cow<'a, str>>,
    ) -> Self {
        debug_assert_eq!(columns.len(), values.len());
        RowCells { columns, values }
    }
}

impl mlgov_domain::Cells for RowCells<'_> {
    fn cell(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| c.name == column)
            .map(|i| self.values[i].trim())
            .unwrap_or("")
    }
}

/// The ids of `kb`'s records by table (`localities`, …), for the check every backend makes in its
/// write transaction: a change prepared before the latest change set writes no record as new
/// that is stored already ([`StoreError::AlreadyStored`]).
#[doc(hidden)]
pub fn ids_by_table(kb: &KnowledgeBase) -> Vec<(&'static str, Vec<String>)> {
    struct Ids(Vec<(&'static str, Vec<String>)>);
    impl mlgov_domain::TableVisitor for Ids {
        fn table<R: mlgov_domain::Record>(&mut self, rows: &[R]) {
            if !rows.is_empty() {
                self.0.push((
                    R::FILE.trim_end_matches(".csv"),
                    rows.iter().map(|r| r.id().to_string()).collect(),
                ));
            }
        }
    }
    let mut ids = Ids(Vec::new());
    kb.visit(&mut ids);
    ids.0
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

/// A set of changes recorded together, in one transaction ("change set"): new records, new versions
/// of stored records (corrections) and retractions.
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// `import`, `update`, `retract`, …
    pub kind: String,
    /// A note (the file imported, a reason).
    pub note: Option<String>,
    /// Records new to the store.
    pub new: KnowledgeBase,
    /// New versions of stored records (same ids).
    pub corrected: KnowledgeBase,
    /// Stored records to retract, with why.
    pub retracted: Vec<Retraction>,
    /// The proposal this change approves (server review): in the same transaction it must still be
    /// pending, and becomes approved with this change set, else the change is a
    /// [`StoreError::Conflict`] and nothing is written.
    pub approves: Option<Decision>,
    /// The latest change set the change was prepared against ([`Store::latest_change_set`]): a
    /// corrected or retracted record recorded after it makes the whole change a
    /// [`StoreError::Conflict`] (someone changed it meanwhile); `None` skips the check.
    pub prepared_against: Option<i64>,
}

/// Who decides a proposal, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The proposal.
    pub proposal: i64,
    /// The reviewer.
    pub by: String,
    /// Why.
    pub note: Option<String>,
}

/// A comment on a proposal.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    /// When (UTC).
    pub at: String,
    /// Who.
    pub by: String,
    /// What.
    pub text: String,
}

/// A change set proposed for review: the files as submitted and what became of them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Proposal {
    /// Number.
    pub id: i64,
    /// When (UTC).
    pub submitted_at: String,
    /// Who.
    pub submitted_by: String,
    /// What it is about, with its source.
    pub note: Option<String>,
    /// File name → CSV text, as submitted.
    pub files: std::collections::BTreeMap<String, String>,
    /// Whether rows stored with other content become new versions.
    pub update: bool,
    /// The latest change set when it was submitted.
    pub prepared_against: Option<i64>,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    /// When decided.
    pub decided_at: Option<String>,
    /// By whom.
    pub decided_by: Option<String>,
    /// Why.
    pub decision_note: Option<String>,
    /// The change set that applied it.
    pub change_set: Option<i64>,
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
}

/// A retraction: the record stays in the history, closed by the change set, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retraction {
    /// The record.
    pub id: String,
    /// Why (and, where there is one, the source that says so).
    pub reason: String,
}

/// When, by whom and how a change set was recorded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChangeSetInfo {
    /// Number (increasing with time).
    pub id: i64,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub recorded_at: String,
    /// Account (`cli:<user>`, a server account).
    pub recorded_by: String,
    /// `demo`, `import`, `update`, `retract`, `migration`.
    pub kind: String,
    /// Note.
    pub note: Option<String>,
}

/// One recorded version of a record: its cells, the change set that recorded it and the one that
/// closed it (none for the current version).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Version {
    /// Table (`memberships`).
    pub table: String,
    /// The cells (column → text).
    pub cells: std::collections::BTreeMap<String, String>,
    /// Recorded by.
    pub opened: ChangeSetInfo,
    /// Closed by (a correction or a retraction).
    pub closed: Option<ChangeSetInfo>,
    /// `correct` or `retract` when closed.
    pub closed_as: Option<String>,
    /// Why it was closed.
    pub reason: Option<String>,
}

/// Completes a proposal read from a row with its files and comments (JSON text).
pub fn proposal_parts(
    mut p: Proposal,
    files: &str,
    comments: &str,
) -> Result<Proposal, StoreError> {
    p.files = serde_json::from_str(files).map_err(|e| {
        StoreError::Database(DatabaseError::with_source(
            format!("proposal {}: files are not a JSON object: {e}", p.id),
            e,
        ))
    })?;
    p.comments = serde_json::from_str(comments).map_err(|e| {
        StoreError::Database(DatabaseError::with_source(
            format!("proposal {}: comments are not a JSON array: {e}", p.id),
            e,
        ))
    })?;
    Ok(p)
}

/// Parses a history row's cells (a JSON object of column → text or null).
pub fn cells_from_json(
    json: &str,
) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
    let v: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_str(json)
        .map_err(|e| {
            StoreError::Database(DatabaseError::with_source(
                format!("a history row is not a JSON object: {e}"),
                e,
            ))
        })?;
    Ok(v.into_iter()
        .map(|(k, v)| {
            (
                k,
                match v {
                    serde_json::Value::Null => String::new(),
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                },
            )
        })
        .collect())
}

/// The tables of the knowledge base, in the order of `CSV_FILES`.
pub const KB_TABLES: [&str; 14] = [
    "sources",
    "localities",
    "networks",
    "organisations",
    "persons",
    "events",
    "memberships",
    "terms",
    "affiliations",
    "relations",
    "facts",
    "phases",
    "practices",
    "adoptions",
];

/// The columns of a knowledge-base table (from the domain's record types).
pub fn kb_columns(table: &str) -> &'static [mlgov_domain::Column] {
    struct Find<'a>(&'a str, &'static [mlgov_domain::Column]);
    impl mlgov_domain::TableVisitor for Find<'_> {
        fn table<R: mlgov_domain::Record>(&mut self, _rows: &[R]) {
            if R::FILE.trim_end_matches(".csv") == self.0 {
                self.1 = R::COLUMNS;
            }
        }
    }
    let mut f = Find(table, &[]);
    KnowledgeBase::default().visit(&mut f);
    f.1
}

/// The current time as recorded in change sets: UTC, `YYYY-MM-DDTHH:MM:SSZ` (sorts as text).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    mlgov_domain::date::iso_time(secs)
}

/// A point in the recording history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AsOf {
    /// A UTC instant, `YYYY-MM-DDTHH:MM:SSZ`: the base as recorded then.
    Instant(String),
    /// Right after this change set.
    ChangeSet(i64),
}

impl AsOf {
    /// Parses a user's `--as-of` value: a date (`2026-03-01`, the end of that day, UTC), a UTC time
    /// (`2026-03-01T09:30:00Z`) or a change set (`cs:12`).
    pub fn parse(value: &str) -> Result<AsOf, String> {
        if let Some(n) = value.trim().strip_prefix("cs:") {
            return n
                .parse()
                .map(AsOf::ChangeSet)
                .map_err(|_| format!("{value:?}: expected cs:<number>"));
        }
        as_of_instant(value).map(AsOf::Instant)
    }
}

/// Turns a date (`2026-03-01`: the end of that day, UTC) or a UTC time into a recording instant.
pub fn as_of_instant(value: &str) -> Result<String, String> {
    let v = value.trim();
    // On bytes: a time of 20 bytes may hold a character of two across byte 10 (`&v[..10]` panicked).
    let date_ok = |d: &[u8]| {
        d.len() == 10
            && d[4] == b'-'
            && d[7] == b'-'
            && d.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    if date_ok(v.as_bytes()) {
        return Ok(format!("{v}T23:59:59Z"));
    }
    let time_ok = |t: &[u8]| {
        t.iter()
            .enumerate()
            .all(|(i, c)| if i == 2 || i == 5 { *c == b':' } else { c.is_ascii_digit() })
    };
    if v.len() == 20
        && date_ok(&v.as_bytes()[..10])
        && v.as_bytes()[10] == b'T'
        && time_ok(&v.as_bytes()[11..19])
        && v.ends_with('Z')
    {
        return Ok(v.to_string());
    }
    Err(format!(
        "{value:?} is not a date (YYYY-MM-DD), a UTC time (YYYY-MM-DDTHH:MM:SSZ) or a change set (cs:12)"
    ))
}

/// The storage interface every backend implements.
pub trait Store {
    /// Reads the whole knowledge base.
    fn load(&self) -> Result<KnowledgeBase, StoreError>;
    /// Adds every record of `kb` in one transaction: either all rows are written or none.
    /// The caller has validated `kb` against the stored base (see `mlgov-interchange`).
    fn insert_all(&mut self, kb: &KnowledgeBase) -> Result<ImportReport, StoreError> {
        self.write_change(&backend::import_change(kb, false), false).map(|(_, r)| r)
    }
    /// Replaces the whole content by `kb` in one transaction.
    fn replace_all(&mut self, kb: &KnowledgeBase) -> Result<ImportReport, StoreError> {
        self.write_change(&backend::import_change(kb, true), true).map(|(_, r)| r)
    }
    /// Who the next change sets are recorded by (`cli:<user>`, a server account); "unknown" until set.
    fn set_recorder(&mut self, who: &str);
    /// Records a change set in one transaction: inserts the new records, closes the current version
    /// of every corrected or retracted record into the history and writes the corrections. The
    /// caller has validated the result. Returns the change set and the rows written.
    fn apply(&mut self, change: &Change) -> Result<(ChangeSetInfo, ImportReport), StoreError> {
        self.write_change(change, false)
    }
    /// [`Store::apply`], or with `clear` the whole base and its history replaced by the change
    /// ([`Store::replace_all`]): what a backend implements of the three writes.
    fn write_change(
        &mut self,
        change: &Change,
        clear: bool,
    ) -> Result<(ChangeSetInfo, ImportReport), StoreError>;
    /// The stored records with these ids, whatever their tables (ids not stored are left out).
    fn records_by_id(&self, ids: &[String]) -> Result<KnowledgeBase, StoreError>;
    /// The stored memberships of these members (every network).
    fn memberships_of(
        &self,
        members: &[String],
    ) -> Result<Vec<mlgov_domain::Membership>, StoreError>;
    /// Stores a new proposal (pending; `id`, `status` and the decision are ignored); returns its number.
    fn put_proposal(&mut self, proposal: &Proposal) -> Result<i64, StoreError>;
    /// Every proposal, newest first.
    fn proposals(&self) -> Result<Vec<Proposal>, StoreError>;
    /// One proposal.
    fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError>;
    /// Appends a comment.
    fn comment_proposal(&mut self, id: i64, comment: &Comment) -> Result<(), StoreError>;
    /// Rejects a pending proposal ([`StoreError::Conflict`] when it was decided meanwhile).
    fn reject_proposal(&mut self, decision: &Decision) -> Result<(), StoreError>;
    /// The number of the latest change set (`None` for a base never written).
    fn latest_change_set(&self) -> Result<Option<i64>, StoreError>;
    /// Every recorded version of a record, oldest first (empty when the id was never stored).
    fn history(&self, id: &str) -> Result<Vec<Version>, StoreError>;
    /// The change set a moment resolves to: the latest recorded at or before it (None before the
    /// first); a change set resolves to itself. Two moments with the same answer read the same
    /// base, so callers may cache [`Store::load_as_of`] by it.
    fn change_set_at(&self, at: &AsOf) -> Result<Option<i64>, StoreError>;
    /// The knowledge base as it was recorded at a moment or right after a change set.
    fn load_as_of(&self, at: &AsOf) -> Result<KnowledgeBase, StoreError>;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::server::query_strings`): a value of
    /// 20 bytes with a character of two bytes across byte 10 panicked (`?as_of=` of any request).
    #[test]
    fn as_of_reads_dates_times_and_change_sets_and_refuses_the_rest() {
        assert_eq!(AsOf::parse("2026-03-01"), Ok(AsOf::Instant("2026-03-01T23:59:59Z".into())));
        assert_eq!(
            AsOf::parse(" 2026-03-01T09:30:00Z "),
            Ok(AsOf::Instant("2026-03-01T09:30:00Z".into()))
        );
        assert_eq!(AsOf::parse("cs:12"), Ok(AsOf::ChangeSet(12)));
        for bad in [
            "\u{ca0}\u{13a0}\u{3131}\u{3a3}aA\u{fb13}\u{ae}a!",
            "2026-03-0\u{e9}T09:30:00Z",
            "2026-03-01Txx:yy:zzZ",
            "2026-3-1",
            "cs:x",
            "",
            "2026-03-01T09:30:00",
        ] {
            assert!(AsOf::parse(bad).is_err(), "{bad:?}");
        }
    }
}
