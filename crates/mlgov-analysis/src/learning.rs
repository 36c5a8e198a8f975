//! Policy learning (Pettrachin 2023, file 004): a locality's learning profile — its ties
//! (vertical, horizontal, international, peers), the enabling factors, the NGO bridges reaching it
//! — and suggestions of peers, networks and bridging NGOs, each explained by what matched.
//!
//! The profile is a list of sourced observations, not one opaque score. Every item says whether it
//! is observed (a statement of the knowledge base, with its source), computed from survey answers
//! (flagged synthetic when the survey is), or unknown.

use crate::profile::{LocalityAttrs, locality_attrs};
use mlgov_domain::{Id, IdKind, KnowledgeBase, OrganisationKind, Property, RelationKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One observed tie or fact.
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    /// Id of what it points to.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it is (role, relation kind, scale).
    pub detail: String,
    /// Source and locator.
    pub source: String,
}

/// An enabling factor of file 004.
#[derive(Clone, Debug, Serialize)]
pub struct Factor {
    /// Factor name.
    pub name: String,
    /// Value, or "unknown".
    pub value: String,
    /// observed / survey / survey (synthetic) / unknown.
    pub basis: String,
    /// Source, statement or survey item.
    pub source: String,
    /// Ids of the studies' findings about localities like this one that bear on the factor
    /// (group-level evidence, in [`LearningProfile::findings`]).
    pub group_evidence: Vec<String>,
}

/// A study's finding about a class of localities this one belongs to: group-level evidence, never
/// an observation of this locality.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = LearningFindingOut))]
pub struct GroupFinding {
    /// Topic (isolation, enabling_officer, …).
    pub topic: String,
    /// Which localities the finding is about (`all`, `size:small_town`, …).
    pub scope: String,
    /// The finding.
    pub finding: String,
    /// Why it applies to this locality (its class, with that value's status).
    pub applies_because: String,
    /// Source and locator (with the quote).
    pub source: String,
    /// Statement id.
    pub id: String,
}

/// Topics of findings that bear on policy learning (the others — network types, study design,
/// drivers of networking — do not describe a locality's situation).
const LEARNING_TOPICS: [FindingTopic; 12] = [
    FindingTopic::Isolation,
    FindingTopic::HorizontalTies,
    FindingTopic::VerticalTies,
    FindingTopic::InternalTies,
    FindingTopic::EuLinks,
    FindingTopic::NgoBridges,
    FindingTopic::InformationSources,
    FindingTopic::CivilSociety,
    FindingTopic::EnablingOfficer,
    FindingTopic::EnablingPublicOpinion,
    FindingTopic::EnablingResponsibility,
    FindingTopic::Pandemic,
];

const SMALL_AND_MEDIUM: [&str; 3] = ["rural_area", "small_town", "medium_town"];

