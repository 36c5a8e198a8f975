//! Monte Carlo over many runs of a diffusion model: reproducible per-run random streams,
//! parallel across runs with rayon, summarised as curves, per-node probabilities and bridges.
//!
//! **Reproducibility**: run `r` draws from its own ChaCha8 generator seeded with the master
//! `seed` (via `SeedableRng::seed_from_u64`) on stream `r` (`set_stream(r)`), so run `r`'s
//! outcome depends on `(seed, r)` only. Every cross-run aggregate is an integer count or a
//! per-run value stored at index `r`, so results are bit-identical for any number of threads.
//!
//! **Summaries** over `R` runs (95 % level):
//! * adoption curve: at each step, mean number of active adopter nodes (non-carriers) and the
//!   2.5 / 97.5 % percentiles across runs (linear interpolation, [`crate::stats`]);
//! * final adoption probability per node: share of runs in which it was active, with a Wilson
//!   score interval;
//! * bridges: per edge, the number of runs in which it carried an activation; per carrier
//!   node (NGO, network), the runs in which it was active, the runs in which it passed the
//!   practice on, and the mean number of nodes it activated directly per run.
//!
//! Cost: R runs × the cost of one run (see [`crate::model`]) divided over the threads, plus
//! O(threads × (n + m)) for per-thread counters and O(R · steps · log R) for percentiles.

use std::sync::atomic::{AtomicUsize, Ordering};

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{DiffusionError, Result};
use crate::graph::{DiffusionGraph, EdgeId, NodeId, NodeKind};
use crate::model::{self, Model, NO_EDGE, Prepared, Scratch};
use crate::stats::{self, Interval, Z_95};
use crate::susceptibility::SusceptibilityParams;

/// Settings of a Monte Carlo simulation (TOML/JSON-able).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulationConfig {
    /// Diffusion model (`"ic"` or `"lt"`).
    pub model: Model,
    /// Number of Monte Carlo runs R (≥ 1).
    pub runs: u32,
    /// Master seed.
    pub seed: u64,
    /// Maximum number of time steps per run.
    pub max_steps: u32,
    /// Keys of the initial adopters.
    pub seeds: Vec<String>,
    /// How enabling factors set susceptibility.
    pub susceptibility: SusceptibilityParams,
    /// How many of the most-used edges to report as bridges.
    pub top_bridges: usize,
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            model: Model::IndependentCascade,
            runs: 1000,
            seed: 0,
            max_steps: 20,
            seeds: Vec::new(),
            susceptibility: SusceptibilityParams::default(),
            top_bridges: 50,
        }
    }
}

impl SimulationConfig {
    /// Checks the settings that do not depend on a graph.
    ///
    /// # Errors
    /// Zero runs, no seeds, or bad susceptibility parameters.
    pub fn validate(&self) -> Result<()> {
        if self.runs == 0 {
            return Err(DiffusionError::InvalidSetting {
                field: "runs",
                value: "0".into(),
                expected: "at least 1 run",
            });
        }
        if self.max_steps > 1_000_000 {
            return Err(DiffusionError::InvalidSetting {
                field: "max_steps",
                value: self.max_steps.to_string(),
                expected: "at most 1000000 steps",
            });
        }
        if self.seeds.is_empty() {
            return Err(DiffusionError::NoSeeds);
        }
        self.susceptibility.validate()
    }
}

/// Progress of a Monte Carlo simulation, reported after every finished run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Runs finished so far.
    pub done: usize,
    /// Runs in total.
    pub total: usize,
}

/// A progress callback; called from worker threads, so it must be `Sync`.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Sync);

/// One point of an adoption curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Time step (0 = seeds only).
    pub step: u32,
    /// Mean number of active adopter nodes.
    pub mean: f64,
    /// 2.5 % and 97.5 % percentiles across runs.
    pub band: Interval,
}

/// Mean, standard deviation and percentile band of a per-run quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean across runs.
    pub mean: f64,
    /// Sample standard deviation across runs.
    pub sd: f64,
    /// 2.5 % and 97.5 % percentiles across runs.
    pub band: Interval,
}

