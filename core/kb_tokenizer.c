/*
 * kb_tokenizer.c - the FTS5 extensions behind kb_fts: the "deskbot"
 * tokenizer, and the deskbot_rank() and deskbot_columns() auxiliary
 * functions that kb.c ranks with (described where they are defined). All
 * are registered on each connection by hd_kb__tokenizer_register().
 *
 * The knowledge base holds English and Chinese (and some Japanese or
 * Korean) text, so one tokenizer has to serve both kinds of script:
 *
 * - Letters and digits (Latin, Greek, Cyrillic, ...) form words separated
 *   by anything else. Words are case-folded (ASCII, Latin-1, Latin
 *   Extended-A and Additional, basic Greek and Cyrillic, full-width forms)
 *   so the "porter" tokenizer that wraps this one in the schema can stem
 *   them. An apostrophe between letters joins the word ("don't" gives
 *   "dont") and a trailing "'s" is dropped ("printer's" gives "printer").
 *   A word longer than TOKEN_MAX bytes is cut at the last whole character
 *   that fits; the rest of the word is skipped.
 * - Han, Kana and Hangul have no spaces between words. A run of them is
 *   emitted as overlapping bigrams at consecutive positions ("重置密码" gives
 *   重置 置密 密码), a run of one character as that character. In documents
 *   each character is also emitted as a synonym (FTS5_TOKEN_COLOCATED) of
 *   the bigram it starts, the last one with the last bigram, so that a query
 *   of one character finds every occurrence of it with a plain index
 *   lookup. Queries never get those extra tokens, so a query's bigrams still
 *   form a phrase at consecutive positions.
 * - Everything else (punctuation of every script, symbols, emoji, invalid
 *   UTF-8) separates tokens. Malformed bytes are consumed one at a time and
 *   never read past the end of the text.
 *
 * Byte offsets reported to FTS5 always fall on character boundaries, so
 * snippet() output stays valid UTF-8.
 */
#include "kb_tokenizer.h"

#include "hd/utf8.h"

#include "hd/common.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The longest token in bytes; FTS5's porter stemmer leaves longer ones alone too. */
#define TOKEN_MAX 64

enum char_class {
    C_SEP,    /* separates tokens */
    C_WORD,   /* letter or digit of a space-separated script */
    C_CJK,    /* Han, Kana, Hangul: bigrammed */
    C_APOS,   /* apostrophe: joins letters of one word */
    C_IGNORE, /* invisible: dropped without breaking a token */
};

struct char_range {
    uint32_t lo, hi;
    unsigned char cls;
};

/*
 * Classes of code points from U+0080 up, sorted and disjoint. A code point
 * in no range is a letter (C_WORD): most of the BMP outside these blocks
 * belongs to alphabetic scripts.
 */