/// The findings of the studies whose scope covers locality `id`: a scope of size, typology,
/// orientation or country covers it when its value (stated, or assumed from its population for
/// the size class) matches, among the small and medium-sized towns and rural areas the studies are
/// about (a study that also makes statements about large cities is about its own cases only).
pub fn group_findings(kb: &KnowledgeBase, id: &Id) -> Vec<GroupFinding> {
    let size = crate::profile::sourced_size_class(kb, id);
    let attr = |p: Property| crate::profile::sourced_attribute(kb, id, p);
    let country = kb.locality(id).map(|l| l.country.clone()).unwrap_or_default();
    // The sources that make statements about large cities (their "all" means their own cases),
    // found once, with each locality's size class computed once.
    let mut size_of: BTreeMap<&Id, bool> = BTreeMap::new();
    let mut large_sources: BTreeSet<&Id> = BTreeSet::new();
    for f in kb.facts.iter().filter(|f| f.subject.kind() == IdKind::Locality) {
        let large = *size_of.entry(&f.subject).or_insert_with(|| {
            crate::profile::sourced_size_class(kb, &f.subject).value == "large_city"
        });
        if large {
            large_sources.insert(&f.citation.source);
        }
    }
    let studies_large = |src: &Id| large_sources.contains(src);
    let mut out = Vec::new();
    for f in kb.facts.iter().filter(|f| f.property == Property::Finding) {
        let Some(Ok((topic, scope))) = f.qualifier.as_deref().map(parse_finding_qualifier) else {
            continue;
        };
        if !LEARNING_TOPICS.contains(&topic) {
            continue;
        }
        // The population the study is about: its findings on a class (orientation, country, …)
        // hold among its localities, not for a large city of that class.
        let in_population = SMALL_AND_MEDIUM.contains(&size.value.as_str())
            && !studies_large(&f.subject)
            && !studies_large(&f.citation.source);
        if !in_population && !matches!(scope, FindingScope::Size(_)) {
            continue;
        }
        let because = match &scope {
            FindingScope::All => Some(format!(
                "the study is about small and medium-sized towns and rural areas; this is a {} ({})",
                size.value.replace('_', " "),
                size.status
            )),
            FindingScope::Size(v) => (&size.value == v)
                .then(|| format!("size class {} ({})", v.replace('_', " "), size.status)),
            FindingScope::Type(v) => {
                let a = attr(Property::Typology);
                (&a.value == v).then(|| format!("typology {} ({})", v.replace('_', " "), a.status))
            }
            FindingScope::Orientation(v) => {
                let a = attr(Property::PoliticalOrientation);
                (&a.value == v).then(|| format!("political orientation {v} ({})", a.status))
            }
            FindingScope::Country(c) => (&country == c).then(|| format!("country {c}")),
        };
        if let Some(applies_because) = because {
            out.push(GroupFinding {
                topic: topic.to_string(),
                scope: f
                    .qualifier
                    .clone()
                    .unwrap_or_default()
                    .split_once('@')
                    .map(|x| x.1.to_string())
                    .unwrap_or_else(|| "all".into()),
                finding: f.value.clone(),
                applies_because,
                source: cite(kb, &f.citation),
                id: f.id.to_string(),
            });
        }
    }
    out
}

/// Survey-derived aggregates for a locality.
#[derive(Clone, Debug, Serialize)]
pub struct SurveyAggregates {
    /// Survey name.
    pub survey: String,
    /// Whether the survey is synthetic.
    pub synthetic: bool,
    /// Respondents from the locality.
    pub respondents: usize,
    /// Period used (the latest).
    pub period: String,
    /// Mean frequency (0–5) per actor class, with n answers.
    pub mean_frequency_by_class: BTreeMap<String, (f64, usize)>,
}

/// The learning profile of a locality.
#[derive(Clone, Debug, Serialize)]
pub struct LearningProfile {
    /// Locality id.
    pub id: String,
    /// Display name (public label when anonymised).
    pub name: String,
    /// Size, typology, orientation, outcome, country.
    pub attributes: LocalityAttrs,
    /// Memberships in force (any year open or ending ≥ `year`).
    pub networks: Vec<Item>,
    /// Networks of continental or global scale among them.
    pub international: Vec<Item>,
    /// Ties to higher levels: relations with regional/national governments, EU institutions,
    /// international organisations.
    pub vertical: Vec<Item>,
    /// Ties to civil society: relations with NGOs, civil-society and migrant organisations.
    pub horizontal: Vec<Item>,
    /// Other localities sharing at least one network.
    pub peer_localities: Vec<Item>,
    /// Whether every network tie is subnational or national (ties only to neighbours/compatriots).
    pub only_domestic_networks: bool,
    /// Enabling factors.
    pub enabling: Vec<Factor>,
    /// NGOs tied to this locality that are also tied to other localities or networks.
    pub ngo_bridges: Vec<Item>,
    /// What the studies found for localities of its class (group-level evidence).
    pub findings: Vec<GroupFinding>,
    /// Survey aggregates, when a survey is given.
    pub survey: Option<SurveyAggregates>,
    /// What is observed, what is assumed, what is synthetic.
    pub notes: Vec<String>,
}

use crate::profile::cite;
use mlgov_domain::property::{FindingScope, FindingTopic, parse_finding_qualifier};

fn org_kind(kb: &KnowledgeBase, id: &Id) -> Option<OrganisationKind> {
    kb.organisation(id).map(|o| o.kind)
}

fn is_cso(k: OrganisationKind) -> bool {
    use OrganisationKind as K;
    matches!(k, K::Ngo | K::CivilSocietyGroup | K::MigrantOrganisation | K::ReligiousOrganisation)
}

fn is_higher(k: OrganisationKind) -> bool {
    use OrganisationKind as K;
    matches!(
        k,
        K::RegionalGovernment
            | K::NationalGovernment
            | K::EuInstitution
            | K::InternationalOrganisation
    )
}

