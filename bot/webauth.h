/*
 * webauth.h - the web chat's session tokens: who a page speaks for, signed
 * by the server and expiring.
 *
 * A token is "v1.<role>.<subject>.<expires>.<signature>": role 'e' (an
 * employee) or 'a' (an agent), the directory username base64url-encoded,
 * the expiry as Unix seconds, and HMAC-SHA256 of everything before the last
 * dot under the service's secret, base64url-encoded.
 */
#ifndef HD_BOT_WEBAUTH_H
#define HD_BOT_WEBAUTH_H

#include <stddef.h>
#include <stdint.h>

#define HD_WEBAUTH_KEY 32 /* bytes of secret */

typedef enum hd_web_role { HD_WEB_EMPLOYEE = 'e', HD_WEB_AGENT = 'a' } hd_web_role;

/* hd_webauth_issue - a token for `username` in `role` until `expires`; the caller frees it. */
char *hd_webauth_issue(const unsigned char key[HD_WEBAUTH_KEY], hd_web_role role,
                       const char *username, int64_t expires);

/*
 * hd_webauth_verify - check `token` at `now`. Returns 0 with the role and
 * the username (the caller's) in *username; HD_EINVAL for a malformed or
 * tampered token; HD_EEXPIRED for a genuine one past its expiry. On error
 * *username is NULL.
 */
int hd_webauth_verify(const unsigned char key[HD_WEBAUTH_KEY], const char *token, int64_t now,
                      hd_web_role *role, char **username);

/*
 * hd_webauth_expiry - the expiry of a token hd_webauth_verify accepted (it
 * is not checked again here), or 0 for one that has none.
 */
int64_t hd_webauth_expiry(const char *token);

#endif
