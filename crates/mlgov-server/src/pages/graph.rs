//! The graph page: the network of localities, networks and actors, with its measures.

use axum::extract::{RawQuery, State};
use mlgov_domain::Id;

use crate::graphapi;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::GraphOut;

use super::download::{download_param, finish};
use super::model::{
    Field, Form, Page, Section, Widget, any_opts, input, link, n, section, select, t, table, yr,
};
use super::render::PageResult;

/// `/graph`: the governance graph as an interactive widget, its nodes and ties as tables, and the
/// boundary-spanner comparison.
pub(super) async fn graph(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let gq = graphapi::GraphQuery::parse(&mut p);
    let dl = download_param(&mut p);
    p.finish()?;
    let focus = graphapi::focus_of(&s, &gq)?;
    let g = graphapi::build_around(&s, &gq, focus.as_ref());
    let mut page = Page {
        title: "Governance graph".into(),
        nav: "graph".into(),
        entry: Some("graph"),
        body_class: "page-graph".into(),
        ..Page::default()
    };
    page.lead.push("Localities, networks, organisations, persons and countries tied by memberships, offices, affiliations, funding, partnerships, founding, coordination, hosting and support, as the sources state them: one tie per pair and layer, carrying its periods and statements. Node size follows the chosen centrality.".into());
    page.lead.push(format!("Shown: {}. Choose “Undated ties: kept” to add the ties no statement dates, or “all years” to follow paths that respect time.", g.description));
    if let Some(f) = &focus {
        let why = if gq.focus.is_none() {
            format!(
                "The knowledge base holds more than {} tie statements, too many to draw and rank at once: the graph shows the neighbourhood of the network with the most members. ",
                graphapi::FULL_GRAPH_LIMIT
            )
        } else {
            String::new()
        };
        page.notice = Some(format!(
            "{why}Centred on {}: the statements naming it and those among the actors they name. Type another network, locality, organisation or person in “Centred on”.",
            s.name(f)
        ));
    }
    page.form = Some(graph_form(&gq));
    let mut w = section("graph", format!("{} nodes, {} ties", g.nodes.len(), g.edges.len()));
    w.widget = Some(Widget { id: "graph-widget".into(), kind: "graph".into(), label: "Interactive governance graph".into(), note: "Tab into the graph and use the arrow keys to move between nodes, Enter to open one. The tables below list the same nodes and edges.".into() });
    page.sections.push(w);
    page.sections.push(nodes_section(&g));
    page.sections.push(edges_section(&g));
    page.sections.push(spanner_section(&s));
    page.data_json = Some(serde_json::to_string(&g).unwrap_or_default());
    finish(&s, page, "/graph", q.as_deref(), dl)
}

/// The graph's filters: focus, year, time, undated ties, graph, layer, actor type, weight and
/// centrality.
fn graph_form(gq: &graphapi::GraphQuery) -> Form {
    let yes_no = |a: &str, b: &str| {
        vec![("false".to_string(), a.to_string()), ("true".to_string(), b.to_string())]
    };
    Form {
        action: "/graph".into(),
        label: "Filter the graph".into(),
        submit: "Apply".into(),
        auto: true,
        fields: vec![
            Field {
                placeholder: Some("the whole base, or a network, locality, person…".into()),
                ..input("focus", "Centred on", "text", gq.focus.as_deref().unwrap_or_default())
            },
            Field {
                min: Some(1900),
                max: Some(2100),
                placeholder: Some("latest year".into()),
                ..input(
                    "year",
                    "Year",
                    "number",
                    &gq.year.map(|y| y.to_string()).unwrap_or_default(),
                )
            },
            select(
                "all_years",
                "Time",
                if gq.all_years { "true" } else { "false" },
                yes_no("the year above (snapshot)", "all years, paths that respect time"),
            ),
            select(
                "include_undated",
                "Undated ties",
                if gq.include_undated { "true" } else { "false" },
                yes_no("left out", "kept, as holding every year"),
            ),
            select(
                "on",
                "Graph",
                gq.on.as_deref().unwrap_or("layers"),
                vec![
                    ("layers".into(), "every kind of actor (layers)".into()),
                    ("localities".into(), "localities tied while they share a network".into()),
                    ("networks".into(), "networks tied while they share a member".into()),
                ],
            ),
            select(
                "edge_type",
                "Layer",
                gq.edge_type.as_deref().unwrap_or(""),
                any_opts(
                    "all layers",
                    graphapi::edge_kinds().into_iter().map(String::from).collect::<Vec<_>>(),
                ),
            ),
            select(
                "actor_type",
                "Actor type",
                gq.actor_type.as_deref().unwrap_or(""),
                any_opts("all actors", graphapi::ACTOR_KINDS.map(String::from)),
            ),
            select(
                "weight",
                "Tie weight",
                gq.weight.as_deref().unwrap_or("none"),
                graphapi::WEIGHTS.iter().map(|c| (c.to_string(), c.to_string())).collect(),
            ),
            select(
                "centrality",
                "Size by",
                &gq.centrality,
                graphapi::CENTRALITIES.iter().map(|c| (c.to_string(), c.to_string())).collect(),
            ),
        ],
    }
}

