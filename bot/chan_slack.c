/*
 * chan_slack.c - the Slack channel (see chan_slack.h).
 *
 * In: auth.test learns the bot's own ids; apps.connections.open gives a
 * single-use WebSocket URL; each envelope is parsed (slack.c), its turn
 * runs and commits through the service's deliver function, and only then
 * is the envelope acknowledged - so a crash before the commit means Slack
 * delivers it again, and a redelivery after it is recognised by its
 * event_id and only acknowledged. An employee seen for the first time is
 * looked up with users.info (their email finds them in the directory);
 * their events wait, in order, for that answer.
 *
 * Socket Mode connections are replaced before they are closed: on a
 * `disconnect` warning a second socket opens and takes over at its
 * `hello`. A lost socket reconnects with jittered exponential backoff;
 * `link_disabled` and a rejected token stop the channel with a log line
 * that says so. libwebsockets pings a quiet socket and closes one that
 * stays silent.
 *
 * Out: send() renders a message as Block Kit into the outbox, inside the
 * turn's transaction. The drain takes due messages (the oldest of each
 * recipient, so each recipient's messages stay in order) and calls
 * chat.postMessage, chat.update (a message that replaces one delivered
 * earlier), chat.postEphemeral (a personal answer to a click in a team
 * room) or first conversations.open (a user with no known DM). Posts to
 * one Slack channel are paced at one a second after a short burst.
 */
#include "chan_slack.h"

#include "slack.h"
#include "strmap.h"

#include "hd/fileio.h"
#include "hd/outbox.h"
#include "hd/users.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define NAME "slack"
#define MAX_SENDS 64            /* outbox messages in flight */
#define CALL_TIMEOUT_MS 15000   /* one Web API call */
#define PROFILE_TIMEOUT_MS 2000 /* users.info: the envelope must be acked within 3 s */
#define PING_AFTER 10           /* seconds of silence before we ping */
#define DEAD_AFTER 30           /* seconds of silence before the socket is given up */
#define BACKOFF_FIRST_MS 500    /* the first reconnect */
#define BACKOFF_MAX_MS 60000    /* and the longest wait between attempts */
#define TICK_MS 1000            /* retries and paced posts are looked at this often */
#define BURST 3                 /* posts to one channel at once, then one a second */
#define MAX_SOCKETS 4           /* live, its replacement, and ones closing */
#define TOKEN_MAX 512

typedef enum call_kind { CALL_AUTH, CALL_CONNECT, CALL_PROFILE, CALL_DM, CALL_SEND } call_kind;

typedef struct slack slack;

/* One Web API call in flight. */
typedef struct call {
    slack *s;
    call_kind kind;
    int64_t outbox_id; /* CALL_SEND, CALL_DM */
    char *user;        /* CALL_PROFILE, CALL_DM */
    char *message_id;  /* CALL_SEND: to record where it landed */
    char *room;
    char *ts;                       /* CALL_SEND accepted: the message's ts, until it is settled */
    struct call *next;              /* in the settling list */
    struct call *prev_in, *next_in; /* in the list of calls in flight */
} call;

/* An event waiting for its author's profile, or for its turn to run. */
typedef struct held {
    struct held *next;
    hd_slack_frame frame;
    hd_ws *from;
    int64_t received_ms;
    char *email, *name; /* the author's profile, when it was looked up */
    int result;         /* what its turn returned */
} held;

typedef struct lookup {
    held *head, *tail;
} lookup;

/* Posts to one Slack channel: a token bucket. */
typedef struct budget {
    double tokens;
    int64_t at_ms;
} budget;

/* Where the current turn's answers to its own user go. */
typedef struct reply_to {
    const char *user;
    const char *room;
    const char *thread_ts;
    int ephemeral; /* a click in a team room: the answer is for the clicker's eyes */
} reply_to;

struct slack {
    hd_channel base;
    hd_loop *loop;
    hd_desk *desk;
    const hd_config *cfg;
    hd_metrics *metrics;
    char *app_token, *bot_token, *api;
    char *bot_user, *bot_id; /* from auth.test */
    hd_deliver_fn deliver;
    void *payload;

    hd_ws *sockets[MAX_SOCKETS]; /* every socket not yet closed */
    hd_ws *live;                 /* the one whose hello came last */
    hd_ws *pending;              /* a new socket before its hello */
    int connecting;              /* apps.connections.open in flight, or `pending` set */
    int connected_once;
    int failures; /* consecutive failed attempts, for the backoff */
    int stopping; /* stop(): no more intake */
    char *fatal;  /* why the channel stopped for good, or NULL */
    hd_timer *retry, *drain, *tick;
    hd_timer *pace; /* a drain when a paced channel may post again */

    call *calls;    /* in flight */
    int n_sends;    /* of which outbox messages (CALL_SEND, CALL_DM) */
    call *settling; /* posts Slack accepted, to forget in the next batch */
    lookup ready;   /* events whose turns run in the next batch */
    hd_timer *intake, *settle;
    hd_strmap lookups; /* user → lookup */
    hd_strmap dms;     /* user → DM room id (char *) */
    hd_strmap budgets; /* room → budget */
    hd_strmap warned;  /* groups without a Slack room, logged once */
    reply_to ctx;
    int64_t paced_ms; /* a drain held posts back for their channel's pace: retry in this long */
};

