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
//! Cost of one run: O(n/64 + Σ out-degree of activated nodes) time after the O(n + m)
//! preparation in [`Prepared::new`]; scratch memory O(n) is reused across runs.
//!
//! Implementation notes: the IC inner loop is branch-free (every out-edge of an active node
//! consumes one 32-bit draw, whether or not its target is already active) and reads one packed
//! `(target, threshold)` array; the edge slices of frontier nodes a few places ahead are
//! prefetched. On large sparse graphs a run is bound by memory latency, not arithmetic.
//! IC probabilities are quantised to multiples of 2⁻³² (a probability within 2⁻³² of 1 fires
//! always).

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

/// How many frontier entries ahead edge slices are prefetched (their CSR offsets twice as far).
const PREFETCH_AHEAD: usize = 8;

/// One out-edge as the IC loop reads it.
#[derive(Debug, Clone, Copy)]
struct IcEdge {
    target: u32,
    /// `round(p_uv · s_v · 2³²)` saturated at `u32::MAX`, which means "always".
    threshold: u32,
}

/// A graph with susceptibilities applied: per-edge IC thresholds and normalised LT weights.
#[derive(Debug, Clone)]
pub struct Prepared<'g> {
    pub(crate) graph: &'g DiffusionGraph,
    susceptibility: Vec<f64>,
    ic_edges: Vec<IcEdge>,
    /// `s_v · ŵ_uv`.
    lt_weight: Vec<f64>,
    /// One bit per node: carrier.
    carrier: Vec<u64>,
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
        let mut ic_edges = Vec::with_capacity(graph.edge_count());
        let mut lt_weight = Vec::with_capacity(graph.edge_count());
        for ((&t, &p), &w) in graph.targets.iter().zip(&graph.probability).zip(&graph.weight) {
            let s = susceptibility[t as usize];
            let q = ((p * s).clamp(0.0, 1.0) * scale).round();
            // In [0, 2^32]; saturating cast to u32::MAX ("always").
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let threshold = if q >= scale - 1.0 { u32::MAX } else { q as u32 };
            ic_edges.push(IcEdge { target: t, threshold });
            lt_weight.push(s * w / in_weight[t as usize].max(1.0));
        }
        let mut carrier = vec![0u64; graph.node_count().div_ceil(64)];
        for (i, n) in graph.nodes().iter().enumerate() {
            if n.carrier {
                carrier[i >> 6] |= 1 << (i & 63);
            }
        }
        Ok(Prepared { graph, susceptibility, ic_edges, lt_weight, carrier })
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

    #[inline]
    fn is_carrier(&self, v: usize) -> u32 {
        u32::from((self.carrier[v >> 6] >> (v & 63)) & 1 == 1)
    }
}

/// Reusable per-thread state of single runs; after [`run`] it holds the run's outcome.
#[derive(Debug, Clone)]
pub struct Scratch {
    active_bits: Vec<u64>,
    seen_bits: Vec<u64>,
    relay_bits: Vec<u64>,
    acc: Vec<f64>,
    theta: Vec<f64>,
    /// Active nodes in activation order (`len` valid entries; one spare slot).
    active: Vec<u32>,
    /// Parent edge of each active entry ([`NO_EDGE`] for seeds).
    parent_edge: Vec<u32>,
    /// Parent node of each active entry (`u32::MAX` for seeds).
    parent_node: Vec<u32>,
    len: usize,
    /// Number of active adopter (non-carrier) nodes at steps `0..=max_steps`.
    pub(crate) curve: Vec<u32>,
}

impl Scratch {
    /// Scratch space for a graph with `n` nodes.
    #[must_use]
    pub fn new(n: usize) -> Self {
        let words = n.div_ceil(64);
        Scratch {
            active_bits: vec![0; words],
            seen_bits: vec![0; words],
            relay_bits: vec![0; words],
            acc: vec![0.0; n],
            theta: vec![0.0; n],
            active: vec![0; n + 1],
            parent_edge: vec![0; n + 1],
            parent_node: vec![0; n + 1],
            len: 0,
            curve: Vec::new(),
        }
    }

    fn begin(&mut self) {
        self.active_bits.fill(0);
        self.seen_bits.fill(0);
        self.relay_bits.fill(0);
        self.len = 0;
        self.curve.clear();
    }

    /// Whether node index `v` is active in the last run.
    #[must_use]
    #[inline]
    pub(crate) fn is_active(&self, v: u32) -> bool {
        let v = v as usize;
        (self.active_bits[v >> 6] >> (v & 63)) & 1 == 1
    }

    /// Marks `u` as having relayed in this run; true the first time per run.
    #[inline]
    pub(crate) fn mark_relay(&mut self, u: u32) -> bool {
        let u = u as usize;
        let (w, b) = (u >> 6, 1u64 << (u & 63));
        let first = self.relay_bits[w] & b == 0;
        self.relay_bits[w] |= b;
        first
    }

    /// Active node indices of the last run, in activation order.
    #[must_use]
    pub(crate) fn activated(&self) -> &[u32] {
        &self.active[..self.len]
    }

    /// `(parent edge, parent node)` of the `i`-th activated node ([`NO_EDGE`] for seeds).
    #[inline]
    pub(crate) fn parent(&self, i: usize) -> (u32, u32) {
        (self.parent_edge[i], self.parent_node[i])
    }

