//! The PostgreSQL [`AuthStore`]: the tables of the SQLite schema (`auth_*`) in the
//! knowledge base's PostgreSQL database, versioned in their own `auth_schema` table (the knowledge
//! base uses `schema_migrations`), migrated under an advisory lock so servers starting together
//! migrate once.
//!
//! One connection behind a mutex (the read methods of [`AuthStore`] take `&self`). Every write is
//! one transaction. A broken connection (the server was restarted) is replaced on the next call;
//! the call that meets it reconnects once and runs again, unless the connection broke while
//! committing — then whether the change landed is unknown and the call returns a clean
//! [`AuthError::Database`] instead (`mlgov_store_postgres::reconnect`, shared with
//! `mlgov_collect::postgres`).
//!
//! The client is the synchronous `postgres` crate, which runs its own small runtime: do not call a
//! [`PgAuthStore`] from inside an async task (use `tokio::task::spawn_blocking`, as the HTTP layer
//! does). Connecting and dropping are safe anywhere: inside a tokio runtime they happen on a
//! separate thread.

use ::postgres::types::ToSql;
use ::postgres::{Client, GenericClient, Row, Transaction};

use mlgov_store_postgres::reconnect::{self, Reconnecting, commit, is_unique_violation};

use crate::AuthError;
use crate::policy::Role;
use crate::store::*;
use mlgov_store::DatabaseError;

/// Versioned migrations of the auth tables, applied in order; `auth_schema(version, applied_at)`
/// records what was applied.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_auth.sql")),
    (2, include_str!("../migrations/postgres/0002_contributor.sql")),
    (3, include_str!("../migrations/postgres/0003_login_failures.sql")),
];

/// Key of the advisory lock that serialises auth migrations between processes (not the knowledge
/// base's key: the two migrate independently).
const MIGRATION_LOCK: i64 = 0x6d6c_676f_7600_0a01;

/// A failed unit of work (`mlgov_store_postgres::reconnect`): the database, or a rule of this
/// store passed through unchanged.
type Fail = reconnect::Fail<AuthError>;

impl From<AuthError> for Fail {
    fn from(e: AuthError) -> Fail {
        reconnect::Fail::Rule(e)
    }
}

/// Applies pending auth migrations on `client`, under the advisory lock. Other crates whose tables
/// refer to the auth tables (survey collection's refer to `auth_projects`) call this on their own
/// connection before their own migrations.
///
/// # Errors
/// [`AuthError::Database`] when a migration fails or the auth schema is newer than this build.
pub fn apply_migrations(client: &mut Client) -> Result<(), AuthError> {
    mlgov_store_postgres::own_tables::migrate(client, "auth", MIGRATION_LOCK, MIGRATIONS)
        .map_err(AuthError::Database)
}

/// The PostgreSQL store: one reconnecting connection (`mlgov_store_postgres::reconnect`).
#[derive(Debug)]
pub struct PgAuthStore {
    conn: Reconnecting,
}

impl PgAuthStore {
    /// Connects to `url` (e.g. `postgres://user:pw@127.0.0.1:5432/mlgov`) and applies pending auth
    /// migrations, creating the tables beside the knowledge base's on a fresh database.
    ///
    /// # Errors
    /// [`AuthError::Database`] when the server cannot be reached, a migration fails, or the auth
    /// schema is newer than this build.
    pub fn connect(url: &str) -> Result<PgAuthStore, AuthError> {
        Ok(PgAuthStore { conn: Reconnecting::connect(url, apply_migrations, AuthError::Database)? })
    }

    /// The database URL with any password masked.
    pub fn location(&self) -> &str {
        self.conn.location()
    }

    /// Runs `f` on the connection (reconnecting when it broke; see `Reconnecting::with`).
    fn with<T>(&self, f: impl FnMut(&mut Client) -> Result<T, Fail>) -> Result<T, AuthError> {
        self.conn.with(f, AuthError::Database)
    }

    /// One statement in its own transaction (so a broken connection before `COMMIT` means it
    /// did not run and may be retried); the number of rows it changed.
    fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, AuthError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(sql, params)?;
            commit(tx)?;
            Ok(n)
        })
    }
}

/// Users with their memberships; append a `WHERE`, then [`USER_GROUP`].
const USER_SELECT: &str = "SELECT u.id, u.username, u.role, u.password_hash, u.created, \
     coalesce(array_agg(m.project ORDER BY m.project COLLATE \"C\") FILTER (WHERE m.project IS NOT NULL), '{}')::text[] \
     FROM auth_users u LEFT JOIN auth_memberships m ON m.user_id = u.id";
const USER_GROUP: &str =
    "GROUP BY u.id ORDER BY lower(u.username) COLLATE \"C\", u.username COLLATE \"C\"";

