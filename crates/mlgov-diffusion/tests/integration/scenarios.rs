//! What-if scenarios: parsing from TOML, application, paired differences, diagnostics.

use mlgov_diffusion::*;

use super::common::*;

const SCENARIO: &str = r#"
name = "Valdera joins the network, officers, NGO in A and B"

[[intervention]]
kind = "join_network"
locality = "valdera"
network = "net"
frequency = 5

[[intervention]]
kind = "set_attributes"
nodes = ["a", "b"]
set = { integration_officer = true, public_attitudes = 4 }

[[intervention]]
kind = "add_carrier"
node = { key = "ngo:new", kind = "organisation" }
edges = [
  { source = "ngo:new", target = "a", probability = 0.5, bidirectional = true },
  { source = "ngo:new", target = "b", frequency = 4, shared_memberships = 1 },
]
"#;

fn base() -> DiffusionGraph {
    graph(
        &[
            ("valdera", NodeKind::Locality),
            ("net", NodeKind::Network),
            ("a", NodeKind::Locality),
            ("b", NodeKind::Locality),
        ],
        &[("net", "a", 0.5)],
    )
}

#[test]
fn scenario_parses_from_toml_and_applies() {
    let scenario: Scenario = toml::from_str(SCENARIO).unwrap();
    assert_eq!(scenario.interventions.len(), 3);
    let g = base();
    let s = scenario.apply(&g).unwrap();
    // Existing nodes keep their ids; the NGO is appended as a carrier.
    for (i, n) in g.nodes().iter().enumerate() {
        assert_eq!(s.nodes()[i].key, n.key);
    }
    let ngo = s.node_id("ngo:new").unwrap();
    assert_eq!(ngo, NodeId(4));
    assert!(s.node(ngo).carrier);
    let a = s.node(s.node_id("a").unwrap());
    assert_eq!(a.factors.integration_officer, Some(true));
    assert_eq!(a.factors.public_attitudes, Some(4.0));
    // join_network: both directions with p = 0.3 · 5/5; add_carrier: 3 edges; 1 original.
    assert_eq!(s.edge_count(), 1 + 2 + 3);
    let v = s.node_id("valdera").unwrap();
    let e = s.out_edges(v).next().unwrap();
    assert!((s.edge(e).probability - 0.3).abs() < 1e-12);
    // ngo -> b: 1 - (1 - 0.3·4/5)(1 - 0.05) = 1 - 0.76 · 0.95
    let b = s.node_id("b").unwrap();
    let e = s.out_edges(ngo).find(|&e| s.edge(e).target == b).unwrap();
    assert!((s.edge(e).probability - (1.0 - 0.76 * 0.95)).abs() < 1e-12);
    // The scenario survives a round trip through TOML.
    let again: Scenario = toml::from_str(&toml::to_string(&scenario).unwrap()).unwrap();
    assert_eq!(again, scenario);
}

#[test]
fn empty_scenario_gives_exactly_zero_differences() {
    let g = base();
    let c = config(Model::IndependentCascade, 500, &["net"]);
    let cmp = compare(&g, &Scenario::default(), &c, None).unwrap();
    assert_eq!(cmp.baseline.nodes, cmp.scenario.nodes);
    assert_eq!(cmp.final_adopters.mean, 0.0);
    assert_eq!(cmp.final_adopters.interval, Interval { low: 0.0, high: 0.0 });
    assert!(
        cmp.nodes.iter().all(|n| n.difference == 0.0 && n.runs_gained == 0 && n.runs_lost == 0)
    );
    assert!(cmp.added_nodes.is_empty());
}

#[test]
fn an_ngo_bridging_an_isolated_locality_raises_its_adoption() {
    // a is a seed; b is isolated. An NGO working in a and b gives P(b) = 0.8 · 0.5 (IC).
    let g = localities(&["a", "b", "c"], &[("a", "c", 0.5)]);
    let scenario = Scenario {
        name: "NGO in a and b".into(),
        description: None,
        interventions: vec![Intervention::AddCarrier {
            node: NodeSpec::new("ngo", NodeKind::Organisation),
            edges: vec![
                EdgeSpec::with_probability("a", "ngo", 0.8),
                EdgeSpec::with_probability("ngo", "b", 0.5),
            ],
        }],
    };
    let c = config(Model::IndependentCascade, 20_000, &["a"]);
    let cmp = compare(&g, &scenario, &c, None).unwrap();
    let b = cmp.nodes.iter().find(|n| n.key == "b").unwrap();
    assert_eq!(b.baseline, 0.0);
    assert_close(b.scenario, 0.4, c.runs, "P(b) with the NGO");
    assert_eq!(b.difference, b.scenario - b.baseline);
    assert_eq!(b.runs_lost, 0);
    assert!(b.interval.low > 0.35 && b.interval.high < 0.45, "{:?}", b.interval);
    // Paired on the same streams, c is untouched: a -> c is tried first in both graphs.
    let cn = cmp.nodes.iter().find(|n| n.key == "c").unwrap();
    assert_eq!(cn.difference, 0.0);
    assert_eq!(cmp.added_nodes, vec!["ngo".to_owned()]);
    assert_close(cmp.final_adopters.mean, 0.4, c.runs, "mean gain in adopters");
    assert!(cmp.final_adopters.interval.low > 0.35);
    assert_eq!(cmp.scenario.carriers[0].key, "ngo");
}

