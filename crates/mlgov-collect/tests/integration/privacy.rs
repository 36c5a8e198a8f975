//! What survey collection stores and what it audits: no link token in clear anywhere (beside the
//! auth crate's passwords and tokens), and raw answers read only by the project, each read in the
//! audit log.

use mlgov_auth::secret;
use mlgov_auth::{AuthError, Principal};
use mlgov_collect::CollectError;

use crate::common::*;

fn stored_passwords_and_tokens_are_not_in_clear(f: Fixture) {
    f.assert_passwords_and_tokens_hashed();
    assert_eq!(
        f.backend.strings("SELECT token_hash FROM survey_invitations"),
        [secret::token_digest(&f.invitation)]
    );
    // Nor anywhere else: no column of any auth table holds a password, token or link in clear.
    let everything = f.backend.strings(
        "SELECT username || ' ' || password_hash FROM auth_users UNION ALL SELECT token_hash || ' ' || label FROM auth_tokens \
         UNION ALL SELECT token_hash FROM survey_invitations UNION ALL SELECT resource FROM auth_audit",
    );
    for secret in f.tokens.iter().chain([&f.invitation]).map(String::as_str).chain([PASSWORD]) {
        assert!(everything.iter().all(|v| !v.contains(secret)), "{secret} stored in clear");
    }
}

fn raw_data_reads_are_audited_and_scoped(f: Fixture) {
    assert!(f.collect.raw_answers(&f.principal("member"), "s1").is_ok());
    // Another project's researcher and a viewer: as for a survey that does not exist.
    assert_eq!(
        f.collect.raw_answers(&f.principal("outsider"), "s1"),
        Err(CollectError::NotFound("survey \"s1\"".into()))
    );
    assert_eq!(
        f.collect.raw_answers(&f.principal("viewer"), "s1"),
        Err(CollectError::NotFound("survey \"s1\"".into()))
    );
    assert!(matches!(
        f.collect.raw_answers(&Principal::anonymous(), "s1"),
        Err(CollectError::Auth(AuthError::Unauthenticated))
    ));
    let log = f.auth.audit_log(&f.principal("admin"), 100).unwrap();
    let reads: Vec<_> = log.iter().filter(|e| e.action == "read_raw_answers").collect();
    assert_eq!(reads.len(), 1, "only the allowed read is logged: {log:?}");
    assert_eq!(
        (reads[0].user.as_str(), reads[0].resource.as_str(), reads[0].time.as_str()),
        ("rita", "survey:s1", "2027-01-15T08:00:00Z")
    );
    assert!(
        log.iter().any(|e| e.action == "user_add" && e.user == "cli" && e.resource == "user:vic")
    );
    assert!(matches!(f.auth.audit_log(&f.principal("member"), 10), Err(AuthError::Forbidden(_))));
}

on_both_backends!(Fixture::on;
    stored_passwords_and_tokens_are_not_in_clear,
    raw_data_reads_are_audited_and_scoped,
);
