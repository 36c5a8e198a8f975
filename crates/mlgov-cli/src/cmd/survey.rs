//! Survey commands: `mlgov survey import|list|delete|analyze|report|synth` — the Whole-COMM
//! interaction survey (docs/survey.md). Surveys live in the database (SQLite or PostgreSQL, the
//! store's survey tables): a re-import replaces the previous version in one transaction. A
//! `<db>.surveys/` folder left by an earlier mlgov is moved into the database on first use.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use mlgov_analysis::survey::mlgov_survey::{
    self as sv, AnalysisConfig, AnalysisKind, AnalysisSpec, ClassAggregate, Dataset, Dimension,
    FileKind, Instrument, IntakeOptions, Layout, LocalityInfo, ReportMeta, ResultTable,
    SynthParams, SynthSize,
};
use mlgov_analysis::survey::{survey_localities, whole_comm_localities};
use serde_json::json;

use crate::ctx::{CliError, Ctx, store_err};
use crate::output::table;
use crate::progress::{HumanCount, Phases};
use mlgov_store::{Store, StoredSurvey, SurveyOrigin, SurveySummary};

/// Options shared by analyze and report.
#[derive(clap::Args, Debug, Clone)]
pub struct EstimateArgs {
    /// Bootstrap resamples for the bootstrap intervals (0 = point estimates only).
    #[arg(long, default_value_t = 1000)]
    resamples: usize,
    /// Seed of the bootstrap: the same seed gives the same intervals.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Flag estimates with fewer respondents than this as small-n.
    #[arg(long, default_value_t = 10)]
    small_n: usize,
    /// Publication mode: suppress cells with fewer respondents than this.
    #[arg(long)]
    min_n: Option<usize>,
    /// Class aggregate: mean of the class's items (default; comparable across classes) or sum.
    #[arg(long, default_value = "mean")]
    aggregate: String,
    /// Intervals: cluster-t (localities as clusters; default), cluster-bootstrap, or
    /// respondent-bootstrap (ignores the clustering; for comparison).
    #[arg(long, default_value = "cluster-t")]
    interval: String,
    /// Whose answers weigh the same in a group mean: respondents (default) or localities.
    #[arg(long, default_value = "respondents")]
    weight: String,
    /// Include every role (default: elected policymakers and local officials, the report's population).
    #[arg(long)]
    all_roles: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum SurveyCommand {
    /// Validate a CSV/XLSX export (long or wide layout) and keep it under a name.
    #[command(after_help = "\
Examples:
  # answers in our own layout (long: one answer per row; wide: one respondent per row)
  mlgov survey import answers.csv --name wave1
  # a Qualtrics export, through a mapping file (draft one with `mlgov survey mapping suggest`)
  mlgov survey import qualtrics.csv --mapping qualtrics.mapping.toml --name pilot")]
    Import {
        /// The answers: a CSV file (any encoding and separator Excel or R write) or an XLSX
        /// workbook, in our long or wide layout (docs/survey.md) or a survey tool's export with
        /// `--mapping`.
        file: PathBuf,
        /// Name to keep it under: letters, digits, `-` and `_` (default: the file stem).
        #[arg(long)]
        name: Option<String>,
        /// long (one answer per row), wide (one respondent per row) or auto (recognised from
        /// the header).
        #[arg(long, default_value = "auto")]
        layout: String,
        /// Instrument TOML (default: the shipped Whole-COMM instrument).
        #[arg(long)]
        instrument: Option<PathBuf>,
        /// Do not require localities to exist in the knowledge base.
        #[arg(long)]
        no_kb_check: bool,
        #[command(flatten)]
        files: crate::cmd::survey_tools::FileArgs,
    },
    /// Mapping files for survey-tool exports (Qualtrics, LimeSurvey, KoboToolbox).
    Mapping {
        #[command(subcommand)]
        cmd: crate::cmd::survey_tools::MappingCommand,
    },
    /// List the surveys stored in the database.
    #[command(after_help = "\
Examples:
  mlgov survey list
  mlgov survey list --json")]
    List,
    /// Write a stored survey's answers as CSV (for pandas, R, a spreadsheet). Localities stored
    /// with the survey (synthetic ones) go to `<out>.localities.csv` beside it.
    #[command(after_help = "\
Examples:
  mlgov survey export synthetic --out synthetic.csv
  # one answer per row, for R's tidyverse or pandas' groupby
  mlgov survey export synthetic --out synthetic-long.csv --layout long
  # typed columns for pandas or R's arrow
  mlgov survey export synthetic --out synthetic.parquet")]
    Export {
        /// The stored survey's name (`mlgov survey list`).
        name: String,
        /// Output file; its extension picks the format: .csv (UTF-8, comma-separated), .parquet
        /// (typed columns, for pandas and R) or .xlsx (a workbook with a README sheet).
        #[arg(long, short)]
        out: PathBuf,
        /// wide (one row per respondent, the stored form) or long (one answer per row).
        #[arg(long, default_value = "wide")]
        layout: String,
    },
    /// Publish a frozen, disclosure-controlled release of a stored survey: what viewers and the
    /// public see in the explorer and the API. Refused (exit 2) when a figure would differ from an
    /// earlier release by fewer than `--min-cell` respondents.
    #[command(after_help = "\
Examples:
  mlgov survey release synthetic
  # a stricter threshold: at least 10 respondents behind every published figure
  mlgov survey release synthetic --min-cell 10")]
    Release {
        /// The stored survey's name (`mlgov survey list`).
        name: String,
        /// Minimum number of respondents behind any published cell (k).
        #[arg(long, default_value_t = 5)]
        min_cell: u64,
    },
    /// List the published releases of a survey.
    #[command(after_help = "\
Examples:
  mlgov survey releases synthetic")]
    Releases {
        /// The stored survey's name (`mlgov survey list`).
        name: String,
    },
    /// Delete a stored survey (its published releases stay).
    #[command(after_help = "\
Examples:
  mlgov survey synth --name trial
  mlgov survey delete trial")]
    Delete {
        /// The stored survey's name (`mlgov survey list`).
        name: String,
    },
    /// Run one analysis (or `all`) on an imported survey.
    #[command(after_help = "\
Examples:
  # how often each actor category is met, by size of locality (the synthetic survey of `mlgov survey synth`)
  mlgov survey analyze synthetic frequency --by size
  # perceived public attitudes by political orientation, mayors and councillors only, as CSV
  mlgov survey analyze synthetic attitudes --by orientation --roles elected_policymaker --csv
  # every analysis with cluster-bootstrap intervals
  mlgov survey analyze synthetic all --interval cluster-bootstrap --resamples 200")]
    Analyze {
        /// The stored survey's name (`mlgov survey list`).
        name: String,
        /// frequency, class_aggregates, change, nature, lead, indexes, attitudes, responsibility, information_sources, all.
        #[arg(default_value = "frequency")]
        analysis: String,
        /// Grouping: comma-separated among size, orientation, type, country, role, affiliation.
        #[arg(long, default_value = "size")]
        by: String,
        /// Period ids of the instrument (comma-separated: p1, p2 in Whole-COMM); default all.
        #[arg(long)]
        period: Option<String>,
        /// Only these roles (comma-separated role ids of the instrument: elected_policymaker,
        /// local_official, pro_migrant_group, …).
        #[arg(long)]
        roles: Option<String>,
        #[command(flatten)]
        est: EstimateArgs,
        /// Print the table as CSV instead of aligned text.
        #[arg(long)]
        csv: bool,
    },
    /// Write every figure (SVG, PNG and PDF), table (CSV, JSON) and an index.html into a directory.
    #[command(after_help = "\
Examples:
  mlgov survey report synthetic --out report
  # publication mode: cells with fewer than 5 respondents suppressed; 2000 resamples
  mlgov survey report synthetic --out report-public --min-n 5 --resamples 2000")]
    Report {
        /// The stored survey's name (`mlgov survey list`).
        name: String,
        /// Output directory (created if needed; files of the same name are overwritten).
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        est: EstimateArgs,
    },
    /// Generate synthetic responses (marked synthetic everywhere) and keep them under a name.
    #[command(after_help = "\
Examples:
  # 300 respondents in the Whole-COMM localities of the knowledge base, kept as \"synthetic\"
  mlgov survey synth
  # a larger test set over generated localities, also written as a long CSV
  mlgov survey synth --respondents 3000 --localities 120 --name big --out big.csv")]
    Synth {
        /// Respondents in total.
        #[arg(long, default_value_t = 300)]
        respondents: usize,
        /// Seed of the generator: the same seed gives the same answers.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Generate this many localities instead of using the knowledge base's Whole-COMM localities.
        #[arg(long)]
        localities: Option<usize>,
        /// Name to keep it under.
        #[arg(long, default_value = "synthetic")]
        name: String,
        /// Also write the answers here as a long CSV (the layout `mlgov survey import` reads).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// The folder where mlgov ≤ 0.1 kept imported surveys next to a SQLite file (`<db>.surveys/`).
fn legacy_dir(ctx: &Ctx) -> PathBuf {
    let mut s = ctx.db.clone().into_os_string();
    s.push(".surveys");
    PathBuf::from(s)
}

fn valid_name(n: &str) -> Result<(), CliError> {
    if !n.is_empty()
        && n.len() <= 100
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "survey name {n:?}: use 1 to 100 letters, digits, '-' and '_'"
        )))
    }
}

