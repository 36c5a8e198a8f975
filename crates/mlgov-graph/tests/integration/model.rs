//! Graph construction errors, snapshots and filters.

use std::collections::BTreeSet;

use mlgov_graph::{
    EdgeKind, EdgeSpec, GovernanceGraph, GraphError, Level, Node, NodeKind, NodeSelection, Sector, SubgraphSpec,
    snapshot, subgraph,
};

use super::fixtures::person;

fn timeline() -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    g.add_node(Node::new("turin", "Turin", NodeKind::Locality, Level::Local, Sector::Public)).unwrap();
    g.add_node(
        Node::new("eurocities", "Eurocities", NodeKind::Network, Level::Eu, Sector::Public)
            .with_interval(Some(1986), None),
    )
    .unwrap();
    g.add_node(Node::new("clip", "CLIP", NodeKind::Network, Level::Eu, Sector::Public).with_interval(Some(2006), Some(2012)))
        .unwrap();
    g.add_node(person("curti")).unwrap();
    g.add_edge(EdgeSpec::new("turin", "eurocities", EdgeKind::Membership).with_interval(Some(1991), None)).unwrap();
    g.add_edge(EdgeSpec::new("turin", "clip", EdgeKind::Membership).with_interval(Some(2007), Some(2010))).unwrap();
    g.add_edge(EdgeSpec::new("curti", "turin", EdgeKind::Affiliation).with_interval(Some(2006), Some(2016))).unwrap();
    g
}

fn ids(g: &GovernanceGraph) -> Vec<&str> {
    g.nodes().iter().map(|n| n.id.as_str()).collect()
}

#[test]
fn bad_input_gives_errors_naming_the_culprit() {
    let mut g = timeline();
    let e = g.add_node(person("curti")).unwrap_err();
    assert_eq!(e, GraphError::DuplicateNode { id: "curti".into() });
    let e = g.add_edge(EdgeSpec::new("turin", "nowhere", EdgeKind::Membership)).unwrap_err();
    assert!(e.to_string().contains("`nowhere`") && e.to_string().contains("membership edge `turin` -> `nowhere`"), "{e}");
    assert!(matches!(g.add_edge(EdgeSpec::new("turin", "turin", EdgeKind::Partnership)), Err(GraphError::SelfLoop { .. })));
    assert!(matches!(
        g.add_edge(EdgeSpec::new("turin", "clip", EdgeKind::Funding).with_weight(f64::NAN)),
        Err(GraphError::InvalidWeight { .. })
    ));
    assert!(matches!(
        g.add_edge(EdgeSpec::new("turin", "clip", EdgeKind::Funding).with_interval(Some(2010), Some(2000))),
        Err(GraphError::InvalidInterval { from: 2010, to: 2000, .. })
    ));
    assert!(matches!(g.add_node(person(" ")), Err(GraphError::EmptyNodeId { .. })));
    assert_eq!(g.edge_count(), 3, "failed additions leave the graph unchanged");
}

#[test]
fn snapshot_keeps_edges_whose_interval_contains_the_year() {
    let g = timeline();
    let s = snapshot(&g, 2008, NodeSelection::Incident);
    assert_eq!(s.edge_count(), 3);
    let s = snapshot(&g, 2011, NodeSelection::Incident);
    assert_eq!(s.edge_count(), 2, "CLIP membership ended in 2010");
    assert_eq!(ids(&s), ["turin", "eurocities", "curti"]);
    let s = snapshot(&g, 1995, NodeSelection::Incident);
    assert_eq!(ids(&s), ["turin", "eurocities"]);
    // All nodes: Curti (no interval) stays although isolated; CLIP (2006-2012) does not exist yet.
    let s = snapshot(&g, 1995, NodeSelection::All);
    assert_eq!(ids(&s), ["turin", "eurocities", "curti"]);
    assert_eq!(s.edge_count(), 1);
    // Edge indices are renumbered onto the kept nodes.
    let e = &s.edges()[0];
    assert_eq!((s.nodes()[e.source].id.as_str(), s.nodes()[e.target].id.as_str()), ("turin", "eurocities"));
}

#[test]
fn filters_by_edge_and_node_kind() {
    let g = timeline();
    let members = subgraph(
        &g,
        &SubgraphSpec { edge_kinds: Some(BTreeSet::from([EdgeKind::Membership])), nodes: NodeSelection::Incident, ..Default::default() },
    );
    assert_eq!(ids(&members), ["turin", "eurocities", "clip"]);
    assert_eq!(members.edge_count(), 2);
    let no_networks = subgraph(
        &g,
        &SubgraphSpec {
            node_kinds: Some(BTreeSet::from([NodeKind::Locality, NodeKind::Person])),
            ..Default::default()
        },
    );
    assert_eq!(ids(&no_networks), ["turin", "curti"]);
    assert_eq!(no_networks.edge_count(), 1);
    assert_eq!(subgraph(&g, &SubgraphSpec::default()), g);
}

#[test]
fn simple_adjacency_merges_parallel_edges_in_both_directions() {
    let mut g = timeline();
    g.add_edge(EdgeSpec::new("eurocities", "turin", EdgeKind::Funding).with_weight(2.5)).unwrap();
    let adj = g.simple_adjacency();
    assert_eq!(adj[0], vec![(1, 3.5), (2, 1.0), (3, 1.0)]);
    assert_eq!(adj[1], vec![(0, 3.5)]);
}
