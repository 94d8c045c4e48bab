# GBA Digest end to end with curl (a client nobody here wrote) over TLS:
# the real challenge/response, realm from the SNI, NAF_Id with the
# negotiated suite, and the Host/SNI interleaving check.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

our $Zn = zn_answer();
our $User = 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test:' . ks_naf_b64();

my $gba = gba_blocks(zn => $Zn, prefix => <<'_EOC_');
    listen $TEST_NGINX_IMS_TLS_PORT ssl;
    ssl_certificate $TEST_NGINX_CERT_DIR/xcap.crt;
    ssl_certificate_key $TEST_NGINX_CERT_DIR/xcap.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ims_ut_tls_policy on;
    location = /backend {
        return 200 "asserted=$http_x_3gpp_asserted_identity authorization=$http_authorization\n";
    }
    location = /api/status { ims_ut_api; }
_EOC_
add_block_preprocessor(sub { $gba->(@_) });

sub curl {
    my ($args) = @_;
    return "curl -sS -D - --cacert $ENV{TEST_NGINX_CERT_DIR}/ca.crt "
           . "--resolve xcap.test:$ENV{TEST_NGINX_IMS_TLS_PORT}:127.0.0.1 "
           . $args;
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: curl --digest over TLS 1.3: 401, then 200 with rspauth and the asserted identity
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api/status
--- tls_shell eval
main::curl("--tlsv1.3 --digest -u '$main::User' -v https://xcap.test:$ENV{TEST_NGINX_IMS_TLS_PORT}/t 2>&1")
--- tls_out_like
HTTP/1.1 401 Unauthorized
WWW-Authenticate: Digest realm="3GPP-bootstrapping@xcap.test", nonce="[^"]+", qop="auth,auth-int", algorithm=MD5
HTTP/1.1 200 OK
Authentication-Info: rspauth="[0-9a-f]{32}", qop=auth, cnonce="[^"]+", nc=00000001
^asserted="sip:alice@ims.test" authorization=$



=== TEST 2: curl --digest over TLS 1.2 with a GET of an XCAP document
--- http_config
    ims_ut_zone ims:1m;
    ims_ut_secret $TEST_NGINX_CERT_DIR/secret;
    server {
        listen 127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
        location / {
            return 200 "asserted=$http_x_3gpp_asserted_identity uri=$request_uri\n";
        }
    }
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location /xcap-root/ {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_xcap_root /xcap-root;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request
GET /api/status
--- tls_shell eval
main::curl("--tlsv1.2 --tls-max 1.2 --digest -u '$main::User' https://xcap.test:$ENV{TEST_NGINX_IMS_TLS_PORT}/xcap-root/pres-rules/users/sip:alice\@ims.test/index")
--- tls_out_like
HTTP/1.1 200 OK
^asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip:alice@ims.test/index$



=== TEST 3: curl with the wrong key: 401 twice, never 200
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api/status
--- tls_shell eval
main::curl("--digest -u 'I1U8vpY3qJ0hiuZNrke/NQ==\@bsf.test:d3Jvbmc=' https://xcap.test:$ENV{TEST_NGINX_IMS_TLS_PORT}/t")
--- tls_out_like
HTTP/1.1 401
--- tls_out_unlike
HTTP/1.1 200



=== TEST 4: a Host naming another server than the SNI: 421 (interleaving attack)
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /api/status
--- tls_shell eval
main::curl("-H 'Host: other.test' --digest -u '$main::User' https://xcap.test:$ENV{TEST_NGINX_IMS_TLS_PORT}/t")
--- tls_out_like
HTTP/1.1 421
--- tls_out_unlike
HTTP/1.1 200
--- error_log
Host "other.test" is not the TLS server name "xcap.test"
