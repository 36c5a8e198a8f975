//! The two diffusion models, run once on a prepared graph: independent cascade and linear
//! threshold in discrete time steps.
//!
//! Both follow Kempe, Kleinberg & Tardos (2003), "Maximizing the spread of influence through
//! a social network", KDD '03, §2; the linear threshold model goes back to Granovetter (1978),
//! "Threshold models of collective behavior", American Journal of Sociology 83(6).
//!
//! **Step 0**: the seeds (initial adopters) are active, whatever their susceptibility.
//!
//! **Independent cascade (IC)**: a node `u` that became active at step `t` gets one chance
//! to activate each inactive out-neighbour `v`; it succeeds with probability `p_uv · s_v`
//! (edge probability times the susceptibility of `v`, see [`crate::susceptibility`]), and
//! then `v` is active from step `t + 1`. Processing order within a step does not change the
//! distribution of the active sets; it decides only which edge is credited with the
//! activation when several could have done it (the first one tried, in frontier order and
//! then CSR order).
//!
//! **Linear threshold (LT)**: each node draws a threshold `θ_v ~ U(0, 1]` per run. Incoming
//! weights are normalised, `ŵ_uv = w_uv / max(1, Σ_u w_uv)`, so they sum to at most 1 as the
//! model requires. `v` becomes active at step `t + 1` when `s_v · Σ_{u active by t} ŵ_uv ≥ θ_v`;
//! susceptibility therefore scales the influence, which is again an LT model with weights
//! `s_v ŵ_uv`. The edge whose influence crossed the threshold is credited. Thresholds are
//! drawn lazily when a node is first reached, so a run costs O(reached nodes + their edges).
//!
//! By Kempe et al.'s live-edge equivalence (their Claims 2.3 and 2.6), the set of active
//! nodes at every step has the same distribution as reachability within `t` steps in a random
//! live-edge graph: IC keeps edge `uv` with probability `p_uv s_v` independently; LT lets
//! every node keep at most one incoming edge, `uv` with probability `s_v ŵ_uv`. The tests use
//! this to enumerate exact probabilities on small graphs.
//!
//! Cost of one run: O(n₀ + Σ out-degree of activated nodes) time after the O(n + m)
//! preparation in [`Prepared::new`]; scratch memory O(n) is reused across runs.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::Rng;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::graph::{DiffusionGraph, NodeId};
use crate::susceptibility::SusceptibilityParams;

/// Which diffusion model to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Model {
    /// Independent cascade.
    #[default]
    #[serde(rename = "ic", alias = "independent_cascade")]
    IndependentCascade,
    /// Linear threshold.
    #[serde(rename = "lt", alias = "linear_threshold")]
    LinearThreshold,
}

/// Marker for "no edge" (a seed has no parent edge).
pub(crate) const NO_EDGE: u32 = u32::MAX;

/// A graph with susceptibilities applied: per-edge IC thresholds and normalised LT weights.
#[derive(Debug, Clone)]
pub struct Prepared<'g> {
    pub(crate) graph: &'g DiffusionGraph,
    susceptibility: Vec<f64>,
    /// `round(p_uv · s_v · 2³²)`: IC succeeds when a uniform `u32` draw is below it.
    ic_threshold: Vec<u64>,
    /// `s_v · ŵ_uv`.
    lt_weight: Vec<f64>,
}

impl<'g> Prepared<'g> {
    /// Applies susceptibilities to `graph`. O(n + m).
    ///
    /// # Errors
    /// If the susceptibility parameters are out of range.
    pub fn new(graph: &'g DiffusionGraph, params: &SusceptibilityParams) -> Result<Self> {
        params.validate()?;
        let susceptibility: Vec<f64> = graph.nodes().iter().map(|n| params.of(n)).collect();
        let mut in_weight = vec![0.0f64; graph.node_count()];
        for (&t, &w) in graph.targets.iter().zip(&graph.weight) {
            in_weight[t as usize] += w;
        }
        let scale = 4_294_967_296.0_f64; // 2^32
        let mut ic_threshold = Vec::with_capacity(graph.edge_count());
        let mut lt_weight = Vec::with_capacity(graph.edge_count());
        for ((&t, &p), &w) in graph.targets.iter().zip(&graph.probability).zip(&graph.weight) {
            let s = susceptibility[t as usize];
            // Values are in [0, 2^32], so the cast is exact after rounding.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            ic_threshold.push(((p * s).clamp(0.0, 1.0) * scale).round() as u64);
            lt_weight.push(s * w / in_weight[t as usize].max(1.0));
        }
        Ok(Prepared { graph, susceptibility, ic_threshold, lt_weight })
    }

    /// The susceptibility of every node, in id order.
    #[must_use]
    pub fn susceptibility(&self) -> &[f64] {
        &self.susceptibility
    }

    /// The graph.
    #[must_use]
    pub fn graph(&self) -> &'g DiffusionGraph {
        self.graph
    }
}

