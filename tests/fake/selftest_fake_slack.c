/*
 * selftest_fake_slack.c - proves the fake Slack (fake_slack.h) speaks the
 * wire protocol the way the integration tests rely on: its Web API through
 * libcurl, its Socket Mode through a libwebsockets client, as deskbot uses
 * them. The client runs its own lws context on a thread of its own, like a
 * bot in another process would.
 */
#include "fake_slack.h"

#include "../harness.h"

#include <curl/curl.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdarg.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 5000 /* the longest any step may take */

static fake_slack *fake;

/* ---- Web API through libcurl ---- */

typedef struct reply {
    long status;
    json_t *body;
    char retry_after[16];
    char type[64];
    size_t len;
    char buf[1 << 16];
} reply;

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
    reply *r = payload;

    if (r->len + size * n >= sizeof(r->buf))
        return 0;
    memcpy(r->buf + r->len, data, size * n);
    r->len += size * n;
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *payload)
{
    reply *r = payload;
    size_t len = size * n;

    if (len > 13 && strncasecmp(data, "retry-after: ", 13) == 0)
        snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)strcspn(data + 13, "\r\n"),
                 data + 13);
    if (len > 14 && strncasecmp(data, "content-type: ", 14) == 0)
        snprintf(r->type, sizeof(r->type), "%.*s", (int)strcspn(data + 14, "\r\n"), data + 14);
    return len;
}

/* Call `method` ("users.info?user=U1" for a GET) with `token` (NULL: no
 * Authorization) and `body` (NULL: GET) of `type`; the answer in *r
 * (json_decref(r->body) after). */
static void api_as(reply *r, const char *method, const char *token, const char *type,
                   const char *body)
{
    char url[256], auth[128], ctype[128];
    struct curl_slist *headers = NULL;
    CURL *easy = curl_easy_init();

    memset(r, 0, sizeof(*r));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/%s", fake_slack_port(fake), method);
    if (token) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
        headers = curl_slist_append(headers, auth);
    }
    if (body) {
        snprintf(ctype, sizeof(ctype), "Content-Type: %s", type);
        headers = curl_slist_append(headers, ctype);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)WAIT_MS);
    if (curl_easy_perform(easy) == CURLE_OK) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
        r->body = json_loadb(r->buf, r->len, 0, NULL);
    }
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
}

/* A JSON call with the bot token. */
static void api(reply *r, const char *method, const char *body)
{
    api_as(r, method, "xoxb-1-fake", "application/json; charset=utf-8", body);
}

static const char *field_of(const reply *r, const char *key)
{
    return json_string_value(json_object_get(r->body, key));
}

static int ok(const reply *r)
{
    return r->status == 200 && json_is_true(json_object_get(r->body, "ok"));
}

/* ---- Socket Mode through an lws client ---- */

/* One client socket with its own context and thread. */
typedef struct client {
    struct lws_context *context;
    struct lws *wsi;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char path[128];
    int port;
    int connect, stop; /* commands for the client's thread */
    int close;         /* close with a close frame at the next WRITEABLE */
    int auto_ack;      /* ack every envelope as it arrives */
    int established, failed, closed, peer_close;
    json_t *frames; /* every text frame received, parsed */
    json_t *acks;   /* ack texts to write */
    char *rx;
    size_t rx_len;
} client;

