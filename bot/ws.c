/*
 * ws.c - WebSocket connections on the loop (see loop.h), both those we open
 * (Slack's Socket Mode) and those the listener accepts (the web chat):
 * text messages in (fragments joined, up to a limit) and out (a queue
 * written as the socket allows), ping/pong liveness from libwebsockets'
 * validity policy for clients, and one `closed` callback however the
 * connection ends.
 */
#include "buf.h"
#include "loop_internal.h"

#include "hd/common.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_MESSAGE (16 * 1024 * 1024) /* a larger inbound message closes the socket */

typedef struct frame {
    struct frame *next;
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes of room, then the text */
} frame;

struct hd_ws {
    hd_loop *loop;
    struct lws *wsi;
    hd_ws_events events;
    void *payload;
    lws_retry_bo_t policy; /* read by lws for the life of the connection */
    hd_buf rx;             /* the message being received */
    frame *head, *tail;
    size_t max_message;
    size_t queued;  /* bytes */
    int connecting; /* inside lws_client_connect_via_info */
    int failed;     /* it failed while connecting */
    int closing;
    int close_code; /* sent in the close frame */
    char close_reason[64];
    char why[128];
};

static void set_why(hd_ws *ws, const char *why, size_t len)
{
    if (ws->why[0] != '\0')
        return;
    if (len >= sizeof(ws->why))
        len = sizeof(ws->why) - 1;
    memcpy(ws->why, why, len);
    ws->why[len] = '\0';
}

static void ws_free(hd_ws *ws)
{
    frame *f;

    while ((f = ws->head) != NULL) {
        ws->head = f->next;
        hd_free(f);
    }
    hd_buf_free(&ws->rx);
    hd_free(ws);
}

static int on_rx(hd_ws *ws, struct lws *wsi, const char *in, size_t len)
{
    if (ws->rx.len + len > ws->max_message) {
        static const char reason[] = "message too large";

        set_why(ws, reason, sizeof(reason) - 1);
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)reason,
                         sizeof(reason) - 1);
        return -1;
    }
    hd_buf_put(&ws->rx, in, len);
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
        return 0;
    if (!lws_frame_is_binary(wsi) && !ws->closing)
        ws->events.text(ws, ws->rx.s, ws->rx.len, ws->payload);
    ws->rx.len = 0;
    return 0;
}

/* Write queued frames while the socket takes them; ask for more room if some are left. */
static int on_writeable(hd_ws *ws, struct lws *wsi)
{
    frame *f;

    while ((f = ws->head) != NULL) {
        if (lws_write(wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT) < (int)f->len) {
            set_why(ws, "write failed", 12);
            return -1;
        }
        ws->head = f->next;
        if (ws->head == NULL)
            ws->tail = NULL;
        ws->queued -= f->len;
        hd_free(f);
        if (lws_send_pipe_choked(wsi))
            break;
    }
    if (ws->head) {
        lws_callback_on_writable(wsi);
    } else if (ws->closing) {
        /* What was queued before the close went out first (an error saying why). */
        lws_close_reason(wsi, (enum lws_close_status)ws->close_code,
                         (unsigned char *)ws->close_reason, strlen(ws->close_reason));
        return -1;
    }
    return 0;
}

/* The connection is over: tell the owner once, and forget the wsi. */
static void finish(hd_ws *ws, struct lws *wsi, const char *why)
{
    set_why(ws, why, strlen(why));
    lws_set_opaque_user_data(wsi, NULL);
    ws->wsi = NULL;
    if (ws->connecting) {
        ws->failed = 1; /* hd_ws_connect reports it */
        return;
    }
    ws->events.closed(ws, ws->why, ws->payload);
    ws_free(ws);
}

/* "http://host:port" names the same place as Host "host:port". */
static int same_origin(const char *origin, const char *host)
{
    const char *p = strstr(origin, "://");

    return p && strcasecmp(p + 3, host) == 0;
}

/*
 * A page may open the socket only from this host's own pages: its Origin
 * is the Host it asked, or the origin the owner says the pages are served
 * from (behind a proxy that rewrites Host). No Origin: not a browser.
 */
static int origin_allowed(hd_loop *loop, struct lws *wsi)
{
    char origin[512], host[256];

    if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0)
        return 1;
    if (lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) <= 0)
        return 0; /* too long to be ours */
    if (loop->wsd.origin && strcasecmp(origin, loop->wsd.origin) == 0)
        return 1;
    return lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST) > 0 && same_origin(origin, host);
}

/* A client asks to upgrade: the path, the origin, then the owner decide. */
static int accept_client(hd_loop *loop, struct lws *wsi)
{
    hd_http_request req;
    char path[128];
    hd_ws *ws;

    if (!loop->serving_ws || strcmp(lws_get_protocol(wsi)->name, HD_LOOP_WS_SUBPROTOCOL) != 0 ||
        lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) <= 0 ||
        strcmp(path, loop->wsd.path) != 0)
        return -1;
    /* A page from elsewhere must not ride on the browser's standing (a proxy's sign-in). */
    if (!origin_allowed(loop, wsi)) {
        hd_log(HD_LOG_WARN, "event=ws_refused reason=\"origin is not this host\"");
        return -1;
    }
    ws = hd_calloc(1, sizeof(*ws));
    ws->loop = loop;
    ws->wsi = wsi;
    ws->events = loop->wsd.events;
    ws->max_message = loop->wsd.max_message;
    ws->close_code = LWS_CLOSE_STATUS_NORMAL;
    req.wsi = wsi;
    req.path = path;
    if (loop->wsd.accept(ws, &req, loop->wsd.payload) != 0) {
        ws_free(ws);
        return -1;
    }
    lws_set_opaque_user_data(wsi, ws);
    return 0;
}

