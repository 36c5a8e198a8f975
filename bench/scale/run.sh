#!/usr/bin/env bash
# Scale benchmark (issue 20, part 4): the explorer and the JSON API over a generated base of
# 1,000,000 memberships (1,000 networks, 20,000 localities with coordinates:
# `bench/import/gen.py DIR 1000000 --localities 20000 --located`), on SQLite and on PostgreSQL.
# Not a timed test: figures go to docs/benchmarks-scale.md by hand.
#
# For each backend, with the release build of `mlgov serve --addr 127.0.0.1:0`:
#   * ready: from process start until the first GET / answers 200 (also: until "listening");
#   * every route of the HTTP benchmark plus the list and overview pages: one cold request
#     (curl, the first request of that URL since the process started; for / it is the readiness
#     request), then wrk (64 connections, 2 threads, DURATION s, --latency, --timeout): requests/s,
#     p50, p99, non-2xx answers and socket errors (timeouts). A route whose cold request fails gets
#     no load run; when it took longer than COLD_TIMEOUT, the server (which may go on computing
#     that response) is restarted before the next route;
#   * reload: POST /api/v1/reload with an admin's API token, until the call returns; then the first
#     GET / after it;
#   * RSS: the highest VmRSS seen after a route's load run, and the peak over the whole run
#     including the reload (VmHWM, the highest of the processes when it was restarted); the
#     largest response (bytes as sent without Accept-Encoding, i.e. uncompressed).
# Prints one markdown table per backend with the goal beside each figure (ready < 3 s, reload < 3 s,
# p99 < 50 ms, HTML ≤ 500 KB, RSS < 600 MB) and a ✓/✗ column, and writes them to
# $MLGOV_SCALE_DIR/results-<UTC date and time>.md (raw wrk outputs beside it, in run-<…>/).
#
# usage: bench/scale/run.sh [--regenerate] [--reimport] [--backend sqlite|postgres|both] [--clean]
#   --regenerate  generate the CSV base again (then import it again); by default the base and the
#                 databases of an earlier run with the same ROWS and LOCALITIES are reused
#   --reimport    import into fresh databases again, keeping the CSV (needed to measure an older
#                 build after a newer one migrated the databases)
#   --backend B   sqlite, postgres or both (default)
#   --clean       delete the work directory (CSV, databases, PostgreSQL cluster, results) and exit
# environment:
#   MLGOV_SCALE_DIR  work directory (default /tmp/mlgov-scale; about 1 GB at 1M memberships). When
#                    run as root it must be reachable by the `postgres` user (not under /root).
#   ROWS=1000000 LOCALITIES=20000   size of the base
#   DURATION=10 CONNS=64 THREADS=2  wrk run per route; TIMEOUT=10 wrk's per-request timeout (s)
#   COLD_TIMEOUT=60                 curl's limit for a cold request (s); READY_TIMEOUT=600 for
#                                   start and reload
#   MLGOV=path      the mlgov binary to measure (default: `cargo build --release --bin mlgov`, then
#                   ${CARGO_TARGET_DIR:-target}/release/mlgov); LABEL=text names it in the results
# Needs python3, curl, wrk (Debian's; installed with apt-get when missing) and for PostgreSQL
# initdb/pg_ctl (Debian's postgresql, installed when missing, as scripts/pg-test.sh does). The
# PostgreSQL cluster lives in $MLGOV_SCALE_DIR/pg with its data kept between runs (trust
# authentication, loopback only, fsync off like the test cluster); it is started on a free port and
# stopped when the script exits. Run from anywhere in a clone; the machine should be otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

WORK=${MLGOV_SCALE_DIR:-/tmp/mlgov-scale}
ROWS=${ROWS:-1000000}
LOCALITIES=${LOCALITIES:-20000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10}
COLD_TIMEOUT=${COLD_TIMEOUT:-60}
READY_TIMEOUT=${READY_TIMEOUT:-600}
REGEN=0 REIMPORT=0 BACKEND=both
while [ $# -gt 0 ]; do
  case "$1" in
    --regenerate) REGEN=1 ;;
    --reimport) REIMPORT=1 ;;
    --backend) BACKEND=${2:?--backend needs sqlite, postgres or both}; shift ;;
    --backend=*) BACKEND=${1#--backend=} ;;
    --clean)
      [ ! -d "$WORK" ] || [ -e "$WORK/.lock" ] || [ -e "$WORK/kb/.params" ] ||
        { echo "$WORK does not look like a work directory of this script: not removed" >&2; exit 1; }
      # A cluster left running by a killed run is stopped first.
      if [ -f "$WORK/pg/data/postmaster.pid" ]; then
        pgb=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
        if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pgb/pg_ctl" -D "$WORK/pg/data" -m fast -w stop || true
        else "$pgb/pg_ctl" -D "$WORK/pg/data" -m fast -w stop || true; fi
      fi
      rm -rf "$WORK"; echo "removed $WORK"; exit 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done
