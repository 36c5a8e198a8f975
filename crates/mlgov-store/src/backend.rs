//! What both backends share: the steps of writing a change set, reading a record's versions and
//! loading the base as of a change set, over the statements each backend runs in its own SQL
//! dialect and driver ([`Tables`]). A backend opens the transaction, sets what its engine needs
//! (deferred keys, locks) and commits; everything in between is here.

use crate::{
    Change, ChangeSetInfo, Decision, ImportReport, KB_TABLES, StoreError, StoredRelease,
    SurveyOrigin, Version, cells_from_json,
};
use mlgov_domain::{KnowledgeBase, Record, TableVisitor, TableVisitorMut};

/// The columns of a proposal, in the order both backends read them.
pub const PROPOSAL_SELECT: &str = "SELECT id, submitted_at, submitted_by, note, files, update_rows, prepared_against, status, decided_at, decided_by, decision_note, change_set, comments FROM change_proposals";

/// The columns of a [`SurveySummary`], in the order both backends read them.
pub const SUMMARY_COLUMNS: &str = "name, version, origin, synthetic, project, source_file, instrument_id, instrument_version, respondents, written_at";

/// A stored survey's origin; an unknown one is [`StoreError::Corrupt`].
pub fn survey_origin(name: &str, origin: &str) -> Result<SurveyOrigin, StoreError> {
    SurveyOrigin::parse(origin).ok_or_else(|| StoreError::Corrupt {
        table: "survey_datasets".into(),
        id: name.to_string(),
        message: format!("origin {origin:?}"),
    })
}

/// [`crate::Store::comment_proposal`]'s outcome from the rows its update touched.
pub fn commented(updated: u64, id: i64) -> Result<(), StoreError> {
    if updated == 1 { Ok(()) } else { Err(StoreError::Conflict(format!("no proposal {id}"))) }
}

/// [`crate::Store::reject_proposal`]'s outcome from the rows its update touched.
pub fn rejected(updated: u64, d: &Decision) -> Result<(), StoreError> {
    if updated == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "proposal {} is not pending (decided already, or no such proposal)",
            d.proposal
        )))
    }
}

/// Whether `r` is the release after the `latest` one stored ([`crate::Store::put_release`]).
pub fn next_release(latest: i64, r: &StoredRelease) -> Result<(), StoreError> {
    if r.number != latest + 1 {
        return Err(StoreError::Conflict(format!(
            "survey {:?} has {latest} release(s); the next one is number {}, not {}",
            r.survey,
            latest + 1,
            r.number
        )));
    }
    Ok(())
}

/// A closed version of a record as `record_history` holds it.
#[derive(Clone, Debug)]
pub struct HistoryRow {
    /// Table (`memberships`).
    pub table: String,
    /// The cells as a JSON object.
    pub cells: String,
    /// The change set that recorded it.
    pub opened: i64,
    /// The change set that closed it.
    pub closed: i64,
    /// `correct` or `retract`.
    pub op: String,
    /// Why it was closed.
    pub reason: Option<String>,
}

/// The statements of a change set, a history or a past load, each in one backend's dialect, inside
/// the transaction (or on the connection) the backend holds.
pub trait Tables {
    /// Deletes every record of the base, its history and its change sets.
    fn clear(&mut self) -> Result<(), StoreError>;
    /// Inserts `info` as the change set numbered after the newest; returns its number.
    fn record_change_set(&mut self, info: &ChangeSetInfo) -> Result<i64, StoreError>;
    /// The newest change set numbered below `id`.
    fn latest_before(&mut self, id: i64) -> Result<Option<i64>, StoreError>;
    /// Up to ten of `ids` that `table` holds.
    fn stored_ids(&mut self, table: &str, ids: &[String]) -> Result<Vec<String>, StoreError>;
    /// Copies the current version of `id` into `record_history`, closed as `closing` says when it
    /// was recorded at or before change set `closing.prepared`; how many rows were copied.
    fn archive(&mut self, table: &str, id: &str, closing: Closing<'_>) -> Result<u64, StoreError>;
    /// Deletes the current version of `id` (closed by [`Tables::archive`]).
    fn delete_current(&mut self, table: &str, id: &str) -> Result<(), StoreError>;
    /// Whether `table` holds `id` now.
    fn holds(&mut self, table: &str, id: &str) -> Result<bool, StoreError>;
    /// Marks a pending proposal approved at `at` by change set `cs`; how many rows were updated.
    fn approve(&mut self, decision: &Decision, at: &str, cs: i64) -> Result<u64, StoreError>;
    /// Writes the rows of one table, recorded by change set `cs`.
    fn insert<R: Record>(&mut self, rows: &[R], cs: i64) -> Result<(), StoreError>;
    /// One change set, if recorded.
    fn change_set(&mut self, id: i64) -> Result<Option<ChangeSetInfo>, StoreError>;
    /// The closed versions of `id`, oldest first.
    fn closed_versions(&mut self, id: &str) -> Result<Vec<HistoryRow>, StoreError>;
    /// The current version of `id` in `table`: its cells (JSON) and the change set that recorded it.
    fn current(&mut self, table: &str, id: &str) -> Result<(String, Option<i64>), StoreError>;
    /// The cells (JSON) of every version of `table`'s records current right after change set `at`.
    fn cells_at(&mut self, table: &str, at: i64) -> Result<Vec<String>, StoreError>;
}

/// How a version is closed: by which change set, as what (`correct`, `retract`) and why, if it
/// was recorded at or before the change set the change was prepared against.
#[derive(Clone, Copy, Debug)]
pub struct Closing<'a> {
    /// The change set the change was prepared against (`i64::MAX`: any).
    pub prepared: i64,
    /// The change set that closes it.
    pub cs: i64,
    /// `correct` or `retract`.
    pub op: &'a str,
    /// Why (retractions).
    pub reason: Option<&'a str>,
}

