//! Intake of survey answers from CSV or XLSX bytes, in the long format (one answer per row) or the
//! wide format (one respondent per row), with validation that collects every error.
//!
//! Formats are specified in docs/survey.md. Intake is all-or-nothing: either the whole dataset or
//! the complete list of problems.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Cursor;

use crate::dataset::{Dataset, PerceptionAnswer, Respondent};
use crate::instrument::{Instrument, PerceptionKind};
use crate::limits::{self, LimitKind, Limits, XlsxCheck, thousands};
use mlgov_textfile::{LineCounter, TextOptions, WithoutBom};

/// File container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Comma-separated values (UTF-8, optional BOM).
    Csv,
    /// Excel workbook; the first worksheet is read.
    Xlsx,
}

impl FileKind {
    /// Guess from a file name's extension (`.xlsx` → Xlsx, anything else → Csv).
    pub fn from_name(name: &str) -> FileKind {
        if name.to_ascii_lowercase().ends_with(".xlsx") { FileKind::Xlsx } else { FileKind::Csv }
    }
}

/// Table layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One answer per row: respondent, locality, role, affiliation, period, item, value.
    Long,
    /// One respondent per row: respondent, locality, role, affiliation, freq_<period>_<actor>, ...
    Wide,
    /// Long when the header has an `item` column, otherwise wide.
    Auto,
}

/// Options of one intake.
#[derive(Debug, Clone, Copy)]
pub struct IntakeOptions<'a> {
    /// Container.
    pub kind: FileKind,
    /// Layout.
    pub layout: Layout,
    /// When given, every locality must be in this set.
    pub known_localities: Option<&'a HashSet<String>>,
}

/// How the bytes of a file are read, beyond what [`IntakeOptions`] says: text encoding and
/// separator of CSV files, and the limits that bound the work on hostile files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Encoding and separator (detected when not given).
    pub text: TextOptions,
    /// Size caps.
    pub limits: Limits,
}

/// What went wrong with one cell or row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntakeErrorKind {
    /// The file could not be read as CSV/XLSX.
    Unreadable(String),
    /// A required column is absent from the header.
    MissingColumn,
    /// The header names a column this layout does not know.
    UnknownColumn {
        /// What would have been accepted.
        expected: String,
    },
    /// A column appears twice in the header.
    DuplicateColumn,
    /// A value is not an integer.
    NotAnInteger {
        /// The cell text.
        value: String,
    },
    /// An integer outside the scale.
    OutOfRange {
        /// The value read.
        value: i64,
        /// Smallest allowed.
        min: i32,
        /// Largest allowed.
        max: i32,
    },
    /// A value that is not one of the instrument's ids.
    UnknownCategory {
        /// Which list (role, period, item, affiliation, option, boolean).
        what: &'static str,
        /// The cell text.
        value: String,
        /// The accepted values.
        expected: String,
    },
    /// The respondent id is empty.
    MissingRespondent,
    /// A respondent or locality id holds a character an identifier may not hold (a control
    /// character, a bidirectional override, a symbol outside ASCII).
    InvalidId {
        /// `respondent` or `locality`.
        what: &'static str,
        /// The cell text.
        value: String,
        /// The first character refused.
        found: char,
        /// Its 1-based position in characters.
        at: usize,
    },
    /// The respondent has no locality.
    MissingLocality {
        /// Respondent id.
        respondent: String,
    },
    /// The locality is not in the caller's set.
    UnknownLocality {
        /// Locality id.
        locality: String,
    },
    /// The same (respondent, period, item) was answered twice.
    DuplicateAnswer {
        /// Respondent id.
        respondent: String,
        /// Item name.
        item: String,
        /// Period id ("" for perception items).
        period: String,
        /// Row of the first answer.
        first_row: usize,
    },
    /// A wide-format respondent appears on two rows.
    DuplicateRespondent {
        /// Respondent id.
        respondent: String,
        /// First row.
        first_row: usize,
    },
    /// Two rows of one respondent disagree on an attribute.
    InconsistentAttribute {
        /// Respondent id.
        respondent: String,
        /// Value first seen.
        first: String,
        /// Row where first seen.
        first_row: usize,
        /// Value on this row.
        this: String,
    },
    /// A frequency or nature item without a period.
    MissingPeriod,
    /// A perception item with a period.
    UnexpectedPeriod {
        /// The period given.
        period: String,
    },
    /// A size limit was exceeded; the file was not read further.
    LimitExceeded {
        /// Which limit.
        limit: LimitKind,
        /// The amount seen (at least this much).
        seen: u64,
        /// The limit.
        max: u64,
    },
    /// The file is the export of a known survey tool; its columns need a mapping file.
    NeedsMapping {
        /// The tool's name (Qualtrics, LimeSurvey, KoboToolbox).
        tool: String,
    },
}

/// One intake problem, located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeError {
    /// File name as given by the caller.
    pub file: String,
    /// 1-based row (the header is row 1; 0 = the whole file).
    pub row: usize,
    /// Column name, if the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong.
    pub kind: IntakeErrorKind,
}