fn load_instrument(path: Option<&Path>) -> Result<Instrument, CliError> {
    match path {
        None => Ok(Instrument::whole_comm()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?;
            Instrument::from_toml_str(&text, &p.display().to_string()).map_err(|e| match e {
                // Every problem of the file, listed like any other input's (bounded for a person).
                sv::InstrumentError::Invalid { file, problems } => CliError::Diagnostics(
                    problems
                        .into_iter()
                        .map(|message| mlgov_interchange::Diagnostic {
                            file: file.clone(),
                            line: None,
                            field: None,
                            message,
                        })
                        .collect(),
                ),
                other => CliError::Data(other.to_string()),
            })
        }
    }
}

fn kb_localities(ctx: &Ctx) -> Vec<LocalityInfo> {
    ctx.load_kb().map(|kb| survey_localities(&kb)).unwrap_or_default()
}

pub(crate) struct Loaded {
    pub(crate) ins: Instrument,
    pub(crate) ds: Dataset,
    locs: Vec<LocalityInfo>,
    version: i64,
}

/// Writes answers of respondents (raw, or an index per respondent) to `path`: a new file is
/// readable by its owner only (`mlgov_store::private`); an existing file keeps its mode, with a
/// warning when every user of the machine can read it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    mlgov_store::private::write(path, bytes)?;
    if let Some(mode) = mlgov_store::private::exposed(path) {
        eprintln!(
            "warning: {} existed with mode {mode:04o} and keeps it: every user of this machine can read the survey answers now in it (`chmod 600` it; mlgov creates such files 0600)",
            path.display()
        );
    }
    Ok(())
}

