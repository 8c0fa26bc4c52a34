/*
 * civil.h - proleptic Gregorian dates as days since 1970-01-01, private to
 * core/ (time zones, calendars, date parsing). Integer arithmetic only:
 * nothing here touches the process's TZ or locale.
 */
#ifndef HD_CIVIL_H
#define HD_CIVIL_H

#include <stdint.h>

/* hd_civil__floor_div - a / b rounded toward minus infinity (b > 0). */
int64_t hd_civil__floor_div(int64_t a, int64_t b);

int hd_civil__is_leap(int64_t year);

/* hd_civil__days_in_month - 28..31; `month` is 1..12. */
int hd_civil__days_in_month(int64_t year, int month);

/* hd_civil__days_from - days since 1970-01-01 of a (valid) civil date. */
int64_t hd_civil__days_from(int64_t year, int month, int day);

/* hd_civil__date_of - the civil date of `days` since 1970-01-01. */
void hd_civil__date_of(int64_t days, int64_t *year, int *month, int *day);

/* hd_civil__weekday - 0 = Sunday … 6 = Saturday. */
int hd_civil__weekday(int64_t days);

#endif
