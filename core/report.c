/*
 * report.c - the administrators' reports (see hd/report.h for what every
 * figure means).
 *
 * The report must stay fast on a desk with a million tickets, so each
 * table is read once: one range query per table streams the few columns the
 * figures need and the counting happens here in C, where the SLA rules are
 * plain code rather than dozens of CASE expressions re-evaluated per row.
 * The ticket pass walks the created_at range; with the covering index
 * proposed in the report's README note (created_at first, then the columns
 * read below) it never touches the wide ticket rows. Contacts and surveys
 * are narrow, and the backlog is read through the status index.
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

/* The index of `text` (not terminated, `len` bytes) among `n` names, or -1. */
static int name_index(const char *const *names, const size_t *lens, int n,
                      const unsigned char *text, int len)
{
    int i;

    if (text == NULL)
        return -1;
    for (i = 0; i < n; i++)
        if (lens[i] == (size_t)len && memcmp(names[i], text, (size_t)len) == 0)
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

static void bind_range(sqlite3_stmt *s, int64_t from, int64_t to)
{
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
}

/* ---- contacts ----------------------------------------------------------- */

static const char contacts_sql[] = "SELECT outcome, count(*) FROM contacts"
                                   " WHERE started_at >= ?1 AND started_at < ?2"
                                   " GROUP BY outcome";

static int read_contacts(hd_store *st, hd_report *r)
{
    sqlite3_stmt *s = hd_store__stmt(st, contacts_sql);
    const char *names[HD_REPORT_OUTCOMES];
    size_t lens[HD_REPORT_OUTCOMES];
    int i, rc;

    if (s == NULL)
        return HD_EDB;
    for (i = 0; i < HD_REPORT_OUTCOMES; i++) {
        names[i] = hd_contact_outcome_name((hd_contact_outcome)i);
        lens[i] = strlen(names[i]);
    }
    bind_range(s, r->from, r->to);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(s, 1);

        i = name_index(names, lens, HD_REPORT_OUTCOMES, sqlite3_column_text(s, 0),
                       sqlite3_column_bytes(s, 0));
        if (i >= 0)
            r->contacts.by_outcome[i] += n;
        r->contacts.total += n;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "report contacts");
    r->contacts.fcr.num = r->contacts.by_outcome[HD_CONTACT_KB_RESOLVED] +
                          r->contacts.by_outcome[HD_CONTACT_RESOLVED];
    r->contacts.fcr.den = r->contacts.total;
    ratio_finish(&r->contacts.fcr);
    return 0;
}

/* ---- tickets created in range ------------------------------------------- */

static const char tickets_sql[] =
    "SELECT type, category, priority, status, channel, created_at, responded_at,"
    " resolved_at, response_due, resolution_due, sla_paused_at FROM tickets"
    " WHERE created_at >= ?1 AND created_at < ?2";

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

static void sla_count(hd_report_ratio *per_priority, int p, int outcome)
{
    if (outcome < 0)
        return;
    per_priority[p].den++;
    per_priority[p].num += outcome;
}

