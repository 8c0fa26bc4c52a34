/*
 * bench_report.c - the administrators' report over a year of a large desk:
 * 1,000,000 tickets, about 300,000 answered or pending surveys and
 * 1,500,000 contacts, written straight into the schema with SQL in large
 * transactions (the engine's own calls would take hours for this much),
 * with distributions a service desk sees: mostly incidents and requests,
 * P3/P4 dominating, working-hours arrivals, nearly everything older than a
 * month closed, a small open backlog, real ratings skewed high and some
 * silent requesters given the default rating.
 *
 * hd_report_compute then runs 5 times over the whole year and one JSON
 * line is printed:
 *   {"bench":"report","tickets":N,"surveys":N,"contacts":N,
 *    "median_ms":..,"runs_ms":[..],"load_s":..}
 *
 * Usage: bench_report [tickets]  (default 1000000), on the schema's own
 * indexes (including the covering report indexes of migration 4).
 * The database lives in a temporary folder under $TMPDIR (or /tmp) and is
 * removed afterwards (kept if $BENCH_REPORT_KEEP is set; $BENCH_REPORT_PRINT
 * prints the last report as text on stderr).
 */
#include "hd/desk.h"
#include "hd/embedded.h"
#include "hd/report.h"
#include "hd/ticket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5
#define DAY 86400
#define N_EMPLOYEES 5000
#define BATCH 100000

/* ---- deterministic randomness -------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static uint64_t rng_below(uint64_t n)
{
    return rng() % n;
}

static double rng_unit(void)
{
    return (double)(rng() >> 11) / 9007199254740992.0;
}

/* Pick an index from cumulative weights summing to 1000. */
static int pick(const int *weights, int n)
{
    int r = (int)rng_below(1000), i, acc = 0;

    for (i = 0; i < n - 1; i++) {
        acc += weights[i];
        if (r < acc)
            return i;
    }
    return n - 1;
}

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return a < b ? -1 : a > b;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_report: %s: %s\n", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fprintf(stderr, "bench_report: %s: %s\n", sql, sqlite3_errmsg(db));
    return s;
}

static int step_done(sqlite3 *db, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "bench_report: insert: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

static void bind_time(sqlite3_stmt *s, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

/* ---- the generated desk --------------------------------------------------- */

static const char *const types[] = {"incident", "service_request", "change", "consultation",
                                    "complaint"};
static const char *const prefixes[] = {"INC", "REQ", "CHG", "CON", "CMP"};
static const int type_w[] = {560, 300, 40, 70, 30};

static const char *const categories[] = {
    "password", "account", "email", "vpn",   "network",  "wifi",         "printer", "hardware",
    "software", "access",  "mfa",   "phone", "security", "meeting_room", NULL};
static const int category_w[] = {140, 110, 110, 90, 70, 60, 80, 80, 100, 60, 30, 20, 10, 10, 30};

static const char *const channels[] = {"slack", "teams", "web", "matrix", "cli", NULL};
static const int channel_w[] = {380, 300, 220, 60, 20, 20};

static const int priority_w[] = {20, 100, 380, 500};
/* One impact/urgency cell per priority, as the default matrix maps it. */
static const char *const impact_of[] = {"organisation", "team", "team", "individual"};
static const char *const urgency_of[] = {"critical", "high", "medium", "low"};

static const char *const groups[] = {"service-desk",    "desktop-support", "network",
                                     "identity-access", "messaging",       "applications"};

static const char *const words[] = {
    "cannot",  "login",   "to",      "the",     "vpn",      "from",    "home",    "printer",
    "on",      "floor",   "three",   "shows",   "error",    "outlook", "keeps",   "crashing",
    "after",   "update",  "need",    "access",  "shared",   "drive",   "for",     "project",
    "laptop",  "battery", "drains",  "quickly", "password", "expired", "and",     "locked",
    "out",     "teams",   "meeting", "audio",   "not",      "working", "request", "new",
    "monitor", "wifi",    "drops",   "every",   "few",      "minutes", "install", "software",
};

/* `n` words from the list into buf, separated by spaces. */
static void phrase(char *buf, size_t size, int n)
{
    size_t len = 0;
    int i;

    buf[0] = '\0';
    for (i = 0; i < n && len + 16 < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "",
                                words[rng_below(HD_ARRAY_SIZE(words))]);
}

/* A creation instant in [start, start + 365 days), mostly in working hours. */
static int64_t arrival(int64_t start)
{
    for (;;) {
        int64_t t = start + (int64_t)rng_below(365 * (uint64_t)DAY);
        int64_t days = t / DAY, hour = t % DAY / 3600;
        int weekday = (int)((days + 4) % 7); /* 0 = Sunday; 1970-01-01 was a Thursday */
        int working = weekday >= 1 && weekday <= 5 && hour >= 8 && hour < 19;

        if (working || rng_below(10) < 1)
            return t;
    }
}

static int cmp_int64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return a < b ? -1 : a > b;
}

/*
 * `n` arrival instants in time order: rows are inserted as they happen, so
 * row ids follow creation times as they do in a real database.
 */
static int64_t *arrivals(long n, int64_t start)
{
    int64_t *at = hd_malloc((size_t)n * sizeof(*at));
    long i;

    for (i = 0; i < n; i++)
        at[i] = arrival(start);
    qsort(at, (size_t)n, sizeof(*at), cmp_int64);
    return at;
}

typedef struct counts {
    long tickets, surveys, contacts;
} counts;

static int load_employees(sqlite3 *db)
{
    sqlite3_stmt *s = prepare(db, "INSERT INTO employees (username, display_name, email,"
                                  " department, vip, is_agent, created_at, updated_at)"
                                  " VALUES (?1, ?1, ?2, 'Finance', ?3, ?4, 0, 0)");
    char name[32], email[64];
    int i;

    if (s == NULL)
        return -1;
    for (i = 1; i <= N_EMPLOYEES; i++) {
        snprintf(name, sizeof(name), "user%d", i);
        snprintf(email, sizeof(email), "user%d@example.com", i);
        sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, email, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 3, i % 50 == 0);
        sqlite3_bind_int(s, 4, i <= 60);
        if (step_done(db, s) != 0) {
            sqlite3_finalize(s);
            return -1;
        }
    }
    sqlite3_finalize(s);
    return 0;
}