static const struct char_range ranges[] = {
    {0x0080, 0x00A9, C_SEP},      /* C1 controls, Latin-1 punctuation */
    {0x00AB, 0x00AC, C_SEP},      /* « ¬ */
    {0x00AD, 0x00AD, C_IGNORE},   /* soft hyphen */
    {0x00AE, 0x00B4, C_SEP},      /* ® ¯ ° ± ² ³ ´ */
    {0x00B6, 0x00B9, C_SEP},      /* ¶ · ¸ ¹ */
    {0x00BB, 0x00BF, C_SEP},      /* » ¼ ½ ¾ ¿ */
    {0x00D7, 0x00D7, C_SEP},      /* × */
    {0x00F7, 0x00F7, C_SEP},      /* ÷ */
    {0x02BC, 0x02BC, C_APOS},     /* modifier letter apostrophe */
    {0x037E, 0x037E, C_SEP},      /* Greek question mark */
    {0x0387, 0x0387, C_SEP},      /* Greek ano teleia */
    {0x055A, 0x055F, C_SEP},      /* Armenian punctuation */
    {0x0589, 0x058A, C_SEP},      /* Armenian full stop, hyphen */
    {0x05BE, 0x05BE, C_SEP},      /* Hebrew maqaf */
    {0x05C0, 0x05C0, C_SEP},      /* Hebrew paseq */
    {0x05C3, 0x05C3, C_SEP},      /* Hebrew sof pasuq */
    {0x05F3, 0x05F4, C_SEP},      /* Hebrew geresh, gershayim */
    {0x0600, 0x060F, C_SEP},      /* Arabic signs and punctuation */
    {0x061B, 0x061F, C_SEP},      /* Arabic semicolon ... question mark */
    {0x066A, 0x066D, C_SEP},      /* Arabic percent ... five pointed star */
    {0x06D4, 0x06D4, C_SEP},      /* Arabic full stop */
    {0x0964, 0x0965, C_SEP},      /* Devanagari danda */
    {0x0E3F, 0x0E3F, C_SEP},      /* Thai baht */
    {0x0E4F, 0x0E4F, C_SEP},      /* Thai fongman */
    {0x0E5A, 0x0E5B, C_SEP},      /* Thai angkhankhu, khomut */
    {0x1100, 0x11FF, C_CJK},      /* Hangul Jamo */
    {0x1680, 0x1680, C_SEP},      /* Ogham space */
    {0x180E, 0x180E, C_IGNORE},   /* Mongolian vowel separator */
    {0x2000, 0x200B, C_SEP},      /* spaces, zero width space */
    {0x200C, 0x200F, C_IGNORE},   /* ZWNJ, ZWJ, direction marks */
    {0x2010, 0x2018, C_SEP},      /* dashes, quotes */
    {0x2019, 0x2019, C_APOS},     /* right single quotation mark */
    {0x201A, 0x205F, C_SEP},      /* general punctuation */
    {0x2060, 0x206F, C_IGNORE},   /* word joiner, invisible operators */
    {0x2070, 0x2BFF, C_SEP},      /* super/subscripts, currency, arrows, math, shapes, dingbats */
    {0x2E00, 0x2E7F, C_SEP},      /* supplemental punctuation */
    {0x2E80, 0x2FDF, C_CJK},      /* CJK radicals, Kangxi radicals */
    {0x2FE0, 0x3004, C_SEP},      /* ideographic description, CJK space and marks 、。〃 〄 */
    {0x3005, 0x3007, C_CJK},      /* 々 〆 〇 */
    {0x3008, 0x3020, C_SEP},      /* CJK brackets 「」『』【】〜 ... */
    {0x3021, 0x3029, C_CJK},      /* Hangzhou numerals */
    {0x302A, 0x302F, C_IGNORE},   /* ideographic tone marks */
    {0x3030, 0x3030, C_SEP},      /* wavy dash */
    {0x3031, 0x3035, C_CJK},      /* kana repeat marks */
    {0x3036, 0x303A, C_SEP},      /* circled postal mark ... */
    {0x303B, 0x303C, C_CJK},      /* 〻 〼 */
    {0x303D, 0x303F, C_SEP},      /* part alternation mark ... */
    {0x3040, 0x309F, C_CJK},      /* Hiragana */
    {0x30A0, 0x30A0, C_SEP},      /* Katakana-Hiragana double hyphen */
    {0x30A1, 0x30FA, C_CJK},      /* Katakana */
    {0x30FB, 0x30FB, C_SEP},      /* Katakana middle dot */
    {0x30FC, 0x30FF, C_CJK},      /* prolonged sound mark, iteration marks */
    {0x3100, 0x31BF, C_CJK},      /* Bopomofo, Hangul compatibility Jamo, Kanbun */
    {0x31C0, 0x31EF, C_SEP},      /* CJK strokes */
    {0x31F0, 0x31FF, C_CJK},      /* Katakana phonetic extensions */
    {0x3200, 0x33FF, C_SEP},      /* enclosed CJK letters, CJK compatibility */
    {0x3400, 0x4DBF, C_CJK},      /* CJK Unified Ideographs Extension A */
    {0x4DC0, 0x4DFF, C_SEP},      /* Yijing hexagram symbols */
    {0x4E00, 0x9FFF, C_CJK},      /* CJK Unified Ideographs */
    {0xA000, 0xA48F, C_CJK},      /* Yi syllables */
    {0xA490, 0xA4CF, C_SEP},      /* Yi radicals */
    {0xA960, 0xA97F, C_CJK},      /* Hangul Jamo Extended-A */
    {0xAC00, 0xD7FF, C_CJK},      /* Hangul syllables, Jamo Extended-B */
    {0xE000, 0xF8FF, C_SEP},      /* private use */
    {0xF900, 0xFAFF, C_CJK},      /* CJK compatibility ideographs */
    {0xFD3E, 0xFD3F, C_SEP},      /* ornate parentheses */
    {0xFE00, 0xFE0F, C_IGNORE},   /* variation selectors */
    {0xFE10, 0xFE1F, C_SEP},      /* vertical forms */
    {0xFE30, 0xFE6F, C_SEP},      /* CJK compatibility forms, small form variants */
    {0xFEFF, 0xFEFF, C_IGNORE},   /* byte order mark */
    {0xFF00, 0xFF0F, C_SEP},      /* full-width ！＂＃ ... ／ */
    {0xFF1A, 0xFF20, C_SEP},      /* ： ； ＜ ＝ ＞ ？ ＠ */
    {0xFF3B, 0xFF40, C_SEP},      /* ［ ＼ ］ ＾ ＿ ｀ */
    {0xFF5B, 0xFF65, C_SEP},      /* ｛ ｜ ｝ ～ and half-width CJK punctuation */
    {0xFF66, 0xFFDC, C_CJK},      /* half-width Katakana and Hangul */
    {0xFFDD, 0xFFFF, C_SEP},      /* full-width symbols, specials */
    {0x1B000, 0x1B2FF, C_CJK},    /* Kana supplement and extensions */
    {0x1B300, 0x1FFFF, C_SEP},    /* symbols, emoji, ... */
    {0x20000, 0x3134F, C_CJK},    /* CJK Extensions B-G, compatibility supplement */
    {0x31350, 0xE0000, C_SEP},    /* unassigned planes */
    {0xE0001, 0xE01EF, C_IGNORE}, /* tag characters, variation selectors supplement */
    {0xE01F0, 0x10FFFF, C_SEP},   /* private use planes */
};

