//! JSON API handlers under `/api/v1`: typed extraction (with field errors) → snapshot read →
//! analysis function → wire type → JSON. Each handler is documented for the OpenAPI document.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use mlgov_analysis::tables::CROSSTABS;
use mlgov_domain::*;
use serde::Serialize;

use crate::convert;
use crate::error::{ApiError, ErrorBody, blocking};
use crate::listing::{self, ListQuery, ListSpec};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

type ApiResult<T> = Result<Json<T>, ApiError>;
type ListResult = Result<Response, ApiError>;

/// The parts of a request a list reads: its URI (page links keep its other parameters), its
/// headers (`Accept: text/csv`) and its query.
pub struct ListArgs {
    uri: Uri,
    headers: HeaderMap,
    query: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ListArgs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().map(str::to_string);
        Ok(ListArgs { uri: parts.uri.clone(), headers: parts.headers.clone(), query })
    }
}

/// What every list handler starts from: the snapshot, the query's parameters (the filters still
/// to read from `p`) and the list's own options (page, sort, format: read first).
struct ListRequest {
    s: Arc<Snapshot>,
    p: Params,
    list: ListQuery,
    uri: Uri,
}

impl ListRequest {
    fn new(st: &AppState, spec: &'static ListSpec, args: ListArgs) -> ListRequest {
        let mut p = Params::parse(args.query.as_deref());
        let list = ListQuery::parse(spec, &mut p, &args.headers);
        ListRequest { s: st.snapshot(), p, list, uri: args.uri }
    }

    /// An entity filter (see [`entity_param`]).
    fn entity(&mut self, name: &'static str, kinds: &[IdKind]) -> Option<Id> {
        entity_param(&mut self.p, &self.s, name, kinds)
    }

    /// The `year` filter.
    fn year(&mut self) -> Option<i32> {
        self.p.int("year", 1800..=2200).map(|y| y as i32)
    }

    /// The `year` and `source` filters of a list of dated statements.
    fn held(&mut self) -> Held {
        Held { year: self.year(), source: self.p.string("source") }
    }

    /// Ends the parameters (a 400 listing every problem); the snapshot and the list's answer.
    fn finish(self) -> Result<(Arc<Snapshot>, ListAnswer), ApiError> {
        self.p.finish()?;
        Ok((self.s, ListAnswer { list: self.list, uri: self.uri }))
    }
}

/// The `year` and `source` filters of a list of dated statements (office terms, affiliations).
struct Held {
    year: Option<i32>,
    source: Option<String>,
}

impl Held {
    /// Whether a statement holding `when`, citing `citation`, is kept: dated in `year`, citing
    /// `source` (each when given).
    fn keeps(&self, when: &Interval, citation: &Citation) -> bool {
        self.year.is_none_or(|y| when.dated_in(y)) && cites(citation, self.source.as_deref())
    }
}

/// The answer of a list request: a page of JSON (with its `Link` header) or CSV of every item.
struct ListAnswer {
    list: ListQuery,
    uri: Uri,
}

impl ListAnswer {
    /// Items already converted (see [`ListQuery::respond`]).
    fn items<T: Serialize + Default, B: Serialize>(
        &self,
        items: Vec<T>,
        body: impl FnOnce(PageMeta, Vec<T>) -> B,
    ) -> ListResult {
        Ok(self.list.respond(&self.uri, items, body))
    }

    /// Records still to convert (see [`ListQuery::respond_with`]).
    fn records<R, T: Serialize + Default, B: Serialize>(
        &self,
        records: Vec<R>,
        convert: impl Fn(R) -> T,
        body: impl FnOnce(PageMeta, Vec<T>) -> B,
    ) -> ListResult {
        Ok(self.list.respond_with(&self.uri, records, convert, body))
    }
}

/// The records of a table that `keep` keeps, in the table's order.
fn kept<R>(all: &[R], keep: impl Fn(&R) -> bool) -> Vec<&R> {
    all.iter().filter(|r| keep(r)).collect()
}

/// `v` sorted by `order` (stable).
fn sorted<T>(mut v: Vec<T>, order: impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
    v.sort_by(order);
    v
}

/// Whether `v` is the id a filter wants (any, without the filter).
fn is(want: &Option<Id>, v: &Id) -> bool {
    want.as_ref().is_none_or(|x| x == v)
}

/// Whether `v` is the word a filter wants (any, without the filter).
fn is_str(want: &Option<String>, v: &str) -> bool {
    want.as_deref().is_none_or(|x| x == v)
}

/// The message for a name that several entities answer to.
fn ambiguous(name: &str, candidates: &[(Id, String)]) -> String {
    let c: Vec<String> = candidates.iter().map(|(i, d)| format!("{d} ({i})")).collect();
    format!("{name:?} is ambiguous: {}", c.join(", "))
}

/// The snapshot and the entity a path names (`/localities/{id}`): 404 when there is none.
pub(crate) fn path_entity(
    st: &AppState,
    raw: &str,
    kind: IdKind,
) -> Result<(Arc<Snapshot>, Id), ApiError> {
    let s = st.snapshot();
    let id = convert::path_id(&s, raw, kind)?;
    Ok((s, id))
}

