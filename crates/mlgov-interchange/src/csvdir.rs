//! The CSV directory format: reading with per-cell diagnostics, canonical writing.

use crate::{CsvOptions, Diagnostic, InterchangeError, Loaded, Locations, ReadStep};
use mlgov_domain::fxhash::FxHashMap;
use mlgov_domain::{KnowledgeBase, Record, TableVisitor, TableVisitorMut};
use mlgov_textfile::{LineCounter, WithoutBom};
use std::borrow::Cow;
use std::path::Path;

/// The file names of the format, in canonical order.
pub const CSV_FILES: [&str; 14] = [
    "sources.csv",
    "localities.csv",
    "networks.csv",
    "organisations.csv",
    "persons.csv",
    "events.csv",
    "memberships.csv",
    "terms.csv",
    "affiliations.csv",
    "relations.csv",
    "facts.csv",
    "phases.csv",
    "practices.csv",
    "adoptions.csv",
];

fn io(path: &Path, source: std::io::Error) -> InterchangeError {
    InterchangeError::Io { path: path.to_path_buf(), source }
}

/// Reads a knowledge-base directory: its CSV files and those of its immediate subdirectories
/// (sorted by name), as one base. Every problem is reported; nothing is returned if any is found.
/// Files whose names are not in [`CSV_FILES`] are an error (a misspelt file would be silently
/// ignored otherwise); other extensions (`.md`) are skipped.
pub fn read_dir(dir: &Path) -> Result<Loaded, InterchangeError> {
    read_dir_with(dir, &CsvOptions::default())
}

/// [`read_dir`] with an explicit encoding and separator.
pub fn read_dir_with(dir: &Path, opts: &CsvOptions) -> Result<Loaded, InterchangeError> {
    read_dir_mode(dir, opts, true, &mut |_| {})
}

/// Reads a directory as a batch of additions to a stored base (see [`crate::read_path_batch_with`]).
pub(crate) fn read_dir_mode(
    dir: &Path,
    opts: &CsvOptions,
    whole: bool,
    progress: &mut dyn FnMut(ReadStep<'_>),
) -> Result<Loaded, InterchangeError> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    collect(dir, dir, &mut files, &mut diags, true)?;
    if files.is_empty() && diags.is_empty() {
        diags.push(Diagnostic {
            file: dir.display().to_string(),
            line: None,
            field: None,
            message: format!(
                "no knowledge-base CSV files found; expected some of: {}",
                CSV_FILES.join(", ")
            ),
        });
    }
    let mut loaded = Vec::new();
    for (label, path) in &files {
        let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
        loaded.push((label.clone(), file_name(path), bytes));
    }
    read_files(loaded, diags, opts, whole, progress)
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

/// Reads a knowledge base from in-memory files: (relative path, contents); the record type of each
/// comes from its file name. Used for the knowledge base bundled in the binary.
pub fn read_memory(files: &[(&str, &[u8])]) -> Result<Loaded, InterchangeError> {
    let loaded =
        files.iter().map(|(p, b)| (p.to_string(), file_name(Path::new(p)), b.to_vec())).collect();
    read_files(loaded, Vec::new(), &CsvOptions::default(), true, &mut |_| {})
}

/// [`read_memory`] as a batch to add to a stored base (references may resolve in the store).
pub fn read_memory_batch(files: &[(&str, &[u8])]) -> Result<Loaded, InterchangeError> {
    let loaded =
        files.iter().map(|(p, b)| (p.to_string(), file_name(Path::new(p)), b.to_vec())).collect();
    read_files(loaded, Vec::new(), &CsvOptions::default(), false, &mut |_| {})
}

fn collect(
    root: &Path,
    dir: &Path,
    files: &mut Vec<(String, std::path::PathBuf)>,
    diags: &mut Vec<Diagnostic>,
    recurse: bool,
) -> Result<(), InterchangeError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut subdirs = Vec::new();
    for p in entries {
        if p.is_dir() {
            if recurse && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                subdirs.push(p);
            }
            continue;
        }
        if p.extension().and_then(|e| e.to_str()) != Some("csv") {
            continue;
        }
        let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if CSV_FILES.contains(&name.as_str()) {
            files.push((rel, p));
        } else {
            diags.push(Diagnostic {
                file: rel,
                line: None,
                field: None,
                message: format!(
                    "unknown file name {name:?}; expected one of: {}",
                    CSV_FILES.join(", ")
                ),
            });
        }
    }
    for s in subdirs {
        collect(root, &s, files, diags, false)?;
    }
    Ok(())
}

