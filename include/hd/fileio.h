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

/*
 * hd_dir_list - the paths ("dir/name") of the files in `dir` whose names end
 * in `suffix`, hidden ones left out, sorted by name. Returns 0 and an array
 * of *n strings the caller frees with hd_dir_list_free(), or HD_EIO naming
 * the folder.
 */
int hd_dir_list(const char *dir, const char *suffix, char ***out, size_t *n);
void hd_dir_list_free(char **paths, size_t n);

#endif
