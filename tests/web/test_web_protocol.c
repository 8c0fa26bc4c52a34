/*
 * test_web_protocol.c - the web chat's protocol without a browser: the real
 * `deskbot run`, a raw WebSocket client (wsclient.c) and the frames of
 * docs/webchat-protocol.md. Sign-in (good, forged, expired and misplaced
 * tokens, the trusted header), exactly-once frames and replay by sequence
 * number, malformed and oversize frames, invalid UTF-8, a flood from one
 * connection that leaves another unaffected, and a foreign Origin.
 */
#include "harness.h"
#include "slackbot.h"
#include "wsclient.h"

#include "chan_web.h"
#include "webauth.h"

#include "hd/chatlog.h"
#include "hd/config.h"
#include "hd/embedded.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT 10000

static const char *binary;
static slackbot b; /* the bot (and an idle fake Slack); torn down after each test */

/* The bot's desk, opened beside it (the caller closes both). */
static int open_desk(hd_config **cfg, hd_desk **desk)
{
    char db[1100], conf[1100];

    snprintf(db, sizeof(db), "%s/deskbot.db", b.dir);
    snprintf(conf, sizeof(conf), "%s/config.json", b.dir);
    *cfg = NULL;
    *desk = NULL;
    return hd_config_load(cfg, hd_embedded_find("deskbot.json"), conf) != 0 ||
                   hd_desk_open(desk, *cfg, db) != 0
               ? -1
               : 0;
}

/* A sign-in token for `who`, valid `hours`, made the way `deskbot webchat-link` makes it. */
static char *token_for(hd_web_role role, const char *who, int hours)
{
    char *url = NULL, *token = NULL;
    hd_config *cfg;
    hd_desk *desk;

    if (open_desk(&cfg, &desk) == 0 &&
        hd_web_link(desk, role, who, hours, (int64_t)time(NULL), &url) == 0)
        token = strdup(strstr(url, "token=") + 6);
    hd_free(url);
    hd_desk_close(desk);
    hd_config_free(cfg);
    return token;
}

/* A genuine token that expires `seconds` from now (in the past when negative). */
static char *token_expiring(const char *who, int seconds)
{
    unsigned char key[HD_WEBAUTH_KEY];
    char *token = NULL, *t;
    hd_config *cfg;
    hd_desk *desk;
    int64_t now = (int64_t)time(NULL);

    if (open_desk(&cfg, &desk) == 0 &&
        hd_secret_get(desk, "web_token_key", key, sizeof(key), now) == 0) {
        t = hd_webauth_issue(key, HD_WEB_EMPLOYEE, who, now + seconds);
        token = strdup(t);
        hd_free(t);
    }
    hd_desk_close(desk);
    hd_config_free(cfg);
    return token;
}

static void start_with(const char *key, const char *value)
{
    char path[1100];
    json_t *conf;

    slackbot_setup(&b, binary);
    if (key) {
        snprintf(path, sizeof(path), "%s/config.json", b.dir);
        conf = json_load_file(path, 0, NULL);
        json_object_set_new(conf, key, json_string(value));
        json_dump_file(conf, path, 0);
        json_decref(conf);
    }
    if (slackbot_start(&b) != 0)
        fprintf(stderr, "the bot did not start; see %s/deskbot.log\n", b.dir);
}

static void start(void)
{
    start_with(NULL, NULL);
}

/*
 * Connect and say hello as `token` (`since` is stolen); whether a welcome
 * came. *welcome (may be NULL) gets it, for the caller to release.
 */
static int hello_with(wsc *c, const char *token, json_t *since, json_t **welcome)
{
    json_t *f = json_pack("{s:s, s:i}", "type", "hello", "v", 1), *w;

    if (wsc_connect(c, slackbot_port(&b), "/ws", NULL) != 101) {
        json_decref(f);
        json_decref(since);
        return 0;
    }
    if (token)
        json_object_set_new(f, "token", json_string(token));
    if (since)
        json_object_set_new(f, "since", since);
    wsc_send_json(c, f);
    w = wsc_expect(c, "welcome", WAIT);
    if (welcome)
        *welcome = w;
    else
        json_decref(w);
    return w != NULL;
}

static int hello(wsc *c, const char *token, json_t *since)
{
    return hello_with(c, token, since, NULL);
}

