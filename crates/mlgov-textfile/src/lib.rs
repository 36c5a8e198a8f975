//! mlgov-textfile: text files as Excel and R save them — the encoding (a BOM, UTF-16, Windows-1252),
//! the separator (`,` `;` tab), numbers with a decimal comma, and physical line numbers of records —
//! and the cells mlgov writes for spreadsheets (formula-like text neutralised, CSV quoting).
//!
//! The one home of this logic for both readers of delimited text: the survey intake
//! (`mlgov-survey`) and the knowledge-base CSV reader (`mlgov-interchange`). Pure functions over
//! bytes and strings: no files, no terminal, nothing but `encoding_rs` and `thiserror`.
//!
//! ## Design
//!
//! Text files as Excel and R save them, for both readers of delimited text: `TextEncoding` with its
//! names and parser, `TextOptions` (the `--encoding`/`--delimiter` values), `decode`/`transcode` (a
//! BOM always wins; without one the reader's `WithoutBom` policy decides: `Guess` for the survey
//! intake — UTF-16 by its zero bytes, damaged UTF-8, else Windows-1252 — or `Utf8` for the
//! knowledge base, whose UTF-8 stays bytes so that an invalid sequence is reported at its cell),
//! separator detection, names and parsing, decimal commas (`parse_number`,
//! `decimal_comma_to_point`), and `LineCounter` (physical line numbers of csv records with CRLF and
//! blank lines); `csv_field`, the one writer of a CSV field (quoted when needed, formula-like cells
//! neutralised unless raw), used by the survey reports and the server's downloads.
//!
//! *Invariant:* no IO and nothing of ours: bytes and strings in, text, numbers and typed errors
//! out; depends only on `encoding_rs` and `thiserror`. No other crate decodes text files or detects
//! separators.

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
