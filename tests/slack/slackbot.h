/*
 * slackbot.h - what the Slack integration tests share: the real `deskbot
 * run` started as a child process against the fake Slack, with agents'
 * rooms configured, and a look into its database.
 */
#ifndef HD_TEST_SLACKBOT_H
#define HD_TEST_SLACKBOT_H

#include "fake/fake_slack.h"

#include <sys/types.h>

/* The team room of each group in the test configuration: "C" + group name. */
#define ROOM_DESKTOP "C_DESKTOP"
#define ROOM_INFRA "C_INFRA"

/* Slack users of the fake, named after the sample directory's employees. */
#define U_ALICE "UALICE"
#define U_MARIA "UMARIA"
#define U_CAROL "UCAROL" /* agent of desktop-support */
#define U_TOM "UTOM"     /* not an agent */

typedef struct slackbot {
    const char *binary; /* deskbot */
    char *dir;          /* database, configuration and log */
    pid_t pid;
    fake_slack *slack;
} slackbot;

/* slackbot_binary - the deskbot executable named by argv[1]; without one, a usage line and exit 2.
 */
const char *slackbot_binary(int argc, char **argv);

/* SLACKBOT_RUN - RUN (harness.h) test `fn` on `bot`, then tear the bot down, passed or not. */
#define SLACKBOT_RUN(bot, fn)                                                                      \
    do {                                                                                           \
        RUN(fn);                                                                                   \
        slackbot_teardown(&(bot));                                                                 \
    } while (0)

/*
 * slackbot_setup - start a fake Slack with the test users and prepare a
 * directory; `binary` is the deskbot executable. Aborts on failure.
 */
void slackbot_setup(slackbot *b, const char *binary);

/* slackbot_start - start `deskbot run` and wait for its Socket Mode hello (0, or -1). */
int slackbot_start(slackbot *b);

/* slackbot_cli - run `deskbot ARGS…` (NULL-terminated) on the bot's files; its exit code, or -1. */
int slackbot_cli(const slackbot *b, const char *const *args);

/* slackbot_kill - send `sig` and reap the process (waits at most 10 s). Returns its exit status. */
int slackbot_kill(slackbot *b, int sig);

/* slackbot_teardown - stop the bot and the fake, remove nothing (the log helps a failed test). */
void slackbot_teardown(slackbot *b);

/* slackbot_sql - the first column of the first row of `sql` on the bot's database (caller frees),
 * or NULL. */
char *slackbot_sql(const slackbot *b, const char *sql);

/* slackbot_outbox_drained - wait until the bot's outbox is empty (1), or 10 s (0). */
int slackbot_outbox_drained(const slackbot *b);

/* slackbot_sql_exec - run `sql` on the bot's database (test set-up); 0 or -1. */
int slackbot_sql_exec(const slackbot *b, const char *sql);

/*
 * slackbot_get - GET `path` from the bot's HTTP listener (its port read
 * from the log). Returns the response body (caller frees) or NULL.
 */
char *slackbot_get(const slackbot *b, const char *path);

/*
 * slackbot_overdue_ticket - before the bot starts: create the database and
 * one ticket for alice (a printer, desktop-support) whose SLA clocks ran
 * out ten days ago. Returns 0 or -1.
 */
int slackbot_overdue_ticket(slackbot *b);

/* slackbot_port - the port of the bot's HTTP listener (read from its log), or -1. */
int slackbot_port(const slackbot *b);

/* slackbot_log_has - whether the bot's log contains `needle`. */
int slackbot_log_has(const slackbot *b, const char *needle);

/* slackbot_say - a DM from `user`, waiting for its acknowledgement; returns the index of the reply
 * containing `needle` (-1 on timeout). */
long slackbot_say(slackbot *b, const char *user, const char *text, const char *needle);

/* slackbot_click - press the button labelled `label` in post `i`, as `user` in `channel`; waits for
 * the ack. Returns 0 or -1. */
int slackbot_click(slackbot *b, const char *user, long i, const char *label);

#endif
