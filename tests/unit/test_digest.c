
/*
 * Unit tests of the Digest parser and computation (ngx_ims_ut_digest.c).
 *
 * Expected digests that no RFC prints were computed once, independently of
 * this code, with the shell and openssl(1), e.g. for MD5-sess:
 *
 *   h() { printf '%s' "$2" | openssl dgst -$1 -r | cut -d' ' -f1; }
 *   ha1=$(h md5 "$(h md5 'Mufasa:http-auth@example.org:Circle of Life'):$N:$C")
 *   ha2=$(h md5 'GET:/dir/index.html')
 *   h md5 "$ha1:$N:00000001:$C:auth:$ha2"
 *
 * (auth-int: ha2=$(h md5 "PUT:$URI:$(h md5 "$BODY")"); rspauth: the method
 * is empty, ha2=$(h md5 ":$URI")).  The GBA auth-int value was checked a
 * second time with Python's hashlib.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_ims_ut_digest.h"
#include "tap.h"


#define RFC7616_NONCE   "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RFC7616_CNONCE  "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define RFC7616_OPAQUE  "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"

#define GBA_BTID                                                             \
    "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.mnc001.mcc001.pub.3gppnetwork.org"
#define GBA_REALM  "3GPP-bootstrapping@xcap.ims.mnc001.mcc001.3gppnetwork.org"
#define GBA_PASS   "1jSzqMnyvli4sKEma3VvIfcOa2sjVQNMQsA+kKeYUSM="
#define GBA_URI    "/xcap-root/pres-rules/users/sip:alice@example.org/index"
#define GBA_NONCE  "AQAAAABlUJ8A3q2-7wEjRWcAAAAAAAAAAAAAAAAAAAAA"

#define GBA_BODY                                                             \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                           \
    "<cr:ruleset xmlns:cr=\"urn:ietf:params:xml:ns:common-policy\"/>\n"

/* a well-formed MD5 qop=auth credential, the base of the parser cases */
#define GOOD_PARAMS                                                          \
    "username=\"Mufasa\", realm=\"testrealm@host.com\", "                    \
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", " \
    "qop=auth, nc=00000001, cnonce=\"0a4f113b\", "                           \
    "response=\"6629fae49393a05397450978507c4ef1\""


static u_char  *scratch;
static u_char  *value;


/*
 * Both the value and the scratch buffer are exactly len bytes on the heap
 * so ASan sees any overrun; they live until the next call because the
 * parsed fields point into them.
 */

static ngx_int_t
parse_n(const char *s, size_t len, ngx_ims_ut_digest_cred_t *cred)
{
    free(scratch);
    free(value);

    scratch = malloc(len ? len : 1);
    value = malloc(len ? len : 1);

    if (scratch == NULL || value == NULL) {
        abort();
    }

    memcpy(value, s, len);

    return ngx_ims_ut_digest_parse(value, len, scratch, cred);
}


static ngx_int_t
parse(const char *s, ngx_ims_ut_digest_cred_t *cred)
{
    return parse_n(s, strlen(s), cred);
}


static ngx_str_t
str(const char *s)
{
    ngx_str_t  v;

    v.data = (u_char *) s;
    v.len = strlen(s);

    return v;
}


