//! The SQLite [`AuthStore`]: its tables live in the knowledge base's database file, versioned in
//! their own `auth_schema` table (the knowledge base uses `PRAGMA user_version`).

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::policy::Role;
use crate::store::*;
use crate::AuthError;

/// Versioned migrations of the auth tables, applied in order.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/sqlite/0001_auth.sql"))];

fn db(e: rusqlite::Error) -> AuthError {
    AuthError::Database(e.to_string())
}

/// The SQLite auth store.
pub struct SqliteAuthStore {
    conn: Connection,
}

impl SqliteAuthStore {
    /// Opens (creating if needed) the database file and applies pending auth migrations.
    pub fn open(path: &Path) -> Result<SqliteAuthStore, AuthError> {
        let conn = Connection::open(path).map_err(|e| AuthError::Database(format!("{}: {e}", path.display())))?;
        Self::setup(conn)
    }

    /// An in-memory store (tests, servers without a database file).
    pub fn in_memory() -> Result<SqliteAuthStore, AuthError> {
        Self::setup(Connection::open_in_memory().map_err(db)?)
    }

    fn setup(conn: Connection) -> Result<SqliteAuthStore, AuthError> {
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;").map_err(db)?;
        let mut s = SqliteAuthStore { conn };
        s.migrate()?;
        Ok(s)
    }

    fn migrate(&mut self) -> Result<(), AuthError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS auth_schema (version INTEGER NOT NULL) STRICT").map_err(db)?;
        let current: i64 = tx.query_row("SELECT coalesce(max(version), 0) FROM auth_schema", [], |r| r.get(0)).map_err(db)?;
        let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > newest {
            return Err(AuthError::Database(format!("auth schema version {current} is newer than this build supports ({newest})")));
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            tx.execute_batch(sql).map_err(db)?;
            tx.execute("INSERT INTO auth_schema (version) VALUES (?1)", [version]).map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    fn projects_of(&self, user_id: i64) -> Result<Vec<String>, AuthError> {
        let mut st = self.conn.prepare_cached("SELECT project FROM auth_memberships WHERE user_id = ?1 ORDER BY project").map_err(db)?;
        let rows = st.query_map([user_id], |r| r.get(0)).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn user_where(&self, clause: &str, arg: &dyn rusqlite::ToSql) -> Result<Option<UserRecord>, AuthError> {
        let sql = format!("SELECT id, username, role, password_hash, created FROM auth_users WHERE {clause}");
        let row = self
            .conn
            .query_row(&sql, [arg], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?)))
            .optional()
            .map_err(db)?;
        let Some((id, username, role, password_hash, created)) = row else { return Ok(None) };
        let role = role.parse::<Role>().map_err(|e| AuthError::Database(format!("auth_users row {id}: {e}")))?;
        Ok(Some(UserRecord { id, username, role, password_hash, projects: self.projects_of(id)?, created }))
    }
}

fn set_memberships(tx: &rusqlite::Transaction<'_>, user_id: i64, projects: &[String], now: i64) -> Result<(), AuthError> {
    tx.execute("DELETE FROM auth_memberships WHERE user_id = ?1", [user_id]).map_err(db)?;
    for p in projects {
        tx.execute("INSERT OR IGNORE INTO auth_projects (name, created) VALUES (?1, ?2)", params![p, now]).map_err(db)?;
        tx.execute("INSERT OR IGNORE INTO auth_memberships (user_id, project) VALUES (?1, ?2)", params![user_id, p]).map_err(db)?;
    }
    Ok(())
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord { id: r.get(0)?, token_hash: r.get(1)?, user_id: r.get(2)?, username: r.get(3)?, label: r.get(4)?, created: r.get(5)?, revoked: r.get(6)? })
}

const TOKEN_SELECT: &str = "SELECT t.id, t.token_hash, t.user_id, u.username, t.label, t.created, t.revoked FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id";

fn survey_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SurveyRecord> {
    Ok(SurveyRecord { id: r.get(0)?, name: r.get(1)?, instrument: r.get(2)?, project: r.get(3)?, created: r.get(4)? })
}

impl AuthStore for SqliteAuthStore {
    fn ensure_project(&mut self, name: &str, now: i64) -> Result<(), AuthError> {
        self.conn.execute("INSERT OR IGNORE INTO auth_projects (name, created) VALUES (?1, ?2)", params![name, now]).map_err(db)?;
        Ok(())
    }

