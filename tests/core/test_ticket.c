/*
 * test_ticket.c - priority matrix, numbering, routing, the whole lifecycle,
 * SLA due times (weekends, holidays, pauses, priority changes) and the
 * audit log.
 */
#include "harness.h"
#include "util.h"

#include "hd/survey.h"
#include "hd/ticket.h"
#include "hd/users.h"

static hd_config *cfg;

/* The default matrix from data/deskbot.json, written out independently. */
static const int expected_matrix[HD_IMPACT_COUNT][HD_URGENCY_COUNT] = {
    /* low, medium, high, critical */
    [HD_IMPACT_INDIVIDUAL] = {4, 4, 3, 2},
    [HD_IMPACT_TEAM] = {4, 3, 2, 1},
    [HD_IMPACT_ORGANISATION] = {3, 2, 1, 1},
};

static void test_ticket__priority_matrix_every_cell(void)
{
    int i, u;

    for (i = 0; i < HD_IMPACT_COUNT; i++) {
        for (u = 0; u < HD_URGENCY_COUNT; u++) {
            int p = expected_matrix[i][u];

            ASSERT_INT_EQ(hd_priority_compute(cfg, (hd_impact)i, (hd_urgency)u, 0), p);
            /* A VIP is raised one step, never above P1. */
            ASSERT_INT_EQ(hd_priority_compute(cfg, (hd_impact)i, (hd_urgency)u, 1),
                          p > 1 ? p - 1 : 1);
        }
    }
}

static void test_ticket__priority_matrix_is_configurable(void)
{
    hd_config *c = test_config("{\"vip_priority_raise\": 2, \"priority_matrix\": {"
                               "\"individual\": {\"low\": 4, \"medium\": 4, \"high\": 4,"
                               " \"critical\": 4}}}");

    ASSERT_INT_EQ(hd_priority_compute(c, HD_IMPACT_INDIVIDUAL, HD_URGENCY_CRITICAL, 0), 4);
    ASSERT_INT_EQ(hd_priority_compute(c, HD_IMPACT_INDIVIDUAL, HD_URGENCY_CRITICAL, 1), 2);
    /* Rows not in the overlay keep their defaults. */
    ASSERT_INT_EQ(hd_priority_compute(c, HD_IMPACT_TEAM, HD_URGENCY_HIGH, 0), 2);
    hd_config_free(c);
}

static hd_ticket *make(hd_desk *desk, hd_ticket_type type, const char *category, const char *title,
                       hd_impact impact, hd_urgency urgency, int64_t req, int64_t now)
{
    hd_ticket_spec spec = {0};
    hd_ticket *t = NULL;

    spec.type = type;
    spec.category = category;
    spec.title = title;
    spec.description = "described";
    spec.details = "{\"location\": \"Building A, floor 3\"}";
    spec.impact = impact;
    spec.urgency = urgency;
    spec.requester_id = req;
    spec.channel = "cli";
    if (hd_ticket_create(desk, &spec, "alice", now, &t) != 0)
        return NULL;
    return t;
}

static void test_ticket__numbers_per_type_and_lookup(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t now = test_utc(2026, 11, 23, 10, 0);
    hd_ticket *a = make(desk, HD_TYPE_INCIDENT, "vpn", "VPN down", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_LOW, alice, now);
    hd_ticket *b = make(desk, HD_TYPE_INCIDENT, "vpn", "VPN down again", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_LOW, alice, now);
    hd_ticket *c = make(desk, HD_TYPE_SERVICE_REQUEST, "software", "Need Visio",
                        HD_IMPACT_INDIVIDUAL, HD_URGENCY_LOW, alice, now);
    hd_ticket *d = make(desk, HD_TYPE_COMPLAINT, NULL, "Slow service", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_LOW, alice, now);
    hd_ticket *got = NULL;

    ASSERT(a && b && c && d);
    ASSERT_STR_EQ(a->number, "INC-000001");
    ASSERT_STR_EQ(b->number, "INC-000002");
    ASSERT_STR_EQ(c->number, "REQ-000001");
    ASSERT_STR_EQ(d->number, "CMP-000001");
    ASSERT_OK(hd_ticket_get(desk, "inc-2", &got));
    ASSERT_STR_EQ(got->title, "VPN down again");
    ASSERT_STR_EQ(got->requester, "alice");
    ASSERT_STR_EQ(got->details, "{\"location\": \"Building A, floor 3\"}");
    ASSERT_INT_EQ(got->status, HD_STATUS_ASSIGNED);
    hd_ticket_free(got);
    ASSERT_INT_EQ(hd_ticket_get(desk, "INC-000099", &got), HD_ENOTFOUND);
    ASSERT_INT_EQ(hd_ticket_get(desk, "XYZ-1", &got), HD_EINVAL);
    ASSERT_INT_EQ(hd_ticket_get(desk, "INC-1; DROP TABLE tickets", &got), HD_EINVAL);
    hd_ticket_free(a);
    hd_ticket_free(b);
    hd_ticket_free(c);
    hd_ticket_free(d);
    hd_desk_close(desk);
}

