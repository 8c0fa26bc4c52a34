/*
 * fileio.h - reading whole files, the way every importer needs them.
 */
#ifndef HD_FILEIO_H
#define HD_FILEIO_H

#include <stddef.h>

/*
 * hd_file_read - read all of `path` into a NUL-terminated buffer the caller
 * frees with hd_free(); *len excludes the terminator. Returns 0, HD_EIO
 * (missing or unreadable, naming the path and the reason) or HD_ETOOBIG
 * when the file exceeds `max` bytes.
 */
int hd_file_read(const char *path, size_t max, char **out, size_t *len);

#endif