use mlgov_analysis::filter::{
    EventFilter, MembershipFilter, NetworkNames, ORIGINS, OpenEvent, OrganisationFilter, cites,
    name_has_words, size_class,
};
pub use mlgov_analysis::filter::{LocalityFilter, NetworkFilter, POSITIONS, SCALES, SIZES};

/// Reads the locality list's filters (what they keep is `mlgov_analysis::filter`).
pub fn locality_filter(p: &mut Params) -> LocalityFilter {
    LocalityFilter {
        country: p.string("country").map(|c| c.to_uppercase()),
        size: p.choice("size", &SIZES).and_then(|s| size_class(&s)),
        year: p.int("year", 1800..=2200).map(|y| y as i32),
        q: p.string("q"),
        outcome: p.string("outcome"),
        ..LocalityFilter::default()
    }
}

/// Reads the locality list's filters, resolving `network` (a name, acronym or id) against the base.
pub fn locality_filter_with(p: &mut Params, s: &Snapshot) -> LocalityFilter {
    let mut f = locality_filter(p);
    if let Some(name) = p.string("network") {
        match s.index.resolve(&name, &[IdKind::Network]) {
            Resolution::Found(id) => f.network = Some(id),
            Resolution::Ambiguous(c) => p.error("network", ambiguous(&name, &c)),
            Resolution::NotFound => p.error("network", format!("no network named {name:?}")),
        }
    }
    f
}

/// The localities `f` keeps, sorted by name (from the snapshot's list, [`crate::derived`]).
pub fn localities(s: &Snapshot, f: &LocalityFilter) -> Vec<LocalitySummary> {
    let m = f.matcher(&s.kb);
    s.derived()
        .localities
        .iter()
        .filter(|row| m.matches(&s.kb.localities[row.at], &row.folded))
        .map(|row| row.summary.clone())
        .collect()
}

/// Reads the network list's filters.
pub fn network_filter(p: &mut Params) -> NetworkFilter {
    NetworkFilter {
        country: p.string("country").map(|c| c.to_uppercase()),
        scale: p.choice("scale", &SCALES),
        origin: p.choice("origin", &ORIGINS),
        year: p.int("year", 1800..=2200).map(|y| y as i32),
        q: p.string("q"),
        position: p.choice("position", &POSITIONS),
    }
}

/// The networks `f` keeps, sorted by name (from the snapshot's list, [`crate::derived`]).
pub fn networks(s: &Snapshot, f: &NetworkFilter) -> Vec<NetworkSummary> {
    s.derived()
        .networks
        .iter()
        .filter(|row| {
            f.matches(
                &s.kb,
                &s.kb.networks[row.at],
                &NetworkNames {
                    folded: &row.folded,
                    folded_acronym: row.folded_acronym.as_deref(),
                    class: &row.summary.class,
                },
            )
        })
        .map(|row| row.summary.clone())
        .collect()
}

/// Counts of the knowledge base.
#[utoipa::path(get, path = "/api/v1", operation_id = "get_overview", tag = "knowledge base",
    responses((status = 200, description = "Counts of the knowledge base and its version", body = Overview), (status = 304, description = "Not modified (ETag)")))]
