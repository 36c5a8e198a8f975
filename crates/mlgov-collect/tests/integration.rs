//! Integration tests of mlgov-collect: the storage contract of `CollectStore` on SQLite and
//! PostgreSQL (`contract`, with a database written before collection left mlgov-auth), form
//! validation, save and resume, releases (`respond`), stored secrets and the audit log
//! (`privacy`) through [`mlgov_collect::Collect`] (on both backends), then the routes under the
//! auth layer through `tower::ServiceExt::oneshot` (`http`) and the two attacks on survey figures
//! replayed over HTTP (`attacks`). PostgreSQL tests need `MLGOV_TEST_PG_URL`
//! (`scripts/pg-test.sh` sets it); without it they print a notice and pass.

#[path = "integration/attacks.rs"]
mod attacks;
#[path = "integration/common.rs"]
mod common;
#[path = "integration/contract.rs"]
mod contract;
#[path = "integration/hidden.rs"]
mod hidden;
#[path = "integration/http.rs"]
mod http;
#[path = "integration/privacy.rs"]
mod privacy;
#[path = "integration/respond.rs"]
mod respond;
