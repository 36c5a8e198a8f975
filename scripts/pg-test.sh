#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on loopback and MLGOV_TEST_PG_URL pointing at it.
#
# Usage: scripts/pg-test.sh <command> [args...]
#   e.g. scripts/pg-test.sh cargo test --workspace --locked
#
# * Installs Debian's PostgreSQL (`apt-get install postgresql`) when no `initdb` is found.
# * Creates a cluster in a fresh temp dir (as the `postgres` user when run as root: initdb refuses
#   root), trust authentication, listening on 127.0.0.1 only, on a free port, with fsync off
#   (a test cluster: durability against OS crashes is not needed, restarts stay safe).
# * Exports for the command:
#     MLGOV_TEST_PG_URL   postgres://postgres@127.0.0.1:<port>/mlgov_test
#     MLGOV_TEST_PG_DATA  the cluster's data directory
#     MLGOV_TEST_PG_BIN   the PostgreSQL binaries (pg_ctl, psql, ...)
#     MLGOV_TEST_PG_CTL   a command that runs pg_ctl on the cluster as the right user, e.g.
#                         `$MLGOV_TEST_PG_CTL restart` (fault tests restart the server mid-run)
# * Stops the server and deletes the directory on exit, whatever the command's outcome.
# * When MLGOV_TEST_PG_URL is already set (an external server), runs the command unchanged.
# Exits with the command's exit status.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 64
fi

if [ -n "${MLGOV_TEST_PG_URL:-}" ]; then
  echo "pg-test: using the server in MLGOV_TEST_PG_URL" >&2
  exec "$@"
fi

say() { printf 'pg-test: %s\n' "$*" >&2; }

find_bin() {
  local d
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ]; then echo "$PG_BIN"; return 0; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}

if ! BIN=$(find_bin); then
  say "initdb not found: installing PostgreSQL from Debian (apt-get install postgresql)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN=$(find_bin) || { say "PostgreSQL was installed but initdb is still not found"; exit 1; }
fi

# initdb and postgres refuse to run as root: run them as `postgres` (created by Debian's package).
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  RUN=(runuser -u postgres --)
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/mlgov-pg.XXXXXX")
chmod 755 "$DIR"
[ "${#RUN[@]}" -gt 0 ] && chown postgres: "$DIR"

cleanup() {
  local status=$?
  if [ -f "$DIR/data/postmaster.pid" ]; then
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo 54329
}

"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; say "initdb failed"; exit 1; }

# A port can be taken between choosing and binding: try a few.
started=0
for _ in 1 2 3 4 5; do
  PORT=$(free_port)
  OPTS="-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
  if "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -o "$OPTS" -l "$DIR/server.log" -w -t 60 start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [ "$started" -ne 1 ]; then
  cat "$DIR/server.log" >&2 || true
  say "the server did not start"
  exit 1
fi

"$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE mlgov_test" >/dev/null

export MLGOV_TEST_PG_URL="postgres://postgres@127.0.0.1:$PORT/mlgov_test"
export MLGOV_TEST_PG_DATA="$DIR/data"
export MLGOV_TEST_PG_BIN="$BIN"
if [ "${#RUN[@]}" -gt 0 ]; then
  export MLGOV_TEST_PG_CTL="runuser -u postgres -- $BIN/pg_ctl -D $DIR/data -w"
else
  export MLGOV_TEST_PG_CTL="$BIN/pg_ctl -D $DIR/data -w"
fi
say "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (data in $DIR/data)"

set +e
"$@"
status=$?
set -e
exit "$status"
