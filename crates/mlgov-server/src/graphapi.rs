//! The governance graph endpoint: the knowledge base mapped by `mlgov_analysis::graph` and
//! viewed through the same `GraphView` as `mlgov graph` (projection or layers, year snapshot or
//! all years, undated ties, weighting), filtered by actor kind, nodes sized by a chosen
//! centrality (`mlgov_graph::centralities`: degree, betweenness, closeness, eigenvector).

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{RawQuery, State};
use mlgov_analysis::graph::mlgov_graph::{
    self as g, CentralityConfig, NodeSelection, SubgraphSpec,
};
use mlgov_analysis::graph::{
    GraphOptions, GraphView, On, default_year, governance_graph, view_graph,
};
use mlgov_domain::Id;

use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// Centralities offered for node sizes.
pub const CENTRALITIES: [&str; 4] = ["degree", "betweenness", "closeness", "eigenvector"];
/// Layers offered as filters: those the knowledge base states.
pub fn edge_kinds() -> Vec<&'static str> {
    g::EdgeKind::knowledge_base().iter().map(|k| k.as_str()).collect()
}
/// Actor kinds offered as filters.
pub const ACTOR_KINDS: [&str; 5] = ["locality", "network", "organisation", "person", "country"];
/// Views offered.
pub const VIEWS: [&str; 3] = ["layers", "localities", "networks"];
/// Weightings offered.
pub const WEIGHTS: [&str; 4] = ["none", "years", "statements", "value"];

/// Graph filters.
#[derive(Clone, Debug, Default)]
pub struct GraphQuery {
    /// Snapshot year (default: the latest year the sources name).
    pub year: Option<i32>,
    /// All years, time-respecting paths.
    pub all_years: bool,
    /// `layers` (default), `localities` or `networks`.
    pub on: Option<String>,
    /// One layer.
    pub edge_type: Option<String>,
    /// Actor kind.
    pub actor_type: Option<String>,
    /// Keep undated ties.
    pub include_undated: bool,
    /// Weighting.
    pub weight: Option<String>,
    /// Centrality for sizes.
    pub centrality: String,
    /// The actor whose neighbourhood is shown (a network, locality, organisation or person: name,
    /// acronym or id); `None` for the whole base when it is small.
    pub focus: Option<String>,
}

/// Statements (memberships, terms, affiliations, relations) above which the graph shows a
/// neighbourhood by default: the whole base, its centralities and its page would grow with it.
pub const FULL_GRAPH_LIMIT: usize = 5_000;

impl GraphQuery {
    /// Reads the filters.
    pub fn parse(p: &mut Params) -> GraphQuery {
        GraphQuery {
            focus: p.string("focus"),
            year: p.int("year", 1900..=2100).map(|y| y as i32),
            all_years: p.bool("all_years").unwrap_or(false),
            on: p.choice("on", &VIEWS),
            edge_type: p.choice("edge_type", &edge_kinds()),
            actor_type: p.choice("actor_type", &ACTOR_KINDS),
            include_undated: p.bool("include_undated").unwrap_or(false),
            weight: p.choice("weight", &WEIGHTS),
            centrality: p.choice("centrality", &CENTRALITIES).unwrap_or_else(|| "degree".into()),
        }
    }
}

/// The actor the graph is centred on: the one asked for, or — when the base is larger than
/// [`FULL_GRAPH_LIMIT`] statements — the network with the most members. `Err` names an unknown or
/// ambiguous focus.
pub fn focus_of(s: &Snapshot, q: &GraphQuery) -> Result<Option<Id>, ApiError> {
    use mlgov_domain::{IdKind, Resolution};
    if let Some(name) = &q.focus {
        return match s.index.resolve(
            name,
            &[IdKind::Network, IdKind::Locality, IdKind::Organisation, IdKind::Person],
        ) {
            Resolution::Found(id) => Ok(Some(id)),
            Resolution::Ambiguous(c) => Err(ApiError::field(
                "focus",
                format!(
                    "{name:?} is ambiguous: {}",
                    c.iter().map(|(i, d)| format!("{d} ({i})")).collect::<Vec<_>>().join(", ")
                ),
            )),
            Resolution::NotFound => Err(ApiError::field(
                "focus",
                format!("no network, locality, organisation or person named {name:?}"),
            )),
        };
    }
    let kb = &s.kb;
    if kb.memberships.len() + kb.terms.len() + kb.affiliations.len() + kb.relations.len()
        <= FULL_GRAPH_LIMIT
    {
        return Ok(None);
    }
    Ok(s.derived()
        .networks
        .iter()
        .max_by_key(|n| (n.summary.members, std::cmp::Reverse(n.summary.id.clone())))
        .and_then(|n| Id::parse(&n.summary.id).ok()))
}

