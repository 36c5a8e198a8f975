//! The core without HTTP: permission matrix, password hashing, tokens, sessions, rate limiting,
//! audit log.

use mlgov_auth::secret::{self, PasswordParams};
use mlgov_auth::{allowed, Action, AuthError, Grant, Principal, Resource, Role};

use mlgov_auth::testing::*;
use mlgov_store_postgres::testing::*;

/// Every (role, action, resource) → grant, written out by hand: A = allow, M = if member,
/// . = deny. Columns: PublishedPages, Aggregates, RawData, Surveys, Users, Tokens, Projects,
/// AuditLog, KbChanges, KbReview, OwnKbChanges.
#[test]
fn role_action_matrix_is_as_specified() {
    let expected = [
        (Role::Admin, Action::Read, "AAAAAAAAA.A"),
        (Role::Admin, Action::Write, "A.AAAAA.AAA"),
        (Role::Researcher, Action::Read, "AAMM..M.A.A"),
        (Role::Researcher, Action::Write, "..M.....A.A"),
        (Role::Contributor, Action::Read, "AA........A"),
        (Role::Contributor, Action::Write, "..........A"),
        (Role::Viewer, Action::Read, "AA........."),
        (Role::Viewer, Action::Write, "..........."),
        (Role::Public, Action::Read, "AA........."),
        (Role::Public, Action::Write, "..........."),
    ];
    for (role, action, row) in expected {
        for (res, c) in Resource::ALL.iter().zip(row.chars()) {
            let want = match c {
                'A' => Grant::Allow,
                'M' => Grant::IfMember,
                _ => Grant::Deny,
            };
            assert_eq!(allowed(role, action, *res), want, "{role} {action:?} {res:?}");
        }
    }
}

fn membership_decides_if_member_grants(f: Accounts) {
    let rita = f.principal("member");
    assert!(rita.may(Action::Read, Resource::RawData, Some("p1")));
    assert!(!rita.may(Action::Read, Resource::RawData, Some("p2")));
    assert!(!rita.may(Action::Read, Resource::RawData, None));
    assert!(!f.principal("viewer").may(Action::Read, Resource::RawData, Some("p1")));
    assert!(f.principal("admin").may(Action::Read, Resource::RawData, Some("p2")));
}

