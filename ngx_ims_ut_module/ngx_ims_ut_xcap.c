
/*
 * XCAP URI parser (RFC 4825) and identity comparison (RFC 3261 19.1.4,
 * RFC 3966 section 4), the pure half of TS 33.141 clause 5.1.1
 * authorization.  The rules are written down in ngx_ims_ut_xcap.h.
 *
 * Everything works on the raw bytes the client sent: splitting happens
 * before decoding, and decoding happens exactly once, so that what we
 * judge is what a backend honouring RFC 3986 will act on.  Where the two
 * could disagree we refuse instead of guessing.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_xcap.h"


#define NGX_IMS_UT_XCAP_END   -1
#define NGX_IMS_UT_XCAP_BAD   -2


/* segment roles, in the order they appear */
typedef enum {
    ngx_ims_ut_xcap_st_auid = 0,
    ngx_ims_ut_xcap_st_tree,
    ngx_ims_ut_xcap_st_xui,
    ngx_ims_ut_xcap_st_doc,
    ngx_ims_ut_xcap_st_node
} ngx_ims_ut_xcap_state_e;


#define NGX_IMS_UT_ID_SIP     1
#define NGX_IMS_UT_ID_SIPS    2
#define NGX_IMS_UT_ID_TEL     3

#define NGX_IMS_UT_CMP_EXACT     0
#define NGX_IMS_UT_CMP_CASELESS  1
#define NGX_IMS_UT_CMP_TEL       2          /* caseless, skips separators */


typedef struct {
    ngx_uint_t     scheme;
    const u_char  *user;        /* sip userinfo or tel number */
    const u_char  *user_end;
    const u_char  *host;        /* sip host[:port]; empty for tel */
    const u_char  *host_end;
    const u_char  *params;      /* after the first ';', may be empty */
    const u_char  *params_end;
    ngx_uint_t     nparams;
} ngx_ims_ut_ident_t;


static ngx_int_t ngx_ims_ut_xcap_hex(u_char c);
static ngx_int_t ngx_ims_ut_xcap_next(const u_char **pp, const u_char *end);
static size_t ngx_ims_ut_xcap_decode(const u_char *p, const u_char *end,
    u_char *dst);
static ngx_uint_t ngx_ims_ut_xcap_dot_piece(const u_char *p, size_t len);
static ngx_uint_t ngx_ims_ut_xcap_token(const u_char *p, size_t len);
static ngx_ims_ut_xcap_kind_e ngx_ims_ut_xcap_segments(const u_char *p,
    size_t n, u_char *buf, ngx_ims_ut_xcap_uri_t *uri);
static ngx_ims_ut_xcap_kind_e ngx_ims_ut_xcap_outside(const u_char *path,
    size_t len, const u_char *root, size_t rlen, u_char *buf);

static ngx_int_t ngx_ims_ut_ident_parse(const u_char *p, size_t len,
    ngx_ims_ut_ident_t *id);
static ngx_int_t ngx_ims_ut_ident_scheme(const u_char *p, size_t len);
static ngx_int_t ngx_ims_ut_ident_tel(const u_char *p, const u_char *end);
static ngx_int_t ngx_ims_ut_ident_params(const u_char *p, const u_char *end,
    ngx_uint_t *nparams);
static ngx_uint_t ngx_ims_ut_ident_next_param(const u_char **pp,
    const u_char *end, const u_char **name, const u_char **name_end,
    const u_char **value, const u_char **value_end);
static ngx_int_t ngx_ims_ut_ident_sig(const u_char **pp, const u_char *end,
    ngx_uint_t flags);
static ngx_uint_t ngx_ims_ut_ident_cmp(const u_char *a, const u_char *aend,
    const u_char *b, const u_char *bend, ngx_uint_t flags);
static ngx_uint_t ngx_ims_ut_ident_params_eq(const ngx_ims_ut_ident_t *a,
    const ngx_ims_ut_ident_t *b);


