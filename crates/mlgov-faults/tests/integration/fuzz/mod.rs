//! Property-based fuzzing of every parser of mlgov input (issue 21, item 10), with proptest.
//!
//! Every case runs its parser on a thread of its own ([`harness::run`]) and must:
//! - not panic (the panic is caught and reported with the input; a panic a parser catches
//!   itself, as the survey intake does around calamine's reference arithmetic, is its answer);
//! - finish within [`harness::CASE_TIMEOUT`] (10 s; a debug build needs well under one);
//! - keep at most [`harness::bound`]`(n) = 64 × n + 16 MiB` bytes live on that thread for an
//!   input of n bytes (a counting global allocator; beyond [`harness::HARD_CAP`], 1 GiB, it
//!   refuses and the process aborts after printing the input). Workbooks are read with limits of
//!   2 MiB inflated and 100,000 cells, under which the bound holds: what a workbook may cost
//!   grows with `--max-xlsx-bytes` and `--max-cells` by design;
//! - either parse or return problems placed inside the input: a line (or row) within the file,
//!   a column or field the format or the file names, a TOML line and column within the text.
//!
//! Inputs: arbitrary bytes, bytes drawn from the characters that matter to the format, and
//! near-valid files — the bundled data and examples with edits ([`harness::mutated`]: byte flips,
//! truncations, inserted quotes, separators, BOMs, NULs, numbers at the limits of their types,
//! runs of up to 130,000 bytes as huge fields), XML-aware edits of workbooks re-zipped with valid
//! checksums, and nesting up to 60,000 deep for JSON and TOML.
//!
//! Seeded: [`harness::SEED`] unless `PROPTEST_RNG_SEED` is set; no failure files (a failure
//! prints its shrunk input; what it found becomes a named test in [`regressions`] or next to the
//! parser's own tests). Bounded: about 35,000 cases in all, 31 s on 2 cores in a debug build
//! (58 s of test-thread time, measured with other builds sharing the machine; about 25 s alone).
//! `MLGOV_FUZZ_SCALE=20` runs twenty times as many. Run only these:
//! `cargo test -p mlgov-faults --test integration fuzz -- --nocapture` (prints cases, time and
//! peak allocation per parser).
//!
//! | module | parsers |
//! |---|---|
//! | [`text`] | mlgov-textfile: decode/transcode (every encoding, both BOM policies), separator detection, record line numbers, decimal commas, spreadsheet marks, `--delimiter`/`--encoding` names |
//! | [`kb`] | mlgov-interchange CSV (each of the 14 files) and JSON; mlgov-domain dates, ids, coordinates, finding qualifiers, property values, search keys and search; mlgov-gazetteer reconciliation of place names (`mlgov reconcile`) |
//! | [`survey`] | mlgov-survey intake (CSV, XLSX via calamine), Qualtrics/LimeSurvey/KoboToolbox exports (CSV, and Kobo as XLSX) through their mappings, mapping drafts, instrument and mapping TOML |
//! | [`server`] | mlgov-server query strings and `?as_of=`, `If-Modified-Since`; the respondent form (mlgov-auth `parse_form`, mlgov-collect `respond`); mlgov-export `csv_table` |
//! | [`regressions`] | every input the fuzzing found, replayed through the harness |

pub mod harness;
mod kb;
mod regressions;
mod server;
mod survey;
mod text;
