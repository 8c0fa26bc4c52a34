/*
 * tz.c - time zones: the UTC offset in force at an instant, and the instant
 * a local wall-clock time names. Service calendars (calendar.c) build their
 * daily windows on these two questions.
 *
 * Zones come from the compiled tz database (TZif, RFC 8536) under $TZDIR or
 * /usr/share/zoneinfo. We keep the table of transitions and the POSIX TZ
 * rule of the footer, which governs every instant after the last listed
 * transition ("fat" files stop listing in 2037, "slim" ones far earlier).
 * "UTC" and fixed offsets such as "+05:30" need no file. Nothing here reads
 * or changes the C library's time zone state (TZ, tzset, localtime): a zone
 * is a plain value, safe to share between threads once loaded.
 *
 * Every question is answered through one notion, the segment: a half-open
 * span of instants [start, end) over which the offset is constant.
 */
#include "hd/calendar.h"

#include "civil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY_SECS 86400
/* RFC 8536 recommends offsets within -25 h .. +26 h; we refuse anything wider. */
#define MAX_UTOFF (26 * 3600)
#define MAX_ZONE_FILE (1 << 20)
#define MAX_NAME 255
#define MAX_TYPES 256
/* Instants are clamped to about +-35 million years so date arithmetic cannot overflow. */
#define T_LIMIT ((int64_t)1 << 50)
#define LOCAL_LIMIT (T_LIMIT - 4 * (int64_t)DAY_SECS)
#define DEFAULT_ZONEINFO "/usr/share/zoneinfo"

enum { DATE_JULIAN, DATE_ZERO_BASED, DATE_MONTH };

/* One end of daylight saving time in a POSIX TZ rule: Jn, n or Mm.w.d, then /time. */
typedef struct rule_date {
    int kind;
    int day;      /* n for Jn and n; d (0 = Sunday) for Mm.w.d */
    int week;     /* w, 1..5 (5 = last) */
    int month;    /* m, 1..12 */
    int32_t time; /* seconds after local midnight, -167 h .. 167 h */
} rule_date;

typedef struct tz_rule {
    int32_t std_off; /* seconds east of UTC */
    int32_t dst_off;
    int has_dst;
    rule_date start; /* in local standard time */
    rule_date end;   /* in local daylight time */
} tz_rule;

struct hd_tz {
    char *name;
    int64_t *trans;     /* strictly ascending instants */
    int32_t *trans_off; /* offset in force from trans[i] */
    size_t n_trans;
    int32_t first_off; /* before trans[0]: time type 0 (RFC 8536 3.2) */
    int has_rule;
    tz_rule rule; /* after trans[n_trans - 1], or always when there is none */
    int32_t min_off, max_off;
};

typedef struct segment {
    int64_t start; /* INT64_MIN when unbounded */
    int64_t end;   /* exclusive; INT64_MAX when unbounded */
    int32_t off;
} segment;

/* ---- civil dates: days since 1970-01-01 in the proleptic Gregorian calendar ---- */

static int64_t year_of_day(int64_t days)
{
    int64_t y;
    int m, d;

    hd_civil__date_of(days, &y, &m, &d);
    return y;
}

/* ---- POSIX TZ rules ---- */

/* The day (since the epoch) on which `rd` falls in `year`. */
static int64_t rule_day(const rule_date *rd, int64_t year)
{
    int64_t first, d;

    switch (rd->kind) {
    case DATE_JULIAN: /* 1..365, February 29 never counted */
        return hd_civil__days_from(year, 1, 1) + rd->day - 1 +
               (rd->day >= 60 && hd_civil__is_leap(year));
    case DATE_ZERO_BASED:
        return hd_civil__days_from(year, 1, 1) + rd->day;
    default:
        first = hd_civil__days_from(year, rd->month, 1);
        d = first + (rd->day - hd_civil__weekday(first) + 7) % 7 + (int64_t)(rd->week - 1) * 7;
        if (d - first >= hd_civil__days_in_month(year, rd->month))
            d -= 7;
        return d;
    }
}

typedef struct rule_event {
    int64_t at;
    int dst; /* 1: daylight time begins; 0: it ends */
} rule_event;

