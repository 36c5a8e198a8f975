//! Per-locality attributes read from facts (size class, typology, orientation, policy outcome),
//! and the same one at a time with how each is known ([`sourced_attribute`], [`sourced_size_class`]).

use mlgov_domain::{Id, KnowledgeBase, Property, SizeThresholds};
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

/// How a value is known.
pub const OBSERVED: &str = "observed";
/// Derived by mlgov under a stated assumption.
pub const ASSUMED: &str = "assumed";
/// The data do not give it.
pub const NOT_IN_DATA: &str = "not in the data";

/// One attribute of a locality with how it is known ([`OBSERVED`], [`ASSUMED`] or
/// [`NOT_IN_DATA`]) and its source or the reason it is missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sourced {
    /// The value, or "unknown".
    pub value: String,
    /// [`OBSERVED`], [`ASSUMED`] or [`NOT_IN_DATA`].
    pub status: &'static str,
    /// "Source, locator" (with any further statements), the assumption, or why it is missing.
    pub source: String,
}

/// "Source short name, locator" of a citation.
pub(crate) fn cite(kb: &KnowledgeBase, c: &mlgov_domain::Citation) -> String {
    format!("{}, {}", kb.display_name(&c.source), c.locator)
}

/// Attribute `p` of locality `id` as [`locality_attrs`] reads it (the first fact in id order),
/// with its source; further statements are counted and their other values named.
pub fn sourced_attribute(kb: &KnowledgeBase, id: &Id, p: Property) -> Sourced {
    let mut fs = kb.facts_of(id, p);
    fs.sort_by(|a, b| a.id.cmp(&b.id));
    let Some(f) = fs.first() else {
        return Sourced {
            value: "unknown".into(),
            status: NOT_IN_DATA,
            source: format!("no {} statement about it", p.to_string().replace('_', " ")),
        };
    };
    let others: Vec<&str> =
        fs.iter().skip(1).map(|g| g.value.as_str()).filter(|v| *v != f.value).collect();
    let more = fs.len() - 1;
    let mut source = cite(kb, &f.citation);
    if more > 0 {
        source.push_str(&format!(
            " (+{more} more statement{}{})",
            if more == 1 { "" } else { "s" },
            if others.is_empty() {
                String::new()
            } else {
                format!(", also stating {}", others.join(", "))
            }
        ));
    }
    Sourced { value: f.value.clone(), status: OBSERVED, source }
}

/// The size class of locality `id`: stated by a source ([`OBSERVED`]), else derived from its
/// population ([`KnowledgeBase::population`]: the papers' latest, else the gazetteer's) with the
/// default [`SizeThresholds`] ([`ASSUMED`]), else
/// [`NOT_IN_DATA`].
pub fn sourced_size_class(kb: &KnowledgeBase, id: &Id) -> Sourced {
    let stated = sourced_attribute(kb, id, Property::SizeClass);
    if stated.status == OBSERVED {
        return stated;
    }
    let Some((f, pop)) = kb.population(id) else { return stated };
    let th = SizeThresholds::default();
    let year = f.when.start_year().map(|y| format!(" in {y}")).unwrap_or_default();
    Sourced {
        value: th.classify(pop).to_string(),
        status: ASSUMED,
        source: format!(
            "no source states it; derived from the population of {}{year} ({}) with mlgov's default thresholds: small town from {}, medium town from {} (Pettrachin 2023), large city from {} (an mlgov assumption)",
            thousands(pop),
            cite(kb, &f.citation),
            thousands(th.small_town_min),
            thousands(th.medium_town_min),
            thousands(th.large_city_min)
        ),
    }
}

/// `172500` → `172,500`.
pub fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let head = match digits.len() % 3 {
        0 => 3,
        r => r,
    }
    .min(digits.len());
    let mut out = digits[..head].to_string();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push(',');
        out.extend(group.iter().map(|&b| b as char));
    }
    out
}

/// Attributes of every locality, keyed by id.
pub fn locality_attrs(kb: &KnowledgeBase) -> BTreeMap<String, LocalityAttrs> {
    kb.localities.iter().map(|l| (l.id.to_string(), attrs_of(kb, l))).collect()
}

/// The attributes of one locality, as [`locality_attrs`] gives them.
pub(crate) fn attrs_of(kb: &KnowledgeBase, l: &mlgov_domain::Locality) -> LocalityAttrs {
    LocalityAttrs {
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
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separates_groups_of_three() {
        for (v, s) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (5_000, "5,000"),
            (100_001, "100,001"),
            (172_500, "172,500"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(v), s);
        }
    }
}
