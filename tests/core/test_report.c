/*
 * test_report.c - the administrators' report against a fixture built
 * through the real engine (tickets, lifecycle, surveys, contacts), every
 * figure checked against values worked out by hand below.
 *
 * Calendar: November 2026, Mon 2 .. Sun 8 is the report period
 * [Mon 2 00:00, Mon 9 00:00) UTC; the report runs "now" = Thu 12 12:00.
 * SLA targets (embedded defaults): P1 24x7 15m/4h; P2 office 1h/8h;
 * P3 office 4h/27h; P4 office 9h/45h; office = Mon-Fri 09:00-18:00 UTC.
 *
 * Tickets created in the period (all by alice unless VIP "ceo"):
 *  T1  incident network  org/critical  P1 slack  Mon 2 00:00 (= from)
 *      due 00:15 / 04:00; taken 00:10 (met, 600 s); resolved 02:00 (met,
 *      7200 s); survey 5 on Tue 3 09:00.
 *  T2  incident network  org/high      P1 teams  Mon 2 20:00
 *      due 20:15 / Tue 00:00; taken 20:30 (breached, 1800 s); resolved
 *      Tue 01:00 (breached, 18000 s); survey not answered (stays resolved).
 *  T3  incident email    team/high     P2 slack  Tue 3 09:00
 *      due 10:00 / 17:00; taken 09:30 (met, 1800 s); resolved 16:00 (met,
 *      25200 s); survey 2 on Thu 5 09:00.
 *  T4  incident hardware indiv/high VIP P2 web   Tue 3 10:00
 *      due 11:00 / 18:00; taken 10:30 (met, 1800 s); resolved 14:00;
 *      survey "not fixed" Wed 4 10:00 reopens it (resolved_at cleared; the
 *      5 business hours paused move resolution_due to Wed 4 14:00), still
 *      reopened now: resolution breached.
 *  T5  service_request software indiv/medium P4 web  Wed 4 11:00
 *      due Thu 5 11:00 / Wed 11 11:00; taken Thu 5 10:00 (met, 82800 s);
 *      resolved Mon 9 12:00 (met, 435600 s); survey 5 on Mon 9 13:00
 *      (answered after the period: not in CSAT).
 *  T6  incident vpn      team/medium   P3 slack  Wed 4 09:00
 *      due 13:00 / Fri 6 18:00; taken 12:00 (met, 10800 s); pending on the
 *      user since Wed 4 14:00: paused before its due time, so resolution is
 *      not measured (although now is past the due time).
 *  T7  incident printer  indiv/high    P3 teams  Thu 5 09:00
 *      due 13:00 / Mon 9 18:00; taken 16:00 (breached, 25200 s); pending on
 *      the user since Tue 10 10:00, after its due time: resolution breached.
 *  T8  change   (none)   org/low       P3 (none) Thu 5 14:00
 *      due Thu 5 18:00 / Tue 10 14:00; never taken: both overdue now, both
 *      breached.
 *  T9  consultation software indiv/low P4 cli    Sat 7 10:00
 *      due Mon 9 18:00 / Fri 13 18:00; never taken: response breached,
 *      resolution still running (not measured).
 *  T10 complaint (none)  indiv/low     P4 web    Fri 6 10:00
 *      due Mon 9 10:00 / Fri 13 10:00; taken 11:00 (met, 3600 s); resolved
 *      Mon 9 09:30 (met, 257400 s); survey unanswered.
 *  T11 complaint service indiv/medium  P4 slack  Sun 8 20:00; cancelled
 *      Mon 9 08:00 (no SLA figures).
 *  T12 incident password indiv/critical VIP P1 slack Fri 6 22:00
 *      due 22:15 / Sat 02:00; taken 22:05 (met, 300 s); resolved 23:00 (met,
 *      3600 s); survey 4 on Sat 7 10:00.
 *  T13 service_request password indiv/medium P4 teams Fri 6 15:00
 *      due Mon 9 15:00 / Fri 13 15:00; taken 15:30 (met, 1800 s); resolved
 *      17:00 (met, 7200 s); survey 1 on Mon 9 00:00 (= to: not in CSAT).
 *
 * Tickets outside the period:
 *  O1  Mon Oct 26, resolved Thu Oct 29 10:00; default rating 4 applied
 *      Tue Nov 3 12:00 (in the CSAT period).
 *  O2  Mon Nov 9 00:00 (= to), taken Mon 9 10:00: in_progress.
 *  O3  Wed Nov 11 09:00, assigned.     O4  Thu Nov 12 08:00, assigned.
 *  O5  Thu Oct 1 10:00, assigned.      O6  Oct 27, answered 1 on Oct 30.
 *
 * Contacts: in the period 9 (open 1, kb_resolved 3 incl. one at exactly
 * Mon 2 00:00, resolved 1, ticket 3, abandoned 1); outside 3 (resolved at
 * Sun 1 23:59:59, kb_resolved at Mon 9 00:00, abandoned Tue 10).
 */
#include "harness.h"
#include "util.h"

#include "hd/contact.h"
#include "hd/report.h"
#include "hd/survey.h"
#include "hd/ticket.h"

#include <jansson.h>
#include <math.h>

static hd_config *cfg;
static hd_desk *desk; /* the fixture, built once, only read by the tests */

#define ASSERT_NEAR(a, b)                                                                          \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= 1e-9 * (fabs(b_) > 1 ? fabs(b_) : 1)))                              \
            FAIL_AT("%s == %s: %.12g != %.12g", #a, #b, a_, b_);                                   \
    } while (0)

