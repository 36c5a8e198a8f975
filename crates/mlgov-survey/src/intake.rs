//! Intake of survey answers from CSV or XLSX bytes, in the long format (one answer per row) or the
//! wide format (one respondent per row), with validation that collects every error.
//!
//! Formats are specified in docs/survey.md. Intake is all-or-nothing: either the whole dataset or
//! the complete list of problems.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Cursor;

use crate::dataset::{Dataset, PerceptionAnswer, Respondent};
use crate::instrument::{Instrument, PerceptionKind};

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
        if name.to_ascii_lowercase().ends_with(".xlsx") {
            FileKind::Xlsx
        } else {
            FileKind::Csv
        }
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
        f.write_str(": ")?;
        use IntakeErrorKind as K;
        match &self.kind {
            K::Unreadable(m) => write!(f, "cannot read file: {m}"),
            K::MissingColumn => write!(f, "required column is missing from the header"),
            K::UnknownColumn { expected } => write!(f, "unknown column; expected one of {expected}"),
            K::DuplicateColumn => write!(f, "column appears twice in the header"),
            K::NotAnInteger { value } => write!(f, "{value:?} is not an integer; expected a whole number or an empty cell for a missing answer"),
            K::OutOfRange { value, min, max } => write!(f, "value {value} out of range; expected {min}..={max} or empty"),
            K::UnknownCategory { what, value, expected } => write!(f, "unknown {what} {value:?}; expected one of {expected}"),
            K::MissingRespondent => write!(f, "empty respondent id; expected a respondent id"),
            K::MissingLocality { respondent } => write!(f, "respondent {respondent:?} has no locality; expected a locality id"),
            K::UnknownLocality { locality } => write!(f, "unknown locality {locality:?}; expected a locality id of the knowledge base"),
            K::DuplicateAnswer { respondent, item, period, first_row } => {
                if period.is_empty() {
                    write!(f, "duplicated answer: respondent {respondent:?} item {item:?} already answered on row {first_row}")
                } else {
                    write!(f, "duplicated answer: respondent {respondent:?} item {item:?} period {period:?} already answered on row {first_row}")
                }
            }
            K::DuplicateRespondent { respondent, first_row } => write!(f, "respondent {respondent:?} already appears on row {first_row}; expected one row per respondent in the wide format"),
            K::InconsistentAttribute { respondent, first, first_row, this } => write!(f, "inconsistent attribute for respondent {respondent:?}: {this:?} here but {first:?} on row {first_row}"),
            K::MissingPeriod => write!(f, "frequency and nature items need a period"),
            K::UnexpectedPeriod { period } => write!(f, "perception items take no period (got {period:?}); expected an empty cell"),
        }
    }
}

/// All problems of a rejected file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s):\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct IntakeErrors(pub Vec<IntakeError>);

/// Read a survey file. `file` names the file in messages. Returns the full dataset or every
/// problem found.
pub fn read_survey(
    bytes: &[u8],
    file: &str,
    instrument: &Instrument,
    opts: IntakeOptions<'_>,
) -> Result<Dataset, IntakeErrors> {
    let mut st = State::new(file, instrument, opts.known_localities);
    match opts.kind {
        FileKind::Csv => read_csv(bytes, &mut st, opts.layout),
        FileKind::Xlsx => read_xlsx(bytes, &mut st, opts.layout),
    }
    st.finish()
}

// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Item {
    Freq(usize),
    Nature(usize),
    Perception(usize),
}

struct State<'a> {
    file: &'a str,
    ins: &'a Instrument,
    known: Option<&'a HashSet<String>>,
    errors: Vec<IntakeError>,
    ds: Dataset,
    by_id: HashMap<String, usize>,
    /// Row where each respondent was first seen.
    first_row: Vec<usize>,
    /// For duplicate detection: row of the first answer per cell (0 = unseen). Layout:
    /// per respondent, periods×actors freq, then periods×actors nature, then perceptions.
    answered: Vec<u32>,
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

