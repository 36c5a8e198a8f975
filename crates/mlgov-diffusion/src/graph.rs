//! The diffusion graph: nodes with enabling factors, directed edges with an activation
//! probability (independent cascade) and a weight (linear threshold), stored as CSR.
//!
//! The graph is independent of the knowledge-base types: whoever maps the knowledge base
//! (the CLI integrator) creates [`NodeSpec`]s and [`EdgeSpec`]s and feeds a [`GraphBuilder`].
//!
//! # Edge probability from interactions
//!
//! An [`EdgeSpec`] either gives `probability` directly or lets the builder derive it from the
//! interaction frequency `f` (the survey's 0–5 scale, 0 = never, 5 = most frequent) and the
//! number `m` of memberships the two endpoints share (networks, fora). The channels are
//! treated as independent chances of passing a practice on (a noisy-OR):
//!
//! ```text
//! p = 1 − (1 − base) · (1 − frequency_max · f / 5) · (1 − per_membership)^m
//! ```
//!
//! with the user-set [`ProbabilityParams`] `base`, `frequency_max` (the probability a
//! frequency-5 tie alone passes a practice on) and `per_membership`. The linear-threshold
//! weight defaults to the same `p` unless `weight` is given; weights are normalised per target
//! node when a simulation is prepared (see [`crate::model`]).
//!
//! Parallel edges (same source and target) are merged when the graph is built:
//! probabilities combine as a noisy-OR `1 − (1 − p₁)(1 − p₂)`, weights add up.
//!
//! # Layout
//!
//! Compressed sparse rows: `offsets[u]..offsets[u + 1]` indexes the out-edges of `u` in the
//! `targets`, `sources`, `probability` and `weight` arrays, sorted by target. Building costs
//! O(m log m) for sorting; memory is O(n + m).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{DiffusionError, Result};

/// Index of a node in a [`DiffusionGraph`] (dense, `0..node_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The index as `usize`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of an edge in the CSR arrays of a [`DiffusionGraph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EdgeId(pub u32);

impl EdgeId {
    /// The index as `usize`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a node stands for in multilevel governance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NodeKind {
    /// A municipality, town or rural area (a local government).
    #[default]
    Locality,
    /// A city network or other network of local governments (through its secretariat).
    Network,
    /// A non-governmental organisation, civil-society or international organisation.
    Organisation,
    /// A regional, national or EU-level government.
    Government,
    /// Anything else.
    Other,
}

impl NodeKind {
    /// Whether nodes of this kind carry practices by default (NGOs and networks: they connect
    /// localities indirectly, file 004).
    #[must_use]
    pub fn is_carrier_by_default(self) -> bool {
        matches!(self, NodeKind::Network | NodeKind::Organisation)
    }
}

/// Enabling factors of policy learning (file 004), all optional: `None` means unknown.
///
/// How they change a node's susceptibility is set by [`crate::SusceptibilityParams`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnablingFactors {
    /// An official or bureaucrat formally assigned a mandate on integration.
    pub integration_officer: Option<bool>,
    /// Local policymakers perceive integration as a local-government responsibility.
    pub local_responsibility: Option<bool>,
    /// Perceived public attitudes towards migrants, 1 (very negative) to 5 (very positive).
    pub public_attitudes: Option<f64>,
    /// Politicisation (local salience) of immigration, 0 (none) to 1 (highly contested).
    pub politicisation: Option<f64>,
    /// Policymakers consult specialist information sources.
    pub specialist_information: Option<bool>,
}

impl EnablingFactors {
    /// Overwrites every factor that is `Some` in `changes`, keeps the others.
    pub fn apply(&mut self, changes: &EnablingFactors) {
        if changes.integration_officer.is_some() {
            self.integration_officer = changes.integration_officer;
        }
        if changes.local_responsibility.is_some() {
            self.local_responsibility = changes.local_responsibility;
        }
        if changes.public_attitudes.is_some() {
            self.public_attitudes = changes.public_attitudes;
        }
        if changes.politicisation.is_some() {
            self.politicisation = changes.politicisation;
        }
        if changes.specialist_information.is_some() {
            self.specialist_information = changes.specialist_information;
        }
    }

