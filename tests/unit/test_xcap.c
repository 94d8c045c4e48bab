
/*
 * XCAP URI parser and identity comparison (ngx_ims_ut_xcap.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_xcap.h"
#include "tap.h"


#define X_OUTSIDE   NGX_IMS_UT_XCAP_OUTSIDE
#define X_USERS     NGX_IMS_UT_XCAP_USERS
#define X_GLOBAL    NGX_IMS_UT_XCAP_GLOBAL
#define X_NOT       NGX_IMS_UT_XCAP_NOT_XCAP
#define X_BAD       NGX_IMS_UT_XCAP_BAD_ENCODING


static ngx_ims_ut_xcap_uri_t  u;
static u_char                *ubuf;


/*
 * buf gets exactly len bytes (the documented minimum) so that ASan sees
 * any write past it; it lives until the next call, as u points into it.
 */

static int
parse_n(const char *path, size_t len, const char *root)
{
    ngx_str_t  r;

    free(ubuf);
    ubuf = malloc(len ? len : 1);

    r.data = (u_char *) root;
    r.len = strlen(root);

    return ngx_ims_ut_xcap_parse((const u_char *) path, len, &r, ubuf, &u);
}


static int
parse(const char *path, const char *root)
{
    return parse_n(path, strlen(path), root);
}


static int
eq(const char *a, const char *b)
{
    return ngx_ims_ut_identity_eq((const u_char *) a, strlen(a),
                                  (const u_char *) b, strlen(b));
}


/* equality must not depend on the order of the arguments */

static void
is_eq(const char *a, const char *b, int want)
{
    is_int(eq(a, b), want, "eq(%s, %s) == %d", a, b, want);
    is_int(eq(b, a), want, "eq(%s, %s) == %d", b, a, want);
}


