/*
 * test_kb.c - the knowledge base: front-matter parsing, folder import
 * (updates, removals, all-or-nothing on errors), search in English and
 * Chinese, hostile queries, feedback, and the deskbot tokenizer itself.
 *
 * Fixtures live in tests/data/kb/<case>/; each test opens its own store in
 * a fresh temporary folder.
 */
#include "harness.h"

#include "hd/kb.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOW 1700000000

/* ---- helpers ---------------------------------------------------------- */

static char tmp_dir[4096];
static char db_path[4200];

/* A fresh folder for one test, under $HD_TEST_TMP or /tmp. */
static int make_tmp(void)
{
    const char *base = getenv("HD_TEST_TMP");

    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    if (mkdir(base, 0700) != 0 && errno != EEXIST)
        return -1;
    snprintf(tmp_dir, sizeof(tmp_dir), "%s/test_kb.XXXXXX", base);
    if (mkdtemp(tmp_dir) == NULL)
        return -1;
    snprintf(db_path, sizeof(db_path), "%s/deskbot.db", tmp_dir);
    return 0;
}

/* Remove a folder of plain files (one level of sub-folders). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[8192];
    struct stat sb;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static const char *data_dir(void)
{
    static char dir[4096];
    const char *env = getenv("HD_TEST_DATA");
    const char *slash;

    if (env != NULL && env[0] != '\0')
        return env;
    /* Built by hand: tests/core/test_kb.c -> tests/data */
    slash = strrchr(__FILE__, '/');
    snprintf(dir, sizeof(dir), "%.*s/../data", slash ? (int)(slash - __FILE__) : 1,
             slash ? __FILE__ : ".");
    return dir;
}

static const char *fixture(const char *name)
{
    static char dir[4200];

    snprintf(dir, sizeof(dir), "%s/kb/%s", data_dir(), name);
    return dir;
}

static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL)
        return -1;
    ok = fwrite(text, 1, len, f) == len;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Copy the plain files of fixture `name` into a new folder `dst`. */
static int copy_fixture(const char *name, const char *dst)
{
    const char *src = fixture(name);
    DIR *d;
    struct dirent *e;
    char path[8192];
    int err = 0;

    if (mkdir(dst, 0700) != 0)
        return -1;
    d = opendir(src);
    if (d == NULL)
        return -1;
    while (err == 0 && (e = readdir(d)) != NULL) {
        char *text;
        size_t len;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", src, e->d_name);
        text = read_all(path, &len);
        if (text == NULL) {
            err = -1;
            break;
        }
        snprintf(path, sizeof(path), "%s/%s", dst, e->d_name);
        err = write_file(path, text, len);
        free(text);
    }
    closedir(d);
    return err;
}

static hd_store *open_store(void)
{
    hd_store *st = NULL;

    if (make_tmp() != 0) {
        fprintf(stderr, "cannot create a temporary folder\n");
        return NULL;
    }
    if (hd_store_open(&st, db_path, 1000) != 0) {
        fprintf(stderr, "hd_store_open: %s\n", hd_error_last());
        return NULL;
    }
    return st;
}

static void close_store(hd_store *st)
{
    hd_store_close(st);
    remove_tree(tmp_dir);
}

static int64_t count_feedback(hd_store *st, int64_t article_id)
{
    sqlite3_stmt *s;
    int64_t n = -1;

    if (sqlite3_prepare_v2(hd_store_db(st), "SELECT count(*) FROM kb_feedback WHERE article_id = ?",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, article_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* Position of the hit for `slug`, or -1. */
static int hit_index(const hd_kb_hit *hits, size_t n, const char *slug)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(hits[i].slug, slug) == 0)
            return (int)i;
    }
    return -1;
}

/* Is the text valid UTF-8? (Independent of the code under test.) */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        int i;

        if (n == 0)
            return 0;
        for (i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        }
        p += n;
    }
    return 1;
}

/*
 * The tokens `tokenize` ("deskbot" or "porter deskbot") makes of `text`,
 * as "token@position" joined by spaces in position order, via fts5vocab.
 */
static char *tokens_of(hd_store *st, const char *tokenize, const char *text)
{
    static char out[4096];
    sqlite3 *db = hd_store_db(st);
    sqlite3_stmt *s = NULL;
    char sql[256];
    size_t w = 0;

    out[0] = '\0';
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.tok_v; DROP TABLE IF EXISTS temp.tok_t", NULL, NULL,
                 NULL);
    snprintf(sql, sizeof(sql), "CREATE VIRTUAL TABLE temp.tok_t USING fts5(x, tokenize='%s')",
             tokenize);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.tok_v USING fts5vocab(temp, tok_t, instance)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO temp.tok_t(x) VALUES (?)", -1, &s, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_finalize(s);
        return NULL;
    }
    sqlite3_finalize(s);
    if (sqlite3_prepare_v2(db, "SELECT term, offset FROM temp.tok_v ORDER BY offset, term", -1, &s,
                           NULL) != SQLITE_OK)
        return NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int n = snprintf(out + w, sizeof(out) - w, "%s%s@%d", w ? " " : "",
                         (const char *)sqlite3_column_text(s, 0), sqlite3_column_int(s, 1));

        if (n < 0 || (size_t)n >= sizeof(out) - w)
            break;
        w += (size_t)n;
    }
    sqlite3_finalize(s);
    return out;
}

/* ---- parsing ---------------------------------------------------------- */

static void test_kb__parse_plain(void)
{
    static const char text[] = "---\n"
                               "id: kb-vpn\n"
                               "title: Connect to the VPN: step by step\n"
                               "lang: en\n"
                               "category: network\n"
                               "owner: someone   # unknown keys are ignored\n"
                               "tags: vpn, remote\n"
                               "---\n"
                               "\n"
                               "Body line one.\n"
                               "Body line two.\n\n";
    hd_kb_article *a = NULL;

    ASSERT_OK(hd_kb_parse(&a, "vpn.md", text, sizeof(text) - 1));
    ASSERT_STR_EQ(a->slug, "kb-vpn");
    ASSERT_STR_EQ(a->title, "Connect to the VPN: step by step");
    ASSERT_STR_EQ(a->lang, "en");
    ASSERT_STR_EQ(a->category, "network");
    ASSERT_INT_EQ(a->n_tags, 2);
    ASSERT_STR_EQ(a->tags[0], "vpn");
    ASSERT_STR_EQ(a->tags[1], "remote");
    ASSERT_STR_EQ(a->body, "Body line one.\nBody line two.");
    hd_kb_article_free(a);
}

