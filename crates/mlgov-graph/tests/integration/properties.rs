//! Property tests of invariants on random small graphs.

use std::collections::BTreeSet;

use mlgov_graph::brokerage::{arcs, brokerage_arcs, count_open_two_paths};
use mlgov_graph::centrality::{
    betweenness_from_edges, betweenness_rustworkx, centralities, to_petgraph,
};
use mlgov_graph::{
    CentralityConfig, Direction, EdgeKind, EdgeSpec, GovernanceGraph, Level, LouvainConfig, Node,
    NodeKind, ProjectionSpec, Sector, connected_components, louvain, modularity, project,
};
use proptest::prelude::*;

use super::fixtures::numbered;

fn graph_strategy() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
    (1usize..14).prop_flat_map(|n| (Just(n), prop::collection::vec((0..n, 0..n), 0..40)))
}

fn clean(edges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    edges.iter().copied().filter(|(u, v)| u != v).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn degrees_sum_to_twice_the_simple_edges((n, edges) in graph_strategy()) {
        let g = numbered(n, &clean(&edges));
        let r = centralities(&g, &CentralityConfig::default());
        let simple: BTreeSet<(usize, usize)> = clean(&edges).iter().map(|&(u, v)| (u.min(v), u.max(v))).collect();
        prop_assert_eq!(r.rows.iter().map(|r| r.degree).sum::<usize>(), 2 * simple.len());
        let strength: f64 = r.rows.iter().map(|r| r.strength).sum();
        // One tie per pair and layer, weight 1 by default: strength equals degree.
        prop_assert!((strength - 2.0 * simple.len() as f64).abs() < 1e-9);
        for row in &r.rows {
            prop_assert!(row.betweenness >= 0.0 && row.betweenness_normalized >= 0.0);
            prop_assert!(row.betweenness_normalized <= 1.0 + 1e-9);
            prop_assert!((0.0..=1.0 + 1e-9).contains(&row.closeness));
        }
    }

    #[test]
    fn fast_betweenness_equals_rustworkx((n, edges) in graph_strategy()) {
        let g = numbered(n, &clean(&edges));
        let pg = to_petgraph(&g);
        for normalized in [false, true] {
            let fast = betweenness_from_edges(n, &clean(&edges), normalized);
            let reference = betweenness_rustworkx(&pg, normalized);
            for (a, b) in fast.iter().zip(&reference) {
                prop_assert!((a - b).abs() < 1e-9, "{:?} vs {:?}", fast, reference);
            }
        }
    }

    #[test]
    fn brokerage_roles_sum_to_open_two_paths(
        (n, edges) in graph_strategy(),
        groups in prop::collection::vec(0u8..3, 14),
        directed in any::<bool>(),
    ) {
        let g = numbered(n, &clean(&edges));
        let direction = if directed { Direction::Directed } else { Direction::Undirected };
        let (out, inc) = arcs(&g, direction);
        let counts = brokerage_arcs(&out, &inc, &groups[..n]);
        let total: u64 = counts.iter().map(|c| c.total()).sum();
        prop_assert_eq!(total, count_open_two_paths(&out));
        if !directed {
            for c in &counts {
                prop_assert_eq!(c.gatekeeper, c.representative);
                prop_assert_eq!(c.total() % 2, 0);
            }
        }
    }

    #[test]
    fn louvain_is_deterministic_and_never_worse_than_singletons(
        (n, edges) in graph_strategy(), seed in any::<u64>()
    ) {
        let g = numbered(n, &clean(&edges));
        let config = LouvainConfig { seed, resolution: 1.0 };
        let a = louvain(&g, &config);
        prop_assert_eq!(&a, &louvain(&g, &config));
        let adj = g.simple_adjacency();
        prop_assert!((a.modularity - modularity(&adj, &a.community, 1.0)).abs() < 1e-12);
        let singletons: Vec<usize> = (0..n).collect();
        prop_assert!(a.modularity >= modularity(&adj, &singletons, 1.0) - 1e-12);
        prop_assert!(a.modularity <= 1.0);
        // Communities are connected to something inside unless singletons.
        prop_assert_eq!(a.count, a.community.iter().collect::<BTreeSet<_>>().len());
    }

    #[test]
    fn components_partition_the_nodes((n, edges) in graph_strategy()) {
        let g = numbered(n, &clean(&edges));
        let c = connected_components(&g);
        prop_assert_eq!(c.sizes.iter().sum::<usize>(), n);
        prop_assert!(c.sizes.windows(2).all(|w| w[0] >= w[1]));
        for e in g.edges() {
            prop_assert_eq!(c.component[e.source], c.component[e.target]);
        }
    }

    #[test]
    fn projection_weights_are_symmetric_common_neighbour_counts(
        memberships in prop::collection::vec((0usize..6, 0usize..4), 0..30)
    ) {
        let mut g = GovernanceGraph::new();
        for l in 0..6 {
            g.add_node(Node::new(format!("l{l}"), "", NodeKind::Locality, Level::Local, Sector::Public)).unwrap();
        }
        for k in 0..4 {
            g.add_node(Node::new(format!("n{k}"), "", NodeKind::Network, Level::Eu, Sector::Public)).unwrap();
        }
        for &(l, k) in &memberships {
            g.add_edge(EdgeSpec::new(format!("l{l}"), format!("n{k}"), EdgeKind::Membership)).unwrap();
        }
        let p = project(&g, &ProjectionSpec::localities_by_networks(None));
        let mut w = [[0.0f64; 6]; 6];
        for e in p.edges() {
            let u: usize = p.nodes()[e.source].id[1..].parse().unwrap();
            let v: usize = p.nodes()[e.target].id[1..].parse().unwrap();
            prop_assert_eq!(w[u][v], 0.0, "one edge per pair");
            w[u][v] = e.value();
            w[v][u] = e.value();
        }
        let nets = |l: usize| memberships.iter().filter(|m| m.0 == l).map(|m| m.1).collect::<BTreeSet<_>>();
        for (u, row) in w.iter().enumerate() {
            for (v, &weight) in row.iter().enumerate() {
                prop_assert_eq!(weight, w[v][u]);
                if u != v {
                    prop_assert_eq!(weight as usize, nets(u).intersection(&nets(v)).count());
                }
            }
        }
    }
}
