//! [`Auth`]: the core of accounts, sessions, tokens, rate limiting and the audit log, usable
//! without HTTP. Every operation that needs a right takes the [`Principal`] and checks it against
//! the permission matrix ([`Auth::require`], which other crates — survey collection — call for
//! their own operations before writing to the audit log through [`Auth::audit`]).

use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use crate::AuthError;
use crate::limiter::{LimitConfig, Limiter};
use crate::policy::{Action, AuthVia, Principal, Resource, Role};
use crate::secret::{self, PasswordParams};
use crate::store::*;

/// A source of the current time (Unix seconds); tests supply a manual clock.
pub trait Clock: Send + Sync {
    /// Now, in Unix seconds.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// When the session cookie gets the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieSecure {
    /// Always (the server is reached over TLS only).
    Always,
    /// Never (plain-HTTP development on loopback).
    Never,
    /// When the request arrived over TLS: `X-Forwarded-Proto: https` from the reverse proxy
    /// that terminates TLS, or an `https` request URI.
    Auto,
}

/// Settings of [`Auth`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Session lifetime in seconds (absolute, from login).
    pub session_ttl_secs: i64,
    /// `Secure` attribute of the session cookie.
    pub cookie_secure: CookieSecure,
    /// Origins (scheme://host[:port]) accepted on state-changing requests besides the request's
    /// own `Host`.
    pub allowed_origins: Vec<String>,
    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy that sets it;
    /// `mlgov serve` reads [`TRUST_FORWARDED_FOR_VAR`]).
    pub trust_forwarded_for: bool,
    /// Login rate limits.
    pub limits: LimitConfig,
    /// argon2id parameters for new hashes.
    pub password: PasswordParams,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl_secs: 8 * 3600,
            cookie_secure: CookieSecure::Auto,
            allowed_origins: vec![],
            trust_forwarded_for: false,
            limits: LimitConfig::default(),
            password: PasswordParams::default(),
        }
    }
}

/// The environment variable that sets [`Config::trust_forwarded_for`] for `mlgov serve`
/// (`1`/`true`/`yes`/`on`): behind a load balancer or reverse proxy that *replaces*
/// `X-Forwarded-For` with the client's address (docs/deploy.md).
pub const TRUST_FORWARDED_FOR_VAR: &str = "MLGOV_TRUST_FORWARDED_FOR";

impl Config {
    /// The default settings with what the process environment changes ([`Config::with_env`]).
    #[must_use]
    pub fn from_env() -> Config {
        Config::default().with_env(|k| std::env::var(k).ok())
    }

    /// These settings with what the variables `var` looks up change: [`TRUST_FORWARDED_FOR_VAR`].
    #[must_use]
    pub fn with_env(mut self, var: impl Fn(&str) -> Option<String>) -> Config {
        if let Some(v) = var(TRUST_FORWARDED_FOR_VAR) {
            self.trust_forwarded_for =
                matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on");
        }
        self
    }
}

/// An account as shown (no password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Projects.
    pub projects: Vec<String>,
}

impl From<UserRecord> for User {
    fn from(u: UserRecord) -> User {
        User { id: u.id, username: u.username, role: u.role, projects: u.projects }
    }
}

/// A successful login: the session id (for the cookie, never stored in clear) and CSRF token.
#[derive(Clone, Debug)]
pub struct LoginOutcome {
    /// Session id for the `mlgov_session` cookie.
    pub session_id: String,
    /// CSRF token of the session.
    pub csrf: String,
    /// Expiry, Unix seconds.
    pub expires: i64,
    /// The account.
    pub user: User,
}

/// A change of an account ([`Auth::update_user`]): the fields given change, the others stay.
#[derive(Clone, Copy, Debug, Default)]
pub struct UserChange<'a> {
    /// New role.
    pub role: Option<Role>,
    /// New password (10 to 1024 characters). It ends every other session of the account (all of
    /// them, unless the account changes its own password in a session: that one stays) and
    /// revokes every live API token of the account, unless `keep_tokens`.
    pub password: Option<&'a str>,
    /// New project memberships (replacing the old ones).
    pub projects: Option<&'a [String]>,
    /// With a new password: leave the account's API tokens live.
    pub keep_tokens: bool,
}

