//! Null-model moments of the Gould–Fernandez brokerage counts: expected values, standard
//! deviations and z-scores of the role counts of [`crate::brokerage`], as in Gould & Fernandez
//! (1989), "Structures of mediation: a formal approach to brokerage in transaction networks",
//! Sociological Methodology 19:89–126, and exactly as implemented by Carter T. Butts in the R
//! package `sna` (function `brokerage`, checked against sna 2.7-1).
//!
//! # Null model
//!
//! The graph is compared with a Bernoulli random graph on the same nodes, with the same
//! partition into groups and with every possible tie present independently with probability
//! equal to the observed density:
//!
//! * **directed** (sna): every ordered pair `(u, v)`, `u ≠ v`, is an arc with probability
//!   `d = m / (N (N − 1))`, where `m` is the number of arcs (sna counts the rows of the edge
//!   list it builds from its input, so a self-loop in the input would count too);
//! * **undirected** (this module's extension): every unordered pair is an edge with probability
//!   `p = e / C(N, 2)`, where `e` is the number of edges. For an undirected graph read as a
//!   symmetric digraph, `p` equals sna's `d`.
//!
//! For a broker `b` and a set `P` of candidate end pairs `(a, c)` fixed by the groups (for
//! example both ends in `b`'s group for the coordinator role), the count is
//! `X = Σ_P e_ab · e_bc · (1 − e_ac)`. Each term is 1 with probability `μ = d² (1 − d)`, so
//! `E[X] = |P| μ`. Two terms are independent unless they share a tie; for a fixed broker they
//! can only share the tie to a common end (`e_ab`, or `e_bc`), and then their covariance is
//! `d³ (1 − d)² − μ² = d³ (1 − d)³`. Hence
//! `Var[X] = |P| μ (1 − μ) + S · d³ (1 − d)³`, with `S` the number of ordered pairs of
//! distinct terms sharing a tie. These node-level moments are exact.
//!
//! * [`directed_node_moments`] gives sna's `exp.nli` / `sd.nli` (its per-group `ebr` / `vbr`
//!   rows): directed terms `(a, c)` are ordered, two of them covary iff they have the same `a`
//!   (shared arc `a → b`) or the same `c` (shared arc `b → c`). sna's gatekeeper and
//!   representative moments are identical (only the raw counts differ).
//! * [`directed_global_moments`] gives sna's `exp.gli` / `sd.gli` (`egbr` / `vgbr`), the moments
//!   of the whole-graph count of each role (the sum over brokers), whose variance also contains
//!   the covariances between triads with different brokers (terms in `d⁴ (1 − d)²` and
//!   `d⁵ (1 − d)`). They are transcribed from sna as they are, including a flaw: checked by
//!   complete enumeration of all digraphs on 4 and 5 nodes, sna's global expectations and its
//!   itinerant and liaison variances are exact, but its coordinator, gatekeeper /
//!   representative and total variances omit negative covariances between a two-path
//!   `a → b → c` (which needs `a → c` absent) and two-paths of the same role that need `a → c`
//!   present. The exact variances have `−(4n − 10)` instead of sna's `−4 (n − 3)` as the
//!   coefficient of `d⁴ (1 − d)²` for the coordinator role (per group, `n` its size), `−(4N − 10)`
//!   instead of `−4 (N − 3)` for the total, and an extra `−(2n − 3) d⁴ (1 − d)²` inside the
//!   per-group sum of the gatekeeper / representative variance. sna therefore overstates these
//!   global standard deviations — slightly for the coordinator and total, much more for
//!   gatekeeper / representative (by 4 % at density 0.1 and 44 % at density 0.5 for groups of
//!   6, 14 and 20 nodes) — and its global z-scores for those roles are too small in magnitude.
//! * [`undirected_node_moments`] is the exact analogue for unordered open triads `a – b – c`
//!   (`a`, `c` not adjacent) under the undirected Bernoulli graph. There, a triad with exactly
//!   one end in `b`'s group cannot be oriented, so gatekeeper and representative merge into one
//!   *boundary* role. With `D_x` the number of candidate pairs containing node `x`,
//!   `S = Σ_x D_x (D_x − 1)` (two distinct unordered pairs share at most one node; pairs sharing
//!   no node are independent). In closed form, with `k = n_b − 1` the other members of `b`'s
//!   group, `M = N − n_b` the outsiders and `j` ranging over the other groups:
//!
//!   | role | pairs in `P` | `S` |
//!   |---|---|---|
//!   | coordinator | `C(k, 2)` | `k (k − 1) (k − 2)` |
//!   | itinerant | `Σ_j C(n_j, 2)` | `Σ_j n_j (n_j − 1) (n_j − 2)` |
//!   | boundary | `k M` | `k M (k + M − 2)` |
//!   | liaison | `(M² − Σ_j n_j²) / 2` | `Σ_j n_j (M − n_j) (M − n_j − 1)` |
//!   | total | `C(N − 1, 2)` | `(N − 1) (N − 2) (N − 3)` |
//!
//!   Compared with sna's directed moments at the same density, the coordinator, itinerant,
//!   liaison and total expectations **and variances** are exactly half the directed ones,
//!   while the boundary role has the directed gatekeeper's expectation and variance. Note that
//!   running sna on the symmetric digraph of an undirected graph doubles every count, so its
//!   coordinator (itinerant, liaison, total) z-scores are `√2` times the undirected ones: sna's
//!   null model treats the two arcs of an edge as independent.
//!
//! # Degenerate roles
//!
//! When a role has no candidate pair for a node (a group of one or two nodes for the
//! coordinator role, a single other group for the liaison role, …) or the density is 0 or 1,
//! the expectation and the standard deviation are both 0; sna then reports the z-score
//! `0 / 0 = NaN`, [`z_score`] returns `None`. sna may print such an expectation as `-0`.
//!
//! Pure functions, no IO.

