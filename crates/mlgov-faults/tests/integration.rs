//! Security, fault-injection and soak tests of the `mlgov` binary. Every test talks to a real
//! `mlgov serve` (or runs `mlgov import`) on loopback (127.0.0.1) only, and bounds every request,
//! wait and loop in time. Gated tests: `MLGOV_SOAK=1` (60 s soak), `MLGOV_RUN_SCHEMATHESIS=1`
//! (schemathesis against the OpenAPI document); the PostgreSQL tests (restarts, two servers on one
//! database) need `MLGOV_TEST_PG_URL`. The property-based fuzzing of every parser is in
//! `integration/fuzz/` (in-process, seeded, about a minute in all).

mod integration {
    pub mod common;
    mod faults;
    mod fuzz;
    mod logs;
    mod postgres;
    mod schemathesis;
    mod security;
    mod soak;
    mod two_servers;
}
