//! JSON API handlers under `/api/v1`: typed extraction (with field errors) → snapshot read →
//! analysis function → wire type → JSON. Each handler is documented for the OpenAPI document.

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use mlgov_analysis::tables::CROSSTABS;
use mlgov_domain::*;

use crate::convert::{self, paginate};
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Size-class words accepted by `size` (short and long forms).
pub const SIZES: [&str; 8] = ["rural", "small", "medium", "large", "rural_area", "small_town", "medium_town", "large_city"];
/// Network scales.
pub const SCALES: [&str; 5] = ["local", "subnational", "national", "continental", "global"];

/// Maps a short size word onto the vocabulary.
pub fn size_word(s: &str) -> &'static str {
    match s {
        "rural" | "rural_area" => "rural_area",
        "small" | "small_town" => "small_town",
        "medium" | "medium_town" => "medium_town",
        _ => "large_city",
    }
}

fn name_matches(name: &str, q: &Option<String>) -> bool {
    q.as_ref().is_none_or(|q| {
        let n = fold(name);
        fold(q).split(' ').filter(|w| !w.is_empty()).all(|w| n.contains(w))
    })
}

/// Filters of the locality list.
#[derive(Clone, Debug, Default)]
pub struct LocalityFilter {
    /// Country code.
    pub country: Option<String>,
    /// Size class (vocabulary word).
    pub size: Option<&'static str>,
    /// Member of some network (or of `network`) that year.
    pub year: Option<i32>,
    /// Name contains.
    pub q: Option<String>,
    /// Member of this network (in `year` when given).
    pub network: Option<Id>,
    /// Policy outcome fact (Whole-COMM).
    pub outcome: Option<String>,
}

impl LocalityFilter {
    /// Reads the filters.
    pub fn parse(p: &mut Params) -> LocalityFilter {
        LocalityFilter {
            country: p.string("country").map(|c| c.to_uppercase()),
            size: p.choice("size", &SIZES).map(|s| size_word(&s)),
            year: p.int("year", 1800..=2200).map(|y| y as i32),
            q: p.string("q"),
            network: None,
            outcome: p.string("outcome"),
        }
    }

    /// Reads the filters, resolving `network` (a name, acronym or id) against the base.
    pub fn parse_with(p: &mut Params, s: &Snapshot) -> LocalityFilter {
        let mut f = LocalityFilter::parse(p);
        if let Some(name) = p.string("network") {
            match s.index.resolve(&name, &[IdKind::Network]) {
                Resolution::Found(id) => f.network = Some(id),
                Resolution::Ambiguous(c) => p.error("network", format!("{name:?} is ambiguous: {}", c.iter().map(|(i, d)| format!("{d} ({i})")).collect::<Vec<_>>().join(", "))),
                Resolution::NotFound => p.error("network", format!("no network named {name:?}")),
            }
        }
        f
    }

    /// The matching localities, sorted by name.
    pub fn apply(&self, s: &Snapshot) -> Vec<LocalitySummary> {
        let mut v: Vec<LocalitySummary> = s.kb.localities.iter().filter(|l| {
            self.country.as_ref().is_none_or(|c| c == &l.country)
                && self.size.is_none_or(|z| s.kb.facts_of(&l.id, Property::SizeClass).iter().any(|f| f.value == z))
                && (self.year.is_none() && self.network.is_none()
                    || s.kb.memberships.iter().any(|m| {
                        m.member == l.id
                            && self.network.as_ref().is_none_or(|n| &m.network == n)
                            // In a year: a membership the sources date (an undated one may hold
                            // any year, and is listed apart by the explorer).
                            && self.year.is_none_or(|y| m.when.dated_in(y))
                    }))
                && self.outcome.as_ref().is_none_or(|o| s.kb.facts_of(&l.id, Property::PolicyOutcome).iter().any(|f| &f.value == o))
                && name_matches(l.display_name(), &self.q)
        }).map(|l| convert::locality_summary(s, l)).collect();
        v.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
        v
    }
}

