
/*
 * Copyright (C) The ngx_ims_ut_module authors
 *
 * The operator API, "ims_ut_api" in a location; the last segment of the
 * URI selects the resource:
 *
 *     GET  .../status                  every counter as JSON
 *     GET  .../metrics                 the same in Prometheus text format
 *     POST .../reauth?impi=X           re-authentication of an active UE
 *          (or impu=X, btid=X)         (TS 33.141 6.1.1, 6.1.3)
 *
 * The API changes authentication state: protect the location with
 * allow/deny or client certificates.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_ims_ut_module.h"
#include "ngx_ims_ut_api.h"
#include "ngx_ims_ut_store.h"
#include "ngx_ims_ut_suites.h"


typedef ngx_int_t (*ngx_ims_ut_api_handler_pt)(ngx_http_request_t *r);


typedef struct {
    ngx_str_t                     name;
    ngx_uint_t                    methods;
    ngx_str_t                     allow;
    ngx_ims_ut_api_handler_pt     handler;
} ngx_ims_ut_api_resource_t;


/* one sample of a Prometheus counter kept in ngx_ims_ut_stats_t */
typedef struct {
    char                         *name;
    char                         *help;     /* NULL: same family as above */
    char                         *labels;
    size_t                        offset;
} ngx_ims_ut_api_counter_t;


/* a parameter of .../reauth */
typedef struct {
    ngx_str_t                     name;
    ngx_uint_t                    kind;     /* NGX_IMS_UT_MARK_* */
    size_t                        max;      /* longer never gets cached */
} ngx_ims_ut_api_param_t;


static ngx_int_t ngx_ims_ut_api_status(ngx_http_request_t *r);
static ngx_int_t ngx_ims_ut_api_metrics(ngx_http_request_t *r);
static ngx_int_t ngx_ims_ut_api_reauth(ngx_http_request_t *r);
static char *ngx_ims_ut_api_reauth_args(ngx_http_request_t *r,
    ngx_ims_ut_api_param_t **param, ngx_str_t *value);
static ngx_shm_zone_t *ngx_ims_ut_api_usage(ngx_http_request_t *r,
    ngx_ims_ut_store_usage_t *u);
static size_t ngx_ims_ut_api_fmt_size(const char *fmt, size_t vlen);
static ngx_int_t ngx_ims_ut_api_error(ngx_http_request_t *r,
    ngx_uint_t status, char *text, ngx_str_t *allow);
static ngx_int_t ngx_ims_ut_api_send(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *type, ngx_buf_t *b, ngx_str_t *allow);
static ngx_int_t ngx_ims_ut_api_header(ngx_http_request_t *r, char *key,
    ngx_str_t *value);


static ngx_str_t  ngx_ims_ut_api_json = ngx_string("application/json");
static ngx_str_t  ngx_ims_ut_api_text =
    ngx_string("text/plain; version=0.0.4");
static ngx_str_t  ngx_ims_ut_api_no_store = ngx_string("no-store");


static ngx_ims_ut_api_resource_t  ngx_ims_ut_api_resources[] = {

    { ngx_string("status"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_string("GET, HEAD"), ngx_ims_ut_api_status },

    { ngx_string("metrics"), NGX_HTTP_GET|NGX_HTTP_HEAD,
      ngx_string("GET, HEAD"), ngx_ims_ut_api_metrics },

    { ngx_string("reauth"), NGX_HTTP_POST,
      ngx_string("POST"), ngx_ims_ut_api_reauth },

    { ngx_null_string, 0, ngx_null_string, NULL }
};


static ngx_ims_ut_api_param_t  ngx_ims_ut_api_params[] = {
    { ngx_string("impi"), NGX_IMS_UT_MARK_IMPI, NGX_IMS_UT_MAX_IMPI },
    { ngx_string("impu"), NGX_IMS_UT_MARK_IMPU, NGX_IMS_UT_MAX_ID },
    { ngx_string("btid"), NGX_IMS_UT_MARK_BTID, NGX_IMS_UT_ZN_MAX_BTID },
    { ngx_null_string, 0, 0 }
};


#define ngx_ims_ut_api_stat(field)  offsetof(ngx_ims_ut_stats_t, field)

#define ngx_ims_ut_api_hex(c)                                                \
    (((c) >= '0' && (c) <= '9')                                              \
     || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'f'))


