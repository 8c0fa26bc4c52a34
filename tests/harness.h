/*
 * harness.h - the smallest test harness that tells you where it failed
 * (after libuv's test/task.h). A test is `static void test_x__y(void)`;
 * main() runs each with RUN() and returns harness_result().
 */
#ifndef HD_TEST_HARNESS_H
#define HD_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failures;
static int harness_passed;
static int harness_current_failed;

#define FAIL_AT(...)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fprintf(stderr, "\n");                                                                     \
        harness_current_failed = 1;                                                                \
        return;                                                                                    \
    } while (0)

#define ASSERT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond))                                                                               \
            FAIL_AT("assertion failed: %s", #cond);                                                \
    } while (0)

#define ASSERT_INT_EQ(a, b)                                                                        \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            FAIL_AT("%s == %s: %lld != %lld", #a, #b, a_, b_);                                     \
    } while (0)

#define ASSERT_STR_EQ(a, b)                                                                        \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                                       \
            FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    } while (0)

/* ASSERT_OK - a call returning 0 or an HD_E* code; prints hd_error_last(). */
#define ASSERT_OK(expr)                                                                            \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != 0)                                                                              \
            FAIL_AT("%s failed: %d (%s)", #expr, rc_, hd_error_last());                            \
    } while (0)

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        harness_current_failed = 0;                                                                \
        fn();                                                                                      \
        if (harness_current_failed) {                                                              \
            harness_failures++;                                                                    \
            fprintf(stderr, "FAIL %s\n", #fn);                                                     \
        } else {                                                                                   \
            harness_passed++;                                                                      \
        }                                                                                          \
    } while (0)

static inline int harness_result(void)
{
    printf("%d passed, %d failed\n", harness_passed, harness_failures);
    return harness_failures ? 1 : 0;
}

#endif
