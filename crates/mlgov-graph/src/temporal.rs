//! Temporal betweenness: betweenness centrality over time-respecting walks in a graph whose ties
//! hold during spells (year intervals). Pure, no IO.
//!
//! # Definitions
//!
//! - A **spell** is a closed interval of years `(from, to)`, each end an `Option<i32>`; `None`
//!   is open on that side (since always / still running). Two spells **overlap** when
//!   `max(from) ≤ min(to)`, open ends never limiting; ends are inclusive, so 1990–1995 and
//!   1995–2000 overlap. A spell with `from > to` is empty and overlaps nothing.
//! - A **tie** is undirected and holds during one or more spells; an empty spell list means the
//!   tie holds always. Two ties **coexist** when some spell of one overlaps some spell of the
//!   other ([`coexist`]).
//! - A **time-respecting walk** from `s` to `t` is a sequence of ties `e1, …, ek` joining
//!   `s = v0, v1, …, vk = t` in which consecutive ties coexist and `e(i+1) ≠ e(i)` (no immediate
//!   return over the same tie). Its length is `k`. This is the "overlap" rule: two ties form a
//!   path only if their spells overlap. A single tie is a walk of length 1 whatever its spells
//!   (there is no consecutive pair to check). `d(s,t)` is the length of the shortest such walk
//!   and `σ_st` the number of shortest ones; `t` is unreachable from `s` when there is none.
//! - The **temporal betweenness** of `v` is `Σ σ_st(v) / σ_st` over unordered pairs `{s,t}` with
//!   `s ≠ v ≠ t` and `t` reachable from `s`, where `σ_st(v)` counts the shortest walks that have
//!   `v` as an interior node. A shortest walk that visits `v` twice in its interior counts twice
//!   (this is rare: it needs the spells to force a detour that comes back through `v`, as in
//!   `s–v` 1990, `v–x` 1990–2000, `x–y` 2000–2010, `y–v` 2010, `v–t` 2010, where the only
//!   walk from `s` to `t` is `s v x y v t`). A shortest walk never passes through its own end
//!   `t` before arriving (the prefix would be shorter), but it may pass back through `s`; such
//!   visits of `s` are not counted, as `v ≠ s`.
//!
//! The overlap relation is symmetric, so a walk read backwards is again a walk: `d(s,t) =
//! d(t,s)`, `σ_st = σ_ts` and the interior visits are the same. Each unordered pair is therefore
//! counted once (the ordered sum halved), as networkx `betweenness_centrality(G,
//! normalized=False)` does for an undirected `G`; when every tie holds always, shortest walks are
//! shortest paths and the result is exactly the static betweenness. Unlike the causal
//! time-respecting paths of Kempe, Kleinberg & Kumar (2002), walks here are not required to be
//! monotone in time: a chain of pairwise-overlapping spells 2000–2010, 1990–2000, 1980–1990 is a
//! walk although it runs backwards.
//!
//! The idea of time-respecting paths: P. Holme & J. Saramäki, "Temporal networks", Physics
//! Reports 519(3):97–125, 2012; D. Kempe, J. Kleinberg & A. Kumar, "Connectivity and inference
//! problems for temporal networks", J. Comput. Syst. Sci. 64(4):820–842, 2002 (STOC 2000).
//! The counting: U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol.
//! 25(2):163–177, 2001, applied to the state graph below.
//!
//! # Algorithm
//!
//! Walks are paths in a **state graph** (a directed line graph) whose states are directed tie
//! traversals `u→v via e`; state `(u→v via e)` leads to `(v→w via e')` when `e' ≠ e` is incident
//! to `v` and coexists with `e`. These transitions are precomputed once (per tie and endpoint,
//! the coexisting ties), as a compressed array. From each source `s` a breadth-first search runs
//! over states, starting from every tie incident to `s` traversed away from `s` (distance 1,
//! `σ = 1`), adding `σ` along transitions to states one step farther. A node's distance `D(t)`
//! is the least distance of a state ending at `t` (`D(s) = 0`, so no walk back to `s` is a
//! target) and `σ_st` sums `σ` over the states ending at `t` at distance `D(t)`.
//!
//! Every prefix of a shortest walk to `t` ends at a state at its breadth-first distance (a
//! shorter way into that state would give a shorter walk to `t`), so the shortest walks to `t`
//! are exactly the paths of the shortest-state DAG from a start state to a state ending at `t`
//! at distance `D(t)`. States that are not shortest for their own end node are kept: they can
//! lie on shortest walks to farther nodes. Dependencies are accumulated backwards in
//! breadth-first order with the successor form of Brandes' recursion (a successor `y` of `x` is
//! on the DAG when `dist(y) = dist(x) + 1`, so no predecessor lists are stored):
//! `δ(x) = Σ_y σ(x)/σ(y) · (w(y) + δ(y))` with `w(y) = σ(y)/σ_{s,end(y)}` when `y` is terminal
//! (`dist(y) = D(end(y))`) and 0 otherwise; `δ(x)` is the sum over targets of the fraction of
//! shortest walks that pass through state `x` and go on. The betweenness of `v` receives `δ(x)`
//! for every state `x` ending at `v ≠ s`; a walk through `v` twice passes two such states.
//!
//! # Cost
//!
//! With `m` ties and `T ≤ Σ_v deg(v)·(deg(v)−1)` transitions: precomputation
//! `O(Σ_v deg(v)² · spells²)` time and `O(m + T)` memory; then `O(m + T)` time per source,
//! `O(n·(m + T))` in all. Hubs are the expensive part (a node of degree 10,000 whose ties all
//! coexist alone gives 10⁸ transitions).
//!
//! Parallel over sources with rayon. Determinism: sources are cut into a fixed number of
//! blocks that does not depend on the thread count; each block adds its sources' contributions
//! in source order into its own vector and the blocks are added in order, so results are
//! bit-identical whatever the thread count (as in [`crate::betweenness`]).

