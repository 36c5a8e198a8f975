//! Survey commands: `mlgov survey import|analyze|report|synth` — the Whole-COMM interaction survey
//! (docs/survey.md). Imported surveys are kept, normalised to the long CSV layout, in the directory
//! `<db>.surveys/` next to the database: `<name>.csv`, `<name>.instrument.toml` and, for generated
//! localities, `<name>.localities.csv`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use mlgov_analysis::survey::mlgov_survey::{
    self as sv, AnalysisConfig, AnalysisKind, AnalysisSpec, ClassAggregate, Dataset, Dimension, FileKind, Instrument, IntakeOptions, Layout,
    LocalityInfo, ReportMeta, ResultTable, SynthParams, SynthSize,
};
use mlgov_analysis::survey::{survey_localities, whole_comm_localities};
use serde_json::json;

use crate::ctx::{CliError, Ctx};
use crate::output::table;

/// Options shared by analyze and report.
#[derive(clap::Args, Debug, Clone)]
pub struct EstimateArgs {
    /// Bootstrap resamples (0 = point estimates only).
    #[arg(long, default_value_t = 1000)]
    resamples: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Flag estimates with fewer respondents than this as small-n.
    #[arg(long, default_value_t = 5)]
    small_n: usize,
    /// Publication mode: suppress cells with fewer respondents than this.
    #[arg(long)]
    min_n: Option<usize>,
    /// Class aggregate: sum (the report's) or mean.
    #[arg(long, default_value = "sum")]
    aggregate: String,
}

#[derive(clap::Subcommand, Debug)]
pub enum SurveyCommand {
    /// Validate a CSV/XLSX export (long or wide layout) and keep it under a name.
    Import {
        /// CSV or XLSX file.
        file: PathBuf,
        /// Name to keep it under (default: the file stem).
        #[arg(long)]
        name: Option<String>,
        /// long, wide or auto.
        #[arg(long, default_value = "auto")]
        layout: String,
        /// Instrument TOML (default: the shipped Whole-COMM instrument).
        #[arg(long)]
        instrument: Option<PathBuf>,
        /// Do not require localities to exist in the knowledge base.
        #[arg(long)]
        no_kb_check: bool,
    },
    /// Run one analysis (or `all`) on an imported survey.
    Analyze {
        /// Survey name.
        name: String,
        /// frequency, class_aggregates, change, nature, lead, indexes, attitudes, responsibility, information_sources, all.
        #[arg(default_value = "frequency")]
        analysis: String,
        /// Grouping: comma-separated among size, orientation, type, country, role, affiliation.
        #[arg(long, default_value = "size")]
        by: String,
        /// Period ids (comma-separated); default all.
        #[arg(long)]
        period: Option<String>,
        /// Only these roles (comma-separated role ids).
        #[arg(long)]
        roles: Option<String>,
        #[command(flatten)]
        est: EstimateArgs,
        /// Print the table as CSV instead of aligned text.
        #[arg(long)]
        csv: bool,
    },
    /// Write every figure (SVG), table (CSV, JSON) and an index.html into a directory.
    Report {
        /// Survey name.
        name: String,
        /// Output directory.
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        est: EstimateArgs,
    },
    /// Generate synthetic responses (marked synthetic everywhere) and keep them under a name.
    Synth {
        /// Respondents in total.
        #[arg(long, default_value_t = 300)]
        respondents: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Generate this many localities instead of using the knowledge base's Whole-COMM localities.
        #[arg(long)]
        localities: Option<usize>,
        /// Name to keep it under.
        #[arg(long, default_value = "synthetic")]
        name: String,
        /// Also write the long CSV here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn store_dir(ctx: &Ctx) -> PathBuf {
    let mut s = ctx.db.clone().into_os_string();
    s.push(".surveys");
    PathBuf::from(s)
}

fn valid_name(n: &str) -> Result<(), CliError> {
    if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(())
    } else {
        Err(CliError::Usage(format!("survey name {n:?}: use letters, digits, '-' and '_'")))
    }
}

fn load_instrument(path: Option<&Path>) -> Result<Instrument, CliError> {
    match path {
        None => Ok(Instrument::whole_comm()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| CliError::Usage(format!("{}: {e}", p.display())))?;
            Instrument::from_toml_str(&text, &p.display().to_string()).map_err(|e| CliError::Data(e.to_string()))
        }
    }
}

fn kb_localities(ctx: &Ctx) -> Vec<LocalityInfo> {
    ctx.load_kb().map(|kb| survey_localities(&kb)).unwrap_or_default()
}

fn write_localities(path: &Path, locs: &[LocalityInfo]) -> Result<(), CliError> {
    let mut w = String::new();
    w.push_str("id,label,size_class,orientation,typology,country,synthetic\n");
    for l in locs {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        w.push_str(&format!("{},\"{}\",{},{},{},{},{}\n", l.id, l.label.replace('"', "\"\""), o(&l.size_class), o(&l.orientation), o(&l.typology), o(&l.country), l.synthetic));
    }
    std::fs::write(path, w)?;
    Ok(())
}

