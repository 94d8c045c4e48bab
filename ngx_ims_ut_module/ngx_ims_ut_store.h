
/*
 * The ims_ut_zone shared-memory store: cached GBA keys (Ks_NAF per B-TID
 * and NAF_Id), digest nonce-count records (replay protection) and
 * operator re-authentication marks (TS 33.141 6.1.1, 6.1.3).
 *
 * Every call locks the zone's slab mutex for a short, bounded time (the
 * operator's re-authentication walks the key cache) and copies data out
 * before unlocking: no pointer into shared memory is ever returned.
 */


#ifndef _NGX_IMS_UT_STORE_H_INCLUDED_
#define _NGX_IMS_UT_STORE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_zn.h"


/* kinds of re-authentication marks */
#define NGX_IMS_UT_MARK_BTID       1
#define NGX_IMS_UT_MARK_IMPI       2
#define NGX_IMS_UT_MARK_IMPU       3

/* kinds of entries, the index of ngx_ims_ut_store_usage_t.evictions */
#define NGX_IMS_UT_STORE_KEYS      0
#define NGX_IMS_UT_STORE_NONCES    1
#define NGX_IMS_UT_STORE_MARKS     2
#define NGX_IMS_UT_STORE_NKINDS    3


/* private to ngx_ims_ut_store.c */
typedef struct ngx_ims_ut_store_sh_s  ngx_ims_ut_store_sh_t;

typedef struct ngx_ims_ut_store_s  ngx_ims_ut_store_t;

struct ngx_ims_ut_store_s {
    ngx_ims_ut_store_sh_t  *sh;       /* in shared memory */
    ngx_slab_pool_t        *shpool;
    ngx_shm_zone_t         *shm_zone;
};


typedef struct {
    ngx_uint_t              keys;          /* cached keys */
    ngx_uint_t              nonces;        /* nonce-count records */
    ngx_uint_t              marks;         /* re-authentication marks */
    ngx_uint_t              evictions[NGX_IMS_UT_STORE_NKINDS];
    ngx_uint_t              pages_used;    /* slab pages, ngx_pagesize each */
    ngx_uint_t              pages_total;
} ngx_ims_ut_store_usage_t;


/*
 * shm_zone->init.  shm_zone->data is the ngx_ims_ut_store_t of this
 * cycle; on reload the old cycle's store is "data" and its shared data
 * (keys, records, marks) is kept.
 */
ngx_int_t ngx_ims_ut_store_init_zone(ngx_shm_zone_t *shm_zone, void *data);

/*
 * NGX_OK: the key of (btid, naf_id) is copied into *ans (every member set,
 * identities unpacked as in the Zn answer), and counts as recently used.
 * NGX_DECLINED: absent or expired (an expired entry is removed).
 */
ngx_int_t ngx_ims_ut_store_key_get(ngx_ims_ut_store_t *st,
    const ngx_str_t *btid, const ngx_str_t *naf_id, time_t now,
    ngx_ims_ut_zn_answer_t *ans);

/*
 * Inserts or replaces the key of (btid, naf_id).  It is kept until
 * min(ans->expires, now + max_ttl); ans->expires == 0 means max_ttl only.
 * An answer that is already expired replaces nothing: the old entry is
 * removed and NGX_OK returned.  Least recently used entries are evicted
 * when the zone is full.  NGX_ERROR (logged) only for an entry that cannot
 * fit even in an empty zone or an inconsistent answer (lengths out of
 * range, empty btid).
 */
ngx_int_t ngx_ims_ut_store_key_put(ngx_ims_ut_store_t *st,
    const ngx_str_t *btid, const ngx_str_t *naf_id,
    const ngx_ims_ut_zn_answer_t *ans, time_t now, time_t max_ttl);

/*
 * Replay protection for nonce counts: a record per nonce keeps the highest
 * nc seen and a 64-entry window below it, so slightly reordered nc values
 * of parallel requests are accepted once each.  "expires" is the nonce's
 * own expiry (issue time + lifetime): pass the same value for a nonce every
 * time, and refuse expired nonces before calling.
 *
 * NGX_OK: first use of (nonce, nc), now recorded.
 * NGX_DECLINED: replay (nc seen, below the window, or 0).
 * NGX_ABORT: no record for this nonce and either nc != 1 or the record may
 *     have existed and been evicted (its expiry is not after that of a
 *     record the zone had to drop): answer with a new nonce, stale=true.
 * NGX_ERROR: a record does not fit even in an empty zone (logged).
 */
ngx_int_t ngx_ims_ut_store_nc(ngx_ims_ut_store_t *st, uint64_t nonce_key,
    uint32_t nc, time_t expires);

/*
 * Operator re-authentication of a UE: drops every cached key of the UE
 * (kind BTID: the key's btid is "value"; IMPI: its impi is; IMPU: "value"
 * is one of its identities; byte-exact comparisons) and records a mark
 * (time "now", kept for "ttl" seconds: pass at least the nonce lifetime).
 * *dropped (if not NULL) is the number of keys removed.
 *
 * The mark is recorded even when no key matched: a key the cache had
 * evicted would otherwise come back from the BSF and let nonces issued
 * before the request work on.
 *
 * NGX_OK: at least one key dropped, or a live mark of (kind, value)
 * already existed; NGX_DECLINED: neither; NGX_ERROR: bad kind, empty or
 * over-long value, or the mark does not fit even in an empty zone.
 */
ngx_int_t ngx_ims_ut_store_reauth(ngx_ims_ut_store_t *st, ngx_uint_t kind,
    const ngx_str_t *value, time_t now, time_t ttl, ngx_uint_t *dropped);

/*
 * The latest live mark applying to the UE (its btid, impi or any of its
 * identities; btid or ans may be NULL), 0 if none.  The caller refuses
 * nonces issued at or before it.  When the zone had to evict a live mark,
 * its time applies to every UE until it would have expired.
 */
time_t ngx_ims_ut_store_reauth_since(ngx_ims_ut_store_t *st,
    const ngx_str_t *btid, const ngx_ims_ut_zn_answer_t *ans);


/*
 * The second of the latest re-authentication mark of any UE: nonces are
 * refused when issued at or before a mark, so new ones are dated after it.
 */
time_t ngx_ims_ut_store_last_mark(ngx_ims_ut_store_t *st);

/* gauges for the status API, read under the zone's lock */
void ngx_ims_ut_store_usage(ngx_ims_ut_store_t *st,
    ngx_ims_ut_store_usage_t *u);


#endif /* _NGX_IMS_UT_STORE_H_INCLUDED_ */
