//! The list of networks and the page of one network.

use axum::extract::{Path, RawQuery, State};
use mlgov_domain::{Id, IdKind};

use std::collections::HashMap;

use crate::api::{self, NetworkFilter};
use crate::convert::{self, paginate};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

use super::download::{download_param, finish, pager};
use super::map::{MAP_POINTS_LIMIT, MapColour, MapQuery, map_sections, map_view};
use super::model::{
    Field, Figure, Form, Page, Section, Table, any_opts, cite, code, input, link, n, r, section,
    select, t, table,
};
use super::render::PageResult;
use super::tables::{citations_table, facts_table, members_table, relations_table, table_of};

/// `/networks`: the networks matching the filters, with their positions as facets.
pub(super) async fn networks(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let (page_no, per) = p.pagination(100);
    let f = api::network_filter(&mut p);
    let sort = p
        .choice("sort", &["name", "members", "position", "founded", "coverage"])
        .unwrap_or_else(|| "name".into());
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page { title: "Networks".into(), nav: "networks".into(), ..Page::default() };
    page.lead.push("City networks, programmes, campaigns and platforms, with their computed position on the sponsored ↔ militant spectrum (Lacroix, Furri & Hombert 2022): the mean of four traits (stated origin, scale, institutionalisation, focus), given only when at least two are observed, beside the paper's own placement.".into());
    page.form = Some(networks_form(&f, &sort));
    let mut all = api::networks(&s, &f);
    page.sections.push(position_facets(&s, &f, q.as_deref()));
    let typ: HashMap<String, TypologyOut> = all
        .iter()
        .filter_map(|x| Id::parse(&x.id).ok())
        .map(|id| (id.to_string(), convert::typology_out(&s, &id)))
        .collect();
    sort_networks(&mut all, &typ, &sort);
    let (meta, items) =
        if dl.is_some() { paginate(all, 1, usize::MAX / 2) } else { paginate(all, page_no, per) };
    let mut sec = section("list", "Networks");
    sec.tables.push(networks_table(&items, &typ));
    sec.pager = Some(pager("/networks", q.as_deref(), &meta));
    page.sections.push(sec);
    finish(&s, page, "/networks", q.as_deref(), dl)
}

/// The filters of the list of networks.
fn networks_form(f: &NetworkFilter, sort: &str) -> Form {
    Form {
        action: "/networks".into(),
        label: "Filter networks".into(),
        submit: "Filter".into(),
        auto: true,
        fields: vec![
            input("q", "Name contains", "search", f.q.as_deref().unwrap_or("")),
            select(
                "position",
                "Position",
                f.position.as_deref().unwrap_or(""),
                any_opts("any position", api::POSITIONS.map(String::from)),
            ),
            select(
                "scale",
                "Scale",
                f.scale.as_deref().unwrap_or(""),
                any_opts("any scale", api::SCALES.map(String::from)),
            ),
            select(
                "origin",
                "Stated origin",
                f.origin.as_deref().unwrap_or(""),
                any_opts("any origin", ["sponsored", "grassroots", "mixed"].map(String::from)),
            ),
            Field {
                min: Some(1900),
                max: Some(2100),
                ..input(
                    "year",
                    "Active in",
                    "number",
                    &f.year.map(|y| y.to_string()).unwrap_or_default(),
                )
            },
            select(
                "sort",
                "Sort by",
                sort,
                [
                    ("name", "name"),
                    ("members", "members (most first)"),
                    ("position", "position (most militant first)"),
                    ("coverage", "traits observed (most first)"),
                    ("founded", "founding year"),
                ]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            ),
        ],
    }
}

/// Facets: how many of the matching networks fall in each position class, each a filter link.
fn position_facets(s: &Snapshot, f: &NetworkFilter, q: Option<&str>) -> Section {
    let mut facets = section(
        "facets",
        "Positions among these networks (the paper's placement where a source gives one, else the traits')",
    );
    let without_position = api::networks(s, &NetworkFilter { position: None, ..f.clone() });
    facets.tables.push(table(
        "positions",
        "Matching networks by position (select one to filter)",
        &["position", "networks"],
        api::POSITIONS
            .iter()
            .map(|c| {
                let k = without_position.iter().filter(|x| x.class == *c).count();
                let mut q: Vec<String> = query_pairs(q)
                    .into_iter()
                    .filter(|(k, _)| k != "position" && k != "page")
                    .map(|(k, v)| format!("{k}={}", crate::params::encode(&v)))
                    .collect();
                q.push(format!("position={c}"));
                vec![link(*c, Some(format!("/networks?{}", q.join("&")))), n(k)]
            })
            .collect(),
    ));
    facets
}

