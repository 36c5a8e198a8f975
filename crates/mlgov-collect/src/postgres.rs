//! The PostgreSQL [`CollectStore`]: the tables of the SQLite schema (`survey_*`) in the knowledge
//! base's PostgreSQL database beside the auth tables, versioned in their own `collect_schema`
//! table, migrated under an advisory lock so servers starting together migrate once.
//!
//! One connection behind a mutex (the read methods of [`CollectStore`] take `&self`). Every write
//! is one transaction. A broken connection (the server was restarted) is replaced on the next
//! call; the call that meets it reconnects once and runs again, unless the connection broke while
//! committing — then whether the change landed is unknown and the call returns a clean
//! [`CollectError::Database`] instead. (The same reconnecting unit of work as
//! `mlgov_auth::postgres`.)
//!
//! The client is the synchronous `postgres` crate, which runs its own small runtime: do not call a
//! [`PgCollectStore`] from inside an async task (use `tokio::task::spawn_blocking`, as the HTTP
//! layer does). Connecting and dropping are safe anywhere: inside a tokio runtime they happen on a
//! separate thread.

use std::sync::{Mutex, MutexGuard};

use ::postgres::error::SqlState;
use ::postgres::{Client, NoTls, Row, Transaction};

use mlgov_store_postgres::{describe_error as describe, redact};

use crate::store::*;
use crate::CollectError;

/// Versioned migrations of the collection tables, applied in order after the auth migrations;
/// `collect_schema(version, applied_at)` records what was applied.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/postgres/0001_collect.sql"))];

/// Key of the advisory lock that serialises collection migrations between processes (neither the
/// knowledge base's key nor the auth tables': each migrates independently).
const MIGRATION_LOCK: i64 = 0x6d6c_676f_7600_0a02;

/// Why a unit of work failed: the database (maybe the connection), the database while
/// committing, or a rule of the store (conflict, gone, …).
enum Fail {
    Pg(::postgres::Error),
    Commit(::postgres::Error),
    Rule(CollectError),
}

impl From<::postgres::Error> for Fail {
    fn from(e: ::postgres::Error) -> Fail {
        Fail::Pg(e)
    }
}

impl From<CollectError> for Fail {
    fn from(e: CollectError) -> Fail {
        Fail::Rule(e)
    }
}

fn commit(tx: Transaction<'_>) -> Result<(), Fail> {
    tx.commit().map_err(Fail::Commit)
}

/// Whether `e` means the connection is gone (server restarted or shutting down, socket closed),
/// as opposed to an error of the statement.
fn connection_lost(e: &::postgres::Error, client: &Client) -> bool {
    if e.is_closed() || client.is_closed() {
        return true;
    }
    if let Some(d) = e.as_db_error() {
        let c = d.code();
        return *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::CRASH_SHUTDOWN || *c == SqlState::CANNOT_CONNECT_NOW || c.code().starts_with("08");
    }
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

fn is_unique_violation(e: &::postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// Runs `f` off any tokio runtime: the synchronous client blocks on a runtime of its own, which
/// tokio forbids on a thread that drives async tasks.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| s.spawn(f).join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
}

/// Closes a client (its `Drop` blocks on the client's runtime), on another thread inside a tokio
/// runtime.
fn discard(client: Option<Client>) {
    let Some(c) = client else { return };
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::spawn(move || drop(c));
    } else {
        drop(c);
    }
}

fn connect_client(url: &str, location: &str) -> Result<Client, CollectError> {
    Client::connect(url, NoTls).map_err(|e| CollectError::Database(format!("connecting to {location}: {}", describe(&e))))
}

fn migrate(client: &mut Client) -> Result<(), CollectError> {
    let db = |e: ::postgres::Error| CollectError::Database(format!("collect migrations: {}", describe(&e)));
    let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    let mut tx = client.transaction().map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS collect_schema (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())").map_err(db)?;
    let current: i64 = tx.query_one("SELECT coalesce(max(version), 0) FROM collect_schema", &[]).map_err(db)?.get(0);
    if current > newest {
        return Err(CollectError::Database(format!("collect schema version {current} is newer than this build supports ({newest})")));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).map_err(|e| CollectError::Database(format!("collect migration {version}: {}", describe(&e))))?;
        tx.execute("INSERT INTO collect_schema (version) VALUES ($1)", &[version]).map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// The PostgreSQL collection store.
pub struct PgCollectStore {
    /// `None` after the connection was found broken (reconnected on the next call).
    client: Mutex<Option<Client>>,
    url: String,
    location: String,
}

impl std::fmt::Debug for PgCollectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgCollectStore").field("location", &self.location).finish_non_exhaustive()
    }
}

