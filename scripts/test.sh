#!/usr/bin/env bash
# Runs every mlgov test. Installs what the tests need first (only when missing):
#   - Python packages used by export-compatibility tests (networkx reads our GraphML/GEXF).
#   - PostgreSQL (Debian packages) for the PostgreSQL storage tests, via scripts/pg-test.sh.
# Usage: ./scripts/test.sh            (from a fresh clone; needs the Rust toolchain)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

if ! python3 -c 'import networkx' >/dev/null 2>&1; then
  log "installing networkx (PyPI) for the GraphML/GEXF compatibility tests"
  python3 -m pip install --quiet --disable-pip-version-check networkx || echo "warning: could not install networkx"
fi

# >>> postgres block (owned by the PostgreSQL helper; keep the delimiters)
# The whole workspace test run happens inside a throwaway PostgreSQL cluster on loopback
# (scripts/pg-test.sh installs Debian's postgresql when initdb is missing, starts the cluster,
# exports MLGOV_TEST_PG_URL for every test, and stops and deletes it afterwards).
log "cargo test --workspace (with a throwaway PostgreSQL: scripts/pg-test.sh)"
scripts/pg-test.sh cargo test --workspace --locked
# <<< postgres block