/// Reads one CSV file; its record type is given by its file name (`memberships.csv`, or any name
/// ending in `.<file stem>.csv` such as `big.memberships.csv`).
pub fn read_csv_file(path: &Path) -> Result<Loaded, InterchangeError> {
    read_csv_file_with(path, &CsvOptions::default())
}

/// [`read_csv_file`] with an explicit encoding and separator.
pub fn read_csv_file_with(path: &Path, opts: &CsvOptions) -> Result<Loaded, InterchangeError> {
    read_csv_file_mode(path, opts, true, &mut |_| {})
}

/// Reads one CSV file as a batch of additions to a stored base.
pub(crate) fn read_csv_file_mode(
    path: &Path,
    opts: &CsvOptions,
    whole: bool,
    progress: &mut dyn FnMut(ReadStep<'_>),
) -> Result<Loaded, InterchangeError> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let kind = CSV_FILES.iter().find(|f| name == **f || name.ends_with(&format!(".{f}")));
    match kind {
        Some(_) => {
            let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
            read_files(
                vec![(path.display().to_string(), name, bytes)],
                Vec::new(),
                opts,
                whole,
                progress,
            )
        }
        None => Err(InterchangeError::Invalid(vec![Diagnostic {
            file: path.display().to_string(),
            line: None,
            field: None,
            message: format!(
                "cannot tell the record type from the file name; name it one of: {}",
                CSV_FILES.join(", ")
            ),
        }])),
    }
}

/// `whole`: the files are a whole base (every reference must resolve among them); otherwise a batch
/// whose references may point into the store ([`crate::plan_addition`] checks them there).
/// `progress` hears of each file as it is parsed, of its rows as they are read, and of the
/// whole-base check.
fn read_files(
    files: Vec<(String, String, Vec<u8>)>,
    mut diags: Vec<Diagnostic>,
    opts: &CsvOptions,
    whole: bool,
    progress: &mut dyn FnMut(ReadStep<'_>),
) -> Result<Loaded, InterchangeError> {
    let mut kb = KnowledgeBase::default();
    let mut locations = Locations::default();
    for (i, (label, name, bytes)) in files.iter().enumerate() {
        progress(ReadStep::File {
            index: i + 1,
            of: files.len(),
            name: label,
            bytes: bytes.len() as u64,
        });
        let file_kind = CSV_FILES
            .iter()
            .find(|f| name == **f || name.ends_with(&format!(".{f}")))
            .copied()
            .unwrap_or("");
        let mut reader = TableReader {
            label,
            bytes,
            file_kind,
            diags: &mut diags,
            locations: &mut locations,
            opts,
            progress: &mut *progress,
        };
        kb.visit_mut(&mut reader);
    }
    if diags.is_empty() {
        progress(ReadStep::Checking);
        let mut by_id = Vec::new();
        for p in kb.validate() {
            if p.message.starts_with("duplicate id") {
                continue; // reported by the reader with both lines
            }
            if !whole && crate::is_reference_problem(&p.message) {
                continue; // checked against the store
            }
            let (file, line) = locations.0.get(&p.id).cloned().unwrap_or_default();
            by_id.push(Diagnostic {
                file,
                line: Some(line),
                field: Some(p.field),
                message: p.message,
            });
        }
        diags.extend(by_id);
    }
    if diags.is_empty() {
        Ok(Loaded { kb, locations })
    } else {
        Err(InterchangeError::Invalid(crate::sorted_diagnostics(diags)))
    }
}

struct TableReader<'a> {
    label: &'a str,
    bytes: &'a [u8],
    file_kind: &'static str,
    diags: &'a mut Vec<Diagnostic>,
    locations: &'a mut Locations,
    opts: &'a CsvOptions,
    progress: &'a mut dyn FnMut(ReadStep<'_>),
}