static void
test_rfc2617(void)
{
    u_char                    out[NGX_IMS_UT_DIGEST_MAX_HEX];
    size_t                    n;
    ngx_str_t                 method, pass;
    ngx_ims_ut_digest_cred_t  c;

    is_int(parse("Digest " GOOD_PARAMS
                 ", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", &c),
           NGX_OK, "rfc2617: parses");
    is_str(c.username.data, c.username.len, "Mufasa", "rfc2617: username");
    is_str(c.realm.data, c.realm.len, "testrealm@host.com", "rfc2617: realm");
    is_str(c.nonce.data, c.nonce.len, "dcd98b7102dd2f0e8b11d0f600bfb0c093",
           "rfc2617: nonce");
    is_str(c.uri.data, c.uri.len, "/dir/index.html", "rfc2617: uri");
    is_str(c.cnonce.data, c.cnonce.len, "0a4f113b", "rfc2617: cnonce");
    is_str(c.opaque.data, c.opaque.len, "5ccc069c403ebaf9f0171e9517f40e41",
           "rfc2617: opaque");
    is_str(c.qop.data, c.qop.len, "auth", "rfc2617: qop");
    is_str(c.nc.data, c.nc.len, "00000001", "rfc2617: nc raw");
    is_int(c.nc_value, 1, "rfc2617: nc value");
    is_int(c.alg, NGX_IMS_UT_DIGEST_MD5, "rfc2617: algorithm defaults to MD5");
    is_int(c.algorithm.len, 0, "rfc2617: no algorithm string");
    is_int(c.qop_kind, NGX_IMS_UT_DIGEST_QOP_AUTH, "rfc2617: qop kind auth");
    is_int(c.userhash, 0, "rfc2617: no userhash");

    method = str("GET");
    pass = str("Circle Of Life");

    n = 0;
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_OK, "rfc2617: compute");
    is_str(out, n, "6629fae49393a05397450978507c4ef1",
           "rfc2617: section 3.5 response");
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_OK, "rfc2617: verify");

    /* rspauth: empty method */

    method = str("");
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_OK, "rfc2617: rspauth compute");
    is_str(out, n, "376602cfd2f4e8e5e78b948a85263e85", "rfc2617: rspauth");
    is_int(ngx_ims_ut_digest_compute(&c, NULL, &pass, NULL, out, &n),
           NGX_OK, "rfc2617: rspauth with NULL method");
    is_str(out, n, "376602cfd2f4e8e5e78b948a85263e85",
           "rfc2617: rspauth, NULL method same as empty");
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_DECLINED,
           "rfc2617: rspauth is not the response");

    /* wrong password */

    method = str("GET");
    pass = str("Circle of Life");
    ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n);
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_DECLINED,
           "rfc2617: wrong password declined");

    /* wrong method */

    method = str("PUT");
    pass = str("Circle Of Life");
    ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n);
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_DECLINED,
           "rfc2617: wrong method declined");
}


static void
test_rfc2069(void)
{
    u_char                    out[NGX_IMS_UT_DIGEST_MAX_HEX];
    size_t                    n;
    ngx_str_t                 method, pass;
    ngx_ims_ut_digest_cred_t  c;

    is_int(parse("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                 "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                 "uri=\"/dir/index.html\", "
                 "response=\"670fd8c2df070c60b045671b8b24ff02\"", &c),
           NGX_OK, "rfc2069: no qop parses");
    is_int(c.qop_kind, NGX_IMS_UT_DIGEST_QOP_NONE, "rfc2069: qop kind none");

    method = str("GET");
    pass = str("Circle Of Life");
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_OK, "rfc2069: compute");
    is_str(out, n, "670fd8c2df070c60b045671b8b24ff02",
           "rfc2069: H(HA1:nonce:HA2)");
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_OK, "rfc2069: verify");
}


static void
test_rfc7616(const char *alg, ngx_uint_t alg_id, const char *nc,
    const char *want, const char *name)
{
    char                      hdr[1024];
    u_char                    out[NGX_IMS_UT_DIGEST_MAX_HEX];
    size_t                    n;
    ngx_str_t                 method, pass;
    ngx_ims_ut_digest_cred_t  c;

    snprintf(hdr, sizeof(hdr),
             "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
             "uri=\"/dir/index.html\", algorithm=%s, "
             "nonce=\"" RFC7616_NONCE "\", nc=%s, "
             "cnonce=\"" RFC7616_CNONCE "\", qop=auth, "
             "response=\"%s\", opaque=\"" RFC7616_OPAQUE "\"",
             alg, nc, want);

    is_int(parse(hdr, &c), NGX_OK, "%s: parses", name);
    is_int(c.alg, alg_id, "%s: algorithm", name);
    is_str(c.algorithm.data, c.algorithm.len, alg, "%s: algorithm string",
           name);
    is_int(ngx_ims_ut_digest_hex_len(c.alg), strlen(want), "%s: hex length",
           name);

    method = str("GET");
    pass = str("Circle of Life");
    n = 0;
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_OK, "%s: compute", name);
    is_str(out, n, want, "%s: response", name);
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_OK, "%s: verify", name);

    /* one flipped hex digit */
    out[n - 1] = out[n - 1] == '0' ? '1' : '0';
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_DECLINED,
           "%s: one digit off declined", name);
}


