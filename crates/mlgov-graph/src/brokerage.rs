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
//! **Undirected mode** ([`Direction::Undirected`], the default: most governance ties have no
//! meaningful direction) counts each *unordered* open triad `a – b – c` once. Gatekeeper and
//! representative cannot be told apart without a direction (a gatekeeper path read backwards is
//! a representative path), so they are merged into one role, `gatekeeper_or_representative`:
//! one end in the broker's group, the other outside. (`sna::brokerage` on a symmetric matrix
//! counts every triad twice and reports equal gatekeeper and representative counts; our counts
//! are exactly half of its and the merged role equals its gatekeeper count.)
//!
//! **Directed mode** reads each tie as an arc from source to target (both ways when a statement
//! runs the other way) and is only allowed on layers whose direction means a flow
//! ([`crate::EdgeKind::is_directed`]: funding, founding, coordination, hosting, support,
//! opposition); membership and affiliation are recorded member → network by convention, which
//! would make it impossible for a network ever to broker.
//!
//! **Against expectation.** Raw counts grow with the square of the degree; each count is
//! reported with its expected value and standard deviation under the null model of
//! Gould & Fernandez (a random graph of the same density and the same group sizes) and the
//! z-score, as `sna::brokerage` does ([`crate::brokerage_null`]). Directed moments are sna's
//! exactly; undirected ones are derived for unordered triads under G(N, p).
//!
//! **Time.** With [`BrokerageConfig::time_respecting`] (graphs spanning several years), a
//! two-path `a – b – c` counts only when the ties `a–b` and `b–c` hold at a common time and
//! `a` and `c` are not tied during it; no null model is given then (the static one does not
//! apply), so expected values and z-scores are absent. In a year snapshot every tie holds at
//! once and the static definitions apply.
//!
//! Ties of several layers between the same pair count as one tie; weights are not used.
//!
//! Complexity: O(Σ_b d_in(b) · d_out(b) · log d) with binary search on sorted arc lists.

use serde::{Deserialize, Serialize};

use crate::brokerage_null::{
    RoleMoments, directed_global_moments, directed_node_moments, undirected_node_moments, z_score,
};
use crate::error::GraphError;
use crate::model::{GovernanceGraph, Interval, spells_overlap};

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
    /// Unordered open triads (see the module documentation).
    #[default]
    Undirected,
    /// Every tie is an arc from its source to its target (directed layers only).
    Directed,
}

/// The attribute that defines the groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionBy {
    /// Governance level (local, regional, national, EU, international, unstated).
    Level,
    /// Public vs non-public.
    Sector,
    /// Node kind.
    Kind,
    /// A node attribute (for example `country`); nodes without it form the group `unstated`.
    Attribute(String),
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
            PartitionBy::Attribute(key) => nodes
                .iter()
                .map(|n| n.attributes.get(key).cloned().unwrap_or_else(|| "unstated".into()))
                .collect(),
            PartitionBy::Custom(groups) => {
                if groups.len() != nodes.len() {
                    return Err(GraphError::PartitionLength {
                        expected: nodes.len(),
                        got: groups.len(),
                    });
                }
                groups.clone()
            }
        })
    }

    /// A short name for reports: `level`, `sector`, `kind`, the attribute or `custom`.
    pub fn name(&self) -> String {
        match self {
            PartitionBy::Level => "level".into(),
            PartitionBy::Sector => "sector".into(),
            PartitionBy::Kind => "kind".into(),
            PartitionBy::Attribute(key) => key.clone(),
            PartitionBy::Custom(_) => "custom".into(),
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
    /// Count only two-paths whose ties coexist (graphs spanning several years).
    pub time_respecting: bool,
}

impl BrokerageConfig {
    /// Undirected, static, with this partition.
    pub fn undirected(partition: PartitionBy) -> Self {
        BrokerageConfig { direction: Direction::Undirected, partition, time_respecting: false }
    }
}

/// One role's count through a node (or in the whole graph) against its expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleStat {
    /// `coordinator`, `itinerant`, `gatekeeper`, `representative`,
    /// `gatekeeper_or_representative` (undirected), `liaison` or `total`.
    pub role: String,
    /// Number of brokered two-paths (unordered triads in undirected mode).
    pub count: u64,
    /// Expected count under the null model (absent for time-respecting counts).
    pub expected: Option<f64>,
    /// Its standard deviation.
    pub sd: Option<f64>,
    /// `(count − expected) / sd`; absent when the sd is 0 or there is no null model.
    pub z: Option<f64>,
}

/// Brokerage of one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerageRow {
    /// Node id.
    pub id: String,
    /// Node label.
    pub label: String,
    /// The node's group in the partition.
    pub group: String,
    /// Raw counts by role (in undirected mode gatekeeper carries the merged
    /// gatekeeper-or-representative count and representative is 0).
    pub roles: RoleCounts,
    /// Each role with expected value and z-score, then the total.
    pub stats: Vec<RoleStat>,
}

impl BrokerageRow {
    /// The statistic of `role`.
    pub fn stat(&self, role: &str) -> Option<&RoleStat> {
        self.stats.iter().find(|s| s.role == role)
    }
}

