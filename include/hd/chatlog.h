/*
 * chatlog.h - the history of a channel that keeps its own (the web chat),
 * and the service's secrets.
 *
 * Each room of a channel (an employee's conversation, a group's team room)
 * is a list of entries numbered 1, 2, 3… with no gaps, appended in the
 * transaction of the turn that produced them. A client that reconnects
 * says the last number it saw and gets exactly what followed: nothing
 * missing, nothing twice.
 */
#ifndef HD_CHATLOG_H
#define HD_CHATLOG_H

#include "hd/desk.h"

#include <stddef.h>
#include <stdint.h>

typedef struct hd_chatlog_entry {
    int64_t seq;
    char *body; /* what the channel stored (its own JSON) */
    int64_t created_at;
} hd_chatlog_entry;

void hd_chatlog_entries_free(hd_chatlog_entry *entries, size_t n);

/*
 * hd_chatlog_append - add `body` at the end of `room` of `channel`; *seq
 * (may be NULL) gets its number. Returns 0 or a database error.
 */
int hd_chatlog_append(hd_desk *desk, const char *channel, const char *room, const char *body,
                      int64_t now, int64_t *seq);

/*
 * hd_chatlog_since - the first `limit` entries of `room` after number
 * `after`, oldest first (call again from the last one for the next page).
 * The caller frees them with hd_chatlog_entries_free().
 */
int hd_chatlog_since(hd_desk *desk, const char *channel, const char *room, int64_t after, int limit,
                     hd_chatlog_entry **out, size_t *n);

/* hd_chatlog_last - the number of the last entry of `room` (0 when empty). */
int hd_chatlog_last(hd_desk *desk, const char *channel, const char *room, int64_t *out);

/*
 * hd_secret_get - the secret called `name`, `len` random bytes made (from
 * the kernel's generator) and stored on first use, the same afterwards for
 * every process on the database. Returns 0, a database error, or HD_EIO
 * when no randomness is available.
 */
int hd_secret_get(hd_desk *desk, const char *name, unsigned char *out, size_t len, int64_t now);

#endif
