//! Suppression across linked tables (issue 16, part 3): a cell hidden in a fine table must not
//! be the difference between a coarser table's cell and the published finer cells.

use mlgov_disclosure::Rules;
use mlgov_survey::publish::{protect_linked_tables, publish_with};
use mlgov_survey::*;

const K: usize = 5;

fn config(dims: Vec<Dimension>) -> AnalysisConfig {
    AnalysisConfig {
        group_by: dims,
        resamples: 0,
        publication_min_n: Some(K),
        ..AnalysisConfig::default()
    }
}

/// What a reader sees of a cell: `(n, mean)` when published.
fn seen(e: &Estimate) -> Option<(f64, f64)> {
    (!e.suppressed).then_some(())?;
    e.mean.map(|m| (e.n as f64, m))
}

/// The differencing attack of the issue: the coarse cell (the fine group without its last
/// dimension) minus every other published fine cell of it gives the `(n, n × mean)` of `target`,
/// when the coarse cell and all the target's siblings are published.
fn difference(fine: &ResultTable, coarse: &ResultTable, target: &ResultRow) -> Option<(f64, f64)> {
    let parent = &target.group[..target.group.len() - 1];
    let same = |r: &ResultRow| {
        r.measure == target.measure && r.period == target.period && r.statistic == target.statistic
    };
    let (n, mean) = coarse
        .rows
        .iter()
        .find(|r| same(r) && r.group == parent)
        .and_then(|r| seen(&r.estimate))?;
    let (mut n_rest, mut sum_rest) = (0.0, 0.0);
    for r in fine
        .rows
        .iter()
        .filter(|r| same(r) && &r.group[..parent.len()] == parent && r.group != target.group)
    {
        let (ni, mi) = seen(&r.estimate)?;
        n_rest += ni;
        sum_rest += ni * mi;
    }
    Some((n - n_rest, n * mean - sum_rest))
}

/// A synthetic survey in which one (size, orientation) group holds exactly one elected
/// policymaker of affiliation "other" (with Index 3), every other elected one of that group
/// sharing the locality's orientation: the situation the issue reports.
fn survey() -> (Instrument, Dataset, Vec<LocalityInfo>, usize) {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(6, 16);
    let mut ds = synth(&locs, SynthSize::Total(360), 16, &SynthParams::default(), &ins);
    let idx = respondent_indexes(&ds, &ins);
    let other = ins.affiliations.iter().position(|a| a.id == "other").unwrap();
    let loc = &locs[0];
    let own =
        ins.affiliations.iter().position(|a| Some(&a.id) == loc.orientation.as_ref()).unwrap();
    let group: Vec<usize> = (0..ds.len())
        .filter(|&r| {
            let l = locs.iter().find(|l| l.id == ds.respondents[r].locality).unwrap();
            (l.size_class.as_ref(), l.orientation.as_ref())
                == (loc.size_class.as_ref(), loc.orientation.as_ref())
                && ds.respondents[r].affiliation.is_some()
        })
        .collect();
    let lone = *group
        .iter()
        .find(|&&r| idx[r].index3.is_some())
        .expect("an elected policymaker with Index 3");
    for &r in &group {
        ds.respondents[r].affiliation = Some(if r == lone { other } else { own });
    }
    (ins, ds, locs, lone)
}

#[test]
fn the_issue_attack_recovers_a_suppressed_index3_cell_per_table_but_not_with_linked_suppression() {
    let (ins, ds, locs, lone) = survey();
    let specs = [
        AnalysisSpec {
            kind: AnalysisKind::Indexes,
            config: config(vec![Dimension::Size, Dimension::Orientation, Dimension::Affiliation]),
        },
        AnalysisSpec {
            kind: AnalysisKind::Indexes,
            config: config(vec![Dimension::Size, Dimension::Orientation]),
        },
    ];
    let per_table = analyze_all(&specs, &ds, &ins, &locs).unwrap();
    let truth = respondent_indexes(&ds, &ins)[lone].index3.unwrap();
    let (fine, coarse) = (&per_table[0], &per_table[1]);
    let target = fine
        .rows
        .iter()
        .find(|r| {
            r.measure == "index3"
                && r.group.last().map(String::as_str) == Some("other")
                && r.estimate.n == 1
        })
        .expect("the n = 1 Index 3 cell of affiliation other");
    assert!(
        target.estimate.suppressed && target.estimate.mean.is_none(),
        "suppressed in its own table"
    );
    // Per-table suppression only: the attack gives n = 1 and the respondent's Index 3 exactly.
    let (n, sum) = difference(fine, coarse, target)
        .expect("per-table suppression publishes the coarse cell and every sibling");
    assert!(
        (n - 1.0).abs() < 1e-9 && (sum - truth).abs() < 1e-6,
        "recovered n = {n}, value {sum}, truth {truth}"
    );

    // Linked suppression over the two tables released together.
    let mut linked = per_table.clone();
    protect_linked_tables(&mut linked, &ds, &ins, &locs, &Rules::with_min_cell(K as u64)).unwrap();
    let (fine, coarse) = (&linked[0], &linked[1]);
    let target =
        fine.rows.iter().find(|r| r.measure == "index3" && r.group == target.group).unwrap();
    assert_eq!(difference(fine, coarse, target), None, "the needed cells are suppressed too");
    // Every suppressed fine cell with 1 … k−1 respondents, of every index, resists the attack.
    let mut attacked = 0;
    for r in fine.rows.iter().filter(|r| r.estimate.suppressed && (1..K).contains(&r.estimate.n)) {
        assert_eq!(difference(fine, coarse, r), None, "{:?} {} is recoverable", r.group, r.measure);
        attacked += 1;
    }
    assert!(
        attacked >= 8,
        "index 1–4 and the parts of Index 3 of the lone cell at least ({attacked})"
    );
    // The price: in the lone cell's (size, orientation) group, one more fine cell per measure (the
    // smallest sibling) rather than the coarse one.
    let parent = &target.group[..2];
    let coarse_row =
        coarse.rows.iter().find(|r| r.measure == "index3" && r.group == parent).unwrap();
    assert!(seen(&coarse_row.estimate).is_some(), "the coarse cell stays published");
    let hidden = fine
        .rows
        .iter()
        .filter(|r| r.measure == "index3" && &r.group[..2] == parent && r.estimate.suppressed)
        .count();
    let hidden_before = per_table[0]
        .rows
        .iter()
        .filter(|r| r.measure == "index3" && &r.group[..2] == parent && r.estimate.suppressed)
        .count();
    assert_eq!(hidden, hidden_before + 1);
    // Nothing published changes value.
    for (a, b) in per_table.iter().zip(&linked) {
        for (x, y) in a.rows.iter().zip(&b.rows) {
            if let Some(v) = seen(&y.estimate) {
                assert_eq!(seen(&x.estimate), Some(v));
            }
        }
    }
}

