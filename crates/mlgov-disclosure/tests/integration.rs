//! Integration tests of disclosure control: a table whose naive suppression leaks through its
//! totals, a differencing attack on group means, hand-computed patterns, and property tests checked
//! against an independent attacker (Gaussian elimination on the published equations).

use mlgov_disclosure::{
    CellRef, CellStatus, Contribution, CountTable, Filter, Guard, LinkedCell, ProtectedCell,
    ProtectedTable, Refusal, Rules, protect, protect_linked, recoverable_cells, recoverable_linked,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// An independent attacker: linear algebra over the published equations.

/// Rank of a matrix by Gaussian elimination with partial pivoting (entries are small integers).
fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..cols {
        let Some(p) = (rank..m.len()).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
        else {
            break;
        };
        if m[p][col].abs() < 1e-9 {
            continue;
        }
        m.swap(rank, p);
        for i in 0..m.len() {
            if i != rank {
                let f = m[i][col] / m[rank][col];
                if f != 0.0 {
                    for j in col..cols {
                        m[i][j] -= f * m[rank][j];
                    }
                }
            }
        }
        rank += 1;
    }
    rank
}

/// Whether unknown `target` is uniquely determined by `equations` (coefficients over the
/// unknowns; the right-hand sides are known): iff the unit vector lies in their row space.
fn determined(equations: &[Vec<f64>], target: usize) -> bool {
    let mut with = equations.to_vec();
    let mut unit = vec![0.0; equations.first().map_or(target + 1, Vec::len)];
    unit[target] = 1.0;
    with.push(unit);
    rank(equations.to_vec()) == rank(with)
}

/// The line equations of a protected table over its suppressed entries: for each row and column
/// of the augmented table, inner entries count +1 and the line's total −1.
fn table_equations(rows: usize, columns: usize, suppressed: &[CellRef]) -> Vec<Vec<f64>> {
    let mut eqs = Vec::new();
    for i in 0..=rows {
        eqs.push(
            suppressed
                .iter()
                .map(|e| {
                    if e.row != i {
                        0.0
                    } else if e.column == columns {
                        -1.0
                    } else {
                        1.0
                    }
                })
                .collect(),
        );
    }
    for j in 0..=columns {
        eqs.push(
            suppressed
                .iter()
                .map(|e| {
                    if e.column != j {
                        0.0
                    } else if e.row == rows {
                        -1.0
                    } else {
                        1.0
                    }
                })
                .collect(),
        );
    }
    eqs
}

