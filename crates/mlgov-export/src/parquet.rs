//! Parquet files (arrow + parquet, Snappy): typed columns for pandas, R's arrow and polars.
//!
//! Column types follow [`ColumnType`]: integers as `int64`, numbers as `float64`, flags as
//! `bool`, `;`-lists as `list<string>`, repetitive text (ids of networks, roles, vocabulary
//! words: at most half the rows distinct) as dictionary-encoded strings (a pandas `category`),
//! other text as `string`. A partial date becomes two columns: `<name>` as a `date32` and
//! `<name>_precision` (`year`, `month` or `day`); the date is the first day of the stated period,
//! or its last day for the end of an interval (`to`), so `2015` as an end reads 2015-12-31.
//! Key-value metadata carry what the file is (`mlgov.table`, `mlgov.title`, and whatever the
//! caller adds, such as `mlgov.synthetic`).

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array,
    RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use mlgov_domain::{ColumnType, PartialDate};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use crate::ExportError;
use crate::table::{Col, Table};

/// The first (or, with `end`, the last) day of a partial date, in days since 1970-01-01, and its
/// precision word.
pub fn date_days(d: &PartialDate, end: bool) -> (i32, &'static str) {
    let (y, m, day) = if end { d.last_day() } else { d.first_day() };
    let precision = match (d.month, d.day) {
        (Some(_), Some(_)) => "day",
        (Some(_), None) => "month",
        _ => "year",
    };
    (
        mlgov_domain::date::days_from_civil(i64::from(y), u32::from(m), u32::from(day)) as i32,
        precision,
    )
}

fn opt<'a>(s: &&'a str) -> Option<&'a str> {
    if s.is_empty() { None } else { Some(*s) }
}

fn is_end(name: &str) -> bool {
    name == "to" || name.ends_with("_to") || name == "end"
}

/// The table as Parquet bytes, with `metadata` added to the file's key-value metadata.
///
/// # Errors
/// [`ExportError::Parquet`] on a writer failure; [`ExportError::Cell`] when a cell does not read
/// as its column's type (a bad date in a date column).
pub fn parquet_bytes(t: &Table, metadata: &[(&str, &str)]) -> Result<Vec<u8>, ExportError> {
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (j, c) in t.columns.iter().enumerate() {
        let cells: Vec<&str> =
            t.rows.iter().map(|r| r.get(j).map(String::as_str).unwrap_or("")).collect();
        let bad = |i: usize, what: &str| ExportError::Cell {
            table: t.name.clone(),
            row: i + 1,
            column: c.name.clone(),
            message: format!("{:?} is not {what}", cells[i]),
        };
        for (f, a) in column(c, &cells, &bad)? {
            fields.push(f);
            arrays.push(a);
        }
    }
    let schema = Arc::new(Schema::new(with_descriptions(t, fields)));
    let batch = RecordBatch::try_new(schema.clone(), arrays)?;
    let mut kv = vec![
        KeyValue::new("mlgov.table".into(), t.name.clone()),
        KeyValue::new("mlgov.title".into(), t.title.clone()),
    ];
    kv.extend(metadata.iter().map(|(k, v)| KeyValue::new((*k).to_string(), (*v).to_string())));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(kv))
        .build();
    let mut buf = Vec::new();
    let mut w = ArrowWriter::try_new(&mut buf, schema, Some(props))?;
    w.write(&batch)?;
    w.close()?;
    Ok(buf)
}

/// A cell that does not read as its column's type: (row index, what it should be) → the error.
type Bad<'a> = dyn Fn(usize, &str) -> ExportError + 'a;