static int client_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                           size_t len)
{
    client *c = lws_context_user(lws_get_context(wsi));
    struct lws_client_connect_info info;
    unsigned char buf[LWS_PRE + 256];
    json_t *msg;
    int n;

    (void)user;
    switch (reason) {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        pthread_mutex_lock(&c->lock);
        if (c->connect) {
            c->connect = 0;
            memset(&info, 0, sizeof(info));
            info.context = c->context;
            info.address = "127.0.0.1";
            info.port = c->port;
            info.path = c->path;
            info.host = "127.0.0.1";
            info.origin = "127.0.0.1";
            info.local_protocol_name = "client";
            info.pwsi = &c->wsi;
            if (lws_client_connect_via_info(&info) == NULL)
                c->failed = 1;
        } else if (c->wsi && (c->close || json_array_size(c->acks) > 0)) {
            lws_callback_on_writable(c->wsi);
        }
        pthread_mutex_unlock(&c->lock);
        return 0;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        pthread_mutex_lock(&c->lock);
        c->established = 1;
        pthread_cond_broadcast(&c->changed);
        pthread_mutex_unlock(&c->lock);
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        c->rx = realloc(c->rx, c->rx_len + len + 1);
        memcpy(c->rx + c->rx_len, in, len);
        c->rx_len += len;
        if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
            return 0;
        msg = json_loadb(c->rx, c->rx_len, 0, NULL);
        if (msg == NULL) /* keep raw text as a JSON string */
            msg = json_stringn(c->rx, c->rx_len);
        free(c->rx);
        c->rx = NULL;
        c->rx_len = 0;
        pthread_mutex_lock(&c->lock);
        if (c->auto_ack && json_string_value(json_object_get(msg, "envelope_id"))) {
            /* python-slack-sdk sends a bare envelope_id, the node SDK adds "payload":{}; both. */
            json_t *ack = json_pack("{s:O}", "envelope_id", json_object_get(msg, "envelope_id"));
            char *text;

            if (json_array_size(c->frames) % 2)
                json_object_set_new(ack, "payload", json_object());
            text = json_dumps(ack, JSON_COMPACT);
            json_array_append_new(c->acks, json_string(text));
            free(text);
            json_decref(ack);
            lws_callback_on_writable(wsi);
        }
        json_array_append_new(c->frames, msg);
        pthread_cond_broadcast(&c->changed);
        pthread_mutex_unlock(&c->lock);
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        pthread_mutex_lock(&c->lock);
        if (c->close) {
            pthread_mutex_unlock(&c->lock);
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
            return -1;
        }
        n = 0;
        if (json_array_size(c->acks) > 0) {
            n = snprintf((char *)buf + LWS_PRE, sizeof(buf) - LWS_PRE, "%s",
                         json_string_value(json_array_get(c->acks, 0)));
            json_array_remove(c->acks, 0);
        }
        if (json_array_size(c->acks) > 0)
            lws_callback_on_writable(wsi);
        pthread_mutex_unlock(&c->lock);
        if (n > 0 && lws_write(wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_TEXT) < n)
            return -1;
        return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        pthread_mutex_lock(&c->lock);
        c->peer_close = 1;
        pthread_mutex_unlock(&c->lock);
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        pthread_mutex_lock(&c->lock);
        if (reason == LWS_CALLBACK_CLIENT_CONNECTION_ERROR)
            c->failed = 1;
        c->closed = 1;
        c->wsi = NULL;
        pthread_cond_broadcast(&c->changed);
        pthread_mutex_unlock(&c->lock);
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols client_protocols[] = {
    {"client", client_callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void *client_run(void *arg)
{
    client *c = arg;
    int stop = 0;

    while (!stop && lws_service(c->context, 0) >= 0) {
        pthread_mutex_lock(&c->lock);
        stop = c->stop;
        pthread_mutex_unlock(&c->lock);
    }
    return NULL;
}

/* Lock held: wait on c->changed until `deadline`; 0 once it has passed. */
static int client_wait(client *c, long long deadline)
{
    struct timespec t;

    if (fake_slack_now_ms() >= deadline)
        return 0;
    t.tv_sec = (time_t)(deadline / 1000);
    t.tv_nsec = (long)(deadline % 1000) * 1000000;
    pthread_cond_timedwait(&c->changed, &c->lock, &t);
    return 1;
}

/* Connect to `url` (from apps.connections.open); waits for the outcome
 * (c->established or c->failed). Free with client_free. */
static client *client_open(const char *url, int auto_ack)
{
    struct lws_context_creation_info info;
    client *c = calloc(1, sizeof(*c));
    pthread_condattr_t attr;
    long long deadline = fake_slack_now_ms() + WAIT_MS;
    const char *path = strstr(url, "/link/");

    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->changed, &attr);
    pthread_condattr_destroy(&attr);
    c->frames = json_array();
    c->acks = json_array();
    c->auto_ack = auto_ack;
    c->port = fake_slack_port(fake);
    snprintf(c->path, sizeof(c->path), "%s", path ? path : "/");
    memset(&info, 0, sizeof(info));
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = client_protocols;
    info.user = c;
    c->context = lws_create_context(&info);
    c->connect = 1;
    pthread_create(&c->thread, NULL, client_run, c);
    lws_cancel_service(c->context);

    pthread_mutex_lock(&c->lock);
    while (!c->established && !c->failed && !c->closed && client_wait(c, deadline))
        ;
    pthread_mutex_unlock(&c->lock);
    return c;
}

/* Wait for frame number >= from whose text contains every `needle` (NULL-terminated);
 * returns its index or -1. *out: the frame, borrowed until client_free. */
static long client_frame(client *c, size_t from, json_t **out, ...)
{
    long long deadline = fake_slack_now_ms() + WAIT_MS;
    long found = -1;
    size_t i = from;

    pthread_mutex_lock(&c->lock);
    do {
        for (; i < json_array_size(c->frames) && found < 0; i++) {
            json_t *frame = json_array_get(c->frames, i);
            char *text = json_dumps(frame, JSON_COMPACT | JSON_ENCODE_ANY);
            const char *needle;
            va_list ap;
            int all = 1;

            va_start(ap, out);
            while ((needle = va_arg(ap, const char *)) != NULL)
                all = all && strstr(text, needle) != NULL;
            va_end(ap);
            free(text);
            if (all) {
                found = (long)i;
                *out = frame;
            }
        }
    } while (found < 0 && client_wait(c, deadline));
    pthread_mutex_unlock(&c->lock);
    return found;
}

static size_t client_count(client *c)
{
    size_t n;

    pthread_mutex_lock(&c->lock);
    n = json_array_size(c->frames);
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* Start a WebSocket close handshake and wait until the socket is closed. */
static void client_close(client *c)
{
    long long deadline = fake_slack_now_ms() + WAIT_MS;

    pthread_mutex_lock(&c->lock);
    c->close = 1;
    pthread_mutex_unlock(&c->lock);
    lws_cancel_service(c->context);
    pthread_mutex_lock(&c->lock);
    while (!c->closed && client_wait(c, deadline))
        ;
    pthread_mutex_unlock(&c->lock);
}

/* Wait until the server closes the socket. Returns 1 once closed. */
static int client_wait_closed(client *c)
{
    long long deadline = fake_slack_now_ms() + WAIT_MS;
    int closed;

    pthread_mutex_lock(&c->lock);
    while (!c->closed && client_wait(c, deadline))
        ;
    closed = c->closed;
    pthread_mutex_unlock(&c->lock);
    return closed;
}

static void client_free(client *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_mutex_unlock(&c->lock);
    lws_cancel_service(c->context);
    pthread_join(c->thread, NULL);
    lws_context_destroy(c->context);
    json_decref(c->frames);
    json_decref(c->acks);
    free(c->rx);
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* apps.connections.open with the app token, connect, and wait for the
 * hello: only then has the fake's thread registered the socket (the client
 * may see the upgrade succeed a moment before). NULL on failure. */
static client *connect_bot(int auto_ack)
{
    json_t *hello;
    reply r;
    client *c;

    api_as(&r, "apps.connections.open", "xapp-1-A1-fake", "application/x-www-form-urlencoded", "");
    c = ok(&r) ? client_open(field_of(&r, "url"), auto_ack) : NULL;
    json_decref(r.body);
    if (c != NULL && client_frame(c, 0, &hello, "\"hello\"", NULL) != 0) {
        client_free(c);
        c = NULL;
    }
    return c;
}

/* Wait until the fake counts `n` open sockets (it sees a close a moment
 * after the client does). Returns 1 once it does. */
static int open_sockets_become(int n)
{
    long long deadline = fake_slack_now_ms() + WAIT_MS;

    while (fake_slack_open_sockets(fake) != n && fake_slack_now_ms() < deadline)
        usleep(1000);
    return fake_slack_open_sockets(fake) == n;
}

static const char *jstr(json_t *v, const char *path)
{
    char key[64];
    const char *dot;

    while ((dot = strchr(path, '.')) != NULL) {
        snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
        v = json_object_get(v, key);
        path = dot + 1;
    }
    return json_string_value(json_object_get(v, path));
}

static long long jint(json_t *v, const char *key)
{
    return json_integer_value(json_object_get(v, key));
}

/* ---- the tests ---- */

static void test_fake_slack__auth(void)
{
    reply r;

    api(&r, "auth.test", "{}");
    ASSERT(ok(&r));
    ASSERT_STR_EQ(field_of(&r, "user_id"), "U0BOT");
    ASSERT_STR_EQ(field_of(&r, "bot_id"), "B0BOT");
    ASSERT_STR_EQ(r.type, "application/json; charset=utf-8");
    json_decref(r.body);

    api_as(&r, "auth.test", NULL, "application/json", "{}");
    ASSERT_INT_EQ(r.status, 200);
    ASSERT_STR_EQ(field_of(&r, "error"), "not_authed");
    json_decref(r.body);

    api_as(&r, "chat.postMessage", "xapp-1-A1-fake", "application/json",
           "{\"channel\":\"C1\",\"text\":\"hi\"}");
    ASSERT_STR_EQ(field_of(&r, "error"), "invalid_auth");
    json_decref(r.body);

    api_as(&r, "apps.connections.open", "xoxb-1-fake", "application/x-www-form-urlencoded", "");
    ASSERT_STR_EQ(field_of(&r, "error"), "invalid_auth");
    json_decref(r.body);

    api(&r, "chat.delete", "{}");
    ASSERT_STR_EQ(field_of(&r, "error"), "unknown_method");
    json_decref(r.body);
    ASSERT_INT_EQ(fake_slack_count(fake, NULL, NULL), 0);
}

static void test_fake_slack__post_update_ephemeral(void)
{
    const char *blocks =
        "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Reset?*\"}},"
        "{\"type\":\"actions\",\"block_id\":\"ticket_INC-42\",\"elements\":["
        "{\"type\":\"button\",\"action_id\":\"confirm_yes\",\"text\":{\"type\":"
        "\"plain_text\",\"text\":\"Yes, reset\"},\"value\":\"INC-42:yes\"},"
        "{\"type\":\"button\",\"action_id\":\"confirm_no\",\"text\":{\"type\":"
        "\"plain_text\",\"text\":\"No\"},\"value\":\"INC-42:no\"}]}]";
    char body[2048], ts[32], *value, *action;
    fake_post *posts;
    size_t n;
    long i;
    reply r;

    snprintf(body, sizeof(body),
             "{\"channel\":\"C7\",\"text\":\"Reset your password?\",\"thread_ts\":\"1.2\","
             "\"blocks\":%s}",
             blocks);
    api(&r, "chat.postMessage", body);
    ASSERT(ok(&r));
    ASSERT_STR_EQ(field_of(&r, "channel"), "C7");
    snprintf(ts, sizeof(ts), "%s", field_of(&r, "ts"));
    ASSERT(strncmp(ts, "1700000000.", 11) == 0);
    ASSERT_STR_EQ(jstr(r.body, "message.text"), "Reset your password?");
    ASSERT_STR_EQ(jstr(r.body, "message.bot_id"), "B0BOT");
    json_decref(r.body);

    i = fake_slack_wait_post(fake, 0, "post", "C7", "password", WAIT_MS);
    ASSERT(i >= 0);
    value = fake_slack_button(fake, (size_t)i, "Yes", &action);
    ASSERT_STR_EQ(value, "INC-42:yes");
    ASSERT_STR_EQ(action, "confirm_yes");
    free(value);
    free(action);
    ASSERT(fake_slack_button(fake, (size_t)i, "Maybe", &action) == NULL && action == NULL);

    api(&r, "chat.postMessage", "{\"channel\":\"C7\"}");
    ASSERT_STR_EQ(field_of(&r, "error"), "no_text");
    json_decref(r.body);
    api(&r, "chat.postMessage", "{\"text\":\"x\"}");
    ASSERT_STR_EQ(field_of(&r, "error"), "channel_not_found");
    json_decref(r.body);

    api(&r, "chat.update", "{\"channel\":\"C7\",\"ts\":\"1.1\",\"text\":\"x\"}");
    ASSERT_STR_EQ(field_of(&r, "error"), "message_not_found");
    json_decref(r.body);
    snprintf(body, sizeof(body),
             "{\"channel\":\"C7\",\"ts\":\"%s\",\"text\":\"Done: reset\",\"blocks\":[]}", ts);
    api(&r, "chat.update", body);
    ASSERT(ok(&r));
    ASSERT_STR_EQ(field_of(&r, "ts"), ts);
    json_decref(r.body);

    /* Form-encoded, as a client without JSON would send it. */
    api_as(&r, "chat.postEphemeral", "xoxb-1-fake", "application/x-www-form-urlencoded",
           "channel=C7&user=U2&text=only+you+%26+me");
    ASSERT(ok(&r));
    ASSERT(field_of(&r, "message_ts") != NULL);
    json_decref(r.body);

    n = fake_slack_posts(fake, &posts);
    ASSERT_INT_EQ(n, 3);
    ASSERT_STR_EQ(posts[0].kind, "post");
    ASSERT_STR_EQ(posts[0].thread_ts, "1.2");
    ASSERT(posts[0].blocks && strstr(posts[0].blocks, "\"confirm_no\""));
    ASSERT_STR_EQ(posts[1].kind, "update");
    ASSERT_STR_EQ(posts[1].ts, ts);
    ASSERT_STR_EQ(posts[1].thread_ts, "1.2");
    ASSERT_STR_EQ(posts[1].blocks, "[]");
    ASSERT_STR_EQ(posts[2].kind, "ephemeral");
    ASSERT_STR_EQ(posts[2].user, "U2");
    ASSERT_STR_EQ(posts[2].text, "only you & me");
    ASSERT(posts[2].blocks == NULL);
    ASSERT(posts[0].at_ms <= posts[1].at_ms);
    fake_slack_posts_free(posts, n);
    ASSERT_INT_EQ(fake_slack_count(fake, "update", "C7"), 1);
}

static void test_fake_slack__users_and_dms(void)
{
    reply r;

    fake_slack_user(fake, "U1", "alice", "alice@example.com");
    api_as(&r, "users.info?user=U1", "xoxb-1-fake", NULL, NULL);
    ASSERT(ok(&r));
    ASSERT_STR_EQ(jstr(r.body, "user.profile.email"), "alice@example.com");
    ASSERT_STR_EQ(jstr(r.body, "user.real_name"), "alice");
    ASSERT_STR_EQ(jstr(r.body, "user.name"), "alice");
    json_decref(r.body);

    api_as(&r, "users.info", "xoxb-1-fake", "application/x-www-form-urlencoded", "user=U9");
    ASSERT_STR_EQ(field_of(&r, "error"), "user_not_found");
    json_decref(r.body);

    api(&r, "conversations.open", "{\"users\":\"U1\"}");
    ASSERT(ok(&r));
    ASSERT_STR_EQ(jstr(r.body, "channel.id"), "DU1");
    json_decref(r.body);
}

static void test_fake_slack__rate_limit(void)
{
    fake_post *posts;
    size_t n;
    reply r;
    int i;

    fake_slack_rate_limit(fake, "chat.postMessage", 2, 7);
    for (i = 0; i < 2; i++) {
        api(&r, "chat.postMessage", "{\"channel\":\"C8\",\"text\":\"hello\"}");
        ASSERT_INT_EQ(r.status, 429);
        ASSERT_STR_EQ(r.retry_after, "7");
        ASSERT_STR_EQ(field_of(&r, "error"), "ratelimited");
        json_decref(r.body);
    }
    api(&r, "chat.postMessage", "{\"channel\":\"C8\",\"text\":\"hello\"}");
    ASSERT(ok(&r));
    ASSERT_STR_EQ(r.retry_after, "");
    json_decref(r.body);
    ASSERT_INT_EQ(fake_slack_count(fake, "post", "C8"), 1);
    ASSERT_INT_EQ(fake_slack_count(fake, "ratelimited", "C8"), 2);
    ASSERT_INT_EQ(fake_slack_count(fake, NULL, "C8"), 1);

    n = fake_slack_posts(fake, &posts);
    ASSERT_INT_EQ(n, 3);
    ASSERT_STR_EQ(posts[1].kind, "ratelimited");
    ASSERT_STR_EQ(posts[1].channel, "C8");
    ASSERT_STR_EQ(posts[1].text, "chat.postMessage");
    ASSERT(posts[0].at_ms <= posts[1].at_ms && posts[1].at_ms <= posts[2].at_ms);
    fake_slack_posts_free(posts, n);
}

/* The slow channel's answer is held back; other requests are answered meanwhile. */
static void test_fake_slack__delay(void)
{
    const char *channels[2] = {"CSLOW", "CFAST"};
    long long start = fake_slack_now_ms(), done[2] = {-1, -1};
    struct curl_slist *headers = NULL;
    CURLM *multi = curl_multi_init();
    static reply replies[2];
    CURL *easy[2];
    char url[128], body[2][128];
    CURLMsg *msg;
    int running = 2, left, i;

    fake_slack_delay(fake, "CSLOW", 600);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/chat.postMessage", fake_slack_port(fake));
    headers = curl_slist_append(headers, "Authorization: Bearer xoxb-1-fake");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    for (i = 0; i < 2; i++) {
        easy[i] = curl_easy_init();
        snprintf(body[i], sizeof(body[i]), "{\"channel\":\"%s\",\"text\":\"t\"}", channels[i]);
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, body[i]);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &replies[i]);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, (long)WAIT_MS);
        curl_multi_add_handle(multi, easy[i]);
    }
    while (running > 0 && fake_slack_now_ms() - start < WAIT_MS) {
        curl_multi_perform(multi, &running);
        while ((msg = curl_multi_info_read(multi, &left)) != NULL)
            for (i = 0; i < 2; i++)
                if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy[i])
                    done[i] = fake_slack_now_ms() - start;
        curl_multi_poll(multi, NULL, 0, 50, NULL);
    }
    while ((msg = curl_multi_info_read(multi, &left)) != NULL)
        for (i = 0; i < 2; i++)
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy[i])
                done[i] = fake_slack_now_ms() - start;
    for (i = 0; i < 2; i++) {
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
    fake_slack_delay(fake, "CSLOW", 0);
    printf("# delay: slow channel answered after %lld ms, fast one after %lld ms\n", done[0],
           done[1]);
    ASSERT(done[0] >= 600);
    ASSERT(done[1] >= 0 && done[1] < 300);
}