/// The part of the base around `focus`: the statements naming it, the statements among the
/// actors they name, those actors' records and facts, and every source.
fn neighbourhood(kb: &mlgov_domain::KnowledgeBase, focus: &Id) -> mlgov_domain::KnowledgeBase {
    use std::collections::HashSet;
    let mut around: HashSet<Id> = HashSet::from([focus.clone()]);
    for m in kb.memberships_of(focus).into_iter().chain(kb.memberships_in(focus)) {
        around.extend([m.member.clone(), m.network.clone()]);
    }
    for t in kb.terms_at(focus).into_iter().chain(kb.terms_of(focus)) {
        around.extend([t.person.clone(), t.locality.clone()]);
    }
    for a in kb.affiliations_naming(focus) {
        around.extend([a.person.clone(), a.organisation.clone()]);
    }
    for r in kb.relations_naming(focus) {
        around.extend([r.subject.clone(), r.object.clone()]);
    }
    let inside = |a: &Id, b: &Id| around.contains(a) && around.contains(b);
    let mut out = mlgov_domain::KnowledgeBase { sources: kb.sources.clone(), ..Default::default() };
    let mut ids: Vec<&Id> = around.iter().collect();
    ids.sort();
    for id in ids {
        out.localities.extend(kb.locality(id).cloned());
        out.networks.extend(kb.network(id).cloned());
        out.organisations.extend(kb.organisation(id).cloned());
        out.persons.extend(kb.person(id).cloned());
        out.facts.extend(kb.facts_about(id).into_iter().cloned());
        out.memberships.extend(
            kb.memberships_of(id).into_iter().filter(|m| inside(&m.member, &m.network)).cloned(),
        );
        out.terms.extend(
            kb.terms_of(id).into_iter().filter(|t| inside(&t.person, &t.locality)).cloned(),
        );
        out.affiliations.extend(
            kb.affiliations_naming(id)
                .into_iter()
                .filter(|a| &a.person == id && inside(&a.person, &a.organisation))
                .cloned(),
        );
        out.relations.extend(
            kb.relations_naming(id)
                .into_iter()
                .filter(|r| &r.subject == id && inside(&r.subject, &r.object))
                .cloned(),
        );
    }
    out.sort();
    out
}

/// Builds the graph of the query (the same [`GraphView`] as `mlgov graph`), with centralities;
/// around `focus` ([`focus_of`]) when there is one: the graph of its neighbourhood only.
pub fn build_around(s: &Snapshot, q: &GraphQuery, focus: Option<&Id>) -> GraphOut {
    let part;
    let kb = match focus {
        Some(f) => {
            part = neighbourhood(&s.kb, f);
            &part
        }
        None => &s.kb,
    };
    let full = governance_graph(kb, &GraphOptions::default()).graph;
    let edge_kinds: BTreeSet<String> =
        full.edges().iter().map(|e| e.kind.as_str().to_string()).collect();
    let node_kinds: BTreeSet<String> =
        full.nodes().iter().map(|n| n.kind.as_str().to_string()).collect();
    let view = graph_view(q, &full);
    let v = view_graph(&full, &view);
    let sub = match q.actor_type.as_deref() {
        Some(k) => actors_of(&v.graph, k),
        None => v.graph.clone(),
    };
    let config =
        CentralityConfig { time_respecting: v.time_respecting, ..CentralityConfig::default() };
    let report = g::centralities(&sub, &config);
    GraphOut {
        focus: focus.map(|f| EntityRef {
            id: f.to_string(),
            name: s.name(f),
            href: crate::convert::href(f),
        }),
        year: v.year,
        on: view.on.as_str().into(),
        description: v.description.clone(),
        undated_left_out: v.undated_left_out,
        time_respecting: v.time_respecting,
        centrality: q.centrality.clone(),
        nodes: nodes_out(s, &sub, &report, &q.centrality),
        edges: edges_out(&sub),
        edge_kinds: edge_kinds.into_iter().collect(),
        node_kinds: node_kinds.into_iter().collect(),
    }
}

