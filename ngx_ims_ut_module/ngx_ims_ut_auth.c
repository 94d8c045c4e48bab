
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * GBA authentication of the UE on Ua (TS 33.141 5.1.1 and 6.1.1,
 * TS 33.222 5.3, TS 24.109 5.2 and 7): HTTP Digest whose password is
 * base64(Ks_NAF), checked in the access phase, and the hand-off to the
 * application server.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_auth.h"
#include "ngx_ims_ut_digest.h"
#include "ngx_ims_ut_nonce.h"
#include "ngx_ims_ut_store.h"
#include "ngx_ims_ut_xcap.h"


#define NGX_IMS_UT_REALM_PREFIX  "3GPP-bootstrapping@"


static ngx_int_t ngx_ims_ut_auth_handler(ngx_http_request_t *r);
static ngx_int_t ngx_ims_ut_auth_gba(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx);
static ngx_int_t ngx_ims_ut_auth_check(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_ims_ut_digest_cred_t *cred, time_t *issued);
static ngx_int_t ngx_ims_ut_auth_verify(ngx_http_request_t *r,
    ngx_ims_ut_auth_ctx_t *ctx, ngx_ims_ut_digest_cred_t *cred,
    ngx_str_t *password);
static ngx_int_t ngx_ims_ut_auth_naf(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx);
static void ngx_ims_ut_auth_sni(ngx_http_request_t *r, ngx_str_t *sni);
static ngx_int_t ngx_ims_ut_auth_ua_tls(ngx_http_request_t *r, u_char *id);
static ngx_int_t ngx_ims_ut_auth_key(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx);
static ngx_int_t ngx_ims_ut_auth_body(ngx_http_request_t *r,
    ngx_ims_ut_auth_ctx_t *ctx, ngx_uint_t alg);
static void ngx_ims_ut_auth_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_ims_ut_auth_challenge(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_uint_t stale, ngx_uint_t reason);
static ngx_int_t ngx_ims_ut_auth_success(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_ims_ut_digest_cred_t *cred, ngx_str_t *password);
static ngx_int_t ngx_ims_ut_auth_identity(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx);
static ngx_int_t ngx_ims_ut_auth_handoff(ngx_http_request_t *r,
    ngx_ims_ut_auth_ctx_t *ctx);
static size_t ngx_ims_ut_quoted_len(ngx_str_t *s);
static u_char *ngx_ims_ut_quote(u_char *p, ngx_str_t *s);
static ngx_int_t ngx_ims_ut_auth_strip(ngx_http_request_t *r,
    ngx_uint_t authorization);
static ngx_table_elt_t *ngx_ims_ut_auth_header(ngx_http_request_t *r,
    const char *name, size_t len);
static ngx_ims_ut_auth_ctx_t *ngx_ims_ut_auth_get_ctx(ngx_http_request_t *r);
static ngx_ims_ut_auth_ctx_t *ngx_ims_ut_auth_create_ctx(
    ngx_http_request_t *r);
static void ngx_ims_ut_auth_cleanup(void *data);
static ngx_int_t ngx_ims_ut_auth_decide(ngx_ims_ut_auth_ctx_t *ctx,
    ngx_uint_t status, ngx_int_t rc);
static ngx_int_t ngx_ims_ut_auth_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_ims_ut_auth_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


#define NGX_IMS_UT_VAR_BTID      0
#define NGX_IMS_UT_VAR_IMPI      1
#define NGX_IMS_UT_VAR_IDENTITY  2
#define NGX_IMS_UT_VAR_STATUS    3


