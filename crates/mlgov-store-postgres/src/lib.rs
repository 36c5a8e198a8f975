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
