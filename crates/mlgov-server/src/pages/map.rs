//! The map page: points, regions and countries coloured by membership, with their tables.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{RawQuery, State};
use mlgov_domain::{Id, IdKind, fold};
use serde::Serialize;

use crate::convert;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

use super::download::{download_param, finish};
use super::model::{
    Form, Page, Section, Table, Widget, link, n, opt, section, select, t, table, yr,
};
use super::render::PageResult;

/// How the map colours its points (`colour=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MapColour {
    /// Member of the chosen network in the selected year, or in other years only.
    Network,
    /// The most militant position among the locality's networks (in the selected year).
    Position,
    /// The locality's policy outcome (latest statement).
    Outcome,
}

impl MapColour {
    const ALL: [&'static str; 3] = ["position", "network", "outcome"];

    fn id(self) -> &'static str {
        match self {
            MapColour::Network => "network",
            MapColour::Position => "position",
            MapColour::Outcome => "outcome",
        }
    }
}

/// What the map shows: the filters and the colouring (the page's `network`, `year`, `colour`).
#[derive(Clone, Debug)]
pub(super) struct MapQuery {
    pub(super) network: Option<Id>,
    pub(super) year: Option<i32>,
    pub(super) colour: MapColour,
    /// `colour=network` was asked for without a network: coloured by position instead.
    pub(super) colour_fallback: bool,
    /// Points carry only the memberships of `network` (a base larger than [`MAP_POINTS_LIMIT`]).
    pub(super) trim_spells: bool,
}

/// Localities above which the map shows one network at a time.
pub(super) const MAP_POINTS_LIMIT: usize = 2_000;

/// One membership of a point's locality, as the widget's tooltip lists it.
#[derive(Clone, Debug, Serialize)]
struct MapSpell {
    id: String,
    name: String,
    from: Option<i32>,
    to: Option<i32>,
    role: String,
    /// −1 sponsored … +1 militant, when the typology knows it.
    position: Option<f64>,
    /// sponsored / intermediate / militant / unknown.
    class: String,
    /// In force in the selected year (always true without a year).
    in_year: bool,
}

/// A located, named locality on the map.
#[derive(Clone, Debug, Serialize)]
struct MapPoint {
    id: String,
    name: String,
    lat: f64,
    lon: f64,
    href: Option<String>,
    country: String,
    subdivision: Option<String>,
    population: Option<u64>,
    /// accommodative / mixed / restrictive (latest statement), if any.
    outcome: Option<String>,
    networks: Vec<MapSpell>,
    /// Colour class (a key of the legend).
    key: String,
    /// The colour class in words, for this locality.
    label: String,
}

/// Anonymised localities counted in one ISO 3166-2 region: nothing finer ever leaves the server.
#[derive(Clone, Debug, Serialize)]
struct MapRegion {
    code: String,
    name: String,
    count: usize,
    /// Approximate outline, (longitude, latitude) pairs.
    outline: Vec<(f64, f64)>,
}

/// Counts per country.
#[derive(Clone, Debug, Default, Serialize)]
struct MapCountry {
    country: String,
    /// Localities shown (named and anonymised).
    localities: usize,
    /// Points on the map.
    located: usize,
    /// Anonymised localities counted in a shaded region.
    in_regions: usize,
    /// Anonymised localities counted at country level only (their region has no outline).
    country_only: usize,
    /// Named localities without coordinates.
    unlocated: usize,
}

/// A colour class of the legend.
#[derive(Clone, Debug, Serialize)]
struct MapClass {
    key: &'static str,
    label: String,
    count: usize,
}

