/*
 * test_survey.c - satisfaction surveys: answers close, "not fixed" reopens,
 * silence earns the default rating, flagged as such.
 */
#include "harness.h"
#include "util.h"

#include "hd/survey.h"
#include "hd/ticket.h"

static hd_config *cfg;

static hd_desk *desk_with_resolved(char number[16], int64_t at)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    hd_ticket_spec spec = {.type = HD_TYPE_INCIDENT,
                           .category = "printer",
                           .title = "Jam",
                           .impact = HD_IMPACT_INDIVIDUAL,
                           .urgency = HD_URGENCY_MEDIUM,
                           .requester_id = alice};
    hd_ticket *t;

    test_employee(desk, "carol", 0, 1);
    if (hd_ticket_create(desk, &spec, "alice", at, &t) != 0)
        return NULL;
    memcpy(number, t->number, 16);
    hd_ticket_free(t);
    if (hd_ticket_take(desk, number, "carol", at + 60, NULL) != 0 ||
        hd_ticket_resolve(desk, number, "cleared the jam", "carol", at + 120, NULL) != 0)
        return NULL;
    return desk;
}

static void test_survey__sent_on_resolution_and_rating_closes(void)
{
    char number[16];
    hd_desk *desk = desk_with_resolved(number, 1000);
    hd_survey *sv;
    hd_ticket *t;

    ASSERT(desk != NULL);
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->answered_at, 0);
    ASSERT_INT_EQ(sv->sent_at, 1120);
    ASSERT_INT_EQ(sv->default_at, 1120 + 5 * 86400);
    hd_survey_free(sv);
    ASSERT_INT_EQ(hd_survey_answer(desk, number, 6, NULL, "alice", 2000, NULL), HD_EINVAL);
    ASSERT_OK(hd_survey_answer(desk, number, 5, "quick, thanks", "alice", 2000, &t));
    ASSERT_INT_EQ(t->status, HD_STATUS_CLOSED);
    ASSERT_INT_EQ(t->closed_at, 2000);
    hd_ticket_free(t);
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->rating, 5);
    ASSERT_INT_EQ(sv->is_default, 0);
    ASSERT_STR_EQ(sv->comment, "quick, thanks");
    hd_survey_free(sv);
    /* One answer per survey. */
    ASSERT_INT_EQ(hd_survey_answer(desk, number, 1, NULL, "alice", 3000, NULL), HD_ESTATE);
    hd_desk_close(desk);
}

static void test_survey__not_fixed_reopens_and_next_resolution_surveys_again(void)
{
    char number[16];
    hd_desk *desk = desk_with_resolved(number, 1000);
    hd_survey *sv;
    hd_ticket *t;

    ASSERT(desk != NULL);
    ASSERT_OK(hd_survey_answer(desk, number, HD_SURVEY_NOT_FIXED, "still jams", "alice", 2000, &t));
    ASSERT_INT_EQ(t->status, HD_STATUS_REOPENED);
    ASSERT_INT_EQ(t->reopen_count, 1);
    ASSERT_INT_EQ(t->resolved_at, 0);
    hd_ticket_free(t);
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->not_fixed, 1);
    ASSERT_INT_EQ(sv->rating, 0);
    hd_survey_free(sv);
    ASSERT_OK(hd_ticket_take(desk, number, "carol", 2100, NULL));
    ASSERT_OK(hd_ticket_resolve(desk, number, "replaced the roller", "carol", 2200, NULL));
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->resolution_no, 1);
    ASSERT_INT_EQ(sv->answered_at, 0);
    hd_survey_free(sv);
    ASSERT_OK(hd_survey_answer(desk, number, 2, NULL, "alice", 2300, NULL));
    ASSERT_OK(hd_survey_comment(desk, number, "took two visits"));
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_STR_EQ(sv->comment, "took two visits");
    hd_survey_free(sv);
    hd_desk_close(desk);
}

