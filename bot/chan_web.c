/*
 * chan_web.c - the web chat channel (see chan_web.h): its WebSocket peers,
 * the protocol of docs/webchat-protocol.md, and the chat log.
 *
 * A page's frame runs in one transaction - its entry in the log, the turn,
 * the answers appended to the log - shared by the frames that arrived
 * together, and is acknowledged only after it commits. Its client id is
 * the intake id, so a frame sent again after a reconnect is acknowledged
 * without a second effect. Answers reach the pages from the log: after
 * each commit the rooms that changed are read from where each subscriber
 * stopped, so what a page sees is exactly what was committed, in order,
 * once.
 */
#include "web_internal.h"

#include "hd/chatlog.h"
#include "hd/config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY 200           /* entries replayed to a page that has none */
#define MAX_CLIENT_ID 64      /* characters of a frame's id */
#define BURST 10              /* frames a connection may send at once */
#define PER_SECOND 5          /* and then, per second */
#define MAX_DROPPED 50        /* dropped in a row before the connection is closed */
#define MAX_QUEUED (4u << 20) /* bytes waiting for a page that does not read */
#define HELLO_SECONDS 10      /* a socket that has not said hello by then is dropped */
#define MAX_PER_USER 10       /* sockets one user may have open */
#define HEADER_VALUE 256      /* bytes of the trusted header's value */

/* A log room with pages watching it. */
typedef struct hd_web_room {
    char *name; /* "user:alice", "group:desktop" */
    hd_web_peer **peers;
    size_t n, cap;
    int dirty;
    struct hd_web_room *next_dirty;
} hd_web_room;

/* One room of a page: what the page calls it, and how far it has been sent. */
typedef struct subscription {
    char *label; /* "me", or the group's name */
    hd_web_room *room;
    int64_t sent;
} subscription;

struct hd_web_peer {
    hd_web *w;
    hd_ws *ws;
    hd_web_peer *prev, *next;
    char header_user[HEADER_VALUE]; /* the trusted header at the upgrade, or "" */
    int welcomed;
    hd_web_role role;
    hd_employee *me;
    subscription *subs;
    size_t n_subs;
    int64_t expires; /* when the session's token does, or 0 */
    double tokens;   /* the rate limit's bucket */
    int64_t refilled_ms;
    int dropped;
};

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

const char *hd_web__uid(const hd_employee *e)
{
    return e->username && e->username[0] ? e->username : e->email;
}

/* ---- frames out ---------------------------------------------------------- */

/* Queue `text` for the page, unless it stopped reading long ago: then it is closed. */
static void send_text(hd_web_peer *p, const char *text)
{
    if (p->ws == NULL || text == NULL)
        return;
    if (hd_ws_queued(p->ws) >= MAX_QUEUED)
        hd_ws_close_with(p->ws, 1008, "not reading");
    else
        hd_ws_send(p->ws, text, strlen(text));
}

static void send_json(hd_web_peer *p, json_t *frame)
{
    char *text = json_dumps(frame, JSON_COMPACT);

    json_decref(frame);
    send_text(p, text);
    free(text);
}

static void send_error(hd_web_peer *p, const char *code, const char *id, const char *message)
{
    json_t *f = json_pack("{s:s, s:s, s:s}", "type", "error", "code", code, "message", message);

    if (id)
        json_object_set_new(f, "id", json_string(id));
    send_json(p, f);
}

static void send_ack(hd_web_peer *p, const char *id, int duplicate)
{
    json_t *f = json_pack("{s:s, s:s}", "type", "ack", "id", id);

    if (duplicate)
        json_object_set_new(f, "duplicate", json_true());
    send_json(p, f);
}

/* An entry as the page gets it: the stored object with its place prepended. */
static void send_entry(hd_web_peer *p, const char *label, const hd_chatlog_entry *e)
{
    json_t *where = json_pack("{s:s, s:s, s:I, s:I}", "type", "entry", "room", label, "seq",
                              (json_int_t)e->seq, "at", (json_int_t)e->created_at);
    char *head = json_dumps(where, JSON_COMPACT), *text;

    json_decref(where);
    /* head is {"type":…,"at":N} and the body {"from":…}: join them as one object. */
    if (head && e->body[0] == '{' && e->body[1] != '}') {
        head[strlen(head) - 1] = '\0';
        text = hd_sprintf("%s,%s", head, e->body + 1);
        send_text(p, text);
        hd_free(text);
    }
    free(head);
}

