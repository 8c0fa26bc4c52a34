/*
 * common.h - what every deskbot module shares: error codes, the last
 * error's detail, allocation that aborts on exhaustion, and logging.
 *
 * Error handling follows libuv and libgit2: functions return 0 on success
 * or a negative HD_E* code, and a human-readable detail for the most recent
 * failure is available from hd_error_last().
 */
#ifndef HD_COMMON_H
#define HD_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define HD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define HD_PRINTF(fmt, args)
#endif

/* X-macro of every error code: name, value, default message. */
#define HD_ERRNO_MAP(X)                                                                            \
    X(EINVAL, -1, "invalid argument")                                                              \
    X(ENOTFOUND, -2, "not found")                                                                  \
    X(EEXISTS, -3, "already exists")                                                               \
    X(EDB, -4, "database error")                                                                   \
    X(EBUSY, -5, "database is locked")                                                             \
    X(EIO, -6, "input/output error")                                                               \
    X(EPARSE, -7, "malformed input")                                                               \
    X(ECONFIG, -8, "invalid configuration")                                                        \
    X(ESTATE, -9, "illegal state transition")                                                      \
    X(EVERSION, -10, "unsupported database version")                                               \
    X(EPERM, -11, "not permitted")                                                                 \
    X(ETOOBIG, -12, "input too large")                                                             \
    X(ENOMEM, -13, "out of memory")                                                                \
    X(EEXPIRED, -14, "expired")

typedef enum hd_errno {
#define HD__ERR_ENUM(name, value, msg) HD_##name = (value),
    HD_ERRNO_MAP(HD__ERR_ENUM)
#undef HD__ERR_ENUM
} hd_errno;

/*
 * hd_strerror - the fixed message for an HD_E* code. Returns a static
 * string, never NULL ("unknown error" for codes outside the map).
 */
const char *hd_strerror(int err);

/*
 * hd_error_set - record the detail of the current failure and return `err`
 * so a failing path can say `return hd_error_set(HD_EINVAL, "...", ...)`.
 */
int hd_error_set(int err, const char *fmt, ...) HD_PRINTF(2, 3);

/*
 * hd_error_last - the detail recorded by the most recent hd_error_set() on
 * this thread, or the code's fixed message if none. The string is borrowed
 * and valid until the next hd_error_set() on the same thread.
 */
const char *hd_error_last(void);

/*
 * Allocation. These abort the process on exhaustion, as a service should
 * (Redis zmalloc): callers never check for NULL. hd_free accepts NULL.
 */
void *hd_malloc(size_t n);
void *hd_calloc(size_t count, size_t size);
void *hd_realloc(void *p, size_t n);
char *hd_strdup(const char *s);
char *hd_strndup(const char *s, size_t n);
void hd_free(void *p);

/*
 * hd_sprintf - format into a newly allocated string, which the caller owns
 * and releases with hd_free.
 */
char *hd_sprintf(const char *fmt, ...) HD_PRINTF(1, 2);

/* hd_strlcpy - bounded copy that always terminates; returns strlen(src). */
size_t hd_strlcpy(char *dst, const char *src, size_t size);

/* Logging: one line per event, key=value fields. */
typedef enum hd_log_level {
    HD_LOG_DEBUG = 0,
    HD_LOG_INFO = 1,
    HD_LOG_WARN = 2,
    HD_LOG_ERROR = 3,
    HD_LOG_OFF = 4
} hd_log_level;

extern int hd_log_threshold;

/* hd_log - checks the level before the arguments are evaluated. */
#define hd_log(level, ...)                                                                         \
    do {                                                                                           \
        if ((int)(level) >= hd_log_threshold)                                                      \
            hd_log_write((level), __VA_ARGS__);                                                    \
    } while (0)

void hd_log_write(hd_log_level level, const char *fmt, ...) HD_PRINTF(2, 3);

/*
 * hd_log_level_parse - "debug", "info", "warn", "error" or "off" to a
 * level. Returns 0, or HD_EINVAL for any other word.
 */
int hd_log_level_parse(hd_log_level *out, const char *name);

/* hd_log_set_json - write each line as a JSON object instead of key=value. */
void hd_log_set_json(int on);

#define HD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
