//! Minimum cell size with primary and complementary suppression for a two-way table of respondent
//! counts with its totals.
//!
//! # The attack
//! A published table with `R` rows and `C` columns also publishes its row totals, column totals
//! and grand total. Seen as an `(R+1) × (C+1)` array whose last row and column are the totals,
//! every *line* (row or column, totals included) is one linear equation: the inner entries sum to
//! the line's total. An attacker who sees the published entries solves these equations for the
//! suppressed ones. With one suppressed entry in a line, that line gives it away at once (row
//! total minus the published cells); with more, combinations of lines can still pin one down.
//!
//! # When a suppressed value is determined
//! Take the bipartite graph whose vertices are the `R+1` row lines and the `C+1` column lines and
//! whose edges are the suppressed entries (entry `(i, j)` joins row `i` and column `j`). After
//! negating the unknowns that are marginal totals, the equations are exactly "the edges at each
//! vertex sum to a known constant", i.e. the graph's incidence matrix. The null space of a
//! bipartite graph's incidence matrix is its cycle space (every cycle is even, and alternating
//! `+t, −t` around a cycle changes no vertex sum). So a suppressed value is determined by the
//! published ones **iff its edge lies on no cycle, i.e. is a bridge**; otherwise it can move by
//! any `t` along a cycle through it. A line with exactly one suppressed entry is the simplest
//! bridge (a vertex of degree one), but not the only one: two blocks of suppressions joined by a
//! single suppressed entry leak that entry although every line holds two or more.
//!
//! # The algorithm
//! 1. *Primary suppression*: every entry (inner cell or total) with `0 < n < k` respondents
//!    (`0 ≤ n < k` with [`Rules::protect_zeros`]).
//! 2. *Line rule*: while some line holds exactly one suppressed entry, suppress one more entry of
//!    that line (the *next-smallest* rule of Hundepool et al. 2012, §4.4: the published entry with
//!    the fewest respondents, preferring non-zero entries, entries whose crossing line already
//!    holds a suppression (which closes a rectangle instead of opening a new line), inner cells
//!    before marginal totals and the grand total last, ties broken by position so the result is
//!    deterministic).
//! 3. *Bridge rule*: if a suppressed entry `e = (r, c)` is a bridge, removing it splits its
//!    component into the part `A` holding row `r` and the part `B` holding column `c`; suppress
//!    the smallest published entry joining a row of `A` to a column of `B` or a row of `B` to a
//!    column of `A`, which closes a cycle through `e`. Such an entry exists once step 2 is done
//!    (the other suppressed neighbours of `r` and of `c` give one). Go back to step 2.
//! 4. Stop when no line holds exactly one suppressed entry and no suppressed entry is a bridge.
//!
//! Each round suppresses at least one more entry, so there are at most `(R+1)(C+1)` rounds; if
//! everything ends up suppressed, the complete bipartite graph `K(R+1, C+1)` (both sides ≥ 2) has
//! no bridge, so the loop always ends in a safe pattern. A round costs `O(S · (R + C + S))` for
//! `S` suppressed entries (one graph search per suppressed entry).
//!
//! # What this guarantees, and what it does not
//! Guaranteed: every entry with fewer than `k` respondents is suppressed, and no suppressed entry
//! is a unique solution of the published equations (exact disclosure). Not guaranteed: a minimum
//! width of the interval an attacker can infer from non-negativity (the "protection level" of
//! Hundepool et al. §4.3, which needs linear programming); the next-smallest choice keeps
//! information loss low at the price of sometimes narrow intervals. Zero cells are published by
//! default (see [`Rules::protect_zeros`]).

use crate::Rules;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Why a table cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// No rows or no columns.
    #[error("a table needs at least one row and one column (got {rows} rows, {columns} columns)")]
    Empty {
        /// Rows given.
        rows: usize,
        /// Columns given.
        columns: usize,
    },
    /// A row of counts has the wrong length.
    #[error("row {row} ({label:?}) has {found} counts, expected {expected} (one per column)")]
    RowLength {
        /// Row index.
        row: usize,
        /// Row label.
        label: String,
        /// Counts found.
        found: usize,
        /// Columns.
        expected: usize,
    },
    /// The number of count rows differs from the number of row labels.
    #[error("{found} rows of counts for {expected} row labels")]
    RowCount {
        /// Rows of counts.
        found: usize,
        /// Row labels.
        expected: usize,
    },
    /// A total overflows.
    #[error("the counts of the table overflow a 64-bit total")]
    Overflow,
}