/// A changed account, with what a new password ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdatedUser {
    /// The account as it is now.
    #[serde(flatten)]
    pub user: User,
    /// Sessions ended and tokens revoked by a new password (absent when the password did not
    /// change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ended>,
}

/// A newly issued API token: shown once.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedToken {
    /// Id (for revocation).
    pub id: i64,
    /// The token itself: shown now, stored only as its SHA-256.
    pub token: String,
    /// Account.
    pub username: String,
    /// Label.
    pub label: String,
}

/// Accounts, sessions, tokens, rate limiting and the audit log over an [`AuthStore`].
/// Cheap to clone (shared state).
#[derive(Clone)]
pub struct Auth {
    store: Arc<Mutex<Box<dyn AuthStore>>>,
    limiter: Limiter,
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    dummy_hash: Arc<String>,
}

/// Checks a name of an account, project or survey: 1 to 64 characters among ASCII letters,
/// digits and `. _ - @`; [`AuthError::Invalid`] on `kind` otherwise.
pub fn valid_name(kind: &str, s: &str) -> Result<(), AuthError> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AuthError::Invalid {
            field: kind.into(),
            message: format!(
                "{s:?}: expected 1 to 64 characters among letters, digits and . _ - @"
            ),
        })
    }
}

fn valid_password(p: &str) -> Result<(), AuthError> {
    let n = p.chars().count();
    if (10..=1024).contains(&n) {
        Ok(())
    } else {
        Err(AuthError::Invalid {
            field: "password".into(),
            message: format!("password of {n} characters; expected 10 to 1024"),
        })
    }
}

pub use mlgov_domain::date::iso_time;

/// The error of an account name that does not exist — or that the caller may not see.
fn no_user(username: &str) -> AuthError {
    AuthError::NotFound(format!("user {username:?}"))
}

/// The error of a token id that is not a live token — or that the caller may not see.
pub fn no_live_token(id: impl std::fmt::Display) -> AuthError {
    AuthError::NotFound(format!("live token {id}"))
}

impl Auth {
    /// An `Auth` over `store` with `config` and the system clock.
    pub fn new(store: Box<dyn AuthStore>, config: Config) -> Auth {
        Auth::with_clock(store, config, Arc::new(SystemClock))
    }

