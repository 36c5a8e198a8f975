//! The home page and the search page.

use axum::extract::{RawQuery, State};

use crate::api::{self, NetworkFilter};
use crate::convert::{self};
use crate::params::Params;
use crate::state::{AppState, Snapshot};

use super::download::{download_param, finish, only_downloads};
use super::model::{
    Field, Form, Page, Section, any_opts, code, input, link, n, section, select, t, table,
};
use super::render::PageResult;

pub(super) fn countries_opts(s: &Snapshot) -> Vec<(String, String)> {
    let mut cs: Vec<String> = s.kb.localities.iter().map(|l| l.country.clone()).collect();
    cs.sort();
    cs.dedup();
    any_opts("any country", cs)
}

pub(super) async fn home(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
    let ov = convert::overview(&s);
    let mut page = Page {
        title: "The multilevel governance of migration".into(),
        nav: "home".into(),
        entry: Some("search"),
        ..Page::default()
    };
    page.lead.push("A sourced, dated knowledge base of cities, small towns and rural areas, the networks they form and the actors around them — every statement cites its source, and disagreeing sources stay visible.".into());
    page.sections.push(start_section());
    let mut counts = section("counts", "What is in the knowledge base");
    counts.paragraphs.push(format!(
        "{} sourced statements from {} sources; {} conflicts between statements are kept visible.",
        ov.statements,
        s.kb.sources.len(),
        ov.conflicts
    ));
    counts.tables.push(table(
        "counts",
        "Records by kind",
        &["kind of record", "records"],
        ov.counts
            .iter()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| vec![link(record_words(k), record_href(k)), n(v)])
            .collect(),
    ));
    page.sections.push(counts);
    page.sections.push(top_networks(&s));
    finish(&s, page, "/", q.as_deref(), dl)
}

/// Where to start: the pages a newcomer reads first.
fn start_section() -> Section {
    let mut start = section("start", "Start here");
    start.links = vec![
        link(
            "Saint-Étienne: profile and membership Gantt",
            Some("/localities/saint-etienne".into()),
        ),
        link("Turin: profile and membership Gantt", Some("/localities/turin".into())),
        link(
            "Compare Turin and Saint-Étienne on one timeline",
            Some("/compare?l1=turin&l2=saint-etienne".into()),
        ),
        link("Networks on the sponsored ↔ militant spectrum", Some("/networks".into())),
        link("Map of localities and country counts", Some("/map".into())),
        link("Governance graph", Some("/graph".into())),
        link("Survey dashboards", Some("/survey".into())),
        link("Diffusion what-if", Some("/diffusion".into())),
        link("Whole-COMM cross-tabs, hypotheses, phases", Some("/analyses".into())),
        link("Statements that disagree", Some("/conflicts".into())),
        link("Practices and who adopted them", Some("/practices".into())),
    ];
    start
}

/// The list page of a kind of record, where there is one.
fn record_href(k: &str) -> Option<String> {
    match k {
        "localities" => Some("/localities".to_string()),
        "networks" => Some("/networks".to_string()),
        "sources" => Some("/sources".to_string()),
        "practices" | "adoptions" => Some("/practices".to_string()),
        _ => None,
    }
}

/// What each table holds, in words (the internal table names stay in the downloads' file names).
fn record_words(k: &str) -> String {
    match k {
        "localities" => "localities (municipalities, towns, rural areas)",
        "networks" => "city networks and their working groups",
        "organisations" => "organisations (NGOs, governments, foundations, EU bodies)",
        "persons" => "persons (mayors, officials, activists)",
        "memberships" => "memberships of localities in networks",
        "terms" => "office terms (mayors, deputy mayors)",
        "affiliations" => "persons' posts in organisations",
        "relations" => "ties between organisations and networks (funding, partnership, support…)",
        "events" => "events (crises, elections, meetings)",
        "facts" => "dated facts (population, scale, founding, policy outcome…)",
        "phases" => "trajectory phases named by the authors",
        "practices" => "good practices",
        "adoptions" => "adoptions of practices by localities",
        "sources" => "sources (papers, reports, datasets)",
        other => other,
    }
    .to_string()
}

/// The ten networks with the most members.
fn top_networks(s: &Snapshot) -> Section {
    let mut top = section("networks", "Networks with the most members");
    let mut nets = api::networks(s, &NetworkFilter::default());
    nets.sort_by(|a, b| b.members.cmp(&a.members).then(a.name.cmp(&b.name)));
    top.tables.push(table(
        "top-networks",
        "Networks by number of members",
        &["network", "kind", "members", "position"],
        nets.iter()
            .take(10)
            .map(|x| {
                vec![link(&x.name, Some(x.href.clone())), code(&x.kind), n(x.members), t(&x.class)]
            })
            .collect(),
    ));
    top
}

pub(super) async fn search(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let query = p.string("q").unwrap_or_default();
    let kind = p.choice("kind", &["locality", "network", "organisation", "person"]);
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page {
        title: "Search".into(),
        nav: "search".into(),
        query: query.clone(),
        entry: Some("search"),
        ..Page::default()
    };
    page.lead.push("Names, aliases and acronyms of localities, networks, organisations and people; accents and case do not matter (\"saint etienne\", \"gavle\").".into());
    page.form = Some(Form {
        action: "/search".into(),
        label: "Search".into(),
        submit: "Search".into(),
        auto: false,
        fields: vec![
            Field {
                placeholder: Some("e.g. saint etienne".into()),
                ..input("q", "Words", "search", &query)
            },
            select(
                "kind",
                "Kind",
                kind.as_deref().unwrap_or(""),
                any_opts(
                    "any kind",
                    ["locality", "network", "organisation", "person"].map(String::from),
                ),
            ),
        ],
    });
    if !query.is_empty() {
        let res = api::search_results(&s, &query, kind.as_deref(), 100);
        let mut sec = section("results", format!("{} result(s) for “{}”", res.hits.len(), query));
        sec.tables.push(table(
            "results",
            "Search results, best first",
            &["name", "kind", "id"],
            res.hits
                .iter()
                .map(|h| vec![link(&h.name, Some(h.href.clone())), t(&h.kind), t(&h.id)])
                .collect(),
        ));
        page.sections.push(sec);
    }
    finish(&s, page, "/search", q.as_deref(), dl)
}
