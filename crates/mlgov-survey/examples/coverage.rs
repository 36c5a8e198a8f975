//! Coverage study of the survey intervals (issue 16): how often the 95 % interval of a group
//! mean contains the true mean, by method, group size and the share of the variance that lies
//! between localities. Data: `m` localities of `k` respondents, a normal locality effect with
//! variance ρ and normal noise with variance 1 − ρ (true mean 0); shares: a 0/1 answer with a
//! locality-level probability. Writes a Markdown table on stdout.
//!
//! Usage: `cargo run --release -p mlgov-survey --example coverage -- [REPS] [SEED]`
//! (defaults 2000 and 7; `bench/survey/coverage.sh` runs it and docs/benchmarks-survey.md quotes it).

use mlgov_survey::{IntervalMethod, IntervalSpec, Weighting, group_estimate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random::<f64>());
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn coverage(
    method: IntervalMethod,
    rho: f64,
    m: usize,
    k: usize,
    share: bool,
    reps: usize,
    seed: u64,
) -> (f64, usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut hits, mut none) = (0, 0);
    for r in 0..reps {
        let (mut values, mut locs) = (Vec::new(), Vec::new());
        // Shares: true proportion 0.3, locality proportions spread with the locality effect.
        for h in 0..m {
            let u = normal(&mut rng) * rho.sqrt();
            for _ in 0..k {
                let v = if share {
                    let p = (0.3 + 0.3 * u).clamp(0.0, 1.0);
                    if rng.random::<f64>() < p { 1.0 } else { 0.0 }
                } else {
                    u + normal(&mut rng) * (1.0 - rho).sqrt()
                };
                values.push(v);
                locs.push(h as u32);
            }
        }
        let truth = if share { 0.3 } else { 0.0 };
        let e = group_estimate(
            &values,
            &locs,
            share,
            &IntervalSpec {
                method,
                weighting: Weighting::Respondents,
                confidence: 0.95,
                resamples: 500,
                seed: r as u64,
            },
        );
        match (e.ci_low, e.ci_high) {
            (Some(lo), Some(hi)) => {
                if lo <= truth && truth <= hi {
                    hits += 1;
                }
            }
            _ => none += 1,
        }
    }
    (hits as f64 / (reps - none).max(1) as f64, none)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let reps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(7);
    let methods = [
        IntervalMethod::ClusterT,
        IntervalMethod::ClusterBootstrap,
        IntervalMethod::RespondentBootstrap,
    ];
    println!("Coverage of nominal 95 % intervals, {reps} replications per cell, seed {seed}");
    println!();
    println!(
        "| statistic | localities × respondents (n) | between-locality share ρ | cluster-t | cluster-bootstrap | respondent-bootstrap |"
    );
    println!("|---|---|---|---|---|---|");
    for share in [false, true] {
        for (m, k) in [(2, 5), (5, 2), (5, 4), (12, 5), (20, 10)] {
            for rho in [0.0, 0.1, 0.3] {
                let cells: Vec<String> = methods
                    .iter()
                    .map(|&meth| {
                        let (c, none) = coverage(meth, rho, m, k, share, reps, seed);
                        if none == reps {
                            "no interval".to_string()
                        } else if none > 0 {
                            format!("{:.1} % ({none} without)", c * 100.0)
                        } else {
                            format!("{:.1} %", c * 100.0)
                        }
                    })
                    .collect();
                println!(
                    "| {} | {m} × {k} ({}) | {rho} | {} |",
                    if share { "share (p = 0.3)" } else { "mean" },
                    m * k,
                    cells.join(" | ")
                );
            }
        }
    }
}
