//! The sponsored ↔ militant spectrum of city networks (Lacroix, Furri & Hombert 2022, file 001):
//! four traits — funding, partners, scope, issue focus — each read from sourced statements, with
//! its evidence, or "unknown" where the data are silent.
//!
//! Trait rules (each trait scores −1 for the sponsored pole, +1 for the militant pole, 0 for mixed):
//! * funding: `funding_model` facts (public −1, self_funded +1, mixed 0); failing those, `funds` /
//!   `sponsors` relations towards the network from EU institutions, international organisations or
//!   governments (−1) or from NGOs and civil-society groups (+1); private and political
//!   foundations are neither public sponsors nor grassroots and count as no evidence.
//! * partners: `partner_type` facts (international/EU institutions, states, foundations −1; civil
//!   society +1); failing those, `partners_with` / `supports` / `cooperates_with` relations with
//!   organisations of those kinds.
//! * scope: `scale` facts (continental/global = cross-border −1; local/subnational/national +1).
//! * issue focus: `issue_focus` facts (integration, diversity, anti-discrimination, urban
//!   development, security −1; welcoming, undocumented migrants, rights, asylum, rescue at sea +1).
//!
//! A trait with evidence on both poles scores the mean of its evidence. The position is the mean of
//! the known traits, computed only when at least [`MIN_TRAITS`] of the four are observed (the
//! coverage, k of 4, is always shown): ≤ −0.5 is "sponsored", ≥ 0.5 "militant", otherwise
//! "intermediate"; with fewer observed traits, "unknown" (one trait alone placed ANCI at the
//! militant pole from its national scale). The stated `origin` fact and the paper's own placement
//! (`spectrum_placement` facts, with their quotes) are shown beside the computed position, with a
//! sentence when they differ; where the paper places a network, its placement is the class mlgov
//! reports (so the Palermo Charter Platform Process, "a rare example of international networking
//! effort with a militant agenda", stays militant although its cross-border scope pulls the traits
//! towards the sponsored pole). Relative placements (`less_militant_than`) are checked against the
//! computed positions.

use mlgov_domain::{Id, KnowledgeBase, OrganisationKind, Property, RelationKind};
use serde::Serialize;

/// Observed traits needed for a position.
pub const MIN_TRAITS: usize = 2;

/// A source's own placement of the network, with its citation.
#[derive(Clone, Debug, Serialize)]
pub struct Placement {
    /// sponsored / intermediate / militant.
    pub value: String,
    /// Source, locator (the quote).
    pub citation: String,
    /// What else the statement notes.
    pub note: Option<String>,
}

/// One piece of evidence for a trait.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = EvidenceOut))]
pub struct Evidence {
    /// What the statement says, in words.
    pub statement: String,
    /// Score it contributes (−1 sponsored … +1 militant).
    pub score: f64,
    /// Statement id.
    pub id: String,
    /// Source and locator.
    pub source: String,
}

/// One trait of a network.
#[derive(Clone, Debug, Serialize)]
pub struct Trait {
    /// funding, partners, scope or issue_focus.
    pub name: &'static str,
    /// "sponsored", "militant", "mixed" or "unknown".
    pub value: String,
    /// Mean score, when known.
    pub score: Option<f64>,
    /// Evidence behind it.
    pub evidence: Vec<Evidence>,
}

/// A network's position on the spectrum.
#[derive(Clone, Debug, Serialize)]
pub struct NetworkTypology {
    /// Network id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The four traits.
    pub traits: Vec<Trait>,
    /// Mean of known trait scores (only with at least [`MIN_TRAITS`] observed).
    pub position: Option<f64>,
    /// Observed traits (k of 4).
    pub coverage: usize,
    /// What the traits alone give (sponsored / intermediate / militant / unknown).
    pub computed_class: String,
    /// Where `class` comes from: `paper` (a source places the network) or `traits`.
    pub class_from: String,
    /// The sources' own placements (absolute: sponsored, intermediate, militant).
    pub paper: Vec<Placement>,
    /// The sources' relative placements: the networks this one is less militant than, with
    /// their computed positions and citations.
    pub less_militant_than: Vec<(String, Option<f64>, String)>,
    /// `agrees`, `differs`, or empty when no source places the network.
    pub agreement: String,
    /// Why the computed class differs from the paper's placement.
    pub explanation: Option<String>,
    /// sponsored / intermediate / militant / unknown.
    pub class: String,
    /// Stated origin facts (sponsored / grassroots / mixed).
    pub stated_origin: Vec<String>,
    /// Scale facts.
    pub scale: Vec<String>,
    /// Institutionalisation facts.
    pub institutionalisation: Vec<String>,
    /// Focus facts.
    pub focus: Vec<String>,
}

