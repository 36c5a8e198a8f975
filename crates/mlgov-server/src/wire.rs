//! Wire types of the JSON API: explicit structs, separate from the domain and analysis types,
//! documented with utoipa. Conversions live in `convert.rs`; these types never reach the store.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// Pagination metadata, in the body of every list response.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PageMeta {
    /// Page number (1-based).
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// Items matching the filters.
    pub total: usize,
    /// Number of pages.
    pub pages: usize,
}

/// A reference to an entity by id and display name (public label for anonymised localities).
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct EntityRef {
    /// Prefixed id (`loc:`, `net:`, `org:`, `per:`, `evt:`, `src:`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Page of the entity in the explorer, when it has one.
    pub href: Option<String>,
}

/// Where a statement comes from.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct CitationOut {
    /// Source id.
    pub source: String,
    /// Short citation of the source.
    pub short: String,
    /// Page, table or section in the source.
    pub locator: String,
}

/// A (partial) date interval.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct WhenOut {
    /// Start (YYYY, YYYY-MM or YYYY-MM-DD), open when absent.
    pub from: Option<String>,
    /// End, open when absent.
    pub to: Option<String>,
    /// Human rendering ("2019–", "2004–2014").
    pub display: String,
}

/// A statement citing a source.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StatementRef {
    /// The table (memberships, facts, …).
    pub table: String,
    /// Statement id.
    pub id: String,
    /// Source id.
    pub source: String,
    /// Short citation.
    pub short: String,
    /// Locator.
    pub locator: String,
}

// FactOut … AdoptionOut are not the domain records: ids are resolved to EntityRef (public labels
// for anonymised localities), citations carry the short name, intervals their rendering.
/// A typed fact with its citation.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct FactOut {
    /// Fact id.
    pub id: String,
    /// What the fact is about (public label for an anonymised locality).
    pub subject: EntityRef,
    /// Property (size_class, policy_outcome, founded, scale, …).
    pub property: String,
    /// Value as stated.
    pub value: String,
    /// The value rendered for people (entity names resolved).
    pub value_label: String,
    /// Qualifier.
    pub qualifier: Option<String>,
    /// When it holds.
    pub when: WhenOut,
    /// Note.
    pub note: Option<String>,
    /// Source.
    pub citation: CitationOut,
}

/// A membership of a locality, organisation, person or network in a network.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct MembershipOut {
    /// Membership id.
    pub id: String,
    /// The network.
    pub network: EntityRef,
    /// The member.
    pub member: EntityRef,
    /// Role (member, founder, president, …).
    pub role: String,
    /// Whether the role is a leading one.
    pub leading: bool,
    /// When.
    pub when: WhenOut,
    /// Why it ended.
    pub exit_reason: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Source.
    pub citation: CitationOut,
}

/// An office term (mayor, deputy mayor, …).
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct TermOut {
    /// Term id.
    pub id: String,
    /// Locality.
    pub locality: EntityRef,
    /// Person.
    pub person: EntityRef,
    /// Office.
    pub office: String,
    /// Portfolio.
    pub portfolio: Option<String>,
    /// Party or coalition.
    pub party: Option<String>,
    /// Political orientation.
    pub orientation: Option<String>,
    /// When.
    pub when: WhenOut,
    /// Source.
    pub citation: CitationOut,
}

/// A trajectory phase as a source names it.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PhaseOut {
    /// Phase id.
    pub id: String,
    /// The locality.
    pub locality: EntityRef,
    /// The source's name of the phase.
    pub label: String,
    /// Mapped kind.
    pub kind: Option<String>,
    /// When.
    pub when: WhenOut,
    /// Source.
    pub citation: CitationOut,
}

/// An event.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct EventOut {
    /// Event id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: String,
    /// When.
    pub when: WhenOut,
    /// Country code.
    pub country: Option<String>,
    /// Places.
    pub places: Vec<EntityRef>,
    /// Actors.
    pub actors: Vec<EntityRef>,
    /// Description.
    pub description: Option<String>,
    /// Source.
    pub citation: CitationOut,
}

/// A typed relation between two entities.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct RelationOut {
    /// Relation id.
    pub id: String,
    /// Subject.
    pub subject: EntityRef,
    /// Kind (funds, sponsors, partners_with, …).
    pub kind: String,
    /// Object.
    pub object: EntityRef,
    /// When.
    pub when: WhenOut,
    /// Note.
    pub note: Option<String>,
    /// Source.
    pub citation: CitationOut,
}

