
/*
 * TS 33.141 clause 7.2: judge the cipher-suite list of a ClientHello.
 * Pure functions over bytes: no connection, pool or log.
 */


#ifndef _NGX_IMS_UT_SUITES_H_INCLUDED_
#define _NGX_IMS_UT_SUITES_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_suite_table.h"


typedef struct {
    ngx_uint_t        require_encryption;   /* rule 4 on/off */
    ngx_uint_t        min_key_bits;         /* rule 4 threshold, e.g. 128 */
    const uint16_t   *enabled;              /* server-enabled code points,  */
    ngx_uint_t        nenabled;             /* sorted ascending             */
} ngx_ims_ut_tls_rules_t;


typedef enum {
    NGX_IMS_UT_TLS_PASS = 0,
    NGX_IMS_UT_TLS_RULE_ANON,          /* 7.2 rule 1: only anon suites    */
    NGX_IMS_UT_TLS_RULE_NO_INTEGRITY,  /* rule 2                          */
    NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION, /* rule 3                          */
    NGX_IMS_UT_TLS_RULE_WEAK,          /* rule 4                          */
    NGX_IMS_UT_TLS_MALFORMED           /* list length not a multiple      */
} ngx_ims_ut_tls_verdict_e;


/*
 * list: the raw suite list as SSL_client_hello_get0_ciphers() returns it,
 * 2 bytes per suite, or 3 bytes per entry when v2 is set (SSLv2-format
 * ClientHello).  rules may be NULL: rule 4 is then not applied.
 */
ngx_ims_ut_tls_verdict_e ngx_ims_ut_tls_judge(const u_char *list, size_t len,
    ngx_uint_t v2, const ngx_ims_ut_tls_rules_t *rules);
const char *ngx_ims_ut_tls_verdict_text(ngx_ims_ut_tls_verdict_e v);

/*
 * 1 if the server must never enable the suite (anonymous key exchange:
 * clause 6.4; no integrity: clause 6.2), with *why naming the clause;
 * 0 otherwise (also for unassigned, GREASE and SCSV values).
 */
ngx_int_t ngx_ims_ut_tls_suite_forbidden(uint16_t code, const char **why);


#endif /* _NGX_IMS_UT_SUITES_H_INCLUDED_ */
