/*
 * test_calendar.c - business-hours arithmetic: weekends, holidays, times
 * outside the window, DST changes (from the table and from the footer rule),
 * 24x7 calendars, long ranges, limits, and properties checked against an
 * independent minute-by-minute model.
 *
 * Expected instants are spelled out as civil date, time and offset and
 * converted by at(), which counts days with plain loops and shares no code
 * with core/. Zones come from the installed tz database (tzdata).
 */
#include "harness.h"
#include "hd/calendar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define H 3600
#define M 60
#define MON_FRI 0x3eu /* bits 1..5 */
#define MON_SAT 0x7eu
#define EVERY_DAY 0x7fu
#define SUN_THU 0x1fu

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return mdays[m - 1] + (m == 2 && leap(y));
}

/* Days from 1970-01-01 to y-mo-d, by counting. */
static int64_t days_to(int y, int mo, int d)
{
    int64_t days = 0;
    int k;

    for (k = 1970; k < y; k++)
        days += leap(k) ? 366 : 365;
    for (k = y; k < 1970; k++)
        days -= leap(k) ? 366 : 365;
    for (k = 1; k < mo; k++)
        days += month_len(y, k);
    return days + d - 1;
}

/* UTC seconds of y-mo-d h:mi:s at `off` seconds east of UTC. */
static int64_t at(int y, int mo, int d, int h, int mi, int s, int32_t off)
{
    return days_to(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
}

/* YYYYMMDD of a day number at or after 1970, by counting forward. */
static int32_t ymd(int64_t days)
{
    int y = 1970, m = 1;

    while (days >= (leap(y) ? 366 : 365))
        days -= leap(y++) ? 366 : 365;
    while (days >= month_len(y, m))
        days -= month_len(y, m++);
    return y * 10000 + m * 100 + (int)days + 1;
}

static int make_cal(hd_calendar *cal, const char *zone, unsigned days, int open_min, int close_min,
                    const int32_t *holidays, size_t n_holidays)
{
    memset(cal, 0, sizeof(*cal));
    cal->name = hd_strdup("test");
    cal->weekdays = days;
    cal->open_min = open_min;
    cal->close_min = close_min;
    cal->holidays = hd_calloc(n_holidays, sizeof(int32_t));
    if (n_holidays > 0)
        memcpy(cal->holidays, holidays, n_holidays * sizeof(int32_t));
    cal->n_holidays = n_holidays;
    return hd_tz_load(&cal->tz, zone);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(uint64_t n)
{
    /* xorshift64*: reproducible, no libc state. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (rng_state * 0x2545f4914f6cdd1du >> 11) % n;
}

static void test_calendar__weekend(void)
{
    const int32_t edt = -4 * H;
    int64_t fri16 = at(2024, 6, 7, 16, 0, 0, edt), mon10 = at(2024, 6, 10, 10, 0, 0, edt);
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "America/New_York", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    ASSERT_INT_EQ(hd_calendar_add(&cal, fri16, 2 * H), mon10);
    ASSERT_INT_EQ(hd_calendar_between(&cal, fri16, mon10), 2 * H);
    /* Exactly the rest of Friday ends at the closing, not on Monday. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, fri16, 1 * H), at(2024, 6, 7, 17, 0, 0, edt));
    ASSERT_INT_EQ(hd_calendar_add(&cal, fri16, 1 * H + 1), at(2024, 6, 10, 9, 0, 1, edt));
    ASSERT(hd_calendar_is_open(&cal, fri16));
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 6, 7, 17, 0, 0, edt)));
    ASSERT(hd_calendar_is_open(&cal, at(2024, 6, 7, 16, 59, 59, edt)));
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 6, 8, 12, 0, 0, edt)));
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 6, 10, 8, 59, 59, edt)));
    ASSERT(hd_calendar_is_open(&cal, at(2024, 6, 10, 9, 0, 0, edt)));
    /* Friday to Friday: Fri, Mon, Tue, Wed, Thu. */
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 6, 7, 0, 0, 0, edt), at(2024, 6, 14, 0, 0, 0, edt)),
        40 * H);
    hd_calendar_free_fields(&cal);
}

