/*
 * alloc.c - allocation wrappers that abort on exhaustion, and the few
 * string helpers that build on them.
 */
#include "hd/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "deskbot: out of memory allocating %zu bytes\n", n);
    abort();
}

void *hd_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n);
    return p;
}

void *hd_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (p == NULL)
        oom(count * size);
    return p;
}

void *hd_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n);
    return q;
}

char *hd_strndup(const char *s, size_t n)
{
    char *d = hd_malloc(n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *hd_strdup(const char *s)
{
    return s ? hd_strndup(s, strlen(s)) : NULL;
}

void hd_free(void *p)
{
    free(p);
}

char *hd_sprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    s = hd_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

size_t hd_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
