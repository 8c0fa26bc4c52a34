/*
 * test_tz.c - time zones: TZif parsing (system zones and hand-built files),
 * POSIX footer rules, fixed offsets, unsafe names, corrupt files, and the
 * gap / overlap rule of hd_tz_to_utc.
 *
 * Expected instants are spelled out as civil date, time and offset and
 * converted by at(), which counts days with plain loops and shares no code
 * with core/tz.c. System zones need the tz database installed (tzdata).
 */
#include "harness.h"
#include "hd/calendar.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define H 3600
#define M 60

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* UTC seconds of y-mo-d h:mi:s at `off` seconds east of UTC, by counting days. */
static int64_t at(int y, int mo, int d, int h, int mi, int s, int32_t off)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t days = 0;
    int k;

    for (k = 1970; k < y; k++)
        days += leap(k) ? 366 : 365;
    for (k = y; k < 1970; k++)
        days -= leap(k) ? 366 : 365;
    for (k = 1; k < mo; k++)
        days += mdays[k - 1] + (k == 2 && leap(y));
    days += d - 1;
    return days * 86400 + h * 3600 + mi * 60 + s - off;
}

/* A wall-clock time as hd_tz_to_utc takes it: seconds as if local were UTC. */
static int64_t wall(int y, int mo, int d, int h, int mi, int s)
{
    return at(y, mo, d, h, mi, s, 0);
}

/* ---- a scratch TZDIR for hand-made zone files ---- */

static char tmpdir[600];

static void make_tmpdir(void)
{
    const char *base = getenv("HD_TEST_TMP");
    char tmpl[600];

    if (tmpdir[0] != '\0')
        return;
    if (base == NULL || *base == '\0')
        base = "/tmp";
    snprintf(tmpl, sizeof(tmpl), "%s/hdtz.XXXXXX", base);
    if (mkdtemp(tmpl) == NULL) {
        /* HD_TEST_TMP may not exist yet outside CTest. */
        snprintf(tmpl, sizeof(tmpl), "/tmp/hdtz.XXXXXX");
        if (mkdtemp(tmpl) == NULL) {
            perror("mkdtemp");
            exit(2);
        }
    }
    snprintf(tmpdir, sizeof(tmpdir), "%s", tmpl);
}

static int write_zone(const char *name, const void *data, size_t len)
{
    char path[700];
    FILE *f;
    int ok;

    make_tmpdir();
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : -1;
}

static void remove_zone(const char *name)
{
    char path[700];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    remove(path);
}

/* Loads `name` from the scratch directory, then restores the system TZDIR. */
static int load_scratch(hd_tz **out, const char *name)
{
    int rc;

    make_tmpdir();
    setenv("TZDIR", tmpdir, 1);
    rc = hd_tz_load(out, name);
    unsetenv("TZDIR");
    return rc;
}