static void test_kb__parse_quoted(void)
{
    static const char text[] = "---\n"
                               "id: \"kb-quoted\"\n"
                               "title: \"Say \\\"hello\\\" \\\\ to: the # team\"  # comment\n"
                               "lang: 'en'\n"
                               "category: 'it''s hardware'\n"
                               "---\n"
                               "Body.\n";
    hd_kb_article *a = NULL;

    ASSERT_OK(hd_kb_parse(&a, "q.md", text, sizeof(text) - 1));
    ASSERT_STR_EQ(a->slug, "kb-quoted");
    ASSERT_STR_EQ(a->title, "Say \"hello\" \\ to: the # team");
    ASSERT_STR_EQ(a->lang, "en");
    ASSERT_STR_EQ(a->category, "it's hardware");
    ASSERT_INT_EQ(a->n_tags, 0);
    ASSERT_STR_EQ(a->body, "Body.");
    hd_kb_article_free(a);
}

static void test_kb__parse_inline_tags(void)
{
    static const char text[] = "---\n"
                               "id: kb-tags\n"
                               "title: Tags\n"
                               "lang: en\n"
                               "tags: [a, \"b c\", 'd', \"e, f\" ,g]\n"
                               "---\n"
                               "Body.\n";
    static const char empty[] = "---\nid: kb-t\ntitle: T\nlang: en\ntags: []\n---\nBody.\n";
    hd_kb_article *a = NULL;

    ASSERT_OK(hd_kb_parse(&a, "t.md", text, sizeof(text) - 1));
    ASSERT_INT_EQ(a->n_tags, 5);
    ASSERT_STR_EQ(a->tags[0], "a");
    ASSERT_STR_EQ(a->tags[1], "b c");
    ASSERT_STR_EQ(a->tags[2], "d");
    ASSERT_STR_EQ(a->tags[3], "e, f");
    ASSERT_STR_EQ(a->tags[4], "g");
    ASSERT(a->category == NULL);
    hd_kb_article_free(a);

    ASSERT_OK(hd_kb_parse(&a, "t.md", empty, sizeof(empty) - 1));
    ASSERT_INT_EQ(a->n_tags, 0);
    hd_kb_article_free(a);
}

static void test_kb__parse_block_tags(void)
{
    static const char text[] = "---\n"
                               "id: kb-block\n"
                               "tags:\n"
                               "  - printer\n"
                               "  - \"paper jam\"\n"
                               "- 'toner'\n"
                               "title: Block list\n"
                               "aliases:\n"
                               "  - ignored\n"
                               "  - also ignored\n"
                               "lang: en\n"
                               "---\n"
                               "Body.\n";
    hd_kb_article *a = NULL;

    ASSERT_OK(hd_kb_parse(&a, "b.md", text, sizeof(text) - 1));
    ASSERT_INT_EQ(a->n_tags, 3);
    ASSERT_STR_EQ(a->tags[0], "printer");
    ASSERT_STR_EQ(a->tags[1], "paper jam");
    ASSERT_STR_EQ(a->tags[2], "toner");
    ASSERT_STR_EQ(a->title, "Block list");
    ASSERT_STR_EQ(a->lang, "en");
    hd_kb_article_free(a);
}

static void test_kb__parse_crlf_and_bom(void)
{
    static const char text[] = "\xEF\xBB\xBF---\r\n"
                               "id: kb-crlf\r\n"
                               "title: \"Windows line ends\"\r\n"
                               "lang: zh\r\n"
                               "tags:\r\n"
                               "  - a\r\n"
                               "---\r\n"
                               "第一行\r\n"
                               "second line\r\n";
    hd_kb_article *a = NULL;

    ASSERT_OK(hd_kb_parse(&a, "crlf.md", text, sizeof(text) - 1));
    ASSERT_STR_EQ(a->slug, "kb-crlf");
    ASSERT_STR_EQ(a->title, "Windows line ends");
    ASSERT_STR_EQ(a->lang, "zh");
    ASSERT_INT_EQ(a->n_tags, 1);
    ASSERT_STR_EQ(a->tags[0], "a");
    ASSERT_STR_EQ(a->body, "第一行\nsecond line");
    hd_kb_article_free(a);
}

struct parse_case {
    const char *text;
    size_t len; /* 0: strlen(text) */
    int code;
    const char *detail; /* a substring of hd_error_last() */
};

