//! Integration tests of mlgov-diffusion: exact probabilities on small graphs, Monte Carlo
//! convergence, thread-count determinism, scenarios, properties and snapshots.

mod integration {
    pub mod common;
    mod determinism;
    mod exact;
    mod properties;
    mod scenarios;
}