/* Send subscription `s` everything that follows what it has had, page by page. */
static int catch_up(hd_web_peer *p, subscription *s)
{
    hd_chatlog_entry *entries;
    size_t n, i;
    int err;

    do {
        entries = NULL;
        n = 0;
        err = hd_chatlog_since(p->w->desk, HD_WEB_NAME, s->room->name, s->sent, HISTORY, &entries,
                               &n);
        for (i = 0; i < n; i++)
            send_entry(p, s->label, &entries[i]);
        if (n > 0)
            s->sent = entries[n - 1].seq;
        hd_chatlog_entries_free(entries, n);
    } while (err == 0 && n == HISTORY);
    return err;
}

static void room_free(hd_web *w, hd_web_room *r)
{
    hd_strmap_del(&w->rooms, r->name);
    hd_free(r->peers);
    hd_free(r->name);
    hd_free(r);
}

/* After a commit: every page watching a room that changed gets what is new. */
static void push(hd_web *w)
{
    hd_web_room *r;
    size_t i, j;

    while ((r = w->dirty) != NULL) {
        w->dirty = r->next_dirty;
        r->dirty = 0;
        for (i = 0; i < r->n; i++)
            for (j = 0; j < r->peers[i]->n_subs; j++)
                if (r->peers[i]->subs[j].room == r && catch_up(r->peers[i], &r->peers[i]->subs[j]))
                    hd_log(HD_LOG_ERROR, "event=web_push_failed error=\"%s\"", hd_error_last());
        if (r->n == 0)
            room_free(w, r);
    }
}

static void on_push(hd_timer *t, void *payload)
{
    (void)t;
    push(payload);
}

static void mark_dirty(hd_web *w, const char *room)
{
    hd_web_room *r = hd_strmap_get(&w->rooms, room);

    if (r == NULL || r->dirty)
        return; /* nobody is watching, or it is already marked */
    r->dirty = 1;
    r->next_dirty = w->dirty;
    w->dirty = r;
    if (!hd_timer_pending(w->push))
        hd_timer_start(w->push, 0);
}

/* ---- subscriptions --------------------------------------------------------- */

static void subscribe(hd_web_peer *p, const char *label, const char *room, int64_t since)
{
    hd_web *w = p->w;
    hd_web_room *r = hd_strmap_get(&w->rooms, room);
    subscription *s;
    int64_t last;

    if (r == NULL) {
        r = hd_calloc(1, sizeof(*r));
        r->name = hd_strdup(room);
        hd_strmap_put(&w->rooms, r->name, r);
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 2;
        r->peers = hd_realloc(r->peers, r->cap * sizeof(*r->peers));
    }
    r->peers[r->n++] = p;
    p->subs = hd_realloc(p->subs, (p->n_subs + 1) * sizeof(*p->subs));
    s = &p->subs[p->n_subs++];
    s->label = hd_strdup(label);
    s->room = r;
    s->sent = since > 0 ? since : 0;
    /* A page with nothing starts from the room's recent history, not its beginning. */
    if (s->sent == 0 && hd_chatlog_last(w->desk, HD_WEB_NAME, room, &last) == 0 && last > HISTORY)
        s->sent = last - HISTORY;
}

static void unsubscribe_all(hd_web_peer *p)
{
    size_t i, j;

    for (i = 0; i < p->n_subs; i++) {
        hd_web_room *r = p->subs[i].room;

        for (j = 0; j < r->n; j++)
            if (r->peers[j] == p) {
                r->peers[j] = r->peers[--r->n];
                break;
            }
        /* A dirty room is freed by push(), which is already on its way. */
        if (r->n == 0 && !r->dirty)
            room_free(p->w, r);
        hd_free(p->subs[i].label);
    }
    hd_free(p->subs);
    p->subs = NULL;
    p->n_subs = 0;
}

/* ---- frames in --------------------------------------------------------------- */

/* The token bucket: BURST at once, then PER_SECOND. */
static int allow(hd_web_peer *p)
{
    int64_t now = hd_loop_now_ms();

    p->tokens += (double)(now - p->refilled_ms) * PER_SECOND / 1000.0;
    if (p->tokens > BURST)
        p->tokens = BURST;
    p->refilled_ms = now;
    if (p->tokens < 1.0)
        return 0;
    p->tokens -= 1.0;
    return 1;
}

