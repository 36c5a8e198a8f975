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
    /// Not stated by the sources and not derivable from a stated scope or office: kept as its
    /// own group rather than guessed (for example from a country alone).
    Unstated,
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
            Level::Unstated => "unstated",
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

/// The layer a tie belongs to, named after the relation it stands for. Every pair of nodes has
/// at most one tie per layer (see [`GovernanceGraph::add_edge`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A locality (or organisation, person) is a member of, or takes part in, a network.
    Membership,
    /// A person holds an office (mayor, deputy mayor, councillor, president) in a locality.
    Office,
    /// A person works for or belongs to an organisation; a municipal department belongs to its
    /// locality.
    Affiliation,
    /// A funder finances or sponsors a network, project or organisation (funder → funded).
    Funding,
    /// A partnership or cooperation between organisations, networks or localities.
    Partnership,
    /// An actor founded a network or organisation (founder → founded).
    Founding,
    /// An actor coordinates a network or project (coordinator → coordinated).
    Coordination,
    /// An actor hosts a network's secretariat or an event (host → hosted).
    Hosting,
    /// An actor supports another (supporter → supported).
    Support,
    /// An adversarial tie (opponent → opposed); left out of the governance graph unless asked.
    Opposition,
    /// A reported interaction (survey), valued by frequency.
    Interaction,
    /// A projected tie: two nodes share one or more neighbours (see [`crate::projection`]).
    SharedMembership,
}

impl EdgeKind {
    /// Every layer, in declaration order.
    pub const ALL: [EdgeKind; 12] = [
        EdgeKind::Membership,
        EdgeKind::Office,
        EdgeKind::Affiliation,
        EdgeKind::Funding,
        EdgeKind::Partnership,
        EdgeKind::Founding,
        EdgeKind::Coordination,
        EdgeKind::Hosting,
        EdgeKind::Support,
        EdgeKind::Opposition,
        EdgeKind::Interaction,
        EdgeKind::SharedMembership,
    ];

    /// The layers the knowledge base states: the first nine of [`EdgeKind::ALL`] (the
    /// adversarial opposition, the survey's interactions and the projections left out).
    pub fn knowledge_base() -> &'static [EdgeKind] {
        &Self::ALL[..9]
    }

    /// The snake_case name used in exports and JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            EdgeKind::Membership => "membership",
            EdgeKind::Office => "office",
            EdgeKind::Affiliation => "affiliation",
            EdgeKind::Funding => "funding",
            EdgeKind::Partnership => "partnership",
            EdgeKind::Founding => "founding",
            EdgeKind::Coordination => "coordination",
            EdgeKind::Hosting => "hosting",
            EdgeKind::Support => "support",
            EdgeKind::Opposition => "opposition",
            EdgeKind::Interaction => "interaction",
            EdgeKind::SharedMembership => "shared_membership",
        }
    }

    /// The layer with this name.
    ///
    /// # Errors
    /// [`GraphError::UnknownLayer`] naming the layers that exist.
    pub fn parse(name: &str) -> Result<EdgeKind, GraphError> {
        let name = name.trim();
        EdgeKind::ALL.into_iter().find(|k| k.as_str() == name).ok_or_else(|| {
            GraphError::UnknownLayer {
                name: name.to_owned(),
                expected: EdgeKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
            }
        })
    }

    /// Whether the direction of the tie means something (a flow from source to target), so that
    /// directed analyses may use it. Membership, office, affiliation, partnership, interaction
    /// and projected ties are recorded in one direction by convention only (member → network,
    /// person → locality), so they are symmetric.
    pub fn is_directed(&self) -> bool {
        matches!(
            self,
            EdgeKind::Funding
                | EdgeKind::Founding
                | EdgeKind::Coordination
                | EdgeKind::Hosting
                | EdgeKind::Support
                | EdgeKind::Opposition
        )
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a tie's weight is chosen for weighted measures (strength, eigenvector, communities).
/// Always explicit: the default gives every tie weight 1, so that several statements of the
/// same relation (a second citation, a founder who is also a member) never make it stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Every tie weighs 1.
    #[default]
    None,
    /// The number of distinct years the tie holds (its spells, merged; a still-running spell is
    /// counted up to the graph's horizon, a spell with unknown start counts from its end year
    /// only); 1 for an undated tie.
    Years,
    /// The number of statements behind the tie (for a projected tie, the shared neighbours).
    Statements,
    /// The value the data gives (the mean interaction frequency of a survey tie, the number of
    /// shared neighbours of a projected tie); 1 for other ties.
    Value,
}

