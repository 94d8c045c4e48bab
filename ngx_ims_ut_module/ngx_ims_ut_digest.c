
/*
 * HTTP Digest credentials (RFC 2617, RFC 7616, RFC 7235 syntax) as a GBA
 * NAF sees them on Ua.  Pure: no request, pool or log.
 *
 * Parser decisions beyond the RFCs' letter:
 *  - values may be a token or a quoted-string for every parameter (some
 *    clients quote qop and algorithm, or leave realm unquoted);
 *  - a duplicate known parameter, a missing or empty required one
 *    (username, realm, nonce, uri, response) and text after a value
 *    other than OWS and "," are errors; unknown parameters are skipped;
 *  - "username*" (RFC 7616 ext-value) is an error: GBA usernames are
 *    B-TIDs, plain ASCII, so no honest UE sends it;
 *  - a -sess algorithm needs cnonce, so it needs qop as well;
 *  - response hex is accepted in either case and folded to lowercase
 *    before the constant-time compare;
 *  - quoted-strings accept obs-text (0x80-0xff), never CTLs or NUL.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ngx_ims_ut_digest.h"


/* indexes into ngx_ims_ut_digest_params[] */
#define NGX_IMS_UT_P_USERNAME   0
#define NGX_IMS_UT_P_REALM      1
#define NGX_IMS_UT_P_NONCE      2
#define NGX_IMS_UT_P_URI        3
#define NGX_IMS_UT_P_RESPONSE   4
#define NGX_IMS_UT_P_ALGORITHM  5
#define NGX_IMS_UT_P_CNONCE     6
#define NGX_IMS_UT_P_OPAQUE     7
#define NGX_IMS_UT_P_QOP        8
#define NGX_IMS_UT_P_NC         9
#define NGX_IMS_UT_P_USERHASH   10
#define NGX_IMS_UT_P_USERNAME_X 11
#define NGX_IMS_UT_P_N          12

#define NGX_IMS_UT_P_REQUIRED                                                \
    ((1 << NGX_IMS_UT_P_USERNAME) | (1 << NGX_IMS_UT_P_REALM)                \
     | (1 << NGX_IMS_UT_P_NONCE) | (1 << NGX_IMS_UT_P_URI)                   \
     | (1 << NGX_IMS_UT_P_RESPONSE))


typedef struct {
    ngx_str_t    name;
    ngx_uint_t   alg;
} ngx_ims_ut_digest_alg_t;


static ngx_uint_t ngx_ims_ut_digest_tchar(u_char c);
static ngx_uint_t ngx_ims_ut_digest_caseeq(const ngx_str_t *s,
    const ngx_str_t *lit);
static ngx_uint_t ngx_ims_ut_digest_is_hex(const ngx_str_t *s);
static ngx_int_t ngx_ims_ut_digest_check(ngx_str_t *vals, ngx_uint_t seen,
    ngx_ims_ut_digest_cred_t *cred);
static const EVP_MD *ngx_ims_ut_digest_md(ngx_uint_t alg);
static ngx_int_t ngx_ims_ut_digest_hash(EVP_MD_CTX *ctx, const EVP_MD *md,
    const ngx_str_t *parts, ngx_uint_t n, u_char *hex);
static void ngx_ims_ut_digest_hex(const u_char *p, size_t n, u_char *hex);


/* the order matches NGX_IMS_UT_P_* */
static ngx_str_t  ngx_ims_ut_digest_params[] = {
    ngx_string("username"),
    ngx_string("realm"),
    ngx_string("nonce"),
    ngx_string("uri"),
    ngx_string("response"),
    ngx_string("algorithm"),
    ngx_string("cnonce"),
    ngx_string("opaque"),
    ngx_string("qop"),
    ngx_string("nc"),
    ngx_string("userhash"),
    ngx_string("username*")
};


static ngx_ims_ut_digest_alg_t  ngx_ims_ut_digest_algs[] = {
    { ngx_string("MD5"), NGX_IMS_UT_DIGEST_MD5 },
    { ngx_string("MD5-sess"), NGX_IMS_UT_DIGEST_MD5_SESS },
    { ngx_string("SHA-256"), NGX_IMS_UT_DIGEST_SHA256 },
    { ngx_string("SHA-256-sess"), NGX_IMS_UT_DIGEST_SHA256_SESS }
};


