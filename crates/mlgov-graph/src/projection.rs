//! One-mode projections of the bipartite membership layer: locality–locality by shared
//! networks, network–network by shared members — the graphs on which locality and network
//! questions are asked by default.
//!
//! Definition (Wasserman & Faust 1994, §8.6; Newman 2010, §6.6): two "kept" nodes `u`, `v`
//! are tied in the projection when they have at least one common neighbour of a "via" kind
//! *at the same time* (the spells of their two ties overlap). The tie's value is the number
//! of distinct common neighbours; its weight follows the graph's weighting (1 by default). The
//! `shared` attribute lists the ids of the common neighbours.
//!
//! Complexity: O(Σ_v d(v)²) over the via nodes `v`, plus sorting the distinct pairs.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{
    Edge, EdgeKind, GovernanceGraph, Interval, NodeKind, TieStatement, merge_spells,
};

/// What to project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectionSpec {
    /// Kinds of the nodes that become the projection's nodes (for example localities).
    pub keep: BTreeSet<NodeKind>,
    /// Kinds of the nodes through which they are tied (for example networks).
    pub via: BTreeSet<NodeKind>,
    /// Edge kinds that count as a tie to a via node; `None` accepts all kinds.
    pub edge_kinds: Option<BTreeSet<EdgeKind>>,
    /// Count only edges active in this year; `None` ignores time.
    pub year: Option<i32>,
    /// Keep kept-kind nodes with no projected tie.
    pub keep_isolated: bool,
    /// Count undated ties (as holding always).
    pub include_undated: bool,
}

impl ProjectionSpec {
    /// Locality–locality by shared networks (membership edges), optionally at a year.
    pub fn localities_by_networks(year: Option<i32>) -> Self {
        ProjectionSpec {
            keep: BTreeSet::from([NodeKind::Locality]),
            via: BTreeSet::from([NodeKind::Network]),
            edge_kinds: Some(BTreeSet::from([EdgeKind::Membership])),
            year,
            keep_isolated: true,
            include_undated: true,
        }
    }

    /// Network–network by shared members (any non-network node tied by membership),
    /// optionally at a year.
    pub fn networks_by_members(year: Option<i32>) -> Self {
        ProjectionSpec {
            keep: BTreeSet::from([NodeKind::Network]),
            via: NodeKind::ALL.into_iter().filter(|k| *k != NodeKind::Network).collect(),
            edge_kinds: Some(BTreeSet::from([EdgeKind::Membership])),
            year,
            keep_isolated: true,
            include_undated: true,
        }
    }
}

/// How many shared via ids a projected tie lists in its `shared` attribute before summarising.
pub const SHARED_LISTED: usize = 20;

/// What a projected tie accumulates while the via nodes are scanned.
#[derive(Default)]
struct Acc {
    vias: u32,
    shared: Vec<usize>,
    undated: bool,
    spells: Vec<Interval>,
}

/// The projection described by `spec`. Ties are of layer [`EdgeKind::SharedMembership`],
/// undirected (source id < target id): two nodes are tied only while both belong to a via node
/// (the intersection of the two ties' spells — co-members decades apart are not tied); a
/// co-membership resting on an undated tie is undated, and a projected tie is undated only when
/// all its co-memberships are. Each tie has one statement whose value is the number of via nodes
/// the pair shares ([`crate::Weighting::Value`] and [`crate::Weighting::Statements`] both weigh
/// a projected tie by it) and whose `shared` attribute lists them (the first
/// [`SHARED_LISTED`], then how many in all).
///
/// Complexity: O(Σ_v d(v)²) array updates over the via nodes `v`; memory O(distinct pairs).
pub fn project(graph: &GovernanceGraph, spec: &ProjectionSpec) -> GovernanceGraph {
    let members = via_members(graph, spec);
    let found = co_memberships(graph, &members);
    projected_graph(graph, spec, found)
}

/// For each via node, the kept nodes tied to it (in the layers and year `spec` asks for), with
/// the tie: one tie per (kept, via) pair even when several layers are counted.
fn via_members(
    graph: &GovernanceGraph,
    spec: &ProjectionSpec,
) -> BTreeMap<usize, Vec<(usize, usize)>> {
    let nodes = graph.nodes();
    let mut members: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for (ei, e) in graph.edges().iter().enumerate() {
        if spec.edge_kinds.as_ref().is_some_and(|k| !k.contains(&e.kind)) {
            continue;
        }
        if spec.year.is_some_and(|y| !e.active_in(y)) || (e.undated && !spec.include_undated) {
            continue;
        }
        for (a, b) in [(e.source, e.target), (e.target, e.source)] {
            if spec.keep.contains(&nodes[a].kind) && spec.via.contains(&nodes[b].kind) {
                members.entry(b).or_default().push((a, ei));
            }
        }
    }
    for list in members.values_mut() {
        list.sort_by_key(|&(u, ei)| (u, ei));
        list.dedup_by_key(|&mut (u, _)| u);
    }
    members
}