static int valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0, i;

    if (n == 0 || n > MAX_CLIENT_ID)
        return 0;
    for (i = 0; i < n; i++)
        if (!(id[i] == '-' || id[i] == '_' || id[i] == '.' || id[i] == ':' ||
              (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
              (id[i] >= 'A' && id[i] <= 'Z')))
            return 0;
    return 1;
}

static void refuse(hd_web_peer *p, int err)
{
    send_error(p, err == HD_EEXPIRED ? "expired" : "unauthorized", NULL, hd_error_last());
    hd_ws_close_with(p->ws, 1008, err == HD_EEXPIRED ? "expired" : "unauthorized");
}

static void on_hello(hd_web_peer *p, json_t *msg)
{
    hd_web *w = p->w;
    const hd_config *cfg = hd_desk_config(w->desk);
    json_t *v = json_object_get(msg, "v"), *since = json_object_get(msg, "since"), *rooms, *f;
    const char *token = json_string_value(json_object_get(msg, "token"));
    hd_employee *e = NULL;
    hd_web_peer *q;
    char *room;
    size_t i;
    int err, open;

    if ((v && (!json_is_integer(v) || json_integer_value(v) != 1)) ||
        (since && !json_is_object(since))) {
        send_error(p, "bad_frame", NULL, "hello needs v 1 and since as an object");
        hd_ws_close_with(p->ws, 1008, "bad hello");
        return;
    }
    if ((err = hd_web__identify(w, token, token ? NULL : p->header_user, &p->role, &e)) != 0) {
        hd_log(HD_LOG_INFO, "event=web_refused reason=\"%s\"", hd_error_last());
        refuse(p, err);
        return;
    }
    for (q = w->peers, open = 0; q; q = q->next)
        open += q->welcomed && strcmp(hd_web__uid(q->me), hd_web__uid(e)) == 0;
    if (open >= MAX_PER_USER) {
        hd_error_set(HD_EPERM, "%s has %d pages open already", hd_web__uid(e), open);
        hd_employee_free(e);
        hd_log(HD_LOG_INFO, "event=web_refused reason=\"%s\"", hd_error_last());
        refuse(p, HD_EPERM);
        return;
    }
    hd_ws_deadline(p->ws, 0);
    p->me = e;
    p->welcomed = 1;
    p->expires = token ? hd_webauth_expiry(token) : 0;
    rooms = json_array();
    if (p->role == HD_WEB_EMPLOYEE) {
        room = hd_sprintf("user:%s", hd_web__uid(e));
        subscribe(p, "me", room, json_integer_value(json_object_get(since, "me")));
        json_array_append_new(rooms, json_string("me"));
        hd_free(room);
    } else {
        for (i = 0; i < cfg->n_groups; i++) {
            const hd_group *g = &cfg->groups[i];

            if (!hd_config_is_agent_of(g, e->username))
                continue;
            room = hd_sprintf("group:%s", g->name);
            subscribe(p, g->name, room, json_integer_value(json_object_get(since, g->name)));
            json_array_append_new(rooms, json_string(g->name));
            hd_free(room);
        }
    }
    f = json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:o}", "type", "welcome", "v", 1, "role",
                  p->role == HD_WEB_AGENT ? "agent" : "employee", "user", "username",
                  hd_web__uid(e), "name", e->display_name ? e->display_name : hd_web__uid(e),
                  "rooms", rooms);
    send_json(p, f);
    hd_log(HD_LOG_INFO, "event=web_hello user=%s role=%s", hd_web__uid(e),
           p->role == HD_WEB_AGENT ? "agent" : "employee");
    for (i = 0; i < p->n_subs; i++)
        if (catch_up(p, &p->subs[i]) != 0)
            hd_log(HD_LOG_ERROR, "event=web_replay_failed error=\"%s\"", hd_error_last());
}

/* A frame waiting for its turn: what it says and who sent it, copied. */
typedef struct hd_web_frame {
    struct hd_web_frame *next;
    hd_web_peer *peer; /* NULL once its page has gone (it still runs) */
    char *id;          /* the page's id */
    char *event_id;    /* the intake id: the user's id and the page's */
    char *room;        /* the agents' room it was pressed in, or NULL */
    char *text, *click, *note;
    char *uid, *username, *display_name, *email;
    int agent;
    int64_t received_ms;
    int err;
    char **notices; /* answers for this page only, sent once it commits */
    size_t n_notices;
} hd_web_frame;

