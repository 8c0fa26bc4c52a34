/*
 * fake_slack.c - a local fake of Slack's Web API and Socket Mode for the
 * integration tests (see fake_slack.h; wire shapes: ../shared/PROTOCOLS.md
 * §1). One libwebsockets server context with one protocol serves both the
 * HTTP requests and the WebSocket, on a thread of its own.
 *
 * Threads: the test thread calls the fake_slack_* functions, the fake's
 * thread runs the lws loop, and everything the two share sits under f->lock.
 * The test thread never calls into lws except lws_cancel_service(), which
 * wakes the loop; the loop then picks the queued work up in
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED and asks for WRITEABLE callbacks, each of
 * which writes one frame. f->changed is broadcast on every post, ack and
 * hello, which is what the wait functions wait on.
 *
 * Envelopes: every delivery of an envelope is one `envelope` in f->envs
 * (found by id through a small hash table); a retry is a new delivery with a
 * new id. A delivery is "pending" from creation until acked, retried or given
 * up; written pending events_api deliveries are what the ack timer and a
 * closing socket look at.
 */
#include "fake_slack.h"

#include <jansson.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define BOT_USER "U0BOT"
#define BOT_ID "B0BOT"
#define TEAM "T1"
#define APP_ID "A1"
#define MAX_RETRIES 3              /* Slack gives up on an event after 3 retries */
#define BODY_MAX (1 << 20)         /* a longer request body closes the connection */
#define TS_BASE 1700000000         /* seconds part of the first message ts */
#define CONNECTION_TIME 18060      /* hello's approximate_connection_time, seconds */
#define HTTP_TOO_MANY_REQUESTS 429 /* lws 4.1 has no name for it */

/* A text frame waiting for its socket: its bytes, or an envelope rendered when written. */
typedef struct frame {
    struct frame *next;
    unsigned char *buf; /* LWS_PRE bytes of room, then the text; NULL: render envelope `env` */
    size_t len;
    long env;  /* index in f->envs whose write time to record, or -1 */
    int hello; /* writing it counts a connection as opened */
} frame;

typedef struct queue {
    frame *head, *tail;
} queue;

/* A Socket Mode connection; kept until fake_slack_stop so that pointers stay valid. */
typedef struct conn {
    size_t index;    /* in f->conns, in order of opening */
    struct lws *wsi; /* loop thread only; NULL once closed */
    int open;        /* established and not closed yet */
    int drop;        /* close the TCP connection at the next WRITEABLE */
    queue out;       /* frames to write, in order */
    char *rx;        /* loop thread only: a message being reassembled */
    size_t rx_len;
} conn;

/* One delivery of an envelope. */
typedef struct envelope {
    char id[64];
    const char *type;   /* "events_api", "interactive"; NULL: sent with fake_slack_raw */
    char *payload;      /* the JSON text of "payload"; NULL for raw frames */
    int attempt;        /* retry_attempt */
    int pending;        /* events_api: not yet acked, retried or given up */
    size_t conn;        /* index of the socket it was written to */
    long long sent_ms;  /* -1 until written */
    long long deadline; /* when a pending delivery is retried */
    long long acked_ms; /* -1 until acked */
} envelope;

/* A row of the users.info table. */
typedef struct account {
    char *id, *name, *email;
} account;

/* A per-key knob: a channel's delay, a method's rate limit. */
typedef struct knob {
    char *key;
    int value; /* delay ms; calls left to answer with 429 */
    int retry_after;
} knob;

struct fake_slack {
    struct lws_context *context;
    pthread_t thread;
    int running; /* the thread was started */
    int port;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int stop;
    int woken; /* lws_cancel_service() called and not yet handled */

    /* Web API */
    account *users;
    size_t n_users;
    knob *delays, *limits;
    size_t n_delays, n_limits;
    fake_post *posts;
    size_t n_posts;
    long long serial;       /* message timestamps, event and envelope ids */
    unsigned char *tickets; /* one per ticket issued: nonzero once used */
    size_t n_tickets;
    int connections_open;

    /* Socket Mode */
    conn **conns;
    size_t n_conns;
    int open_sockets, hellos;
    queue orphans; /* envelopes waiting for the next socket */
    envelope *envs;
    size_t n_envs;
    size_t *by_id; /* open addressing: index in envs + 1, 0 = empty */
    size_t by_id_cap;
    size_t pending_from; /* no delivery before this one is pending */
    int ack_timeout_ms, ignore_acks;
    lws_sorted_usec_list_t ack_sul; /* fires at the earliest ack deadline */
    long long ack_due;              /* when ack_sul fires; 0: not armed */
};

/* Per-connection user data for both roles of the one protocol. */
typedef struct session {
    /* HTTP: the request in progress (keep-alive reuses the session) */
    char method[64];
    char auth[256];
    int json_body;
    json_t *args; /* parameters: query string, then body */
    char *body;
    size_t body_len;
    unsigned char *resp; /* LWS_PRE bytes of room, then the JSON answer */
    size_t resp_len;
    int status, retry_after, head_sent;
    /* WebSocket */
    conn *conn;
} session;

/* ---- small helpers ---- */

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "fake_slack: out of memory\n");
        abort();
    }
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    return memset(xrealloc(NULL, n * size), 0, n * size);
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(xrealloc(NULL, n), s, n);
}

/* Make room for element `n` of an array grown by doubling (n is the count so far). */
static void *grow(void *p, size_t n, size_t size)
{
    if (n == 0 || (n & (n - 1)) != 0)
        return n == 0 ? xrealloc(p, size) : p;
    return xrealloc(p, 2 * n * size);
}

/* Copy `s` into a fixed field, truncating. */
static void field(char *dst, size_t size, const char *s)
{
    snprintf(dst, size, "%s", s ? s : "");
}

long long fake_slack_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A frame holding `text` (len bytes) after LWS_PRE bytes of room. */
static frame *frame_new(const char *text, size_t len)
{
    frame *fr = xrealloc(NULL, sizeof(*fr));

    fr->next = NULL;
    fr->buf = xrealloc(NULL, LWS_PRE + len + 1);
    memcpy(fr->buf + LWS_PRE, text, len);
    fr->len = len;
    fr->env = -1;
    fr->hello = 0;
    return fr;
}

static void frame_free(frame *fr)
{
    free(fr->buf);
    free(fr);
}

static void push(queue *q, frame *fr)
{
    fr->next = NULL;
    if (q->tail)
        q->tail->next = fr;
    else
        q->head = fr;
    q->tail = fr;
}

static frame *pop(queue *q)
{
    frame *fr = q->head;

    if (fr) {
        q->head = fr->next;
        if (q->head == NULL)
            q->tail = NULL;
    }
    return fr;
}

/* Append every frame of `from` to `to`. */
static void splice(queue *to, queue *from)
{
    frame *fr;

    while ((fr = pop(from)) != NULL)
        push(to, fr);
}

static const char *str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The next message timestamp: "1700000000.000001", "1700000000.000002", … */
static void next_ts(fake_slack *f, char ts[32])
{
    long long n = ++f->serial;

    snprintf(ts, 32, "%lld.%06lld", TS_BASE + n / 1000000, n % 1000000);
}

