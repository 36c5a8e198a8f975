//! Login rate limiting: failed attempts counted per client address and per account name in
//! fixed windows, in the database.
//!
//! Why not `tower_governor`: it limits *requests* per key with GCRA, keyed by one extractor. A
//! login limiter must count *failed* attempts (known only after the password check), per account
//! as well as per address, and forget an account's failures on success. That is a few lines over
//! a table, deterministic under a supplied clock (so tests need no sleeping), and adds no
//! dependency.
//!
//! Rule: once an account has `max_per_account` failures in the current window (or an address
//! `max_per_ip`), further attempts are refused without checking the password until the window
//! (`window_secs`, starting at the first failure) ends.
//!
//! Where the counters live: in the auth store (`auth_login_failures`, one row per key:
//! `account:<name in lower case>` or `ip:<address>`), not in the process, so that several servers
//! on one PostgreSQL database (behind a load balancer) apply one limit: five failures spread over
//! two servers block the account on both. A failure is counted by one atomic upsert
//! ([`AuthStore::record_login_failure`]), so concurrent failures on different servers all count.
//! Check and count are separate statements around the password check, as they were in memory:
//! attempts that pass the check at the same moment are all verified (at most one more per
//! concurrent request). Ended windows are deleted whenever a failure is counted, so the table
//! holds only the keys that failed within the last window.

use crate::AuthError;
use crate::store::{AuthStore, LoginWindow};

/// Limits of the login limiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitConfig {
    /// Failed logins allowed per account name in one window.
    pub max_per_account: u32,
    /// Failed logins allowed per client address in one window.
    pub max_per_ip: u32,
    /// Window length in seconds.
    pub window_secs: i64,
}

impl Default for LimitConfig {
    fn default() -> Self {
        LimitConfig { max_per_account: 5, max_per_ip: 20, window_secs: 15 * 60 }
    }
}

/// The limiter key of an account name (case-insensitive, as account names are).
#[must_use]
pub fn account_key(account: &str) -> String {
    format!("account:{}", account.to_lowercase())
}

/// The limiter key of a client address; `None` when the address is unknown (empty), which is not
/// counted: one shared key would let anyone lock everyone out.
#[must_use]
pub fn ip_key(ip: &str) -> Option<String> {
    (!ip.is_empty()).then(|| format!("ip:{ip}"))
}

/// The login limiter: its limits over the counters of an [`AuthStore`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Limiter {
    config: LimitConfig,
}

impl Limiter {
    /// A limiter with these limits.
    #[must_use]
    pub fn new(config: LimitConfig) -> Limiter {
        Limiter { config }
    }

    /// The keys of an attempt with the failures each may have.
    fn keys(&self, account: &str, ip: &str) -> Vec<(String, u32)> {
        let mut keys = vec![(account_key(account), self.config.max_per_account)];
        keys.extend(ip_key(ip).map(|k| (k, self.config.max_per_ip)));
        keys
    }

