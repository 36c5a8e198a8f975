//! Secondary suppression across the tables released together: cells that count (or sum a value
//! over) the same respondents grouped in different ways are protected jointly.
//!
//! # The attack
//! Per-table suppression hides a cell with fewer than `k` respondents in the table where it
//! falls, but a release holds many tables. With `k = 5`, suppose the size × orientation ×
//! affiliation table hides the one rural, progressive respondent of affiliation "other" and
//! publishes the other affiliations of that group, while the size × orientation table publishes
//! the whole group (rural, progressive). The coarse cell is the disjoint union of the finer ones,
//! so its `n` minus the published finer `n`s is 1, and its `n × mean` minus the published finer
//! `n × mean`s is that respondent's answer. Every grouping that nests in another (size in size ×
//! orientation, both in size × orientation × affiliation), and every two groupings of the same
//! people (by size and by orientation both add up to everyone), adds such equations; tables
//! restricted to some roles add partial ones. Hundepool et al. (2012, §4.4 "linked tables")
//! treat this as one linear system over all tables.
//!
//! # The model
//! A [`LinkedCell`] is a set of respondents (its `members`: those who have a value for the cell's
//! measure) and a *family*: cells of one family publish sums over their members of the same
//! per-respondent quantities (the count `n`, and `n × mean` of each measure sharing that set of
//! respondents with a value). Within a family, respondents who belong to exactly the same cells
//! are indistinguishable to any combination of the family's figures; each such class is an
//! *atom*, and every cell is a 0/1 vector over the atoms. An attacker who reads the published
//! cells knows every linear combination of their vectors applied to the atoms' (unknown) counts
//! and sums. So the `n` and the sum of a suppressed cell `q` are determined **iff `q`'s vector
//! lies in the span of the published cells' vectors**; otherwise some change of the atoms'
//! values that keeps every published figure moves `q` (add `t·δ` to the atoms' counts and sums,
//! for a `δ` orthogonal to the published vectors with `δ·q ≠ 0`). Treating atoms absent from the
//! data as known zeros (they have no column) only gives the attacker more, so the test errs on
//! the side of suppression. The line equations of [`crate::table`] are the special case of one
//! two-way table with its margins, and nested groupings are the special case "a coarse cell is
//! the union of its finer cells" (in every coarse cell whose finer cells hold exactly one
//! suppressed cell, that cell is the coarse one minus the published ones).
//!
//! # The rule
//! 1. *Primary suppression*: a cell with `0 < n < k` members (with [`Rules::protect_zeros`],
//!    also `n = 0`) is suppressed; a cell the caller marks not publishable (left out for another
//!    reason) is suppressed too.
//! 2. *Complementary suppression*, family by family, for every non-empty primary cell `q` in
//!    input order: while `q`'s vector is in the span of the published vectors (exact integer
//!    Gaussian elimination of `[published | q]`), suppress one published cell of a
//!    representation of `q`: preferably one that every representation needs (then one
//!    suppression is enough; in the nested case these are `q`'s siblings and its parent), the one
//!    with the fewest members (ties: input order) — the next-smallest rule of §4.4.
//! 3. Suppressing only shrinks the span, so a primary cell once protected stays protected: one
//!    pass over the primary cells ends with none of them determined. Each step suppresses one
//!    more cell, so a family of `C` cells needs at most `C` steps, each one elimination of
//!    `O(A · C · r)` for `A` atoms and rank `r`. Should an elimination overflow 128-bit integers
//!    (not seen with 0/1 vectors of the size of survey tables), every published cell of the
//!    family that shares an atom with `q` is suppressed: then every published vector is zero on
//!    `q`'s atoms and `q` is outside their span.
//!
//! # What this guarantees, and what it does not
//! Guaranteed, within each family: no non-empty primary cell's `n` or sum (`n × mean`) is a
//! unique solution of the published figures of the family, however the tables are combined
//! (nested groupings, crossed groupings, subsets of roles, margins). Not guaranteed:
//! * relations *between* families: a per-respondent identity across measures with different
//!   respondents behind them (a class sum is the sum of its actors' frequencies; Index 3 is
//!   Index 1 + Index 2 for respondents with both) is not modelled, nor counts of families whose
//!   member sets happen to coincide in the data (when everybody answered everything);
//! * interval widths: non-negativity and integrality bound what an attacker infers (as in
//!   [`crate::table`], exact disclosure only), and published confidence intervals or ratios are
//!   not part of the linear system — a caller publishes a ratio of two cells only when both are
//!   published;
//! * zero cells: an empty cell has no atom, so "nobody here" is never protected by this rule;
//! * figures released separately: only the cells passed together are protected together
//!   ([`crate::release`] covers successive releases of the same figures).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::Rules;
use crate::table::CellStatus;

