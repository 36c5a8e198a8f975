//! Results are identical for a fixed seed regardless of the number of rayon threads.

use std::sync::Mutex;

use mlgov_diffusion::*;

use super::common::*;

/// A seeded pseudo-random graph of `n` localities, a few NGOs, `m` edges.
fn random_graph(n: usize, m: usize) -> DiffusionGraph {
    let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
    for i in 0..n {
        let kind = if i % 10 == 9 { NodeKind::Organisation } else { NodeKind::Locality };
        let mut spec = NodeSpec::new(format!("n{i}"), kind);
        spec.factors.integration_officer = Some(i % 3 == 0);
        spec.factors.public_attitudes = Some(1.0 + (i % 5) as f64);
        b.add_node(spec).unwrap();
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..m {
        let s = (next() % n as u64) as usize;
        let t = (next() % n as u64) as usize;
        if s != t {
            let f = (next() % 6) as f64;
            b.add_edge(&EdgeSpec::from_interaction(
                format!("n{s}"),
                format!("n{t}"),
                f,
                (next() % 3) as u32,
            ))
            .unwrap();
        }
    }
    b.build()
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

#[test]
fn simulate_is_identical_for_1_2_and_4_threads() {
    let g = random_graph(300, 2000);
    for model in [Model::IndependentCascade, Model::LinearThreshold] {
        let mut c = config(model, 400, &["n0", "n1", "n2"]);
        c.susceptibility = SusceptibilityParams::default();
        let one = in_pool(1, || simulate(&g, &c, None).unwrap());
        let two = in_pool(2, || simulate(&g, &c, None).unwrap());
        let four = in_pool(4, || simulate(&g, &c, None).unwrap());
        assert!(one.final_adopters.mean > 3.0, "the cascade spreads beyond the seeds");
        assert_eq!(one, two, "{model:?}: 1 vs 2 threads");
        assert_eq!(one, four, "{model:?}: 1 vs 4 threads");
    }
}

#[test]
fn compare_is_identical_for_1_2_and_4_threads() {
    let g = random_graph(200, 1200);
    let scenario = Scenario {
        name: "officers".into(),
        description: None,
        interventions: vec![Intervention::SetAttributes {
            nodes: (0..50).map(|i| format!("n{i}")).collect(),
            set: EnablingFactors { integration_officer: Some(true), ..Default::default() },
        }],
    };
    let mut c = config(Model::IndependentCascade, 300, &["n0"]);
    c.susceptibility = SusceptibilityParams::default();
    let one = in_pool(1, || compare(&g, &scenario, &c, None).unwrap());
    let four = in_pool(4, || compare(&g, &scenario, &c, None).unwrap());
    let two = in_pool(2, || compare(&g, &scenario, &c, None).unwrap());
    assert_eq!(one, two);
    assert_eq!(one, four);
}

#[test]
fn a_different_seed_gives_a_different_result() {
    let g = random_graph(300, 2000);
    let mut c = config(Model::IndependentCascade, 200, &["n0"]);
    let a = simulate(&g, &c, None).unwrap();
    c.seed += 1;
    let b = simulate(&g, &c, None).unwrap();
    assert_ne!(a.final_adopters_per_run, b.final_adopters_per_run);
}

#[test]
fn progress_is_reported_once_per_run() {
    let g = random_graph(100, 400);
    let c = config(Model::IndependentCascade, 123, &["n0"]);
    let seen = Mutex::new(Vec::new());
    let callback = |p: Progress| seen.lock().unwrap().push(p);
    in_pool(2, || simulate(&g, &c, Some(&callback)).unwrap());
    let mut seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 123);
    seen.sort_by_key(|p| p.done);
    assert!(seen.iter().enumerate().all(|(i, p)| p.done == i + 1 && p.total == 123));
}
