//! Centralities and components on star, path and two-triangle graphs (hand-computed).

use mlgov_graph::centrality::{betweenness_from_edges, centralities, to_petgraph};
use mlgov_graph::{CentralityConfig, CentralityReport, connected_components};

use super::fixtures::{self, close, numbered, two_triangles};

fn col(r: &CentralityReport, f: impl Fn(&mlgov_graph::CentralityRow) -> f64) -> Vec<f64> {
    r.rows.iter().map(f).collect()
}

fn all_close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        close(*x, *y);
    }
}

#[test]
fn star_graph() {
    let r = centralities(&fixtures::star(), &CentralityConfig::default());
    assert_eq!(r.rows.iter().map(|r| r.degree).collect::<Vec<_>>(), [4, 1, 1, 1, 1]);
    // Centre lies on all C(4,2) = 6 leaf pairs; normalised by (n-1)(n-2)/2 = 6.
    all_close(&col(&r, |r| r.betweenness), &[6.0, 0.0, 0.0, 0.0, 0.0]);
    all_close(&col(&r, |r| r.betweenness_normalized), &[1.0, 0.0, 0.0, 0.0, 0.0]);
    // Leaf: distances 1 + 2 + 2 + 2 = 7, closeness 4/7.
    all_close(&col(&r, |r| r.closeness), &[1.0, 4.0 / 7.0, 4.0 / 7.0, 4.0 / 7.0, 4.0 / 7.0]);
    // Principal eigenvector of K(1,4): λ = 2, centre = 2·leaf, unit norm.
    assert!(r.eigenvector_converged);
    let e: Vec<f64> = r.rows.iter().map(|r| r.eigenvector.unwrap()).collect();
    let leaf = 1.0 / (2.0 * 2f64.sqrt());
    for (x, y) in e.iter().zip([2.0 * leaf, leaf, leaf, leaf, leaf]) {
        assert!((x - y).abs() < 1e-6, "{x} vs {y}");
    }
}

#[test]
fn path_graph() {
    let r = centralities(&fixtures::path(), &CentralityConfig::default());
    all_close(&col(&r, |r| r.betweenness), &[0.0, 3.0, 4.0, 3.0, 0.0]);
    all_close(&col(&r, |r| r.betweenness_normalized), &[0.0, 0.5, 4.0 / 6.0, 0.5, 0.0]);
    all_close(&col(&r, |r| r.closeness), &[0.4, 4.0 / 7.0, 4.0 / 6.0, 4.0 / 7.0, 0.4]);
    all_close(&col(&r, |r| r.strength), &[1.0, 2.0, 2.0, 2.0, 1.0]);
}

#[test]
fn two_triangles_joined_by_a_bridge() {
    let r = centralities(&two_triangles(), &CentralityConfig::default());
    // Node 2 carries the 2×3 pairs between {0,1} and {3,4,5}; node 3 the 3×2 pairs between
    // {0,1,2} and {4,5}.
    all_close(&col(&r, |r| r.betweenness), &[0.0, 0.0, 6.0, 6.0, 0.0, 0.0]);
    // Node 2: distances 1,1,1,2,2 → 5/7.
    close(r.rows[2].closeness, 5.0 / 7.0);
    close(r.rows[0].closeness, 0.5);
    let e: Vec<f64> = r.rows.iter().map(|r| r.eigenvector.unwrap()).collect();
    assert!((e[0] - e[5]).abs() < 1e-6 && e[2] > e[0], "symmetric, bridge ends highest: {e:?}");
}