static void test_calendar__holidays(void)
{
    /* Sorted, with a duplicate, an impossible date and a Saturday. */
    static const int32_t hol[] = {20240230, 20240501, 20240531, 20240531, 20240601};
    const int32_t cest = 2 * H;
    int64_t thu16 = at(2024, 5, 30, 16, 0, 0, cest), mon10 = at(2024, 6, 3, 10, 0, 0, cest);
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, hol, 5));
    ASSERT_INT_EQ(hd_calendar_add(&cal, thu16, 2 * H), mon10);
    ASSERT_INT_EQ(hd_calendar_between(&cal, thu16, mon10), 2 * H);
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 5, 31, 12, 0, 0, cest)));
    ASSERT(hd_calendar_is_open(&cal, at(2024, 5, 30, 12, 0, 0, cest)));
    /* Week of May 1 (a Wednesday): four open days. */
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 4, 29, 0, 0, 0, cest), at(2024, 5, 4, 0, 0, 0, cest)),
        32 * H);
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 4, 30, 16, 0, 0, cest), 2 * H),
                  at(2024, 5, 2, 10, 0, 0, cest));
    /* Adding 0 on a holiday gives the next opening. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 5, 31, 10, 0, 0, cest), 0), mon10 - H);
    hd_calendar_free_fields(&cal);
}

static void test_calendar__outside_hours(void)
{
    const int32_t cest = 2 * H;
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    /* Before opening, after closing, on a closed day. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 10, 7, 0, 0, cest), 1 * H),
                  at(2024, 6, 10, 10, 0, 0, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 10, 18, 0, 0, cest), 1 * H),
                  at(2024, 6, 11, 10, 0, 0, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 8, 12, 0, 0, cest), 1 * H),
                  at(2024, 6, 10, 10, 0, 0, cest));
    /* Adding nothing: the start if open, else the next opening. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 8, 12, 0, 0, cest), 0),
                  at(2024, 6, 10, 9, 0, 0, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 10, 12, 34, 56, cest), 0),
                  at(2024, 6, 10, 12, 34, 56, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 10, 16, 59, 59, cest), 0),
                  at(2024, 6, 10, 16, 59, 59, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 10, 17, 0, 0, cest), 0),
                  at(2024, 6, 11, 9, 0, 0, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 6, 8, 12, 0, 0, cest), -5),
                  at(2024, 6, 10, 9, 0, 0, cest));
    /* The same spans measured. */
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 6, 10, 7, 0, 0, cest), at(2024, 6, 10, 10, 0, 0, cest)),
        1 * H);
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 6, 10, 18, 0, 0, cest), at(2024, 6, 11, 10, 0, 0, cest)),
        1 * H);
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 6, 8, 0, 0, 0, cest), at(2024, 6, 10, 0, 0, 0, cest)),
        0);
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 6, 10, 12, 0, 0, cest), at(2024, 6, 10, 12, 0, 0, cest)),
        0);
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 6, 11, 12, 0, 0, cest), at(2024, 6, 10, 12, 0, 0, cest)),
        0);
    hd_calendar_free_fields(&cal);
}

static void test_calendar__dst_berlin(void)
{
    const int32_t cet = 1 * H, cest = 2 * H;
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    /* Spring (2024-03-31): Friday is CET, Monday CEST; the window stays 09-17 local. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 3, 29, 16, 0, 0, cet), 2 * H),
                  at(2024, 4, 1, 10, 0, 0, cest));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 29, 16, 0, 0, cet), at(2024, 4, 1, 10, 0, 0, cest)),
        2 * H);
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 3, 25, 9, 0, 0, cet), 40 * H),
                  at(2024, 3, 29, 17, 0, 0, cet));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 3, 25, 9, 0, 0, cet), 48 * H),
                  at(2024, 4, 1, 17, 0, 0, cest));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 25, 9, 0, 0, cet), at(2024, 4, 5, 17, 0, 0, cest)),
        80 * H);
    ASSERT(hd_calendar_is_open(&cal, at(2024, 4, 1, 7, 30, 0, 0)));   /* 09:30 CEST */
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 3, 29, 7, 30, 0, 0))); /* 08:30 CET */
    /* Autumn (2024-10-27). */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 10, 25, 16, 0, 0, cest), 2 * H),
                  at(2024, 10, 28, 10, 0, 0, cet));
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2024, 10, 25, 16, 0, 0, cest),
                                      at(2024, 10, 28, 10, 0, 0, cet)),
                  2 * H);
    ASSERT(hd_calendar_is_open(&cal, at(2024, 10, 28, 8, 30, 0, 0)));  /* 09:30 CET */
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 10, 28, 7, 30, 0, 0))); /* 08:30 CET */
    ASSERT(hd_calendar_is_open(&cal, at(2024, 10, 25, 7, 30, 0, 0)));  /* 09:30 CEST */
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 10, 21, 0, 0, 0, cest), at(2024, 11, 4, 0, 0, 0, cet)),
        80 * H);
    hd_calendar_free_fields(&cal);
}

