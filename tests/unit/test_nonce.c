
/*
 * Unit tests of the stateless nonces (ngx_ims_ut_nonce.c).
 *
 * The known-answer nonce was computed independently with Python:
 *
 *   head = b'\x01' + struct.pack('>Q', 1700000000)
 *          + bytes.fromhex('0011223344556677')
 *   tag  = hmac.new(SECRET, head + REALM, hashlib.sha256).digest()[:16]
 *   base64.urlsafe_b64encode(head + tag)
 *
 * and the format is checked a second way below with OpenSSL's one-shot
 * HMAC() and EVP_DecodeBlock().
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ngx_ims_ut_nonce.h"
#include "tap.h"


#define SECRET  "0123456789abcdef0123456789abcdef"
#define REALM   "3GPP-bootstrapping@xcap.ims.mnc001.mcc001.3gppnetwork.org"
#define KAT     "AQAAAABlU_EAABEiM0RVZnenmNVKATnlEwanE2v0AqYG"

#define ALPHABET                                                             \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


static ngx_str_t
str(const char *s)
{
    ngx_str_t  v;

    v.data = (u_char *) s;
    v.len = strlen(s);

    return v;
}


static ngx_int_t
check(const char *secret, const char *realm, const u_char *p, size_t len,
    time_t *issued)
{
    u_char     *copy;
    ngx_int_t   rc;
    ngx_str_t   r, n;

    /* an exact-size heap copy, so ASan sees reads past the end */

    copy = malloc(len ? len : 1);
    if (copy == NULL) {
        abort();
    }

    memcpy(copy, p, len);

    r = str(realm);
    n.data = copy;
    n.len = len;

    rc = ngx_ims_ut_nonce_check((u_char *) secret, strlen(secret), &r, &n,
                                issued);
    free(copy);

    return rc;
}


/* base64url of 33 octets, decoded with OpenSSL after mapping the alphabet */

static int
decode_independently(const u_char *nonce, u_char raw[33])
{
    u_char   b64[NGX_IMS_UT_NONCE_LEN + 1], out[36];
    size_t   i;

    for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i++) {
        b64[i] = nonce[i] == '-' ? '+' : nonce[i] == '_' ? '/' : nonce[i];
    }

    b64[NGX_IMS_UT_NONCE_LEN] = '\0';

    if (EVP_DecodeBlock(out, b64, NGX_IMS_UT_NONCE_LEN) != 33) {
        return 0;
    }

    memcpy(raw, out, 33);

    return 1;
}


