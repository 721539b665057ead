#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the corpus tests and print its URL.
#
#   export PARALLAX_TEST_PG_URL="$(scripts/postgres.sh)"
#   scripts/postgres.sh stop          # stop the server started before
#
# Installs Debian's postgresql package when no server binaries are found
# (apt-get; needs root), then runs initdb and pg_ctl as the postgres user on a
# local port under a temporary folder. Only the URL goes to stdout; progress
# goes to stderr. PARALLAX_PG_PORT (default 54329) and PARALLAX_PG_DIR
# (default /tmp/parallax-pg) choose where.
set -euo pipefail

PORT="${PARALLAX_PG_PORT:-54329}"
DIR="${PARALLAX_PG_DIR:-/tmp/parallax-pg}"
log() { echo "postgres.sh: $*" >&2; }

find_bin() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    echo "$found"
}

BIN="$(find_bin)"
if [ "${1:-}" = "stop" ]; then
    if [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ]; then
        su postgres -s /bin/sh -c "'$BIN/pg_ctl' -D '$DIR/data' -m fast stop" >&2
    fi
    exit 0
fi

if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "no PostgreSQL server binaries and not root: install the postgresql package"
        exit 1
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN="$(find_bin)"
fi

RUNAS=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home "$DIR" --shell /bin/sh postgres
    RUNAS=(su postgres -s /bin/sh -c)
else
    RUNAS=(sh -c)
fi

mkdir -p "$DIR"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$DIR"; fi

if [ ! -f "$DIR/data/PG_VERSION" ]; then
    log "initdb in $DIR/data"
    "${RUNAS[@]}" "'$BIN/initdb' -D '$DIR/data' -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
fi

if "${RUNAS[@]}" "'$BIN/pg_ctl' -D '$DIR/data' status" >/dev/null 2>&1; then
    log "server already running on port $PORT"
else
    log "starting the server on 127.0.0.1:$PORT"
    "${RUNAS[@]}" "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/server.log' -w -t 60 \
        -o \"-p $PORT -k '$DIR' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >&2
fi

echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
