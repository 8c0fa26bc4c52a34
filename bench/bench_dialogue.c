/*
 * bench_dialogue.c - messages per second through understanding, dialogue
 * and persistence, in process, with many distinct users; and what an idle
 * conversation costs in memory and on disk.
 *
 *   bench_dialogue [USERS [BATCH]]      (default 10000 users, batch 1)
 *
 * Each user has the conversation of a typical incident: a greeting, a
 * problem stated with its facts, "I still need help" after the article,
 * two skipped questions, and Submit (6 turns, 2 of them clicks). Users take
 * turns round-robin, so every turn loads and saves a different
 * conversation. BATCH turns share one commit (as an event loop commits the
 * events of one iteration); BATCH 1 commits every turn alone. Prints one
 * JSON line: messages_per_s is wall clock (it includes waiting for the disk
 * at checkpoints); messages_per_cpu_s is what one core sustains.
 */
#include "dialogue.h"

#include "hd/conversation.h"

#include "hd/embedded.h"
#include "hd/intent.h"
#include "hd/kb.h"
#include "hd/users.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;

    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

/* The action token of the button labelled `label` among `r`'s messages to `user`. */
static const char *button(const hd_replies *r, const char *user, const char *label)
{
    size_t i, k;

    for (i = r->n; i-- > 0;) {
        const hd_message *m = &r->items[i];

        if (m->to == NULL || strcmp(m->to, user) != 0)
            continue;
        for (k = 0; k < m->n_buttons; k++)
            if (strcmp(m->buttons[k].label, label) == 0)
                return m->buttons[k].action;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const char *const script[] = {
        "hi",
        "the printer on floor 3 is jammed, just me, no rush",
        "@I still need help",
        "skip",
        "skip",
        "@Submit",
    };
    long users = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
    long batch = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
    const size_t steps = sizeof(script) / sizeof(script[0]);
    char dir[] = "/tmp/hdbench.XXXXXX", path[64], name[32];
    const char *names[256], *texts[256];
    char(*tokens)[HD_TOKEN_LEN + 1]; /* the one button each user presses next */
    hd_config *cfg;
    hd_desk *desk;
    hd_catalog *cat;
    hd_nlu *nlu;
    hd_dialogue *d;
    size_t n = 0, s;
    long u, turns = 0, tickets = 0, missing = 0;
    double t0, c0, wall, cpu;
    long rss0, rss1;

    if (users <= 0 || batch <= 0 || mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof(path), "%s/bench.db", dir);
    n = hd_embedded_list("intents/", names, texts, NULL, 256);
    if (n > 256)
        return 2;
    if (hd_config_load(&cfg, hd_embedded_find("deskbot.json"), NULL) != 0 ||
        hd_desk_open(&desk, cfg, path) != 0 || hd_catalog_load(&cat, names, texts, n) != 0 ||
        hd_nlu_new(&nlu, cat) != 0 || hd_dialogue_new(&d, desk, cat, nlu) != 0) {
        fprintf(stderr, "bench: %s\n", hd_error_last());
        return 1;
    }
    {
        /* The sample knowledge base, so the article step is real. */
        const char *kn[256], *kt[256];
        size_t kl[256], kc = hd_embedded_list("kb/", kn, kt, kl, 256);

        hd_kb_import_files(hd_desk_store(desk), kn, kt, kl, kc < 256 ? kc : 256, NULL, 1);
    }
    tokens = calloc((size_t)users, sizeof(*tokens));
    rss0 = rss_kb();
    t0 = seconds();
    c0 = cpu_seconds();
    for (s = 0; s < steps; s++) {
        for (u = 0; u < users; u++) {
            hd_turn t = {0};
            hd_replies out = {0};
            const char *line = script[s];

            if (batch > 1 && turns % batch == 0)
                hd_store_begin(hd_desk_store(desk));
            snprintf(name, sizeof(name), "u%ld", u);
            t.channel = "bench";
            t.user_id = name;
            t.display_name = name;
            t.now = 1795428000 + (int64_t)s * 60;
            if (line[0] == '@') {
                t.click = tokens[u][0] ? tokens[u] : NULL;
                if (t.click == NULL) {
                    missing++;
                    t.text = line + 1;
                }
            } else {
                t.text = line;
            }
            if (hd_dialogue_turn(d, &t, &out) != 0) {
                fprintf(stderr, "bench: turn failed: %s\n", hd_error_last());
                return 1;
            }
            turns++;
            if (s == steps - 1) {
                size_t k;

                for (k = 0; k < out.n; k++)
                    if (out.items[k].text && strstr(out.items[k].text, "I've opened **INC-")) {
                        tickets++;
                        break;
                    }
            }
            /* Like a client, keep only what the user presses next; the rest is sent and gone. */
            tokens[u][0] = '\0';
            if (s + 1 < steps && script[s + 1][0] == '@') {
                const char *b = button(&out, name, script[s + 1] + 1);

                if (b)
                    snprintf(tokens[u], sizeof(tokens[u]), "%s", b);
            }
            hd_replies_clear(&out);
            if (batch > 1 && (turns % batch == 0 || (s == steps - 1 && u == users - 1)))
                hd_store_commit(hd_desk_store(desk));
        }
    }
    wall = seconds() - t0;
    cpu = cpu_seconds() - c0;
    free(tokens);
    malloc_trim(0);
    rss1 = rss_kb();
    {
        sqlite3_stmt *st;
        double state_bytes = 0;

        if (sqlite3_prepare_v2(hd_store_db(hd_desk_store(desk)),
                               "SELECT avg(length(state)) FROM conversations", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            state_bytes = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
        printf("{\"bench\":\"dialogue\",\"users\":%ld,\"turns\":%ld,\"batch\":%ld,"
               "\"tickets\":%ld,\"clicks_missed\":%ld,\"seconds\":%.3f,\"messages_per_s\":%.0f,"
               "\"messages_per_cpu_s\":%.0f,\"cpu_us_per_message\":%.1f,\"rss_growth_kb\":%ld,"
               "\"rss_bytes_per_conversation\":%.0f,\"state_bytes_per_conversation\":%.0f}\n",
               users, turns, batch, tickets, missing, wall, (double)turns / wall,
               (double)turns / cpu, cpu * 1e6 / (double)turns, rss1 - rss0,
               (double)(rss1 - rss0) * 1024.0 / users, state_bytes);
    }
    hd_dialogue_free(d);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    hd_desk_close(desk);
    hd_config_free(cfg);
    unlink(path);
    snprintf(path, sizeof(path), "%s/bench.db-wal", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/bench.db-shm", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}
