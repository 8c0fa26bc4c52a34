/*
 * test_slack_flow.c - the whole help-desk loop through Slack, with the
 * real `deskbot run` and the fake Slack: a DM, the knowledge-base
 * suggestion, "I still need help", the questions, the ticket, the card in
 * the agents' room, a refused click, Take, Resolve with a note in the
 * card's thread, the survey in the DM, the rating in the database. And an
 * SLA breach announced in the group's room and the next tier's.
 */
#include "harness.h"
#include "slackbot.h"

#include <signal.h>
#include <unistd.h>

static const char *binary;
static slackbot b; /* torn down after each test, passed or not */

#define WAIT 10000

static void test_slack_flow__report_to_rating(void)
{
    fake_post *posts = NULL;
    size_t n;
    long i, card, ask;
    char *v;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);

    /* The first answer comes with its buttons, in one message. */
    i = slackbot_say(&b, U_ALICE,
                     "paper jam in the printer next to my desk, floor 4, just me, no rush", NULL);
    ASSERT(i >= 0);
    ASSERT_INT_EQ(fake_slack_count(b.slack, "post", "D" U_ALICE), 1);
    ASSERT_INT_EQ(slackbot_click(&b, U_ALICE, i, "I still need help"), 0);
    /* The clicked message is replaced by its outcome; the next question follows. */
    ASSERT(fake_slack_wait_post(b.slack, 0, "update", "D" U_ALICE, NULL, WAIT) >= 0);
    ASSERT(slackbot_say(&b, U_ALICE, "skip", NULL) >= 0);
    i = slackbot_say(&b, U_ALICE, "skip", "Here is what I'll send");
    ASSERT(i >= 0);
    ASSERT_INT_EQ(slackbot_click(&b, U_ALICE, i, "Submit"), 0);
    ASSERT(fake_slack_wait_post(b.slack, 0, "post", "D" U_ALICE, "INC-000001", WAIT) >= 0);

    /* The card in the desktop-support room, with the agents' buttons. */
    card = fake_slack_wait_post(b.slack, 0, "post", ROOM_DESKTOP, "INC-000001", WAIT);
    ASSERT(card >= 0);
    v = fake_slack_button(b.slack, (size_t)card, "Take", NULL);
    ASSERT(v != NULL);
    free(v);

    /* tom is no agent: an ephemeral refusal in the room, the card unchanged. */
    ASSERT_INT_EQ(slackbot_click(&b, U_TOM, card, "Take"), 0);
    i = fake_slack_wait_post(b.slack, 0, "ephemeral", ROOM_DESKTOP, "Only agents", WAIT);
    ASSERT(i >= 0);
    n = fake_slack_posts(b.slack, &posts);
    ASSERT_STR_EQ(posts[i].user, U_TOM);
    fake_slack_posts_free(posts, n);
    ASSERT_INT_EQ(fake_slack_count(b.slack, "update", ROOM_DESKTOP), 0);

    /* carol takes it: the card shows it, alice hears of it in her DM. */
    ASSERT_INT_EQ(slackbot_click(&b, U_CAROL, card, "Take"), 0);
    ASSERT(fake_slack_wait_post(b.slack, 0, "update", ROOM_DESKTOP, NULL, WAIT) >= 0);
    ASSERT(fake_slack_wait_post(b.slack, 0, "post", "D" U_ALICE, "is now working on", WAIT) >= 0);
    v = slackbot_sql(&b, "SELECT status || '/' || (SELECT username FROM employees WHERE id = "
                         "assignee_id) FROM tickets");
    ASSERT_STR_EQ(v, "in_progress/carol");
    free(v);

    /* Resolve asks for the note in the card's thread; carol answers there. */
    card = fake_slack_wait_post(b.slack, 0, "update", ROOM_DESKTOP, NULL, WAIT);
    ASSERT_INT_EQ(slackbot_click(&b, U_CAROL, card, "Resolve"), 0);
    ask = fake_slack_wait_post(b.slack, 0, NULL, ROOM_DESKTOP, "What fixed INC-000001", WAIT);
    ASSERT(ask >= 0);
    n = fake_slack_posts(b.slack, &posts);
    ASSERT_STR_EQ(posts[ask].thread_ts, posts[card].ts);
    free(fake_slack_thread_reply(b.slack, U_CAROL, ROOM_DESKTOP, posts[card].ts,
                                 "cleared a torn sheet from tray 2 and cleaned the rollers", NULL));
    fake_slack_posts_free(posts, n);
    i = fake_slack_wait_post(b.slack, 0, "post", "D" U_ALICE, "has been resolved", WAIT);
    ASSERT(i >= 0);
    v = slackbot_sql(&b, "SELECT status FROM tickets");
    ASSERT_STR_EQ(v, "resolved");
    free(v);

    /* The survey's buttons in alice's DM; her rating is recorded once. */
    ASSERT_INT_EQ(slackbot_click(&b, U_ALICE, i, "5"), 0);
    ASSERT(fake_slack_wait_post(b.slack, 0, "post", "D" U_ALICE, "Thanks for your rating", WAIT) >=
           0);
    v = slackbot_sql(&b, "SELECT rating || '/' || is_default FROM surveys");
    ASSERT_STR_EQ(v, "5/0");
    free(v);
    v = slackbot_sql(&b, "SELECT status FROM tickets");
    ASSERT_STR_EQ(v, "closed");
    free(v);

    /* Everything the bot queued is accepted (the last post may still be on its way). */
    ASSERT(slackbot_outbox_drained(&b));

    /* The service reports on itself, and never logs a token. */
    v = slackbot_get(&b, "/healthz");
    ASSERT(v && strstr(v, "\"slack\":\"connected\""));
    free(v);
    v = slackbot_get(&b, "/metrics");
    ASSERT(v && strstr(v, "deskbot_tickets_created_total{type=\"incident\"} 1\n"));
    ASSERT(v && strstr(v, "deskbot_messages_in_total{channel=\"slack\"} "));
    ASSERT(v && strstr(v, "deskbot_messages_out_total{channel=\"slack\"} "));
    ASSERT(v && strstr(v, "deskbot_outbox_depth 0\n"));
    ASSERT(v && strstr(v, "deskbot_intake_seconds_count "));
    free(v);
    ASSERT(slackbot_log_has(&b, "event=slack_connected"));
    ASSERT(!slackbot_log_has(&b, "xoxb-test-token"));
    ASSERT(!slackbot_log_has(&b, "xapp-1-A1-test"));
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_flow__sla_breach_in_rooms(void)
{
    char *v;

    slackbot_setup(&b, binary);
    /* Its clocks ran out long ago: created and due ten days earlier. */
    ASSERT_INT_EQ(slackbot_overdue_ticket(&b), 0);
    ASSERT(slackbot_start(&b) == 0);
    /* The sweep at start: the group hears of the breach, the next tier gets the ticket. */
    ASSERT(fake_slack_wait_post(b.slack, 0, "post", ROOM_DESKTOP, "missed its response target",
                                WAIT) >= 0);
    ASSERT(fake_slack_wait_post(b.slack, 0, "post", ROOM_INFRA, "now yours", WAIT) >= 0);
    v = slackbot_sql(&b, "SELECT assignment_group FROM tickets");
    ASSERT_STR_EQ(v, "infrastructure");
    free(v);
    v = slackbot_get(&b, "/metrics");
    ASSERT(v && strstr(v, "deskbot_sla_breaches_total{target=\"response\"} 1\n"));
    free(v);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

int main(int argc, char **argv)
{
    binary = slackbot_binary(argc, argv);
    SLACKBOT_RUN(b, test_slack_flow__report_to_rating);
    SLACKBOT_RUN(b, test_slack_flow__sla_breach_in_rooms);
    return harness_result();
}
