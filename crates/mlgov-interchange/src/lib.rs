//! Interchange of the knowledge base: a directory of UTF-8 CSV files (one per record type, see
//! `docs/data-format.md`) or one JSON document. Reading collects every problem with its file,
//! line and field (UTF-8, UTF-16 with BOM or Windows-1252 on request; `,` `;` or tab separators
//! detected from the header line); writing is canonical (sorted, LF, no BOM) so that export → import → export is
//! byte-identical. This crate reads and writes files; it knows nothing of SQL or the terminal.
//!
//! ## Design
//!
//! The CSV directory and JSON formats. Reads with file/line/field diagnostics (invalid UTF-8,
//! headers, unknown columns, enum values, references; encodings, separators and decimal commas by
//! mlgov-textfile; JSON checked first in one pass that builds nothing, `strict`: duplicate keys,
//! `format`, supported `version`, at line and column), writes canonically (sorted by id, LF, no
//! BOM) so that export → import → export is byte-identical. Into a stored base, input is a *batch*
//! (`read_path_batch_with`: references may resolve in the store) planned by `plan_addition` (new,
//! changed — with `--update` — and unchanged rows; a changed row without `--update` names every
//! differing field; unresolved references list the closest stored ids; an overlap with a stored
//! membership is reported at the incoming row). `plan_addition` runs on whatever base it is given:
//! the CLI gives it only the neighbourhood of the batch read from the store (`plan_against_store`
//! in `cmd/kb.rs`), so a batch costs what it touches, not what is stored.
//!
//! *Invariant:* knows files, not SQL; returns either a whole valid base or diagnostics, never a
//! part.

mod csvdir;
mod json;
mod strict;

pub use csvdir::{
    CSV_FILES, read_csv_file, read_csv_file_with, read_dir, read_dir_with, read_memory,
    read_memory_batch, table_to_csv, table_to_csv_with, write_dir, write_dir_with,
};
pub use json::{read_json, to_json, write_json};
pub use strict::SUPPORTED_VERSIONS;

use mlgov_domain::{KnowledgeBase, Record, TableVisitor, TableVisitorMut};
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in input data: where it is and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// File (as given, relative to the imported directory when possible).
    pub file: String,
    /// 1-based line of the record in the file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// Column / field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(c) = &self.field {
            write!(f, ": field {c:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a knowledge base could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InterchangeError {
    /// The input has problems; nothing was read.
    #[error("{} problem(s) in the input", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// An operating-system error.
    #[error("{path}: {source}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl InterchangeError {
    /// The diagnostics when the input was invalid.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            InterchangeError::Invalid(d) => d.clone(),
            InterchangeError::Io { path, source } => vec![Diagnostic {
                file: path.display().to_string(),
                line: None,
                field: None,
                message: source.to_string(),
            }],
        }
    }
}

/// Where each record was read from, to place whole-base validation problems.
#[derive(Clone, Debug, Default)]
pub struct Locations(pub mlgov_domain::fxhash::FxHashMap<String, (String, u64)>);

/// A knowledge base read from files, with the location of each record.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The records.
    pub kb: KnowledgeBase,
    /// id → (file, line).
    pub locations: Locations,
}

/// Reads a directory, a single CSV file or a JSON file, whichever `path` is.
pub fn read_path(path: &Path) -> Result<Loaded, InterchangeError> {
    read_path_with(path, &CsvOptions::default())
}

/// [`read_path`] with an explicit encoding and separator for CSV files.
pub fn read_path_with(path: &Path, opts: &CsvOptions) -> Result<Loaded, InterchangeError> {
    read_path_progress(path, opts, true, &mut |_| {})
}

/// What a reader is doing, for a progress display ([`read_path_progress`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadStep<'a> {
    /// Parsing file `index` (from 1) of `of`: its name as reported in diagnostics, its size.
    File { index: usize, of: usize, name: &'a str, bytes: u64 },
    /// Rows of the current file read so far: every few thousand rows, and once at its end.
    Rows(u64),
    /// Every file read without a problem: checking the records together (ids, references,
    /// overlaps).
    Checking,
}

