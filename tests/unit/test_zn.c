
/*
 * Unit tests of the Zn (TS 29.309 Nbsp_GBA) request builder and answer
 * parser: ngx_ims_ut_zn.c.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <jansson.h>
#include <time.h>

#include "ngx_ims_ut_zn.h"
#include "tap.h"


/* SPEC-NOTES vector: Ks_NAF of Milenage set 1, IMPI and NAF below */
#define KS_NAF_HEX                                                           \
    "d634b3a8c9f2be58b8b0a1266b756f21f70e6b6b2355034c42c03e90a7985123"
#define IMPI       "001010123456789@ims.mnc001.mcc001.3gppnetwork.org"
#define IMPU1      "sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org"
#define IMPU2      "tel:+15551234567"
#define BTID       "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.mnc001.mcc001.pub." \
                   "3gppnetwork.org"
#define NAF_FQDN   "xcap.ims.mnc001.mcc001.3gppnetwork.org"


static const u_char  ks_naf[32] = {
    0xd6, 0x34, 0xb3, 0xa8, 0xc9, 0xf2, 0xbe, 0x58,
    0xb8, 0xb0, 0xa1, 0x26, 0x6b, 0x75, 0x6f, 0x21,
    0xf7, 0x0e, 0x6b, 0x6b, 0x23, 0x55, 0x03, 0x4c,
    0x42, 0xc0, 0x3e, 0x90, 0xa7, 0x98, 0x51, 0x23
};

static const u_char  ua_tls[5] = { 0x01, 0x00, 0x01, 0xc0, 0x2f };
static const u_char  ua_http[5] = { 0x01, 0x00, 0x00, 0x00, 0x02 };


static ngx_ims_ut_zn_answer_t  ans;


static ngx_int_t
parse_str(const char *body, const char **err)
{
    return ngx_ims_ut_zn_parse((const u_char *) body, strlen(body), &ans,
                               err);
}


/* an answer with the key and the given extra members ("" for none) */

static ngx_int_t
parse_with(const char *extra, const char **err)
{
    static char  body[70000];

    snprintf(body, sizeof(body), "{\"meKeyMaterial\":\"" KS_NAF_HEX "\"%s%s}",
             extra[0] ? "," : "", extra);

    return parse_str(body, err);
}


static void
expect_error(const char *body, const char *want, const char *name)
{
    ngx_int_t    rc;
    const char  *err;

    err = NULL;
    rc = parse_str(body, &err);

    is_int(rc, NGX_ERROR, "%s: rejected", name);
    is_str(err ? err : "(null)", strlen(err ? err : "(null)"), want,
           "%s: reason", name);
}


static void
expect_extra_error(const char *extra, const char *want, const char *name)
{
    ngx_int_t    rc;
    const char  *err;
    static u_char  zero[32];

    err = NULL;
    rc = parse_with(extra, &err);

    is_int(rc, NGX_ERROR, "%s: rejected", name);
    is_str(err ? err : "(null)", strlen(err ? err : "(null)"), want,
           "%s: reason", name);
    ok(memcmp(ans.ks_naf, zero, 32) == 0 && ans.nids == 0
       && ans.impi_len == 0 && ans.expires == 0,
       "%s: record wiped", name);
}


static void
expect_extra_ok(const char *extra, const char *name)
{
    ngx_int_t    rc;
    const char  *err;

    err = NULL;
    rc = parse_with(extra, &err);

    if (!tap_ok(rc == NGX_OK, __FILE__, __LINE__, "%s: accepted", name)) {
        printf("#   err: %s\n", err ? err : "(null)");
    }
}


/* request builder */

static json_t *
request_json(const char *btid, size_t blen, const char *fqdn, size_t flen,
    const u_char *ua, u_char *out, size_t size, size_t *len)
{
    ngx_str_t  b, f;

    b.data = (u_char *) btid;
    b.len = blen;
    f.data = (u_char *) fqdn;
    f.len = flen;

    if (ngx_ims_ut_zn_request(&b, &f, ua, out, size, len) != NGX_OK) {
        return NULL;
    }

    return json_loadb((const char *) out, *len, JSON_REJECT_DUPLICATES,
                      NULL);
}


static int
json_str_eq(json_t *v, const char *want, size_t wlen)
{
    return json_is_string(v) && json_string_length(v) == wlen
           && memcmp(json_string_value(v), want, wlen) == 0;
}


static ngx_int_t
request_rc(const char *btid, size_t blen, const char *fqdn, size_t flen,
    size_t size)
{
    size_t     len;
    u_char     out[4096];
    ngx_str_t  b, f;

    b.data = (u_char *) btid;
    b.len = blen;
    f.data = (u_char *) fqdn;
    f.len = flen;

    return ngx_ims_ut_zn_request(&b, &f, ua_tls, out, size, &len);
}