/// The nodes sorted by the chosen centrality, one column per measure.
fn nodes_section(g: &GraphOut) -> Section {
    let mut nodes = g.nodes.clone();
    nodes.sort_by(|a, b| {
        b.centrality
            .partial_cmp(&a.centrality)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.label.cmp(&b.label))
    });
    let mut nt = section("nodes", "Nodes by centrality");
    // One column per measure: sorted by degree, the degree column is the measure.
    let by_degree = g.centrality == "degree";
    let mut head = vec!["node", "kind", "level", "sector", "degree"];
    if !by_degree {
        head.push(&g.centrality)
    }
    nt.tables.push(table(
        "nodes",
        format!("Nodes sorted by {}", g.centrality),
        &head,
        nodes
            .iter()
            .map(|x| {
                let mut row = vec![
                    link(&x.label, x.href.clone()),
                    t(&x.kind),
                    t(&x.level),
                    t(x.sector.replace('_', "-")),
                    n(x.degree),
                ];
                if !by_degree {
                    row.push(n(format!("{:.4}", x.centrality)))
                }
                row
            })
            .collect(),
    ));
    nt
}

/// The ties of the filtered graph, one per pair and layer, with their periods.
fn edges_section(g: &GraphOut) -> Section {
    let label = |id: &str| {
        g.nodes
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut et = section("edges", "Ties");
    let periods = |e: &crate::wire::GraphEdgeOut| {
        if e.undated {
            "undated".to_string()
        } else {
            e.spells
                .iter()
                .map(|p| format!("{}–{}", yr(p.from), yr(p.to)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    et.tables.push(table(
        "edges",
        "Ties of the filtered graph: one per pair and layer",
        &["from", "to", "layer", "periods", "statements", "weight"],
        g.edges
            .iter()
            .map(|e| {
                vec![
                    t(label(&e.source)),
                    t(label(&e.target)),
                    t(&e.kind),
                    t(periods(e)),
                    n(e.statements),
                    n(e.weight),
                ]
            })
            .collect(),
    ));
    et
}

/// The Turin / Saint-Étienne boundary-spanner comparison with the paper's reading beside it.
fn spanner_section(s: &Snapshot) -> Section {
    let Some(c) = s.spanners() else {
        let mut sec = section(
            "spanners",
            "Boundary spanners: Turin and Saint-Étienne (Caponio & Clément 2020)",
        );
        sec.paragraphs.push("Turin and Saint-Étienne are not both in this knowledge base: the comparison with the paper cannot be made.".into());
        return sec;
    };
    let mut sec =
        section("spanners", "Boundary spanners: Turin and Saint-Étienne (Caponio & Clément 2020)");
    sec.paragraphs.push(format!("The paper's reading ({}): “{}”", c.locator, c.quote));
    sec.paragraphs.push("A boundary spanner is an actor around the city (an official, a department, an organisation tied to them) through whom public and non-public actors, and local and international ones, are connected without a direct tie of their own. Over all years a connection counts only when both ties hold at a common time.".into());
    for st in &c.settings {
        sec.tables.push(table(
            &format!("spanners-{}", st.id),
            format!("{}: {}", st.label, st.description),
            &["locality", "the paper", "boundary spanners found", "candidates", "verdict"],
            st.cities
                .iter()
                .map(|x| {
                    vec![
                        link(
                            &x.name,
                            Id::parse(&x.locality).ok().as_ref().and_then(crate::convert::href),
                        ),
                        t(if x.paper_has_spanners {
                            "network professionals"
                        } else {
                            "mayor-centred, none"
                        }),
                        t(if x.spanners.is_empty() {
                            "none".to_string()
                        } else {
                            x.spanners.join(", ")
                        }),
                        n(x.report.candidates),
                        t(if x.agrees {
                            "agrees with the paper"
                        } else {
                            "differs from the paper"
                        }),
                    ]
                })
                .collect(),
        ));
        if !st.explanation.is_empty() {
            sec.notes.push(format!("{}: {}", st.label, st.explanation));
        }
    }
    sec
}