/// One column's Arrow fields and arrays (a date column adds its `_precision` column).
fn column(c: &Col, cells: &[&str], bad: &Bad<'_>) -> Result<Vec<(Field, ArrayRef)>, ExportError> {
    let one = |ty: DataType, a: ArrayRef| vec![(Field::new(&c.name, ty, true), a)];
    Ok(match c.ty {
        ColumnType::Integer => {
            let v = parsed(cells, |s| s.parse::<i64>().ok(), |i| bad(i, "a whole number"))?;
            one(DataType::Int64, Arc::new(Int64Array::from(v)))
        }
        ColumnType::Number => {
            let v = parsed(cells, |s| s.parse::<f64>().ok(), |i| bad(i, "a number"))?;
            one(DataType::Float64, Arc::new(Float64Array::from(v)))
        }
        ColumnType::Boolean => {
            let flag = |s: &str| match s {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            };
            let v = parsed(cells, flag, |i| bad(i, "true or false"))?;
            one(DataType::Boolean, Arc::new(BooleanArray::from(v)))
        }
        ColumnType::Date => date_column(c, cells, bad)?,
        ColumnType::List => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for s in cells {
                if s.is_empty() {
                    b.append(true);
                    continue;
                }
                for item in s.split(';').map(str::trim).filter(|x| !x.is_empty()) {
                    b.values().append_value(item);
                }
                b.append(true);
            }
            let a = b.finish();
            one(a.data_type().clone(), Arc::new(a))
        }
        ColumnType::Text => {
            let distinct: std::collections::HashSet<&str> = cells.iter().copied().collect();
            if cells.len() >= 4 && distinct.len() * 2 <= cells.len() {
                one(
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                    Arc::new(cells.iter().map(opt).collect::<DictionaryArray<Int32Type>>()),
                )
            } else {
                one(
                    DataType::Utf8,
                    Arc::new(StringArray::from(cells.iter().map(opt).collect::<Vec<_>>())),
                )
            }
        }
    })
}

/// The cells read with `parse` (empty → null); the first that does not read is an error.
fn parsed<T>(
    cells: &[&str],
    parse: impl Fn(&str) -> Option<T>,
    bad: impl Fn(usize) -> ExportError,
) -> Result<Vec<Option<T>>, ExportError> {
    let mut v = Vec::with_capacity(cells.len());
    for (i, s) in cells.iter().enumerate() {
        v.push(match opt(s) {
            None => None,
            Some(s) => Some(parse(s).ok_or_else(|| bad(i))?),
        });
    }
    Ok(v)
}

/// A date column as `date32` and its `<name>_precision` column.
fn date_column(
    c: &Col,
    cells: &[&str],
    bad: &Bad<'_>,
) -> Result<Vec<(Field, ArrayRef)>, ExportError> {
    let mut days = Vec::with_capacity(cells.len());
    let mut precision = Vec::with_capacity(cells.len());
    for (i, s) in cells.iter().enumerate() {
        match opt(s) {
            None => {
                days.push(None);
                precision.push(None);
            }
            Some(s) => {
                let d = PartialDate::parse(s)
                    .map_err(|_| bad(i, "a date (YYYY, YYYY-MM or YYYY-MM-DD)"))?;
                let (n, p) = date_days(&d, is_end(&c.name));
                days.push(Some(n));
                precision.push(Some(p));
            }
        }
    }
    Ok(vec![
        (
            Field::new(&c.name, DataType::Date32, true),
            Arc::new(Date32Array::from(days)) as ArrayRef,
        ),
        (
            Field::new(
                format!("{}_precision", c.name),
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                true,
            ),
            Arc::new(precision.into_iter().collect::<DictionaryArray<Int32Type>>()) as ArrayRef,
        ),
    ])
}

/// The fields with their column's description in their metadata.
fn with_descriptions(t: &Table, fields: Vec<Field>) -> Vec<Field> {
    fields
        .into_iter()
        .map(|f| {
            let doc = t
                .columns
                .iter()
                .find(|c| c.name == *f.name())
                .map(|c| c.doc.clone())
                .unwrap_or_default();
            if doc.is_empty() {
                f
            } else {
                f.with_metadata(
                    [("description".to_string(), doc)]
                        .into_iter()
                        .collect::<std::collections::HashMap<String, String>>(),
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlgov_domain::date::days_from_civil;

    #[test]
    fn partial_dates_become_their_first_or_last_day() {
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        let d = PartialDate::parse("2016-02").unwrap();
        assert_eq!(date_days(&d, true), (days_from_civil(2016, 2, 29) as i32, "month"));
        assert_eq!(date_days(&d, false), (days_from_civil(2016, 2, 1) as i32, "month"));
        assert_eq!(
            date_days(&PartialDate::parse("2015").unwrap(), true),
            (days_from_civil(2015, 12, 31) as i32, "year")
        );
    }
}