static void
test_request(void)
{
    size_t   len, need;
    u_char   out[NGX_IMS_UT_ZN_REQUEST_SIZE];
    char     big[NGX_IMS_UT_ZN_MAX_BTID + 2];
    char     bigf[NGX_IMS_UT_ZN_MAX_FQDN + 2];
    json_t  *j, *naf;

    static const char  tricky[] = "a\"b\\c/d@bsf.example";
    static const char  utf8[] = "xcap.b\xc3\xbc" "cher.example";

    j = request_json(BTID, sizeof(BTID) - 1, NAF_FQDN, sizeof(NAF_FQDN) - 1,
                     ua_tls, out, sizeof(out), &len);
    ok(j != NULL, "request: built and parses back as JSON");

    if (j) {
        naf = json_object_get(j, "nafId");
        ok(json_object_size(j) == 3, "request: three members");
        ok(json_str_eq(json_object_get(j, "btId"), BTID, sizeof(BTID) - 1),
           "request: btId");
        ok(json_is_object(naf) && json_object_size(naf) == 2,
           "request: nafId object with two members");
        ok(json_str_eq(json_object_get(naf, "nafFqdn"), NAF_FQDN,
                       sizeof(NAF_FQDN) - 1), "request: nafFqdn");
        ok(json_str_eq(json_object_get(naf, "uaSecProtId"), "010001c02f", 10),
           "request: uaSecProtId 010001c02f");
        ok(json_is_false(json_object_get(j, "gbaUAware")),
           "request: gbaUAware false");
        json_decref(j);
    }

    is_str(out, len,
           "{\"btId\":\"" BTID "\",\"nafId\":{\"nafFqdn\":\"" NAF_FQDN
           "\",\"uaSecProtId\":\"010001c02f\"},\"gbaUAware\":false}",
           "request: exact compact body");

    j = request_json("x@y", 3, "a.b", 3, ua_http, out, sizeof(out), &len);
    ok(j && json_str_eq(json_object_get(json_object_get(j, "nafId"),
                                        "uaSecProtId"), "0100000002", 10),
       "request: uaSecProtId 0100000002");
    json_decref(j);

    /* escaping */

    j = request_json(tricky, sizeof(tricky) - 1, tricky, sizeof(tricky) - 1,
                     ua_tls, out, sizeof(out), &len);
    ok(j && json_str_eq(json_object_get(j, "btId"), tricky,
                        sizeof(tricky) - 1),
       "request: quote and backslash round trip in btId");
    ok(j && json_str_eq(json_object_get(json_object_get(j, "nafId"),
                                        "nafFqdn"),
                        tricky, sizeof(tricky) - 1),
       "request: quote and backslash round trip in nafFqdn");
    ok(memmem(out, len, "a\\\"b\\\\c", 7) != NULL,
       "request: escaped as \\\" and \\\\");
    json_decref(j);

    j = request_json(BTID, sizeof(BTID) - 1, utf8, sizeof(utf8) - 1,
                     ua_tls, out, sizeof(out), &len);
    ok(j && json_str_eq(json_object_get(json_object_get(j, "nafId"),
                                        "nafFqdn"), utf8, sizeof(utf8) - 1),
       "request: UTF-8 FQDN round trip");
    json_decref(j);

    /* invalid inputs */

    is_int(request_rc("", 0, "a.b", 3, 4096), NGX_ERROR,
           "request: empty btid");
    is_int(request_rc("x@y", 3, "", 0, 4096), NGX_ERROR,
           "request: empty fqdn");
    is_int(request_rc("x\0@y", 4, "a.b", 3, 4096), NGX_ERROR,
           "request: NUL in btid");
    is_int(request_rc("x@y", 3, "a\0.b", 4, 4096), NGX_ERROR,
           "request: NUL in fqdn");
    is_int(request_rc("x\r\n@y", 5, "a.b", 3, 4096), NGX_ERROR,
           "request: CRLF in btid");
    is_int(request_rc("x@y", 3, "a.b\x7f", 4, 4096), NGX_ERROR,
           "request: DEL in fqdn");
    is_int(request_rc("x\xff@y", 4, "a.b", 3, 4096), NGX_ERROR,
           "request: invalid UTF-8 in btid");
    is_int(request_rc("x@y", 3, "a.\xc3", 3, 4096), NGX_ERROR,
           "request: truncated UTF-8 in fqdn");
    is_int(request_rc("x@y", 3, "a.\xc0\xaf", 4, 4096), NGX_ERROR,
           "request: overlong UTF-8 in fqdn");

    memset(big, 'B', sizeof(big));
    memset(bigf, 'f', sizeof(bigf));

    is_int(request_rc(big, NGX_IMS_UT_ZN_MAX_BTID, "a.b", 3, 4096), NGX_OK,
           "request: btid of the maximum length");
    is_int(request_rc(big, NGX_IMS_UT_ZN_MAX_BTID + 1, "a.b", 3, 4096),
           NGX_ERROR, "request: btid too long");
    is_int(request_rc("x@y", 3, bigf, NGX_IMS_UT_ZN_MAX_FQDN, 4096), NGX_OK,
           "request: fqdn of the maximum length");
    is_int(request_rc("x@y", 3, bigf, NGX_IMS_UT_ZN_MAX_FQDN + 1, 4096),
           NGX_ERROR, "request: fqdn too long");

    /* output size */

    j = request_json("x@y", 3, "a.b", 3, ua_tls, out, sizeof(out), &need);
    json_decref(j);

    is_int(request_rc("x@y", 3, "a.b", 3, need), NGX_OK,
           "request: fits exactly");
    is_int(request_rc("x@y", 3, "a.b", 3, need - 1), NGX_ERROR,
           "request: one byte short");
    is_int(request_rc("x@y", 3, "a.b", 3, 0), NGX_ERROR,
           "request: no room");

    /* worst case escaping still fits the advertised size */

    memset(big, '"', sizeof(big));
    memset(bigf, '\\', sizeof(bigf));

    j = request_json(big, NGX_IMS_UT_ZN_MAX_BTID, bigf,
                     NGX_IMS_UT_ZN_MAX_FQDN, ua_tls, out, sizeof(out), &len);
    ok(j && json_str_eq(json_object_get(j, "btId"), big,
                        NGX_IMS_UT_ZN_MAX_BTID),
       "request: worst case fits NGX_IMS_UT_ZN_REQUEST_SIZE");
    json_decref(j);
}


