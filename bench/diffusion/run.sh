#!/usr/bin/env bash
# Diffusion benchmark: 1,000 Monte Carlo runs of independent cascade on a generated graph of
# 100,000 nodes and 1,000,000 edges (Rust, mlgov-diffusion), against a vectorised numpy
# implementation and a Mesa model of the same cascade on the same graph, per run.
#
# Usage: bench/diffusion/run.sh [RUST_RUNS=1000] [NUMPY_RUNS=20] [MESA_RUNS=3]
# Installs numpy and mesa with pip into a virtualenv under target-diffusion/ (git-ignored).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUST_RUNS="${1:-1000}"; NUMPY_RUNS="${2:-20}"; MESA_RUNS="${3:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-diffusion}"
WORK="$CARGO_TARGET_DIR/bench-diffusion"
VENV="$CARGO_TARGET_DIR/bench-venv"
mkdir -p "$WORK"

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install -q numpy mesa
PY="$VENV/bin/python"

if [ ! -f "$WORK/edges.tsv" ]; then
  "$PY" "$ROOT/bench/diffusion/generate_graph.py" "$WORK" --nodes 100000 --edges 1000000 --seed 2026
fi

echo "machine: $(nproc) cores, $(uname -sr), $(rustc --version); load average: $(cut -d" " -f1-3 /proc/loadavg)"
(cd "$ROOT" && cargo build -q --release -p mlgov-diffusion --example ic_bench)
BIN="$CARGO_TARGET_DIR/release/examples/ic_bench"
for threads in 1 2; do
  RAYON_NUM_THREADS=$threads "$BIN" "$WORK" "$RUST_RUNS" 7
done
"$PY" "$ROOT/bench/diffusion/ic_numpy.py" "$WORK" --runs "$NUMPY_RUNS" --seed 7
"$PY" "$ROOT/bench/diffusion/ic_mesa.py" "$WORK" --runs "$MESA_RUNS" --seed 7
