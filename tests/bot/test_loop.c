/*
 * test_loop.c - the event loop on its own: timers, HTTP requests through
 * libcurl's multi interface answered by the loop's own listener, failures
 * that come back as answers, and a WebSocket that cannot connect.
 */
#include "harness.h"
#include "util.h"

#include "loop.h"

#include "hd/common.h"

#include <stdio.h>

static int answer(const hd_http_request *req, hd_http_response *res, void *payload)
{
    const char *path = hd_http_path(req);
    int *hits = payload;

    (*hits)++;
    if (strcmp(path, "/teapot") == 0) {
        res->status = 418;
        res->body = hd_strdup("short and stout\n");
    } else if (strcmp(path, "/hello") == 0) {
        res->body = hd_strdup("hello\n");
    } else {
        return HD_ENOTFOUND;
    }
    res->len = strlen(res->body);
    return 0;
}

typedef struct got {
    int calls, status;
    char body[64], error[128];
} got;

static void on_answer(const hd_fetch_answer *a, void *payload)
{
    got *g = payload;

    g->calls++;
    g->status = a->status;
    snprintf(g->body, sizeof(g->body), "%s", a->body);
    snprintf(g->error, sizeof(g->error), "%s", a->error ? a->error : "");
}

static int all_answered(void *payload)
{
    got *g = payload;

    return g[0].calls && g[1].calls && g[2].calls && g[3].calls;
}

