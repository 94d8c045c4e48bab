#!/bin/bash
# Benchmarks of ngx_http_ims_ut_module (make bench).  Every figure is a
# ratio against a baseline measured side by side in the same run, on the
# same machine, with the same client; the script prints the numbers and
# whether a target is met, it never fails on a timing.
#
#   1. full TLS handshakes: ims_ut_tls_policy on vs. off
#   2. authenticated keep-alive GETs, key cached:
#        a) plain proxy  b) ims_ut_auth gba  c) auth_request to a service
#   3. requests per Zn fetch, shared memory per cached key
#
# Needs the built module and certificates (make module certs), nginx, wrk,
# openssl, curl, perl, taskset.  Knobs (environment):
#   BENCH_PARTS="tls http"  which of 1 and 2+3 to run
#   BENCH_TLS_ROUNDS=5      rounds, each: baseline and policy, alternating
#   BENCH_TLS_SECONDS=3     measurement window of one TLS run
#   BENCH_TLS_CLIENTS=4     parallel "openssl s_time -new" processes
#   BENCH_HTTP_ROUNDS=3     rounds, each: a, b, c in a rotating order
#   BENCH_HTTP_SECONDS=5    duration of one wrk run
#   BENCH_WRK_THREADS=1     wrk threads (one nonce each)
#   BENCH_WRK_CONNECTIONS=16
#   BENCH_KEYS=5000         distinct B-TIDs for the memory-per-key figure
#   BENCH_CLIENT_CPU=0      CPU of the clients (s_time, wrk)
#   BENCH_SERVER_CPU=1      CPU of every nginx (under test, backend, service)
#   BENCH_MAX_OTHER=10      a run during which other work took more than
#                           this % of the server CPU is done again (twice
#                           at most)
#   BENCH_PERF=1            after the measured rounds, one more run of the
#                           policy server and of b under "perf record":
#                           where their CPU goes (not in the ratios)
#   BENCH_DIR               run directory (default: a new one in /tmp)
#   BENCH_KEEP=1            keep the run directory (configs, logs)
# Ports (127.0.0.1): 2201-2204 TLS, 2210-2211 backend, 2220-2222 front.

set -eu -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

NGINX=${NGINX:-/usr/sbin/nginx}
MODULE=${MODULE:-$top/build/nginx/objs/ngx_http_ims_ut_module.so}
CERTS=${CERTS:-$top/build/certs}

PARTS=${BENCH_PARTS:-tls http}
TLS_ROUNDS=${BENCH_TLS_ROUNDS:-5}
TLS_SECONDS=${BENCH_TLS_SECONDS:-3}
TLS_CLIENTS=${BENCH_TLS_CLIENTS:-4}
HTTP_ROUNDS=${BENCH_HTTP_ROUNDS:-3}
HTTP_SECONDS=${BENCH_HTTP_SECONDS:-5}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
WRK_CONNECTIONS=${BENCH_WRK_CONNECTIONS:-16}
KEYS=${BENCH_KEYS:-5000}
CLIENT_CPU=${BENCH_CLIENT_CPU:-0}
SERVER_CPU=${BENCH_SERVER_CPU:-1}
MAX_OTHER=${BENCH_MAX_OTHER:-10}

# fresh nc values per wrk thread and run of b: more than any rate seen
MAX_RPS=${BENCH_MAX_RPS:-80000}

TLS_BASE_PORT=2201
TLS_POLICY_PORT=2202
TLS_BASE_STATUS=2203
TLS_POLICY_STATUS=2204
BACKEND_PORT=2210
CHECK_PORT=2211
PLAIN_PORT=2220
GBA_PORT=2221
AUTHREQ_PORT=2222

REALM='3GPP-bootstrapping@localhost'
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test'

TLS_TARGET=0.98
BA_TARGET=0.90
BC_TARGET=1.5


die() {
    echo "bench: $*" >&2
    exit 1
}

part() {
    case " $PARTS " in *" $1 "*) return 0 ;; esac
    return 1
}


# ------------------------------------------------------------ prerequisites

[ -f "$MODULE" ] || die "module $MODULE not built: run 'make module'"
for f in xcap.crt xcap.key secret; do
    [ -s "$CERTS/$f" ] || die "$CERTS/$f missing: run 'make certs'"
done
[ -x "$NGINX" ] || die "nginx binary $NGINX not found"
for t in wrk openssl curl perl taskset awk; do
    command -v "$t" >/dev/null \
        || die "'$t' not found (scripts/deps.sh bench installs wrk)"
done
perl -MJSON::PP -MDigest::SHA -e 1 2>/dev/null \
    || die "perl lacks JSON::PP or Digest::SHA"
