/*
 * chat_runner.c - plays a scripted conversation through the real
 * `deskbot chat --json --sync` and checks what the bot says.
 *
 *   chat_runner DESKBOT SCRIPT WORKDIR
 *
 * Script lines (the .chat files in tests/data/chat):
 *   # comment
 *   > alice: some text             alice sends a message
 *   > alice click Submit           alice presses the newest button labelled Submit
 *                                  among the messages she was sent
 *   > bob click-from alice Submit  bob presses a button that was sent to alice
 *   > alice click-token 0123…      alice sends a made-up button token
 *   > alice replay                 the last click is sent again
 *   < alice: words                 a message of the last turn to alice contains words
 *   <! alice: words                no message of the last turn to alice contains them
 *   buttons alice: A | B | C       the newest message to alice with buttons has exactly these
 *   clock +3600                    the clock moves on (scripts start Mon 2026-11-23 10:00 UTC)
 *   restart                        the bot process is stopped and started again
 *   sql SELECT … => value          the first column of the first row, as text
 * "group:NAME" may stand for a user in < and buttons. A message "contains"
 * words when its text, card title, card fields or button labels do.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MESSAGES 4096

static const char *deskbot, *db_path;
static pid_t child = -1;
static FILE *to_bot;
static int from_bot = -1;
static char inbuf[1 << 20];
static size_t inlen;
static json_t *history;   /* every message received */
static size_t turn_start; /* index in history where the last turn's messages begin */
static long long now = 1795428000LL;
static char last_click[128], last_click_user[128];
static int failures, passed, lineno;
static const char *script_name;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", script_name, lineno);                                           \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fprintf(stderr, "\n");                                                                     \
        failures++;                                                                                \
    } while (0)

static void start_bot(void)
{
    int in[2], out[2];

    if (pipe(in) != 0 || pipe(out) != 0) {
        perror("pipe");
        exit(2);
    }
    child = fork();
    if (child == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execl(deskbot, deskbot, "--db", db_path, "chat", "--json", "--sync", (char *)NULL);
        perror("exec deskbot");
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_bot = fdopen(in[1], "w");
    from_bot = out[0];
    inlen = 0;
}

/* One line from the bot into `line` (without the newline); 0 at the end. */
static int read_line(char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(inbuf, '\n', inlen);
        struct pollfd p = {from_bot, POLLIN, 0};
        ssize_t got;

        if (nl) {
            size_t n = (size_t)(nl - inbuf);

            if (n >= size)
                n = size - 1;
            memcpy(line, inbuf, n);
            line[n] = '\0';
            inlen -= (size_t)(nl - inbuf) + 1;
            memmove(inbuf, nl + 1, inlen);
            return 1;
        }
        if (inlen == sizeof(inbuf)) {
            FAIL("a line from the bot is longer than %zu bytes", sizeof(inbuf));
            exit(1);
        }
        if (poll(&p, 1, 20000) <= 0) {
            FAIL("no answer from the bot within 20 s");
            exit(1);
        }
        got = read(from_bot, inbuf + inlen, sizeof(inbuf) - inlen);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 0;
        inlen += (size_t)got;
    }
}

static void stop_bot(void)
{
    int status;

    if (child < 0)
        return;
    fclose(to_bot);
    close(from_bot);
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        FAIL("deskbot chat exited abnormally (status %d)", status);
    child = -1;
}

/* Send one input object and collect the messages until {"done":…}. */
static void send_turn(json_t *input)
{
    char *line;
    char buf[1 << 16];

    json_object_set_new(input, "now", json_integer(now));
    line = json_dumps(input, JSON_COMPACT);
    fprintf(to_bot, "%s\n", line);
    fflush(to_bot);
    free(line);
    json_decref(input);
    turn_start = json_array_size(history);
    for (;;) {
        json_t *msg;

        if (!read_line(buf, sizeof(buf))) {
            FAIL("the bot closed its output");
            exit(1);
        }
        msg = json_loads(buf, 0, NULL);
        if (!json_is_object(msg)) {
            FAIL("not JSON from the bot: %s", buf);
            json_decref(msg);
            continue;
        }
        if (json_object_get(msg, "done")) {
            json_decref(msg);
            return;
        }
        if (json_object_get(msg, "error"))
            FAIL("the bot reported an input error: %s", buf);
        json_array_append_new(history, msg);
    }
}

