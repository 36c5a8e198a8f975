//! Integration tests of mlgov-graph.
