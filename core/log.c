/*
 * log.c - one line per event on stderr: a UTC timestamp, the level and the
 * caller's key=value fields. Callers never pass secrets (CONVENTIONS.md).
 */
#include "hd/common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int hd_log_threshold = HD_LOG_INFO;

static const char *const level_names[] = {"debug", "info", "warn", "error", "off"};

void hd_log_write(hd_log_level level, const char *fmt, ...)
{
    char stamp[32];
    char line[2048];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "ts=%s.%03ldZ level=%s %s\n", stamp, ts.tv_nsec / 1000000L, level_names[level],
            line);
}

int hd_log_level_parse(hd_log_level *out, const char *name)
{
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(level_names); i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (hd_log_level)i;
            return 0;
        }
    }
    return hd_error_set(HD_EINVAL, "unknown log level '%s' (debug, info, warn, error, off)", name);
}
