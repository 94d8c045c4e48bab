#!/bin/bash
# The GBA lab on one machine: development BSF (Ub + Zn), Kamailio XCAP server,
# and nginx with ngx_http_ims_ut_module in front of it.
#
#   lab/run.sh                foreground; Ctrl-C (or TERM) stops everything
#   lab/run.sh --background   start, print where things listen, return
#   lab/run.sh --stop         stop what --background started
#   lab/run.sh --status       show what is running
#
# Environment:
#   IMS_UT_MODULE  the module .so (default build/nginx/objs/ngx_http_ims_ut_module.so)
#   LAB_NO_NGINX=1 start only the BSF and Kamailio
#   NGINX          nginx binary (default /usr/sbin/nginx)
#   PYTHON         python 3 with python3-cryptography (default /usr/bin/python3)
#   LAB_RUN        run directory (default lab/run)
#   LAB_NAF_PORT LAB_API_PORT LAB_UB_PORT LAB_ZN_PORT LAB_XCAP_PORT
#                  ports (default 8443 8444 8080 8081 8082)
set -u

LAB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$LAB")
RUN=${LAB_RUN:-$LAB/run}
MODULE=${IMS_UT_MODULE:-build/nginx/objs/ngx_http_ims_ut_module.so}
case $MODULE in /*) ;; *) MODULE=$ROOT/$MODULE ;; esac
NGINX=${NGINX:-/usr/sbin/nginx}
KAMAILIO=${KAMAILIO:-/usr/sbin/kamailio}
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi

NAF_FQDN=xcap.ims.mnc001.mcc001.pub.3gppnetwork.org
BSF_DOMAIN=bsf.mnc001.mcc001.pub.3gppnetwork.org
NAF_PORT=${LAB_NAF_PORT:-8443}
API_PORT=${LAB_API_PORT:-8444}
UB_PORT=${LAB_UB_PORT:-8080}
ZN_PORT=${LAB_ZN_PORT:-8081}
XCAP_PORT=${LAB_XCAP_PORT:-8082}
PIDS=$RUN/pids

mode=foreground
case "${1:-}" in
    "") ;;
    --background|-b) mode=background ;;
    --stop) mode=stop ;;
    --status) mode=status ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac

say() { echo "lab: $*"; }
die() { echo "lab: error: $*" >&2; exit 1; }

# ---- process bookkeeping ---------------------------------------------------

# is PID alive and still the program we started (pid reuse)?
ours() {  # pid pattern
    [ -r "/proc/$1/cmdline" ] || return 1
    tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q -- "$2"
}

pattern_of() {
    case $1 in
        bsf) echo "bsf.py" ;;
        kamailio) echo "kamailio" ;;
        nginx) echo "nginx" ;;
    esac
}

stop_one() {  # name pid
    local name=$1 pid=$2
    ours "$pid" "$(pattern_of "$name")" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        ours "$pid" "$(pattern_of "$name")" || { say "stopped $name ($pid)"; return 0; }
        sleep 0.2
    done
    say "$name ($pid) ignores TERM, killing it"
    kill -KILL "$pid" 2>/dev/null
}

stop_all() {
    [ -f "$PIDS" ] || return 0
    local name pid
    # reverse start order: front first, BSF last
    tac "$PIDS" | while read -r name pid; do
        stop_one "$name" "$pid"
    done
    rm -f "$PIDS"
}

status() {
    [ -f "$PIDS" ] || { say "not running"; return 1; }
    local name pid rc=0
    while read -r name pid; do
        if ours "$pid" "$(pattern_of "$name")"; then
            say "$name running, pid $pid"
        else
            say "$name NOT running (pid $pid)"; rc=1
        fi
    done < "$PIDS"
    return $rc
}

if [ $mode = stop ]; then
    [ -f "$PIDS" ] || { say "nothing to stop"; exit 0; }
    stop_all
    exit 0
fi
if [ $mode = status ]; then
    status
    exit
fi

# ---- checks ----------------------------------------------------------------

if [ -f "$PIDS" ] && status >/dev/null 2>&1; then
    die "the lab is already running (lab/run.sh --stop first)"
fi
rm -f "$PIDS"

use_nginx=1
if [ "${LAB_NO_NGINX:-0}" = 1 ]; then
    use_nginx=0
    say "LAB_NO_NGINX=1: not starting nginx"
elif [ ! -f "$MODULE" ]; then
    use_nginx=0
    say "no module at $MODULE: not starting nginx (build it: make module)"
elif [ "$(grep -c ims_ut_auth "$MODULE" 2>/dev/null)" = 0 ]; then
    use_nginx=0
    say "module $MODULE has no ims_ut_auth directive yet: not starting nginx"
fi

command -v "$PYTHON" >/dev/null || die "no python3 ($PYTHON)"
"$PYTHON" -c 'import cryptography' 2>/dev/null \
    || die "$PYTHON lacks cryptography: apt-get install python3-cryptography"
[ -x "$KAMAILIO" ] || die "no $KAMAILIO: apt-get install kamailio kamailio-presence-modules kamailio-sqlite-modules"
for m in xcap_server xhttp db_sqlite; do
    [ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/$m.so ] \
        || ls /usr/lib/*/kamailio/modules/$m.so >/dev/null 2>&1 \
        || die "Kamailio module $m missing: apt-get install kamailio-presence-modules kamailio-sqlite-modules"