    /// Checks value ranges; `context` names the owner in the message.
    ///
    /// # Errors
    /// [`DiffusionError::OutOfRange`] for attitudes outside [1, 5] or politicisation outside [0, 1].
    pub fn validate(&self, context: &str) -> Result<()> {
        if let Some(a) = self.public_attitudes {
            check_range("public_attitudes", a, 1.0, 5.0, context, "a number in [1, 5]")?;
        }
        if let Some(p) = self.politicisation {
            check_range("politicisation", p, 0.0, 1.0, context, "a number in [0, 1]")?;
        }
        Ok(())
    }
}

/// A node to add to a [`GraphBuilder`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    /// Unique key, e.g. a locality id from the knowledge base.
    pub key: String,
    /// What the node is.
    #[serde(default)]
    pub kind: NodeKind,
    /// Whether it carries practices without adopting them; `None` = by kind (NGOs, networks).
    #[serde(default)]
    pub carrier: Option<bool>,
    /// Enabling factors.
    #[serde(default)]
    pub factors: EnablingFactors,
}

impl NodeSpec {
    /// A node with the given key and kind, default carrier flag and no known factors.
    #[must_use]
    pub fn new(key: impl Into<String>, kind: NodeKind) -> Self {
        NodeSpec { key: key.into(), kind, carrier: None, factors: EnablingFactors::default() }
    }
}

/// A directed edge to add to a [`GraphBuilder`]; see the module docs for how `probability`
/// is derived when it is not given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdgeSpec {
    /// Key of the node the practice travels from.
    pub source: String,
    /// Key of the node the practice travels to.
    pub target: String,
    /// Activation probability in [0, 1]; overrides the derivation from interactions.
    #[serde(default)]
    pub probability: Option<f64>,
    /// Linear-threshold weight ≥ 0; defaults to the probability.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Interaction frequency on the 0–5 scale.
    #[serde(default)]
    pub frequency: Option<f64>,
    /// Number of memberships (networks, fora) the endpoints share.
    #[serde(default)]
    pub shared_memberships: u32,
    /// Also add the reverse edge with the same parameters.
    #[serde(default)]
    pub bidirectional: bool,
}

impl EdgeSpec {
    /// An edge with an explicit probability (weight = probability).
    #[must_use]
    pub fn with_probability(source: impl Into<String>, target: impl Into<String>, p: f64) -> Self {
        EdgeSpec {
            source: source.into(),
            target: target.into(),
            probability: Some(p),
            weight: None,
            frequency: None,
            shared_memberships: 0,
            bidirectional: false,
        }
    }

    /// An edge whose probability is derived from interaction frequency and shared memberships.
    #[must_use]
    pub fn from_interaction(
        source: impl Into<String>,
        target: impl Into<String>,
        frequency: f64,
        shared_memberships: u32,
    ) -> Self {
        EdgeSpec {
            source: source.into(),
            target: target.into(),
            probability: None,
            weight: None,
            frequency: Some(frequency),
            shared_memberships,
            bidirectional: false,
        }
    }
}

/// User-set parameters turning interactions into activation probabilities (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProbabilityParams {
    /// Probability of passing a practice on without any recorded interaction or membership.
    pub base: f64,
    /// Probability that a tie of the highest interaction frequency (5) alone passes it on.
    pub frequency_max: f64,
    /// Probability that one shared membership alone passes it on.
    pub per_membership: f64,
}

impl Default for ProbabilityParams {
    /// Illustrative values (assumed, not estimated): base 0, frequency_max 0.3,
    /// per_membership 0.05.
    fn default() -> Self {
        ProbabilityParams { base: 0.0, frequency_max: 0.3, per_membership: 0.05 }
    }
}

impl ProbabilityParams {
    /// Checks that every parameter is a probability.
    ///
    /// # Errors
    /// [`DiffusionError::OutOfRange`] naming the parameter.
    pub fn validate(&self) -> Result<()> {
        let ctx = "edge probability parameters";
        check_range("base", self.base, 0.0, 1.0, ctx, "a probability in [0, 1]")?;
        check_range("frequency_max", self.frequency_max, 0.0, 1.0, ctx, "a probability in [0, 1]")?;
        check_range("per_membership", self.per_membership, 0.0, 1.0, ctx, "a probability in [0, 1]")
    }