/* ---- envelopes ---- */

static size_t hash(const char *s)
{
    size_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void index_put(size_t *table, size_t cap, const char *id, size_t i)
{
    size_t k = hash(id) & (cap - 1);

    while (table[k] != 0)
        k = (k + 1) & (cap - 1);
    table[k] = i + 1;
}

/* The index of the delivery with id `id` in f->envs, or -1. */
static long env_find(const fake_slack *f, const char *id)
{
    size_t k;

    if (f->by_id_cap == 0)
        return -1;
    for (k = hash(id) & (f->by_id_cap - 1); f->by_id[k] != 0; k = (k + 1) & (f->by_id_cap - 1))
        if (strcmp(f->envs[f->by_id[k] - 1].id, id) == 0)
            return (long)(f->by_id[k] - 1);
    return -1;
}

/* Record a new delivery (`id` NULL: make one up), taking `payload`; returns its index. */
static size_t env_new(fake_slack *f, const char *id, const char *type, char *payload, int attempt)
{
    size_t i = f->n_envs, k;
    envelope *e;

    f->envs = grow(f->envs, f->n_envs, sizeof(*f->envs));
    e = &f->envs[f->n_envs++];
    if (id)
        field(e->id, sizeof(e->id), id);
    else
        snprintf(e->id, sizeof(e->id), "%08llx-fa4e-4000-8000-%012llx", ++f->serial,
                 (unsigned long long)fake_slack_now_ms());
    e->type = type;
    e->payload = payload;
    e->attempt = attempt;
    e->pending = type != NULL && strcmp(type, "events_api") == 0;
    e->conn = 0;
    e->sent_ms = -1;
    e->deadline = 0;
    e->acked_ms = -1;

    if (2 * f->n_envs > f->by_id_cap) {
        f->by_id_cap = f->by_id_cap ? 2 * f->by_id_cap : 64;
        free(f->by_id);
        f->by_id = xcalloc(f->by_id_cap, sizeof(*f->by_id));
        for (k = 0; k < f->n_envs; k++)
            index_put(f->by_id, f->by_id_cap, f->envs[k].id, k);
    } else {
        index_put(f->by_id, f->by_id_cap, e->id, i);
    }
    return i;
}

/* The socket events go to: the most recently opened one still open, or NULL. */
static conn *current(const fake_slack *f)
{
    size_t i;

    for (i = f->n_conns; i-- > 0;)
        if (f->conns[i]->open && !f->conns[i]->drop)
            return f->conns[i];
    return NULL;
}

/* Queue delivery `i` on the current socket (returned) or, when none is open, for the next one. */
static conn *deliver(fake_slack *f, size_t i)
{
    conn *c = current(f);
    frame *fr = xrealloc(NULL, sizeof(*fr));

    fr->buf = NULL;
    fr->len = 0;
    fr->env = (long)i;
    fr->hello = 0;
    push(c ? &c->out : &f->orphans, fr);
    return c;
}

/* Deliver events_api delivery `i` again as a new delivery; returns deliver()'s socket. */
static conn *redeliver(fake_slack *f, size_t i)
{
    envelope *e = &f->envs[i];
    char *payload = xstrdup(e->payload);
    int attempt = e->attempt + 1;

    e->pending = 0;
    return deliver(f, env_new(f, NULL, "events_api", payload, attempt));
}

/* Render the envelope of frame `fr` as the Socket Mode text written now. */
static void render(const fake_slack *f, frame *fr)
{
    const envelope *e = &f->envs[fr->env];
    size_t size = strlen(e->payload) + 256;
    char *text;
    int n;

    fr->buf = xrealloc(NULL, LWS_PRE + size);
    text = (char *)fr->buf + LWS_PRE;
    if (strcmp(e->type, "events_api") == 0)
        n = snprintf(text, size,
                     "{\"envelope_id\":\"%s\",\"type\":\"events_api\","
                     "\"accepts_response_payload\":false,\"retry_attempt\":%d,"
                     "\"retry_reason\":\"%s\",\"payload\":%s}",
                     e->id, e->attempt, e->attempt > 0 ? "timeout" : "", e->payload);
    else
        n = snprintf(text, size,
                     "{\"envelope_id\":\"%s\",\"type\":\"%s\","
                     "\"accepts_response_payload\":false,\"payload\":%s}",
                     e->id, e->type, e->payload);
    fr->len = (size_t)n;
}

static void on_ack_timer(lws_sorted_usec_list_t *sul);

/* Loop thread, lock held: have the ack timer fire at `due` unless it fires sooner already. */
static void ack_arm(fake_slack *f, long long due)
{
    long long now = fake_slack_now_ms();

    if (f->ack_due != 0 && f->ack_due <= due)
        return;
    f->ack_due = due;
    lws_sul_schedule(f->context, 0, &f->ack_sul, on_ack_timer,
                     (lws_usec_t)(due > now ? due - now : 1) * LWS_US_PER_MS);
}

/* Loop thread: retry (or give up) every written delivery past its deadline. */
static void on_ack_timer(lws_sorted_usec_list_t *sul)
{
    fake_slack *f = lws_container_of(sul, fake_slack, ack_sul);
    long long now = fake_slack_now_ms(), next = 0;
    conn *c, *wake = NULL;
    size_t i;

    pthread_mutex_lock(&f->lock);
    f->ack_due = 0;
    while (f->pending_from < f->n_envs && !f->envs[f->pending_from].pending)
        f->pending_from++;
    for (i = f->pending_from; i < f->n_envs; i++) {
        envelope *e = &f->envs[i];

        if (!e->pending || e->sent_ms < 0)
            continue;
        if (e->deadline > now)
            next = next == 0 || e->deadline < next ? e->deadline : next;
        else if (e->attempt >= MAX_RETRIES)
            e->pending = 0;
        else if ((c = redeliver(f, i)) != NULL)
            wake = c;
    }
    if (next != 0)
        ack_arm(f, next);
    if (wake)
        lws_callback_on_writable(wake->wsi);
    pthread_mutex_unlock(&f->lock);
}

/* Test thread, lock held: the loop has queued work to look at. Returns 1
 * when the caller must call lws_cancel_service() once unlocked. */
static int need_wake(fake_slack *f)
{
    int was = f->woken;

    f->woken = 1;
    return !was;
}

/* Test thread: queue an events_api or interactive envelope on the current
 * socket. With no socket open, an event waits for the next one (Slack keeps
 * retrying events) and a click is refused. Returns the envelope id (caller
 * frees) or NULL for a refused click; `payload` is taken either way. */
static char *send_envelope(fake_slack *f, const char *type, json_t *payload)
{
    char *text = json_dumps(payload, JSON_COMPACT), *id = NULL;
    int wake = 0;

    json_decref(payload);
    pthread_mutex_lock(&f->lock);
    if (current(f) != NULL || strcmp(type, "events_api") == 0) {
        size_t i = env_new(f, NULL, type, text, 0);

        text = NULL;
        deliver(f, i);
        id = xstrdup(f->envs[i].id);
        wake = need_wake(f);
    }
    pthread_mutex_unlock(&f->lock);
    free(text);
    if (wake)
        lws_cancel_service(f->context);
    return id;
}

/* ---- Socket Mode ---- */

/* Loop thread, lock held: a new socket got past the ticket check. */
static conn *conn_open(fake_slack *f, struct lws *wsi)
{
    conn *c = xcalloc(1, sizeof(*c));
    char hello[256];
    frame *fr;
    int n;

    f->conns = grow(f->conns, f->n_conns, sizeof(*f->conns));
    c->index = f->n_conns;
    f->conns[f->n_conns++] = c;
    c->wsi = wsi;
    c->open = 1;
    f->open_sockets++;
    n = snprintf(hello, sizeof(hello),
                 "{\"type\":\"hello\",\"num_connections\":%d,\"debug_info\":{\"host\":\"fake\","
                 "\"approximate_connection_time\":%d},\"connection_info\":{\"app_id\":\"%s\"}}",
                 f->open_sockets, CONNECTION_TIME, APP_ID);
    fr = frame_new(hello, (size_t)n);
    fr->hello = 1;
    push(&c->out, fr);
    /* Envelopes that lost their socket come right after the hello. */
    splice(&c->out, &f->orphans);
    return c;
}

/* Loop thread, lock held: socket `c` closed. What it had not written waits
 * for the next socket; events it wrote and nobody acked are delivered again. */
static void conn_closed(fake_slack *f, conn *c)
{
    frame *fr;
    conn *next;
    size_t i;

    c->open = 0;
    c->wsi = NULL;
    f->open_sockets--;
    free(c->rx);
    c->rx = NULL;
    while ((fr = pop(&c->out)) != NULL) {
        if (fr->buf == NULL)
            push(&f->orphans, fr);
        else
            frame_free(fr);
    }
    for (i = f->pending_from; i < f->n_envs; i++) {
        envelope *e = &f->envs[i];

        if (!e->pending || e->sent_ms < 0 || e->conn != c->index)
            continue;
        if (e->attempt >= MAX_RETRIES)
            e->pending = 0;
        else
            redeliver(f, i);
    }
    /* When another socket is still open (a reconnect overlapped), use it now. */
    next = current(f);
    if (next != NULL && !f->stop) {
        splice(&next->out, &f->orphans);
        if (next->out.head != NULL)
            lws_callback_on_writable(next->wsi);
    }
}

/* Loop thread: write the next frame of socket `c`. Returns -1 to close it. */
static int conn_write(fake_slack *f, conn *c)
{
    frame *fr;
    int more, n;

    pthread_mutex_lock(&f->lock);
    if (c->drop) {
        pthread_mutex_unlock(&f->lock);
        return -1; /* NOSTATUS close: lws sends no close frame */
    }
    fr = pop(&c->out);
    if (fr == NULL) {
        pthread_mutex_unlock(&f->lock);
        return 0;
    }
    if (fr->buf == NULL)
        render(f, fr);
    if (fr->env >= 0) {
        envelope *e = &f->envs[fr->env];

        e->sent_ms = fake_slack_now_ms();
        e->conn = c->index;
        if (e->pending) {
            e->deadline = e->sent_ms + f->ack_timeout_ms;
            ack_arm(f, e->deadline);
        }
    }
    if (fr->hello) {
        f->hellos++;
        pthread_cond_broadcast(&f->changed);
    }
    more = c->out.head != NULL;
    pthread_mutex_unlock(&f->lock);

    n = lws_write(c->wsi, fr->buf + LWS_PRE, fr->len, LWS_WRITE_TEXT);
    frame_free(fr);
    if (n < 0)
        return -1;
    if (more)
        lws_callback_on_writable(c->wsi);
    return 0;
}

/* Loop thread: a whole message from the bot; an ack is {"envelope_id":…[,"payload":…]}. */
static void conn_message(fake_slack *f, const char *text, size_t len)
{
    json_t *msg = json_loadb(text, len, 0, NULL);
    const char *id = str(msg, "envelope_id");
    long i;

    pthread_mutex_lock(&f->lock);
    if (id != NULL && !f->ignore_acks && (i = env_find(f, id)) >= 0 && f->envs[i].acked_ms < 0) {
        f->envs[i].acked_ms = fake_slack_now_ms();
        f->envs[i].pending = 0;
        pthread_cond_broadcast(&f->changed);
    }
    pthread_mutex_unlock(&f->lock);
    json_decref(msg);
}

/* Loop thread: is this a /link/ upgrade with a ticket not used yet? Uses it up. */
static int ticket_ok(fake_slack *f, struct lws *wsi)
{
    char path[32], arg[32], *end;
    const char *value;
    long n;
    int ok;

    if (lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) < 0 || strcmp(path, "/link/") != 0)
        return 0;
    value = lws_get_urlarg_by_name(wsi, "ticket=", arg, sizeof(arg));
    if (value == NULL)
        return 0;
    n = strtol(value, &end, 10);
    pthread_mutex_lock(&f->lock);
    ok = *end == '\0' && n >= 1 && (size_t)n <= f->n_tickets && !f->tickets[n - 1];
    if (ok)
        f->tickets[n - 1] = 1;
    pthread_mutex_unlock(&f->lock);
    return ok;
}

