/*
 * kb.c - the knowledge base: Markdown articles with front matter, imported
 * from a folder (or from memory) into kb_articles, searched through the
 * kb_fts full-text index, with per-article feedback.
 *
 * An import mirrors a whole folder in one transaction: every file is parsed
 * and checked before the database is touched, rows are updated in place
 * (their id, and so their feedback, survives) and an error anywhere leaves
 * the knowledge base exactly as it was.
 *
 * Searching never hands user text to the FTS5 query parser. The text is
 * split into terms by the same "deskbot" tokenizer that built the index,
 * and every term is written into the MATCH expression as a quoted string,
 * so operators typed by a user (NEAR, OR, *, -, quotes, ...) are only ever
 * words or separators. Articles with all terms come first, then articles
 * with any. Ranking is BM25 with the title weighted 10, tags 4 and body 1,
 * computed by deskbot_rank() (kb_tokenizer.c); the work per search is
 * bounded, see `struct search` below.
 */
#include "hd/kb.h"

#include "hd/fileio.h"
#include "hd/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KB_FILE_MAX (1024 * 1024) /* bytes of one article file */
#define KB_SLUG_MAX 128
#define KB_TAGS_MAX 64
#define KB_QUERY_BYTES 1000 /* of user text looked at by a search */
#define KB_QUERY_TERMS 16   /* distinct terms used by a search */
#define KB_TERM_MAX 64      /* the tokenizer's longest token */
#define KB_LIMIT_MAX 100
#define KB_SNIPPET_MAX 200    /* bytes of a hit's excerpt */
#define KB_SNIPPET_LEAD 60    /* bytes of context kept before the match */
#define KB_EXCERPT_SCAN 16384 /* bytes of a body searched for the match */

/* hd_kb_article_free - see kb.h: frees the article and every string it owns. */
void hd_kb_article_free(hd_kb_article *a)
{
    size_t i;

    if (a == NULL)
        return;
    hd_free(a->slug);
    hd_free(a->title);
    hd_free(a->body);
    hd_free(a->lang);
    hd_free(a->category);
    for (i = 0; i < a->n_tags; i++)
        hd_free(a->tags[i]);
    hd_free(a->tags);
    hd_free(a);
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at s[0..n), n >= 1, or 0 if there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len = hd_utf8_decode(s, n, &cp);

    return cp == HD_UTF8_BAD ? 0 : len;
}

/* ---- front matter ----------------------------------------------------- */

struct parser {
    const char *name;
    const char *p, *end; /* the text not read yet */
    int line;            /* number of the next line */
};

static int parse_error(const struct parser *ps, int line, const char *fmt, ...) HD_PRINTF(3, 4);

static int parse_error(const struct parser *ps, int line, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return hd_error_set(HD_EPARSE, "%s:%d: %s", ps->name, line, what);
}

/*
 * The next line as [*ls, *le) without its "\n" or "\r\n"; returns 0 at the
 * end of the text. Its number is ps->line - 1 afterwards.
 */
static int next_line(struct parser *ps, const char **ls, const char **le)
{
    const char *nl;

    if (ps->p >= ps->end)
        return 0;
    *ls = ps->p;
    nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    *le = nl ? nl : ps->end;
    ps->p = nl ? nl + 1 : ps->end;
    if (*le > *ls && (*le)[-1] == '\r')
        (*le)--;
    ps->line++;
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && is_blank(end[-1]))
        end--;
    return end;
}

static int is_delimiter(const char *ls, const char *le)
{
    return le - ls >= 3 && memcmp(ls, "---", 3) == 0 && trim_end(ls + 3, le) == ls + 3;
}

/*
 * Read one scalar starting at *pp: "double quoted" (with \\ \" \' \/ \n \t
 * \r escapes), 'single quoted' ('' is a quote) or plain. A plain scalar
 * runs to `end`, or in a flow list (`flow`) to the next ',' or ']', and is
 * trimmed. On success *out is a new string and *pp is just after it.
 */