static size_t utf8_encode(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

static int classify(uint32_t c)
{
    size_t lo = 0, hi = HD_ARRAY_SIZE(ranges);

    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            return C_WORD;
        return c == '\'' ? C_APOS : C_SEP;
    }
    if (c == HD_UTF8_BAD)
        return C_SEP;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c < ranges[mid].lo)
            hi = mid;
        else if (c > ranges[mid].hi)
            lo = mid + 1;
        else
            return ranges[mid].cls;
    }
    return C_WORD;
}

/* The lower-case form of a letter, for the alphabets users of deskbot write. */
static uint32_t fold(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c < 0x100)
        return (c >= 0xC0 && c <= 0xDE && c != 0xD7) ? c + 32 : c;
    if (c < 0x180) {
        if (c == 0x130) /* İ */
            return 'i';
        if (c == 0x178) /* Ÿ */
            return 0xFF;
        if (c < 0x138 || (c >= 0x14A && c < 0x178))
            return (c & 1) ? c : c + 1;
        if ((c >= 0x139 && c < 0x149) || (c >= 0x179 && c < 0x17F))
            return (c & 1) ? c + 1 : c;
        return c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    if (c == 0x1E9E) /* capital sharp s */
        return 0xDF;
    if ((c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF))
        return (c & 1) ? c : c + 1;
    if (c >= 0xFF10 && c <= 0xFF19)
        return c - 0xFF10 + '0';
    if (c >= 0xFF21 && c <= 0xFF3A)
        return c - 0xFF21 + 'a';
    if (c >= 0xFF41 && c <= 0xFF5A)
        return c - 0xFF41 + 'a';
    return c;
}

typedef int (*token_cb)(void *ctx, int tflags, const char *token, int n, int start, int end);

struct Fts5Tokenizer {
    int unused;
};

/*
 * Read the word starting at text[*pos] (a C_WORD character), emit it and
 * leave *pos after it.
 */