static unsigned char *read_system_zone(const char *name, size_t *len)
{
    char path[512];
    unsigned char *buf;
    FILE *f;

    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* ---- building TZif files ---- */

typedef struct zbuf {
    unsigned char b[4096];
    size_t n;
} zbuf;

static void put_be(zbuf *z, uint64_t v, int bytes)
{
    int i;

    for (i = bytes - 1; i >= 0; i--)
        z->b[z->n++] = (unsigned char)(v >> (8 * i));
}

static void put_header(zbuf *z, char version, uint32_t ntimes, uint32_t ntypes)
{
    memcpy(z->b + z->n, "TZif", 4);
    z->n += 4;
    z->b[z->n++] = (unsigned char)version;
    memset(z->b + z->n, 0, 15);
    z->n += 15;
    put_be(z, 0, 4);      /* isutcnt */
    put_be(z, 0, 4);      /* isstdcnt */
    put_be(z, 0, 4);      /* leapcnt */
    put_be(z, ntimes, 4); /* timecnt */
    put_be(z, ntypes, 4); /* typecnt */
    put_be(z, 4, 4);      /* charcnt */
}

static void put_block(zbuf *z, int tsize, size_t nt, const int64_t *times, const unsigned char *idx,
                      size_t ntypes, const int32_t *offs)
{
    size_t i;

    for (i = 0; i < nt; i++)
        put_be(z, (uint64_t)times[i], tsize);
    for (i = 0; i < nt; i++)
        z->b[z->n++] = idx[i];
    for (i = 0; i < ntypes; i++) {
        put_be(z, (uint64_t)(uint32_t)offs[i], 4);
        z->b[z->n++] = i > 0;
        z->b[z->n++] = 0;
    }
    memcpy(z->b + z->n, "ABC", 4);
    z->n += 4;
}

/* A version 2 file: the same data in both blocks, then "\n" footer "\n". */
static void build_v2(zbuf *z, size_t nt, const int64_t *times, const unsigned char *idx,
                     size_t ntypes, const int32_t *offs, const char *footer)
{
    z->n = 0;
    put_header(z, '2', (uint32_t)nt, (uint32_t)ntypes);
    put_block(z, 4, nt, times, idx, ntypes, offs);
    put_header(z, '2', (uint32_t)nt, (uint32_t)ntypes);
    put_block(z, 8, nt, times, idx, ntypes, offs);
    z->b[z->n++] = '\n';
    memcpy(z->b + z->n, footer, strlen(footer));
    z->n += strlen(footer);
    z->b[z->n++] = '\n';
}

/* A zone with no transitions at all: only its footer rule speaks. */
static int load_rule(hd_tz **out, const char *footer)
{
    static const int32_t offs[1] = {0};
    zbuf z;

    build_v2(&z, 0, NULL, NULL, 1, offs, footer);
    if (write_zone("Rule", z.b, z.n) != 0)
        return -100;
    return load_scratch(out, "Rule");
}

/* ---- tests ---- */

static void test_tz__utc_needs_no_files(void)
{
    static const char *const names[] = {"UTC", "Etc/UTC", "GMT"};
    hd_tz *tz = NULL;
    size_t i;

    setenv("TZDIR", "/nonexistent/zoneinfo", 1);
    for (i = 0; i < HD_ARRAY_SIZE(names); i++) {
        int rc = hd_tz_load(&tz, names[i]);

        if (rc != 0)
            unsetenv("TZDIR");
        ASSERT_OK(rc);
        ASSERT_STR_EQ(hd_tz_name(tz), names[i]);
        ASSERT_INT_EQ(hd_tz_offset(tz, 0), 0);
        ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 7, 1, 12, 0, 0, 0)), 0);
        ASSERT_INT_EQ(hd_tz_offset(tz, INT64_MIN), 0);
        ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 31, 2, 30, 0)), at(2024, 3, 31, 2, 30, 0, 0));
        ASSERT(hd_tz_next_transition(tz, 0) == INT64_MAX);
        hd_tz_free(tz);
        tz = NULL;
    }
    unsetenv("TZDIR");
}

static void test_tz__fixed_offsets(void)
{
    static const struct {
        const char *name;
        int32_t off;
    } good[] = {
        {"+08:00", 8 * H},
        {"-05:30", -(5 * H + 30 * M)},
        {"+0800", 8 * H},
        {"-0530", -(5 * H + 30 * M)},
        {"+05:45", 5 * H + 45 * M},
        {"+8", 8 * H},
        {"-00:00", 0},
        {"+14:00", 14 * H},
        {"-09:30:15", -(9 * H + 30 * M + 15)},
    };
    static const char *const bad[] = {"+24:00",    "+08:60", "+8:0",   "+08:00x",
                                      "+",         "-",      "+123",   "++08",
                                      "+08:00:60", "+08:",   "+08 00", "-0800-"};
    hd_tz *tz;
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(good); i++) {
        tz = NULL;
        ASSERT_OK(hd_tz_load(&tz, good[i].name));
        ASSERT_STR_EQ(hd_tz_name(tz), good[i].name);
        ASSERT_INT_EQ(hd_tz_offset(tz, at(2024, 6, 1, 0, 0, 0, 0)), good[i].off);
        ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 12, 31, 23, 0, 0, 0)), good[i].off);
        ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 10, 2, 30, 0)),
                      at(2024, 3, 10, 2, 30, 0, good[i].off));
        hd_tz_free(tz);
    }
    for (i = 0; i < HD_ARRAY_SIZE(bad); i++) {
        tz = (hd_tz *)&tz; /* must be reset to NULL on failure */
        if (hd_tz_load(&tz, bad[i]) != HD_EINVAL)
            FAIL_AT("'%s' was not rejected with HD_EINVAL", bad[i]);
        ASSERT(tz == NULL);
    }
}