use serde::{Deserialize, Serialize};

/// Expected value and standard deviation of one role count under the null model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Expected value.
    pub expected: f64,
    /// Standard deviation.
    pub sd: f64,
}

/// Per role, in the order coordinator, itinerant, gatekeeper, representative, liaison, total.
///
/// sna's columns are `w_I`, `w_O`, `b_IO`, `b_OI`, `b_O`, `t`, where `w_I` = coordinator,
/// `w_O` = itinerant, `b_IO` = **representative** (`A → A → B`), `b_OI` = **gatekeeper**
/// (`A → B → B`), `b_O` = liaison, `t` = total (verified on sna 2.7-1's raw counts, and so
/// documented in its help page).
pub type RoleMoments = [Moments; 6];

/// Index of the coordinator role in [`RoleMoments`].
pub const COORDINATOR: usize = 0;
/// Index of the itinerant role in [`RoleMoments`].
pub const ITINERANT: usize = 1;
/// Index of the gatekeeper role (sna's `b_OI`) in [`RoleMoments`]; in
/// [`undirected_node_moments`], the merged boundary role.
pub const GATEKEEPER: usize = 2;
/// Index of the representative role (sna's `b_IO`) in [`RoleMoments`].
pub const REPRESENTATIVE: usize = 3;
/// Index of the liaison role in [`RoleMoments`].
pub const LIAISON: usize = 4;
/// Index of the total in [`RoleMoments`].
pub const TOTAL: usize = 5;

fn moments(expected: f64, variance: f64) -> Moments {
    Moments { expected, sd: variance.sqrt() }
}

/// `C(x, 2)` of a non-negative integer-valued float.
fn choose2(x: f64) -> f64 {
    x * (x - 1.0) / 2.0
}

fn check_own(sizes: &[usize], own_group: usize) {
    assert!(own_group < sizes.len(), "own_group {own_group} out of range ({} groups)", sizes.len());
    assert!(sizes[own_group] >= 1, "the broker's group (index {own_group}) has size 0");
}

