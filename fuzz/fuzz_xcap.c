
/*
 * libFuzzer target for ngx_ims_ut_xcap.c.
 *
 * The input is used three ways:
 *   - the whole input is a path, parsed under the fixed root "/xcap";
 *   - the first byte (mod 64) is the length of a root taken from the
 *     following bytes, the rest is the path;
 *   - split on "\n" into up to three identities for identity_eq.
 * Besides memory safety, the invariants of the API are checked.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_xcap.h"


#define check(cond)  do { if (!(cond)) { abort(); } } while (0)


static int
in_buf(const ngx_str_t *s, const u_char *buf, size_t len)
{
    return s->len == 0
           || (s->data >= buf && s->data + s->len <= buf + (len ? len : 1));
}


static ngx_ims_ut_xcap_kind_e
parse_checked(const u_char *path, size_t len, const u_char *root,
    size_t rlen, ngx_ims_ut_xcap_uri_t *uri, u_char **bufp)
{
    size_t                  i, r;
    u_char                 *buf;
    const u_char           *q;
    ngx_str_t               rs;
    ngx_ims_ut_xcap_kind_e  kind;

    /* exactly the documented minimum, so ASan sees any overrun */
    buf = malloc(len ? len : 1);
    check(buf != NULL);

    rs.data = (u_char *) root;
    rs.len = rlen;

    kind = ngx_ims_ut_xcap_parse(path, len, &rs, buf, uri);

    check(kind == uri->kind);
    check(kind <= NGX_IMS_UT_XCAP_BAD_ENCODING);
    check(in_buf(&uri->auid, buf, len));
    check(in_buf(&uri->xui, buf, len));
    check(in_buf(&uri->doc, buf, len));

    r = rlen;

    while (r > 0 && root[r - 1] == '/') {
        r--;
    }

    /* the parser ignores a query */
    q = memchr(path, '?', len);

    if (q != NULL) {
        len = q - path;
    }

    switch (kind) {

    case NGX_IMS_UT_XCAP_USERS:
    case NGX_IMS_UT_XCAP_GLOBAL:
        /* judged only what is literally under the root */
        check(len > r + 1 && len <= NGX_IMS_UT_XCAP_MAX_PATH);
        check(r == 0 || memcmp(path, root, r) == 0);
        check(path[r] == '/');

        check(uri->auid.len > 0 && uri->doc.len > 0);
        check(uri->doc.data[0] != '/');
        check(uri->doc.data[uri->doc.len - 1] != '/');

        for (i = 0; i < uri->auid.len; i++) {
            check(uri->auid.data[i] != '/' && uri->auid.data[i] != '%');
        }

        for (i = 0; i + 1 < uri->doc.len; i++) {
            check(!(uri->doc.data[i] == '/' && uri->doc.data[i + 1] == '/'));
        }

        if (kind == NGX_IMS_UT_XCAP_USERS) {
            check(uri->xui.len > 0
                  && uri->xui.len <= NGX_IMS_UT_XCAP_MAX_XUI);

        } else {
            check(uri->xui.len == 0);
        }

        break;

    case NGX_IMS_UT_XCAP_OUTSIDE:
        check(!(len >= r && (r == 0 || memcmp(path, root, r) == 0)
                && (len == r || path[r] == '/')));
        /* fall through */

    default:
        check(uri->auid.len == 0 && uri->xui.len == 0
              && uri->doc.len == 0 && uri->has_node_selector == 0);
    }

    *bufp = buf;

    return kind;
}


static void
fuzz_parse(const u_char *path, size_t len, const u_char *root, size_t rlen)
{
    u_char                 *b1, *b2, *b3, *rs;
    ngx_ims_ut_xcap_uri_t   u1, u2, u3;
    ngx_ims_ut_xcap_kind_e  k1, k2, k3;

    k1 = parse_checked(path, len, root, rlen, &u1, &b1);

    /* same answer with another buffer */
    k2 = parse_checked(path, len, root, rlen, &u2, &b2);

    check(k1 == k2);
    check(u1.auid.len == u2.auid.len && u1.xui.len == u2.xui.len
          && u1.doc.len == u2.doc.len
          && u1.has_node_selector == u2.has_node_selector);

    if (u1.auid.len) {
        check(memcmp(u1.auid.data, u2.auid.data, u1.auid.len) == 0);
    }

    if (u1.xui.len) {
        check(memcmp(u1.xui.data, u2.xui.data, u1.xui.len) == 0);
    }

    if (u1.doc.len) {
        check(memcmp(u1.doc.data, u2.doc.data, u1.doc.len) == 0);
    }

    /* a configured trailing slash changes nothing */
    rs = malloc(rlen + 1);
    check(rs != NULL);

    if (rlen) {
        memcpy(rs, root, rlen);
    }

    rs[rlen] = '/';

    k3 = parse_checked(path, len, rs, rlen + 1, &u3, &b3);

    check(k1 == k3);
    check(u1.xui.len == u3.xui.len && u1.doc.len == u3.doc.len);

    free(rs);
    free(b1);
    free(b2);
    free(b3);
}


static void
fuzz_identity(const u_char *data, size_t size)
{
    size_t         n, len[3];
    ngx_uint_t     ab, ba, bc, ac;
    const u_char  *p[3], *nl, *end;

    end = data + size;

    for (n = 0; n < 3; n++) {
        p[n] = data;
        nl = memchr(data, '\n', end - data);

        if (nl == NULL || n == 2) {
            len[n] = end - data;
            data = end;

        } else {
            len[n] = nl - data;
            data = nl + 1;
        }
    }

    ab = ngx_ims_ut_identity_eq(p[0], len[0], p[1], len[1]);
    ba = ngx_ims_ut_identity_eq(p[1], len[1], p[0], len[0]);

    check(ab == ba);
    check(ab == 0 || ab == 1);

    if (ab) {
        check(ngx_ims_ut_identity_eq(p[0], len[0], p[0], len[0]));
        check(ngx_ims_ut_identity_eq(p[1], len[1], p[1], len[1]));
    }

    bc = ngx_ims_ut_identity_eq(p[1], len[1], p[2], len[2]);
    ac = ngx_ims_ut_identity_eq(p[0], len[0], p[2], len[2]);

    if (ab && bc) {
        check(ac);
    }

    if (ab && ac) {
        check(bc);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t  rlen;

    fuzz_parse(data, size, (const u_char *) "/xcap", 5);

    if (size > 0) {
        rlen = data[0] % 64;

        if (rlen < size) {
            fuzz_parse(data + 1 + rlen, size - 1 - rlen, data + 1, rlen);
        }
    }

    fuzz_identity(data, size);

    return 0;
}
