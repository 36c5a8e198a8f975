//! Survey-tool exports on the command line: the file options of `mlgov survey import` (mapping
//! file, separator, encoding, limits) and `mlgov survey mapping suggest` (docs/survey.md).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use mlgov_analysis::survey::mlgov_survey::{
    self as sv, Dataset, FileKind, Instrument, IntakeOptions, Layout, Limits, Mapping,
    MappingOptions, ReadOptions, TextEncoding, TextOptions,
};
use serde_json::json;

use crate::ctx::{CliError, Ctx};

/// How `survey import` reads a file beyond its layout: a mapping for survey-tool exports,
/// decoding, and the limits on hostile files.
#[derive(clap::Args, Debug, Clone)]
pub struct FileArgs {
    /// Mapping file (TOML) for a Qualtrics, LimeSurvey or KoboToolbox export; draft one with
    /// `mlgov survey mapping suggest FILE`.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// CSV separator: , ; tab or any one character (default: detected from the header line).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Text encoding: utf-8, utf-16le, utf-16be, windows-1252 (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Largest decompressed size of an XLSX workbook, in bytes.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_XLSX_BYTES)]
    pub max_xlsx_bytes: u64,
    /// Most cells in an XLSX workbook.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_CELLS)]
    pub max_cells: u64,
    /// Longest CSV field, in bytes.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_FIELD_BYTES)]
    pub max_field_bytes: usize,
    /// Most columns in a file.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_COLUMNS)]
    pub max_columns: usize,
}

/// The `--delimiter` and `--encoding` flags of every command that reads CSV (surveys and the
/// knowledge base alike), or a usage error naming the flag.
pub(crate) fn text_options(
    delimiter: Option<&str>,
    encoding: Option<&str>,
) -> Result<TextOptions, CliError> {
    let delimiter = delimiter
        .map(|d| {
            mlgov_textfile::parse_delimiter(d)
                .map_err(|e| CliError::Usage(format!("--delimiter: {e}")))
        })
        .transpose()?;
    let encoding = encoding
        .map(|e| e.parse::<TextEncoding>().map_err(|e| CliError::Usage(format!("--encoding: {e}"))))
        .transpose()?;
    Ok(TextOptions { delimiter, encoding })
}

impl FileArgs {
    fn read_options(&self) -> Result<ReadOptions, CliError> {
        Ok(ReadOptions {
            text: text_options(self.delimiter.as_deref(), self.encoding.as_deref())?,
            limits: Limits {
                max_xlsx_bytes: self.max_xlsx_bytes,
                max_cells: self.max_cells,
                max_field_bytes: self.max_field_bytes,
                max_columns: self.max_columns,
            },
        })
    }
}

/// Knowledge-base locality names, aliases and ids (case- and accent-insensitive) → id; a name
/// shared by two localities is left out (it must be mapped in the mapping's `[localities]`).
pub fn locality_names(ctx: &Ctx) -> HashMap<String, String> {
    let Ok(kb) = ctx.load_kb() else { return HashMap::new() };
    let mut out: HashMap<String, String> = HashMap::new();
    let mut ambiguous = HashSet::new();
    for l in &kb.localities {
        let id = l.id.to_string();
        let mut keys: Vec<String> = l.aliases.iter().map(|a| mlgov_domain::fold(a)).collect();
        keys.push(mlgov_domain::fold(&l.name));
        keys.push(mlgov_domain::fold(id.trim_start_matches("loc:")));
        for k in keys {
            if let Some(prev) = out.insert(k.clone(), id.clone())
                && prev != id
            {
                ambiguous.insert(k);
            }
        }
    }
    for k in ambiguous {
        out.remove(&k);
    }
    out
}