static void
test_root(void)
{
    const char  *p = "/xcap/pres-rules/users/sip:alice@example.com/index";

    is_int(parse(p, "/xcap"), X_USERS, "plain users URI");
    is_str(u.auid.data, u.auid.len, "pres-rules", "auid");
    is_str(u.xui.data, u.xui.len, "sip:alice@example.com", "xui");
    is_str(u.doc.data, u.doc.len, "index", "doc");
    is_int(u.has_node_selector, 0, "no node selector");
    is_int(u.kind, X_USERS, "kind stored");

    is_int(parse(p, "/xcap/"), X_USERS, "root with trailing slash");
    is_str(u.xui.data, u.xui.len, "sip:alice@example.com",
           "xui, root with trailing slash");
    is_int(parse(p, "/xcap//"), X_USERS, "root with two trailing slashes");

    is_int(parse("/pres-rules/users/sip:a@b/index", "/"), X_USERS,
           "root /");
    is_str(u.auid.data, u.auid.len, "pres-rules", "auid under root /");
    is_int(parse("/pres-rules/users/sip:a@b/index", ""), X_USERS,
           "empty root");

    is_int(parse("/a/b/xcap/pres-rules/users/x/i", "/a/b/xcap"), X_USERS,
           "multi-segment root");

    is_int(parse("/xcapfoo/pres-rules/users/x/i", "/xcap"), X_OUTSIDE,
           "root prefix without slash is outside");
    is_int(parse("/other/pres-rules/users/x/i", "/xcap"), X_OUTSIDE,
           "other path outside");
    is_int(parse("/XCAP/pres-rules/users/x/i", "/xcap"), X_OUTSIDE,
           "root is case-sensitive");
    is_int(parse("/xca", "/xcap"), X_OUTSIDE, "shorter than root");
    is_int(parse("", "/xcap"), X_OUTSIDE, "empty path");
    is_int(parse("*", "/xcap"), X_OUTSIDE, "asterisk");
    is_int(u.auid.len + u.xui.len + u.doc.len, 0, "outside: strings empty");

    is_int(parse("/xcap", "/xcap"), X_NOT, "path equal to root");
    is_int(parse("/xcap/", "/xcap"), X_NOT, "path equal to root + /");
    is_int(parse("/xcap", "/xcap/"), X_NOT,
           "path equal to root, root with slash");
    is_int(parse("/xcap/", "/xcap/"), X_NOT,
           "path equal to root with slash");
    is_int(parse("/", "/"), X_NOT, "path / with root /");

    /* spellings nginx routes into the root location */
    is_int(parse("/%78cap/pres-rules/users/sip:bob@example.com/index",
                 "/xcap"), X_NOT, "encoded root is refused, not outside");
    is_int(parse("/%78cap", "/xcap"), X_NOT, "encoded root alone");
    is_int(parse("/xcap%2Fpres-rules/users/sip:bob@example.com/index",
                 "/xcap"), X_NOT, "encoded slash after root");
    is_int(parse("//xcap/pres-rules/users/x/i", "/xcap"), X_NOT,
           "leading // before root");
    is_int(parse("/./xcap/pres-rules/users/x/i", "/xcap"), X_NOT,
           "leading /. before root");
    is_int(parse("/other/../xcap/pres-rules/users/x/i", "/xcap"), X_NOT,
           "dot-dot into root");
    is_int(parse("/other/%2e%2E/xcap/pres-rules/users/x/i", "/xcap"), X_NOT,
           "encoded dot-dot into root");
    is_int(parse("/../xcap/pres-rules/users/x/i", "/xcap"), X_NOT,
           "dot-dot above the top into root");
    is_int(parse("/xcapx/../xcap", "/xcap"), X_NOT,
           "dot-dot onto root itself");
    is_int(parse("/xcap/../other/x", "/xcap"), X_NOT,
           "raw root then dot-dot out: refused");
    is_int(parse("/other/%2e%2e/xcapx/y", "/xcap"), X_OUTSIDE,
           "normalised elsewhere stays outside");
    is_int(parse("/xcap#/pres-rules/users/sip:bob@example.com/index",
                 "/xcap"), X_NOT, "# right after root");
    is_int(parse("/%78cap#x", "/xcap"), X_NOT, "# after encoded root");
    is_int(parse("/other#/../xcap/pres-rules/users/x/i", "/xcap"), X_OUTSIDE,
           "nginx cuts at #: elsewhere");
    is_int(parse("/other?/../xcap/pres-rules/users/x/i", "/xcap"), X_OUTSIDE,
           "nginx cuts at ?: elsewhere");
    is_int(parse("/a/%41", "/xcap"), X_OUTSIDE, "encoded, elsewhere");
    is_int(parse("/a/%zz", "/xcap"), X_BAD, "bad encoding outside root");
    is_int(parse("/%78cap/%", "/xcap"), X_BAD,
           "bad encoding in encoded root");
}


