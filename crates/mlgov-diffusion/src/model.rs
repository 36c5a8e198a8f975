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
//! `(target | carrier bit, threshold)` array laid out in breadth-first order from the seeds
//! ([`Prepared::with_seeds`]); every cache line of the edge slices of frontier nodes a few
//! places ahead is prefetched. See docs/benchmarks-diffusion.md for what each step bought.
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
const PREFETCH_AHEAD: usize = 4;

/// Mask of the node id in [`IcEdge::target`].
const TARGET_MASK: u32 = (1 << 31) - 1;

/// IC edges per 64-byte cache line.
const EDGES_PER_LINE: usize = 64 / std::mem::size_of::<IcEdge>();

/// One out-edge as the IC loop reads it.
#[derive(Debug, Clone, Copy)]
struct IcEdge {
    /// Internal id of the target in the low 31 bits; the top bit is set if it is a carrier.
    target: u32,
    /// `round(p_uv · s_v · 2³²)` saturated at `u32::MAX`, which means "always".
    threshold: u32,
}

/// A graph with susceptibilities applied: per-edge IC thresholds and normalised LT weights,
/// in an internal node numbering.
///
/// **Internal numbering**: [`Prepared::with_seeds`] renumbers the nodes in breadth-first order
/// from the seeds (unreached nodes after, in id order) and lays the out-edges out in that
/// order. The nodes a run activates at step `t` then mostly sit in one contiguous id range,
/// so their edge slices are read nearly sequentially instead of from random places of the
/// edge array (on the 1,000,000-edge benchmark graph this is the difference between a run
/// bound by memory latency and one the hardware prefetcher keeps fed). [`Prepared::new`]
/// keeps the graph's own numbering. The numbering is invisible outside this module and
/// [`crate::montecarlo`]: [`run`] takes and [`Scratch`] reports graph ids.
#[derive(Debug, Clone)]
pub struct Prepared<'g> {
    pub(crate) graph: &'g DiffusionGraph,
    /// Susceptibility per node, graph ids.
    susceptibility: Vec<f64>,
    /// Internal id → graph id.
    to_graph: Vec<u32>,
    /// Graph id → internal id.
    to_internal: Vec<u32>,
    /// CSR offsets over internal ids.
    offsets: Vec<u32>,
    /// Out-edges in internal order; targets are internal ids.
    ic_edges: Vec<IcEdge>,
    /// `s_v · ŵ_uv`, internal edge order.
    lt_weight: Vec<f64>,
    /// Internal edge index → graph edge id.
    edge_to_graph: Vec<u32>,
    /// One bit per internal node: carrier.
    carrier: Vec<u64>,
    /// One bit per internal edge: its source is a carrier.
    carrier_edge: Vec<u64>,
}

impl<'g> Prepared<'g> {
    /// Applies susceptibilities to `graph`, keeping its node numbering. O(n + m).
    ///
    /// # Errors
    /// If the susceptibility parameters are out of range.
    pub fn new(graph: &'g DiffusionGraph, params: &SusceptibilityParams) -> Result<Self> {
        #[allow(clippy::cast_possible_truncation)]
        let order = (0..graph.node_count() as u32).collect();
        Self::build(graph, params, order)
    }

    /// Applies susceptibilities to `graph`, numbering nodes in breadth-first order from
    /// `seeds` (type docs). Runs are identical to those on [`Prepared::new`]: frontiers are
    /// visited in activation order and each node's out-edges keep their order, so the same
    /// draws meet the same edges. O(n + m).
    ///
    /// # Errors
    /// If the susceptibility parameters are out of range.
    pub fn with_seeds(
        graph: &'g DiffusionGraph,
        params: &SusceptibilityParams,
        seeds: &[NodeId],
    ) -> Result<Self> {
        Self::build(graph, params, bfs_order(graph, seeds))
    }

