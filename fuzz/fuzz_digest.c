
/*
 * libFuzzer target: the Authorization header parser, then, on success,
 * everything the access handler would do with the credentials: H(body),
 * response and rspauth computation, the constant-time compare, the
 * stateless nonce check and key.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_ims_ut_digest.h"
#include "ngx_ims_ut_nonce.h"


#define SECRET  "fuzz-secret-fuzz-secret-fuzz-sec"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check_field(const ngx_str_t *f, const u_char *value, size_t size,
    const u_char *buf)
{
    /* every field lies wholly inside the value or the scratch buffer */

    if (f->len == 0) {
        return;
    }

    if (f->len > NGX_IMS_UT_DIGEST_MAX_FIELD) {
        abort();
    }

    if (!((f->data >= value && f->data + f->len <= value + size)
          || (f->data >= buf && f->data + f->len <= buf + size)))
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                    *value, *buf,
                               out[NGX_IMS_UT_DIGEST_MAX_HEX],
                               body[NGX_IMS_UT_DIGEST_MAX_HEX],
                               nonce[NGX_IMS_UT_NONCE_LEN], rnd[8];
    size_t                     n, hlen;
    time_t                     issued;
    ngx_int_t                  rc;
    ngx_str_t                  method, pass, ns;
    ngx_ims_ut_digest_body_t   b;
    ngx_ims_ut_digest_cred_t   c;

    /* exact-size copies: ASan catches any read or write past either */

    value = malloc(size ? size : 1);
    buf = malloc(size ? size : 1);

    if (value == NULL || buf == NULL) {
        abort();
    }

    memcpy(value, data, size);

    rc = ngx_ims_ut_digest_parse(value, size, buf, &c);

    if (rc != NGX_OK) {
        if (rc != NGX_DECLINED && rc != NGX_ERROR) {
            abort();
        }

        goto done;
    }

    check_field(&c.username, value, size, buf);
    check_field(&c.realm, value, size, buf);
    check_field(&c.nonce, value, size, buf);
    check_field(&c.uri, value, size, buf);
    check_field(&c.response, value, size, buf);
    check_field(&c.algorithm, value, size, buf);
    check_field(&c.cnonce, value, size, buf);
    check_field(&c.opaque, value, size, buf);
    check_field(&c.qop, value, size, buf);
    check_field(&c.nc, value, size, buf);

    if (c.username.len == 0 || c.realm.len == 0 || c.nonce.len == 0
        || c.uri.len == 0 || c.response.len == 0
        || (c.qop_kind != NGX_IMS_UT_DIGEST_QOP_NONE
            && (c.nc.len != 8 || c.cnonce.len == 0)))
    {
        abort();
    }

    hlen = ngx_ims_ut_digest_hex_len(c.alg);

    if (hlen && c.response.len != hlen) {
        abort();
    }

    if (ngx_ims_ut_digest_body_init(&b, c.alg) == NGX_OK) {
        ngx_ims_ut_digest_body_update(&b, data, size / 2);
        ngx_ims_ut_digest_body_update(&b, data + size / 2, size - size / 2);
        ngx_ims_ut_digest_body_final(&b, body);
    }

    ngx_ims_ut_digest_body_cleanup(&b);

    method.data = (u_char *) "PUT";
    method.len = 3;
    pass.data = (u_char *) "1jSzqMnyvli4sKEma3VvIfcOa2sjVQNMQsA+kKeYUSM=";
    pass.len = 44;

    n = 0;
    rc = ngx_ims_ut_digest_compute(&c, &method, &pass, body, out, &n);

    if (rc == NGX_OK) {
        if (n != hlen) {
            abort();
        }

        ngx_ims_ut_digest_verify(&c, out, n);

        /* the computed value must verify against itself */
        c.response.data = out;
        c.response.len = n;

        if (ngx_ims_ut_digest_verify(&c, out, n) != NGX_OK) {
            abort();
        }

        ngx_ims_ut_digest_compute(&c, NULL, &pass, body, out, &n);

    } else if (hlen) {
        abort();
    }

    if (ngx_ims_ut_nonce_check((u_char *) SECRET, sizeof(SECRET) - 1,
                               &c.realm, &c.nonce, &issued)
        == NGX_OK)
    {
        /* a forged nonce that verifies is a bug */
        abort();
    }

    (void) ngx_ims_ut_nonce_key(&c.nonce);

    /* and a genuine nonce for this realm round-trips */

    memset(rnd, 0, sizeof(rnd));
    memcpy(rnd, data, size < 8 ? size : 8);

    if (ngx_ims_ut_nonce_create((u_char *) SECRET, sizeof(SECRET) - 1,
                                &c.realm, (time_t) size, rnd, nonce)
        != NGX_OK)
    {
        abort();
    }

    ns.data = nonce;
    ns.len = NGX_IMS_UT_NONCE_LEN;

    if (ngx_ims_ut_nonce_check((u_char *) SECRET, sizeof(SECRET) - 1,
                               &c.realm, &ns, &issued)
        != NGX_OK
        || issued != (time_t) size)
    {
        abort();
    }

done:

    free(value);
    free(buf);

    return 0;
}
