/*
 * ticket.c - ticket creation and lifecycle.
 *
 * Every operation is one transaction: load the row, change the in-memory
 * ticket while recording each field change, write the row back once, then
 * append the recorded changes to the audit log. The SLA clock is kept in
 * the row (due times, pause start, paused business seconds) so the sweeps
 * the service runs are plain indexed queries.
 */
#include "hd/ticket.h"

#include "hd/timefmt.h"
#include "hd/users.h"
#include "survey_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TITLE 200
#define MAX_TEXT (64 * 1024)
#define MAX_CHANGES 16

void hd_ticket_free(hd_ticket *t)
{
    if (t == NULL)
        return;
    hd_free(t->category);
    hd_free(t->title);
    hd_free(t->description);
    hd_free(t->details);
    hd_free(t->pending_reason);
    hd_free(t->requester);
    hd_free(t->requester_name);
    hd_free(t->assignment_group);
    hd_free(t->assignee);
    hd_free(t->channel);
    hd_free(t->resolution);
    hd_free(t);
}

void hd_ticket_list_free(hd_ticket **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_ticket_free(list[i]);
    hd_free(list);
}

/* ---- policy: priority, routing, SLA ---------------------------------- */

int hd_priority_compute(const hd_config *cfg, hd_impact impact, hd_urgency urgency, int vip)
{
    int p = cfg->priority[impact][urgency];

    if (vip)
        p -= cfg->vip_priority_raise;
    return p < 1 ? 1 : p;
}

/* Case-insensitive search for `word` in `text`; ASCII words must stand alone. */
static int contains_word(const char *text, const char *word)
{
    size_t wl = strlen(word), i;
    const char *p;
    int ascii_start, ascii_end;

    if (text == NULL || wl == 0)
        return 0;
    ascii_start = isalnum((unsigned char)word[0]);
    ascii_end = isalnum((unsigned char)word[wl - 1]);
    for (p = text; *p; p++) {
        for (i = 0; i < wl; i++)
            if (tolower((unsigned char)p[i]) != tolower((unsigned char)word[i]))
                break;
        if (i < wl)
            continue;
        if (ascii_start && p > text && isalnum((unsigned char)p[-1]))
            continue;
        if (ascii_end && isalnum((unsigned char)p[wl]))
            continue;
        return 1;
    }
    return 0;
}

const hd_group *hd_route_pick(const hd_config *cfg, hd_ticket_type type, const char *category,
                              const char *department, const char *title, const char *description)
{
    size_t i, k;

    for (i = 0; i < cfg->n_routes; i++) {
        const hd_route *r = &cfg->routes[i];

        if (r->type >= 0 && r->type != (int)type)
            continue;
        if (r->category && (category == NULL || strcmp(r->category, category) != 0))
            continue;
        if (r->department && (department == NULL || strcasecmp(r->department, department) != 0))
            continue;
        if (r->n_keywords > 0) {
            for (k = 0; k < r->n_keywords; k++)
                if (contains_word(title, r->keywords[k]) ||
                    contains_word(description, r->keywords[k]))
                    break;
            if (k == r->n_keywords)
                continue;
        }
        return r->group;
    }
    return cfg->default_group;
}

void hd_sla_due(const hd_config *cfg, int priority, int64_t created, int64_t paused_secs,
                int64_t *response_due, int64_t *resolution_due)
{
    const hd_sla_target *t = &cfg->sla[priority - 1];

    *response_due = hd_calendar_add(t->calendar, created, t->response_secs + paused_secs);
    *resolution_due = hd_calendar_add(t->calendar, created, t->resolution_secs + paused_secs);
}

/* ---- rows ------------------------------------------------------------ */

#define TICKET_SELECT                                                                              \
    "SELECT t.id, t.number, t.type, t.category, t.title, t.description, t.details, t.impact,"      \
    " t.urgency, t.priority, t.status, t.pending_reason, t.requester_id,"                          \
    " coalesce(r.username, r.email), r.display_name, t.assignment_group, t.assignee_id,"           \
    " coalesce(a.username, a.email), t.channel, t.handover, t.created_at, t.updated_at,"           \
    " t.responded_at, t.resolved_at, t.closed_at, t.resolution, t.reopen_count,"                   \
    " t.response_due, t.resolution_due, t.sla_paused_at, t.sla_paused_secs"                        \
    " FROM tickets t JOIN employees r ON r.id = t.requester_id"                                    \
    " LEFT JOIN employees a ON a.id = t.assignee_id "

static hd_ticket *ticket_from_row(sqlite3_stmt *s)
{
    hd_ticket *t = hd_calloc(1, sizeof(*t));
    const char *text;

    t->id = sqlite3_column_int64(s, 0);
    hd_strlcpy(t->number, (const char *)sqlite3_column_text(s, 1), sizeof(t->number));
    hd_type_parse(&t->type, (const char *)sqlite3_column_text(s, 2));
    t->category = hd_store__column_dup(s, 3);
    t->title = hd_store__column_dup(s, 4);
    t->description = hd_store__column_dup(s, 5);
    t->details = hd_store__column_dup(s, 6);
    hd_impact_parse(&t->impact, (const char *)sqlite3_column_text(s, 7));
    hd_urgency_parse(&t->urgency, (const char *)sqlite3_column_text(s, 8));
    t->priority = sqlite3_column_int(s, 9);
    text = (const char *)sqlite3_column_text(s, 10);
    hd_status_parse(&t->status, text);
    t->pending_reason = hd_store__column_dup(s, 11);
    t->requester_id = sqlite3_column_int64(s, 12);
    t->requester = hd_store__column_dup(s, 13);
    t->requester_name = hd_store__column_dup(s, 14);
    t->assignment_group = hd_store__column_dup(s, 15);
    t->assignee_id = sqlite3_column_int64(s, 16);
    t->assignee = hd_store__column_dup(s, 17);
    t->channel = hd_store__column_dup(s, 18);
    t->handover = sqlite3_column_int(s, 19);
    t->created_at = sqlite3_column_int64(s, 20);
    t->updated_at = sqlite3_column_int64(s, 21);
    t->responded_at = sqlite3_column_int64(s, 22);
    t->resolved_at = sqlite3_column_int64(s, 23);
    t->closed_at = sqlite3_column_int64(s, 24);
    t->resolution = hd_store__column_dup(s, 25);
    t->reopen_count = sqlite3_column_int(s, 26);
    t->response_due = sqlite3_column_int64(s, 27);
    t->resolution_due = sqlite3_column_int64(s, 28);
    t->sla_paused_at = sqlite3_column_int64(s, 29);
    t->sla_paused_secs = sqlite3_column_int64(s, 30);
    return t;
}

