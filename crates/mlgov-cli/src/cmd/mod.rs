//! Command groups of the `mlgov` binary, one module each.

pub mod diffusion;
pub mod edit;
pub mod figure;
pub mod graph;
pub mod kb;
pub mod learning;
pub mod networks;
pub mod places;
pub mod release;
pub mod serve;
pub mod survey;
pub mod survey_tools;
pub mod tables;
pub mod user;
