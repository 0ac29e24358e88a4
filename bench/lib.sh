# bench/lib.sh — what bench/run.sh and bench/patches.sh share; they source it
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
