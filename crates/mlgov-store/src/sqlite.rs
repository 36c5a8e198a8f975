//! The embedded SQLite backend: one file, WAL journal, foreign keys on, versioned migrations.

use crate::{
    Change, ChangeSetInfo, Comment, DatabaseError, Decision, ImportReport, KB_TABLES, Proposal,
    Store, StoreError, StoredRelease, StoredSurvey, SurveySummary, Version, kb_columns,
};
use mlgov_domain::{KnowledgeBase, Record, TableVisitorMut};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};

mod tables;
use crate::backend::{PROPOSAL_SELECT, SUMMARY_COLUMNS};
use tables::Sql;

/// Versioned migrations, applied in order; `PRAGMA user_version` records the last applied.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_surveys.sql")),
    (3, include_str!("../migrations/sqlite/0003_versions.sql")),
    (4, include_str!("../migrations/sqlite/0004_proposals.sql")),
];

/// What identifies the stored base at the start of a read transaction: the latest change set (its
/// id and time) and how many there are. Every write of the base records a change set, so two
/// connections that see the same moment see the same rows.
#[derive(Debug, PartialEq, Eq)]
struct Moment(Option<i64>, Option<String>, i64);

impl Moment {
    fn read(conn: &Connection) -> Result<Moment, StoreError> {
        conn.query_row("SELECT max(id), (SELECT recorded_at FROM change_sets ORDER BY id DESC LIMIT 1), count(*) FROM change_sets", [], |r| Ok(Moment(r.get(0)?, r.get(1)?, r.get(2)?))).map_err(db)
    }
}

/// Rows of `R`'s table (matching a condition over one text parameter), in storage order: walking
/// the id index instead would look every row up by rowid (a million random reads at scale).
fn read_rows<R: Record>(
    conn: &Connection,
    condition: Option<&str>,
    param: Option<&str>,
) -> Result<Vec<R>, StoreError> {
    let table = R::FILE.trim_end_matches(".csv");
    let cols: Vec<String> = R::COLUMNS.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let sql = format!(
        "SELECT {} FROM {table}{}",
        cols.join(","),
        condition.map(|c| format!(" WHERE {c}")).unwrap_or_default()
    );
    let mut stmt = conn.prepare(&sql).map_err(db)?;
    let mut q = match param {
        Some(param) => stmt.query(params![param]),
        None => stmt.query([]),
    }
    .map_err(db)?;
    let mut rows = Vec::new();
    while let Some(row) = q.next().map_err(db)? {
        let values = (0..R::COLUMNS.len())
            .map(|i| cell_text(row.get_ref(i).map_err(db)?))
            .collect::<Result<Vec<_>, _>>()?;
        rows.push(crate::record_from_row(table, &crate::RowCells::new(R::COLUMNS, values))?);
    }
    Ok(rows)
}

/// Every row of a table; a large one is read and parsed half here and half by a second read-only
/// connection on another thread, when that connection sees the same `moment` (otherwise, a write
/// having come in between, this connection reads the second half too). Halves one core's work
/// of a server's start at a million memberships.
fn split_read<R: Record>(store: &SqliteStore, moment: &Moment) -> Result<Vec<R>, StoreError> {
    let table = R::FILE.trim_end_matches(".csv");
    let last: Option<i64> = store
        .conn
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))
        .map_err(db)?;
    let last = last.unwrap_or(0);
    if last <= crate::split_rows() as i64 || store.path == Path::new(":memory:") {
        return read_rows(&store.conn, None, None);
    }
    let mid = last / 2;
    let path = &store.path;
    let (upper, lower) = std::thread::scope(|sc| {
        let other = sc.spawn(move || -> Result<Option<Vec<R>>, StoreError> {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(db)?;
            conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db)?;
            conn.execute_batch("BEGIN").map_err(db)?;
            if Moment::read(&conn)? != *moment {
                return Ok(None);
            }
            read_rows(&conn, Some(&format!("rowid > {mid}")), None).map(Some)
        });
        let lower = read_rows::<R>(&store.conn, Some(&format!("rowid <= {mid}")), None);
        (other.join(), lower)
    });
    let mut rows = lower?;
    match upper {
        Ok(Ok(Some(upper))) => rows.extend(upper),
        // Another moment, or the second connection failed: this one reads the rest.
        _ => rows.extend(read_rows::<R>(&store.conn, Some(&format!("rowid > {mid}")), None)?),
    }
    Ok(rows)
}

