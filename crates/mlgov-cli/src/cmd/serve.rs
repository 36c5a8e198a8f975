//! `mlgov serve`: starts the HTTP explorer and JSON API (crate `mlgov-server`) on the store given
//! by `--db`, loading the bundled knowledge base first when the database does not exist yet.

use crate::ctx::{store_err, CliError, Ctx};
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
}

/// Runs the server until Ctrl-C.
pub fn run(args: &ServeArgs, ctx: &Ctx) -> Result<(), CliError> {
    // The server serves the current base (and writes approved proposals): not a past one.
    ctx.refuse_as_of()?;
    // A missing SQLite file, or an empty PostgreSQL database, gets the bundled knowledge base;
    // an existing store is never overwritten.
    let url = ctx.db.to_string_lossy();
    let is_url = url.starts_with("postgres://") || url.starts_with("postgresql://");
    let empty = if is_url {
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
