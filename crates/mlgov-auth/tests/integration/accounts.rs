//! The core without HTTP: permission matrix, password hashing, tokens, sessions, rate limiting,
//! audit log.

use mlgov_auth::secret::{self, PasswordParams};
use mlgov_auth::service::no_live_token;
use mlgov_auth::store::Ended;
use mlgov_auth::{Action, AuthError, Grant, Principal, Resource, Role, UserChange, allowed};

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
    assert!(matches!(
        f.auth.issue_token(&f.principal("member"), "rita", "x"),
        Err(AuthError::Forbidden(_))
    ));
    assert!(matches!(
        f.auth.issue_token(&Principal::anonymous(), "rita", "x"),
        Err(AuthError::Unauthenticated)
    ));
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
    f.auth
        .update_user(
            &f.principal("admin"),
            "rita",
            &UserChange { password: Some("another long passphrase"), ..UserChange::default() },
        )
        .unwrap();
    assert!(f.auth.session_principal(&b.session_id).unwrap().is_none());
    assert_eq!(f.auth.login("rita", PASSWORD, "ip").unwrap_err(), AuthError::BadCredentials);
    assert!(f.auth.login("rita", "another long passphrase", "ip").is_ok());
}

fn login_is_rate_limited_per_account_after_five_failures(f: Accounts) {
    for i in 0..5 {
        assert_eq!(
            f.auth.login("rita", "wrong password!", &format!("10.0.0.{i}")).unwrap_err(),
            AuthError::BadCredentials
        );
    }
    // Even the right password is refused now, from any address.
    assert_eq!(
        f.auth.login("rita", PASSWORD, "10.9.9.9").unwrap_err(),
        AuthError::RateLimited { retry_after_secs: 900 }
    );
    assert!(f.auth.login("vic", PASSWORD, "10.9.9.9").is_ok(), "other accounts unaffected");
    f.clock.advance(900);
    assert!(f.auth.login("rita", PASSWORD, "10.9.9.9").is_ok(), "window over");
}

fn login_is_rate_limited_per_address(f: Accounts) {
    for i in 0..20 {
        let _ = f.auth.login(&format!("nobody{i}"), "wrong password!", "203.0.113.7");
    }
    assert!(matches!(
        f.auth.login("vic", PASSWORD, "203.0.113.7"),
        Err(AuthError::RateLimited { .. })
    ));
    assert!(f.auth.login("vic", PASSWORD, "198.51.100.1").is_ok());
}

fn unknown_user_and_wrong_password_look_the_same(f: Accounts) {
    assert_eq!(
        f.auth.login("nobody", PASSWORD, "ip").unwrap_err(),
        f.auth.login("rita", "wrong password!", "ip").unwrap_err()
    );
}

fn account_rules(f: Accounts) {
    let admin = f.principal("admin");
    assert!(matches!(
        f.auth.add_user(&admin, "ada", Role::Viewer, PASSWORD, &[]),
        Err(AuthError::Conflict(_))
    ));
    assert!(
        matches!(
            f.auth.add_user(&admin, "ADA", Role::Viewer, PASSWORD, &[]),
            Err(AuthError::Conflict(_))
        ),
        "names are case-insensitive"
    );
    assert!(matches!(
        f.auth.add_user(&admin, "x'; DROP TABLE auth_users;--", Role::Viewer, PASSWORD, &[]),
        Err(AuthError::Invalid { .. })
    ));
    assert!(matches!(
        f.auth.add_user(&admin, "short", Role::Viewer, "short", &[]),
        Err(AuthError::Invalid { .. })
    ));
    assert!(matches!(
        f.auth.add_user(&admin, "anon", Role::Public, PASSWORD, &[]),
        Err(AuthError::Invalid { .. })
    ));
    assert!(matches!(
        f.auth.add_user(&f.principal("member"), "eve", Role::Admin, PASSWORD, &[]),
        Err(AuthError::Forbidden(_))
    ));
    let names: Vec<String> =
        f.auth.users(&admin).unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["ada", "ned", "rita", "vic"]);
}

