//! mlgov-survey: the multilevel-governance interaction survey of the Whole-COMM report (file 003,
//! Part 3) and the perception items of file 004 — instrument as data, intake of CSV/XLSX in long or
//! wide layout, analyses with intervals that treat localities as clusters, synthetic data and a
//! report builder.
//!
//! Pure: no file system, network or terminal. Callers pass bytes and locality attributes and get
//! typed values (and report files as bytes) back. See docs/survey.md.

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