/* ---- Web API ---- */

static json_t *api_error(const char *error)
{
    return json_pack("{s:b, s:s}", "ok", 0, "error", error);
}

/* The `blocks` parameter (a JSON array, or its text in a form) in *out (new
 * reference, NULL when absent). Returns -1 when it is not an array. */
static int get_blocks(json_t *args, json_t **out)
{
    json_t *v = json_object_get(args, "blocks");

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    *out = json_is_string(v) ? json_loads(json_string_value(v), 0, NULL) : json_incref(v);
    if (json_is_array(*out))
        return 0;
    json_decref(*out);
    *out = NULL;
    return -1;
}

/* Lock held: record a post; `blocks` is borrowed. */
static void record(fake_slack *f, const char *kind, const char *channel, const char *ts,
                   const char *thread_ts, const char *user, const char *text, json_t *blocks)
{
    fake_post *p;

    f->posts = grow(f->posts, f->n_posts, sizeof(*f->posts));
    p = &f->posts[f->n_posts++];
    field(p->kind, sizeof(p->kind), kind);
    field(p->channel, sizeof(p->channel), channel);
    field(p->ts, sizeof(p->ts), ts);
    field(p->thread_ts, sizeof(p->thread_ts), thread_ts);
    field(p->user, sizeof(p->user), user);
    p->text = xstrdup(text ? text : "");
    p->blocks = blocks ? json_dumps(blocks, JSON_COMPACT) : NULL;
    p->at_ms = fake_slack_now_ms();
    pthread_cond_broadcast(&f->changed);
}