/// Reads a directory, CSV file or JSON file as [`read_path_with`] (`whole`) or
/// [`read_path_batch_with`] (not `whole`) do, telling `progress` which file it parses, how many
/// rows it has read and when it checks the records together. The result is the same.
pub fn read_path_progress(
    path: &Path,
    opts: &CsvOptions,
    whole: bool,
    progress: &mut dyn FnMut(ReadStep<'_>),
) -> Result<Loaded, InterchangeError> {
    let meta = std::fs::metadata(path)
        .map_err(|source| InterchangeError::Io { path: path.to_path_buf(), source })?;
    if meta.is_dir() {
        csvdir::read_dir_mode(path, opts, whole, progress)
    } else if path.extension().and_then(|e| e.to_str()) == Some("json") {
        progress(ReadStep::File {
            index: 1,
            of: 1,
            name: &path.display().to_string(),
            bytes: meta.len(),
        });
        json::read_json_mode(path, whole)
    } else {
        csvdir::read_csv_file_mode(path, opts, whole, progress)
    }
}

// How CSV files are decoded (`--encoding`, `--delimiter`), under this crate's names: one type each
// in mlgov-textfile. `None` = detect: the separator from the header line (`,` `;` tab), the
// encoding from a BOM, else UTF-8 — Windows-1252 only when asked for, so that a UTF-8 file with one
// broken byte is reported at its cell rather than silently read as another encoding.
pub use mlgov_textfile::{TextEncoding as Encoding, TextOptions as CsvOptions};

/// The ids a batch refers to that it does not define itself (to look up in the store).
pub fn unresolved_references(kb: &KnowledgeBase) -> Vec<String> {
    let mut out: Vec<String> = kb
        .validate()
        .into_iter()
        .filter_map(|p| {
            let m = p.message;
            m.strip_prefix("refers to ")
                .and_then(|r| r.strip_suffix(", which does not exist"))
                .or_else(|| {
                    m.strip_prefix("cites ")
                        .and_then(|r| r.strip_suffix(", which is not in sources.csv"))
                })
                .map(String::from)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a whole-base validation problem is about a reference (which, in a batch added to a stored
/// base, may resolve in the store).
pub(crate) fn is_reference_problem(message: &str) -> bool {
    (message.starts_with("refers to ") && message.ends_with(", which does not exist"))
        || (message.starts_with("cites ") && message.ends_with(", which is not in sources.csv"))
}

/// Reads a directory, CSV file or JSON file as a **batch** to add to a stored base: every row and
/// every rule inside the batch is checked as by [`read_path_with`], except that references may point
/// at records that are only in the store; [`plan_addition`] checks them against it.
pub fn read_path_batch_with(path: &Path, opts: &CsvOptions) -> Result<Loaded, InterchangeError> {
    read_path_progress(path, opts, false, &mut |_| {})
}

/// What adding a batch to a stored base does.
#[derive(Clone, Debug, Default)]
pub struct AdditionPlan {
    /// Records whose ids are new to the store.
    pub new: KnowledgeBase,
    /// Records stored under the same id with other content (written only with `--update`).
    pub changed: KnowledgeBase,
    /// Records stored with identical content: nothing to do.
    pub unchanged: usize,
}

type FxHashSet<T> =
    std::collections::HashSet<T, std::hash::BuildHasherDefault<mlgov_domain::fxhash::FxHasher>>;
/// Stored rows by id, as (file, cells).
type StoredRows = mlgov_domain::fxhash::FxHashMap<String, (&'static str, Vec<String>)>;

/// Plans adding `incoming` (a batch, [`read_path_batch_with`]) to `existing` (a valid base): a
/// record stored with identical content is a no-op; with other content it is an error naming both
/// versions unless `update` (then it is a change); references may resolve in the batch or in the
/// store, and one that resolves in neither is an error listing the closest stored ids. Every
/// problem of the merged base that concerns an incoming record is reported at its file and line.
pub fn plan_addition(
    existing: &KnowledgeBase,
    incoming: &Loaded,
    update: bool,
) -> Result<AdditionPlan, Vec<Diagnostic>> {
    let stored = stored_rows(existing, &incoming.kb);
    let mut split = Split {
        stored: &stored,
        locations: &incoming.locations,
        update,
        changed: FxHashSet::default(),
        unchanged: FxHashSet::default(),
        diags: Vec::new(),
    };
    incoming.kb.visit(&mut split);
    let Split { changed, unchanged, mut diags, .. } = split;
    let mut plan = AdditionPlan {
        new: incoming.kb.clone(),
        changed: incoming.kb.clone(),
        unchanged: unchanged.len(),
    };
    plan.new.visit_mut(&mut Keep(|id: &str| !changed.contains(id) && !unchanged.contains(id)));
    plan.changed.visit_mut(&mut Keep(|id: &str| changed.contains(id)));
    // The merged base: the store with the changed records replaced, plus the new ones.
    let mut merged = existing.clone();
    if !changed.is_empty() {
        merged.visit_mut(&mut Keep(|id: &str| !changed.contains(id)));
        merged.extend(plan.changed.clone());
    }
    merged.extend(plan.new.clone());
    diags.extend(merged_problems(existing, incoming, &merged));
    if diags.is_empty() { Ok(plan) } else { Err(sorted_diagnostics(diags)) }
}

/// Sorted by file, line and field, each once.
pub(crate) fn sorted_diagnostics(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.field.as_deref()).cmp(&(
            b.file.as_str(),
            b.line,
            b.field.as_deref(),
        ))
    });
    diags.dedup();
    diags
}

/// The stored rows that the batch `incoming` names.
fn stored_rows(existing: &KnowledgeBase, incoming: &KnowledgeBase) -> StoredRows {
    let ids: FxHashSet<String> = ids_of(incoming).into_iter().collect();
    struct Stored<'a>(&'a FxHashSet<String>, StoredRows);
    impl TableVisitor for Stored<'_> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            for r in rows.iter().filter(|r| self.0.contains(r.id().as_str())) {
                self.1.insert(r.id().to_string(), (R::FILE, r.to_cells()));
            }
        }
    }
    let mut stored = Stored(&ids, StoredRows::default());
    existing.visit(&mut stored);
    stored.1
}

