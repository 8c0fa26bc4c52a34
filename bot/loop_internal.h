/*
 * loop_internal.h - what loop.c, fetch.c and ws.c share: the loop itself,
 * the request loop.c answers, and the libwebsockets protocol callbacks each
 * of them implements.
 */
#ifndef HD_BOT_LOOP_INTERNAL_H
#define HD_BOT_LOOP_INTERNAL_H

#include "loop.h"

#include <curl/curl.h>
#include <ev.h>
#include <libwebsockets.h>
#include <signal.h>

struct hd_loop {
    struct ev_loop *ev; /* what waits: libev on epoll, with lws's watchers in it */
    struct lws_context *context;
    struct lws_vhost *vhost;
    hd_http_fn http;
    void *http_payload;
    volatile sig_atomic_t stop;
    int stopping;                    /* hd_loop_free: callbacks must not start new work */
    lws_sorted_usec_list_t wake_sul; /* hd_loop_run_until's clock */
    struct hd_timer *timers;         /* every timer, so hd_loop_free can detach them */
    /*
     * Timers started for "the next turn of the loop", oldest first: run as
     * soon as the current service pass returns, without another poll; the
     * sul is the fallback for those started outside a pass.
     */
    struct hd_timer *ready, *ready_tail;
    lws_sorted_usec_list_t ready_sul;
    int ready_scheduled;
    hd_ws_server wsd; /* hd_loop_serve_ws */
    int serving_ws;

    /* libcurl's multi handle and the one timer it asks for. */
    CURLM *multi;
    lws_sorted_usec_list_t curl_sul;
    struct hd_fetch *fetch_list; /* requests in flight */
    int fetches;
};

struct hd_http_request {
    struct lws *wsi;
    const char *path;
};

struct hd_timer {
    hd_loop *loop; /* NULL once the loop is freed */
    struct hd_timer *prev, *next;
    lws_sorted_usec_list_t sul;
    hd_timer_fn fn;
    void *payload;
    int pending;
    int ready; /* pending in the loop's ready list rather than on lws's clock */
    struct hd_timer *ready_prev, *ready_next;
};

/* Protocol names and callbacks registered on the loop's vhost. */
#define HD_LOOP_FETCH_PROTOCOL "hd-fetch-fd"
#define HD_LOOP_WS_PROTOCOL "hd-ws"

int hd_loop__fetch_fd(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                      size_t len);
int hd_loop__ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                size_t len);

/* fetch.c: set up and tear down the multi handle. */
void hd_loop__fetch_init(hd_loop *loop);
void hd_loop__fetch_free(hd_loop *loop);

#endif