/// A locality in a list.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct LocalitySummary {
    /// `loc:` id.
    pub id: String,
    /// Display name (public label when anonymised).
    pub name: String,
    /// Administrative kind.
    pub kind: String,
    /// ISO country code.
    pub country: String,
    /// Region.
    pub region: Option<String>,
    /// Size classes stated by the sources.
    pub size_class: Vec<String>,
    /// Whether the sources anonymise it.
    pub anonymised: bool,
    /// Latitude (never for anonymised localities).
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Number of memberships.
    pub memberships: usize,
    /// Explorer page.
    pub href: String,
}

/// A list of localities.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LocalityList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<LocalitySummary>,
}

/// A locality with its sourced statements.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LocalityDetail {
    /// Summary.
    pub locality: LocalitySummary,
    /// Aliases (omitted for anonymised localities).
    pub aliases: Vec<String>,
    /// Part of.
    pub parent: Option<EntityRef>,
    /// Where the locality record comes from.
    pub citation: CitationOut,
    /// Facts.
    pub facts: Vec<FactOut>,
    /// Memberships (its own and those of its parts).
    pub memberships: Vec<MembershipOut>,
    /// Office terms.
    pub terms: Vec<TermOut>,
    /// Named phases.
    pub phases: Vec<PhaseOut>,
    /// Events that took place there or involve it.
    pub events: Vec<EventOut>,
    /// Relations.
    pub relations: Vec<RelationOut>,
    /// Every statement about it, with its source.
    pub citations: Vec<StatementRef>,
}

/// A network in a list.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct NetworkSummary {
    /// `net:` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Acronym.
    pub acronym: Option<String>,
    /// Kind (network, programme, campaign, …).
    pub kind: String,
    /// Scale facts.
    pub scale: Vec<String>,
    /// Stated origin (sponsored, grassroots, mixed).
    pub origin: Vec<String>,
    /// Founding date(s).
    pub founded: Vec<String>,
    /// Countries (facts).
    pub countries: Vec<String>,
    /// Distinct members.
    pub members: usize,
    /// Computed position on the sponsored ↔ militant spectrum.
    pub class: String,
    /// Explorer page.
    pub href: String,
}

/// A list of networks.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NetworkList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<NetworkSummary>,
}

/// One piece of evidence for a typology trait. Served as the analysis computes it (the same JSON).
pub use mlgov_analysis::typology::Evidence as EvidenceOut;

// Not `typology::Trait`: evidence is the same type, but the name is owned for the schema.
/// One trait of the sponsored ↔ militant typology.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TraitOut {
    /// funding, partners, scope, issue_focus.
    pub name: String,
    /// sponsored, militant, mixed or unknown.
    pub value: String,
    /// Mean score of the evidence.
    pub score: Option<f64>,
    /// Evidence.
    pub evidence: Vec<EvidenceOut>,
}

// Not `typology::NetworkTypology`: the network as an EntityRef, without the pairwise ranking.
/// A network's position on the sponsored ↔ militant spectrum.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TypologyOut {
    /// The network.
    pub network: EntityRef,
    /// Mean of the known traits (−1 … +1), only with at least two observed.
    pub position: Option<f64>,
    /// sponsored, intermediate, militant or unknown: the paper's placement when a source places
    /// the network, else what the traits give.
    pub class: String,
    /// What the traits alone give.
    pub computed_class: String,
    /// `paper` or `traits`: where `class` comes from.
    pub class_from: String,
    /// Observed traits, k of 4.
    pub coverage: usize,
    /// The sources' own placements (value, citation with the quote, note).
    #[schema(value_type = Vec<Object>)]
    pub paper: Vec<mlgov_analysis::typology::Placement>,
    /// agrees, differs, or empty when no source places the network.
    pub agreement: String,
    /// Why the computed class differs from the paper's placement.
    pub explanation: Option<String>,
    /// Traits.
    pub traits: Vec<TraitOut>,
    /// Stated origin.
    pub stated_origin: Vec<String>,
    /// Scale.
    pub scale: Vec<String>,
    /// Institutionalisation.
    pub institutionalisation: Vec<String>,
    /// Focus.
    pub focus: Vec<String>,
}

/// Power assemblage: members and partners by actor type.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AssemblageOut {
    /// The network.
    pub network: EntityRef,
    /// Distinct actors per type.
    pub counts: BTreeMap<String, usize>,
    /// Actor names per type.
    pub actors: BTreeMap<String, Vec<String>>,
    /// Total distinct actors.
    pub total: usize,
}

