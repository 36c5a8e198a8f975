#!/usr/bin/env bash
# Runs every mlgov test. Installs what the tests need first (only when missing):
#   - Python packages used by export-compatibility tests (networkx reads our GraphML/GEXF; Pillow
#     and pypdf read the PNG and PDF figures) and
#     by the reference comparisons (python-igraph for communities).
#   - R with sna (Debian r-cran-sna), the reference for Gould–Fernandez brokerage.
#   - PostgreSQL (Debian packages) for the PostgreSQL storage tests, via scripts/pg-test.sh.
# Usage: ./scripts/test.sh            (from a fresh clone; needs the Rust toolchain)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

# start_serve DIR [--keep]: loads the bundled knowledge base into DIR/kb.db (unless --keep: the
# database is already prepared), starts `mlgov serve` on a free loopback port in the background and
# sets SERVE_URL and SERVE_PID (exits if it does not start).
start_serve() {
  [ "${2:-}" = "--keep" ] || ./target/debug/mlgov --db "$1/kb.db" demo --json >/dev/null
  ./target/debug/mlgov --db "$1/kb.db" --json serve --addr 127.0.0.1:0 >"$1/serve.out" 2>"$1/serve.err" &
  SERVE_PID=$!
  for _ in $(seq 1 100); do
    grep -q listening "$1/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  SERVE_URL=$(sed -n 's/.*"listening": *"\([^"]*\)".*/\1/p' "$1/serve.out")
  [ -n "$SERVE_URL" ] || { cat "$1/serve.err"; echo "mlgov serve did not start"; exit 1; }
}

if ! python3 -c 'import networkx' >/dev/null 2>&1; then
  log "installing networkx (PyPI) for the GraphML/GEXF compatibility tests"
  python3 -m pip install --quiet --disable-pip-version-check networkx || echo "warning: could not install networkx"
fi
if ! python3 -c 'import igraph' >/dev/null 2>&1; then
  log "installing python-igraph (PyPI) for the Louvain/Leiden comparison"
  python3 -m pip install --quiet --disable-pip-version-check igraph
fi
if ! python3 -c 'import openapi_spec_validator' >/dev/null 2>&1; then
  log "installing openapi-spec-validator (PyPI) for the OpenAPI document test"
  python3 -m pip install --quiet --disable-pip-version-check openapi-spec-validator
fi
if ! Rscript -e 'library(sna)' >/dev/null 2>&1; then
  log "installing R and sna (Debian r-cran-sna) for the Gould–Fernandez brokerage comparison"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends r-cran-sna >/dev/null 2>&1; } ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends r-cran-sna >/dev/null; }
fi
if ! python3 -c 'import geopandas, pyogrio' >/dev/null 2>&1; then
  log "installing geopandas and pyogrio (PyPI; GDAL inside the wheel) for the GeoJSON read-back"
  python3 -m pip install --quiet --disable-pip-version-check geopandas pyogrio
fi
if ! python3 -c 'import PIL, pypdf' >/dev/null 2>&1; then
  log "installing pillow and pypdf (PyPI) to read back the PNG and PDF figures"
  python3 -m pip install --quiet --disable-pip-version-check pillow pypdf
fi
if ! python3 -c 'import openpyxl, pyarrow, bibtexparser, citeproc, frictionless, lxml, jsonschema, yaml; assert bibtexparser.__version__ >= "2"' >/dev/null 2>&1; then
  log "installing openpyxl, pyarrow, bibtexparser 2, citeproc-py, frictionless and lxml (PyPI) for the format read-back"
  python3 -m pip install --quiet --disable-pip-version-check openpyxl pyarrow "bibtexparser>=2" citeproc-py frictionless lxml "jsonschema>=4.20" pyyaml
fi

# Style gates (issue 22): the tree is as rustfmt writes it (rustfmt.toml), and clippy finds nothing
# under the workspace's lint policy ([workspace.lints] in Cargo.toml, each allowance with its
# reason). Either fails the run.
log "cargo fmt --check and cargo clippy -D warnings"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

# >>> postgres block (owned by the PostgreSQL helper; keep the delimiters)
# The whole workspace test run happens inside a throwaway PostgreSQL cluster on loopback
# (scripts/pg-test.sh installs Debian's postgresql when initdb is missing, starts the cluster,
# exports MLGOV_TEST_PG_URL for every test, and stops and deletes it afterwards).
log "cargo test --workspace (with a throwaway PostgreSQL: scripts/pg-test.sh)"
scripts/pg-test.sh cargo test --workspace --locked
# <<< postgres block

