/*
 * calendar.h - time zones and service calendars, the clock SLA targets are
 * measured on.
 *
 * A calendar is either 24x7 or business hours: a set of weekdays, one daily
 * window [start, end) in local time of an IANA time zone, and a list of
 * holiday dates. Durations on a calendar are "business seconds": seconds
 * that fall inside its open hours.
 */
#ifndef HD_CALENDAR_H
#define HD_CALENDAR_H

#include "hd/common.h"

#include <stdint.h>

typedef struct hd_tz hd_tz;

/*
 * hd_tz_load - load a time zone: "UTC", a fixed offset such as "+08:00" or
 * "-05:30", or an IANA name read from $TZDIR (default /usr/share/zoneinfo),
 * including its POSIX rule for instants past the last listed transition.
 * Returns 0 and a zone the caller frees with hd_tz_free(), or HD_EINVAL for
 * a malformed or unsafe name (".." or a leading "/"), HD_ENOTFOUND when no
 * such zone is installed, HD_EPARSE for a corrupt zone file, HD_EIO when
 * the file cannot be read. On failure *out is NULL. Fixed offsets are
 * [+-]HH:MM, [+-]HHMM or [+-]HH under 24 hours; "UTC", "Etc/UTC", "GMT" and
 * "Etc/GMT" need no file. A loaded zone is immutable and may be shared
 * between threads.
 */
int hd_tz_load(hd_tz **out, const char *name);

/* hd_tz_free - release a zone. Accepts NULL. */
void hd_tz_free(hd_tz *tz);

/* hd_tz_name - the name the zone was loaded with, borrowed for its life. */
const char *hd_tz_name(const hd_tz *tz);

/* hd_tz_offset - seconds east of UTC in force at the instant `utc`. */
int32_t hd_tz_offset(const hd_tz *tz, int64_t utc);

/*
 * hd_tz_next_transition - the earliest instant t > `utc` at which the
 * offset changes (hd_tz_offset(t) != hd_tz_offset(t - 1)), or INT64_MAX
 * when it never changes again. Calendars use it to measure long stretches
 * of constant offset arithmetically.
 */
int64_t hd_tz_next_transition(const hd_tz *tz, int64_t utc);

/*
 * hd_tz_to_utc - the instant at which local wall-clock time `local` (seconds
 * since 1970-01-01 00:00 local, as if local were UTC) occurs. A time skipped
 * by a forward jump maps as if the jump had not happened yet (02:30 in a
 * 02:00→03:00 gap becomes 03:30); an ambiguous time takes the earlier
 * instant.
 */
int64_t hd_tz_to_utc(const hd_tz *tz, int64_t local);

typedef struct hd_calendar {
    char *name;
    int always_open;   /* 24x7: every second counts */
    hd_tz *tz;         /* owned; NULL when always_open */
    unsigned weekdays; /* bit 0 = Sunday … bit 6 = Saturday */
    int open_min;      /* minutes after local midnight, inclusive */
    int close_min;     /* minutes after local midnight, exclusive; > open_min */
    int32_t *holidays; /* sorted days as YYYYMMDD, owned */
    size_t n_holidays;
} hd_calendar;

/* hd_calendar_free_fields - release what a calendar owns (not the struct). */
void hd_calendar_free_fields(hd_calendar *cal);

/*
 * Business hours are the union, over local days D, of the instants from
 * hd_tz_to_utc(D 00:00 + open_min) to hd_tz_to_utc(D 00:00 + close_min) for
 * each D on an open weekday that is not a holiday; close_min is at most
 * 1440. Holidays must be sorted (duplicates and impossible dates are
 * ignored). Business hours are only counted within the years 1 to 9999.
 */

/*
 * hd_calendar_add - the instant at which `business_secs` of open time have
 * elapsed on `cal` counting from `start` (UTC seconds). Adding 0 returns
 * `start` when the calendar is open then, else the next opening; a negative
 * amount counts as 0. Returns INT64_MAX when the result lies beyond the
 * year 9999 or the calendar stays closed for more than 3700 days in a row
 * (no open weekday, malformed hours, or a decade of holidays). The
 * calendar must have at least one open weekday (hd_config validates this).
 * An always_open calendar is plain arithmetic, saturating at INT64_MAX.
 */
int64_t hd_calendar_add(const hd_calendar *cal, int64_t start, int64_t business_secs);

/*
 * hd_calendar_between - business seconds of open time in [from, to); 0 when
 * to <= from.
 */
int64_t hd_calendar_between(const hd_calendar *cal, int64_t from, int64_t to);

/*
 * hd_calendar_is_open - whether the instant `t` lies inside open hours.
 */
int hd_calendar_is_open(const hd_calendar *cal, int64_t t);

#endif