case "$BACKEND" in sqlite) BACKENDS="sqlite" ;; postgres) BACKENDS="postgres" ;; both) BACKENDS="sqlite postgres" ;;
  *) echo "--backend: sqlite, postgres or both" >&2; exit 64 ;; esac

say() { printf '[scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }

for tool in python3 curl; do command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 1; }; done
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian)"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi

if [ -n "${MLGOV:-}" ]; then
  BIN=$MLGOV
  LABEL=${LABEL:-$BIN}
else
  cargo build --release --bin mlgov
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/mlgov
  LABEL=${LABEL:-"release build of $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'this checkout')"}
fi
[ -x "$BIN" ] || { echo "no mlgov binary at $BIN" >&2; exit 1; }

mkdir -p "$WORK"
# One run at a time per work directory (they would share the PostgreSQL cluster and the databases).
exec 9>"$WORK/.lock"
flock -n 9 || { echo "another bench/scale/run.sh is using $WORK: wait for it, or set MLGOV_SCALE_DIR" >&2; exit 1; }
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
RUN=$WORK/run-$STAMP
mkdir -p "$RUN"
RESULTS=$WORK/results-$STAMP.md
PARAMS="rows=$ROWS localities=$LOCALITIES generator=$(sha256sum bench/import/gen.py | cut -c1-16)"