/// One cell of the tables released together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedCell {
    /// Cells of one family sum the same per-respondent quantities over their members (see the
    /// module documentation); cells of different families are never combined.
    pub family: String,
    /// The respondents behind the cell (indexes; order and repeats do not matter).
    pub members: Vec<u32>,
    /// False when the caller does not publish the cell whatever this rule says (a group left out,
    /// a figure that could not be computed).
    pub publishable: bool,
}

/// Primary and complementary suppression over linked cells (see the module documentation). The
/// result has one status per cell: [`CellStatus::Primary`] for cells with too few members,
/// [`CellStatus::Complementary`] for cells suppressed to protect another one or not publishable,
/// [`CellStatus::Published`] otherwise.
pub fn protect_linked(cells: &[LinkedCell], rules: &Rules) -> Vec<CellStatus> {
    let members: Vec<Vec<u32>> = cells.iter().map(|c| sorted(&c.members)).collect();
    let mut status: Vec<CellStatus> = cells
        .iter()
        .zip(&members)
        .map(|(c, m)| {
            if rules.is_sensitive(m.len() as u64) {
                CellStatus::Primary
            } else if !c.publishable {
                CellStatus::Complementary
            } else {
                CellStatus::Published
            }
        })
        .collect();
    for family in families(cells) {
        let atoms = Atoms::new(&family, &members);
        for &q in &family {
            if status[q] != CellStatus::Primary || members[q].is_empty() {
                continue;
            }
            loop {
                let published: Vec<usize> = family
                    .iter()
                    .copied()
                    .filter(|&c| status[c] == CellStatus::Published)
                    .collect();
                match atoms.span(&published, q) {
                    Span::Outside => break,
                    Span::Inside { necessary, support } => {
                        let pick = if necessary.is_empty() { support } else { necessary };
                        let best = pick
                            .into_iter()
                            .min_by_key(|&c| (members[c].len(), c))
                            .expect("a non-zero vector in the span has a non-empty representation");
                        status[best] = CellStatus::Complementary;
                    }
                    Span::Overflow => {
                        for c in published {
                            if atoms.intersects(c, q) {
                                status[c] = CellStatus::Complementary;
                            }
                        }
                        break;
                    }
                }
            }
        }
    }
    status
}

/// Cells with `0 < n < k` members (or `n = 0` with [`Rules::protect_zeros`]) that are not
/// published but whose `n` and sums are determined by the published cells of their family
/// (`published[i]` says whether cell `i` is published). Empty for the statuses
/// [`protect_linked`] returns; useful to audit suppression made table by table. A cell whose
/// elimination overflows is reported as determined.
pub fn recoverable_linked(cells: &[LinkedCell], published: &[bool], rules: &Rules) -> Vec<usize> {
    let members: Vec<Vec<u32>> = cells.iter().map(|c| sorted(&c.members)).collect();
    let mut out = Vec::new();
    for family in families(cells) {
        let atoms = Atoms::new(&family, &members);
        let open: Vec<usize> = family
            .iter()
            .copied()
            .filter(|&c| published.get(c).copied().unwrap_or(false))
            .collect();
        for &q in &family {
            let sensitive = rules.is_sensitive(members[q].len() as u64);
            if sensitive
                && !published.get(q).copied().unwrap_or(false)
                && !members[q].is_empty()
                && !matches!(atoms.span(&open, q), Span::Outside)
            {
                out.push(q);
            }
        }
    }
    out.sort_unstable();
    out
}