/// Moves the surveys of a `<db>.surveys/` folder (long CSV, instrument TOML, generated
/// localities: the layout of mlgov ≤ 0.1) into the database, each in its own transaction, then
/// renames the folder to `<db>.surveys.migrated`. A survey already in the database is left as it
/// is (the database wins). A file that no longer reads stops the migration with a message that
/// says what to do; nothing of the folder is renamed then, so the next run tries again.
pub(crate) fn migrate_legacy(ctx: &Ctx, store: &mut dyn Store) -> Result<(), CliError> {
    let dir = legacy_dir(ctx);
    if !dir.is_dir() {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".csv").map(str::to_string))
        .filter(|n| !n.ends_with(".localities"))
        .collect();
    names.sort();
    let have: HashSet<String> =
        store.surveys().map_err(store_err)?.into_iter().map(|s| s.name).collect();
    let mut moved = Vec::new();
    for name in &names {
        if have.contains(name) {
            continue;
        }
        let csv = dir.join(format!("{name}.csv"));
        let fail = |m: String| {
            CliError::Data(format!(
                "{m}\n{} holds surveys of an earlier mlgov that are being moved into the database; fix or delete {}, or move the folder away, then run the command again",
                dir.display(),
                csv.display()
            ))
        };
        valid_name(name)
            .map_err(|_| fail(format!("{}: {name:?} is not a valid survey name", csv.display())))?;
        let ins_path = dir.join(format!("{name}.instrument.toml"));
        let ins = load_instrument(ins_path.exists().then_some(ins_path.as_path()))
            .map_err(|e| fail(format!("{}: {}", ins_path.display(), describe(&e))))?;
        let bytes = std::fs::read(&csv)?;
        let ds = sv::read_survey(
            &bytes,
            &csv.display().to_string(),
            &ins,
            IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: None },
        )
        .map_err(|e| fail(e.to_string()))?;
        let lp = dir.join(format!("{name}.localities.csv"));
        let locs = if lp.exists() {
            Some(
                sv::stored::decode(
                    name,
                    &ins.to_toml_string(),
                    &std::fs::read_to_string(&lp)?,
                    "respondent,locality,role,affiliation\n",
                )
                .map_err(|e| fail(e.to_string()))?
                .localities,
            )
        } else {
            None
        };
        let source_file = csv.display().to_string();
        let survey = ToStore {
            name,
            ds: &ds,
            ins: &ins,
            locs: locs.as_deref(),
            origin: SurveyOrigin::Migrated,
            source_file: &source_file,
        };
        put(store, &survey)?;
        moved.push(name.clone());
    }
    let mut target = dir.clone().into_os_string();
    target.push(".migrated");
    std::fs::rename(&dir, &target)?;
    if !ctx.json {
        eprintln!(
            "note: moved {} survey(s) from {} into the database{}; the folder is now {} and can be deleted",
            moved.len(),
            dir.display(),
            if moved.is_empty() { String::new() } else { format!(" ({})", moved.join(", ")) },
            PathBuf::from(target).display()
        );
    }
    Ok(())
}

/// Runs `specs` with the analyses counted in `progress` ("3/15 analyses: lead by size,
/// orientation done").
fn analyze_shown(
    specs: &[AnalysisSpec],
    l: &Loaded,
    progress: &Phases,
) -> Result<Vec<ResultTable>, CliError> {
    let resamples = specs.first().map_or(0, |s| s.config.resamples);
    let bootstrap = specs
        .iter()
        .any(|s| s.config.interval != sv::IntervalMethod::ClusterT && s.config.resamples > 0);
    let each = if bootstrap {
        format!(" ({} bootstrap resamples each)", HumanCount(resamples as u64))
    } else {
        String::new()
    };
    progress.counted(
        format!("analyses of {} respondents{each}", HumanCount(l.ds.len() as u64)),
        specs.len() as u64,
    );
    let done = |_k: usize, s: &AnalysisSpec| {
        let by: Vec<&str> = s.config.group_by.iter().map(|d| d.id()).collect();
        progress.message(format!("analyses: {} by {} done", s.kind.id(), by.join(", ")));
        progress.inc(1);
    };
    sv::analyze_all_progress(specs, &l.ds, &l.ins, &l.locs, &done).map_err(crate::ctx::analysis_err)
}

fn describe(e: &CliError) -> String {
    match e {
        CliError::Usage(m) | CliError::Data(m) => m.clone(),
        CliError::Diagnostics(d) => format!("{} problem(s)", d.len()),
        CliError::SurveyInput(e, _) => e.to_string(),
        CliError::Other(e) => e.to_string(),
    }
}

/// Opens the store for survey work (migrating a legacy `<db>.surveys/` folder first).
pub(crate) fn survey_store(ctx: &Ctx, create: bool) -> Result<Box<dyn Store + Send>, CliError> {
    let mut store = if create { ctx.store_create()? } else { ctx.store()? };
    migrate_legacy(ctx, store.as_mut())?;
    Ok(store)
}

