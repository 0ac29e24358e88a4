#!/usr/bin/env bash
# bench/ideas_vote.sh — votes per second on the Innovation Square against the
# hello-world baseline in the same run (docs/benchmarks.md, "Ideas"):
#
#   bash bench/ideas_vote.sh
#
# 1. builds bin/steward, the hello-world baseline (bench/hello) and the
#    readiness poller (bench/waitready); starts `serve --demo` on a
#    throw-away data directory (SQLite) and the hello server;
# 2. the demo product manager posts IDEAS ideas for each run (the warm-up
#    and every round), so that each run starts with ideas nobody but their
#    author has voted for;
# 3. logs in the demo people who may vote (customers whose organisation has
#    requirement listening today, and vendor staff), keeping those whose vote
#    and unvote on a spare idea both answer 200;
# 4. runs wrk against hello and against the votes, interleaved (hello, vote,
#    hello, vote, ...) so that machine noise hits both: bench/ideas_vote.lua
#    casts each person's vote on each idea and takes it back in turn
#    (POST and DELETE /api/v1/ideas/{id}/vote, each answering the idea as it
#    then stands), every request one that person may make; any non-2xx
#    answer fails the run. Reports req/s, p50/p99, the server's CPU per
#    request and the ratio vote/hello of the medians.
#
# Everything it starts is stopped on exit (trap), and it sends traffic to
# 127.0.0.1 only. Raw wrk output and the summary go to
# bench/results/ideas-<timestamp>/ (git-ignored).
#
# Knobs (environment): STEWARD_PORT (18100), HELLO_PORT (18101), ROUNDS (3),
# DURATION (10s), THREADS (2), CONNS (32), WARMUP (3s), IDEAS (100 per run),
# STEWARD_STDERR (a file in the temp dir; /dev/null drops the request log),
# STEWARD_BIN (a prebuilt steward to measure instead of building bin/steward).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

STEWARD_PORT=${STEWARD_PORT:-18100}
HELLO_PORT=${HELLO_PORT:-18101}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
WARMUP=${WARMUP:-3s}
IDEAS=${IDEAS:-100}
PM_EMAIL=pm@steward.demo
VOTERS=(admin@yunqi.demo member@yunqi.demo admin@gangxin.demo member@gangxin.demo admin@huabei.demo member@huabei.demo
	agent@steward.demo engineer@steward.demo)
PASSWORD=steward-demo-2026

STEWARD_URL=http://127.0.0.1:$STEWARD_PORT
HELLO_URL=http://127.0.0.1:$HELLO_PORT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/steward-ideas.XXXXXX")
STEWARD_STDERR=${STEWARD_STDERR:-$TMP/steward-stderr.log}
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$ROOT/bench/results/ideas-$STAMP
mkdir -p "$RESULTS"
SUMMARY=$RESULTS/summary.txt

# shell helpers shared with bench/run.sh: process bookkeeping, logins, wrk rounds
source "$ROOT/bench/lib.sh"
LOAD_BEFORE=$(machine_load)
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' (dirty)')"
for p in "$STEWARD_PORT" "$HELLO_PORT"; do
	port_free "$p" || { echo "port $p on 127.0.0.1 is in use; set STEWARD_PORT / HELLO_PORT" >&2; exit 1; }
done

# --- 1. build and start ----------------------------------------------------------
echo "building ..." >&2
build_steward
go build -o "$TMP/hello" ./bench/hello
go build -o "$TMP/waitready" ./bench/waitready

"$STEWARD_BIN" serve --demo --data "$TMP/data" --addr "127.0.0.1:$STEWARD_PORT" >>"$TMP/steward-stdout.log" 2>>"$STEWARD_STDERR" &
SPID=$!
PIDS+=("$SPID")
"$TMP/hello" --addr "127.0.0.1:$HELLO_PORT" 2>>"$TMP/hello.log" &
HPID=$!
PIDS+=("$HPID")
"$TMP/waitready" --url "$STEWARD_URL/readyz" --timeout 60s >/dev/null
"$TMP/waitready" --url "$HELLO_URL/" --timeout 10s >/dev/null
owner_is "$STEWARD_PORT" "$SPID"
owner_is "$HELLO_PORT" "$HPID"

call() { # call METHOD PATH TOKEN [JSON]: prints the HTTP status, the body to $TMP/answer.json
	curl -sS --max-time 10 -o "$TMP/answer.json" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
		${4:+-H 'Content-Type: application/json' -d "$4"} "$STEWARD_URL$2"
}

