//! Error type of the diffusion crate: what the caller got wrong, named precisely.

use thiserror::Error;

/// Everything that can go wrong while building a graph, applying a scenario or running a
/// simulation. Messages name the node key, edge, field or parameter and what was expected.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DiffusionError {
    /// Two nodes were given the same key.
    #[error("duplicate node key `{key}`: every node needs a unique key")]
    DuplicateNode {
        /// The repeated key.
        key: String,
    },
    /// A node key that the graph does not contain.
    #[error("unknown node `{key}` in {context}: no node with this key exists in the graph")]
    UnknownNode {
        /// The key that could not be resolved.
        key: String,
        /// Where the key was used, e.g. "edge source" or "seeds".
        context: String,
    },
    /// A numeric field outside its valid range (or not finite).
    #[error("{field} = {value} is out of range in {context}: expected {expected}")]
    OutOfRange {
        /// The field name, e.g. `probability`, `public_attitudes`.
        field: &'static str,
        /// The offending value.
        value: f64,
        /// What it belongs to, e.g. "edge `a` -> `b`" or "node `x`".
        context: String,
        /// The accepted range in words, e.g. "a number in [0, 1]".
        expected: &'static str,
    },
    /// An edge from a node to itself.
    #[error("self-loop on node `{key}`: an edge must connect two different nodes")]
    SelfLoop {
        /// The node key.
        key: String,
    },
    /// A graph with more nodes or edges than the compact representation holds.
    #[error("graph too large: {what} exceeds {limit}")]
    TooLarge {
        /// What overflowed ("nodes" or "edges").
        what: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A simulation without initial adopters.
    #[error("no seeds: give at least one initial adopter (node key) in `seeds`")]
    NoSeeds,
    /// A simulation configuration value that is not usable.
    #[error("invalid simulation setting {field} = {value}: expected {expected}")]
    InvalidSetting {
        /// The field name, e.g. `runs`.
        field: &'static str,
        /// The offending value, rendered.
        value: String,
        /// What is accepted.
        expected: &'static str,
    },
    /// An intervention of a scenario failed; wraps the cause.
    #[error("scenario `{scenario}`, intervention #{index} ({kind}): {source}")]
    Intervention {
        /// Scenario name.
        scenario: String,
        /// 1-based position of the intervention in the scenario.
        index: usize,
        /// Intervention kind, e.g. `add_edges`.
        kind: &'static str,
        /// The underlying error.
        source: Box<DiffusionError>,
    },
}

/// Result alias of this crate.
pub type Result<T, E = DiffusionError> = std::result::Result<T, E>;