/*
 * Accepts "INC-000123", "inc-123" or "INC123"; writes the canonical form.
 */
static int normalize_number(const char *in, char out[16])
{
    char prefix[4];
    long long n;
    char *end;
    int i;

    if (in == NULL)
        return hd_error_set(HD_EINVAL, "missing ticket number");
    for (i = 0; i < 3; i++) {
        if (!isalpha((unsigned char)in[i]))
            goto bad;
        prefix[i] = (char)toupper((unsigned char)in[i]);
    }
    prefix[3] = '\0';
    in += 3;
    if (*in == '-')
        in++;
    if (!isdigit((unsigned char)*in) || strlen(in) > 9)
        goto bad;
    n = strtoll(in, &end, 10);
    if (*end != '\0' || n <= 0)
        goto bad;
    for (i = 0; i < HD_TYPE_COUNT; i++)
        if (strcmp(prefix, hd_type_prefix((hd_ticket_type)i)) == 0)
            break;
    if (i == HD_TYPE_COUNT)
        goto bad;
    snprintf(out, 16, "%s-%06d", prefix, (int)n);
    return 0;
bad:
    return hd_error_set(HD_EINVAL, "'%.40s' is not a ticket number (like INC-000123)",
                        in ? in : "");
}

static int load_ticket(hd_store *st, const char *number, hd_ticket **out)
{
    sqlite3_stmt *s;
    char canon[16];
    int rc, err;

    *out = NULL;
    if ((err = normalize_number(number, canon)) != 0)
        return err;
    if ((s = hd_store__stmt(st, TICKET_SELECT "WHERE t.number = ?1")) == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, canon, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = ticket_from_row(s);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE)
        return hd_error_set(HD_ENOTFOUND, "no ticket %s", canon);
    return hd_store__error(st, rc, "load ticket");
}

int hd_ticket_get(hd_desk *desk, const char *number, hd_ticket **out)
{
    return load_ticket(hd_desk_store(desk), number, out);
}

int hd_ticket_list(hd_desk *desk, const hd_ticket_filter *f, hd_ticket ***out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, TICKET_SELECT "WHERE (?1 IS NULL OR t.status = ?1)"
                          " AND (?2 = 0 OR t.status NOT IN ('resolved', 'closed', 'cancelled'))"
                          " AND (?3 = 0 OR t.requester_id = ?3)"
                          " AND (?4 IS NULL OR t.assignment_group = ?4)"
                          " ORDER BY t.id DESC LIMIT ?5");
    size_t cap = 16;
    int rc;

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return HD_EDB;
    if (f->status >= 0)
        sqlite3_bind_text(s, 1, hd_status_name((hd_status)f->status), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, f->open_only);
    sqlite3_bind_int64(s, 3, f->requester_id);
    if (f->group)
        sqlite3_bind_text(s, 4, f->group, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, f->limit > 0 ? f->limit : -1);
    *out = hd_calloc(cap, sizeof(hd_ticket *));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap)
            *out = hd_realloc(*out, (cap *= 2) * sizeof(hd_ticket *));
        (*out)[(*n)++] = ticket_from_row(s);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_ticket_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return hd_store__error(st, rc, "list tickets");
    }
    return 0;
}

/* ---- change tracking and the audit log ------------------------------- */

typedef struct change_set {
    struct {
        const char *field;
        char *old_value, *new_value;
    } c[MAX_CHANGES];
    int n;
} change_set;

static void record(change_set *cs, const char *field, const char *old_value, const char *new_value)
{
    if (cs->n == MAX_CHANGES)
        return; /* every operation records far fewer */
    cs->c[cs->n].field = field;
    cs->c[cs->n].old_value = hd_strdup(old_value);
    cs->c[cs->n].new_value = hd_strdup(new_value);
    cs->n++;
}

/* Due times are audited as UTC ISO-8601, so the log reads without tools. */
static void record_time(change_set *cs, const char *field, int64_t old_value, int64_t new_value)
{
    char a[32], b[32];

    if (old_value == new_value)
        return;
    hd_time_format(old_value, a, sizeof(a));
    hd_time_format(new_value, b, sizeof(b));
    record(cs, field, a, b);
}

static void change_set_clear(change_set *cs)
{
    int i;

    for (i = 0; i < cs->n; i++) {
        hd_free(cs->c[i].old_value);
        hd_free(cs->c[i].new_value);
    }
    cs->n = 0;
}

static int write_audit(hd_store *st, int64_t ticket_id, const change_set *cs, const char *actor,
                       int64_t now)
{
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO audit (ticket_id, at, actor, field,"
                                         " old_value, new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    int i, rc;

    if (s == NULL)
        return HD_EDB;
    for (i = 0; i < cs->n; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, ticket_id);
        sqlite3_bind_int64(s, 2, now);
        sqlite3_bind_text(s, 3, actor, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 4, cs->c[i].field, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, cs->c[i].old_value, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 6, cs->c[i].new_value, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s);
        if (rc != SQLITE_DONE) {
            sqlite3_reset(s);
            return hd_store__error(st, rc, "write audit log");
        }
    }
    sqlite3_reset(s);
    return 0;
}

