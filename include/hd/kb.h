/*
 * kb.h - the knowledge base: articles imported from a folder of Markdown
 * files with front matter, full-text search in English and Chinese, and
 * per-article feedback.
 */
#ifndef HD_KB_H
#define HD_KB_H

#include "hd/store.h"

#include <stdint.h>

typedef struct hd_kb_article {
    int64_t id;
    char *slug; /* front-matter id, e.g. "kb-vpn-connect" */
    char *title;
    char *body;     /* Markdown */
    char *lang;     /* "en", "zh", … */
    char *category; /* may be NULL */
    char **tags;
    size_t n_tags;
} hd_kb_article;

/* hd_kb_article_free - release an article and everything it owns. NULL ok. */
void hd_kb_article_free(hd_kb_article *a);

/*
 * hd_kb_parse - parse one Markdown file with front matter (between "---"
 * lines: id, title, lang, category, tags; values may be quoted; tags inline
 * "[a, b]" or one "- item" per line). `name` is used in error messages.
 * Returns 0 and an article the caller frees, or HD_EPARSE with a detail
 * naming `name`, the line and what was wrong.
 */
int hd_kb_parse(hd_kb_article **out, const char *name, const char *text, size_t len);

typedef struct hd_kb_import_stats {
    int added, updated, unchanged, removed;
} hd_kb_import_stats;

/*
 * hd_kb_import_dir - make the knowledge base mirror the *.md files of `dir`:
 * new articles are added, changed ones updated (feedback kept), articles no
 * longer present removed. All in one transaction: on any error (an
 * unreadable or malformed file, a duplicate id) nothing changes and the
 * detail names the file. `stats` may be NULL.
 */
int hd_kb_import_dir(hd_store *st, const char *dir, hd_kb_import_stats *stats, int64_t now);

/*
 * hd_kb_import_files - as hd_kb_import_dir, from files already in memory
 * (the embedded sample knowledge base): names[i] with texts[i]/lens[i].
 */
int hd_kb_import_files(hd_store *st, const char *const *names, const char *const *texts,
                       const size_t *lens, size_t n, hd_kb_import_stats *stats, int64_t now);

typedef struct hd_kb_hit {
    int64_t id;
    char *slug;
    char *title;
    char *lang;
    char *category;
    char *snippet; /* a short excerpt of the body around the match */
    double score;  /* BM25: lower is better, as FTS5 reports it */
} hd_kb_hit;

/*
 * hd_kb_search - the best articles for free text typed by a user, ranked
 * by BM25 with the title weighted above tags and body. `lang` (may be NULL)
 * restricts to one language. Any text is accepted: FTS5 operators typed by
 * the user are searched as words. Returns 0 and *out an array of *n hits
 * (possibly 0) the caller frees with hd_kb_hits_free().
 */
int hd_kb_search(hd_store *st, const char *text, const char *lang, int limit, hd_kb_hit **out,
                 size_t *n);

void hd_kb_hits_free(hd_kb_hit *hits, size_t n);

/*
 * hd_kb_get - one article by slug. Returns 0, HD_ENOTFOUND or HD_EDB.
 */
int hd_kb_get(hd_store *st, const char *slug, hd_kb_article **out);

/*
 * hd_kb_feedback - record that article `slug` helped (1) or did not (0),
 * optionally for employee `employee_id` (0 for unknown).
 */
int hd_kb_feedback(hd_store *st, const char *slug, int64_t employee_id, int helpful, int64_t now);

/* hd_kb_count - number of articles. */
int hd_kb_count(hd_store *st, int64_t *out);

#endif
