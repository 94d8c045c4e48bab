
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * Zn client: Ks_NAF from the BSF (TS 29.309 Nbsp_GBA) as an in-memory POST
 * subrequest to the ims_ut_bsf location, so operators reach the BSF with
 * ordinary nginx means (proxy_pass, keepalive, TLS, timeouts).
 *
 * Authentication vectors are precious (TS 33.141 5.1.1): requests of one
 * worker that miss the same (B-TID, NAF_Id) while a fetch is in flight
 * wait for it instead of asking again.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_auth.h"
#include "ngx_ims_ut_store.h"
#include "ngx_ims_ut_zn.h"


struct ngx_ims_ut_fetch_s {
    ngx_queue_t              queue;       /* in ngx_ims_ut_fetches */
    ngx_queue_t              waiters;     /* ngx_ims_ut_auth_ctx_t.wait */
    ngx_ims_ut_auth_ctx_t   *leader;
    ngx_msec_t               start;
};


static ngx_int_t ngx_ims_ut_zn_done(ngx_http_request_t *sr, void *data,
    ngx_int_t rc);
static ngx_uint_t ngx_ims_ut_zn_result(ngx_http_request_t *r,
    ngx_http_request_t *sr, ngx_ims_ut_auth_ctx_t *ctx, ngx_int_t rc);
static void ngx_ims_ut_zn_wake(ngx_ims_ut_fetch_t *f, ngx_uint_t result);
static ngx_int_t ngx_ims_ut_zn_header(ngx_http_request_t *sr,
    const char *name, const char *value);


/* per worker: the fetches in flight, few at any time */
static ngx_queue_t  ngx_ims_ut_fetches;


