/*
 * embedded.h - data files compiled into the binary (scripts/embed.cmake):
 * the default configuration, the sample knowledge base and users, the
 * intent catalog and the web chat's pages ("web/index.html").
 */
#ifndef HD_EMBEDDED_H
#define HD_EMBEDDED_H

#include <stddef.h>

typedef struct hd_embedded_file {
    const char *name; /* path relative to data/, e.g. "kb/vpn-connect.md" */
    const char *data; /* NUL-terminated contents */
    size_t size;      /* bytes, without the terminator */
} hd_embedded_file;

/* Terminated by an entry whose name is NULL. */
extern const hd_embedded_file hd_embedded_files[];

/* hd_embedded_find - the contents of file `name`, or NULL. Static data. */
const char *hd_embedded_find(const char *name);

/*
 * hd_embedded_list - the files whose names start with `prefix` ("kb/",
 * "intents/"): the first `max` go into names[] (prefix removed), texts[]
 * and lens[] (each may be NULL). Returns how many there are in all, so a
 * call with max 0 counts them. Static data.
 */
size_t hd_embedded_list(const char *prefix, const char **names, const char **texts, size_t *lens,
                        size_t max);

#endif