/// A network with members, traits and assemblage.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NetworkDetail {
    /// Summary.
    pub network: NetworkSummary,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Parent network.
    pub parent: Option<EntityRef>,
    /// Working groups and parts.
    pub parts: Vec<EntityRef>,
    /// Where the record comes from.
    pub citation: CitationOut,
    /// Facts.
    pub facts: Vec<FactOut>,
    /// Memberships in this network.
    pub members: Vec<MembershipOut>,
    /// Relations.
    pub relations: Vec<RelationOut>,
    /// Sponsored ↔ militant traits.
    pub typology: TypologyOut,
    /// Assemblage.
    pub assemblage: AssemblageOut,
    /// Members per year (year, active members).
    pub members_by_year: Vec<YearCount>,
    /// Every statement about it.
    pub citations: Vec<StatementRef>,
}

/// A count for one year.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct YearCount {
    /// Year.
    pub year: i32,
    /// Count.
    pub count: usize,
}

/// An organisation in a list.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct OrganisationSummary {
    /// `org:` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Acronym.
    pub acronym: Option<String>,
    /// Kind.
    pub kind: String,
    /// Country.
    pub country: Option<String>,
    /// Explorer page.
    pub href: String,
}

/// A list of organisations.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<OrganisationSummary>,
}

/// A person in a list.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PersonSummary {
    /// `per:` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Offices held, in words.
    pub offices: Vec<String>,
    /// Explorer page.
    pub href: String,
}

/// A list of persons.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<PersonSummary>,
}

/// An affiliation of a person.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct AffiliationOut {
    /// Affiliation id.
    pub id: String,
    /// Person.
    pub person: EntityRef,
    /// Organisation, locality or network.
    pub organisation: EntityRef,
    /// Role.
    pub role: String,
    /// public or non_public.
    pub sector: Option<String>,
    /// When.
    pub when: WhenOut,
    /// Source.
    pub citation: CitationOut,
}

/// An organisation or person with its statements.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ActorDetail {
    /// The entity.
    pub entity: EntityRef,
    /// organisation or person.
    pub kind: String,
    /// Subtype (organisation kind).
    pub subtype: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Where the record comes from.
    pub citation: CitationOut,
    /// Facts.
    pub facts: Vec<FactOut>,
    /// Memberships in networks.
    pub memberships: Vec<MembershipOut>,
    /// Office terms (persons).
    pub terms: Vec<TermOut>,
    /// Affiliations.
    pub affiliations: Vec<AffiliationOut>,
    /// Relations.
    pub relations: Vec<RelationOut>,
    /// Every statement about it.
    pub citations: Vec<StatementRef>,
}

/// A list of events.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EventList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<EventOut>,
}

/// A list of memberships.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MembershipList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<MembershipOut>,
}

/// A bibliographic source.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct SourceSummary {
    /// `src:` id.
    pub id: String,
    /// Short citation.
    pub short: String,
    /// Title.
    pub title: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Year.
    pub year: Option<i64>,
    /// Kind.
    pub kind: String,
    /// DOI or URL (not fetched by the explorer).
    pub url: Option<String>,
    /// Licence.
    pub licence: Option<String>,
    /// Statements citing it.
    pub statements: usize,
    /// Explorer page.
    pub href: String,
}

/// A list of sources.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SourceList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<SourceSummary>,
}

/// A source and every statement that cites it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SourceDetail {
    /// The source.
    pub source: SourceSummary,
    /// Citing statements with the entity each is about (one page of them: `meta`).
    pub citing: Vec<CitingStatement>,
    /// Which page of the citing statements this is, and how many there are.
    pub meta: PageMeta,
}

/// A statement citing a source.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CitingStatement {
    /// Table.
    pub table: String,
    /// Statement id.
    pub id: String,
    /// Locator.
    pub locator: String,
    /// What the statement is about (best effort).
    pub about: Option<EntityRef>,
}

// Not `kb::SearchHit`: ids and kinds as strings, with the explorer page instead of the match.
/// A search hit.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SearchHitOut {
    /// Entity id.
    pub id: String,
    /// locality, network, organisation or person.
    pub kind: String,
    /// Display name.
    pub name: String,
    /// 3 exact, 2 prefix, 1 word prefix, 0 substring or typo.
    pub score: u8,
    /// Matched within the typo budget (one edit in words of 4–7 letters, two from 8), not literally.
    pub typo: bool,
    /// Explorer page.
    pub href: String,
}

