/*
 * test_slack_resilience.c - what a real Slack does to a bot, done by the
 * fake to the real `deskbot run`: a `disconnect` warning (the new socket
 * opens before the old one closes), a socket dropped mid-conversation, an
 * envelope whose acknowledgement never arrived and is delivered again, a
 * 429 with Retry-After, a Web API that takes two seconds to answer one
 * user while another is served at once, Socket Mode switched off
 * (link_disabled), and stopping: SIGTERM drains the outbox, a second
 * signal leaves at once and the rest goes out after the restart.
 */
#include "harness.h"
#include "slackbot.h"

#include <signal.h>
#include <unistd.h>

static const char *binary;
static slackbot b; /* torn down after each test, passed or not */

#define WAIT 10000

/* Posts so far in `user`'s DM. */
static size_t replies(const char *user)
{
    char room[64];

    snprintf(room, sizeof(room), "D%s", user);
    return fake_slack_count(b.slack, "post", room);
}

static void test_slack_resilience__disconnect_warning(void)
{
    int opened;
    char *env;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    ASSERT(slackbot_say(&b, U_ALICE, "hello", NULL) >= 0);
    opened = fake_slack_connections_opened(b.slack);
    /* Slack warns; a message arrives on the old socket before it goes. */
    fake_slack_disconnect(b.slack, "warning");
    env = fake_slack_dm(b.slack, U_ALICE, "my printer is jammed", NULL);
    ASSERT(env != NULL);
    ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, env, WAIT), 0);
    free(env);
    /* A second socket came up, then the first was closed: one remains. */
    ASSERT_INT_EQ(fake_slack_wait_connections(b.slack, 2, WAIT), 0);
    ASSERT(fake_slack_connections_opened(b.slack) > opened);
    for (int i = 0; i < 200 && fake_slack_open_sockets(b.slack) != 1; i++)
        usleep(10000);
    ASSERT_INT_EQ(fake_slack_open_sockets(b.slack), 1);
    /* The conversation goes on over the new socket, nothing lost or doubled. */
    ASSERT(slackbot_say(&b, U_ALICE, "how do I reset my password", NULL) >= 0);
    ASSERT_INT_EQ(replies(U_ALICE), 3);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_resilience__dropped_socket(void)
{
    char *env;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    ASSERT(slackbot_say(&b, U_MARIA, "my laptop will not turn on", NULL) >= 0);
    /* The connection dies without a close handshake, an event un-acked on it. */
    fake_slack_ignore_acks(b.slack, 1);
    env = fake_slack_dm(b.slack, U_MARIA, "it is urgent", NULL);
    ASSERT(env != NULL);
    free(env);
    usleep(200000);
    fake_slack_ignore_acks(b.slack, 0);
    fake_slack_drop(b.slack);
    /* The bot reconnects; the fake delivers the un-acked event again there. */
    ASSERT_INT_EQ(fake_slack_wait_connections(b.slack, 2, WAIT), 0);
    ASSERT(slackbot_say(&b, U_MARIA, "thanks", NULL) >= 0);
    usleep(500000);
    /* Three messages, three answers: the redelivered one was not run again. */
    ASSERT_INT_EQ(replies(U_MARIA), 3);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_resilience__redelivery(void)
{
    char *env, *v;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    fake_slack_ack_timeout(b.slack, 300);
    fake_slack_ignore_acks(b.slack, 1);
    env = fake_slack_dm(b.slack, U_ALICE, "the VPN keeps dropping", NULL);
    ASSERT(env != NULL);
    free(env);
    /* Slack retries three times; each delivery is acknowledged, one is run. */
    usleep(1800000);
    fake_slack_ignore_acks(b.slack, 0);
    ASSERT(fake_slack_wait_post(b.slack, 0, "post", "D" U_ALICE, NULL, WAIT) >= 0);
    usleep(300000);
    ASSERT_INT_EQ(replies(U_ALICE), 1);
    v = slackbot_sql(&b, "SELECT count(*) FROM inbound_events");
    ASSERT_STR_EQ(v, "1");
    free(v);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_resilience__rate_limited(void)
{
    fake_post *posts = NULL;
    long long sent;
    size_t n;
    long i;
    char *env;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    fake_slack_rate_limit(b.slack, "chat.postMessage", 1, 1);
    sent = fake_slack_now_ms();
    env = fake_slack_dm(b.slack, U_ALICE, "hello", NULL);
    ASSERT(env != NULL);
    /* Acknowledged at once: the ack never waits for the Web API. */
    ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, env, WAIT), 0);
    ASSERT(fake_slack_ack_ms(b.slack, env) < 1000);
    free(env);
    i = fake_slack_wait_post(b.slack, 0, "post", "D" U_ALICE, NULL, WAIT);
    ASSERT(i >= 0);
    n = fake_slack_posts(b.slack, &posts);
    /* Delivered once Retry-After (1 s) had passed, not before. */
    ASSERT(posts[i].at_ms - sent >= 1000);
    fake_slack_posts_free(posts, n);
    ASSERT_INT_EQ(replies(U_ALICE), 1);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_resilience__slow_api(void)
{
    fake_post *posts = NULL;
    long long t0;
    size_t n, from;
    long first, second, fast;
    char *a1, *a2, *m;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    /* Both users known first, so no profile lookup is in the way. */
    ASSERT(slackbot_say(&b, U_ALICE, "hello", NULL) >= 0);
    ASSERT(slackbot_say(&b, U_MARIA, "hello", NULL) >= 0);
    from = fake_slack_count(b.slack, NULL, NULL);
    /* Every chat.* call for alice's DM takes two seconds to answer. */
    fake_slack_delay(b.slack, "D" U_ALICE, 2000);
    t0 = fake_slack_now_ms();
    a1 = fake_slack_dm(b.slack, U_ALICE, "my printer is jammed", NULL);
    a2 = fake_slack_dm(b.slack, U_ALICE, "it is urgent", NULL);
    m = fake_slack_dm(b.slack, U_MARIA, "my printer is jammed", NULL);
    ASSERT(a1 && a2 && m);
    ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, m, WAIT), 0);
    ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, a2, WAIT), 0);
    fast = fake_slack_wait_post(b.slack, from, "post", "D" U_MARIA, NULL, WAIT);
    first = fake_slack_wait_post(b.slack, from, "post", "D" U_ALICE, NULL, WAIT);
    second = first < 0 ? -1
                       : fake_slack_wait_post(b.slack, (size_t)first + 1, "post", "D" U_ALICE, NULL,
                                              WAIT);
    ASSERT(fast >= 0 && first >= 0 && second >= 0);
    n = fake_slack_posts(b.slack, &posts);
    /* maria is answered at once while alice's first answer is still in flight... */
    ASSERT(posts[fast].at_ms - t0 < 500);
    /* ...which her second answer waits for, to stay in order. */
    ASSERT(posts[second].at_ms - t0 >= 2000);
    fake_slack_posts_free(posts, n);
    free(a1);
    free(a2);
    free(m);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_resilience__link_disabled(void)
{
    int opened;
    char *v;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    ASSERT(slackbot_say(&b, U_ALICE, "hello", NULL) >= 0);
    opened = fake_slack_connections_opened(b.slack);
    /* Socket Mode switched off in the app's settings: stop, say why, do not reconnect. */
    fake_slack_disconnect(b.slack, "link_disabled");
    for (int i = 0; i < 500 && !slackbot_log_has(&b, "reason=link_disabled"); i++)
        usleep(10000);
    ASSERT(slackbot_log_has(&b, "event=slack_stopped reason=link_disabled"));
    usleep(1500000);
    ASSERT_INT_EQ(fake_slack_connections_opened(b.slack), opened);
    ASSERT_INT_EQ(fake_slack_open_sockets(b.slack), 0);
    v = slackbot_get(&b, "/healthz");
    ASSERT(v && strstr(v, "\"slack\":\"stopped\"") && strstr(v, "\"degraded\""));
    free(v);
    /* The service itself keeps running and stops cleanly. */
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

static void test_slack_resilience__stop_flushes(void)
{
    char *env, *v;
    int i, status;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    ASSERT(slackbot_say(&b, U_ALICE, "hello", NULL) >= 0);
    /* Three acknowledged messages whose answers are slow to go out... */
    fake_slack_delay(b.slack, "D" U_ALICE, 300);
    for (i = 0; i < 3; i++) {
        env = fake_slack_dm(b.slack, U_ALICE, i == 1 ? "my printer is jammed" : "thanks", NULL);
        ASSERT(env != NULL);
        ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, env, WAIT), 0);
        free(env);
    }
    /* ...are all delivered before SIGTERM's clean exit. */
    status = slackbot_kill(&b, SIGTERM);
    ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_INT_EQ(replies(U_ALICE), 4);
    v = slackbot_sql(&b, "SELECT count(*) FROM outbox");
    ASSERT_STR_EQ(v, "0");
    free(v);
    ASSERT(slackbot_log_has(&b, "event=stop flushed=yes"));
}

