//! Integration tests of mlgov-survey.

