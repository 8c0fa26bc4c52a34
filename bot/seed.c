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
    const char *names[256], *texts[256];
    size_t lens[256], n = 0;
    const hd_embedded_file *f;
    hd_kb_import_stats st = {0};
    int err;

    for (f = hd_embedded_files; f->name && n < HD_ARRAY_SIZE(names); f++) {
        if (strncmp(f->name, "kb/", 3) != 0)
            continue;
        names[n] = f->name;
        texts[n] = f->data;
        lens[n] = f->size;
        n++;
    }
    if ((err = hd_kb_import_files(hd_desk_store(desk), names, texts, lens, n, &st,
                                  (int64_t)time(NULL))) != 0)
        return err;
    if (verbose)
        printf("loaded the sample knowledge base: %d articles\n", st.added);
    return 0;
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
