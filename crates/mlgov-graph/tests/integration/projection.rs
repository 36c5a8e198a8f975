//! Bipartite projections on a hand-made membership graph.

use mlgov_graph::{
    EdgeKind, EdgeSpec, GovernanceGraph, Level, Node, NodeKind, ProjectionSpec, Sector, project,
};

fn memberships() -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    for l in ["l1", "l2", "l3", "l4"] {
        g.add_node(Node::new(l, l, NodeKind::Locality, Level::Local, Sector::Public)).unwrap();
    }
    for n in ["n1", "n2"] {
        g.add_node(Node::new(n, n, NodeKind::Network, Level::International, Sector::Public))
            .unwrap();
    }
    g.add_node(Node::new("ngo", "NGO", NodeKind::Organisation, Level::Local, Sector::NonPublic))
        .unwrap();
    for (l, n) in [("l1", "n1"), ("l2", "n1"), ("l1", "n2"), ("l2", "n2")] {
        g.add_edge(EdgeSpec::new(l, n, EdgeKind::Membership)).unwrap();
    }
    // A second statement of the same membership joins its tie (dated from 2020: the tie's spell).
    g.add_edge(EdgeSpec::new("l1", "n1", EdgeKind::Membership).with_interval(Some(2020), None))
        .unwrap();
    g.add_edge(
        EdgeSpec::new("l3", "n2", EdgeKind::Membership).with_interval(Some(2015), Some(2018)),
    )
    .unwrap();
    g.add_edge(EdgeSpec::new("ngo", "n2", EdgeKind::Membership)).unwrap();
    // A partnership is not a membership.
    g.add_edge(EdgeSpec::new("l4", "n1", EdgeKind::Partnership)).unwrap();
    g
}

fn weights(g: &GovernanceGraph) -> Vec<(String, String, f64, String)> {
    g.edges()
        .iter()
        .map(|e| {
            (
                g.nodes()[e.source].id.clone(),
                g.nodes()[e.target].id.clone(),
                e.value(),
                e.attributes()["shared"].clone(),
            )
        })
        .collect()
}

#[test]
fn localities_by_shared_networks() {
    let p = project(&memberships(), &ProjectionSpec::localities_by_networks(None));
    assert_eq!(p.node_count(), 4, "isolated l4 kept");
    assert_eq!(
        weights(&p),
        vec![
            ("l1".into(), "l2".into(), 2.0, "n1; n2".into()),
            ("l1".into(), "l3".into(), 1.0, "n2".into()),
            ("l2".into(), "l3".into(), 1.0, "n2".into()),
        ]
    );
    assert!(p.edges().iter().all(|e| e.kind == EdgeKind::SharedMembership));
}

#[test]
fn localities_by_shared_networks_at_a_year() {
    let p = project(&memberships(), &ProjectionSpec::localities_by_networks(Some(2010)));
    // l1's membership of n1 is dated from 2020: in 2010 l1 and l2 share n2 only.
    assert_eq!(weights(&p), vec![("l1".into(), "l2".into(), 1.0, "n2".into())]);
    let mut spec = ProjectionSpec::localities_by_networks(Some(2016));
    spec.keep_isolated = false;
    let p = project(&memberships(), &spec);
    assert_eq!(p.node_count(), 3);
    assert_eq!(p.edge_count(), 3);
}

#[test]
fn networks_by_shared_members() {
    let p = project(&memberships(), &ProjectionSpec::networks_by_members(None));
    assert_eq!(weights(&p), vec![("n1".into(), "n2".into(), 2.0, "l1; l2".into())]);
}

#[test]
fn co_members_at_different_times_are_not_tied() {
    let mut g = GovernanceGraph::new();
    for l in ["a", "b", "c"] {
        g.add_node(Node::new(l, l, NodeKind::Locality, Level::Local, Sector::Public)).unwrap();
    }
    g.add_node(Node::new("net", "net", NodeKind::Network, Level::Eu, Sector::Public)).unwrap();
    g.add_edge(
        EdgeSpec::new("a", "net", EdgeKind::Membership).with_interval(Some(1990), Some(1999)),
    )
    .unwrap();
    g.add_edge(EdgeSpec::new("b", "net", EdgeKind::Membership).with_interval(Some(2005), None))
        .unwrap();
    g.add_edge(
        EdgeSpec::new("c", "net", EdgeKind::Membership).with_interval(Some(1995), Some(2010)),
    )
    .unwrap();
    let p = project(&g, &ProjectionSpec::localities_by_networks(None));
    let ties: Vec<(String, String, Vec<mlgov_graph::Interval>)> = p
        .edges()
        .iter()
        .map(|e| (p.nodes()[e.source].id.clone(), p.nodes()[e.target].id.clone(), e.spells.clone()))
        .collect();
    // a (1990–1999) and b (2005–) never belong together; c overlaps both.
    assert_eq!(
        ties,
        vec![
            ("a".into(), "c".into(), vec![mlgov_graph::Interval::new(Some(1995), Some(1999))]),
            ("b".into(), "c".into(), vec![mlgov_graph::Interval::new(Some(2005), Some(2010))]),
        ]
    );
}