/* Fixture steps report where they failed and make build_fixture return -1. */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        if ((expr) != 0) {                                                                         \
            fprintf(stderr, "%s:%d: fixture step %s failed: %s\n", __FILE__, __LINE__, #expr,      \
                    hd_error_last());                                                              \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

static int64_t nov(int day, int hour, int minute)
{
    return test_utc(2026, 11, day, hour, minute);
}

#define FROM nov(2, 0, 0)
#define TO nov(9, 0, 0)
#define NOW nov(12, 12, 0)

/*
 * Create a ticket and check the engine agrees with the priority and due
 * times worked out by hand above (0 skips a due-time check).
 */
static int create(char number[16], int64_t *id, hd_ticket_type type, const char *category,
                  hd_impact impact, hd_urgency urgency, int64_t requester, const char *channel,
                  int64_t now, int priority, int64_t response_due, int64_t resolution_due)
{
    hd_ticket_spec spec = {0};
    hd_ticket *t = NULL;
    int err;

    spec.type = type;
    spec.category = category;
    spec.title = "report fixture";
    spec.impact = impact;
    spec.urgency = urgency;
    spec.requester_id = requester;
    spec.channel = channel;
    if ((err = hd_ticket_create(desk, &spec, "fixture", now, &t)) != 0)
        return err;
    memcpy(number, t->number, 16);
    if (id)
        *id = t->id;
    if (t->priority != priority || (response_due && t->response_due != response_due) ||
        (resolution_due && t->resolution_due != resolution_due))
        err = hd_error_set(HD_EINVAL, "%s: P%d due %lld/%lld, fixture expects P%d %lld/%lld",
                           t->number, t->priority, (long long)t->response_due,
                           (long long)t->resolution_due, priority, (long long)response_due,
                           (long long)resolution_due);
    hd_ticket_free(t);
    return err;
}

static int contact(int64_t started, hd_contact_outcome outcome, int64_t ticket_id)
{
    int64_t id;
    int err;

    if ((err = hd_contact_open(desk, 0, "slack", started, &id)) != 0)
        return err;
    if (outcome == HD_CONTACT_OPEN)
        return 0;
    return hd_contact_finish(desk, id, outcome, ticket_id, started + 300);
}

static int build_fixture(void)
{
    int64_t alice, ceo, id8, id9, id10;
    char n[16];
    int applied = 0;

    desk = test_desk(cfg);
    alice = test_employee(desk, "alice", 0, 0);
    ceo = test_employee(desk, "ceo", 1, 0);
    test_employee(desk, "carol", 0, 1);

    /* T1 */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "network", HD_IMPACT_ORGANISATION, HD_URGENCY_CRITICAL,
               alice, "slack", nov(2, 0, 0), 1, nov(2, 0, 15), nov(2, 4, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(2, 0, 10), NULL));
    TRY(hd_ticket_resolve(desk, n, "rebooted", "carol", nov(2, 2, 0), NULL));
    TRY(hd_survey_answer(desk, n, 5, NULL, "alice", nov(3, 9, 0), NULL));
    /* T2 */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "network", HD_IMPACT_ORGANISATION, HD_URGENCY_HIGH, alice,
               "teams", nov(2, 20, 0), 1, nov(2, 20, 15), nov(3, 0, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(2, 20, 30), NULL));
    TRY(hd_ticket_resolve(desk, n, "replaced switch", "carol", nov(3, 1, 0), NULL));
    /* T3 */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "email", HD_IMPACT_TEAM, HD_URGENCY_HIGH, alice, "slack",
               nov(3, 9, 0), 2, nov(3, 10, 0), nov(3, 17, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(3, 9, 30), NULL));
    TRY(hd_ticket_resolve(desk, n, "quota raised", "carol", nov(3, 16, 0), NULL));
    TRY(hd_survey_answer(desk, n, 2, "slow", "alice", nov(5, 9, 0), NULL));
    /* T4: VIP raises individual/high from P3 to P2. */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "hardware", HD_IMPACT_INDIVIDUAL, HD_URGENCY_HIGH, ceo,
               "web", nov(3, 10, 0), 2, nov(3, 11, 0), nov(3, 18, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(3, 10, 30), NULL));
    TRY(hd_ticket_resolve(desk, n, "reseated RAM", "carol", nov(3, 14, 0), NULL));
    TRY(hd_survey_answer(desk, n, HD_SURVEY_NOT_FIXED, NULL, "ceo", nov(4, 10, 0), NULL));
    /* T5 */
    TRY(create(n, NULL, HD_TYPE_SERVICE_REQUEST, "software", HD_IMPACT_INDIVIDUAL,
               HD_URGENCY_MEDIUM, alice, "web", nov(4, 11, 0), 4, nov(5, 11, 0), nov(11, 11, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(5, 10, 0), NULL));
    TRY(hd_ticket_resolve(desk, n, "installed", "carol", nov(9, 12, 0), NULL));
    TRY(hd_survey_answer(desk, n, 5, NULL, "alice", nov(9, 13, 0), NULL));
    /* T6 */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "vpn", HD_IMPACT_TEAM, HD_URGENCY_MEDIUM, alice, "slack",
               nov(4, 9, 0), 3, nov(4, 13, 0), nov(6, 18, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(4, 12, 0), NULL));
    TRY(hd_ticket_pend(desk, n, "user", "carol", nov(4, 14, 0), NULL));
    /* T7 */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "printer", HD_IMPACT_INDIVIDUAL, HD_URGENCY_HIGH, alice,
               "teams", nov(5, 9, 0), 3, nov(5, 13, 0), nov(9, 18, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(5, 16, 0), NULL));
    TRY(hd_ticket_pend(desk, n, "user", "carol", nov(10, 10, 0), NULL));
    /* T8: no category, no channel, never taken. */
    TRY(create(n, &id8, HD_TYPE_CHANGE, NULL, HD_IMPACT_ORGANISATION, HD_URGENCY_LOW, alice, NULL,
               nov(5, 14, 0), 3, nov(5, 18, 0), nov(10, 14, 0)));
    /* T9: created on a Saturday, never taken. */
    TRY(create(n, &id9, HD_TYPE_CONSULTATION, "software", HD_IMPACT_INDIVIDUAL, HD_URGENCY_LOW,
               alice, "cli", nov(7, 10, 0), 4, nov(9, 18, 0), nov(13, 18, 0)));
    /* T10 */
    TRY(create(n, &id10, HD_TYPE_COMPLAINT, NULL, HD_IMPACT_INDIVIDUAL, HD_URGENCY_LOW, alice,
               "web", nov(6, 10, 0), 4, nov(9, 10, 0), nov(13, 10, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(6, 11, 0), NULL));
    TRY(hd_ticket_resolve(desk, n, "apologised", "carol", nov(9, 9, 30), NULL));
    /* T11 */
    TRY(create(n, NULL, HD_TYPE_COMPLAINT, "service", HD_IMPACT_INDIVIDUAL, HD_URGENCY_MEDIUM,
               alice, "slack", nov(8, 20, 0), 4, 0, 0));
    TRY(hd_ticket_cancel(desk, n, "raised twice", "alice", nov(9, 8, 0), NULL));
    /* T12: VIP raises individual/critical from P2 to P1. */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "password", HD_IMPACT_INDIVIDUAL, HD_URGENCY_CRITICAL,
               ceo, "slack", nov(6, 22, 0), 1, nov(6, 22, 15), nov(7, 2, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(6, 22, 5), NULL));
    TRY(hd_ticket_resolve(desk, n, "reset", "carol", nov(6, 23, 0), NULL));
    TRY(hd_survey_answer(desk, n, 4, NULL, "ceo", nov(7, 10, 0), NULL));
    /* T13 */
    TRY(create(n, NULL, HD_TYPE_SERVICE_REQUEST, "password", HD_IMPACT_INDIVIDUAL,
               HD_URGENCY_MEDIUM, alice, "teams", nov(6, 15, 0), 4, nov(9, 15, 0), nov(13, 15, 0)));
    TRY(hd_ticket_take(desk, n, "carol", nov(6, 15, 30), NULL));
    TRY(hd_ticket_resolve(desk, n, "reset link sent", "carol", nov(6, 17, 0), NULL));
    TRY(hd_survey_answer(desk, n, 1, NULL, "alice", TO, NULL));

    /* O1: its survey falls due Tue Nov 3 10:00 and gets the default rating. */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "printer", HD_IMPACT_INDIVIDUAL, HD_URGENCY_MEDIUM, alice,
               "web", test_utc(2026, 10, 26, 9, 0), 4, 0, 0));
    TRY(hd_ticket_take(desk, n, "carol", test_utc(2026, 10, 26, 10, 0), NULL));
    TRY(hd_ticket_resolve(desk, n, "toner", "carol", test_utc(2026, 10, 29, 10, 0), NULL));
    /* O6: answered before the period. */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "email", HD_IMPACT_TEAM, HD_URGENCY_MEDIUM, alice,
               "slack", test_utc(2026, 10, 27, 9, 0), 3, 0, 0));
    TRY(hd_ticket_take(desk, n, "carol", test_utc(2026, 10, 27, 9, 30), NULL));
    TRY(hd_ticket_resolve(desk, n, "rule fixed", "carol", test_utc(2026, 10, 28, 10, 0), NULL));
    TRY(hd_survey_answer(desk, n, 1, NULL, "alice", test_utc(2026, 10, 30, 10, 0), NULL));
    TRY(hd_survey_apply_defaults(desk, nov(3, 12, 0), &applied));
    if (applied != 1) {
        fprintf(stderr, "fixture: %d default ratings applied, expected 1 (O1)\n", applied);
        return -1;
    }
    /* O2: created exactly at the end of the period. */
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "network", HD_IMPACT_TEAM, HD_URGENCY_LOW, alice, "slack",
               TO, 4, 0, 0));
    TRY(hd_ticket_take(desk, n, "carol", nov(9, 10, 0), NULL));
    /* O3, O4, O5: open, of different ages. */
    TRY(create(n, NULL, HD_TYPE_SERVICE_REQUEST, "access", HD_IMPACT_INDIVIDUAL, HD_URGENCY_LOW,
               alice, "web", nov(11, 9, 0), 4, 0, 0));
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "wifi", HD_IMPACT_TEAM, HD_URGENCY_CRITICAL, alice,
               "teams", nov(12, 8, 0), 1, 0, 0));
    TRY(create(n, NULL, HD_TYPE_INCIDENT, "printer", HD_IMPACT_INDIVIDUAL, HD_URGENCY_MEDIUM, alice,
               "web", test_utc(2026, 10, 1, 10, 0), 4, 0, 0));

    /* Contacts in the period. */
    TRY(contact(FROM, HD_CONTACT_KB_RESOLVED, 0));
    TRY(contact(nov(2, 9, 0), HD_CONTACT_OPEN, 0));
    TRY(contact(nov(3, 10, 0), HD_CONTACT_KB_RESOLVED, 0));
    TRY(contact(nov(4, 11, 0), HD_CONTACT_KB_RESOLVED, 0));
    TRY(contact(nov(5, 12, 0), HD_CONTACT_RESOLVED, 0));
    TRY(contact(nov(5, 14, 0), HD_CONTACT_TICKET, id8));
    TRY(contact(nov(6, 10, 0), HD_CONTACT_TICKET, id10));
    TRY(contact(nov(7, 10, 0), HD_CONTACT_TICKET, id9));
    TRY(contact(nov(8, 23, 59), HD_CONTACT_ABANDONED, 0));
    /* Contacts outside it. */
    TRY(contact(FROM - 1, HD_CONTACT_RESOLVED, 0));
    TRY(contact(TO, HD_CONTACT_KB_RESOLVED, 0));
    TRY(contact(nov(10, 9, 0), HD_CONTACT_ABANDONED, 0));
    return 0;
}