static int write_note(hd_store *st, int64_t ticket_id, const char *kind, const char *author,
                      const char *body, int64_t now)
{
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO ticket_notes (ticket_id, at, author, kind,"
                                         " body) VALUES (?1, ?2, ?3, ?4, ?5)");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_text(s, 3, author, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, body, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "write note");
}

static void bind_time(sqlite3_stmt *s, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Write back every mutable column of `t`. */
static int save_ticket(hd_store *st, const hd_ticket *t)
{
    sqlite3_stmt *s = hd_store__stmt(
        st, "UPDATE tickets SET impact = ?2, urgency = ?3, priority = ?4, status = ?5,"
            " pending_reason = ?6, assignment_group = ?7, assignee_id = ?8, updated_at = ?9,"
            " responded_at = ?10, resolved_at = ?11, closed_at = ?12, resolution = ?13,"
            " reopen_count = ?14, response_due = ?15, resolution_due = ?16,"
            " sla_paused_at = ?17, sla_paused_secs = ?18 WHERE id = ?1");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, t->id);
    sqlite3_bind_text(s, 2, hd_impact_name(t->impact), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, hd_urgency_name(t->urgency), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 4, t->priority);
    sqlite3_bind_text(s, 5, hd_status_name(t->status), -1, SQLITE_STATIC);
    bind_opt(s, 6, t->pending_reason);
    bind_opt(s, 7, t->assignment_group);
    bind_time(s, 8, t->assignee_id);
    sqlite3_bind_int64(s, 9, t->updated_at);
    bind_time(s, 10, t->responded_at);
    bind_time(s, 11, t->resolved_at);
    bind_time(s, 12, t->closed_at);
    bind_opt(s, 13, t->resolution);
    sqlite3_bind_int(s, 14, t->reopen_count);
    sqlite3_bind_int64(s, 15, t->response_due);
    sqlite3_bind_int64(s, 16, t->resolution_due);
    bind_time(s, 17, t->sla_paused_at);
    sqlite3_bind_int64(s, 18, t->sla_paused_secs);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "save ticket");
}

/* ---- the SLA clock --------------------------------------------------- */

static void sla_pause(hd_ticket *t, int64_t now)
{
    if (t->sla_paused_at == 0)
        t->sla_paused_at = now;
}

static void sla_resume(const hd_config *cfg, hd_ticket *t, change_set *cs, int64_t now)
{
    const hd_calendar *cal = cfg->sla[t->priority - 1].calendar;
    int64_t response_due, resolution_due;

    if (t->sla_paused_at == 0)
        return;
    t->sla_paused_secs += hd_calendar_between(cal, t->sla_paused_at, now);
    t->sla_paused_at = 0;
    hd_sla_due(cfg, t->priority, t->created_at, t->sla_paused_secs, &response_due, &resolution_due);
    /* A target already met or missed keeps its due time; only running ones move. */
    if (t->responded_at == 0) {
        record_time(cs, "response_due", t->response_due, response_due);
        t->response_due = response_due;
    }
    if (t->resolved_at == 0 || t->status == HD_STATUS_REOPENED) {
        record_time(cs, "resolution_due", t->resolution_due, resolution_due);
        t->resolution_due = resolution_due;
    }
}

/*
 * Move to `to`, applying what the lifecycle implies for the SLA clock:
 * the first move into work or resolution meets the response target;
 * pending on the user and resolved stop the clock; leaving them restarts it.
 */
static int move(const hd_config *cfg, hd_ticket *t, hd_status to, change_set *cs, int64_t now)
{
    hd_status from = t->status;

    if (!hd_status_can_move(from, to))
        return hd_error_set(HD_ESTATE, "%s cannot go from %s to %s", t->number,
                            hd_status_name(from), hd_status_name(to));
    record(cs, "status", hd_status_name(from), hd_status_name(to));
    t->status = to;
    /* Closing keeps the clock stopped: the resolution time is final. */
    if (from == HD_STATUS_PENDING || (from == HD_STATUS_RESOLVED && to == HD_STATUS_REOPENED))
        sla_resume(cfg, t, cs, now);
    if (from == HD_STATUS_PENDING) {
        hd_free(t->pending_reason);
        t->pending_reason = NULL;
    }
    if (t->responded_at == 0 && (to == HD_STATUS_IN_PROGRESS || to == HD_STATUS_RESOLVED))
        t->responded_at = now;
    if (to == HD_STATUS_RESOLVED) {
        t->resolved_at = now;
        sla_pause(t, now);
    }
    if (to == HD_STATUS_CLOSED)
        t->closed_at = now;
    if (to == HD_STATUS_REOPENED) {
        t->resolved_at = 0;
        t->reopen_count++;
        hd_free(t->resolution);
        t->resolution = NULL;
    }
    return 0;
}

static void set_text(char **slot, const char *value, const char *field, change_set *cs)
{
    if ((*slot == NULL && value == NULL) || (*slot && value && strcmp(*slot, value) == 0))
        return;
    record(cs, field, *slot, value);
    hd_free(*slot);
    *slot = hd_strdup(value);
}

/* ---- creation -------------------------------------------------------- */

static int next_number(hd_store *st, hd_ticket_type type, char out[16])
{
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO ticket_counters (prefix, last)"
                                         " VALUES (?1, 1) ON CONFLICT (prefix)"
                                         " DO UPDATE SET last = last + 1 RETURNING last");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, hd_type_prefix(type), -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        snprintf(out, 16, "%s-%06lld", hd_type_prefix(type), (long long)sqlite3_column_int64(s, 0));
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "number ticket");
}

typedef struct requester {
    int vip;
    char *department, *handle, *name;
} requester;

static int requester_facts(hd_store *st, int64_t id, requester *r)
{
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT vip, department, coalesce(username, email),"
                                         " display_name FROM employees WHERE id = ?1");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        r->vip = sqlite3_column_int(s, 0);
        r->department = hd_store__column_dup(s, 1);
        r->handle = hd_store__column_dup(s, 2);
        r->name = hd_store__column_dup(s, 3);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return hd_error_set(HD_ENOTFOUND, "no employee with id %lld", (long long)id);
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "look up requester");
}

static int check_details(const char *details)
{
    json_error_t jerr;
    json_t *j;
    int ok;

    if (details == NULL)
        return 0;
    j = json_loads(details, 0, &jerr);
    ok = json_is_object(j);
    json_decref(j);
    return ok ? 0 : hd_error_set(HD_EINVAL, "ticket details must be a JSON object");
}

/* A title is one line of at most MAX_TITLE bytes, cut on a UTF-8 boundary. */
static char *clean_title(const char *title)
{
    size_t len = strcspn(title, "\r\n");

    if (len > MAX_TITLE) {
        len = MAX_TITLE;
        while (len > 0 && ((unsigned char)title[len] & 0xC0) == 0x80)
            len--;
    }
    return hd_strndup(title, len);
}

int hd_ticket_create(hd_desk *desk, const hd_ticket_spec *spec, const char *actor, int64_t now,
                     hd_ticket **out)
{
    hd_store *st = hd_desk_store(desk);
    const hd_config *cfg = hd_desk_config(desk);
    const hd_group *group;
    change_set cs = {0};
    requester req = {0};
    hd_ticket *t = NULL;
    int err, rc;
    sqlite3_stmt *s;

    *out = NULL;
    if (spec->title == NULL || spec->title[strspn(spec->title, " \t\r\n")] == '\0')
        return hd_error_set(HD_EINVAL, "a ticket needs a title");
    if ((unsigned)spec->type >= HD_TYPE_COUNT || (unsigned)spec->impact >= HD_IMPACT_COUNT ||
        (unsigned)spec->urgency >= HD_URGENCY_COUNT)
        return hd_error_set(HD_EINVAL, "ticket type, impact or urgency out of range");
    if (spec->description && strlen(spec->description) > MAX_TEXT)
        return hd_error_set(HD_ETOOBIG, "a ticket description is limited to %d bytes", MAX_TEXT);
    if ((err = check_details(spec->details)) != 0)
        return err;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if ((err = requester_facts(st, spec->requester_id, &req)) != 0)
        goto cleanup;

    /* The ticket as it will be stored; returned without reading it back. */
    t = hd_calloc(1, sizeof(*t));
    if ((err = next_number(st, spec->type, t->number)) != 0)
        goto cleanup;
    t->type = spec->type;
    t->category = hd_strdup(spec->category);
    t->title = clean_title(spec->title);
    t->description = hd_strdup(spec->description ? spec->description : "");
    t->details = hd_strdup(spec->details ? spec->details : "{}");
    t->impact = spec->impact;
    t->urgency = spec->urgency;
    t->priority = hd_priority_compute(cfg, spec->impact, spec->urgency, req.vip);
    t->status = HD_STATUS_ASSIGNED;
    t->requester_id = spec->requester_id;
    t->requester = req.handle;
    t->requester_name = req.name;
    req.handle = req.name = NULL;
    group = hd_route_pick(cfg, spec->type, spec->category, req.department, spec->title,
                          spec->description);
    t->assignment_group = hd_strdup(group->name);
    t->channel = hd_strdup(spec->channel);
    t->handover = spec->handover ? 1 : 0;
    t->created_at = t->updated_at = now;
    hd_sla_due(cfg, t->priority, now, 0, &t->response_due, &t->resolution_due);

    s = hd_store__stmt(st, "INSERT INTO tickets (number, type, category, title, description,"
                           " details, impact, urgency, priority, status, requester_id,"
                           " assignment_group, channel, handover, created_at, updated_at,"
                           " response_due, resolution_due)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'assigned', ?10, ?11,"
                           " ?12, ?13, ?14, ?14, ?15, ?16)");
    if (s == NULL) {
        err = HD_EDB;
        goto cleanup;
    }
    sqlite3_bind_text(s, 1, t->number, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hd_type_name(t->type), -1, SQLITE_STATIC);
    bind_opt(s, 3, t->category);
    sqlite3_bind_text(s, 4, t->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, t->description, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, t->details, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, hd_impact_name(t->impact), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, hd_urgency_name(t->urgency), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 9, t->priority);
    sqlite3_bind_int64(s, 10, t->requester_id);
    sqlite3_bind_text(s, 11, t->assignment_group, -1, SQLITE_STATIC);
    bind_opt(s, 12, t->channel);
    sqlite3_bind_int(s, 13, t->handover);
    sqlite3_bind_int64(s, 14, now);
    sqlite3_bind_int64(s, 15, t->response_due);
    sqlite3_bind_int64(s, 16, t->resolution_due);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        err = hd_store__error(st, rc, "create ticket");
        goto cleanup;
    }
    t->id = sqlite3_last_insert_rowid(hd_store_db(st));

    /* Logged as new, then routed: both steps are in the audit log. */
    record(&cs, "status", NULL, "new");
    record(&cs, "status", "new", "assigned");
    record(&cs, "assignment_group", NULL, group->name);
    if ((err = write_audit(st, t->id, &cs, actor, now)) != 0)
        goto cleanup;
    err = hd_store_commit(st);

cleanup:
    if (err) {
        hd_store_rollback(st);
        hd_ticket_free(t);
    } else {
        *out = t;
    }
    change_set_clear(&cs);
    hd_free(req.department);
    hd_free(req.handle);
    hd_free(req.name);
    return err;
}

/* ---- lifecycle operations -------------------------------------------- */

typedef enum op_kind {
    OP_ASSIGN,
    OP_TAKE,
    OP_ESCALATE,
    OP_PEND,
    OP_RESUME,
    OP_RESOLVE,
    OP_CLOSE,
    OP_REOPEN,
    OP_CANCEL,
    OP_PRIORITY
} op_kind;

typedef struct op {
    op_kind kind;
    const char *group, *agent, *text;
    hd_impact impact;
    hd_urgency urgency;
} op;