impl Weighting {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Weighting::None => "none",
            Weighting::Years => "years",
            Weighting::Statements => "statements",
            Weighting::Value => "value",
        }
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

    /// Whether the two intervals share at least one year (open ends never limit).
    pub fn overlaps(&self, other: &Interval) -> bool {
        let from = self.from.unwrap_or(i32::MIN).max(other.from.unwrap_or(i32::MIN));
        let to = self.to.unwrap_or(i32::MAX).min(other.to.unwrap_or(i32::MAX));
        from <= to
    }

    /// The years both intervals share, if any.
    pub fn intersection(&self, other: &Interval) -> Option<Interval> {
        if !self.overlaps(other) {
            return None;
        }
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Some(Interval { from, to })
    }

    /// Number of years in the interval: a still-running interval is counted up to `horizon`
    /// (at least its start), one with an unknown start from its end year only.
    pub fn years(&self, horizon: Option<i32>) -> u32 {
        match (self.from, self.to) {
            (Some(f), Some(t)) => (t - f + 1).max(1) as u32,
            (Some(f), None) => (horizon.unwrap_or(f).max(f) - f + 1) as u32,
            (None, _) => 1,
        }
    }
}

/// Merges overlapping or adjacent intervals (1990–1995 and 1996–2000 become 1990–2000); the
/// result is sorted by start (unknown starts first) and pairwise disjoint.
pub fn merge_spells(mut spells: Vec<Interval>) -> Vec<Interval> {
    spells.sort_by_key(|i| (i.from.unwrap_or(i32::MIN), i.to.unwrap_or(i32::MAX)));
    let mut out: Vec<Interval> = Vec::with_capacity(spells.len());
    for s in spells {
        if let Some(last) = out.last_mut() {
            let last_to = last.to.unwrap_or(i32::MAX);
            if s.from.unwrap_or(i32::MIN) <= last_to.saturating_add(1) {
                last.to = match (last.to, s.to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                continue;
            }
        }
        out.push(s);
    }
    out
}

/// Whether two spell lists share a year. An empty list means undated: it holds always.
pub fn spells_overlap(a: &[Interval], b: &[Interval]) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    a.iter().any(|x| b.iter().any(|y| x.overlaps(y)))
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
    /// The statement's dates to the day where the source gives more than a year (exports only:
    /// the analyses work in years, [`EdgeSpec::interval`]).
    pub dates: Option<DaySpan>,
}

/// A statement's period to the day, for exports that keep full dates (GEXF with
/// `timeformat="date"`): the first day of its start and the last day of its end, as ISO dates
/// (`2015-03-01`, `2018-12-31`); `None` where an end is open. `precise` is true when the source
/// gives a month or a day (a year alone spans 1 January – 31 December).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySpan {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// A month or a day was stated.
    pub precise: bool,
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
            dates: None,
        }
    }

    /// Sets the dates to the day (builder style), see [`DaySpan`].
    pub fn with_dates(mut self, dates: DaySpan) -> Self {
        self.dates = Some(dates);
        self
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

/// One statement behind a tie: its own years, value and attributes (statement id, source,
/// locator, role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieStatement {
    /// Years the statement gives; `None` when it is undated.
    pub interval: Option<Interval>,
    /// The value it gives (1 for plain statements, the frequency for interactions).
    pub value: f64,
    /// Its attributes as given in the [`EdgeSpec`].
    pub attributes: BTreeMap<String, String>,
    /// Its dates to the day, when the [`EdgeSpec`] gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<DaySpan>,
}

