//! The command context: global options, store access, name resolution, output and errors.

use mlgov_domain::{Id, IdKind, KnowledgeBase, Resolution};
use mlgov_interchange::Diagnostic;
use mlgov_store::{Location, Store};
use mlgov_store_postgres::OpenMode;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Errors of a command, each with its exit code (documented in `mlgov --help` and the README:
/// 0 ok, 1 usage error, 2 data or validation error, 3 other failure).
///
/// | Error                                                            | Variant  | Exit |
/// |------------------------------------------------------------------|----------|------|
/// | a flag or argument the command cannot take (`--as-of` on a write) | `Usage`  | 1    |
/// | invalid input files, survey files; name not found, ambiguous      | `Data`, `Diagnostics`, `SurveyInput` | 2 |
/// | an analysis the data cannot answer (`AnalysisError`: unknown role, period, grouping, setting) | `Data` ([`analysis_err`]) | 2 |
/// | `StoreError::Missing` (no database at `--db`)                      | `Data` ([`store_err`]) | 2 |
/// | any other `StoreError` (database, schema too new, corrupt row)     | `Other` ([`store_err`], source kept) | 3 |
/// | `AuthError::Database`, `AuthError::Crypto`                          | `Other` (source kept) | 3 |
/// | any other `AuthError` (not found, conflict, invalid field)          | `Data`   | 2    |
/// | anything else (IO, …)                                              | `Other`  | 3    |
#[derive(Debug)]
pub enum CliError {
    /// Wrong usage (exit 1).
    Usage(String),
    /// Invalid data, not found, ambiguous, an analysis the data cannot answer (exit 2).
    Data(String),
    /// Invalid input files (exit 2), with every diagnostic.
    Diagnostics(Vec<Diagnostic>),
    /// An invalid survey file (exit 2): the problems the intake kept in detail, how many it found
    /// (`IntakeErrors::total`), and what may help (empty or a sentence).
    SurveyInput(mlgov_analysis::survey::mlgov_survey::IntakeErrors, String),
    /// Anything else (exit 3).
    Other(anyhow::Error),
}

impl CliError {
    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 1,
            CliError::Data(_) | CliError::Diagnostics(_) | CliError::SurveyInput(..) => 2,
            CliError::Other(_) => 3,
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError::Other(e.into())
    }
}

/// Maps a store error onto the CLI's error kinds (see [`CliError`]): a missing database is a data
/// error (exit 2); every other kind is kept whole, its source chain reaching the driver's error
/// (exit 3).
pub fn store_err(e: mlgov_store::StoreError) -> CliError {
    match e {
        mlgov_store::StoreError::Missing(_) => CliError::Data(e.to_string()),
        other => CliError::Other(anyhow::Error::new(other)),
    }
}

/// Maps a survey analysis error onto the CLI's error kinds: the data (the instrument's roles and
/// periods, the dataset's groupings) cannot answer what was asked, a data error (exit 2), like a
/// name that is not found.
pub fn analysis_err(e: mlgov_analysis::survey::mlgov_survey::analysis::AnalysisError) -> CliError {
    CliError::Data(e.to_string())
}

/// What an [`CliError::Other`] says: its words and its causes' (as `{e:#}`), without repeating
/// what is already said — a [`mlgov_store::DatabaseError`] already holds its driver's words, so
/// the causes end there.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for (i, cause) in e.chain().enumerate() {
        let words = cause.to_string();
        if i == 0 {
            text = words;
        } else if !text.contains(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
        if cause.is::<mlgov_store::DatabaseError>() {
            break;
        }
    }
    text
}

/// Global options and helpers shared by every command.
pub struct Ctx {
    /// Database file.
    pub db: PathBuf,
    /// Print JSON instead of text.
    pub json: bool,
    /// Read the base as recorded then (`--as-of`).
    pub as_of: Option<mlgov_store::AsOf>,
    /// `--xlsx FILE`: also write the tables of the command's output to this workbook.
    pub xlsx: Option<PathBuf>,
    /// What writing the `--xlsx` workbook gave: `None` until [`Ctx::emit`] ran.
    pub xlsx_written: std::cell::RefCell<Option<Result<usize, String>>>,
}

