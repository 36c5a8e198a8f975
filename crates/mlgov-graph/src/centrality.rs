//! Node centralities on the simple undirected graph underlying the governance multigraph:
//! degree, strength, betweenness (raw and normalised), closeness and eigenvector.
//!
//! All measures are computed on the *simple undirected* graph obtained with
//! [`GovernanceGraph::simple_adjacency`]: edge directions are ignored and parallel edges
//! between the same two nodes are merged, their weights summed. Definitions:
//!
//! * degree `k_i` = number of distinct neighbours; strength `s_i` = sum of merged weights
//!   (Barrat et al. 2004, PNAS 101:3747).
//! * betweenness (Freeman 1977; algorithm of Brandes 2001, J. Math. Sociol. 25:163,
//!   O(nm) time, O(n + m) space per source, parallel over sources with rayon via
//!   rustworkx-core): shortest paths count hops, weights are ignored, because governance
//!   weights are tie *strengths*, not distances. `raw` counts each unordered pair once (as
//!   networkx `normalized=False` and igraph `directed=False`); `normalized` divides by
//!   `(n-1)(n-2)/2`.
//! * closeness (Wasserman & Faust 1994, with their correction for disconnected graphs, as
//!   networkx `wf_improved=True`): `C(u) = (r-1)/Σd(u,v) · (r-1)/(n-1)` where `r` is the size of
//!   `u`'s component; 0 for isolated nodes. Unweighted (hops).
//! * eigenvector (Bonacich 1986): principal eigenvector of the weighted adjacency matrix by
//!   power iteration on `A + I` (as networkx), unit Euclidean norm; `None` when it does not
//!   converge within the iteration limit.

use petgraph::graph::{NodeIndex, UnGraph};
use serde::{Deserialize, Serialize};

use crate::model::{GovernanceGraph, NodeKind};

/// Parameters of [`centralities`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CentralityConfig {
    /// Maximum number of power iterations for eigenvector centrality.
    pub eigenvector_max_iter: usize,
    /// Convergence tolerance for eigenvector centrality (per node, L1).
    pub eigenvector_tolerance: f64,
}

impl Default for CentralityConfig {
    fn default() -> Self {
        CentralityConfig { eigenvector_max_iter: 1000, eigenvector_tolerance: 1e-8 }
    }
}

/// The centralities of one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentralityRow {
    /// Node id.
    pub id: String,
    /// Node label.
    pub label: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Number of distinct neighbours.
    pub degree: usize,
    /// Sum of merged edge weights.
    pub strength: f64,
    /// Betweenness, each unordered pair counted once.
    pub betweenness: f64,
    /// Betweenness divided by `(n-1)(n-2)/2`.
    pub betweenness_normalized: f64,
    /// Wasserman–Faust closeness.
    pub closeness: f64,
    /// Weighted eigenvector centrality (unit norm), `None` when the power iteration did not
    /// converge.
    pub eigenvector: Option<f64>,
}

/// Centralities of every node, in node index order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentralityReport {
    /// One row per node.
    pub rows: Vec<CentralityRow>,
    /// Whether the eigenvector power iteration converged.
    pub eigenvector_converged: bool,
}

/// Rayon is used from this many nodes on (the rustworkx-core recommendation).
const PARALLEL_THRESHOLD: usize = 50;

/// The simple undirected weighted petgraph graph underlying `graph` (node `i` = index `i`).
pub fn to_petgraph(graph: &GovernanceGraph) -> UnGraph<(), f64> {
    let adj = graph.simple_adjacency();
    let mut g = UnGraph::<(), f64>::with_capacity(adj.len(), 0);
    for _ in 0..adj.len() {
        g.add_node(());
    }
    for (u, list) in adj.iter().enumerate() {
        for &(v, w) in list {
            if u < v {
                g.add_edge(NodeIndex::new(u), NodeIndex::new(v), w);
            }
        }
    }
    g
}

/// Degree, strength, betweenness, closeness and eigenvector centrality of every node.
///
/// Complexity: O(nm) for betweenness and closeness (parallel), O(iter · m) for eigenvector.
pub fn centralities(graph: &GovernanceGraph, config: &CentralityConfig) -> CentralityReport {
    let adj = graph.simple_adjacency();
    let g = to_petgraph(graph);
    let raw = betweenness_of(&g, false);
    let norm = betweenness_of(&g, true);
    let closeness = closeness_of(&g);
    let eigen = eigenvector_of(&g, config);
    let eigenvector_converged = eigen.is_some();
    let rows = graph
        .nodes()
        .iter()
        .enumerate()
        .map(|(i, n)| CentralityRow {
            id: n.id.clone(),
            label: n.label.clone(),
            kind: n.kind,
            degree: adj[i].len(),
            strength: adj[i].iter().map(|&(_, w)| w).sum(),
            betweenness: raw[i],
            betweenness_normalized: norm[i],
            closeness: closeness[i],
            eigenvector: eigen.as_ref().map(|e| e[i]),
        })
        .collect();
    CentralityReport { rows, eigenvector_converged }
}

/// Betweenness of every node of an undirected graph given as an edge list over nodes
/// `0..node_count` (duplicate edges and self-loops are ignored). Used by the benchmark.
pub fn betweenness_from_edges(node_count: usize, edges: &[(usize, usize)], normalized: bool) -> Vec<f64> {
    let mut pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter(|(u, v)| u != v && *u < node_count && *v < node_count)
        .map(|&(u, v)| (u.min(v), u.max(v)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut g = UnGraph::<(), f64>::with_capacity(node_count, pairs.len());
    for _ in 0..node_count {
        g.add_node(());
    }
    for (u, v) in pairs {
        g.add_edge(NodeIndex::new(u), NodeIndex::new(v), 1.0);
    }
    betweenness_of(&g, normalized)
}

/// Brandes betweenness via rustworkx-core (endpoints excluded).
fn betweenness_of(g: &UnGraph<(), f64>, normalized: bool) -> Vec<f64> {
    let n = g.node_count();
    let mut b: Vec<f64> = rustworkx_core::centrality::betweenness_centrality(g, false, normalized, PARALLEL_THRESHOLD)
        .into_iter()
        .map(|x| x.unwrap_or(0.0))
        .collect();
    if normalized && n > 2 {
        // rustworkx-core divides the ordered-pair sum by (n-1)(n-2), which equals the
        // unordered-pair sum divided by (n-1)(n-2)/2: the networkx convention. Nothing to do.
    } else if normalized {
        // n <= 2: no pair can have an intermediary.
        b.iter_mut().for_each(|x| *x = 0.0);
    }
    b
}

fn closeness_of(g: &UnGraph<(), f64>) -> Vec<f64> {
    if g.node_count() <= 1 {
        return vec![0.0; g.node_count()];
    }
    rustworkx_core::centrality::closeness_centrality(g, true, PARALLEL_THRESHOLD)
        .into_iter()
        .map(|x| x.filter(|v| v.is_finite()).unwrap_or(0.0))
        .collect()
}

fn eigenvector_of(g: &UnGraph<(), f64>, config: &CentralityConfig) -> Option<Vec<f64>> {
    if g.node_count() == 0 {
        return Some(Vec::new());
    }
    let r: Result<Option<Vec<f64>>, std::convert::Infallible> = rustworkx_core::centrality::eigenvector_centrality(
        g,
        |e| Ok(*e.weight()),
        Some(config.eigenvector_max_iter),
        Some(config.eigenvector_tolerance),
    );
    match r {
        Ok(v) => v,
        Err(never) => match never {},
    }
}
