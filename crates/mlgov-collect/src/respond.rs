//! The respondent form of a survey instrument and its server-side validation. Pure: no IO. (What
//! viewers and the public see of the answers is built by `mlgov_survey::publish` from the same
//! analyses as imported data, and served only from frozen releases: see `service`.)
//!
//! Form fields use the names of the wide layout of `docs/survey.md`: `freq_<period>_<actor>`
//! (0–5), `nature_<period>_<actor>` (as answered, 1–5), perception ids, `role` and
//! `affiliation`. Stored answers use the long layout: item `freq_<actor>` / `nature_<actor>` with
//! a period, or a perception id / `role` / `affiliation` with period `""`.

use std::collections::{BTreeMap, BTreeSet};

use mlgov_survey::Instrument;
use mlgov_survey::instrument::PerceptionKind;
use serde::Serialize;

use crate::store::Answer;

/// A problem with one form field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field name.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Form values by field name (a multi-choice field holds its options joined by `;`).
pub type FormValues = BTreeMap<String, String>;

/// Fields that are not answers (the submit button, the CSRF token).
const CONTROL_FIELDS: [&str; 2] = ["action", "csrf_token"];

/// Collects posted `(name, value)` pairs into [`FormValues`]: repeated names (checkboxes) are
/// joined with `;`, values are trimmed, control fields dropped.
pub fn collect(pairs: &[(String, String)]) -> FormValues {
    let mut out = FormValues::new();
    for (k, v) in pairs {
        if CONTROL_FIELDS.contains(&k.as_str()) {
            continue;
        }
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        out.entry(k.clone())
            .and_modify(|e: &mut String| {
                e.push(';');
                e.push_str(v);
            })
            .or_insert_with(|| v.to_string());
    }
    out
}

/// Validates posted values against the instrument; returns the answers (long layout, sorted) or
/// every field problem. `submit` additionally requires the respondent's role.
///
/// Rules: frequencies are integers in the instrument's range; natures integers in the answered
/// range and only where the frequency of the same actor and period is not 0; perception scales in
/// their range, choices one known option, multi-choices known options without repeats; role and
/// affiliation known ids; no unknown fields; values at most 200 characters.
pub fn validate(
    instrument: &Instrument,
    values: &FormValues,
    submit: bool,
) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<FieldError>, field: &str, message: String| {
        errors.push(FieldError { field: field.to_string(), message })
    };
    let mut known: BTreeSet<String> = BTreeSet::new();
    for p in &instrument.periods {
        for a in &instrument.actors {
            let ff = format!("freq_{}_{}", p.id, a.id);
            let nf = format!("nature_{}_{}", p.id, a.id);
            let freq = values
                .get(&ff)
                .map(|v| int_in(v, instrument.frequency.min, instrument.frequency.max));
            match &freq {
                Some(Ok(v)) => answers.push(Answer {
                    item: format!("freq_{}", a.id),
                    period: p.id.clone(),
                    value: v.to_string(),
                }),
                Some(Err(m)) => err(&mut errors, &ff, m.clone()),
                None => {}
            }
            if let Some(v) = values.get(&nf) {
                match int_in(v, instrument.nature.answered_min, instrument.nature.answered_max) {
                    Ok(_) if matches!(freq, Some(Ok(0))) => err(&mut errors, &nf, "a nature was given but the frequency is 0 (no interactions); leave the nature empty".into()),
                    Ok(n) => answers.push(Answer { item: format!("nature_{}", a.id), period: p.id.clone(), value: n.to_string() }),
                    Err(m) => err(&mut errors, &nf, m),
                }
            }
            known.insert(ff);
            known.insert(nf);
        }
    }
    for item in &instrument.perceptions {
        known.insert(item.id.clone());
        let Some(v) = values.get(&item.id) else { continue };
        let ok = match item.kind {
            PerceptionKind::Scale => {
                int_in(v, item.min.unwrap_or(1), item.max.unwrap_or(5)).map(|n| n.to_string())
            }
            PerceptionKind::Choice => {
                if item.options.iter().any(|o| o.id == *v) {
                    Ok(v.clone())
                } else {
                    Err(format!(
                        "unknown option {:?}; expected one of {}",
                        v,
                        item.options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                }
            }
            PerceptionKind::Multi => {
                let mut seen = BTreeSet::new();
                let mut bad = None;
                for o in v.split(';') {
                    if !(o == "none" || item.options.iter().any(|x| x.id == o)) {
                        bad = Some(format!("unknown option {o:?}"));
                    } else if !seen.insert(o) {
                        bad = Some(format!("option {o:?} given twice"));
                    }
                }
                match bad {
                    Some(m) => Err(m),
                    None => Ok(v.clone()),
                }
            }
        };
        match ok {
            Ok(value) => {
                answers.push(Answer { item: item.id.clone(), period: String::new(), value })
            }
            Err(m) => err(&mut errors, &item.id, m),
        }
    }
    for (field, list) in [
        ("role", instrument.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()),
        ("affiliation", instrument.affiliations.iter().map(|r| r.id.as_str()).collect()),
    ] {
        known.insert(field.to_string());
        match values.get(field) {
            Some(v) if list.contains(&v.as_str()) => {
                answers.push(Answer { item: field.into(), period: String::new(), value: v.clone() })
            }
            Some(v) => err(
                &mut errors,
                field,
                format!("unknown {field} {v:?}; choose one of the listed options"),
            ),
            None if submit && field == "role" => {
                err(&mut errors, field, "your role is required to submit".into())
            }
            None => {}
        }
    }
    for (k, v) in values {
        if !known.contains(k) {
            err(&mut errors, k, "unknown field; expected a field of this questionnaire".into());
        } else if v.chars().count() > 200 {
            err(&mut errors, k, "value longer than 200 characters".into());
        }
    }
    if errors.is_empty() {
        answers.sort();
        Ok(answers)
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup_by(|a, b| a.field == b.field);
        Err(errors)
    }
}

fn int_in(v: &str, min: i32, max: i32) -> Result<i32, String> {
    match v.parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} is out of range; expected a whole number from {min} to {max}")),
        Err(_) => Err(format!("{v:?} is not a whole number; expected {min} to {max}")),
    }
}

/// Form values from stored answers (to resume a saved response).
pub fn values_of(instrument: &Instrument, answers: &[Answer]) -> FormValues {
    let mut out = FormValues::new();
    for a in answers {
        let field = if a.period.is_empty() {
            a.item.clone()
        } else if let Some(actor) = a.item.strip_prefix("freq_") {
            format!("freq_{}_{}", a.period, actor)
        } else if let Some(actor) = a.item.strip_prefix("nature_") {
            format!("nature_{}_{}", a.period, actor)
        } else {
            continue;
        };
        out.insert(field, a.value.clone());
    }
    let _ = instrument;
    out
}
