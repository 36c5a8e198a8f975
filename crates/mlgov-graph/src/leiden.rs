//! Community detection by the Leiden algorithm (Traag, Waltman & van Eck 2019, "From Louvain
//! to Leiden: guaranteeing well-connected communities", Sci. Rep. 9:5233,
//! doi:10.1038/s41598-019-41695-z), for modularity with resolution γ, and a best-of-N-seeds
//! driver for Louvain and Leiden. Input and conventions are those of [`crate::louvain`]
//! (symmetric adjacency list, self-loops listed once with their full `A_ii`, non-negative
//! weights; communities numbered in order of their smallest node; ChaCha8 seeding).
//!
//! What is implemented (the paper's Algorithm A.2 for modularity; CPM is not implemented):
//!
//! * Gain of putting node `v` (strength `k_v`, taken out of its community) into community
//!   `C`: `Δ(v→C) = k_v,C − γ k_v K_C / 2m` (`k_v,C`: weight from `v` to `C` without
//!   self-loop; `K_C`: strength of `C` without `v`; an empty community has `Δ = 0`). Moving
//!   `v` from `A` to `B` changes modularity by `(Δ(v→B) − Δ(v→A)) / m`.
//! * Fast local moving: all nodes enter a queue in ChaCha8-shuffled order; the popped node
//!   goes to the neighbouring or empty community with the largest Δ if that beats staying by
//!   more than `1e-10·k_v` (ties: staying, then neighbour order, then empty); after a move,
//!   its neighbours outside its new community that are not queued are appended.
//! * Refinement, the paper's randomised variant (not the greedy one), θ =
//!   [`REFINEMENT_RANDOMNESS`] = 0.01: inside each community `S`, from singletons, nodes are
//!   visited once in shuffled order; a node still alone and well connected
//!   (`E(v, S−v) ≥ γ k_v (K_S − k_v) / 2m`) stays alone (`Δ = 0`) or joins a neighbouring
//!   well-connected cluster `C ⊆ S` (`E(C, S−C) ≥ γ K_C (K_S − K_C) / 2m`) with `Δ ≥ 0`, with
//!   probability ∝ `exp(Δ/θ)`. Δ is in edge-weight units as in igraph's C code (leidenalg's
//!   modularity class divides by 2m): nearly greedy for unit weights, more random for small
//!   weights. A node only joins a cluster it has a positive-weight edge to.
//! * Aggregation on the refined partition; each aggregate node starts in its community of the
//!   moved (non-refined) partition. Levels repeat until fast moving leaves every aggregate
//!   node alone. If refinement merges nothing (a chance event), the level aggregates the
//!   connected parts of the moved communities instead, so every level shrinks the graph.
//! * Iterations: the whole procedure restarts from its result until the partition no longer
//!   changes (igraph's `n_iterations = -1`); every change raises modularity, so this ends.
//!
//! Guarantee: every community induces a connected subgraph (through positive-weight edges);
//! nodes without edges are communities of their own. Same input and seed give the same
//! partition. `levels` counts the fast-moving rounds, over all iterations, that moved a node.
//! An iteration costs about one Louvain run; there are often 5–15 (each gains modularity).

use std::collections::{BTreeMap, HashSet, VecDeque};

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::louvain::{Communities, LouvainConfig, louvain_adjacency, modularity};

/// Randomness θ of the refinement phase (Traag et al. 2019 use 0.01, as does igraph).
pub const REFINEMENT_RANDOMNESS: f64 = 0.01;

type Neighbours = Vec<(usize, f64)>;

/// Community detection method of [`best_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// [`louvain_adjacency`].
    Louvain,
    /// [`leiden_adjacency`].
    Leiden,
}

/// The result of [`best_of`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestOf {
    /// The partition of highest modularity (the lowest seed among equals).
    pub best: Communities,
    /// The seed that gave `best`.
    pub seed: u64,
    /// Number of runs.
    pub runs: usize,
    /// Modularity of each run, in seed order.
    pub modularities: Vec<f64>,
    /// Number of different partitions among the runs.
    pub distinct_partitions: usize,
}

/// Leiden communities of a symmetric adjacency list (see the module documentation).
pub fn leiden_adjacency(adj: &[Vec<(usize, f64)>], config: &LouvainConfig) -> Communities {
    let two_m: f64 = adj.iter().flatten().map(|&(_, w)| w).sum();
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut partition: Vec<usize> = (0..adj.len()).collect();
    let mut levels = 0;
    if two_m > 0.0 {
        loop {
            let next = iteration(adj, config.resolution / two_m, &partition, &mut rng, &mut levels);
            let (next, _) = canonical(&next);
            if next == partition {
                break;
            }
            partition = next;
        }
    }
    let (community, count) = canonical(&partition);
    let modularity = modularity(adj, &community, config.resolution);
    Communities { community, count, modularity, levels }
}