static int parse_scalar(const struct parser *ps, int line, const char **pp, const char *end,
                        int flow, char **out)
{
    const char *p = skip_blanks(*pp, end), *start;
    char *buf, *w;
    char quote;

    *out = NULL;
    if (p < end && (*p == '"' || *p == '\'')) {
        quote = *p++;
        buf = w = hd_malloc((size_t)(end - p) + 1);
        for (;;) {
            if (p >= end) {
                hd_free(buf);
                return parse_error(ps, line, "missing closing %c", quote);
            }
            if (*p == quote) {
                if (quote == '\'' && p + 1 < end && p[1] == '\'') {
                    *w++ = '\'';
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            if (*p == '\\' && quote == '"') {
                char esc = p + 1 < end ? p[1] : '\0';

                switch (esc) {
                case '\\':
                case '"':
                case '\'':
                case '/':
                    *w++ = esc;
                    break;
                case 'n':
                    *w++ = '\n';
                    break;
                case 't':
                    *w++ = '\t';
                    break;
                case 'r':
                    *w++ = '\r';
                    break;
                default:
                    hd_free(buf);
                    if (esc == '\0')
                        return parse_error(ps, line, "missing closing \"");
                    return parse_error(ps, line, "unknown escape '\\%c' in a quoted value", esc);
                }
                p += 2;
                continue;
            }
            *w++ = *p++;
        }
        *w = '\0';
        *out = buf;
        *pp = p;
        return 0;
    }
    start = p;
    if (flow) {
        while (p < end && *p != ',' && *p != ']')
            p++;
    } else {
        p = end;
    }
    *out = hd_strndup(start, (size_t)(trim_end(start, p) - start));
    *pp = p;
    return 0;
}

/* After a value only blanks or a "# comment" may follow on the line. */
static int expect_line_end(const struct parser *ps, int line, const char *p, const char *end)
{
    p = skip_blanks(p, end);
    if (p < end && *p != '#')
        return parse_error(ps, line, "unexpected text after the value: '%.*s'",
                           (int)(end - p > 40 ? 40 : end - p), p);
    return 0;
}

static int add_tag(const struct parser *ps, int line, hd_kb_article *a, char *tag)
{
    if (tag[0] == '\0') {
        hd_free(tag);
        return parse_error(ps, line, "empty tag");
    }
    if (a->n_tags >= KB_TAGS_MAX) {
        hd_free(tag);
        return parse_error(ps, line, "more than %d tags", KB_TAGS_MAX);
    }
    a->tags = hd_realloc(a->tags, (a->n_tags + 1) * sizeof(*a->tags));
    a->tags[a->n_tags++] = tag;
    return 0;
}

/* tags: [a, "b c", 'd'] */
static int parse_flow_tags(const struct parser *ps, int line, const char *p, const char *end,
                           hd_kb_article *a)
{
    char *tag;
    int err;

    p++; /* '[' */
    for (;;) {
        const char *before;

        p = skip_blanks(p, end);
        if (p >= end)
            return parse_error(ps, line, "tags list is not closed by ']'");
        if (*p == ']')
            break;
        if (*p == ',') {
            p++;
            continue;
        }
        before = p;
        if ((err = parse_scalar(ps, line, &p, end, 1, &tag)) != 0)
            return err;
        if (tag[0] == '\0' && *before != '"' && *before != '\'') {
            hd_free(tag);
            continue;
        }
        if ((err = add_tag(ps, line, a, tag)) != 0)
            return err;
        p = skip_blanks(p, end);
        if (p < end && *p != ',' && *p != ']')
            return parse_error(ps, line, "expected ',' or ']' in the tags list");
    }
    return expect_line_end(ps, line, p + 1, end);
}

/* tags: vpn, network  (a plain value is read as a comma-separated list) */
static int parse_plain_tags(const struct parser *ps, int line, const char *p, const char *end,
                            hd_kb_article *a)
{
    char *tag;
    int err;

    if (*p == '"' || *p == '\'') {
        if ((err = parse_scalar(ps, line, &p, end, 0, &tag)) != 0)
            return err;
        if ((err = add_tag(ps, line, a, tag)) != 0)
            return err;
        return expect_line_end(ps, line, p, end);
    }
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *s = skip_blanks(p, stop);

        p = comma ? comma + 1 : end;
        if (s == stop)
            continue;
        tag = hd_strndup(s, (size_t)(trim_end(s, stop) - s));
        if ((err = add_tag(ps, line, a, tag)) != 0)
            return err;
    }
    return 0;
}

static int valid_slug(const char *s)
{
    size_t n = 0;

    for (; *s; s++, n++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
              *s == '-'))
            return 0;
    }
    return n > 0 && n <= KB_SLUG_MAX;
}

static int valid_lang(const char *s)
{
    size_t n = 0;

    for (; *s; s++, n++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-'))
            return 0;
    }
    return n >= 2 && n <= 35;
}

/* The body: CRLF becomes LF, leading blank lines and trailing blanks go. */
static char *clean_body(const char *p, const char *end)
{
    char *body, *w;
    const char *line = p;

    /* Skip whole blank lines only, so indentation of the first line stays. */
    while (p < end) {
        if (*p == '\n') {
            line = p + 1;
        } else if (!is_blank(*p) && *p != '\r') {
            break;
        }
        p++;
    }
    p = line;
    while (end > p && (is_blank(end[-1]) || end[-1] == '\n' || end[-1] == '\r'))
        end--;
    body = w = hd_malloc((size_t)(end - p) + 1);
    for (; p < end; p++) {
        if (*p == '\r' && p + 1 < end && p[1] == '\n')
            continue;
        *w++ = *p;
    }
    *w = '\0';
    return body;
}

enum fm_key { K_ID, K_TITLE, K_LANG, K_CATEGORY, K_TAGS, K_OTHER };

static enum fm_key key_of(const char *k, size_t n)
{
    static const char *const names[] = {"id", "title", "lang", "category", "tags"};
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(names); i++) {
        if (strlen(names[i]) == n && memcmp(names[i], k, n) == 0)
            return (enum fm_key)i;
    }
    return K_OTHER;
}

/*
 * One "key: value" line of the front matter. seen[key] is the line each
 * known key was on (0: not yet). Sets *block when the value is empty, i.e.
 * a block list may follow.
 */
