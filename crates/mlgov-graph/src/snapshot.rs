//! Subgraphs of the governance graph: the snapshot at a year, filters by layer and node kind,
//! and the choice of keeping or leaving out undated ties.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::model::{EdgeKind, GovernanceGraph, NodeKind};

/// Which nodes a subgraph keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSelection {
    /// Only nodes incident to at least one kept tie.
    Incident,
    /// Every node that passes the node filters (and, with a year, exists that year), isolated
    /// or not.
    #[default]
    All,
}

/// Whether ties that no statement dates are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndatedTies {
    /// Kept, as holding in every year (exports, the explorer's full view).
    #[default]
    Include,
    /// Left out (the default of the analyses: an undated tie cannot be placed in time).
    Exclude,
}

/// What a subgraph keeps. The default keeps everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubgraphSpec {
    /// Keep only ties active in this year (a spell contains it) and nodes whose own interval
    /// contains it; `None` ignores time.
    pub year: Option<i32>,
    /// Keep only ties of these layers; `None` keeps all layers.
    pub edge_kinds: Option<BTreeSet<EdgeKind>>,
    /// Keep only nodes of these kinds (and ties between kept nodes); `None` keeps all.
    pub node_kinds: Option<BTreeSet<NodeKind>>,
    /// Whether isolated nodes are kept.
    pub nodes: NodeSelection,
    /// Whether undated ties are kept.
    pub undated: UndatedTies,
}

impl SubgraphSpec {
    /// The snapshot at `year`, keeping only nodes with an active tie.
    pub fn at_year(year: i32) -> Self {
        SubgraphSpec { year: Some(year), nodes: NodeSelection::Incident, ..Self::default() }
    }
}

/// The subgraph described by `spec`: nodes keep their ids and attributes, ties their spells and
/// statements; indices are renumbered in the original order; weighting and horizon are kept.
///
/// Complexity: O(n + m).
pub fn subgraph(graph: &GovernanceGraph, spec: &SubgraphSpec) -> GovernanceGraph {
    let node_ok: Vec<bool> = graph
        .nodes()
        .iter()
        .map(|n| {
            spec.node_kinds.as_ref().is_none_or(|k| k.contains(&n.kind))
                && match (spec.year, n.interval) {
                    (Some(y), Some(i)) => i.contains(y),
                    _ => true,
                }
        })
        .collect();
    let kept_edges: Vec<usize> = graph
        .edges()
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            node_ok[e.source]
                && node_ok[e.target]
                && spec.edge_kinds.as_ref().is_none_or(|k| k.contains(&e.kind))
                && (spec.undated == UndatedTies::Include || !e.undated)
                && spec.year.is_none_or(|y| e.active_in(y))
        })
        .map(|(i, _)| i)
        .collect();
    let mut keep = match spec.nodes {
        NodeSelection::All => node_ok,
        NodeSelection::Incident => vec![false; graph.node_count()],
    };
    if spec.nodes == NodeSelection::Incident {
        for &i in &kept_edges {
            let e = &graph.edges()[i];
            keep[e.source] = true;
            keep[e.target] = true;
        }
    }
    let mut out = GovernanceGraph::new();
    out.weighting = graph.weighting;
    out.horizon = graph.horizon;
    let mut renumber = vec![usize::MAX; graph.node_count()];
    for (i, (n, _)) in graph.nodes().iter().zip(&keep).enumerate().filter(|(_, (_, k))| **k) {
        // Ids are unique in the source graph, so this cannot fail.
        if let Ok(j) = out.add_node(n.clone()) {
            renumber[i] = j;
        }
    }
    for i in kept_edges {
        let mut e = graph.edges()[i].clone();
        e.source = renumber[e.source];
        e.target = renumber[e.target];
        out.push_tie(e);
    }
    out
}

/// The snapshot at `year`: ties active that year, and the nodes selected by `nodes` (see
/// [`SubgraphSpec`]); undated ties are kept as holding every year.
pub fn snapshot(graph: &GovernanceGraph, year: i32, nodes: NodeSelection) -> GovernanceGraph {
    subgraph(graph, &SubgraphSpec { year: Some(year), nodes, ..SubgraphSpec::default() })
}
