/*
 * store.c - the SQLite connection: pragmas, migrations at open, explicit
 * transactions, a small cache of prepared statements keyed by the address
 * of their SQL literal, so hot paths never re-parse SQL, and (for the
 * service) WAL checkpoints on a thread of their own.
 */
#include "hd/store.h"

#include "kb_tokenizer.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define STMT_CACHE_SIZE 128
#define CHECKPOINT_FRAMES 1000 /* SQLite's own default for its automatic checkpoints */
/*
 * Under load without a pause the thread may never catch up, and the log
 * restarts only after a complete checkpoint: past this many frames (about
 * 40 MB) the writer checkpoints itself, as SQLite would have.
 */
#define CHECKPOINT_HARD_FRAMES 10000

/* The background checkpointer: its own connection, woken by the WAL hook. */
typedef struct checkpointer {
    sqlite3 *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int wanted, stop;
    int failures;      /* the first is logged */
    int64_t completed; /* checkpoints that copied the whole log back */
} checkpointer;

struct hd_store {
    sqlite3 *db;
    int depth; /* open transactions; inner ones are savepoints */
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE_SIZE];
    checkpointer *ckpt; /* NULL: SQLite checkpoints at commit */
};

int hd_store__error(hd_store *st, int rc, const char *what)
{
    const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);

    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return hd_error_set(HD_EBUSY, "%s: database is locked by another process", what);
    return hd_error_set(HD_EDB, "%s: %s", what, msg);
}

int hd_store__exec(hd_store *st, const char *sql)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : hd_store__error(st, rc, "sql");
}

char *hd_store__column_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    return t ? hd_strdup((const char *)t) : NULL;
}

int hd_store_user_version(hd_store *st, int *out)
{
    sqlite3_stmt *s;
    int rc;

    rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return hd_store__error(st, rc, "read schema version");
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        return hd_store__error(st, rc, "read schema version");
    }
    *out = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return 0;
}

/*
 * Before SQLite's first use: no global memory statistics (they take a
 * mutex on every allocation). A library that initialised SQLite already
 * makes this a no-op, which is harmless.
 */
static void configure_sqlite(void)
{
    static int done;

    if (!done) {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        done = 1;
    }
}

int hd_store_open(hd_store **out, const char *path, int busy_ms)
{
    hd_store *st;
    int rc, version, err;

    *out = NULL;
    configure_sqlite();
    st = hd_calloc(1, sizeof(*st));
    /* One store is used by one thread: no per-connection mutex. */
    rc = sqlite3_open_v2(path, &st->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err = hd_error_set(HD_EIO, "cannot open database '%s': %s", path,
                           st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        goto cleanup;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* More small allocations served from the connection's own arena. */
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 512, 2048);
    sqlite3_busy_timeout(st->db, busy_ms);

    /*
     * Reading the version first tells a file that is not a database (or is
     * locked) apart before anything is written to it.
     */
    if ((err = hd_store_user_version(st, &version)) != 0) {
        if (err == HD_EDB)
            err =
                hd_error_set(HD_EIO, "cannot read database '%s': %s", path, sqlite3_errmsg(st->db));
        goto cleanup;
    }
    if (version > HD_SCHEMA_VERSION) {
        err = hd_error_set(HD_EVERSION,
                           "database '%s' has schema version %d, written by a newer deskbot; "
                           "this build supports up to version %d",
                           path, version, HD_SCHEMA_VERSION);
        goto cleanup;
    }
    if ((err = hd_store__exec(st, "PRAGMA journal_mode=WAL")) != 0 ||
        (err = hd_store__exec(st, "PRAGMA synchronous=NORMAL")) != 0 ||
        (err = hd_store__exec(st, "PRAGMA foreign_keys=ON")) != 0 ||
        (err = hd_store__exec(st, "PRAGMA temp_store=MEMORY")) != 0 ||
        (err = hd_store__exec(st, "PRAGMA cache_size=-8192")) != 0)
        goto cleanup;
    if ((err = hd_kb__tokenizer_register(st->db)) != 0)
        goto cleanup;
    if ((err = hd_schema__migrate(st->db, HD_SCHEMA_VERSION)) != 0)
        goto cleanup;
    *out = st;
    return 0;

cleanup:
    hd_store_close(st);
    return err;
}

/* ---- checkpoints off the caller's thread ---------------------------------------------- */

static void *checkpoint_loop(void *arg)
{
    checkpointer *c = arg;
    int rc, logged, copied;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->wanted && !c->stop)
            pthread_cond_wait(&c->wake, &c->mu);
        if (c->stop)
            break;
        c->wanted = 0;
        pthread_mutex_unlock(&c->mu);
        /* PASSIVE never waits for, nor blocks, the writer: it copies what it can. */
        rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied);
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && c->failures++ == 0)
            hd_log(HD_LOG_WARN, "event=checkpoint_failed error=\"%s\"", sqlite3_errmsg(c->db));
        pthread_mutex_lock(&c->mu);
        if (rc == SQLITE_OK && logged == copied)
            c->completed++;
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* After each commit: a WAL grown past the mark wakes the checkpointer. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int frames)
{
    checkpointer *c = arg;

    if (frames >= CHECKPOINT_HARD_FRAMES) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    if (frames >= CHECKPOINT_FRAMES) {
        pthread_mutex_lock(&c->mu);
        c->wanted = 1;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->mu);
    }
    return SQLITE_OK;
}

