//! The governance graph itself: typed nodes (localities, networks, organisations, persons,
//! countries) and typed, time-stamped, weighted edges between them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::GraphError;

/// What kind of actor a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A municipality, town or rural area.
    Locality,
    /// A (transnational or national) city network.
    Network,
    /// An organisation: NGO, international organisation, department, funder, party.
    Organisation,
    /// A person: mayor, deputy mayor, official, activist.
    Person,
    /// A state.
    Country,
}

impl NodeKind {
    /// Every kind, in declaration order.
    pub const ALL: [NodeKind; 5] = [
        NodeKind::Locality,
        NodeKind::Network,
        NodeKind::Organisation,
        NodeKind::Person,
        NodeKind::Country,
    ];

    /// The snake_case name used in exports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Locality => "locality",
            NodeKind::Network => "network",
            NodeKind::Organisation => "organisation",
            NodeKind::Person => "person",
            NodeKind::Country => "country",
        }
    }
}

/// The governance level at which an actor operates (multilevel governance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Municipal.
    Local,
    /// Regional (province, region, Land, autonomous community).
    Regional,
    /// National.
    National,
    /// European Union institutions and EU-wide bodies.
    Eu,
    /// International beyond the EU (UN agencies, Council of Europe, global networks).
    International,
}

impl Level {
    /// Every level, from the local to the international.
    pub const ALL: [Level; 5] =
        [Level::Local, Level::Regional, Level::National, Level::Eu, Level::International];

    /// The snake_case name used in exports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Local => "local",
            Level::Regional => "regional",
            Level::National => "national",
            Level::Eu => "eu",
            Level::International => "international",
        }
    }
}

/// Whether an actor is public (government, administration) or not (civil society, private).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    /// Governments, administrations, public officials, intergovernmental bodies.
    Public,
    /// NGOs, churches, associations, foundations, firms, activists.
    NonPublic,
}

impl Sector {
    /// The snake_case name used in exports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Public => "public",
            Sector::NonPublic => "non_public",
        }
    }
}

/// The layer an edge belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A locality (or organisation) is a member of a network.
    Membership,
    /// A person works for or belongs to an organisation or locality.
    Affiliation,
    /// A partnership between organisations, networks or localities.
    Partnership,
    /// A funder finances a network, project or organisation.
    Funding,
    /// A reported interaction (survey), weighted by frequency.
    Interaction,
    /// A projected tie: two nodes share one or more neighbours (see [`crate::projection`]).
    SharedMembership,
    /// Any other relation, named by the data.
    Other(String),
}

impl EdgeKind {
    /// The snake_case name used in exports and JSON (`Other` gives its own name).
    pub fn as_str(&self) -> &str {
        match self {
            EdgeKind::Membership => "membership",
            EdgeKind::Affiliation => "affiliation",
            EdgeKind::Partnership => "partnership",
            EdgeKind::Funding => "funding",
            EdgeKind::Interaction => "interaction",
            EdgeKind::SharedMembership => "shared_membership",
            EdgeKind::Other(name) => name,
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A closed interval of years `[from, to]`; `None` at either end means open (unknown start,
/// still running).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Interval {
    /// First year (inclusive), `None` when unknown or since always.
    pub from: Option<i32>,
    /// Last year (inclusive), `None` when still running.
    pub to: Option<i32>,
}

impl Interval {
    /// An interval with both ends given.
    pub fn new(from: Option<i32>, to: Option<i32>) -> Self {
        Interval { from, to }
    }

    /// Whether `year` lies in the interval (open ends contain every year on their side).
    pub fn contains(&self, year: i32) -> bool {
        self.from.is_none_or(|f| f <= year) && self.to.is_none_or(|t| year <= t)
    }
}

/// A node as given to [`GovernanceGraph::add_node`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Stable identifier, unique in the graph (for example a knowledge-base slug).
    pub id: String,
    /// Human-readable name.
    pub label: String,
    /// Kind of actor.
    pub kind: NodeKind,
    /// Governance level.
    pub level: Level,
    /// Public or non-public.
    pub sector: Sector,
    /// Years in which the actor exists or is active (for example a network's founding year);
    /// `None` means always.
    pub interval: Option<Interval>,
    /// Further attributes (country, region, source), exported as string attributes.
    pub attributes: BTreeMap<String, String>,
}

impl Node {
    /// A node with no interval and no extra attributes.
    pub fn new(
        id: impl Into<String>,
        label: impl Into<String>,
        kind: NodeKind,
        level: Level,
        sector: Sector,
    ) -> Self {
        Node {
            id: id.into(),
            label: label.into(),
            kind,
            level,
            sector,
            interval: None,
            attributes: BTreeMap::new(),
        }
    }

    /// Sets the interval (builder style).
    pub fn with_interval(mut self, from: Option<i32>, to: Option<i32>) -> Self {
        self.interval = Some(Interval::new(from, to));
        self
    }

    /// Adds an attribute (builder style).
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
}

/// An edge as given to [`GovernanceGraph::add_edge`]: endpoints by node id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeSpec {
    /// Id of the source node (the member, the affiliated person, the funder...).
    pub source: String,
    /// Id of the target node (the network, the organisation, the funded body...).
    pub target: String,
    /// Layer.
    pub kind: EdgeKind,
    /// Years in which the tie holds; `None` means always.
    pub interval: Option<Interval>,
    /// Non-negative finite weight (1 for plain ties, the frequency for interactions).
    pub weight: f64,
    /// Further attributes (role, source reference), exported as string attributes.
    pub attributes: BTreeMap<String, String>,
}

impl EdgeSpec {
    /// An edge of weight 1, always valid, with no attributes.
    pub fn new(source: impl Into<String>, target: impl Into<String>, kind: EdgeKind) -> Self {
        EdgeSpec {
            source: source.into(),
            target: target.into(),
            kind,
            interval: None,
            weight: 1.0,
            attributes: BTreeMap::new(),
        }
    }

