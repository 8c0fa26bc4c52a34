/*
 * chatlog.c - numbered room histories and the service's secrets (see
 * chatlog.h).
 */
#include "hd/chatlog.h"

#include "hd/store.h"

#include "random.h"

#include <string.h>

void hd_chatlog_entries_free(hd_chatlog_entry *entries, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_free(entries[i].body);
    hd_free(entries);
}

int hd_chatlog_last(hd_desk *desk, const char *channel, const char *room, int64_t *out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT coalesce(max(seq), 0) FROM chatlog WHERE channel = ?1 AND room = ?2");
    int rc;

    *out = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, room, -1, SQLITE_TRANSIENT);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "read a room's last entry");
}

int hd_chatlog_append(hd_desk *desk, const char *channel, const char *room, const char *body,
                      int64_t now, int64_t *seq)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s;
    int64_t last;
    int err, rc;

    /* The caller's transaction holds the write lock, so max + 1 is ours. */
    if ((err = hd_chatlog_last(desk, channel, room, &last)) != 0)
        return err;
    s = hd_store__stmt(st, "INSERT INTO chatlog (channel, room, seq, body, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, room, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, last + 1);
    sqlite3_bind_text(s, 4, body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "append to a room's history");
    if (seq)
        *seq = last + 1;
    return 0;
}

int hd_chatlog_since(hd_desk *desk, const char *channel, const char *room, int64_t after, int limit,
                     hd_chatlog_entry **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s;
    hd_chatlog_entry *list = NULL;
    size_t count = 0, cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    s = hd_store__stmt(st, "SELECT seq, body, created_at FROM chatlog"
                           " WHERE channel = ?1 AND room = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, room, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, after);
    sqlite3_bind_int(s, 4, limit);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? 2 * cap : 16;
            list = hd_realloc(list, cap * sizeof(*list));
        }
        list[count].seq = sqlite3_column_int64(s, 0);
        list[count].body = hd_strdup((const char *)sqlite3_column_text(s, 1));
        list[count].created_at = sqlite3_column_int64(s, 2);
        count++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        hd_chatlog_entries_free(list, count);
        return hd_store__error(st, rc, "read a room's history");
    }
    *out = list;
    *n = count;
    return 0;
}

/* The stored secret `name` if it has `len` bytes: 0, HD_ENOTFOUND, or a database error. */
static int secret_read(hd_store *st, const char *name, unsigned char *out, size_t len)
{
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT value FROM secrets WHERE name = ?1");
    int rc, found = 0;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    if ((rc = sqlite3_step(s)) == SQLITE_ROW && (size_t)sqlite3_column_bytes(s, 0) == len) {
        memcpy(out, sqlite3_column_blob(s, 0), len);
        found = 1;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return hd_store__error(st, rc, "read a secret");
    return found ? 0 : HD_ENOTFOUND;
}

int hd_secret_get(hd_desk *desk, const char *name, unsigned char *out, size_t len, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s;
    int err, rc;

    if ((err = secret_read(st, name, out, len)) != HD_ENOTFOUND)
        return err;
    /* Two processes may race to create it: the first insert wins, both read it back. */
    if ((err = hd__random_bytes(out, len, "a secret")) != 0 || (err = hd_store_begin(st)) != 0)
        return err;
    s = hd_store__stmt(st, "INSERT OR IGNORE INTO secrets (name, value, created_at)"
                           " VALUES (?1, ?2, ?3)");
    if (s == NULL) {
        hd_store_rollback(st);
        return HD_EDB;
    }
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 2, out, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_store_rollback(st);
        return hd_store__error(st, rc, "store a secret");
    }
    if ((err = hd_store_commit(st)) != 0)
        return err;
    return secret_read(st, name, out, len);
}