static void test_tz__bad_names(void)
{
    static const struct {
        const char *name;
        int err;
    } cases[] = {
        {"../etc/passwd", HD_EINVAL},
        {"/etc/passwd", HD_EINVAL},
        {"Europe/../../etc/passwd", HD_EINVAL},
        {"Europe/..", HD_EINVAL},
        {"Europe/./Berlin", HD_EINVAL},
        {".hidden", HD_EINVAL},
        {"Europe//Berlin", HD_EINVAL},
        {"Europe/Berlin/", HD_EINVAL},
        {"Europe/Ber lin", HD_EINVAL},
        {"Europe\\Berlin", HD_EINVAL},
        {"", HD_EINVAL},
        {"Nope/Zone", HD_ENOTFOUND},
        {"Europe/Berlin/x", HD_ENOTFOUND},
        {"Europe", HD_ENOTFOUND}, /* a directory, not a zone */
    };
    char longname[400];
    hd_tz *tz;
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(cases); i++) {
        int rc;

        tz = (hd_tz *)&tz;
        rc = hd_tz_load(&tz, cases[i].name);
        if (rc != cases[i].err)
            FAIL_AT("'%s': got %d, want %d (%s)", cases[i].name, rc, cases[i].err, hd_error_last());
        ASSERT(tz == NULL);
        ASSERT(strlen(hd_error_last()) > 0);
    }
    ASSERT_INT_EQ(hd_tz_load(&tz, NULL), HD_EINVAL);
    ASSERT(tz == NULL);
    memset(longname, 'A', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    ASSERT_INT_EQ(hd_tz_load(&tz, longname), HD_EINVAL);
    hd_tz_free(NULL);
}

static void test_tz__berlin_transitions(void)
{
    int64_t spring = at(2024, 3, 31, 1, 0, 0, 0), autumn = at(2024, 10, 27, 1, 0, 0, 0);
    hd_tz *tz = NULL;

    ASSERT_OK(hd_tz_load(&tz, "Europe/Berlin"));
    ASSERT_STR_EQ(hd_tz_name(tz), "Europe/Berlin");
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2024, 1, 15, 12, 0, 0, 0)), 1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, spring - 1), 1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, spring), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, autumn - 1), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, autumn), 1 * H);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, at(2024, 1, 15, 0, 0, 0, 0)), spring);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, spring - 1), spring);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, spring), autumn);
    /* Historical: 1945 had "midsummer" time, UTC+3. */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(1945, 6, 1, 12, 0, 0, 0)), 3 * H);

    /* Spring: 02:00 CET jumps to 03:00 CEST. */
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 31, 1, 59, 59)), at(2024, 3, 31, 1, 59, 59, H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 31, 2, 0, 0)), at(2024, 3, 31, 2, 0, 0, H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 31, 2, 30, 0)), at(2024, 3, 31, 1, 30, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 31, 3, 0, 0)), at(2024, 3, 31, 3, 0, 0, 2 * H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 31, 3, 30, 0)), at(2024, 3, 31, 1, 30, 0, 0));
    /* Autumn: 03:00 CEST falls back to 02:00 CET; 02:xx happens twice. */
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 10, 27, 1, 59, 59)),
                  at(2024, 10, 27, 1, 59, 59, 2 * H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 10, 27, 2, 0, 0)), at(2024, 10, 27, 0, 0, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 10, 27, 2, 30, 0)), at(2024, 10, 27, 0, 30, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 10, 27, 2, 59, 59)), at(2024, 10, 27, 0, 59, 59, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 10, 27, 3, 0, 0)), at(2024, 10, 27, 3, 0, 0, H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 7, 1, 9, 0, 0)), at(2024, 7, 1, 9, 0, 0, 2 * H));
    hd_tz_free(tz);
}