if [ -n "${BENCH_PERF:-}" ]; then
    command -v perf >/dev/null || die "BENCH_PERF needs perf"
fi

# the connections of a wrk thread share its nonce: their nc values reach
# the module slightly out of order, within its 64-entry window
[ $((WRK_CONNECTIONS / WRK_THREADS)) -le 48 ] \
    || die "more than 48 connections per wrk thread: raise BENCH_WRK_THREADS"

if [ "$(nproc)" -lt 2 ]; then
    echo "bench: one CPU only: clients and servers share it"
    CLIENT_CPU=0
    SERVER_CPU=0
fi

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for p in $TLS_BASE_PORT $TLS_POLICY_PORT $TLS_BASE_STATUS $TLS_POLICY_STATUS \
         $BACKEND_PORT $CHECK_PORT $PLAIN_PORT $GBA_PORT $AUTHREQ_PORT
do
    ! port_busy "$p" || die "port $p is in use"
done

if [ -n "${BENCH_DIR:-}" ]; then
    run=$BENCH_DIR
    mkdir -p "$run"
else
    run=$(mktemp -d /tmp/ims-ut-bench.XXXXXX)
fi


# ------------------------------------------------------ processes, cleanup

masters=()
clients=()
ok=0

cleanup() {
    local pid i alive

    for pid in "${clients[@]}"; do
        kill "$pid" 2>/dev/null || true
    done

    for pid in "${masters[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done

    for i in $(seq 50); do
        alive=0
        for pid in "${masters[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ $alive = 0 ] && break
        sleep 0.1
    done

    for pid in "${masters[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done

    if [ $ok = 1 ] && [ -z "${BENCH_KEEP:-}" ]; then
        rm -rf "$run"
    else
        echo "bench: run directory kept: $run" >&2
    fi
}

trap cleanup EXIT
trap 'exit 130' INT TERM

# start_nginx NAME PORT: nginx in the foreground of a background job (its
# pid is the master's), pinned to the server CPU, ready when PORT accepts
start_nginx() {
    local name=$1 port=$2 dir=$run/$1 pid i

    taskset -c "$SERVER_CPU" "$NGINX" -p "$dir/" -c "$dir/nginx.conf" \
        -e "$dir/error.log" -g 'daemon off;' 2>"$dir/stderr.log" &
    pid=$!
    masters+=("$pid")

    for i in $(seq 100); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -5 "$dir/error.log" "$dir/stderr.log" >&2
            die "nginx '$name' exited"
        fi
        port_busy "$port" && return 0
        sleep 0.05
    done

    die "nginx '$name' does not listen on $port"
}

stop_nginx() {
    kill -TERM "${masters[@]}"
    wait "${masters[@]}" 2>/dev/null || true
    masters=()
}

# the only worker of a master
worker_of() {
    local w i

    for i in $(seq 50); do
        w=$(cat "/proc/$1/task/$1/children" 2>/dev/null || true)
        w=${w%% *}
        [ -n "$w" ] && { echo "$w"; return 0; }
        sleep 0.05
    done

    die "no worker process under $1"
}

CLK_TCK=$(getconf CLK_TCK)

# CPU time of a process in ns (schedstat: exact; stat: clock ticks)
cpu_ns() {
    if [ -r "/proc/$1/schedstat" ]; then
        cut -d' ' -f1 "/proc/$1/schedstat"
    else
        awk -v hz="$CLK_TCK" '{ printf "%.0f\n", ($14 + $15) * 1e9 / hz }' \
            "/proc/$1/stat"
    fi
}

# busy time of the server CPU in ns, whoever used it (steal included)
cpu_busy_ns() {
    awk -v c="cpu$SERVER_CPU" -v hz="$CLK_TCK" \
        '$1 == c { printf "%.0f\n",
                   ($2 + $3 + $4 + $7 + $8 + $9) * 1e9 / hz }' /proc/stat
}

now_ns() {
    date +%s%N
}

# calc FORMAT EXPR
calc() {
    awk "BEGIN { printf \"$1\", $2 }"
}

# other_share BUSY_NS OURS_NS WALL_NS: % of the server CPU busy with other
# work (tick-based /proc/stat against exact schedstat: clamped at 0)
other_share() {
    awk -v b="$1" -v o="$2" -v w="$3" \
        'BEGIN { x = (b - o) / w * 100; printf "%.1f", x < 0 ? 0 : x }'
}

# "yes" (status 0) when another process, kernel work not charged to our
# workers or steal took more than MAX_OTHER % of the server CPU in a run
disturbed() {
    awk -v o="$OTHER" -v m="$MAX_OTHER" 'BEGIN { exit !(o > m) }'
}

