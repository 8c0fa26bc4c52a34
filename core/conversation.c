/*
 * conversation.c - saved dialogue states and the actions behind buttons.
 */
#include "hd/conversation.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

void hd_conv_free(hd_conv *c)
{
    if (c == NULL)
        return;
    hd_free(c->state);
    hd_free(c);
}

int hd_conv_load(hd_desk *desk, const char *channel, const char *user_id, hd_conv **out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT state, version, employee_id, busy, updated_at"
                                         " FROM conversations WHERE channel = ?1 AND user_id = ?2");
    int rc;

    *out = NULL;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, user_id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        hd_conv *c = hd_calloc(1, sizeof(*c));

        c->state = hd_store__column_dup(s, 0);
        c->version = sqlite3_column_int64(s, 1);
        c->employee_id = sqlite3_column_int64(s, 2);
        c->busy = sqlite3_column_int(s, 3);
        c->updated_at = sqlite3_column_int64(s, 4);
        *out = c;
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return HD_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "load conversation");
}

int hd_conv_save(hd_desk *desk, const char *channel, const char *user_id, int64_t employee_id,
                 const char *state, int64_t version, int busy, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "INSERT INTO conversations (channel, user_id, employee_id, state, version, busy,"
            " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            " ON CONFLICT (channel, user_id) DO UPDATE SET employee_id = excluded.employee_id,"
            " state = excluded.state, version = excluded.version, busy = excluded.busy,"
            " updated_at = excluded.updated_at");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, user_id, -1, SQLITE_TRANSIENT);
    if (employee_id)
        sqlite3_bind_int64(s, 3, employee_id);
    sqlite3_bind_text(s, 4, state, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, version);
    sqlite3_bind_int(s, 6, busy ? 1 : 0);
    sqlite3_bind_int64(s, 7, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "save conversation");
}

void hd_conv_keys_free(hd_conv_key *keys, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hd_free(keys[i].channel);
        hd_free(keys[i].user_id);
    }
    hd_free(keys);
}

int hd_conv_idle(hd_desk *desk, int64_t before, int limit, hd_conv_key **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT channel, user_id FROM conversations"
                                         " WHERE busy = 1 AND updated_at < ?1"
                                         " ORDER BY updated_at LIMIT ?2");
    size_t cap = 8;
    int rc;

    *out = hd_calloc(cap, sizeof(hd_conv_key));
    *n = 0;
    if (s == NULL) {
        hd_free(*out);
        *out = NULL;
        return HD_EDB;
    }
    sqlite3_bind_int64(s, 1, before);
    sqlite3_bind_int(s, 2, limit);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap)
            *out = hd_realloc(*out, (cap *= 2) * sizeof(hd_conv_key));
        (*out)[*n].channel = hd_store__column_dup(s, 0);
        (*out)[*n].user_id = hd_store__column_dup(s, 1);
        (*n)++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_conv_keys_free(*out, *n);
        *out = NULL;
        *n = 0;
        return hd_store__error(st, rc, "find idle conversations");
    }
    return 0;
}

void hd_action_free(hd_action *a)
{
    if (a == NULL)
        return;
    hd_free(a->channel);
    hd_free(a->user_id);
    hd_free(a->group_name);
    hd_free(a->action);
    hd_free(a->arg);
    hd_free(a->label);
    hd_free(a->message_id);
    hd_free(a);
}

static int random_token(char out[HD_TOKEN_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[HD_TOKEN_LEN / 2];
    size_t got = 0, i;

    while (got < sizeof(raw)) {
        ssize_t r = getrandom(raw + got, sizeof(raw) - got, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return hd_error_set(HD_EIO, "no randomness for a button token: %s", strerror(errno));
        got += (size_t)r;
    }
    for (i = 0; i < sizeof(raw); i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[HD_TOKEN_LEN] = '\0';
    return 0;
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

int hd_action_create(hd_desk *desk, hd_action *a, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "INSERT INTO actions (token, channel, user_id, group_name, version, action, arg,"
            " label, message_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    int rc, err;

    if (s == NULL)
        return HD_EDB;
    if ((err = random_token(a->token)) != 0)
        return err;
    sqlite3_bind_text(s, 1, a->token, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, a->channel, -1, SQLITE_TRANSIENT);
    bind_opt(s, 3, a->user_id);
    bind_opt(s, 4, a->group_name);
    sqlite3_bind_int64(s, 5, a->version);
    sqlite3_bind_text(s, 6, a->action, -1, SQLITE_TRANSIENT);
    bind_opt(s, 7, a->arg);
    bind_opt(s, 8, a->label);
    bind_opt(s, 9, a->message_id);
    sqlite3_bind_int64(s, 10, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    a->created_at = now;
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "record button");
}

int hd_action_get(hd_desk *desk, const char *token, hd_action **out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT channel, user_id, group_name, version, action,"
                                         " arg, label, message_id, created_at, used_at"
                                         " FROM actions WHERE token = ?1");
    int rc;

    *out = NULL;
    if (token == NULL || strlen(token) != HD_TOKEN_LEN)
        return hd_error_set(HD_ENOTFOUND, "no such button");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, token, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        hd_action *a = hd_calloc(1, sizeof(*a));

        hd_strlcpy(a->token, token, sizeof(a->token));
        a->channel = hd_store__column_dup(s, 0);
        a->user_id = hd_store__column_dup(s, 1);
        a->group_name = hd_store__column_dup(s, 2);
        a->version = sqlite3_column_int64(s, 3);
        a->action = hd_store__column_dup(s, 4);
        a->arg = hd_store__column_dup(s, 5);
        a->label = hd_store__column_dup(s, 6);
        a->message_id = hd_store__column_dup(s, 7);
        a->created_at = sqlite3_column_int64(s, 8);
        a->used_at = sqlite3_column_int64(s, 9);
        *out = a;
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return hd_error_set(HD_ENOTFOUND, "no such button");
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "look up button");
}

int hd_action_use(hd_desk *desk, const char *token, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "UPDATE actions SET used_at = ?2"
                                         " WHERE token = ?1 AND used_at IS NULL");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, token, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "use button");
    if (sqlite3_changes(hd_store_db(st)) == 0)
        return hd_error_set(HD_ESTATE, "that button was already used");
    return 0;
}

int hd_action_purge(hd_desk *desk, int64_t before)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "DELETE FROM actions WHERE created_at < ?1");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, before);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "purge buttons");
}
