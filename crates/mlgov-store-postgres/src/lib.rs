//! The PostgreSQL storage backend of mlgov (the multi-user server) behind the same [`Store`]
//! interface as the embedded SQLite file, and [`open`], which opens the backend a
//! [`mlgov_store::Location`] names (that type alone tells a `postgres://…` URL from a SQLite
//! file path).
//!
//! The tables and columns are those of the SQLite schema; cells are stored as the interchange
//! text (NULL when empty), so `mlgov-domain` stays the single parser of stored rows. Writes run in
//! one transaction with every foreign key deferred to `COMMIT` (table order does not matter), bulk
//! rows go through binary `COPY`, and reads take one repeatable-read snapshot so a concurrent
//! import is seen either wholly or not at all.
//!
//! The client is the synchronous `postgres` crate: the [`Store`] trait is synchronous, and the
//! client drives its own small runtime. Do not call a [`PgStore`] from inside an async task: use
//! `tokio::task::spawn_blocking` (as for the SQLite store, whose calls block too).
//!
//! ## Design
//!
//! Migrations in `migrations/postgres/`, versions recorded in `schema_migrations`, applied
//! under an advisory lock so servers starting together migrate once. Writes are one transaction
//! with `SET CONSTRAINTS ALL DEFERRED` (keys are `DEFERRABLE`, so table and row order do not
//! matter) and binary `COPY` per table; reads take one repeatable-read snapshot, so a concurrent
//! import is seen wholly or not at all; `integrity_check` re-checks every foreign key for orphans
//! (rows written behind disabled triggers), the number of keys and the applied migrations.
//! `open(&Location, mode)` opens the backend a `mlgov_store::Location` names (`open_any(&str,
//! mode)` parses the `--db` text first); the CLI and the server use it. Feature `testing`
//! (dev-only) holds the PostgreSQL test fixtures every crate's tests share: `server_url`
//! (`MLGOV_TEST_PG_URL`, skip notice or CI failure) and `TestSchema` (a schema of one's own,
//! dropped afterwards).
//!
//! *Invariant:* the second crate with SQL; same rows as SQLite (cells as interchange text, NULL
//! when empty), the domain parser stays the single reader.
//!
//! *Client choice:* the synchronous `postgres` 0.19 crate rather than sqlx 0.9. The `Store` trait
//! is synchronous and both backends must fit it without an async runtime in the CLI; `postgres`
//! drives its own small tokio runtime internally, adds `tokio-postgres` and a few small crates on
//! top of the tokio already in the workspace (≈ 3 min CPU for the crate and its tests cold, most of
//! it shared with the server), and has first-class binary `COPY`. sqlx would bring its own pool,
//! macros crate and runtime glue, and its `sqlite` feature would clash with rusqlite's
//! `libsqlite3-sys`. Cost of the choice: a `PgStore` must not be called from inside an async task —
//! the server calls stores through `spawn_blocking` (as it must for SQLite anyway).
//!
//! *Tests:* the storage contract lives in `mlgov_store::contract` (feature `contract-tests`) and
//! runs against SQLite and, in this crate, against PostgreSQL when `MLGOV_TEST_PG_URL` is set;
//! `scripts/pg-test.sh` starts a throwaway cluster on loopback (installing Debian's PostgreSQL when
//! `initdb` is missing) and `scripts/test.sh` runs the whole workspace inside it.
//!
//! *Several servers* (docs/deploy.md): everything written — the base and its history, proposals,
//! surveys and releases, accounts, sessions with their CSRF tokens, API tokens, the login limiter's
//! failure windows (`auth_login_failures`) and survey collection — lives in the database, so any
//! number of `mlgov serve` processes on one database serve the same data behind a load balancer; a
//! process keeps only what it derives (the snapshot, its rendered responses, `?as_of=` versions).
//! Change propagation is `changes`: every write path that changes what a server shows (change sets,
//! survey datasets and releases here; collected surveys and submitted answers in `mlgov-collect`)
//! calls `changes::notify` (`pg_notify('mlgov_changed', '<schema> <what>')`) inside its
//! transaction, and `Server::run` starts a `changes::Listener` for a PostgreSQL store: a thread of
//! its own with one `LISTEN`ing connection that, on a notification for its schema (after a 50 ms
//! settle), every 5 s and after every reconnection (backoff 0.25–30 s), reads
//! `changes::fingerprint` (newest change set and its `xmin`, survey datasets, releases,
//! collections, submitted responses) and hands it to `AppState::reload_if_fingerprint`, which
//! reloads only when it differs from the fingerprint read before the last load (reloads run one at
//! a time). Never in a request; SQLite keeps the file watcher. Tested by
//! `crates/mlgov-store-postgres/tests/changes.rs` and, with two real servers, by `mlgov-faults`'
//! `two_servers`.

