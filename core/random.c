/*
 * random.c - the kernel's random bytes (see random.h).
 */
#include "random.h"

#include "hd/common.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int hd__random_bytes(unsigned char *out, size_t len, const char *what)
{
    size_t got = 0;

    while (got < len) {
        ssize_t r = getrandom(out + got, len - got, 0);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return hd_error_set(HD_EIO, "no randomness for %s: %s", what, strerror(errno));
        got += (size_t)r;
    }
    return 0;
}