static int agent_id(hd_desk *desk, const char *username, int64_t *out)
{
    hd_employee *e;
    int err = hd_users_find(desk, username, &e);

    if (err)
        return err == HD_ENOTFOUND ? hd_error_set(HD_ENOTFOUND, "no agent named '%s'", username)
                                   : err;
    if (!e->is_agent) {
        hd_employee_free(e);
        return hd_error_set(HD_EPERM, "'%s' is not an agent", username);
    }
    *out = e->id;
    hd_employee_free(e);
    return 0;
}

static int set_assignee(hd_desk *desk, hd_ticket *t, const char *agent, change_set *cs)
{
    int64_t id = 0;
    int err;

    if (agent && (err = agent_id(desk, agent, &id)) != 0)
        return err;
    if (id != t->assignee_id) {
        record(cs, "assignee", t->assignee, agent);
        t->assignee_id = id;
        hd_free(t->assignee);
        t->assignee = hd_strdup(agent);
    }
    return 0;
}

static int require_text(const char *text, const char *what)
{
    if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
        return hd_error_set(HD_EINVAL, "%s", what);
    if (strlen(text) > MAX_TEXT)
        return hd_error_set(HD_ETOOBIG, "a note is limited to %d bytes", MAX_TEXT);
    return 0;
}

static int apply(hd_desk *desk, hd_ticket *t, const op *o, const char *actor, change_set *cs,
                 int64_t now)
{
    const hd_config *cfg = hd_desk_config(desk);
    hd_store *st = hd_desk_store(desk);
    const hd_group *g;
    char old_p[16], new_p[16];
    int err;

    switch (o->kind) {
    case OP_ASSIGN:
        if (o->group) {
            if ((g = hd_config_group(cfg, o->group)) == NULL)
                return hd_error_set(HD_ENOTFOUND, "no assignment group named '%s'", o->group);
            set_text(&t->assignment_group, g->name, "assignment_group", cs);
        }
        if ((err = set_assignee(desk, t, o->agent, cs)) != 0)
            return err;
        return t->status == HD_STATUS_ASSIGNED ? 0 : move(cfg, t, HD_STATUS_ASSIGNED, cs, now);

    case OP_TAKE:
        if ((err = set_assignee(desk, t, o->agent, cs)) != 0)
            return err;
        if (t->status == HD_STATUS_IN_PROGRESS)
            return 0;
        return move(cfg, t, HD_STATUS_IN_PROGRESS, cs, now);

    case OP_ESCALATE:
        g = hd_config_group(cfg, t->assignment_group);
        if (g == NULL || g->escalation == NULL)
            return hd_error_set(HD_ESTATE, "%s is with %s, which has no escalation target",
                                t->number, t->assignment_group ? t->assignment_group : "nobody");
        if (!hd_status_is_open(t->status))
            return hd_error_set(HD_ESTATE, "%s is %s and cannot be escalated", t->number,
                                hd_status_name(t->status));
        set_text(&t->assignment_group, g->escalation, "assignment_group", cs);
        if ((err = set_assignee(desk, t, NULL, cs)) != 0)
            return err;
        return t->status == HD_STATUS_ASSIGNED ? 0 : move(cfg, t, HD_STATUS_ASSIGNED, cs, now);

    case OP_PEND:
        if (o->text == NULL || (strcmp(o->text, "user") != 0 && strcmp(o->text, "vendor") != 0))
            return hd_error_set(HD_EINVAL, "pending needs a reason: user or vendor");
        if ((err = move(cfg, t, HD_STATUS_PENDING, cs, now)) != 0)
            return err;
        set_text(&t->pending_reason, o->text, "pending_reason", cs);
        if (strcmp(o->text, "user") == 0)
            sla_pause(t, now);
        return 0;

    case OP_RESUME:
        if (t->status != HD_STATUS_PENDING)
            return hd_error_set(HD_ESTATE, "%s is %s, not pending", t->number,
                                hd_status_name(t->status));
        return move(cfg, t, HD_STATUS_IN_PROGRESS, cs, now);

    case OP_RESOLVE:
        if ((err = require_text(o->text, "a resolution needs a note saying what fixed it")) != 0)
            return err;
        if ((err = move(cfg, t, HD_STATUS_RESOLVED, cs, now)) != 0)
            return err;
        set_text(&t->resolution, o->text, "resolution", cs);
        if ((err = write_note(st, t->id, "resolution", actor, o->text, now)) != 0)
            return err;
        return hd_survey__open(desk, t->id, t->reopen_count, now);

    case OP_CLOSE:
        return move(cfg, t, HD_STATUS_CLOSED, cs, now);

    case OP_REOPEN:
        if ((err = require_text(o->text, "reopening needs a reason")) != 0)
            return err;
        if ((err = move(cfg, t, HD_STATUS_REOPENED, cs, now)) != 0)
            return err;
        if ((err = write_note(st, t->id, "reopen", actor, o->text, now)) != 0)
            return err;
        return hd_survey__supersede(desk, t->id, now);

    case OP_CANCEL:
        if ((err = move(cfg, t, HD_STATUS_CANCELLED, cs, now)) != 0)
            return err;
        return o->text ? write_note(st, t->id, "cancel", actor, o->text, now) : 0;

    case OP_PRIORITY:
        if (!hd_status_is_open(t->status))
            return hd_error_set(HD_ESTATE, "%s is %s; its priority can no longer change", t->number,
                                hd_status_name(t->status));
        if (t->impact != o->impact)
            record(cs, "impact", hd_impact_name(t->impact), hd_impact_name(o->impact));
        if (t->urgency != o->urgency)
            record(cs, "urgency", hd_urgency_name(t->urgency), hd_urgency_name(o->urgency));
        t->impact = o->impact;
        t->urgency = o->urgency;
        {
            hd_employee *req = NULL;
            int vip = 0;

            if (hd_users_get(desk, t->requester_id, &req) == 0)
                vip = req->vip;
            hd_employee_free(req);
            snprintf(old_p, sizeof(old_p), "P%d", t->priority);
            t->priority = hd_priority_compute(cfg, o->impact, o->urgency, vip);
            snprintf(new_p, sizeof(new_p), "P%d", t->priority);
        }
        if (strcmp(old_p, new_p) != 0) {
            int64_t response_due, resolution_due;

            record(cs, "priority", old_p, new_p);
            hd_sla_due(cfg, t->priority, t->created_at, t->sla_paused_secs, &response_due,
                       &resolution_due);
            /* As on resume: a target already met keeps its due time. */
            if (t->responded_at == 0) {
                record_time(cs, "response_due", t->response_due, response_due);
                t->response_due = response_due;
            }
            record_time(cs, "resolution_due", t->resolution_due, resolution_due);
            t->resolution_due = resolution_due;
        }
        return 0;
    }
    return hd_error_set(HD_EINVAL, "unknown ticket operation");
}