static void open_socket(slack *s);
static void schedule_drain(slack *s);

/* ---- small helpers --------------------------------------------------------- */

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int is_dm(const char *room)
{
    return room && room[0] == 'D';
}

static int64_t jitter(int64_t ms)
{
    uint32_t r = 0;

    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
        r = 0;
    /* 75% to 125% of ms. */
    return ms * 3 / 4 + (int64_t)(r % (uint32_t)(ms / 2 + 1));
}

static int64_t backoff_ms(int failures)
{
    int64_t ms = BACKOFF_FIRST_MS;

    while (--failures > 0 && ms < BACKOFF_MAX_MS)
        ms *= 2;
    return jitter(ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS);
}

/* A token from $env or from `file`; NULL if neither is set. */
static int read_token(const char *env, const char *file, const char *setting, char **out)
{
    const char *v = getenv(env);
    size_t len = 0;
    char *text = NULL;
    int err;

    *out = NULL;
    if (v && v[0]) {
        *out = hd_strdup(v);
        return 0;
    }
    if (file == NULL)
        return 0;
    if ((err = hd_file_read(file, TOKEN_MAX, &text, &len)) != 0)
        return hd_error_set(HD_ECONFIG, "%s: cannot read the token file %s", setting, file);
    while (len > 0 && strchr(" \t\r\n", text[len - 1]))
        text[--len] = '\0';
    *out = text;
    return 0;
}

/* ---- calls ------------------------------------------------------------------- */

static void call_free(call *c)
{
    hd_free(c->ts);
    hd_free(c->user);
    hd_free(c->message_id);
    hd_free(c->room);
    hd_free(c);
}

/* Take `c` off the calls in flight without freeing it. */
static void call_detach(slack *s, call *c)
{
    if (c->prev_in)
        c->prev_in->next_in = c->next_in;
    else if (s->calls == c)
        s->calls = c->next_in;
    else
        return; /* not in flight */
    if (c->next_in)
        c->next_in->prev_in = c->prev_in;
    c->prev_in = c->next_in = NULL;
    if (c->kind == CALL_SEND || c->kind == CALL_DM)
        s->n_sends--;
}

static void call_done(slack *s, call *c)
{
    call_detach(s, c);
    call_free(c);
}

/* Whether outbox item `outbox_id` is being sent, or was sent and is not yet forgotten. */
static int sending(const slack *s, int64_t outbox_id)
{
    const call *c;

    for (c = s->calls; c; c = c->next_in)
        if ((c->kind == CALL_SEND || c->kind == CALL_DM) && c->outbox_id == outbox_id)
            return 1;
    for (c = s->settling; c; c = c->next)
        if (c->outbox_id == outbox_id)
            return 1;
    return 0;
}

static void on_answer(const hd_fetch_answer *a, void *payload);

/*
 * Call Web API `method` with `body` (JSON, or NULL for a GET with `query`).
 * Takes `c`; returns 0, or an error after which `c` is freed.
 */
static int api_call(slack *s, call *c, const char *method, const char *query, const char *body)
{
    hd_fetch_request req = {0};
    char *url = hd_sprintf("%s%s%s%s", s->api, method, query ? "?" : "", query ? query : "");
    int err;

    req.url = url;
    req.bearer = c->kind == CALL_CONNECT ? s->app_token : s->bot_token;
    if (c->kind == CALL_CONNECT) {
        req.content_type = "application/x-www-form-urlencoded";
        req.body = "";
    } else if (body) {
        req.content_type = "application/json; charset=utf-8";
        req.body = body;
    }
    req.timeout_ms = c->kind == CALL_PROFILE ? PROFILE_TIMEOUT_MS : CALL_TIMEOUT_MS;
    c->s = s;
    err = hd_loop_fetch(s->loop, &req, on_answer, c);
    hd_free(url);
    if (err) {
        call_free(c);
        return err;
    }
    c->next_in = s->calls;
    if (c->next_in)
        c->next_in->prev_in = c;
    s->calls = c;
    if (c->kind == CALL_SEND || c->kind == CALL_DM)
        s->n_sends++;
    return 0;
}

static call *new_call(call_kind kind)
{
    call *c = hd_calloc(1, sizeof(*c));

    c->kind = kind;
    return c;
}

/* ---- stopping for good ---------------------------------------------------------- */

static void close_sockets(slack *s)
{
    int i;

    for (i = 0; i < MAX_SOCKETS; i++)
        if (s->sockets[i])
            hd_ws_close(s->sockets[i]);
}

static void stop_for_good(slack *s, const char *why)
{
    if (s->fatal)
        return;
    s->fatal = hd_strdup(why);
    hd_log(HD_LOG_ERROR, "event=slack_stopped reason=%s hint=\"%s\"", why,
           strcmp(why, "link_disabled") == 0
               ? "Socket Mode was turned off in the Slack app's settings"
               : "check SLACK_APP_TOKEN / SLACK_BOT_TOKEN and the app's scopes");
    hd_timer_stop(s->retry);
    close_sockets(s);
}

