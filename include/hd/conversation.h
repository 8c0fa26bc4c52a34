/*
 * conversation.h - what the dialogue keeps between turns: one state per
 * (channel, user), saved at the end of every turn so a restart continues
 * where it stopped, and the server-side records behind chat buttons.
 *
 * A button never carries its meaning: it carries an unguessable token, and
 * the action, its argument, who may press it and for which step of the
 * conversation live here. A made-up token, a click by someone else, a
 * replay and a click on a button from an earlier step are all refused.
 */
#ifndef HD_CONVERSATION_H
#define HD_CONVERSATION_H

#include "hd/desk.h"

#include <stdint.h>

typedef struct hd_conv {
    char *state;         /* JSON object text, owned */
    int64_t version;     /* bumped by every saved turn */
    int64_t employee_id; /* 0 if unknown */
    int busy;            /* a draft is in progress (for idle expiry) */
    int64_t updated_at;
} hd_conv;

void hd_conv_free(hd_conv *c);

/*
 * hd_conv_load - the saved state of `user_id` on `channel`. Returns 0 and a
 * state the caller frees, or HD_ENOTFOUND for a first contact.
 */
int hd_conv_load(hd_desk *desk, const char *channel, const char *user_id, hd_conv **out);

/*
 * hd_conv_save - store `state` (a JSON object) as version `version`. Run it
 * in the turn's transaction so the state and the turn's effects commit
 * together.
 */
int hd_conv_save(hd_desk *desk, const char *channel, const char *user_id, int64_t employee_id,
                 const char *state, int64_t version, int busy, int64_t now);

typedef struct hd_conv_key {
    char *channel, *user_id;
} hd_conv_key;

/*
 * hd_conv_idle - conversations with a draft in progress last touched
 * before `before`, at most `limit`. The caller frees the keys with
 * hd_conv_keys_free().
 */
int hd_conv_idle(hd_desk *desk, int64_t before, int limit, hd_conv_key **out, size_t *n);
void hd_conv_keys_free(hd_conv_key *keys, size_t n);

#define HD_ACTION_ANY_STEP (-1) /* a standing button: valid until used */
#define HD_TOKEN_LEN 48         /* the longest token: "<id>.<k>-<24 hex digits>" */

/* One button of a message: what pressing it means. */
typedef struct hd_button_spec {
    const char *action; /* e.g. "confirm.submit", "survey.rate" */
    const char *arg;    /* e.g. "INC-000123:5", may be NULL */
    const char *label;  /* the button's text, for "you chose …" */
} hd_button_spec;

/*
 * hd_actions_create - record the `n` buttons of message `message_id`, which
 * `user_id` (or, when it is NULL, the agents of `group`) may press while
 * the conversation is at `version` (or HD_ACTION_ANY_STEP). Writes each
 * button's token into tokens[k]: "<id>.<k>-<secret>", where the 96-bit
 * random secret makes it unguessable. One row per message: pressing one of
 * its buttons uses them all.
 */
int hd_actions_create(hd_desk *desk, const char *channel, const char *user_id, const char *group,
                      int64_t version, const char *message_id, const hd_button_spec *b, size_t n,
                      int64_t now, char (*tokens)[HD_TOKEN_LEN + 1]);

typedef struct hd_action {
    char *channel;
    char *user_id;    /* who may press it, or NULL for a group's agents */
    char *group_name; /* the group whose agents may press it, or NULL */
    int64_t version;  /* conversation version it belongs to, or HD_ACTION_ANY_STEP */
    char *action, *arg, *label;
    char *message_id; /* the message that carried it */
    int64_t created_at, used_at;
} hd_action;

void hd_action_free(hd_action *a);

/*
 * hd_action_get - the button behind `token`. Returns 0 and an action the
 * caller frees, or HD_ENOTFOUND (malformed, never issued, a wrong secret,
 * or purged).
 */
int hd_action_get(hd_desk *desk, const char *token, hd_action **out);

/*
 * hd_action_use - mark the message of `token` used. Returns 0, or
 * HD_ESTATE when it was already used (a replay), HD_ENOTFOUND when unknown.
 */
int hd_action_use(hd_desk *desk, const char *token, int64_t now);

/* hd_action_purge - forget buttons created before `before`. */
int hd_action_purge(hd_desk *desk, int64_t before);

#endif