use rayon::prelude::*;

/// A closed interval of years `(from, to)`; `None` is open on that side.
pub type Spell = (Option<i32>, Option<i32>);

/// The spell list of a tie that holds always.
const ALWAYS: [Spell; 1] = [(None, None)];

/// Number of source blocks (fixed, so that sums do not depend on the thread count).
const BLOCKS: usize = 64;

/// Whether two spells share a year: `max(from) ≤ min(to)`, open ends never limiting.
fn spells_overlap(a: Spell, b: Spell) -> bool {
    let from = match (a.0, b.0) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    };
    let to = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    };
    match (from, to) {
        (Some(f), Some(t)) => f <= t,
        _ => true,
    }
}

/// Whether two spell lists coexist (overlap somewhere). An empty list holds always, so it
/// coexists with every list that has a non-empty spell (one with `from ≤ to`).
pub fn coexist(a: &[Spell], b: &[Spell]) -> bool {
    let a = if a.is_empty() { &ALWAYS[..] } else { a };
    let b = if b.is_empty() { &ALWAYS[..] } else { b };
    a.iter().any(|&x| b.iter().any(|&y| spells_overlap(x, y)))
}

/// Temporal betweenness of every node (see the module documentation): each unordered pair
/// `{s,t}` counted once, not normalised; on a graph whose ties all hold always it equals networkx
/// `betweenness_centrality(G, normalized=False)`.
///
/// `ties` are undirected ties over nodes `0..node_count`: `(u, v, spells)`, `u != v`, at most one
/// tie per unordered pair; a tie with an empty spell list holds always.
///
/// # Panics
///
/// When a tie has an endpoint `>= node_count`, is a self-loop, or joins a pair already joined
/// by an earlier tie (in either orientation).
pub fn temporal_betweenness(node_count: usize, ties: &[(usize, usize, Vec<Spell>)]) -> Vec<f64> {
    let n = node_count;
    if n == 0 {
        return Vec::new();
    }
    let graph = StateGraph::new(n, ties);
    let block = n.div_ceil(BLOCKS);
    let partials: Vec<Vec<f64>> = (0..n.div_ceil(block))
        .into_par_iter()
        .map(|b| {
            let mut work = Workspace::new(&graph);
            let mut acc = vec![0.0; n];
            for s in b * block..((b + 1) * block).min(n) {
                work.single_source(&graph, s, &mut acc);
            }
            acc
        })
        .collect();
    let mut total = vec![0.0; n];
    for p in partials {
        for (t, x) in total.iter_mut().zip(p) {
            *t += x;
        }
    }
    // Every unordered pair was seen from both ends (d and σ are symmetric).
    total.iter_mut().for_each(|x| *x *= 0.5);
    total
}