/// Everything the map widget draws, and the tables under it are made from.
#[derive(Clone, Debug, Serialize)]
pub(super) struct MapView {
    colour: &'static str,
    network: Option<EntityRef>,
    year: Option<i32>,
    /// How the colour is decided, in words (shown in the legend).
    rule: String,
    classes: Vec<MapClass>,
    points: Vec<MapPoint>,
    regions: Vec<MapRegion>,
    countries: Vec<MapCountry>,
    /// Zoom to the points rather than to Europe.
    fit: bool,
    attribution: [&'static str; 2],
}

const NATURAL_EARTH: &str = "Boundaries: Natural Earth (world-atlas, public domain)";

/// The colour classes of each colouring, in legend order.
fn map_classes(c: MapColour, year: Option<i32>) -> Vec<(&'static str, String)> {
    let in_year = year.map(|y| format!(" in {y}")).unwrap_or_default();
    match c {
        MapColour::Network => match year {
            Some(y) => vec![
                ("member", format!("member in {y}")),
                ("other_years", format!("member in other years, not in {y}")),
            ],
            None => vec![("member", "member (at some time)".into())],
        },
        MapColour::Position => vec![
            ("militant", "militant (position ≥ +0.5)".into()),
            ("intermediate", "intermediate (−0.5 < position < +0.5)".into()),
            ("sponsored", "sponsored (position ≤ −0.5)".into()),
            ("unknown", "networks without a known position".into()),
            ("none", format!("no network membership recorded{in_year}")),
        ],
        MapColour::Outcome => vec![
            ("accommodative", "accommodative".into()),
            ("mixed", "mixed".into()),
            ("restrictive", "restrictive".into()),
            ("none", "no policy outcome in the data".into()),
        ],
    }
}

/// The map's data: points for the located, named localities (never an anonymised one), region
/// counts for the anonymised ones, and country counts. Filters: with `colour=network`, the
/// members of the network at any time (the year decides the colour); otherwise the members of the
/// network (in the year, when given) and, with a year, localities with a membership in force that
/// year — the memberships' years as `/api/v1/memberships?year=` reads them
/// ([`mlgov_domain::Interval::contains_year`]).
pub(super) fn map_view(s: &Snapshot, q: &MapQuery) -> MapView {
    use mlgov_domain::Property;
    let kb = &s.kb;
    // Positions and classes of the networks, computed once per snapshot.
    let typology: HashMap<&Id, (Option<f64>, String)> = s
        .derived()
        .networks
        .iter()
        .map(|r| (&kb.networks[r.at].id, (r.position, r.summary.class.clone())))
        .collect();
    let in_year = |m: &mlgov_domain::Membership| q.year.is_none_or(|y| m.when.contains_year(y));
    let (candidates, by_member) = candidates(kb, q);
    let classes = map_classes(q.colour, q.year);
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut points = Vec::new();
    let mut regions: BTreeMap<String, MapRegion> = BTreeMap::new();
    let mut countries: BTreeMap<String, MapCountry> = BTreeMap::new();
    for l in candidates.iter().copied().filter(|l| shown(q, &by_member, l)) {
        let c = countries
            .entry(l.country.clone())
            .or_insert_with(|| MapCountry { country: l.country.clone(), ..MapCountry::default() });
        c.localities += 1;
        let place = kb.place(&l.id);
        if l.anonymised {
            // Only the count of its region (or of its country) leaves the server.
            count_anonymised(c, &mut regions, place.as_ref());
            continue;
        }
        let Some((lat, lon, place)) = place.and_then(|p| Some((p.lat?, p.lon?, p))) else {
            c.unlocated += 1;
            continue;
        };
        c.located += 1;
        let ms = by_member.get(&l.id).map(Vec::as_slice).unwrap_or(&[]);
        let spells = spells_of(s, ms, &typology, &in_year);
        let outcome = kb.facts_of(&l.id, Property::PolicyOutcome).last().map(|f| f.value.clone());
        let (key, label) = point_class(q, &spells, outcome.as_deref(), &classes);
        *counts.entry(key).or_default() += 1;
        points.push(MapPoint {
            id: l.id.to_string(),
            name: l.display_name().to_string(),
            lat,
            lon,
            href: convert::href(&l.id),
            country: l.country.clone(),
            subdivision: place.subdivision.clone(),
            population: place.population,
            outcome,
            networks: spells,
            key: key.to_string(),
            label,
        });
    }
    points.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
    let rule = map_rule(s, q, &points);
    MapView {
        colour: q.colour.id(),
        network: q.network.as_ref().map(|n| convert::eref(s, n)),
        year: q.year,
        rule,
        classes: classes
            .into_iter()
            .map(|(key, label)| MapClass {
                key,
                label,
                count: counts.get(key).copied().unwrap_or(0),
            })
            .collect(),
        points,
        regions: regions.into_values().collect(),
        countries: countries.into_values().collect(),
        fit: q.network.is_some(),
        attribution: [mlgov_gazetteer::ATTRIBUTION, NATURAL_EARTH],
    }
}

/// Whether the map shows a candidate: with `colour=network`, every member of the network; else
/// the members of the network in the year, or with a year, those with a membership in force.
fn shown(q: &MapQuery, by_member: &MembershipsOf<'_>, l: &mlgov_domain::Locality) -> bool {
    let in_year = |m: &mlgov_domain::Membership| q.year.is_none_or(|y| m.when.contains_year(y));
    let ms = by_member.get(&l.id).map(Vec::as_slice).unwrap_or(&[]);
    match (&q.network, q.colour) {
        (Some(n), MapColour::Network) => ms.iter().any(|m| &m.network == n),
        (Some(n), _) => ms.iter().any(|m| &m.network == n && in_year(m)),
        (None, _) => q.year.is_none() || ms.iter().any(|m| in_year(m)),
    }
}

/// Each locality's memberships, by its id.
type MembershipsOf<'k> = HashMap<&'k Id, Vec<&'k mlgov_domain::Membership>>;

/// The localities the map may show, each with its memberships: with a network, only its members
/// are candidates; each locality's memberships by lookup.
fn candidates<'k>(
    kb: &'k mlgov_domain::KnowledgeBase,
    q: &MapQuery,
) -> (Vec<&'k mlgov_domain::Locality>, MembershipsOf<'k>) {
    let candidates: Vec<&mlgov_domain::Locality> = match &q.network {
        Some(n) => {
            let members: std::collections::HashSet<&Id> =
                kb.memberships_in(n).into_iter().map(|m| &m.member).collect();
            kb.localities.iter().filter(|l| members.contains(&l.id)).collect()
        }
        None => kb.localities.iter().collect(),
    };
    let by_member: HashMap<&Id, Vec<&mlgov_domain::Membership>> = candidates
        .iter()
        .map(|l| {
            let mut ms = kb.memberships_of(&l.id);
            // A large base keeps, per point, only the memberships of the network shown: the page
            // must not grow with the base.
            if q.trim_spells {
                ms.retain(|m| q.network.as_ref().is_none_or(|n| &m.network == n));
            }
            (&l.id, ms)
        })
        .collect();
    (candidates, by_member)
}