static int read_tickets(hd_store *st, hd_report *r)
{
    sqlite3_stmt *s = hd_store__stmt(st, tickets_sql);
    const char *types[HD_TYPE_COUNT], *statuses[HD_STATUS_COUNT];
    size_t type_lens[HD_TYPE_COUNT], status_lens[HD_STATUS_COUNT];
    tally categories = {0}, channels = {0};
    int i, rc, err = 0;

    if (s == NULL)
        return HD_EDB;
    for (i = 0; i < HD_TYPE_COUNT; i++) {
        types[i] = hd_type_name((hd_ticket_type)i);
        type_lens[i] = strlen(types[i]);
    }
    for (i = 0; i < HD_STATUS_COUNT; i++) {
        statuses[i] = hd_status_name((hd_status)i);
        status_lens[i] = strlen(statuses[i]);
    }
    bind_range(s, r->from, r->to);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *text;
        int type, status, p;
        int64_t created, responded, resolved, paused;

        type = name_index(types, type_lens, HD_TYPE_COUNT, sqlite3_column_text(s, 0),
                          sqlite3_column_bytes(s, 0));
        p = sqlite3_column_int(s, 2) - 1;
        status = name_index(statuses, status_lens, HD_STATUS_COUNT, sqlite3_column_text(s, 3),
                            sqlite3_column_bytes(s, 3));
        created = sqlite3_column_int64(s, 5);
        responded = sqlite3_column_int64(s, 6);
        resolved = sqlite3_column_int64(s, 7);
        paused = sqlite3_column_int64(s, 10);

        r->tickets.total++;
        if (type >= 0)
            r->tickets.by_type[type]++;
        if ((text = sqlite3_column_text(s, 1)) != NULL)
            tally_add(&categories, text, (size_t)sqlite3_column_bytes(s, 1));
        else
            tally_add(&categories, (const unsigned char *)"uncategorised", 13);
        if ((text = sqlite3_column_text(s, 4)) != NULL)
            tally_add(&channels, text, (size_t)sqlite3_column_bytes(s, 4));
        else
            tally_add(&channels, (const unsigned char *)"unknown", 7);

        if (responded)
            mean_add(&r->time_to_respond, responded - created);
        if (resolved)
            mean_add(&r->time_to_resolve, resolved - created);

        if (p < 0 || p >= HD_PRIORITY_COUNT)
            continue; /* the schema forbids it; count nothing per priority */
        r->tickets.by_priority[p]++;
        if (status == HD_STATUS_CANCELLED)
            continue;
        {
            int64_t clock = paused ? paused : r->now;

            sla_count(r->sla.response, p,
                      sla_outcome(responded, sqlite3_column_int64(s, 8), clock));
            sla_count(r->sla.resolution, p,
                      sla_outcome(resolved, sqlite3_column_int64(s, 9), clock));
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        err = hd_store__error(st, rc, "report tickets");
        goto cleanup;
    }
    tally_finish(&categories, &r->tickets.by_category, &r->tickets.n_categories);
    tally_finish(&channels, &r->tickets.by_channel, &r->tickets.n_channels);

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

cleanup:
    tally_free(&categories);
    tally_free(&channels);
    return err;
}

/* ---- surveys answered in range ------------------------------------------ */

static const char surveys_sql[] = "SELECT rating, not_fixed, is_default FROM surveys"
                                  " WHERE answered_at >= ?1 AND answered_at < ?2";

static int read_surveys(hd_store *st, hd_report *r)
{
    sqlite3_stmt *s = hd_store__stmt(st, surveys_sql);
    int rc;

    if (s == NULL)
        return HD_EDB;
    bind_range(s, r->from, r->to);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int rating = sqlite3_column_int(s, 0);

        r->csat.answered++;
        if (sqlite3_column_int(s, 1)) {
            r->csat.not_fixed++;
            continue;
        }
        if (rating < 1 || rating > 5)
            continue; /* the schema forbids it: neither kind of rating */
        mean_add(&r->csat.with_defaults, rating);
        if (sqlite3_column_int(s, 2)) {
            r->csat.defaults++;
            continue;
        }
        mean_add(&r->csat.real, rating);
        r->csat.by_rating[rating - 1]++;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "report surveys");
    r->csat.satisfied.num = r->csat.by_rating[3] + r->csat.by_rating[4];
    r->csat.satisfied.den = r->csat.real.count;
    ratio_finish(&r->csat.satisfied);
    mean_finish(&r->csat.real);
    mean_finish(&r->csat.with_defaults);
    return 0;
}

/* ---- backlog now ---------------------------------------------------------- */

/* The open statuses, spelled out so the status index serves the query. */
static const char backlog_sql[] =
    "SELECT status, created_at FROM tickets"
    " WHERE status IN ('new', 'assigned', 'in_progress', 'pending', 'reopened')";

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