/// A stored cell as text, borrowed (NULL reads as empty; numbers written by other tools as their
/// decimal text).
fn cell_text(v: rusqlite::types::ValueRef<'_>) -> Result<std::borrow::Cow<'_, str>, StoreError> {
    use rusqlite::types::ValueRef;
    use std::borrow::Cow;
    Ok(match v {
        ValueRef::Null => Cow::Borrowed(""),
        ValueRef::Text(t) => Cow::Borrowed(std::str::from_utf8(t).map_err(|e| {
            StoreError::Database(DatabaseError::with_source(
                format!("a stored cell is not UTF-8: {e}"),
                e,
            ))
        })?),
        ValueRef::Integer(n) => Cow::Owned(n.to_string()),
        ValueRef::Real(x) => Cow::Owned(x.to_string()),
        ValueRef::Blob(_) => {
            return Err(StoreError::Database("a stored cell is a blob, expected text".into()));
        }
    })
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(DatabaseError::with_source(e.to_string(), e))
}

/// The SQLite store.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    recorder: String,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations. A new file is
    /// created readable by its owner only, and so are its `-wal` and `-shm` files
    /// ([`crate::private::create_database_file`]).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::setup(crate::own_tables::open_file(path).map_err(db)?, path)
    }

    /// Opens an existing database; fails with [`StoreError::Missing`] if the file does not exist.
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db)?;
        Self::setup(conn, path)
    }

    /// An in-memory store (tests).
    pub fn in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(db)?;
        Self::setup(conn, Path::new(":memory:"))
    }

    fn setup(conn: Connection, path: &Path) -> Result<Self, StoreError> {
        crate::own_tables::configure(&conn).map_err(db)?;
        let mut store = SqliteStore { conn, path: path.to_path_buf(), recorder: "unknown".into() };
        store.migrate()?;
        Ok(store)
    }

    /// What identifies the stored base now — `kb:<newest change set>@<its time>#<count>`, `-`
    /// before any — in the form of the base part of PostgreSQL's change fingerprint
    /// (`mlgov_store_postgres::changes::same_base`): a server whose file changed without a new
    /// mark (a login, an audit entry, a survey answer) keeps the base it has.
    pub fn base_mark(&self) -> Result<String, StoreError> {
        let Moment(id, at, count) = Moment::read(&self.conn)?;
        Ok(match (id, at) {
            (Some(id), Some(at)) => format!("kb:{id}@{at}#{count}"),
            _ => "-".into(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let current: i64 =
            self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db)?;
        let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > newest {
            return Err(StoreError::TooNew { found: current, supported: newest });
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let tx = self.conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.execute_batch(&format!("PRAGMA user_version = {version}")).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }

    /// The rows of every table (or only `only`), in id order — all of them, or those matching a
    /// condition over one text parameter (`?1`). A whole load reads every table in one read
    /// transaction, and a large table on two threads ([`split_read`]).
    fn select_where(
        &self,
        filter: Option<(&str, &str)>,
        only: Option<&str>,
    ) -> Result<KnowledgeBase, StoreError> {
        struct L<'a> {
            store: &'a SqliteStore,
            filter: Option<(&'a str, &'a str)>,
            only: Option<&'a str>,
            moment: Option<Moment>,
            err: Option<StoreError>,
        }
        impl TableVisitorMut for L<'_> {
            fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
                let table = R::FILE.trim_end_matches(".csv");
                if self.err.is_some() || self.only.is_some_and(|o| o != table) {
                    return;
                }
                let result: Result<Vec<R>, StoreError> = match (&self.filter, &self.moment) {
                    (None, Some(moment)) => split_read(self.store, moment),
                    (filter, _) => {
                        read_rows(&self.store.conn, filter.map(|f| f.0), filter.map(|f| f.1))
                    }
                };
                match result {
                    Ok(mut read) => {
                        // Ids are unique, so this is the order `ORDER BY id` gives (BINARY
                        // collation: byte order, as `str`'s); rows read in id order are checked
                        // in one pass.
                        read.sort_unstable_by(|a, b| a.id().cmp(b.id()));
                        *rows = read;
                    }
                    Err(e) => self.err = Some(e),
                }
            }
        }
        let whole = filter.is_none() && only.is_none();
        // A whole load reads every table at the same moment (one read transaction), which a
        // second connection joins only when it finds the same moment.
        if whole {
            self.conn.execute_batch("BEGIN").map_err(db)?;
        }
        let moment = if whole { Some(Moment::read(&self.conn)) } else { None };
        let mut kb = KnowledgeBase::default();
        let mut l = L { store: self, filter, only, moment: moment.transpose()?, err: None };
        kb.visit_mut(&mut l);
        if whole {
            // Only read: ending the transaction cannot lose anything.
            let _ = self.conn.execute_batch("COMMIT");
        }
        match l.err {
            Some(e) => Err(e),
            None => Ok(kb),
        }
    }
}