static int parse_entry(const struct parser *ps, int line, const char *ls, const char *le,
                       hd_kb_article *a, int *seen, enum fm_key *key, int *block)
{
    const char *p = ls, *v;
    char **field;
    int err;

    while (p < le && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
        p++;
    if (p == ls || p >= le || *p != ':' || (p + 1 < le && !is_blank(p[1])))
        return parse_error(ps, line, "expected 'key: value' or '---' to close the front matter");
    *key = key_of(ls, (size_t)(p - ls));
    v = skip_blanks(p + 1, le);
    *block = v == le;
    if (*key == K_OTHER)
        return 0;
    if (seen[*key])
        return parse_error(ps, line, "duplicate key '%.*s' (first on line %d)", (int)(p - ls), ls,
                           seen[*key]);
    seen[*key] = line;
    if (*key == K_TAGS) {
        if (v == le)
            return 0;
        if (*v == '[')
            return parse_flow_tags(ps, line, v, le, a);
        return parse_plain_tags(ps, line, v, le, a);
    }
    field = *key == K_ID      ? &a->slug
            : *key == K_TITLE ? &a->title
            : *key == K_LANG  ? &a->lang
                              : &a->category;
    if ((err = parse_scalar(ps, line, &v, le, 0, field)) != 0)
        return err;
    return expect_line_end(ps, line, v, le);
}

/* A "- item" line of a block list, or 1 if the line is not one. */
static int parse_item(const struct parser *ps, int line, const char *ls, const char *le,
                      hd_kb_article *a, int keep)
{
    const char *p = skip_blanks(ls, le);
    char *tag;
    int err;

    if (p >= le || *p != '-' || (p + 1 < le && !is_blank(p[1])))
        return 1;
    if (!keep)
        return 0;
    p++;
    if ((err = parse_scalar(ps, line, &p, le, 0, &tag)) != 0)
        return err;
    if ((err = add_tag(ps, line, a, tag)) != 0)
        return err;
    return expect_line_end(ps, line, p, le);
}

/* Checks the whole text is UTF-8 without NUL bytes; reports the line. */
static int check_text(const struct parser *ps, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, n;
    int line = 1;

    while (i < len) {
        if (s[i] == '\n') {
            line++;
            i++;
            continue;
        }
        if (s[i] == '\0')
            return parse_error(ps, line, "NUL byte in the file");
        if ((n = utf8_len(s + i, len - i)) == 0)
            return parse_error(ps, line, "invalid UTF-8 (byte 0x%02x at offset %zu)", s[i], i);
        i += n;
    }
    return 0;
}

/*
 * hd_kb_parse - see kb.h. `text` need not be NUL-terminated; it must be
 * UTF-8 (a leading BOM and CRLF line ends are accepted) and at most
 * KB_FILE_MAX bytes, else HD_ETOOBIG. Errors are HD_EPARSE with the detail
 * "NAME:LINE: what is wrong". The article is the caller's
 * (hd_kb_article_free); its id is 0 until it is stored.
 */
int hd_kb_parse(hd_kb_article **out, const char *name, const char *text, size_t len)
{
    struct parser ps = {name ? name : "(article)", text, text + len, 1};
    hd_kb_article *a = NULL;
    const char *ls, *le;
    int seen[K_OTHER] = {0};
    enum fm_key key = K_OTHER;
    int err = 0, closed = 0, block = 0, close_line = 1, r;

    *out = NULL;
    if (text == NULL)
        return hd_error_set(HD_EINVAL, "%s: no text", ps.name);
    if (len > KB_FILE_MAX)
        return hd_error_set(HD_ETOOBIG, "%s: file is %zu bytes, more than the %d allowed", ps.name,
                            len, KB_FILE_MAX);
    if ((err = check_text(&ps, text, len)) != 0)
        return err;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.p += 3;
    if (!next_line(&ps, &ls, &le) || !is_delimiter(ls, le))
        return parse_error(&ps, 1, "expected '---' on the first line to open the front matter");

    a = hd_calloc(1, sizeof(*a));
    while (next_line(&ps, &ls, &le)) {
        int line = ps.line - 1;
        const char *p = skip_blanks(ls, le);

        if (is_delimiter(ls, le)) {
            closed = 1;
            close_line = line;
            break;
        }
        if (p == le || *p == '#')
            continue;
        if (block) {
            r = parse_item(&ps, line, ls, le, a, key == K_TAGS);
            if (r < 0) {
                err = r;
                goto cleanup;
            }
            if (r == 0)
                continue;
            block = 0;
        }
        if (p != ls) {
            if (key == K_OTHER)
                continue; /* the nested value of a key deskbot does not use */
            err = parse_error(&ps, line, "unexpected indented line");
            goto cleanup;
        }
        if ((err = parse_entry(&ps, line, ls, le, a, seen, &key, &block)) != 0)
            goto cleanup;
    }
    if (!closed) {
        err = parse_error(&ps, 1, "the front matter is not closed by a '---' line");
        goto cleanup;
    }
    if (a->slug == NULL || a->slug[0] == '\0') {
        err = parse_error(&ps, close_line, "missing 'id'");
        goto cleanup;
    }
    if (!valid_slug(a->slug)) {
        err = parse_error(&ps, seen[K_ID], "invalid id '%.64s': use 1 to %d of a-z 0-9 . _ -",
                          a->slug, KB_SLUG_MAX);
        goto cleanup;
    }
    if (a->title == NULL || a->title[0] == '\0') {
        err = parse_error(&ps, close_line, "missing 'title'");
        goto cleanup;
    }
    if (a->lang == NULL || a->lang[0] == '\0') {
        err = parse_error(&ps, close_line, "missing 'lang'");
        goto cleanup;
    }
    if (!valid_lang(a->lang)) {
        err = parse_error(&ps, seen[K_LANG], "invalid lang '%.40s'", a->lang);
        goto cleanup;
    }
    if (a->category != NULL && a->category[0] == '\0') {
        hd_free(a->category);
        a->category = NULL;
    }
    a->body = clean_body(ps.p, ps.end);
    if (a->body[0] == '\0') {
        err = parse_error(&ps, close_line, "the article has no body after the front matter");
        goto cleanup;
    }
    *out = a;
    return 0;

cleanup:
    hd_kb_article_free(a);
    return err;
}

/* ---- import ----------------------------------------------------------- */

struct kb_file {
    const char *name;
    hd_kb_article *a;
    char sum[17];
    char *tags; /* JSON array */
};

/* FNV-1a, 64 bits: tells a changed file from an unchanged one. */
static void checksum(char out[17], const char *text, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The tags as a JSON array of strings (the text is valid UTF-8). */
static char *tags_json(const hd_kb_article *a)
{
    size_t cap = 3, i, n = 0;
    char *s, *w;
    const char *t;

    for (i = 0; i < a->n_tags; i++)
        cap += strlen(a->tags[i]) * 6 + 3;
    s = w = hd_malloc(cap);
    *w++ = '[';
    for (i = 0; i < a->n_tags; i++) {
        if (i > 0)
            *w++ = ',';
        *w++ = '"';
        for (t = a->tags[i]; *t; t++) {
            unsigned char c = (unsigned char)*t;

            if (c == '"' || c == '\\') {
                *w++ = '\\';
                *w++ = (char)c;
            } else if (c < 0x20) {
                n = (size_t)snprintf(w, 7, "\\u%04x", c);
                w += n;
            } else {
                *w++ = (char)c;
            }
        }
        *w++ = '"';
    }
    *w++ = ']';
    *w = '\0';
    return s;
}

static int cmp_slug(const void *x, const void *y)
{
    const struct kb_file *const *a = x, *const *b = y;

    return strcmp((*a)->a->slug, (*b)->a->slug);
}

static int find_slug(const void *key, const void *elem)
{
    const struct kb_file *const *f = elem;

    return strcmp(key, (*f)->a->slug);
}

static int bind_article(sqlite3_stmt *s, const struct kb_file *f, int64_t now)
{
    const hd_kb_article *a = f->a;
    int rc;

    if ((rc = sqlite3_bind_text(s, 2, a->title, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(s, 3, a->body, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(s, 4, a->lang, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(s, 5, a->category, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(s, 6, f->tags, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_text(s, 7, f->sum, -1, SQLITE_TRANSIENT)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(s, 8, now)) != SQLITE_OK)
        return rc;
    return SQLITE_OK;
}

/* Insert or update one article; counts it in *stats. */
static int upsert(hd_store *st, const struct kb_file *f, int64_t now, hd_kb_import_stats *stats)
{
    sqlite3_stmt *s;
    int64_t id = 0;
    int rc, found = 0, same = 0;

    s = hd_store__stmt(st, "SELECT id, checksum FROM kb_articles WHERE slug = ?1");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, f->a->slug, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        found = 1;
        id = sqlite3_column_int64(s, 0);
        same = strcmp((const char *)sqlite3_column_text(s, 1), f->sum) == 0;
        rc = SQLITE_DONE;
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "look up article");
    if (same) {
        stats->unchanged++;
        return 0;
    }
    if (found) {
        s = hd_store__stmt(st, "UPDATE kb_articles SET title = ?2, body = ?3, lang = ?4,"
                               " category = ?5, tags = ?6, checksum = ?7, updated_at = ?8"
                               " WHERE id = ?1");
        if (s == NULL)
            return HD_EDB;
        rc = sqlite3_bind_int64(s, 1, id);
    } else {
        s = hd_store__stmt(st, "INSERT INTO kb_articles"
                               " (slug, title, body, lang, category, tags, checksum, updated_at)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (s == NULL)
            return HD_EDB;
        rc = sqlite3_bind_text(s, 1, f->a->slug, -1, SQLITE_TRANSIENT);
    }
    if (rc == SQLITE_OK)
        rc = bind_article(s, f, now);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, found ? "update article" : "insert article");
    if (found)
        stats->updated++;
    else
        stats->added++;
    return 0;
}

/* Delete the articles whose slug is not in `sorted` (n files by slug). */
static int remove_missing(hd_store *st, struct kb_file **sorted, size_t n,
                          hd_kb_import_stats *stats)
{
    sqlite3_stmt *s;
    int64_t *ids = NULL;
    size_t n_ids = 0, cap = 0, i;
    int rc, err = 0;

    s = hd_store__stmt(st, "SELECT id, slug FROM kb_articles");
    if (s == NULL)
        return HD_EDB;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *slug = (const char *)sqlite3_column_text(s, 1);

        if (n > 0 && bsearch(slug, sorted, n, sizeof(*sorted), find_slug) != NULL)
            continue;
        if (n_ids == cap) {
            cap = cap ? cap * 2 : 16;
            ids = hd_realloc(ids, cap * sizeof(*ids));
        }
        ids[n_ids++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        err = hd_store__error(st, rc, "list articles");
        goto cleanup;
    }
    for (i = 0; i < n_ids; i++) {
        s = hd_store__stmt(st, "DELETE FROM kb_articles WHERE id = ?1");
        if (s == NULL) {
            err = HD_EDB;
            goto cleanup;
        }
        sqlite3_bind_int64(s, 1, ids[i]);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) {
            err = hd_store__error(st, rc, "delete article");
            goto cleanup;
        }
        stats->removed++;
    }

cleanup:
    hd_free(ids);
    return err;
}

/*
 * After a large change the full-text index is left in many segments, which
 * every query then has to visit; merging them once keeps searches fast.
 * Small changes are left to FTS5's incremental automerge.
 */
static int maybe_optimize(hd_store *st, const hd_kb_import_stats *s, size_t total)
{
    size_t changed = (size_t)s->added + (size_t)s->updated + (size_t)s->removed;

    if (changed == 0 || (changed < 1000 && changed * 4 < total))
        return 0;
    return hd_store__exec(st, "INSERT INTO kb_fts(kb_fts) VALUES ('optimize')");
}

/*
 * hd_kb_import_files - see kb.h. Every text is parsed, checksummed (FNV-1a
 * of the bytes) and checked for duplicate ids first; then one transaction
 * inserts new articles, updates changed ones in place (same row id, so
 * their feedback stays), leaves unchanged ones alone and deletes articles
 * not in the set. Returns 0, HD_EPARSE / HD_ETOOBIG (a text, named in the
 * detail), HD_EEXISTS (an id used twice; both names in the detail), HD_EDB
 * or HD_EBUSY; on any error the knowledge base is unchanged and *stats is
 * zero. The inputs stay the caller's.
 */
int hd_kb_import_files(hd_store *st, const char *const *names, const char *const *texts,
                       const size_t *lens, size_t n, hd_kb_import_stats *stats, int64_t now)
{
    struct kb_file *files = NULL, **sorted = NULL;
    hd_kb_import_stats counts = {0, 0, 0, 0};
    size_t i;
    int err = 0, in_tx = 0;

    if (stats != NULL)
        memset(stats, 0, sizeof(*stats));
    files = hd_calloc(n ? n : 1, sizeof(*files));
    sorted = hd_calloc(n ? n : 1, sizeof(*sorted));

    /* Everything is checked before the database is touched. */
    for (i = 0; i < n; i++) {
        files[i].name = names[i];
        if ((err = hd_kb_parse(&files[i].a, names[i], texts[i], lens[i])) != 0)
            goto cleanup;
        checksum(files[i].sum, texts[i], lens[i]);
        files[i].tags = tags_json(files[i].a);
        sorted[i] = &files[i];
    }
    if (n > 1)
        qsort(sorted, n, sizeof(*sorted), cmp_slug);
    for (i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1]->a->slug, sorted[i]->a->slug) == 0) {
            const struct kb_file *x = sorted[i - 1], *y = sorted[i];

            if (x > y) {
                x = sorted[i];
                y = sorted[i - 1];
            }
            err = hd_error_set(HD_EEXISTS, "%s: id '%s' is already used by %s", y->name, y->a->slug,
                               x->name);
            goto cleanup;
        }
    }

    if ((err = hd_store_begin(st)) != 0)
        goto cleanup;
    in_tx = 1;
    for (i = 0; i < n; i++) {
        if ((err = upsert(st, &files[i], now, &counts)) != 0)
            goto cleanup;
    }
    if ((err = remove_missing(st, sorted, n, &counts)) != 0)
        goto cleanup;
    if ((err = maybe_optimize(st, &counts, n)) != 0)
        goto cleanup;
    err = hd_store_commit(st);
    in_tx = 0;
    if (err == 0 && stats != NULL)
        *stats = counts;

cleanup:
    if (in_tx)
        hd_store_rollback(st);
    for (i = 0; i < n; i++) {
        hd_kb_article_free(files[i].a);
        hd_free(files[i].tags);
    }
    hd_free(files);
    hd_free(sorted);
    return err;
}

/*
 * hd_kb_import_dir - see kb.h. Reads the *.md files of `dir` (not hidden
 * ones, not sub-folders) in name order and imports them as
 * hd_kb_import_files() does, naming each "DIR/FILE" in error details.
 * Returns its codes, or HD_EIO when the folder or a file cannot be read.
 * A folder without articles empties the knowledge base.
 */
int hd_kb_import_dir(hd_store *st, const char *dir, hd_kb_import_stats *stats, int64_t now)
{
    char **paths = NULL, **texts = NULL;
    size_t *lens = NULL, n = 0, i;
    int err = 0;

    if (stats != NULL)
        memset(stats, 0, sizeof(*stats));
    if ((err = hd_dir_list(dir, ".md", &paths, &n)) != 0)
        return err;
    texts = hd_calloc(n ? n : 1, sizeof(*texts));
    lens = hd_calloc(n ? n : 1, sizeof(*lens));
    for (i = 0; i < n; i++) {
        if ((err = hd_file_read(paths[i], KB_FILE_MAX, &texts[i], &lens[i])) != 0)
            goto cleanup;
    }
    err = hd_kb_import_files(st, (const char *const *)paths, (const char *const *)texts, lens, n,
                             stats, now);

cleanup:
    for (i = 0; i < n; i++) {
        hd_free(paths[i]);
        hd_free(texts[i]);
    }
    hd_free(paths);
    hd_free(texts);
    hd_free(lens);
    return err;
}

/* ---- search ----------------------------------------------------------- */

/*
 * Words that say nothing about which article is wanted. They are dropped
 * from a query that has other terms (an index lookup of "the" would visit
 * every English article); a query of nothing else keeps them.
 */
/* clang-format off */
static const char *const stop_words[] = {
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does",
    "each", "for", "from", "get", "had", "has", "have", "he", "her", "here", "him", "his", "how",
    "i", "if", "im", "in", "into", "is", "it", "its", "just", "me", "more", "most", "my", "no",
    "not", "of", "on", "only", "or", "other", "our", "please", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "too", "us", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "why", "will", "with", "would", "you", "your",
    /* Chinese function words (as the bigrams and single characters they index as) */
    "一下", "一个", "一些", "为什", "什么", "以前", "以后", "之前", "之后", "也", "但是", "你",
    "你们", "呢", "吗", "和", "因为", "在", "如何", "如果", "已经", "怎么", "怎样", "我", "我们",
    "我的", "所以", "所有", "或者", "是", "然后", "然而", "的", "还是", "这个", "这样", "那个",
    "那么", "请问", "谢谢", "首先", "了", "再次", "进行", "通过", "您的",
};
/* clang-format on */

struct query_terms {
    char text[KB_QUERY_TERMS][KB_TERM_MAX + 1];
    size_t n;
    char stop[KB_QUERY_TERMS][KB_TERM_MAX + 1];
    size_t n_stop;
    int stop_only; /* the text has nothing but stop words */
};

static int is_stop_word(const char *t)
{
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(stop_words); i++) {
        if (strcmp(t, stop_words[i]) == 0)
            return 1;
    }
    return 0;
}

static void add_term(char (*list)[KB_TERM_MAX + 1], size_t *n, const char *t)
{
    size_t i;

    if (*n >= KB_QUERY_TERMS)
        return;
    for (i = 0; i < *n; i++) {
        if (strcmp(list[i], t) == 0)
            return;
    }
    hd_strlcpy(list[(*n)++], t, KB_TERM_MAX + 1);
}

static int collect_term(void *payload, int tflags, const char *token, int n, int start, int end)
{
    struct query_terms *q = payload;
    char t[KB_TERM_MAX + 1];

    (void)start;
    (void)end;
    if ((tflags & FTS5_TOKEN_COLOCATED) || n <= 0 || n > KB_TERM_MAX)
        return SQLITE_OK;
    memcpy(t, token, (size_t)n);
    t[n] = '\0';
    if (is_stop_word(t))
        add_term(q->stop, &q->n_stop, t);
    else
        add_term(q->text, &q->n, t);
    /* Enough terms: stop reading the rest of a long text. */
    return q->n >= KB_QUERY_TERMS ? SQLITE_DONE : SQLITE_OK;
}

/* Split user text into terms with the deskbot tokenizer, as the index was. */
static int query_terms(hd_store *st, const char *text, struct query_terms *q)
{
    sqlite3_stmt *s;
    fts5_api *api = NULL;
    fts5_tokenizer tok;
    Fts5Tokenizer *inst = NULL;
    void *ctx = NULL;
    size_t len = strlen(text);
    int rc;

    memset(q, 0, sizeof(*q));
    if (len > KB_QUERY_BYTES)
        len = KB_QUERY_BYTES; /* a character cut in two is a separator to the tokenizer */
    s = hd_store__stmt(st, "SELECT fts5(?1)");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_pointer(s, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(s);
    sqlite3_reset(s);
    if (api == NULL || api->xFindTokenizer(api, "deskbot", &ctx, &tok) != SQLITE_OK)
        return hd_error_set(HD_EDB, "search: the deskbot tokenizer is not registered");
    rc = tok.xCreate(ctx, NULL, 0, &inst);
    if (rc == SQLITE_OK) {
        rc = tok.xTokenize(inst, q, FTS5_TOKENIZE_QUERY, text, (int)len, collect_term);
        tok.xDelete(inst);
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE)
        return hd_error_set(HD_EDB, "search: tokenize: %s", sqlite3_errstr(rc));
    if (q->n == 0) {
        memcpy(q->text, q->stop, sizeof(q->stop));
        q->n = q->n_stop;
        q->stop_only = 1;
    }
    return 0;
}

/*
 * The FTS5 expression for the terms joined by `op` (" " for all of them,
 * " OR " for any): each term is a string with '"' doubled, never an
 * operator. The caller frees it.
 */
static char *build_match(const struct query_terms *q, const char *op)
{
    size_t i, w = 0, size = 1;
    const char *t;
    char *out;

    for (i = 0; i < q->n; i++)
        size += strlen(op) + 2 * strlen(q->text[i]) + 2;
    out = hd_malloc(size);
    for (i = 0; i < q->n; i++) {
        if (i > 0) {
            memcpy(out + w, op, strlen(op));
            w += strlen(op);
        }
        out[w++] = '"';
        for (t = q->text[i]; *t; t++) {
            if (*t == '"')
                out[w++] = '"';
            out[w++] = *t;
        }
        out[w++] = '"';
    }
    out[w] = '\0';
    return out;
}

/* Where `needle` (lower case) first occurs in hay[0..n), ASCII case folded. */
static const char *find_folded(const char *hay, size_t n, const char *needle, size_t m)
{
    size_t i, k;

    if (m == 0 || m > n)
        return NULL;
    for (i = 0; i + m <= n; i++) {
        for (k = 0; k < m; k++) {
            char c = hay[i + k];

            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != needle[k])
                break;
        }
        if (k == m)
            return hay + i;
    }
    return NULL;
}

static int is_ascii_word(const char *t)
{
    for (; *t; t++) {
        if ((unsigned char)*t >= 0x80)
            return 0;
    }
    return 1;
}

/*
 * The first place in `body` where a term occurs. An English term may be an
 * inflected form of the word in the text ("printers", "connecting"), so
 * its prefixes down to three letters short are tried too. NULL if none.
 */
static const char *find_match(const char *body, size_t n, const struct query_terms *q)
{
    const char *best = NULL;
    size_t i;

    for (i = 0; i < q->n; i++) {
        size_t len = strlen(q->text[i]), m, shortest = len;
        const char *at = NULL;

        if (is_ascii_word(q->text[i]) && len > 4)
            shortest = len - 3 > 4 ? len - 3 : 4;
        for (m = len; m >= shortest && m > 0 && at == NULL; m--) {
            /* Only a match before the best so far can improve on it. */
            size_t limit = best ? (size_t)(best - body) + m : n;

            at = find_folded(body, limit < n ? limit : n, q->text[i], m);
        }
        if (at != NULL && (best == NULL || at < best))
            best = at;
    }
    return best;
}

/*
 * A readable excerpt of the body around the first match: whitespace runs
 * become one space, Markdown markup characters go, it starts at a word and
 * is cut at a character boundary, with "…" where text was left out.
 */
static char *excerpt(const char *body, const struct query_terms *q)
{
    size_t n = body ? strlen(body) : 0, i = 0, w = 0, k, start = 0;
    size_t scan = n < KB_EXCERPT_SCAN ? n : KB_EXCERPT_SCAN;
    char *out = hd_malloc(KB_SNIPPET_MAX + 8);
    const char *at = n ? find_match(body, scan, q) : NULL;
    int space = 0;

    if (at != NULL && (size_t)(at - body) > KB_SNIPPET_LEAD) {
        start = (size_t)(at - body) - KB_SNIPPET_LEAD;
        /* Start after a space if there is one before the match, else at a character. */
        for (k = start; k < (size_t)(at - body) && body[k] != ' ' && body[k] != '\n'; k++)
            ;
        start = k < (size_t)(at - body) ? k + 1 : start;
        while (start > 0 && ((unsigned char)body[start] & 0xC0) == 0x80)
            start--;
        memcpy(out, "\xE2\x80\xA6", 3);
        w = 3;
    }
    i = start;
    while (i < n) {
        unsigned char c = (unsigned char)body[i];
        size_t clen;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = w > 0;
            i++;
            continue;
        }
        if (c == '#' || c == '*' || c == '`' || c == '>' || c == '|') {
            i++;
            continue;
        }
        clen = utf8_len((const unsigned char *)body + i, n - i);
        if (clen == 0) {
            i++;
            continue;
        }
        if (w + (size_t)space + clen > KB_SNIPPET_MAX) {
            memcpy(out + w, "\xE2\x80\xA6", 3);
            w += 3;
            break;
        }
        if (space)
            out[w++] = ' ';
        space = 0;
        for (k = 0; k < clen; k++)
            out[w++] = body[i + k];
        i += clen;
    }
    out[w] = '\0';
    return out;
}

