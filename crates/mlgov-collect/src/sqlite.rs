//! The SQLite [`CollectStore`]: its tables live in the knowledge base's database file beside the
//! auth tables, versioned in their own `collect_schema` table (the knowledge base uses
//! `PRAGMA user_version`, the auth tables `auth_schema`).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::CollectError;
use crate::store::*;

/// Versioned migrations of the collection tables, applied in order after the auth migrations.
pub const MIGRATIONS: &[(i64, &str)] =
    &[(1, include_str!("../migrations/sqlite/0001_collect.sql"))];

fn db(e: rusqlite::Error) -> CollectError {
    CollectError::Database(mlgov_store::DatabaseError::with_source(e.to_string(), e))
}

/// The SQLite collection store.
pub struct SqliteCollectStore {
    conn: Connection,
}

impl SqliteCollectStore {
    /// Opens (creating if needed) the database file and applies pending auth, then collection,
    /// migrations. A new file is created readable by its owner only, its `-wal` and `-shm` files
    /// too (`mlgov_store::private::create_database_file`).
    pub fn open(path: &Path) -> Result<SqliteCollectStore, CollectError> {
        let conn = mlgov_store::own_tables::open_file(path).map_err(|e| {
            CollectError::Database(mlgov_store::DatabaseError::with_source(
                format!("{}: {e}", path.display()),
                e,
            ))
        })?;
        Self::setup(conn)
    }

    /// An in-memory store (tests, servers without a database file), with the auth tables of its
    /// own (a survey's project row lives there).
    pub fn in_memory() -> Result<SqliteCollectStore, CollectError> {
        Self::setup(Connection::open_in_memory().map_err(db)?)
    }

    fn setup(mut conn: Connection) -> Result<SqliteCollectStore, CollectError> {
        mlgov_store::own_tables::configure(&conn).map_err(db)?;
        // The collection tables refer to auth_projects.
        mlgov_auth::sqlite::apply_migrations(&mut conn)?;
        migrate(&mut conn)?;
        Ok(SqliteCollectStore { conn })
    }
}

fn migrate(conn: &mut Connection) -> Result<(), CollectError> {
    let tx =
        conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db)?;
    mlgov_store::own_tables::migrate(&tx, "collect", MIGRATIONS).map_err(CollectError::Database)?;
    tx.commit().map_err(db)
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn survey_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SurveyRecord> {
    Ok(SurveyRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        instrument: r.get(2)?,
        project: r.get(3)?,
        created: r.get(4)?,
    })
}

impl CollectStore for SqliteCollectStore {
    fn create_survey(
        &mut self,
        name: &str,
        instrument: &str,
        project: &str,
        now: i64,
    ) -> Result<SurveyRecord, CollectError> {
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute(
            "INSERT OR IGNORE INTO auth_projects (name, created) VALUES (?1, ?2)",
            params![project, now],
        )
        .map_err(db)?;
        let r = tx.execute("INSERT INTO survey_collections (name, instrument, project, created) VALUES (?1, ?2, ?3, ?4)", params![name, instrument, project, now]);
        match r {
            Err(e) if is_unique_violation(&e) => {
                return Err(CollectError::Conflict(format!("survey {name:?} already exists")));
            }
            Err(e) => return Err(db(e)),
            Ok(_) => {}
        }
        let id = tx.last_insert_rowid();
        tx.commit().map_err(db)?;
        Ok(SurveyRecord {
            id,
            name: name.into(),
            instrument: instrument.into(),
            project: project.into(),
            created: now,
        })
    }

    fn survey(&self, name: &str) -> Result<Option<SurveyRecord>, CollectError> {
        self.conn.query_row("SELECT id, name, instrument, project, created FROM survey_collections WHERE name = ?1", [name], survey_row).optional().map_err(db)
    }

    fn survey_by_id(&self, id: i64) -> Result<Option<SurveyRecord>, CollectError> {
        self.conn.query_row("SELECT id, name, instrument, project, created FROM survey_collections WHERE id = ?1", [id], survey_row).optional().map_err(db)
    }

