# XCAP authorization (TS 33.141 5.1.1: "the user shall only be able to
# manipulate data that is associated with that particular user"): a UE
# authenticated with GBA Digest (BSF double giving sip:alice@ims.test and
# tel:+15550100001) may touch users/<XUI>/ only for its own identities and
# only read global/ documents.  Every spelling that could walk a backend
# into another user's tree is refused, never passed on.
#
# The backend (a second server on the aux port, reached with proxy_pass
# WITHOUT a URI part so the raw target is forwarded) echoes the asserted
# identity and the request target it received.
#
# Shorthand: "--- ua_request" holds "METHOD TARGET" lines; each becomes a
# request whose Authorization is computed for exactly that target (the
# digest uri must be the raw request target).  "--- ua_body" is the body of
# every such request, "--- ua_headers" extra header lines for all of them;
# "PLAIN TARGET" is a GET without credentials (the status API).  Blocks
# without "--- config" get the standard one: "--- xcap_directives" go into
# the XCAP location, "--- server_directives" into the server.

use Test::Nginx::Socket 'no_plan';
use ImsUtTest;

our $Zn = zn_answer(ids => ['sip:alice@ims.test', 'tel:+15550100001']);

# a path longer than NGX_IMS_UT_XCAP_MAX_PATH (8192) under the root
our $Long = '/xcap-root/pres-rules/users/sip:alice@ims.test/'
            . ('d/' x 4200) . 'index';

