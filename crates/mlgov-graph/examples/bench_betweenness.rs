//! Timing harness for the betweenness benchmark (bench/graph/run.sh): reads an undirected
//! edge list "u v" and prints one JSON line with the median time over the repeats.
//!
//! Usage: `bench_betweenness EDGE_LIST [REPEATS]`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: bench_betweenness EDGE_LIST [REPEATS]")?;
    let repeats: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3);
    let text = std::fs::read_to_string(&path)?;
    let mut edges = Vec::new();
    let mut n = 0;
    for (line_no, line) in text.lines().enumerate() {
        let mut it = line.split_whitespace();
        let (Some(u), Some(v)) = (it.next(), it.next()) else { continue };
        let u: usize = u.parse().map_err(|e| format!("{path}:{}: {e}", line_no + 1))?;
        let v: usize = v.parse().map_err(|e| format!("{path}:{}: {e}", line_no + 1))?;
        n = n.max(u + 1).max(v + 1);
        edges.push((u, v));
    }
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut b = Vec::new();
    for _ in 0..repeats {
        let (t, c) = (Instant::now(), cpu_seconds());
        b = mlgov_graph::centrality::betweenness_from_edges(n, &edges, false);
        times.push(t.elapsed().as_secs_f64());
        cpus.push(cpu_seconds() - c);
    }
    cpus.sort_by(f64::total_cmp);
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let sum: f64 = b.iter().sum();
    let max = b.iter().copied().fold(0.0, f64::max);
    println!(
        "{{\"tool\": \"mlgov-graph {} (CSR Brandes, {} threads)\", \"nodes\": {n}, \"edges\": {}, \"seconds\": {}, \"all_seconds\": {:?}, \"cpu_seconds\": {}, \"sum\": {sum}, \"max\": {max}, \"node0\": {}}}",
        env!("CARGO_PKG_VERSION"),
        rayon::current_num_threads(),
        edges.len(),
        sorted[sorted.len() / 2],
        times,
        cpus[cpus.len() / 2],
        b.first().copied().unwrap_or(0.0)
    );
    Ok(())
}

/// Process CPU time (user + system, all threads) from /proc/self/stat, in seconds (0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}