static int read_backlog(hd_store *st, hd_report *r)
{
    sqlite3_stmt *s = hd_store__stmt(st, backlog_sql);
    const char *statuses[HD_STATUS_COUNT];
    size_t lens[HD_STATUS_COUNT];
    int i, rc;

    if (s == NULL)
        return HD_EDB;
    for (i = 0; i < HD_STATUS_COUNT; i++) {
        statuses[i] = hd_status_name((hd_status)i);
        lens[i] = strlen(statuses[i]);
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        i = name_index(statuses, lens, HD_STATUS_COUNT, sqlite3_column_text(s, 0),
                       sqlite3_column_bytes(s, 0));
        if (i < 0 || !hd_status_is_open((hd_status)i))
            continue;
        r->backlog.total++;
        r->backlog.by_status[i]++;
        r->backlog.by_age[age_bucket(r->now - sqlite3_column_int64(s, 1))]++;
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "report backlog");
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
    hd_report *r = NULL;
    int own_txn = 0, err;

    *out = NULL;
    if (from > to)
        return hd_error_set(HD_EINVAL, "a report period must not end before it starts");
    /*
     * A deferred transaction: one snapshot for every figure, and only a
     * read lock, so the service keeps writing while a report runs.
     */
    if (sqlite3_get_autocommit(db)) {
        if ((err = hd_store__exec(st, "BEGIN DEFERRED")) != 0)
            return err;
        own_txn = 1;
    }
    r = hd_calloc(1, sizeof(*r));
    r->from = from;
    r->to = to;
    r->now = now;
    if ((err = read_contacts(st, r)) != 0 || (err = read_tickets(st, r)) != 0 ||
        (err = read_surveys(st, r)) != 0 || (err = read_backlog(st, r)) != 0)
        goto cleanup;
    if (own_txn) {
        own_txn = 0;
        if ((err = hd_store__exec(st, "COMMIT")) != 0)
            goto cleanup;
    }
    *out = r;

cleanup:
    if (own_txn)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (err)
        hd_report_free(r);
    return err;
}

/* ---- JSON ------------------------------------------------------------------- */

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

    json_object_set_new(o, num_key, json_integer(r->num));
    json_object_set_new(o, den_key, json_integer(r->den));
    json_object_set_new(o, "percent", real_or_null(r->den != 0, r->percent));
    return o;
}

static json_t *mean_json(const char *mean_key, const hd_report_mean *m)
{
    json_t *o = json_object();

    json_object_set_new(o, "count", json_integer(m->count));
    json_object_set_new(o, mean_key, real_or_null(m->count != 0, m->mean));
    return o;
}

static json_t *counts_json(const hd_report_count *c, size_t n)
{
    json_t *o = json_object();
    size_t i;

    for (i = 0; i < n; i++)
        json_object_set_new(o, c[i].name, json_integer(c[i].count));
    return o;
}

static json_t *sla_json(const hd_report_ratio *per_priority)
{
    json_t *o = json_object();
    char key[4];
    int p;

    for (p = 0; p < HD_PRIORITY_COUNT; p++) {
        snprintf(key, sizeof(key), "P%d", p + 1);
        json_object_set_new(o, key, ratio_json("met", "measured", &per_priority[p]));
    }
    json_object_set_new(o, "overall",
                        ratio_json("met", "measured", &per_priority[HD_PRIORITY_COUNT]));
    return o;
}

static const char *const age_keys[HD_REPORT_AGE_COUNT] = {"lt_1d", "1d_3d", "3d_7d", "7d_30d",
                                                           "ge_30d"};

