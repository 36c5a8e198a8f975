//! Integration tests of the `mlgov` binary: each runs the real executable on a real SQLite file in
//! a temporary directory. One module per area under `tests/integration/`; `common` is the shared
//! harness (`Env::new()`, `env.mlgov(&[…])`, `env.json(&[…])`) every module uses.

#[path = "integration/common.rs"]
mod common;

#[path = "integration/behaviour.rs"]
mod behaviour;
#[path = "integration/diffusion.rs"]
mod diffusion;
#[path = "integration/figures.rs"]
mod figures;
#[path = "integration/graph.rs"]
mod graph;
#[path = "integration/grow.rs"]
mod grow;
#[path = "integration/hardening.rs"]
mod hardening;
#[path = "integration/kb.rs"]
mod kb;
#[path = "integration/kb_encodings.rs"]
mod kb_encodings;
#[path = "integration/malformed.rs"]
mod malformed;
#[path = "integration/networkx.rs"]
mod networkx;
#[path = "integration/permissions.rs"]
mod permissions;
#[path = "integration/places.rs"]
mod places;
#[path = "integration/reproduce.rs"]
mod reproduce;
#[path = "integration/roundtrip.rs"]
mod roundtrip;
#[path = "integration/survey.rs"]
mod survey;
#[path = "integration/survey_export.rs"]
mod survey_export;
#[path = "integration/survey_store.rs"]
mod survey_store;
#[path = "integration/survey_tools.rs"]
mod survey_tools;
#[path = "integration/users_pg.rs"]
mod users_pg;