/* Lock held: the latest post or update of message `ts` in `channel`, or NULL. */
static const fake_post *find_message(const fake_slack *f, const char *channel, const char *ts)
{
    size_t i;

    for (i = f->n_posts; i-- > 0;) {
        const fake_post *p = &f->posts[i];

        if (strcmp(p->ts, ts) == 0 && strcmp(p->channel, channel) == 0 &&
            strcmp(p->kind, "ratelimited") != 0)
            return p;
    }
    return NULL;
}

/* The "message" object of a chat.* answer; `blocks` is borrowed. */
static json_t *bot_message(const char *text, const char *ts, const char *thread_ts, json_t *blocks)
{
    json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "message", "user", BOT_USER,
                          "bot_id", BOT_ID, "app_id", APP_ID, "text", text, "ts", ts);

    if (thread_ts)
        json_object_set_new(m, "thread_ts", json_string(thread_ts));
    if (blocks)
        json_object_set(m, "blocks", blocks);
    return m;
}

static json_t *auth_test(fake_slack *f, json_t *args)
{
    (void)f;
    (void)args;
    return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "ok", 1, "url",
                     "https://fake.slack.com/", "team", "Fake", "user", "deskbot", "team_id", TEAM,
                     "user_id", BOT_USER, "bot_id", BOT_ID);
}

static json_t *connections_open(fake_slack *f, json_t *args)
{
    char url[128];

    (void)args;
    f->tickets = grow(f->tickets, f->n_tickets, 1);
    f->tickets[f->n_tickets++] = 0;
    f->connections_open++;
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/link/?ticket=%zu", f->port, f->n_tickets);
    return json_pack("{s:b, s:s}", "ok", 1, "url", url);
}

static json_t *post_message(fake_slack *f, json_t *args)
{
    const char *channel = str(args, "channel"), *text = str(args, "text");
    const char *thread_ts = str(args, "thread_ts");
    json_t *blocks, *answer;
    char ts[32];

    if (channel == NULL || channel[0] == '\0')
        return api_error("channel_not_found");
    if (text == NULL || text[0] == '\0')
        return api_error("no_text");
    if (get_blocks(args, &blocks) < 0)
        return api_error("invalid_blocks");
    next_ts(f, ts);
    record(f, "post", channel, ts, thread_ts, NULL, text, blocks);
    answer = json_pack("{s:b, s:s, s:s, s:o}", "ok", 1, "channel", channel, "ts", ts, "message",
                       bot_message(text, ts, thread_ts, blocks));
    json_decref(blocks);
    return answer;
}

static json_t *update(fake_slack *f, json_t *args)
{
    const char *channel = str(args, "channel"), *text = str(args, "text");
    const char *ts = str(args, "ts");
    const fake_post *old;
    json_t *blocks, *answer;
    char thread_ts[32];

    if (channel == NULL || channel[0] == '\0')
        return api_error("channel_not_found");
    old = ts ? find_message(f, channel, ts) : NULL;
    if (old == NULL || strcmp(old->kind, "ephemeral") == 0)
        return api_error("message_not_found");
    if (text == NULL || text[0] == '\0')
        return api_error("no_text");
    if (get_blocks(args, &blocks) < 0)
        return api_error("invalid_blocks");
    field(thread_ts, sizeof(thread_ts), old->thread_ts); /* record() may move the posts */
    record(f, "update", channel, ts, thread_ts, NULL, text, blocks);
    answer =
        json_pack("{s:b, s:s, s:s, s:s, s:o}", "ok", 1, "channel", channel, "ts", ts, "text", text,
                  "message", bot_message(text, ts, thread_ts[0] ? thread_ts : NULL, blocks));
    json_decref(blocks);
    return answer;
}

static json_t *post_ephemeral(fake_slack *f, json_t *args)
{
    const char *channel = str(args, "channel"), *text = str(args, "text");
    const char *user = str(args, "user");
    json_t *blocks;
    char ts[32];

    if (channel == NULL || channel[0] == '\0')
        return api_error("channel_not_found");
    if (user == NULL || user[0] == '\0')
        return api_error("user_not_in_channel");
    if (text == NULL || text[0] == '\0')
        return api_error("no_text");
    if (get_blocks(args, &blocks) < 0)
        return api_error("invalid_blocks");
    next_ts(f, ts);
    record(f, "ephemeral", channel, ts, str(args, "thread_ts"), user, text, blocks);
    json_decref(blocks);
    return json_pack("{s:b, s:s}", "ok", 1, "message_ts", ts);
}

static json_t *conversations_open(fake_slack *f, json_t *args)
{
    const char *users = str(args, "users");
    char id[64];

    (void)f;
    if (users == NULL || users[0] == '\0')
        return api_error("users_list_not_supplied");
    snprintf(id, sizeof(id), "D%s", users);
    return json_pack("{s:b, s:{s:s}}", "ok", 1, "channel", "id", id);
}

static json_t *users_info(fake_slack *f, json_t *args)
{
    const char *id = str(args, "user");
    size_t i;

    for (i = 0; id != NULL && i < f->n_users; i++) {
        const account *u = &f->users[i];

        if (strcmp(u->id, id) == 0)
            return json_pack("{s:b, s:{s:s, s:s, s:s, s:b, s:s, s:b, s:{s:s, s:s, s:s}}}", "ok", 1,
                             "user", "id", u->id, "team_id", TEAM, "name", u->name, "deleted", 0,
                             "real_name", u->name, "is_bot", 0, "profile", "real_name", u->name,
                             "display_name", u->name, "email", u->email);
    }
    return api_error("user_not_found");
}

typedef json_t *(*method_fn)(fake_slack *f, json_t *args);

static const struct method {
    const char *name;
    const char *token; /* the token's prefix */
    method_fn fn;
} methods[] = {
    {"auth.test", "xoxb-", auth_test},
    {"apps.connections.open", "xapp-", connections_open},
    {"chat.postMessage", "xoxb-", post_message},
    {"chat.update", "xoxb-", update},
    {"chat.postEphemeral", "xoxb-", post_ephemeral},
    {"conversations.open", "xoxb-", conversations_open},
    {"users.info", "xoxb-", users_info},
};

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode a form value ('+' and %XX); returns a new string. */
static char *form_decode(const char *s, size_t len)
{
    char *out = xrealloc(NULL, len + 1), *o = out;
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < len && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            *o++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* Add the name=value pairs of a form body to `args`. */
static void parse_form(json_t *args, const char *s, size_t len)
{
    const char *end = s + len;

    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s)), *eq;
        size_t n = amp ? (size_t)(amp - s) : (size_t)(end - s);

        eq = memchr(s, '=', n);
        if (eq != NULL) {
            char *name = form_decode(s, (size_t)(eq - s));
            char *value = form_decode(eq + 1, n - (size_t)(eq - s) - 1);

            json_object_set_new(args, name, json_string(value));
            free(name);
            free(value);
        }
        s += n + 1;
    }
}

/* Set the session's answer: HTTP `status` with `body` (taken) as JSON. */
static void answer(session *s, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    size_t n = strlen(text);

    json_decref(body);
    s->resp = xrealloc(NULL, LWS_PRE + n);
    memcpy(s->resp + LWS_PRE, text, n);
    free(text);
    s->resp_len = n;
    s->status = status;
}

