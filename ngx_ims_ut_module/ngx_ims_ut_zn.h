
/*
 * Zn reference point over HTTP/JSON (TS 29.309 Nbsp_GBA): the body of a
 * BootstrappingInfoRequest and the parser of its answer.
 *
 * Pure functions over bytes (no request, pool or log), so the unit tests
 * and the fuzzer link them without nginx.  JSON is handled by jansson.
 */


#ifndef _NGX_IMS_UT_ZN_H_INCLUDED_
#define _NGX_IMS_UT_ZN_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_IMS_UT_KS_NAF_LEN      32
#define NGX_IMS_UT_MAX_IMPI        255
#define NGX_IMS_UT_MAX_IDS         16
#define NGX_IMS_UT_MAX_IDS_BYTES   2048

/* one public identity (ueId), bytes */
#define NGX_IMS_UT_MAX_ID          255

/* request inputs, bytes */
#define NGX_IMS_UT_ZN_MAX_BTID     512
#define NGX_IMS_UT_ZN_MAX_FQDN     255

/* larger answer bodies are refused before they reach the JSON parser */
#define NGX_IMS_UT_ZN_MAX_ANSWER   65536

/*
 * the request body never needs more than this: inputs have no control
 * characters, so escaping at most doubles them ('"' and '\\')
 */
#define NGX_IMS_UT_ZN_REQUEST_SIZE                                           \
    (2 * (NGX_IMS_UT_ZN_MAX_BTID + NGX_IMS_UT_ZN_MAX_FQDN) + 128)


/* gbaType */
#define NGX_IMS_UT_GBA_NONE        0    /* member absent */
#define NGX_IMS_UT_GBA_3G          1    /* "3G_GBA" */
#define NGX_IMS_UT_GBA_2G          2    /* "2G_GBA" */
#define NGX_IMS_UT_GBA_DIGEST      3    /* "GBA_DIGEST" */
#define NGX_IMS_UT_GBA_OTHER       4    /* a string this release does not
                                           know (the enum is extensible) */


/*
 * Flat, fixed-size and pointer-free: it is copied into shared memory as is.
 */
typedef struct {
    u_char      ks_naf[NGX_IMS_UT_KS_NAF_LEN];  /* meKeyMaterial, raw      */
    time_t      expires;           /* keyExpiryTime, UTC seconds, 0 = absent */
    time_t      created;           /* bootstrappingInfoCreationTime or 0    */
    ngx_uint_t  gba_type;          /* NGX_IMS_UT_GBA_3G, _2G, _DIGEST, _NONE */
    size_t      impi_len;
    u_char      impi[NGX_IMS_UT_MAX_IMPI];
    ngx_uint_t  nids;              /* distinct public identities (ueIds)    */
    uint16_t    id_len[NGX_IMS_UT_MAX_IDS];
    size_t      ids_len;           /* bytes used in ids                      */
    u_char      ids[NGX_IMS_UT_MAX_IDS_BYTES]; /* identities back to back   */
} ngx_ims_ut_zn_answer_t;


/*
 * Request body: {"btId":..., "nafId":{"nafFqdn":...,
 * "uaSecProtId":"<10 lowercase hex>"}, "gbaUAware":false}.
 *
 * NGX_ERROR if the body does not fit "size", or btid / naf_fqdn are empty,
 * longer than NGX_IMS_UT_ZN_MAX_BTID / _FQDN, not valid UTF-8 or contain
 * control characters (NUL included).
 */
ngx_int_t ngx_ims_ut_zn_request(const ngx_str_t *btid,
    const ngx_str_t *naf_fqdn, const u_char ua_id[5], u_char *out,
    size_t size, size_t *len);

/*
 * Parses a 200 answer (BootstrappingInfoResponse).  On NGX_ERROR "ans" is
 * all zeroes and *err (if err is not NULL) is a short static reason for the
 * log; it never contains bytes of the answer.
 */
ngx_int_t ngx_ims_ut_zn_parse(const u_char *body, size_t len,
    ngx_ims_ut_zn_answer_t *ans, const char **err);

/*
 * A one-line summary of a problem+json error answer for the log, e.g.
 * 'status 404, cause "USER_NOT_FOUND", title "Not Found"'.  Control
 * characters, quotes and backslashes are escaped; the line is cut to fit
 * "size".  Never fails: odd bodies give a neutral description.
 */
void ngx_ims_ut_zn_problem(const u_char *body, size_t len, u_char *buf,
    size_t size, size_t *out_len);

/* 1 if "id" is exactly (byte for byte) one of the answer's ueIds, else 0 */
ngx_int_t ngx_ims_ut_zn_has_identity(const ngx_ims_ut_zn_answer_t *ans,
    const u_char *id, size_t len);

/*
 * RFC 3339 date-time ("2026-12-04T18:30:00Z", "...T20:30:00.5+02:00") to
 * UTC seconds since the epoch; fractions are truncated.  Exposed for tests.
 * NGX_ERROR for anything else, impossible dates and times not after
 * 1970-01-01T00:00:00Z.
 */
ngx_int_t ngx_ims_ut_zn_parse_time(const u_char *p, size_t len, time_t *t);


#endif /* _NGX_IMS_UT_ZN_H_INCLUDED_ */
