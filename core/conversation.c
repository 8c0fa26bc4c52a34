/*
 * conversation.c - saved dialogue states and the actions behind buttons.
 */
#include "hd/conversation.h"

#include "random.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define SECRET_HEX 24

static int random_secret(char out[SECRET_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[SECRET_HEX / 2];
    size_t i;
    int err;

    if ((err = hd__random_bytes(raw, sizeof(raw), "a button token")) != 0)
        return err;
    for (i = 0; i < sizeof(raw); i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[SECRET_HEX] = '\0';
    return 0;
}

static const char *number(const char *p, int64_t *out)
{
    int64_t v = 0;

    if (*p < '0' || *p > '9')
        return NULL;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (INT64_MAX - 9) / 10)
            return NULL;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return p;
}

/* "<id>.<k>-<secret>" into its parts; 0 if it is not a token. */
static int parse_token(const char *token, int64_t *id, int64_t *k, const char **secret)
{
    const char *p = token ? number(token, id) : NULL;

    if (p == NULL || *p != '.' || (p = number(p + 1, k)) == NULL || *p != '-' ||
        strlen(p + 1) != SECRET_HEX)
        return 0;
    *secret = p + 1;
    return 1;
}

/* Compare secrets in constant time. */
static int same_secret(const char *a, const char *b)
{
    unsigned char diff = 0;
    size_t i;

    if (a == NULL || strlen(a) != SECRET_HEX)
        return 0;
    for (i = 0; i < SECRET_HEX; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

int hd_actions_create(hd_desk *desk, const char *channel, const char *user_id, const char *group,
                      int64_t version, const char *message_id, const hd_button_spec *b, size_t n,
                      int64_t now, char (*tokens)[HD_TOKEN_LEN + 1])
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "INSERT INTO actions (secret, channel, user_id, group_name, version, message_id,"
            " buttons, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    json_t *arr = json_array();
    char secret[SECRET_HEX + 1], *buttons;
    long long id;
    size_t k;
    int rc, err;

    if (s == NULL) {
        json_decref(arr);
        return HD_EDB;
    }
    if ((err = random_secret(secret)) != 0) {
        json_decref(arr);
        return err;
    }
    for (k = 0; k < n; k++)
        json_array_append_new(arr, json_pack("[s, s?, s?]", b[k].action, b[k].arg, b[k].label));
    buttons = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    sqlite3_bind_text(s, 1, secret, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, channel, -1, SQLITE_TRANSIENT);
    bind_opt(s, 3, user_id);
    bind_opt(s, 4, group);
    sqlite3_bind_int64(s, 5, version);
    bind_opt(s, 6, message_id);
    sqlite3_bind_text(s, 7, buttons, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 8, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    free(buttons);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "record buttons");
    id = (long long)sqlite3_last_insert_rowid(hd_store_db(st));
    for (k = 0; k < n; k++)
        snprintf(tokens[k], HD_TOKEN_LEN + 1, "%lld.%zu-%s", id, k, secret);
    return 0;
}

int hd_action_get(hd_desk *desk, const char *token, hd_action **out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT channel, user_id, group_name, version,"
                                         " message_id, created_at, used_at, secret,"
                                         " json_extract(buttons, ?2), json_extract(buttons, ?3),"
                                         " json_extract(buttons, ?4)"
                                         " FROM actions WHERE id = ?1");
    const char *secret;
    char path[3][32];
    int64_t id, k;
    int i;
    int rc, ok = 0;

    *out = NULL;
    if (!parse_token(token, &id, &k, &secret) || k > 1000)
        return hd_error_set(HD_ENOTFOUND, "no such button");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    for (i = 0; i < 3; i++) {
        snprintf(path[i], sizeof(path[i]), "$[%lld][%d]", (long long)k, i);
        sqlite3_bind_text(s, 2 + i, path[i], -1, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 8) != SQLITE_NULL &&
        (ok = same_secret((const char *)sqlite3_column_text(s, 7), secret)) != 0) {
        hd_action *a = hd_calloc(1, sizeof(*a));

        a->channel = hd_store__column_dup(s, 0);
        a->user_id = hd_store__column_dup(s, 1);
        a->group_name = hd_store__column_dup(s, 2);
        a->version = sqlite3_column_int64(s, 3);
        a->message_id = hd_store__column_dup(s, 4);
        a->created_at = sqlite3_column_int64(s, 5);
        a->used_at = sqlite3_column_int64(s, 6);
        a->action = hd_store__column_dup(s, 8);
        a->arg = hd_store__column_dup(s, 9);
        a->label = hd_store__column_dup(s, 10);
        *out = a;
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE || (rc == SQLITE_ROW && !ok))
        return hd_error_set(HD_ENOTFOUND, "no such button");
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "look up button");
}

int hd_action_use(hd_desk *desk, const char *token, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "UPDATE actions SET used_at = ?2"
                                         " WHERE id = ?1 AND used_at IS NULL");
    const char *secret;
    int64_t id, k;
    int rc;

    if (!parse_token(token, &id, &k, &secret))
        return hd_error_set(HD_ENOTFOUND, "no such button");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
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
    /* Ids grow with time: everything below the first recent row is old. */
    sqlite3_stmt *s = hd_store__stmt(st, "DELETE FROM actions WHERE id <"
                                         " (SELECT coalesce(min(id), 0) FROM actions"
                                         "  WHERE created_at >= ?1)");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, before);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "purge buttons");
}
