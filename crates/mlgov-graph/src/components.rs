//! Connected components of the simple undirected graph (breadth-first search, O(n + m)).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::model::GovernanceGraph;

/// Connected components: `component[i]` is node `i`'s component; components are numbered
/// by decreasing size, ties broken by their smallest node index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Components {
    /// Component of each node, by node index.
    pub component: Vec<usize>,
    /// Size of each component, by component number (non-increasing).
    pub sizes: Vec<usize>,
}

/// Connected components of `graph`, edge directions ignored.
pub fn connected_components(graph: &GovernanceGraph) -> Components {
    components_of_adjacency(&graph.simple_adjacency())
}

/// Connected components of an adjacency list.
pub fn components_of_adjacency(adj: &[Vec<(usize, f64)>]) -> Components {
    let n = adj.len();
    let mut raw = vec![usize::MAX; n];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut queue = VecDeque::new();
    for s in 0..n {
        if raw[s] != usize::MAX {
            continue;
        }
        let c = members.len();
        raw[s] = c;
        let mut list = vec![s];
        queue.push_back(s);
        while let Some(u) = queue.pop_front() {
            for &(v, _) in &adj[u] {
                if raw[v] == usize::MAX {
                    raw[v] = c;
                    list.push(v);
                    queue.push_back(v);
                }
            }
        }
        members.push(list);
    }
    // Raw numbers follow the smallest member index; a stable sort by size keeps that as the
    // tie-break.
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| members[b].len().cmp(&members[a].len()));
    let mut renumber = vec![0; members.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new;
    }
    Components {
        component: raw.iter().map(|&c| renumber[c]).collect(),
        sizes: order.iter().map(|&c| members[c].len()).collect(),
    }
}