pub async fn get_overview(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<Overview> {
    Params::parse(q.as_deref()).finish()?;
    Ok(Json(convert::overview(&st.snapshot())))
}

/// Localities with filters and pagination.
#[utoipa::path(get, path = "/api/v1/localities", operation_id = "list_localities", tag = "entities",
    params(
        ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-2 code"),
        ("size" = Option<String>, Query, description = "rural, small, medium, large (or rural_area, small_town, medium_town, large_city)"),
        ("year" = Option<i32>, Query, description = "Member of a network (or of `network`) that year, by a dated membership"),
        ("network" = Option<String>, Query, description = "Member of this network (name, acronym or id), in `year` when given"),
        ("outcome" = Option<String>, Query, description = "Whole-COMM policy outcome fact"),
        ("q" = Option<String>, Query, description = "Name contains (accent-insensitive)"),
    ),
    responses((status = 200, description = "A page of localities, or CSV of all that match", body = LocalityList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_localities(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::LOCALITIES, args);
    let f = locality_filter_with(&mut r.p, &r.s);
    let (s, answer) = r.finish()?;
    answer.items(localities(&s, &f), |meta, items| LocalityList { meta, items })
}

/// One locality with facts, memberships, terms, phases, events and citations.
#[utoipa::path(get, path = "/api/v1/localities/{id}", operation_id = "get_locality", tag = "entities",
    params(("id" = String, Path, description = "Locality id, with or without the `loc:` prefix")),
    responses((status = 200, description = "The locality with its sourced statements", body = LocalityDetail), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_locality(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<LocalityDetail> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Locality)?;
    Ok(Json(convert::locality_detail(&s, &id)))
}

/// A locality's memberships, terms, phases and events by year.
#[utoipa::path(get, path = "/api/v1/localities/{id}/timeline", operation_id = "get_locality_timeline", tag = "analyses",
    params(("id" = String, Path, description = "Locality id")),
    responses((status = 200, description = "The locality's time line", body = TimelineOut), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_timeline(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<TimelineOut> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Locality)?;
    Ok(Json(convert::timeline(&s, &id)))
}

/// Participation by year, computed phases and the phases the sources name.
#[utoipa::path(get, path = "/api/v1/localities/{id}/trajectory", operation_id = "get_locality_trajectory", tag = "analyses",
    params(("id" = String, Path, description = "Locality id"), ("until" = Option<i32>, Query, description = "Last year for open memberships (default 2020)")),
    responses((status = 200, description = "Participation by year, computed and named phases", body = TrajectoryOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_trajectory(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<TrajectoryOut> {
    let mut p = Params::parse(q.as_deref());
    let until = p.int("until", 1900..=2100).unwrap_or(2020) as i32;
    p.finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Locality)?;
    Ok(Json(convert::trajectory_out(&s, &id, until)))
}

/// Networks with filters and pagination.
#[utoipa::path(get, path = "/api/v1/networks", operation_id = "list_networks", tag = "entities",
    params(
        ("country" = Option<String>, Query, description = "Country fact (ISO code)"),
        ("scale" = Option<String>, Query, description = "local, subnational, national, continental, global"),
        ("origin" = Option<String>, Query, description = "sponsored, grassroots, mixed"),
        ("position" = Option<String>, Query, description = "computed position on the sponsored ↔ militant spectrum: sponsored, intermediate, militant, unknown"),
        ("year" = Option<i32>, Query, description = "Active that year (founded ≤ year ≤ ended)"),
        ("q" = Option<String>, Query, description = "Name or acronym contains"),
    ),
    responses((status = 200, description = "A page of networks, or CSV of all that match", body = NetworkList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_networks(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::NETWORKS, args);
    let f = network_filter(&mut r.p);
    let (s, answer) = r.finish()?;
    answer.items(networks(&s, &f), |meta, items| NetworkList { meta, items })
}

/// One network with members, sponsored ↔ militant traits and assemblage.
#[utoipa::path(get, path = "/api/v1/networks/{id}", operation_id = "get_network", tag = "entities",
    params(("id" = String, Path, description = "Network id, with or without the `net:` prefix")),
    responses((status = 200, description = "The network with its members, traits and assemblage", body = NetworkDetail), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_network(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<NetworkDetail> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Network)?;
    Ok(Json(convert::network_detail(&s, &id)))
}

/// A network's power assemblage.
#[utoipa::path(get, path = "/api/v1/networks/{id}/assemblage", operation_id = "get_network_assemblage", tag = "analyses",
    params(("id" = String, Path, description = "Network id")),
    responses((status = 200, description = "The network's power assemblage", body = AssemblageOut), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_assemblage(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<AssemblageOut> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Network)?;
    Ok(Json(convert::assemblage_out(&s, &id)))
}

/// Every network on the sponsored ↔ militant spectrum.
#[utoipa::path(get, path = "/api/v1/typology", operation_id = "list_typology", tag = "analyses",
    responses((status = 200, description = "Every network on the sponsored ↔ militant spectrum", body = TypologyList)))]
pub async fn list_typology(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<TypologyList> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    Ok(Json(TypologyList {
        networks: s.kb.networks.iter().map(|n| convert::typology_out(&s, &n.id)).collect(),
    }))
}

/// Organisations.
#[utoipa::path(get, path = "/api/v1/organisations", operation_id = "list_organisations", tag = "entities",
    params(("country" = Option<String>, Query, description = "ISO code"), ("kind" = Option<String>, Query, description = "Organisation kind"),
        ("q" = Option<String>, Query, description = "Name contains (accent-insensitive)")),
    responses((status = 200, description = "A page of organisations, or CSV of all that match", body = OrganisationList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_organisations(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::ORGANISATIONS, args);
    let f = OrganisationFilter {
        country: r.p.string("country").map(|c| c.to_uppercase()),
        kind: r.p.choice("kind", OrganisationKind::ALL),
        q: r.p.string("q"),
    };
    let (s, answer) = r.finish()?;
    let mut v: Vec<OrganisationSummary> =
        s.kb.organisations
            .iter()
            .filter(|o| f.matches(o))
            .map(convert::organisation_summary)
            .collect();
    v.sort_by_key(|a| fold(&a.name));
    answer.items(v, |meta, items| OrganisationList { meta, items })
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", operation_id = "get_organisation", tag = "entities",
    params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, description = "The organisation or person with its statements", body = ActorDetail), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_organisation(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<ActorDetail> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Organisation)?;
    Ok(Json(convert::actor_detail(&s, &id)))
}

/// Persons.
#[utoipa::path(get, path = "/api/v1/persons", operation_id = "list_persons", tag = "entities",
    params(("q" = Option<String>, Query, description = "Name contains (accent-insensitive)")),
    responses((status = 200, description = "A page of persons, or CSV of all that match", body = PersonList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_persons(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::PERSONS, args);
    let name = r.p.string("q");
    let (s, answer) = r.finish()?;
    let mut v: Vec<PersonSummary> =
        kept(&s.kb.persons, |x| name_has_words(&x.name, name.as_deref()))
            .into_iter()
            .map(|x| convert::person_summary(&s, x))
            .collect();
    v.sort_by_key(|a| fold(&a.name));
    answer.items(v, |meta, items| PersonList { meta, items })
}

/// One person.
#[utoipa::path(get, path = "/api/v1/persons/{id}", operation_id = "get_person", tag = "entities",
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, description = "The organisation or person with its statements", body = ActorDetail), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_person(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<ActorDetail> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Person)?;
    Ok(Json(convert::actor_detail(&s, &id)))
}

/// Events.
#[utoipa::path(get, path = "/api/v1/events", operation_id = "list_events", tag = "entities",
    params(("year" = Option<i32>, Query, description = "In progress that year"), ("country" = Option<String>, Query, description = "ISO code")),
    responses((status = 200, description = "A page of events, or CSV of all that match", body = EventList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_events(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::EVENTS, args);
    let f = EventFilter {
        year: r.year(),
        country: r.p.string("country").map(|c| c.to_uppercase()),
        open: OpenEvent::InProgress,
    };
    let (s, answer) = r.finish()?;
    let es = sorted(kept(&s.kb.events, |e| f.matches(e)), |a, b| {
        a.when.cmp(&b.when).then(a.id.cmp(&b.id))
    });
    answer.records(es, |e| convert::event(&s, e), |meta, items| EventList { meta, items })
}

/// Memberships with filters.
#[utoipa::path(get, path = "/api/v1/memberships", operation_id = "list_memberships", tag = "entities",
    params(("network" = Option<String>, Query, description = "Network id"), ("member" = Option<String>, Query, description = "Member id"),
        ("year" = Option<i32>, Query, description = "In force that year"), ("country" = Option<String>, Query, description = "Country of the member locality"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)")),
    responses((status = 200, description = "A page of memberships, or CSV of all that match", body = MembershipList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_memberships(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::MEMBERSHIPS, args);
    let f = MembershipFilter {
        network: r.p.string("network"),
        member: r.p.string("member"),
        year: r.year(),
        country: r.p.string("country").map(|c| c.to_uppercase()),
        source: r.p.string("source"),
    };
    let (s, answer) = r.finish()?;
    // A network or member given by id narrows the candidates by lookup; without one, every
    // membership, already in the list's order (computed once per snapshot).
    let (candidates, sorted): (Vec<&Membership>, bool) = match f.candidates(&s.kb) {
        Some(c) => (c, false),
        None => (
            s.derived()
                .memberships_by_date(&s)
                .iter()
                .map(|&i| &s.kb.memberships[i as usize])
                .collect(),
            true,
        ),
    };
    let mut ms: Vec<&Membership> = candidates.into_iter().filter(|m| f.matches(&s.kb, m)).collect();
    if !sorted {
        ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    }
    answer.records(ms, |m| convert::membership(&s, m), |meta, items| MembershipList { meta, items })
}

/// Sources with the number of statements citing each.
#[utoipa::path(get, path = "/api/v1/sources", operation_id = "list_sources", tag = "sources",
    responses((status = 200, description = "A page of sources, or CSV of all of them", body = SourceList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_sources(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let (s, answer) = ListRequest::new(&st, &listing::SOURCES, args).finish()?;
    let v = s.kb.sources.iter().map(|x| convert::source_summary(&s, x)).collect();
    answer.items(v, |meta, items| SourceList { meta, items })
}

/// A source and the statements that cite it, a page at a time (a source of a large registry is
/// cited by a million statements; `/api/v1/facts?source=`, `/api/v1/memberships?source=`… filter
/// the statements themselves).
#[utoipa::path(get, path = "/api/v1/sources/{id}", operation_id = "get_source", tag = "sources",
    params(("id" = String, Path, description = "Source id"),
        ("page" = Option<u32>, Query, description = "Page of the citing statements, 1-based (default 1)"),
        ("per_page" = Option<u32>, Query, description = "Citing statements per page, 1..=1000 (default 1000)")),
    responses((status = 200, description = "The source and a page of the statements citing it", body = SourceDetail), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<SourceDetail> {
    let mut p = Params::parse(q.as_deref());
    let page = p.int("page", 1..=1_000_000).unwrap_or(1) as usize;
    let per_page = p.int("per_page", 1..=1000).unwrap_or(1000) as usize;
    p.finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Source)?;
    Ok(Json(convert::source_detail_page(&s, &id, page, per_page)))
}

/// Accent-insensitive search over localities, networks, organisations and persons.
#[utoipa::path(get, path = "/api/v1/search", operation_id = "search_entities", tag = "knowledge base",
    params(("q" = String, Query, description = "Words to find (accent- and case-insensitive; \"st\" means \"saint\"; when few names contain them, names within a typo or two are returned, marked `typo`)"),
        ("kind" = Option<String>, Query, description = "locality, network, organisation or person"),
        ("limit" = Option<u32>, Query, description = "1..=100 (default 20)")),
    responses((status = 200, description = "Matching entities, best first", body = SearchResults), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody)))]
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
        hits: hits
            .into_iter()
            .map(|h| SearchHitOut {
                kind: h.kind.noun().to_string(),
                name: s.name(&h.id),
                score: h.score,
                typo: h.typo,
                href: convert::href(&h.id).unwrap_or_default(),
                id: h.id.to_string(),
            })
            .collect(),
    }
}

/// Localities side by side.
#[utoipa::path(get, path = "/api/v1/compare", operation_id = "compare_localities", tag = "analyses",
    params(("localities" = String, Query, description = "Two or more locality names or ids, comma-separated"),
        ("table3" = Option<bool>, Query, description = "Only the memberships of Table 3 of Caponio & Clément 2020")),
    responses((status = 200, description = "The localities side by side", body = CompareOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody)))]
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
            Resolution::Ambiguous(c) => p.error("localities", ambiguous(n, &c)),
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
    responses((status = 200, description = "Every Whole-COMM cross-tab", body = CrossTabList)))]
