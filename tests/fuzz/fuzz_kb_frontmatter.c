/*
 * fuzz_kb_frontmatter.c - libFuzzer target for the knowledge base article
 * parser: hd_kb_parse() on arbitrary bytes (not NUL-terminated) must either
 * return a well-formed article or fail with HD_EPARSE / HD_ETOOBIG and no
 * article, and never read outside the input.
 */
#include "hd/kb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_slug(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
              *s == '-'))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hd_kb_article *a = (hd_kb_article *)&a; /* must come back NULL on failure */
    size_t i;
    int rc = hd_kb_parse(&a, "fuzz.md", (const char *)data, size);

    if (rc != 0) {
        if (a != NULL || (rc != HD_EPARSE && rc != HD_ETOOBIG))
            abort();
        if (strstr(hd_error_last(), "fuzz.md") == NULL)
            abort();
        return 0;
    }
    if (a == NULL || !valid_slug(a->slug) || a->title == NULL || a->title[0] == '\0' ||
        a->lang == NULL || a->lang[0] == '\0' || a->body == NULL || a->body[0] == '\0')
        abort();
    if (a->category != NULL && a->category[0] == '\0')
        abort();
    for (i = 0; i < a->n_tags; i++) {
        if (a->tags[i] == NULL || a->tags[i][0] == '\0')
            abort();
    }
    hd_kb_article_free(a);
    return 0;
}
