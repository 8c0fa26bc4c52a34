/*
 * timefmt.h - instants as text: UTC ISO-8601 out, dates and date-times in.
 */
#ifndef HD_TIMEFMT_H
#define HD_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * hd_time_format - write `t` (seconds since the epoch) as
 * "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes; 32 is safe).
 */
void hd_time_format(int64_t t, char *buf, size_t size);

/*
 * hd_time_parse - "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS]" with
 * an optional "Z" (UTC) to seconds since the epoch. Returns 0 or HD_EINVAL
 * naming the text.
 */
int hd_time_parse(const char *text, int64_t *out);

#endif