/// Read a file for `survey import`: through its mapping when one is given, else in mlgov's long or
/// wide layout (a recognised tool's export then fails with the suggest command in the message).
pub fn read_import(
    ctx: &Ctx,
    file: &Path,
    bytes: &[u8],
    ins: &Instrument,
    layout: Layout,
    known: Option<&HashSet<String>>,
    args: &FileArgs,
) -> Result<Dataset, CliError> {
    let fname = file.display().to_string();
    let read = args.read_options()?;
    let hint = if known.is_some() {
        "\n(use --no-kb-check to accept localities the knowledge base does not know)"
    } else {
        ""
    };
    match &args.mapping {
        Some(m) => {
            let text = std::fs::read_to_string(m)
                .map_err(|e| CliError::Usage(format!("{}: {e}", m.display())))?;
            let mapping =
                Mapping::from_toml_str(&text, &m.display().to_string(), ins).map_err(|e| {
                    CliError::Diagnostics(
                        e.problems
                            .into_iter()
                            .map(|message| mlgov_interchange::Diagnostic {
                                file: e.file.clone(),
                                line: None,
                                field: None,
                                message,
                            })
                            .collect(),
                    )
                })?;
            let names = locality_names(ctx);
            let resolve = |v: &str| names.get(&mlgov_domain::fold(v)).cloned();
            let opts = MappingOptions {
                kind: Some(FileKind::from_name(&fname)),
                read,
                known_localities: known,
                locality_names: Some(&resolve),
            };
            sv::read_mapped(bytes, &fname, ins, &mapping, opts)
                .map_err(|e| CliError::SurveyInput(e, hint.trim().to_string()))
        }
        None => {
            let opts = IntakeOptions {
                kind: FileKind::from_name(&fname),
                layout,
                known_localities: known,
            };
            sv::read_survey_with(bytes, &fname, ins, opts, &read).map_err(|e| {
                let tool =
                    e.0.iter().any(|x| matches!(x.kind, sv::IntakeErrorKind::NeedsMapping { .. }));
                if tool {
                    CliError::Data(e.to_string().replace(
                        "mlgov survey mapping suggest FILE",
                        &format!("mlgov survey mapping suggest {fname}"),
                    ))
                } else {
                    CliError::SurveyInput(e, hint.trim().to_string())
                }
            })
        }
    }
}

/// `mlgov survey mapping …`.
#[derive(clap::Subcommand, Debug)]
pub enum MappingCommand {
    /// Recognise the survey tool of an export and draft a mapping file listing every column with
    /// its best guess; what could not be placed is marked UNPLACED.
    #[command(after_help = "\
Examples:
  # draft a mapping for a Qualtrics export
  mlgov survey mapping suggest qualtrics.csv --out draft.mapping.toml
  # place every UNPLACED column in the draft, then: mlgov survey import qualtrics.csv --mapping draft.mapping.toml
  mlgov survey mapping suggest limesurvey.csv")]
    Suggest {
        /// The export of Qualtrics, LimeSurvey or KoboToolbox (CSV or XLSX), as the tool wrote it.
        file: PathBuf,
        /// Write the mapping here (default: print it).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Instrument TOML (default: the shipped Whole-COMM instrument).
        #[arg(long)]
        instrument: Option<PathBuf>,
        /// CSV separator: , ; tab or any one character (default: detected from the header line).
        #[arg(long)]
        delimiter: Option<String>,
        /// Text encoding: utf-8, utf-16le, utf-16be, windows-1252 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
    },
}

/// Run `mlgov survey mapping …`; `load_instrument` reads `--instrument` (default: Whole-COMM).
pub fn run_mapping(
    cmd: &MappingCommand,
    ctx: &Ctx,
    load_instrument: impl Fn(Option<&Path>) -> Result<Instrument, CliError>,
) -> Result<(), CliError> {
    match cmd {
        MappingCommand::Suggest { file, out, instrument, delimiter, encoding } => {
            let ins = load_instrument(instrument.as_deref())?;
            let bytes = std::fs::read(file)
                .map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
            let read = ReadOptions {
                text: text_options(delimiter.as_deref(), encoding.as_deref())?,
                limits: Limits::default(),
            };
            let names = locality_names(ctx);
            let resolve = |v: &str| names.get(&mlgov_domain::fold(v)).cloned();
            let fname = file.display().to_string();
            let s = sv::suggest_mapping(&bytes, &fname, &ins, None, &read, Some(&resolve))
                .map_err(|e| CliError::Data(e.to_string()))?;
            let tool = s.tool.map(|t| t.name()).unwrap_or("no known tool");
            let summary = format!(
                "{tool}: {} column(s) placed, {} ignored as metadata, {} unplaced{}",
                s.placed,
                s.ignored,
                s.unplaced.len(),
                if s.unplaced.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.unplaced.join(", "))
                }
            );
            match out {
                Some(o) => {
                    std::fs::write(o, &s.toml)?;
                    let v = json!({"tool": s.tool.map(|t| t.id()), "placed": s.placed, "ignored": s.ignored, "unplaced": s.unplaced, "out": o.display().to_string()});
                    ctx.emit(&v, || format!("{summary}\nwrote {}; check every line, then: mlgov survey import {fname} --mapping {} --name NAME", o.display(), o.display()));
                }
                None => {
                    let v = json!({"tool": s.tool.map(|t| t.id()), "placed": s.placed, "ignored": s.ignored, "unplaced": s.unplaced, "mapping": s.toml});
                    ctx.emit(&v, || s.toml.clone());
                    if !ctx.json {
                        eprintln!("{summary}");
                    }
                }
            }
            Ok(())
        }
    }
}
