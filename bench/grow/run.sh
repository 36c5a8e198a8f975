#!/usr/bin/env bash
# Growing a large base (issue 14, part 7): a base of ROWS generated memberships
# (bench/import/gen.py), then BATCH new membership rows that refer only to stored networks and
# localities (and one new source) imported into it; and a read with and without --as-of.
# Whole processes, release build; results go to docs/benchmarks-import.md by hand.
# usage: bench/grow/run.sh [ROWS] [BATCH]        (defaults 1000000 and 10000)
# With PG_URL=postgres://… (for example the cluster of scripts/pg-test.sh: its MLGOV_TEST_PG_URL)
# the same steps run on PostgreSQL too, in a schema bench_grow that is dropped and made anew.
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
# The server: one API query on the current base and with ?as_of= (the first as_of request of a
# change set builds that version of the base; later ones reuse it). SERVER=0 skips this.
if [ "${SERVER:-1}" != 0 ]; then
  "$BIN" --db "$WORK/big.db" --json serve --addr 127.0.0.1:0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
  SERVE=$!
  for _ in $(seq 1 600); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.2; done
  URL=$(sed -n 's/.*"listening": *"\([^"]*\)".*/\1/p' "$WORK/serve.out")
  python3 - "$URL" <<'PY'
import sys, time, urllib.request
url = sys.argv[1]
def t(path):
    s = time.perf_counter()
    with urllib.request.urlopen(url + path) as r:
        body = r.read()
    return time.perf_counter() - s, len(body)
q = "/api/v1/memberships?network=net:bench-0007&per_page=100"
for label, path in [("current, first", q), ("current, again", q), ("as_of=cs:1, first (builds that version)", q + "&as_of=cs:1"),
                    ("as_of=cs:1, again", q + "&as_of=cs:1"), ("as_of=2999-01-01 (same change set as current), first", q + "&as_of=2999-01-01"),
                    ("as_of=2999-01-01, again", q + "&as_of=2999-01-01")]:
    secs, n = t(path)
    print(f"server GET {label}: {secs:.3f} s ({n} bytes)")
PY
  kill "$SERVE"
fi
if [ -n "${PG_URL:-}" ]; then
  PSQL=${PSQL:-$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)}
  "$PSQL" -q "$PG_URL" -c "DROP SCHEMA IF EXISTS bench_grow CASCADE" -c "CREATE SCHEMA bench_grow"
  sep='?'; case "$PG_URL" in *\?*) sep='&';; esac
  PG="${PG_URL}${sep}options=-c%20search_path%3Dbench_grow"
  echo "PostgreSQL ($("$PSQL" -tA "$PG_URL" -c 'SHOW server_version'))"
  /usr/bin/time -f "pg: import $ROWS rows into an empty base: %e s wall, %M KB max RSS" "$BIN" --db "$PG" import "$WORK/kb" > /dev/null
  /usr/bin/time -f "pg: import $BATCH new rows into it: %e s wall, %M KB max RSS" "$BIN" --db "$PG" import "$WORK/batch" > /dev/null
  /usr/bin/time -f "pg: the same batch again (all unchanged): %e s wall, %M KB max RSS" "$BIN" --db "$PG" import "$WORK/batch" > /dev/null
  for args in "list sources" "--as-of cs:1 list sources" "export --format json --out /dev/null" "--as-of cs:1 export --format json --out /dev/null"; do
    /usr/bin/time -f "pg: mlgov $args: %e s wall, %M KB max RSS" "$BIN" --db "$PG" $args > /dev/null
  done
  "$PSQL" -q "$PG_URL" -c "DROP SCHEMA bench_grow CASCADE"
fi
