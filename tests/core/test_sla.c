/*
 * test_sla.c - the SLA sweep: a warning at the configured share of a
 * target, escalation to the next tier at breach, each at most once.
 */
#include "harness.h"
#include "util.h"

#include "hd/ticket.h"

static hd_config *cfg;

static size_t sweep(hd_desk *desk, int64_t now, hd_sla_event **ev)
{
    size_t n = 0;

    if (hd_sla_sweep(desk, now, ev, &n) != 0) {
        fprintf(stderr, "sweep: %s\n", hd_error_last());
        return (size_t)-1;
    }
    return n;
}

static void test_sla__warn_then_escalate_once(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t t0 = test_utc(2026, 11, 21, 10, 0); /* Saturday: P1 runs 24x7 */
    hd_ticket_spec spec = {.type = HD_TYPE_INCIDENT,
                           .category = "network",
                           .title = "Site down",
                           .impact = HD_IMPACT_ORGANISATION,
                           .urgency = HD_URGENCY_CRITICAL,
                           .requester_id = alice};
    hd_ticket *t = NULL;
    hd_sla_event *ev = NULL;
    hd_audit_entry *log;
    size_t n, nlog;

    ASSERT_OK(hd_ticket_create(desk, &spec, "alice", t0, &t));
    ASSERT_STR_EQ(t->assignment_group, "network");
    /* 75% of the 15-minute response target is 11m15s. */
    ASSERT_INT_EQ(sweep(desk, t0 + 11 * 60, &ev), 0);
    hd_sla_events_free(ev, 0);
    ASSERT_INT_EQ(n = sweep(desk, t0 + 12 * 60, &ev), 1);
    ASSERT_INT_EQ(ev[0].event, HD_SLA_WARNING);
    ASSERT_INT_EQ(ev[0].alert.kind, HD_SLA_RESPONSE);
    ASSERT_STR_EQ(ev[0].alert.number, t->number);
    ASSERT_STR_EQ(ev[0].alert.group, "network");
    hd_sla_events_free(ev, n);
    ASSERT_INT_EQ(sweep(desk, t0 + 13 * 60, &ev), 0); /* once only */
    hd_sla_events_free(ev, 0);
    /* Breached at 10:15: escalated from network to infrastructure, by "sla". */
    ASSERT_INT_EQ(n = sweep(desk, t0 + 16 * 60, &ev), 1);
    ASSERT_INT_EQ(ev[0].event, HD_SLA_BREACH);
    ASSERT_STR_EQ(ev[0].alert.group, "network");
    ASSERT_STR_EQ(ev[0].escalated_to, "infrastructure");
    hd_sla_events_free(ev, n);
    ASSERT_OK(hd_ticket_audit(desk, t->id, &log, &nlog));
    ASSERT_STR_EQ(log[nlog - 1].actor, "sla");
    ASSERT_STR_EQ(log[nlog - 1].new_value, "infrastructure");
    hd_audit_free(log, nlog);
    ASSERT_INT_EQ(sweep(desk, t0 + 20 * 60, &ev), 0);
    hd_sla_events_free(ev, 0);
    /* The resolution target (4 h) warns at 3 h and breaches after 4 h; the top tier stays. */
    ASSERT_INT_EQ(n = sweep(desk, t0 + 3 * 3600 + 60, &ev), 1);
    ASSERT_INT_EQ(ev[0].alert.kind, HD_SLA_RESOLUTION);
    ASSERT_INT_EQ(ev[0].event, HD_SLA_WARNING);
    ASSERT_STR_EQ(ev[0].alert.group, "infrastructure");
    hd_sla_events_free(ev, n);
    ASSERT_INT_EQ(n = sweep(desk, t0 + 4 * 3600 + 60, &ev), 1);
    ASSERT_INT_EQ(ev[0].event, HD_SLA_BREACH);
    ASSERT(ev[0].escalated_to == NULL);
    hd_sla_events_free(ev, n);
    ASSERT_INT_EQ(sweep(desk, t0 + 5 * 3600, &ev), 0);
    hd_sla_events_free(ev, 0);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

static void test_sla__met_and_paused_targets_are_quiet(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    int64_t t0 = test_utc(2026, 11, 21, 10, 0);
    hd_ticket_spec spec = {.type = HD_TYPE_INCIDENT,
                           .category = "network",
                           .title = "Down",
                           .impact = HD_IMPACT_ORGANISATION,
                           .urgency = HD_URGENCY_CRITICAL,
                           .requester_id = alice};
    hd_ticket *t = NULL;
    hd_sla_event *ev = NULL;

    test_employee(desk, "dave", 0, 1);
    ASSERT_OK(hd_ticket_create(desk, &spec, "alice", t0, &t));
    ASSERT_OK(hd_ticket_take(desk, t->number, "dave", t0 + 60, NULL));
    ASSERT_OK(hd_ticket_pend(desk, t->number, "user", "dave", t0 + 120, NULL));
    /* Responded, and the resolution clock stopped: nothing to say for days. */
    ASSERT_INT_EQ(sweep(desk, t0 + 5 * 86400, &ev), 0);
    hd_sla_events_free(ev, 0);
    hd_ticket_free(t);
    hd_desk_close(desk);
}

int main(void)
{
    cfg = test_config(NULL);
    RUN(test_sla__warn_then_escalate_once);
    RUN(test_sla__met_and_paused_targets_are_quiet);
    hd_config_free(cfg);
    return harness_result();
}
