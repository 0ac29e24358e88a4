#!/usr/bin/env bash
# bench/patches.sh — patch downloads against nginx, and installation plans
# (docs/benchmarks.md, "Patches (issue 5)"). One command, one run:
#
#   bash bench/patches.sh
#
# 1. builds bin/steward and bench/waitready; starts `serve --demo` on a
#    throw-away data directory (SQLite); makes a file of SIZE_MIB random
#    MiB and publishes it with `steward patch publish` as the demo product
#    manager; deletes the source, so the only copy is Steward's blob;
# 2. starts nginx (Debian's package) as this user's process, with a config
#    written into the temp dir, serving the blob directory on another
#    loopback port with sendfile on: the same bytes from the same file;
# 3. throughput: ROUNDS interleaved rounds of one whole download each with
#    curl -o /dev/null from nginx, from Steward with the demo customer's
#    token, and from Steward through a signed link; reports MiB/s, the
#    medians and the ratio Steward/nginx, the servers' CPU time per download,
#    and bytes per write system call from /proc/PID/io (MiBs when the kernel
#    sends the file with sendfile, 32 KiB when the server copies it through
#    user space);
# 4. with strace installed: one more download from each server under
#    `strace -c -f`, counting sendfile against read/write calls;
# 5. CONNS (64) concurrent ranged downloads (bench/rangeload: client i asks
#    for pieces i, i+CONNS, ... of PIECE_MIB each, every answer checked to be
#    that 206) through the signed link, then from nginx, sampling the
#    server's VmRSS (nginx: master and workers) every SAMPLE from IDLE_WAIT s
#    before the load to IDLE_WAIT s after: idle, peak, after, bytes served;
# 6. stops both servers and runs BenchmarkMakePlan (2,000 patches) of
#    internal/patch: µs per plan and allocations.
#
# Everything it starts is stopped on exit (trap), the temp dir with the
# file is deleted, and it sends traffic to 127.0.0.1 only. The summary and
# the raw outputs go to bench/results/patches-<timestamp>/ (git-ignored).
#
# Knobs (environment): STEWARD_PORT (18090), NGINX_PORT (18091), SIZE_MIB
# (1024), ROUNDS (5), CONNS (64), PIECE_MIB (4), DURATION (15s), IDLE_WAIT
# (3 seconds), SAMPLE (100ms), BENCH_COUNT (5, -count of the plan
# benchmark), NGINX (nginx), STEWARD_STDERR (a file in the temp dir),
# STEWARD_BIN (a prebuilt steward to measure instead of building
# bin/steward, e.g. to compare two versions).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

STEWARD_PORT=${STEWARD_PORT:-18090}
NGINX_PORT=${NGINX_PORT:-18091}
SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-5}
CONNS=${CONNS:-64}
PIECE_MIB=${PIECE_MIB:-4}
DURATION=${DURATION:-15s}
IDLE_WAIT=${IDLE_WAIT:-3}
SAMPLE=${SAMPLE:-100ms}
BENCH_COUNT=${BENCH_COUNT:-5}
NGINX=${NGINX:-nginx}
PM_EMAIL=pm@steward.demo
CUSTOMER_EMAIL=admin@yunqi.demo
PASSWORD=steward-demo-2026
PRODUCT=k3cloud

STEWARD_URL=http://127.0.0.1:$STEWARD_PORT
NGINX_URL=http://127.0.0.1:$NGINX_PORT

command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }
command -v "$NGINX" >/dev/null || PATH=$PATH:/usr/sbin
command -v "$NGINX" >/dev/null || { echo "nginx is not installed (as root: apt-get install -y nginx)" >&2; exit 1; }
HAVE_STRACE=$(command -v strace >/dev/null && echo 1 || echo 0)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/steward-patches.XXXXXX")
STEWARD_STDERR=${STEWARD_STDERR:-$TMP/steward-stderr.log}
STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=$ROOT/bench/results/patches-$STAMP
mkdir -p "$RESULTS"
SUMMARY=$RESULTS/summary.txt

# shell helpers shared with bench/run.sh
source "$ROOT/bench/lib.sh"
LOAD_BEFORE=$(machine_load)
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' (dirty)')"
for p in "$STEWARD_PORT" "$NGINX_PORT"; do
	port_free "$p" || { echo "port $p on 127.0.0.1 is in use; set STEWARD_PORT / NGINX_PORT" >&2; exit 1; }
