//! Boundary spanners around a focal set (a locality and its officials): the actors who connect
//! public with non-public actors and the local with the international sphere — the "network
//! professionals" of Caponio & Clément (2020, seed file 000), after Williams (2002) "The
//! competent boundary spanner".
//!
//! Definition. The graph is read as simple and undirected. A candidate `b` *connects* two of
//! its neighbours `a` and `c` when `a` and `c` are not adjacent (an open triad, i.e. a brokered
//! two-path). Then:
//!
//! * `public_nonpublic_pairs(b)` = number of unordered open pairs `{a, c}` around `b` with one
//!   public and one non-public end;
//! * `local_international_pairs(b)` = number of unordered open pairs with one end at a level in
//!   `local_levels` (default: local) and the other at a level in `international_levels`
//!   (default: EU and international);
//! * `b` spans sectors (levels) when the count is positive; it is a *boundary spanner* when it
//!   spans both.
//!
//! The Gould–Fernandez role counts by sector and by level ([`crate::brokerage`], undirected
//! rule: unordered triads, gatekeeper and representative merged into `gatekeeper`) are
//! reported alongside. With [`FocusSpec::time_respecting`] (a graph spanning several years) an
//! open pair counts only when its two ties hold at a common time and its ends are not tied
//! then: a mayor of 1995 and one of 2015 are not connected by their city. Candidates are the focal nodes and, optionally, their
//! neighbours, restricted to the requested kinds.
//!
//! Complexity: O(Σ_b d(b)² log d) over the candidates.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::brokerage::{
    BrokerageRole, Direction, PairSpells, RoleCounts, arcs, open_path, pair_spell_map,
};
use crate::error::GraphError;
use crate::model::{GovernanceGraph, Level, NodeKind, Sector};

/// What the report looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusSpec {
    /// Ids of the focal nodes (for example a locality and its officials).
    pub focal: Vec<String>,
    /// Also consider the neighbours of the focal nodes as candidates.
    pub include_neighbours: bool,
    /// Candidate kinds; `None` accepts every kind.
    pub candidate_kinds: Option<BTreeSet<NodeKind>>,
    /// Levels forming the local sphere.
    pub local_levels: BTreeSet<Level>,
    /// Levels forming the international sphere.
    pub international_levels: BTreeSet<Level>,
    /// Count only open pairs whose two ties hold at a common time (graphs spanning years).
    pub time_respecting: bool,
}

impl FocusSpec {
    /// Persons and organisations among the focal nodes and their neighbours; local sphere =
    /// local level, international sphere = EU and international levels.
    pub fn new(focal: Vec<String>) -> Self {
        FocusSpec {
            focal,
            include_neighbours: true,
            candidate_kinds: Some(BTreeSet::from([NodeKind::Person, NodeKind::Organisation])),
            local_levels: BTreeSet::from([Level::Local]),
            international_levels: BTreeSet::from([Level::Eu, Level::International]),
            time_respecting: false,
        }
    }
}

/// One candidate of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpannerRow {
    /// Node id.
    pub id: String,
    /// Node label.
    pub label: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Node level.
    pub level: Level,
    /// Node sector.
    pub sector: Sector,
    /// Whether the node is in the focal set (otherwise a neighbour of it).
    pub focal: bool,
    /// Open pairs joining a public and a non-public actor through this node.
    pub public_nonpublic_pairs: u64,
    /// Open pairs joining the local and the international sphere through this node.
    pub local_international_pairs: u64,
    /// Gould–Fernandez roles with groups = sector.
    pub sector_roles: RoleCounts,
    /// Gould–Fernandez roles with groups = level.
    pub level_roles: RoleCounts,
    /// Whether it connects public with non-public actors.
    pub spans_sectors: bool,
    /// Whether it connects the local with the international sphere.
    pub spans_levels: bool,
}

impl SpannerRow {
    /// Spans both boundaries: a network professional in the sense of seed file 000.
    pub fn is_boundary_spanner(&self) -> bool {
        self.spans_sectors && self.spans_levels
    }
}

/// The boundary-spanning report of a focal set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusReport {
    /// The focal ids as given.
    pub focal: Vec<String>,
    /// Candidates spanning at least one boundary: boundary spanners first, then by decreasing
    /// `public_nonpublic_pairs + local_international_pairs`, then by id.
    pub rows: Vec<SpannerRow>,
    /// Ids of the candidates spanning both boundaries, in row order.
    pub boundary_spanners: Vec<String>,
    /// Number of candidates examined.
    pub candidates: usize,
}

