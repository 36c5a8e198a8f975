//! The release rule: two frozen releases of a survey's figures never differ by fewer than `k`
//! respondents in a cell both publish, so differencing releases recovers nobody.
//!
//! # The attack
//! Figures recomputed after every submission let anyone who reads them before and after one
//! submission subtract: `6·2.333 − 5·1.8 = 5` is the new respondent's answer. Freezing figures
//! into numbered releases does not help by itself: two releases one respondent apart are the same
//! attack. So a candidate release is compared with every earlier release of the survey.
//!
//! # The rule
//! Each release records, for every cell it *publishes* (not suppressed), the set of respondents
//! behind it ([`ReleaseCells`]; internal, never served), and whether it publishes the respondent
//! total. A candidate is refused when, for some cell published in the candidate and in an earlier
//! release, the two respondent sets differ (symmetric difference) by `1 ≤ d < k` respondents; the
//! respondent total is treated as one more cell whose members are all respondents. Cells that are
//! suppressed in either release are not compared: a suppressed cell publishes nothing to subtract.
//!
//! # What this guarantees
//! For any two releases and any cell published in both, the difference of the two published
//! values (counts, sums = n × mean) is a function of the answers of zero or at least `k`
//! respondents. When respondents are only ever added (collected surveys: a submission is final),
//! the member sets of one cell over the releases form a chain `S₁ ⊆ S₂ ⊆ …`; every linear
//! combination of the published values of that cell is then constant on each layer `Sᵢ₊₁ \ Sᵢ`,
//! and each non-empty layer holds at least `k` respondents, so no combination of any number of
//! releases isolates fewer than `k` people. *Not* guaranteed when respondents are also removed (a
//! re-imported dataset that drops rows): with four releases `{1..5}`, `{1..10}`, `{2..15}` and
//! `{1..5, 11..15}` every pair differs by ≥ 5, yet `(R₂ − R₁) − (R₃ − R₄)` is respondent 1's
//! value. docs/security.md ("Releases") states this limit.
//!
//! Complexity: O(C · m · n log n) for C cells, m earlier releases and n respondents per cell.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The respondents behind the published cells of one release (internal: never served).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseCells {
    /// Respondent ids (stable across releases: invitation ids, or the dataset's respondent ids);
    /// cells refer to them by index.
    pub respondents: Vec<String>,
    /// Whether the release publishes the number of respondents.
    pub total_published: bool,
    /// Published cells only: cell key → sorted indexes into `respondents`.
    pub cells: BTreeMap<String, Vec<u32>>,
}

impl ReleaseCells {
    /// The ids of the respondents behind `cell`, if the release publishes it.
    pub fn members(&self, cell: &str) -> Option<BTreeSet<&str>> {
        self.cells.get(cell).map(|ix| {
            ix.iter()
                .filter_map(|&i| self.respondents.get(i as usize))
                .map(String::as_str)
                .collect()
        })
    }

    fn all(&self) -> BTreeSet<&str> {
        self.respondents.iter().map(String::as_str).collect()
    }
}

/// An earlier release: its number and cells.
#[derive(Clone, Copy, Debug)]
pub struct EarlierRelease<'a> {
    /// Release number.
    pub number: i64,
    /// Its cells.
    pub cells: &'a ReleaseCells,
}

