//! Integration tests of mlgov-auth: the storage contract of `AuthStore` on SQLite and PostgreSQL
//! (`contract`), the permission matrix, secrets, sessions, tokens, rate limiting and the audit log
//! through [`mlgov_auth::Auth`] (no HTTP; on both backends), then the router through
//! `tower::ServiceExt::oneshot` over a temporary SQLite file. Survey collection is tested in
//! mlgov-collect. PostgreSQL tests need
//! `MLGOV_TEST_PG_URL` (`scripts/pg-test.sh` sets it); without it they print a notice and pass.

#[path = "integration/accounts.rs"]
mod accounts;
#[path = "integration/contract.rs"]
mod contract;
#[path = "integration/http.rs"]
mod http;
#[path = "integration/tokens.rs"]
mod tokens;