int hd_store_checkpoint_in_background(hd_store *st)
{
    checkpointer *c;
    int rc;

    if (st->ckpt)
        return 0;
    if (!sqlite3_threadsafe())
        return hd_error_set(HD_EDB, "this SQLite is built without threads: no background"
                                    " checkpoints");
    c = hd_calloc(1, sizeof(*c));
    rc = sqlite3_open_v2(sqlite3_db_filename(st->db, "main"), &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    /* A connection finds the WAL when it first reads: until then it would checkpoint nothing. */
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, 5000);
        rc = sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        int err = hd_error_set(HD_EDB, "open the checkpointer's connection: %s",
                               c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));

        sqlite3_close(c->db);
        hd_free(c);
        return err;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (pthread_create(&c->thread, NULL, checkpoint_loop, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close(c->db);
        hd_free(c);
        return hd_error_set(HD_EIO, "cannot start the checkpointer thread");
    }
    st->ckpt = c;
    /* Our hook replaces SQLite's automatic checkpoint at commit. */
    sqlite3_wal_hook(st->db, on_wal_commit, c);
    return 0;
}

int64_t hd_store_checkpoints_done(hd_store *st)
{
    int64_t n = 0;

    if (st->ckpt) {
        pthread_mutex_lock(&st->ckpt->mu);
        n = st->ckpt->completed;
        pthread_mutex_unlock(&st->ckpt->mu);
    }
    return n;
}

static void checkpointer_stop(hd_store *st)
{
    checkpointer *c = st->ckpt;

    if (c == NULL)
        return;
    sqlite3_wal_hook(st->db, NULL, NULL);
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->mu);
    sqlite3_close(c->db);
    hd_free(c);
    st->ckpt = NULL;
}

void hd_store_close(hd_store *st)
{
    size_t i;

    if (st == NULL)
        return;
    checkpointer_stop(st);
    for (i = 0; i < STMT_CACHE_SIZE; i++)
        sqlite3_finalize(st->cache[i].stmt);
    sqlite3_close(st->db);
    hd_free(st);
}

sqlite3 *hd_store_db(hd_store *st)
{
    return st->db;
}

sqlite3_stmt *hd_store__stmt(hd_store *st, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE_SIZE;
    size_t i;
    int rc;

    for (i = 0; i < STMT_CACHE_SIZE; i++) {
        size_t k = (h + i) % STMT_CACHE_SIZE;

        if (st->cache[k].sql == sql) {
            sqlite3_reset(st->cache[k].stmt);
            sqlite3_clear_bindings(st->cache[k].stmt);
            return st->cache[k].stmt;
        }
        if (st->cache[k].sql == NULL) {
            rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->cache[k].stmt,
                                    NULL);
            if (rc != SQLITE_OK) {
                hd_store__error(st, rc, "prepare");
                return NULL;
            }
            st->cache[k].sql = sql;
            return st->cache[k].stmt;
        }
    }
    /* The cache is sized well above the number of literals in core/. */
    hd_error_set(HD_EDB, "statement cache full");
    return NULL;
}

/* Transaction control runs often (a savepoint per engine call): keep it prepared. */
static int control(hd_store *st, const char *sql)
{
    sqlite3_stmt *s = hd_store__stmt(st, sql);
    int rc;

    if (s == NULL)
        return SQLITE_ERROR;
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int hd_store_begin(hd_store *st)
{
    int rc = control(st, st->depth ? "SAVEPOINT nested" : "BEGIN IMMEDIATE");

    if (rc != SQLITE_OK)
        return hd_store__error(st, rc, "begin transaction");
    st->depth++;
    return 0;
}

int hd_store_commit(hd_store *st)
{
    int rc = control(st, st->depth > 1 ? "RELEASE nested" : "COMMIT");

    if (rc != SQLITE_OK) {
        int err = hd_store__error(st, rc, "commit");
        hd_store_rollback(st);
        return err;
    }
    st->depth--;
    return 0;
}

void hd_store_rollback(hd_store *st)
{
    if (st->depth == 0)
        return;
    if (st->depth > 1) {
        control(st, "ROLLBACK TO nested");
        control(st, "RELEASE nested");
    } else if (!sqlite3_get_autocommit(st->db)) {
        control(st, "ROLLBACK");
    }
    st->depth--;
}