ngx_ims_ut_xcap_kind_e
ngx_ims_ut_xcap_parse(const u_char *path, size_t len, const ngx_str_t *root,
    u_char *buf, ngx_ims_ut_xcap_uri_t *uri)
{
    size_t                  rlen;
    const u_char           *q;
    ngx_ims_ut_xcap_kind_e  kind;

    ngx_memzero(uri, sizeof(ngx_ims_ut_xcap_uri_t));

    /* the query is not part of the path, should the caller pass it */
    if (len > 0) {
        q = ngx_strlchr((u_char *) path, (u_char *) path + len, '?');

        if (q != NULL) {
            len = q - path;
        }
    }

    rlen = root->len;

    while (rlen > 0 && root->data[rlen - 1] == '/') {
        rlen--;
    }

    if (len >= rlen
        && (rlen == 0 || ngx_memcmp(path, root->data, rlen) == 0)
        && (len == rlen || path[rlen] == '/'))
    {
        if (len > NGX_IMS_UT_XCAP_MAX_PATH || len <= rlen + 1) {
            kind = NGX_IMS_UT_XCAP_NOT_XCAP;

        } else {
            kind = ngx_ims_ut_xcap_segments(path + rlen + 1, len - rlen - 1,
                                            buf, uri);
        }

    } else {
        kind = ngx_ims_ut_xcap_outside(path, len, root->data, rlen, buf);
    }

    if (kind != NGX_IMS_UT_XCAP_USERS && kind != NGX_IMS_UT_XCAP_GLOBAL) {
        ngx_memzero(uri, sizeof(ngx_ims_ut_xcap_uri_t));
    }

    uri->kind = kind;

    return kind;
}


ngx_uint_t
ngx_ims_ut_xcap_root_valid(const u_char *root, size_t len)
{
    u_char         c;
    const u_char  *p, *s, *end;

    if (len == 0 || root[0] != '/') {
        return 0;
    }

    if (len > 1 && root[len - 1] == '/') {
        len--;
    }

    if (len == 1) {
        return 1;
    }

    end = root + len;
    s = root + 1;

    for (p = s; /* void */ ; p++) {

        if (p == end || *p == '/') {

            if (p == s || ngx_ims_ut_xcap_dot_piece(s, p - s)) {
                return 0;
            }

            if (p == end) {
                return 1;
            }

            s = p + 1;
            continue;
        }

        c = *p;

        /* RFC 3986 pchar without pct-encoded */
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9'))
        {
            continue;
        }

        if (c == '\0' || ngx_strchr("-._~!$&'()*+,;=:@", c) == NULL) {
            return 0;
        }
    }
}