static void test_tz__new_york_transitions(void)
{
    int64_t spring = at(2024, 3, 10, 7, 0, 0, 0), autumn = at(2024, 11, 3, 6, 0, 0, 0);
    hd_tz *tz = NULL;

    ASSERT_OK(hd_tz_load(&tz, "America/New_York"));
    ASSERT_INT_EQ(hd_tz_offset(tz, spring - 1), -5 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, spring), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, autumn - 1), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, autumn), -5 * H);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, at(2024, 1, 1, 0, 0, 0, 0)), spring);
    /* Gap: 02:30 does not exist; it maps as if still EST. */
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 10, 2, 30, 0)), at(2024, 3, 10, 7, 30, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 10, 1, 59, 0)), at(2024, 3, 10, 1, 59, 0, -5 * H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 3, 10, 3, 0, 0)), at(2024, 3, 10, 3, 0, 0, -4 * H));
    /* Overlap: 01:30 happens twice; the EDT one is earlier. */
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 11, 3, 1, 30, 0)), at(2024, 11, 3, 5, 30, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 11, 3, 0, 59, 0)), at(2024, 11, 3, 4, 59, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 11, 3, 2, 0, 0)), at(2024, 11, 3, 7, 0, 0, 0));
    hd_tz_free(tz);
}

static void test_tz__shanghai(void)
{
    hd_tz *tz = NULL;

    ASSERT_OK(hd_tz_load(&tz, "Asia/Shanghai"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2024, 3, 31, 1, 0, 0, 0)), 8 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2024, 10, 27, 1, 0, 0, 0)), 8 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 7, 1, 0, 0, 0, 0)), 8 * H);
    /* China observed DST from 1986 to 1991. */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(1988, 7, 1, 0, 0, 0, 0)), 9 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(1988, 12, 1, 0, 0, 0, 0)), 8 * H);
    ASSERT(hd_tz_next_transition(tz, at(2000, 1, 1, 0, 0, 0, 0)) == INT64_MAX);
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2024, 6, 1, 9, 0, 0)), at(2024, 6, 1, 1, 0, 0, 0));
    hd_tz_free(tz);
}

/* 2045 is past the last transition of any installed file: the footer rule answers. */
static void test_tz__year_2045_from_footer(void)
{
    hd_tz *tz = NULL;

    ASSERT_OK(hd_tz_load(&tz, "Europe/Berlin"));
    /* Last Sundays: 2045-03-26 and 2045-10-29, at 01:00 UTC. */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 3, 26, 0, 59, 59, 0)), 1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 3, 26, 1, 0, 0, 0)), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 10, 29, 0, 59, 59, 0)), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 10, 29, 1, 0, 0, 0)), 1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 3, 19, 12, 0, 0, 0)), 1 * H);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, at(2045, 1, 1, 0, 0, 0, 0)),
                  at(2045, 3, 26, 1, 0, 0, 0));
    ASSERT_INT_EQ(hd_tz_next_transition(tz, at(2045, 3, 26, 1, 0, 0, 0)),
                  at(2045, 10, 29, 1, 0, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2045, 3, 26, 2, 30, 0)), at(2045, 3, 26, 1, 30, 0, 0));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2045, 10, 29, 2, 30, 0)), at(2045, 10, 29, 0, 30, 0, 0));
    /* Far future: 2300-03-25 is the last Sunday of March (the 31st is a Saturday). */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2300, 3, 25, 0, 59, 59, 0)), 1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2300, 3, 25, 1, 0, 0, 0)), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2300, 3, 31, 12, 0, 0, 0)), 2 * H);
    hd_tz_free(tz);

    ASSERT_OK(hd_tz_load(&tz, "America/New_York"));
    /* 2045-03-12 and 2045-11-05 are the second and first Sundays. */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 3, 12, 1, 59, 59, -5 * H)), -5 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 3, 12, 2, 0, 0, -5 * H)), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 11, 5, 1, 59, 59, -4 * H)), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 11, 5, 2, 0, 0, -4 * H)), -5 * H);
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2045, 11, 5, 1, 30, 0)), at(2045, 11, 5, 1, 30, 0, -4 * H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2045, 3, 12, 2, 30, 0)), at(2045, 3, 12, 2, 30, 0, -5 * H));
    hd_tz_free(tz);
}

