//! Graph construction errors, snapshots and filters.

use std::collections::BTreeSet;

use mlgov_graph::{
    EdgeKind, EdgeSpec, GovernanceGraph, GraphError, Level, Node, NodeKind, NodeSelection, Sector,
    SubgraphSpec, snapshot, subgraph,
};

use super::fixtures::{eurocities, person};

fn timeline() -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    g.add_node(Node::new("turin", "Turin", NodeKind::Locality, Level::Local, Sector::Public))
        .unwrap();
    g.add_node(eurocities()).unwrap();
    g.add_node(
        Node::new("clip", "CLIP", NodeKind::Network, Level::Eu, Sector::Public)
            .with_interval(Some(2006), Some(2012)),
    )
    .unwrap();
    g.add_node(person("curti")).unwrap();
    g.add_edge(
        EdgeSpec::new("turin", "eurocities", EdgeKind::Membership).with_interval(Some(1991), None),
    )
    .unwrap();
    g.add_edge(
        EdgeSpec::new("turin", "clip", EdgeKind::Membership).with_interval(Some(2007), Some(2010)),
    )
    .unwrap();
    g.add_edge(
        EdgeSpec::new("curti", "turin", EdgeKind::Affiliation)
            .with_interval(Some(2006), Some(2016)),
    )
    .unwrap();
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
    assert!(
        e.to_string().contains("`nowhere`")
            && e.to_string().contains("membership edge `turin` -> `nowhere`"),
        "{e}"
    );
    assert!(matches!(
        g.add_edge(EdgeSpec::new("turin", "turin", EdgeKind::Partnership)),
        Err(GraphError::SelfLoop { .. })
    ));
    assert!(matches!(
        g.add_edge(EdgeSpec::new("turin", "clip", EdgeKind::Funding).with_weight(f64::NAN)),
        Err(GraphError::InvalidWeight { .. })
    ));
    assert!(matches!(
        g.add_edge(
            EdgeSpec::new("turin", "clip", EdgeKind::Funding).with_interval(Some(2010), Some(2000))
        ),
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
    assert_eq!(
        (s.nodes()[e.source].id.as_str(), s.nodes()[e.target].id.as_str()),
        ("turin", "eurocities")
    );
}

#[test]
fn filters_by_edge_and_node_kind() {
    let g = timeline();
    let members = subgraph(
        &g,
        &SubgraphSpec {
            edge_kinds: Some(BTreeSet::from([EdgeKind::Membership])),
            nodes: NodeSelection::Incident,
            ..Default::default()
        },
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
fn simple_adjacency_merges_layers_in_both_directions() {
    let mut g = timeline();
    g.add_edge(EdgeSpec::new("eurocities", "turin", EdgeKind::Funding).with_weight(2.5)).unwrap();
    let adj = g.simple_adjacency();
    assert_eq!(adj[0], vec![(1, 1.0), (2, 1.0), (3, 1.0)], "weight none: a tied pair weighs 1");
    g.weighting = mlgov_graph::Weighting::Value;
    let adj = g.simple_adjacency();
    assert_eq!(adj[0], vec![(1, 3.5), (2, 1.0), (3, 1.0)]);
    assert_eq!(adj[1], vec![(0, 3.5)]);
}

#[test]
fn statements_of_one_relation_make_one_tie_with_spells() {
    // Turin and Quartiers en crise: member 1989–2015, founder 1989, president twice.
    let mut g = GovernanceGraph::new();
    g.add_node(Node::new("turin", "Turin", NodeKind::Locality, Level::Local, Sector::Public))
        .unwrap();
    g.add_node(Node::new(
        "qec",
        "Quartiers en crise",
        NodeKind::Network,
        Level::Eu,
        Sector::Public,
    ))
    .unwrap();
    let m = |from, to, role: &str| {
        EdgeSpec::new("turin", "qec", EdgeKind::Membership)
            .with_interval(from, to)
            .with_attribute("role", role)
    };
    g.add_edge(m(Some(1989), Some(2015), "member")).unwrap();
    g.add_edge(m(Some(1989), Some(1989), "founder")).unwrap();
    g.add_edge(m(Some(1995), Some(1997), "president")).unwrap();
    g.add_edge(m(Some(2016), Some(2018), "president")).unwrap();
    assert_eq!(g.edge_count(), 1);
    assert_eq!(g.statement_count(), 4);
    let tie = &g.edges()[0];
    assert_eq!(
        tie.spells,
        vec![mlgov_graph::Interval::new(Some(1989), Some(2018))],
        "adjacent spells merge"
    );
    assert_eq!(tie.attributes()["role"], "member; founder; president");
    assert!(!tie.undated);
    use mlgov_graph::Weighting;
    assert_eq!(tie.weight_by(Weighting::None, None), 1.0);
    assert_eq!(tie.weight_by(Weighting::Statements, None), 4.0);
    assert_eq!(tie.weight_by(Weighting::Years, None), 30.0);
    assert!(g.tie("qec", "turin", &EdgeKind::Membership).is_some());
    assert!(g.tie("qec", "turin", &EdgeKind::Funding).is_none());
    // An undated statement alone makes an undated tie; a still-running spell counts to the horizon.
    g.add_node(Node::new("ngo", "NGO", NodeKind::Organisation, Level::Unstated, Sector::NonPublic))
        .unwrap();
    g.add_edge(EdgeSpec::new("ngo", "turin", EdgeKind::Partnership)).unwrap();
    g.add_edge(EdgeSpec::new("ngo", "qec", EdgeKind::Support).with_interval(Some(2015), None))
        .unwrap();
    assert!(g.tie("ngo", "turin", &EdgeKind::Partnership).unwrap().undated);
    assert_eq!(g.horizon, Some(2018));
    assert_eq!(
        g.tie("ngo", "qec", &EdgeKind::Support).unwrap().weight_by(Weighting::Years, g.horizon),
        4.0
    );
}