/*
 * One search in progress. Ranking costs about a microsecond per article,
 * and a common word is in thousands of articles of a large knowledge base,
 * so a pass walks at most KB_CANDIDATES matches (in article id order):
 *
 * - If there are fewer, all matches were ranked and the result is exact.
 * - If not, the query is broad and the title and tags decide: among the
 *   matches walked, those with a term in their title or tags come first,
 *   each group in BM25 order. The walk is not repeated.
 *
 * With a language filter a count of all matches (no ranking, no language)
 * first finds the id range that holds KB_CANDIDATES of them, and only that
 * range is walked, so that the filter never walks an unbounded number of
 * articles in other languages.
 */
#define KB_CANDIDATES 400

/* The kb_fts columns that make a match "in the title or tags". */
#define KB_TITLE_TAGS ((1 << 0) | (1 << 2))

struct search {
    hd_store *st;
    const char *lang;
    size_t limit;
    sqlite3_int64 min_id, max_id;
    hd_kb_hit *hits;
    size_t n;
};

/* The best candidates of one pass, sorted, at most `room` of them. */
struct best {
    hd_kb_hit *v;
    size_t n, room;
};

/* Does (score, id) rank before hit h? Lower scores are better. */
static int ranks_before(double score, int64_t id, const hd_kb_hit *h)
{
    return score < h->score || (score == h->score && id < h->id);
}

