//! Monte Carlo estimates against closed forms and exhaustive live-edge enumeration.

use mlgov_diffusion::*;

use super::common::*;

#[test]
fn ic_path_probability_is_p_squared() {
    let p = 0.3;
    let g = localities(&["a", "b", "c"], &[("a", "b", p), ("b", "c", p)]);
    let runs = 40_000;
    let r = simulate(&g, &config(Model::IndependentCascade, runs, &["a"]), None).unwrap();
    assert_eq!(r.nodes[0].probability, 1.0);
    assert_close(r.nodes[1].probability, p, runs, "P(b)");
    assert_close(r.nodes[2].probability, p * p, runs, "P(c)");
    // c cannot be reached before step 2: the curve at step 1 counts a and b only.
    assert_close(r.curve[1].mean - 1.0, p, runs, "E[active at step 1] - seed");
    assert!((r.curve[2].mean - r.curve[10].mean).abs() < 1e-12, "no change after step 2");
    // The Wilson interval covers the exact value.
    assert!(r.nodes[2].interval.low <= p * p && p * p <= r.nodes[2].interval.high);
}

#[test]
fn ic_diamond_matches_closed_form() {
    let p = 0.5;
    let g = localities(
        &["a", "b", "c", "d"],
        &[("a", "b", p), ("a", "c", p), ("b", "d", p), ("c", "d", p)],
    );
    let runs = 40_000;
    let r = simulate(&g, &config(Model::IndependentCascade, runs, &["a"]), None).unwrap();
    let exact_d = 1.0 - (1.0 - p * p) * (1.0 - p * p);
    assert_close(r.nodes[3].probability, exact_d, runs, "P(d)");
    let enumerated = exact_ic(&g, &SusceptibilityParams::neutral(), &[0], 10);
    assert!(
        (enumerated.final_prob(3) - exact_d).abs() < 1e-12,
        "enumeration agrees with closed form"
    );
}

#[test]
fn ic_susceptibility_scales_edge_probability() {
    // p = 0.8 and s(b) = 0.5 via the constant model: P(b) = 0.4.
    let g = localities(&["a", "b"], &[("a", "b", 0.8)]);
    let mut c = config(Model::IndependentCascade, 40_000, &["a"]);
    c.susceptibility.model = SusceptibilityModel::Constant { value: 0.5 };
    let r = simulate(&g, &c, None).unwrap();
    assert_close(r.nodes[1].probability, 0.4, c.runs, "P(b)");
    assert_eq!(r.nodes[0].susceptibility, 0.5);
    assert_eq!(r.nodes[0].probability, 1.0, "a seed adopts whatever its susceptibility");
}

#[test]
fn lt_deterministic_thresholds_at_full_and_zero_weight() {
    // Weight 1 reaches every threshold in (0, 1]; weight 0 none.
    let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
    for k in ["a", "b", "c", "d"] {
        b.add_node(NodeSpec::new(k, NodeKind::Locality)).unwrap();
    }
    let mut e = EdgeSpec::with_probability("a", "b", 0.1);
    e.weight = Some(1.0);
    b.add_edge(&e).unwrap();
    let mut e = EdgeSpec::with_probability("b", "c", 0.1);
    e.weight = Some(1.0);
    b.add_edge(&e).unwrap();
    let mut e = EdgeSpec::with_probability("c", "d", 0.1);
    e.weight = Some(0.0);
    b.add_edge(&e).unwrap();
    let g = b.build();
    let r = simulate(&g, &config(Model::LinearThreshold, 500, &["a"]), None).unwrap();
    let probs: Vec<f64> = r.nodes.iter().map(|n| n.probability).collect();
    assert_eq!(probs, vec![1.0, 1.0, 1.0, 0.0]);
    let curve: Vec<f64> = r.curve.iter().take(4).map(|c| c.mean).collect();
    assert_eq!(curve, vec![1.0, 2.0, 3.0, 3.0]);
}

