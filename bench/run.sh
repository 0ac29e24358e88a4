#!/usr/bin/env bash
# bench/run.sh — Steward's loopback benchmark (see docs/benchmarks.md).
#
#   bash bench/run.sh
#
# 1. builds bin/steward, the hello-world baseline (bench/hello) and the
#    readiness poller (bench/waitready);
# 2. creates a throw-away data directory and starts `serve --demo` once, so the
#    SQLite database exists, migrated and with the demo accounts; stops it;
# 3. cold start: starts `serve` on that existing database (no --demo)
#    COLD_RUNS times and times process start -> first 200 from GET /readyz;
#    reports the median;
# 4. idle memory: IDLE_WAIT seconds after the last start was ready, reads
#    VmRSS from /proc/PID/status;
# 5. logs in as a demo user and runs wrk against the hello server and against
#    an authenticated GET /api/v1/me, interleaved (hello, me, hello, me, ...)
#    so that machine noise hits both; reports requests/s, p50/p99 and the
#    ratio me/hello of the medians;
# 6. with ORGS > 0 (default 10000): before the cold starts, bench/entgen adds
#    ORGS organisations with three contracts each; the load then also runs
#    GET /api/v1/orgs/{org}/entitlements as a vendor agent, each request for
#    another organisation (bench/entitlements.lua), in the same interleaved
#    rounds (hello, me, entitlements, ...), with its ratio to hello.
#
# Everything it starts is stopped on exit (trap), and it sends traffic to
# 127.0.0.1 only. Steward logs every request as a JSON line on stderr; that
# stderr goes to a file (STEWARD_STDERR), never to the terminal, so the
# terminal is not what is measured. Raw wrk output and the summary are kept in
# bench/results/ (git-ignored).
#
# Knobs (environment): STEWARD_PORT (18080), HELLO_PORT (18081), ROUNDS (3),
# DURATION (10s), THREADS (2), CONNS (32), WARMUP (3s), COLD_RUNS (7), ORGS (10000),
# IDLE_WAIT (3 seconds), EMAIL (admin@yunqi.demo), STEWARD_STDERR (a file in
# the temp dir; /dev/null drops the request log), STEWARD_BIN (a prebuilt
# steward to measure instead of building bin/steward, e.g. to compare two
# versions).
#
# Both servers and wrk share the machine's cores, and so does whatever else
# runs there: the summary records the load, and the server CPU time per
# request, which other work disturbs less than requests/s.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

STEWARD_PORT=${STEWARD_PORT:-18080}
HELLO_PORT=${HELLO_PORT:-18081}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
WARMUP=${WARMUP:-3s}
COLD_RUNS=${COLD_RUNS:-7}
IDLE_WAIT=${IDLE_WAIT:-3}
EMAIL=${EMAIL:-admin@yunqi.demo}
ORGS=${ORGS:-10000}
AGENT_EMAIL=agent@steward.demo
PASSWORD=steward-demo-2026

STEWARD_URL=http://127.0.0.1:$STEWARD_PORT
HELLO_URL=http://127.0.0.1:$HELLO_PORT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/steward-bench.XXXXXX")
STEWARD_STDERR=${STEWARD_STDERR:-$TMP/steward-stderr.log}
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$ROOT/bench/results/$STAMP
mkdir -p "$RESULTS"
SUMMARY=$RESULTS/summary.txt

# shell helpers: process bookkeeping (only what this script started is ever
# stopped), summary lines, medians, the machine's load, demo logins
source "$ROOT/bench/lib.sh"

LOAD_BEFORE=$(machine_load)
if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
	echo "warning: the 1-minute load average is above $(nproc): other work will skew the figures" >&2
fi
for p in "$STEWARD_PORT" "$HELLO_PORT"; do
	port_free "$p" || { echo "port $p on 127.0.0.1 is in use; set STEWARD_PORT / HELLO_PORT" >&2; exit 1; }
done

# --- 1. build ------------------------------------------------------------------
echo "building ..." >&2
build_steward
go build -o "$TMP/hello" ./bench/hello
go build -o "$TMP/waitready" ./bench/waitready
go build -o "$TMP/entgen" ./bench/entgen

DATA=$TMP/data

start_steward() { # start_steward LOGFILE [serve flags...]; sets SPID
	local log=$1
	shift
	"$STEWARD_BIN" serve --data "$DATA" --addr "127.0.0.1:$STEWARD_PORT" "$@" >>"$TMP/steward-stdout.log" 2>>"$log" &
	SPID=$!
	PIDS+=("$SPID")
}

# --- 2. create the database ------------------------------------------------------
echo "creating the database with --demo ..." >&2
start_steward "$STEWARD_STDERR" --demo
"$TMP/waitready" --url "$STEWARD_URL/readyz" --timeout 60s >/dev/null
stop "$SPID"
ENTGEN_SECONDS=0
if ((ORGS > 0)); then
	echo "adding $ORGS organisations with three contracts each (bench/entgen) ..." >&2
	t0=$(date +%s)
	"$TMP/entgen" --data "$DATA" --orgs "$ORGS" 2>>"$TMP/entgen.log"
	ENTGEN_SECONDS=$(($(date +%s) - t0))