    /// The noisy-OR probability for frequency `f` (0–5) and `m` shared memberships.
    #[must_use]
    pub fn probability(&self, frequency: f64, shared_memberships: u32) -> f64 {
        let stay = (1.0 - self.base)
            * (1.0 - self.frequency_max * frequency / 5.0)
            * (1.0 - self.per_membership)
                .powi(i32::try_from(shared_memberships).unwrap_or(i32::MAX));
        (1.0 - stay).clamp(0.0, 1.0)
    }
}

/// A node as stored in the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Unique key.
    pub key: String,
    /// What the node is.
    pub kind: NodeKind,
    /// Carries practices (NGO, network): counted as a bridge, not as an adopter.
    pub carrier: bool,
    /// Enabling factors.
    pub factors: EnablingFactors,
}

/// An edge as seen from outside the CSR arrays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeRef {
    /// Source node.
    pub source: NodeId,
    /// Target node.
    pub target: NodeId,
    /// Activation probability (before susceptibility).
    pub probability: f64,
    /// Linear-threshold weight (before normalisation).
    pub weight: f64,
}

/// Builds a [`DiffusionGraph`] from node and edge lists.
#[derive(Debug, Clone)]
pub struct GraphBuilder {
    params: ProbabilityParams,
    nodes: Vec<Node>,
    index: HashMap<String, NodeId>,
    edges: Vec<(u32, u32, f64, f64)>,
}

impl GraphBuilder {
    /// An empty builder deriving probabilities with `params`.
    ///
    /// # Errors
    /// If a parameter is not a probability.
    pub fn new(params: ProbabilityParams) -> Result<Self> {
        params.validate()?;
        Ok(GraphBuilder { params, nodes: Vec::new(), index: HashMap::new(), edges: Vec::new() })
    }

    /// The probability parameters in use.
    #[must_use]
    pub fn params(&self) -> &ProbabilityParams {
        &self.params
    }