    /// `Ok(Err(seconds until retry))` when `account` or `ip` is blocked at time `now` (Unix
    /// seconds) by the failures stored in `store`.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn check(
        &self,
        store: &dyn AuthStore,
        account: &str,
        ip: &str,
        now: i64,
    ) -> Result<Result<(), i64>, AuthError> {
        let keys = self.keys(account, ip);
        let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
        let windows = store.login_failures(&names)?;
        Ok(self.blocked(&keys, &windows, now))
    }

    /// The rule over stored windows: the longest wait among the keys at or over their limit in a
    /// window that has not ended.
    fn blocked(
        &self,
        keys: &[(String, u32)],
        windows: &[(String, LoginWindow)],
        now: i64,
    ) -> Result<(), i64> {
        let end = |w: &LoginWindow| w.start + self.config.window_secs;
        let wait = keys
            .iter()
            .filter_map(|(k, max)| windows.iter().find(|(w, _)| w == k).map(|(_, w)| (w, *max)))
            .filter(|(w, max)| now < end(w) && w.failures >= *max)
            .map(|(w, _)| end(w) - now)
            .max();
        match wait {
            Some(wait) => Err(wait.max(1)),
            None => Ok(()),
        }
    }

    /// Records a failed attempt against the account and the address (an empty `ip`, address
    /// unknown, is not counted).
    ///
    /// # Errors
    /// When the store cannot be written.
    pub fn failure(
        &self,
        store: &mut dyn AuthStore,
        account: &str,
        ip: &str,
        now: i64,
    ) -> Result<(), AuthError> {
        for (key, _) in self.keys(account, ip) {
            store.record_login_failure(&key, now, self.config.window_secs)?;
        }
        Ok(())
    }

    /// Records a successful login: the account's failures are forgotten (the address's are not,
    /// so one valid account cannot be used to reset a password-spraying address).
    ///
    /// # Errors
    /// When the store cannot be written.
    pub fn success(&self, store: &mut dyn AuthStore, account: &str) -> Result<(), AuthError> {
        store.clear_login_failures(&account_key(account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteAuthStore;

    fn store() -> SqliteAuthStore {
        SqliteAuthStore::in_memory().expect("in-memory store")
    }

    #[test]
    fn blocks_after_max_failures_until_window_ends() {
        let mut s = store();
        let l = Limiter::new(LimitConfig { max_per_account: 3, max_per_ip: 100, window_secs: 60 });
        for t in 0..3 {
            assert_eq!(l.check(&s, "ann", "1.2.3.4", t).unwrap(), Ok(()));
            l.failure(&mut s, "ann", "1.2.3.4", t).unwrap();
        }
        assert_eq!(l.check(&s, "ANN", "5.6.7.8", 10).unwrap(), Err(50));
        assert_eq!(l.check(&s, "bob", "1.2.3.4", 10).unwrap(), Ok(()));
        assert_eq!(l.check(&s, "ann", "1.2.3.4", 60).unwrap(), Ok(()));
        // A failure after the window starts a new one with one failure.
        l.failure(&mut s, "ann", "1.2.3.4", 60).unwrap();
        assert_eq!(
            s.login_failures(&[account_key("ann")]).unwrap(),
            vec![(account_key("ann"), LoginWindow { start: 60, failures: 1 })]
        );
    }

    #[test]
    fn success_resets_account_but_not_address() {
        let mut s = store();
        let l = Limiter::new(LimitConfig { max_per_account: 2, max_per_ip: 2, window_secs: 60 });
        l.failure(&mut s, "ann", "ip", 0).unwrap();
        l.failure(&mut s, "bob", "ip", 0).unwrap();
        l.success(&mut s, "ann").unwrap();
        assert_eq!(l.check(&s, "ann", "other", 1).unwrap(), Ok(()));
        assert!(l.check(&s, "carol", "ip", 1).unwrap().is_err());
    }

    #[test]
    fn unknown_addresses_are_not_counted_and_ended_windows_are_deleted() {
        let mut s = store();
        let l = Limiter::new(LimitConfig { max_per_account: 5, max_per_ip: 1, window_secs: 60 });
        l.failure(&mut s, "ann", "", 0).unwrap();
        assert_eq!(l.check(&s, "bob", "", 1).unwrap(), Ok(()));
        l.failure(&mut s, "bob", "9.9.9.9", 1).unwrap();
        assert_eq!(s.login_failures(&[account_key("ann"), "ip:".into()]).unwrap().len(), 1);
        // Counting a failure at 60 deletes ann's window (ended at 60), not bob's (ends at 61).
        l.failure(&mut s, "carol", "", 60).unwrap();
        let left = s
            .login_failures(&[
                account_key("ann"),
                account_key("bob"),
                "ip:9.9.9.9".into(),
                account_key("carol"),
            ])
            .unwrap();
        let keys: Vec<&str> = left.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["account:bob", "ip:9.9.9.9", "account:carol"]);
    }
}