/// Node-level moments for a node in a group of size `own` (counting itself), given the sizes of
/// all groups (`sizes`, including own group once), N = sum(sizes), density d. Directed: exactly
/// sna's ebr/vbr rows.
///
/// `density` is sna's `d = m / (N (N − 1))` with `m` the number of arcs. The gatekeeper and
/// representative entries are equal. Groups of size 0 in `sizes` are allowed (they contribute
/// nothing).
///
/// # Panics
/// When `own_group` is not an index of `sizes` or `sizes[own_group]` is 0.
pub fn directed_node_moments(sizes: &[usize], own_group: usize, density: f64) -> RoleMoments {
    check_own(sizes, own_group);
    let d = density;
    let mu = d * d * (1.0 - d);
    let c3 = d.powi(3) * (1.0 - d).powi(3);
    let big_n: f64 = sizes.iter().map(|&s| s as f64).sum();
    let ni = sizes[own_group] as f64;
    let others =
        || sizes.iter().enumerate().filter(move |&(j, _)| j != own_group).map(|(_, &s)| s as f64);

    // w_I, coordinator
    let e1 = mu * (ni - 1.0) * (ni - 2.0);
    let v1 = e1 * (1.0 - mu) + 2.0 * (ni - 1.0) * (ni - 2.0) * (ni - 3.0) * c3;
    // w_O, itinerant
    let e2 = mu * others().map(|n| n * (n - 1.0)).sum::<f64>();
    let v2 = e2 * (1.0 - mu) + 2.0 * others().map(|n| n * (n - 1.0) * (n - 2.0)).sum::<f64>() * c3;
    // b_IO = b_OI, representative and gatekeeper
    let e3 = mu * (big_n - ni) * (ni - 1.0);
    let v3 = e3 * (1.0 - mu)
        + 2.0 * ((ni - 1.0) * choose2(big_n - ni) + (big_n - ni) * choose2(ni - 1.0)) * c3;
    // b_O, liaison: ordered pairs of ends from two different groups, neither the broker's
    let sum_others: f64 = others().sum();
    let sum_sq_others: f64 = others().map(|n| n * n).sum();
    let e5 = mu * (sum_others * sum_others - sum_sq_others);
    let v5 =
        e5 * (1.0 - mu) + 4.0 * others().map(|n| n * choose2(big_n - n - ni)).sum::<f64>() * c3;
    // t, total
    let e6 = mu * (big_n - 1.0) * (big_n - 2.0);
    let v6 = e6 * (1.0 - mu) + 2.0 * (big_n - 1.0) * (big_n - 2.0) * (big_n - 3.0) * c3;

    let br = moments(e3, v3);
    [moments(e1, v1), moments(e2, v2), br, br, moments(e5, v5), moments(e6, v6)]
}

/// Whole-graph (global) moments, sna's egbr/vgbr.
///
/// The moments of the number of brokered two-paths of each role in the whole graph (sna's
/// `exp.gli`, `sd.gli`), transcribed term by term from sna 2.7-1. `density` as in
/// [`directed_node_moments`].
pub fn directed_global_moments(sizes: &[usize], density: f64) -> RoleMoments {
    let d = density;
    let q = 1.0 - d;
    let mu = d * d * q;
    let c3 = d.powi(3) * q.powi(3);
    let c4 = d.powi(4) * q.powi(2);
    let c5 = d.powi(5) * q;
    let n: Vec<f64> = sizes.iter().map(|&s| s as f64).collect();
    let big_n: f64 = n.iter().sum();

    // w_I
    let e1 = mu * n.iter().map(|&x| x * (x - 1.0) * (x - 2.0)).sum::<f64>();
    let v1 = e1 * (1.0 - mu)
        + n.iter()
            .map(|&x| {
                x * (x - 1.0)
                    * (x - 2.0)
                    * ((4.0 * x - 10.0) * c3 - 4.0 * (x - 3.0) * c4 + (x - 3.0) * c5)
            })
            .sum::<f64>();
    // w_O
    let nnn: f64 = n.iter().map(|&x| x * (big_n - x) * (x - 1.0)).sum();
    let e2 = mu * nnn;
    let mut outer2 = 0.0;
    for &y in &n {
        for &x in &n {
            outer2 += x * y * (x - 1.0) * ((2.0 * x + 2.0 * y - 6.0) * c3 + (big_n - x - 1.0) * c5);
        }
    }
    let diag2: f64 = n
        .iter()
        .map(|&x| x * x * (x - 1.0) * ((4.0 * x - 6.0) * c3 + (big_n - x - 1.0) * c5))
        .sum();
    let v2 = e2 * (1.0 - mu) + (outer2 - diag2);
    // b_IO = b_OI
    let e3 = mu * nnn;
    let v3 = e3 * (1.0 - mu)
        + n.iter()
            .map(|&x| x * (big_n - x) * (x - 1.0) * ((big_n - 3.0) * c3 + (x - 2.0) * c5))
            .sum::<f64>();
    // b_O
    let mut outer5 = 0.0;
    for &y in &n {
        for &x in &n {
            outer5 += x * y * (big_n - x - y);
        }
    }
    let diag5: f64 = n.iter().map(|&x| x * x * (big_n - 2.0 * x)).sum();
    let e5 = mu * (outer5 - diag5);
    let mut v5 = e5 * (1.0 - mu);
    for (i, &ni) in n.iter().enumerate() {
        for (j, &nj) in n.iter().enumerate() {
            for (k, &nk) in n.iter().enumerate() {
                if i != j && j != k && i != k {
                    v5 += ni
                        * nj
                        * nk
                        * ((4.0 * (big_n - nj) - 2.0 * (ni + nk + 1.0)) * c3
                            - (4.0 * (big_n - nk) - 2.0 * (ni + nj + 1.0)) * c4
                            + (big_n - (ni + nk + 1.0)) * c5);
                }
            }
        }
    }
    // t
    let e6 = mu * big_n * (big_n - 1.0) * (big_n - 2.0);
    let v6 = e6 * (1.0 - mu)
        + big_n
            * (big_n - 1.0)
            * (big_n - 2.0)
            * ((4.0 * big_n - 10.0) * c3 - 4.0 * (big_n - 3.0) * c4 + (big_n - 3.0) * c5);

    let br = moments(e3, v3);
    [moments(e1, v1), moments(e2, v2), br, br, moments(e5, v5), moments(e6, v6)]
}