/// Filters of the network list.
#[derive(Clone, Debug, Default)]
pub struct NetworkFilter {
    /// Country fact.
    pub country: Option<String>,
    /// Scale.
    pub scale: Option<String>,
    /// Origin.
    pub origin: Option<String>,
    /// Active that year.
    pub year: Option<i32>,
    /// Name contains.
    pub q: Option<String>,
    /// Computed position class: sponsored, intermediate, militant, unknown.
    pub position: Option<String>,
}

/// Position classes on the sponsored ↔ militant spectrum, in order.
pub const POSITIONS: [&str; 4] = ["sponsored", "intermediate", "militant", "unknown"];

impl NetworkFilter {
    /// Reads the filters.
    pub fn parse(p: &mut Params) -> NetworkFilter {
        NetworkFilter {
            country: p.string("country").map(|c| c.to_uppercase()),
            scale: p.choice("scale", &SCALES),
            origin: p.choice("origin", &["sponsored", "grassroots", "mixed"]),
            year: p.int("year", 1800..=2200).map(|y| y as i32),
            q: p.string("q"),
            position: p.choice("position", &POSITIONS),
        }
    }

    /// The matching networks, sorted by name.
    pub fn apply(&self, s: &Snapshot) -> Vec<NetworkSummary> {
        let year_of = |id: &Id, p: Property| s.kb.facts_of(id, p).first().and_then(|f| PartialDate::parse(&f.value).ok()).map(|d| d.year);
        let mut v: Vec<NetworkSummary> = s.kb.networks.iter().filter(|n| {
            let has = |p: Property, v: &str| s.kb.facts_of(&n.id, p).iter().any(|f| f.value.eq_ignore_ascii_case(v));
            self.country.as_ref().is_none_or(|c| has(Property::Country, c))
                && self.scale.as_ref().is_none_or(|c| has(Property::Scale, c))
                && self.origin.as_ref().is_none_or(|c| has(Property::Origin, c))
                && self.year.is_none_or(|y| year_of(&n.id, Property::Founded).is_none_or(|a| a <= y) && year_of(&n.id, Property::Ended).is_none_or(|b| b >= y))
                && (name_matches(&n.name, &self.q) || n.acronym.as_deref().is_some_and(|a| name_matches(a, &self.q)))
        }).map(|n| convert::network_summary(s, n)).filter(|n| self.position.as_ref().is_none_or(|p| &n.class == p)).collect();
        v.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)));
        v
    }
}

/// Counts of the knowledge base.
#[utoipa::path(get, path = "/api/v1", operation_id = "get_overview", tag = "knowledge base",
    responses((status = 200, body = Overview), (status = 304, description = "Not modified (ETag)")))]
pub async fn get_overview(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<Overview> {
    Params::parse(q.as_deref()).finish()?;
    Ok(Json(convert::overview(&st.snapshot())))
}

/// Localities with filters and pagination.
#[utoipa::path(get, path = "/api/v1/localities", operation_id = "list_localities", tag = "entities",
    params(
        ("page" = Option<u32>, Query, description = "Page, from 1"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1..=200 (default 50)"),
        ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-2 code"),
        ("size" = Option<String>, Query, description = "rural, small, medium, large (or rural_area, small_town, medium_town, large_city)"),
        ("year" = Option<i32>, Query, description = "Member of a network (or of `network`) that year, by a dated membership"),
        ("network" = Option<String>, Query, description = "Member of this network (name, acronym or id), in `year` when given"),
        ("outcome" = Option<String>, Query, description = "Whole-COMM policy outcome fact"),
        ("q" = Option<String>, Query, description = "Name contains (accent-insensitive)"),
    ),
    responses((status = 200, body = LocalityList), (status = 400, body = ErrorBody)))]