/* A body over 1 KiB: no stall on curl's "Expect: 100-continue". */
static void test_fake_slack__large_body(void)
{
    char *body = malloc(64 * 1024);
    long long start = fake_slack_now_ms();
    reply r;
    int n;

    n = snprintf(body, 64 * 1024, "{\"channel\":\"CBIG\",\"text\":\"");
    memset(body + n, 'x', 60000);
    snprintf(body + n + 60000, 64 * 1024 - (size_t)n - 60000, "\"}");
    api(&r, "chat.postMessage", body);
    free(body);
    ASSERT(ok(&r));
    json_decref(r.body);
    printf("# 60 kB post answered in %lld ms\n", fake_slack_now_ms() - start);
    ASSERT(fake_slack_now_ms() - start < 500);
}

static void test_fake_slack__socket_mode(void)
{
    client *c = NULL, *again = NULL;
    char *env = NULL, *ev = NULL, *value = NULL;
    json_t *frame;
    reply r;
    long i;

    /* With no socket a click fails at once (an event would wait for one). */
    ASSERT(fake_slack_click(fake, "U1", "D1", "1.000001", "a", "v") == NULL);
    api_as(&r, "apps.connections.open", "xapp-1-A1-fake", "application/x-www-form-urlencoded", "");
    ASSERT(ok(&r));
    ASSERT(strncmp(field_of(&r, "url"), "ws://127.0.0.1:", 15) == 0);
    c = client_open(field_of(&r, "url"), 1);
    ASSERT(c->established);
    ASSERT_INT_EQ(fake_slack_wait_connections(fake, 1, WAIT_MS), 0);
    ASSERT(client_frame(c, 0, &frame, "\"hello\"", NULL) == 0); /* no event before it */
    ASSERT_INT_EQ(jint(frame, "num_connections"), 1);
    ASSERT_STR_EQ(jstr(frame, "connection_info.app_id"), "A1");
    ASSERT_INT_EQ(fake_slack_open_sockets(fake), 1);
    ASSERT_INT_EQ(fake_slack_connections_opened(fake), 1);

    /* A ticket is good once. */
    again = client_open(field_of(&r, "url"), 1);
    json_decref(r.body);
    ASSERT(again->failed && !again->established);
    client_free(again);
    again = NULL;

    env = fake_slack_dm(fake, "U1", "my VPN is down", &ev);
    ASSERT(env != NULL && ev != NULL);
    i = client_frame(c, 1, &frame, env, NULL);
    ASSERT(i >= 0);
    ASSERT_STR_EQ(jstr(frame, "type"), "events_api");
    ASSERT_INT_EQ(jint(frame, "retry_attempt"), 0);
    ASSERT(json_is_false(json_object_get(frame, "accepts_response_payload")));
    ASSERT_STR_EQ(jstr(frame, "payload.event_id"), ev);
    ASSERT_STR_EQ(jstr(frame, "payload.type"), "event_callback");
    ASSERT_STR_EQ(jstr(frame, "payload.event.channel"), "DU1");
    ASSERT_STR_EQ(jstr(frame, "payload.event.channel_type"), "im");
    ASSERT_STR_EQ(jstr(frame, "payload.event.user"), "U1");
    ASSERT_STR_EQ(jstr(frame, "payload.event.text"), "my VPN is down");
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, env, WAIT_MS), 0);
    ASSERT(fake_slack_ack_ms(fake, env) >= 0);
    free(env);
    free(ev);

    env = fake_slack_mention(fake, "U2", "C5", "printer jammed", "1.5", NULL);
    ASSERT(env != NULL);
    ASSERT(client_frame(c, 0, &frame, env, NULL) >= 0);
    ASSERT_STR_EQ(jstr(frame, "payload.event.type"), "app_mention");
    ASSERT_STR_EQ(jstr(frame, "payload.event.text"), "<@U0BOT> printer jammed");
    ASSERT_STR_EQ(jstr(frame, "payload.event.thread_ts"), "1.5");
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, env, WAIT_MS), 0); /* the ack with "payload":{} */
    free(env);

    env = fake_slack_thread_reply(fake, "U2", "C5", "1.5", "still jammed", NULL);
    ASSERT(env != NULL);
    ASSERT(client_frame(c, 0, &frame, env, NULL) >= 0);
    ASSERT_STR_EQ(jstr(frame, "payload.event.channel_type"), "channel");
    ASSERT_STR_EQ(jstr(frame, "payload.event.thread_ts"), "1.5");
    free(env);

    env = fake_slack_own_echo(fake, "Ticket INC-1 created");
    ASSERT(env != NULL);
    ASSERT(client_frame(c, 0, &frame, env, NULL) >= 0);
    ASSERT_STR_EQ(jstr(frame, "payload.event.bot_id"), "B0BOT");
    ASSERT_STR_EQ(jstr(frame, "payload.event.user"), "U0BOT");
    free(env);

    /* A click on a button of the bot's post. */
    api(&r, "chat.postMessage",
        "{\"channel\":\"DU1\",\"text\":\"Reset?\",\"blocks\":[{\"type\":\"actions\",\"block_id\":"
        "\"b9\",\"elements\":[{\"type\":\"button\",\"action_id\":\"yes\",\"text\":{\"type\":"
        "\"plain_text\",\"text\":\"Yes\"},\"value\":\"INC-9:yes\"}]}]}");
    ASSERT(ok(&r));
    i = fake_slack_wait_post(fake, 0, "post", "DU1", "Reset?", WAIT_MS);
    value = fake_slack_button(fake, (size_t)i, "Yes", NULL);
    env = fake_slack_click(fake, "U1", "DU1", field_of(&r, "ts"), "yes", value);
    ASSERT(env != NULL);
    ASSERT(client_frame(c, 0, &frame, env, NULL) >= 0);
    ASSERT_STR_EQ(jstr(frame, "type"), "interactive");
    ASSERT(json_object_get(frame, "retry_attempt") == NULL);
    ASSERT_STR_EQ(jstr(frame, "payload.type"), "block_actions");
    ASSERT_STR_EQ(jstr(frame, "payload.container.message_ts"), field_of(&r, "ts"));
    ASSERT_STR_EQ(jstr(frame, "payload.message.text"), "Reset?");
    frame = json_array_get(json_object_get(json_object_get(frame, "payload"), "actions"), 0);
    ASSERT_STR_EQ(jstr(frame, "value"), "INC-9:yes");
    ASSERT_STR_EQ(jstr(frame, "block_id"), "b9");
    ASSERT_STR_EQ(jstr(frame, "text.text"), "Yes");
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, env, WAIT_MS), 0);
    json_decref(r.body);
    free(value);
    free(env);

    /* Raw frames go out as they are; an envelope_id in them is tracked. */
    env = fake_slack_raw(fake, "{\"envelope_id\":\"raw-1\",\"type\":\"slash_commands\"}");
    ASSERT_STR_EQ(env, "raw-1");
    ASSERT(client_frame(c, 0, &frame, "slash_commands", NULL) >= 0);
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, "raw-1", WAIT_MS), 0);
    free(env);
    env = fake_slack_raw(fake, "not json");
    ASSERT_STR_EQ(env, "");
    ASSERT(client_frame(c, 0, &frame, "not json", NULL) >= 0);
    free(env);

    fake_slack_disconnect(fake, "warning");
    ASSERT(client_frame(c, 0, &frame, "\"disconnect\"", "\"warning\"", NULL) >= 0);
    client_close(c);
    ASSERT(c->closed && !c->peer_close);
    client_free(c);
    c = NULL;
    ASSERT(open_sockets_become(0));
}

