//! `mlgov serve`: starts the HTTP explorer and JSON API (crate `mlgov-server`) on the store given
//! by `--db`, loading the bundled knowledge base first when the database does not exist yet.

use crate::ctx::{CliError, Ctx, store_err};
use std::net::SocketAddr;

/// Flags of `mlgov serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Worker threads of the runtime (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Folder with the texts of sources that are not bundled (file names as in sources.csv), for
    /// quoted passages in context; the CC BY texts of files 000 and 001 are bundled.
    #[arg(long, env = "MLGOV_TEXTS")]
    pub texts: Option<std::path::PathBuf>,
    /// Format of the server's log lines: `text` (one readable line per event) or `json` (JSON
    /// lines: `timestamp`, `level`, `target`, `message` and the event's fields at the top level).
    /// Every server error (5xx) is logged at ERROR with its `request_id` (the `X-Request-Id`
    /// response header and `error.request_id` of the body), `method`, `path`, `status` and
    /// `error`; at `--log-level debug` every request is logged.
    #[arg(long, env = "MLGOV_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Least level logged: error, warn, info, debug or trace (other crates' events: warn and up,
    /// or this level if higher).
    #[arg(long, env = "MLGOV_LOG", default_value = "info", value_parser = parse_level)]
    pub log_level: tracing_subscriber::filter::LevelFilter,
    /// Append the log to this file (created with mode 0600) instead of writing it to stderr.
    #[arg(long, env = "MLGOV_LOG_FILE")]
    pub log_file: Option<std::path::PathBuf>,
}

/// Formats of the log (`--log-format`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

fn parse_level(s: &str) -> Result<tracing_subscriber::filter::LevelFilter, String> {
    s.parse().map_err(|_| format!("{s:?}: expected error, warn, info, debug, trace or off"))
}

/// Installs the process's log subscriber: events of mlgov's crates from `--log-level`, other
/// crates' from WARN (or the chosen level when it is stricter), to stderr or `--log-file`.
fn init_log(args: &ServeArgs) -> Result<(), CliError> {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let level = args.log_level;
    let filter =
        Targets::new().with_target("mlgov", level).with_default(level.min(LevelFilter::WARN));
    let writer = match &args.log_file {
        Some(path) => {
            let mut o = std::fs::OpenOptions::new();
            o.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
            let file = o
                .open(path)
                .map_err(|e| CliError::Usage(format!("--log-file {}: {e}", path.display())))?;
            tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::sync::Mutex::new(file))
        }
        None => tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stderr),
    };
    let layer = match args.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .with_writer(writer)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer().with_writer(writer).boxed(),
    };
    // A second call (tests run the CLI in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry().with(layer.with_filter(filter)).try_init();
    Ok(())
}

/// Runs the server until Ctrl-C.
pub fn run(args: &ServeArgs, ctx: &Ctx) -> Result<(), CliError> {
    // The server serves the current base (and writes approved proposals): not a past one.
    ctx.refuse_as_of()?;
    init_log(args)?;
    // A missing SQLite file, or an empty PostgreSQL database, gets the bundled knowledge base;
    // an existing store is never overwritten.
    let empty = if ctx.location().is_postgres() {
        let store = ctx.store_create()?;
        store.counts().map_err(store_err)?.iter().all(|(_, n)| *n == 0)
    } else {
        !ctx.db.exists()
    };
    if empty {
        let loaded = crate::cmd::kb::bundled()?;
        let mut store = ctx.store_create()?;
        store.replace_all(&loaded.kb).map_err(store_err)?;
        eprintln!("{} was empty: loaded the bundled knowledge base into it", ctx.db.display());
    }
    // Surveys an earlier mlgov kept in a `<db>.surveys/` folder move into the database first, so
    // that the explorer sees them.
    crate::cmd::survey::migrate_legacy(ctx, ctx.store()?.as_mut())?;
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = args.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = rt.build()?;
    rt.block_on(async {
        let mut server = mlgov_server::Server::bind(&ctx.db, args.addr).await.map_err(|e| CliError::Data(e.to_string()))?;
        if let Some(dir) = &args.texts {
            server.add_texts(dir).map_err(|e| CliError::Usage(format!("--texts: {e}")))?;
        }
        let addr = server.local_addr().map_err(|e| CliError::Other(e.into()))?;
        ctx.emit(&serde_json::json!({"listening": format!("http://{addr}"), "db": ctx.db.display().to_string()}), || {
            format!("mlgov explorer listening on http://{addr}  (API: http://{addr}/api/v1, docs: http://{addr}/api/docs; Ctrl-C stops)")
        });
        use std::io::Write;
        let _ = std::io::stdout().flush();
        server.run().await.map_err(|e| CliError::Other(e.into()))
    })
}