fn sorted(m: &[u32]) -> Vec<u32> {
    let mut m = m.to_vec();
    m.sort_unstable();
    m.dedup();
    m
}

/// Cell indexes grouped by family, families in order of first appearance.
fn families(cells: &[LinkedCell]) -> Vec<Vec<usize>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        let f = *index.entry(c.family.as_str()).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[f].push(i);
    }
    out
}

/// The atoms of one family: each cell as the sorted list of atoms it covers.
struct Atoms {
    count: usize,
    of_cell: HashMap<usize, Vec<usize>>,
}

enum Span {
    Outside,
    /// `support`: published cells with a non-zero coefficient in one representation; `necessary`:
    /// those with a non-zero coefficient in every representation.
    Inside {
        necessary: Vec<usize>,
        support: Vec<usize>,
    },
    Overflow,
}

impl Atoms {
    fn new(family: &[usize], members: &[Vec<u32>]) -> Atoms {
        // Signature of each respondent: the cells (positions in the family) holding it.
        let mut signature: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (pos, &c) in family.iter().enumerate() {
            for &r in &members[c] {
                signature.entry(r).or_default().push(pos);
            }
        }
        let mut atom_of: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut of_cell: HashMap<usize, Vec<usize>> =
            family.iter().map(|&c| (c, Vec::new())).collect();
        for sig in signature.into_values() {
            let next = atom_of.len();
            if let std::collections::hash_map::Entry::Vacant(e) = atom_of.entry(sig.clone()) {
                e.insert(next);
                for pos in sig {
                    of_cell.get_mut(&family[pos]).expect("cell of the family").push(next);
                }
            }
        }
        Atoms { count: atom_of.len(), of_cell }
    }

    fn intersects(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.of_cell[&a], &self.of_cell[&b]);
        x.iter().any(|v| y.binary_search(v).is_ok())
    }

    /// Whether cell `q` is a linear combination of the `published` cells, by exact fraction-free
    /// Gauss–Jordan elimination of the atoms × (published + 1) matrix.
    fn span(&self, published: &[usize], q: usize) -> Span {
        // Atoms covered by no published cell: if q holds one, it is outside the span at once;
        // otherwise those rows are zero and can be left out.
        let mut covered = vec![false; self.count];
        for c in published {
            for &a in &self.of_cell[c] {
                covered[a] = true;
            }
        }
        if self.of_cell[&q].iter().any(|&a| !covered[a]) {
            return Span::Outside;
        }
        let mut a = self.matrix(published, q, &covered);
        let m = published.len();
        let Some((pivots, r)) = eliminate(&mut a, m) else { return Span::Overflow };
        if (r..a.len()).any(|i| a[i][m] != 0) {
            return Span::Outside;
        }
        representation(&a, &pivots, published)
    }

    /// The covered atoms × (published cells + `q`) incidence matrix.
    fn matrix(&self, published: &[usize], q: usize, covered: &[bool]) -> Vec<Vec<i128>> {
        let rows: Vec<usize> = (0..self.count).filter(|&a| covered[a]).collect();
        let row_of: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, &a)| (a, i)).collect();
        let m = published.len();
        let mut a = vec![vec![0i128; m + 1]; rows.len()];
        for (j, c) in published.iter().enumerate() {
            for at in &self.of_cell[c] {
                a[row_of[at]][j] = 1;
            }
        }
        for at in &self.of_cell[&q] {
            a[row_of[at]][m] = 1;
        }
        a
    }
}

/// Fraction-free Gauss–Jordan elimination of the first `m` columns of `a`: the pivots (row,
/// column) and the rank; `None` when a value would overflow.
fn eliminate(a: &mut [Vec<i128>], m: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut r = 0;
    for col in 0..m {
        let Some(p) = (r..a.len()).find(|&i| a[i][col] != 0) else { continue };
        a.swap(r, p);
        let pivot = a[r].clone();
        for (i, row) in a.iter_mut().enumerate() {
            if i != r && row[col] != 0 {
                reduce(row, &pivot, col)?;
            }
        }
        pivots.push((r, col));
        r += 1;
        if r == a.len() {
            break;
        }
    }
    Some((pivots, r))
}