#[test]
fn a_release_hides_a_group_left_out_of_a_finer_table_from_the_coarser_one() {
    // One respondent moved to a locality of its own (size class as the first locality, a new
    // orientation): its size × orientation group (n = 1) is left out of the published table,
    // and the size table minus the published size × orientation cells gives it away unless the
    // linked rule hides one more cell.
    let ins = Instrument::whole_comm();
    let mut locs = synth_localities(6, 16);
    let mut ds = synth(&locs, SynthSize::Total(360), 16, &SynthParams::default(), &ins);
    let idx = respondent_indexes(&ds, &ins);
    let lone = (0..ds.len())
        .find(|&r| ds.respondents[r].locality == locs[0].id && idx[r].index3.is_some())
        .unwrap();
    let taken: Vec<&str> = locs
        .iter()
        .filter(|l| l.size_class == locs[0].size_class)
        .filter_map(|l| l.orientation.as_deref())
        .collect();
    let orientation = ["progressive", "conservative", "mixed"]
        .into_iter()
        .find(|o| !taken.contains(o))
        .expect("a free orientation");
    locs.push(LocalityInfo {
        id: "loc:lone".into(),
        label: "LONE".into(),
        orientation: Some(orientation.into()),
        synthetic: true,
        ..locs[0].clone()
    });
    ds.respondents[lone].locality = "loc:lone".into();
    let rules = Rules::with_min_cell(K as u64);
    let fast = AnalysisConfig { resamples: 0, ..AnalysisConfig::default() };
    let p = publish_with(&ds, &ins, &locs, &rules, &fast).unwrap();
    let table = |id: &str| {
        p.content.tables.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("no table {id}"))
    };
    let (by_size, by_so) = (table("indexes_by_size"), table("indexes_by_size_orientation"));
    let size = locs[0].size_class.clone().unwrap();
    assert!(
        by_so.rows.iter().all(|r| r.group != [size.clone(), orientation.to_string()]),
        "the group of one is left out"
    );
    let mut protected = 0;
    for measure in ["index1", "index2", "index3", "index4"] {
        let coarse = by_size
            .rows
            .iter()
            .find(|r| r.measure == measure && r.group == [size.clone()])
            .unwrap();
        let fine: Vec<_> =
            by_so.rows.iter().filter(|r| r.measure == measure && r.group[0] == size).collect();
        let all_published = coarse.n.is_some() && fine.iter().all(|r| r.n.is_some());
        assert!(
            !all_published,
            "{measure}: size − size × orientation would give the lone respondent"
        );
        protected += 1;
    }
    assert_eq!(protected, 4);
    // Without the linked rule, every one of those cells is published (so the test means something).
    let per_table = analyze_all(
        &[
            AnalysisSpec {
                kind: AnalysisKind::Indexes,
                config: AnalysisConfig {
                    group_by: vec![Dimension::Size],
                    publication_min_n: Some(K),
                    ..fast.clone()
                },
            },
            AnalysisSpec {
                kind: AnalysisKind::Indexes,
                config: AnalysisConfig {
                    group_by: vec![Dimension::Size, Dimension::Orientation],
                    publication_min_n: Some(K),
                    ..fast.clone()
                },
            },
        ],
        &ds,
        &ins,
        &locs,
    )
    .unwrap();
    let coarse = per_table[0]
        .rows
        .iter()
        .find(|r| r.measure == "index3" && r.group == [size.clone()])
        .unwrap();
    let fine: Vec<_> = per_table[1]
        .rows
        .iter()
        .filter(|r| r.measure == "index3" && r.group[0] == size && r.group[1] != orientation)
        .collect();
    assert!(
        seen(&coarse.estimate).is_some() && fine.iter().all(|r| seen(&r.estimate).is_some()),
        "per table, the coarse cell and the other groups are published"
    );
    let n_rest: f64 = fine.iter().map(|r| r.estimate.n as f64).sum();
    let sum_rest: f64 = fine.iter().map(|r| r.estimate.n as f64 * r.estimate.mean.unwrap()).sum();
    let (n, mean) = seen(&coarse.estimate).unwrap();
    assert!(
        (n - n_rest - 1.0).abs() < 1e-9
            && (n * mean - sum_rest - idx[lone].index3.unwrap()).abs() < 1e-6,
        "the per-table attack recovers the lone answer"
    );
}