/// Who the CLI records changes as: `cli:<login name>`.
pub fn cli_recorder() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

impl Ctx {
    /// Where `--db` points: a SQLite file, or PostgreSQL for a `postgres://` URL.
    pub fn location(&self) -> Location {
        Location::from_path(&self.db)
    }

    /// Opens the existing store: a SQLite file, or PostgreSQL when `--db` is a `postgres://` URL.
    pub fn store(&self) -> Result<Box<dyn Store + Send>, CliError> {
        let mut s =
            mlgov_store_postgres::open(&self.location(), OpenMode::Existing).map_err(store_err)?;
        s.set_recorder(&cli_recorder());
        self.warn_if_exposed();
        Ok(s)
    }

    /// Opens the store, creating it (the file, or the tables in PostgreSQL) if needed.
    pub fn store_create(&self) -> Result<Box<dyn Store + Send>, CliError> {
        self.refuse_as_of()?;
        let mut s =
            mlgov_store_postgres::open(&self.location(), OpenMode::Create).map_err(store_err)?;
        s.set_recorder(&cli_recorder());
        self.warn_if_exposed();
        Ok(s)
    }

    /// Once per run, after the database was opened: a warning on stderr when files of the SQLite
    /// database can be read by every user of the machine (`mlgov_store::private::exposed_warning`:
    /// a database made by an mlgov before 0600 files, or loosened by hand). The file's mode is
    /// left as it is; a PostgreSQL URL has no file.
    pub fn warn_if_exposed(&self) {
        static CHECKED: std::sync::Once = std::sync::Once::new();
        if self.location().is_postgres() {
            return;
        }
        CHECKED.call_once(|| {
            if let Some(w) = mlgov_store::private::exposed_warning(&self.db) {
                eprintln!("{w}");
            }
        });
    }

    /// A command that writes refuses `--as-of` (the past is read, never written).
    pub fn refuse_as_of(&self) -> Result<(), CliError> {
        match self.as_of {
            Some(_) => Err(CliError::Usage("--as-of reads the base as it was recorded; it cannot be given to a command that writes".into())),
            None => Ok(()),
        }
    }

    /// Loads the whole knowledge base from the store (as recorded then, with `--as-of`).
    pub fn load_kb(&self) -> Result<KnowledgeBase, CliError> {
        let store = self.store()?;
        let mut kb = match &self.as_of {
            Some(at) => store.load_as_of(at).map_err(store_err)?,
            None => store.load().map_err(store_err)?,
        };
        // Commands read the base they loaded: lookups by id instead of scans.
        kb.freeze();
        Ok(kb)
    }

