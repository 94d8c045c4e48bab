
/*
 * Zn over HTTP/JSON (TS 29.309 Nbsp_GBA): request body builder, answer
 * parser, problem+json summary.  Pure functions over bytes, see the header.
 *
 * Choices where the schema leaves room:
 *  - optional members that are JSON null count as absent (some serialisers
 *    emit null instead of leaving a member out); required ones do not;
 *  - gbaType is an extensible enum: an unknown string is kept as
 *    NGX_IMS_UT_GBA_OTHER, a non-string is an error;
 *  - gsId and gsType are not used here: when present they must be Uint32,
 *    when absent the uss is still taken (its ueIds are what matters);
 *  - an empty ussList, ueIds or flags array (minItems 1) is taken as
 *    carrying nothing rather than failing the whole answer;
 *  - identities and the impi must be free of control characters, since
 *    they end up in headers and logs.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <jansson.h>

#include "ngx_ims_ut_zn.h"


#define NGX_IMS_UT_ZN_UINT32_MAX  4294967295LL


typedef struct {
    u_char      *pos;
    u_char      *last;
    u_char      *end;
    ngx_uint_t   full;             /* a put did not fit: stop writing */
} ngx_ims_ut_zn_buf_t;


static ngx_int_t ngx_ims_ut_zn_has_ctl(const u_char *p, size_t len);
static ngx_int_t ngx_ims_ut_zn_hex(u_char c);
static ngx_int_t ngx_ims_ut_zn_key(const char *s, size_t len, u_char *key);
static json_t *ngx_ims_ut_zn_get(json_t *obj, const char *name);
static ngx_int_t ngx_ims_ut_zn_is_uint32(json_t *v);
static const char *ngx_ims_ut_zn_json_error(json_error_t *jerr);
static const char *ngx_ims_ut_zn_answer(json_t *root,
    ngx_ims_ut_zn_answer_t *ans);
static const char *ngx_ims_ut_zn_time(json_t *root, const char *name,
    time_t *t);
static const char *ngx_ims_ut_zn_uss_list(json_t *list,
    ngx_ims_ut_zn_answer_t *ans);
static const char *ngx_ims_ut_zn_uss(json_t *uss, ngx_ims_ut_zn_answer_t *ans);
static const char *ngx_ims_ut_zn_add_id(ngx_ims_ut_zn_answer_t *ans,
    const u_char *id, size_t len);
static ngx_uint_t ngx_ims_ut_zn_digits(const u_char *p, ngx_uint_t n,
    ngx_uint_t *value);
static int64_t ngx_ims_ut_zn_days(ngx_uint_t year, ngx_uint_t month,
    ngx_uint_t day);
static void ngx_ims_ut_zn_put(ngx_ims_ut_zn_buf_t *b, const char *s,
    size_t len);
static void ngx_ims_ut_zn_put_quoted(ngx_ims_ut_zn_buf_t *b, const u_char *s,
    size_t len);
static void ngx_ims_ut_zn_put_member(ngx_ims_ut_zn_buf_t *b, json_t *root,
    const char *name);


static const ngx_uint_t  ngx_ims_ut_zn_mdays[] = {
    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

/* days before the first of each month in a common year */
static const ngx_uint_t  ngx_ims_ut_zn_ydays[] = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};


