//! Integration tests of mlgov-auth: the permission matrix, secrets, sessions, tokens, rate
//! limiting and the audit log through [`mlgov_auth::Auth`] (no HTTP), then the router through
//! `tower::ServiceExt::oneshot` over a temporary SQLite file.

#[path = "integration/common.rs"]
mod common;
#[path = "integration/accounts.rs"]
mod accounts;
#[path = "integration/http.rs"]
mod http;
#[path = "integration/respond.rs"]
mod respond;
