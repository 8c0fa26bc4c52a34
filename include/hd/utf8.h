/*
 * utf8.h - decoding UTF-8 strictly, for every module that reads user text.
 */
#ifndef HD_UTF8_H
#define HD_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define HD_UTF8_BAD UINT32_MAX

/*
 * hd_utf8_decode - the character at s[0..n), n >= 1: returns its length in
 * bytes and its code point in *cp. A byte that does not start a valid,
 * shortest-form sequence lying wholly inside s (an overlong form, a
 * surrogate, a value above U+10FFFF, a truncated sequence) returns 1 with
 * *cp = HD_UTF8_BAD, so a caller skips one byte and carries on.
 */
size_t hd_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
