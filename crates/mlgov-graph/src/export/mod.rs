//! Export of the governance graph to GraphML and GEXF (static or dynamic), written with
//! quick-xml into memory. Both keep every node and every tie (one edge per pair and layer),
//! their kinds, levels, sectors, weights, spells, statement counts and extra attributes.

mod gexf;
mod graphml;

use std::collections::BTreeSet;

pub use gexf::{GexfVersion, to_gexf};
pub use graphml::to_graphml;

use serde::{Deserialize, Serialize};

use crate::error::GraphError;
use crate::model::GovernanceGraph;

/// Options shared by both formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExportConfig {
    /// Declare the graph directed (edges from source to target). The governance graph is
    /// undirected by default.
    pub directed: bool,
    /// GEXF version (ignored by GraphML).
    pub gexf_version: GexfVersion,
}

/// Names of the built-in node attributes; an extra attribute with one of these names is
/// exported as `attr_<name>`.
const RESERVED: [&str; 8] =
    ["label", "kind", "level", "sector", "weight", "from_year", "to_year", "id"];

/// The exported name of an extra attribute.
fn extra_name(key: &str) -> String {
    if RESERVED.contains(&key) { format!("attr_{key}") } else { key.to_owned() }
}

/// Sorted union of the extra attribute keys of nodes and of edges.
fn extra_keys(graph: &GovernanceGraph) -> (Vec<String>, Vec<String>) {
    let nodes: BTreeSet<&String> = graph.nodes().iter().flat_map(|n| n.attributes.keys()).collect();
    let edges: BTreeSet<&String> = graph
        .edges()
        .iter()
        .flat_map(|e| e.statements.iter().flat_map(|s| s.attributes.keys()))
        .collect();
    (nodes.into_iter().cloned().collect(), edges.into_iter().cloned().collect())
}

/// The values of the extra attributes a node or edge has: `(<prefix>x<i>, value)` for the i-th
/// of `extras` ([`extra_keys`]).
fn extra_values(
    prefix: &str,
    extras: &[String],
    attributes: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, String)> {
    extras
        .iter()
        .enumerate()
        .filter_map(|(i, k)| attributes.get(k).map(|v| (format!("{prefix}x{i}"), v.clone())))
        .collect()
}

fn io_error(format: &'static str) -> impl Fn(std::io::Error) -> GraphError {
    move |e| GraphError::Export { format, message: e.to_string() }
}

fn utf8(format: &'static str, bytes: Vec<u8>) -> Result<String, GraphError> {
    String::from_utf8(bytes).map_err(|e| GraphError::Export { format, message: e.to_string() })
}