static int contains(json_t *msg, const char *words)
{
    json_t *card = json_object_get(msg, "card"), *v;
    const char *text = json_string_value(json_object_get(msg, "text"));
    size_t i;

    if (text && strstr(text, words))
        return 1;
    if (card) {
        const char *title = json_string_value(json_object_get(card, "title"));

        if (title && strstr(title, words))
            return 1;
        json_array_foreach(json_object_get(card, "fields"), i, v)
        {
            const char *val = json_string_value(json_object_get(v, "value"));
            const char *name = json_string_value(json_object_get(v, "name"));

            if ((val && strstr(val, words)) || (name && strstr(name, words)))
                return 1;
        }
    }
    json_array_foreach(json_object_get(msg, "buttons"), i, v)
    {
        const char *label = json_string_value(json_object_get(v, "label"));

        if (label && strstr(label, words))
            return 1;
    }
    return 0;
}

static int to_is(json_t *msg, const char *who)
{
    const char *to = json_string_value(json_object_get(msg, "to"));

    return to && strcmp(to, who) == 0;
}

/* The token of the newest button labelled `label` sent to `owner`. */
static const char *find_button(const char *owner, const char *label)
{
    size_t i = json_array_size(history), k;
    json_t *b;

    while (i-- > 0) {
        json_t *msg = json_array_get(history, i);

        if (!to_is(msg, owner))
            continue;
        json_array_foreach(json_object_get(msg, "buttons"), k, b)
        {
            if (strcmp(json_string_value(json_object_get(b, "label")), label) == 0)
                return json_string_value(json_object_get(b, "action"));
        }
    }
    return NULL;
}

