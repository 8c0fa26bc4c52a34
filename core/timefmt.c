/*
 * timefmt.c - UTC ISO-8601 formatting and parsing.
 */
#include "hd/timefmt.h"

#include "hd/common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void hd_time_format(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "%lld", (long long)t);
}

static int64_t days_from_civil(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

int hd_time_parse(const char *text, int64_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, s = 0, n = 0, leap;
    size_t len = text ? strlen(text) : 0;

    if (len < 10 || sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        goto bad;
    if (len > 10) {
        const char *rest = text + 10;
        int m = 0;

        if (*rest != 'T' && *rest != ' ')
            goto bad;
        rest++;
        if (sscanf(rest, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
            goto bad;
        rest += m;
        if (*rest == ':') {
            if (sscanf(rest + 1, "%2d%n", &s, &m) != 1 || m != 2)
                goto bad;
            rest += 3;
        }
        if (*rest == 'Z')
            rest++;
        if (*rest != '\0')
            goto bad;
    }
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || s > 59)
        goto bad;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
bad:
    return hd_error_set(HD_EINVAL, "'%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)",
                        text ? text : "");
}
