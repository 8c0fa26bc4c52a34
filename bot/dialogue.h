/*
 * dialogue.h - the conversation engine: what an employee experiences.
 *
 * One turn takes a message or a button click from one user on one channel,
 * understands it, moves that user's conversation along (the help menu,
 * knowledge-base answers, collecting the facts of an incident or request
 * one question at a time, tickets, status, nudges, surveys, hand-over to a
 * person) and returns the messages to send: to the user, to agents' team
 * rooms ("group:<name>") and to other users (a requester told about their
 * ticket). Everything a turn changes, including the conversation's saved
 * state, commits in one transaction, so a restart continues exactly where
 * it stopped. The dialogue knows no chat platform.
 */
#ifndef HD_BOT_DIALOGUE_H
#define HD_BOT_DIALOGUE_H

#include "message.h"

#include "hd/desk.h"
#include "hd/intent.h"
#include "hd/ticket.h"

#include <stdint.h>

typedef struct hd_dialogue hd_dialogue;

/*
 * hd_dialogue_new - a dialogue over `desk` understanding with `nlu` trained
 * on `cat`; all three must outlive it.
 */
int hd_dialogue_new(hd_dialogue **out, hd_desk *desk, const hd_catalog *cat, const hd_nlu *nlu);
void hd_dialogue_free(hd_dialogue *d);

typedef struct hd_turn {
    const char *channel;      /* "console", "slack", "web", … */
    const char *user_id;      /* the platform's id of the user */
    const char *username;     /* what the platform knows of them: may be NULL */
    const char *display_name; /* may be NULL */
    const char *email;        /* may be NULL */
    const char *text;         /* a message, or NULL for a click */
    const char *click;        /* a button's action token, or NULL */
    /*
     * Set for text people wrote to each other where the bot can read it (a
     * reply in a ticket card's thread): it is taken only when the
     * conversation waits for text from this user (a resolution note), and
     * otherwise left alone without an answer.
     */
    int overheard;
    const char *event_id; /* the platform's id of the event (exactly-once intake), or NULL */
    int64_t now;
} hd_turn;

/*
 * hd_dialogue_turn - handle one turn and append the messages to send to
 * `out`. Bad input (empty, huge, hostile text, a forged click) gets a
 * polite answer, never an error. Returns 0, or HD_EDB/HD_EBUSY when the
 * database failed, in which case nothing of the turn was kept and `out` is
 * unchanged.
 */
int hd_dialogue_turn(hd_dialogue *d, const hd_turn *turn, hd_replies *out);

/*
 * hd_dialogue_expire - close drafts idle for longer than the configured
 * time, telling each user. Returns 0 or a database error.
 */
int hd_dialogue_expire(hd_dialogue *d, int64_t now, hd_replies *out);

/* What the dialogue achieved since it started (committed turns only). */
typedef struct hd_dialogue_counts {
    int64_t tickets[HD_TYPE_COUNT]; /* opened, by type */
    int64_t deflections;            /* problems the knowledge base solved */
} hd_dialogue_counts;

/* hd_dialogue_counts - borrowed, valid while the dialogue lives. */
const hd_dialogue_counts *hd_dialogue_counts_get(const hd_dialogue *d);

/*
 * hd_dialogue_sla_notices - the agents' side of an SLA sweep: for each of
 * the `n` events, a warning to the ticket's group, or at a breach a notice
 * to the group and to the group it was escalated to, as messages on
 * `channel` (one per platform that has team rooms).
 */
void hd_dialogue_sla_notices(hd_dialogue *d, const hd_sla_event *events, size_t n,
                             const char *channel, hd_replies *out);

#endif