json_t *hd_report_json(const hd_report *r)
{
    json_t *root = json_object(), *o, *sub;
    char key[4];
    int i;

    if (root == NULL)
        return NULL;
    o = json_object();
    json_object_set_new(o, "from", iso_time(r->from));
    json_object_set_new(o, "to", iso_time(r->to));
    json_object_set_new(o, "now", iso_time(r->now));
    json_object_set_new(root, "range", o);

    o = json_object();
    json_object_set_new(o, "total", json_integer(r->contacts.total));
    sub = json_object();
    for (i = 0; i < HD_REPORT_OUTCOMES; i++)
        json_object_set_new(sub, hd_contact_outcome_name((hd_contact_outcome)i),
                            json_integer(r->contacts.by_outcome[i]));
    json_object_set_new(o, "by_outcome", sub);
    json_object_set_new(root, "contacts", o);
    json_object_set_new(root, "first_contact_resolution",
                        ratio_json("resolved", "contacts", &r->contacts.fcr));

    o = json_object();
    json_object_set_new(o, "total", json_integer(r->tickets.total));
    sub = json_object();
    for (i = 0; i < HD_TYPE_COUNT; i++)
        json_object_set_new(sub, hd_type_name((hd_ticket_type)i),
                            json_integer(r->tickets.by_type[i]));
    json_object_set_new(o, "by_type", sub);
    json_object_set_new(o, "by_category",
                        counts_json(r->tickets.by_category, r->tickets.n_categories));
    sub = json_object();
    for (i = 0; i < HD_PRIORITY_COUNT; i++) {
        snprintf(key, sizeof(key), "P%d", i + 1);
        json_object_set_new(sub, key, json_integer(r->tickets.by_priority[i]));
    }
    json_object_set_new(o, "by_priority", sub);
    json_object_set_new(o, "by_channel",
                        counts_json(r->tickets.by_channel, r->tickets.n_channels));
    json_object_set_new(root, "tickets", o);
    json_object_set_new(root, "complaint_rate",
                        ratio_json("complaints", "incidents", &r->tickets.complaint_rate));

    o = json_object();
    json_object_set_new(o, "answered", json_integer(r->csat.answered));
    sub = mean_json("mean", &r->csat.real);
    json_object_set_new(sub, "satisfied", json_integer(r->csat.satisfied.num));
    json_object_set_new(sub, "satisfied_percent",
                        real_or_null(r->csat.satisfied.den != 0, r->csat.satisfied.percent));
    {
        json_t *by = json_object();

        for (i = 0; i < 5; i++) {
            snprintf(key, sizeof(key), "%d", i + 1);
            json_object_set_new(by, key, json_integer(r->csat.by_rating[i]));
        }
        json_object_set_new(sub, "by_rating", by);
    }
    json_object_set_new(o, "real", sub);
    json_object_set_new(o, "defaults", json_integer(r->csat.defaults));
    json_object_set_new(o, "not_fixed", json_integer(r->csat.not_fixed));
    json_object_set_new(o, "with_defaults", mean_json("mean", &r->csat.with_defaults));
    json_object_set_new(root, "csat", o);

    o = json_object();
    json_object_set_new(o, "response", sla_json(r->sla.response));
    json_object_set_new(o, "resolution", sla_json(r->sla.resolution));
    json_object_set_new(root, "sla", o);
    json_object_set_new(root, "time_to_respond", mean_json("mean_secs", &r->time_to_respond));
    json_object_set_new(root, "time_to_resolve", mean_json("mean_secs", &r->time_to_resolve));

    o = json_object();
    json_object_set_new(o, "total", json_integer(r->backlog.total));
    sub = json_object();
    for (i = 0; i < HD_STATUS_COUNT; i++)
        if (hd_status_is_open((hd_status)i))
            json_object_set_new(sub, hd_status_name((hd_status)i),
                                json_integer(r->backlog.by_status[i]));
    json_object_set_new(o, "by_status", sub);
    sub = json_object();
    for (i = 0; i < HD_REPORT_AGE_COUNT; i++)
        json_object_set_new(sub, age_keys[i], json_integer(r->backlog.by_age[i]));
    json_object_set_new(o, "by_age", sub);
    json_object_set_new(root, "backlog", o);
    return root;
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
    snprintf(note, sizeof(note), "mean over %lld tickets (%.0f s)", (long long)m->count,
             m->mean);
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
    fprintf(out, "  %-10s%10s  %-16s%10s  %s\n", label, a, an, b, bn);
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
    fprintf(out, "  %-10s%10s  %-16s%10s  %s\n", "priority", "response", "met of measured",
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
