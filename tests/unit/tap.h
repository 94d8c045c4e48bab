/*
 * Minimal TAP producer for the C unit tests; prove(1) reads the output.
 */

#ifndef _IMS_UT_TAP_H_INCLUDED_
#define _IMS_UT_TAP_H_INCLUDED_

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int  tap_n;
static int  tap_failed;


#define ok(cond, ...)                                                        \
    tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                               \
    do {                                                                     \
        long long  g_ = (long long) (got), w_ = (long long) (want);          \
        if (!tap_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__)) {            \
            printf("#   got: %lld\n#  want: %lld\n", g_, w_);                \
        }                                                                    \
    } while (0)

#define is_str(got, glen, want, ...)                                         \
    do {                                                                     \
        size_t  wl_ = strlen(want);                                          \
        int     eq_ = ((size_t) (glen) == wl_                                \
                       && memcmp((got), (want), wl_) == 0);                  \
        if (!tap_ok(eq_, __FILE__, __LINE__, __VA_ARGS__)) {                 \
            printf("#   got: '%.*s'\n#  want: '%s'\n",                       \
                   (int) (glen), (const char *) (got), (want));              \
        }                                                                    \
    } while (0)


static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#include <stdarg.h>

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list  ap;

    tap_n++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");

    if (!cond) {
        tap_failed++;
        printf("#   failed at %s line %d\n", file, line);
    }

    return cond;
}


static int
done_testing(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}


#endif /* _IMS_UT_TAP_H_INCLUDED_ */
