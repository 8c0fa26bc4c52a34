/*
 * desk.c - the engine handle binding a store to a configuration.
 */
#include "hd/desk.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

struct hd_desk {
    hd_store *store;
    const hd_config *cfg;
};

/* Create the directory holding `path` (one level), as `deskbot init` does. */
static int make_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int rc = 0;

    if (slash == NULL || slash == path)
        return 0;
    dir = hd_strndup(path, (size_t)(slash - path));
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        rc = hd_error_set(HD_EIO, "cannot create directory '%s': %s", dir, strerror(errno));
    hd_free(dir);
    return rc;
}

int hd_desk_open(hd_desk **out, const hd_config *cfg, const char *db_path)
{
    hd_desk *desk;
    int err;

    *out = NULL;
    if (strcmp(db_path, ":memory:") != 0 && (err = make_parent(db_path)) != 0)
        return err;
    desk = hd_calloc(1, sizeof(*desk));
    desk->cfg = cfg;
    if ((err = hd_store_open(&desk->store, db_path, cfg->busy_timeout_ms)) != 0) {
        hd_free(desk);
        return err;
    }
    *out = desk;
    return 0;
}

void hd_desk_close(hd_desk *desk)
{
    if (desk == NULL)
        return;
    hd_store_close(desk->store);
    hd_free(desk);
}

hd_store *hd_desk_store(hd_desk *desk)
{
    return desk->store;
}

const hd_config *hd_desk_config(const hd_desk *desk)
{
    return desk->cfg;
}
