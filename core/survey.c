/*
 * survey.c - satisfaction surveys, one per resolution of a ticket.
 */
#include "hd/survey.h"

#include "survey_internal.h"

#include <string.h>

#define MAX_COMMENT 4000

void hd_survey_free(hd_survey *s)
{
    if (s == NULL)
        return;
    hd_free(s->comment);
    hd_free(s);
}

int hd_survey__open(hd_desk *desk, int64_t ticket_id, int resolution_no, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO surveys (ticket_id, resolution_no,"
                                         " sent_at, default_at) VALUES (?1, ?2, ?3, ?4)"
                                         " ON CONFLICT (ticket_id, resolution_no) DO NOTHING");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int(s, 2, resolution_no);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, now + (int64_t)hd_desk_config(desk)->survey_default_days * 86400);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "send survey");
}

int hd_survey__supersede(hd_desk *desk, int64_t ticket_id, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "UPDATE surveys SET answered_at = ?2, not_fixed = 1"
                                         " WHERE ticket_id = ?1 AND answered_at IS NULL");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "close survey");
}

int hd_survey_latest(hd_desk *desk, const char *number, hd_survey **out)
{
    hd_store *st = hd_desk_store(desk);
    hd_ticket *t = NULL;
    sqlite3_stmt *s;
    hd_survey *sv;
    const unsigned char *c;
    int err, rc;

    *out = NULL;
    if ((err = hd_ticket_get(desk, number, &t)) != 0)
        return err;
    s = hd_store__stmt(st, "SELECT id, resolution_no, sent_at, default_at, answered_at,"
                           " rating, not_fixed, is_default, comment FROM surveys"
                           " WHERE ticket_id = ?1 ORDER BY resolution_no DESC LIMIT 1");
    if (s == NULL) {
        hd_ticket_free(t);
        return HD_EDB;
    }
    sqlite3_bind_int64(s, 1, t->id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        sv = hd_calloc(1, sizeof(*sv));
        sv->id = sqlite3_column_int64(s, 0);
        sv->ticket_id = t->id;
        memcpy(sv->number, t->number, sizeof(sv->number));
        sv->resolution_no = sqlite3_column_int(s, 1);
        sv->sent_at = sqlite3_column_int64(s, 2);
        sv->default_at = sqlite3_column_int64(s, 3);
        sv->answered_at = sqlite3_column_int64(s, 4);
        sv->rating = sqlite3_column_int(s, 5);
        sv->not_fixed = sqlite3_column_int(s, 6);
        sv->is_default = sqlite3_column_int(s, 7);
        c = sqlite3_column_text(s, 8);
        sv->comment = c ? hd_strdup((const char *)c) : NULL;
        *out = sv;
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        err = hd_error_set(HD_ENOTFOUND, "%s has no survey", t->number);
    else if (rc != SQLITE_ROW)
        err = hd_store__error(st, rc, "read survey");
    hd_ticket_free(t);
    return err;
}

static int record_answer(hd_store *st, int64_t survey_id, int rating, int is_default,
                         const char *comment, int64_t now)
{
    sqlite3_stmt *s = hd_store__stmt(st, "UPDATE surveys SET answered_at = ?2, rating = ?3,"
                                         " not_fixed = ?4, is_default = ?5, comment = ?6"
                                         " WHERE id = ?1 AND answered_at IS NULL");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, survey_id);
    sqlite3_bind_int64(s, 2, now);
    if (rating == HD_SURVEY_NOT_FIXED)
        sqlite3_bind_null(s, 3);
    else
        sqlite3_bind_int(s, 3, rating);
    sqlite3_bind_int(s, 4, rating == HD_SURVEY_NOT_FIXED);
    sqlite3_bind_int(s, 5, is_default);
    if (comment && comment[0])
        sqlite3_bind_text(s, 6, comment, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 6);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "record survey answer");
}

/*
 * A rating confirms the resolution: close the ticket if it is still
 * resolved. An administrator may have closed it already, which is fine.
 */
static int confirm(hd_desk *desk, const char *number, const char *actor, int64_t now,
                   hd_ticket **out)
{
    hd_ticket *t = NULL;
    int err;

    if ((err = hd_ticket_get(desk, number, &t)) != 0)
        return err;
    if (t->status != HD_STATUS_CLOSED) {
        hd_ticket_free(t);
        t = NULL;
        if ((err = hd_ticket_close(desk, number, actor, now, out ? &t : NULL)) != 0)
            return err;
    }
    if (out)
        *out = t;
    else
        hd_ticket_free(t);
    return 0;
}