/// Runs `method` with seeds `config.seed`, `config.seed + 1`, … (`runs` of them; 0 counts as
/// 1) and keeps the partition of highest modularity, the lowest seed winning ties.
pub fn best_of(
    adj: &[Vec<(usize, f64)>],
    config: &LouvainConfig,
    runs: usize,
    method: Method,
) -> BestOf {
    let runs = runs.max(1);
    let run = |i: usize| {
        let seed = config.seed.wrapping_add(i as u64);
        let config = LouvainConfig { seed, ..*config };
        let result = match method {
            Method::Louvain => louvain_adjacency(adj, &config),
            Method::Leiden => leiden_adjacency(adj, &config),
        };
        (seed, result)
    };
    let (mut seed, mut best) = run(0);
    let mut modularities = vec![best.modularity];
    let mut partitions = HashSet::from([best.community.clone()]);
    for i in 1..runs {
        let (s, result) = run(i);
        modularities.push(result.modularity);
        partitions.insert(result.community.clone());
        if result.modularity > best.modularity {
            (seed, best) = (s, result);
        }
    }
    BestOf { best, seed, runs, modularities, distinct_partitions: partitions.len() }
}

/// One Leiden iteration from `start` (a partition of the nodes of `adj`): fast moving,
/// refinement and aggregation, level after level. Returns the partition of the nodes of `adj`.
fn iteration(
    adj: &[Neighbours],
    scale: f64,
    start: &[usize],
    rng: &mut ChaCha8Rng,
    levels: &mut usize,
) -> Vec<usize> {
    let mut graph: Vec<Neighbours> = adj.to_vec();
    // membership[i] = aggregate node of node i of `adj`; partition = community of each aggregate node.
    let mut membership: Vec<usize> = (0..adj.len()).collect();
    let mut partition = start.to_vec();
    loop {
        let strength = graph.iter().map(|l| l.iter().map(|&(_, w)| w).sum()).collect();
        let level = Level { adj: &graph, strength, scale };
        if level.move_nodes_fast(&mut partition, rng) {
            *levels += 1;
        }
        let count;
        (partition, count) = canonical(&partition);
        if count == graph.len() {
            break;
        }
        let mut refined = level.refine(&partition, count, rng);
        let mut refined_count;
        (refined, refined_count) = canonical(&refined);
        if refined_count == graph.len() {
            (refined, refined_count) = canonical(&connected_parts(&graph, &partition));
            if refined_count == graph.len() {
                // No community has an internal edge (only possible with γ ≈ 0): split them all.
                partition = refined;
                break;
            }
        }
        let mut next = vec![0; refined_count];
        for (v, &r) in refined.iter().enumerate() {
            next[r] = partition[v];
        }
        for m in membership.iter_mut() {
            *m = refined[*m];
        }
        graph = aggregate(&graph, &refined, refined_count);
        partition = next;
    }
    membership.iter().map(|&a| partition[a]).collect()
}

/// One level of the algorithm: a (possibly aggregated) graph, its node strengths and γ / 2m.
struct Level<'a> {
    adj: &'a [Neighbours],
    strength: Vec<f64>,
    scale: f64,
}