ngx_int_t
ngx_ims_ut_zn_request(const ngx_str_t *btid, const ngx_str_t *naf_fqdn,
    const u_char ua_id[5], u_char *out, size_t size, size_t *len)
{
    size_t       n;
    u_char       hex[10], *p;
    json_t      *root, *naf;
    ngx_int_t    rc;
    ngx_uint_t   i;

    static u_char  digits[] = "0123456789abcdef";

    if (btid->len == 0 || btid->len > NGX_IMS_UT_ZN_MAX_BTID
        || ngx_ims_ut_zn_has_ctl(btid->data, btid->len))
    {
        return NGX_ERROR;
    }

    if (naf_fqdn->len == 0 || naf_fqdn->len > NGX_IMS_UT_ZN_MAX_FQDN
        || ngx_ims_ut_zn_has_ctl(naf_fqdn->data, naf_fqdn->len))
    {
        return NGX_ERROR;
    }

    for (i = 0, p = hex; i < 5; i++) {
        *p++ = digits[ua_id[i] >> 4];
        *p++ = digits[ua_id[i] & 0x0f];
    }

    root = json_object();
    naf = json_object();

    if (root == NULL || naf == NULL) {
        json_decref(root);
        json_decref(naf);
        return NGX_ERROR;
    }

    /*
     * json_stringn() refuses invalid UTF-8 (returns NULL) and the
     * json_object_set_new() calls then fail, so rc catches both that and
     * a failed allocation; members keep insertion order when dumped
     */

    rc = NGX_OK;

    if (json_object_set_new(root, "btId",
            json_stringn((const char *) btid->data, btid->len)) != 0
        || json_object_set_new(naf, "nafFqdn",
            json_stringn((const char *) naf_fqdn->data, naf_fqdn->len)) != 0
        || json_object_set_new(naf, "uaSecProtId",
            json_stringn((const char *) hex, sizeof(hex))) != 0)
    {
        rc = NGX_ERROR;
    }

    /* json_object_set_new() consumes naf even when it fails */

    if (json_object_set_new(root, "nafId", naf) != 0
        || json_object_set_new(root, "gbaUAware", json_false()) != 0)
    {
        rc = NGX_ERROR;
    }

    if (rc == NGX_OK) {
        n = json_dumpb(root, (char *) out, size, JSON_COMPACT);

        if (n == 0 || n > size) {
            rc = NGX_ERROR;

        } else {
            *len = n;
        }
    }

    json_decref(root);

    return rc;
}


ngx_int_t
ngx_ims_ut_zn_parse(const u_char *body, size_t len,
    ngx_ims_ut_zn_answer_t *ans, const char **err)
{
    json_t        *root;
    const char    *e;
    json_error_t   jerr;

    ngx_memzero(ans, sizeof(ngx_ims_ut_zn_answer_t));

    if (len == 0) {
        e = "empty answer";
        goto failed;
    }

    if (len > NGX_IMS_UT_ZN_MAX_ANSWER) {
        e = "answer too large";
        goto failed;
    }

    /* any top-level value, so that a scalar gets the clearer message */

    root = json_loadb((const char *) body, len,
                      JSON_REJECT_DUPLICATES|JSON_DECODE_ANY, &jerr);

    if (root == NULL) {
        e = ngx_ims_ut_zn_json_error(&jerr);
        goto failed;
    }

    e = ngx_ims_ut_zn_answer(root, ans);

    json_decref(root);

    if (e == NULL) {
        return NGX_OK;
    }

failed:

    /* a half-filled record must never reach the key cache */
    ngx_memzero(ans, sizeof(ngx_ims_ut_zn_answer_t));

    if (err) {
        *err = e;
    }

    return NGX_ERROR;
}


static const char *
ngx_ims_ut_zn_json_error(json_error_t *jerr)
{
    switch (json_error_code(jerr)) {

    case json_error_duplicate_key:
        return "duplicate member in JSON";

    case json_error_premature_end_of_input:
        return "truncated JSON";

    case json_error_end_of_input_expected:
        return "data after the JSON value";

    case json_error_invalid_utf8:
        return "JSON not valid UTF-8";

    case json_error_null_character:
    case json_error_null_byte_in_key:
        return "NUL in a JSON string";

    case json_error_numeric_overflow:
        return "JSON number out of range";

    case json_error_stack_overflow:
        return "JSON nested too deeply";

    case json_error_out_of_memory:
        return "out of memory parsing JSON";

    default:
        return "invalid JSON";
    }
}


