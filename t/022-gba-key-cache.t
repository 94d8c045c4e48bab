# The key cache (TS 33.141 5.1.1: "the consumption of Authentication
# Vectors should be minimized"): one Zn request per (B-TID, NAF_Id) while the
# key is valid, shared by concurrent requests of a worker, kept across a
# reload, and a full zone evicts instead of refusing service.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

our $Zn = zn_answer();
our $N1 = nonce();
our $N2 = nonce();

sub raw_get {
    my ($auth) = @_;
    return "GET /t HTTP/1.1\r\nHost: localhost\r\n$auth\r\n"
           . "Connection: close\r\n\r\n";
}

my $gba = gba_blocks(zn => $Zn, suffix => <<'_EOC_');
    location = /t {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    }
    location = /backend { return 200 "asserted=$http_x_3gpp_asserted_identity\n"; }
    location = /api/status { ims_ut_api; }
_EOC_
add_block_preprocessor(sub { $gba->(@_) });

master_on();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: concurrent requests missing the same key share one Zn request
--- init
ImsUtTest::slow_bsf($ENV{TEST_NGINX_IMS_AUX_PORT}, 0.5, $main::Zn, 4);
--- config
    location = /bsf {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
    }
--- request eval
["GET /api/status", "GET /api/status"]
--- concurrent_requests eval
[map { main::raw_get(ImsUtTest::authorization(nonce => $main::N1,
                                              nc => sprintf('%08x', $_))) }
 1 .. 5]
--- tls_out_like
^statuses: 200 200 200 200 200$
--- response_body_like eval
[qr/"requests": 0,/, qr/"successes": 5,.*"zn": \{"requests": 1, "ok": 1,.*"shared_waits": 4\}/]



=== TEST 2: a reload keeps the cached key (no second Zn request)
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
--- hup_after_first_request
--- request eval
["GET /t", "GET /t", "GET /api/status"]
--- more_headers eval
[ImsUtTest::authorization(nonce => $main::N2),
 ImsUtTest::authorization(nonce => $main::N2, nc => '00000002'), ""]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/alice/, qr/alice/, qr/"zn": \{"requests": 1,.*"keys": \{"cache_hits": 1, "cached": 1,/]



=== TEST 3: a full zone evicts the least recently used keys and serves everyone
Each UE's nonce is a little younger than the previous one's, as nonces from
challenges are: a nonce older than one whose count record was evicted gets
stale=true (replay protection), see docs/operations.md.
--- http_config
    ims_ut_zone ims:32k;
    ims_ut_secret $TEST_NGINX_CERT_DIR/secret;
--- config
    location = /bsf { internal; return 200 '@ZN@'; }
--- request eval
[(map { "GET /t" } 1 .. 150), "GET /api/status"]
--- more_headers eval
[(map { ImsUtTest::authorization(btid => "btid$_\@bsf.test",
                                  nonce => ImsUtTest::nonce(time => time - 200 + $_)) }
  1 .. 150), ""]
--- error_code eval
[(200) x 151]
--- response_body_like eval
[(qr/alice/) x 150, qr/"successes": 150,.*"evictions": \{"keys": [1-9]/]