static int say(wsc *c, const char *id, const char *text)
{
    return wsc_send_json(c, json_pack("{s:s, s:s, s:s}", "type", "say", "id", id, "text", text));
}

/* The error frame the server answers with next (skipping others), or NULL. */
static char *error_code(wsc *c)
{
    json_t *e = wsc_expect(c, "error", WAIT);
    char *code = e ? strdup(json_string_value(json_object_get(e, "code"))) : NULL;

    json_decref(e);
    return code;
}

/* Read frames until an ack for `id` (1), counting entries into *entries; 0 on timeout. */
static int until_ack(wsc *c, const char *id, int *entries, int *duplicate)
{
    json_t *j;

    while ((j = wsc_recv_json(c, WAIT)) != NULL) {
        const char *type = json_string_value(json_object_get(j, "type"));

        if (type && strcmp(type, "entry") == 0 && entries)
            (*entries)++;
        if (type && strcmp(type, "ack") == 0 &&
            strcmp(json_string_value(json_object_get(j, "id")), id) == 0) {
            if (duplicate)
                *duplicate = json_is_true(json_object_get(j, "duplicate"));
            json_decref(j);
            return 1;
        }
        json_decref(j);
    }
    return 0;
}

static void test_web_protocol__pages_and_tokens(void)
{
    static const char keep[] = "GET /static/style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    struct sockaddr_in addr;
    char answer[256];
    int idle;
    char *head = NULL, *body = NULL, *good, *expired, *agent, path[1200];
    int port;

    start();
    port = slackbot_port(&b);
    ASSERT(port > 0);
    ASSERT_INT_EQ(wsc_http_get(port, "/", NULL, &head, &body), 200);
    ASSERT(strstr(head, "content-security-policy: default-src 'self'") != NULL);
    ASSERT(strstr(body, "/static/chat.js") != NULL);
    free(head);
    free(body);
    ASSERT_INT_EQ(wsc_http_get(port, "/static/common.js", NULL, NULL, NULL), 200);
    ASSERT_INT_EQ(wsc_http_get(port, "/static/../deskbot.json", NULL, NULL, NULL), 404);
    ASSERT_INT_EQ(wsc_http_get(port, "/static/nothing.js", NULL, NULL, NULL), 404);

    good = token_for(HD_WEB_EMPLOYEE, "alice", 1);
    expired = token_expiring("alice", -60);
    agent = token_for(HD_WEB_AGENT, "carol", 1);
    ASSERT(good && expired && agent);
    /* An agent link only for agents. */
    ASSERT(token_for(HD_WEB_AGENT, "tom", 1) == NULL);

    snprintf(path, sizeof(path), "/?token=%s", good);
    ASSERT_INT_EQ(wsc_http_get(port, path, NULL, NULL, NULL), 200);
    /* One changed character of the signature: a clear page, not the chat. */
    good[strlen(good) - 2] = good[strlen(good) - 2] == 'A' ? 'B' : 'A';
    snprintf(path, sizeof(path), "/?token=%s", good);
    ASSERT_INT_EQ(wsc_http_get(port, path, NULL, NULL, &body), 403);
    ASSERT(strstr(body, "not valid") != NULL);
    free(body);
    snprintf(path, sizeof(path), "/?token=%s", expired);
    ASSERT_INT_EQ(wsc_http_get(port, path, NULL, NULL, &body), 403);
    ASSERT(strstr(body, "expired") != NULL);
    free(body);
    /* An agent's link on the employees' page, and the agents' page with it. */
    snprintf(path, sizeof(path), "/?token=%s", agent);
    ASSERT_INT_EQ(wsc_http_get(port, path, NULL, NULL, NULL), 403);
    snprintf(path, sizeof(path), "/agents?token=%s", agent);
    ASSERT_INT_EQ(wsc_http_get(port, path, NULL, NULL, NULL), 200);
    /* Development sign-in only for a page that asked for this machine by name. */
    ASSERT_INT_EQ(wsc_http_get(port, "/dev/login?user=alice", NULL, &head, NULL), 303);
    free(head);
    ASSERT_INT_EQ(
        wsc_http_get(port, "/dev/login?user=alice", "Host: rebound.example\r\n", NULL, NULL), 404);
    ASSERT_INT_EQ(
        wsc_http_get(port, "/dev/login?user=alice", "Host: 127.rebound.example\r\n", NULL, NULL),
        404);
    ASSERT_INT_EQ(
        wsc_http_get(port, "/dev/login?user=alice", "Host: localhost:8080\r\n", NULL, NULL), 303);
    /* The bot is still there after all that. */
    ASSERT_INT_EQ(wsc_http_get(port, "/healthz", NULL, NULL, NULL), 200);
    /* A browser's kept-alive connection, idle after its request, does not trouble a clean stop. */
    idle = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT(connect(idle, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    ASSERT(write(idle, keep, strlen(keep)) == (ssize_t)strlen(keep));
    ASSERT(read(idle, answer, sizeof(answer)) > 12);
    usleep(200000);
    ASSERT_INT_EQ(WEXITSTATUS(slackbot_kill(&b, SIGTERM)), 0);
    close(idle);
    free(good);
    free(expired);
    free(agent);
}

static void test_web_protocol__sign_in_over_the_socket(void)
{
    char *good, *expired, *code, origin[400];
    wsc c, many[10];
    int i;
    json_t *w;

    start();
    good = token_for(HD_WEB_EMPLOYEE, "alice", 1);
    expired = token_expiring("alice", -60);
    ASSERT(good && expired);

    /* A forged token: unauthorized, then the socket closes with 1008. */
    ASSERT(!hello(&c, "v1.e.YWxpY2U.99999999999.AAAA", NULL));
    wsc_close(&c);
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", NULL), 101);
    wsc_send_json(&c, json_pack("{s:s, s:s}", "type", "hello", "token", "v1.a.Ym9i.1.AAAA"));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "unauthorized");
    free(code);
    ASSERT_INT_EQ(wsc_wait_close(&c, WAIT), 1008);
    wsc_close(&c);

    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", NULL), 101);
    wsc_send_json(&c, json_pack("{s:s, s:s}", "type", "hello", "token", expired));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "expired");
    free(code);
    wsc_close(&c);

    /* A session ends with its token, even on a socket that is already open. */
    free(expired);
    expired = token_expiring("alice", 2);
    ASSERT(hello(&c, expired, NULL));
    sleep(3);
    say(&c, "c-late", "still there?");
    code = error_code(&c);
    ASSERT_STR_EQ(code, "expired");
    free(code);
    ASSERT_INT_EQ(wsc_wait_close(&c, WAIT), 1008);
    wsc_close(&c);

    /* Nothing before hello; then the real thing. */
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", NULL), 101);
    say(&c, "c-1", "hello?");
    code = error_code(&c);
    ASSERT_STR_EQ(code, "bad_frame");
    free(code);
    wsc_close(&c);
    ASSERT(hello_with(&c, good, NULL, &w));
    ASSERT_STR_EQ(json_string_value(json_object_get(w, "role")), "employee");
    ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(w, "user"), "username")),
                  "alice");
    json_decref(w);
    /* An employee cannot press in an agents' room. */
    wsc_send_json(&c, json_pack("{s:s, s:s, s:s, s:s}", "type", "click", "id", "c-2", "action", "x",
                                "room", "desktop-support"));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "unauthorized");
    free(code);
    wsc_close(&c);

    /* A page from another site cannot open the socket, however long its name. */
    ASSERT(wsc_connect(&c, slackbot_port(&b), "/ws", "Origin: http://evil.example\r\n") != 101);
    wsc_close(&c);
    memset(origin, 'a', sizeof(origin));
    memcpy(origin, "Origin: http://", 15);
    memcpy(origin + sizeof(origin) - 16, ".evil.example\r\n", 15);
    origin[sizeof(origin) - 1] = '\0';
    ASSERT(wsc_connect(&c, slackbot_port(&b), "/ws", origin) != 101);
    wsc_close(&c);
    /* Its own pages can. */
    snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%d\r\n", slackbot_port(&b));
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", origin), 101);
    wsc_close(&c);

    /* One user, at most ten pages at once. */
    for (i = 0; i < 10; i++)
        ASSERT(hello(&many[i], good, NULL));
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", NULL), 101);
    wsc_send_json(&c, json_pack("{s:s, s:s}", "type", "hello", "token", good));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "unauthorized");
    free(code);
    wsc_close(&c);
    for (i = 0; i < 10; i++)
        wsc_close(&many[i]);
    free(good);
    free(expired);
}