/// Loads a stored survey with the localities it is analysed against (its own generated ones,
/// then the knowledge base's).
pub(crate) fn load_survey(ctx: &Ctx, name: &str) -> Result<Loaded, CliError> {
    valid_name(name)?;
    load_from(survey_store(ctx, false)?.as_ref(), name)
}

/// [`load_survey`] on a store already open.
fn load_from(store: &dyn Store, name: &str) -> Result<Loaded, CliError> {
    let Some(stored) = store.survey(name).map_err(store_err)? else {
        let have: Vec<String> =
            store.surveys().map_err(store_err)?.into_iter().map(|s| s.name).collect();
        return Err(CliError::Data(format!(
            "no survey named {name:?}; stored surveys: {}",
            if have.is_empty() {
                "none (use `mlgov survey import` or `mlgov survey synth`)".into()
            } else {
                have.join(", ")
            }
        )));
    };
    let dec =
        sv::stored::decode(name, &stored.instrument_toml, &stored.localities_csv, &stored.data)
            .map_err(|e| CliError::Data(e.to_string()))?;
    let version = stored.summary.version;
    // The stored text (13 MB for 50,000 respondents) is not needed once decoded: free it before
    // the knowledge base is loaded, so the two never add up in the peak memory.
    drop(stored);
    let kb_localities = survey_localities(&store.load().map_err(store_err)?);
    let locs = mlgov_analysis::survey::analysis_localities(&dec.localities, &kb_localities);
    Ok(Loaded { ins: dec.instrument, ds: dec.dataset, locs, version })
}

/// A dataset to store under a name, with what the store records about it.
struct ToStore<'a> {
    name: &'a str,
    ds: &'a Dataset,
    ins: &'a Instrument,
    /// The localities stored with the survey (generated ones), if any.
    locs: Option<&'a [LocalityInfo]>,
    origin: SurveyOrigin,
    source_file: &'a str,
}

fn put(store: &mut dyn Store, survey: &ToStore<'_>) -> Result<i64, CliError> {
    let ToStore { name, ds, ins, locs, origin, source_file } = *survey;
    let enc = sv::stored::encode(ds, ins, locs);
    let stored = StoredSurvey {
        summary: SurveySummary {
            name: name.to_string(),
            version: 0,
            origin,
            synthetic: ds.synthetic,
            project: None,
            source_file: source_file.to_string(),
            instrument_id: ins.id.clone(),
            instrument_version: ins.version.clone(),
            respondents: ds.len() as i64,
            written_at: now_iso(),
        },
        instrument_toml: enc.instrument_toml,
        localities_csv: enc.localities_csv,
        data: enc.data,
    };
    store.put_survey(&stored).map_err(store_err)
}

/// Stores a dataset under `name` in the database (replacing an earlier version in one
/// transaction); returns where it went, for messages (`<db> survey "name" v2`).
fn save_survey(ctx: &Ctx, survey: &ToStore<'_>) -> Result<String, CliError> {
    let mut store = survey_store(ctx, true)?;
    let version = put(store.as_mut(), survey)?;
    let name = survey.name;
    Ok(format!(
        "{} survey {name:?} version {version}",
        mlgov_store_postgres::redact(&ctx.db.to_string_lossy())
    ))
}

fn config(
    est: &EstimateArgs,
    by: &str,
    period: Option<&str>,
    roles: Option<&str>,
) -> Result<AnalysisConfig, CliError> {
    let group_by = by
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "none")
        .map(|s| s.parse::<Dimension>().map_err(|e| CliError::Usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let split = |s: &str| {
        s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect::<Vec<_>>()
    };
    Ok(AnalysisConfig {
        group_by,
        periods: period.map(split),
        roles: roles.map(split).unwrap_or_default(),
        resamples: est.resamples,
        seed: est.seed,
        confidence: 0.95,
        small_n: est.small_n,
        publication_min_n: est.min_n,
        class_aggregate: match est.aggregate.as_str() {
            "sum" => ClassAggregate::Sum,
            "mean" => ClassAggregate::Mean,
            other => return Err(CliError::Usage(format!("--aggregate {other:?}: expected mean or sum"))),
        },
        interval: sv::analysis::IntervalMethod::parse(&est.interval).ok_or_else(|| CliError::Usage(format!("--interval {:?}: expected cluster-t, cluster-bootstrap or respondent-bootstrap", est.interval)))?,
        weighting: match est.weight.as_str() {
            "respondents" => sv::analysis::Weighting::Respondents,
            "localities" => sv::analysis::Weighting::Localities,
            other => return Err(CliError::Usage(format!("--weight {other:?}: expected respondents or localities"))),
        },
        all_roles: est.all_roles,
    })
    .and_then(|c: AnalysisConfig| {
        // Disclosure control reasons about sums of respondents' values: publication mode keeps
        // every respondent weighing the same.
        if c.publication_min_n.is_some() && c.weighting == sv::analysis::Weighting::Localities {
            return Err(CliError::Usage("--weight localities cannot be combined with --min-n (publication mode protects respondent-weighted means)".into()));
        }
        Ok(c)
    })
}

/// Publication mode (`--min-n`): the tables computed together are protected together, so that no
/// suppressed cell can be recovered by differencing one table against another
/// (`mlgov_disclosure::linked`).
fn protect_linked(
    est: &EstimateArgs,
    tables: &mut [ResultTable],
    l: &Loaded,
) -> Result<(), CliError> {
    if let Some(m) = est.min_n {
        sv::publish::protect_linked_tables(
            tables,
            &l.ds,
            &l.ins,
            &l.locs,
            &mlgov_disclosure::Rules::with_min_cell(m as u64),
        )
        .map_err(|e| CliError::Data(e.to_string()))?;
    }
    Ok(())
}

fn human_table(t: &ResultTable) -> String {
    let f = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into());
    let mut headers: Vec<&str> = t.group_by.iter().map(|d| d.id()).collect();
    headers.extend(["period", "measure", "stat", "n", "loc", "mean", "95% interval", "flags"]);
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let mut v = r.group.clone();
            let flags = [
                (r.estimate.small_n, "small-n"),
                (r.estimate.few_localities && !r.estimate.suppressed, "few-loc"),
                (r.estimate.suppressed, "suppressed"),
            ]
            .iter()
            .filter(|x| x.0)
            .map(|x| x.1)
            .collect::<Vec<_>>()
            .join(",");
            v.extend([
                r.period.clone().unwrap_or_default(),
                r.measure.clone(),
                r.statistic.clone(),
                if r.estimate.suppressed { String::new() } else { r.estimate.n.to_string() },
                if r.estimate.suppressed {
                    String::new()
                } else {
                    r.estimate.localities.to_string()
                },
                f(r.estimate.mean),
                if r.estimate.ci_low.is_some() {
                    format!("[{}, {}]", f(r.estimate.ci_low), f(r.estimate.ci_high))
                } else {
                    "–".into()
                },
                flags,
            ]);
            v
        })
        .collect();
    let head = format!(
        "{}{} ({}){}\n",
        if t.synthetic { "SYNTHETIC DATA — " } else { "" },
        t.title,
        t.figure,
        if t.resamples > 0 {
            format!(
                " — intervals by {}",
                if t.notes.iter().any(|n| n.contains("treat localities as clusters")) {
                    "localities as clusters".to_string()
                } else {
                    format!("{} resamples, seed {}", t.resamples, t.seed)
                }
            )
        } else {
            String::new()
        }
    );
    let notes: String = t.notes.iter().map(|n| format!("  {n}\n")).collect();
    format!("{head}{}{notes}", table(&headers, &rows))
}