# --- 2. ideas for each run ---------------------------------------------------------
RUNS=(warmup $(seq 1 "$ROUNDS"))
echo "posting $((IDEAS * ${#RUNS[@]} + 1)) ideas as $PM_EMAIL ..." >&2
PM_TOKEN=$(login "$PM_EMAIL")
post_idea() { # post_idea N: prints the new idea's id
	local code
	code=$(call POST /api/v1/ideas "$PM_TOKEN" "{\"title\":\"基准测试想法 $1：批量投票\",\"body\":\"wrk 投票用。\",\"product\":\"k3cloud\",\"modules\":[\"总账\"]}")
	[[ $code == 201 ]] || { echo "POST /api/v1/ideas answered $code: $(cat "$TMP/answer.json")" >&2; exit 1; }
	sed -n 's/^{"id":"\([^"]*\)".*/\1/p' "$TMP/answer.json"
}
declare -A RUN_IDEAS
n=0
for run in "${RUNS[@]}"; do
	ids=()
	for _ in $(seq 1 "$IDEAS"); do
		n=$((n + 1))
		ids+=("$(post_idea "$n")")
		[[ -n ${ids[-1]} ]] || exit 1 # post_idea said why
	done
	RUN_IDEAS[$run]=$(IFS=,; echo "${ids[*]}")
done
SPARE=$(post_idea 0)
[[ -n $SPARE ]] || exit 1

# --- 3. the people who may vote today ------------------------------------------------
tokens=()
for email in "${VOTERS[@]}"; do
	token=$(login "$email")
	vote=$(call POST "/api/v1/ideas/$SPARE/vote" "$token")
	unvote=$(call DELETE "/api/v1/ideas/$SPARE/vote" "$token")
	if [[ $vote == 200 && $unvote == 200 ]]; then
		tokens+=("$token")
	else
		echo "$email may not vote today (vote $vote, unvote $unvote): left out" >&2
	fi
done
((${#tokens[@]} >= 2)) || { echo "fewer than two demo people may vote" >&2; exit 1; }
export TOKENS
TOKENS=$(IFS=,; echo "${tokens[*]}")
export THREADS

# --- 4. load -------------------------------------------------------------------------
vote_run() { # vote_run ROUND DURATION
	IDEA_IDS=${RUN_IDEAS[$1]} run_wrk vote "$1" "$2" "$STEWARD_URL/" "$SPID" -s "$ROOT/bench/ideas_vote.lua"
}
export IDEA_IDS
echo "warm-up ($WARMUP each) ..." >&2
run_wrk hello warmup "$WARMUP" "$HELLO_URL/" "$HPID"
vote_run warmup "$WARMUP"
for r in $(seq 1 "$ROUNDS"); do
	echo "round $r/$ROUNDS: hello, vote ($DURATION each) ..." >&2
	run_wrk hello "$r" "$DURATION" "$HELLO_URL/" "$HPID"
	vote_run "$r" "$DURATION"
done

# --- report ----------------------------------------------------------------------------
say "Steward idea votes against hello-world — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(go version | awk '{print $3}'), Linux $(uname -r)"
say "commit: $COMMIT; machine load (1/5/15 min) before: $LOAD_BEFORE; after: $(machine_load)"
say "wrk: -t$THREADS -c$CONNS -d$DURATION --latency, $ROUNDS interleaved rounds after a $WARMUP warm-up each; ${#tokens[@]} voters x $IDEAS ideas a run, vote and unvote in turn"
say ""
say "round  hello req/s  p50 ms  p99 ms  CPU us/req | vote req/s  p50 ms  p99 ms  CPU us/req | vote/hello"
for r in $(seq 1 "$ROUNDS"); do
	say "$(awk -v l="$r" -v hr="${RPS[hello,$r]}" -v h5="${P50[hello,$r]}" -v h9="${P99[hello,$r]}" -v hc="${CPU[hello,$r]}" \
		-v vr="${RPS[vote,$r]}" -v v5="${P50[vote,$r]}" -v v9="${P99[vote,$r]}" -v vc="${CPU[vote,$r]}" \
		'BEGIN { printf "%-6s %11.0f  %6.3f  %6.3f  %10.1f | %10.0f  %6.3f  %6.3f  %10.1f | %10.4f", l, hr, h5, h9, hc, vr, v5, v9, vc, vr/hr }')"
done
h_rps=$(col hello RPS | median)
v_rps=$(col vote RPS | median)
say ""
say "votes (POST/DELETE /api/v1/ideas/{id}/vote): $(printf '%.0f' "$v_rps") req/s, p50 $(col vote P50 | median) ms, p99 $(col vote P99 | median) ms, server CPU $(col vote CPU | median) us/request"
say "hello-world net/http:                        $(printf '%.0f' "$h_rps") req/s, p50 $(col hello P50 | median) ms, p99 $(col hello P99 | median) ms, server CPU $(col hello CPU | median) us/request"
say "ratio vote/hello:                            $(awk -v v="$v_rps" -v h="$h_rps" 'BEGIN { printf "%.4f", v/h }')"
echo "raw wrk output and this summary: $RESULTS" >&2
