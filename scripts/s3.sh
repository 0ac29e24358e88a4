#!/usr/bin/env bash
# Starts a throwaway S3-compatible server for the tests on 127.0.0.1 and prints
# its URL for STEWARD_TEST_S3: versitygw (Apache-2.0) serving a folder through
# its posix backend, with fixed test credentials.
#
# Usage: scripts/s3.sh          start the server (or find it running), print its URL
#        scripts/s3.sh stop     stop the server this script started
# Port: STEWARD_S3_PORT, default 54330. The folder is /tmp/steward-test-s3
# (with -PORT appended for another port); it is emptied at each start.
# versitygw is installed with `go install` into STEWARD_TOOLS (default
# ~/.cache/steward-tools) when it is not there yet; building it takes a few
# minutes once.
# When STEWARD_S3_STARTED_FILE names a file, this script writes "started" to it
# if it started the server itself, so that the caller knows to stop it again;
# a server that was already running is left to whoever started it.
set -euo pipefail

action=start
if [ "${1:-}" = stop ]; then action=stop; fi
port=${STEWARD_S3_PORT:-54330}
dir=${TMPDIR:-/tmp}/steward-test-s3
[ "$port" = 54330 ] || dir=$dir-$port
tools=${STEWARD_TOOLS:-$HOME/.cache/steward-tools}
version=v1.8.0
# Test credentials of a server that listens on loopback only and holds
# nothing but test data.
access=steward-test
secret=steward-test-secret
url="http://$access:$secret@127.0.0.1:$port/steward-test"

if [ "$action" = stop ]; then
  if [ -f "$dir.pid" ]; then
    pid=$(cat "$dir.pid")
    kill "$pid" 2>/dev/null || true
    # It shuts down gracefully: wait (up to 10 s) so that the port is free.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir.pid"
  fi
  exit 0
fi

# healthy asks the server's health endpoint with bash alone (curl may not be
# installed yet).
healthy() {
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  local status=""
  read -r -t 2 status <&3 || true
  exec 3<&-
  [[ $status == "HTTP/1."?" 200"* ]]
}

if healthy; then
  echo "$url"; exit 0
fi

if [ ! -x "$tools/versitygw" ]; then
  echo "s3.sh: installing versitygw $version into $tools" >&2
  mkdir -p "$tools"
  GOBIN=$tools go install "github.com/versity/versitygw/cmd/versitygw@$version" >&2
fi

rm -rf "$dir"
mkdir -p "$dir/root" "$dir/meta"
# The sidecar folder keeps object metadata where the temporary folder's file
# system may not support extended attributes (tmpfs on older kernels).
"$tools/versitygw" --port "127.0.0.1:$port" --access "$access" --secret "$secret" --health /health --quiet \
  posix --sidecar "$dir/meta" "$dir/root" >"$dir.log" 2>&1 &
echo $! > "$dir.pid"
# Up to a minute: it took 12 s on a machine busy with other builds.
for _ in $(seq 1 600); do
  if healthy; then
    if [ -n "${STEWARD_S3_STARTED_FILE:-}" ]; then echo started > "$STEWARD_S3_STARTED_FILE"; fi
    echo "$url"; exit 0
  fi
  if ! kill -0 "$(cat "$dir.pid")" 2>/dev/null; then break; fi
  sleep 0.1
done
echo "s3.sh: versitygw did not start; its log:" >&2
cat "$dir.log" >&2
kill "$(cat "$dir.pid")" 2>/dev/null || true
rm -f "$dir.pid"
exit 1