static int emit_word(const unsigned char *s, size_t n, size_t *pos, void *ctx, token_cb cb)
{
    char buf[TOKEN_MAX + 4];
    size_t i = *pos, start = *pos, end = *pos, len = 0;
    int full = 0;

    while (i < n) {
        uint32_t c, next;
        size_t clen = hd_utf8_decode(s + i, n - i, &c), nlen;
        int cls = classify(c);

        if (cls == C_WORD) {
            char enc[4];
            size_t elen = utf8_encode(fold(c), enc);

            if (!full && len + elen <= TOKEN_MAX) {
                memcpy(buf + len, enc, elen);
                len += elen;
                end = i + clen;
            } else {
                full = 1;
            }
            i += clen;
            continue;
        }
        if (cls == C_IGNORE) {
            i += clen;
            continue;
        }
        if (cls != C_APOS || i + clen >= n)
            break;
        /* An apostrophe joins two letters; a final "'s" is dropped. */
        nlen = hd_utf8_decode(s + i + clen, n - i - clen, &next);
        if (classify(next) != C_WORD)
            break;
        if (fold(next) == 's') {
            size_t after = i + clen + nlen;
            uint32_t c2 = HD_UTF8_BAD;

            if (after < n)
                hd_utf8_decode(s + after, n - after, &c2);
            if (classify(c2) != C_WORD) {
                i = after;
                break;
            }
        }
        i += clen;
    }
    *pos = i;
    return cb(ctx, 0, buf, (int)len, (int)start, (int)end);
}

/*
 * Emit the bigrams of the CJK run starting at text[*pos] and leave *pos
 * after it. With `unigrams` (documents) every character is also emitted,
 * colocated with the bigram it starts (the last one with the last bigram).
 */
static int emit_cjk(const unsigned char *s, size_t n, size_t *pos, int unigrams, void *ctx,
                    token_cb cb)
{
    char buf[8];
    size_t i = *pos, prev_start = 0, prev_len = 0, count = 0;
    int rc;

    while (i < n) {
        uint32_t c;
        size_t clen = hd_utf8_decode(s + i, n - i, &c);
        int cls = classify(c);

        if (cls == C_IGNORE) {
            i += clen;
            continue;
        }
        if (cls != C_CJK)
            break;
        if (count > 0) {
            memcpy(buf, s + prev_start, prev_len);
            memcpy(buf + prev_len, s + i, clen);
            rc = cb(ctx, 0, buf, (int)(prev_len + clen), (int)prev_start, (int)(i + clen));
            if (rc == SQLITE_OK && unigrams)
                rc = cb(ctx, FTS5_TOKEN_COLOCATED, (const char *)s + prev_start, (int)prev_len,
                        (int)prev_start, (int)(prev_start + prev_len));
            if (rc != SQLITE_OK)
                return rc;
        }
        prev_start = i;
        prev_len = clen;
        count++;
        i += clen;
    }
    *pos = i;
    if (count == 1 || unigrams)
        return cb(ctx, count == 1 ? 0 : FTS5_TOKEN_COLOCATED, (const char *)s + prev_start,
                  (int)prev_len, (int)prev_start, (int)(prev_start + prev_len));
    return SQLITE_OK;
}

static int tok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int n_text,
                        token_cb cb)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = (text != NULL && n_text > 0) ? (size_t)n_text : 0, i = 0;
    int unigrams = (flags & FTS5_TOKENIZE_QUERY) == 0;
    int rc = SQLITE_OK;

    (void)tok;
    while (i < n && rc == SQLITE_OK) {
        uint32_t c;
        size_t clen = hd_utf8_decode(s + i, n - i, &c);
        int cls = classify(c);

        if (cls == C_WORD)
            rc = emit_word(s, n, &i, ctx, cb);
        else if (cls == C_CJK)
            rc = emit_cjk(s, n, &i, unigrams, ctx, cb);
        else
            i += clen;
    }
    return rc;
}

static int tok_create(void *payload, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)payload;
    (void)argv;
    *out = NULL;
    if (argc != 0)
        return SQLITE_ERROR;
    *out = hd_calloc(1, sizeof(**out));
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *tok)
{
    hd_free(tok);
}