/// Search results.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The query.
    pub query: String,
    /// Hits, best first.
    pub hits: Vec<SearchHitOut>,
}

// Not `trajectory::TimelineRow`: its lane is a plain string here and its typed detail stays out.
/// One row of a locality's time line.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TimelineRowOut {
    /// membership, term, phase or event.
    pub lane: String,
    /// Label.
    pub label: String,
    /// First year.
    pub from: Option<i32>,
    /// Last year (open when absent).
    pub to: Option<i32>,
    /// Leading role.
    pub leading: bool,
    /// Statement id.
    pub id: String,
    /// Source and locator.
    pub source: String,
}

/// A locality's time line.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TimelineOut {
    /// The locality.
    pub locality: EntityRef,
    /// First year.
    pub first_year: i32,
    /// Last year.
    pub last_year: i32,
    /// Rows.
    pub rows: Vec<TimelineRowOut>,
}

/// Participation in one year. Served as the analysis computes it (the same JSON).
pub use mlgov_analysis::trajectory::YearState as YearStateOut;

/// A computed or named phase with years.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PhaseSpan {
    /// Kind or label.
    pub label: String,
    /// Mapped kind.
    pub kind: Option<String>,
    /// First year.
    pub from: Option<i32>,
    /// Last year.
    pub to: Option<i32>,
    /// Source (named phases).
    pub source: Option<String>,
}

// Not `trajectory::PhaseComparison`: the locality as an EntityRef, named phases as PhaseSpan.
/// Computed vs named trajectory phases of a locality.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TrajectoryOut {
    /// The locality.
    pub locality: EntityRef,
    /// Participation per year.
    pub years: Vec<YearStateOut>,
    /// Phases computed from participation.
    pub computed: Vec<PhaseSpan>,
    /// Phases as the sources name them.
    pub named: Vec<PhaseSpan>,
    /// Share of years where computed and named phases agree.
    pub agreement: Option<f64>,
    /// Years both cover (the denominator of `agreement`).
    pub years_compared: usize,
    /// What the trajectory counts (networks on migration; memberships dated from the authors'
    /// phases left out).
    pub scope: String,
    /// Memberships left out: [statement id, why].
    pub left_out: Vec<(String, String)>,
}

// Not `tables::CompareMembership`: the network resolved to an EntityRef.
/// A membership in the comparison.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CompareMembershipOut {
    /// Network.
    pub network: EntityRef,
    /// Role.
    pub role: String,
    /// First year.
    pub from: Option<i32>,
    /// Last year.
    pub to: Option<i32>,
    /// Through which part of the locality.
    pub via: Option<String>,
    /// Source.
    pub source: String,
}

/// A mayor in the comparison. Served as the analysis computes it (the same JSON).
pub use mlgov_analysis::tables::CompareMayor as CompareMayorOut;

/// One locality's column of a comparison.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CompareColumnOut {
    /// The locality.
    pub locality: EntityRef,
    /// Memberships with years.
    pub memberships: Vec<CompareMembershipOut>,
    /// Mode of internationalisation.
    pub mode: Vec<String>,
    /// Mayors.
    pub mayors: Vec<CompareMayorOut>,
}

/// A side-by-side comparison.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CompareOut {
    /// Columns.
    pub localities: Vec<CompareColumnOut>,
}

/// A Whole-COMM cross-tab. Served as the analysis computes it (the same JSON).
pub use mlgov_analysis::tables::CrossTab as CrossTabOut;

/// The list of cross-tabs.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CrossTabList {
    /// Cross-tabs.
    pub crosstabs: Vec<CrossTabOut>,
}

/// A country with its policy configurations and counts.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct CountryOut {
    /// ISO code.
    pub country: String,
    /// National / regional policy configurations stated by the sources.
    pub configurations: Vec<String>,
    /// Localities in the base.
    pub localities: usize,
    /// Localities with coordinates.
    pub with_coordinates: usize,
    /// Memberships of its localities.
    pub memberships: usize,
}

/// Countries.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CountryList {
    /// Countries.
    pub countries: Vec<CountryOut>,
}

/// Named phases of every locality that has some.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PhaseList {
    /// Phases.
    pub phases: Vec<PhaseOut>,
}

/// Every network on the spectrum.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TypologyList {
    /// Networks.
    pub networks: Vec<TypologyOut>,
}