/* Unacked events come again every ack timeout, with the same event_id, at most 3 times. */
static void test_fake_slack__redelivery(void)
{
    client *c = connect_bot(0);
    char *env, *ev = NULL;
    const char *ids[4];
    json_t *frame;
    long i = 0;
    int k;

    ASSERT(c && c->established);
    fake_slack_ack_timeout(fake, 150);
    env = fake_slack_dm(fake, "U3", "no ack for me", &ev);
    ASSERT(env != NULL && ev != NULL);
    for (k = 0; k <= 3; k++) {
        i = client_frame(c, (size_t)i + 1, &frame, ev, NULL);
        ASSERT(i >= 0);
        ASSERT_INT_EQ(jint(frame, "retry_attempt"), k);
        ASSERT_STR_EQ(jstr(frame, "retry_reason"), k ? "timeout" : "");
        ids[k] = jstr(frame, "envelope_id");
        ASSERT(k == 0 || strcmp(ids[k], ids[k - 1]) != 0);
    }
    ASSERT_STR_EQ(ids[0], env);
    usleep(500 * 1000);
    ASSERT_INT_EQ(client_count(c), (size_t)i + 1); /* no fourth retry */
    ASSERT_INT_EQ(fake_slack_ack_ms(fake, env), -1);
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, env, 10), -1);
    free(env);
    free(ev);

    /* An explicit resend. */
    env = fake_slack_dm(fake, "U3", "again", &ev);
    ASSERT(env != NULL && ev != NULL);
    i = client_frame(c, (size_t)i + 1, &frame, ev, NULL);
    ASSERT(i >= 0);
    fake_slack_ack_timeout(fake, 3000);
    ASSERT_INT_EQ(fake_slack_resend(fake, env), 0);
    ASSERT(client_frame(c, (size_t)i + 1, &frame, ev, "\"retry_attempt\":1", NULL) >= 0);
    ASSERT_INT_EQ(fake_slack_resend(fake, "no-such-envelope"), -1);
    free(env);
    free(ev);
    client_close(c);
    client_free(c);
}