static void test_report__contacts_and_fcr(void)
{
    hd_report *r = NULL;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    ASSERT_INT_EQ(r->from, FROM);
    ASSERT_INT_EQ(r->to, TO);
    ASSERT_INT_EQ(r->now, NOW);
    /* 9 started in [from, to): the one at from counts, the one at to does not. */
    ASSERT_INT_EQ(r->contacts.total, 9);
    ASSERT_INT_EQ(r->contacts.by_outcome[HD_CONTACT_OPEN], 1);
    ASSERT_INT_EQ(r->contacts.by_outcome[HD_CONTACT_KB_RESOLVED], 3);
    ASSERT_INT_EQ(r->contacts.by_outcome[HD_CONTACT_RESOLVED], 1);
    ASSERT_INT_EQ(r->contacts.by_outcome[HD_CONTACT_TICKET], 3);
    ASSERT_INT_EQ(r->contacts.by_outcome[HD_CONTACT_ABANDONED], 1);
    /* FCR = (3 kb_resolved + 1 resolved) / 9 contacts, the open one included. */
    ASSERT_INT_EQ(r->contacts.fcr.num, 4);
    ASSERT_INT_EQ(r->contacts.fcr.den, 9);
    ASSERT_NEAR(r->contacts.fcr.percent, 100.0 * 4 / 9);
    hd_report_free(r);
}