static ngx_ims_ut_xcap_kind_e
ngx_ims_ut_xcap_segments(const u_char *p, size_t n, u_char *buf,
    ngx_ims_ut_xcap_uri_t *uri)
{
    size_t                   dlen;
    u_char                  *out, *dst;
    ngx_int_t                c;
    ngx_uint_t               tilde, ndoc, nnode;
    const u_char            *s, *e, *end, *q;
    ngx_ims_ut_xcap_kind_e   kind;
    ngx_ims_ut_xcap_state_e  state;

    end = p + n;

    /* a 400 for broken encoding wins over any structural 404 */
    q = p;

    do {
        c = ngx_ims_ut_xcap_next(&q, end);

        if (c == NGX_IMS_UT_XCAP_BAD) {
            return NGX_IMS_UT_XCAP_BAD_ENCODING;
        }

    } while (c != NGX_IMS_UT_XCAP_END);

    /* nginx ends the path at a raw "#", a backend may not: refuse */
    if (ngx_strlchr((u_char *) p, (u_char *) end, '#') != NULL) {
        return NGX_IMS_UT_XCAP_NOT_XCAP;
    }

    /*
     * Decoded output never outruns the raw input: each segment decodes to
     * at most its raw length and the "/" joining document segments takes
     * the place of the raw "/" before it, so buf (>= len bytes) suffices.
     */

    out = buf;
    kind = NGX_IMS_UT_XCAP_NOT_XCAP;
    state = ngx_ims_ut_xcap_st_auid;
    ndoc = 0;
    nnode = 0;

    for (s = p; /* void */ ; s = e + 1) {

        for (e = s; e < end && *e != '/'; e++) { /* void */ }

        if (e == s) {
            return NGX_IMS_UT_XCAP_NOT_XCAP;
        }

        tilde = (e - s == 2 && s[0] == '~' && s[1] == '~');

        dst = (state == ngx_ims_ut_xcap_st_doc && ndoc > 0) ? out + 1 : out;
        dlen = ngx_ims_ut_xcap_decode(s, e, dst);

        if (ngx_ims_ut_xcap_dot_piece(dst, dlen)) {
            return NGX_IMS_UT_XCAP_NOT_XCAP;
        }

        /* "%7E%7E" is a separator to a backend that decodes first */
        if (!tilde && dlen == 2 && dst[0] == '~' && dst[1] == '~') {
            return NGX_IMS_UT_XCAP_NOT_XCAP;
        }

        switch (state) {

        case ngx_ims_ut_xcap_st_auid:
            if (tilde || !ngx_ims_ut_xcap_token(dst, dlen)) {
                return NGX_IMS_UT_XCAP_NOT_XCAP;
            }

            uri->auid.data = dst;
            uri->auid.len = dlen;
            out = dst + dlen;
            state = ngx_ims_ut_xcap_st_tree;
            break;

        case ngx_ims_ut_xcap_st_tree:
            if (dlen == 5 && ngx_memcmp(dst, "users", 5) == 0) {
                kind = NGX_IMS_UT_XCAP_USERS;
                state = ngx_ims_ut_xcap_st_xui;

            } else if (dlen == 6 && ngx_memcmp(dst, "global", 6) == 0) {
                kind = NGX_IMS_UT_XCAP_GLOBAL;
                state = ngx_ims_ut_xcap_st_doc;

            } else {
                return NGX_IMS_UT_XCAP_NOT_XCAP;
            }

            break;

        case ngx_ims_ut_xcap_st_xui:
            if (tilde || dlen > NGX_IMS_UT_XCAP_MAX_XUI) {
                return NGX_IMS_UT_XCAP_NOT_XCAP;
            }

            uri->xui.data = dst;
            uri->xui.len = dlen;
            out = dst + dlen;
            state = ngx_ims_ut_xcap_st_doc;
            break;

        case ngx_ims_ut_xcap_st_doc:
            if (tilde) {
                if (ndoc == 0) {
                    return NGX_IMS_UT_XCAP_NOT_XCAP;
                }

                uri->has_node_selector = 1;
                state = ngx_ims_ut_xcap_st_node;
                break;
            }

            /* only raw "/" separate document segments */
            if (ngx_strlchr(dst, dst + dlen, '/') != NULL) {
                return NGX_IMS_UT_XCAP_NOT_XCAP;
            }

            if (ndoc == 0) {
                uri->doc.data = dst;

            } else {
                *out = '/';
            }

            out = dst + dlen;
            uri->doc.len = out - uri->doc.data;
            ndoc++;
            break;

        case ngx_ims_ut_xcap_st_node:
            /* decoded only to be checked; out does not move */
            if (tilde) {
                return NGX_IMS_UT_XCAP_NOT_XCAP;
            }

            nnode++;
            break;
        }

        if (e == end) {
            break;
        }
    }

    if (ndoc == 0 || (state == ngx_ims_ut_xcap_st_node && nnode == 0)) {
        return NGX_IMS_UT_XCAP_NOT_XCAP;
    }

    return kind;
}


/*
 * The raw path is not under the root.  nginx picks the location from the
 * decoded path, cut at a raw "#", with "//" merged and dot segments
 * resolved, so compute that view: if it is under the root, the request
 * reached the XCAP location by a spelling we must not leave unjudged.
 */

