/*
 * test_timefmt.c - ISO-8601 formatting and the dates the CLI accepts.
 */
#include "harness.h"
#include "util.h"

#include "hd/timefmt.h"

static void test_timefmt__format(void)
{
    char buf[32];

    hd_time_format(0, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "1970-01-01T00:00:00Z");
    hd_time_format(test_utc(2026, 2, 28, 23, 59) + 59, buf, sizeof(buf));
    ASSERT_STR_EQ(buf, "2026-02-28T23:59:59Z");
}

static void test_timefmt__parse(void)
{
    int64_t t;

    ASSERT_OK(hd_time_parse("2026-11-23", &t));
    ASSERT_INT_EQ(t, test_utc(2026, 11, 23, 0, 0));
    ASSERT_OK(hd_time_parse("2026-11-23T09:30Z", &t));
    ASSERT_INT_EQ(t, test_utc(2026, 11, 23, 9, 30));
    ASSERT_OK(hd_time_parse("2024-02-29 23:59:58", &t));
    ASSERT_INT_EQ(t, test_utc(2024, 2, 29, 23, 59) + 58);
    ASSERT_INT_EQ(hd_time_parse("2026-02-29", &t), HD_EINVAL);
    ASSERT_INT_EQ(hd_time_parse("2026-13-01", &t), HD_EINVAL);
    ASSERT_INT_EQ(hd_time_parse("2026-11-23T25:00", &t), HD_EINVAL);
    ASSERT_INT_EQ(hd_time_parse("2026-11-23Tnoon", &t), HD_EINVAL);
    ASSERT_INT_EQ(hd_time_parse("yesterday", &t), HD_EINVAL);
    ASSERT_INT_EQ(hd_time_parse("", &t), HD_EINVAL);
    ASSERT(strstr(hd_error_last(), "YYYY-MM-DD") != NULL);
}

int main(void)
{
    RUN(test_timefmt__format);
    RUN(test_timefmt__parse);
    return harness_result();
}