static void test_ticket__bad_creation_input(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    hd_ticket_spec spec = {0};
    hd_ticket *t = NULL;
    hd_ticket_filter all = {.status = -1};
    hd_ticket **list;
    size_t n;

    spec.requester_id = alice;
    spec.title = "   ";
    ASSERT_INT_EQ(hd_ticket_create(desk, &spec, "x", 1, &t), HD_EINVAL);
    spec.title = "ok";
    spec.details = "[1, 2]";
    ASSERT_INT_EQ(hd_ticket_create(desk, &spec, "x", 1, &t), HD_EINVAL);
    spec.details = "{not json";
    ASSERT_INT_EQ(hd_ticket_create(desk, &spec, "x", 1, &t), HD_EINVAL);
    spec.details = NULL;
    spec.requester_id = 9999;
    ASSERT_INT_EQ(hd_ticket_create(desk, &spec, "x", 1, &t), HD_ENOTFOUND);
    ASSERT(t == NULL);
    /* Nothing half-written, and the number sequence was not consumed. */
    ASSERT_OK(hd_ticket_list(desk, &all, &list, &n));
    ASSERT_INT_EQ(n, 0);
    hd_ticket_list_free(list, n);
    spec.requester_id = alice;
    spec.title = "Printer on fire\nsecond line ignored";
    ASSERT_OK(hd_ticket_create(desk, &spec, "x", 1, &t));
    ASSERT_STR_EQ(t->number, "INC-000001");
    ASSERT_STR_EQ(t->title, "Printer on fire");
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_ticket__routing_rules(void)
{
    hd_config *c = test_config("{\"routing\": ["
                               " {\"department\": \"Finance\", \"category\": \"software\","
                               "  \"group\": \"applications\"},"
                               " {\"type\": \"incident\", \"keywords\": [\"sap\", \"勒索\"],"
                               "  \"group\": \"security\"},"
                               " {\"type\": \"incident\", \"category\": \"vpn\", \"group\":"
                               "  \"network\"}]}");

    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_INCIDENT, "vpn", NULL, "x", NULL)->name, "network");
    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_INCIDENT, "printer", NULL, "x", NULL)->name,
                  "service-desk");
    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_INCIDENT, "vpn", NULL, "SAP login broken", NULL)->name,
                  "security");
    /* Keywords match whole ASCII words only, in any case. */
    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_INCIDENT, "vpn", NULL, "Sapphire theme", NULL)->name,
                  "network");
    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_INCIDENT, NULL, NULL, "电脑中了勒索病毒", NULL)->name,
                  "security");
    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_SERVICE_REQUEST, "software", "finance", "x", NULL)->name,
                  "applications");
    ASSERT_STR_EQ(hd_route_pick(c, HD_TYPE_SERVICE_REQUEST, "software", "Sales", "x", NULL)->name,
                  "service-desk");
    hd_config_free(c);

    /* The embedded defaults. */
    ASSERT_STR_EQ(hd_route_pick(cfg, HD_TYPE_COMPLAINT, NULL, NULL, "x", NULL)->name,
                  "service-management");
    ASSERT_STR_EQ(hd_route_pick(cfg, HD_TYPE_INCIDENT, "email", NULL, "x", NULL)->name,
                  "messaging");
    ASSERT_STR_EQ(
        hd_route_pick(cfg, HD_TYPE_INCIDENT, "hardware", NULL, "x", "ransomware note")->name,
        "security");
}