static ngx_ims_ut_xcap_kind_e
ngx_ims_ut_xcap_outside(const u_char *path, size_t len, const u_char *root,
    size_t rlen, u_char *buf)
{
    size_t         n, i, s, o, seg;
    ngx_int_t      c;
    const u_char  *q, *end;

    if (len == 0 || path[0] != '/') {
        return NGX_IMS_UT_XCAP_OUTSIDE;
    }

    q = path;
    end = ngx_strlchr((u_char *) path, (u_char *) path + len, '#');

    if (end == NULL) {
        end = path + len;
    }
    n = 0;

    for ( ;; ) {
        c = ngx_ims_ut_xcap_next(&q, end);

        if (c == NGX_IMS_UT_XCAP_END) {
            break;
        }

        if (c == NGX_IMS_UT_XCAP_BAD) {
            return NGX_IMS_UT_XCAP_BAD_ENCODING;
        }

        buf[n++] = (u_char) c;
    }

    /*
     * In place: the output "/seg" is always behind the input, since at
     * least one "/" preceded each input segment (buf[0] is "/").
     * ".." above the top stays at the top, which can only widen what
     * counts as under the root.
     */

    o = 0;
    i = 0;

    while (i < n) {

        if (buf[i] == '/') {
            i++;
            continue;
        }

        s = i;

        while (i < n && buf[i] != '/') {
            i++;
        }

        seg = i - s;

        if (seg == 1 && buf[s] == '.') {
            continue;
        }

        if (seg == 2 && buf[s] == '.' && buf[s + 1] == '.') {
            while (o > 0 && buf[o - 1] != '/') {
                o--;
            }

            if (o > 0) {
                o--;
            }

            continue;
        }

        buf[o++] = '/';
        ngx_memmove(&buf[o], &buf[s], seg);
        o += seg;
    }

    if (o >= rlen
        && (rlen == 0 || ngx_memcmp(buf, root, rlen) == 0)
        && (o == rlen || buf[rlen] == '/'))
    {
        return NGX_IMS_UT_XCAP_NOT_XCAP;
    }

    return NGX_IMS_UT_XCAP_OUTSIDE;
}


static ngx_int_t
ngx_ims_ut_xcap_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c = (u_char) (c | 0x20);

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/* the next decoded byte, NGX_IMS_UT_XCAP_END or NGX_IMS_UT_XCAP_BAD */

static ngx_int_t
ngx_ims_ut_xcap_next(const u_char **pp, const u_char *end)
{
    ngx_int_t      hi, lo;
    const u_char  *p;

    p = *pp;

    if (p == end) {
        return NGX_IMS_UT_XCAP_END;
    }

    if (*p != '%') {
        if (*p == '\0') {
            return NGX_IMS_UT_XCAP_BAD;
        }

        *pp = p + 1;
        return *p;
    }

    if (end - p < 3) {
        return NGX_IMS_UT_XCAP_BAD;
    }

    hi = ngx_ims_ut_xcap_hex(p[1]);
    lo = ngx_ims_ut_xcap_hex(p[2]);

    if (hi < 0 || lo < 0 || (hi | lo) == 0) {
        return NGX_IMS_UT_XCAP_BAD;
    }

    *pp = p + 3;

    return hi * 16 + lo;
}


/* the caller has checked the encoding already */

static size_t
ngx_ims_ut_xcap_decode(const u_char *p, const u_char *end, u_char *dst)
{
    u_char     *d;
    ngx_int_t   c;

    d = dst;

    while ((c = ngx_ims_ut_xcap_next(&p, end)) >= 0) {
        *d++ = (u_char) c;
    }

    return d - dst;
}


/* "." or ".." as the whole or as a "/"-separated piece */

static ngx_uint_t
ngx_ims_ut_xcap_dot_piece(const u_char *p, size_t len)
{
    const u_char  *s, *q, *end;

    end = p + len;
    s = p;

    for (q = p; /* void */ ; q++) {

        if (q == end || *q == '/') {

            if ((q - s == 1 && s[0] == '.')
                || (q - s == 2 && s[0] == '.' && s[1] == '.'))
            {
                return 1;
            }

            if (q == end) {
                return 0;
            }

            s = q + 1;
        }
    }
}


/* RFC 4825 auid, strictly: unreserved characters only */