fi

# --- 3. cold start on the existing database ---------------------------------------
echo "cold start x$COLD_RUNS ..." >&2
cold=()
coldcpu=()
inproc=()
for i in $(seq 1 "$COLD_RUNS"); do
	seen=$(wc -l <"$STEWARD_STDERR" 2>/dev/null || echo 0)
	t0=$(date +%s%N)
	start_steward "$STEWARD_STDERR"
	ms=$("$TMP/waitready" --url "$STEWARD_URL/readyz" --since "$t0" --timeout 30s)
	cold+=("$ms")
	coldcpu+=("$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) / hz * 1000}' "/proc/$SPID/stat")")
	# Steward's own "ready_after" (from serve() entry to listening), for comparison.
	ra=$(tail -n +"$((seen + 1))" "$STEWARD_STDERR" 2>/dev/null | sed -n 's/.*"msg":"serving".*"ready_after":"\([^"]*\)".*/\1/p' | head -n1)
	inproc+=("${ra:-?}")
	owner_is "$STEWARD_PORT" "$SPID"
	if ((i < COLD_RUNS)); then
		stop "$SPID"
	fi
done
# The last start stays up: it is the server for the idle-memory reading and the load test.

# --- 4. idle memory ------------------------------------------------------------
"$TMP/hello" --addr "127.0.0.1:$HELLO_PORT" 2>>"$TMP/hello.log" &
HPID=$!
PIDS+=("$HPID")
"$TMP/waitready" --url "$HELLO_URL/" --timeout 10s >/dev/null
owner_is "$HELLO_PORT" "$HPID"
sleep "$IDLE_WAIT"
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
steward_idle_rss=$(rss_kib "$SPID")
hello_idle_rss=$(rss_kib "$HPID")

# --- 5. load ---------------------------------------------------------------------
answers_200() { # answers_200 TOKEN PATH: fail unless GET PATH answers 200
	local code
	code=$(curl -sS --max-time 10 -o "$TMP/check.json" -w '%{http_code}' -H "Authorization: Bearer $1" "$STEWARD_URL$2")
	[[ $code == 200 ]] || { echo "GET $2 answered $code: $(cat "$TMP/check.json")" >&2; exit 1; }
}
TOKEN=$(login "$EMAIL")
answers_200 "$TOKEN" /api/v1/me

AUTH=(-H "Authorization: Bearer $TOKEN")
ENTS=()
if ((ORGS > 0)); then
	AGENT_TOKEN=$(login "$AGENT_EMAIL")
	answers_200 "$AGENT_TOKEN" /api/v1/orgs/org_bench_00000/entitlements
	ENTS=(-H "Authorization: Bearer $AGENT_TOKEN" -s "$ROOT/bench/entitlements.lua")
	export ORGS
fi
echo "warm-up ($WARMUP each) ..." >&2
run_wrk hello warmup "$WARMUP" "$HELLO_URL/" "$HPID"
run_wrk me warmup "$WARMUP" "$STEWARD_URL/api/v1/me" "$SPID" "${AUTH[@]}"
if ((ORGS > 0)); then run_wrk ents warmup "$WARMUP" "$STEWARD_URL/" "$SPID" "${ENTS[@]}"; fi
for r in $(seq 1 "$ROUNDS"); do
	echo "round $r/$ROUNDS: hello, me$(if ((ORGS > 0)); then echo ", entitlements"; fi) ($DURATION each) ..." >&2
	run_wrk hello "$r" "$DURATION" "$HELLO_URL/" "$HPID"
	run_wrk me "$r" "$DURATION" "$STEWARD_URL/api/v1/me" "$SPID" "${AUTH[@]}"
	if ((ORGS > 0)); then run_wrk ents "$r" "$DURATION" "$STEWARD_URL/" "$SPID" "${ENTS[@]}"; fi
done
steward_loaded_rss=$(rss_kib "$SPID")
steward_hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$SPID/status")
log_bytes=$(stat -c %s "$STEWARD_STDERR" 2>/dev/null || echo 0)

