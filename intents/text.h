/*
 * text.h - one message made safe to read, shared by the classifier
 * (nlu.c) and the slot extractors (slots.c).
 *
 * hd_text__init() copies at most HD_TEXT_MAX bytes of any input into
 * `orig`, turning bytes that are not valid UTF-8 and control characters
 * into spaces, and derives `norm`: ASCII lower-cased, full-width ASCII
 * folded to ASCII, the ideographic space to a space and a curly apostrophe
 * between letters to "'". Every extractor matches on `norm` and returns
 * text from `orig` through `map`, so values keep the writer's case.
 */
#ifndef HD_INTENTS_TEXT_H
#define HD_INTENTS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HD_TEXT_MAX 4096

typedef struct hd_text {
    char orig[HD_TEXT_MAX + 1]; /* valid UTF-8, NUL-terminated */
    size_t orig_len;
    char norm[HD_TEXT_MAX + 1];    /* lower-cased, folded, NUL-terminated */
    size_t len;                    /* of norm */
    uint16_t map[HD_TEXT_MAX + 1]; /* norm offset -> orig offset; map[len] = orig_len */
} hd_text;

/* hd_text__init - fill `t` from `text` (NULL reads as empty). */
void hd_text__init(hd_text *t, const char *text);

/*
 * hd_text__utf8 - decode the character at s[0..n): its length in bytes and
 * the code point in *cp, or 0 when the bytes are not valid UTF-8
 * (overlong forms, surrogates and values past U+10FFFF included).
 */
size_t hd_text__utf8(const char *s, size_t n, uint32_t *cp);

/* hd_text__is_han - a Chinese character (CJK unified ideographs). */
int hd_text__is_han(uint32_t cp);

/* hd_text__is_cjk - Han, kana or hangul: written without spaces. */
int hd_text__is_cjk(uint32_t cp);

/* hd_text__is_alnum - an ASCII letter or digit. */
int hd_text__is_alnum(int c);

/*
 * hd_text__span - the original text of norm[a..b), trimmed of spaces, as a
 * new string the caller frees with hd_free(), or NULL when nothing is
 * left.
 */
char *hd_text__span(const hd_text *t, size_t a, size_t b);

/*
 * hd_text__number - a number at norm[pos]: ASCII digits (at most 6) or
 * Chinese numerals up to 999 (一 … 九百九十九, 两, 零, 〇). Returns the bytes
 * read and the value in *value, or 0.
 */
size_t hd_text__number(const hd_text *t, size_t pos, int *value);

/*
 * hd_text__has - whether norm[pos..] starts with `s` (not empty). Inline:
 * the extractors ask it at every position, and the first byte rejects
 * almost every call.
 */
static inline int hd_text__has(const hd_text *t, size_t pos, const char *s)
{
    size_t n;

    if (pos >= t->len || t->norm[pos] != s[0])
        return 0;
    n = strlen(s);
    return t->len - pos >= n && memcmp(t->norm + pos + 1, s + 1, n - 1) == 0;
}

/*
 * hd_text__find_phrase - the first offset >= from of `phrase` (lower-case)
 * in norm, as a whole word where it begins or ends with an ASCII letter or
 * digit; (size_t)-1 when absent.
 */
size_t hd_text__find_phrase(const hd_text *t, const char *phrase, size_t from);

#endif