/// Sorts the networks as asked (`name` keeps the filter's order).
fn sort_networks(all: &mut [NetworkSummary], typ: &HashMap<String, TypologyOut>, sort: &str) {
    let position_of = |x: &NetworkSummary| typ.get(&x.id).and_then(|t| t.position);
    match sort {
        "members" => all.sort_by_key(|b| std::cmp::Reverse(b.members)),
        "position" => all.sort_by(|a, b| {
            position_of(b)
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&position_of(a).unwrap_or(f64::NEG_INFINITY))
        }),
        "coverage" => all.sort_by(|a, b| {
            typ.get(&b.id).map(|t| t.coverage).cmp(&typ.get(&a.id).map(|t| t.coverage))
        }),
        "founded" => all.sort_by(|a, b| {
            a.founded
                .first()
                .cmp(&b.founded.first())
                .then(a.founded.is_empty().cmp(&b.founded.is_empty()))
        }),
        _ => {}
    }
}

/// The networks of one page of the list, with their typology.
fn networks_table(items: &[NetworkSummary], typ: &HashMap<String, TypologyOut>) -> Table {
    let ty = |x: &NetworkSummary| typ.get(&x.id);
    table_of(
        "networks",
        "Networks matching the filters: position (−1 sponsored … +1 militant) with the traits it rests on, and the paper's placement",
        items,
        &[
            ("network", &|x: &NetworkSummary| link(&x.name, Some(x.href.clone()))),
            ("kind", &|x| code(&x.kind)),
            ("scale", &|x| t(x.scale.join(" / "))),
            ("origin", &|x| t(x.origin.join(" / "))),
            ("founded", &|x| t(x.founded.join(" / "))),
            ("members", &|x| n(x.members)),
            ("position", &|x| {
                n(ty(x).and_then(|t| t.position).map(|p| format!("{p:+.2}")).unwrap_or_default())
            }),
            ("traits give", &|x| t(ty(x).map(|t| t.computed_class.clone()).unwrap_or_default())),
            ("traits observed", &|x| {
                link(
                    format!("{} of 4", ty(x).map(|t| t.coverage).unwrap_or(0)),
                    Some(format!("{}#typology", x.href)),
                )
            }),
            ("paper's placement", &|x| {
                t(ty(x)
                    .map(|t| t.paper.iter().map(|p| p.value.clone()).collect::<Vec<_>>().join(", "))
                    .unwrap_or_default())
            }),
            ("agreement", &|x| t(ty(x).map(|t| t.agreement.clone()).unwrap_or_default())),
        ],
    )
}

/// The query's pairs, decoded.
pub(super) fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    q.unwrap_or("")
        .split('&')
        .filter(|x| !x.is_empty())
        .map(|x| {
            let (k, v) = x.split_once('=').unwrap_or((x, ""));
            (k.to_string(), crate::params::decode(v))
        })
        .collect()
}

/// `/networks/{id}`: one network — in short, its attributes, its traits, its members over time
/// (or in one year) and on the map, its assemblage, relations and sources.
pub(super) async fn network(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let year = p.int("year", 1900..=2100).map(|y| y as i32);
    let dl = download_param(&mut p);
    p.finish()?;
    let id = convert::path_id(&s, &raw, IdKind::Network)?;
    let d = convert::network_detail(&s, &id);
    let x = &d.network;
    let mut page = Page { title: x.name.clone(), nav: "networks".into(), ..Page::default() };
    page.subtitle = Some(format!(
        "{}{} — position on the sponsored ↔ militant spectrum: {}",
        x.kind,
        x.acronym.as_ref().map(|a| format!(" ({a})")).unwrap_or_default(),
        x.class
    ));
    let short = x.acronym.clone().unwrap_or(x.name.clone());
    page.sections.extend([
        network_summary(&d),
        network_about(&d, &id),
        traits_section(&d),
        members_section(&s, &d, &id, year, &short),
    ]);
    page.form = Some(year_form(&id, year, &short));
    let (map_section, data) = members_map(&s, &id);
    page.sections.extend(map_section);
    page.entry = Some("map");
    page.data_json = Some(data);
    page.sections.push(assemblage_section(&d));
    if !d.relations.is_empty() {
        let mut rl = section("relations", "Relations");
        rl.tables.push(relations_table("Funding, sponsorship and partnerships", &d.relations));
        page.sections.push(rl);
    }
    let mut c = section("citations", "Sources of these statements");
    c.tables.push(citations_table("citations", &d.citations));
    page.sections.push(c);
    finish(&s, page, &format!("/networks/{raw}"), q.as_deref(), dl)
}