static void test_web_protocol__exactly_once_and_replay(void)
{
    char *token, *n1, *n2;
    int entries = 0, dup = 0, replayed = 0;
    json_t *j;
    wsc c;

    start();
    token = token_for(HD_WEB_EMPLOYEE, "alice", 1);
    ASSERT(hello(&c, token, NULL));
    say(&c, "c-100", "my laptop is very slow since this morning");
    ASSERT(until_ack(&c, "c-100", &entries, &dup));
    ASSERT(entries >= 2); /* her words, then the bot's answer */
    ASSERT(!dup);
    n1 = slackbot_sql(&b, "SELECT count(*) FROM chatlog WHERE room = 'user:alice'");
    ASSERT_INT_EQ(atoi(n1), entries);

    /* The same frame again, as after a reconnect: acknowledged, nothing more. */
    entries = 0;
    say(&c, "c-100", "my laptop is very slow since this morning");
    ASSERT(until_ack(&c, "c-100", &entries, &dup));
    ASSERT(dup);
    ASSERT_INT_EQ(entries, 0);
    n2 = slackbot_sql(&b, "SELECT count(*) FROM chatlog WHERE room = 'user:alice'");
    ASSERT_STR_EQ(n1, n2);
    wsc_close(&c);

    /* A page that saw everything gets nothing; one that saw nothing gets it all, once each. */
    ASSERT(hello(&c, token, json_pack("{s:i}", "me", atoi(n1))));
    j = wsc_recv_json(&c, 500);
    ASSERT(j == NULL);
    wsc_close(&c);
    ASSERT(hello(&c, token, NULL));
    while ((j = wsc_recv_json(&c, 500)) != NULL) {
        ASSERT_INT_EQ(json_integer_value(json_object_get(j, "seq")), replayed + 1);
        replayed++;
        json_decref(j);
    }
    ASSERT_INT_EQ(replayed, atoi(n1));
    wsc_close(&c);
    free(n1);
    free(n2);
    free(token);
}