# median "LIST": the median of a blank-separated list of numbers
median() {
    local -a v

    read -ra v <<<"$1"
    printf '%s\n' "${v[@]}" | sort -g \
        | awk '{ v[NR] = $1 }
               END { if (NR % 2) print v[(NR + 1) / 2];
                     else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio NUM DEN TARGET: NUM and DEN are lists of values, one per round,
# in the same order.  Sets RATIO (median of NUM / median of DEN), LO and
# HI (the lowest and highest NUM/DEN of one round: the runs of a round
# are next to each other in time) and VERDICT: "yes" when RATIO reaches
# TARGET, "NO" when no round of three or more does, "noise" otherwise
# (the rounds disagree, or too few: the distance to the target is below
# what the run resolves)
ratio() {
    RATIO=$(calc %.3f "$(median "$1") / $(median "$2")")
    read -r LO HI N < <(awk -v n="$1" -v d="$2" 'BEGIN {
        k = split(n, a); split(d, b); lo = 1e9; hi = -1e9;
        for (i = 1; i <= k; i++) {
            r = a[i] / b[i]; if (r < lo) lo = r; if (r > hi) hi = r
        }
        printf "%.3f %.3f %d\n", lo, hi, k }')
    VERDICT=$(awk -v r="$RATIO" -v hi="$HI" -v n="$N" -v t="$3" \
        'BEGIN { print (r >= t) ? "yes" : (hi < t && n >= 3) ? "NO" \
                                                             : "noise" }')
}

summary=()

# ratio_row LABEL NUM DEN TARGET: ratio() as a table line, kept for the
# summary
ratio_row() {
    local line

    ratio "$2" "$3" "$4"
    line=$(printf '%-40s %6s  %5s-%-5s  >= %-4s  %s' "$1" "$RATIO" "$LO" \
               "$HI" "$4" "$VERDICT")
    summary+=("$line")
    echo "   $line"
}

ratio_head() {
    printf '   %-40s %6s  %-11s  %-7s  %s\n' "$1" value rounds target met
}

status_json() {
    curl -sf -H 'Host: localhost' "http://127.0.0.1:$1/api/status" \
        -o "$run/status.json" \
        || die "status API on port $1 does not answer"
    perl "$here/bench.pl" status "$run/status.json"
}

# val STATUS NAME: a number of a status_json output
val() {
    awk -v n="$2" '$1 == n { print $2 }' <<<"$1"
}


# ------------------------------------------------------------- nginx configs

common_conf() {
    cat <<EOF
load_module $MODULE;
worker_processes 1;
pid $run/$1/nginx.pid;
error_log $run/$1/error.log warn;
events { worker_connections 4096; }
EOF
}

http_common() {
    cat <<EOF
    client_body_temp_path $run/$1/body;
    proxy_temp_path $run/$1/proxy;
    fastcgi_temp_path $run/$1/fastcgi;
    uwsgi_temp_path $run/$1/uwsgi;
    scgi_temp_path $run/$1/scgi;
    access_log off;
    keepalive_requests 100000000;
EOF
}

# tls_conf NAME PORT STATUS_PORT on|off: the two TLS servers differ only
# in "ims_ut_tls_policy"; no session cache, no tickets: every handshake
# is a full one
tls_conf() {
    mkdir -p "$run/$1"
    {
        common_conf "$1"
        echo "http {"
        http_common "$1"
        cat <<EOF
    server {
        listen 127.0.0.1:$2 ssl;
        ssl_certificate $CERTS/xcap.crt;
        ssl_certificate_key $CERTS/xcap.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache off;
        ssl_session_tickets off;
        ims_ut_tls_policy $4;
        location / { return 200 "ok\n"; }
    }
    server {
        listen 127.0.0.1:$3;
        location = /stub { stub_status; }
        location = /api/status { ims_ut_api; }
    }
}
EOF
    } > "$run/$1/nginx.conf"
}

backend_conf() {
    mkdir -p "$run/backend"
    {
        common_conf backend
        echo "http {"
        http_common backend
        cat <<EOF
    server {
        listen 127.0.0.1:$BACKEND_PORT;
        location / { return 200 "ok\n"; }
    }
    server {
        listen 127.0.0.1:$CHECK_PORT;
        location = /check { return 204; }
    }
}
EOF
    } > "$run/backend/nginx.conf"
}