static void frame_free(hd_web_frame *f)
{
    size_t i;

    for (i = 0; i < f->n_notices; i++)
        hd_free(f->notices[i]);
    hd_free(f->notices);
    hd_free(f->id);
    hd_free(f->event_id);
    hd_free(f->room);
    hd_free(f->text);
    hd_free(f->click);
    hd_free(f->note);
    hd_free(f->uid);
    hd_free(f->username);
    hd_free(f->display_name);
    hd_free(f->email);
    hd_free(f);
}

/*
 * One frame's turn (and, for a click that carries one, the resolution note
 * as a second turn) with the employee's own words first in the log, in a
 * savepoint of the batch's transaction.
 */
static int run_frame(hd_web *w, hd_web_frame *f, int64_t now)
{
    hd_store *st = hd_desk_store(w->desk);
    char *room = NULL, *body = NULL, *note_id = NULL;
    hd_turn turn;
    int err;

    memset(&turn, 0, sizeof(turn));
    turn.channel = HD_WEB_NAME;
    turn.user_id = f->uid;
    turn.username = f->username;
    turn.display_name = f->display_name;
    turn.email = f->email;
    turn.text = f->text;
    turn.click = f->click;
    turn.event_id = f->event_id;
    turn.now = now;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if (f->text) {
        json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "from", "user", "text", f->text, "client_id",
                              f->id, "name", f->display_name ? f->display_name : f->uid);

        body = json_dumps(e, JSON_COMPACT);
        json_decref(e);
        room = hd_sprintf("user:%s", f->uid);
        if ((err = hd_chatlog_append(w->desk, HD_WEB_NAME, room, body, now, NULL)) == 0)
            mark_dirty(w, room);
    }
    w->current = f;
    if (err == 0)
        err = w->deliver(&w->base, &turn, w->deliver_payload);
    if (err == 0 && f->note) {
        turn.click = NULL;
        turn.text = f->note;
        turn.overheard = 1;
        turn.event_id = note_id = hd_sprintf("%s:note", f->event_id);
        err = w->deliver(&w->base, &turn, w->deliver_payload);
    }
    w->current = NULL;
    if (err == 0)
        err = hd_store_commit(st);
    else
        hd_store_rollback(st);
    hd_free(note_id);
    hd_free(body);
    hd_free(room);
    return err;
}

/*
 * The frames that arrived together run as one transaction, each in its own
 * savepoint, and are acknowledged once it commits: one commit for many
 * frames when the desk is busy.
 */
static void run_batch(hd_timer *t, void *payload)
{
    hd_web *w = payload;
    hd_store *st = hd_desk_store(w->desk);
    hd_web_frame *batch = w->queue, *f;
    int64_t now = now_s();
    size_t i;
    int err;

    (void)t;
    /*
     * The batch is detached: a page that closes meanwhile is not found in
     * it. That is safe because closing is only ever scheduled here (lws
     * calls `closed` from its own pass, never from inside a turn).
     */
    w->queue = w->queue_tail = NULL;
    if ((err = hd_store_begin(st)) == 0) {
        for (f = batch; f; f = f->next)
            f->err = run_frame(w, f, now);
        err = hd_store_commit(st);
    }
    push(w);
    while ((f = batch) != NULL) {
        batch = f->next;
        if (err)
            f->err = err; /* the batch did not commit: nothing of it was kept */
        if (f->err == 0 || f->err == HD_EEXISTS) {
            for (i = 0; f->err == 0 && f->peer && i < f->n_notices; i++)
                send_json(f->peer, json_pack("{s:s, s:s, s:s}", "type", "notice", "room",
                                             f->room ? f->room : "me", "text", f->notices[i]));
            if (f->peer)
                send_ack(f->peer, f->id, f->err == HD_EEXISTS);
            if (f->err == 0) {
                hd_metrics_add(w->metrics, "deskbot_messages_in_total", HD_WEB_NAME, 1);
                hd_metrics_observe(w->metrics, "deskbot_intake_seconds",
                                   (double)(hd_loop_now_ms() - f->received_ms) / 1000.0);
            }
        } else {
            int retry = f->err == HD_EBUSY || f->err == HD_EDB;

            hd_log(HD_LOG_ERROR, "event=web_turn_failed user=%s error=\"%s\"", f->uid,
                   hd_error_last());
            if (f->peer)
                send_error(f->peer, retry ? "busy" : "failed", f->id,
                           retry ? "the desk could not save that; send it again"
                                 : "the desk cannot take that message");
        }
        frame_free(f);
    }
}

