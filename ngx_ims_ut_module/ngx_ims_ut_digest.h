
/*
 * HTTP Digest (RFC 2617, RFC 7616) for GBA Ua (TS 24.109, TS 33.222):
 * the Authorization header parser, the response and rspauth computation
 * and the constant-time response check.
 *
 * Pure functions over bytes: no request, pool or log; unit tests and the
 * fuzzer link this file without nginx.  Only libcrypto is used.
 */


#ifndef _NGX_IMS_UT_DIGEST_H_INCLUDED_
#define _NGX_IMS_UT_DIGEST_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/evp.h>


/* cred->alg */
#define NGX_IMS_UT_DIGEST_UNKNOWN       0
#define NGX_IMS_UT_DIGEST_MD5           1
#define NGX_IMS_UT_DIGEST_MD5_SESS      2
#define NGX_IMS_UT_DIGEST_SHA256        3
#define NGX_IMS_UT_DIGEST_SHA256_SESS   4

/* cred->qop_kind */
#define NGX_IMS_UT_DIGEST_QOP_NONE      0     /* RFC 2069 style */
#define NGX_IMS_UT_DIGEST_QOP_AUTH      1
#define NGX_IMS_UT_DIGEST_QOP_AUTH_INT  2

/* longest hex digest (SHA-256); sizes out_hex and body hex buffers */
#define NGX_IMS_UT_DIGEST_MAX_HEX       64

/* parser limits */
#define NGX_IMS_UT_DIGEST_MAX_VALUE     16384 /* whole header value */
#define NGX_IMS_UT_DIGEST_MAX_FIELD     8192  /* any parameter, unescaped: a
                                                 digest uri is the request
                                                 target (XCAP: up to 8 KiB) */


typedef struct {
    ngx_str_t    username;
    ngx_str_t    realm;
    ngx_str_t    nonce;
    ngx_str_t    uri;
    ngx_str_t    response;
    ngx_str_t    algorithm;     /* as sent; empty when absent */
    ngx_str_t    cnonce;
    ngx_str_t    opaque;
    ngx_str_t    qop;           /* as sent: it goes into the hash as is */
    ngx_str_t    nc;            /* the raw 8 hex digits */
    uint32_t     nc_value;      /* parsed nc */
    ngx_uint_t   alg;           /* NGX_IMS_UT_DIGEST_MD5 ... */
    ngx_uint_t   qop_kind;      /* NGX_IMS_UT_DIGEST_QOP_NONE ... */
    ngx_uint_t   userhash;      /* userhash=true seen */
} ngx_ims_ut_digest_cred_t;


/* H(entity-body) for qop=auth-int, fed buffer by buffer */
typedef struct {
    EVP_MD_CTX  *ctx;
    ngx_uint_t   alg;
} ngx_ims_ut_digest_body_t;


/*
 * Parses a whole Authorization header value ("Digest ...").  "buf" is
 * scratch of at least "len" bytes that receives unescaped quoted strings;
 * the ngx_str_t fields of "cred" point into "buf" or into "value".
 *
 * NGX_OK        well-formed Digest credentials; cred->alg may still be
 *               NGX_IMS_UT_DIGEST_UNKNOWN (the caller challenges again)
 * NGX_DECLINED  another scheme (Basic, Bearer...): the caller challenges
 * NGX_ERROR     malformed: the caller answers 400
 */
ngx_int_t ngx_ims_ut_digest_parse(const u_char *value, size_t len,
    u_char *buf, ngx_ims_ut_digest_cred_t *cred);

/* hex length of the algorithm's digest: 32, 64, or 0 if unknown */
size_t ngx_ims_ut_digest_hex_len(ngx_uint_t alg);

/*
 * Streaming H(entity-body).  "alg" is cred->alg (a -sess variant hashes
 * the body like its base algorithm).  final() writes hex_len(alg) lowercase
 * hex digits, not NUL-terminated.  cleanup() is safe to call at any time,
 * also twice or after a failed init().
 */
ngx_int_t ngx_ims_ut_digest_body_init(ngx_ims_ut_digest_body_t *b,
    ngx_uint_t alg);
ngx_int_t ngx_ims_ut_digest_body_update(ngx_ims_ut_digest_body_t *b,
    const u_char *p, size_t n);
ngx_int_t ngx_ims_ut_digest_body_final(ngx_ims_ut_digest_body_t *b,
    u_char *hex);
void ngx_ims_ut_digest_body_cleanup(ngx_ims_ut_digest_body_t *b);

/*
 * Computes the expected request-digest into "out_hex" (room for
 * NGX_IMS_UT_DIGEST_MAX_HEX bytes, lowercase, not NUL-terminated) and sets
 * "*out_len".  With "method" empty (or NULL) it computes the rspauth value
 * of Authentication-Info instead, A2 = ":" uri [":" H(entity-body)].
 * "body_hex" is H(entity-body) for qop=auth-int, ignored otherwise.
 * NGX_ERROR: unknown algorithm, auth-int without body_hex, libcrypto error.
 */
ngx_int_t ngx_ims_ut_digest_compute(const ngx_ims_ut_digest_cred_t *cred,
    const ngx_str_t *method, const ngx_str_t *password,
    const u_char *body_hex, u_char *out_hex, size_t *out_len);

/*
 * Compares cred->response with the expected lowercase hex in constant
 * time; the client's hex is folded to lowercase first.
 * NGX_OK on a match, NGX_DECLINED otherwise.
 */
ngx_int_t ngx_ims_ut_digest_verify(const ngx_ims_ut_digest_cred_t *cred,
    const u_char *expected_hex, size_t len);


#endif /* _NGX_IMS_UT_DIGEST_H_INCLUDED_ */