static void retry_later(slack *s, int retry_after)
{
    int64_t ms;

    if (s->stopping || s->fatal)
        return;
    s->failures++;
    ms = retry_after >= 0 ? (int64_t)retry_after * 1000 : backoff_ms(s->failures);
    hd_log(HD_LOG_INFO, "event=slack_retry in_ms=%lld attempt=%d", (long long)ms, s->failures);
    hd_timer_start(s->retry, ms);
}

/* ---- intake ------------------------------------------------------------------------ */

static int socket_index(const slack *s, const hd_ws *ws)
{
    int i;

    for (i = 0; i < MAX_SOCKETS; i++)
        if (s->sockets[i] == ws && ws)
            return i;
    return -1;
}

static void ack(slack *s, hd_ws *from, const char *envelope_id)
{
    char *frame;

    if (envelope_id == NULL)
        return;
    if (socket_index(s, from) < 0)
        from = s->live; /* the socket it came on is gone: any open one will do */
    if (from == NULL)
        return; /* not acknowledged: Slack delivers it again, and the event id dedupes it */
    frame = hd_slack_ack(envelope_id);
    hd_ws_send(from, frame, strlen(frame));
    hd_free(frame);
}

static void held_free(held *h)
{
    hd_slack_frame_clear(&h->frame);
    hd_free(h->email);
    hd_free(h->name);
    hd_free(h);
}

/* Run the turn of a message or click, inside the batch's transaction. */
static int run_turn(slack *s, const held *h)
{
    const hd_slack_frame *f = &h->frame;
    hd_turn t = {0};
    int err;

    t.channel = NAME;
    t.user_id = f->user;
    t.email = h->email;
    t.display_name = h->name;
    t.text = f->kind == HD_SLACK_MESSAGE ? f->text : NULL;
    t.click = f->kind == HD_SLACK_CLICK ? f->action_value : NULL;
    t.overheard = f->overheard;
    t.event_id = f->event_id;
    t.now = now_s();
    s->ctx.user = f->user;
    s->ctx.room = f->channel;
    s->ctx.ephemeral = f->kind == HD_SLACK_CLICK && !is_dm(f->channel);
    s->ctx.thread_ts = s->ctx.ephemeral ? f->message_ts : f->thread_ts;
    err = s->deliver(&s->base, &t, s->payload);
    memset(&s->ctx, 0, sizeof(s->ctx));
    hd_log(HD_LOG_DEBUG, "event=slack_turn kind=%s user=%s event_id=%s result=%d",
           f->kind == HD_SLACK_CLICK ? "click" : "message", f->user,
           f->event_id ? f->event_id : "-", err);
    if (err != 0 && err != HD_EEXISTS)
        hd_log(HD_LOG_ERROR,
               "event=slack_turn_failed user=%s error=\"%s\" note=\"not acknowledged: Slack "
               "delivers it again\"",
               f->user, hd_error_last());
    return err;
}

/*
 * The events that arrived since the last batch run in one transaction
 * (each turn in its own savepoint) and are acknowledged once it commits:
 * under load, one commit serves many events.
 */
static void run_ready(hd_timer *timer, void *payload)
{
    slack *s = payload;
    hd_store *st = hd_desk_store(s->desk);
    held *batch = s->ready.head, *h;
    int err;

    (void)timer;
    s->ready.head = s->ready.tail = NULL;
    if (batch == NULL)
        return;
    if ((err = hd_store_begin(st)) == 0) {
        for (h = batch; h; h = h->next)
            h->result = s->stopping ? HD_ESTATE : run_turn(s, h);
        if ((err = hd_store_commit(st)) != 0)
            hd_store_rollback(st);
    }
    if (err)
        hd_log(HD_LOG_ERROR,
               "event=slack_batch_failed error=\"%s\" note=\"not acknowledged: Slack delivers "
               "them again\"",
               hd_error_last());
    while ((h = batch) != NULL) {
        batch = h->next;
        if (err == 0 && (h->result == 0 || h->result == HD_EEXISTS)) {
            ack(s, h->from, h->frame.envelope_id);
            if (h->result == 0) {
                hd_metrics_add(s->metrics, "deskbot_messages_in_total", NAME, 1);
                hd_metrics_observe(s->metrics, "deskbot_intake_seconds",
                                   (double)(hd_loop_now_ms() - h->received_ms) / 1000.0);
            } else {
                hd_log(HD_LOG_INFO, "event=slack_duplicate event_id=%s retry=%d", h->frame.event_id,
                       h->frame.retry_attempt);
            }
        }
        held_free(h);
    }
    schedule_drain(s);
}

static void make_ready(slack *s, held *h)
{
    h->next = NULL;
    if (s->ready.tail)
        s->ready.tail->next = h;
    else
        s->ready.head = h;
    s->ready.tail = h;
    if (!hd_timer_pending(s->intake))
        hd_timer_start(s->intake, 0);
}

static void release_held(slack *s, const char *user, const char *email, const char *name)
{
    lookup *l = hd_strmap_del(&s->lookups, user);
    held *h;

    while (l && (h = l->head) != NULL) {
        l->head = h->next;
        h->email = email ? hd_strdup(email) : NULL;
        h->name = name ? hd_strdup(name) : NULL;
        make_ready(s, h);
    }
    hd_free(l);
}