impl fmt::Display for IntakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.row)?;
        if let Some(c) = &self.column {
            write!(f, ": column {c}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl fmt::Display for IntakeErrorKind {
    /// What is wrong and what was expected, without the place ([`IntakeError`] adds it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IntakeErrorKind as K;
        match self {
            K::Unreadable(m) => write!(f, "cannot read file: {m}"),
            K::MissingColumn => write!(f, "required column is missing from the header"),
            K::UnknownColumn { expected } => {
                write!(f, "unknown column; expected one of {expected}")
            }
            K::DuplicateColumn => write!(f, "column appears twice in the header"),
            K::NotAnInteger { value } => write!(
                f,
                "{value:?} is not an integer; expected a whole number or an empty cell for a missing answer"
            ),
            K::OutOfRange { value, min, max } => {
                write!(f, "value {value} out of range; expected {min}..={max} or empty")
            }
            K::UnknownCategory { what, value, expected } => {
                write!(f, "unknown {what} {value:?}; expected one of {expected}")
            }
            K::MissingRespondent => write!(f, "empty respondent id; expected a respondent id"),
            K::InvalidId { what, value, found, at } => write!(
                f,
                "{what} id {value:?} holds U+{:04X} at character {at}; expected an identifier of letters, digits, spaces and ASCII punctuation",
                *found as u32
            ),
            K::MissingLocality { respondent } => {
                write!(f, "respondent {respondent:?} has no locality; expected a locality id")
            }
            K::UnknownLocality { locality } => write!(
                f,
                "unknown locality {locality:?}; expected a locality id of the knowledge base"
            ),
            K::DuplicateAnswer { respondent, item, period, first_row } => {
                if period.is_empty() {
                    write!(
                        f,
                        "duplicated answer: respondent {respondent:?} item {item:?} already answered on row {first_row}"
                    )
                } else {
                    write!(
                        f,
                        "duplicated answer: respondent {respondent:?} item {item:?} period {period:?} already answered on row {first_row}"
                    )
                }
            }
            K::DuplicateRespondent { respondent, first_row } => write!(
                f,
                "respondent {respondent:?} already appears on row {first_row}; expected one row per respondent in the wide format"
            ),
            K::InconsistentAttribute { respondent, first, first_row, this } => write!(
                f,
                "inconsistent attribute for respondent {respondent:?}: {this:?} here but {first:?} on row {first_row}"
            ),
            K::MissingPeriod => write!(f, "frequency and nature items need a period"),
            K::UnexpectedPeriod { period } => write!(
                f,
                "perception items take no period (got {period:?}); expected an empty cell"
            ),
            K::LimitExceeded { limit, seen, max } => write!(
                f,
                "{} exceeds the limit: at least {} > {}; if the file is trusted, raise the limit with {} (library: {})",
                limit.what(),
                thousands(*seen),
                thousands(*max),
                limit.flag(),
                limit.field()
            ),
            K::NeedsMapping { tool } => write!(
                f,
                "this looks like a {tool} export: its columns must be mapped to the instrument first; draft a mapping with `mlgov survey mapping suggest FILE -o map.toml`, check it, then import with `--mapping map.toml` (docs/survey.md, \"Survey-tool exports\")"
            ),
        }
    }
}

/// All problems of a rejected file: the first [`KEPT_ERRORS`] in file order, then how many more
/// were found and not kept (memory stays bounded on files with millions of bad cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeErrors(pub Vec<IntakeError>, pub usize);

/// How many problems an intake keeps in detail.
pub const KEPT_ERRORS: usize = 1000;
/// How many problems [`IntakeErrors`]'s `Display` prints before the count of the rest.
pub const PRINTED_ERRORS: usize = 100;

impl IntakeErrors {
    /// Total number of problems found (kept and not kept).
    pub fn total(&self) -> usize {
        self.0.len() + self.1
    }
}

impl fmt::Display for IntakeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s):", thousands(self.total() as u64))?;
        for e in self.0.iter().take(PRINTED_ERRORS) {
            write!(f, "\n  {e}")?;
        }
        let rest = self.total().saturating_sub(PRINTED_ERRORS);
        if rest > 0 {
            write!(
                f,
                "\n  … and {} more problem{}",
                thousands(rest as u64),
                if rest == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for IntakeErrors {}

/// Read a survey file with default [`ReadOptions`] (encoding and separator detected, default
/// limits). `file` names the file in messages. Returns the full dataset or every problem found.
pub fn read_survey(
    bytes: &[u8],
    file: &str,
    instrument: &Instrument,
    opts: IntakeOptions<'_>,
) -> Result<Dataset, IntakeErrors> {
    read_survey_with(bytes, file, instrument, opts, &ReadOptions::default())
}

/// Read a survey file in mlgov's long or wide layout, with explicit encoding, separator and
/// limits. The export of a known survey tool (Qualtrics, LimeSurvey, KoboToolbox) is refused with
/// [`IntakeErrorKind::NeedsMapping`]: use [`crate::mapping::read_mapped`] for those.
pub fn read_survey_with(
    bytes: &[u8],
    file: &str,
    instrument: &Instrument,
    opts: IntakeOptions<'_>,
    read: &ReadOptions,
) -> Result<Dataset, IntakeErrors> {
    let mut st = State::new(file, instrument, opts.known_localities);
    if let Some(src) = Source::open(bytes, opts.kind, read, &mut st) {
        read_layout(&src, &mut st, opts.layout, &read.limits);
    }
    st.finish()
}

// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Freq(usize),
    Nature(usize),
    Perception(usize),
}

pub(crate) struct State<'a> {
    file: &'a str,
    pub(crate) ins: &'a Instrument,
    known: Option<&'a HashSet<String>>,
    errors: Vec<IntakeError>,
    /// Problems found beyond [`KEPT_ERRORS`].
    omitted: usize,
    /// Names of the respondent, locality, role and affiliation columns in messages (the file's own
    /// names when a mapping renamed them).
    pub(crate) attr_cols: [String; 4],
    ds: Dataset,
    /// Respondents by id (see [`IdIndex`]).
    by_id: IdIndex,
    /// Row where each respondent was first seen.
    first_row: Vec<u32>,
    /// For duplicate detection: row of the first answer per cell (0 = unseen). Layout:
    /// per respondent, periods×actors freq, then periods×actors nature, then perceptions.
    /// Not kept (empty) when `track_answers` is off: in mlgov's wide layout a cell cannot be
    /// answered twice (one row per respondent, no repeated column), so the table would only cost
    /// memory (16 MB for 50,000 respondents).
    answered: Vec<u32>,
    pub(crate) track_answers: bool,
    items: HashMap<String, Item>,
    synthetic: bool,
}

/// Column roles in the long layout.
struct LongCols {
    respondent: usize,
    locality: usize,
    role: usize,
    affiliation: Option<usize>,
    period: Option<usize>,
    item: usize,
    value: usize,
    synthetic: Option<usize>,
}

pub(crate) enum WideCol {
    Respondent,
    Locality,
    Role,
    Affiliation,
    Synthetic,
    Answer(Item, Option<usize>),
}

