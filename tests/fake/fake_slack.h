/*
 * fake_slack.h - a local fake of Slack for integration tests: the Web API
 * methods deskbot calls and Socket Mode, on one libwebsockets server at
 * http://127.0.0.1:<port>/ (wire shapes: ../shared/PROTOCOLS.md §1).
 *
 * The fake runs its own event loop on a thread of its own, so a test's main
 * thread drives it with the blocking calls below while the real deskbot
 * binary, started with SLACK_API_URL=http://127.0.0.1:<port>/api/, talks to
 * it. Every function here is safe to call from any thread while the fake
 * runs; every wait is bounded by a timeout in milliseconds.
 *
 * What it serves:
 * - POST (or GET with a query string) /api/<method>, JSON or form-encoded
 *   parameters, `Authorization: Bearer xoxb-…` (`xapp-…` for
 *   apps.connections.open): auth.test, apps.connections.open,
 *   chat.postMessage, chat.update, chat.postEphemeral, conversations.open,
 *   users.info; anything else answers unknown_method.
 * - Socket Mode on ws://127.0.0.1:<port>/link/?ticket=<n>, a ticket being
 *   good for one connection: hello on open, envelopes out, acks in. An
 *   events_api envelope not acknowledged within the ack timeout, or still
 *   unacknowledged when its socket closes, is delivered again with a new
 *   envelope id, the same event_id and retry_attempt + 1, up to 3 retries.
 *   Interactive envelopes are never delivered again.
 *
 * The bot is user U0BOT, bot B0BOT, team T1, app A1.
 */
#ifndef FAKE_SLACK_H
#define FAKE_SLACK_H

#include <stddef.h>

typedef struct fake_slack fake_slack;

/* fake_slack_start - listen on an ephemeral port of 127.0.0.1 and start the
 * fake's thread. Returns NULL on failure, with a message on stderr. */
fake_slack *fake_slack_start(void);

/* fake_slack_stop - stop the thread, close every connection and free the
 * fake and everything it recorded. Accepts NULL. */
void fake_slack_stop(fake_slack *f);

/* fake_slack_port - the TCP port the fake listens on. */
int fake_slack_port(const fake_slack *f);

/* fake_slack_user - add (or replace) user `id` in the table users.info
 * answers from; `name` is both name and real_name. The strings are copied. */
void fake_slack_user(fake_slack *f, const char *id, const char *name, const char *email);

/* fake_slack_delay - answer chat.* calls whose `channel` is `channel` `ms`
 * milliseconds late (0: at once). Other requests are answered meanwhile. */
void fake_slack_delay(fake_slack *f, const char *channel, int ms);

/* fake_slack_rate_limit - answer the next `calls` calls of Web API `method`
 * with HTTP 429, `Retry-After: <retry_after>` and
 * {"ok":false,"error":"ratelimited"}. Such a call is not recorded as a post;
 * it is listed among the posts with kind "ratelimited" (see fake_post). */
void fake_slack_rate_limit(fake_slack *f, const char *method, int calls, int retry_after);

/* fake_slack_ack_timeout - how long an events_api envelope written from now
 * on may wait for its ack before it is delivered again (default 3000 ms). */
void fake_slack_ack_timeout(fake_slack *f, int ms);

/* fake_slack_ignore_acks - while `on`, discard acks as if they never
 * arrived, so that every events_api envelope is delivered again. */
void fake_slack_ignore_acks(fake_slack *f, int on);

/*
 * Events to the bot. Each is written on the most recently opened socket
 * that is still open and returns the new envelope id (caller frees). With
 * no socket open an event waits for the next socket, as Slack keeps
 * retrying events; a click (which Slack would fail at once) returns NULL.
 * Where there is an `event_id` parameter and it is
 * not NULL, *event_id gets the event's payload.event_id (caller frees; NULL
 * when the call returns NULL). Message timestamps are unique and increasing.
 * A socket counts as open once the fake has queued its hello, which can be a
 * moment after the client sees the upgrade succeed: wait for it with
 * fake_slack_wait_connections before sending events.
 */

/* fake_slack_dm - `user` writes `text` to the bot: message.im in channel "D" + user. */
char *fake_slack_dm(fake_slack *f, const char *user, const char *text, char **event_id);

/* fake_slack_mention - app_mention in `channel` with text "<@U0BOT> " + text,
 * in the thread `thread_ts` unless it is NULL. */
char *fake_slack_mention(fake_slack *f, const char *user, const char *channel, const char *text,
                         const char *thread_ts, char **event_id);

/* fake_slack_thread_reply - a message event (channel_type "channel") that
 * `user` posts in the thread `thread_ts` of `channel`. */
char *fake_slack_thread_reply(fake_slack *f, const char *user, const char *channel,
                              const char *thread_ts, const char *text, char **event_id);

