/*
 * random.h - bytes from the kernel's generator, for what must not be
 * guessed (button tokens, the web chat's signing key). Inside core/ only.
 */
#ifndef HD_CORE_RANDOM_H
#define HD_CORE_RANDOM_H

#include <stddef.h>

/*
 * hd__random_bytes - fill `out` with `len` random bytes. Returns 0, or
 * HD_EIO when the kernel gives none (the detail names `what` it was for).
 */
int hd__random_bytes(unsigned char *out, size_t len, const char *what);

#endif
