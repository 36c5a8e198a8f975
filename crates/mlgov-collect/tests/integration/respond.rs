//! Survey collection: validation, save and resume, single-use submission, progress, and
//! frozen releases under the release rule.

use mlgov_auth::{AuthError, Principal};
use mlgov_collect::CollectError;
use mlgov_collect::respond::{self, FormValues};
use mlgov_collect::service::SaveError;
use mlgov_survey::Instrument;

use crate::common::*;

fn values(pairs: &[(&str, &str)]) -> FormValues {
    respond::collect(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
}

fn field_errors(
    r: Result<mlgov_collect::service::OpenedInvitation, SaveError>,
) -> Vec<(String, String)> {
    match r {
        Err(SaveError::Fields { errors, .. }) => {
            errors.into_iter().map(|e| (e.field, e.message)).collect()
        }
        other => panic!(
            "expected field errors, got {:?}",
            other.map(|o| o.invitation.id).map_err(|e| format!("{e:?}").len())
        ),
    }
}

#[test]
fn validation_reports_every_field_problem() {
    let ins = Instrument::whole_comm();
    let v = values(&[
        ("freq_p1_trade_unions", "9"),
        ("freq_p2_trade_unions", "0"),
        ("nature_p2_trade_unions", "4"),
        ("nature_p1_employers", "x"),
        ("responsibility", "aliens"),
        ("information_sources", "news_media"),
        ("information_sources", "news_media"),
        ("role", "king"),
        ("unknown_field", "1"),
        ("action", "submit"),
    ]);
    let errors = respond::validate(&ins, &v, true).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "freq_p1_trade_unions",
            "information_sources",
            "nature_p1_employers",
            "nature_p2_trade_unions",
            "responsibility",
            "role",
            "unknown_field"
        ]
    );
    assert_eq!(errors[0].message, "9 is out of range; expected a whole number from 0 to 5");
    assert!(errors[3].message.contains("frequency is 0"), "{}", errors[3].message);
}

#[test]
fn valid_answers_map_to_the_long_layout() {
    let ins = Instrument::whole_comm();
    let v = values(&[
        ("freq_p1_trade_unions", "3"),
        ("nature_p1_trade_unions", "5"),
        ("public_attitudes", "2"),
        ("role", "local_official"),
        ("freq_p2_employers", ""),
    ]);
    let a = respond::validate(&ins, &v, true).unwrap();
    let rows: Vec<(&str, &str, &str)> =
        a.iter().map(|a| (a.item.as_str(), a.period.as_str(), a.value.as_str())).collect();
    assert_eq!(
        rows,
        [
            ("freq_trade_unions", "p1", "3"),
            ("nature_trade_unions", "p1", "5"),
            ("public_attitudes", "", "2"),
            ("role", "", "local_official")
        ]
    );
    // Round trip back to form values (resume).
    assert_eq!(
        respond::values_of(&ins, &a),
        values(&[
            ("freq_p1_trade_unions", "3"),
            ("nature_p1_trade_unions", "5"),
            ("public_attitudes", "2"),
            ("role", "local_official")
        ])
    );
}

fn invite_save_resume_submit_then_link_is_unusable(f: Fixture) {
    let admin = f.auth.token_principal(&f.tokens[0]).unwrap().unwrap();
    let tok = f.invitation.clone();
    let opened = f.collect.open_invitation(&tok).unwrap();
    assert!(opened.values.is_empty());
    assert_eq!(opened.invitation.locality.as_deref(), Some("loc:x"));
    // Save a partial response: no role needed yet.
    f.collect.save_response(&tok, &values(&[("freq_p1_trade_unions", "3")]), false).unwrap();
    assert_eq!(
        f.collect.progress(&admin, "s1").unwrap().1,
        mlgov_collect::store::Progress { invited: 1, started: 1, submitted: 0 }
    );
    // Resume: the saved value comes back.
    assert_eq!(
        f.collect.open_invitation(&tok).unwrap().values,
        values(&[("freq_p1_trade_unions", "3")])
    );
    // An invalid save changes nothing.
    let errs = field_errors(f.collect.save_response(
        &tok,
        &values(&[("freq_p1_trade_unions", "6")]),
        false,
    ));
    assert_eq!(errs[0].0, "freq_p1_trade_unions");
    assert_eq!(
        f.collect.open_invitation(&tok).unwrap().values,
        values(&[("freq_p1_trade_unions", "3")])
    );
    // Submitting needs a role.
    let errs = field_errors(f.collect.save_response(
        &tok,
        &values(&[("freq_p1_trade_unions", "4")]),
        true,
    ));
    assert_eq!(errs, [("role".to_string(), "your role is required to submit".to_string())]);
    f.collect
        .save_response(
            &tok,
            &values(&[("freq_p1_trade_unions", "4"), ("role", "local_official")]),
            true,
        )
        .unwrap();
    // The link is used up.
    assert!(matches!(f.collect.open_invitation(&tok), Err(CollectError::Gone(_))));
    assert!(matches!(
        f.collect.save_response(&tok, &values(&[]), false),
        Err(SaveError::Collect(CollectError::Gone(_)))
    ));
    assert_eq!(
        f.collect.progress(&admin, "s1").unwrap().1,
        mlgov_collect::store::Progress { invited: 1, started: 0, submitted: 1 }
    );
    let raw = f.collect.raw_answers(&admin, "s1").unwrap();
    let rows: Vec<(&str, &str, &str, bool)> = raw
        .iter()
        .map(|r| {
            (r.answer.item.as_str(), r.answer.period.as_str(), r.answer.value.as_str(), r.submitted)
        })
        .collect();
    assert_eq!(
        rows,
        [("freq_trade_unions", "p1", "4", true), ("role", "", "local_official", true)]
    );
    assert!(matches!(f.collect.open_invitation(&"0".repeat(64)), Err(CollectError::NotFound(_))));
}

