//! The governance graph endpoint: the knowledge base mapped by `mlgov_analysis::graph`, filtered
//! by year, edge kind and actor kind (`mlgov_graph::subgraph`), nodes sized by a chosen
//! centrality (`mlgov_graph::centralities`: degree, betweenness, closeness, eigenvector).

use std::collections::BTreeSet;

use axum::extract::{RawQuery, State};
use axum::Json;
use mlgov_analysis::graph::mlgov_graph::{self as g, CentralityConfig, NodeSelection, SubgraphSpec};
use mlgov_analysis::graph::{governance_graph, GraphOptions};
use mlgov_domain::Id;

use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// Centralities offered for node sizes.
pub const CENTRALITIES: [&str; 4] = ["degree", "betweenness", "closeness", "eigenvector"];
/// Edge kinds offered as filters.
pub const EDGE_KINDS: [&str; 5] = ["membership", "affiliation", "partnership", "funding", "other"];
/// Actor kinds offered as filters.
pub const ACTOR_KINDS: [&str; 5] = ["locality", "network", "organisation", "person", "country"];

/// Graph filters.
#[derive(Clone, Debug, Default)]
pub struct GraphQuery {
    /// Snapshot year.
    pub year: Option<i32>,
    /// Edge kind.
    pub edge_type: Option<String>,
    /// Actor kind.
    pub actor_type: Option<String>,
    /// Centrality for sizes.
    pub centrality: String,
}

impl GraphQuery {
    /// Reads the filters.
    pub fn parse(p: &mut Params) -> GraphQuery {
        GraphQuery {
            year: p.int("year", 1900..=2100).map(|y| y as i32),
            edge_type: p.choice("edge_type", &EDGE_KINDS),
            actor_type: p.choice("actor_type", &ACTOR_KINDS),
            centrality: p.choice("centrality", &CENTRALITIES).unwrap_or_else(|| "degree".into()),
        }
    }
}

/// Builds the filtered graph with centralities.
pub fn build(s: &Snapshot, q: &GraphQuery) -> GraphOut {
    let built = governance_graph(&s.kb, &GraphOptions::default());
    let full = built.graph;
    let edge_kinds: BTreeSet<String> = full.edges().iter().map(|e| e.kind.as_str().to_string()).collect();
    let node_kinds: BTreeSet<String> = full.nodes().iter().map(|n| n.kind.as_str().to_string()).collect();
    let edge_filter = q.edge_type.as_ref().map(|k| {
        full.edges().iter().map(|e| e.kind.clone()).filter(|ek| match k.as_str() {
            "other" => matches!(ek, g::EdgeKind::Other(_)),
            name => ek.as_str() == name,
        }).collect::<BTreeSet<_>>()
    });
    // Actor filter keeps the chosen kind plus the networks and localities it is tied to, so
    // that "persons" still shows where they act; with no filter everything is kept.
    let node_filter = q.actor_type.as_ref().map(|k| {
        let mut set: BTreeSet<g::NodeKind> = g::NodeKind::ALL.iter().copied().filter(|n| n.as_str() == k).collect();
        if k != "network" { set.insert(g::NodeKind::Network); }
        set
    });
    let spec = SubgraphSpec { year: q.year, edge_kinds: edge_filter, node_kinds: node_filter, nodes: NodeSelection::Incident };
    let sub = g::subgraph(&full, &spec);
    let report = g::centralities(&sub, &CentralityConfig::default());
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
        from: e.interval.and_then(|i| i.from), to: e.interval.and_then(|i| i.to),
    }).collect();
    GraphOut { year: q.year, centrality: q.centrality.clone(), nodes, edges, edge_kinds: edge_kinds.into_iter().collect(), node_kinds: node_kinds.into_iter().collect() }
}

/// The governance graph, filtered, with a centrality per node.
#[utoipa::path(get, path = "/api/v1/graph", operation_id = "get_graph", tag = "analyses",
    params(("year" = Option<i32>, Query, description = "Snapshot year (ties active that year)"),
        ("edge_type" = Option<String>, Query, description = "membership, affiliation, partnership, funding, other"),
        ("actor_type" = Option<String>, Query, description = "locality, network, organisation, person, country (networks are kept as context)"),
        ("centrality" = Option<String>, Query, description = "degree (default), betweenness, closeness, eigenvector")),
    responses((status = 200, body = GraphOut), (status = 400, body = ErrorBody)))]
pub async fn get_graph(State(st): State<AppState>, RawQuery(q): RawQuery) -> Result<Json<GraphOut>, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let gq = GraphQuery::parse(&mut p);
    p.finish()?;
    Ok(Json(build(&st.snapshot(), &gq)))
}
