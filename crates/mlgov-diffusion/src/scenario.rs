//! What-if interventions as data, and paired comparison of a baseline with a scenario.
//!
//! A [`Scenario`] is a named list of [`Intervention`]s, (de)serialisable from TOML:
//!
//! ```toml
//! name = "Valdera joins ReSPIRO, officers in small towns, NGO in A and B"
//!
//! [[intervention]]
//! kind = "join_network"
//! locality = "loc:valdera"
//! network = "net:respiro"
//! frequency = 3
//!
//! [[intervention]]
//! kind = "set_attributes"
//! nodes = ["loc:a", "loc:b"]          # the selection, resolved by the caller
//! set = { integration_officer = true }
//!
//! [[intervention]]
//! kind = "add_carrier"
//! node = { key = "ngo:new", kind = "organisation" }
//! edges = [
//!   { source = "ngo:new", target = "loc:a", frequency = 4, bidirectional = true },
//!   { source = "ngo:new", target = "loc:b", frequency = 4, bidirectional = true },
//! ]
//! ```
//!
//! # Paired comparison
//!
//! [`compare_graphs`] runs the same configuration on both graphs; run `r` of each uses the
//! generator of `(seed, r)` (common random numbers), so differences are paired per run.
//! Reported, at the 95 % level:
//! * per-run difference `d_r` of final adopters and of the curve at each step: mean, a normal
//!   interval for the mean `d̄ ± z · sd(d)/√R`, and the 2.5 / 97.5 % percentiles of `d_r`;
//! * per node present in both graphs (matched by key): difference of adoption probabilities
//!   `(n₀₁ − n₁₀)/R` from the discordant-run counts, with the Wald interval for paired
//!   proportions `d ± z · sqrt(((n₀₁ + n₁₀)/R − d²)/R)` (Agresti & Min 2005 discuss it; it
//!   collapses to [0, 0] when no run is discordant).
//!
//! Cost: twice that of [`crate::simulate`] plus O(active nodes) per run for the pairing.

use std::sync::atomic::AtomicUsize;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{DiffusionError, Result};
use crate::graph::{DiffusionGraph, EdgeSpec, EnablingFactors, NodeId, NodeSpec};
use crate::model::{self, Prepared, Scratch};
use crate::montecarlo::{self, Counters, MonteCarloResult, ProgressFn, SimulationConfig};
use crate::stats::{self, Interval, Z_95};

/// One change to the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Intervention {
    /// Add edges between existing nodes.
    AddEdges {
        /// The edges.
        edges: Vec<EdgeSpec>,
    },
    /// "Locality X joins network Y": a tie in both directions with the given interaction
    /// frequency (0–5, default 3), probability derived as for any edge.
    JoinNetwork {
        /// Locality key.
        locality: String,
        /// Network key.
        network: String,
        /// Interaction frequency with the network (0–5).
        #[serde(default = "default_join_frequency")]
        frequency: f64,
    },
    /// Set enabling factors of a selection of nodes (only the factors given are changed).
    SetAttributes {
        /// Keys of the selected nodes (the caller resolves "every small town in region R").
        nodes: Vec<String>,
        /// The factors to set.
        set: EnablingFactors,
    },
    /// "An NGO starts working in A and B": a new carrier node with its edges.
    AddCarrier {
        /// The new node; it is made a carrier whatever `carrier` says.
        node: NodeSpec,
        /// Its edges (to and/or from existing nodes).
        #[serde(default)]
        edges: Vec<EdgeSpec>,
    },
}

fn default_join_frequency() -> f64 {
    3.0
}

impl Intervention {
    /// The `kind` tag.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Intervention::AddEdges { .. } => "add_edges",
            Intervention::JoinNetwork { .. } => "join_network",
            Intervention::SetAttributes { .. } => "set_attributes",
            Intervention::AddCarrier { .. } => "add_carrier",
        }
    }
}

/// A named set of interventions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name shown in reports.
    #[serde(default)]
    pub name: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Interventions, applied in order.
    #[serde(default, rename = "intervention")]
    pub interventions: Vec<Intervention>,
}

