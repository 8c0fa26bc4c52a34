/*
 * bench_web.c - the real `deskbot run` driven through its web chat by many
 * concurrent WebSocket users (tests/web/wsclient.c), the full dialogue with
 * persistence behind each message.
 *
 *   bench_web DESKBOT [USERS [MESSAGES [RATE]]]
 *
 * (default 1000 users, 20000 messages, every phase; RATE 0 is the closed
 * loop alone). USERS employees are imported into the directory and each
 * opens a socket and signs in with a token; then, each phase on a fresh bot
 * and database:
 *   - open loop at 1,000 and 2,000 messages/s: message i goes to user
 *     i mod USERS on a fixed schedule, whatever the bot does;
 *   - closed loop: every user sends their next message as soon as the
 *     previous one is acknowledged ("as fast as replies come").
 * A message the per-connection limit (5 a second) turns away is sent again
 * 250 ms later with the same id, as the page does, and counted.
 * For each phase it prints one JSON line: acknowledgements and replies per
 * second, send→ack and send→reply latency p50/p99 (ms; the reply is the
 * first bot entry after the user's own), the bot's CPU time per message (µs,
 * /proc/PID/stat) and its peak RSS (MB, VmHWM).
 */
#include "benchproc.h"
#include "slack/slackbot.h"
#include "web/wsclient.h"

#include "chan_web.h"
#include "webauth.h"

#include "hd/chatlog.h"
#include "hd/config.h"
#include "hd/embedded.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct user {
    wsc c;
    long waiting; /* the message whose bot reply is due, or -1 */
} user;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_web: %s\n", what);
    exit(1);
}

/* USERS employees in the bot's directory, and a token for each. */
static char **make_users(slackbot *b, int users)
{
    char path[1100], db[1100], conf[1100], name[32];
    const char *import[] = {"users", "import", path, NULL};
    unsigned char key[HD_WEBAUTH_KEY];
    char **tokens = calloc((size_t)users, sizeof(*tokens));
    hd_config *cfg = NULL;
    hd_desk *desk = NULL;
    FILE *f;
    int i;

    snprintf(path, sizeof(path), "%s/bench-users.csv", b->dir);
    if ((f = fopen(path, "w")) == NULL)
        die("cannot write the users file");
    fprintf(f, "username,display_name,email,department,location,phone,vip,service_level,lang,"
               "agent\n");
    for (i = 0; i < users; i++)
        fprintf(f, "wb%05d,Bench User %d,wb%05d@bench.example,Bench,HQ,,0,standard,en,0\n", i, i,
                i);
    fclose(f);
    if (slackbot_cli(b, import) != 0)
        die("users import failed");
    snprintf(db, sizeof(db), "%s/deskbot.db", b->dir);
    snprintf(conf, sizeof(conf), "%s/config.json", b->dir);
    if (hd_config_load(&cfg, hd_embedded_find("deskbot.json"), conf) != 0 ||
        hd_desk_open(&desk, cfg, db) != 0 ||
        hd_secret_get(desk, "web_token_key", key, sizeof(key), (int64_t)time(NULL)) != 0)
        die("cannot open the bot's database");
    for (i = 0; i < users; i++) {
        snprintf(name, sizeof(name), "wb%05d", i);
        tokens[i] = hd_webauth_issue(key, HD_WEB_EMPLOYEE, name, (int64_t)time(NULL) + 86400);
    }
    hd_desk_close(desk);
    hd_config_free(cfg);
    return tokens;
}

static void send_message(user *u, long i, long long *sent)
{
    char id[32];

    snprintf(id, sizeof(id), "m%ld", i);
    if (sent[i] == 0) /* a retry keeps the first send's time */
        sent[i] = now_ms();
    if (wsc_send_json(&u->c, json_pack("{s:s, s:s, s:s}", "type", "say", "id", id, "text",
                                       bench_texts[(size_t)i % BENCH_TEXTS])) != 0)
        die("a send failed");
}