/* Answer the request in `s`; returns how many ms to hold the answer back. */
static int api_call(fake_slack *f, session *s)
{
    const struct method *m = NULL;
    const char *channel;
    json_t *body;
    size_t i;
    int delay = 0;

    if (s->json_body && s->body_len > 0) {
        body = json_loadb(s->body, s->body_len, 0, NULL);
        if (!json_is_object(body)) {
            json_decref(body);
            answer(s, HTTP_STATUS_OK, api_error("invalid_json"));
            return 0;
        }
        json_object_update(s->args, body);
        json_decref(body);
    } else if (s->body_len > 0) {
        parse_form(s->args, s->body, s->body_len);
    }
    channel = str(s->args, "channel");

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(methods[i].name, s->method) == 0)
            m = &methods[i];
    if (m == NULL) {
        answer(s, HTTP_STATUS_OK, api_error("unknown_method"));
        return 0;
    }
    if (strncmp(s->auth, "Bearer ", 7) != 0) {
        answer(s, HTTP_STATUS_OK, api_error("not_authed"));
        return 0;
    }
    if (strncmp(s->auth + 7, m->token, strlen(m->token)) != 0) {
        answer(s, HTTP_STATUS_OK, api_error("invalid_auth"));
        return 0;
    }

    pthread_mutex_lock(&f->lock);
    if (strncmp(m->name, "chat.", 5) == 0 && channel != NULL)
        for (i = 0; i < f->n_delays; i++)
            if (strcmp(f->delays[i].key, channel) == 0)
                delay = f->delays[i].value;
    for (i = 0; i < f->n_limits; i++) {
        knob *k = &f->limits[i];

        if (strcmp(k->key, m->name) == 0 && k->value > 0) {
            k->value--;
            s->retry_after = k->retry_after;
            record(f, "ratelimited", channel, NULL, NULL, NULL, m->name, NULL);
            answer(s, HTTP_TOO_MANY_REQUESTS, api_error("ratelimited"));
            pthread_mutex_unlock(&f->lock);
            return delay;
        }
    }
    answer(s, HTTP_STATUS_OK, m->fn(f, s->args));
    pthread_mutex_unlock(&f->lock);
    return delay;
}

/* Forget the HTTP request in `s` (after its answer, or when the connection closes). */
static void session_clear(session *s)
{
    if (s == NULL) /* lws closes some connections before it gave them a session */
        return;
    json_decref(s->args);
    free(s->body);
    free(s->resp);
    memset(s, 0, sizeof(*s));
}

