#!/usr/bin/env bash
# The library-level harness of issue 4: 50,000 synthetic respondents as a long CSV, the Rust
# analyses (examples/bench.rs: intake, five point-estimate tables, all analyses with 1,000
# resamples) and the pandas and polars peers of the five tables on the same file.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-50000}
OUT=${OUT:-/tmp/mlgov-survey-bench.csv}
python3 -c 'import pandas, polars' 2>/dev/null || python3 -m pip install --quiet pandas polars
cargo build --release -p mlgov-survey --examples
target/release/examples/gen --respondents "$N" --seed 1 --out "$OUT"
echo "== rust (2 cores: $(nproc))"
target/release/examples/bench "$OUT" 1000
echo "== pandas"
python3 bench/survey/peer_pandas_tables.py "$OUT"
echo "== polars"
(cd bench/survey && python3 peer_polars_tables.py "$OUT")
