//! mlgov-textfile: text files as Excel and R save them — the encoding (a BOM, UTF-16, Windows-1252),
//! the separator (`,` `;` tab), numbers with a decimal comma, and physical line numbers of records —
//! and the cells mlgov writes for spreadsheets (formula-like text neutralised, CSV quoting).
//!
//! The one home of this logic for both readers of delimited text: the survey intake
//! (`mlgov-survey`) and the knowledge-base CSV reader (`mlgov-interchange`). Pure functions over
//! bytes and strings: no files, no terminal, nothing but `encoding_rs` and `thiserror`.

mod encoding;
mod lines;
mod number;
mod separator;
mod spreadsheet;

pub use encoding::{DecodeError, TextEncoding, UnknownEncoding, WithoutBom, decode, transcode};
pub use lines::LineCounter;
pub use number::{decimal_comma_to_point, parse_number};
pub use separator::{delimiter_name, detect_delimiter, parse_delimiter};
pub use spreadsheet::{csv_field, formula_like, spreadsheet_safe, spreadsheet_unmark};

/// How to read a text (CSV) file, as a user gives it (`--delimiter`, `--encoding`). `None` means
/// detect: the separator from the header line ([`detect_delimiter`]), the encoding from a BOM and
/// otherwise as the reader's [`WithoutBom`] policy says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Field separator (`b','`, `b';'`, `b'\t'`, …).
    pub delimiter: Option<u8>,
    /// Encoding.
    pub encoding: Option<TextEncoding>,
}