/// `x (x − 1) … (x − r + 1)` for `r ≤ 3`, 0 when `x < r`.
fn falling(x: u128, r: u32) -> u128 {
    (0..u128::from(r)).map(|i| x.saturating_sub(i)).product()
}

/// Undirected: unordered open triads a–b–c (a, c not adjacent) under an undirected Bernoulli
/// graph G(N, p) with p = density = edges / C(N,2). The roles: coordinator, itinerant, liaison,
/// and "boundary" = gatekeeper and representative merged (an unordered triad with exactly one
/// end in b's group); return them as RoleMoments with gatekeeper = the merged boundary role and
/// representative = Moments{expected: 0, sd: 0}, total = all unordered open triads at b.
///
/// So the entries are: `[0]` coordinator, `[1]` itinerant, `[2]` **boundary** (the number of
/// unordered open triads with exactly one end in the broker's group — for an undirected graph
/// read as a symmetric digraph it equals both the gatekeeper and the representative count),
/// `[3]` always `Moments { expected: 0.0, sd: 0.0 }` (the representative role does not exist
/// separately), `[4]` liaison, `[5]` total. The moments are exact (see the module
/// documentation for the formulas). Groups of size 0 in `sizes` are allowed.
///
/// # Panics
/// When `own_group` is not an index of `sizes` or `sizes[own_group]` is 0.
pub fn undirected_node_moments(sizes: &[usize], own_group: usize, density: f64) -> RoleMoments {
    check_own(sizes, own_group);
    let p = density;
    let mu = p * p * (1.0 - p);
    let c3 = p.powi(3) * (1.0 - p).powi(3);
    // |P| candidate pairs, S ordered pairs of distinct candidate pairs sharing one node.
    let role = |pairs: u128, shared: u128| {
        let pairs = pairs as f64;
        moments(pairs * mu, pairs * mu * (1.0 - mu) + shared as f64 * c3)
    };
    let u = |s: usize| s as u128;
    let big_n: u128 = sizes.iter().map(|&s| u(s)).sum();
    let k = u(sizes[own_group]) - 1;
    let m = big_n - u(sizes[own_group]);
    let others =
        || sizes.iter().enumerate().filter(move |&(j, _)| j != own_group).map(|(_, &s)| u(s));

    let coordinator = role(falling(k, 2) / 2, falling(k, 3));
    let itinerant =
        role(others().map(|n| falling(n, 2) / 2).sum(), others().map(|n| falling(n, 3)).sum());
    let boundary = role(k * m, (k * m * (k + m)).saturating_sub(2 * k * m));
    let liaison = role(
        (m * m - others().map(|n| n * n).sum::<u128>()) / 2,
        others().map(|n| n * falling(m - n, 2)).sum(),
    );
    let total = role(falling(big_n - 1, 2) / 2, falling(big_n - 1, 3));
    [coordinator, itinerant, boundary, Moments { expected: 0.0, sd: 0.0 }, liaison, total]
}

/// z = (x - expected) / sd, None when sd == 0.
///
/// Also `None` when `sd` is NaN or negative (never produced by the functions of this module for
/// a density in `[0, 1]`). sna reports `NaN` where this returns `None`.
pub fn z_score(x: f64, m: Moments) -> Option<f64> {
    if m.sd > 0.0 { Some((x - m.expected) / m.sd) } else { None }
}
