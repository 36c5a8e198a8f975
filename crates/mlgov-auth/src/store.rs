//! The storage interface of accounts, projects, sessions, tokens and the audit log:
//! [`AuthStore`], with row types. Backends hold no rules (who may do what is decided by
//! [`crate::Auth`]); they only guarantee atomicity where a method says so.

use serde::Serialize;

use crate::AuthError;
use crate::policy::Role;

/// An account as stored (with its password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// Id.
    pub id: i64,
    /// Account name (unique, case-insensitive).
    pub username: String,
    /// Role (never [`Role::Public`]).
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Projects the account belongs to, sorted.
    pub projects: Vec<String>,
    /// Creation time, Unix seconds.
    pub created: i64,
}

/// A server-side session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the session id held in the cookie.
    pub id_hash: String,
    /// Account.
    pub user_id: i64,
    /// CSRF token of the session.
    pub csrf: String,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Expiry, Unix seconds.
    pub expires: i64,
}

/// An API token as stored (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    /// Id (what `revoke` takes).
    pub id: i64,
    /// SHA-256 of the token.
    #[serde(skip)]
    pub token_hash: String,
    /// Account the token acts for.
    pub user_id: i64,
    /// Account name.
    pub username: String,
    /// Free label ("nightly export").
    pub label: String,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Revocation time, if revoked.
    pub revoked: Option<i64>,
}

/// A new password as [`AuthStore::update_user`] stores it, with what it ends: every session of the
/// account but `keep_session`, and every live API token of the account unless `keep_tokens`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewPassword<'a> {
    /// argon2id PHC string.
    pub hash: &'a str,
    /// SHA-256 of the session that made the change, which stays open (the account changing its
    /// own password in a browser); `None`: every session ends.
    pub keep_session: Option<&'a str>,
    /// Leave the account's API tokens live; otherwise every live one is revoked at `now`.
    pub keep_tokens: bool,
}

/// What a new password ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ended {
    /// Sessions of the account deleted.
    pub sessions: u64,
    /// Live API tokens of the account revoked.
    pub tokens: u64,
}

/// The failed logins of one key of the login limiter (`crate::limiter`) in its current window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginWindow {
    /// Unix seconds of the first failure of the window.
    pub start: i64,
    /// Failures counted since.
    pub failures: u32,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// ISO 8601 UTC time.
    pub time: String,
    /// Account name (`cli`, or `-` for the public).
    pub user: String,
    /// What was done (`read_raw_answers`, `user_add`, …).
    pub action: String,
    /// What it was done to (`survey:pilot`, `user:ann`, …).
    pub resource: String,
}

/// Storage of the auth tables.
pub trait AuthStore: Send {
    /// Creates a project (no error if it exists).
    fn ensure_project(&mut self, name: &str, now: i64) -> Result<(), AuthError>;
    /// Project names, sorted.
    fn projects(&self) -> Result<Vec<String>, AuthError>;
    /// Creates an account with its memberships (creating missing projects) in one transaction;
    /// [`AuthError::Conflict`] if the name is taken.
    fn create_user(
        &mut self,
        username: &str,
        role: Role,
        password_hash: &str,
        projects: &[String],
        now: i64,
    ) -> Result<UserRecord, AuthError>;
    /// An account by name (case-insensitive).
    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>, AuthError>;
    /// An account by id.
    fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, AuthError>;
    /// Every account, by name.
    fn users(&self) -> Result<Vec<UserRecord>, AuthError>;
    /// Changes role, password and/or memberships (those given) in one transaction; a new password
    /// ends the account's sessions and revokes its live tokens in the same transaction, as
    /// [`NewPassword`] says, and what it ended is returned ([`Ended::default`] without one).
    /// [`AuthError::NotFound`] for an unknown name.
    fn update_user(
        &mut self,
        username: &str,
        role: Option<Role>,
        password: Option<&NewPassword<'_>>,
        projects: Option<&[String]>,
        now: i64,
    ) -> Result<(UserRecord, Ended), AuthError>;
    /// Deletes an account with its sessions, tokens and memberships; whether it existed.
    fn delete_user(&mut self, username: &str) -> Result<bool, AuthError>;

    /// Stores a session.
    fn insert_session(&mut self, s: &SessionRecord) -> Result<(), AuthError>;
    /// A session by id digest.
    fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, AuthError>;
    /// Deletes a session.
    fn delete_session(&mut self, id_hash: &str) -> Result<(), AuthError>;
    /// Deletes sessions expired at `now`; how many.
    fn purge_sessions(&mut self, now: i64) -> Result<usize, AuthError>;

    /// Stores an API token; returns its id.
    fn insert_token(
        &mut self,
        token_hash: &str,
        user_id: i64,
        label: &str,
        now: i64,
    ) -> Result<i64, AuthError>;
    /// A token by digest (revoked ones included).
    fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, AuthError>;
    /// Every token, newest first.
    fn tokens(&self) -> Result<Vec<TokenRecord>, AuthError>;
    /// Marks a token revoked; whether a live token was revoked.
    fn revoke_token(&mut self, id: i64, now: i64) -> Result<bool, AuthError>;

    /// The failure windows of these limiter keys (`account:<name>`, `ip:<address>`; see
    /// `crate::limiter`) that are stored, ended or not, with their keys.
    fn login_failures(&self, keys: &[String]) -> Result<Vec<(String, LoginWindow)>, AuthError>;
    /// Counts one failed login against `key` in one statement, atomic between processes sharing
    /// the database: a window that has ended at `now` (started `window_secs` ago or earlier)
    /// starts again at `now` with one failure. Windows of any key that have ended are deleted.
    fn record_login_failure(
        &mut self,
        key: &str,
        now: i64,
        window_secs: i64,
    ) -> Result<(), AuthError>;
    /// Forgets the failures of `key`.
    fn clear_login_failures(&mut self, key: &str) -> Result<(), AuthError>;

    /// Appends to the audit log.
    fn audit(&mut self, entry: &AuditEntry) -> Result<(), AuthError>;
    /// The newest `limit` audit entries, newest first.
    fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, AuthError>;
}