impl TableVisitorMut for TableReader<'_> {
    fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
        if R::FILE != self.file_kind {
            return;
        }
        let expected = || R::COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",");
        if self.bytes.is_empty() {
            self.diag(None, None, format!("file is empty; expected a header row: {}", expected()));
            return;
        }
        let Some(text) = self.decode() else { return };
        let Some((has_header, records)) = self.read_rows(&text, rows) else { return };
        if !has_header {
            self.diag(None, None, format!("file has no header row; expected: {}", expected()));
        }
        (self.progress)(ReadStep::Rows(records));
    }
}

/// A header's column names and their positions.
type Header = (Vec<String>, FxHashMap<String, usize>);

impl<'a> TableReader<'a> {
    fn diag(&mut self, line: Option<u64>, field: Option<&str>, message: String) {
        self.diags.push(Diagnostic {
            file: self.label.to_string(),
            line,
            field: field.map(str::to_string),
            message,
        });
    }

    /// The file as UTF-8: a BOM decides, else UTF-8 (Windows-1252 only when asked for), kept as
    /// bytes so that an invalid sequence is reported at its cell. `None` (reported) when the
    /// file is not in its encoding.
    fn decode(&mut self) -> Option<Cow<'a, [u8]>> {
        match mlgov_textfile::transcode(self.bytes, self.opts.encoding, WithoutBom::Utf8) {
            Ok((t, _)) => Some(t),
            Err(e) => {
                self.diag(Some(e.line as u64), None, format!("the file is not valid {} (byte {}); give its encoding with --encoding (utf-8, utf-16le, utf-16be, windows-1252)", e.encoding, e.offset));
                None
            }
        }
    }

    /// Reads the header and the rows of the decoded `bytes` into `rows`. `None` when it stopped
    /// early (a header it cannot use, malformed CSV, too many problems); else whether a header
    /// was found, and how many records were read.
    fn read_rows<R: Record>(&mut self, bytes: &[u8], rows: &mut Vec<R>) -> Option<(bool, u64)> {
        let delimiter =
            self.opts.delimiter.unwrap_or_else(|| mlgov_textfile::detect_delimiter(bytes));
        // Excel writes decimal commas where `;` separates fields.
        let decimal_comma = delimiter == b';';
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        let mut lines = LineCounter::default();
        let mut record = csv::ByteRecord::new();
        let mut header: Option<Header> = None;
        let mut errors_here = 0usize;
        let mut records = 0u64;
        loop {
            if records.is_multiple_of(8192) && records > 0 {
                (self.progress)(ReadStep::Rows(records));
            }
            if errors_here >= 200 {
                self.diag(None, None, "more than 200 problems in this file; stopping here".into());
                return None;
            }
            match rdr.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    self.diag(line, None, format!("malformed CSV: {e}"));
                    return None;
                }
            }
            let line = record
                .position()
                .map(|p| lines.line_at(bytes, p.byte() as usize) as u64)
                .unwrap_or(0);
            let Some(cells) = self.utf8_cells(&record, header.as_ref().map(|h| &h.0), line) else {
                errors_here += 1;
                continue;
            };
            let Some((h, index)) = &header else {
                header = Some(self.header::<R>(line, &cells)?);
                continue;
            };
            if cells.len() == 1 && cells[0].trim().is_empty() {
                continue; // blank line
            }
            records += 1;
            if cells.len() != h.len() {
                let message =
                    format!("expected {} cells as in the header, found {}", h.len(), cells.len());
                self.diag(Some(line), None, message);
                errors_here += 1;
                continue;
            }
            let cleaned = clean_cells(&cells, h, decimal_comma);
            let cells: Vec<&str> = cleaned.iter().map(|c| c.as_ref()).collect();
            errors_here += self.add_row(rows, line, index, &cells);
        }
        Some((header.is_some(), records))
    }

    /// The record's cells as text; `None` (each invalid cell reported at its column) when one is
    /// not UTF-8.
    fn utf8_cells<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        header: Option<&Vec<String>>,
        line: u64,
    ) -> Option<Vec<&'r str>> {
        let mut cells: Vec<&str> = Vec::with_capacity(record.len());
        let mut bad = false;
        for (i, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => cells.push(s),
                Err(e) => {
                    let col = header
                        .and_then(|h| h.get(i))
                        .cloned()
                        .unwrap_or_else(|| format!("column {}", i + 1));
                    self.diag(Some(line), Some(&col), format!("invalid UTF-8 at byte {} of the cell; the file must be UTF-8 (or give its encoding: --encoding windows-1252 for a CSV saved by Excel)", e.valid_up_to()));
                    bad = true;
                }
            }
        }
        (!bad).then_some(cells)
    }

    /// The header row at `line`: its columns and their positions, or `None` (reported) when it
    /// names no `id`, names an unknown column or one twice, or lacks a required one.
    fn header<R: Record>(&mut self, line: u64, cells: &[&str]) -> Option<Header> {
        let h: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        let known: Vec<&str> = R::COLUMNS.iter().map(|c| c.name).collect();
        if !h.iter().any(|c| c == "id") {
            self.diag(
                Some(line),
                None,
                format!(
                    "missing header row: the first line must name the columns, expected: {}",
                    known.join(",")
                ),
            );
            return None;
        }
        let unknown: Vec<&String> = h.iter().filter(|c| !known.contains(&c.as_str())).collect();
        self.listed(
            line,
            &unknown,
            |c| format!("unknown column {c:?}; expected columns: {}", known.join(",")),
            || {
                format!(
                    "{} unknown columns ({}, …); expected columns: {}",
                    unknown.len(),
                    first_names(&unknown),
                    known.join(",")
                )
            },
        );
        let mut header_ok = unknown.is_empty();
        for c in R::COLUMNS.iter().filter(|c| c.required) {
            if !h.iter().any(|x| x == c.name) {
                self.diag(
                    Some(line),
                    Some(c.name),
                    format!("missing required column {:?}", c.name),
                );
                header_ok = false;
            }
        }
        let mut seen = std::collections::HashSet::new();
        let twice: Vec<&String> = h.iter().filter(|c| !seen.insert(*c)).collect();
        self.listed(
            line,
            &twice,
            |c| format!("column {c:?} appears twice in the header"),
            || {
                format!(
                    "{} columns appear more than once in the header ({}, …)",
                    twice.len(),
                    first_names(&twice)
                )
            },
        );
        header_ok &= twice.is_empty();
        if !header_ok {
            return None;
        }
        let index = h.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
        Some((h, index))
    }

    /// Reports header columns at `line`: a few one by one (`one`), many (a header of 100,000
    /// columns) in one diagnostic (`many`) that names the first of them.
    fn listed(
        &mut self,
        line: u64,
        names: &[&String],
        one: impl Fn(&String) -> String,
        many: impl FnOnce() -> String,
    ) {
        if names.len() <= LISTED_COLUMNS {
            for c in names {
                self.diag(Some(line), Some(c), one(c));
            }
        } else {
            self.diag(Some(line), None, many());
        }
    }

    /// Parses one row at `line` into `rows` unless its id was read before; returns how many
    /// problems it had.
    fn add_row<R: Record>(
        &mut self,
        rows: &mut Vec<R>,
        line: u64,
        index: &FxHashMap<String, usize>,
        cells: &[&str],
    ) -> usize {
        match R::from_input(&RowCells { index, cells }) {
            Ok(r) => {
                let id = r.id().to_string();
                // `locations` holds the first place of every id read so far.
                if let Some((f, l)) = self.locations.0.get(&id) {
                    let message = format!("duplicate id {id}: already defined at {f}:{l}");
                    self.diag(Some(line), Some("id"), message);
                    1
                } else {
                    self.locations.0.insert(id, (self.label.to_string(), line));
                    rows.push(r);
                    0
                }
            }
            Err(problems) => {
                let n = problems.len();
                for p in problems {
                    self.diag(Some(line), Some(&p.field), p.message);
                }
                n
            }
        }
    }
}

