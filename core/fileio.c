/*
 * fileio.c - whole-file reads with a size cap.
 */
#include "hd/fileio.h"

#include "hd/common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int hd_file_read(const char *path, size_t max, char **out, size_t *len)
{
    struct stat sb;
    FILE *f;
    char *buf = NULL;
    size_t cap = 4096, used = 0, got;
    int err = 0;

    *out = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL)
        return hd_error_set(HD_EIO, "cannot read %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        err = hd_error_set(HD_EIO, "cannot read %s: it is a directory", path);
        goto cleanup;
    }
    buf = hd_malloc(cap + 1);
    while ((got = fread(buf + used, 1, cap - used, f)) > 0) {
        used += got;
        if (used > max) {
            err = hd_error_set(HD_ETOOBIG, "%s is larger than %zu bytes", path, max);
            goto cleanup;
        }
        if (used == cap)
            buf = hd_realloc(buf, (cap *= 2) + 1);
    }
    if (ferror(f)) {
        err = hd_error_set(HD_EIO, "cannot read %s: %s", path, strerror(errno));
        goto cleanup;
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;

cleanup:
    fclose(f);
    hd_free(buf);
    return err;
}
