/*
 * loop.h - the service's one event loop (after Redis ae): libwebsockets
 * drives every socket - the HTTP listener (/healthz, /metrics, the web
 * chat's pages and its WebSocket server), WebSocket clients (Slack Socket
 * Mode) and, through descriptors lent to
 * it, libcurl's multi interface for platform Web APIs - and the timers.
 * Nothing on the loop blocks: a slow platform delays only its own answers.
 *
 * Every callback runs on the loop's thread, from hd_loop_run(), never from
 * inside the call that scheduled it.
 */
#ifndef HD_BOT_LOOP_H
#define HD_BOT_LOOP_H

#include <stddef.h>
#include <stdint.h>

typedef struct hd_loop hd_loop;

/* ---- HTTP server ----------------------------------------------------------- */

/* A GET request on the listener; valid for the duration of the handler's call. */
typedef struct hd_http_request hd_http_request;

/* hd_http_path - the path, without the query string. Borrowed. */
const char *hd_http_path(const hd_http_request *req);

/* hd_http_from_loopback - whether the request came from this machine (127.0.0.0/8 or ::1). */
int hd_http_from_loopback(const hd_http_request *req);

/*
 * hd_http_arg - query argument `name`, URL-decoded, into `buf` of `size`.
 * Returns its length, or -1 when absent or longer than buf.
 */
int hd_http_arg(const hd_http_request *req, const char *name, char *buf, size_t size);

/*
 * hd_http_header - request header `name` (any case) into `buf` of `size`.
 * Returns its length, or -1 when absent or longer than buf.
 */
int hd_http_header(const hd_http_request *req, const char *name, char *buf, size_t size);

typedef struct hd_http_response {
    int status;               /* 200 unless set */
    const char *content_type; /* static; text/plain unless set */
    char *body;               /* the loop frees it; NULL: empty */
    size_t len;
    char *location; /* a redirect's target, freed by the loop; or NULL */
    int cache;      /* seconds it may be cached; 0: no-store */
} hd_http_response;

/*
 * The listener's handler: fill `res` and return 0, or return HD_ENOTFOUND
 * for a 404 (any other error is a 500 saying hd_error_last()). Every answer carries the loop's
 * security headers (nosniff, no referrer, no framing, a same-origin Content-Security-Policy).
 */
typedef int (*hd_http_fn)(const hd_http_request *req, hd_http_response *res, void *payload);

/*
 * hd_loop_new - an event loop listening for HTTP (and WebSocket upgrades,
 * see hd_loop_serve_ws) on `listen` ("host:port"; port 0 picks a free one)
 * and answering GETs with `fn`. Returns 0, or HD_EINVAL
 * for a malformed address, HD_EIO when it cannot listen (the detail names
 * the address).
 */
int hd_loop_new(hd_loop **out, const char *listen, hd_http_fn fn, void *payload);

/*
 * hd_loop_free - close every socket and release the loop. Web API calls
 * still in flight get their callback with status 0 and error "cancelled";
 * open WebSockets get their `closed` callback.
 */
void hd_loop_free(hd_loop *loop);

/* hd_loop_port - the port the HTTP listener got. */
int hd_loop_port(const hd_loop *loop);

/* hd_loop_run - serve until hd_loop_stop(). */
void hd_loop_run(hd_loop *loop);

/* hd_loop_run_until - serve until `done(payload)` is true or `ms` have passed. */
void hd_loop_run_until(hd_loop *loop, int64_t ms, int (*done)(void *payload), void *payload);

/* hd_loop_stop - make hd_loop_run return; safe from a signal handler. */
void hd_loop_stop(hd_loop *loop);

/* hd_loop_now_ms - a monotonic clock in milliseconds. */
int64_t hd_loop_now_ms(void);

/* ---- timers -------------------------------------------------------------- */

typedef struct hd_timer hd_timer;
typedef void (*hd_timer_fn)(hd_timer *timer, void *payload);

/*
 * hd_timer_new - a stopped timer calling `fn`. A timer may be freed after
 * its loop; from hd_loop_free on it never fires again.
 */
hd_timer *hd_timer_new(hd_loop *loop, hd_timer_fn fn, void *payload);

/*
 * hd_timer_start - fire once after `ms`, replacing any earlier start. With
 * 0 it fires on the next turn of the loop: right after the callbacks of the
 * current pass over the sockets, in the order such timers were started.
 */
void hd_timer_start(hd_timer *t, int64_t ms);

/* hd_timer_pending - whether the timer is started and has not fired yet. */
int hd_timer_pending(const hd_timer *t);

void hd_timer_stop(hd_timer *t);

/* hd_timer_free - stop and release. Accepts NULL. */
void hd_timer_free(hd_timer *t);

/* ---- HTTP client (libcurl multi) ----------------------------------------- */