fn releases_are_frozen_and_differ_by_at_least_k_respondents(f: Fixture) {
    let admin = Principal::cli_admin();
    let rita = f.principal("member");
    // An invitation's locality keeps to the grammar of locality ids (issue 21).
    for bad in ["loc:\u{1b}[31mx", "loc:x\u{202e}", ""] {
        assert!(
            matches!(f.collect.invite(&admin, "s1", 1, Some(bad)), Err(CollectError::Invalid { field, .. }) if field == "locality"),
            "{bad:?}"
        );
    }
    let links = f.collect.invite(&admin, "s1", 11, None).unwrap();
    let submit = |tok: &str, freq: &str| {
        f.collect
            .save_response(
                tok,
                &values(&[("freq_p1_trade_unions", freq), ("role", "local_official")]),
                true,
            )
            .unwrap()
    };
    // Nothing published yet: the public gets a not-found that says so.
    match f.collect.released_figures(&Principal::anonymous(), "s1") {
        Err(CollectError::NotFound(m)) => {
            assert!(m.contains("no release of survey \"s1\" is published yet"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    for (i, tok) in links.iter().take(5).enumerate() {
        submit(tok, &(i + 1).to_string());
    }
    // A saved, unsubmitted response is not counted.
    f.collect.save_response(&links[10], &values(&[("freq_p1_trade_unions", "0")]), false).unwrap();
    let r1 = f.collect.publish_release(&rita, "s1").unwrap();
    assert_eq!(
        (r1.number, r1.respondents, r1.created_by.as_str(), r1.min_cell),
        (1, Some(5), "rita", 5)
    );
    submit(&links[5], "5");
    // The public still sees release 1; the researcher sees the live figures.
    let public = f.collect.released_figures(&Principal::anonymous(), "s1").unwrap();
    assert_eq!((public.release.number, public.figures["respondents"].as_u64()), (1, Some(5)));
    assert_eq!(f.collect.live_figures(&rita, "s1").unwrap().respondents, Some(6));
    assert!(matches!(
        f.collect.live_figures(&Principal::anonymous(), "s1"),
        Err(CollectError::Auth(AuthError::Unauthenticated))
    ));
    assert!(
        matches!(
            f.collect.live_figures(&f.principal("outsider"), "s1"),
            Err(CollectError::NotFound(_))
        ),
        "as for a survey that does not exist"
    );
    assert!(matches!(
        f.collect.publish_release(&f.principal("viewer"), "s1"),
        Err(CollectError::NotFound(_))
    ));
    // One more respondent than release 1: refused, with the rule's reason.
    match f.collect.publish_release(&rita, "s1") {
        Err(CollectError::Conflict(m)) => assert!(
            m.contains("differs from release 1 by 1 respondent") && m.contains("at least 5"),
            "{m}"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    for tok in &links[6..10] {
        submit(tok, "2");
    }
    let r2 = f.collect.publish_release(&rita, "s1").unwrap();
    assert_eq!((r2.number, r2.respondents), (2, Some(10)));
    let listed: Vec<i64> = f
        .collect
        .releases(&Principal::anonymous(), "s1")
        .unwrap()
        .iter()
        .map(|r| r.number)
        .collect();
    assert_eq!(listed, [1, 2]);
    let log = f.auth.audit_log(&admin, 50).unwrap();
    assert!(
        log.iter().any(|e| e.action == "release_publish"
            && e.resource == "survey:s1 release:2"
            && e.user == "rita"),
        "{log:?}"
    );
}

on_both_backends!(Fixture::on;
    invite_save_resume_submit_then_link_is_unusable,
    releases_are_frozen_and_differ_by_at_least_k_respondents,
);