pub async fn list_localities(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<LocalityList> {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    let f = LocalityFilter::parse_with(&mut p, &s);
    p.finish()?;
    let (meta, items) = paginate(f.apply(&s), page, per);
    Ok(Json(LocalityList { meta, items }))
}

/// One locality with facts, memberships, terms, phases, events and citations.
#[utoipa::path(get, path = "/api/v1/localities/{id}", operation_id = "get_locality", tag = "entities",
    params(("id" = String, Path, description = "Locality id, with or without the `loc:` prefix")),
    responses((status = 200, body = LocalityDetail), (status = 404, body = ErrorBody)))]
pub async fn get_locality(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<LocalityDetail> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Locality)?;
    Ok(Json(convert::locality_detail(&s, &id)))
}

/// A locality's memberships, terms, phases and events by year.
#[utoipa::path(get, path = "/api/v1/localities/{id}/timeline", operation_id = "get_locality_timeline", tag = "analyses",
    params(("id" = String, Path, description = "Locality id")),
    responses((status = 200, body = TimelineOut), (status = 404, body = ErrorBody)))]
pub async fn get_timeline(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<TimelineOut> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Locality)?;
    Ok(Json(convert::timeline(&s, &id)))
}

/// Participation by year, computed phases and the phases the sources name.
#[utoipa::path(get, path = "/api/v1/localities/{id}/trajectory", operation_id = "get_locality_trajectory", tag = "analyses",
    params(("id" = String, Path, description = "Locality id"), ("until" = Option<i32>, Query, description = "Last year for open memberships (default 2020)")),
    responses((status = 200, body = TrajectoryOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_trajectory(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<TrajectoryOut> {
    let mut p = Params::parse(q.as_deref());
    let until = p.int("until", 1900..=2100).unwrap_or(2020) as i32;
    p.finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Locality)?;
    Ok(Json(convert::trajectory_out(&s, &id, until)))
}

/// Networks with filters and pagination.
#[utoipa::path(get, path = "/api/v1/networks", operation_id = "list_networks", tag = "entities",
    params(
        ("page" = Option<u32>, Query, description = "Page, from 1"),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1..=200 (default 50)"),
        ("country" = Option<String>, Query, description = "Country fact (ISO code)"),
        ("scale" = Option<String>, Query, description = "local, subnational, national, continental, global"),
        ("origin" = Option<String>, Query, description = "sponsored, grassroots, mixed"),
        ("position" = Option<String>, Query, description = "computed position on the sponsored ↔ militant spectrum: sponsored, intermediate, militant, unknown"),
        ("year" = Option<i32>, Query, description = "Active that year (founded ≤ year ≤ ended)"),
        ("q" = Option<String>, Query, description = "Name or acronym contains"),
    ),
    responses((status = 200, body = NetworkList), (status = 400, body = ErrorBody)))]
pub async fn list_networks(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<NetworkList> {
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    let f = NetworkFilter::parse(&mut p);
    p.finish()?;
    let (meta, items) = paginate(f.apply(&st.snapshot()), page, per);
    Ok(Json(NetworkList { meta, items }))
}

/// One network with members, sponsored ↔ militant traits and assemblage.
#[utoipa::path(get, path = "/api/v1/networks/{id}", operation_id = "get_network", tag = "entities",
    params(("id" = String, Path, description = "Network id, with or without the `net:` prefix")),
    responses((status = 200, body = NetworkDetail), (status = 404, body = ErrorBody)))]
pub async fn get_network(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<NetworkDetail> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Network)?;
    Ok(Json(convert::network_detail(&s, &id)))
}

/// A network's power assemblage.
#[utoipa::path(get, path = "/api/v1/networks/{id}/assemblage", operation_id = "get_network_assemblage", tag = "analyses",
    params(("id" = String, Path, description = "Network id")),
    responses((status = 200, body = AssemblageOut), (status = 404, body = ErrorBody)))]