/// `json_object('id', "id", …)` over a table's columns: a row's cells as JSON text.
fn json_of(table: &str) -> String {
    let parts: Vec<String> =
        kb_columns(table).iter().map(|c| format!("'{0}', \"{0}\"", c.name)).collect();
    format!("json_object({})", parts.join(", "))
}

fn proposal_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Proposal, StoreError>> {
    let files: String = r.get(4)?;
    let comments: String = r.get(12)?;
    let update: i64 = r.get(5)?;
    let base = Proposal {
        id: r.get(0)?,
        submitted_at: r.get(1)?,
        submitted_by: r.get(2)?,
        note: r.get(3)?,
        files: Default::default(),
        update: update != 0,
        prepared_against: r.get(6)?,
        status: r.get(7)?,
        decided_at: r.get(8)?,
        decided_by: r.get(9)?,
        decision_note: r.get(10)?,
        change_set: r.get(11)?,
        comments: Vec::new(),
    };
    Ok(crate::proposal_parts(base, &files, &comments))
}

impl Store for SqliteStore {
    fn set_recorder(&mut self, who: &str) {
        self.recorder = who.to_string();
    }

    /// One change set in one transaction.
    fn write_change(
        &mut self,
        change: &Change,
        clear: bool,
    ) -> Result<(ChangeSetInfo, ImportReport), StoreError> {
        let tx = self.conn.transaction().map_err(db)?;
        // A 256 MB page cache (default 2 MB) keeps a large import's B-tree pages in memory instead
        // of spilling them to the WAL mid-transaction: a 1,000,000-row import spends 4x less
        // system time (docs/benchmarks-import.md).
        tx.execute_batch("PRAGMA defer_foreign_keys = ON; PRAGMA cache_size = -262144")
            .map_err(db)?;
        // The write lock is held from the first write on: no change set can be recorded meanwhile.
        let recorder = self.recorder.clone();
        let written = crate::backend::write_change(&mut Sql(&tx), change, clear, recorder)?;
        tx.commit().map_err(db)?;
        Ok(written)
    }

    fn records_by_id(&self, ids: &[String]) -> Result<KnowledgeBase, StoreError> {
        let list = serde_json::to_string(ids).expect("strings");
        self.select_where(Some(("id IN (SELECT value FROM json_each(?1))", &list)), None)
    }

    fn memberships_of(
        &self,
        members: &[String],
    ) -> Result<Vec<mlgov_domain::Membership>, StoreError> {
        let list = serde_json::to_string(members).expect("strings");
        Ok(self
            .select_where(
                Some(("member IN (SELECT value FROM json_each(?1))", &list)),
                Some("memberships"),
            )?
            .memberships)
    }