static void test_tz__footer_rule_forms(void)
{
    hd_tz *tz = NULL;

    /* No DST at all. */
    ASSERT_OK(load_rule(&tz, "<+08>-8"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(1900, 1, 1, 0, 0, 0, 0)), 8 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 7, 1, 0, 0, 0, 0)), 8 * H);
    ASSERT(hd_tz_next_transition(tz, 0) == INT64_MAX);
    hd_tz_free(tz);

    /* US rules, written out and implied. */
    ASSERT_OK(load_rule(&tz, "EST5EDT,M3.2.0,M11.1.0"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 3, 10, 6, 59, 59, 0)), -5 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 3, 10, 7, 0, 0, 0)), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 11, 3, 5, 59, 59, 0)), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 11, 3, 6, 0, 0, 0)), -5 * H);
    hd_tz_free(tz);
    ASSERT_OK(load_rule(&tz, "EST5EDT"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 3, 10, 7, 0, 0, 0)), -4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 11, 3, 6, 0, 0, 0)), -5 * H);
    hd_tz_free(tz);

    /* Negative and zero times (America/Nuuk): both changes at 01:00 UTC. */
    ASSERT_OK(load_rule(&tz, "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 3, 31, 0, 59, 59, 0)), -2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 3, 31, 1, 0, 0, 0)), -1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 10, 27, 0, 59, 59, 0)), -1 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 10, 27, 1, 0, 0, 0)), -2 * H);
    hd_tz_free(tz);

    /*
     * Jn never counts February 29: J60 is March 1 in every year. Start at
     * 26:00 CET-like (+2): March 2 00:00 UTC. End J300 (October 27) at
     * -03:00 of +3: October 26 18:00 UTC.
     */
    ASSERT_OK(load_rule(&tz, "XXX-2YYY,J60/26,J300/-3"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 3, 1, 23, 59, 59, 0)), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 3, 2, 0, 0, 0, 0)), 3 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2029, 3, 1, 23, 59, 59, 0)), 2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2029, 3, 2, 0, 0, 0, 0)), 3 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 10, 26, 17, 59, 59, 0)), 3 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 10, 26, 18, 0, 0, 0)), 2 * H);
    hd_tz_free(tz);

    /*
     * Zero-based n counts February 29: day 59 is February 29 in 2028 and
     * March 1 in 2029; day 299 is October 26 in 2028. UTC-3, DST UTC-2.
     */
    ASSERT_OK(load_rule(&tz, "AAA3BBB,59,299/1:30"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 2, 29, 4, 59, 59, 0)), -3 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 2, 29, 5, 0, 0, 0)), -2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2029, 2, 28, 12, 0, 0, 0)), -3 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2029, 3, 1, 5, 0, 0, 0)), -2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 10, 26, 3, 29, 59, 0)), -2 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2028, 10, 26, 3, 30, 0, 0)), -3 * H);
    hd_tz_free(tz);

    /* Southern hemisphere, half-hour DST (Australia/Lord_Howe). */
    ASSERT_OK(load_rule(&tz, "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 1, 1, 0, 0, 0, 0)), 11 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 7, 1, 0, 0, 0, 0)), 10 * H + 30 * M);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 4, 6, 14, 59, 59, 0)), 11 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 4, 6, 15, 0, 0, 0)), 10 * H + 30 * M);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 10, 5, 15, 29, 59, 0)), 10 * H + 30 * M);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 10, 5, 15, 30, 0, 0)), 11 * H);
    /* 01:30 on April 7 is ambiguous (the +11 one first); 02:15 on October 6 is skipped. */
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2030, 4, 7, 1, 45, 0)), at(2030, 4, 7, 1, 45, 0, 11 * H));
    ASSERT_INT_EQ(hd_tz_to_utc(tz, wall(2030, 10, 6, 2, 15, 0)),
                  at(2030, 10, 6, 2, 15, 0, 10 * H + 30 * M));
    hd_tz_free(tz);

    /* Daylight time all year, written as tzcode does: no change ever. */
    ASSERT_OK(load_rule(&tz, "<+03>-3<+04>,0/0,J365/25"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 1, 1, 0, 30, 0, 4 * H)), 4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 7, 1, 0, 0, 0, 0)), 4 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2030, 12, 31, 23, 30, 0, 4 * H)), 4 * H);
    ASSERT(hd_tz_next_transition(tz, at(2030, 6, 1, 0, 0, 0, 0)) == INT64_MAX);
    hd_tz_free(tz);
    remove_zone("Rule");
}