SERVER_PID=
PG_RUN=() PG_BIN= PG_STARTED=0
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "$PG_STARTED" = 1 ]; then "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the base --------------------------------------------------------------------------------
KB=$WORK/kb
if [ "$REGEN" = 1 ] || [ "$(cat "$KB/.params" 2>/dev/null)" != "$PARAMS" ]; then
  say "generating $ROWS memberships over $LOCALITIES localities in $KB"
  rm -rf "$KB" "$WORK"/*.imported
  t0=$(now)
  python3 bench/import/gen.py "$KB" "$ROWS" --localities "$LOCALITIES" --located
  echo "$PARAMS" > "$KB/.params"
  say "generated in $(elapsed "$t0" "$(now)") s ($(du -sh "$KB" | cut -f1))"
fi
# A locality and a network from the middle of the base, and the locality's name for searches.
mid_loc=$(awk -F, -v n="$LOCALITIES" 'NR == int(n / 2) + 2 {print $1 "," $2}' "$KB/localities.csv")
LOC=${mid_loc%%,*}; LOC=${LOC#loc:}
LOC_NAME=${mid_loc#*,}
NET=$(awk -F, 'NR == 502 {print $1}' "$KB/networks.csv"); NET=${NET#net:}
Q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1].lower()))' "$LOC_NAME")

# --- PostgreSQL: a cluster kept in $WORK/pg --------------------------------------------------
pg_start() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do [ -x "$d/initdb" ] && { PG_BIN=$d; break; }; done
  if [ -z "$PG_BIN" ] && command -v initdb >/dev/null; then PG_BIN=$(dirname "$(command -v initdb)"); fi
  if [ -z "$PG_BIN" ]; then
    say "installing PostgreSQL (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V -r | head -1)
  fi
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    PG_RUN=(runuser -u postgres --)
  fi
  mkdir -p "$WORK/pg"
  chmod 755 "$WORK" "$WORK/pg"
  [ "${#PG_RUN[@]}" -gt 0 ] && chown postgres: "$WORK/pg"
  if [ ! -f "$WORK/pg/data/PG_VERSION" ]; then
    rm -rf "$WORK/pg/data" "$WORK"/postgres.imported
    "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$WORK/pg/initdb.log" 2>&1 ||
      { cat "$WORK/pg/initdb.log" >&2; exit 1; }
  fi
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then   # left by a killed run
    "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1 || rm -f "$WORK/pg/data/postmaster.pid"
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 120 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $WORK/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { tail -20 "$WORK/pg/server.log" >&2; exit 1; }
  PG_STARTED=1
  PG_ADMIN="postgres://postgres@127.0.0.1:$port/postgres"
  PG_URL="postgres://postgres@127.0.0.1:$port/mlgov_scale"
  say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $WORK/pg/data)"
}

# --- import (once per base) ------------------------------------------------------------------
# import_into NAME DB: a whole-base import and an admin account `bench`, unless done before.
import_into() {
  local name=$1 db=$2 t0
  if [ "$REIMPORT" = 0 ] && [ "$(cat "$WORK/$name.imported" 2>/dev/null)" = "$PARAMS" ]; then
    say "$name: reusing the imported base"; return
  fi
  rm -f "$WORK/$name.imported"
  if [ "$name" = sqlite ]; then
    rm -f "$WORK/big.db" "$WORK/big.db-wal" "$WORK/big.db-shm"
  else
    PGOPTIONS=--client-min-messages=warning "$PG_BIN/psql" -X -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS mlgov_scale" -c "CREATE DATABASE mlgov_scale" >/dev/null
  fi
  say "$name: importing $KB"
  t0=$(now)
  "$BIN" --db "$db" import "$KB" >"$RUN/import-$name.out" 2>&1 || { tail -20 "$RUN/import-$name.out" >&2; exit 1; }
  say "$name: imported in $(elapsed "$t0" "$(now)") s"
  "$BIN" --db "$db" --json user add bench --role admin </dev/null >/dev/null
  echo "$PARAMS" > "$WORK/$name.imported"
}

# --- measuring one backend -------------------------------------------------------------------
# Waits until the server's CPU time stops growing (after a timed-out request it may still be
# rendering), at most 10 minutes, so that the next figure is not taken on a busy server.
wait_idle() {
  local a b
  for _ in $(seq 1 600); do
    a=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0)
    sleep 1
    b=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0)
    [ $((b - a)) -le 5 ] && return
  done
}

status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$SERVER_PID/status"; }

ROUTES=(
  "/" "/networks" "/localities" "/localities/$LOC" "/networks/$NET" "/graph" "/map" "/search?q=$Q"
  "/api/v1" "/api/v1/localities" "/api/v1/networks" "/api/v1/memberships" "/api/v1/localities/$LOC"
  "/api/v1/localities/$LOC/learning" "/api/v1/localities/$LOC/survey" "/api/v1/localities?country=IT&per_page=20"
  "/api/v1/networks/$NET" "/api/v1/search?q=$Q" "/api/v1/graph" "/api/v1/localities.geojson"
)

# start_server DB OUT: starts `mlgov serve` on a free loopback port (SERVER_PID, URL) and waits until
# GET / answers 200; sets LISTENING_S (start → "listening" printed), READY_S (start → that 200) and
# READY_LINE (curl's figures for that first GET /).
start_server() {
  local db=$1 out=$2 t0 t1 deadline=$((SECONDS + READY_TIMEOUT))
  t0=$(now)
  "$BIN" --db "$db" --json serve --addr 127.0.0.1:0 >"$out/serve.out" 2>>"$out/serve.err" &
  SERVER_PID=$!
  while ! grep -q listening "$out/serve.out" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out/serve.err" >&2; echo "mlgov serve exited" >&2; exit 1; }
    sleep 0.02
  done
  LISTENING_S=$(elapsed "$t0" "$(now)")
  URL=
  while [ -z "$URL" ]; do   # the line may be written in pieces
    URL=$(sed -n 's/.*"listening": *"\([^"]*\)".*/\1/p' "$out/serve.out")
    [ -n "$URL" ] || sleep 0.02
  done
  while :; do
    READY_LINE=$(curl -s -o /dev/null --max-time "$READY_TIMEOUT" -w '%{http_code} %{time_total} %{size_download} %{content_type}' "$URL/" || true)
    t1=$(now)
    [ "${READY_LINE%% *}" = 200 ] && break
    [ "$SECONDS" -lt "$deadline" ] || { echo "not ready after $READY_TIMEOUT s (GET $URL/: ${READY_LINE:-no answer})" >&2; exit 1; }
    sleep 0.02
  done
  READY_S=$(elapsed "$t0" "$t1")
}