static void test_report__tickets_by_type_category_priority_channel(void)
{
    static const char *const categories[] = {"email",    "hardware",      "network",
                                             "password", "printer",       "service",
                                             "software", "uncategorised", "vpn"};
    static const int64_t category_counts[] = {1, 1, 2, 2, 1, 1, 2, 2, 1};
    static const char *const channels[] = {"cli", "slack", "teams", "unknown", "web"};
    static const int64_t channel_counts[] = {1, 5, 3, 1, 3};
    hd_report *r = NULL;
    size_t i;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    /* T1..T13; O2 (created at `to`) and the October tickets are out. */
    ASSERT_INT_EQ(r->tickets.total, 13);
    /* incident T1 T2 T3 T4 T6 T7 T12; request T5 T13; change T8;
     * consultation T9; complaint T10 T11. */
    ASSERT_INT_EQ(r->tickets.by_type[HD_TYPE_INCIDENT], 7);
    ASSERT_INT_EQ(r->tickets.by_type[HD_TYPE_SERVICE_REQUEST], 2);
    ASSERT_INT_EQ(r->tickets.by_type[HD_TYPE_CHANGE], 1);
    ASSERT_INT_EQ(r->tickets.by_type[HD_TYPE_CONSULTATION], 1);
    ASSERT_INT_EQ(r->tickets.by_type[HD_TYPE_COMPLAINT], 2);
    /* P1 T1 T2 T12; P2 T3 T4; P3 T6 T7 T8; P4 T5 T9 T10 T11 T13. */
    ASSERT_INT_EQ(r->tickets.by_priority[0], 3);
    ASSERT_INT_EQ(r->tickets.by_priority[1], 2);
    ASSERT_INT_EQ(r->tickets.by_priority[2], 3);
    ASSERT_INT_EQ(r->tickets.by_priority[3], 5);
    /* Sorted by name; T8 and T10 have no category; "access" and "wifi" (O3,
     * O4) are outside the period. */
    ASSERT_INT_EQ(r->tickets.n_categories, HD_ARRAY_SIZE(categories));
    for (i = 0; i < HD_ARRAY_SIZE(categories); i++) {
        ASSERT_STR_EQ(r->tickets.by_category[i].name, categories[i]);
        ASSERT_INT_EQ(r->tickets.by_category[i].count, category_counts[i]);
    }
    /* slack T1 T3 T6 T11 T12; teams T2 T7 T13; web T4 T5 T10; cli T9; T8 none. */
    ASSERT_INT_EQ(r->tickets.n_channels, HD_ARRAY_SIZE(channels));
    for (i = 0; i < HD_ARRAY_SIZE(channels); i++) {
        ASSERT_STR_EQ(r->tickets.by_channel[i].name, channels[i]);
        ASSERT_INT_EQ(r->tickets.by_channel[i].count, channel_counts[i]);
    }
    /* Complaint rate = 2 complaints (T10, T11 - cancelled still counts) / 7 incidents. */
    ASSERT_INT_EQ(r->tickets.complaint_rate.num, 2);
    ASSERT_INT_EQ(r->tickets.complaint_rate.den, 7);
    ASSERT_NEAR(r->tickets.complaint_rate.percent, 100.0 * 2 / 7);
    hd_report_free(r);
}

static void test_report__csat_keeps_defaults_apart(void)
{
    hd_report *r = NULL;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    /* Answered in [from, to): T1 5, T3 2, T12 4, T4 not fixed, O1 default 4.
     * Out: T13's 1 (at `to`), T5's 5 (Nov 9 13:00), O6's 1 (Oct 30). */
    ASSERT_INT_EQ(r->csat.answered, 5);
    ASSERT_INT_EQ(r->csat.real.count, 3);
    ASSERT_INT_EQ(r->csat.real.sum, 11);
    ASSERT_NEAR(r->csat.real.mean, 11.0 / 3);
    ASSERT_INT_EQ(r->csat.by_rating[0], 0);
    ASSERT_INT_EQ(r->csat.by_rating[1], 1);
    ASSERT_INT_EQ(r->csat.by_rating[2], 0);
    ASSERT_INT_EQ(r->csat.by_rating[3], 1);
    ASSERT_INT_EQ(r->csat.by_rating[4], 1);
    /* 4-5 share over real answers only: 2 of 3 (the default 4 is not one). */
    ASSERT_INT_EQ(r->csat.satisfied.num, 2);
    ASSERT_INT_EQ(r->csat.satisfied.den, 3);
    ASSERT_NEAR(r->csat.satisfied.percent, 100.0 * 2 / 3);
    ASSERT_INT_EQ(r->csat.defaults, 1);
    ASSERT_INT_EQ(r->csat.not_fixed, 1);
    /* With defaults: (5 + 4 + 2 + 4) / 4 = 3.75. */
    ASSERT_INT_EQ(r->csat.with_defaults.count, 4);
    ASSERT_INT_EQ(r->csat.with_defaults.sum, 15);
    ASSERT_NEAR(r->csat.with_defaults.mean, 3.75);
    hd_report_free(r);
}

static void test_report__sla_per_priority(void)
{
    /* met, measured per P1..P4 and overall (T11 cancelled is left out).
     * Response: P1 T1 met, T2 late, T12 met; P2 T3, T4 met; P3 T6 met, T7
     * late, T8 unanswered and overdue; P4 T5 T10 T13 met, T9 unanswered and
     * overdue.
     * Resolution: P1 as response; P2 T3 met, T4 reopened and overdue; P3 T6
     * paused before due (not measured), T7 paused after due, T8 overdue; P4
     * T5 T10 T13 met, T9 still running (not measured). */
    static const int64_t resp[5][2] = {{2, 3}, {2, 2}, {1, 3}, {3, 4}, {8, 12}};
    static const int64_t reso[5][2] = {{2, 3}, {1, 2}, {0, 2}, {3, 3}, {6, 10}};
    static const double resp_pct[5] = {100.0 * 2 / 3, 100.0, 100.0 / 3, 75.0, 100.0 * 8 / 12};
    static const double reso_pct[5] = {100.0 * 2 / 3, 50.0, 0.0, 100.0, 60.0};
    hd_report *r = NULL;
    int p;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    for (p = 0; p < 5; p++) {
        if (r->sla.response[p].num != resp[p][0] || r->sla.response[p].den != resp[p][1])
            FAIL_AT("response [%d]: %lld of %lld, want %lld of %lld", p,
                    (long long)r->sla.response[p].num, (long long)r->sla.response[p].den,
                    (long long)resp[p][0], (long long)resp[p][1]);
        if (r->sla.resolution[p].num != reso[p][0] || r->sla.resolution[p].den != reso[p][1])
            FAIL_AT("resolution [%d]: %lld of %lld, want %lld of %lld", p,
                    (long long)r->sla.resolution[p].num, (long long)r->sla.resolution[p].den,
                    (long long)reso[p][0], (long long)reso[p][1]);
        ASSERT_NEAR(r->sla.response[p].percent, resp_pct[p]);
        ASSERT_NEAR(r->sla.resolution[p].percent, reso_pct[p]);
    }
    hd_report_free(r);
}

