//! "Power assemblages" (file 001): the composition of a network's members and partners by actor
//! type — municipalities, civil-society organisations, international organisations, states,
//! funders — to compare militant assemblages (the Palermo process) with sponsored ones (Eurocities).
//!
//! Members come from memberships (any role) of the network and of its working groups; partners
//! from `partners_with`, `supports`, `cooperates_with`, `participates_in`, `coordinates` and
//! `hosts` relations in either direction; funders from `funds` and `sponsors` relations towards it.

use mlgov_domain::{Id, IdKind, KnowledgeBase, OrganisationKind, RelationKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Actor types of an assemblage.
pub const ACTOR_TYPES: [&str; 7] = [
    "municipalities",
    "civil_society",
    "international_organisations",
    "states",
    "funders",
    "persons",
    "other",
];

/// The composition of one network.
#[derive(Clone, Debug, Serialize)]
pub struct Assemblage {
    /// Network id.
    pub id: String,
    /// Network name.
    pub name: String,
    /// Count of distinct actors per type.
    pub counts: BTreeMap<String, usize>,
    /// Actors per type (display names).
    pub actors: BTreeMap<String, Vec<String>>,
    /// Total distinct actors.
    pub total: usize,
}

pub(crate) fn actor_type(kb: &KnowledgeBase, id: &Id) -> &'static str {
    match id.kind() {
        IdKind::Locality => "municipalities",
        IdKind::Person => "persons",
        IdKind::Organisation => {
            use OrganisationKind as K;
            match kb.organisation(id).map(|o| o.kind) {
                Some(
                    K::Ngo
                    | K::CivilSocietyGroup
                    | K::MigrantOrganisation
                    | K::ReligiousOrganisation
                    | K::TradeUnion,
                ) => "civil_society",
                Some(K::InternationalOrganisation | K::EuInstitution) => {
                    "international_organisations"
                }
                Some(K::NationalGovernment | K::RegionalGovernment) => "states",
                Some(K::Foundation) => "funders",
                _ => "other",
            }
        }
        _ => "other",
    }
}

/// Computes the assemblage of a network.
pub fn assemblage(kb: &KnowledgeBase, id: &Id) -> Assemblage {
    let mut scope: BTreeSet<&Id> = BTreeSet::new();
    scope.insert(id);
    for n in &kb.networks {
        if n.parent.as_ref() == Some(id) {
            scope.insert(&n.id);
        }
    }
    let mut actors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in crate::lookup::gather(
        kb,
        &kb.memberships,
        scope.iter().copied(),
        |n| kb.memberships_in(n),
        |m| scope.contains(&m.network),
    ) {
        if m.member.kind() == IdKind::Network {
            continue;
        }
        actors
            .entry(actor_type(kb, &m.member).into())
            .or_default()
            .insert(kb.display_name(&m.member));
    }
    for r in crate::lookup::gather(
        kb,
        &kb.relations,
        scope.iter().copied(),
        |n| kb.relations_naming(n),
        |r| scope.contains(&r.object) || scope.contains(&r.subject),
    ) {
        let (other, towards) = if scope.contains(&r.object) {
            (&r.subject, true)
        } else if scope.contains(&r.subject) {
            (&r.object, false)
        } else {
            continue;
        };
        if other.kind() == IdKind::Network || other.kind() == IdKind::Event {
            continue;
        }
        let t = match r.kind {
            RelationKind::Funds | RelationKind::Sponsors if towards => "funders",
            RelationKind::Opposes => continue,
            _ => actor_type(kb, other),
        };
        actors.entry(t.into()).or_default().insert(kb.display_name(other));
    }
    let counts = ACTOR_TYPES
        .iter()
        .map(|t| (t.to_string(), actors.get(*t).map(|s| s.len()).unwrap_or(0)))
        .collect();
    let total = actors.values().map(|s| s.len()).sum();
    Assemblage {
        id: id.to_string(),
        name: kb.display_name(id),
        counts,
        actors: actors.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect(),
        total,
    }
}
