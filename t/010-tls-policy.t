# TS 33.141 clause 7.2: the ClientHello policy, with real clients
# (openssl s_client, gnutls-cli) and hand-built ClientHellos for the offers
# no client here can make.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the five anonymous suites of clause 6.4 alone: alert 71 (rule 1)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 1 (only anonymous key exchange
client: 127.0.0.1



=== TEST 2: openssl s_client offering only ADH: alert 71
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'ADH-AES128-SHA:AECDH-AES128-SHA:@SECLEVEL=0'
--- tls_out_like
alert insufficient security
SSL alert number 71
--- error_log
ClientHello refused by rule 1



=== TEST 3: gnutls-cli offering only anonymous DH: alert 71
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- gnutls_cli
--insecure --priority 'NONE:+VERS-TLS1.2:+AES-128-CBC:+SHA1:+ANON-DH:+ANON-ECDH:+COMP-NULL:+GROUP-ALL:+SIGN-ALL'
--- tls_out_like
Received alert \[71\]
--- error_log
ClientHello refused by rule 1



=== TEST 4: anonymous mixed with a normal suite: handshake on the normal one
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'ADH-AES128-SHA:AES128-SHA:@SECLEVEL=0'
--- tls_out_like
Cipher is AES128-SHA
--- no_error_log
ClientHello refused



=== TEST 5: code points OpenSSL cannot negotiate are judged too (DH_anon RC4/DES/export)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x0017, 0x001a, 0x0046])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 1



=== TEST 6: only NULL-encryption suites while the server enables NULL: rule 3
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:NULL-SHA:NULL-SHA256:@SECLEVEL=0";
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'NULL-SHA:NULL-SHA256:@SECLEVEL=0'
--- tls_out_like
SSL alert number 71
--- error_log
ClientHello refused by rule 3 (no encryption offered



=== TEST 7: NULL plus AES: handshake (server preference picks AES)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:NULL-SHA:@SECLEVEL=0";
    ssl_prefer_server_ciphers on;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'NULL-SHA:AES128-SHA:@SECLEVEL=0'
--- tls_out_like
Cipher is AES128-SHA
--- no_error_log
ClientHello refused



=== TEST 8: TLS_NULL_WITH_NULL_NULL alone: rule 2
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x0000])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 2 (no integrity protection offered



=== TEST 9: rule 4: common set {NULL-SHA} below 128 bits: alert 71
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES256-SHA:NULL-SHA:@SECLEVEL=0";
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'NULL-SHA:AES128-SHA:@SECLEVEL=0'
--- tls_out_like
SSL alert number 71
--- error_log
ClientHello refused by rule 4



=== TEST 10: rule 4 off (ims_ut_tls_require_encryption off): NULL-SHA negotiated
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES256-SHA:NULL-SHA:@SECLEVEL=0";
    ims_ut_tls_policy on;
    ims_ut_tls_require_encryption off;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'NULL-SHA:AES128-SHA:@SECLEVEL=0'
--- tls_out_like
Cipher is NULL-SHA
--- no_error_log
ClientHello refused



=== TEST 11: ims_ut_tls_min_key_bits 256 refuses a common set of AES-128 only
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:AES256-SHA";
    ims_ut_tls_policy on;
    ims_ut_tls_min_key_bits 256;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'AES128-SHA'
--- tls_out_like
SSL alert number 71
--- error_log
ClientHello refused by rule 4



=== TEST 12: ims_ut_tls_min_key_bits 256 accepts AES-256
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:AES256-SHA";
    ims_ut_tls_policy on;
    ims_ut_tls_min_key_bits 256;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'AES256-SHA:AES128-SHA'
--- tls_out_like
Cipher is AES256-SHA
--- no_error_log
ClientHello refused



=== TEST 13: GREASE and SCSVs do not change a refusal
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x0a0a, 0x0018, 0x5600, 0x0034, 0x00ff, 0xfafa])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 1



=== TEST 14: GREASE and SCSVs do not change an acceptance
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x2a2a, 0x002f, 0x00ff])
--- tls_out_like
^server_hello suite 0x002f$
--- no_error_log
ClientHello refused



=== TEST 15: unassigned code points count for nothing: alone they give no integrity
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x0060, 0xfefe, 0x00ff])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 2



=== TEST 16: a TLS 1.3 client passes
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_3
--- tls_out_like
New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384
--- no_error_log
ClientHello refused



=== TEST 17: SSLv2-format ClientHello offering an anonymous suite: judged, alert 71
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::sslv2_hello(specs => [0x010080, 0x000018])
--- tls_out_like
^alert level 2 description 71$
--- error_log
(SSLv2 format)



=== TEST 18: SSLv2-format ClientHello with AES128-SHA: served (TLS 1.0 enabled)
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1 TLSv1.2;
    ssl_ciphers "AES128-SHA:@SECLEVEL=0";
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::sslv2_hello(specs => [0x010080, 0x00002f])
--- tls_out_like
^server_hello suite 0x002f$



=== TEST 19: truncated ClientHello: connection closed, logged, no crash
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
substr(ImsUtTest::client_hello(suites => [0x002f]), 0, 40)
--- tls_out_like
^closed without answer$
--- error_log
peer closed connection in SSL handshake
--- no_error_log
[alert]
[crit]



=== TEST 20: malformed ClientHello (odd cipher list length): decode error, no crash
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- tls_probe eval
ImsUtTest::client_hello(suites => [0x002f], mangle => sub {
    my $b = shift; substr($b, 35, 2) = pack('n', 3); $b })
--- tls_out_like
^alert level 2 description (50|47)$
--- error_log
SSL_do_handshake() failed
--- no_error_log
[alert]
[crit]



=== TEST 21: SNI virtual servers keep their own certificate under the policy
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -servername other.test
--- tls_out_like
subject=CN = other.test
Cipher is



=== TEST 22: gnutls-cli offering only 3DES (clause 6.2's mandatory suite): no shared cipher
Debian's OpenSSL cannot negotiate 3DES (see docs/conformance.md, 6.2): the
offer passes the policy (rules 1-3 hold, the common set is empty) and
OpenSSL answers handshake_failure.
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "HIGH:!aNULL:@SECLEVEL=0";
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- gnutls_cli
--insecure --priority 'NONE:+VERS-TLS1.2:+3DES-CBC:+SHA1:+RSA:+COMP-NULL:+SIGN-ALL'
--- tls_out_like
Received alert \[40\]
--- error_log
no shared cipher
--- no_error_log
ClientHello refused



=== TEST 23: policy off: the module does not judge
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_ciphers "AES128-SHA:NULL-SHA:@SECLEVEL=0";
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- s_client
-tls1_2 -cipher 'NULL-SHA:@SECLEVEL=0'
--- tls_out_like
Cipher is NULL-SHA
--- no_error_log
ClientHello refused