/* Acks ignored: the event comes again although the bot acked it. */
static void test_fake_slack__ignore_acks(void)
{
    client *c = connect_bot(1);
    char *env, *ev = NULL, *retry = NULL;
    json_t *frame;

    ASSERT(c && c->established);
    fake_slack_ack_timeout(fake, 150);
    fake_slack_ignore_acks(fake, 1);
    env = fake_slack_dm(fake, "U4", "ack ignored", &ev);
    ASSERT(env != NULL && ev != NULL);
    ASSERT(client_frame(c, 0, &frame, ev, "\"retry_attempt\":1", NULL) >= 0);
    retry = strdup(jstr(frame, "envelope_id"));
    /* The ack of retry 1 reached the fake before retry 2 was due. */
    ASSERT(client_frame(c, 0, &frame, ev, "\"retry_attempt\":2", NULL) >= 0);
    ASSERT_INT_EQ(fake_slack_ack_ms(fake, env), -1);
    ASSERT_INT_EQ(fake_slack_ack_ms(fake, retry), -1);
    fake_slack_ignore_acks(fake, 0);
    fake_slack_ack_timeout(fake, 3000);
    free(env);
    free(ev);
    free(retry);
    env = fake_slack_dm(fake, "U4", "ack heard", NULL);
    ASSERT(env != NULL);
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, env, WAIT_MS), 0);
    free(env);
    client_close(c);
    client_free(c);
}