static void
test_trees(void)
{
    is_int(parse("/xcap/xcap-caps/global/index", "/xcap"), X_GLOBAL,
           "global");
    is_str(u.auid.data, u.auid.len, "xcap-caps", "global auid");
    is_str(u.doc.data, u.doc.len, "index", "global doc");
    is_int(u.xui.len, 0, "global has no xui");

    is_int(parse("/xcap/pres-rules/global/index/~~/ruleset", "/xcap"),
           X_GLOBAL, "global with node selector");
    is_int(u.has_node_selector, 1, "global node selector flag");

    is_int(parse("/xcap/resource-lists/users/sip:alice@example.com/"
                 "dir/sub/index", "/xcap"), X_USERS, "doc in directories");
    is_str(u.doc.data, u.doc.len, "dir/sub/index", "doc joined with /");

    is_int(parse("/xcap/resource-lists/users/sip:alice@example.com/"
                 "my%20lists/index.xml", "/xcap"), X_USERS,
           "encoded doc segment");
    is_str(u.doc.data, u.doc.len, "my lists/index.xml", "doc decoded");

    is_int(parse("/xcap/pres-rules/users/sip%3Aalice%40example.com/index",
                 "/xcap"), X_USERS, "percent-encoded XUI");
    is_str(u.xui.data, u.xui.len, "sip:alice@example.com", "XUI decoded");

    is_int(parse("/xcap/simservs.ngn.etsi.org/users/tel:+1-212-555-0100/"
                 "simservs.xml", "/xcap"), X_USERS, "tel XUI");
    is_str(u.auid.data, u.auid.len, "simservs.ngn.etsi.org", "dotted auid");
    is_str(u.xui.data, u.xui.len, "tel:+1-212-555-0100", "tel XUI value");

    is_int(parse("/xcap/simservs.ngn.etsi.org/users/tel%3A%2B12125550100/"
                 "simservs.xml", "/xcap"), X_USERS, "encoded tel XUI");
    is_str(u.xui.data, u.xui.len, "tel:+12125550100", "encoded tel XUI");

    is_int(parse("/xcap/pres-rules/users/sip:alice%2Fbob@example.com/index",
                 "/xcap"), X_USERS, "%%2F inside the XUI");
    is_str(u.xui.data, u.xui.len, "sip:alice/bob@example.com",
           "%%2F stays inside the XUI");
    is_str(u.doc.data, u.doc.len, "index", "doc after %%2F XUI");

    is_int(parse("/xcap/pres-rules/users/sip:alice%252Fbob@example.com/"
                 "index", "/xcap"), X_USERS, "%%252F in the XUI");
    is_str(u.xui.data, u.xui.len, "sip:alice%2Fbob@example.com",
           "%%252F decodes once");

    is_int(parse("/xcap/pres-rules/us%65rs/sip:alice@example.com/index",
                 "/xcap"), X_USERS, "encoded users is still users");
    is_int(parse("/xcap/pres%2Drules/users/sip:alice@example.com/index",
                 "/xcap"), X_USERS, "encoded auid");
    is_str(u.auid.data, u.auid.len, "pres-rules", "encoded auid decoded");

    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index..xml",
                 "/xcap"), X_USERS, "dots inside a name are fine");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/...",
                 "/xcap"), X_USERS, "three dots are a name");
}


static void
test_structure(void)
{
    /* case of the tree name */
    is_int(parse("/xcap/pres-rules/USERS/sip:alice@example.com/index",
                 "/xcap"), X_NOT, "USERS");
    is_int(parse("/xcap/pres-rules/Global/index", "/xcap"), X_NOT,
           "Global");
    is_int(parse("/xcap/pres-rules/other/x/index", "/xcap"), X_NOT,
           "unknown tree");
    is_int(u.auid.len, 0, "not xcap: strings empty");

    /* missing parts */
    is_int(parse("/xcap/pres-rules", "/xcap"), X_NOT, "auid only");
    is_int(parse("/xcap/pres-rules/users", "/xcap"), X_NOT, "no XUI");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com", "/xcap"),
           X_NOT, "no document");
    is_int(parse("/xcap/pres-rules/global", "/xcap"), X_NOT,
           "global without document");

    /* auid */
    is_int(parse("/xcap/pres%20rules/users/x/i", "/xcap"), X_NOT,
           "space in auid");
    is_int(parse("/xcap/pres-rules%2Fx/users/x/i", "/xcap"), X_NOT,
           "slash in auid");
    is_int(parse("/xcap/pres:rules/users/x/i", "/xcap"), X_NOT,
           "colon in auid");

    /* empty segments */
    is_int(parse("/xcap//pres-rules/users/x/i", "/xcap"), X_NOT,
           "// after root");
    is_int(parse("/xcap/pres-rules//users/x/i", "/xcap"), X_NOT,
           "// after auid");
    is_int(parse("/xcap/pres-rules/users//index", "/xcap"), X_NOT,
           "empty XUI");
    is_int(parse("/xcap/pres-rules/users/x//index", "/xcap"), X_NOT,
           "// in doc");
    is_int(parse("/xcap/pres-rules/users/x/index/", "/xcap"), X_NOT,
           "trailing slash");

    /* dot segments, raw and encoded, everywhere */
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/../"
                 "sip:bob@example.com/index", "/xcap"), X_NOT, "raw ..");
    is_int(parse("/xcap/pres-rules/users/../users/x/i", "/xcap"), X_NOT,
           ".. as XUI");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/%2E%2E/"
                 "sip:bob@example.com/index", "/xcap"), X_NOT,
           "encoded %%2E%%2E");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/.%2e/x",
                 "/xcap"), X_NOT, "half-encoded ..");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/./index",
                 "/xcap"), X_NOT, "raw .");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/%2e",
                 "/xcap"), X_NOT, "encoded .");
    is_int(parse("/xcap/./users/x/i", "/xcap"), X_NOT, ". as auid");
    is_int(parse("/xcap/../xcap/pres-rules/users/x/i", "/xcap"), X_NOT,
           ".. as auid");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/"
                 "..%2F..%2Fsip:bob@example.com/index", "/xcap"), X_NOT,
           "encoded ../../ smuggled in a doc segment");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com%2F..%2F"
                 "sip:bob@example.com/index", "/xcap"), X_NOT,
           "encoded /../ smuggled in the XUI");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~/"
                 "../x", "/xcap"), X_NOT, ".. in the node selector");

    /* fragments and queries */
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index#f",
                 "/xcap"), X_NOT, "raw # in the doc");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com#/../../"
                 "users/sip:bob@example.com/index", "/xcap"), X_NOT,
           "raw # in the XUI");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index?a=b/c",
                 "/xcap"), X_USERS, "query is cut off");
    is_str(u.doc.data, u.doc.len, "index", "doc without the query");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/i%23",
                 "/xcap"), X_USERS, "encoded # is a character");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/i%3F",
                 "/xcap"), X_USERS, "encoded ? is a character");
    is_str(u.doc.data, u.doc.len, "i?", "encoded ? decoded");
    is_int(parse("/xcap?/pres-rules/users/x/i", "/xcap"), X_NOT,
           "query right after root");

    /* decoded slash in a document segment */
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/a%2Fb",
                 "/xcap"), X_NOT, "%%2F in a document segment");
}