    /// Sets the interval (builder style).
    pub fn with_interval(mut self, from: Option<i32>, to: Option<i32>) -> Self {
        self.interval = Some(Interval::new(from, to));
        self
    }

    /// Sets the weight (builder style).
    pub fn with_weight(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }

    /// Adds an attribute (builder style).
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }
}

/// An edge stored in the graph: endpoints are node indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Index of the source node in [`GovernanceGraph::nodes`].
    pub source: usize,
    /// Index of the target node.
    pub target: usize,
    /// Layer.
    pub kind: EdgeKind,
    /// Years in which the tie holds; `None` means always.
    pub interval: Option<Interval>,
    /// Non-negative finite weight.
    pub weight: f64,
    /// Further attributes.
    pub attributes: BTreeMap<String, String>,
}

impl Edge {
    /// Whether the edge holds in `year` (no interval: always).
    pub fn active_in(&self, year: i32) -> bool {
        self.interval.is_none_or(|i| i.contains(year))
    }
}

/// A multi-layer, time-stamped multigraph. Edges keep the direction they were given in
/// (`source` → `target`); analyses say whether they use it. Parallel edges of different
/// kinds (or the same kind in different periods) are allowed; self-loops are rejected.
///
/// Node indices are positions in [`GovernanceGraph::nodes`], stable for the life of the
/// graph; subgraphs ([`crate::snapshot`]) renumber them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GovernanceGraph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl GovernanceGraph {
    /// An empty graph.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node and returns its index.
    ///
    /// # Errors
    /// [`GraphError::DuplicateNode`] when the id is already used, [`GraphError::EmptyNodeId`]
    /// for an empty id, [`GraphError::InvalidInterval`] when `from > to`.
    pub fn add_node(&mut self, node: Node) -> Result<usize, GraphError> {
        if node.id.trim().is_empty() {
            return Err(GraphError::EmptyNodeId { label: node.label });
        }
        if self.index.contains_key(&node.id) {
            return Err(GraphError::DuplicateNode { id: node.id });
        }
        if let Some(Interval { from: Some(f), to: Some(t) }) = node.interval
            && f > t
        {
            return Err(GraphError::InvalidInterval { what: format!("node `{}`", node.id), from: f, to: t });
        }
        let i = self.nodes.len();
        self.index.insert(node.id.clone(), i);
        self.nodes.push(node);
        Ok(i)
    }

    /// Adds an edge between two existing nodes and returns its index.
    ///
    /// # Errors
    /// [`GraphError::UnknownNode`] when an endpoint id is not in the graph,
    /// [`GraphError::SelfLoop`], [`GraphError::InvalidWeight`] for a negative or non-finite
    /// weight, [`GraphError::InvalidInterval`] when `from > to`.
    pub fn add_edge(&mut self, spec: EdgeSpec) -> Result<usize, GraphError> {
        let describe = || format!("{} edge `{}` -> `{}`", spec.kind, spec.source, spec.target);
        let source = *self.index.get(&spec.source).ok_or_else(|| GraphError::UnknownNode {
            id: spec.source.clone(),
            context: describe(),
        })?;
        let target = *self.index.get(&spec.target).ok_or_else(|| GraphError::UnknownNode {
            id: spec.target.clone(),
            context: describe(),
        })?;
        if source == target {
            return Err(GraphError::SelfLoop { id: spec.source.clone(), context: describe() });
        }
        if !spec.weight.is_finite() || spec.weight < 0.0 {
            return Err(GraphError::InvalidWeight { weight: spec.weight, context: describe() });
        }
        if let Some(Interval { from: Some(f), to: Some(t) }) = spec.interval
            && f > t
        {
            return Err(GraphError::InvalidInterval { what: describe(), from: f, to: t });
        }
        let i = self.edges.len();
        self.edges.push(Edge {
            source,
            target,
            kind: spec.kind,
            interval: spec.interval,
            weight: spec.weight,
            attributes: spec.attributes,
        });
        Ok(i)
    }

    /// All nodes, by index.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// All edges, by index.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges (parallel edges counted separately).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|i| &self.nodes[i])
    }

    /// Rebuilds the id index (needed after deserialising, since the index is not serialised).
    pub fn rebuild_index(&mut self) {
        self.index = self.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
    }

    /// The simple undirected graph underlying this multigraph: parallel edges (in either
    /// direction) are merged and their weights summed; the result lists, per node, its distinct
    /// neighbours in increasing index order with the merged weight.
    ///
    /// Complexity: O(m log m).
    pub fn simple_adjacency(&self) -> Vec<Vec<(usize, f64)>> {
        let mut pairs: Vec<(usize, usize, f64)> = self
            .edges
            .iter()
            .map(|e| (e.source.min(e.target), e.source.max(e.target), e.weight))
            .collect();
        pairs.sort_by_key(|p| (p.0, p.1));
        let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.nodes.len()];
        let mut k = 0;
        while k < pairs.len() {
            let (u, v, mut w) = pairs[k];
            k += 1;
            while k < pairs.len() && pairs[k].0 == u && pairs[k].1 == v {
                w += pairs[k].2;
                k += 1;
            }
            adj[u].push((v, w));
            adj[v].push((u, w));
        }
        for list in &mut adj {
            list.sort_by_key(|&(v, _)| v);
        }
        adj
    }
}
