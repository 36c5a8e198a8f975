#!/usr/bin/env bash
# Survey benchmark: generate 50,000 synthetic respondents (~1.8M frequency answers, long CSV),
# time the Rust analyses (point estimates; all analyses with 1,000 bootstrap resamples) and the
# pandas and polars peers on the same file. Results go to docs/benchmarks-survey.md by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-50000}
OUT=${OUT:-/tmp/mlgov-survey-bench.csv}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target-survey}
python3 -m pip install --quiet pandas polars
cargo build --release -p mlgov-survey --examples
"$CARGO_TARGET_DIR/release/examples/gen" --respondents "$N" --seed 1 --out "$OUT"
echo "== rust (2 cores: $(nproc))"
"$CARGO_TARGET_DIR/release/examples/bench" "$OUT" 1000
echo "== pandas"
python3 bench/survey/peer_pandas.py "$OUT"
echo "== polars"
(cd bench/survey && python3 peer_polars.py "$OUT")
