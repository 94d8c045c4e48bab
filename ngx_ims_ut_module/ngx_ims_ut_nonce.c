
/*
 * Stateless HMAC nonces for Digest challenges; the format is described in
 * ngx_ims_ut_nonce.h.  Pure: no pool, no log.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#if (OPENSSL_VERSION_NUMBER >= 0x30000000L)
#include <openssl/core_names.h>
#include <openssl/params.h>
#else
#include <openssl/hmac.h>
#endif

#include "ngx_ims_ut_nonce.h"


#define NGX_IMS_UT_NONCE_HEAD_LEN  17    /* version, time, rnd */
#define NGX_IMS_UT_NONCE_KEY_CACHE 1024  /* longest secret kept keyed */
#define NGX_IMS_UT_NONCE_TAG_LEN   16


static ngx_int_t ngx_ims_ut_nonce_tag(const u_char *secret,
    size_t secret_len, const u_char *head, const ngx_str_t *realm,
    u_char *tag);
static ngx_int_t ngx_ims_ut_nonce_decode(const ngx_str_t *nonce,
    u_char *raw);
static ngx_int_t ngx_ims_ut_nonce_b64(u_char c);


static const u_char  ngx_ims_ut_nonce_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


ngx_int_t
ngx_ims_ut_nonce_create(const u_char *secret, size_t secret_len,
    const ngx_str_t *realm, time_t now, const u_char rnd[8],
    u_char out[NGX_IMS_UT_NONCE_LEN])
{
    u_char      raw[NGX_IMS_UT_NONCE_RAW_LEN], *p;
    uint32_t    v;
    uint64_t    t;
    ngx_uint_t  i;

    /* a failure leaves a string outside the alphabet: check() refuses it */
    ngx_memset(out, '.', NGX_IMS_UT_NONCE_LEN);

    if (secret_len == 0) {
        return NGX_ERROR;
    }

    raw[0] = NGX_IMS_UT_NONCE_VERSION;

    t = (uint64_t) now;

    for (i = 0; i < 8; i++) {
        raw[1 + i] = (u_char) (t >> (56 - 8 * i));
    }

    ngx_memcpy(&raw[9], rnd, 8);

    if (ngx_ims_ut_nonce_tag(secret, secret_len, raw, realm,
                             &raw[NGX_IMS_UT_NONCE_HEAD_LEN])
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* 33 octets are exactly 11 groups of 3: no padding, no partial group */

    p = out;

    for (i = 0; i < NGX_IMS_UT_NONCE_RAW_LEN; i += 3) {
        v = ((uint32_t) raw[i] << 16) | ((uint32_t) raw[i + 1] << 8)
            | raw[i + 2];

        *p++ = ngx_ims_ut_nonce_alphabet[(v >> 18) & 0x3f];
        *p++ = ngx_ims_ut_nonce_alphabet[(v >> 12) & 0x3f];
        *p++ = ngx_ims_ut_nonce_alphabet[(v >> 6) & 0x3f];
        *p++ = ngx_ims_ut_nonce_alphabet[v & 0x3f];
    }

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_nonce_check(const u_char *secret, size_t secret_len,
    const ngx_str_t *realm, const ngx_str_t *nonce, time_t *issued)
{
    u_char      raw[NGX_IMS_UT_NONCE_RAW_LEN],
                tag[NGX_IMS_UT_NONCE_TAG_LEN];
    uint64_t    t;
    ngx_uint_t  i;

    if (secret_len == 0
        || ngx_ims_ut_nonce_decode(nonce, raw) != NGX_OK
        || raw[0] != NGX_IMS_UT_NONCE_VERSION)
    {
        return NGX_DECLINED;
    }

    if (ngx_ims_ut_nonce_tag(secret, secret_len, raw, realm, tag) != NGX_OK)
    {
        return NGX_DECLINED;
    }

    if (CRYPTO_memcmp(tag, &raw[NGX_IMS_UT_NONCE_HEAD_LEN],
                      NGX_IMS_UT_NONCE_TAG_LEN)
        != 0)
    {
        return NGX_DECLINED;
    }

    t = 0;

    for (i = 0; i < 8; i++) {
        t = (t << 8) | raw[1 + i];
    }

    *issued = (time_t) t;

    return NGX_OK;
}


uint64_t
ngx_ims_ut_nonce_key(const ngx_str_t *nonce)
{
    u_char      raw[NGX_IMS_UT_NONCE_RAW_LEN];
    uint64_t    key;
    ngx_uint_t  i;

    if (ngx_ims_ut_nonce_decode(nonce, raw) != NGX_OK) {
        return 0;
    }

    key = 0;

    for (i = 0; i < 8; i++) {
        key = (key << 8) | raw[NGX_IMS_UT_NONCE_HEAD_LEN + i];
    }

    return key;
}


static ngx_int_t
ngx_ims_ut_nonce_tag(const u_char *secret, size_t secret_len,
    const u_char *head, const ngx_str_t *realm, u_char *tag)
{
    u_char        md[EVP_MAX_MD_SIZE];
    ngx_int_t     rc;
#if (OPENSSL_VERSION_NUMBER >= 0x30000000L)
    size_t        len;
    OSSL_PARAM    params[2];

    /*
     * Fetching the HMAC implementation and keying a context cost more than
     * the MAC itself; a worker keeps one keyed context and re-initialises
     * it with the same key (EVP_MAC_init() with a NULL key).
     */

    static EVP_MAC      *mac;
    static EVP_MAC_CTX  *ctx;
    static u_char        key[NGX_IMS_UT_NONCE_KEY_CACHE];
    static size_t        key_len;

    if (mac == NULL) {
        mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        if (mac == NULL) {
            return NGX_ERROR;
        }
    }

    if (ctx == NULL) {
        ctx = EVP_MAC_CTX_new(mac);
        if (ctx == NULL) {
            return NGX_ERROR;
        }

        key_len = 0;
    }

    if (key_len != 0
        && key_len == secret_len
        && CRYPTO_memcmp(key, secret, secret_len) == 0)
    {
        rc = EVP_MAC_init(ctx, NULL, 0, NULL);

    } else {
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                     (char *) "SHA256", 0);
        params[1] = OSSL_PARAM_construct_end();

        rc = EVP_MAC_init(ctx, secret, secret_len, params);

        if (rc == 1 && secret_len <= sizeof(key)) {
            ngx_memcpy(key, secret, secret_len);
            key_len = secret_len;

        } else {
            key_len = 0;
        }
    }

    if (rc != 1
        || EVP_MAC_update(ctx, head, NGX_IMS_UT_NONCE_HEAD_LEN) != 1
        || (realm->len
            && EVP_MAC_update(ctx, realm->data, realm->len) != 1)
        || EVP_MAC_final(ctx, md, &len, sizeof(md)) != 1
        || len < NGX_IMS_UT_NONCE_TAG_LEN)
    {
        /* a context in an unknown state is not reused */
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
        OPENSSL_cleanse(md, sizeof(md));
        return NGX_ERROR;
    }

    ngx_memcpy(tag, md, NGX_IMS_UT_NONCE_TAG_LEN);
    OPENSSL_cleanse(md, sizeof(md));

    return NGX_OK;

#else
    unsigned int  len;
    HMAC_CTX     *ctx;

    ctx = HMAC_CTX_new();
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (HMAC_Init_ex(ctx, secret, (int) secret_len, EVP_sha256(), NULL) != 1
        || HMAC_Update(ctx, head, NGX_IMS_UT_NONCE_HEAD_LEN) != 1
        || (realm->len && HMAC_Update(ctx, realm->data, realm->len) != 1)
        || HMAC_Final(ctx, md, &len) != 1
        || len < NGX_IMS_UT_NONCE_TAG_LEN)
    {
        goto done;
    }

    ngx_memcpy(tag, md, NGX_IMS_UT_NONCE_TAG_LEN);
    rc = NGX_OK;

done:

    OPENSSL_cleanse(md, sizeof(md));
    HMAC_CTX_free(ctx);

    return rc;
#endif
}


/* strict base64url: exactly NGX_IMS_UT_NONCE_LEN characters, no padding */

static ngx_int_t
ngx_ims_ut_nonce_decode(const ngx_str_t *nonce, u_char *raw)
{
    uint32_t    v;
    ngx_int_t   c;
    ngx_uint_t  i, j;

    if (nonce->len != NGX_IMS_UT_NONCE_LEN) {
        return NGX_DECLINED;
    }

    for (i = 0; i < NGX_IMS_UT_NONCE_LEN; i += 4) {
        v = 0;

        for (j = 0; j < 4; j++) {
            c = ngx_ims_ut_nonce_b64(nonce->data[i + j]);
            if (c < 0) {
                return NGX_DECLINED;
            }

            v = (v << 6) | (uint32_t) c;
        }

        *raw++ = (u_char) (v >> 16);
        *raw++ = (u_char) (v >> 8);
        *raw++ = (u_char) v;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_ims_ut_nonce_b64(u_char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }

    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }

    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }

    if (c == '-') {
        return 62;
    }

    if (c == '_') {
        return 63;
    }

    return -1;
}