/* The breaches counted agree with the engine's own per-ticket predicates. */
static void test_report__breaches_agree_with_ticket_predicates(void)
{
    hd_ticket_filter all = {.status = -1};
    hd_ticket **list = NULL;
    hd_report *r = NULL;
    int64_t resp[HD_PRIORITY_COUNT] = {0}, reso[HD_PRIORITY_COUNT] = {0};
    size_t n, i;
    int p;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    ASSERT_OK(hd_ticket_list(desk, &all, &list, &n));
    ASSERT_INT_EQ(n, 19);
    for (i = 0; i < n; i++) {
        const hd_ticket *t = list[i];

        if (t->created_at < FROM || t->created_at >= TO || t->status == HD_STATUS_CANCELLED)
            continue;
        resp[t->priority - 1] += hd_ticket_response_breached(t, NOW);
        reso[t->priority - 1] += hd_ticket_resolution_breached(t, NOW);
    }
    hd_ticket_list_free(list, n);
    for (p = 0; p < HD_PRIORITY_COUNT; p++) {
        ASSERT_INT_EQ(r->sla.response[p].den - r->sla.response[p].num, resp[p]);
        ASSERT_INT_EQ(r->sla.resolution[p].den - r->sla.resolution[p].num, reso[p]);
    }
    hd_report_free(r);
}

/*
 * A ticket that missed both targets and is then rated (closing it) must
 * stay breached: closing does not move the finished targets' due times.
 */
static void test_report__rating_a_late_ticket_keeps_it_late(void)
{
    hd_desk *d = test_desk(cfg);
    int64_t alice = test_employee(d, "alice", 0, 0);
    hd_ticket_spec spec = {.type = HD_TYPE_INCIDENT,
                           .category = "network",
                           .title = "Down",
                           .impact = HD_IMPACT_ORGANISATION,
                           .urgency = HD_URGENCY_HIGH,
                           .requester_id = alice,
                           .channel = "slack"};
    hd_ticket *t = NULL;
    hd_report *r = NULL;
    hd_report_ratio resp[1], reso[1];
    char n[16];

    test_employee(d, "carol", 0, 1);
    /* P1 at Mon 2 20:00: due 20:15 / Tue 00:00; taken 20:30, resolved Tue
     * 01:00 (both late), rated 4 on Wed 4 10:00. */
    ASSERT_OK(hd_ticket_create(d, &spec, "alice", nov(2, 20, 0), &t));
    memcpy(n, t->number, sizeof(n));
    hd_ticket_free(t);
    ASSERT_OK(hd_ticket_take(d, n, "carol", nov(2, 20, 30), NULL));
    ASSERT_OK(hd_ticket_resolve(d, n, "replaced switch", "carol", nov(3, 1, 0), NULL));
    ASSERT_OK(hd_report_compute(d, FROM, TO, NOW, &r));
    ASSERT_INT_EQ(r->sla.response[0].num, 0);
    ASSERT_INT_EQ(r->sla.response[0].den, 1);
    ASSERT_INT_EQ(r->sla.resolution[0].num, 0);
    ASSERT_INT_EQ(r->sla.resolution[0].den, 1);
    hd_report_free(r);
    ASSERT_OK(hd_survey_answer(d, n, 4, NULL, "alice", nov(4, 10, 0), NULL));
    ASSERT_OK(hd_report_compute(d, FROM, TO, NOW, &r));
    memcpy(resp, &r->sla.response[0], sizeof(resp));
    memcpy(reso, &r->sla.resolution[0], sizeof(reso));
    hd_report_free(r);
    hd_desk_close(d);
    if (resp->num != 0 || reso->num != 0)
        FAIL_AT("closing %s turned late targets into met ones (response %lld of %lld, "
                "resolution %lld of %lld): core/ticket.c moved their due times",
                n, (long long)resp->num, (long long)resp->den, (long long)reso->num,
                (long long)reso->den);
}

/*
 * A response given late stays late when the ticket is later paused
 * (pending on the user) and resumed: the pause moves running targets only.
 */
static void test_report__a_pause_does_not_excuse_a_late_response(void)
{
    hd_desk *d = test_desk(cfg);
    int64_t alice = test_employee(d, "alice", 0, 0);
    hd_ticket_spec spec = {.type = HD_TYPE_INCIDENT,
                           .category = "vpn",
                           .title = "Slow",
                           .impact = HD_IMPACT_TEAM,
                           .urgency = HD_URGENCY_MEDIUM,
                           .requester_id = alice,
                           .channel = "web"};
    hd_ticket *t = NULL;
    hd_report *r = NULL;
    hd_report_ratio resp[1], reso[1];
    char n[16];

    test_employee(d, "carol", 0, 1);
    /* P3 at Thu 5 09:00: response due 13:00, taken 16:00 (late); pending on
     * the user 16:30 to Mon 9 10:00 (11.5 business hours), so the resolution
     * target moves from Mon 9 18:00 to Wed 11 11:30, still overdue now. */
    ASSERT_OK(hd_ticket_create(d, &spec, "alice", nov(5, 9, 0), &t));
    memcpy(n, t->number, sizeof(n));
    hd_ticket_free(t);
    ASSERT_OK(hd_ticket_take(d, n, "carol", nov(5, 16, 0), NULL));
    ASSERT_OK(hd_ticket_pend(d, n, "user", "carol", nov(5, 16, 30), NULL));
    ASSERT_OK(hd_ticket_resume(d, n, "carol", nov(9, 10, 0), &t));
    ASSERT_INT_EQ(t->resolution_due, nov(11, 11, 30));
    hd_ticket_free(t);
    ASSERT_OK(hd_report_compute(d, FROM, TO, NOW, &r));
    memcpy(resp, &r->sla.response[2], sizeof(resp));
    memcpy(reso, &r->sla.resolution[2], sizeof(reso));
    hd_report_free(r);
    hd_desk_close(d);
    if (resp->num != 0 || resp->den != 1)
        FAIL_AT("late response counted %lld met of %lld after a pause: core/ticket.c moved "
                "its due time",
                (long long)resp->num, (long long)resp->den);
    ASSERT_INT_EQ(reso->num, 0);
    ASSERT_INT_EQ(reso->den, 1);
}