    fn projects(&self) -> Result<Vec<String>, AuthError> {
        let mut st = self.conn.prepare("SELECT name FROM auth_projects ORDER BY name").map_err(db)?;
        let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn create_user(&mut self, username: &str, role: Role, password_hash: &str, projects: &[String], now: i64) -> Result<UserRecord, AuthError> {
        let tx = self.conn.transaction().map_err(db)?;
        let inserted = tx.execute(
            "INSERT INTO auth_users (username, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
            params![username, role.as_str(), password_hash, now],
        );
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(AuthError::Conflict(format!("user {username:?} already exists"))),
            Err(e) => return Err(db(e)),
            Ok(_) => {}
        }
        let id = tx.last_insert_rowid();
        set_memberships(&tx, id, projects, now)?;
        tx.commit().map_err(db)?;
        self.user_by_id(id)?.ok_or_else(|| AuthError::Database("user vanished after insert".into()))
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>, AuthError> {
        self.user_where("username = ?1", &username)
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, AuthError> {
        self.user_where("id = ?1", &id)
    }

    fn users(&self) -> Result<Vec<UserRecord>, AuthError> {
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare("SELECT id FROM auth_users ORDER BY username").map_err(db)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)?
        };
        ids.into_iter().filter_map(|id| self.user_by_id(id).transpose()).collect()
    }

