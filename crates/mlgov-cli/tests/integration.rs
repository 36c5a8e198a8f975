//! Integration tests of the `mlgov` binary: each runs the real executable on a real SQLite file in
//! a temporary directory. One module per area under `tests/integration/`; `common` is the shared
//! harness (`Env::new()`, `env.mlgov(&[…])`, `env.json(&[…])`) every module uses.

mod common;

mod diffusion;
mod graph;