/* 2045 lies past every listed transition: the footer rule decides. */
static void test_calendar__dst_2045(void)
{
    const int32_t cet = 1 * H, cest = 2 * H;
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2045, 3, 24, 16, 0, 0, cet), 2 * H),
                  at(2045, 3, 27, 10, 0, 0, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2045, 10, 27, 16, 0, 0, cest), 2 * H),
                  at(2045, 10, 30, 10, 0, 0, cet));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2045, 3, 20, 0, 0, 0, cet), at(2045, 4, 3, 0, 0, 0, cest)),
        80 * H);
    hd_calendar_free_fields(&cal);
}

/* A night window the DST changes cut into: 01:00-04:00 local, every day. */
static void test_calendar__dst_night_window(void)
{
    const int32_t cet = 1 * H, cest = 2 * H;
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", EVERY_DAY, 1 * 60, 4 * 60, NULL, 0));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 30, 0, 0, 0, cet), at(2024, 3, 31, 0, 0, 0, cet)),
        3 * H);
    /* 02:00-03:00 does not exist on March 31: two hours. */
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 31, 0, 0, 0, cet), at(2024, 4, 1, 0, 0, 0, cest)),
        2 * H);
    /* 02:00-03:00 happens twice on October 27: four hours. */
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 10, 27, 0, 0, 0, cest), at(2024, 10, 28, 0, 0, 0, cet)),
        4 * H);
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 3, 31, 0, 30, 0, 0), 1 * H),
                  at(2024, 3, 31, 1, 30, 0, 0));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 3, 31, 0, 30, 0, 0), 2 * H),
                  at(2024, 4, 1, 1, 30, 0, cest));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 10, 27, 1, 0, 0, cest), 4 * H),
                  at(2024, 10, 27, 4, 0, 0, cet));
    ASSERT(hd_calendar_is_open(&cal, at(2024, 10, 27, 0, 30, 0, 0))); /* 02:30 CEST */
    ASSERT(hd_calendar_is_open(&cal, at(2024, 10, 27, 1, 30, 0, 0))); /* 02:30 CET */
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 10, 27, 3, 0, 0, 0))); /* 04:00 CET */
    hd_calendar_free_fields(&cal);

    /*
     * A window opening inside the gap opens as hd_tz_to_utc maps it: 02:30
     * is read as CET, 01:30 UTC, which is 03:30 CEST. Until 05:00 CEST: 1.5 h.
     */
    ASSERT_OK(make_cal(&cal, "Europe/Berlin", EVERY_DAY, 150, 300, NULL, 0));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 31, 0, 0, 0, cet), at(2024, 4, 1, 0, 0, 0, cest)),
        90 * M);
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 3, 31, 1, 15, 0, 0)));
    ASSERT(hd_calendar_is_open(&cal, at(2024, 3, 31, 1, 30, 0, 0)));
    hd_calendar_free_fields(&cal);
}

