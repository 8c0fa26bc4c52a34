/*
 * outbox.h - the durable outbox and exactly-once intake.
 *
 * Every outbound message is written here in the same transaction as the
 * turn that produced it, and deleted only when the platform accepted it.
 * Messages of one conversation go out in order: only the oldest pending
 * message of a conversation is ever due. A failed send is retried with
 * exponential backoff and jitter (or after the platform's Retry-After) and,
 * after the configured number of attempts, moved to the dead letters with
 * its last error.
 *
 * An inbound event is recorded under its platform id in the transaction
 * of its effects: a redelivered event is recognised and not processed
 * twice.
 */
#ifndef HD_OUTBOX_H
#define HD_OUTBOX_H

#include "hd/desk.h"

#include <stdint.h>

typedef struct hd_outbox_item {
    int64_t id;
    char *channel;
    char *conversation; /* the recipient on that channel: a user or a room */
    char *payload;      /* what to send (the channel's own format or the message model) */
    int64_t created_at;
    int attempts;
    char *last_error; /* may be NULL */
} hd_outbox_item;

void hd_outbox_items_free(hd_outbox_item *items, size_t n);

/* hd_outbox_add - queue `payload` for `conversation` on `channel`; *id (may be NULL) gets its id.
 */
int hd_outbox_add(hd_desk *desk, const char *channel, const char *conversation, const char *payload,
                  int64_t now, int64_t *id);

/*
 * hd_outbox_due - up to `limit` messages of `channel` ready to send at
 * `now`, the oldest of each conversation only, oldest first. The caller
 * frees them with hd_outbox_items_free().
 */
int hd_outbox_due(hd_desk *desk, const char *channel, int64_t now, int limit, hd_outbox_item **out,
                  size_t *n);

/* hd_outbox_sent - the platform accepted message `id`: forget it. */
int hd_outbox_sent(hd_desk *desk, int64_t id);

/*
 * hd_outbox_failed - sending `id` failed with `error`. With retry_after >= 0
 * (seconds, from a 429's Retry-After) the next attempt waits exactly that;
 * otherwise the wait is base * 2^(attempts-1) seconds, capped at 15
 * minutes, with up to 25% random jitter. After `max_attempts` attempts the
 * message moves to the dead letters. *dead (may be NULL) says whether it
 * did.
 */
int hd_outbox_failed(hd_desk *desk, int64_t id, const char *error, int retry_after,
                     int max_attempts, int64_t now, int *dead);

/* hd_outbox_depth - messages waiting (all channels), and dead letters. */
int hd_outbox_depth(hd_desk *desk, int64_t *pending, int64_t *dead);

/* hd_outbox_dead_letters - the newest `limit` dead letters, newest first. */
int hd_outbox_dead_letters(hd_desk *desk, int limit, hd_outbox_item **out, size_t *n);

/*
 * hd_intake_record - note inbound event `event_id` of `channel`. Returns 0
 * for a first delivery, HD_EEXISTS for a redelivery (do nothing with it,
 * acknowledge it again). Run it in the transaction of the event's effects.
 */
int hd_intake_record(hd_desk *desk, const char *channel, const char *event_id, int64_t now);

/* hd_intake_forget - drop intake records older than `before`. */
int hd_intake_forget(hd_desk *desk, int64_t before);

/*
 * hd_delivery_record - message `message_id` of `channel` was delivered to
 * `room` on the platform as `ref` (Slack: the message's ts). A later
 * record of the same message replaces the earlier one.
 */
int hd_delivery_record(hd_desk *desk, const char *channel, const char *message_id, const char *room,
                       const char *ref, int64_t now);

/*
 * hd_delivery_find - where message `message_id` was delivered. Returns 0
 * with two strings the caller frees, or HD_ENOTFOUND.
 */
int hd_delivery_find(hd_desk *desk, const char *channel, const char *message_id, char **room,
                     char **ref);

/* hd_delivery_forget - drop delivery records older than `before`. */
int hd_delivery_forget(hd_desk *desk, int64_t before);

#endif