static void test_slack_resilience__second_signal(void)
{
    char *env, *v;
    long long t0;
    size_t before;
    int status;

    slackbot_setup(&b, binary);
    ASSERT(slackbot_start(&b) == 0);
    ASSERT(slackbot_say(&b, U_ALICE, "hello", NULL) >= 0);
    fake_slack_delay(b.slack, "D" U_ALICE, 3000);
    env = fake_slack_dm(b.slack, U_ALICE, "thanks", NULL);
    ASSERT(env != NULL);
    ASSERT_INT_EQ(fake_slack_wait_ack(b.slack, env, WAIT), 0);
    free(env);
    /* A second signal does not wait for the flush... */
    t0 = fake_slack_now_ms();
    kill(b.pid, SIGTERM);
    usleep(100000);
    status = slackbot_kill(&b, SIGTERM);
    ASSERT(fake_slack_now_ms() - t0 < 2000);
    ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    /* ...and what it left unsent goes out after the restart. */
    v = slackbot_sql(&b, "SELECT count(*) FROM outbox");
    ASSERT_STR_EQ(v, "1");
    free(v);
    /* (Its first attempt reached Slack but was never answered: at least once.) */
    before = replies(U_ALICE);
    fake_slack_delay(b.slack, "D" U_ALICE, 0);
    ASSERT(slackbot_start(&b) == 0);
    for (int i = 0; i < 500 && replies(U_ALICE) == before; i++)
        usleep(10000);
    ASSERT_INT_EQ(replies(U_ALICE), before + 1);
    ASSERT(slackbot_outbox_drained(&b));
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
}

int main(int argc, char **argv)
{
    binary = slackbot_binary(argc, argv);
    SLACKBOT_RUN(b, test_slack_resilience__disconnect_warning);
    SLACKBOT_RUN(b, test_slack_resilience__dropped_socket);
    SLACKBOT_RUN(b, test_slack_resilience__redelivery);
    SLACKBOT_RUN(b, test_slack_resilience__rate_limited);
    SLACKBOT_RUN(b, test_slack_resilience__slow_api);
    SLACKBOT_RUN(b, test_slack_resilience__link_disabled);
    SLACKBOT_RUN(b, test_slack_resilience__stop_flushes);
    SLACKBOT_RUN(b, test_slack_resilience__second_signal);
    return harness_result();
}
