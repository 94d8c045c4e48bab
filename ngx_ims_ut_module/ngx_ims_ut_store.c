
/*
 * The ims_ut_zone shared-memory store.
 *
 * One slab pool holds three kinds of entries, each kind in a red-black
 * tree of its own (ordered by a CRC32 of the key, then by the key) and in a
 * queue of its own (most recently used first).  All access is under the
 * pool's mutex; nothing here blocks or waits for anything else.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_store.h"


/* lengths below are packed into u_char and u_short */
#if (NGX_IMS_UT_MAX_IMPI > 255 || NGX_IMS_UT_MAX_IDS > 255                  \
     || NGX_IMS_UT_MAX_IDS_BYTES > 65535)
#error "ngx_ims_ut_store.c: answer limits do not fit the packed node"
#endif


/* bump when the layout of the shared data changes */
#define NGX_IMS_UT_STORE_MAGIC     0x494d5303

/* expired entries reclaimed per kind and insert */
#define NGX_IMS_UT_STORE_RECLAIM   2

#define NGX_IMS_UT_STORE_WINDOW    64


typedef struct {
    ngx_rbtree_node_t          node;      /* first: the tree hands it out */
    ngx_queue_t                queue;
    time_t                     expires;   /* absolute; gone at this second */
} ngx_ims_ut_store_node_t;


/*
 * A cached key.  data holds btid, naf_id, impi and the identities, back to
 * back.  With LP64 (x86_64, arm64) offsetof(ngx_ims_ut_store_key_t, data)
 * is 160, so an entry takes
 *
 *     160 + len(btid) + len(naf_id) + len(impi) + len(ids) bytes,
 *
 * rounded up by the slab allocator to a power of two (typical GBA values
 * of some 40 + 30 + 30 + 60 bytes give 320, that is a 512-byte chunk;
 * 8 chunks per 4 KiB page).
 */

typedef struct {
    ngx_ims_ut_store_node_t    sn;
    time_t                     key_expires;   /* as the BSF said, 0 = absent */
    time_t                     created;
    ngx_uint_t                 gba_type;
    u_short                    btid_len;
    u_short                    naf_len;
    u_short                    ids_len;
    u_char                     impi_len;
    u_char                     nids;
    uint16_t                   id_len[NGX_IMS_UT_MAX_IDS];
    u_char                     ks_naf[NGX_IMS_UT_KS_NAF_LEN];
    u_char                     data[1];
} ngx_ims_ut_store_key_t;


typedef struct {
    ngx_ims_ut_store_node_t    sn;
    uint64_t                   key;
    uint64_t                   window;    /* bit i: nc == top - i was seen */
    uint32_t                   top;       /* highest nc seen */
} ngx_ims_ut_store_nonce_t;


typedef struct {
    ngx_ims_ut_store_node_t    sn;
    time_t                     time;      /* of the latest request */
    u_short                    len;
    u_char                     kind;
    u_char                     data[1];
} ngx_ims_ut_store_mark_t;


typedef struct {
    ngx_rbtree_t               rbtree;
    ngx_rbtree_node_t          sentinel;
    ngx_queue_t                queue;
    ngx_uint_t                 count;
    ngx_uint_t                 evictions;
} ngx_ims_ut_store_list_t;


struct ngx_ims_ut_store_sh_s {
    ngx_uint_t                 magic;     /* first: checked on reload */

    ngx_ims_ut_store_list_t    list[NGX_IMS_UT_STORE_NKINDS];

    /*
     * Forgetting a nonce record could let its nc=1 be replayed: the
     * latest expiry of any removed record marks which nonces the zone
     * can no longer vouch for.
     */
    time_t                     nonce_floor;

    /* an evicted live mark applies to everyone until it expires */
    time_t                     mark_floor;
    time_t                     mark_floor_expires;

    /* the second of the latest mark: new nonces are dated after it */
    time_t                     last_mark;
};


static void ngx_ims_ut_store_key_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_ims_ut_store_nonce_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_ims_ut_store_mark_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static ngx_int_t ngx_ims_ut_store_bytes_cmp(const u_char *p1, size_t n1,
    const u_char *p2, size_t n2);
static ngx_int_t ngx_ims_ut_store_key_cmp(const u_char *btid,
    size_t btid_len, const u_char *naf, size_t naf_len,
    ngx_ims_ut_store_key_t *kn);
static uint32_t ngx_ims_ut_store_key_hash(const ngx_str_t *btid,
    const ngx_str_t *naf_id);
static ngx_ims_ut_store_key_t *ngx_ims_ut_store_key_lookup(
    ngx_ims_ut_store_t *st, uint32_t hash, const ngx_str_t *btid,
    const ngx_str_t *naf_id);
