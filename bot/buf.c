/*
 * buf.c - see buf.h. The capacity doubles past what is needed, so
 * appending byte by byte stays linear.
 */
#include "buf.h"

#include "hd/common.h"

#include <string.h>

void hd_buf_put(hd_buf *b, const char *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = hd_realloc(b->s, b->cap);
    }
    if (n > 0)
        memcpy(b->s + b->len, data, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void hd_buf_free(hd_buf *b)
{
    hd_free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