static void test_calendar__always_open(void)
{
    hd_calendar cal;
    int64_t t = at(2024, 6, 8, 3, 0, 0, 0), a, b;
    int i;

    memset(&cal, 0, sizeof(cal));
    cal.always_open = 1;
    ASSERT_INT_EQ(hd_calendar_add(&cal, t, 3600), t + 3600);
    ASSERT_INT_EQ(hd_calendar_add(&cal, t, 0), t);
    ASSERT_INT_EQ(hd_calendar_add(&cal, t, -5), t);
    ASSERT_INT_EQ(hd_calendar_add(&cal, -100, 50), -50);
    ASSERT(hd_calendar_add(&cal, INT64_MAX - 10, 100) == INT64_MAX);
    ASSERT_INT_EQ(hd_calendar_between(&cal, t, t + 12345), 12345);
    ASSERT_INT_EQ(hd_calendar_between(&cal, t + 12345, t), 0);
    ASSERT(hd_calendar_between(&cal, INT64_MIN, INT64_MAX) == INT64_MAX);
    ASSERT(hd_calendar_is_open(&cal, t));
    ASSERT(hd_calendar_is_open(&cal, INT64_MIN));
    hd_calendar_free_fields(&cal);

    /* Business hours of 00:00-24:00 every day in UTC: the same arithmetic, the long way. */
    ASSERT_OK(make_cal(&cal, "UTC", EVERY_DAY, 0, 1440, NULL, 0));
    for (i = 0; i < 200; i++) {
        a = at(2000, 1, 1, 0, 0, 0, 0) + (int64_t)rnd(60ull * 365 * 86400);
        b = a + (int64_t)rnd(i % 2 ? 3000ull * 86400 : 86400ull);
        ASSERT_INT_EQ(hd_calendar_between(&cal, a, b), b - a);
        ASSERT_INT_EQ(hd_calendar_add(&cal, a, b - a), b);
        ASSERT(hd_calendar_is_open(&cal, a));
    }
    hd_calendar_free_fields(&cal);
}

/* Whole years: every weekday counts 8 h whatever DST does to the UTC span. */
static void test_calendar__full_years(void)
{
    /* German public holidays 2023; January 1 is a Sunday, the other eight are weekdays. */
    static const int32_t hol[] = {20230101, 20230407, 20230410, 20230501, 20230518,
                                  20230529, 20231003, 20231225, 20231226};
    hd_calendar cal;
    int64_t sum = 0, weekdays = 0, d;
    int y, m;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2023, 1, 1, 0, 0, 0, H), at(2024, 1, 1, 0, 0, 0, H)),
                  260 * 8 * H);
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2045, 1, 1, 0, 0, 0, H), at(2046, 1, 1, 0, 0, 0, H)),
                  260 * 8 * H);
    /* 2030-2039 crosses from the transition table to the footer rule (2037). */
    for (d = days_to(2030, 1, 1); d < days_to(2040, 1, 1); d++)
        weekdays += ((d % 7 + 7 + 4) % 7 >= 1 && (d % 7 + 7 + 4) % 7 <= 5);
    ASSERT_INT_EQ(weekdays, 2609);
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2030, 1, 1, 0, 0, 0, H), at(2040, 1, 1, 0, 0, 0, H)),
                  weekdays * 8 * H);
    for (y = 2030; y < 2040; y++)
        for (m = 1; m <= 12; m++)
            sum += hd_calendar_between(&cal, at(y, m, 1, 0, 0, 0, H),
                                       m == 12 ? at(y + 1, 1, 1, 0, 0, 0, H)
                                               : at(y, m + 1, 1, 0, 0, 0, H));
    ASSERT_INT_EQ(sum, weekdays * 8 * H);
    hd_calendar_free_fields(&cal);

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, hol, 9));
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2023, 1, 1, 0, 0, 0, H), at(2024, 1, 1, 0, 0, 0, H)),
                  (260 - 8) * 8 * H);
    /* Adding the whole year's business time from New Year lands at the last closing. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2023, 1, 1, 0, 0, 0, H), (260 - 8) * 8 * H),
                  at(2023, 12, 29, 17, 0, 0, H));
    hd_calendar_free_fields(&cal);
}

/*
 * An independent model: minute by minute, the local wall time from
 * hd_tz_offset (tested on its own in test_tz.c) decides whether a minute is
 * open. is_open, between and add must agree with it everywhere.
 */
