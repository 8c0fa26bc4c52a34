/*
 * loop.c - the event loop on libwebsockets (see loop.h): the context and
 * its protocols, an HTTP server protocol for the small GET endpoints, and
 * timers on lws's sorted-usec list. The HTTP client is in fetch.c, the
 * WebSocket client in ws.c.
 */
#include "loop_internal.h"

#include "hd/common.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A response being written: the body with LWS_PRE bytes of room before it. */
typedef struct pending {
    unsigned char *buf;
    size_t len;
} pending;

static int on_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len)
{
    hd_loop *loop = lws_context_user(lws_get_context(wsi));
    pending *pss = user;
    unsigned char head[LWS_PRE + 512], *start = head + LWS_PRE, *p = start,
                                       *end = head + sizeof(head) - 1;
    const char *type = "text/plain; charset=utf-8";
    int status = HTTP_STATUS_OK;
    char path[256], *body;
    size_t n;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        n = len < sizeof(path) - 1 ? len : sizeof(path) - 1;
        memcpy(path, in, n);
        path[n] = '\0';
        body = loop->http ? loop->http(path, &status, &type, loop->http_payload) : NULL;
        if (body == NULL) {
            status = HTTP_STATUS_NOT_FOUND;
            body = hd_strdup("not found\n");
            type = "text/plain; charset=utf-8";
        }
        n = strlen(body);
        pss->buf = hd_malloc(LWS_PRE + n + 1);
        memcpy(pss->buf + LWS_PRE, body, n);
        pss->len = n;
        hd_free(body);
        if (lws_add_http_common_headers(wsi, (unsigned)status, type, (lws_filepos_t)n, &p, end) ||
            lws_finalize_write_http_header(wsi, start, &p, end))
            return 1;
        lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (pss->buf == NULL)
            return -1;
        if (lws_write(wsi, pss->buf + LWS_PRE, pss->len, LWS_WRITE_HTTP_FINAL) != (int)pss->len)
            return -1;
        hd_free(pss->buf);
        pss->buf = NULL;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        hd_free(pss->buf);
        pss->buf = NULL;
        return 0;
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
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int hd_loop_new(hd_loop **out, const char *listen, hd_http_fn fn, void *payload)
{
    struct lws_context_creation_info info;
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
    /* TLS for wss:// clients, verified against the system's CA store. */
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    loop->context = lws_create_context(&info);
    if (loop->context == NULL) {
        hd_free(loop);
        return hd_error_set(HD_EIO, "cannot listen on %s%s%s", listen,
                            lws_last_error[0] ? ": " : "", lws_last_error);
    }
    loop->vhost = lws_get_vhost_by_name(loop->context, "default");
    hd_loop__fetch_init(loop);
    *out = loop;
    return 0;
}

void hd_loop_free(hd_loop *loop)
{
    hd_timer *t;

    if (loop == NULL)
        return;
    loop->stopping = 1;
    hd_loop__fetch_free(loop);
    lws_context_destroy(loop->context);
    /* Timers outlive the loop as inert handles their owners free. */
    while ((t = loop->timers) != NULL) {
        loop->timers = t->next;
        t->loop = NULL;
        t->prev = t->next = NULL;
        t->pending = 0;
    }
    hd_free(loop);
}

int hd_loop_port(const hd_loop *loop)
{
    return loop->vhost ? lws_get_vhost_listen_port(loop->vhost) : -1;
}

void hd_loop_run(hd_loop *loop)
{
    while (!loop->stop && lws_service(loop->context, 0) >= 0)
        ;
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
        if (lws_service(loop->context, 0) < 0)
            break;
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
    t->pending = 1;
    /* lws treats 0 as "cancel": the next turn of the loop is 1 µs away. */
    lws_sul_schedule(t->loop->context, 0, &t->sul, fire, ms > 0 ? ms * LWS_US_PER_MS : 1);
}

int hd_timer_pending(const hd_timer *t)
{
    return t->pending;
}

void hd_timer_stop(hd_timer *t)
{
    if (t->pending && t->loop)
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