fn a_password_change_revokes_tokens_unless_kept_and_ends_sessions(f: Accounts) {
    let admin = f.principal("admin");
    let change = |password: &'static str, keep_tokens: bool| UserChange {
        password: Some(password),
        keep_tokens,
        ..UserChange::default()
    };
    let first = f.bearer("member").unwrap().to_string();
    let second = f.auth.issue_token(&admin, "rita", "R scripts").unwrap().token;
    let sessions = [
        f.auth.login("rita", PASSWORD, "ip").unwrap(),
        f.auth.login("rita", PASSWORD, "ip").unwrap(),
    ];
    let vics = f.auth.login("vic", PASSWORD, "ip").unwrap();
    let changed =
        f.auth.update_user(&admin, "rita", &change("a second long passphrase", false)).unwrap();
    assert_eq!(changed.ended, Some(Ended { sessions: 2, tokens: 2 }));
    for t in [&first, &second] {
        assert!(f.auth.token_principal(t).unwrap().is_none(), "a token of the old password");
    }
    for s in &sessions {
        assert!(
            f.auth.session_principal(&s.session_id).unwrap().is_none(),
            "a session of the old password"
        );
    }
    assert!(
        f.auth.session_principal(&vics.session_id).unwrap().is_some(),
        "other accounts' sessions stay"
    );
    assert!(
        f.auth.token_principal(f.bearer("viewer").unwrap()).unwrap().is_some(),
        "other accounts' tokens stay"
    );
    let listed = f.auth.tokens_of(&admin, "rita").unwrap();
    assert_eq!(
        listed.iter().map(|t| t.revoked).collect::<Vec<_>>(),
        [Some(T0), Some(T0)],
        "listed as revoked, with when"
    );

    // Kept on request: the tokens of a routine change go on working; the sessions still end.
    let third = f.auth.issue_token(&admin, "rita", "notebook").unwrap().token;
    let session = f.auth.login("rita", "a second long passphrase", "ip").unwrap();
    let changed =
        f.auth.update_user(&admin, "rita", &change("a third long passphrase", true)).unwrap();
    assert_eq!(changed.ended, Some(Ended { sessions: 1, tokens: 0 }));
    assert_eq!(
        f.auth.token_principal(&third).unwrap().map(|p| p.username),
        Some("rita".to_string())
    );
    assert!(f.auth.session_principal(&session.session_id).unwrap().is_none());

    // Without a new password nothing ends, and keeping tokens means nothing alone.
    let changed = f
        .auth
        .update_user(
            &admin,
            "rita",
            &UserChange {
                projects: Some(&["p1".to_string(), "p3".to_string()]),
                ..UserChange::default()
            },
        )
        .unwrap();
    assert_eq!(
        (changed.ended, changed.user.projects),
        (None, vec!["p1".to_string(), "p3".to_string()])
    );
    assert!(f.auth.token_principal(&third).unwrap().is_some());
    assert!(
        matches!(f.auth.update_user(&admin, "rita", &UserChange { keep_tokens: true, ..UserChange::default() }), Err(AuthError::Invalid { field, .. }) if field == "keep_tokens")
    );
    let log: Vec<String> = f
        .auth
        .audit_log(&admin, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "password_change")
        .map(|e| format!("{} {}", e.user, e.resource))
        .collect();
    assert_eq!(
        log,
        [
            "ada user:rita sessions_ended:1 tokens_kept",
            "ada user:rita sessions_ended:2 tokens_revoked:2"
        ]
    );
}

fn changing_ones_own_password_in_a_session_keeps_that_session_only(f: Accounts) {
    let here = f.auth.login("ada", PASSWORD, "ip").unwrap();
    let elsewhere = f.auth.login("ada", PASSWORD, "ip").unwrap();
    let me = f.auth.session_principal(&here.session_id).unwrap().unwrap();
    let changed = f
        .auth
        .update_user(
            &me,
            "ADA",
            &UserChange { password: Some("my own new passphrase"), ..UserChange::default() },
        )
        .unwrap();
    assert_eq!(changed.ended, Some(Ended { sessions: 1, tokens: 1 }));
    assert!(
        f.auth.session_principal(&here.session_id).unwrap().is_some(),
        "the session that made the change stays"
    );
    assert!(f.auth.session_principal(&elsewhere.session_id).unwrap().is_none());
    assert!(
        f.auth.token_principal(f.bearer("admin").unwrap()).unwrap().is_none(),
        "the admin's own token is revoked too"
    );
    // Changing another account's password from a session ends all of that account's sessions.
    let ritas = f.auth.login("rita", PASSWORD, "ip").unwrap();
    f.auth
        .update_user(
            &me,
            "rita",
            &UserChange {
                password: Some("a second long passphrase"),
                keep_tokens: true,
                ..UserChange::default()
            },
        )
        .unwrap();
    assert!(f.auth.session_principal(&ritas.session_id).unwrap().is_none());
    assert!(f.auth.session_principal(&here.session_id).unwrap().is_some());
}