    fn build(
        graph: &'g DiffusionGraph,
        params: &SusceptibilityParams,
        to_graph: Vec<u32>,
    ) -> Result<Self> {
        params.validate()?;
        let n = graph.node_count();
        // Node ids fit in 31 bits (the top bit of `IcEdge::target` is the carrier flag).
        if n > TARGET_MASK as usize {
            return Err(crate::error::DiffusionError::InvalidSetting {
                field: "nodes",
                value: n.to_string(),
                expected: "fewer than 2^31 nodes",
            });
        }
        let susceptibility: Vec<f64> = graph.nodes().iter().map(|n| params.of(n)).collect();
        let mut to_internal = vec![0u32; n];
        for (i, &g) in to_graph.iter().enumerate() {
            #[allow(clippy::cast_possible_truncation)]
            {
                to_internal[g as usize] = i as u32;
            }
        }
        let mut in_weight = vec![0.0f64; n];
        for (&t, &w) in graph.targets.iter().zip(&graph.weight) {
            in_weight[t as usize] += w;
        }
        let scale = 4_294_967_296.0_f64; // 2^32
        let m = graph.edge_count();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut ic_edges = Vec::with_capacity(m);
        let mut lt_weight = Vec::with_capacity(m);
        let mut edge_to_graph = Vec::with_capacity(m);
        offsets.push(0u32);
        for &u in &to_graph {
            let (a, b) = (graph.offsets[u as usize], graph.offsets[u as usize + 1]);
            for e in a..b {
                let e_us = e as usize;
                let t = graph.targets[e_us];
                let (p, w) = (graph.probability[e_us], graph.weight[e_us]);
                let s = susceptibility[t as usize];
                let q = ((p * s).clamp(0.0, 1.0) * scale).round();
                // In [0, 2^32]; saturating cast to u32::MAX ("always").
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let threshold = if q >= scale - 1.0 { u32::MAX } else { q as u32 };
                let carrier_bit = u32::from(graph.nodes()[t as usize].carrier) << 31;
                ic_edges.push(IcEdge { target: to_internal[t as usize] | carrier_bit, threshold });
                lt_weight.push(s * w / in_weight[t as usize].max(1.0));
                edge_to_graph.push(e);
            }
            #[allow(clippy::cast_possible_truncation)]
            offsets.push(ic_edges.len() as u32);
        }
        let mut carrier = vec![0u64; n.div_ceil(64)];
        for (i, &g) in to_graph.iter().enumerate() {
            if graph.nodes()[g as usize].carrier {
                carrier[i >> 6] |= 1 << (i & 63);
            }
        }
        let mut carrier_edge = vec![0u64; m.div_ceil(64)];
        for (i, w) in offsets.windows(2).enumerate() {
            if (carrier[i >> 6] >> (i & 63)) & 1 == 1 {
                for e in w[0]..w[1] {
                    carrier_edge[e as usize >> 6] |= 1 << (e & 63);
                }
            }
        }
        Ok(Prepared {
            carrier_edge,
            graph,
            susceptibility,
            to_graph,
            to_internal,
            offsets,
            ic_edges,
            lt_weight,
            edge_to_graph,
            carrier,
        })
    }

    /// The susceptibility of every node, in graph id order.
    #[must_use]
    pub fn susceptibility(&self) -> &[f64] {
        &self.susceptibility
    }

    /// The graph.
    #[must_use]
    pub fn graph(&self) -> &'g DiffusionGraph {
        self.graph
    }

    /// Graph id of internal node `v`.
    #[inline]
    pub(crate) fn graph_node(&self, v: u32) -> u32 {
        self.to_graph[v as usize]
    }

    /// Internal id of graph node `v`.
    #[inline]
    pub(crate) fn internal_node(&self, v: u32) -> u32 {
        self.to_internal[v as usize]
    }

    /// Internal source node of internal edge `e` and whether it is a carrier, `None` for
    /// other sources. O(log n) for carriers.
    #[inline]
    pub(crate) fn carrier_source(&self, e: u32) -> Option<u32> {
        if (self.carrier_edge[e as usize >> 6] >> (e & 63)) & 1 == 0 {
            return None;
        }
        let u = self.offsets.partition_point(|&o| o <= e) - 1;
        #[allow(clippy::cast_possible_truncation)]
        Some(u as u32)
    }

    /// Graph edge id of internal edge `e`.
    #[inline]
    pub(crate) fn graph_edge(&self, e: u32) -> u32 {
        self.edge_to_graph[e as usize]
    }

    #[inline]
    fn is_carrier(&self, v: usize) -> u32 {
        u32::from((self.carrier[v >> 6] >> (v & 63)) & 1 == 1)
    }
}

/// Breadth-first order of all nodes from `seeds` along out-edges; unreached nodes follow in
/// id order.
fn bfs_order(graph: &DiffusionGraph, seeds: &[NodeId]) -> Vec<u32> {
    let n = graph.node_count();
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for s in seeds {
        if !seen[s.index()] {
            seen[s.index()] = true;
            order.push(s.0);
        }
    }
    let mut head = 0;
    while head < order.len() {
        let u = order[head] as usize;
        head += 1;
        for e in graph.offsets[u]..graph.offsets[u + 1] {
            let t = graph.targets[e as usize];
            if !seen[t as usize] {
                seen[t as usize] = true;
                order.push(t);
            }
        }
    }
    #[allow(clippy::cast_possible_truncation)]
    order.extend((0..n as u32).filter(|&v| !seen[v as usize]));
    order
}

