//! Answers collected through the invitation form, as a [`Dataset`]: the same validation as a file
//! import (they go through [`crate::intake`]) and therefore the same analyses.
//!
//! The form stores answers in the long layout of docs/survey.md: item `freq_<actor>` /
//! `nature_<actor>` with a period, or a perception id, `role` or `affiliation` with period `""`.
//! [`dataset_from_collected`] writes them as one row per respondent in the wide layout
//! (`freq_<period>_<actor>`, …, with `role` and `affiliation` as attributes) and reads that with
//! [`read_survey`], so a collected answer is accepted exactly when the same answer in an imported
//! file would be, and a respondent who answered no item still counts.

use std::collections::{BTreeMap, HashSet};

use crate::dataset::Dataset;
use crate::export::wide_columns;
use crate::instrument::Instrument;
use crate::intake::{FileKind, IntakeErrors, IntakeOptions, Layout, read_survey};

/// The locality given to respondents whose invitation names none (analyses put them in the group
/// `(none)` because no locality has this id).
pub const UNSPECIFIED_LOCALITY: &str = "unspecified";

/// The name under which problems with collected answers are reported (as the file name).
pub const COLLECTED_FILE: &str = "collected answers";

/// One answer as the form stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CollectedAnswer {
    /// Item: `freq_<actor>`, `nature_<actor>`, a perception id, `role` or `affiliation`.
    pub item: String,
    /// Period id, `""` for items without one.
    pub period: String,
    /// Value as answered.
    pub value: String,
}

/// One respondent's submitted response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectedResponse {
    /// A stable respondent id (the invitation id): releases compare respondents by it.
    pub respondent: String,
    /// Locality fixed by the invitation, if any.
    pub locality: Option<String>,
    /// The answers.
    pub answers: Vec<CollectedAnswer>,
}

/// Why collected answers could not be turned into a dataset.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CollectedError {
    /// An answer the wide layout cannot hold (an item without its period, or a period on an item
    /// that has none), or the same item answered twice.
    #[error("respondent {respondent:?}: {message}")]
    Answer {
        /// Respondent id.
        respondent: String,
        /// What is wrong.
        message: String,
    },
    /// Validation of the answers failed (the problems a file import would report).
    #[error("{0}")]
    Intake(IntakeErrors),
}

/// Builds a dataset from submitted responses, validated like an imported file (see the module
/// documentation). Respondents keep the order given. `known_localities`, when given, restricts
/// localities like [`IntakeOptions::known_localities`] (the unspecified locality is always
/// allowed).
///
/// # Errors
/// [`CollectedError`] with every problem intake finds, or the first answer the layout cannot hold.
pub fn dataset_from_collected(
    ins: &Instrument,
    responses: &[CollectedResponse],
    known_localities: Option<&HashSet<String>>,
) -> Result<Dataset, CollectedError> {
    if responses.is_empty() {
        // Nothing submitted yet is an empty survey, not a broken file.
        return Ok(Dataset::new(ins));
    }
    let columns = wide_columns(ins);
    let index: BTreeMap<&str, usize> =
        columns.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let mut w =
        csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let write_err = |e: csv::Error| CollectedError::Answer {
        respondent: String::new(),
        message: format!("cannot write the wide table: {e}"),
    };
    w.write_record(&columns).map_err(write_err)?;
    for r in responses {
        let row = wide_row(ins, r, &index, columns.len())?;
        w.write_record(&row).map_err(write_err)?;
    }
    let bytes = w.into_inner().map_err(|e| CollectedError::Answer {
        respondent: String::new(),
        message: format!("cannot write the wide table: {e}"),
    })?;
    let known = known_localities.map(|k| {
        let mut k = k.clone();
        k.insert(UNSPECIFIED_LOCALITY.to_string());
        k
    });
    read_survey(
        &bytes,
        COLLECTED_FILE,
        ins,
        IntakeOptions {
            kind: FileKind::Csv,
            layout: Layout::Wide,
            known_localities: known.as_ref(),
        },
    )
    .map_err(CollectedError::Intake)
}

/// One response as a row of the wide layout (`index`: column name → position; `width` columns).
fn wide_row(
    ins: &Instrument,
    r: &CollectedResponse,
    index: &BTreeMap<&str, usize>,
    width: usize,
) -> Result<Vec<String>, CollectedError> {
    let fail =
        |message: String| CollectedError::Answer { respondent: r.respondent.clone(), message };
    let mut row = vec![String::new(); width];
    row[0] = r.respondent.clone();
    row[1] = r.locality.clone().unwrap_or_else(|| UNSPECIFIED_LOCALITY.to_string());
    for a in &r.answers {
        let column = if a.period.is_empty() {
            if a.item.starts_with("freq_") || a.item.starts_with("nature_") {
                return Err(fail(format!("item {:?} has no period", a.item)));
            }
            a.item.clone()
        } else if let Some(actor) = a.item.strip_prefix("freq_") {
            format!("freq_{}_{actor}", a.period)
        } else if let Some(actor) = a.item.strip_prefix("nature_") {
            format!("nature_{}_{actor}", a.period)
        } else {
            return Err(fail(format!("item {:?} takes no period, got {:?}", a.item, a.period)));
        };
        let Some(&i) = index.get(column.as_str()) else {
            return Err(fail(format!(
                "item {:?} (period {:?}) is not in instrument {}",
                a.item, a.period, ins.id
            )));
        };
        if !row[i].is_empty() {
            return Err(fail(format!("item {:?} (period {:?}) answered twice", a.item, a.period)));
        }
        row[i] = a.value.clone();
    }
    Ok(row)
}
