#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the warehouse tests (docs/warehouse.md, "A cluster for
# trying it"): initdb into a folder as the postgres user, listening on a Unix socket in that folder
# and on no TCP port.
#
#   scripts/pg-cluster.sh start DIR     prints the environment (PGHOST=… PGPORT=… PGUSER=…)
#   scripts/pg-cluster.sh stop DIR      stops it and removes DIR
#   scripts/pg-cluster.sh run CMD…      a cluster for the length of CMD, removed after it, also when CMD fails
set -euo pipefail
port=${CASELOAD_PG_PORT:-54329}

bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  return 1
}

ensure_installed() {
  bindir >/dev/null && return
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 \
    || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null; }
  bindir >/dev/null
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir=$1 bin
  ensure_installed
  bin=$(bindir)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-instructions >"$dir/initdb.log" 2>&1
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir -c listen_addresses='' -p $port -c fsync=off -c full_page_writes=off" start >/dev/null
  echo "PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres"
}

stop() {
  local dir=$1 bin
  bin=$(bindir) || true
  if [ -n "${bin:-}" ] && [ -d "$dir/data" ]; then
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case ${1:-} in
  start) start "$2" ;;
  stop) stop "$2" ;;
  run)
    shift
    dir=$(mktemp -d /tmp/caseload-pg.XXXXXX)
    trap 'stop "$dir"' EXIT
    trap 'exit 143' TERM; trap 'exit 130' INT; trap 'exit 129' HUP
    env=$(start "$dir")
    # shellcheck disable=SC2086
    export $env CASELOAD_PG_BIN=$(bindir)
    "$@"
    ;;
  *) echo "usage: $0 start DIR | stop DIR | run CMD…" >&2; exit 2 ;;
esac
