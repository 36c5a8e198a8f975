//! The SQLite [`AuthStore`]: its tables live in the knowledge base's database file, versioned in
//! their own `auth_schema` table (the knowledge base uses `PRAGMA user_version`).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::AuthError;
use crate::policy::Role;
use crate::store::*;
use mlgov_store::DatabaseError;

/// Versioned migrations of the auth tables, applied in order.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_auth.sql")),
    (2, include_str!("../migrations/sqlite/0002_contributor.sql")),
    (3, include_str!("../migrations/sqlite/0003_login_failures.sql")),
];

fn db(e: rusqlite::Error) -> AuthError {
    AuthError::Database(DatabaseError::with_source(e.to_string(), e))
}

/// Applies pending auth migrations on `conn` in one immediate transaction. Other crates whose
/// tables refer to the auth tables (survey collection's refer to `auth_projects`) call this on
/// their own connection before their own migrations.
///
/// # Errors
/// [`AuthError::Database`] when a migration fails or the auth schema is newer than this build.
pub fn apply_migrations(conn: &mut Connection) -> Result<(), AuthError> {
    // Migration 2 rebuilds auth_users (a CHECK constraint cannot be altered in SQLite): foreign
    // keys are off while it runs (the pragma is a no-op inside a transaction), checked before the
    // commit, and restored afterwards whatever happened.
    let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).map_err(db)?;
    conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(db)?;
    let result = migrate(conn);
    let restored = conn
        .execute_batch(if fk { "PRAGMA foreign_keys = ON" } else { "PRAGMA foreign_keys = OFF" })
        .map_err(db);
    result.and(restored)
}

fn migrate(conn: &mut Connection) -> Result<(), AuthError> {
    let tx =
        conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db)?;
    mlgov_store::own_tables::migrate(&tx, "auth", MIGRATIONS).map_err(AuthError::Database)?;
    let broken: Option<String> =
        tx.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional().map_err(db)?;
    if let Some(table) = broken {
        return Err(AuthError::Database(
            format!(
                "auth migrations: a row of {table} refers to a missing row; nothing was migrated"
            )
            .into(),
        ));
    }
    tx.commit().map_err(db)
}

/// The SQLite auth store.
pub struct SqliteAuthStore {
    conn: Connection,
}

impl SqliteAuthStore {
    /// Opens (creating if needed) the database file and applies pending auth migrations. A new
    /// file is created readable by its owner only, its `-wal` and `-shm` files too
    /// (`mlgov_store::private::create_database_file`).
    pub fn open(path: &Path) -> Result<SqliteAuthStore, AuthError> {
        let conn = mlgov_store::own_tables::open_file(path).map_err(|e| {
            AuthError::Database(DatabaseError::with_source(format!("{}: {e}", path.display()), e))
        })?;
        Self::setup(conn)
    }

    /// An in-memory store (tests, servers without a database file).
    pub fn in_memory() -> Result<SqliteAuthStore, AuthError> {
        Self::setup(Connection::open_in_memory().map_err(db)?)
    }

    fn setup(conn: Connection) -> Result<SqliteAuthStore, AuthError> {
        mlgov_store::own_tables::configure(&conn).map_err(db)?;
        let mut conn = conn;
        apply_migrations(&mut conn)?;
        Ok(SqliteAuthStore { conn })
    }

    fn projects_of(&self, user_id: i64) -> Result<Vec<String>, AuthError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT project FROM auth_memberships WHERE user_id = ?1 ORDER BY project",
            )
            .map_err(db)?;
        let rows = st.query_map([user_id], |r| r.get(0)).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn user_where(
        &self,
        clause: &str,
        arg: &dyn rusqlite::ToSql,
    ) -> Result<Option<UserRecord>, AuthError> {
        let sql = format!(
            "SELECT id, username, role, password_hash, created FROM auth_users WHERE {clause}"
        );
        let row = self
            .conn
            .query_row(&sql, [arg], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .optional()
            .map_err(db)?;
        let Some((id, username, role, password_hash, created)) = row else { return Ok(None) };
        let role = role.parse::<Role>().map_err(|e| {
            AuthError::Database(DatabaseError::with_source(format!("auth_users row {id}: {e}"), e))
        })?;
        Ok(Some(UserRecord {
            id,
            username,
            role,
            password_hash,
            projects: self.projects_of(id)?,
            created,
        }))
    }
}