#[test]
fn appointing_officers_raises_susceptibility_in_expectation() {
    let g = localities(&["a", "b", "c", "d"], &[("a", "b", 0.9), ("a", "c", 0.9), ("b", "d", 0.9)]);
    let scenario = Scenario {
        name: "officers".into(),
        description: None,
        interventions: vec![Intervention::SetAttributes {
            nodes: vec!["b".into(), "c".into(), "d".into()],
            set: EnablingFactors { integration_officer: Some(true), ..Default::default() },
        }],
    };
    let mut c = config(Model::IndependentCascade, 20_000, &["a"]);
    c.susceptibility = SusceptibilityParams::default();
    let cmp = compare(&g, &scenario, &c, None).unwrap();
    // s = σ(-1) → σ(0): P(b) 0.9·0.2689 → 0.9·0.5.
    let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
    let b = cmp.nodes.iter().find(|n| n.key == "b").unwrap();
    assert_close(b.baseline, 0.9 * sig(-1.0), c.runs, "baseline P(b)");
    assert_close(b.scenario, 0.9 * sig(0.0), c.runs, "scenario P(b)");
    assert!(b.interval.low > 0.15);
    for step in &cmp.curve[1..] {
        assert!(step.difference.mean > 0.0 && step.difference.interval.low > 0.0);
    }
}

#[test]
fn unknown_node_in_an_intervention_names_scenario_index_and_key() {
    let scenario: Scenario = toml::from_str(
        r#"
name = "typo"
[[intervention]]
kind = "join_network"
locality = "valdera"
network = "net"
[[intervention]]
kind = "set_attributes"
nodes = ["valdra"]
set = { local_responsibility = true }
"#,
    )
    .unwrap();
    let err = scenario.apply(&base()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "scenario `typo`, intervention #2 (set_attributes): unknown node `valdra` in set_attributes nodes: \
         no node with this key exists in the graph"
    );
}

#[test]
fn bad_inputs_are_diagnosed() {
    let bad_kind =
        toml::from_str::<Scenario>("[[intervention]]\nkind = \"demolish\"\n").unwrap_err();
    assert!(bad_kind.to_string().contains("demolish"), "{bad_kind}");

    let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
    b.add_node(NodeSpec::new("a", NodeKind::Locality)).unwrap();
    assert_eq!(
        b.add_node(NodeSpec::new("a", NodeKind::Network)).unwrap_err(),
        DiffusionError::DuplicateNode { key: "a".into() }
    );
    let mut spec = NodeSpec::new("x", NodeKind::Locality);
    spec.factors.public_attitudes = Some(7.0);
    assert_eq!(
        b.add_node(spec).unwrap_err().to_string(),
        "public_attitudes = 7 is out of range in node `x`: expected a number in [1, 5]"
    );
    b.add_node(NodeSpec::new("b", NodeKind::Locality)).unwrap();
    assert_eq!(
        b.add_edge(&EdgeSpec::from_interaction("a", "b", 6.0, 0)).unwrap_err().to_string(),
        "frequency = 6 is out of range in edge `a` -> `b`: expected an interaction frequency in [0, 5]"
    );
    assert_eq!(
        b.add_edge(&EdgeSpec::with_probability("a", "a", 0.5)).unwrap_err(),
        DiffusionError::SelfLoop { key: "a".into() }
    );
    let g = b.build();
    let mut c = config(Model::IndependentCascade, 10, &[]);
    assert_eq!(simulate(&g, &c, None).unwrap_err(), DiffusionError::NoSeeds);
    c.seeds = vec!["zz".into()];
    assert_eq!(
        simulate(&g, &c, None).unwrap_err().to_string(),
        "unknown node `zz` in seeds: no node with this key exists in the graph"
    );
    c.seeds = vec!["a".into()];
    c.runs = 0;
    assert!(matches!(
        simulate(&g, &c, None),
        Err(DiffusionError::InvalidSetting { field: "runs", .. })
    ));
    c.runs = 10;
    c.susceptibility.carrier_susceptibility = 1.5;
    assert!(matches!(
        simulate(&g, &c, None),
        Err(DiffusionError::OutOfRange { field: "carrier_susceptibility", .. })
    ));
}

#[test]
fn simulation_config_reads_from_toml() {
    let c: SimulationConfig = toml::from_str(
        r#"
model = "lt"
runs = 500
seed = 7
seeds = ["a"]
[susceptibility]
carrier_susceptibility = 0.9
[susceptibility.model]
kind = "logistic"
intercept = 0.5
"#,
    )
    .unwrap();
    assert_eq!(c.model, Model::LinearThreshold);
    assert_eq!(c.max_steps, 20);
    let SusceptibilityModel::Logistic(l) = c.susceptibility.model else {
        panic!("logistic expected")
    };
    assert_eq!(l.intercept, 0.5);
    assert_eq!(l.integration_officer, 1.0, "unset coefficients keep their defaults");
}
