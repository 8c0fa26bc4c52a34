/*
 * loop.c - the event loop on libwebsockets (see loop.h): the context and
 * its protocols, the HTTP server for GET requests, and
 * timers on lws's sorted-usec list. The HTTP client is in fetch.c,
 * WebSocket connections (client and server) in ws.c.
 */
#include "loop_internal.h"

#include "hd/common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A response being written: the body with LWS_PRE bytes of room before it. */
typedef struct pending {
    unsigned char *buf;
    size_t len;
} pending;

const char *hd_http_path(const hd_http_request *req)
{
    return req->path;
}

int hd_http_from_loopback(const hd_http_request *req)
{
    char peer[64];

    if (lws_get_peer_simple(req->wsi, peer, sizeof(peer)) == NULL)
        return 0;
    return strncmp(peer, "127.", 4) == 0 || strcmp(peer, "::1") == 0 ||
           strncmp(peer, "::ffff:127.", 11) == 0;
}

int hd_http_arg(const hd_http_request *req, const char *name, char *buf, size_t size)
{
    char key[64];
    const char *v;

    if (strlen(name) + 2 > sizeof(key))
        return -1;
    snprintf(key, sizeof(key), "%s=", name);
    /* lws leaves "name=value" in buf and points past the '='. */
    if ((v = lws_get_urlarg_by_name(req->wsi, key, buf, (int)size)) == NULL)
        return -1;
    memmove(buf, v, strlen(v) + 1);
    return (int)strlen(buf);
}

int hd_http_header(const hd_http_request *req, const char *name, char *buf, size_t size)
{
    char key[64];
    size_t n = strlen(name), i;
    int len;

    if (n + 2 > sizeof(key) || size == 0)
        return -1;
    for (i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[n] = ':';
    key[n + 1] = '\0';
    /* Headers lws knows have a token; the others are kept by name. */
    for (i = 0; i < WSI_TOKEN_COUNT; i++) {
        const char *known = (const char *)lws_token_to_string((enum lws_token_indexes)i);

        if (known && strcmp(known, key) == 0) {
            len = lws_hdr_copy(req->wsi, buf, (int)size, (enum lws_token_indexes)i);
            return len > 0 ? len : -1;
        }
    }
    len = lws_hdr_custom_length(req->wsi, key, (int)n + 1);
    if (len < 0 || (size_t)len >= size)
        return -1;
    return lws_hdr_custom_copy(req->wsi, buf, (int)size, key, (int)n + 1) < 0 ? -1 : len;
}

/* What every answer says about itself: no sniffing, no referrer, no framing, same origin only. */
static int security_headers(struct lws *wsi, unsigned char **p, unsigned char *end)
{
    static const struct {
        const char *name, *value;
    } headers[] = {
        {"x-content-type-options:", "nosniff"},
        {"referrer-policy:", "no-referrer"},
        {"x-frame-options:", "DENY"},
        {"content-security-policy:",
         "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
         "form-action 'self'; frame-ancestors 'none'"},
    };
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(headers); i++)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)headers[i].name,
                                        (const unsigned char *)headers[i].value,
                                        (int)strlen(headers[i].value), p, end))
            return -1;
    return 0;
}

static int write_head(struct lws *wsi, const hd_http_response *res, unsigned char *start,
                      unsigned char *end)
{
    unsigned char *p = start;
    char cache[64];

    if (res->cache > 0)
        snprintf(cache, sizeof(cache), "public, max-age=%d", res->cache);
    else
        hd_strlcpy(cache, "no-store", sizeof(cache));
    if (lws_add_http_common_headers(wsi, (unsigned)res->status, res->content_type,
                                    (lws_filepos_t)res->len, &p, end) ||
        security_headers(wsi, &p, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
                                     (const unsigned char *)cache, (int)strlen(cache), &p, end) ||
        (res->location && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_LOCATION,
                                                       (const unsigned char *)res->location,
                                                       (int)strlen(res->location), &p, end)))
        return -1;
    return lws_finalize_write_http_header(wsi, start, &p, end) ? -1 : 0;
}

