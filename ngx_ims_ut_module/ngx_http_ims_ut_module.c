
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * ngx_http_ims_ut_module: nginx as the security front of the 3GPP Ut
 * interface (TS 33.141).  This file wires directives, configuration,
 * variables and phases; each concern lives in its own file.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_auth.h"
#include "ngx_ims_ut_store.h"
#include "ngx_ims_ut_api.h"
#include "ngx_ims_ut_xcap.h"

#include <jansson.h>


static ngx_int_t ngx_http_ims_ut_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_ims_ut_init(ngx_conf_t *cf);
static void *ngx_http_ims_ut_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_ims_ut_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_ims_ut_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_ims_ut_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void *ngx_http_ims_ut_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_ims_ut_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_ims_ut_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ims_ut_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ims_ut_auth_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ims_ut_bsf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ims_ut_xcap_root(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ims_ut_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_ims_ut_min_key_bits(ngx_conf_t *cf, void *post,
    void *data);
static ngx_int_t ngx_http_ims_ut_stats_init(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_ims_ut_init_process(ngx_cycle_t *cycle);


ngx_ims_ut_stats_t  *ngx_ims_ut_stats;

static ngx_str_t  ngx_http_ims_ut_stats_name = ngx_string("ims_ut_stats");


static ngx_conf_bitmask_t  ngx_http_ims_ut_qop_mask[] = {
    { ngx_string("auth"), NGX_IMS_UT_QOP_AUTH },
    { ngx_string("auth-int"), NGX_IMS_UT_QOP_AUTH_INT },
    { ngx_null_string, 0 }
};


static ngx_conf_bitmask_t  ngx_http_ims_ut_alg_mask[] = {
    { ngx_string("MD5"), NGX_IMS_UT_ALG_MD5 },
    { ngx_string("SHA-256"), NGX_IMS_UT_ALG_SHA256 },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_ims_ut_ua_proto[] = {
    { ngx_string("tls"), NGX_IMS_UT_UA_TLS },
    { ngx_string("http"), NGX_IMS_UT_UA_HTTP },
    { ngx_null_string, 0 }
};


static ngx_conf_post_t  ngx_http_ims_ut_min_key_bits_post =
    { ngx_http_ims_ut_min_key_bits };


static ngx_command_t  ngx_http_ims_ut_commands[] = {

    { ngx_string("ims_ut_tls_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_srv_conf_t, tls_policy),
      NULL },

    { ngx_string("ims_ut_tls_require_encryption"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_srv_conf_t, require_encryption),
      NULL },

    { ngx_string("ims_ut_tls_min_key_bits"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_srv_conf_t, min_key_bits),
      &ngx_http_ims_ut_min_key_bits_post },

    { ngx_string("ims_ut_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_ims_ut_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ims_ut_secret"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_ims_ut_secret,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ims_ut_auth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_ims_ut_auth_set,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ims_ut_bsf"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_ims_ut_bsf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ims_ut_qop"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_conf_set_bitmask_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, qop),
      &ngx_http_ims_ut_qop_mask },

    { ngx_string("ims_ut_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_conf_set_bitmask_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, algorithms),
      &ngx_http_ims_ut_alg_mask },

    { ngx_string("ims_ut_nonce_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, nonce_timeout),
      NULL },

    { ngx_string("ims_ut_key_max_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, key_max_ttl),
      NULL },

    { ngx_string("ims_ut_ua_security_protocol"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, ua_proto),
      &ngx_http_ims_ut_ua_proto },

    { ngx_string("ims_ut_xcap_root"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_ims_ut_xcap_root,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("ims_ut_xcap_global_write"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, xcap_global_write),
      NULL },

    { ngx_string("ims_ut_trusted_identity"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_ims_ut_loc_conf_t, trusted_identity),
      NULL },

    { ngx_string("ims_ut_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_ims_ut_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_ims_ut_module_ctx = {
    ngx_http_ims_ut_add_variables,         /* preconfiguration */
    ngx_http_ims_ut_init,                  /* postconfiguration */

    ngx_http_ims_ut_create_main_conf,      /* create main configuration */
    ngx_http_ims_ut_init_main_conf,        /* init main configuration */

    ngx_http_ims_ut_create_srv_conf,       /* create server configuration */
    ngx_http_ims_ut_merge_srv_conf,        /* merge server configuration */

    ngx_http_ims_ut_create_loc_conf,       /* create location configuration */
    ngx_http_ims_ut_merge_loc_conf         /* merge location configuration */
};


ngx_module_t  ngx_http_ims_ut_module = {
    NGX_MODULE_V1,
    &ngx_http_ims_ut_module_ctx,           /* module context */
    ngx_http_ims_ut_commands,              /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_ims_ut_init_process,          /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_ims_ut_add_variables(ngx_conf_t *cf)
{
    return ngx_ims_ut_auth_add_variables(cf);
}


static ngx_int_t
ngx_http_ims_ut_init(ngx_conf_t *cf)
{
    ngx_http_ims_ut_main_conf_t  *imcf;

    imcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_ims_ut_module);

    /* one page of counters, shared by the workers, kept across reloads */
    imcf->stats_zone = ngx_shared_memory_add(cf, &ngx_http_ims_ut_stats_name,
                                             8 * ngx_pagesize,
                                             &ngx_http_ims_ut_module);
    if (imcf->stats_zone == NULL) {
        return NGX_ERROR;
    }

    imcf->stats_zone->init = ngx_http_ims_ut_stats_init;

    if (ngx_ims_ut_tls_install(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_ims_ut_auth_init(cf);
}


static ngx_int_t
ngx_http_ims_ut_stats_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_slab_pool_t  *shpool;

    if (data) {
        shm_zone->data = data;
        ngx_ims_ut_stats = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        shm_zone->data = shpool->data;
        ngx_ims_ut_stats = shpool->data;
        return NGX_OK;
    }

    ngx_ims_ut_stats = ngx_slab_calloc(shpool, sizeof(ngx_ims_ut_stats_t));
    if (ngx_ims_ut_stats == NULL) {
        return NGX_ERROR;
    }

    shpool->data = ngx_ims_ut_stats;
    shm_zone->data = ngx_ims_ut_stats;

    return NGX_OK;
}


static ngx_int_t
ngx_http_ims_ut_init_process(ngx_cycle_t *cycle)
{
    /*
     * jansson seeds its hash function from /dev/urandom on first use: do it
     * now rather than on the first Zn answer of a worker.
     */

    json_object_seed(0);

    return NGX_OK;
}


static void *
ngx_http_ims_ut_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_ims_ut_main_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_ims_ut_main_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->stats_zone = NULL;
     *     conf->zone = NULL;
     *     conf->secret = { 0, NULL };
     */

    return conf;
}


static char *
ngx_http_ims_ut_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_ims_ut_main_conf_t *imcf = conf;

    if (imcf->secret.data == NULL) {
        /*
         * Nonces then survive neither a restart nor a hop to another node;
         * harmless for one node (UEs retry after a stale 401), wrong for
         * a fleet behind a balancer.
         */

        if (imcf->zone) {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "no \"ims_ut_secret\": nonces are signed with a "
                          "random key of this start, other nodes and the "
                          "next start will not accept them");
        }

        imcf->secret.len = NGX_IMS_UT_SECRET_LEN;
        imcf->secret.data = ngx_pnalloc(cf->pool, imcf->secret.len);
        if (imcf->secret.data == NULL) {
            return NGX_CONF_ERROR;
        }

        if (RAND_bytes(imcf->secret.data, imcf->secret.len) != 1) {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0, "RAND_bytes() failed");
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_ims_ut_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_ims_ut_srv_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_ims_ut_srv_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->enabled = NULL;
     *     conf->nenabled = 0;
     */

    conf->tls_policy = NGX_CONF_UNSET;
    conf->require_encryption = NGX_CONF_UNSET;
    conf->min_key_bits = NGX_CONF_UNSET_UINT;

    return conf;
}


static char *
ngx_http_ims_ut_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_ims_ut_srv_conf_t *prev = parent;
    ngx_http_ims_ut_srv_conf_t *conf = child;

    ngx_conf_merge_value(conf->tls_policy, prev->tls_policy, 0);
    ngx_conf_merge_value(conf->require_encryption, prev->require_encryption,
                         1);
    ngx_conf_merge_uint_value(conf->min_key_bits, prev->min_key_bits, 128);

    if (ngx_ims_ut_tls_merge(cf, conf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_ims_ut_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_ims_ut_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_ims_ut_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->bsf = { 0, NULL };
     *     conf->xcap_root = { 0, NULL };
     *     conf->qop = 0;
     *     conf->algorithms = 0;
     */

    conf->auth = NGX_CONF_UNSET_UINT;
    conf->nonce_timeout = NGX_CONF_UNSET;
    conf->key_max_ttl = NGX_CONF_UNSET;
    conf->ua_proto = NGX_CONF_UNSET_UINT;
    conf->xcap_global_write = NGX_CONF_UNSET;
    conf->trusted_identity = NGX_CONF_UNSET_PTR;
    conf->api = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_ims_ut_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_ims_ut_loc_conf_t *prev = parent;
    ngx_http_ims_ut_loc_conf_t *conf = child;

    ngx_http_ims_ut_main_conf_t  *imcf;

    ngx_conf_merge_uint_value(conf->auth, prev->auth, NGX_IMS_UT_AUTH_OFF);
    ngx_conf_merge_str_value(conf->bsf, prev->bsf, "");
    ngx_conf_merge_bitmask_value(conf->qop, prev->qop,
                                 (NGX_CONF_BITMASK_SET
                                  |NGX_IMS_UT_QOP_AUTH
                                  |NGX_IMS_UT_QOP_AUTH_INT));
    ngx_conf_merge_bitmask_value(conf->algorithms, prev->algorithms,
                                 (NGX_CONF_BITMASK_SET|NGX_IMS_UT_ALG_MD5));
    ngx_conf_merge_sec_value(conf->nonce_timeout, prev->nonce_timeout, 300);
    ngx_conf_merge_sec_value(conf->key_max_ttl, prev->key_max_ttl, 3600);
    ngx_conf_merge_uint_value(conf->ua_proto, prev->ua_proto,
                              NGX_IMS_UT_UA_TLS);
    ngx_conf_merge_str_value(conf->xcap_root, prev->xcap_root, "");
    ngx_conf_merge_value(conf->xcap_global_write, prev->xcap_global_write,
                         0);
    ngx_conf_merge_ptr_value(conf->trusted_identity, prev->trusted_identity,
                             NULL);
    ngx_conf_merge_value(conf->api, prev->api, 0);

    if (conf->nonce_timeout > NGX_IMS_UT_REAUTH_TTL) {
        /* re-authentication marks must outlive every nonce they refuse */
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ims_ut_nonce_timeout\" must not exceed 24h");
        return NGX_CONF_ERROR;
    }

    if (conf->auth == NGX_IMS_UT_AUTH_OFF) {
        return NGX_CONF_OK;
    }

    imcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_ims_ut_module);

    if (imcf->zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ims_ut_auth gba\" needs \"ims_ut_zone\" in "
                           "the http block (keys and nonce counters)");
        return NGX_CONF_ERROR;
    }

    if (conf->bsf.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ims_ut_auth gba\" needs \"ims_ut_bsf\": the "
                           "location that answers Zn requests");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_ims_ut_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ims_ut_main_conf_t *imcf = conf;

    u_char              *p;
    ssize_t              size;
    ngx_str_t           *value, name, s;
    ngx_ims_ut_store_t  *st;

    if (imcf->zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');

    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone \"%V\", expected NAME:SIZE",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    if (name.len == ngx_http_ims_ut_stats_name.len
        && ngx_strncmp(name.data, ngx_http_ims_ut_stats_name.data, name.len)
           == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone name \"%V\" is reserved for the module's "
                           "counters", &name);
        return NGX_CONF_ERROR;
    }

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid zone size \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is too small", &value[1]);
        return NGX_CONF_ERROR;
    }

    st = ngx_pcalloc(cf->pool, sizeof(ngx_ims_ut_store_t));
    if (st == NULL) {
        return NGX_CONF_ERROR;
    }

    imcf->zone = ngx_shared_memory_add(cf, &name, size,
                                       &ngx_http_ims_ut_module);
    if (imcf->zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (imcf->zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "zone \"%V\" is already used", &name);
        return NGX_CONF_ERROR;
    }

    st->shm_zone = imcf->zone;

    imcf->zone->init = ngx_ims_ut_store_init_zone;
    imcf->zone->data = st;

    return NGX_CONF_OK;
}


static char *
ngx_http_ims_ut_secret(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ims_ut_main_conf_t *imcf = conf;

    u_char           *buf;
    ssize_t           n;
    ngx_str_t        *value;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (imcf->secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_conf_full_name(cf->cycle, &value[1], 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = value[1];
    file.log = cf->log;

    file.fd = ngx_open_file(file.name.data, NGX_FILE_RDONLY,
                            NGX_FILE_OPEN, 0);

    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &file.name);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_CRIT, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", &file.name);
        goto failed;
    }

    if (ngx_file_size(&fi) < NGX_IMS_UT_SECRET_MIN
        || ngx_file_size(&fi) > NGX_IMS_UT_SECRET_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must hold %d to %d bytes of secret, "
                           "e.g. from \"openssl rand 32\"",
                           &file.name, NGX_IMS_UT_SECRET_MIN,
                           NGX_IMS_UT_SECRET_MAX);
        goto failed;
    }

    buf = ngx_pnalloc(cf->pool, ngx_file_size(&fi));
    if (buf == NULL) {
        goto failed;
    }

    n = ngx_read_file(&file, buf, ngx_file_size(&fi), 0);

    if (n != (ssize_t) ngx_file_size(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "cannot read \"%V\"", &file.name);
        goto failed;
    }

    imcf->secret.data = buf;
    imcf->secret.len = n;

    ngx_close_file(file.fd);

    return NGX_CONF_OK;

failed:

    ngx_close_file(file.fd);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_ims_ut_auth_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ims_ut_loc_conf_t *ilcf = conf;

    ngx_str_t  *value;

    if (ilcf->auth != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ilcf->auth = NGX_IMS_UT_AUTH_OFF;
        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[1].data, "gba") == 0) {
        ilcf->auth = NGX_IMS_UT_AUTH_GBA;
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\", it must be \"off\" or \"gba\"",
                       &value[1]);

    return NGX_CONF_ERROR;
}


static char *
ngx_http_ims_ut_bsf(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ims_ut_loc_conf_t *ilcf = conf;

    ngx_str_t  *value;

    if (ilcf->bsf.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ims_ut_bsf\" takes the URI of a location, "
                           "e.g. \"/_zn\" with \"proxy_pass\" to the BSF, "
                           "not \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    ilcf->bsf = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_http_ims_ut_xcap_root(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ims_ut_loc_conf_t *ilcf = conf;

    ngx_str_t  *value;

    if (ilcf->xcap_root.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!ngx_ims_ut_xcap_root_valid(value[1].data, value[1].len)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"ims_ut_xcap_root\" takes an absolute path of "
                           "plain segments (no \"%%\", \"?\", \"#\", \".\", "
                           "\"..\" or empty ones), not \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    ilcf->xcap_root = value[1];

    /* "/xcap-root/" and "/xcap-root" name the same root */
    while (ilcf->xcap_root.len > 1
           && ilcf->xcap_root.data[ilcf->xcap_root.len - 1] == '/')
    {
        ilcf->xcap_root.len--;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_ims_ut_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_ims_ut_loc_conf_t *ilcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (ilcf->api != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    ilcf->api = 1;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_ims_ut_api_handler;

    return NGX_CONF_OK;
}


static char *
ngx_http_ims_ut_min_key_bits(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *bits = data;

    if (*bits > 256) {
        return "must be at most 256";
    }

    return NGX_CONF_OK;
}
