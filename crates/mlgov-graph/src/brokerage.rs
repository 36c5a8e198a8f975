//! Gould–Fernandez brokerage roles (Gould & Fernandez 1989, "Structures of mediation: a formal
//! approach to brokerage in transaction networks", Sociological Methodology 19:89–126).
//!
//! Definition. Given a directed graph without self-loops or parallel arcs and a partition of
//! its nodes into groups, a *brokered (open) two-path* is an ordered triple of distinct nodes
//! `(a, b, c)` with arcs `a → b` and `b → c` and **no** arc `a → c`. The broker `b` is
//! credited with exactly one role, decided by the groups `g(·)`:
//!
//! | role | groups | meaning |
//! |---|---|---|
//! | coordinator | `g(a) = g(b) = g(c)` | mediates inside its own group |
//! | itinerant (consultant) | `g(a) = g(c) ≠ g(b)` | an outsider mediating inside another group |
//! | gatekeeper | `g(a) ≠ g(b) = g(c)` | controls what enters its group |
//! | representative | `g(a) = g(b) ≠ g(c)` | speaks for its group to outsiders |
//! | liaison | all three different | mediates between two groups it does not belong to |
//!
//! The five cases are exhaustive and exclusive, so for every node the role counts sum to the
//! number of brokered two-paths through it.
//!
//! **Undirected graphs** ([`Direction::Undirected`], the default for the governance graph, whose
//! ties are mostly symmetric) are treated as symmetric digraphs, each tie being an arc in both
//! directions, as `sna::brokerage` in R/statnet does. Then an open triad `a – b – c` (with `a`
//! and `c` not adjacent) is counted twice, once as `(a, b, c)` and once as `(c, b, a)`: the
//! coordinator, itinerant and liaison counts are even, a gatekeeper path read backwards is a
//! representative path, so gatekeeper = representative for every node, and the total equals
//! twice the number of unordered open triads centred on `b`.
//!
//! Parallel edges are merged first (a pair is tied if any edge joins it, in the given
//! direction); edge kinds and weights are not used.
//!
//! Complexity: O(Σ_b d_in(b) · d_out(b) · log d) with binary search on sorted arc lists.

use serde::{Deserialize, Serialize};

use crate::error::GraphError;
use crate::model::GovernanceGraph;

/// One of the five Gould–Fernandez roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerageRole {
    /// All three in the same group.
    Coordinator,
    /// Ends in one group, broker in another (also called consultant).
    Itinerant,
    /// Broker in the receiver's group.
    Gatekeeper,
    /// Broker in the sender's group.
    Representative,
    /// All three in different groups.
    Liaison,
}

impl BrokerageRole {
    /// Classifies the two-path `a → b → c` by the groups of its nodes.
    pub fn classify<G: PartialEq>(a: &G, b: &G, c: &G) -> BrokerageRole {
        match (a == b, b == c, a == c) {
            (true, true, _) => BrokerageRole::Coordinator,
            (false, false, true) => BrokerageRole::Itinerant,
            (false, true, _) => BrokerageRole::Gatekeeper,
            (true, false, _) => BrokerageRole::Representative,
            (false, false, false) => BrokerageRole::Liaison,
        }
    }
}

/// Number of brokered two-paths of each role through one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleCounts {
    /// Coordinator paths.
    pub coordinator: u64,
    /// Itinerant (consultant) paths.
    pub itinerant: u64,
    /// Gatekeeper paths.
    pub gatekeeper: u64,
    /// Representative paths.
    pub representative: u64,
    /// Liaison paths.
    pub liaison: u64,
}

impl RoleCounts {
    /// Sum of the five counts: the number of brokered two-paths through the node.
    pub fn total(&self) -> u64 {
        self.coordinator + self.itinerant + self.gatekeeper + self.representative + self.liaison
    }

    /// Paths whose two ends are in different groups (gatekeeper + representative + liaison).
    pub fn between_groups(&self) -> u64 {
        self.gatekeeper + self.representative + self.liaison
    }

    /// Adds one path of `role`.
    pub fn add(&mut self, role: BrokerageRole) {
        match role {
            BrokerageRole::Coordinator => self.coordinator += 1,
            BrokerageRole::Itinerant => self.itinerant += 1,
            BrokerageRole::Gatekeeper => self.gatekeeper += 1,
            BrokerageRole::Representative => self.representative += 1,
            BrokerageRole::Liaison => self.liaison += 1,
        }
    }
}

/// How edge directions are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Every tie is an arc in both directions (see the module documentation).
    #[default]
    Undirected,
    /// Every edge is an arc from its source to its target.
    Directed,
}

/// The attribute that defines the groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionBy {
    /// Governance level (local, regional, national, EU, international).
    Level,
    /// Public vs non-public.
    Sector,
    /// Node kind.
    Kind,
    /// One group name per node, by node index.
    Custom(Vec<String>),
}

