//! Community detection by the Louvain method (Blondel, Guillaume, Lambiotte & Lefebvre 2008,
//! "Fast unfolding of communities in large networks", J. Stat. Mech. P10008), seeded and
//! deterministic, with the modularity of the result (Newman & Girvan 2004).
//!
//! Written by hand rather than taken from a crate: the maintained Rust implementations
//! (graphrs, leiden-rs) bring their own graph types and heavier dependency trees, and the
//! method is short. Definition followed:
//!
//! * Modularity with resolution γ (Reichardt & Bornholdt 2006):
//!   `Q = Σ_c [ Σ_in(c) / 2m − γ (Σ_tot(c) / 2m)² ]`, where `Σ_in(c)` sums `A_ij` over ordered
//!   pairs inside `c` and `Σ_tot(c)` the strengths of its nodes.
//! * Phase 1 (local moving): nodes are visited in an order shuffled once per level by a
//!   ChaCha8 generator seeded with `seed`; each node moves to the neighbouring community with
//!   the largest gain `k_i,C − γ Σ_tot(C) k_i / 2m` (strictly larger than staying; ties go to
//!   the community met first in neighbour-index order); passes repeat until no node moves.
//! * Phase 2 (aggregation): communities become nodes, internal weight becomes a self-loop;
//!   the two phases repeat until a level moves no node.
//!
//! Complexity: about O(m) per pass; in practice O(m log n) overall. Same input and seed give
//! the same partition on every run and thread count (the method is sequential).

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::model::GovernanceGraph;

/// Parameters of [`louvain`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LouvainConfig {
    /// Seed of the node visiting order.
    pub seed: u64,
    /// Resolution γ (1 = classic modularity; larger gives smaller communities).
    pub resolution: f64,
}

impl Default for LouvainConfig {
    fn default() -> Self {
        LouvainConfig { seed: 42, resolution: 1.0 }
    }
}

/// The result of [`louvain`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Communities {
    /// Community of each node, by node index; communities are numbered in order of their
    /// smallest node index (node 0 is always in community 0).
    pub community: Vec<usize>,
    /// Number of communities.
    pub count: usize,
    /// Modularity of the partition (with the configured resolution).
    pub modularity: f64,
    /// Number of aggregation levels that moved at least one node.
    pub levels: usize,
}

/// Louvain communities of `graph` (simple undirected weighted graph, see
/// [`GovernanceGraph::simple_adjacency`]).
pub fn louvain(graph: &GovernanceGraph, config: &LouvainConfig) -> Communities {
    louvain_adjacency(&graph.simple_adjacency(), config)
}

/// Louvain communities of a symmetric adjacency list (self-loops allowed, listed once with
/// their full `A_ii`).
pub fn louvain_adjacency(adj: &[Vec<(usize, f64)>], config: &LouvainConfig) -> Communities {
    let n = adj.len();
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    // membership[i] = current aggregated node of original node i.
    let mut membership: Vec<usize> = (0..n).collect();
    let mut level_adj: Vec<Vec<(usize, f64)>> = adj.to_vec();
    let mut levels = 0;
    let total: f64 = adj.iter().flatten().map(|&(_, w)| w).sum();
    if total > 0.0 {
        loop {
            let (community, moved) = local_moving(&level_adj, total, config.resolution, &mut rng);
            if !moved {
                break;
            }
            levels += 1;
            let (renumbered, count) = canonical(&community);
            for m in membership.iter_mut() {
                *m = renumbered[*m];
            }
            level_adj = aggregate(&level_adj, &renumbered, count);
        }
    }
    let (community, count) = canonical(&membership);
    let modularity = modularity(adj, &community, config.resolution);
    Communities { community, count, modularity, levels }
}

/// Modularity of a partition of a symmetric adjacency list, with resolution γ. Zero for a
/// graph without edges.
pub fn modularity(adj: &[Vec<(usize, f64)>], community: &[usize], resolution: f64) -> f64 {
    let two_m: f64 = adj.iter().flatten().map(|&(_, w)| w).sum();
    if two_m <= 0.0 {
        return 0.0;
    }
    let c_count = community.iter().copied().max().map_or(0, |c| c + 1);
    let mut inside = vec![0.0; c_count];
    let mut tot = vec![0.0; c_count];
    for (i, list) in adj.iter().enumerate() {
        for &(j, w) in list {
            tot[community[i]] += w;
            if community[i] == community[j] {
                inside[community[i]] += w;
            }
        }
    }
    inside.iter().zip(&tot).map(|(i, t)| i / two_m - resolution * (t / two_m).powi(2)).sum()
}

/// Renumbers labels in order of first appearance; returns the new labels and their count.
fn canonical(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut map = std::collections::HashMap::new();
    let out = labels
        .iter()
        .map(|&l| {
            let next = map.len();
            *map.entry(l).or_insert(next)
        })
        .collect();
    (out, map.len())
}

/// Phase 1. Returns the community of each node and whether any node moved.
fn local_moving(
    adj: &[Vec<(usize, f64)>],
    two_m: f64,
    gamma: f64,
    rng: &mut ChaCha8Rng,
) -> (Vec<usize>, bool) {
    let n = adj.len();
    let strength: Vec<f64> = adj.iter().map(|l| l.iter().map(|&(_, w)| w).sum()).collect();
    let mut community: Vec<usize> = (0..n).collect();
    let mut tot = strength.clone();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let mut to_community = vec![0.0; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut seen = vec![false; n];
    let mut moved_any = false;
    loop {
        let mut moved = false;
        for &i in &order {
            let own = community[i];
            let k_i = strength[i];
            touched.clear();
            for &(j, w) in &adj[i] {
                if j == i {
                    continue;
                }
                let c = community[j];
                if !seen[c] {
                    seen[c] = true;
                    touched.push(c);
                }
                to_community[c] += w;
            }
            tot[own] -= k_i;
            let gain = |c: usize, k_in: f64, tot: &[f64]| k_in - gamma * tot[c] * k_i / two_m;
            let mut best = own;
            let mut best_gain = gain(own, to_community[own], &tot);
            for &c in &touched {
                let g = gain(c, to_community[c], &tot);
                if g > best_gain + 1e-12 {
                    best = c;
                    best_gain = g;
                }
            }
            tot[best] += k_i;
            if best != own {
                community[i] = best;
                moved = true;
                moved_any = true;
            }
            for &c in &touched {
                to_community[c] = 0.0;
                seen[c] = false;
            }
            to_community[own] = 0.0;
        }
        if !moved {
            break;
        }
    }
    (community, moved_any)
}

/// Phase 2: one node per community, weights summed, internal weight as a self-loop.
fn aggregate(
    adj: &[Vec<(usize, f64)>],
    community: &[usize],
    count: usize,
) -> Vec<Vec<(usize, f64)>> {
    let mut maps: Vec<std::collections::BTreeMap<usize, f64>> = vec![Default::default(); count];
    for (i, list) in adj.iter().enumerate() {
        for &(j, w) in list {
            *maps[community[i]].entry(community[j]).or_insert(0.0) += w;
        }
    }
    maps.into_iter().map(|m| m.into_iter().collect()).collect()
}
