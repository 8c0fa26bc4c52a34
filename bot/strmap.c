/*
 * strmap.c - see strmap.h. FNV-1a hashing; the table doubles at 70% load
 * (tombstones counted), so a probe is short.
 */
#include "strmap.h"

#include "hd/common.h"

#include <stdint.h>
#include <string.h>

static char tombstone[1];

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return (size_t)h;
}

/* The slot of `key`, or the empty slot where it would go. */
static size_t find(const hd_strmap *m, const char *key, int *found)
{
    size_t i = hash(key) & (m->cap - 1), grave = SIZE_MAX;

    for (;; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == NULL) {
            *found = 0;
            return grave != SIZE_MAX ? grave : i;
        }
        if (m->keys[i] == tombstone) {
            if (grave == SIZE_MAX)
                grave = i;
        } else if (strcmp(m->keys[i], key) == 0) {
            *found = 1;
            return i;
        }
    }
}

static void grow(hd_strmap *m)
{
    hd_strmap bigger = {0};
    size_t i;
    int found;

    bigger.cap = m->cap ? m->cap * 2 : 16;
    bigger.keys = hd_calloc(bigger.cap, sizeof(*bigger.keys));
    bigger.values = hd_calloc(bigger.cap, sizeof(*bigger.values));
    for (i = 0; i < m->cap; i++) {
        if (m->keys[i] && m->keys[i] != tombstone) {
            size_t j = find(&bigger, m->keys[i], &found);

            bigger.keys[j] = m->keys[i];
            bigger.values[j] = m->values[i];
            bigger.n++;
        }
    }
    bigger.used = bigger.n;
    hd_free(m->keys);
    hd_free(m->values);
    *m = bigger;
}

void *hd_strmap_get(const hd_strmap *m, const char *key)
{
    int found;
    size_t i;

    if (m->n == 0)
        return NULL;
    i = find(m, key, &found);
    return found ? m->values[i] : NULL;
}

void *hd_strmap_put(hd_strmap *m, const char *key, void *value)
{
    void *old;
    int found;
    size_t i;

    if ((m->used + 1) * 10 > m->cap * 7)
        grow(m);
    i = find(m, key, &found);
    if (found) {
        old = m->values[i];
        m->values[i] = value;
        return old;
    }
    if (m->keys[i] == NULL)
        m->used++;
    m->keys[i] = hd_strdup(key);
    m->values[i] = value;
    m->n++;
    return NULL;
}

void *hd_strmap_del(hd_strmap *m, const char *key)
{
    void *old;
    int found;
    size_t i;

    if (m->n == 0)
        return NULL;
    i = find(m, key, &found);
    if (!found)
        return NULL;
    old = m->values[i];
    hd_free(m->keys[i]);
    m->keys[i] = tombstone;
    m->values[i] = NULL;
    m->n--;
    return old;
}

void hd_strmap_free(hd_strmap *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++)
        if (m->keys[i] != tombstone)
            hd_free(m->keys[i]);
    hd_free(m->keys);
    hd_free(m->values);
    memset(m, 0, sizeof(*m));
}
