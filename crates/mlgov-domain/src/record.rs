//! Parsing of one record's cells into typed values, collecting every problem of the row.

use crate::date::{Interval, PartialDate};
use crate::id::{Id, IdKind};
use crate::vocab::Vocabulary;
use serde::Serialize;

/// Read access to one row's cells by column name; absent columns read as empty.
pub trait Cells {
    /// The trimmed cell of `column`, or `""`.
    fn cell(&self, column: &str) -> &str;
}

impl Cells for std::collections::BTreeMap<String, String> {
    fn cell(&self, column: &str) -> &str {
        self.get(column).map(|s| s.trim()).unwrap_or("")
    }
}

/// A problem with one field of one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The column.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// A column of a record type in the interchange format.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Whether the header must be present and the cell non-empty.
    pub required: bool,
    /// One-line documentation.
    pub doc: &'static str,
}

/// The type of a column's values, for typed outputs (Parquet, XLSX, Frictionless table schemas).
/// Cells stay text in the interchange format; this says how to read them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Free text, a vocabulary word or an id.
    Text,
    /// A `;`-separated list of texts or ids.
    List,
    /// A partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    Date,
    /// A whole number.
    Integer,
    /// A decimal number.
    Number,
    /// `true` or `false`.
    Boolean,
}

impl Column {
    /// The type of the column's values: partial dates (`from`, `to`), whole numbers (`year`),
    /// coordinates (`lat`, `lon`), flags (`anonymised`), `;`-lists (documented as such), else text.
    pub fn ty(&self) -> ColumnType {
        match self.name {
            "from" | "to" => ColumnType::Date,
            "year" => ColumnType::Integer,
            "lat" | "lon" => ColumnType::Number,
            "anonymised" => ColumnType::Boolean,
            _ if self.doc.starts_with(";-list") => ColumnType::List,
            _ => ColumnType::Text,
        }
    }
}

/// Collects field problems while typed values are read from a row.
pub struct RowReader<'a> {
    cells: &'a dyn Cells,
    /// Problems found so far.
    pub problems: Vec<FieldProblem>,
}

impl<'a> RowReader<'a> {
    /// Starts reading a row.
    pub fn new(cells: &'a dyn Cells) -> Self {
        RowReader { cells, problems: Vec::new() }
    }

    /// Records a problem with `field` (a check across fields, made by the record's parser).
    pub fn problem(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(FieldProblem { field: field.to_string(), message: message.into() });
    }

    /// The trimmed cell of `col`, or `""`.
    pub fn cell(&self, col: &str) -> &str {
        self.cells.cell(col)
    }

    /// A required text cell.
    pub fn text(&mut self, col: &str) -> String {
        let v = self.cells.cell(col);
        if v.is_empty() {
            self.problem(col, "is required and empty");
        }
        v.to_string()
    }

    /// An optional text cell.
    pub fn opt_text(&mut self, col: &str) -> Option<String> {
        let v = self.cells.cell(col);
        (!v.is_empty()).then(|| v.to_string())
    }

    /// A `;`-separated list of texts.
    pub fn list(&mut self, col: &str) -> Vec<String> {
        split_list(self.cells.cell(col))
    }

    /// A required id of one of `kinds`.
    pub fn id(&mut self, col: &str, kinds: &[IdKind]) -> Option<Id> {
        let v = self.cells.cell(col);
        if v.is_empty() {
            self.problem(col, "is required and empty");
            return None;
        }
        match Id::parse_kind(v, kinds) {
            Ok(id) => Some(id),
            Err(e) => {
                self.problem(col, e.to_string());
                None
            }
        }
    }

    /// An optional id of one of `kinds`.
    pub fn opt_id(&mut self, col: &str, kinds: &[IdKind]) -> Option<Id> {
        if self.cells.cell(col).is_empty() { None } else { self.id(col, kinds) }
    }