/* Hold event `h` until its author's profile is known, asking for it if nobody has. */
static void hold(slack *s, held *h)
{
    lookup *l = hd_strmap_get(&s->lookups, h->frame.user);
    char *query;
    call *c;

    if (l) {
        l->tail->next = h;
        l->tail = h;
        return;
    }
    l = hd_calloc(1, sizeof(*l));
    l->head = l->tail = h;
    hd_strmap_put(&s->lookups, h->frame.user, l);
    c = new_call(CALL_PROFILE);
    c->user = hd_strdup(h->frame.user);
    query = hd_sprintf("user=%s", h->frame.user);
    if (api_call(s, c, "users.info", query, NULL) != 0)
        release_held(s, h->frame.user, NULL, NULL);
    hd_free(query);
}

/* Slack user ids are short and alphanumeric; anything else is not looked up. */
static int plain_id(const char *id)
{
    size_t n = strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz");

    return n > 0 && n <= 32 && id[n] == '\0';
}

/*
 * A message or click (taken from `f`): its turn runs in the next batch, or
 * after its author's profile lookup.
 */
static void on_event(slack *s, hd_ws *from, hd_slack_frame *f, int64_t received_ms)
{
    held *h;

    if (s->stopping || s->fatal)
        return; /* not acknowledged: Slack delivers it to the next process */
    h = hd_calloc(1, sizeof(*h));
    h->frame = *f;
    memset(f, 0, sizeof(*f));
    h->from = from;
    h->received_ms = received_ms;
    if (hd_strmap_get(&s->lookups, h->frame.user) ||
        (plain_id(h->frame.user) && !hd_users_known(s->desk, NAME, h->frame.user)))
        hold(s, h);
    else
        make_ready(s, h);
}

/* ---- Socket Mode -------------------------------------------------------------------- */

static void on_hello(slack *s, hd_ws *ws)
{
    hd_ws *old = s->live;

    s->live = ws;
    if (ws == s->pending) {
        s->pending = NULL;
        s->connecting = 0;
    }
    s->failures = 0;
    if (s->connected_once)
        hd_metrics_add(s->metrics, "deskbot_reconnects_total", NAME, 1);
    s->connected_once = 1;
    hd_log(HD_LOG_INFO, "event=slack_connected replaced=%s", old && old != ws ? "yes" : "no");
    /* The replacement is up: now the old socket may go. */
    if (old && old != ws)
        hd_ws_close(old);
}

static void on_disconnect(slack *s, hd_ws *ws, const char *reason)
{
    hd_log(HD_LOG_INFO, "event=slack_disconnect reason=%s", reason ? reason : "-");
    if (reason && strcmp(reason, "link_disabled") == 0) {
        stop_for_good(s, "link_disabled");
        return;
    }
    if (reason && strcmp(reason, "too_many_websockets") == 0)
        return; /* this socket closes; the backoff paces the next one */
    if (ws == s->live && !s->connecting)
        open_socket(s); /* the new socket first, then the old one goes */
}

static void on_text(hd_ws *ws, const char *data, size_t len, void *payload)
{
    slack *s = payload;
    int64_t received = hd_loop_now_ms();
    hd_slack_frame f;

    hd_slack_parse(data, len, s->bot_user, s->bot_id, &f);
    switch (f.kind) {
    case HD_SLACK_HELLO:
        on_hello(s, ws);
        break;
    case HD_SLACK_DISCONNECT:
        on_disconnect(s, ws, f.reason);
        break;
    case HD_SLACK_MESSAGE:
    case HD_SLACK_CLICK:
        on_event(s, ws, &f, received);
        break;
    case HD_SLACK_IGNORED:
        hd_log(HD_LOG_DEBUG, "event=slack_ignored why=\"%s\"", f.why);
        ack(s, ws, f.envelope_id);
        break;
    case HD_SLACK_UNKNOWN:
        hd_log(HD_LOG_INFO, "event=slack_unknown_frame why=\"%s\" bytes=%zu", f.why, len);
        ack(s, ws, f.envelope_id);
        break;
    }
    hd_slack_frame_clear(&f);
}

static void on_open(hd_ws *ws, void *payload)
{
    (void)ws;
    (void)payload;
    hd_log(HD_LOG_DEBUG, "event=slack_socket_open");
}

static void on_closed(hd_ws *ws, const char *why, void *payload)
{
    slack *s = payload;
    int i = socket_index(s, ws), was_live = ws == s->live;

    if (i >= 0)
        s->sockets[i] = NULL;
    if (was_live)
        s->live = NULL;
    if (ws == s->pending) { /* a new socket that never said hello */
        s->pending = NULL;
        s->connecting = 0;
    }
    hd_log(was_live ? HD_LOG_WARN : HD_LOG_INFO, "event=slack_socket_closed why=\"%s\" live=%s",
           why, was_live ? "yes" : "no");
    if (s->live == NULL && !s->connecting)
        retry_later(s, -1);
}

static const hd_ws_events socket_events = {on_open, on_text, on_closed};