/* Drive a new ticket into `status` through the public operations. */
static hd_ticket *ticket_in(hd_desk *desk, int64_t req, hd_status status, int64_t now)
{
    hd_ticket *t = make(desk, HD_TYPE_INCIDENT, "printer", "Jam", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_MEDIUM, req, now);
    char number[16];
    int err = 0;

    if (t == NULL)
        return NULL;
    memcpy(number, t->number, sizeof(number));
    hd_ticket_free(t);
    switch (status) {
    case HD_STATUS_ASSIGNED:
        break;
    case HD_STATUS_IN_PROGRESS:
        err = hd_ticket_take(desk, number, "carol", now, NULL);
        break;
    case HD_STATUS_PENDING:
        err = hd_ticket_take(desk, number, "carol", now, NULL) ||
              hd_ticket_pend(desk, number, "vendor", "carol", now, NULL);
        break;
    case HD_STATUS_RESOLVED:
        err = hd_ticket_take(desk, number, "carol", now, NULL) ||
              hd_ticket_resolve(desk, number, "fixed", "carol", now, NULL);
        break;
    case HD_STATUS_CLOSED:
        err = hd_ticket_take(desk, number, "carol", now, NULL) ||
              hd_ticket_resolve(desk, number, "fixed", "carol", now, NULL) ||
              hd_ticket_close(desk, number, "admin", now, NULL);
        break;
    case HD_STATUS_CANCELLED:
        err = hd_ticket_cancel(desk, number, "duplicate", "alice", now, NULL);
        break;
    case HD_STATUS_REOPENED:
        err = hd_ticket_take(desk, number, "carol", now, NULL) ||
              hd_ticket_resolve(desk, number, "fixed", "carol", now, NULL) ||
              hd_ticket_reopen(desk, number, "still jammed", "alice", now, NULL);
        break;
    default:
        return NULL;
    }
    if (err || hd_ticket_get(desk, number, &t) != 0)
        return NULL;
    return t;
}

static void test_ticket__lifecycle_table(void)
{
    /* Legal moves written out independently of core/itil.c. */
    static const char *const legal[] = {
        "new>assigned",         "new>cancelled",        "assigned>in_progress",
        "assigned>resolved",    "assigned>cancelled",   "in_progress>pending",
        "in_progress>resolved", "in_progress>assigned", "in_progress>cancelled",
        "pending>in_progress",  "pending>resolved",     "pending>cancelled",
        "resolved>closed",      "resolved>reopened",    "reopened>assigned",
        "reopened>in_progress", "reopened>cancelled"};
    char pair[64];
    int from, to, n_legal = 0;
    size_t k;

    for (from = 0; from < HD_STATUS_COUNT; from++) {
        for (to = 0; to < HD_STATUS_COUNT; to++) {
            int expect = 0;

            snprintf(pair, sizeof(pair), "%s>%s", hd_status_name((hd_status)from),
                     hd_status_name((hd_status)to));
            for (k = 0; k < HD_ARRAY_SIZE(legal); k++)
                if (strcmp(pair, legal[k]) == 0)
                    expect = 1;
            if (hd_status_can_move((hd_status)from, (hd_status)to) != expect)
                FAIL_AT("%s should be %s", pair, expect ? "legal" : "illegal");
            n_legal += expect;
        }
    }
    ASSERT_INT_EQ(n_legal, (int)HD_ARRAY_SIZE(legal));
}

enum { OP_ASSIGN, OP_TAKE, OP_PEND, OP_RESUME, OP_RESOLVE, OP_CLOSE, OP_REOPEN, OP_CANCEL, N_OPS };

static int run(hd_desk *desk, const char *number, int op, int64_t now)
{
    switch (op) {
    case OP_ASSIGN:
        return hd_ticket_assign(desk, number, "network", NULL, "admin", now, NULL);
    case OP_TAKE:
        return hd_ticket_take(desk, number, "dave", now, NULL);
    case OP_PEND:
        return hd_ticket_pend(desk, number, "user", "dave", now, NULL);
    case OP_RESUME:
        return hd_ticket_resume(desk, number, "dave", now, NULL);
    case OP_RESOLVE:
        return hd_ticket_resolve(desk, number, "done", "dave", now, NULL);
    case OP_CLOSE:
        return hd_ticket_close(desk, number, "admin", now, NULL);
    case OP_REOPEN:
        return hd_ticket_reopen(desk, number, "again", "alice", now, NULL);
    case OP_CANCEL:
        return hd_ticket_cancel(desk, number, "dup", "alice", now, NULL);
    }
    return -1;
}