impl PartitionBy {
    /// The group name of every node of `graph`.
    ///
    /// # Errors
    /// [`GraphError::PartitionLength`] when a custom partition does not name one group per node.
    pub fn groups(&self, graph: &GovernanceGraph) -> Result<Vec<String>, GraphError> {
        let nodes = graph.nodes();
        Ok(match self {
            PartitionBy::Level => nodes.iter().map(|n| n.level.as_str().to_owned()).collect(),
            PartitionBy::Sector => nodes.iter().map(|n| n.sector.as_str().to_owned()).collect(),
            PartitionBy::Kind => nodes.iter().map(|n| n.kind.as_str().to_owned()).collect(),
            PartitionBy::Custom(groups) => {
                if groups.len() != nodes.len() {
                    return Err(GraphError::PartitionLength { expected: nodes.len(), got: groups.len() });
                }
                groups.clone()
            }
        })
    }

    /// A short name for reports: `level`, `sector`, `kind` or `custom`.
    pub fn name(&self) -> &'static str {
        match self {
            PartitionBy::Level => "level",
            PartitionBy::Sector => "sector",
            PartitionBy::Kind => "kind",
            PartitionBy::Custom(_) => "custom",
        }
    }
}

/// Parameters of [`brokerage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerageConfig {
    /// How edge directions are read.
    pub direction: Direction,
    /// The node partition.
    pub partition: PartitionBy,
}

/// Brokerage of one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerageRow {
    /// Node id.
    pub id: String,
    /// Node label.
    pub label: String,
    /// The node's group in the partition.
    pub group: String,
    /// Role counts.
    pub roles: RoleCounts,
}

/// Brokerage of every node, in node index order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerageReport {
    /// `level`, `sector`, `kind` or `custom`.
    pub partition: String,
    /// How directions were read.
    pub direction: Direction,
    /// One row per node.
    pub rows: Vec<BrokerageRow>,
    /// Number of brokered two-paths in the whole graph (= sum of all role counts).
    pub open_two_paths: u64,
}

/// Gould–Fernandez brokerage roles of every node of `graph`.
///
/// # Errors
/// [`GraphError::PartitionLength`] for a custom partition of the wrong length.
pub fn brokerage(graph: &GovernanceGraph, config: &BrokerageConfig) -> Result<BrokerageReport, GraphError> {
    let groups = config.partition.groups(graph)?;
    let (out, inc) = arcs(graph, config.direction);
    let counts = brokerage_arcs(&out, &inc, &groups);
    let open_two_paths = counts.iter().map(RoleCounts::total).sum();
    let rows = graph
        .nodes()
        .iter()
        .zip(groups)
        .zip(counts)
        .map(|((n, group), roles)| BrokerageRow { id: n.id.clone(), label: n.label.clone(), group, roles })
        .collect();
    Ok(BrokerageReport {
        partition: config.partition.name().to_owned(),
        direction: config.direction,
        rows,
        open_two_paths,
    })
}

/// Sorted, deduplicated out- and in-arc lists of `graph` read with `direction`.
pub fn arcs(graph: &GovernanceGraph, direction: Direction) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let n = graph.node_count();
    let mut out = vec![Vec::new(); n];
    let mut inc = vec![Vec::new(); n];
    for e in graph.edges() {
        out[e.source].push(e.target);
        inc[e.target].push(e.source);
        if direction == Direction::Undirected {
            out[e.target].push(e.source);
            inc[e.source].push(e.target);
        }
    }
    for list in out.iter_mut().chain(inc.iter_mut()) {
        list.sort_unstable();
        list.dedup();
    }
    (out, inc)
}

/// Role counts of every node from sorted, deduplicated out- and in-arc lists (`inc[b]` lists
/// the `a` with `a → b`) and a group per node.
pub fn brokerage_arcs<G: PartialEq>(out: &[Vec<usize>], inc: &[Vec<usize>], groups: &[G]) -> Vec<RoleCounts> {
    (0..out.len())
        .map(|b| {
            let mut counts = RoleCounts::default();
            for &a in &inc[b] {
                for &c in &out[b] {
                    if a == c || a == b || c == b || out[a].binary_search(&c).is_ok() {
                        continue;
                    }
                    counts.add(BrokerageRole::classify(&groups[a], &groups[b], &groups[c]));
                }
            }
            counts
        })
        .collect()
}

/// Number of brokered two-paths counted directly (for checks): ordered triples of distinct
/// nodes `(a, b, c)` with `a → b`, `b → c` and no `a → c`.
pub fn count_open_two_paths(out: &[Vec<usize>]) -> u64 {
    let n = out.len();
    let mut count = 0;
    for a in 0..n {
        for &b in &out[a] {
            for &c in &out[b] {
                if c != a && b != a && c != b && !out[a].contains(&c) {
                    count += 1;
                }
            }
        }
    }
    count
}