/// Brokerage of every node, in node index order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerageReport {
    /// Partition name.
    pub partition: String,
    /// How directions were read.
    pub direction: Direction,
    /// Whether only time-respecting two-paths were counted.
    pub time_respecting: bool,
    /// Density used by the null model (arcs / N(N−1) directed, ties / C(N,2) undirected).
    pub density: f64,
    /// Size of each group.
    pub groups: std::collections::BTreeMap<String, usize>,
    /// One row per node.
    pub rows: Vec<BrokerageRow>,
    /// Number of brokered two-paths in the whole graph (unordered triads when undirected).
    pub open_two_paths: u64,
    /// Whole-graph counts against expectation (directed mode: sna's global statistics).
    pub global: Vec<RoleStat>,
}

/// Role names in report order.
pub fn role_names(direction: Direction) -> &'static [&'static str] {
    match direction {
        Direction::Directed => {
            &["coordinator", "itinerant", "gatekeeper", "representative", "liaison", "total"]
        }
        Direction::Undirected => {
            &["coordinator", "itinerant", "gatekeeper_or_representative", "liaison", "total"]
        }
    }
}

fn stats_of(
    direction: Direction,
    counts: &RoleCounts,
    moments: Option<&RoleMoments>,
) -> Vec<RoleStat> {
    let values: [u64; 6] = [
        counts.coordinator,
        counts.itinerant,
        counts.gatekeeper,
        counts.representative,
        counts.liaison,
        counts.total(),
    ];
    let slots: &[usize] = match direction {
        Direction::Directed => &[0, 1, 2, 3, 4, 5],
        Direction::Undirected => &[0, 1, 2, 4, 5],
    };
    role_names(direction)
        .iter()
        .zip(slots)
        .map(|(name, &k)| {
            let m = moments.map(|m| m[k]);
            RoleStat {
                role: (*name).to_owned(),
                count: values[k],
                expected: m.map(|m| m.expected),
                sd: m.map(|m| m.sd),
                z: m.and_then(|m| z_score(values[k] as f64, m)),
            }
        })
        .collect()
}

/// Gould–Fernandez brokerage roles of every node of `graph`, with expectations.
///
/// # Errors
/// [`GraphError::PartitionLength`] for a custom partition of the wrong length;
/// [`GraphError::UndirectedLayers`] for directed mode on layers without a meaningful direction.
pub fn brokerage(
    graph: &GovernanceGraph,
    config: &BrokerageConfig,
) -> Result<BrokerageReport, GraphError> {
    let names = config.partition.groups(graph)?;
    if config.direction == Direction::Directed {
        check_directed_layers(graph)?;
    }
    let (group_names, groups, sizes) = group_indices(&names);
    let (counts, density) = role_counts(graph, config, &groups);
    let static_null = !config.time_respecting;
    let node_moments: Vec<Option<RoleMoments>> = (0..sizes.len())
        .map(|g| {
            static_null.then(|| match config.direction {
                Direction::Directed => directed_node_moments(&sizes, g, density),
                Direction::Undirected => undirected_node_moments(&sizes, g, density),
            })
        })
        .collect();
    let open_two_paths = counts.iter().map(RoleCounts::total).sum();
    let global_counts = summed(&counts);
    let global_moments = (static_null && config.direction == Direction::Directed)
        .then(|| directed_global_moments(&sizes, density));
    let global = stats_of(config.direction, &global_counts, global_moments.as_ref());
    let rows = graph
        .nodes()
        .iter()
        .zip(names)
        .zip(counts)
        .enumerate()
        .map(|(i, ((node, group), roles))| BrokerageRow {
            id: node.id.clone(),
            label: node.label.clone(),
            group,
            stats: stats_of(config.direction, &roles, node_moments[groups[i]].as_ref()),
            roles,
        })
        .collect();
    Ok(BrokerageReport {
        partition: config.partition.name(),
        direction: config.direction,
        time_respecting: config.time_respecting,
        density,
        groups: group_names.into_iter().zip(sizes).collect(),
        rows,
        open_two_paths,
        global,
    })
}

/// Directed brokerage needs layers with a meaningful direction.
fn check_directed_layers(graph: &GovernanceGraph) -> Result<(), GraphError> {
    let bad: std::collections::BTreeSet<&str> =
        graph.edges().iter().filter(|e| !e.kind.is_directed()).map(|e| e.kind.as_str()).collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(GraphError::UndirectedLayers { layers: bad.into_iter().collect::<Vec<_>>().join(", ") })
    }
}

/// The groups as indices, in order of first appearance: their names, each node's group, and
/// each group's size.
fn group_indices(names: &[String]) -> (Vec<String>, Vec<usize>, Vec<usize>) {
    let mut group_names: Vec<String> = Vec::new();
    let groups: Vec<usize> = names
        .iter()
        .map(|g| match group_names.iter().position(|x| x == g) {
            Some(i) => i,
            None => {
                group_names.push(g.clone());
                group_names.len() - 1
            }
        })
        .collect();
    let mut sizes = vec![0usize; group_names.len()];
    groups.iter().for_each(|&g| sizes[g] += 1);
    (group_names, groups, sizes)
}