/* The start and end events of years [y0, y1], sorted; returns how many. */
static int rule_events(const tz_rule *r, int64_t y0, int64_t y1, rule_event *ev)
{
    rule_event tmp;
    int64_t y;
    int n = 0, i, j;

    for (y = y0; y <= y1; y++) {
        ev[n].at = rule_day(&r->start, y) * DAY_SECS + r->start.time - r->std_off;
        ev[n++].dst = 1;
        ev[n].at = rule_day(&r->end, y) * DAY_SECS + r->end.time - r->dst_off;
        ev[n++].dst = 0;
    }
    /* Ties put the end first, so "DST all year" rules stay in DST. */
    for (i = 1; i < n; i++) {
        tmp = ev[i];
        for (j = i; j > 0 &&
                    (ev[j - 1].at > tmp.at || (ev[j - 1].at == tmp.at && ev[j - 1].dst > tmp.dst));
             j--)
            ev[j] = ev[j - 1];
        ev[j] = tmp;
    }
    return n;
}

/* The segment of `r` containing `u`, starting no earlier than `lo`. */
static void rule_segment(const tz_rule *r, int64_t u, int64_t lo, segment *out)
{
    rule_event ev[10];
    int64_t year;
    int n, i;

    if (!r->has_dst) {
        out->start = lo;
        out->end = INT64_MAX;
        out->off = r->std_off;
        return;
    }
    /*
     * The year before and after usually bracket `u` with an event on each
     * side. A rule time may reach a week beyond its day, so near New Year
     * they may not; two years either side always do.
     */
    year = year_of_day(hd_civil__floor_div(u + r->std_off, DAY_SECS));
    n = rule_events(r, year - 1, year + 1, ev);
    if (ev[0].at > u || ev[n - 1].at <= u)
        n = rule_events(r, year - 2, year + 2, ev);
    for (i = n - 1; i >= 0 && ev[i].at > u; i--)
        ;
    if (i < 0) {
        out->start = INT64_MIN;
        out->off = ev[0].dst ? r->std_off : r->dst_off;
    } else {
        out->start = ev[i].at;
        out->off = ev[i].dst ? r->dst_off : r->std_off;
    }
    out->end = i + 1 < n ? ev[i + 1].at : INT64_MAX;
    if (out->start < lo)
        out->start = lo;
}

typedef struct cursor {
    const char *p;
    const char *end;
} cursor;

static int at_end(const cursor *c)
{
    return c->p >= c->end;
}