/* a realistic answer */

static void
test_full_answer(void)
{
    ngx_int_t    rc;
    const char  *err;

    static const char  body[] =
        "{\n"
        "  \"meKeyMaterial\": \"" KS_NAF_HEX "\",\n"
        "  \"keyExpiryTime\": \"2026-12-04T18:30:00Z\",\n"
        "  \"bootstrappingInfoCreationTime\":"
        " \"2026-12-04T17:30:00.123+01:00\",\n"
        "  \"impi\": \"" IMPI "\",\n"
        "  \"gbaType\": \"3G_GBA\",\n"
        "  \"ussList\": [\n"
        "    {\"uss\": {\"gsId\": 1, \"gsType\": 1,\n"
        "              \"ueIds\": [{\"ueId\": \"" IMPU1 "\"},\n"
        "                         {\"ueId\": \"" IMPU2 "\"}],\n"
        "              \"nafGroup\": \"xcap\", \"flags\": [{\"flag\": 1}],\n"
        "              \"keyChoice\": \"ME_BASED_KEY\"}},\n"
        "    {\"uss\": {\"gsId\": 2, \"gsType\": 4294967295,\n"
        "              \"ueIds\": [{\"ueId\": \"" IMPU1 "\", \"x\": 1}]}}\n"
        "  ],\n"
        "  \"futureMember\": {\"a\": [1, 2, {\"b\": null}]}\n"
        "}\n";

    err = NULL;
    rc = parse_str(body, &err);

    if (!tap_ok(rc == NGX_OK, __FILE__, __LINE__, "answer: accepted")) {
        printf("#   err: %s\n", err ? err : "(null)");
    }

    ok(memcmp(ans.ks_naf, ks_naf, 32) == 0, "answer: Ks_NAF bytes");
    is_int(ans.expires, 1796409000, "answer: keyExpiryTime epoch");
    is_int(ans.created, 1796401800,
           "answer: bootstrappingInfoCreationTime with offset and fraction");
    is_str(ans.impi, ans.impi_len, IMPI, "answer: impi");
    is_int(ans.gba_type, NGX_IMS_UT_GBA_3G, "answer: gbaType 3G_GBA");
    is_int(ans.nids, 2, "answer: two distinct identities");
    is_int(ans.id_len[0], sizeof(IMPU1) - 1, "answer: first id length");
    is_int(ans.id_len[1], sizeof(IMPU2) - 1, "answer: second id length");
    is_int(ans.ids_len, sizeof(IMPU1) - 1 + sizeof(IMPU2) - 1,
           "answer: ids bytes");
    is_str(ans.ids, ans.ids_len, IMPU1 IMPU2, "answer: ids back to back");

    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) IMPU1,
                                  sizeof(IMPU1) - 1) == 1,
       "has_identity: first");
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) IMPU2,
                                  sizeof(IMPU2) - 1) == 1,
       "has_identity: second");
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) IMPU1,
                                  sizeof(IMPU1) - 2) == 0,
       "has_identity: prefix is no match");
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) "SIP:001010123456789"
                                  "@ims.mnc001.mcc001.3gppnetwork.org",
                                  sizeof(IMPU1) - 1) == 0,
       "has_identity: exact case");
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) "", 0) == 0,
       "has_identity: empty");
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) IMPU1 IMPU2,
                                  sizeof(IMPU1 IMPU2) - 1) == 0,
       "has_identity: no match across entries");

    /* a record from shared memory with corrupt sizes must not overrun */

    ans.nids = 1000;
    ans.id_len[2] = 60000;
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) "x", 1) == 0,
       "has_identity: corrupt record stays in bounds");

    /* minimal answer: only the key; upper-case hex */

    rc = parse_str("{\"meKeyMaterial\":"
                   "\"D634B3A8C9F2BE58B8B0A1266B756F21"
                   "F70E6B6B2355034C42C03E90A7985123\"}", &err);
    is_int(rc, NGX_OK, "minimal answer: accepted");
    ok(memcmp(ans.ks_naf, ks_naf, 32) == 0, "minimal answer: upper-case hex");
    ok(ans.expires == 0 && ans.created == 0 && ans.impi_len == 0
       && ans.nids == 0 && ans.ids_len == 0
       && ans.gba_type == NGX_IMS_UT_GBA_NONE,
       "minimal answer: everything else absent");

    rc = parse_str("{\"meKeyMaterial\":"
                   "\"d634B3a8C9f2BE58b8b0a1266b756f21"
                   "f70e6b6b2355034c42c03e90a7985123\"}", NULL);
    ok(rc == NGX_OK && memcmp(ans.ks_naf, ks_naf, 32) == 0,
       "mixed-case hex, err NULL allowed");

    /* optional members that are null count as absent */

    expect_extra_ok("\"keyExpiryTime\":null,\"impi\":null,\"gbaType\":null,"
                    "\"ussList\":null,\"uiccKeyMaterial\":null",
                    "null optional members");
    ok(ans.expires == 0 && ans.gba_type == NGX_IMS_UT_GBA_NONE,
       "null optional members: absent");
}