fn pole(score: f64) -> &'static str {
    if score <= -0.5 {
        "sponsored"
    } else if score >= 0.5 {
        "militant"
    } else {
        "mixed"
    }
}

fn org_score(kb: &KnowledgeBase, id: &Id) -> Option<f64> {
    let o = kb.organisation(id)?;
    use OrganisationKind as K;
    match o.kind {
        K::EuInstitution
        | K::InternationalOrganisation
        | K::NationalGovernment
        | K::RegionalGovernment => Some(-1.0),
        K::Ngo | K::CivilSocietyGroup | K::MigrantOrganisation | K::ReligiousOrganisation => {
            Some(1.0)
        }
        _ => None,
    }
}

/// Places one network on the spectrum.
pub fn network_typology(kb: &KnowledgeBase, id: &Id) -> NetworkTypology {
    let cite =
        |c: &mlgov_domain::Citation| format!("{}, {}", kb.display_name(&c.source), c.locator);
    let facts = |p: Property| kb.facts_of(id, p);
    let traits = network_traits(kb, id);
    placed(kb, id, traits, &cite, &facts)
}

/// The position of known trait scores, when at least [`MIN_TRAITS`] are known.
fn position_of(traits: &[Trait]) -> Option<f64> {
    let known: Vec<f64> = traits.iter().filter_map(|t| t.score).collect();
    (known.len() >= MIN_TRAITS).then(|| known.iter().sum::<f64>() / known.len() as f64)
}

/// The four traits of a network with their evidence.
pub fn network_traits(kb: &KnowledgeBase, id: &Id) -> Vec<Trait> {
    let model = |v: &str| match v {
        "public" => -1.0,
        "self_funded" => 1.0,
        _ => 0.0,
    };
    let partner = |v: &str| if v == "civil_society" { 1.0 } else { -1.0 };
    let funding = fact_evidence(kb, id, Property::FundingModel, "funding model", model);
    let partners = fact_evidence(kb, id, Property::PartnerType, "partners", partner);
    vec![
        make_trait("funding", stated_or(funding, || funders(kb, id))),
        make_trait("partners", stated_or(partners, || partner_ties(kb, id))),
        make_trait("scope", fact_evidence(kb, id, Property::Scale, "scale", scope_score)),
        make_trait(
            "issue_focus",
            fact_evidence(kb, id, Property::IssueFocus, "issue", issue_score),
        ),
    ]
}

/// The stated evidence, or when there is none what the ties show.
fn stated_or(stated: Vec<Evidence>, ties: impl FnOnce() -> Vec<Evidence>) -> Vec<Evidence> {
    if stated.is_empty() { ties() } else { stated }
}

/// Each fact of `property` about the network as evidence (`label: value`) scored by `score`.
fn fact_evidence(
    kb: &KnowledgeBase,
    id: &Id,
    property: Property,
    label: &str,
    score: fn(&str) -> f64,
) -> Vec<Evidence> {
    kb.facts_of(id, property)
        .iter()
        .map(|f| Evidence {
            statement: format!("{label}: {}", f.value),
            score: score(&f.value),
            id: f.id.to_string(),
            source: cite_statement(kb, &f.citation),
        })
        .collect()
}

