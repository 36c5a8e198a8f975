//! Mapping of the knowledge base onto the diffusion graph of `mlgov-diffusion`.
//!
//! Rules (documented assumptions; the sources record ties, not how often practices travel):
//! * localities → `locality` nodes; enabling factors from facts: `integration_officer`
//!   (true/false) and `perceived_public_attitudes` (1–5). Local responsibility, politicisation
//!   and specialist information are not in the knowledge base: they stay unknown unless a
//!   scenario sets them.
//! * networks → `network` nodes (carriers).
//! * organisations: NGOs, civil-society groups, migrant and religious organisations,
//!   foundations, trade unions and international organisations → `organisation` nodes
//!   (carriers, file 004: NGOs working in several localities bridge them); governments, EU
//!   institutions and municipal departments → `government`; universities, parties, businesses,
//!   media and others → `other` (not carriers).
//! * persons, countries, events and practices are left out.
//! * memberships → a tie in both directions between member and network with interaction
//!   frequency `membership_frequency`; relations other than `opposes` between two mapped
//!   entities → a tie in both directions with frequency `relation_frequency` and, as shared
//!   memberships, the number of networks both endpoints belong to. Probabilities follow
//!   [`mlgov_diffusion::ProbabilityParams`] (noisy-OR). With `year`, only ties whose interval
//!   contains the year (or is undated) are kept.
//!
//! Node keys are knowledge-base ids; labels are display names (public labels for anonymised
//! localities).

use std::collections::{BTreeMap, BTreeSet};

use mlgov_diffusion::{
    DiffusionError, DiffusionGraph, EdgeSpec, EnablingFactors, GraphBuilder, NodeKind, NodeSpec,
    ProbabilityParams,
};
use mlgov_domain::{Id, KnowledgeBase, OrganisationKind, Property, RelationKind};
use serde::{Deserialize, Serialize};

/// The diffusion crate, re-exported so that callers need no extra dependency.
pub use mlgov_diffusion;

/// Options of [`diffusion_graph`] (TOML-able as the `[edges]` table of a simulation file).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiffusionGraphOptions {
    /// How interactions become probabilities.
    #[serde(flatten)]
    pub probability: ProbabilityParams,
    /// Interaction frequency (0–5) assumed for a membership tie.
    pub membership_frequency: f64,
    /// Interaction frequency (0–5) assumed for a relation (partnership, funding, ...).
    pub relation_frequency: f64,
    /// Keep only ties active in this year.
    pub year: Option<i32>,
}

impl Default for DiffusionGraphOptions {
    fn default() -> Self {
        DiffusionGraphOptions {
            probability: ProbabilityParams::default(),
            membership_frequency: 3.0,
            relation_frequency: 3.0,
            year: None,
        }
    }
}

/// The graph, labels and what was left out.
#[derive(Clone, Debug)]
pub struct DiffusionMapping {
    /// The diffusion graph (keys are knowledge-base ids).
    pub graph: DiffusionGraph,
    /// Display label per node key.
    pub labels: BTreeMap<String, String>,
    /// Statements not mapped, with the reason.
    pub skipped: Vec<String>,
}

fn carrier_kind(kind: OrganisationKind) -> NodeKind {
    use OrganisationKind as K;
    match kind {
        K::Ngo
        | K::CivilSocietyGroup
        | K::MigrantOrganisation
        | K::Foundation
        | K::ReligiousOrganisation
        | K::TradeUnion
        | K::InternationalOrganisation => NodeKind::Organisation,
        K::NationalGovernment
        | K::RegionalGovernment
        | K::EuInstitution
        | K::MunicipalDepartment => NodeKind::Government,
        _ => NodeKind::Other,
    }
}

fn first_fact(kb: &KnowledgeBase, id: &Id, p: Property) -> Option<String> {
    let mut fs = kb.facts_of(id, p);
    fs.sort_by(|a, b| a.id.cmp(&b.id));
    fs.first().map(|f| f.value.clone())
}

fn active_in(when: &mlgov_domain::Interval, year: Option<i32>) -> bool {
    let Some(y) = year else { return true };
    when.start_year().is_none_or(|s| s <= y) && when.end_year().is_none_or(|e| e >= y)
}