    fn surveys(&self) -> Result<Vec<SurveyRecord>, CollectError> {
        let mut st = self.conn.prepare("SELECT id, name, instrument, project, created FROM survey_collections ORDER BY name").map_err(db)?;
        let rows = st.query_map([], survey_row).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn insert_invitations(
        &mut self,
        survey_id: i64,
        token_hashes: &[String],
        locality: Option<&str>,
        now: i64,
    ) -> Result<Vec<i64>, CollectError> {
        let tx = self.conn.transaction().map_err(db)?;
        let mut ids = Vec::with_capacity(token_hashes.len());
        for h in token_hashes {
            tx.execute("INSERT INTO survey_invitations (survey_id, token_hash, locality, created) VALUES (?1, ?2, ?3, ?4)", params![survey_id, h, locality, now])
                .map_err(db)?;
            ids.push(tx.last_insert_rowid());
        }
        tx.commit().map_err(db)?;
        Ok(ids)
    }

    fn invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>, CollectError> {
        self.conn
            .query_row(
                "SELECT id, survey_id, token_hash, locality, created, started, submitted FROM survey_invitations WHERE token_hash = ?1",
                [token_hash],
                |r| {
                    Ok(InvitationRecord {
                        id: r.get(0)?,
                        survey_id: r.get(1)?,
                        token_hash: r.get(2)?,
                        locality: r.get(3)?,
                        created: r.get(4)?,
                        started: r.get(5)?,
                        submitted: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(db)
    }

    fn save_answers(
        &mut self,
        invitation_id: i64,
        answers: &[Answer],
        submit: bool,
        now: i64,
    ) -> Result<(), CollectError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let changed = tx
            .execute(
                "UPDATE survey_invitations SET started = coalesce(started, ?1), submitted = CASE WHEN ?2 THEN ?1 ELSE NULL END WHERE id = ?3 AND submitted IS NULL",
                params![now, submit, invitation_id],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(CollectError::Gone("this invitation has already been used".into()));
        }
        let survey_id: i64 = tx
            .query_row(
                "SELECT survey_id FROM survey_invitations WHERE id = ?1",
                [invitation_id],
                |r| r.get(0),
            )
            .map_err(db)?;
        tx.execute("DELETE FROM survey_raw_answers WHERE invitation_id = ?1", [invitation_id])
            .map_err(db)?;
        {
            let mut st = tx.prepare_cached("INSERT INTO survey_raw_answers (survey_id, invitation_id, item, period, value) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(db)?;
            for a in answers {
                st.execute(params![survey_id, invitation_id, a.item, a.period, a.value])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)
    }

    fn answers_of(&self, invitation_id: i64) -> Result<Vec<Answer>, CollectError> {
        let mut st = self.conn.prepare("SELECT item, period, value FROM survey_raw_answers WHERE invitation_id = ?1 ORDER BY item, period").map_err(db)?;
        let rows = st
            .query_map([invitation_id], |r| {
                Ok(Answer { item: r.get(0)?, period: r.get(1)?, value: r.get(2)? })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn raw_answers(&self, survey_id: i64) -> Result<Vec<RawAnswer>, CollectError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT a.invitation_id, i.locality, i.submitted IS NOT NULL, a.item, a.period, a.value FROM survey_raw_answers a \
                 JOIN survey_invitations i ON i.id = a.invitation_id WHERE a.survey_id = ?1 ORDER BY a.invitation_id, a.item, a.period",
            )
            .map_err(db)?;
        let rows = st
            .query_map([survey_id], |r| {
                Ok(RawAnswer {
                    respondent: r.get(0)?,
                    locality: r.get(1)?,
                    submitted: r.get(2)?,
                    answer: Answer { item: r.get(3)?, period: r.get(4)?, value: r.get(5)? },
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn progress(&self, survey_id: i64) -> Result<Progress, CollectError> {
        self.conn
            .query_row(
                "SELECT count(*), coalesce(sum(started IS NOT NULL AND submitted IS NULL), 0), coalesce(sum(submitted IS NOT NULL), 0) FROM survey_invitations WHERE survey_id = ?1",
                [survey_id],
                |r| Ok(Progress { invited: r.get::<_, i64>(0)? as u64, started: r.get::<_, i64>(1)? as u64, submitted: r.get::<_, i64>(2)? as u64 }),
            )
            .map_err(db)
    }
}