int
main(void)
{
    u_char         out[NGX_IMS_UT_NONCE_LEN], other[NGX_IMS_UT_NONCE_LEN],
                   mut[NGX_IMS_UT_NONCE_LEN], raw[33], md[EVP_MAX_MD_SIZE],
                   buf[64], msg[17 + sizeof(REALM) - 1], b64[48],
                   longer[NGX_IMS_UT_NONCE_LEN + 4];
    size_t         i, j, bad;
    time_t         issued;
    uint64_t       key;
    ngx_str_t      realm, n;
    const char    *a;
    unsigned int   mdlen;

    static const u_char  rnd[8] = { 0x00, 0x11, 0x22, 0x33,
                                    0x44, 0x55, 0x66, 0x77 };
    static const u_char  rnd2[8] = { 0xff, 0xee, 0xdd, 0xcc,
                                     0xbb, 0xaa, 0x99, 0x88 };

    /* NUL, DEL and obs-text as well as base64 and HTTP specials */
    static const char    bad_chars[] = "+/= .\"\\\x00\x7f\x80\xff";

    realm = str(REALM);

    /* known answer and shape */

    is_int(ngx_ims_ut_nonce_create((u_char *) SECRET, strlen(SECRET), &realm,
                                   1700000000, rnd, out),
           NGX_OK, "create");
    is_str(out, NGX_IMS_UT_NONCE_LEN, KAT, "known-answer nonce");

    bad = 0;
    for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i++) {
        if (memchr(ALPHABET, out[i], 64) == NULL) {
            bad++;
        }
    }

    is_int(bad, 0, "only base64url characters");

    /* the documented format, recomputed with OpenSSL's one-shot HMAC */

    ok(decode_independently(out, raw), "decodes as base64url");
    is_int(raw[0], 1, "version octet");
    ok(memcmp(raw + 9, rnd, 8) == 0, "random octets carried");

    memcpy(msg, raw, 17);
    memcpy(msg + 17, REALM, sizeof(REALM) - 1);
    HMAC(EVP_sha256(), SECRET, strlen(SECRET), msg, sizeof(msg), md, &mdlen);

    ok(memcmp(raw + 17, md, 16) == 0, "tag is HMAC-SHA-256(...realm)[0..15]");

    /* round trip and the issue time */

    issued = 0;
    is_int(check(SECRET, REALM, out, NGX_IMS_UT_NONCE_LEN, &issued), NGX_OK,
           "round trip");
    is_int(issued, 1700000000, "issue time returned");

    ngx_ims_ut_nonce_create((u_char *) SECRET, strlen(SECRET), &realm,
                            (time_t) 0x0102030405060708LL, rnd, other);
    is_int(check(SECRET, REALM, other, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_OK, "round trip, 64-bit time");
    is_int(issued, (time_t) 0x0102030405060708LL,
           "all 8 time octets big-endian");

    ngx_ims_ut_nonce_create((u_char *) SECRET, strlen(SECRET), &realm, 0,
                            rnd, other);
    is_int(check(SECRET, REALM, other, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_OK, "round trip, time 0");
    is_int(issued, 0, "time 0 returned");

    /* another random part: another nonce, also valid */

    ngx_ims_ut_nonce_create((u_char *) SECRET, strlen(SECRET), &realm,
                            1700000000, rnd2, other);
    ok(memcmp(out, other, NGX_IMS_UT_NONCE_LEN) != 0,
       "other random, other nonce");
    is_int(check(SECRET, REALM, other, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_OK, "other random verifies");

    /* realm binding */

    is_int(check(SECRET,
                 "3GPP-bootstrapping@xcap.ims.mnc002.mcc001.3gppnetwork.org",
                 out, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "wrong realm");
    is_int(check(SECRET, REALM "x", out, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "realm with a suffix");
    is_int(check(SECRET, "", out, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "empty realm");

    /* secret */

    is_int(check("0123456789abcdef0123456789abcdeF", REALM, out,
                 NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "wrong secret");
    is_int(check("0123456789abcdef", REALM, out, NGX_IMS_UT_NONCE_LEN,
                 &issued),
           NGX_DECLINED, "secret prefix");
    is_int(check("", REALM, out, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "empty secret");
    is_int(ngx_ims_ut_nonce_create((u_char *) "", 0, &realm, 1, rnd, other),
           NGX_ERROR, "create with empty secret fails");
    is_int(check(SECRET, REALM, other, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "failed create leaves an invalid nonce");

    /* every character carries tag, time or random bits */

    bad = 0;
    for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i++) {
        for (j = 0; j < 6; j++) {
            memcpy(mut, out, NGX_IMS_UT_NONCE_LEN);
            a = strchr(ALPHABET, out[i]);
            mut[i] = ALPHABET[(a - ALPHABET) ^ (1 << j)];

            if (check(SECRET, REALM, mut, NGX_IMS_UT_NONCE_LEN, &issued)
                != NGX_DECLINED)
            {
                bad++;
            }
        }
    }

    is_int(bad, 0, "each of the 264 single-bit flips declined");

    /* version: a correctly MACed nonce of version 2 is still refused */

    msg[0] = 2;
    HMAC(EVP_sha256(), SECRET, strlen(SECRET), msg, sizeof(msg), md, &mdlen);
    memcpy(buf, msg, 17);
    memcpy(buf + 17, md, 16);
    EVP_EncodeBlock(b64, buf, 33);

    for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i++) {
        b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
    }

    is_int(check(SECRET, REALM, b64, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "version 2 declined");

    /* length */

    is_int(check(SECRET, REALM, out, NGX_IMS_UT_NONCE_LEN - 1, &issued),
           NGX_DECLINED, "truncated by one");
    is_int(check(SECRET, REALM, out, 40, &issued), NGX_DECLINED,
           "truncated to a group boundary");
    is_int(check(SECRET, REALM, out, 0, &issued), NGX_DECLINED, "empty");

    memcpy(longer, out, NGX_IMS_UT_NONCE_LEN);
    memcpy(longer + NGX_IMS_UT_NONCE_LEN, "AAAA", 4);
    is_int(check(SECRET, REALM, longer, sizeof(longer), &issued),
           NGX_DECLINED, "extended by a group");

    memcpy(longer + NGX_IMS_UT_NONCE_LEN, "=", 1);
    is_int(check(SECRET, REALM, longer, NGX_IMS_UT_NONCE_LEN + 1, &issued),
           NGX_DECLINED, "padding appended");

    /* characters outside base64url */

    bad = 0;
    for (j = 0; j < sizeof(bad_chars) - 1; j++) {
        for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i += 11) {
            memcpy(mut, out, NGX_IMS_UT_NONCE_LEN);
            mut[i] = bad_chars[j];

            if (check(SECRET, REALM, mut, NGX_IMS_UT_NONCE_LEN, &issued)
                != NGX_DECLINED)
            {
                bad++;
            }
        }
    }

    is_int(bad, 0, "non-base64url characters declined");

    /* the standard-base64 spelling of a nonce is not accepted */

    for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i++) {
        mut[i] = out[i] == '-' ? '+' : out[i] == '_' ? '/' : out[i];
    }

    ok(memchr(out, '_', NGX_IMS_UT_NONCE_LEN) != NULL,
       "known answer has a '_'");
    is_int(check(SECRET, REALM, mut, NGX_IMS_UT_NONCE_LEN, &issued),
           NGX_DECLINED, "standard base64 alphabet declined");

    /* key for per-nonce state */

    n.data = out;
    n.len = NGX_IMS_UT_NONCE_LEN;
    key = ngx_ims_ut_nonce_key(&n);
    is_int(key == 0xa798d54a0139e513ULL, 1, "key: first 8 tag octets");

    n.data = other;
    ok(ngx_ims_ut_nonce_key(&n) != key, "key: differs for another nonce");

    n.data = out;
    n.len = NGX_IMS_UT_NONCE_LEN - 1;
    is_int(ngx_ims_ut_nonce_key(&n), 0, "key: 0 for a short nonce");

    memcpy(mut, out, NGX_IMS_UT_NONCE_LEN);
    mut[3] = '+';
    n.data = mut;
    n.len = NGX_IMS_UT_NONCE_LEN;
    is_int(ngx_ims_ut_nonce_key(&n), 0, "key: 0 for a bad character");

    return done_testing();
}