static void
test_auth_int(void)
{
    u_char                    out[NGX_IMS_UT_DIGEST_MAX_HEX],
                              body[NGX_IMS_UT_DIGEST_MAX_HEX];
    size_t                    n, blen;
    ngx_str_t                 method, pass;
    const char               *p;
    ngx_ims_ut_digest_body_t  b;
    ngx_ims_ut_digest_cred_t  c;

    /* streaming H(entity-body), fed in uneven pieces */

    p = GBA_BODY;
    blen = strlen(GBA_BODY);

    is_int(ngx_ims_ut_digest_body_init(&b, NGX_IMS_UT_DIGEST_MD5), NGX_OK,
           "body: md5 init");
    is_int(ngx_ims_ut_digest_body_update(&b, (u_char *) p, 7), NGX_OK,
           "body: update 1");
    is_int(ngx_ims_ut_digest_body_update(&b, (u_char *) p + 7, 0), NGX_OK,
           "body: empty update");
    is_int(ngx_ims_ut_digest_body_update(&b, (u_char *) p + 7, blen - 7),
           NGX_OK, "body: update 2");
    is_int(ngx_ims_ut_digest_body_final(&b, body), NGX_OK, "body: final");
    is_str(body, 32, "5d0d5c8d4133527065c1a95d2f04f46f", "body: md5 hex");
    ngx_ims_ut_digest_body_cleanup(&b);
    ngx_ims_ut_digest_body_cleanup(&b);
    ok(b.ctx == NULL, "body: cleanup twice is harmless");

    is_int(ngx_ims_ut_digest_body_init(&b, NGX_IMS_UT_DIGEST_MD5_SESS),
           NGX_OK, "body: md5-sess init");
    is_int(ngx_ims_ut_digest_body_final(&b, out), NGX_OK,
           "body: empty final");
    is_str(out, 32, "d41d8cd98f00b204e9800998ecf8427e",
           "body: empty body is MD5 of nothing");
    ngx_ims_ut_digest_body_cleanup(&b);

    is_int(ngx_ims_ut_digest_body_init(&b, NGX_IMS_UT_DIGEST_UNKNOWN),
           NGX_ERROR, "body: unknown algorithm refused");
    is_int(ngx_ims_ut_digest_body_update(&b, (u_char *) "x", 1), NGX_ERROR,
           "body: update after failed init refused");
    ngx_ims_ut_digest_body_cleanup(&b);

    is_int(parse("Digest username=\"" GBA_BTID "\", "
                 "realm=\"" GBA_REALM "\", nonce=\"" GBA_NONCE "\", "
                 "uri=\"" GBA_URI "\", qop=auth-int, nc=0000000a, "
                 "cnonce=\"0a4f113b\", algorithm=MD5, "
                 "response=\"09d616a7b5aa6b465dafdbdf52837fa7\"", &c),
           NGX_OK, "gba auth-int: parses");
    is_int(c.qop_kind, NGX_IMS_UT_DIGEST_QOP_AUTH_INT,
           "gba auth-int: qop kind");
    is_int(c.nc_value, 10, "gba auth-int: nc value");
    is_str(c.username.data, c.username.len, GBA_BTID,
           "gba auth-int: B-TID username");

    method = str("PUT");
    pass = str(GBA_PASS);
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_ERROR, "gba auth-int: no body hash refused");
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, body, out, &n),
           NGX_OK, "gba auth-int: compute");
    is_str(out, n, "09d616a7b5aa6b465dafdbdf52837fa7",
           "gba auth-int: response");
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_OK,
           "gba auth-int: verify");

    is_int(ngx_ims_ut_digest_compute(&c, NULL, &pass, body, out, &n),
           NGX_OK, "gba auth-int: rspauth compute");
    is_str(out, n, "0f73629614ce5b0020c0a3f88357254e",
           "gba auth-int: rspauth covers the body hash");

    /* another body: the response no longer matches */

    memcpy(body, "d41d8cd98f00b204e9800998ecf8427e", 32);
    ngx_ims_ut_digest_compute(&c, &method, &pass, body, out, &n);
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_DECLINED,
           "gba auth-int: other body declined");

    /* SHA-256 auth-int */

    is_int(ngx_ims_ut_digest_body_init(&b, NGX_IMS_UT_DIGEST_SHA256), NGX_OK,
           "body: sha-256 init");
    ngx_ims_ut_digest_body_update(&b, (u_char *) p, blen);
    is_int(ngx_ims_ut_digest_body_final(&b, body), NGX_OK,
           "body: sha-256 final");
    is_str(body, 64,
           "226fbb4c5c08fdfcdb695d15f73328ce16865d0bdd04952946ee01de7946c1ff",
           "body: sha-256 hex");
    ngx_ims_ut_digest_body_cleanup(&b);

    is_int(parse("Digest username=\"" GBA_BTID "\", "
                 "realm=\"" GBA_REALM "\", nonce=\"" GBA_NONCE "\", "
                 "uri=\"" GBA_URI "\", qop=auth-int, nc=0000000a, "
                 "cnonce=\"0a4f113b\", algorithm=SHA-256, response=\"117d6a50"
                 "0f252bff9a0638ebf8ccd6e410457a049d97fe3461113ded9cde1eaf\"",
                 &c),
           NGX_OK, "gba sha-256 auth-int: parses");
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, body, out, &n),
           NGX_OK, "gba sha-256 auth-int: compute");
    is_str(out, n,
           "117d6a500f252bff9a0638ebf8ccd6e410457a049d97fe3461113ded9cde1eaf",
           "gba sha-256 auth-int: response");
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_OK,
           "gba sha-256 auth-int: verify");
}


