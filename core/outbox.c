/*
 * outbox.c - the durable outbox, dead letters and exactly-once intake
 * records (see outbox.h).
 */
#include "hd/outbox.h"

#include <string.h>
#include <sys/random.h>

#define MAX_BACKOFF 900 /* seconds */
#define BASE_BACKOFF 1  /* seconds, the first retry */

void hd_outbox_items_free(hd_outbox_item *items, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hd_free(items[i].channel);
        hd_free(items[i].conversation);
        hd_free(items[i].payload);
        hd_free(items[i].last_error);
    }
    hd_free(items);
}

static int step_done(hd_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, what);
}

int hd_outbox_add(hd_desk *desk, const char *channel, const char *conversation, const char *payload,
                  int64_t now, int64_t *id)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO outbox (channel, conversation, payload,"
                                         " created_at, next_at) VALUES (?1, ?2, ?3, ?4, ?4)");
    int err;

    if (s == NULL)
        return HD_EDB;
    if (channel == NULL || conversation == NULL || payload == NULL)
        return hd_error_set(HD_EINVAL, "an outbox message needs a channel, a recipient and a body");
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, conversation, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, payload, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, now);
    if ((err = step_done(st, s, "queue message")) == 0 && id)
        *id = sqlite3_last_insert_rowid(hd_store_db(st));
    return err;
}

static int collect(hd_store *st, sqlite3_stmt *s, hd_outbox_item **out, size_t *n)
{
    size_t cap = 8;
    int rc;

    *out = hd_calloc(cap, sizeof(hd_outbox_item));
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        hd_outbox_item *it;

        if (*n == cap)
            *out = hd_realloc(*out, (cap *= 2) * sizeof(hd_outbox_item));
        it = &(*out)[(*n)++];
        it->id = sqlite3_column_int64(s, 0);
        it->channel = hd_store__column_dup(s, 1);
        it->conversation = hd_store__column_dup(s, 2);
        it->payload = hd_store__column_dup(s, 3);
        it->created_at = sqlite3_column_int64(s, 4);
        it->attempts = sqlite3_column_int(s, 5);
        it->last_error = hd_store__column_dup(s, 6);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_outbox_items_free(*out, *n);
        *out = NULL;
        *n = 0;
        return hd_store__error(st, rc, "read outbox");
    }
    return 0;
}

int hd_outbox_due(hd_desk *desk, const char *channel, int64_t now, int limit, hd_outbox_item **out,
                  size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    /* Only a conversation's oldest message may go: order within it is kept. */
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT o.id, o.channel, o.conversation, o.payload, o.created_at, o.attempts,"
            " o.last_error FROM outbox o"
            " WHERE o.channel = ?1 AND o.next_at <= ?2"
            " AND o.id = (SELECT min(p.id) FROM outbox p"
            "             WHERE p.channel = o.channel AND p.conversation = o.conversation)"
            " ORDER BY o.id LIMIT ?3");

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int(s, 3, limit > 0 ? limit : 100);
    return collect(st, s, out, n);
}

int hd_outbox_sent(hd_desk *desk, int64_t id)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "DELETE FROM outbox WHERE id = ?1");

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    return step_done(st, s, "mark message sent");
}

static int64_t backoff(int attempts)
{
    int64_t wait = BASE_BACKOFF;
    uint32_t r = 0;

    while (--attempts > 0 && wait < MAX_BACKOFF)
        wait *= 2;
    if (wait > MAX_BACKOFF)
        wait = MAX_BACKOFF;
    /* Jitter spreads retries of many messages that failed together. */
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
        r = 0;
    return wait + (int64_t)(r % (uint32_t)(wait / 4 + 1));
}

