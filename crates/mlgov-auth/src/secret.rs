//! Secrets: argon2id password hashes, random tokens from the operating system's generator, and
//! SHA-256 digests of high-entropy tokens.
//!
//! Passwords are low-entropy, so they are stored as argon2id PHC strings (RFC 9106; OWASP
//! Password Storage Cheat Sheet parameters by default: 19 MiB, 2 passes, 1 lane) with a 16-byte
//! salt from the OS generator (`getrandom`, the same source as `OsRng`).
//!
//! Session ids, API tokens and invitation tokens are 32 random bytes (256 bits) from the OS
//! generator. Guessing one is infeasible, so a slow hash adds nothing: what a stolen database must
//! not give is a usable token, and a preimage of SHA-256 is as hard to find as guessing the token.
//! SHA-256 also lets the lookup be an indexed equality on the digest.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

use crate::AuthError;

/// argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Default for PasswordParams {
    /// OWASP's first recommended argon2id setting: m = 19 MiB, t = 2, p = 1.
    fn default() -> Self {
        PasswordParams { m_cost: 19 * 1024, t_cost: 2, p_cost: 1 }
    }
}

impl PasswordParams {
    /// Cheap parameters for tests only (still argon2id; 1 MiB, 1 pass).
    pub fn insecure_fast_for_tests() -> PasswordParams {
        PasswordParams { m_cost: 1024, t_cost: 1, p_cost: 1 }
    }

    fn hasher(&self) -> Result<Argon2<'static>, AuthError> {
        let params = Params::new(self.m_cost, self.t_cost, self.p_cost, None)
            .map_err(|e| AuthError::Crypto(format!("argon2 parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Hashes a password with argon2id and a fresh random salt; returns the PHC string
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
pub fn hash_password(password: &str, params: &PasswordParams) -> Result<String, AuthError> {
    let hash = params
        .hasher()?
        .hash_password(password.as_bytes())
        .map_err(|e| AuthError::Crypto(format!("argon2: {e}")))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `phc` (parameters are read from the string, so
/// hashes made with older parameters still verify). A malformed string never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// A PHC string of a random password, verified against when the account does not exist, so an
/// unknown user name costs as much time as a wrong password.
pub fn dummy_hash(params: &PasswordParams) -> String {
    hash_password(&random_token(), params).unwrap_or_default()
}

/// 32 random bytes from the operating system, hex-encoded (64 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // getrandom only fails when the OS has no entropy source; there is no safe fallback.
    getrandom::fill(&mut bytes).expect("the operating system's random generator is unavailable");
    hex(&bytes)
}

/// SHA-256 of a token, hex-encoded: what is stored for session ids, API and invitation tokens.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Equality in time independent of where the strings differ (for CSRF tokens).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_of_known_input() {
        // FIPS 180-2 test vector "abc".
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn tokens_are_random_and_hex() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
