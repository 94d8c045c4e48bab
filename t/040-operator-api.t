# The operator API ("ims_ut_api"): status counters as JSON, the same as
# Prometheus text, and re-authentication of an active UE at any time
# (TS 33.141 6.1.1), which must hold on a resumed TLS session too (6.1.3).
#
# Checks of this file on top of Test::Nginx (add_response_body_check):
#   --- json eval        per request (array) or for the only request: undef
#                        or { "dotted.path" => expected value, ... }; the
#                        body must parse as JSON, then each path is compared
#   --- prometheus eval  the same for metrics: the body must pass
#                        ImsUtTest::prometheus_lint, then each
#                        { 'series{labels}' => value } is compared
#
# The re-authentication flows use two nonces made for each block when it
# starts: "old", issued before the operator's mark the block then makes,
# and "new", dated 5 s later, i.e. after it (the module takes nonces up to
# 60 s ahead, for clock skew).  In more_headers, "@AUTH_OLD_n@" and
# "@AUTH_NEW_n@" are the UE's Authorization with that nonce and nc n; the
# tls_shell scripts get $TEST_NGINX_IMS_AUTH_OLD1, _OLD2 and _NEW.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;
use JSON::PP ();

our $Zn = zn_answer(ids => ['sip:alice@ims.test', 'tel:+15550100001']);
our $IMPI = '001010123456789@ims.test';
our $BTID = 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test';

# for the tls_shell scripts (expanded like $TEST_NGINX_CERT_DIR)
$ENV{TEST_NGINX_IMS_BTID} = $BTID;
$ENV{TEST_NGINX_IMS_PASSWORD} = ks_naf_b64();

our $HttpConfig = <<'_EOC_';
    ims_ut_zone ims:1m;
    ims_ut_secret $TEST_NGINX_CERT_DIR/secret;

    server {
        listen 127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
        location / {
            return 200 "asserted=$http_x_3gpp_asserted_identity uri=$request_uri\n";
        }
    }
_EOC_

our $Config = <<'_EOC_';
    location = /bsf { internal; return 200 '@ZN@'; }

    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }

    location /ims-ut/ { ims_ut_api; }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', $HttpConfig);
    }

    if (!defined $block->config) {
        $block->set_value('config', $Config);
    }

    my $config = $block->config;
    $config =~ s/\@ZN\@/$Zn/g;
    $block->set_value('config', $config);

    my %nonce = (OLD => nonce(), NEW => nonce(time => time + 5));

    my $auth = sub {
        my ($which, $nc) = @_;
        return authorization(nonce => $nonce{$which},
                             nc => sprintf('%08x', $nc));
    };

    $ENV{TEST_NGINX_IMS_AUTH_OLD1} = $auth->('OLD', 1);
    $ENV{TEST_NGINX_IMS_AUTH_OLD2} = $auth->('OLD', 2);
    $ENV{TEST_NGINX_IMS_AUTH_NEW} = $auth->('NEW', 1);

    my $mh = $block->more_headers;
    return unless defined $mh;

    my @h = map { my $v = $_ // '';
                  $v =~ s/\@AUTH_(OLD|NEW)_(\d+)\@/$auth->($1, $2)/ge;
                  $v } (ref $mh eq 'ARRAY' ? @$mh : ($mh));

    $block->set_value('more_headers', ref $mh eq 'ARRAY' ? \@h : $h[0]);
});

sub per_request {
    my ($v, $req_idx) = @_;

    return ref $v eq 'ARRAY' ? $v->[$req_idx] : ($req_idx ? undef : $v);
}