# stop_server: stops it, keeping the highest VmHWM seen in PEAK_KB.
PEAK_KB=0
stop_server() {
  local hwm
  hwm=$(status_kb VmHWM || echo 0)
  if [ "${hwm:-0}" -gt "$PEAK_KB" ]; then PEAK_KB=$hwm; fi
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

measure() {
  local name=$1 db=$2 out token line code secs i=0 path restarts=0 rss rss_load=0
  out=$RUN/$name
  mkdir -p "$out"
  PEAK_KB=0
  token=$("$BIN" --db "$db" --json token issue --user bench --label "scale $STAMP" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') ||
    { echo "$name: no API token (a database migrated by a newer build? run again with --reimport)" >&2; exit 1; }
  {
    echo "backend=$name"
    echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  } > "$out/meta"
  # A SQLite server reloads when the file or its WAL changes (checked every 2 s), which empties
  # its page cache: record whether anything wrote to them during the run.
  if [ "$name" = sqlite ]; then echo "store_mtime_before=$(stat -c %Y "$db" "$db-wal" 2>/dev/null | tr '\n' ' ')" >> "$out/meta"; fi
  say "$name: starting mlgov serve"
  start_server "$db" "$out"
  { echo "listening_s=$LISTENING_S"; echo "ready_s=$READY_S"; } >> "$out/meta"
  say "$name: listening after $LISTENING_S s, GET / answered 200 after $READY_S s, at $URL"
  wait_idle   # a reload the file watcher started meanwhile finishes before the next figure
  : > "$out/routes.tsv"
  : > "$out/rss.tsv"
  # Per route: one cold request (the first of that URL since the process started; for /, the
  # readiness request), then wrk. A cold request that fails gets no load run; one that timed out
  # also restarts the server, which may go on computing that response for a long time, before the
  # next route (the responses it had cached are lost; later routes are first requests anyway).
  for path in "${ROUTES[@]}"; do
    i=$((i + 1))
    if [ "$path" = / ]; then
      line=$READY_LINE
    else
      line=$(curl -s -o "$out/body" --max-time "$COLD_TIMEOUT" -w '%{http_code} %{time_total} %{size_download} %{content_type}' "$URL$path" || true)
      [ -n "$line" ] || line="000 $COLD_TIMEOUT 0 -"
    fi
    read -r code secs _ <<<"$line"
    say "$name: cold $path: HTTP $code in $secs s"
    printf '%s\t%s\n' "$path" "$line" >> "$out/routes.tsv"
    # An error's message (the API's envelope) goes into the table.
    case "$code" in 2*|000) ;; *) head -c 400 "$out/body" > "$out/cold-$i.err" 2>/dev/null || true ;; esac
    rm -f "$out/body"
    case "$code" in
      2*)
        say "$name: wrk $path"
        wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout "${TIMEOUT}s" --latency "$URL$path" </dev/null > "$out/wrk-$i.txt" 2>&1 || true
        wait_idle      # requests still queued when wrk stops may keep the server busy
        rss=$(status_kb VmRSS)
        printf '%s\t%s\n' "$i" "$rss" >> "$out/rss.tsv"
        if [ "${rss:-0}" -gt "$rss_load" ]; then rss_load=$rss; fi ;;
      [1-9]*)
        echo "skipped: the cold request did not succeed" > "$out/wrk-$i.txt" ;;
      *)
        echo "skipped: the cold request did not succeed" > "$out/wrk-$i.txt"
        restarts=$((restarts + 1))
        echo "restart_after=$path" >> "$out/meta"
        say "$name: restarting the server"
        stop_server
        start_server "$db" "$out"
        wait_idle ;;
    esac
  done
  echo "rss_after_load_kb=$rss_load" >> "$out/meta"   # the highest VmRSS after a load run
  # Reload, then the first GET / after it.
  line=$(curl -s -o "$out/reload.json" --max-time "$READY_TIMEOUT" -X POST -H "Authorization: Bearer $token" -w '%{http_code} %{time_total}' "$URL/api/v1/reload" || true)
  echo "reload=$line" >> "$out/meta"
  say "$name: reload: HTTP $line s"
  line=$(curl -s -o /dev/null --max-time "$READY_TIMEOUT" -w '%{http_code} %{time_total}' "$URL/" || true)
  echo "after_reload_home=$line" >> "$out/meta"
  echo "rss_end_kb=$(status_kb VmRSS)" >> "$out/meta"
  stop_server
  echo "rss_peak_kb=$PEAK_KB" >> "$out/meta"
  echo "restarts=$restarts" >> "$out/meta"
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/meta"
  if [ "$name" = sqlite ]; then echo "store_mtime_after=$(stat -c %Y "$db" "$db-wal" 2>/dev/null | tr '\n' ' ')" >> "$out/meta"; fi
}

