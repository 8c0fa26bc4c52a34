/*
 * test_webauth.c - the web chat's sign-in tokens: a token verifies for its
 * user and role until it expires; any change to it, another key, or a
 * malformed token is refused and says why.
 */
#include "harness.h"

#include "webauth.h"

#include "hd/common.h"

#include <string.h>

static const unsigned char key[HD_WEBAUTH_KEY] = "0123456789abcdef0123456789abcde";
static const unsigned char other[HD_WEBAUTH_KEY] = "0123456789abcdef0123456789abcdX";

#define NOW 1800000000

static void test_webauth__round_trip(void)
{
    char *t = hd_webauth_issue(key, HD_WEB_AGENT, "carol", NOW + 60), *who = NULL;
    hd_web_role role = HD_WEB_EMPLOYEE;

    ASSERT(strncmp(t, "v1.a.", 5) == 0);
    ASSERT_OK(hd_webauth_verify(key, t, NOW, &role, &who));
    ASSERT_STR_EQ(who, "carol");
    ASSERT_INT_EQ(role, HD_WEB_AGENT);
    ASSERT_INT_EQ(hd_webauth_expiry(t), NOW + 60);
    ASSERT_INT_EQ(hd_webauth_expiry("not.a.token"), 0);
    hd_free(who);
    /* Any name the directory may hold: email addresses, Chinese. */
    hd_free(t);
    t = hd_webauth_issue(key, HD_WEB_EMPLOYEE, "张伟@example.com", NOW + 60);
    ASSERT_OK(hd_webauth_verify(key, t, NOW, &role, &who));
    ASSERT_STR_EQ(who, "张伟@example.com");
    ASSERT_INT_EQ(role, HD_WEB_EMPLOYEE);
    hd_free(who);
    hd_free(t);
}

static void test_webauth__expiry(void)
{
    char *t = hd_webauth_issue(key, HD_WEB_EMPLOYEE, "alice", NOW), *who = (char *)"x";
    hd_web_role role;

    ASSERT_INT_EQ(hd_webauth_verify(key, t, NOW, &role, &who), HD_EEXPIRED);
    ASSERT(who == NULL);
    ASSERT(strstr(hd_error_last(), "expired") != NULL);
    ASSERT_OK(hd_webauth_verify(key, t, NOW - 1, &role, &who));
    hd_free(who);
    hd_free(t);
}

/* Every single-character change to a token is refused. */
static void test_webauth__tampering(void)
{
    char *t = hd_webauth_issue(key, HD_WEB_EMPLOYEE, "alice", NOW + 3600), *who = NULL;
    static const char alphabet[] = "Aa0-_.e";
    hd_web_role role;
    size_t i, j, n = strlen(t);

    for (i = 0; i < n; i++) {
        char saved = t[i];

        for (j = 0; alphabet[j]; j++) {
            if (alphabet[j] == saved)
                continue;
            t[i] = alphabet[j];
            if (hd_webauth_verify(key, t, NOW, &role, &who) == 0)
                FAIL_AT("accepted with '%c' at %zu: %s (%s)", alphabet[j], i, t, who);
        }
        t[i] = saved;
    }
    ASSERT_INT_EQ(hd_webauth_verify(other, t, NOW, &role, &who), HD_EINVAL);
    hd_free(t);
}

static void test_webauth__malformed(void)
{
    static const char *const bad[] = {
        "",
        "v1",
        "v1.e",
        "v1.e.",
        "v1.x.YWxpY2U.1.AAAA",
        "v2.e.YWxpY2U.1.AAAA",
        "v1.e.YWxpY2U.1800000060",
        "v1.e..1800000060.AAAA",
        "v1.e.YWxpY2U..AAAA",
        "v1.e.YWxpY2U.12x.AAAA",
        "v1.e.YW!pY2U.1.AAAA",
        "garbage with spaces",
    };
    char huge[2048];
    hd_web_role role;
    char *who = NULL;
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(bad); i++)
        if (hd_webauth_verify(key, bad[i], NOW, &role, &who) != HD_EINVAL)
            FAIL_AT("not refused: '%s'", bad[i]);
    memset(huge, 'A', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    memcpy(huge, "v1.e.", 5);
    ASSERT_INT_EQ(hd_webauth_verify(key, huge, NOW, &role, &who), HD_EINVAL);
    ASSERT_INT_EQ(hd_webauth_verify(key, NULL, NOW, &role, &who), HD_EINVAL);
    ASSERT(who == NULL);
}

int main(void)
{
    RUN(test_webauth__round_trip);
    RUN(test_webauth__expiry);
    RUN(test_webauth__tampering);
    RUN(test_webauth__malformed);
    return harness_result();
}