/// Survey answers a profile may use: the dataset, its instrument and its name.
pub struct SurveyInput<'a> {
    /// Name the survey is stored under.
    pub name: &'a str,
    /// Responses.
    pub dataset: &'a mlgov_survey::Dataset,
    /// Instrument.
    pub instrument: &'a mlgov_survey::Instrument,
}

/// Builds the learning profile of `id` as of `year`.
pub fn profile(
    kb: &KnowledgeBase,
    id: &Id,
    year: i32,
    survey: Option<&SurveyInput>,
) -> LearningProfile {
    let me = kb.locality(id).map(|l| crate::profile::attrs_of(kb, l)).unwrap_or_default();
    let related = crate::trajectory::related_localities(kb, id);
    let (networks, international, my_networks) = network_items(kb, &related, year);
    let only_domestic_networks = !my_networks.is_empty()
        && my_networks.iter().all(|id| {
            let s: Vec<String> =
                kb.facts_of(id, Property::Scale).iter().map(|f| f.value.clone()).collect();
            !s.is_empty() && s.iter().all(|v| v == "subnational" || v == "national" || v == "local")
        });
    let (vertical, horizontal, tied_orgs) = organisation_ties(kb, &related);
    let ngo_bridges = ngo_bridges(kb, &related, &tied_orgs);
    let peer_localities = peer_localities(kb, &related, &my_networks, year);
    let mut enabling = kb_factors(kb, id);
    let survey_out = match survey {
        Some(s) => Some(survey_factors(s, id, &mut enabling)),
        None => {
            unknown_survey_factors(&mut enabling);
            None
        }
    };
    // What the studies found for localities like it, attached to the factors they bear on.
    let findings = group_findings(kb, id);
    attach_group_evidence(&mut enabling, &findings);
    let notes = profile_notes(survey_out.as_ref());
    LearningProfile {
        id: id.to_string(),
        name: kb.display_name(id),
        attributes: me,
        networks,
        international,
        vertical,
        horizontal,
        peer_localities,
        only_domestic_networks,
        enabling,
        ngo_bridges,
        findings,
        survey: survey_out,
        notes,
    }
}

/// The networks the locality (or a related one) is in at `year`: each once, those of continental
/// or global scale again as international, and the set of their ids.
fn network_items(
    kb: &KnowledgeBase,
    related: &[Id],
    year: i32,
) -> (Vec<Item>, Vec<Item>, BTreeSet<Id>) {
    let mut networks = Vec::new();
    let mut international = Vec::new();
    let mut my_networks = BTreeSet::new();
    for m in crate::lookup::memberships_of_any(kb, related).into_iter().filter(|m| {
        m.when.end_year().is_none_or(|e| e >= year)
            && m.when.start_year().is_none_or(|s| s <= year)
            && !(m.exit_reason.is_some() && m.when.to.is_none())
    }) {
        let scale: Vec<String> =
            kb.facts_of(&m.network, Property::Scale).iter().map(|f| f.value.clone()).collect();
        let item = Item {
            id: m.network.to_string(),
            name: kb.display_name(&m.network),
            detail: format!(
                "{} since {}; scale {}",
                m.role,
                m.when.start_year().map(|y| y.to_string()).unwrap_or_else(|| "?".into()),
                if scale.is_empty() { "unknown".into() } else { scale.join("/") }
            ),
            source: cite(kb, &m.citation),
        };
        if scale.iter().any(|s| s == "continental" || s == "global") {
            international.push(item.clone());
        }
        if my_networks.insert(m.network.clone()) {
            networks.push(item);
        }
    }
    (networks, international, my_networks)
}

/// The organisations related to the locality: higher levels of government (vertical), civil
/// society (horizontal), and the ids of the latter.
fn organisation_ties(kb: &KnowledgeBase, related: &[Id]) -> (Vec<Item>, Vec<Item>, BTreeSet<Id>) {
    let mut vertical = Vec::new();
    let mut horizontal = Vec::new();
    let mut tied_orgs = BTreeSet::new();
    for r in crate::lookup::relations_naming_any(kb, related) {
        let other = if related.contains(&r.subject) { &r.object } else { &r.subject };
        let Some(k) = org_kind(kb, other) else { continue };
        let item = Item {
            id: other.to_string(),
            name: kb.display_name(other),
            detail: format!("{} ({k})", r.kind),
            source: cite(kb, &r.citation),
        };
        if is_higher(k) {
            vertical.push(item);
        } else if is_cso(k) {
            tied_orgs.insert(other.clone());
            horizontal.push(item);
        }
    }
    (vertical, horizontal, tied_orgs)
}