#[test]
fn lt_path_and_diamond_closed_forms() {
    // Path: P(c) = w_ab · w_bc. Diamond: P(d) = w_bd · w_ab + w_cd · w_ac (live-edge choice).
    let g = localities(&["a", "b", "c"], &[("a", "b", 0.6), ("b", "c", 0.5)]);
    let runs = 40_000;
    let r = simulate(&g, &config(Model::LinearThreshold, runs, &["a"]), None).unwrap();
    assert_close(r.nodes[2].probability, 0.3, runs, "LT path P(c)");

    let g = localities(
        &["a", "b", "c", "d"],
        &[("a", "b", 0.6), ("a", "c", 0.7), ("b", "d", 0.3), ("c", "d", 0.4)],
    );
    let r = simulate(&g, &config(Model::LinearThreshold, runs, &["a"]), None).unwrap();
    let exact_d = 0.3 * 0.6 + 0.4 * 0.7;
    assert_close(r.nodes[3].probability, exact_d, runs, "LT diamond P(d)");
    let enumerated = exact_lt(&g, &SusceptibilityParams::neutral(), &[0], 10);
    assert!((enumerated.final_prob(3) - exact_d).abs() < 1e-12);
}

#[test]
fn lt_normalises_incoming_weights_above_one() {
    // Two edges into c with weights 0.8 each: normalised to 0.5 each, so with both a and b
    // seeds c always adopts; with only a it adopts with probability 0.5.
    let g = localities(&["a", "b", "c"], &[("a", "c", 0.8), ("b", "c", 0.8)]);
    let runs = 20_000;
    let both = simulate(&g, &config(Model::LinearThreshold, runs, &["a", "b"]), None).unwrap();
    assert_eq!(both.nodes[2].probability, 1.0);
    let one = simulate(&g, &config(Model::LinearThreshold, runs, &["a"]), None).unwrap();
    assert_close(one.nodes[2].probability, 0.5, runs, "normalised LT weight");
}

/// A small graph with a cycle, a carrier NGO, a network and enabling factors.
fn rich_graph() -> DiffusionGraph {
    let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
    let mut add = |key: &str, kind, factors| {
        let mut spec = NodeSpec::new(key, kind);
        spec.factors = factors;
        b.add_node(spec).unwrap();
    };
    add(
        "a",
        NodeKind::Locality,
        EnablingFactors { integration_officer: Some(true), ..Default::default() },
    );
    add(
        "b",
        NodeKind::Locality,
        EnablingFactors {
            public_attitudes: Some(2.0),
            politicisation: Some(0.9),
            ..Default::default()
        },
    );
    add(
        "c",
        NodeKind::Locality,
        EnablingFactors {
            local_responsibility: Some(true),
            specialist_information: Some(true),
            ..Default::default()
        },
    );
    add("d", NodeKind::Locality, EnablingFactors::default());
    add("ngo", NodeKind::Organisation, EnablingFactors::default());
    add("net", NodeKind::Network, EnablingFactors::default());
    let edges = [
        ("a", "b", 0.6),
        ("b", "a", 0.4),
        ("a", "ngo", 0.7),
        ("ngo", "c", 0.8),
        ("ngo", "d", 0.5),
        ("c", "net", 0.6),
        ("net", "b", 0.5),
        ("net", "d", 0.5),
        ("d", "c", 0.3),
        ("b", "c", 0.2),
    ];
    for (s, t, p) in edges {
        b.add_edge(&EdgeSpec::with_probability(s, t, p)).unwrap();
    }
    b.build()
}

#[test]
fn ic_converges_to_enumeration_with_susceptibility_and_carriers() {
    let g = rich_graph();
    let mut c = config(Model::IndependentCascade, 60_000, &["a"]);
    c.susceptibility = SusceptibilityParams::default();
    c.max_steps = 6;
    let r = simulate(&g, &c, None).unwrap();
    let exact = exact_ic(&g, &c.susceptibility, &[0], 6);
    for v in 0..g.node_count() {
        assert_close(r.nodes[v].probability, exact.final_prob(v), c.runs, &format!("IC node {v}"));
    }
    let curve = exact.curve(&g);
    for (t, point) in r.curve.iter().enumerate() {
        // sd of a count in [0, N] is at most N/2.
        let tol = 5.0 * (r.adopter_nodes as f64 / 2.0) / f64::from(c.runs).sqrt();
        assert!(
            (point.mean - curve[t]).abs() <= tol,
            "IC curve step {t}: {} vs {}",
            point.mean,
            curve[t]
        );
    }
}

