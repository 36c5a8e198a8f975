//! Subgraphs of the governance graph: the snapshot at a year and filters by edge and node kind.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::model::{EdgeKind, EdgeSpec, GovernanceGraph, NodeKind};

/// Which nodes a subgraph keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSelection {
    /// Only nodes incident to at least one kept edge.
    Incident,
    /// Every node that passes the node filters, isolated or not.
    #[default]
    All,
}

/// What a subgraph keeps. The default keeps everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubgraphSpec {
    /// Keep only edges active in this year (interval contains it) and nodes whose own
    /// interval contains it; `None` ignores time.
    pub year: Option<i32>,
    /// Keep only edges of these kinds; `None` keeps all kinds.
    pub edge_kinds: Option<BTreeSet<EdgeKind>>,
    /// Keep only nodes of these kinds (and edges between kept nodes); `None` keeps all.
    pub node_kinds: Option<BTreeSet<NodeKind>>,
    /// Whether isolated nodes are kept.
    pub nodes: NodeSelection,
}

impl SubgraphSpec {
    /// The snapshot at `year`, keeping only nodes with an active edge.
    pub fn at_year(year: i32) -> Self {
        SubgraphSpec { year: Some(year), nodes: NodeSelection::Incident, ..Self::default() }
    }
}

/// The subgraph described by `spec`: nodes keep their ids and attributes, indices are
/// renumbered in the original order.
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
    for (n, _) in graph.nodes().iter().zip(&keep).filter(|(_, k)| **k) {
        // Ids are unique in the source graph, so this cannot fail.
        let _ = out.add_node(n.clone());
    }
    for i in kept_edges {
        let e = &graph.edges()[i];
        let _ = out.add_edge(EdgeSpec {
            source: graph.nodes()[e.source].id.clone(),
            target: graph.nodes()[e.target].id.clone(),
            kind: e.kind.clone(),
            interval: e.interval,
            weight: e.weight,
            attributes: e.attributes.clone(),
        });
    }
    out
}

/// The snapshot at `year`: edges whose interval contains the year, and the nodes selected by
/// `nodes` (see [`SubgraphSpec`]).
pub fn snapshot(graph: &GovernanceGraph, year: i32, nodes: NodeSelection) -> GovernanceGraph {
    subgraph(graph, &SubgraphSpec { year: Some(year), nodes, ..SubgraphSpec::default() })
}