pub async fn get_assemblage(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<AssemblageOut> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Network)?;
    Ok(Json(convert::assemblage_out(&s, &id)))
}

/// Every network on the sponsored ↔ militant spectrum.
#[utoipa::path(get, path = "/api/v1/typology", operation_id = "list_typology", tag = "analyses",
    responses((status = 200, body = TypologyList)))]
pub async fn list_typology(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<TypologyList> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    Ok(Json(TypologyList { networks: s.kb.networks.iter().map(|n| convert::typology_out(&s, &n.id)).collect() }))
}

/// Organisations.
#[utoipa::path(get, path = "/api/v1/organisations", operation_id = "list_organisations", tag = "entities",
    params(("page" = Option<u32>, Query, description = "Page"), ("per_page" = Option<u32>, Query, description = "Items per page"),
        ("country" = Option<String>, Query, description = "ISO code"), ("kind" = Option<String>, Query, description = "Organisation kind"),
        ("q" = Option<String>, Query, description = "Name contains")),
    responses((status = 200, body = OrganisationList), (status = 400, body = ErrorBody)))]
pub async fn list_organisations(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<OrganisationList> {
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    let country = p.string("country").map(|c| c.to_uppercase());
    let kind = p.choice("kind", OrganisationKind::ALL);
    let name = p.string("q");
    p.finish()?;
    let s = st.snapshot();
    let mut v: Vec<OrganisationSummary> = s.kb.organisations.iter().filter(|o| {
        country.as_ref().is_none_or(|c| o.country.as_ref() == Some(c)) && kind.as_ref().is_none_or(|k| o.kind.as_str() == k) && name_matches(&o.name, &name)
    }).map(convert::organisation_summary).collect();
    v.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)));
    let (meta, items) = paginate(v, page, per);
    Ok(Json(OrganisationList { meta, items }))
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", operation_id = "get_organisation", tag = "entities",
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = ActorDetail), (status = 404, body = ErrorBody)))]
pub async fn get_organisation(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<ActorDetail> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Organisation)?;
    Ok(Json(convert::actor_detail(&s, &id)))
}

/// Persons.
#[utoipa::path(get, path = "/api/v1/persons", operation_id = "list_persons", tag = "entities",
    params(("page" = Option<u32>, Query, description = "Page"), ("per_page" = Option<u32>, Query, description = "Items per page"),
        ("q" = Option<String>, Query, description = "Name contains")),
    responses((status = 200, body = PersonList), (status = 400, body = ErrorBody)))]
pub async fn list_persons(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<PersonList> {
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    let name = p.string("q");
    p.finish()?;
    let s = st.snapshot();
    let mut v: Vec<PersonSummary> = s.kb.persons.iter().filter(|x| name_matches(&x.name, &name)).map(|x| convert::person_summary(&s, x)).collect();
    v.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)));
    let (meta, items) = paginate(v, page, per);
    Ok(Json(PersonList { meta, items }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/persons/{id}", operation_id = "get_person", tag = "entities",
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, body = ActorDetail), (status = 404, body = ErrorBody)))]
pub async fn get_person(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<ActorDetail> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Person)?;
    Ok(Json(convert::actor_detail(&s, &id)))
}

/// Events.
#[utoipa::path(get, path = "/api/v1/events", operation_id = "list_events", tag = "entities",
    params(("page" = Option<u32>, Query, description = "Page"), ("per_page" = Option<u32>, Query, description = "Items per page"),
        ("year" = Option<i32>, Query, description = "In progress that year"), ("country" = Option<String>, Query, description = "ISO code")),
    responses((status = 200, body = EventList), (status = 400, body = ErrorBody)))]
