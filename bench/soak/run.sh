#!/usr/bin/env bash
# Soak benchmark of `mlgov serve`: a steady request rate of mixed API and page reads on loopback
# for a fixed time (default 10 minutes at 200 req/s), RSS sampled every 2 s, latencies per
# request; writes the figures to docs/benchmarks-soak.md (section "Latest run").
#
# Usage: bench/soak/run.sh [SECONDS] [RPS]        e.g. bench/soak/run.sh 600 200
# It runs the soak test of crates/mlgov-faults (MLGOV_SOAK=1) against the mlgov binary built by
# cargo (debug profile, like the test suite; MLGOV_BIN=<path> tests another build, e.g. a release
# binary). Traffic goes to 127.0.0.1 only; the run is bounded by SECONDS × RPS requests.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-600}
rps=${2:-200}
report=$(mktemp)
trap 'rm -f "$report"' EXIT
cargo build --bin mlgov
bin=${MLGOV_BIN:-${CARGO_TARGET_DIR:-target}/debug/mlgov}
echo "soak: ${secs}s at ${rps} req/s against $bin" >&2
MLGOV_BIN="$bin" MLGOV_SOAK=1 MLGOV_SOAK_SECS="$secs" MLGOV_SOAK_RPS="$rps" MLGOV_SOAK_REPORT="$report" \
  cargo test -p mlgov-faults --test integration -- soak --nocapture
python3 - "$report" "$secs" "$rps" "$bin" docs/benchmarks-soak.md <<'PY'
import json, sys, datetime, platform, os, re
report, secs, rps, binary, doc = sys.argv[1:]
r = json.load(open(report))
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rss = r["rss_kib"]
lines = [
    "## Latest run", "",
    f"* date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores ({cpu}); binary: `{binary}`",
    f"* command: `bench/soak/run.sh {secs} {rps}`",
    f"* duration {r['seconds']} s, target {r['target_rps']} req/s, achieved {r['achieved_rps']:.1f} req/s; {r['requests']} requests over {r['urls']} URLs",
    f"* answered 200: {r['ok']}; errors: {r['errors']}; requests started > 250 ms late: {r['late_starts_over_250ms']}",
    f"* latency (ms): p50 {r['latency_ms']['p50']:.2f}, p90 {r['latency_ms']['p90']:.2f}, p99 {r['latency_ms']['p99']:.2f}, max {r['latency_ms']['max']:.2f}",
    f"* RSS (MiB): first third max {rss['first_third_max']/1024:.1f}, last third max {rss['last_third_max']/1024:.1f} (growth {rss['growth_pct']:+.1f} %); min {min(rss['samples'])/1024:.1f}, max {max(rss['samples'])/1024:.1f} over {len(rss['samples'])} samples",
    "",
]
text = open(doc).read() if os.path.exists(doc) else "# Soak benchmark\n\n"
marker = "<!-- latest run (written by bench/soak/run.sh) -->"
if marker in text:
    text = text[: text.index(marker)]
text = text.rstrip("\n") + "\n\n" + marker + "\n" + "\n".join(lines)
open(doc, "w").write(text)
print("\n".join(lines))
PY