/// The state graph: state `2e` traverses tie `e = (u, v)` from `u` to `v`, state `2e + 1` from
/// `v` to `u`.
struct StateGraph {
    /// Node at which each state ends.
    end: Vec<u32>,
    /// Successor states of state `x`: `succ[succ_offsets[x]..succ_offsets[x + 1]]`.
    succ_offsets: Vec<usize>,
    succ: Vec<u32>,
    /// States leaving node `v` (one per incident tie): `leave[leave_offsets[v]..leave_offsets[v + 1]]`.
    leave_offsets: Vec<usize>,
    leave: Vec<u32>,
}

impl StateGraph {
    fn new(n: usize, ties: &[(usize, usize, Vec<Spell>)]) -> Self {
        let m = ties.len();
        assert!(
            2 * m <= u32::MAX as usize && n <= u32::MAX as usize,
            "temporal betweenness: graph too large"
        );
        let mut pairs: Vec<(usize, usize, usize)> = Vec::with_capacity(m);
        for (i, (u, v, _)) in ties.iter().enumerate() {
            assert!(
                *u < n && *v < n,
                "temporal betweenness: tie {i} ({u}, {v}) has an endpoint >= node_count {n}"
            );
            assert!(u != v, "temporal betweenness: tie {i} is a self-loop on node {u}");
            pairs.push(((*u).min(*v), (*u).max(*v), i));
        }
        pairs.sort_unstable();
        for w in pairs.windows(2) {
            assert!(
                (w[0].0, w[0].1) != (w[1].0, w[1].1),
                "temporal betweenness: ties {} and {} join the same pair ({}, {})",
                w[0].2,
                w[1].2,
                w[0].0,
                w[0].1
            );
        }

        let mut end = Vec::with_capacity(2 * m);
        let mut degree = vec![0usize; n];
        for (u, v, _) in ties {
            end.push(*v as u32);
            end.push(*u as u32);
            degree[*u] += 1;
            degree[*v] += 1;
        }
        let mut leave_offsets = Vec::with_capacity(n + 1);
        leave_offsets.push(0);
        for d in &degree {
            leave_offsets.push(leave_offsets.last().copied().unwrap_or(0) + d);
        }
        let mut fill = leave_offsets.clone();
        let mut leave = vec![0u32; 2 * m];
        for (e, (u, v, _)) in ties.iter().enumerate() {
            leave[fill[*u]] = (2 * e) as u32;
            fill[*u] += 1;
            leave[fill[*v]] = (2 * e + 1) as u32;
            fill[*v] += 1;
        }

        // Successors of a state ending at w: the states leaving w over another, coexisting tie.
        let mut succ_offsets = Vec::with_capacity(2 * m + 1);
        succ_offsets.push(0);
        let mut succ = Vec::new();
        for (x, &w) in end.iter().enumerate() {
            let e = x / 2;
            let w = w as usize;
            for &y in &leave[leave_offsets[w]..leave_offsets[w + 1]] {
                let f = y as usize / 2;
                if f != e && coexist(&ties[e].2, &ties[f].2) {
                    succ.push(y);
                }
            }
            succ_offsets.push(succ.len());
        }
        StateGraph { end, succ_offsets, succ, leave_offsets, leave }
    }

    fn successors(&self, x: usize) -> &[u32] {
        &self.succ[self.succ_offsets[x]..self.succ_offsets[x + 1]]
    }

    fn leaving(&self, v: usize) -> &[u32] {
        &self.leave[self.leave_offsets[v]..self.leave_offsets[v + 1]]
    }
}

/// Buffers of one worker, reset after each source.
struct Workspace {
    /// Per state: breadth-first distance (-1 unreached), number of shortest walks, dependency.
    dist: Vec<i32>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    /// States in breadth-first order.
    order: Vec<u32>,
    /// Per node: `D(t)` (-1 unreached; 0 for the source) and `σ_st`.
    node_dist: Vec<i32>,
    node_sigma: Vec<f64>,
    /// Nodes whose `node_dist` was set.
    reached: Vec<u32>,
}

