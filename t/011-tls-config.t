# TS 33.141 clauses 6, 6.4, 7.1 and 5.1.2: what the server side must never
# be configured to do is refused at start-up; resumption keeps working.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: SSLv3 in ssl_protocols is refused (clause 6)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols SSLv3 TLSv1.2;
    ims_ut_tls_policy on;
--- request
GET /t
--- must_die
--- error_log
"ssl_protocols" enables SSLv3, which TS 33.141 clause 6 forbids with "ims_ut_tls_policy on"



=== TEST 2: anonymous suites enabled are refused (clause 6.4)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:ADH-AES128-SHA:@SECLEVEL=0";
    ims_ut_tls_policy on;
--- request
GET /t
--- must_die
--- error_log
"ssl_ciphers" enables TLS_DH_anon_WITH_AES_128_CBC_SHA (0x0034): anonymous key exchange (TS 33.141 6.4)



=== TEST 3: anonymous ECDH inherited from the http level is refused too
--- http_config
    ssl_ciphers "ECDHE-RSA-AES128-GCM-SHA256:AECDH-AES128-SHA:@SECLEVEL=0";
    ims_ut_tls_policy on;
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
--- request
GET /t
--- must_die
--- error_log
TLS_ECDH_anon_WITH_AES_128_CBC_SHA (0xc018): anonymous key exchange



=== TEST 4: a session lifetime over 24 hours is refused (clause 7.1)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_session_timeout 25h;
    ims_ut_tls_policy on;
--- request
GET /t
--- must_die
--- error_log
"ssl_session_timeout" is 90000 s; TS 33.141 clause 7.1 limits a session to 24 hours



=== TEST 5: TLSv1 and TLSv1.1 only warn (allowed by clause 6, RFC 8996)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- error_log
"ssl_protocols" enables TLSv1 or TLSv1.1: TS 33.141 clause 6 allows them, RFC 8996 deprecates them



=== TEST 6: a compliant configuration starts, 24 h exactly is allowed
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:NULL-SHA:@SECLEVEL=0";
    ssl_session_timeout 24h;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- no_error_log
[emerg]
[warn]



=== TEST 7: the same anonymous suites without the policy are nginx's business
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:ADH-AES128-SHA:@SECLEVEL=0";
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- no_error_log
[emerg]



=== TEST 8: an inherited policy skips servers without TLS silently
--- http_config
    ims_ut_tls_policy on;
    ssl_session_timeout 48h;
--- config
    location = /t { return 200 "plain\n"; }
--- request
GET /t
--- response_body
plain
--- no_error_log
[emerg]



=== TEST 9: ims_ut_tls_min_key_bits above 256 is refused
--- config
    ims_ut_tls_min_key_bits 512;
--- request
GET /t
--- must_die
--- error_log
must be at most 256



=== TEST 10: resumption with a session ID (cache): Reused (clause 5.1.2, 7.1)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2;
    ssl_session_cache shared:SSL:1m;
    ssl_session_tickets off;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_shell
f=$(mktemp); c="openssl s_client -connect 127.0.0.1:$TEST_NGINX_IMS_TLS_PORT -tls1_2"
echo Q | $c -sess_out $f >/dev/null 2>&1
echo Q | $c -sess_in $f 2>&1; rm -f $f
--- tls_out_like
^Reused, TLSv1.2
--- no_error_log
ClientHello refused



=== TEST 11: resumption with a session ticket (TLS 1.3): Reused
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.3;
    ssl_session_tickets on;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_shell
f=$(mktemp); c="openssl s_client -connect 127.0.0.1:$TEST_NGINX_IMS_TLS_PORT -tls1_3"
(sleep 0.3; echo Q) | $c -sess_out $f >/dev/null 2>&1
echo Q | $c -sess_in $f 2>&1; rm -f $f
--- tls_out_like
^Reused, TLSv1.3