/// NGO bridges: NGOs tied to this locality that also tie to other localities or networks.
fn ngo_bridges(kb: &KnowledgeBase, related: &[Id], tied_orgs: &BTreeSet<Id>) -> Vec<Item> {
    let mut ngo_bridges = Vec::new();
    for o in tied_orgs {
        let mut reach = BTreeSet::new();
        for r in kb.relations_naming(o).into_iter().filter(|r| r.kind != RelationKind::Opposes) {
            let other = if &r.subject == o { &r.object } else { &r.subject };
            if !related.contains(other)
                && matches!(other.kind(), IdKind::Locality | IdKind::Network)
            {
                reach.insert(kb.display_name(other));
            }
        }
        for m in kb.memberships_of(o) {
            reach.insert(kb.display_name(&m.network));
        }
        if !reach.is_empty() {
            ngo_bridges.push(Item {
                id: o.to_string(),
                name: kb.display_name(o),
                detail: format!(
                    "also reaches {}",
                    reach.into_iter().collect::<Vec<_>>().join(", ")
                ),
                source: String::new(),
            });
        }
    }
    ngo_bridges
}

/// The other localities in the locality's networks at `year`, with the networks they share.
fn peer_localities(
    kb: &KnowledgeBase,
    related: &[Id],
    my_networks: &BTreeSet<Id>,
    year: i32,
) -> Vec<Item> {
    let mut peer_set: BTreeMap<String, (&Id, BTreeSet<String>)> = BTreeMap::new();
    let in_my_networks = crate::lookup::gather(
        kb,
        &kb.memberships,
        my_networks,
        |n| kb.memberships_in(n),
        |m| my_networks.contains(&m.network),
    );
    for m in in_my_networks.into_iter().filter(|m| {
        m.member.kind() == IdKind::Locality
            && !related.contains(&m.member)
            && m.when.end_year().is_none_or(|e| e >= year)
    }) {
        let entry = peer_set.entry(m.member.to_string()).or_insert((&m.member, BTreeSet::new()));
        entry.1.insert(kb.display_name(&m.network));
    }
    peer_set
        .into_iter()
        .map(|(pid, (p, nets))| Item {
            name: kb.display_name(p),
            id: pid,
            detail: format!("shares {}", nets.into_iter().collect::<Vec<_>>().join(", ")),
            source: String::new(),
        })
        .collect()
}

/// The enabling factors the knowledge base states: an integration officer (or that it is
/// unknown), perceived public attitudes.
fn kb_factors(kb: &KnowledgeBase, id: &Id) -> Vec<Factor> {
    let mut enabling = Vec::new();
    let officer = kb.facts_of(id, Property::IntegrationOfficer);
    enabling.push(match officer.first() {
        Some(f) => Factor {
            name: "official with an integration mandate".into(),
            value: if f.value == "true" { "yes".into() } else { "no".into() },
            basis: "observed".into(),
            source: cite(kb, &f.citation),
            group_evidence: vec![],
        },
        None => Factor {
            name: "official with an integration mandate".into(),
            value: "unknown".into(),
            basis: "unknown".into(),
            source: "no statement about this locality in the knowledge base".into(),
            group_evidence: vec![],
        },
    });
    let attitudes = kb.facts_of(id, Property::PerceivedPublicAttitudes);
    if let Some(f) = attitudes.first() {
        enabling.push(Factor {
            name: "perceived public attitudes (1–5)".into(),
            value: f.value.clone(),
            basis: "observed".into(),
            source: cite(kb, &f.citation),
            group_evidence: vec![],
        });
    }
    enabling
}

/// The survey's enabling factors for the locality (added to `enabling`) and its aggregates: the
/// mean contact frequency by actor class in the last period, and the perception items.
fn survey_factors(s: &SurveyInput, id: &Id, enabling: &mut Vec<Factor>) -> SurveyAggregates {
    let ds = s.dataset;
    let ins = s.instrument;
    let basis = if ds.synthetic { "survey (synthetic)" } else { "survey" };
    let rs: Vec<usize> =
        (0..ds.respondents.len()).filter(|&r| ds.respondents[r].locality == id.as_str()).collect();
    let p = ds.n_periods().saturating_sub(1);
    let mut by_class = BTreeMap::new();
    for class in ins.classes() {
        let actors = ins.actors_of(class);
        let vals: Vec<f64> = rs
            .iter()
            .flat_map(|&r| actors.iter().filter_map(move |&a| ds.freq(r, p, a)))
            .map(|v| v as f64)
            .collect();
        if !vals.is_empty() {
            by_class.insert(
                format!("{class:?}").to_lowercase(),
                (vals.iter().sum::<f64>() / vals.len() as f64, vals.len()),
            );
        }
    }
    for (i, item) in ins.perceptions.iter().enumerate() {
        let answers: Vec<&mlgov_survey::PerceptionAnswer> =
            rs.iter().filter_map(|&r| ds.perception(r, i)).collect();
        if answers.is_empty() {
            continue;
        }
        let Some(value) = perception_value(item, &answers) else { continue };
        enabling.push(Factor {
            name: item.label.clone(),
            value,
            basis: basis.into(),
            source: format!("survey '{}', item {}", s.name, item.id),
            group_evidence: vec![],
        });
    }
    SurveyAggregates {
        survey: s.name.to_string(),
        synthetic: ds.synthetic,
        respondents: rs.len(),
        period: ins.periods.get(p).map(|x| x.label.clone()).unwrap_or_default(),
        mean_frequency_by_class: by_class,
    }
}

/// The value of a perception item that bears on learning (public attitudes, responsibility,
/// information sources) from its answers; `None` for other items or no usable answer.
fn perception_value(
    item: &mlgov_survey::instrument::PerceptionItem,
    answers: &[&mlgov_survey::PerceptionAnswer],
) -> Option<String> {
    use mlgov_survey::PerceptionAnswer as A;
    let n = answers.len();
    match item.id.as_str() {
        "public_attitudes" => {
            let v: Vec<f64> = answers
                .iter()
                .filter_map(|a| if let A::Scale(x) = a { Some(*x as f64) } else { None })
                .collect();
            if v.is_empty() {
                return None;
            }
            Some(format!("{:.2} (n={})", v.iter().sum::<f64>() / v.len() as f64, v.len()))
        }
        "responsibility" => {
            let local = item.options.iter().position(|o| o.id == "local_government");
            let k =
                answers.iter().filter(|a| matches!(a, A::Choice(c) if Some(*c) == local)).count();
            Some(format!("{k} of {n} see the local government as responsible"))
        }
        "information_sources" => {
            let specialist =
                |o: &usize| item.options.get(*o).is_some_and(|x| x.specialist == Some(true));
            let k = answers
                .iter()
                .filter(|a| matches!(a, A::Multi(v) if v.iter().any(specialist)))
                .count();
            Some(format!("{k} of {n} use specialist sources"))
        }
        _ => None,
    }
}

/// Without survey answers, the survey's factors are unknown (those the base did not state).
fn unknown_survey_factors(enabling: &mut Vec<Factor>) {
    for n in [
        "perceived local responsibility",
        "perceived public attitudes (1–5)",
        "specialist information sources",
    ] {
        if enabling.iter().any(|f| f.name == n) {
            continue;
        }
        enabling.push(Factor {
            name: n.into(),
            value: "unknown".into(),
            basis: "unknown".into(),
            source: "needs survey answers (mlgov survey import, or --survey)".into(),
            group_evidence: vec![],
        });
    }
}

/// Each factor's group evidence: the findings on the topics it bears on.
fn attach_group_evidence(enabling: &mut [Factor], findings: &[GroupFinding]) {
    for f in enabling {
        let topics: &[&str] = match f.name.as_str() {
            "official with an integration mandate" => &["enabling_officer"],
            "perceived public attitudes (1–5)" => &["enabling_public_opinion"],
            "perceived local responsibility" => &["enabling_responsibility"],
            "specialist information sources" => &["information_sources"],
            n if n.contains("responsib") => &["enabling_responsibility"],
            n if n.contains("attitude") || n.contains("opinion") => &["enabling_public_opinion"],
            n if n.contains("information") => &["information_sources"],
            _ => &[],
        };
        f.group_evidence = findings
            .iter()
            .filter(|g| topics.contains(&g.topic.as_str()))
            .map(|g| g.id.clone())
            .collect();
    }
}