static void test_web_protocol__bad_frames(void)
{
    static const char bad_utf8[] = "{\"type\":\"say\",\"id\":\"c-9\",\"text\":\"\xc3\x28\"}";
    char *token, *code, *big;
    size_t n = 20000;
    wsc c;

    start();
    token = token_for(HD_WEB_EMPLOYEE, "maria", 1);
    ASSERT(hello(&c, token, NULL));
    wsc_send(&c, WSC_TEXT, "not json", 8);
    code = error_code(&c);
    ASSERT_STR_EQ(code, "bad_json");
    free(code);
    wsc_send(&c, WSC_TEXT, "[1,2]", 5);
    code = error_code(&c);
    ASSERT_STR_EQ(code, "bad_json");
    free(code);
    wsc_send_json(&c, json_pack("{s:s, s:s}", "type", "dance", "id", "c-3"));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "bad_frame");
    free(code);
    say(&c, "not an id!", "hi");
    code = error_code(&c);
    ASSERT_STR_EQ(code, "bad_frame");
    free(code);
    /* Text over web_max_text (8,000 bytes) in a frame under the limit. */
    big = malloc(n + 1);
    memset(big, 'a', n);
    big[9000] = '\0';
    say(&c, "c-4", big);
    code = error_code(&c);
    ASSERT_STR_EQ(code, "too_long");
    free(code);
    /* Still usable after all of that. */
    say(&c, "c-5", "hello");
    ASSERT(until_ack(&c, "c-5", NULL, NULL));

    /* A frame over 16 KB closes the socket with 1009. */
    big[9000] = 'a';
    big[n] = '\0';
    say(&c, "c-6", big);
    ASSERT_INT_EQ(wsc_wait_close(&c, WAIT), 1009);
    wsc_close(&c);
    free(big);

    /* Text that is not UTF-8 closes it with 1007. */
    ASSERT(hello(&c, token, NULL));
    wsc_send(&c, WSC_TEXT, bad_utf8, strlen(bad_utf8));
    ASSERT_INT_EQ(wsc_wait_close(&c, WAIT), 1007);
    wsc_close(&c);

    /* Nothing of it was kept: maria's room has her hello and its answer only. */
    code = slackbot_sql(&b, "SELECT count(*) FROM chatlog WHERE room = 'user:maria' AND"
                            " body LIKE '%\"from\":\"user\"%'");
    ASSERT_STR_EQ(code, "1");
    free(code);
    free(token);
}