static void test_tz__bad_footer_rules(void)
{
    static const char *const bad[] = {
        "CET",
        "CET-1CEST,M3.5.0",
        "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,J0,J10",
        "CET-1CEST,J366,J10",
        "CET-1CEST,366,10",
        "CET-1CEST,M3.5.0/168,M10.5.0",
        "<>-1",
        "CE-1",
        "CET-25",
        "CET-1CEST,M3.5.0,M10.5.0x",
        "<+08-8",
        "CET-1CEST,M3.5.0,M10.5.0/3:",
    };
    hd_tz *tz;
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(bad); i++) {
        tz = NULL;
        if (load_rule(&tz, bad[i]) != HD_EPARSE)
            FAIL_AT("footer '%s' was not rejected", bad[i]);
        ASSERT(tz == NULL);
    }
    remove_zone("Rule");
}

/* Version 1 files have 32-bit times and no footer: the last type stays in force. */
static void test_tz__version1_file(void)
{
    static const int64_t times[2] = {1000000000, 1100000000};
    static const unsigned char idx[2] = {1, 0};
    static const int32_t offs[2] = {3600, 7200};
    hd_tz *tz = NULL;
    zbuf z;

    z.n = 0;
    put_header(&z, '\0', 2, 2);
    put_block(&z, 4, 2, times, idx, 2, offs);
    ASSERT(write_zone("Old", z.b, z.n) == 0);
    ASSERT_OK(load_scratch(&tz, "Old"));
    ASSERT_INT_EQ(hd_tz_offset(tz, 999999999), 3600);
    ASSERT_INT_EQ(hd_tz_offset(tz, 1000000000), 7200);
    ASSERT_INT_EQ(hd_tz_offset(tz, 1099999999), 7200);
    ASSERT_INT_EQ(hd_tz_offset(tz, 1100000000), 3600);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 1, 1, 0, 0, 0, 0)), 3600);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, 0), 1000000000);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, 1000000000), 1100000000);
    ASSERT(hd_tz_next_transition(tz, 1100000000) == INT64_MAX);
    /* The jump at 10^9 skips local [10^9 + 3600, 10^9 + 7200). */
    ASSERT_INT_EQ(hd_tz_to_utc(tz, 1000000000 + 5400), 1000000000 + 1800);
    hd_tz_free(tz);
    remove_zone("Old");
}

/* A table that ends, then a rule that takes over (like every slim file). */
static void test_tz__table_then_rule(void)
{
    int64_t times[2];
    static const unsigned char idx[2] = {1, 0};
    static const int32_t offs[2] = {0, 3600};
    hd_tz *tz = NULL;
    zbuf z;

    times[0] = at(2000, 6, 1, 0, 0, 0, 0);
    times[1] = at(2001, 1, 1, 0, 0, 0, 0);
    build_v2(&z, 2, times, idx, 2, offs, "<+05>-5<+06>,M4.1.0/0,M9.1.0/0");
    ASSERT(write_zone("Mixed", z.b, z.n) == 0);
    ASSERT_OK(load_scratch(&tz, "Mixed"));
    ASSERT_INT_EQ(hd_tz_offset(tz, at(1999, 7, 1, 0, 0, 0, 0)), 0);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2000, 7, 1, 0, 0, 0, 0)), 3600);
    /* From 2001 on the rule: 2001-04-01 and 2001-09-02 are first Sundays. */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2001, 1, 1, 0, 0, 1, 0)), 5 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2001, 3, 31, 18, 59, 59, 0)), 5 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2001, 3, 31, 19, 0, 0, 0)), 6 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2001, 9, 1, 17, 59, 59, 0)), 6 * H);
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2001, 9, 1, 18, 0, 0, 0)), 5 * H);
    ASSERT_INT_EQ(hd_tz_next_transition(tz, at(2000, 12, 31, 0, 0, 0, 0)),
                  at(2001, 1, 1, 0, 0, 0, 0));
    ASSERT_INT_EQ(hd_tz_next_transition(tz, at(2001, 1, 1, 0, 0, 0, 0)),
                  at(2001, 3, 31, 19, 0, 0, 0));
    hd_tz_free(tz);
    remove_zone("Mixed");
}