/// R writes NA for a missing value: read as empty in every column but `country`, where "NA" is
/// Namibia's ISO code. With `;` separators (`decimal_comma`), lat/lon may have decimal commas.
fn clean_cells<'c>(cells: &[&'c str], header: &[String], decimal_comma: bool) -> Vec<Cow<'c, str>> {
    cells
        .iter()
        .zip(header.iter())
        .map(|(c, name)| {
            let t = c.trim();
            let coordinate = decimal_comma && (name == "lat" || name == "lon");
            if (t == "NA" || t == "N/A") && name != "country" {
                Cow::Borrowed("")
            } else if let Some(pointed) =
                coordinate.then(|| mlgov_textfile::decimal_comma_to_point(t)).flatten()
            {
                Cow::Owned(pointed)
            } else {
                Cow::Borrowed(*c)
            }
        })
        .collect()
}

/// How many unknown or repeated columns of a header are reported one by one; beyond, one
/// diagnostic counts them and names the first [`LISTED_COLUMNS`].
const LISTED_COLUMNS: usize = 5;

/// The first [`LISTED_COLUMNS`] names, quoted.
fn first_names(names: &[&String]) -> String {
    names.iter().take(LISTED_COLUMNS).map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
}

/// One row's cells by column name, over the header's column index (no per-row map).
struct RowCells<'a> {
    index: &'a FxHashMap<String, usize>,
    cells: &'a [&'a str],
}