/* A new request: remember what the answer depends on; the body may follow. */
static void http_begin(struct lws *wsi, session *s, const char *path)
{
    char ctype[64], arg[1024];
    int i;

    session_clear(s);
    s->args = json_object();
    field(s->method, sizeof(s->method), strncmp(path, "/api/", 5) == 0 ? path + 5 : "");
    if (lws_hdr_copy(wsi, s->auth, sizeof(s->auth), WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
        field(s->auth, sizeof(s->auth), "Bearer (too long)");
    if (lws_hdr_copy(wsi, ctype, sizeof(ctype), WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
        ctype[0] = '\0';
    s->json_body = strncasecmp(ctype, "application/json", 16) == 0;
    /* lws has already split the query string at '&' and decoded it. */
    for (i = 0; lws_hdr_copy_fragment(wsi, arg, sizeof(arg), WSI_TOKEN_HTTP_URI_ARGS, i) >= 0;
         i++) {
        char *eq = strchr(arg, '=');

        if (eq != NULL) {
            *eq = '\0';
            json_object_set_new(s->args, arg, json_string(eq + 1));
        }
    }
}

/* The whole request is in: answer it now, or after the channel's delay. */
static void http_end(fake_slack *f, struct lws *wsi, session *s)
{
    int delay;

    if (s->method[0] == '\0') {
        answer(s, HTTP_STATUS_NOT_FOUND, api_error("not_found"));
        delay = 0;
    } else {
        delay = api_call(f, s);
    }
    if (delay > 0) /* lws's per-connection timer (a sul): it dies with the connection */
        lws_set_timer_usecs(wsi, (lws_usec_t)delay * LWS_US_PER_MS);
    else
        lws_callback_on_writable(wsi);
}

/* Write the answer: headers on one WRITEABLE, the body on the next. */
static int http_write(struct lws *wsi, session *s)
{
    unsigned char head[LWS_PRE + 256], *start = head + LWS_PRE, *p = start,
                                       *end = head + sizeof(head) - 1;
    char value[16];
    int n;

    if (s->resp == NULL)
        return 0;
    if (!s->head_sent) {
        if (lws_add_http_common_headers(wsi, (unsigned)s->status, "application/json; charset=utf-8",
                                        (lws_filepos_t)s->resp_len, &p, end))
            return -1;
        if (s->retry_after > 0) {
            n = snprintf(value, sizeof(value), "%d", s->retry_after);
            if (lws_add_http_header_by_name(wsi, (const unsigned char *)"retry-after:",
                                            (const unsigned char *)value, n, &p, end))
                return -1;
        }
        if (lws_finalize_write_http_header(wsi, start, &p, end))
            return -1;
        s->head_sent = 1;
        lws_callback_on_writable(wsi);
        return 0;
    }
    n = lws_write(wsi, s->resp + LWS_PRE, s->resp_len, LWS_WRITE_HTTP_FINAL);
    session_clear(s);
    if (n < 0)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* ---- the lws protocol ---- */

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    fake_slack *f = lws_context_user(lws_get_context(wsi));
    session *s = user;
    size_t i;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        http_begin(wsi, s, in);
        if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) == 0)
            http_end(f, wsi, s); /* a POST ends in HTTP_BODY_COMPLETION */
        return 0;
    case LWS_CALLBACK_HTTP_BODY:
        if (len == 0) /* "Content-Length: 0" comes as one empty body */
            return 0;
        if (s->body_len + len > BODY_MAX)
            return -1;
        s->body = xrealloc(s->body, s->body_len + len);
        memcpy(s->body + s->body_len, in, len);
        s->body_len += len;
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        http_end(f, wsi, s);
        return 0;
    case LWS_CALLBACK_TIMER: /* the channel's delay is over */
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_write(wsi, s);
    case LWS_CALLBACK_CLOSED_HTTP:
        session_clear(s);
        return 0;

    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        if (ticket_ok(f, wsi))
            return 0;
        lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, NULL);
        return 1; /* answered; lws completes the transaction */
    case LWS_CALLBACK_ESTABLISHED:
        pthread_mutex_lock(&f->lock);
        s->conn = conn_open(f, wsi);
        pthread_mutex_unlock(&f->lock);
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return conn_write(f, s->conn);
    case LWS_CALLBACK_RECEIVE:
        s->conn->rx = xrealloc(s->conn->rx, s->conn->rx_len + len);
        memcpy(s->conn->rx + s->conn->rx_len, in, len);
        s->conn->rx_len += len;
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            conn_message(f, s->conn->rx, s->conn->rx_len);
            free(s->conn->rx);
            s->conn->rx = NULL;
            s->conn->rx_len = 0;
        }
        return 0;
    case LWS_CALLBACK_CLOSED:
        if (s->conn != NULL) {
            pthread_mutex_lock(&f->lock);
            conn_closed(f, s->conn);
            pthread_mutex_unlock(&f->lock);
        }
        return 0;

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        /* The test thread queued frames or asked for a drop. */
        pthread_mutex_lock(&f->lock);
        f->woken = 0;
        for (i = 0; i < f->n_conns && !f->stop; i++) {
            conn *c = f->conns[i];

            if (c->open && (c->drop || c->out.head != NULL))
                lws_callback_on_writable(c->wsi);
        }
        pthread_mutex_unlock(&f->lock);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static const struct lws_protocols protocols[] = {
    /* Serves HTTP, and WebSocket upgrades naming no subprotocol or this one. */
    {"fake-slack", callback, sizeof(session), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- the public API ---- */

static void *run(void *arg)
{
    fake_slack *f = arg;
    int stop;

    for (;;) {
        pthread_mutex_lock(&f->lock);
        stop = f->stop;
        pthread_mutex_unlock(&f->lock);
        if (stop || lws_service(f->context, 0) < 0)
            break;
    }
    return NULL;
}

fake_slack *fake_slack_start(void)
{
    struct lws_context_creation_info info;
    pthread_condattr_t attr;
    fake_slack *f = xcalloc(1, sizeof(*f));
    int rc;

    f->ack_timeout_ms = 3000;
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&f->changed, &attr);
    pthread_condattr_destroy(&attr);

    /* lws's notices would flood the test's output (the level is per process). */
    lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
    memset(&info, 0, sizeof(info));
    info.port = 0; /* ephemeral */
    info.iface = "127.0.0.1";
    info.protocols = protocols;
    info.user = f;
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    f->context = lws_create_context(&info);
    if (f->context == NULL) {
        fprintf(stderr, "fake_slack: cannot create the lws context\n");
        fake_slack_stop(f);
        return NULL;
    }
    f->port = lws_get_vhost_listen_port(lws_get_vhost_by_name(f->context, "default"));
    rc = pthread_create(&f->thread, NULL, run, f);
    if (rc != 0) {
        fprintf(stderr, "fake_slack: cannot start its thread: %s\n", strerror(rc));
        fake_slack_stop(f);
        return NULL;
    }
    f->running = 1;
    return f;
}

void fake_slack_stop(fake_slack *f)
{
    frame *fr;
    size_t i;

    if (f == NULL)
        return;
    if (f->running) {
        pthread_mutex_lock(&f->lock);
        f->stop = 1;
        pthread_mutex_unlock(&f->lock);
        lws_cancel_service(f->context);
        pthread_join(f->thread, NULL);
    }
    /* The loop thread is gone: lws's close callbacks now run on this thread. */
    if (f->context != NULL) {
        lws_sul_cancel(&f->ack_sul);
        lws_context_destroy(f->context);
    }
    for (i = 0; i < f->n_conns; i++) {
        while ((fr = pop(&f->conns[i]->out)) != NULL)
            frame_free(fr);
        free(f->conns[i]->rx);
        free(f->conns[i]);
    }
    while ((fr = pop(&f->orphans)) != NULL)
        frame_free(fr);
    for (i = 0; i < f->n_envs; i++)
        free(f->envs[i].payload);
    for (i = 0; i < f->n_users; i++) {
        free(f->users[i].id);
        free(f->users[i].name);
        free(f->users[i].email);
    }
    for (i = 0; i < f->n_delays; i++)
        free(f->delays[i].key);
    for (i = 0; i < f->n_limits; i++)
        free(f->limits[i].key);
    fake_slack_posts_free(f->posts, f->n_posts);
    free(f->conns);
    free(f->envs);
    free(f->by_id);
    free(f->users);
    free(f->delays);
    free(f->limits);
    free(f->tickets);
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

int fake_slack_port(const fake_slack *f)
{
    return f->port;
}

void fake_slack_user(fake_slack *f, const char *id, const char *name, const char *email)
{
    account *u = NULL;
    size_t i;

    pthread_mutex_lock(&f->lock);
    for (i = 0; i < f->n_users; i++)
        if (strcmp(f->users[i].id, id) == 0)
            u = &f->users[i];
    if (u == NULL) {
        f->users = grow(f->users, f->n_users, sizeof(*f->users));
        u = &f->users[f->n_users++];
        u->id = xstrdup(id);
    } else {
        free(u->name);
        free(u->email);
    }
    u->name = xstrdup(name);
    u->email = xstrdup(email);
    pthread_mutex_unlock(&f->lock);
}

/* Lock held: the knob for `key` in a table, added when missing. */
static knob *knob_get(knob **table, size_t *n, const char *key)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcmp((*table)[i].key, key) == 0)
            return &(*table)[i];
    *table = grow(*table, *n, sizeof(**table));
    (*table)[*n].key = xstrdup(key);
    return &(*table)[(*n)++];
}

void fake_slack_delay(fake_slack *f, const char *channel, int ms)
{
    pthread_mutex_lock(&f->lock);
    knob_get(&f->delays, &f->n_delays, channel)->value = ms;
    pthread_mutex_unlock(&f->lock);
}

void fake_slack_rate_limit(fake_slack *f, const char *method, int calls, int retry_after)
{
    knob *k;

    pthread_mutex_lock(&f->lock);
    k = knob_get(&f->limits, &f->n_limits, method);
    k->value = calls;
    k->retry_after = retry_after;
    pthread_mutex_unlock(&f->lock);
}

void fake_slack_ack_timeout(fake_slack *f, int ms)
{
    pthread_mutex_lock(&f->lock);
    f->ack_timeout_ms = ms;
    pthread_mutex_unlock(&f->lock);
}

void fake_slack_ignore_acks(fake_slack *f, int on)
{
    pthread_mutex_lock(&f->lock);
    f->ignore_acks = on;
    pthread_mutex_unlock(&f->lock);
}

/* The event_callback body around `event` (taken); the event_id goes to *event_id. */
static json_t *event_callback(fake_slack *f, json_t *event, char **event_id)
{
    const char *channel = str(event, "channel");
    char id[32], context[96];

    pthread_mutex_lock(&f->lock);
    snprintf(id, sizeof(id), "Ev%08llX", ++f->serial);
    pthread_mutex_unlock(&f->lock);
    snprintf(context, sizeof(context), "1-%s-%s-%s", str(event, "type"), TEAM,
             channel ? channel : "");
    if (event_id)
        *event_id = xstrdup(id);
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:[{s:n, s:s, s:s, s:b, s:b}], s:b, "
                     "s:s}",
                     "token", "fake-verification-token", "team_id", TEAM, "api_app_id", APP_ID,
                     "event", event, "type", "event_callback", "event_id", id, "event_time",
                     (json_int_t)time(NULL), "authorizations", "enterprise_id", "team_id", TEAM,
                     "user_id", BOT_USER, "is_bot", 1, "is_enterprise_install", 0,
                     "is_ext_shared_channel", 0, "event_context", context);
}