static ngx_rbtree_key_t ngx_ims_ut_store_nonce_hash(uint64_t key);
static ngx_ims_ut_store_nonce_t *ngx_ims_ut_store_nonce_lookup(
    ngx_ims_ut_store_t *st, uint64_t key);
static uint32_t ngx_ims_ut_store_mark_hash(ngx_uint_t kind, const u_char *p,
    size_t len);
static ngx_ims_ut_store_mark_t *ngx_ims_ut_store_mark_lookup(
    ngx_ims_ut_store_t *st, uint32_t hash, ngx_uint_t kind, const u_char *p,
    size_t len);
static time_t ngx_ims_ut_store_mark_time(ngx_ims_ut_store_t *st,
    ngx_uint_t kind, const u_char *p, size_t len, time_t now);
static void ngx_ims_ut_store_remove(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    ngx_ims_ut_store_node_t *sn);
static void ngx_ims_ut_store_evict(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    time_t now);
static void ngx_ims_ut_store_expire(ngx_ims_ut_store_t *st, time_t now);
static void *ngx_ims_ut_store_alloc(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    size_t size, time_t now);
static ngx_int_t ngx_ims_ut_store_key_matches(ngx_ims_ut_store_key_t *kn,
    ngx_uint_t kind, const ngx_str_t *value);
static time_t ngx_ims_ut_store_add_ttl(time_t now, time_t ttl);


/*
 * Which kinds to evict, in order, for an insert of each kind: its own kind
 * first; then keys (the BSF gives them again), then nonce records (a
 * stale=true round trip), marks last (their loss widens mark_floor).
 */
static const ngx_uint_t  ngx_ims_ut_store_evict_order
    [NGX_IMS_UT_STORE_NKINDS][NGX_IMS_UT_STORE_NKINDS] =
{
    { NGX_IMS_UT_STORE_KEYS, NGX_IMS_UT_STORE_NONCES, NGX_IMS_UT_STORE_MARKS },
    { NGX_IMS_UT_STORE_NONCES, NGX_IMS_UT_STORE_KEYS, NGX_IMS_UT_STORE_MARKS },
    { NGX_IMS_UT_STORE_MARKS, NGX_IMS_UT_STORE_KEYS, NGX_IMS_UT_STORE_NONCES }
};