    /// A `;`-list of ids of the given kinds.
    pub fn id_list(&mut self, col: &str, kinds: &[IdKind]) -> Vec<Id> {
        let mut out = Vec::new();
        for item in split_list(self.cells.cell(col)) {
            match Id::parse_kind(&item, kinds) {
                Ok(id) => out.push(id),
                Err(e) => self.problem(col, e.to_string()),
            }
        }
        out
    }

    /// A required vocabulary word.
    pub fn vocab<T: Vocabulary>(&mut self, col: &str) -> Option<T> {
        let v = self.cells.cell(col);
        if v.is_empty() {
            self.problem(
                col,
                format!("is required and empty; expected one of: {}", T::ALL.join(", ")),
            );
            return None;
        }
        match T::parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(col, e.to_string());
                None
            }
        }
    }

    /// An optional vocabulary word.
    pub fn opt_vocab<T: Vocabulary>(&mut self, col: &str) -> Option<T> {
        if self.cells.cell(col).is_empty() { None } else { self.vocab(col) }
    }

    /// An optional partial date.
    pub fn opt_date(&mut self, col: &str) -> Option<PartialDate> {
        let v = self.cells.cell(col);
        if v.is_empty() {
            return None;
        }
        match PartialDate::parse(v) {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(col, e.to_string());
                None
            }
        }
    }

    /// The `from`/`to` interval; an end before the start is a problem on `to`.
    pub fn interval(&mut self) -> Interval {
        let from = self.opt_date("from");
        let to = self.opt_date("to");
        match Interval::new(from, to) {
            Ok(i) => i,
            Err(e) => {
                self.problem("to", e.to_string());
                Interval::default()
            }
        }
    }

    /// A boolean (`true`/`false`), empty meaning `default`.
    pub fn bool_or(&mut self, col: &str, default: bool) -> bool {
        match self.cells.cell(col) {
            "" => default,
            "true" => true,
            "false" => false,
            other => {
                self.problem(col, format!("expected true or false, found {other:?}"));
                default
            }
        }
    }

    /// An optional decimal number within `range`.
    pub fn opt_f64(&mut self, col: &str, range: std::ops::RangeInclusive<f64>) -> Option<f64> {
        let v = self.cells.cell(col);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(x) if range.contains(&x) => Some(x),
            _ => {
                self.problem(
                    col,
                    format!(
                        "expected a decimal number between {} and {}, found {v:?}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    }

    /// An optional integer.
    pub fn opt_i64(&mut self, col: &str) -> Option<i64> {
        let v = self.cells.cell(col);
        if v.is_empty() {
            return None;
        }
        match v.parse::<i64>() {
            Ok(x) => Some(x),
            Err(_) => {
                self.problem(col, format!("expected an integer, found {v:?}"));
                None
            }
        }
    }

    /// The `source` and `locator` citation columns.
    pub fn citation(&mut self) -> Option<crate::model::Citation> {
        let source = self.id("source", &[IdKind::Source]);
        let locator = self.cells.cell("locator").to_string();
        if locator.is_empty() {
            self.problem("locator", "is required: every statement cites a locator (section, table, footnote, page or a short quote)");
        }
        source.map(|source| crate::model::Citation { source, locator })
    }

    /// Finishes: the value if no problem was found. `build` is called only then, and returns
    /// `None` when a required value is missing (`id?`, `kind?`): every reader above that returns
    /// `None` for a required cell records a problem first, so with no problem recorded every
    /// required value is present. Should a reader ever break that rule, the row is refused with
    /// a problem saying so rather than a panic.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldProblem>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        build().ok_or_else(|| {
            vec![FieldProblem { field: String::new(), message: "a required value was not read, and no problem was recorded for it (a bug in the row reader)".into() }]
        })
    }
}

/// Splits a `;`-list, trimming items and dropping empty ones.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// Joins a list for a cell.
pub fn join_list<T: AsRef<str>>(items: &[T]) -> String {
    items.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(";")
}
