//! Integration tests of mlgov-auth (filled in below).