static ngx_uint_t
ngx_ims_ut_xcap_token(const u_char *p, size_t len)
{
    u_char  c;
    size_t  i;

    if (len == 0) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = p[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || c == '~')
        {
            continue;
        }

        return 0;
    }

    return 1;
}


ngx_uint_t
ngx_ims_ut_identity_eq(const u_char *a, size_t alen, const u_char *b,
    size_t blen)
{
    ngx_ims_ut_ident_t  ia, ib;

    if (ngx_ims_ut_ident_parse(a, alen, &ia) != NGX_OK
        || ngx_ims_ut_ident_parse(b, blen, &ib) != NGX_OK)
    {
        return 0;
    }

    if (ia.scheme != ib.scheme) {
        return 0;
    }

    if (ia.scheme == NGX_IMS_UT_ID_TEL) {
        if (!ngx_ims_ut_ident_cmp(ia.user, ia.user_end, ib.user, ib.user_end,
                                  NGX_IMS_UT_CMP_TEL))
        {
            return 0;
        }

    } else {
        if (!ngx_ims_ut_ident_cmp(ia.user, ia.user_end, ib.user, ib.user_end,
                                  NGX_IMS_UT_CMP_EXACT)
            || !ngx_ims_ut_ident_cmp(ia.host, ia.host_end,
                                     ib.host, ib.host_end,
                                     NGX_IMS_UT_CMP_CASELESS))
        {
            return 0;
        }
    }

    return ngx_ims_ut_ident_params_eq(&ia, &ib);
}


/*
 * Splits a bare sip/sips/tel URI and checks everything that decides
 * whether it can equal anything, so that a value either equals itself or
 * nothing at all.
 */

