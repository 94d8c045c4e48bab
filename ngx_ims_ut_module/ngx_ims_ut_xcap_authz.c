
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * XCAP authorization (TS 33.141 5.1.1): "The user shall only be able to
 * manipulate data that is associated with that particular user."
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_auth.h"
#include "ngx_ims_ut_xcap.h"


static ngx_uint_t ngx_ims_ut_xcap_owned(ngx_ims_ut_auth_ctx_t *ctx,
    ngx_str_t *xui, ngx_str_t *identity);


ngx_int_t
ngx_ims_ut_xcap_authorize(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_str_t *intended)
{
    u_char                  *buf;
    size_t                   len;
    ngx_str_t                identity;
    ngx_ims_ut_xcap_uri_t    uri;
    ngx_ims_ut_xcap_kind_e   kind;

    /* the target as the client sent it: "%2F" in a XUI is no separator */

    len = r->args_start ? (size_t) (r->args_start - 1 - r->unparsed_uri.data)
                        : r->unparsed_uri.len;

    buf = ngx_pnalloc(r->pool, len + 1);
    if (buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    kind = ngx_ims_ut_xcap_parse(r->unparsed_uri.data, len, &ilcf->xcap_root,
                                 buf, &uri);

    switch (kind) {

    case NGX_IMS_UT_XCAP_OUTSIDE:
        /* not XCAP data: the caller's other checks apply */
        return NGX_DECLINED;

    case NGX_IMS_UT_XCAP_BAD_ENCODING:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: malformed percent-encoding in XCAP URI");
        ngx_ims_ut_count(xcap_not_found);
        return NGX_HTTP_BAD_REQUEST;

    case NGX_IMS_UT_XCAP_NOT_XCAP:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: not an XCAP URI under \"%V\"",
                      &ilcf->xcap_root);
        ngx_ims_ut_count(xcap_not_found);
        return NGX_HTTP_NOT_FOUND;

    case NGX_IMS_UT_XCAP_GLOBAL:

        if (ctx->identity.len == 0) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: no authenticated identity for a global "
                          "XCAP document");
            ngx_ims_ut_count(xcap_denied);
            return NGX_HTTP_FORBIDDEN;
        }

        if (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)
            || ilcf->xcap_global_write)
        {
            ngx_ims_ut_count(xcap_allowed);
            return NGX_OK;
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: \"%V\" may not modify global XCAP document "
                      "of \"%V\"", &ctx->identity, &uri.auid);
        ngx_ims_ut_count(xcap_denied);
        return NGX_HTTP_FORBIDDEN;

    case NGX_IMS_UT_XCAP_USERS:

        if (!ngx_ims_ut_xcap_owned(ctx, &uri.xui, &identity)) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: XUI \"%V\" is not an identity of the "
                          "authenticated user \"%V\"",
                          &uri.xui, &ctx->identity);
            ngx_ims_ut_count(xcap_denied);
            return NGX_HTTP_FORBIDDEN;
        }

        /* the assertion towards the AS names the owner of the document */

        if (intended
            && !ngx_ims_ut_identity_eq(intended->data, intended->len,
                                       identity.data, identity.len))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: intended identity \"%V\" is not the "
                          "XUI \"%V\"", intended, &uri.xui);
            ngx_ims_ut_count(xcap_denied);
            return NGX_HTTP_FORBIDDEN;
        }

        ctx->identity = identity;
        ngx_ims_ut_count(xcap_allowed);

        return NGX_OK;
    }

    /* not reached */

    return NGX_HTTP_FORBIDDEN;
}


/*
 * The XUI must be one of the user's identities: those of the BSF's USS, or
 * the one an operator policy trusts.  The identity asserted is the user's
 * own spelling of it.
 */

static ngx_uint_t
ngx_ims_ut_xcap_owned(ngx_ims_ut_auth_ctx_t *ctx, ngx_str_t *xui,
    ngx_str_t *identity)
{
    if (ctx->ans == NULL) {
        /* trusted identity */

        if (ctx->identity.len
            && ngx_ims_ut_identity_eq(ctx->identity.data, ctx->identity.len,
                                      xui->data, xui->len))
        {
            *identity = ctx->identity;
            return 1;
        }

        return 0;
    }

    return ngx_ims_ut_auth_find_identity(ctx->ans, xui, identity) == NGX_OK;
}