impl Scenario {
    /// The graph after applying every intervention in order. Existing nodes keep their ids;
    /// added nodes get the next ids.
    ///
    /// # Errors
    /// [`DiffusionError::Intervention`] naming the intervention and the cause.
    pub fn apply(&self, graph: &DiffusionGraph) -> Result<DiffusionGraph> {
        let mut b = graph.to_builder();
        for (i, intervention) in self.interventions.iter().enumerate() {
            let wrap = |source| DiffusionError::Intervention {
                scenario: self.name.clone(),
                index: i + 1,
                kind: intervention.kind(),
                source: Box::new(source),
            };
            let result: Result<()> = (|| {
                match intervention {
                    Intervention::AddEdges { edges } => {
                        for e in edges {
                            b.add_edge(e)?;
                        }
                    }
                    Intervention::JoinNetwork { locality, network, frequency } => {
                        let mut e = EdgeSpec::from_interaction(locality, network, *frequency, 0);
                        e.bidirectional = true;
                        b.add_edge(&e)?;
                    }
                    Intervention::SetAttributes { nodes, set } => {
                        set.validate("set_attributes")?;
                        for key in nodes {
                            let id = b.node_id(key).ok_or_else(|| DiffusionError::UnknownNode {
                                key: key.clone(),
                                context: "set_attributes nodes".into(),
                            })?;
                            if let Some(node) = b.node_mut(id) {
                                node.factors.apply(set);
                            }
                        }
                    }
                    Intervention::AddCarrier { node, edges } => {
                        let mut spec = node.clone();
                        spec.carrier = Some(true);
                        b.add_node(spec)?;
                        for e in edges {
                            b.add_edge(e)?;
                        }
                    }
                }
                Ok(())
            })();
            result.map_err(wrap)?;
        }
        Ok(b.build())
    }
}

/// Mean and intervals of a paired per-run difference (scenario − baseline).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDifference {
    /// Mean difference.
    pub mean: f64,
    /// 95 % normal interval of the mean difference.
    pub interval: Interval,
    /// 2.5 / 97.5 % percentiles of the per-run differences.
    pub band: Interval,
}

/// Paired difference of the adoption curve at one step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurveDifference {
    /// Time step.
    pub step: u32,
    /// The difference at this step.
    pub difference: PairedDifference,
}

/// Difference in final adoption probability of one node (matched by key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeDifference {
    /// Node key.
    pub key: String,
    /// Probability in the baseline.
    pub baseline: f64,
    /// Probability in the scenario.
    pub scenario: f64,
    /// `scenario − baseline`.
    pub difference: f64,
    /// 95 % Wald interval for a paired difference of proportions.
    pub interval: Interval,
    /// Runs active in the scenario but not in the baseline (n₀₁).
    pub runs_gained: u32,
    /// Runs active in the baseline but not in the scenario (n₁₀).
    pub runs_lost: u32,
}

/// Result of a paired comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Baseline simulation.
    pub baseline: MonteCarloResult,
    /// Scenario simulation.
    pub scenario: MonteCarloResult,
    /// Difference in final adopters.
    pub final_adopters: PairedDifference,
    /// Difference of the adoption curve per step.
    pub curve: Vec<CurveDifference>,
    /// Per-node differences, baseline id order, nodes present in both graphs.
    pub nodes: Vec<NodeDifference>,
    /// Keys of scenario nodes absent from the baseline.
    pub added_nodes: Vec<String>,
}

/// Applies `scenario` to `baseline` and compares the two (see [`compare_graphs`]).
///
/// # Errors
/// Scenario or configuration errors.
pub fn compare(
    baseline: &DiffusionGraph,
    scenario: &Scenario,
    config: &SimulationConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<Comparison> {
    let changed = scenario.apply(baseline)?;
    compare_graphs(baseline, &changed, config, progress)
}

struct Side<'g> {
    prepared: Prepared<'g>,
    seeds: Vec<NodeId>,
}