# --- report ------------------------------------------------------------------------
say "Steward loopback benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(go version | awk '{print $3}'), Linux $(uname -r)"
say "commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' (dirty)')"
say "machine load (1/5/15 min) before: $LOAD_BEFORE; after: $(machine_load) (other work on the machine skews every figure)"
say "wrk: -t$THREADS -c$CONNS -d$DURATION --latency, $ROUNDS interleaved rounds after a $WARMUP warm-up each; wrk and both servers share the machine's $(nproc) cores"
say "steward stderr (JSON request log) -> $STEWARD_STDERR ($((log_bytes / 1024)) KiB written)"
say ""
say "round  hello req/s  p50 ms  p99 ms  CPU us/req | me req/s  p50 ms  p99 ms  CPU us/req | me/hello"
row() { # row LABEL HELLO-RPS H-P50 H-P99 H-CPU ME-RPS M-P50 M-P99 M-CPU
	awk -v l="$1" -v hr="$2" -v h5="$3" -v h9="$4" -v hc="$5" -v mr="$6" -v m5="$7" -v m9="$8" -v mc="$9" \
		'BEGIN { printf "%-6s %11.0f  %6.3f  %6.3f  %10.1f | %8.0f  %6.3f  %6.3f  %10.1f | %8.3f", l, hr, h5, h9, hc, mr, m5, m9, mc, mr/hr }'
}
for r in $(seq 1 "$ROUNDS"); do
	say "$(row "$r" "${RPS[hello,$r]}" "${P50[hello,$r]}" "${P99[hello,$r]}" "${CPU[hello,$r]}" "${RPS[me,$r]}" "${P50[me,$r]}" "${P99[me,$r]}" "${CPU[me,$r]}")"
done
h_rps=$(col hello RPS | median); m_rps=$(col me RPS | median)
h_p50=$(col hello P50 | median); m_p50=$(col me P50 | median)
h_p99=$(col hello P99 | median); m_p99=$(col me P99 | median)
h_cpu=$(col hello CPU | median); m_cpu=$(col me CPU | median)
ratio=$(awk -v m="$m_rps" -v h="$h_rps" 'BEGIN { printf "%.3f", m/h }')
round_ratio=$(for r in $(seq 1 "$ROUNDS"); do awk -v m="${RPS[me,$r]}" -v h="${RPS[hello,$r]}" 'BEGIN { print m/h }'; done | median)
cpu_ratio=$(awk -v m="$m_cpu" -v h="$h_cpu" 'BEGIN { printf "%.3f", h/m }')
say "$(row median "$h_rps" "$h_p50" "$h_p99" "$h_cpu" "$m_rps" "$m_p50" "$m_p99" "$m_cpu")"
say ""
say "GET /api/v1/me (authenticated): $(printf '%.0f' "$m_rps") req/s, p50 $m_p50 ms, p99 $m_p99 ms, server CPU $m_cpu us/request"
say "hello-world net/http:           $(printf '%.0f' "$h_rps") req/s, p50 $h_p50 ms, p99 $h_p99 ms, server CPU $h_cpu us/request"
say "ratio me/hello:                 $ratio (target >= 0.5: $(awk -v q="$ratio" 'BEGIN { print (q >= 0.5) ? "met" : "NOT met" }')); median of the rounds' ratios $(printf '%.3f' "$round_ratio")"
say "CPU cost ratio hello/me:        $cpu_ratio (server CPU per request; less sensitive to other work than req/s)"
if ((ORGS > 0)); then
	say ""
	say "GET /api/v1/orgs/{org}/entitlements, $ORGS organisations with 3 contracts each (made in $ENTGEN_SECONDS s), another organisation each request, a vendor agent's token:"
	say "round  ents req/s  p50 ms  p99 ms  CPU us/req | ents/hello"
	for r in $(seq 1 "$ROUNDS"); do
		say "$(awk -v l="$r" -v er="${RPS[ents,$r]}" -v e5="${P50[ents,$r]}" -v e9="${P99[ents,$r]}" -v ec="${CPU[ents,$r]}" -v hr="${RPS[hello,$r]}" \
			'BEGIN { printf "%-6s %10.0f  %6.3f  %6.3f  %10.1f | %10.3f", l, er, e5, e9, ec, er/hr }')"
	done
	e_rps=$(col ents RPS | median)
	say "entitlements:                   $(printf '%.0f' "$e_rps") req/s, p50 $(col ents P50 | median) ms, p99 $(col ents P99 | median) ms, server CPU $(col ents CPU | median) us/request"
	say "ratio entitlements/hello:       $(awk -v e="$e_rps" -v h="$h_rps" 'BEGIN { printf "%.3f", e/h }')"
fi
cold_med=$(printf '%s\n' "${cold[@]}" | median)
say "cold start to ready (median of $COLD_RUNS): $cold_med ms (target < 1000 ms: $(awk -v c="$cold_med" 'BEGIN { print (c < 1000) ? "met" : "NOT met" }')); runs: ${cold[*]} ms"
say "  CPU time (user+sys) the process had used when ready: ${coldcpu[*]} ms"
say "  steward's own ready_after (serve() entry -> listening): ${inproc[*]}"
say "idle RSS ${IDLE_WAIT}s after ready: steward $((steward_idle_rss / 1024)) MiB ($steward_idle_rss KiB); hello $((hello_idle_rss / 1024)) MiB ($hello_idle_rss KiB)"
say "steward RSS after the load: $((steward_loaded_rss / 1024)) MiB, peak (VmHWM) $((steward_hwm / 1024)) MiB"
echo "raw wrk output and this summary: $RESULTS" >&2