// Not `hypotheses::HypothesisRow`: the network is resolved to an EntityRef (with its page).
/// One network's row in a hypothesis check.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HypothesisRowOut {
    /// The network.
    pub network: EntityRef,
    /// Its class.
    pub class: String,
    /// Countries.
    pub countries: Vec<String>,
    /// Founding year.
    pub founded: Option<i32>,
    /// Where the founding year comes from (`founded fact`, `earliest membership`, `unknown`).
    pub founded_from: String,
    /// Whether the condition holds by mlgov's computation (unknown when absent).
    pub condition: Option<bool>,
    /// Evidence of the computed verdict.
    pub evidence: Vec<String>,
    /// What does not count, and why.
    pub not_counted: Vec<String>,
    /// The paper's own reading of this case.
    #[schema(value_type = Option<Object>)]
    pub paper: Option<mlgov_analysis::hypotheses::Reading>,
    /// agrees, differs, not read by the paper, cannot be computed.
    pub agreement: String,
    /// Why mlgov's verdict differs from the paper's.
    pub explanation: Option<String>,
}

// Not `hypotheses::HypothesisCheck`: its rows are HypothesisRowOut (networks resolved).
/// A hypothesis checked on the data.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HypothesisOut {
    /// H1 or H2.
    pub id: String,
    /// The hypothesis.
    pub statement: String,
    /// What the paper concluded, with its words.
    pub paper_verdict: String,
    /// What mlgov computes for each network.
    pub computed_rule: String,
    /// Networks left out of the comparison (projects, funding programmes), with why.
    pub excluded: Vec<String>,
    /// Of the paper's cases, how many computed verdicts agree.
    pub cases_agree: usize,
    /// Of the paper's cases, how many differ (each explained).
    pub cases_differ: usize,
    /// 2×2 table [[militant∧cond, militant∧¬cond], [other∧cond, other∧¬cond]].
    pub table: Vec<Vec<u64>>,
    /// Fisher's exact test, two-sided.
    pub fisher_p: Option<f64>,
    /// Summary sentence.
    pub sentence: String,
    /// Rows.
    pub rows: Vec<HypothesisRowOut>,
}

/// Both hypotheses.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HypothesesOut {
    /// H1 and H2.
    pub hypotheses: Vec<HypothesisOut>,
}

/// One side of a conflict.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConflictStatementOut {
    /// Statement id.
    pub id: String,
    /// Value.
    pub value: String,
    /// When.
    pub when: WhenOut,
    /// Source.
    pub citation: CitationOut,
}

// Not `kb::Conflict`: the subject resolved to an EntityRef, statements with rendered dates.
/// Statements that disagree.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConflictOut {
    /// fact, membership or event.
    pub kind: String,
    /// sources_disagree, source_disagrees_with_itself, change_over_time or identity_ambiguity.
    pub nature: String,
    /// The nature in a sentence.
    pub explanation: String,
    /// The subject.
    pub subject: EntityRef,
    /// Property or membership.
    pub about: String,
    /// Statements.
    pub statements: Vec<ConflictStatementOut>,
}

/// Conflicts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConflictList {
    /// Count.
    pub count: usize,
    /// Count per nature.
    pub by_nature: BTreeMap<String, usize>,
    /// Conflicts.
    pub conflicts: Vec<ConflictOut>,
}

/// Counts of the knowledge base and entry points.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Overview {
    /// Records per table.
    pub counts: BTreeMap<String, usize>,
    /// Sourced statements.
    pub statements: usize,
    /// Conflicts.
    pub conflicts: usize,
    /// Content hash of the loaded data.
    pub version: String,
}

/// Result of a reload.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ReloadOut {
    /// Whether a database is attached and was read.
    pub reloaded: bool,
    /// Content hash after the reload.
    pub version: String,
}

/// A node of the governance graph.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GraphNodeOut {
    /// Entity id.
    pub id: String,
    /// Label.
    pub label: String,
    /// locality, network, organisation, person, country.
    pub kind: String,
    /// Level (local … international).
    pub level: String,
    /// public or non_public.
    pub sector: String,
    /// Degree in the filtered graph.
    pub degree: usize,
    /// Chosen centrality.
    pub centrality: f64,
    /// Explorer page.
    pub href: Option<String>,
}