pub async fn list_events(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<EventList> {
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    let year = p.int("year", 1800..=2200).map(|y| y as i32);
    let country = p.string("country").map(|c| c.to_uppercase());
    p.finish()?;
    let s = st.snapshot();
    let mut es: Vec<&Event> = s.kb.events.iter().filter(|e| year.is_none_or(|y| e.when.contains_year(y)) && country.as_ref().is_none_or(|c| e.country.as_ref() == Some(c))).collect();
    es.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    let (meta, items) = paginate(es.into_iter().map(|e| convert::event(&s, e)).collect(), page, per);
    Ok(Json(EventList { meta, items }))
}

/// Memberships with filters.
#[utoipa::path(get, path = "/api/v1/memberships", operation_id = "list_memberships", tag = "entities",
    params(("page" = Option<u32>, Query, description = "Page"), ("per_page" = Option<u32>, Query, description = "Items per page"),
        ("network" = Option<String>, Query, description = "Network id"), ("member" = Option<String>, Query, description = "Member id"),
        ("year" = Option<i32>, Query, description = "In force that year"), ("country" = Option<String>, Query, description = "Country of the member locality")),
    responses((status = 200, body = MembershipList), (status = 400, body = ErrorBody)))]
pub async fn list_memberships(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<MembershipList> {
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    let network = p.string("network");
    let member = p.string("member");
    let year = p.int("year", 1800..=2200).map(|y| y as i32);
    let country = p.string("country").map(|c| c.to_uppercase());
    p.finish()?;
    let s = st.snapshot();
    let mut ms: Vec<&Membership> = s.kb.memberships.iter().filter(|m| {
        network.as_ref().is_none_or(|n| m.network.as_str() == n || m.network.body() == n)
            && member.as_ref().is_none_or(|n| m.member.as_str() == n || m.member.body() == n)
            && year.is_none_or(|y| m.when.contains_year(y))
            && country.as_ref().is_none_or(|c| s.kb.localities.iter().any(|l| l.id == m.member && &l.country == c))
    }).collect();
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    let (meta, items) = paginate(ms.into_iter().map(|m| convert::membership(&s, m)).collect(), page, per);
    Ok(Json(MembershipList { meta, items }))
}

/// Sources with the number of statements citing each.
#[utoipa::path(get, path = "/api/v1/sources", operation_id = "list_sources", tag = "sources",
    params(("page" = Option<u32>, Query, description = "Page"), ("per_page" = Option<u32>, Query, description = "Items per page")),
    responses((status = 200, body = SourceList), (status = 400, body = ErrorBody)))]
pub async fn list_sources(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<SourceList> {
    let mut p = Params::parse(q.as_deref());
    let (page, per) = p.pagination(50);
    p.finish()?;
    let s = st.snapshot();
    let (meta, items) = paginate(s.kb.sources.iter().map(|x| convert::source_summary(&s, x)).collect(), page, per);
    Ok(Json(SourceList { meta, items }))
}

/// A source and every statement that cites it.
#[utoipa::path(get, path = "/api/v1/sources/{id}", operation_id = "get_source", tag = "sources",
    params(("id" = String, Path, description = "Source id")),
    responses((status = 200, body = SourceDetail), (status = 404, body = ErrorBody)))]
pub async fn get_source(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> ApiResult<SourceDetail> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Source)?;
    Ok(Json(convert::source_detail(&s, &id)))
}

/// Accent-insensitive search over localities, networks, organisations and persons.
#[utoipa::path(get, path = "/api/v1/search", operation_id = "search_entities", tag = "knowledge base",
    params(("q" = String, Query, description = "Words to find (accent- and case-insensitive; \"st\" means \"saint\"; when few names contain them, names within a typo or two are returned, marked `typo`)"),
        ("kind" = Option<String>, Query, description = "locality, network, organisation or person"),
        ("limit" = Option<u32>, Query, description = "1..=100 (default 20)")),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody)))]