pub async fn list_crosstabs(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<CrossTabList> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    Ok(Json(CrossTabList {
        crosstabs: CROSSTABS.iter().map(|c| convert::crosstab(&s, c)).collect(),
    }))
}

/// One cross-tab by name.
#[utoipa::path(get, path = "/api/v1/crosstabs/{name}", operation_id = "get_crosstab", tag = "analyses",
    params(("name" = String, Path, description = "outcome-by-size, outcome-by-typology or outcome-by-orientation")),
    responses((status = 200, description = "The cross-tab", body = CrossTabOut), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_crosstab(
    State(st): State<AppState>,
    Path(name): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<CrossTabOut> {
    Params::parse(q.as_deref()).finish()?;
    let spec = CROSSTABS.iter().find(|c| c.name == name).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no cross-tab {name:?}; expected one of: {}",
            CROSSTABS.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
        ))
    })?;
    Ok(Json(convert::crosstab(&st.snapshot(), spec)))
}

/// Countries: policy configurations and counts.
#[utoipa::path(get, path = "/api/v1/countries", operation_id = "list_countries", tag = "analyses",
    responses((status = 200, description = "Every country of the base (not paginated), or CSV", body = CountryList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_countries(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let (s, answer) = ListRequest::new(&st, &listing::COUNTRIES, args).finish()?;
    answer.items(convert::countries(&s).countries, |_, countries| CountryList { countries })
}

/// Trajectory phases as the sources name them.
#[utoipa::path(get, path = "/api/v1/phases", operation_id = "list_phases", tag = "analyses",
    params(("locality" = Option<String>, Query, description = "Only this locality's (name or id)")),
    responses((status = 200, description = "Every named phase (not paginated), or CSV", body = PhaseList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_phases(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::PHASES, args);
    let locality = r.entity("locality", &[IdKind::Locality]);
    let (s, answer) = r.finish()?;
    let ps = sorted(kept(&s.kb.phases, |x| is(&locality, &x.locality)), |a, b| {
        a.locality.cmp(&b.locality).then(a.when.cmp(&b.when)).then(a.id.cmp(&b.id))
    });
    answer.records(ps, |p| convert::phase(&s, p), |_, phases| PhaseList { phases })
}

/// Hypotheses H1 and H2 of Lacroix, Furri & Hombert 2022.
#[utoipa::path(get, path = "/api/v1/hypotheses", operation_id = "get_hypotheses", tag = "analyses",
    params(("window" = Option<i32>, Query, description = "H1 look-back window in years (default 5)"),
        ("min_cso" = Option<u32>, Query, description = "H2 civil-society organisations for a dense ecosystem (default 2)")),
    responses((status = 200, description = "H1 and H2 checked on the data", body = HypothesesOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody)))]
pub async fn get_hypotheses(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<HypothesesOut> {
    let mut p = Params::parse(q.as_deref());
    let window = p.int("window", 0..=50).unwrap_or(5) as i32;
    let min_cso = p.int("min_cso", 0..=100).unwrap_or(2) as usize;
    p.finish()?;
    Ok(Json(convert::hypotheses_out(&st.snapshot(), window, min_cso)))
}

/// Statements that disagree, each with its source.
#[utoipa::path(get, path = "/api/v1/conflicts", operation_id = "list_conflicts", tag = "sources",
    responses((status = 200, description = "Every group of statements that disagree", body = ConflictList)))]