static void check_against_model(const hd_calendar *cal, int64_t base, int n_min, const char *what)
{
    int *prefix = malloc(sizeof(int) * ((size_t)n_min + 1));
    int i, k, fails = 0;

    prefix[0] = 0;
    for (i = 0; i < n_min; i++) {
        int64_t t = base + (int64_t)i * 60;
        int64_t local = t + hd_tz_offset(cal->tz, t);
        int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
        int wd = (int)((day % 7 + 7 + 4) % 7);
        int mod = (int)((local - day * 86400) / 60);
        int32_t key = ymd(day);
        int open = (cal->weekdays >> wd & 1u) && mod >= cal->open_min && mod < cal->close_min;
        size_t h;

        for (h = 0; open && h < cal->n_holidays; h++)
            if (cal->holidays[h] == key)
                open = 0;
        if (hd_calendar_is_open(cal, t) != open && fails++ < 5)
            fprintf(stderr, "%s: minute %d (t=%lld): model says %d\n", what, i, (long long)t, open);
        prefix[i + 1] = prefix[i] + open;
    }
    for (k = 0; k < 400; k++) {
        int a = (int)rnd((uint64_t)n_min), b = (int)rnd((uint64_t)n_min + 1);
        int64_t got;

        if (b < a) {
            int tmp = a;

            a = b;
            b = tmp;
        }
        got = hd_calendar_between(cal, base + (int64_t)a * 60, base + (int64_t)b * 60);
        if (got != (int64_t)(prefix[b] - prefix[a]) * 60 && fails++ < 10)
            fprintf(stderr, "%s: between minutes %d..%d = %lld, model %d\n", what, a, b,
                    (long long)got, (prefix[b] - prefix[a]) * 60);
        /* add: the end of the s-th open minute from a (s = 0: the first open minute). */
        {
            int s = (int)rnd((uint64_t)(prefix[n_min] - prefix[a]) + 1), j = a;

            if (s == 0) {
                while (j < n_min && prefix[j + 1] == prefix[j])
                    j++;
            } else {
                while (prefix[j] - prefix[a] < s)
                    j++;
            }
            if (j < n_min || s > 0) {
                got = hd_calendar_add(cal, base + (int64_t)a * 60, (int64_t)s * 60);
                if (got != base + (int64_t)j * 60 && fails++ < 10)
                    fprintf(stderr, "%s: add(minute %d, %d min) = %lld, model minute %d\n", what, a,
                            s, (long long)got, j);
            }
        }
    }
    free(prefix);
    if (fails)
        FAIL_AT("%s: %d disagreements with the minute model", what, fails);
}

static void test_calendar__matches_minute_model(void)
{
    static const int32_t hol[] = {20240329, 20240401, 20241003, 20241031, 20450405};
    static const struct {
        int y, m, d;
    } starts[] = {{2024, 3, 1},   {2024, 3, 20}, {2024, 8, 30},
                  {2024, 10, 18}, {2045, 3, 18}, {2045, 10, 20}};
    hd_calendar cal;
    size_t i;
    int pass;

    for (pass = 0; pass < 5; pass++) {
        if (pass == 0)
            ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, hol, 5));
        else if (pass == 1)
            ASSERT_OK(make_cal(&cal, "America/New_York", MON_SAT, 8 * 60 + 30, 18 * 60, NULL, 0));
        else if (pass == 2)
            ASSERT_OK(make_cal(&cal, "Europe/Berlin", EVERY_DAY, 60, 240, hol, 5));
        else if (pass == 3) /* changes at 24:00 */
            ASSERT_OK(make_cal(&cal, "America/Santiago", MON_SAT, 0, 1440, NULL, 0));
        else /* changes at 00:00 */
            ASSERT_OK(make_cal(&cal, "America/Havana", MON_FRI | 1u, 0, 1440, NULL, 0));
        for (i = 0; i < HD_ARRAY_SIZE(starts); i++) {
            check_against_model(&cal, at(starts[i].y, starts[i].m, starts[i].d, 0, 0, 0, 0),
                                21 * 24 * 60, hd_tz_name(cal.tz));
            if (harness_current_failed)
                break;
        }
        hd_calendar_free_fields(&cal);
        if (harness_current_failed)
            return;
    }
}