/// A statement's source: the source's name and the locator.
fn cite_statement(kb: &KnowledgeBase, c: &mlgov_domain::Citation) -> String {
    format!("{}, {}", kb.display_name(&c.source), c.locator)
}

/// Continental or global scale pulls towards sponsored, any other towards militant.
fn scope_score(value: &str) -> f64 {
    match value {
        "continental" | "global" => -1.0,
        _ => 1.0,
    }
}

/// Welcoming, undocumented migrants, rights, asylum and rescue at sea pull towards militant.
fn issue_score(value: &str) -> f64 {
    match value {
        "welcoming" | "undocumented_migrants" | "rights" | "asylum" | "rescue_at_sea" => 1.0,
        _ => -1.0,
    }
}

/// Funding by ties: who funds or sponsors the network.
fn funders(kb: &KnowledgeBase, id: &Id) -> Vec<Evidence> {
    kb.relations_naming(id)
        .into_iter()
        .filter(|r| {
            &r.object == id && matches!(r.kind, RelationKind::Funds | RelationKind::Sponsors)
        })
        .filter_map(|r| {
            let statement = format!("{} {} it", kb.display_name(&r.subject), r.kind);
            relation_evidence(kb, r, statement, &r.subject)
        })
        .collect()
}

/// Partners by ties: the organisations the network partners with, supports or cooperates with.
fn partner_ties(kb: &KnowledgeBase, id: &Id) -> Vec<Evidence> {
    let partnering =
        [RelationKind::PartnersWith, RelationKind::Supports, RelationKind::CooperatesWith];
    kb.relations_naming(id)
        .into_iter()
        .filter(|r| partnering.contains(&r.kind))
        .filter_map(|r| {
            let other = if &r.object == id { &r.subject } else { &r.object };
            let statement = format!(
                "{} {} {}",
                kb.display_name(&r.subject),
                r.kind,
                kb.display_name(&r.object)
            );
            relation_evidence(kb, r, statement, other)
        })
        .collect()
}

/// A relation as evidence, scored by the kind of the organisation `scored`; `None` when it is
/// not an organisation of a scored kind.
fn relation_evidence(
    kb: &KnowledgeBase,
    r: &mlgov_domain::Relation,
    statement: String,
    scored: &Id,
) -> Option<Evidence> {
    Some(Evidence {
        statement,
        score: org_score(kb, scored)?,
        id: r.id.to_string(),
        source: cite_statement(kb, &r.citation),
    })
}

fn placed<'a>(
    kb: &'a KnowledgeBase,
    id: &Id,
    traits: Vec<Trait>,
    cite: &dyn Fn(&mlgov_domain::Citation) -> String,
    facts: &dyn Fn(Property) -> Vec<&'a mlgov_domain::Fact>,
) -> NetworkTypology {
    let coverage = traits.iter().filter(|t| t.score.is_some()).count();
    let position = position_of(&traits);
    let computed_class = match position {
        None => "unknown".to_string(),
        Some(p) if p <= -0.5 => "sponsored".to_string(),
        Some(p) if p >= 0.5 => "militant".to_string(),
        Some(_) => "intermediate".to_string(),
    };
    let vals = |p: Property| facts(p).iter().map(|f| f.value.clone()).collect::<Vec<_>>();
    let paper: Vec<Placement> = facts(Property::SpectrumPlacement)
        .iter()
        .map(|f| Placement {
            value: f.value.clone(),
            citation: cite(&f.citation),
            note: f.note.clone(),
        })
        .collect();
    let relative: Vec<(String, Option<f64>, String)> = facts(Property::LessMilitantThan)
        .iter()
        .filter_map(|f| {
            let other = Id::parse(&f.value).ok()?;
            Some((
                kb.display_name(&other),
                position_of(&network_traits(kb, &other)),
                cite(&f.citation),
            ))
        })
        .collect();
    let (agreement, explanation) = match paper.first() {
        None if !relative.is_empty() => relative_agreement(position, &relative),
        None => (String::new(), None),
        Some(p) if p.value == computed_class => ("agrees".to_string(), None),
        Some(p) => {
            ("differs".to_string(), Some(why_differs(&traits, coverage, &computed_class, &p.value)))
        }
    };
    // The class mlgov reports: the paper's own placement where it gives one (a proxy must not
    // contradict it), else what the traits give.
    let (class, class_from) = match paper.first() {
        Some(p) => (p.value.clone(), "paper".to_string()),
        None => (computed_class.clone(), "traits".to_string()),
    };
    NetworkTypology {
        id: id.to_string(),
        name: kb.display_name(id),
        traits,
        position,
        coverage,
        computed_class,
        class_from,
        paper,
        less_militant_than: relative,
        agreement,
        explanation,
        class,
        stated_origin: vals(Property::Origin),
        scale: vals(Property::Scale),
        institutionalisation: vals(Property::Institutionalisation),
        focus: vals(Property::Focus),
    }
}

