/*
 * fetch.c - HTTP requests on the event loop: libcurl's multi interface
 * driven by the loop (after curl's multi-uv example). curl says which
 * sockets to watch; each is lent to libwebsockets as a raw descriptor (a
 * dup, so lws may close its copy whenever it likes), and readiness is
 * handed back with curl_multi_socket_action. curl's one timer is a
 * sorted-usec entry on the loop.
 */
#include "buf.h"
#include "loop_internal.h"

#include "hd/common.h"

#include <strings.h>
#include <unistd.h>

#define MAX_BODY (8 * 1024 * 1024) /* a Web API answer larger than this is refused */

/* One request in flight. */
typedef struct hd_fetch {
    hd_loop *loop;
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    hd_buf answer;
    char *retry_after;
    char error[CURL_ERROR_SIZE];
    hd_fetch_fn fn;
    void *payload;
    struct hd_fetch *prev, *next;
} fetch;

/* A socket curl asked us to watch. */
typedef struct watch {
    hd_loop *loop;
    curl_socket_t fd;
    struct lws *wsi;
    int what;    /* CURL_POLL_IN / OUT / INOUT */
    int removed; /* curl is done with it: the lws side is closing */
} watch;

static void track(hd_loop *loop, fetch *f)
{
    f->next = loop->fetch_list;
    if (f->next)
        f->next->prev = f;
    loop->fetch_list = f;
    loop->fetches++;
}

static void untrack(hd_loop *loop, fetch *f)
{
    if (f->prev)
        f->prev->next = f->next;
    else
        loop->fetch_list = f->next;
    if (f->next)
        f->next->prev = f->prev;
    f->prev = f->next = NULL;
    loop->fetches--;
}

static void fetch_free(fetch *f)
{
    curl_easy_cleanup(f->easy);
    curl_slist_free_all(f->headers);
    hd_free(f->body);
    hd_buf_free(&f->answer);
    hd_free(f->retry_after);
    hd_free(f);
}

/* Deliver every finished transfer. */
static void finish_done(hd_loop *loop)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(loop->multi, &left)) != NULL) {
        hd_fetch_answer a = {0};
        fetch *f = NULL;
        long status = 0;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&f);
        if (msg->data.result == CURLE_OK)
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(loop->multi, f->easy);
        untrack(loop, f);
        a.status = (int)status;
        a.retry_after = f->retry_after;
        a.body = f->answer.s ? f->answer.s : "";
        a.len = f->answer.len;
        if (msg->data.result != CURLE_OK)
            a.error = f->error[0] ? f->error : curl_easy_strerror(msg->data.result);
        f->fn(&a, f->payload);
        fetch_free(f);
    }
}

static void act(hd_loop *loop, curl_socket_t fd, int events)
{
    int running;

    curl_multi_socket_action(loop->multi, fd, events, &running);
    finish_done(loop);
}

int hd_loop__fetch_fd(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                      size_t len)
{
    watch *w = lws_get_opaque_user_data(wsi);

    (void)user;
    (void)in;
    (void)len;
    switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
        if (w && !w->removed)
            act(w->loop, w->fd, CURL_CSELECT_IN);
        return 0;
    case LWS_CALLBACK_RAW_WRITEABLE_FILE:
        if (w && !w->removed) {
            act(w->loop, w->fd, CURL_CSELECT_OUT);
            if (!w->removed && (w->what & CURL_POLL_OUT))
                lws_callback_on_writable(wsi);
        }
        return 0;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        if (w == NULL)
            return 0;
        lws_set_opaque_user_data(wsi, NULL);
        if (!w->removed) {
            /* lws saw a hang-up first: curl finds out on its own socket. */
            curl_multi_assign(w->loop->multi, w->fd, NULL);
            if (!w->loop->stopping)
                act(w->loop, w->fd, CURL_CSELECT_ERR);
        }
        hd_free(w);
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return -1; /* not a WebSocket subprotocol anyone may ask for */
    default:
        return 0;
    }
}

static void watch_events(watch *w, int what)
{
    w->what = what;
    lws_rx_flow_control(w->wsi, (what & CURL_POLL_IN) ? 1 : 0);
    if (what & CURL_POLL_OUT)
        lws_callback_on_writable(w->wsi);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    hd_loop *loop = userp;
    watch *w = socketp;
    lws_sock_file_fd_type desc;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (w) {
            w->removed = 1;
            curl_multi_assign(loop->multi, fd, NULL);
            lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        }
        return 0;
    }
    if (w == NULL) {
        w = hd_calloc(1, sizeof(*w));
        w->loop = loop;
        w->fd = fd;
        desc.filefd = dup(fd);
        if (desc.filefd < 0 ||
            (w->wsi = lws_adopt_descriptor_vhost(loop->vhost, LWS_ADOPT_RAW_FILE_DESC, desc,
                                                 HD_LOOP_FETCH_PROTOCOL, NULL)) == NULL) {
            hd_log(HD_LOG_ERROR, "event=fetch_watch_failed fd=%d", (int)fd);
            if (desc.filefd >= 0)
                close(desc.filefd);
            hd_free(w);
            return -1; /* curl fails the transfer */
        }
        lws_set_opaque_user_data(w->wsi, w);
        curl_multi_assign(loop->multi, fd, w);
    }
    watch_events(w, what);
    return 0;
}