/// The view of the graph the query asks for (the same [`GraphView`] as `mlgov graph`).
fn graph_view(q: &GraphQuery, full: &g::GovernanceGraph) -> GraphView {
    let on = match q.on.as_deref() {
        Some("localities") => On::Localities,
        Some("networks") => On::Networks,
        _ => On::Layers,
    };
    let layers = q
        .edge_type
        .as_deref()
        .and_then(|k| g::EdgeKind::parse(k).ok())
        .map(|k| BTreeSet::from([k]));
    let weighting = match q.weight.as_deref() {
        Some("years") => g::Weighting::Years,
        Some("statements") => g::Weighting::Statements,
        Some("value") => g::Weighting::Value,
        _ => g::Weighting::None,
    };
    let year = if q.all_years { None } else { q.year.or_else(|| default_year(full)) };
    GraphView {
        on,
        layers: if on == On::Layers { layers } else { None },
        year,
        include_undated: q.include_undated,
        weighting,
    }
}

/// The actors of kind `k` with their ties, plus the networks they are tied to, so that
/// "persons" still shows where they act.
fn actors_of(graph: &g::GovernanceGraph, k: &str) -> g::GovernanceGraph {
    let mut set: BTreeSet<g::NodeKind> =
        g::NodeKind::ALL.iter().copied().filter(|n| n.as_str() == k).collect();
    if k != "network" {
        set.insert(g::NodeKind::Network);
    }
    let spec = SubgraphSpec {
        node_kinds: Some(set),
        nodes: NodeSelection::Incident,
        ..SubgraphSpec::default()
    };
    g::subgraph(graph, &spec)
}

/// The nodes with their chosen centrality (rounded to 4 decimals).
fn nodes_out(
    s: &Snapshot,
    sub: &g::GovernanceGraph,
    report: &g::CentralityReport,
    centrality: &str,
) -> Vec<GraphNodeOut> {
    sub.nodes()
        .iter()
        .zip(report.rows.iter())
        .map(|(n, r)| {
            let c = match centrality {
                "betweenness" => r.betweenness_normalized,
                "closeness" => r.closeness,
                "eigenvector" => r.eigenvector.unwrap_or(0.0),
                _ => r.degree as f64,
            };
            let id = Id::parse(&n.id).ok();
            GraphNodeOut {
                id: n.id.clone(),
                label: id.as_ref().map(|i| s.name(i)).unwrap_or_else(|| n.label.clone()),
                kind: n.kind.as_str().into(),
                level: n.level.as_str().into(),
                sector: n.sector.as_str().into(),
                degree: r.degree,
                centrality: (c * 1e4).round() / 1e4,
                href: id.as_ref().filter(|i| s.exists(i)).and_then(crate::convert::href),
            }
        })
        .collect()
}

/// The ties with their spells and weights.
fn edges_out(sub: &g::GovernanceGraph) -> Vec<GraphEdgeOut> {
    sub.edges()
        .iter()
        .map(|e| GraphEdgeOut {
            source: sub.nodes()[e.source].id.clone(),
            target: sub.nodes()[e.target].id.clone(),
            kind: e.kind.as_str().into(),
            from: e.span().and_then(|i| i.from),
            to: e.span().and_then(|i| i.to),
            spells: e.spells.iter().map(|i| SpellOut { from: i.from, to: i.to }).collect(),
            undated: e.undated,
            statements: e.statements.len(),
            weight: sub.weight(e),
        })
        .collect()
}

