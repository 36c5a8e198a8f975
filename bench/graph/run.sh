#!/usr/bin/env bash
# Betweenness benchmark: mlgov-graph vs python-igraph vs networkx on the same generated
# governance-like graph (5,000 nodes, 50,000 edges), in one run. Also checks that networkx
# reads the GraphML / GEXF exports. Figures go to docs/benchmarks-graph.md (by hand).
#
# Usage: bench/graph/run.sh            (from the repository root)
#   NODES=5000 EDGES=50000 SEED=20261122 REPEATS=3 OUT_DIR=/tmp/mlgov-bench-graph
set -euo pipefail
cd "$(dirname "$0")/../.."
NODES=${NODES:-5000}
EDGES=${EDGES:-50000}
SEED=${SEED:-20261122}
REPEATS=${REPEATS:-3}
OUT_DIR=${OUT_DIR:-/tmp/mlgov-bench-graph}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target-graph}
mkdir -p "$OUT_DIR"

python3 -m pip install --quiet --disable-pip-version-check igraph networkx
python3 bench/graph/generate.py --nodes "$NODES" --edges "$EDGES" --seed "$SEED" --out "$OUT_DIR/edges.txt"
cargo build --quiet --release -p mlgov-graph --example bench_betweenness --example export_demo
BIN="$CARGO_TARGET_DIR/release/examples"

echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$BIN/bench_betweenness" "$OUT_DIR/edges.txt" "$REPEATS" | tee "$OUT_DIR/rust.json"
RAYON_NUM_THREADS=1 "$BIN/bench_betweenness" "$OUT_DIR/edges.txt" "$REPEATS" | tee "$OUT_DIR/rust1.json"
python3 bench/graph/betweenness_igraph.py "$OUT_DIR/edges.txt" "$REPEATS" | tee "$OUT_DIR/igraph.json"
# NX_SOURCES=k samples k sources and extrapolates (full networkx takes 10+ minutes here).
python3 bench/graph/betweenness_networkx.py "$OUT_DIR/edges.txt" ${NX_SOURCES:-} | tee "$OUT_DIR/networkx.json"

python3 - "$OUT_DIR" <<'PY'
import json, sys
d = sys.argv[1]
r = {k: json.load(open(f"{d}/{k}.json")) for k in ["rust", "rust1", "igraph", "networkx"]}
for k, v in r.items():
    if v.get("estimated"):
        continue
    assert abs(v["sum"] - r["igraph"]["sum"]) <= 1e-9 * r["igraph"]["sum"], (k, v["sum"])
    assert abs(v["max"] - r["igraph"]["max"]) <= 1e-9 * r["igraph"]["max"], (k, v["max"])
print("all exact runs agree with igraph on the betweenness sum and maximum")
t = {k: v["seconds"] for k, v in r.items()}
cpu = {k: v.get("cpu_seconds") for k, v in r.items()}
print("process CPU seconds:", cpu)
print(f"median seconds: mlgov-graph {t['rust']:.3f} (1 thread {t['rust1']:.3f}), "
      f"igraph {t['igraph']:.3f}, networkx {t['networkx']:.1f}")
print(f"speed-up vs igraph {t['igraph']/t['rust']:.2f}x, vs networkx {t['networkx']/t['rust']:.0f}x"
      + (" (networkx extrapolated from sampled sources)" if r["networkx"].get("estimated") else ""))
PY

for f in graphml gexf gexf12; do "$BIN/export_demo" "$f" > "$OUT_DIR/demo.$f"; done
python3 bench/graph/check_exports.py "$OUT_DIR/demo.graphml" "$OUT_DIR/demo.gexf" "$OUT_DIR/demo.gexf12"