static void best_add(struct best *b, int64_t id, double score)
{
    size_t i;

    if (b->room == 0 || (b->n == b->room && !ranks_before(score, id, &b->v[b->n - 1])))
        return;
    i = b->n < b->room ? b->n++ : b->n - 1;
    for (; i > 0 && ranks_before(score, id, &b->v[i - 1]); i--)
        b->v[i] = b->v[i - 1];
    b->v[i].id = id;
    b->v[i].score = score;
}

/*
 * The number of articles `match` finds, counting no further than `cap`,
 * and the id of the last one counted.
 */
static int count_matches(struct search *s, const char *match, int cap, int *out,
                         sqlite3_int64 *last)
{
    sqlite3_stmt *q;
    int rc;

    *out = 0;
    *last = 0;
    q = hd_store__stmt(s->st, "SELECT count(*), max(id) FROM (SELECT rowid AS id"
                              " FROM kb_fts WHERE kb_fts MATCH ?1 LIMIT ?2)");
    if (q == NULL)
        return HD_EDB;
    sqlite3_bind_text(q, 1, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(q, 2, cap);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(q, 0);
        *last = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : hd_store__error(s->st, rc, "search");
}

/*
 * One pass: rank the articles `match` finds (the first KB_CANDIDATES, in
 * the language searched for), and append the best to the hits not already
 * there.
 */
static int search_pass(struct search *s, const char *match)
{
    hd_kb_hit *tier_v, *rest_v;
    struct best tier, rest;
    sqlite3_int64 window = s->max_id, last;
    sqlite3_stmt *q;
    size_t before = s->n, i, j;
    int n, seen = 0, rc = SQLITE_DONE, err = 0;

    if (s->lang != NULL) {
        if ((err = count_matches(s, match, KB_CANDIDATES, &n, &last)) != 0)
            return err;
        if (n == 0)
            return 0;
        if (n >= KB_CANDIDATES)
            window = last;
    }
    if (s->lang == NULL)
        q = hd_store__stmt(s->st, "SELECT kb_fts.rowid,"
                                  " deskbot_rank(kb_fts, d.sz, ?2, ?3, 10.0, 1.0, 4.0),"
                                  " deskbot_columns(kb_fts)"
                                  " FROM kb_fts JOIN kb_fts_docsize AS d ON d.id = kb_fts.rowid"
                                  " WHERE kb_fts MATCH ?1 AND kb_fts.rowid <= ?4");
    else
        q = hd_store__stmt(s->st, "SELECT kb_fts.rowid,"
                                  " deskbot_rank(kb_fts, d.sz, ?2, ?3, 10.0, 1.0, 4.0),"
                                  " deskbot_columns(kb_fts)"
                                  " FROM kb_fts JOIN kb_articles AS a ON a.id = kb_fts.rowid"
                                  " JOIN kb_fts_docsize AS d ON d.id = kb_fts.rowid"
                                  " WHERE kb_fts MATCH ?1 AND kb_fts.rowid <= ?4 AND a.lang = ?5");
    if (q == NULL)
        return HD_EDB;
    sqlite3_bind_text(q, 1, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, s->min_id);
    sqlite3_bind_int64(q, 3, s->max_id);
    sqlite3_bind_int64(q, 4, window);
    if (s->lang != NULL)
        sqlite3_bind_text(q, 5, s->lang, -1, SQLITE_TRANSIENT);

    tier_v = hd_calloc(s->limit, sizeof(*tier_v));
    rest_v = hd_calloc(s->limit, sizeof(*rest_v));
    tier = (struct best){tier_v, 0, s->limit - before};
    rest = (struct best){rest_v, 0, s->limit - before};
    while (seen < KB_CANDIDATES && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        double score = sqlite3_column_double(q, 1);

        seen++;
        for (i = 0; i < before && s->hits[i].id != id; i++)
            ;
        if (i < before)
            continue;
        if (sqlite3_column_int(q, 2) & KB_TITLE_TAGS)
            best_add(&tier, id, score);
        else
            best_add(&rest, id, score);
    }
    sqlite3_reset(q);
    if (seen < KB_CANDIDATES && rc != SQLITE_DONE) {
        err = hd_store__error(s->st, rc, "search");
        goto cleanup;
    }
    if (seen < KB_CANDIDATES && window == s->max_id) {
        /* Every match was ranked: merge by score alone. */
        for (i = j = 0; s->n < s->limit && (i < tier.n || j < rest.n);) {
            if (j >= rest.n ||
                (i < tier.n && ranks_before(tier.v[i].score, tier.v[i].id, &rest.v[j])))
                s->hits[s->n++] = tier.v[i++];
            else
                s->hits[s->n++] = rest.v[j++];
        }
    } else {
        for (i = 0; s->n < s->limit && i < tier.n; i++)
            s->hits[s->n++] = tier.v[i];
        for (i = 0; s->n < s->limit && i < rest.n; i++)
            s->hits[s->n++] = rest.v[i];
    }

cleanup:
    hd_free(tier_v);
    hd_free(rest_v);
    return err;
}

/* Title, language, category and excerpt of each hit. */
static int fill_hits(struct search *s, const struct query_terms *terms)
{
    sqlite3_stmt *q;
    size_t i, kept = 0;
    int rc;

    for (i = 0; i < s->n; i++) {
        hd_kb_hit *h = &s->hits[kept];

        q = hd_store__stmt(s->st, "SELECT slug, title, lang, category, body FROM kb_articles"
                                  " WHERE id = ?1");
        if (q == NULL)
            return HD_EDB;
        sqlite3_bind_int64(q, 1, s->hits[i].id);
        rc = sqlite3_step(q);
        if (rc == SQLITE_ROW) {
            h->id = s->hits[i].id;
            h->score = s->hits[i].score;
            h->slug = hd_store__column_dup(q, 0);
            h->title = hd_store__column_dup(q, 1);
            h->lang = hd_store__column_dup(q, 2);
            h->category = hd_store__column_dup(q, 3);
            h->snippet = excerpt((const char *)sqlite3_column_text(q, 4), terms);
            kept++;
        }
        sqlite3_reset(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            s->n = kept;
            return hd_store__error(s->st, rc, "search");
        }
    }
    s->n = kept;
    return 0;
}

static int id_range(struct search *s)
{
    sqlite3_stmt *q;
    int rc;

    q = hd_store__stmt(s->st, "SELECT (SELECT min(id) FROM kb_articles),"
                              " (SELECT max(id) FROM kb_articles)");
    if (q == NULL)
        return HD_EDB;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        s->min_id = sqlite3_column_int64(q, 0);
        s->max_id = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? 0 : hd_store__error(s->st, rc, "search");
}

/*
 * hd_kb_search - see kb.h. The text is cut to KB_QUERY_BYTES and to
 * KB_QUERY_TERMS distinct terms; articles with all terms come first, then
 * (if there are fewer than `limit`) articles with any of them. The hits
 * array and its strings are the caller's (hd_kb_hits_free).
 */
int hd_kb_search(hd_store *st, const char *text, const char *lang, int limit, hd_kb_hit **out,
                 size_t *n)
{
    struct search s;
    struct query_terms q;
    char *all = NULL, *any = NULL;
    int err;

    *out = NULL;
    *n = 0;
    if (text == NULL || limit < 0)
        return hd_error_set(HD_EINVAL, "search: no text or a negative limit");
    if (limit > KB_LIMIT_MAX)
        limit = KB_LIMIT_MAX;
    if (limit == 0)
        return 0;
    if ((err = query_terms(st, text, &q)) != 0)
        return err;
    if (q.n == 0)
        return 0;

    memset(&s, 0, sizeof(s));
    s.st = st;
    s.lang = lang;
    s.limit = (size_t)limit;
    s.hits = hd_calloc(s.limit, sizeof(*s.hits));
    if ((err = id_range(&s)) != 0)
        goto cleanup;
    /* Stop words alone are too common to intersect: any of them will do. */
    if (!q.stop_only || q.n == 1) {
        all = build_match(&q, " ");
        if ((err = search_pass(&s, all)) != 0)
            goto cleanup;
    }
    if (s.n < s.limit && q.n > 1) {
        any = build_match(&q, " OR ");
        if ((err = search_pass(&s, any)) != 0)
            goto cleanup;
    }
    err = fill_hits(&s, &q);

cleanup:
    if (err != 0 || s.n == 0) {
        /* Only filled hits own strings; the others are still zeroed. */
        hd_kb_hits_free(s.hits, s.limit);
        s.hits = NULL;
        s.n = 0;
    }
    *out = s.hits;
    *n = s.n;
    hd_free(all);
    hd_free(any);
    return err;
}

/* hd_kb_hits_free - frees n hits from hd_kb_search() and their strings. NULL ok. */
void hd_kb_hits_free(hd_kb_hit *hits, size_t n)
{
    size_t i;

    if (hits == NULL)
        return;
    for (i = 0; i < n; i++) {
        hd_free(hits[i].slug);
        hd_free(hits[i].title);
        hd_free(hits[i].lang);
        hd_free(hits[i].category);
        hd_free(hits[i].snippet);
    }
    hd_free(hits);
}

/* ---- articles, feedback ----------------------------------------------- */

static int read_tags(hd_store *st, hd_kb_article *a)
{
    sqlite3_stmt *s;
    int rc;

    s = hd_store__stmt(st, "SELECT j.value FROM kb_articles AS a, json_each(a.tags) AS j"
                           " WHERE a.id = ?1 ORDER BY j.key");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, a->id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        a->tags = hd_realloc(a->tags, (a->n_tags + 1) * sizeof(*a->tags));
        a->tags[a->n_tags++] = hd_store__column_dup(s, 0);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "read article tags");
}