static void test_kb__parse_errors(void)
{
    static const char invalid_utf8[] =
        "---\nid: kb-x\ntitle: bad \xC3\x28 byte\nlang: en\n---\nB\n";
    static const char nul_byte[] = "---\nid: kb-x\ntitle: T\nlang: en\n---\nB\0ody\n";
    const struct parse_case cases[] = {
        {"---\ntitle: T\nlang: en\n---\nBody\n", 0, HD_EPARSE, "e.md:4: missing 'id'"},
        {"---\nid: kb-x\nlang: en\n---\nBody\n", 0, HD_EPARSE, "e.md:4: missing 'title'"},
        {"---\nid: kb-x\ntitle: T\n---\nBody\n", 0, HD_EPARSE, "e.md:4: missing 'lang'"},
        {"---\nid: kb-x\ntitle: T\nlang: en\n", 0, HD_EPARSE, "e.md:1: the front matter is not"},
        {"---\nid: kb-x\ntitle: T\nlang: en\nBody\n", 0, HD_EPARSE, "e.md:5: expected 'key"},
        {"id: kb-x\ntitle: T\nlang: en\n---\nBody\n", 0, HD_EPARSE, "e.md:1: expected '---'"},
        {"", 0, HD_EPARSE, "e.md:1:"},
        {"---\nid: KB_Upper\ntitle: T\nlang: en\n---\nBody\n", 0, HD_EPARSE, "e.md:2: invalid id"},
        {"---\nid: kb x\ntitle: T\nlang: en\n---\nBody\n", 0, HD_EPARSE, "invalid id"},
        {"---\nid: kb/../x\ntitle: T\nlang: en\n---\nBody\n", 0, HD_EPARSE, "invalid id"},
        {"---\nid: kb-x\ntitle: T\nlang: e n\n---\nBody\n", 0, HD_EPARSE, "e.md:4: invalid lang"},
        {"---\nid: kb-x\ntitle: T\nlang: en\n---\n", 0, HD_EPARSE, "e.md:5: the article has no"},
        {"---\nid: kb-x\ntitle: T\nlang: en\n---\n \r\n\t\n", 0, HD_EPARSE, "has no body"},
        {invalid_utf8, sizeof(invalid_utf8) - 1, HD_EPARSE, "e.md:3: invalid UTF-8"},
        {nul_byte, sizeof(nul_byte) - 1, HD_EPARSE, "e.md:6: NUL byte"},
        {"---\nid: kb-x\nid: kb-y\ntitle: T\nlang: en\n---\nB\n", 0, HD_EPARSE,
         "e.md:3: duplicate key 'id' (first on line 2)"},
        {"---\nid: kb-x\ntitle: \"open\nlang: en\n---\nB\n", 0, HD_EPARSE,
         "e.md:3: missing closing \""},
        {"---\nid: kb-x\ntitle: 'open\nlang: en\n---\nB\n", 0, HD_EPARSE, "missing closing '"},
        {"---\nid: kb-x\ntitle: \"a\\qb\"\nlang: en\n---\nB\n", 0, HD_EPARSE, "unknown escape"},
        {"---\nid: kb-x\ntitle: \"a\" b\nlang: en\n---\nB\n", 0, HD_EPARSE, "unexpected text"},
        {"---\nid: kb-x\ntitle: T\nlang: en\ntags: [a, b\n---\nB\n", 0, HD_EPARSE,
         "e.md:5: tags list is not closed"},
        {"---\nid: kb-x\ntitle: T\nlang: en\ntags: [a] x\n---\nB\n", 0, HD_EPARSE,
         "unexpected text"},
        {"---\nid: kb-x\ntitle: T\nlang: en\ntags:\n  - \n---\nB\n", 0, HD_EPARSE,
         "e.md:6: empty tag"},
        {"---\nid: kb-x\ntitle: T\nlang: en\ntags:\n  nested: x\n---\nB\n", 0, HD_EPARSE,
         "e.md:6: unexpected indented line"},
        {"---\nid:kb-x\ntitle: T\nlang: en\n---\nB\n", 0, HD_EPARSE, "e.md:2: expected 'key"},
    };
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(cases); i++) {
        hd_kb_article *a = (hd_kb_article *)&a; /* must be reset to NULL */
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
        int rc = hd_kb_parse(&a, "e.md", cases[i].text, len);

        if (rc != cases[i].code || a != NULL || strstr(hd_error_last(), cases[i].detail) == NULL)
            FAIL_AT("case %zu: rc %d, detail \"%s\", want %d and \"%s\"", i, rc, hd_error_last(),
                    cases[i].code, cases[i].detail);
    }
}

static void test_kb__parse_too_big(void)
{
    size_t len = 1024 * 1024 + 1;
    char *text = malloc(len);
    hd_kb_article *a = NULL;
    int rc;

    ASSERT(text != NULL);
    memset(text, 'x', len);
    memcpy(text, "---\nid: kb-big\ntitle: Big\nlang: en\n---\n", 39);
    rc = hd_kb_parse(&a, "big.md", text, len);
    ASSERT_INT_EQ(rc, HD_ETOOBIG);
    ASSERT(a == NULL);
    ASSERT(strstr(hd_error_last(), "big.md") != NULL);
    /* Exactly at the limit is accepted. */
    ASSERT_OK(hd_kb_parse(&a, "big.md", text, len - 1));
    ASSERT_INT_EQ(strlen(a->body), len - 1 - 39);
    hd_kb_article_free(a);
    free(text);
}

/* ---- import ----------------------------------------------------------- */

static void test_kb__import_dir(void)
{
    hd_store *st = open_store();
    hd_kb_import_stats stats;
    hd_kb_article *a = NULL;
    int64_t n = 0;

    ASSERT(st != NULL);
    ASSERT_OK(hd_kb_import_dir(st, fixture("good"), &stats, NOW));
    ASSERT_INT_EQ(stats.added, 7);
    ASSERT_INT_EQ(stats.updated + stats.unchanged + stats.removed, 0);
    ASSERT_OK(hd_kb_count(st, &n));
    ASSERT_INT_EQ(n, 7);

    ASSERT_OK(hd_kb_get(st, "kb-vpn-connect", &a));
    ASSERT_STR_EQ(a->title, "Connect to the VPN from home");
    ASSERT_STR_EQ(a->category, "network");
    ASSERT_STR_EQ(a->lang, "en");
    ASSERT_INT_EQ(a->n_tags, 3);
    ASSERT_STR_EQ(a->tags[1], "remote access");
    ASSERT(strncmp(a->body, "# Connect to the VPN", 20) == 0);
    hd_kb_article_free(a);
    a = NULL;
    ASSERT_OK(hd_kb_get(st, "kb-network-ports", &a));
    ASSERT(a->category != NULL);
    ASSERT_INT_EQ(a->n_tags, 0);
    hd_kb_article_free(a);
    a = NULL;
    ASSERT_INT_EQ(hd_kb_get(st, "kb-missing", &a), HD_ENOTFOUND);
    ASSERT(a == NULL);

    /* The same folder again changes nothing. */
    ASSERT_OK(hd_kb_import_dir(st, fixture("good"), &stats, NOW + 10));
    ASSERT_INT_EQ(stats.unchanged, 7);
    ASSERT_INT_EQ(stats.added + stats.updated + stats.removed, 0);
    ASSERT_INT_EQ(hd_kb_import_dir(st, fixture("no-such-dir"), NULL, NOW), HD_EIO);
    close_store(st);
}