impl Drop for PgCollectStore {
    fn drop(&mut self) {
        discard(self.client.get_mut().unwrap_or_else(|p| p.into_inner()).take());
    }
}

impl PgCollectStore {
    /// Connects to `url` (e.g. `postgres://user:pw@127.0.0.1:5432/mlgov`) and applies pending auth
    /// migrations (the collection tables refer to `auth_projects`), then collection migrations,
    /// creating the tables beside the knowledge base's on a fresh database.
    ///
    /// # Errors
    /// [`CollectError::Database`] when the server cannot be reached, a migration fails, or the
    /// collect schema is newer than this build; [`CollectError::Auth`] when an auth migration fails.
    pub fn connect(url: &str) -> Result<PgCollectStore, CollectError> {
        let location = redact(url);
        let client = off_runtime(|| {
            let mut c = connect_client(url, &location)?;
            mlgov_auth::postgres::apply_migrations(&mut c)?;
            migrate(&mut c)?;
            Ok::<_, CollectError>(c)
        })?;
        Ok(PgCollectStore { client: Mutex::new(Some(client)), url: url.to_string(), location })
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
    /// it broke while committing (the outcome is unknown).
    fn with<T>(&self, mut f: impl FnMut(&mut Client) -> Result<T, Fail>) -> Result<T, CollectError> {
        let mut guard = self.lock();
        let mut retried = false;
        loop {
            if guard.as_ref().is_none_or(Client::is_closed) {
                discard(guard.take());
                *guard = Some(off_runtime(|| connect_client(&self.url, &self.location))?);
            }
            let client = guard.as_mut().expect("connected above");
            let (e, committing) = match f(client) {
                Ok(v) => return Ok(v),
                Err(Fail::Rule(e)) => return Err(e),
                Err(Fail::Pg(e)) => (e, false),
                Err(Fail::Commit(e)) => (e, true),
            };
            if !connection_lost(&e, client) {
                return Err(CollectError::Database(describe(&e)));
            }
            discard(guard.take());
            if committing {
                return Err(CollectError::Database(format!(
                    "the connection to {} broke while committing; the change may or may not have been saved: {}",
                    self.location,
                    describe(&e)
                )));
            }
            if retried {
                return Err(CollectError::Database(format!("connection to {} lost: {}", self.location, describe(&e))));
            }
            retried = true;
        }
    }
}

const SURVEY_SELECT: &str = "SELECT id, name, instrument, project, created FROM survey_collections";

fn survey_row(r: &Row) -> SurveyRecord {
    SurveyRecord { id: r.get(0), name: r.get(1), instrument: r.get(2), project: r.get(3), created: r.get(4) }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl CollectStore for PgCollectStore {
    fn create_survey(&mut self, name: &str, instrument: &str, project: &str, now: i64) -> Result<SurveyRecord, CollectError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("INSERT INTO auth_projects (name, created) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&project, &now])?;
            let inserted = tx.query_one(
                "INSERT INTO survey_collections (name, instrument, project, created) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&name, &instrument, &project, &now],
            );
            let id: i64 = match inserted {
                Err(e) if is_unique_violation(&e) => return Err(CollectError::Conflict(format!("survey {name:?} already exists")).into()),
                r => r?.get(0),
            };
            commit(tx)?;
            Ok(SurveyRecord { id, name: name.into(), instrument: instrument.into(), project: project.into(), created: now })
        })
    }

    fn survey(&self, name: &str) -> Result<Option<SurveyRecord>, CollectError> {
        self.with(|c| Ok(c.query_opt(&format!("{SURVEY_SELECT} WHERE name = $1"), &[&name])?.as_ref().map(survey_row)))
    }

    fn survey_by_id(&self, id: i64) -> Result<Option<SurveyRecord>, CollectError> {
        self.with(|c| Ok(c.query_opt(&format!("{SURVEY_SELECT} WHERE id = $1"), &[&id])?.as_ref().map(survey_row)))
    }

    fn surveys(&self) -> Result<Vec<SurveyRecord>, CollectError> {
        self.with(|c| Ok(c.query(&format!("{SURVEY_SELECT} ORDER BY name COLLATE \"C\""), &[])?.iter().map(survey_row).collect()))
    }