/// In short: founded, scale, position and how many members.
fn network_summary(d: &NetworkDetail) -> Section {
    let x = &d.network;
    let mut sum = section("summary", "In short");
    if !x.founded.is_empty() {
        sum.pairs.push(("Founded".into(), t(x.founded.join(", "))))
    }
    if !x.scale.is_empty() {
        sum.pairs.push(("Scale".into(), t(x.scale.join(", "))))
    }
    sum.pairs.push((
        "Position".into(),
        t(format!(
            "{}{}",
            d.typology.class,
            if d.typology.class_from == "paper" {
                " (as the sources place it)"
            } else {
                " (from its traits)"
            }
        )),
    ));
    let running: std::collections::BTreeSet<&str> = d
        .members
        .iter()
        .filter(|m| m.when.from.is_some() && m.when.to.is_none())
        .map(|m| m.member.id.as_str())
        .collect();
    let all_members: std::collections::BTreeSet<&str> =
        d.members.iter().map(|m| m.member.id.as_str()).collect();
    sum.pairs.push((
        "Members".into(),
        t(format!(
            "{} now (dated memberships still running), {} at any time",
            running.len(),
            all_members.len()
        )),
    ));
    sum
}

/// The network's attributes and facts, with links to the map and the JSON.
fn network_about(d: &NetworkDetail, id: &Id) -> Section {
    let x = &d.network;
    let mut about = section("about", "Attributes");
    about.pairs.push(("Id".into(), t(&x.id)));
    if !x.scale.is_empty() {
        about.pairs.push(("Scale".into(), t(x.scale.join(", "))))
    }
    if !x.origin.is_empty() {
        about.pairs.push(("Stated origin".into(), t(x.origin.join(", "))))
    }
    if !x.founded.is_empty() {
        about.pairs.push(("Founded".into(), t(x.founded.join(", "))))
    }
    if let Some(pr) = &d.parent {
        about.pairs.push(("Part of".into(), r(pr)))
    }
    if !d.parts.is_empty() {
        about.pairs.push((
            "Parts".into(),
            t(d.parts.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")),
        ))
    }
    about.pairs.push(("Record source".into(), cite(&d.citation)));
    about.links.push(link("Members on the map", Some(format!("/map?network={}", id.body()))));
    about.links.push(link("JSON of this profile", Some(format!("/api/v1/networks/{}", id.body()))));
    about.tables.push(facts_table("facts", &d.facts));
    about
}

/// The sponsored ↔ militant traits with their evidence, one row per piece of evidence.
fn traits_section(d: &NetworkDetail) -> Section {
    let mut ty = section("typology", "Sponsored ↔ militant traits");
    ty.paragraphs.push(format!(
        "Position {} (−1 sponsored … +1 militant): {}.",
        d.typology.position.map(|p| format!("{p:+.2}")).unwrap_or_else(|| "unknown".into()),
        d.typology.class
    ));
    ty.tables.push(table(
        "traits",
        "Traits with their evidence",
        &["trait", "value", "score", "evidence", "source"],
        d.typology
            .traits
            .iter()
            .flat_map(|tr| {
                if tr.evidence.is_empty() {
                    vec![vec![
                        t(tr.name.replace('_', " ")),
                        t(&tr.value),
                        n(tr.score.map(|s| format!("{s:+.2}")).unwrap_or_default()),
                        t("no statement in the data"),
                        t(""),
                    ]]
                } else {
                    tr.evidence
                        .iter()
                        .map(|e| {
                            vec![
                                t(tr.name.replace('_', " ")),
                                t(&tr.value),
                                n(format!("{:+.0}", e.score)),
                                t(&e.statement),
                                t(&e.source),
                            ]
                        })
                        .collect()
                }
            })
            .collect(),
    ));
    ty
}

/// The members over time, or in force in `year`: a chart by year and the tables.
fn members_section(
    s: &Snapshot,
    d: &NetworkDetail,
    id: &Id,
    year: Option<i32>,
    short: &str,
) -> Section {
    let mut mem = section(
        "members",
        match year {
            Some(y) => format!("Members in {y}"),
            None => "Members over time".to_string(),
        },
    );
    // The statements in force in the chosen year, by the same rule as the localities list.
    let dated: std::collections::HashSet<&str> = year
        .map(|y| {
            s.kb.memberships_in(id)
                .into_iter()
                .filter(|m| m.when.dated_in(y))
                .map(|m| m.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let in_force = |m: &crate::wire::MembershipOut, _: i32| dated.contains(m.id.as_str());
    if let Some(y) = year {
        let members: std::collections::BTreeSet<&str> =
            d.members.iter().filter(|m| in_force(m, y)).map(|m| m.member.id.as_str()).collect();
        let undated = d.members.iter().filter(|m| m.when.from.is_none()).count();
        mem.paragraphs.push(format!(
            "{} members of {short} in {y} (memberships dated to include {y}; still running memberships included){}.",
            members.len(),
            if undated > 0 { format!("; {undated} memberships have no start year and are not counted") } else { String::new() }
        ));
        mem.links.push(link(
            format!("{short} members in {y} on the map"),
            Some(format!("/map?network={}&year={y}", id.body())),
        ));
        mem.links.push(link("All years", Some(format!("/networks/{}#members", id.body()))));
    } else if let Some(last) = d.members_by_year.last() {
        mem.paragraphs.push(format!(
            "Choose a year to list the members in force then (for example {}).",
            last.year
        ));
    }
    mem.figure = members_chart(d, short);
    let listed: Vec<&crate::wire::MembershipOut> =
        d.members.iter().filter(|m| year.is_none_or(|y| in_force(m, y))).collect();
    mem.tables.push(members_table(
        "members",
        match year {
            Some(y) => format!("Members of {short} in {y}, roles and years"),
            None => "Members, roles and years".to_string(),
        },
        listed.iter().copied(),
        false,
    ));
    mem.tables.push(table(
        "members-by-year",
        "Members by year",
        &["year", "members"],
        d.members_by_year.iter().map(|y| vec![n(y.year), n(y.count)]).collect(),
    ));
    mem
}

/// The members by year as a column chart (none without dated memberships).
fn members_chart(d: &NetworkDetail, short: &str) -> Option<Figure> {
    if d.members_by_year.is_empty() {
        return None;
    }
    let pts: Vec<(String, f64)> =
        d.members_by_year.iter().map(|y| (y.year.to_string(), y.count as f64)).collect();
    let last = d.members_by_year.last().map(|y| y.year).unwrap_or_default();
    Some(Figure {
        svg: mlgov_charts::ColumnChart {
            title: format!("Members of {short} by year"),
            points: pts,
        }
        .render(),
        caption: format!(
            "Distinct members with a dated membership in force each year; memberships still running are counted up to {last}, the latest year the sources name."
        ),
        table_id: Some("members-by-year".into()),
        downloads: Vec::new(),
    })
}

/// The form choosing the year of the members listed.
fn year_form(id: &Id, year: Option<i32>, short: &str) -> Form {
    Form {
        action: format!("/networks/{}", id.body()),
        label: format!("Members of {short} in a year"),
        submit: "Show".into(),
        auto: false,
        fields: vec![Field {
            min: Some(1900),
            max: Some(2100),
            placeholder: Some("all years".into()),
            ..input("year", "Year", "number", &year.map(|y| y.to_string()).unwrap_or_default())
        }],
    }
}

/// Its members on the map: the same widget and data as /map?network=… (open there to choose a
/// year or another colouring); the section, and the map's data for the page.
fn members_map(s: &Snapshot, id: &Id) -> (Option<Section>, String) {
    let v = map_view(
        s,
        &MapQuery {
            network: Some(id.clone()),
            year: None,
            colour: MapColour::Network,
            colour_fallback: false,
            trim_spells: s.kb.localities.len() > MAP_POINTS_LIMIT,
        },
    );
    let mut secs = map_sections(&v, "members-map", "Members on the map").into_iter();
    let section = match (secs.next(), secs.next()) {
        (Some(mut mm), Some(located)) => {
            mm.links.push(link(
                "Open on the full map (year, colours)",
                Some(format!("/map?network={}", id.body())),
            ));
            mm.tables.extend(located.tables);
            if let Some(rg) = secs.next().filter(|r| r.tables.iter().any(|t| !t.rows.is_empty())) {
                mm.tables.extend(rg.tables);
            }
            Some(mm)
        }
        _ => None,
    };
    (section, serde_json::to_string(&v).unwrap_or_default())
}

/// The distinct actors among members and partners, by type.
fn assemblage_section(d: &NetworkDetail) -> Section {
    let mut asm = section("assemblage", "Assemblage");
    asm.paragraphs.push(format!(
        "{} distinct actors among members and partners, by type.",
        d.assemblage.total
    ));
    asm.tables.push(table(
        "assemblage",
        "Actors by type",
        &["actor type", "count", "actors"],
        d.assemblage
            .counts
            .iter()
            .map(|(k, v)| {
                vec![
                    t(k.replace('_', " ")),
                    n(v),
                    t(d.assemblage.actors.get(k).map(|a| a.join(", ")).unwrap_or_default()),
                ]
            })
            .collect(),
    ));
    asm
}