    /// An `Auth` with a given clock (tests).
    pub fn with_clock(store: Box<dyn AuthStore>, config: Config, clock: Arc<dyn Clock>) -> Auth {
        let dummy = secret::dummy_hash(&config.password);
        Auth {
            store: Arc::new(Mutex::new(store)),
            limiter: Limiter::new(config.limits),
            config: Arc::new(config),
            clock,
            dummy_hash: Arc::new(dummy),
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Now, by this instance's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn store(&self) -> MutexGuard<'_, Box<dyn AuthStore>> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Checks `p` against the permission matrix for `action` on `resource` (of `project`, for
    /// grants that depend on membership): [`AuthError::Unauthenticated`] for the public,
    /// [`AuthError::Forbidden`] (saying what was refused) for an account without the right.
    pub fn require(
        &self,
        p: &Principal,
        action: Action,
        resource: Resource,
        project: Option<&str>,
    ) -> Result<(), AuthError> {
        if p.may(action, resource, project) {
            Ok(())
        } else if !p.is_authenticated() {
            Err(AuthError::Unauthenticated)
        } else {
            Err(AuthError::Forbidden(format!(
                "role {} may not {:?} {:?}{}",
                p.role,
                action,
                resource,
                project.map(|x| format!(" of project {x:?}")).unwrap_or_default()
            )))
        }
    }

    /// [`Auth::require`] for an operation on one named thing (an account, a token): an account
    /// without the right gets `hidden` — the error of a thing that does not exist — rather than
    /// [`AuthError::Forbidden`], so that what exists cannot be found out through it; the public is
    /// still told to authenticate, whatever the name.
    pub fn require_or_hide(
        &self,
        p: &Principal,
        action: Action,
        resource: Resource,
        hidden: impl FnOnce() -> AuthError,
    ) -> Result<(), AuthError> {
        match self.require(p, action, resource, None) {
            Err(AuthError::Forbidden(_)) => Err(hidden()),
            other => other,
        }
    }

    /// Appends an audit entry for `p`.
    pub fn audit(&self, p: &Principal, action: &str, resource: &str) -> Result<(), AuthError> {
        let entry = AuditEntry {
            time: iso_time(self.now()),
            user: p.username.clone(),
            action: action.into(),
            resource: resource.into(),
        };
        self.store().audit(&entry)
    }

    // ---- accounts ----

    /// Creates an account (admin). Password: 10 to 1024 characters.
    pub fn add_user(
        &self,
        by: &Principal,
        username: &str,
        role: Role,
        password: &str,
        projects: &[String],
    ) -> Result<User, AuthError> {
        self.require(by, Action::Write, Resource::Users, None)?;
        valid_name("username", username)?;
        for p in projects {
            valid_name("projects", p)?;
        }
        if role == Role::Public {
            return Err(AuthError::Invalid { field: "role".into(), message: "public is the role of anonymous visitors; expected admin, researcher, contributor or viewer".into() });
        }
        valid_password(password)?;
        let hash = secret::hash_password(password, &self.config.password)?;
        let u = self.store().create_user(username, role, &hash, projects, self.now())?;
        self.audit(by, "user_add", &format!("user:{username}"))?;
        Ok(u.into())
    }

    /// Every account (admin).
    pub fn users(&self, by: &Principal) -> Result<Vec<User>, AuthError> {
        self.require(by, Action::Read, Resource::Users, None)?;
        Ok(self.store().users()?.into_iter().map(User::from).collect())
    }

    /// One account (admin; for any other account, [`AuthError::NotFound`] as for a name that does
    /// not exist).
    pub fn user(&self, by: &Principal, username: &str) -> Result<User, AuthError> {
        self.require_or_hide(by, Action::Read, Resource::Users, || no_user(username))?;
        self.store().user_by_name(username)?.map(User::from).ok_or_else(|| no_user(username))
    }

    /// Changes an account's role, password or projects (admin; others get [`AuthError::NotFound`]
    /// as for a name that does not exist). A new password ends the account's sessions but the one
    /// making the change (when the account changes its own password in a session) and revokes its
    /// live API tokens unless [`UserChange::keep_tokens`], in the same transaction; both are
    /// written to the audit log (`password_change`).
    pub fn update_user(
        &self,
        by: &Principal,
        username: &str,
        change: &UserChange<'_>,
    ) -> Result<UpdatedUser, AuthError> {
        self.require_or_hide(by, Action::Write, Resource::Users, || no_user(username))?;
        if change.role == Some(Role::Public) {
            return Err(AuthError::Invalid {
                field: "role".into(),
                message: "expected admin, researcher, contributor or viewer".into(),
            });
        }
        for p in change.projects.unwrap_or_default() {
            valid_name("projects", p)?;
        }
        if change.keep_tokens && change.password.is_none() {
            return Err(AuthError::Invalid {
                field: "keep_tokens".into(),
                message: "goes with a new password".into(),
            });
        }
        let hash = match change.password {
            Some(p) => {
                valid_password(p)?;
                Some(secret::hash_password(p, &self.config.password)?)
            }
            None => None,
        };
        let keep_session = match &by.via {
            AuthVia::Session { id_hash, .. } if by.username.eq_ignore_ascii_case(username) => {
                Some(id_hash.as_str())
            }
            _ => None,
        };
        let password = hash.as_deref().map(|hash| NewPassword {
            hash,
            keep_session,
            keep_tokens: change.keep_tokens,
        });
        let (u, ended) = self.store().update_user(
            username,
            change.role,
            password.as_ref(),
            change.projects,
            self.now(),
        )?;
        self.audit(by, "user_update", &format!("user:{}", u.username))?;
        if password.is_some() {
            let tokens = if change.keep_tokens {
                "tokens_kept".to_string()
            } else {
                format!("tokens_revoked:{}", ended.tokens)
            };
            self.audit(
                by,
                "password_change",
                &format!("user:{} sessions_ended:{} {tokens}", u.username, ended.sessions),
            )?;
        }
        Ok(UpdatedUser { user: u.into(), ended: password.is_some().then_some(ended) })
    }

    /// Deletes an account with its sessions and tokens (admin; others get [`AuthError::NotFound`]
    /// as for a name that does not exist).
    pub fn remove_user(&self, by: &Principal, username: &str) -> Result<(), AuthError> {
        self.require_or_hide(by, Action::Write, Resource::Users, || no_user(username))?;
        if !self.store().delete_user(username)? {
            return Err(no_user(username));
        }
        self.audit(by, "user_remove", &format!("user:{username}"))
    }

    /// Project names (admin: all; researchers: their own).
    pub fn projects(&self, by: &Principal) -> Result<Vec<String>, AuthError> {
        if by.role != Role::Researcher {
            self.require(by, Action::Read, Resource::Projects, None)?;
        }
        Ok(self
            .store()
            .projects()?
            .into_iter()
            .filter(|p| by.may(Action::Read, Resource::Projects, Some(p)))
            .collect())
    }

    /// Creates a project (admin).
    pub fn add_project(&self, by: &Principal, name: &str) -> Result<(), AuthError> {
        self.require(by, Action::Write, Resource::Projects, None)?;
        valid_name("name", name)?;
        self.store().ensure_project(name, self.now())?;
        self.audit(by, "project_add", &format!("project:{name}"))
    }

    // ---- login and sessions ----

    /// Checks a password and opens a session. `ip` is the client address (for rate limiting).
    /// Unknown accounts and wrong passwords give the same [`AuthError::BadCredentials`] after the
    /// same argon2 work; blocked attempts give [`AuthError::RateLimited`] without any check.
    pub fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
    ) -> Result<LoginOutcome, AuthError> {
        let now = self.now();
        let key = username.trim();
        // The counters are in the store, shared by every server on the database.
        if let Err(wait) = self.limiter.check(&**self.store(), key, ip, now)? {
            return Err(AuthError::RateLimited { retry_after_secs: wait });
        }
        let user = self.store().user_by_name(key)?;
        let ok = match &user {
            Some(u) => secret::verify_password(password, &u.password_hash),
            None => {
                let _ = secret::verify_password(password, &self.dummy_hash);
                false
            }
        };
        let mut store = self.store();
        let (Some(user), true) = (user, ok) else {
            self.limiter.failure(&mut **store, key, ip, now)?;
            return Err(AuthError::BadCredentials);
        };
        self.limiter.success(&mut **store, key)?;
        let session_id = secret::random_token();
        let csrf = secret::random_token();
        let expires = now + self.config.session_ttl_secs;
        store.purge_sessions(now)?;
        store.insert_session(&SessionRecord {
            id_hash: secret::token_digest(&session_id),
            user_id: user.id,
            csrf: csrf.clone(),
            created: now,
            expires,
        })?;
        Ok(LoginOutcome { session_id, csrf, expires, user: user.into() })
    }

    /// The principal of a session cookie value, if the session exists and has not expired
    /// (an expired session is deleted).
    pub fn session_principal(&self, session_id: &str) -> Result<Option<Principal>, AuthError> {
        let hash = secret::token_digest(session_id);
        let mut store = self.store();
        let Some(s) = store.session(&hash)? else { return Ok(None) };
        if s.expires <= self.now() {
            store.delete_session(&hash)?;
            return Ok(None);
        }
        let Some(u) = store.user_by_id(s.user_id)? else { return Ok(None) };
        Ok(Some(Principal {
            user_id: Some(u.id),
            username: u.username,
            role: u.role,
            projects: u.projects,
            via: AuthVia::Session { id_hash: s.id_hash, csrf: s.csrf, expires: s.expires },
        }))
    }

    /// Ends a session.
    pub fn logout(&self, session_id: &str) -> Result<(), AuthError> {
        self.store().delete_session(&secret::token_digest(session_id))
    }

    // ---- API tokens ----

    /// Issues an API token for `username` (admin). The token is returned once.
    pub fn issue_token(
        &self,
        by: &Principal,
        username: &str,
        label: &str,
    ) -> Result<IssuedToken, AuthError> {
        self.require(by, Action::Write, Resource::Tokens, None)?;
        if label.chars().count() > 200 {
            return Err(AuthError::Invalid {
                field: "label".into(),
                message: "longer than 200 characters".into(),
            });
        }
        let token = secret::random_token();
        let mut store = self.store();
        let user = store
            .user_by_name(username)?
            .ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))?;
        let id = store.insert_token(&secret::token_digest(&token), user.id, label, self.now())?;
        drop(store);
        self.audit(by, "token_issue", &format!("token:{id} user:{}", user.username))?;
        Ok(IssuedToken { id, token, username: user.username, label: label.into() })
    }