impl Level<'_> {
    /// Fast local moving (queue-based) from the partition `community` (labels below the node
    /// count), updated in place. Returns whether any node moved.
    fn move_nodes_fast(&self, community: &mut [usize], rng: &mut ChaCha8Rng) -> bool {
        let (adj, strength, scale) = (self.adj, &self.strength, self.scale);
        let n = adj.len();
        let (mut tot, mut size) = (vec![0.0; n], vec![0usize; n]);
        for (v, &c) in community.iter().enumerate() {
            tot[c] += strength[v];
            size[c] += 1;
        }
        let mut empty: Vec<usize> = (0..n).filter(|&c| size[c] == 0).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(rng);
        let mut queue = VecDeque::from(order);
        let mut queued = vec![true; n];
        let (mut weight_to, mut seen, mut touched) = (vec![0.0; n], vec![false; n], Vec::new());
        let mut moved = false;
        while let Some(v) = queue.pop_front() {
            queued[v] = false;
            let (own, k) = (community[v], strength[v]);
            for &(u, w) in adj[v].iter().filter(|&&(u, _)| u != v) {
                let c = community[u];
                if !seen[c] {
                    seen[c] = true;
                    touched.push(c);
                }
                weight_to[c] += w;
            }
            tot[own] -= k;
            size[own] -= 1;
            let gain = |c: usize| weight_to[c] - scale * k * tot[c];
            let tolerance = 1e-10 * k;
            let (mut best, mut best_gain) = (own, gain(own));
            for &c in &touched {
                if gain(c) > best_gain + tolerance {
                    (best, best_gain) = (c, gain(c));
                }
            }
            if size[own] > 0 && 0.0 > best_gain + tolerance {
                // The other n − 1 nodes fill at most n − 1 of the n labels, so an empty one exists.
                best = empty.pop().expect("an empty community label");
            }
            tot[best] += k;
            size[best] += 1;
            if best != own {
                if size[own] == 0 {
                    empty.push(own);
                }
                community[v] = best;
                moved = true;
                for &(u, _) in &adj[v] {
                    if u != v && community[u] != best && !queued[u] {
                        queued[u] = true;
                        queue.push_back(u);
                    }
                }
            }
            for c in touched.drain(..) {
                weight_to[c] = 0.0;
                seen[c] = false;
            }
        }
        moved
    }

    /// Refinement of `partition` (`count` communities): returns the refined cluster of each node.
    fn refine(&self, partition: &[usize], count: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
        let (adj, strength, scale) = (self.adj, &self.strength, self.scale);
        let n = adj.len();
        let inside =
            |v: usize| adj[v].iter().filter(move |&&(u, _)| u != v && partition[u] == partition[v]);
        let mut subset_total = vec![0.0; count];
        for (v, &k) in strength.iter().enumerate() {
            subset_total[partition[v]] += k;
        }
        let mut refined: Vec<usize> = (0..n).collect();
        let mut weight = strength.to_vec();
        // external[c] = E(c, S − c): weight from cluster c to the rest of its community S.
        let mut external: Vec<f64> = (0..n).map(|v| inside(v).map(|&(_, w)| w).sum()).collect();
        let mut joined = vec![false; n];
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(rng);
        let (mut weight_to, mut seen, mut touched) = (vec![0.0; n], vec![false; n], Vec::new());
        let mut candidates: Vec<(usize, f64)> = Vec::new();
        for v in order {
            let (own, k, total) = (refined[v], strength[v], subset_total[partition[v]]);
            if joined[own] || external[own] < scale * k * (total - k) {
                continue;
            }
            (weight[own], external[own]) = (0.0, 0.0);
            for &(u, w) in inside(v).filter(|&&(_, w)| w > 0.0) {
                let c = refined[u];
                if !seen[c] {
                    seen[c] = true;
                    touched.push(c);
                }
                weight_to[c] += w;
            }
            candidates.clear();
            candidates.push((own, 0.0));
            for c in touched.drain(..) {
                let diff = weight_to[c] - scale * k * weight[c];
                if external[c] >= scale * weight[c] * (total - weight[c]) && diff >= 0.0 {
                    candidates.push((c, diff));
                }
                weight_to[c] = 0.0;
                seen[c] = false;
            }
            let chosen = sample(&candidates, rng);
            weight[chosen] += k;
            for &(u, w) in inside(v) {
                external[chosen] += if refined[u] == chosen { -w } else { w };
            }
            if chosen != own {
                refined[v] = chosen;
                joined[chosen] = true;
            }
        }
        refined
    }
}

/// Draws a candidate with probability ∝ exp(Δ/θ) (shifted by the largest Δ against overflow).
fn sample(candidates: &[(usize, f64)], rng: &mut ChaCha8Rng) -> usize {
    let max = candidates.iter().map(|&(_, d)| d).fold(0.0, f64::max);
    let odds = |d: f64| ((d - max) / REFINEMENT_RANDOMNESS).exp();
    let mut r = rng.random::<f64>() * candidates.iter().map(|&(_, d)| odds(d)).sum::<f64>();
    for &(c, d) in candidates {
        if r < odds(d) {
            return c;
        }
        r -= odds(d);
    }
    candidates.last().map_or(0, |&(c, _)| c)
}

/// Splits each community into its connected parts (positive-weight edges inside it); the
/// label of a part is its first node.
fn connected_parts(adj: &[Neighbours], community: &[usize]) -> Vec<usize> {
    let mut label = vec![usize::MAX; adj.len()];
    let mut stack = Vec::new();
    for s in 0..adj.len() {
        if label[s] != usize::MAX {
            continue;
        }
        label[s] = s;
        stack.push(s);
        while let Some(v) = stack.pop() {
            for &(u, w) in &adj[v] {
                if w > 0.0 && label[u] == usize::MAX && community[u] == community[v] {
                    label[u] = s;
                    stack.push(u);
                }
            }
        }
    }
    label
}

/// Renumbers labels in order of first appearance; returns the new labels and their count.
fn canonical(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut map = vec![usize::MAX; labels.iter().max().map_or(0, |&l| l + 1)];
    let mut count = 0;
    let out = labels
        .iter()
        .map(|&l| {
            if map[l] == usize::MAX {
                map[l] = count;
                count += 1;
            }
            map[l]
        })
        .collect();
    (out, count)
}

/// One node per cluster, weights summed, internal weight as a self-loop.
fn aggregate(adj: &[Neighbours], cluster: &[usize], count: usize) -> Vec<Neighbours> {
    let mut maps: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); count];
    for (i, list) in adj.iter().enumerate() {
        for &(j, w) in list {
            *maps[cluster[i]].entry(cluster[j]).or_insert(0.0) += w;
        }
    }
    maps.into_iter().map(|m| m.into_iter().collect()).collect()
}