pub async fn search(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<SearchResults> {
    let mut p = Params::parse(q.as_deref());
    let query = p.string("q");
    let kind = p.choice("kind", &["locality", "network", "organisation", "person"]);
    let limit = p.int("limit", 1..=100).unwrap_or(20) as usize;
    if query.is_none() {
        p.error("q", "is required: the words to search for");
    }
    p.finish()?;
    let s = st.snapshot();
    Ok(Json(search_results(&s, &query.unwrap_or_default(), kind.as_deref(), limit)))
}

/// Search, shared with the search page.
pub fn search_results(s: &Snapshot, q: &str, kind: Option<&str>, limit: usize) -> SearchResults {
    let kinds: Vec<IdKind> = match kind {
        Some("locality") => vec![IdKind::Locality],
        Some("network") => vec![IdKind::Network],
        Some("organisation") => vec![IdKind::Organisation],
        Some("person") => vec![IdKind::Person],
        _ => vec![IdKind::Locality, IdKind::Network, IdKind::Organisation, IdKind::Person],
    };
    let hits = s.index.search(q, &kinds, limit);
    SearchResults {
        query: q.to_string(),
        hits: hits.into_iter().map(|h| SearchHitOut { kind: h.kind.noun().to_string(), name: s.name(&h.id), score: h.score, typo: h.typo, href: convert::href(&h.id).unwrap_or_default(), id: h.id.to_string() }).collect(),
    }
}

/// Localities side by side.
#[utoipa::path(get, path = "/api/v1/compare", operation_id = "compare_localities", tag = "analyses",
    params(("localities" = String, Query, description = "Two or more locality names or ids, comma-separated"),
        ("table3" = Option<bool>, Query, description = "Only the memberships of Table 3 of Caponio & Clément 2020")),
    responses((status = 200, body = CompareOut), (status = 400, body = ErrorBody)))]
pub async fn compare(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<CompareOut> {
    let mut p = Params::parse(q.as_deref());
    let names = p.string("localities");
    let table3 = p.bool("table3").unwrap_or(false);
    let s = st.snapshot();
    let ids = resolve_localities(&s, &mut p, names.as_deref());
    p.finish()?;
    Ok(Json(convert::compare(&s, &ids, table3)))
}

/// Resolves a comma-separated list of locality names (at least two).
pub fn resolve_localities(s: &Snapshot, p: &mut Params, names: Option<&str>) -> Vec<Id> {
    let Some(names) = names else {
        p.error("localities", "is required: two or more locality names or ids, comma-separated");
        return Vec::new();
    };
    let mut ids = Vec::new();
    for n in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match s.index.resolve(n, &[IdKind::Locality]) {
            Resolution::Found(id) => ids.push(id),
            Resolution::Ambiguous(c) => p.error("localities", format!("{n:?} is ambiguous: {}", c.iter().map(|(i, d)| format!("{d} ({i})")).collect::<Vec<_>>().join(", "))),
            Resolution::NotFound => p.error("localities", format!("no locality named {n:?}")),
        }
    }
    if ids.len() < 2 && !names.is_empty() {
        p.error("localities", "give at least two localities");
    }
    ids
}

/// The Whole-COMM cross-tabs.
#[utoipa::path(get, path = "/api/v1/crosstabs", operation_id = "list_crosstabs", tag = "analyses",
    responses((status = 200, body = CrossTabList)))]
pub async fn list_crosstabs(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<CrossTabList> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    Ok(Json(CrossTabList { crosstabs: CROSSTABS.iter().map(|c| convert::crosstab(&s, c)).collect() }))
}

/// One cross-tab by name.
#[utoipa::path(get, path = "/api/v1/crosstabs/{name}", operation_id = "get_crosstab", tag = "analyses",
    params(("name" = String, Path, description = "outcome-by-size, outcome-by-typology or outcome-by-orientation")),
    responses((status = 200, body = CrossTabOut), (status = 404, body = ErrorBody)))]