add_response_body_check(sub {
    my ($block, $body, $req_idx, $repeated_req_idx, $dry_run) = @_;

    my $name = $block->name . " (req $req_idx)";

    my $json = per_request(scalar $block->json, $req_idx);

    if ($json) {
        SKIP: {
            skip "$name - json - $dry_run", 1 + keys %$json if $dry_run;

            my $data = eval { JSON::PP->new->decode($body // '') };
            ok(ref $data eq 'HASH', "$name - body is a JSON object")
                or diag("$@\n" . ($body // '(no body)'));

            for my $path (sort keys %$json) {
                is(ImsUtTest::json_path($data, $path), $json->{$path},
                   "$name - json $path");
            }
        }
    }

    my $prom = per_request(scalar $block->prometheus, $req_idx);

    if ($prom) {
        SKIP: {
            skip "$name - prometheus - $dry_run", 1 + keys %$prom
                if $dry_run;

            my @err = ImsUtTest::prometheus_lint($body);
            ok(!@err, "$name - valid Prometheus text exposition")
                or diag(join("\n", @err) . "\n----\n" . ($body // ''));

            for my $series (sort keys %$prom) {
                is(ImsUtTest::prometheus_value($body, $series),
                   $prom->{$series}, "$name - metric $series");
            }
        }
    }
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: status: JSON that parses, every counter at 0, the zone described
--- request
GET /ims-ut/status
--- error_code: 200
--- response_headers
Content-Type: application/json
Cache-Control: no-store
--- json eval
{
    'version' => '0.1.0',
    'tls.client_hellos.passed' => 0,
    'tls.client_hellos.rejected.rule1_anonymous' => 0,
    'auth.challenges' => 0,
    'auth.successes' => 0,
    'auth.trusted' => 0,
    'auth.failures.reauth' => 0,
    'zn.requests' => 0,
    'keys.cached' => 0,
    'xcap.denied' => 0,
    'reauth.requests' => 0,
    'reauth.keys_dropped' => 0,
    'zone.name' => 'ims',
    'zone.marks' => 0,
    'zone.evictions.marks' => 0,
}



=== TEST 2: status with HEAD: headers only
--- request
HEAD /ims-ut/status
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body



=== TEST 3: metrics: strict Prometheus text, the zone's gauges labelled
--- request
GET /ims-ut/metrics
--- error_code: 200
--- response_headers
Content-Type: text/plain; version=0.0.4
Cache-Control: no-store
--- prometheus eval
{
    'ims_ut_auth_successes_total' => 0,
    'ims_ut_auth_failures_total{reason="reauth"}' => 0,
    'ims_ut_zn_requests_total' => 0,
    'ims_ut_reauth_requests_total' => 0,
    'ims_ut_keys_cached' => 0,
    'ims_ut_info{version="0.1.0"}' => 1,
    'ims_ut_zone_marks{zone="ims"}' => 0,
    'ims_ut_zone_evictions_total{zone="ims",kind="keys"}' => 0,
}



=== TEST 4: metrics and status follow what happened (challenge, success, Zn)
--- request eval
["GET /t", "GET /t", "GET /ims-ut/metrics", "GET /ims-ut/status"]
--- more_headers eval
["", ImsUtTest::authorization(), "", ""]
--- error_code eval
[401, 200, 200, 200]
--- prometheus eval
[undef, undef, {
    'ims_ut_auth_challenges_total' => 1,
    'ims_ut_auth_successes_total' => 1,
    'ims_ut_zn_requests_total' => 1,
    'ims_ut_zn_responses_total{result="ok"}' => 1,
    'ims_ut_keys_cached' => 1,
    'ims_ut_auth_failures_total{reason="password"}' => 0,
}, undef]
--- json eval
[undef, undef, undef, {
    'auth.challenges' => 1,
    'auth.successes' => 1,
    'zn.requests' => 1,
    'zn.ok' => 1,
    'keys.cached' => 1,
    'zone.nonces' => 1,
}]



=== TEST 5: unknown resources: 404 with a JSON error
--- request eval
["GET /ims-ut/nope", "GET /ims-ut/", "GET /ims-ut/status/x"]
--- error_code eval
[404, 404, 404]
--- json eval
[{ 'error' => 'unknown resource, expected status, metrics or reauth' },
 { 'error' => 'unknown resource, expected status, metrics or reauth' },
 { 'error' => 'unknown resource, expected status, metrics or reauth' }]



=== TEST 6: wrong method: 405 with Allow (status, metrics)
--- request eval
["POST /ims-ut/status\nx", "DELETE /ims-ut/metrics"]
--- error_code eval
[405, 405]
--- response_headers eval
["Allow: GET, HEAD\nContent-Type: application/json",
 "Allow: GET, HEAD\nContent-Type: application/json"]
--- json eval
[{ 'error' => 'method not allowed' }, { 'error' => 'method not allowed' }]



=== TEST 7: wrong method: 405 with Allow (reauth takes POST only)
--- request eval
["GET /ims-ut/reauth?impi=$main::IMPI", "PUT /ims-ut/reauth?impi=$main::IMPI\nx"]
--- error_code eval
[405, 405]
--- response_headers eval
["Allow: POST", "Allow: POST"]
--- json eval
[{ 'error' => 'method not allowed' },
 { 'error' => 'method not allowed' }]



=== TEST 8: reauth with a missing, duplicate or bad parameter: 400, nothing recorded
--- request eval
["POST /ims-ut/reauth",
 "POST /ims-ut/reauth?impi=a\@ims.test&impi=b\@ims.test",
 "POST /ims-ut/reauth?impi=a\@ims.test&btid=x\@bsf.test",
 "POST /ims-ut/reauth?user=a\@ims.test",
 "POST /ims-ut/reauth?impi=a%zz\@ims.test",
 "POST /ims-ut/reauth?impi=a%4",
 "POST /ims-ut/reauth?impi=",
 "POST /ims-ut/reauth?impi",
 "POST /ims-ut/reauth?impi=a%0a\@ims.test",
 "POST /ims-ut/reauth?impi=" . ('a' x 2000),
 "GET /ims-ut/status"]
--- error_code eval
[(400) x 10, 200]
--- json eval
[{ error => 'missing parameter, expected one of impi, impu, btid' },
 { error => 'exactly one of impi, impu, btid is expected' },
 { error => 'exactly one of impi, impu, btid is expected' },
 { error => 'unknown parameter, expected one of impi, impu, btid' },
 { error => 'invalid percent-encoding' },
 { error => 'invalid percent-encoding' },
 { error => 'empty value' },
 { error => 'empty value' },
 { error => 'control character in value' },
 { error => 'value too long' },
 { 'reauth.requests' => 0, 'zone.marks' => 0 }]



=== TEST 9: reauth of an IMPI nothing is known of: 404, but the mark is kept
--- request eval
["POST /ims-ut/reauth?impi=nobody\@ims.test", "GET /ims-ut/status"]
--- error_code eval
[404, 200]
--- json eval
[{ matched => JSON::PP::false },
 { 'reauth.requests' => 1, 'reauth.keys_dropped' => 0, 'zone.marks' => 1 }]



=== TEST 10: re-authentication: the old nonce stops working, a fresh digest passes, the key is fetched again
--- request eval
["GET /t", "POST /ims-ut/reauth?impi=$main::IMPI", "GET /t", "GET /t",
 "GET /t", "GET /ims-ut/status"]
--- more_headers eval
['@AUTH_OLD_1@',
 "",
 '@AUTH_OLD_2@',
 '@AUTH_NEW_1@',
 '@AUTH_NEW_2@',
 ""]
--- error_code eval
[200, 200, 401, 200, 200, 200]
--- raw_response_headers_like eval
[qr/Authentication-Info: rspauth=/,
 qr/Content-Type: application\/json/,
 qr/WWW-Authenticate: Digest realm="3GPP-bootstrapping\@localhost", nonce="[A-Za-z0-9_-]{44}", qop="auth,auth-int", algorithm=MD5\r\n/,
 qr/Authentication-Info: rspauth=/,
 qr/Authentication-Info: rspauth=/,
 qr/Cache-Control: no-store/]
--- json eval
[undef, { matched => JSON::PP::true, keys_dropped => 1 }, undef, undef,
 undef, {
    'zn.requests' => 2,
    'zn.ok' => 2,
    'auth.successes' => 3,
    'auth.failures.reauth' => 1,
    'auth.stale_challenges' => 0,
    'reauth.requests' => 1,
    'reauth.keys_dropped' => 1,
    'keys.cached' => 1,
    'zone.marks' => 1,
 }]



=== TEST 11: re-authentication by IMPU (percent-encoded, "+" kept) and by B-TID
--- request eval
["GET /t",
 "POST /ims-ut/reauth?impu=tel%3A%2B15550100001",
 "GET /t",
 "GET /t",
 "POST /ims-ut/reauth?btid=I1U8vpY3qJ0hiuZNrke%2FNQ%3D%3D%40bsf.test",
 "GET /t",
 "POST /ims-ut/reauth?impu=tel:+15550100001",
 "GET /ims-ut/status"]
--- more_headers eval
['@AUTH_OLD_1@',
 "",
 '@AUTH_OLD_2@',
 '@AUTH_NEW_1@',
 "",
 '@AUTH_NEW_2@',
 "", ""]
--- error_code eval
[200, 200, 401, 200, 200, 200, 200, 200]
--- json eval
[undef, { matched => JSON::PP::true, keys_dropped => 1 }, undef, undef,
 { matched => JSON::PP::true, keys_dropped => 1 }, undef,
 { matched => JSON::PP::true, keys_dropped => 1 },
 { 'reauth.requests' => 3, 'reauth.keys_dropped' => 3,
   'auth.failures.reauth' => 1, 'zn.requests' => 3, 'zone.marks' => 2 }]



=== TEST 12: a mark for an IMPI whose key is not cached here still refuses older nonces
--- request eval
["POST /ims-ut/reauth?impi=$main::IMPI", "GET /t", "GET /t", "GET /ims-ut/status"]
--- more_headers eval
["", '@AUTH_OLD_1@',
 '@AUTH_NEW_1@', ""]
--- error_code eval
[404, 401, 200, 200]
--- json eval
[{ matched => JSON::PP::false }, undef, undef,
 { 'auth.failures.reauth' => 1, 'zn.requests' => 1, 'auth.successes' => 1 }]



=== TEST 13: without ims_ut_zone: reauth 409, status says "zone": null
--- http_config
--- config
    location /ims-ut/ { ims_ut_api; }
--- request eval
["POST /ims-ut/reauth?impi=$main::IMPI", "GET /ims-ut/status"]
--- error_code eval
[409, 200]
--- json eval
[{ error => 're-authentication needs ims_ut_zone in the http block' },
 { zone => undef, 'reauth.requests' => 0 }]



=== TEST 14: re-authentication holds on a resumed TLS 1.2 session (clause 6.1.3)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_session_cache shared:SSL:1m;
    ssl_session_tickets off;

    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
    location /ims-ut/ { ims_ut_api; }
--- request eval
["GET /ims-ut/status", "GET /ims-ut/status"]
--- tls_shell
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
S="timeout 10 openssl s_client -tls1_2 -ign_eof -connect 127.0.0.1:$TEST_NGINX_IMS_TLS_PORT -servername localhost"
req() {
    printf 'GET /t HTTP/1.1\r\nHost: localhost\r\n%s\r\nConnection: close\r\n\r\n' "$1"
}
show() {
    grep -aE '^(New|Reused), |^HTTP/1\.1 |^asserted=' | sed "s/^/$1: /"
}
req '$TEST_NGINX_IMS_AUTH_OLD1' | $S -sess_out $D/sess 2>&1 | show s1
curl -sS -X POST "http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ims-ut/reauth?impi=001010123456789@ims.test" | sed 's/^/s2: /'
req '$TEST_NGINX_IMS_AUTH_OLD2' | $S -sess_in $D/sess 2>&1 | show s3
req '$TEST_NGINX_IMS_AUTH_NEW' | $S -sess_in $D/sess 2>&1 | show s4
--- tls_out_like
^s1: New, TLSv1.2, Cipher is
^s1: HTTP/1.1 200 OK
^s1: asserted="sip:alice@ims.test" uri=/t
^s2: \{"matched": true, "keys_dropped": 1\}$
^s3: Reused, TLSv1.2, Cipher is
^s3: HTTP/1.1 401 Unauthorized
^s4: Reused, TLSv1.2, Cipher is
^s4: HTTP/1.1 200 OK
--- tls_out_unlike
^s3: asserted=
--- json eval
[undef, { 'auth.failures.reauth' => 1, 'zn.requests' => 2,
          'auth.successes' => 2, 'reauth.keys_dropped' => 1 }]



=== TEST 15: re-authentication holds on a resumed TLS 1.3 session (ticket); curl then re-authenticates
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.3;

    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
    location /ims-ut/ { ims_ut_api; }
--- request eval
["GET /ims-ut/status", "GET /ims-ut/status"]
--- tls_shell
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
S="timeout 10 openssl s_client -tls1_3 -ign_eof -connect 127.0.0.1:$TEST_NGINX_IMS_TLS_PORT -servername localhost"
req() {
    printf 'GET /t HTTP/1.1\r\nHost: localhost\r\n%s\r\nConnection: close\r\n\r\n' "$1"
}
show() {
    grep -aE '^(New|Reused), |^HTTP/1\.1 |^asserted=' | sed "s/^/$1: /"
}
req '$TEST_NGINX_IMS_AUTH_OLD1' | $S -sess_out $D/sess 2>&1 | show s1
curl -sS -X POST "http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ims-ut/reauth?impi=001010123456789@ims.test" | sed 's/^/s2: /'
req '$TEST_NGINX_IMS_AUTH_OLD2' | $S -sess_in $D/sess 2>&1 | show s3
curl -sS --cacert $TEST_NGINX_CERT_DIR/ca.crt \
     --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 \
     --digest -u '$TEST_NGINX_IMS_BTID:$TEST_NGINX_IMS_PASSWORD' \
     -w 'status=%{http_code}\n' \
     https://localhost:$TEST_NGINX_IMS_TLS_PORT/t | sed 's/^/s4: /'
--- tls_out_like
^s1: New, TLSv1.3, Cipher is
^s1: HTTP/1.1 200 OK
^s2: \{"matched": true, "keys_dropped": 1\}$
^s3: Reused, TLSv1.3, Cipher is
^s3: HTTP/1.1 401 Unauthorized
^s4: asserted="sip:alice@ims.test" uri=/t$
^s4: status=200$
--- tls_out_unlike
^s3: asserted=
--- json eval
[undef, { 'auth.failures.reauth' => 1, 'zn.requests' => 2,
          'auth.successes' => 2, 'reauth.keys_dropped' => 1 }]



=== TEST 16: a UE challenged in the same second as the operator's mark can re-authenticate
Nonces have a resolution of one second and those issued at or before a
mark are refused: a challenge in the second of the mark must date its
nonce after it, or the UE's right answer is refused once more.
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
    location /ims-ut/ { ims_ut_api; }
--- request
GET /ims-ut/status
--- tls_shell
# start early in a second so the mark and the challenge share it
perl -MTime::HiRes=time,sleep -e '$f = time - int(time); sleep(1.02 - $f) if $f > 0.2'
curl -sS -X POST "http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ims-ut/reauth?impi=001010123456789@ims.test" >/dev/null
curl -sS --resolve localhost:$TEST_NGINX_SERVER_PORT:127.0.0.1 \
     --digest -u '$TEST_NGINX_IMS_BTID:$TEST_NGINX_IMS_PASSWORD' \
     -o /dev/null -w 'status=%{http_code}\n' \
     http://localhost:$TEST_NGINX_SERVER_PORT/t
--- tls_out_like
^status=200$