pub(crate) fn list(v: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = v.into_iter().map(|s| s.as_ref().to_string()).collect();
    if v.len() > 12 {
        format!("{}, … ({} values; see the instrument)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
}

/// The first character of an identifier (a respondent or locality id, as the survey tool wrote
/// it) outside the grammar of identifiers — letters and digits of any script, spaces and printable
/// ASCII punctuation — with its 1-based position: control characters, bidirectional overrides,
/// invisible and other non-ASCII symbols are refused.
pub fn identifier_problem(s: &str) -> Option<(usize, char)> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    s.chars()
        .enumerate()
        .find(|(_, c)| !((' '..='~').contains(c) || c.is_alphanumeric()))
        .map(|(i, c)| (i + 1, c))
}

pub(crate) fn is_missing(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a")
}

impl<'a> State<'a> {
    pub(crate) fn new(
        file: &'a str,
        ins: &'a Instrument,
        known: Option<&'a HashSet<String>>,
    ) -> State<'a> {
        let mut items = HashMap::new();
        for (i, a) in ins.actors.iter().enumerate() {
            items.insert(format!("freq_{}", a.id), Item::Freq(i));
            items.insert(format!("nature_{}", a.id), Item::Nature(i));
        }
        for (i, p) in ins.perceptions.iter().enumerate() {
            items.insert(p.id.clone(), Item::Perception(i));
        }
        State {
            file,
            ins,
            known,
            errors: Vec::new(),
            omitted: 0,
            attr_cols: [
                "respondent".into(),
                "locality".into(),
                "role".into(),
                "affiliation".into(),
            ],
            ds: Dataset::new(ins),
            by_id: IdIndex::default(),
            first_row: Vec::new(),
            answered: Vec::new(),
            track_answers: true,
            items,
            synthetic: false,
        }
    }

    pub(crate) fn err(&mut self, row: usize, column: Option<&str>, kind: IntakeErrorKind) {
        if self.errors.len() >= KEPT_ERRORS {
            self.omitted += 1;
            return;
        }
        self.errors.push(IntakeError {
            file: self.file.to_string(),
            row,
            column: column.map(str::to_string),
            kind,
        });
    }

    fn cells_per_respondent(&self) -> usize {
        2 * self.ins.periods.len() * self.ins.actors.len() + self.ins.perceptions.len()
    }

    fn cell_index(&self, r: usize, item: Item, period: Option<usize>) -> usize {
        let np = self.ins.periods.len();
        let na = self.ins.actors.len();
        let base = r * self.cells_per_respondent();
        match item {
            Item::Freq(a) => base + period.unwrap_or(0) * na + a,
            Item::Nature(a) => base + np * na + period.unwrap_or(0) * na + a,
            Item::Perception(i) => base + 2 * np * na + i,
        }
    }

    /// Number of problems found so far.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.len() + self.omitted
    }

    pub(crate) fn finish(mut self) -> Result<Dataset, IntakeErrors> {
        if self.errors.is_empty() && self.ds.is_empty() {
            self.err(0, None, IntakeErrorKind::Unreadable("the file holds no respondents".into()));
        }
        if self.errors.is_empty() {
            self.ds.synthetic = self.synthetic;
            Ok(self.ds)
        } else {
            Err(IntakeErrors(self.errors, self.omitted))
        }
    }

    /// Find or create the respondent of a row and check its attributes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn respondent<'b>(
        &mut self,
        row: usize,
        id: &str,
        locality: &'b str,
        role: &'b str,
        affiliation: Option<&'b str>,
        synthetic: Option<&str>,
        wide: bool,
    ) -> Option<usize> {
        if let Some(s) = synthetic {
            self.synthetic_cell(row, s);
        }
        let id = id.trim();
        if id.is_empty() {
            self.err(row, Some(&self.attr_cols[0].clone()), IntakeErrorKind::MissingRespondent);
            return None;
        }
        if let Some((at, found)) = identifier_problem(id) {
            self.err(
                row,
                Some(&self.attr_cols[0].clone()),
                IntakeErrorKind::InvalidId { what: "respondent", value: id.into(), found, at },
            );
            return None;
        }
        // `NA` (R) and `N/A` are missing in every column, attributes included.
        let blank = |s: &'b str| if is_missing(s) { "" } else { s };
        let attrs = [
            blank(locality.trim()),
            blank(role.trim()),
            blank(affiliation.map(str::trim).unwrap_or("")),
        ];
        if let Some(r) = self.by_id.get(id, &self.ds.respondents) {
            if wide {
                let first_row = self.first_row[r] as usize;
                self.err(
                    row,
                    Some(&self.attr_cols[0].clone()),
                    IntakeErrorKind::DuplicateRespondent { respondent: id.into(), first_row },
                );
                return None;
            }
            self.same_attributes(row, id, r, attrs);
            return Some(r);
        }
        self.new_respondent(row, id, attrs)
    }

    /// The `synthetic` column of a row: `true` flags the dataset.
    fn synthetic_cell(&mut self, row: usize, s: &str) {
        match s.trim() {
            "" | "false" => {}
            "true" => self.synthetic = true,
            other => self.err(
                row,
                Some("synthetic"),
                IntakeErrorKind::UnknownCategory {
                    what: "boolean",
                    value: other.into(),
                    expected: "true, false".into(),
                },
            ),
        }
    }

    /// A respondent seen before (long layout): its locality, role and affiliation must be the
    /// same as in its first row.
    fn same_attributes(
        &mut self,
        row: usize,
        id: &str,
        r: usize,
        [locality, role_s, aff_s]: [&str; 3],
    ) {
        let first_row = self.first_row[r] as usize;
        let [_, c_loc, c_role, c_aff] = self.attr_cols.clone();
        let resp = &self.ds.respondents[r];
        let role_first = self.ins.roles[resp.role].id.as_str();
        let aff_first =
            resp.affiliation.map(|a| self.ins.affiliations[a].id.as_str()).unwrap_or("");
        if resp.locality != locality || role_first != role_s || aff_first != aff_s {
            let mismatches: Vec<(&String, String, String)> = [
                (&c_loc, resp.locality.as_str(), locality),
                (&c_role, role_first, role_s),
                (&c_aff, aff_first, aff_s),
            ]
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(c, a, b)| (c, a.to_string(), b.to_string()))
            .collect();
            for (col, first, this) in mismatches {
                self.err(
                    row,
                    Some(col.as_str()),
                    IntakeErrorKind::InconsistentAttribute {
                        respondent: id.into(),
                        first,
                        first_row,
                        this,
                    },
                );
            }
        }
    }

    /// A respondent not seen before: check its locality, role and affiliation and add it.
    fn new_respondent(
        &mut self,
        row: usize,
        id: &str,
        [locality, role_s, aff_s]: [&str; 3],
    ) -> Option<usize> {
        let col = |st: &Self, i: usize| st.attr_cols[i].clone();
        let mut ok = true;
        if locality.is_empty() {
            self.err(
                row,
                Some(&col(self, 1)),
                IntakeErrorKind::MissingLocality { respondent: id.into() },
            );
            ok = false;
        } else if let Some((at, found)) = identifier_problem(locality) {
            self.err(
                row,
                Some(&col(self, 1)),
                IntakeErrorKind::InvalidId { what: "locality", value: locality.into(), found, at },
            );
            ok = false;
        } else if let Some(k) = self.known
            && !k.contains(locality)
        {
            self.err(
                row,
                Some(&col(self, 1)),
                IntakeErrorKind::UnknownLocality { locality: locality.into() },
            );
            ok = false;
        }
        let role = self.ins.role_index(role_s);
        if role.is_none() {
            let expected = list(self.ins.roles.iter().map(|r| &r.id));
            self.err(
                row,
                Some(&col(self, 2)),
                IntakeErrorKind::UnknownCategory { what: "role", value: role_s.into(), expected },
            );
            ok = false;
        }
        let affiliation = if aff_s.is_empty() {
            None
        } else {
            let a = self.ins.affiliation_index(aff_s);
            if a.is_none() {
                let expected = list(self.ins.affiliations.iter().map(|r| &r.id));
                self.err(
                    row,
                    Some(&col(self, 3)),
                    IntakeErrorKind::UnknownCategory {
                        what: "affiliation",
                        value: aff_s.into(),
                        expected,
                    },
                );
                ok = false;
            }
            a
        };
        if !ok {
            return None;
        }
        let r = self.ds.push_respondent(Respondent {
            id: id.to_string(),
            locality: locality.to_string(),
            role: role.unwrap_or(0),
            affiliation,
        });
        self.by_id.insert(id, r, &self.ds.respondents);
        self.first_row.push(row.min(u32::MAX as usize) as u32);
        if self.track_answers {
            let n = self.cells_per_respondent();
            self.answered.extend(std::iter::repeat_n(0u32, n));
        }
        Some(r)
    }

    fn parse_int(
        &mut self,
        row: usize,
        col: &str,
        s: &str,
        min: i32,
        max: i32,
    ) -> Result<Option<i32>, ()> {
        // Fast path: one digit (every answer of a stored survey).
        if let &[b @ b'0'..=b'9'] = s.as_bytes() {
            let v = i32::from(b - b'0');
            if v < min || v > max {
                self.err(row, Some(col), IntakeErrorKind::OutOfRange { value: v as i64, min, max });
                return Err(());
            }
            return Ok(Some(v));
        }
        let s = s.trim();
        if is_missing(s) {
            return Ok(None);
        }
        let v: i64 = match s.parse::<i64>() {
            Ok(v) => v,
            // A whole number written as a decimal, with a point or a comma (`4.0`, `4,0`).
            Err(_) => match mlgov_textfile::parse_number(s).ok_or(()) {
                Ok(f) if f.fract() == 0.0 && f.abs() < 1e12 => f as i64,
                _ => {
                    self.err(row, Some(col), IntakeErrorKind::NotAnInteger { value: s.into() });
                    return Err(());
                }
            },
        };
        if v < min as i64 || v > max as i64 {
            self.err(row, Some(col), IntakeErrorKind::OutOfRange { value: v, min, max });
            return Err(());
        }
        Ok(Some(v as i32))
    }

    /// Parse and store one answer. `r` is None when the respondent was rejected (the value is
    /// still validated so every error is reported).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn answer(
        &mut self,
        row: usize,
        col: &str,
        r: Option<usize>,
        item: Item,
        item_name: &str,
        period: Option<usize>,
        value: &str,
    ) {
        let ins = self.ins;
        let parsed: Result<Option<Stored>, ()> = match item {
            Item::Freq(_) => self
                .parse_int(row, col, value, ins.frequency.min, ins.frequency.max)
                .map(|v| v.map(Stored::Int)),
            Item::Nature(_) => self
                .parse_int(row, col, value, ins.nature.answered_min, ins.nature.answered_max)
                .map(|v| v.map(|x| Stored::Int(x + ins.nature.reported_offset))),
            Item::Perception(i) => self.parse_perception(row, col, i, value),
        };
        let (Some(r), Ok(v)) = (r, parsed) else { return };
        if self.track_answers {
            let c = self.cell_index(r, item, period);
            let first = self.answered[c];
            if first != 0 {
                let respondent = self.ds.respondents[r].id.clone();
                let period = period.map(|p| ins.periods[p].id.clone()).unwrap_or_default();
                self.err(
                    row,
                    Some(col),
                    IntakeErrorKind::DuplicateAnswer {
                        respondent,
                        item: item_name.into(),
                        period,
                        first_row: first as usize,
                    },
                );
                return;
            }
            self.answered[c] = row.min(u32::MAX as usize) as u32;
        }
        let p = period.unwrap_or(0);
        match (item, v) {
            (Item::Freq(a), Some(Stored::Int(x))) => self.ds.set_freq(r, p, a, Some(x as u8)),
            (Item::Nature(a), Some(Stored::Int(x))) => self.ds.set_nature(r, p, a, Some(x as i8)),
            (Item::Perception(i), Some(Stored::Perception(pa))) => {
                self.ds.set_perception(r, i, Some(pa))
            }
            _ => {}
        }
    }

    fn parse_perception(
        &mut self,
        row: usize,
        col: &str,
        i: usize,
        value: &str,
    ) -> Result<Option<Stored>, ()> {
        let it = &self.ins.perceptions[i];
        let value = value.trim();
        match it.kind {
            PerceptionKind::Scale => {
                let (lo, hi) = (it.min.unwrap_or(0), it.max.unwrap_or(0));
                self.parse_int(row, col, value, lo, hi)
                    .map(|v| v.map(|x| Stored::Perception(PerceptionAnswer::Scale(x))))
            }
            PerceptionKind::Choice => {
                if is_missing(value) {
                    return Ok(None);
                }
                match it.options.iter().position(|o| o.id == value) {
                    Some(o) => Ok(Some(Stored::Perception(PerceptionAnswer::Choice(o)))),
                    None => {
                        let expected = list(it.options.iter().map(|o| &o.id));
                        self.err(
                            row,
                            Some(col),
                            IntakeErrorKind::UnknownCategory {
                                what: "option",
                                value: value.into(),
                                expected,
                            },
                        );
                        Err(())
                    }
                }
            }
            PerceptionKind::Multi => {
                if is_missing(value) {
                    return Ok(None);
                }
                let mut chosen = Vec::new();
                let mut bad = false;
                for part in value.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                    if part == "none" {
                        continue;
                    }
                    match it.options.iter().position(|o| o.id == part) {
                        Some(o) => chosen.push(o),
                        None => {
                            let mut expected = list(it.options.iter().map(|o| &o.id));
                            expected.push_str(", none");
                            self.err(
                                row,
                                Some(col),
                                IntakeErrorKind::UnknownCategory {
                                    what: "option",
                                    value: part.into(),
                                    expected,
                                },
                            );
                            bad = true;
                        }
                    }
                }
                if bad {
                    return Err(());
                }
                chosen.sort_unstable();
                chosen.dedup();
                Ok(Some(Stored::Perception(PerceptionAnswer::Multi(chosen))))
            }
        }
    }

    // ---- layouts ------------------------------------------------------------------------

    fn long_header(&mut self, header: &[&str]) -> Option<LongCols> {
        let mut idx: HashMap<&str, usize> = HashMap::new();
        let known = [
            "respondent",
            "locality",
            "role",
            "affiliation",
            "period",
            "item",
            "value",
            "synthetic",
        ];
        for (i, h) in header.iter().enumerate() {
            let h = h.trim();
            if !known.contains(&h) {
                self.err(1, Some(h), IntakeErrorKind::UnknownColumn { expected: known.join(", ") });
            } else if idx.insert(h, i).is_some() {
                self.err(1, Some(h), IntakeErrorKind::DuplicateColumn);
            }
        }
        let mut missing = false;
        for req in ["respondent", "locality", "role", "item", "value"] {
            if !idx.contains_key(req) {
                self.err(1, Some(req), IntakeErrorKind::MissingColumn);
                missing = true;
            }
        }
        if missing {
            return None;
        }
        Some(LongCols {
            respondent: idx["respondent"],
            locality: idx["locality"],
            role: idx["role"],
            affiliation: idx.get("affiliation").copied(),
            period: idx.get("period").copied(),
            item: idx["item"],
            value: idx["value"],
            synthetic: idx.get("synthetic").copied(),
        })
    }

    fn long_row(&mut self, c: &LongCols, row: usize, fields: &[&str]) {
        let f = |i: usize| -> &str { fields.get(i).copied().unwrap_or("") };
        let r = self.respondent(
            row,
            f(c.respondent),
            f(c.locality),
            f(c.role),
            c.affiliation.map(f),
            c.synthetic.map(f),
            false,
        );
        let item_s = f(c.item).trim();
        let Some(&item) = self.items.get(item_s) else {
            let expected = "freq_<actor>, nature_<actor> or a perception id (".to_string()
                + &list(self.ins.perceptions.iter().map(|p| &p.id))
                + ")";
            self.err(
                row,
                Some("item"),
                IntakeErrorKind::UnknownCategory { what: "item", value: item_s.into(), expected },
            );
            return;
        };
        let per_s = c.period.map(f).unwrap_or("").trim();
        let period = match item {
            Item::Perception(_) => {
                if !per_s.is_empty() {
                    self.err(
                        row,
                        Some("period"),
                        IntakeErrorKind::UnexpectedPeriod { period: per_s.into() },
                    );
                    return;
                }
                None
            }
            _ => {
                if per_s.is_empty() {
                    self.err(row, Some("period"), IntakeErrorKind::MissingPeriod);
                    return;
                }
                match self.ins.period_index(per_s) {
                    Some(p) => Some(p),
                    None => {
                        let expected = list(self.ins.periods.iter().map(|p| &p.id));
                        self.err(
                            row,
                            Some("period"),
                            IntakeErrorKind::UnknownCategory {
                                what: "period",
                                value: per_s.into(),
                                expected,
                            },
                        );
                        return;
                    }
                }
            }
        };
        self.answer(row, "value", r, item, item_s, period, f(c.value));
    }

    fn wide_header(&mut self, header: &[&str]) -> Option<Vec<WideCol>> {
        let mut cols = Vec::with_capacity(header.len());
        let mut seen = HashSet::new();
        let mut ok = true;
        for h in header {
            let h = h.trim();
            if !seen.insert(h.to_string()) {
                self.err(1, Some(h), IntakeErrorKind::DuplicateColumn);
                ok = false;
            }
            let col = match h {
                "respondent" => Some(WideCol::Respondent),
                "locality" => Some(WideCol::Locality),
                "role" => Some(WideCol::Role),
                "affiliation" => Some(WideCol::Affiliation),
                "synthetic" => Some(WideCol::Synthetic),
                _ => self.wide_item(h),
            };
            match col {
                Some(c) => cols.push(c),
                None => {
                    self.err(1, Some(h), IntakeErrorKind::UnknownColumn {
                        expected: "respondent, locality, role, affiliation, synthetic, freq_<period>_<actor>, nature_<period>_<actor> or a perception id".into(),
                    });
                    ok = false;
                }
            }
        }
        for (req, name) in [(0, "respondent"), (1, "locality"), (2, "role")] {
            let present = cols.iter().any(|c| {
                matches!(
                    (req, c),
                    (0, WideCol::Respondent) | (1, WideCol::Locality) | (2, WideCol::Role)
                )
            });
            if !present {
                self.err(1, Some(name), IntakeErrorKind::MissingColumn);
                ok = false;
            }
        }
        ok.then_some(cols)
    }

    /// The answer column of the wide layout named `h` (`freq_<period>_<actor>`,
    /// `nature_<period>_<actor>` or a perception id).
    pub(crate) fn wide_item(&self, h: &str) -> Option<WideCol> {
        if let Some(&Item::Perception(i)) = self.items.get(h) {
            return Some(WideCol::Answer(Item::Perception(i), None));
        }
        for (prefix, nature) in [("freq_", false), ("nature_", true)] {
            if let Some(rest) = h.strip_prefix(prefix) {
                for (p, per) in self.ins.periods.iter().enumerate() {
                    if let Some(actor) =
                        rest.strip_prefix(per.id.as_str()).and_then(|r| r.strip_prefix('_'))
                        && let Some(a) = self.ins.actor_index(actor)
                    {
                        let item = if nature { Item::Nature(a) } else { Item::Freq(a) };
                        return Some(WideCol::Answer(item, Some(p)));
                    }
                }
            }
        }
        None
    }

    fn wide_row(&mut self, cols: &[WideCol], header: &[String], row: usize, fields: &[&str]) {
        let f = |i: usize| -> &str { fields.get(i).copied().unwrap_or("") };
        let mut id = "";
        let mut loc = "";
        let mut role = "";
        let mut aff = None;
        let mut syn = None;
        for (i, c) in cols.iter().enumerate() {
            match c {
                WideCol::Respondent => id = f(i),
                WideCol::Locality => loc = f(i),
                WideCol::Role => role = f(i),
                WideCol::Affiliation => aff = Some(f(i)),
                WideCol::Synthetic => syn = Some(f(i)),
                WideCol::Answer(..) => {}
            }
        }
        let r = self.respondent(row, id, loc, role, aff, syn, true);
        for (i, c) in cols.iter().enumerate() {
            if let WideCol::Answer(item, period) = c {
                self.answer(row, &header[i], r, *item, &header[i], *period, f(i));
            }
        }
    }
}

