//! mlgov-graph: the multi-layer, time-stamped governance graph of localities, networks,
//! organisations, persons and countries — one tie per pair and layer, with its spells and
//! statements — and its analyses: snapshots, one-mode projections, centralities (static and
//! time-respecting), components, Louvain and Leiden communities, Gould–Fernandez brokerage
//! against its null model, the boundary-spanner report — and its GraphML / GEXF export.
//!
//! Architecture invariant: this crate does no IO and knows nothing of the knowledge base; the
//! integrator builds a [`GovernanceGraph`] from it, the CLI prints and writes files.
//!
//! ## Design
//!
//! The multi-layer, time-stamped governance graph with **one tie per pair and layer** (`model`:
//! each tie carries its statements and merged spells; `Weighting` turns ties into weights, 1 by
//! default): snapshots and the undated-tie choice (`snapshot`), one-mode projections tied only
//! while both memberships hold (`projection`), centralities (rustworkx-core and a CSR betweenness;
//! eigenvector within components), time-respecting betweenness (`temporal`), components, Louvain
//! and Leiden with best-of-N seeds (`louvain`, `leiden`), Gould–Fernandez brokerage with the null
//! model of `sna::brokerage` (`brokerage`, `brokerage_null`), boundary-spanner reports (`focus`),
//! GraphML/GEXF export. `mlgov_analysis::graph` maps the knowledge base onto it (levels only from
//! stated attributes) and defines the `GraphView` (projection or layers, year or all years, undated
//! ties, weighting) that the CLI, the API and the explorer share; `mlgov_analysis::spanners`
//! re-runs the Turin / Saint-Étienne comparison of file 000. See docs/graph.md.
//!
//! *Invariant:* independent of the knowledge base; every algorithm documents its reference.

pub mod betweenness;
pub mod brokerage;
pub mod brokerage_null;
pub mod centrality;
pub mod components;
mod error;
pub mod export;
pub mod focus;
pub mod leiden;
pub mod louvain;
mod model;
pub mod projection;
pub mod snapshot;
pub mod temporal;

pub use brokerage::{
    BrokerageConfig, BrokerageReport, BrokerageRole, BrokerageRow, Direction, PartitionBy,
    RoleCounts, RoleStat, brokerage,
};
pub use centrality::{CentralityConfig, CentralityReport, CentralityRow, centralities};
pub use components::{Components, connected_components};
pub use error::GraphError;
pub use export::{ExportConfig, GexfVersion, to_gexf, to_graphml};
pub use focus::{FocusReport, FocusSpec, SpannerRow, focus_report};
pub use leiden::{BestOf, Method, best_of, leiden_adjacency};
pub use louvain::{Communities, LouvainConfig, louvain, modularity};
pub use model::{
    DaySpan, Edge, EdgeKind, EdgeSpec, GovernanceGraph, Interval, Level, Node, NodeKind, Sector,
    TieStatement, Weighting, merge_spells, spells_overlap,
};
pub use projection::{ProjectionSpec, project};
pub use snapshot::{NodeSelection, SubgraphSpec, UndatedTies, snapshot, subgraph};
