# Operator policies that skip GBA for a UE authenticated by other means
# (TS 33.141 6.1.1): "ims_ut_trusted_identity VALUE", a complex value; when
# it is non-empty the UE counts as authenticated with that identity, when
# it is empty GBA Digest applies as usual (without "ims_ut_auth gba" the
# request is refused).
#
# (a) TLS client certificates: the identity comes from the verified
#     certificate's subject (real client: curl), through
#         map "$ssl_client_verify:$ssl_client_s_dn" $ue_identity { ... }
#     ($ssl_client_verify in the key: with "ssl_verify_client optional"
#     nginx already refuses a certificate that fails verification, but the
#     recipe stays right with optional_no_ca too).
# (b) an identity header set by a trusted front end, honoured only from the
#     front's addresses (geo), ignored from anyone else.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

our $Zn = zn_answer(ids => ['sip:alice@ims.test', 'tel:+15550100001']);

# for the tls_shell scripts (expanded like $TEST_NGINX_CERT_DIR)
$ENV{TEST_NGINX_IMS_BTID} = 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test';
$ENV{TEST_NGINX_IMS_PASSWORD} = ks_naf_b64();

our $HttpConfig = <<'_EOC_';
    ims_ut_zone ims:1m;
    ims_ut_secret $TEST_NGINX_CERT_DIR/secret;

    # the subscriber's SIP URI from a verified client certificate whose
    # subject is exactly one CN (RFC 2253 form, as nginx gives it)
    map "$ssl_client_verify:$ssl_client_s_dn" $ue_identity {
        "~^SUCCESS:CN=(?<cn>sip:[^,+/]+)$"  $cn;
        default                             "";
    }

    # the XCAP server: who it was told the user is, and what it was asked
    server {
        listen 127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
        location / {
            return 200 "asserted=$http_x_3gpp_asserted_identity uri=$request_uri authorization=$http_authorization\n";
        }
    }
_EOC_

# the TLS front: GBA for everyone, skipped for a certificate holder
our $TlsConfig = <<'_EOC_';
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_verify_client optional;
    ssl_client_certificate $TEST_NGINX_CERT_DIR/ca.crt;

    location = /bsf { internal; return 200 '@ZN@'; }

    location /xcap-root/ {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_xcap_root /xcap-root;
        ims_ut_trusted_identity $ue_identity;
        add_header X-Status $ims_ut_auth_status always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }

    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_trusted_identity $ue_identity;
        add_header X-Status $ims_ut_auth_status always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }

    location = /dn {
        return 200 "dn=$ssl_client_s_dn verify=$ssl_client_verify id=$ue_identity\n";
    }

    location = /api/status { ims_ut_api; }
