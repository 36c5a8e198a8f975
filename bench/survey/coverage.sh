#!/usr/bin/env bash
# Coverage study of the survey intervals (issue 16): cluster-t, cluster bootstrap and respondent
# bootstrap, by group size and between-locality share; prints the Markdown table quoted in
# docs/benchmarks-survey.md. usage: bench/survey/coverage.sh [REPS] [SEED]   (defaults 2000, 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --release --quiet -p mlgov-survey --example coverage -- "${1:-2000}" "${2:-7}"
