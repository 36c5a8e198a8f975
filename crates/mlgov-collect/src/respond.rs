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
use mlgov_survey::instrument::{PerceptionItem, PerceptionKind};
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
    let mut form = Form { values, answers: Vec::new(), errors: Vec::new(), known: BTreeSet::new() };
    form.interactions(instrument);
    form.perceptions(instrument);
    form.role_and_affiliation(instrument, submit);
    form.unknown_or_long();
    form.finish()
}

/// The answers and the field problems found so far, in the order [`validate`] checks the fields
/// (the first problem of a field is the one shown).
struct Form<'a> {
    values: &'a FormValues,
    answers: Vec<Answer>,
    errors: Vec<FieldError>,
    /// The fields of the instrument.
    known: BTreeSet<String>,
}

impl Form<'_> {
    fn err(&mut self, field: &str, message: String) {
        self.errors.push(FieldError { field: field.to_string(), message })
    }

    /// Frequencies and natures, by period and actor.
    fn interactions(&mut self, instrument: &Instrument) {
        for p in &instrument.periods {
            for a in &instrument.actors {
                let ff = format!("freq_{}_{}", p.id, a.id);
                let nf = format!("nature_{}_{}", p.id, a.id);
                let freq = self
                    .values
                    .get(&ff)
                    .map(|v| int_in(v, instrument.frequency.min, instrument.frequency.max));
                match &freq {
                    Some(Ok(v)) => self.answers.push(Answer {
                        item: format!("freq_{}", a.id),
                        period: p.id.clone(),
                        value: v.to_string(),
                    }),
                    Some(Err(m)) => self.err(&ff, m.clone()),
                    None => {}
                }
                if let Some(v) = self.values.get(&nf) {
                    match int_in(v, instrument.nature.answered_min, instrument.nature.answered_max) {
                        Ok(_) if matches!(freq, Some(Ok(0))) => self.err(&nf, "a nature was given but the frequency is 0 (no interactions); leave the nature empty".into()),
                        Ok(n) => self.answers.push(Answer { item: format!("nature_{}", a.id), period: p.id.clone(), value: n.to_string() }),
                        Err(m) => self.err(&nf, m),
                    }
                }
                self.known.insert(ff);
                self.known.insert(nf);
            }
        }
    }

    /// The perception items.
    fn perceptions(&mut self, instrument: &Instrument) {
        for item in &instrument.perceptions {
            self.known.insert(item.id.clone());
            let Some(v) = self.values.get(&item.id) else { continue };
            match perception_value(item, v) {
                Ok(value) => self.answers.push(Answer {
                    item: item.id.clone(),
                    period: String::new(),
                    value,
                }),
                Err(m) => self.err(&item.id, m),
            }
        }
    }

    /// The respondent's role (required to submit) and affiliation.
    fn role_and_affiliation(&mut self, instrument: &Instrument, submit: bool) {
        for (field, list) in [
            ("role", instrument.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()),
            ("affiliation", instrument.affiliations.iter().map(|r| r.id.as_str()).collect()),
        ] {
            self.known.insert(field.to_string());
            match self.values.get(field) {
                Some(v) if list.contains(&v.as_str()) => self.answers.push(Answer {
                    item: field.into(),
                    period: String::new(),
                    value: v.clone(),
                }),
                Some(v) => self
                    .err(field, format!("unknown {field} {v:?}; choose one of the listed options")),
                None if submit && field == "role" => {
                    self.err(field, "your role is required to submit".into())
                }
                None => {}
            }
        }
    }

    /// Fields the instrument does not have, and values over 200 characters.
    fn unknown_or_long(&mut self) {
        let values = self.values;
        for (k, v) in values {
            if !self.known.contains(k) {
                self.err(k, "unknown field; expected a field of this questionnaire".into());
            } else if v.chars().count() > 200 {
                self.err(k, "value longer than 200 characters".into());
            }
        }
    }

    /// The sorted answers, or the first problem of each field.
    fn finish(mut self) -> Result<Vec<Answer>, Vec<FieldError>> {
        if self.errors.is_empty() {
            self.answers.sort();
            Ok(self.answers)
        } else {
            self.errors.sort_by(|a, b| a.field.cmp(&b.field));
            self.errors.dedup_by(|a, b| a.field == b.field);
            Err(self.errors)
        }
    }
}

/// A perception answer as stored: a scale value in its range, one known option, or known options
/// without repeats (`none` allowed).
fn perception_value(item: &PerceptionItem, v: &str) -> Result<String, String> {
    match item.kind {
        PerceptionKind::Scale => {
            int_in(v, item.min.unwrap_or(1), item.max.unwrap_or(5)).map(|n| n.to_string())
        }
        PerceptionKind::Choice => {
            if item.options.iter().any(|o| o.id == *v) {
                Ok(v.to_string())
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
                None => Ok(v.to_string()),
            }
        }
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