static void connect_to(slack *s, const char *url)
{
    int i;
    hd_ws *ws;

    for (i = 0; i < MAX_SOCKETS && s->sockets[i]; i++)
        ;
    if (i == MAX_SOCKETS ||
        hd_ws_connect(&ws, s->loop, url, PING_AFTER, DEAD_AFTER, &socket_events, s) != 0) {
        hd_log(HD_LOG_WARN, "event=slack_connect_failed error=\"%s\"",
               i == MAX_SOCKETS ? "too many sockets" : hd_error_last());
        s->connecting = 0;
        if (s->live == NULL)
            retry_later(s, -1);
        return;
    }
    s->sockets[i] = ws;
    s->pending = ws;
}

static void open_socket(slack *s)
{
    if (s->stopping || s->fatal)
        return;
    s->connecting = 1;
    if (api_call(s, new_call(CALL_CONNECT), "apps.connections.open", NULL, NULL) != 0) {
        s->connecting = 0;
        retry_later(s, -1);
    }
}

static void authenticate(slack *s)
{
    if (api_call(s, new_call(CALL_AUTH), "auth.test", NULL, "{}") != 0)
        retry_later(s, -1);
}

static void on_retry(hd_timer *t, void *payload)
{
    slack *s = payload;

    (void)t;
    if (s->bot_user == NULL)
        authenticate(s);
    else if (s->live == NULL && !s->connecting)
        open_socket(s);
}

/* ---- outbound ------------------------------------------------------------------------ */

/* Take one post from `room`'s budget; if it is spent, note when the next one is due. */
static int take_budget(slack *s, const char *room)
{
    budget *b = hd_strmap_get(&s->budgets, room);
    int64_t now = hd_loop_now_ms();

    if (b == NULL) {
        b = hd_calloc(1, sizeof(*b));
        b->tokens = BURST;
        b->at_ms = now;
        hd_strmap_put(&s->budgets, room, b);
    }
    b->tokens += (double)(now - b->at_ms) / 1000.0;
    if (b->tokens > BURST)
        b->tokens = BURST;
    b->at_ms = now;
    if (b->tokens < 1.0) {
        int64_t wait = (int64_t)((1.0 - b->tokens) * 1000.0) + 1;

        if (s->paced_ms == 0 || wait < s->paced_ms)
            s->paced_ms = wait;
        return 0;
    }
    b->tokens -= 1.0;
    return 1;
}

static int dead_letter(slack *s, int64_t id, const char *why)
{
    hd_log(HD_LOG_ERROR, "event=slack_dead_letter outbox_id=%lld error=\"%s\"", (long long)id, why);
    return hd_outbox_failed(s->desk, id, why, -1, 1, now_s(), NULL);
}

/* Start sending outbox item `it`. Returns 1 if a call started. */
static int send_item(slack *s, const hd_outbox_item *it)
{
    json_t *p = json_loads(it->payload, 0, NULL), *body;
    const char *room, *user, *replaces, *method = "chat.postMessage";
    char *old_room = NULL, *old_ts = NULL, *text;
    call *c;
    int started = 0;

    if (!json_is_object(p)) {
        dead_letter(s, it->id, "the queued message is not readable");
        json_decref(p);
        return 0;
    }
    room = json_string_value(json_object_get(p, "room"));
    user = json_string_value(json_object_get(p, "user"));
    replaces = json_string_value(json_object_get(p, "replaces"));
    if (room == NULL && user)
        room = hd_strmap_get(&s->dms, user);
    if (room == NULL && user) {
        /* First a DM with this user. */
        if (plain_id(user)) {
            c = new_call(CALL_DM);
            c->outbox_id = it->id;
            c->user = hd_strdup(user);
            text = hd_sprintf("{\"users\":\"%s\"}", user);
            started = api_call(s, c, "conversations.open", NULL, text) == 0;
            hd_free(text);
        } else {
            dead_letter(s, it->id, "not a Slack user id");
        }
        json_decref(p);
        return started;
    }
    if (room == NULL) {
        dead_letter(s, it->id, "the queued message has no recipient");
        json_decref(p);
        return 0;
    }
    body = json_object();
    json_object_set(body, "text", json_object_get(p, "text"));
    json_object_set(body, "blocks", json_object_get(p, "blocks"));
    if (replaces && hd_delivery_find(s->desk, NAME, replaces, &old_room, &old_ts) == 0) {
        method = "chat.update";
        json_object_set_new(body, "channel", json_string(old_room));
        json_object_set_new(body, "ts", json_string(old_ts));
    } else {
        json_object_set_new(body, "channel", json_string(room));
        if (json_object_get(p, "thread_ts"))
            json_object_set(body, "thread_ts", json_object_get(p, "thread_ts"));
        if (json_is_true(json_object_get(p, "ephemeral"))) {
            method = "chat.postEphemeral";
            json_object_set_new(body, "user", json_string(user));
        } else if (!take_budget(s, room)) {
            goto cleanup; /* this channel's pace: the tick comes back for it */
        }
    }
    c = new_call(CALL_SEND);
    c->outbox_id = it->id;
    c->room = hd_strdup(old_room ? old_room : room);
    if (json_string_value(json_object_get(p, "id")))
        c->message_id = hd_strdup(json_string_value(json_object_get(p, "id")));
    text = json_dumps(body, JSON_COMPACT);
    started = api_call(s, c, method, NULL, text) == 0;
    free(text);

cleanup:
    hd_free(old_room);
    hd_free(old_ts);
    json_decref(body);
    json_decref(p);
    return started;
}