/// A two-way table of respondent counts (rows × columns). Totals are computed, never given, so
/// they always agree with the cells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountTable {
    rows: Vec<String>,
    columns: Vec<String>,
    counts: Vec<Vec<u64>>,
}

impl CountTable {
    /// Builds a table; `counts[i][j]` is the number of respondents in row `i` and column `j`.
    ///
    /// # Errors
    /// [`TableError`] when there is no row or column, a row has the wrong length, or the grand
    /// total overflows `u64`.
    pub fn new(
        rows: Vec<String>,
        columns: Vec<String>,
        counts: Vec<Vec<u64>>,
    ) -> Result<CountTable, TableError> {
        if rows.is_empty() || columns.is_empty() {
            return Err(TableError::Empty { rows: rows.len(), columns: columns.len() });
        }
        if counts.len() != rows.len() {
            return Err(TableError::RowCount { found: counts.len(), expected: rows.len() });
        }
        for (i, r) in counts.iter().enumerate() {
            if r.len() != columns.len() {
                return Err(TableError::RowLength {
                    row: i,
                    label: rows[i].clone(),
                    found: r.len(),
                    expected: columns.len(),
                });
            }
        }
        counts
            .iter()
            .flatten()
            .try_fold(0u64, |acc, &n| acc.checked_add(n))
            .ok_or(TableError::Overflow)?;
        Ok(CountTable { rows, columns, counts })
    }

    /// Row labels.
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// Column labels.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Respondents in row `i`, column `j`.
    pub fn count(&self, i: usize, j: usize) -> u64 {
        self.counts[i][j]
    }

    /// Total of row `i`.
    pub fn row_total(&self, i: usize) -> u64 {
        self.counts[i].iter().sum()
    }

    /// Total of column `j`.
    pub fn column_total(&self, j: usize) -> u64 {
        self.counts.iter().map(|r| r[j]).sum()
    }

    /// Grand total.
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// The `(R+1) × (C+1)` array with the totals in the last row and column.
    fn augmented(&self) -> Vec<Vec<u64>> {
        let (r, c) = (self.rows.len(), self.columns.len());
        let mut a = vec![vec![0u64; c + 1]; r + 1];
        for i in 0..r {
            for j in 0..c {
                a[i][j] = self.counts[i][j];
            }
            a[i][c] = self.row_total(i);
        }
        for j in 0..c {
            a[r][j] = self.column_total(j);
        }
        a[r][c] = self.total();
        a
    }
}

/// Why an entry is (not) published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    /// Published.
    Published,
    /// Suppressed because it has fewer respondents than the minimum cell size.
    Primary,
    /// Suppressed so that a primary suppression cannot be computed back.
    Complementary,
}

/// One entry of a protected table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedCell {
    /// The count when published, `None` when suppressed.
    pub value: Option<u64>,
    /// Why.
    pub status: CellStatus,
}

/// An entry of the augmented table: `row == rows.len()` is the totals row, `column ==
/// columns.len()` the totals column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellRef {
    /// Row index (the number of rows for the totals row).
    pub row: usize,
    /// Column index (the number of columns for the totals column).
    pub column: usize,
}

/// A table ready to publish: suppressed entries carry no value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedTable {
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// Inner cells, `cells[i][j]`.
    pub cells: Vec<Vec<ProtectedCell>>,
    /// Row totals.
    pub row_totals: Vec<ProtectedCell>,
    /// Column totals.
    pub column_totals: Vec<ProtectedCell>,
    /// Grand total.
    pub total: ProtectedCell,
    /// The rules applied.
    pub rules: Rules,
}

impl ProtectedTable {
    /// The entry at `at` of the augmented table (totals in the last row and column).
    pub fn entry(&self, at: CellRef) -> ProtectedCell {
        let (r, c) = (self.rows.len(), self.columns.len());
        match (at.row == r, at.column == c) {
            (false, false) => self.cells[at.row][at.column],
            (false, true) => self.row_totals[at.row],
            (true, false) => self.column_totals[at.column],
            (true, true) => self.total,
        }
    }

