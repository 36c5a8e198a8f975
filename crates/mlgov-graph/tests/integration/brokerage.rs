//! Gould–Fernandez brokerage on a hand-computed directed example and its undirected reading.

use mlgov_graph::brokerage::{arcs, count_open_two_paths};
use mlgov_graph::{
    BrokerageConfig, BrokerageRole, Direction, EdgeKind, EdgeSpec, GovernanceGraph, GraphError,
    Level, Node, NodeKind, PartitionBy, RoleCounts, Sector, brokerage,
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
        g.add_edge(EdgeSpec::new(a, b, EdgeKind::Funding)).unwrap();
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
    let r = brokerage(
        &g,
        &BrokerageConfig {
            direction: Direction::Directed,
            partition: PartitionBy::Custom(groups),
            time_respecting: false,
        },
    )
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
fn undirected_reading_counts_unordered_triads_with_gatekeeper_and_representative_merged() {
    let (g, groups) = directed_example();
    let r = brokerage(&g, &BrokerageConfig::undirected(PartitionBy::Custom(groups))).unwrap();
    // x has neighbours p,q,t,r,s; of the 10 pairs only p–s is tied: 9 open triads.
    let x = r.rows[0].roles;
    assert_eq!(x.total(), 9);
    // Pairs: {p,q} X·Y boundary, {p,t} boundary, {p,r} coordinator, {q,t} liaison,
    // {q,r} boundary, {q,s} itinerant, {t,r} boundary, {t,s} liaison, {r,s} boundary.
    assert_eq!(
        x,
        RoleCounts { coordinator: 1, itinerant: 1, gatekeeper: 5, representative: 0, liaison: 2 }
    );
    assert!(r.rows.iter().all(|row| row.roles.representative == 0));
    assert_eq!(r.open_two_paths, r.rows.iter().map(|r| r.roles.total()).sum::<u64>());
    let names: Vec<&str> = r.rows[0].stats.iter().map(|s| s.role.as_str()).collect();
    assert_eq!(
        names,
        ["coordinator", "itinerant", "gatekeeper_or_representative", "liaison", "total"]
    );
    assert_eq!(r.rows[0].stat("gatekeeper_or_representative").unwrap().count, 5);
}

#[test]
fn directed_mode_is_refused_on_layers_recorded_by_convention() {
    let mut g = GovernanceGraph::new();
    for id in ["turin", "eurocities", "ngo"] {
        g.add_node(Node::new(id, id, NodeKind::Locality, Level::Local, Sector::Public)).unwrap();
    }
    g.add_edge(EdgeSpec::new("turin", "eurocities", EdgeKind::Membership)).unwrap();
    g.add_edge(EdgeSpec::new("ngo", "turin", EdgeKind::Funding)).unwrap();
    let e = brokerage(
        &g,
        &BrokerageConfig {
            direction: Direction::Directed,
            partition: PartitionBy::Kind,
            time_respecting: false,
        },
    )
    .unwrap_err();
    assert_eq!(e, GraphError::UndirectedLayers { layers: "membership".into() });
    assert!(e.to_string().contains("funding"), "{e}");
}

#[test]
fn time_respecting_brokerage_ignores_ties_that_never_coexist() {
    // A city with two mayors decades apart and an NGO partner of the second only.
    let mut g = GovernanceGraph::new();
    for (id, kind) in [
        ("city", NodeKind::Locality),
        ("m1", NodeKind::Person),
        ("m2", NodeKind::Person),
        ("ngo", NodeKind::Organisation),
    ] {
        g.add_node(Node::new(id, id, kind, Level::Local, Sector::Public)).unwrap();
    }
    g.add_edge(EdgeSpec::new("m1", "city", EdgeKind::Office).with_interval(Some(1990), Some(1995)))
        .unwrap();
    g.add_edge(EdgeSpec::new("m2", "city", EdgeKind::Office).with_interval(Some(2015), Some(2020)))
        .unwrap();
    g.add_edge(EdgeSpec::new("ngo", "m2", EdgeKind::Partnership).with_interval(Some(2016), None))
        .unwrap();
    let run = |time_respecting| {
        brokerage(
            &g,
            &BrokerageConfig {
                direction: Direction::Undirected,
                partition: PartitionBy::Kind,
                time_respecting,
            },
        )
        .unwrap()
    };
    let flat = run(false);
    let timed = run(true);
    // Flattened: the city brokers m1–m2, m2 brokers city–ngo.
    assert_eq!(flat.rows[0].roles.total(), 1);
    assert_eq!(flat.rows[2].roles.total(), 1);
    // Respecting time: the two mayors never coexist; m2's ties do (2016–2020).
    assert_eq!(timed.rows[0].roles.total(), 0);
    assert_eq!(timed.rows[2].roles.total(), 1);
    // No null model for time-respecting counts.
    assert!(timed.rows[2].stats.iter().all(|s| s.expected.is_none() && s.z.is_none()));
    assert!(flat.rows[2].stats.iter().all(|s| s.expected.is_some()));
}

#[test]
fn partitions_by_level_and_sector() {
    let mut g = GovernanceGraph::new();
    g.add_node(Node::new("ngo", "NGO", NodeKind::Organisation, Level::Local, Sector::NonPublic))
        .unwrap();
    g.add_node(Node::new("official", "Official", NodeKind::Person, Level::Local, Sector::Public))
        .unwrap();
    g.add_node(Node::new(
        "ep",
        "European Parliament",
        NodeKind::Organisation,
        Level::Eu,
        Sector::Public,
    ))
    .unwrap();
    g.add_edge(EdgeSpec::new("official", "ngo", EdgeKind::Partnership)).unwrap();
    g.add_edge(EdgeSpec::new("official", "ep", EdgeKind::Affiliation)).unwrap();
    let by = |partition| brokerage(&g, &BrokerageConfig::undirected(partition)).unwrap();
    let sector = by(PartitionBy::Sector);
    assert_eq!(sector.partition, "sector");
    assert_eq!(sector.rows[1].group, "public");
    // {ngo, ep} around the official: one end in its group (public), one outside.
    assert_eq!(sector.rows[1].roles, RoleCounts { gatekeeper: 1, ..Default::default() });
    let level = by(PartitionBy::Level);
    // local official between a local NGO and the EU: one end in its group.
    assert_eq!(level.rows[1].roles, RoleCounts { gatekeeper: 1, ..Default::default() });
    assert_eq!(level.rows[2].group, "eu");
    let kind = by(PartitionBy::Kind);
    // organisation, person, organisation: itinerant.
    assert_eq!(kind.rows[1].roles, RoleCounts { itinerant: 1, ..Default::default() });
}

#[test]
fn custom_partition_of_wrong_length_is_an_error() {
    let (g, _) = directed_example();
    let e = brokerage(
        &g,
        &BrokerageConfig {
            direction: Direction::Directed,
            partition: PartitionBy::Custom(vec!["a".into()]),
            time_respecting: false,
        },
    )
    .unwrap_err();
    assert_eq!(e, GraphError::PartitionLength { expected: 6, got: 1 });
}