/*
 * hd_kb_get - see kb.h. The article (with its tags) is the caller's
 * (hd_kb_article_free); *out is NULL on error.
 */
int hd_kb_get(hd_store *st, const char *slug, hd_kb_article **out)
{
    sqlite3_stmt *s;
    hd_kb_article *a = NULL;
    int rc, err = 0;

    *out = NULL;
    s = hd_store__stmt(st, "SELECT id, slug, title, body, lang, category FROM kb_articles"
                           " WHERE slug = ?1");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, slug, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        a = hd_calloc(1, sizeof(*a));
        a->id = sqlite3_column_int64(s, 0);
        a->slug = hd_store__column_dup(s, 1);
        a->title = hd_store__column_dup(s, 2);
        a->body = hd_store__column_dup(s, 3);
        a->lang = hd_store__column_dup(s, 4);
        a->category = hd_store__column_dup(s, 5);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE) {
        err = hd_error_set(HD_ENOTFOUND, "no knowledge base article '%s'", slug);
        goto cleanup;
    }
    if (rc != SQLITE_ROW) {
        err = hd_store__error(st, rc, "read article");
        goto cleanup;
    }
    if ((err = read_tags(st, a)) != 0)
        goto cleanup;
    *out = a;
    return 0;

cleanup:
    hd_kb_article_free(a);
    return err;
}

