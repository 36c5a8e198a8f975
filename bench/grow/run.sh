#!/usr/bin/env bash
# Growing a large base (issue 14, part 7): a base of ROWS generated memberships
# (bench/import/gen.py), then BATCH new membership rows that refer only to stored networks and
# localities (and one new source) imported into it; and a read with and without --as-of.
# Whole processes, release build; results go to docs/benchmarks-import.md by hand.
# usage: bench/grow/run.sh [ROWS] [BATCH]        (defaults 1000000 and 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
BATCH=${2:-10000}
WORK=${WORK:-/tmp/mlgov-bench-grow}
BIN=${MLGOV:-$PWD/target/release/mlgov}
[ -n "${NO_BUILD:-}" ] || cargo build --release --bin mlgov
mkdir -p "$WORK"
[ -f "$WORK/kb/memberships.csv" ] || python3 bench/import/gen.py "$WORK/kb" "$ROWS"
python3 - "$WORK/batch" "$BATCH" "$ROWS" <<'PY'
import os, sys
out, n, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
nets, locs = 1000, (rows + 999) // 1000
os.makedirs(out, exist_ok=True)
open(os.path.join(out, "sources.csv"), "w").write("id,short,title,kind\nsrc:bench-batch,Batch 2026,A second generated source,dataset\n")
with open(os.path.join(out, "memberships.csv"), "w") as f:
    f.write("id,network,member,role,from,to,exit_reason,note,source,locator\n")
    for i in range(n):
        f.write(f"mem:batch-{i:05d},net:bench-{i % nets:04d},loc:bench-{(i // nets) % locs:05d},member,{2000 + i % 20},,,,src:bench-batch,row {i}\n")
PY
rm -f "$WORK/big.db" "$WORK/big.db-wal" "$WORK/big.db-shm"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "import $ROWS rows into an empty base: %e s wall, %M KB max RSS" "$BIN" --db "$WORK/big.db" import "$WORK/kb" > /dev/null
cp "$WORK/big.db" "$WORK/big-copy.db"
/usr/bin/time -f "import $BATCH new rows into it: %e s wall, %M KB max RSS" "$BIN" --db "$WORK/big.db" import "$WORK/batch" > /dev/null
/usr/bin/time -f "the same batch again (all unchanged): %e s wall, %M KB max RSS" "$BIN" --db "$WORK/big.db" import "$WORK/batch" > /dev/null
for args in "list sources" "--as-of cs:1 list sources" "export --format json --out /dev/null" "--as-of cs:1 export --format json --out /dev/null"; do
  /usr/bin/time -f "mlgov $args: %e s wall, %M KB max RSS" "$BIN" --db "$WORK/big.db" $args > /dev/null
done