static int run_op(hd_desk *desk, const char *number, const op *o, const char *actor, int64_t now,
                  hd_ticket **out)
{
    hd_store *st = hd_desk_store(desk);
    change_set cs = {0};
    hd_ticket *t = NULL;
    int err;

    if (out)
        *out = NULL;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if ((err = load_ticket(st, number, &t)) != 0)
        goto cleanup;
    if ((err = apply(desk, t, o, actor, &cs, now)) != 0)
        goto cleanup;
    t->updated_at = now;
    if ((err = save_ticket(st, t)) != 0 || (err = write_audit(st, t->id, &cs, actor, now)) != 0)
        goto cleanup;
    err = hd_store_commit(st);

cleanup:
    if (err) {
        hd_store_rollback(st);
        hd_ticket_free(t);
    } else if (out) {
        *out = t;
    } else {
        hd_ticket_free(t);
    }
    change_set_clear(&cs);
    return err;
}

int hd_ticket_assign(hd_desk *desk, const char *number, const char *group, const char *agent,
                     const char *actor, int64_t now, hd_ticket **out)
{
    op o = {.kind = OP_ASSIGN, .group = group, .agent = agent};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_take(hd_desk *desk, const char *number, const char *agent, int64_t now,
                   hd_ticket **out)
{
    op o = {.kind = OP_TAKE, .agent = agent};

    if (agent == NULL)
        return hd_error_set(HD_EINVAL, "taking a ticket needs an agent");
    return run_op(desk, number, &o, agent, now, out);
}

int hd_ticket_escalate(hd_desk *desk, const char *number, const char *actor, int64_t now,
                       hd_ticket **out)
{
    op o = {.kind = OP_ESCALATE};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_pend(hd_desk *desk, const char *number, const char *reason, const char *actor,
                   int64_t now, hd_ticket **out)
{
    op o = {.kind = OP_PEND, .text = reason};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_resume(hd_desk *desk, const char *number, const char *actor, int64_t now,
                     hd_ticket **out)
{
    op o = {.kind = OP_RESUME};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_resolve(hd_desk *desk, const char *number, const char *note, const char *actor,
                      int64_t now, hd_ticket **out)
{
    op o = {.kind = OP_RESOLVE, .text = note};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_close(hd_desk *desk, const char *number, const char *actor, int64_t now,
                    hd_ticket **out)
{
    op o = {.kind = OP_CLOSE};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_reopen(hd_desk *desk, const char *number, const char *reason, const char *actor,
                     int64_t now, hd_ticket **out)
{
    op o = {.kind = OP_REOPEN, .text = reason};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_cancel(hd_desk *desk, const char *number, const char *reason, const char *actor,
                     int64_t now, hd_ticket **out)
{
    op o = {.kind = OP_CANCEL, .text = reason};

    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_set_priority(hd_desk *desk, const char *number, hd_impact impact, hd_urgency urgency,
                           const char *actor, int64_t now, hd_ticket **out)
{
    op o = {.kind = OP_PRIORITY, .impact = impact, .urgency = urgency};

    if ((unsigned)impact >= HD_IMPACT_COUNT || (unsigned)urgency >= HD_URGENCY_COUNT)
        return hd_error_set(HD_EINVAL, "impact or urgency out of range");
    return run_op(desk, number, &o, actor, now, out);
}

int hd_ticket_add_note(hd_desk *desk, const char *number, const char *kind, const char *author,
                       const char *body, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    hd_ticket *t = NULL;
    int err;

    if (kind == NULL || (strcmp(kind, "comment") != 0 && strcmp(kind, "nudge") != 0))
        return hd_error_set(HD_EINVAL, "a note is a comment or a nudge");
    if ((err = require_text(body, "a note needs some text")) != 0)
        return err;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if ((err = load_ticket(st, number, &t)) != 0)
        goto cleanup;
    if (t->status == HD_STATUS_CLOSED || t->status == HD_STATUS_CANCELLED) {
        err = hd_error_set(HD_ESTATE, "%s is %s; notes can no longer be added", t->number,
                           hd_status_name(t->status));
        goto cleanup;
    }
    if ((err = write_note(st, t->id, strcmp(kind, "nudge") == 0 ? "nudge" : "comment", author, body,
                          now)) != 0)
        goto cleanup;
    err = hd_store_commit(st);

cleanup:
    if (err)
        hd_store_rollback(st);
    hd_ticket_free(t);
    return err;
}

/* ---- SLA state and sweeps -------------------------------------------- */

static int64_t clock_now(const hd_ticket *t, int64_t now)
{
    return t->sla_paused_at ? t->sla_paused_at : now;
}

int hd_ticket_response_breached(const hd_ticket *t, int64_t now)
{
    if (t->responded_at)
        return t->responded_at > t->response_due;
    if (t->status == HD_STATUS_CANCELLED)
        return 0;
    return clock_now(t, now) > t->response_due;
}

int hd_ticket_resolution_breached(const hd_ticket *t, int64_t now)
{
    if (t->resolved_at)
        return t->resolved_at > t->resolution_due;
    if (t->status == HD_STATUS_CANCELLED)
        return 0;
    return clock_now(t, now) > t->resolution_due;
}

void hd_sla_alerts_free(hd_sla_alert *a, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_free(a[i].group);
    hd_free(a);
}

static int collect_alerts(hd_store *st, sqlite3_stmt *s, hd_sla_alert **out, size_t *n)
{
    size_t cap = 16;
    int rc;

    *out = hd_calloc(cap, sizeof(hd_sla_alert));
    *n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        hd_sla_alert *a;

        if (*n == cap)
            *out = hd_realloc(*out, (cap *= 2) * sizeof(hd_sla_alert));
        a = &(*out)[(*n)++];
        a->ticket_id = sqlite3_column_int64(s, 0);
        hd_strlcpy(a->number, (const char *)sqlite3_column_text(s, 1), sizeof(a->number));
        a->kind = sqlite3_column_int(s, 2) ? HD_SLA_RESOLUTION : HD_SLA_RESPONSE;
        a->due = sqlite3_column_int64(s, 3);
        a->group = hd_store__column_dup(s, 4);
        a->priority = sqlite3_column_int(s, 5);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_sla_alerts_free(*out, *n);
        *out = NULL;
        *n = 0;
        return hd_store__error(st, rc, "query SLA targets");
    }
    return 0;
}

/* Running targets with a due time in [?1, ?2]. */
#define SLA_WINDOW_SQL                                                                             \
    "SELECT id, number, 0, response_due AS due, assignment_group, priority FROM tickets"           \
    " WHERE responded_at IS NULL AND response_due BETWEEN ?1 AND ?2"                               \
    " AND sla_paused_at IS NULL AND status NOT IN ('resolved', 'closed', 'cancelled')"             \
    " UNION ALL"                                                                                   \
    " SELECT id, number, 1, resolution_due AS due, assignment_group, priority FROM tickets"        \
    " WHERE resolved_at IS NULL AND resolution_due BETWEEN ?1 AND ?2"                              \
    " AND sla_paused_at IS NULL AND status NOT IN ('resolved', 'closed', 'cancelled')"             \
    " ORDER BY due, id"

int hd_sla_due_within(hd_desk *desk, int64_t now, int minutes, hd_sla_alert **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, SLA_WINDOW_SQL);

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, now + 1);
    sqlite3_bind_int64(s, 2, now + (int64_t)minutes * 60);
    return collect_alerts(st, s, out, n);
}

int hd_sla_breached(hd_desk *desk, int64_t now, hd_sla_alert **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, SLA_WINDOW_SQL);

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, INT64_MIN);
    sqlite3_bind_int64(s, 2, now - 1);
    return collect_alerts(st, s, out, n);
}

/* ---- audit and notes ------------------------------------------------- */

void hd_audit_free(hd_audit_entry *e, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hd_free(e[i].actor);
        hd_free(e[i].field);
        hd_free(e[i].old_value);
        hd_free(e[i].new_value);
    }
    hd_free(e);
}

int hd_ticket_audit(hd_desk *desk, int64_t ticket_id, hd_audit_entry **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT at, actor, field, old_value, new_value"
                                         " FROM audit WHERE ticket_id = ?1 ORDER BY id");
    size_t cap = 8;
    int rc;

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, ticket_id);
    *out = hd_calloc(cap, sizeof(hd_audit_entry));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        hd_audit_entry *e;

        if (*n == cap)
            *out = hd_realloc(*out, (cap *= 2) * sizeof(hd_audit_entry));
        e = &(*out)[(*n)++];
        e->at = sqlite3_column_int64(s, 0);
        e->actor = hd_store__column_dup(s, 1);
        e->field = hd_store__column_dup(s, 2);
        e->old_value = hd_store__column_dup(s, 3);
        e->new_value = hd_store__column_dup(s, 4);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_audit_free(*out, *n);
        *out = NULL;
        *n = 0;
        return hd_store__error(st, rc, "read audit log");
    }
    return 0;
}