    fn put_proposal(&mut self, p: &Proposal) -> Result<i64, StoreError> {
        let files = serde_json::to_string(&p.files).expect("strings");
        self.conn
            .query_row(
                "INSERT INTO change_proposals (id, submitted_at, submitted_by, note, files, update_rows, prepared_against) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM change_proposals), ?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![p.submitted_at, p.submitted_by, p.note, files, p.update as i64, p.prepared_against],
                |r| r.get(0),
            )
            .map_err(db)
    }

    fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        let mut stmt =
            self.conn.prepare(&format!("{PROPOSAL_SELECT} ORDER BY id DESC")).map_err(db)?;
        let rows = stmt
            .query_map([], proposal_row)
            .map_err(db)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db)?;
        rows.into_iter().collect()
    }

    fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError> {
        self.conn
            .query_row(&format!("{PROPOSAL_SELECT} WHERE id = ?1"), params![id], proposal_row)
            .optional()
            .map_err(db)?
            .transpose()
    }

    fn comment_proposal(&mut self, id: i64, comment: &Comment) -> Result<(), StoreError> {
        let c = serde_json::to_string(comment).expect("strings");
        let n = self.conn.execute("UPDATE change_proposals SET comments = json_insert(comments, '$[#]', json(?1)) WHERE id = ?2", params![c, id]).map_err(db)?;
        crate::backend::commented(n as u64, id)
    }

    fn reject_proposal(&mut self, d: &Decision) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute(
                "UPDATE change_proposals SET status = 'rejected', decided_at = ?1, decided_by = ?2, decision_note = ?3 WHERE id = ?4 AND status = 'pending'",
                params![crate::utc_now(), d.by, d.note, d.proposal],
            )
            .map_err(db)?;
        crate::backend::rejected(n as u64, d)
    }

    fn latest_change_set(&self) -> Result<Option<i64>, StoreError> {
        self.conn.query_row("SELECT max(id) FROM change_sets", [], |r| r.get(0)).map_err(db)
    }

    fn history(&self, id: &str) -> Result<Vec<Version>, StoreError> {
        crate::backend::history(&mut Sql(&self.conn), id)
    }

    fn change_set_at(&self, as_of: &crate::AsOf) -> Result<Option<i64>, StoreError> {
        match as_of {
            crate::AsOf::Instant(instant) => self
                .conn
                .query_row(
                    "SELECT max(id) FROM change_sets WHERE recorded_at <= ?1",
                    params![instant],
                    |r| r.get(0),
                )
                .map_err(db),
            crate::AsOf::ChangeSet(n) => Ok(Some(*n)),
        }
    }

    fn load_as_of(&self, as_of: &crate::AsOf) -> Result<KnowledgeBase, StoreError> {
        match self.change_set_at(as_of)? {
            Some(at) => crate::backend::load_at(&mut Sql(&self.conn), at),
            None => Ok(KnowledgeBase::default()),
        }
    }

    fn load(&self) -> Result<KnowledgeBase, StoreError> {
        self.select_where(None, None)
    }

    fn counts(&self) -> Result<Vec<(&'static str, usize)>, StoreError> {
        KB_TABLES
            .iter()
            .map(|t| {
                let n: i64 = self
                    .conn
                    .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                    .map_err(db)?;
                Ok((*t, n as usize))
            })
            .collect()
    }

    fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(db)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(db)?;
        for r in rows {
            let r = r.map_err(db)?;
            if r != "ok" {
                problems.push(r);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check").map_err(db)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "foreign key violation in {} row {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?
                ))
            })
            .map_err(db)?;
        for r in rows {
            problems.push(r.map_err(db)?);
        }
        Ok(problems)
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db)
    }

    fn surveys(&self) -> Result<Vec<SurveySummary>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM survey_datasets ORDER BY name"))
            .map_err(db)?;
        let rows = st.query_map([], summary_row).map_err(db)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.map_err(db)??);
        }
        Ok(out)
    }

    fn survey(&self, name: &str) -> Result<Option<StoredSurvey>, StoreError> {
        let row = self
            .conn
            .query_row(&format!("SELECT {SUMMARY_COLUMNS}, instrument_toml, localities_csv, data FROM survey_datasets WHERE name = ?1"), [name], |r| {
                let s = summary_row(r)?;
                Ok(s.map(|s| (s, r.get::<_, String>(10), r.get::<_, String>(11), r.get::<_, String>(12))))
            })
            .optional()
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        let (s, toml, locs, data) = row?;
        Ok(Some(StoredSurvey {
            summary: s,
            instrument_toml: toml.map_err(db)?,
            localities_csv: locs.map_err(db)?,
            data: data.map_err(db)?,
        }))
    }

    fn put_survey(&mut self, survey: &StoredSurvey) -> Result<i64, StoreError> {
        let s = &survey.summary;
        let tx = self.conn.transaction().map_err(db)?;
        let prev: Option<i64> = tx
            .query_row("SELECT version FROM survey_versions WHERE name = ?1", [&s.name], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)?;
        let version = prev.unwrap_or(0) + 1;
        tx.execute("INSERT INTO survey_versions (name, version) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET version = excluded.version", params![s.name, version]).map_err(db)?;
        tx.execute("DELETE FROM survey_datasets WHERE name = ?1", [&s.name]).map_err(db)?;
        tx.execute(
            "INSERT INTO survey_datasets (name, version, origin, synthetic, project, source_file, instrument_id, instrument_version, instrument_toml, localities_csv, data, respondents, written_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![s.name, version, s.origin.as_str(), s.synthetic, s.project, s.source_file, s.instrument_id, s.instrument_version, survey.instrument_toml, survey.localities_csv, survey.data, s.respondents, s.written_at],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(version)
    }

    fn delete_survey(&mut self, name: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM survey_datasets WHERE name = ?1", [name]).map_err(db)?
            > 0)
    }

    fn released_surveys(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT survey FROM survey_releases ORDER BY survey")
            .map_err(db)?;
        let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
        rows.collect::<Result<Vec<String>, _>>().map_err(db)
    }

    fn releases(&self, survey: &str) -> Result<Vec<StoredRelease>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT survey, number, survey_version, created_at, created_by, min_cell, content, cell_members FROM survey_releases WHERE survey = ?1 ORDER BY number")
            .map_err(db)?;
        let rows = st
            .query_map([survey], |r| {
                Ok(StoredRelease {
                    survey: r.get(0)?,
                    number: r.get(1)?,
                    survey_version: r.get(2)?,
                    created_at: r.get(3)?,
                    created_by: r.get(4)?,
                    min_cell: r.get(5)?,
                    content: r.get(6)?,
                    cell_members: r.get(7)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db)
    }

    fn put_release(&mut self, r: &StoredRelease) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let latest: i64 = tx
            .query_row(
                "SELECT coalesce(max(number), 0) FROM survey_releases WHERE survey = ?1",
                [&r.survey],
                |x| x.get(0),
            )
            .map_err(db)?;
        crate::backend::next_release(latest, r)?;
        tx.execute(
            "INSERT INTO survey_releases (survey, number, survey_version, created_at, created_by, min_cell, content, cell_members) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![r.survey, r.number, r.survey_version, r.created_at, r.created_by, r.min_cell, r.content, r.cell_members],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }
}

/// A [`SurveySummary`] from the first columns of a row ([`crate::backend::SUMMARY_COLUMNS`]); an unknown origin is
/// [`StoreError::Corrupt`].
fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<SurveySummary, StoreError>> {
    let name: String = r.get(0)?;
    let origin: String = r.get(2)?;
    let origin = match crate::backend::survey_origin(&name, &origin) {
        Ok(origin) => origin,
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(SurveySummary {
        name,
        version: r.get(1)?,
        origin,
        synthetic: r.get(3)?,
        project: r.get(4)?,
        source_file: r.get(5)?,
        instrument_id: r.get(6)?,
        instrument_version: r.get(7)?,
        respondents: r.get(8)?,
        written_at: r.get(9)?,
    }))
}