int hd_loop__ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    hd_ws *ws = lws_get_opaque_user_data(wsi);
    char why[128];

    (void)user;
    if (reason == LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION)
        return accept_client(lws_context_user(lws_get_context(wsi)), wsi);
    if (ws == NULL)
        return 0;
    /* The same events on the two sides: the connections we accept and those we open. */
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        ws->events.open(ws, ws->payload);
        if (ws->head || ws->closing)
            lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_RECEIVE:
    case LWS_CALLBACK_CLIENT_RECEIVE:
        return on_rx(ws, wsi, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return on_writeable(ws, wsi);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        set_why(ws, "closed by the server", 20);
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        snprintf(why, sizeof(why), "cannot connect: %.*s", in ? (int)len : 7,
                 in ? (const char *)in : "unknown");
        finish(ws, wsi, why);
        return 0;
    case LWS_CALLBACK_CLOSED:
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_WSI_DESTROY:
        finish(ws, wsi, "connection closed");
        return 0;
    default:
        return 0;
    }
}

int hd_ws_connect(hd_ws **out, hd_loop *loop, const char *url, int ping_after, int dead_after,
                  const hd_ws_events *events, void *payload)
{
    struct lws_client_connect_info info;
    const char *scheme, *address, *path;
    char *copy = hd_strdup(url), *full_path;
    int port, err = 0;
    hd_ws *ws;

    *out = NULL;
    if (lws_parse_uri(copy, &scheme, &address, &port, &path) != 0 ||
        (strcmp(scheme, "ws") != 0 && strcmp(scheme, "wss") != 0) || address[0] == '\0') {
        hd_free(copy);
        return hd_error_set(HD_EINVAL, "not a ws:// or wss:// URL");
    }
    ws = hd_calloc(1, sizeof(*ws));
    ws->loop = loop;
    ws->events = *events;
    ws->payload = payload;
    ws->max_message = MAX_MESSAGE;
    ws->close_code = LWS_CLOSE_STATUS_NORMAL;
    ws->policy.secs_since_valid_ping = (uint16_t)ping_after;
    ws->policy.secs_since_valid_hangup = (uint16_t)dead_after;
    full_path = hd_sprintf("/%s", path);

    memset(&info, 0, sizeof(info));
    info.context = loop->context;
    info.vhost = loop->vhost;
    info.address = address;
    info.host = address;
    info.origin = address;
    info.port = port;
    info.path = full_path;
    info.ssl_connection = strcmp(scheme, "wss") == 0 ? LCCSCF_USE_SSL : 0;
    info.local_protocol_name = HD_LOOP_WS_PROTOCOL;
    info.opaque_user_data = ws;
    info.retry_and_idle_policy = &ws->policy;
    info.pwsi = &ws->wsi;
    ws->connecting = 1;
    if (lws_client_connect_via_info(&info) == NULL || ws->failed) {
        err = hd_error_set(HD_EIO, "cannot connect to %s:%d", address, port);
        if (ws->wsi) { /* still alive: let it die on its own, without us */
            lws_set_opaque_user_data(ws->wsi, NULL);
            lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        }
        ws_free(ws);
    } else {
        ws->connecting = 0;
        *out = ws;
    }
    hd_free(full_path);
    hd_free(copy);
    return err;
}

int hd_ws_send(hd_ws *ws, const char *data, size_t len)
{
    frame *f;

    if (ws->closing || ws->wsi == NULL)
        return hd_error_set(HD_ESTATE, "the WebSocket is closing");
    f = hd_malloc(sizeof(*f) + LWS_PRE + len);
    f->next = NULL;
    f->len = len;
    memcpy(f->data + LWS_PRE, data, len);
    ws->queued += len;
    if (ws->tail)
        ws->tail->next = f;
    else
        ws->head = f;
    ws->tail = f;
    lws_callback_on_writable(ws->wsi);
    return 0;
}

void hd_ws_close(hd_ws *ws)
{
    if (ws->closing || ws->wsi == NULL)
        return;
    ws->closing = 1;
    set_why(ws, "closed by us", 12);
    /* The peer may never answer the close frame: give up on it after a second. */
    lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, 1);
    lws_callback_on_writable(ws->wsi);
}

void hd_ws_close_with(hd_ws *ws, int code, const char *reason)
{
    if (ws->closing || ws->wsi == NULL)
        return;
    ws->close_code = code;
    hd_strlcpy(ws->close_reason, reason, sizeof(ws->close_reason));
    hd_ws_close(ws);
}

void hd_ws_set_payload(hd_ws *ws, void *payload)
{
    ws->payload = payload;
}

size_t hd_ws_queued(const hd_ws *ws)
{
    return ws->queued;
}

void hd_ws_deadline(hd_ws *ws, int seconds)
{
    if (ws->wsi == NULL || ws->closing)
        return;
    if (seconds > 0)
        lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, seconds);
    else
        lws_set_timeout(ws->wsi, NO_PENDING_TIMEOUT, 0);
}

void hd_ws_drop(hd_ws *ws)
{
    if (ws->wsi == NULL)
        return;
    ws->closing = 1;
    set_why(ws, "dropped by us", 13);
    lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}