/// Sorts a batch into new, changed and unchanged records, with the problems of those stored in
/// another table or (without `update`) with other content.
struct Split<'a> {
    stored: &'a StoredRows,
    locations: &'a Locations,
    update: bool,
    changed: FxHashSet<String>,
    unchanged: FxHashSet<String>,
    diags: Vec<Diagnostic>,
}

impl TableVisitor for Split<'_> {
    fn table<R: Record>(&mut self, rows: &[R]) {
        for r in rows {
            let Some((file, cells)) = self.stored.get(r.id().as_str()) else { continue };
            let (f, line) = self.locations.0.get(r.id().as_str()).cloned().unwrap_or_default();
            let located = |message| Diagnostic {
                file: f,
                line: Some(line),
                field: Some("id".into()),
                message,
            };
            if *file != R::FILE {
                self.diags.push(located(format!(
                    "{} is stored in {file}, not in {}; ids are unique across tables",
                    r.id(),
                    R::FILE
                )));
                self.unchanged.insert(r.id().to_string());
                continue;
            }
            let here = r.to_cells();
            if *cells == here {
                self.unchanged.insert(r.id().to_string());
            } else if self.update {
                self.changed.insert(r.id().to_string());
            } else {
                let diffs: Vec<String> = R::COLUMNS
                    .iter()
                    .zip(cells.iter().zip(&here))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(c, (a, b))| format!("{}: stored {a:?}, here {b:?}", c.name))
                    .collect();
                self.diags.push(located(format!("{} is already stored with other content ({}); add --update to record this as a new version (the stored one stays in its history)", r.id(), diags_join(&diffs))));
                // Kept out of the merged base: one message, not a duplicate and its echoes.
                self.unchanged.insert(r.id().to_string());
            }
        }
    }
}