/* fake_slack_click - an interactive block_actions envelope: `user` clicked
 * the button `action_id` with `value` (NULL: none) on message `message_ts`
 * of `channel`.
 * The message's text, blocks, and the button's block_id and label come from
 * the bot's own post with that ts when there is one (an ephemeral post gives
 * a container with is_ephemeral true and no message). */
char *fake_slack_click(fake_slack *f, const char *user, const char *channel, const char *message_ts,
                       const char *action_id, const char *value);

/* fake_slack_own_echo - the bot's own message coming back as message.im
 * (user U0BOT, bot_id B0BOT); the bot must ignore it. */
char *fake_slack_own_echo(fake_slack *f, const char *text);

/* fake_slack_raw - write `frame` as a text frame as it is. Returns its
 * envelope_id when it is a JSON object with one (its ack is then recorded,
 * but it is never delivered again), "" otherwise (caller frees), or NULL
 * when no socket is open. */
char *fake_slack_raw(fake_slack *f, const char *frame);

/* fake_slack_resend - deliver events_api envelope `envelope_id` again now,
 * with a new envelope id and retry_attempt + 1. Returns 0, or -1 when the
 * envelope is unknown, not events_api, or no socket is open. */
int fake_slack_resend(fake_slack *f, const char *envelope_id);

/* fake_slack_disconnect - send {"type":"disconnect","reason":`reason`,…} on
 * the current socket (nothing when none is open). The socket stays open. */
void fake_slack_disconnect(fake_slack *f, const char *reason);

/* fake_slack_drop - close the current socket's TCP connection at once,
 * without a WebSocket close frame. Nothing when no socket is open. */
void fake_slack_drop(fake_slack *f);

/*
 * Observations (thread-safe snapshots).
 */

/* A message the bot wrote through the Web API, or a 429 it was answered.
 * kind "ratelimited": a call answered with 429; channel is the call's
 * channel ("" if none), text the Web API method, ts "" and blocks NULL. */
typedef struct fake_post {
    char kind[12]; /* "post", "update", "ephemeral", "ratelimited" */
    char channel[64];
    char ts[32];        /* the message ts (for update: the updated ts) */
    char thread_ts[32]; /* "" if none */
    char user[32];      /* ephemeral: the user */
    char *text;         /* the top-level text */
    char *blocks;       /* the blocks JSON (compact) or NULL */
    long long at_ms;    /* monotonic ms (fake_slack_now_ms) when accepted */
} fake_post;

/* fake_slack_posts - a copy of every post so far, in order, in *out (caller
 * frees with fake_slack_posts_free); returns how many. */
size_t fake_slack_posts(fake_slack *f, fake_post **out);

/* fake_slack_posts_free - free a copy from fake_slack_posts. Accepts NULL. */
void fake_slack_posts_free(fake_post *p, size_t n);

/* fake_slack_wait_post - wait until there is a post with index >= `from`
 * whose kind is `kind`, channel is `channel` and text contains `needle`
 * (each NULL: any; kind NULL does not match "ratelimited"). Returns its
 * index, or -1 on timeout. */
long fake_slack_wait_post(fake_slack *f, size_t from, const char *kind, const char *channel,
                          const char *needle, int timeout_ms);

/* fake_slack_button - the value of the first button in post `i` whose label
 * contains `label` (caller frees; "" when the button has no value), or NULL.
 * Buttons are the elements of Block Kit "actions" blocks. When `action_id`
 * is not NULL, *action_id gets the button's action_id (caller frees; NULL
 * when none is found). */
char *fake_slack_button(fake_slack *f, size_t i, const char *label, char **action_id);

/* fake_slack_wait_ack - wait until envelope `envelope_id` is acknowledged.
 * Returns 0 once it is, -1 on timeout or for an unknown id. */
int fake_slack_wait_ack(fake_slack *f, const char *envelope_id, int timeout_ms);

/* fake_slack_ack_ms - milliseconds from writing envelope `envelope_id` to
 * its ack, or -1 when it is unknown or not acknowledged. */
long long fake_slack_ack_ms(fake_slack *f, const char *envelope_id);

/* fake_slack_wait_connections - wait until at least `opened_at_least`
 * sockets have been opened (counted when their hello is written). Returns 0,
 * or -1 on timeout. */
int fake_slack_wait_connections(fake_slack *f, int opened_at_least, int timeout_ms);

/* fake_slack_open_sockets - Socket Mode sockets open now. */
int fake_slack_open_sockets(fake_slack *f);

/* fake_slack_connections_opened - apps.connections.open calls answered with a URL. */
int fake_slack_connections_opened(fake_slack *f);

/* fake_slack_count - posts so far of `kind` in `channel` (NULL: any, as in
 * fake_slack_wait_post). */
size_t fake_slack_count(fake_slack *f, const char *kind, const char *channel);

/* fake_slack_now_ms - the monotonic clock in milliseconds, as at_ms uses. */
long long fake_slack_now_ms(void);

#endif
