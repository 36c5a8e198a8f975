//! mlgov-graph: the multi-layer, time-stamped governance graph of localities, networks,
//! organisations, persons and countries, and its analyses — snapshots, bipartite projections,
//! centralities, components, Louvain communities, Gould–Fernandez brokerage, the
//! boundary-spanner report — and its GraphML / GEXF export.
//!
//! Architecture invariant: this crate does no IO and knows nothing of the knowledge base; the
//! integrator builds a [`GovernanceGraph`] from it, the CLI prints and writes files.

pub mod betweenness;
pub mod brokerage;
pub mod centrality;
pub mod components;
mod error;
pub mod export;
pub mod focus;
pub mod louvain;
mod model;
pub mod projection;
pub mod snapshot;

pub use brokerage::{
    BrokerageConfig, BrokerageReport, BrokerageRole, BrokerageRow, Direction, PartitionBy, RoleCounts, brokerage,
};
pub use centrality::{CentralityConfig, CentralityReport, CentralityRow, centralities};
pub use components::{Components, connected_components};
pub use error::GraphError;
pub use export::{ExportConfig, GexfVersion, to_gexf, to_graphml};
pub use focus::{FocusReport, FocusSpec, SpannerRow, focus_report};
pub use louvain::{Communities, LouvainConfig, louvain, modularity};
pub use model::{Edge, EdgeKind, EdgeSpec, GovernanceGraph, Interval, Level, Node, NodeKind, Sector};
pub use projection::{ProjectionSpec, project};
pub use snapshot::{NodeSelection, SubgraphSpec, snapshot, subgraph};