static ngx_ims_ut_api_counter_t  ngx_ims_ut_api_counters[] = {

    { "ims_ut_tls_client_hellos_passed_total",
      "ClientHellos accepted by the TS 33.141 7.2 cipher-suite policy.",
      "", ngx_ims_ut_api_stat(hello[NGX_IMS_UT_TLS_PASS]) },

    { "ims_ut_tls_client_hellos_rejected_total",
      "ClientHellos refused with a fatal alert, by TS 33.141 7.2 rule.",
      "{rule=\"1\"}", ngx_ims_ut_api_stat(hello[NGX_IMS_UT_TLS_RULE_ANON]) },
    { "ims_ut_tls_client_hellos_rejected_total", NULL,
      "{rule=\"2\"}",
      ngx_ims_ut_api_stat(hello[NGX_IMS_UT_TLS_RULE_NO_INTEGRITY]) },
    { "ims_ut_tls_client_hellos_rejected_total", NULL,
      "{rule=\"3\"}",
      ngx_ims_ut_api_stat(hello[NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION]) },
    { "ims_ut_tls_client_hellos_rejected_total", NULL,
      "{rule=\"4\"}", ngx_ims_ut_api_stat(hello[NGX_IMS_UT_TLS_RULE_WEAK]) },
    { "ims_ut_tls_client_hellos_rejected_total", NULL,
      "{rule=\"malformed\"}",
      ngx_ims_ut_api_stat(hello[NGX_IMS_UT_TLS_MALFORMED]) },

    { "ims_ut_auth_challenges_total",
      "HTTP Digest challenges (401) sent.",
      "", ngx_ims_ut_api_stat(challenges) },

    { "ims_ut_auth_stale_challenges_total",
      "Challenges with stale=true: right digest, expired nonce.",
      "", ngx_ims_ut_api_stat(stale_challenges) },

    { "ims_ut_auth_successes_total",
      "Requests authenticated with GBA HTTP Digest.",
      "", ngx_ims_ut_api_stat(successes) },

    { "ims_ut_auth_trusted_total",
      "Requests authenticated by operator policy (ims_ut_trusted_identity).",
      "", ngx_ims_ut_api_stat(trusted) },

    { "ims_ut_auth_failures_total",
      "Failed authentications, by reason.",
      "{reason=\"no_credentials\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_NO_CREDENTIALS]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"malformed\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_MALFORMED]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"realm\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_REALM]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"uri\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_URI]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"nonce\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_NONCE]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"stale\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_STALE]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"replay\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_REPLAY]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"unknown_btid\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_UNKNOWN_BTID]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"password\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_PASSWORD]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"identity\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_IDENTITY]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"reauth\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_REAUTH]) },
    { "ims_ut_auth_failures_total", NULL,
      "{reason=\"algorithm\"}",
      ngx_ims_ut_api_stat(failures[NGX_IMS_UT_FAIL_ALGORITHM]) },

    { "ims_ut_zn_requests_total",
      "Zn requests sent to the BSF.",
      "", ngx_ims_ut_api_stat(zn_requests) },

    { "ims_ut_zn_responses_total",
      "Zn requests completed, by result.",
      "{result=\"ok\"}", ngx_ims_ut_api_stat(zn_ok) },
    { "ims_ut_zn_responses_total", NULL,
      "{result=\"not_found\"}", ngx_ims_ut_api_stat(zn_not_found) },
    { "ims_ut_zn_responses_total", NULL,
      "{result=\"error\"}", ngx_ims_ut_api_stat(zn_errors) },

    { "ims_ut_zn_shared_waits_total",
      "Requests that waited for a Zn request already in flight.",
      "", ngx_ims_ut_api_stat(zn_waiters) },

    { "ims_ut_keys_cache_hits_total",
      "Keys found in the ims_ut_zone cache, no Zn request needed.",
      "", ngx_ims_ut_api_stat(key_hits) },

    { "ims_ut_xcap_decisions_total",
      "XCAP authorization decisions, by result.",
      "{result=\"allowed\"}", ngx_ims_ut_api_stat(xcap_allowed) },
    { "ims_ut_xcap_decisions_total", NULL,
      "{result=\"denied\"}", ngx_ims_ut_api_stat(xcap_denied) },
    { "ims_ut_xcap_decisions_total", NULL,
      "{result=\"not_found\"}", ngx_ims_ut_api_stat(xcap_not_found) },

    { "ims_ut_reauth_requests_total",
      "Operator re-authentication requests.",
      "", ngx_ims_ut_api_stat(reauth_requests) },

    { "ims_ut_reauth_keys_dropped_total",
      "Cached keys dropped by operator re-authentication.",
      "", ngx_ims_ut_api_stat(reauth_keys_dropped) },

    { NULL, NULL, NULL, 0 }
};