/* Send the events_api envelope for `event` (taken); handles *event_id on failure. */
static char *send_event(fake_slack *f, json_t *event, char **event_id)
{
    char *id = send_envelope(f, "events_api", event_callback(f, event, event_id));

    if (id == NULL && event_id) {
        free(*event_id);
        *event_id = NULL;
    }
    return id;
}

/* A user's message event in `channel`; ts, event_ts, client_msg_id and team filled in. */
static json_t *user_message(fake_slack *f, const char *type, const char *user, const char *channel,
                            const char *text)
{
    char ts[32], msg_id[48];

    pthread_mutex_lock(&f->lock);
    next_ts(f, ts);
    snprintf(msg_id, sizeof(msg_id), "%08llx-c11e-4000-8000-000000000000", f->serial);
    pthread_mutex_unlock(&f->lock);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", type, "user", user,
                     "channel", channel, "text", text, "ts", ts, "event_ts", ts, "client_msg_id",
                     msg_id, "team", TEAM);
}

char *fake_slack_dm(fake_slack *f, const char *user, const char *text, char **event_id)
{
    char channel[64];
    json_t *event;

    snprintf(channel, sizeof(channel), "D%s", user);
    event = user_message(f, "message", user, channel, text);
    json_object_set_new(event, "channel_type", json_string("im"));
    return send_event(f, event, event_id);
}

char *fake_slack_mention(fake_slack *f, const char *user, const char *channel, const char *text,
                         const char *thread_ts, char **event_id)
{
    size_t n = strlen(text) + sizeof("<@" BOT_USER "> ");
    char *mention = xrealloc(NULL, n);
    json_t *event;

    snprintf(mention, n, "<@%s> %s", BOT_USER, text);
    event = user_message(f, "app_mention", user, channel, mention);
    free(mention);
    json_object_del(event, "client_msg_id");
    if (thread_ts)
        json_object_set_new(event, "thread_ts", json_string(thread_ts));
    return send_event(f, event, event_id);
}

char *fake_slack_thread_reply(fake_slack *f, const char *user, const char *channel,
                              const char *thread_ts, const char *text, char **event_id)
{
    json_t *event = user_message(f, "message", user, channel, text);

    json_object_set_new(event, "channel_type", json_string("channel"));
    json_object_set_new(event, "thread_ts", json_string(thread_ts));
    return send_event(f, event, event_id);
}

char *fake_slack_own_echo(fake_slack *f, const char *text)
{
    json_t *event = user_message(f, "message", BOT_USER, "D0ECHO", text);

    json_object_del(event, "client_msg_id");
    json_object_set_new(event, "channel_type", json_string("im"));
    json_object_set_new(event, "bot_id", json_string(BOT_ID));
    json_object_set_new(event, "app_id", json_string(APP_ID));
    json_object_set_new(
        event, "bot_profile",
        json_pack("{s:s, s:s, s:s}", "id", BOT_ID, "app_id", APP_ID, "name", "deskbot"));
    return send_event(f, event, NULL);
}

/* The element `action_id` of a block in `blocks` (borrowed), or NULL;
 * *block_id gets its block's block_id when it has one. */
static json_t *find_button(json_t *blocks, const char *action_id, const char **block_id)
{
    json_t *block, *element;
    size_t i, j;

    json_array_foreach(blocks, i, block)
    {
        json_array_foreach(json_object_get(block, "elements"), j, element)
        {
            const char *id = str(element, "action_id");

            if (id && strcmp(id, action_id) == 0) {
                if (str(block, "block_id"))
                    *block_id = str(block, "block_id");
                return element;
            }
        }
    }
    return NULL;
}

char *fake_slack_click(fake_slack *f, const char *user, const char *channel, const char *message_ts,
                       const char *action_id, const char *value)
{
    const char *block_id = "fake_block", *label = action_id;
    json_t *blocks = NULL, *message = NULL, *button, *payload;
    const fake_post *p;
    int ephemeral = 0;
    char action_ts[32], trigger[48];

    pthread_mutex_lock(&f->lock);
    p = find_message(f, channel, message_ts);
    if (p != NULL) {
        ephemeral = strcmp(p->kind, "ephemeral") == 0;
        blocks = p->blocks ? json_loads(p->blocks, 0, NULL) : NULL;
        if (!ephemeral)
            message = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "type", "message", "ts",
                                message_ts, "bot_id", BOT_ID, "user", BOT_USER, "text", p->text,
                                "blocks", blocks ? json_incref(blocks) : json_array());
    }
    next_ts(f, action_ts);
    snprintf(trigger, sizeof(trigger), "%lld.1.fake", f->serial);
    pthread_mutex_unlock(&f->lock);

    button = find_button(blocks, action_id, &block_id);
    if (button != NULL && str(json_object_get(button, "text"), "text"))
        label = str(json_object_get(button, "text"), "text");
    payload = json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:{s:s, s:s, s:s, s:b}, s:s, s:{s:s, s:s}, s:n, "
        "s:b, s:{s:s, s:s}, s:{s:{}}, s:s, s:[{s:s, s:s, s:s, s:{s:s, s:s, s:b}, s:s*, s:s}]}",
        "type", "block_actions", "user", "id", user, "username", user, "name", user, "team_id",
        TEAM, "api_app_id", APP_ID, "token", "fake-verification-token", "container", "type",
        "message", "message_ts", message_ts, "channel_id", channel, "is_ephemeral", ephemeral,
        "trigger_id", trigger, "team", "id", TEAM, "domain", "fake", "enterprise",
        "is_enterprise_install", 0, "channel", "id", channel, "name",
        channel[0] == 'D' ? "directmessage" : channel, "state", "values", "response_url",
        "https://hooks.fake.slack.com/actions/T1/1/fake", "actions", "type", "button", "action_id",
        action_id, "block_id", block_id, "text", "type", "plain_text", "text", label, "emoji", 1,
        "value", value, "action_ts", action_ts);
    if (message != NULL)
        json_object_set_new(payload, "message", message);
    json_decref(blocks); /* after the pack: block_id and label may point into it */
    return send_envelope(f, "interactive", payload);
}

char *fake_slack_raw(fake_slack *f, const char *text)
{
    json_t *msg = json_loads(text, 0, NULL);
    const char *id = str(msg, "envelope_id");
    char *out = NULL;
    frame *fr;
    conn *c;
    int wake = 0;

    pthread_mutex_lock(&f->lock);
    c = current(f);
    if (c != NULL) {
        fr = frame_new(text, strlen(text));
        if (id != NULL)
            fr->env = (long)env_new(f, id, NULL, NULL, 0);
        push(&c->out, fr);
        out = xstrdup(id ? id : "");
        wake = need_wake(f);
    }
    pthread_mutex_unlock(&f->lock);
    json_decref(msg);
    if (wake)
        lws_cancel_service(f->context);
    return out;
}