/// Run a survey command.
pub fn run(cmd: &SurveyCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SurveyCommand::Mapping { cmd } => {
            crate::cmd::survey_tools::run_mapping(cmd, ctx, load_instrument)
        }
        SurveyCommand::Import { file, name, layout, instrument, no_kb_check, files } => {
            import(ctx, file, name.as_deref(), layout, instrument.as_deref(), *no_kb_check, files)
        }
        SurveyCommand::List => list(ctx),
        SurveyCommand::Export { name, out, layout } => export(ctx, name, out, layout),
        SurveyCommand::Release { name, min_cell } => release(ctx, name, *min_cell),
        SurveyCommand::Releases { name } => releases(ctx, name),
        SurveyCommand::Delete { name } => {
            valid_name(name)?;
            let mut store = survey_store(ctx, false)?;
            if !store.delete_survey(name).map_err(store_err)? {
                return Err(CliError::Data(format!("no survey named {name:?}")));
            }
            ctx.emit(&json!({"deleted": name}), || format!("deleted survey {name:?}"));
            Ok(())
        }
        SurveyCommand::Analyze { name, analysis, by, period, roles, est, csv } => {
            let grouping = (by.as_str(), period.as_deref(), roles.as_deref());
            analyze(ctx, name, analysis, grouping, est, *csv)
        }
        SurveyCommand::Report { name, out, est } => report(ctx, name, out, est),
        SurveyCommand::Synth { respondents, seed, localities, name, out } => {
            synth(ctx, *respondents, *seed, *localities, name, out.as_deref())
        }
    }
}

/// The time now, as the store writes it.
fn now_iso() -> String {
    mlgov_auth::service::iso_time(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
    )
}

/// `mlgov survey import`: validate a file and keep it under a name.
fn import(
    ctx: &Ctx,
    file: &Path,
    name: Option<&str>,
    layout: &str,
    instrument: Option<&Path>,
    no_kb_check: bool,
    files: &crate::cmd::survey_tools::FileArgs,
) -> Result<(), CliError> {
    let name = name.map(str::to_string).unwrap_or_else(|| {
        file.file_stem().and_then(|s| s.to_str()).unwrap_or("survey").to_string()
    });
    valid_name(&name)?;
    let ins = load_instrument(instrument)?;
    let layout = match layout {
        "long" => Layout::Long,
        "wide" => Layout::Wide,
        "auto" => Layout::Auto,
        other => {
            return Err(CliError::Usage(format!(
                "--layout {other:?}: expected long, wide or auto"
            )));
        }
    };
    let bytes =
        std::fs::read(file).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    let kb_locs = if no_kb_check { Vec::new() } else { kb_localities(ctx) };
    let known: HashSet<String> = kb_locs.iter().map(|l| l.id.clone()).collect();
    let fname = file.display().to_string();
    let ds = crate::cmd::survey_tools::read_import(
        ctx,
        file,
        &bytes,
        &ins,
        layout,
        (!no_kb_check).then_some(&known),
        files,
    )?;
    let survey = ToStore {
        name: &name,
        ds: &ds,
        ins: &ins,
        locs: None,
        origin: SurveyOrigin::Imported,
        source_file: &fname,
    };
    let path = save_survey(ctx, &survey)?;
    let localities: HashSet<&str> = ds.respondents.iter().map(|r| r.locality.as_str()).collect();
    let v = json!({"name": name, "respondents": ds.len(), "localities": localities.len(), "frequency_answers": ds.answered_frequencies(), "synthetic": ds.synthetic, "stored": path, "instrument": format!("{}@{}", ins.id, ins.version)});
    ctx.emit(&v, || {
        format!(
            "imported {name:?}: {} respondents in {} localities, {} frequency answers{} → {}",
            ds.len(),
            localities.len(),
            ds.answered_frequencies(),
            if ds.synthetic { " (SYNTHETIC)" } else { "" },
            path
        )
    });
    Ok(())
}

