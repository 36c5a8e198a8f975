//! The OpenAPI description of the account routes that concern API tokens and passwords. They are
//! served by `mlgov_auth::http` (mounted over this crate's router by `mlgov serve`), which knows
//! nothing of OpenAPI: the operations here are declarations only, with wire types mirroring what
//! `mlgov_auth` serialises (`TokenRecord`, `UpdatedUser`). The server's tests check the routes;
//! the OpenAPI snapshot locks the description.
//!
//! An account without the right gets 404 for a named account or token, exactly as for one that
//! does not exist (no enumeration); the public gets 401.

#![allow(dead_code)] // the functions only carry the `utoipa::path` declarations

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ErrorBody;

/// An API token as listed: never the token itself nor its digest.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Id (what `DELETE /api/v1/tokens/{id}` takes).
    pub id: i64,
    /// Id of the account the token acts for.
    pub user_id: i64,
    /// Name of that account.
    pub username: String,
    /// Free label given at issue ("nightly export").
    pub label: String,
    /// When it was issued, Unix seconds.
    pub created: i64,
    /// When it was revoked, Unix seconds (`null`: live).
    pub revoked: Option<i64>,
}

/// A change of an account: the members given change, the others stay.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct UserPatch {
    /// New role: admin, researcher, contributor or viewer.
    pub role: Option<String>,
    /// New password (10 to 1024 characters). It ends every session of the account (but the one
    /// making the change, when the account changes its own password in a session) and revokes
    /// every live API token of the account, unless `keep_tokens`.
    pub password: Option<String>,
    /// New project memberships (replacing the old ones).
    pub projects: Option<Vec<String>>,
    /// With a new password: leave the account's API tokens live. Refused (422) without one.
    #[serde(default)]
    pub keep_tokens: bool,
}

/// What a new password ended.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EndedOut {
    /// Sessions of the account ended.
    pub sessions: u64,
    /// Live API tokens of the account revoked (0 with `keep_tokens`).
    pub tokens: u64,
}

/// An account as it is after a change.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UpdatedUserOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub username: String,
    /// Role.
    pub role: String,
    /// Projects, sorted.
    pub projects: Vec<String>,
    /// What a new password ended (absent when the password did not change).
    pub ended: Option<EndedOut>,
}

/// Every API token of every account, newest first, revoked ones with their time (admin).
#[utoipa::path(get, path = "/api/v1/tokens", operation_id = "list_tokens", tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The tokens, newest first (no secret)", body = Vec<TokenOut>), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this (admins only)", body = ErrorBody)))]
fn list_tokens() {}

/// The API tokens of one account, newest first, revoked ones with their time (admin). Another
/// account gets 404, as for a name that does not exist.
#[utoipa::path(get, path = "/api/v1/users/{name}/tokens", operation_id = "list_user_tokens", tag = "accounts",
    security(("bearer" = []), ("session" = [])), params(("name" = String, Path, description = "Account name (case-insensitive)")),
    responses((status = 200, description = "The account's tokens, newest first (no secret)", body = Vec<TokenOut>), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 404, description = "No such account, or not for this account to see", body = ErrorBody)))]
fn list_user_tokens() {}

/// Revokes a live API token of any account (admin). Another account gets 404, as for a token
/// that does not exist.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", operation_id = "revoke_token", tag = "accounts",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Token id (digits)")),
    responses((status = 204, description = "Revoked: requests with it now get 401"), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 404, description = "No live token with this id, or not for this account to see", body = ErrorBody)))]
fn revoke_token() {}

/// Changes an account's role, password or projects (admin). A new password ends the account's
/// sessions and revokes its API tokens unless `keep_tokens`, and says how many. Another account
/// gets 404, as for a name that does not exist.
#[utoipa::path(patch, path = "/api/v1/users/{name}", operation_id = "update_user", tag = "accounts",
    security(("bearer" = []), ("session" = [])), params(("name" = String, Path, description = "Account name (case-insensitive)")), request_body = UserPatch,
    responses((status = 200, description = "The account as changed, with what a new password ended", body = UpdatedUserOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 404, description = "No such account, or not for this account to see", body = ErrorBody), (status = 422, description = "Well-formed but invalid data (a short password, an unknown role, keep_tokens without a password)", body = ErrorBody)))]
fn update_user() {}
