//! Interchange of the knowledge base: a directory of UTF-8 CSV files (one per record type, see
//! `docs/data-format.md`) or one JSON document. Reading collects every problem with its file,
//! line and field (UTF-8, UTF-16 with BOM or Windows-1252 on request; `,` `;` or tab separators
//! detected from the header line); writing is canonical (sorted, LF, no BOM) so that export → import → export is
//! byte-identical. This crate reads and writes files; it knows nothing of SQL or the terminal.

mod csvdir;
mod json;

pub use csvdir::{read_csv_file, read_csv_file_with, read_dir, read_dir_with, read_memory, table_to_csv, write_dir, CSV_FILES};
pub use json::{read_json, to_json, write_json};

use mlgov_domain::KnowledgeBase;
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
            InterchangeError::Io { path, source } => vec![Diagnostic { file: path.display().to_string(), line: None, field: None, message: source.to_string() }],
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
    let meta = std::fs::metadata(path).map_err(|source| InterchangeError::Io { path: path.to_path_buf(), source })?;
    if meta.is_dir() {
        read_dir_with(path, opts)
    } else if path.extension().and_then(|e| e.to_str()) == Some("json") {
        read_json(path)
    } else {
        read_csv_file_with(path, opts)
    }
}

// How CSV files are decoded (`--encoding`, `--delimiter`), under this crate's names: one type each
// in mlgov-textfile. `None` = detect: the separator from the header line (`,` `;` tab), the
// encoding from a BOM, else UTF-8 — Windows-1252 only when asked for, so that a UTF-8 file with one
// broken byte is reported at its cell rather than silently read as another encoding.
pub use mlgov_textfile::{TextEncoding as Encoding, TextOptions as CsvOptions};

/// Validates `incoming` as an addition to `existing` (which is assumed valid): every problem of
/// the merged base that concerns an incoming record, placed at its file and line.
pub fn check_addition(existing: &KnowledgeBase, incoming: &Loaded) -> Vec<Diagnostic> {
    let mut merged = existing.clone();
    merged.extend(incoming.kb.clone());
    let mut out = Vec::new();
    for p in merged.validate() {
        let Some((file, line)) = incoming.locations.0.get(&p.id) else { continue };
        if p.message.starts_with("duplicate id") {
            // Duplicates inside the input are reported by the reader with both lines.
            if existing_has(existing, &p.id) {
                out.push(Diagnostic { file: file.clone(), line: Some(*line), field: Some("id".into()), message: format!("duplicate id {}: already in the store", p.id) });
            }
            continue;
        }
        out.push(Diagnostic { file: file.clone(), line: Some(*line), field: Some(p.field), message: p.message });
    }
    out.sort_by(|a, b| (a.file.as_str(), a.line, a.field.as_deref()).cmp(&(b.file.as_str(), b.line, b.field.as_deref())));
    out.dedup();
    out
}

fn existing_has(kb: &KnowledgeBase, id: &str) -> bool {
    kb.counts().values().sum::<usize>() > 0 && {
        struct F<'a>(&'a str, bool);
        impl mlgov_domain::TableVisitor for F<'_> {
            fn table<R: mlgov_domain::Record>(&mut self, rows: &[R]) {
                if rows.iter().any(|r| r.id().as_str() == self.0) {
                    self.1 = true;
                }
            }
        }
        let mut f = F(id, false);
        kb.visit(&mut f);
        f.1
    }
}
