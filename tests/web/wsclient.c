/*
 * wsclient.c - a blocking WebSocket client for tests (see wsclient.h).
 */
#include "wsclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int dial(int port)
{
    struct sockaddr_in addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (fd < 0)
        return -1;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {fd, POLLOUT, 0};

            if (poll(&pfd, 1, 5000) <= 0)
                return -1;
            continue;
        }
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

ssize_t wsc_read(wsc *c)
{
    ssize_t n;

    if (c->len + 65536 > c->cap) {
        c->cap = c->len + 65536;
        c->buf = realloc(c->buf, c->cap);
    }
    n = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n <= 0)
        return -1;
    c->len += (size_t)n;
    c->buf[c->len] = '\0'; /* for the handshake's strstr */
    return n;
}

/* Read more into c->buf, waiting at most until `deadline`. 0, or -1 (timeout, EOF). */
static int fill(wsc *c, long long deadline)
{
    struct pollfd pfd = {c->fd, POLLIN, 0};
    long long left = deadline - now_ms();

    if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
        return -1;
    return wsc_read(c) > 0 ? 0 : -1;
}

int wsc_connect(wsc *c, int port, const char *path, const char *headers)
{
    char req[2048], *end;
    long long deadline = now_ms() + 5000;
    int status = -1;

    memset(c, 0, sizeof(*c));
    if ((c->fd = dial(port)) < 0)
        return -1;
    snprintf(req, sizeof(req),
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: deskbot.v1\r\n%s\r\n",
             path, port, headers ? headers : "");
    if (write_all(c->fd, req, strlen(req)) != 0)
        return -1;
    while ((end = c->buf ? strstr(c->buf, "\r\n\r\n") : NULL) == NULL)
        if (fill(c, deadline) != 0)
            return c->len > 12 ? atoi(c->buf + 9) : -1;
    status = atoi(c->buf + 9);
    /* Keep what followed the handshake: the first frames may be in it. */
    c->len -= (size_t)(end + 4 - c->buf);
    memmove(c->buf, end + 4, c->len);
    return status;
}

int wsc_send(wsc *c, int opcode, const void *data, size_t len)
{
    unsigned char head[14], mask[4] = {0x12, 0x34, 0x56, 0x78};
    unsigned char *frame;
    size_t n = 0, i;
    int rc;

    head[n++] = (unsigned char)(0x80 | opcode);
    if (len < 126) {
        head[n++] = (unsigned char)(0x80 | len);
    } else if (len < 65536) {
        head[n++] = 0x80 | 126;
        head[n++] = (unsigned char)(len >> 8);
        head[n++] = (unsigned char)len;
    } else {
        head[n++] = 0x80 | 127;
        for (i = 0; i < 8; i++)
            head[n++] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    }
    memcpy(head + n, mask, 4);
    n += 4;
    frame = malloc(n + len);
    memcpy(frame, head, n);
    for (i = 0; i < len; i++)
        frame[n + i] = ((const unsigned char *)data)[i] ^ mask[i % 4];
    rc = write_all(c->fd, frame, n + len);
    free(frame);
    return rc;
}

int wsc_send_json(wsc *c, json_t *frame)
{
    char *text = json_dumps(frame, JSON_COMPACT);
    int rc = wsc_send(c, WSC_TEXT, text, strlen(text));

    free(text);
    json_decref(frame);
    return rc;
}