/// Keeps the records whose id the function accepts.
struct Keep<F: Fn(&str) -> bool>(F);

impl<F: Fn(&str) -> bool> TableVisitorMut for Keep<F> {
    fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
        rows.retain(|r| (self.0)(r.id().as_str()));
    }
}

/// The problems of the `merged` base that concern an incoming record, at its file and line; a
/// reference that resolves nowhere lists the closest stored ids.
fn merged_problems(
    existing: &KnowledgeBase,
    incoming: &Loaded,
    merged: &KnowledgeBase,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut stored_ids: Option<Vec<String>> = None;
    for p in merged.validate() {
        let Some(((file, line), mut message)) = locate(incoming, &p) else { continue };
        if let Some(target) = message
            .strip_prefix("refers to ")
            .and_then(|m| m.strip_suffix(", which does not exist"))
            .or_else(|| {
                message
                    .strip_prefix("cites ")
                    .and_then(|m| m.strip_suffix(", which is not in sources.csv"))
            })
        {
            let all = stored_ids.get_or_insert_with(|| ids_of(existing));
            let close = closest(all, target);
            if !close.is_empty() {
                message = format!(
                    "{message} in the file or the store; closest stored ids: {}",
                    close.join(", ")
                );
            } else {
                message = format!("{message} in the file or the store");
            }
        }
        diags.push(Diagnostic { file, line: Some(line), field: Some(p.field), message });
    }
    diags
}

/// Where a problem of the merged base stands in the batch, with its message; `None` when it
/// concerns only stored records.
fn locate(incoming: &Loaded, p: &mlgov_domain::Problem) -> Option<((String, u64), String)> {
    incoming.locations.0.get(&p.id).map(|l| (l.clone(), p.message.clone())).or_else(|| {
        // An overlap is reported on the later of the two rows: when that is the stored one, the
        // incoming row it names carries the problem.
        let other = p.message.strip_prefix("overlaps ")?.split(' ').next()?;
        incoming.locations.0.get(other).map(|l| {
            (
                l.clone(),
                format!(
                    "overlaps the stored {} ({}",
                    p.id,
                    p.message.split_once(" (").map(|(_, r)| r).unwrap_or("")
                ),
            )
        })
    })
}

fn diags_join(d: &[String]) -> String {
    if d.len() > 4 {
        format!("{}; and {} more", d[..4].join("; "), d.len() - 4)
    } else {
        d.join("; ")
    }
}

/// Every id a knowledge base defines.
pub fn ids_of(kb: &KnowledgeBase) -> Vec<String> {
    struct All(Vec<String>);
    impl mlgov_domain::TableVisitor for All {
        fn table<R: mlgov_domain::Record>(&mut self, rows: &[R]) {
            self.0.extend(rows.iter().map(|r| r.id().to_string()));
        }
    }
    let mut a = All(Vec::new());
    kb.visit(&mut a);
    a.0
}

/// The stored ids of the same kind closest to `target` (at most three, within a few edits, or
/// sharing its body as a prefix).
fn closest(ids: &[String], target: &str) -> Vec<String> {
    let prefix = target.split_once(':').map(|(p, _)| p).unwrap_or("");
    let body = target.split_once(':').map(|(_, b)| b).unwrap_or(target);
    let mut scored: Vec<(usize, &String)> = ids
        .iter()
        .filter(|i| i.split_once(':').map(|(p, _)| p) == Some(prefix))
        .map(|i| {
            let b = i.split_once(':').map(|(_, b)| b).unwrap_or(i);
            let d = mlgov_domain::names::distance(body, b);
            (if b.starts_with(body) || body.starts_with(b) { d.min(2) } else { d }, i)
        })
        .filter(|(d, _)| *d <= 3.max(body.len() / 3))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, i)| i.clone()).collect()
}
