//! The one tabular shape every writer of this crate takes: named, typed columns and text cells,
//! built from the knowledge base's record types, from a command's JSON output or from a CSV file.

use mlgov_domain::{ColumnType, KnowledgeBase, Record, TableVisitor};
use serde_json::Value;

/// A column: its name, the type of its values and one line of documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Col {
    /// Header name.
    pub name: String,
    /// How to read the cells.
    pub ty: ColumnType,
    /// Whether every row has a value.
    pub required: bool,
    /// One line of documentation (empty when none).
    pub doc: String,
}

/// A table: name (a sheet, a file stem), columns and rows of text cells (empty = no value).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Name: a file stem or sheet name (`localities`).
    pub name: String,
    /// One line saying what a row is.
    pub title: String,
    /// The columns.
    pub columns: Vec<Col>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The cells of column `name`, when there is one.
    pub fn column(&self, name: &str) -> Option<impl Iterator<Item = &str>> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        Some(self.rows.iter().map(move |r| r.get(i).map(String::as_str).unwrap_or("")))
    }
}

/// What a row of each record type is, by file name.
fn record_title(file: &str) -> &'static str {
    match file {
        "sources.csv" => "Bibliographic sources every statement cites",
        "localities.csv" => "Localities (municipalities, towns, rural areas)",
        "networks.csv" => "City networks and other networks",
        "organisations.csv" => "Organisations (NGOs, foundations, public bodies)",
        "persons.csv" => "People (mayors, officials, network professionals)",
        "events.csv" => "Dated events and policy shocks",
        "memberships.csv" => {
            "Memberships of localities, organisations and people in networks, with roles and dates"
        }
        "terms.csv" => "Terms of office (mayors and other offices)",
        "affiliations.csv" => "Affiliations of people with organisations",
        "relations.csv" => "Relations between entities (funding, founding, partnership, …)",
        "facts.csv" => "Sourced facts: one property of one subject, optionally dated",
        "phases.csv" => "Phases of a locality's engagement as the sources name them",
        "practices.csv" => "Policy practices",
        "adoptions.csv" => "Adoptions of practices by localities",
        _ => "Records",
    }
}

/// Every table of the knowledge base, in the interchange format's order, rows sorted by id,
/// with the interchange columns (`docs/data-format.md`) typed by [`mlgov_domain::Column::ty`].
pub fn kb_tables(kb: &KnowledgeBase) -> Vec<Table> {
    let mut kb = kb.clone();
    kb.sort();
    sorted_kb_tables(&kb)
}

/// [`kb_tables`] of a base whose rows are already sorted by id (no copy).
pub(crate) fn sorted_kb_tables(kb: &KnowledgeBase) -> Vec<Table> {
    struct V(Vec<Table>);
    impl TableVisitor for V {
        fn table<R: Record>(&mut self, rows: &[R]) {
            let name = R::FILE.trim_end_matches(".csv").to_string();
            let columns = R::COLUMNS
                .iter()
                .map(|c| Col {
                    name: c.name.to_string(),
                    ty: c.ty(),
                    required: c.required,
                    doc: c.doc.to_string(),
                })
                .collect();
            self.0.push(Table {
                name,
                title: record_title(R::FILE).to_string(),
                columns,
                rows: rows.iter().map(Record::to_cells).collect(),
            });
        }
    }
    let mut v = V(Vec::new());
    kb.visit(&mut v);
    v.0
}

/// The tables in a command's JSON output: every array of objects reached through objects (not
/// through the rows of a table already found) becomes a table named after its key (or the
/// `title`/`name`/`id` of the object holding it), objects flattened into `a.b` columns, arrays of
/// plain values joined with `; `, anything deeper kept as JSON text. The scalar fields of the
/// top-level object, when there are any, form a first two-column table `summary`. An array of
/// plain values becomes a one-column table.
pub fn json_tables(value: &Value, root_name: &str) -> Vec<Table> {
    let mut out = Vec::new();
    if let Value::Object(m) = value {
        let scalars: Vec<Vec<String>> = m
            .iter()
            .filter(|(_, v)| !v.is_array() && !v.is_object())
            .map(|(k, v)| vec![k.clone(), scalar_text(v)])
            .collect();
        if !scalars.is_empty() {
            out.push(Table {
                name: "summary".into(),
                title: format!("{root_name}: single values"),
                columns: vec![text_col("field"), text_col("value")],
                rows: scalars,
            });
        }
    }
    collect(value, root_name, &mut out);
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for t in &mut out {
        let n = seen.entry(t.name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            t.name = format!("{} {}", t.name, n);
        }
    }
    out
}

/// Whether an object holds a list of records (then it is a container, not a record).
fn holds_table(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.values()
            .any(|x| x.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object)))
    })
}

fn text_col(name: &str) -> Col {
    Col { name: name.into(), ty: ColumnType::Text, required: false, doc: String::new() }
}

