#!/usr/bin/env bash
# Survey benchmark (issue 12, part 8), whole processes from the stored survey:
#  1. the frequency table: `mlgov survey analyze NAME frequency --resamples 0` reading the database
#     vs pandas and polars reading the survey exported as CSV (`mlgov survey export`), on N
#     synthetic respondents; the three tables are checked equal (same cells, n and mean) first;
#     wall time with hyperfine (same run, alternating), peak memory (max RSS) with /usr/bin/time -v;
#  2. all analyses with 1,000 bootstrap resamples on the stored survey (`survey analyze all`,
#     `survey report`).
# Results go to docs/benchmarks-survey.md by hand. The older point-estimate harness (five tables
# from the long CSV, library only) is `tables.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-50000}
RUNS=${RUNS:-10}
DIR=${DIR:-/tmp/mlgov-survey-bench}
MLGOV=${MLGOV:-$PWD/target/release/mlgov}
mkdir -p "$DIR"

python3 -c 'import pandas, polars' 2>/dev/null || python3 -m pip install --quiet pandas polars
command -v hyperfine >/dev/null || apt-get install -y -q hyperfine >/dev/null
[ -n "${NO_BUILD:-}" ] || cargo build --release --bin mlgov

DB="$DIR/bench.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
# A database as a project would have it: the knowledge base, then the survey. Generated
# localities (with size classes) are stored with the survey and exported beside it.
"$MLGOV" --db "$DB" demo >/dev/null
"$MLGOV" --db "$DB" survey synth --respondents "$N" --localities 49 --seed 1 --name bench
"$MLGOV" --db "$DB" survey export bench -o "$DIR/bench.csv"
ls -l "$DB" "$DIR/bench.csv"

echo "== same table?"
"$MLGOV" --db "$DB" --json survey analyze bench frequency --resamples 0 > "$DIR/mlgov.json"
python3 bench/survey/freq_pandas.py "$DIR/bench.csv" > "$DIR/pandas.csv"
python3 bench/survey/freq_polars.py "$DIR/bench.csv" > "$DIR/polars.csv"
python3 bench/survey/compare.py "$DIR/mlgov.json" "$DIR/pandas.csv" "$DIR/polars.csv"

echo "== versions, machine"
python3 -c 'import pandas, polars, sys; print("python", sys.version.split()[0], "pandas", pandas.__version__, "polars", polars.__version__)'
"$MLGOV" --version
echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== frequency table, wall time (hyperfine, $RUNS runs each)"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$DIR/freq.json" \
  -n mlgov "$MLGOV --db $DB survey analyze bench frequency --resamples 0" \
  -n pandas "python3 bench/survey/freq_pandas.py $DIR/bench.csv" \
  -n polars "python3 bench/survey/freq_polars.py $DIR/bench.csv"
python3 - "$DIR/freq.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
m = r["mlgov"]["median"]
for k in ("pandas", "polars"):
    print(f"{k} / mlgov (median wall): {r[k]['median'] / m:.2f}x  ({r[k]['median']:.3f} s vs {m:.3f} s; mean {r[k]['mean']:.3f} vs {r['mlgov']['mean']:.3f})")
PY

echo "== frequency table, peak memory (max RSS of 5 runs, /usr/bin/time -v)"
rss() { # max over 5 runs of the maximum resident set size, KiB
  local best=0 v
  for _ in 1 2 3 4 5; do
    v=$( { /usr/bin/time -v "$@" >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
    [ "$v" -gt "$best" ] && best=$v
  done
  echo "$best"
}
M=$(rss "$MLGOV" --db "$DB" survey analyze bench frequency --resamples 0)
P=$(rss python3 bench/survey/freq_pandas.py "$DIR/bench.csv")
L=$(rss python3 bench/survey/freq_polars.py "$DIR/bench.csv")
awk -v m="$M" -v p="$P" -v l="$L" 'BEGIN { printf "max RSS: mlgov %.1f MiB, pandas %.1f MiB, polars %.1f MiB; mlgov/polars = %.2f, mlgov/pandas = %.2f\n", m/1024, p/1024, l/1024, m/l, m/p }'

echo "== all analyses, 1,000 resamples (hyperfine, 3 runs each)"
hyperfine -N --warmup 1 --runs 3 --export-json "$DIR/all.json" \
  -n analyze-all "$MLGOV --db $DB survey analyze bench all --resamples 1000" \
  -n report "$MLGOV --db $DB survey report bench --resamples 1000 -o $DIR/report"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