# >>> browser block (owned by the server helper; keep the delimiters)
# End-to-end tests of the web explorer in headless Chromium: installs Debian's chromium and the
# npm packages when missing, builds the Vite bundle (embedded into the binary, so the binary is
# rebuilt after it), starts `mlgov serve` on a free loopback port over a fresh demo database and
# runs web/tests/e2e.mjs (screenshots of every page in test-output/screenshots/).
if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium (Debian) for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [ ! -d web/node_modules ]; then
  log "npm ci (web/)"
  # npm 11 with this registry mirror rejects `npm ci` on locks with platform-specific optional
  # dependencies (rollup's) even when freshly generated; `npm install` honours the same lock.
  (cd web && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; })
fi
log "vite build (web/dist) and check it matches the committed bundle"
(cd web && npm run build --silent)
# The built bundle is committed so that the README's first command (`cargo run --release --
# serve`, no npm) serves the whole explorer; a source change without a rebuild fails here.
if [ -n "$(git status --porcelain -- web/dist)" ]; then
  git status --short -- web/dist
  echo "web/dist does not match web/src: run (cd web && npm run build) and commit web/dist"
  exit 1
fi
cargo build --locked --bin mlgov
e2e_dir=$(mktemp -d)
log "browser tests against mlgov serve"
trap 'kill "${SERVE_PID:-}" 2>/dev/null || true; rm -rf "$e2e_dir"' EXIT
# Surveys for the explorer tests: a synthetic dataset a user chose to make, an imported Qualtrics
# export (data/survey/examples), and an admin token for the collected survey the browser answers.
mlgov_e2e() { ./target/debug/mlgov --db "$e2e_dir/kb.db" --json "$@"; }
mlgov_e2e demo >/dev/null
mlgov_e2e survey synth --respondents 300 --seed 7 --name demo-synth >/dev/null
mlgov_e2e survey import data/survey/examples/qualtrics.csv --mapping data/survey/examples/qualtrics.mapping.toml --name wave1 >/dev/null
mlgov_e2e user add e2e-admin --role admin >/dev/null
admin_token=$(mlgov_e2e token issue --user e2e-admin --label e2e | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# A locality whose name is markup, with coordinates (a point on the map): the browser tests check
# that no label renders it as HTML.
mkdir -p "$e2e_dir/hostile"
printf 'id,short,title,kind\nsrc:e2e-hostile,E2E fixture,A hostile name for the browser tests,other\n' >"$e2e_dir/hostile/sources.csv"
printf '%s\n' 'id,name,kind,country,lat,lon,coord_source,source,locator' \
  'loc:e2e-hostile,"""><img src=x onerror=""window.__xss=1"">",municipality,IT,44.0,12.0,src:e2e-hostile,src:e2e-hostile,fixture' \
  >"$e2e_dir/hostile/localities.csv"
mlgov_e2e import "$e2e_dir/hostile" >/dev/null
start_serve "$e2e_dir" --keep
serve_pid=$SERVE_PID
url=$SERVE_URL
(cd web && MLGOV_URL="$url" MLGOV_ADMIN_TOKEN="$admin_token" node tests/e2e.mjs)
log "GeoJSON read back with geopandas (CLI export and API)"
mlgov_e2e export --format geojson -o "$e2e_dir/localities.geojson" >/dev/null
python3 scripts/gis-check.py "$e2e_dir/localities.geojson" "$url"
log "table downloads read back with pandas (CSV, CSV for Excel, JSON)"
python3 scripts/downloads-check.py "$url"
log "docs/api-clients.md snippets (Python with pandas; R with base read.csv)"
python3 scripts/api-clients-check.py "$url"
log "every output format read back by its consumer's library (openpyxl, pyarrow, bibtexparser, citeproc-py, frictionless, lxml, networkx)"
python3 scripts/formats-check.py ./target/debug/mlgov "$url"
kill "$serve_pid" 2>/dev/null || true
# <<< browser block

# >>> schemathesis block (owned by the faults helper; keep the delimiters)
# schemathesis against the OpenAPI document of a running `mlgov serve` (fresh demo database, free
# loopback port): any 5xx fails the script (scripts/schemathesis.sh installs schemathesis when
# missing; ≈ 30 s). Then the 60 s soak of crates/mlgov-faults (200 req/s of mixed API and page
# reads, no errors, flat memory), which the workspace run above skips without MLGOV_SOAK=1.
st_dir=$(mktemp -d)
log "schemathesis against mlgov serve (no 5xx)"
trap 'kill "${SERVE_PID:-}" 2>/dev/null || true; rm -rf "$st_dir" "${e2e_dir:-}"' EXIT
start_serve "$st_dir"
st_pid=$SERVE_PID
st_url=$SERVE_URL
scripts/schemathesis.sh "$st_url"
kill "$st_pid" 2>/dev/null || true
log "soak: 60 s at 200 req/s against mlgov serve (MLGOV_SOAK=1)"
MLGOV_SOAK=1 cargo test --locked -p mlgov-faults --test integration -- soak --nocapture
# <<< schemathesis block
