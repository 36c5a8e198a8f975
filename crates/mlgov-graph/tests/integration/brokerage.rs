//! Gould–Fernandez brokerage on a hand-computed directed example and its undirected reading.

use mlgov_graph::brokerage::{arcs, count_open_two_paths};
use mlgov_graph::{
    BrokerageConfig, BrokerageRole, Direction, EdgeKind, EdgeSpec, GovernanceGraph, GraphError, Level, Node,
    NodeKind, PartitionBy, RoleCounts, Sector, brokerage,
};

/// Broker `x` (group X) with in-arcs from p (X), q (Y), t (Z), out-arcs to r (X), s (Y), and
/// the arc p → s closing the path p → x → s.
fn directed_example() -> (GovernanceGraph, Vec<String>) {
    let mut g = GovernanceGraph::new();
    let nodes = [("x", "X"), ("p", "X"), ("q", "Y"), ("t", "Z"), ("r", "X"), ("s", "Y")];
    for (id, _) in nodes {
        g.add_node(Node::new(id, id, NodeKind::Person, Level::Local, Sector::Public)).unwrap();
    }
    for (a, b) in [("p", "x"), ("q", "x"), ("t", "x"), ("x", "r"), ("x", "s"), ("p", "s")] {
        g.add_edge(EdgeSpec::new(a, b, EdgeKind::Interaction)).unwrap();
    }
    (g, nodes.iter().map(|(_, grp)| grp.to_string()).collect())
}

#[test]
fn classification_table() {
    use BrokerageRole::*;
    assert_eq!(BrokerageRole::classify(&1, &1, &1), Coordinator);
    assert_eq!(BrokerageRole::classify(&1, &2, &1), Itinerant);
    assert_eq!(BrokerageRole::classify(&1, &2, &2), Gatekeeper);
    assert_eq!(BrokerageRole::classify(&1, &1, &2), Representative);
    assert_eq!(BrokerageRole::classify(&1, &2, &3), Liaison);
}

#[test]
fn directed_example_by_hand() {
    let (g, groups) = directed_example();
    let r = brokerage(&g, &BrokerageConfig { direction: Direction::Directed, partition: PartitionBy::Custom(groups) })
        .unwrap();
    // (p,x,r) coordinator; (p,x,s) closed by p→s; (q,x,r) gatekeeper; (q,x,s) itinerant;
    // (t,x,r) gatekeeper; (t,x,s) liaison.
    assert_eq!(
        r.rows[0].roles,
        RoleCounts { coordinator: 1, itinerant: 1, gatekeeper: 2, representative: 0, liaison: 1 }
    );
    // p → s has no out-arc from s, p has no in-arc: nobody else brokers.
    assert!(r.rows[1..].iter().all(|row| row.roles.total() == 0));
    assert_eq!(r.open_two_paths, 5);
    let (out, _) = arcs(&g, Direction::Directed);
    assert_eq!(count_open_two_paths(&out), 5);
}

#[test]
fn undirected_reading_counts_both_orientations() {
    let (g, groups) = directed_example();
    let r = brokerage(&g, &BrokerageConfig { direction: Direction::Undirected, partition: PartitionBy::Custom(groups) })
        .unwrap();
    // x has neighbours p,q,t,r,s; of the 10 pairs only p–s is tied: 9 open triads, 18 paths.
    let x = r.rows[0].roles;
    assert_eq!(x.total(), 18);
    // Pairs: {p,q} X·Y gate/rep, {p,t} gate/rep, {p,r} coordinator ×2, {q,t} liaison ×2,
    // {q,r} gate/rep, {q,s} itinerant ×2, {t,r} gate/rep, {t,s} liaison ×2, {r,s} gate/rep.
    assert_eq!(x, RoleCounts { coordinator: 2, itinerant: 2, gatekeeper: 5, representative: 5, liaison: 4 });
    for row in &r.rows {
        assert_eq!(row.roles.gatekeeper, row.roles.representative, "{}", row.id);
    }
    // p brokers x–s? x and s are tied. s brokers x–p? tied. So only x, plus p (x,s tied) none.
    assert_eq!(r.open_two_paths, r.rows.iter().map(|r| r.roles.total()).sum::<u64>());
}

#[test]
fn partitions_by_level_and_sector() {
    let mut g = GovernanceGraph::new();
    g.add_node(Node::new("ngo", "NGO", NodeKind::Organisation, Level::Local, Sector::NonPublic)).unwrap();
    g.add_node(Node::new("official", "Official", NodeKind::Person, Level::Local, Sector::Public)).unwrap();
    g.add_node(Node::new("ep", "European Parliament", NodeKind::Organisation, Level::Eu, Sector::Public)).unwrap();
    g.add_edge(EdgeSpec::new("official", "ngo", EdgeKind::Partnership)).unwrap();
    g.add_edge(EdgeSpec::new("official", "ep", EdgeKind::Affiliation)).unwrap();
    let by = |partition| brokerage(&g, &BrokerageConfig { direction: Direction::Undirected, partition }).unwrap();
    let sector = by(PartitionBy::Sector);
    assert_eq!(sector.partition, "sector");
    assert_eq!(sector.rows[1].group, "public");
    // (ngo, official, ep): N P P gatekeeper; reversed: representative.
    assert_eq!(sector.rows[1].roles, RoleCounts { gatekeeper: 1, representative: 1, ..Default::default() });
    let level = by(PartitionBy::Level);
    // (ngo, official, ep): local local eu representative; reversed: gatekeeper.
    assert_eq!(level.rows[1].roles, RoleCounts { gatekeeper: 1, representative: 1, ..Default::default() });
    assert_eq!(level.rows[2].group, "eu");
    let kind = by(PartitionBy::Kind);
    // organisation, person, organisation: itinerant both ways.
    assert_eq!(kind.rows[1].roles, RoleCounts { itinerant: 2, ..Default::default() });
}

#[test]
fn custom_partition_of_wrong_length_is_an_error() {
    let (g, _) = directed_example();
    let e = brokerage(&g, &BrokerageConfig { direction: Direction::Directed, partition: PartitionBy::Custom(vec!["a".into()]) })
        .unwrap_err();
    assert_eq!(e, GraphError::PartitionLength { expected: 6, got: 1 });
}
