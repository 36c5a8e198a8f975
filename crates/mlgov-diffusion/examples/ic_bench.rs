//! Benchmark harness (not part of the library): Monte Carlo independent cascade on the
//! generated edge list of bench/diffusion, timed. Run through bench/diffusion/run.sh.
//!
//! Usage: `cargo run --release -p mlgov-diffusion --example ic_bench -- DATA_DIR [RUNS] [SEED]`
//! Prints one JSON line: graph build time, simulation time, per-run time, mean final size.

use std::time::Instant;

use mlgov_diffusion::{
    GraphBuilder, Model, NodeId, NodeKind, NodeSpec, ProbabilityParams, SimulationConfig,
    SusceptibilityParams, simulate,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: ic_bench DATA_DIR [RUNS] [SEED]")?;
    let runs: u32 = args.next().map_or(Ok(1000), |s| s.parse())?;
    let seed: u64 = args.next().map_or(Ok(7), |s| s.parse())?;

    let t0 = Instant::now();
    let text = std::fs::read_to_string(format!("{dir}/edges.tsv"))?;
    let mut edges = Vec::with_capacity(1_000_000);
    let mut n = 0u32;
    for (i, line) in text.lines().enumerate() {
        let mut f = line.split('\t');
        let mut next =
            || f.next().ok_or_else(|| format!("edges.tsv line {}: expected 3 fields", i + 1));
        let s: u32 = next()?.parse()?;
        let t: u32 = next()?.parse()?;
        let p: f64 = next()?.parse()?;
        n = n.max(s + 1).max(t + 1);
        edges.push((s, t, p));
    }
    let seeds: Vec<String> = std::fs::read_to_string(format!("{dir}/seeds.txt"))?
        .split_whitespace()
        .map(|s| format!("n{s}"))
        .collect();
    let load_s = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    let mut b = GraphBuilder::new(ProbabilityParams::default())?;
    for i in 0..n {
        b.add_node(NodeSpec::new(format!("n{i}"), NodeKind::Locality))?;
    }
    for &(s, t, p) in &edges {
        b.add_edge_by_id(NodeId(s), NodeId(t), p, p)?;
    }
    let graph = b.build();
    let build_s = t0.elapsed().as_secs_f64();

    let config = SimulationConfig {
        model: Model::IndependentCascade,
        runs,
        seed,
        max_steps: 200,
        seeds,
        susceptibility: SusceptibilityParams::neutral(),
        top_bridges: 50,
    };
    let (t0, c0) = (Instant::now(), cpu_seconds());
    let result = simulate(&graph, &config, None)?;
    let (sim_s, sim_cpu_s) = (t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    println!(
        "{{\"impl\": \"rust\", \"threads\": {}, \"nodes\": {}, \"edges\": {}, \"runs\": {runs}, \
         \"load_s\": {load_s:.3}, \"build_s\": {build_s:.3}, \"sim_s\": {sim_s:.3}, \
         \"per_run_ms\": {:.3}, \"sim_cpu_s\": {sim_cpu_s:.2}, \"cpu_per_run_ms\": {:.3}, \
         \"mean_final_active\": {:.1}, \"p2_5\": {:.1}, \"p97_5\": {:.1}}}",
        rayon::current_num_threads(),
        graph.node_count(),
        graph.edge_count(),
        1000.0 * sim_s / f64::from(runs),
        1000.0 * sim_cpu_s / f64::from(runs),
        result.final_adopters.mean,
        result.final_adopters.band.low,
        result.final_adopters.band.high,
    );
    Ok(())
}

/// CPU time (user + system) of this process in seconds, from /proc/self/stat (Linux; clock
/// ticks of 1/100 s); NaN elsewhere.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return f64::NAN };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}