static void
test_gba_auth(void)
{
    u_char                    out[NGX_IMS_UT_DIGEST_MAX_HEX];
    size_t                    n;
    ngx_str_t                 method, pass;
    ngx_ims_ut_digest_cred_t  c;

    /* the response in uppercase: accepted, folded before the compare */

    is_int(parse("Digest username=\"" GBA_BTID "\", "
                 "realm=\"" GBA_REALM "\", nonce=\"" GBA_NONCE "\", "
                 "uri=\"" GBA_URI "\", qop=auth, nc=00000001, "
                 "cnonce=\"0a4f113b\", "
                 "response=\"3A784C9F470FC98FD0038D3DDB5E9D7F\"", &c),
           NGX_OK, "gba auth: uppercase response parses");

    method = str("GET");
    pass = str(GBA_PASS);
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_OK, "gba auth: compute");
    is_str(out, n, "3a784c9f470fc98fd0038d3ddb5e9d7f", "gba auth: response");
    is_int(ngx_ims_ut_digest_verify(&c, out, n), NGX_OK,
           "gba auth: uppercase response verifies");
    is_int(ngx_ims_ut_digest_verify(&c, out, n - 1), NGX_DECLINED,
           "gba auth: length mismatch declined");
    is_int(ngx_ims_ut_digest_verify(&c, out, 0), NGX_DECLINED,
           "gba auth: empty expected declined");

    c.alg = NGX_IMS_UT_DIGEST_UNKNOWN;
    is_int(ngx_ims_ut_digest_compute(&c, &method, &pass, NULL, out, &n),
           NGX_ERROR, "compute: unknown algorithm refused");
}