/// Respondent ids → index, without a second copy of every id: a table from the id's hash to the
/// first respondent with that hash (the id itself is read from the dataset to confirm), and a
/// map of ids for the rare hash collisions.
#[derive(Default)]
pub(crate) struct IdIndex {
    by_hash: HashMap<u64, u32>,
    collided: HashMap<String, usize>,
}

impl IdIndex {
    fn hash(id: &str) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(id)
    }

    fn get(&self, id: &str, rs: &[Respondent]) -> Option<usize> {
        match self.by_hash.get(&Self::hash(id)) {
            Some(&i) if rs[i as usize].id == id => Some(i as usize),
            Some(_) => self.collided.get(id).copied(),
            None => None,
        }
    }

    /// `id` (not yet indexed) is respondent `r`.
    fn insert(&mut self, id: &str, r: usize, _rs: &[Respondent]) {
        match self.by_hash.entry(Self::hash(id)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(r as u32);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(id.to_string(), r);
            }
        }
    }
}

enum Stored {
    Int(i32),
    Perception(PerceptionAnswer),
}

fn detect_layout(layout: Layout, header: &[&str]) -> Layout {
    match layout {
        Layout::Auto => {
            if header.iter().any(|h| h.trim() == "item") {
                Layout::Long
            } else {
                Layout::Wide
            }
        }
        l => l,
    }
}