/* A socket that goes away with unacked events: they come on the next one, after its hello. */
static void test_fake_slack__drop_and_reconnect(void)
{
    client *c = connect_bot(0), *next;
    char *env, *ev = NULL;
    json_t *frame;

    ASSERT(c && c->established);
    ASSERT_INT_EQ(fake_slack_wait_connections(fake, 1, WAIT_MS), 0);
    env = fake_slack_dm(fake, "U5", "lost in transit", &ev);
    ASSERT(env != NULL && ev != NULL);
    ASSERT(client_frame(c, 0, &frame, ev, NULL) >= 0);
    fake_slack_drop(fake);
    ASSERT(client_wait_closed(c));
    ASSERT(!c->peer_close); /* no close frame: the TCP connection just went */
    client_free(c);
    ASSERT(fake_slack_click(fake, "U5", "DU5", "1.000001", "a", "v") == NULL);

    next = connect_bot(1);
    ASSERT(next && next->established);
    ASSERT_INT_EQ(fake_slack_wait_connections(fake, 2, WAIT_MS), 0);
    ASSERT(open_sockets_become(1));
    ASSERT_INT_EQ(fake_slack_connections_opened(fake), 2);
    ASSERT(client_frame(next, 1, &frame, ev, NULL) == 1); /* right after the hello */
    ASSERT_INT_EQ(jint(frame, "retry_attempt"), 1);
    ASSERT(strcmp(jstr(frame, "envelope_id"), env) != 0);
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, jstr(frame, "envelope_id"), WAIT_MS), 0);
    free(env);
    free(ev);
    client_close(next);
    client_free(next);
}

