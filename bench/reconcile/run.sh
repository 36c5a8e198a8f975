#!/usr/bin/env bash
# Reconciliation benchmark (issue 13): quality and speed of `mlgov reconcile` against the rapidfuzz
# peer (bench/reconcile/peer_rapidfuzz.py: exact folded lookup, else WRatio ≥ 90), whole processes.
#  1. quality: precision and recall of the linked matches on names.csv (328 names the rules were set
#     on) and heldout.csv (143 names never used to tune them) — score.py;
#  2. speed: the 328 names and a SYNTHETIC seeded list of 10,000 names (gen_names.py), hyperfine,
#     mlgov and the peer alternating in the same run. Both load the same embedded extract.
# Results go to docs/benchmarks-reconcile.md by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${DIR:-/tmp/mlgov-reconcile-bench}
RUNS=${RUNS:-5}
MLGOV=${MLGOV:-$PWD/target/release/mlgov}
mkdir -p "$DIR"
python3 -c 'import rapidfuzz' 2>/dev/null || python3 -m pip install --quiet rapidfuzz
command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
[ -n "${NO_BUILD:-}" ] || cargo build --release --bin mlgov
DB="$DIR/kb.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$MLGOV" --db "$DB" demo >/dev/null
python3 bench/reconcile/gen_names.py 10000 "$DIR/synthetic-10k.csv" 1

for list in names heldout; do
  echo "== quality: $list.csv"
  "$MLGOV" --db "$DB" --json reconcile "bench/reconcile/$list.csv" -o "$DIR/mlgov-$list.csv" >/dev/null
  echo "-- mlgov"; python3 bench/reconcile/score.py "$DIR/mlgov-$list.csv" "bench/reconcile/$list.csv"
  python3 bench/reconcile/peer_rapidfuzz.py "bench/reconcile/$list.csv" "$DIR/peer-$list.csv"
  echo "-- rapidfuzz peer"; python3 bench/reconcile/score.py "$DIR/peer-$list.csv" "bench/reconcile/$list.csv"
done

echo "== speed"
uptime
for list in bench/reconcile/names.csv "$DIR/synthetic-10k.csv"; do
  hyperfine --warmup 1 --runs "$RUNS" --export-markdown "$DIR/$(basename "$list" .csv).md" \
    -n mlgov "$MLGOV --db $DB --json reconcile $list -o $DIR/out-mlgov.csv" \
    -n rapidfuzz "python3 bench/reconcile/peer_rapidfuzz.py $list $DIR/out-peer.csv"
done
/usr/bin/time -v "$MLGOV" --db "$DB" --json reconcile "$DIR/synthetic-10k.csv" -o "$DIR/out-mlgov.csv" 2>&1 >/dev/null | grep -E "Maximum resident|Elapsed"
/usr/bin/time -v python3 bench/reconcile/peer_rapidfuzz.py "$DIR/synthetic-10k.csv" "$DIR/out-peer.csv" 2>&1 >/dev/null | grep -E "Maximum resident|Elapsed"
python3 -c 'import rapidfuzz, sys; print("python", sys.version.split()[0], "rapidfuzz", rapidfuzz.__version__)'
"$MLGOV" --version
