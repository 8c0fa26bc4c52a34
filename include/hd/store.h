/*
 * store.h - the SQLite database behind deskbot: opening it (WAL, foreign
 * keys, migrations), transactions and a cache of prepared statements.
 *
 * One hd_store wraps one connection and is used from one thread.
 */
#ifndef HD_STORE_H
#define HD_STORE_H

#include "hd/common.h"

#include <sqlite3.h>

typedef struct hd_store hd_store;

/* The schema version this build writes; see core/schema.c. */
#define HD_SCHEMA_VERSION 9

/*
 * hd_store_open - open (creating if needed) the database at `path` and bring
 * its schema up to HD_SCHEMA_VERSION. `busy_ms` is how long to wait for a
 * lock held by another process before failing with HD_EBUSY.
 *
 * Returns 0 and a store the caller releases with hd_store_close(), or
 * HD_EIO (cannot open), HD_EVERSION (written by a newer deskbot),
 * HD_EBUSY or HD_EDB; *out is then NULL.
 */
int hd_store_open(hd_store **out, const char *path, int busy_ms);

/*
 * hd_store_checkpoint_in_background - move WAL checkpoints (copying the
 * log into the database, and its fsync) from the commit that happens to
 * cross SQLite's threshold to a thread of the store's own, with its own
 * connection, so a long-running service never stalls for one. Checkpoints
 * are passive: they never block a writer. Returns 0, HD_EDB or HD_EIO.
 * hd_store_close stops the thread.
 */
int hd_store_checkpoint_in_background(hd_store *st);

/* hd_store_checkpoints_done - background checkpoints that copied the whole log back so far. */
int64_t hd_store_checkpoints_done(hd_store *st);

/* hd_store_close - finalize cached statements and close. Accepts NULL. */
void hd_store_close(hd_store *st);

/* hd_store_db - the underlying connection, borrowed for the store's life. */
sqlite3 *hd_store_db(hd_store *st);

/*
 * Transactions. hd_store_begin takes the write lock at once (IMMEDIATE);
 * called inside a transaction it opens a savepoint instead, so an
 * operation that is itself transactional can be part of a larger one.
 * Every begin is matched by one commit or one rollback.
 */
int hd_store_begin(hd_store *st);
int hd_store_commit(hd_store *st);
void hd_store_rollback(hd_store *st);

/*
 * hd_store_user_version - the schema version recorded in the file.
 */
int hd_store_user_version(hd_store *st, int *out);

/*
 * Internal to core/: a cached, reset statement for `sql`, which must be a
 * string literal (the cache is keyed by its address). The statement is
 * borrowed; callers step it and need not finalize. Returns NULL after
 * recording the SQLite error when the SQL does not compile.
 */
sqlite3_stmt *hd_store__stmt(hd_store *st, const char *sql);

/*
 * hd_store__error - translate a SQLite result code into HD_EBUSY or HD_EDB,
 * record a detail naming `what`, and return the code.
 */
int hd_store__error(hd_store *st, int rc, const char *what);

/*
 * hd_store__column_dup - a copy of text column `i` of the current row (the
 * caller frees it), or NULL when the value is NULL.
 */
char *hd_store__column_dup(sqlite3_stmt *s, int i);

/* hd_store__exec - run SQL without results (schema, pragmas). */
int hd_store__exec(hd_store *st, const char *sql);

/*
 * hd_schema__migrate - apply migrations on `db` up to `target` (used by
 * hd_store_open with HD_SCHEMA_VERSION, and by tests to build old schemas).
 */
int hd_schema__migrate(sqlite3 *db, int target);

#endif