/* between(start, add(start, s)) == s, over many random starts and durations. */
static void test_calendar__add_between_roundtrip(void)
{
    static const int32_t hol[] = {20241225, 20241226, 20250101, 20300419, 20371225, 20450101};
    hd_calendar cal;
    int pass, i;

    for (pass = 0; pass < 4; pass++) {
        if (pass == 0)
            ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, hol, 6));
        else if (pass == 1)
            ASSERT_OK(make_cal(&cal, "America/New_York", MON_SAT, 8 * 60 + 30, 18 * 60, hol, 6));
        else if (pass == 2)
            ASSERT_OK(make_cal(&cal, "+05:30", SUN_THU, 10 * 60, 19 * 60, NULL, 0));
        else
            ASSERT_OK(make_cal(&cal, "Europe/Berlin", EVERY_DAY, 60, 240, hol, 6));
        for (i = 0; i < 3000; i++) {
            int64_t start = at(2020, 1, 1, 0, 0, 0, 0) + (int64_t)rnd(30ull * 365 * 86400);
            int64_t s = i % 10 == 0 ? 0 : (int64_t)rnd(i % 3 ? 200ull * H : 3000ull * H);
            int64_t end = hd_calendar_add(&cal, start, s);
            int64_t mid = start + (int64_t)rnd((uint64_t)(end - start) + 1);

            if (hd_calendar_between(&cal, start, end) != s)
                FAIL_AT("%s: between(%lld, add(%lld, %lld) = %lld) = %lld", hd_tz_name(cal.tz),
                        (long long)start, (long long)start, (long long)s, (long long)end,
                        (long long)hd_calendar_between(&cal, start, end));
            ASSERT(end >= start);
            ASSERT(hd_calendar_is_open(&cal, s > 0 ? end - 1 : end));
            ASSERT_INT_EQ(
                hd_calendar_between(&cal, start, mid) + hd_calendar_between(&cal, mid, end), s);
        }
        hd_calendar_free_fields(&cal);
    }
}

/* Zones that change at midnight: a whole-day window gains or loses the hour. */
static void test_calendar__midnight_transitions(void)
{
    hd_calendar cal;
    int64_t a, b;
    int i;

    /* Santiago, Saturday 2024-04-06: 24:00 -03 falls back to 23:00 -04; Saturday lasts 25 h. */
    ASSERT_OK(make_cal(&cal, "America/Santiago", 1u << 6, 0, 1440, NULL, 0));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 30, 0, 0, 0, 0), at(2024, 4, 13, 0, 0, 0, 0)),
        24 * H + 25 * H);
    ASSERT(hd_calendar_is_open(&cal, at(2024, 4, 7, 3, 30, 0, 0))); /* 23:30 -04, Saturday */
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 4, 7, 4, 0, 0, 0)));
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 4, 6, 0, 0, 0, -3 * H), 25 * H),
                  at(2024, 4, 7, 0, 0, 0, -4 * H));
    hd_calendar_free_fields(&cal);

    /* Every day, whole days: plain elapsed time, whatever the offsets do. */
    ASSERT_OK(make_cal(&cal, "America/Santiago", EVERY_DAY, 0, 1440, NULL, 0));
    for (i = 0; i < 300; i++) {
        a = at(2020, 1, 1, 0, 0, 0, 0) + (int64_t)rnd(30ull * 365 * 86400);
        b = a + (int64_t)rnd(400ull * 86400);
        ASSERT_INT_EQ(hd_calendar_between(&cal, a, b), b - a);
        ASSERT_INT_EQ(hd_calendar_add(&cal, a, b - a), b);
    }
    hd_calendar_free_fields(&cal);

    /* Havana, Sunday 2024-03-10: 00:00 CST jumps to 01:00 CDT; Sunday lasts 23 h. */
    ASSERT_OK(make_cal(&cal, "America/Havana", 1u << 0, 0, 1440, NULL, 0));
    ASSERT_INT_EQ(
        hd_calendar_between(&cal, at(2024, 3, 9, 0, 0, 0, 0), at(2024, 3, 12, 0, 0, 0, 0)), 23 * H);
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2024, 3, 9, 12, 0, 0, -5 * H), 0),
                  at(2024, 3, 10, 1, 0, 0, -4 * H));
    hd_calendar_free_fields(&cal);
}

