/*
 * util.c - shared unit-test fixtures (see util.h).
 */
#include "util.h"

#include "hd/embedded.h"
#include "hd/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void die(const char *what)
{
    fprintf(stderr, "test fixture failed: %s: %s\n", what, hd_error_last());
    exit(2);
}

char *test_tmpdir(void)
{
    const char *base = getenv("HD_TEST_TMP");
    char *path;

    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    mkdir(base, 0700);
    path = hd_sprintf("%s/hdtest.XXXXXX", base);
    if (mkdtemp(path) == NULL)
        die("mkdtemp");
    return path;
}

char *test_write_file(const char *dir, const char *name, const char *text)
{
    char *path = hd_sprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");

    if (f == NULL || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0)
        die(path);
    return path;
}

const char *test_embedded(const char *name)
{
    return hd_embedded_find(name);
}

hd_config *test_config(const char *overlay)
{
    hd_config *cfg;
    char *dir = NULL, *path = NULL;

    if (overlay) {
        dir = test_tmpdir();
        path = test_write_file(dir, "overlay.json", overlay);
    }
    if (hd_config_load(&cfg, test_embedded("deskbot.json"), path) != 0)
        die("load configuration");
    if (path)
        remove(path);
    if (dir)
        remove(dir);
    hd_free(path);
    hd_free(dir);
    return cfg;
}

hd_desk *test_desk(const hd_config *cfg)
{
    char *dir = test_tmpdir();
    char *db = hd_sprintf("%s/test.db", dir);
    hd_desk *desk;

    if (hd_desk_open(&desk, cfg, db) != 0)
        die("open desk");
    hd_free(db);
    hd_free(dir);
    return desk;
}

int64_t test_utc(int year, int month, int day, int hour, int minute)
{
    /* Days from civil (Howard Hinnant's algorithm, public domain). */
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (unsigned)((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;

    return days * 86400 + hour * 3600 + minute * 60;
}

int64_t test_employee(hd_desk *desk, const char *username, int vip, int agent)
{
    hd_employee e = {0};
    char *email = hd_sprintf("%s@example.com", username);
    int64_t id;

    e.username = (char *)username;
    e.display_name = (char *)username;
    e.email = email;
    e.department = (char *)"Finance";
    e.vip = vip;
    e.is_agent = agent;
    if (hd_users_upsert(desk, &e, &id, 1) != 0)
        die("add employee");
    hd_free(email);
    return id;
}
