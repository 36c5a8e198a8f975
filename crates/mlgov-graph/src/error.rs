//! Errors of the graph crate: each names the node or edge at fault and what was expected.

use thiserror::Error;

/// What went wrong while building or analysing a governance graph.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Two nodes were given the same id.
    #[error("duplicate node id `{id}`: node ids must be unique in the graph")]
    DuplicateNode {
        /// The repeated id.
        id: String,
    },
    /// A node was given an empty id.
    #[error("node `{label}` has an empty id: every node needs a non-empty id")]
    EmptyNodeId {
        /// The label of the node, to find it.
        label: String,
    },
    /// An edge or a focal set names a node that is not in the graph.
    #[error("unknown node id `{id}` in {context}: add the node before referring to it")]
    UnknownNode {
        /// The missing id.
        id: String,
        /// Where it was referred to.
        context: String,
    },
    /// An edge joins a node to itself.
    #[error("self-loop on `{id}` in {context}: a tie needs two different actors")]
    SelfLoop {
        /// The node.
        id: String,
        /// The edge.
        context: String,
    },
    /// An edge weight is negative, infinite or NaN.
    #[error("invalid weight {weight} in {context}: expected a finite number >= 0")]
    InvalidWeight {
        /// The weight given.
        weight: f64,
        /// The edge.
        context: String,
    },
    /// An interval ends before it starts.
    #[error("invalid interval in {what}: from {from} is after to {to}")]
    InvalidInterval {
        /// The node or edge.
        what: String,
        /// First year given.
        from: i32,
        /// Last year given.
        to: i32,
    },
    /// A custom partition does not have one group per node.
    #[error(
        "partition has {got} groups but the graph has {expected} nodes: give one group per node"
    )]
    PartitionLength {
        /// Number of nodes.
        expected: usize,
        /// Number of groups given.
        got: usize,
    },
    /// A layer name that does not exist.
    #[error("unknown layer `{name}`; expected one of: {expected}")]
    UnknownLayer {
        /// The name given.
        name: String,
        /// The layers that exist.
        expected: String,
    },
    /// A directed analysis asked of layers whose direction is a recording convention.
    #[error(
        "directed brokerage needs layers whose direction means a flow (funding, founding, coordination, hosting, support, opposition); {layers} record their direction by convention only — use the undirected mode or choose directed layers with --layers"
    )]
    UndirectedLayers {
        /// The offending layers, comma-separated.
        layers: String,
    },
    /// Writing XML failed (should not happen when writing to memory).
    #[error("internal error while writing {format}: {message}")]
    Export {
        /// GraphML or GEXF.
        format: &'static str,
        /// The underlying message.
        message: String,
    },
}