/// An edge of the governance graph.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GraphEdgeOut {
    /// Source node id.
    pub source: String,
    /// Target node id.
    pub target: String,
    /// Layer: membership, office, affiliation, funding, partnership, founding, coordination,
    /// hosting, support, shared_membership (projections).
    pub kind: String,
    /// First year of the tie's span (absent: unknown or undated).
    pub from: Option<i32>,
    /// Last year of its span (absent: still running or undated).
    pub to: Option<i32>,
    /// The periods the tie holds (one tie per pair and layer).
    pub spells: Vec<SpellOut>,
    /// No statement dates the tie.
    pub undated: bool,
    /// Statements behind the tie.
    pub statements: usize,
    /// Its weight under the chosen weighting.
    pub weight: f64,
}

/// A period a tie holds (inclusive years; absent = open).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SpellOut {
    /// First year.
    pub from: Option<i32>,
    /// Last year.
    pub to: Option<i32>,
}

/// The governance graph, filtered.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GraphOut {
    /// The actor the graph is centred on (its neighbourhood), when it is.
    pub focus: Option<EntityRef>,
    /// Year of the snapshot (all years when absent).
    pub year: Option<i32>,
    /// `layers`, `localities` or `networks`.
    pub on: String,
    /// What the graph is (view, time, undated ties, weighting).
    pub description: String,
    /// Undated ties of the chosen layers left out.
    pub undated_left_out: usize,
    /// Whether betweenness counts time-respecting paths (all years).
    pub time_respecting: bool,
    /// Centrality used for sizes.
    pub centrality: String,
    /// Nodes.
    pub nodes: Vec<GraphNodeOut>,
    /// Edges.
    pub edges: Vec<GraphEdgeOut>,
    /// Edge kinds present before filtering.
    pub edge_kinds: Vec<String>,
    /// Node kinds present before filtering.
    pub node_kinds: Vec<String>,
}

/// A node that adopts in some runs.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AdopterOut {
    /// The entity.
    pub entity: EntityRef,
    /// Share of runs in which it has adopted at the end.
    pub probability: f64,
}

// Not `bootstrap::Estimate`: the schema of its serialised form (n, localities absent if suppressed).
/// An estimate with its interval.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EstimateOut {
    /// Respondents contributing (absent when the cell is suppressed: a suppressed cell says
    /// nothing, not even how many answered).
    pub n: Option<usize>,
    /// Localities those respondents come from (absent when suppressed; 0 in releases made before
    /// localities were counted).
    pub localities: Option<usize>,
    /// Fewer than five localities.
    pub few_localities: bool,
    /// Mean (absent when suppressed or n = 0).
    pub mean: Option<f64>,
    /// Lower bound of the interval (localities as clusters by default).
    pub ci_low: Option<f64>,
    /// Upper bound.
    pub ci_high: Option<f64>,
    /// Small n (live figures).
    pub small_n: bool,
    /// Withheld by disclosure control (published releases).
    pub suppressed: bool,
}

/// A row of a survey result table.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SurveyRowOut {
    /// Group values.
    pub group: Vec<String>,
    /// Period.
    pub period: Option<String>,
    /// Measure id.
    pub measure: String,
    /// Measure label.
    pub label: String,
    /// Statistic.
    pub statistic: String,
    /// Estimate.
    pub estimate: EstimateOut,
}

/// A survey analysis: live figures of a stored dataset, or a published release.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SurveyOut {
    /// Survey name.
    pub survey: String,
    /// `live` (a project's researchers) or `release` (published, disclosure-controlled).
    pub source: String,
    /// Release number (release figures).
    pub release: Option<i64>,
    /// Minimum cell size of the release.
    pub min_cell: Option<u64>,
    /// Table id.
    pub table: String,
    /// Analysis id.
    pub analysis: String,
    /// Title.
    pub title: String,
    /// Figure of the report it reproduces.
    pub figure: String,
    /// True: computed on synthetic responses, not real data.
    pub synthetic: bool,
    /// Grouping dimensions.
    pub group_by: Vec<String>,
    /// Respondents behind the figures (absent when a release suppressed the total).
    pub respondents: Option<usize>,
    /// Notes.
    pub notes: Vec<String>,
    /// What these figures are (live or release, synthetic, who may see them).
    pub notice: String,
    /// Rows.
    pub rows: Vec<SurveyRowOut>,
    /// Protected choice tables of a release (every option of the instrument listed).
    pub choices: Vec<SurveyChoiceOut>,
    /// The surveys the caller may see.
    pub surveys: Vec<SurveyRefOut>,
}