/// The pairs of kept nodes that share a via node while both are tied to it, with what they
/// share, pairs keyed by their nodes in id order.
fn co_memberships(
    graph: &GovernanceGraph,
    members: &BTreeMap<usize, Vec<(usize, usize)>>,
) -> Vec<((usize, usize), Acc)> {
    let nodes = graph.nodes();
    // Pairs are keyed by their nodes in id order; scanning each kept node's via nodes with dense
    // per-partner accumulators (no hashing, no string comparison per pair).
    let mut by_id: Vec<usize> = (0..nodes.len()).collect();
    by_id.sort_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
    let mut rank = vec![0usize; nodes.len()];
    for (r, &i) in by_id.iter().enumerate() {
        rank[i] = r;
    }
    let mut vias_of: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes.len()];
    for (&via, list) in members {
        for &(u, eu) in list {
            vias_of[u].push((via, eu));
        }
    }
    let mut acc: Vec<Acc> = (0..nodes.len()).map(|_| Acc::default()).collect();
    let mut touched: Vec<usize> = Vec::new();
    let mut found: Vec<((usize, usize), Acc)> = Vec::new();
    for u in 0..nodes.len() {
        for &(via, eu) in &vias_of[u] {
            let tu = &graph.edges()[eu];
            for &(v, ev) in &members[&via] {
                if rank[v] <= rank[u] {
                    continue;
                }
                let tv = &graph.edges()[ev];
                let a = &mut acc[v];
                if tu.undated || tv.undated {
                    if a.vias == 0 {
                        touched.push(v);
                    }
                    a.undated = true;
                } else {
                    let before = a.spells.len();
                    a.spells.extend(
                        tu.spells
                            .iter()
                            .flat_map(|x| tv.spells.iter().filter_map(move |y| x.intersection(y))),
                    );
                    if a.spells.len() == before {
                        continue;
                    }
                    if a.vias == 0 {
                        touched.push(v);
                    }
                    if a.spells.len() > 16 {
                        a.spells = merge_spells(std::mem::take(&mut a.spells));
                    }
                }
                a.vias += 1;
                if a.shared.len() < SHARED_LISTED {
                    a.shared.push(via);
                }
            }
        }
        for v in touched.drain(..) {
            found.push(((u, v), std::mem::take(&mut acc[v])));
        }
    }
    found
}

/// The projected graph: the kept nodes (isolated ones only when asked for) and one
/// shared-membership tie per pair `found`.
fn projected_graph(
    graph: &GovernanceGraph,
    spec: &ProjectionSpec,
    mut found: Vec<((usize, usize), Acc)>,
) -> GovernanceGraph {
    let nodes = graph.nodes();
    let mut out = GovernanceGraph::new();
    out.weighting = graph.weighting;
    out.horizon = graph.horizon;
    let mut index = vec![usize::MAX; nodes.len()];
    let mut touched = vec![false; nodes.len()];
    for &((u, v), _) in &found {
        touched[u] = true;
        touched[v] = true;
    }
    for (i, n) in nodes.iter().enumerate() {
        if spec.keep.contains(&n.kind)
            && (spec.keep_isolated || touched[i])
            && let Ok(j) = out.add_node(n.clone())
        {
            index[i] = j;
        }
    }
    found.sort_unstable_by_key(|(k, _)| *k);
    for ((u, v), a) in found {
        let mut ids: Vec<&str> = a.shared.iter().map(|&w| nodes[w].id.as_str()).collect();
        ids.sort_unstable();
        let mut shared = ids.join("; ");
        if a.vias as usize > a.shared.len() {
            shared.push_str(&format!("; … ({} in all)", a.vias));
        }
        let spells = merge_spells(a.spells);
        let statement = TieStatement {
            interval: None,
            value: f64::from(a.vias),
            attributes: BTreeMap::from([("shared".to_string(), shared)]),
            dates: None,
        };
        out.push_tie(Edge {
            source: index[u],
            target: index[v],
            kind: EdgeKind::SharedMembership,
            undated: spells.is_empty() && a.undated,
            spells,
            reciprocal: false,
            statements: vec![statement],
        });
    }
    out
}