static void test_report__mean_times(void)
{
    hd_report *r = NULL;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    /* Responded: T1 600, T2 1800, T3 1800, T4 1800, T5 82800, T6 10800,
     * T7 25200, T10 3600, T12 300, T13 1800 = 130500 s over 10; mean 13050 s. */
    ASSERT_INT_EQ(r->time_to_respond.count, 10);
    ASSERT_INT_EQ(r->time_to_respond.sum, 130500);
    ASSERT_NEAR(r->time_to_respond.mean, 13050.0);
    /* Resolved (T4 reopened no longer is): T1 7200, T2 18000, T3 25200,
     * T5 435600, T10 257400, T12 3600, T13 7200 = 754200 s over 7. */
    ASSERT_INT_EQ(r->time_to_resolve.count, 7);
    ASSERT_INT_EQ(r->time_to_resolve.sum, 754200);
    ASSERT_NEAR(r->time_to_resolve.mean, 754200.0 / 7);
    hd_report_free(r);
}

static void test_report__backlog_by_status_and_age(void)
{
    hd_report *r = NULL;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    /* Open now, in the period or not: T4 T6 T7 T8 T9 O2 O3 O4 O5. */
    ASSERT_INT_EQ(r->backlog.total, 9);
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_NEW], 0);
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_ASSIGNED], 5);    /* T8 T9 O3 O4 O5 */
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_IN_PROGRESS], 1); /* O2 */
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_PENDING], 2);     /* T6 T7 */
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_REOPENED], 1);    /* T4 */
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_RESOLVED], 0);
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_CLOSED], 0);
    ASSERT_INT_EQ(r->backlog.by_status[HD_STATUS_CANCELLED], 0);
    /* Ages at Thu 12 12:00: O4 4h; O3 1d 3h; O2 3d 12h, T9 5d 2h, T8 6d 22h;
     * T7 7d 3h, T6 8d 3h, T4 9d 2h; O5 42d 2h. */
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_LT_1D], 1);
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_1D_3D], 1);
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_3D_7D], 3);
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_7D_30D], 3);
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_GE_30D], 1);
    hd_report_free(r);

    /* Bucket edge: at Fri 13 08:00 O4 is exactly 1 day old, no longer < 1 day. */
    ASSERT_OK(hd_report_compute(desk, FROM, TO, nov(13, 8, 0), &r));
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_LT_1D], 0);
    ASSERT_INT_EQ(r->backlog.by_age[HD_REPORT_AGE_1D_3D], 2); /* O4 1d 0h, O3 1d 23h */
    hd_report_free(r);
}

static json_t *jpath(json_t *root, const char *path)
{
    char key[64];
    const char *p = path;

    while (root && *p) {
        size_t len = strcspn(p, ".");

        if (len >= sizeof(key))
            return NULL;
        memcpy(key, p, len);
        key[len] = '\0';
        root = json_object_get(root, key);
        p += len;
        if (*p == '.')
            p++;
    }
    return root;
}

#define ASSERT_JINT(root, path, v)                                                                 \
    do {                                                                                           \
        json_t *j_ = jpath((root), (path));                                                        \
        if (!json_is_integer(j_))                                                                  \
            FAIL_AT("%s is not an integer", (path));                                               \
        ASSERT_INT_EQ(json_integer_value(j_), (v));                                                \
    } while (0)

#define ASSERT_JREAL(root, path, v)                                                                \
    do {                                                                                           \
        json_t *j_ = jpath((root), (path));                                                        \
        if (!json_is_real(j_))                                                                     \
            FAIL_AT("%s is not a real", (path));                                                   \
        ASSERT_NEAR(json_real_value(j_), (v));                                                     \
    } while (0)

#define ASSERT_JNULL(root, path)                                                                   \
    do {                                                                                           \
        if (!json_is_null(jpath((root), (path))))                                                  \
            FAIL_AT("%s is not null", (path));                                                     \
    } while (0)

