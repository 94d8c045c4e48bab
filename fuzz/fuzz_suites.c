
/*
 * libFuzzer target for the TS 33.141 clause 7.2 cipher-suite classifier.
 *
 * Input: first byte picks the mode (bit 0: SSLv2-format list, bit 1:
 * require_encryption, bits 2-4: min_key_bits), the rest is the raw suite
 * list.  Besides the sanitizers, it checks that the verdict is in range and
 * that rule 4 only ever turns a pass into a "weak" verdict.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_suites.h"

#include <stdlib.h>


/* a typical server set plus the kinds the rules care about, sorted */
static const uint16_t  enabled[] = {
    0x0000, 0x0002, 0x000A, 0x0018, 0x002F, 0x0034, 0x0035, 0x009C,
    0x00FF, 0x1301, 0x1302, 0x1303, 0xC02F, 0xC030, 0xCCA8
};

static const ngx_uint_t  min_bits[] = { 0, 1, 40, 56, 112, 128, 256, 257 };


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                     len, step, i;
    uint16_t                   code;
    const u_char              *list;
    ngx_uint_t                 v2;
    const char                *text, *why;
    ngx_ims_ut_tls_rules_t     rules, off;
    ngx_ims_ut_tls_verdict_e   v, base;
    const ngx_ims_ut_suite_t  *s;

    if (size == 0) {
        return 0;
    }

    v2 = data[0] & 1;

    rules.require_encryption = (data[0] >> 1) & 1;
    rules.min_key_bits = min_bits[(data[0] >> 2) & 7];
    rules.enabled = enabled;
    rules.nenabled = sizeof(enabled) / sizeof(enabled[0]);

    list = data + 1;
    len = size - 1;

    v = ngx_ims_ut_tls_judge(list, len, v2, &rules);

    if (v > NGX_IMS_UT_TLS_MALFORMED) {
        abort();
    }

    text = ngx_ims_ut_tls_verdict_text(v);

    if (text == NULL || text[0] == '\0') {
        abort();
    }

    step = v2 ? 3 : 2;

    if ((v == NGX_IMS_UT_TLS_MALFORMED) != (len % step != 0)) {
        abort();
    }

    /* without rule 4 the verdict is the same as with no rules at all */

    off = rules;
    off.require_encryption = 0;

    base = ngx_ims_ut_tls_judge(list, len, v2, &off);

    if (base != ngx_ims_ut_tls_judge(list, len, v2, NULL)) {
        abort();
    }

    /* rule 4 comes last: it can only turn a pass into "weak" */

    if (v != base
        && !(base == NGX_IMS_UT_TLS_PASS && v == NGX_IMS_UT_TLS_RULE_WEAK))
    {
        abort();
    }

    if (v == NGX_IMS_UT_TLS_MALFORMED) {
        return 0;
    }

    /* every code point in the list: lookup and the config-time check */

    for (i = 0; i < len; i += step) {
        code = (uint16_t) ((list[i + step - 2] << 8) | list[i + step - 1]);

        s = ngx_ims_ut_suite_lookup(code);

        if (s != NULL && s->code != code) {
            abort();
        }

        why = NULL;

        if (ngx_ims_ut_tls_suite_forbidden(code, &why) && why == NULL) {
            abort();
        }
    }

    return 0;
}