static void
test_node_selector(void)
{
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~/"
                 "ruleset/rule%5B@id=%22a%22%5D", "/xcap"), X_USERS,
           "node selector");
    is_int(u.has_node_selector, 1, "node selector flag");
    is_str(u.doc.data, u.doc.len, "index", "doc before node selector");
    is_str(u.xui.data, u.xui.len, "sip:alice@example.com",
           "xui with node selector");

    is_int(parse("/xcap/resource-lists/users/sip:alice@example.com/a/b/~~/"
                 "resource-lists/list%5B@name=%22x%2Fy%22%5D", "/xcap"),
           X_USERS, "%%2F inside a node selector predicate");
    is_str(u.doc.data, u.doc.len, "a/b", "directory doc before ~~");

    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/~~/ruleset",
                 "/xcap"), X_NOT, "~~ with no document before it");
    is_int(parse("/xcap/pres-rules/global/~~/ruleset", "/xcap"), X_NOT,
           "global ~~ with no document");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~",
                 "/xcap"), X_NOT, "~~ with nothing after it");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~/",
                 "/xcap"), X_NOT, "~~/ with nothing after it");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~/"
                 "a/~~/b", "/xcap"), X_NOT, "two ~~");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/%7E%7E/"
                 "ruleset", "/xcap"), X_NOT, "encoded ~~");
    is_int(parse("/xcap/pres-rules/users/~~/index", "/xcap"), X_NOT,
           "~~ as XUI");
    is_int(parse("/xcap/~~/users/x/index", "/xcap"), X_NOT, "~~ as auid");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~/"
                 "a//b", "/xcap"), X_NOT, "// in the node selector");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index/~~/"
                 "a%zz", "/xcap"), X_BAD, "bad encoding in node selector");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/~~x/index",
                 "/xcap"), X_USERS, "~~x is a plain name");
}


