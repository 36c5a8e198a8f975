//! The respondent form of a survey instrument, its server-side validation, and the aggregates
//! that viewers and the public may see (after disclosure control). Pure: no IO.
//!
//! Form fields use the names of the wide layout of `docs/survey.md`: `freq_<period>_<actor>`
//! (0–5), `nature_<period>_<actor>` (as answered, 1–5), perception ids, `role` and
//! `affiliation`. Stored answers use the long layout: item `freq_<actor>` / `nature_<actor>` with
//! a period, or a perception id / `role` / `affiliation` with period `""`.

use std::collections::{BTreeMap, BTreeSet};

use mlgov_disclosure::{protect, CountTable, Rules};
use mlgov_survey::instrument::PerceptionKind;
use mlgov_survey::Instrument;
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
        out.entry(k.clone()).and_modify(|e: &mut String| {
            e.push(';');
            e.push_str(v);
        }).or_insert_with(|| v.to_string());
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
pub fn validate(instrument: &Instrument, values: &FormValues, submit: bool) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut answers = Vec::new();
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<FieldError>, field: &str, message: String| errors.push(FieldError { field: field.to_string(), message });
    let mut known: BTreeSet<String> = BTreeSet::new();
    for p in &instrument.periods {
        for a in &instrument.actors {
            let ff = format!("freq_{}_{}", p.id, a.id);
            let nf = format!("nature_{}_{}", p.id, a.id);
            let freq = values.get(&ff).map(|v| int_in(v, instrument.frequency.min, instrument.frequency.max));
            match &freq {
                Some(Ok(v)) => answers.push(Answer { item: format!("freq_{}", a.id), period: p.id.clone(), value: v.to_string() }),
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
            PerceptionKind::Scale => int_in(v, item.min.unwrap_or(1), item.max.unwrap_or(5)).map(|n| n.to_string()),
            PerceptionKind::Choice => {
                if item.options.iter().any(|o| o.id == *v) {
                    Ok(v.clone())
                } else {
                    Err(format!("unknown option {:?}; expected one of {}", v, item.options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>().join(", ")))
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
            Ok(value) => answers.push(Answer { item: item.id.clone(), period: String::new(), value }),
            Err(m) => err(&mut errors, &item.id, m),
        }
    }
    for (field, list) in [("role", instrument.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()), ("affiliation", instrument.affiliations.iter().map(|r| r.id.as_str()).collect())] {
        known.insert(field.to_string());
        match values.get(field) {
            Some(v) if list.contains(&v.as_str()) => answers.push(Answer { item: field.into(), period: String::new(), value: v.clone() }),
            Some(v) => err(&mut errors, field, format!("unknown {field} {v:?}; choose one of the listed options")),
            None if submit && field == "role" => err(&mut errors, field, "your role is required to submit".into()),
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

/// One published aggregate of a numeric item in a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemAggregate {
    /// Item (long layout).
    pub item: String,
    /// Period id or "".
    pub period: String,
    /// Respondents who answered (None when suppressed).
    pub n: Option<u64>,
    /// Mean of the answers, rounded to 3 decimals (None when suppressed).
    pub mean: Option<f64>,
    /// Whether the cell was withheld because fewer than `k` respondents answered.
    pub suppressed: bool,
}

/// Published counts of the options of a choice item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoiceAggregate {
    /// Item.
    pub item: String,
    /// (option, count or None when suppressed).
    pub counts: Vec<(String, Option<u64>)>,
    /// Total respondents (None when suppressed).
    pub total: Option<u64>,
}

/// Aggregates of a survey's submitted responses as viewers and the public see them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Aggregates {
    /// Submitted respondents behind the aggregates (None when fewer than `k`).
    pub respondents: Option<u64>,
    /// Minimum cell size in force.
    pub min_cell: u64,
    /// Frequency, nature and perception-scale means.
    pub items: Vec<ItemAggregate>,
    /// Option counts of choice items (role and single-choice perceptions), protected with
    /// primary and complementary suppression (`mlgov_disclosure::protect`).
    pub choices: Vec<ChoiceAggregate>,
}

/// Aggregates over the answers of submitted respondents (`(respondent, answer)` pairs), with
/// cells of fewer than `rules.min_cell` respondents suppressed.
///
/// Means are published with their n; a mean's cell is suppressed when n < k. Option counts of a
/// choice item form a one-row table with its total, protected by `mlgov_disclosure::protect`, so
/// a single suppressed option cannot be recovered as total − others. Multi-choice items are not
/// published here (each option is its own yes/no table; left to the survey pages).
pub fn aggregates(instrument: &Instrument, answers: &[(i64, Answer)], rules: &Rules) -> Aggregates {
    let respondents: BTreeSet<i64> = answers.iter().map(|(r, _)| *r).collect();
    let n_resp = respondents.len() as u64;
    let mut numeric: BTreeMap<(String, String), (u64, i64)> = BTreeMap::new();
    let mut choices: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let scale_items: BTreeSet<&str> = instrument.perceptions.iter().filter(|p| p.kind == PerceptionKind::Scale).map(|p| p.id.as_str()).collect();
    let choice_items: BTreeSet<&str> = instrument.perceptions.iter().filter(|p| p.kind == PerceptionKind::Choice).map(|p| p.id.as_str()).chain(["role"]).collect();
    for (_, a) in answers {
        let is_numeric = a.item.starts_with("freq_") || a.item.starts_with("nature_") || scale_items.contains(a.item.as_str());
        if is_numeric {
            if let Ok(v) = a.value.parse::<i64>() {
                let e = numeric.entry((a.item.clone(), a.period.clone())).or_default();
                e.0 += 1;
                e.1 += v;
            }
        } else if choice_items.contains(a.item.as_str()) {
            *choices.entry(a.item.clone()).or_default().entry(a.value.clone()).or_default() += 1;
        }
    }
    let items = numeric
        .into_iter()
        .map(|((item, period), (n, sum))| {
            if rules.is_sensitive(n) {
                ItemAggregate { item, period, n: None, mean: None, suppressed: true }
            } else {
                let mean = (sum as f64 / n as f64 * 1000.0).round() / 1000.0;
                ItemAggregate { item, period, n: Some(n), mean: Some(mean), suppressed: false }
            }
        })
        .collect();
    let choices = choices
        .into_iter()
        .filter_map(|(item, counts)| {
            let options: Vec<String> = counts.keys().cloned().collect();
            let table = CountTable::new(vec![item.clone()], options.clone(), vec![counts.values().copied().collect()]).ok()?;
            let p = protect(&table, rules);
            Some(ChoiceAggregate { counts: options.into_iter().zip(p.cells[0].iter().map(|c| c.value)).collect(), total: p.row_totals[0].value, item })
        })
        .collect();
    Aggregates { respondents: (!rules.is_sensitive(n_resp)).then_some(n_resp), min_cell: rules.min_cell, items, choices }
}