static void drain(hd_timer *t, void *payload)
{
    slack *s = payload;
    hd_outbox_item *items = NULL;
    size_t n = 0, i;

    (void)t;
    if (s->fatal || s->bot_user == NULL || s->n_sends >= MAX_SENDS)
        return;
    /* Calls in flight are among the oldest: ask for enough to fill the free slots. */
    if (hd_outbox_due(s->desk, NAME, now_s(), 2 * MAX_SENDS, &items, &n) != 0) {
        hd_log(HD_LOG_ERROR, "event=outbox_read_failed error=\"%s\"", hd_error_last());
        return;
    }
    s->paced_ms = 0;
    for (i = 0; i < n && s->n_sends < MAX_SENDS; i++)
        if (!sending(s, items[i].id))
            send_item(s, &items[i]);
    hd_outbox_items_free(items, n);
    if (s->paced_ms > 0 && !hd_timer_pending(s->pace))
        hd_timer_start(s->pace, s->paced_ms);
}

static void schedule_drain(slack *s)
{
    if (!hd_timer_pending(s->drain))
        hd_timer_start(s->drain, 0);
}

static void on_tick(hd_timer *t, void *payload)
{
    slack *s = payload;

    drain(t, s);
    hd_timer_start(s->tick, TICK_MS);
}

/*
 * Posts Slack accepted since the last settle are forgotten by the outbox
 * (and their ts recorded for later replacement) in one transaction. Until
 * then sending() keeps the drain from taking them again.
 */
static void settle(hd_timer *timer, void *payload)
{
    slack *s = payload;
    hd_store *st = hd_desk_store(s->desk);
    call *batch = s->settling, *c;
    int64_t now = now_s();
    int err;

    (void)timer;
    if (batch == NULL)
        return;
    if ((err = hd_store_begin(st)) == 0) {
        for (c = batch; c && err == 0; c = c->next) {
            if (c->message_id && c->ts)
                err = hd_delivery_record(s->desk, NAME, c->message_id, c->room, c->ts, now);
            if (err == 0)
                err = hd_outbox_sent(s->desk, c->outbox_id);
        }
        if (err == 0)
            err = hd_store_commit(st);
        else
            hd_store_rollback(st);
    }
    if (err) {
        /* Kept for the next settle; meanwhile nothing is sent twice. */
        hd_log(HD_LOG_ERROR, "event=outbox_update_failed error=\"%s\"", hd_error_last());
        hd_timer_start(s->settle, TICK_MS);
        return;
    }
    s->settling = NULL;
    while ((c = batch) != NULL) {
        batch = c->next;
        hd_metrics_add(s->metrics, "deskbot_messages_out_total", NAME, 1);
        call_free(c);
    }
    schedule_drain(s);
}

static void sent(slack *s, call *c, const hd_slack_result *r)
{
    call_detach(s, c);
    if (r->ts)
        c->ts = hd_strdup(r->ts);
    if (r->channel) {
        hd_free(c->room);
        c->room = hd_strdup(r->channel);
    }
    c->next = s->settling;
    s->settling = c;
    if (!hd_timer_pending(s->settle))
        hd_timer_start(s->settle, 0);
}

static void not_sent(slack *s, call *c, const hd_slack_result *r)
{
    int dead = 0;

    if (r->verdict == HD_SLACK_FATAL) {
        stop_for_good(s, r->error);
        return; /* the message stays queued for when the token is fixed */
    }
    /*
     * The outbox counts whole seconds from a truncated clock: one second
     * more makes sure Retry-After has passed before the next attempt.
     */
    if (hd_outbox_failed(
            s->desk, c->outbox_id, r->error,
            r->verdict == HD_SLACK_RETRY && r->retry_after >= 0 ? r->retry_after + 1 : -1,
            r->verdict == HD_SLACK_RETRY ? s->cfg->outbox_max_attempts : 1, now_s(), &dead) != 0)
        hd_log(HD_LOG_ERROR, "event=outbox_update_failed error=\"%s\"", hd_error_last());
    hd_log(dead ? HD_LOG_ERROR : HD_LOG_WARN,
           "event=slack_send_failed outbox_id=%lld error=%s retry_after=%d dead_letter=%s",
           (long long)c->outbox_id, r->error, r->retry_after, dead ? "yes" : "no");
}