/*
 * deskbot_rank(kb_fts, sizes, min_rowid, max_rowid, weight...) - BM25 as
 * FTS5's bm25() computes it (k1 = 1.2, b = 0.75, one weight per column,
 * lower is better), with two differences that keep a search over a large
 * knowledge base cheap:
 *
 * - `sizes` is the row's kb_fts_docsize.sz, joined in by the query: FTS5's
 *   on-disk format keeps there one varint per column, the column's length
 *   in tokens. Decoding it costs nothing, where xColumnSize() runs a
 *   statement per row. When it is NULL or unreadable, xColumnSize() is used.
 * - bm25() counts the articles containing each phrase by visiting every one
 *   of them, once per query. Here the count stops after DF_SAMPLE articles
 *   and is extrapolated over the rowid range [min_rowid, max_rowid]; below
 *   DF_SAMPLE it is exact, so a small knowledge base ranks exactly as with
 *   bm25().
 */
#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_ARG_WEIGHTS 3 /* index of the first weight in argv */
#define DF_SAMPLE 128

struct rank_data {
    int n_phrase;
    double avgdl;
    double *idf;  /* per phrase */
    double *freq; /* per phrase, scratch for the current row */
};

struct df_count {
    sqlite3_int64 n, last;
};

static int count_article(const Fts5ExtensionApi *api, Fts5Context *fts, void *payload)
{
    struct df_count *c = payload;

    c->n++;
    c->last = api->xRowid(fts);
    return c->n >= DF_SAMPLE ? SQLITE_DONE : SQLITE_OK;
}

static void rank_data_free(void *p)
{
    struct rank_data *d = p;

    if (d == NULL)
        return;
    hd_free(d->idf);
    hd_free(d->freq);
    hd_free(d);
}

static int rank_data_new(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_int64 min_rowid,
                         sqlite3_int64 max_rowid, struct rank_data **out)
{
    struct rank_data *d = hd_calloc(1, sizeof(*d));
    sqlite3_int64 n_rows = 0, n_tokens = 0;
    int i, rc;

    *out = NULL;
    d->n_phrase = api->xPhraseCount(fts);
    d->idf = hd_calloc((size_t)d->n_phrase + 1, sizeof(*d->idf));
    d->freq = hd_calloc((size_t)d->n_phrase + 1, sizeof(*d->freq));
    rc = api->xRowCount(fts, &n_rows);
    if (rc == SQLITE_OK)
        rc = api->xColumnTotalSize(fts, -1, &n_tokens);
    d->avgdl = n_rows > 0 && n_tokens > 0 ? (double)n_tokens / (double)n_rows : 1.0;
    for (i = 0; rc == SQLITE_OK && i < d->n_phrase; i++) {
        struct df_count c = {0, 0};
        double df, idf;

        rc = api->xQueryPhrase(fts, i, &c, count_article);
        df = (double)c.n;
        if (c.n >= DF_SAMPLE && c.last >= min_rowid && max_rowid > c.last)
            df = df * (double)(max_rowid - min_rowid + 1) / (double)(c.last - min_rowid + 1);
        if (df > (double)n_rows)
            df = (double)n_rows;
        idf = log(((double)n_rows - df + 0.5) / (df + 0.5));
        d->idf[i] = idf > 0.0 ? idf : 1e-6;
    }
    if (rc != SQLITE_OK) {
        rank_data_free(d);
        return rc;
    }
    *out = d;
    return SQLITE_OK;
}

/* The sum of the SQLite varints in sz[0..n), or -1 if they are malformed. */
static sqlite3_int64 sum_varints(const unsigned char *sz, int n)
{
    sqlite3_int64 total = 0;
    int i = 0;

    while (i < n) {
        sqlite3_uint64 v = 0;
        int k;

        for (k = 0; k < 9; k++) {
            if (i >= n)
                return -1;
            if (k == 8) {
                v = (v << 8) | sz[i++];
                break;
            }
            v = (v << 7) | (sz[i] & 0x7F);
            if ((sz[i++] & 0x80) == 0)
                break;
        }
        if (v > INT32_MAX)
            return -1;
        total += (sqlite3_int64)v;
    }
    return total;
}

