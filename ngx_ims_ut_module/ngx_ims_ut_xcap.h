
/*
 * XCAP URI parsing (RFC 4825) and identity comparison for the
 * authorization of TS 33.141 clause 5.1.1: a user only touches the
 * users/<XUI>/ tree of one of its own public identities.
 *
 * Pure functions over bytes: no request, pool or log.
 *
 *
 * ngx_ims_ut_xcap_parse() takes the RAW request target path (the bytes the
 * client sent, up to '?', still percent-encoded) and the configured root:
 *
 *   <root>/<auid>/users/<XUI>/<doc>[/~~/<node selector>]   -> USERS
 *   <root>/<auid>/global/<doc>[/~~/<node selector>]        -> GLOBAL
 *
 * Root
 *   - Should the caller pass a query, the path ends at the first "?".
 *   - Trailing slashes of the configured root are ignored ("/xcap/" is
 *     "/xcap", "/" is the empty root).  The root is compared with the raw
 *     path byte for byte; the path must continue with "/" after it.
 *   - A path equal to the root, or to the root and "/", is NOT_XCAP.
 *   - A path whose raw bytes are not under the root is OUTSIDE, unless
 *     nginx would route it there anyway: nginx matches locations on the
 *     decoded path, cut at a raw "#", with slashes merged and dot
 *     segments resolved, so "/%78cap/...", "//xcap/...", "/a/../xcap/..."
 *     or "/xcap#/..." reach an XCAP location.  Such a path is computed
 *     the way nginx does and, when it lands on or under the root, is
 *     NOT_XCAP (refused, never left unjudged).  Malformed %-encoding in
 *     that computation is BAD_ENCODING (nginx itself answers 400 to such
 *     a request line).
 *
 * Under the root (all of these, in this order)
 *   - len > NGX_IMS_UT_XCAP_MAX_PATH: NOT_XCAP.
 *   - "%" not followed by two hex digits, a raw NUL or a %00 anywhere:
 *     BAD_ENCODING.
 *   - A raw "#" anywhere: NOT_XCAP (nginx ends the path there, a backend
 *     might not).
 *   - The rest is split on raw "/" BEFORE decoding; each segment is then
 *     percent-decoded exactly once: "%2F" in the XUI stays a "/" inside
 *     the XUI, "%252F" becomes "%2F" and nothing more.
 *   - An empty segment ("//", trailing "/") is NOT_XCAP.  A segment that
 *     is "." or "..", raw or decoded, is NOT_XCAP; so is a segment whose
 *     decoded bytes hold a "." or ".." between decoded slashes
 *     ("..%2F..%2Fx"): a backend that decodes before splitting must not
 *     be walked out of the tree.  Nothing is ever normalised.
 *   - <auid>: decoded, non-empty, only ALPHA DIGIT "-" "." "_" "~".
 *   - then "users" or "global", decoded, case-sensitive ("USERS" is
 *     NOT_XCAP).
 *   - users: the XUI segment, decoded, 1..NGX_IMS_UT_XCAP_MAX_XUI bytes;
 *     it may hold decoded "/" (it must then match an identity, which
 *     never has one).
 *   - then at least one document segment.  Document segments must not
 *     decode to a "/" (the separators of the document path are raw "/"
 *     only, so "doc" is unambiguous); "doc" is the decoded segments
 *     joined with "/".
 *   - The raw segment "~~" separates the node selector; at least one
 *     document segment must precede it and at least one segment must
 *     follow it; the node selector is only checked for encoding and dot
 *     segments, and is not returned.  A second "~~", or a segment that
 *     only decodes to "~~" ("%7E%7E"), is NOT_XCAP.
 *
 * buf must hold at least len bytes; auid, xui and doc point into it.
 * Other kinds leave the strings empty.
 *
 *
 * ngx_ims_ut_identity_eq(): do two bare identity URIs denote the same
 * user?  A simplified, stricter RFC 3261 19.1.4 / RFC 3966 section 4:
 *   - Bare URIs only: any byte outside 0x21-0x7e, '<', '>' or '"' (name-
 *     addr, display names, whitespace) makes the value invalid.
 *   - Schemes "sip", "sips" and "tel", case-insensitive; any other scheme
 *     is invalid.  sip and sips never denote the same identity.
 *   - sip/sips: userinfo (up to the only raw '@', user and password) is
 *     compared exactly after percent-decoding both sides (escaped and
 *     unescaped forms are equivalent); host and port compared
 *     case-insensitively, only ALPHA DIGIT "-" "." ":" "[" "]" allowed,
 *     so a default port is not the same as no port.  URI headers ("?"
 *     after the host) make the value invalid.
 *   - tel: the number is compared after decoding, ignoring the visual
 *     separators "-" "." "(" ")", hex digits case-insensitively; the
 *     leading "+" of a global number is part of the comparison.
 *   - Parameters (";name[=value]") are compared as sets: names and values
 *     case-insensitively after decoding, order ignored; a parameter
 *     present on one side only makes the identities differ (RFC 3261
 *     lets most one-sided parameters pass; for authorization we do not),
 *     empty or duplicate parameters, or more than
 *     NGX_IMS_UT_IDENTITY_MAX_PARAMS, make the value invalid.
 *   - An invalid value (bad %-encoding, %00 included) equals nothing, not
 *     even itself.
 */


#ifndef _NGX_IMS_UT_XCAP_H_INCLUDED_
#define _NGX_IMS_UT_XCAP_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


typedef enum {
    NGX_IMS_UT_XCAP_OUTSIDE = 0,   /* not under root: not judged            */
    NGX_IMS_UT_XCAP_USERS,         /* users tree                            */
    NGX_IMS_UT_XCAP_GLOBAL,        /* global tree                           */
    NGX_IMS_UT_XCAP_NOT_XCAP,      /* under root but not a well-formed XCAP
                                      URI: the module answers 404           */
    NGX_IMS_UT_XCAP_BAD_ENCODING   /* malformed %-encoding: 400             */
} ngx_ims_ut_xcap_kind_e;


#define NGX_IMS_UT_XCAP_MAX_XUI          512
#define NGX_IMS_UT_XCAP_MAX_PATH         8192
#define NGX_IMS_UT_IDENTITY_MAX_PARAMS   32


typedef struct {
    ngx_ims_ut_xcap_kind_e  kind;
    ngx_str_t               auid;    /* decoded, points into buf            */
    ngx_str_t               xui;     /* decoded once, points into buf       */
    ngx_str_t               doc;     /* decoded document path (may contain
                                        "/" between segments)               */
    ngx_uint_t              has_node_selector;
} ngx_ims_ut_xcap_uri_t;


ngx_ims_ut_xcap_kind_e ngx_ims_ut_xcap_parse(const u_char *path, size_t len,
    const ngx_str_t *root, u_char *buf, ngx_ims_ut_xcap_uri_t *uri);

/*
 * 1 when root is usable as ims_ut_xcap_root: starts with "/", only plain
 * path characters (no "%", "?", "#", controls or spaces), no empty, "."
 * or ".." segment; one trailing "/" is tolerated.  For config time.
 */
ngx_uint_t ngx_ims_ut_xcap_root_valid(const u_char *root, size_t len);

ngx_uint_t ngx_ims_ut_identity_eq(const u_char *a, size_t alen,
    const u_char *b, size_t blen);


#endif /* _NGX_IMS_UT_XCAP_H_INCLUDED_ */
