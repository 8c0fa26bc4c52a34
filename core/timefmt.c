/*
 * timefmt.c - UTC ISO-8601 formatting and parsing.
 */
#include "hd/timefmt.h"

#include "hd/common.h"

#include "civil.h"

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

int hd_time_parse(const char *text, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
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
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > hd_civil__days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 59)
        goto bad;
    *out = hd_civil__days_from(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
bad:
    return hd_error_set(HD_EINVAL, "'%s' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z)",
                        text ? text : "");
}