fn admins_list_and_revoke_any_token_others_get_not_found(f: Accounts) {
    let admin = f.principal("admin");
    let ritas = f.bearer("member").unwrap().to_string();
    let listed = f.auth.tokens_of(&admin, "RITA").unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|t| (t.username.as_str(), t.label.as_str(), t.revoked))
            .collect::<Vec<_>>(),
        [("rita", "tests", None)]
    );
    let id = listed[0].id;
    let shown = serde_json::to_string(&listed).unwrap();
    assert!(
        !shown.contains(&ritas)
            && !shown.contains(&secret::token_digest(&ritas))
            && !shown.contains("hash"),
        "no secret, no digest: {shown}"
    );
    assert_eq!(f.auth.tokens_of(&admin, "zed"), Err(AuthError::NotFound("user \"zed\"".into())));
    // Another account asking gets the answer of a name or token that does not exist; the public
    // is asked to authenticate. Nothing changes.
    for who in ["member", "outsider", "viewer"] {
        let p = f.principal(who);
        assert_eq!(
            f.auth.tokens_of(&p, "rita"),
            Err(AuthError::NotFound("user \"rita\"".into())),
            "{who}"
        );
        assert_eq!(
            f.auth.tokens(&p).unwrap_err(),
            AuthError::Forbidden(format!("role {} may not Read Tokens", p.role)),
            "{who}: the whole list is a role's right"
        );
        assert_eq!(f.auth.revoke_token(&p, id), Err(no_live_token(id)), "{who}");
        assert_eq!(f.auth.revoke_token(&p, id + 100), Err(no_live_token(id + 100)), "{who}");
    }
    assert_eq!(f.auth.tokens_of(&Principal::anonymous(), "rita"), Err(AuthError::Unauthenticated));
    assert_eq!(f.auth.revoke_token(&Principal::anonymous(), id), Err(AuthError::Unauthenticated));
    assert!(f.auth.token_principal(&ritas).unwrap().is_some());
    // The admin revokes it; revoking again is what the others got.
    f.auth.revoke_token(&admin, id).unwrap();
    assert!(f.auth.token_principal(&ritas).unwrap().is_none());
    assert_eq!(f.auth.revoke_token(&admin, id), Err(no_live_token(id)));
    assert_eq!(f.auth.tokens_of(&admin, "rita").unwrap()[0].revoked, Some(T0));
}

fn accounts_are_hidden_from_accounts_without_the_right(f: Accounts) {
    let admin = f.principal("admin");
    let change = UserChange { role: Some(Role::Admin), ..UserChange::default() };
    for who in ["member", "outsider", "viewer"] {
        let p = f.principal(who);
        for name in ["vic", "nobody"] {
            let hidden = AuthError::NotFound(format!("user {name:?}"));
            assert_eq!(f.auth.user(&p, name), Err(hidden.clone()), "{who} {name}");
            assert_eq!(f.auth.update_user(&p, name, &change), Err(hidden.clone()), "{who} {name}");
            assert_eq!(f.auth.remove_user(&p, name), Err(hidden), "{who} {name}");
        }
    }
    assert_eq!(
        f.auth.user(&admin, "nobody"),
        Err(AuthError::NotFound("user \"nobody\"".into())),
        "what an admin gets for a name that does not exist"
    );
    assert_eq!(f.auth.user(&Principal::anonymous(), "vic"), Err(AuthError::Unauthenticated));
    assert_eq!(f.auth.user(&admin, "vic").unwrap().role, Role::Viewer, "nothing changed");
}

on_both_backends!(Accounts::on;
    a_password_change_revokes_tokens_unless_kept_and_ends_sessions,
    changing_ones_own_password_in_a_session_keeps_that_session_only,
    admins_list_and_revoke_any_token_others_get_not_found,
    accounts_are_hidden_from_accounts_without_the_right,
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