/// `mlgov survey list`.
fn list(ctx: &Ctx) -> Result<(), CliError> {
    let store = survey_store(ctx, false)?;
    let list = store.surveys().map_err(store_err)?;
    let v: Vec<serde_json::Value> = list
        .iter()
        .map(|s| json!({"name": s.name, "version": s.version, "origin": s.origin.as_str(), "synthetic": s.synthetic, "respondents": s.respondents, "instrument": format!("{}@{}", s.instrument_id, s.instrument_version), "source_file": s.source_file, "written_at": s.written_at, "project": s.project}))
        .collect();
    ctx.emit(&json!(v), || {
        if list.is_empty() {
            return "no stored surveys (use `mlgov survey import FILE` or `mlgov survey synth`)"
                .into();
        }
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.version.to_string(),
                    if s.synthetic { "SYNTHETIC".into() } else { s.origin.as_str().into() },
                    s.respondents.to_string(),
                    s.written_at.clone(),
                    s.source_file.clone(),
                ]
            })
            .collect();
        table(&["name", "version", "origin", "respondents", "written", "from"], &rows)
    });
    Ok(())
}

/// `mlgov survey export`: a stored survey's answers as CSV, Parquet or XLSX, its generated
/// localities beside them.
fn export(ctx: &Ctx, name: &str, out: &Path, layout: &str) -> Result<(), CliError> {
    valid_name(name)?;
    let long = match layout {
        "wide" => false,
        "long" => true,
        other => {
            return Err(CliError::Usage(format!("--layout {other:?}: expected wide or long")));
        }
    };
    let store = survey_store(ctx, false)?;
    let Some(stored) = store.survey(name).map_err(store_err)? else {
        return Err(CliError::Data(format!("no survey named {name:?}")));
    };
    let respondents = stored.summary.respondents;
    // The file's format follows its extension: .csv (default), .parquet or .xlsx.
    let format = match mlgov_export::TableFormat::from_path(out) {
        None | Some(mlgov_export::TableFormat::Csv) => mlgov_export::TableFormat::Csv,
        Some(f @ (mlgov_export::TableFormat::Parquet | mlgov_export::TableFormat::Xlsx)) => f,
        Some(mlgov_export::TableFormat::Json) => {
            return Err(CliError::Usage(format!(
                "{}: answers are written as .csv, .parquet or .xlsx",
                out.display()
            )));
        }
    };
    let csv_bytes: Vec<u8> = if long {
        let dec =
            sv::stored::decode(name, &stored.instrument_toml, &stored.localities_csv, &stored.data)
                .map_err(|e| CliError::Data(e.to_string()))?;
        let mut buf = Vec::new();
        sv::write_long_csv(&dec.dataset, &dec.instrument, &mut buf)?;
        buf
    } else {
        stored.data.as_bytes().to_vec()
    };
    let bytes = match format {
        mlgov_export::TableFormat::Csv => csv_bytes,
        f => answers_file(f, &csv_bytes, name, layout, respondents, stored.summary.synthetic)?,
    };
    write_private(out, &bytes).map_err(|e| CliError::Usage(format!("{}: {e}", out.display())))?;
    let mut loc_path = None;
    if !stored.localities_csv.is_empty() {
        let mut p = out.to_path_buf().into_os_string();
        p.push(".localities.csv");
        write_private(Path::new(&p), stored.localities_csv.as_bytes())?;
        loc_path = Some(PathBuf::from(p).display().to_string());
    }
    let v = json!({"name": name, "out": out.display().to_string(), "layout": layout, "respondents": respondents, "localities": loc_path, "synthetic": stored.summary.synthetic});
    ctx.emit(&v, || {
        format!(
            "wrote {}survey {name:?} ({respondents} respondents, {layout} layout) to {}{}",
            if stored.summary.synthetic { "SYNTHETIC " } else { "" },
            out.display(),
            loc_path.as_ref().map(|p| format!("; its localities to {p}")).unwrap_or_default()
        )
    });
    Ok(())
}

