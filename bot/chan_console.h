/*
 * chan_console.h - the console channel (see chan_console.c).
 */
#ifndef HD_BOT_CHAN_CONSOLE_H
#define HD_BOT_CHAN_CONSOLE_H

#include "channel.h"

#include <stdio.h>

/*
 * hd_console_new - a console channel reading `in` and writing `out`; `json`
 * selects the line protocol, `sync` adds {"done":N} after each input line,
 * `user` is who types in human mode. Free with its type's free.
 */
hd_channel *hd_console_new(FILE *in, FILE *out, int json, int sync, const char *user);

#endif