static void on_say_or_click(hd_web_peer *p, json_t *msg, int click)
{
    hd_web *w = p->w;
    const hd_config *cfg = hd_desk_config(w->desk);
    const char *id = json_string_value(json_object_get(msg, "id"));
    const char *text = json_string_value(json_object_get(msg, "text"));
    const char *action = json_string_value(json_object_get(msg, "action"));
    const char *room = json_string_value(json_object_get(msg, "room"));
    const char *note = json_string_value(json_object_get(msg, "note"));
    hd_web_frame *f;
    size_t i;

    if (!valid_id(id)) {
        send_error(p, "bad_frame", NULL, "id must be 1 to 64 letters, digits or -_.:");
        return;
    }
    if (click ? action == NULL || (note && room == NULL) : text == NULL) {
        send_error(p, "bad_frame", id, click ? "click needs an action" : "say needs text");
        return;
    }
    if ((text && strlen(text) > (size_t)cfg->web_max_text) ||
        (note && strlen(note) > (size_t)cfg->web_max_text)) {
        send_error(p, "too_long", id, "the text is longer than this desk accepts");
        return;
    }
    if (p->role == HD_WEB_AGENT ? !click : room != NULL) {
        send_error(p, "unauthorized", id,
                   p->role == HD_WEB_AGENT ? "the agents' page only presses buttons"
                                           : "rooms are for agents");
        return;
    }
    for (i = 0; room && i < p->n_subs && strcmp(p->subs[i].label, room) != 0; i++)
        ;
    if (room && i == p->n_subs) {
        send_error(p, "unauthorized", id, "not one of your rooms");
        return;
    }
    if (!click)
        send_json(p, json_pack("{s:s, s:s}", "type", "typing", "room", "me"));
    f = hd_calloc(1, sizeof(*f));
    f->peer = p;
    f->id = hd_strdup(id);
    /* Ids are the page's own: scoped to the user, they cannot touch anyone else's. */
    f->event_id = hd_sprintf("%s:%s", hd_web__uid(p->me), id);
    f->room = hd_strdup(room);
    f->text = click ? NULL : hd_strdup(text);
    f->click = click ? hd_strdup(action) : NULL;
    f->note = click ? hd_strdup(note) : NULL;
    f->uid = hd_strdup(hd_web__uid(p->me));
    f->username = hd_strdup(p->me->username);
    f->display_name = hd_strdup(p->me->display_name);
    f->email = hd_strdup(p->me->email);
    f->agent = p->role == HD_WEB_AGENT;
    f->received_ms = hd_loop_now_ms();
    if (w->queue_tail)
        w->queue_tail->next = f;
    else
        w->queue = f;
    w->queue_tail = f;
    if (!hd_timer_pending(w->run))
        hd_timer_start(w->run, 0);
}

static void on_text(hd_ws *ws, const char *data, size_t len, void *payload)
{
    hd_web_peer *p = payload;
    json_error_t jerr;
    json_t *msg = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *type = json_string_value(json_object_get(msg, "type"));
    const char *id = json_string_value(json_object_get(msg, "id"));

    (void)ws;
    if (!allow(p)) {
        send_error(p, "rate_limited", valid_id(id) ? id : NULL,
                   "slow down: at most 5 messages a second");
        if (++p->dropped > MAX_DROPPED)
            hd_ws_close_with(p->ws, 1008, "too many messages");
        goto cleanup;
    }
    p->dropped = 0;
    if (!json_is_object(msg)) {
        send_error(p, "bad_json", NULL, "a frame is one JSON object");
    } else if (type == NULL) {
        send_error(p, "bad_frame", valid_id(id) ? id : NULL, "a frame needs a type");
    } else if (!p->welcomed) {
        if (strcmp(type, "hello") == 0)
            on_hello(p, msg);
        else
            send_error(p, "bad_frame", valid_id(id) ? id : NULL, "say hello first");
    } else if (p->expires && now_s() >= p->expires) {
        /* A session ends with its token, even on a socket opened before. */
        hd_error_set(HD_EEXPIRED, "the sign-in token expired");
        refuse(p, HD_EEXPIRED);
    } else if (strcmp(type, "say") == 0 || strcmp(type, "click") == 0) {
        on_say_or_click(p, msg, strcmp(type, "click") == 0);
    } else {
        send_error(p, "bad_frame", valid_id(id) ? id : NULL, "unknown type");
    }

cleanup:
    json_decref(msg);
}