/* Every way a file can be cut short or lie about its size is HD_EPARSE, never a crash. */
static void test_tz__corrupt_files(void)
{
    static const int64_t times[1] = {1000000000};
    static const unsigned char idx[1] = {0};
    static const int32_t offs[1] = {3600};
    unsigned char *berlin, *copy;
    size_t len = 0, cut, i;
    uint32_t seed = 12345;
    hd_tz *tz;
    zbuf z;

    berlin = read_system_zone("Europe/Berlin", &len);
    ASSERT(berlin != NULL && len > 100);
    for (cut = 0; cut < len; cut++) {
        int rc;

        ASSERT(write_zone("Cut", berlin, cut) == 0);
        tz = (hd_tz *)&tz;
        rc = load_scratch(&tz, "Cut");
        if (rc != HD_EPARSE) {
            free(berlin);
            FAIL_AT("Berlin cut to %zu bytes: got %d, want HD_EPARSE", cut, rc);
        }
        ASSERT(tz == NULL);
    }
    ASSERT(write_zone("Cut", berlin, len) == 0);
    ASSERT_OK(load_scratch(&tz, "Cut"));
    hd_tz_free(tz);

    /* Random byte damage: whatever loads must answer queries without crashing. */
    copy = malloc(len);
    for (i = 0; i < 3000; i++) {
        size_t k, flips = 1 + i % 4;
        int rc;

        memcpy(copy, berlin, len);
        for (k = 0; k < flips; k++) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % len] ^= (unsigned char)(1u << ((seed >> 4) % 8));
        }
        ASSERT(write_zone("Flip", copy, len) == 0);
        tz = NULL;
        rc = load_scratch(&tz, "Flip");
        ASSERT(rc == 0 || rc == HD_EPARSE);
        if (rc == 0) {
            int64_t t;

            for (t = at(1900, 1, 1, 0, 0, 0, 0); t < at(2100, 1, 1, 0, 0, 0, 0); t += 86400 * 378)
                (void)hd_tz_to_utc(tz, t + hd_tz_offset(tz, t) +
                                           (int64_t)hd_tz_next_transition(tz, t) % 7);
            hd_tz_free(tz);
        }
    }
    free(copy);
    free(berlin);
    remove_zone("Flip");
    remove_zone("Cut");

    /* Hand-made lies. */
    z.n = 0;
    put_header(&z, '\0', 1, 1);
    put_block(&z, 4, 1, times, (const unsigned char[]){1}, 1, offs); /* type index 1 of 1 */
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    z.n = 0;
    put_header(&z, '\0', 1, 0); /* no time types */
    put_block(&z, 4, 1, times, idx, 0, offs);
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    z.n = 0;
    put_header(&z, '\0', 0xffffffffu, 1); /* a count far past the end */
    put_block(&z, 4, 1, times, idx, 1, offs);
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    z.n = 0;
    put_header(&z, '\0', 2, 1); /* transitions out of order */
    put_block(&z, 4, 2, (const int64_t[]){20, 10}, (const unsigned char[]){0, 0}, 1, offs);
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    z.n = 0;
    put_header(&z, '\0', 1, 1); /* an offset of 30 hours */
    put_block(&z, 4, 1, times, idx, 1, (const int32_t[]){30 * H});
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    build_v2(&z, 1, times, idx, 1, offs, "CET-1");
    z.b[0] = 'X'; /* bad magic */
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    build_v2(&z, 1, times, idx, 1, offs, "CET-1");
    z.n--; /* footer not terminated */
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_INT_EQ(load_scratch(&tz, "Bad"), HD_EPARSE);

    build_v2(&z, 1, times, idx, 1, offs, "");
    ASSERT(write_zone("Bad", z.b, z.n) == 0);
    ASSERT_OK(load_scratch(&tz, "Bad")); /* an empty footer is allowed: no rule */
    ASSERT_INT_EQ(hd_tz_offset(tz, at(2045, 1, 1, 0, 0, 0, 0)), 3600);
    hd_tz_free(tz);
    remove_zone("Bad");
}

int main(void)
{
    unsetenv("TZDIR");
    RUN(test_tz__utc_needs_no_files);
    RUN(test_tz__fixed_offsets);
    RUN(test_tz__bad_names);
    RUN(test_tz__berlin_transitions);
    RUN(test_tz__new_york_transitions);
    RUN(test_tz__shanghai);
    RUN(test_tz__year_2045_from_footer);
    RUN(test_tz__footer_rule_forms);
    RUN(test_tz__bad_footer_rules);
    RUN(test_tz__version1_file);
    RUN(test_tz__table_then_rule);
    RUN(test_tz__corrupt_files);
    if (tmpdir[0] != '\0')
        rmdir(tmpdir);
    return harness_result();
}
