#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests on 127.0.0.1 and prints its
# URL. Installs Debian's postgresql package first when no server is installed.
#
# Usage: scripts/postgres.sh [DATA_DIR]        start the server (or find it running), print its URL
#        scripts/postgres.sh stop [DATA_DIR]   stop the server that runs from DATA_DIR
# Port: STEWARD_PG_PORT, default 54329. DATA_DIR defaults to /tmp/steward-test-pg
# (with -PORT appended for another port).
# When STEWARD_PG_STARTED_FILE names a file, this script writes "started" to it
# if it started the server itself, so that the caller knows to stop it again;
# a server that was already running is left to whoever started it.
set -euo pipefail

action=start
if [ "${1:-}" = stop ]; then action=stop; shift; fi
port=${STEWARD_PG_PORT:-54329}
default_dir=${TMPDIR:-/tmp}/steward-test-pg
[ "$port" = 54329 ] || default_dir=$default_dir-$port
dir=${1:-$default_dir}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  [ "$action" = stop ] && exit 0
  echo "postgres.sh: installing Debian's postgresql package" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# PostgreSQL refuses to run as root: run it as the postgres account then.
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$action" = stop ]; then
  if [ -f "$dir/postmaster.pid" ]; then
    run "$bindir/pg_ctl" -D "$dir" -m fast -w stop >&2
  fi
  exit 0
fi

owner=$(id -un); [ "$(id -u)" = 0 ] && owner=postgres
url="postgres://${owner}@127.0.0.1:${port}/postgres?sslmode=disable"

if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "$url"; exit 0
fi

if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  run "$bindir/initdb" -D "$dir" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >&2
fi
# Tests create and drop a database each; durability does not matter here.
run "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o \
  "-h 127.0.0.1 -p $port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >&2
if [ -n "${STEWARD_PG_STARTED_FILE:-}" ]; then echo started > "$STEWARD_PG_STARTED_FILE"; fi
echo "$url"
