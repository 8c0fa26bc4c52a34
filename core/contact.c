/*
 * contact.c - contacts and their outcomes, the basis of first-contact
 * resolution figures.
 */
#include "hd/contact.h"

static const char *const outcome_names[] = {"open", "kb_resolved", "resolved", "ticket",
                                            "abandoned"};

const char *hd_contact_outcome_name(hd_contact_outcome o)
{
    return (unsigned)o < HD_ARRAY_SIZE(outcome_names) ? outcome_names[o] : "?";
}

int hd_contact_open(hd_desk *desk, int64_t employee_id, const char *channel, int64_t now,
                    int64_t *out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO contacts (employee_id, channel, started_at)"
                                         " VALUES (?1, ?2, ?3)");
    int rc;

    *out = 0;
    if (s == NULL)
        return HD_EDB;
    if (employee_id)
        sqlite3_bind_int64(s, 1, employee_id);
    sqlite3_bind_text(s, 2, channel ? channel : "unknown", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "record contact");
    *out = sqlite3_last_insert_rowid(hd_store_db(st));
    return 0;
}

int hd_contact_finish(hd_desk *desk, int64_t id, hd_contact_outcome outcome, int64_t ticket_id,
                      int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "UPDATE contacts SET outcome = ?2, ticket_id = ?3,"
                                         " ended_at = ?4 WHERE id = ?1");
    int rc;

    if ((unsigned)outcome >= HD_ARRAY_SIZE(outcome_names))
        return hd_error_set(HD_EINVAL, "unknown contact outcome");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, outcome_names[outcome], -1, SQLITE_STATIC);
    if (ticket_id)
        sqlite3_bind_int64(s, 3, ticket_id);
    if (outcome != HD_CONTACT_OPEN)
        sqlite3_bind_int64(s, 4, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "finish contact");
    if (sqlite3_changes(hd_store_db(st)) == 0)
        return hd_error_set(HD_ENOTFOUND, "no contact %lld", (long long)id);
    return 0;
}