enum WideCol {
    Respondent,
    Locality,
    Role,
    Affiliation,
    Synthetic,
    Answer(Item, Option<usize>),
}

fn list(v: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = v.into_iter().map(|s| s.as_ref().to_string()).collect();
    if v.len() > 12 {
        format!("{}, … ({} values; see the instrument)", v[..12].join(", "), v.len())
    } else {
        v.join(", ")
    }
}

fn is_missing(s: &str) -> bool {
    s.is_empty() || s.eq_ignore_ascii_case("na") || s.eq_ignore_ascii_case("n/a")
}

impl<'a> State<'a> {
    fn new(file: &'a str, ins: &'a Instrument, known: Option<&'a HashSet<String>>) -> State<'a> {
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
            ds: Dataset::new(ins),
            by_id: HashMap::new(),
            first_row: Vec::new(),
            answered: Vec::new(),
            items,
            synthetic: false,
        }
    }

    fn err(&mut self, row: usize, column: Option<&str>, kind: IntakeErrorKind) {
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

    fn finish(mut self) -> Result<Dataset, IntakeErrors> {
        if self.errors.is_empty() && self.ds.is_empty() {
            self.err(0, None, IntakeErrorKind::Unreadable("the file holds no respondents".into()));
        }
        if self.errors.is_empty() {
            self.ds.synthetic = self.synthetic;
            Ok(self.ds)
        } else {
            Err(IntakeErrors(self.errors))
        }
    }

    /// Find or create the respondent of a row and check its attributes.
    #[allow(clippy::too_many_arguments)]
    fn respondent(
        &mut self,
        row: usize,
        id: &str,
        locality: &str,
        role: &str,
        affiliation: Option<&str>,
        synthetic: Option<&str>,
        wide: bool,
    ) -> Option<usize> {
        if let Some(s) = synthetic {
            match s.trim() {
                "" | "false" => {}
                "true" => self.synthetic = true,
                other => self.err(row, Some("synthetic"), IntakeErrorKind::UnknownCategory { what: "boolean", value: other.into(), expected: "true, false".into() }),
            }
        }
        let id = id.trim();
        if id.is_empty() {
            self.err(row, Some("respondent"), IntakeErrorKind::MissingRespondent);
            return None;
        }
        let locality = locality.trim();
        let role_s = role.trim();
        let aff_s = affiliation.map(str::trim).unwrap_or("");
        if let Some(&r) = self.by_id.get(id) {
            let first_row = self.first_row[r];
            if wide {
                self.err(row, Some("respondent"), IntakeErrorKind::DuplicateRespondent { respondent: id.into(), first_row });
                return None;
            }
            let resp = &self.ds.respondents[r];
            let role_first = self.ins.roles[resp.role].id.as_str();
            let aff_first = resp.affiliation.map(|a| self.ins.affiliations[a].id.as_str()).unwrap_or("");
            if resp.locality != locality || role_first != role_s || aff_first != aff_s {
                let mismatches: Vec<(&str, String, String)> = [("locality", resp.locality.as_str(), locality), ("role", role_first, role_s), ("affiliation", aff_first, aff_s)]
                    .into_iter()
                    .filter(|(_, a, b)| a != b)
                    .map(|(c, a, b)| (c, a.to_string(), b.to_string()))
                    .collect();
                for (col, first, this) in mismatches {
                    self.err(row, Some(col), IntakeErrorKind::InconsistentAttribute { respondent: id.into(), first, first_row, this });
                }
            }
            return Some(r);
        }
        let mut ok = true;
        if locality.is_empty() {
            self.err(row, Some("locality"), IntakeErrorKind::MissingLocality { respondent: id.into() });
            ok = false;
        } else if let Some(k) = self.known
            && !k.contains(locality)
        {
            self.err(row, Some("locality"), IntakeErrorKind::UnknownLocality { locality: locality.into() });
            ok = false;
        }
        let role = self.ins.role_index(role_s);
        if role.is_none() {
            let expected = list(self.ins.roles.iter().map(|r| &r.id));
            self.err(row, Some("role"), IntakeErrorKind::UnknownCategory { what: "role", value: role_s.into(), expected });
            ok = false;
        }
        let affiliation = if aff_s.is_empty() {
            None
        } else {
            let a = self.ins.affiliation_index(aff_s);
            if a.is_none() {
                let expected = list(self.ins.affiliations.iter().map(|r| &r.id));
                self.err(row, Some("affiliation"), IntakeErrorKind::UnknownCategory { what: "affiliation", value: aff_s.into(), expected });
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
        self.by_id.insert(id.to_string(), r);
        self.first_row.push(row);
        let n = self.cells_per_respondent();
        self.answered.extend(std::iter::repeat_n(0u32, n));
        Some(r)
    }

    fn parse_int(&mut self, row: usize, col: &str, s: &str, min: i32, max: i32) -> Result<Option<i32>, ()> {
        let s = s.trim();
        if is_missing(s) {
            return Ok(None);
        }
        let v: i64 = match s.parse::<i64>() {
            Ok(v) => v,
            Err(_) => match s.parse::<f64>() {
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
    fn answer(&mut self, row: usize, col: &str, r: Option<usize>, item: Item, item_name: &str, period: Option<usize>, value: &str) {
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
        let c = self.cell_index(r, item, period);
        let first = self.answered[c];
        if first != 0 {
            let respondent = self.ds.respondents[r].id.clone();
            let period = period.map(|p| ins.periods[p].id.clone()).unwrap_or_default();
            self.err(row, Some(col), IntakeErrorKind::DuplicateAnswer { respondent, item: item_name.into(), period, first_row: first as usize });
            return;
        }
        self.answered[c] = row.min(u32::MAX as usize) as u32;
        let p = period.unwrap_or(0);
        match (item, v) {
            (Item::Freq(a), Some(Stored::Int(x))) => self.ds.set_freq(r, p, a, Some(x as u8)),
            (Item::Nature(a), Some(Stored::Int(x))) => self.ds.set_nature(r, p, a, Some(x as i8)),
            (Item::Perception(i), Some(Stored::Perception(pa))) => self.ds.set_perception(r, i, Some(pa)),
            _ => {}
        }
    }

    fn parse_perception(&mut self, row: usize, col: &str, i: usize, value: &str) -> Result<Option<Stored>, ()> {
        let it = &self.ins.perceptions[i];
        let value = value.trim();
        match it.kind {
            PerceptionKind::Scale => {
                let (lo, hi) = (it.min.unwrap_or(0), it.max.unwrap_or(0));
                self.parse_int(row, col, value, lo, hi).map(|v| v.map(|x| Stored::Perception(PerceptionAnswer::Scale(x))))
            }
            PerceptionKind::Choice => {
                if is_missing(value) {
                    return Ok(None);
                }
                match it.options.iter().position(|o| o.id == value) {
                    Some(o) => Ok(Some(Stored::Perception(PerceptionAnswer::Choice(o)))),
                    None => {
                        let expected = list(it.options.iter().map(|o| &o.id));
                        self.err(row, Some(col), IntakeErrorKind::UnknownCategory { what: "option", value: value.into(), expected });
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
                            self.err(row, Some(col), IntakeErrorKind::UnknownCategory { what: "option", value: part.into(), expected });
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
        let known = ["respondent", "locality", "role", "affiliation", "period", "item", "value", "synthetic"];
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
            self.err(row, Some("item"), IntakeErrorKind::UnknownCategory { what: "item", value: item_s.into(), expected });
            return;
        };
        let per_s = c.period.map(f).unwrap_or("").trim();
        let period = match item {
            Item::Perception(_) => {
                if !per_s.is_empty() {
                    self.err(row, Some("period"), IntakeErrorKind::UnexpectedPeriod { period: per_s.into() });
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
                        self.err(row, Some("period"), IntakeErrorKind::UnknownCategory { what: "period", value: per_s.into(), expected });
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
            let present = cols.iter().any(|c| match (req, c) {
                (0, WideCol::Respondent) | (1, WideCol::Locality) | (2, WideCol::Role) => true,
                _ => false,
            });
            if !present {
                self.err(1, Some(name), IntakeErrorKind::MissingColumn);
                ok = false;
            }
        }
        ok.then_some(cols)
    }

    fn wide_item(&self, h: &str) -> Option<WideCol> {
        if let Some(&Item::Perception(i)) = self.items.get(h) {
            return Some(WideCol::Answer(Item::Perception(i), None));
        }
        for (prefix, nature) in [("freq_", false), ("nature_", true)] {
            if let Some(rest) = h.strip_prefix(prefix) {
                for (p, per) in self.ins.periods.iter().enumerate() {
                    if let Some(actor) = rest.strip_prefix(per.id.as_str()).and_then(|r| r.strip_prefix('_'))
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

fn read_csv(bytes: &[u8], st: &mut State<'_>, layout: Layout) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => {
            st.err(0, None, IntakeErrorKind::Unreadable("empty file: expected a header row".into()));
            return;
        }
        Err(e) => {
            st.err(1, None, IntakeErrorKind::Unreadable(e.to_string()));
            return;
        }
    }
    let header: Vec<String> = rec.iter().map(str::to_string).collect();
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let layout = detect_layout(layout, &hdr);
    enum Cols {
        Long(LongCols),
        Wide(Vec<WideCol>),
    }
    let cols = match layout {
        Layout::Long => st.long_header(&hdr).map(Cols::Long),
        _ => st.wide_header(&hdr).map(Cols::Wide),
    };
    let Some(cols) = cols else { return };
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(0);
                st.err(row, None, IntakeErrorKind::Unreadable(e.to_string()));
                continue;
            }
        }
        let row = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|s| s.trim().is_empty()) {
            continue;
        }
        if rec.len() != header.len() {
            st.err(row, None, IntakeErrorKind::Unreadable(format!("row has {} fields, the header has {}", rec.len(), header.len())));
            continue;
        }
        let fields: Vec<&str> = rec.iter().collect();
        match &cols {
            Cols::Long(c) => st.long_row(c, row, &fields),
            Cols::Wide(c) => st.wide_row(c, &header, row, &fields),
        }
    }
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

fn read_xlsx(bytes: &[u8], st: &mut State<'_>, layout: Layout) {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => {
            st.err(0, None, IntakeErrorKind::Unreadable(format!("not an XLSX workbook: {e}")));
            return;
        }
    };
    let Some(Ok(range)) = wb.worksheet_range_at(0) else {
        st.err(0, None, IntakeErrorKind::Unreadable("the workbook has no readable worksheet".into()));
        return;
    };
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut rows = range.rows();
    let Some(h) = rows.next() else {
        st.err(0, None, IntakeErrorKind::Unreadable("empty worksheet: expected a header row".into()));
        return;
    };
    let header: Vec<String> = h.iter().map(cell_text).collect();
    // Trailing empty header cells (formatting) are ignored.
    let width = header.iter().rposition(|s| !s.trim().is_empty()).map_or(0, |i| i + 1);
    let header: Vec<String> = header[..width].to_vec();
    let hdr: Vec<&str> = header.iter().map(String::as_str).collect();
    let layout = detect_layout(layout, &hdr);
    let long = layout == Layout::Long;
    let (lc, wc) = if long {
        (st.long_header(&hdr), None)
    } else {
        (None, st.wide_header(&hdr))
    };
    if lc.is_none() && wc.is_none() {
        return;
    }
    for (i, cells) in rows.enumerate() {
        let row = start_row + i + 2;
        let texts: Vec<String> = (0..width).map(|c| cells.get(c).map(cell_text).unwrap_or_default()).collect();
        if texts.iter().all(|s| s.trim().is_empty()) {
            continue;
        }
        let fields: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Some(c) = &lc {
            st.long_row(c, row, &fields);
        } else if let Some(c) = &wc {
            st.wide_row(c, &header, row, &fields);
        }
    }
}