impl Workspace {
    fn new(graph: &StateGraph) -> Self {
        let states = graph.end.len();
        let n = graph.leave_offsets.len() - 1;
        Workspace {
            dist: vec![-1; states],
            sigma: vec![0.0; states],
            delta: vec![0.0; states],
            order: Vec::with_capacity(states),
            node_dist: vec![-1; n],
            node_sigma: vec![0.0; n],
            reached: Vec::new(),
        }
    }

    /// Breadth-first search over states from source `s`; sets `D(t)` and `σ_st`.
    fn forward(&mut self, graph: &StateGraph, s: usize) {
        let Workspace { dist, sigma, order, node_dist, node_sigma, reached, .. } = self;
        for &x in graph.leaving(s) {
            dist[x as usize] = 1;
            sigma[x as usize] = 1.0;
            order.push(x);
        }
        crate::betweenness::count_shortest_paths(order, dist, sigma, |x| graph.successors(x));
        node_dist[s] = 0;
        reached.push(s as u32);
        for &x in order.iter() {
            let x = x as usize;
            let t = graph.end[x] as usize;
            if node_dist[t] < 0 {
                node_dist[t] = dist[x];
                node_sigma[t] = sigma[x];
                reached.push(t as u32);
            } else if node_dist[t] == dist[x] {
                node_sigma[t] += sigma[x];
            }
        }
    }

    /// Dependency accumulation after [`Workspace::forward`]: adds source `s`'s contributions.
    fn backward(&mut self, graph: &StateGraph, s: usize, acc: &mut [f64]) {
        let Workspace { dist, sigma, delta, order, node_dist, node_sigma, .. } = self;
        for &x in order.iter().rev() {
            let x = x as usize;
            let next = dist[x] + 1;
            let mut d = 0.0;
            for &y in graph.successors(x) {
                let y = y as usize;
                if dist[y] == next {
                    let mut c = delta[y] / sigma[y];
                    let t = graph.end[y] as usize;
                    if node_dist[t] == next {
                        c += 1.0 / node_sigma[t];
                    }
                    d += c;
                }
            }
            delta[x] = sigma[x] * d;
            let v = graph.end[x] as usize;
            if v != s {
                acc[v] += delta[x];
            }
        }
    }

    fn reset(&mut self) {
        for &x in &self.order {
            let x = x as usize;
            self.dist[x] = -1;
            self.sigma[x] = 0.0;
            self.delta[x] = 0.0;
        }
        self.order.clear();
        for &v in &self.reached {
            self.node_dist[v as usize] = -1;
            self.node_sigma[v as usize] = 0.0;
        }
        self.reached.clear();
    }

