//! Louvain communities and modularity on hand-computed cases.

use mlgov_graph::{LouvainConfig, louvain, modularity};

use super::fixtures::{close, numbered, two_triangles};

#[test]
fn two_triangles_split_at_the_bridge() {
    let c = louvain(&two_triangles(), &LouvainConfig::default());
    assert_eq!(c.community, [0, 0, 0, 1, 1, 1]);
    assert_eq!(c.count, 2);
    // m = 7; each side: Σ_in = 6, Σ_tot = 7 → Q = 2·(6/14 − (7/14)²) = 5/14.
    close(c.modularity, 5.0 / 14.0);
}

#[test]
fn modularity_of_given_partitions() {
    let g = two_triangles();
    let adj = g.simple_adjacency();
    close(modularity(&adj, &[0, 0, 0, 1, 1, 1], 1.0), 5.0 / 14.0);
    // One community: Σ_in = 2m, Σ_tot = 2m → Q = 0.
    close(modularity(&adj, &[0; 6], 1.0), 0.0);
    // Singletons: Q = −Σ k_i² / (2m)² = −(2²·4 + 3²·2)/196.
    close(modularity(&adj, &[0, 1, 2, 3, 4, 5], 1.0), -34.0 / 196.0);
}

#[test]
fn ring_of_cliques_is_recovered_for_every_seed() {
    // Four 5-cliques joined in a ring by single edges: the textbook Louvain case.
    let mut edges = Vec::new();
    for c in 0..4 {
        let base = c * 5;
        for i in 0..5 {
            for j in i + 1..5 {
                edges.push((base + i, base + j));
            }
        }
        edges.push((base + 4, (base + 5) % 20));
    }
    let g = numbered(20, &edges);
    for seed in 0..10 {
        let c = louvain(&g, &LouvainConfig { seed, resolution: 1.0 });
        assert_eq!(c.count, 4, "seed {seed}: {:?}", c.community);
        for node in 0..20 {
            assert_eq!(c.community[node], node / 5, "seed {seed}");
        }
    }
}

#[test]
fn edgeless_graph_gives_singletons_and_zero_modularity() {
    let c = louvain(&numbered(3, &[]), &LouvainConfig::default());
    assert_eq!(c.community, [0, 1, 2]);
    assert_eq!(c.modularity, 0.0);
    assert_eq!(c.levels, 0);
}
