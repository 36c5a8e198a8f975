//! The governance graph endpoint: the knowledge base mapped by `mlgov_analysis::graph` and
//! viewed through the same `GraphView` as `mlgov graph` (projection or layers, year snapshot or
//! all years, undated ties, weighting), filtered by actor kind, nodes sized by a chosen
//! centrality (`mlgov_graph::centralities`: degree, betweenness, closeness, eigenvector).

use std::collections::BTreeSet;

use axum::extract::{RawQuery, State};
use axum::Json;
use mlgov_analysis::graph::mlgov_graph::{self as g, CentralityConfig, NodeSelection, SubgraphSpec};
use mlgov_analysis::graph::{default_year, governance_graph, view_graph, GraphOptions, GraphView, On};
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
}

impl GraphQuery {
    /// Reads the filters.
    pub fn parse(p: &mut Params) -> GraphQuery {
        GraphQuery {
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

/// Builds the graph of the query (the same [`GraphView`] as `mlgov graph`), with centralities.
pub fn build(s: &Snapshot, q: &GraphQuery) -> GraphOut {
    let full = governance_graph(&s.kb, &GraphOptions::default()).graph;
    let edge_kinds: BTreeSet<String> = full.edges().iter().map(|e| e.kind.as_str().to_string()).collect();
    let node_kinds: BTreeSet<String> = full.nodes().iter().map(|n| n.kind.as_str().to_string()).collect();
    let on = match q.on.as_deref() {
        Some("localities") => On::Localities,
        Some("networks") => On::Networks,
        _ => On::Layers,
    };
    let layers = q.edge_type.as_deref().and_then(|k| g::EdgeKind::parse(k).ok()).map(|k| BTreeSet::from([k]));
    let weighting = match q.weight.as_deref() {
        Some("years") => g::Weighting::Years,
        Some("statements") => g::Weighting::Statements,
        Some("value") => g::Weighting::Value,
        _ => g::Weighting::None,
    };
    let year = if q.all_years { None } else { q.year.or_else(|| default_year(&full)) };
    let view = GraphView { on, layers: if on == On::Layers { layers } else { None }, year, include_undated: q.include_undated, weighting };
    let v = view_graph(&full, &view);
    // The actor filter keeps the chosen kind plus the networks it is tied to, so that
    // "persons" still shows where they act.
    let sub = match q.actor_type.as_ref() {
        Some(k) => {
            let mut set: BTreeSet<g::NodeKind> = g::NodeKind::ALL.iter().copied().filter(|n| n.as_str() == k).collect();
            if k != "network" {
                set.insert(g::NodeKind::Network);
            }
            g::subgraph(&v.graph, &SubgraphSpec { node_kinds: Some(set), nodes: NodeSelection::Incident, ..SubgraphSpec::default() })
        }
        None => v.graph.clone(),
    };
    let config = CentralityConfig { time_respecting: v.time_respecting, ..CentralityConfig::default() };
    let report = g::centralities(&sub, &config);
    let nodes = sub.nodes().iter().zip(report.rows.iter()).map(|(n, r)| {
        let c = match q.centrality.as_str() {
            "betweenness" => r.betweenness_normalized,
            "closeness" => r.closeness,
            "eigenvector" => r.eigenvector.unwrap_or(0.0),
            _ => r.degree as f64,
        };
        let id = Id::parse(&n.id).ok();
        GraphNodeOut {
            id: n.id.clone(), label: id.as_ref().map(|i| s.name(i)).unwrap_or_else(|| n.label.clone()), kind: n.kind.as_str().into(),
            level: n.level.as_str().into(), sector: n.sector.as_str().into(), degree: r.degree, centrality: (c * 1e4).round() / 1e4,
            href: id.as_ref().filter(|i| s.exists(i)).and_then(crate::convert::href),
        }
    }).collect();
    let edges = sub.edges().iter().map(|e| GraphEdgeOut {
        source: sub.nodes()[e.source].id.clone(), target: sub.nodes()[e.target].id.clone(), kind: e.kind.as_str().into(),
        from: e.span().and_then(|i| i.from), to: e.span().and_then(|i| i.to),
        spells: e.spells.iter().map(|i| SpellOut { from: i.from, to: i.to }).collect(),
        undated: e.undated, statements: e.statements.len(), weight: sub.weight(e),
    }).collect();
    GraphOut {
        year: v.year, on: on.as_str().into(), description: v.description.clone(), undated_left_out: v.undated_left_out,
        time_respecting: v.time_respecting, centrality: q.centrality.clone(), nodes, edges,
        edge_kinds: edge_kinds.into_iter().collect(), node_kinds: node_kinds.into_iter().collect(),
    }
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
        ("centrality" = Option<String>, Query, description = "degree (default), betweenness, closeness, eigenvector")),
    responses((status = 200, description = "The governance graph for the view asked", body = GraphOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody)))]
pub async fn get_graph(State(st): State<AppState>, RawQuery(q): RawQuery) -> Result<Json<GraphOut>, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let gq = GraphQuery::parse(&mut p);
    p.finish()?;
    Ok(Json(build(&st.snapshot(), &gq)))
}