add_block_preprocessor(sub {
    my $block = shift;

    if (!defined $block->http_config) {
        $block->set_value('http_config', <<'_EOC_');
    ims_ut_zone ims:1m;
    ims_ut_secret $TEST_NGINX_CERT_DIR/secret;

    # the XCAP server: says who it was told the user is, and what target
    server {
        listen 127.0.0.1:$TEST_NGINX_IMS_AUX_PORT;
        location / {
            return 200 "asserted=$http_x_3gpp_asserted_identity uri=$request_uri authorization=$http_authorization\n";
        }
    }
_EOC_
    }

    if (!defined $block->config) {
        my $extra = $block->xcap_directives // '';
        my $server = $block->server_directives // '';
        $block->set_value('config', <<"_EOC_");
$server
    location = /bsf { internal; return 200 '\@ZN\@'; }

    location /xcap-root/ {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_xcap_root /xcap-root;
$extra
        proxy_pass http://127.0.0.1:\$TEST_NGINX_IMS_AUX_PORT;
    }

    location /other/ {
        ims_ut_auth gba;
        ims_ut_bsf /bsf;
        ims_ut_ua_security_protocol http;
        ims_ut_xcap_root /xcap-root;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_IMS_AUX_PORT;
    }

    location = /api/status { ims_ut_api; }
_EOC_
    }

    my $config = $block->config;
    $config =~ s/\@ZN\@/$Zn/g;
    $block->set_value('config', $config);

    my $ua = $block->ua_request;
    return unless defined $ua;

    my @lines = ref $ua eq 'ARRAY' ? @$ua
                                   : grep { /\S/ } split /\n/, $ua;
    my $body = $block->ua_body;
    chomp $body if defined $body;
    my $extra = $block->ua_headers // '';
    chomp $extra;

    my (@req, @hdr);

    for my $line (@lines) {
        my ($method, $uri) = split ' ', $line, 2;

        if ($method eq 'PLAIN') {
            # a request without credentials (the status API)
            push @req, "GET $uri";
            push @hdr, '';
            next;
        }

        push @req, "$method $uri" . (defined $body ? "\n$body" : '');
        push @hdr, ImsUtTest::authorization(method => $method, uri => $uri)
                   . (length $extra ? "\n$extra" : '');
    }

    if (@req == 1) {
        $block->set_value('request', $req[0]);
        $block->set_value('more_headers', $hdr[0]);

    } else {
        $block->set_value('request', \@req);
        $block->set_value('more_headers', \@hdr);
    }
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: own document, plain XUI: 200, the owner is asserted, raw target forwarded
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip:alice@ims.test/index authorization=
--- no_error_log
[error]



=== TEST 2: own document, percent-encoded XUI: 200, forwarded as sent
--- ua_request
GET /xcap-root/pres-rules/users/sip%3Aalice%40ims.test/index
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip%3Aalice%40ims.test/index authorization=



=== TEST 3: own document under the tel: XUI: 200, the tel URI is asserted
--- ua_request
GET /xcap-root/resource-lists/users/tel:+15550100001/index
--- error_code: 200
--- response_body
asserted="tel:+15550100001" uri=/xcap-root/resource-lists/users/tel:+15550100001/index authorization=



=== TEST 4: XUI host in other case: the same identity, asserted as the USS spells it
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@IMS.Test/index
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip:alice@IMS.Test/index authorization=



=== TEST 5: XUI user part in other case: another user (RFC 3261 19.1.4): 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:ALICE@ims.test/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:ALICE\@ims.test" is not an identity/



=== TEST 6: sips: XUI is not the sip: identity: 403
--- ua_request
GET /xcap-root/pres-rules/users/sips:alice@ims.test/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sips:alice\@ims.test" is not an identity/



=== TEST 7: XUI user part percent-encoded ("%61lice"): the same identity: 200
--- ua_request
GET /xcap-root/pres-rules/users/sip:%61lice@ims.test/index
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip:%61lice@ims.test/index authorization=



=== TEST 8: tel: XUI with visual separators: the same number: 200
--- ua_request
GET /xcap-root/resource-lists/users/tel:+1-555-010-0001/index
--- error_code: 200
--- response_body
asserted="tel:+15550100001" uri=/xcap-root/resource-lists/users/tel:+1-555-010-0001/index authorization=



=== TEST 9: XUI with a parameter the identity lacks: 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test;user=phone/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:alice\@ims.test;user=phone" is not an identity/



=== TEST 10: another user's document: 403, logged at info
--- ua_request
GET /xcap-root/pres-rules/users/sip:bob@ims.test/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:bob\@ims.test" is not an identity of the authenticated user "sip:alice\@ims.test"/



=== TEST 11: another user's document, written: 403
--- ua_request
PUT /xcap-root/pres-rules/users/sip:bob@ims.test/index
--- ua_body
<ruleset xmlns="urn:ietf:params:xml:ns:common-policy"/>
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:bob\@ims.test" is not an identity/



=== TEST 12: global document read: 200
--- ua_request
GET /xcap-root/xcap-caps/global/index
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/xcap-caps/global/index authorization=



=== TEST 13: global document written: 403, logged at info
--- ua_request
PUT /xcap-root/xcap-caps/global/index
--- ua_body
<xcap-caps/>
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: "sip:alice\@ims.test" may not modify global XCAP document of "xcap-caps"/



=== TEST 14: global document deleted: 403
--- ua_request
DELETE /xcap-root/xcap-caps/global/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*may not modify global XCAP document/



=== TEST 15: global document written with ims_ut_xcap_global_write on: 200
--- xcap_directives
        ims_ut_xcap_global_write on;
--- ua_request
PUT /xcap-root/xcap-caps/global/index
--- ua_body
<xcap-caps/>
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/xcap-caps/global/index authorization=



=== TEST 16: traversal with raw ".." from the own tree into bob's: 404
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/../../users/sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 17: traversal with "%2E%2E": 404
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/%2E%2E/%2E%2E/users/sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 18: "%2F" inside the XUI, with dot segments: 404
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test%2F..%2F..%2Fusers%2Fsip:bob@ims.test/index
--- error_code_like: ^40[34]$
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 19: "%2F" inside the XUI, no dots: the XUI is not alice's: 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test%2Fsip:bob@ims.test/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:alice\@ims.test\/sip:bob\@ims.test" is not an identity/



=== TEST 20: double encoding "%252F" is decoded once: not alice's XUI: 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test%252F..%252F..%252Fusers%252Fsip:bob@ims.test/index
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:alice\@ims.test%2F..%2F..%2Fusers%2Fsip:bob\@ims.test" is not an identity/



=== TEST 21: "%2F" inside a document segment, walking out of the own tree: 404
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/..%2F..%2Fsip:bob@ims.test%2Findex
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 22: "%2F" right after the root ("/xcap-root%2Fpres-rules/..."): judged, 404
--- ua_request
GET /xcap-root%2Fpres-rules/users/sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 23: "//xcap-root/..." (merged by nginx): judged, 404
--- ua_request
GET //xcap-root/pres-rules/users/sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 24: absolute-form request target naming bob's document: 403
--- request
GET http://localhost/xcap-root/pres-rules/users/sip:bob@ims.test/index
--- more_headers eval
ImsUtTest::authorization(uri => '/xcap-root/pres-rules/users/sip:bob@ims.test/index')
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:bob\@ims.test" is not an identity/



=== TEST 25: the root spelled "%78cap-root" reaches the XCAP location: judged, 404
--- ua_request
GET /%78cap-root/pres-rules/users/sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 26: the root reached through "/x/../": judged, 404
--- ua_request
GET /x/../xcap-root/pres-rules/users/sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 27: overlong target under the root (> 8 KB), big header buffers: 404
The digest uri field is limited to 1 KB, so a trusted identity (operator
policy) authenticates the UE here and the XCAP length limit is what refuses.
--- server_directives
    large_client_header_buffers 4 64k;
--- xcap_directives
        ims_ut_trusted_identity sip:alice@ims.test;
--- request eval
"GET $main::Long"
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 28: overlong target with GBA credentials: 400, the digest uri is over the field limit
--- server_directives
    large_client_header_buffers 4 64k;
--- ua_request eval
"GET $main::Long"
--- error_code: 400
--- error_log eval
qr/\[info\] .*ims_ut: malformed Digest credentials/



=== TEST 29: overlong target with nginx's default buffers: 414 from nginx
--- request eval
"GET $main::Long"
--- error_code: 414



=== TEST 30: "USERS" is not the users tree: 404
--- ua_request
GET /xcap-root/pres-rules/USERS/sip:alice@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 31: malformed percent-encoding: 400 (nginx refuses it first)
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test%G1/index
--- error_code: 400
--- error_log eval
qr/\[info\] .*client sent invalid request/



=== TEST 32: malformed percent-encoding after a raw "#", unseen by nginx: 400 from the module
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index#%zz
--- error_code: 400
--- error_log eval
qr/\[info\] .*ims_ut: malformed percent-encoding in XCAP URI/



=== TEST 33: a raw "#" in an otherwise own document: 404, never forwarded
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index#/../../sip:bob@ims.test/index
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 34: a URI under the root that is not XCAP: 404
--- ua_request
GET /xcap-root/pres-rules
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 35: users tree without a document: 404
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 36: outside the root: not judged, 200 with authentication
--- ua_request
GET /other/users/sip:bob@ims.test/index
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/other/users/sip:bob@ims.test/index authorization=
--- no_error_log
not an XCAP URI
is not an identity



=== TEST 37: X-3GPP-Intended-Identity of the subscriber but not the XUI: 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index
--- ua_headers
X-3GPP-Intended-Identity: "tel:+15550100001"
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: intended identity "tel:\+15550100001" is not the XUI "sip:alice\@ims.test"/



=== TEST 38: X-3GPP-Intended-Identity equal to the XUI: 200
--- ua_request
GET /xcap-root/resource-lists/users/tel:+15550100001/index
--- ua_headers
X-3GPP-Intended-Identity: "tel:+15550100001"
--- error_code: 200
--- response_body
asserted="tel:+15550100001" uri=/xcap-root/resource-lists/users/tel:+15550100001/index authorization=



=== TEST 39: two X-3GPP-Intended-Identity headers: 400
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index
--- ua_headers
X-3GPP-Intended-Identity: "sip:alice@ims.test"
X-3GPP-Intended-Identity: "sip:bob@ims.test"
--- error_code: 400
--- error_log eval
qr/\[info\] .*ims_ut: more than one X-3GPP-Intended-Identity/



=== TEST 40: empty X-3GPP-Intended-Identity: 400, logged at info
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index
--- ua_headers
X-3GPP-Intended-Identity: ""
--- error_code: 400
--- error_log eval
qr/\[info\] .*ims_ut: empty X-3GPP-Intended-Identity/



=== TEST 41: X-3GPP-Intended-Identity of another user: 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index
--- ua_headers
X-3GPP-Intended-Identity: "sip:bob@ims.test"
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: intended identity "sip:bob\@ims.test" is not one of/



=== TEST 42: node selector on the own document: 200
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index/~~/ruleset
--- error_code: 200
--- response_body
asserted="sip:alice@ims.test" uri=/xcap-root/pres-rules/users/sip:alice@ims.test/index/~~/ruleset authorization=



=== TEST 43: node selector on bob's document: 403
--- ua_request
GET /xcap-root/pres-rules/users/sip:bob@ims.test/index/~~/ruleset
--- error_code: 403
--- error_log eval
qr/\[info\] .*ims_ut: XUI "sip:bob\@ims.test" is not an identity/



=== TEST 44: encoded node-selector separator "%7E%7E": 404
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index/%7E%7E/ruleset
--- error_code: 404
--- error_log eval
qr/\[info\] .*ims_ut: not an XCAP URI under "\/xcap-root"/



=== TEST 45: decisions are counted (allowed, denied, not_found)
--- ua_request
GET /xcap-root/pres-rules/users/sip:alice@ims.test/index
GET /xcap-root/pres-rules/users/sip:bob@ims.test/index
GET /xcap-root/xcap-caps/global/index
PUT /xcap-root/xcap-caps/global/index
GET /xcap-root/pres-rules/USERS/sip:alice@ims.test/index
PLAIN /api/status
--- error_code eval
[200, 403, 200, 403, 404, 200]
--- response_body_like eval
[qr/^asserted=/, qr/403 Forbidden/, qr/^asserted=/, qr/403 Forbidden/,
 qr/404 Not Found/,
 qr/"xcap": \{"allowed": 2, "denied": 2, "not_found": 1\}/]