# the three set-ups in one nginx (one worker), measured one at a time
front_conf() {
    local zn

    zn=$(perl "$here/bench.pl" zn)
    mkdir -p "$run/front"
    {
        common_conf front
        echo "http {"
        http_common front
        cat <<EOF
    ims_ut_zone bench:32m;
    ims_ut_secret $CERTS/secret;

    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
    }
    upstream authsvc {
        server 127.0.0.1:$CHECK_PORT;
        keepalive 64;
    }

    proxy_http_version 1.1;
    proxy_set_header Connection "";

    # a) plain proxy, no authentication
    server {
        listen 127.0.0.1:$PLAIN_PORT;
        location / { proxy_pass http://backend; }
    }

    # b) GBA Digest in the module, key cached in the zone
    server {
        listen 127.0.0.1:$GBA_PORT;
        location = /bsf { internal; return 200 '$zn'; }
        location = /api/status { ims_ut_api; }
        location / {
            ims_ut_auth gba;
            ims_ut_bsf /bsf;
            ims_ut_ua_security_protocol http;
            ims_ut_nonce_timeout 900s;
            proxy_pass http://backend;
        }
    }

    # c) auth_request to an authentication service that answers 204
    server {
        listen 127.0.0.1:$AUTHREQ_PORT;
        location = /auth {
            internal;
            proxy_pass http://authsvc/check;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
        }
        location / {
            auth_request /auth;
            proxy_pass http://backend;
        }
    }
}
EOF
    } > "$run/front/nginx.conf"
}


# ------------------------------------------------------------------ perf

perf_pid=

# perf_start WORKER NAME: sample the worker until perf_stop (call graphs
# from DWARF: the Debian binaries have no frame pointers)
perf_start() {
    perf record -F 499 --call-graph dwarf,8192 -p "$1" \
        -o "$run/perf.$2.data" >"$run/perf.$2.log" 2>&1 &
    perf_pid=$!
    clients+=("$perf_pid")
    sleep 0.3
}

# perf_stop NAME: the worker's CPU by binary, the module's functions (with
# callees and self), the heaviest named functions; % of its samples
perf_stop() {
    local data=$run/perf.$1.data

    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    clients=()

    # head ends the pipes early: no pipefail here
    set +o pipefail

    echo "   perf: worker CPU by binary (self)"
    perf report -i "$data" --no-children --sort dso -g none 2>/dev/null \
        | awk '/^ +[0-9.]+%/ { printf "     %8s  %s\n", $1, $2 }' | head -8

    echo "   perf: module functions and OpenSSL calls, with callees / self" \
         "(>= 0.3%)"
    perf report -i "$data" --children --sort sym -g none \
            --percent-limit 0.3 2>/dev/null \
        | awk '/ngx_(ims|http_ims)_ut|EVP_|HMAC_|MD5_|SHA256_|CRYPTO_THREAD/ {
                   printf "     %8s %8s  %s\n", $1, $2, $4; n++ }
               END { if (!n) print "     (none)" }' \
        | head -40

    echo "   perf: heaviest named functions, self"
    perf report -i "$data" --no-children --sort dso,sym -g none 2>/dev/null \
        | awk '/^ +[0-9.]+%/ && $4 !~ /^0x/ {
                   printf "     %8s  %-24s %s\n", $1, $2, $4 }' \
        | head -15

    set -o pipefail
    echo
}


# ------------------------------------------------------------------ header

echo "ims_ut bench: $(nproc) CPUs" \
     "($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo))"
echo "  nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///')," \
     "$(openssl version | cut -d' ' -f1-2)," \
     "wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
echo "  module: sha256 $(sha256sum "$MODULE" | cut -c1-12)," \
     "built $(date -r "$MODULE" '+%Y-%m-%d %H:%M')," \
     "git HEAD $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo -)"
echo "  every nginx: 1 worker on CPU $SERVER_CPU; clients on CPU" \
     "$CLIENT_CPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo


# ---------------------------------------------------------------- 1. TLS

s_client_opts=(-no-CApath -no-CAfile -no-CAstore)

accepts() {
    local n

    n=$(curl -sf "http://127.0.0.1:$1/stub" | awk 'NR == 3 { print $1 }')
    [ -n "$n" ] || die "stub_status on port $1 does not answer"
    echo "$n"
}