static ngx_str_t  ngx_ims_ut_digest_scheme = ngx_string("Digest");
static ngx_str_t  ngx_ims_ut_digest_auth = ngx_string("auth");
static ngx_str_t  ngx_ims_ut_digest_auth_int = ngx_string("auth-int");
static ngx_str_t  ngx_ims_ut_digest_true = ngx_string("true");
static ngx_str_t  ngx_ims_ut_digest_false = ngx_string("false");


ngx_int_t
ngx_ims_ut_digest_parse(const u_char *value, size_t len, u_char *buf,
    ngx_ims_ut_digest_cred_t *cred)
{
    u_char         c, *d;
    ngx_str_t      name, val, vals[NGX_IMS_UT_P_N];
    ngx_uint_t     i, seen;
    const u_char  *p, *last;

    ngx_memzero(cred, sizeof(ngx_ims_ut_digest_cred_t));
    ngx_memzero(vals, sizeof(vals));

    if (len == 0) {
        return NGX_ERROR;
    }

    p = value;
    last = value + len;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    name.data = (u_char *) p;

    while (p < last && ngx_ims_ut_digest_tchar(*p)) {
        p++;
    }

    name.len = p - name.data;

    if (name.len == 0) {
        /* blank value, or no auth-scheme at all */
        return NGX_ERROR;
    }

    if (!ngx_ims_ut_digest_caseeq(&name, &ngx_ims_ut_digest_scheme)) {
        return NGX_DECLINED;
    }

    if (len > NGX_IMS_UT_DIGEST_MAX_VALUE) {
        return NGX_ERROR;
    }

    /* the scheme ends at whitespace ("Digest," or "Digest\"" is garbage) */

    if (p < last && *p != ' ' && *p != '\t') {
        return NGX_ERROR;
    }

    d = buf;
    seen = 0;

    for ( ;; ) {

        /* OWS and empty list elements, RFC 7230 section 7 */

        while (p < last && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }

        if (p == last) {
            break;
        }

        name.data = (u_char *) p;

        while (p < last && ngx_ims_ut_digest_tchar(*p)) {
            p++;
        }

        name.len = p - name.data;

        if (name.len == 0 || name.len > NGX_IMS_UT_DIGEST_MAX_FIELD) {
            return NGX_ERROR;
        }

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p == last || *p != '=') {
            /* also a token68 after the scheme, which Digest never uses */
            return NGX_ERROR;
        }

        p++;

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p == last) {
            return NGX_ERROR;
        }

        if (*p == '"') {
            p++;
            val.data = d;

            for ( ;; ) {
                if (p == last) {
                    return NGX_ERROR;
                }

                c = *p++;

                if (c == '"') {
                    break;
                }

                if (c == '\\') {
                    if (p == last) {
                        return NGX_ERROR;
                    }

                    c = *p++;
                }

                /* qdtext and quoted-pair alike: HTAB, SP, VCHAR, obs-text */

                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return NGX_ERROR;
                }

                *d++ = c;
            }

            val.len = d - val.data;

        } else {
            val.data = (u_char *) p;

            while (p < last && ngx_ims_ut_digest_tchar(*p)) {
                p++;
            }

            val.len = p - val.data;

            if (val.len == 0) {
                return NGX_ERROR;
            }
        }

        if (val.len > NGX_IMS_UT_DIGEST_MAX_FIELD) {
            return NGX_ERROR;
        }

        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p < last && *p != ',') {
            return NGX_ERROR;
        }

        for (i = 0; i < NGX_IMS_UT_P_N; i++) {
            if (ngx_ims_ut_digest_caseeq(&name, &ngx_ims_ut_digest_params[i]))
            {
                break;
            }
        }

        if (i == NGX_IMS_UT_P_N) {
            continue;
        }

        if (i == NGX_IMS_UT_P_USERNAME_X || (seen & (1 << i))) {
            return NGX_ERROR;
        }

        seen |= 1 << i;
        vals[i] = val;
    }

    return ngx_ims_ut_digest_check(vals, seen, cred);
}


size_t
ngx_ims_ut_digest_hex_len(ngx_uint_t alg)
{
    switch (alg) {

    case NGX_IMS_UT_DIGEST_MD5:
    case NGX_IMS_UT_DIGEST_MD5_SESS:
        return 32;

    case NGX_IMS_UT_DIGEST_SHA256:
    case NGX_IMS_UT_DIGEST_SHA256_SESS:
        return 64;

    default:
        return 0;
    }
}


