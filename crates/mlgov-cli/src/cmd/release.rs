//! `mlgov release`: a citable release of the public base in a folder (and optionally a ZIP):
//! the files come from `mlgov_export::release`, this command only gathers the inputs and writes.

use crate::ctx::{CliError, Ctx, store_err};
use serde_json::json;
use std::path::PathBuf;

/// Flags of `mlgov release`.
#[derive(clap::Args, Debug)]
pub struct ReleaseArgs {
    /// Folder to write (created; refused when it exists and is not empty, unless --force).
    #[arg(long, short)]
    pub out: PathBuf,
    /// Title of the dataset.
    #[arg(long, default_value = "mlgov knowledge base of the multilevel governance of migration")]
    pub title: String,
    /// Version of the release (default: today's date, YYYY.MM.DD).
    #[arg(long)]
    pub version: Option<String>,
    /// Licence of the compilation, an SPDX id (each source keeps its own licence, listed).
    #[arg(long, default_value = "CC-BY-4.0")]
    pub licence: String,
    /// An author of the release, "Given Family" or an organisation (repeat for several).
    #[arg(long = "author", value_name = "NAME", default_value = "mlgov contributors")]
    pub authors: Vec<String>,
    /// A paragraph saying what the data are (default: a description of the knowledge base).
    #[arg(long)]
    pub description: Option<String>,
    /// Survey releases to include: `all` published ones (default), `none`, or names separated by
    /// commas. Only published, disclosure-controlled figures; never raw answers.
    #[arg(long, default_value = "all")]
    pub surveys: String,
    /// Also write `<out>.zip` (the folder as one archive, for a repository upload).
    #[arg(long)]
    pub zip: bool,
    /// CSV and XLSX cells exactly as stored (formula-like text not marked).
    #[arg(long)]
    pub raw: bool,
    /// Write into an existing, non-empty folder (files of the same names are replaced).
    #[arg(long)]
    pub force: bool,
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    mlgov_auth::service::iso_time(secs)[..10].to_string()
}

/// The last published release of each survey named (`none`, `all`, or a comma-separated list).
fn survey_releases(
    ctx: &Ctx,
    which: &str,
) -> Result<Vec<mlgov_export::release::SurveyRelease>, CliError> {
    let store = crate::cmd::survey::survey_store(ctx, false)?;
    let names: Vec<String> = match which {
        "none" => Vec::new(),
        "all" => store.released_surveys().map_err(store_err)?,
        list => list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
    };
    let mut surveys = Vec::new();
    for name in &names {
        let releases = store.releases(name).map_err(store_err)?;
        let Some(last) = releases.last() else {
            return Err(CliError::Data(format!(
                "survey {name:?} has no published release (publish one with `mlgov survey release {name}`)"
            )));
        };
        surveys.push(mlgov_export::release::SurveyRelease {
            survey: name.clone(),
            number: last.number,
            min_cell: last.min_cell,
            created_at: last.created_at.clone(),
            content: last.content.clone(),
        });
    }
    Ok(surveys)
}

/// What the release says about itself: the arguments, or defaults from today's date and the
/// number of records.
fn release_meta(
    args: &ReleaseArgs,
    date: &str,
    records: usize,
) -> mlgov_export::release::ReleaseMeta {
    mlgov_export::release::ReleaseMeta {
        title: args.title.clone(),
        version: args.version.clone().unwrap_or_else(|| date.replace('-', ".")),
        date: date.to_string(),
        licence: args.licence.clone(),
        creators: args.authors.clone(),
        description: args.description.clone().unwrap_or_else(|| format!(
            "A typed, dated and sourced knowledge base of the multilevel governance of migration: localities, city networks, memberships, terms of office, organisations, people, events, facts, practices and adoptions ({records} records), each statement citing its source and a locator. Written by mlgov from its knowledge base."
        )),
        generator: format!("mlgov {}", env!("CARGO_PKG_VERSION")),
        keywords: vec!["migration".into(), "multilevel governance".into(), "city networks".into(), "local integration policy".into()],
    }
}

/// Write the files into the release folder, and the archive beside it with `--zip` (its path).
fn write_release(
    args: &ReleaseArgs,
    files: &[mlgov_export::release::ReleaseFile],
) -> Result<Option<std::path::PathBuf>, CliError> {
    for f in files {
        let path = args.out.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&path, &f.bytes)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", path.display())))?;
    }
    Ok(if args.zip {
        let root = args.out.file_name().and_then(|n| n.to_str()).unwrap_or("release").to_string();
        let bytes =
            mlgov_export::release::zip(files, &root).map_err(|e| CliError::Other(e.into()))?;
        let p = args.out.with_extension("zip");
        std::fs::write(&p, bytes)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", p.display())))?;
        Some(p)
    } else {
        None
    })
}

/// Runs `mlgov release`.
pub fn run(args: &ReleaseArgs, ctx: &Ctx) -> Result<(), CliError> {
    if args.out.exists()
        && !args.force
        && std::fs::read_dir(&args.out).map(|mut d| d.next().is_some()).unwrap_or(true)
    {
        return Err(CliError::Usage(format!(
            "{} exists and is not empty; choose a new folder or add --force",
            args.out.display()
        )));
    }
    let pb = ctx.progress(4, "release");
    pb.set_message("reading the base");
    let kb = ctx.load_kb()?;
    pb.inc(1);
    pb.set_message("survey releases");
    let surveys = survey_releases(ctx, &args.surveys)?;
    pb.inc(1);
    pb.set_message("building files");
    let date = today();
    let counts = kb.counts();
    let meta = release_meta(args, &date, counts.values().sum::<usize>());
    let files = mlgov_export::release::build(&kb, &meta, &surveys, args.raw)
        .map_err(|e| CliError::Other(e.into()))?;
    pb.inc(1);
    pb.set_message("writing");
    let zip_path = write_release(args, &files)?;
    pb.inc(1);
    pb.finish_and_clear();
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let v = json!({
        "out": args.out.display().to_string(), "version": meta.version, "licence": meta.licence,
        "files": files.iter().map(|f| json!({"path": f.path, "bytes": f.bytes.len()})).collect::<Vec<_>>(),
        "records": counts.values().sum::<usize>(), "surveys": surveys.iter().map(|s| json!({"survey": s.survey, "release": s.number})).collect::<Vec<_>>(),
        "zip": zip_path.as_ref().map(|p| p.display().to_string()),
    });
    ctx.emit(&v, || {
        format!(
            "wrote release {} of {} records to {} ({} files, {:.1} MB{}){}\ncheck it: frictionless validate {}",
            meta.version,
            counts.values().sum::<usize>(),
            args.out.display(),
            files.len(),
            total as f64 / 1e6,
            if surveys.is_empty() { String::new() } else { format!(", {} survey release(s)", surveys.len()) },
            zip_path.as_ref().map(|p| format!("; archive {}", p.display())).unwrap_or_default(),
            args.out.join("datapackage.json").display()
        )
    });
    Ok(())
}
