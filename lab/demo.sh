#!/bin/bash
# Scripted UE session against the whole lab (what `make demo` runs).
#
# Starts the lab in the background unless it is already running, runs the
# steps below, prints one line per step, stops what it started, and exits 0
# only when every step did what it should.
#
#  1 alice bootstraps over Ub (Digest AKA, Milenage)
#  2 alice PUTs her pres-rules document through nginx (GBA Digest) to Kamailio
#  3 alice GETs it back: same bytes
#  4 bob stores his document; alice GETting it is refused with 403
#  5 a ClientHello offering only anonymous suites gets alert 71
#  6 a ClientHello offering only NULL-encryption suites gets alert 71
#  7 alice again on a new connection: nginx reuses the cached key (no Zn)
#  8 carol's key (lifetime 4 s) expires: her old B-TID gets 401, the UE
#    bootstraps again by itself and the request succeeds
set -u

LAB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$LAB")
RUN=${LAB_RUN:-$LAB/run}
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
NAF_FQDN=xcap.ims.mnc001.mcc001.pub.3gppnetwork.org
NAF_PORT=${LAB_NAF_PORT:-8443}
UB_PORT=${LAB_UB_PORT:-8080}
ZN_PORT=${LAB_ZN_PORT:-8081}
DOMAIN=ims.mnc001.mcc001.3gppnetwork.org
export LAB_RUN=$RUN

