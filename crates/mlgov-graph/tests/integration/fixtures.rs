//! Small graphs shared by the tests.

use mlgov_graph::{EdgeKind, EdgeSpec, GovernanceGraph, Level, Node, NodeKind, Sector};

/// A person node at the local level, public.
pub fn person(id: &str) -> Node {
    Node::new(id, id.to_uppercase(), NodeKind::Person, Level::Local, Sector::Public)
}

/// The Eurocities network node (EU level, public, since 1986).
pub fn eurocities() -> Node {
    Node::new("eurocities", "Eurocities", NodeKind::Network, Level::Eu, Sector::Public)
        .with_interval(Some(1986), None)
}

/// An undirected graph of persons `0..n` named `n0`, `n1`, … with interaction edges.
pub fn numbered(n: usize, edges: &[(usize, usize)]) -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    for i in 0..n {
        g.add_node(person(&format!("n{i}"))).unwrap();
    }
    for &(u, v) in edges {
        g.add_edge(EdgeSpec::new(format!("n{u}"), format!("n{v}"), EdgeKind::Interaction)).unwrap();
    }
    g
}

/// Star: centre 0, leaves 1..=4.
pub fn star() -> GovernanceGraph {
    numbered(5, &[(0, 1), (0, 2), (0, 3), (0, 4)])
}

/// Path 0 - 1 - 2 - 3 - 4.
pub fn path() -> GovernanceGraph {
    numbered(5, &[(0, 1), (1, 2), (2, 3), (3, 4)])
}

/// Two triangles {0,1,2} and {3,4,5} joined by the bridge 2 - 3.
pub fn two_triangles() -> GovernanceGraph {
    numbered(6, &[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
}

/// Assert two floats agree to 1e-9.
pub fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}
