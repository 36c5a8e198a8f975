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
//! Complexity: O(Σ_v d(v)²) over the via nodes `v`, plus sorting.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{EdgeKind, EdgeSpec, GovernanceGraph, Interval, NodeKind, merge_spells};

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
        }
    }
}

/// The projection described by `spec`. Ties are of layer [`EdgeKind::SharedMembership`],
/// undirected (source id < target id), with one statement per shared via node and period of
/// co-membership: two nodes are tied only while both belong to the via node (the intersection
/// of the two ties' spells — co-members decades apart are not tied); a co-membership resting on
/// an undated tie is undated. Statements carry `shared` = the via id and the value = the number
/// of via nodes the pair shares, so [`crate::Weighting::Value`] weighs a projected tie by its
/// shared neighbours; the merged `shared` attribute lists them.
pub fn project(graph: &GovernanceGraph, spec: &ProjectionSpec) -> GovernanceGraph {
    let nodes = graph.nodes();
    // For each via node, the kept nodes tied to it, with the tie.
    let mut members: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for (ei, e) in graph.edges().iter().enumerate() {
        if spec.edge_kinds.as_ref().is_some_and(|k| !k.contains(&e.kind)) {
            continue;
        }
        if spec.year.is_some_and(|y| !e.active_in(y)) {
            continue;
        }
        for (a, b) in [(e.source, e.target), (e.target, e.source)] {
            if spec.keep.contains(&nodes[a].kind) && spec.via.contains(&nodes[b].kind) {
                members.entry(b).or_default().push((a, ei));
            }
        }
    }
    // (u, v) → [(via, co-membership spells or None when undated)]
    let mut shared: BTreeMap<(usize, usize), Vec<(usize, Option<Vec<Interval>>)>> = BTreeMap::new();
    for (via, list) in &members {
        for (i, &(u, eu)) in list.iter().enumerate() {
            for &(v, ev) in &list[i + 1..] {
                if u == v {
                    continue;
                }
                let (tu, tv) = (&graph.edges()[eu], &graph.edges()[ev]);
                let spells = if tu.undated || tv.undated {
                    None
                } else {
                    let both: Vec<Interval> =
                        tu.spells.iter().flat_map(|a| tv.spells.iter().filter_map(move |b| a.intersection(b))).collect();
                    if both.is_empty() {
                        continue;
                    }
                    Some(merge_spells(both))
                };
                let key = if nodes[u].id < nodes[v].id { (u, v) } else { (v, u) };
                shared.entry(key).or_default().push((*via, spells));
            }
        }
    }
    let mut out = GovernanceGraph::new();
    out.weighting = graph.weighting;
    out.horizon = graph.horizon;
    let mut touched = vec![false; nodes.len()];
    for &(u, v) in shared.keys() {
        touched[u] = true;
        touched[v] = true;
    }
    for (i, n) in nodes.iter().enumerate() {
        if spec.keep.contains(&n.kind) && (spec.keep_isolated || touched[i]) {
            let _ = out.add_node(n.clone());
        }
    }
    for ((u, v), vias) in shared {
        let mut distinct: Vec<usize> = vias.iter().map(|(w, _)| *w).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let count = distinct.len() as f64;
        for (via, spells) in vias {
            let base = EdgeSpec::new(nodes[u].id.clone(), nodes[v].id.clone(), EdgeKind::SharedMembership)
                .with_weight(count)
                .with_attribute("shared", nodes[via].id.clone());
            match spells {
                None => {
                    let _ = out.add_edge(base);
                }
                Some(list) => {
                    for s in list {
                        let _ = out.add_edge(base.clone().with_interval(s.from, s.to));
                    }
                }
            }
        }
    }
    out
}