/// Final adoption of one node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeAdoption {
    /// Node id.
    pub node: NodeId,
    /// Node key.
    pub key: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Carrier flag.
    pub carrier: bool,
    /// Whether it is a seed.
    pub seed: bool,
    /// Susceptibility used.
    pub susceptibility: f64,
    /// Runs in which it was active at the end.
    pub runs_active: u32,
    /// `runs_active / R`.
    pub probability: f64,
    /// 95 % Wilson interval of the probability.
    pub interval: Interval,
}

/// An edge that carried adoption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BridgeUse {
    /// Edge id.
    pub edge: EdgeId,
    /// Source key.
    pub source: String,
    /// Target key.
    pub target: String,
    /// Whether source or target is a carrier node.
    pub via_carrier: bool,
    /// Runs in which the edge activated its target.
    pub runs: u32,
    /// `runs / R`.
    pub share: f64,
}

/// How a carrier node (NGO, network) relayed adoption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CarrierUse {
    /// Node id.
    pub node: NodeId,
    /// Node key.
    pub key: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Runs in which the practice reached it.
    pub runs_active: u32,
    /// Runs in which it activated at least one other node.
    pub runs_relayed: u32,
    /// Mean number of nodes it activated directly per run.
    pub mean_direct_activations: f64,
}

/// Everything a Monte Carlo simulation reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloResult {
    /// Model run.
    pub model: Model,
    /// Number of runs R.
    pub runs: u32,
    /// Master seed.
    pub seed: u64,
    /// Steps per run.
    pub max_steps: u32,
    /// Number of adopter (non-carrier) nodes in the graph.
    pub adopter_nodes: usize,
    /// Adoption curve, steps `0..=max_steps`.
    pub curve: Vec<CurvePoint>,
    /// Final number of adopters per run.
    pub final_adopters: Summary,
    /// Mean number of adopter nodes activated directly by a carrier node, per run.
    pub mean_adoptions_via_carriers: f64,
    /// Final adoption per node, in id order.
    pub nodes: Vec<NodeAdoption>,
    /// The `top_bridges` most-used edges, by runs (descending), then edge id.
    pub bridges: Vec<BridgeUse>,
    /// Carrier nodes by runs relayed (descending), then id.
    pub carriers: Vec<CarrierUse>,
    /// Final adopter count of each run, index = run.
    pub final_adopters_per_run: Vec<u32>,
}

/// How many activated entries ahead [`Counters::record`] prefetches its counters.
const RECORD_PREFETCH_AHEAD: usize = 128;

/// Cross-run integer counters of one side of a simulation.
#[derive(Debug, Clone)]
pub(crate) struct Counters {
    node_active: Vec<u32>,
    edge_use: Vec<u32>,
    relayed: Vec<u32>,
}

impl Counters {
    pub(crate) fn new(n: usize, m: usize) -> Self {
        Counters { node_active: vec![0; n], edge_use: vec![0; m], relayed: vec![0; n] }
    }

    /// Adds the outcome left in `scratch` by [`model::run`] on `prepared`.
    pub(crate) fn record(&mut self, scratch: &mut Scratch, prepared: &Prepared<'_>) {
        let len = scratch.activated().len();
        for i in 0..len {
            // The counters are indexed by random node and edge ids: fetch a few entries ahead.
            if i + RECORD_PREFETCH_AHEAD < len {
                let j = i + RECORD_PREFETCH_AHEAD;
                model::prefetch(&self.node_active, scratch.activated()[j] as usize);
                model::prefetch(&self.edge_use, scratch.parent(j) as usize);
            }
            let v = scratch.activated()[i];
            self.node_active[v as usize] += 1;
            let e = scratch.parent(i);
            if e != NO_EDGE {
                self.edge_use[e as usize] += 1;
                // Relays are reported for carriers only.
                if let Some(u) = prepared.carrier_source(e)
                    && scratch.mark_relay(u)
                {
                    self.relayed[u as usize] += 1;
                }
            }
        }
    }

    /// The counters re-indexed from `prepared`'s internal numbering (in which
    /// [`Counters::record`] counts) to graph node and edge ids.
    pub(crate) fn into_graph_ids(self, prepared: &Prepared<'_>) -> Counters {
        let mut out = Counters::new(self.node_active.len(), self.edge_use.len());
        for (i, (&a, &r)) in self.node_active.iter().zip(&self.relayed).enumerate() {
            #[allow(clippy::cast_possible_truncation)]
            let g = prepared.graph_node(i as u32) as usize;
            out.node_active[g] = a;
            out.relayed[g] = r;
        }
        for (e, &k) in self.edge_use.iter().enumerate() {
            #[allow(clippy::cast_possible_truncation)]
            let g = prepared.graph_edge(e as u32) as usize;
            out.edge_use[g] = k;
        }
        out
    }