ngx_int_t
ngx_ims_ut_zn_fetch(ngx_http_request_t *r, ngx_ims_ut_auth_ctx_t *ctx,
    ngx_http_ims_ut_loc_conf_t *ilcf)
{
    size_t                        len;
    ngx_str_t                     fqdn;
    ngx_buf_t                    *b;
    ngx_queue_t                  *q;
    ngx_chain_t                  *cl;
    ngx_ims_ut_fetch_t           *f;
    ngx_http_request_t           *sr;
    ngx_ims_ut_auth_ctx_t        *lctx;
    ngx_http_post_subrequest_t   *ps;

    if (ngx_ims_ut_fetches.next == NULL) {
        ngx_queue_init(&ngx_ims_ut_fetches);
    }

    if (ctx->zn != NGX_IMS_UT_ZN_RETRY) {

        for (q = ngx_queue_head(&ngx_ims_ut_fetches);
             q != ngx_queue_sentinel(&ngx_ims_ut_fetches);
             q = ngx_queue_next(q))
        {
            f = ngx_queue_data(q, ngx_ims_ut_fetch_t, queue);
            lctx = f->leader;

            if (lctx->btid.len == ctx->btid.len
                && lctx->naf_id_len == ctx->naf_id_len
                && ngx_memcmp(lctx->btid.data, ctx->btid.data,
                              ctx->btid.len) == 0
                && ngx_memcmp(lctx->naf_id, ctx->naf_id,
                              ctx->naf_id_len) == 0)
            {
                ngx_queue_insert_tail(&f->waiters, &ctx->wait);
                ctx->waiting = 1;
                ngx_ims_ut_count(zn_waiters);

                return NGX_AGAIN;
            }
        }
    }

    ctx->zn = NGX_IMS_UT_ZN_PENDING;

    fqdn = ctx->fqdn;

    b = ngx_create_temp_buf(r->pool, NGX_IMS_UT_ZN_REQUEST_SIZE);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_ims_ut_zn_request(&ctx->btid, &fqdn,
                              ctx->naf_id + ctx->naf_id_len
                              - NGX_IMS_UT_UA_ID_LEN,
                              b->pos, NGX_IMS_UT_ZN_REQUEST_SIZE, &len)
        != NGX_OK)
    {
        /* a B-TID that cannot even be put into JSON: not a real one */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: B-TID \"%V\" unusable in a Zn request",
                      &ctx->btid);
        ctx->zn = NGX_IMS_UT_ZN_NOT_FOUND;
        return NGX_OK;
    }

    b->last = b->pos + len;
    b->last_buf = 1;
    b->last_in_chain = 1;

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;

    f = ngx_pcalloc(r->pool, sizeof(ngx_ims_ut_fetch_t));
    if (f == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ps->handler = ngx_ims_ut_zn_done;
    ps->data = ctx;

    if (ngx_http_subrequest(r, &ilcf->bsf, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a request of its own: none of the UE's headers reach the BSF */

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 4,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sr->headers_in.server = r->headers_in.server;
    sr->headers_in.content_length_n = len;
    sr->headers_in.keep_alive_n = -1;

    if (ngx_ims_ut_zn_header(sr, "Content-Type", "application/json")
        != NGX_OK
        || ngx_ims_ut_zn_header(sr, "Accept",
                                "application/json, application/problem+json")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sr->method = NGX_HTTP_POST;
    ngx_str_set(&sr->method_name, "POST");

    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (sr->request_body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sr->request_body->bufs = cl;
    sr->header_only = 0;

    ngx_queue_init(&f->waiters);
    f->leader = ctx;
    f->start = ngx_current_msec;

    ngx_queue_insert_tail(&ngx_ims_ut_fetches, &f->queue);
    ctx->fetch = f;

    ngx_ims_ut_count(zn_requests);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "ims_ut: Zn request for B-TID \"%V\" via \"%V\"",
                   &ctx->btid, &ilcf->bsf);

    return NGX_AGAIN;
}


static ngx_int_t
ngx_ims_ut_zn_header(ngx_http_request_t *sr, const char *name,
    const char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&sr->headers_in.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);

    h->lowcase_key = ngx_pnalloc(sr->pool, h->key.len);
    if (h->lowcase_key == NULL) {
        return NGX_ERROR;
    }

    h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);

#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    if (name[0] == 'C') {
        sr->headers_in.content_type = h;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_ims_ut_zn_done(ngx_http_request_t *sr, void *data, ngx_int_t rc)
{
    ngx_ims_ut_auth_ctx_t *ctx = data;

    ngx_uint_t           result;
    ngx_msec_t           ms;
    ngx_ims_ut_fetch_t  *f;

    f = ctx->fetch;

    if (f == NULL) {
        /* already ended: the post handler may run once more on errors */
        return rc;
    }

    ms = ngx_current_msec - f->start;

    if (ngx_ims_ut_stats) {
        (void) ngx_atomic_fetch_add(&ngx_ims_ut_stats->zn_latency_ms, ms);
    }

    result = ngx_ims_ut_zn_result(ctx->request, sr, ctx, rc);

    ctx->zn = result;
    ctx->fetch = NULL;

    ngx_queue_remove(&f->queue);
    ngx_ims_ut_zn_wake(f, result);

    return rc;
}


static ngx_uint_t
ngx_ims_ut_zn_result(ngx_http_request_t *r, ngx_http_request_t *sr,
    ngx_ims_ut_auth_ctx_t *ctx, ngx_int_t rc)
{
    size_t                        len;
    u_char                       *body;
    ngx_str_t                     naf_id;
    ngx_uint_t                    status;
    const char                   *err;
    ngx_ims_ut_zn_answer_t       *ans;
    ngx_http_ims_ut_loc_conf_t   *ilcf;
    ngx_http_ims_ut_main_conf_t  *imcf;
    u_char                        problem[128];

    status = sr->headers_out.status;

    if (rc == NGX_ERROR || (rc >= NGX_HTTP_SPECIAL_RESPONSE && status == 0)) {
        status = (rc == NGX_ERROR) ? NGX_HTTP_BAD_GATEWAY : (ngx_uint_t) rc;
    }

    body = NULL;
    len = 0;

    if (sr->out && sr->out->buf) {
        body = sr->out->buf->pos;
        len = sr->out->buf->last - sr->out->buf->pos;
    }

    if (status == NGX_HTTP_NOT_FOUND) {
        ngx_ims_ut_zn_problem(body, len, problem, sizeof(problem), &len);

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: BSF does not know B-TID \"%V\": %*s",
                      &ctx->btid, len, problem);

        ngx_ims_ut_count(zn_not_found);
        return NGX_IMS_UT_ZN_NOT_FOUND;
    }

    if (status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "ims_ut: Zn request for B-TID \"%V\" failed: BSF "
                      "location answered %ui", &ctx->btid, status);
        ngx_ims_ut_count(zn_errors);
        return NGX_IMS_UT_ZN_ERROR;
    }

    if (body == NULL || len == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "ims_ut: Zn answer for B-TID \"%V\" has no body "
                      "(is \"subrequest_output_buffer_size\" too small?)",
                      &ctx->btid);
        ngx_ims_ut_count(zn_errors);
        return NGX_IMS_UT_ZN_ERROR;
    }

    ans = ngx_palloc(r->pool, sizeof(ngx_ims_ut_zn_answer_t));
    if (ans == NULL) {
        ngx_ims_ut_count(zn_errors);
        return NGX_IMS_UT_ZN_ERROR;
    }

    if (ngx_ims_ut_zn_parse(body, len, ans, &err) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "ims_ut: unusable Zn answer for B-TID \"%V\": %s",
                      &ctx->btid, err);
        ngx_ims_ut_count(zn_errors);
        return NGX_IMS_UT_ZN_ERROR;
    }

    if (ans->expires && ans->expires <= ngx_time()) {
        ngx_explicit_memzero(ans->ks_naf, NGX_IMS_UT_KS_NAF_LEN);
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "ims_ut: BSF key for B-TID \"%V\" has expired",
                      &ctx->btid);
        ngx_ims_ut_count(zn_not_found);
        return NGX_IMS_UT_ZN_NOT_FOUND;
    }

    ngx_ims_ut_count(zn_ok);

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);
    ilcf = ngx_http_get_module_loc_conf(r, ngx_http_ims_ut_module);

    naf_id.data = ctx->naf_id;
    naf_id.len = ctx->naf_id_len;

    /* a failure to cache costs a later Zn request, not this one */
    (void) ngx_ims_ut_store_key_put(imcf->zone->data, &ctx->btid, &naf_id,
                                    ans, ngx_time(), ilcf->key_max_ttl);

    ctx->ans = ans;

    return NGX_IMS_UT_ZN_OK;
}