/// The columns of mlgov's own layouts, read from the header.
enum Cols {
    Long(LongCols),
    Wide(Vec<WideCol>),
}

/// The columns of the long or wide layout (`Auto`: told by the header), or none after reporting
/// what is wrong with the header.
fn layout_columns(
    src: &Source<'_>,
    st: &mut State<'_>,
    layout: Layout,
    header: &[String],
) -> Option<Cols> {
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    match detect_layout(layout, &hdr) {
        Layout::Long => st.long_header(&hdr).map(Cols::Long),
        _ => {
            // One row per respondent and no repeated column (checked by the header and by
            // DuplicateRespondent): no cell can be answered twice.
            st.track_answers = false;
            let cols = st.wide_header(&hdr);
            if let (Some(_), Source::Csv { text, .. }) = (&cols, src) {
                // At most one respondent per line long enough for a row (a separator per column
                // and an id): reserve that (capped) instead of growing by doubling. Counting every
                // line set 160 bytes aside per blank line, and 1 MB of them asked for 168 MB.
                let rows = text
                    .as_bytes()
                    .split(|&b| b == b'\n')
                    .filter(|l| l.len() >= header.len())
                    .count();
                st.ds.reserve(rows.saturating_sub(1).min(1 << 20));
            }
            cols.map(Cols::Wide)
        }
    }
}