    /// Adds a node; ids are assigned in insertion order.
    ///
    /// # Errors
    /// Duplicate key, factor out of range, or more than `u32::MAX` nodes.
    pub fn add_node(&mut self, spec: NodeSpec) -> Result<NodeId> {
        if self.index.contains_key(&spec.key) {
            return Err(DiffusionError::DuplicateNode { key: spec.key });
        }
        spec.factors.validate(&format!("node `{}`", spec.key))?;
        let id = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&i| i < u32::MAX)
            .ok_or(DiffusionError::TooLarge { what: "nodes", limit: u64::from(u32::MAX) })?;
        let id = NodeId(id);
        self.index.insert(spec.key.clone(), id);
        let carrier = spec.carrier.unwrap_or_else(|| spec.kind.is_carrier_by_default());
        self.nodes.push(Node { key: spec.key, kind: spec.kind, carrier, factors: spec.factors });
        Ok(id)
    }

    /// The id of the node with `key`, if any.
    #[must_use]
    pub fn node_id(&self, key: &str) -> Option<NodeId> {
        self.index.get(key).copied()
    }

    /// Mutable access to a node (used by scenarios to change enabling factors).
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id.index())
    }

    /// Adds an edge (and its reverse when `bidirectional`) between existing nodes.
    ///
    /// # Errors
    /// Unknown endpoint, self-loop, probability/weight/frequency out of range.
    pub fn add_edge(&mut self, spec: &EdgeSpec) -> Result<()> {
        let ctx = || format!("edge `{}` -> `{}`", spec.source, spec.target);
        let s = self.resolve(&spec.source, "edge source")?;
        let t = self.resolve(&spec.target, "edge target")?;
        if s == t {
            return Err(DiffusionError::SelfLoop { key: spec.source.clone() });
        }
        let p = match spec.probability {
            Some(p) => {
                check_range("probability", p, 0.0, 1.0, &ctx(), "a probability in [0, 1]")?;
                p
            }
            None => {
                let f = spec.frequency.unwrap_or(0.0);
                check_range(
                    "frequency",
                    f,
                    0.0,
                    5.0,
                    &ctx(),
                    "an interaction frequency in [0, 5]",
                )?;
                self.params.probability(f, spec.shared_memberships)
            }
        };
        let w = match spec.weight {
            Some(w) => {
                check_range("weight", w, 0.0, f64::MAX, &ctx(), "a finite weight >= 0")?;
                w
            }
            None => p,
        };
        self.push_edge(s, t, p, w)?;
        if spec.bidirectional {
            self.push_edge(t, s, p, w)?;
        }
        Ok(())
    }

    /// Adds an edge between node ids with a resolved probability and weight.
    ///
    /// # Errors
    /// Unknown id, self-loop, values out of range.
    pub fn add_edge_by_id(&mut self, source: NodeId, target: NodeId, p: f64, w: f64) -> Result<()> {
        let n = self.nodes.len();
        for id in [source, target] {
            if id.index() >= n {
                return Err(DiffusionError::UnknownNode {
                    key: format!("#{}", id.0),
                    context: "edge by id".into(),
                });
            }
        }
        if source == target {
            return Err(DiffusionError::SelfLoop { key: self.nodes[source.index()].key.clone() });
        }
        let ctx = format!("edge #{} -> #{}", source.0, target.0);
        check_range("probability", p, 0.0, 1.0, &ctx, "a probability in [0, 1]")?;
        check_range("weight", w, 0.0, f64::MAX, &ctx, "a finite weight >= 0")?;
        self.push_edge(source.0, target.0, p, w)
    }

    fn push_edge(&mut self, s: u32, t: u32, p: f64, w: f64) -> Result<()> {
        if self.edges.len() >= u32::MAX as usize {
            return Err(DiffusionError::TooLarge { what: "edges", limit: u64::from(u32::MAX) });
        }
        self.edges.push((s, t, p, w));
        Ok(())
    }

    fn resolve(&self, key: &str, context: &str) -> Result<u32> {
        self.index.get(key).map(|id| id.0).ok_or_else(|| DiffusionError::UnknownNode {
            key: key.to_owned(),
            context: context.to_owned(),
        })
    }

    /// Builds the CSR graph, merging parallel edges (noisy-OR of probabilities, sum of
    /// weights). O(m log m).
    #[must_use]
    pub fn build(mut self) -> DiffusionGraph {
        let n = self.nodes.len();
        self.edges.sort_unstable_by_key(|&(s, t, _, _)| (s, t));
        let mut sources = Vec::with_capacity(self.edges.len());
        let mut targets = Vec::with_capacity(self.edges.len());
        let mut probability = Vec::with_capacity(self.edges.len());
        let mut weight = Vec::with_capacity(self.edges.len());
        for &(s, t, p, w) in &self.edges {
            if sources.last() == Some(&s) && targets.last() == Some(&t) {
                let last = probability.len() - 1;
                probability[last] = 1.0 - (1.0 - probability[last]) * (1.0 - p);
                weight[last] += w;
            } else {
                sources.push(s);
                targets.push(t);
                probability.push(p);
                weight.push(w);
            }
        }
        let mut offsets = vec![0u32; n + 1];
        for &s in &sources {
            offsets[s as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        DiffusionGraph {
            params: self.params,
            nodes: self.nodes,
            index: self.index,
            offsets,
            sources,
            targets,
            probability,
            weight,
        }
    }
}

/// A directed diffusion graph in CSR form. Build it with [`GraphBuilder`].
#[derive(Debug, Clone)]
pub struct DiffusionGraph {
    params: ProbabilityParams,
    nodes: Vec<Node>,
    index: HashMap<String, NodeId>,
    pub(crate) offsets: Vec<u32>,
    pub(crate) sources: Vec<u32>,
    pub(crate) targets: Vec<u32>,
    pub(crate) probability: Vec<f64>,
    pub(crate) weight: Vec<f64>,
}

impl DiffusionGraph {
    /// Number of nodes.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of (merged) edges.
    #[must_use]
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// The node with id `id`. Panics if `id` is not from this graph.
    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// All nodes in id order.
    #[must_use]
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The id of the node with `key`.
    #[must_use]
    pub fn node_id(&self, key: &str) -> Option<NodeId> {
        self.index.get(key).copied()
    }

    /// Resolves node keys, naming `context` in the error.
    ///
    /// # Errors
    /// [`DiffusionError::UnknownNode`] for the first key not in the graph.
    pub fn resolve_keys<S: AsRef<str>>(&self, keys: &[S], context: &str) -> Result<Vec<NodeId>> {
        keys.iter()
            .map(|k| {
                self.node_id(k.as_ref()).ok_or_else(|| DiffusionError::UnknownNode {
                    key: k.as_ref().to_owned(),
                    context: context.to_owned(),
                })
            })
            .collect()
    }

    /// The edge with id `e`. Panics if `e` is not from this graph.
    #[must_use]
    pub fn edge(&self, e: EdgeId) -> EdgeRef {
        let i = e.index();
        EdgeRef {
            source: NodeId(self.sources[i]),
            target: NodeId(self.targets[i]),
            probability: self.probability[i],
            weight: self.weight[i],
        }
    }

    /// Out-edges of `u` as edge ids (sorted by target).
    pub fn out_edges(&self, u: NodeId) -> impl Iterator<Item = EdgeId> + '_ {
        let (a, b) = (self.offsets[u.index()], self.offsets[u.index() + 1]);
        (a..b).map(EdgeId)
    }

    /// The probability parameters the graph was built with.
    #[must_use]
    pub fn params(&self) -> &ProbabilityParams {
        &self.params
    }

    /// A builder holding this graph's nodes (same ids) and merged edges, to extend it.
    #[must_use]
    pub fn to_builder(&self) -> GraphBuilder {
        let edges = (0..self.targets.len())
            .map(|i| (self.sources[i], self.targets[i], self.probability[i], self.weight[i]))
            .collect();
        GraphBuilder {
            params: self.params,
            nodes: self.nodes.clone(),
            index: self.index.clone(),
            edges,
        }
    }
}