static const char *
ngx_ims_ut_zn_answer(json_t *root, ngx_ims_ut_zn_answer_t *ans)
{
    size_t       len;
    u_char       uicc[NGX_IMS_UT_KS_NAF_LEN];
    json_t      *v;
    const char  *e, *s;

    if (!json_is_object(root)) {
        return "not a JSON object";
    }

    v = json_object_get(root, "meKeyMaterial");

    if (v == NULL) {
        return "meKeyMaterial missing";
    }

    if (!json_is_string(v)) {
        return "meKeyMaterial not a string";
    }

    if (ngx_ims_ut_zn_key(json_string_value(v), json_string_length(v),
                          ans->ks_naf)
        != NGX_OK)
    {
        return "meKeyMaterial not 64 hex digits";
    }

    /* not used (GBA_U unaware), but a malformed one means a broken BSF */

    v = ngx_ims_ut_zn_get(root, "uiccKeyMaterial");

    if (v) {
        if (!json_is_string(v)) {
            return "uiccKeyMaterial not a string";
        }

        if (ngx_ims_ut_zn_key(json_string_value(v), json_string_length(v),
                              uicc)
            != NGX_OK)
        {
            return "uiccKeyMaterial not 64 hex digits";
        }

        ngx_memzero(uicc, sizeof(uicc));
    }

    e = ngx_ims_ut_zn_time(root, "keyExpiryTime", &ans->expires);
    if (e) {
        return e;
    }

    e = ngx_ims_ut_zn_time(root, "bootstrappingInfoCreationTime",
                           &ans->created);
    if (e) {
        return e;
    }

    v = ngx_ims_ut_zn_get(root, "impi");

    if (v) {
        if (!json_is_string(v)) {
            return "impi not a string";
        }

        len = json_string_length(v);

        if (len > NGX_IMS_UT_MAX_IMPI) {
            return "impi too long";
        }

        if (ngx_ims_ut_zn_has_ctl((const u_char *) json_string_value(v), len))
        {
            return "impi has control characters";
        }

        ngx_memcpy(ans->impi, json_string_value(v), len);
        ans->impi_len = len;
    }

    v = ngx_ims_ut_zn_get(root, "gbaType");

    if (v) {
        if (!json_is_string(v)) {
            return "gbaType not a string";
        }

        s = json_string_value(v);
        len = json_string_length(v);

        if (len == 6 && ngx_memcmp(s, "3G_GBA", 6) == 0) {
            ans->gba_type = NGX_IMS_UT_GBA_3G;

        } else if (len == 6 && ngx_memcmp(s, "2G_GBA", 6) == 0) {
            ans->gba_type = NGX_IMS_UT_GBA_2G;

        } else if (len == 10 && ngx_memcmp(s, "GBA_DIGEST", 10) == 0) {
            ans->gba_type = NGX_IMS_UT_GBA_DIGEST;

        } else {
            ans->gba_type = NGX_IMS_UT_GBA_OTHER;
        }
    }

    v = ngx_ims_ut_zn_get(root, "ussList");

    if (v) {
        return ngx_ims_ut_zn_uss_list(v, ans);
    }

    return NULL;
}


static const char *
ngx_ims_ut_zn_time(json_t *root, const char *name, time_t *t)
{
    json_t  *v;

    v = ngx_ims_ut_zn_get(root, name);

    if (v == NULL) {
        *t = 0;
        return NULL;
    }

    /* the names are the only two this is called with */

    if (!json_is_string(v)) {
        return (name[0] == 'k') ? "keyExpiryTime not a string"
                                : "bootstrappingInfoCreationTime not a string";
    }

    if (ngx_ims_ut_zn_parse_time((const u_char *) json_string_value(v),
                                 json_string_length(v), t)
        != NGX_OK)
    {
        return (name[0] == 'k') ? "keyExpiryTime not RFC 3339"
                                : "bootstrappingInfoCreationTime not RFC 3339";
    }

    return NULL;
}


static const char *
ngx_ims_ut_zn_uss_list(json_t *list, ngx_ims_ut_zn_answer_t *ans)
{
    size_t       i;
    json_t      *item, *uss;
    const char  *e;

    if (!json_is_array(list)) {
        return "ussList not an array";
    }

    json_array_foreach(list, i, item) {

        if (!json_is_object(item)) {
            return "ussList item not an object";
        }

        uss = json_object_get(item, "uss");

        if (uss == NULL) {
            return "ussList item without uss";
        }

        if (!json_is_object(uss)) {
            return "uss not an object";
        }

        e = ngx_ims_ut_zn_uss(uss, ans);
        if (e) {
            return e;
        }
    }

    return NULL;
}