/// Clears `row`'s entry in column `col` with the `pivot` row, then divides the row by the gcd of
/// its entries; `None` on overflow.
fn reduce(row: &mut [i128], pivot: &[i128], col: usize) -> Option<()> {
    let g = gcd(pivot[col], row[col]);
    let (fp, fi) = (pivot[col] / g, row[col] / g);
    for (v, &w) in row.iter_mut().zip(pivot) {
        *v = v.checked_mul(fp).and_then(|x| w.checked_mul(fi).and_then(|y| x.checked_sub(y)))?;
    }
    let g = row.iter().fold(0i128, |g, &v| gcd(g, v));
    if g > 1 {
        for v in row.iter_mut() {
            *v /= g;
        }
    }
    Some(())
}

/// The representation of the last column of the reduced matrix `a`: the published cells it uses
/// (support), and those it uses in every representation (necessary).
fn representation(a: &[Vec<i128>], pivots: &[(usize, usize)], published: &[usize]) -> Span {
    let m = published.len();
    let mut is_pivot = vec![false; m];
    for &(_, c) in pivots {
        is_pivot[c] = true;
    }
    let mut support = Vec::new();
    let mut necessary = Vec::new();
    for &(row, col) in pivots {
        if a[row][m] == 0 {
            continue;
        }
        support.push(published[col]);
        // The coefficient of a pivot column is fixed in every representation iff no free
        // column enters its row (the null space is spanned by one vector per free column).
        if (0..m).all(|f| is_pivot[f] || a[row][f] == 0) {
            necessary.push(published[col]);
        }
    }
    Span::Inside { necessary, support }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a as i128
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(family: &str, members: std::ops::Range<u32>) -> LinkedCell {
        LinkedCell { family: family.into(), members: members.collect(), publishable: true }
    }

    #[test]
    fn a_coarse_cell_with_one_suppressed_finer_cell_gets_a_second_one() {
        // Coarse cell 0..20 = finer 0..1 (n = 1) ∪ 1..8 (7) ∪ 8..14 (6) ∪ 14..20 (6).
        let cells = vec![
            cell("f", 0..20),
            cell("f", 0..1),
            cell("f", 1..8),
            cell("f", 8..14),
            cell("f", 14..20),
        ];
        let rules = Rules::with_min_cell(5);
        let naive: Vec<bool> =
            cells.iter().map(|c| !rules.is_sensitive(c.members.len() as u64)).collect();
        assert_eq!(recoverable_linked(&cells, &naive, &rules), vec![1]);
        let s = protect_linked(&cells, &rules);
        use CellStatus::*;
        // The smallest sibling (6 members, first in order) joins the suppressed cell.
        assert_eq!(s, vec![Published, Primary, Published, Complementary, Published]);
        let published: Vec<bool> = s.iter().map(|&x| x == Published).collect();
        assert!(recoverable_linked(&cells, &published, &rules).is_empty());
    }

    #[test]
    fn families_are_protected_apart_and_unpublishable_cells_stay_hidden() {
        let mut cells = vec![
            cell("a", 0..10),
            cell("a", 0..2),
            cell("a", 2..10),
            cell("b", 0..10),
            cell("b", 0..6),
            cell("b", 6..10),
        ];
        cells[5].publishable = false;
        let s = protect_linked(&cells, &Rules::with_min_cell(5));
        use CellStatus::*;
        // Family a: 2..10 must go (the coarse cell is larger). Family b: 6..10 is primary (4
        // members), then 0..6 (6) rather than the coarse cell (10).
        assert_eq!(s, vec![Published, Primary, Complementary, Published, Complementary, Primary]);
    }

    #[test]
    fn overlapping_cells_end_with_nothing_recoverable() {
        // Many overlapping intervals (no nesting at all): still nothing recoverable at the end.
        let mut cells = Vec::new();
        for start in 0..60u32 {
            cells.push(cell("f", start..start + 1 + (start % 7) * 3));
        }
        let rules = Rules::with_min_cell(5);
        let s = protect_linked(&cells, &rules);
        let published: Vec<bool> = s.iter().map(|&x| x == CellStatus::Published).collect();
        assert!(recoverable_linked(&cells, &published, &rules).is_empty());
    }
}
