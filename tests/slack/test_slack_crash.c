/*
 * test_slack_crash.c - kill -9 in the middle of a burst, then start again.
 * Ten employees press Submit on their drafts while each of forty more
 * writes a first message; the bot is killed while it works through them.
 * After the restart - and Slack's redelivery of what was never
 * acknowledged - every acknowledged message has its answer, and nobody
 * has two tickets.
 */
#include "harness.h"
#include "slackbot.h"

#include <signal.h>
#include <unistd.h>

static const char *binary;
static slackbot b; /* torn down after each test, passed or not */

#define WAIT 10000
#define DRAFTS 10
#define WRITERS 40

static void user_id(char *buf, size_t size, const char *kind, int i)
{
    snprintf(buf, size, "U%s%03d", kind, i);
}

static void test_slack_crash__kill_during_burst(void)
{
    char user[32], room[40], *clicks[DRAFTS] = {0}, *dms[WRITERS] = {0}, *v;
    long submit[DRAFTS];
    int i, k, acked_clicks = 0;
    size_t want;
    size_t duplicates = 0;

    slackbot_setup(&b, binary);
    for (i = 0; i < DRAFTS + WRITERS; i++) {
        char email[64];

        user_id(user, sizeof(user), i < DRAFTS ? "D" : "W", i < DRAFTS ? i : i - DRAFTS);
        snprintf(email, sizeof(email), "%s@example.org", user);
        fake_slack_user(b.slack, user, user, email);
    }
    ASSERT(slackbot_start(&b) == 0);
    /* Each draft up to its Submit button. */
    for (i = 0; i < DRAFTS; i++) {
        long q;

        user_id(user, sizeof(user), "D", i);
        q = slackbot_say(
            &b, user, "paper jam in the printer next to my desk, floor 4, just me, no rush", NULL);
        ASSERT(q >= 0);
        ASSERT_INT_EQ(slackbot_click(&b, user, q, "I still need help"), 0);
        snprintf(room, sizeof(room), "D%s", user);
        ASSERT(fake_slack_wait_post(b.slack, (size_t)q + 1, "post", room, NULL, WAIT) >= 0);
        ASSERT(slackbot_say(&b, user, "skip", NULL) >= 0);
        submit[i] = slackbot_say(&b, user, "skip", "Here is what I'll send");
        ASSERT(submit[i] >= 0);
    }

    /* The burst, interleaved; kill -9 once the bot is a few events into it. */
    for (i = 0; i < DRAFTS || i < WRITERS; i++) {
        if (i < DRAFTS) {
            fake_post *posts = NULL;
            size_t n = fake_slack_posts(b.slack, &posts);
            char *action = NULL,
                 *value = fake_slack_button(b.slack, (size_t)submit[i], "Submit", &action);

            user_id(user, sizeof(user), "D", i);
            ASSERT(value != NULL);
            clicks[i] = fake_slack_click(b.slack, user, posts[submit[i]].channel,
                                         posts[submit[i]].ts, action, value);
            free(action);
            free(value);
            fake_slack_posts_free(posts, n);
        }
        if (i < WRITERS) {
            user_id(user, sizeof(user), "W", i);
            dms[i] = fake_slack_dm(b.slack, user, "my monitor flickers", NULL);
        }
    }
    ASSERT(clicks[DRAFTS / 2] != NULL);
    ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, clicks[DRAFTS / 2], WAIT), 0);
    slackbot_kill(&b, SIGKILL);
    /* More arrives while the bot is down. */
    for (i = 0; i < 5; i++) {
        user_id(user, sizeof(user), "W", i);
        free(fake_slack_dm(b.slack, user, "hello?", NULL));
    }

    /* Up again: Slack delivers what was never acknowledged. */
    ASSERT(slackbot_start(&b) == 0);
    for (i = 0; i < WRITERS; i++) {
        user_id(user, sizeof(user), "W", i);
        snprintf(room, sizeof(room), "D%s", user);
        /*
         * Acknowledged before the kill, or delivered again (a new envelope,
         * the same event id) and acknowledged after it: answered either way.
         */
        ASSERT(dms[i] != NULL);
        want = i < 5 ? 2 : 1;
        for (k = 0; k < 1000 && fake_slack_count(b.slack, "post", room) < want; k++)
            usleep(10000);
        ASSERT(fake_slack_count(b.slack, "post", room) >= want);
        /*
         * One answer each, unless the kill fell between Slack accepting a
         * post and the outbox forgetting it (at least once: sent again).
         */
        if (fake_slack_count(b.slack, "post", room) > want) {
            fake_post *posts = NULL;
            size_t n = fake_slack_posts(b.slack, &posts), j;

            duplicates += fake_slack_count(b.slack, "post", room) - want;
            for (j = 0; j < n; j++)
                if (strcmp(posts[j].channel, room) == 0)
                    fprintf(stderr, "  %s %s %lld: %.60s\n", room, posts[j].kind, posts[j].at_ms,
                            posts[j].text);
            fake_slack_posts_free(posts, n);
        }
        free(dms[i]);
    }
    for (i = 0; i < DRAFTS; i++) {
        /* A click is not delivered again (Slack does not): an acknowledged one has its ticket. */
        if (clicks[i] && fake_slack_wait_ack(b.slack, clicks[i], 100) == 0) {
            char sql[256];

            acked_clicks++;
            user_id(user, sizeof(user), "D", i);
            snprintf(room, sizeof(room), "D%s", user);
            ASSERT(fake_slack_wait_post(b.slack, 0, "post", room, "INC-", WAIT) >= 0);
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM tickets t JOIN identities i ON i.employee_id = "
                     "t.requester_id WHERE i.platform_user_id = '%s'",
                     user);
            v = slackbot_sql(&b, sql);
            ASSERT_STR_EQ(v, "1");
            free(v);
        }
        free(clicks[i]);
    }
    /* Nobody has two tickets, whatever was acknowledged. */
    v = slackbot_sql(&b, "SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM tickets "
                         "GROUP BY requester_id)");
    ASSERT(v && (strcmp(v, "1") == 0 || (acked_clicks == 0 && strcmp(v, "0") == 0)));
    free(v);
    fprintf(stderr, "clicks acknowledged: %d of %d; answers sent twice: %zu\n", acked_clicks,
            DRAFTS, duplicates);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

int main(int argc, char **argv)
{
    binary = slackbot_binary(argc, argv);
    SLACKBOT_RUN(b, test_slack_crash__kill_during_burst);
    return harness_result();
}