#[test]
fn passwords_are_argon2id_salted_and_verified() {
    let p = PasswordParams::insecure_fast_for_tests();
    let a = secret::hash_password("s3cret-passphrase", &p).unwrap();
    let b = secret::hash_password("s3cret-passphrase", &p).unwrap();
    assert!(a.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{a}");
    assert_ne!(a, b, "a fresh salt per hash");
    assert!(secret::verify_password("s3cret-passphrase", &a));
    assert!(!secret::verify_password("s3cret-passphrasE", &a));
    assert!(!secret::verify_password("s3cret-passphrase", "not a phc string"));
    let default = secret::hash_password("x", &PasswordParams::default()).unwrap();
    assert!(default.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{default}");
}

fn stored_passwords_and_tokens_are_not_in_clear(f: Accounts) {
    f.assert_passwords_and_tokens_hashed();
    // Nor anywhere else: no column of any auth table holds a password or token in clear (the
    // invitation links of survey collection: mlgov-collect's test of the same name).
    let everything = f.backend.strings(
        "SELECT username || ' ' || password_hash FROM auth_users UNION ALL SELECT token_hash || ' ' || label FROM auth_tokens \
         UNION ALL SELECT resource FROM auth_audit",
    );
    for secret in f.tokens.iter().map(String::as_str).chain([PASSWORD]) {
        assert!(everything.iter().all(|v| !v.contains(secret)), "{secret} stored in clear");
    }
}

fn tokens_authenticate_until_revoked(f: Accounts) {
    let admin = f.principal("admin");
    let issued = f.auth.issue_token(&admin, "vic", "export").unwrap();
    let p = f.auth.token_principal(&issued.token).unwrap().unwrap();
    assert_eq!((p.username.as_str(), p.role), ("vic", Role::Viewer));
    assert!(f.auth.token_principal("0".repeat(64).as_str()).unwrap().is_none());
    f.auth.revoke_token(&admin, issued.id).unwrap();
    assert!(f.auth.token_principal(&issued.token).unwrap().is_none());
    assert!(matches!(f.auth.revoke_token(&admin, issued.id), Err(AuthError::NotFound(_))));
    // Only admins issue tokens; the public is told to authenticate.
    assert!(matches!(f.auth.issue_token(&f.principal("member"), "rita", "x"), Err(AuthError::Forbidden(_))));
    assert!(matches!(f.auth.issue_token(&Principal::anonymous(), "rita", "x"), Err(AuthError::Unauthenticated)));
    // Removing the account kills its tokens.
    let t = f.auth.issue_token(&admin, "ned", "x").unwrap();
    f.auth.remove_user(&admin, "ned").unwrap();
    assert!(f.auth.token_principal(&t.token).unwrap().is_none());
}

fn sessions_expire(f: Accounts) {
    let out = f.auth.login("rita", PASSWORD, "10.0.0.1").unwrap();
    assert_eq!(out.expires, T0 + 3600);
    f.clock.advance(3599);
    let p = f.auth.session_principal(&out.session_id).unwrap().expect("still valid");
    assert_eq!(p.username, "rita");
    f.clock.advance(1);
    assert!(f.auth.session_principal(&out.session_id).unwrap().is_none(), "expired at ttl");
}

fn logout_and_password_change_end_sessions(f: Accounts) {
    let a = f.auth.login("rita", PASSWORD, "ip").unwrap();
    f.auth.logout(&a.session_id).unwrap();
    assert!(f.auth.session_principal(&a.session_id).unwrap().is_none());
    let b = f.auth.login("rita", PASSWORD, "ip").unwrap();
    f.auth.update_user(&f.principal("admin"), "rita", None, Some("another long passphrase"), None).unwrap();
    assert!(f.auth.session_principal(&b.session_id).unwrap().is_none());
    assert_eq!(f.auth.login("rita", PASSWORD, "ip").unwrap_err(), AuthError::BadCredentials);
    assert!(f.auth.login("rita", "another long passphrase", "ip").is_ok());
}

fn login_is_rate_limited_per_account_after_five_failures(f: Accounts) {
    for i in 0..5 {
        assert_eq!(f.auth.login("rita", "wrong password!", &format!("10.0.0.{i}")).unwrap_err(), AuthError::BadCredentials);
    }
    // Even the right password is refused now, from any address.
    assert_eq!(f.auth.login("rita", PASSWORD, "10.9.9.9").unwrap_err(), AuthError::RateLimited { retry_after_secs: 900 });
    assert!(f.auth.login("vic", PASSWORD, "10.9.9.9").is_ok(), "other accounts unaffected");
    f.clock.advance(900);
    assert!(f.auth.login("rita", PASSWORD, "10.9.9.9").is_ok(), "window over");
}

fn login_is_rate_limited_per_address(f: Accounts) {
    for i in 0..20 {
        let _ = f.auth.login(&format!("nobody{i}"), "wrong password!", "203.0.113.7");
    }
    assert!(matches!(f.auth.login("vic", PASSWORD, "203.0.113.7"), Err(AuthError::RateLimited { .. })));
    assert!(f.auth.login("vic", PASSWORD, "198.51.100.1").is_ok());
}

fn unknown_user_and_wrong_password_look_the_same(f: Accounts) {
    assert_eq!(f.auth.login("nobody", PASSWORD, "ip").unwrap_err(), f.auth.login("rita", "wrong password!", "ip").unwrap_err());
}

fn account_rules(f: Accounts) {
    let admin = f.principal("admin");
    assert!(matches!(f.auth.add_user(&admin, "ada", Role::Viewer, PASSWORD, &[]), Err(AuthError::Conflict(_))));
    assert!(matches!(f.auth.add_user(&admin, "ADA", Role::Viewer, PASSWORD, &[]), Err(AuthError::Conflict(_))), "names are case-insensitive");
    assert!(matches!(f.auth.add_user(&admin, "x'; DROP TABLE auth_users;--", Role::Viewer, PASSWORD, &[]), Err(AuthError::Invalid { .. })));
    assert!(matches!(f.auth.add_user(&admin, "short", Role::Viewer, "short", &[]), Err(AuthError::Invalid { .. })));
    assert!(matches!(f.auth.add_user(&admin, "anon", Role::Public, PASSWORD, &[]), Err(AuthError::Invalid { .. })));
    assert!(matches!(f.auth.add_user(&f.principal("member"), "eve", Role::Admin, PASSWORD, &[]), Err(AuthError::Forbidden(_))));
    let names: Vec<String> = f.auth.users(&admin).unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["ada", "ned", "rita", "vic"]);
}

on_both_backends!(Accounts::on;
    membership_decides_if_member_grants,
    stored_passwords_and_tokens_are_not_in_clear,
    tokens_authenticate_until_revoked,
    sessions_expire,
    logout_and_password_change_end_sessions,
    login_is_rate_limited_per_account_after_five_failures,
    login_is_rate_limited_per_address,
    unknown_user_and_wrong_password_look_the_same,
    account_rules,
);