/// What is observed, what is assumed, what is synthetic.
fn profile_notes(survey: Option<&SurveyAggregates>) -> Vec<String> {
    let mut notes = vec![
        "Ties and factors marked 'observed' are statements of the knowledge base with their sources; the papers record ties they mention, so a missing tie is not evidence of its absence.".to_string(),
        "The papers contain no adoption data: diffusion results are simulations under stated assumptions (mlgov diffusion).".to_string(),
    ];
    if let Some(s) = survey
        && s.synthetic
    {
        notes.push(format!("Survey '{}' is SYNTHETIC (generated by mlgov survey synth): its figures illustrate the method and are not Whole-COMM's data.", s.survey));
    }
    notes
}

/// A suggested peer locality.
#[derive(Clone, Debug, Serialize)]
pub struct PeerSuggestion {
    /// Locality id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Similarity score (sum of the weights of the matched attributes).
    pub score: u32,
    /// Attributes that matched.
    pub matched: Vec<String>,
    /// Practices it adopted (titles).
    pub practices: Vec<String>,
}

/// A suggested network.
#[derive(Clone, Debug, Serialize)]
pub struct NetworkSuggestion {
    /// Network id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Comparable localities that are members.
    pub comparable_members: Vec<String>,
    /// Sum of those members' similarity scores.
    pub score: u32,
}

/// A suggested bridging NGO.
#[derive(Clone, Debug, Serialize)]
pub struct NgoSuggestion {
    /// Organisation id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Comparable localities or networks it is tied to.
    pub reaches: Vec<String>,
}

/// Peers, networks and NGOs suggested for a locality.
#[derive(Clone, Debug, Serialize)]
pub struct Peers {
    /// Locality id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Comparable localities, best first (those that adopted practices first among equals).
    pub peers: Vec<PeerSuggestion>,
    /// Networks it is not in whose members are comparable.
    pub networks: Vec<NetworkSuggestion>,
    /// NGOs tied to comparable localities or to its networks' members.
    pub ngos: Vec<NgoSuggestion>,
    /// The weights used.
    pub weights: BTreeMap<String, u32>,
}

/// Weights of the similarity score: size class 2, typology 2, political orientation 1, country
/// policy configuration 1, same country 1.
pub fn similarity(
    kb: &KnowledgeBase,
    a: &LocalityAttrs,
    b: &LocalityAttrs,
    config: &BTreeMap<String, String>,
) -> (u32, Vec<String>) {
    let _ = kb;
    let mut s = 0;
    let mut m = Vec::new();
    let mut check = |name: &str, w: u32, x: &Option<String>, y: &Option<String>| {
        if let (Some(x), Some(y)) = (x, y)
            && x == y
        {
            s += w;
            m.push(format!("{name}: {x}"));
        }
    };
    check("size", 2, &a.size_class, &b.size_class);
    check("typology", 2, &a.typology, &b.typology);
    check("orientation", 1, &a.orientation, &b.orientation);
    check(
        "policy configuration",
        1,
        &config.get(&a.country).cloned(),
        &config.get(&b.country).cloned(),
    );
    if a.country == b.country && !a.country.is_empty() {
        s += 1;
        m.push(format!("country: {}", a.country));
    }
    (s, m)
}