#[test]
fn strength_follows_the_chosen_weighting_and_betweenness_ignores_it() {
    use mlgov_graph::{EdgeKind, EdgeSpec, Weighting};
    let mut g = fixtures::path();
    g.add_edge(EdgeSpec::new("n1", "n0", EdgeKind::Funding).with_weight(4.0)).unwrap();
    // A second statement of the same interaction joins its tie.
    g.add_edge(EdgeSpec::new("n1", "n0", EdgeKind::Interaction)).unwrap();
    assert_eq!(g.edge_count(), 5, "one tie per pair and layer");
    // Default: every tie weighs 1, and a pair tied in two layers counts once.
    let r = centralities(&g, &CentralityConfig::default());
    close(r.rows[0].strength, 1.0);
    assert_eq!(r.rows[0].degree, 1);
    // Value: interaction 1 + funding 4.
    g.weighting = Weighting::Value;
    close(centralities(&g, &CentralityConfig::default()).rows[0].strength, 5.0);
    // Statements: two interaction statements + one funding.
    g.weighting = Weighting::Statements;
    let r = centralities(&g, &CentralityConfig::default());
    close(r.rows[0].strength, 3.0);
    all_close(&col(&r, |r| r.betweenness), &[0.0, 3.0, 4.0, 3.0, 0.0]);
}

#[test]
fn eigenvector_is_computed_within_each_component() {
    // Two triangles apart: each gets 1/sqrt(3) inside its own component; an isolate gets none.
    let g = numbered(7, &[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]);
    let r = centralities(&g, &CentralityConfig::default());
    for row in &r.rows[..6] {
        close(row.eigenvector.unwrap(), 1.0 / 3f64.sqrt());
        assert_eq!(row.component_size, 3);
    }
    assert_eq!(r.rows[6].eigenvector, None);
    assert!(r.eigenvector_converged);
}

#[test]
fn disconnected_graph_uses_wasserman_faust_closeness() {
    // Path 0-1-2 plus edge 3-4 plus isolated 5.
    let g = numbered(6, &[(0, 1), (1, 2), (3, 4)]);
    let r = centralities(&g, &CentralityConfig::default());
    // Node 1: r = 3, Σd = 2 → (2/2)·(2/5).
    close(r.rows[1].closeness, 0.4);
    close(r.rows[3].closeness, 1.0 * (1.0 / 5.0));
    close(r.rows[5].closeness, 0.0);
    let c = connected_components(&g);
    assert_eq!(c.sizes, [3, 2, 1]);
    assert_eq!(c.component, [0, 0, 0, 1, 1, 2]);
}

#[test]
fn fast_betweenness_matches_rustworkx_on_the_fixtures() {
    for g in [fixtures::star(), fixtures::path(), two_triangles()] {
        let pg = to_petgraph(&g);
        let edges: Vec<(usize, usize)> = g.edges().iter().map(|e| (e.source, e.target)).collect();
        for normalized in [false, true] {
            let fast = betweenness_from_edges(g.node_count(), &edges, normalized);
            let reference = mlgov_graph::centrality::betweenness_rustworkx(&pg, normalized);
            all_close(&fast, &reference);
        }
    }
}

#[test]
fn empty_and_tiny_graphs_do_not_panic() {
    let r = centralities(&numbered(0, &[]), &CentralityConfig::default());
    assert!(r.rows.is_empty());
    let r = centralities(&numbered(1, &[]), &CentralityConfig::default());
    assert_eq!(r.rows[0].closeness, 0.0);
    let r = centralities(&numbered(2, &[(0, 1)]), &CentralityConfig::default());
    assert_eq!(col(&r, |r| r.betweenness_normalized), [0.0, 0.0]);
    assert_eq!(col(&r, |r| r.closeness), [1.0, 1.0]);
}

#[test]
fn centrality_table_snapshot() {
    let r = centralities(&two_triangles(), &CentralityConfig::default());
    let table: Vec<String> = r
        .rows
        .iter()
        .map(|r| {
            format!(
                "{} deg={} str={:.1} btw={:.3} btwn={:.4} clo={:.4} eig={:.4}",
                r.id,
                r.degree,
                r.strength,
                r.betweenness,
                r.betweenness_normalized,
                r.closeness,
                r.eigenvector.unwrap_or(f64::NAN)
            )
        })
        .collect();
    insta::assert_snapshot!(table.join("\n"));
}