    /// Suppressed entries of the augmented table, in row-major order.
    pub fn suppressed(&self) -> Vec<CellRef> {
        let (r, c) = (self.rows.len(), self.columns.len());
        (0..=r)
            .flat_map(|row| (0..=c).map(move |column| CellRef { row, column }))
            .filter(|&at| self.entry(at).value.is_none())
            .collect()
    }

    /// Number of suppressed entries per status (primary, complementary).
    pub fn suppression_counts(&self) -> (usize, usize) {
        let s = self.suppressed();
        let primary = s.iter().filter(|&&at| self.entry(at).status == CellStatus::Primary).count();
        (primary, s.len() - primary)
    }
}

/// Applies the minimum cell size with primary and complementary suppression (see the module
/// documentation for the algorithm and its guarantee).
pub fn protect(table: &CountTable, rules: &Rules) -> ProtectedTable {
    let values = table.augmented();
    let (r1, c1) = (values.len(), values[0].len());
    let mut status = vec![vec![CellStatus::Published; c1]; r1];
    for (i, row) in values.iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            if rules.is_sensitive(n) {
                status[i][j] = CellStatus::Primary;
            }
        }
    }
    loop {
        apply_line_rule(&values, &mut status);
        let suppressed = pattern(&status);
        let Some(bridge) = find_bridge(&suppressed, r1, c1) else { break };
        close_cycle(&values, &mut status, bridge);
    }
    let cell = |i: usize, j: usize| ProtectedCell {
        value: (status[i][j] == CellStatus::Published).then_some(values[i][j]),
        status: status[i][j],
    };
    let (r, c) = (r1 - 1, c1 - 1);
    ProtectedTable {
        rows: table.rows.clone(),
        columns: table.columns.clone(),
        cells: (0..r).map(|i| (0..c).map(|j| cell(i, j)).collect()).collect(),
        row_totals: (0..r).map(|i| cell(i, c)).collect(),
        column_totals: (0..c).map(|j| cell(r, j)).collect(),
        total: cell(r, c),
        rules: *rules,
    }
}

/// Suppressed entries of a published table whose values an attacker can compute exactly from the
/// published entries and totals (the bridges of the suppression graph, see the module
/// documentation). Empty for every table [`protect`] returns; useful to audit a suppression
/// pattern made elsewhere (e.g. primary suppression alone).
pub fn recoverable_cells(table: &ProtectedTable) -> Vec<CellRef> {
    let (r1, c1) = (table.rows.len() + 1, table.columns.len() + 1);
    let suppressed = table.suppressed();
    suppressed.iter().copied().filter(|&e| is_bridge(&suppressed, r1, c1, e)).collect()
}

fn pattern(status: &[Vec<CellStatus>]) -> Vec<CellRef> {
    let mut out = Vec::new();
    for (row, line) in status.iter().enumerate() {
        for (column, s) in line.iter().enumerate() {
            if *s != CellStatus::Published {
                out.push(CellRef { row, column });
            }
        }
    }
    out
}

/// Preference order of a candidate for complementary suppression: non-zero first; then entries
/// whose row and column already hold a suppression (so the new one does not leave a fresh line
/// with a single suppression, which would cascade); inner cells, then marginal totals, then the
/// grand total; fewest respondents; position.
fn preference(
    values: &[Vec<u64>],
    status: &[Vec<CellStatus>],
    at: CellRef,
) -> (bool, u8, u8, u64, usize, usize) {
    let (r, c) = (values.len() - 1, values[0].len() - 1);
    let margin = u8::from(at.row == r) + u8::from(at.column == c);
    let row_open = (0..=c).all(|j| status[at.row][j] == CellStatus::Published);
    let column_open = (0..=r).all(|i| status[i][at.column] == CellStatus::Published);
    let n = values[at.row][at.column];
    (n == 0, u8::from(row_open) + u8::from(column_open), margin, n, at.row, at.column)
}

fn suppress_best(
    values: &[Vec<u64>],
    status: &mut [Vec<CellStatus>],
    candidates: impl Iterator<Item = CellRef>,
) -> bool {
    let best = candidates
        .filter(|at| status[at.row][at.column] == CellStatus::Published)
        .min_by_key(|&at| preference(values, status, at));
    match best {
        Some(at) => {
            status[at.row][at.column] = CellStatus::Complementary;
            true
        }
        None => false,
    }
}

