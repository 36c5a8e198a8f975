#!/usr/bin/env bash
# Runs schemathesis (property-based testing from the OpenAPI document) against a running
# `mlgov serve` on loopback and fails on any 5xx (check `not_a_server_error`).
#
# Usage: scripts/schemathesis.sh http://127.0.0.1:PORT
# Environment (all optional):
#   MLGOV_SCHEMATHESIS_EXAMPLES  examples per operation (default 25)
#   MLGOV_SCHEMATHESIS_SECONDS   wall-clock limit (default 150); the run is killed after it
#   MLGOV_SCHEMATHESIS_CHECKS    checks (default not_a_server_error)
# Installs schemathesis with pip when it is missing. Sends traffic to 127.0.0.1 only.
set -euo pipefail

url=${1:?usage: $0 http://127.0.0.1:PORT}
case "$url" in
  http://127.0.0.1:*|http://localhost:*) ;;
  *) echo "schemathesis.sh: refusing $url (loopback only)" >&2; exit 64 ;;
esac
examples=${MLGOV_SCHEMATHESIS_EXAMPLES:-25}
seconds=${MLGOV_SCHEMATHESIS_SECONDS:-150}
checks=${MLGOV_SCHEMATHESIS_CHECKS:-not_a_server_error}

if ! command -v schemathesis >/dev/null 2>&1; then
  echo "schemathesis.sh: installing schemathesis (PyPI)" >&2
  python3 -m pip install --quiet --disable-pip-version-check schemathesis
fi

echo "schemathesis $(schemathesis --version | awk '{print $NF}') against $url/api/openapi.json: checks=$checks, $examples examples per operation, at most ${seconds}s" >&2
set +e
timeout --signal=INT --kill-after=10 "$seconds" schemathesis run "$url/api/openapi.json" \
  --checks "$checks" \
  --max-examples "$examples" \
  --seed 20240601 \
  --request-timeout 10 \
  --workers 2 \
  --wait-for-schema 30 \
  --suppress-health-check all \
  --generation-database none \
  --no-color
status=$?
set -e
if [ "$status" -eq 124 ] || [ "$status" -eq 130 ]; then
  echo "schemathesis.sh: stopped at the ${seconds}s limit before finishing" >&2
  exit 1
fi
exit "$status"
