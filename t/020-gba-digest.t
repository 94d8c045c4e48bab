# GBA authentication on Ua (TS 33.141 5.1.1, 6.1.1; TS 33.222 5.3;
# TS 24.109 5.2 and 7): HTTP Digest with Ks_NAF from a BSF double (an nginx
# location answering Zn JSON). The credentials are computed by t/lib/ImsUtTest
# (auth-int, SHA-256, replays, stale nonces: what curl cannot do); curl
# --digest runs the real challenge/response in t/021-gba-curl.t.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

our $Zn = zn_answer();

# nonces shared by the requests of one block (computed before the blocks
# are read, so `--- more_headers eval` can use them)
our $N1 = nonce();
our $N2 = nonce();

my $gba = gba_blocks(zn => $Zn, suffix => <<'_EOC_');
    location = /backend {
        return 200 "asserted=$http_x_3gpp_asserted_identity authorization=$http_authorization intended=$http_x_3gpp_intended_identity\n";
    }
    location = /api/status { ims_ut_api; }
_EOC_
add_block_preprocessor(sub { $gba->(@_) });

no_shuffle();
run_tests();

__DATA__

=== TEST 1: no credentials: 401 with the GBA challenge
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Digest realm=.*"3GPP-bootstrapping@localhost", nonce="[A-Za-z0-9_-]{44}", qop="auth,auth-int", algorithm=MD5$



=== TEST 2: right digest (MD5, qop=auth): 200, backend gets the asserted identity and no Authorization
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        add_header X-BTID $ims_ut_btid;
        add_header X-IMPI $ims_ut_impi;
        add_header X-Status $ims_ut_auth_status;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization() . "\nX-3GPP-Asserted-Identity: \"sip:mallory\@evil\""
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" authorization= intended=
--- response_headers_like
Authentication-Info: rspauth="[0-9a-f]{32}", qop=auth, cnonce="Q2xpZW50Tm9uY2U", nc=00000001
X-BTID: I1U8vpY3qJ0hiuZNrke/NQ==\@bsf.test
X-IMPI: 001010123456789\@ims.test
X-Status: ok



=== TEST 3: wrong password: fresh 401 without stale
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(password => 'not-the-key')
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Digest realm=.*"3GPP-bootstrapping@localhost", nonce="[^"]+", qop="auth,auth-int", algorithm=MD5$
--- error_log
wrong digest response for B-TID



=== TEST 4: auth-int over a PUT body: 200, the body reaches the backend
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/echo;
    }
    location = /echo {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/sink;
        proxy_method GET;
    }
    location = /sink {
        return 200 "len=$http_content_length\n";
    }
--- request eval
"PUT /t\n<ruleset xmlns=\"urn:ietf:params:xml:ns:common-policy\"/>"
--- more_headers eval
ImsUtTest::authorization(method => 'PUT', qop => 'auth-int',
    body => '<ruleset xmlns="urn:ietf:params:xml:ns:common-policy"/>')
--- error_code: 200
--- response_body
len=55



=== TEST 5: auth-int with a body other than the one hashed: 401
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
"PUT /t\n<ruleset>tampered</ruleset>"
--- more_headers eval
ImsUtTest::authorization(method => 'PUT', qop => 'auth-int',
    body => '<ruleset>original</ruleset>')
--- error_code: 401
--- error_log
wrong digest response



=== TEST 6: SHA-256 offered as an additional challenge and accepted
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_algorithms MD5 SHA-256;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
["", ImsUtTest::authorization(algorithm => 'SHA-256')]
--- error_code eval
[401, 200]
--- raw_response_headers_like eval
[qr/WWW-Authenticate: Digest [^\r]*algorithm=MD5\r\nWWW-Authenticate: Digest [^\r]*algorithm=SHA-256\r\n/, qr/Authentication-Info: rspauth="[0-9a-f]{64}"/]



=== TEST 7: MD5-sess and SHA-256-sess
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_algorithms MD5 SHA-256;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /t", "GET /t"]
--- more_headers eval
[ImsUtTest::authorization(algorithm => 'MD5-sess'),
 ImsUtTest::authorization(algorithm => 'SHA-256-sess')]