/// Reusable per-thread state of single runs; after [`run`] it holds the run's outcome, in
/// the internal numbering of the [`Prepared`] graph it ran on.
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

    /// Parent edge (internal index) of the `i`-th activated node ([`NO_EDGE`] for seeds).
    #[inline]
    pub(crate) fn parent(&self, i: usize) -> u32 {
        self.parent_edge[i]
    }

    /// Active nodes of the last run on `prepared`, as graph ids in activation order.
    pub fn active_nodes<'a>(
        &'a self,
        prepared: &'a Prepared<'_>,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.activated().iter().map(|&v| NodeId(prepared.graph_node(v)))
    }

    /// Adopter counts per step of the last run.
    #[must_use]
    pub fn curve(&self) -> &[u32] {
        &self.curve
    }

    #[inline]
    fn activate(&mut self, v: usize, edge: u32) {
        self.active_bits[v >> 6] |= 1 << (v & 63);
        #[allow(clippy::cast_possible_truncation)]
        {
            self.active[self.len] = v as u32;
        }
        self.parent_edge[self.len] = edge;
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
        let v = prepared.internal_node(s.0) as usize;
        #[allow(clippy::cast_possible_truncation)]
        if !scratch.is_active(v as u32) {
            scratch.activate(v, NO_EDGE);
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
///
/// The hot loop of the crate: slices and the append position live in locals so that nothing
/// is spilled per edge, and each out-edge costs one draw, one L1 bit test and two stores.
fn ic_step(
    prepared: &Prepared<'_>,
    rng: &mut ChaCha8Rng,
    s: &mut Scratch,
    start: usize,
    end: usize,
) -> u32 {
    let offsets = &prepared.offsets[..];
    let edges = &prepared.ic_edges[..];
    let active_bits = &mut s.active_bits[..];
    let active = &mut s.active[..];
    let parent_edge = &mut s.parent_edge[..];
    let mut len = s.len;
    let mut new_adopters = 0u32;
    for i in start..end {
        if i + 2 * PREFETCH_AHEAD < end {
            prefetch(offsets, active[i + 2 * PREFETCH_AHEAD] as usize);
        }
        if i + PREFETCH_AHEAD < end {
            // Every cache line of the edge slice, not only the first: slices of 10 edges span
            // two or three lines.
            let w = active[i + PREFETCH_AHEAD] as usize;
            let (a, b) = (offsets[w] as usize, offsets[w + 1] as usize);
            let mut k = a;
            while k < b {
                prefetch(edges, k);
                k += EDGES_PER_LINE;
            }
            if b > a {
                prefetch(edges, b - 1);
            }
        }
        let u = active[i] as usize;
        let (a, b) = (offsets[u] as usize, offsets[u + 1] as usize);
        for (k, edge) in edges[a..b].iter().enumerate() {
            let draw = rng.next_u32();
            let v = (edge.target & TARGET_MASK) as usize;
            let carrier = edge.target >> 31;
            let inactive = (active_bits[v >> 6] >> (v & 63)) & 1 == 0;
            let fires = inactive & ((draw < edge.threshold) | (edge.threshold == u32::MAX));
            // Branch-free append: write into the spare slot, advance only if it fired.
            #[allow(clippy::cast_possible_truncation)]
            {
                active[len] = v as u32;
                parent_edge[len] = (a + k) as u32;
            }
            active_bits[v >> 6] |= u64::from(fires) << (v & 63);
            len += usize::from(fires);
            new_adopters += u32::from(fires) & (1 - carrier);
        }
    }
    s.len = len;
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
    let mut new_adopters = 0u32;
    for i in start..end {
        let u = s.active[i];
        let (a, b) =
            (prepared.offsets[u as usize] as usize, prepared.offsets[u as usize + 1] as usize);
        for e in a..b {
            let t = prepared.ic_edges[e].target & TARGET_MASK;
            let v = t as usize;
            if s.is_active(t) {
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
                s.activate(v, e as u32);
                new_adopters += 1 - prepared.is_carrier(v);
            }
        }
    }
    new_adopters
}

/// Hints the CPU to fetch the cache line holding `slice[index]` (no effect if out of range
/// or on other architectures).
#[inline]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
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