ngx_int_t
ngx_ims_ut_store_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_ims_ut_store_t  *ost = data;

    size_t                  len;
    ngx_uint_t              i;
    ngx_slab_pool_t        *shpool;
    ngx_ims_ut_store_t     *st;
    ngx_ims_ut_store_sh_t  *sh;

    st = shm_zone->data;

    if (ost) {
        if (ost->sh == NULL || ost->sh->magic != NGX_IMS_UT_STORE_MAGIC) {
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "ims_ut_zone \"%V\" was created by an incompatible "
                          "version of the module, restart nginx or rename "
                          "the zone", &shm_zone->shm.name);
            return NGX_ERROR;
        }

        st->sh = ost->sh;
        st->shpool = ost->shpool;

        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        st->shpool = shpool;
        st->sh = shpool->data;

        return NGX_OK;
    }

    sh = ngx_slab_calloc(shpool, sizeof(ngx_ims_ut_store_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < NGX_IMS_UT_STORE_NKINDS; i++) {
        ngx_queue_init(&sh->list[i].queue);
    }

    ngx_rbtree_init(&sh->list[NGX_IMS_UT_STORE_KEYS].rbtree,
                    &sh->list[NGX_IMS_UT_STORE_KEYS].sentinel,
                    ngx_ims_ut_store_key_insert_value);

    ngx_rbtree_init(&sh->list[NGX_IMS_UT_STORE_NONCES].rbtree,
                    &sh->list[NGX_IMS_UT_STORE_NONCES].sentinel,
                    ngx_ims_ut_store_nonce_insert_value);

    ngx_rbtree_init(&sh->list[NGX_IMS_UT_STORE_MARKS].rbtree,
                    &sh->list[NGX_IMS_UT_STORE_MARKS].sentinel,
                    ngx_ims_ut_store_mark_insert_value);

    len = sizeof(" in ims_ut_zone \"\"") + shm_zone->shm.name.len;

    shpool->log_ctx = ngx_slab_alloc(shpool, len);
    if (shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(shpool->log_ctx, " in ims_ut_zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* a full zone is normal: entries are evicted, no "no memory" alerts */
    shpool->log_nomem = 0;

    sh->magic = NGX_IMS_UT_STORE_MAGIC;

    shpool->data = sh;

    st->shpool = shpool;
    st->sh = sh;

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_store_key_get(ngx_ims_ut_store_t *st, const ngx_str_t *btid,
    const ngx_str_t *naf_id, time_t now, ngx_ims_ut_zn_answer_t *ans)
{
    u_char                  *p;
    uint32_t                 hash;
    ngx_uint_t               i;
    ngx_queue_t             *queue;
    ngx_ims_ut_store_key_t  *kn;

    if (btid->len == 0 || btid->len > 65535 || naf_id->len > 65535) {
        return NGX_DECLINED;
    }

    hash = ngx_ims_ut_store_key_hash(btid, naf_id);

    ngx_shmtx_lock(&st->shpool->mutex);

    kn = ngx_ims_ut_store_key_lookup(st, hash, btid, naf_id);

    if (kn == NULL) {
        ngx_shmtx_unlock(&st->shpool->mutex);
        return NGX_DECLINED;
    }

    if (kn->sn.expires <= now) {
        ngx_ims_ut_store_remove(st, NGX_IMS_UT_STORE_KEYS, &kn->sn);
        ngx_shmtx_unlock(&st->shpool->mutex);
        return NGX_DECLINED;
    }

    queue = &st->sh->list[NGX_IMS_UT_STORE_KEYS].queue;

    ngx_queue_remove(&kn->sn.queue);
    ngx_queue_insert_head(queue, &kn->sn.queue);

    ngx_memcpy(ans->ks_naf, kn->ks_naf, NGX_IMS_UT_KS_NAF_LEN);
    ans->expires = kn->key_expires;
    ans->created = kn->created;
    ans->gba_type = kn->gba_type;

    p = kn->data + kn->btid_len + kn->naf_len;

    ans->impi_len = kn->impi_len;
    ngx_memcpy(ans->impi, p, kn->impi_len);
    p += kn->impi_len;

    ans->nids = kn->nids;

    for (i = 0; i < NGX_IMS_UT_MAX_IDS; i++) {
        ans->id_len[i] = (i < kn->nids) ? kn->id_len[i] : 0;
    }

    ans->ids_len = kn->ids_len;
    ngx_memcpy(ans->ids, p, kn->ids_len);

    ngx_shmtx_unlock(&st->shpool->mutex);

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_store_key_put(ngx_ims_ut_store_t *st, const ngx_str_t *btid,
    const ngx_str_t *naf_id, const ngx_ims_ut_zn_answer_t *ans, time_t now,
    time_t max_ttl)
{
    u_char                   *p;
    size_t                    size, sum;
    time_t                    expires;
    uint32_t                  hash;
    ngx_uint_t                i;
    ngx_ims_ut_store_key_t   *kn;
    ngx_ims_ut_store_list_t  *list;

    if (btid->len == 0 || btid->len > 65535 || naf_id->len > 65535
        || ans->impi_len > NGX_IMS_UT_MAX_IMPI
        || ans->nids > NGX_IMS_UT_MAX_IDS
        || ans->ids_len > NGX_IMS_UT_MAX_IDS_BYTES)
    {
        goto invalid;
    }

    sum = 0;

    for (i = 0; i < ans->nids; i++) {
        sum += ans->id_len[i];
    }

    if (sum > ans->ids_len) {
        goto invalid;
    }

    expires = ngx_ims_ut_store_add_ttl(now, max_ttl);

    if (ans->expires != 0 && ans->expires < expires) {
        expires = ans->expires;
    }

    size = offsetof(ngx_ims_ut_store_key_t, data)
           + btid->len + naf_id->len + ans->impi_len + ans->ids_len;

    hash = ngx_ims_ut_store_key_hash(btid, naf_id);

    list = &st->sh->list[NGX_IMS_UT_STORE_KEYS];

    ngx_shmtx_lock(&st->shpool->mutex);

    /* replace: the old entry goes first, its memory may serve the new one */

    kn = ngx_ims_ut_store_key_lookup(st, hash, btid, naf_id);

    if (kn) {
        ngx_ims_ut_store_remove(st, NGX_IMS_UT_STORE_KEYS, &kn->sn);
    }

    if (expires <= now) {
        ngx_shmtx_unlock(&st->shpool->mutex);
        return NGX_OK;
    }

    kn = ngx_ims_ut_store_alloc(st, NGX_IMS_UT_STORE_KEYS, size, now);

    if (kn == NULL) {
        ngx_shmtx_unlock(&st->shpool->mutex);
        goto nomem;
    }

    kn->sn.node.key = hash;
    kn->sn.expires = expires;
    kn->key_expires = ans->expires;
    kn->created = ans->created;
    kn->gba_type = ans->gba_type;
    kn->btid_len = (u_short) btid->len;
    kn->naf_len = (u_short) naf_id->len;
    kn->ids_len = (u_short) ans->ids_len;
    kn->impi_len = (u_char) ans->impi_len;
    kn->nids = (u_char) ans->nids;

    for (i = 0; i < NGX_IMS_UT_MAX_IDS; i++) {
        kn->id_len[i] = (i < ans->nids) ? ans->id_len[i] : 0;
    }

    ngx_memcpy(kn->ks_naf, ans->ks_naf, NGX_IMS_UT_KS_NAF_LEN);

    p = ngx_cpymem(kn->data, btid->data, btid->len);

    if (naf_id->len) {
        p = ngx_cpymem(p, naf_id->data, naf_id->len);
    }

    p = ngx_cpymem(p, ans->impi, ans->impi_len);
    ngx_memcpy(p, ans->ids, ans->ids_len);

    ngx_rbtree_insert(&list->rbtree, &kn->sn.node);
    ngx_queue_insert_head(&list->queue, &kn->sn.queue);
    list->count++;

    ngx_shmtx_unlock(&st->shpool->mutex);

    return NGX_OK;

invalid:

    ngx_log_error(NGX_LOG_ALERT, ngx_cycle->log, 0,
                  "ims_ut: not caching an inconsistent key entry%s",
                  st->shpool->log_ctx);

    return NGX_ERROR;

nomem:

    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                  "ims_ut: a key entry of %uz bytes does not fit%s",
                  size, st->shpool->log_ctx);

    return NGX_ERROR;
}


ngx_int_t
ngx_ims_ut_store_nc(ngx_ims_ut_store_t *st, uint64_t nonce_key, uint32_t nc,
    time_t expires)
{
    time_t                     now;
    uint32_t                   diff;
    uint64_t                   bit;
    ngx_ims_ut_store_list_t   *list;
    ngx_ims_ut_store_nonce_t  *nn;

    if (nc == 0) {
        /* nonce counts start at 1 (RFC 7616) */
        return NGX_DECLINED;
    }

    now = ngx_time();

    list = &st->sh->list[NGX_IMS_UT_STORE_NONCES];

    ngx_shmtx_lock(&st->shpool->mutex);

    nn = ngx_ims_ut_store_nonce_lookup(st, nonce_key);

    if (nn) {

        if (nc > nn->top) {
            diff = nc - nn->top;
            nn->window = (diff < NGX_IMS_UT_STORE_WINDOW)
                         ? (nn->window << diff) | 1 : 1;
            nn->top = nc;

        } else {
            diff = nn->top - nc;

            if (diff >= NGX_IMS_UT_STORE_WINDOW) {
                ngx_shmtx_unlock(&st->shpool->mutex);
                return NGX_DECLINED;
            }

            bit = (uint64_t) 1 << diff;

            if (nn->window & bit) {
                ngx_shmtx_unlock(&st->shpool->mutex);
                return NGX_DECLINED;
            }

            nn->window |= bit;
        }

        if (expires > nn->sn.expires) {
            nn->sn.expires = expires;
        }

        ngx_queue_remove(&nn->sn.queue);
        ngx_queue_insert_head(&list->queue, &nn->sn.queue);

        ngx_shmtx_unlock(&st->shpool->mutex);

        return NGX_OK;
    }

    if (nc != 1 || expires <= st->sh->nonce_floor) {
        ngx_shmtx_unlock(&st->shpool->mutex);
        return NGX_ABORT;
    }

    nn = ngx_ims_ut_store_alloc(st, NGX_IMS_UT_STORE_NONCES,
                                sizeof(ngx_ims_ut_store_nonce_t), now);

    if (nn == NULL) {
        ngx_shmtx_unlock(&st->shpool->mutex);

        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "ims_ut: a nonce record does not fit%s",
                      st->shpool->log_ctx);

        return NGX_ERROR;
    }

    nn->sn.node.key = ngx_ims_ut_store_nonce_hash(nonce_key);
    nn->sn.expires = expires;
    nn->key = nonce_key;
    nn->window = 1;
    nn->top = 1;

    ngx_rbtree_insert(&list->rbtree, &nn->sn.node);
    ngx_queue_insert_head(&list->queue, &nn->sn.queue);
    list->count++;

    ngx_shmtx_unlock(&st->shpool->mutex);

    return NGX_OK;
}


ngx_int_t
ngx_ims_ut_store_reauth(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    const ngx_str_t *value, time_t now, time_t ttl, ngx_uint_t *dropped)
{
    size_t                    size;
    time_t                    expires;
    uint32_t                  hash;
    ngx_int_t                 rc;
    ngx_uint_t                n, existed;
    ngx_queue_t              *q, *next, *queue;
    ngx_ims_ut_store_key_t   *kn;
    ngx_ims_ut_store_mark_t  *mk;
    ngx_ims_ut_store_list_t  *list;

    if (dropped) {
        *dropped = 0;
    }

    if ((kind != NGX_IMS_UT_MARK_BTID && kind != NGX_IMS_UT_MARK_IMPI
         && kind != NGX_IMS_UT_MARK_IMPU)
        || value->len == 0 || value->len > 65535)
    {
        return NGX_ERROR;
    }

    expires = ngx_ims_ut_store_add_ttl(now, ttl > 0 ? ttl : 1);

    hash = ngx_ims_ut_store_mark_hash(kind, value->data, value->len);

    size = offsetof(ngx_ims_ut_store_mark_t, data) + value->len;

    n = 0;

    ngx_shmtx_lock(&st->shpool->mutex);

    /* the key tree is ordered by (btid, naf_id): walk the whole cache */

    queue = &st->sh->list[NGX_IMS_UT_STORE_KEYS].queue;

    for (q = ngx_queue_head(queue);
         q != ngx_queue_sentinel(queue);
         q = next)
    {
        next = ngx_queue_next(q);

        kn = ngx_queue_data(q, ngx_ims_ut_store_key_t, sn.queue);

        if (kn->sn.expires <= now) {
            ngx_ims_ut_store_remove(st, NGX_IMS_UT_STORE_KEYS, &kn->sn);
            continue;
        }

        if (ngx_ims_ut_store_key_matches(kn, kind, value)) {
            ngx_ims_ut_store_remove(st, NGX_IMS_UT_STORE_KEYS, &kn->sn);
            n++;
        }
    }

    list = &st->sh->list[NGX_IMS_UT_STORE_MARKS];

    mk = ngx_ims_ut_store_mark_lookup(st, hash, kind, value->data,
                                      value->len);

    if (now > st->sh->last_mark) {
        st->sh->last_mark = now;
    }

    if (mk) {
        existed = (mk->sn.expires > now);

        mk->time = now;

        if (expires > mk->sn.expires) {
            mk->sn.expires = expires;
        }

        ngx_queue_remove(&mk->sn.queue);
        ngx_queue_insert_head(&list->queue, &mk->sn.queue);

        rc = NGX_OK;

    } else {
        existed = 0;

        mk = ngx_ims_ut_store_alloc(st, NGX_IMS_UT_STORE_MARKS, size, now);

        if (mk) {
            mk->sn.node.key = hash;
            mk->sn.expires = expires;
            mk->time = now;
            mk->len = (u_short) value->len;
            mk->kind = (u_char) kind;
            ngx_memcpy(mk->data, value->data, value->len);

            ngx_rbtree_insert(&list->rbtree, &mk->sn.node);
            ngx_queue_insert_head(&list->queue, &mk->sn.queue);
            list->count++;

            rc = NGX_OK;

        } else {
            rc = NGX_ERROR;
        }
    }

    ngx_shmtx_unlock(&st->shpool->mutex);

    if (dropped) {
        *dropped = n;
    }

    if (rc == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                      "ims_ut: a re-authentication mark of %uz bytes "
                      "does not fit%s", size, st->shpool->log_ctx);
        return NGX_ERROR;
    }

    return (n || existed) ? NGX_OK : NGX_DECLINED;
}


time_t
ngx_ims_ut_store_reauth_since(ngx_ims_ut_store_t *st, const ngx_str_t *btid,
    const ngx_ims_ut_zn_answer_t *ans)
{
    size_t                  off, nids, ids_len;
    time_t                  now, since, t;
    ngx_uint_t              i;
    ngx_ims_ut_store_sh_t  *sh;

    now = ngx_time();
    since = 0;

    sh = st->sh;

    ngx_shmtx_lock(&st->shpool->mutex);

    if (sh->mark_floor_expires > now) {
        since = sh->mark_floor;
    }

    if (sh->list[NGX_IMS_UT_STORE_MARKS].count == 0) {
        goto done;
    }

    if (btid && btid->len) {
        t = ngx_ims_ut_store_mark_time(st, NGX_IMS_UT_MARK_BTID, btid->data,
                                       btid->len, now);
        since = ngx_max(since, t);
    }

    if (ans == NULL) {
        goto done;
    }

    if (ans->impi_len && ans->impi_len <= NGX_IMS_UT_MAX_IMPI) {
        t = ngx_ims_ut_store_mark_time(st, NGX_IMS_UT_MARK_IMPI, ans->impi,
                                       ans->impi_len, now);
        since = ngx_max(since, t);
    }

    nids = ngx_min(ans->nids, NGX_IMS_UT_MAX_IDS);
    ids_len = ngx_min(ans->ids_len, NGX_IMS_UT_MAX_IDS_BYTES);

    for (i = 0, off = 0; i < nids; i++) {

        if (ans->id_len[i] > ids_len - off) {
            break;
        }

        if (ans->id_len[i]) {
            t = ngx_ims_ut_store_mark_time(st, NGX_IMS_UT_MARK_IMPU,
                                           ans->ids + off, ans->id_len[i],
                                           now);
            since = ngx_max(since, t);
        }

        off += ans->id_len[i];
    }

done:

    ngx_shmtx_unlock(&st->shpool->mutex);

    return since;
}


time_t
ngx_ims_ut_store_last_mark(ngx_ims_ut_store_t *st)
{
    /* an aligned word written under the lock: a racy read is harmless */
    return st->sh->last_mark;
}


void
ngx_ims_ut_store_usage(ngx_ims_ut_store_t *st, ngx_ims_ut_store_usage_t *u)
{
    ngx_uint_t              i;
    ngx_ims_ut_store_sh_t  *sh;

    ngx_memzero(u, sizeof(ngx_ims_ut_store_usage_t));

    if (st == NULL || st->sh == NULL) {
        return;
    }

    sh = st->sh;

    ngx_shmtx_lock(&st->shpool->mutex);

    u->keys = sh->list[NGX_IMS_UT_STORE_KEYS].count;
    u->nonces = sh->list[NGX_IMS_UT_STORE_NONCES].count;
    u->marks = sh->list[NGX_IMS_UT_STORE_MARKS].count;

    for (i = 0; i < NGX_IMS_UT_STORE_NKINDS; i++) {
        u->evictions[i] = sh->list[i].evictions;
    }

    u->pages_total = st->shpool->last - st->shpool->pages;
    u->pages_used = u->pages_total - st->shpool->pfree;

    ngx_shmtx_unlock(&st->shpool->mutex);
}


static void
ngx_ims_ut_store_key_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t       **p;
    ngx_ims_ut_store_key_t   *kn;

    kn = (ngx_ims_ut_store_key_t *) node;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            p = (ngx_ims_ut_store_key_cmp(kn->data, kn->btid_len,
                                          kn->data + kn->btid_len,
                                          kn->naf_len,
                                          (ngx_ims_ut_store_key_t *) temp)
                 < 0)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static void
ngx_ims_ut_store_nonce_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t         **p;
    ngx_ims_ut_store_nonce_t   *nn;

    nn = (ngx_ims_ut_store_nonce_t *) node;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            p = (nn->key < ((ngx_ims_ut_store_nonce_t *) temp)->key)
                ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


static void
ngx_ims_ut_store_mark_insert_value(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_int_t                  rc;
    ngx_rbtree_node_t        **p;
    ngx_ims_ut_store_mark_t   *mk, *mkt;

    mk = (ngx_ims_ut_store_mark_t *) node;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            mkt = (ngx_ims_ut_store_mark_t *) temp;

            rc = (ngx_int_t) mk->kind - (ngx_int_t) mkt->kind;

            if (rc == 0) {
                rc = ngx_ims_ut_store_bytes_cmp(mk->data, mk->len,
                                                mkt->data, mkt->len);
            }

            p = (rc < 0) ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


/*
 * A total order on byte strings, shorter first: it needs no memcmp() of
 * a zero-length (possibly NULL) string.
 */

static ngx_int_t
ngx_ims_ut_store_bytes_cmp(const u_char *p1, size_t n1, const u_char *p2,
    size_t n2)
{
    if (n1 != n2) {
        return (n1 < n2) ? -1 : 1;
    }

    if (n1 == 0) {
        return 0;
    }

    return ngx_memcmp(p1, p2, n1);
}


static ngx_int_t
ngx_ims_ut_store_key_cmp(const u_char *btid, size_t btid_len,
    const u_char *naf, size_t naf_len, ngx_ims_ut_store_key_t *kn)
{
    ngx_int_t  rc;

    rc = ngx_ims_ut_store_bytes_cmp(btid, btid_len, kn->data, kn->btid_len);

    if (rc != 0) {
        return rc;
    }

    return ngx_ims_ut_store_bytes_cmp(naf, naf_len, kn->data + kn->btid_len,
                                      kn->naf_len);
}


/*
 * The tree key of a cached key: CRC32 over btid then naf_id; the
 * incremental form of nginx's CRC32 since the key comes in two pieces.
 */

static uint32_t
ngx_ims_ut_store_key_hash(const ngx_str_t *btid, const ngx_str_t *naf_id)
{
    uint32_t  crc;

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, btid->data, btid->len);
    ngx_crc32_update(&crc, naf_id->data, naf_id->len);
    ngx_crc32_final(crc);

    return crc;
}


static ngx_ims_ut_store_key_t *
ngx_ims_ut_store_key_lookup(ngx_ims_ut_store_t *st, uint32_t hash,
    const ngx_str_t *btid, const ngx_str_t *naf_id)
{
    ngx_int_t                rc;
    ngx_rbtree_node_t       *node, *sentinel;
    ngx_ims_ut_store_key_t  *kn;

    node = st->sh->list[NGX_IMS_UT_STORE_KEYS].rbtree.root;
    sentinel = st->sh->list[NGX_IMS_UT_STORE_KEYS].rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        /* hash == node->key */

        kn = (ngx_ims_ut_store_key_t *) node;

        rc = ngx_ims_ut_store_key_cmp(btid->data, btid->len, naf_id->data,
                                      naf_id->len, kn);

        if (rc == 0) {
            return kn;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


/*
 * Nonce keys are HMAC-derived, so evenly spread already; the tree stays
 * balanced whatever they are.  Only 32-bit tree keys need folding.
 */

static ngx_rbtree_key_t
ngx_ims_ut_store_nonce_hash(uint64_t key)
{
#if (NGX_PTR_SIZE == 8)
    return (ngx_rbtree_key_t) key;
#else
    return (ngx_rbtree_key_t) (key ^ (key >> 32));
#endif
}


static ngx_ims_ut_store_nonce_t *
ngx_ims_ut_store_nonce_lookup(ngx_ims_ut_store_t *st, uint64_t key)
{
    ngx_rbtree_key_t           hash;
    ngx_rbtree_node_t         *node, *sentinel;
    ngx_ims_ut_store_nonce_t  *nn;

    hash = ngx_ims_ut_store_nonce_hash(key);

    node = st->sh->list[NGX_IMS_UT_STORE_NONCES].rbtree.root;
    sentinel = st->sh->list[NGX_IMS_UT_STORE_NONCES].rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        nn = (ngx_ims_ut_store_nonce_t *) node;

        if (key == nn->key) {
            return nn;
        }

        node = (key < nn->key) ? node->left : node->right;
    }

    return NULL;
}


static uint32_t
ngx_ims_ut_store_mark_hash(ngx_uint_t kind, const u_char *p, size_t len)
{
    u_char    k;
    uint32_t  crc;

    k = (u_char) kind;

    ngx_crc32_init(crc);
    ngx_crc32_update(&crc, &k, 1);
    ngx_crc32_update(&crc, (u_char *) p, len);
    ngx_crc32_final(crc);

    return crc;
}


static ngx_ims_ut_store_mark_t *
ngx_ims_ut_store_mark_lookup(ngx_ims_ut_store_t *st, uint32_t hash,
    ngx_uint_t kind, const u_char *p, size_t len)
{
    ngx_int_t                 rc;
    ngx_rbtree_node_t        *node, *sentinel;
    ngx_ims_ut_store_mark_t  *mk;

    node = st->sh->list[NGX_IMS_UT_STORE_MARKS].rbtree.root;
    sentinel = st->sh->list[NGX_IMS_UT_STORE_MARKS].rbtree.sentinel;

    while (node != sentinel) {

        if (hash < node->key) {
            node = node->left;
            continue;
        }

        if (hash > node->key) {
            node = node->right;
            continue;
        }

        mk = (ngx_ims_ut_store_mark_t *) node;

        rc = (ngx_int_t) kind - (ngx_int_t) mk->kind;

        if (rc == 0) {
            rc = ngx_ims_ut_store_bytes_cmp(p, len, mk->data, mk->len);
        }

        if (rc == 0) {
            return mk;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    return NULL;
}


static time_t
ngx_ims_ut_store_mark_time(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    const u_char *p, size_t len, time_t now)
{
    ngx_ims_ut_store_mark_t  *mk;

    if (len > 65535) {
        return 0;
    }

    mk = ngx_ims_ut_store_mark_lookup(st,
                                      ngx_ims_ut_store_mark_hash(kind, p, len),
                                      kind, p, len);

    if (mk == NULL || mk->sn.expires <= now) {
        return 0;
    }

    return mk->time;
}


/* unlinks and frees an entry; the caller holds the lock */

static void
ngx_ims_ut_store_remove(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    ngx_ims_ut_store_node_t *sn)
{
    ngx_ims_ut_store_sh_t    *sh;
    ngx_ims_ut_store_key_t   *kn;
    ngx_ims_ut_store_list_t  *list;

    sh = st->sh;
    list = &sh->list[kind];

    ngx_queue_remove(&sn->queue);
    ngx_rbtree_delete(&list->rbtree, &sn->node);
    list->count--;

    if (kind == NGX_IMS_UT_STORE_NONCES) {
        if (sn->expires > sh->nonce_floor) {
            sh->nonce_floor = sn->expires;
        }

    } else if (kind == NGX_IMS_UT_STORE_KEYS) {
        /* freed chunks are not cleared by the slab allocator */
        kn = (ngx_ims_ut_store_key_t *) sn;
        ngx_explicit_memzero(kn->ks_naf, NGX_IMS_UT_KS_NAF_LEN);
    }

    ngx_slab_free_locked(st->shpool, sn);
}


/* removes the least recently used entry of a kind, which must not be empty */

static void
ngx_ims_ut_store_evict(ngx_ims_ut_store_t *st, ngx_uint_t kind, time_t now)
{
    ngx_queue_t              *q;
    ngx_ims_ut_store_sh_t    *sh;
    ngx_ims_ut_store_node_t  *sn;
    ngx_ims_ut_store_mark_t  *mk;

    sh = st->sh;

    q = ngx_queue_last(&sh->list[kind].queue);
    sn = ngx_queue_data(q, ngx_ims_ut_store_node_t, queue);

    if (sn->expires > now) {
        sh->list[kind].evictions++;

        if (kind == NGX_IMS_UT_STORE_MARKS) {
            mk = (ngx_ims_ut_store_mark_t *) sn;

            sh->mark_floor = ngx_max(sh->mark_floor, mk->time);
            sh->mark_floor_expires = ngx_max(sh->mark_floor_expires,
                                             sn->expires);
        }
    }

    ngx_ims_ut_store_remove(st, kind, sn);
}


/* reclaims a few expired entries from the cold end of every queue */

static void
ngx_ims_ut_store_expire(ngx_ims_ut_store_t *st, time_t now)
{
    ngx_uint_t                kind, n;
    ngx_queue_t              *queue;
    ngx_ims_ut_store_node_t  *sn;

    for (kind = 0; kind < NGX_IMS_UT_STORE_NKINDS; kind++) {

        queue = &st->sh->list[kind].queue;

        for (n = 0; n < NGX_IMS_UT_STORE_RECLAIM; n++) {

            if (ngx_queue_empty(queue)) {
                break;
            }

            sn = ngx_queue_data(ngx_queue_last(queue),
                                ngx_ims_ut_store_node_t, queue);

            if (sn->expires > now) {
                break;
            }

            ngx_ims_ut_store_remove(st, kind, sn);
        }
    }
}


/*
 * Allocates an entry of a kind, evicting least recently used entries
 * (see ngx_ims_ut_store_evict_order) until it fits.  NULL only if it does
 * not fit with every entry gone.  The caller holds the lock; any entry
 * pointer the caller had may be freed by this.
 */

static void *
ngx_ims_ut_store_alloc(ngx_ims_ut_store_t *st, ngx_uint_t kind, size_t size,
    time_t now)
{
    void                     *p;
    ngx_uint_t                i;
    const ngx_uint_t         *order;
    ngx_slab_pool_t          *shpool;
    ngx_ims_ut_store_list_t  *list;

    shpool = st->shpool;
    list = st->sh->list;
    order = ngx_ims_ut_store_evict_order[kind];

    /* hopeless: do not empty the zone trying */

    if (size > (size_t) (shpool->last - shpool->pages) * ngx_pagesize) {
        return NULL;
    }

    ngx_ims_ut_store_expire(st, now);

    i = 0;

    for ( ;; ) {

        p = ngx_slab_alloc_locked(shpool, size);

        if (p != NULL) {
            return p;
        }

        while (i < NGX_IMS_UT_STORE_NKINDS
               && ngx_queue_empty(&list[order[i]].queue))
        {
            i++;
        }

        if (i == NGX_IMS_UT_STORE_NKINDS) {
            return NULL;
        }

        ngx_ims_ut_store_evict(st, order[i], now);
    }
}


static ngx_int_t
ngx_ims_ut_store_key_matches(ngx_ims_ut_store_key_t *kn, ngx_uint_t kind,
    const ngx_str_t *value)
{
    u_char      *p;
    ngx_uint_t   i;

    switch (kind) {

    case NGX_IMS_UT_MARK_BTID:
        return ngx_ims_ut_store_bytes_cmp(value->data, value->len, kn->data,
                                          kn->btid_len)
               == 0;

    case NGX_IMS_UT_MARK_IMPI:
        return ngx_ims_ut_store_bytes_cmp(value->data, value->len,
                                          kn->data + kn->btid_len
                                          + kn->naf_len,
                                          kn->impi_len)
               == 0;

    default: /* NGX_IMS_UT_MARK_IMPU */
        p = kn->data + kn->btid_len + kn->naf_len + kn->impi_len;

        for (i = 0; i < kn->nids; i++) {

            if (ngx_ims_ut_store_bytes_cmp(value->data, value->len, p,
                                           kn->id_len[i])
                == 0)
            {
                return 1;
            }

            p += kn->id_len[i];
        }

        return 0;
    }
}


/* now + ttl without overflow; ttl <= 0 gives now, that is expired */

static time_t
ngx_ims_ut_store_add_ttl(time_t now, time_t ttl)
{
    if (ttl <= 0) {
        return now;
    }

    if (now > NGX_MAX_TIME_T_VALUE - ttl) {
        return NGX_MAX_TIME_T_VALUE;
    }

    return now + ttl;
}