/// Whether the computed position agrees with the paper's relative placements (less militant than
/// the networks of `relative`: name, computed position, citation), and how.
fn relative_agreement(
    position: Option<f64>,
    relative: &[(String, Option<f64>, String)],
) -> (String, Option<String>) {
    let fmt = |x: Option<f64>| x.map(|v| format!("{v:+.2}")).unwrap_or_else(|| "unknown".into());
    let compared: Vec<String> = relative
        .iter()
        .map(|(n, b, _)| format!("{} here vs {} for {n}", fmt(position), fmt(*b)))
        .collect();
    let below =
        relative.iter().all(|(_, b, _)| matches!((position, b), (Some(a), Some(b)) if a < *b));
    let names = relative.iter().map(|(n, _, _)| n.clone()).collect::<Vec<_>>().join(", ");
    if below {
        (
            "agrees".to_string(),
            Some(format!(
                "the paper places it less militant than {names}; the computed positions agree ({})",
                compared.join("; ")
            )),
        )
    } else {
        (
            "differs".to_string(),
            Some(format!(
                "the paper places it less militant than {names}; the computed positions do not show it ({})",
                compared.join("; ")
            )),
        )
    }
}

/// Why the class computed from the traits differs from the paper's placement `placement`: too
/// few traits observed, or the traits that pull away from it.
fn why_differs(traits: &[Trait], coverage: usize, computed_class: &str, placement: &str) -> String {
    let unknown: Vec<&str> = traits.iter().filter(|t| t.score.is_none()).map(|t| t.name).collect();
    if computed_class == "unknown" {
        return format!(
            "only {coverage} of the 4 traits are observed in the data ({} unknown), too few for a position",
            unknown.join(", ")
        );
    }
    let against: Vec<String> = traits
        .iter()
        .filter(|t| {
            t.score.is_some_and(|s| {
                (placement == "militant" && s < 0.5)
                    || (placement == "sponsored" && s > -0.5)
                    || (placement == "intermediate" && s.abs() >= 0.5)
            })
        })
        .map(|t| format!("{} ({})", t.name, t.value))
        .collect();
    format!(
        "the paper's placement weighs the network's politics and stance towards governments, which the four traits read only through funding, partners, scope and issues; the traits that pull the computed position away from \"{}\": {}{}",
        placement,
        if against.is_empty() { "none singly".into() } else { against.join(", ") },
        if unknown.is_empty() {
            String::new()
        } else {
            format!("; unobserved: {}", unknown.join(", "))
        }
    )
}

fn make_trait(name: &'static str, evidence: Vec<Evidence>) -> Trait {
    if evidence.is_empty() {
        return Trait { name, value: "unknown".into(), score: None, evidence };
    }
    let score = evidence.iter().map(|e| e.score).sum::<f64>() / evidence.len() as f64;
    Trait { name, value: pole(score).into(), score: Some(score), evidence }
}

/// Every network's typology, sorted by name.
pub fn all(kb: &KnowledgeBase) -> Vec<NetworkTypology> {
    let mut v: Vec<_> = kb.networks.iter().map(|n| network_typology(kb, &n.id)).collect();
    v.sort_by_key(|a| a.name.to_lowercase());
    v
}
