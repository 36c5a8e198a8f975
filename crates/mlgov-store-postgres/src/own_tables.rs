//! The migrations of the crates that keep their own tables beside the knowledge base's in one
//! PostgreSQL database (accounts, survey collection), each recorded in its own `<name>_schema`
//! table and run under its own advisory lock so that servers starting together migrate once.

use crate::describe_error;
use mlgov_store::DatabaseError;
use postgres::Client;

/// Applies the migrations of `name`'s tables (`auth`, `collect`) newer than those recorded in
/// `<name>_schema`, in one transaction holding the advisory lock `lock`. A schema newer than
/// `migrations` knows is an error.
///
/// # Errors
/// When the server fails or a migration does (the message says which), and for a newer schema.
pub fn migrate(
    client: &mut Client,
    name: &str,
    lock: i64,
    migrations: &[(i64, &str)],
) -> Result<(), DatabaseError> {
    let db = |e: postgres::Error| {
        DatabaseError::with_source(format!("{name} migrations: {}", describe_error(&e)), e)
    };
    let mut tx = client.transaction().map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock]).map_err(db)?;
    tx.batch_execute(&format!("CREATE TABLE IF NOT EXISTS {name}_schema (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")).map_err(db)?;
    let current: i64 = tx
        .query_one(&format!("SELECT coalesce(max(version), 0) FROM {name}_schema"), &[])
        .map_err(db)?
        .get(0);
    for (version, sql) in mlgov_store::own_tables::pending(name, migrations, current)? {
        tx.batch_execute(sql).map_err(|e| {
            DatabaseError::with_source(
                format!("{name} migration {version}: {}", describe_error(&e)),
                e,
            )
        })?;
        tx.execute(&format!("INSERT INTO {name}_schema (version) VALUES ($1)"), &[version])
            .map_err(db)?;
    }
    tx.commit().map_err(db)
}