    /// Active nodes of the last run in activation order.
    pub fn active_nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.activated().iter().map(|&v| NodeId(v))
    }

    /// Adopter counts per step of the last run.
    #[must_use]
    pub fn curve(&self) -> &[u32] {
        &self.curve
    }

    #[inline]
    fn activate(&mut self, v: usize, edge: u32, from: u32) {
        self.active_bits[v >> 6] |= 1 << (v & 63);
        #[allow(clippy::cast_possible_truncation)]
        {
            self.active[self.len] = v as u32;
        }
        self.parent_edge[self.len] = edge;
        self.parent_node[self.len] = from;
        self.len += 1;
    }
}

/// Runs one simulation of `model` from `seeds` for at most `max_steps` steps; the outcome
/// is left in `scratch` (active nodes, parent edges, adopter curve of length `max_steps + 1`).
///
/// `seeds` must be node ids of the prepared graph (duplicates are ignored); `scratch` must
/// have been made for a graph with as many nodes.
pub fn run(
    model: Model,
    prepared: &Prepared<'_>,
    seeds: &[NodeId],
    max_steps: u32,
    rng: &mut ChaCha8Rng,
    scratch: &mut Scratch,
) {
    scratch.begin();
    let mut adopters = 0u32;
    for &s in seeds {
        let v = s.index();
        if !scratch.is_active(s.0) {
            scratch.activate(v, NO_EDGE, u32::MAX);
            adopters += 1 - prepared.is_carrier(v);
        }
    }
    scratch.curve.push(adopters);
    let mut start = 0;
    for _step in 1..=max_steps {
        let end = scratch.len;
        if start == end {
            break;
        }
        adopters += match model {
            Model::IndependentCascade => ic_step(prepared, rng, scratch, start, end),
            Model::LinearThreshold => lt_step(prepared, rng, scratch, start, end),
        };
        start = end;
        scratch.curve.push(adopters);
    }
    let last = *scratch.curve.last().unwrap_or(&adopters);
    scratch.curve.resize(max_steps as usize + 1, last);
}

/// One IC step over the frontier `active[start..end]`; returns the number of new adopters.
fn ic_step(
    prepared: &Prepared<'_>,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    start: usize,
    end: usize,
) -> u32 {
    let offsets = &prepared.graph.offsets;
    let edges = &prepared.ic_edges;
    let mut new_adopters = 0u32;
    for i in start..end {
        if i + 2 * PREFETCH_AHEAD < end {
            prefetch(offsets, s.active[i + 2 * PREFETCH_AHEAD] as usize);
        }
        if i + PREFETCH_AHEAD < end {
            let w = s.active[i + PREFETCH_AHEAD] as usize;
            prefetch(edges, offsets[w] as usize);
        }
        let u = s.active[i];
        let (a, b) = (offsets[u as usize] as usize, offsets[u as usize + 1] as usize);
        for (k, edge) in edges[a..b].iter().enumerate() {
            let v = edge.target as usize;
            let draw = rng.next_u32();
            let inactive = (s.active_bits[v >> 6] >> (v & 63)) & 1 == 0;
            let fires = inactive & ((draw < edge.threshold) | (edge.threshold == u32::MAX));
            // Branch-free append: write into the spare slot, advance only if it fired.
            let slot = s.len;
            s.active[slot] = edge.target;
            #[allow(clippy::cast_possible_truncation)]
            {
                s.parent_edge[slot] = (a + k) as u32;
            }
            s.parent_node[slot] = u;
            s.active_bits[v >> 6] |= u64::from(fires) << (v & 63);
            s.len += usize::from(fires);
            new_adopters += u32::from(fires) & (1 - prepared.is_carrier(v));
        }
    }
    new_adopters
}

/// One LT step over the frontier `active[start..end]`; returns the number of new adopters.
fn lt_step(
    prepared: &Prepared<'_>,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    start: usize,
    end: usize,
) -> u32 {
    let g = prepared.graph;
    let mut new_adopters = 0u32;
    for i in start..end {
        let u = s.active[i];
        let (a, b) = (g.offsets[u as usize] as usize, g.offsets[u as usize + 1] as usize);
        for e in a..b {
            let v = g.targets[e] as usize;
            if s.is_active(g.targets[e]) {
                continue;
            }
            let (w, bit) = (v >> 6, 1u64 << (v & 63));
            if s.seen_bits[w] & bit == 0 {
                s.seen_bits[w] |= bit;
                s.acc[v] = 0.0;
                s.theta[v] = uniform_open_closed(rng);
            }
            s.acc[v] += prepared.lt_weight[e];
            if s.acc[v] >= s.theta[v] {
                #[allow(clippy::cast_possible_truncation)]
                s.activate(v, e as u32, u);
                new_adopters += 1 - prepared.is_carrier(v);
            }
        }
    }
    new_adopters
}

/// Hints the CPU to fetch the cache line holding `slice[index]` (no effect if out of range
/// or on other architectures).
#[inline]
fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = slice.get(index) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: prefetching is a hint; it never faults and `x` is a valid reference.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(x).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}

/// A uniform draw in (0, 1] with 53 random bits.
fn uniform_open_closed(rng: &mut ChaCha8Rng) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let x = ((rng.next_u64() >> 11) + 1) as f64;
    x * (1.0 / 9_007_199_254_740_992.0) // 2^-53
}