fn labels(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn table(counts: Vec<Vec<u64>>) -> CountTable {
    let (r, c) = (counts.len(), counts[0].len());
    CountTable::new(labels("r", r), labels("c", c), counts).expect("valid table")
}

fn pattern(p: &ProtectedTable) -> Vec<(usize, usize, CellStatus)> {
    p.suppressed().into_iter().map(|at| (at.row, at.column, p.entry(at).status)).collect()
}

// ---------------------------------------------------------------------------------------------
// Tables.

const LEAKY: [[u64; 3]; 3] = [[2, 10, 12], [8, 9, 11], [7, 13, 6]];

#[test]
fn primary_suppression_alone_leaks_through_the_row_total() {
    let t = table(LEAKY.iter().map(|r| r.to_vec()).collect());
    // What a naive publisher does: blank the small cell, publish everything else.
    let published = |n: u64| ProtectedCell { value: Some(n), status: CellStatus::Published };
    let mut naive = ProtectedTable {
        rows: t.rows().to_vec(),
        columns: t.columns().to_vec(),
        cells: (0..3).map(|i| (0..3).map(|j| published(t.count(i, j))).collect()).collect(),
        row_totals: (0..3).map(|i| published(t.row_total(i))).collect(),
        column_totals: (0..3).map(|j| published(t.column_total(j))).collect(),
        total: published(t.total()),
        rules: Rules::default(),
    };
    naive.cells[0][0] = ProtectedCell { value: None, status: CellStatus::Primary };
    // The attack: row total minus the published cells of the row.
    let recovered = naive.row_totals[0].value.unwrap()
        - naive.cells[0][1].value.unwrap()
        - naive.cells[0][2].value.unwrap();
    assert_eq!(recovered, 2);
    assert_eq!(recoverable_cells(&naive), vec![CellRef { row: 0, column: 0 }]);
    assert!(
        determined(&table_equations(3, 3, &naive.suppressed()), 0),
        "the independent attacker agrees"
    );
}

#[test]
fn complementary_suppression_closes_the_leak() {
    let t = table(LEAKY.iter().map(|r| r.to_vec()).collect());
    let p = protect(&t, &Rules::default());
    // Hand-computed: row 0 takes its smallest other cell (0,1)=10; column 0 takes (2,0)=7 (all
    // crossing rows open, fewest respondents); column 1 then prefers (2,1)=13, whose row already
    // holds a suppression, over (1,1)=9 — a 2×2 rectangle, the minimal safe pattern here.
    assert_eq!(
        pattern(&p),
        vec![
            (0, 0, CellStatus::Primary),
            (0, 1, CellStatus::Complementary),
            (2, 0, CellStatus::Complementary),
            (2, 1, CellStatus::Complementary)
        ]
    );
    assert!(recoverable_cells(&p).is_empty());
    let eqs = table_equations(3, 3, &p.suppressed());
    for (e, at) in p.suppressed().iter().enumerate() {
        assert!(!determined(&eqs, e), "{at:?} is determined");
    }
    // The row-total attack now has two unknowns: 24 − 12 = x₀₀ + x₀₁, satisfied by (2, 10) and
    // (3, 9) alike, and the rectangle's other lines move with them.
    assert_eq!(p.row_totals[0].value, Some(24));
    assert_eq!(p.cells[0][2].value, Some(12));
}

#[test]
fn small_totals_are_suppressed_and_protected_too() {
    // Row 1 has 3 respondents in all: its total is itself sensitive.
    let p = protect(&table(vec![vec![6, 7, 8], vec![1, 1, 1], vec![9, 5, 6]]), &Rules::default());
    assert_eq!(p.row_totals[1].status, CellStatus::Primary);
    assert!(p.cells[1].iter().all(|c| c.status == CellStatus::Primary));
    assert!(recoverable_cells(&p).is_empty());
    assert!(p.total.value.is_some(), "the grand total (44) is published");
}

#[test]
fn one_row_tables_protect_through_the_column_totals() {
    let p = protect(&table(vec![vec![3, 20, 30]]), &Rules::default());
    // (0,0) is also column 0's total: both go, and a second column pair closes the cycle.
    assert_eq!(p.cells[0][0].value, None);
    assert_eq!(p.column_totals[0].value, None);
    assert!(recoverable_cells(&p).is_empty());
    assert_eq!(p.suppression_counts().0, 2);
}

#[test]
fn the_minimum_cell_size_is_configurable() {
    let t = table(LEAKY.iter().map(|r| r.to_vec()).collect());
    assert!(protect(&t, &Rules::with_min_cell(2)).suppressed().is_empty());
    let strict = protect(&t, &Rules::with_min_cell(10));
    let (primary, _) = strict.suppression_counts();
    assert_eq!(primary, 5, "2, 8, 9, 7 and 6 are below 10; every total is at least 17");
    assert!(recoverable_cells(&strict).is_empty());
}

#[test]
fn zeros_are_published_unless_protected() {
    let t = table(vec![vec![0, 10], vec![10, 10]]);
    assert!(protect(&t, &Rules::default()).suppressed().is_empty());
    let p = protect(&t, &Rules { min_cell: 5, protect_zeros: true });
    assert_eq!(p.cells[0][0].status, CellStatus::Primary);
    assert!(recoverable_cells(&p).is_empty());
}

#[test]
fn malformed_tables_are_errors_not_panics() {
    assert!(CountTable::new(vec![], vec!["a".into()], vec![]).is_err());
    let e =
        CountTable::new(vec!["x".into()], vec!["a".into(), "b".into()], vec![vec![1]]).unwrap_err();
    assert!(e.to_string().contains("row 0 (\"x\") has 1 counts, expected 2"), "{e}");
    assert!(
        CountTable::new(
            vec!["x".into(), "y".into()],
            vec!["a".into()],
            vec![vec![u64::MAX], vec![1]]
        )
        .is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// Differencing.

fn contribution(country: &str, size: &str, value: f64) -> Contribution {
    Contribution { key: vec![country.to_string(), size.to_string()], value }
}

/// 12 French respondents (1 in a small locality, score 9), 6 Italian.
fn survey() -> Vec<Contribution> {
    let mut v = vec![contribution("FR", "small", 9.0)];
    v.extend((0..5).map(|i| contribution("FR", "medium", 2.0 + i as f64 * 0.5)));
    v.extend((0..6).map(|i| contribution("FR", "large", 3.0 + i as f64 * 0.25)));
    v.extend((0..6).map(|_| contribution("IT", "large", 5.0)));
    v
}

#[test]
fn a_differencing_attack_cannot_isolate_one_respondent() {
    let data = survey();
    let g = Guard::new(&["country", "size"], &data, &Rules::default()).expect("guard");
    // Query 1 is fine: all 12 French respondents.
    let all_fr = g.mean(&Filter::all().with("country", ["FR"])).expect("published");
    assert_eq!(all_fr.respondents, 12);
    // Query 2 would differ from query 1 by the one small-locality respondent: refused.
    let rest = g.mean(&Filter::all().with("country", ["FR"]).with("size", ["medium", "large"]));
    assert_eq!(rest, Err(Refusal::SplitsGroup { min: 5 }));
    // Other routes to the same person are refused too.
    assert!(g.mean(&Filter::all().with("size", ["small"])).is_err());
    assert!(
        g.mean(&Filter::all().with("country", ["FR"]).with("size", ["large"])).is_ok(),
        "FR large (6) is its own group"
    );
    assert!(
        g.mean(&Filter::all().with("country", ["FR"]).with("size", ["medium"])).is_err(),
        "FR medium is pooled with FR small"
    );

    // Exhaustive attacker: every filter over these attributes; collect what is answered and check
    // that the lone respondent's value is not determined by all answers together.
    let countries = ["FR", "IT"];
    let sizes = ["small", "medium", "large"];
    let subsets = |xs: &[&'static str]| -> Vec<Option<Vec<&'static str>>> {
        let mut out = vec![None];
        for mask in 1..(1u32 << xs.len()) {
            out.push(Some(
                xs.iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, x)| *x)
                    .collect(),
            ));
        }
        out
    };
    let mut equations: Vec<Vec<f64>> = Vec::new();
    let mut answered = 0;
    for cs in subsets(&countries) {
        for ss in subsets(&sizes) {
            let mut f = Filter::all();
            if let Some(cs) = &cs {
                f = f.with("country", cs.iter().copied());
            }
            if let Some(ss) = &ss {
                f = f.with("size", ss.iter().copied());
            }
            if let Ok(m) = g.mean(&f) {
                answered += 1;
                // A published mean with its n gives the sum over the selected respondents.
                let row: Vec<f64> = data
                    .iter()
                    .map(|c| {
                        let inc = cs.as_ref().is_none_or(|v| v.contains(&c.key[0].as_str()))
                            && ss.as_ref().is_none_or(|v| v.contains(&c.key[1].as_str()));
                        if inc { 1.0 } else { 0.0 }
                    })
                    .collect();
                assert_eq!(row.iter().sum::<f64>() as usize, m.respondents);
                equations.push(row);
            }
        }
    }
    assert!(answered >= 4, "the guard still answers useful queries ({answered})");
    for (i, c) in data.iter().enumerate() {
        assert!(
            !determined(&equations, i),
            "respondent {i} ({:?}) is isolated by the published answers",
            c.key
        );
    }
}

#[test]
fn a_data_set_smaller_than_k_publishes_nothing() {
    let data: Vec<Contribution> = (0..4).map(|i| contribution("FR", "small", i as f64)).collect();
    let g = Guard::new(&["country", "size"], &data, &Rules::default()).expect("guard");
    assert_eq!(g.mean(&Filter::all()), Err(Refusal::TooFew { min: 5 }));
    assert_eq!(g.count(&Filter::all().with("country", ["IT"])), Ok(0));
}

#[test]
fn malformed_contributions_and_filters_are_reported() {
    let bad = vec![Contribution { key: vec!["FR".into()], value: 1.0 }];
    let e = Guard::new(&["country", "size"], &bad, &Rules::default()).unwrap_err();
    assert!(e.to_string().contains("contribution 0 has 1 attribute values, expected 2"), "{e}");
    let nan = vec![contribution("FR", "small", f64::NAN)];
    assert_eq!(
        Guard::new(&["country", "size"], &nan, &Rules::default()).unwrap_err(),
        Refusal::NotFinite { index: 0 }
    );
    let g = Guard::new(&["country", "size"], &survey(), &Rules::default()).expect("guard");
    let e = g.count(&Filter::all().with("party", ["x"])).unwrap_err();
    assert!(
        matches!(e, Refusal::UnknownAttribute { .. }) && e.to_string().contains("party"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// Linked tables.

/// Respondents as attribute tuples; one table per grouping (attribute positions), one cell per
/// group present, all in family "f"; cells list the respondents' indexes.
fn linked_tables(people: &[Vec<usize>], groupings: &[Vec<usize>]) -> Vec<LinkedCell> {
    let mut out = Vec::new();
    for g in groupings {
        let mut groups: std::collections::BTreeMap<Vec<usize>, Vec<u32>> =
            std::collections::BTreeMap::new();
        for (i, p) in people.iter().enumerate() {
            groups.entry(g.iter().map(|&d| p[d]).collect()).or_default().push(i as u32);
        }
        out.extend(groups.into_values().map(|members| LinkedCell {
            family: "f".into(),
            members,
            publishable: true,
        }));
    }
    out
}

/// The independent attacker on linked cells: unknowns are the respondents' values, one
/// equation per published cell (the sum over its members); a cell is recovered iff its indicator
/// vector lies in the row space of the published ones.
fn linked_determined(
    cells: &[LinkedCell],
    published: &[bool],
    respondents: usize,
    target: usize,
) -> bool {
    let row = |c: &LinkedCell| {
        let mut v = vec![0.0; respondents];
        for &m in &c.members {
            v[m as usize] = 1.0;
        }
        v
    };
    let mut eqs: Vec<Vec<f64>> =
        cells.iter().zip(published).filter(|(_, p)| **p).map(|(c, _)| row(c)).collect();
    let before = rank(eqs.clone());
    eqs.push(row(&cells[target]));
    rank(eqs) == before
}

#[test]
fn nested_tables_leak_with_per_table_suppression_and_not_with_linked_suppression() {
    // Two levels: size (2 groups) and size × orientation (2 × 3). Rural: 6 + 7 + 1 people; town:
    // 9 + 8 + 6. Per table, only the rural/"other" cell (1 person) is below k = 5.
    let mut people = Vec::new();
    for (size, orientation, n) in [(0, 0, 6), (0, 1, 7), (0, 2, 1), (1, 0, 9), (1, 1, 8), (1, 2, 6)]
    {
        people.extend(std::iter::repeat_n(vec![size, orientation], n));
    }
    let cells = linked_tables(&people, &[vec![0], vec![0, 1]]);
    let rules = Rules::with_min_cell(5);
    let lonely = cells.iter().position(|c| c.members.len() == 1).expect("the n = 1 cell");
    // Per-table suppression: publish every cell with at least k members.
    let naive: Vec<bool> =
        cells.iter().map(|c| !rules.is_sensitive(c.members.len() as u64)).collect();
    assert!(
        linked_determined(&cells, &naive, people.len(), lonely),
        "rural − (rural, progressive) − (rural, conservative) gives it"
    );
    assert_eq!(recoverable_linked(&cells, &naive, &rules), vec![lonely]);
    // Joint suppression: one more rural cell goes, the smallest (6 people), and nothing leaks.
    let status = protect_linked(&cells, &rules);
    let published: Vec<bool> = status.iter().map(|s| *s == CellStatus::Published).collect();
    let hidden: Vec<usize> = cells
        .iter()
        .enumerate()
        .filter(|(i, _)| !published[*i])
        .map(|(_, c)| c.members.len())
        .collect();
    assert_eq!(hidden, vec![6, 1]);
    for (i, s) in status.iter().enumerate() {
        if *s != CellStatus::Published {
            assert!(
                !linked_determined(&cells, &published, people.len(), i),
                "cell {i} is still determined"
            );
        }
    }
    assert!(recoverable_linked(&cells, &published, &rules).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Properties.

fn arb_table() -> impl Strategy<Value = Vec<Vec<u64>>> {
    (1usize..=5, 2usize..=5).prop_flat_map(|(r, c)| {
        proptest::collection::vec(
            proptest::collection::vec(prop_oneof![3 => 0u64..5, 5 => 0u64..30], c),
            r,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn linked_tables_are_safe(
        people in proptest::collection::vec(proptest::collection::vec(0usize..3, 3), 1..40),
        k in 2u64..7,
        groupings in proptest::sample::subsequence(vec![vec![], vec![0], vec![1], vec![0, 1], vec![0, 2], vec![0, 1, 2]], 2..=6),
    ) {
        let rules = Rules::with_min_cell(k);
        let cells = linked_tables(&people, &groupings);
        let status = protect_linked(&cells, &rules);
        let published: Vec<bool> = status.iter().map(|s| *s == CellStatus::Published).collect();
        for (i, c) in cells.iter().enumerate() {
            prop_assert_eq!(rules.is_sensitive(c.members.len() as u64), status[i] == CellStatus::Primary);
            if status[i] == CellStatus::Primary {
                prop_assert!(!linked_determined(&cells, &published, people.len(), i), "cell {} ({} members) is determined", i, c.members.len());
            }
        }
        prop_assert!(recoverable_linked(&cells, &published, &rules).is_empty());
    }

    #[test]
    fn protected_tables_are_safe(counts in arb_table(), k in 1u64..8, protect_zeros in any::<bool>()) {
        let rules = Rules { min_cell: k, protect_zeros };
        let t = table(counts);
        let p = protect(&t, &rules);
        let (r, c) = (t.rows().len(), t.columns().len());
        let value = |at: CellRef| match (at.row == r, at.column == c) {
            (false, false) => t.count(at.row, at.column),
            (false, true) => t.row_total(at.row),
            (true, false) => t.column_total(at.column),
            (true, true) => t.total(),
        };
        for row in 0..=r {
            for column in 0..=c {
                let at = CellRef { row, column };
                let e = p.entry(at);
                let n = value(at);
                // Sensitive entries are suppressed as primary, and primary means sensitive.
                prop_assert_eq!(rules.is_sensitive(n), e.status == CellStatus::Primary, "{:?} n={}", at, n);
                // Published entries carry their true value.
                match e.status {
                    CellStatus::Published => prop_assert_eq!(e.value, Some(n)),
                    _ => prop_assert_eq!(e.value, None),
                }
            }
        }
        let s = p.suppressed();
        // No line with exactly one suppressed entry.
        for row in 0..=r {
            prop_assert_ne!(s.iter().filter(|e| e.row == row).count(), 1, "row {}", row);
        }
        for column in 0..=c {
            prop_assert_ne!(s.iter().filter(|e| e.column == column).count(), 1, "column {}", column);
        }
        // No suppressed entry is determined by the published ones (independent check).
        prop_assert!(recoverable_cells(&p).is_empty());
        let eqs = table_equations(r, c, &s);
        for (i, at) in s.iter().enumerate() {
            prop_assert!(!determined(&eqs, i), "{:?} is determined", at);
        }
    }

    #[test]
    fn answered_queries_never_differ_by_fewer_than_k(
        data in proptest::collection::vec((0usize..3, 0usize..3, 0usize..2, 0.0f64..10.0), 0..40),
        k in 1u64..7,
    ) {
        let names = [["a", "b", "c"], ["x", "y", "z"], ["p", "q", "r"]];
        let contributions: Vec<Contribution> = data.iter().map(|&(a, b, c, v)| Contribution { key: vec![names[0][a].into(), names[1][b].into(), names[2][c].into()], value: v }).collect();
        let g = Guard::new(&["one", "two", "three"], &contributions, &Rules::with_min_cell(k)).expect("guard");
        if contributions.len() as u64 >= k {
            prop_assert!(g.blocks().iter().all(|b| b.respondents as u64 >= k));
        }
        // Every filter with at most one value set per attribute from small subsets.
        let choices: Vec<Option<Vec<&str>>> = vec![None, Some(vec!["a"]), Some(vec!["b", "c"]), Some(vec!["x"]), Some(vec!["x", "y"]), Some(vec!["p"])];
        let mut selections: Vec<BTreeSet<usize>> = Vec::new();
        for f1 in &choices {
            for f2 in &choices {
                let mut f = Filter::all();
                let mut cons: Vec<(usize, Vec<&str>)> = Vec::new();
                for fx in [f1, f2].into_iter().flatten() {
                    let attr = names.iter().position(|n| n.contains(&fx[0])).expect("attr");
                    f = f.with(["one", "two", "three"][attr], fx.iter().copied());
                    cons.retain(|(a, _)| *a != attr);
                    cons.push((attr, fx.clone()));
                }
                if let Ok(n) = g.count(&f) {
                    let sel: BTreeSet<usize> = contributions.iter().enumerate().filter(|(_, c)| cons.iter().all(|(a, vs)| vs.contains(&c.key[*a].as_str()))).map(|(i, _)| i).collect();
                    prop_assert_eq!(sel.len(), n);
                    selections.push(sel);
                }
            }
        }
        for a in &selections {
            for b in &selections {
                let d = a.difference(b).count() as u64;
                prop_assert!(d == 0 || d >= k, "two answers differ by {} < k = {} respondents", d, k);
            }
        }
    }
}