done
[ $use_nginx = 0 ] || [ -x "$NGINX" ] || die "no nginx binary at $NGINX"
command -v curl >/dev/null || die "curl is needed (apt-get install curl)"

ports="$UB_PORT:BSF-Ub $ZN_PORT:BSF-Zn $XCAP_PORT:Kamailio"
[ $use_nginx = 1 ] && ports="$ports $NAF_PORT:nginx-Ut $API_PORT:nginx-API"
busy=0
for pp in $ports; do
    p=${pp%%:*}
    if [ -n "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]; then
        owner=$(ss -ltnpH "sport = :$p" 2>/dev/null | grep -o 'users:.*' | head -1)
        echo "lab: error: port $p (${pp#*:}) is in use${owner:+ by $owner}" >&2
        echo "lab:        see: ss -ltnp 'sport = :$p'" >&2
        busy=1
    fi
done
[ $busy = 0 ] || exit 1

# ---- run directory -----------------------------------------------------------

mkdir -p "$RUN" "$RUN/tmp" "$RUN/kamailio" || die "cannot create $RUN"
"$LAB/mkcerts.sh" "$RUN/certs" "$NAF_FQDN" >/dev/null || die "certificates failed"
cp "$RUN/certs/ca.pem" "$RUN/ca.pem"
if [ ! -s "$RUN/secret" ]; then
    (umask 077; head -c 32 /dev/urandom > "$RUN/secret") || die "secret"
fi

# fresh XCAP database each start: the standard schema + the xcap table
rm -f "$RUN/xcap.db"
schema=/usr/share/kamailio/db_sqlite
{
    cat "$schema/standard-create.sql"
    awk '/^CREATE TABLE xcap /,/^INSERT INTO version .*xcap/' \
        "$schema/presence-create.sql"
} > "$RUN/xcap-schema.sql" || die "no $schema (kamailio-sqlite-modules?)"
if command -v sqlite3 >/dev/null; then
    sqlite3 "$RUN/xcap.db" < "$RUN/xcap-schema.sql" || die "sqlite3 failed"
else
    "$PYTHON" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()' \
        "$RUN/xcap.db" "$RUN/xcap-schema.sql" || die "creating $RUN/xcap.db failed"
fi

# ---- start -------------------------------------------------------------------

started() { echo "$1 $2" >> "$PIDS"; }

fail_start() {  # name log
    echo "lab: error: $1 did not come up; last lines of $2:" >&2
    tail -n 15 "$2" >&2
    stop_all
    exit 1
}

wait_http() {  # name pid log url [curl options]
    local name=$1 pid=$2 log=$3 url=$4 code
    shift 4
    for _ in $(seq 1 100); do
        # kill -0, not ours(): right after the fork /proc still shows bash
        kill -0 "$pid" 2>/dev/null || fail_start "$name" "$log"
        code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$@" "$url" 2>/dev/null)
        [ "$code" != 000 ] && [ -n "$code" ] && return 0
        sleep 0.1
    done
    fail_start "$name" "$log"
}

"$PYTHON" "$LAB/bsf.py" --subscribers "$LAB/subscribers.json" \
    --ub "127.0.0.1:$UB_PORT" --zn "127.0.0.1:$ZN_PORT" \
    --domain "$BSF_DOMAIN" >> "$RUN/bsf.log" 2>&1 < /dev/null &
started bsf $!
wait_http bsf $! "$RUN/bsf.log" "http://127.0.0.1:$ZN_PORT/counters"

"$KAMAILIO" -f "$LAB/kamailio/kamailio.cfg" -DD -E -Y "$RUN/kamailio" \
    -P "$RUN/kamailio/kamailio.pid" \
    -A "DBURL=\"sqlite:///$RUN/xcap.db\"" \
    -A "LISTEN=tcp:127.0.0.1:$XCAP_PORT" >> "$RUN/kamailio.log" 2>&1 < /dev/null &
started kamailio $!
wait_http kamailio $! "$RUN/kamailio.log" "http://127.0.0.1:$XCAP_PORT/xcap-root/"

if [ $use_nginx = 1 ]; then
    if grep -q ims_ut_auth_status "$MODULE"; then
        access="$RUN/nginx-access.log ims_ut"
    else
        access="$RUN/nginx-access.log"
    fi
    sed -e "s|@MODULE@|$MODULE|g" -e "s|@RUN@|$RUN|g" \
        -e "s|@NAF_FQDN@|$NAF_FQDN|g" -e "s|@NAF_PORT@|$NAF_PORT|g" \
        -e "s|@API_PORT@|$API_PORT|g" -e "s|@ZN_PORT@|$ZN_PORT|g" \
        -e "s|@XCAP_PORT@|$XCAP_PORT|g" -e "s|@ACCESS_LOG@|$access|g" \
        "$LAB/nginx.conf.in" > "$RUN/nginx.conf"
    mkdir -p "$RUN/tmp/body" "$RUN/tmp/proxy" "$RUN/tmp/fastcgi" \
        "$RUN/tmp/uwsgi" "$RUN/tmp/scgi"
    if ! "$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" \
            >> "$RUN/nginx.log" 2>&1; then
        echo "lab: error: nginx -t refused $RUN/nginx.conf:" >&2
        tail -n 10 "$RUN/nginx.log" >&2
        stop_all
        exit 1
    fi
    "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" \
        -g 'daemon off;' >> "$RUN/nginx.log" 2>&1 < /dev/null &
    started nginx $!
    wait_http nginx $! "$RUN/nginx-error.log" "https://127.0.0.1:$NAF_PORT/" -k
    wait_http nginx $! "$RUN/nginx-error.log" "http://127.0.0.1:$API_PORT/ims-ut/"
fi

# ---- report ------------------------------------------------------------------

cat <<EOF
lab: up (run directory $RUN)
  BSF Ub       http://127.0.0.1:$UB_PORT/           realm $BSF_DOMAIN
  BSF Zn       http://127.0.0.1:$ZN_PORT/nbsp-gba/v1/bootstrapping-info-retrieval
               counters: curl -s http://127.0.0.1:$ZN_PORT/counters
  Kamailio     http://127.0.0.1:$XCAP_PORT/xcap-root/   (needs X-3GPP-Asserted-Identity)
EOF
if [ $use_nginx = 1 ]; then
cat <<EOF
  nginx Ut     https://$NAF_FQDN:$NAF_PORT/xcap-root/  (listening on 127.0.0.1)
  nginx API    http://127.0.0.1:$API_PORT/ims-ut/
  logs         $RUN/{bsf,kamailio,nginx-error,nginx-access}.log

Try:
  $PYTHON lab/ue.py --user alice --ca $RUN/ca.pem \\
      --naf https://$NAF_FQDN:$NAF_PORT --connect 127.0.0.1 \\
      get /xcap-root/pres-rules/users/sip:alice@ims.mnc001.mcc001.3gppnetwork.org/index
EOF
else
cat <<EOF
  nginx        not started
  logs         $RUN/{bsf,kamailio}.log

Try:
  $PYTHON lab/ue.py --user alice --bsf http://127.0.0.1:$UB_PORT bootstrap
  curl -i -H 'X-3GPP-Asserted-Identity: "sip:alice@ims.mnc001.mcc001.3gppnetwork.org"' \\
      http://127.0.0.1:$XCAP_PORT/xcap-root/pres-rules/users/sip:alice@ims.mnc001.mcc001.3gppnetwork.org/index
EOF
fi

if [ $mode = background ]; then
    echo "stop with: lab/run.sh --stop"
    exit 0
fi

# ---- foreground: wait for Ctrl-C / TERM or a dying component ---------------

trap 'echo; say "stopping"; stop_all; exit 0' INT TERM HUP
echo "Ctrl-C stops the lab."
while :; do
    while read -r name pid; do
        if ! ours "$pid" "$(pattern_of "$name")"; then
            say "$name (pid $pid) exited; stopping the rest"
            stop_all
            exit 1
        fi
    done < "$PIDS"
    sleep 1 &
    wait $! 2>/dev/null
done
