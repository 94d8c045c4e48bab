
/*
 * Stateless Digest nonces: every node of a fleet that shares the
 * ims_ut_secret can check a nonce any other node issued, without shared
 * state.
 *
 *   nonce = base64url-no-pad(version || time || rnd || tag)
 *   tag   = HMAC-SHA-256(secret, version || time || rnd || realm)[0..15]
 *
 * version is one octet (1), time the issue time in seconds, 8 octets
 * big-endian, rnd 8 octets from the caller's CSPRNG.  The realm names the
 * NAF FQDN, so a nonce issued for one NAF is useless at another.
 *
 * Pure functions: no pool, no log; only libcrypto.
 */


#ifndef _NGX_IMS_UT_NONCE_H_INCLUDED_
#define _NGX_IMS_UT_NONCE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_IMS_UT_NONCE_VERSION   1
#define NGX_IMS_UT_NONCE_RAW_LEN   33    /* 1 + 8 + 8 + 16 */
#define NGX_IMS_UT_NONCE_LEN       44    /* base64url of 33 octets, no pad */


/*
 * Writes exactly NGX_IMS_UT_NONCE_LEN characters of [A-Za-z0-9_-] to
 * "out" (no NUL).  NGX_ERROR for an empty secret or a libcrypto failure;
 * "out" then holds a string that never passes ngx_ims_ut_nonce_check().
 */
ngx_int_t ngx_ims_ut_nonce_create(const u_char *secret, size_t secret_len,
    const ngx_str_t *realm, time_t now, const u_char rnd[8],
    u_char out[NGX_IMS_UT_NONCE_LEN]);

/*
 * NGX_OK: authentic for this secret and realm, "*issued" set to the issue
 * time (staleness is the caller's decision).  NGX_DECLINED: forged, other
 * realm or secret, wrong length, encoding or version.
 */
ngx_int_t ngx_ims_ut_nonce_check(const u_char *secret, size_t secret_len,
    const ngx_str_t *realm, const ngx_str_t *nonce, time_t *issued);

/*
 * A 64-bit key for per-nonce state (the nc replay record): the first
 * 8 octets of the tag.  Meaningful only after ngx_ims_ut_nonce_check()
 * returned NGX_OK for this nonce; 0 for a nonce of the wrong shape.
 */
uint64_t ngx_ims_ut_nonce_key(const ngx_str_t *nonce);


#endif /* _NGX_IMS_UT_NONCE_H_INCLUDED_ */