# tls_run PROTO PORT STATUS_PORT WORKER SECONDS: sets RATE (handshakes/s),
# UTIL (busy share of the worker), CAP (handshakes per CPU-second) and
# OTHER (% of the server CPU used by other work)
tls_run() {
    local proto=$1 port=$2 sport=$3 worker=$4 secs=$5
    local i out a0 a1 c0 c1 t0 t1 u0 u1

    clients=()
    for i in $(seq "$TLS_CLIENTS"); do
        taskset -c "$CLIENT_CPU" openssl s_time -new "${s_client_opts[@]}" \
            -"$proto" -connect "127.0.0.1:$port" -time $((secs + 1)) \
            > "$run/s_time.$i" 2>&1 &
        clients+=($!)
    done

    # a window inside the clients' run: no start-up, no tail
    sleep 0.5
    a0=$(accepts "$sport"); c0=$(cpu_ns "$worker"); u0=$(cpu_busy_ns)
    t0=$(now_ns)
    sleep "$secs"
    a1=$(accepts "$sport"); c1=$(cpu_ns "$worker"); u1=$(cpu_busy_ns)
    t1=$(now_ns)

    for i in "${!clients[@]}"; do
        out=$run/s_time.$((i + 1))
        wait "${clients[$i]}" \
            || die "s_time against port $port failed: $(tail -3 "$out")"
        grep -q 'connections in .* real seconds' "$out" \
            || die "s_time against port $port: $(tail -3 "$out")"
    done
    clients=()

    OTHER=$(other_share $((u1 - u0)) $((c1 - c0)) $((t1 - t0)))

    # minus 1: the stub_status request of the second reading
    read -r RATE UTIL CAP < <(awk -v a=$((a1 - a0 - 1)) -v c=$((c1 - c0)) \
        -v t=$((t1 - t0)) \
        'BEGIN { printf "%.1f %.4f %.1f\n", a * 1e9 / t, c / t, a * 1e9 / c }')
}

tls_row() {
    printf '   %-5s %-7s %-7s %8.0f %5.0f%% %9.0f %5.0f%%%s\n' "$1" "$2" \
        "$3" "$RATE" "$(calc %.1f "$UTIL * 100")" "$CAP" "$OTHER" "$4"
}

tls_bench() {
    local proto port r which order suite out attempt mark
    local passed0 passed1 rejected base_worker policy_worker
    local -A rate cap

    tls_conf tls-base $TLS_BASE_PORT $TLS_BASE_STATUS off
    tls_conf tls-policy $TLS_POLICY_PORT $TLS_POLICY_STATUS on
    start_nginx tls-base $TLS_BASE_PORT
    start_nginx tls-policy $TLS_POLICY_PORT
    base_worker=$(worker_of "${masters[0]}")
    policy_worker=$(worker_of "${masters[1]}")

    echo "== 1. Full TLS handshakes: ims_ut_tls_policy on (policy), off (base)"
    echo "   Same binary, module and TLS settings: RSA-2048 certificate,"
    echo "   ECDHE, session cache and tickets off. Suites negotiated:"

    for proto in tls1_2 tls1_3; do
        for port in $TLS_BASE_PORT $TLS_POLICY_PORT; do
            out=$(echo | timeout 10 openssl s_client "${s_client_opts[@]}" \
                      -"$proto" -connect "127.0.0.1:$port" -reconnect 2>&1 \
                  || true)
            grep -q '^New, ' <<<"$out" \
                || die "no $proto handshake with port $port: $out"
            ! grep -q '^Reused, ' <<<"$out" \
                || die "port $port resumed a $proto session"
        done
        suite=$(awk '/^New, / { print $NF; exit }' <<<"$out")
        echo "   $proto $suite (s_client -reconnect: never resumed)"
    done

    echo "   Client: $TLS_CLIENTS x 'openssl s_time -new' on CPU" \
         "$CLIENT_CPU; $TLS_ROUNDS rounds of"
    echo "   ${TLS_SECONDS} s windows, base and policy alternating." \
         "hs/s: handshakes per"
    echo "   second (server accept count); CPU: busy share of the server"
    echo "   worker; hs/CPU-s: handshakes per second of worker CPU (what a"
    echo "   saturated core does); other: share of CPU $SERVER_CPU busy" \
         "with anything"
    echo "   else (other processes, kernel work not charged to the worker,"
    echo "   steal); above $MAX_OTHER% the run is done again (twice at most)."
    echo

    # warm-up, not counted
    tls_run tls1_3 $TLS_BASE_PORT $TLS_BASE_STATUS "$base_worker" 1
    tls_run tls1_3 $TLS_POLICY_PORT $TLS_POLICY_STATUS "$policy_worker" 1

    passed0=$(val "$(status_json $TLS_POLICY_STATUS)" tls_passed)

    printf '   %-5s %-7s %-7s %8s %6s %9s %6s\n' round proto server hs/s \
        CPU hs/CPU-s other

    for r in $(seq "$TLS_ROUNDS"); do
        for proto in tls1_2 tls1_3; do
            if [ $((r % 2)) = 1 ]; then
                order="base policy"
            else
                order="policy base"
            fi

            for which in $order; do
                for attempt in 1 2 3; do
                    if [ "$which" = base ]; then
                        tls_run "$proto" $TLS_BASE_PORT $TLS_BASE_STATUS \
                            "$base_worker" "$TLS_SECONDS"
                    else
                        tls_run "$proto" $TLS_POLICY_PORT \
                            $TLS_POLICY_STATUS "$policy_worker" \
                            "$TLS_SECONDS"
                    fi
                    mark=
                    disturbed || break
                    mark=" disturbed"
                    [ $attempt = 3 ] && break
                    tls_row "($r)" "$proto" "$which" " disturbed, again"
                done

                # per server, in the order of the rounds
                rate[$proto.$which]="${rate[$proto.$which]:-} $RATE"
                cap[$proto.$which]="${cap[$proto.$which]:-} $CAP"
                tls_row "$r" "$proto" "$which" "$mark"
            done
        done
    done

    out=$(status_json $TLS_POLICY_STATUS)
    passed1=$(val "$out" tls_passed)
    rejected=$(val "$out" tls_rejected)

    echo
    echo "   The policy judged $((passed1 - passed0)) ClientHellos in the" \
         "rounds, refused $rejected."
    echo
    printf '   %-36s %9s %9s\n' "median of $TLS_ROUNDS rounds" base policy
    for proto in tls1_2 tls1_3; do
        printf '   %-36s %9.0f %9.0f\n' "$proto handshakes/s" \
            "$(median "${rate[$proto.base]}")" \
            "$(median "${rate[$proto.policy]}")"
        printf '   %-36s %9.0f %9.0f\n' "$proto handshakes/CPU-s" \
            "$(median "${cap[$proto.base]}")" \
            "$(median "${cap[$proto.policy]}")"
    done
    echo
    ratio_head "ratio"
    for proto in tls1_2 tls1_3; do
        ratio_row "$proto policy/base, handshakes/s" \
            "${rate[$proto.policy]}" "${rate[$proto.base]}" $TLS_TARGET
        ratio_row "$proto policy/base, handshakes/CPU-s" \
            "${cap[$proto.policy]}" "${cap[$proto.base]}" $TLS_TARGET
    done
    echo "   (rounds: lowest and highest ratio of one round; met: yes, NO"
    echo "   (none of 3+ rounds meets the target), noise (rounds disagree))"
    echo

    if [ -n "${BENCH_PERF:-}" ]; then
        echo "   profile of the policy server, tls1_2, ${TLS_SECONDS} s" \
             "(BENCH_PERF):"
        perf_start "$policy_worker" tls-policy
        tls_run tls1_2 $TLS_POLICY_PORT $TLS_POLICY_STATUS \
            "$policy_worker" "$TLS_SECONDS"
        perf_stop tls-policy
    fi

    stop_nginx
}


