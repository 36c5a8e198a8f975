//! Command groups of the `mlgov` binary, one module each.

pub mod kb;
pub mod tables;