/// Step 2: no line with exactly one suppressed entry.
fn apply_line_rule(values: &[Vec<u64>], status: &mut [Vec<CellStatus>]) {
    let (r1, c1) = (values.len(), values[0].len());
    loop {
        let mut changed = false;
        for i in 0..r1 {
            if (0..c1).filter(|&j| status[i][j] != CellStatus::Published).count() == 1 {
                changed |=
                    suppress_best(values, status, (0..c1).map(|column| CellRef { row: i, column }));
            }
        }
        for j in 0..c1 {
            if (0..r1).filter(|&i| status[i][j] != CellStatus::Published).count() == 1 {
                changed |=
                    suppress_best(values, status, (0..r1).map(|row| CellRef { row, column: j }));
            }
        }
        if !changed {
            return;
        }
    }
}

/// Vertices `0..r1` are row lines, `r1..r1+c1` column lines.
fn reachable(
    suppressed: &[CellRef],
    r1: usize,
    c1: usize,
    start: usize,
    without: Option<CellRef>,
) -> Vec<bool> {
    let mut adj = vec![Vec::new(); r1 + c1];
    for &e in suppressed {
        if Some(e) != without {
            adj[e.row].push(r1 + e.column);
            adj[r1 + e.column].push(e.row);
        }
    }
    let mut seen = vec![false; r1 + c1];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(v) = queue.pop_front() {
        for &w in &adj[v] {
            if !seen[w] {
                seen[w] = true;
                queue.push_back(w);
            }
        }
    }
    seen
}

fn is_bridge(suppressed: &[CellRef], r1: usize, c1: usize, e: CellRef) -> bool {
    !reachable(suppressed, r1, c1, e.row, Some(e))[r1 + e.column]
}

fn find_bridge(suppressed: &[CellRef], r1: usize, c1: usize) -> Option<CellRef> {
    suppressed.iter().copied().find(|&e| is_bridge(suppressed, r1, c1, e))
}

/// Step 3: suppress the best entry joining the two sides of bridge `e`.
fn close_cycle(values: &[Vec<u64>], status: &mut [Vec<CellStatus>], e: CellRef) {
    let (r1, c1) = (values.len(), values[0].len());
    let suppressed = pattern(status);
    let side_a = reachable(&suppressed, r1, c1, e.row, Some(e));
    let side_b = reachable(&suppressed, r1, c1, r1 + e.column, Some(e));
    let joins =
        (0..r1).flat_map(|row| (0..c1).map(move |column| CellRef { row, column })).filter(|at| {
            (side_a[at.row] && side_b[r1 + at.column]) || (side_b[at.row] && side_a[r1 + at.column])
        });
    if !suppress_best(values, status, joins) {
        // Unreachable after the line rule (see the module documentation); suppressing any entry
        // of the bridge's row still guarantees progress.
        let row = (0..c1).map(|column| CellRef { row: e.row, column });
        if !suppress_best(values, status, row) {
            let all = (0..r1).flat_map(|row| (0..c1).map(move |column| CellRef { row, column }));
            suppress_best(values, status, all);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(counts: Vec<Vec<u64>>) -> CountTable {
        let rows = (0..counts.len()).map(|i| format!("r{i}")).collect();
        let columns = (0..counts[0].len()).map(|j| format!("c{j}")).collect();
        CountTable::new(rows, columns, counts).expect("table")
    }

    #[test]
    fn two_blocks_joined_by_one_suppression_form_a_bridge() {
        // Suppressed: a 2×2 block in rows 0-1 × cols 0-1, another in rows 2-3 × cols 2-3, and
        // (0, 2) joining them: every line holds ≥ 2 suppressed entries, yet (0, 2) is a bridge.
        let t = table(vec![vec![9; 4]; 4]);
        let mut p = protect(&t, &Rules::default());
        let blank = ProtectedCell { value: None, status: CellStatus::Primary };
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)] {
            p.cells[i][j] = blank;
        }
        assert_eq!(recoverable_cells(&p), vec![CellRef { row: 0, column: 2 }]);
    }

    #[test]
    fn nothing_is_suppressed_when_every_cell_is_large() {
        let p = protect(&table(vec![vec![5, 6], vec![7, 8]]), &Rules::default());
        assert!(p.suppressed().is_empty());
        assert_eq!(p.total.value, Some(26));
    }
}