/* One phase: `rate` messages/s (0: closed loop). */
static void phase(const char *binary, int users, long messages, int rate)
{
    slackbot b;
    user *us = calloc((size_t)users, sizeof(*us));
    struct pollfd *pfd = calloc((size_t)users, sizeof(*pfd));
    long long *sent = calloc((size_t)messages, sizeof(*sent));
    long long *ack = calloc((size_t)messages, sizeof(*ack));
    long long *reply = calloc((size_t)messages, sizeof(*reply));
    long long *retry_at = calloc((size_t)messages, sizeof(*retry_at)); /* 0: none due */
    int *owner = calloc((size_t)messages, sizeof(*owner));             /* who sent each */
    long pending_retries = 0;
    long long t0, t_end, last_ack = 0, last_reply = 0;
    long n_ack = 0, n_reply = 0, next = 0, limited = 0, i;
    double cpu0, cpu1;
    char **tokens;
    int port, k;

    slackbot_setup(&b, binary);
    tokens = make_users(&b, users);
    if (slackbot_start(&b) != 0 || (port = slackbot_port(&b)) <= 0)
        die("the bot did not start");
    for (k = 0; k < users; k++) {
        json_t *w;

        if (wsc_connect(&us[k].c, port, "/ws", NULL) != 101)
            die("a socket was refused");
        wsc_send_json(&us[k].c,
                      json_pack("{s:s, s:i, s:s}", "type", "hello", "v", 1, "token", tokens[k]));
        if ((w = wsc_expect(&us[k].c, "welcome", 10000)) == NULL)
            die("no welcome");
        json_decref(w);
        fcntl(us[k].c.fd, F_SETFL, fcntl(us[k].c.fd, F_GETFL) | O_NONBLOCK);
        pfd[k].fd = us[k].c.fd;
        pfd[k].events = POLLIN;
        us[k].waiting = -1;
    }

    cpu0 = bench_cpu_seconds(b.pid);
    t0 = now_ms();
    if (rate == 0) /* everyone starts at once */
        for (k = 0; k < users && next < messages; k++) {
            owner[next] = k;
            send_message(&us[k], next++, sent);
        }
    while (n_ack < messages && now_ms() - t0 < 120000) {
        long long due = rate > 0 && next < messages ? t0 + (long long)next * 1000 / rate : -1;
        int timeout = due < 0 ? 100 : (int)(due > now_ms() ? due - now_ms() : 0);

        if (poll(pfd, (nfds_t)users, timeout) < 0)
            die("poll failed");
        while (rate > 0 && next < messages && t0 + (long long)next * 1000 / rate <= now_ms()) {
            owner[next] = (int)(next % users);
            send_message(&us[owner[next]], next, sent);
            next++;
        }
        /* What the per-connection limit turned away goes again, with the same id. */
        for (i = 0; pending_retries > 0 && i < messages; i++)
            if (retry_at[i] && retry_at[i] <= now_ms()) {
                retry_at[i] = 0;
                pending_retries--;
                send_message(&us[owner[i]], i, sent);
            }
        for (k = 0; k < users; k++) {
            char *data;
            size_t len;
            int op;

            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (wsc_read(&us[k].c) < 0)
                die("the bot closed a socket");
            while (wsc_take(&us[k].c, &op, &data, &len)) {
                json_t *f = json_loadb(data, len, 0, NULL);
                const char *type = json_string_value(json_object_get(f, "type"));
                const char *from = json_string_value(json_object_get(f, "from"));
                const char *id = json_string_value(json_object_get(f, "id"));
                const char *cid = json_string_value(json_object_get(f, "client_id"));
                long long t = now_ms();

                if (type && strcmp(type, "ack") == 0 && id && id[0] == 'm') {
                    i = atol(id + 1);
                    ack[n_ack++] = t - sent[i];
                    last_ack = t;
                    if (rate == 0 && next < messages) {
                        owner[next] = k;
                        send_message(&us[k], next, sent);
                        next++;
                    }
                } else if (type && strcmp(type, "entry") == 0 && from) {
                    if (strcmp(from, "user") == 0 && cid && cid[0] == 'm') {
                        us[k].waiting = atol(cid + 1);
                    } else if (strcmp(from, "bot") == 0 && us[k].waiting >= 0) {
                        reply[n_reply++] = t - sent[us[k].waiting];
                        last_reply = t;
                        us[k].waiting = -1;
                    }
                } else if (type && strcmp(type, "error") == 0 && id && id[0] == 'm' &&
                           strcmp(json_string_value(json_object_get(f, "code")), "rate_limited") ==
                               0) {
                    retry_at[atol(id + 1)] = t + 250;
                    pending_retries++;
                    limited++;
                } else if (type && strcmp(type, "error") == 0) {
                    fprintf(stderr, "bench_web: error frame %s\n", data);
                }
                json_decref(f);
                free(data);
            }
        }
    }
    t_end = now_ms();
    cpu1 = bench_cpu_seconds(b.pid);

    printf("{\"bench\":\"web\",\"mode\":\"%s\",\"rate\":%d,\"users\":%d,\"messages\":%ld,"
           "\"acked\":%ld,\"replied\":%ld,\"rate_limited\":%ld,\"acks_per_s\":%.0f,"
           "\"replies_per_s\":%.0f,"
           "\"ack_p50_ms\":%.0f,\"ack_p99_ms\":%.0f,\"reply_p50_ms\":%.0f,\"reply_p99_ms\":%.0f,"
           "\"cpu_us_per_message\":%.1f,\"peak_rss_mb\":%.1f,\"wall_s\":%.2f}\n",
           rate > 0 ? "open" : "closed", rate, users, messages, n_ack, n_reply, limited,
           n_ack / ((double)(last_ack - t0 + 1) / 1000.0),
           n_reply / ((double)(last_reply - t0 + 1) / 1000.0), bench_pct(ack, (size_t)n_ack, 0.50),
           bench_pct(ack, (size_t)n_ack, 0.99), bench_pct(reply, (size_t)n_reply, 0.50),
           bench_pct(reply, (size_t)n_reply, 0.99), (cpu1 - cpu0) * 1e6 / (double)messages,
           bench_peak_rss_kb(b.pid) / 1024.0, (double)(t_end - t0) / 1000.0);
    fflush(stdout);
    for (k = 0; k < users; k++) {
        wsc_close(&us[k].c);
        hd_free(tokens[k]);
    }
    slackbot_kill(&b, SIGTERM);
    slackbot_teardown(&b);
    free(tokens);
    free(us);
    free(pfd);
    free(sent);
    free(ack);
    free(reply);
    free(retry_at);
    free(owner);
}

int main(int argc, char **argv)
{
    static const int rates[] = {1000, 2000, 0};
    int users = argc > 2 ? atoi(argv[2]) : 1000;
    long messages = argc > 3 ? atol(argv[3]) : 20000;
    size_t i;

    if (argc < 2 || users <= 0 || messages <= 0) {
        fprintf(stderr, "usage: bench_web DESKBOT [USERS [MESSAGES [RATE]]]\n");
        return 2;
    }
    bench_test_env();
    signal(SIGPIPE, SIG_IGN);
    if (argc > 4) {
        phase(argv[1], users, messages, atoi(argv[4]));
        return 0;
    }
    for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        phase(argv[1], users, messages, rates[i]);
    return 0;
}