    fn insert_invitations(&mut self, survey_id: i64, token_hashes: &[String], locality: Option<&str>, now: i64) -> Result<Vec<i64>, CollectError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let st = tx.prepare("INSERT INTO survey_invitations (survey_id, token_hash, locality, created) VALUES ($1, $2, $3, $4) RETURNING id")?;
            let mut ids = Vec::with_capacity(token_hashes.len());
            for h in token_hashes {
                ids.push(tx.query_one(&st, &[&survey_id, h, &locality, &now])?.get(0));
            }
            commit(tx)?;
            Ok(ids)
        })
    }

    fn invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>, CollectError> {
        self.with(|c| {
            let row = c.query_opt("SELECT id, survey_id, token_hash, locality, created, started, submitted FROM survey_invitations WHERE token_hash = $1", &[&token_hash])?;
            Ok(row.map(|r| InvitationRecord {
                id: r.get(0),
                survey_id: r.get(1),
                token_hash: r.get(2),
                locality: r.get(3),
                created: r.get(4),
                started: r.get(5),
                submitted: r.get(6),
            }))
        })
    }

    fn save_answers(&mut self, invitation_id: i64, answers: &[Answer], submit: bool, now: i64) -> Result<(), CollectError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            // The row lock makes a concurrent submission wait for this transaction and then see
            // `submitted` set (READ COMMITTED re-reads the locked row), so only one lands.
            let row = tx.query_opt("SELECT survey_id, submitted FROM survey_invitations WHERE id = $1 FOR UPDATE", &[&invitation_id])?;
            let survey_id: i64 = match row {
                Some(r) if r.get::<_, Option<i64>>(1).is_none() => r.get(0),
                _ => return Err(CollectError::Gone("this invitation has already been used".into()).into()),
            };
            let submitted = submit.then_some(now);
            tx.execute("UPDATE survey_invitations SET started = coalesce(started, $1), submitted = $2 WHERE id = $3", &[&now, &submitted, &invitation_id])?;
            tx.execute("DELETE FROM survey_raw_answers WHERE invitation_id = $1", &[&invitation_id])?;
            let st = tx.prepare("INSERT INTO survey_raw_answers (survey_id, invitation_id, item, period, value) VALUES ($1, $2, $3, $4, $5)")?;
            for a in answers {
                tx.execute(&st, &[&survey_id, &invitation_id, &a.item, &a.period, &a.value])?;
            }
            commit(tx)
        })
    }

    fn answers_of(&self, invitation_id: i64) -> Result<Vec<Answer>, CollectError> {
        self.with(|c| {
            let rows = c.query("SELECT item, period, value FROM survey_raw_answers WHERE invitation_id = $1 ORDER BY item COLLATE \"C\", period COLLATE \"C\"", &[&invitation_id])?;
            Ok(rows.iter().map(|r| Answer { item: r.get(0), period: r.get(1), value: r.get(2) }).collect())
        })
    }

    fn raw_answers(&self, survey_id: i64) -> Result<Vec<RawAnswer>, CollectError> {
        self.with(|c| {
            let rows = c.query(
                "SELECT a.invitation_id, i.locality, i.submitted IS NOT NULL, a.item, a.period, a.value FROM survey_raw_answers a \
                 JOIN survey_invitations i ON i.id = a.invitation_id WHERE a.survey_id = $1 \
                 ORDER BY a.invitation_id, a.item COLLATE \"C\", a.period COLLATE \"C\"",
                &[&survey_id],
            )?;
            Ok(rows
                .iter()
                .map(|r| RawAnswer { respondent: r.get(0), locality: r.get(1), submitted: r.get(2), answer: Answer { item: r.get(3), period: r.get(4), value: r.get(5) } })
                .collect())
        })
    }

    fn progress(&self, survey_id: i64) -> Result<Progress, CollectError> {
        self.with(|c| {
            let r = c.query_one(
                "SELECT count(*), count(*) FILTER (WHERE started IS NOT NULL AND submitted IS NULL), count(*) FILTER (WHERE submitted IS NOT NULL) \
                 FROM survey_invitations WHERE survey_id = $1",
                &[&survey_id],
            )?;
            Ok(Progress { invited: count(r.get(0)), started: count(r.get(1)), submitted: count(r.get(2)) })
        })
    }
}
