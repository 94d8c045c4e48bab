
/*
 * Unit tests of the cipher-suite table and the TS 33.141 clause 7.2
 * classifier.
 *
 * Usage: test_suites [IANA_CSV]
 * The CSV path comes from argv[1], else $IMS_UT_SUITES_CSV, else
 * data/iana-tls-cipher-suites.csv (the Makefile runs tests from the repo
 * root).  The whole-table cross-check re-derives each property from the
 * IANA name with plain substring rules, independent of the generator.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_ims_ut_suites.h"

#include "tap.h"


#define DEFAULT_CSV  "data/iana-tls-cipher-suites.csv"

#define nelem(a)  (sizeof(a) / sizeof((a)[0]))


/* spot checks */

static void
test_spot(void)
{
    size_t                     i;
    const ngx_ims_ut_suite_t  *s;

    /* clause 6.4: the five DH_anon suites of RFC 2246 */
    static const uint16_t  clause64[] = {
        0x0017, 0x0018, 0x0019, 0x001A, 0x001B
    };

    static const struct {
        uint16_t     code;
        uint16_t     bits;
        uint8_t      integrity;
        const char  *name;
    } tls13[] = {
        { 0x1301, 128, NGX_IMS_UT_INTEGRITY_AEAD, "TLS_AES_128_GCM_SHA256" },
        { 0x1302, 256, NGX_IMS_UT_INTEGRITY_AEAD, "TLS_AES_256_GCM_SHA384" },
        { 0x1303, 256, NGX_IMS_UT_INTEGRITY_AEAD,
          "TLS_CHACHA20_POLY1305_SHA256" },
        { 0x1304, 128, NGX_IMS_UT_INTEGRITY_AEAD, "TLS_AES_128_CCM_SHA256" },
        { 0x1305, 128, NGX_IMS_UT_INTEGRITY_AEAD,
          "TLS_AES_128_CCM_8_SHA256" },
    };

    for (i = 0; i < nelem(clause64); i++) {
        s = ngx_ims_ut_suite_lookup(clause64[i]);
        ok(s != NULL && (s->flags & NGX_IMS_UT_SUITE_ANON)
           && strstr(s->name, "TLS_DH_anon_") == s->name,
           "clause 6.4 suite 0x%04X is DH_anon", clause64[i]);
    }

    s = ngx_ims_ut_suite_lookup(0x0017);
    ok(s && s->enc_bits == 40 && (s->flags & NGX_IMS_UT_SUITE_EXPORT),
       "0x0017 anon export 40 bits");

    s = ngx_ims_ut_suite_lookup(0x0000);
    ok(s && s->integrity == NGX_IMS_UT_INTEGRITY_NONE && s->enc_bits == 0
       && !(s->flags & NGX_IMS_UT_SUITE_ANON)
       && strcmp(s->name, "TLS_NULL_WITH_NULL_NULL") == 0,
       "0x0000 NULL_WITH_NULL_NULL: no integrity, not anonymous");

    s = ngx_ims_ut_suite_lookup(0x0001);
    ok(s && s->enc_bits == 0 && s->integrity == NGX_IMS_UT_INTEGRITY_MAC,
       "0x0001 RSA_WITH_NULL_MD5: NULL encryption with MAC");

    s = ngx_ims_ut_suite_lookup(0x000A);
    ok(s && s->enc_bits == 112 && s->integrity == NGX_IMS_UT_INTEGRITY_MAC,
       "0x000A 3DES 112 bits");

    s = ngx_ims_ut_suite_lookup(0x0005);
    ok(s && s->enc_bits == 128, "0x0005 RC4_128 128 bits");

    s = ngx_ims_ut_suite_lookup(0x0003);
    ok(s && s->enc_bits == 40 && (s->flags & NGX_IMS_UT_SUITE_EXPORT),
       "0x0003 export 40 bits");

    s = ngx_ims_ut_suite_lookup(0x0009);
    ok(s && s->enc_bits == 56, "0x0009 DES_CBC 56 bits");

    for (i = 0; i < nelem(tls13); i++) {
        s = ngx_ims_ut_suite_lookup(tls13[i].code);
        ok(s && s->enc_bits == tls13[i].bits
           && s->integrity == tls13[i].integrity
           && (s->flags & NGX_IMS_UT_SUITE_TLS13)
           && !(s->flags & NGX_IMS_UT_SUITE_ANON)
           && strcmp(s->name, tls13[i].name) == 0,
           "0x%04X %s: AEAD %u bits", tls13[i].code, tls13[i].name,
           tls13[i].bits);
    }

    s = ngx_ims_ut_suite_lookup(0xC0B4);
    ok(s && s->enc_bits == 0 && s->integrity == NGX_IMS_UT_INTEGRITY_MAC
       && !(s->flags & NGX_IMS_UT_SUITE_ANON),
       "0xC0B4 TLS_SHA256_SHA256: MAC, 0 bits");

    s = ngx_ims_ut_suite_lookup(0xC0B5);
    ok(s && s->enc_bits == 0 && s->integrity == NGX_IMS_UT_INTEGRITY_MAC,
       "0xC0B5 TLS_SHA384_SHA384: MAC, 0 bits");

    s = ngx_ims_ut_suite_lookup(0xC102);
    ok(s && s->enc_bits == 256 && s->integrity == NGX_IMS_UT_INTEGRITY_MAC
       && !(s->flags & NGX_IMS_UT_SUITE_ANON),
       "0xC102 GOST 28147 CNT_IMIT: MAC, 256 bits");

    s = ngx_ims_ut_suite_lookup(0xC103);
    ok(s && s->enc_bits == 256 && s->integrity == NGX_IMS_UT_INTEGRITY_AEAD,
       "0xC103 GOST KUZNYECHIK_MGM_L: AEAD, 256 bits");

    s = ngx_ims_ut_suite_lookup(0x00C6);
    ok(s && s->enc_bits == 128 && s->integrity == NGX_IMS_UT_INTEGRITY_AEAD
       && strcmp(s->name, "TLS_SM4_GCM_SM3") == 0,
       "0x00C6 SM4_GCM_SM3: AEAD, 128 bits");

    s = ngx_ims_ut_suite_lookup(0x008C);
    ok(s && !(s->flags & NGX_IMS_UT_SUITE_ANON) && s->enc_bits == 128
       && strcmp(s->name, "TLS_PSK_WITH_AES_128_CBC_SHA") == 0,
       "0x008C PSK suite not anonymous");

    s = ngx_ims_ut_suite_lookup(0xC01D);
    ok(s && !(s->flags & NGX_IMS_UT_SUITE_ANON) && s->enc_bits == 128
       && strcmp(s->name, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA") == 0,
       "0xC01D SRP suite not anonymous");

    s = ngx_ims_ut_suite_lookup(0xC018);
    ok(s && (s->flags & NGX_IMS_UT_SUITE_ANON)
       && strcmp(s->name, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA") == 0,
       "0xC018 ECDH_anon suite anonymous");

    s = ngx_ims_ut_suite_lookup(0x00FF);
    ok(s && (s->flags & NGX_IMS_UT_SUITE_SCSV), "0x00FF is an SCSV");

    s = ngx_ims_ut_suite_lookup(0x5600);
    ok(s && (s->flags & NGX_IMS_UT_SUITE_SCSV), "0x5600 is an SCSV");

    s = ngx_ims_ut_suite_lookup(0x0A0A);
    ok(s && (s->flags & NGX_IMS_UT_SUITE_GREASE), "0x0A0A is GREASE");

    /* 0x0060: reserved block 0x0060-0x0066; 0x1300 and 0xC000 unassigned */
    ok(ngx_ims_ut_suite_lookup(0x0060) == NULL, "0x0060 (reserved) unknown");
    ok(ngx_ims_ut_suite_lookup(0x1300) == NULL, "0x1300 unassigned");
    ok(ngx_ims_ut_suite_lookup(0xC000) == NULL, "0xC000 unassigned");
    ok(ngx_ims_ut_suite_lookup(0xFFFF) == NULL, "0xFFFF private use");
}


/* table shape: sorted, lookup finds each entry and nothing else, GREASE */

static void
test_shape(void)
{
    ngx_uint_t                 i, sorted, found, grease_ok, nflag;
    uint16_t                   code;
    const ngx_ims_ut_suite_t  *s;

    sorted = 1;

    for (i = 1; i < ngx_ims_ut_nsuites; i++) {
        if (ngx_ims_ut_suites[i - 1].code >= ngx_ims_ut_suites[i].code) {
            sorted = 0;
        }
    }

    ok(sorted, "table strictly ascending (%u entries)",
       (unsigned) ngx_ims_ut_nsuites);

    found = 0;
    grease_ok = 1;
    nflag = 0;

    for (i = 0; i <= 0xFFFF; i++) {
        code = (uint16_t) i;
        s = ngx_ims_ut_suite_lookup(code);

        if (s != NULL) {
            found += (s->code == code);

            if (s->flags & NGX_IMS_UT_SUITE_GREASE) {
                nflag++;
            }
        }

        /* RFC 8701: both bytes equal, low nibble 0xA */
        if ((code >> 8) == (code & 0xff) && (code & 0x0f) == 0x0a) {
            if (s == NULL || !(s->flags & NGX_IMS_UT_SUITE_GREASE)) {
                grease_ok = 0;
            }
        }
    }

    ok(found == ngx_ims_ut_nsuites,
       "lookup over all 65536 values finds exactly the table (%u)",
       (unsigned) found);
    ok(grease_ok && nflag == 16, "16 GREASE values, all flagged");
}


/* whole-table cross-check against the CSV */

typedef struct {
    const char  *p;
    const char  *end;
} csv_t;


/* one CSV field (RFC 4180 quoting) into buf; returns the delimiter hit */

static int
csv_field(csv_t *c, char *buf, size_t size)
{
    size_t  n;
    int     quoted;

    n = 0;
    quoted = (c->p < c->end && *c->p == '"');

    if (quoted) {
        c->p++;
    }

    while (c->p < c->end) {
        if (quoted) {
            if (*c->p == '"') {
                if (c->p + 1 < c->end && c->p[1] == '"') {
                    c->p++;

                } else {
                    quoted = 0;
                    c->p++;
                    continue;
                }
            }

        } else if (*c->p == ',' || *c->p == '\n' || *c->p == '\r') {
            break;
        }

        if (n + 1 < size) {
            buf[n++] = *c->p;
        }

        c->p++;
    }

    buf[n] = '\0';

    if (c->p >= c->end) {
        return -1;
    }

    if (*c->p == '\r') {
        c->p++;
    }

    return *c->p++;
}


static int
csv_record(csv_t *c, char fields[][128], int nfields)
{
    int   i, d;
    char  skip[128];

    if (c->p >= c->end) {
        return 0;
    }

    for (i = 0; ; i++) {
        d = csv_field(c, i < nfields ? fields[i] : skip, 128);

        if (d != ',') {
            return i + 1;
        }
    }
}


static int
hexbyte(const char *s)
{
    int  i, v, d;

    if (s[0] != '0' || s[1] != 'x') {
        return -1;
    }

    v = 0;

    for (i = 2; i < 4; i++) {
        d = s[i];

        if (d >= '0' && d <= '9') {
            v = v * 16 + d - '0';

        } else if (d >= 'A' && d <= 'F') {
            v = v * 16 + d - 'A' + 10;

        } else if (d >= 'a' && d <= 'f') {
            v = v * 16 + d - 'a' + 10;

        } else {
            return -1;
        }
    }

    return v;
}


/* "0x00,0x2F" -> 0x002F; -1 for ranges and anything else */

static long
csv_code(const char *v)
{
    int  hi, lo;

    if (strlen(v) != 9 || v[4] != ',') {
        return -1;
    }

    hi = hexbyte(v);
    lo = hexbyte(v + 5);

    if (hi < 0 || lo < 0) {
        return -1;
    }

    return (hi << 8) | lo;
}


static int
has(const char *name, const char *sub)
{
    return strstr(name, sub) != NULL;
}


static int
ends(const char *name, const char *suffix)
{
    size_t  n, m;

    n = strlen(name);
    m = strlen(suffix);

    return n >= m && strcmp(name + n - m, suffix) == 0;
}


/* the expected key bits of a non-SCSV name, from substrings only */

static unsigned
want_bits(const char *name)
{
    if (has(name, "_WITH_NULL_")
        || strcmp(name, "TLS_SHA256_SHA256") == 0
        || strcmp(name, "TLS_SHA384_SHA384") == 0)
    {
        return 0;
    }

    if (has(name, "EXPORT1024")) {
        return 56;
    }

    if (has(name, "EXPORT") || has(name, "_40_")) {
        return 40;
    }

    if (has(name, "3DES")) {
        return 112;
    }

    if (has(name, "_DES_CBC_") || has(name, "_56_")) {
        return 56;
    }

    if (has(name, "_256_") || has(name, "CHACHA20") || has(name, "GOSTR")) {
        return 256;
    }

    return 128;
}


static void
test_csv(const char *path)
{
    int                        n, anon, integ;
    long                       code, size;
    char                      *data;
    FILE                      *f;
    csv_t                      c;
    unsigned                   bits;
    ngx_uint_t                 i, rows, bad_name, bad_anon, bad_null,
                               bad_integ, bad_bits, bad_scsv, extra,
                               n_anon, n_null, n_noint;
    const ngx_ims_ut_suite_t  *s;
    char                       fields[2][128];
    u_char                     in_csv[0x10000];

    f = fopen(path, "rb");

    if (f == NULL) {
        ok(0, "open %s", path);
        return;
    }

    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);

    data = malloc(size > 0 ? size : 1);

    if (data == NULL || size <= 0
        || fread(data, 1, size, f) != (size_t) size)
    {
        ok(0, "read %s", path);
        fclose(f);
        free(data);
        return;
    }

    fclose(f);

    c.p = data;
    c.end = data + size;

    memset(in_csv, 0, sizeof(in_csv));

    rows = 0;
    bad_name = bad_anon = bad_null = bad_integ = bad_bits = bad_scsv = 0;
    n_anon = n_null = n_noint = 0;

    n = csv_record(&c, fields, 2);
    ok(n >= 2 && strcmp(fields[0], "Value") == 0
       && strcmp(fields[1], "Description") == 0, "CSV header");

    while ((n = csv_record(&c, fields, 2)) != 0) {
        if (n < 2 || strncmp(fields[1], "TLS_", 4) != 0) {
            continue;
        }

        code = csv_code(fields[0]);

        if (code < 0) {
            printf("# bad value '%s' for %s\n", fields[0], fields[1]);
            bad_name++;
            continue;
        }

        rows++;
        in_csv[code] = 1;

        s = ngx_ims_ut_suite_lookup((uint16_t) code);

        if (s == NULL || strcmp(s->name, fields[1]) != 0) {
            printf("# 0x%04lX %s: table has %s\n", code, fields[1],
                   s ? s->name : "nothing");
            bad_name++;
            continue;
        }

        if (ends(fields[1], "_SCSV")) {
            if (!(s->flags & NGX_IMS_UT_SUITE_SCSV)) {
                printf("# 0x%04lX %s: not flagged SCSV\n", code, s->name);
                bad_scsv++;
            }

            continue;
        }

        if (s->flags & (NGX_IMS_UT_SUITE_SCSV|NGX_IMS_UT_SUITE_GREASE)) {
            printf("# 0x%04lX %s: flagged ignored\n", code, s->name);
            bad_scsv++;
        }

        anon = has(fields[1], "_anon_");

        if (anon != !!(s->flags & NGX_IMS_UT_SUITE_ANON)) {
            printf("# 0x%04lX %s: anon %d in table\n", code, s->name, !anon);
            bad_anon++;
        }

        bits = want_bits(fields[1]);

        if ((bits == 0) != (s->enc_bits == 0)) {
            printf("# 0x%04lX %s: NULL enc mismatch\n", code, s->name);
            bad_null++;
        }

        if (bits != s->enc_bits) {
            printf("# 0x%04lX %s: bits %u, table %u\n", code, s->name,
                   bits, (unsigned) s->enc_bits);
            bad_bits++;
        }

        if (ends(fields[1], "_NULL")) {
            integ = NGX_IMS_UT_INTEGRITY_NONE;

        } else if (has(fields[1], "_GCM") || has(fields[1], "_CCM")
                   || has(fields[1], "POLY1305") || has(fields[1], "_MGM_")
                   || has(fields[1], "AEGIS"))
        {
            integ = NGX_IMS_UT_INTEGRITY_AEAD;

        } else {
            integ = NGX_IMS_UT_INTEGRITY_MAC;
        }

        if (integ != s->integrity) {
            printf("# 0x%04lX %s: integrity %d, table %d\n", code, s->name,
                   integ, s->integrity);
            bad_integ++;
        }

        n_anon += anon;
        n_null += (bits == 0);
        n_noint += (integ == NGX_IMS_UT_INTEGRITY_NONE);
    }

    free(data);

    extra = 0;

    for (i = 0; i < ngx_ims_ut_nsuites; i++) {
        s = &ngx_ims_ut_suites[i];

        if (!in_csv[s->code] && !(s->flags & NGX_IMS_UT_SUITE_GREASE)) {
            printf("# table has 0x%04X %s, CSV does not\n", s->code,
                   s->name);
            extra++;
        }
    }

    ok(rows > 300, "CSV has %u assigned rows", (unsigned) rows);
    is_int(bad_name, 0, "every assigned code in the table, same name");
    is_int(extra, 0, "no table entry missing from the CSV (GREASE apart)");
    is_int(rows + 16, ngx_ims_ut_nsuites, "table = CSV rows + 16 GREASE");
    is_int(bad_scsv, 0, "SCSV flags match _SCSV names");
    is_int(bad_anon, 0, "anonymous iff _anon_ in the name");
    is_int(bad_null, 0, "NULL encryption agrees with the name");
    is_int(bad_bits, 0, "key bits agree with the name");
    is_int(bad_integ, 0, "integrity agrees with the name");

    printf("# %u assigned, %u anonymous, %u NULL encryption, "
           "%u no integrity\n", (unsigned) rows, (unsigned) n_anon,
           (unsigned) n_null, (unsigned) n_noint);

    ok(n_anon >= 27 && n_null >= 23 && n_noint >= 1,
       "counts not vacuous");
}


/* judge */

static ngx_ims_ut_tls_verdict_e
judge(const uint16_t *codes, size_t n, const ngx_ims_ut_tls_rules_t *rules)
{
    size_t  i;
    u_char  buf[256];

    for (i = 0; i < n && i < sizeof(buf) / 2; i++) {
        buf[2 * i] = (u_char) (codes[i] >> 8);
        buf[2 * i + 1] = (u_char) codes[i];
    }

    return ngx_ims_ut_tls_judge(buf, 2 * i, 0, rules);
}


static void
test_judge(void)
{
    size_t                    i, j, k, n;
    uint16_t                  offer[32];
    ngx_uint_t                same;
    ngx_ims_ut_tls_verdict_e  v, w;
    ngx_ims_ut_tls_rules_t    r, r0, r_nr, r_mk0, r_3des, r_anon;

    static const uint16_t  en_weak[] = { 0x0002, 0x0035 };
    static const uint16_t  en_3des[] = { 0x000A, 0x0035 };
    static const uint16_t  en_anon[] = { 0x000A, 0x0034 };

    static const uint16_t  o_anon[] = { 0x0018, 0x0034, 0xC018 };
    static const uint16_t  o_anon_aes[] = { 0x0034, 0x002F };
    static const uint16_t  o_null[] = { 0x0002, 0x003B, 0xC0B4 };
    static const uint16_t  o_nullnull[] = { 0x0000 };
    static const uint16_t  o_weak[] = { 0x0002, 0x002F };
    static const uint16_t  o_nocommon[] = { 0x002F };
    static const uint16_t  o_3des[] = { 0x000A, 0x002F };
    static const uint16_t  o_anoncommon[] = { 0x0034, 0x003C };
    static const uint16_t  o_strong[] = { 0x1301, 0x0035, 0xC02F };
    static const uint16_t  o_nn_anon[] = { 0x0000, 0x0034 };
    static const uint16_t  o_unassigned[] = { 0x0060, 0x1300, 0xFFFF };

    static const uint16_t  ignored[] = {
        0x0A0A, 0x00FF, 0x5600, 0xFAFA, 0x7A7A
    };

    struct {
        const uint16_t                *offer;
        size_t                         n;
        const ngx_ims_ut_tls_rules_t  *rules;
        ngx_ims_ut_tls_verdict_e       want;
        const char                    *what;
    }  cases[] = {
        { o_anon, nelem(o_anon), &r, NGX_IMS_UT_TLS_RULE_ANON,
          "anon only -> rule 1" },
        { o_anon, nelem(o_anon), NULL, NGX_IMS_UT_TLS_RULE_ANON,
          "anon only, no rules -> rule 1" },
        { o_anon_aes, nelem(o_anon_aes), NULL, NGX_IMS_UT_TLS_PASS,
          "anon + AES -> pass" },
        { o_anon_aes, nelem(o_anon_aes), &r_nr, NGX_IMS_UT_TLS_PASS,
          "anon + AES, nothing enabled in common -> pass" },
        { o_null, nelem(o_null), NULL, NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION,
          "NULL encryption only -> rule 3" },
        { o_nullnull, nelem(o_nullnull), NULL,
          NGX_IMS_UT_TLS_RULE_NO_INTEGRITY,
          "NULL_WITH_NULL_NULL alone -> rule 2" },
        { o_nn_anon, nelem(o_nn_anon), NULL, NGX_IMS_UT_TLS_PASS,
          "NULL_WITH_NULL_NULL is not anonymous: with DH_anon -> pass" },
        { o_weak, nelem(o_weak), &r, NGX_IMS_UT_TLS_RULE_WEAK,
          "common set {NULL-SHA} -> rule 4" },
        { o_weak, nelem(o_weak), &r0, NGX_IMS_UT_TLS_PASS,
          "same, require_encryption off -> pass" },
        { o_weak, nelem(o_weak), &r_mk0, NGX_IMS_UT_TLS_PASS,
          "same, min_key_bits 0 -> pass" },
        { o_weak, nelem(o_weak), NULL, NGX_IMS_UT_TLS_PASS,
          "same, no rules -> pass" },
        { o_nocommon, nelem(o_nocommon), &r, NGX_IMS_UT_TLS_PASS,
          "empty common set -> pass (OpenSSL's job)" },
        { o_3des, nelem(o_3des), &r_3des, NGX_IMS_UT_TLS_RULE_WEAK,
          "common set {3DES} < 128 -> rule 4" },
        { o_anoncommon, nelem(o_anoncommon), &r_anon,
          NGX_IMS_UT_TLS_RULE_WEAK,
          "common set {DH_anon AES-128} does not count as strong" },
        { o_strong, nelem(o_strong), &r, NGX_IMS_UT_TLS_PASS,
          "common set {AES256-SHA} -> pass" },
        { o_unassigned, nelem(o_unassigned), &r,
          NGX_IMS_UT_TLS_RULE_NO_INTEGRITY,
          "unassigned values only count for nothing -> rule 2" },
        { ignored, nelem(ignored), &r, NGX_IMS_UT_TLS_RULE_NO_INTEGRITY,
          "only GREASE/SCSV -> rule 2" },
        { NULL, 0, &r, NGX_IMS_UT_TLS_RULE_NO_INTEGRITY,
          "empty list -> rule 2" },
    };

    r.require_encryption = 1;
    r.min_key_bits = 128;
    r.enabled = en_weak;
    r.nenabled = nelem(en_weak);

    r0 = r;
    r0.require_encryption = 0;

    r_mk0 = r;
    r_mk0.min_key_bits = 0;

    r_nr = r;
    r_nr.enabled = NULL;
    r_nr.nenabled = 0;

    r_3des = r;
    r_3des.enabled = en_3des;
    r_3des.nenabled = nelem(en_3des);

    r_anon = r;
    r_anon.enabled = en_anon;
    r_anon.nenabled = nelem(en_anon);

    for (i = 0; i < nelem(cases); i++) {
        v = judge(cases[i].offer, cases[i].n, cases[i].rules);
        is_int(v, cases[i].want, "%s", cases[i].what);
    }

    /* 3DES passes once the threshold is 112 */
    r_3des.min_key_bits = 112;
    is_int(judge(o_3des, nelem(o_3des), &r_3des), NGX_IMS_UT_TLS_PASS,
           "common set {3DES} with min_key_bits 112 -> pass");

    /* GREASE/SCSV at the front, the back and in between change nothing */

    same = 1;

    for (i = 0; i < nelem(cases); i++) {
        if (cases[i].n == 0 || cases[i].offer == ignored) {
            continue;
        }

        w = judge(cases[i].offer, cases[i].n, cases[i].rules);

        for (k = 0; k < nelem(ignored); k++) {
            n = 0;
            offer[n++] = ignored[k];

            for (j = 0; j < cases[i].n; j++) {
                offer[n++] = cases[i].offer[j];
                offer[n++] = ignored[(k + j + 1) % nelem(ignored)];
            }

            v = judge(offer, n, cases[i].rules);

            if (v != w) {
                printf("# case '%s' with 0x%04X: %d, want %d\n",
                       cases[i].what, ignored[k], (int) v, (int) w);
                same = 0;
            }
        }
    }

    ok(same, "GREASE/SCSV added to any offer never change the verdict");

    /* lengths */

    {
        static const u_char  b[6] = { 0x00, 0x2F, 0x00, 0x35, 0x00, 0x0A };

        is_int(ngx_ims_ut_tls_judge(b, 1, 0, &r), NGX_IMS_UT_TLS_MALFORMED,
               "1 byte -> malformed");
        is_int(ngx_ims_ut_tls_judge(b, 3, 0, &r), NGX_IMS_UT_TLS_MALFORMED,
               "3 bytes -> malformed");
        is_int(ngx_ims_ut_tls_judge(b, 5, 0, &r), NGX_IMS_UT_TLS_MALFORMED,
               "5 bytes -> malformed");
        is_int(ngx_ims_ut_tls_judge(b, 4, 0, &r), NGX_IMS_UT_TLS_PASS,
               "4 bytes -> judged");
        is_int(ngx_ims_ut_tls_judge(b, 2, 1, &r), NGX_IMS_UT_TLS_MALFORMED,
               "v2, 2 bytes -> malformed");
        is_int(ngx_ims_ut_tls_judge(b, 4, 1, &r), NGX_IMS_UT_TLS_MALFORMED,
               "v2, 4 bytes -> malformed");
        is_int(ngx_ims_ut_tls_judge(b, 0, 1, &r),
               NGX_IMS_UT_TLS_RULE_NO_INTEGRITY, "v2, empty -> rule 2");
    }

    /* SSLv2-format lists: 3 bytes per entry */

    {
        /* SSL2_RC4_128_WITH_MD5, TLS AES128-SHA */
        static const u_char  v2_pass[] = {
            0x01, 0x00, 0x80,  0x00, 0x00, 0x2F
        };
        /* SSL2_DES_192_EDE3_CBC_WITH_MD5, TLS DH_anon RC4 */
        static const u_char  v2_anon[] = {
            0x07, 0x00, 0xC0,  0x00, 0x00, 0x18
        };
        /* SSLv2-only entries whose low bytes look like AES128-SHA */
        static const u_char  v2_only[] = {
            0x01, 0x00, 0x2F,  0x02, 0x00, 0x35
        };
        static const u_char  v2_null[] = {
            0x00, 0x00, 0x02,  0x00, 0x0A, 0x0A
        };
        /* rule 4 applies to v2 lists too: common {NULL-SHA} */
        static const u_char  v2_weak[] = {
            0x00, 0x00, 0x02,  0x00, 0x00, 0x2F,  0x06, 0x00, 0x40
        };

        is_int(ngx_ims_ut_tls_judge(v2_pass, sizeof(v2_pass), 1, &r),
               NGX_IMS_UT_TLS_PASS, "v2: SSLv2 cipher + AES -> pass");
        is_int(ngx_ims_ut_tls_judge(v2_anon, sizeof(v2_anon), 1, &r),
               NGX_IMS_UT_TLS_RULE_ANON,
               "v2: SSLv2 cipher + DH_anon -> rule 1");
        is_int(ngx_ims_ut_tls_judge(v2_only, sizeof(v2_only), 1, &r),
               NGX_IMS_UT_TLS_RULE_NO_INTEGRITY,
               "v2: SSLv2-only ciphers count for nothing -> rule 2");
        is_int(ngx_ims_ut_tls_judge(v2_null, sizeof(v2_null), 1, NULL),
               NGX_IMS_UT_TLS_RULE_NO_ENCRYPTION,
               "v2: NULL-SHA + GREASE -> rule 3");
        is_int(ngx_ims_ut_tls_judge(v2_weak, sizeof(v2_weak), 1, &r),
               NGX_IMS_UT_TLS_RULE_WEAK, "v2: weak common set -> rule 4");
        is_int(ngx_ims_ut_tls_judge(v2_pass, sizeof(v2_pass), 0, &r),
               NGX_IMS_UT_TLS_PASS,
               "same bytes read as a v3 list -> pass");
    }

    /* texts */

    for (v = NGX_IMS_UT_TLS_PASS; v <= NGX_IMS_UT_TLS_MALFORMED; v++) {
        ok(ngx_ims_ut_tls_verdict_text(v) != NULL
           && strcmp(ngx_ims_ut_tls_verdict_text(v), "unknown verdict") != 0,
           "verdict %d text: %s", (int) v, ngx_ims_ut_tls_verdict_text(v));
    }

    ok(strstr(ngx_ims_ut_tls_verdict_text(NGX_IMS_UT_TLS_RULE_ANON),
              "rule 1") != NULL
       && strstr(ngx_ims_ut_tls_verdict_text(NGX_IMS_UT_TLS_RULE_WEAK),
                 "rule 4") != NULL,
       "texts name the rule");
}


static void
test_forbidden(void)
{
    ngx_uint_t                 i, bad;
    const char                *why;
    const ngx_ims_ut_suite_t  *s;
    ngx_int_t                  want;

    why = NULL;
    ok(ngx_ims_ut_tls_suite_forbidden(0x0018, &why) == 1
       && why && strstr(why, "6.4"), "DH_anon forbidden by 6.4: %s",
       why ? why : "(null)");

    why = NULL;
    ok(ngx_ims_ut_tls_suite_forbidden(0x0000, &why) == 1
       && why && strstr(why, "6.2"), "NULL_WITH_NULL_NULL forbidden by 6.2");

    why = NULL;
    ok(ngx_ims_ut_tls_suite_forbidden(0x0002, &why) == 0 && why == NULL,
       "NULL encryption with MAC allowed (6.2)");
    ok(ngx_ims_ut_tls_suite_forbidden(0x002F, NULL) == 0, "AES128-SHA ok");
    ok(ngx_ims_ut_tls_suite_forbidden(0xC018, NULL) == 1,
       "ECDH_anon forbidden, why may be NULL");
    ok(ngx_ims_ut_tls_suite_forbidden(0x0A0A, NULL) == 0
       && ngx_ims_ut_tls_suite_forbidden(0x00FF, NULL) == 0
       && ngx_ims_ut_tls_suite_forbidden(0x0060, NULL) == 0,
       "GREASE, SCSV, unassigned not forbidden");

    bad = 0;

    for (i = 0; i < ngx_ims_ut_nsuites; i++) {
        s = &ngx_ims_ut_suites[i];

        want = !(s->flags & NGX_IMS_UT_SUITE_IGNORED)
               && ((s->flags & NGX_IMS_UT_SUITE_ANON)
                   || s->integrity == NGX_IMS_UT_INTEGRITY_NONE);

        if (ngx_ims_ut_tls_suite_forbidden(s->code, NULL) != want) {
            bad++;
        }
    }

    is_int(bad, 0, "forbidden = anonymous or no integrity, whole table");
}


int
main(int argc, char **argv)
{
    const char  *csv;

    csv = argc > 1 ? argv[1] : getenv("IMS_UT_SUITES_CSV");

    if (csv == NULL || *csv == '\0') {
        csv = DEFAULT_CSV;
    }

    test_spot();
    test_shape();
    test_csv(csv);
    test_judge();
    test_forbidden();

    return done_testing();
}