#[test]
fn lt_converges_to_enumeration_with_susceptibility_and_carriers() {
    let g = rich_graph();
    let mut c = config(Model::LinearThreshold, 60_000, &["a"]);
    c.susceptibility = SusceptibilityParams::default();
    c.max_steps = 6;
    let r = simulate(&g, &c, None).unwrap();
    let exact = exact_lt(&g, &c.susceptibility, &[0], 6);
    for v in 0..g.node_count() {
        assert_close(r.nodes[v].probability, exact.final_prob(v), c.runs, &format!("LT node {v}"));
    }
    let curve = exact.curve(&g);
    for (t, point) in r.curve.iter().enumerate() {
        // sd of a count in [0, N] is at most N/2.
        let tol = 5.0 * (r.adopter_nodes as f64 / 2.0) / f64::from(c.runs).sqrt();
        assert!(
            (point.mean - curve[t]).abs() <= tol,
            "LT curve step {t}: {} vs {}",
            point.mean,
            curve[t]
        );
    }
}

#[test]
fn max_steps_truncates_the_cascade() {
    let g = localities(&["a", "b", "c"], &[("a", "b", 1.0), ("b", "c", 1.0)]);
    let mut c = config(Model::IndependentCascade, 10, &["a"]);
    c.max_steps = 1;
    let r = simulate(&g, &c, None).unwrap();
    assert_eq!(r.nodes[1].probability, 1.0);
    assert_eq!(r.nodes[2].probability, 0.0);
    assert_eq!(r.curve.len(), 2);
}

#[test]
fn carriers_are_bridges_not_adopters() {
    // a -> ngo -> b, probability 1: the NGO relays in every run and b adopts through it.
    let g = graph(
        &[("a", NodeKind::Locality), ("ngo", NodeKind::Organisation), ("b", NodeKind::Locality)],
        &[("a", "ngo", 1.0), ("ngo", "b", 1.0)],
    );
    let r = simulate(&g, &config(Model::IndependentCascade, 50, &["a"]), None).unwrap();
    assert_eq!(r.adopter_nodes, 2);
    assert_eq!(r.final_adopters.mean, 2.0, "the NGO is not counted as an adopter");
    assert_eq!(r.mean_adoptions_via_carriers, 1.0);
    assert_eq!(r.carriers.len(), 1);
    assert_eq!((r.carriers[0].runs_active, r.carriers[0].runs_relayed), (50, 50));
    assert_eq!(r.carriers[0].mean_direct_activations, 1.0);
    let bridges: Vec<(&str, &str, u32, bool)> = r
        .bridges
        .iter()
        .map(|b| (b.source.as_str(), b.target.as_str(), b.runs, b.via_carrier))
        .collect();
    assert_eq!(bridges, vec![("a", "ngo", 50, true), ("ngo", "b", 50, true)]);
}

#[test]
fn results_are_reported_by_graph_id_whatever_the_internal_numbering() {
    // Ids out of breadth-first order (the simulation renumbers internally from the seed "a"):
    // every per-node, per-edge and per-carrier figure must land on the right key.
    let g = graph(
        &[
            ("x", NodeKind::Locality),
            ("b", NodeKind::Locality),
            ("ngo", NodeKind::Organisation),
            ("a", NodeKind::Locality),
            ("c", NodeKind::Locality),
        ],
        &[("a", "ngo", 1.0), ("ngo", "b", 1.0), ("b", "c", 0.0), ("x", "a", 1.0)],
    );
    let r = simulate(&g, &config(Model::IndependentCascade, 40, &["a"]), None).unwrap();
    let p: Vec<(&str, f64, bool)> =
        r.nodes.iter().map(|n| (n.key.as_str(), n.probability, n.seed)).collect();
    assert_eq!(
        p,
        vec![
            ("x", 0.0, false),
            ("b", 1.0, false),
            ("ngo", 1.0, false),
            ("a", 1.0, true),
            ("c", 0.0, false)
        ]
    );
    let bridges: Vec<(&str, &str, u32)> =
        r.bridges.iter().map(|b| (b.source.as_str(), b.target.as_str(), b.runs)).collect();
    // Equal runs: by edge id, i.e. by source id (ngo = 2 before a = 3).
    assert_eq!(bridges, vec![("ngo", "b", 40), ("a", "ngo", 40)]);
    assert_eq!((r.carriers[0].key.as_str(), r.carriers[0].runs_relayed), ("ngo", 40));
}