/// The governance graph, filtered, with a centrality per node.
#[utoipa::path(get, path = "/api/v1/graph", operation_id = "get_graph", tag = "analyses",
    params(("year" = Option<i32>, Query, description = "Snapshot year: ties holding that year (default: the latest year the sources name)"),
        ("all_years" = Option<bool>, Query, description = "All years at once; betweenness over time-respecting paths"),
        ("on" = Option<String>, Query, description = "layers (default: every kind of actor), localities (tied while sharing a network), networks (tied while sharing a member)"),
        ("include_undated" = Option<bool>, Query, description = "Keep ties no statement dates, as holding every year"),
        ("weight" = Option<String>, Query, description = "none (default), years, statements, value"),
        ("edge_type" = Option<String>, Query, description = "One layer: membership, office, affiliation, funding, partnership, founding, coordination, hosting, support"),
        ("actor_type" = Option<String>, Query, description = "locality, network, organisation, person, country (networks are kept as context)"),
        ("centrality" = Option<String>, Query, description = "degree (default), betweenness, closeness, eigenvector"),
        ("focus" = Option<String>, Query, description = "Show the neighbourhood of this network, locality, organisation or person (name, acronym or id): the statements naming it and those among the actors they name. A base of more than 5,000 tie statements is shown around the network with the most members unless a focus is given")),
    responses((status = 200, description = "The governance graph for the view asked", body = GraphOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody)))]
pub async fn get_graph(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<GraphOut>, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let gq = GraphQuery::parse(&mut p);
    p.finish()?;
    let s = st.snapshot();
    let focus = focus_of(&s, &gq)?;
    Ok(Json(build_around(&s, &gq, focus.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base of `nets` networks each with `per` member localities (ids `loc:l<i>`, `net:n<j>`);
    /// network 0 has one member more than the others.
    fn generated(nets: usize, per: usize) -> mlgov_domain::KnowledgeBase {
        let mut src = String::from("id,short,title,kind\nsrc:gen,Generated,Generated base,other\n");
        src.push('\n');
        let mut locs = String::from("id,name,kind,country,source,locator\n");
        for i in 0..per + 1 {
            locs.push_str(&format!("loc:l{i},Town {i},municipality,IT,src:gen,row\n"));
        }
        let mut ns = String::from("id,name,kind,source,locator\n");
        let mut ms = String::from("id,network,member,role,from,source,locator\n");
        for j in 0..nets {
            ns.push_str(&format!("net:n{j},Network {j},network,src:gen,row\n"));
            for i in 0..per + usize::from(j == 0) {
                ms.push_str(&format!("mem:n{j}-l{i},net:n{j},loc:l{i},member,2010,src:gen,row\n"));
            }
        }
        mlgov_interchange::read_memory(&[
            ("sources.csv", src.as_bytes()),
            ("localities.csv", locs.as_bytes()),
            ("networks.csv", ns.as_bytes()),
            ("memberships.csv", ms.as_bytes()),
        ])
        .expect("generated base")
        .kb
    }

    #[test]
    fn a_large_base_is_shown_around_its_largest_network_and_any_focus_on_request() {
        let s = Snapshot::new(generated(60, 100));
        assert!(s.kb.memberships.len() > FULL_GRAPH_LIMIT);
        let q = GraphQuery { centrality: "degree".into(), ..GraphQuery::default() };
        let focus = focus_of(&s, &q).unwrap().expect("a default focus");
        assert_eq!(focus.as_str(), "net:n0", "the network with the most members");
        let g = build_around(&s, &q, Some(&focus));
        // The network and its 101 members: a star, not the 6,000-tie base.
        assert_eq!((g.nodes.len(), g.edges.len()), (102, 101));
        assert_eq!(g.focus.as_ref().map(|f| f.id.as_str()), Some("net:n0"));
        // A locality as focus: its 60 networks.
        let q = GraphQuery {
            focus: Some("loc:l5".into()),
            centrality: "degree".into(),
            ..GraphQuery::default()
        };
        let f = focus_of(&s, &q).unwrap().unwrap();
        let g = build_around(&s, &q, Some(&f));
        assert_eq!((g.nodes.len(), g.edges.len()), (61, 60));
        // An unknown focus is an error naming the parameter.
        let q = GraphQuery { focus: Some("nowhere at all".into()), ..GraphQuery::default() };
        assert!(focus_of(&s, &q).is_err());
        // A small base is shown whole unless a focus is asked for.
        let small = Snapshot::new(generated(3, 10));
        assert!(focus_of(&small, &GraphQuery::default()).unwrap().is_none());
    }
}