static void
test_encoding(void)
{
    static const char  nul[] = "/xcap/pres-rules/users/sip:a\0b/index";

    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index%4",
                 "/xcap"), X_BAD, "%%4 at the end");
    is_int(parse("/xcap/pres-rules/users/sip:alice%4@example.com/index",
                 "/xcap"), X_BAD, "%%4@");
    is_int(parse("/xcap/pres-rules/users/sip:alice%zz@example.com/index",
                 "/xcap"), X_BAD, "%%zz");
    is_int(parse("/xcap/pres-rules/users/sip:alice%4g@example.com/index",
                 "/xcap"), X_BAD, "%%4g");
    is_int(parse("/xcap/pres-rules/users/sip:alice@example.com/index%",
                 "/xcap"), X_BAD, "%% at the end");
    is_int(parse("/xcap/pres-rules/users/sip:alice%00@example.com/index",
                 "/xcap"), X_BAD, "%%00");
    is_int(parse_n(nul, sizeof(nul) - 1, "/xcap"), X_BAD, "raw NUL");
    is_int(parse("/xcap//%zz", "/xcap"), X_BAD,
           "bad encoding wins over an empty segment");
    is_int(u.auid.len + u.xui.len + u.doc.len, 0, "bad: strings empty");
    is_int(parse("/xcap/pres-rules/users/sip:alice%C3%A9@example.com/i",
                 "/xcap"), X_USERS, "UTF-8 in the XUI");
    is_str(u.xui.data, u.xui.len, "sip:alice\xc3\xa9@example.com",
           "UTF-8 XUI decoded");
}


static void
test_lengths(void)
{
    char        path[NGX_IMS_UT_XCAP_MAX_PATH + 64], *p;
    size_t      n, i;
    const char  *head = "/xcap/pres-rules/users/sip:alice@example.com/";

    /* exactly the maximum: a long document name */
    n = strlen(head);
    memcpy(path, head, n);
    memset(path + n, 'a', NGX_IMS_UT_XCAP_MAX_PATH - n);

    is_int(parse_n(path, NGX_IMS_UT_XCAP_MAX_PATH, "/xcap"), X_USERS,
           "path of the maximum length");
    is_int(u.doc.len, NGX_IMS_UT_XCAP_MAX_PATH - n, "long doc length");

    path[NGX_IMS_UT_XCAP_MAX_PATH] = 'a';
    is_int(parse_n(path, NGX_IMS_UT_XCAP_MAX_PATH + 1, "/xcap"), X_NOT,
           "overlong path");

    /* XUI: 512 decoded bytes, written as %41 each */
    p = path;
    p += sprintf(p, "/xcap/pres-rules/users/");

    for (i = 0; i < NGX_IMS_UT_XCAP_MAX_XUI; i++) {
        p += sprintf(p, "%%41");
    }

    p += sprintf(p, "/index");

    is_int(parse(path, "/xcap"), X_USERS, "XUI of 512 decoded bytes");
    is_int(u.xui.len, NGX_IMS_UT_XCAP_MAX_XUI, "XUI length");
    ok(u.xui.len && u.xui.data[0] == 'A'
       && u.xui.data[u.xui.len - 1] == 'A', "XUI decoded");

    p = path;
    p += sprintf(p, "/xcap/pres-rules/users/");
    memset(p, 'b', NGX_IMS_UT_XCAP_MAX_XUI + 1);
    p += NGX_IMS_UT_XCAP_MAX_XUI + 1;
    sprintf(p, "/index");

    is_int(parse(path, "/xcap"), X_NOT, "XUI of 513 bytes");
}


static void
test_root_valid(void)
{
#define rv(s)  ngx_ims_ut_xcap_root_valid((u_char *) s, strlen(s))

    ok(rv("/xcap"), "root /xcap valid");
    ok(rv("/xcap/"), "root /xcap/ valid");
    ok(rv("/"), "root / valid");
    ok(rv("/services/org.openmobilealliance.xcap-root"), "long root valid");
    ok(!rv(""), "empty root invalid");
    ok(!rv("xcap"), "relative root invalid");
    ok(!rv("/x%41"), "encoded root invalid");
    ok(!rv("/a//b"), "// root invalid");
    ok(!rv("/a/../b"), ".. root invalid");
    ok(!rv("/a/."), ". root invalid");
    ok(!rv("/a b"), "space root invalid");
    ok(!rv("/a?b"), "? root invalid");
    ok(!rv("/xcap//"), "two trailing slashes invalid");

#undef rv
}


