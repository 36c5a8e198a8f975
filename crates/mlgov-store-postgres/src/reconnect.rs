//! A PostgreSQL connection that survives server restarts, for the stores that keep their tables
//! beside the knowledge base's (accounts in `mlgov-auth`, survey collection in `mlgov-collect`):
//! one connection behind a mutex, every unit of work a closure over the client; a connection found
//! broken is replaced, and the unit of work that met it runs once more — unless it broke while
//! committing, when whether the change landed is unknown and the caller gets an error saying so.
//!
//! The client is the synchronous `postgres` crate, which drives a small runtime of its own:
//! connecting and dropping a client inside a tokio runtime happen on another thread
//! ([`off_runtime`], [`discard`]); units of work must still run outside async tasks
//! (`tokio::task::spawn_blocking`).

use std::sync::{Mutex, MutexGuard};

use postgres::error::SqlState;
use postgres::{Client, NoTls, Transaction};

use crate::{describe_error, redact};
use mlgov_store::DatabaseError;

/// Why a unit of work failed: the database (perhaps the connection), the database while
/// committing, or a rule of the calling store (`E`: a conflict, a link already used, …).
#[derive(Debug)]
pub enum Fail<E> {
    /// A statement failed.
    Pg(postgres::Error),
    /// `COMMIT` failed.
    Commit(postgres::Error),
    /// The store's own refusal, passed through unchanged.
    Rule(E),
}

impl<E> From<postgres::Error> for Fail<E> {
    fn from(e: postgres::Error) -> Self {
        Fail::Pg(e)
    }
}

/// Commits `tx`, marking a failure as one while committing.
pub fn commit<E>(tx: Transaction<'_>) -> Result<(), Fail<E>> {
    tx.commit().map_err(Fail::Commit)
}

/// Whether `e` is a unique-key violation.
pub fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// Whether `e` means the connection is gone (server restarted or shutting down, socket closed),
/// as opposed to an error of the statement.
pub fn connection_lost(e: &postgres::Error, client: &Client) -> bool {
    if e.is_closed() || client.is_closed() {
        return true;
    }
    if let Some(d) = e.as_db_error() {
        let c = d.code();
        return *c == SqlState::ADMIN_SHUTDOWN
            || *c == SqlState::CRASH_SHUTDOWN
            || *c == SqlState::CANNOT_CONNECT_NOW
            || c.code().starts_with("08");
    }
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

/// Runs `f` off any tokio runtime: the synchronous client blocks on a runtime of its own, which
/// tokio forbids on a thread that drives async tasks.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| s.spawn(f).join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
}

/// Closes a client (its `Drop` blocks on the client's runtime), on another thread inside a tokio
/// runtime.
pub fn discard(client: Option<Client>) {
    let Some(c) = client else { return };
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::spawn(move || drop(c));
    } else {
        drop(c);
    }
}

/// One reconnecting connection (see the module documentation).
pub struct Reconnecting {
    /// `None` after the connection was found broken (reconnected on the next call).
    client: Mutex<Option<Client>>,
    url: String,
    location: String,
}

impl std::fmt::Debug for Reconnecting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconnecting").field("location", &self.location).finish_non_exhaustive()
    }
}

impl Drop for Reconnecting {
    fn drop(&mut self) {
        discard(self.client.get_mut().unwrap_or_else(|p| p.into_inner()).take());
    }
}

impl Reconnecting {
    /// Connects to `url` and runs `setup` (migrations) on the new connection, off any runtime;
    /// `db` turns a [`DatabaseError`] (the words and the driver's error) into the caller's
    /// database error.
    ///
    /// # Errors
    /// `db("connecting to <location>: …")` when the server cannot be reached; `setup`'s errors.
    pub fn connect<E: Send>(
        url: &str,
        setup: impl FnOnce(&mut Client) -> Result<(), E> + Send,
        db: impl Fn(DatabaseError) -> E + Sync,
    ) -> Result<Reconnecting, E> {
        let location = redact(url);
        let client = off_runtime(|| {
            let mut c = Self::client(url, &location, &db)?;
            setup(&mut c)?;
            Ok(c)
        })?;
        Ok(Reconnecting { client: Mutex::new(Some(client)), url: url.to_string(), location })
    }

    fn client<E>(url: &str, location: &str, db: &impl Fn(DatabaseError) -> E) -> Result<Client, E> {
        Client::connect(url, NoTls).map_err(|e| {
            db(DatabaseError::with_source(
                format!("connecting to {location}: {}", describe_error(&e)),
                e,
            ))
        })
    }

    /// The database URL with any password masked.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn lock(&self) -> MutexGuard<'_, Option<Client>> {
        // Every write is one transaction, rolled back when interrupted, so a panic while holding
        // the lock leaves the connection usable: poisoning is ignored.
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the connection, (re)connecting first when there is none or it is closed. When
    /// the connection turns out broken during `f`, reconnects and runs `f` once more — except when
    /// it broke while committing (the outcome is unknown). `db` turns a [`DatabaseError`] into the
    /// caller's database error.
    ///
    /// # Errors
    /// [`Fail::Rule`]'s error unchanged; `db(…)` for database failures.
    pub fn with<T, E: Send>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<T, Fail<E>>,
        db: impl Fn(DatabaseError) -> E + Sync,
    ) -> Result<T, E> {
        let mut guard = self.lock();
        let mut retried = false;
        loop {
            if guard.as_ref().is_none_or(Client::is_closed) {
                discard(guard.take());
                *guard = Some(off_runtime(|| Self::client(&self.url, &self.location, &db))?);
            }
            let client = guard.as_mut().expect("connected above");
            let (e, committing) = match f(client) {
                Ok(v) => return Ok(v),
                Err(Fail::Rule(e)) => return Err(e),
                Err(Fail::Pg(e)) => (e, false),
                Err(Fail::Commit(e)) => (e, true),
            };
            if !connection_lost(&e, client) {
                return Err(db(DatabaseError::with_source(describe_error(&e), e)));
            }
            discard(guard.take());
            if committing {
                return Err(db(DatabaseError::with_source(
                    format!(
                        "the connection to {} broke while committing; the change may or may not have been saved: {}",
                        self.location,
                        describe_error(&e)
                    ),
                    e,
                )));
            }
            if retried {
                return Err(db(DatabaseError::with_source(
                    format!("connection to {} lost: {}", self.location, describe_error(&e)),
                    e,
                )));
            }
            retried = true;
        }
    }
}