/// A survey the caller may see.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SurveyRefOut {
    /// Name.
    pub name: String,
    /// Label (name, release or live, synthetic).
    pub label: String,
    /// `live` or `release`.
    pub source: String,
    /// Release number shown.
    pub release: Option<i64>,
    /// Synthetic answers.
    pub synthetic: bool,
}

// Not `publish::PublishedChoice`: the API has always put `total` before `options`.
/// A published choice table.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SurveyChoiceOut {
    /// Item id.
    pub item: String,
    /// Label.
    pub label: String,
    /// Respondents who answered (absent when suppressed).
    pub total: Option<u64>,
    /// Every option of the instrument.
    pub options: Vec<SurveyOptionOut>,
}

/// One option of a published choice table. Served as the analysis computes it (the same JSON).
pub use mlgov_survey::publish::PublishedOption as SurveyOptionOut;

/// One point of a diffusion curve.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CurvePoint {
    /// Step.
    pub step: usize,
    /// Mean adopters.
    pub mean: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// A diffusion scenario result.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DiffusionOut {
    /// Practice.
    pub practice: Option<EntityRef>,
    /// Model (ic or lt).
    pub model: String,
    /// Scenario.
    pub scenario: String,
    /// Seeds.
    pub seeds: Vec<EntityRef>,
    /// Runs.
    pub runs: usize,
    /// Nodes in the diffusion graph.
    pub nodes: usize,
    /// Mean final adopters.
    pub final_mean: f64,
    /// Standard deviation of the final adopters across runs.
    pub final_sd: f64,
    /// Nodes that can adopt (localities and organisations; networks only relay).
    pub adopter_nodes: usize,
    /// The scenario in words.
    pub scenario_label: String,
    /// Who adopts: nodes other than the initial adopters that adopt in at least one run, most
    /// likely first, with the share of runs in which they do.
    pub adopters: Vec<AdopterOut>,
    /// Curve.
    pub curve: Vec<CurvePoint>,
    /// Notes.
    pub notes: Vec<String>,
}

/// A status-tagged value of a learning profile: a locality attribute or an enabling factor.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearningFactorOut {
    /// What is measured (size class, official with an integration mandate, …).
    pub name: String,
    /// Value; "unknown" when the data say nothing.
    pub value: String,
    /// observed (a sourced statement), assumed (derived by mlgov under a stated assumption),
    /// survey / survey (SYNTHETIC), or not in the data.
    pub status: String,
    /// The source and locator, the assumption made, or why the value is missing.
    pub source: String,
}

/// A tie of a locality in its learning profile.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearningTieOut {
    /// network, international network, vertical, horizontal or NGO bridge.
    pub tie: String,
    /// What it ties to (public label for anonymised localities).
    pub with: EntityRef,
    /// Role, relation kind, scale or reach.
    pub detail: String,
    /// Source and locator of the statement (empty when derived from several statements).
    pub source: String,
}

/// A locality sharing at least one network with the profiled one.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearningPeerOut {
    /// The peer (public label when anonymised).
    pub locality: EntityRef,
    /// The networks shared.
    pub shares: String,
}

/// The policy-learning profile of a locality (Pettrachin 2023): isolation measures, enabling
/// factors and NGO bridges, each value with its source or its status.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LearningOut {
    /// The locality.
    pub locality: EntityRef,
    /// Year the ties are read at.
    pub year: i32,
    /// Size class, typology, political orientation, policy outcome, country.
    pub attributes: Vec<LearningFactorOut>,
    /// Network memberships in force in `year`.
    pub networks: usize,
    /// Of which continental or global.
    pub international: usize,
    /// Of which without a stated scale (so neither international nor domestic is known).
    pub networks_without_scale: usize,
    /// Whether every network it belongs to is local, subnational or national (ties only to
    /// neighbours and compatriots); false when it has no network.
    pub only_domestic_networks: bool,
    /// Ties to regional/national governments, EU institutions, international organisations.
    pub vertical: usize,
    /// Ties to NGOs, civil-society, migrant and religious organisations.
    pub horizontal: usize,
    /// NGOs tied to it that also reach other localities or networks.
    pub ngo_bridges: usize,
    /// Official with an integration mandate, perceived responsibility, public attitudes,
    /// specialist information sources.
    pub enabling: Vec<LearningFactorOut>,
    /// Every tie, with its source.
    pub ties: Vec<LearningTieOut>,
    /// Localities sharing a network.
    pub peers: Vec<LearningPeerOut>,
    /// What the studies found for localities of its class: group-level evidence, not an
    /// observation of this locality.
    pub findings: Vec<LearningFindingOut>,
    /// What is observed, what is assumed.
    pub notes: Vec<String>,
}

