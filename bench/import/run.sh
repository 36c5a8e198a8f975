#!/usr/bin/env bash
# Import benchmark: times `mlgov import` of 1,000,000 generated membership rows (plus the 1,000
# networks, 1,000 localities and the source they reference) into a fresh SQLite store, with the
# release build. Results go to docs/benchmarks-import.md (copy the printed figures by hand).
#
# usage: bench/import/run.sh [ROWS] [RUNS]      (defaults 1000000 and 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
RUNS=${2:-3}
WORK=${WORK:-/tmp/mlgov-bench-import}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target-clitests}
cargo build --release -p mlgov-cli
BIN=$CARGO_TARGET_DIR/release/mlgov
mkdir -p "$WORK"
python3 bench/import/gen.py "$WORK/kb" "$ROWS"
echo "input: $(du -sh "$WORK/kb" | cut -f1) in $WORK/kb, $(($(wc -l < "$WORK/kb/memberships.csv") - 1)) membership rows"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for i in $(seq 1 "$RUNS"); do
  rm -f "$WORK/bench.db" "$WORK/bench.db-wal" "$WORK/bench.db-shm"
  echo "--- run $i (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -f "import: %e s wall, %U s user, %S s sys, %M KB max RSS" \
    "$BIN" --db "$WORK/bench.db" import "$WORK/kb" > /dev/null
done
/usr/bin/time -f "validate (no store): %e s wall, %U s user, %S s sys, %M KB max RSS" \
  "$BIN" --db "$WORK/none.db" validate "$WORK/kb" > /dev/null
echo "database: $(du -sh "$WORK/bench.db" | cut -f1)"
"$BIN" --db "$WORK/bench.db" --json list sources | python3 -c 'import json,sys; v=json.load(sys.stdin); print("statements citing src:bench:", v["items"][0]["statements"])'
