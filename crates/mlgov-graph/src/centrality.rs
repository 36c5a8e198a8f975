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
//!   O(nm) time, O(n + m) space per worker, parallel over sources with rayon, see
//!   [`crate::betweenness`]; rustworkx-core's version is kept as a test reference): shortest paths count hops, weights are ignored, because governance
//!   weights are tie *strengths*, not distances. `raw` counts each unordered pair once (as
//!   networkx `normalized=False` and igraph `directed=False`); `normalized` divides by
//!   `(n-1)(n-2)/2`.
//! * closeness (Wasserman & Faust 1994, with their correction for disconnected graphs, as
//!   networkx `wf_improved=True`): `C(u) = (r-1)/Σd(u,v) · (r-1)/(n-1)` where `r` is the size of
//!   `u`'s component; 0 for isolated nodes. Unweighted (hops).
//! * eigenvector (Bonacich 1986): principal eigenvector of the weighted adjacency matrix,
//!   computed **within each connected component** (a disconnected graph has no single
//!   principal eigenvector worth comparing: power iteration on the whole graph gives 0 to every
//!   component but the dominant one), by power iteration (rustworkx-core), unit Euclidean norm
//!   within the component; `None` for isolated nodes and when the iteration does not converge.
//!   Rows carry the component and its size, so values are compared inside a component.
//! * time-respecting betweenness ([`CentralityConfig::time_respecting`], used when a graph
//!   spans several years): shortest paths may only chain ties whose spells overlap
//!   ([`crate::temporal`]); without it, a graph flattened over years lets a node "broker"
//!   between ties decades apart.
//!
//! Weights follow the graph's [`crate::Weighting`] (1 per tie by default).

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
    /// Betweenness over time-respecting paths (consecutive ties must coexist).
    pub time_respecting: bool,
}

impl Default for CentralityConfig {
    fn default() -> Self {
        CentralityConfig {
            eigenvector_max_iter: 1000,
            eigenvector_tolerance: 1e-8,
            time_respecting: false,
        }
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
    /// Weighted eigenvector centrality within the node's component (unit norm there), `None`
    /// for an isolated node or when the power iteration did not converge.
    pub eigenvector: Option<f64>,
    /// Connected component (numbered by decreasing size).
    pub component: usize,
    /// Size of that component.
    pub component_size: usize,
}

/// Centralities of every node, in node index order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentralityReport {
    /// One row per node.
    pub rows: Vec<CentralityRow>,
    /// Whether the eigenvector power iteration converged in every component.
    pub eigenvector_converged: bool,
    /// Whether betweenness counts time-respecting paths only.
    pub time_respecting: bool,
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
    let pairs: Vec<(usize, usize)> =
        adj.iter().enumerate().flat_map(|(u, l)| l.iter().map(move |&(v, _)| (u, v))).collect();
    let raw = if config.time_respecting {
        crate::temporal::temporal_betweenness(adj.len(), &pair_spells(graph))
    } else {
        betweenness_from_edges(adj.len(), &pairs, false)
    };
    let n = adj.len();
    let norm_scale = if n > 2 { 2.0 / ((n - 1) * (n - 2)) as f64 } else { 0.0 };
    let norm: Vec<f64> = raw.iter().map(|x| x * norm_scale).collect();
    let closeness = closeness_of(&g);
    let comps = crate::components::components_of_adjacency(&adj);
    let (eigen, eigenvector_converged) = eigenvector_by_component(&adj, &comps, config);
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
            eigenvector: eigen[i],
            component: comps.component[i],
            component_size: comps.sizes[comps.component[i]],
        })
        .collect();
    CentralityReport { rows, eigenvector_converged, time_respecting: config.time_respecting }
}

/// One undirected tie per linked pair with the spells of all its layers merged (an undated
/// layer makes the pair hold always), for [`crate::temporal`].
pub fn pair_spells(graph: &GovernanceGraph) -> Vec<(usize, usize, Vec<crate::temporal::Spell>)> {
    let mut map: std::collections::BTreeMap<(usize, usize), Option<Vec<crate::model::Interval>>> =
        Default::default();
    for e in graph.edges() {
        let entry = map
            .entry((e.source.min(e.target), e.source.max(e.target)))
            .or_insert_with(|| Some(Vec::new()));
        match (entry.as_mut(), e.undated) {
            (Some(_), true) => *entry = None,
            (Some(list), false) => list.extend(e.spells.iter().copied()),
            (None, _) => {}
        }
    }
    map.into_iter()
        .map(|((u, v), spells)| {
            let spells = spells.map(crate::model::merge_spells).unwrap_or_default();
            (u, v, spells.into_iter().map(|i| (i.from, i.to)).collect())
        })
        .collect()
}

/// Eigenvector centrality inside each component of two or more nodes; `None` for isolates
/// and for components where the iteration did not converge. Also says whether all converged.
fn eigenvector_by_component(
    adj: &[Vec<(usize, f64)>],
    comps: &crate::components::Components,
    config: &CentralityConfig,
) -> (Vec<Option<f64>>, bool) {
    let mut out = vec![None; adj.len()];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); comps.sizes.len()];
    for (i, &c) in comps.component.iter().enumerate() {
        members[c].push(i);
    }
    let mut all = true;
    let mut local = vec![usize::MAX; adj.len()];
    for list in members.iter().filter(|l| l.len() >= 2) {
        let mut g = UnGraph::<(), f64>::with_capacity(list.len(), 0);
        for (k, &i) in list.iter().enumerate() {
            local[i] = k;
            g.add_node(());
        }
        for &u in list {
            for &(v, w) in &adj[u] {
                if u < v {
                    g.add_edge(NodeIndex::new(local[u]), NodeIndex::new(local[v]), w);
                }
            }
        }
        match eigenvector_of(&g, config) {
            Some(values) => list.iter().zip(values).for_each(|(&i, x)| out[i] = Some(x)),
            None => all = false,
        }
    }
    (out, all)
}

/// Betweenness of every node of an undirected graph given as an edge list over nodes
/// `0..node_count` (duplicate edges and self-loops are ignored). Used by the benchmark.
pub fn betweenness_from_edges(
    node_count: usize,
    edges: &[(usize, usize)],
    normalized: bool,
) -> Vec<f64> {
    crate::betweenness::betweenness(
        &crate::betweenness::Csr::from_undirected(node_count, edges),
        normalized,
    )
}

/// Brandes betweenness through rustworkx-core (endpoints excluded), kept as the reference the
/// faster [`crate::betweenness`] is tested against.
pub fn betweenness_rustworkx(g: &UnGraph<(), f64>, normalized: bool) -> Vec<f64> {
    let mut b: Vec<f64> = rustworkx_core::centrality::betweenness_centrality(
        g,
        false,
        normalized,
        PARALLEL_THRESHOLD,
    )
    .into_iter()
    .map(|x| x.unwrap_or(0.0))
    .collect();
    // rustworkx-core divides the ordered-pair sum by (n-1)(n-2) — the networkx convention —
    // but leaves it unscaled for n <= 2, where no pair can have an intermediary anyway.
    if normalized && g.node_count() <= 2 {
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
    let r: Result<Option<Vec<f64>>, std::convert::Infallible> =
        rustworkx_core::centrality::eigenvector_centrality(
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