static void test_survey__silence_gets_the_default_rating_flagged(void)
{
    char number[16];
    int64_t resolved = 1120, applied;
    hd_desk *desk = desk_with_resolved(number, 1000);
    hd_survey *sv;
    hd_ticket *t;
    hd_audit_entry *log;
    size_t n;
    int count;

    ASSERT(desk != NULL);
    ASSERT_OK(hd_survey_apply_defaults(desk, resolved + 5 * 86400 - 1, &count));
    ASSERT_INT_EQ(count, 0);
    ASSERT_OK(hd_survey_apply_defaults(desk, resolved + 5 * 86400, &count));
    ASSERT_INT_EQ(count, 1);
    applied = resolved + 5 * 86400;
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->rating, cfg->survey_default_rating);
    ASSERT_INT_EQ(sv->is_default, 1);
    ASSERT_INT_EQ(sv->answered_at, applied);
    hd_survey_free(sv);
    ASSERT_OK(hd_ticket_get(desk, number, &t));
    ASSERT_INT_EQ(t->status, HD_STATUS_CLOSED);
    ASSERT_OK(hd_ticket_audit(desk, t->id, &log, &n));
    ASSERT_STR_EQ(log[n - 1].actor, "system");
    ASSERT_STR_EQ(log[n - 1].new_value, "closed");
    hd_audit_free(log, n);
    hd_ticket_free(t);
    /* Applied once only; a comment cannot be attached to a default. */
    ASSERT_OK(hd_survey_apply_defaults(desk, applied + 86400, &count));
    ASSERT_INT_EQ(count, 0);
    ASSERT_INT_EQ(hd_survey_comment(desk, number, "hm"), HD_ESTATE);
    hd_desk_close(desk);
}

static void test_survey__reopened_ticket_never_gets_a_default(void)
{
    char number[16];
    hd_desk *desk = desk_with_resolved(number, 1000);
    hd_survey *sv;
    int count;

    ASSERT(desk != NULL);
    ASSERT_OK(hd_ticket_reopen(desk, number, "user phoned: still broken", "bob", 1500, NULL));
    ASSERT_OK(hd_survey_apply_defaults(desk, 1000 + 30 * 86400, &count));
    ASSERT_INT_EQ(count, 0);
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->not_fixed, 1);
    ASSERT_INT_EQ(sv->is_default, 0);
    hd_survey_free(sv);
    ASSERT_INT_EQ(hd_survey_answer(desk, number, 5, NULL, "alice", 1600, NULL), HD_ESTATE);
    hd_desk_close(desk);
}

static void test_survey__answer_after_an_administrator_closed(void)
{
    char number[16];
    hd_desk *desk = desk_with_resolved(number, 1000);
    hd_survey *sv;

    ASSERT(desk != NULL);
    ASSERT_OK(hd_ticket_close(desk, number, "admin", 1200, NULL));
    /* A closed ticket cannot be reopened: the answer is refused and not kept. */
    ASSERT_INT_EQ(hd_survey_answer(desk, number, HD_SURVEY_NOT_FIXED, NULL, "alice", 1300, NULL),
                  HD_ESTATE);
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->answered_at, 0);
    hd_survey_free(sv);
    /* A rating is still welcome. */
    ASSERT_OK(hd_survey_answer(desk, number, 4, NULL, "alice", 1400, NULL));
    ASSERT_OK(hd_survey_latest(desk, number, &sv));
    ASSERT_INT_EQ(sv->rating, 4);
    hd_survey_free(sv);
    hd_desk_close(desk);
}

int main(void)
{
    cfg = test_config(NULL);
    RUN(test_survey__sent_on_resolution_and_rating_closes);
    RUN(test_survey__not_fixed_reopens_and_next_resolution_surveys_again);
    RUN(test_survey__silence_gets_the_default_rating_flagged);
    RUN(test_survey__reopened_ticket_never_gets_a_default);
    RUN(test_survey__answer_after_an_administrator_closed);
    hd_config_free(cfg);
    return harness_result();
}