int wsc_take(wsc *c, int *opcode, char **data, size_t *len)
{
    const unsigned char *b = (const unsigned char *)c->buf;
    size_t need, plen, off, i;

    if (c->len < 2)
        return 0;
    plen = b[1] & 0x7f;
    off = 2;
    if (plen == 126) {
        off = 4;
        plen = c->len >= 4 ? (size_t)b[2] << 8 | b[3] : 0;
    } else if (plen == 127) {
        off = 10;
        for (i = 0, plen = 0; c->len >= 10 && i < 8; i++)
            plen = plen << 8 | b[2 + i];
    }
    need = off + plen;
    if (c->len < off || c->len < need)
        return 0;
    *opcode = b[0] & 0x0f;
    *data = malloc(plen + 1);
    memcpy(*data, c->buf + off, plen);
    (*data)[plen] = '\0';
    *len = plen;
    c->len -= need;
    memmove(c->buf, c->buf + need, c->len);
    if (*opcode == WSC_CLOSE && plen >= 2) {
        c->close_code = (unsigned char)(*data)[0] << 8 | (unsigned char)(*data)[1];
        snprintf(c->close_reason, sizeof(c->close_reason), "%.*s", (int)(plen - 2), *data + 2);
    }
    return 1;
}

int wsc_recv(wsc *c, int timeout_ms, int *opcode, char **data, size_t *len)
{
    long long deadline = now_ms() + timeout_ms;

    while (!wsc_take(c, opcode, data, len))
        if (fill(c, deadline) != 0)
            return -1;
    return 0;
}

json_t *wsc_recv_json(wsc *c, int timeout_ms)
{
    char *data;
    size_t len;
    int op;
    json_t *j;

    if (wsc_recv(c, timeout_ms, &op, &data, &len) != 0)
        return NULL;
    j = op == WSC_TEXT ? json_loadb(data, len, 0, NULL) : NULL;
    free(data);
    return j;
}

json_t *wsc_expect(wsc *c, const char *type, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    char *data;
    size_t len;
    int op;

    while (now_ms() < deadline) {
        json_t *j;

        if (wsc_recv(c, (int)(deadline - now_ms()), &op, &data, &len) != 0)
            return NULL;
        j = op == WSC_TEXT ? json_loadb(data, len, 0, NULL) : NULL;
        free(data);
        if (op == WSC_CLOSE)
            return NULL;
        if (j && json_is_string(json_object_get(j, "type")) &&
            strcmp(json_string_value(json_object_get(j, "type")), type) == 0)
            return j;
        json_decref(j);
    }
    return NULL;
}

int wsc_wait_close(wsc *c, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    char *data;
    size_t len;
    int op;

    while (now_ms() < deadline) {
        if (wsc_recv(c, (int)(deadline - now_ms()), &op, &data, &len) != 0)
            return c->close_code ? c->close_code : -1;
        free(data);
        if (op == WSC_CLOSE)
            return c->close_code ? c->close_code : 1005;
    }
    return -1;
}

void wsc_close(wsc *c)
{
    if (c->fd > 0)
        close(c->fd);
    free(c->buf);
    memset(c, 0, sizeof(*c));
}

int wsc_http_get(int port, const char *path, const char *headers, char **head, char **body)
{
    char req[2048], *all = NULL, *split;
    size_t len = 0, cap = 0;
    int fd = dial(port), status = -1;
    ssize_t n;

    if (head)
        *head = NULL;
    if (body)
        *body = NULL;
    if (fd < 0)
        return -1;
    /* The caller's Host, if it gives one, replaces ours. */
    if (headers && strncasecmp(headers, "Host:", 5) == 0)
        snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nConnection: close\r\n%s\r\n", path, headers);
    else
        snprintf(req, sizeof(req),
                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s\r\n", path, port,
                 headers ? headers : "");
    if (write_all(fd, req, strlen(req)) == 0) {
        for (;;) {
            if (len + 4096 > cap)
                all = realloc(all, cap = len + 65536);
            if ((n = read(fd, all + len, cap - len - 1)) <= 0)
                break;
            len += (size_t)n;
        }
    }
    close(fd);
    if (all == NULL)
        return -1;
    all[len] = '\0';
    if (len > 12 && (split = strstr(all, "\r\n\r\n")) != NULL) {
        status = atoi(all + 9);
        if (body)
            *body = strdup(split + 4);
        *split = '\0';
        if (head)
            *head = strdup(all);
    }
    free(all);
    return status;
}