_EOC_

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        my $extra = $block->http_extra // '';
        $block->set_value('http_config', $HttpConfig . $extra);
    }

    if (!defined $block->config) {
        $block->set_value('config', $TlsConfig);
    }

    my $config = $block->config;
    $config =~ s/\@ZN\@/$Zn/g;
    $block->set_value('config', $config);
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: what nginx 1.22 makes of the client certificate (the map's input)
--- request
GET /api/status
--- tls_shell
curl -sS --cacert $TEST_NGINX_CERT_DIR/ca.crt \
     --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 \
     --cert $TEST_NGINX_CERT_DIR/alice.crt --key $TEST_NGINX_CERT_DIR/alice.key \
     https://localhost:$TEST_NGINX_IMS_TLS_PORT/dn
--- tls_out_like
^dn=CN=sip:alice@ims.test verify=SUCCESS id=sip:alice@ims.test$



=== TEST 2: client certificate: 200 without any digest, the certificate's identity asserted
--- request eval
["GET /api/status", "GET /api/status"]
--- tls_shell
curl -sS -i --cacert $TEST_NGINX_CERT_DIR/ca.crt \
     --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 \
     --cert $TEST_NGINX_CERT_DIR/alice.crt --key $TEST_NGINX_CERT_DIR/alice.key \
     -H 'X-3GPP-Asserted-Identity: "sip:mallory@ims.test"' \
     https://localhost:$TEST_NGINX_IMS_TLS_PORT/t
--- tls_out_like
^HTTP/1.1 200 OK\r$
^X-Status: trusted\r$
^asserted="sip:alice@ims.test" uri=/t authorization=$
--- tls_out_unlike
WWW-Authenticate
mallory
--- response_body_like eval
[qr/"trusted": 0,/, qr/"challenges": 0, "stale_challenges": 0, "successes": 0, "trusted": 1,.*"zn": \{"requests": 0,/]



=== TEST 3: client certificate: own XCAP document 200, bob's 403, global read 200
--- request eval
["GET /api/status", "GET /api/status"]
--- tls_shell
C="curl -sS --cacert $TEST_NGINX_CERT_DIR/ca.crt --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 --cert $TEST_NGINX_CERT_DIR/alice.crt --key $TEST_NGINX_CERT_DIR/alice.key"
U=https://localhost:$TEST_NGINX_IMS_TLS_PORT/xcap-root
$C -w 'own=%{http_code}\n' $U/pres-rules/users/sip:alice@ims.test/index
$C -o /dev/null -w 'bob=%{http_code}\n' $U/pres-rules/users/sip:bob@ims.test/index
$C -o /dev/null -w 'tel=%{http_code}\n' $U/resource-lists/users/tel:+15550100001/index
$C -o /dev/null -w 'global=%{http_code}\n' $U/xcap-caps/global/index
$C -o /dev/null -w 'global-put=%{http_code}\n' -X PUT --data '<x/>' $U/xcap-caps/global/index
--- tls_out_like
^asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip:alice@ims.test/index authorization=$
^own=200$
^bob=403$
^tel=403$
^global=200$
^global-put=403$
--- response_body_like eval
[qr/"trusted": 0,/, qr/"xcap": \{"allowed": 2, "denied": 3, "not_found": 0\}/]



=== TEST 4: no client certificate: the GBA challenge (realm from the SNI)
--- request
GET /api/status
--- tls_shell
curl -sS -i --cacert $TEST_NGINX_CERT_DIR/ca.crt \
     --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 \
     https://localhost:$TEST_NGINX_IMS_TLS_PORT/xcap-root/pres-rules/users/sip:alice@ims.test/index
--- tls_out_like
^HTTP/1.1 401 Unauthorized\r$
^WWW-Authenticate: Digest realm="3GPP-bootstrapping@localhost", nonce="[A-Za-z0-9_-]{44}", qop="auth,auth-int", algorithm=MD5\r$
^X-Status: challenge\r$
--- tls_out_unlike
asserted=



=== TEST 5: no client certificate, GBA Digest by curl: 200 with the BSF's identity
--- request eval
["GET /api/status", "GET /api/status"]
--- tls_shell
curl -sS --cacert $TEST_NGINX_CERT_DIR/ca.crt \
     --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 \
     --digest -u '$TEST_NGINX_IMS_BTID:$TEST_NGINX_IMS_PASSWORD' \
     -w 'status=%{http_code}\n' \
     https://localhost:$TEST_NGINX_IMS_TLS_PORT/xcap-root/resource-lists/users/tel:+15550100001/index
--- tls_out_like
^asserted="tel:\+15550100001" uri=/xcap-root/resource-lists/users/tel:\+15550100001/index authorization=$
^status=200$
--- response_body_like eval
[qr/"trusted": 0,/, qr/"successes": 1, "trusted": 0,.*"zn": \{"requests": 1,/]



=== TEST 6: a certificate from the CA without a sip: subject: GBA applies (401)
--- request
GET /api/status
--- tls_shell
set -e
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout m.key -subj "/CN=mallory.example" -out m.csr 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > m.ext
openssl x509 -req -in m.csr -CA $TEST_NGINX_CERT_DIR/ca.crt \
    -CAkey $TEST_NGINX_CERT_DIR/ca.key -CAcreateserial -CAserial m.srl \
    -days 1 -extfile m.ext -out m.crt 2>/dev/null
C="curl -sS --cacert $TEST_NGINX_CERT_DIR/ca.crt --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 --cert m.crt --key m.key"
$C https://localhost:$TEST_NGINX_IMS_TLS_PORT/dn
$C -o /dev/null -w 'status=%{http_code}\n' https://localhost:$TEST_NGINX_IMS_TLS_PORT/t
--- tls_out_like
^dn=CN=mallory.example verify=SUCCESS id=$
^status=401$



=== TEST 7: a self-signed certificate naming alice: refused by nginx (400), never trusted
--- request
GET /api/status
--- tls_shell
set -e
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cd "$D"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout f.key -subj "/CN=sip:alice@ims.test" -days 1 \
    -addext extendedKeyUsage=clientAuth -out f.crt 2>/dev/null
curl -sS --cacert $TEST_NGINX_CERT_DIR/ca.crt \
     --resolve localhost:$TEST_NGINX_IMS_TLS_PORT:127.0.0.1 \
     --cert f.crt --key f.key -w 'status=%{http_code}\n' \
     https://localhost:$TEST_NGINX_IMS_TLS_PORT/t
--- tls_out_like
^status=400$
--- tls_out_unlike
asserted=
--- error_log
client SSL certificate verify error



=== TEST 8: trusted front (geo includes 127.0.0.1): its identity header is honoured
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_trusted_identity $front_identity;
        add_header X-Status $ims_ut_auth_status always;
        add_header X-Identity $ims_ut_identity always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- more_headers
X-Front-Identity: sip:carol@ims.test
X-3GPP-Asserted-Identity: "sip:mallory@ims.test"
--- error_code: 200
--- response_body
asserted="sip:carol@ims.test" uri=/t authorization=
--- response_headers
X-Status: trusted
X-Identity: sip:carol@ims.test



=== TEST 9: the same header from outside the trusted front (geo without 127.0.0.1): ignored, 401
--- http_extra
    geo $trusted_front {
        default     0;
        10.0.0.0/8  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_trusted_identity $front_identity;
        add_header X-Status $ims_ut_auth_status always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- more_headers
X-Front-Identity: sip:carol@ims.test
--- error_code: 401
--- response_headers
X-Status: challenge
--- response_headers_like
WWW-Authenticate: Digest realm="3GPP-bootstrapping@localhost", nonce="[A-Za-z0-9_-]{44}", qop="auth,auth-int", algorithm=MD5



=== TEST 10: empty trusted value (no header from the front): GBA, 401 then 200 with a digest
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_trusted_identity $front_identity;
        add_header X-Status $ims_ut_auth_status always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
    location = /api/status { ims_ut_api; }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /api/status"]
--- more_headers eval
["", "X-Front-Identity: ", ImsUtTest::authorization(), ""]
--- error_code eval
[401, 401, 200, 200]
--- response_body_like eval
[qr/401/, qr/401/,
 qr/^asserted="sip:alice\@ims.test" uri=\/t authorization=$/,
 qr/"successes": 1, "trusted": 0,/]



=== TEST 11: trusted identity and X-3GPP-Intended-Identity of someone else: 403
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_trusted_identity $front_identity;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- more_headers
X-Front-Identity: sip:carol@ims.test
X-3GPP-Intended-Identity: "sip:alice@ims.test"
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: intended identity "sip:alice\@ims.test" is not the trusted identity "sip:carol\@ims.test"/



=== TEST 12: trusted identity, X-3GPP-Intended-Identity naming it: 200; the UE's Authorization is not passed on
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_trusted_identity $front_identity;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- more_headers
X-Front-Identity: sip:carol@ims.test
X-3GPP-Intended-Identity: "sip:carol@IMS.TEST"
Authorization: Basic Y2Fyb2w6c2VjcmV0
--- error_code: 200
--- response_body
asserted="sip:carol@ims.test" uri=/t authorization=



=== TEST 13: trusted identity from the front and XCAP: own tree 200, alice's 403
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location /xcap-root/ {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_xcap_root /xcap-root;
        ims_ut_trusted_identity $front_identity;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request eval
["GET /xcap-root/pres-rules/users/sip:carol\@ims.test/index",
 "GET /xcap-root/pres-rules/users/sip:alice\@ims.test/index"]
--- more_headers eval
["X-Front-Identity: sip:carol\@ims.test",
 "X-Front-Identity: sip:carol\@ims.test"]
--- error_code eval
[200, 403]
--- response_body_like eval
[qr/^asserted="sip:carol\@ims.test" uri=\/xcap-root\/pres-rules\/users\/sip:carol\@ims.test\/index authorization=$/,
 qr/403 Forbidden/]



=== TEST 14: an identity with a quote is passed on as a well-formed quoted-string
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_trusted_identity $front_identity;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- more_headers
X-Front-Identity: sip:a"b\c@ims.test
--- error_code: 200
--- response_body
asserted="sip:a\"b\\c@ims.test" uri=/t authorization=



=== TEST 15: trusted identity without GBA: the front's identity is enough
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /t {
        ims_ut_trusted_identity $front_identity;
        add_header X-Status $ims_ut_auth_status always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
    location = /api/status { ims_ut_api; }
--- request eval
["GET /t", "GET /api/status"]
--- more_headers eval
["X-Front-Identity: sip:carol\@ims.test", ""]
--- error_code eval
[200, 200]
--- response_headers eval
["X-Status: trusted", ""]
--- response_body_like eval
[qr/^asserted="sip:carol\@ims.test" uri=\/t authorization=$/,
 qr/"trusted": 1,/]



=== TEST 16: trusted identity without GBA, no identity: refused, never passed on
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /t {
        ims_ut_trusted_identity $front_identity;
        add_header X-Status $ims_ut_auth_status always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- error_code_like: ^4\d\d$
--- response_headers
X-Status: forbidden
--- response_body_unlike: asserted=



=== TEST 17: trusted identity without GBA or XCAP root, no identity: 403, logged, no XCAP judgement
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location = /t {
        ims_ut_trusted_identity $front_identity;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /t
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: no trusted identity and no "ims_ut_auth gba" here/
--- no_error_log
not an XCAP URI



=== TEST 18: trusted identity and an XCAP root, no GBA, no identity: outside the root not judged, nothing asserted
Requests outside the XCAP root are not judged, but a client's own
X-3GPP-Asserted-Identity never reaches the backend.
--- http_extra
    geo $trusted_front {
        default    0;
        127.0.0.1  1;
    }
    map $trusted_front $front_identity {
        1        $http_x_front_identity;
        default  "";
    }
--- config
    location /ut/ {
        ims_ut_xcap_root /ut/xcap-root;
        ims_ut_trusted_identity $front_identity;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /ut/other/x
--- more_headers
X-3GPP-Asserted-Identity: "sip:bob@ims.test"
--- error_code: 200
--- response_body_unlike: sip:bob