/*
 * hd_kb_feedback - see kb.h. Returns 0, HD_EINVAL (helpful not 0 or 1),
 * HD_ENOTFOUND (no such article, or no such employee) or HD_EDB.
 */
int hd_kb_feedback(hd_store *st, const char *slug, int64_t employee_id, int helpful, int64_t now)
{
    sqlite3_stmt *s;
    int64_t id = 0;
    int rc;

    if (helpful != 0 && helpful != 1)
        return hd_error_set(HD_EINVAL, "feedback: helpful must be 0 or 1, not %d", helpful);
    s = hd_store__stmt(st, "SELECT id FROM kb_articles WHERE slug = ?1");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, slug, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return hd_error_set(HD_ENOTFOUND, "no knowledge base article '%s'", slug);
    if (rc != SQLITE_ROW)
        return hd_store__error(st, rc, "feedback");

    s = hd_store__stmt(st, "INSERT INTO kb_feedback (article_id, employee_id, helpful, at)"
                           " VALUES (?1, ?2, ?3, ?4)");
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    if (employee_id != 0)
        sqlite3_bind_int64(s, 2, employee_id);
    sqlite3_bind_int(s, 3, helpful);
    sqlite3_bind_int64(s, 4, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        return hd_error_set(HD_ENOTFOUND, "feedback: no employee %lld", (long long)employee_id);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "feedback");
    return 0;
}

/* hd_kb_count - see kb.h. Returns 0 or HD_EDB (then *out is 0). */
int hd_kb_count(hd_store *st, int64_t *out)
{
    sqlite3_stmt *s;
    int rc;

    *out = 0;
    s = hd_store__stmt(st, "SELECT count(*) FROM kb_articles");
    if (s == NULL)
        return HD_EDB;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "count articles");
}