static void curl_timeout(lws_sorted_usec_list_t *sul)
{
    hd_loop *loop = lws_container_of(sul, hd_loop, curl_sul);

    act(loop, CURL_SOCKET_TIMEOUT, 0);
}

static int on_timer(CURLM *multi, long ms, void *userp)
{
    hd_loop *loop = userp;

    (void)multi;
    if (ms < 0)
        lws_sul_cancel(&loop->curl_sul);
    else
        lws_sul_schedule(loop->context, 0, &loop->curl_sul, curl_timeout,
                         ms > 0 ? (lws_usec_t)ms * LWS_US_PER_MS : 1);
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    fetch *f = userp;
    size_t n = size * nmemb;

    if (f->answer.len + n > MAX_BODY)
        return 0; /* curl reports a write error */
    hd_buf_put(&f->answer, data, n);
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    static const char name[] = "retry-after:";
    fetch *f = userp;
    size_t n = size * nmemb, skip = sizeof(name) - 1;

    if (n > skip && strncasecmp(data, name, skip) == 0) {
        while (skip < n && (data[skip] == ' ' || data[skip] == '\t'))
            skip++;
        hd_free(f->retry_after);
        f->retry_after = hd_strndup(data + skip, n - skip);
        f->retry_after[strcspn(f->retry_after, "\r\n")] = '\0';
    }
    return n;
}

int hd_loop_fetch(hd_loop *loop, const hd_fetch_request *req, hd_fetch_fn fn, void *payload)
{
    char line[1024];
    CURLcode rc = CURLE_OK;
    fetch *f;

    if (loop->stopping)
        return hd_error_set(HD_ESTATE, "the loop is shutting down");
    f = hd_calloc(1, sizeof(*f));
    f->loop = loop;
    f->fn = fn;
    f->payload = payload;
    if ((f->easy = curl_easy_init()) == NULL) {
        hd_free(f);
        return hd_error_set(HD_EINVAL, "libcurl could not start a request");
    }
    if (req->bearer) {
        snprintf(line, sizeof(line), "Authorization: Bearer %s", req->bearer);
        f->headers = curl_slist_append(f->headers, line);
        explicit_bzero(line, sizeof(line)); /* the token */
    }
    if (req->body) {
        snprintf(line, sizeof(line), "Content-Type: %s",
                 req->content_type ? req->content_type : "application/octet-stream");
        f->headers = curl_slist_append(f->headers, line);
        f->body = hd_strdup(req->body);
        rc |= curl_easy_setopt(f->easy, CURLOPT_POSTFIELDS, f->body);
        rc |= curl_easy_setopt(f->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(f->body));
    }
    /* No "Expect: 100-continue" round trip before a body. */
    f->headers = curl_slist_append(f->headers, "Expect:");
    rc |= curl_easy_setopt(f->easy, CURLOPT_URL, req->url);
    rc |= curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, f->headers);
    rc |= curl_easy_setopt(f->easy, CURLOPT_PRIVATE, f);
    rc |= curl_easy_setopt(f->easy, CURLOPT_ERRORBUFFER, f->error);
    rc |= curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, on_body);
    rc |= curl_easy_setopt(f->easy, CURLOPT_WRITEDATA, f);
    rc |= curl_easy_setopt(f->easy, CURLOPT_HEADERFUNCTION, on_header);
    rc |= curl_easy_setopt(f->easy, CURLOPT_HEADERDATA, f);
    rc |= curl_easy_setopt(f->easy, CURLOPT_TIMEOUT_MS,
                           (long)(req->timeout_ms > 0 ? req->timeout_ms : 30000));
    rc |= curl_easy_setopt(f->easy, CURLOPT_NOSIGNAL, 1L);
    rc |= curl_easy_setopt(f->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    rc |= curl_easy_setopt(f->easy, CURLOPT_USERAGENT, "deskbot/" HD_VERSION);
    if (rc != CURLE_OK || curl_multi_add_handle(loop->multi, f->easy) != CURLM_OK) {
        fetch_free(f);
        return hd_error_set(HD_EINVAL, "libcurl refused the request to %s", req->url);
    }
    track(loop, f);
    return 0;
}

int hd_loop_fetches(const hd_loop *loop)
{
    return loop->fetches;
}

void hd_loop__fetch_init(hd_loop *loop)
{
    static int initialised;

    if (!initialised) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        initialised = 1;
    }
    loop->multi = curl_multi_init();
    curl_multi_setopt(loop->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(loop->multi, CURLMOPT_SOCKETDATA, loop);
    curl_multi_setopt(loop->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(loop->multi, CURLMOPT_TIMERDATA, loop);
}

void hd_loop__fetch_free(hd_loop *loop)
{
    fetch *f;

    /* Requests still in flight end as cancelled. */
    while ((f = loop->fetch_list) != NULL) {
        hd_fetch_answer a = {0};

        curl_multi_remove_handle(loop->multi, f->easy);
        untrack(loop, f);
        a.body = "";
        a.error = "cancelled";
        f->fn(&a, f->payload);
        fetch_free(f);
    }
    lws_sul_cancel(&loop->curl_sul);
    curl_multi_cleanup(loop->multi);
    loop->multi = NULL;
}