/// The answers (CSV bytes) as a Parquet file or a workbook with a README sheet.
fn answers_file(
    format: mlgov_export::TableFormat,
    csv_bytes: &[u8],
    name: &str,
    layout: &str,
    respondents: i64,
    synthetic: bool,
) -> Result<Vec<u8>, CliError> {
    let title = format!(
        "{}answers of survey {name:?}, {layout} layout",
        if synthetic { "SYNTHETIC " } else { "" }
    );
    let t = mlgov_export::csv_table(csv_bytes, "answers", &title)
        .map_err(|e| CliError::Data(format!("survey {name:?}: {e}")))?;
    if format == mlgov_export::TableFormat::Parquet {
        return mlgov_export::parquet::parquet_bytes(
            &t,
            &[
                ("mlgov.survey", name),
                ("mlgov.layout", layout),
                ("mlgov.synthetic", if synthetic { "true" } else { "false" }),
            ],
        )
        .map_err(|e| CliError::Other(e.into()));
    }
    let mut lines = vec![
        ("Survey".to_string(), name.to_string()),
        ("Layout".into(), layout.to_string()),
        ("Respondents".into(), respondents.to_string()),
    ];
    if synthetic {
        lines.insert(0, ("SYNTHETIC".into(), "generated data, not answers of real people".into()));
    }
    lines.push(("Confidential".into(), "raw answers of identifiable officials: keep this file to the people the survey's consent covers".into()));
    let readme = mlgov_export::xlsx::ReadMe { title, lines };
    mlgov_export::xlsx::workbook(&[t], Some(&readme), mlgov_export::xlsx::XlsxOptions::default())
        .map_err(|e| CliError::Other(e.into()))
}

/// `mlgov survey release`: publish a disclosure-controlled release.
fn release(ctx: &Ctx, name: &str, min_cell: u64) -> Result<(), CliError> {
    valid_name(name)?;
    if min_cell < 2 {
        return Err(CliError::Usage(format!(
            "--min-cell {min_cell}: a release needs k ≥ 2 (default 5) to protect anyone"
        )));
    }
    let mut store = survey_store(ctx, false)?;
    let l = load_from(store.as_ref(), name)?;
    let earlier = store.releases(name).map_err(store_err)?;
    let refs: Vec<(i64, &str)> =
        earlier.iter().map(|r| (r.number, r.cell_members.as_str())).collect();
    let rules = mlgov_disclosure::Rules::with_min_cell(min_cell);
    let next =
        sv::publish::next_release(&l.ds, &l.ins, &l.locs, &rules, &refs).map_err(|e| match e {
            sv::publish::ReleaseError::Refused(m) => {
                CliError::Data(format!("release of {name:?} refused: {m}"))
            }
            other => CliError::Data(other.to_string()),
        })?;
    let number = earlier.last().map_or(1, |r| r.number + 1);
    let now = now_iso();
    let release = mlgov_store::StoredRelease {
        survey: name.to_string(),
        number,
        survey_version: l.version,
        created_at: now.clone(),
        created_by: "cli".into(),
        min_cell: min_cell as i64,
        content: next.content,
        cell_members: next.cell_members,
    };
    store.put_release(&release).map_err(|e| match e {
        mlgov_store::StoreError::Conflict(m) => CliError::Data(format!("release of {name:?}: {m} (another release was published meanwhile; run the command again)")),
        other => store_err(other),
    })?;
    let v = json!({"survey": name, "release": number, "survey_version": l.version, "min_cell": min_cell, "respondents": next.respondents, "created_at": now, "synthetic": l.ds.synthetic});
    ctx.emit(&v, || {
        format!(
            "published release {number} of {}survey {name:?} (version {}, k = {min_cell}, {} respondents): viewers and the public now see it",
            if l.ds.synthetic { "SYNTHETIC " } else { "" },
            l.version,
            next.respondents.map_or_else(|| format!("fewer than {min_cell}"), |n| n.to_string())
        )
    });
    Ok(())
}

/// `mlgov survey releases`: the published releases of a survey.
fn releases(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    valid_name(name)?;
    let store = survey_store(ctx, false)?;
    let list = store.releases(name).map_err(store_err)?;
    let respondents = |c: &str| {
        serde_json::from_str::<serde_json::Value>(c)
            .ok()
            .and_then(|v| v.get("respondents").and_then(serde_json::Value::as_u64))
    };
    let v: Vec<serde_json::Value> = list
        .iter()
        .map(|r| json!({"survey": r.survey, "release": r.number, "survey_version": r.survey_version, "created_at": r.created_at, "created_by": r.created_by, "min_cell": r.min_cell, "respondents": respondents(&r.content)}))
        .collect();
    ctx.emit(&json!(v), || {
        if list.is_empty() {
            return format!("no release of {name:?} is published (publish one with `mlgov survey release {name}`)");
        }
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|r| vec![r.number.to_string(), r.survey_version.to_string(), r.created_at.clone(), r.created_by.clone(), r.min_cell.to_string(), respondents(&r.content).map_or_else(|| "suppressed".into(), |n| n.to_string())])
            .collect();
        table(&["release", "version", "published", "by", "k", "respondents"], &rows)
    });
    Ok(())
}