static void
test_parser(void)
{
    char                      big[NGX_IMS_UT_DIGEST_MAX_VALUE + 64];
    size_t                    n;
    ngx_uint_t                i;
    ngx_ims_ut_digest_cred_t  c;

    static const char  *required[] = {
        "realm=\"r\", nonce=\"n\", uri=\"/\", response=\"" \
            "6629fae49393a05397450978507c4ef1\"",
        "username=\"u\", nonce=\"n\", uri=\"/\", response=\"" \
            "6629fae49393a05397450978507c4ef1\"",
        "username=\"u\", realm=\"r\", uri=\"/\", response=\"" \
            "6629fae49393a05397450978507c4ef1\"",
        "username=\"u\", realm=\"r\", nonce=\"n\", response=\"" \
            "6629fae49393a05397450978507c4ef1\"",
        "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\""
    };

    /* scheme */

    is_int(parse("Basic TXVmYXNhOkNpcmNsZSBPZiBMaWZl", &c), NGX_DECLINED,
           "Basic declined");
    is_int(parse("Bearer abc.def.ghi", &c), NGX_DECLINED, "Bearer declined");
    is_int(parse("Digestive " GOOD_PARAMS, &c), NGX_DECLINED,
           "scheme prefix match is not Digest");
    is_int(parse("digest " GOOD_PARAMS, &c), NGX_OK, "scheme lowercase");
    is_int(parse("DIGEST " GOOD_PARAMS, &c), NGX_OK, "scheme uppercase");
    is_int(parse("Digest\t" GOOD_PARAMS, &c), NGX_OK, "tab after scheme");
    is_int(parse("Digest," GOOD_PARAMS, &c), NGX_ERROR,
           "comma right after scheme");
    is_int(parse("Digest YWJjOmRlZg==", &c), NGX_ERROR, "token68 refused");

    /* empty values */

    is_int(parse("", &c), NGX_ERROR, "empty header value");
    is_int(ngx_ims_ut_digest_parse(NULL, 0, NULL, &c), NGX_ERROR,
           "NULL value of length 0");
    is_int(parse("   ", &c), NGX_ERROR, "blank header value");
    is_int(parse("Digest", &c), NGX_ERROR, "scheme only");
    is_int(parse("Digest   ", &c), NGX_ERROR, "scheme and spaces only");
    is_int(parse("Digest username=\"\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                 "response=\"6629fae49393a05397450978507c4ef1\"", &c),
           NGX_ERROR, "empty username");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=", &c), NGX_ERROR,
           "missing value at end");
    is_int(parse("Digest opaque=, " GOOD_PARAMS, &c), NGX_ERROR,
           "missing value before comma");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"\"", &c), NGX_OK,
           "empty quoted opaque is fine");
    is_int(c.opaque.len, 0, "empty opaque length");

    /* list syntax */

    is_int(parse("Digest ,, " GOOD_PARAMS " ,,, ", &c), NGX_OK,
           "empty list elements and trailing OWS");
    is_int(parse("Digest username = \"Mufasa\" ,"
                 "realm\t=\t\"testrealm@host.com\""
                 ",nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",uri=\"/\","
                 "qop=auth,nc=00000001,cnonce=\"0a4f113b\","
                 "response=\"6629fae49393a05397450978507c4ef1\"", &c),
           NGX_OK, "spaces around '=' and no space after commas");
    is_str(c.realm.data, c.realm.len, "testrealm@host.com",
           "realm after tab BWS");
    is_int(parse("Digest uSeRnAmE=\"Mufasa\", REALM=\"r\", Nonce=\"n\", "
                 "URI=\"/\", Response=\"6629fae49393a05397450978507c4ef1\", "
                 "QOP=auth, NC=00000001, CNonce=\"x\"", &c),
           NGX_OK, "parameter names are case-insensitive");
    is_str(c.username.data, c.username.len, "Mufasa", "mixed-case username");
    is_int(c.qop_kind, NGX_IMS_UT_DIGEST_QOP_AUTH, "mixed-case qop name");

    /* quoted strings */

    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"a,b=c, d\"", &c), NGX_OK,
           "comma and equals inside quotes");
    is_str(c.opaque.data, c.opaque.len, "a,b=c, d", "quoted commas kept");
    ok(c.opaque.data >= scratch && c.opaque.data < scratch + 400,
       "quoted value lives in the scratch buffer");

    is_int(parse("Digest username=\"Mu\\\"fa\\\\sa\", realm=\"r\", "
                 "nonce=\"n\", uri=\"/\", "
                 "response=\"6629fae49393a05397450978507c4ef1\"", &c),
           NGX_OK, "escaped quote and backslash");
    is_str(c.username.data, c.username.len, "Mu\"fa\\sa",
           "escapes removed");

    is_int(parse("Digest username=Mufasa, realm=r, nonce=n, uri=\"/\", "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_OK, "token values");
    is_str(c.username.data, c.username.len, "Mufasa", "token username");
    is_str(c.response.data, c.response.len,
           "6629fae49393a05397450978507c4ef1", "token response");

    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"abc", &c), NGX_ERROR,
           "unterminated quote");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"abc\\", &c), NGX_ERROR,
           "backslash at end of value");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"a\x01z\"", &c), NGX_ERROR,
           "CTL in quoted string");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"a\\\x01z\"", &c),
           NGX_ERROR, "escaped CTL in quoted string");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"a\x7fz\"", &c), NGX_ERROR,
           "DEL in quoted string");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"caf\xc3\xa9\"", &c), NGX_OK,
           "obs-text (UTF-8) in quoted string");
    is_int(parse_n("Digest " GOOD_PARAMS ", opaque=\"a\0b\"",
                   sizeof("Digest " GOOD_PARAMS ", opaque=\"a\0b\"") - 1, &c),
           NGX_ERROR, "NUL in quoted string");
    is_int(parse_n("Digest " GOOD_PARAMS ", x\0=1",
                   sizeof("Digest " GOOD_PARAMS ", x\0=1") - 1, &c),
           NGX_ERROR, "NUL in a name");

    /* trailing garbage */

    is_int(parse("Digest " GOOD_PARAMS " x", &c), NGX_ERROR,
           "garbage after last value");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=\"a\"b", &c), NGX_ERROR,
           "token glued to quoted string");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=a/b", &c), NGX_ERROR,
           "non-token character in token value");
    is_int(parse("Digest " GOOD_PARAMS ", opaque", &c), NGX_ERROR,
           "name without '='");
    is_int(parse("Digest " GOOD_PARAMS ", =x", &c), NGX_ERROR,
           "'=' without a name");

    /* duplicates, unknown parameters */

    is_int(parse("Digest " GOOD_PARAMS ", nonce=\"again\"", &c), NGX_ERROR,
           "duplicate nonce");
    is_int(parse("Digest " GOOD_PARAMS ", Realm=\"other\"", &c), NGX_ERROR,
           "duplicate realm, other case");
    is_int(parse("Digest " GOOD_PARAMS ", opaque=x, opaque=y", &c),
           NGX_ERROR, "duplicate opaque");
    is_int(parse("Digest " GOOD_PARAMS ", foo=bar, foo=\"baz\", "
                 "charset=UTF-8", &c),
           NGX_OK, "unknown parameters ignored, even repeated");
    is_int(parse("Digest " GOOD_PARAMS ", username*=UTF-8''M%C3%BCfasa", &c),
           NGX_ERROR, "username* refused");

    /* required parameters */

    for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        snprintf(big, sizeof(big), "Digest %s", required[i]);
        is_int(parse(big, &c), NGX_ERROR, "missing required parameter %d",
               (int) i);
    }

    /* qop, nc, cnonce */

    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "cnonce=x, response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "qop without nc");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=00000001, response=6629fae49393a05397450978507c4ef1",
                 &c),
           NGX_ERROR, "qop without cnonce");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=00000001, cnonce=\"\", "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "qop with empty cnonce");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "qop=auth-conf, nc=00000001, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "qop auth-conf refused");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "qop=\"auth,auth-int\", nc=00000001, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "qop list (a challenge value) refused");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "qop=\"auth-int\", nc=00000001, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_OK, "quoted qop accepted");
    is_int(c.qop_kind, NGX_IMS_UT_DIGEST_QOP_AUTH_INT, "quoted qop kind");

    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=0000001, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "nc of 7 digits");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=000000001, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "nc of 9 digits");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=0000000g, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "nc not hex");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=\"0000 001\", cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "nc with a space");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", qop=auth, "
                 "nc=FFFFFFFF, cnonce=x, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_OK, "nc uppercase hex");
    is_int(c.nc_value, 0xffffffff, "nc maximum value");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "nc=00000001x, response=6629fae49393a05397450978507c4ef1",
                 &c),
           NGX_ERROR, "bad nc without qop");

    /* algorithm */

    is_int(parse("Digest " GOOD_PARAMS ", algorithm=md5-SESS", &c), NGX_OK,
           "algorithm case-insensitive");
    is_int(c.alg, NGX_IMS_UT_DIGEST_MD5_SESS, "md5-SESS is MD5-sess");
    is_int(parse("Digest " GOOD_PARAMS ", algorithm=\"MD5\"", &c), NGX_OK,
           "quoted algorithm");
    is_int(c.alg, NGX_IMS_UT_DIGEST_MD5, "quoted MD5");
    is_int(parse("Digest " GOOD_PARAMS ", algorithm=AKAv1-MD5", &c), NGX_OK,
           "unsupported algorithm parses");
    is_int(c.alg, NGX_IMS_UT_DIGEST_UNKNOWN, "AKAv1-MD5 is unknown");
    is_int(parse("Digest " GOOD_PARAMS ", algorithm=SHA-512-256", &c), NGX_OK,
           "SHA-512-256 parses");
    is_int(c.alg, NGX_IMS_UT_DIGEST_UNKNOWN, "SHA-512-256 is unknown");
    is_int(parse("Digest " GOOD_PARAMS ", algorithm=SHA-256", &c), NGX_ERROR,
           "SHA-256 with a 32-digit response");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "algorithm=MD5-sess, "
                 "response=6629fae49393a05397450978507c4ef1", &c),
           NGX_ERROR, "MD5-sess without cnonce");

    /* response */

    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "response=6629fae49393a05397450978507c4ef", &c),
           NGX_ERROR, "response of 31 digits");
    is_int(parse("Digest username=u, realm=r, nonce=n, uri=\"/\", "
                 "response=\"6629fae49393a05397450978507c4efz\"", &c),
           NGX_ERROR, "response not hex");

    /* userhash */

    is_int(parse("Digest " GOOD_PARAMS ", userhash=true", &c), NGX_OK,
           "userhash=true");
    is_int(c.userhash, 1, "userhash flag set");
    is_int(parse("Digest " GOOD_PARAMS ", userhash=\"FALSE\"", &c), NGX_OK,
           "userhash=FALSE");
    is_int(c.userhash, 0, "userhash flag clear");
    is_int(parse("Digest " GOOD_PARAMS ", userhash=maybe", &c), NGX_ERROR,
           "userhash=maybe");

    /* sizes */

    n = snprintf(big, sizeof(big), "Digest " GOOD_PARAMS ", opaque=\"");
    memset(big + n, 'a', NGX_IMS_UT_DIGEST_MAX_FIELD);
    strcpy(big + n + NGX_IMS_UT_DIGEST_MAX_FIELD, "\"");
    is_int(parse(big, &c), NGX_OK, "field of the maximum size");
    is_int(c.opaque.len, NGX_IMS_UT_DIGEST_MAX_FIELD,
           "field of the maximum size kept whole");

    memset(big + n, 'a', NGX_IMS_UT_DIGEST_MAX_FIELD + 1);
    strcpy(big + n + NGX_IMS_UT_DIGEST_MAX_FIELD + 1, "\"");
    is_int(parse(big, &c), NGX_ERROR, "field one byte over the maximum");

    n = snprintf(big, sizeof(big), "Digest " GOOD_PARAMS ", x=\"");
    memset(big + n, 'a', NGX_IMS_UT_DIGEST_MAX_VALUE - n - 1);
    strcpy(big + NGX_IMS_UT_DIGEST_MAX_VALUE - 1, "\"");
    is_int(strlen(big), NGX_IMS_UT_DIGEST_MAX_VALUE,
           "value of the maximum size");
    is_int(parse(big, &c), NGX_ERROR,
           "value of the maximum size, but an unknown field over the "
           "field maximum");

    n = snprintf(big, sizeof(big), "Digest " GOOD_PARAMS);

    while (n + 10 <= NGX_IMS_UT_DIGEST_MAX_VALUE) {
        n += snprintf(big + n, sizeof(big) - n, ", x=\"abc\"");
    }

    while (n < NGX_IMS_UT_DIGEST_MAX_VALUE) {
        big[n++] = ' ';
    }

    big[n] = '\0';
    is_int(parse(big, &c), NGX_OK, "value of exactly the maximum size");
    big[n++] = ' ';
    big[n] = '\0';
    is_int(parse(big, &c), NGX_ERROR, "value one byte over the maximum");
}


int
main(void)
{
    test_rfc2617();
    test_rfc2069();

    /* RFC 7616 section 3.9.1 */
    test_rfc7616("MD5", NGX_IMS_UT_DIGEST_MD5, "00000001",
                 "8ca523f5e9506fed4657c9700eebdbec", "rfc7616 md5");
    test_rfc7616("SHA-256", NGX_IMS_UT_DIGEST_SHA256, "00000001",
                 "753927fa0e85d155564e2e272a28d180"
                 "2ca10daf4496794697cf8db5856cb6c1", "rfc7616 sha-256");

    /* the same parameters, -sess (computed with openssl(1), see top) */
    test_rfc7616("MD5-sess", NGX_IMS_UT_DIGEST_MD5_SESS, "00000001",
                 "e783283f46242139c486a698fec7211d", "md5-sess");
    test_rfc7616("SHA-256-sess", NGX_IMS_UT_DIGEST_SHA256_SESS, "00000002",
                 "6bb0010aa4bdf46422a798c509ea32e2"
                 "56f27bd37de5cc3bdf8ed51e1d77d650", "sha-256-sess");

    test_auth_int();
    test_gba_auth();
    test_parser();

    free(scratch);
    free(value);

    return done_testing();
}