fn read_localities(path: &Path) -> Result<Vec<LocalityInfo>, CliError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let mut cells = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                ',' if !quoted => cells.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        cells.push(cur);
        if cells.len() < 7 {
            continue;
        }
        let o = |i: usize| Some(cells[i].clone()).filter(|s| !s.is_empty());
        out.push(LocalityInfo { id: cells[0].clone(), label: cells[1].clone(), size_class: o(2), orientation: o(3), typology: o(4), country: o(5), synthetic: cells[6] == "true" });
    }
    Ok(out)
}

pub(crate) struct Loaded {
    pub(crate) ins: Instrument,
    pub(crate) ds: Dataset,
    locs: Vec<LocalityInfo>,
}

pub(crate) fn load_survey(ctx: &Ctx, name: &str) -> Result<Loaded, CliError> {
    valid_name(name)?;
    let dir = store_dir(ctx);
    let csv = dir.join(format!("{name}.csv"));
    if !csv.exists() {
        let have: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".csv").map(str::to_string)).filter(|n| !n.ends_with(".localities")).collect())
            .unwrap_or_default();
        return Err(CliError::Data(format!("no survey named {name:?}; imported surveys: {}", if have.is_empty() { "none (use `mlgov survey import` or `mlgov survey synth`)".into() } else { have.join(", ") })));
    }
    let ins_path = dir.join(format!("{name}.instrument.toml"));
    let ins = load_instrument(ins_path.exists().then_some(ins_path.as_path()))?;
    let bytes = std::fs::read(&csv)?;
    let ds = sv::read_survey(&bytes, &csv.display().to_string(), &ins, IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: None })
        .map_err(|e| CliError::Data(e.to_string()))?;
    let mut locs = read_localities(&dir.join(format!("{name}.localities.csv")))?;
    let own: HashSet<String> = locs.iter().map(|l| l.id.clone()).collect();
    locs.extend(kb_localities(ctx).into_iter().filter(|l| !own.contains(&l.id)));
    Ok(Loaded { ins, ds, locs })
}

fn save_survey(ctx: &Ctx, name: &str, ds: &Dataset, ins: &Instrument, locs: Option<&[LocalityInfo]>) -> Result<PathBuf, CliError> {
    let dir = store_dir(ctx);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.csv"));
    let mut buf = Vec::new();
    sv::write_long_csv(ds, ins, &mut buf)?;
    std::fs::write(&path, buf)?;
    std::fs::write(dir.join(format!("{name}.instrument.toml")), ins.to_toml_string())?;
    let lp = dir.join(format!("{name}.localities.csv"));
    match locs {
        Some(l) => write_localities(&lp, l)?,
        None => {
            if lp.exists() {
                std::fs::remove_file(lp)?;
            }
        }
    }
    Ok(path)
}

fn config(est: &EstimateArgs, by: &str, period: Option<&str>, roles: Option<&str>) -> Result<AnalysisConfig, CliError> {
    let group_by = by
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "none")
        .map(|s| s.parse::<Dimension>().map_err(|e| CliError::Usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let split = |s: &str| s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect::<Vec<_>>();
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
            other => return Err(CliError::Usage(format!("--aggregate {other:?}: expected sum or mean"))),
        },
    })
}

fn human_table(t: &ResultTable) -> String {
    let f = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into());
    let mut headers: Vec<&str> = t.group_by.iter().map(|d| d.id()).collect();
    headers.extend(["period", "measure", "stat", "n", "mean", "95% interval", "flags"]);
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let mut v = r.group.clone();
            let flags = [(r.estimate.small_n, "small-n"), (r.estimate.suppressed, "suppressed")].iter().filter(|x| x.0).map(|x| x.1).collect::<Vec<_>>().join(",");
            v.extend([
                r.period.clone().unwrap_or_default(),
                r.measure.clone(),
                r.statistic.clone(),
                r.estimate.n.to_string(),
                f(r.estimate.mean),
                if r.estimate.ci_low.is_some() { format!("[{}, {}]", f(r.estimate.ci_low), f(r.estimate.ci_high)) } else { "–".into() },
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
        if t.resamples > 0 { format!(" — {} bootstrap resamples, seed {}", t.resamples, t.seed) } else { String::new() }
    );
    format!("{head}{}", table(&headers, &rows))
}

