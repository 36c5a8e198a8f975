#!/usr/bin/env bash
# HTTP load benchmark of mlgov-server on loopback with wrk (Debian package; installed when
# missing): locality and network profile pages and API reads at 64 concurrent connections,
# bounded in time (DURATION seconds per target, default 15). Uses the release build of
# `mlgov serve` (or, with SERVER=example, the mlgov-server `serve` example) over a fresh demo
# database. Prints one line per target: requests/s and latency percentiles.
# Usage: bench/http/run.sh            (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
fi
dir=$(mktemp -d)
if [ "${SERVER:-cli}" = example ]; then
  cargo build --release -p mlgov-server --example serve
  target=${CARGO_TARGET_DIR:-target}/release/examples/serve
  "$target" "$dir/bench.db" 127.0.0.1:0 >"$dir/out" 2>"$dir/err" &
else
  cargo build --release --bin mlgov
  target=${CARGO_TARGET_DIR:-target}/release/mlgov
  "$target" --db "$dir/bench.db" demo --json >/dev/null
  "$target" --db "$dir/bench.db" serve --addr 127.0.0.1:0 >"$dir/out" 2>"$dir/err" &
fi
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q 'http://' "$dir/out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$dir/out" | head -1)
echo "server $url (pid $pid); wrk -t$THREADS -c$CONNS -d${DURATION}s --latency; $(nproc) cores"
for path in /localities/saint-etienne /networks/iccar /api/v1/localities/saint-etienne /api/v1/localities/saint-etienne/learning /api/v1/localities/saint-etienne/survey "/api/v1/localities?country=IT&per_page=20" "/api/v1/search?q=saint+etienne" /api/v1/networks/iccar; do
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$url$path")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
  printf '%-45s %10s req/s  p50 %-8s p99 %-8s %s\n' "$path" "$rps" "$p50" "$p99" "$errs"
done
