//! Survey collection: validation, save and resume, single-use submission, progress, and
//! aggregates under disclosure control.

use mlgov_auth::respond::{self, FormValues};
use mlgov_auth::service::SaveError;
use mlgov_auth::{AuthError, Principal};
use mlgov_survey::Instrument;

use crate::common::*;

fn values(pairs: &[(&str, &str)]) -> FormValues {
    respond::collect(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
}

fn field_errors(r: Result<mlgov_auth::service::OpenedInvitation, SaveError>) -> Vec<(String, String)> {
    match r {
        Err(SaveError::Fields { errors, .. }) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("expected field errors, got {:?}", other.map(|o| o.invitation.id).map_err(|e| format!("{e:?}").len())),
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
    assert_eq!(fields, ["freq_p1_trade_unions", "information_sources", "nature_p1_employers", "nature_p2_trade_unions", "responsibility", "role", "unknown_field"]);
    assert_eq!(errors[0].message, "9 is out of range; expected a whole number from 0 to 5");
    assert!(errors[3].message.contains("frequency is 0"), "{}", errors[3].message);
}

#[test]
fn valid_answers_map_to_the_long_layout() {
    let ins = Instrument::whole_comm();
    let v = values(&[("freq_p1_trade_unions", "3"), ("nature_p1_trade_unions", "5"), ("public_attitudes", "2"), ("role", "local_official"), ("freq_p2_employers", "")]);
    let a = respond::validate(&ins, &v, true).unwrap();
    let rows: Vec<(&str, &str, &str)> = a.iter().map(|a| (a.item.as_str(), a.period.as_str(), a.value.as_str())).collect();
    assert_eq!(rows, [("freq_trade_unions", "p1", "3"), ("nature_trade_unions", "p1", "5"), ("public_attitudes", "", "2"), ("role", "", "local_official")]);
    // Round trip back to form values (resume).
    assert_eq!(respond::values_of(&ins, &a), values(&[("freq_p1_trade_unions", "3"), ("nature_p1_trade_unions", "5"), ("public_attitudes", "2"), ("role", "local_official")]));
}

fn invite_save_resume_submit_then_link_is_unusable(f: Fixture) {
    let admin = f.auth.token_principal(&f.tokens[0]).unwrap().unwrap();
    let tok = f.invitation.clone();
    let opened = f.auth.open_invitation(&tok).unwrap();
    assert!(opened.values.is_empty());
    assert_eq!(opened.invitation.locality.as_deref(), Some("loc:x"));
    // Save a partial response: no role needed yet.
    f.auth.save_response(&tok, &values(&[("freq_p1_trade_unions", "3")]), false).unwrap();
    assert_eq!(f.auth.progress(&admin, "s1").unwrap().1, mlgov_auth::store::Progress { invited: 1, started: 1, submitted: 0 });
    // Resume: the saved value comes back.
    assert_eq!(f.auth.open_invitation(&tok).unwrap().values, values(&[("freq_p1_trade_unions", "3")]));
    // An invalid save changes nothing.
    let errs = field_errors(f.auth.save_response(&tok, &values(&[("freq_p1_trade_unions", "6")]), false));
    assert_eq!(errs[0].0, "freq_p1_trade_unions");
    assert_eq!(f.auth.open_invitation(&tok).unwrap().values, values(&[("freq_p1_trade_unions", "3")]));
    // Submitting needs a role.
    let errs = field_errors(f.auth.save_response(&tok, &values(&[("freq_p1_trade_unions", "4")]), true));
    assert_eq!(errs, [("role".to_string(), "your role is required to submit".to_string())]);
    f.auth.save_response(&tok, &values(&[("freq_p1_trade_unions", "4"), ("role", "local_official")]), true).unwrap();
    // The link is used up.
    assert!(matches!(f.auth.open_invitation(&tok), Err(AuthError::Gone(_))));
    assert!(matches!(f.auth.save_response(&tok, &values(&[]), false), Err(SaveError::Auth(AuthError::Gone(_)))));
    assert_eq!(f.auth.progress(&admin, "s1").unwrap().1, mlgov_auth::store::Progress { invited: 1, started: 0, submitted: 1 });
    let raw = f.auth.raw_answers(&admin, "s1").unwrap();
    let rows: Vec<(&str, &str, &str, bool)> = raw.iter().map(|r| (r.answer.item.as_str(), r.answer.period.as_str(), r.answer.value.as_str(), r.submitted)).collect();
    assert_eq!(rows, [("freq_trade_unions", "p1", "4", true), ("role", "", "local_official", true)]);
    assert!(matches!(f.auth.open_invitation(&"0".repeat(64)), Err(AuthError::NotFound(_))));
}

fn aggregates_suppress_cells_below_five_respondents(f: Fixture) {
    let admin = Principal::cli_admin();
    let links = f.auth.invite(&admin, "s1", 6, None).unwrap();
    // Five respondents answer trade unions in p1 (1..=5); only four answer employers.
    for (i, tok) in links.iter().take(5).enumerate() {
        let freq = (i + 1).to_string();
        let mut v = vec![("freq_p1_trade_unions", freq.as_str()), ("role", if i < 4 { "local_official" } else { "expert_journalist" })];
        if i < 4 {
            v.push(("freq_p1_employers", "2"));
        }
        f.auth.save_response(tok, &values(&v), true).unwrap();
    }
    // A sixth saved but not submitted response is not counted.
    f.auth.save_response(&links[5], &values(&[("freq_p1_trade_unions", "0")]), false).unwrap();
    let agg = f.auth.aggregates(&Principal::anonymous(), "s1").unwrap();
    assert_eq!((agg.respondents, agg.min_cell), (Some(5), 5));
    let item = |name: &str| agg.items.iter().find(|i| i.item == name && i.period == "p1").unwrap();
    assert_eq!((item("freq_trade_unions").n, item("freq_trade_unions").mean), (Some(5), Some(3.0)));
    assert!(item("freq_employers").suppressed && item("freq_employers").mean.is_none());
    // Roles: 4 local officials, 1 expert: the 1 is suppressed, and so must be the 4 (else 5 − 4).
    let roles = agg.choices.iter().find(|c| c.item == "role").unwrap();
    assert!(roles.counts.iter().all(|(_, c)| c.is_none()), "{roles:?}");
}

on_both_backends!(Fixture::on;
    invite_save_resume_submit_then_link_is_unusable,
    aggregates_suppress_cells_below_five_respondents,
);