/// A tie stored in the graph: one per pair of nodes and layer, carrying every statement that
/// supports it and the spells (merged intervals) during which it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Index of the source node in [`GovernanceGraph::nodes`] (the first statement's source).
    pub source: usize,
    /// Index of the target node.
    pub target: usize,
    /// Layer.
    pub kind: EdgeKind,
    /// Merged intervals of the dated statements, sorted and disjoint; empty when no statement
    /// is dated (then [`Edge::undated`] is true).
    pub spells: Vec<Interval>,
    /// No statement behind the tie gives a date: it is kept in every year when undated ties are
    /// included, and left out otherwise.
    pub undated: bool,
    /// A statement in the layer runs the other way too (only meaningful for directed layers).
    pub reciprocal: bool,
    /// The statements, in the order they were added.
    pub statements: Vec<TieStatement>,
}

impl Edge {
    /// Whether the tie holds in `year` (an undated tie: always).
    pub fn active_in(&self, year: i32) -> bool {
        self.undated || self.spells.iter().any(|i| i.contains(year))
    }

    /// Whether the tie and `other` hold at a common time (an undated tie coexists with all).
    pub fn coexists_with(&self, other: &Edge) -> bool {
        spells_overlap(&self.spells, &other.spells)
    }

    /// The span of the tie: earliest start to latest end of its spells (`None` when undated).
    pub fn span(&self) -> Option<Interval> {
        let first = self.spells.first()?;
        let last = self.spells.last()?;
        // Spells are sorted and disjoint: the last one ends last.
        Some(Interval { from: first.from, to: last.to })
    }

    /// The largest value given by its statements (1 for plain ties).
    pub fn value(&self) -> f64 {
        self.statements.iter().map(|s| s.value).fold(f64::NAN, f64::max).max(0.0)
    }

    /// The weight under `weighting` (see [`Weighting`]); `horizon` closes still-running spells.
    pub fn weight_by(&self, weighting: Weighting, horizon: Option<i32>) -> f64 {
        match weighting {
            Weighting::None => 1.0,
            // A projected tie has one statement standing for all its shared neighbours.
            Weighting::Statements if self.kind == EdgeKind::SharedMembership => self.value(),
            Weighting::Statements => self.statements.len() as f64,
            Weighting::Value => self.value(),
            Weighting::Years if self.undated => 1.0,
            Weighting::Years => {
                self.spells.iter().map(|s| s.years(horizon)).sum::<u32>().max(1) as f64
            }
        }
    }

    /// Attributes merged over the statements: for each key, its distinct values in order of
    /// appearance, joined by `; `.
    pub fn attributes(&self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for st in &self.statements {
            for (k, v) in &st.attributes {
                match out.get_mut(k) {
                    Some(existing) => {
                        if !existing.split("; ").any(|x| x == v) {
                            existing.push_str("; ");
                            existing.push_str(v);
                        }
                    }
                    None => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        out
    }
}

/// A multi-layer, time-stamped graph with **one tie per pair of nodes and layer**: every
/// statement added with [`GovernanceGraph::add_edge`] joins the tie of its pair and layer
/// (creating it if needed), adding its interval to the tie's spells. Ties keep the direction of
/// their first statement; analyses say whether they use it (only layers with
/// [`EdgeKind::is_directed`] have a meaningful one). Self-loops are rejected.
///
/// Weights are not stored: the graph's [`Weighting`] (default [`Weighting::None`], every tie
/// weighs 1) turns ties into weights when an analysis asks ([`GovernanceGraph::simple_adjacency`]).
///
/// Node indices are positions in [`GovernanceGraph::nodes`], stable for the life of the
/// graph; subgraphs ([`crate::snapshot`]) renumber them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GovernanceGraph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// How ties become weights.
    pub weighting: Weighting,
    /// The latest year any statement of the source graph names: still-running spells are
    /// counted up to it by [`Weighting::Years`]. Kept by subgraphs and projections.
    pub horizon: Option<i32>,
    #[serde(skip)]
    index: HashMap<String, usize>,
    #[serde(skip)]
    tie_index: HashMap<(usize, usize, EdgeKind), usize>,
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
            return Err(GraphError::InvalidInterval {
                what: format!("node `{}`", node.id),
                from: f,
                to: t,
            });
        }
        let i = self.nodes.len();
        self.index.insert(node.id.clone(), i);
        self.nodes.push(node);
        Ok(i)
    }