static void rank_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                          int argc, sqlite3_value **argv)
{
    struct rank_data *d = api->xGetAuxdata(fts, 0);
    int n_weights = argc > RANK_ARG_WEIGHTS ? argc - RANK_ARG_WEIGHTS : 0, i, rc, any = 0;
    double score = 0.0;

    if (d == NULL) {
        rc = rank_data_new(api, fts, argc > 1 ? sqlite3_value_int64(argv[1]) : 1,
                           argc > 2 ? sqlite3_value_int64(argv[2]) : 0, &d);
        if (rc == SQLITE_OK)
            rc = api->xSetAuxdata(fts, d, rank_data_free);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    for (i = 0; i < d->n_phrase; i++) {
        Fts5PhraseIter it;
        int col = -1, off = 0;

        d->freq[i] = 0.0;
        rc = api->xPhraseFirst(fts, i, &it, &col, &off);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off))
            d->freq[i] +=
                col < n_weights ? sqlite3_value_double(argv[RANK_ARG_WEIGHTS + col]) : 1.0;
        any |= d->freq[i] > 0.0;
    }
    if (any) {
        sqlite3_int64 size = -1;
        double norm;

        if (argc > 0 && sqlite3_value_type(argv[0]) == SQLITE_BLOB)
            size = sum_varints(sqlite3_value_blob(argv[0]), sqlite3_value_bytes(argv[0]));
        if (size < 0) {
            int n = 0;

            rc = api->xColumnSize(fts, -1, &n);
            if (rc != SQLITE_OK) {
                sqlite3_result_error_code(ctx, rc);
                return;
            }
            size = n;
        }
        norm = RANK_K1 * (1.0 - RANK_B + RANK_B * (double)size / d->avgdl);
        for (i = 0; i < d->n_phrase; i++)
            score += d->idf[i] * d->freq[i] * (RANK_K1 + 1.0) / (d->freq[i] + norm);
    }
    sqlite3_result_double(ctx, -score);
}

/*
 * deskbot_columns(kb_fts) - a bit mask (1 << column) of the columns in
 * which a phrase of the query occurs in the current row.
 */
static void columns_function(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                             int argc, sqlite3_value **argv)
{
    int n = api->xPhraseCount(fts), i, col = -1, rc;
    unsigned mask = 0;

    (void)argc;
    (void)argv;
    for (i = 0; i < n; i++) {
        Fts5PhraseIter it;

        rc = api->xPhraseFirstColumn(fts, i, &it, &col);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        for (; col >= 0; api->xPhraseNextColumn(fts, &it, &col))
            mask |= col < 31 ? 1u << col : 0;
    }
    sqlite3_result_int(ctx, (int)mask);
}

/*
 * hd_kb__tokenizer_register - see kb_tokenizer.h. Registers the "deskbot"
 * tokenizer and the deskbot_rank() and deskbot_columns() functions on `db`.
 * Returns 0, or HD_EDB when FTS5 is missing or refuses them.
 */
int hd_kb__tokenizer_register(sqlite3 *db)
{
    static fts5_tokenizer methods = {tok_create, tok_delete, tok_tokenize};
    sqlite3_stmt *s = NULL;
    fts5_api *api = NULL;
    int rc, err = 0;

    rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL);
    if (rc != SQLITE_OK) {
        err = hd_error_set(HD_EDB, "full-text search (FTS5) is not available: %s",
                           sqlite3_errmsg(db));
        goto cleanup;
    }
    sqlite3_bind_pointer(s, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(s);
    if (api == NULL || api->iVersion < 2) {
        err = hd_error_set(HD_EDB, "full-text search (FTS5) is not available");
        goto cleanup;
    }
    rc = api->xCreateTokenizer(api, "deskbot", NULL, &methods, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "deskbot_rank", NULL, rank_function, NULL);
    if (rc == SQLITE_OK)
        rc = api->xCreateFunction(api, "deskbot_columns", NULL, columns_function, NULL);
    if (rc != SQLITE_OK)
        err = hd_error_set(HD_EDB, "register the deskbot FTS5 tokenizer and functions: %s",
                           sqlite3_errstr(rc));

cleanup:
    sqlite3_finalize(s);
    return err;
}
