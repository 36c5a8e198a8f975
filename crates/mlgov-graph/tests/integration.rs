//! Integration tests of mlgov-graph: hand-computed answers on small graphs, property tests of
//! invariants, snapshot of a centrality table, and export round trips.

mod integration {
    pub mod brokerage;
    pub mod centrality;
    pub mod communities;
    pub mod export;
    pub mod fixtures;
    pub mod focus;
    pub mod leiden;
    pub mod model;
    pub mod projection;
    pub mod properties;
    pub mod sna;
}
