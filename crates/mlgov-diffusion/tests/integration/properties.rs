//! Property tests of Monte Carlo invariants, and a snapshot of a small report.

use mlgov_diffusion::*;
use proptest::prelude::*;

use super::common::*;

fn arb_graph() -> impl Strategy<Value = (Vec<bool>, Vec<(usize, usize, f64)>)> {
    (2usize..9).prop_flat_map(|n| {
        (
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec((0..n, 0..n, 0.0f64..=1.0), 0..20),
        )
    })
}

fn build(carriers: &[bool], edges: &[(usize, usize, f64)]) -> DiffusionGraph {
    let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
    for (i, &c) in carriers.iter().enumerate() {
        let mut spec = NodeSpec::new(format!("v{i}"), NodeKind::Locality);
        spec.carrier = Some(c && i != 0);
        b.add_node(spec).unwrap();
    }
    for &(s, t, p) in edges {
        if s != t {
            b.add_edge(&EdgeSpec::with_probability(format!("v{s}"), format!("v{t}"), p)).unwrap();
        }
    }
    b.build()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn monte_carlo_invariants((carriers, edges) in arb_graph(), lt in any::<bool>(), seed in any::<u64>()) {
        let g = build(&carriers, &edges);
        let model = if lt { Model::LinearThreshold } else { Model::IndependentCascade };
        let mut c = config(model, 64, &["v0"]);
        c.seed = seed;
        c.susceptibility = SusceptibilityParams::default();
        let r = simulate(&g, &c, None).unwrap();
        prop_assert_eq!(r.nodes[0].probability, 1.0);
        for n in &r.nodes {
            prop_assert!((0.0..=1.0).contains(&n.probability));
            prop_assert!(n.interval.low <= n.probability && n.probability <= n.interval.high);
        }
        for w in r.curve.windows(2) {
            prop_assert!(w[0].mean <= w[1].mean + 1e-12, "the curve is cumulative");
            // The mean may lie outside the 2.5–97.5 % band for skewed counts; the band is ordered
            // and within the possible range.
            prop_assert!(0.0 <= w[0].band.low && w[0].band.low <= w[0].band.high);
            prop_assert!(w[0].band.high <= r.adopter_nodes as f64);
        }
        // Mean final adopters equals the sum of adopter nodes' probabilities.
        let total: f64 = r.nodes.iter().filter(|n| !n.carrier).map(|n| n.probability).sum();
        prop_assert!((total - r.final_adopters.mean).abs() < 1e-9);
        prop_assert!(r.final_adopters_per_run.iter().all(|&x| x as usize <= r.adopter_nodes));
        // Every bridge edge runs from a node active at least as often as the edge was used.
        for b in &r.bridges {
            let s = &r.nodes[g.node_id(&b.source).unwrap().index()];
            prop_assert!(s.runs_active >= b.runs);
        }
    }

    #[test]
    fn ic_exact_on_random_tiny_graphs((carriers, edges) in arb_graph()) {
        // Few edges so the enumeration is cheap; estimate within 5 standard errors.
        let edges: Vec<_> = edges.into_iter().take(8).collect();
        let g = build(&carriers, &edges);
        let c = config(Model::IndependentCascade, 4000, &["v0"]);
        let r = simulate(&g, &c, None).unwrap();
        let exact = exact_ic(&g, &c.susceptibility, &[0], c.max_steps as usize);
        for v in 0..g.node_count() {
            let (est, ex) = (r.nodes[v].probability, exact.final_prob(v).clamp(0.0, 1.0));
            let se = (ex * (1.0 - ex) / 4000.0).sqrt();
            prop_assert!((est - ex).abs() <= 5.0 * se + 1e-9, "node {}: {} vs {}", v, est, ex);
        }
    }
}

#[test]
fn report_snapshot() {
    let g = graph(
        &[
            ("a", NodeKind::Locality),
            ("b", NodeKind::Locality),
            ("ngo", NodeKind::Organisation),
            ("c", NodeKind::Locality),
        ],
        &[("a", "b", 0.5), ("a", "ngo", 0.7), ("ngo", "c", 0.6), ("b", "c", 0.3)],
    );
    let c = config(Model::IndependentCascade, 2000, &["a"]);
    let r = simulate(&g, &c, None).unwrap();
    let mut table = String::from("node  carrier  p      low    high\n");
    for n in &r.nodes {
        table += &format!(
            "{:<5} {:<8} {:.3}  {:.3}  {:.3}\n",
            n.key, n.carrier, n.probability, n.interval.low, n.interval.high
        );
    }
    table += "step  mean   p2.5  p97.5\n";
    for p in r.curve.iter().take(4) {
        table += &format!("{:<5} {:.3}  {:.1}   {:.1}\n", p.step, p.mean, p.band.low, p.band.high);
    }
    table += "bridges\n";
    for b in &r.bridges {
        table += &format!("{} -> {}  {:.3}\n", b.source, b.target, b.share);
    }
    insta::assert_snapshot!(table);
}