/// The rows of a CSV file, fields straight from the reader's record (not copied into cells);
/// blank rows skipped, rows of another width reported.
fn csv_rows(
    rows: &mut Rows<'_>,
    st: &mut State<'_>,
    width: usize,
    run: &impl Fn(&mut State<'_>, usize, &[&str]),
) {
    while let Some(row) = rows.next_csv(st) {
        let rec = rows.record().expect("a CSV file");
        if rec.iter().all(|s| s.trim().is_empty()) {
            continue;
        }
        if rec.len() != width {
            st.err(
                row,
                None,
                IntakeErrorKind::Unreadable(format!(
                    "row has {} fields, the header has {}",
                    rec.len(),
                    width
                )),
            );
            continue;
        }
        let fields: Vec<&str> = rec.iter().collect();
        run(st, row, &fields);
    }
}

/// Read mlgov's own long or wide layout from an opened file.
fn read_layout(src: &Source<'_>, st: &mut State<'_>, layout: Layout, limits: &Limits) {
    let mut rows = src.rows(limits);
    let mut cells = Vec::new();
    if rows.next(st, &mut cells).is_none() {
        if st.error_count() == 0 {
            st.err(
                0,
                None,
                IntakeErrorKind::Unreadable(format!("empty {}: expected a header row", src.what())),
            );
        }
        return;
    }
    let header: Vec<String> = src.header_cells(&cells);
    if let Some(tool) = crate::mapping::detect_tool(&header) {
        st.err(1, None, IntakeErrorKind::NeedsMapping { tool: tool.name().to_string() });
        return;
    }
    rows.set_header(&header);
    let Some(cols) = layout_columns(src, st, layout, &header) else { return };
    let run = |st: &mut State<'_>, row: usize, fields: &[&str]| match &cols {
        Cols::Long(c) => st.long_row(c, row, fields),
        Cols::Wide(c) => st.wide_row(c, &header, row, fields),
    };
    if let Source::Csv { .. } = src {
        csv_rows(&mut rows, st, header.len(), &run);
        return;
    }
    while let Some(row) = rows.next(st, &mut cells) {
        if cells.iter().all(|s| s.trim().is_empty()) {
            continue;
        }
        if !src.fit_width(row, &mut cells, header.len(), st) {
            continue;
        }
        let fields: Vec<&str> = cells.iter().map(String::as_str).collect();
        run(st, row, &fields);
    }
}