static void test_report__json_shape(void)
{
    static const char *const top[] = {
        "range", "contacts", "first_contact_resolution", "tickets",         "complaint_rate",
        "csat",  "sla",      "time_to_respond",          "time_to_resolve", "backlog"};
    hd_report *r = NULL;
    json_t *j;
    size_t i;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    j = hd_report_json(r);
    hd_report_free(r);
    ASSERT(json_is_object(j));
    ASSERT_INT_EQ(json_object_size(j), HD_ARRAY_SIZE(top));
    for (i = 0; i < HD_ARRAY_SIZE(top); i++)
        if (!json_is_object(json_object_get(j, top[i])))
            FAIL_AT("missing object \"%s\"", top[i]);
    ASSERT_STR_EQ(json_string_value(jpath(j, "range.from")), "2026-11-02T00:00:00Z");
    ASSERT_STR_EQ(json_string_value(jpath(j, "range.to")), "2026-11-09T00:00:00Z");
    ASSERT_STR_EQ(json_string_value(jpath(j, "range.now")), "2026-11-12T12:00:00Z");

    ASSERT_JINT(j, "contacts.total", 9);
    ASSERT_JINT(j, "contacts.by_outcome.open", 1);
    ASSERT_JINT(j, "contacts.by_outcome.kb_resolved", 3);
    ASSERT_JINT(j, "contacts.by_outcome.resolved", 1);
    ASSERT_JINT(j, "contacts.by_outcome.ticket", 3);
    ASSERT_JINT(j, "contacts.by_outcome.abandoned", 1);
    ASSERT_JINT(j, "first_contact_resolution.resolved", 4);
    ASSERT_JINT(j, "first_contact_resolution.contacts", 9);
    ASSERT_JREAL(j, "first_contact_resolution.percent", 100.0 * 4 / 9);

    ASSERT_JINT(j, "tickets.total", 13);
    ASSERT_INT_EQ(json_object_size(jpath(j, "tickets.by_type")), 5);
    ASSERT_JINT(j, "tickets.by_type.incident", 7);
    ASSERT_JINT(j, "tickets.by_type.service_request", 2);
    ASSERT_JINT(j, "tickets.by_type.change", 1);
    ASSERT_JINT(j, "tickets.by_type.consultation", 1);
    ASSERT_JINT(j, "tickets.by_type.complaint", 2);
    ASSERT_INT_EQ(json_object_size(jpath(j, "tickets.by_category")), 9);
    ASSERT_JINT(j, "tickets.by_category.uncategorised", 2);
    ASSERT_JINT(j, "tickets.by_category.network", 2);
    ASSERT_JINT(j, "tickets.by_category.password", 2);
    ASSERT(jpath(j, "tickets.by_category.wifi") == NULL);
    ASSERT_JINT(j, "tickets.by_priority.P1", 3);
    ASSERT_JINT(j, "tickets.by_priority.P2", 2);
    ASSERT_JINT(j, "tickets.by_priority.P3", 3);
    ASSERT_JINT(j, "tickets.by_priority.P4", 5);
    ASSERT_INT_EQ(json_object_size(jpath(j, "tickets.by_channel")), 5);
    ASSERT_JINT(j, "tickets.by_channel.teams", 3);
    ASSERT_JINT(j, "tickets.by_channel.unknown", 1);
    ASSERT_JINT(j, "tickets.by_channel.slack", 5);
    ASSERT_JINT(j, "complaint_rate.complaints", 2);
    ASSERT_JINT(j, "complaint_rate.incidents", 7);
    ASSERT_JREAL(j, "complaint_rate.percent", 100.0 * 2 / 7);

    ASSERT_JINT(j, "csat.answered", 5);
    ASSERT_JINT(j, "csat.real.count", 3);
    ASSERT_JREAL(j, "csat.real.mean", 11.0 / 3);
    ASSERT_JINT(j, "csat.real.satisfied", 2);
    ASSERT_JREAL(j, "csat.real.satisfied_percent", 100.0 * 2 / 3);
    ASSERT_JINT(j, "csat.real.by_rating.2", 1);
    ASSERT_JINT(j, "csat.real.by_rating.4", 1);
    ASSERT_JINT(j, "csat.real.by_rating.5", 1);
    ASSERT_JINT(j, "csat.real.by_rating.1", 0);
    ASSERT_JINT(j, "csat.defaults", 1);
    ASSERT_JINT(j, "csat.not_fixed", 1);
    ASSERT_JINT(j, "csat.with_defaults.count", 4);
    ASSERT_JREAL(j, "csat.with_defaults.mean", 3.75);

    ASSERT_JINT(j, "sla.response.P1.met", 2);
    ASSERT_JINT(j, "sla.response.P1.measured", 3);
    ASSERT_JREAL(j, "sla.response.P2.percent", 100.0);
    ASSERT_JINT(j, "sla.response.P3.measured", 3);
    ASSERT_JREAL(j, "sla.response.P3.percent", 100.0 / 3);
    ASSERT_JINT(j, "sla.response.P4.met", 3);
    ASSERT_JINT(j, "sla.response.P4.measured", 4);
    ASSERT_JINT(j, "sla.response.overall.met", 8);
    ASSERT_JINT(j, "sla.response.overall.measured", 12);
    ASSERT_JREAL(j, "sla.resolution.P2.percent", 50.0);
    ASSERT_JINT(j, "sla.resolution.P3.met", 0);
    ASSERT_JINT(j, "sla.resolution.P3.measured", 2);
    ASSERT_JREAL(j, "sla.resolution.P3.percent", 0.0);
    ASSERT_JINT(j, "sla.resolution.overall.met", 6);
    ASSERT_JINT(j, "sla.resolution.overall.measured", 10);
    ASSERT_JREAL(j, "sla.resolution.overall.percent", 60.0);

    ASSERT_JINT(j, "time_to_respond.count", 10);
    ASSERT_JREAL(j, "time_to_respond.mean_secs", 13050.0);
    ASSERT_JINT(j, "time_to_resolve.count", 7);
    ASSERT_JREAL(j, "time_to_resolve.mean_secs", 754200.0 / 7);

    ASSERT_JINT(j, "backlog.total", 9);
    ASSERT_INT_EQ(json_object_size(jpath(j, "backlog.by_status")), 5);
    ASSERT_JINT(j, "backlog.by_status.new", 0);
    ASSERT_JINT(j, "backlog.by_status.assigned", 5);
    ASSERT_JINT(j, "backlog.by_status.in_progress", 1);
    ASSERT_JINT(j, "backlog.by_status.pending", 2);
    ASSERT_JINT(j, "backlog.by_status.reopened", 1);
    ASSERT_JINT(j, "backlog.by_age.lt_1d", 1);
    ASSERT_JINT(j, "backlog.by_age.1d_3d", 1);
    ASSERT_JINT(j, "backlog.by_age.3d_7d", 3);
    ASSERT_JINT(j, "backlog.by_age.7d_30d", 3);
    ASSERT_JINT(j, "backlog.by_age.ge_30d", 1);
    json_decref(j);
}