pub async fn list_conflicts(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<ConflictList> {
    Params::parse(q.as_deref()).finish()?;
    Ok(Json(convert::conflicts(&st.snapshot())))
}

/// Reloads the knowledge base from the database (admin only).
///
/// A reload costs a full read of the store, so it is not open to anonymous clients: send an
/// admin's API token (`Authorization: Bearer …`) or session cookie.
#[utoipa::path(post, path = "/api/v1/reload", operation_id = "reload_store", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The store was read again", body = ReloadOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody),
        (status = 413, description = "Request body too large", body = ErrorBody), (status = 500, description = "Internal error", body = ErrorBody)))]
pub async fn reload(
    State(st): State<AppState>,
    who: Option<axum::Extension<mlgov_auth::Principal>>,
) -> ApiResult<ReloadOut> {
    // Without the auth layer (a bare `app()`) nobody is authenticated.
    let who = who.map_or_else(mlgov_auth::Principal::anonymous, |e| e.0);
    if !who.is_authenticated() {
        return Err(ApiError::Unauthenticated(
            "reloading the store needs an admin account (session or API token)".into(),
        ));
    }
    if !who.may(
        mlgov_auth::policy::Action::Write,
        mlgov_auth::policy::Resource::PublishedPages,
        None,
    ) {
        return Err(ApiError::Forbidden(format!(
            "{} may not reload the store (admin only)",
            who.role
        )));
    }
    let st2 = st.clone();
    let reloaded = blocking(move || Ok(st2.reload()?)).await?;
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
    responses((status = 200, description = "The localities side by side", body = CompareOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 413, description = "Request body too large", body = ErrorBody), (status = 422, description = "Well-formed but invalid data", body = ErrorBody)))]