    pub(crate) fn merge(mut self, other: Counters) -> Counters {
        add(&mut self.node_active, &other.node_active);
        add(&mut self.edge_use, &other.edge_use);
        add(&mut self.relayed, &other.relayed);
        self
    }
}

fn add(a: &mut [u32], b: &[u32]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// The generator of run `r` under master seed `seed`.
#[must_use]
pub fn run_rng(seed: u64, r: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(r);
    rng
}

/// Runs `config.runs` Monte Carlo runs of `config.model` on `graph` in parallel (on the
/// current rayon pool) and summarises them (module docs).
///
/// # Errors
/// Invalid configuration or unknown seed keys.
pub fn simulate(
    graph: &DiffusionGraph,
    config: &SimulationConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<MonteCarloResult> {
    config.validate()?;
    let seeds = graph.resolve_keys(&config.seeds, "seeds")?;
    let prepared = Prepared::with_seeds(graph, &config.susceptibility, &seeds)?;
    let width = config.max_steps as usize + 1;
    let runs = config.runs as usize;
    let mut curves = vec![0u32; runs * width];
    let (n, m) = (graph.node_count(), graph.edge_count());
    let done = AtomicUsize::new(0);
    let counters = curves
        .par_chunks_mut(width)
        .enumerate()
        .fold(
            || (Scratch::new(n), Counters::new(n, m)),
            |(mut scratch, mut counters), (r, curve)| {
                let mut rng = run_rng(config.seed, r as u64);
                model::run(
                    config.model,
                    &prepared,
                    &seeds,
                    config.max_steps,
                    &mut rng,
                    &mut scratch,
                );
                curve.copy_from_slice(&scratch.curve);
                counters.record(&mut scratch, &prepared);
                report(progress, &done, runs);
                (scratch, counters)
            },
        )
        .map(|(_, c)| c)
        .reduce_with(Counters::merge)
        .unwrap_or_else(|| Counters::new(n, m))
        .into_graph_ids(&prepared);
    Ok(summarise(&prepared, config, &seeds, &curves, &counters))
}

pub(crate) fn report(progress: Option<ProgressFn<'_>>, done: &AtomicUsize, total: usize) {
    if let Some(f) = progress {
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        f(Progress { done: d, total });
    }
}

/// Builds the result from per-run curves (row-major, `runs × (max_steps + 1)`) and counters.
pub(crate) fn summarise(
    prepared: &Prepared<'_>,
    config: &SimulationConfig,
    seeds: &[NodeId],
    curves: &[u32],
    counters: &Counters,
) -> MonteCarloResult {
    let graph = prepared.graph();
    let width = config.max_steps as usize + 1;
    let runs = config.runs as usize;
    #[allow(clippy::cast_precision_loss)]
    let r_f = runs as f64;
    let curve = mean_curve(curves, width, runs);
    let final_adopters_per_run: Vec<u32> =
        (0..runs).map(|r| curves[r * width + width - 1]).collect();
    let mut finals: Vec<f64> = final_adopters_per_run.iter().map(|&x| f64::from(x)).collect();
    let (mean, sd) = stats::mean_sd(&finals);
    let final_adopters = Summary { mean, sd, band: stats::percentile_band(&mut finals) };
    let nodes = node_adoptions(prepared, seeds, counters, runs);
    let (bridges, via_carriers) = bridge_uses(graph, counters, config.top_bridges, r_f);
    let carriers = carrier_uses(graph, counters, r_f);
    #[allow(clippy::cast_precision_loss)]
    let mean_adoptions_via_carriers = via_carriers as f64 / r_f;
    MonteCarloResult {
        model: config.model,
        runs: config.runs,
        seed: config.seed,
        max_steps: config.max_steps,
        adopter_nodes: graph.nodes().iter().filter(|n| !n.carrier).count(),
        curve,
        final_adopters,
        mean_adoptions_via_carriers,
        nodes,
        bridges,
        carriers,
        final_adopters_per_run,
    }
}

/// The mean adopters at each step over the runs, with their percentile band.
fn mean_curve(curves: &[u32], width: usize, runs: usize) -> Vec<CurvePoint> {
    let mut column = vec![0.0f64; runs];
    (0..width)
        .map(|t| {
            for (r, slot) in column.iter_mut().enumerate() {
                *slot = f64::from(curves[r * width + t]);
            }
            let (mean, _) = stats::mean_sd(&column);
            #[allow(clippy::cast_possible_truncation)]
            let step = t as u32;
            CurvePoint { step, mean, band: stats::percentile_band(&mut column) }
        })
        .collect()
}

/// Per node: how many of the `runs` activated it, as a probability with a Wilson interval.
fn node_adoptions(
    prepared: &Prepared<'_>,
    seeds: &[NodeId],
    counters: &Counters,
    runs: usize,
) -> Vec<NodeAdoption> {
    let graph = prepared.graph();
    #[allow(clippy::cast_precision_loss)]
    let r_f = runs as f64;
    let mut is_seed = vec![false; graph.node_count()];
    for s in seeds {
        is_seed[s.index()] = true;
    }
    graph
        .nodes()
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let k = counters.node_active[i];
            #[allow(clippy::cast_possible_truncation)]
            let id = NodeId(i as u32);
            NodeAdoption {
                node: id,
                key: node.key.clone(),
                kind: node.kind,
                carrier: node.carrier,
                seed: is_seed[i],
                susceptibility: prepared.susceptibility()[i],
                runs_active: k,
                probability: f64::from(k) / r_f,
                interval: stats::wilson(u64::from(k), runs as u64, Z_95),
            }
        })
        .collect()
}