/// `mlgov survey analyze`: one analysis (or `all`) as tables, JSON or CSV, grouped by
/// (`--by`, `--period`, `--roles`).
fn analyze(
    ctx: &Ctx,
    name: &str,
    analysis: &str,
    (by, period, roles): (&str, Option<&str>, Option<&str>),
    est: &EstimateArgs,
    csv: bool,
) -> Result<(), CliError> {
    let progress = ctx.phases();
    progress.step(format!("loading survey {name:?}"));
    let l = load_survey(ctx, name)?;
    let cfg = config(est, by, period, roles)?;
    let kinds: Vec<AnalysisKind> = if analysis == "all" {
        AnalysisKind::ALL.to_vec()
    } else {
        vec![analysis.parse::<AnalysisKind>().map_err(|e| CliError::Usage(e.to_string()))?]
    };
    let specs: Vec<AnalysisSpec> =
        kinds.into_iter().map(|kind| AnalysisSpec { kind, config: cfg.clone() }).collect();
    let mut tables = analyze_shown(&specs, &l, &progress)?;
    progress.finish();
    protect_linked(est, &mut tables, &l)?;
    let v = serde_json::to_value(&tables)?;
    ctx.emit(&v, || {
        tables
            .iter()
            .map(|t| if csv { sv::table_csv_string(t) } else { human_table(t) })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// `mlgov survey report`: every figure and table of the standard analyses in a folder.
fn report(ctx: &Ctx, name: &str, out: &Path, est: &EstimateArgs) -> Result<(), CliError> {
    let progress = ctx.phases();
    progress.step(format!("loading survey {name:?}"));
    let l = load_survey(ctx, name)?;
    let base = config(est, "size", None, None)?;
    let mut tables = analyze_shown(&sv::standard_analyses(&l.ins, &base), &l, &progress)?;
    protect_linked(est, &mut tables, &l)?;
    let idx = sv::respondent_indexes(&l.ds, &l.ins);
    let meta = ReportMeta {
        title: format!("Policymaking interactions survey: {name}"),
        data_source: format!(
            "survey {name:?} version {}{}",
            l.version,
            if l.ds.synthetic { " (synthetic)" } else { "" }
        ),
        respondents: l.ds.len(),
        generated_by: format!("mlgov {}", env!("CARGO_PKG_VERSION")),
    };
    progress.step(format!("drawing the report's figures and tables ({} tables)", tables.len()));
    let mut files =
        sv::build_report_with(&tables, &l.ins, Some(&idx), &meta, super::figure::png_and_pdf)?;
    let wb = report_workbook(&tables, &meta, l.ds.synthetic)?;
    files.push(sv::ReportFile { name: "report.xlsx".into(), bytes: wb });
    // The report holds every respondent's indexes (respondent_indexes.csv): the folder is
    // created for its owner only, and that file too.
    mlgov_store::private::create_dir_all(out)?;
    progress.counted(format!("writing the files into {}", out.display()), files.len() as u64);
    for f in &files {
        if f.name == "respondent_indexes.csv" {
            write_private(&out.join(&f.name), &f.bytes)?;
        } else {
            std::fs::write(out.join(&f.name), &f.bytes)?;
        }
        progress.inc(1);
    }
    progress.finish();
    let index = out.join("index.html");
    let v = json!({"out": out.display().to_string(), "files": files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(), "index": index.display().to_string(), "synthetic": l.ds.synthetic});
    ctx.emit(&v, || {
        format!(
            "wrote {} files ({} tables) to {}; open {}",
            files.len(),
            tables.len(),
            out.display(),
            index.display()
        )
    });
    Ok(())
}

/// Every table of the report in one workbook (report.xlsx), beside the CSV files.
fn report_workbook(
    tables: &[ResultTable],
    meta: &ReportMeta,
    synthetic: bool,
) -> Result<Vec<u8>, CliError> {
    let v_tables = serde_json::to_value(tables)?;
    let mut xt = mlgov_export::json_tables(&v_tables, "report");
    xt.retain(|t| t.name != "summary");
    let mut lines = vec![
        ("Data".to_string(), meta.data_source.clone()),
        ("Respondents".into(), meta.respondents.to_string()),
        ("Written by".into(), meta.generated_by.clone()),
    ];
    if synthetic {
        lines.insert(
            0,
            (
                "SYNTHETIC".into(),
                "these figures come from generated data, not from a real survey".into(),
            ),
        );
    }
    mlgov_export::xlsx::workbook(
        &xt,
        Some(&mlgov_export::xlsx::ReadMe { title: meta.title.clone(), lines }),
        mlgov_export::xlsx::XlsxOptions::default(),
    )
    .map_err(|e| CliError::Other(e.into()))
}

/// `mlgov survey synth`: synthetic responses over the knowledge base's Whole-COMM localities
/// (or generated ones), kept under a name.
fn synth(
    ctx: &Ctx,
    respondents: usize,
    seed: u64,
    localities: Option<usize>,
    name: &str,
    out: Option<&Path>,
) -> Result<(), CliError> {
    valid_name(name)?;
    let ins = Instrument::whole_comm();
    let (locs, generated) = match localities {
        Some(n) => (sv::synth_localities(n, seed), true),
        None => {
            let kb = ctx.load_kb().ok().map(|kb| whole_comm_localities(&kb)).unwrap_or_default();
            if kb.is_empty() { (sv::synth_localities(49, seed), true) } else { (kb, false) }
        }
    };
    let ds = sv::synth(&locs, SynthSize::Total(respondents), seed, &SynthParams::default(), &ins);
    let survey = ToStore {
        name,
        ds: &ds,
        ins: &ins,
        locs: generated.then_some(locs.as_slice()),
        origin: SurveyOrigin::Synthetic,
        source_file: "",
    };
    let path = save_survey(ctx, &survey)?;
    if let Some(o) = out {
        let mut buf = Vec::new();
        sv::write_long_csv(&ds, &ins, &mut buf)?;
        write_private(o, &buf)?;
    }
    let v = json!({"name": name, "respondents": ds.len(), "localities": locs.len(), "generated_localities": generated, "seed": seed, "synthetic": true, "stored": path});
    ctx.emit(&v, || {
        format!(
            "SYNTHETIC survey {name:?}: {} respondents over {} {}localities (seed {seed}) → {}",
            ds.len(),
            locs.len(),
            if generated { "generated " } else { "knowledge-base " },
            path
        )
    });
    Ok(())
}