static void
test_identity(void)
{
    const char  *alice = "sip:alice@example.com";

    is_eq(alice, alice, 1);
    is_eq(alice, "SIP:alice@example.com", 1);
    is_eq(alice, "Sip:alice@EXAMPLE.Com", 1);
    is_eq(alice, "sip:Alice@example.com", 0);
    is_eq(alice, "sip:ALICE@example.com", 0);
    is_eq(alice, "sips:alice@example.com", 0);
    is_eq("sips:alice@example.com", "SIPS:alice@example.COM", 1);
    is_eq(alice, "sip:bob@example.com", 0);
    is_eq(alice, "sip:alice@example.org", 0);
    is_eq(alice, "sip:alice@example.co", 0);
    is_eq(alice, "sip:alic@example.com", 0);

    /* escaped and unescaped user parts are the same */
    is_eq(alice, "sip:%61lice@example.com", 1);
    is_eq(alice, "sip:%41lice@example.com", 0);
    is_eq("sip:a%3bb@example.com", "sip:a%3Bb@example.com", 1);

    /* ports and passwords */
    is_eq(alice, "sip:alice@example.com:5060", 0);
    is_eq("sip:alice@example.com:5060", "sip:alice@EXAMPLE.com:5060", 1);
    is_eq(alice, "sip:alice:secret@example.com", 0);
    is_eq("sip:[2001:DB8::1]", "sip:[2001:db8::1]", 1);

    /* no userinfo */
    is_eq("sip:example.com", "sip:EXAMPLE.COM", 1);
    is_eq("sip:example.com", alice, 0);

    /* parameters: a set, caseless, one-sided ones differ */
    is_eq("sip:+4930123@ims.example.com;user=phone",
          "sip:+4930123@ims.example.com", 0);
    is_eq("sip:+4930123@ims.example.com;user=phone",
          "sip:+4930123@ims.example.com;USER=Phone", 1);
    is_eq("sip:a@h;x=1;y=2", "sip:a@h;y=2;x=1", 1);
    is_eq("sip:a@h;x=1;y=2", "sip:a@h;y=2;x=3", 0);
    is_eq("sip:a@h;lr", "sip:a@h;lr", 1);
    is_eq("sip:a@h;lr", "sip:a@h;lr=", 0);
    is_eq("sip:a@h;x=1;y=2", "sip:a@h;x=1;z=2", 0);
    is_eq("sip:a@h;x=1;y=2", "sip:a@h;x=1", 0);
    is_eq("sip:a@h;x=%41", "sip:a@h;x=a", 1);
    is_eq("sip:a@h;x=1;x=1", "sip:a@h;x=1;x=1", 0);
    is_eq("sip:a@h;x=1;X=2", "sip:a@h;x=1;X=2", 0);
    is_eq("sip:a@h;", "sip:a@h;", 0);
    is_eq("sip:a@h;;x", "sip:a@h;;x", 0);
    is_eq("sip:a@h;=1", "sip:a@h;=1", 0);
    is_eq("sip:alice;day=tue@h", "sip:alice;day=tue@h", 1);
    is_eq("sip:alice;day=tue@h", "sip:alice;DAY=tue@h", 0);

    /* not bare identities, or broken ones: equal to nothing */
    is_eq("sip:alice@example.com?subject=x", "sip:alice@example.com?subject=x",
          0);
    is_eq("<sip:alice@example.com>", "<sip:alice@example.com>", 0);
    is_eq("\"Alice\" <sip:alice@example.com>",
          "\"Alice\" <sip:alice@example.com>", 0);
    is_eq(" sip:alice@example.com", alice, 0);
    is_eq("sip:alice@example.com ", alice, 0);
    is_eq("sip:@example.com", "sip:@example.com", 0);
    is_eq("sip:alice@", "sip:alice@", 0);
    is_eq("sip:a@b@c", "sip:a@b@c", 0);
    is_eq("sip:alice%zz@example.com", "sip:alice%zz@example.com", 0);
    is_eq("sip:alice%00@example.com", "sip:alice%00@example.com", 0);
    is_eq("sip:alice%2@example.com", "sip:alice%2@example.com", 0);
    is_eq("sip:alice@exa%6Dple.com", "sip:alice@exa%6Dple.com", 0);
    is_eq("sip:alice@exa_mple.com", "sip:alice@exa_mple.com", 0);
    is_eq("mailto:alice@example.com", "mailto:alice@example.com", 0);
    is_eq("alice@example.com", "alice@example.com", 0);
    is_eq("sip", "sip", 0);
    is_eq("", "", 0);
    is_eq("sip:a@h;x=%zz", "sip:a@h;x=%zz", 0);
    is_eq("sip:alice@example.com\xc3\xa9", "sip:alice@example.com\xc3\xa9",
          0);
    is_int(ngx_ims_ut_identity_eq(NULL, 0, NULL, 0), 0, "NULL identities");

    /* tel: visual separators, hex digits, global vs local */
    is_eq("tel:+1-212-555-0100", "tel:+12125550100", 1);
    is_eq("tel:+1(212)555.0100", "tel:+1-212-555-0100", 1);
    is_eq("TEL:+12125550100", "tel:+12125550100", 1);
    is_eq("tel:%2B12125550100", "tel:+12125550100", 1);
    is_eq("tel:+12125550100", "tel:12125550100;phone-context=+1", 0);
    is_eq("tel:+12125550100", "tel:+12125550101", 0);
    is_eq("tel:+12125550100", "tel:+121255501000", 0);
    is_eq("tel:7AB*#;phone-context=example.com",
          "tel:7ab*#;phone-context=EXAMPLE.com", 1);
    is_eq("tel:7042;phone-context=example.com",
          "tel:7042;phone-context=example.org", 0);
    is_eq("tel:+12125550100;ext=22", "tel:+12125550100", 0);
    is_eq("tel:+", "tel:+", 0);
    is_eq("tel:--", "tel:--", 0);
    is_eq("tel:+12a", "tel:+12a", 0);
    is_eq("tel:1+2", "tel:1+2", 0);
    is_eq("tel:+1@x", "tel:+1@x", 0);
    is_eq("tel:+12125550100", "sip:+12125550100@example.com", 0);
    is_eq("tel:+12125550100", "sip:+12125550100", 0);
}