/* ---- connections ----------------------------------------------------------- */

static int on_accept(hd_ws *ws, const hd_http_request *req, void *payload)
{
    hd_web *w = payload;
    const char *header = hd_desk_config(w->desk)->web_trusted_header;
    hd_web_peer *p;

    if (w->stopping)
        return -1;
    p = hd_calloc(1, sizeof(*p));
    p->w = w;
    p->ws = ws;
    p->tokens = BURST;
    p->refilled_ms = hd_loop_now_ms();
    /* Only a proxy on this machine may vouch for people. */
    if (header && hd_http_from_loopback(req) &&
        hd_http_header(req, header, p->header_user, sizeof(p->header_user)) < 0)
        p->header_user[0] = '\0';
    p->next = w->peers;
    if (p->next)
        p->next->prev = p;
    w->peers = p;

    hd_ws_set_payload(ws, p);
    return 0;
}

static void on_open(hd_ws *ws, void *payload)
{
    (void)payload;
    hd_ws_deadline(ws, HELLO_SECONDS);
}

static void on_closed(hd_ws *ws, const char *why, void *payload)
{
    hd_web_peer *p = payload;
    hd_web *w = p->w;
    hd_web_frame *f;

    (void)ws;
    (void)why;
    for (f = w->queue; f; f = f->next)
        if (f->peer == p)
            f->peer = NULL;
    unsubscribe_all(p);
    if (p->prev)
        p->prev->next = p->next;
    else
        w->peers = p->next;
    if (p->next)
        p->next->prev = p->prev;

    hd_employee_free(p->me);
    hd_free(p);
}

/* ---- the channel ------------------------------------------------------------- */

static int web_start(hd_channel *ch, hd_deliver_fn deliver, void *payload)
{
    hd_web *w = (hd_web *)ch;
    hd_ws_server srv;

    w->deliver = deliver;
    w->deliver_payload = payload;
    memset(&srv, 0, sizeof(srv));
    srv.path = "/ws";
    srv.accept = on_accept;
    srv.events.open = on_open;
    srv.events.text = on_text;
    srv.events.closed = on_closed;
    srv.max_message = (size_t)hd_desk_config(w->desk)->web_max_frame;
    srv.origin = w->origin;
    srv.payload = w;
    hd_loop_serve_ws(w->loop, &srv);
    w->started = 1;
    return 0;
}

/* The stored entry of a bot message. The caller frees it. */
static char *entry_body(const hd_message *m)
{
    json_t *e = json_pack("{s:s, s:s}", "from", "bot", "text", m->text ? m->text : "");
    char *body;
    size_t i;

    if (m->id)
        json_object_set_new(e, "id", json_string(m->id));
    if (m->replaces)
        json_object_set_new(e, "replaces", json_string(m->replaces));
    if (m->card_title) {
        json_t *fields = json_array();

        for (i = 0; i < m->n_fields; i++)
            json_array_append_new(fields,
                                  json_pack("[s, s]", m->fields[i].name, m->fields[i].value));
        json_object_set_new(e, "card",
                            json_pack("{s:s, s:o}", "title", m->card_title, "fields", fields));
    }
    if (m->n_buttons) {
        static const char *const styles[] = {"default", "primary", "danger"};
        json_t *buttons = json_array();

        for (i = 0; i < m->n_buttons; i++) {
            json_t *b = json_pack("{s:s, s:s, s:s}", "action", m->buttons[i].action, "label",
                                  m->buttons[i].label, "style", styles[m->buttons[i].style]);

            if (m->buttons[i].name)
                json_object_set_new(b, "name", json_string(m->buttons[i].name));
            json_array_append_new(buttons, b);
        }
        json_object_set_new(e, "buttons", buttons);
    }
    body = json_dumps(e, JSON_COMPACT);
    json_decref(e);
    return body;
}