pub async fn compare_body(
    State(st): State<AppState>,
    body: axum::body::Bytes,
) -> ApiResult<CompareOut> {
    let req: CompareRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::field("body", format!("not a valid JSON request: {e}")))?;
    let s = st.snapshot();
    let mut p = Params::parse(None);
    let joined = req.localities.join(",");
    let ids = resolve_localities(&s, &mut p, Some(&joined));
    if let Err(ApiError::BadRequest(fields)) = p.finish() {
        return Err(ApiError::InvalidData(
            "the localities do not resolve to two or more known localities".into(),
            fields,
        ));
    }
    Ok(Json(convert::compare(&s, &ids, req.table3)))
}

/// Located, named localities as GeoJSON (RFC 7946; WGS84 points; attributes as properties) for
/// QGIS, geopandas and web maps. Anonymised localities are never placed.
#[utoipa::path(get, path = "/api/v1/localities.geojson", operation_id = "localities_geojson", tag = "entities",
    params(("network" = Option<String>, Query, description = "Only members of this network (id or name)"),
        ("year" = Option<i32>, Query, description = "Only memberships running that year (with network)"),
        ("country" = Option<String>, Query, description = "ISO 3166-1 alpha-2 country")),
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = serde_json::Value), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody)))]
pub async fn localities_geojson(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<axum::response::Response, ApiError> {
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
    responses((status = 200, description = "A GeoJSON FeatureCollection", content_type = "application/geo+json", body = serde_json::Value), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn network_members_geojson(
    State(st): State<AppState>,
    axum::extract::Path(raw): axum::extract::Path<String>,
    RawQuery(q): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let year = p.int("year", -3000..=3000).map(|y| y as i32);
    p.finish()?;
    let (s, id) = path_entity(&st, &raw, IdKind::Network)?;
    Ok(geojson_response(&s, Some(id), year, None))
}

fn geojson_response(
    s: &Snapshot,
    network: Option<Id>,
    year: Option<i32>,
    country: Option<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let title = match &network {
        Some(n) => format!(
            "Members of {}{}",
            s.name(n),
            year.map(|y| format!(" in {y}")).unwrap_or_default()
        ),
        None => "Localities".into(),
    };
    let filter = mlgov_analysis::places::PlaceFilter { network, year, country };
    let places = mlgov_analysis::places::located(&s.kb, &filter);
    let body = serde_json::to_vec(&mlgov_analysis::places::geojson(&s.kb, &places, &title))
        .expect("GeoJSON serialises");
    ([(axum::http::header::CONTENT_TYPE, "application/geo+json")], body).into_response()
}

/// Reads an entity parameter of one of `kinds`: an id (with or without its prefix when one kind
/// is expected), `country:XX` where countries are accepted, or a name (accent-insensitive;
/// anonymised localities only by their public label). An unknown or ambiguous name is a problem
/// of the field.
fn entity_param(p: &mut Params, s: &Snapshot, name: &'static str, kinds: &[IdKind]) -> Option<Id> {
    let raw = p.string(name)?;
    let mut candidates = vec![raw.clone()];
    if let [kind] = kinds {
        candidates.push(format!("{}{raw}", kind.prefix()));
    }
    if let Some(id) = candidates.iter().find_map(|c| {
        Id::parse_kind(c, kinds).ok().filter(|id| s.exists(id) || id.kind() == IdKind::Country)
    }) {
        return Some(id);
    }
    match s.index.resolve(&raw, kinds) {
        Resolution::Found(id) => Some(id),
        Resolution::Ambiguous(c) => {
            p.error(name, ambiguous(&raw, &c));
            None
        }
        Resolution::NotFound => {
            p.error(
                name,
                format!(
                    "no {} named {raw:?}",
                    kinds.iter().map(|k| k.noun()).collect::<Vec<_>>().join(" or ")
                ),
            );
            None
        }
    }
}

/// Every kind of entity a statement may be about.
const ENTITIES: [IdKind; 8] = [
    IdKind::Locality,
    IdKind::Network,
    IdKind::Organisation,
    IdKind::Person,
    IdKind::Event,
    IdKind::Practice,
    IdKind::Source,
    IdKind::Country,
];

/// Facts (typed statements about an entity: size class, policy outcome, founding date, …), each
/// with its source and locator.
#[utoipa::path(get, path = "/api/v1/facts", operation_id = "list_facts", tag = "statements",
    params(
        ("subject" = Option<String>, Query, description = "What the facts are about: an id (`loc:turin`, `country:IT`) or a name"),
        ("property" = Option<String>, Query, description = "Property (size_class, policy_outcome, founded, scale, …)"),
        ("value" = Option<String>, Query, description = "Value as stated (exact)"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)"),
    ),
    responses((status = 200, description = "A page of facts, or CSV of all that match", body = FactList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_facts(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::FACTS, args);
    let subject = r.entity("subject", &ENTITIES);
    let property = r.p.choice("property", Property::ALL);
    let value = r.p.string("value");
    let source = r.p.string("source");
    let (s, answer) = r.finish()?;
    let keep = |f: &Fact| {
        is(&subject, &f.subject)
            && is_str(&property, f.property.as_str())
            && is_str(&value, &f.value)
            && cites(&f.citation, source.as_deref())
            && convert::fact_shown(&s, f)
    };
    let fs = sorted(kept(&s.kb.facts, keep), |a, b| {
        (&a.subject, &a.property, &a.when, &a.id).cmp(&(&b.subject, &b.property, &b.when, &b.id))
    });
    answer.records(fs, |f| convert::fact(&s, f), |meta, items| FactList { meta, items })
}

/// Office terms (mayors, deputy mayors, …) with party, orientation and source.
#[utoipa::path(get, path = "/api/v1/terms", operation_id = "list_terms", tag = "statements",
    params(
        ("person" = Option<String>, Query, description = "Office holder (id or name)"),
        ("locality" = Option<String>, Query, description = "Locality (id or name)"),
        ("office" = Option<String>, Query, description = "Office (mayor, deputy_mayor, …)"),
        ("year" = Option<i32>, Query, description = "In office that year (a dated term)"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)"),
    ),
    responses((status = 200, description = "A page of office terms, or CSV of all that match", body = TermList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_terms(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::TERMS, args);
    let person = r.entity("person", &[IdKind::Person]);
    let locality = r.entity("locality", &[IdKind::Locality]);
    let office = r.p.choice("office", Office::ALL);
    let held = r.held();
    let (s, answer) = r.finish()?;
    let keep = |t: &Term| {
        is(&person, &t.person)
            && is(&locality, &t.locality)
            && is_str(&office, t.office.as_str())
            && held.keeps(&t.when, &t.citation)
    };
    let ts = sorted(kept(&s.kb.terms, keep), |a, b| {
        (&a.locality, &a.when, &a.id).cmp(&(&b.locality, &b.when, &b.id))
    });
    answer.records(ts, |t| convert::term(&s, t), |meta, items| TermList { meta, items })
}

/// Typed relations between entities (funds, sponsors, partners_with, …) with their source.
#[utoipa::path(get, path = "/api/v1/relations", operation_id = "list_relations", tag = "statements",
    params(
        ("subject" = Option<String>, Query, description = "Subject (id or name)"),
        ("object" = Option<String>, Query, description = "Object (id or name)"),
        ("entity" = Option<String>, Query, description = "Either end (id or name)"),
        ("kind" = Option<String>, Query, description = "Relation kind"),
        ("network" = Option<String>, Query, description = "A network at either end (id, name or acronym)"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)"),
    ),
    responses((status = 200, description = "A page of relations, or CSV of all that match", body = RelationList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_relations(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::RELATIONS, args);
    let subject = r.entity("subject", &ENTITIES);
    let object = r.entity("object", &ENTITIES);
    let entity = r.entity("entity", &ENTITIES);
    let kind = r.p.choice("kind", RelationKind::ALL);
    let network = r.entity("network", &[IdKind::Network]);
    let source = r.p.string("source");
    let (s, answer) = r.finish()?;
    let either = |want: &Option<Id>, x: &Relation| is(want, &x.subject) || is(want, &x.object);
    let keep = |x: &Relation| {
        is(&subject, &x.subject)
            && is(&object, &x.object)
            && either(&entity, x)
            && either(&network, x)
            && is_str(&kind, x.kind.as_str())
            && cites(&x.citation, source.as_deref())
    };
    let rs = sorted(kept(&s.kb.relations, keep), |a, b| {
        (&a.subject, &a.when, &a.id).cmp(&(&b.subject, &b.when, &b.id))
    });
    answer.records(rs, |x| convert::relation(&s, x), |meta, items| RelationList { meta, items })
}

/// Affiliations of persons with organisations, localities or networks, with their source.
#[utoipa::path(get, path = "/api/v1/affiliations", operation_id = "list_affiliations", tag = "statements",
    params(
        ("person" = Option<String>, Query, description = "Person (id or name)"),
        ("organisation" = Option<String>, Query, description = "Organisation, locality or network (id or name)"),
        ("year" = Option<i32>, Query, description = "Held that year (a dated affiliation)"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)"),
    ),
    responses((status = 200, description = "A page of affiliations, or CSV of all that match", body = AffiliationList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_affiliations(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::AFFILIATIONS, args);
    let person = r.entity("person", &[IdKind::Person]);
    let organisation =
        r.entity("organisation", &[IdKind::Organisation, IdKind::Locality, IdKind::Network]);
    let held = r.held();
    let (s, answer) = r.finish()?;
    let keep = |a: &Affiliation| {
        is(&person, &a.person)
            && is(&organisation, &a.organisation)
            && held.keeps(&a.when, &a.citation)
    };
    let v = sorted(kept(&s.kb.affiliations, keep), |a, b| {
        (&a.person, &a.when, &a.id).cmp(&(&b.person, &b.when, &b.id))
    });
    answer.records(
        v,
        |a| convert::affiliation(&s, a),
        |meta, items| AffiliationList { meta, items },
    )
}

/// Local practices (the units of policy diffusion), with origin, actors and number of adopters.
#[utoipa::path(get, path = "/api/v1/practices", operation_id = "list_practices", tag = "statements",
    params(
        ("origin" = Option<String>, Query, description = "Originating locality (id or name)"),
        ("adopter" = Option<String>, Query, description = "Adopted by this locality (id or name)"),
        ("policy_area" = Option<String>, Query, description = "Policy area (reception, housing, …)"),
        ("q" = Option<String>, Query, description = "Title contains (accent-insensitive)"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)"),
    ),
    responses((status = 200, description = "A page of practices, or CSV of all that match", body = PracticeList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_practices(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::PRACTICES, args);
    let origin = r.entity("origin", &[IdKind::Locality]);
    let adopter = r.entity("adopter", &[IdKind::Locality]);
    let area = r.p.string("policy_area");
    let title = r.p.string("q");
    let source = r.p.string("source");
    let (s, answer) = r.finish()?;
    let adopted_by = |x: &Practice, l: &Id| {
        s.kb.adoptions.iter().any(|a| a.practice == x.id && &a.locality == l)
    };
    let keep = |x: &Practice| {
        origin.as_ref().is_none_or(|o| x.origin.as_ref() == Some(o))
            && adopter.as_ref().is_none_or(|l| adopted_by(x, l))
            && area.as_ref().is_none_or(|a| x.policy_area.eq_ignore_ascii_case(a))
            && name_has_words(&x.title, title.as_deref())
            && cites(&x.citation, source.as_deref())
    };
    let v = sorted(kept(&s.kb.practices, keep), |a, b| {
        fold(&a.title).cmp(&fold(&b.title)).then(a.id.cmp(&b.id))
    });
    answer.records(v, |x| convert::practice(&s, x), |meta, items| PracticeList { meta, items })
}

/// One practice with who adopted it (each adoption with its source) and the statements about it.
#[utoipa::path(get, path = "/api/v1/practices/{id}", operation_id = "get_practice", tag = "statements",
    params(("id" = String, Path, description = "Practice id, with or without the `prc:` prefix")),
    responses((status = 200, description = "The practice", body = PracticeDetail), (status = 400, description = "Invalid parameters", body = ErrorBody), (status = 404, description = "No such practice", body = ErrorBody)))]
pub async fn get_practice(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<PracticeDetail> {
    Params::parse(q.as_deref()).finish()?;
    let (s, id) = path_entity(&st, &id, IdKind::Practice)?;
    Ok(Json(convert::practice_detail(&s, &id)))
}

/// Adoptions of practices by localities (what the diffusion models start from), with their source.
#[utoipa::path(get, path = "/api/v1/adoptions", operation_id = "list_adoptions", tag = "statements",
    params(
        ("practice" = Option<String>, Query, description = "Practice (`prc:` id, with or without the prefix)"),
        ("locality" = Option<String>, Query, description = "Adopting locality (id or name)"),
        ("year" = Option<i32>, Query, description = "Adopted that year"),
        ("source" = Option<String>, Query, description = "Cited source (`src:` id, with or without the prefix)"),
    ),
    responses((status = 200, description = "A page of adoptions, or CSV of all that match", body = AdoptionList), (status = 400, description = "Invalid parameters", body = ErrorBody)))]
pub async fn list_adoptions(State(st): State<AppState>, args: ListArgs) -> ListResult {
    let mut r = ListRequest::new(&st, &listing::ADOPTIONS, args);
    let practice = r.entity("practice", &[IdKind::Practice]);
    let locality = r.entity("locality", &[IdKind::Locality]);
    let year = r.year();
    let source = r.p.string("source");
    let (s, answer) = r.finish()?;
    let keep = |a: &Adoption| {
        is(&practice, &a.practice)
            && is(&locality, &a.locality)
            && year.is_none_or(|y| a.from.is_some_and(|d| d.year == y))
            && cites(&a.citation, source.as_deref())
    };
    let from = |a: &Adoption| a.from.map(|d| (d.year, d.month, d.day));
    let v = sorted(kept(&s.kb.adoptions, keep), |a, b| {
        (&a.practice, from(a), &a.id).cmp(&(&b.practice, from(b), &b.id))
    });
    answer.records(v, |a| convert::adoption(&s, a), |meta, items| AdoptionList { meta, items })
}