void hd_notes_free(hd_note *notes, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hd_free(notes[i].author);
        hd_free(notes[i].kind);
        hd_free(notes[i].body);
    }
    hd_free(notes);
}

int hd_ticket_notes(hd_desk *desk, int64_t ticket_id, hd_note **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT at, author, kind, body FROM ticket_notes"
                                         " WHERE ticket_id = ?1 ORDER BY id");
    size_t cap = 8;
    int rc;

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, ticket_id);
    *out = hd_calloc(cap, sizeof(hd_note));
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        hd_note *e;

        if (*n == cap)
            *out = hd_realloc(*out, (cap *= 2) * sizeof(hd_note));
        e = &(*out)[(*n)++];
        e->at = sqlite3_column_int64(s, 0);
        e->author = hd_store__column_dup(s, 1);
        e->kind = hd_store__column_dup(s, 2);
        e->body = hd_store__column_dup(s, 3);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_notes_free(*out, *n);
        *out = NULL;
        *n = 0;
        return hd_store__error(st, rc, "read notes");
    }
    return 0;
}

/* ---- the SLA sweep ------------------------------------------------------ */

void hd_sla_events_free(hd_sla_event *e, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        hd_free(e[i].alert.group);
        hd_free(e[i].escalated_to);
    }
    hd_free(e);
}

typedef struct sweep_row {
    int64_t id, created, paused, due[2];
    char number[16];
    char *group;
    int priority, running[2];
} sweep_row;

static int set_flag(hd_store *st, int64_t id, int escalated, hd_sla_kind kind)
{
    static const char *const sql[2][2] = {
        {"UPDATE tickets SET response_warned = 1 WHERE id = ?1",
         "UPDATE tickets SET resolution_warned = 1 WHERE id = ?1"},
        {"UPDATE tickets SET response_warned = 1, response_escalated = 1 WHERE id = ?1",
         "UPDATE tickets SET resolution_warned = 1, resolution_escalated = 1 WHERE id = ?1"}};
    sqlite3_stmt *s = hd_store__stmt(st, sql[escalated][kind]);
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "mark SLA target");
}