/// An opened file: decoded text with its separator, or the first worksheet of a workbook whose
/// container passed the limits.
pub(crate) enum Source<'a> {
    Csv { text: Cow<'a, str>, delimiter: u8 },
    Xlsx { range: calamine::Range<calamine::Data> },
}

impl<'a> Source<'a> {
    /// Decode or unpack `bytes`; problems are recorded in `st` and give `None`.
    pub(crate) fn open(
        bytes: &'a [u8],
        kind: FileKind,
        read: &ReadOptions,
        st: &mut State<'_>,
    ) -> Option<Source<'a>> {
        match kind {
            FileKind::Csv => {
                let text =
                    match mlgov_textfile::decode(bytes, read.text.encoding, WithoutBom::Guess) {
                        Ok((t, _)) => t,
                        Err(e) => {
                            st.err(e.line, None, IntakeErrorKind::Unreadable(e.to_string()));
                            return None;
                        }
                    };
                let delimiter = read
                    .text
                    .delimiter
                    .unwrap_or_else(|| mlgov_textfile::detect_delimiter(text.as_bytes()));
                Some(Source::Csv { text, delimiter })
            }
            FileKind::Xlsx => {
                open_xlsx(bytes, &read.limits, st).map(|range| Source::Xlsx { range })
            }
        }
    }

    fn what(&self) -> &'static str {
        match self {
            Source::Csv { .. } => "file",
            Source::Xlsx { .. } => "worksheet",
        }
    }

    /// The rows of the file, in order.
    pub(crate) fn rows(&self, limits: &Limits) -> Rows<'_> {
        match self {
            Source::Csv { text, delimiter } => Rows::Csv {
                rdr: csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(*delimiter)
                    .from_reader(text.as_bytes()),
                text: text.as_bytes(),
                rec: csv::StringRecord::new(),
                limits: *limits,
                header: Vec::new(),
                stopped: false,
                lines: LineCounter::default(),
            },
            Source::Xlsx { range } => Rows::Xlsx {
                rows: range.rows(),
                start_row: range.start().map(|(r, _)| r as usize).unwrap_or(0),
                next: 0,
            },
        }
    }

    /// Header names from a header row: trimmed; for a workbook, trailing empty cells (formatting)
    /// are dropped.
    pub(crate) fn header_cells(&self, cells: &[String]) -> Vec<String> {
        let mut h: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        if matches!(self, Source::Xlsx { .. }) {
            let width = h.iter().rposition(|s| !s.is_empty()).map_or(0, |i| i + 1);
            h.truncate(width);
        }
        h
    }

    /// Make a data row as wide as the header. A CSV row of another width is an error (recorded;
    /// returns false); a worksheet row is padded or cut (cells right of the header are formatting).
    pub(crate) fn fit_width(
        &self,
        row: usize,
        cells: &mut Vec<String>,
        width: usize,
        st: &mut State<'_>,
    ) -> bool {
        match self {
            Source::Csv { .. } => {
                if cells.len() != width {
                    st.err(
                        row,
                        None,
                        IntakeErrorKind::Unreadable(format!(
                            "row has {} fields, the header has {width}",
                            cells.len()
                        )),
                    );
                    return false;
                }
                true
            }
            Source::Xlsx { .. } => {
                cells.resize(width, String::new());
                true
            }
        }
    }
}

/// Rows of an opened file with their 1-based row numbers (physical line of the record's start in
/// a CSV file, CRLF or LF; sheet row in a workbook).
#[allow(clippy::large_enum_variant)] // one per intake
pub(crate) enum Rows<'s> {
    Csv {
        rdr: csv::Reader<&'s [u8]>,
        text: &'s [u8],
        rec: csv::StringRecord,
        limits: Limits,
        header: Vec<String>,
        stopped: bool,
        lines: LineCounter,
    },
    Xlsx {
        rows: calamine::Rows<'s, calamine::Data>,
        start_row: usize,
        next: usize,
    },
}