/* the module's use: parse the path, compare the XUI with an identity */

static void
test_together(void)
{
    const char  *alice = "sip:alice@example.com";

    is_int(parse("/xcap/pres-rules/users/sip%3Aalice%40EXAMPLE.com/index",
                 "/xcap"), X_USERS, "encoded XUI parsed");
    ok(ngx_ims_ut_identity_eq(u.xui.data, u.xui.len,
                              (u_char *) alice, strlen(alice)),
       "encoded XUI is alice");

    is_int(parse("/xcap/pres-rules/users/sip:alice%2Fbob@example.com/index",
                 "/xcap"), X_USERS, "%%2F XUI parsed");
    ok(!ngx_ims_ut_identity_eq(u.xui.data, u.xui.len,
                               (u_char *) alice, strlen(alice)),
       "%%2F XUI is not alice");

    is_int(parse("/xcap/pres-rules/users/sip:alice%2540example.com/index",
                 "/xcap"), X_USERS, "%%2540 XUI parsed");
    ok(!ngx_ims_ut_identity_eq(u.xui.data, u.xui.len,
                               (u_char *) alice, strlen(alice)),
       "%%2540 decodes once: not alice");

    is_int(parse("/xcap/simservs.ngn.etsi.org/users/tel:+1-212-555-0100/"
                 "simservs.xml", "/xcap"), X_USERS, "tel XUI parsed");
    ok(ngx_ims_ut_identity_eq(u.xui.data, u.xui.len,
                              (u_char *) "tel:+12125550100", 16),
       "tel XUI matches the plain number");
}


int
main(void)
{
    test_root();
    test_trees();
    test_structure();
    test_node_selector();
    test_encoding();
    test_lengths();
    test_root_valid();
    test_identity();
    test_together();

    free(ubuf);

    return done_testing();
}
