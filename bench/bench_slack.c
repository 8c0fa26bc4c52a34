/*
 * bench_slack.c - the real `deskbot run` driven through the fake Slack
 * (tests/fake): direct messages from many distinct users, the full
 * dialogue with persistence behind each one.
 *
 *   bench_slack DESKBOT [USERS [MESSAGES [RATE]]]
 *
 * (default 10000 users, 20000 messages, every phase; RATE 0 is the closed
 * loop alone).
 *
 * Every user first says hello once (the bot looks them up with users.info
 * and links them to an employee), then the measured phases run, each on a
 * fresh bot and database:
 *   - open loop at 500, 1,000 and 2,000 messages/s: messages sent on a
 *     fixed schedule whatever the bot does;
 *   - closed loop: at most 64 messages unanswered at a time.
 * For each phase it prints one JSON line: acknowledgements and replies per
 * second, envelope→ack and envelope→reply latency p50/p99 (ms), the bot's
 * CPU time per message (µs, from /proc/PID/stat) and its peak RSS (MB,
 * VmHWM). A user's k-th reply answers their k-th message: each turn
 * answers with one message.
 */
#include "benchproc.h"
#include "slack/slackbot.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 64 /* closed loop: messages in flight */

typedef struct sample {
    int user;
    long long sent_ms;
    char *envelope;
} sample;

static void user_name(char *buf, size_t size, int i)
{
    snprintf(buf, size, "UB%06d", i);
}

static void sleep_until(long long ms)
{
    long long now = fake_slack_now_ms();

    if (ms > now)
        usleep((useconds_t)((ms - now) * 1000));
}

/* Posts so far in the DM rooms of the bench's users. */
static size_t replies_so_far(slackbot *b)
{
    return fake_slack_count(b->slack, "post", NULL);
}

/* One phase: `rate` messages/s (0: closed loop). */
static void phase(const char *binary, int users, int messages, int rate)
{
    slackbot b;
    sample *s = calloc((size_t)messages, sizeof(*s));
    long long *ack = calloc((size_t)messages, sizeof(*ack));
    long long *reply = calloc((size_t)messages, sizeof(*reply));
    int *seen = calloc((size_t)users, sizeof(*seen));
    size_t n_ack = 0, n_reply = 0, warm, base, n, i;
    long long t0, t_end, last_ack = 0, last_reply = 0;
    double cpu0, cpu1;
    fake_post *posts = NULL;
    char user[32], email[64];
    int k;

    slackbot_setup(&b, binary);
    for (k = 0; k < users; k++) {
        user_name(user, sizeof(user), k);
        snprintf(email, sizeof(email), "%s@bench.example", user);
        fake_slack_user(b.slack, user, user, email);
    }
    if (slackbot_start(&b) != 0) {
        fprintf(stderr, "bench_slack: the bot did not connect\n");
        exit(1);
    }
    /* Warm-up: every user known to the bot. */
    for (k = 0; k < users; k++) {
        user_name(user, sizeof(user), k);
        free(fake_slack_dm(b.slack, user, "hi", NULL));
        if (k % 200 == 199)
            while (replies_so_far(&b) + 400 < (size_t)k)
                usleep(1000);
    }
    while (replies_so_far(&b) < (size_t)users)
        usleep(10000);
    warm = fake_slack_count(b.slack, NULL, NULL);
    base = replies_so_far(&b);

    cpu0 = bench_cpu_seconds(b.pid);
    t0 = fake_slack_now_ms();
    for (i = 0; i < (size_t)messages; i++) {
        int u = (int)(i % (size_t)users);

        if (rate > 0)
            sleep_until(t0 + (long long)i * 1000 / rate);
        else
            while (i - (replies_so_far(&b) - base) >= WINDOW)
                usleep(200);
        user_name(user, sizeof(user), u);
        s[i].user = u;
        s[i].sent_ms = fake_slack_now_ms();
        s[i].envelope =
            fake_slack_dm(b.slack, user, bench_texts[(i / (size_t)users) % BENCH_TEXTS], NULL);
    }
    /* Everything answered, or 60 s. */
    for (k = 0; k < 6000 && replies_so_far(&b) - base < (size_t)messages; k++)
        usleep(10000);
    t_end = fake_slack_now_ms();
    cpu1 = bench_cpu_seconds(b.pid);

    for (i = 0; i < (size_t)messages; i++) {
        long long a = s[i].envelope ? fake_slack_ack_ms(b.slack, s[i].envelope) : -1;

        if (a >= 0) {
            ack[n_ack++] = a;
            if (s[i].sent_ms + a > last_ack)
                last_ack = s[i].sent_ms + a;
        }
    }
    /* Match each user's k-th reply after the warm-up to their k-th message. */
    n = fake_slack_posts(b.slack, &posts);
    for (i = warm; i < n; i++) {
        int u;

        if (strcmp(posts[i].kind, "post") != 0 || sscanf(posts[i].channel, "DUB%d", &u) != 1 ||
            u < 0 || u >= users)
            continue;
        k = seen[u]++;
        if ((size_t)k * (size_t)users + (size_t)u < (size_t)messages) {
            const sample *m = &s[(size_t)k * (size_t)users + (size_t)u];

            reply[n_reply++] = posts[i].at_ms - m->sent_ms;
            if (posts[i].at_ms > last_reply)
                last_reply = posts[i].at_ms;
        }
    }
    fake_slack_posts_free(posts, n);

    printf("{\"bench\":\"slack\",\"mode\":\"%s\",\"rate\":%d,\"users\":%d,\"messages\":%d,"
           "\"acked\":%zu,\"replied\":%zu,\"acks_per_s\":%.0f,\"replies_per_s\":%.0f,"
           "\"ack_p50_ms\":%.0f,\"ack_p99_ms\":%.0f,\"reply_p50_ms\":%.0f,\"reply_p99_ms\":%.0f,"
           "\"cpu_us_per_message\":%.1f,\"peak_rss_mb\":%.1f,\"wall_s\":%.2f}\n",
           rate > 0 ? "open" : "closed", rate, users, messages, n_ack, n_reply,
           n_ack / ((double)(last_ack - t0 + 1) / 1000.0),
           n_reply / ((double)(last_reply - t0 + 1) / 1000.0), bench_pct(ack, n_ack, 0.50),
           bench_pct(ack, n_ack, 0.99), bench_pct(reply, n_reply, 0.50),
           bench_pct(reply, n_reply, 0.99), (cpu1 - cpu0) * 1e6 / messages,
           bench_peak_rss_kb(b.pid) / 1024.0, (double)(t_end - t0) / 1000.0);
    fflush(stdout);
    slackbot_kill(&b, SIGTERM);
    slackbot_teardown(&b);
    for (i = 0; i < (size_t)messages; i++)
        free(s[i].envelope);
    free(s);
    free(ack);
    free(reply);
    free(seen);
}

int main(int argc, char **argv)
{
    static const int rates[] = {500, 1000, 2000, 0};
    int users = argc > 2 ? atoi(argv[2]) : 10000;
    int messages = argc > 3 ? atoi(argv[3]) : 20000;
    size_t i;

    if (argc < 2 || users <= 0 || messages <= 0) {
        fprintf(stderr, "usage: bench_slack DESKBOT [USERS [MESSAGES [RATE]]]\n");
        return 2;
    }
    bench_test_env();
    if (argc > 4) {
        phase(argv[1], users, messages, atoi(argv[4]));
        return 0;
    }
    for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        phase(argv[1], users, messages, rates[i]);
    return 0;
}