static void
ngx_ims_ut_zn_wake(ngx_ims_ut_fetch_t *f, ngx_uint_t result)
{
    ngx_queue_t            *q;
    ngx_http_request_t     *r;
    ngx_ims_ut_auth_ctx_t  *ctx;

    while (!ngx_queue_empty(&f->waiters)) {
        q = ngx_queue_head(&f->waiters);
        ngx_queue_remove(q);

        ctx = ngx_queue_data(q, ngx_ims_ut_auth_ctx_t, wait);
        ctx->waiting = 0;

        /* on success the waiters read the key from the zone */
        ctx->zn = result;

        r = ctx->request;
        r->write_event_handler = ngx_http_core_run_phases;
        ngx_post_event(r->connection->write, &ngx_posted_events);
    }
}


void
ngx_ims_ut_zn_detach(ngx_ims_ut_auth_ctx_t *ctx)
{
    ngx_ims_ut_fetch_t  *f;

    if (ctx->waiting) {
        ngx_queue_remove(&ctx->wait);
        ctx->waiting = 0;
    }

    f = ctx->fetch;

    if (f) {
        /* the leader is gone: the waiters fetch for themselves */
        ctx->fetch = NULL;
        ngx_queue_remove(&f->queue);
        ngx_ims_ut_zn_wake(f, NGX_IMS_UT_ZN_RETRY);
    }
}