# -------------------------------------------------------- 2. authentication

front_worker=
backend_worker=

warm() {
    local code

    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: localhost' \
               -H "Authorization: $1" "http://127.0.0.1:$GBA_PORT/t")
    [ "$code" = 200 ] \
        || die "warm-up answered $code, not 200 (see $run/front/error.log)"
}

# new_lists N: per wrk thread, a nonce opened with nc 1 (a warm-up
# request), then nc 2... in $run/list-N.<thread>
new_lists() {
    local t h per_thread

    per_thread=$(( MAX_RPS * (HTTP_SECONDS + 1) / WRK_THREADS ))
    for t in $(seq "$WRK_THREADS"); do
        h=$(perl "$here/bench.pl" list "$CERTS/secret" "$REALM" "$BTID" \
                "$per_thread" 2 "$run/list-$1.$t")
        warm "$h"
    done
}

# http_run PORT LIST: sets RATE (req/s), FRONT and BACK (CPU us per
# request of the front worker and of the backend+service worker), UTIL
# (busy share of the server CPU taken by both), OTHER (% of the server
# CPU used by other work) and BAD (non-200 answers and socket errors)
http_run() {
    local port=$1 list=$2 out f0 f1 b0 b1 u0 u1 line req dur exh err

    f0=$(cpu_ns "$front_worker"); b0=$(cpu_ns "$backend_worker")
    u0=$(cpu_busy_ns)
    out=$(taskset -c "$CLIENT_CPU" wrk -t"$WRK_THREADS" \
              -c"$WRK_CONNECTIONS" -d"${HTTP_SECONDS}s" -s "$here/gba.lua" \
              "http://127.0.0.1:$port/t" -- "$list" localhost 2>&1) \
        || die "wrk failed: $out"
    f1=$(cpu_ns "$front_worker"); b1=$(cpu_ns "$backend_worker")
    u1=$(cpu_busy_ns)

    line=$(grep '^BENCH ' <<<"$out") || die "wrk printed no result: $out"
    # BENCH requests=N duration_us=N non200=N exhausted=N socket_errors=N
    read -r req dur BAD exh err < <(awk '{
        for (i = 2; i <= NF; i++) { sub(/^[a-z_0-9]*=/, "", $i) }
        print $2, $3, $4, $5, $6 }' <<<"$line")
    BAD=$((BAD + err))

    [ "$req" -gt 0 ] || die "no request completed on port $port: $out"
    # a and c do not mind nc values used again
    [ "$exh" = 0 ] || [ "$port" != $GBA_PORT ] \
        || die "wrk ran out of fresh nc values ($exh): raise BENCH_MAX_RPS"

    # the servers idle while wrk sets up its Lua state, before "dur"
    # starts: their CPU over "dur" is their busy share
    OTHER=$(other_share $((u1 - u0)) $((f1 - f0 + b1 - b0)) $((dur * 1000)))

    read -r RATE FRONT BACK UTIL < <(awk -v n="$req" -v d="$dur" \
        -v f=$((f1 - f0)) -v b=$((b1 - b0)) \
        'BEGIN { printf "%.1f %.2f %.2f %.4f\n", n * 1e6 / d, f / n / 1e3,
                 b / n / 1e3, (f + b) / d / 1e3 }')
}

