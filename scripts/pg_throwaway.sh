#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests and benchmarks.
#   eval "$(scripts/pg_throwaway.sh start)"   -> exports DATABASE_URL, PG_THROWAWAY_DIR
#   scripts/pg_throwaway.sh stop "$PG_THROWAWAY_DIR"
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres`
# user (Debian's packages create it) or `nobody`.
set -euo pipefail

find_bin() {
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_OWNER" -- "$@"
  else
    "$@"
  fi
}

cmd=${1:-}
case "$cmd" in
  start)
    BIN=$(find_bin) || {
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "PostgreSQL server binaries missing; installing postgresql-15 (Debian)..." >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
        BIN=$(find_bin)
      else
        echo "PostgreSQL 15 server binaries not found: install the Debian package postgresql-15." >&2
        exit 1
      fi
    }
    PG_OWNER=$(id -un)
    if [ "$(id -u)" = 0 ]; then
      if id postgres >/dev/null 2>&1; then PG_OWNER=postgres; else PG_OWNER=nobody; fi
    fi
    DIR=$(mktemp -d /tmp/loket-pg.XXXXXX)
    chmod 755 "$DIR"
    [ "$(id -u)" = 0 ] && chown "$PG_OWNER" "$DIR"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$BIN/initdb" -D "$DIR/data" -U loket -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    # Durability off: this cluster lives for one test run and is deleted afterwards.
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U loket loket
    echo "export DATABASE_URL=postgres://loket@127.0.0.1:$PORT/loket"
    echo "export PG_THROWAWAY_DIR=$DIR"
    echo "export PG_THROWAWAY_BIN=$BIN"
    echo "export PG_THROWAWAY_OWNER=$PG_OWNER"
    ;;
  stop)
    DIR=${2:?usage: stop DIR}
    BIN=${PG_THROWAWAY_BIN:-$(find_bin)}
    PG_OWNER=${PG_THROWAWAY_OWNER:-$(id -un)}
    if [ -d "$DIR/data" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    case "$DIR" in /tmp/loket-pg.*) rm -rf "$DIR" ;; esac
    ;;
  *)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