/// The change that [`crate::Store::insert_all`] (`clear` false: an import) and
/// [`crate::Store::replace_all`] (`clear` true: the demo) record.
pub fn import_change(kb: &KnowledgeBase, clear: bool) -> Change {
    Change {
        kind: if clear { "demo".into() } else { "import".into() },
        new: kb.clone(),
        ..Change::default()
    }
}

/// Records `change` as one change set by `recorder` (`clear`: the whole base and its history are
/// replaced), in the transaction behind `t`; the caller commits.
pub fn write_change<T: Tables>(
    t: &mut T,
    change: &Change,
    clear: bool,
    recorder: String,
) -> Result<(ChangeSetInfo, ImportReport), StoreError> {
    if clear {
        t.clear()?;
    }
    let info = ChangeSetInfo {
        id: 0,
        recorded_at: crate::utc_now(),
        recorded_by: recorder,
        kind: change.kind.clone(),
        note: change.note.clone(),
    };
    let id = t.record_change_set(&info)?;
    let info = ChangeSetInfo { id, ..info };
    if !clear {
        refuse_stored_meanwhile(t, change, id)?;
    }
    close_corrected(t, change, id)?;
    close_retracted(t, change, id)?;
    if let Some(d) = &change.approves {
        approve(t, d, &info)?;
    }
    let report = write_records(t, change, id)?;
    Ok((info, report))
}

/// Records to add that another change stored after this one was prepared (two identical imports
/// at once) are refused whole, for the caller to plan again. Checked only when a change set was
/// recorded since (the backend holds its write lock: none can be recorded now).
fn refuse_stored_meanwhile<T: Tables>(
    t: &mut T,
    change: &Change,
    id: i64,
) -> Result<(), StoreError> {
    if t.latest_before(id)? == change.prepared_against {
        return Ok(());
    }
    for (table, ids) in crate::ids_by_table(&change.new) {
        let stored = t.stored_ids(table, &ids)?;
        if !stored.is_empty() {
            return Err(StoreError::AlreadyStored(stored));
        }
    }
    Ok(())
}

/// Closes the current version of every corrected record.
fn close_corrected<T: Tables>(t: &mut T, change: &Change, cs: i64) -> Result<(), StoreError> {
    struct Close<'a, T> {
        t: &'a mut T,
        cs: i64,
        prepared: Option<i64>,
        err: Option<StoreError>,
    }
    impl<T: Tables> TableVisitor for Close<'_, T> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            for r in rows {
                if self.err.is_none() {
                    let closing = Closing {
                        prepared: self.prepared.unwrap_or(i64::MAX),
                        cs: self.cs,
                        op: "correct",
                        reason: None,
                    };
                    let table = R::FILE.trim_end_matches(".csv");
                    self.err = close_version(self.t, table, r.id().as_str(), closing).err();
                }
            }
        }
    }
    let mut close = Close { t, cs, prepared: change.prepared_against, err: None };
    change.corrected.visit(&mut close);
    close.err.map_or(Ok(()), Err)
}

/// Closes the current version of every retracted record.
fn close_retracted<T: Tables>(t: &mut T, change: &Change, cs: i64) -> Result<(), StoreError> {
    for r in &change.retracted {
        let table = table_of(t, &r.id)?.ok_or_else(|| {
            StoreError::Conflict(format!("{} is not stored (any more): nothing to retract", r.id))
        })?;
        let prepared = change.prepared_against.unwrap_or(i64::MAX);
        let closing = Closing { prepared, cs, op: "retract", reason: Some(&r.reason) };
        close_version(t, table, &r.id, closing)?;
    }
    Ok(())
}

