//! mlgov-survey: the multilevel-governance interaction survey of the Whole-COMM report (file 003,
//! Part 3) and the perception items of file 004 — instrument as data, intake of CSV/XLSX in long or
//! wide layout, analyses with intervals that treat localities as clusters, synthetic data and a
//! report builder.
//!
//! Pure: no file system, network or terminal. Callers pass bytes and locality attributes and get
//! typed values (and report files as bytes) back. See docs/survey.md.
//!
//! ## Design
//!
//! The interaction-survey instrument (versioned TOML), intake of long and wide CSV/XLSX responses
//! from bytes (`intake`; encodings, separators and decimal commas by mlgov-textfile, caps on
//! hostile files in `limits`, survey-tool exports through mapping files in `mapping`), analyses
//! with n, localities and intervals that treat localities as clusters (`analysis/`: one file per
//! analysis kind, `mod.rs` the public types and the dispatcher `analyze`, `context.rs` what they
//! share; `bootstrap`: cluster t by default, cluster or respondent bootstrap by option), small-n
//! and few-localities flags, the report's population and definitions by default, synthetic
//! responses, the report builder (files as bytes), the stored form of a dataset (`stored::{encode,
//! decode}`: the only way in and out of the store's strings), collected answers as a dataset
//! (`collected`, through the same intake), and what viewers and the public may see (`publish`:
//! published figures, cell members, and `next_release`, the one release builder behind the CLI and
//! the HTTP endpoint).
//!
//! *Invariant:* no file system; missing answers stay missing; synthetic data carry a flag into
//! every output.

pub mod analysis;
pub mod bootstrap;
pub mod collected;
pub mod dashboard;
pub mod dataset;
pub mod export;
pub mod instrument;
pub mod intake;
pub mod limits;
pub mod mapping;
pub mod publish;
pub mod report;
pub mod stored;
pub mod synth;
pub mod table;

pub use analysis::{
    AnalysisConfig, AnalysisError, AnalysisKind, AnalysisSpec, ClassAggregate, Dimension, Estimate,
    LocalityInfo, RespondentIndexes, ResultRow, ResultTable, ScaleSpec, Tick, analyze, analyze_all,
    analyze_all_progress, respondent_indexes, standard_analyses,
};
pub use bootstrap::{FEW_LOCALITIES, IntervalMethod, IntervalSpec, Weighting, group_estimate};
pub use dataset::{Dataset, PerceptionAnswer, Respondent};
pub use export::{write_long_csv, write_wide_csv};
pub use instrument::{ActorCategory, ActorClass, Instrument, InstrumentError, LeadSide, Period};
pub use intake::{
    FileKind, IntakeError, IntakeErrorKind, IntakeErrors, IntakeOptions, Layout, ReadOptions,
    read_survey, read_survey_with,
};
pub use limits::{LimitKind, Limits};
// How a CSV file is read (`ReadOptions::text`): decoding, separators and decimal commas are
// mlgov-textfile's; the intake guesses the encoding of a file without a BOM.
pub use mapping::{
    Mapping, MappingError, MappingOptions, Suggestion, Tool, detect_tool, read_mapped,
    suggest_mapping,
};
pub use mlgov_textfile::{TextEncoding, TextOptions};
pub use report::{ReportFile, ReportMeta, TableChart, build_report, build_report_with, charts_for};
pub use synth::{SynthParams, SynthSize, synth, synth_localities};
pub use table::{rounded, table_csv_string, table_json, write_table_csv};