static void
test_time(void)
{
    size_t     i;
    time_t     t;
    ngx_int_t  rc;

    static const struct {
        const char  *s;
        long long    t;
    } good[] = {
        { "2026-12-04T18:30:00Z", 1796409000 },
        { "2026-12-04T20:30:00+02:00", 1796409000 },
        { "2026-12-04T13:30:00-05:00", 1796409000 },
        { "2026-12-05T00:00:00+05:30", 1796409000 },
        { "2026-12-04T18:30:00.999999999Z", 1796409000 },
        { "2026-12-04T18:30:00.5+00:00", 1796409000 },
        { "2026-12-04T18:30:00-00:00", 1796409000 },
        { "2026-12-04t18:30:00z", 1796409000 },
        { "2026-12-04T17:30:00.123+01:00", 1796401800 },
        { "2024-02-29T00:00:00Z", 1709164800 },
        { "2024-03-01T00:00:00Z", 1709251200 },
        { "2000-02-29T00:00:00Z", 951782400 },
        { "2400-02-29T12:00:00Z", 13574606400LL },
        { "2016-12-31T23:59:60Z", 1483228800 },
        { "1970-01-01T00:00:01Z", 1 },
        { "1969-12-31T23:00:00-02:00", 3600 },
        { "9999-12-31T23:59:59Z", 253402300799LL },
    };

    static const char  *bad[] = {
        "2023-02-29T00:00:00Z",          /* not a leap year */
        "2100-02-29T00:00:00Z",          /* century, not a leap year */
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "2026-01-32T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-12-04T24:00:00Z",
        "2026-12-04T18:60:00Z",
        "2026-12-04T18:30:61Z",
        "2026-12-04T18:30:00",           /* no offset */
        "2026-12-04 18:30:00Z",
        "2026-12-04T18:30:00.Z",
        "2026-12-04T18:30:00+0200",
        "2026-12-04T18:30:00+02",
        "2026-12-04T18:30:00+24:00",
        "2026-12-04T18:30:00+02:60",
        "2026-12-04T18:30:00Zx",
        "2026-12-04T18:30:00Z ",
        " 2026-12-04T18:30:00Z",
        "2026-12-04T18:30Z",
        "2026-12-04",
        "2026-12-4T18:30:00Z",
        "20261204T183000Z",
        "2O26-12-04T18:30:00Z",
        "+026-12-04T18:30:00Z",
        "2026-12-04T18:30:00,5Z",
        "2026-12-04T18:30:00UTC",
        "0000-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",          /* before the epoch */
        "1970-01-01T00:00:00Z",          /* 0 means absent */
        "1970-01-01T00:30:00+01:00",
        "",
    };

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        t = 0;
        rc = ngx_ims_ut_zn_parse_time((const u_char *) good[i].s,
                                      strlen(good[i].s), &t);
        is_int(rc, NGX_OK, "time: %s accepted", good[i].s);
        is_int(t, good[i].t, "time: %s epoch", good[i].s);
    }

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rc = ngx_ims_ut_zn_parse_time((const u_char *) bad[i],
                                      strlen(bad[i]), &t);
        is_int(rc, NGX_ERROR, "time: '%s' rejected", bad[i]);
    }

    /* no reading past the given length */

    rc = ngx_ims_ut_zn_parse_time((const u_char *) "2026-12-04T18:30:00Z",
                                  19, &t);
    is_int(rc, NGX_ERROR, "time: length honoured");

    /*
     * every day from 1970 to 2405, at a time of day that moves, against
     * glibc's timegm() as an independent reference
     */

    {
        char        s[64];
        long long   d, mism;
        struct tm   tm;
        time_t      ref, base;

        mism = 0;
        base = 0;

        for (d = 0; d < 159000; d++) {
            ref = base + (time_t) d * 86400 + (d * 7919) % 86400;

            if (ref == 0) {
                continue;
            }

            gmtime_r(&ref, &tm);
            strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);

            if (ngx_ims_ut_zn_parse_time((u_char *) s, strlen(s), &t)
                != NGX_OK || t != ref)
            {
                if (mism++ < 3) {
                    printf("# mismatch at %s\n", s);
                }
            }

            /* same instant written with a negative offset */

            tm.tm_hour -= 3;
            tm.tm_min -= 45;
            ref = timegm(&tm) + 3 * 3600 + 45 * 60;
            strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S-03:45", &tm);

            if (ref > 0
                && (ngx_ims_ut_zn_parse_time((u_char *) s, strlen(s), &t)
                    != NGX_OK || t != ref))
            {
                if (mism++ < 3) {
                    printf("# mismatch at %s\n", s);
                }
            }
        }

        is_int(mism, 0, "time: 159000 days agree with timegm()");
    }
}


