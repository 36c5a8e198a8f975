//! Serves a database without the CLI (used by bench/http and the browser tests while the CLI is
//! being rebuilt): `cargo run -p mlgov-server --example serve -- <db> [addr]`. A missing database
//! is created from `data/kb`. Prints `listening on http://ADDR`.

use std::path::PathBuf;

use mlgov_store::{SqliteStore, Store};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let db = PathBuf::from(args.next().unwrap_or_else(|| "mlgov.db".into()));
    let addr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:0".into())
        .parse()
        .expect("address like 127.0.0.1:8080");
    if !db.exists() {
        let kb_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
        let loaded = mlgov_interchange::read_path(&kb_dir).expect("bundled data");
        SqliteStore::open(&db).expect("create store").replace_all(&loaded.kb).expect("load store");
    }
    let server = mlgov_server::Server::bind(&db, addr).await.expect("bind");
    println!("listening on http://{}", server.local_addr().expect("addr"));
    server.run().await.expect("serve");
}