static void test_kb__reimport_updates_and_removes(void)
{
    hd_store *st = open_store();
    hd_kb_import_stats stats;
    hd_kb_article *a = NULL;
    hd_kb_hit *hits = NULL;
    size_t n_hits = 0;
    char dir[4200], path[4300];
    int64_t vpn_id, n;
    const char *text;

    ASSERT(st != NULL);
    snprintf(dir, sizeof(dir), "%s/kb", tmp_dir);
    ASSERT(copy_fixture("good", dir) == 0);
    ASSERT_OK(hd_kb_import_dir(st, dir, &stats, NOW));
    ASSERT_INT_EQ(stats.added, 7);
    ASSERT_OK(hd_kb_get(st, "kb-vpn-connect", &a));
    vpn_id = a->id;
    hd_kb_article_free(a);
    a = NULL;
    ASSERT_OK(hd_kb_feedback(st, "kb-vpn-connect", 0, 1, NOW));
    ASSERT_OK(hd_kb_feedback(st, "kb-printer-jam", 0, 0, NOW));

    /* Change the VPN article's title, delete the printer article. */
    snprintf(path, sizeof(path), "%s/vpn-connect.md", dir);
    text = "---\nid: kb-vpn-connect\ntitle: Connect to the VPN with Zscaler\nlang: en\n---\n"
           "Open Zscaler and sign in.\n";
    ASSERT(write_file(path, text, strlen(text)) == 0);
    snprintf(path, sizeof(path), "%s/printer-jam.md", dir);
    ASSERT(unlink(path) == 0);

    ASSERT_OK(hd_kb_import_dir(st, dir, &stats, NOW + 60));
    ASSERT_INT_EQ(stats.added, 0);
    ASSERT_INT_EQ(stats.updated, 1);
    ASSERT_INT_EQ(stats.removed, 1);
    ASSERT_INT_EQ(stats.unchanged, 5);
    ASSERT_OK(hd_kb_count(st, &n));
    ASSERT_INT_EQ(n, 6);

    ASSERT_OK(hd_kb_get(st, "kb-vpn-connect", &a));
    ASSERT_INT_EQ(a->id, vpn_id);
    ASSERT_STR_EQ(a->title, "Connect to the VPN with Zscaler");
    hd_kb_article_free(a);
    a = NULL;
    ASSERT_INT_EQ(count_feedback(st, vpn_id), 1);
    ASSERT_INT_EQ(hd_kb_get(st, "kb-printer-jam", &a), HD_ENOTFOUND);

    /* The index follows: the new title word is found, the removed article is not. */
    ASSERT_OK(hd_kb_search(st, "zscaler", NULL, 5, &hits, &n_hits));
    ASSERT(n_hits >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-vpn-connect");
    hd_kb_hits_free(hits, n_hits);
    ASSERT_OK(hd_kb_search(st, "jammed sheet", "en", 5, &hits, &n_hits));
    ASSERT_INT_EQ(n_hits, 0);
    ASSERT(hits == NULL);
    close_store(st);
}

/* Snapshot of the articles table, to prove a failed import changed nothing. */
static char *kb_snapshot(hd_store *st)
{
    sqlite3_stmt *s;
    char *out = NULL;

    if (sqlite3_prepare_v2(hd_store_db(st),
                           "SELECT group_concat(id || slug || title || checksum || updated_at, '|')"
                           " FROM (SELECT * FROM kb_articles ORDER BY id)",
                           -1, &s, NULL) != SQLITE_OK)
        return NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
        out = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return out;
}

static void test_kb__broken_dir_leaves_kb_untouched(void)
{
    hd_store *st = open_store();
    hd_kb_import_stats stats = {1, 1, 1, 1};
    char *before, *after;
    int64_t n = 0;
    int rc;

    ASSERT(st != NULL);
    ASSERT_OK(hd_kb_import_dir(st, fixture("good"), NULL, NOW));
    before = kb_snapshot(st);
    ASSERT(before != NULL);

    rc = hd_kb_import_dir(st, fixture("broken"), &stats, NOW + 60);
    ASSERT_INT_EQ(rc, HD_EPARSE);
    ASSERT(strstr(hd_error_last(), "bad-no-close.md:") != NULL);
    ASSERT_INT_EQ(stats.added + stats.updated + stats.unchanged + stats.removed, 0);
    after = kb_snapshot(st);
    ASSERT(after != NULL && strcmp(before, after) == 0);
    free(after);

    rc = hd_kb_import_dir(st, fixture("dup"), NULL, NOW + 60);
    ASSERT_INT_EQ(rc, HD_EEXISTS);
    ASSERT(strstr(hd_error_last(), "a-first.md") != NULL);
    ASSERT(strstr(hd_error_last(), "b-second.md") != NULL);
    ASSERT(strstr(hd_error_last(), "kb-same") != NULL);
    after = kb_snapshot(st);
    ASSERT(after != NULL && strcmp(before, after) == 0);
    free(after);
    free(before);

    ASSERT_OK(hd_kb_count(st, &n));
    ASSERT_INT_EQ(n, 7);
    close_store(st);
}

static void test_kb__import_files_from_memory(void)
{
    hd_store *st = open_store();
    const char *names[] = {"kb/one.md", "kb/two.md"};
    const char *texts[] = {"---\nid: one\ntitle: One\nlang: en\n---\nFirst.\n",
                           "---\nid: two\ntitle: Two\nlang: en\n---\nSecond.\n"};
    size_t lens[2];
    hd_kb_import_stats stats;
    int64_t n = 0;

    ASSERT(st != NULL);
    lens[0] = strlen(texts[0]);
    lens[1] = strlen(texts[1]);
    ASSERT_OK(hd_kb_import_files(st, names, texts, lens, 2, &stats, NOW));
    ASSERT_INT_EQ(stats.added, 2);
    ASSERT_OK(hd_kb_import_files(st, names, texts, lens, 1, &stats, NOW));
    ASSERT_INT_EQ(stats.unchanged, 1);
    ASSERT_INT_EQ(stats.removed, 1);
    ASSERT_OK(hd_kb_count(st, &n));
    ASSERT_INT_EQ(n, 1);
    /* An empty set empties the knowledge base. */
    ASSERT_OK(hd_kb_import_files(st, names, texts, lens, 0, &stats, NOW));
    ASSERT_INT_EQ(stats.removed, 1);
    ASSERT_OK(hd_kb_count(st, &n));
    ASSERT_INT_EQ(n, 0);
    close_store(st);
}

/* ---- search ----------------------------------------------------------- */

static hd_store *open_good(void)
{
    hd_store *st = open_store();

    if (st != NULL && hd_kb_import_dir(st, fixture("good"), NULL, NOW) != 0) {
        fprintf(stderr, "import: %s\n", hd_error_last());
        close_store(st);
        return NULL;
    }
    return st;
}

static void test_kb__search_english(void)
{
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0, i;

    ASSERT(st != NULL);
    /* Case folding and stemming: "Printers" finds "printer". */
    ASSERT_OK(hd_kb_search(st, "Printers", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-printer-jam");
    ASSERT_STR_EQ(hits[0].lang, "en");
    ASSERT_STR_EQ(hits[0].category, "hardware");
    ASSERT(hits[0].score < 0);
    ASSERT(strstr(hits[0].snippet, "printer") != NULL);
    for (i = 0; i < n; i++)
        ASSERT(valid_utf8(hits[i].snippet));
    hd_kb_hits_free(hits, n);

    /* "connecting" finds "Connect" in the title. */
    ASSERT_OK(hd_kb_search(st, "connecting", "en", 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-vpn-connect");
    hd_kb_hits_free(hits, n);

    /* A sentence: stop words are dropped, the rest must all match first. */
    ASSERT_OK(hd_kb_search(st, "How do I connect to the VPN?", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-vpn-connect");
    hd_kb_hits_free(hits, n);

    /* Tags are searched: "globalprotect" is only a tag and in the body. */
    ASSERT_OK(hd_kb_search(st, "GLOBALPROTECT", NULL, 5, &hits, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-vpn-connect");
    hd_kb_hits_free(hits, n);

    /* No article has both words: the OR pass still returns both articles. */
    ASSERT_OK(hd_kb_search(st, "printer vpn", NULL, 10, &hits, &n));
    ASSERT(hit_index(hits, n, "kb-printer-jam") >= 0);
    ASSERT(hit_index(hits, n, "kb-vpn-connect") >= 0);
    for (i = 0; i < n; i++)
        ASSERT(hit_index(hits, n, hits[i].slug) == (int)i); /* no duplicates */
    hd_kb_hits_free(hits, n);

    /* Apostrophes: "printer's" is "printer". */
    ASSERT_OK(hd_kb_search(st, "printer\xE2\x80\x99s door", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-printer-jam");
    hd_kb_hits_free(hits, n);

    /* The limit is honoured. */
    ASSERT_OK(hd_kb_search(st, "network office printer vpn", NULL, 2, &hits, &n));
    ASSERT_INT_EQ(n, 2);
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "printer", NULL, 0, &hits, &n));
    ASSERT_INT_EQ(n, 0);
    ASSERT_INT_EQ(hd_kb_search(st, NULL, NULL, 5, &hits, &n), HD_EINVAL);
    close_store(st);
}

static void test_kb__search_chinese(void)
{
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0;

    ASSERT(st != NULL);
    ASSERT_OK(hd_kb_search(st, "密码", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-password-reset-zh");
    ASSERT_STR_EQ(hits[0].title, "重置密码");
    ASSERT(valid_utf8(hits[0].snippet));
    ASSERT(strstr(hits[0].snippet, "密码") != NULL);
    hd_kb_hits_free(hits, n);

    ASSERT_OK(hd_kb_search(st, "打印", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-printer-jam-zh");
    ASSERT_STR_EQ(hits[0].title, "打印机卡纸");
    hd_kb_hits_free(hits, n);

    /* A question typed as one run of characters, with full-width punctuation. */
    ASSERT_OK(hd_kb_search(st, "我的打印机卡纸了，怎么办？", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-printer-jam-zh");
    hd_kb_hits_free(hits, n);

    /* One character: found inside a bigram and at the end of a run. */
    ASSERT_OK(hd_kb_search(st, "纸", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-printer-jam-zh");
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "置", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-password-reset-zh");
    hd_kb_hits_free(hits, n);

    /* Mixed Chinese and English. */
    ASSERT_OK(hd_kb_search(st, "Outlook无法连接", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-outlook-zh");
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "IT服务台", "zh", 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-printer-jam-zh");
    hd_kb_hits_free(hits, n);

    /* Full-width Latin letters fold to ASCII. */
    ASSERT_OK(hd_kb_search(st,
                           "\xEF\xBC\xAF\xEF\xBD\x95\xEF\xBD\x94\xEF\xBD\x8C\xEF\xBD\x8F"
                           "\xEF\xBD\x8F\xEF\xBD\x8B", /* Ｏｕｔｌｏｏｋ */
                           NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-outlook-zh");
    hd_kb_hits_free(hits, n);
    close_store(st);
}

static void test_kb__search_title_outranks_body(void)
{
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0;

    ASSERT(st != NULL);
    /* kb-firewall-exception has it in its title, kb-network-ports only in its body. */
    ASSERT_OK(hd_kb_search(st, "firewall", NULL, 5, &hits, &n));
    ASSERT_INT_EQ(n, 2);
    ASSERT_STR_EQ(hits[0].slug, "kb-firewall-exception");
    ASSERT_STR_EQ(hits[1].slug, "kb-network-ports");
    ASSERT(hits[0].score < hits[1].score);
    hd_kb_hits_free(hits, n);
    close_store(st);
}

/* Title above tags above body, for otherwise similar articles. */
static void test_kb__search_weights(void)
{
    hd_store *st = open_store();
    const char *names[] = {"body.md", "tags.md", "title.md"};
    const char *texts[] = {
        "---\nid: in-body\ntitle: Cartridge care\nlang: en\ntags: [ink]\n---\n"
        "Shake the toner gently before you insert it.\n",
        "---\nid: in-tags\ntitle: Cartridge swap\nlang: en\ntags: [toner]\n---\n"
        "Shake the new cartridge gently before you insert it.\n",
        "---\nid: in-title\ntitle: Toner swap\nlang: en\ntags: [ink]\n---\n"
        "Shake the new cartridge gently before you insert it.\n",
    };
    size_t lens[3], i;
    hd_kb_hit *hits = NULL;
    size_t n = 0;

    ASSERT(st != NULL);
    for (i = 0; i < 3; i++)
        lens[i] = strlen(texts[i]);
    ASSERT_OK(hd_kb_import_files(st, names, texts, lens, 3, NULL, NOW));
    ASSERT_OK(hd_kb_search(st, "toner", NULL, 5, &hits, &n));
    ASSERT_INT_EQ(n, 3);
    ASSERT_STR_EQ(hits[0].slug, "in-title");
    ASSERT_STR_EQ(hits[1].slug, "in-tags");
    ASSERT_STR_EQ(hits[2].slug, "in-body");
    ASSERT(hits[0].score < hits[1].score && hits[1].score < hits[2].score);
    hd_kb_hits_free(hits, n);
    close_store(st);
}

/* FTS5's own bm25() for article `id` and the MATCH expression `match`. */
static double sql_bm25(hd_store *st, const char *match, int64_t id)
{
    sqlite3_stmt *s;
    double v = 1e9;

    if (sqlite3_prepare_v2(hd_store_db(st),
                           "SELECT bm25(kb_fts, 10.0, 1.0, 4.0) FROM kb_fts"
                           " WHERE kb_fts MATCH ?1 AND rowid = ?2",
                           -1, &s, NULL) != SQLITE_OK)
        return v;
    sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_double(s, 0);
    sqlite3_finalize(s);
    return v;
}

/*
 * On a small knowledge base the ranking is exactly FTS5's bm25(kb_fts, 10,
 * 1, 4): for the articles with all terms, then for those with any.
 */
static void test_kb__search_scores_are_bm25(void)
{
    static const struct {
        const char *text, *all, *any;
    } cases[] = {
        {"printer", "\"printer\"", "\"printer\""},
        {"Connecting VPN", "\"connecting\" \"vpn\"", "\"connecting\" OR \"vpn\""},
        {"密码", "\"密码\"", "\"密码\""},
        {"firewall", "\"firewall\"", "\"firewall\""},
        {"network team exception", "\"network\" \"team\" \"exception\"",
         "\"network\" OR \"team\" OR \"exception\""},
    };
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0, i, k;
    char why[256];

    ASSERT(st != NULL);
    for (i = 0; i < HD_ARRAY_SIZE(cases); i++) {
        int in_all = 1;

        ASSERT_OK(hd_kb_search(st, cases[i].text, NULL, 10, &hits, &n));
        ASSERT(n >= 1);
        why[0] = '\0';
        for (k = 0; k < n && why[0] == '\0'; k++) {
            double want = sql_bm25(st, cases[i].all, hits[k].id), diff;

            if (want > 1e8) {
                in_all = 0; /* from here on, hits of the OR pass */
                want = sql_bm25(st, cases[i].any, hits[k].id);
            } else if (!in_all) {
                snprintf(why, sizeof(why), "%s: %s has all terms but comes after one that has not",
                         cases[i].text, hits[k].slug);
            }
            diff = want - hits[k].score;
            if (diff > 1e-9 || diff < -1e-9)
                snprintf(why, sizeof(why), "%s: %s scored %.12f, bm25() %.12f", cases[i].text,
                         hits[k].slug, hits[k].score, want);
            if (k > 0 && in_all && hits[k].score < hits[k - 1].score)
                snprintf(why, sizeof(why), "%s: hits out of order", cases[i].text);
        }
        hd_kb_hits_free(hits, n);
        if (why[0] != '\0')
            FAIL_AT("%s", why);
    }
    close_store(st);
}

/*
 * More matches than one pass ranks (a broad query over a large knowledge
 * base): articles with the word in the title still come first, with or
 * without a language filter, and the result is bounded, not an error.
 */
static void test_kb__search_broad_query(void)
{
    enum { N = 1200 };
    hd_store *st = open_store();
    char **names = calloc(N, sizeof(*names)), **texts = calloc(N, sizeof(*texts));
    size_t *lens = calloc(N, sizeof(*lens)), i, n = 0;
    hd_kb_hit *hits = NULL;
    int64_t count = 0;
    int rc;

    ASSERT(st != NULL && names != NULL && texts != NULL && lens != NULL);
    for (i = 0; i < N; i++) {
        names[i] = malloc(32);
        texts[i] = malloc(256);
        ASSERT(names[i] != NULL && texts[i] != NULL);
        snprintf(names[i], 32, "a%04zu.md", i);
        /* Every article has "toner" in its body; every 50th in its title too. */
        lens[i] = (size_t)snprintf(texts[i], 256,
                                   "---\nid: a%04zu\ntitle: %s %zu\nlang: %s\n---\n"
                                   "Replace the toner cartridge of printer %zu carefully.\n",
                                   i, i % 50 == 7 ? "Toner refill" : "Office note", i,
                                   i % 3 == 0 ? "zh" : "en", i);
    }
    rc = hd_kb_import_files(st, (const char *const *)names, (const char *const *)texts, lens, N,
                            NULL, NOW);
    for (i = 0; i < N; i++) {
        free(names[i]);
        free(texts[i]);
    }
    free(names);
    free(texts);
    free(lens);
    ASSERT_OK(rc);
    ASSERT_OK(hd_kb_count(st, &count));
    ASSERT_INT_EQ(count, N);

    ASSERT_OK(hd_kb_search(st, "toner", NULL, 5, &hits, &n));
    ASSERT_INT_EQ(n, 5);
    for (i = 0; i < n; i++)
        ASSERT(strncmp(hits[i].title, "Toner refill", 12) == 0);
    hd_kb_hits_free(hits, n);

    ASSERT_OK(hd_kb_search(st, "toner cartridge", "en", 5, &hits, &n));
    ASSERT_INT_EQ(n, 5);
    for (i = 0; i < n; i++) {
        ASSERT_STR_EQ(hits[i].lang, "en");
        ASSERT(strncmp(hits[i].title, "Toner refill", 12) == 0);
    }
    hd_kb_hits_free(hits, n);

    /* Nothing in that language: no hits, quickly, no error. */
    ASSERT_OK(hd_kb_search(st, "toner", "de", 5, &hits, &n));
    ASSERT_INT_EQ(n, 0);
    /* A word in every article and one in none: the OR pass fills up. */
    ASSERT_OK(hd_kb_search(st, "toner zebra", NULL, 3, &hits, &n));
    ASSERT_INT_EQ(n, 3);
    hd_kb_hits_free(hits, n);
    close_store(st);
}

/* A query of nothing but stop words still searches for them. */
static void test_kb__search_stop_words(void)
{
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0;

    ASSERT(st != NULL);
    ASSERT_OK(hd_kb_search(st, "the", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "how do I", NULL, 5, &hits, &n));
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "的 了", NULL, 5, &hits, &n));
    hd_kb_hits_free(hits, n);
    close_store(st);
}

static void test_kb__search_lang_filter(void)
{
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0, i;

    ASSERT(st != NULL);
    ASSERT_OK(hd_kb_search(st, "outlook", "zh", 5, &hits, &n));
    ASSERT_INT_EQ(n, 1);
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "outlook", "en", 5, &hits, &n));
    ASSERT_INT_EQ(n, 0);
    ASSERT_OK(hd_kb_search(st, "printer 打印", "en", 5, &hits, &n));
    ASSERT(n >= 1);
    for (i = 0; i < n; i++)
        ASSERT_STR_EQ(hits[i].lang, "en");
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "printer 打印", NULL, 5, &hits, &n));
    ASSERT(hit_index(hits, n, "kb-printer-jam") >= 0);
    ASSERT(hit_index(hits, n, "kb-printer-jam-zh") >= 0);
    hd_kb_hits_free(hits, n);
    close_store(st);
}

static void test_kb__search_hostile(void)
{
    /* clang-format off */
    static const char *const queries[] = {
        "\"", "\"\"", "\"unbalanced", "NEAR(a b)", "a AND", "OR", "AND", "NOT", "NEAR",
        "NOT printer", "*", "print*", "-vpn", "(vpn", "vpn)", "title:vpn", "^vpn", "{a b}",
        "{title body}: vpn", "vpn + printer", "a OR OR b", "\"vpn\" NEAR/2 \"printer\"", ":",
        "...!!!???", "，。？！、「」", "\xF0\x9F\x98\x80\xF0\x9F\x96\xA8", /* 😀🖨 */
        "\xFF\xFE\xC3", "vpn\xC3", "\xE5\xAF", "\xED\xA0\x80", /* surrogate */
        "\xC0\xAF", "\xF4\x90\x80\x80", "'", "'''s", "a'", "x\\y", "\x01\x02\t\n", "",
        "NEAR/3", "vpn*", "printer^", "@vpn #printer $x %y",
    };
    /* clang-format on */
    hd_store *st = open_good();
    hd_kb_hit *hits = NULL;
    size_t n = 0, i, big_len = 100 * 1024;
    char *big;

    ASSERT(st != NULL);
    for (i = 0; i < HD_ARRAY_SIZE(queries); i++) {
        int rc = hd_kb_search(st, queries[i], NULL, 5, &hits, &n);

        if (rc != 0)
            FAIL_AT("query %zu \"%s\": %d %s", i, queries[i], rc, hd_error_last());
        hd_kb_hits_free(hits, n);
    }

    /* Operators are words: "NOT printer" still finds the printer article. */
    ASSERT_OK(hd_kb_search(st, "NOT printer", NULL, 5, &hits, &n));
    ASSERT(hit_index(hits, n, "kb-printer-jam") >= 0);
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "-vpn", NULL, 5, &hits, &n));
    ASSERT(n >= 1);
    ASSERT_STR_EQ(hits[0].slug, "kb-vpn-connect");
    hd_kb_hits_free(hits, n);
    ASSERT_OK(hd_kb_search(st, "title:vpn", NULL, 5, &hits, &n));
    ASSERT(hit_index(hits, n, "kb-vpn-connect") >= 0);
    hd_kb_hits_free(hits, n);

    /* Nothing to search for: no hits, no error. */
    ASSERT_OK(hd_kb_search(st, "?!.,;:()[]{}<>", NULL, 5, &hits, &n));
    ASSERT_INT_EQ(n, 0);
    ASSERT_OK(hd_kb_search(st, "\xF0\x9F\x98\x80", NULL, 5, &hits, &n));
    ASSERT_INT_EQ(n, 0);

    /* 100 KB of text, words and operators. */
    big = malloc(big_len + 1);
    ASSERT(big != NULL);
    for (i = 0; i < big_len; i++)
        big[i] = "vpn OR \"NEAR( printer* -x ^y"[i % 28];
    big[big_len] = '\0';
    if (hd_kb_search(st, big, NULL, 5, &hits, &n) != 0) {
        free(big);
        FAIL_AT("100 KB query: %s", hd_error_last());
    }
    hd_kb_hits_free(hits, n);
    /* 100 KB of one word, and of Chinese. */
    memset(big, 'a', big_len);
    ASSERT_OK(hd_kb_search(st, big, NULL, 5, &hits, &n));
    hd_kb_hits_free(hits, n);
    for (i = 0; i + 3 <= big_len; i += 3)
        memcpy(big + i, "打", 3);
    big[i] = '\0';
    ASSERT_OK(hd_kb_search(st, big, NULL, 5, &hits, &n));
    hd_kb_hits_free(hits, n);
    free(big);
    close_store(st);
}

static void test_kb__feedback(void)
{
    hd_store *st = open_good();
    hd_kb_article *a = NULL;

    ASSERT(st != NULL);
    ASSERT_OK(hd_kb_get(st, "kb-vpn-connect", &a));
    ASSERT_INT_EQ(count_feedback(st, a->id), 0);
    ASSERT_OK(hd_kb_feedback(st, "kb-vpn-connect", 0, 1, NOW));
    ASSERT_OK(hd_kb_feedback(st, "kb-vpn-connect", 0, 0, NOW + 1));
    ASSERT_INT_EQ(count_feedback(st, a->id), 2);
    ASSERT_INT_EQ(hd_kb_feedback(st, "kb-missing", 0, 1, NOW), HD_ENOTFOUND);
    ASSERT_INT_EQ(hd_kb_feedback(st, "kb-vpn-connect", 0, 2, NOW), HD_EINVAL);
    ASSERT_INT_EQ(hd_kb_feedback(st, "kb-vpn-connect", 424242, 1, NOW), HD_ENOTFOUND);
    ASSERT_INT_EQ(count_feedback(st, a->id), 2);
    hd_kb_article_free(a);
    close_store(st);
}

/* ---- tokenizer -------------------------------------------------------- */

static void test_kb__tokenizer(void)
{
    hd_store *st = open_store();
    const char *t;
    char longword[200];

    ASSERT(st != NULL);
    t = tokens_of(st, "deskbot", "Hello, WORLD! Wi-Fi 192.168.1.1 ÉCOLE Ĳssel Straße");
    ASSERT(t != NULL);
    ASSERT_STR_EQ(t, "hello@0 world@1 wi@2 fi@3 192@4 168@5 1@6 1@7 école@8 ĳssel@9 straße@10");

    t = tokens_of(st, "deskbot", "don't printer's it’s o'neil 'quoted' x'");
    ASSERT_STR_EQ(t, "dont@0 printer@1 it@2 oneil@3 quoted@4 x@5");

    /* Bigrams at consecutive positions, each character colocated with its bigram. */
    t = tokens_of(st, "deskbot", "重置密码");
    ASSERT_STR_EQ(t, "重@0 重置@0 置@1 置密@1 密@2 密码@2 码@2");
    t = tokens_of(st, "deskbot", "密");
    ASSERT_STR_EQ(t, "密@0");

    /* CJK punctuation separates runs; Latin inside CJK is its own word. */
    t = tokens_of(st, "deskbot", "打印机，卡纸。用VPN连接「网」");
    ASSERT_STR_EQ(t,
                  "打@0 打印@0 印@1 印机@1 机@1 卡@2 卡纸@2 纸@2 用@3 vpn@4 接@5 连@5 连接@5 网@6");

    /* Kana (with the prolonged sound mark) and Hangul. */
    t = tokens_of(st, "deskbot", "プリンター 비밀번호");
    ASSERT_STR_EQ(t, "プ@0 プリ@0 リ@1 リン@1 ン@2 ンタ@2 タ@3 ター@3 ー@3 비@4 비밀@4 밀@5 밀번@5 "
                     "번@6 번호@6 호@6");

    /* Han Extension A and compatibility ideographs count as Han. */
    t = tokens_of(st, "deskbot", "\xE3\x90\x80\xEF\xA4\x80"); /* U+3400 U+F900 */
    ASSERT_STR_EQ(t, "\xE3\x90\x80@0 \xE3\x90\x80\xEF\xA4\x80@0 \xEF\xA4\x80@0");

    /* Invalid UTF-8 separates tokens and is never part of one. */
    t = tokens_of(st, "deskbot",
                  "ab\xFF"
                  "cd\xC3"
                  "ef\xE5\xAF"
                  "gh\xED\xA0\x80ij");
    ASSERT_STR_EQ(t, "ab@0 cd@1 ef@2 gh@3 ij@4");

    /* Emoji and symbols separate; variation selectors and ZWJ are ignored. */
    t = tokens_of(st, "deskbot",
                  "vpn\xF0\x9F\x98\x80ok 密\xEF\xB8\x80码 a\xE2\x80\x8D"
                  "b");
    ASSERT_STR_EQ(t, "vpn@0 ok@1 密@2 密码@2 码@2 ab@3");

    /* Long words are cut at 64 bytes, on a character boundary. */
    memset(longword, 'x', sizeof(longword));
    memcpy(longword + 63, "é", 2); /* would straddle the limit */
    longword[150] = ' ';
    memcpy(longword + 151, "end", 4);
    t = tokens_of(st, "deskbot", longword);
    ASSERT(t != NULL);
    memset(longword, 'x', 63);
    memcpy(longword + 63, "@0 end@1", 9);
    ASSERT_STR_EQ(t, longword);

    /* Through porter, as the schema uses it: English is stemmed, CJK untouched. */
    t = tokens_of(st, "porter deskbot", "Printers connecting 打印机");
    ASSERT_STR_EQ(t, "printer@0 connect@1 打@2 打印@2 印@3 印机@3 机@3");
    close_store(st);
}

int main(void)
{
    RUN(test_kb__parse_plain);
    RUN(test_kb__parse_quoted);
    RUN(test_kb__parse_inline_tags);
    RUN(test_kb__parse_block_tags);
    RUN(test_kb__parse_crlf_and_bom);
    RUN(test_kb__parse_errors);
    RUN(test_kb__parse_too_big);
    RUN(test_kb__import_dir);
    RUN(test_kb__reimport_updates_and_removes);
    RUN(test_kb__broken_dir_leaves_kb_untouched);
    RUN(test_kb__import_files_from_memory);
    RUN(test_kb__search_english);
    RUN(test_kb__search_chinese);
    RUN(test_kb__search_title_outranks_body);
    RUN(test_kb__search_weights);
    RUN(test_kb__search_lang_filter);
    RUN(test_kb__search_scores_are_bm25);
    RUN(test_kb__search_broad_query);
    RUN(test_kb__search_stop_words);
    RUN(test_kb__search_hostile);
    RUN(test_kb__feedback);
    RUN(test_kb__tokenizer);
    return harness_result();
}