static void
test_key_errors(void)
{
    expect_error("{}", "meKeyMaterial missing", "no key");
    expect_error("{\"mekeymaterial\":\"" KS_NAF_HEX "\"}",
                 "meKeyMaterial missing", "member names are case-sensitive");
    expect_error("{\"meKeyMaterial\":\""
                 "d634b3a8c9f2be58b8b0a1266b756f21"
                 "f70e6b6b2355034c42c03e90a798512"
                 "\"}", "meKeyMaterial not 64 hex digits", "63 digits");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "0\"}",
                 "meKeyMaterial not 64 hex digits", "65 digits");
    expect_error("{\"meKeyMaterial\":\"\"}",
                 "meKeyMaterial not 64 hex digits", "empty key");
    expect_error("{\"meKeyMaterial\":\""
                 "g634b3a8c9f2be58b8b0a1266b756f21"
                 "f70e6b6b2355034c42c03e90a7985123"
                 "\"}", "meKeyMaterial not 64 hex digits", "non-hex digit");
    expect_error("{\"meKeyMaterial\":\""
                 "d634b3a8c9f2be58b8b0a1266b756f21"
                 "f70e6b6b2355034c42c03e90a798512 "
                 "\"}", "meKeyMaterial not 64 hex digits", "trailing space");
    expect_error("{\"meKeyMaterial\":\""
                 "0xd634b3a8c9f2be58b8b0a1266b756f2"
                 "1f70e6b6b2355034c42c03e90a79851"
                 "\"}", "meKeyMaterial not 64 hex digits", "0x prefix");
    expect_error("{\"meKeyMaterial\":12345}", "meKeyMaterial not a string",
                 "key is a number");
    expect_error("{\"meKeyMaterial\":null}", "meKeyMaterial not a string",
                 "key is null");
    expect_error("{\"meKeyMaterial\":[\"" KS_NAF_HEX "\"]}",
                 "meKeyMaterial not a string", "key is an array");

    expect_extra_error("\"uiccKeyMaterial\":\"abc\"",
                       "uiccKeyMaterial not 64 hex digits", "bad uicc key");
    expect_extra_error("\"uiccKeyMaterial\":1",
                       "uiccKeyMaterial not a string", "uicc key number");
    expect_extra_ok("\"uiccKeyMaterial\":\"" KS_NAF_HEX "\"",
                    "uicc key present");
    ok(memcmp(ans.ks_naf, ks_naf, 32) == 0, "uicc key present: ME key kept");
}


static void
test_json_errors(void)
{
    size_t       n, len;
    char        *big;
    ngx_int_t    rc;
    const char  *err;

    static const char  body[] =
        "{\"meKeyMaterial\":\"" KS_NAF_HEX "\","
        "\"ussList\":[{\"uss\":{\"gsId\":1,\"gsType\":1,"
        "\"ueIds\":[{\"ueId\":\"" IMPU1 "\"}]}}]}";

    expect_error("[]", "not a JSON object", "array");
    expect_error("[{\"meKeyMaterial\":\"" KS_NAF_HEX "\"}]",
                 "not a JSON object", "object in an array");
    expect_error("\"" KS_NAF_HEX "\"", "not a JSON object", "string");
    expect_error("42", "not a JSON object", "number");
    expect_error("null", "not a JSON object", "null");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\"",
                 "truncated JSON", "truncated object");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\",\"meKeyMaterial\":\""
                 KS_NAF_HEX "\"}", "duplicate member in JSON",
                 "duplicate key");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\",\"impi\":\"a\","
                 "\"impi\":\"b\"}", "duplicate member in JSON",
                 "duplicate impi");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\"} {}",
                 "data after the JSON value", "two values");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\","
                 "\"impi\":\"a\\u0000b\"}",
                 "NUL in a JSON string", "escaped NUL");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\",\"impi\":\"\xff\"}",
                 "JSON not valid UTF-8", "invalid UTF-8");
    expect_error("{'meKeyMaterial':'" KS_NAF_HEX "'}", "invalid JSON",
                 "single quotes");
    expect_error("{\"meKeyMaterial\":\"" KS_NAF_HEX "\",}", "invalid JSON",
                 "trailing comma");
    expect_error("   ", "truncated JSON", "blank");

    rc = ngx_ims_ut_zn_parse((const u_char *) "", 0, &ans, &err);
    ok(rc == NGX_ERROR && strcmp(err, "empty answer") == 0, "empty body");

    rc = ngx_ims_ut_zn_parse(NULL, 0, &ans, &err);
    ok(rc == NGX_ERROR, "NULL empty body");

    /* raw NUL byte inside the body */

    rc = ngx_ims_ut_zn_parse((const u_char *) "{\"a\":\"\0\"}", 8, &ans, &err);
    is_int(rc, NGX_ERROR, "raw NUL byte rejected");

    /* every proper prefix of a valid answer is refused */

    for (n = 0, len = 0; len < sizeof(body) - 1; len++) {
        if (ngx_ims_ut_zn_parse((const u_char *) body, len, &ans, &err)
            == NGX_OK)
        {
            n++;
        }
    }

    is_int(n, 0, "every truncation of an answer rejected");
    is_int(ngx_ims_ut_zn_parse((const u_char *) body, sizeof(body) - 1, &ans,
                               &err),
           NGX_OK, "the untruncated answer accepted");

    /* size limit: the same answer padded with whitespace */

    big = malloc(NGX_IMS_UT_ZN_MAX_ANSWER + 2);

    if (big) {
        len = NGX_IMS_UT_ZN_MAX_ANSWER;
        memset(big, ' ', len + 1);
        memcpy(big, body, sizeof(body) - 1);

        rc = ngx_ims_ut_zn_parse((u_char *) big, len, &ans, &err);
        is_int(rc, NGX_OK, "answer of exactly the size limit accepted");

        rc = ngx_ims_ut_zn_parse((u_char *) big, len + 1, &ans, &err);
        ok(rc == NGX_ERROR && strcmp(err, "answer too large") == 0,
           "answer over the size limit rejected");

        free(big);
    }

    /* deeply nested unknown member: jansson's depth limit, no crash */

    big = malloc(200000);

    if (big) {
        n = 0;
        n += sprintf(big, "{\"meKeyMaterial\":\"" KS_NAF_HEX "\",\"x\":");
        memset(big + n, '[', 30000);
        n += 30000;
        memset(big + n, ']', 30000);
        n += 30000;
        big[n++] = '}';

        rc = ngx_ims_ut_zn_parse((u_char *) big, n, &ans, &err);
        ok(rc == NGX_ERROR && strcmp(err, "JSON nested too deeply") == 0,
           "deep nesting rejected");

        free(big);
    }
}


