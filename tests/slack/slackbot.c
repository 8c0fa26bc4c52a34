/*
 * slackbot.c - see slackbot.h.
 */
#include "slackbot.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 10000

static void die(const char *what)
{
    fprintf(stderr, "slackbot: %s\n", what);
    exit(2);
}

/* The embedded defaults with a Slack room for two groups. */
static void write_config(const char *dir)
{
    const char *data = getenv("HD_TEST_DATA");
    char path[1024];
    json_t *root, *groups, *g;
    size_t i;

    snprintf(path, sizeof(path), "%s/../../data/deskbot.json", data ? data : "tests/data");
    if ((root = json_load_file(path, 0, NULL)) == NULL)
        die("cannot read data/deskbot.json");
    groups = json_object_get(root, "groups");
    json_array_foreach(groups, i, g)
    {
        const char *name = json_string_value(json_object_get(g, "name"));

        if (strcmp(name, "desktop-support") == 0)
            json_object_set_new(g, "rooms", json_pack("{s:s}", "slack", ROOM_DESKTOP));
        else if (strcmp(name, "infrastructure") == 0)
            json_object_set_new(g, "rooms", json_pack("{s:s}", "slack", ROOM_INFRA));
    }
    snprintf(path, sizeof(path), "%s/config.json", dir);
    if (json_dump_file(root, path, JSON_INDENT(2)) != 0)
        die("cannot write config.json");
    json_decref(root);
}

const char *slackbot_binary(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DESKBOT\n", argv[0]);
        exit(2);
    }
    return argv[1];
}

void slackbot_setup(slackbot *b, const char *binary)
{
    const char *tmp = getenv("HD_TEST_TMP");
    char dir[1024];

    memset(b, 0, sizeof(*b));
    b->binary = binary;
    snprintf(dir, sizeof(dir), "%s/slack-XXXXXX", tmp ? tmp : "/tmp");
    mkdir(tmp ? tmp : "/tmp", 0700);
    if (mkdtemp(dir) == NULL)
        die("mkdtemp failed");
    b->dir = strdup(dir);
    write_config(b->dir);
    if ((b->slack = fake_slack_start()) == NULL)
        die("the fake Slack did not start");
    fake_slack_user(b->slack, U_ALICE, "alice", "alice@example.com");
    fake_slack_user(b->slack, U_MARIA, "maria", "maria@example.com");
    fake_slack_user(b->slack, U_CAROL, "carol", "carol@example.com");
    fake_slack_user(b->slack, U_TOM, "tom", "tom@example.com");
}

/*
 * Start `deskbot ARGS…` on the bot's files with its log as stdout and
 * stderr. posix_spawn, not fork: the fake Slack's thread may hold a lock
 * (malloc's, the sanitizer's) that a forked child would wait on forever.
 */
