/*
 * webauth.c - signed, expiring web chat tokens (see webauth.h).
 */
#include "webauth.h"

#include "hd/common.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKEN 512

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding of `len` bytes into `out` (room for 4 * len / 3 + 2). */
static void encode(const unsigned char *in, size_t len, char *out)
{
    size_t i;
    unsigned v;

    for (i = 0; i + 2 < len; i += 3) {
        v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        *out++ = b64url[v >> 18 & 63];
        *out++ = b64url[v >> 12 & 63];
        *out++ = b64url[v >> 6 & 63];
        *out++ = b64url[v & 63];
    }
    if (len - i == 1) {
        v = (unsigned)in[i] << 16;
        *out++ = b64url[v >> 18 & 63];
        *out++ = b64url[v >> 12 & 63];
    } else if (len - i == 2) {
        v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        *out++ = b64url[v >> 18 & 63];
        *out++ = b64url[v >> 12 & 63];
        *out++ = b64url[v >> 6 & 63];
    }
    *out = '\0';
}

/* Decode base64url `in` of `len` characters; returns the bytes written or -1. */
static int decode(const char *in, size_t len, unsigned char *out, size_t size)
{
    unsigned v = 0;
    size_t i, n = 0;
    int bits = 0;

    if (len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++) {
        const char *p = memchr(b64url, in[i], sizeof(b64url) - 1);

        if (p == NULL || in[i] == '\0')
            return -1;
        v = (v << 6 | (unsigned)(p - b64url)) & 0xffffff;
        if ((bits += 6) >= 8) {
            bits -= 8;
            if (n == size)
                return -1;
            out[n++] = (unsigned char)(v >> bits & 0xff);
        }
    }
    /* One spelling per value: the bits past the last byte must be zero. */
    if (bits > 0 && (v & ((1u << bits) - 1)) != 0)
        return -1;
    return (int)n;
}

static void sign(const unsigned char key[HD_WEBAUTH_KEY], const char *data, size_t len,
                 unsigned char mac[32])
{
    unsigned int maclen = 32;

    HMAC(EVP_sha256(), key, HD_WEBAUTH_KEY, (const unsigned char *)data, len, mac, &maclen);
}

int64_t hd_webauth_expiry(const char *token)
{
    const char *sig = token ? strrchr(token, '.') : NULL, *p;

    /* "v1.r.subject.EXPIRES.sig": the number just before the signature. */
    for (p = sig; p && p > token && p[-1] != '.'; p--)
        ;
    return p && p != sig ? strtoll(p, NULL, 10) : 0;
}

char *hd_webauth_issue(const unsigned char key[HD_WEBAUTH_KEY], hd_web_role role,
                       const char *username, int64_t expires)
{
    size_t ulen = strlen(username);
    char *subject = hd_malloc(ulen * 4 / 3 + 4), sig[48];
    unsigned char mac[32];
    char *body, *token;

    encode((const unsigned char *)username, ulen, subject);
    body = hd_sprintf("v1.%c.%s.%lld", (char)role, subject, (long long)expires);
    sign(key, body, strlen(body), mac);
    encode(mac, sizeof(mac), sig);
    token = hd_sprintf("%s.%s", body, sig);
    hd_free(body);
    hd_free(subject);
    return token;
}

int hd_webauth_verify(const unsigned char key[HD_WEBAUTH_KEY], const char *token, int64_t now,
                      hd_web_role *role, char **username)
{
    unsigned char mac[32], given[33], name[MAX_TOKEN];
    const char *dot, *subject, *expiry;
    size_t len = token ? strlen(token) : 0;
    char *endp;
    long long expires;
    int n;

    *username = NULL;
    if (len == 0 || len > MAX_TOKEN || strncmp(token, "v1.", 3) != 0 ||
        (token[3] != HD_WEB_EMPLOYEE && token[3] != HD_WEB_AGENT) || token[4] != '.')
        return hd_error_set(HD_EINVAL, "not a deskbot sign-in token");
    /* The signature first: nothing else is believed before it checks. */
    if ((dot = strrchr(token, '.')) == token + 4 ||
        decode(dot + 1, strlen(dot + 1), given, sizeof(given)) != 32)
        return hd_error_set(HD_EINVAL, "the sign-in token has no valid signature");
    sign(key, token, (size_t)(dot - token), mac);
    if (CRYPTO_memcmp(mac, given, sizeof(mac)) != 0)
        return hd_error_set(HD_EINVAL, "the sign-in token's signature does not match");

    subject = token + 5;
    if ((expiry = memchr(subject, '.', (size_t)(dot - subject))) == NULL || expiry == subject)
        return hd_error_set(HD_EINVAL, "the sign-in token has no user");
    expires = strtoll(expiry + 1, &endp, 10);
    if (endp != dot || endp == expiry + 1)
        return hd_error_set(HD_EINVAL, "the sign-in token has no expiry");
    n = decode(subject, (size_t)(expiry - subject), name, sizeof(name) - 1);
    if (n <= 0 || memchr(name, '\0', (size_t)n))
        return hd_error_set(HD_EINVAL, "the sign-in token names no user");
    if (expires <= now)
        return hd_error_set(HD_EEXPIRED, "the sign-in token expired");
    name[n] = '\0';
    *role = (hd_web_role)token[3];
    *username = hd_strdup((const char *)name);
    return 0;
}