/// Marks the proposal the change applies as approved, refused when it was decided meanwhile.
fn approve<T: Tables>(t: &mut T, d: &Decision, info: &ChangeSetInfo) -> Result<(), StoreError> {
    if t.approve(d, &info.recorded_at, info.id)? != 1 {
        return Err(StoreError::Conflict(format!(
            "proposal {} is not pending any more (decided meanwhile): nothing was applied",
            d.proposal
        )));
    }
    Ok(())
}

/// Writes the corrected and the new records; the rows written by table.
fn write_records<T: Tables>(
    t: &mut T,
    change: &Change,
    cs: i64,
) -> Result<ImportReport, StoreError> {
    struct Writer<'a, T> {
        t: &'a mut T,
        cs: i64,
        report: ImportReport,
        err: Option<StoreError>,
    }
    impl<T: Tables> TableVisitor for Writer<'_, T> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            if self.err.is_some() || rows.is_empty() {
                return;
            }
            match self.t.insert(rows, self.cs) {
                Ok(()) => self.report.written.push((R::FILE, rows.len())),
                Err(e) => self.err = Some(e),
            }
        }
    }
    let mut report = ImportReport::default();
    for kb in [&change.corrected, &change.new] {
        let mut w = Writer { t: &mut *t, cs, report: ImportReport::default(), err: None };
        kb.visit(&mut w);
        if let Some(e) = w.err {
            return Err(e); // the transaction rolls back on drop
        }
        for (table, n) in w.report.written {
            match report.written.iter_mut().find(|(u, _)| *u == table) {
                Some(e) => e.1 += n,
                None => report.written.push((table, n)),
            }
        }
    }
    Ok(report)
}

/// Moves the current version of `id` into the history and deletes it; a version recorded after
/// the change set the change was prepared against (or already gone) is a conflict.
fn close_version<T: Tables>(
    t: &mut T,
    table: &str,
    id: &str,
    closing: Closing<'_>,
) -> Result<(), StoreError> {
    if t.archive(table, id, closing)? != 1 {
        return Err(StoreError::Conflict(format!(
            "{id} was changed or retracted in {table} after this change was prepared: nothing was applied; prepare it again against the current base"
        )));
    }
    t.delete_current(table, id)
}

/// The table that holds `id` now.
fn table_of<T: Tables>(t: &mut T, id: &str) -> Result<Option<&'static str>, StoreError> {
    for table in KB_TABLES {
        if t.holds(table, id)? {
            return Ok(Some(table));
        }
    }
    Ok(None)
}

/// A change set, or a placeholder for one not recorded (versions older than the history).
fn change_set<T: Tables>(t: &mut T, id: i64) -> Result<ChangeSetInfo, StoreError> {
    Ok(t.change_set(id)?.unwrap_or(ChangeSetInfo {
        id,
        recorded_at: String::new(),
        recorded_by: "unknown".into(),
        kind: "unknown".into(),
        note: None,
    }))
}

/// Every recorded version of `id`, oldest first ([`crate::Store::history`]).
pub fn history<T: Tables>(t: &mut T, id: &str) -> Result<Vec<Version>, StoreError> {
    let mut out = Vec::new();
    for row in t.closed_versions(id)? {
        out.push(Version {
            table: row.table,
            cells: cells_from_json(&row.cells)?,
            opened: change_set(t, row.opened)?,
            closed: Some(change_set(t, row.closed)?),
            closed_as: Some(row.op),
            reason: row.reason,
        });
    }
    if let Some(table) = table_of(t, id)? {
        let (cells, cs) = t.current(table, id)?;
        out.push(Version {
            table: table.to_string(),
            cells: cells_from_json(&cells)?,
            opened: change_set(t, cs.unwrap_or(0))?,
            closed: None,
            closed_as: None,
            reason: None,
        });
    }
    Ok(out)
}

/// The base as it was right after change set `at`, sorted ([`crate::Store::load_as_of`]).
pub fn load_at<T: Tables>(t: &mut T, at: i64) -> Result<KnowledgeBase, StoreError> {
    struct L<'a, T> {
        t: &'a mut T,
        at: i64,
        err: Option<StoreError>,
    }
    impl<T: Tables> TableVisitorMut for L<'_, T> {
        fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
            if self.err.is_some() {
                return;
            }
            let table = R::FILE.trim_end_matches(".csv");
            let result = (|| -> Result<(), StoreError> {
                for cells in self.t.cells_at(table, self.at)? {
                    rows.push(crate::record_from_row(table, &cells_from_json(&cells)?)?);
                }
                Ok(())
            })();
            if let Err(e) = result {
                self.err = Some(e);
            }
        }
    }
    let mut kb = KnowledgeBase::default();
    let mut l = L { t, at, err: None };
    kb.visit_mut(&mut l);
    if let Some(e) = l.err {
        return Err(e);
    }
    kb.sort();
    Ok(kb)
}