for b in $BACKENDS; do
  if [ "$b" = sqlite ]; then
    import_into sqlite "$WORK/big.db"
    measure sqlite "$WORK/big.db"
  else
    pg_start
    import_into postgres "$PG_URL"
    measure postgres "$PG_URL"
  fi
done

# --- the tables ------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
python3 - "$RUN" "$RESULTS" "$BACKENDS" <<PY
import os, re, sys
run, results, backends = sys.argv[1], sys.argv[2], sys.argv[3].split()
DURATION, COLD_TIMEOUT = $DURATION, "$COLD_TIMEOUT"
head = [
    "# Scale benchmark ($STAMP)", "",
    "* command: \`bench/scale/run.sh\` (ROWS=$ROWS LOCALITIES=$LOCALITIES DURATION=$DURATION CONNS=$CONNS THREADS=$THREADS TIMEOUT=$TIMEOUT COLD_TIMEOUT=$COLD_TIMEOUT)",
    "* binary: $LABEL",
    "* machine: $(nproc) cores ($cpu), $mem; wrk and the server share the cores",
    "* base: $ROWS memberships, 1,000 networks, $LOCALITIES localities (bench/import/gen.py --localities $LOCALITIES --located);"
    " routes use locality $LOC, network $NET and q=$Q",
    "",
]

def ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return None
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[m.group(2)]