    fn single_source(&mut self, graph: &StateGraph, s: usize, acc: &mut [f64]) {
        self.forward(graph, s);
        self.backward(graph, s, acc);
        self.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    type Ties = Vec<(usize, usize, Vec<Spell>)>;

    /// SplitMix64: a small seeded generator for test graphs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, k: usize) -> usize {
            (self.next() % k as u64) as usize
        }
    }

    /// `m` distinct random pairs over `0..n` (G(n, m)).
    fn random_pairs(rng: &mut Rng, n: usize, m: usize) -> Vec<(usize, usize)> {
        let m = m.min(n * (n - 1) / 2);
        let mut seen = std::collections::HashSet::new();
        let mut pairs = Vec::with_capacity(m);
        while pairs.len() < m {
            let (u, v) = (rng.below(n), rng.below(n));
            if u != v && seen.insert((u.min(v), u.max(v))) {
                pairs.push((u, v));
            }
        }
        pairs
    }

    /// Zero to three spells in `base..base + span`, lasting up to `max_len` years, sometimes
    /// open-ended; an empty list (always) now and then.
    fn random_spells(rng: &mut Rng, base: i32, span: usize, max_len: usize) -> Vec<Spell> {
        let k = rng.below(4);
        (0..k)
            .map(|_| {
                let from = base + rng.below(span) as i32;
                let to = from + rng.below(max_len + 1) as i32;
                let from = if rng.below(12) == 0 { None } else { Some(from) };
                let to = if rng.below(12) == 0 { None } else { Some(to) };
                (from, to)
            })
            .collect()
    }

    fn random_temporal(rng: &mut Rng, n: usize, m: usize, span: usize, max_len: usize) -> Ties {
        random_pairs(rng, n, m)
            .into_iter()
            .map(|(u, v)| (u, v, random_spells(rng, 1990, span, max_len)))
            .collect()
    }

    fn always(pairs: &[(usize, usize)]) -> Ties {
        pairs.iter().map(|&(u, v)| (u, v, Vec::new())).collect()
    }

    fn strip_spells(ties: &Ties) -> Ties {
        ties.iter().map(|(u, v, _)| (*u, *v, Vec::new())).collect()
    }

    /// Per node `(D(t), σ_st)` from source `s`; `None` when unreachable, `Some(0)` for `s`.
    fn distances(n: usize, ties: &Ties, s: usize) -> Vec<(Option<i32>, f64)> {
        let graph = StateGraph::new(n, ties);
        let mut work = Workspace::new(&graph);
        work.forward(&graph, s);
        let out = (0..n)
            .map(|t| {
                let d = work.node_dist[t];
                (if d < 0 { None } else { Some(d) }, work.node_sigma[t])
            })
            .collect();
        work.reset();
        out
    }

    /// networkx `betweenness_centrality(G, normalized=False)` of the undirected graph.
    fn networkx_betweenness(n: usize, pairs: &[(usize, usize)]) -> Vec<f64> {
        let script = r#"
import sys
import networkx as nx
lines = sys.stdin.read().split("\n")
g = nx.Graph()
g.add_nodes_from(range(int(lines[0])))
for line in lines[1:]:
    if line.strip():
        u, v = line.split()
        g.add_edge(int(u), int(v))
bc = nx.betweenness_centrality(g, normalized=False)
for i in range(g.number_of_nodes()):
    print(repr(float(bc[i])))
"#;
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs (scripts/test.sh installs networkx)");
        let mut input = format!("{n}\n");
        for (u, v) in pairs {
            input.push_str(&format!("{u} {v}\n"));
        }
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "networkx betweenness failed (is networkx installed? scripts/test.sh installs it): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let values: Vec<f64> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        assert_eq!(values.len(), n);
        values
    }

    fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths differ");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= tol, "{what}: node {i}: got {g}, want {w}");
        }
    }

    /// Independent reference: enumerates every walk level by level (no shortest-path logic
    /// beyond "the first level at which t is reached"), counting interior visits of each node.
    fn brute_force(n: usize, ties: &Ties) -> Vec<f64> {
        let mut incident: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (e, (u, v, _)) in ties.iter().enumerate() {
            incident[*u].push((e, *v));
            incident[*v].push((e, *u));
        }
        let mut bc = vec![0.0; n];
        for s in 0..n {
            // Reachable nodes: plain search over (node, last tie) pairs.
            let mut reachable = vec![false; n];
            let mut seen = std::collections::HashSet::new();
            let mut stack: Vec<(usize, usize)> = incident[s].iter().map(|&(e, w)| (w, e)).collect();
            while let Some((w, e)) = stack.pop() {
                if !seen.insert((w, e)) {
                    continue;
                }
                reachable[w] = true;
                for &(f, z) in &incident[w] {
                    if f != e && coexist(&ties[e].2, &ties[f].2) {
                        stack.push((z, f));
                    }
                }
            }
            reachable[s] = false;
            let mut remaining = reachable.iter().filter(|&&r| r).count();
            let mut found = vec![false; n];
            // Walks of the current length: (nodes, last tie).
            let mut level: Vec<(Vec<usize>, usize)> =
                incident[s].iter().map(|&(e, w)| (vec![s, w], e)).collect();
            while remaining > 0 {
                assert!(level.len() < 2_000_000, "brute force: too many walks");
                let mut count = vec![0usize; n];
                for (nodes, _) in &level {
                    count[*nodes.last().unwrap()] += 1;
                }
                for t in 0..n {
                    if t == s || found[t] || count[t] == 0 {
                        continue;
                    }
                    for (nodes, _) in level.iter().filter(|(nodes, _)| *nodes.last().unwrap() == t)
                    {
                        for &v in &nodes[1..nodes.len() - 1] {
                            if v != s && v != t {
                                bc[v] += 1.0 / count[t] as f64;
                            }
                        }
                    }
                    found[t] = true;
                    remaining -= 1;
                }
                let mut next = Vec::new();
                for (nodes, e) in &level {
                    let w = *nodes.last().unwrap();
                    for &(f, z) in &incident[w] {
                        if f != *e && coexist(&ties[*e].2, &ties[f].2) {
                            let mut longer = nodes.clone();
                            longer.push(z);
                            next.push((longer, f));
                        }
                    }
                }
                level = next;
            }
        }
        bc.iter().map(|x| x * 0.5).collect()
    }

    #[test]
    fn coexist_follows_the_overlap_rule() {
        let y = |a: i32, b: i32| (Some(a), Some(b));
        // Closed ends: sharing one year is enough.
        assert!(coexist(&[y(1990, 1995)], &[y(1995, 2000)]));
        assert!(!coexist(&[y(1990, 1995)], &[y(1996, 2000)]));
        assert!(coexist(&[y(1990, 2010)], &[y(2000, 2001)]));
        // Open ends never limit.
        assert!(coexist(&[(None, Some(1990))], &[(Some(1800), None)]));
        assert!(!coexist(&[(None, Some(1990))], &[(Some(1991), None)]));
        assert!(coexist(&[(None, None)], &[y(2000, 2000)]));
        // An empty list holds always.
        assert!(coexist(&[], &[y(2000, 2000)]));
        assert!(coexist(&[], &[]));
        // Some spell of one overlaps some spell of the other.
        assert!(coexist(&[y(1980, 1981), y(2000, 2001)], &[y(1990, 1991), y(2001, 2005)]));
        assert!(!coexist(&[y(1980, 1981), y(2000, 2001)], &[y(1990, 1991), y(2002, 2005)]));
        // A spell with from > to is empty.
        assert!(!coexist(&[y(2000, 1990)], &[]));
        assert!(!coexist(&[y(2000, 1990)], &[y(1995, 1995)]));
        // Symmetric.
        assert_eq!(
            coexist(&[y(1990, 1995)], &[(Some(1995), None)]),
            coexist(&[(Some(1995), None)], &[y(1990, 1995)])
        );
    }

    #[test]
    fn always_ties_match_networkx_on_random_graphs() {
        let mut rng = Rng(20_240_601);
        for &(n, m) in
            &[(50, 50), (50, 200), (80, 120), (100, 400), (120, 240), (150, 300), (150, 1200)]
        {
            let pairs = random_pairs(&mut rng, n, m);
            let want = networkx_betweenness(n, &pairs);
            assert_close(
                &temporal_betweenness(n, &always(&pairs)),
                &want,
                1e-9,
                &format!("G({n},{m})"),
            );
            // Spells that all overlap (a common year) act as "always".
            let overlapping: Ties = pairs
                .iter()
                .map(|&(u, v)| {
                    let from = 1990 + rng.below(10) as i32;
                    (u, v, vec![(Some(from), Some(2000 + rng.below(10) as i32))])
                })
                .collect();
            assert_close(
                &temporal_betweenness(n, &overlapping),
                &want,
                1e-9,
                &format!("G({n},{m}) spells"),
            );
        }
    }

    #[test]
    fn always_ties_match_networkx_on_path_star_cycle() {
        let path: Vec<(usize, usize)> = (0..9).map(|i| (i, i + 1)).collect();
        let star: Vec<(usize, usize)> = (1..12).map(|i| (0, i)).collect();
        let cycle: Vec<(usize, usize)> = (0..9).map(|i| (i, (i + 1) % 9)).collect();
        let even_cycle: Vec<(usize, usize)> = (0..8).map(|i| ((i + 1) % 8, i)).collect();
        for (name, n, pairs) in
            [("path", 10, path), ("star", 12, star), ("cycle", 9, cycle), ("cycle8", 8, even_cycle)]
        {
            let got = temporal_betweenness(n, &always(&pairs));
            assert_close(&got, &networkx_betweenness(n, &pairs), 1e-9, name);
        }
        // The closed forms, for the record: path i·(n−1−i), star centre C(n−1, 2).
        let got =
            temporal_betweenness(10, &always(&(0..9).map(|i| (i, i + 1)).collect::<Vec<_>>()));
        assert_close(
            &got,
            &(0..10).map(|i| (i * (9 - i)) as f64).collect::<Vec<_>>(),
            1e-12,
            "path closed form",
        );
    }

    #[test]
    fn disjoint_spells_break_the_path() {
        // a–b 1990–1995, b–c 2000–2005: no walk a→c.
        let ties: Ties =
            vec![(0, 1, vec![(Some(1990), Some(1995))]), (1, 2, vec![(Some(2000), Some(2005))])];
        assert_eq!(temporal_betweenness(3, &ties), vec![0.0, 0.0, 0.0]);
        let from_a = distances(3, &ties, 0);
        assert_eq!(from_a[1], (Some(1), 1.0));
        assert_eq!(from_a[2].0, None, "c is unreachable from a");
        assert_eq!(distances(3, &ties, 2)[0].0, None, "a is unreachable from c");
        assert_eq!(distances(3, &ties, 1)[0].0, Some(1));
        assert_eq!(distances(3, &ties, 1)[2].0, Some(1));
    }

    #[test]
    fn overlapping_spells_give_the_static_value() {
        // a–b 1990–2000, b–c 2000–2005 share the year 2000.
        let ties: Ties =
            vec![(0, 1, vec![(Some(1990), Some(2000))]), (1, 2, vec![(Some(2000), Some(2005))])];
        assert_eq!(temporal_betweenness(3, &ties), vec![0.0, 1.0, 0.0]);
        assert_eq!(distances(3, &ties, 0)[2], (Some(2), 1.0));
    }

    #[test]
    fn the_time_constraint_forces_a_longer_walk() {
        // a=0 b=1 c=2 d=3 e=4: a–b 1990–1995, b–c 2000–2005 (b's ties do not coexist), and
        // a–d, d–e, e–c always. Static graph: the 5-cycle a b c e d, every node 1.
        let ties: Ties = vec![
            (0, 1, vec![(Some(1990), Some(1995))]),
            (1, 2, vec![(Some(2000), Some(2005))]),
            (0, 3, vec![]),
            (3, 4, vec![]),
            (4, 2, vec![]),
        ];
        assert_close(
            &temporal_betweenness(5, &strip_spells(&ties)),
            &[1.0; 5],
            1e-12,
            "static 5-cycle",
        );
        // By hand: a–c takes a d e c (d, e +1 each; not a b c); a–e: a d e (d +1);
        // b–d: b a d (a +1); b–e: b c e (c +1); c–d: c e d (e +1); the other pairs are ties.
        assert_close(
            &temporal_betweenness(5, &ties),
            &[1.0, 0.0, 1.0, 2.0, 2.0],
            1e-12,
            "temporal",
        );
        assert_eq!(distances(5, &ties, 0)[2], (Some(3), 1.0));
        assert_eq!(distances(5, &ties, 2)[0], (Some(3), 1.0));
        assert_eq!(distances(5, &ties, 1)[4], (Some(2), 1.0));
    }

    #[test]
    fn a_shortest_walk_may_revisit_a_node_and_counts_it_twice() {
        // s=0 v=1 x=2 y=3 t=4: s–v 1990, v–x 1990–2000, x–y 2000–2010, y–v 2010, v–t 2010.
        // At v, s–v coexists only with v–x and y–v only with v–t, so the only walk s→t is
        // s v x y v t (length 5), with v twice in its interior.
        let ties: Ties = vec![
            (0, 1, vec![(Some(1990), Some(1990))]),
            (1, 2, vec![(Some(1990), Some(2000))]),
            (2, 3, vec![(Some(2000), Some(2010))]),
            (3, 1, vec![(Some(2010), Some(2010))]),
            (1, 4, vec![(Some(2010), Some(2010))]),
        ];
        assert_eq!(distances(5, &ties, 0)[4], (Some(5), 1.0));
        assert_eq!(distances(5, &ties, 4)[0], (Some(5), 1.0));
        // v: s–x, s–y, x–t, y–t once each and s–t twice = 6; x: s–y, s–t; y: s–t, x–t.
        let got = temporal_betweenness(5, &ties);
        assert_close(&got, &[0.0, 6.0, 2.0, 2.0, 0.0], 1e-12, "revisit");
        assert_close(
            &brute_force(5, &ties),
            &[0.0, 6.0, 2.0, 2.0, 0.0],
            1e-12,
            "revisit, brute force",
        );
        // Static triangle v x y with pendants s, t: v 5, the rest 0.
        assert_close(
            &temporal_betweenness(5, &strip_spells(&ties)),
            &[0.0, 5.0, 0.0, 0.0, 0.0],
            1e-12,
            "static",
        );
    }

    #[test]
    fn matches_brute_force_walk_enumeration() {
        let mut rng = Rng(7);
        let mut differs = 0;
        for round in 0..150 {
            let n = 5 + rng.below(4);
            let m = n - 1 + rng.below(n + 2);
            let ties = random_temporal(&mut rng, n, m, 12, 4);
            let got = temporal_betweenness(n, &ties);
            let want = brute_force(n, &ties);
            assert_close(&got, &want, 1e-9, &format!("round {round}: {ties:?}"));
            // Count graphs where the static value differs (the constraint matters).
            if got != temporal_betweenness(n, &strip_spells(&ties)) {
                differs += 1;
            }
        }
        assert!(differs > 30, "the random spells should usually matter ({differs})");
    }

    #[test]
    fn distances_are_symmetric() {
        let mut rng = Rng(99);
        for _ in 0..20 {
            let n = 30;
            let ties = random_temporal(&mut rng, n, 60, 30, 6);
            let all: Vec<_> = (0..n).map(|s| distances(n, &ties, s)).collect();
            for s in 0..n {
                for t in 0..n {
                    if s != t {
                        assert_eq!(all[s][t], all[t][s], "d/σ between {s} and {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn always_never_decreases_connectivity() {
        let mut rng = Rng(4242);
        let mut shorter = 0;
        for _ in 0..20 {
            let n = 40;
            let ties = random_temporal(&mut rng, n, 70, 30, 5);
            let stripped = strip_spells(&ties);
            for s in 0..n {
                let temporal = distances(n, &ties, s);
                let static_ = distances(n, &stripped, s);
                for t in 0..n {
                    if let Some(d) = temporal[t].0 {
                        let ds = static_[t].0.expect("reachable over time ⇒ reachable when always");
                        assert!(ds <= d, "{s}→{t}: always {ds} > temporal {d}");
                        shorter += (ds < d) as usize;
                    }
                }
            }
        }
        assert!(shorter > 0, "some pairs should be strictly closer when every tie holds always");
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let mut rng = Rng(31_337);
        let n = 300;
        let ties = random_temporal(&mut rng, n, 900, 40, 8);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| temporal_betweenness(n, &ties))
        };
        let one = run(1);
        assert!(one.iter().any(|&x| x > 0.0));
        for threads in [2, 3, 8] {
            assert_eq!(run(threads), one, "{threads} threads");
        }
    }

    #[test]
    fn degenerate_graphs() {
        assert!(temporal_betweenness(0, &[]).is_empty());
        assert_eq!(temporal_betweenness(3, &[]), vec![0.0; 3]);
        // A tie whose only spell is empty (from > to) still joins its ends by itself but
        // coexists with nothing.
        let ties: Ties = vec![(0, 1, vec![(Some(2000), Some(1990))]), (1, 2, vec![])];
        assert_eq!(temporal_betweenness(3, &ties), vec![0.0; 3]);
        assert_eq!(distances(3, &ties, 0)[1].0, Some(1));
        assert_eq!(distances(3, &ties, 0)[2].0, None);
    }

    #[test]
    #[should_panic(expected = "self-loop")]
    fn a_self_loop_panics() {
        temporal_betweenness(2, &[(1, 1, vec![])]);
    }

    #[test]
    #[should_panic(expected = "join the same pair")]
    fn a_repeated_pair_panics() {
        temporal_betweenness(
            3,
            &[(0, 1, vec![]), (1, 2, vec![]), (1, 0, vec![(Some(1990), None)])],
        );
    }
}
