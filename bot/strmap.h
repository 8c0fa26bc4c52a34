/*
 * strmap.h - a string-keyed hash map (open addressing, linear probing) for
 * the channels' small in-memory indexes: users to DM rooms, rooms to send
 * budgets. Keys are copied; values are the caller's.
 */
#ifndef HD_BOT_STRMAP_H
#define HD_BOT_STRMAP_H

#include <stddef.h>

typedef struct hd_strmap {
    char **keys;
    void **values;
    size_t cap, n, used; /* used: live entries plus tombstones */
} hd_strmap;

/* hd_strmap_get - the value under `key`, or NULL. */
void *hd_strmap_get(const hd_strmap *m, const char *key);

/* hd_strmap_put - set `key` to `value`, returning the value it replaces (or NULL). */
void *hd_strmap_put(hd_strmap *m, const char *key, void *value);

/* hd_strmap_del - remove `key`, returning its value (or NULL). */
void *hd_strmap_del(hd_strmap *m, const char *key);

/* hd_strmap_free - release the map's own memory (not the values); it is empty again. */
void hd_strmap_free(hd_strmap *m);

#endif
