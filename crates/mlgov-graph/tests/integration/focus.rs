//! The boundary-spanner report on a miniature of seed file 000: a network professional in
//! Turin, a mayor-centred Saint-Étienne with none.

use mlgov_graph::{
    EdgeKind, EdgeSpec, FocusSpec, GovernanceGraph, GraphError, Level, Node, NodeKind, RoleCounts,
    Sector, focus_report,
};

fn two_cities() -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    let nodes = [
        Node::new("turin", "Turin", NodeKind::Locality, Level::Local, Sector::Public),
        Node::new("curti", "Ilda Curti", NodeKind::Person, Level::Local, Sector::Public),
        Node::new("ngo", "Turin NGO", NodeKind::Organisation, Level::Local, Sector::NonPublic),
        Node::new("ep", "European Parliament", NodeKind::Organisation, Level::Eu, Sector::Public),
        Node::new("eurocities", "Eurocities", NodeKind::Network, Level::Eu, Sector::Public),
        Node::new("st-etienne", "Saint-Étienne", NodeKind::Locality, Level::Local, Sector::Public),
        Node::new(
            "thiolliere",
            "Michel Thiollière",
            NodeKind::Person,
            Level::Local,
            Sector::Public,
        ),
    ];
    for n in nodes {
        g.add_node(n).unwrap();
    }
    for (a, b, k) in [
        ("curti", "turin", EdgeKind::Affiliation),
        ("curti", "ngo", EdgeKind::Partnership),
        ("curti", "ep", EdgeKind::Affiliation),
        ("turin", "eurocities", EdgeKind::Membership),
        ("thiolliere", "st-etienne", EdgeKind::Affiliation),
        ("thiolliere", "eurocities", EdgeKind::Interaction),
        ("st-etienne", "eurocities", EdgeKind::Membership),
    ] {
        g.add_edge(EdgeSpec::new(a, b, k)).unwrap();
    }
    g
}

#[test]
fn turin_has_a_network_professional() {
    let r = focus_report(&two_cities(), &FocusSpec::new(vec!["turin".into()])).unwrap();
    assert_eq!(r.boundary_spanners, ["curti"]);
    assert_eq!(r.candidates, 1, "Curti is Turin's only person/organisation neighbour");
    let curti = &r.rows[0];
    assert!(!curti.focal);
    // Open pairs around Curti: {turin, ngo} public/non-public; {turin, ep} local/EU;
    // {ngo, ep} both.
    assert_eq!((curti.public_nonpublic_pairs, curti.local_international_pairs), (2, 2));
    // Unordered triads, gatekeeper and representative merged.
    assert_eq!(
        curti.sector_roles,
        RoleCounts { coordinator: 1, gatekeeper: 2, ..Default::default() }
    );
    assert_eq!(
        curti.level_roles,
        RoleCounts { coordinator: 1, gatekeeper: 2, ..Default::default() }
    );
}

#[test]
fn saint_etienne_is_mayor_centred() {
    let r = focus_report(&two_cities(), &FocusSpec::new(vec!["st-etienne".into()])).unwrap();
    assert_eq!(r.candidates, 1);
    assert!(
        r.rows.is_empty(),
        "the mayor links the city to a network it already belongs to: {:?}",
        r.rows
    );
    assert!(r.boundary_spanners.is_empty());
}

#[test]
fn unknown_focal_id_is_reported() {
    let e = focus_report(&two_cities(), &FocusSpec::new(vec!["lyon".into()])).unwrap_err();
    assert!(matches!(e, GraphError::UnknownNode { ref id, .. } if id == "lyon"));
}
