
/*
 * TS 33.141 clause 7.2 ClientHello cipher-suite policy and the clause 6.2 /
 * 6.4 config-time check.  Pure: runs on every handshake, so no allocation,
 * one pass over the offer, binary searches in two sorted arrays.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_suites.h"


static ngx_uint_t ngx_ims_ut_tls_enabled(const ngx_ims_ut_tls_rules_t *rules,
    uint16_t code);


const ngx_ims_ut_suite_t *
ngx_ims_ut_suite_lookup(uint16_t code)
{
    ngx_uint_t                 lo, hi, mid;
    const ngx_ims_ut_suite_t  *s;

    lo = 0;
    hi = ngx_ims_ut_nsuites;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        s = &ngx_ims_ut_suites[mid];

        if (s->code == code) {
            return s;
        }

        if (s->code < code) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return NULL;
}


ngx_ims_ut_tls_verdict_e
ngx_ims_ut_tls_judge(const u_char *list, size_t len, ngx_uint_t v2,
    const ngx_ims_ut_tls_rules_t *rules)
{
    size_t                     step, i;
    uint16_t                   code;
    ngx_uint_t                 judged, all_anon, integrity, encryption,
                               rule4, common, best, strong;
    const u_char              *p;
    const ngx_ims_ut_suite_t  *s;

    step = v2 ? 3 : 2;

    if (len % step) {
        return NGX_IMS_UT_TLS_MALFORMED;
    }

    judged = 0;
    all_anon = 1;
    integrity = 0;
    encryption = 0;
    common = 0;
    best = 0;

    rule4 = (rules != NULL && rules->require_encryption);

    for (i = 0; i < len; i += step) {
        p = list + i;

        if (v2) {
            /* SSLv2-only ciphers have a non-zero first byte */
            if (p[0] != 0) {
                continue;
            }

            p++;
        }

        code = (uint16_t) ((p[0] << 8) | p[1]);

        s = ngx_ims_ut_suite_lookup(code);

        if (s == NULL || (s->flags & NGX_IMS_UT_SUITE_IGNORED)) {
            continue;
        }

        judged++;

        if (!(s->flags & NGX_IMS_UT_SUITE_ANON)) {
            all_anon = 0;
        }

        if (s->integrity != NGX_IMS_UT_INTEGRITY_NONE) {
            integrity = 1;
        }

        if (s->enc_bits) {
            encryption = 1;
        }

        if (!rule4) {
            continue;
        }

        /*
         * an anonymous or unprotected suite in the common set does not
         * make the set strong, but it does make it non-empty
         */

        strong = !(s->flags & NGX_IMS_UT_SUITE_ANON)
                 && s->integrity != NGX_IMS_UT_INTEGRITY_NONE
                 && s->enc_bits > best;

        /* search the enabled set only when the answer can change */

        if ((!common || strong) && ngx_ims_ut_tls_enabled(rules, code)) {
            common = 1;

            if (strong) {
                best = s->enc_bits;
            }
        }
    }

    if (judged && all_anon) {
        return NGX_IMS_UT_TLS_RULE_ANON;
    }

    if (!integrity) {
        return NGX_IMS_UT_TLS_RULE_NO_INTEGRITY;
    }

    if (!encryption) {
        return NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION;
    }

    if (rule4 && common && best < rules->min_key_bits) {
        return NGX_IMS_UT_TLS_RULE_WEAK;
    }

    return NGX_IMS_UT_TLS_PASS;
}


static ngx_uint_t
ngx_ims_ut_tls_enabled(const ngx_ims_ut_tls_rules_t *rules, uint16_t code)
{
    ngx_uint_t  lo, hi, mid;

    lo = 0;
    hi = rules->nenabled;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (rules->enabled[mid] == code) {
            return 1;
        }

        if (rules->enabled[mid] < code) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return 0;
}


const char *
ngx_ims_ut_tls_verdict_text(ngx_ims_ut_tls_verdict_e v)
{
    switch (v) {

    case NGX_IMS_UT_TLS_PASS:
        return "pass";

    case NGX_IMS_UT_TLS_RULE_ANON:
        return "rule 1 (only anonymous key exchange, TS 33.141 7.2)";

    case NGX_IMS_UT_TLS_RULE_NO_INTEGRITY:
        return "rule 2 (no integrity protection offered, TS 33.141 7.2)";

    case NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION:
        return "rule 3 (no encryption offered, TS 33.141 7.2)";

    case NGX_IMS_UT_TLS_RULE_WEAK:
        return "rule 4 (common suites below the required key strength, "
               "TS 33.141 7.2)";

    case NGX_IMS_UT_TLS_MALFORMED:
        return "malformed cipher suite list";
    }

    return "unknown verdict";
}


ngx_int_t
ngx_ims_ut_tls_suite_forbidden(uint16_t code, const char **why)
{
    const ngx_ims_ut_suite_t  *s;

    s = ngx_ims_ut_suite_lookup(code);

    if (s == NULL || (s->flags & NGX_IMS_UT_SUITE_IGNORED)) {
        return 0;
    }

    if (s->flags & NGX_IMS_UT_SUITE_ANON) {
        if (why) {
            *why = "anonymous key exchange (TS 33.141 6.4)";
        }

        return 1;
    }

    if (s->integrity == NGX_IMS_UT_INTEGRITY_NONE) {
        if (why) {
            *why = "no integrity protection (TS 33.141 6.2)";
        }

        return 1;
    }

    return 0;
}
