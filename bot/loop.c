/*
 * loop.c - the event loop on libwebsockets (see loop.h): an HTTP server
 * protocol for the small GET endpoints, and a repeating timer on lws's
 * sorted-usec list.
 */
#include "loop.h"

#include "hd/common.h"

#include <libwebsockets.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct hd_loop {
    struct lws_context *context;
    struct lws_vhost *vhost;
    hd_http_fn http;
    void *http_payload;
    /* One repeating timer is all the service needs so far. */
    lws_sorted_usec_list_t sul;
    int every;
    hd_timer_fn timer;
    void *timer_payload;
    volatile sig_atomic_t stop;
};

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
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
    loop->context = lws_create_context(&info);
    if (loop->context == NULL) {
        hd_free(loop);
        return hd_error_set(HD_EIO, "cannot listen on %s%s%s", listen,
                            lws_last_error[0] ? ": " : "", lws_last_error);
    }
    loop->vhost = lws_get_vhost_by_name(loop->context, "default");
    *out = loop;
    return 0;
}

void hd_loop_free(hd_loop *loop)
{
    if (loop == NULL)
        return;
    lws_context_destroy(loop->context);
    hd_free(loop);
}

int hd_loop_port(const hd_loop *loop)
{
    return loop->vhost ? lws_get_vhost_listen_port(loop->vhost) : -1;
}

static void tick(lws_sorted_usec_list_t *sul)
{
    hd_loop *loop = lws_container_of(sul, hd_loop, sul);

    loop->timer(loop, loop->timer_payload);
    lws_sul_schedule(loop->context, 0, &loop->sul, tick, (lws_usec_t)loop->every * LWS_US_PER_SEC);
}

void hd_loop_every(hd_loop *loop, int seconds, hd_timer_fn fn, void *payload)
{
    loop->every = seconds > 0 ? seconds : 1;
    loop->timer = fn;
    loop->timer_payload = payload;
    lws_sul_schedule(loop->context, 0, &loop->sul, tick, 1);
}

void hd_loop_run(hd_loop *loop)
{
    while (!loop->stop && lws_service(loop->context, 0) >= 0)
        ;
}

void hd_loop_stop(hd_loop *loop)
{
    loop->stop = 1;
    lws_cancel_service(loop->context);
}