static void test_calendar__limits(void)
{
    int32_t *hol;
    int64_t d, first = days_to(2030, 1, 1), r, s;
    size_t n = 0;
    hd_calendar cal;

    /* No open weekday, or hours past midnight: never open. */
    ASSERT_OK(make_cal(&cal, "UTC", 0, 9 * 60, 17 * 60, NULL, 0));
    ASSERT(hd_calendar_add(&cal, 0, H) == INT64_MAX);
    ASSERT_INT_EQ(hd_calendar_between(&cal, 0, at(2030, 1, 1, 0, 0, 0, 0)), 0);
    ASSERT(!hd_calendar_is_open(&cal, at(2024, 6, 10, 12, 0, 0, 0)));
    cal.weekdays = MON_FRI;
    cal.close_min = 1500;
    ASSERT(hd_calendar_add(&cal, 0, H) == INT64_MAX);
    hd_calendar_free_fields(&cal);

    /* Eleven years of holidays: closed for more than 3700 days in a row. */
    hol = malloc(sizeof(int32_t) * 5000);
    for (d = first; d < days_to(2041, 1, 1); d++)
        hol[n++] = ymd(d);
    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, hol, n));
    free(hol);
    ASSERT(hd_calendar_add(&cal, at(2030, 1, 1, 0, 0, 0, 0), H) == INT64_MAX);
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2030, 1, 1, 0, 0, 0, 0), at(2041, 1, 1, 0, 0, 0, 0)),
                  0);
    /* The last working day before them still counts. */
    ASSERT_INT_EQ(hd_calendar_add(&cal, at(2029, 12, 31, 16, 0, 0, H), H),
                  at(2029, 12, 31, 17, 0, 0, H));
    hd_calendar_free_fields(&cal);

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    /* Past the year 9999. */
    ASSERT(hd_calendar_add(&cal, at(9999, 12, 30, 12, 0, 0, 0), 100 * H) == INT64_MAX);
    ASSERT(hd_calendar_add(&cal, INT64_MAX - 5, 0) == INT64_MAX);
    /* Centuries of business time still add up. */
    s = 200000LL * 8 * H;
    r = hd_calendar_add(&cal, at(2024, 1, 1, 0, 0, 0, 0), s);
    ASSERT(r != INT64_MAX);
    ASSERT_INT_EQ(hd_calendar_between(&cal, at(2024, 1, 1, 0, 0, 0, 0), r), s);
    /* Unbounded ranges are clamped, not looped over forever, and stay additive. */
    d = at(2024, 6, 10, 12, 0, 0, 0);
    ASSERT(hd_calendar_between(&cal, INT64_MIN, INT64_MAX) > 0);
    ASSERT_INT_EQ(hd_calendar_between(&cal, INT64_MIN, d) + hd_calendar_between(&cal, d, INT64_MAX),
                  hd_calendar_between(&cal, INT64_MIN, INT64_MAX));
    ASSERT(!hd_calendar_is_open(&cal, INT64_MAX));
    hd_calendar_free_fields(&cal);
}

static void test_calendar__free_fields(void)
{
    hd_calendar cal;

    ASSERT_OK(make_cal(&cal, "Europe/Berlin", MON_FRI, 9 * 60, 17 * 60, NULL, 0));
    hd_calendar_free_fields(&cal);
    ASSERT(cal.name == NULL && cal.tz == NULL && cal.holidays == NULL && cal.n_holidays == 0);
    hd_calendar_free_fields(&cal);
    hd_calendar_free_fields(NULL);
}

int main(void)
{
    unsetenv("TZDIR");
    RUN(test_calendar__weekend);
    RUN(test_calendar__holidays);
    RUN(test_calendar__outside_hours);
    RUN(test_calendar__dst_berlin);
    RUN(test_calendar__dst_2045);
    RUN(test_calendar__dst_night_window);
    RUN(test_calendar__always_open);
    RUN(test_calendar__full_years);
    RUN(test_calendar__matches_minute_model);
    RUN(test_calendar__add_between_roundtrip);
    RUN(test_calendar__midnight_transitions);
    RUN(test_calendar__limits);
    RUN(test_calendar__free_fields);
    return harness_result();
}
