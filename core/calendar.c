/*
 * calendar.c - business-hours arithmetic on service calendars: when a
 * number of open seconds will have elapsed, and how many elapsed between
 * two instants. SLA targets are measured with these.
 *
 * Open time is the union, over local days D, of D's window [open, close)
 * when D is an open weekday and not a holiday. Each window's ends come from
 * hd_tz_to_utc, so a window stays 09:00-17:00 on the wall clock across DST
 * changes. Near a DST change days are walked one at a time; a long stretch
 * of constant offset is measured arithmetically instead (open weekdays
 * times the window length, less the holidays in it), which keeps both
 * "add 40 hours" and "business time over ten years" to a few microseconds.
 * Days are counted from 1970-01-01 with integer civil-date conversions; the
 * C library's time zone machinery is never used.
 */
#include "hd/calendar.h"

#include "civil.h"

#define DAY_SECS 86400
/* 0001-01-01 and 10000-01-01 as days since 1970-01-01. */
#define FIRST_DAY ((int64_t)-719162)
#define END_DAY ((int64_t)2932897)
#define FIRST_INSTANT ((FIRST_DAY - 2) * DAY_SECS)
#define END_INSTANT ((END_DAY + 2) * DAY_SECS)
#define MAX_CLOSED_DAYS 3700
/* A run must start this long after the zone's last change (any offset gap is below 52 h). */
#define RUN_MARGIN (3 * (int64_t)DAY_SECS)
/* Generous: 8000 years of twice-yearly DST changes take about 10^5 steps. */
#define MAX_STEPS 10000000L

/* A stretch of days [day, day + n) whose windows all fall in one segment of offset `off`. */
typedef struct run {
    int64_t day;
    int64_t n;
    int32_t off;
} run;

/* The date of `days` as YYYYMMDD (days within years 1..10000). */
static int32_t ymd_of(int64_t days)
{
    int64_t y;
    int m, d;

    hd_civil__date_of(days, &y, &m, &d);
    return (int32_t)(y * 10000 + m * 100 + d);
}

/* YYYYMMDD to days, or 0 with *ok = 0 for an impossible date. */
static int64_t day_of_ymd(int32_t v, int *ok)
{
    int y = v / 10000, m = v / 100 % 100, d = v % 100;

    *ok = v > 0 && m >= 1 && m <= 12 && d >= 1 && d <= hd_civil__days_in_month(y, m);
    return *ok ? hd_civil__days_from(y, m, d) : 0;
}

static int usable(const hd_calendar *cal)
{
    return cal->tz != NULL && (cal->weekdays & 0x7f) != 0 && cal->open_min >= 0 &&
           cal->close_min <= 1440 && cal->open_min < cal->close_min;
}

