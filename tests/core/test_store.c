/*
 * test_store.c - opening, pragmas, migrations and refusal of newer files.
 */
#include "harness.h"
#include "util.h"

#include "hd/store.h"

#include <stdio.h>
#include <unistd.h>

static char *db_path(void)
{
    char *dir = test_tmpdir();
    char *path = hd_sprintf("%s/store.db", dir);

    hd_free(dir);
    return path;
}

static int pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void test_store__fresh_file_is_current_wal_with_foreign_keys(void)
{
    char *path = db_path();
    hd_store *st;
    sqlite3_stmt *s;
    int version;

    ASSERT_OK(hd_store_open(&st, path, 100));
    ASSERT_OK(hd_store_user_version(st, &version));
    ASSERT_INT_EQ(version, HD_SCHEMA_VERSION);
    ASSERT_INT_EQ(pragma_int(hd_store_db(st), "PRAGMA foreign_keys"), 1);
    ASSERT(sqlite3_prepare_v2(hd_store_db(st), "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK);
    ASSERT(sqlite3_step(s) == SQLITE_ROW);
    ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    /* A foreign key violation is refused. */
    ASSERT(sqlite3_exec(hd_store_db(st), "INSERT INTO identities VALUES ('slack', 'U1', 424242)",
                        NULL, NULL, NULL) != SQLITE_OK);
    hd_store_close(st);
    hd_free(path);
}

static void test_store__migrates_an_older_schema_keeping_data(void)
{
    char *path = db_path();
    sqlite3 *db;
    hd_store *st;
    int version;

    /* Build a version-1 file by hand, with a row in it. */
    ASSERT(sqlite3_open(path, &db) == SQLITE_OK);
    ASSERT_OK(hd_schema__migrate(db, 1));
    ASSERT_INT_EQ(pragma_int(db, "PRAGMA user_version"), 1);
    ASSERT(sqlite3_exec(db,
                        "INSERT INTO employees (username, display_name, created_at, updated_at)"
                        " VALUES ('alice', 'Alice', 1, 1)",
                        NULL, NULL, NULL) == SQLITE_OK);
    ASSERT_INT_EQ(pragma_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'surveys'"), 0);
    sqlite3_close(db);

    ASSERT_OK(hd_store_open(&st, path, 100));
    ASSERT_OK(hd_store_user_version(st, &version));
    ASSERT_INT_EQ(version, HD_SCHEMA_VERSION);
    ASSERT_INT_EQ(pragma_int(hd_store_db(st), "SELECT count(*) FROM employees"), 1);
    ASSERT_INT_EQ(pragma_int(hd_store_db(st), "SELECT count(*) FROM sqlite_master WHERE name IN"
                                              " ('surveys', 'contacts', 'kb_articles', 'kb_fts')"),
                  4);
    hd_store_close(st);

    /* Opening again is a no-op. */
    ASSERT_OK(hd_store_open(&st, path, 100));
    hd_store_close(st);
    hd_free(path);
}

static void test_store__refuses_a_newer_schema(void)
{
    char *path = db_path();
    sqlite3 *db;
    hd_store *st = (hd_store *)&st;
    char pragma[64];

    ASSERT(sqlite3_open(path, &db) == SQLITE_OK);
    snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", HD_SCHEMA_VERSION + 1);
    ASSERT(sqlite3_exec(db, pragma, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    ASSERT_INT_EQ(hd_store_open(&st, path, 100), HD_EVERSION);
    ASSERT(st == NULL);
    ASSERT(strstr(hd_error_last(), "newer deskbot") != NULL);
    hd_free(path);
}

static void test_store__not_a_database_is_a_clear_error(void)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "junk.db", "this is not an SQLite database, not at all");
    hd_store *st;

    ASSERT_INT_EQ(hd_store_open(&st, path, 100), HD_EIO);
    ASSERT(strstr(hd_error_last(), "junk.db") != NULL);
    hd_free(path);
    hd_free(dir);
}

static void test_store__locked_database_reports_busy(void)
{
    char *path = db_path();
    hd_store *a, *b;

    ASSERT_OK(hd_store_open(&a, path, 100));
    ASSERT_OK(hd_store_open(&b, path, 50));
    ASSERT_OK(hd_store_begin(a));
    ASSERT_INT_EQ(hd_store_begin(b), HD_EBUSY);
    ASSERT(strstr(hd_error_last(), "locked") != NULL);
    hd_store_rollback(a);
    ASSERT_OK(hd_store_begin(b));
    ASSERT_OK(hd_store_commit(b));
    hd_store_close(a);
    hd_store_close(b);
    hd_free(path);
}

static void test_store__nested_transactions_roll_back_inner_only(void)
{
    char *path = db_path();
    hd_store *st;
    sqlite3 *db;

    ASSERT_OK(hd_store_open(&st, path, 100));
    db = hd_store_db(st);
    ASSERT_OK(hd_store_begin(st));
    ASSERT(sqlite3_exec(db, "INSERT INTO ticket_counters VALUES ('A', 1)", 0, 0, 0) == 0);
    ASSERT_OK(hd_store_begin(st));
    ASSERT(sqlite3_exec(db, "INSERT INTO ticket_counters VALUES ('B', 1)", 0, 0, 0) == 0);
    hd_store_rollback(st);
    ASSERT_OK(hd_store_commit(st));
    ASSERT_INT_EQ(pragma_int(db, "SELECT count(*) FROM ticket_counters"), 1);
    ASSERT_INT_EQ(pragma_int(db, "SELECT count(*) FROM ticket_counters WHERE prefix = 'A'"), 1);
    hd_store_close(st);
    hd_free(path);
}

/* Write `n` commits of one ~4 KB row each (a page or more of WAL per commit). */
static int write_commits(sqlite3 *db, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (sqlite3_exec(db,
                         "INSERT INTO chatlog (channel, room, seq, body, created_at)"
                         " SELECT 't', 'r', coalesce(max(seq), 0) + 1, printf('%.4000c', 'x'),"
                         " 0 FROM chatlog",
                         NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    return 0;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n = -1;

    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (f)
        fclose(f);
    return n;
}

/*
 * With checkpoints on their own thread, commits never checkpoint (the
 * hook replaces SQLite's), yet the WAL stays bounded: the thread copies it
 * back and the writer starts it over. Without the thread it would grow
 * with every round.
 */
static void test_store__checkpoints_in_background(void)
{
    char *path = db_path(), *wal = hd_sprintf("%s-wal", path);
    long sizes[6];
    hd_store *st;
    int64_t done = 0;
    int round, waited;

    ASSERT_OK(hd_store_open(&st, path, 100));
    ASSERT_OK(hd_store_checkpoint_in_background(st));
    ASSERT_OK(hd_store_checkpoint_in_background(st)); /* once is enough */
    for (round = 0; round < 6; round++) {
        ASSERT_INT_EQ(write_commits(hd_store_db(st), 1500), 0);
        /* The thread catches up (it is woken by the commits)... */
        for (waited = 0; hd_store_checkpoints_done(st) <= done && waited < 30000; waited += 10)
            usleep(10000);
        ASSERT(hd_store_checkpoints_done(st) > done);
        /* ...and finishes what the last commits asked for before the next round writes. */
        do {
            done = hd_store_checkpoints_done(st);
            usleep(300000);
        } while (hd_store_checkpoints_done(st) != done);
        sizes[round] = file_size(wal);
    }
    ASSERT(sizes[5] > 0);
    ASSERT(sizes[5] <= sizes[1] * 2);
    ASSERT_INT_EQ(pragma_int(hd_store_db(st), "SELECT count(*) FROM chatlog"), 9000);
    hd_store_close(st);
    /* Everything is there after a reopen. */
    ASSERT_OK(hd_store_open(&st, path, 100));
    ASSERT_INT_EQ(pragma_int(hd_store_db(st), "SELECT max(seq) FROM chatlog"), 9000);
    hd_store_close(st);
    hd_free(wal);
    hd_free(path);
}

int main(void)
{
    RUN(test_store__fresh_file_is_current_wal_with_foreign_keys);
    RUN(test_store__migrates_an_older_schema_keeping_data);
    RUN(test_store__refuses_a_newer_schema);
    RUN(test_store__not_a_database_is_a_clear_error);
    RUN(test_store__locked_database_reports_busy);
    RUN(test_store__nested_transactions_roll_back_inner_only);
    RUN(test_store__checkpoints_in_background);
    return harness_result();
}