static void
test_members(void)
{
    char  s[600];

    /* times */

    expect_extra_error("\"keyExpiryTime\":\"2023-02-29T00:00:00Z\"",
                       "keyExpiryTime not RFC 3339", "expiry 2023-02-29");
    expect_extra_error("\"keyExpiryTime\":\"2026-13-01T00:00:00Z\"",
                       "keyExpiryTime not RFC 3339", "expiry month 13");
    expect_extra_error("\"keyExpiryTime\":\"2026-12-04T24:00:00Z\"",
                       "keyExpiryTime not RFC 3339", "expiry hour 24");
    expect_extra_error("\"keyExpiryTime\":1796409000",
                       "keyExpiryTime not a string", "expiry as a number");
    expect_extra_error("\"bootstrappingInfoCreationTime\":\"yesterday\"",
                       "bootstrappingInfoCreationTime not RFC 3339",
                       "creation time garbage");
    expect_extra_error("\"bootstrappingInfoCreationTime\":true",
                       "bootstrappingInfoCreationTime not a string",
                       "creation time boolean");
    expect_extra_ok("\"keyExpiryTime\":\"2024-02-29T23:59:59.5-01:00\"",
                    "expiry on a leap day with offset");
    is_int(ans.expires, 1709164800 + 86400 + 3599,
           "expiry on a leap day with offset: epoch");

    /* impi */

    memset(s, 'i', 255);
    snprintf(s + 255, sizeof(s) - 255, "\"");
    {
        char  extra[700];

        snprintf(extra, sizeof(extra), "\"impi\":\"%s", s);
        expect_extra_ok(extra, "impi of 255 bytes");
        is_int(ans.impi_len, 255, "impi of 255 bytes: length");

        s[255] = 'i';
        snprintf(s + 256, sizeof(s) - 256, "\"");
        snprintf(extra, sizeof(extra), "\"impi\":\"%s", s);
        expect_extra_error(extra, "impi too long", "impi of 256 bytes");
    }

    expect_extra_error("\"impi\":42", "impi not a string", "impi number");
    expect_extra_error("\"impi\":\"a\\nb\"", "impi has control characters",
                       "impi with LF");
    expect_extra_ok("\"impi\":\"\"", "empty impi");

    /* gbaType */

    expect_extra_ok("\"gbaType\":\"2G_GBA\"", "gbaType 2G_GBA");
    is_int(ans.gba_type, NGX_IMS_UT_GBA_2G, "gbaType 2G_GBA: value");
    expect_extra_ok("\"gbaType\":\"GBA_DIGEST\"", "gbaType GBA_DIGEST");
    is_int(ans.gba_type, NGX_IMS_UT_GBA_DIGEST, "gbaType GBA_DIGEST: value");
    expect_extra_ok("\"gbaType\":\"GBA_U\"", "gbaType unknown string");
    is_int(ans.gba_type, NGX_IMS_UT_GBA_OTHER, "gbaType unknown: OTHER");
    expect_extra_ok("\"gbaType\":\"3g_gba\"", "gbaType wrong case");
    is_int(ans.gba_type, NGX_IMS_UT_GBA_OTHER, "gbaType wrong case: OTHER");
    expect_extra_error("\"gbaType\":3", "gbaType not a string",
                       "gbaType number");
    expect_extra_error("\"gbaType\":[\"3G_GBA\"]", "gbaType not a string",
                       "gbaType array");
}