/// Suggests peers, networks and NGOs for `id`.
pub fn peers(kb: &KnowledgeBase, id: &Id, limit: usize) -> Peers {
    let mut ps = peer_suggestions(kb, id);
    let comparable: BTreeMap<String, u32> =
        ps.iter().filter(|p| p.score >= 3).map(|p| (p.id.clone(), p.score)).collect();
    // A comparable id is a locality's, so it parses.
    let comparable_ids: Vec<Id> = comparable.keys().filter_map(|c| Id::parse(c).ok()).collect();
    let related = crate::trajectory::related_localities(kb, id);
    let mine: BTreeSet<&Id> =
        crate::lookup::memberships_of_any(kb, &related).into_iter().map(|m| &m.network).collect();
    let near = Near { scores: comparable, ids: comparable_ids, mine };
    let mut networks = network_suggestions(kb, &near);
    let mut ngos = ngo_suggestions(kb, &near);
    ps.truncate(limit);
    networks.truncate(limit);
    ngos.truncate(limit);
    let weights = [
        ("size", 2),
        ("typology", 2),
        ("orientation", 1),
        ("policy configuration", 1),
        ("country", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Peers { id: id.to_string(), name: kb.display_name(id), peers: ps, networks, ngos, weights }
}

/// Every other locality similar to `id` at all, with the practices it adopted, best first.
fn peer_suggestions(kb: &KnowledgeBase, id: &Id) -> Vec<PeerSuggestion> {
    let attrs = locality_attrs(kb);
    let me = attrs.get(id.as_str()).cloned().unwrap_or_default();
    let config: BTreeMap<String, String> = kb
        .facts
        .iter()
        .filter(|f| f.property == Property::PolicyConfiguration)
        .map(|f| (f.subject.body().to_string(), f.value.clone()))
        .collect();
    let mut ps: Vec<PeerSuggestion> = attrs
        .values()
        .filter(|a| a.id != me.id)
        .filter_map(|a| {
            let (score, matched) = similarity(kb, &me, a, &config);
            if score == 0 {
                return None;
            }
            let lid = Id::parse(&a.id).ok()?;
            let practices = kb
                .adoptions_naming(&lid)
                .into_iter()
                .filter(|ad| ad.locality == lid)
                .map(|ad| kb.display_name(&ad.practice))
                .collect();
            Some(PeerSuggestion {
                id: a.id.clone(),
                name: a.label.clone(),
                score,
                matched,
                practices,
            })
        })
        .collect();
    ps.sort_by(|a, b| {
        b.score.cmp(&a.score).then(b.practices.len().cmp(&a.practices.len())).then(a.id.cmp(&b.id))
    });
    ps
}

/// What peers are near: the comparable localities (similarity 3 or more) with their scores and
/// ids, and the locality's own networks.
struct Near<'k> {
    scores: BTreeMap<String, u32>,
    ids: Vec<Id>,
    mine: BTreeSet<&'k Id>,
}

/// The networks (not the locality's own, `mine`) that comparable localities are in, scored by
/// the sum of those members' scores, best first.
fn network_suggestions(kb: &KnowledgeBase, near: &Near) -> Vec<NetworkSuggestion> {
    let (comparable, comparable_ids, mine) = (&near.scores, &near.ids, &near.mine);
    let mut nets: BTreeMap<&Id, (BTreeSet<String>, u32)> = BTreeMap::new();
    // The memberships of the comparable localities, in table order.
    let of_comparable = crate::lookup::gather(
        kb,
        &kb.memberships,
        comparable_ids,
        |c| kb.memberships_of(c),
        |m| comparable.contains_key(m.member.as_str()),
    );
    for m in of_comparable.into_iter().filter(|m| !mine.contains(&m.network)) {
        if let Some(sc) = comparable.get(m.member.as_str()) {
            let e = nets.entry(&m.network).or_default();
            if e.0.insert(kb.display_name(&m.member)) {
                e.1 += sc;
            }
        }
    }
    let mut networks: Vec<NetworkSuggestion> = nets
        .into_iter()
        .map(|(n, (members, score))| NetworkSuggestion {
            id: n.to_string(),
            name: kb.display_name(n),
            comparable_members: members.into_iter().collect(),
            score,
        })
        .collect();
    networks.sort_by(|a, b| b.score.cmp(&a.score).then(a.id.cmp(&b.id)));
    networks
}

/// The civil-society organisations tied to comparable localities or to the locality's own
/// networks, those reaching most first.
fn ngo_suggestions(kb: &KnowledgeBase, near: &Near) -> Vec<NgoSuggestion> {
    let (comparable, comparable_ids, mine) = (&near.scores, &near.ids, &near.mine);
    let mut ngo: BTreeMap<&Id, BTreeSet<String>> = BTreeMap::new();
    // Only relations naming a comparable locality or one of its networks can reach one.
    let reached = crate::lookup::gather(
        kb,
        &kb.relations,
        comparable_ids.iter().chain(mine.iter().copied()),
        |i| kb.relations_naming(i),
        |_| true,
    );
    for r in reached {
        for (o, other) in [(&r.subject, &r.object), (&r.object, &r.subject)] {
            if org_kind(kb, o).is_some_and(is_cso)
                && (comparable.contains_key(other.as_str()) || mine.contains(other))
            {
                ngo.entry(o).or_default().insert(kb.display_name(other));
            }
        }
    }
    let mut ngos: Vec<NgoSuggestion> = ngo
        .into_iter()
        .map(|(o, r)| NgoSuggestion {
            id: o.to_string(),
            name: kb.display_name(o),
            reaches: r.into_iter().collect(),
        })
        .collect();
    ngos.sort_by(|a, b| b.reaches.len().cmp(&a.reaches.len()).then(a.id.cmp(&b.id)));
    ngos
}
