#!/usr/bin/env bash
# A throwaway PostgreSQL on a unix socket (TOOLCHAIN.md): `scripts/pg.sh start` prints the URL,
# `scripts/pg.sh stop DIR` stops it and removes its folder. No TCP port is opened.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
case "${1:-}" in
  start)
    [ -x "$PGBIN/initdb" ] || { echo "pg.sh: PostgreSQL is not installed (scripts/setup.sh test installs it)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/hl-pg-XXXXXX)
    chown postgres:postgres "$dir"
    run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    run "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    # random_page_cost 1.1: the planner's cost of a random read on SSD or cached data, as a deployment would
    # set it (README, Deploying); PostgreSQL's 4.0 assumes spinning disks and chose to scan the push's
    # small tables whole instead of their indexes.
    run "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c random_page_cost=1.1" start >/dev/null
    echo "postgresql+psycopg://postgres@/postgres?host=$dir"
    ;;
  stop)
    dir=${2:?usage: pg.sh stop DIR}
    run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    run "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: pg.sh start | stop DIR" >&2; exit 2 ;;
esac