http_row() {
    printf '   %-5s %-15s %8.0f %6s %6s %4.0f%% %10.0f %5.0f%% %6s%s\n' \
        "$1" "$2" "$RATE" "$FRONT" "$BACK" "$(calc %.1f "$UTIL * 100")" \
        "$3" "$OTHER" "$BAD" "$4"
}

invalid=0
per_zn=
per_key=

http_bench() {
    local r t k s port label s0 s1 succ zn_run zn_all succ_all lists
    local attempt mark codes m0 m1 pages cached evicted fetches
    local -A rate cap front
    local setups=(a b c)

    backend_conf
    front_conf
    start_nginx backend $CHECK_PORT
    start_nginx front $AUTHREQ_PORT
    backend_worker=$(worker_of "${masters[0]}")
    front_worker=$(worker_of "${masters[1]}")

    # the first warm-up also brings the key from the BSF double
    lists=0
    new_lists $lists

    echo "== 2. Authenticated GETs on keep-alive connections, key cached"
    echo "   a) plain proxy  b) ims_ut_auth gba  c) auth_request to a" \
         "service (204)"
    echo "   One front nginx holds a, b and c; all proxy to one backend"
    echo "   nginx ('return 200', also the service), upstream keepalive."
    echo "   Client: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS on CPU" \
         "$CLIENT_CPU, ${HTTP_SECONDS} s per run, $HTTP_ROUNDS rounds in"
    echo "   rotating order; every set-up gets the same bytes, a valid"
    echo "   Digest with a fresh nc per request. front, back: CPU us per"
    echo "   request of the front and backend workers; CPU: their share of"
    echo "   CPU $SERVER_CPU; req/CPU-s: requests per second of server CPU" \
         "(front +"
    echo "   backend); other: as in 1."
    echo

    s0=$(status_json $GBA_PORT)

    printf '   %-5s %-15s %8s %6s %6s %5s %10s %6s %6s\n' round set-up \
        req/s front back CPU req/CPU-s other non200

    for r in $(seq "$HTTP_ROUNDS"); do
        for k in 0 1 2; do
            s=${setups[$(( (k + r - 1) % 3 ))]}
            case $s in
            a) port=$PLAIN_PORT; label="a plain proxy" ;;
            b) port=$GBA_PORT; label="b ims_ut gba" ;;
            c) port=$AUTHREQ_PORT; label="c auth_request" ;;
            esac

            for attempt in 1 2 3; do
                # b needs fresh nc values every run; a and c get the same
                # bytes but check nothing
                if [ "$s" = b ]; then
                    lists=$((lists + 1))
                    new_lists $lists
                fi
                http_run $port "$run/list-$lists"
                t=$(calc %.1f "$RATE / $UTIL")
                mark=
                disturbed || break
                mark=" disturbed"
                [ $attempt = 3 ] && break
                http_row "($r)" "$label" "$t" " disturbed, again"
            done

            [ "$BAD" = 0 ] || invalid=1
            rate[$s]="${rate[$s]:-} $RATE"
            cap[$s]="${cap[$s]:-} $t"
            front[$s]="${front[$s]:-} $FRONT"
            http_row "$r" "$label" "$t" "$mark"
        done
    done

    s1=$(status_json $GBA_PORT)
    succ=$(( $(val "$s1" successes) - $(val "$s0" successes) ))
    zn_run=$(( $(val "$s1" zn_requests) - $(val "$s0" zn_requests) ))
    succ_all=$(val "$s1" successes)
    zn_all=$(val "$s1" zn_requests)
    per_zn=$(calc %.0f "$succ_all / ($zn_all > 0 ? $zn_all : 1)")

    echo
    if [ $invalid = 1 ]; then
        echo "   INVALID: answers other than 200 (replays refused so far:"
        echo "   $(val "$s1" replays)); see $run/front/error.log"
    fi
    echo "   b authenticated $succ requests in the runs with $zn_run Zn" \
         "fetches; since"
    echo "   start $succ_all successes, $zn_all Zn fetches: $per_zn" \
         "requests per Zn fetch"
    echo

    printf '   %-24s %9s %9s %9s\n' "median of $HTTP_ROUNDS rounds" a b c
    printf '   %-24s %9.0f %9.0f %9.0f\n' req/s "$(median "${rate[a]}")" \
        "$(median "${rate[b]}")" "$(median "${rate[c]}")"
    printf '   %-24s %9.0f %9.0f %9.0f\n' req/CPU-s "$(median "${cap[a]}")" \
        "$(median "${cap[b]}")" "$(median "${cap[c]}")"
    printf '   %-24s %9.2f %9.2f %9.2f\n' "front CPU us/req" \
        "$(median "${front[a]}")" "$(median "${front[b]}")" \
        "$(median "${front[c]}")"
    echo
    ratio_head "ratio"
    ratio_row "GET b/a, req/s" "${rate[b]}" "${rate[a]}" $BA_TARGET
    ratio_row "GET b/a, req/CPU-s (front + backend)" "${cap[b]}" \
        "${cap[a]}" $BA_TARGET
    ratio_row "GET b/a, front only (a/b of us/req)" "${front[a]}" \
        "${front[b]}" $BA_TARGET
    ratio_row "GET b/c, req/s" "${rate[b]}" "${rate[c]}" $BC_TARGET
    ratio_row "GET b/c, req/CPU-s (front + backend)" "${cap[b]}" \
        "${cap[c]}" $BC_TARGET
    ratio_row "GET b/c, front only (c/b of us/req)" "${front[c]}" \
        "${front[b]}" $BC_TARGET
    echo "   (front only: the front's capacity ratio, as if the backend and"
    echo "   the service ran elsewhere)"
    echo

    if [ -n "${BENCH_PERF:-}" ]; then
        echo "   profile of the front worker in b, ${HTTP_SECONDS} s" \
             "(BENCH_PERF):"
        lists=$((lists + 1))
        new_lists $lists
        perf_start "$front_worker" gba
        http_run $GBA_PORT "$run/list-$lists"
        perf_stop gba
    fi

    # ---- 3. memory per cached key: KEYS distinct B-TIDs, one nonce

    perl "$here/bench.pl" fill "$CERTS/secret" "$REALM" $((KEYS + 1)) 1 \
        "http://127.0.0.1:$GBA_PORT/t" "$run/fill.all"
    # the first request opens the nonce's replay record: not counted
    awk -v f1="$run/fill.1" -v f2="$run/fill.k" \
        '/^next$/ && !n { n = 1; next } { print > (n ? f2 : f1) }' \
        "$run/fill.all"

    codes=$(curl -s -K "$run/fill.1")
    [ "$codes" = 200 ] || die "fill request answered $codes"

    m0=$(status_json $GBA_PORT)
    codes=$(curl -s -K "$run/fill.k" | sort | uniq -c | tr -s ' ')
    m1=$(status_json $GBA_PORT)

    [ "$codes" = " $KEYS 200" ] || die "fill requests answered:$codes"

    pages=$(( $(val "$m1" pages_used) - $(val "$m0" pages_used) ))
    cached=$(( $(val "$m1" keys_cached) - $(val "$m0" keys_cached) ))
    evicted=$(( $(val "$m1" evictions_keys) - $(val "$m0" evictions_keys) ))
    fetches=$(( $(val "$m1" zn_requests) - $(val "$m0" zn_requests) ))
    per_key=$(calc %.0f "$pages * $(getconf PAGESIZE) / $KEYS")

    echo "== 3. Shared memory per cached key"
    echo "   $KEYS GETs with distinct B-TIDs: $fetches Zn fetches, keys" \
         "cached +$cached,"
    echo "   evicted $evicted; ims_ut_zone pages used +$pages" \
         "($(getconf PAGESIZE) bytes each)"
    echo "   => $per_key bytes per cached key (slab pages, overhead included)"
    echo

    stop_nginx
}


# ------------------------------------------------------------ run, summary

part tls && tls_bench
part http && http_bench

echo "== Summary (ratios of medians; targets printed, never asserted)"
ratio_head "ratio"
for line in "${summary[@]}"; do
    echo "   $line"
done
if part http; then
    printf '   %-40s %6s\n' "requests per Zn fetch" "$per_zn"
    printf '   %-40s %6s\n' "ims_ut_zone bytes per cached key" "$per_key"
fi

# not a timing: answers other than 200 mean the set-up is broken
if [ $invalid = 1 ]; then
    echo "   INVALID: non-200 answers in the GET runs, see above"
    exit 1
fi

ok=1