static void
test_uss(void)
{
    int     i;
    char   *p, extra[8192];
    char    id[300];

    expect_extra_ok("\"ussList\":[]", "empty ussList");
    is_int(ans.nids, 0, "empty ussList: no identities");
    expect_extra_ok("\"ussList\":[{\"uss\":{\"gsId\":1,\"gsType\":1,"
                    "\"ueIds\":[]}}]", "empty ueIds");
    is_int(ans.nids, 0, "empty ueIds: no identities");
    expect_extra_ok("\"ussList\":[{\"uss\":{\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                    "uss without gsId and gsType");
    is_int(ans.nids, 1, "uss without gsId and gsType: identity taken");
    expect_extra_ok("\"ussList\":[{\"uss\":{\"gsId\":0,\"gsType\":4294967295,"
                    "\"flags\":[],\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                    "Uint32 bounds");

    expect_extra_error("\"ussList\":{}", "ussList not an array",
                       "ussList object");
    expect_extra_error("\"ussList\":[\"sip:a@b\"]",
                       "ussList item not an object", "ussList of strings");
    expect_extra_error("\"ussList\":[{}]", "ussList item without uss",
                       "ussList item without uss");
    expect_extra_error("\"ussList\":[{\"uss\":[]}]", "uss not an object",
                       "uss array");
    expect_extra_error("\"ussList\":[{\"uss\":{\"gsId\":1,\"gsType\":1}}]",
                       "uss without ueIds", "uss without ueIds");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":null}}]",
                       "ueIds not an array", "ueIds null");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":\"sip:a@b\"}}]",
                       "ueIds not an array", "ueIds string");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":{\"ueId\":\"a\"}}}]",
                       "ueIds not an array", "ueIds object");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":[\"sip:a@b\"]}}]",
                       "ueIds item not an object", "ueIds of bare strings");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":[{\"id\":\"a\"}]}}]",
                       "ueIds item without ueId", "ueIds item without ueId");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":[{\"ueId\":7}]}}]",
                       "ueId not a string", "ueId number");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":[{\"ueId\":\"\"}]}}]",
                       "ueId empty", "ueId empty");
    expect_extra_error("\"ussList\":[{\"uss\":{\"ueIds\":"
                       "[{\"ueId\":\"sip:a@b\\r\\nX: y\"}]}}]",
                       "ueId has control characters", "ueId with CRLF");
    expect_extra_error("\"ussList\":[{\"uss\":{\"gsId\":\"1\","
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "gsId not a Uint32", "gsId string");
    expect_extra_error("\"ussList\":[{\"uss\":{\"gsId\":-1,"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "gsId not a Uint32", "gsId negative");
    expect_extra_error("\"ussList\":[{\"uss\":{\"gsType\":4294967296,"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "gsType not a Uint32", "gsType over 32 bits");
    expect_extra_error("\"ussList\":[{\"uss\":{\"gsType\":1.0,"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "gsType not a Uint32", "gsType real");
    expect_extra_error("\"ussList\":[{\"uss\":{\"nafGroup\":1,"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "nafGroup not a string", "nafGroup number");
    expect_extra_error("\"ussList\":[{\"uss\":{\"keyChoice\":false,"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "keyChoice not a string", "keyChoice boolean");
    expect_extra_error("\"ussList\":[{\"uss\":{\"flags\":1,"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "flags not an array", "flags number");
    expect_extra_error("\"ussList\":[{\"uss\":{\"flags\":[1],"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "flags item not an object", "flags of numbers");
    expect_extra_error("\"ussList\":[{\"uss\":{\"flags\":[{}],"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "flags item without flag", "flags item empty");
    expect_extra_error("\"ussList\":[{\"uss\":{\"flags\":[{\"flag\":\"1\"}],"
                       "\"ueIds\":[{\"ueId\":\"a\"}]}}]",
                       "flag not a Uint32", "flag string");

    /* 16 distinct identities fit, the 17th is refused, not dropped */

    p = extra + sprintf(extra, "\"ussList\":[{\"uss\":{\"ueIds\":[");
    for (i = 0; i < 16; i++) {
        p += sprintf(p, "%s{\"ueId\":\"sip:user%d@ims.example.org\"}",
                     i ? "," : "", i);
    }
    sprintf(p, "]}}]");
    expect_extra_ok(extra, "16 identities");
    is_int(ans.nids, 16, "16 identities: all kept");
    ok(ngx_ims_ut_zn_has_identity(&ans, (u_char *) "sip:user15@ims.example.org",
                                  26) == 1,
       "16 identities: the last one found");

    p = extra + sprintf(extra, "\"ussList\":[{\"uss\":{\"ueIds\":[");
    for (i = 0; i < 17; i++) {
        p += sprintf(p, "%s{\"ueId\":\"sip:user%d@ims.example.org\"}",
                     i ? "," : "", i);
    }
    sprintf(p, "]}}]");
    expect_extra_error(extra, "too many identities", "17 identities");

    /* duplicates across uss entries do not count twice */

    p = extra + sprintf(extra, "\"ussList\":[");
    for (i = 0; i < 20; i++) {
        p += sprintf(p, "%s{\"uss\":{\"gsId\":%d,\"gsType\":1,\"ueIds\":["
                     "{\"ueId\":\"sip:user%d@ims.example.org\"},"
                     "{\"ueId\":\"sip:user%d@ims.example.org\"}]}}",
                     i ? "," : "", i, i % 16, (i + 1) % 16);
    }
    sprintf(p, "]");
    expect_extra_ok(extra, "40 ueIds, 16 distinct");
    is_int(ans.nids, 16, "40 ueIds, 16 distinct: deduplicated");

    /* byte budget: 8 x 255 = 2040 fits, a 9th long one does not */

    p = extra + sprintf(extra, "\"ussList\":[{\"uss\":{\"ueIds\":[");
    for (i = 0; i < 8; i++) {
        memset(id, 'a' + i, 255);
        id[255] = '\0';
        p += sprintf(p, "%s{\"ueId\":\"%s\"}", i ? "," : "", id);
    }
    sprintf(p, "]}}]");
    expect_extra_ok(extra, "8 identities of 255 bytes");
    is_int(ans.ids_len, 2040, "8 identities of 255 bytes: bytes used");

    p = extra + sprintf(extra, "\"ussList\":[{\"uss\":{\"ueIds\":[");
    for (i = 0; i < 9; i++) {
        memset(id, 'a' + i, 255);
        id[255] = '\0';
        p += sprintf(p, "%s{\"ueId\":\"%s\"}", i ? "," : "", id);
    }
    sprintf(p, "]}}]");
    expect_extra_error(extra, "identities too long in total",
                       "9 identities of 255 bytes");

    memset(id, 'z', 256);
    id[256] = '\0';
    snprintf(extra, sizeof(extra),
             "\"ussList\":[{\"uss\":{\"ueIds\":[{\"ueId\":\"%s\"}]}}]", id);
    expect_extra_error(extra, "ueId too long", "ueId of 256 bytes");
}