/* all counters stay 0 until the stats zone exists */
static ngx_ims_ut_stats_t  ngx_ims_ut_api_no_stats;


#define NGX_IMS_UT_API_STATUS                                                \
    "{\"version\": \"" NGX_IMS_UT_VERSION "\", "                             \
    "\"tls\": {\"client_hellos\": {\"passed\": %uA, "                        \
    "\"rejected\": {\"rule1_anonymous\": %uA, \"rule2_no_integrity\": %uA, " \
    "\"rule3_no_encryption\": %uA, \"rule4_weak\": %uA, "                    \
    "\"malformed\": %uA}}}, "                                                \
    "\"auth\": {\"challenges\": %uA, \"stale_challenges\": %uA, "            \
    "\"successes\": %uA, \"trusted\": %uA, "                                 \
    "\"failures\": {\"no_credentials\": %uA, \"malformed\": %uA, "           \
    "\"realm\": %uA, \"uri\": %uA, \"nonce\": %uA, \"stale\": %uA, "         \
    "\"replay\": %uA, \"unknown_btid\": %uA, \"password\": %uA, "            \
    "\"identity\": %uA, \"reauth\": %uA, \"algorithm\": %uA}}, "             \
    "\"zn\": {\"requests\": %uA, \"ok\": %uA, \"not_found\": %uA, "          \
    "\"errors\": %uA, \"latency_ms_total\": %uA, \"latency_ms_avg\": %uA, "  \
    "\"shared_waits\": %uA}, "                                               \
    "\"keys\": {\"cache_hits\": %uA, \"cached\": %ui, \"evictions\": %ui}, " \
    "\"xcap\": {\"allowed\": %uA, \"denied\": %uA, \"not_found\": %uA}, "    \
    "\"reauth\": {\"requests\": %uA, \"keys_dropped\": %uA}, "               \
    "\"zone\": "

#define NGX_IMS_UT_API_STATUS_ZONE                                           \
    "{\"name\": \"%V\", \"pages_used\": %ui, \"pages_total\": %ui, "         \
    "\"nonces\": %ui, \"marks\": %ui, "                                      \
    "\"evictions\": {\"keys\": %ui, \"nonces\": %ui, \"marks\": %ui}}}\n"

#define NGX_IMS_UT_API_STATUS_NO_ZONE  "null}\n"


#define NGX_IMS_UT_API_METRICS                                               \
    "# HELP ims_ut_zn_latency_seconds_total "                                \
    "Time from Zn request to its completion, summed.\n"                      \
    "# TYPE ims_ut_zn_latency_seconds_total counter\n"                       \
    "ims_ut_zn_latency_seconds_total %uA.%03uA\n"                            \
    "# HELP ims_ut_keys_cached Keys in the ims_ut_zone cache.\n"             \
    "# TYPE ims_ut_keys_cached gauge\n"                                      \
    "ims_ut_keys_cached %ui\n"                                               \
    "# HELP ims_ut_info Module version.\n"                                   \
    "# TYPE ims_ut_info gauge\n"                                             \
    "ims_ut_info{version=\"" NGX_IMS_UT_VERSION "\"} 1\n"

/* %V: zone="NAME" */
#define NGX_IMS_UT_API_METRICS_ZONE                                          \
    "# HELP ims_ut_zone_pages_used Slab pages in use in the ims_ut_zone.\n"  \
    "# TYPE ims_ut_zone_pages_used gauge\n"                                  \
    "ims_ut_zone_pages_used{%V} %ui\n"                                       \
    "# HELP ims_ut_zone_pages_capacity Slab pages of the ims_ut_zone.\n"     \
    "# TYPE ims_ut_zone_pages_capacity gauge\n"                              \
    "ims_ut_zone_pages_capacity{%V} %ui\n"                                   \
    "# HELP ims_ut_zone_nonces Nonce-count records (replay protection).\n"   \
    "# TYPE ims_ut_zone_nonces gauge\n"                                      \
    "ims_ut_zone_nonces{%V} %ui\n"                                           \
    "# HELP ims_ut_zone_marks Live re-authentication marks.\n"               \
    "# TYPE ims_ut_zone_marks gauge\n"                                       \
    "ims_ut_zone_marks{%V} %ui\n"                                            \
    "# HELP ims_ut_zone_evictions_total "                                    \
    "Entries evicted from the full ims_ut_zone, by kind.\n"                  \
    "# TYPE ims_ut_zone_evictions_total counter\n"                           \
    "ims_ut_zone_evictions_total{%V,kind=\"keys\"} %ui\n"                    \
    "ims_ut_zone_evictions_total{%V,kind=\"nonces\"} %ui\n"                  \
    "ims_ut_zone_evictions_total{%V,kind=\"marks\"} %ui\n"