static void test_web_protocol__flood_is_contained(void)
{
    char *flooder, *other, id[32];
    int limited = 0, i;
    wsc a, c;
    json_t *j;

    start();
    flooder = token_for(HD_WEB_EMPLOYEE, "tom", 1);
    other = token_for(HD_WEB_EMPLOYEE, "alice", 1);
    ASSERT(hello(&a, flooder, NULL));
    ASSERT(hello(&c, other, NULL));
    for (i = 0; i < 40; i++) {
        snprintf(id, sizeof(id), "f-%d", i);
        say(&a, id, "hi");
    }
    /* alice is answered while tom's flood is being turned away. */
    say(&c, "c-1", "hello");
    ASSERT(until_ack(&c, "c-1", NULL, NULL));
    while ((j = wsc_recv_json(&a, 1000)) != NULL) {
        const char *code = json_string_value(json_object_get(j, "code"));

        limited += code && strcmp(code, "rate_limited") == 0;
        json_decref(j);
    }
    ASSERT(limited >= 25); /* 40 sent, a burst of 10 allowed */
    /* Going on regardless closes the flooder's socket, and only it. */
    for (i = 0; i < 80; i++) {
        snprintf(id, sizeof(id), "g-%d", i);
        say(&a, id, "hi");
    }
    ASSERT_INT_EQ(wsc_wait_close(&a, WAIT), 1008);
    say(&c, "c-2", "are you there?");
    ASSERT(until_ack(&c, "c-2", NULL, NULL));
    wsc_close(&a);
    wsc_close(&c);
    free(flooder);
    free(other);
}

static void test_web_protocol__trusted_header(void)
{
    wsc c;
    json_t *w;
    char *code;

    start_with("web_trusted_header", "X-Remote-User");
    /* The proxy vouches for maria: no token needed. */
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", "X-Remote-User: maria\r\n"), 101);
    wsc_send_json(&c, json_pack("{s:s}", "type", "hello"));
    w = wsc_expect(&c, "welcome", WAIT);
    ASSERT(w != NULL);
    ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(w, "user"), "username")),
                  "maria");
    json_decref(w);
    wsc_close(&c);
    /* Without it, or naming nobody, no way in. */
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", NULL), 101);
    wsc_send_json(&c, json_pack("{s:s}", "type", "hello"));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "unauthorized");
    free(code);
    wsc_close(&c);
    ASSERT_INT_EQ(wsc_connect(&c, slackbot_port(&b), "/ws", "X-Remote-User: mallory\r\n"), 101);
    wsc_send_json(&c, json_pack("{s:s}", "type", "hello"));
    code = error_code(&c);
    ASSERT_STR_EQ(code, "unauthorized");
    free(code);
    wsc_close(&c);
}

/* How many entries arrive before the line goes quiet, checking they are numbered first, first+1, …
 */
static int count_in_order(wsc *c, int first)
{
    json_t *j;
    int n = 0, ok = 1;

    while ((j = wsc_recv_json(c, 1000)) != NULL) {
        ok &= json_integer_value(json_object_get(j, "seq")) == first + n;
        n++;
        json_decref(j);
    }
    return ok ? n : -1;
}

/*
 * A long history: a page that saw up to 10 gets everything after it, in
 * pages; a page that saw nothing gets the latest 200.
 */
static void test_web_protocol__long_history(void)
{
    char *token;
    wsc c;

    start();
    token = token_for(HD_WEB_EMPLOYEE, "alice", 1);
    ASSERT(slackbot_sql_exec(&b, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                                 " WHERE i < 450) INSERT INTO chatlog SELECT 'web', 'user:alice',"
                                 " i, '{\"from\":\"bot\",\"text\":\"old news\"}', 0 FROM n") == 0);
    ASSERT(hello(&c, token, json_pack("{s:i}", "me", 10)));
    ASSERT_INT_EQ(count_in_order(&c, 11), 440);
    wsc_close(&c);
    ASSERT(hello(&c, token, NULL));
    ASSERT_INT_EQ(count_in_order(&c, 251), 200);
    wsc_close(&c);
    free(token);
}