/// Why a candidate release is refused: the first offending cell (releases in the order given,
/// cells in key order) and how many cell comparisons offend in all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "refused: {what} differs from release {release} by {difference} respondent{s} ({added} added, {removed} removed); two releases must differ by 0 or at least {k} respondents in every figure both publish, or subtracting one from the other would reveal the answers of fewer than {k} people. Publish again when at least {wait} more respondent{ws} {have} answered{more}",
    what = self.what(),
    difference = self.added + self.removed,
    s = plural(self.added + self.removed),
    wait = self.k - (self.added + self.removed),
    ws = plural(self.k - (self.added + self.removed)),
    have = if self.k - (self.added + self.removed) == 1 { "has" } else { "have" },
    more = if self.others > 0 { format!(" ({} other figure comparison{} also offend{})", self.others, plural(self.others), if self.others == 1 { "s" } else { "" }) } else { String::new() }
)]
pub struct ReleaseRefusal {
    /// The offending cell key, or `None` for the respondent total.
    pub cell: Option<String>,
    /// The earlier release it was compared with.
    pub release: i64,
    /// Respondents in the candidate's cell but not the earlier one's.
    pub added: u64,
    /// Respondents in the earlier cell but not the candidate's.
    pub removed: u64,
    /// The minimum cell size in force.
    pub k: u64,
    /// Further offending (cell, release) comparisons.
    pub others: u64,
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl ReleaseRefusal {
    fn what(&self) -> String {
        match &self.cell {
            Some(c) => format!("figure {c:?}"),
            None => "the number of respondents".to_string(),
        }
    }
}

/// Checks a candidate release against every earlier release of the same survey with minimum
/// cell size `k` (see the module documentation).
///
/// # Errors
/// [`ReleaseRefusal`] naming the first cell (or the respondent total) whose respondents differ
/// from an earlier release's by `1 … k−1`.
pub fn check_release(
    earlier: &[EarlierRelease<'_>],
    candidate: &ReleaseCells,
    k: u64,
) -> Result<(), ReleaseRefusal> {
    let k = k.max(1);
    let mut first: Option<ReleaseRefusal> = None;
    let mut offending = 0u64;
    let mut note = |cell: Option<&str>, release: i64, a: &BTreeSet<&str>, b: &BTreeSet<&str>| {
        let added = a.difference(b).count() as u64;
        let removed = b.difference(a).count() as u64;
        let d = added + removed;
        if d > 0 && d < k {
            offending += 1;
            if first.is_none() {
                first = Some(ReleaseRefusal {
                    cell: cell.map(str::to_string),
                    release,
                    added,
                    removed,
                    k,
                    others: 0,
                });
            }
        }
    };
    let cand_all = candidate.all();
    for e in earlier {
        if candidate.total_published && e.cells.total_published {
            note(None, e.number, &cand_all, &e.cells.all());
        }
        for key in candidate.cells.keys() {
            let (Some(a), Some(b)) = (candidate.members(key), e.cells.members(key)) else {
                continue;
            };
            note(Some(key), e.number, &a, &b);
        }
    }
    match first {
        Some(mut r) => {
            r.others = offending - 1;
            Err(r)
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(ids: &[&str], total: bool, cells: &[(&str, &[u32])]) -> ReleaseCells {
        ReleaseCells {
            respondents: ids.iter().map(|s| s.to_string()).collect(),
            total_published: total,
            cells: cells.iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect(),
        }
    }

    #[test]
    fn one_more_respondent_is_refused_with_cell_release_and_reason() {
        let ids5 = ["a", "b", "c", "d", "e"];
        let ids6 = ["a", "b", "c", "d", "e", "f"];
        let r1 =
            cells(&ids5, true, &[("frequency_by_size|medium_town|p2|eu|mean", &[0, 1, 2, 3, 4])]);
        let cand = cells(
            &ids6,
            false,
            &[("frequency_by_size|medium_town|p2|eu|mean", &[0, 1, 2, 3, 4, 5])],
        );
        let err = check_release(&[EarlierRelease { number: 1, cells: &r1 }], &cand, 5).unwrap_err();
        assert_eq!(err.cell.as_deref(), Some("frequency_by_size|medium_town|p2|eu|mean"));
        assert_eq!((err.release, err.added, err.removed, err.others), (1, 1, 0, 0));
        assert_eq!(
            err.to_string(),
            "refused: figure \"frequency_by_size|medium_town|p2|eu|mean\" differs from release 1 by 1 respondent (1 added, 0 removed); two releases must differ by 0 or at least 5 respondents in every figure both publish, or subtracting one from the other would reveal the answers of fewer than 5 people. Publish again when at least 4 more respondents have answered"
        );
    }

    #[test]
    fn the_respondent_total_is_a_cell_too() {
        let r1 = cells(&["a", "b", "c", "d", "e"], true, &[]);
        let cand = cells(&["a", "b", "c", "d", "e", "f", "g"], true, &[]);
        let err = check_release(&[EarlierRelease { number: 3, cells: &r1 }], &cand, 5).unwrap_err();
        assert_eq!((err.cell.clone(), err.release, err.added), (None, 3, 2));
        assert!(
            err.to_string().starts_with(
                "refused: the number of respondents differs from release 3 by 2 respondents"
            ),
            "{err}"
        );
        assert!(err.to_string().ends_with("at least 3 more respondents have answered"), "{err}");
    }

    #[test]
    fn swaps_count_both_ways_and_other_offences_are_counted() {
        // Same size, one respondent swapped for another: a difference of 2.
        let r1 = cells(
            &["a", "b", "c", "d", "e", "f"],
            false,
            &[("x", &[0, 1, 2, 3, 4]), ("y", &[0, 1, 2, 3, 4])],
        );
        let cand = cells(
            &["a", "b", "c", "d", "e", "f"],
            false,
            &[("x", &[0, 1, 2, 3, 5]), ("y", &[0, 1, 2, 3, 5])],
        );
        let err = check_release(&[EarlierRelease { number: 1, cells: &r1 }], &cand, 5).unwrap_err();
        assert_eq!((err.cell.as_deref(), err.added, err.removed, err.others), (Some("x"), 1, 1, 1));
        assert!(err.to_string().ends_with("(1 other figure comparison also offends)"), "{err}");
    }

    #[test]
    fn identical_cells_or_k_apart_or_suppressed_in_one_release_are_accepted() {
        let ids: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let five: Vec<u32> = (0..5).collect();
        let ten: Vec<u32> = (0..10).collect();
        let eleven: Vec<u32> = (0..11).collect();
        let r1 = cells(
            &ids[..10],
            true,
            &[("same", &five), ("grown", &five), ("later_suppressed", &five)],
        );
        let cand = cells(&ids[..15], true, &[("same", &five), ("grown", &ten), ("new", &eleven)]);
        assert_eq!(check_release(&[EarlierRelease { number: 1, cells: &r1 }], &cand, 5), Ok(()));
        // Every earlier release counts, not only the latest.
        let r2 = cells(&ids[..14], false, &[("grown", &(0..9).collect::<Vec<u32>>())]);
        let err = check_release(
            &[EarlierRelease { number: 1, cells: &r1 }, EarlierRelease { number: 2, cells: &r2 }],
            &cand,
            5,
        )
        .unwrap_err();
        assert_eq!((err.cell.as_deref(), err.release), (Some("grown"), 2));
    }

    #[test]
    fn respondents_are_compared_by_id_not_by_index() {
        // The same people listed in a different order are the same cell.
        let r1 = cells(&["a", "b", "c", "d", "e"], true, &[("x", &[0, 1, 2, 3, 4])]);
        let cand = cells(&["e", "d", "c", "b", "a"], true, &[("x", &[0, 1, 2, 3, 4])]);
        assert_eq!(check_release(&[EarlierRelease { number: 1, cells: &r1 }], &cand, 5), Ok(()));
    }
}
