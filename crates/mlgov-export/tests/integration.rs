//! The integration tests of mlgov-export: one binary, one module per concern.

mod integration {
    mod outputs;
}
