#!/usr/bin/env bash
# Runs every test of Steward: go vet, the Go tests under the race detector on
# SQLite and PostgreSQL, the browser tests in headless Chromium, and the
# acceptance tests that drive the steward binary with curl and aria2c.
#
# Needs only Go (and gcc for -race) on Debian: it installs Debian's postgresql,
# chromium, curl and aria2 packages when they are missing (as root, or with
# sudo), starts a throwaway PostgreSQL server on 127.0.0.1:54329 through scripts/postgres.sh
# and an S3-compatible server (versitygw, built with go install the first
# time) on 127.0.0.1:54330 through scripts/s3.sh, and stops them again at the
# end if it started them.
#
# Usage: scripts/test.sh     (CI runs it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${STEWARD_CHROMIUM:-/usr/bin/chromium}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Each part appends "name seconds status" here; the summary prints them.
results=()
failed=0

# part NAME COMMAND...: runs one part, times it and records whether it passed.
part() {
  local name=$1; shift
  echo
  echo "==> $name"
  local start=$SECONDS status=ok
  if ! "$@"; then status=FAILED; failed=1; fi
  local took=$((SECONDS - start))
  echo "==> $name: $status in ${took}s"
  results+=("$(printf '%-28s %5ss  %s' "$name" "$took" "$status")")
}

summary() {
  echo
  echo "==> Summary (seconds)"
  printf '  %s\n' "${results[@]}"
  echo "  total                        $((SECONDS))s"
}

# --- setup: PostgreSQL and Chromium ---------------------------------------

pg_started=$(mktemp)
s3_started=$(mktemp)
unit_log=$(mktemp)
cleanup() {
  if [ -s "$pg_started" ]; then
    echo "==> stopping the PostgreSQL server this run started"
    scripts/postgres.sh stop || true
  fi
  if [ -s "$s3_started" ]; then
    echo "==> stopping the S3 server this run started"
    scripts/s3.sh stop || true
  fi
  rm -f "$pg_started" "$s3_started" "$unit_log"
}
trap cleanup EXIT

start_postgres() {
  # postgres.sh installs the package when needed and prints the server's URL;
  # it writes to $pg_started only when it started the server itself.
  STEWARD_TEST_PG=$(STEWARD_PG_STARTED_FILE=$pg_started scripts/postgres.sh) || return 1
  export STEWARD_TEST_PG
  echo "STEWARD_TEST_PG=$STEWARD_TEST_PG"
}

start_s3() {
  # Like postgres.sh: s3.sh installs versitygw when needed, prints the URL
  # and writes to $s3_started only when it started the server itself.
  STEWARD_TEST_S3=$(STEWARD_S3_STARTED_FILE=$s3_started scripts/s3.sh) || return 1
  export STEWARD_TEST_S3
  echo "STEWARD_TEST_S3=$STEWARD_TEST_S3"
}

install_chromium() {
  if [ -x "$chromium" ]; then
    echo "chromium: $chromium"
    return
  fi
  echo "installing Debian's chromium package"
  as_root apt-get update -qq || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium || return 1
  chromium=/usr/bin/chromium
}

# The download tools of the patch acceptance test: Debian's curl and aria2.
install_download_tools() {
  local missing=()
  command -v curl >/dev/null || missing+=(curl)
  command -v aria2c >/dev/null || missing+=(aria2)
  if [ ${#missing[@]} = 0 ]; then
    echo "curl: $(command -v curl), aria2c: $(command -v aria2c)"
    return
  fi
  echo "installing Debian's ${missing[*]}"
  as_root apt-get update -qq || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" || return 1
}

go version
# Setup failures stop the run: nothing after them would mean anything.
part "postgresql" start_postgres
[ "$failed" = 0 ] || { summary; exit 1; }
part "s3 (versitygw)" start_s3
[ "$failed" = 0 ] || { summary; exit 1; }
part "chromium" install_chromium
[ "$failed" = 0 ] || { summary; exit 1; }
part "curl, aria2" install_download_tools
[ "$failed" = 0 ] || { summary; exit 1; }

# --- the tests ----------------------------------------------------------------

vet() {
  go vet ./... && go vet -tags browser ./test/browser/... && go vet -tags acceptance ./test/acceptance/...
}

unit_tests() {
  go test -race -count=1 -timeout 30m ./... 2>&1 | tee "$unit_log"
}

browser_tests() {
  STEWARD_CHROMIUM=$chromium go test -count=1 -tags browser ./test/browser/...
}

acceptance_tests() {
  go test -count=1 -tags acceptance ./test/acceptance/...
}

part "go vet" vet
part "go test -race (sqlite+pg)" unit_tests
part "browser tests (chromium)" browser_tests
part "acceptance (curl, aria2c)" acceptance_tests

echo
count() { grep -c -e "$1" "$unit_log" || true; }
echo "==> go test -race: $(count '^ok[[:space:]]') packages passed, $(count '^FAIL[[:space:]]') failed," \
  "$(count '^?[[:space:]]') without tests, $(count '--- FAIL:') failing tests"

summary
if [ "$failed" != 0 ]; then
  echo "==> FAILED"
  exit 1
fi
echo "==> all tests passed"