ngx_int_t
ngx_ims_ut_digest_body_init(ngx_ims_ut_digest_body_t *b, ngx_uint_t alg)
{
    const EVP_MD  *md;

    b->ctx = NULL;
    b->alg = alg;

    md = ngx_ims_ut_digest_md(alg);
    if (md == NULL) {
        return NGX_ERROR;
    }

    b->ctx = EVP_MD_CTX_new();
    if (b->ctx == NULL) {
        return NGX_ERROR;
    }

    if (EVP_DigestInit_ex(b->ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(b->ctx);
        b->ctx = NULL;
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_digest_body_update(ngx_ims_ut_digest_body_t *b, const u_char *p,
    size_t n)
{
    if (b->ctx == NULL) {
        return NGX_ERROR;
    }

    if (n == 0) {
        return NGX_OK;
    }

    if (EVP_DigestUpdate(b->ctx, p, n) != 1) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_digest_body_final(ngx_ims_ut_digest_body_t *b, u_char *hex)
{
    u_char        md[EVP_MAX_MD_SIZE];
    unsigned int  n;

    if (b->ctx == NULL) {
        return NGX_ERROR;
    }

    if (EVP_DigestFinal_ex(b->ctx, md, &n) != 1
        || (size_t) n * 2 != ngx_ims_ut_digest_hex_len(b->alg))
    {
        return NGX_ERROR;
    }

    ngx_ims_ut_digest_hex(md, n, hex);

    return NGX_OK;
}


void
ngx_ims_ut_digest_body_cleanup(ngx_ims_ut_digest_body_t *b)
{
    if (b->ctx) {
        EVP_MD_CTX_free(b->ctx);
        b->ctx = NULL;
    }
}


ngx_int_t
ngx_ims_ut_digest_compute(const ngx_ims_ut_digest_cred_t *cred,
    const ngx_str_t *method, const ngx_str_t *password,
    const u_char *body_hex, u_char *out_hex, size_t *out_len)
{
    u_char         ha1[NGX_IMS_UT_DIGEST_MAX_HEX],
                   ha2[NGX_IMS_UT_DIGEST_MAX_HEX];
    size_t         hlen;
    ngx_int_t      rc;
    ngx_str_t      parts[6];
    ngx_uint_t     n;
    EVP_MD_CTX    *ctx;
    const EVP_MD  *md;

    md = ngx_ims_ut_digest_md(cred->alg);
    if (md == NULL) {
        return NGX_ERROR;
    }

    hlen = ngx_ims_ut_digest_hex_len(cred->alg);

    if (cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_AUTH_INT && body_hex == NULL)
    {
        return NGX_ERROR;
    }

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    /* HA1 = H(username ":" realm ":" password) */

    parts[0] = cred->username;
    parts[1] = cred->realm;
    parts[2] = *password;

    if (ngx_ims_ut_digest_hash(ctx, md, parts, 3, ha1) != NGX_OK) {
        goto done;
    }

    if (cred->alg == NGX_IMS_UT_DIGEST_MD5_SESS
        || cred->alg == NGX_IMS_UT_DIGEST_SHA256_SESS)
    {
        /* HA1 = H(H(username ":" realm ":" password) ":" nonce ":" cnonce) */

        parts[0].data = ha1;
        parts[0].len = hlen;
        parts[1] = cred->nonce;
        parts[2] = cred->cnonce;

        if (ngx_ims_ut_digest_hash(ctx, md, parts, 3, ha1) != NGX_OK) {
            goto done;
        }
    }

    /* HA2 = H(method ":" uri [":" H(entity-body)]); no method: rspauth */

    if (method) {
        parts[0] = *method;

    } else {
        parts[0].len = 0;
        parts[0].data = NULL;
    }

    parts[1] = cred->uri;
    n = 2;

    if (cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_AUTH_INT) {
        parts[2].data = (u_char *) body_hex;
        parts[2].len = hlen;
        n = 3;
    }

    if (ngx_ims_ut_digest_hash(ctx, md, parts, n, ha2) != NGX_OK) {
        goto done;
    }

    parts[0].data = ha1;
    parts[0].len = hlen;
    parts[1] = cred->nonce;

    if (cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_NONE) {

        /* RFC 2069: H(HA1 ":" nonce ":" HA2) */

        parts[2].data = ha2;
        parts[2].len = hlen;

        rc = ngx_ims_ut_digest_hash(ctx, md, parts, 3, out_hex);

    } else {

        /* H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2) */

        parts[2] = cred->nc;
        parts[3] = cred->cnonce;
        parts[4] = cred->qop;
        parts[5].data = ha2;
        parts[5].len = hlen;

        rc = ngx_ims_ut_digest_hash(ctx, md, parts, 6, out_hex);
    }

    if (rc == NGX_OK) {
        *out_len = hlen;
    }

done:

    /* HA1 is as good as the password for this realm */
    OPENSSL_cleanse(ha1, sizeof(ha1));

    EVP_MD_CTX_free(ctx);

    return rc;
}


ngx_int_t
ngx_ims_ut_digest_verify(const ngx_ims_ut_digest_cred_t *cred,
    const u_char *expected_hex, size_t len)
{
    u_char      lc[NGX_IMS_UT_DIGEST_MAX_HEX];
    ngx_uint_t  i;

    /* the lengths are public; only the content needs constant time */

    if (len == 0 || len > NGX_IMS_UT_DIGEST_MAX_HEX
        || cred->response.len != len)
    {
        return NGX_DECLINED;
    }

    for (i = 0; i < len; i++) {
        lc[i] = ngx_tolower(cred->response.data[i]);
    }

    if (CRYPTO_memcmp(lc, expected_hex, len) != 0) {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_ims_ut_digest_check(ngx_str_t *vals, ngx_uint_t seen,
    ngx_ims_ut_digest_cred_t *cred)
{
    size_t      hlen;
    uint32_t    nc;
    ngx_uint_t  i;
    ngx_str_t  *v;

    if ((seen & NGX_IMS_UT_P_REQUIRED) != NGX_IMS_UT_P_REQUIRED
        || vals[NGX_IMS_UT_P_USERNAME].len == 0
        || vals[NGX_IMS_UT_P_REALM].len == 0
        || vals[NGX_IMS_UT_P_NONCE].len == 0
        || vals[NGX_IMS_UT_P_URI].len == 0
        || vals[NGX_IMS_UT_P_RESPONSE].len == 0)
    {
        return NGX_ERROR;
    }

    cred->username = vals[NGX_IMS_UT_P_USERNAME];
    cred->realm = vals[NGX_IMS_UT_P_REALM];
    cred->nonce = vals[NGX_IMS_UT_P_NONCE];
    cred->uri = vals[NGX_IMS_UT_P_URI];
    cred->response = vals[NGX_IMS_UT_P_RESPONSE];
    cred->algorithm = vals[NGX_IMS_UT_P_ALGORITHM];
    cred->cnonce = vals[NGX_IMS_UT_P_CNONCE];
    cred->opaque = vals[NGX_IMS_UT_P_OPAQUE];
    cred->qop = vals[NGX_IMS_UT_P_QOP];
    cred->nc = vals[NGX_IMS_UT_P_NC];

    /* algorithm: absent means MD5; unsupported is not a syntax error */

    if (seen & (1 << NGX_IMS_UT_P_ALGORITHM)) {
        cred->alg = NGX_IMS_UT_DIGEST_UNKNOWN;

        for (i = 0; i < sizeof(ngx_ims_ut_digest_algs)
                        / sizeof(ngx_ims_ut_digest_alg_t); i++)
        {
            if (ngx_ims_ut_digest_caseeq(&cred->algorithm,
                                         &ngx_ims_ut_digest_algs[i].name))
            {
                cred->alg = ngx_ims_ut_digest_algs[i].alg;
                break;
            }
        }

    } else {
        cred->alg = NGX_IMS_UT_DIGEST_MD5;
    }

    if (seen & (1 << NGX_IMS_UT_P_QOP)) {

        if (ngx_ims_ut_digest_caseeq(&cred->qop, &ngx_ims_ut_digest_auth)) {
            cred->qop_kind = NGX_IMS_UT_DIGEST_QOP_AUTH;

        } else if (ngx_ims_ut_digest_caseeq(&cred->qop,
                                            &ngx_ims_ut_digest_auth_int))
        {
            cred->qop_kind = NGX_IMS_UT_DIGEST_QOP_AUTH_INT;

        } else {
            return NGX_ERROR;
        }

        if (!(seen & (1 << NGX_IMS_UT_P_NC)) || cred->cnonce.len == 0) {
            return NGX_ERROR;
        }

    } else {
        cred->qop_kind = NGX_IMS_UT_DIGEST_QOP_NONE;
    }

    /* nc is checked whenever present: the module keys replay state on it */

    if (seen & (1 << NGX_IMS_UT_P_NC)) {
        v = &cred->nc;

        if (v->len != 8 || !ngx_ims_ut_digest_is_hex(v)) {
            return NGX_ERROR;
        }

        nc = 0;

        for (i = 0; i < 8; i++) {
            nc = (nc << 4) | (v->data[i] <= '9' ? v->data[i] - '0'
                                : (ngx_tolower(v->data[i]) - 'a' + 10));
        }

        cred->nc_value = nc;
    }

    if ((cred->alg == NGX_IMS_UT_DIGEST_MD5_SESS
         || cred->alg == NGX_IMS_UT_DIGEST_SHA256_SESS)
        && cred->cnonce.len == 0)
    {
        return NGX_ERROR;
    }

    if (!ngx_ims_ut_digest_is_hex(&cred->response)) {
        return NGX_ERROR;
    }

    hlen = ngx_ims_ut_digest_hex_len(cred->alg);

    if (hlen && cred->response.len != hlen) {
        return NGX_ERROR;
    }

    if (seen & (1 << NGX_IMS_UT_P_USERHASH)) {
        v = &vals[NGX_IMS_UT_P_USERHASH];

        if (ngx_ims_ut_digest_caseeq(v, &ngx_ims_ut_digest_true)) {
            cred->userhash = 1;

        } else if (!ngx_ims_ut_digest_caseeq(v, &ngx_ims_ut_digest_false)) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_uint_t
ngx_ims_ut_digest_tchar(u_char c)
{
    /* RFC 7230 section 3.2.6 */

    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }

    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*':
    case '+': case '-': case '.': case '^': case '_': case '`': case '|':
    case '~':
        return 1;

    default:
        return 0;
    }
}


static ngx_uint_t
ngx_ims_ut_digest_caseeq(const ngx_str_t *s, const ngx_str_t *lit)
{
    size_t  i;

    if (s->len != lit->len) {
        return 0;
    }

    for (i = 0; i < s->len; i++) {
        if (ngx_tolower(s->data[i]) != ngx_tolower(lit->data[i])) {
            return 0;
        }
    }

    return 1;
}


static ngx_uint_t
ngx_ims_ut_digest_is_hex(const ngx_str_t *s)
{
    u_char  c;
    size_t  i;

    for (i = 0; i < s->len; i++) {
        c = ngx_tolower(s->data[i]);

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


/*
 * OpenSSL 3 looks an algorithm up again on every EVP_DigestInit_ex() with
 * EVP_md5() or EVP_sha256(); a worker fetches each once.
 */

static const EVP_MD *
ngx_ims_ut_digest_md(ngx_uint_t alg)
{
#if (OPENSSL_VERSION_NUMBER >= 0x30000000L)
    static EVP_MD  *md5, *sha256;

    switch (alg) {

    case NGX_IMS_UT_DIGEST_MD5:
    case NGX_IMS_UT_DIGEST_MD5_SESS:
        if (md5 == NULL) {
            md5 = EVP_MD_fetch(NULL, "MD5", NULL);
        }

        return md5;

    case NGX_IMS_UT_DIGEST_SHA256:
    case NGX_IMS_UT_DIGEST_SHA256_SESS:
        if (sha256 == NULL) {
            sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        }

        return sha256;

    default:
        return NULL;
    }

#else

    switch (alg) {

    case NGX_IMS_UT_DIGEST_MD5:
    case NGX_IMS_UT_DIGEST_MD5_SESS:
        return EVP_md5();

    case NGX_IMS_UT_DIGEST_SHA256:
    case NGX_IMS_UT_DIGEST_SHA256_SESS:
        return EVP_sha256();

    default:
        return NULL;
    }

#endif
}


/* hex of H(parts[0] ":" parts[1] ":" ... parts[n - 1]) */

static ngx_int_t
ngx_ims_ut_digest_hash(EVP_MD_CTX *ctx, const EVP_MD *md,
    const ngx_str_t *parts, ngx_uint_t n, u_char *hex)
{
    u_char        buf[EVP_MAX_MD_SIZE];
    ngx_uint_t    i;
    unsigned int  len;

    if (EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (i && EVP_DigestUpdate(ctx, ":", 1) != 1) {
            return NGX_ERROR;
        }

        if (parts[i].len
            && EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1)
        {
            return NGX_ERROR;
        }
    }

    if (EVP_DigestFinal_ex(ctx, buf, &len) != 1) {
        return NGX_ERROR;
    }

    ngx_ims_ut_digest_hex(buf, len, hex);

    OPENSSL_cleanse(buf, sizeof(buf));

    return NGX_OK;
}


static void
ngx_ims_ut_digest_hex(const u_char *p, size_t n, u_char *hex)
{
    static const u_char  xdigits[] = "0123456789abcdef";

    while (n--) {
        *hex++ = xdigits[*p >> 4];
        *hex++ = xdigits[*p++ & 0xf];
    }
}