static ngx_http_variable_t  ngx_ims_ut_auth_vars[] = {

    { ngx_string("ims_ut_btid"), NULL, ngx_ims_ut_auth_variable,
      NGX_IMS_UT_VAR_BTID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ims_ut_impi"), NULL, ngx_ims_ut_auth_variable,
      NGX_IMS_UT_VAR_IMPI, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ims_ut_identity"), NULL, ngx_ims_ut_auth_variable,
      NGX_IMS_UT_VAR_IDENTITY, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("ims_ut_auth_status"), NULL, ngx_ims_ut_auth_variable,
      NGX_IMS_UT_VAR_STATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_ims_ut_status_names[] = {
    ngx_string(""),
    ngx_string("ok"),
    ngx_string("trusted"),
    ngx_string("challenge"),
    ngx_string("stale"),
    ngx_string("failed"),
    ngx_string("forbidden"),
    ngx_string("error")
};


static u_char  ngx_ims_ut_ua_http[NGX_IMS_UT_UA_ID_LEN] =
    { 0x01, 0x00, 0x00, 0x00, 0x02 };


ngx_int_t
ngx_ims_ut_auth_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_ims_ut_auth_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_auth_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_ims_ut_auth_handler;

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_ims_ut_auth_header_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_ims_ut_auth_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_str_t                    trusted;
    ngx_ims_ut_auth_ctx_t       *ctx;
    ngx_http_ims_ut_loc_conf_t  *ilcf;

    if (r != r->main) {
        /* the Zn subrequest and other subrequests are not judged */
        return NGX_DECLINED;
    }

    ilcf = ngx_http_get_module_loc_conf(r, ngx_http_ims_ut_module);

    if (ilcf->auth == NGX_IMS_UT_AUTH_OFF
        && ilcf->xcap_root.len == 0
        && ilcf->trusted_identity == NULL)
    {
        return NGX_DECLINED;
    }

    ctx = ngx_ims_ut_auth_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_ims_ut_auth_create_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ctx->decided) {
        /* phases run again: after an internal redirect, for instance */
        return ctx->rc;
    }

    if (ctx->waiting || ctx->body_reading) {
        return NGX_AGAIN;
    }

    /* operator policy (clause 6.1.1): the UE is authenticated otherwise */

    if (ilcf->trusted_identity) {
        if (ngx_http_complex_value(r, ilcf->trusted_identity, &trusted)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (trusted.len) {
            ctx->identity = trusted;

            rc = ngx_ims_ut_auth_identity(r, ilcf, ctx);
            if (rc != NGX_OK) {
                return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FORBIDDEN,
                                              rc);
            }

            if (ngx_ims_ut_auth_handoff(r, ctx) != NGX_OK) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_ims_ut_count(trusted);

            return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_TRUSTED,
                                          NGX_OK);
        }
    }

    if (ilcf->auth == NGX_IMS_UT_AUTH_GBA) {
        return ngx_ims_ut_auth_gba(r, ilcf, ctx);
    }

    /* no way to know the user here: no XCAP document is its own */

    if (ilcf->xcap_root.len == 0) {
        /* only a trusted identity was configured, and it is empty */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: no trusted identity and no \"ims_ut_auth "
                      "gba\" here: the user is unknown");
        return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FORBIDDEN,
                                      NGX_HTTP_FORBIDDEN);
    }

    rc = ngx_ims_ut_xcap_authorize(r, ilcf, ctx, NULL);

    if (rc == NGX_DECLINED) {
        /* not judged, but nothing unauthenticated is asserted either */
        if (ngx_ims_ut_auth_strip(r, 0) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_DECLINED;
    }

    return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FORBIDDEN,
                                  rc == NGX_OK ? NGX_HTTP_FORBIDDEN : rc);
}


static ngx_int_t
ngx_ims_ut_auth_gba(ngx_http_request_t *r, ngx_http_ims_ut_loc_conf_t *ilcf,
    ngx_ims_ut_auth_ctx_t *ctx)
{
    u_char                       *buf;
    time_t                        issued, now, since;
    ngx_int_t                     rc;
    ngx_str_t                     password;
    ngx_uint_t                    stale;
    ngx_table_elt_t              *h;
    ngx_ims_ut_digest_cred_t      cred;
    ngx_http_ims_ut_main_conf_t  *imcf;
    u_char                        pw[ngx_base64_encoded_length(
                                         NGX_IMS_UT_KS_NAF_LEN)];

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);

    rc = ngx_ims_ut_auth_naf(r, ilcf, ctx);
    if (rc != NGX_OK) {
        return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FAILED, rc);
    }

    h = r->headers_in.authorization;

    if (h == NULL) {
        return ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                         NGX_IMS_UT_FAIL_NO_CREDENTIALS);
    }

    buf = ngx_pnalloc(r->pool, h->value.len + 1);
    if (buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_ims_ut_digest_parse(h->value.data, h->value.len, buf, &cred);

    if (rc == NGX_DECLINED) {
        /* another scheme (Basic, Bearer): tell the UE what we want */
        return ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                         NGX_IMS_UT_FAIL_NO_CREDENTIALS);
    }

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: malformed Digest credentials");
        ngx_ims_ut_count(failures[NGX_IMS_UT_FAIL_MALFORMED]);
        return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FAILED,
                                      NGX_HTTP_BAD_REQUEST);
    }

    ctx->btid = cred.username;

    rc = ngx_ims_ut_auth_check(r, ilcf, ctx, &cred, &issued);
    if (rc != NGX_OK) {
        return rc;
    }

    now = ngx_time();
    stale = (issued + ilcf->nonce_timeout < now || issued > now + 60);

    /* Ks_NAF: from the zone, else from the BSF over Zn */

    rc = ngx_ims_ut_auth_key(r, ilcf, ctx);

    if (rc != NGX_OK) {
        return rc;
    }

    if (ctx->zn == NGX_IMS_UT_ZN_NOT_FOUND) {
        /* unknown or expired B-TID: the UE bootstraps again */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: B-TID \"%V\" unknown to the BSF or expired",
                      &cred.username);
        return ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                         NGX_IMS_UT_FAIL_UNKNOWN_BTID);
    }

    if (ctx->zn != NGX_IMS_UT_ZN_OK) {
        return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_ERROR,
                                      NGX_HTTP_SERVICE_UNAVAILABLE);
    }

    /* auth-int: H(entity-body) over the whole request body */

    if (cred.qop_kind == NGX_IMS_UT_DIGEST_QOP_AUTH_INT && !ctx->body_done) {
        rc = ngx_ims_ut_auth_body(r, ctx, cred.alg);

        if (rc != NGX_OK) {
            return rc;
        }
    }

    password.len = sizeof(pw);
    password.data = pw;

    rc = ngx_ims_ut_auth_verify(r, ctx, &cred, &password);

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: wrong digest response for B-TID \"%V\"",
                      &cred.username);
        rc = ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                       NGX_IMS_UT_FAIL_PASSWORD);
        goto done;
    }

    if (rc != NGX_OK) {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    if (stale) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: stale nonce from B-TID \"%V\"",
                      &cred.username);
        rc = ngx_ims_ut_auth_challenge(r, ilcf, ctx, 1,
                                       NGX_IMS_UT_FAIL_STALE);
        goto done;
    }

    /* operator re-authentication (clauses 6.1.1, 6.1.3) */

    since = ngx_ims_ut_store_reauth_since(imcf->zone->data, &ctx->btid,
                                          ctx->ans);

    if (since && issued <= since) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: re-authentication requested for B-TID "
                      "\"%V\", nonce issued before it", &cred.username);
        rc = ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                       NGX_IMS_UT_FAIL_REAUTH);
        goto done;
    }

    rc = ngx_ims_ut_store_nc(imcf->zone->data,
                             ngx_ims_ut_nonce_key(&cred.nonce),
                             cred.nc_value, issued + ilcf->nonce_timeout);

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: replayed nonce count %V from B-TID \"%V\"",
                      &cred.nc, &cred.username);
        rc = ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                       NGX_IMS_UT_FAIL_REPLAY);
        goto done;
    }

    if (rc != NGX_OK) {
        /*
         * NGX_ABORT: this node has no count for the nonce (evicted, or
         * issued by another node): make the UE take a new one.
         */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: no count for the nonce of B-TID \"%V\" "
                      "here (evicted, or issued by another node)",
                      &cred.username);
        rc = ngx_ims_ut_auth_challenge(r, ilcf, ctx, 1,
                                       NGX_IMS_UT_FAIL_STALE);
        goto done;
    }

    rc = ngx_ims_ut_auth_success(r, ilcf, ctx, &cred, &password);

    if (rc == NGX_OK) {
        rc = ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_OK, NGX_OK);
    }

done:

    ngx_explicit_memzero(pw, sizeof(pw));

    return rc;
}


/*
 * What can be judged before any key is fetched: the realm, the digest
 * uri, algorithm and qop, and the nonce.  Returns NGX_OK or the decided
 * answer.
 */

static ngx_int_t
ngx_ims_ut_auth_check(ngx_http_request_t *r, ngx_http_ims_ut_loc_conf_t *ilcf,
    ngx_ims_ut_auth_ctx_t *ctx, ngx_ims_ut_digest_cred_t *cred,
    time_t *issued)
{
    size_t                        plen;
    ngx_uint_t                    alg_ok;
    ngx_http_ims_ut_main_conf_t  *imcf;

    /* interleaving attack (clause 5.1.1): the realm names this NAF only */

    plen = sizeof(NGX_IMS_UT_REALM_PREFIX) - 1;

    if (cred->realm.len != ctx->realm.len
        || ngx_strncmp(cred->realm.data, ctx->realm.data, plen) != 0
        || ngx_strncasecmp(cred->realm.data + plen, ctx->realm.data + plen,
                           ctx->realm.len - plen)
           != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: realm \"%V\" of B-TID \"%V\" does not name "
                      "this NAF \"%V\"", &cred->realm, &cred->username,
                      &ctx->fqdn);
        return ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                         NGX_IMS_UT_FAIL_REALM);
    }

    /* the digest covers the request target the client really sent */

    if (cred->uri.len != r->unparsed_uri.len
        || ngx_strncmp(cred->uri.data, r->unparsed_uri.data, cred->uri.len)
           != 0)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: digest uri \"%V\" is not the request "
                      "target \"%V\"", &cred->uri, &r->unparsed_uri);
        ngx_ims_ut_count(failures[NGX_IMS_UT_FAIL_URI]);
        return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FAILED,
                                      NGX_HTTP_BAD_REQUEST);
    }

    switch (cred->alg) {

    case NGX_IMS_UT_DIGEST_MD5:
    case NGX_IMS_UT_DIGEST_MD5_SESS:
        alg_ok = ilcf->algorithms & NGX_IMS_UT_ALG_MD5;
        break;

    case NGX_IMS_UT_DIGEST_SHA256:
    case NGX_IMS_UT_DIGEST_SHA256_SESS:
        alg_ok = ilcf->algorithms & NGX_IMS_UT_ALG_SHA256;
        break;

    default:
        alg_ok = 0;
    }

    /* a hashed username (RFC 7616 userhash) is no B-TID to look up */

    if (!alg_ok
        || cred->userhash
        || cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_NONE
        || (cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_AUTH
            && !(ilcf->qop & NGX_IMS_UT_QOP_AUTH))
        || (cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_AUTH_INT
            && !(ilcf->qop & NGX_IMS_UT_QOP_AUTH_INT)))
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: algorithm \"%V\", qop \"%V\" or userhash "
                      "not offered", &cred->algorithm, &cred->qop);
        return ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                         NGX_IMS_UT_FAIL_ALGORITHM);
    }

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);

    if (ngx_ims_ut_nonce_check(imcf->secret.data, imcf->secret.len,
                               &ctx->realm, &cred->nonce, issued)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: nonce of B-TID \"%V\" was not issued here",
                      &cred->username);
        return ngx_ims_ut_auth_challenge(r, ilcf, ctx, 0,
                                         NGX_IMS_UT_FAIL_NONCE);
    }

    return NGX_OK;
}


/*
 * The digest password is base64(Ks_NAF) (TS 33.222 5.3); "password" is a
 * buffer of its size, zeroed by the caller.  NGX_DECLINED: wrong response.
 */

static ngx_int_t
ngx_ims_ut_auth_verify(ngx_http_request_t *r, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_ims_ut_digest_cred_t *cred, ngx_str_t *password)
{
    size_t      hlen;
    ngx_int_t   rc;
    ngx_str_t   key;
    u_char      expected[NGX_IMS_UT_DIGEST_MAX_HEX];

    key.len = NGX_IMS_UT_KS_NAF_LEN;
    key.data = ctx->ans->ks_naf;
    ngx_encode_base64(password, &key);

    hlen = sizeof(expected);

    if (ngx_ims_ut_digest_compute(cred, &r->method_name, password,
                                  cred->qop_kind
                                  == NGX_IMS_UT_DIGEST_QOP_AUTH_INT
                                  ? ctx->body_hex : NULL,
                                  expected, &hlen)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    rc = ngx_ims_ut_digest_verify(cred, expected, hlen);

    ngx_explicit_memzero(expected, sizeof(expected));

    return rc;
}


/*
 * The NAF FQDN is the name the UE reached: the TLS SNI.  A Host naming
 * another server is refused: the key must never be derived for a NAF_Id
 * the UE did not connect to.
 */

static ngx_int_t
ngx_ims_ut_auth_naf(ngx_http_request_t *r, ngx_http_ims_ut_loc_conf_t *ilcf,
    ngx_ims_ut_auth_ctx_t *ctx)
{
    u_char     *p;
    ngx_str_t   sni, host;

    if (ctx->naf_id_len) {
        return NGX_OK;
    }

    ngx_ims_ut_auth_sni(r, &sni);
    host = r->headers_in.server;

    if (sni.len) {
        if (host.len
            && (host.len != sni.len
                || ngx_strncasecmp(host.data, sni.data, sni.len) != 0))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: Host \"%V\" is not the TLS server name "
                          "\"%V\"", &host, &sni);
            ngx_ims_ut_count(failures[NGX_IMS_UT_FAIL_REALM]);
            return NGX_HTTP_MISDIRECTED_REQUEST;
        }

        ctx->fqdn = sni;

    } else {
        ctx->fqdn = host;
    }

    if (ctx->fqdn.len == 0 || ctx->fqdn.len > NGX_IMS_UT_MAX_FQDN) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: no usable NAF name (SNI or Host)");
        return NGX_HTTP_BAD_REQUEST;
    }

    ctx->realm.len = sizeof(NGX_IMS_UT_REALM_PREFIX) - 1 + ctx->fqdn.len;
    ctx->realm.data = ngx_pnalloc(r->pool, ctx->realm.len);
    if (ctx->realm.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(ctx->realm.data, NGX_IMS_UT_REALM_PREFIX,
                   sizeof(NGX_IMS_UT_REALM_PREFIX) - 1);
    ngx_memcpy(p, ctx->fqdn.data, ctx->fqdn.len);

    p = ngx_cpymem(ctx->naf_id, ctx->fqdn.data, ctx->fqdn.len);

    if (ilcf->ua_proto == NGX_IMS_UT_UA_HTTP) {
        p = ngx_cpymem(p, ngx_ims_ut_ua_http, NGX_IMS_UT_UA_ID_LEN);

    } else if (ngx_ims_ut_auth_ua_tls(r, p) == NGX_OK) {
        p += NGX_IMS_UT_UA_ID_LEN;

    } else {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: Ua security protocol \"tls\" needs a "
                      "TLS connection (see "
                      "\"ims_ut_ua_security_protocol\")");
        return NGX_HTTP_FORBIDDEN;
    }

    ctx->naf_id_len = p - ctx->naf_id;

    return NGX_OK;
}


static void
ngx_ims_ut_auth_sni(ngx_http_request_t *r, ngx_str_t *sni)
{
#if (NGX_HTTP_SSL)
    const char  *name;

    if (r->connection->ssl) {
        name = SSL_get_servername(r->connection->ssl->connection,
                                  TLSEXT_NAMETYPE_host_name);
        if (name) {
            sni->data = (u_char *) name;
            sni->len = ngx_strlen(name);

            /* "xcap.example.org." names the same NAF */
            if (sni->len && sni->data[sni->len - 1] == '.') {
                sni->len--;
            }

            return;
        }
    }
#endif

    ngx_str_null(sni);
}


/* 010001yyzz (TS 33.220 Annex H): yyzz is the suite of this connection */

static ngx_int_t
ngx_ims_ut_auth_ua_tls(ngx_http_request_t *r, u_char *id)
{
#if (NGX_HTTP_SSL)
    uint16_t  suite;

    if (r->connection->ssl) {
        suite = SSL_CIPHER_get_protocol_id(
                    SSL_get_current_cipher(r->connection->ssl->connection));

        id[0] = 0x01;
        id[1] = 0x00;
        id[2] = 0x01;
        id[3] = (u_char) (suite >> 8);
        id[4] = (u_char) (suite & 0xff);

        return NGX_OK;
    }
#endif

    return NGX_DECLINED;
}


static ngx_int_t
ngx_ims_ut_auth_key(ngx_http_request_t *r, ngx_http_ims_ut_loc_conf_t *ilcf,
    ngx_ims_ut_auth_ctx_t *ctx)
{
    ngx_str_t                     naf_id;
    ngx_ims_ut_zn_answer_t       *ans;
    ngx_http_ims_ut_main_conf_t  *imcf;

    if (ctx->zn != NGX_IMS_UT_ZN_PENDING && ctx->zn != NGX_IMS_UT_ZN_RETRY) {
        /* a fetch of this request (or one it waited for) has ended */

        if (ctx->zn != NGX_IMS_UT_ZN_OK || ctx->ans) {
            return NGX_OK;
        }
    }

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);

    if (ctx->ans == NULL) {
        ans = ngx_palloc(r->pool, sizeof(ngx_ims_ut_zn_answer_t));
        if (ans == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

    } else {
        ans = ctx->ans;
    }

    naf_id.data = ctx->naf_id;
    naf_id.len = ctx->naf_id_len;

    if (ngx_ims_ut_store_key_get(imcf->zone->data, &ctx->btid, &naf_id,
                                 ngx_time(), ans)
        == NGX_OK)
    {
        ctx->ans = ans;
        ctx->zn = NGX_IMS_UT_ZN_OK;
        ngx_ims_ut_count(key_hits);
        return NGX_OK;
    }

    if (ctx->zn == NGX_IMS_UT_ZN_OK) {
        /* waited for a fetch whose key is gone already: fetch ourselves */
        ctx->zn = NGX_IMS_UT_ZN_RETRY;
    }

    ctx->ans = NULL;

    return ngx_ims_ut_zn_fetch(r, ctx, ilcf);
}


static ngx_int_t
ngx_ims_ut_auth_body(ngx_http_request_t *r, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_uint_t alg)
{
    u_char                    *buf;
    off_t                      off;
    ssize_t                    n;
    ngx_int_t                  rc;
    ngx_buf_t                 *b;
    ngx_chain_t               *cl;
    ngx_ims_ut_digest_body_t   body;

    if (r->request_body == NULL) {
        ctx->body_reading = 1;

        rc = ngx_http_read_client_request_body(r,
                                               ngx_ims_ut_auth_body_handler);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            ctx->body_reading = 0;
            return rc;
        }

        /* the body handler runs the phases again, maybe already has */
        ngx_http_finalize_request(r, NGX_DONE);
        return NGX_DONE;
    }

    if (ngx_ims_ut_digest_body_init(&body, alg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    buf = NULL;
    rc = NGX_OK;

    for (cl = r->request_body ? r->request_body->bufs : NULL;
         cl;
         cl = cl->next)
    {
        b = cl->buf;

        if (!b->in_file) {
            if (ngx_ims_ut_digest_body_update(&body, b->pos, b->last - b->pos)
                != NGX_OK)
            {
                rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                break;
            }

            continue;
        }

        /* a body that did not fit client_body_buffer_size */

        if (buf == NULL) {
            buf = ngx_palloc(r->pool, ngx_pagesize);
            if (buf == NULL) {
                rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                break;
            }
        }

        for (off = b->file_pos; off < b->file_last; off += n) {
            n = ngx_read_file(b->file, buf,
                              ngx_min((off_t) ngx_pagesize,
                                      b->file_last - off),
                              off);
            if (n <= 0) {
                rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                break;
            }

            if (ngx_ims_ut_digest_body_update(&body, buf, n) != NGX_OK) {
                rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                break;
            }
        }

        if (rc != NGX_OK) {
            break;
        }
    }

    if (rc == NGX_OK) {
        if (ngx_ims_ut_digest_body_final(&body, ctx->body_hex) != NGX_OK) {
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ctx->body_hex_len = ngx_ims_ut_digest_hex_len(alg);
        ctx->body_done = 1;
    }

    ngx_ims_ut_digest_body_cleanup(&body);

    return rc;
}


static void
ngx_ims_ut_auth_body_handler(ngx_http_request_t *r)
{
    ngx_ims_ut_auth_ctx_t  *ctx;

    ctx = ngx_ims_ut_auth_get_ctx(r);

    if (ctx) {
        ctx->body_reading = 0;
    }

    /* the body stays for the upstream: auth-int protects what is proxied */
    r->preserve_body = 1;

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


static ngx_int_t
ngx_ims_ut_auth_challenge(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_uint_t stale, ngx_uint_t reason)
{
    u_char                       *p, *last;
    time_t                        now;
    size_t                        len;
    ngx_str_t                     realm;
    ngx_uint_t                    i, alg;
    ngx_table_elt_t              *h;
    ngx_http_ims_ut_main_conf_t  *imcf;
    u_char                        rnd[8];
    u_char                        nonce[NGX_IMS_UT_NONCE_LEN];

    static const char  *algs[] = { "MD5", "SHA-256" };

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);

    ngx_ims_ut_count(failures[reason]);

    if (stale) {
        ngx_ims_ut_count(stale_challenges);

    } else {
        ngx_ims_ut_count(challenges);
    }

    realm = ctx->realm;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        ngx_ssl_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "RAND_bytes() failed");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * Nonce times have a resolution of one second: one issued in the
     * second of a re-authentication mark is dated just after it, else
     * the UE's answer to this very challenge would be refused.
     */

    now = ngx_time();

    if (imcf->zone) {
        now = ngx_max(now, ngx_ims_ut_store_last_mark(imcf->zone->data)
                           + 1);
    }

    if (ngx_ims_ut_nonce_create(imcf->secret.data, imcf->secret.len, &realm,
                                now, rnd, nonce)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * MD5 first: it is what UEs implement (TS 24.109); SHA-256 (RFC 7616)
     * follows as an additional challenge when configured.
     */

    for (i = 0; i < 2; i++) {
        alg = (i == 0) ? NGX_IMS_UT_ALG_MD5 : NGX_IMS_UT_ALG_SHA256;

        if (!(ilcf->algorithms & alg)) {
            continue;
        }

        len = sizeof("Digest realm=\"\", nonce=\"\", qop=\"auth,auth-int\", "
                     "algorithm=SHA-256, stale=true") - 1
              + realm.len + NGX_IMS_UT_NONCE_LEN;

        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        last = ngx_sprintf(p, "Digest realm=\"%V\", nonce=\"%*s\", qop=\"%s\""
                           ", algorithm=%s%s",
                           &realm, (size_t) NGX_IMS_UT_NONCE_LEN, nonce,
                           (ilcf->qop & NGX_IMS_UT_QOP_AUTH)
                           ? ((ilcf->qop & NGX_IMS_UT_QOP_AUTH_INT)
                              ? "auth,auth-int" : "auth")
                           : "auth-int",
                           algs[i], stale ? ", stale=true" : "");

        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "WWW-Authenticate");
        h->value.data = p;
        h->value.len = last - p;

        if (r->headers_out.www_authenticate == NULL) {
            r->headers_out.www_authenticate = h;
        }
    }

    return ngx_ims_ut_auth_decide(ctx, stale ? NGX_IMS_UT_ST_STALE
                                             : NGX_IMS_UT_ST_CHALLENGE,
                                  NGX_HTTP_UNAUTHORIZED);
}


static ngx_int_t
ngx_ims_ut_auth_success(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_ims_ut_digest_cred_t *cred, ngx_str_t *password)
{
    u_char     *p;
    size_t      hlen, len;
    ngx_int_t   rc;
    ngx_str_t   empty;
    u_char      rspauth[NGX_IMS_UT_DIGEST_MAX_HEX];
    u_char      empty_hex[NGX_IMS_UT_DIGEST_MAX_HEX];

    ngx_ims_ut_digest_body_t  body;

    ctx->impi.data = ctx->ans->impi;
    ctx->impi.len = ctx->ans->impi_len;

    rc = ngx_ims_ut_auth_identity(r, ilcf, ctx);
    if (rc != NGX_OK) {
        return ngx_ims_ut_auth_decide(ctx, NGX_IMS_UT_ST_FORBIDDEN, rc);
    }

    /*
     * rspauth: A2 = ":" uri, and for auth-int also ":" H(entity-body) of
     * the response, unknown when the headers leave: an empty body is
     * hashed (documented deviation).
     */

    if (cred->qop_kind == NGX_IMS_UT_DIGEST_QOP_AUTH_INT) {
        if (ngx_ims_ut_digest_body_init(&body, cred->alg) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rc = ngx_ims_ut_digest_body_final(&body, empty_hex);
        ngx_ims_ut_digest_body_cleanup(&body);

        if (rc != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ngx_str_null(&empty);
    hlen = sizeof(rspauth);

    if (ngx_ims_ut_digest_compute(cred, &empty, password,
                                  cred->qop_kind
                                  == NGX_IMS_UT_DIGEST_QOP_AUTH_INT
                                  ? empty_hex : NULL,
                                  rspauth, &hlen)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = sizeof("rspauth=\"\", qop=auth-int, cnonce=, nc=") - 1
          + hlen + ngx_ims_ut_quoted_len(&cred->cnonce) + cred->nc.len;

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->auth_info.data = p;

    /* qop and nc were checked by the parser: a token and 8 hex digits */
    p = ngx_sprintf(p, "rspauth=\"%*s\", qop=%V, cnonce=",
                    hlen, rspauth, &cred->qop);
    p = ngx_ims_ut_quote(p, &cred->cnonce);
    p = ngx_sprintf(p, ", nc=%V", &cred->nc);

    ctx->auth_info.len = p - ctx->auth_info.data;

    if (ngx_ims_ut_auth_handoff(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_ims_ut_count(successes);

    return NGX_OK;
}


/*
 * The identity asserted towards the AS (TS 24.109 clause 7): the client's
 * X-3GPP-Intended-Identity when it is one of the subscriber's, the XUI of
 * an XCAP request, else the first public identity of the USS.
 */

static ngx_int_t
ngx_ims_ut_auth_identity(ngx_http_request_t *r,
    ngx_http_ims_ut_loc_conf_t *ilcf, ngx_ims_ut_auth_ctx_t *ctx)
{
    ngx_int_t         rc;
    ngx_str_t         intended;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    ngx_str_null(&intended);

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0
            || h[i].key.len != sizeof("X-3GPP-Intended-Identity") - 1
            || ngx_strncasecmp(h[i].key.data,
                               (u_char *) "X-3GPP-Intended-Identity",
                               h[i].key.len)
               != 0)
        {
            continue;
        }

        if (intended.data) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: more than one X-3GPP-Intended-Identity");
            return NGX_HTTP_BAD_REQUEST;
        }

        intended = h[i].value;

        /* the header carries a quoted URI: "sip:alice@example.org" */
        if (intended.len >= 2 && intended.data[0] == '"'
            && intended.data[intended.len - 1] == '"')
        {
            intended.data++;
            intended.len -= 2;
        }

        if (intended.len == 0) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: empty X-3GPP-Intended-Identity");
            return NGX_HTTP_BAD_REQUEST;
        }
    }

    if (ctx->ans && intended.len) {

        if (ngx_ims_ut_auth_find_identity(ctx->ans, &intended, NULL)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: intended identity \"%V\" is not one of "
                          "B-TID \"%V\"'s", &intended, &ctx->btid);
            ngx_ims_ut_count(failures[NGX_IMS_UT_FAIL_IDENTITY]);
            return NGX_HTTP_FORBIDDEN;
        }

        ctx->identity = intended;

    } else if (ctx->ans) {
        if (ctx->ans->nids) {
            ctx->identity.data = ctx->ans->ids;
            ctx->identity.len = ctx->ans->id_len[0];
        }

    } else if (intended.len) {
        /* a trusted identity: the UE may only name that one */

        if (!ngx_ims_ut_identity_eq(ctx->identity.data, ctx->identity.len,
                                    intended.data, intended.len))
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "ims_ut: intended identity \"%V\" is not the "
                          "trusted identity \"%V\"",
                          &intended, &ctx->identity);
            ngx_ims_ut_count(failures[NGX_IMS_UT_FAIL_IDENTITY]);
            return NGX_HTTP_FORBIDDEN;
        }
    }

    if (ilcf->xcap_root.len) {
        rc = ngx_ims_ut_xcap_authorize(r, ilcf, ctx,
                                       intended.len ? &intended : NULL);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    if (ctx->identity.len == 0) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: the BSF gave B-TID \"%V\" no public "
                      "identity to assert", &ctx->btid);
        ngx_ims_ut_count(failures[NGX_IMS_UT_FAIL_IDENTITY]);
        return NGX_HTTP_FORBIDDEN;
    }

    return NGX_OK;
}


/*
 * One of the subscriber's public identities (the USS of the Zn answer)
 * that denotes the same user as "id"; "found" gets the BSF's spelling.
 */

ngx_int_t
ngx_ims_ut_auth_find_identity(ngx_ims_ut_zn_answer_t *ans, ngx_str_t *id,
    ngx_str_t *found)
{
    u_char      *p;
    size_t       len;
    ngx_uint_t   i;

    p = ans->ids;

    for (i = 0; i < ans->nids; i++) {
        len = ans->id_len[i];

        if (ngx_ims_ut_identity_eq(p, len, id->data, id->len)) {
            if (found) {
                found->data = p;
                found->len = len;
            }

            return NGX_OK;
        }

        p += len;
    }

    return NGX_DECLINED;
}


/*
 * TS 24.109 clause 7: the AS gets the asserted identity and never the
 * UE's Authorization header; any client-sent assertion is dropped.
 */

static ngx_int_t
ngx_ims_ut_auth_handoff(ngx_http_request_t *r, ngx_ims_ut_auth_ctx_t *ctx)
{
    u_char           *p;
    ngx_table_elt_t  *h;

    if (ngx_ims_ut_auth_strip(r, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    h = ngx_ims_ut_auth_header(r, "X-3GPP-Asserted-Identity",
                               sizeof("X-3GPP-Asserted-Identity") - 1);
    if (h == NULL) {
        return NGX_ERROR;
    }

    /* identities may hold '"' or '\' (any JSON string) */

    p = ngx_pnalloc(r->pool, ngx_ims_ut_quoted_len(&ctx->identity));
    if (p == NULL) {
        return NGX_ERROR;
    }

    h->value.data = p;
    p = ngx_ims_ut_quote(p, &ctx->identity);
    h->value.len = p - h->value.data;

    return NGX_OK;
}


/* an HTTP quoted-string: '"' and '\' escaped (RFC 9110 5.6.4) */

static size_t
ngx_ims_ut_quoted_len(ngx_str_t *s)
{
    size_t      len;
    ngx_uint_t  i;

    len = s->len + 2;

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == '"' || s->data[i] == '\\') {
            len++;
        }
    }

    return len;
}


static u_char *
ngx_ims_ut_quote(u_char *p, ngx_str_t *s)
{
    ngx_uint_t  i;

    *p++ = '"';

    for (i = 0; i < s->len; i++) {
        if (s->data[i] == '"' || s->data[i] == '\\') {
            *p++ = '\\';
        }

        *p++ = s->data[i];
    }

    *p++ = '"';

    return p;
}


/*
 * The upstream modules forward every element of the header list, so it is
 * rebuilt without any client-sent X-3GPP-Asserted-Identity and, once the
 * UE is authenticated, without its Authorization.
 */

static ngx_int_t
ngx_ims_ut_auth_strip(ngx_http_request_t *r, ngx_uint_t authorization)
{
    ngx_uint_t        i;
    ngx_list_t        old;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *nh;

    old = r->headers_in.headers;

    if (ngx_list_init(&r->headers_in.headers, r->pool, 20,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    part = &old.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if ((authorization
             && h[i].key.len == sizeof("Authorization") - 1
             && ngx_strncasecmp(h[i].key.data, (u_char *) "Authorization",
                                h[i].key.len) == 0)
            || (h[i].key.len == sizeof("X-3GPP-Asserted-Identity") - 1
                && ngx_strncasecmp(h[i].key.data,
                                   (u_char *) "X-3GPP-Asserted-Identity",
                                   h[i].key.len) == 0))
        {
            continue;
        }

        nh = ngx_list_push(&r->headers_in.headers);
        if (nh == NULL) {
            return NGX_ERROR;
        }

        *nh = h[i];
    }

    if (authorization) {
        r->headers_in.authorization = NULL;
    }

    return NGX_OK;
}


static ngx_table_elt_t *
ngx_ims_ut_auth_header(ngx_http_request_t *r, const char *name, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_in.headers);
    if (h == NULL) {
        return NULL;
    }

    h->key.data = (u_char *) name;
    h->key.len = len;

    h->lowcase_key = ngx_pnalloc(r->pool, len);
    if (h->lowcase_key == NULL) {
        return NULL;
    }

    h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, len);

#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}


static ngx_int_t
ngx_ims_ut_auth_decide(ngx_ims_ut_auth_ctx_t *ctx, ngx_uint_t status,
    ngx_int_t rc)
{
    ctx->status = status;
    ctx->rc = rc;
    ctx->decided = 1;

    return rc;
}


/*
 * The context is found through the pool cleanup as well, as realip does:
 * an internal redirect clears module contexts, and authenticating twice
 * would count the nonce twice and refuse the request as a replay.
 */

static ngx_ims_ut_auth_ctx_t *
ngx_ims_ut_auth_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t     *cln;
    ngx_ims_ut_auth_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_ims_ut_module);

    if (ctx || !r->internal) {
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_ims_ut_auth_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_http_ims_ut_module);
            return ctx;
        }
    }

    return NULL;
}


static ngx_ims_ut_auth_ctx_t *
ngx_ims_ut_auth_create_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t     *cln;
    ngx_ims_ut_auth_ctx_t  *ctx;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_ims_ut_auth_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_ims_ut_auth_ctx_t));

    ctx->request = r;

    cln->handler = ngx_ims_ut_auth_cleanup;

    ngx_http_set_ctx(r, ctx, ngx_http_ims_ut_module);

    return ctx;
}


static void
ngx_ims_ut_auth_cleanup(void *data)
{
    ngx_ims_ut_auth_ctx_t  *ctx = data;

    ngx_ims_ut_zn_detach(ctx);

    if (ctx->ans) {
        ngx_explicit_memzero(ctx->ans->ks_naf, NGX_IMS_UT_KS_NAF_LEN);
    }
}


static ngx_int_t
ngx_ims_ut_auth_header_filter(ngx_http_request_t *r)
{
    ngx_table_elt_t        *h;
    ngx_ims_ut_auth_ctx_t  *ctx;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_ims_ut_auth_get_ctx(r);

    if (ctx && ctx->status == NGX_IMS_UT_ST_OK && ctx->auth_info.len) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Authentication-Info");
        h->value = ctx->auth_info;

#if (nginx_version >= 1023000)
        h->next = NULL;
#endif

        /* once: a second header pass (error_page) must not repeat it */
        ctx->auth_info.len = 0;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_ims_ut_auth_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t              *s;
    ngx_ims_ut_auth_ctx_t  *ctx;

    ctx = ngx_ims_ut_auth_get_ctx(r->main);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    switch (data) {

    case NGX_IMS_UT_VAR_BTID:
        s = &ctx->btid;
        break;

    case NGX_IMS_UT_VAR_IMPI:
        s = &ctx->impi;
        break;

    case NGX_IMS_UT_VAR_IDENTITY:
        s = &ctx->identity;
        break;

    default: /* NGX_IMS_UT_VAR_STATUS */
        s = &ngx_ims_ut_status_names[ctx->status];
        break;
    }

    v->len = s->len;
    v->data = s->data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