static pid_t spawn(const slackbot *b, const char *const *args)
{
    extern char **environ;
    char vars[7][1100], *envp[256], *argv[16], log[1024];
    posix_spawn_file_actions_t actions;
    int n = 0, i, rc;
    pid_t pid;

    snprintf(vars[0], sizeof(vars[0]), "DESKBOT_DB=%s/deskbot.db", b->dir);
    snprintf(vars[1], sizeof(vars[1]), "DESKBOT_CONFIG=%s/config.json", b->dir);
    snprintf(vars[2], sizeof(vars[2]), "DESKBOT_HTTP_LISTEN=127.0.0.1:0");
    snprintf(vars[3], sizeof(vars[3]), "DESKBOT_LOG_LEVEL=debug");
    snprintf(vars[4], sizeof(vars[4]), "SLACK_APP_TOKEN=xapp-1-A1-test");
    snprintf(vars[5], sizeof(vars[5]), "SLACK_BOT_TOKEN=xoxb-test-token");
    snprintf(vars[6], sizeof(vars[6]), "SLACK_API_URL=http://127.0.0.1:%d/api/",
             fake_slack_port(b->slack));
    for (i = 0; i < 7; i++)
        envp[n++] = vars[i];
    for (i = 0; environ[i] && n < 255; i++)
        if (strncmp(environ[i], "DESKBOT_", 8) != 0 && strncmp(environ[i], "SLACK_", 6) != 0)
            envp[n++] = environ[i];
    envp[n] = NULL;
    argv[0] = (char *)b->binary;
    for (i = 0; args[i] && i < 14; i++)
        argv[i + 1] = (char *)args[i];
    argv[i + 1] = NULL;
    snprintf(log, sizeof(log), "%s/deskbot.log", b->dir);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    rc = posix_spawn(&pid, b->binary, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

int slackbot_start(slackbot *b)
{
    int before = fake_slack_connections_opened(b->slack);
    const char *args[] = {"run", NULL};
    pid_t pid = spawn(b, args);

    if (pid < 0)
        return -1;
    b->pid = pid;
    /* Up once its socket is open (hello sent) after this start. */
    return fake_slack_wait_connections(b->slack, before + 1, WAIT_MS) == 0 ? 0 : -1;
}

int slackbot_cli(const slackbot *b, const char *const *args)
{
    pid_t pid = spawn(b, args);
    int status = -1;

    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int slackbot_kill(slackbot *b, int sig)
{
    int status = -1, i;

    if (b->pid <= 0)
        return -1;
    kill(b->pid, sig);
    for (i = 0; i < 1000; i++) {
        if (waitpid(b->pid, &status, WNOHANG) == b->pid)
            break;
        usleep(10000);
    }
    if (i == 1000) {
        kill(b->pid, SIGKILL);
        waitpid(b->pid, &status, 0);
    }
    b->pid = 0;
    return status;
}

void slackbot_teardown(slackbot *b)
{
    if (b->pid > 0)
        slackbot_kill(b, SIGKILL);
    fake_slack_stop(b->slack);
    free(b->dir);
    memset(b, 0, sizeof(*b));
}

int slackbot_sql_exec(const slackbot *b, const char *sql)
{
    char path[1024], *err = NULL;
    sqlite3 *db = NULL;
    int rc;

    snprintf(path, sizeof(path), "%s/deskbot.db", b->dir);
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fprintf(stderr, "slackbot: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

char *slackbot_sql(const slackbot *b, const char *sql)
{
    char path[1024], *out = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;

    snprintf(path, sizeof(path), "%s/deskbot.db", b->dir);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            out = strdup((const char *)sqlite3_column_text(s, 0));
        else if (s == NULL)
            fprintf(stderr, "slackbot: %s: %s\n", sql, sqlite3_errmsg(db));
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

long slackbot_say(slackbot *b, const char *user, const char *text, const char *needle)
{
    size_t from = fake_slack_count(b->slack, NULL, NULL);
    char *env = fake_slack_dm(b->slack, user, text, NULL);
    char room[64];
    int acked;

    if (env == NULL)
        return -1;
    acked = fake_slack_wait_ack(b->slack, env, WAIT_MS);
    free(env);
    if (acked != 0)
        return -1;
    snprintf(room, sizeof(room), "D%s", user);
    return fake_slack_wait_post(b->slack, from, "post", room, needle, WAIT_MS);
}

int slackbot_click(slackbot *b, const char *user, long i, const char *label)
{
    fake_post *posts = NULL;
    size_t n = fake_slack_posts(b->slack, &posts);
    char *action = NULL, *value, *env = NULL;
    int rc = -1;

    if (i < 0 || (size_t)i >= n)
        goto cleanup;
    if ((value = fake_slack_button(b->slack, (size_t)i, label, &action)) == NULL) {
        fprintf(stderr, "slackbot: no button '%s' in post %ld: %s\n", label, i, posts[i].blocks);
        goto cleanup;
    }
    env = fake_slack_click(b->slack, user, posts[i].channel, posts[i].ts, action, value);
    free(value);
    rc = env && fake_slack_wait_ack(b->slack, env, WAIT_MS) == 0 ? 0 : -1;

cleanup:
    free(action);
    free(env);
    fake_slack_posts_free(posts, n);
    return rc;
}

/* The whole log (caller frees), or NULL. */
static char *read_log(const slackbot *b)
{
    char path[1024], *text = NULL;
    long n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/deskbot.log", b->dir);
    if ((f = fopen(path, "r")) == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)n + 1);
    n = (long)fread(text, 1, (size_t)n, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

int slackbot_log_has(const slackbot *b, const char *needle)
{
    char *text = read_log(b);
    int found = text && strstr(text, needle) != NULL;

    free(text);
    return found;
}

int slackbot_overdue_ticket(slackbot *b)
{
    const char *create[] = {
        "tickets",    "create",  "--requester", "alice", "--title",   "Printer jams on floor 3",
        "--category", "printer", "--impact",    "team",  "--urgency", "high",
        NULL};
    const char *init[] = {"init", NULL};

    if (slackbot_cli(b, init) != 0 || slackbot_cli(b, create) != 0)
        return -1;
    return slackbot_sql_exec(b, "UPDATE tickets SET created_at = created_at - 864000,"
                                " response_due = response_due - 864000,"
                                " resolution_due = resolution_due - 864000");
}

int slackbot_port(const slackbot *b)
{
    char *log = read_log(b), *p;
    int port = 0;

    /* The last start's "event=start … port=N". */
    for (p = log; p && (p = strstr(p, "event=start")) != NULL; p++) {
        char *q = strstr(p, " port=");

        if (q)
            port = atoi(q + 6);
    }
    free(log);
    return port > 0 ? port : -1;
}

char *slackbot_get(const slackbot *b, const char *path)
{
    char request[512], *out = NULL, *body;
    size_t len = 0, cap = 4096;
    struct sockaddr_in addr;
    int fd, port = slackbot_port(b);
    ssize_t got;

    if (port <= 0 || (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        return NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    snprintf(request, sizeof(request),
             "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        write(fd, request, strlen(request)) == (ssize_t)strlen(request)) {
        out = malloc(cap);
        while ((got = read(fd, out + len, cap - len - 1)) > 0) {
            len += (size_t)got;
            if (len + 1 == cap)
                out = realloc(out, cap *= 2);
        }
        out[len] = '\0';
    }
    close(fd);
    if (out && (body = strstr(out, "\r\n\r\n")) != NULL) {
        memmove(out, body + 4, strlen(body + 4) + 1);
        return out;
    }
    free(out);
    return NULL;
}

int slackbot_outbox_drained(const slackbot *b)
{
    int i, empty = 0;

    for (i = 0; i < 100 && !empty; i++) {
        char *v = slackbot_sql(b, "SELECT count(*) FROM outbox");

        empty = v && strcmp(v, "0") == 0;
        free(v);
        if (!empty)
            usleep(100000);
    }
    return empty;
}