    /// Resolves a name, alias or id among `kinds`; ambiguity and absence are data errors that
    /// list candidates.
    pub fn resolve(
        &self,
        kb: &KnowledgeBase,
        name: &str,
        kinds: &[IdKind],
    ) -> Result<Id, CliError> {
        match kb.index().resolve(name, kinds) {
            Resolution::Found(id) => Ok(id),
            Resolution::Ambiguous(c) => Err(CliError::Data(format!(
                "{name:?} is ambiguous; candidates:\n{}",
                c.iter().map(|(id, n)| format!("  {id}  {n}")).collect::<Vec<_>>().join("\n")
            ))),
            Resolution::NotFound => {
                let hits = kb.index().search(name, kinds, 5);
                let hint = if hits.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; did you mean: {}",
                        hits.iter()
                            .map(|h| format!("{} ({})", h.name, h.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                Err(CliError::Data(format!(
                    "no {} named {name:?}{hint}",
                    if kinds.len() == 1 { kinds[0].noun() } else { "entity" }
                )))
            }
        }
    }

    /// Prints `value` as JSON with `--json`, else the human text; with `--xlsx FILE`, also writes
    /// the tables of `value` (every list of records in it, `mlgov_export::json_tables`) to FILE.
    pub fn emit(&self, value: &serde_json::Value, human: impl FnOnce() -> String) {
        use std::io::Write;
        if let Some(path) = &self.xlsx {
            *self.xlsx_written.borrow_mut() = Some(self.write_xlsx(path, value));
        }
        // Writes ignore errors: a closed pipe (`mlgov … | head`) must not panic.
        let mut out = std::io::stdout().lock();
        if self.json {
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(value).expect("JSON"));
        } else {
            // Names and notes from the data never drive the terminal (escape sequences, bidi).
            let s = human();
            let s = crate::output::terminal(&s);
            let _ = if s.ends_with('\n') { write!(out, "{s}") } else { writeln!(out, "{s}") };
        }
    }

    fn write_xlsx(
        &self,
        path: &std::path::Path,
        value: &serde_json::Value,
    ) -> Result<usize, String> {
        let command: Vec<String> = std::env::args().skip(1).collect();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("mlgov");
        let tables = mlgov_export::json_tables(value, stem);
        if tables.is_empty() {
            return Err("this command's output holds no table to write with --xlsx".into());
        }
        let synthetic = value.to_string().contains("\"synthetic\":true");
        let mut lines = vec![
            ("Command".to_string(), format!("mlgov {}", command.join(" "))),
            ("Written by".into(), format!("mlgov {}", env!("CARGO_PKG_VERSION"))),
            (
                "Sheets".into(),
                tables
                    .iter()
                    .map(|t| format!("{} ({} rows)", t.name, t.rows.len()))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ];
        if synthetic {
            lines.insert(
                0,
                (
                    "SYNTHETIC".into(),
                    "These figures come from synthetic (generated) data, not from a real survey."
                        .into(),
                ),
            );
        }
        let readme = mlgov_export::xlsx::ReadMe {
            title: format!("mlgov {}", command.first().map(String::as_str).unwrap_or("")),
            lines,
        };
        let bytes = mlgov_export::xlsx::workbook(
            &tables,
            Some(&readme),
            mlgov_export::xlsx::XlsxOptions::default(),
        )
        .map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(tables.len())
    }

    /// Progress in phases on stderr (spinners and counted bars, `crate::progress`), hidden with
    /// `--json` or when stderr is not a terminal.
    pub fn phases(&self) -> crate::progress::Phases {
        crate::progress::Phases::new(self.json)
    }

    /// A progress bar on stderr, hidden with `--json` or when stderr is not a terminal.
    pub fn progress(&self, len: u64, msg: &str) -> indicatif::ProgressBar {
        if !crate::progress::visible(self.json, std::io::stderr().is_terminal()) {
            return indicatif::ProgressBar::hidden();
        }
        let pb = indicatif::ProgressBar::new(len);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{msg:20} [{bar:40}] {pos}/{len} {eta}")
                .expect("template")
                .progress_chars("=> "),
        );
        pb.set_message(msg.to_string());
        pb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_store_error_is_printed_once_and_its_source_stays_reachable() {
        let io = std::io::Error::other("permission denied");
        let e = mlgov_store::StoreError::Database(mlgov_store::DatabaseError::with_source(
            "x.db: permission denied",
            io,
        ));
        let CliError::Other(any) = store_err(e) else {
            panic!("a database error is an other failure")
        };
        assert_eq!(error_text(&any), "database error: x.db: permission denied");
        assert!(any.chain().any(|c| c.is::<std::io::Error>()), "the driver's error is lost");
        assert_eq!(CliError::Other(any).exit_code(), 3);
        // Context added on the way keeps `{e:#}`'s form.
        let ctx =
            anyhow::Error::new(std::io::Error::other("disk full")).context("writing out.xlsx");
        assert_eq!(error_text(&ctx), "writing out.xlsx: disk full");
        assert_eq!(store_err(mlgov_store::StoreError::Missing("m.db".into())).exit_code(), 2);
    }
}