/// Reusable per-thread state of single runs; after [`run`] it holds the run's outcome.
#[derive(Debug, Clone)]
pub struct Scratch {
    epoch: u32,
    active_epoch: Vec<u32>,
    seen_epoch: Vec<u32>,
    relay_epoch: Vec<u32>,
    acc: Vec<f64>,
    theta: Vec<f64>,
    /// Active nodes in activation order.
    pub(crate) active: Vec<u32>,
    /// Parent edge of each entry of `active` ([`NO_EDGE`] for seeds).
    pub(crate) parent: Vec<u32>,
    /// Number of active adopter (non-carrier) nodes at steps `0..=max_steps`.
    pub(crate) curve: Vec<u32>,
}

impl Scratch {
    /// Scratch space for a graph with `n` nodes.
    #[must_use]
    pub fn new(n: usize) -> Self {
        Scratch {
            epoch: 0,
            active_epoch: vec![0; n],
            seen_epoch: vec![0; n],
            relay_epoch: vec![0; n],
            acc: vec![0.0; n],
            theta: vec![0.0; n],
            active: Vec::new(),
            parent: Vec::new(),
            curve: Vec::new(),
        }
    }

    fn begin(&mut self) {
        if self.epoch == u32::MAX {
            self.active_epoch.fill(0);
            self.seen_epoch.fill(0);
            self.relay_epoch.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
        self.active.clear();
        self.parent.clear();
        self.curve.clear();
    }

    /// Whether node index `v` is active in the last run.
    #[must_use]
    pub(crate) fn is_active(&self, v: u32) -> bool {
        self.active_epoch[v as usize] == self.epoch
    }

    /// Marks `u` as having relayed in this run; true the first time per run.
    pub(crate) fn mark_relay(&mut self, u: u32) -> bool {
        let slot = &mut self.relay_epoch[u as usize];
        if *slot == self.epoch {
            false
        } else {
            *slot = self.epoch;
            true
        }
    }

    /// Active nodes of the last run in activation order.
    pub fn active_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.active.iter().map(|&v| NodeId(v))
    }

    /// Adopter counts per step of the last run.
    #[must_use]
    pub fn curve(&self) -> &[u32] {
        &self.curve
    }
}

/// Runs one simulation of `model` from `seeds` for at most `max_steps` steps; the outcome
/// is left in `scratch` (active nodes, parent edges, adopter curve of length `max_steps + 1`).
///
/// `seeds` must be node ids of the prepared graph (duplicates are ignored).
pub fn run(
    model: Model,
    prepared: &Prepared<'_>,
    seeds: &[NodeId],
    max_steps: u32,
    rng: &mut ChaCha8Rng,
    scratch: &mut Scratch,
) {
    let g = prepared.graph;
    let nodes = g.nodes();
    scratch.begin();
    let epoch = scratch.epoch;
    let mut adopters = 0u32;
    for &s in seeds {
        let v = s.0;
        if scratch.active_epoch[v as usize] != epoch {
            scratch.active_epoch[v as usize] = epoch;
            scratch.active.push(v);
            scratch.parent.push(NO_EDGE);
            adopters += u32::from(!nodes[v as usize].carrier);
        }
    }
    scratch.curve.push(adopters);
    let mut start = 0;
    for _step in 1..=max_steps {
        let end = scratch.active.len();
        if start == end {
            break;
        }
        for i in start..end {
            let u = scratch.active[i] as usize;
            let (a, b) = (g.offsets[u] as usize, g.offsets[u + 1] as usize);
            for e in a..b {
                let v = g.targets[e] as usize;
                if scratch.active_epoch[v] == epoch {
                    continue;
                }
                let fires = match model {
                    Model::IndependentCascade => {
                        let thr = prepared.ic_threshold[e];
                        thr != 0 && (thr > u64::from(u32::MAX) || u64::from(rng.next_u32()) < thr)
                    }
                    Model::LinearThreshold => {
                        if scratch.seen_epoch[v] != epoch {
                            scratch.seen_epoch[v] = epoch;
                            scratch.acc[v] = 0.0;
                            scratch.theta[v] = uniform_open_closed(rng);
                        }
                        scratch.acc[v] += prepared.lt_weight[e];
                        scratch.acc[v] >= scratch.theta[v]
                    }
                };
                if fires {
                    scratch.active_epoch[v] = epoch;
                    #[allow(clippy::cast_possible_truncation)]
                    {
                        scratch.active.push(v as u32);
                        scratch.parent.push(e as u32);
                    }
                    adopters += u32::from(!nodes[v].carrier);
                }
            }
        }
        start = end;
        scratch.curve.push(adopters);
    }
    let last = *scratch.curve.last().unwrap_or(&adopters);
    scratch.curve.resize(max_steps as usize + 1, last);
}

/// A uniform draw in (0, 1] with 53 random bits.
fn uniform_open_closed(rng: &mut ChaCha8Rng) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let x = ((rng.next_u64() >> 11) + 1) as f64;
    x * (1.0 / 9_007_199_254_740_992.0) // 2^-53
}