    /// Adds a statement: it joins the tie of its pair and layer (created if needed). Returns the
    /// tie's index.
    ///
    /// # Errors
    /// [`GraphError::UnknownNode`] when an endpoint id is not in the graph,
    /// [`GraphError::SelfLoop`], [`GraphError::InvalidWeight`] for a negative or non-finite
    /// value, [`GraphError::InvalidInterval`] when `from > to`.
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
        let interval = spec.interval.filter(|i| i.from.is_some() || i.to.is_some());
        for y in interval.iter().flat_map(|i| [i.from, i.to]).flatten() {
            self.horizon = Some(self.horizon.map_or(y, |h| h.max(y)));
        }
        let statement = TieStatement {
            interval,
            value: spec.weight,
            attributes: spec.attributes,
            dates: spec.dates,
        };
        let key = (source.min(target), source.max(target), spec.kind.clone());
        if let Some(&i) = self.tie_index.get(&key) {
            let tie = &mut self.edges[i];
            tie.reciprocal |= tie.source != source;
            tie.statements.push(statement);
            let dated: Vec<Interval> = tie.statements.iter().filter_map(|s| s.interval).collect();
            tie.undated = dated.is_empty();
            tie.spells = merge_spells(dated);
            return Ok(i);
        }
        let tie = Edge {
            source,
            target,
            kind: spec.kind,
            spells: interval.into_iter().collect(),
            undated: interval.is_none(),
            reciprocal: false,
            statements: vec![statement],
        };
        Ok(self.push_tie(tie))
    }

    /// Adds a whole tie (used when copying ties into subgraphs); its endpoints must be node
    /// indices of this graph and its pair and layer new.
    pub(crate) fn push_tie(&mut self, tie: Edge) -> usize {
        let i = self.edges.len();
        self.tie_index
            .insert((tie.source.min(tie.target), tie.source.max(tie.target), tie.kind.clone()), i);
        self.edges.push(tie);
        i
    }

    /// All nodes, by index.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// All ties, by index.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of ties (one per pair and layer).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Number of statements behind the ties.
    pub fn statement_count(&self) -> usize {
        self.edges.iter().map(|e| e.statements.len()).sum()
    }

    /// The index of the node with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.node_index(id).map(|i| &self.nodes[i])
    }

    /// The tie of `layer` between the nodes with these ids, in either direction.
    pub fn tie(&self, a: &str, b: &str, layer: &EdgeKind) -> Option<&Edge> {
        let (a, b) = (self.node_index(a)?, self.node_index(b)?);
        self.tie_index.get(&(a.min(b), a.max(b), layer.clone())).map(|&i| &self.edges[i])
    }

    /// The weight of a tie under the graph's weighting.
    pub fn weight(&self, e: &Edge) -> f64 {
        e.weight_by(self.weighting, self.horizon)
    }

    /// Rebuilds the id and tie indexes (needed after deserialising, since they are not
    /// serialised).
    pub fn rebuild_index(&mut self) {
        self.index = self.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        self.tie_index = self
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.source.min(e.target), e.source.max(e.target), e.kind.clone()), i))
            .collect();
    }

    /// The simple undirected graph underlying this multilayer graph: ties of different layers
    /// between the same pair are merged. The merged weight is 1 under [`Weighting::None`] (the
    /// pair is tied), else the sum of the layers' tie weights. The result lists, per node, its
    /// distinct neighbours in increasing index order with the merged weight.
    ///
    /// Complexity: O(m log m).
    pub fn simple_adjacency(&self) -> Vec<Vec<(usize, f64)>> {
        let mut pairs: Vec<(usize, usize, f64)> = self
            .edges
            .iter()
            .map(|e| (e.source.min(e.target), e.source.max(e.target), self.weight(e)))
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
            if self.weighting == Weighting::None {
                w = 1.0;
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
