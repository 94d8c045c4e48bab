
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * The operator API ("ims_ut_api"): counters as JSON and Prometheus text,
 * and network-initiated re-authentication of an active UE (TS 33.141
 * 6.1.1, 6.1.3).
 */


#ifndef _NGX_IMS_UT_API_H_INCLUDED_
#define _NGX_IMS_UT_API_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


#define NGX_IMS_UT_VERSION        "0.1.0"

/*
 * How long a re-authentication mark is kept.  TLS sessions live at most
 * 24 h (TS 33.141 7.1) and nonces are refused after the mark only while
 * it exists, so no nonce or resumed session may outlive it.
 */
#define NGX_IMS_UT_REAUTH_TTL     86400


ngx_int_t ngx_ims_ut_api_handler(ngx_http_request_t *r);


#endif /* _NGX_IMS_UT_API_H_INCLUDED_ */