impl Rows<'_> {
    /// Column names for messages about over-long fields.
    pub(crate) fn set_header(&mut self, names: &[String]) {
        if let Rows::Csv { header, .. } = self {
            *header = names.to_vec();
        }
    }

    /// The next CSV record into the reader's own record ([`Rows::record`]); as [`Rows::next`]. For
    /// a workbook: `None`.
    pub(crate) fn next_csv(&mut self, st: &mut State<'_>) -> Option<usize> {
        match self {
            Rows::Csv { rdr, text, rec, limits, header, stopped, lines } => loop {
                if *stopped {
                    return None;
                }
                match rdr.read_record(rec) {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => {
                        let row = e
                            .position()
                            .map(|p| lines.line_at(text, p.byte() as usize))
                            .unwrap_or(0);
                        st.err(row, None, IntakeErrorKind::Unreadable(e.to_string()));
                        if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                            continue;
                        }
                        *stopped = true;
                        return None;
                    }
                }
                let row =
                    rec.position().map(|p| lines.line_at(text, p.byte() as usize)).unwrap_or(0);
                if rec.len() > limits.max_columns {
                    st.err(
                        row,
                        None,
                        IntakeErrorKind::LimitExceeded {
                            limit: LimitKind::Columns,
                            seen: rec.len() as u64,
                            max: limits.max_columns as u64,
                        },
                    );
                    *stopped = true;
                    return None;
                }
                let mut too_long = false;
                for (i, f) in rec.iter().enumerate() {
                    if f.len() > limits.max_field_bytes {
                        let col = header.get(i).cloned().unwrap_or_else(|| format!("#{}", i + 1));
                        st.err(
                            row,
                            Some(&col),
                            IntakeErrorKind::LimitExceeded {
                                limit: LimitKind::FieldBytes,
                                seen: f.len() as u64,
                                max: limits.max_field_bytes as u64,
                            },
                        );
                        too_long = true;
                    }
                }
                if too_long {
                    continue;
                }
                return Some(row);
            },
            Rows::Xlsx { .. } => None,
        }
    }

    /// The record [`Rows::next_csv`] read last (empty for a workbook).
    pub(crate) fn record(&self) -> Option<&csv::StringRecord> {
        match self {
            Rows::Csv { rec, .. } => Some(rec),
            Rows::Xlsx { .. } => None,
        }
    }

    /// The next row into `out`; its row number, or `None` at the end (or after a problem that
    /// stops reading, recorded in `st`). Rows with a recoverable problem are skipped after
    /// recording it.
    pub(crate) fn next(&mut self, st: &mut State<'_>, out: &mut Vec<String>) -> Option<usize> {
        match self {
            Rows::Csv { .. } => {
                let row = self.next_csv(st)?;
                let Rows::Csv { rec, .. } = self else { unreachable!() };
                // Reuse the cells' buffers: no allocation per field once they are large enough.
                out.truncate(rec.len());
                for (i, f) in rec.iter().enumerate() {
                    match out.get_mut(i) {
                        Some(c) => {
                            c.clear();
                            c.push_str(f);
                        }
                        None => out.push(f.to_string()),
                    }
                }
                Some(row)
            }
            Rows::Xlsx { rows, start_row, next } => {
                let cells = rows.next()?;
                let row = *start_row + *next + 1;
                *next += 1;
                out.clear();
                out.extend(cells.iter().map(cell_text));
                Some(row)
            }
        }
    }
}

/// Check the container against the limits, then read the first worksheet.
fn open_xlsx(
    bytes: &[u8],
    limits: &Limits,
    st: &mut State<'_>,
) -> Option<calamine::Range<calamine::Data>> {
    match limits::check_xlsx(bytes, limits) {
        XlsxCheck::Ok => {}
        XlsxCheck::NotZip(e) => {
            st.err(0, None, IntakeErrorKind::Unreadable(format!("not an XLSX workbook: {e}")));
            return None;
        }
        XlsxCheck::Exceeded(limit, seen, max, entry) => {
            st.err(0, Some(&entry), IntakeErrorKind::LimitExceeded { limit, seen, max });
            return None;
        }
        XlsxCheck::Corrupt(m) => {
            st.err(0, None, IntakeErrorKind::Unreadable(format!("damaged XLSX workbook: {m}")));
            return None;
        }
    }
    // calamine's reference arithmetic overflows on hostile cell references (`r="A99999999999"`,
    // `ref="B2:A1"`): a panic in a debug build, which is a damaged workbook here.
    let read =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| first_sheet(bytes, limits)));
    match read {
        Ok(Ok(range)) => Some(range),
        Ok(Err((row, kind))) => {
            st.err(row, None, kind);
            None
        }
        Err(_) => {
            st.err(0, None, IntakeErrorKind::Unreadable("damaged XLSX workbook: a cell reference of the first worksheet is out of range".into()));
            None
        }
    }
}

/// The non-empty cells of the first worksheet as a range. The range is dense (a cell per position
/// from its first to its last row and column), so its rectangle is held to the limits while the
/// cells are read: two cells at A1 and XFD1048576 would otherwise ask for 17 billion.
fn first_sheet(
    bytes: &[u8],
    limits: &Limits,
) -> Result<calamine::Range<calamine::Data>, (usize, IntakeErrorKind)> {
    use calamine::{Data, DataRef, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| (0, IntakeErrorKind::Unreadable(format!("not an XLSX workbook: {e}"))))?;
    let no_sheet =
        || (0, IntakeErrorKind::Unreadable("the workbook has no readable worksheet".into()));
    let name = wb.sheet_names().first().cloned().ok_or_else(no_sheet)?;
    let mut reader = wb.worksheet_cells_reader(&name).map_err(|_| no_sheet())?;
    let mut cells = Vec::new();
    let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0u32, u32::MAX, 0u32);
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                return Err((
                    0,
                    IntakeErrorKind::Unreadable(format!("damaged XLSX workbook: {e}")),
                ));
            }
        };
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        (top, bottom, left, right) = (top.min(r), bottom.max(r), left.min(c), right.max(c));
        let width = u64::from(right - left) + 1;
        if width > limits.max_columns as u64 {
            return Err((
                0,
                IntakeErrorKind::LimitExceeded {
                    limit: LimitKind::Columns,
                    seen: width,
                    max: limits.max_columns as u64,
                },
            ));
        }
        let area = (u64::from(bottom - top) + 1) * (u64::from(right - left) + 1);
        if area > limits.max_cells {
            return Err((
                r as usize + 1,
                IntakeErrorKind::LimitExceeded {
                    limit: LimitKind::Cells,
                    seen: area,
                    max: limits.max_cells,
                },
            ));
        }
        cells.push(calamine::Cell::new((r, c), Data::from(cell.get_value().clone())));
    }
    Ok(calamine::Range::from_sparse(cells))
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Error(e) => format!("#ERROR {e:?}"),
        other => other.to_string(),
    }
}