    /// Every token of every account, newest first (no secrets; admin).
    pub fn tokens(&self, by: &Principal) -> Result<Vec<TokenRecord>, AuthError> {
        self.require(by, Action::Read, Resource::Tokens, None)?;
        self.store().tokens()
    }

    /// The tokens of one account, newest first, revoked ones included (no secrets; admin; others
    /// get [`AuthError::NotFound`] as for a name that does not exist).
    pub fn tokens_of(&self, by: &Principal, username: &str) -> Result<Vec<TokenRecord>, AuthError> {
        self.require_or_hide(by, Action::Read, Resource::Tokens, || no_user(username))?;
        let store = self.store();
        let user = store.user_by_name(username)?.ok_or_else(|| no_user(username))?;
        Ok(store.tokens()?.into_iter().filter(|t| t.user_id == user.id).collect())
    }

    /// Revokes a token of any account (admin); [`AuthError::NotFound`] if no live token has this
    /// id, and the same for anyone else, whether it exists or not.
    pub fn revoke_token(&self, by: &Principal, id: i64) -> Result<(), AuthError> {
        self.require_or_hide(by, Action::Write, Resource::Tokens, || no_live_token(id))?;
        if !self.store().revoke_token(id, self.now())? {
            return Err(no_live_token(id));
        }
        self.audit(by, "token_revoke", &format!("token:{id}"))
    }