int fake_slack_resend(fake_slack *f, const char *envelope_id)
{
    int rc = -1, wake = 0;
    long i;

    pthread_mutex_lock(&f->lock);
    i = env_find(f, envelope_id);
    if (i >= 0 && f->envs[i].type != NULL && strcmp(f->envs[i].type, "events_api") == 0 &&
        current(f) != NULL) {
        redeliver(f, (size_t)i);
        rc = 0;
        wake = need_wake(f);
    }
    pthread_mutex_unlock(&f->lock);
    if (wake)
        lws_cancel_service(f->context);
    return rc;
}

void fake_slack_disconnect(fake_slack *f, const char *reason)
{
    json_t *msg = json_pack("{s:s, s:s, s:{s:s}}", "type", "disconnect", "reason", reason,
                            "debug_info", "host", "fake");
    char *text = json_dumps(msg, JSON_COMPACT);
    conn *c;
    int wake = 0;

    json_decref(msg);
    pthread_mutex_lock(&f->lock);
    c = current(f);
    if (c != NULL) {
        push(&c->out, frame_new(text, strlen(text)));
        wake = need_wake(f);
    }
    pthread_mutex_unlock(&f->lock);
    free(text);
    if (wake)
        lws_cancel_service(f->context);
}

void fake_slack_drop(fake_slack *f)
{
    conn *c;
    int wake = 0;

    pthread_mutex_lock(&f->lock);
    c = current(f);
    if (c != NULL) {
        c->drop = 1;
        wake = need_wake(f);
    }
    pthread_mutex_unlock(&f->lock);
    if (wake)
        lws_cancel_service(f->context);
}

size_t fake_slack_posts(fake_slack *f, fake_post **out)
{
    size_t i, n;

    pthread_mutex_lock(&f->lock);
    n = f->n_posts;
    *out = xrealloc(NULL, n * sizeof(**out));
    for (i = 0; i < n; i++) {
        (*out)[i] = f->posts[i];
        (*out)[i].text = xstrdup(f->posts[i].text);
        (*out)[i].blocks = f->posts[i].blocks ? xstrdup(f->posts[i].blocks) : NULL;
    }
    pthread_mutex_unlock(&f->lock);
    return n;
}

void fake_slack_posts_free(fake_post *p, size_t n)
{
    size_t i;

    for (i = 0; p != NULL && i < n; i++) {
        free(p[i].text);
        free(p[i].blocks);
    }
    free(p);
}

/* Does post `p` match? kind NULL matches the bot's messages, not 429s. */
static int matches(const fake_post *p, const char *kind, const char *channel, const char *needle)
{
    if (kind ? strcmp(p->kind, kind) != 0 : strcmp(p->kind, "ratelimited") == 0)
        return 0;
    if (channel && strcmp(p->channel, channel) != 0)
        return 0;
    return needle == NULL || strstr(p->text, needle) != NULL;
}

/* Lock held: wait for a change until monotonic ms `deadline`; returns 0 once it has passed. */
static int wait_until(fake_slack *f, long long deadline)
{
    struct timespec t;

    if (fake_slack_now_ms() >= deadline)
        return 0;
    t.tv_sec = (time_t)(deadline / 1000);
    t.tv_nsec = (long)(deadline % 1000) * 1000000;
    pthread_cond_timedwait(&f->changed, &f->lock, &t);
    return 1;
}

long fake_slack_wait_post(fake_slack *f, size_t from, const char *kind, const char *channel,
                          const char *needle, int timeout_ms)
{
    long long deadline = fake_slack_now_ms() + timeout_ms;
    long found = -1;
    size_t i = from;

    pthread_mutex_lock(&f->lock);
    do {
        for (; i < f->n_posts && found < 0; i++)
            if (matches(&f->posts[i], kind, channel, needle))
                found = (long)i;
    } while (found < 0 && wait_until(f, deadline));
    pthread_mutex_unlock(&f->lock);
    return found;
}

size_t fake_slack_count(fake_slack *f, const char *kind, const char *channel)
{
    size_t i, n = 0;

    pthread_mutex_lock(&f->lock);
    for (i = 0; i < f->n_posts; i++)
        n += (size_t)matches(&f->posts[i], kind, channel, NULL);
    pthread_mutex_unlock(&f->lock);
    return n;
}

char *fake_slack_button(fake_slack *f, size_t i, const char *label, char **action_id)
{
    json_t *blocks = NULL, *block, *element;
    char *value = NULL;
    size_t j, k;

    if (action_id)
        *action_id = NULL;
    pthread_mutex_lock(&f->lock);
    if (i < f->n_posts && f->posts[i].blocks)
        blocks = json_loads(f->posts[i].blocks, 0, NULL);
    pthread_mutex_unlock(&f->lock);

    json_array_foreach(blocks, j, block)
    {
        if (value != NULL || strcmp(str(block, "type") ? str(block, "type") : "", "actions") != 0)
            continue;
        json_array_foreach(json_object_get(block, "elements"), k, element)
        {
            const char *text = str(json_object_get(element, "text"), "text");

            if (value == NULL &&
                strcmp(str(element, "type") ? str(element, "type") : "", "button") == 0 && text &&
                strstr(text, label)) {
                value = xstrdup(str(element, "value") ? str(element, "value") : "");
                if (action_id && str(element, "action_id"))
                    *action_id = xstrdup(str(element, "action_id"));
            }
        }
    }
    json_decref(blocks);
    return value;
}

int fake_slack_wait_ack(fake_slack *f, const char *envelope_id, int timeout_ms)
{
    long long deadline = fake_slack_now_ms() + timeout_ms;
    int rc = -1;
    long i;

    pthread_mutex_lock(&f->lock);
    do {
        i = env_find(f, envelope_id);
        if (i >= 0 && f->envs[i].acked_ms >= 0)
            rc = 0;
    } while (rc < 0 && i >= 0 && wait_until(f, deadline));
    pthread_mutex_unlock(&f->lock);
    return rc;
}

long long fake_slack_ack_ms(fake_slack *f, const char *envelope_id)
{
    long long ms = -1;
    long i;

    pthread_mutex_lock(&f->lock);
    i = env_find(f, envelope_id);
    if (i >= 0 && f->envs[i].acked_ms >= 0 && f->envs[i].sent_ms >= 0)
        ms = f->envs[i].acked_ms - f->envs[i].sent_ms;
    pthread_mutex_unlock(&f->lock);
    return ms;
}

int fake_slack_wait_connections(fake_slack *f, int opened_at_least, int timeout_ms)
{
    long long deadline = fake_slack_now_ms() + timeout_ms;
    int rc;

    pthread_mutex_lock(&f->lock);
    while (f->hellos < opened_at_least && wait_until(f, deadline))
        ;
    rc = f->hellos >= opened_at_least ? 0 : -1;
    pthread_mutex_unlock(&f->lock);
    return rc;
}

int fake_slack_open_sockets(fake_slack *f)
{
    int n;

    pthread_mutex_lock(&f->lock);
    n = f->open_sockets;
    pthread_mutex_unlock(&f->lock);
    return n;
}

int fake_slack_connections_opened(fake_slack *f)
{
    int n;

    pthread_mutex_lock(&f->lock);
    n = f->connections_open;
    pthread_mutex_unlock(&f->lock);
    return n;
}