fn user_row(r: &Row) -> Result<UserRecord, Fail> {
    let id: i64 = r.get(0);
    let role: String = r.get(2);
    let role = role.parse::<Role>().map_err(|e| {
        AuthError::Database(DatabaseError::with_source(format!("auth_users row {id}: {e}"), e))
    })?;
    Ok(UserRecord {
        id,
        username: r.get(1),
        role,
        password_hash: r.get(3),
        projects: r.get(5),
        created: r.get(4),
    })
}

fn user_where(
    c: &mut impl GenericClient,
    clause: &str,
    arg: &(dyn ToSql + Sync),
) -> Result<Option<UserRecord>, Fail> {
    let row = c.query_opt(&format!("{USER_SELECT} WHERE {clause} {USER_GROUP}"), &[arg])?;
    row.as_ref().map(user_row).transpose()
}

fn set_memberships(
    tx: &mut Transaction<'_>,
    user_id: i64,
    projects: &[String],
    now: i64,
) -> Result<(), Fail> {
    tx.execute("DELETE FROM auth_memberships WHERE user_id = $1", &[&user_id])?;
    for p in projects {
        tx.execute(
            "INSERT INTO auth_projects (name, created) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[p, &now],
        )?;
        tx.execute("INSERT INTO auth_memberships (user_id, project) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&user_id, p])?;
    }
    Ok(())
}

const TOKEN_SELECT: &str = "SELECT t.id, t.token_hash, t.user_id, u.username, t.label, t.created, t.revoked FROM auth_tokens t JOIN auth_users u ON u.id = t.user_id";

fn token_row(r: &Row) -> TokenRecord {
    TokenRecord {
        id: r.get(0),
        token_hash: r.get(1),
        user_id: r.get(2),
        username: r.get(3),
        label: r.get(4),
        created: r.get(5),
        revoked: r.get(6),
    }
}

impl AuthStore for PgAuthStore {
    fn ensure_project(&mut self, name: &str, now: i64) -> Result<(), AuthError> {
        self.execute(
            "INSERT INTO auth_projects (name, created) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&name, &now],
        )?;
        Ok(())
    }

    fn projects(&self) -> Result<Vec<String>, AuthError> {
        self.with(|c| {
            Ok(c.query("SELECT name FROM auth_projects ORDER BY name COLLATE \"C\"", &[])?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })
    }

    fn create_user(
        &mut self,
        username: &str,
        role: Role,
        password_hash: &str,
        projects: &[String],
        now: i64,
    ) -> Result<UserRecord, AuthError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let inserted = tx.query_one(
                "INSERT INTO auth_users (username, role, password_hash, created) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&username, &role.as_str(), &password_hash, &now],
            );
            let id: i64 = match inserted {
                Err(e) if is_unique_violation(&e) => return Err(AuthError::Conflict(format!("user {username:?} already exists")).into()),
                r => r?.get(0),
            };
            set_memberships(&mut tx, id, projects, now)?;
            let user = user_where(&mut tx, "u.id = $1", &id)?;
            commit(tx)?;
            user.ok_or_else(|| AuthError::Database("user vanished after insert".into()).into())
        })
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>, AuthError> {
        self.with(|c| user_where(c, "lower(u.username) = lower($1)", &username))
    }

    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, AuthError> {
        self.with(|c| user_where(c, "u.id = $1", &id))
    }

    fn users(&self) -> Result<Vec<UserRecord>, AuthError> {
        self.with(|c| {
            c.query(&format!("{USER_SELECT} {USER_GROUP}"), &[])?.iter().map(user_row).collect()
        })
    }

    fn update_user(
        &mut self,
        username: &str,
        role: Option<Role>,
        password: Option<&NewPassword<'_>>,
        projects: Option<&[String]>,
        now: i64,
    ) -> Result<(UserRecord, Ended), AuthError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let Some(row) = tx.query_opt("SELECT id FROM auth_users WHERE lower(username) = lower($1) FOR UPDATE", &[&username])? else {
                return Err(AuthError::NotFound(format!("user {username:?}")).into());
            };
            let id: i64 = row.get(0);
            if let Some(role) = role {
                tx.execute("UPDATE auth_users SET role = $1 WHERE id = $2", &[&role.as_str(), &id])?;
            }
            let mut ended = Ended::default();
            if let Some(p) = password {
                tx.execute("UPDATE auth_users SET password_hash = $1 WHERE id = $2", &[&p.hash, &id])?;
                // A new password ends the account's other sessions and, unless kept, its tokens.
                ended.sessions = tx.execute("DELETE FROM auth_sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2", &[&id, &p.keep_session])?;
                if !p.keep_tokens {
                    ended.tokens = tx.execute("UPDATE auth_tokens SET revoked = $1 WHERE user_id = $2 AND revoked IS NULL", &[&now, &id])?;
                }
            }
            if let Some(p) = projects {
                set_memberships(&mut tx, id, p, now)?;
            }
            let user = user_where(&mut tx, "u.id = $1", &id)?;
            commit(tx)?;
            let user = user.ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))?;
            Ok((user, ended))
        })
    }

    fn delete_user(&mut self, username: &str) -> Result<bool, AuthError> {
        // Sessions, tokens and memberships go with it (ON DELETE CASCADE).
        Ok(self
            .execute("DELETE FROM auth_users WHERE lower(username) = lower($1)", &[&username])?
            > 0)
    }

    fn insert_session(&mut self, s: &SessionRecord) -> Result<(), AuthError> {
        self.execute(
            "INSERT INTO auth_sessions (id_hash, user_id, csrf, created, expires) VALUES ($1, $2, $3, $4, $5)",
            &[&s.id_hash, &s.user_id, &s.csrf, &s.created, &s.expires],
        )?;
        Ok(())
    }

    fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, AuthError> {
        self.with(|c| {
            let row = c.query_opt("SELECT id_hash, user_id, csrf, created, expires FROM auth_sessions WHERE id_hash = $1", &[&id_hash])?;
            Ok(row.map(|r| SessionRecord { id_hash: r.get(0), user_id: r.get(1), csrf: r.get(2), created: r.get(3), expires: r.get(4) }))
        })
    }

    fn delete_session(&mut self, id_hash: &str) -> Result<(), AuthError> {
        self.execute("DELETE FROM auth_sessions WHERE id_hash = $1", &[&id_hash])?;
        Ok(())
    }

    fn purge_sessions(&mut self, now: i64) -> Result<usize, AuthError> {
        let n = self.execute("DELETE FROM auth_sessions WHERE expires <= $1", &[&now])?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn insert_token(
        &mut self,
        token_hash: &str,
        user_id: i64,
        label: &str,
        now: i64,
    ) -> Result<i64, AuthError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let id: i64 = tx
                .query_one("INSERT INTO auth_tokens (token_hash, user_id, label, created) VALUES ($1, $2, $3, $4) RETURNING id", &[&token_hash, &user_id, &label, &now])?
                .get(0);
            commit(tx)?;
            Ok(id)
        })
    }

    fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, AuthError> {
        self.with(|c| {
            Ok(c.query_opt(&format!("{TOKEN_SELECT} WHERE t.token_hash = $1"), &[&token_hash])?
                .as_ref()
                .map(token_row))
        })
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, AuthError> {
        self.with(|c| {
            Ok(c.query(&format!("{TOKEN_SELECT} ORDER BY t.id DESC"), &[])?
                .iter()
                .map(token_row)
                .collect())
        })
    }

    fn revoke_token(&mut self, id: i64, now: i64) -> Result<bool, AuthError> {
        Ok(self.execute(
            "UPDATE auth_tokens SET revoked = $1 WHERE id = $2 AND revoked IS NULL",
            &[&now, &id],
        )? > 0)
    }

    fn login_failures(&self, keys: &[String]) -> Result<Vec<(String, LoginWindow)>, AuthError> {
        self.with(|c| {
            let rows = c.query(
                "SELECT key, window_start, failures FROM auth_login_failures WHERE key = ANY($1)",
                &[&keys],
            )?;
            Ok(rows
                .iter()
                .map(|r| {
                    (
                        r.get(0),
                        LoginWindow {
                            start: r.get(1),
                            failures: u32::try_from(r.get::<_, i32>(2)).unwrap_or(0),
                        },
                    )
                })
                .collect())
        })
    }

    fn record_login_failure(
        &mut self,
        key: &str,
        now: i64,
        window_secs: i64,
    ) -> Result<(), AuthError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("DELETE FROM auth_login_failures WHERE window_start <= $1::bigint - $2::bigint", &[&now, &window_secs])?;
            // One statement: two servers counting failures of one key at once both count (the
            // conflicting insert waits for the other's row and then updates it).
            tx.execute(
                "INSERT INTO auth_login_failures AS f (key, window_start, failures) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   window_start = CASE WHEN f.window_start + $3::bigint <= EXCLUDED.window_start THEN EXCLUDED.window_start ELSE f.window_start END, \
                   failures = CASE WHEN f.window_start + $3::bigint <= EXCLUDED.window_start THEN 1 ELSE f.failures + 1 END",
                &[&key, &now, &window_secs],
            )?;
            commit(tx)
        })
    }

    fn clear_login_failures(&mut self, key: &str) -> Result<(), AuthError> {
        self.execute("DELETE FROM auth_login_failures WHERE key = $1", &[&key])?;
        Ok(())
    }

    fn audit(&mut self, e: &AuditEntry) -> Result<(), AuthError> {
        self.execute(
            "INSERT INTO auth_audit (time, username, action, resource) VALUES ($1, $2, $3, $4)",
            &[&e.time, &e.user, &e.action, &e.resource],
        )?;
        Ok(())
    }

    fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, AuthError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(|c| {
            let rows = c.query(
                "SELECT time, username, action, resource FROM auth_audit ORDER BY id DESC LIMIT $1",
                &[&limit],
            )?;
            Ok(rows
                .iter()
                .map(|r| AuditEntry {
                    time: r.get(0),
                    user: r.get(1),
                    action: r.get(2),
                    resource: r.get(3),
                })
                .collect())
        })
    }
}
