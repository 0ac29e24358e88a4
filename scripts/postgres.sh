#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests on 127.0.0.1 and prints its
# URL. Installs Debian's postgresql package first when no server is installed.
# Usage: scripts/postgres.sh [DATA_DIR]   (port: STEWARD_PG_PORT, default 54329)
set -euo pipefail

port=${STEWARD_PG_PORT:-54329}
dir=${1:-${TMPDIR:-/tmp}/steward-test-pg}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  echo "postgres.sh: installing Debian's postgresql package" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# PostgreSQL refuses to run as root: run it as the postgres account then.
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
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
echo "$url"
