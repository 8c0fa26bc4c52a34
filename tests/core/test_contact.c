/*
 * test_contact.c - contacts and their outcomes.
 */
#include "harness.h"
#include "util.h"

#include "hd/contact.h"

static void test_contact__open_and_finish(void)
{
    hd_config *cfg = test_config(NULL);
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0), a, b;
    sqlite3 *db = hd_store_db(hd_desk_store(desk));
    sqlite3_stmt *s;

    ASSERT_OK(hd_contact_open(desk, alice, "slack", 100, &a));
    ASSERT_OK(hd_contact_open(desk, 0, NULL, 200, &b));
    ASSERT(a != b);
    ASSERT_OK(hd_contact_finish(desk, a, HD_CONTACT_KB_RESOLVED, 0, 150));
    ASSERT_INT_EQ(hd_contact_finish(desk, 9999, HD_CONTACT_TICKET, 0, 150), HD_ENOTFOUND);
    ASSERT_INT_EQ(hd_contact_finish(desk, b, (hd_contact_outcome)42, 0, 150), HD_EINVAL);
    ASSERT(sqlite3_prepare_v2(db, "SELECT outcome, ended_at, channel FROM contacts ORDER BY id", -1,
                              &s, NULL) == SQLITE_OK);
    ASSERT(sqlite3_step(s) == SQLITE_ROW);
    ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 0), "kb_resolved");
    ASSERT_INT_EQ(sqlite3_column_int64(s, 1), 150);
    ASSERT(sqlite3_step(s) == SQLITE_ROW);
    ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 0), "open");
    ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 2), "unknown");
    sqlite3_finalize(s);
    ASSERT_STR_EQ(hd_contact_outcome_name(HD_CONTACT_ABANDONED), "abandoned");
    hd_desk_close(desk);
    hd_config_free(cfg);
}

int main(void)
{
    RUN(test_contact__open_and_finish);
    return harness_result();
}