fn set_memberships(
    tx: &rusqlite::Transaction<'_>,
    user_id: i64,
    projects: &[String],
    now: i64,
) -> Result<(), AuthError> {
    tx.execute("DELETE FROM auth_memberships WHERE user_id = ?1", [user_id]).map_err(db)?;
    for p in projects {
        tx.execute(
            "INSERT OR IGNORE INTO auth_projects (name, created) VALUES (?1, ?2)",
            params![p, now],
        )
        .map_err(db)?;
        tx.execute(
            "INSERT OR IGNORE INTO auth_memberships (user_id, project) VALUES (?1, ?2)",
            params![user_id, p],
        )
        .map_err(db)?;
    }
    Ok(())
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: r.get(0)?,
        token_hash: r.get(1)?,
        user_id: r.get(2)?,
        username: r.get(3)?,
        label: r.get(4)?,
        created: r.get(5)?,
        revoked: r.get(6)?,
    })
}

const TOKEN_SELECT: &str = "SELECT t.id, t.token_hash, t.user_id, u.username, t.label, t.created, t.revoked FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id";

impl AuthStore for SqliteAuthStore {
    fn ensure_project(&mut self, name: &str, now: i64) -> Result<(), AuthError> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO auth_projects (name, created) VALUES (?1, ?2)",
                params![name, now],
            )
            .map_err(db)?;
        Ok(())
    }

    fn projects(&self) -> Result<Vec<String>, AuthError> {
        let mut st =
            self.conn.prepare("SELECT name FROM auth_projects ORDER BY name").map_err(db)?;
        let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn create_user(
        &mut self,
        username: &str,
        role: Role,
        password_hash: &str,
        projects: &[String],
        now: i64,
    ) -> Result<UserRecord, AuthError> {
        let tx = self.conn.transaction().map_err(db)?;
        let inserted = tx.execute(
            "INSERT INTO auth_users (username, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
            params![username, role.as_str(), password_hash, now],
        );
        match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(AuthError::Conflict(format!("user {username:?} already exists")));
            }
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
            let mut st =
                self.conn.prepare("SELECT id FROM auth_users ORDER BY username").map_err(db)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)?
        };
        ids.into_iter().filter_map(|id| self.user_by_id(id).transpose()).collect()
    }

    fn update_user(
        &mut self,
        username: &str,
        role: Option<Role>,
        password: Option<&NewPassword<'_>>,
        projects: Option<&[String]>,
        now: i64,
    ) -> Result<(UserRecord, Ended), AuthError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let id: i64 = tx
            .query_row("SELECT id FROM auth_users WHERE username = ?1", [username], |r| r.get(0))
            .optional()
            .map_err(db)?
            .ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))?;
        if let Some(role) = role {
            tx.execute("UPDATE auth_users SET role = ?1 WHERE id = ?2", params![role.as_str(), id])
                .map_err(db)?;
        }
        let mut ended = Ended::default();
        if let Some(p) = password {
            tx.execute(
                "UPDATE auth_users SET password_hash = ?1 WHERE id = ?2",
                params![p.hash, id],
            )
            .map_err(db)?;
            // A new password ends the account's other sessions and, unless kept, its tokens.
            ended.sessions = tx
                .execute(
                    "DELETE FROM auth_sessions WHERE user_id = ?1 AND id_hash IS NOT ?2",
                    params![id, p.keep_session],
                )
                .map_err(db)? as u64;
            if !p.keep_tokens {
                ended.tokens = tx.execute("UPDATE auth_tokens SET revoked = ?1 WHERE user_id = ?2 AND revoked IS NULL", params![now, id]).map_err(db)? as u64;
            }
        }
        if let Some(p) = projects {
            set_memberships(&tx, id, p, now)?;
        }
        tx.commit().map_err(db)?;
        let user = self
            .user_by_id(id)?
            .ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))?;
        Ok((user, ended))
    }

    fn delete_user(&mut self, username: &str) -> Result<bool, AuthError> {
        let n = self
            .conn
            .execute("DELETE FROM auth_users WHERE username = ?1", [username])
            .map_err(db)?;
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

    fn insert_token(
        &mut self,
        token_hash: &str,
        user_id: i64,
        label: &str,
        now: i64,
    ) -> Result<i64, AuthError> {
        self.conn
            .execute("INSERT INTO auth_tokens (token_hash, user_id, label, created) VALUES (?1, ?2, ?3, ?4)", params![token_hash, user_id, label, now])
            .map_err(db)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, AuthError> {
        self.conn
            .query_row(&format!("{TOKEN_SELECT} WHERE t.token_hash = ?1"), [token_hash], token_row)
            .optional()
            .map_err(db)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, AuthError> {
        let mut st =
            self.conn.prepare(&format!("{TOKEN_SELECT} ORDER BY t.id DESC")).map_err(db)?;
        let rows = st.query_map([], token_row).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn revoke_token(&mut self, id: i64, now: i64) -> Result<bool, AuthError> {
        let n = self
            .conn
            .execute(
                "UPDATE auth_tokens SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL",
                params![now, id],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn login_failures(&self, keys: &[String]) -> Result<Vec<(String, LoginWindow)>, AuthError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT key, window_start, failures FROM auth_login_failures WHERE key = ?1",
            )
            .map_err(db)?;
        let mut out = Vec::new();
        for k in keys {
            let row = st
                .query_row([k], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        LoginWindow { start: r.get(1)?, failures: r.get(2)? },
                    ))
                })
                .optional()
                .map_err(db)?;
            out.extend(row);
        }
        Ok(out)
    }

    fn record_login_failure(
        &mut self,
        key: &str,
        now: i64,
        window_secs: i64,
    ) -> Result<(), AuthError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        tx.execute(
            "DELETE FROM auth_login_failures WHERE window_start <= ?1 - ?2",
            params![now, window_secs],
        )
        .map_err(db)?;
        // The SET expressions read the row as it was before the update.
        tx.execute(
            "INSERT INTO auth_login_failures (key, window_start, failures) VALUES (?1, ?2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               window_start = CASE WHEN window_start + ?3 <= excluded.window_start THEN excluded.window_start ELSE window_start END, \
               failures = CASE WHEN window_start + ?3 <= excluded.window_start THEN 1 ELSE failures + 1 END",
            params![key, now, window_secs],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn clear_login_failures(&mut self, key: &str) -> Result<(), AuthError> {
        self.conn.execute("DELETE FROM auth_login_failures WHERE key = ?1", [key]).map_err(db)?;
        Ok(())
    }

    fn audit(&mut self, e: &AuditEntry) -> Result<(), AuthError> {
        self.conn
            .execute(
                "INSERT INTO auth_audit (time, username, action, resource) VALUES (?1, ?2, ?3, ?4)",
                params![e.time, e.user, e.action, e.resource],
            )
            .map_err(db)?;
        Ok(())
    }

    fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, AuthError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT time, username, action, resource FROM auth_audit ORDER BY id DESC LIMIT ?1",
            )
            .map_err(db)?;
        let rows = st
            .query_map([limit as i64], |r| {
                Ok(AuditEntry {
                    time: r.get(0)?,
                    user: r.get(1)?,
                    action: r.get(2)?,
                    resource: r.get(3)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }
}
