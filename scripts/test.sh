#!/usr/bin/env bash
# Runs every mlgov test. Installs what the tests need first (only when missing):
#   - Python packages used by export-compatibility tests (networkx reads our GraphML/GEXF).
# Usage: ./scripts/test.sh            (from a fresh clone; needs the Rust toolchain)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

if ! python3 -c 'import networkx' >/dev/null 2>&1; then
  log "installing networkx (PyPI) for the GraphML/GEXF compatibility tests"
  python3 -m pip install --quiet --disable-pip-version-check networkx || echo "warning: could not install networkx"
fi

log "cargo test --workspace"
cargo test --workspace --locked