def wrk(path):
    text = open(path).read()
    if text.startswith("skipped"):
        return None
    r = {"rps": None, "p50": None, "p99": None, "non2xx": 0, "timeouts": 0, "sockerr": 0, "requests": 0}
    for line in text.splitlines():
        f = line.split()
        if line.startswith("Requests/sec:"):
            r["rps"] = float(f[1])
        elif len(f) == 2 and f[0] == "50%":
            r["p50"] = ms(f[1])
        elif len(f) == 2 and f[0] == "99%":
            r["p99"] = ms(f[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            r["non2xx"] = int(f[-1])
        elif line.strip().startswith("Socket errors:"):
            n = dict(re.findall(r"(connect|read|write|timeout) (\d+)", line))
            r["timeouts"] = int(n.get("timeout", 0))
            r["sockerr"] = sum(int(v) for k, v in n.items() if k != "timeout")
        elif re.search(r"\d+ requests in", line):
            r["requests"] = int(f[0])
    if r["requests"] == 0:  # nothing answered within the run: wrk's percentiles are zeros
        r["p50"] = r["p99"] = None
    return r

def size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} KB" if n >= 1e3 else f"{n} B"

def fmt(v, unit=""):
    if v is None:
        return "—"
    if v == 0:
        return "0"
    return f"{v:,.0f}{unit}" if v >= 100 else f"{v:.1f}{unit}" if v >= 10 else f"{v:.2f}{unit}"

ok = lambda b: "✓" if b else "✗"
out = list(head)
for b in backends:
    d = os.path.join(run, b)
    meta_list = [tuple(l.rstrip("\n").split("=", 1)) for l in open(os.path.join(d, "meta")) if "=" in l]
    meta = dict(meta_list)
    rows, largest, largest_html = [], (0, ""), (0, "")
    rss_after = dict(l.split() for l in open(os.path.join(d, "rss.tsv")) if len(l.split()) == 2)
    for i, line in enumerate(open(os.path.join(d, "routes.tsv")), 1):
        path, rest = line.rstrip("\n").split("\t", 1)
        code, secs, nbytes, ctype = (rest.split(" ", 3) + ["-"] * 4)[:4]
        nbytes = int(float(nbytes))
        html = ctype.startswith("text/html")
        if nbytes > largest[0]:
            largest = (nbytes, path)
        if html and nbytes > largest_html[0]:
            largest_html = (nbytes, path)
        w = wrk(os.path.join(d, f"wrk-{i}.txt"))
        fails = []
        if not code.startswith("2"):
            err = os.path.join(d, f"cold-{i}.err")
            msg = ""
            if os.path.exists(err):
                raw = open(err, errors="replace").read()
                msg = re.search(r'"message":"([^"]*)"', raw)
                msg = ": " + (msg.group(1) if msg else raw.strip()[:80])
            fails.append(f"cold HTTP {code}" + (f" (timed out after {COLD_TIMEOUT} s)" if code == "000" else msg))
        if w is None:
            fails.append("no load run")
        elif w["requests"] == 0:
            fails.append(f"nothing answered within {DURATION} s")
        else:
            if w["p99"] is None or w["p99"] >= 50:
                fails.append("p99")
            if w["timeouts"]:
                fails.append(f"{w['timeouts']} timeouts")
            if w["non2xx"] or w["sockerr"]:
                fails.append(f"{w['non2xx']} non-2xx, {w['sockerr']} socket errors")
        if html and nbytes > 500_000:
            fails.append("> 500 KB")
        cold = float(secs) * 1000
        rows.append("| \`{}\` | {} | {} | {} | {} | {}{} | {} | {} |".format(
            path.replace("|", "\\\\|"), fmt(cold) if code.startswith("2") else f"> {fmt(cold)} ({code})",
            fmt(w["rps"]) if w else "—", fmt(w["p50"]) if w else "—", fmt(w["p99"]) if w else "—",
            size(nbytes), " (HTML)" if html else "", f"{int(rss_after[str(i)]) / 1024:,.0f}" if str(i) in rss_after else "—",
            ok(not fails) + ("" if not fails else " " + "; ".join(fails))))
    ready = float(meta["ready_s"])
    rcode, rsecs = (meta.get("reload", "000 0").split() + ["0"])[:2]
    hcode, hsecs = (meta.get("after_reload_home", "000 0").split() + ["0"])[:2]
    rss_load = int(meta["rss_after_load_kb"]) / 1024
    rss_peak = int(meta["rss_peak_kb"]) / 1024
    out += [f"## {b}", "",
            f"Load average before: {meta['load_before']}; after: {meta['load_after']}."
            + (f" The server was restarted {meta['restarts']} time(s), after the cold request of: {', '.join(v for k, v in meta_list if k == 'restart_after')}; the peak RSS is the highest of the processes." if meta.get("restarts", "0") != "0" else "")
            + ("" if "store_mtime_before" not in meta else f" The database's files changed during the run (modification times of the file and its WAL before the start: {meta['store_mtime_before'].strip()}; at the end: {meta.get('store_mtime_after', '').strip()} — a WAL that the server creates when it opens the store counts): a SQLite server reloads when they change (checked every 2 s), which empties its page cache."
               if meta["store_mtime_before"] != meta.get("store_mtime_after") else " Nothing wrote to the database file during the run."), "",
            "| measure | figure | goal | met |", "|---|---:|---|---|",
            f"| ready: start → first \`GET /\` 200 | {ready:.2f} s (listening after {float(meta['listening_s']):.2f} s) | < 3 s | {ok(ready < 3)} |",
            f"| reload: \`POST /api/v1/reload\` returns | {float(rsecs):.2f} s (HTTP {rcode}) | < 3 s | {ok(rcode == '200' and float(rsecs) < 3)} |",
            f"| first \`GET /\` after the reload | {float(hsecs):.2f} s (HTTP {hcode}) | (ready < 3 s) | {ok(hcode == '200' and float(rsecs) + float(hsecs) < 3)} |",
            f"| RSS after the load runs (highest VmRSS after a route's wrk run) | {rss_load:,.0f} MiB | < 600 MB | {ok(rss_load * 1.048576 < 600)} |",
            f"| peak RSS (VmHWM, incl. the reload) | {rss_peak:,.0f} MiB | < 600 MB | {ok(rss_peak * 1.048576 < 600)} |",
            f"| largest HTML response | {size(largest_html[0])} (\`{largest_html[1]}\`) | ≤ 500 KB | {ok(largest_html[0] <= 500_000)} |",
            f"| largest response (any type) | {size(largest[0])} (\`{largest[1]}\`) | — | |",
            "",
            f"| route | cold ms | req/s | p50 ms | p99 ms (goal < 50) | bytes (HTML goal ≤ 500 KB) | RSS after, MiB | met |",
            "|---|---:|---:|---:|---:|---:|---:|---|", *rows, ""]
text = "\n".join(out)
open(results, "w").write(text + "\n")
print(text)
PY
say "results in $RESULTS (raw outputs in $RUN)"