done
SIZE=$((SIZE_MIB * 1048576))
# The file exists twice for a moment (source and blob), plus the database.
avail=$(($(df -Pk "$TMP" | awk 'NR==2 {print $4}') * 1024))
if ((avail < 2 * SIZE + 512 * 1048576)); then
	echo "$TMP has $((avail / 1048576)) MiB free; the run needs $((2 * SIZE_MIB + 512)) MiB (set TMPDIR or SIZE_MIB)" >&2
	exit 1
fi

# --- 1. build, start, publish ---------------------------------------------------
echo "building ..." >&2
build_steward
go build -o "$TMP/waitready" ./bench/waitready
go build -o "$TMP/rangeload" ./bench/rangeload

DATA=$TMP/data
"$STEWARD_BIN" serve --demo --data "$DATA" --addr "127.0.0.1:$STEWARD_PORT" >>"$TMP/steward-stdout.log" 2>>"$STEWARD_STDERR" &
SPID=$!
PIDS+=("$SPID")
"$TMP/waitready" --url "$STEWARD_URL/readyz" --timeout 60s >/dev/null
owner_is "$STEWARD_PORT" "$SPID"
vmrss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; } # vmrss PID: MiB
RSS_READY=$(vmrss "$SPID")


echo "making a file of $SIZE_MIB MiB and publishing it ..." >&2
SOURCE=$TMP/bench-patch.bin
head -c "$SIZE" /dev/urandom >"$SOURCE"
t0=$(date +%s%N)
"$STEWARD_BIN" patch publish --server "$STEWARD_URL" --token "$(login "$PM_EMAIL")" \
	--product "$PRODUCT" --number PT-BENCH-0001 --type defect_fix --applies-to ">=0" \
	--title-zh "基准测试补丁" --title-en "Benchmark patch" "$SOURCE" >"$TMP/publish.log" 2>&1 ||
	{ cat "$TMP/publish.log" >&2; exit 1; }
PUBLISH_MS=$((($(date +%s%N) - t0) / 1000000))
RSS_PUBLISHED=$(vmrss "$SPID")
rm -f "$SOURCE"
PATCH_ID=$(awk '$1=="patch" {print $2; exit}' "$TMP/publish.log")
SHA=$(sed -n 's/.*sha256:\([0-9a-f]\{64\}\).*/\1/p' "$TMP/publish.log" | head -n1)
BLOB=$(find "$DATA" -type f -name "$SHA" | head -n1)
[[ -n $PATCH_ID && -n $BLOB && $(stat -c %s "$BLOB") == "$SIZE" ]] ||
	{ echo "publishing did not leave a blob of $SIZE bytes:" >&2; cat "$TMP/publish.log" >&2; exit 1; }
FILE_PATH=/api/v1/patches/$PATCH_ID/files/bench-patch.bin

TOKEN=$(login "$CUSTOMER_EMAIL")
AUTH=(-H "Authorization: Bearer $TOKEN")
LINK=$(curl -sS --max-time 10 "${AUTH[@]}" -H 'Content-Type: application/json' -d '{}' "$STEWARD_URL$FILE_PATH/link" |
	sed -n 's/.*"url":"\([^"]*\)".*/\1/p' | sed 's/\\u0026/\&/g')
[[ $LINK == "$STEWARD_URL/"* ]] || { echo "POST $FILE_PATH/link did not give a link on $STEWARD_URL: '$LINK'" >&2; exit 1; }

