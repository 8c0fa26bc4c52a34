/*
 * log.c - one line per event on stderr: a UTC timestamp, the level and the
 * caller's key=value fields. Callers never pass secrets (CONVENTIONS.md).
 */
#include "hd/common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int hd_log_threshold = HD_LOG_INFO;
static int log_json;

static const char *const level_names[] = {"debug", "info", "warn", "error", "off"};

/* Append `s[0..n)` to `out` as the inside of a JSON string. */
static size_t json_escape(char *out, size_t size, size_t used, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && used + 7 < size; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\') {
            out[used++] = '\\';
            out[used++] = (char)c;
        } else if (c < 0x20) {
            used += (size_t)snprintf(out + used, size - used, "\\u%04x", c);
        } else {
            out[used++] = (char)c;
        }
    }
    out[used] = '\0';
    return used;
}

/*
 * The key=value line as one JSON object: each key=value (a value may be
 * "quoted" with \" inside) becomes a string member; anything else goes to
 * "msg".
 */
static void write_json(const char *stamp, const char *level, const char *line)
{
    char out[4096], msg[1024];
    size_t used, mlen = 0;
    const char *p = line;

    used = (size_t)snprintf(out, sizeof(out), "{\"ts\":\"%s\",\"level\":\"%s\"", stamp, level);
    msg[0] = '\0';
    while (*p) {
        const char *key = p, *eq, *val, *end;
        size_t klen, vlen;
        int quoted;

        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        key = p;
        while (*p && *p != ' ' && *p != '=')
            p++;
        if (*p != '=' || p == key) {
            while (*p && *p != ' ')
                p++;
            if (mlen + (size_t)(p - key) + 2 < sizeof(msg)) {
                if (mlen)
                    msg[mlen++] = ' ';
                memcpy(msg + mlen, key, (size_t)(p - key));
                mlen += (size_t)(p - key);
                msg[mlen] = '\0';
            }
            continue;
        }
        eq = p;
        klen = (size_t)(eq - key);
        quoted = eq[1] == '"';
        val = eq + 1 + quoted;
        for (end = val; *end && (quoted ? *end != '"' : *end != ' '); end++)
            if (quoted && *end == '\\' && end[1])
                end++;
        vlen = (size_t)(end - val);
        p = *end ? end + quoted : end;
        if (used + 8 >= sizeof(out))
            break;
        out[used++] = ',';
        out[used++] = '"';
        used = json_escape(out, sizeof(out), used, key, klen);
        used += (size_t)snprintf(out + used, sizeof(out) - used, "\":\"");
        used = json_escape(out, sizeof(out), used, val, vlen);
        if (used + 2 < sizeof(out))
            out[used++] = '"';
    }
    if (mlen && used + 12 < sizeof(out)) {
        used += (size_t)snprintf(out + used, sizeof(out) - used, ",\"msg\":\"");
        used = json_escape(out, sizeof(out), used, msg, mlen);
        if (used + 2 < sizeof(out))
            out[used++] = '"';
    }
    if (used + 2 < sizeof(out))
        out[used++] = '}';
    out[used] = '\0';
    fprintf(stderr, "%s\n", out);
}

void hd_log_write(hd_log_level level, const char *fmt, ...)
{
    char stamp[64], when[32];
    char line[2048];
    struct timespec ts;
    struct tm tm;
    va_list ap;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof(stamp), "%s.%03dZ", when, (int)(ts.tv_nsec / 1000000L % 1000));
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (log_json)
        write_json(stamp, level_names[level], line);
    else
        fprintf(stderr, "ts=%s level=%s %s\n", stamp, level_names[level], line);
}

void hd_log_set_json(int on)
{
    log_json = on;
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