pub async fn get_crosstab(State(st): State<AppState>, Path(name): Path<String>, RawQuery(q): RawQuery) -> ApiResult<CrossTabOut> {
    Params::parse(q.as_deref()).finish()?;
    let spec = CROSSTABS.iter().find(|c| c.name == name).ok_or_else(|| {
        ApiError::NotFound(format!("no cross-tab {name:?}; expected one of: {}", CROSSTABS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")))
    })?;
    Ok(Json(convert::crosstab(&st.snapshot(), spec)))
}

/// Countries: policy configurations and counts.
#[utoipa::path(get, path = "/api/v1/countries", operation_id = "list_countries", tag = "analyses",
    responses((status = 200, body = CountryList)))]
pub async fn list_countries(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<CountryList> {
    Params::parse(q.as_deref()).finish()?;
    Ok(Json(convert::countries(&st.snapshot())))
}

/// Trajectory phases as the sources name them.
#[utoipa::path(get, path = "/api/v1/phases", operation_id = "list_phases", tag = "analyses",
    responses((status = 200, body = PhaseList)))]
pub async fn list_phases(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<PhaseList> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let mut ps: Vec<&Phase> = s.kb.phases.iter().collect();
    ps.sort_by(|a, b| a.locality.cmp(&b.locality).then(a.when.cmp(&b.when)).then(a.id.cmp(&b.id)));
    Ok(Json(PhaseList { phases: ps.into_iter().map(|p| convert::phase(&s, p)).collect() }))
}

/// Hypotheses H1 and H2 of Lacroix, Furri & Hombert 2022.
#[utoipa::path(get, path = "/api/v1/hypotheses", operation_id = "get_hypotheses", tag = "analyses",
    params(("window" = Option<i32>, Query, description = "H1 look-back window in years (default 5)"),
        ("min_cso" = Option<u32>, Query, description = "H2 civil-society organisations for a dense ecosystem (default 2)")),
    responses((status = 200, body = HypothesesOut), (status = 400, body = ErrorBody)))]
pub async fn get_hypotheses(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<HypothesesOut> {
    let mut p = Params::parse(q.as_deref());
    let window = p.int("window", 0..=50).unwrap_or(5) as i32;
    let min_cso = p.int("min_cso", 0..=100).unwrap_or(2) as usize;
    p.finish()?;
    Ok(Json(convert::hypotheses_out(&st.snapshot(), window, min_cso)))
}

/// Statements that disagree, each with its source.
#[utoipa::path(get, path = "/api/v1/conflicts", operation_id = "list_conflicts", tag = "sources",
    responses((status = 200, body = ConflictList)))]
pub async fn list_conflicts(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<ConflictList> {
    Params::parse(q.as_deref()).finish()?;
    Ok(Json(convert::conflicts(&st.snapshot())))
}

/// Reloads the knowledge base from the database (admin only).
///
/// A reload costs a full read of the store, so it is not open to anonymous clients: send an
/// admin's API token (`Authorization: Bearer …`) or session cookie.
#[utoipa::path(post, path = "/api/v1/reload", operation_id = "reload_store", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = ReloadOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub async fn reload(State(st): State<AppState>, who: Option<axum::Extension<mlgov_auth::Principal>>) -> ApiResult<ReloadOut> {
    // Without the auth layer (a bare `app()`) nobody is authenticated.
    let who = who.map_or_else(mlgov_auth::Principal::anonymous, |e| e.0);
    if !who.is_authenticated() {
        return Err(ApiError::Unauthenticated("reloading the store needs an admin account (session or API token)".into()));
    }
    if !who.may(mlgov_auth::policy::Action::Write, mlgov_auth::policy::Resource::PublishedPages, None) {
        return Err(ApiError::Forbidden(format!("{} may not reload the store (admin only)", who.role)));
    }
    let st2 = st.clone();
    let reloaded = tokio::task::spawn_blocking(move || st2.reload()).await.map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(ReloadOut { reloaded, version: format!("{:016x}", st.snapshot().content_hash) }))
}

