//! Summary indexes 1–4 of interactions and the parts of Index 3 by class, per respondent
//! ([`respondent_indexes`]) and as group means (Schiller et al. 2023, Figures 3.6, 3.7; 003
//! section 3.4).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::context::{Ctx, Measure, Part, numeric_scale};
use super::{AnalysisKind, Dimension};
use crate::dataset::Dataset;
use crate::instrument::Instrument;

/// Group means of the four indexes and of the Index 3 parts (`last` is the instrument's last
/// period, for the labels and the note).
pub(super) fn compute(cx: &Ctx<'_>, last: usize, group_by: &[Dimension]) -> Part {
    let (ds, ins) = (cx.ds, cx.ins);
    let first = 0;
    let (classes, _) = cx.classes();
    let idx = respondent_indexes(ds, ins);
    let mut ms = Vec::new();
    let names = [
        ("index1", format!("Index 1: sum of all interactions, {}", ins.periods[first].label)),
        ("index2", format!("Index 2: sum of all interactions, {}", ins.periods[last].label)),
        ("index3", "Index 3 = Index 1 + Index 2".to_string()),
        (
            "index4",
            "Index 4 = Index 2 − Index 1, over the items answered in both periods".to_string(),
        ),
    ];
    for (k, (key, label)) in names.into_iter().enumerate() {
        ms.push(Measure {
            period: None,
            key: key.into(),
            label,
            class: None,
            values: cx.per_respondent(|r| {
                let x = &idx[r];
                [x.index1, x.index2, x.index3, x.index4][k].unwrap_or(f64::NAN)
            }),
        });
    }
    for (ci, c) in classes.iter().enumerate() {
        ms.push(Measure {
            period: None,
            key: format!("index3_{}", c.id()),
            label: format!("Index 3 part: {}", c.label()),
            class: Some(*c),
            values: cx.per_respondent(|r| {
                idx[r].index3_parts.get(ci).copied().flatten().unwrap_or(f64::NAN)
            }),
        });
    }
    let note = format!(
        "Index 1/2: per respondent, sum of answered frequencies over all actors in {} / {} (missing if none answered). Index 3 = Index 1 + Index 2 and Index 4 = Index 2 − Index 1 (missing if either is). Index 3 parts sum the class's answers in both periods and add up to Index 3.",
        ins.periods[first].id, ins.periods[last].id
    );
    Part {
        rows: cx.rows_for(AnalysisKind::Indexes.id(), &ms, &cx.groups(group_by), "mean"),
        scale: numeric_scale("Index score (sum of frequency scores)", 0.0, 10.0),
        note,
        assumed: Some(
            "ASSUMED: Index 4 is computed over the items answered in both periods (it equals Index 2 − Index 1 when the same items are answered); an Index 3 part is missing for a class never answered, not 0; blanks never count as 0.",
        ),
    }
}

/// The summary indexes of one respondent (003 section 3.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RespondentIndexes {
    /// Respondent id.
    pub respondent: String,
    /// Locality id.
    pub locality: String,
    /// Sum of answered frequencies in the first period (None when none answered).
    pub index1: Option<f64>,
    /// Sum of answered frequencies in the last period.
    pub index2: Option<f64>,
    /// Index 1 + Index 2.
    pub index3: Option<f64>,
    /// Index 2 − Index 1 over the items answered in both periods (ASSUMED: the report defines it
    /// as Index 2 − Index 1; pairing keeps missing answers in one period from moving it).
    pub index4: Option<f64>,
    /// Index 3 split by class (instrument class order); the classes answered sum to Index 3, a
    /// class never answered is missing (not 0).
    pub index3_parts: Vec<Option<f64>>,
}

/// Index 1–4 for every respondent.
///
/// Definitions (003 section 3.4): "Index1 = the sum of all the interactions of interviewees with
/// the actors listed in our survey for the time period 2017-2019; Index 2 = … 2020-2021; Index 3 =
/// Index 1 + Index 2; Index 4 = Index 2 − Index 1". The first and last periods of the instrument
/// play the roles of 2017–2019 and 2020–2021. Assumptions (ASSUMED, docs/survey.md): unanswered
/// items are left out of the sum (a blank is not a 0 answer); a period with no answered item makes
/// that index missing; Index 4 is computed over the items answered in both periods (with the
/// same items answered in both, it equals Index 2 − Index 1; otherwise a blank in one period would
/// read as a change of the whole answer); an Index 3 part is missing for a class never answered.
pub fn respondent_indexes(ds: &Dataset, ins: &Instrument) -> Vec<RespondentIndexes> {
    let classes = ins.classes();
    let (first, last) = (0, ins.periods.len() - 1);
    (0..ds.len())
        .into_par_iter()
        .map(|r| {
            let sum = |p: usize| {
                let row = ds.freq_row(r, p);
                let mut s = 0u32;
                let mut k = 0;
                for &v in row {
                    if v != u8::MAX {
                        s += v as u32;
                        k += 1;
                    }
                }
                (k > 0).then_some(s as f64)
            };
            let (i1, i2) = (sum(first), sum(last));
            let both = i1.is_some() && i2.is_some();
            // A class none of whose items was answered in either period is missing, not 0.
            let parts = classes
                .iter()
                .map(|c| {
                    if !both {
                        return None;
                    }
                    let answered: Vec<f64> = ins
                        .actors_of(*c)
                        .iter()
                        .flat_map(|&a| [ds.freq(r, first, a), ds.freq(r, last, a)])
                        .flatten()
                        .map(f64::from)
                        .collect();
                    (!answered.is_empty()).then(|| answered.iter().sum())
                })
                .collect();
            // Index 4 over the items answered in both periods: a blank in one period only would
            // otherwise count as a fall (or rise) of the whole answer.
            let paired: Vec<f64> = (0..ins.actors.len())
                .filter_map(|a| {
                    Some(f64::from(ds.freq(r, last, a)?) - f64::from(ds.freq(r, first, a)?))
                })
                .collect();
            RespondentIndexes {
                respondent: ds.respondents[r].id.clone(),
                locality: ds.respondents[r].locality.clone(),
                index1: i1,
                index2: i2,
                index3: if both { Some(i1.unwrap_or(0.0) + i2.unwrap_or(0.0)) } else { None },
                index4: if both && !paired.is_empty() { Some(paired.iter().sum()) } else { None },
                index3_parts: parts,
            }
        })
        .collect()
}