ngx_int_t
ngx_ims_ut_api_handler(ngx_http_request_t *r)
{
    u_char                     *p, *last;
    ngx_int_t                   rc;
    ngx_str_t                   name;
    ngx_ims_ut_api_resource_t  *res;

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    last = r->uri.data + r->uri.len;

    for (p = last; p > r->uri.data && p[-1] != '/'; p--) {
        /* void */
    }

    name.data = p;
    name.len = last - p;

    for (res = ngx_ims_ut_api_resources; res->handler; res++) {

        if (name.len != res->name.len
            || ngx_strncmp(name.data, res->name.data, name.len) != 0)
        {
            continue;
        }

        if (!(r->method & res->methods)) {
            return ngx_ims_ut_api_error(r, NGX_HTTP_NOT_ALLOWED,
                                        "method not allowed", &res->allow);
        }

        return res->handler(r);
    }

    return ngx_ims_ut_api_error(r, NGX_HTTP_NOT_FOUND,
                                "unknown resource, expected status, "
                                "metrics or reauth", NULL);
}


static ngx_int_t
ngx_ims_ut_api_status(ngx_http_request_t *r)
{
    size_t                     size;
    ngx_buf_t                 *b;
    ngx_str_t                  name;
    ngx_shm_zone_t            *zone;
    ngx_atomic_uint_t          done, avg;
    ngx_ims_ut_stats_t        *s;
    ngx_ims_ut_store_usage_t   u;

    s = ngx_ims_ut_stats ? ngx_ims_ut_stats : &ngx_ims_ut_api_no_stats;

    zone = ngx_ims_ut_api_usage(r, &u);

    ngx_str_null(&name);

    if (zone) {
        name.len = zone->shm.name.len
                   + ngx_escape_json(NULL, zone->shm.name.data,
                                     zone->shm.name.len);

        name.data = ngx_pnalloc(r->pool, name.len);
        if (name.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        (void) ngx_escape_json(name.data, zone->shm.name.data,
                               zone->shm.name.len);
    }

    size = ngx_ims_ut_api_fmt_size(NGX_IMS_UT_API_STATUS, 0)
           + ngx_ims_ut_api_fmt_size(NGX_IMS_UT_API_STATUS_ZONE, name.len);

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* latency is summed once per completed Zn request */
    done = s->zn_ok + s->zn_not_found + s->zn_errors;
    avg = done ? s->zn_latency_ms / done : 0;

    b->last = ngx_sprintf(b->last, NGX_IMS_UT_API_STATUS,
                          s->hello[NGX_IMS_UT_TLS_PASS],
                          s->hello[NGX_IMS_UT_TLS_RULE_ANON],
                          s->hello[NGX_IMS_UT_TLS_RULE_NO_INTEGRITY],
                          s->hello[NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION],
                          s->hello[NGX_IMS_UT_TLS_RULE_WEAK],
                          s->hello[NGX_IMS_UT_TLS_MALFORMED],
                          s->challenges, s->stale_challenges,
                          s->successes, s->trusted,
                          s->failures[NGX_IMS_UT_FAIL_NO_CREDENTIALS],
                          s->failures[NGX_IMS_UT_FAIL_MALFORMED],
                          s->failures[NGX_IMS_UT_FAIL_REALM],
                          s->failures[NGX_IMS_UT_FAIL_URI],
                          s->failures[NGX_IMS_UT_FAIL_NONCE],
                          s->failures[NGX_IMS_UT_FAIL_STALE],
                          s->failures[NGX_IMS_UT_FAIL_REPLAY],
                          s->failures[NGX_IMS_UT_FAIL_UNKNOWN_BTID],
                          s->failures[NGX_IMS_UT_FAIL_PASSWORD],
                          s->failures[NGX_IMS_UT_FAIL_IDENTITY],
                          s->failures[NGX_IMS_UT_FAIL_REAUTH],
                          s->failures[NGX_IMS_UT_FAIL_ALGORITHM],
                          s->zn_requests, s->zn_ok, s->zn_not_found,
                          s->zn_errors, s->zn_latency_ms, avg,
                          s->zn_waiters,
                          s->key_hits, u.keys,
                          u.evictions[NGX_IMS_UT_STORE_KEYS],
                          s->xcap_allowed, s->xcap_denied,
                          s->xcap_not_found,
                          s->reauth_requests, s->reauth_keys_dropped);

    if (zone) {
        b->last = ngx_sprintf(b->last, NGX_IMS_UT_API_STATUS_ZONE,
                              &name, u.pages_used, u.pages_total,
                              u.nonces, u.marks,
                              u.evictions[NGX_IMS_UT_STORE_KEYS],
                              u.evictions[NGX_IMS_UT_STORE_NONCES],
                              u.evictions[NGX_IMS_UT_STORE_MARKS]);

    } else {
        b->last = ngx_cpymem(b->last, NGX_IMS_UT_API_STATUS_NO_ZONE,
                             sizeof(NGX_IMS_UT_API_STATUS_NO_ZONE) - 1);
    }

    return ngx_ims_ut_api_send(r, NGX_HTTP_OK, &ngx_ims_ut_api_json, b,
                               NULL);
}


static ngx_int_t
ngx_ims_ut_api_metrics(ngx_http_request_t *r)
{
    u_char                    *p;
    size_t                     size;
    ngx_buf_t                 *b;
    ngx_str_t                  label, *name;
    ngx_uint_t                 i;
    ngx_shm_zone_t            *zone;
    ngx_atomic_uint_t          v;
    ngx_ims_ut_stats_t        *s;
    ngx_ims_ut_api_counter_t  *c;
    ngx_ims_ut_store_usage_t   u;

    s = ngx_ims_ut_stats ? ngx_ims_ut_stats : &ngx_ims_ut_api_no_stats;

    zone = ngx_ims_ut_api_usage(r, &u);

    ngx_str_null(&label);

    if (zone) {
        /* label value escapes of the exposition format: \\ \" \n */

        name = &zone->shm.name;

        label.data = ngx_pnalloc(r->pool,
                                 sizeof("zone=\"\"") - 1 + 2 * name->len);
        if (label.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p = ngx_cpymem(label.data, "zone=\"", sizeof("zone=\"") - 1);

        for (i = 0; i < name->len; i++) {
            switch (name->data[i]) {

            case '\\':
            case '"':
                *p++ = '\\';
                *p++ = name->data[i];
                break;

            case LF:
                *p++ = '\\';
                *p++ = 'n';
                break;

            default:
                *p++ = name->data[i];
            }
        }

        *p++ = '"';

        label.len = p - label.data;
    }

    size = ngx_ims_ut_api_fmt_size(NGX_IMS_UT_API_METRICS, 0)
           + ngx_ims_ut_api_fmt_size(NGX_IMS_UT_API_METRICS_ZONE, label.len);

    for (c = ngx_ims_ut_api_counters; c->name; c++) {

        if (c->help) {
            size += sizeof("# HELP  \n# TYPE  counter\n") - 1
                    + 2 * ngx_strlen(c->name) + ngx_strlen(c->help);
        }

        size += ngx_strlen(c->name) + ngx_strlen(c->labels)
                + sizeof(" \n") - 1 + NGX_ATOMIC_T_LEN;
    }

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (c = ngx_ims_ut_api_counters; c->name; c++) {

        if (c->help) {
            b->last = ngx_sprintf(b->last,
                                  "# HELP %s %s\n# TYPE %s counter\n",
                                  c->name, c->help, c->name);
        }

        v = *(ngx_atomic_t *) ((u_char *) s + c->offset);

        b->last = ngx_sprintf(b->last, "%s%s %uA\n",
                              c->name, c->labels, v);
    }

    b->last = ngx_sprintf(b->last, NGX_IMS_UT_API_METRICS,
                          s->zn_latency_ms / 1000, s->zn_latency_ms % 1000,
                          u.keys);

    if (zone) {
        b->last = ngx_sprintf(b->last, NGX_IMS_UT_API_METRICS_ZONE,
                              &label, u.pages_used,
                              &label, u.pages_total,
                              &label, u.nonces,
                              &label, u.marks,
                              &label, u.evictions[NGX_IMS_UT_STORE_KEYS],
                              &label, u.evictions[NGX_IMS_UT_STORE_NONCES],
                              &label, u.evictions[NGX_IMS_UT_STORE_MARKS]);
    }

    return ngx_ims_ut_api_send(r, NGX_HTTP_OK, &ngx_ims_ut_api_text, b,
                               NULL);
}


static ngx_int_t
ngx_ims_ut_api_reauth(ngx_http_request_t *r)
{
    char                         *err;
    size_t                        size;
    ngx_int_t                     rc;
    ngx_buf_t                    *b;
    ngx_str_t                     value;
    ngx_uint_t                    dropped;
    ngx_ims_ut_stats_t           *s;
    ngx_ims_ut_store_t           *st;
    ngx_ims_ut_api_param_t       *param;
    ngx_http_ims_ut_main_conf_t  *imcf;

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);

    if (imcf->zone == NULL) {
        /* without the zone there is neither a key cache nor a mark */
        return ngx_ims_ut_api_error(r, NGX_HTTP_CONFLICT,
                                    "re-authentication needs ims_ut_zone "
                                    "in the http block", NULL);
    }

    err = ngx_ims_ut_api_reauth_args(r, &param, &value);

    if (err == NGX_CONF_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (err) {
        return ngx_ims_ut_api_error(r, NGX_HTTP_BAD_REQUEST, err, NULL);
    }

    st = imcf->zone->data;
    dropped = 0;

    rc = ngx_ims_ut_store_reauth(st, param->kind, &value, ngx_time(),
                                 NGX_IMS_UT_REAUTH_TTL, &dropped);

    s = ngx_ims_ut_stats;

    if (s) {
        (void) ngx_atomic_fetch_add(&s->reauth_requests, 1);
        (void) ngx_atomic_fetch_add(&s->reauth_keys_dropped, dropped);
    }

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "ims_ut: operator re-authentication of %V \"%V\" "
                      "failed", &param->name, &value);

        return ngx_ims_ut_api_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                    "re-authentication failed, see the "
                                    "error log", NULL);
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "ims_ut: operator re-authentication of %V \"%V\": %s, "
                  "%ui cached keys dropped", &param->name, &value,
                  rc == NGX_OK ? "matched" : "nothing matched", dropped);

    size = sizeof("{\"matched\": true, \"keys_dropped\": }\n") - 1
           + NGX_INT_T_LEN;

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc == NGX_OK) {
        b->last = ngx_sprintf(b->last,
                              "{\"matched\": true, \"keys_dropped\": %ui}\n",
                              dropped);

        return ngx_ims_ut_api_send(r, NGX_HTTP_OK, &ngx_ims_ut_api_json, b,
                                   NULL);
    }

    b->last = ngx_cpymem(b->last, "{\"matched\": false}\n",
                         sizeof("{\"matched\": false}\n") - 1);

    return ngx_ims_ut_api_send(r, NGX_HTTP_NOT_FOUND, &ngx_ims_ut_api_json,
                               b, NULL);
}