cd "$ROOT" || exit 1
T=$(mktemp -d /tmp/ims-ut-demo.XXXXXX) || exit 1
started=0
failed=0
n=0

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    if [ "$started" = 1 ]; then
        "$LAB/run.sh" --stop > "$T/stop.log" 2>&1 \
            || { echo "demo: stopping the lab failed:"; cat "$T/stop.log"; }
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok()   { n=$((n + 1)); printf 'demo: step %d ok    %s\n' $n "$*"; }
fail() {
    n=$((n + 1)); failed=1
    printf 'demo: step %d FAIL  %s\n' $n "$1"
    [ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/    | /' "$2" | tail -n 20
}

ue() {  # user args... (stdout+stderr to $T/out, status line to $T/status)
    local user=$1
    shift
    "$PYTHON" "$LAB/ue.py" --user "$user" --state "$T/$user.json" \
        --bsf "http://127.0.0.1:$UB_PORT" --ca "$RUN/ca.pem" \
        --naf "https://$NAF_FQDN:$NAF_PORT" --connect 127.0.0.1 \
        "$@" > "$T/out" 2>&1
    local rc=$?
    grep -m1 '^HTTP [0-9]' "$T/out" | awk '{print $2}' > "$T/status"
    return $rc
}
status() { cat "$T/status"; }
counter() {  # name
    curl -s -m 5 "http://127.0.0.1:$ZN_PORT/counters" \
        | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
btid_of() {  # user
    "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("btid",""))' "$T/$1.json" 2>/dev/null
}
doc_url() {  # user
    echo "/xcap-root/pres-rules/users/sip:$1@$DOMAIN/index"
}
write_rules() {  # user allowed-watcher file
    cat > "$3" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<cr:ruleset xmlns="urn:ietf:params:xml:ns:pres-rules"
    xmlns:cr="urn:ietf:params:xml:ns:common-policy">
  <cr:rule id="$1-allows-$2">
    <cr:conditions>
      <cr:identity><cr:one id="sip:$2@$DOMAIN"/></cr:identity>
    </cr:conditions>
    <cr:actions><sub-handling>allow</sub-handling></cr:actions>
    <cr:transformations>
      <provide-services><all-services/></provide-services>
      <provide-persons><all-persons/></provide-persons>
      <provide-all-attributes/>
    </cr:transformations>
  </cr:rule>
</cr:ruleset>
EOF
}

# ---- the lab ----------------------------------------------------------------

if "$LAB/run.sh" --status > /dev/null 2>&1; then
    echo "demo: using the lab that is already running ($RUN)"
else
    echo "demo: starting the lab"
    if ! "$LAB/run.sh" --background > "$T/start.log" 2>&1; then
        echo "demo: the lab did not start:"
        sed 's/^/    | /' "$T/start.log"
        exit 1
    fi
    started=1
fi
if ! curl -sk -m 5 -o /dev/null "https://127.0.0.1:$NAF_PORT/"; then
    echo "demo: nothing answers on https://127.0.0.1:$NAF_PORT: nginx with the"
    echo "demo: module is needed (make module; see lab/run.sh output)"
    [ -f "$T/start.log" ] && sed 's/^/    | /' "$T/start.log"
    exit 1
fi

# ---- 1 bootstrap -------------------------------------------------------------

before=$(counter ub_success)
if "$PYTHON" "$LAB/ue.py" --user alice --state "$T/alice.json" \
        --bsf "http://127.0.0.1:$UB_PORT" bootstrap > "$T/out" 2>&1 \
    && grep -Eq '^[A-Za-z0-9+/]{22}==@bsf\.' "$T/out" \
    && [ "$(counter ub_success)" = $((before + 1)) ]; then
    ok "alice bootstraps over Ub: B-TID $(btid_of alice)"
else
    fail "alice bootstrap over Ub" "$T/out"
fi

# ---- 2 PUT, 3 GET ------------------------------------------------------------

write_rules alice bob "$T/alice-rules.xml"
if ue alice put "$(doc_url alice)" "$T/alice-rules.xml" \
    && grep -q 'rspauth verified' "$T/out"; then
    ok "alice PUTs her pres-rules through nginx to Kamailio: $(status)"
else
    fail "alice PUT pres-rules (status $(status))" "$T/out"
fi

if ue alice get "$(doc_url alice)" -o "$T/alice-got.xml" \
    && cmp -s "$T/alice-rules.xml" "$T/alice-got.xml"; then
    ok "alice GETs it back, identical ($(wc -c < "$T/alice-got.xml") bytes)"
else
    [ -f "$T/alice-got.xml" ] && diff "$T/alice-rules.xml" "$T/alice-got.xml" >> "$T/out"
    fail "alice GET her document back (status $(status))" "$T/out"
fi

# ---- 4 bob's document is not alice's ----------------------------------------

write_rules bob alice "$T/bob-rules.xml"
if ! ue bob put "$(doc_url bob)" "$T/bob-rules.xml"; then
    fail "bob PUT his own document (status $(status))" "$T/out"
elif ue alice get "$(doc_url bob)"; [ "$(status)" = 403 ]; then
    ok "alice GETs bob's document: 403"
else
    fail "alice GET bob's document: expected 403, got $(status)" "$T/out"
fi

# ---- 5, 6 weak ClientHellos -------------------------------------------------

for offer in aNULL:anonymous eNULL:NULL-encryption; do
    c=${offer%%:*}
    timeout 10 openssl s_client -connect "127.0.0.1:$NAF_PORT" \
        -servername "$NAF_FQDN" -tls1_2 -cipher "$c:@SECLEVEL=0" \
        < /dev/null > "$T/out" 2>&1
    if grep -q 'alert number 71' "$T/out"; then
        ok "ClientHello with only ${offer#*:} suites: alert 71 (insufficient security)"
    else
        fail "ClientHello with only ${offer#*:} suites: no alert 71" "$T/out"
    fi
done

# ---- 7 key cached --------------------------------------------------------------

zn_before=$(counter zn_requests)
if ue alice get "$(doc_url alice)" \
    && [ "$(counter zn_requests)" = "$zn_before" ]; then
    ok "alice again on a new TLS connection: 200, no new Zn request (key cached)"
else
    echo "zn_requests before $zn_before, after $(counter zn_requests)" >> "$T/out"
    fail "alice again: expected 200 without a Zn request (status $(status))" "$T/out"
fi

# ---- 8 carol's key expires ---------------------------------------------------

write_rules carol alice "$T/carol-rules.xml"
if ue carol put "$(doc_url carol)" "$T/carol-rules.xml"; then
    old=$(btid_of carol)
    # carol's key_lifetime is 4 s: wait until the UE knows it has expired
    wait=$("$PYTHON" -c 'import json,sys,time; print(max(0, json.load(open(sys.argv[1]))["expires"] - time.time()) + 0.5)' "$T/carol.json")
    sleep "$wait"
    if ue carol --use-expired get "$(doc_url carol)" \
        && grep -q "B-TID $old refused" "$T/out" \
        && [ -n "$(btid_of carol)" ] && [ "$(btid_of carol)" != "$old" ]; then
        ok "carol's key expired: old B-TID got 401, UE bootstrapped again, then $(status)"
    else
        fail "carol after key expiry (status $(status))" "$T/out"
    fi
else
    fail "carol PUT before expiry (status $(status))" "$T/out"
fi

if [ $failed = 0 ]; then
    echo "demo: all $n steps passed"
    exit 0
fi
echo "demo: FAILED"
exit 1