static void test_ticket__every_operation_from_every_state(void)
{
    static const hd_status states[] = {
        HD_STATUS_ASSIGNED, HD_STATUS_IN_PROGRESS, HD_STATUS_PENDING, HD_STATUS_RESOLVED,
        HD_STATUS_CLOSED,   HD_STATUS_CANCELLED,   HD_STATUS_REOPENED};
    /* 1 = allowed. Assign from assigned and take from in_progress change owners only. */
    static const int allowed[7][N_OPS] = {
        /* assign take pend resume resolve close reopen cancel */
        {1, 1, 0, 0, 1, 0, 0, 1}, /* assigned */
        {1, 1, 1, 0, 1, 0, 0, 1}, /* in_progress */
        {0, 1, 0, 1, 1, 0, 0, 1}, /* pending */
        {0, 0, 0, 0, 0, 1, 1, 0}, /* resolved */
        {0, 0, 0, 0, 0, 0, 0, 0}, /* closed */
        {0, 0, 0, 0, 0, 0, 0, 0}, /* cancelled */
        {1, 1, 0, 0, 0, 0, 0, 1}, /* reopened */
    };
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t now = test_utc(2026, 11, 23, 10, 0);
    size_t s;
    int op;

    test_employee(desk, "carol", 0, 1);
    test_employee(desk, "dave", 0, 1);
    for (s = 0; s < HD_ARRAY_SIZE(states); s++) {
        for (op = 0; op < N_OPS; op++) {
            hd_ticket *t = ticket_in(desk, alice, states[s], now);
            int rc;

            ASSERT(t != NULL);
            ASSERT_INT_EQ(t->status, states[s]);
            rc = run(desk, t->number, op, now + 60);
            if (allowed[s][op] && rc != 0)
                FAIL_AT("op %d from %s refused: %s", op, hd_status_name(states[s]),
                        hd_error_last());
            if (!allowed[s][op]) {
                if (rc != HD_ESTATE)
                    FAIL_AT("op %d from %s gave %d, want HD_ESTATE", op, hd_status_name(states[s]),
                            rc);
                /* The message names the current state. */
                ASSERT(strstr(hd_error_last(), hd_status_name(states[s])) != NULL);
            }
            hd_ticket_free(t);
        }
    }
    hd_desk_close(desk);
}