static void on_answer(const hd_fetch_answer *a, void *payload)
{
    call *c = payload;
    slack *s = c->s;
    hd_slack_result r;

    if (a->status == 0 && a->error && strcmp(a->error, "cancelled") == 0) {
        call_done(s, c); /* shutting down: the outbox keeps what was not sent */
        return;
    }
    hd_slack_result_parse(a->status, a->retry_after, a->body, a->len, &r);
    hd_log(HD_LOG_DEBUG, "event=slack_api_answer call=%d status=%d verdict=%d error=%s",
           (int)c->kind, a->status, (int)r.verdict, r.error ? r.error : "-");
    if (r.verdict != HD_SLACK_OK && a->status == 0) {
        hd_free(r.error);
        r.error = hd_sprintf("no answer: %s", a->error ? a->error : "network error");
    }
    switch (c->kind) {
    case CALL_AUTH:
        if (r.verdict == HD_SLACK_OK && r.user_id) {
            s->bot_user = hd_strdup(r.user_id);
            s->bot_id = r.bot_id ? hd_strdup(r.bot_id) : NULL;
            s->failures = 0;
            hd_log(HD_LOG_INFO, "event=slack_authenticated bot_user=%s bot_id=%s", s->bot_user,
                   s->bot_id ? s->bot_id : "-");
            open_socket(s);
            schedule_drain(s); /* what an earlier run left queued */
        } else if (r.verdict == HD_SLACK_FATAL || r.verdict == HD_SLACK_FAILED) {
            stop_for_good(s, r.error ? r.error : "auth.test failed");
        } else {
            hd_log(HD_LOG_WARN, "event=slack_auth_failed error=\"%s\"", r.error);
            retry_later(s, r.retry_after);
        }
        break;
    case CALL_CONNECT:
        if (r.verdict == HD_SLACK_OK && r.url) {
            connect_to(s, r.url);
        } else if (r.verdict == HD_SLACK_FATAL) {
            s->connecting = 0;
            stop_for_good(s, r.error);
        } else {
            s->connecting = 0;
            hd_log(HD_LOG_WARN, "event=slack_connections_open_failed error=\"%s\"",
                   r.error ? r.error : "no url");
            if (s->live == NULL)
                retry_later(s, r.retry_after);
        }
        break;
    case CALL_PROFILE:
        if (r.verdict != HD_SLACK_OK)
            hd_log(HD_LOG_WARN, "event=slack_profile_failed user=%s error=\"%s\"", c->user,
                   r.error);
        release_held(s, c->user, r.email, r.name);
        break;
    case CALL_DM:
        if (r.verdict == HD_SLACK_OK && r.channel)
            hd_strmap_put(&s->dms, c->user, hd_strdup(r.channel));
        else
            not_sent(s, c, &r);
        schedule_drain(s);
        break;
    case CALL_SEND:
        if (r.verdict == HD_SLACK_OK) {
            sent(s, c, &r); /* `c` lives on until it is settled */
            hd_slack_result_clear(&r);
            return;
        }
        not_sent(s, c, &r);
        schedule_drain(s);
        break;
    }
    hd_slack_result_clear(&r);
    call_done(s, c);
}

/* ---- the channel interface -------------------------------------------------------------- */

static int slack_start(hd_channel *ch, hd_deliver_fn deliver, void *payload)
{
    slack *s = (slack *)ch;

    s->deliver = deliver;
    s->payload = payload;
    authenticate(s);
    hd_timer_start(s->tick, TICK_MS);
    return 0;
}

/* A DM room of `user` learnt from an event, so no conversations.open is needed. */
static void remember_dm(slack *s, const char *user, const char *room)
{
    if (is_dm(room) && hd_strmap_get(&s->dms, user) == NULL)
        hd_strmap_put(&s->dms, user, hd_strdup(room));
}

static int slack_send(hd_channel *ch, const hd_message *m)
{
    slack *s = (slack *)ch;
    json_t *p = hd_slack_blocks(m);
    const char *to = m->to ? m->to : "";
    char *text;
    int err;

    if (strncmp(to, "group:", 6) == 0) {
        const hd_group *g = hd_config_group(s->cfg, to + 6);
        const char *room = g ? hd_config_room(g, NAME) : NULL;

        if (room == NULL) {
            if (hd_strmap_put(&s->warned, to + 6, &s->warned) == NULL)
                hd_log(HD_LOG_WARN,
                       "event=slack_no_room group=%s hint=\"add rooms.slack to the "
                       "group in the configuration\"",
                       to + 6);
            json_decref(p);
            return 0;
        }
        json_object_set_new(p, "room", json_string(room));
    } else {
        json_object_set_new(p, "user", json_string(to));
        if (s->ctx.user && strcmp(to, s->ctx.user) == 0 && s->ctx.room) {
            remember_dm(s, to, s->ctx.room);
            json_object_set_new(p, "room", json_string(s->ctx.room));
            if (s->ctx.thread_ts)
                json_object_set_new(p, "thread_ts", json_string(s->ctx.thread_ts));
            if (s->ctx.ephemeral && m->n_buttons == 0 && m->replaces == NULL)
                json_object_set_new(p, "ephemeral", json_true());
        }
    }
    /* Only a message with buttons, or one that replaces another, is replaced
     * later; the id is what records where it landed (settle()). */
    if (m->id && (m->n_buttons > 0 || m->replaces))
        json_object_set_new(p, "id", json_string(m->id));
    if (m->replaces)
        json_object_set_new(p, "replaces", json_string(m->replaces));
    text = json_dumps(p, JSON_COMPACT);
    /* One recipient's messages go out in order: the recipient is the conversation. */
    err = hd_outbox_add(s->desk, NAME, to, text, now_s(), NULL);
    free(text);
    json_decref(p);
    return err;
}

