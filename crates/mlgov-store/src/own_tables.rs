//! How a SQLite file is opened and set up, for the knowledge base and for the crates that keep
//! their own tables beside it (accounts, survey collection), and the migrations of such a crate's
//! tables, recorded in its own `<name>_schema` table.

use crate::DatabaseError;
use rusqlite::{Connection, Transaction};
use std::path::Path;

/// Opens (creating if needed) a database file; a new file is readable by its owner only, and so
/// are its `-wal` and `-shm` files ([`crate::private::create_database_file`]).
pub fn open_file(path: &Path) -> rusqlite::Result<Connection> {
    // An error here (no such directory) is left to SQLite, which reports it in its words.
    let _ = crate::private::create_database_file(path);
    Connection::open(path)
}

/// What every connection runs first: a 10 s busy timeout, the WAL journal, foreign keys on.
pub fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
}

/// Applies the migrations of `name`'s tables (`auth`, `collect`) newer than those recorded in
/// `<name>_schema`, inside `tx` (the caller commits). A schema newer than `migrations` knows is
/// an error.
pub fn migrate(
    tx: &Transaction<'_>,
    name: &str,
    migrations: &[(i64, &str)],
) -> Result<(), DatabaseError> {
    let db = |e: rusqlite::Error| DatabaseError::with_source(e.to_string(), e);
    tx.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {name}_schema (version INTEGER NOT NULL) STRICT"
    ))
    .map_err(db)?;
    let current: i64 = tx
        .query_row(&format!("SELECT coalesce(max(version), 0) FROM {name}_schema"), [], |r| {
            r.get(0)
        })
        .map_err(db)?;
    for (version, sql) in pending(name, migrations, current)? {
        tx.execute_batch(sql).map_err(db)?;
        tx.execute(&format!("INSERT INTO {name}_schema (version) VALUES (?1)"), [version])
            .map_err(db)?;
    }
    Ok(())
}

/// The migrations of `name`'s tables after version `current` (both backends); a schema newer than
/// this build is an error.
pub fn pending<'a>(
    name: &str,
    migrations: &'a [(i64, &'a str)],
    current: i64,
) -> Result<impl Iterator<Item = &'a (i64, &'a str)>, DatabaseError> {
    let newest = migrations.last().map(|m| m.0).unwrap_or(0);
    if current > newest {
        return Err(format!(
            "{name} schema version {current} is newer than this build supports ({newest})"
        )
        .into());
    }
    Ok(migrations.iter().filter(move |(v, _)| *v > current))
}