fn check_range(
    field: &'static str,
    value: f64,
    low: f64,
    high: f64,
    context: &str,
    expected: &'static str,
) -> Result<()> {
    if value.is_finite() && value >= low && value <= high {
        Ok(())
    } else {
        Err(DiffusionError::OutOfRange { field, value, context: context.to_owned(), expected })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noisy_or_probability() {
        let p = ProbabilityParams { base: 0.1, frequency_max: 0.5, per_membership: 0.2 };
        // 1 - 0.9 * (1 - 0.5 * 4/5) * 0.8^2 = 1 - 0.9 * 0.6 * 0.64
        assert!((p.probability(4.0, 2) - (1.0 - 0.9 * 0.6 * 0.64)).abs() < 1e-12);
        assert_eq!(ProbabilityParams::default().probability(0.0, 0), 0.0);
    }

    #[test]
    fn parallel_edges_merge() {
        let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
        b.add_node(NodeSpec::new("a", NodeKind::Locality)).unwrap();
        b.add_node(NodeSpec::new("b", NodeKind::Locality)).unwrap();
        b.add_edge(&EdgeSpec::with_probability("a", "b", 0.5)).unwrap();
        b.add_edge(&EdgeSpec::with_probability("a", "b", 0.5)).unwrap();
        let g = b.build();
        assert_eq!(g.edge_count(), 1);
        let e = g.edge(EdgeId(0));
        assert!((e.probability - 0.75).abs() < 1e-12);
        assert!((e.weight - 1.0).abs() < 1e-12);
    }

    #[test]
    fn carrier_defaults_by_kind() {
        let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
        let ngo = b.add_node(NodeSpec::new("ngo", NodeKind::Organisation)).unwrap();
        let loc = b.add_node(NodeSpec::new("loc", NodeKind::Locality)).unwrap();
        let g = b.build();
        assert!(g.node(ngo).carrier);
        assert!(!g.node(loc).carrier);
    }
}