static void click(const char *user, const char *token)
{
    snprintf(last_click, sizeof(last_click), "%s", token);
    snprintf(last_click_user, sizeof(last_click_user), "%s", user);
    send_turn(json_pack("{s:s, s:s}", "user", user, "click", token));
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static void act(char *rest)
{
    char *colon = strstr(rest, ": "), *sp;

    if (colon && (sp = strchr(rest, ' ')) != NULL && sp >= colon) {
        *colon = '\0';
        send_turn(json_pack("{s:s, s:s}", "user", trim(rest), "text", colon + 2));
        return;
    }
    sp = strchr(rest, ' ');
    if (sp == NULL) {
        FAIL("bad action line");
        return;
    }
    *sp = '\0';
    {
        char *user = rest, *verb = sp + 1, *arg = strchr(verb, ' ');

        if (arg)
            *arg++ = '\0';
        if (strcmp(verb, "click") == 0 && arg) {
            const char *token = find_button(user, trim(arg));

            if (token == NULL)
                FAIL("%s has no button '%s'", user, arg);
            else
                click(user, token);
        } else if (strcmp(verb, "click-from") == 0 && arg) {
            char *label = strchr(arg, ' ');
            const char *token;

            if (label == NULL) {
                FAIL("click-from OWNER LABEL");
                return;
            }
            *label++ = '\0';
            token = find_button(arg, trim(label));
            if (token == NULL)
                FAIL("%s has no button '%s'", arg, label);
            else
                click(user, token);
        } else if (strcmp(verb, "click-token") == 0 && arg) {
            click(user, trim(arg));
        } else if (strcmp(verb, "replay") == 0) {
            char who[128], token[128];

            snprintf(who, sizeof(who), "%s", last_click_user);
            snprintf(token, sizeof(token), "%s", last_click);
            click(who, token);
        } else {
            FAIL("unknown action '%s'", verb);
        }
    }
}

static void expect(char *rest, int want)
{
    char *colon = strstr(rest, ": ");
    size_t i;
    int found = 0;

    if (colon == NULL) {
        FAIL("expected 'who: words'");
        return;
    }
    *colon = '\0';
    for (i = turn_start; i < json_array_size(history); i++) {
        json_t *msg = json_array_get(history, i);

        if (to_is(msg, trim(rest)) && contains(msg, trim(colon + 2)))
            found = 1;
    }
    if (found != want) {
        FAIL("%s '%s' in the last turn's messages to %s", want ? "missing" : "unexpected",
             colon + 2, rest);
        for (i = turn_start; i < json_array_size(history); i++) {
            char *dump = json_dumps(json_array_get(history, i), JSON_COMPACT);

            fprintf(stderr, "    got: %s\n", dump);
            free(dump);
        }
    } else {
        passed++;
    }
}

static void expect_buttons(char *rest)
{
    char *colon = strstr(rest, ": "), want[1024] = "", got[1024] = "";
    size_t i = json_array_size(history), k;
    json_t *b;

    if (colon == NULL) {
        FAIL("expected 'buttons who: A | B'");
        return;
    }
    *colon = '\0';
    snprintf(want, sizeof(want), "%s", trim(colon + 2));
    while (i-- > 0) {
        json_t *msg = json_array_get(history, i);

        if (!to_is(msg, trim(rest)) || json_array_size(json_object_get(msg, "buttons")) == 0)
            continue;
        json_array_foreach(json_object_get(msg, "buttons"), k, b)
        {
            size_t len = strlen(got);

            snprintf(got + len, sizeof(got) - len, "%s%s", k ? " | " : "",
                     json_string_value(json_object_get(b, "label")));
        }
        break;
    }
    if (strcmp(want, got) != 0)
        FAIL("buttons to %s: want '%s', got '%s'", rest, want, got);
    else
        passed++;
}

static void expect_sql(char *rest)
{
    char *arrow = strstr(rest, " => ");
    sqlite3 *db;
    sqlite3_stmt *s;
    const char *got = "(no row)";

    if (arrow == NULL) {
        FAIL("expected 'sql QUERY => value'");
        return;
    }
    *arrow = '\0';
    if (sqlite3_open(db_path, &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, rest, -1, &s, NULL) != SQLITE_OK) {
        FAIL("sql: %s", sqlite3_errmsg(db));
        sqlite3_close(db);
        return;
    }
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        got = (const char *)sqlite3_column_text(s, 0);
    if (strcmp(got, trim(arrow + 4)) != 0)
        FAIL("sql %s: want '%s', got '%s'", rest, arrow + 4, got);
    else
        passed++;
    sqlite3_finalize(s);
    sqlite3_close(db);
}

int main(int argc, char **argv)
{
    char line[8192], path[4096];
    FILE *script;

    if (argc != 4) {
        fprintf(stderr, "usage: chat_runner DESKBOT SCRIPT WORKDIR\n");
        return 2;
    }
    deskbot = argv[1];
    script_name = argv[2];
    snprintf(path, sizeof(path), "%s/chat-%d.db", argv[3], (int)getpid());
    db_path = path;
    unlink(path);
    signal(SIGPIPE, SIG_IGN);
    if ((script = fopen(script_name, "r")) == NULL) {
        perror(script_name);
        return 2;
    }
    history = json_array();
    start_bot();
    while (fgets(line, sizeof(line), script)) {
        char *l = trim(line);

        lineno++;
        if (*l == '\0' || *l == '#')
            continue;
        if (strncmp(l, "> ", 2) == 0)
            act(l + 2);
        else if (strncmp(l, "<! ", 3) == 0)
            expect(l + 3, 0);
        else if (strncmp(l, "< ", 2) == 0)
            expect(l + 2, 1);
        else if (strncmp(l, "buttons ", 8) == 0)
            expect_buttons(l + 8);
        else if (strncmp(l, "clock +", 7) == 0)
            now += strtoll(l + 7, NULL, 10);
        else if (strcmp(l, "restart") == 0) {
            stop_bot();
            start_bot();
        } else if (strncmp(l, "sql ", 4) == 0)
            expect_sql(l + 4);
        else
            FAIL("unknown script line: %s", l);
    }
    fclose(script);
    stop_bot();
    json_decref(history);
    unlink(path);
    printf("%d passed, %d failed\n", passed, failures);
    return failures ? 1 : 0;
}