/*
 * Exactly one of impi=, impu=, btid= in the query string, percent-decoded
 * as a URI component.  '+' stays '+' (tel: URIs), it is not a space.
 * Returns NULL, an error text for the client, or NGX_CONF_ERROR when out
 * of memory.
 */

static char *
ngx_ims_ut_api_reauth_args(ngx_http_request_t *r,
    ngx_ims_ut_api_param_t **param, ngx_str_t *value)
{
    u_char                  *p, *last, *end, *eq, *dst, *src;
    size_t                   i;
    ngx_str_t                name, raw;
    ngx_ims_ut_api_param_t  *pm, *found;

    found = NULL;
    ngx_str_null(&raw);

    p = r->args.data;
    last = p + r->args.len;

    while (p < last) {

        end = ngx_strlchr(p, last, '&');
        if (end == NULL) {
            end = last;
        }

        if (end == p) {
            p++;
            continue;
        }

        eq = ngx_strlchr(p, end, '=');

        name.data = p;
        name.len = (eq ? eq : end) - p;

        for (pm = ngx_ims_ut_api_params; pm->name.len; pm++) {
            if (name.len == pm->name.len
                && ngx_strncmp(name.data, pm->name.data, name.len) == 0)
            {
                break;
            }
        }

        if (pm->name.len == 0) {
            return "unknown parameter, expected one of impi, impu, btid";
        }

        if (found) {
            return "exactly one of impi, impu, btid is expected";
        }

        found = pm;

        raw.data = eq ? eq + 1 : end;
        raw.len = end - raw.data;

        p = end;
    }

    if (found == NULL) {
        return "missing parameter, expected one of impi, impu, btid";
    }

    /* ngx_unescape_uri() is lenient with broken escapes: refuse them */

    for (i = 0; i < raw.len; i++) {
        if (raw.data[i] != '%') {
            continue;
        }

        if (i + 2 >= raw.len
            || !ngx_ims_ut_api_hex(raw.data[i + 1])
            || !ngx_ims_ut_api_hex(raw.data[i + 2]))
        {
            return "invalid percent-encoding";
        }

        i += 2;
    }

    dst = ngx_pnalloc(r->pool, raw.len + 1);
    if (dst == NULL) {
        return NGX_CONF_ERROR;
    }

    value->data = dst;
    src = raw.data;

    ngx_unescape_uri(&dst, &src, raw.len, 0);

    value->len = dst - value->data;

    if (value->len == 0) {
        return "empty value";
    }

    if (value->len > found->max) {
        return "value too long";
    }

    /* identities are printable; control characters would forge log lines */

    for (i = 0; i < value->len; i++) {
        if (value->data[i] < 0x20 || value->data[i] == 0x7f) {
            return "control character in value";
        }
    }

    *param = found;

    return NULL;
}