/// A comparison request body.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CompareRequest {
    /// Locality names or ids (two or more).
    pub localities: Vec<String>,
    /// Only Table 3 memberships.
    #[serde(default)]
    pub table3: bool,
}

/// Localities side by side, the list given in a JSON body (422 when a name does not resolve).
#[utoipa::path(post, path = "/api/v1/compare", operation_id = "compare_localities_body", tag = "analyses",
    request_body = CompareRequest,
    responses((status = 200, body = CompareOut), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn compare_body(State(st): State<AppState>, body: axum::body::Bytes) -> ApiResult<CompareOut> {
    let req: CompareRequest = serde_json::from_slice(&body).map_err(|e| ApiError::field("body", format!("not a valid JSON request: {e}")))?;
    let s = st.snapshot();
    let mut p = Params::parse(None);
    let joined = req.localities.join(",");
    let ids = resolve_localities(&s, &mut p, Some(&joined));
    if let Err(ApiError::BadRequest(fields)) = p.finish() {
        return Err(ApiError::InvalidData("the localities do not resolve to two or more known localities".into(), fields));
    }
    Ok(Json(convert::compare(&s, &ids, req.table3)))
}

/// Located, named localities as GeoJSON (RFC 7946; WGS84 points; attributes as properties) for
/// QGIS, geopandas and web maps. Anonymised localities are never placed.
#[utoipa::path(get, path = "/api/v1/localities.geojson", operation_id = "localities_geojson", tag = "entities",
    params(("network" = Option<String>, Query, description = "Only members of this network (id or name)"),
        ("year" = Option<i32>, Query, description = "Only memberships running that year (with network)"),
        ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-2 country")),
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = serde_json::Value), (status = 400, body = ErrorBody)))]
pub async fn localities_geojson(State(st): State<AppState>, RawQuery(q): RawQuery) -> Result<axum::response::Response, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let network = p.string("network");
    let year = p.int("year", -3000..=3000).map(|y| y as i32);
    let country = p.string("country").map(|c| c.to_uppercase());
    p.finish()?;
    let s = st.snapshot();
    let network = match network {
        Some(n) => Some(match s.index.resolve(&n, &[IdKind::Network]) {
            Resolution::Found(id) => id,
            _ => return Err(ApiError::field("network", format!("no network named {n:?}"))),
        }),
        None => None,
    };
    Ok(geojson_response(&s, network, year, country))
}

/// A network's located member localities as GeoJSON.
#[utoipa::path(get, path = "/api/v1/networks/{id}/members.geojson", operation_id = "network_members_geojson", tag = "entities",
    params(("id" = String, Path, description = "Network id"), ("year" = Option<i32>, Query, description = "Only memberships running that year")),
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = serde_json::Value), (status = 404, body = ErrorBody)))]
pub async fn network_members_geojson(State(st): State<AppState>, axum::extract::Path(raw): axum::extract::Path<String>, RawQuery(q): RawQuery) -> Result<axum::response::Response, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let year = p.int("year", -3000..=3000).map(|y| y as i32);
    p.finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &raw, IdKind::Network)?;
    Ok(geojson_response(&s, Some(id), year, None))
}

fn geojson_response(s: &Snapshot, network: Option<Id>, year: Option<i32>, country: Option<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let title = match &network {
        Some(n) => format!("Members of {}{}", s.name(n), year.map(|y| format!(" in {y}")).unwrap_or_default()),
        None => "Localities".into(),
    };
    let filter = mlgov_analysis::places::PlaceFilter { network, year, country };
    let places = mlgov_analysis::places::located(&s.kb, &filter);
    let body = mlgov_analysis::places::geojson(&s.kb, &places, &title).to_string();
    ([(axum::http::header::CONTENT_TYPE, "application/geo+json")], body).into_response()
}