/* The first holiday index whose date is >= key. */
static size_t holiday_lower_bound(const hd_calendar *cal, int32_t key)
{
    size_t lo = 0, hi = cal->n_holidays;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cal->holidays[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int day_is_open(const hd_calendar *cal, int64_t day)
{
    int32_t key;
    size_t i;

    if (!(cal->weekdays >> hd_civil__weekday(day) & 1u))
        return 0;
    if (cal->n_holidays == 0)
        return 1;
    key = ymd_of(day);
    i = holiday_lower_bound(cal, key);
    return !(i < cal->n_holidays && cal->holidays[i] == key);
}

static void day_window(const hd_calendar *cal, int64_t day, int64_t *open, int64_t *close)
{
    *open = hd_tz_to_utc(cal->tz, day * DAY_SECS + (int64_t)cal->open_min * 60);
    *close = hd_tz_to_utc(cal->tz, day * DAY_SECS + (int64_t)cal->close_min * 60);
}

static int64_t local_day(const hd_tz *tz, int64_t t)
{
    return hd_civil__floor_div(t + hd_tz_offset(tz, t), DAY_SECS);
}

/* Open days in [day, day + n): open weekdays less distinct holidays on them. */
static int64_t open_days(const hd_calendar *cal, int64_t day, int64_t n)
{
    unsigned mask = cal->weekdays & 0x7f;
    int64_t count = 0, k;
    int wd = hd_civil__weekday(day), per_week = 0, i;
    size_t h, first;
    int32_t end_key;

    for (i = 0; i < 7; i++)
        per_week += (int)(mask >> i & 1u);
    count = n / 7 * per_week;
    for (k = 0; k < n % 7; k++)
        count += mask >> ((wd + k) % 7) & 1u;
    if (cal->n_holidays == 0 || n <= 0)
        return count;
    end_key = ymd_of(day + n);
    first = holiday_lower_bound(cal, ymd_of(day));
    for (h = first; h < cal->n_holidays && cal->holidays[h] < end_key; h++) {
        int ok;
        int64_t d = day_of_ymd(cal->holidays[h], &ok);

        if (!ok || (h > first && cal->holidays[h] == cal->holidays[h - 1]))
            continue;
        if (mask >> hd_civil__weekday(d) & 1u)
            count--;
    }
    return count;
}

static int64_t run_capacity(const hd_calendar *cal, int64_t day, int64_t n)
{
    return open_days(cal, day, n) * (int64_t)(cal->close_min - cal->open_min) * 60;
}

/*
 * Whether the days from `day` on form a run: the zone has kept one offset
 * since well before `day`'s local midnight (so no window is ambiguous) and
 * keeps it past the end of each window, and `cursor` is not past that
 * midnight. On failure *retry is the first day worth asking again.
 */
static int find_run(const hd_calendar *cal, int64_t day, int64_t cursor, run *r, int64_t *retry)
{
    int64_t mid = day * DAY_SECS, u, changed, next;
    int32_t off;

    u = hd_tz_to_utc(cal->tz, mid);
    off = hd_tz_offset(cal->tz, u);
    if (u != mid - off || cursor > u) {
        *retry = day + 1;
        return 0;
    }
    changed = hd_tz_next_transition(cal->tz, u - RUN_MARGIN);
    if (changed <= u) {
        *retry = hd_civil__floor_div(changed, DAY_SECS) + 5;
        return 0;
    }
    next = hd_tz_next_transition(cal->tz, u);
    r->day = day;
    r->off = off;
    /* The last window closes strictly before the change, so hd_tz_to_utc agrees with us. */
    r->n =
        next >= END_INSTANT ? END_DAY - day : hd_civil__floor_div(next + off - 1, DAY_SECS) - day;
    if (r->n > END_DAY - day)
        r->n = END_DAY - day;
    if (r->n < 2) {
        *retry = day + r->n + 4;
        return 0;
    }
    return 1;
}

void hd_calendar_free_fields(hd_calendar *cal)
{
    if (cal == NULL)
        return;
    hd_free(cal->name);
    hd_tz_free(cal->tz);
    hd_free(cal->holidays);
    cal->name = NULL;
    cal->tz = NULL;
    cal->holidays = NULL;
    cal->n_holidays = 0;
}

/* Within run `r`, the instant `secs` (> 0, at most its capacity) of open time past its start. */
static int64_t run_add(const hd_calendar *cal, const run *r, int64_t secs)
{
    int64_t lo = 1, hi = r->n, k, before;

    /* The fewest days whose capacity reaches secs. */
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;

        if (run_capacity(cal, r->day, mid) >= secs)
            hi = mid;
        else
            lo = mid + 1;
    }
    k = lo;
    before = run_capacity(cal, r->day, k - 1);
    return (r->day + k - 1) * DAY_SECS + (int64_t)cal->open_min * 60 - r->off + (secs - before);
}

int64_t hd_calendar_add(const hd_calendar *cal, int64_t start, int64_t business_secs)
{
    int64_t remaining = business_secs > 0 ? business_secs : 0;
    int64_t cursor, day, retry, closed = 0, open, close;
    long steps;
    run r;

    if (cal->always_open)
        return start > 0 && remaining > INT64_MAX - start ? INT64_MAX : start + remaining;
    if (!usable(cal) || start >= END_INSTANT)
        return INT64_MAX;
    if (start < FIRST_INSTANT)
        start = FIRST_INSTANT;
    cursor = start;
    day = local_day(cal->tz, start) - 1;
    if (day < FIRST_DAY)
        day = FIRST_DAY;
    retry = day;
    for (steps = 0; day < END_DAY && steps < MAX_STEPS; steps++) {
        if (day >= retry && find_run(cal, day, cursor, &r, &retry)) {
            /* Adding 0 asks for the first open instant: a capacity of at least 1. */
            int64_t need = remaining > 0 ? remaining : 1;
            int64_t cap = run_capacity(cal, r.day, r.n);

            if (cap >= need)
                return run_add(cal, &r, need) - (need - remaining);
            remaining -= cap;
            closed = cap > 0 ? 0 : closed + r.n;
            if (closed > MAX_CLOSED_DAYS)
                return INT64_MAX;
            day += r.n;
            retry = day;
            continue;
        }
        if (day_is_open(cal, day)) {
            day_window(cal, day, &open, &close);
            if (open < cursor)
                open = cursor;
            if (close > open) {
                if (remaining <= close - open)
                    return open + remaining;
                remaining -= close - open;
                cursor = close;
                closed = 0;
                day++;
                continue;
            }
        }
        if (++closed > MAX_CLOSED_DAYS)
            return INT64_MAX;
        day++;
    }
    return INT64_MAX;
}

int64_t hd_calendar_between(const hd_calendar *cal, int64_t from, int64_t to)
{
    int64_t total = 0, cursor, day, last, retry, open, close, k;
    long steps;
    run r;

    if (to <= from)
        return 0;
    if (cal->always_open)
        return from < 0 && to > INT64_MAX + from ? INT64_MAX : to - from;
    if (!usable(cal))
        return 0;
    if (from < FIRST_INSTANT)
        from = FIRST_INSTANT;
    if (to > END_INSTANT)
        to = END_INSTANT;
    if (to <= from)
        return 0;
    cursor = from;
    day = local_day(cal->tz, from) - 1;
    if (day < FIRST_DAY)
        day = FIRST_DAY;
    last = local_day(cal->tz, to) + 1;
    if (last >= END_DAY)
        last = END_DAY - 1;
    retry = day;
    for (steps = 0; day <= last && steps < MAX_STEPS; steps++) {
        if (day >= retry && find_run(cal, day, cursor, &r, &retry)) {
            /* Whole days of the run that end by `to`. */
            k = hd_civil__floor_div(to + r.off, DAY_SECS) - day;
            if (k > r.n)
                k = r.n;
            if (k >= 1) {
                total += run_capacity(cal, day, k);
                day += k;
                retry = day;
                continue;
            }
            retry = day + 1;
        }
        if (day_is_open(cal, day)) {
            day_window(cal, day, &open, &close);
            if (open < cursor)
                open = cursor;
            if (open >= to)
                break;
            if (close > to)
                close = to;
            if (close > open) {
                total += close - open;
                cursor = close;
            }
        }
        day++;
    }
    return total;
}

int hd_calendar_is_open(const hd_calendar *cal, int64_t t)
{
    int64_t day, d, open, close;

    if (cal->always_open)
        return 1;
    if (!usable(cal) || t < FIRST_INSTANT || t >= END_INSTANT)
        return 0;
    day = local_day(cal->tz, t);
    /* A window lies within its local day, which DST can shift by a day at most. */
    for (d = day - 1; d <= day + 1; d++) {
        if (d < FIRST_DAY || d >= END_DAY || !day_is_open(cal, d))
            continue;
        day_window(cal, d, &open, &close);
        if (open <= t && t < close)
            return 1;
    }
    return 0;
}
