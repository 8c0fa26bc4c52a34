/*
 * text.c - making one message safe to read (see text.h).
 */
#include "text.h"

#include "hd/common.h"
#include "hd/utf8.h"

#include <string.h>

/* hd_text__utf8 - see text.h: the strict decoder, with 0 for a bad byte. */
size_t hd_text__utf8(const char *s, size_t n, uint32_t *cp)
{
    uint32_t c;
    size_t len;

    if (n == 0)
        return 0;
    len = hd_utf8_decode((const unsigned char *)s, n, &c);
    if (c == HD_UTF8_BAD)
        return 0;
    *cp = c;
    return len;
}

/* hd_text__is_han - see text.h: the unified ideographs, extension A and beyond, compatibility. */
int hd_text__is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
}

/* hd_text__is_cjk - see text.h. */
int hd_text__is_cjk(uint32_t cp)
{
    return hd_text__is_han(cp) || (cp >= 0x3040 && cp <= 0x30FF) || /* kana */
           (cp >= 0xAC00 && cp <= 0xD7AF) ||                        /* hangul syllables */
           (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F);
}

/* hd_text__is_alnum - see text.h: ASCII only, whatever the locale. */
int hd_text__is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_ascii_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Append one normalised byte of the character that starts at orig[from]. */
static void put(hd_text *t, char c, size_t from)
{
    t->map[t->len] = (uint16_t)from;
    t->norm[t->len++] = c;
}

/*
 * hd_text__init - see text.h. Input is cut at a character boundary before
 * HD_TEXT_MAX bytes; `t` owns nothing and needs no release.
 */
void hd_text__init(hd_text *t, const char *text)
{
    size_t n = text ? strlen(text) : 0, i = 0, k;
    uint32_t cp;

    t->orig_len = 0;
    t->len = 0;
    while (i < n) {
        size_t len = hd_text__utf8(text + i, n - i, &cp);

        if (len == 0) { /* a stray byte separates words */
            len = 1;
            cp = ' ';
        }
        if (t->orig_len + len > HD_TEXT_MAX)
            break;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            if (cp != '\n')
                cp = ' ';
            t->orig[t->orig_len++] = (char)cp;
        } else if (len == 1 && cp == ' ') {
            t->orig[t->orig_len++] = ' ';
        } else {
            memcpy(t->orig + t->orig_len, text + i, len);
            t->orig_len += len;
        }
        i += len;
    }
    t->orig[t->orig_len] = '\0';

    /* The normal form never grows: every character maps to as many bytes or fewer. */
    for (i = 0; i < t->orig_len;) {
        size_t len = hd_text__utf8(t->orig + i, t->orig_len - i, &cp);

        if (cp < 0x80) {
            put(t, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp), i);
        } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
            cp -= 0xFEE0;
            put(t, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp), i);
        } else if (cp == 0x3000 || cp == 0xA0) {
            put(t, ' ', i);
        } else if (cp == 0x2019 && i > 0 && is_ascii_letter(t->orig[i - 1]) &&
                   is_ascii_letter(t->orig[i + len])) {
            put(t, '\'', i);
        } else {
            for (k = 0; k < len; k++)
                put(t, t->orig[i + k], i + k);
        }
        i += len;
    }
    t->norm[t->len] = '\0';
    t->map[t->len] = (uint16_t)t->orig_len;
}

/* hd_text__span - see text.h: the result is the caller's to hd_free(). */
char *hd_text__span(const hd_text *t, size_t a, size_t b)
{
    size_t from, to;

    if (a >= b || b > t->len)
        return NULL;
    from = t->map[a];
    to = t->map[b];
    while (from < to && (t->orig[from] == ' ' || t->orig[from] == '\n'))
        from++;
    while (to > from && (t->orig[to - 1] == ' ' || t->orig[to - 1] == '\n'))
        to--;
    return to > from ? hd_strndup(t->orig + from, to - from) : NULL;
}

static int cn_digit(uint32_t cp)
{
    static const uint32_t digits[] = {0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                                      0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(digits); i++)
        if (cp == digits[i])
            return (int)i;
    if (cp == 0x3007) /* 〇 */
        return 0;
    if (cp == 0x4E24) /* 两 */
        return 2;
    return -1;
}

/* hd_text__number - see text.h. "一二" reads 12, as room numbers are spoken digit by digit. */
size_t hd_text__number(const hd_text *t, size_t pos, int *value)
{
    size_t i = pos;
    int total = 0, cur = 0, any = 0;
    uint32_t cp;

    if (t->norm[i] >= '0' && t->norm[i] <= '9') {
        while (t->norm[i] >= '0' && t->norm[i] <= '9' && i - pos < 7)
            cur = cur * 10 + (t->norm[i++] - '0');
        if (i - pos > 6)
            return 0;
        *value = cur;
        return i - pos;
    }
    while (i < t->len) {
        size_t len = hd_text__utf8(t->norm + i, t->len - i, &cp);
        int d = len ? cn_digit(cp) : -1;

        if (d >= 0) {
            cur = cur * 10 + d;
        } else if (cp == 0x5341 && len) { /* 十 */
            total += (cur ? cur : 1) * 10;
            cur = 0;
        } else if (cp == 0x767E && len && any) { /* 百 */
            total += (cur ? cur : 1) * 100;
            cur = 0;
        } else {
            break;
        }
        if (total + cur > 9999)
            return 0;
        any = 1;
        i += len;
    }
    if (!any)
        return 0;
    *value = total + cur;
    return i - pos;
}

/* hd_text__find_phrase - see text.h. */
size_t hd_text__find_phrase(const hd_text *t, const char *phrase, size_t from)
{
    size_t n = strlen(phrase);
    const char *p;
    int word_start, word_end;

    if (n == 0 || from > t->len)
        return (size_t)-1;
    word_start = hd_text__is_alnum((unsigned char)phrase[0]);
    word_end = hd_text__is_alnum((unsigned char)phrase[n - 1]);
    for (p = t->norm + from; (p = strstr(p, phrase)) != NULL; p++) {
        size_t at = (size_t)(p - t->norm);

        if (word_start && at > 0 && hd_text__is_alnum((unsigned char)t->norm[at - 1]))
            continue;
        if (word_end && hd_text__is_alnum((unsigned char)t->norm[at + n]))
            continue;
        return at;
    }
    return (size_t)-1;
}
