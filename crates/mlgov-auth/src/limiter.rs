//! Login rate limiting: failed attempts counted per client address and per account name in
//! fixed windows.
//!
//! Why not `tower_governor`: it limits *requests* per key with GCRA, keyed by one extractor. A
//! login limiter must count *failed* attempts (known only after the password check), per account
//! as well as per address, and forget an account's failures on success. That is a few lines over
//! two hash maps, deterministic under a supplied clock (so tests need no sleeping), and adds no
//! dependency.
//!
//! Rule: once an account has `max_per_account` failures in the current window (or an address
//! `max_per_ip`), further attempts are refused without checking the password until the window
//! (`window_secs`, starting at the first failure) ends. Memory is bounded: windows that have ended
//! are dropped when a map grows beyond [`PRUNE_AT`] keys. Counters live in the server process.

use std::collections::HashMap;

/// Map size above which ended windows are dropped.
pub const PRUNE_AT: usize = 10_000;

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

#[derive(Clone, Copy, Debug)]
struct Window {
    start: i64,
    failures: u32,
}

/// Failure counters per account and per address.
#[derive(Debug, Default)]
pub struct Limiter {
    config: LimitConfig,
    accounts: HashMap<String, Window>,
    ips: HashMap<String, Window>,
}

impl Limiter {
    /// A limiter with these limits.
    pub fn new(config: LimitConfig) -> Limiter {
        Limiter { config, accounts: HashMap::new(), ips: HashMap::new() }
    }

    /// `Err(seconds until retry)` when `account` or `ip` is blocked at time `now` (Unix seconds).
    pub fn check(&self, account: &str, ip: &str, now: i64) -> Result<(), i64> {
        let blocked = |m: &HashMap<String, Window>, key: &str, max: u32| {
            m.get(key).filter(|w| now < w.start + self.config.window_secs && w.failures >= max).map(|w| w.start + self.config.window_secs - now)
        };
        let a = blocked(&self.accounts, &account.to_lowercase(), self.config.max_per_account);
        let i = if ip.is_empty() { None } else { blocked(&self.ips, ip, self.config.max_per_ip) };
        match a.into_iter().chain(i).max() {
            Some(wait) => Err(wait.max(1)),
            None => Ok(()),
        }
    }

    /// Records a failed attempt. An empty `ip` (address unknown) is not counted.
    pub fn failure(&mut self, account: &str, ip: &str, now: i64) {
        let window = self.config.window_secs;
        for (map, key) in [(&mut self.accounts, account.to_lowercase()), (&mut self.ips, ip.to_string())] {
            if key.is_empty() {
                continue;
            }
            if map.len() > PRUNE_AT {
                map.retain(|_, w| now < w.start + window);
            }
            let w = map.entry(key).or_insert(Window { start: now, failures: 0 });
            if now >= w.start + window {
                *w = Window { start: now, failures: 0 };
            }
            w.failures += 1;
        }
    }

    /// Records a successful login: the account's failures are forgotten (the address's are not,
    /// so one valid account cannot be used to reset a password-spraying address).
    pub fn success(&mut self, account: &str) {
        self.accounts.remove(&account.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_window_ends() {
        let mut l = Limiter::new(LimitConfig { max_per_account: 3, max_per_ip: 100, window_secs: 60 });
        for t in 0..3 {
            assert!(l.check("ann", "1.2.3.4", t).is_ok());
            l.failure("ann", "1.2.3.4", t);
        }
        assert_eq!(l.check("ANN", "5.6.7.8", 10), Err(50));
        assert!(l.check("bob", "1.2.3.4", 10).is_ok());
        assert!(l.check("ann", "1.2.3.4", 60).is_ok());
    }

    #[test]
    fn success_resets_account_but_not_address() {
        let mut l = Limiter::new(LimitConfig { max_per_account: 2, max_per_ip: 2, window_secs: 60 });
        l.failure("ann", "ip", 0);
        l.failure("bob", "ip", 0);
        l.success("ann");
        assert_eq!(l.check("ann", "other", 1), Ok(()));
        assert!(l.check("carol", "ip", 1).is_err());
    }
}