static int on_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    hd_loop *loop = lws_context_user(lws_get_context(wsi));
    pending *pss = user;
    unsigned char head[LWS_PRE + 4096], *start = head + LWS_PRE, *end = head + sizeof(head) - 1;
    hd_http_response res = {HTTP_STATUS_OK, "text/plain; charset=utf-8", NULL, 0, NULL, 0};
    hd_http_request req;
    char path[256];
    size_t n;
    int err;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        n = len < sizeof(path) - 1 ? len : sizeof(path) - 1;
        memcpy(path, in, n);
        path[n] = '\0';
        req.wsi = wsi;
        req.path = path;
        err = loop->http ? loop->http(&req, &res, loop->http_payload) : HD_ENOTFOUND;
        if (err) {
            hd_free(res.body);
            hd_free(res.location);
            memset(&res, 0, sizeof(res));
            res.content_type = "text/plain; charset=utf-8";
            if (err == HD_ENOTFOUND) {
                res.status = HTTP_STATUS_NOT_FOUND;
                res.body = hd_strdup("not found\n");
            } else {
                hd_log(HD_LOG_ERROR, "event=http_failed path=%s error=\"%s\"", path,
                       hd_error_last());
                res.status = HTTP_STATUS_INTERNAL_SERVER_ERROR;
                res.body = hd_sprintf("the desk could not answer: %s\n", hd_error_last());
            }
            res.len = strlen(res.body);
        }
        pss->buf = hd_malloc(LWS_PRE + res.len + 1);
        if (res.len)
            memcpy(pss->buf + LWS_PRE, res.body, res.len);
        pss->len = res.len;
        err = write_head(wsi, &res, start, end);
        hd_free(res.body);
        hd_free(res.location);
        if (err)
            return 1;
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (pss == NULL || pss->buf == NULL)
            return -1;
        if (lws_write(wsi, pss->buf + LWS_PRE, pss->len, LWS_WRITE_HTTP_FINAL) != (int)pss->len)
            return -1;
        hd_free(pss->buf);
        pss->buf = NULL;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        /* A connection that never made a request (or left for a WebSocket) has no state. */
        if (pss) {
            hd_free(pss->buf);
            pss->buf = NULL;
        }
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return -1; /* a WebSocket without our subprotocol */
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

/* libwebsockets' own log lines go through ours; the first error explains a failure. */
static char lws_last_error[256];

static void lws_to_log(int level, const char *line)
{
    size_t n = strcspn(line, "\n");

    if ((level & LLL_ERR) && lws_last_error[0] == '\0') {
        hd_strlcpy(lws_last_error, line, sizeof(lws_last_error));
        lws_last_error[n < sizeof(lws_last_error) ? n : sizeof(lws_last_error) - 1] = '\0';
    }
    hd_log(HD_LOG_DEBUG, "event=lws line=\"%.*s\"", (int)n, line);
}