static ngx_shm_zone_t *
ngx_ims_ut_api_usage(ngx_http_request_t *r, ngx_ims_ut_store_usage_t *u)
{
    ngx_http_ims_ut_main_conf_t  *imcf;

    ngx_memzero(u, sizeof(ngx_ims_ut_store_usage_t));

    imcf = ngx_http_get_module_main_conf(r, ngx_http_ims_ut_module);

    if (imcf->zone == NULL || imcf->zone->data == NULL) {
        return NULL;
    }

    ngx_ims_ut_store_usage(imcf->zone->data, u);

    return imcf->zone;
}


/*
 * An upper bound of what ngx_sprintf() makes of fmt: each conversion
 * prints at most a 64-bit number, except "%V", which prints vlen bytes.
 */

static size_t
ngx_ims_ut_api_fmt_size(const char *fmt, size_t vlen)
{
    size_t  size;

    size = ngx_strlen(fmt);

    for ( /* void */ ; *fmt; fmt++) {
        if (*fmt == '%') {
            size += (fmt[1] == 'V') ? vlen : NGX_INT64_LEN;
        }
    }

    return size;
}


static ngx_int_t
ngx_ims_ut_api_error(ngx_http_request_t *r, ngx_uint_t status, char *text,
    ngx_str_t *allow)
{
    size_t      len;
    ngx_buf_t  *b;

    len = ngx_strlen(text);

    b = ngx_create_temp_buf(r->pool,
                            sizeof("{\"error\": \"\"}\n") - 1 + len
                            + ngx_escape_json(NULL, (u_char *) text, len));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->last, "{\"error\": \"",
                         sizeof("{\"error\": \"") - 1);
    b->last = (u_char *) ngx_escape_json(b->last, (u_char *) text, len);
    b->last = ngx_cpymem(b->last, "\"}\n", sizeof("\"}\n") - 1);

    return ngx_ims_ut_api_send(r, status, &ngx_ims_ut_api_json, b, allow);
}


static ngx_int_t
ngx_ims_ut_api_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b, ngx_str_t *allow)
{
    ngx_int_t    rc;
    ngx_chain_t  out;

    r->headers_out.status = status;
    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.content_length_n = b->last - b->pos;

    /* counters and re-authentication results must never be cached */

    if (ngx_ims_ut_api_header(r, "Cache-Control", &ngx_ims_ut_api_no_store)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (allow && ngx_ims_ut_api_header(r, "Allow", allow) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static ngx_int_t
ngx_ims_ut_api_header(ngx_http_request_t *r, char *key, ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    /* zeroed: nginx 1.23 added "next" to ngx_table_elt_t */
    ngx_memzero(h, sizeof(ngx_table_elt_t));

    h->hash = 1;
    h->key.len = ngx_strlen(key);
    h->key.data = (u_char *) key;
    h->value = *value;

    return NGX_OK;
}
