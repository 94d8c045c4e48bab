
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * GBA authentication on Ua (TS 33.222 5.3, TS 24.109 5.2 and 7): the
 * access-phase state shared by the authentication, Zn and XCAP files.
 */


#ifndef _NGX_IMS_UT_AUTH_H_INCLUDED_
#define _NGX_IMS_UT_AUTH_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_zn.h"


/* $ims_ut_auth_status */
#define NGX_IMS_UT_ST_NONE        0
#define NGX_IMS_UT_ST_OK          1
#define NGX_IMS_UT_ST_TRUSTED     2
#define NGX_IMS_UT_ST_CHALLENGE   3
#define NGX_IMS_UT_ST_STALE       4
#define NGX_IMS_UT_ST_FAILED      5
#define NGX_IMS_UT_ST_FORBIDDEN   6
#define NGX_IMS_UT_ST_ERROR       7


/* outcome of a Zn fetch as seen by the requests that waited for it */
#define NGX_IMS_UT_ZN_PENDING     0
#define NGX_IMS_UT_ZN_OK          1
#define NGX_IMS_UT_ZN_NOT_FOUND   2
#define NGX_IMS_UT_ZN_ERROR       3
#define NGX_IMS_UT_ZN_RETRY       4


/* NAF_Id = FQDN || 5-octet Ua security protocol identifier */
#define NGX_IMS_UT_UA_ID_LEN      5
#define NGX_IMS_UT_MAX_FQDN       255


typedef struct ngx_ims_ut_fetch_s  ngx_ims_ut_fetch_t;


typedef struct {
    ngx_http_request_t       *request;

    ngx_uint_t                status;       /* NGX_IMS_UT_ST_* */

    /* the final decision, replayed if the phases run again */
    ngx_int_t                 rc;
    unsigned                  decided:1;

    unsigned                  body_reading:1;
    unsigned                  body_done:1;

    ngx_uint_t                zn;           /* NGX_IMS_UT_ZN_* */
    ngx_ims_ut_fetch_t       *fetch;        /* in flight, this one leads */
    ngx_queue_t               wait;         /* in a fetch's waiters */
    unsigned                  waiting:1;

    ngx_str_t                 btid;
    ngx_str_t                 fqdn;
    ngx_str_t                 realm;        /* 3GPP-bootstrapping@fqdn */
    u_char                    naf_id[NGX_IMS_UT_MAX_FQDN
                                     + NGX_IMS_UT_UA_ID_LEN];
    size_t                    naf_id_len;

    ngx_ims_ut_zn_answer_t   *ans;

    ngx_str_t                 impi;
    ngx_str_t                 identity;     /* asserted towards the AS */

    u_char                    body_hex[64];
    size_t                    body_hex_len;

    ngx_str_t                 auth_info;    /* Authentication-Info */
} ngx_ims_ut_auth_ctx_t;


ngx_int_t ngx_ims_ut_auth_add_variables(ngx_conf_t *cf);
ngx_int_t ngx_ims_ut_auth_init(ngx_conf_t *cf);
ngx_int_t ngx_ims_ut_auth_find_identity(ngx_ims_ut_zn_answer_t *ans,
    ngx_str_t *id, ngx_str_t *found);

/* ngx_ims_ut_zn_client.c */
ngx_int_t ngx_ims_ut_zn_fetch(ngx_http_request_t *r,
    ngx_ims_ut_auth_ctx_t *ctx, ngx_http_ims_ut_loc_conf_t *ilcf);
void ngx_ims_ut_zn_detach(ngx_ims_ut_auth_ctx_t *ctx);

/* ngx_ims_ut_xcap_authz.c */
ngx_int_t ngx_ims_ut_xcap_authorize(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_str_t *intended);


#endif /* _NGX_IMS_UT_AUTH_H_INCLUDED_ */
