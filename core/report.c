/*
 * report.c - the administrators' reports (see hd/report.h for what every
 * figure means).
 *
 * The report must stay well under a second on a desk with a million
 * tickets, so each table is read exactly once, by one range query that
 * feeds its rows to an aggregate function defined below; the counting and
 * the SLA rules are plain C. The range queries walk the created_at,
 * started_at and answered_at indexes; covering indexes holding the columns
 * read here (proposed with this module for core/schema.c) spare them the
 * lookups into the wide rows.
 */
#include "hd/report.h"

#include "hd/timefmt.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- name tallies (categories, channels) ------------------------------ */

/*
 * A small open-addressing hash table from name to count: a desk has a few
 * dozen categories and channels, but a million rows each look one up.
 */
typedef struct tally {
    hd_report_count *slots; /* name NULL marks a free slot */
    size_t cap;             /* a power of two */
    size_t n;
} tally;

static uint64_t hash_bytes(const unsigned char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void tally_grow(tally *t);

static void tally_add(tally *t, const unsigned char *name, size_t len)
{
    size_t i;

    len = strnlen((const char *)name, len); /* a stray NUL ends the name, as it will in C */
    if (t->n * 2 >= t->cap)
        tally_grow(t);
    i = (size_t)hash_bytes(name, len) & (t->cap - 1);
    for (;;) {
        hd_report_count *c = &t->slots[i];

        if (c->name == NULL) {
            c->name = hd_strndup((const char *)name, len);
            c->count = 1;
            t->n++;
            return;
        }
        if (strncmp(c->name, (const char *)name, len) == 0 && c->name[len] == '\0') {
            c->count++;
            return;
        }
        i = (i + 1) & (t->cap - 1);
    }
}

static void tally_grow(tally *t)
{
    hd_report_count *old = t->slots;
    size_t old_cap = t->cap, i, k;

    t->cap = old_cap ? old_cap * 2 : 32;
    t->slots = hd_calloc(t->cap, sizeof(*t->slots));
    for (i = 0; i < old_cap; i++) {
        if (old[i].name == NULL)
            continue;
        k = (size_t)hash_bytes((const unsigned char *)old[i].name, strlen(old[i].name)) &
            (t->cap - 1);
        while (t->slots[k].name != NULL)
            k = (k + 1) & (t->cap - 1);
        t->slots[k] = old[i];
    }
    hd_free(old);
}

static int count_by_name(const void *a, const void *b)
{
    return strcmp(((const hd_report_count *)a)->name, ((const hd_report_count *)b)->name);
}

/* Move the tally's entries into a sorted array the report owns. */
static void tally_finish(tally *t, hd_report_count **out, size_t *n)
{
    size_t i, k = 0;

    *out = hd_calloc(t->n ? t->n : 1, sizeof(**out));
    for (i = 0; i < t->cap; i++)
        if (t->slots[i].name != NULL)
            (*out)[k++] = t->slots[i];
    qsort(*out, k, sizeof(**out), count_by_name);
    *n = k;
    hd_free(t->slots);
    memset(t, 0, sizeof(*t));
}

static void tally_free(tally *t)
{
    size_t i;

    for (i = 0; i < t->cap; i++)
        hd_free(t->slots[i].name);
    hd_free(t->slots);
    memset(t, 0, sizeof(*t));
}

/* ---- helpers ------------------------------------------------------------ */

/*
 * A list of names with their lengths, to match column text without copying;
 * sized for the longest list, the statuses.
 */
_Static_assert((int)HD_TYPE_COUNT <= (int)HD_STATUS_COUNT &&
                   HD_REPORT_OUTCOMES <= (int)HD_STATUS_COUNT,
               "names holds at most HD_STATUS_COUNT names");

typedef struct names {
    const char *name[HD_STATUS_COUNT];
    size_t len[HD_STATUS_COUNT];
    int n;
} names;

static void names_init(names *ns, const char *(*name_of)(int), int n)
{
    int i;

    ns->n = n;
    for (i = 0; i < n; i++) {
        ns->name[i] = name_of(i);
        ns->len[i] = strlen(ns->name[i]);
    }
}

static const char *type_name(int i)
{
    return hd_type_name((hd_ticket_type)i);
}

static const char *status_name(int i)
{
    return hd_status_name((hd_status)i);
}

static const char *outcome_name(int i)
{
    return hd_contact_outcome_name((hd_contact_outcome)i);
}

/* The index of text value `v` among `ns`, or -1 (also for NULL). */
static int name_index(const names *ns, sqlite3_value *v)
{
    const unsigned char *text = sqlite3_value_text(v);
    size_t len;
    int i;

    if (text == NULL)
        return -1;
    len = (size_t)sqlite3_value_bytes(v);
    for (i = 0; i < ns->n; i++)
        if (ns->len[i] == len && memcmp(ns->name[i], text, len) == 0)
            return i;
    return -1;
}

static void ratio_finish(hd_report_ratio *r)
{
    r->percent = r->den ? 100.0 * (double)r->num / (double)r->den : 0.0;
}

static void mean_add(hd_report_mean *m, int64_t v)
{
    m->count++;
    m->sum += v;
}

static void mean_finish(hd_report_mean *m)
{
    m->mean = m->count ? (double)m->sum / (double)m->count : 0.0;
}

/* ---- folding rows into the report ---------------------------------------- */

/*
 * Each table is read by one statement that hands its rows to an aggregate
 * function defined here ("SELECT hd_report_tickets(?3, type, ...) FROM
 * tickets WHERE ..."). The rows never cross the statement API one column
 * at a time, which on a serialized connection costs a mutex per column and
 * dominated the time; inside the function the values are read directly.
 * The run's state reaches the functions as a pointer parameter, so they are
 * registered once per connection and never carry state of their own.
 */
typedef struct fold {
    hd_report *r;
    tally categories, channels;
    names types, statuses, outcomes;
} fold;

#define FOLD_POINTER "hd_report_fold"

static fold *fold_of(sqlite3_context *c, sqlite3_value *v)
{
    fold *f = sqlite3_value_pointer(v, FOLD_POINTER);

    if (f == NULL)
        sqlite3_result_error(c, "the report functions are internal to deskbot", -1);
    return f;
}

/* hd_report_contacts(fold, outcome) */
static void fold_contact(sqlite3_context *c, int argc, sqlite3_value **v)
{
    fold *f = fold_of(c, v[0]);
    int i;

    (void)argc;
    if (f == NULL)
        return;
    f->r->contacts.total++;
    if ((i = name_index(&f->outcomes, v[1])) >= 0)
        f->r->contacts.by_outcome[i]++;
}

/*
 * One SLA target of one ticket: 1 met, 0 breached, -1 not measured. `done`
 * is when the target was completed (0 if not yet); `clock` is where the
 * ticket's clock stands (the pause start, or now).
 */
static int sla_outcome(int64_t done, int64_t due, int64_t clock)
{
    if (done)
        return done <= due;
    return clock > due ? 0 : -1;
}

static void sla_count(hd_report_ratio *r, int outcome)
{
    if (outcome < 0)
        return;
    r->den++;
    r->num += outcome;
}

static void tally_value(tally *t, sqlite3_value *v, const char *if_null)
{
    const unsigned char *text = sqlite3_value_text(v);

    if (text != NULL)
        tally_add(t, text, (size_t)sqlite3_value_bytes(v));
    else
        tally_add(t, (const unsigned char *)if_null, strlen(if_null));
}

/*
 * hd_report_tickets(fold, type, category, priority, status, channel,
 * created_at, responded_at, resolved_at, response_due, resolution_due,
 * sla_paused_at); NULL times read as 0, "not yet", as in hd_ticket.
 */
static void fold_ticket(sqlite3_context *c, int argc, sqlite3_value **v)
{
    fold *f = fold_of(c, v[0]);
    hd_report *r;
    int type, p;
    int64_t created, responded, resolved, paused, clock;

    (void)argc;
    if (f == NULL)
        return;
    r = f->r;
    created = sqlite3_value_int64(v[6]);
    responded = sqlite3_value_int64(v[7]);
    resolved = sqlite3_value_int64(v[8]);

    r->tickets.total++;
    if ((type = name_index(&f->types, v[1])) >= 0)
        r->tickets.by_type[type]++;
    tally_value(&f->categories, v[2], "uncategorised");
    tally_value(&f->channels, v[5], "unknown");
    if (responded)
        mean_add(&r->time_to_respond, responded - created);
    if (resolved)
        mean_add(&r->time_to_resolve, resolved - created);

    p = sqlite3_value_int(v[3]) - 1;
    if (p < 0 || p >= HD_PRIORITY_COUNT)
        return; /* the schema forbids it: nothing to count per priority */
    r->tickets.by_priority[p]++;
    if (name_index(&f->statuses, v[4]) == HD_STATUS_CANCELLED)
        return;
    paused = sqlite3_value_int64(v[11]);
    clock = paused ? paused : r->now;
    sla_count(&r->sla.response[p], sla_outcome(responded, sqlite3_value_int64(v[9]), clock));
    sla_count(&r->sla.resolution[p], sla_outcome(resolved, sqlite3_value_int64(v[10]), clock));
}

/* hd_report_surveys(fold, rating, not_fixed, is_default) */
static void fold_survey(sqlite3_context *c, int argc, sqlite3_value **v)
{
    fold *f = fold_of(c, v[0]);
    hd_report *r;
    int rating;

    (void)argc;
    if (f == NULL)
        return;
    r = f->r;
    r->csat.answered++;
    if (sqlite3_value_int(v[2])) {
        r->csat.not_fixed++;
        return;
    }
    rating = sqlite3_value_int(v[1]);
    if (rating < 1 || rating > 5)
        return; /* the schema forbids it: neither kind of rating */
    mean_add(&r->csat.with_defaults, rating);
    if (sqlite3_value_int(v[3])) {
        r->csat.defaults++;
        return;
    }
    mean_add(&r->csat.real, rating);
    r->csat.by_rating[rating - 1]++;
}

static hd_report_age age_bucket(int64_t age)
{
    if (age < DAY)
        return HD_REPORT_AGE_LT_1D;
    if (age < 3 * DAY)
        return HD_REPORT_AGE_1D_3D;
    if (age < 7 * DAY)
        return HD_REPORT_AGE_3D_7D;
    if (age < 30 * DAY)
        return HD_REPORT_AGE_7D_30D;
    return HD_REPORT_AGE_GE_30D;
}

/* hd_report_backlog(fold, status, created_at) */
static void fold_backlog(sqlite3_context *c, int argc, sqlite3_value **v)
{
    fold *f = fold_of(c, v[0]);
    int i;

    (void)argc;
    if (f == NULL)
        return;
    i = name_index(&f->statuses, v[1]);
    if (i < 0 || !hd_status_is_open((hd_status)i))
        return;
    f->r->backlog.total++;
    f->r->backlog.by_status[i]++;
    f->r->backlog.by_age[age_bucket(f->r->now - sqlite3_value_int64(v[2]))]++;
}

static void fold_final(sqlite3_context *c)
{
    sqlite3_result_null(c);
}

static const struct {
    const char *name;
    int n_args;
    void (*step)(sqlite3_context *, int, sqlite3_value **);
} fold_functions[] = {
    {"hd_report_contacts", 2, fold_contact},
    {"hd_report_tickets", 12, fold_ticket},
    {"hd_report_surveys", 4, fold_survey},
    {"hd_report_backlog", 3, fold_backlog},
};

/*
 * The open statuses are spelled out so the status index serves the backlog
 * query; the others read the creation, start and answer time indexes.
 */
static const char contacts_sql[] = "SELECT hd_report_contacts(?3, outcome) FROM contacts"
                                   " WHERE started_at >= ?1 AND started_at < ?2";
static const char tickets_sql[] =
    "SELECT hd_report_tickets(?3, type, category, priority, status, channel, created_at,"
    " responded_at, resolved_at, response_due, resolution_due, sla_paused_at) FROM tickets"
    " WHERE created_at >= ?1 AND created_at < ?2";
static const char surveys_sql[] = "SELECT hd_report_surveys(?3, rating, not_fixed, is_default)"
                                  " FROM surveys WHERE answered_at >= ?1 AND answered_at < ?2";
static const char backlog_sql[] =
    "SELECT hd_report_backlog(?3, status, created_at) FROM tickets"
    " WHERE status IN ('new', 'assigned', 'in_progress', 'pending', 'reopened')";

static int register_functions(sqlite3 *db)
{
    size_t i;
    int rc;

    for (i = 0; i < HD_ARRAY_SIZE(fold_functions); i++) {
        rc = sqlite3_create_function_v2(db, fold_functions[i].name, fold_functions[i].n_args,
                                        SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL,
                                        fold_functions[i].step, fold_final, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/*
 * Run one folding statement over [from, to). The functions are registered
 * the first time a statement naming them fails to compile on this
 * connection (registering again later would expire every prepared
 * statement of the connection).
 */
static int run_fold(hd_store *st, const char *sql, fold *f, const char *what)
{
    sqlite3_stmt *s = hd_store__stmt(st, sql);
    int rc;

    if (s == NULL) {
        if ((rc = register_functions(hd_store_db(st))) != SQLITE_OK)
            return hd_store__error(st, rc, "register report functions");
        if ((s = hd_store__stmt(st, sql)) == NULL)
            return HD_EDB;
    }
    sqlite3_bind_int64(s, 1, f->r->from);
    sqlite3_bind_int64(s, 2, f->r->to);
    sqlite3_bind_pointer(s, 3, f, FOLD_POINTER, NULL);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, what);
}

/* The figures derived from the counts once every row is in. */
static void finish(fold *f)
{
    hd_report *r = f->r;
    int i;

    r->contacts.fcr.num = r->contacts.by_outcome[HD_CONTACT_KB_RESOLVED] +
                          r->contacts.by_outcome[HD_CONTACT_RESOLVED];
    r->contacts.fcr.den = r->contacts.total;
    ratio_finish(&r->contacts.fcr);

    tally_finish(&f->categories, &r->tickets.by_category, &r->tickets.n_categories);
    tally_finish(&f->channels, &r->tickets.by_channel, &r->tickets.n_channels);
    r->tickets.complaint_rate.num = r->tickets.by_type[HD_TYPE_COMPLAINT];
    r->tickets.complaint_rate.den = r->tickets.by_type[HD_TYPE_INCIDENT];
    ratio_finish(&r->tickets.complaint_rate);

    for (i = 0; i < HD_PRIORITY_COUNT; i++) {
        r->sla.response[HD_PRIORITY_COUNT].num += r->sla.response[i].num;
        r->sla.response[HD_PRIORITY_COUNT].den += r->sla.response[i].den;
        r->sla.resolution[HD_PRIORITY_COUNT].num += r->sla.resolution[i].num;
        r->sla.resolution[HD_PRIORITY_COUNT].den += r->sla.resolution[i].den;
    }
    for (i = 0; i <= HD_PRIORITY_COUNT; i++) {
        ratio_finish(&r->sla.response[i]);
        ratio_finish(&r->sla.resolution[i]);
    }
    mean_finish(&r->time_to_respond);
    mean_finish(&r->time_to_resolve);

    r->csat.satisfied.num = r->csat.by_rating[3] + r->csat.by_rating[4];
    r->csat.satisfied.den = r->csat.real.count;
    ratio_finish(&r->csat.satisfied);
    mean_finish(&r->csat.real);
    mean_finish(&r->csat.with_defaults);
}

/* ---- the report --------------------------------------------------------- */

void hd_report_free(hd_report *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->tickets.n_categories; i++)
        hd_free(r->tickets.by_category[i].name);
    for (i = 0; i < r->tickets.n_channels; i++)
        hd_free(r->tickets.by_channel[i].name);
    hd_free(r->tickets.by_category);
    hd_free(r->tickets.by_channel);
    hd_free(r);
}

int hd_report_compute(hd_desk *desk, int64_t from, int64_t to, int64_t now, hd_report **out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3 *db = hd_store_db(st);
    fold f;
    int own_txn = 0, err;

    *out = NULL;
    if (from > to)
        return hd_error_set(HD_EINVAL, "a report period must not end before it starts");
    memset(&f, 0, sizeof(f));
    names_init(&f.types, type_name, HD_TYPE_COUNT);
    names_init(&f.statuses, status_name, HD_STATUS_COUNT);
    names_init(&f.outcomes, outcome_name, HD_REPORT_OUTCOMES);
    /*
     * A deferred transaction: one snapshot for every figure, and only a
     * read lock, so the service keeps writing while a report runs.
     */
    if (sqlite3_get_autocommit(db)) {
        if ((err = hd_store__exec(st, "BEGIN DEFERRED")) != 0)
            return err;
        own_txn = 1;
    }
    f.r = hd_calloc(1, sizeof(*f.r));
    f.r->from = from;
    f.r->to = to;
    f.r->now = now;
    if ((err = run_fold(st, contacts_sql, &f, "report contacts")) != 0 ||
        (err = run_fold(st, tickets_sql, &f, "report tickets")) != 0 ||
        (err = run_fold(st, surveys_sql, &f, "report surveys")) != 0 ||
        (err = run_fold(st, backlog_sql, &f, "report backlog")) != 0)
        goto cleanup;
    if (own_txn) {
        if ((err = hd_store__exec(st, "COMMIT")) != 0)
            goto cleanup;
        own_txn = 0;
    }
    finish(&f);
    *out = f.r;

cleanup:
    if (own_txn)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    tally_free(&f.categories);
    tally_free(&f.channels);
    if (err)
        hd_report_free(f.r);
    return err;
}

/* ---- JSON ------------------------------------------------------------------- */

/*
 * Set o[key] = v (stolen), remembering any failure: jansson returns NULL
 * when it cannot allocate, and the whole document is then given up.
 */
static void put(json_t *o, const char *key, json_t *v, int *bad)
{
    if (json_object_set_new(o, key, v) != 0)
        *bad = 1;
}

/* `o`, or NULL (and `o` released) when building it failed. */
static json_t *done(json_t *o, int bad)
{
    if (bad || o == NULL) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *real_or_null(int present, double v)
{
    return present ? json_real(v) : json_null();
}

static json_t *iso_time(int64_t t)
{
    char buf[32];

    hd_time_format(t, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *ratio_json(const char *num_key, const char *den_key, const hd_report_ratio *r)
{
    json_t *o = json_object();
    int bad = 0;

    put(o, num_key, json_integer(r->num), &bad);
    put(o, den_key, json_integer(r->den), &bad);
    put(o, "percent", real_or_null(r->den != 0, r->percent), &bad);
    return done(o, bad);
}

static json_t *mean_json(const char *mean_key, const hd_report_mean *m)
{
    json_t *o = json_object();
    int bad = 0;

    put(o, "count", json_integer(m->count), &bad);
    put(o, mean_key, real_or_null(m->count != 0, m->mean), &bad);
    return done(o, bad);
}

static json_t *counts_json(const hd_report_count *c, size_t n)
{
    json_t *o = json_object();
    size_t i;
    int bad = 0;

    for (i = 0; i < n; i++)
        put(o, c[i].name, json_integer(c[i].count), &bad);
    return done(o, bad);
}

/* {"<names[0]>": n[0], ...} for the `n_names` names whose `keep` is set (NULL: all). */
static json_t *named_counts_json(const char *(*name_of)(int), const int64_t *n, int n_names,
                                 int (*keep)(int))
{
    json_t *o = json_object();
    int i, bad = 0;

    for (i = 0; i < n_names; i++)
        if (keep == NULL || keep(i))
            put(o, name_of(i), json_integer(n[i]), &bad);
    return done(o, bad);
}

static const char *priority_key(int i)
{
    static const char *const keys[HD_PRIORITY_COUNT] = {"P1", "P2", "P3", "P4"};

    return keys[i];
}

static const char *rating_key(int i)
{
    static const char *const keys[5] = {"1", "2", "3", "4", "5"};

    return keys[i];
}

static const char *age_key(int i)
{
    static const char *const keys[HD_REPORT_AGE_COUNT] = {"lt_1d", "1d_3d", "3d_7d", "7d_30d",
                                                          "ge_30d"};

    return keys[i];
}

static int status_is_open(int i)
{
    return hd_status_is_open((hd_status)i);
}

static json_t *sla_json(const hd_report_ratio *per_priority)
{
    json_t *o = json_object();
    int p, bad = 0;

    for (p = 0; p < HD_PRIORITY_COUNT; p++)
        put(o, priority_key(p), ratio_json("met", "measured", &per_priority[p]), &bad);
    put(o, "overall", ratio_json("met", "measured", &per_priority[HD_PRIORITY_COUNT]), &bad);
    return done(o, bad);
}

json_t *hd_report_json(const hd_report *r)
{
    json_t *root = json_object(), *o, *sub;
    int bad = 0;

    o = json_object();
    put(o, "from", iso_time(r->from), &bad);
    put(o, "to", iso_time(r->to), &bad);
    put(o, "now", iso_time(r->now), &bad);
    put(root, "range", o, &bad);

    o = json_object();
    put(o, "total", json_integer(r->contacts.total), &bad);
    put(o, "by_outcome",
        named_counts_json(outcome_name, r->contacts.by_outcome, HD_REPORT_OUTCOMES, NULL), &bad);
    put(root, "contacts", o, &bad);
    put(root, "first_contact_resolution", ratio_json("resolved", "contacts", &r->contacts.fcr),
        &bad);

    o = json_object();
    put(o, "total", json_integer(r->tickets.total), &bad);
    put(o, "by_type", named_counts_json(type_name, r->tickets.by_type, HD_TYPE_COUNT, NULL), &bad);
    put(o, "by_category", counts_json(r->tickets.by_category, r->tickets.n_categories), &bad);
    put(o, "by_priority",
        named_counts_json(priority_key, r->tickets.by_priority, HD_PRIORITY_COUNT, NULL), &bad);
    put(o, "by_channel", counts_json(r->tickets.by_channel, r->tickets.n_channels), &bad);
    put(root, "tickets", o, &bad);
    put(root, "complaint_rate", ratio_json("complaints", "incidents", &r->tickets.complaint_rate),
        &bad);

    o = json_object();
    put(o, "answered", json_integer(r->csat.answered), &bad);
    sub = mean_json("mean", &r->csat.real);
    put(sub, "satisfied", json_integer(r->csat.satisfied.num), &bad);
    put(sub, "satisfied_percent",
        real_or_null(r->csat.satisfied.den != 0, r->csat.satisfied.percent), &bad);
    put(sub, "by_rating", named_counts_json(rating_key, r->csat.by_rating, 5, NULL), &bad);
    put(o, "real", sub, &bad);
    put(o, "defaults", json_integer(r->csat.defaults), &bad);
    put(o, "not_fixed", json_integer(r->csat.not_fixed), &bad);
    put(o, "with_defaults", mean_json("mean", &r->csat.with_defaults), &bad);
    put(root, "csat", o, &bad);

    o = json_object();
    put(o, "response", sla_json(r->sla.response), &bad);
    put(o, "resolution", sla_json(r->sla.resolution), &bad);
    put(root, "sla", o, &bad);
    put(root, "time_to_respond", mean_json("mean_secs", &r->time_to_respond), &bad);
    put(root, "time_to_resolve", mean_json("mean_secs", &r->time_to_resolve), &bad);

    o = json_object();
    put(o, "total", json_integer(r->backlog.total), &bad);
    put(o, "by_status",
        named_counts_json(status_name, r->backlog.by_status, HD_STATUS_COUNT, status_is_open),
        &bad);
    put(o, "by_age", named_counts_json(age_key, r->backlog.by_age, HD_REPORT_AGE_COUNT, NULL),
        &bad);
    put(root, "backlog", o, &bad);
    return done(root, bad);
}

/* ---- text ------------------------------------------------------------------- */

#define LABEL_WIDTH 34
#define VALUE_WIDTH 10

/* "label ......... value  note", the label cut to fit its column. */
static void row(FILE *out, int indent, const char *label, const char *value, const char *note)
{
    int width = LABEL_WIDTH - indent;

    fprintf(out, "%*s%-*.*s%*s%s%s\n", indent, "", width, width - 1, label, VALUE_WIDTH, value,
            note && note[0] ? "   " : "", note ? note : "");
}

static void row_count(FILE *out, int indent, const char *label, int64_t n)
{
    char v[32];

    snprintf(v, sizeof(v), "%lld", (long long)n);
    row(out, indent, label, v, NULL);
}

static void format_percent(char *buf, size_t size, const hd_report_ratio *r)
{
    if (r->den)
        snprintf(buf, size, "%.1f%%", r->percent);
    else
        snprintf(buf, size, "n/a");
}

static void row_ratio(FILE *out, int indent, const char *label, const hd_report_ratio *r,
                      const char *num_noun, const char *den_noun)
{
    char v[32], note[96];

    format_percent(v, sizeof(v), r);
    snprintf(note, sizeof(note), "%lld %s of %lld %s", (long long)r->num, num_noun,
             (long long)r->den, den_noun);
    row(out, indent, label, v, note);
}

static void format_duration(char *buf, size_t size, double secs)
{
    long long s = (long long)(secs + 0.5);

    if (s >= 3600)
        s = (s + 30) / 60 * 60; /* whole minutes are shown: round to the nearest */
    if (s >= DAY)
        snprintf(buf, size, "%lldd %02lldh %02lldm", s / DAY, s % DAY / 3600, s % 3600 / 60);
    else if (s >= 3600)
        snprintf(buf, size, "%lldh %02lldm", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, size, "%lldm %02llds", s / 60, s % 60);
}

static void row_duration(FILE *out, const char *label, const hd_report_mean *m)
{
    char v[32], note[96];

    if (m->count == 0) {
        row(out, 0, label, "n/a", "no tickets");
        return;
    }
    format_duration(v, sizeof(v), m->mean);
    snprintf(note, sizeof(note), "mean over %lld tickets (%.0f s)", (long long)m->count, m->mean);
    row(out, 0, label, v, note);
}

static void row_sla(FILE *out, const char *label, const hd_report_ratio *resp,
                    const hd_report_ratio *reso)
{
    char a[16], b[16], an[32], bn[32];

    format_percent(a, sizeof(a), resp);
    format_percent(b, sizeof(b), reso);
    snprintf(an, sizeof(an), "%lld of %lld", (long long)resp->num, (long long)resp->den);
    snprintf(bn, sizeof(bn), "%lld of %lld", (long long)reso->num, (long long)reso->den);
    fprintf(out, "  %-10s%10s  %-18s%10s  %s\n", label, a, an, b, bn);
}

void hd_report_print(const hd_report *r, FILE *out)
{
    static const char *const age_labels[HD_REPORT_AGE_COUNT] = {
        "under 1 day", "1 to 3 days", "3 to 7 days", "7 to 30 days", "30 days or more"};
    char from[32], to[32], now[32], v[32], note[96];
    int i;

    hd_time_format(r->from, from, sizeof(from));
    hd_time_format(r->to, to, sizeof(to));
    hd_time_format(r->now, now, sizeof(now));
    fprintf(out, "Service desk report\n");
    fprintf(out, "  period  %s to %s (end excluded)\n", from, to);
    fprintf(out, "  as of   %s\n\n", now);

    row_count(out, 0, "Contacts started", r->contacts.total);
    for (i = 0; i < HD_REPORT_OUTCOMES; i++)
        row_count(out, 2, hd_contact_outcome_name((hd_contact_outcome)i),
                  r->contacts.by_outcome[i]);
    row_ratio(out, 0, "First-contact resolution", &r->contacts.fcr, "resolved", "contacts");

    fprintf(out, "\n");
    row_count(out, 0, "Tickets created", r->tickets.total);
    fprintf(out, "  by type\n");
    for (i = 0; i < HD_TYPE_COUNT; i++)
        row_count(out, 4, hd_type_name((hd_ticket_type)i), r->tickets.by_type[i]);
    fprintf(out, "  by priority\n");
    for (i = 0; i < HD_PRIORITY_COUNT; i++) {
        snprintf(v, sizeof(v), "P%d", i + 1);
        row_count(out, 4, v, r->tickets.by_priority[i]);
    }
    fprintf(out, "  by category\n");
    for (i = 0; i < (int)r->tickets.n_categories; i++)
        row_count(out, 4, r->tickets.by_category[i].name, r->tickets.by_category[i].count);
    fprintf(out, "  by channel\n");
    for (i = 0; i < (int)r->tickets.n_channels; i++)
        row_count(out, 4, r->tickets.by_channel[i].name, r->tickets.by_channel[i].count);
    row_ratio(out, 0, "Complaint rate", &r->tickets.complaint_rate, "complaints", "incidents");

    fprintf(out, "\n");
    row_count(out, 0, "Surveys answered", r->csat.answered);
    row_count(out, 2, "real ratings", r->csat.real.count);
    if (r->csat.real.count)
        snprintf(v, sizeof(v), "%.2f", r->csat.real.mean);
    else
        snprintf(v, sizeof(v), "n/a");
    row(out, 4, "mean rating", v, NULL);
    row_ratio(out, 4, "rated 4 or 5", &r->csat.satisfied, "satisfied", "rated");
    snprintf(note, sizeof(note), "%lld / %lld / %lld / %lld / %lld",
             (long long)r->csat.by_rating[0], (long long)r->csat.by_rating[1],
             (long long)r->csat.by_rating[2], (long long)r->csat.by_rating[3],
             (long long)r->csat.by_rating[4]);
    row(out, 4, "rated 1 / 2 / 3 / 4 / 5", "", note);
    row_count(out, 2, "default ratings (kept apart)", r->csat.defaults);
    row_count(out, 2, "not fixed", r->csat.not_fixed);
    if (r->csat.with_defaults.count)
        snprintf(v, sizeof(v), "%.2f", r->csat.with_defaults.mean);
    else
        snprintf(v, sizeof(v), "n/a");
    snprintf(note, sizeof(note), "over %lld real and default ratings",
             (long long)r->csat.with_defaults.count);
    row(out, 2, "mean incl. default ratings", v, note);

    fprintf(out, "\nSLA compliance (cancelled tickets excluded)\n");
    fprintf(out, "  %-10s%10s  %-18s%10s  %s\n", "priority", "response", "met of measured",
            "resolution", "met of measured");
    for (i = 0; i < HD_PRIORITY_COUNT; i++) {
        snprintf(v, sizeof(v), "P%d", i + 1);
        row_sla(out, v, &r->sla.response[i], &r->sla.resolution[i]);
    }
    row_sla(out, "overall", &r->sla.response[HD_PRIORITY_COUNT],
            &r->sla.resolution[HD_PRIORITY_COUNT]);

    fprintf(out, "\n");
    row_duration(out, "Mean time to respond", &r->time_to_respond);
    row_duration(out, "Mean time to resolve", &r->time_to_resolve);

    fprintf(out, "\n");
    row_count(out, 0, "Backlog (open tickets now)", r->backlog.total);
    fprintf(out, "  by status\n");
    for (i = 0; i < HD_STATUS_COUNT; i++)
        if (hd_status_is_open((hd_status)i))
            row_count(out, 4, hd_status_name((hd_status)i), r->backlog.by_status[i]);
    fprintf(out, "  by age\n");
    for (i = 0; i < HD_REPORT_AGE_COUNT; i++)
        row_count(out, 4, age_labels[i], r->backlog.by_age[i]);
}