/// The localities (with their enabling factors), networks and organisations as nodes; their
/// labels by id.
fn add_nodes(
    kb: &KnowledgeBase,
    b: &mut GraphBuilder,
) -> Result<BTreeMap<String, String>, DiffusionError> {
    let mut labels = BTreeMap::new();
    for l in &kb.localities {
        let mut spec = NodeSpec::new(l.id.as_str(), NodeKind::Locality);
        spec.factors = EnablingFactors {
            integration_officer: first_fact(kb, &l.id, Property::IntegrationOfficer)
                .map(|v| v == "true"),
            public_attitudes: first_fact(kb, &l.id, Property::PerceivedPublicAttitudes)
                .and_then(|v| v.parse().ok()),
            ..EnablingFactors::default()
        };
        b.add_node(spec)?;
        labels.insert(l.id.to_string(), kb.display_name(&l.id));
    }
    for n in &kb.networks {
        b.add_node(NodeSpec::new(n.id.as_str(), NodeKind::Network))?;
        labels.insert(n.id.to_string(), n.name.clone());
    }
    for o in &kb.organisations {
        b.add_node(NodeSpec::new(o.id.as_str(), carrier_kind(o.kind)))?;
        labels.insert(o.id.to_string(), o.name.clone());
    }
    Ok(labels)
}

/// The memberships active in the year asked for as two-way edges (the others listed in
/// `skipped`); returns each member's networks then.
fn add_membership_edges<'k>(
    kb: &'k KnowledgeBase,
    options: &DiffusionGraphOptions,
    b: &mut GraphBuilder,
    skipped: &mut Vec<String>,
) -> Result<BTreeMap<&'k str, BTreeSet<&'k str>>, DiffusionError> {
    let mut networks_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for m in &kb.memberships {
        if active_in(&m.when, options.year) {
            networks_of.entry(m.member.as_str()).or_default().insert(m.network.as_str());
        }
    }
    for m in &kb.memberships {
        if !active_in(&m.when, options.year) {
            skipped.push(format!("{}: not active in {}", m.id, options.year.unwrap_or_default()));
            continue;
        }
        if b.node_id(m.member.as_str()).is_none() || b.node_id(m.network.as_str()).is_none() {
            skipped.push(format!(
                "{}: member {} is not a locality, network or organisation",
                m.id, m.member
            ));
            continue;
        }
        let mut e = EdgeSpec::from_interaction(
            m.member.as_str(),
            m.network.as_str(),
            options.membership_frequency,
            0,
        );
        e.bidirectional = true;
        b.add_edge(&e)?;
    }
    Ok(networks_of)
}

/// The relations (but opposition) active in the year asked for as two-way edges, weighted by the
/// networks the two ends share (`networks_of`); the others listed in `skipped`.
fn add_relation_edges(
    kb: &KnowledgeBase,
    options: &DiffusionGraphOptions,
    networks_of: &BTreeMap<&str, BTreeSet<&str>>,
    b: &mut GraphBuilder,
    skipped: &mut Vec<String>,
) -> Result<(), DiffusionError> {
    for r in &kb.relations {
        if r.kind == RelationKind::Opposes {
            skipped.push(format!("{}: opposes is not a channel of learning", r.id));
            continue;
        }
        if !active_in(&r.when, options.year) {
            skipped.push(format!("{}: not active in {}", r.id, options.year.unwrap_or_default()));
            continue;
        }
        let (s, o) = (r.subject.as_str(), r.object.as_str());
        if b.node_id(s).is_none() || b.node_id(o).is_none() || s == o {
            skipped.push(format!("{}: {s} or {o} is not a mapped entity", r.id));
            continue;
        }
        let empty = BTreeSet::new();
        let shared = networks_of
            .get(s)
            .unwrap_or(&empty)
            .intersection(networks_of.get(o).unwrap_or(&empty))
            .count();
        let mut e = EdgeSpec::from_interaction(
            s,
            o,
            options.relation_frequency,
            u32::try_from(shared).unwrap_or(u32::MAX),
        );
        e.bidirectional = true;
        b.add_edge(&e)?;
    }
    Ok(())
}

/// Maps the knowledge base onto a diffusion graph (module docs).
///
/// # Errors
/// If the probability parameters or frequencies are out of range.
pub fn diffusion_graph(
    kb: &KnowledgeBase,
    options: &DiffusionGraphOptions,
) -> Result<DiffusionMapping, DiffusionError> {
    let mut b = GraphBuilder::new(options.probability)?;
    let labels = add_nodes(kb, &mut b)?;
    let mut skipped = Vec::new();
    let networks_of = add_membership_edges(kb, options, &mut b, &mut skipped)?;
    add_relation_edges(kb, options, &networks_of, &mut b, &mut skipped)?;
    Ok(DiffusionMapping { graph: b.build(), labels, skipped })
}