static void test_ticket__take_requires_an_agent(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    hd_ticket *t =
        make(desk, HD_TYPE_INCIDENT, NULL, "x", HD_IMPACT_TEAM, HD_URGENCY_LOW, alice, 100);
    hd_ticket *after = NULL;

    ASSERT(t != NULL);
    ASSERT_INT_EQ(hd_ticket_take(desk, t->number, "alice", 200, NULL), HD_EPERM);
    ASSERT_INT_EQ(hd_ticket_take(desk, t->number, "nobody", 200, NULL), HD_ENOTFOUND);
    ASSERT_OK(hd_ticket_get(desk, t->number, &after));
    ASSERT_INT_EQ(after->status, HD_STATUS_ASSIGNED);
    ASSERT_INT_EQ(after->assignee_id, 0);
    hd_ticket_free(after);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_ticket__escalation_follows_tiers(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    hd_ticket *t = make(desk, HD_TYPE_INCIDENT, NULL, "Laptop dead", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_HIGH, alice, 100);
    hd_ticket *u = NULL;

    test_employee(desk, "bob", 0, 1);
    ASSERT(t != NULL);
    ASSERT_STR_EQ(t->assignment_group, "service-desk");
    ASSERT_OK(hd_ticket_take(desk, t->number, "bob", 150, NULL));
    ASSERT_OK(hd_ticket_escalate(desk, t->number, "bob", 200, &u));
    ASSERT_STR_EQ(u->assignment_group, "desktop-support");
    ASSERT_INT_EQ(u->status, HD_STATUS_ASSIGNED);
    ASSERT(u->assignee == NULL);
    hd_ticket_free(u);
    ASSERT_OK(hd_ticket_escalate(desk, t->number, "carol", 300, &u));
    ASSERT_STR_EQ(u->assignment_group, "infrastructure");
    hd_ticket_free(u);
    ASSERT_INT_EQ(hd_ticket_escalate(desk, t->number, "dave", 400, NULL), HD_ESTATE);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_ticket__audit_log_records_and_is_append_only(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    hd_ticket *t = make(desk, HD_TYPE_INCIDENT, "printer", "Jam", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_LOW, alice, 100);
    hd_audit_entry *log;
    size_t n;
    sqlite3 *db = hd_store_db(hd_desk_store(desk));

    test_employee(desk, "carol", 0, 1);
    ASSERT(t != NULL);
    ASSERT_OK(hd_ticket_take(desk, t->number, "carol", 200, NULL));
    ASSERT_OK(hd_ticket_set_priority(desk, t->number, HD_IMPACT_TEAM, HD_URGENCY_HIGH, "carol", 300,
                                     NULL));
    ASSERT_OK(hd_ticket_audit(desk, t->id, &log, &n));
    ASSERT_INT_EQ(n, 9);
    ASSERT_STR_EQ(log[0].field, "status");
    ASSERT(log[0].old_value == NULL);
    ASSERT_STR_EQ(log[0].new_value, "new");
    ASSERT_STR_EQ(log[1].old_value, "new");
    ASSERT_STR_EQ(log[1].new_value, "assigned");
    ASSERT_STR_EQ(log[2].field, "assignment_group");
    ASSERT_STR_EQ(log[2].new_value, "desktop-support");
    ASSERT_STR_EQ(log[3].field, "assignee");
    ASSERT_STR_EQ(log[3].new_value, "carol");
    ASSERT_STR_EQ(log[3].actor, "carol");
    ASSERT_INT_EQ(log[3].at, 200);
    ASSERT_STR_EQ(log[4].field, "status");
    ASSERT_STR_EQ(log[4].new_value, "in_progress");
    ASSERT_STR_EQ(log[5].field, "impact");
    ASSERT_STR_EQ(log[6].field, "urgency");
    ASSERT_STR_EQ(log[7].field, "priority");
    ASSERT_STR_EQ(log[7].old_value, "P4");
    ASSERT_STR_EQ(log[7].new_value, "P2");
    /* Taken already: the response target is met and keeps its due time. */
    ASSERT_STR_EQ(log[8].field, "resolution_due");
    ASSERT_STR_EQ(log[8].new_value, "1970-01-01T17:00:00Z");
    hd_audit_free(log, n);
    ASSERT(sqlite3_exec(db, "UPDATE audit SET actor = 'mallory'", 0, 0, 0) != SQLITE_OK);
    ASSERT(sqlite3_exec(db, "DELETE FROM audit", 0, 0, 0) != SQLITE_OK);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_ticket__sla_24x7_and_business_hours(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    /* P1 (24x7: 15 min / 4 h) on a Saturday morning. */
    int64_t sat = test_utc(2026, 11, 21, 10, 0);
    hd_ticket *p1 = make(desk, HD_TYPE_INCIDENT, "network", "Site down", HD_IMPACT_ORGANISATION,
                         HD_URGENCY_CRITICAL, alice, sat);
    /* P3 (office Mon-Fri 09-18 UTC: 4 h / 3 d = 27 h) on Friday 17:00. */
    hd_ticket *p3 = make(desk, HD_TYPE_INCIDENT, "printer", "Jam", HD_IMPACT_TEAM,
                         HD_URGENCY_MEDIUM, alice, test_utc(2026, 11, 20, 17, 0));
    /* Over Christmas: Thu 24 Dec 17:00; Fri 25 and Sat 26 are holidays. */
    hd_ticket *xmas = make(desk, HD_TYPE_INCIDENT, "printer", "Jam", HD_IMPACT_TEAM,
                           HD_URGENCY_MEDIUM, alice, test_utc(2026, 12, 24, 17, 0));

    ASSERT(p1 && p3 && xmas);
    ASSERT_INT_EQ(p1->priority, 1);
    ASSERT_INT_EQ(p1->response_due, sat + 15 * 60);
    ASSERT_INT_EQ(p1->resolution_due, sat + 4 * 3600);
    ASSERT_INT_EQ(p3->priority, 3);
    /* 1 h on Friday, 3 h on Monday. */
    ASSERT_INT_EQ(p3->response_due, test_utc(2026, 11, 23, 12, 0));
    /* 1 h Fri + 9 h Mon + 9 h Tue + 8 h Wed. */
    ASSERT_INT_EQ(p3->resolution_due, test_utc(2026, 11, 25, 17, 0));
    /* 1 h Thu 24th, nothing until Mon 28th, then 3 h. */
    ASSERT_INT_EQ(xmas->response_due, test_utc(2026, 12, 28, 12, 0));
    hd_ticket_free(p1);
    hd_ticket_free(p3);
    hd_ticket_free(xmas);
    hd_desk_close(desk);
}

static void test_ticket__sla_pauses_while_pending_on_user(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t mon9 = test_utc(2026, 11, 23, 9, 0);
    /* P2: office calendar, 1 h response, 8 h resolution → Mon 17:00. */
    hd_ticket *t = make(desk, HD_TYPE_INCIDENT, "printer", "Jam", HD_IMPACT_TEAM, HD_URGENCY_HIGH,
                        alice, mon9);
    hd_ticket *v = make(desk, HD_TYPE_INCIDENT, "printer", "Jam 2", HD_IMPACT_TEAM, HD_URGENCY_HIGH,
                        alice, mon9);
    hd_ticket *u = NULL;

    test_employee(desk, "carol", 0, 1);
    ASSERT(t && v);
    ASSERT_INT_EQ(t->priority, 2);
    ASSERT_INT_EQ(t->resolution_due, test_utc(2026, 11, 23, 17, 0));
    ASSERT_OK(hd_ticket_take(desk, t->number, "carol", test_utc(2026, 11, 23, 9, 30), &u));
    ASSERT_INT_EQ(u->responded_at, test_utc(2026, 11, 23, 9, 30));
    ASSERT(!hd_ticket_response_breached(u, test_utc(2026, 11, 23, 11, 0)));
    hd_ticket_free(u);
    ASSERT_OK(hd_ticket_pend(desk, t->number, "user", "carol", test_utc(2026, 11, 23, 10, 0), &u));
    ASSERT_INT_EQ(u->sla_paused_at, test_utc(2026, 11, 23, 10, 0));
    /* Paused: not breached even long after the original due time. */
    ASSERT(!hd_ticket_resolution_breached(u, test_utc(2026, 11, 24, 9, 0)));
    hd_ticket_free(u);
    /* Resumed Tuesday 10:00: 7 h remained → Tuesday 17:00. */
    ASSERT_OK(hd_ticket_resume(desk, t->number, "carol", test_utc(2026, 11, 24, 10, 0), &u));
    ASSERT_INT_EQ(u->sla_paused_at, 0);
    ASSERT_INT_EQ(u->sla_paused_secs, 9 * 3600);
    ASSERT_INT_EQ(u->resolution_due, test_utc(2026, 11, 24, 17, 0));
    ASSERT(!hd_ticket_resolution_breached(u, test_utc(2026, 11, 24, 16, 59)));
    ASSERT(hd_ticket_resolution_breached(u, test_utc(2026, 11, 24, 17, 1)));
    hd_ticket_free(u);

    /* Pending on a vendor does not stop the clock. */
    ASSERT_OK(hd_ticket_take(desk, v->number, "carol", test_utc(2026, 11, 23, 9, 30), NULL));
    ASSERT_OK(
        hd_ticket_pend(desk, v->number, "vendor", "carol", test_utc(2026, 11, 23, 10, 0), &u));
    ASSERT_INT_EQ(u->sla_paused_at, 0);
    ASSERT(hd_ticket_resolution_breached(u, test_utc(2026, 11, 23, 17, 1)));
    hd_ticket_free(u);
    ASSERT_INT_EQ(hd_ticket_pend(desk, v->number, "lunch", "carol", 1, NULL), HD_EINVAL);
    hd_ticket_free(t);
    hd_ticket_free(v);
    hd_desk_close(desk);
}

static void test_ticket__resolution_clock_after_resolve_close_and_reopen(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t sat = test_utc(2026, 11, 21, 10, 0);
    /* P1, 24x7: resolution due 14:00. */
    hd_ticket *a = make(desk, HD_TYPE_INCIDENT, "network", "Down", HD_IMPACT_ORGANISATION,
                        HD_URGENCY_CRITICAL, alice, sat);
    hd_ticket *b = make(desk, HD_TYPE_INCIDENT, "network", "Down 2", HD_IMPACT_ORGANISATION,
                        HD_URGENCY_CRITICAL, alice, sat);
    hd_ticket *u = NULL;

    test_employee(desk, "dave", 0, 1);
    ASSERT(a && b);
    /* Resolved late at 15:00, closed days later: still late, due time unchanged. */
    ASSERT_OK(hd_ticket_take(desk, a->number, "dave", sat + 600, NULL));
    ASSERT_OK(hd_ticket_resolve(desk, a->number, "rebooted", "dave", sat + 5 * 3600, NULL));
    ASSERT_OK(hd_ticket_close(desk, a->number, "admin", sat + 3 * 86400, &u));
    ASSERT_INT_EQ(u->resolution_due, sat + 4 * 3600);
    ASSERT(hd_ticket_resolution_breached(u, sat + 4 * 86400));
    hd_ticket_free(u);
    /* Resolved at 11:00, reopened at 13:00: the 2 h while resolved do not count. */
    ASSERT_OK(hd_ticket_take(desk, b->number, "dave", sat + 600, NULL));
    ASSERT_OK(hd_ticket_resolve(desk, b->number, "rebooted", "dave", sat + 3600, NULL));
    ASSERT_OK(hd_ticket_reopen(desk, b->number, "down again", "alice", sat + 3 * 3600, &u));
    ASSERT_INT_EQ(u->resolution_due, sat + 6 * 3600);
    ASSERT_INT_EQ(u->sla_paused_at, 0);
    ASSERT(!hd_ticket_resolution_breached(u, sat + 5 * 3600));
    hd_ticket_free(u);
    hd_ticket_free(a);
    hd_ticket_free(b);
    hd_desk_close(desk);
}

static void test_ticket__sla_recomputed_on_priority_change(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t mon10 = test_utc(2026, 11, 23, 10, 0);
    hd_ticket *t = make(desk, HD_TYPE_INCIDENT, "email", "Mail slow", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_LOW, alice, mon10);
    hd_ticket *u = NULL;

    ASSERT(t != NULL);
    ASSERT_INT_EQ(t->priority, 4);
    /* P4: 1 d (9 h) response → Tue 10:00. */
    ASSERT_INT_EQ(t->response_due, test_utc(2026, 11, 24, 10, 0));
    ASSERT_OK(hd_ticket_set_priority(desk, t->number, HD_IMPACT_ORGANISATION, HD_URGENCY_CRITICAL,
                                     "bob", mon10 + 600, &u));
    ASSERT_INT_EQ(u->priority, 1);
    ASSERT_INT_EQ(u->response_due, mon10 + 15 * 60);
    ASSERT_INT_EQ(u->resolution_due, mon10 + 4 * 3600);
    hd_ticket_free(u);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_ticket__vip_requester_raises_priority(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t ceo = test_employee(desk, "ceo", 1, 0);
    hd_ticket *t = make(desk, HD_TYPE_INCIDENT, "hardware", "Laptop", HD_IMPACT_INDIVIDUAL,
                        HD_URGENCY_HIGH, ceo, 1000);

    ASSERT(t != NULL);
    ASSERT_INT_EQ(t->priority, 2);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_ticket__due_within_and_breached_queries(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t sat = test_utc(2026, 11, 21, 10, 0);
    hd_ticket *a = make(desk, HD_TYPE_INCIDENT, "network", "Down", HD_IMPACT_ORGANISATION,
                        HD_URGENCY_CRITICAL, alice, sat);
    hd_ticket *b = make(desk, HD_TYPE_INCIDENT, "network", "Down 2", HD_IMPACT_ORGANISATION,
                        HD_URGENCY_CRITICAL, alice, sat + 600);
    hd_sla_alert *al;
    size_t n;

    test_employee(desk, "dave", 0, 1);
    ASSERT(a && b);
    /* At 10:05: a's response (10:15) is due within 10 min, b's (10:25) is not. */
    ASSERT_OK(hd_sla_due_within(desk, sat + 300, 10, &al, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_STR_EQ(al[0].number, a->number);
    ASSERT_INT_EQ(al[0].kind, HD_SLA_RESPONSE);
    ASSERT_STR_EQ(al[0].group, "network");
    hd_sla_alerts_free(al, n);
    /* At 10:20 a's response is breached; after b is taken, only a remains. */
    ASSERT_OK(hd_ticket_take(desk, b->number, "dave", sat + 900, NULL));
    ASSERT_OK(hd_sla_breached(desk, sat + 1200, &al, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_STR_EQ(al[0].number, a->number);
    hd_sla_alerts_free(al, n);
    /* At 14:30 both resolutions (14:00, 14:10) are breached too. */
    ASSERT_OK(hd_sla_breached(desk, sat + 4 * 3600 + 1800, &al, &n));
    ASSERT_INT_EQ(n, 3);
    ASSERT_INT_EQ(al[0].kind, HD_SLA_RESPONSE);
    ASSERT_INT_EQ(al[1].kind, HD_SLA_RESOLUTION);
    ASSERT_STR_EQ(al[1].number, a->number);
    ASSERT_STR_EQ(al[2].number, b->number);
    hd_sla_alerts_free(al, n);
    hd_ticket_free(a);
    hd_ticket_free(b);
    hd_desk_close(desk);
}

static void test_ticket__notes_and_list_filters(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t bob = test_employee(desk, "tom", 0, 0);
    hd_ticket *a =
        make(desk, HD_TYPE_INCIDENT, "vpn", "A", HD_IMPACT_TEAM, HD_URGENCY_LOW, alice, 10);
    hd_ticket *b =
        make(desk, HD_TYPE_INCIDENT, "email", "B", HD_IMPACT_TEAM, HD_URGENCY_LOW, bob, 20);
    hd_ticket_filter f = {.status = -1, .requester_id = alice};
    hd_ticket **list;
    hd_note *notes;
    size_t n;

    ASSERT(a && b);
    ASSERT_OK(hd_ticket_add_note(desk, a->number, "nudge", "alice", "any news?", 30));
    ASSERT_OK(hd_ticket_add_note(desk, a->number, "comment", "alice", "it is floor 5", 40));
    ASSERT_INT_EQ(hd_ticket_add_note(desk, a->number, "secret", "alice", "x", 40), HD_EINVAL);
    ASSERT_OK(hd_ticket_notes(desk, a->id, &notes, &n));
    ASSERT_INT_EQ(n, 2);
    ASSERT_STR_EQ(notes[0].kind, "nudge");
    ASSERT_STR_EQ(notes[1].body, "it is floor 5");
    hd_notes_free(notes, n);
    ASSERT_OK(hd_ticket_list(desk, &f, &list, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_STR_EQ(list[0]->number, a->number);
    hd_ticket_list_free(list, n);
    f.requester_id = 0;
    f.group = "messaging";
    ASSERT_OK(hd_ticket_list(desk, &f, &list, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_STR_EQ(list[0]->number, b->number);
    hd_ticket_list_free(list, n);
    ASSERT_OK(hd_ticket_cancel(desk, b->number, "dup", "tom", 50, NULL));
    f.group = NULL;
    f.open_only = 1;
    ASSERT_OK(hd_ticket_list(desk, &f, &list, &n));
    ASSERT_INT_EQ(n, 1);
    hd_ticket_list_free(list, n);
    ASSERT_INT_EQ(hd_ticket_add_note(desk, b->number, "comment", "tom", "late", 60), HD_ESTATE);
    hd_ticket_free(a);
    hd_ticket_free(b);
    hd_desk_close(desk);
}

int main(void)
{
    cfg = test_config(NULL);
    RUN(test_ticket__priority_matrix_every_cell);
    RUN(test_ticket__priority_matrix_is_configurable);
    RUN(test_ticket__numbers_per_type_and_lookup);
    RUN(test_ticket__bad_creation_input);
    RUN(test_ticket__routing_rules);
    RUN(test_ticket__lifecycle_table);
    RUN(test_ticket__every_operation_from_every_state);
    RUN(test_ticket__take_requires_an_agent);
    RUN(test_ticket__escalation_follows_tiers);
    RUN(test_ticket__audit_log_records_and_is_append_only);
    RUN(test_ticket__sla_24x7_and_business_hours);
    RUN(test_ticket__sla_pauses_while_pending_on_user);
    RUN(test_ticket__resolution_clock_after_resolve_close_and_reopen);
    RUN(test_ticket__sla_recomputed_on_priority_change);
    RUN(test_ticket__vip_requester_raises_priority);
    RUN(test_ticket__due_within_and_breached_queries);
    RUN(test_ticket__notes_and_list_filters);
    hd_config_free(cfg);
    return harness_result();
}