static void slack_stop(hd_channel *ch)
{
    slack *s = (slack *)ch;

    s->stopping = 1;
    hd_timer_stop(s->retry);
    close_sockets(s);
}

static const char *slack_status(const hd_channel *ch)
{
    const slack *s = (const slack *)ch;

    if (s->fatal)
        return "stopped";
    if (s->stopping)
        return "stopping";
    if (s->live)
        return "connected";
    return s->connected_once ? "reconnecting" : "connecting";
}

static void free_value(hd_strmap *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++)
        if (m->keys[i] && m->values[i])
            hd_free(m->values[i]);
    hd_strmap_free(m);
}

static void slack_free(hd_channel *ch)
{
    slack *s = (slack *)ch;
    held *h;
    call *c;
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->lookups.cap; i++) {
        lookup *l = s->lookups.values[i];

        while (l && (h = l->head) != NULL) {
            l->head = h->next;
            held_free(h);
        }
    }
    while ((h = s->ready.head) != NULL) {
        s->ready.head = h->next;
        held_free(h);
    }
    while ((c = s->settling) != NULL) { /* sent, but still queued: at least once */
        s->settling = c->next;
        call_free(c);
    }
    free_value(&s->lookups);
    free_value(&s->dms);
    free_value(&s->budgets);
    hd_strmap_free(&s->warned);
    while (s->calls)
        call_done(s, s->calls);
    hd_timer_free(s->retry);
    hd_timer_free(s->drain);
    hd_timer_free(s->tick);
    hd_timer_free(s->pace);
    hd_timer_free(s->intake);
    hd_timer_free(s->settle);
    if (s->app_token)
        explicit_bzero(s->app_token, strlen(s->app_token));
    if (s->bot_token)
        explicit_bzero(s->bot_token, strlen(s->bot_token));
    hd_free(s->app_token);
    hd_free(s->bot_token);
    hd_free(s->api);
    hd_free(s->bot_user);
    hd_free(s->bot_id);
    hd_free(s->fatal);
    hd_free(s);
}

static const hd_channel_type slack_type = {NAME,         slack_start, slack_send, slack_stop,
                                           slack_status, slack_free,  NULL};

int hd_slack_channel_new(hd_channel **out, hd_loop *loop, hd_desk *desk, hd_metrics *metrics)
{
    const hd_config *cfg = hd_desk_config(desk);
    char *app = NULL, *bot = NULL;
    const char *url = cfg->slack_api_url;
    size_t n;
    slack *s;
    int err;

    *out = NULL;
    if ((err = read_token("SLACK_APP_TOKEN", cfg->slack_app_token_file, "slack_app_token_file",
                          &app)) != 0 ||
        (err = read_token("SLACK_BOT_TOKEN", cfg->slack_bot_token_file, "slack_bot_token_file",
                          &bot)) != 0)
        goto cleanup;
    if (app == NULL && bot == NULL) {
        err = hd_error_set(HD_ENOTFOUND, "no Slack tokens configured");
        goto cleanup;
    }
    if (app == NULL || bot == NULL) {
        err = hd_error_set(HD_ECONFIG, "Slack needs both tokens: %s is missing",
                           app == NULL ? "SLACK_APP_TOKEN (or slack_app_token_file)"
                                       : "SLACK_BOT_TOKEN (or slack_bot_token_file)");
        goto cleanup;
    }
    if (strncmp(app, "xapp-", 5) != 0 || strncmp(bot, "xoxb-", 5) != 0) {
        err = hd_error_set(HD_ECONFIG, "%s does not look like a Slack %s token (%s…)",
                           strncmp(app, "xapp-", 5) != 0 ? "SLACK_APP_TOKEN" : "SLACK_BOT_TOKEN",
                           strncmp(app, "xapp-", 5) != 0 ? "app-level" : "bot",
                           strncmp(app, "xapp-", 5) != 0 ? "xapp-" : "xoxb-");
        goto cleanup;
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        err = hd_error_set(HD_ECONFIG, "slack_api_url '%s' is not an http(s) URL", url);
        goto cleanup;
    }
    s = hd_calloc(1, sizeof(*s));
    s->base.type = &slack_type;
    s->loop = loop;
    s->desk = desk;
    s->cfg = cfg;
    s->metrics = metrics;
    s->app_token = app;
    s->bot_token = bot;
    n = strlen(url);
    s->api = hd_sprintf("%s%s", url, n > 0 && url[n - 1] == '/' ? "" : "/");
    s->retry = hd_timer_new(loop, on_retry, s);
    s->drain = hd_timer_new(loop, drain, s);
    s->tick = hd_timer_new(loop, on_tick, s);
    s->pace = hd_timer_new(loop, drain, s);
    s->intake = hd_timer_new(loop, run_ready, s);
    s->settle = hd_timer_new(loop, settle, s);
    *out = &s->base;
    return 0;

cleanup:
    if (app)
        explicit_bzero(app, strlen(app));
    if (bot)
        explicit_bzero(bot, strlen(bot));
    hd_free(app);
    hd_free(bot);
    return err;
}