/// Each node's role counts in the direction `config` asks for, and the graph's density.
fn role_counts(
    graph: &GovernanceGraph,
    config: &BrokerageConfig,
    groups: &[usize],
) -> (Vec<RoleCounts>, f64) {
    let (out, inc) = arcs(graph, config.direction);
    let spells = config.time_respecting.then(|| pair_spell_map(graph));
    let n = graph.node_count();
    match config.direction {
        Direction::Directed => {
            let m: usize = out.iter().map(Vec::len).sum();
            (
                brokerage_directed(&out, &inc, groups, spells.as_ref()),
                if n > 1 { m as f64 / (n * (n - 1)) as f64 } else { 0.0 },
            )
        }
        Direction::Undirected => {
            let m: usize = out.iter().map(Vec::len).sum::<usize>() / 2;
            (
                brokerage_undirected(&out, groups, spells.as_ref()),
                if n > 1 { 2.0 * m as f64 / (n * (n - 1)) as f64 } else { 0.0 },
            )
        }
    }
}

/// The role counts of all nodes together.
fn summed(counts: &[RoleCounts]) -> RoleCounts {
    let mut total = RoleCounts::default();
    for c in counts {
        total.coordinator += c.coordinator;
        total.itinerant += c.itinerant;
        total.gatekeeper += c.gatekeeper;
        total.representative += c.representative;
        total.liaison += c.liaison;
    }
    total
}

/// Spells of each linked pair, all layers merged (`None` = undated, holds always).
pub(crate) type PairSpells = std::collections::HashMap<(usize, usize), Vec<Interval>>;

pub(crate) fn pair_spell_map(graph: &GovernanceGraph) -> PairSpells {
    crate::centrality::pair_spells(graph)
        .into_iter()
        .map(|(u, v, s)| ((u, v), s.into_iter().map(|(from, to)| Interval { from, to }).collect()))
        .collect()
}

/// Whether the two-path a – b – c is open: with spells, the ties a–b and b–c must coexist and
/// a–c must not be tied during their common time; without, a and c must not be adjacent.
pub(crate) fn open_path(
    out: &[Vec<usize>],
    a: usize,
    b: usize,
    c: usize,
    spells: Option<&PairSpells>,
) -> bool {
    let Some(spells) = spells else {
        return out[a].binary_search(&c).is_err();
    };
    let get = |x: usize, y: usize| spells.get(&(x.min(y), x.max(y)));
    let (Some(ab), Some(bc)) = (get(a, b), get(b, c)) else { return false };
    let common: Vec<Interval> = if ab.is_empty() {
        bc.clone()
    } else if bc.is_empty() {
        ab.clone()
    } else {
        ab.iter().flat_map(|x| bc.iter().filter_map(move |y| x.intersection(y))).collect()
    };
    if !ab.is_empty() && !bc.is_empty() && common.is_empty() {
        return false;
    }
    match get(a, c) {
        None => true,
        Some(ac) => !spells_overlap(ac, &common),
    }
}

/// Unordered role counts (gatekeeper = merged gatekeeper-or-representative).
fn brokerage_undirected(
    adj: &[Vec<usize>],
    groups: &[usize],
    spells: Option<&PairSpells>,
) -> Vec<RoleCounts> {
    (0..adj.len())
        .map(|b| {
            let mut counts = RoleCounts::default();
            let nb = &adj[b];
            for (x, &a) in nb.iter().enumerate() {
                for &c in &nb[x + 1..] {
                    if !open_path(adj, a, b, c, spells) {
                        continue;
                    }
                    match BrokerageRole::classify(&groups[a], &groups[b], &groups[c]) {
                        BrokerageRole::Representative => counts.add(BrokerageRole::Gatekeeper),
                        role => counts.add(role),
                    }
                }
            }
            counts
        })
        .collect()
}

fn brokerage_directed(
    out: &[Vec<usize>],
    inc: &[Vec<usize>],
    groups: &[usize],
    spells: Option<&PairSpells>,
) -> Vec<RoleCounts> {
    (0..out.len())
        .map(|b| {
            let mut counts = RoleCounts::default();
            for &a in &inc[b] {
                for &c in &out[b] {
                    if a == c || a == b || c == b || !open_path(out, a, b, c, spells) {
                        continue;
                    }
                    counts.add(BrokerageRole::classify(&groups[a], &groups[b], &groups[c]));
                }
            }
            counts
        })
        .collect()
}

/// Sorted, deduplicated out- and in-arc lists of `graph` read with `direction`.
pub fn arcs(graph: &GovernanceGraph, direction: Direction) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let n = graph.node_count();
    let mut out = vec![Vec::new(); n];
    let mut inc = vec![Vec::new(); n];
    for e in graph.edges() {
        out[e.source].push(e.target);
        inc[e.target].push(e.source);
        if direction == Direction::Undirected || e.reciprocal {
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
pub fn brokerage_arcs<G: PartialEq>(
    out: &[Vec<usize>],
    inc: &[Vec<usize>],
    groups: &[G],
) -> Vec<RoleCounts> {
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