static const char *
ngx_ims_ut_zn_uss(json_t *uss, ngx_ims_ut_zn_answer_t *ans)
{
    size_t       i;
    json_t      *v, *item, *id;
    const char  *e;

    v = ngx_ims_ut_zn_get(uss, "gsId");

    if (v && !ngx_ims_ut_zn_is_uint32(v)) {
        return "gsId not a Uint32";
    }

    v = ngx_ims_ut_zn_get(uss, "gsType");

    if (v && !ngx_ims_ut_zn_is_uint32(v)) {
        return "gsType not a Uint32";
    }

    v = ngx_ims_ut_zn_get(uss, "nafGroup");

    if (v && !json_is_string(v)) {
        return "nafGroup not a string";
    }

    v = ngx_ims_ut_zn_get(uss, "keyChoice");

    if (v && !json_is_string(v)) {
        return "keyChoice not a string";
    }

    v = ngx_ims_ut_zn_get(uss, "flags");

    if (v) {
        if (!json_is_array(v)) {
            return "flags not an array";
        }

        json_array_foreach(v, i, item) {

            if (!json_is_object(item)) {
                return "flags item not an object";
            }

            id = json_object_get(item, "flag");

            if (id == NULL) {
                return "flags item without flag";
            }

            if (!ngx_ims_ut_zn_is_uint32(id)) {
                return "flag not a Uint32";
            }
        }
    }

    v = json_object_get(uss, "ueIds");

    if (v == NULL) {
        return "uss without ueIds";
    }

    if (!json_is_array(v)) {
        return "ueIds not an array";
    }

    json_array_foreach(v, i, item) {

        /* UeIdsItem: {"ueId": "<public identity>"}, never a bare string */

        if (!json_is_object(item)) {
            return "ueIds item not an object";
        }

        id = json_object_get(item, "ueId");

        if (id == NULL) {
            return "ueIds item without ueId";
        }

        if (!json_is_string(id)) {
            return "ueId not a string";
        }

        e = ngx_ims_ut_zn_add_id(ans, (const u_char *) json_string_value(id),
                                 json_string_length(id));
        if (e) {
            return e;
        }
    }

    return NULL;
}


static const char *
ngx_ims_ut_zn_add_id(ngx_ims_ut_zn_answer_t *ans, const u_char *id,
    size_t len)
{
    if (len == 0) {
        return "ueId empty";
    }

    if (len > NGX_IMS_UT_MAX_ID) {
        return "ueId too long";
    }

    if (ngx_ims_ut_zn_has_ctl(id, len)) {
        return "ueId has control characters";
    }

    /* the same IMPU often appears in several uss (one per GAA service) */

    if (ngx_ims_ut_zn_has_identity(ans, id, len)) {
        return NULL;
    }

    if (ans->nids == NGX_IMS_UT_MAX_IDS) {
        return "too many identities";
    }

    if (len > NGX_IMS_UT_MAX_IDS_BYTES - ans->ids_len) {
        return "identities too long in total";
    }

    ngx_memcpy(ans->ids + ans->ids_len, id, len);
    ans->ids_len += len;
    ans->id_len[ans->nids++] = (uint16_t) len;

    return NULL;
}


ngx_int_t
ngx_ims_ut_zn_has_identity(const ngx_ims_ut_zn_answer_t *ans,
    const u_char *id, size_t len)
{
    size_t       off;
    ngx_uint_t   i;

    off = 0;

    for (i = 0; i < ans->nids && i < NGX_IMS_UT_MAX_IDS; i++) {

        /* the record may come from shared memory: never trust its sizes */

        if (ans->id_len[i] > NGX_IMS_UT_MAX_IDS_BYTES - off) {
            return 0;
        }

        if (ans->id_len[i] == len
            && (len == 0 || ngx_memcmp(ans->ids + off, id, len) == 0))
        {
            return 1;
        }

        off += ans->id_len[i];
    }

    return 0;
}


