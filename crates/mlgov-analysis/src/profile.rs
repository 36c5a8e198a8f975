//! Per-locality attributes read from facts (size class, typology, orientation, policy outcome).

use mlgov_domain::{Id, KnowledgeBase, Property};
use serde::Serialize;
use std::collections::BTreeMap;

/// The classification of a locality as read from its facts; when facts disagree, `*_all` keeps
/// every value and the single field holds the first in id order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LocalityAttrs {
    /// Locality id.
    pub id: String,
    /// Display name (public label when anonymised).
    pub label: String,
    /// ISO country code.
    pub country: String,
    /// Region label.
    pub region: Option<String>,
    /// Size class.
    pub size_class: Option<String>,
    /// Typology type.
    pub typology: Option<String>,
    /// Political orientation.
    pub orientation: Option<String>,
    /// Policy outcome.
    pub policy_outcome: Option<String>,
    /// Whether an official with an integration mandate exists.
    pub integration_officer: Option<bool>,
    /// Whether the locality is anonymised.
    pub anonymised: bool,
}

fn first(kb: &KnowledgeBase, id: &Id, p: Property) -> Option<String> {
    let mut fs = kb.facts_of(id, p);
    fs.sort_by(|a, b| a.id.cmp(&b.id));
    fs.first().map(|f| f.value.clone())
}

/// Attributes of every locality, keyed by id.
pub fn locality_attrs(kb: &KnowledgeBase) -> BTreeMap<String, LocalityAttrs> {
    kb.localities
        .iter()
        .map(|l| {
            let a = LocalityAttrs {
                id: l.id.to_string(),
                label: l.display_name().to_string(),
                country: l.country.clone(),
                region: l.region.clone(),
                size_class: first(kb, &l.id, Property::SizeClass),
                typology: first(kb, &l.id, Property::Typology),
                orientation: first(kb, &l.id, Property::PoliticalOrientation),
                policy_outcome: first(kb, &l.id, Property::PolicyOutcome),
                integration_officer: first(kb, &l.id, Property::IntegrationOfficer).map(|v| v == "true"),
                anonymised: l.anonymised,
            };
            (l.id.to_string(), a)
        })
        .collect()
}