/// Undirected roles: a representative triad read the other way is a gatekeeper triad.
fn merged(role: BrokerageRole) -> BrokerageRole {
    if role == BrokerageRole::Representative { BrokerageRole::Gatekeeper } else { role }
}

/// The row of candidate `b` (`focal` or not), or `None` when no open two-path through it joins
/// the public and non-public sectors or local and international levels.
fn spanner_row(
    graph: &GovernanceGraph,
    spec: &FocusSpec,
    adj: &[Vec<usize>],
    spells: Option<&PairSpells>,
    b: usize,
    focal: bool,
) -> Option<SpannerRow> {
    let nodes = graph.nodes();
    let is_local = |i: usize| spec.local_levels.contains(&nodes[i].level);
    let is_intl = |i: usize| spec.international_levels.contains(&nodes[i].level);
    let nb = &adj[b];
    let (mut sector_pairs, mut level_pairs) = (0u64, 0u64);
    let (mut sector_roles, mut level_roles) = (RoleCounts::default(), RoleCounts::default());
    for (x, &a) in nb.iter().enumerate() {
        for &c in &nb[x + 1..] {
            if !open_path(adj, a, b, c, spells) {
                continue;
            }
            if nodes[a].sector != nodes[c].sector {
                sector_pairs += 1;
            }
            if (is_local(a) && is_intl(c)) || (is_intl(a) && is_local(c)) {
                level_pairs += 1;
            }
            // Undirected rule: one unordered triad, gatekeeper and representative merged.
            sector_roles.add(merged(BrokerageRole::classify(
                &nodes[a].sector,
                &nodes[b].sector,
                &nodes[c].sector,
            )));
            level_roles.add(merged(BrokerageRole::classify(
                &nodes[a].level,
                &nodes[b].level,
                &nodes[c].level,
            )));
        }
    }
    if sector_pairs == 0 && level_pairs == 0 {
        return None;
    }
    let n = &nodes[b];
    Some(SpannerRow {
        id: n.id.clone(),
        label: n.label.clone(),
        kind: n.kind,
        level: n.level,
        sector: n.sector,
        focal,
        public_nonpublic_pairs: sector_pairs,
        local_international_pairs: level_pairs,
        sector_roles,
        level_roles,
        spans_sectors: sector_pairs > 0,
        spans_levels: level_pairs > 0,
    })
}

/// The boundary-spanning report of `spec.focal` in `graph`.
///
/// # Errors
/// [`GraphError::UnknownNode`] when a focal id is not in the graph.
pub fn focus_report(graph: &GovernanceGraph, spec: &FocusSpec) -> Result<FocusReport, GraphError> {
    let nodes = graph.nodes();
    let (adj, _) = arcs(graph, Direction::Undirected);
    let spells = spec.time_respecting.then(|| pair_spell_map(graph));
    let mut focal_idx = BTreeSet::new();
    for id in &spec.focal {
        let i = graph.node_index(id).ok_or_else(|| GraphError::UnknownNode {
            id: id.clone(),
            context: "the focal set of the boundary-spanner report".to_owned(),
        })?;
        focal_idx.insert(i);
    }
    let mut candidates: BTreeSet<usize> = focal_idx.clone();
    if spec.include_neighbours {
        for &f in &focal_idx {
            candidates.extend(adj[f].iter().copied());
        }
    }
    candidates
        .retain(|&i| spec.candidate_kinds.as_ref().is_none_or(|k| k.contains(&nodes[i].kind)));
    let mut rows: Vec<SpannerRow> = candidates
        .iter()
        .filter_map(|&b| spanner_row(graph, spec, &adj, spells.as_ref(), b, focal_idx.contains(&b)))
        .collect();
    rows.sort_by(|x, y| {
        y.is_boundary_spanner()
            .cmp(&x.is_boundary_spanner())
            .then_with(|| {
                (y.public_nonpublic_pairs + y.local_international_pairs)
                    .cmp(&(x.public_nonpublic_pairs + x.local_international_pairs))
            })
            .then_with(|| x.id.cmp(&y.id))
    });
    let boundary_spanners =
        rows.iter().filter(|r| r.is_boundary_spanner()).map(|r| r.id.clone()).collect();
    Ok(FocusReport {
        focal: spec.focal.clone(),
        rows,
        boundary_spanners,
        candidates: candidates.len(),
    })
}