/// Run a survey command.
pub fn run(cmd: &SurveyCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SurveyCommand::Import { file, name, layout, instrument, no_kb_check } => {
            let name = name.clone().unwrap_or_else(|| file.file_stem().and_then(|s| s.to_str()).unwrap_or("survey").to_string());
            valid_name(&name)?;
            let ins = load_instrument(instrument.as_deref())?;
            let layout = match layout.as_str() {
                "long" => Layout::Long,
                "wide" => Layout::Wide,
                "auto" => Layout::Auto,
                other => return Err(CliError::Usage(format!("--layout {other:?}: expected long, wide or auto"))),
            };
            let bytes = std::fs::read(file).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
            let kb_locs = if *no_kb_check { Vec::new() } else { kb_localities(ctx) };
            let known: HashSet<String> = kb_locs.iter().map(|l| l.id.clone()).collect();
            let fname = file.display().to_string();
            let opts = IntakeOptions { kind: FileKind::from_name(&fname), layout, known_localities: (!*no_kb_check).then_some(&known) };
            let ds = sv::read_survey(&bytes, &fname, &ins, opts).map_err(|e| CliError::Data(format!("{e}\n(use --no-kb-check to accept localities the knowledge base does not know)")))?;
            let path = save_survey(ctx, &name, &ds, &ins, None)?;
            let localities: HashSet<&str> = ds.respondents.iter().map(|r| r.locality.as_str()).collect();
            let v = json!({"name": name, "respondents": ds.len(), "localities": localities.len(), "frequency_answers": ds.answered_frequencies(), "synthetic": ds.synthetic, "stored": path.display().to_string(), "instrument": format!("{}@{}", ins.id, ins.version)});
            ctx.emit(&v, || format!("imported {name:?}: {} respondents in {} localities, {} frequency answers{} → {}", ds.len(), localities.len(), ds.answered_frequencies(), if ds.synthetic { " (SYNTHETIC)" } else { "" }, path.display()));
            Ok(())
        }
        SurveyCommand::Analyze { name, analysis, by, period, roles, est, csv } => {
            let l = load_survey(ctx, name)?;
            let cfg = config(est, by, period.as_deref(), roles.as_deref())?;
            let kinds: Vec<AnalysisKind> = if analysis == "all" {
                AnalysisKind::ALL.to_vec()
            } else {
                vec![analysis.parse::<AnalysisKind>().map_err(|e| CliError::Usage(e.to_string()))?]
            };
            let specs: Vec<AnalysisSpec> = kinds.into_iter().map(|kind| AnalysisSpec { kind, config: cfg.clone() }).collect();
            let tables = sv::analyze_all(&specs, &l.ds, &l.ins, &l.locs).map_err(|e| CliError::Usage(e.to_string()))?;
            let v = serde_json::to_value(&tables)?;
            ctx.emit(&v, || tables.iter().map(|t| if *csv { sv::table_csv_string(t) } else { human_table(t) }).collect::<Vec<_>>().join("\n"));
            Ok(())
        }
        SurveyCommand::Report { name, out, est } => {
            let l = load_survey(ctx, name)?;
            let base = config(est, "size", None, None)?;
            let tables = sv::analyze_all(&sv::standard_analyses(&l.ins, &base), &l.ds, &l.ins, &l.locs).map_err(|e| CliError::Usage(e.to_string()))?;
            let idx = sv::respondent_indexes(&l.ds, &l.ins);
            let meta = ReportMeta {
                title: format!("Policymaking interactions survey: {name}"),
                data_source: format!("survey {name:?}{}", if l.ds.synthetic { " (synthetic)" } else { "" }),
                respondents: l.ds.len(),
                generated_by: format!("mlgov {}", env!("CARGO_PKG_VERSION")),
            };
            let files = sv::build_report(&tables, &l.ins, Some(&idx), &meta);
            std::fs::create_dir_all(out)?;
            for f in &files {
                std::fs::write(out.join(&f.name), &f.bytes)?;
            }
            let index = out.join("index.html");
            let v = json!({"out": out.display().to_string(), "files": files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(), "index": index.display().to_string(), "synthetic": l.ds.synthetic});
            ctx.emit(&v, || format!("wrote {} files ({} tables) to {}; open {}", files.len(), tables.len(), out.display(), index.display()));
            Ok(())
        }
        SurveyCommand::Synth { respondents, seed, localities, name, out } => {
            valid_name(name)?;
            let ins = Instrument::whole_comm();
            let (locs, generated) = match localities {
                Some(n) => (sv::synth_localities(*n, *seed), true),
                None => {
                    let kb = ctx.load_kb().ok().map(|kb| whole_comm_localities(&kb)).unwrap_or_default();
                    if kb.is_empty() { (sv::synth_localities(49, *seed), true) } else { (kb, false) }
                }
            };
            let ds = sv::synth(&locs, SynthSize::Total(*respondents), *seed, &SynthParams::default(), &ins);
            let path = save_survey(ctx, name, &ds, &ins, generated.then_some(locs.as_slice()))?;
            if let Some(o) = out {
                let mut buf = Vec::new();
                sv::write_long_csv(&ds, &ins, &mut buf)?;
                std::fs::write(o, buf)?;
            }
            let v = json!({"name": name, "respondents": ds.len(), "localities": locs.len(), "generated_localities": generated, "seed": seed, "synthetic": true, "stored": path.display().to_string()});
            ctx.emit(&v, || format!("SYNTHETIC survey {name:?}: {} respondents over {} {}localities (seed {seed}) → {}", ds.len(), locs.len(), if generated { "generated " } else { "knowledge-base " }, path.display()));
            Ok(())
        }
    }
}