static const struct lws_protocols protocols[] = {
    {"http", on_http, sizeof(pending), 0, 0, NULL, 0},
    {HD_LOOP_FETCH_PROTOCOL, hd_loop__fetch_fd, 0, 0, 0, NULL, 0},
    {HD_LOOP_WS_PROTOCOL, hd_loop__ws, 0, 0, 0, NULL, 0},
    {HD_LOOP_WS_SUBPROTOCOL, hd_loop__ws, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int hd_loop_new(hd_loop **out, const char *listen, hd_http_fn fn, void *payload)
{
    struct lws_context_creation_info info;
    void *foreign[1];
    const char *colon = strrchr(listen ? listen : "", ':');
    char host[128];
    char *endp;
    long port;
    hd_loop *loop;

    *out = NULL;
    if (colon == NULL || colon == listen || (size_t)(colon - listen) >= sizeof(host))
        return hd_error_set(HD_EINVAL, "listen address '%s' is not host:port", listen);
    port = strtol(colon + 1, &endp, 10);
    if (*endp != '\0' || endp == colon + 1 || port < 0 || port > 65535)
        return hd_error_set(HD_EINVAL, "listen address '%s' has no valid port", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';

    loop = hd_calloc(1, sizeof(*loop));
    loop->http = fn;
    loop->http_payload = payload;
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_to_log);
    lws_last_error[0] = '\0';
    memset(&info, 0, sizeof(info));
    info.port = (int)port;
    info.iface = host;
    info.protocols = protocols;
    info.user = loop;
    /*
     * TLS for wss:// clients, verified against the system's CA store. The
     * sockets are watched by our own libev loop (epoll): with thousands of
     * web chat connections, poll() would scan them all on every wake-up.
     */
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT |
                   LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_LIBEV;
    loop->ev = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
    foreign[0] = loop->ev;
    info.foreign_loops = foreign;
    loop->context = loop->ev ? lws_create_context(&info) : NULL;
    if (loop->context == NULL) {
        if (loop->ev)
            ev_loop_destroy(loop->ev);
        hd_free(loop);
        return hd_error_set(HD_EIO, "cannot listen on %s%s%s", listen,
                            lws_last_error[0] ? ": " : "", lws_last_error);
    }
    loop->vhost = lws_get_vhost_by_name(loop->context, "default");
    hd_loop__fetch_init(loop);
    *out = loop;
    return 0;
}

void hd_loop_serve_ws(hd_loop *loop, const hd_ws_server *srv)
{
    loop->wsd = *srv;
    loop->serving_ws = 1;
}

void hd_loop_free(hd_loop *loop)
{
    hd_timer *t;

    if (loop == NULL)
        return;
    loop->stopping = 1;
    hd_loop__fetch_free(loop);
    lws_context_destroy(loop->context);
    ev_loop_destroy(loop->ev);
    /* Timers outlive the loop as inert handles their owners free. */
    while ((t = loop->timers) != NULL) {
        loop->timers = t->next;
        t->loop = NULL;
        t->prev = t->next = NULL;
        t->ready_prev = t->ready_next = NULL;
        t->pending = t->ready = 0;
    }
    hd_free(loop);
}

int hd_loop_port(const hd_loop *loop)
{
    return loop->vhost ? lws_get_vhost_listen_port(loop->vhost) : -1;
}

/* ---- the ready list: timers due on the next turn ---------------------------------- */

static void ready_remove(hd_loop *loop, hd_timer *t)
{
    if (t->ready_prev)
        t->ready_prev->ready_next = t->ready_next;
    else
        loop->ready = t->ready_next;
    if (t->ready_next)
        t->ready_next->ready_prev = t->ready_prev;
    else
        loop->ready_tail = t->ready_prev;
    t->ready_prev = t->ready_next = NULL;
    t->ready = 0;
}

/*
 * Run the ready timers, oldest first. A bounded number per call: a timer
 * that keeps restarting itself must not keep the sockets waiting.
 */
static void run_ready(hd_loop *loop)
{
    int budget = 256;
    hd_timer *t;

    while ((t = loop->ready) != NULL && budget-- > 0) {
        ready_remove(loop, t);
        t->pending = 0;
        t->fn(t, t->payload);
    }
    if (loop->ready == NULL && loop->ready_scheduled) {
        lws_sul_cancel(&loop->ready_sul);
        loop->ready_scheduled = 0;
    }
}

static void on_ready_sul(lws_sorted_usec_list_t *sul)
{
    hd_loop *loop = lws_container_of(sul, hd_loop, ready_sul);

    loop->ready_scheduled = 0;
    run_ready(loop);
    if (loop->ready && !loop->ready_scheduled) {
        loop->ready_scheduled = 1;
        lws_sul_schedule(loop->context, 0, &loop->ready_sul, on_ready_sul, 1);
    }
}

static void ready_add(hd_loop *loop, hd_timer *t)
{
    t->ready = 1;
    t->ready_next = NULL;
    t->ready_prev = loop->ready_tail;
    if (loop->ready_tail)
        loop->ready_tail->ready_next = t;
    else
        loop->ready = t;
    loop->ready_tail = t;
    /* If no service pass is under way to run it after, lws's clock will. */
    if (!loop->ready_scheduled) {
        loop->ready_scheduled = 1;
        lws_sul_schedule(loop->context, 0, &loop->ready_sul, on_ready_sul, 1);
    }
}

/* One pass: wait for something to happen, run its callbacks, then the ready timers. */
static void turn(hd_loop *loop)
{
    ev_run(loop->ev, loop->ready ? EVRUN_NOWAIT : EVRUN_ONCE);
    run_ready(loop);
}

void hd_loop_run(hd_loop *loop)
{
    while (!loop->stop)
        turn(loop);
}

static void wake(lws_sorted_usec_list_t *sul)
{
    (void)sul;
}

void hd_loop_run_until(hd_loop *loop, int64_t ms, int (*done)(void *payload), void *payload)
{
    int64_t deadline = hd_loop_now_ms() + ms;

    while (!done(payload) && hd_loop_now_ms() < deadline) {
        /* Wake at least every 20 ms to look at the clock. */
        lws_sul_schedule(loop->context, 0, &loop->wake_sul, wake, 20 * LWS_US_PER_MS);
        turn(loop);
    }
    lws_sul_cancel(&loop->wake_sul);
}

void hd_loop_stop(hd_loop *loop)
{
    loop->stop = 1;
    lws_cancel_service(loop->context);
}

int64_t hd_loop_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- timers ---------------------------------------------------------------- */

static void fire(lws_sorted_usec_list_t *sul)
{
    hd_timer *t = lws_container_of(sul, hd_timer, sul);

    t->pending = 0;
    t->fn(t, t->payload);
}

hd_timer *hd_timer_new(hd_loop *loop, hd_timer_fn fn, void *payload)
{
    hd_timer *t = hd_calloc(1, sizeof(*t));

    t->loop = loop;
    t->fn = fn;
    t->payload = payload;
    t->next = loop->timers;
    if (t->next)
        t->next->prev = t;
    loop->timers = t;
    return t;
}

void hd_timer_start(hd_timer *t, int64_t ms)
{
    if (t->loop == NULL || t->loop->stopping)
        return;
    hd_timer_stop(t);
    t->pending = 1;
    if (ms <= 0)
        ready_add(t->loop, t);
    else
        lws_sul_schedule(t->loop->context, 0, &t->sul, fire, ms * LWS_US_PER_MS);
}

int hd_timer_pending(const hd_timer *t)
{
    return t->pending;
}

void hd_timer_stop(hd_timer *t)
{
    if (t->ready && t->loop)
        ready_remove(t->loop, t);
    else if (t->pending && t->loop)
        lws_sul_cancel(&t->sul);
    t->pending = 0;
}

void hd_timer_free(hd_timer *t)
{
    if (t == NULL)
        return;
    hd_timer_stop(t);
    if (t->loop) {
        if (t->prev)
            t->prev->next = t->next;
        else
            t->loop->timers = t->next;
        if (t->next)
            t->next->prev = t->prev;
    }
    hd_free(t);
}