pub mod changes;
pub mod own_tables;
mod pg;
pub mod reconnect;
#[cfg(feature = "testing")]
pub mod testing;

pub use pg::{MIGRATIONS, PgStore, describe_error};

use mlgov_store::{Location, SqliteStore, Store, StoreError};

/// How [`open`] treats a store that does not exist yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Fail with [`StoreError::Missing`] when there is no initialised store.
    Existing,
    /// Create the SQLite file or the PostgreSQL tables when missing.
    Create,
}

/// Opens the store at `location`: a PostgreSQL database or a SQLite file. Pending migrations are
/// applied in both cases.
///
/// # Errors
/// [`StoreError::Missing`] when `mode` is [`OpenMode::Existing`] and there is no initialised
/// store; [`StoreError::TooNew`] for a schema newer than this build; [`StoreError::Database`] when
/// the server cannot be reached or the file cannot be opened.
pub fn open(location: &Location, mode: OpenMode) -> Result<Box<dyn Store + Send>, StoreError> {
    match location {
        Location::Postgres(url) => {
            let store = match mode {
                OpenMode::Existing => PgStore::connect_existing(url)?,
                OpenMode::Create => PgStore::connect(url)?,
            };
            Ok(Box::new(store))
        }
        Location::Sqlite(path) => {
            let store = match mode {
                OpenMode::Existing => SqliteStore::open_existing(path)?,
                OpenMode::Create => SqliteStore::open(path)?,
            };
            Ok(Box::new(store))
        }
    }
}

/// [`open`] at a `--db` value given as text ([`Location::parse`]).
///
/// # Errors
/// Those of [`open`].
pub fn open_any(location: &str, mode: OpenMode) -> Result<Box<dyn Store + Send>, StoreError> {
    open(&Location::parse(location), mode)
}

/// `location` with any password in a URL replaced by `***`, for messages and logs.
///
/// `postgres://ann:secret@db:5432/mlgov` → `postgres://ann:***@db:5432/mlgov`; a `password=`
/// query parameter is masked too. Paths are returned unchanged.
pub fn redact(location: &str) -> String {
    if !Location::parse(location).is_postgres() {
        return location.to_string();
    }
    let Some(scheme_end) = location.find("://").map(|i| i + 3) else { return location.to_string() };
    let (scheme, rest) = location.split_at(scheme_end);
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}:***{}", &userinfo[..colon], &authority[at..]),
                None => authority.to_string(),
            }
        }
        None => authority.to_string(),
    };
    let tail = match tail.find('?') {
        Some(q) => {
            let (path, query) = tail.split_at(q + 1);
            let params: Vec<String> = query
                .split('&')
                .map(|kv| {
                    if kv.to_ascii_lowercase().starts_with("password=") {
                        "password=***".to_string()
                    } else {
                        kv.to_string()
                    }
                })
                .collect();
            format!("{path}{}", params.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://ann:secret@db:5432/mlgov"),
            "postgres://ann:***@db:5432/mlgov"
        );
        assert_eq!(redact("postgres://ann@db/mlgov"), "postgres://ann@db/mlgov");
        assert_eq!(
            redact("postgresql://db/mlgov?user=ann&password=s3&sslmode=disable"),
            "postgresql://db/mlgov?user=ann&password=***&sslmode=disable"
        );
        assert_eq!(redact("postgres://a:b@c"), "postgres://a:***@c");
        assert_eq!(redact("some/file.db"), "some/file.db");
    }
}
