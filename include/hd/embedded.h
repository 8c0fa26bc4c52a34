/*
 * embedded.h - data files compiled into the binary (scripts/embed.cmake):
 * the default configuration, the sample knowledge base and sample users.
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

#endif