/* The entries of the rooms a page is sent after its welcome, as one string. */
static char *replayed(wsc *c)
{
    size_t len = 0;
    char *all = calloc(1, 1);
    json_t *j;

    while ((j = wsc_recv_json(c, 1000)) != NULL) {
        char *text = json_dumps(j, JSON_COMPACT);

        all = realloc(all, len + strlen(text) + 2);
        memcpy(all + len, text, strlen(text));
        len += strlen(text);
        all[len++] = '\n';
        all[len] = '\0';
        free(text);
        json_decref(j);
    }
    return all;
}

/* Read and drop what a page is sent after its welcome. */
static void replayed_free_all(wsc *c)
{
    free(replayed(c));
}

/* The SLA sweep speaks in the web chat's agents' rooms too, and only there. */
static void test_web_protocol__sla_breach_in_agents_rooms(void)
{
    char *carol, *frank, *alice, *seen;
    json_t *w = NULL;
    wsc c;

    slackbot_setup(&b, binary);
    /* Its clocks ran out long ago: created and due ten days earlier. */
    ASSERT_INT_EQ(slackbot_overdue_ticket(&b), 0);
    ASSERT(slackbot_start(&b) == 0);
    carol = token_for(HD_WEB_AGENT, "carol", 1);
    frank = token_for(HD_WEB_AGENT, "frank", 1);
    alice = token_for(HD_WEB_EMPLOYEE, "alice", 1);
    ASSERT(carol && frank && alice);
    /* The sweep ran at start; give its commit a moment. */
    usleep(500000);

    /* carol (desktop-support) hears of the breach in her room... */
    ASSERT(hello_with(&c, carol, NULL, &w));
    ASSERT_STR_EQ(json_string_value(json_array_get(json_object_get(w, "rooms"), 0)),
                  "desktop-support");
    json_decref(w);
    seen = replayed(&c);
    ASSERT(strstr(seen, "\"room\":\"desktop-support\"") != NULL);
    ASSERT(strstr(seen, "missed its response target") != NULL);
    free(seen);
    wsc_close(&c);
    /* ...frank (infrastructure) that it is now his group's... */
    ASSERT(hello(&c, frank, NULL));
    seen = replayed(&c);
    ASSERT(strstr(seen, "now yours") != NULL);
    ASSERT(strstr(seen, "\"room\":\"desktop-support\"") == NULL); /* not his room */
    free(seen);
    wsc_close(&c);
    /* An agent presses only in their own rooms. */
    ASSERT(hello(&c, carol, NULL));
    replayed_free_all(&c);
    wsc_send_json(&c, json_pack("{s:s, s:s, s:s, s:s}", "type", "click", "id", "c-9", "action", "x",
                                "room", "infrastructure"));
    seen = error_code(&c);
    ASSERT_STR_EQ(seen, "unauthorized");
    free(seen);
    wsc_close(&c);
    /* ...and alice, the requester, sees none of the agents' talk. */
    ASSERT(hello(&c, alice, NULL));
    seen = replayed(&c);
    ASSERT(strstr(seen, "missed its response target") == NULL);
    free(seen);
    wsc_close(&c);
    free(carol);
    free(frank);
    free(alice);
}

int main(int argc, char **argv)
{
    binary = slackbot_binary(argc, argv);
    SLACKBOT_RUN(b, test_web_protocol__pages_and_tokens);
    SLACKBOT_RUN(b, test_web_protocol__sign_in_over_the_socket);
    SLACKBOT_RUN(b, test_web_protocol__exactly_once_and_replay);
    SLACKBOT_RUN(b, test_web_protocol__long_history);
    SLACKBOT_RUN(b, test_web_protocol__bad_frames);
    SLACKBOT_RUN(b, test_web_protocol__flood_is_contained);
    SLACKBOT_RUN(b, test_web_protocol__trusted_header);
    SLACKBOT_RUN(b, test_web_protocol__sla_breach_in_agents_rooms);
    return harness_result();
}
