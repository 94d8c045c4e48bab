
/*
 * libFuzzer target for the Zn (Nbsp_GBA) code: the answer parser, the
 * problem+json summary, the RFC 3339 parser and the request builder, with
 * invariants checked on every success.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <jansson.h>

#include "ngx_ims_ut_zn.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
check_answer(const ngx_ims_ut_zn_answer_t *ans)
{
    size_t      off, i;
    ngx_uint_t  n;

    if (ans->nids > NGX_IMS_UT_MAX_IDS
        || ans->ids_len > NGX_IMS_UT_MAX_IDS_BYTES
        || ans->impi_len > NGX_IMS_UT_MAX_IMPI
        || ans->gba_type > NGX_IMS_UT_GBA_OTHER
        || ans->expires < 0 || ans->created < 0)
    {
        abort();
    }

    for (i = 0; i < ans->impi_len; i++) {
        if (ans->impi[i] < 0x20 || ans->impi[i] == 0x7f) {
            abort();
        }
    }

    off = 0;

    for (n = 0; n < ans->nids; n++) {
        if (ans->id_len[n] == 0 || ans->id_len[n] > NGX_IMS_UT_MAX_ID) {
            abort();
        }

        for (i = 0; i < ans->id_len[n]; i++) {
            if (ans->ids[off + i] < 0x20 || ans->ids[off + i] == 0x7f) {
                abort();
            }
        }

        if (ngx_ims_ut_zn_has_identity(ans, ans->ids + off, ans->id_len[n])
            != 1)
        {
            abort();
        }

        off += ans->id_len[n];
    }

    if (off != ans->ids_len) {
        abort();
    }

    /* deduplicated: no identity occurs twice */

    off = 0;

    for (n = 0; n + 1 < ans->nids; n++) {
        size_t      o2;
        ngx_uint_t  m;

        o2 = off + ans->id_len[n];

        for (m = n + 1; m < ans->nids; m++) {
            if (ans->id_len[m] == ans->id_len[n]
                && memcmp(ans->ids + o2, ans->ids + off, ans->id_len[n]) == 0)
            {
                abort();
            }

            o2 += ans->id_len[m];
        }

        off += ans->id_len[n];
    }
}


static void
check_request(const uint8_t *data, size_t size)
{
    size_t       blen, len, cap;
    u_char       out[NGX_IMS_UT_ZN_REQUEST_SIZE];
    json_t      *j, *naf, *v;
    ngx_str_t    btid, fqdn;
    const char  *hex;

    static u_char  digits[] = "0123456789abcdef";

    /* [ua id: 5][split][cap][btid ... | fqdn ...] */

    if (size < 7) {
        return;
    }

    blen = data[5];
    cap = (size_t) data[6] * 8;
    data += 7;
    size -= 7;

    if (blen > size) {
        blen = size;
    }

    if (cap == 0 || cap > sizeof(out)) {
        cap = sizeof(out);
    }

    btid.data = (u_char *) data;
    btid.len = blen;
    fqdn.data = (u_char *) data + blen;
    fqdn.len = size - blen;

    if (ngx_ims_ut_zn_request(&btid, &fqdn, data - 7, out, cap, &len)
        != NGX_OK)
    {
        return;
    }

    if (len > cap) {
        abort();
    }

    /* what was built must read back as exactly the inputs */

    j = json_loadb((const char *) out, len, JSON_REJECT_DUPLICATES, NULL);
    if (j == NULL) {
        abort();
    }

    v = json_object_get(j, "btId");
    if (!json_is_string(v) || json_string_length(v) != btid.len
        || memcmp(json_string_value(v), btid.data, btid.len) != 0)
    {
        abort();
    }

    naf = json_object_get(j, "nafId");
    v = json_object_get(naf, "nafFqdn");
    if (!json_is_string(v) || json_string_length(v) != fqdn.len
        || memcmp(json_string_value(v), fqdn.data, fqdn.len) != 0)
    {
        abort();
    }

    v = json_object_get(naf, "uaSecProtId");
    if (!json_is_string(v) || json_string_length(v) != 10) {
        abort();
    }

    hex = json_string_value(v);

    for (blen = 0; blen < 5; blen++) {
        if (hex[2 * blen] != digits[(data - 7)[blen] >> 4]
            || hex[2 * blen + 1] != digits[(data - 7)[blen] & 0x0f])
        {
            abort();
        }
    }

    if (!json_is_false(json_object_get(j, "gbaUAware"))) {
        abort();
    }

    json_decref(j);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                   len, cap;
    time_t                   t;
    u_char                   buf[512];
    const char              *err;
    ngx_ims_ut_zn_answer_t   ans;

    err = NULL;

    if (ngx_ims_ut_zn_parse(data, size, &ans, &err) == NGX_OK) {
        check_answer(&ans);

    } else if (err == NULL) {
        abort();
    }

    cap = size ? data[0] % sizeof(buf) : 0;
    len = (size_t) -1;

    ngx_ims_ut_zn_problem(data, size, buf, cap, &len);

    if (len > cap) {
        abort();
    }

    if (ngx_ims_ut_zn_parse_time(data, size, &t) == NGX_OK && t <= 0) {
        abort();
    }

    check_request(data, size);

    return 0;
}
