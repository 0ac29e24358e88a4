# bench/lib.sh — what the bench/ scripts share; they source it
# once TMP (deleted on exit), SUMMARY, STEWARD_URL and PASSWORD are set.

# --- process bookkeeping: only what this script started is ever stopped -----
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget() { # forget PID: drop it from PIDS once it has been stopped
	local keep=() p
	for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

stop() { # stop PID: SIGTERM, then wait for it
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	forget "$1"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

owner_is() { # owner_is PORT PID: fail unless PID is the process listening on PORT (when ss can tell)
	local owner
	owner=$(ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1) || true
	if [[ -n $owner && $owner != "$2" ]]; then
		echo "port $1 is served by PID $owner, not by the server this script started ($2); pick other ports" >&2
		exit 1
	fi
}

say() { echo "$*" | tee -a "$SUMMARY"; }

build_steward() { # sets STEWARD_BIN: the one given, or bin/steward built from this tree
	if [[ -n ${STEWARD_BIN:-} ]]; then
		echo "using STEWARD_BIN=$STEWARD_BIN instead of building bin/steward" >&2
	else
		go build -o bin/steward ./cmd/steward
		STEWARD_BIN=$ROOT/bin/steward
	fi
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print v[(NR+1)/2]; else printf "%.6g\n", (v[NR/2]+v[NR/2+1])/2}'; }

# How busy the machine is: the load average, and (where the kernel has it) the
# share of the last 10 s in which some task waited for a CPU.
machine_load() {
	local psi=""
	[[ -r /proc/pressure/cpu ]] && psi=", CPU pressure $(sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/cpu)%"
	echo "$(cut -d' ' -f1-3 /proc/loadavg)$psi"
}

login() { # login EMAIL: prints a session token of that demo user
	local answer token
	answer=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
		-d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" "$STEWARD_URL/api/v1/auth/login")
	token=$(printf '%s' "$answer" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[[ -n $token ]] || { echo "login $1 failed: $answer" >&2; exit 1; }
	echo "$token"
}

# --- wrk rounds: run_wrk needs RESULTS (where wrk's output goes), THREADS and
# CONNS; it fills RPS, P50, P99 and CPU under "NAME,ROUND", which col reads
# back for ROUNDS rounds ---------------------------------------------------------
# to_ms VALUE-WITH-UNIT (wrk prints 412.00us, 1.23ms, 1.02s)
to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /m$/) n*=60000; else if (v ~ /s$/) n*=1000; printf "%.3f\n", n }'; }

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of PID

declare -A RPS P50 P99 CPU
run_wrk() { # run_wrk NAME ROUND DURATION URL SERVER-PID [wrk args...]
	local name=$1 round=$2 dur=$3 url=$4 pid=$5
	shift 5
	local out=$RESULTS/wrk-$name-$round.txt c0 c1 n
	c0=$(cpu_ticks "$pid")
	wrk -t"$THREADS" -c"$CONNS" -d"$dur" --timeout 2s --latency "$@" "$url" >"$out"
	c1=$(cpu_ticks "$pid")
	n=$(awk '$2=="requests" && $3=="in" {print $1}' "$out")
	# server CPU time per request, in microseconds: steadier than req/s when other work shares the machine
	CPU[$name,$round]=$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v n="$n" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
	local non2xx
	non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
	if [[ -n $non2xx && $non2xx != 0 ]]; then
		echo "wrk $name round $round: $non2xx non-2xx responses; see $out" >&2
		exit 1
	fi
	if grep -q 'Socket errors' "$out"; then
		echo "wrk $name round $round: $(grep 'Socket errors' "$out")" >&2
	fi
	RPS[$name,$round]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	P50[$name,$round]=$(to_ms "$(awk '$1=="50%" {print $2}' "$out")")
	P99[$name,$round]=$(to_ms "$(awk '$1=="99%" {print $2}' "$out")")
}

col() { # col NAME ARRAY: that array's values for NAME, one round a line
	local n=$1 r
	local -n a=$2
	for r in $(seq 1 "$ROUNDS"); do echo "${a[$n,$r]}"; done
}
