//! Shared fixtures: [`Fixture`], the accounts of `mlgov_auth::testing` plus one survey with one
//! invitation on a fresh database of either backend, and opening the collection store of a
//! `TestDb` ([`OpenCollect`]). The database, the two-backend macro and the accounts come from
//! `mlgov_store_postgres::testing` and `mlgov_auth::testing`, re-exported here.

use std::ops::Deref;

use mlgov_auth::Principal;
use mlgov_collect::{Collect, CollectStore};

pub use mlgov_auth::testing::*;
pub use mlgov_store_postgres::testing::*;

/// Opening the collection store of a [`TestDb`].
pub trait OpenCollect {
    /// A new collection store (its own connection) on this database, through
    /// `mlgov_collect::open_store`.
    fn open_collect(&self) -> Box<dyn CollectStore>;
}

impl OpenCollect for TestDb {
    fn open_collect(&self) -> Box<dyn CollectStore> {
        mlgov_collect::open_store(&self.location())
            .unwrap_or_else(|e| panic!("opening the {} collection store: {e}", self.name()))
    }
}

/// [`Accounts`] (which it dereferences to: `f.auth`, `f.backend`, `f.bearer(who)`…) with the
/// knowledge-base store and the collection at the same location, and survey `s1` of project `p1`.
pub struct Fixture {
    pub accounts: Accounts,
    pub collect: Collect,
    /// One invitation token of survey s1.
    pub invitation: String,
}

impl Deref for Fixture {
    type Target = Accounts;

    fn deref(&self) -> &Accounts {
        &self.accounts
    }
}

impl Served for Fixture {
    fn app(&self) -> axum::Router {
        mlgov_collect::http::mount(axum::Router::new(), self.auth.clone(), self.collect.clone())
    }
}

impl Fixture {
    /// On a fresh SQLite file.
    pub fn new() -> Fixture {
        Fixture::on(TestDb::sqlite())
    }

    /// On a fresh database of `backend`.
    pub fn on(backend: TestDb) -> Fixture {
        // The knowledge-base store at the same location: survey datasets and releases live there.
        mlgov_store_postgres::open_any(&backend.location(), mlgov_store_postgres::OpenMode::Create)
            .unwrap_or_else(|e| {
                panic!("creating the {} knowledge-base store: {e}", backend.name())
            });
        let accounts = Accounts::on(backend);
        let b = &accounts.backend;
        let collect = Collect::new(
            b.open_collect(),
            accounts.auth.clone(),
            mlgov_collect::Config {
                kb_location: Some(b.location()),
                ..mlgov_collect::Config::default()
            },
        );
        let root = Principal::cli_admin();
        collect.create_survey(&root, "s1", "whole-comm-interactions", "p1").unwrap();
        let invitation = collect.invite(&root, "s1", 1, Some("loc:x")).unwrap().remove(0);
        Fixture { accounts, collect, invitation }
    }
}