ngx_int_t
ngx_ims_ut_zn_parse_time(const u_char *p, size_t len, time_t *t)
{
    int64_t        sec, off;
    ngx_uint_t     year, month, day, hour, min, s, oh, om, mdays;
    const u_char  *end;

    /* date-time = full-date "T" partial-time time-offset (RFC 3339, 5.6) */

    end = p + len;

    if (len < 20
        || !ngx_ims_ut_zn_digits(p, 4, &year) || p[4] != '-'
        || !ngx_ims_ut_zn_digits(p + 5, 2, &month) || p[7] != '-'
        || !ngx_ims_ut_zn_digits(p + 8, 2, &day)
        || (p[10] != 'T' && p[10] != 't')
        || !ngx_ims_ut_zn_digits(p + 11, 2, &hour) || p[13] != ':'
        || !ngx_ims_ut_zn_digits(p + 14, 2, &min) || p[16] != ':'
        || !ngx_ims_ut_zn_digits(p + 17, 2, &s))
    {
        return NGX_ERROR;
    }

    p += 19;

    /* time-secfrac: at least one digit, truncated to whole seconds */

    if (*p == '.') {
        p++;

        if (p == end || *p < '0' || *p > '9') {
            return NGX_ERROR;
        }

        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (p == end) {
        return NGX_ERROR;
    }

    if ((*p == 'Z' || *p == 'z') && end - p == 1) {
        off = 0;

    } else if ((*p == '+' || *p == '-') && end - p == 6
               && ngx_ims_ut_zn_digits(p + 1, 2, &oh) && p[3] == ':'
               && ngx_ims_ut_zn_digits(p + 4, 2, &om)
               && oh <= 23 && om <= 59)
    {
        off = (int64_t) (oh * 3600 + om * 60);

        if (*p == '-') {
            off = -off;
        }

    } else {
        return NGX_ERROR;
    }

    if (year == 0 || month < 1 || month > 12 || day < 1) {
        return NGX_ERROR;
    }

    mdays = ngx_ims_ut_zn_mdays[month - 1];

    if (month == 2
        && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    {
        mdays = 29;
    }

    /* second 60 is a leap second; like POSIX, it counts as the next one */

    if (day > mdays || hour > 23 || min > 59 || s > 60) {
        return NGX_ERROR;
    }

    sec = ngx_ims_ut_zn_days(year, month, day) * 86400
          + (int64_t) (hour * 3600 + min * 60 + s) - off;

    /* 0 means "absent" in the answer record */

    if (sec <= 0 || (uint64_t) sec > (uint64_t) NGX_MAX_TIME_T_VALUE) {
        return NGX_ERROR;
    }

    *t = (time_t) sec;

    return NGX_OK;
}


/* days from 1970-01-01 to the given proleptic Gregorian date, year >= 1 */

static int64_t
ngx_ims_ut_zn_days(ngx_uint_t year, ngx_uint_t month, ngx_uint_t day)
{
    int64_t     days;
    ngx_uint_t  y;

    /* leap years in [1, year - 1] minus those in [1, 1969] (477) */

    y = year - 1;

    days = ((int64_t) year - 1970) * 365
           + (int64_t) (y / 4 - y / 100 + y / 400) - 477
           + (int64_t) ngx_ims_ut_zn_ydays[month - 1]
           + (int64_t) day - 1;

    if (month > 2
        && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
    {
        days++;
    }

    return days;
}


static ngx_uint_t
ngx_ims_ut_zn_digits(const u_char *p, ngx_uint_t n, ngx_uint_t *value)
{
    ngx_uint_t  v;

    for (v = 0; n; n--, p++) {
        if (*p < '0' || *p > '9') {
            return 0;
        }

        v = v * 10 + (*p - '0');
    }

    *value = v;

    return 1;
}


void
ngx_ims_ut_zn_problem(const u_char *body, size_t len, u_char *buf,
    size_t size, size_t *out_len)
{
    size_t               n;
    u_char               num[NGX_INT64_LEN], *p;
    json_t              *root, *v;
    json_int_t           status;
    ngx_ims_ut_zn_buf_t  b;

    if (buf == NULL || size == 0) {
        if (out_len) {
            *out_len = 0;
        }

        return;
    }

    b.pos = buf;
    b.last = buf;
    b.end = buf + size;
    b.full = 0;

    root = NULL;

    if (len == 0) {
        ngx_ims_ut_zn_put(&b, "empty body", sizeof("empty body") - 1);
        goto done;
    }

    if (len <= NGX_IMS_UT_ZN_MAX_ANSWER) {
        root = json_loadb((const char *) body, len, JSON_DECODE_ANY, NULL);
    }

    if (!json_is_object(root)) {

        /* the raw body is not echoed: it is unknown what it might hold */

        ngx_ims_ut_zn_put(&b, "not problem+json, ",
                          sizeof("not problem+json, ") - 1);

        p = num + sizeof(num);
        n = len;

        do {
            *--p = (u_char) ('0' + n % 10);
            n /= 10;
        } while (n);

        ngx_ims_ut_zn_put(&b, (const char *) p, num + sizeof(num) - p);
        ngx_ims_ut_zn_put(&b, " bytes", sizeof(" bytes") - 1);
        goto done;
    }

    v = json_object_get(root, "status");

    if (json_is_integer(v)) {
        status = json_integer_value(v);

        if (status >= 0 && status <= 999) {
            ngx_ims_ut_zn_put(&b, "status ", sizeof("status ") - 1);

            p = num + sizeof(num);

            do {
                *--p = (u_char) ('0' + status % 10);
                status /= 10;
            } while (status);

            ngx_ims_ut_zn_put(&b, (const char *) p, num + sizeof(num) - p);
        }
    }

    ngx_ims_ut_zn_put_member(&b, root, "cause");
    ngx_ims_ut_zn_put_member(&b, root, "title");
    ngx_ims_ut_zn_put_member(&b, root, "detail");

    if (b.last == b.pos) {
        ngx_ims_ut_zn_put(&b, "no problem details",
                          sizeof("no problem details") - 1);
    }

done:

    json_decref(root);

    if (out_len) {
        *out_len = b.last - b.pos;
    }
}


static void
ngx_ims_ut_zn_put_member(ngx_ims_ut_zn_buf_t *b, json_t *root,
    const char *name)
{
    json_t  *v;

    v = json_object_get(root, name);

    if (!json_is_string(v)) {
        return;
    }

    if (b->last != b->pos) {
        ngx_ims_ut_zn_put(b, ", ", 2);
    }

    ngx_ims_ut_zn_put(b, name, ngx_strlen(name));
    ngx_ims_ut_zn_put(b, " ", 1);
    ngx_ims_ut_zn_put_quoted(b, (const u_char *) json_string_value(v),
                             json_string_length(v));
}


/* all or nothing, so that an escape sequence is never cut in half */

static void
ngx_ims_ut_zn_put(ngx_ims_ut_zn_buf_t *b, const char *s, size_t len)
{
    if (b->full || len > (size_t) (b->end - b->last)) {
        b->full = 1;
        return;
    }

    b->last = ngx_cpymem(b->last, s, len);
}


static void
ngx_ims_ut_zn_put_quoted(ngx_ims_ut_zn_buf_t *b, const u_char *s, size_t len)
{
    u_char  c, esc[4];

    static u_char  hex[] = "0123456789abcdef";

    ngx_ims_ut_zn_put(b, "\"", 1);

    while (len--) {
        c = *s++;

        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = hex[c >> 4];
            esc[3] = hex[c & 0x0f];
            ngx_ims_ut_zn_put(b, (const char *) esc, 4);

        } else {
            ngx_ims_ut_zn_put(b, (const char *) &c, 1);
        }
    }

    ngx_ims_ut_zn_put(b, "\"", 1);
}


static ngx_int_t
ngx_ims_ut_zn_has_ctl(const u_char *p, size_t len)
{
    while (len--) {
        if (*p < 0x20 || *p == 0x7f) {
            return 1;
        }

        p++;
    }

    return 0;
}


static ngx_int_t
ngx_ims_ut_zn_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


static ngx_int_t
ngx_ims_ut_zn_key(const char *s, size_t len, u_char *key)
{
    ngx_int_t   hi, lo;
    ngx_uint_t  i;

    if (len != 2 * NGX_IMS_UT_KS_NAF_LEN) {
        return NGX_ERROR;
    }

    for (i = 0; i < NGX_IMS_UT_KS_NAF_LEN; i++) {
        hi = ngx_ims_ut_zn_hex((u_char) s[2 * i]);
        lo = ngx_ims_ut_zn_hex((u_char) s[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            ngx_memzero(key, NGX_IMS_UT_KS_NAF_LEN);
            return NGX_ERROR;
        }

        key[i] = (u_char) (hi << 4 | lo);
    }

    return NGX_OK;
}


/* an optional member: absent and JSON null are the same */

static json_t *
ngx_ims_ut_zn_get(json_t *obj, const char *name)
{
    json_t  *v;

    v = json_object_get(obj, name);

    return json_is_null(v) ? NULL : v;
}


static ngx_int_t
ngx_ims_ut_zn_is_uint32(json_t *v)
{
    json_int_t  n;

    if (!json_is_integer(v)) {
        return 0;
    }

    n = json_integer_value(v);

    return n >= 0 && n <= NGX_IMS_UT_ZN_UINT32_MAX;
}