static int web_send(hd_channel *ch, const hd_message *m)
{
    hd_web *w = (hd_web *)ch;
    hd_web_frame *f = w->current;
    char *room, *body;
    int err;

    if (m->to == NULL)
        return 0;
    /* An agent's own answer to a press in a room is for that page only. */
    if (f && f->agent && strcmp(m->to, f->uid) == 0 && m->n_buttons == 0 && m->replaces == NULL) {
        f->notices = hd_realloc(f->notices, (f->n_notices + 1) * sizeof(char *));
        f->notices[f->n_notices++] = hd_strdup(m->text ? m->text : "");
        return 0;
    }
    room = strncmp(m->to, "group:", 6) == 0 ? hd_strdup(m->to) : hd_sprintf("user:%s", m->to);
    body = entry_body(m);
    if ((err = hd_chatlog_append(w->desk, HD_WEB_NAME, room, body, now_s(), NULL)) == 0) {
        /* Pushed once the caller's transaction is over; if it rolled back, nothing is new. */
        mark_dirty(w, room);
        hd_metrics_add(w->metrics, "deskbot_messages_out_total", HD_WEB_NAME, 1);
    }
    hd_free(body);
    hd_free(room);
    return err;
}

static void web_stop(hd_channel *ch)
{
    hd_web *w = (hd_web *)ch;
    hd_web_peer *p;

    w->stopping = 1;
    for (p = w->peers; p; p = p->next)
        hd_ws_close_with(p->ws, 1001, "the desk is restarting");
}

static const char *web_status(const hd_channel *ch)
{
    const hd_web *w = (const hd_web *)ch;

    return w->stopping ? "stopped" : w->started ? "connected" : "connecting";
}

static void web_free(hd_channel *ch)
{
    hd_web *w = (hd_web *)ch;
    hd_web_peer *p;
    hd_web_room *r;
    hd_web_frame *f;

    if (w == NULL)
        return;
    /* The loop is gone by now: its sockets were closed and reported. */
    while ((p = w->peers) != NULL) {
        w->peers = p->next;
        unsubscribe_all(p);
        hd_employee_free(p->me);
        hd_free(p);
    }
    while ((f = w->queue) != NULL) {
        w->queue = f->next;
        frame_free(f);
    }
    /* Every room left is one that was waiting for a push. */
    while ((r = w->dirty) != NULL) {
        w->dirty = r->next_dirty;
        room_free(w, r);
    }
    hd_strmap_free(&w->rooms);
    hd_free(w->origin);
    hd_timer_free(w->push);
    hd_timer_free(w->run);
    hd_free(w);
}

static const hd_channel_type web_type = {HD_WEB_NAME, web_start, web_send,    web_stop,
                                         web_status,  web_free,  hd_web__http};

/* "https://help.example.com" of "https://help.example.com/desk/", or NULL. */
static char *public_origin(const char *url)
{
    const char *host = url ? strstr(url, "://") : NULL;

    if (host == NULL)
        return NULL;
    return hd_sprintf("%.*s", (int)(strcspn(host + 3, "/") + (size_t)(host + 3 - url)), url);
}

int hd_web_channel_new(hd_channel **out, hd_loop *loop, hd_desk *desk, hd_metrics *metrics)
{
    const hd_config *cfg = hd_desk_config(desk);
    hd_web *w;
    int err;

    *out = NULL;
    if (!cfg->web_enabled)
        return HD_ENOTFOUND;
    w = hd_calloc(1, sizeof(*w));
    w->base.type = &web_type;
    w->loop = loop;
    w->desk = desk;
    w->metrics = metrics;
    if ((err = hd_secret_get(desk, HD_WEB_SECRET, w->key, sizeof(w->key), now_s())) != 0) {
        hd_free(w);
        return err;
    }
    /* "auto": an evaluation on this machine, not a desk behind a proxy. */
    w->dev_login = strcmp(cfg->web_dev_login, "on") == 0 ||
                   (strcmp(cfg->web_dev_login, "auto") == 0 && !cfg->web_trusted_header &&
                    !cfg->web_public_url &&
                    (strncmp(cfg->http_listen, "127.", 4) == 0 ||
                     strncmp(cfg->http_listen, "localhost:", 10) == 0));
    if (w->dev_login)
        hd_log(HD_LOG_WARN, "event=web_dev_login_on hint=\"anyone who can open this machine's"
                            " loopback pages may act as anyone; web_dev_login=off turns it off\"");
    w->origin = public_origin(cfg->web_public_url);
    w->push = hd_timer_new(loop, on_push, w);
    w->run = hd_timer_new(loop, run_batch, w);
    hd_log(HD_LOG_INFO, "event=web_ready dev_login=%s trusted_header=%s",
           w->dev_login ? "on" : "off", cfg->web_trusted_header ? "set" : "none");
    *out = &w->base;
    return 0;
}