--- error_code eval
[200, 200]



=== TEST 8: SHA-256 when only MD5 is configured: challenged again
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(algorithm => 'SHA-256')
--- error_code: 401
--- error_log
not offered



=== TEST 9: a replayed (nonce, nc) is refused; the next nc passes
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /t", "GET /t", "GET /t", "GET /api/status"]
--- more_headers eval
[ImsUtTest::authorization(nonce => $main::N1),
 ImsUtTest::authorization(nonce => $main::N1),
 ImsUtTest::authorization(nonce => $main::N1, nc => '00000002'), ""]
--- error_code eval
[200, 401, 200, 200]
--- response_body_like eval
[qr/asserted/, qr/401/, qr/asserted/, qr/"replay": 1,/]



=== TEST 10: expired nonce with an otherwise right digest: 401 stale=true
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_nonce_timeout 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(nonce => ImsUtTest::nonce(time => time - 120))
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Digest .*, stale=true
--- error_log
stale nonce from B-TID



=== TEST 11: expired nonce with a wrong digest: 401 without stale
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_nonce_timeout 60s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(nonce => ImsUtTest::nonce(time => time - 120),
                         password => 'wrong')
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Digest .*, algorithm=MD5



=== TEST 12: a forged nonce (other secret) is refused before any Zn request
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
["GET /t", "GET /api/status"]
--- more_headers eval
[ImsUtTest::authorization(nonce => ImsUtTest::nonce(secret => 'x' x 32)), ""]
--- error_code eval
[401, 200]
--- response_body_like eval
[qr/401/, qr/"nonce": 1,.*"zn": \{"requests": 0,/]



=== TEST 13: realm of another NAF (interleaving attack): refused
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(realm => '3GPP-bootstrapping@other.test',
    nonce => ImsUtTest::nonce(realm => '3GPP-bootstrapping@other.test'))
--- error_code: 401
--- error_log
realm "3GPP-bootstrapping@other.test" of B-TID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test" does not name this NAF "localhost"



=== TEST 14: digest uri other than the request target: 400
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t/secret
--- more_headers eval
ImsUtTest::authorization(uri => '/t/public')
--- error_code: 400
--- error_log
digest uri "/t/public" is not the request target "/t/secret"



=== TEST 15: unknown B-TID (BSF 404): fresh 401 without stale, the UE bootstraps again
--- config
    location = /bsf {
        internal;
        default_type application/problem+json;
        return 404 '{"status": 404, "cause": "USER_NOT_FOUND", "title": "B-TID unknown"}';
    }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Digest .*, algorithm=MD5
--- error_log
BSF does not know B-TID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test": status 404, cause "USER_NOT_FOUND"



=== TEST 16: a key past its keyExpiryTime is never used: 401
--- zn_answer eval
ImsUtTest::zn_answer(expiry => '2020-01-01T00:00:00Z')
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 401
--- error_log
BSF key for B-TID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test" has expired



=== TEST 17: X-3GPP-Intended-Identity of the subscriber is asserted
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization() . "\nX-3GPP-Intended-Identity: \"tel:+15550100001\""
--- error_code: 200
--- response_body
asserted="tel:+15550100001" authorization= intended="tel:+15550100001"



=== TEST 18: X-3GPP-Intended-Identity of someone else: 403
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization() . "\nX-3GPP-Intended-Identity: \"sip:bob\@ims.test\""
--- error_code: 403
--- error_log
intended identity "sip:bob@ims.test" is not one of



=== TEST 19: BSF connection refused: 503 and an error line
--- config
    location = /bsf { internal; proxy_pass http://127.0.0.1:1; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 503
--- error_log
BSF location answered 502



=== TEST 20: BSF timeout: 503 and an error line
--- init
ImsUtTest::silent_listener($ENV{TEST_NGINX_IMS_AUX_PORT}, 4);
--- config
    location = /bsf {
        internal;
        proxy_read_timeout 1s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 503
--- error_log
upstream timed out
BSF location answered 504



=== TEST 21: BSF 500: 503
--- config
    location = /bsf { internal; return 500; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 503
--- error_log
BSF location answered 500



=== TEST 22: malformed JSON from the BSF: 503
--- config
    location = /bsf { internal; return 200 '{"meKeyMaterial": "d634b3a8'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 503
--- error_log
unusable Zn answer for B-TID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.test": truncated JSON



=== TEST 23: missing meKeyMaterial: 503
--- config
    location = /bsf { internal; return 200 '{"impi": "x@ims.test"}'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 503
--- error_log
meKeyMaterial missing



=== TEST 24: ill-formed meKeyMaterial: 503
--- zn_answer eval
ImsUtTest::zn_answer(key => 'd634b3a8c9f2be58b8b0a1266b756f21f70e6b6b2355034c42c03e90a79851zz')
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 503
--- error_log
meKeyMaterial



=== TEST 25: five authenticated requests cause exactly one Zn request
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request eval
[("GET /t") x 5, "GET /api/status"]
--- more_headers eval
[(map { ImsUtTest::authorization(nonce => $main::N2, nc => sprintf('%08x', $_)) } 1 .. 5), ""]
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_body_like eval
[(qr/asserted/) x 5, qr/"zn": \{"requests": 1, "ok": 1,.*"keys": \{"cache_hits": 4, "cached": 1,/]



=== TEST 26: ims_ut_auth gba without a zone is refused at start-up
--- http_config
--- config
    location = /t { ims_ut_auth gba; ims_ut_bsf /bsf; }
--- request
GET /t
--- must_die
--- error_log
"ims_ut_auth gba" needs "ims_ut_zone" in the http block



=== TEST 27: Ua over TLS needs a TLS connection
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization()
--- error_code: 403
--- error_log
Ua security protocol "tls" needs a TLS connection



=== TEST 28: malformed Authorization header: 400
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers
Authorization: Digest username="x, realm="
--- error_code: 400
--- error_log
malformed Digest credentials



=== TEST 29: Basic credentials: challenged for Digest
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers
Authorization: Basic YWxpY2U6c2VjcmV0
--- error_code: 401
--- response_headers_like
WWW-Authenticate: Digest realm=.*



=== TEST 30: without ims_ut_secret a random key is used, with a warning
--- http_config
    ims_ut_zone ims:1m;
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- error_code: 401
--- error_log
no "ims_ut_secret": nonces are signed with a random key of this start



=== TEST 31: a nonce lifetime over 24 hours is refused (re-authentication marks live 24 h)
--- config
    location = /t { ims_ut_nonce_timeout 25h; }
--- request
GET /t
--- must_die
--- error_log
"ims_ut_nonce_timeout" must not exceed 24h



=== TEST 32: an unreadable secret file is refused at start-up
--- http_config
    ims_ut_zone ims:1m;
    ims_ut_secret /nonexistent/ims_ut.secret;
--- config
--- request
GET /t
--- must_die
--- error_log
open() "/nonexistent/ims_ut.secret" failed



=== TEST 33: ims_ut_bsf must name a location URI
--- config
    location = /t { ims_ut_bsf http://bsf.example.net; }
--- request
GET /t
--- must_die
--- error_log
"ims_ut_bsf" takes the URI of a location



=== TEST 34: the realm's host is compared case-insensitively; the nonce is checked against this NAF's realm
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(realm => '3GPP-bootstrapping@LocalHost',
    nonce => ImsUtTest::nonce(realm => '3GPP-bootstrapping@localhost'))
--- error_code: 200



=== TEST 35: userhash=true (RFC 7616) is no B-TID to look up: challenged again
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization() . ", userhash=true"
--- error_code: 401
--- error_log
or userhash not offered



=== TEST 36: a cnonce with a quote stays a well-formed quoted-string in Authentication-Info
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
--- request
GET /t
--- more_headers eval
ImsUtTest::authorization(cnonce => 'a"b\\c')
--- error_code: 200
--- response_headers_like
Authentication-Info: rspauth="[0-9a-f]{32}", qop=auth, cnonce="a\\"b\\\\c", nc=00000001