impl mlgov_domain::Cells for RowCells<'_> {
    fn cell(&self, column: &str) -> &str {
        // A cell mlgov neutralised for spreadsheets (`'=…`) reads back as written before.
        self.index
            .get(column)
            .and_then(|&i| self.cells.get(i))
            .map(|s| mlgov_textfile::spreadsheet_unmark(s.trim()))
            .unwrap_or("")
    }
}

/// Writes every table as a CSV file into `dir` (created if needed): all columns, rows sorted by
/// id, LF line ends, no BOM, formula-like cells neutralised ([`table_to_csv`]). Empty tables are
/// written with their header only.
pub fn write_dir(kb: &KnowledgeBase, dir: &Path) -> Result<Vec<(String, usize)>, InterchangeError> {
    write_dir_with(kb, dir, false)
}

/// [`write_dir`], with `raw`: cells exactly as stored (formula-like cells not neutralised).
pub fn write_dir_with(
    kb: &KnowledgeBase,
    dir: &Path,
    raw: bool,
) -> Result<Vec<(String, usize)>, InterchangeError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut kb = kb.clone();
    kb.sort();
    struct W<'a> {
        dir: &'a Path,
        raw: bool,
        written: Vec<(String, usize)>,
        err: Option<InterchangeError>,
    }
    impl TableVisitor for W<'_> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            if self.err.is_some() {
                return;
            }
            let bytes = table_to_csv_with(rows, self.raw);
            let path = self.dir.join(R::FILE);
            if let Err(e) = write_atomic(&path, &bytes) {
                self.err = Some(io(&path, e));
            }
            self.written.push((R::FILE.to_string(), rows.len()));
        }
    }
    let mut w = W { dir, raw, written: Vec::new(), err: None };
    kb.visit(&mut w);
    match w.err {
        Some(e) => Err(e),
        None => Ok(w.written),
    }
}

/// One table as canonical CSV bytes, formula-like cells neutralised with a leading apostrophe
/// (`mlgov_textfile::spreadsheet_safe`, undone exactly when mlgov reads the file back).
pub fn table_to_csv<R: Record>(rows: &[R]) -> Vec<u8> {
    table_to_csv_with(rows, false)
}

/// [`table_to_csv`], with `raw`: cells exactly as stored.
pub fn table_to_csv_with<R: Record>(rows: &[R], raw: bool) -> Vec<u8> {
    let mut wtr =
        csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    wtr.write_record(R::COLUMNS.iter().map(|c| c.name)).expect("writing to memory");
    for r in rows {
        let cells = r.to_cells();
        if raw {
            wtr.write_record(&cells)
        } else {
            wtr.write_record(cells.iter().map(|c| mlgov_textfile::spreadsheet_safe(c).into_owned()))
        }
        .expect("writing to memory");
    }
    wtr.into_inner().expect("writing to memory")
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("csv.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
