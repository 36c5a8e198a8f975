//! Shared fixtures and exact enumeration of adoption probabilities on tiny graphs.

use mlgov_diffusion::*;

/// A graph of localities (and optional other nodes) with explicit edge probabilities.
pub fn graph(nodes: &[(&str, NodeKind)], edges: &[(&str, &str, f64)]) -> DiffusionGraph {
    let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
    for &(key, kind) in nodes {
        b.add_node(NodeSpec::new(key, kind)).unwrap();
    }
    for &(s, t, p) in edges {
        b.add_edge(&EdgeSpec::with_probability(s, t, p)).unwrap();
    }
    b.build()
}

/// Localities only.
pub fn localities(keys: &[&str], edges: &[(&str, &str, f64)]) -> DiffusionGraph {
    let nodes: Vec<(&str, NodeKind)> = keys.iter().map(|&k| (k, NodeKind::Locality)).collect();
    graph(&nodes, edges)
}

/// A config with neutral susceptibility.
pub fn config(model: Model, runs: u32, seeds: &[&str]) -> SimulationConfig {
    SimulationConfig {
        model,
        runs,
        seed: 42,
        max_steps: 10,
        seeds: seeds.iter().map(|s| (*s).to_owned()).collect(),
        susceptibility: SusceptibilityParams::neutral(),
        top_bridges: 100,
    }
}

/// Exact outcome: `reach[v][t]` = P(v active by step t), `t = 0..=steps`.
pub struct Exact {
    pub reach: Vec<Vec<f64>>,
}

impl Exact {
    pub fn final_prob(&self, v: usize) -> f64 {
        *self.reach[v].last().unwrap()
    }

    /// Expected number of active adopter (non-carrier) nodes at each step.
    pub fn curve(&self, g: &DiffusionGraph) -> Vec<f64> {
        let steps = self.reach[0].len();
        (0..steps)
            .map(|t| {
                (0..g.node_count())
                    .filter(|&v| !g.nodes()[v].carrier)
                    .map(|v| self.reach[v][t])
                    .sum()
            })
            .collect()
    }
}

/// Kempe et al.'s live-edge distributions, enumerated: `live[e]` options with probabilities.
/// IC: every edge independently live with probability p·s(target).
pub fn exact_ic(
    g: &DiffusionGraph,
    params: &SusceptibilityParams,
    seeds: &[usize],
    steps: usize,
) -> Exact {
    let prepared = Prepared::new(g, params).unwrap();
    let s = prepared.susceptibility();
    let m = g.edge_count();
    assert!(m <= 20, "enumeration is for tiny graphs");
    let q: Vec<f64> = (0..m)
        .map(|e| {
            let edge = g.edge(EdgeId(e as u32));
            edge.probability * s[edge.target.index()]
        })
        .collect();
    let mut reach = vec![vec![0.0; steps + 1]; g.node_count()];
    for mask in 0u32..(1 << m) {
        let mut prob = 1.0;
        let mut live = Vec::new();
        for (e, &qe) in q.iter().enumerate() {
            if mask & (1 << e) != 0 {
                prob *= qe;
                live.push(e);
            } else {
                prob *= 1.0 - qe;
            }
        }
        if prob == 0.0 {
            continue;
        }
        add_reach(g, &live, seeds, steps, prob, &mut reach);
    }
    Exact { reach }
}

/// LT: every node keeps at most one incoming edge, edge e with probability s(v)·ŵ_e.
pub fn exact_lt(
    g: &DiffusionGraph,
    params: &SusceptibilityParams,
    seeds: &[usize],
    steps: usize,
) -> Exact {
    let prepared = Prepared::new(g, params).unwrap();
    let s = prepared.susceptibility();
    let n = g.node_count();
    let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut total = vec![0.0; n];
    for e in 0..g.edge_count() {
        let edge = g.edge(EdgeId(e as u32));
        total[edge.target.index()] += edge.weight;
    }
    for e in 0..g.edge_count() {
        let edge = g.edge(EdgeId(e as u32));
        let v = edge.target.index();
        incoming[v].push((e, s[v] * edge.weight / total[v].max(1.0)));
    }
    let mut reach = vec![vec![0.0; steps + 1]; n];
    // Mixed-radix enumeration: choice[v] = 0 (none) or 1 + index into incoming[v].
    let mut choice = vec![0usize; n];
    loop {
        let mut prob = 1.0;
        let mut live = Vec::new();
        for v in 0..n {
            if choice[v] == 0 {
                prob *= 1.0 - incoming[v].iter().map(|x| x.1).sum::<f64>();
            } else {
                let (e, w) = incoming[v][choice[v] - 1];
                prob *= w;
                live.push(e);
            }
        }
        if prob > 0.0 {
            add_reach(g, &live, seeds, steps, prob, &mut reach);
        }
        let mut v = 0;
        loop {
            if v == n {
                return Exact { reach };
            }
            choice[v] += 1;
            if choice[v] <= incoming[v].len() {
                break;
            }
            choice[v] = 0;
            v += 1;
        }
    }
}

fn add_reach(
    g: &DiffusionGraph,
    live: &[usize],
    seeds: &[usize],
    steps: usize,
    prob: f64,
    reach: &mut [Vec<f64>],
) {
    let n = g.node_count();
    let mut dist = vec![usize::MAX; n];
    let mut frontier: Vec<usize> = Vec::new();
    for &s in seeds {
        dist[s] = 0;
        frontier.push(s);
    }
    let mut t = 0;
    while !frontier.is_empty() {
        t += 1;
        let mut next = Vec::new();
        for &e in live {
            let edge = g.edge(EdgeId(e as u32));
            let (u, v) = (edge.source.index(), edge.target.index());
            if frontier.contains(&u) && dist[v] == usize::MAX {
                dist[v] = t;
                next.push(v);
            }
        }
        frontier = next;
    }
    for v in 0..n {
        if dist[v] != usize::MAX {
            for slot in reach[v].iter_mut().skip(dist[v].min(steps + 1)) {
                *slot += prob;
            }
        }
    }
}

/// Asserts |estimate − exact| ≤ 5 binomial standard errors (+1e-9): with fixed seeds the
/// tests are deterministic, and 5 σ leaves room across all checked nodes.
pub fn assert_close(estimate: f64, exact: f64, runs: u32, what: &str) {
    let exact = exact.clamp(0.0, 1.0); // enumeration sums can exceed 1 by rounding
    let se = (exact * (1.0 - exact) / f64::from(runs)).sqrt();
    assert!(
        (estimate - exact).abs() <= 5.0 * se + 1e-9,
        "{what}: estimate {estimate} vs exact {exact} (se {se})"
    );
}