static void test_report__empty_range(void)
{
    hd_report *r = NULL;
    json_t *j;
    int p;

    /* January 2026 holds nothing: every rate and mean is absent, not 0/0. */
    ASSERT_OK(
        hd_report_compute(desk, test_utc(2026, 1, 1, 0, 0), test_utc(2026, 2, 1, 0, 0), NOW, &r));
    ASSERT_INT_EQ(r->contacts.total, 0);
    ASSERT_INT_EQ(r->contacts.fcr.den, 0);
    ASSERT_INT_EQ(r->tickets.total, 0);
    ASSERT_INT_EQ(r->tickets.n_categories, 0);
    ASSERT_INT_EQ(r->tickets.n_channels, 0);
    ASSERT_INT_EQ(r->tickets.complaint_rate.den, 0);
    ASSERT_INT_EQ(r->csat.answered, 0);
    ASSERT_INT_EQ(r->csat.real.count, 0);
    ASSERT_INT_EQ(r->csat.satisfied.den, 0);
    ASSERT_INT_EQ(r->time_to_respond.count, 0);
    for (p = 0; p <= HD_PRIORITY_COUNT; p++)
        ASSERT_INT_EQ(r->sla.response[p].den + r->sla.resolution[p].den, 0);
    /* The backlog is "now", whatever the period. */
    ASSERT_INT_EQ(r->backlog.total, 9);
    j = hd_report_json(r);
    hd_report_free(r);
    ASSERT(j != NULL);
    ASSERT_JINT(j, "first_contact_resolution.contacts", 0);
    ASSERT_JNULL(j, "first_contact_resolution.percent");
    ASSERT_JNULL(j, "complaint_rate.percent");
    ASSERT_JNULL(j, "csat.real.mean");
    ASSERT_JNULL(j, "csat.real.satisfied_percent");
    ASSERT_JNULL(j, "csat.with_defaults.mean");
    ASSERT_JNULL(j, "sla.response.P1.percent");
    ASSERT_JNULL(j, "sla.resolution.overall.percent");
    ASSERT_JNULL(j, "time_to_respond.mean_secs");
    ASSERT_JNULL(j, "time_to_resolve.mean_secs");
    ASSERT_INT_EQ(json_object_size(jpath(j, "tickets.by_category")), 0);
    ASSERT_JINT(j, "tickets.by_type.incident", 0);
    json_decref(j);

    /* A zero-length period is empty too. */
    ASSERT_OK(hd_report_compute(desk, FROM, FROM, NOW, &r));
    ASSERT_INT_EQ(r->contacts.total + r->tickets.total + r->csat.answered, 0);
    hd_report_free(r);
}

static void test_report__fresh_desk_and_bad_period(void)
{
    hd_desk *empty = test_desk(cfg);
    hd_report *r = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    ASSERT_OK(hd_report_compute(empty, FROM, TO, NOW, &r));
    ASSERT_INT_EQ(r->backlog.total, 0);
    ASSERT_INT_EQ(r->tickets.total, 0);
    f = open_memstream(&text, &len);
    ASSERT(f != NULL);
    hd_report_print(r, f);
    fclose(f);
    ASSERT(strstr(text, "First-contact resolution") != NULL);
    ASSERT(strstr(text, "n/a") != NULL);
    free(text);
    hd_report_free(r);
    ASSERT_INT_EQ(hd_report_compute(empty, TO, FROM, NOW, &r), HD_EINVAL);
    ASSERT(r == NULL);
    hd_desk_close(empty);
}

/* The line of `text` that starts with `label`, or NULL. */
static const char *line_of(const char *text, const char *label)
{
    const char *p = text;

    while (p && *p) {
        if (strncmp(p, label, strlen(label)) == 0)
            return p;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

static void test_report__text_is_aligned(void)
{
    hd_report *r = NULL;
    char *text = NULL;
    const char *l;
    size_t len = 0;
    FILE *f;

    ASSERT_OK(hd_report_compute(desk, FROM, TO, NOW, &r));
    f = open_memstream(&text, &len);
    ASSERT(f != NULL);
    hd_report_print(r, f);
    fclose(f);
    hd_report_free(r);
    /* Values end in the same column (44) whatever the label's indent. */
    ASSERT((l = line_of(text, "Contacts started")) != NULL);
    ASSERT(strncmp(l + 34, "         9\n", 11) == 0);
    ASSERT((l = line_of(text, "  kb_resolved")) != NULL);
    ASSERT(strncmp(l + 34, "         3\n", 11) == 0);
    ASSERT((l = line_of(text, "    uncategorised")) != NULL);
    ASSERT(strncmp(l + 34, "         2\n", 11) == 0);
    ASSERT((l = line_of(text, "First-contact resolution")) != NULL);
    ASSERT(strncmp(l + 34, "     44.4%   4 resolved of 9 contacts\n", 38) == 0);
    ASSERT((l = line_of(text, "Complaint rate")) != NULL);
    ASSERT(strncmp(l + 34, "     28.6%", 10) == 0);
    ASSERT((l = line_of(text, "    mean rating")) != NULL);
    ASSERT(strncmp(l + 34, "      3.67\n", 11) == 0);
    ASSERT((l = line_of(text, "  mean incl. default ratings")) != NULL);
    ASSERT(strncmp(l + 34, "      3.75", 10) == 0);
    ASSERT((l = line_of(text, "  P3 ")) != NULL);
    ASSERT(strstr(l, "33.3%") != NULL && strstr(l, "1 of 3") != NULL);
    ASSERT((l = line_of(text, "Mean time to respond")) != NULL);
    ASSERT(strncmp(l + 34, "    3h 38m", 10) == 0); /* 13050 s, to the nearest minute */
    ASSERT((l = line_of(text, "    30 days or more")) != NULL);
    ASSERT(strncmp(l + 34, "         1\n", 11) == 0);
    free(text);
}

int main(void)
{
    cfg = test_config(NULL);
    if (build_fixture() != 0) {
        fprintf(stderr, "FAIL report fixture\n");
        return 1;
    }
    RUN(test_report__contacts_and_fcr);
    RUN(test_report__tickets_by_type_category_priority_channel);
    RUN(test_report__csat_keeps_defaults_apart);
    RUN(test_report__sla_per_priority);
    RUN(test_report__breaches_agree_with_ticket_predicates);
    RUN(test_report__rating_a_late_ticket_keeps_it_late);
    RUN(test_report__a_pause_does_not_excuse_a_late_response);
    RUN(test_report__mean_times);
    RUN(test_report__backlog_by_status_and_age);
    RUN(test_report__json_shape);
    RUN(test_report__empty_range);
    RUN(test_report__fresh_desk_and_bad_period);
    RUN(test_report__text_is_aligned);
    hd_desk_close(desk);
    hd_config_free(cfg);
    return harness_result();
}