static ngx_int_t
ngx_ims_ut_ident_parse(const u_char *p, size_t len, ngx_ims_ut_ident_t *id)
{
    u_char         c;
    ngx_int_t      scheme, d;
    const u_char  *q, *r, *end, *at, *semi;

    ngx_memzero(id, sizeof(ngx_ims_ut_ident_t));

    if (p == NULL || len == 0) {
        return NGX_ERROR;
    }

    end = p + len;

    /* a bare URI: no name-addr, display name or whitespace */
    for (q = p; q < end; q++) {
        c = *q;

        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '"') {
            return NGX_ERROR;
        }
    }

    q = ngx_strlchr((u_char *) p, (u_char *) end, ':');

    if (q == NULL) {
        return NGX_ERROR;
    }

    scheme = ngx_ims_ut_ident_scheme(p, q - p);

    if (scheme == NGX_ERROR) {
        return NGX_ERROR;
    }

    id->scheme = scheme;
    r = q + 1;

    if (scheme == NGX_IMS_UT_ID_TEL) {
        if (ngx_strlchr((u_char *) r, (u_char *) end, '@') != NULL
            || ngx_strlchr((u_char *) r, (u_char *) end, '?') != NULL)
        {
            return NGX_ERROR;
        }

        semi = ngx_strlchr((u_char *) r, (u_char *) end, ';');

        id->user = r;
        id->user_end = semi ? semi : end;
        id->host = end;
        id->host_end = end;

        if (ngx_ims_ut_ident_tel(id->user, id->user_end) != NGX_OK) {
            return NGX_ERROR;
        }

    } else {
        /* '@' is never raw in userinfo, host or parameters */
        at = ngx_strlchr((u_char *) r, (u_char *) end, '@');

        if (at != NULL) {
            if (at == r
                || ngx_strlchr((u_char *) at + 1, (u_char *) end, '@')
                   != NULL)
            {
                return NGX_ERROR;
            }

            id->user = r;
            id->user_end = at;
            r = at + 1;

            /* userinfo must decode cleanly */
            q = id->user;

            do {
                d = ngx_ims_ut_xcap_next(&q, id->user_end);
            } while (d >= 0);

            if (d == NGX_IMS_UT_XCAP_BAD) {
                return NGX_ERROR;
            }

        } else {
            id->user = r;
            id->user_end = r;
        }

        /* URI headers: not an identity */
        if (ngx_strlchr((u_char *) r, (u_char *) end, '?') != NULL) {
            return NGX_ERROR;
        }

        semi = ngx_strlchr((u_char *) r, (u_char *) end, ';');

        id->host = r;
        id->host_end = semi ? semi : end;

        if (id->host == id->host_end) {
            return NGX_ERROR;
        }

        for (q = id->host; q < id->host_end; q++) {
            c = *q;

            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == ':' || c == '[' || c == ']')
            {
                continue;
            }

            return NGX_ERROR;
        }

        semi = (id->host_end < end) ? id->host_end : NULL;
    }

    id->params = end;
    id->params_end = end;

    if (semi != NULL) {
        id->params = semi + 1;

        if (ngx_ims_ut_ident_params(id->params, end, &id->nparams)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_ims_ut_ident_scheme(const u_char *p, size_t len)
{
    u_char  s[4];
    size_t  i;

    if (len < 3 || len > 4) {
        return NGX_ERROR;
    }

    for (i = 0; i < len; i++) {
        s[i] = ngx_tolower(p[i]);
    }

    if (len == 3 && ngx_memcmp(s, "sip", 3) == 0) {
        return NGX_IMS_UT_ID_SIP;
    }

    if (len == 4 && ngx_memcmp(s, "sips", 4) == 0) {
        return NGX_IMS_UT_ID_SIPS;
    }

    if (len == 3 && ngx_memcmp(s, "tel", 3) == 0) {
        return NGX_IMS_UT_ID_TEL;
    }

    return NGX_ERROR;
}


/*
 * RFC 3966 number, after decoding and without visual separators:
 * "+" DIGITs (global) or HEXDIG / "*" / "#" (local), at least one.
 */

static ngx_int_t
ngx_ims_ut_ident_tel(const u_char *p, const u_char *end)
{
    ngx_int_t   c;
    ngx_uint_t  n, global;

    n = 0;
    global = 0;

    for ( ;; ) {
        c = ngx_ims_ut_ident_sig(&p, end, NGX_IMS_UT_CMP_TEL);

        if (c == NGX_IMS_UT_XCAP_END) {
            break;
        }

        if (c == NGX_IMS_UT_XCAP_BAD) {
            return NGX_ERROR;
        }

        if (c == '+' && n == 0 && !global) {
            global = 1;
            continue;
        }

        if (c >= '0' && c <= '9') {
            n++;
            continue;
        }

        if (!global
            && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                || c == '*' || c == '#'))
        {
            n++;
            continue;
        }

        return NGX_ERROR;
    }

    return n ? NGX_OK : NGX_ERROR;
}


static ngx_int_t
ngx_ims_ut_ident_params(const u_char *p, const u_char *end,
    ngx_uint_t *nparams)
{
    ngx_int_t      c;
    ngx_uint_t     n;
    const u_char  *q, *name, *name_end, *value, *value_end,
                  *q2, *name2, *name2_end, *value2, *value2_end;

    n = 0;
    q = p;

    while (ngx_ims_ut_ident_next_param(&q, end, &name, &name_end,
                                       &value, &value_end))
    {
        if (name == name_end) {
            return NGX_ERROR;
        }

        if (++n > NGX_IMS_UT_IDENTITY_MAX_PARAMS) {
            return NGX_ERROR;
        }

        /* encoding of name and value, then no duplicate names */
        q2 = name;

        while ((c = ngx_ims_ut_xcap_next(&q2, name_end)) >= 0) {
            /* void */
        }

        if (c == NGX_IMS_UT_XCAP_BAD) {
            return NGX_ERROR;
        }

        if (value != NULL) {
            q2 = value;

            while ((c = ngx_ims_ut_xcap_next(&q2, value_end)) >= 0) {
                /* void */
            }

            if (c == NGX_IMS_UT_XCAP_BAD) {
                return NGX_ERROR;
            }
        }

        q2 = p;

        while (ngx_ims_ut_ident_next_param(&q2, end, &name2, &name2_end,
                                           &value2, &value2_end)
               && name2 != name)
        {
            if (ngx_ims_ut_ident_cmp(name, name_end, name2, name2_end,
                                     NGX_IMS_UT_CMP_CASELESS))
            {
                return NGX_ERROR;
            }
        }
    }

    *nparams = n;

    return NGX_OK;
}


/*
 * One ";"-separated parameter from *pp, NULL once the list is done; value
 * is NULL without "=".  The list starts after a ";", so an empty rest
 * ("a;" or "a;;b") is an empty parameter, which the parser refuses.
 */

static ngx_uint_t
ngx_ims_ut_ident_next_param(const u_char **pp, const u_char *end,
    const u_char **name, const u_char **name_end, const u_char **value,
    const u_char **value_end)
{
    const u_char  *p, *e, *eq;

    p = *pp;

    if (p == NULL) {
        return 0;
    }

    e = ngx_strlchr((u_char *) p, (u_char *) end, ';');

    if (e == NULL) {
        e = end;
    }

    eq = ngx_strlchr((u_char *) p, (u_char *) e, '=');

    *name = p;
    *name_end = eq ? eq : e;
    *value = eq ? eq + 1 : NULL;
    *value_end = eq ? e : NULL;

    *pp = (e == end) ? NULL : e + 1;

    return 1;
}


/* the next decoded byte that takes part in a comparison */

static ngx_int_t
ngx_ims_ut_ident_sig(const u_char **pp, const u_char *end, ngx_uint_t flags)
{
    ngx_int_t  c;

    for ( ;; ) {
        c = ngx_ims_ut_xcap_next(pp, end);

        if (c < 0) {
            return c;
        }

        if ((flags & NGX_IMS_UT_CMP_TEL)
            && (c == '-' || c == '.' || c == '(' || c == ')'))
        {
            continue;
        }

        if (flags & (NGX_IMS_UT_CMP_CASELESS|NGX_IMS_UT_CMP_TEL)) {
            c = ngx_tolower(c);
        }

        return c;
    }
}


static ngx_uint_t
ngx_ims_ut_ident_cmp(const u_char *a, const u_char *aend, const u_char *b,
    const u_char *bend, ngx_uint_t flags)
{
    ngx_int_t  ca, cb;

    for ( ;; ) {
        ca = ngx_ims_ut_ident_sig(&a, aend, flags);
        cb = ngx_ims_ut_ident_sig(&b, bend, flags);

        if (ca == NGX_IMS_UT_XCAP_BAD || cb == NGX_IMS_UT_XCAP_BAD
            || ca != cb)
        {
            return 0;
        }

        if (ca == NGX_IMS_UT_XCAP_END) {
            return 1;
        }
    }
}


/* parameter sets: names are unique on each side (checked when parsed) */

static ngx_uint_t
ngx_ims_ut_ident_params_eq(const ngx_ims_ut_ident_t *a,
    const ngx_ims_ut_ident_t *b)
{
    ngx_uint_t     found;
    const u_char  *qa, *qb, *na, *na_end, *va, *va_end,
                  *nb, *nb_end, *vb, *vb_end;

    if (a->nparams != b->nparams) {
        return 0;
    }

    if (a->nparams == 0) {
        return 1;
    }

    qa = a->params;

    while (ngx_ims_ut_ident_next_param(&qa, a->params_end, &na, &na_end,
                                       &va, &va_end))
    {
        found = 0;
        qb = b->params;

        while (ngx_ims_ut_ident_next_param(&qb, b->params_end, &nb, &nb_end,
                                           &vb, &vb_end))
        {
            if (!ngx_ims_ut_ident_cmp(na, na_end, nb, nb_end,
                                      NGX_IMS_UT_CMP_CASELESS))
            {
                continue;
            }

            found = ((va == NULL && vb == NULL)
                     || (va != NULL && vb != NULL
                         && ngx_ims_ut_ident_cmp(va, va_end, vb, vb_end,
                                                 NGX_IMS_UT_CMP_CASELESS)));
            break;
        }

        if (!found) {
            return 0;
        }
    }

    return 1;
}