    fn update_user(&mut self, username: &str, role: Option<Role>, password_hash: Option<&str>, projects: Option<&[String]>, now: i64) -> Result<UserRecord, AuthError> {
        let user = self.user_by_name(username)?.ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))?;
        let tx = self.conn.transaction().map_err(db)?;
        if let Some(role) = role {
            tx.execute("UPDATE auth_users SET role = ?1 WHERE id = ?2", params![role.as_str(), user.id]).map_err(db)?;
        }
        if let Some(h) = password_hash {
            tx.execute("UPDATE auth_users SET password_hash = ?1 WHERE id = ?2", params![h, user.id]).map_err(db)?;
            // A new password ends every existing session of the account.
            tx.execute("DELETE FROM auth_sessions WHERE user_id = ?1", [user.id]).map_err(db)?;
        }
        if let Some(p) = projects {
            set_memberships(&tx, user.id, p, now)?;
        }
        tx.commit().map_err(db)?;
        self.user_by_id(user.id)?.ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))
    }

    fn delete_user(&mut self, username: &str) -> Result<bool, AuthError> {
        let n = self.conn.execute("DELETE FROM auth_users WHERE username = ?1", [username]).map_err(db)?;
        Ok(n > 0)
    }

    fn insert_session(&mut self, s: &SessionRecord) -> Result<(), AuthError> {
        self.conn
            .execute(
                "INSERT INTO auth_sessions (id_hash, user_id, csrf, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.id_hash, s.user_id, s.csrf, s.created, s.expires],
            )
            .map_err(db)?;
        Ok(())
    }

    fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, AuthError> {
        self.conn
            .query_row("SELECT id_hash, user_id, csrf, created, expires FROM auth_sessions WHERE id_hash = ?1", [id_hash], |r| {
                Ok(SessionRecord { id_hash: r.get(0)?, user_id: r.get(1)?, csrf: r.get(2)?, created: r.get(3)?, expires: r.get(4)? })
            })
            .optional()
            .map_err(db)
    }

    fn delete_session(&mut self, id_hash: &str) -> Result<(), AuthError> {
        self.conn.execute("DELETE FROM auth_sessions WHERE id_hash = ?1", [id_hash]).map_err(db)?;
        Ok(())
    }

    fn purge_sessions(&mut self, now: i64) -> Result<usize, AuthError> {
        self.conn.execute("DELETE FROM auth_sessions WHERE expires <= ?1", [now]).map_err(db)
    }

    fn insert_token(&mut self, token_hash: &str, user_id: i64, label: &str, now: i64) -> Result<i64, AuthError> {
        self.conn
            .execute("INSERT INTO auth_tokens (token_hash, user_id, label, created) VALUES (?1, ?2, ?3, ?4)", params![token_hash, user_id, label, now])
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, AuthError> {
        self.conn.query_row(&format!("{TOKEN_SELECT} WHERE t.token_hash = ?1"), [token_hash], token_row).optional().map_err(db)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, AuthError> {
        let mut st = self.conn.prepare(&format!("{TOKEN_SELECT} ORDER BY t.id DESC")).map_err(db)?;
        let rows = st.query_map([], token_row).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn revoke_token(&mut self, id: i64, now: i64) -> Result<bool, AuthError> {
        let n = self.conn.execute("UPDATE auth_tokens SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL", params![now, id]).map_err(db)?;
        Ok(n > 0)
    }

    fn audit(&mut self, e: &AuditEntry) -> Result<(), AuthError> {
        self.conn
            .execute("INSERT INTO auth_audit (time, username, action, resource) VALUES (?1, ?2, ?3, ?4)", params![e.time, e.user, e.action, e.resource])
            .map_err(db)?;
        Ok(())
    }

    fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, AuthError> {
        let mut st = self.conn.prepare("SELECT time, username, action, resource FROM auth_audit ORDER BY id DESC LIMIT ?1").map_err(db)?;
        let rows = st
            .query_map([limit as i64], |r| Ok(AuditEntry { time: r.get(0)?, user: r.get(1)?, action: r.get(2)?, resource: r.get(3)? }))
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn create_survey(&mut self, name: &str, instrument: &str, project: &str, now: i64) -> Result<SurveyRecord, AuthError> {
        self.ensure_project(project, now)?;
        let r = self.conn.execute(
            "INSERT INTO survey_collections (name, instrument, project, created) VALUES (?1, ?2, ?3, ?4)",
            params![name, instrument, project, now],
        );
        match r {
            Err(e) if is_unique_violation(&e) => Err(AuthError::Conflict(format!("survey {name:?} already exists"))),
            Err(e) => Err(db(e)),
            Ok(_) => Ok(SurveyRecord { id: self.conn.last_insert_rowid(), name: name.into(), instrument: instrument.into(), project: project.into(), created: now }),
        }
    }

    fn survey(&self, name: &str) -> Result<Option<SurveyRecord>, AuthError> {
        self.conn.query_row("SELECT id, name, instrument, project, created FROM survey_collections WHERE name = ?1", [name], survey_row).optional().map_err(db)
    }

    fn survey_by_id(&self, id: i64) -> Result<Option<SurveyRecord>, AuthError> {
        self.conn.query_row("SELECT id, name, instrument, project, created FROM survey_collections WHERE id = ?1", [id], survey_row).optional().map_err(db)
    }

    fn surveys(&self) -> Result<Vec<SurveyRecord>, AuthError> {
        let mut st = self.conn.prepare("SELECT id, name, instrument, project, created FROM survey_collections ORDER BY name").map_err(db)?;
        let rows = st.query_map([], survey_row).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn insert_invitations(&mut self, survey_id: i64, token_hashes: &[String], locality: Option<&str>, now: i64) -> Result<Vec<i64>, AuthError> {
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

    fn invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>, AuthError> {
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

    fn save_answers(&mut self, invitation_id: i64, answers: &[Answer], submit: bool, now: i64) -> Result<(), AuthError> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db)?;
        let changed = tx
            .execute(
                "UPDATE survey_invitations SET started = coalesce(started, ?1), submitted = CASE WHEN ?2 THEN ?1 ELSE NULL END WHERE id = ?3 AND submitted IS NULL",
                params![now, submit, invitation_id],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(AuthError::Gone("this invitation has already been used".into()));
        }
        let survey_id: i64 = tx.query_row("SELECT survey_id FROM survey_invitations WHERE id = ?1", [invitation_id], |r| r.get(0)).map_err(db)?;
        tx.execute("DELETE FROM survey_raw_answers WHERE invitation_id = ?1", [invitation_id]).map_err(db)?;
        {
            let mut st = tx.prepare_cached("INSERT INTO survey_raw_answers (survey_id, invitation_id, item, period, value) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(db)?;
            for a in answers {
                st.execute(params![survey_id, invitation_id, a.item, a.period, a.value]).map_err(db)?;
            }
        }
        tx.commit().map_err(db)
    }

    fn answers_of(&self, invitation_id: i64) -> Result<Vec<Answer>, AuthError> {
        let mut st = self.conn.prepare("SELECT item, period, value FROM survey_raw_answers WHERE invitation_id = ?1 ORDER BY item, period").map_err(db)?;
        let rows = st.query_map([invitation_id], |r| Ok(Answer { item: r.get(0)?, period: r.get(1)?, value: r.get(2)? })).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn raw_answers(&self, survey_id: i64) -> Result<Vec<RawAnswer>, AuthError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT a.invitation_id, i.locality, i.submitted IS NOT NULL, a.item, a.period, a.value FROM survey_raw_answers a \
                 JOIN survey_invitations i ON i.id = a.invitation_id WHERE a.survey_id = ?1 ORDER BY a.invitation_id, a.item, a.period",
            )
            .map_err(db)?;
        let rows = st
            .query_map([survey_id], |r| {
                Ok(RawAnswer { respondent: r.get(0)?, locality: r.get(1)?, submitted: r.get(2)?, answer: Answer { item: r.get(3)?, period: r.get(4)?, value: r.get(5)? } })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn progress(&self, survey_id: i64) -> Result<Progress, AuthError> {
        self.conn
            .query_row(
                "SELECT count(*), coalesce(sum(started IS NOT NULL AND submitted IS NULL), 0), coalesce(sum(submitted IS NOT NULL), 0) FROM survey_invitations WHERE survey_id = ?1",
                [survey_id],
                |r| Ok(Progress { invited: r.get::<_, i64>(0)? as u64, started: r.get::<_, i64>(1)? as u64, submitted: r.get::<_, i64>(2)? as u64 }),
            )
            .map_err(db)
    }
}
