/*
 * fileio.c - whole-file reads with a size cap.
 */
#include "hd/fileio.h"

#include "hd/common.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int hd_dir_list(const char *dir, const char *suffix, char ***out, size_t *n)
{
    size_t cap = 0, slen = strlen(suffix);
    struct dirent *e;
    DIR *d;
    int err = 0;

    *out = NULL;
    *n = 0;
    if ((d = opendir(dir)) == NULL)
        return hd_error_set(HD_EIO, "cannot open folder %s: %s", dir, strerror(errno));
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.' || len <= slen || strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = hd_realloc(*out, cap * sizeof(char *));
        }
        (*out)[(*n)++] = hd_sprintf("%s/%s", dir, e->d_name);
        errno = 0;
    }
    if (errno != 0)
        err = hd_error_set(HD_EIO, "cannot list folder %s: %s", dir, strerror(errno));
    closedir(d);
    if (err) {
        hd_dir_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return err;
    }
    if (*n > 1)
        qsort(*out, *n, sizeof(char *), cmp_str);
    return 0;
}

void hd_dir_list_free(char **paths, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_free(paths[i]);
    hd_free(paths);
}