static int load_tickets(sqlite3 *db, const hd_config *cfg, long n, int64_t start, int64_t now,
                        counts *c)
{
    sqlite3_stmt *t = prepare(
        db, "INSERT INTO tickets (id, number, type, category, title, description, details,"
            " impact, urgency, priority, status, pending_reason, requester_id,"
            " assignment_group, assignee_id, channel, handover, created_at, updated_at,"
            " responded_at, resolved_at, closed_at, resolution, reopen_count, response_due,"
            " resolution_due, sla_paused_at, sla_paused_secs) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
            " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 0, ?17, ?18, ?19, ?20, ?21, ?22,"
            " 0, ?23, ?24, ?25, 0)");
    sqlite3_stmt *sv = prepare(
        db, "INSERT INTO surveys (ticket_id, resolution_no, sent_at, default_at, answered_at,"
            " rating, not_fixed, is_default) VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7)");
    long serial[HD_ARRAY_SIZE(types)] = {0}, i;
    char number[32], title[160], desc[512];
    int64_t *created_at = arrivals(n, start);
    int err = -1;

    if (t == NULL || sv == NULL)
        goto cleanup;
    for (i = 1; i <= n; i++) {
        int type = pick(type_w, (int)HD_ARRAY_SIZE(type_w));
        int cat = pick(category_w, (int)HD_ARRAY_SIZE(category_w));
        int chan = pick(channel_w, (int)HD_ARRAY_SIZE(channel_w));
        int p = pick(priority_w, (int)HD_ARRAY_SIZE(priority_w));
        int64_t created = created_at[i - 1], age = now - created;
        int64_t resp_due, reso_due, responded = 0, resolved = 0, closed = 0, paused = 0;
        int64_t updated;
        const char *status, *pending = NULL;
        int r = (int)rng_below(1000);

        hd_sla_due(cfg, p + 1, created, 0, &resp_due, &reso_due);
        /* Older tickets are nearly all finished; the last weeks hold the backlog. */
        if (r < 35)
            status = "cancelled";
        else if (age > 30 * DAY)
            status = r < 990 ? "closed" : r < 994 ? "resolved" : r < 997 ? "pending" : "assigned";
        else if (age > 7 * DAY)
            status = r < 800   ? "closed"
                     : r < 900 ? "resolved"
                     : r < 940 ? "pending"
                     : r < 970 ? "in_progress"
                               : "assigned";
        else
            status = r < 300   ? "closed"
                     : r < 550 ? "resolved"
                     : r < 650 ? "pending"
                     : r < 800 ? "in_progress"
                     : r < 990 ? "assigned"
                               : "reopened";
        if (strcmp(status, "assigned") != 0 && (strcmp(status, "cancelled") != 0 || r < 15)) {
            /* Most responses land well inside the target, some late. */
            responded = created + (int64_t)((double)(resp_due - created) *
                                            (0.05 + 1.2 * rng_unit() * rng_unit() * 1.1));
            if (responded > now)
                responded = now;
        }
        if (strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0) {
            resolved = responded + (int64_t)((double)(reso_due - created) * 1.3 * rng_unit());
            if (resolved > now)
                resolved = now;
            paused = resolved;
            if (strcmp(status, "closed") == 0) {
                closed = resolved + (int64_t)rng_below(5 * DAY);
                if (closed > now)
                    closed = now;
            }
        }
        if (strcmp(status, "pending") == 0) {
            pending = rng_below(10) < 6 ? "user" : "vendor";
            if (strcmp(pending, "user") == 0)
                paused = responded + (int64_t)rng_below((uint64_t)(now - responded) + 1);
        }
        updated = closed      ? closed
                  : resolved  ? resolved
                  : paused    ? paused
                  : responded ? responded
                              : created;

        serial[type]++;
        snprintf(number, sizeof(number), "%s-%06ld", prefixes[type], serial[type]);
        phrase(title, sizeof(title), 4 + (int)rng_below(6));
        phrase(desc, sizeof(desc), 15 + (int)rng_below(35));
        sqlite3_bind_int64(t, 1, i);
        sqlite3_bind_text(t, 2, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(t, 3, types[type], -1, SQLITE_STATIC);
        if (categories[cat])
            sqlite3_bind_text(t, 4, categories[cat], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(t, 4);
        sqlite3_bind_text(t, 5, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(t, 6, desc, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(t, 7, rng_below(4) ? "{}" : "{\"location\": \"Building A, floor 3\"}", -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(t, 8, impact_of[p], -1, SQLITE_STATIC);
        sqlite3_bind_text(t, 9, urgency_of[p], -1, SQLITE_STATIC);
        sqlite3_bind_int(t, 10, p + 1);
        sqlite3_bind_text(t, 11, status, -1, SQLITE_STATIC);
        if (pending)
            sqlite3_bind_text(t, 12, pending, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(t, 12);
        sqlite3_bind_int64(t, 13, 61 + (int64_t)rng_below(N_EMPLOYEES - 60));
        sqlite3_bind_text(t, 14, groups[rng_below(HD_ARRAY_SIZE(groups))], -1, SQLITE_STATIC);
        bind_time(t, 15, responded ? 1 + (int64_t)rng_below(60) : 0);
        if (channels[chan])
            sqlite3_bind_text(t, 16, channels[chan], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(t, 16);
        sqlite3_bind_int64(t, 17, created);
        sqlite3_bind_int64(t, 18, updated);
        bind_time(t, 19, responded);
        bind_time(t, 20, resolved);
        bind_time(t, 21, closed);
        if (resolved)
            sqlite3_bind_text(t, 22, "applied the documented fix", -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(t, 22);
        sqlite3_bind_int64(t, 23, resp_due);
        sqlite3_bind_int64(t, 24, reso_due);
        bind_time(t, 25, paused);
        if (step_done(db, t) != 0)
            goto cleanup;
        c->tickets++;

        /* About a third of resolutions get a survey row we keep. */
        if (resolved && rng_below(1000) < 325) {
            int64_t default_at = resolved + 5 * DAY, answered = 0;
            int kind = (int)rng_below(100), rating = 0, not_fixed = 0, is_default = 0;

            if (strcmp(status, "closed") == 0 || default_at <= now) {
                if (kind < 60) {
                    static const int rating_w[] = {80, 70, 100, 250, 500};

                    rating = 1 + pick(rating_w, 5);
                    answered = resolved + (int64_t)rng_below(4 * DAY);
                } else if (kind < 93) {
                    rating = 4;
                    is_default = 1;
                    answered = default_at;
                } else {
                    not_fixed = 1;
                    answered = resolved + (int64_t)rng_below(2 * DAY);
                }
                if (answered > now)
                    answered = now;
            }
            sqlite3_bind_int64(sv, 1, i);
            sqlite3_bind_int64(sv, 2, resolved);
            sqlite3_bind_int64(sv, 3, default_at);
            bind_time(sv, 4, answered);
            if (rating)
                sqlite3_bind_int(sv, 5, rating);
            else
                sqlite3_bind_null(sv, 5);
            sqlite3_bind_int(sv, 6, not_fixed);
            sqlite3_bind_int(sv, 7, is_default);
            if (step_done(db, sv) != 0)
                goto cleanup;
            c->surveys++;
        }
        if (i % BATCH == 0 && (exec(db, "COMMIT") != 0 || exec(db, "BEGIN") != 0))
            goto cleanup;
    }
    err = 0;

cleanup:
    sqlite3_finalize(t);
    sqlite3_finalize(sv);
    hd_free(created_at);
    return err;
}

static int load_contacts(sqlite3 *db, long n, int64_t start, counts *c)
{
    static const char *const outcomes[] = {"kb_resolved", "resolved", "ticket", "abandoned",
                                           "open"};
    static const int outcome_w[] = {300, 100, 450, 120, 30};
    sqlite3_stmt *s = prepare(db, "INSERT INTO contacts (employee_id, channel, started_at,"
                                  " outcome, ended_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    int64_t *started_at;
    long i;

    if (s == NULL)
        return -1;
    started_at = arrivals(n, start);
    for (i = 1; i <= n; i++) {
        int o = pick(outcome_w, 5), chan = pick(channel_w, (int)HD_ARRAY_SIZE(channel_w));
        int64_t started = started_at[i - 1];

        sqlite3_bind_int64(s, 1, 61 + (int64_t)rng_below(N_EMPLOYEES - 60));
        sqlite3_bind_text(s, 2, channels[chan] ? channels[chan] : "unknown", -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, started);
        sqlite3_bind_text(s, 4, outcomes[o], -1, SQLITE_STATIC);
        bind_time(s, 5, o == 4 ? 0 : started + 60 + (int64_t)rng_below(1800));
        if (step_done(db, s) != 0)
            break;
        c->contacts++;
        if (i % BATCH == 0 && (exec(db, "COMMIT") != 0 || exec(db, "BEGIN") != 0))
            break;
    }
    sqlite3_finalize(s);
    hd_free(started_at);
    return i > n ? 0 : -1;
}

static void remove_db(const char *dir, const char *path)
{
    char *wal = hd_sprintf("%s-wal", path), *shm = hd_sprintf("%s-shm", path);

    remove(path);
    remove(wal);
    remove(shm);
    rmdir(dir);
    hd_free(wal);
    hd_free(shm);
}

int main(int argc, char **argv)
{
    long n_tickets = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    const char *tmp = getenv("TMPDIR");
    /* One year, December 2025 to November 2026, reported on 1 December 2026. */
    const int64_t start = 1764547200, now = start + 365 * (int64_t)DAY;
    char dir[4096], path[4200];
    double runs[RUNS], sorted[RUNS], t0, load_s;
    counts c = {0, 0, 0};
    hd_config *cfg = NULL;
    hd_desk *desk = NULL;
    hd_report *r = NULL;
    sqlite3 *db;
    int i, rc = 1;

    if (n_tickets <= 0) {
        fprintf(stderr, "usage: %s [tickets]\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s/bench_report.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/desk.db", dir);
    if (hd_config_load(&cfg, hd_embedded_find("deskbot.json"), NULL) != 0 ||
        hd_desk_open(&desk, cfg, path) != 0) {
        fprintf(stderr, "bench_report: %s\n", hd_error_last());
        goto cleanup;
    }
    db = hd_store_db(hd_desk_store(desk));

    t0 = seconds();
    if (exec(db, "PRAGMA synchronous=OFF") != 0 || exec(db, "PRAGMA cache_size=-262144") != 0 ||
        exec(db, "BEGIN") != 0 || load_employees(db) != 0 ||
        load_tickets(db, cfg, n_tickets, start, now, &c) != 0 ||
        load_contacts(db, n_tickets * 3 / 2, start, &c) != 0 || exec(db, "COMMIT") != 0)
        goto cleanup;
    /* Back to how the service runs: its default page cache, data checkpointed. */
    if (exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != 0 ||
        exec(db, "PRAGMA synchronous=NORMAL") != 0 || exec(db, "PRAGMA cache_size=-2000") != 0)
        goto cleanup;
    load_s = seconds() - t0;

    for (i = 0; i < RUNS; i++) {
        t0 = seconds();
        if (hd_report_compute(desk, start, now, now, &r) != 0) {
            fprintf(stderr, "bench_report: %s\n", hd_error_last());
            goto cleanup;
        }
        runs[i] = (seconds() - t0) * 1000.0;
        if (r->tickets.total != c.tickets || r->contacts.total != c.contacts) {
            fprintf(stderr, "bench_report: the report counted %lld tickets, %lld contacts\n",
                    (long long)r->tickets.total, (long long)r->contacts.total);
            goto cleanup;
        }
        if (i + 1 < RUNS) {
            hd_report_free(r);
            r = NULL;
        }
    }
    if (getenv("BENCH_REPORT_PRINT"))
        hd_report_print(r, stderr);
    memcpy(sorted, runs, sizeof(runs));
    qsort(sorted, RUNS, sizeof(double), cmp_double);
    printf("{\"bench\":\"report\",\"tickets\":%ld,\"surveys\":%ld,\"contacts\":%ld,"
           "\"median_ms\":%.1f,\"runs_ms\":[",
           c.tickets, c.surveys, c.contacts, sorted[RUNS / 2]);
    for (i = 0; i < RUNS; i++)
        printf("%s%.1f", i ? "," : "", runs[i]);
    printf("],\"load_s\":%.1f}\n", load_s);
    rc = 0;

cleanup:
    hd_report_free(r);
    hd_desk_close(desk);
    hd_config_free(cfg);
    if (getenv("BENCH_REPORT_KEEP"))
        fprintf(stderr, "bench_report: kept %s\n", path);
    else
        remove_db(dir, path);
    return rc;
}