fn label_of(m: &serde_json::Map<String, Value>) -> Option<String> {
    ["id", "name", "title", "analysis"]
        .iter()
        .find_map(|k| m.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

fn collect(value: &Value, name: &str, out: &mut Vec<Table>) {
    match value {
        // Records, unless they hold tables themselves (a list of result tables, each with rows).
        Value::Array(items)
            if !items.is_empty()
                && items.iter().all(Value::is_object)
                && !items.iter().any(holds_table) =>
        {
            out.push(rows_table(items, name))
        }
        Value::Array(items)
            if !items.is_empty() && items.iter().all(|v| !v.is_array() && !v.is_object()) =>
        {
            out.push(Table {
                name: name.to_string(),
                title: name.to_string(),
                columns: vec![text_col("value")],
                rows: items.iter().map(|v| vec![scalar_text(v)]).collect(),
            })
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let label =
                    v.as_object().and_then(label_of).unwrap_or_else(|| format!("{name} {}", i + 1));
                collect(v, &label, out);
            }
        }
        Value::Object(m) => {
            for (k, v) in m {
                // Lists of plain values inside an object are its attributes, not tables.
                let container = v.is_object()
                    || v.as_array()
                        .is_some_and(|a| a.iter().any(|x| x.is_object() || x.is_array()));
                if container {
                    let label = if matches!(k.as_str(), "rows" | "items" | "cells") {
                        label_of(m).unwrap_or_else(|| k.clone())
                    } else {
                        k.clone()
                    };
                    collect(v, &label, out);
                }
            }
        }
        _ => {}
    }
}

/// Flattens `value` into `(column, cell)` pairs under `prefix`.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_array() && !v.is_object()) => {
            out.push((
                prefix.to_string(),
                Value::String(items.iter().map(scalar_text).collect::<Vec<_>>().join("; ")),
            ));
        }
        Value::Array(_) | Value::Object(_) => {
            out.push((prefix.to_string(), Value::String(value.to_string())))
        }
        other => out.push((prefix.to_string(), other.clone())),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn rows_table(items: &[Value], name: &str) -> Table {
    let mut columns: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::<String, usize>::new();
    let mut flat_rows = Vec::with_capacity(items.len());
    for item in items {
        let mut cells = Vec::new();
        flatten("", item, &mut cells);
        for (k, _) in &cells {
            if !index.contains_key(k) {
                index.insert(k.clone(), columns.len());
                columns.push(k.clone());
            }
        }
        flat_rows.push(cells);
    }
    // Types: a column whose values are all numbers (integers) or all booleans keeps that type.
    let mut types = vec![None::<ColumnType>; columns.len()];
    for cells in &flat_rows {
        for (k, v) in cells {
            let i = index[k];
            let t = match v {
                Value::Null => continue,
                Value::Bool(_) => ColumnType::Boolean,
                Value::Number(n) if n.is_i64() || n.is_u64() => ColumnType::Integer,
                Value::Number(_) => ColumnType::Number,
                _ => ColumnType::Text,
            };
            types[i] = Some(match (types[i], t) {
                (None, t) => t,
                (Some(a), b) if a == b => a,
                (Some(ColumnType::Integer), ColumnType::Number)
                | (Some(ColumnType::Number), ColumnType::Integer) => ColumnType::Number,
                _ => ColumnType::Text,
            });
        }
    }
    let rows = flat_rows
        .into_iter()
        .map(|cells| {
            let mut row = vec![String::new(); columns.len()];
            for (k, v) in cells {
                row[index[&k]] = scalar_text(&v);
            }
            row
        })
        .collect();
    Table {
        name: name.to_string(),
        title: name.to_string(),
        columns: columns
            .into_iter()
            .zip(types)
            .map(|(n, t)| Col {
                name: n,
                ty: t.unwrap_or(ColumnType::Text),
                required: false,
                doc: String::new(),
            })
            .collect(),
        rows,
    }
}

/// Reads a CSV (UTF-8, header row) into a table, typing each column from its cells: all whole
/// numbers → integer, all numbers → number, all `true`/`false` → boolean, all partial dates
/// (`YYYY-MM-DD`, `YYYY-MM`) → date, else text (empty cells are missing values).
///
/// # Errors
/// The CSV reader's error (with its line) on malformed input.
pub fn csv_table(bytes: &[u8], name: &str, title: &str) -> Result<Table, csv::Error> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        rows.push(rec?.iter().map(str::to_string).collect::<Vec<_>>());
    }
    Ok(Table::from_text(name, title, header, rows))
}

impl Table {
    /// A table of text cells whose column types are read from the cells (see [`csv_table`]).
    pub fn from_text(
        name: &str,
        title: &str,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> Table {
        let columns = header
            .into_iter()
            .enumerate()
            .map(|(i, h)| Col {
                name: h,
                ty: infer(
                    rows.iter().map(|r: &Vec<String>| r.get(i).map(String::as_str).unwrap_or("")),
                ),
                required: false,
                doc: String::new(),
            })
            .collect();
        Table { name: name.into(), title: title.into(), columns, rows }
    }
}

fn infer<'a>(cells: impl Iterator<Item = &'a str> + Clone) -> ColumnType {
    let present = cells.filter(|c| !c.is_empty());
    if present.clone().next().is_none() {
        return ColumnType::Text;
    }
    if present.clone().all(|c| c.parse::<i64>().is_ok()) {
        ColumnType::Integer
    } else if present.clone().all(|c| c.parse::<f64>().is_ok_and(f64::is_finite)) {
        ColumnType::Number
    } else if present.clone().all(|c| c == "true" || c == "false") {
        ColumnType::Boolean
    } else if present.clone().all(|c| c.len() >= 7 && mlgov_domain::PartialDate::parse(c).is_ok()) {
        ColumnType::Date
    } else {
        ColumnType::Text
    }
}
