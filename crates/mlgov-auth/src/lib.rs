//! mlgov-auth: who may see and change what on a shared mlgov server — accounts and roles (a
//! permission matrix as data), argon2id passwords, server-side sessions, CSRF defences, hashed
//! revocable API tokens, login rate limiting and an audit log of raw-data access. Survey
//! collection (invitation links, the respondent form, raw answers, releases) is `mlgov-collect`,
//! which checks rights through [`Auth::require`] and writes the audit log through [`Auth::audit`].
//!
//! Layers: [`policy`] (the matrix), [`secret`] (hashing and random tokens), [`limiter`],
//! [`store`] (the [`AuthStore`] trait) with [`sqlite`] and [`postgres`] (its tables in the
//! knowledge base's database, whichever backend that is; [`open_store`] picks one by the
//! location), [`service`] ([`Auth`], the core, usable without HTTP), and [`http`] (the axum router
//! and the middleware that puts the [`Principal`] into request extensions, for this crate's routes
//! and any others mounted under it).
//!
//! Sessions are a table of this crate, not `tower-sessions` (STACK.md's suggestion): a session
//! here must belong to an account (deleted with it, ended by a password change), be stored only as
//! the SHA-256 of its id, and carry the CSRF token; `tower-sessions` stores an opaque serialised
//! record keyed by the id in clear through an async store trait. The table is a few queries of the
//! same [`AuthStore`], with no extra dependency. Login throttling is hand-written for the reasons
//! given in [`limiter`].
//!
//! *Invariants:* no secret (password, session id, API token) is stored in clear; every
//! state-changing HTTP request passes the cross-site checks; nothing here knows surveys (the
//! matrix names their resources, `Surveys`, `RawData` and `Aggregates`, and that is all).
//!
//! ## Design
//!
//! Its router and middleware are merged into the server; the middleware
//! (`http::layer`) puts the request's `Principal` into the extensions of every route mounted under
//! it, and applies the CSRF and cross-site checks to every state-changing request. Other crates
//! check rights with `Auth::require` and audit with `Auth::audit`, and render errors and pages with
//! its public HTTP helpers (`Failure`, `error_response`, `render_page`, `Who`, `parse_form`). Its
//! tables live beside the knowledge base's in the same database: `SqliteAuthStore` or `PgAuthStore`
//! (sync `postgres`, its own `auth_schema` versions, reconnects after a server restart), chosen by
//! `open_store(location)` from the `--db` value (`mlgov_store::Location`); one storage contract
//! tests both. Password redaction and error descriptions come from `mlgov-store-postgres`, not
//! copies.
//!
//! *Invariant:* knows nothing of surveys (the matrix names their resources, nothing more); its
//! historical migration 1, which also created the `survey_*` tables, is left as applied. A named
//! account or token that the caller may not see is answered as one that does not exist
//! (`Auth::require_or_hide`, docs/security.md "No enumeration"); a new password revokes the
//! account's tokens (unless kept) in the transaction that stores it.

pub mod http;
pub mod limiter;
pub mod policy;
pub mod postgres;
pub mod secret;
pub mod service;
pub mod sqlite;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use self::postgres::PgAuthStore;
pub use policy::{Action, AuthVia, Grant, Principal, Resource, Role, allowed};
pub use service::{Auth, Clock, Config, CookieSecure, SystemClock, UpdatedUser, User, UserChange};
pub use sqlite::SqliteAuthStore;
pub use store::AuthStore;

/// Opens the auth store beside the knowledge base at `location` (a `--db` value, told apart by
/// [`mlgov_store::Location`]): a PostgreSQL URL → [`PgAuthStore`], a SQLite file →
/// [`SqliteAuthStore`].
/// Pending auth migrations are applied in both cases.
///
/// # Errors
/// [`AuthError::Database`] when the file cannot be opened, the server cannot be reached, or a
/// migration fails.
pub fn open_store(location: &str) -> Result<Box<dyn AuthStore>, AuthError> {
    mlgov_store::Location::parse(location).open(
        |url| Ok(Box::new(PgAuthStore::connect(url)?) as Box<dyn AuthStore>),
        |path| Ok(Box::new(SqliteAuthStore::open(path)?)),
    )
}

/// Errors of accounts, sessions, tokens and permission checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The database failed (a bug or an unavailable store).
    #[error("auth store: {0}")]
    Database(#[source] mlgov_store::DatabaseError),
    /// Wrong user name or password (deliberately not saying which).
    #[error("wrong user name or password")]
    BadCredentials,
    /// Too many failed logins; retry later.
    #[error("too many failed logins; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the window ends.
        retry_after_secs: i64,
    },
    /// Credentials are needed.
    #[error("authentication required")]
    Unauthenticated,
    /// Authenticated, but the role does not allow it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No such thing.
    #[error("not found: {0}")]
    NotFound(String),
    /// The name is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A field is invalid.
    #[error("field {field:?}: {message}")]
    Invalid {
        /// Field name.
        field: String,
        /// What was expected.
        message: String,
    },
    /// Hashing failed.
    #[error("crypto: {0}")]
    Crypto(String),
}