typedef struct hd_fetch_request {
    const char *url;
    const char *bearer;       /* Authorization: Bearer …, or NULL; never logged */
    const char *content_type; /* of the body */
    const char *body;         /* NULL: a GET */
    int timeout_ms;           /* the whole call, connection included */
} hd_fetch_request;

typedef struct hd_fetch_answer {
    int status;              /* HTTP status; 0 when no answer came */
    const char *retry_after; /* the Retry-After header, or NULL */
    const char *body;        /* NUL-terminated */
    size_t len;
    const char *error; /* status 0: what went wrong ("cancelled" at hd_loop_free) */
} hd_fetch_answer;

/* The answer is borrowed for the duration of the call. */
typedef void (*hd_fetch_fn)(const hd_fetch_answer *answer, void *payload);

/*
 * hd_loop_fetch - start an HTTP request; `fn` is called once with the
 * answer. The request's strings are copied. Returns 0, HD_ESTATE while
 * the loop is being freed, or HD_EINVAL when libcurl refuses it (then `fn`
 * is never called).
 */
int hd_loop_fetch(hd_loop *loop, const hd_fetch_request *req, hd_fetch_fn fn, void *payload);

/* hd_loop_fetches - requests in flight. */
int hd_loop_fetches(const hd_loop *loop);

/* ---- WebSocket client ------------------------------------------------------ */

typedef struct hd_ws hd_ws;

typedef struct hd_ws_events {
    void (*open)(hd_ws *ws, void *payload);
    /* One whole text message (fragments joined). */
    void (*text)(hd_ws *ws, const char *data, size_t len, void *payload);
    /*
     * The connection failed or ended (`why` says how); the hd_ws is freed
     * when this returns. Called exactly once per hd_ws_connect that
     * returned 0.
     */
    void (*closed)(hd_ws *ws, const char *why, void *payload);
} hd_ws_events;

/*
 * hd_ws_connect - open a WebSocket to `url` (ws:// or wss://). A socket
 * that stays silent - no ping answered - for `dead_after` seconds is
 * closed; a ping goes out after `ping_after` idle seconds. Returns 0 and
 * the connection in *out, or HD_EINVAL for a bad URL, HD_EIO when it cannot
 * start.
 */
int hd_ws_connect(hd_ws **out, hd_loop *loop, const char *url, int ping_after, int dead_after,
                  const hd_ws_events *events, void *payload);

/* ---- WebSocket server ------------------------------------------------------ */

/* The subprotocol WebSocket clients of the listener must ask for. */
#define HD_LOOP_WS_SUBPROTOCOL "deskbot.v1"

typedef struct hd_ws_server {
    const char *path; /* where upgrades are accepted, e.g. "/ws" */
    /*
     * A client upgrades: return 0 to accept it (and set its payload with
     * hd_ws_set_payload), anything else to refuse (403). The request's
     * headers can be read here only.
     */
    int (*accept)(hd_ws *ws, const hd_http_request *req, void *payload);
    /* open, text and closed get the connection's own payload. */
    hd_ws_events events;
    size_t max_message; /* a larger message closes the socket with 1009 */
    const char *origin; /* where the pages are served from ("https://host"), or NULL */
    void *payload;      /* for accept */
} hd_ws_server;

/*
 * hd_loop_serve_ws - accept WebSocket upgrades on `srv->path` speaking
 * HD_LOOP_WS_SUBPROTOCOL. Upgrades with an Origin that is neither the Host
 * they were sent to nor srv->origin are refused, and text that is not UTF-8
 * closes the socket with 1007. `srv` is copied (its strings must outlive
 * the loop); one server per loop (a later call replaces it).
 */
void hd_loop_serve_ws(hd_loop *loop, const hd_ws_server *srv);

/* hd_ws_set_payload - what the connection's events get from now on. */
void hd_ws_set_payload(hd_ws *ws, void *payload);

/*
 * hd_ws_close_with - close with status `code` and a short `reason` (both
 * sent in the close frame). `closed` follows.
 */
void hd_ws_close_with(hd_ws *ws, int code, const char *reason);

/* hd_ws_queued - bytes queued and not yet written. */
size_t hd_ws_queued(const hd_ws *ws);

/* hd_ws_deadline - drop the connection unless cancelled within `seconds` (0 cancels). */
void hd_ws_deadline(hd_ws *ws, int seconds);

/* hd_ws_send - queue a text message. Returns 0, or HD_ESTATE once closing. */
int hd_ws_send(hd_ws *ws, const char *data, size_t len);

/*
 * hd_ws_close - close once what is queued is written (a close frame, and
 * the TCP connection at the latest a second later). `closed` follows.
 */
void hd_ws_close(hd_ws *ws);

/* hd_ws_drop - cut the TCP connection at once, without a close frame. `closed` follows. */
void hd_ws_drop(hd_ws *ws);

#endif