int hd_outbox_failed(hd_desk *desk, int64_t id, const char *error, int retry_after,
                     int max_attempts, int64_t now, int *dead)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s;
    int attempts = 0, err, rc;

    if (dead)
        *dead = 0;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    s = hd_store__stmt(st, "SELECT attempts FROM outbox WHERE id = ?1");
    if (s == NULL) {
        err = HD_EDB;
        goto cleanup;
    }
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        attempts = sqlite3_column_int(s, 0) + 1;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) {
        err = rc == SQLITE_DONE
                  ? hd_error_set(HD_ENOTFOUND, "no outbox message %lld", (long long)id)
                  : hd_store__error(st, rc, "read outbox");
        goto cleanup;
    }
    if (attempts >= max_attempts) {
        s = hd_store__stmt(st, "INSERT INTO dead_letters (channel, conversation, payload,"
                               " created_at, failed_at, attempts, error)"
                               " SELECT channel, conversation, payload, created_at, ?2, ?3, ?4"
                               " FROM outbox WHERE id = ?1");
        if (s == NULL) {
            err = HD_EDB;
            goto cleanup;
        }
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, now);
        sqlite3_bind_int(s, 3, attempts);
        sqlite3_bind_text(s, 4, error ? error : "unknown error", -1, SQLITE_TRANSIENT);
        if ((err = step_done(st, s, "move to dead letters")) != 0 ||
            (err = hd_outbox_sent(desk, id)) != 0)
            goto cleanup;
        if (dead)
            *dead = 1;
    } else {
        s = hd_store__stmt(st, "UPDATE outbox SET attempts = ?2, next_at = ?3, last_error = ?4"
                               " WHERE id = ?1");
        if (s == NULL) {
            err = HD_EDB;
            goto cleanup;
        }
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, attempts);
        sqlite3_bind_int64(s, 3, now + (retry_after >= 0 ? retry_after : backoff(attempts)));
        sqlite3_bind_text(s, 4, error ? error : "unknown error", -1, SQLITE_TRANSIENT);
        if ((err = step_done(st, s, "schedule retry")) != 0)
            goto cleanup;
    }
    err = hd_store_commit(st);

cleanup:
    if (err)
        hd_store_rollback(st);
    return err;
}

static int count(hd_store *st, sqlite3_stmt *s, int64_t *out)
{
    int rc;

    if (s == NULL)
        return HD_EDB;
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "count outbox");
}

int hd_outbox_depth(hd_desk *desk, int64_t *pending, int64_t *dead)
{
    hd_store *st = hd_desk_store(desk);
    int err = count(st, hd_store__stmt(st, "SELECT count(*) FROM outbox"), pending);

    return err ? err : count(st, hd_store__stmt(st, "SELECT count(*) FROM dead_letters"), dead);
}

int hd_outbox_dead_letters(hd_desk *desk, int limit, hd_outbox_item **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT id, channel, conversation, payload, created_at,"
                                         " attempts, error FROM dead_letters"
                                         " ORDER BY id DESC LIMIT ?1");

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int(s, 1, limit > 0 ? limit : 100);
    return collect(st, s, out, n);
}

int hd_intake_record(hd_desk *desk, const char *channel, const char *event_id, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO inbound_events (channel, event_id,"
                                         " received_at) VALUES (?1, ?2, ?3)"
                                         " ON CONFLICT DO NOTHING");
    int err;

    if (s == NULL)
        return HD_EDB;
    if (channel == NULL || event_id == NULL || event_id[0] == '\0')
        return hd_error_set(HD_EINVAL, "an inbound event needs a channel and an id");
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, event_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, now);
    if ((err = step_done(st, s, "record inbound event")) != 0)
        return err;
    if (sqlite3_changes(hd_store_db(st)) == 0)
        return hd_error_set(HD_EEXISTS, "event %s of %s was already processed", event_id, channel);
    return 0;
}

int hd_intake_forget(hd_desk *desk, int64_t before)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "DELETE FROM inbound_events WHERE received_at < ?1");

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, before);
    return step_done(st, s, "forget inbound events");
}

int hd_delivery_record(hd_desk *desk, const char *channel, const char *message_id, const char *room,
                       const char *ref, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "INSERT OR REPLACE INTO deliveries (channel, message_id, room, ref, delivered_at)"
            " VALUES (?1, ?2, ?3, ?4, ?5)");

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, message_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, room, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, ref, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, now);
    return step_done(st, s, "record a delivery");
}

int hd_delivery_find(hd_desk *desk, const char *channel, const char *message_id, char **room,
                     char **ref)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT room, ref FROM deliveries WHERE channel = ?1 AND message_id = ?2");
    int rc;

    *room = *ref = NULL;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, message_id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *room = hd_strdup((const char *)sqlite3_column_text(s, 0));
        *ref = hd_strdup((const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_reset(s);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE)
        return hd_error_set(HD_ENOTFOUND, "message %s was not delivered on %s", message_id,
                            channel);
    return hd_store__error(st, rc, "find a delivery");
}

int hd_delivery_forget(hd_desk *desk, int64_t before)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "DELETE FROM deliveries WHERE delivered_at < ?1");

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, before);
    return step_done(st, s, "forget deliveries");
}
