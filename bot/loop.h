/*
 * loop.h - the service's one event loop (libwebsockets): the HTTP listener
 * for /healthz and /metrics, and timers. Chat channels join it as they are
 * added; nothing on it blocks.
 */
#ifndef HD_BOT_LOOP_H
#define HD_BOT_LOOP_H

#include <stdint.h>

typedef struct hd_loop hd_loop;

/*
 * An HTTP GET of `path` (query string removed): returns a body the loop
 * frees, setting *status and *content_type (static), or NULL for 404.
 */
typedef char *(*hd_http_fn)(const char *path, int *status, const char **content_type,
                            void *payload);

/* A timer callback. */
typedef void (*hd_timer_fn)(hd_loop *loop, void *payload);

/*
 * hd_loop_new - an event loop listening for HTTP on `listen` ("host:port";
 * port 0 picks a free one) and answering with `fn`. Returns 0, or HD_EINVAL
 * for a malformed address, HD_EIO when it cannot listen (the detail names
 * the address).
 */
int hd_loop_new(hd_loop **out, const char *listen, hd_http_fn fn, void *payload);
void hd_loop_free(hd_loop *loop);

/* hd_loop_port - the port the HTTP listener got. */
int hd_loop_port(const hd_loop *loop);

/* hd_loop_every - call `fn` now and then every `seconds` while the loop runs. */
void hd_loop_every(hd_loop *loop, int seconds, hd_timer_fn fn, void *payload);

/* hd_loop_run - serve until hd_loop_stop(). */
void hd_loop_run(hd_loop *loop);

/* hd_loop_stop - make hd_loop_run return; safe from a signal handler. */
void hd_loop_stop(hd_loop *loop);

#endif