/// Runs `config` on both graphs with paired run seeds and reports differences (module docs).
/// Seeds are resolved by key in each graph. Progress counts paired runs.
///
/// # Errors
/// Invalid configuration or seed keys missing from either graph.
pub fn compare_graphs(
    baseline: &DiffusionGraph,
    scenario: &DiffusionGraph,
    config: &SimulationConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<Comparison> {
    config.validate()?;
    let seeds_a = baseline.resolve_keys(&config.seeds, "seeds (baseline)")?;
    let seeds_b = scenario.resolve_keys(&config.seeds, "seeds (scenario)")?;
    let a = Side {
        prepared: Prepared::with_seeds(baseline, &config.susceptibility, &seeds_a)?,
        seeds: seeds_a,
    };
    let b = Side {
        prepared: Prepared::with_seeds(scenario, &config.susceptibility, &seeds_b)?,
        seeds: seeds_b,
    };
    let map = NodeMap::of(baseline, scenario);
    let runs = run_pairs(&a, &b, &map, config, progress);
    let (ca, cb) = (runs.ca.into_graph_ids(&a.prepared), runs.cb.into_graph_ids(&b.prepared));
    let base = montecarlo::summarise(&a.prepared, config, &a.seeds, &runs.curves_a, &ca);
    let scen = montecarlo::summarise(&b.prepared, config, &b.seeds, &runs.curves_b, &cb);
    let curve = curve_differences(&runs.curves_a, &runs.curves_b, config);
    let final_adopters = curve.last().map_or(
        PairedDifference {
            mean: 0.0,
            interval: Interval { low: 0.0, high: 0.0 },
            band: Interval { low: 0.0, high: 0.0 },
        },
        |c| c.difference,
    );
    let counts = (&runs.gained[..], &runs.lost[..]);
    let nodes = node_differences(baseline, &map, counts, &base, &scen, config.runs as usize);
    let added_nodes = scenario
        .nodes()
        .iter()
        .enumerate()
        .filter(|(j, _)| map.b_to_a[*j] == u32::MAX)
        .map(|(_, n)| n.key.clone())
        .collect();
    Ok(Comparison { baseline: base, scenario: scen, final_adopters, curve, nodes, added_nodes })
}

/// The nodes of the two graphs paired by key: each one's graph id in the other graph, or
/// `u32::MAX` where it has none.
struct NodeMap {
    a_to_b: Vec<u32>,
    b_to_a: Vec<u32>,
}

impl NodeMap {
    fn of(baseline: &DiffusionGraph, scenario: &DiffusionGraph) -> NodeMap {
        let a_to_b: Vec<u32> = baseline
            .nodes()
            .iter()
            .map(|n| scenario.node_id(&n.key).map_or(u32::MAX, |id| id.0))
            .collect();
        let mut b_to_a = vec![u32::MAX; scenario.node_count()];
        for (i, &j) in a_to_b.iter().enumerate() {
            if j != u32::MAX {
                b_to_a[j as usize] = u32::try_from(i).unwrap_or(u32::MAX);
            }
        }
        NodeMap { a_to_b, b_to_a }
    }
}

/// What the paired runs found: each side's adoption curves (run after run) and counters, and per
/// baseline node the runs in which only the scenario (gained) or only the baseline (lost)
/// activated it.
struct PairedRuns {
    curves_a: Vec<u32>,
    curves_b: Vec<u32>,
    ca: Counters,
    cb: Counters,
    gained: Vec<u32>,
    lost: Vec<u32>,
}

/// Runs both sides `config.runs` times in parallel, run `r` of each with the same run seed.
fn run_pairs(
    a: &Side<'_>,
    b: &Side<'_>,
    map: &NodeMap,
    config: &SimulationConfig,
    progress: Option<ProgressFn<'_>>,
) -> PairedRuns {
    let width = config.max_steps as usize + 1;
    let runs = config.runs as usize;
    let mut curves_a = vec![0u32; runs * width];
    let mut curves_b = vec![0u32; runs * width];
    let (na, ma) = (a.prepared.graph().node_count(), a.prepared.graph().edge_count());
    let (nb, mb) = (b.prepared.graph().node_count(), b.prepared.graph().edge_count());
    let done = AtomicUsize::new(0);
    let init = || {
        (
            Scratch::new(na),
            Scratch::new(nb),
            Counters::new(na, ma),
            Counters::new(nb, mb),
            vec![0u32; na],
            vec![0u32; na],
        )
    };
    let (ca, cb, gained, lost) = curves_a
        .par_chunks_mut(width)
        .zip(curves_b.par_chunks_mut(width))
        .enumerate()
        .fold(init, |mut st, (r, (curve_a, curve_b))| {
            let (sa, sb, ca, cb, gained, lost) = &mut st;
            let mut rng = montecarlo::run_rng(config.seed, r as u64);
            model::run(config.model, &a.prepared, &a.seeds, config.max_steps, &mut rng, sa);
            let mut rng = montecarlo::run_rng(config.seed, r as u64);
            model::run(config.model, &b.prepared, &b.seeds, config.max_steps, &mut rng, sb);
            curve_a.copy_from_slice(&sa.curve);
            curve_b.copy_from_slice(&sb.curve);
            count_differences(a, b, map, sa, sb, gained, lost);
            ca.record(sa, &a.prepared);
            cb.record(sb, &b.prepared);
            montecarlo::report(progress, &done, runs);
            st
        })
        .map(|(_, _, ca, cb, g, l)| (ca, cb, g, l))
        .reduce_with(|x, y| {
            let (mut g, mut l) = (x.2, x.3);
            for (p, q) in g.iter_mut().zip(&y.2) {
                *p += q;
            }
            for (p, q) in l.iter_mut().zip(&y.3) {
                *p += q;
            }
            (x.0.merge(y.0), x.1.merge(y.1), g, l)
        })
        .unwrap_or_else(|| {
            (Counters::new(na, ma), Counters::new(nb, mb), vec![0; na], vec![0; na])
        });
    PairedRuns { curves_a, curves_b, ca, cb, gained, lost }
}

/// Counts, for one pair of runs, the baseline nodes active only in the scenario's run (gained)
/// or only in the baseline's (lost). Scratch holds internal ids of each side's prepared graph;
/// nodes are paired by graph ids.
fn count_differences(
    a: &Side<'_>,
    b: &Side<'_>,
    map: &NodeMap,
    sa: &Scratch,
    sb: &Scratch,
    gained: &mut [u32],
    lost: &mut [u32],
) {
    for &vi in sa.activated() {
        let v = a.prepared.graph_node(vi);
        let w = map.a_to_b[v as usize];
        if w != u32::MAX && !sb.is_active(b.prepared.internal_node(w)) {
            lost[v as usize] += 1;
        }
    }
    for &wi in sb.activated() {
        let v = map.b_to_a[b.prepared.graph_node(wi) as usize];
        if v != u32::MAX && !sa.is_active(a.prepared.internal_node(v)) {
            gained[v as usize] += 1;
        }
    }
}

/// The paired difference (scenario minus baseline) of the adopters at each step.
fn curve_differences(
    curves_a: &[u32],
    curves_b: &[u32],
    config: &SimulationConfig,
) -> Vec<CurveDifference> {
    let width = config.max_steps as usize + 1;
    let mut d = vec![0.0f64; config.runs as usize];
    let mut paired_at = |t: usize| {
        for (r, slot) in d.iter_mut().enumerate() {
            *slot = f64::from(curves_b[r * width + t]) - f64::from(curves_a[r * width + t]);
        }
        paired(&mut d)
    };
    (0..width)
        .map(|t| CurveDifference {
            step: u32::try_from(t).unwrap_or(u32::MAX),
            difference: paired_at(t),
        })
        .collect()
}

/// Per node in both graphs: its adoption probability on each side and the difference, with a
/// normal interval over the `runs` paired runs.
fn node_differences(
    baseline: &DiffusionGraph,
    map: &NodeMap,
    (gained, lost): (&[u32], &[u32]),
    base: &MonteCarloResult,
    scen: &MonteCarloResult,
    n_runs: usize,
) -> Vec<NodeDifference> {
    #[allow(clippy::cast_precision_loss)]
    let r_f = n_runs as f64;
    baseline
        .nodes()
        .iter()
        .enumerate()
        .filter(|(i, _)| map.a_to_b[*i] != u32::MAX)
        .map(|(i, n)| {
            let (g, l) = (f64::from(gained[i]), f64::from(lost[i]));
            let diff = (g - l) / r_f;
            let var = ((g + l) / r_f - diff * diff).max(0.0);
            let half = Z_95 * (var / r_f).sqrt();
            NodeDifference {
                key: n.key.clone(),
                baseline: base.nodes[i].probability,
                scenario: scen.nodes[map.a_to_b[i] as usize].probability,
                difference: diff,
                interval: Interval { low: diff - half, high: diff + half },
                runs_gained: gained[i],
                runs_lost: lost[i],
            }
        })
        .collect()
}

fn paired(d: &mut [f64]) -> PairedDifference {
    let (mean, sd) = stats::mean_sd(d);
    #[allow(clippy::cast_precision_loss)]
    let half = Z_95 * sd / (d.len() as f64).sqrt();
    PairedDifference {
        mean,
        interval: Interval { low: mean - half, high: mean + half },
        band: stats::percentile_band(d),
    }
}
