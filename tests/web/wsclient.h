/*
 * wsclient.h - a small blocking WebSocket client for the web chat's tests
 * and benchmark, written against RFC 6455 on a plain socket so a test can
 * send what no browser would: invalid UTF-8, oversize frames, floods.
 * Loopback only; every wait is bounded.
 */
#ifndef HD_TEST_WSCLIENT_H
#define HD_TEST_WSCLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#define WSC_TEXT 0x1
#define WSC_BINARY 0x2
#define WSC_CLOSE 0x8

typedef struct wsc {
    int fd;
    char *buf; /* bytes read and not yet parsed */
    size_t len, cap;
    int close_code; /* from the server's close frame, once seen */
    char close_reason[128];
} wsc;

/*
 * wsc_connect - connect to 127.0.0.1:`port` and upgrade on `path` with
 * subprotocol deskbot.v1 and `headers` (extra "Name: value\r\n" lines, or
 * NULL). Returns the HTTP status (101 when upgraded), or -1.
 */
int wsc_connect(wsc *c, int port, const char *path, const char *headers);

/* wsc_send - one frame, masked as a client must. Returns 0 or -1. */
int wsc_send(wsc *c, int opcode, const void *data, size_t len);

/* wsc_send_json - a text frame of `frame` (stolen). */
int wsc_send_json(wsc *c, json_t *frame);

/*
 * wsc_recv - the next frame within `timeout_ms`: its opcode, and its
 * payload in *data (the caller frees; NUL-terminated). Returns 0, or -1 on
 * timeout or a closed connection. A close frame sets close_code.
 */
int wsc_recv(wsc *c, int timeout_ms, int *opcode, char **data, size_t *len);

/*
 * For a poll loop over many connections (the benchmark): wsc_read reads
 * what the socket has (bytes read, 0 if none yet, -1 at EOF), and wsc_take
 * takes one whole frame from what was read (1) or says one is not there
 * yet (0), with the same outputs as wsc_recv.
 */
ssize_t wsc_read(wsc *c);
int wsc_take(wsc *c, int *opcode, char **data, size_t *len);

/* wsc_recv_json - the next text frame as JSON, or NULL (timeout, close, not JSON). */
json_t *wsc_recv_json(wsc *c, int timeout_ms);

/*
 * wsc_expect - skip frames until one whose "type" is `type`; NULL after
 * `timeout_ms` or a close.
 */
json_t *wsc_expect(wsc *c, const char *type, int timeout_ms);

/* wsc_wait_close - read until the server closes; its close code, or -1 on timeout. */
int wsc_wait_close(wsc *c, int timeout_ms);

void wsc_close(wsc *c);

/*
 * wsc_http_get - GET `path` with `headers` (or NULL; when they start with
 * a Host it replaces 127.0.0.1's): the status, and the head and body
 * (caller frees each; either may be NULL). -1 on failure.
 */
int wsc_http_get(int port, const char *path, const char *headers, char **head, char **body);

#endif