static void test_loop__fetch(void)
{
    hd_loop *loop = NULL;
    hd_fetch_request req = {0};
    got g[4] = {0};
    char url[128];
    int hits = 0, port;

    ASSERT_OK(hd_loop_new(&loop, "127.0.0.1:0", answer, &hits));
    port = hd_loop_port(loop);
    ASSERT(port > 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/hello", port);
    req.url = url;
    ASSERT_OK(hd_loop_fetch(loop, &req, on_answer, &g[0]));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/teapot", port);
    ASSERT_OK(hd_loop_fetch(loop, &req, on_answer, &g[1]));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/nothing", port);
    ASSERT_OK(hd_loop_fetch(loop, &req, on_answer, &g[2]));
    /* Nobody listens on port 1: an answer with status 0 and the reason. */
    req.url = "http://127.0.0.1:1/";
    ASSERT_OK(hd_loop_fetch(loop, &req, on_answer, &g[3]));
    ASSERT_INT_EQ(hd_loop_fetches(loop), 4);
    /* Callbacks never run inside the call that started the request. */
    ASSERT_INT_EQ(g[0].calls + g[1].calls + g[2].calls + g[3].calls, 0);
    hd_loop_run_until(loop, 5000, all_answered, g);
    ASSERT_INT_EQ(g[0].status, 200);
    ASSERT_STR_EQ(g[0].body, "hello\n");
    ASSERT_INT_EQ(g[1].status, 418);
    ASSERT_STR_EQ(g[1].body, "short and stout\n");
    ASSERT_INT_EQ(g[2].status, 404);
    ASSERT_INT_EQ(g[3].status, 0);
    ASSERT(g[3].error[0] != '\0');
    ASSERT_INT_EQ(hits, 3);
    ASSERT_INT_EQ(hd_loop_fetches(loop), 0);
    hd_loop_free(loop);
}

static void test_loop__cancelled_at_free(void)
{
    hd_loop *loop = NULL;
    hd_fetch_request req = {0};
    got g = {0};
    int hits = 0;

    ASSERT_OK(hd_loop_new(&loop, "127.0.0.1:0", answer, &hits));
    /* 192.0.2.0/24 is TEST-NET: the connection hangs until the loop is freed. */
    req.url = "http://192.0.2.1/";
    req.timeout_ms = 60000;
    ASSERT_OK(hd_loop_fetch(loop, &req, on_answer, &g));
    hd_loop_free(loop);
    ASSERT_INT_EQ(g.calls, 1);
    ASSERT_STR_EQ(g.error, "cancelled");
}

typedef struct ticks {
    int fired;
    int64_t at[3];
} ticks;

static void on_tick(hd_timer *t, void *payload)
{
    ticks *k = payload;

    k->at[k->fired++] = hd_loop_now_ms();
    if (k->fired < 3)
        hd_timer_start(t, 30);
}

static int three(void *payload)
{
    return ((ticks *)payload)->fired == 3;
}

static void test_loop__timers(void)
{
    hd_loop *loop = NULL;
    hd_timer *t, *never;
    ticks k = {0}, n = {0};
    int hits = 0;

    ASSERT_OK(hd_loop_new(&loop, "127.0.0.1:0", answer, &hits));
    t = hd_timer_new(loop, on_tick, &k);
    never = hd_timer_new(loop, on_tick, &n);
    hd_timer_start(t, 0);
    hd_timer_start(never, 10);
    ASSERT(hd_timer_pending(never));
    hd_timer_stop(never);
    ASSERT(!hd_timer_pending(never));
    hd_loop_run_until(loop, 2000, three, &k);
    ASSERT_INT_EQ(k.fired, 3);
    ASSERT(k.at[2] - k.at[0] >= 55);
    ASSERT_INT_EQ(n.fired, 0);
    /* A timer may outlive its loop, inert. */
    hd_timer_start(never, 10);
    hd_loop_free(loop);
    hd_timer_start(never, 10);
    hd_timer_free(never);
    hd_timer_free(t);
}

typedef struct ws_seen {
    int opened, closed;
    char why[128];
} ws_seen;

static void ws_open(hd_ws *ws, void *payload)
{
    (void)ws;
    ((ws_seen *)payload)->opened++;
}

static void ws_text(hd_ws *ws, const char *data, size_t len, void *payload)
{
    (void)ws;
    (void)data;
    (void)len;
    (void)payload;
}

static void ws_closed(hd_ws *ws, const char *why, void *payload)
{
    ws_seen *w = payload;

    (void)ws;
    w->closed++;
    snprintf(w->why, sizeof(w->why), "%s", why);
}

static int ws_done(void *payload)
{
    return ((ws_seen *)payload)->closed > 0;
}

/* Timers started at 0 run in the order they were started; one stopped or freed meanwhile never. */
typedef struct order {
    char seen[16];
    size_t n;
    hd_timer *victim; /* freed by the first timer to run */
} order;

static void note_a(hd_timer *t, void *payload)
{
    order *o = payload;

    (void)t;
    o->seen[o->n++] = 'a';
    if (o->victim) {
        hd_timer_free(o->victim);
        o->victim = NULL;
    }
}

static void note_b(hd_timer *t, void *payload)
{
    order *o = payload;

    o->seen[o->n++] = 'b';
    /* Restarting at 0 from a ready timer runs again on a later turn, after the others. */
    if (o->n < 4)
        hd_timer_start(t, 0);
}

static void note_c(hd_timer *t, void *payload)
{
    (void)t;
    ((order *)payload)->seen[((order *)payload)->n++] = 'c';
}

static int four(void *payload)
{
    return ((order *)payload)->n >= 4;
}

static void test_loop__ready_timers_keep_order(void)
{
    hd_loop *loop = NULL;
    hd_timer *a, *b, *c, *d;
    order o = {{0}, 0, NULL};
    int hits = 0;

    ASSERT_OK(hd_loop_new(&loop, "127.0.0.1:0", answer, &hits));
    a = hd_timer_new(loop, note_a, &o);
    b = hd_timer_new(loop, note_b, &o);
    c = hd_timer_new(loop, note_c, &o);
    d = hd_timer_new(loop, note_c, &o);
    o.victim = d;
    hd_timer_start(c, 0);
    hd_timer_start(a, 0);
    hd_timer_start(b, 0);
    hd_timer_start(d, 0);
    hd_timer_start(c, 0); /* restarted: now after b */
    hd_loop_run_until(loop, 2000, four, &o);
    ASSERT_STR_EQ(o.seen, "abcb");
    ASSERT(!hd_timer_pending(a) && !hd_timer_pending(c));
    hd_loop_free(loop);
    hd_timer_free(a);
    hd_timer_free(b);
    hd_timer_free(c);
}

static void test_loop__websocket_refused(void)
{
    static const hd_ws_events events = {ws_open, ws_text, ws_closed};
    hd_loop *loop = NULL;
    hd_ws *ws = NULL;
    ws_seen w = {0};
    int hits = 0, err;

    ASSERT_OK(hd_loop_new(&loop, "127.0.0.1:0", answer, &hits));
    ASSERT_INT_EQ(hd_ws_connect(&ws, loop, "http://127.0.0.1:1/", 5, 10, &events, &w), HD_EINVAL);
    err = hd_ws_connect(&ws, loop, "ws://127.0.0.1:1/link", 5, 10, &events, &w);
    if (err == 0)
        hd_loop_run_until(loop, 5000, ws_done, &w);
    else
        w.closed = 1; /* refused at once: reported by the call instead */
    ASSERT_INT_EQ(w.opened, 0);
    ASSERT_INT_EQ(w.closed, 1);
    hd_loop_free(loop);
}

int main(void)
{
    RUN(test_loop__fetch);
    RUN(test_loop__cancelled_at_free);
    RUN(test_loop__timers);
    RUN(test_loop__ready_timers_keep_order);
    RUN(test_loop__websocket_refused);
    return harness_result();
}