/// The `top` edges used in most runs, and how many activations went from a carrier to an
/// adopter in all runs together.
fn bridge_uses(
    graph: &DiffusionGraph,
    counters: &Counters,
    top: usize,
    r_f: f64,
) -> (Vec<BridgeUse>, u64) {
    let mut used: Vec<u32> = (0..graph.edge_count())
        .filter(|&e| counters.edge_use[e] > 0)
        .map(|e| u32::try_from(e).unwrap_or(u32::MAX))
        .collect();
    let mut via_carriers = 0u64;
    for &e in &used {
        let edge = graph.edge(EdgeId(e));
        if graph.node(edge.source).carrier && !graph.node(edge.target).carrier {
            via_carriers += u64::from(counters.edge_use[e as usize]);
        }
    }
    used.sort_unstable_by(|&a, &b| {
        counters.edge_use[b as usize].cmp(&counters.edge_use[a as usize]).then(a.cmp(&b))
    });
    used.truncate(top);
    let bridges = used
        .iter()
        .map(|&e| {
            let edge = graph.edge(EdgeId(e));
            let (s, t) = (graph.node(edge.source), graph.node(edge.target));
            let runs_used = counters.edge_use[e as usize];
            BridgeUse {
                edge: EdgeId(e),
                source: s.key.clone(),
                target: t.key.clone(),
                via_carrier: s.carrier || t.carrier,
                runs: runs_used,
                share: f64::from(runs_used) / r_f,
            }
        })
        .collect();
    (bridges, via_carriers)
}

/// The carriers, those relaying in most runs first: how often each was active and relayed, and
/// how many nodes it activated directly on average (the uses of its out-edges).
fn carrier_uses(graph: &DiffusionGraph, counters: &Counters, r_f: f64) -> Vec<CarrierUse> {
    let mut carriers: Vec<CarrierUse> = graph
        .nodes()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.carrier)
        .map(|(i, n)| {
            #[allow(clippy::cast_possible_truncation)]
            let id = NodeId(i as u32);
            let children: u64 =
                graph.out_edges(id).map(|e| u64::from(counters.edge_use[e.index()])).sum();
            #[allow(clippy::cast_precision_loss)]
            let mean_direct = children as f64 / r_f;
            CarrierUse {
                node: id,
                key: n.key.clone(),
                kind: n.kind,
                runs_active: counters.node_active[i],
                runs_relayed: counters.relayed[i],
                mean_direct_activations: mean_direct,
            }
        })
        .collect();
    carriers.sort_by(|a, b| b.runs_relayed.cmp(&a.runs_relayed).then(a.node.cmp(&b.node)));
    carriers
}
