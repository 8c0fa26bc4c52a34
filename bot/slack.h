/*
 * slack.h - Slack's wire format (../shared/PROTOCOLS.md §1): Socket Mode
 * frames in, Block Kit out. Pure functions, no network: the Slack channel
 * uses them, and tests and the fuzzer drive them directly.
 */
#ifndef HD_BOT_SLACK_H
#define HD_BOT_SLACK_H

#include "message.h"

#include <jansson.h>

typedef enum hd_slack_frame_kind {
    HD_SLACK_HELLO,
    HD_SLACK_DISCONNECT, /* see `reason` */
    HD_SLACK_MESSAGE,    /* a DM or a mention to act on (after the ignore rules) */
    HD_SLACK_CLICK,      /* a button press (block_actions) */
    HD_SLACK_IGNORED,    /* an envelope to acknowledge and drop (own/bot/edited message …) */
    HD_SLACK_UNKNOWN     /* not understood: acknowledge if it has an envelope id, log */
} hd_slack_frame_kind;

typedef struct hd_slack_frame {
    hd_slack_frame_kind kind;
    char *envelope_id; /* to acknowledge; NULL when the frame has none */
    char *reason;      /* HD_SLACK_DISCONNECT: warning, refresh_requested, link_disabled, … */
    char *event_id;    /* events: the key for exactly-once intake (stable across retries) */
    int retry_attempt;
    char *user;         /* who wrote or clicked */
    char *channel;      /* where: a DM (D…) or a channel (C…) */
    char *text;         /* HD_SLACK_MESSAGE: the text, mention of the bot removed */
    char *thread_ts;    /* the thread to answer in (a DM: its thread only, if any) */
    int overheard;      /* a reply in a room's thread, not addressed to the bot */
    char *action_value; /* HD_SLACK_CLICK: the button's value (our action token) */
    char *message_ts;   /* HD_SLACK_CLICK: the clicked message, for chat.update */
    char *why;          /* HD_SLACK_IGNORED / HD_SLACK_UNKNOWN: a short reason for the log */
} hd_slack_frame;

/*
 * hd_slack_parse - one Socket Mode text frame. `bot_user` and `bot_id` are
 * the bot's own ids (auth.test) so its own messages are ignored. Never
 * fails: a malformed frame is HD_SLACK_UNKNOWN with `why` set. The caller
 * releases the frame with hd_slack_frame_clear().
 */
void hd_slack_parse(const char *data, size_t len, const char *bot_user, const char *bot_id,
                    hd_slack_frame *out);
void hd_slack_frame_clear(hd_slack_frame *f);

/* hd_slack_ack - the acknowledgement frame for `envelope_id` (caller frees). */
char *hd_slack_ack(const char *envelope_id);

/*
 * hd_slack_mrkdwn - the message model's markup as Slack mrkdwn: &, < and >
 * escaped first, then **bold** as *bold* and [label](http…) as <url|label>.
 * The caller frees the result.
 */
char *hd_slack_mrkdwn(const char *text);

/*
 * hd_slack_blocks - a message as a chat.postMessage / chat.update body
 * (without channel/ts): a plain-text `text` fallback and Block Kit `blocks`
 * (a section with the text, the card's title and fields, one actions block
 * with the buttons, whose values are our action tokens). A new reference.
 */
json_t *hd_slack_blocks(const hd_message *m);

/* What to do after a Web API call. */
typedef enum hd_slack_verdict {
    HD_SLACK_OK,     /* done */
    HD_SLACK_RETRY,  /* try again later: network, 5xx, 429 (see retry_after) */
    HD_SLACK_FAILED, /* this message cannot be sent (e.g. channel_not_found): dead letter */
    HD_SLACK_FATAL   /* the token is bad or lacks a scope: stop the channel and say so */
} hd_slack_verdict;

typedef struct hd_slack_result {
    hd_slack_verdict verdict;
    int retry_after; /* seconds from Retry-After on 429, else -1 */
    char *error;     /* Slack's error code or a description, NULL when ok */
    char *ts;        /* chat.postMessage / chat.update: the message's ts */
    char *channel;   /* the channel (conversations.open: the DM's id) */
    char *user_id;   /* auth.test: the bot's user id */
    char *bot_id;    /* auth.test: the bot id */
    char *email;     /* users.info: profile.email, if the scope allows */
    char *name;      /* users.info: real name, else display name, else name */
    char *url;       /* apps.connections.open: the WebSocket URL (auth.test: the team's) */
} hd_slack_result;

/*
 * hd_slack_result_parse - read a Web API answer: `http_status` (0 when no
 * answer came: a network error), the Retry-After header value (NULL if
 * none) and the body. Never fails; the caller clears the result.
 */
void hd_slack_result_parse(int http_status, const char *retry_after, const char *body, size_t len,
                           hd_slack_result *out);
void hd_slack_result_clear(hd_slack_result *r);

#endif