/// How a point is coloured: its class key and the words of its legend.
fn point_class(
    q: &MapQuery,
    spells: &[MapSpell],
    outcome: Option<&str>,
    classes: &[(&'static str, String)],
) -> (&'static str, String) {
    match q.colour {
        MapColour::Network => {
            let n = q.network.as_ref().map(|n| n.to_string()).unwrap_or_default();
            if spells.iter().any(|x| x.id == n && x.in_year) {
                ("member", classes[0].1.clone())
            } else {
                ("other_years", classes.get(1).map(|c| c.1.clone()).unwrap_or_default())
            }
        }
        MapColour::Position => {
            let current: Vec<&MapSpell> = spells.iter().filter(|x| x.in_year).collect();
            match current
                .iter()
                .filter_map(|x| x.position.map(|p| (p, x)))
                .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
            {
                Some((p, x)) => {
                    let key = if p >= 0.5 {
                        "militant"
                    } else if p <= -0.5 {
                        "sponsored"
                    } else {
                        "intermediate"
                    };
                    (key, format!("{key} ({p:+.2}, {})", x.name))
                }
                None if current.is_empty() => ("none", classes[4].1.clone()),
                None => ("unknown", classes[3].1.clone()),
            }
        }
        MapColour::Outcome => match outcome {
            Some("accommodative") => ("accommodative", "accommodative".into()),
            Some("mixed") => ("mixed", "mixed".into()),
            Some("restrictive") => ("restrictive", "restrictive".into()),
            _ => ("none", classes[3].1.clone()),
        },
    }
}

/// Counts an anonymised locality in its region (when the gazetteer outlines it) or else in its
/// country only.
fn count_anonymised(
    c: &mut MapCountry,
    regions: &mut BTreeMap<String, MapRegion>,
    place: Option<&mlgov_domain::Place>,
) {
    match place
        .and_then(|p| p.subdivision.as_deref())
        .and_then(mlgov_gazetteer::region)
        .filter(|r| r.outline.len() >= 3)
    {
        Some(r) => {
            c.in_regions += 1;
            regions
                .entry(r.code.clone())
                .or_insert_with(|| MapRegion {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    count: 0,
                    outline: r.outline.clone(),
                })
                .count += 1;
        }
        None => c.country_only += 1,
    }
}

/// A locality's memberships as the map's spells, in the order of their start.
fn spells_of(
    s: &Snapshot,
    ms: &[&mlgov_domain::Membership],
    typology: &HashMap<&Id, (Option<f64>, String)>,
    in_year: &dyn Fn(&mlgov_domain::Membership) -> bool,
) -> Vec<MapSpell> {
    let mut spells: Vec<MapSpell> = ms
        .iter()
        .map(|m| {
            let (position, class) =
                typology.get(&m.network).cloned().unwrap_or((None, "unknown".into()));
            MapSpell {
                id: m.network.to_string(),
                name: s.name(&m.network),
                from: m.when.start_year(),
                to: m.when.end_year(),
                role: m.role.to_string(),
                position,
                class,
                in_year: in_year(m),
            }
        })
        .collect();
    spells.sort_by(|a, b| a.from.cmp(&b.from).then(a.name.cmp(&b.name)));
    spells
}

/// The sentence saying what the colours mean and which localities are shown.
fn map_rule(s: &Snapshot, q: &MapQuery, points: &[MapPoint]) -> String {
    let kb = &s.kb;
    let network_name = q.network.as_ref().map(|n| s.name(n)).unwrap_or_default();
    let when = q.year.map(|y| format!("in {y}")).unwrap_or_else(|| "at any time".into());
    // Which localities a colouring by position or outcome shows.
    let only = if q.network.is_some() {
        format!(" Only members of {network_name} {when} are shown.")
    } else if q.year.is_some() {
        format!(" Only localities with a membership in force {when} are shown.")
    } else {
        String::new()
    };
    let mut rule = match q.colour {
        MapColour::Network => format!(
            "Colour: membership of {network_name} {}; the map shows its members at any time.",
            if q.year.is_some() { when.clone() } else { "(no year chosen)".into() }
        ),
        MapColour::Position => format!(
            "Colour: the most militant position among the networks the locality belonged to {when} (−1 sponsored … +1 militant, from the typology of each network).{}",
            only,
        ),
        MapColour::Outcome => {
            format!("Colour: the locality's policy outcome (latest statement).{}", only,)
        }
    };
    if q.colour == MapColour::Outcome
        && points.iter().all(|p| p.outcome.is_none())
        && kb.localities.iter().any(|l| {
            l.anonymised && !kb.facts_of(&l.id, mlgov_domain::Property::PolicyOutcome).is_empty()
        })
    {
        rule.push_str(" No located locality has a policy outcome statement: the sources state outcomes only for anonymised localities, which the map counts by region and never colours.");
    }
    rule
}

/// The map widget, its explanation and its tables (the same data without JavaScript).
pub(super) fn map_sections(v: &MapView, id: &str, heading: &str) -> Vec<Section> {
    let mut m = section(id, heading);
    let what = match v.colour {
        "network" => "membership",
        "outcome" => "policy outcome",
        _ => "position on the sponsored ↔ militant spectrum",
    };
    m.widget = Some(Widget {
        id: "map-widget".into(), kind: "map".into(),
        label: format!("Map of {} located localities coloured by {what}, with regions shaded by their number of anonymised localities", v.points.len()),
        note: "Numbered circles group nearby localities (select one to zoom in); select a point to open the locality's profile. Pan with the arrow keys, zoom with + and −, Tab through the points. The tables below hold the same data.".into(),
    });
    if !v.regions.is_empty() || v.countries.iter().any(|c| c.country_only > 0) {
        m.paragraphs.push("Shaded regions count the localities the sources anonymise (the Whole-COMM study's): an anonymised locality is never a point, only a number in its ISO 3166-2 region, whose outline is approximate (the hull of the GeoNames places in it). Those whose region has no outline (the Turkish statistical regions) count only in their country.".into());
    }
    m.notes.push(format!("{}. {}.", v.attribution[0], v.attribution[1]));
    m.tables.push(table(
        "map-colours",
        &v.rule,
        &["colour class", "localities"],
        v.classes.iter().map(|c| vec![t(&c.label), n(c.count)]).collect(),
    ));
    let mut pts = section("points", "Localities on the map");
    pts.tables.push(located_table(v));
    let mut rg = section("by-region", "Anonymised localities by region");
    rg.tables.push(table(
        "regions",
        "Anonymised localities per ISO 3166-2 region (outline approximate)",
        &["region", "name", "anonymised localities"],
        v.regions.iter().map(|r| vec![t(&r.code), t(&r.name), n(r.count)]).collect(),
    ));
    let mut c = section("by-country", "Localities per country");
    c.tables.push(countries_table(v));
    vec![m, pts, rg, c]
}

/// The located localities shown on the map, with their colour class and networks.
fn located_table(v: &MapView) -> Table {
    let spells = |p: &MapPoint| {
        p.networks
            .iter()
            .filter(|x| x.in_year)
            .map(|x| {
                format!(
                    "{} ({})",
                    x.name,
                    match (x.from, x.to) {
                        (Some(a), Some(b)) if a == b => a.to_string(),
                        (a, b) => format!("{}–{}", yr(a), yr(b)),
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let net_head = match v.year {
        Some(y) => format!("networks in {y}"),
        None => "networks".into(),
    };
    table(
        "located",
        "Located localities shown on the map, with their colour class",
        &[
            "locality",
            "country",
            "region",
            "latitude",
            "longitude",
            "population",
            "colour class",
            &net_head,
        ],
        v.points
            .iter()
            .map(|p| {
                vec![
                    link(&p.name, p.href.clone()),
                    t(&p.country),
                    opt(&p.subdivision),
                    n(format!("{:.4}", p.lat)),
                    n(format!("{:.4}", p.lon)),
                    n(p.population.map(|x| x.to_string()).unwrap_or_default()),
                    t(&p.label),
                    t(spells(p)),
                ]
            })
            .collect(),
    )
}

/// The localities per country: on the map, anonymised (in a region or the country only) and
/// without coordinates.
fn countries_table(v: &MapView) -> Table {
    table(
        "countries",
        "Localities per country",
        &[
            "country",
            "localities",
            "on the map",
            "anonymised, in a shaded region",
            "anonymised, counted in the country only",
            "named, without coordinates",
        ],
        v.countries
            .iter()
            .map(|x| {
                vec![
                    t(&x.country),
                    n(x.localities),
                    n(x.located),
                    n(x.in_regions),
                    n(x.country_only),
                    n(x.unlocated),
                ]
            })
            .collect(),
    )
}

/// Years offered by the map's year filter: from the first to the last year of any membership.
fn membership_years(s: &Snapshot) -> Vec<i32> {
    let ys: Vec<i32> =
        s.kb.memberships
            .iter()
            .flat_map(|m| [m.when.start_year(), m.when.end_year()])
            .flatten()
            .collect();
    match (ys.iter().min(), ys.iter().max()) {
        (Some(&a), Some(&b)) => (a..=b).rev().collect(),
        _ => Vec::new(),
    }
}

pub(super) async fn map(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let net = p.string("network");
    let year = p.int("year", 1800..=2200).map(|y| y as i32);
    let colour = p.choice("colour", &MapColour::ALL);
    let dl = download_param(&mut p);
    p.finish()?;
    let (mq, defaulted) = map_query(&s, net.as_deref(), year, colour.as_deref())?;
    let large = mq.trim_spells;
    let v = map_view(&s, &mq);
    let title = match &mq.network {
        Some(nid) => format!("Map: members of {}", s.name(nid)),
        None => "Map of localities".into(),
    };
    let mut page = Page {
        title,
        nav: "map".into(),
        entry: Some("map"),
        body_class: "page-map".into(),
        ..Page::default()
    };
    page.lead.push("Located localities as points (coordinates from GeoNames), coloured by their networks' position on the sponsored ↔ militant spectrum, by membership of a network in a year, or by policy outcome; regions shaded by their number of anonymised localities. Everything is bundled: nothing is fetched from the network.".into());
    if mq.colour_fallback {
        page.notice = Some("Colouring by membership needs a network: choose one. Meanwhile the points are coloured by position.".into());
    }
    if large {
        page.notice = Some(format!(
            "The knowledge base holds {} localities, more than a map page carries ({MAP_POINTS_LIMIT}): the map shows {} network at a time{}, and each point lists only that network's memberships. GET /api/v1/localities.geojson gives every located locality.",
            s.kb.localities.len(),
            if defaulted { "one" } else { "the chosen" },
            if defaulted {
                ", starting with the one with the most members; choose another above"
            } else {
                ""
            }
        ));
    }
    page.form = Some(map_form(&s, &mq));
    page.sections.extend(map_sections(&v, "map", "Map"));
    page.data_json = Some(serde_json::to_string(&v).unwrap_or_default());
    finish(&s, page, "/map", q.as_deref(), dl)
}

/// What the map shows: the network (by id, or by name or acronym), the year and the colouring;
/// and whether the network was chosen for the reader (a base too large for one map).
fn map_query(
    s: &Snapshot,
    net: Option<&str>,
    year: Option<i32>,
    colour: Option<&str>,
) -> Result<(MapQuery, bool), ApiError> {
    // A network by id, or by name or acronym (the field is free text on a large base).
    let network = match net {
        Some(raw) => Some(convert::path_id(s, raw, IdKind::Network).or_else(|e| {
            match s.index.resolve(raw, &[IdKind::Network]) {
                mlgov_domain::Resolution::Found(id) => Ok(id),
                _ => Err(e),
            }
        })?),
        None => None,
    };
    let colour_fallback = colour == Some("network") && network.is_none();
    let colour = match colour {
        Some("outcome") => MapColour::Outcome,
        Some("position") => MapColour::Position,
        Some("network") if network.is_some() => MapColour::Network,
        None if network.is_some() => MapColour::Network,
        _ => MapColour::Position,
    };
    // A base with more localities than a map page should carry is shown network by network:
    // the largest network unless one is chosen, each point with that network's memberships only.
    let large = s.kb.localities.len() > MAP_POINTS_LIMIT;
    let defaulted = large && network.is_none();
    let network = if defaulted {
        s.derived()
            .networks
            .iter()
            .max_by_key(|n| (n.summary.members, std::cmp::Reverse(n.summary.id.clone())))
            .and_then(|n| Id::parse(&n.summary.id).ok())
    } else {
        network
    };
    let colour = if defaulted && colour == MapColour::Position && !colour_fallback {
        MapColour::Network
    } else {
        colour
    };
    Ok((MapQuery { network, year, colour, colour_fallback, trim_spells: large }, defaulted))
}

/// The map's choices: network, year and colouring.
fn map_form(s: &Snapshot, mq: &MapQuery) -> Form {
    let mut nets: Vec<(String, String)> =
        s.kb.networks
            .iter()
            .filter(|n| !s.kb.memberships_in(&n.id).is_empty())
            .map(|n| (n.id.body().to_string(), s.name(&n.id)))
            .collect();
    nets.sort_by_key(|a| fold(&a.1));
    Form {
        action: "/map".into(),
        label: "Choose what the map shows".into(),
        submit: "Show".into(),
        auto: true,
        fields: vec![
            select(
                "network",
                "Network",
                mq.network.as_ref().map(|i| i.body()).unwrap_or(""),
                std::iter::once((String::new(), "all localities".to_string()))
                    .chain(nets)
                    .collect(),
            ),
            select(
                "year",
                "Year",
                &mq.year.map(|y| y.to_string()).unwrap_or_default(),
                std::iter::once((String::new(), "any year".to_string()))
                    .chain(membership_years(s).into_iter().map(|y| (y.to_string(), y.to_string())))
                    .collect(),
            ),
            select(
                "colour",
                "Colour by",
                if mq.colour_fallback { "network" } else { mq.colour.id() },
                vec![
                    ("position".into(), "position of its networks (most militant)".into()),
                    ("network".into(), "membership of the chosen network".into()),
                    ("outcome".into(), "policy outcome".into()),
                ],
            ),
        ],
    }
}
