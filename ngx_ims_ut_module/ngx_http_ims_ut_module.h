
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * Configuration and state shared by the files of ngx_http_ims_ut_module.
 */


#ifndef _NGX_HTTP_IMS_UT_MODULE_H_INCLUDED_
#define _NGX_HTTP_IMS_UT_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/* authentication failure reasons, counted and exposed by the status API */
#define NGX_IMS_UT_FAIL_NO_CREDENTIALS    0
#define NGX_IMS_UT_FAIL_MALFORMED         1
#define NGX_IMS_UT_FAIL_REALM             2
#define NGX_IMS_UT_FAIL_URI               3
#define NGX_IMS_UT_FAIL_NONCE             4
#define NGX_IMS_UT_FAIL_STALE             5
#define NGX_IMS_UT_FAIL_REPLAY            6
#define NGX_IMS_UT_FAIL_UNKNOWN_BTID      7
#define NGX_IMS_UT_FAIL_PASSWORD          8
#define NGX_IMS_UT_FAIL_IDENTITY          9
#define NGX_IMS_UT_FAIL_REAUTH            10
#define NGX_IMS_UT_FAIL_ALGORITHM         11
#define NGX_IMS_UT_FAIL_N                 12


/* ims_ut_secret: the nonce HMAC key */
#define NGX_IMS_UT_SECRET_LEN             32
#define NGX_IMS_UT_SECRET_MIN             16
#define NGX_IMS_UT_SECRET_MAX             1024


/* TLS verdicts counted: index = ngx_ims_ut_tls_verdict_e */
#define NGX_IMS_UT_TLS_NVERDICTS          6


/*
 * Counters live in a small shared zone of their own, so the TLS policy
 * counts even when no ims_ut_zone is configured.
 */

typedef struct {
    ngx_atomic_t                  hello[NGX_IMS_UT_TLS_NVERDICTS];
    ngx_atomic_t                  challenges;
    ngx_atomic_t                  stale_challenges;
    ngx_atomic_t                  successes;
    ngx_atomic_t                  trusted;
    ngx_atomic_t                  failures[NGX_IMS_UT_FAIL_N];
    ngx_atomic_t                  zn_requests;
    ngx_atomic_t                  zn_ok;
    ngx_atomic_t                  zn_not_found;
    ngx_atomic_t                  zn_errors;
    ngx_atomic_t                  zn_latency_ms;
    ngx_atomic_t                  zn_waiters;
    ngx_atomic_t                  key_hits;
    ngx_atomic_t                  xcap_allowed;
    ngx_atomic_t                  xcap_denied;
    ngx_atomic_t                  xcap_not_found;
    ngx_atomic_t                  reauth_requests;
    ngx_atomic_t                  reauth_keys_dropped;
} ngx_ims_ut_stats_t;


typedef struct {
    ngx_shm_zone_t               *stats_zone;
    ngx_shm_zone_t               *zone;         /* ims_ut_zone */
    ngx_str_t                     secret;       /* nonce HMAC key */
} ngx_http_ims_ut_main_conf_t;


typedef struct {
    ngx_flag_t                    tls_policy;
    ngx_flag_t                    require_encryption;
    ngx_uint_t                    min_key_bits;

    /* code points this server enables, sorted: the rule 4 common set */
    uint16_t                     *enabled;
    ngx_uint_t                    nenabled;
} ngx_http_ims_ut_srv_conf_t;


#define NGX_IMS_UT_AUTH_OFF       0
#define NGX_IMS_UT_AUTH_GBA       1

#define NGX_IMS_UT_QOP_AUTH       0x01
#define NGX_IMS_UT_QOP_AUTH_INT   0x02

#define NGX_IMS_UT_ALG_MD5        0x01
#define NGX_IMS_UT_ALG_SHA256     0x02

#define NGX_IMS_UT_UA_TLS         1       /* 010001yyzz */
#define NGX_IMS_UT_UA_HTTP        2       /* 0100000002 */


typedef struct {
    ngx_uint_t                    auth;
    ngx_str_t                     bsf;
    ngx_uint_t                    qop;
    ngx_uint_t                    algorithms;
    time_t                        nonce_timeout;
    time_t                        key_max_ttl;
    ngx_uint_t                    ua_proto;

    ngx_str_t                     xcap_root;
    ngx_flag_t                    xcap_global_write;

    ngx_http_complex_value_t     *trusted_identity;

    ngx_flag_t                    api;
} ngx_http_ims_ut_loc_conf_t;


extern ngx_module_t               ngx_http_ims_ut_module;
extern ngx_ims_ut_stats_t        *ngx_ims_ut_stats;


#define ngx_ims_ut_count(field)                                              \
    if (ngx_ims_ut_stats) {                                                  \
        (void) ngx_atomic_fetch_add(&ngx_ims_ut_stats->field, 1);            \
    }


/* ngx_ims_ut_api.c */
ngx_int_t ngx_ims_ut_api_handler(ngx_http_request_t *r);

/* ngx_ims_ut_tls.c */
ngx_int_t ngx_ims_ut_tls_merge(ngx_conf_t *cf,
    ngx_http_ims_ut_srv_conf_t *conf);
ngx_int_t ngx_ims_ut_tls_install(ngx_conf_t *cf);


#endif /* _NGX_HTTP_IMS_UT_MODULE_H_INCLUDED_ */
