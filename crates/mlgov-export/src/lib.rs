//! Writes mlgov's tables for the tools researchers use: XLSX workbooks (Excel, LibreOffice,
//! openpyxl), Parquet (pandas, R's arrow, polars, DuckDB), BibTeX and CSL-JSON for the sources
//! (Zotero, Pandoc, LaTeX) and the citable release (a Frictionless Data Package with
//! CITATION.cff and Zenodo metadata). Everything is built in memory from a [`table::Table`] or
//! the knowledge base; callers write the bytes where they want (CLI files, server responses).
//!
//! ## Design
//!
//! The formats other tools read, built in memory: one tabular shape (`Table`: typed columns from
//! `Column::ty` of the record types, or inferred from a command's JSON output by `json_tables`, or
//! from a CSV by `csv_table`) written as XLSX (`xlsx`: one sheet per table, a README sheet, numbers
//! and flags typed, partial dates kept as stated text, formula-like text with Excel's quote prefix)
//! or Parquet (`parquet`: int64/float64/bool, `;`-lists as `list<string>`, repetitive text
//! dictionary-encoded, a partial date as a `date32` — first day of a start, last day of an end —
//! plus `<col>_precision`); the sources as BibTeX and CSL-JSON (`cite`: authors as lists, corporate
//! names braced, DOI apart from the URL); and the citable release (`release`: Frictionless data
//! package with a table schema, foreign keys, size and SHA-256 per resource, the CSV exactly as
//! `mlgov export` writes it, Parquet, the workbook, citations, CITATION.cff, `.zenodo.json`,
//! README, the published survey releases; `zip` for the server's `GET /api/v1/release.zip`).
//! `TableFormat` is the one parser of table-format names and extensions. Used by `mlgov export`,
//! `mlgov release`, the global `--xlsx FILE` (every command's tables through `Ctx::emit`), `survey
//! export|report`, the explorer's XLSX downloads and the bulk download.
//!
//! *Invariant:* no file system and no SQL: bytes in, bytes out; never raw survey answers in a
//! release; synthetic data labelled in every workbook and Parquet file it feeds (README line,
//! `mlgov.synthetic` metadata).

pub mod cite;
pub mod parquet;
pub mod release;
pub mod table;
pub mod xlsx;

pub use table::{Col, Table, csv_table, json_tables, kb_tables};

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The XLSX writer failed (for example, a table longer than a sheet).
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The Parquet writer failed.
    #[error("Parquet: {0}")]
    Parquet(#[from] ::parquet::errors::ParquetError),
    /// Arrow rejected a column.
    #[error("Arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// The ZIP writer failed.
    #[error("ZIP: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A cell does not read as its column's type.
    #[error("table {table}, row {row}, column {column:?}: {message}")]
    Cell {
        /// The table.
        table: String,
        /// 1-based data row.
        row: usize,
        /// The column.
        column: String,
        /// What was expected.
        message: String,
    },
    /// Input that cannot be exported (for example, a stored release that is not JSON).
    #[error("{0}")]
    Invalid(String),
}

/// The output formats of tables, in one place: parsed from `--format` or a file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values.
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// Apache Parquet.
    Parquet,
    /// JSON.
    Json,
}

impl TableFormat {
    /// Parses a format name (`csv`, `xlsx`, `parquet`, `json`).
    pub fn parse(s: &str) -> Option<TableFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(TableFormat::Csv),
            "xlsx" | "excel" => Some(TableFormat::Xlsx),
            "parquet" | "pq" => Some(TableFormat::Parquet),
            "json" => Some(TableFormat::Json),
            _ => None,
        }
    }

    /// The format a file name's extension names.
    pub fn from_path(p: &std::path::Path) -> Option<TableFormat> {
        p.extension().and_then(|e| e.to_str()).and_then(TableFormat::parse)
    }
}