    /// The principal of a bearer token, if it exists and is not revoked.
    pub fn token_principal(&self, token: &str) -> Result<Option<Principal>, AuthError> {
        let store = self.store();
        let Some(t) = store.token_by_hash(&secret::token_digest(token))? else { return Ok(None) };
        if t.revoked.is_some() {
            return Ok(None);
        }
        let Some(u) = store.user_by_id(t.user_id)? else { return Ok(None) };
        Ok(Some(Principal {
            user_id: Some(u.id),
            username: u.username,
            role: u.role,
            projects: u.projects,
            via: AuthVia::Token { id: t.id },
        }))
    }

    /// The newest `limit` audit entries (admin).
    pub fn audit_log(&self, by: &Principal, limit: usize) -> Result<Vec<AuditEntry>, AuthError> {
        self.require(by, Action::Read, Resource::AuditLog, None)?;
        self.store().audit_log(limit)
    }
}

#[cfg(test)]
mod tests {
    use super::{Config, TRUST_FORWARDED_FOR_VAR, iso_time};

    #[test]
    fn the_environment_may_trust_forwarded_for() {
        let with = |v: Option<&str>| {
            Config::default()
                .with_env(
                    |k| if k == TRUST_FORWARDED_FOR_VAR { v.map(str::to_string) } else { None },
                )
                .trust_forwarded_for
        };
        assert!(!with(None), "off by default");
        for on in ["1", "true", "YES", " on "] {
            assert!(with(Some(on)), "{on}");
        }
        for off in ["0", "false", "", "maybe"] {
            assert!(!with(Some(off)), "{off}");
        }
    }

    #[test]
    fn iso_time_known_instants() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_time(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
