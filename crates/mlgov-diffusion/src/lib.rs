//! Policy diffusion over a governance graph: independent cascade and linear threshold models,
//! Monte Carlo with reproducible parallel runs, and paired what-if comparisons.
//!
//! This crate is pure (no IO) and independent of the knowledge-base types: the caller maps
//! localities, networks, NGOs and their interactions onto a [`DiffusionGraph`] with a
//! [`GraphBuilder`], then calls [`simulate`] or [`compare`].
//!
//! Background (file 004 of the seed papers): good practices rarely travel between small
//! localities, which are isolated from higher levels and from each other; NGOs working in
//! several localities bridge them indirectly; officials with an integration mandate,
//! perceived local responsibility, low politicisation / positive perceived public attitudes
//! and specialist information sources enable learning. Here NGOs and networks are *carrier*
//! nodes ([`NodeKind::is_carrier_by_default`]) and the enabling factors set each node's
//! susceptibility ([`susceptibility`]). All parameters are user-set assumptions: the papers
//! hold no adoption data, so outputs are scenario explorations, not estimates.
//!
//! ```
//! use mlgov_diffusion::*;
//! let mut b = GraphBuilder::new(ProbabilityParams::default()).unwrap();
//! for key in ["a", "b", "c"] {
//!     b.add_node(NodeSpec::new(key, NodeKind::Locality)).unwrap();
//! }
//! b.add_edge(&EdgeSpec::with_probability("a", "b", 0.5)).unwrap();
//! b.add_edge(&EdgeSpec::with_probability("b", "c", 0.5)).unwrap();
//! let graph = b.build();
//! let config = SimulationConfig {
//!     runs: 2000,
//!     seed: 7,
//!     seeds: vec!["a".into()],
//!     susceptibility: SusceptibilityParams::neutral(),
//!     ..SimulationConfig::default()
//! };
//! let result = simulate(&graph, &config, None).unwrap();
//! assert!((result.nodes[2].probability - 0.25).abs() < 0.05); // P(c) = p² = 0.25
//! ```
//!
//! ## Design
//!
//! Monte Carlo uses one RNG stream per run (results independent of the thread count). `model::Prepared`
//! renumbers nodes breadth-first from the seeds so that a cascade reads its edge slices nearly
//! sequentially (docs/benchmarks-diffusion.md); `Scratch` and `Counters` work in that internal
//! numbering and `Counters::into_graph_ids` maps back before anything is reported.
//!
//! *Invariant:* independent of the knowledge base; deterministic for a seed; results are reported
//! by graph ids only (the internal numbering never leaves `model`/`montecarlo`/`scenario`).

pub mod error;
pub mod graph;
pub mod model;
pub mod montecarlo;
pub mod scenario;
pub mod stats;
pub mod susceptibility;

pub use error::{DiffusionError, Result};
pub use graph::{
    DiffusionGraph, EdgeId, EdgeRef, EdgeSpec, EnablingFactors, GraphBuilder, Node, NodeId,
    NodeKind, NodeSpec, ProbabilityParams,
};
pub use model::{Model, Prepared, Scratch};
pub use montecarlo::{
    BridgeUse, CarrierUse, CurvePoint, MonteCarloResult, NodeAdoption, Progress, ProgressFn,
    SimulationConfig, Summary, run_rng, simulate,
};
pub use scenario::{
    Comparison, CurveDifference, Intervention, NodeDifference, PairedDifference, Scenario, compare,
    compare_graphs,
};
pub use stats::Interval;
pub use susceptibility::{LogisticSusceptibility, SusceptibilityModel, SusceptibilityParams};
