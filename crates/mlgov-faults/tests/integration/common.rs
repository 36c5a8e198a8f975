//! Fixtures shared by the tests: demo databases, generated large imports, store counts.

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use mlgov_faults::*;

/// Creates `dir/<name>` with the bundled knowledge base (`mlgov demo`).
pub fn demo_db(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    let (code, _, err) =
        mlgov(db.to_str().expect("utf-8 path"), &["--json", "demo"], Duration::from_secs(120));
    assert_eq!(code, 0, "mlgov demo failed: {err}");
    db
}

/// Starts `mlgov serve` on `db` (30 s to come up).
pub fn serve(db: &Path) -> Server {
    Server::start(db.to_str().expect("utf-8 path"), Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A demo database `name` in a new temporary directory, and `mlgov serve` on it; declared in this
/// order, the server stops before the directory is deleted.
pub fn serve_demo(name: &str) -> (tempfile::TempDir, PathBuf, Server) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path(), name);
    let s = serve(&db);
    (dir, db, s)
}

/// Row counts per table through the project's own store (`mlgov_store::Store::counts`), after
/// its integrity check (`PRAGMA integrity_check`, foreign keys, schema) passed.
pub fn checked_counts(db: &Path) -> Vec<(&'static str, usize)> {
    use mlgov_store::Store;
    let store = mlgov_store::SqliteStore::open_existing(db)
        .unwrap_or_else(|e| panic!("store {} does not open: {e}", db.display()));
    let problems = store.integrity_check().expect("integrity check runs");
    assert!(problems.is_empty(), "integrity check of {} failed: {problems:?}", db.display());
    store.counts().expect("counts")
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` straight through SQLite.
pub fn sqlite_integrity(db: &Path) {
    let c = rusqlite::Connection::open(db).expect("open with rusqlite");
    let ok: String =
        c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(ok, "ok", "PRAGMA integrity_check of {}", db.display());
    let mut st = c.prepare("PRAGMA foreign_key_check").expect("prepare");
    let orphans = st.query_map([], |r| r.get::<_, String>(0)).expect("fk check").count();
    assert_eq!(orphans, 0, "foreign key violations in {}", db.display());
}

/// Writes a valid knowledge-base directory of `rows` memberships over 1,000 networks and
/// ⌈rows / 1,000⌉ localities (ids `*:fault-*`, disjoint from the bundled data), like
/// `bench/import/gen.py`. Deterministic.
pub fn generate_kb(dir: &Path, rows: usize, tag: &str) {
    use std::fmt::Write as _;
    std::fs::create_dir_all(dir).expect("mkdir");
    let nets = 1000.min(rows.max(1));
    let locs = rows.div_ceil(nets);
    std::fs::write(dir.join("sources.csv"), format!("id,short,title,authors,year,kind,file,licence,url\nsrc:{tag},Fault 2024,Generated fault-test source,mlgov,2024,dataset,,,\n")).expect("write");
    let mut s = String::from("id,name,acronym,aliases,kind,parent,source,locator\n");
    for n in 0..nets {
        let _ = writeln!(s, "net:{tag}-{n:04},Network {tag} {n},N{n},,network,,src:{tag},p. 1");
    }
    std::fs::write(dir.join("networks.csv"), s).expect("write");
    let mut s = String::from(
        "id,name,aliases,kind,country,region,parent,anonymised,public_label,lat,lon,coord_source,source,locator\n",
    );
    for l in 0..locs {
        let _ =
            writeln!(s, "loc:{tag}-{l:05},Town {tag} {l},,municipality,IT,,,,,,,,src:{tag},p. 2");
    }
    std::fs::write(dir.join("localities.csv"), s).expect("write");
    const ROLES: [&str; 12] = [
        "member",
        "member",
        "member",
        "member",
        "member",
        "member",
        "member",
        "member",
        "founder",
        "president",
        "observer",
        "partner",
    ];
    let mut s = String::with_capacity(rows * 90);
    s.push_str("id,network,member,role,from,to,exit_reason,note,source,locator\n");
    for i in 0..rows {
        let start = 1980 + i % 40;
        let end = if i % 3 == 0 { String::new() } else { (start + i % 7).to_string() };
        let exit = if end.is_empty() || i % 2 == 0 { "" } else { "opted_out" };
        let _ = writeln!(
            s,
            "mem:{tag}-{i:07},net:{tag}-{:04},loc:{tag}-{:05},{},{start},{end},{exit},,src:{tag},p. {}",
            i % nets,
            i / nets,
            ROLES[i % 12],
            1 + i % 300
        );
    }
    std::fs::write(dir.join("memberships.csv"), s).expect("write");
}

/// Total rows of a count list.
pub fn total(counts: &[(&'static str, usize)]) -> usize {
    counts.iter().map(|(_, n)| n).sum()
}

/// An admin account and its API token in `db` (SQLite file or PostgreSQL URL), through the CLI;
/// returns the `Authorization` header value.
pub fn admin_bearer(db: &str) -> String {
    let (code, _, err) =
        mlgov(db, &["user", "add", "root", "--role", "admin"], Duration::from_secs(60));
    assert_eq!(code, 0, "mlgov user add: {err}");
    let (code, out, err) = mlgov(
        db,
        &["--json", "token", "issue", "--user", "root", "--label", "faults"],
        Duration::from_secs(60),
    );
    assert_eq!(code, 0, "mlgov token issue: {err}");
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("token issue --json ({e}): {out}"));
    format!("Bearer {}", v["token"].as_str().unwrap_or_else(|| panic!("no token in {out}")))
}