/// A study's finding about a class of localities the profiled one belongs to. The analysis's finding, served with its topic in words (`enabling officer`).
pub use mlgov_analysis::learning::GroupFinding as LearningFindingOut;

/// Group-level survey figures for the group a locality belongs to.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SurveyGroupOut {
    /// Grouping dimension(s): size, typology, or `size × typology` in a release.
    pub dimension: String,
    /// The locality's value of it (medium_town, revitalising, …).
    pub value: String,
    /// observed or assumed, as for learning-profile values.
    pub status: String,
    /// Source of the value, or the assumption.
    pub source: String,
    /// Localities of the survey in this group (live figures only).
    pub localities: Option<usize>,
    /// Respondents of the survey in this group (live figures only).
    pub respondents: Option<usize>,
    /// Mean interaction frequency per class of actor in the group, with n, localities and intervals.
    pub rows: Vec<SurveyRowOut>,
}

/// One survey's group figures for a locality.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LocalitySurveyFiguresOut {
    /// Survey name.
    pub survey: String,
    /// Label (name, release or live, synthetic).
    pub label: String,
    /// `live` or `release`.
    pub source: String,
    /// Release number.
    pub release: Option<i64>,
    /// Synthetic answers.
    pub synthetic: bool,
    /// Period of the figures.
    pub period: String,
    /// Respondents from this locality (live figures only; never in a release).
    pub respondents: Option<usize>,
    /// Group-level figures (not answers from this locality).
    pub groups: Vec<SurveyGroupOut>,
    /// What these figures are.
    pub notice: String,
}

/// What the survey data say about a locality: the Whole-COMM report's statements about it and the
/// figures of the groups it belongs to.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LocalitySurveyOut {
    /// The locality (public label when anonymised).
    pub locality: EntityRef,
    /// True when the Whole-COMM report makes statements about it.
    pub whole_comm: bool,
    /// The Whole-COMM report's statements about it (size class, typology, orientation, policy
    /// outcome, …), each with its source.
    pub report: Vec<FactOut>,
    /// What the group figures measure.
    pub measure: String,
    /// Group figures in each survey the caller may see.
    pub surveys: Vec<LocalitySurveyFiguresOut>,
    /// True when there is neither a report statement nor a survey figure to show.
    pub no_data: bool,
    /// Notes: what the figures are and are not.
    pub notes: Vec<String>,
}

/// A list of facts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FactList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<FactOut>,
}

/// A list of office terms.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TermList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<TermOut>,
}

/// A list of relations.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RelationList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<RelationOut>,
}

/// A list of affiliations.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AffiliationList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<AffiliationOut>,
}

/// A local practice that others may adopt (the diffusion model's unit).
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PracticeOut {
    /// `prc:` id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Policy area (reception, housing, …).
    pub policy_area: String,
    /// Originating locality (public label when anonymised).
    pub origin: Option<EntityRef>,
    /// Years it ran.
    pub when: WhenOut,
    /// Actors involved.
    pub actors: Vec<EntityRef>,
    /// Description.
    pub description: Option<String>,
    /// Localities stated to have adopted it.
    pub adopters: usize,
    /// Source.
    pub citation: CitationOut,
    /// Explorer page.
    pub href: String,
}

/// A list of practices.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PracticeList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<PracticeOut>,
}

/// The adoption of a practice by a locality.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct AdoptionOut {
    /// `adp:` id.
    pub id: String,
    /// The practice.
    pub practice: EntityRef,
    /// The adopting locality (public label when anonymised).
    pub locality: EntityRef,
    /// When it was adopted (YYYY, YYYY-MM or YYYY-MM-DD), when the source says.
    pub from: Option<String>,
    /// Source.
    pub citation: CitationOut,
}

/// A list of adoptions.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AdoptionList {
    /// Pagination.
    pub meta: PageMeta,
    /// Items.
    pub items: Vec<AdoptionOut>,
}

/// A practice with its adoptions and the statements about it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PracticeDetail {
    /// The practice.
    pub practice: PracticeOut,
    /// Who adopted it, when, by which source.
    pub adoptions: Vec<AdoptionOut>,
    /// Relations involving it.
    pub relations: Vec<RelationOut>,
    /// Every statement about it, with its source.
    pub citations: Vec<StatementRef>,
}