int hd_survey_answer(hd_desk *desk, const char *number, int rating, const char *comment,
                     const char *actor, int64_t now, hd_ticket **out)
{
    hd_store *st = hd_desk_store(desk);
    hd_survey *sv = NULL;
    int err;

    if (out)
        *out = NULL;
    if (rating < 0 || rating > 5)
        return hd_error_set(HD_EINVAL, "a rating is 1 to 5, or 'not fixed'");
    if (comment && strlen(comment) > MAX_COMMENT)
        return hd_error_set(HD_ETOOBIG, "a comment is limited to %d bytes", MAX_COMMENT);
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if ((err = hd_survey_latest(desk, number, &sv)) != 0)
        goto cleanup;
    if (sv->answered_at != 0) {
        err = hd_error_set(HD_ESTATE, "the survey for %s was already answered", sv->number);
        goto cleanup;
    }
    if ((err = record_answer(st, sv->id, rating, 0, comment, now)) != 0)
        goto cleanup;
    if (rating == HD_SURVEY_NOT_FIXED)
        err = hd_ticket_reopen(desk, sv->number,
                               comment && comment[0] ? comment : "not fixed (satisfaction survey)",
                               actor, now, out);
    else
        err = confirm(desk, sv->number, actor, now, out);
    if (err)
        goto cleanup;
    err = hd_store_commit(st);

cleanup:
    if (err) {
        hd_store_rollback(st);
        if (out) {
            hd_ticket_free(*out);
            *out = NULL;
        }
    }
    hd_survey_free(sv);
    return err;
}

int hd_survey_comment(hd_desk *desk, const char *number, const char *comment)
{
    hd_store *st = hd_desk_store(desk);
    hd_survey *sv = NULL;
    sqlite3_stmt *s;
    int err, rc;

    if (comment == NULL || comment[0] == '\0')
        return hd_error_set(HD_EINVAL, "an empty comment");
    if (strlen(comment) > MAX_COMMENT)
        return hd_error_set(HD_ETOOBIG, "a comment is limited to %d bytes", MAX_COMMENT);
    if ((err = hd_survey_latest(desk, number, &sv)) != 0)
        return err;
    if (sv->answered_at == 0 || sv->is_default) {
        err = hd_error_set(HD_ESTATE, "the survey for %s has no answer to comment on", sv->number);
        hd_survey_free(sv);
        return err;
    }
    s = hd_store__stmt(st, "UPDATE surveys SET comment = ?2 WHERE id = ?1");
    if (s == NULL) {
        hd_survey_free(sv);
        return HD_EDB;
    }
    sqlite3_bind_int64(s, 1, sv->id);
    sqlite3_bind_text(s, 2, comment, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    hd_survey_free(sv);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "save comment");
}

int hd_survey_apply_defaults(hd_desk *desk, int64_t now, int *applied)
{
    hd_store *st = hd_desk_store(desk);
    int rating = hd_desk_config(desk)->survey_default_rating;
    sqlite3_stmt *s;
    int64_t *ids = NULL;
    char(*numbers)[16] = NULL;
    size_t n = 0, cap = 0, i;
    int err = 0, rc;

    if (applied)
        *applied = 0;
    s = hd_store__stmt(st, "SELECT s.id, t.number FROM surveys s JOIN tickets t"
                           " ON t.id = s.ticket_id WHERE s.answered_at IS NULL"
                           " AND s.default_at <= ?1 ORDER BY s.default_at");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, now);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            ids = hd_realloc(ids, cap * sizeof(*ids));
            numbers = hd_realloc(numbers, cap * sizeof(*numbers));
        }
        ids[n] = sqlite3_column_int64(s, 0);
        hd_strlcpy(numbers[n], (const char *)sqlite3_column_text(s, 1), sizeof(numbers[n]));
        n++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        err = hd_store__error(st, rc, "find overdue surveys");
        goto cleanup;
    }
    /* One transaction per survey: one that fails does not hold up the rest. */
    for (i = 0; i < n; i++) {
        int one;

        if ((one = hd_store_begin(st)) != 0) {
            err = one;
            goto cleanup;
        }
        one = record_answer(st, ids[i], rating, 1, NULL, now);
        if (one == 0)
            one = confirm(desk, numbers[i], "system", now, NULL);
        if (one == 0)
            one = hd_store_commit(st);
        if (one) {
            hd_log(HD_LOG_WARN, "event=survey_default_failed ticket=%s error=\"%s\"", numbers[i],
                   hd_error_last());
            hd_store_rollback(st);
            if (err == 0)
                err = one;
            continue;
        }
        if (applied)
            (*applied)++;
    }

cleanup:
    hd_free(ids);
    hd_free(numbers);
    return err;
}
