
/*
 * TLS cipher-suite table: every code point IANA has assigned, with what
 * TS 33.141 clauses 6.2, 6.4 and 7.2 need to know about it.
 *
 * The table itself (ngx_ims_ut_suite_table.c) is generated from
 * data/iana-tls-cipher-suites.csv by tools/gen_suite_table.py ("make table").
 */


#ifndef _NGX_IMS_UT_SUITE_TABLE_H_INCLUDED_
#define _NGX_IMS_UT_SUITE_TABLE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/* flags */
#define NGX_IMS_UT_SUITE_ANON       0x01    /* anonymous key exchange */
#define NGX_IMS_UT_SUITE_EXPORT     0x02    /* export-grade key exchange */
#define NGX_IMS_UT_SUITE_TLS13      0x04    /* no kx in the name (TLS 1.3) */
#define NGX_IMS_UT_SUITE_GREASE     0x08    /* RFC 8701, never negotiated */
#define NGX_IMS_UT_SUITE_SCSV       0x10    /* signalling value, no cipher */

/* the classifier skips these entries entirely */
#define NGX_IMS_UT_SUITE_IGNORED                                             \
    (NGX_IMS_UT_SUITE_GREASE|NGX_IMS_UT_SUITE_SCSV)

/* integrity */
#define NGX_IMS_UT_INTEGRITY_NONE   0
#define NGX_IMS_UT_INTEGRITY_MAC    1       /* HMAC, GOST IMIT/OMAC */
#define NGX_IMS_UT_INTEGRITY_AEAD   2       /* GCM, CCM, ChaCha20-Poly1305.. */


typedef struct {
    uint16_t     code;
    uint16_t     enc_bits;      /* effective key bits, 0: no encryption */
    uint8_t      flags;
    uint8_t      integrity;
    const char  *name;          /* IANA description */
} ngx_ims_ut_suite_t;


/* sorted by code, ascending; includes GREASE values and SCSVs */
extern const ngx_ims_ut_suite_t  ngx_ims_ut_suites[];
extern const ngx_uint_t          ngx_ims_ut_nsuites;


/* NULL for a code point that is unassigned or reserved */
const ngx_ims_ut_suite_t *ngx_ims_ut_suite_lookup(uint16_t code);


#endif /* _NGX_IMS_UT_SUITE_TABLE_H_INCLUDED_ */