static void
test_problem(void)
{
    size_t  len;
    u_char  buf[256];

#define PROBLEM(s, size)                                                     \
    ngx_ims_ut_zn_problem((const u_char *) (s), sizeof(s) - 1, buf, size,   \
                          &len)

    PROBLEM("{\"type\":\"about:blank\",\"title\":\"Not Found\","
            "\"status\":404,\"detail\":\"B-TID unknown\","
            "\"cause\":\"USER_NOT_FOUND\",\"instance\":\"/x\"}", sizeof(buf));
    is_str(buf, len, "status 404, cause \"USER_NOT_FOUND\", "
           "title \"Not Found\", detail \"B-TID unknown\"",
           "problem: status, cause, title, detail");

    PROBLEM("{\"cause\":\"MANDATORY_IE_INCORRECT\"}", sizeof(buf));
    is_str(buf, len, "cause \"MANDATORY_IE_INCORRECT\"", "problem: cause only");

    PROBLEM("{\"title\":\"a\\\"b\\\\c\\r\\nInjected: 1\\u007f\"}",
            sizeof(buf));
    is_str(buf, len, "title \"a\\x22b\\x5cc\\x0d\\x0aInjected: 1\\x7f\"",
           "problem: quotes, backslash and CTLs escaped");

    PROBLEM("{\"title\":\"B\xc3\xbc" "cher\"}", sizeof(buf));
    is_str(buf, len, "title \"B\xc3\xbc" "cher\"", "problem: UTF-8 kept");

    PROBLEM("{\"status\":\"404\",\"cause\":5,\"type\":\"x\"}", sizeof(buf));
    is_str(buf, len, "no problem details", "problem: members of wrong types");

    PROBLEM("{\"status\":99999}", sizeof(buf));
    is_str(buf, len, "no problem details", "problem: absurd status");

    PROBLEM("{}", sizeof(buf));
    is_str(buf, len, "no problem details", "problem: empty object");

    PROBLEM("<html><body>502 Bad Gateway</body></html>", sizeof(buf));
    is_str(buf, len, "not problem+json, 41 bytes", "problem: HTML body");

    PROBLEM("[1,2]", sizeof(buf));
    is_str(buf, len, "not problem+json, 5 bytes", "problem: array");

    PROBLEM("{\"cause\":\"X\",\"cause\":\"Y\"}", sizeof(buf));
    ok(len > 0, "problem: duplicate members still described");

    ngx_ims_ut_zn_problem((const u_char *) "", 0, buf, sizeof(buf), &len);
    is_str(buf, len, "empty body", "problem: empty body");

    ngx_ims_ut_zn_problem(NULL, 0, NULL, 0, &len);
    is_int(len, 0, "problem: no room at all");

    /* cut to size, never in the middle of an escape */

    PROBLEM("{\"status\":404,\"title\":\"abcdefghij\"}", 20);
    is_str(buf, len, "status 404, title \"a", "problem: cut to 20 bytes");

    PROBLEM("{\"title\":\"ab\\ncd\"}", 11);
    is_str(buf, len, "title \"ab", "problem: escape not split");

    PROBLEM("{\"title\":\"ab\\ncd\"}", 13);
    is_str(buf, len, "title \"ab\\x0a", "problem: escape whole");

    memset(buf, 0xee, sizeof(buf));
    PROBLEM("{\"detail\":\"0123456789012345678901234567890123456789\"}", 16);
    ok(len == 16 && buf[16] == 0xee, "problem: never writes past size");

#undef PROBLEM
}


int
main(void)
{
    test_request();
    test_full_answer();
    test_time();
    test_key_errors();
    test_json_errors();
    test_members();
    test_uss();
    test_problem();

    return done_testing();
}