/* Overlapping sockets: events go to the newest; the old one's unacked events move over. */
static void test_fake_slack__overlap(void)
{
    client *old = connect_bot(0), *fresh;
    char *env, *ev = NULL;
    json_t *frame;

    ASSERT(old && old->established);
    env = fake_slack_dm(fake, "U6", "to the old socket", &ev);
    ASSERT(env != NULL && ev != NULL);
    ASSERT(client_frame(old, 0, &frame, ev, NULL) >= 0);
    fresh = connect_bot(1);
    ASSERT(fresh && fresh->established);
    ASSERT(client_frame(fresh, 0, &frame, "\"hello\"", "\"num_connections\":2", NULL) == 0);
    client_close(old);
    client_free(old);
    ASSERT(client_frame(fresh, 1, &frame, ev, "\"retry_attempt\":1", NULL) >= 0);
    free(env);
    free(ev);
    env = fake_slack_dm(fake, "U6", "to the new socket", NULL);
    ASSERT(env != NULL);
    ASSERT(client_frame(fresh, 1, &frame, env, NULL) >= 0);
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, env, WAIT_MS), 0);
    free(env);
    client_close(fresh);
    client_free(fresh);
}

/* Thousands of events, each acked: the rate the benchmark can count on. */
static void test_fake_slack__throughput(void)
{
    enum { N = 5000 };
    client *c = connect_bot(1);
    char *last = NULL;
    long long start, ms;
    int k;

    ASSERT(c && c->established);
    start = fake_slack_now_ms();
    for (k = 0; k < N; k++) {
        free(last);
        last = fake_slack_dm(fake, "U7", "load", NULL);
        ASSERT(last != NULL);
    }
    ASSERT_INT_EQ(fake_slack_wait_ack(fake, last, 20000), 0);
    ms = fake_slack_now_ms() - start;
    printf("# %d events sent and acked in %lld ms (%.0f/s)\n", N, ms, N * 1000.0 / (ms ? ms : 1));
    ASSERT_INT_EQ(client_count(c), N + 1);
    free(last);
    client_close(c);
    client_free(c);
}

/* Each test gets a fresh fake, so that one that fails leaves no socket open for the next. */
#define RUN_FRESH(fn)                                                                              \
    do {                                                                                           \
        fake = fake_slack_start();                                                                 \
        if (fake == NULL)                                                                          \
            return 1;                                                                              \
        RUN(fn);                                                                                   \
        fake_slack_stop(fake);                                                                     \
    } while (0)

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    RUN_FRESH(test_fake_slack__auth);
    RUN_FRESH(test_fake_slack__post_update_ephemeral);
    RUN_FRESH(test_fake_slack__users_and_dms);
    RUN_FRESH(test_fake_slack__rate_limit);
    RUN_FRESH(test_fake_slack__delay);
    RUN_FRESH(test_fake_slack__large_body);
    RUN_FRESH(test_fake_slack__socket_mode);
    RUN_FRESH(test_fake_slack__redelivery);
    RUN_FRESH(test_fake_slack__ignore_acks);
    RUN_FRESH(test_fake_slack__drop_and_reconnect);
    RUN_FRESH(test_fake_slack__overlap);
    RUN_FRESH(test_fake_slack__throughput);
    curl_global_cleanup();
    return harness_result();
}
