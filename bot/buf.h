/*
 * buf.h - a growing byte buffer, always NUL-terminated once anything was
 * put in it: for text being built (escaping, rendering) and for bytes
 * arriving in pieces (an HTTP body, WebSocket fragments).
 */
#ifndef HD_BOT_BUF_H
#define HD_BOT_BUF_H

#include <stddef.h>

typedef struct hd_buf {
    char *s; /* NULL until the first put; owned by the buffer */
    size_t len, cap;
} hd_buf;

/* hd_buf_put - append `n` bytes of `data` (n may be 0: s is then at least ""). */
void hd_buf_put(hd_buf *b, const char *data, size_t n);

/* hd_buf_free - release the memory; the buffer is empty again. */
void hd_buf_free(hd_buf *b);

#endif
