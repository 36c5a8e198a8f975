//! Integration tests of mlgov-charts.

