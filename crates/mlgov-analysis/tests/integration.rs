//! Integration tests of the knowledge-base analyses (run on the bundled data by mlgov-cli).
