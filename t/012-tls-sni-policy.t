# TS 33.141 clause 7.2 with SNI virtual servers on one TLS port: whose
# ims_ut_tls_policy judges a ClientHello.
#
# nginx >= 1.29.2 selects the server by SNI inside the ClientHello callback;
# the module chains to it and then judges with the settings of the server
# SNI selected.  Older nginx selects the server later (servername callback),
# so the ClientHello is judged with the settings of the default server of
# the listen socket.  Blocks whose expectation depends on this come in
# pairs, one skipped on each side of 1.29.2.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

no_shuffle();
run_tests();

__DATA__

=== TEST 1: 1.29.2+: SNI other.test (policy on), only anon suites: alert 71
--- skip_nginx
4: < 1.29.2
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_probe eval
ImsUtTest::client_hello(sni => 'other.test',
                        suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 1



=== TEST 2: before 1.29.2: judged by the default server (policy off)
The default server has no policy, so nothing is judged; OpenSSL then finds
no shared cipher in other.test's list and answers handshake_failure.
--- skip_nginx
5: >= 1.29.2
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_probe eval
ImsUtTest::client_hello(sni => 'other.test',
                        suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 40$
--- error_log
no shared cipher
--- no_error_log
ClientHello refused



=== TEST 3: SNI of the default server (policy off): not judged, alert 40
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_probe eval
ImsUtTest::client_hello(sni => 'localhost',
                        suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 40$
--- error_log
no shared cipher
--- no_error_log
ClientHello refused



=== TEST 4: SNI still selects other.test's certificate and server
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_shell
p=$TEST_NGINX_IMS_TLS_PORT
echo Q | openssl s_client -connect 127.0.0.1:$p -servername other.test 2>&1
curl -sk --resolve other.test:$p:127.0.0.1 https://other.test:$p/x
curl -sk --resolve localhost:$p:127.0.0.1 https://localhost:$p/t
--- tls_out_like
^subject=CN = other\.test$
^New, TLSv1\.3, Cipher is
^other$
^ok$
--- no_error_log
ClientHello refused



=== TEST 5: 1.29.2+: policy on the default server only; other.test not judged
--- skip_nginx
4: < 1.29.2
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_probe eval
ImsUtTest::client_hello(sni => 'other.test',
                        suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 40$
--- no_error_log
ClientHello refused



=== TEST 6: before 1.29.2: the default server's policy judges SNI other.test too
--- skip_nginx
4: >= 1.29.2
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_probe eval
ImsUtTest::client_hello(sni => 'other.test',
                        suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 1



=== TEST 7: no SNI: the default server's policy, on every nginx
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_probe eval
ImsUtTest::client_hello(sni => undef,
                        suites => [0x0017, 0x0018, 0x0019, 0x001a, 0x001b])
--- tls_out_like
^alert level 2 description 71$
--- error_log
ClientHello refused by rule 1



=== TEST 8: 1.29.2+: rule 4 uses the SNI server's min_key_bits and suites
--- skip_nginx
4: < 1.29.2
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers "AES128-SHA:AES256-SHA";
        ims_ut_tls_policy on;
        ims_ut_tls_min_key_bits 256;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- s_client
-tls1_2 -servername other.test -cipher AES128-SHA
--- tls_out_like
SSL alert number 71
--- error_log
ClientHello refused by rule 4



=== TEST 9: before 1.29.2: a non-default server's policy is not applied at all
OpenSSL still negotiates from other.test's ssl_ciphers (SNI switches the
context before the cipher is chosen), but nothing judged the offer.
--- skip_nginx
5: >= 1.29.2
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers "AES128-SHA:AES256-SHA";
        ims_ut_tls_policy on;
        ims_ut_tls_min_key_bits 256;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- s_client
-tls1_2 -servername other.test -cipher AES128-SHA
--- tls_out_like
^subject=CN = other\.test$
Cipher is AES128-SHA
--- no_error_log
ClientHello refused



=== TEST 10: TLS 1.3 HelloRetryRequest: the callback runs twice, SNI holds
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ecdh_curve X25519;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ecdh_curve X25519;
    ims_ut_tls_policy on;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- s_client
-tls1_3 -groups P-256:X25519 -servername other.test -msg
--- tls_out_like
(?s)>>> .*ClientHello.*>>> .*ClientHello
^subject=CN = other\.test$
^New, TLSv1\.3, Cipher is
--- no_error_log
ClientHello refused
[alert]
[crit]



=== TEST 11: ssl_reject_handshake on the default server: unknown names rejected
--- http_config
    server {
        listen $TEST_NGINX_IMS_TLS_PORT ssl;
        server_name other.test;
        ssl_certificate $TEST_NGINX_CERT_DIR/other.crt;
        ssl_certificate_key $TEST_NGINX_CERT_DIR/other.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ims_ut_tls_policy on;
        location / { return 200 "other\n"; }
    }
--- config
    listen $TEST_NGINX_IMS_TLS_PORT ssl default_server;
    ssl_reject_handshake on;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- response_body
ok
--- tls_shell
p=$TEST_NGINX_IMS_TLS_PORT
echo Q | openssl s_client -connect 127.0.0.1:$p -servername unknown.test 2>&1
curl -sk --resolve other.test:$p:127.0.0.1 https://other.test:$p/x
--- tls_out_like
SSL alert number 112
^other$
--- no_error_log
ClientHello refused



=== TEST 12: before 1.29.2: a policy set only on a non-default server is reported at start-up
--- skip_nginx
2: >= 1.29.2
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
    location = /t { return 200 "ok\n"; }
--- request
GET /t
--- error_log
the "ims_ut_tls_*" settings of server "other.test" do not apply on 0.0.0.0:
