
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * TLS front of TS 33.141: the clause 7.2 ClientHello policy and the
 * configuration-time refusals of clauses 6, 6.2, 6.4 and 7.1.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_suite_table.h"
#include "ngx_ims_ut_suites.h"


#if (NGX_HTTP_SSL)

/* clause 7.1: "The lifetime of a Session ID is maximum 24 hours." */
#define NGX_IMS_UT_MAX_SESSION_TIMEOUT  86400


static ngx_int_t ngx_ims_ut_tls_enabled(ngx_conf_t *cf,
    ngx_http_ims_ut_srv_conf_t *conf, SSL_CTX *ctx);
static int ngx_ims_ut_tls_cmp(const void *a, const void *b);

#ifdef SSL_CLIENT_HELLO_SUCCESS
static int ngx_ims_ut_tls_client_hello(ngx_ssl_conn_t *ssl_conn, int *al,
    void *arg);
#if (nginx_version < 1029002)
static void ngx_ims_ut_tls_check_defaults(ngx_conf_t *cf,
    ngx_http_core_main_conf_t *cmcf);
#endif
#endif


static int  ngx_ims_ut_tls_conf_index = -1;


ngx_int_t
ngx_ims_ut_tls_merge(ngx_conf_t *cf, ngx_http_ims_ut_srv_conf_t *conf)
{
    int                        min;
    ngx_uint_t                 i;
    const char                *why;
    const ngx_ims_ut_suite_t  *s;
    ngx_http_ssl_srv_conf_t   *sscf;

    sscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_ssl_module);

    if (sscf == NULL || sscf->ssl.ctx == NULL) {
        /* a server without TLS: an inherited policy has nothing to do */
        return NGX_OK;
    }

    if (ngx_ims_ut_tls_enabled(cf, conf, sscf->ssl.ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (!conf->tls_policy) {
        return NGX_OK;
    }

#ifndef SSL_CLIENT_HELLO_SUCCESS
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"ims_ut_tls_policy\" needs OpenSSL 1.1.1 or newer "
                       "(ClientHello callback)");
    return NGX_ERROR;
#endif

    if (sscf->protocols & (NGX_SSL_SSLv2|NGX_SSL_SSLv3)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ssl_protocols\" enables %s, which TS 33.141 "
                           "clause 6 forbids with \"ims_ut_tls_policy on\"",
                           (sscf->protocols & NGX_SSL_SSLv2) ? "SSLv2"
                                                             : "SSLv3");
        return NGX_ERROR;
    }

    /* OpenSSL's own configuration may already set a higher floor */
    min = SSL_CTX_get_min_proto_version(sscf->ssl.ctx);

    if ((sscf->protocols & (NGX_SSL_TLSv1|NGX_SSL_TLSv1_1))
        && (min == 0 || min <= TLS1_1_VERSION))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"ssl_protocols\" enables TLSv1 or TLSv1.1: "
                           "TS 33.141 clause 6 allows them, RFC 8996 "
                           "deprecates them");
    }

    if (sscf->session_timeout > NGX_IMS_UT_MAX_SESSION_TIMEOUT) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ssl_session_timeout\" is %T s; TS 33.141 "
                           "clause 7.1 limits a session to 24 hours "
                           "with \"ims_ut_tls_policy on\"",
                           sscf->session_timeout);
        return NGX_ERROR;
    }

    for (i = 0; i < conf->nenabled; i++) {

        if (!ngx_ims_ut_tls_suite_forbidden(conf->enabled[i], &why)) {
            continue;
        }

        s = ngx_ims_ut_suite_lookup(conf->enabled[i]);

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ssl_ciphers\" enables %s (0x%04xd): %s, "
                           "refused with \"ims_ut_tls_policy on\"",
                           s ? s->name : "an unknown suite",
                           (ngx_uint_t) conf->enabled[i], why);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The suites the server context enables (TLS 1.3 ones included), sorted:
 * rule 4 of clause 7.2 judges the offer intersected with this set.
 */

static ngx_int_t
ngx_ims_ut_tls_enabled(ngx_conf_t *cf, ngx_http_ims_ut_srv_conf_t *conf,
    SSL_CTX *ctx)
{
    int                    i, n;
    uint16_t               code;
    ngx_uint_t             k;
    const SSL_CIPHER      *cipher;
    STACK_OF(SSL_CIPHER)  *ciphers;

    ciphers = SSL_CTX_get_ciphers(ctx);
    n = ciphers ? sk_SSL_CIPHER_num(ciphers) : 0;

    conf->nenabled = 0;

    if (n == 0) {
        return NGX_OK;
    }

    conf->enabled = ngx_palloc(cf->pool, n * sizeof(uint16_t));
    if (conf->enabled == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        cipher = sk_SSL_CIPHER_value(ciphers, i);
        code = SSL_CIPHER_get_protocol_id(cipher);
        conf->enabled[conf->nenabled++] = code;
    }

    ngx_qsort(conf->enabled, conf->nenabled, sizeof(uint16_t),
              ngx_ims_ut_tls_cmp);

    /* drop duplicates: the binary search wants a strict order */
    for (k = 1, i = 1; (ngx_uint_t) i < conf->nenabled; i++) {
        if (conf->enabled[i] != conf->enabled[k - 1]) {
            conf->enabled[k++] = conf->enabled[i];
        }
    }

    conf->nenabled = k;

    return NGX_OK;
}


static int
ngx_ims_ut_tls_cmp(const void *a, const void *b)
{
    uint16_t  x, y;

    x = *(const uint16_t *) a;
    y = *(const uint16_t *) b;

    return (x > y) - (x < y);
}


/*
 * The ClientHello callback is set on every TLS server context of the http
 * block once any server enables the policy: OpenSSL calls the callback of
 * the context the connection started on (the default server of the
 * listening socket), and the server finally selected by SNI may be another.
 */

ngx_int_t
ngx_ims_ut_tls_install(ngx_conf_t *cf)
{
#ifdef SSL_CLIENT_HELLO_SUCCESS
    ngx_uint_t                    s, used;
    ngx_http_ssl_srv_conf_t      *sscf;
    ngx_http_core_srv_conf_t    **cscfp;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_ims_ut_srv_conf_t   *iscf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscfp = cmcf->servers.elts;

    used = 0;

    for (s = 0; s < cmcf->servers.nelts; s++) {
        iscf = cscfp[s]->ctx->srv_conf[ngx_http_ims_ut_module.ctx_index];
        sscf = cscfp[s]->ctx->srv_conf[ngx_http_ssl_module.ctx_index];

        if (iscf->tls_policy && sscf->ssl.ctx) {
            used = 1;
            break;
        }
    }

    if (!used) {
        return NGX_OK;
    }

#if (nginx_version < 1029002)
    ngx_ims_ut_tls_check_defaults(cf, cmcf);
#endif

    if (ngx_ims_ut_tls_conf_index == -1) {
        ngx_ims_ut_tls_conf_index = SSL_CTX_get_ex_new_index(0, NULL, NULL,
                                                             NULL, NULL);
        if (ngx_ims_ut_tls_conf_index == -1) {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0,
                          "SSL_CTX_get_ex_new_index() failed");
            return NGX_ERROR;
        }
    }

    for (s = 0; s < cmcf->servers.nelts; s++) {
        iscf = cscfp[s]->ctx->srv_conf[ngx_http_ims_ut_module.ctx_index];
        sscf = cscfp[s]->ctx->srv_conf[ngx_http_ssl_module.ctx_index];

        if (sscf->ssl.ctx == NULL) {
            continue;
        }

        if (SSL_CTX_set_ex_data(sscf->ssl.ctx, ngx_ims_ut_tls_conf_index,
                                iscf)
            == 0)
        {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0,
                          "SSL_CTX_set_ex_data() failed");
            return NGX_ERROR;
        }

        /*
         * nginx 1.29.2+ sets its own ClientHello callback for SNI: ours
         * replaces it on the context and calls it first, see below.
         */

        SSL_CTX_set_client_hello_cb(sscf->ssl.ctx,
                                    ngx_ims_ut_tls_client_hello, NULL);
    }

#endif

    return NGX_OK;
}


#ifdef SSL_CLIENT_HELLO_SUCCESS

#if (nginx_version < 1029002)

/*
 * Before 1.29.2 OpenSSL runs the ClientHello callback before nginx's SNI
 * callback: the default server of each listening socket judges every
 * ClientHello there.  A policy set on another server only would silently
 * not apply.
 */

static void
ngx_ims_ut_tls_check_defaults(ngx_conf_t *cf, ngx_http_core_main_conf_t *cmcf)
{
    ngx_uint_t                    p, a, s;
    ngx_http_conf_port_t         *port;
    ngx_http_conf_addr_t         *addr;
    ngx_http_core_srv_conf_t    **cscfp, *dcscf;
    ngx_http_ims_ut_srv_conf_t   *iscf, *dscf;

    if (cmcf->ports == NULL) {
        return;
    }

    port = cmcf->ports->elts;

    for (p = 0; p < cmcf->ports->nelts; p++) {

        addr = port[p].addrs.elts;

        for (a = 0; a < port[p].addrs.nelts; a++) {

            if (!addr[a].opt.ssl) {
                continue;
            }

            dcscf = addr[a].default_server;
            dscf = dcscf->ctx->srv_conf[ngx_http_ims_ut_module.ctx_index];

            cscfp = addr[a].servers.elts;

            for (s = 0; s < addr[a].servers.nelts; s++) {
                iscf = cscfp[s]->ctx->srv_conf[
                                          ngx_http_ims_ut_module.ctx_index];

                if (!iscf->tls_policy
                    || (dscf->tls_policy
                        && dscf->require_encryption
                           == iscf->require_encryption
                        && dscf->min_key_bits == iscf->min_key_bits))
                {
                    continue;
                }

                ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                              "the \"ims_ut_tls_*\" settings of server "
                              "\"%V\" do not apply on %V: before nginx "
                              "1.29.2 the default server \"%V\" of that "
                              "socket judges every ClientHello",
                              &cscfp[s]->server_name, &addr[a].opt.addr_text,
                              &dcscf->server_name);
            }
        }
    }
}

#endif


static int
ngx_ims_ut_tls_client_hello(ngx_ssl_conn_t *ssl_conn, int *al, void *arg)
{
    int                          v2;
    size_t                       len;
    const u_char                *list;
    ngx_connection_t            *c;
    ngx_ims_ut_tls_rules_t       rules;
    ngx_ims_ut_tls_verdict_e     verdict;
    ngx_http_ims_ut_srv_conf_t  *iscf;

#if (nginx_version >= 1029002)
    int                          rc;

    /*
     * Let nginx pick the virtual server by SNI first: the policy judged is
     * then that of the server the client asked for.
     */

    rc = ngx_ssl_client_hello_callback(ssl_conn, al, arg);

    if (rc != SSL_CLIENT_HELLO_SUCCESS) {
        return rc;
    }
#endif

    iscf = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl_conn),
                               ngx_ims_ut_tls_conf_index);

    if (iscf == NULL || !iscf->tls_policy) {
        return SSL_CLIENT_HELLO_SUCCESS;
    }

    len = SSL_client_hello_get0_ciphers(ssl_conn, &list);
    v2 = SSL_client_hello_isv2(ssl_conn);

    rules.require_encryption = iscf->require_encryption;
    rules.min_key_bits = iscf->min_key_bits;
    rules.enabled = iscf->enabled;
    rules.nenabled = iscf->nenabled;

    verdict = ngx_ims_ut_tls_judge(list, len, v2, &rules);

    if (verdict < NGX_IMS_UT_TLS_NVERDICTS) {
        ngx_ims_ut_count(hello[verdict]);
    }

    if (verdict == NGX_IMS_UT_TLS_PASS) {
        return SSL_CLIENT_HELLO_SUCCESS;
    }

    c = ngx_ssl_get_connection(ssl_conn);

    /* the connection's log context adds the client address */
    ngx_log_error(NGX_LOG_INFO, c->log, 0,
                  "ims_ut: ClientHello refused by %s, %uz suites offered%s",
                  ngx_ims_ut_tls_verdict_text(verdict),
                  v2 ? len / 3 : len / 2, v2 ? " (SSLv2 format)" : "");

    *al = (verdict == NGX_IMS_UT_TLS_MALFORMED) ? SSL_AD_DECODE_ERROR
                                                : SSL_AD_INSUFFICIENT_SECURITY;

    return SSL_CLIENT_HELLO_ERROR;
}

#endif


#else /* !NGX_HTTP_SSL */


ngx_int_t
ngx_ims_ut_tls_merge(ngx_conf_t *cf, ngx_http_ims_ut_srv_conf_t *conf)
{
    if (conf->tls_policy) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ims_ut_tls_policy\" needs nginx built with "
                           "ngx_http_ssl_module");
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_tls_install(ngx_conf_t *cf)
{
    return NGX_OK;
}

#endif