# --- 2. nginx ------------------------------------------------------------------------
NGX=$TMP/nginx
mkdir -p "$NGX"
ngx_user=""
((EUID == 0)) && ngx_user="user $(id -un) $(id -gn);" # its workers must read the blob, which the temp dir keeps private
cat >"$NGX/nginx.conf" <<EOF
# written by bench/patches.sh; serves Steward's blob directory read-only
$ngx_user
worker_processes auto;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
	access_log $NGX/access.log;
	client_body_temp_path $NGX/client_body;
	proxy_temp_path $NGX/proxy;
	fastcgi_temp_path $NGX/fastcgi;
	uwsgi_temp_path $NGX/uwsgi;
	scgi_temp_path $NGX/scgi;
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $DATA;
	}
}
EOF
"$NGINX" -p "$NGX" -c "$NGX/nginx.conf" -e "$NGX/error.log" -g 'daemon off;' 2>>"$NGX/error.log" &
NPID=$!
PIDS+=("$NPID")
NGINX_FILE=${BLOB#"$DATA"}
"$TMP/waitready" --url "$NGINX_URL$NGINX_FILE" --timeout 10s >/dev/null
owner_is "$NGINX_PORT" "$NPID"

# Both answer with the same bytes: the same length, and the same digest of a
# piece in the middle, asked for with a Range header (206 from both).
check_range() { # check_range URL [curl args...]: prints the SHA-256 of 1 MiB from the middle
	local url=$1 code
	shift
	code=$(curl -sS --max-time 30 -r "$((SIZE / 2))-$((SIZE / 2 + 1048575))" -o "$TMP/piece" -w '%{http_code}' "$@" "$url")
	[[ $code == 206 ]] || { echo "a Range request to $url answered $code, not 206" >&2; exit 1; }
	sha256sum "$TMP/piece" | cut -d' ' -f1
}
want=$(check_range "$NGINX_URL$NGINX_FILE")
for got in "$(check_range "$STEWARD_URL$FILE_PATH" "${AUTH[@]}")" "$(check_range "$LINK")"; do
	[[ $got == "$want" ]] || { echo "Steward and nginx answer different bytes for the same range" >&2; exit 1; }
done
cat "$BLOB" >/dev/null # into the page cache, for both

# --- 3. throughput ---------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
procs() { # procs PID: PID and its children (nginx's workers)
	echo "$1"
	cat "/proc/$1/task/$1/children" 2>/dev/null | tr ' ' '\n' | sed '/^$/d'
}
cpu_ticks() { local p t=0; for p in $(procs "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
write_calls() { local p t=0; for p in $(procs "$1"); do t=$((t + $(awk '$1=="syscw:" {print $2}' "/proc/$p/io"))); done; echo $t; }

declare -A MIBS CPUMS PERWRITE
download() { # download NAME ROUND SERVER-PID URL [curl args...]
	local name=$1 round=$2 pid=$3 url=$4 c0 w0 out code bytes secs
	shift 4
	c0=$(cpu_ticks "$pid")
	w0=$(write_calls "$pid")
	out=$(curl -sS --max-time 600 -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$@" "$url")
	read -r code bytes secs <<<"$out"
	[[ $code == 200 && $bytes == "$SIZE" ]] || { echo "download $name round $round: HTTP $code, $bytes bytes" >&2; exit 1; }
	MIBS[$name,$round]=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / s / 1048576 }')
	CPUMS[$name,$round]=$(awk -v t=$(($(cpu_ticks "$pid") - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", t / hz * 1000 }')
	PERWRITE[$name,$round]=$(awk -v b="$bytes" -v n=$(($(write_calls "$pid") - w0)) 'BEGIN { printf "%.0f", b / (n > 0 ? n : 1) / 1024 }')
	echo "$name $round $out" >>"$RESULTS/downloads.txt"
}
echo "warm-up, then $ROUNDS rounds of nginx, steward (token), steward (signed link) ..." >&2
download nginx warmup "$NPID" "$NGINX_URL$NGINX_FILE"
download token warmup "$SPID" "$STEWARD_URL$FILE_PATH" "${AUTH[@]}"
for r in $(seq 1 "$ROUNDS"); do
	download nginx "$r" "$NPID" "$NGINX_URL$NGINX_FILE"
	download token "$r" "$SPID" "$STEWARD_URL$FILE_PATH" "${AUTH[@]}"
	download link "$r" "$SPID" "$LINK"
done

RSS_DOWNLOADED=$(vmrss "$SPID")

# --- 4. system calls of one download ---------------------------------------------------
traced() { # traced NAME SERVER-PID URL [curl args...]: strace -c of the server during one download
	local name=$1 pid=$2 url=$3 p spid args=()
	shift 3
	for p in $(procs "$pid"); do args+=(-p "$p"); done
	strace -f -c -e trace=sendfile,read,write,writev,pread64,splice -o "$RESULTS/strace-$name.txt" "${args[@]}" 2>/dev/null &
	spid=$!
	PIDS+=("$spid")
	sleep 1 # attached
	curl -sS --max-time 600 -o /dev/null "$@" "$url"
	kill -INT "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	forget "$spid"
}
syscalls() { # syscalls NAME: "sendfile N, write N, ..." from strace -c's table
	grep -q total "$RESULTS/strace-$1.txt" 2>/dev/null || { echo "(strace could not trace it; may this user ptrace?)"; return; }
	awk '$NF ~ /^(sendfile|read|write|writev|pread64|splice)$/ { printf "%s%s %s", sep, $NF, ($4 ~ /^[0-9]+$/ ? $4 : $5); sep=", " }' "$RESULTS/strace-$1.txt"
}
if ((HAVE_STRACE)); then
	echo "one download each under strace -c ..." >&2
	traced nginx "$NPID" "$NGINX_URL$NGINX_FILE"
	traced steward "$SPID" "$STEWARD_URL$FILE_PATH" "${AUTH[@]}"
fi

# --- 5. concurrent ranged downloads, memory ---------------------------------------------
declare -A LOAD
ranged() { # ranged NAME SERVER-PID URL [-H header]: bench/rangeload against the server, sampling its RSS
	local name=$1 pid=$2 url=$3 c0
	shift 3
	c0=$(cpu_ticks "$pid")
	LOAD[$name]=$("$TMP/rangeload" --url "$url" "$@" --size "$SIZE" --clients "$CONNS" --piece $((PIECE_MIB * 1048576)) \
		--duration "$DURATION" --pid "$pid" --every "$SAMPLE" --idle "${IDLE_WAIT}s" --samples "$RESULTS/rss-$name.txt")
	LOAD[$name]+=" cpu_ms=$(awk -v t=$(($(cpu_ticks "$pid") - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", t / hz * 1000 }')"
	echo "$name ${LOAD[$name]}" >>"$RESULTS/rangeload.txt"
}
figure() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" <<<"${LOAD[$1]}"; } # figure NAME KEY
echo "$CONNS concurrent ranged downloads of $PIECE_MIB MiB pieces for $DURATION, through the signed link, then from nginx ..." >&2
ranged steward "$SPID" "$LINK"
ranged nginx "$NPID" "$NGINX_URL$NGINX_FILE"
download_counts=$(curl -sS --max-time 10 -H "Authorization: Bearer $(login "$PM_EMAIL")" "$STEWARD_URL/api/v1/patches/$PATCH_ID/stats" || true)

stop "$NPID"
stop "$SPID"
LOAD_AFTER=$(machine_load)

# --- 6. plan computation ------------------------------------------------------------------
PLAN_OUT=$RESULTS/bench-makeplan.txt
if grep -q '^func BenchmarkMakePlan' internal/patch/*_test.go 2>/dev/null; then
	echo "go test -bench MakePlan -count $BENCH_COUNT ./internal/patch/ ..." >&2
	# A failure here (say, another change in the tree that does not build yet)
	# is reported below; the download figures are already measured.
	go test -run '^$' -bench '^BenchmarkMakePlan$' -benchmem -count "$BENCH_COUNT" ./internal/patch/ >"$PLAN_OUT" 2>&1 || true
else
	echo "internal/patch has no BenchmarkMakePlan yet" >"$PLAN_OUT"
fi

# --- report ----------------------------------------------------------------------------------
say "Steward patch download benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(go version | awk '{print $3}'), Linux $(uname -r), $("$NGINX" -v 2>&1 | sed 's/.*: //'), $(curl --version | head -n1 | cut -d' ' -f1-2)"
say "commit: $COMMIT when the run started; steward binary: $STEWARD_BIN"
say "machine load (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER (other work on the machine skews every figure)"
say "file: $SIZE_MIB MiB of random bytes, published with steward patch publish in $PUBLISH_MS ms; nginx serves Steward's blob $NGINX_FILE (sendfile on, worker_processes auto)"
say "steward VmRSS: $RSS_READY MiB when ready, $RSS_PUBLISHED MiB after the upload, $RSS_DOWNLOADED MiB after the whole downloads"
say ""
say "1. one whole download at a time, curl -o /dev/null, $ROUNDS interleaved rounds after one warm-up download each"
say "round   nginx MiB/s  CPU ms  KiB/write | token MiB/s  CPU ms  KiB/write | link MiB/s  CPU ms | token/nginx  link/nginx"
for r in $(seq 1 "$ROUNDS"); do
	say "$(awk -v l="$r" -v n="${MIBS[nginx,$r]}" -v nc="${CPUMS[nginx,$r]}" -v nw="${PERWRITE[nginx,$r]}" \
		-v t="${MIBS[token,$r]}" -v tc="${CPUMS[token,$r]}" -v tw="${PERWRITE[token,$r]}" -v k="${MIBS[link,$r]}" -v kc="${CPUMS[link,$r]}" \
		'BEGIN { printf "%-6s %12d  %6d  %9d | %11d  %6d  %9d | %10d  %6d | %11.3f  %10.3f", l, n, nc, nw, t, tc, tw, k, kc, t/n, k/n }')"
done
n_med=$(col nginx MIBS | median); t_med=$(col token MIBS | median); k_med=$(col link MIBS | median)
ratio=$(awk -v t="$t_med" -v n="$n_med" 'BEGIN { printf "%.3f", t/n }')
round_ratio=$(for r in $(seq 1 "$ROUNDS"); do awk -v t="${MIBS[token,$r]}" -v n="${MIBS[nginx,$r]}" 'BEGIN { print t/n }'; done | median)
say "median: nginx $n_med MiB/s ($(col nginx CPUMS | median) ms CPU per download, $(col nginx PERWRITE | median) KiB per write call); Steward with a token $t_med MiB/s ($(col token CPUMS | median) ms CPU, $(col token PERWRITE | median) KiB per write call); through a signed link $k_med MiB/s"
say "ratio Steward/nginx: $ratio (target >= 0.8: $(awk -v q="$ratio" 'BEGIN { print (q >= 0.8) ? "met" : "NOT met" }')); median of the rounds' ratios $(printf '%.3f' "$round_ratio")"
say "CPU cost ratio nginx/Steward: $(awk -v n="$(col nginx CPUMS | median)" -v t="$(col token CPUMS | median)" 'BEGIN { printf "%.3f", n/t }') (server CPU per download; one curl stream is often what limits MiB/s, so this is the figure to compare)"
if ((HAVE_STRACE)); then
	say "system calls of one download (strace -c -f): nginx: $(syscalls nginx); steward: $(syscalls steward)"
else
	say "strace is not installed: no system call counts (apt-get install -y strace)"
fi
say ""
say "2. $CONNS concurrent ranged downloads ($PIECE_MIB MiB pieces; client i asks for pieces i, i+$CONNS, ...), bench/rangeload for $DURATION; VmRSS every $SAMPLE"
for s in steward nginx; do
	say "$(awk -v s="$s" -v i="$(figure $s idle_kib)" -v p="$(figure $s peak_kib)" -v a="$(figure $s after_kib)" -v b="$(figure $s bytes)" \
		-v t="$(figure $s seconds)" -v n="$(figure $s requests)" -v k="$(figure $s samples)" -v c="$(figure $s cpu_ms)" \
		'BEGIN { printf "%-8s idle %.1f MiB, peak %.1f MiB (+%.1f MiB), after %.1f MiB; %.0f MiB served in %d requests, %.0f MiB/s, %.0f ms CPU per GiB; %d samples", s, i/1024, p/1024, (p-i)/1024, a/1024, b/1048576, n, b/1048576/t, c/(b/1073741824), k }')"
done
say "ratio Steward/nginx under $CONNS ranged downloads: $(awk -v sb="$(figure steward bytes)" -v st="$(figure steward seconds)" -v nb="$(figure nginx bytes)" -v nt="$(figure nginx seconds)" 'BEGIN { printf "%.3f", (sb/st)/(nb/nt) }') (MiB/s); CPU cost ratio nginx/Steward $(awk -v sb="$(figure steward bytes)" -v sc="$(figure steward cpu_ms)" -v nb="$(figure nginx bytes)" -v nc="$(figure nginx cpu_ms)" 'BEGIN { printf "%.3f", (nc/nb)/(sc/sb) }') (CPU per byte)"
say "  (steward through the signed link; nginx: master and workers together)"
say "download counts (GET /api/v1/patches/$PATCH_ID/stats, flushed every 30 s): $download_counts"
say ""
say "3. plan computation, 2,000 patches: go test -run '^\$' -bench '^BenchmarkMakePlan\$' -benchmem -count $BENCH_COUNT ./internal/patch/"
grep -E '^(Benchmark|FAIL|internal/)|no BenchmarkMakePlan' "$PLAN_OUT" | tee -a "$SUMMARY"
echo "raw outputs and this summary: $RESULTS" >&2
