//! The PostgreSQL [`CollectStore`]: the tables of the SQLite schema (`survey_*`) in the knowledge
//! base's PostgreSQL database beside the auth tables, versioned in their own `collect_schema`
//! table, migrated under an advisory lock so servers starting together migrate once.
//!
//! One connection behind a mutex (the read methods of [`CollectStore`] take `&self`). Every write
//! is one transaction. A broken connection (the server was restarted) is replaced on the next
//! call; the call that meets it reconnects once and runs again, unless the connection broke while
//! committing — then whether the change landed is unknown and the call returns a clean
//! [`CollectError::Database`] instead (`mlgov_store_postgres::reconnect`, shared with
//! `mlgov_auth::postgres`).
//!
//! The client is the synchronous `postgres` crate, which runs its own small runtime: do not call a
//! [`PgCollectStore`] from inside an async task (use `tokio::task::spawn_blocking`, as the HTTP
//! layer does). Connecting and dropping are safe anywhere: inside a tokio runtime they happen on a
//! separate thread.

use ::postgres::{Client, Row};

use mlgov_store_postgres::reconnect::{self, Reconnecting, commit, is_unique_violation};

use crate::CollectError;
use crate::store::*;

/// Versioned migrations of the collection tables, applied in order after the auth migrations;
/// `collect_schema(version, applied_at)` records what was applied.
pub const MIGRATIONS: &[(i64, &str)] =
    &[(1, include_str!("../migrations/postgres/0001_collect.sql"))];

/// Key of the advisory lock that serialises collection migrations between processes (neither the
/// knowledge base's key nor the auth tables': each migrates independently).
const MIGRATION_LOCK: i64 = 0x6d6c_676f_7600_0a02;

/// A failed unit of work (`mlgov_store_postgres::reconnect`): the database, or a rule of this
/// store passed through unchanged.
type Fail = reconnect::Fail<CollectError>;

impl From<CollectError> for Fail {
    fn from(e: CollectError) -> Fail {
        reconnect::Fail::Rule(e)
    }
}

fn migrate(client: &mut Client) -> Result<(), CollectError> {
    mlgov_store_postgres::own_tables::migrate(client, "collect", MIGRATION_LOCK, MIGRATIONS)
        .map_err(CollectError::Database)
}

/// The PostgreSQL store: one reconnecting connection (`mlgov_store_postgres::reconnect`).
#[derive(Debug)]
pub struct PgCollectStore {
    conn: Reconnecting,
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
        Ok(PgCollectStore {
            conn: Reconnecting::connect(
                url,
                |c| {
                    mlgov_auth::postgres::apply_migrations(c)?;
                    migrate(c)
                },
                CollectError::Database,
            )?,
        })
    }

    /// The database URL with any password masked.
    pub fn location(&self) -> &str {
        self.conn.location()
    }

    /// Runs `f` on the connection (reconnecting when it broke; see `Reconnecting::with`).
    fn with<T>(&self, f: impl FnMut(&mut Client) -> Result<T, Fail>) -> Result<T, CollectError> {
        self.conn.with(f, CollectError::Database)
    }
}

const SURVEY_SELECT: &str = "SELECT id, name, instrument, project, created FROM survey_collections";

fn survey_row(r: &Row) -> SurveyRecord {
    SurveyRecord {
        id: r.get(0),
        name: r.get(1),
        instrument: r.get(2),
        project: r.get(3),
        created: r.get(4),
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl CollectStore for PgCollectStore {
    fn create_survey(
        &mut self,
        name: &str,
        instrument: &str,
        project: &str,
        now: i64,
    ) -> Result<SurveyRecord, CollectError> {
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
            // A new collected survey is listed by every server on the database.
            mlgov_store_postgres::changes::notify(&mut tx, "collection")?;
            commit(tx)?;
            Ok(SurveyRecord { id, name: name.into(), instrument: instrument.into(), project: project.into(), created: now })
        })
    }

    fn survey(&self, name: &str) -> Result<Option<SurveyRecord>, CollectError> {
        self.with(|c| {
            Ok(c.query_opt(&format!("{SURVEY_SELECT} WHERE name = $1"), &[&name])?
                .as_ref()
                .map(survey_row))
        })
    }

    fn survey_by_id(&self, id: i64) -> Result<Option<SurveyRecord>, CollectError> {
        self.with(|c| {
            Ok(c.query_opt(&format!("{SURVEY_SELECT} WHERE id = $1"), &[&id])?
                .as_ref()
                .map(survey_row))
        })
    }

    fn surveys(&self) -> Result<Vec<SurveyRecord>, CollectError> {
        self.with(|c| {
            Ok(c.query(&format!("{SURVEY_SELECT} ORDER BY name COLLATE \"C\""), &[])?
                .iter()
                .map(survey_row)
                .collect())
        })
    }

    fn insert_invitations(
        &mut self,
        survey_id: i64,
        token_hashes: &[String],
        locality: Option<&str>,
        now: i64,
    ) -> Result<Vec<i64>, CollectError> {
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

    fn save_answers(
        &mut self,
        invitation_id: i64,
        answers: &[Answer],
        submit: bool,
        now: i64,
    ) -> Result<(), CollectError> {
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
            if submit {
                // A submitted response enters the live figures of every server on the database
                // (saved drafts are not analysed: no reload for them).
                mlgov_store_postgres::changes::notify(&mut tx, "answers")?;
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
