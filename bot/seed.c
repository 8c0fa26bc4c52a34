/*
 * seed.c - the embedded sample data: what a new installation shows working
 * the first time it starts.
 */
#include "cli.h"

#include "hd/embedded.h"
#include "hd/kb.h"
#include "hd/users.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int seed_kb(hd_desk *desk, int verbose)
{
    size_t n = hd_embedded_list("kb/", NULL, NULL, NULL, 0);
    const char **names = hd_calloc(n + 1, sizeof(*names));
    const char **texts = hd_calloc(n + 1, sizeof(*texts));
    size_t *lens = hd_calloc(n + 1, sizeof(*lens));
    hd_kb_import_stats st = {0};
    int err;

    hd_embedded_list("kb/", names, texts, lens, n);
    err = hd_kb_import_files(hd_desk_store(desk), names, texts, lens, n, &st, (int64_t)time(NULL));
    hd_free(names);
    hd_free(texts);
    hd_free(lens);
    if (err == 0 && verbose)
        printf("loaded the sample knowledge base: %d articles\n", st.added);
    return err;
}

int seed_samples(hd_desk *desk, int verbose)
{
    const char *users = hd_embedded_find("users.csv");
    hd_users_import_stats us = {0};
    int64_t articles, employees;
    int err;

    if ((err = hd_kb_count(hd_desk_store(desk), &articles)) != 0 ||
        (err = hd_users_count(desk, &employees)) != 0)
        return err;
    if (articles == 0 && (err = seed_kb(desk, verbose)) != 0)
        return err;
    if (employees == 0 && users) {
        if ((err = hd_users_import(desk, "users.csv (embedded)", users, strlen(users), &us,
                                   (int64_t)time(NULL))) != 0)
            return err;
        if (verbose)
            printf("loaded the sample users: %d employees\n", us.added);
    }
    if (verbose && articles > 0 && employees > 0)
        printf("the database already has %lld articles and %lld employees; left as it is\n",
               (long long)articles, (long long)employees);
    return 0;
}