static int peek(const cursor *c)
{
    return at_end(c) ? -1 : (unsigned char)*c->p;
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* A zone abbreviation: letters, or <...> of letters, digits, '+' and '-'. */
static int parse_abbr(cursor *c)
{
    const char *from;

    if (peek(c) == '<') {
        from = ++c->p;
        while (!at_end(c) && *c->p != '>') {
            int ch = (unsigned char)*c->p;

            if (!is_alpha(ch) && !is_digit(ch) && ch != '+' && ch != '-')
                return -1;
            c->p++;
        }
        if (at_end(c) || c->p == from)
            return -1;
        c->p++;
        return 0;
    }
    from = c->p;
    while (is_alpha(peek(c)))
        c->p++;
    return c->p - from >= 3 ? 0 : -1;
}

/* An unsigned decimal in [lo, hi]; at most four digits, so it cannot overflow. */
static int parse_num(cursor *c, int lo, int hi, int *out)
{
    int v = 0, digits = 0;

    while (is_digit(peek(c))) {
        if (++digits > 4)
            return -1;
        v = v * 10 + (*c->p++ - '0');
    }
    if (digits == 0 || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* [+-]hh[:mm[:ss]] in seconds, hours at most `max_hours`. */
static int parse_hms(cursor *c, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;

    if (peek(c) == '+' || peek(c) == '-')
        sign = *c->p++ == '-' ? -1 : 1;
    if (parse_num(c, 0, max_hours, &h) != 0)
        return -1;
    if (peek(c) == ':') {
        c->p++;
        if (parse_num(c, 0, 59, &m) != 0)
            return -1;
        if (peek(c) == ':') {
            c->p++;
            if (parse_num(c, 0, 59, &s) != 0)
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00). */
static int parse_rule_date(cursor *c, rule_date *rd)
{
    int ok;

    memset(rd, 0, sizeof(*rd));
    if (peek(c) == 'J') {
        c->p++;
        rd->kind = DATE_JULIAN;
        ok = parse_num(c, 1, 365, &rd->day) == 0;
    } else if (peek(c) == 'M') {
        c->p++;
        rd->kind = DATE_MONTH;
        ok = parse_num(c, 1, 12, &rd->month) == 0 && peek(c) == '.';
        if (ok) {
            c->p++;
            ok = parse_num(c, 1, 5, &rd->week) == 0 && peek(c) == '.';
        }
        if (ok) {
            c->p++;
            ok = parse_num(c, 0, 6, &rd->day) == 0;
        }
    } else {
        rd->kind = DATE_ZERO_BASED;
        ok = parse_num(c, 0, 365, &rd->day) == 0;
    }
    if (!ok)
        return -1;
    rd->time = 2 * 3600;
    if (peek(c) == '/') {
        c->p++;
        /* RFC 8536 extends POSIX: hours may be negative or up to 167. */
        if (parse_hms(c, 167, &rd->time) != 0)
            return -1;
    }
    return 0;
}

/* The TZ string of a TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3". */
static int parse_posix_tz(const char *s, size_t len, tz_rule *r)
{
    cursor c = {s, s + len};
    int32_t west;

    memset(r, 0, sizeof(*r));
    if (parse_abbr(&c) != 0 || parse_hms(&c, 24, &west) != 0)
        return -1;
    r->std_off = -west;
    r->dst_off = r->std_off;
    if (at_end(&c))
        return 0;
    if (parse_abbr(&c) != 0)
        return -1;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (!at_end(&c) && peek(&c) != ',') {
        if (parse_hms(&c, 24, &west) != 0)
            return -1;
        r->dst_off = -west;
    }
    if (at_end(&c)) {
        /* No dates: the United States rule, as tzcode assumes. */
        r->start = (rule_date){DATE_MONTH, 0, 2, 3, 2 * 3600};
        r->end = (rule_date){DATE_MONTH, 0, 1, 11, 2 * 3600};
        return 0;
    }
    if (peek(&c) != ',')
        return -1;
    c.p++;
    if (parse_rule_date(&c, &r->start) != 0 || peek(&c) != ',')
        return -1;
    c.p++;
    if (parse_rule_date(&c, &r->end) != 0 || !at_end(&c))
        return -1;
    return 0;
}

/* ---- TZif ---- */

#define TZIF_HEADER 44

typedef struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int32_t be32s(const unsigned char *p)
{
    uint32_t v = be32(p);

    return v > INT32_MAX ? -(int32_t)(~v) - 1 : (int32_t)v;
}

static int64_t be64s(const unsigned char *p)
{
    uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);

    return v > INT64_MAX ? -(int64_t)(~v) - 1 : (int64_t)v;
}

static int read_header(const unsigned char *p, size_t len, size_t pos, tzif_counts *c, int *version)
{
    if (len < TZIF_HEADER || pos > len - TZIF_HEADER)
        return hd_error_set(HD_EPARSE, "truncated TZif header");
    p += pos;
    if (memcmp(p, "TZif", 4) != 0)
        return hd_error_set(HD_EPARSE, "not a TZif file");
    *version = p[4];
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    return 0;
}

/* Validates the counts and that the data block of `tsize`-byte times fits in `avail`. */
static int block_size(const tzif_counts *c, unsigned tsize, size_t avail, size_t *out)
{
    uint64_t n;

    if (c->type == 0 || c->type > MAX_TYPES)
        return hd_error_set(HD_EPARSE, "TZif file has %u time types", (unsigned)c->type);
    if ((c->isstd != 0 && c->isstd != c->type) || (c->isut != 0 && c->isut != c->type))
        return hd_error_set(HD_EPARSE, "TZif indicator counts do not match the time types");
    /* Each count is below 2^32, so this sum cannot overflow 64 bits. */
    n = (uint64_t)c->time * (tsize + 1) + (uint64_t)c->type * 6 + c->chars +
        (uint64_t)c->leap * (tsize + 4) + c->isstd + c->isut;
    if (n > avail)
        return hd_error_set(HD_EPARSE, "truncated TZif data block");
    *out = (size_t)n;
    return 0;
}

static void widen(int32_t off, int32_t *lo, int32_t *hi)
{
    if (off < *lo)
        *lo = off;
    if (off > *hi)
        *hi = off;
}

/* Reads the transitions and time types of one data block, already bounds-checked. */
static int parse_block(hd_tz *tz, const unsigned char *p, const tzif_counts *c, unsigned tsize)
{
    const unsigned char *times = p;
    const unsigned char *idx = p + (size_t)c->time * tsize;
    const unsigned char *types = idx + c->time;
    int32_t offs[MAX_TYPES];
    uint32_t i;

    for (i = 0; i < c->type; i++) {
        int32_t off = be32s(types + 6 * (size_t)i);

        if (off < -MAX_UTOFF || off > MAX_UTOFF)
            return hd_error_set(HD_EPARSE, "TZif offset %ld out of range", (long)off);
        if (types[6 * (size_t)i + 4] > 1)
            return hd_error_set(HD_EPARSE, "TZif DST flag is not 0 or 1");
        offs[i] = off;
    }
    hd_free(tz->trans);
    hd_free(tz->trans_off);
    tz->trans = hd_malloc((size_t)c->time * sizeof(int64_t));
    tz->trans_off = hd_malloc((size_t)c->time * sizeof(int32_t));
    tz->n_trans = c->time;
    tz->first_off = offs[0];
    tz->min_off = tz->max_off = offs[0];
    for (i = 0; i < c->type; i++)
        widen(offs[i], &tz->min_off, &tz->max_off);
    for (i = 0; i < c->time; i++) {
        int64_t t = tsize == 4 ? be32s(times + 4 * (size_t)i) : be64s(times + 8 * (size_t)i);

        if (i > 0 && t <= tz->trans[i - 1])
            return hd_error_set(HD_EPARSE, "TZif transitions are not in ascending order");
        if (idx[i] >= c->type)
            return hd_error_set(HD_EPARSE, "TZif transition names time type %u of %u",
                                (unsigned)idx[i], (unsigned)c->type);
        tz->trans[i] = t;
        tz->trans_off[i] = offs[idx[i]];
    }
    return 0;
}

/* The v2+ footer: "\n" TZ-string "\n"; an empty string means no rule. */
static int parse_footer(hd_tz *tz, const unsigned char *p, size_t len)
{
    const unsigned char *nl;

    if (len < 2 || p[0] != '\n')
        return hd_error_set(HD_EPARSE, "TZif footer missing");
    nl = memchr(p + 1, '\n', len - 1);
    if (nl == NULL)
        return hd_error_set(HD_EPARSE, "TZif footer not terminated");
    if (nl == p + 1)
        return 0;
    if (parse_posix_tz((const char *)p + 1, (size_t)(nl - p - 1), &tz->rule) != 0)
        return hd_error_set(HD_EPARSE, "TZif footer is not a valid POSIX TZ rule");
    if (tz->rule.std_off < -MAX_UTOFF || tz->rule.std_off > MAX_UTOFF ||
        tz->rule.dst_off < -MAX_UTOFF || tz->rule.dst_off > MAX_UTOFF)
        return hd_error_set(HD_EPARSE, "TZif footer offset out of range");
    tz->has_rule = 1;
    widen(tz->rule.std_off, &tz->min_off, &tz->max_off);
    widen(tz->rule.dst_off, &tz->min_off, &tz->max_off);
    return 0;
}

static int parse_tzif(hd_tz *tz, const unsigned char *p, size_t len)
{
    tzif_counts c;
    size_t pos = TZIF_HEADER, size = 0;
    int version, err;

    if ((err = read_header(p, len, 0, &c, &version)) != 0)
        return err;
    if ((err = block_size(&c, 4, len - pos, &size)) != 0)
        return err;
    if (version == 0) /* version 1: 32-bit times only, no footer */
        return parse_block(tz, p + pos, &c, 4);
    pos += size;
    if ((err = read_header(p, len, pos, &c, &version)) != 0)
        return err;
    pos += TZIF_HEADER;
    if ((err = block_size(&c, 8, len - pos, &size)) != 0)
        return err;
    if ((err = parse_block(tz, p + pos, &c, 8)) != 0)
        return err;
    pos += size;
    return parse_footer(tz, p + pos, len - pos);
}

/* ---- names ---- */

static int is_utc_name(const char *name)
{
    return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0 || strcmp(name, "GMT") == 0 ||
           strcmp(name, "Etc/GMT") == 0;
}

static int take_digits(const char **p, int n, int max, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!is_digit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    if (v > max)
        return -1;
    *p += n;
    *out = v;
    return 0;
}

/* [+-]H, [+-]HH, [+-]HH:MM[:SS] or [+-]HHMM[SS], under 24 hours. */
static int parse_fixed(const char *name, int32_t *out)
{
    const char *p = name + 1;
    int sign = *name == '-' ? -1 : 1;
    int h = 0, m = 0, s = 0;
    size_t run = strspn(p, "0123456789");

    if (run == 1 || run == 2) {
        if (take_digits(&p, (int)run, 23, &h) != 0)
            return -1;
        if (*p == ':') {
            p++;
            if (take_digits(&p, 2, 59, &m) != 0 || strspn(p, "0123456789") > 0)
                return -1;
            if (*p == ':') {
                p++;
                if (take_digits(&p, 2, 59, &s) != 0)
                    return -1;
            }
        }
    } else if (run == 4 || run == 6) {
        if (take_digits(&p, 2, 23, &h) != 0 || take_digits(&p, 2, 59, &m) != 0 ||
            (run == 6 && take_digits(&p, 2, 59, &s) != 0))
            return -1;
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

/* An IANA name is relative, of [A-Za-z0-9_+-.] components none empty or starting with '.'. */
static int check_zone_name(const char *name)
{
    size_t len = strlen(name), i;

    if (len > MAX_NAME)
        return hd_error_set(HD_EINVAL, "time zone name is longer than %d bytes", MAX_NAME);
    for (i = 0; i < len; i++) {
        int ch = (unsigned char)name[i];

        if (!is_alpha(ch) && !is_digit(ch) && ch != '/' && ch != '_' && ch != '-' && ch != '+' &&
            ch != '.')
            return hd_error_set(HD_EINVAL, "time zone name has a character outside "
                                           "letters, digits and _ + - . /");
    }
    if (name[0] == '/')
        return hd_error_set(HD_EINVAL, "time zone name '%s' must not be an absolute path", name);
    for (i = 0; i < len; i++) {
        int starts = i == 0 || name[i - 1] == '/';

        if (starts && (name[i] == '/' || name[i] == '.'))
            return hd_error_set(HD_EINVAL, "time zone name '%s' has an empty, '.' or '..' part",
                                name);
    }
    if (name[len - 1] == '/')
        return hd_error_set(HD_EINVAL, "time zone name '%s' ends with '/'", name);
    return 0;
}

static int read_zone_file(const char *path, const char *name, unsigned char **out, size_t *len)
{
    struct stat st;
    unsigned char *buf = NULL;
    size_t used = 0, size;
    int fd, err = 0;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return hd_error_set(HD_ENOTFOUND, "no time zone '%s' (looked for %s)", name, path);
        return hd_error_set(HD_EIO, "cannot open %s: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        err = hd_error_set(HD_EIO, "cannot stat %s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        err = hd_error_set(HD_ENOTFOUND, "no time zone '%s' (%s is not a file)", name, path);
        goto cleanup;
    }
    if (st.st_size > MAX_ZONE_FILE) {
        err = hd_error_set(HD_EPARSE, "%s is too large for a zone file", path);
        goto cleanup;
    }
    /* One byte more than the size, to notice a file that grows as we read. */
    size = (size_t)st.st_size + 1;
    buf = hd_malloc(size);
    for (;;) {
        ssize_t n = read(fd, buf + used, size - used);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = hd_error_set(HD_EIO, "cannot read %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (used == size) {
            err = hd_error_set(HD_EIO, "%s changed while it was read", path);
            goto cleanup;
        }
    }
    *out = buf;
    *len = used;
    buf = NULL;
cleanup:
    hd_free(buf);
    close(fd);
    return err;
}

static void set_fixed(hd_tz *tz, int32_t off)
{
    tz->first_off = tz->min_off = tz->max_off = off;
}

int hd_tz_load(hd_tz **out, const char *name)
{
    hd_tz *tz = NULL;
    unsigned char *data = NULL;
    char *path = NULL;
    const char *dir;
    size_t len = 0;
    int32_t off;
    int err = 0;

    if (out == NULL)
        return hd_error_set(HD_EINVAL, "hd_tz_load: no output");
    *out = NULL;
    if (name == NULL || *name == '\0')
        return hd_error_set(HD_EINVAL, "time zone name is empty");
    tz = hd_calloc(1, sizeof(*tz));
    tz->name = hd_strdup(name);
    if (is_utc_name(name)) {
        set_fixed(tz, 0);
    } else if (*name == '+' || *name == '-') {
        if (parse_fixed(name, &off) != 0) {
            /* Not echoed: it may hold anything, control characters included. */
            err = hd_error_set(HD_EINVAL, "a time zone offset must be [+-]HH:MM or [+-]HHMM, "
                                          "under 24 hours");
            goto cleanup;
        }
        set_fixed(tz, off);
    } else {
        if ((err = check_zone_name(name)) != 0)
            goto cleanup;
        dir = getenv("TZDIR");
        if (dir == NULL || *dir == '\0')
            dir = DEFAULT_ZONEINFO;
        path = hd_sprintf("%s/%s", dir, name);
        if ((err = read_zone_file(path, name, &data, &len)) != 0)
            goto cleanup;
        if ((err = parse_tzif(tz, data, len)) != 0) {
            char why[128];

            /* The detail lives in the buffer hd_error_set writes to: copy it first. */
            hd_strlcpy(why, hd_error_last(), sizeof(why));
            err = hd_error_set(HD_EPARSE, "time zone file %s is corrupt: %s", path, why);
            goto cleanup;
        }
    }
    *out = tz;
    tz = NULL;
cleanup:
    hd_free(data);
    hd_free(path);
    hd_tz_free(tz);
    return err;
}

void hd_tz_free(hd_tz *tz)
{
    if (tz == NULL)
        return;
    hd_free(tz->name);
    hd_free(tz->trans);
    hd_free(tz->trans_off);
    hd_free(tz);
}

const char *hd_tz_name(const hd_tz *tz)
{
    return tz->name;
}

/* ---- lookups ---- */

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The segment containing `u` (clamped to +-T_LIMIT). */
static void segment_at(const hd_tz *tz, int64_t u, segment *out)
{
    size_t n = tz->n_trans, lo, hi;

    u = clamp64(u, -T_LIMIT, T_LIMIT);
    if (n == 0) {
        if (tz->has_rule) {
            rule_segment(&tz->rule, u, INT64_MIN, out);
        } else {
            out->start = INT64_MIN;
            out->end = INT64_MAX;
            out->off = tz->first_off;
        }
        return;
    }
    if (u < tz->trans[0]) {
        out->start = INT64_MIN;
        out->end = tz->trans[0];
        out->off = tz->first_off;
        return;
    }
    /* The last transition at or before u: trans[lo] <= u < trans[hi]. */
    lo = 0;
    hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (tz->trans[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    if (hi < n) {
        out->start = tz->trans[lo];
        out->end = tz->trans[hi];
        out->off = tz->trans_off[lo];
    } else if (tz->has_rule) {
        rule_segment(&tz->rule, u, tz->trans[lo], out);
    } else {
        out->start = tz->trans[lo];
        out->end = INT64_MAX;
        out->off = tz->trans_off[lo];
    }
}

int32_t hd_tz_offset(const hd_tz *tz, int64_t utc)
{
    segment s;

    segment_at(tz, utc, &s);
    return s.off;
}

int64_t hd_tz_next_transition(const hd_tz *tz, int64_t utc)
{
    segment cur, next;
    size_t i, limit = tz->n_trans + 64;

    if (utc >= T_LIMIT)
        return INT64_MAX;
    segment_at(tz, utc, &cur);
    /*
     * Step over boundaries that keep the offset (only the abbreviation or
     * the DST flag changed). A rule that has not changed the offset within
     * the 64 steps past the table never will: rules repeat every year.
     */
    for (i = 0; i < limit; i++) {
        if (cur.end >= T_LIMIT)
            return INT64_MAX;
        segment_at(tz, cur.end, &next);
        if (next.off != cur.off)
            return cur.end;
        cur = next;
    }
    return INT64_MAX;
}

int64_t hd_tz_to_utc(const hd_tz *tz, int64_t local)
{
    segment cur, prev = {0, 0, 0};
    int64_t u, hi, cand;
    int i, have_prev = 0;

    /*
     * Any instant showing `local` on the wall lies in [local - max_off,
     * local - min_off]. Walk the segments across that span in order: the
     * first that contains its own candidate gives the earliest instant; a
     * boundary the wall clock jumps over `local` at is a gap.
     */
    local = clamp64(local, -LOCAL_LIMIT, LOCAL_LIMIT);
    u = local - tz->max_off;
    hi = local - tz->min_off;
    for (i = 0; i < 64; i++) {
        segment_at(tz, u, &cur);
        cand = local - cur.off;
        if (cand >= cur.start && cand < cur.end)
            return cand;
        if (have_prev && local - prev.off >= prev.end && cand < cur.start)
            return local - prev.off; /* as if the jump had not happened yet */
        if (cur.end > hi)
            break;
        prev = cur;
        have_prev = 1;
        u = cur.end;
    }
    /* Only a zone with dozens of transitions within a day gets here. */
    return local - hd_tz_offset(tz, local - tz->first_off);
}