static hd_sla_event *add_event(hd_sla_event **out, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *out = hd_realloc(*out, *cap * sizeof(hd_sla_event));
    }
    memset(&(*out)[*n], 0, sizeof(hd_sla_event));
    return &(*out)[(*n)++];
}

/* Warnings: running targets past the warning share of their business time. */
static int sweep_warnings(hd_desk *desk, int64_t now, hd_sla_event **out, size_t *n, size_t *cap)
{
    hd_store *st = hd_desk_store(desk);
    const hd_config *cfg = hd_desk_config(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT id, number, assignment_group, priority, created_at, sla_paused_secs,"
            " response_due, resolution_due,"
            " responded_at IS NULL AND response_warned = 0,"
            " resolved_at IS NULL AND resolution_warned = 0"
            " FROM tickets WHERE status NOT IN ('resolved', 'closed', 'cancelled')"
            " AND sla_paused_at IS NULL"
            " AND ((responded_at IS NULL AND response_warned = 0)"
            "      OR (resolved_at IS NULL AND resolution_warned = 0))");
    sweep_row *rows = NULL;
    size_t nrows = 0, i;
    int rc, err = 0, k;

    if (s == NULL)
        return HD_EDB;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sweep_row *r;

        rows = hd_realloc(rows, (nrows + 1) * sizeof(*rows));
        r = &rows[nrows++];
        r->id = sqlite3_column_int64(s, 0);
        hd_strlcpy(r->number, (const char *)sqlite3_column_text(s, 1), sizeof(r->number));
        r->group = hd_store__column_dup(s, 2);
        r->priority = sqlite3_column_int(s, 3);
        r->created = sqlite3_column_int64(s, 4);
        r->paused = sqlite3_column_int64(s, 5);
        r->due[HD_SLA_RESPONSE] = sqlite3_column_int64(s, 6);
        r->due[HD_SLA_RESOLUTION] = sqlite3_column_int64(s, 7);
        r->running[HD_SLA_RESPONSE] = sqlite3_column_int(s, 8);
        r->running[HD_SLA_RESOLUTION] = sqlite3_column_int(s, 9);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        err = hd_store__error(st, rc, "find SLA targets");
    for (i = 0; i < nrows && err == 0; i++) {
        const hd_sla_target *target = &cfg->sla[rows[i].priority - 1];
        int64_t used = hd_calendar_between(target->calendar, rows[i].created, now) - rows[i].paused;

        for (k = HD_SLA_RESPONSE; k <= HD_SLA_RESOLUTION && err == 0; k++) {
            int64_t secs = k == HD_SLA_RESPONSE ? target->response_secs : target->resolution_secs;
            hd_sla_event *e;

            /* Past due is the breach pass's business, which marks it warned too. */
            if (!rows[i].running[k] || now > rows[i].due[k] ||
                used * 100 < secs * cfg->sla_warn_percent)
                continue;
            if ((err = set_flag(st, rows[i].id, 0, (hd_sla_kind)k)) != 0)
                break;
            e = add_event(out, n, cap);
            e->event = HD_SLA_WARNING;
            e->alert.ticket_id = rows[i].id;
            memcpy(e->alert.number, rows[i].number, sizeof(e->alert.number));
            e->alert.kind = (hd_sla_kind)k;
            e->alert.due = rows[i].due[k];
            e->alert.group = hd_strdup(rows[i].group);
            e->alert.priority = rows[i].priority;
        }
    }
    for (i = 0; i < nrows; i++)
        hd_free(rows[i].group);
    hd_free(rows);
    return err;
}

static int already_escalated(hd_store *st, int64_t id, hd_sla_kind kind, int *out)
{
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT response_escalated, resolution_escalated FROM tickets WHERE id = ?1");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(s, kind == HD_SLA_RESPONSE ? 0 : 1) : 1;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "read SLA flags");
}

int hd_sla_sweep(hd_desk *desk, int64_t now, hd_sla_event **out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    hd_sla_alert *breached = NULL;
    int64_t *escalated = NULL;
    size_t nb = 0, cap = 0, i, j, nesc = 0;
    int err;

    *out = NULL;
    *n = 0;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if ((err = sweep_warnings(desk, now, out, n, &cap)) != 0 ||
        (err = hd_sla_breached(desk, now, &breached, &nb)) != 0)
        goto cleanup;
    for (i = 0; i < nb; i++) {
        hd_ticket *t = NULL;
        hd_sla_event *e;
        int done, rc;

        if ((err = already_escalated(st, breached[i].ticket_id, breached[i].kind, &done)) != 0)
            goto cleanup;
        if (done)
            continue;
        /* The response and the resolution may breach together: escalate once. */
        for (j = 0; j < nesc && escalated[j] != breached[i].ticket_id; j++)
            ;
        if (j < nesc) {
            if ((err = set_flag(st, breached[i].ticket_id, 1, breached[i].kind)) != 0)
                goto cleanup;
            continue;
        }
        escalated = hd_realloc(escalated, (nesc + 1) * sizeof(*escalated));
        escalated[nesc++] = breached[i].ticket_id;
        rc = hd_ticket_escalate(desk, breached[i].number, "sla", now, &t);
        if (rc != 0 && rc != HD_ESTATE) {
            err = rc;
            goto cleanup;
        }
        if ((err = set_flag(st, breached[i].ticket_id, 1, breached[i].kind)) != 0) {
            hd_ticket_free(t);
            goto cleanup;
        }
        e = add_event(out, n, &cap);
        e->event = HD_SLA_BREACH;
        e->alert = breached[i];
        e->alert.group = hd_strdup(breached[i].group);
        e->escalated_to = t ? hd_strdup(t->assignment_group) : NULL;
        hd_ticket_free(t);
    }
    err = hd_store_commit(st);

cleanup:
    if (err) {
        hd_store_rollback(st);
        hd_sla_events_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    hd_sla_alerts_free(breached, nb);
    hd_free(escalated);
    return err;
}
