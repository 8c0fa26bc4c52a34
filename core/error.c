/*
 * error.c - HD_E* messages and the per-thread detail of the last failure.
 */
#include "hd/common.h"

#include <stdio.h>

static _Thread_local char last_detail[512];
static _Thread_local int last_code;

const char *hd_strerror(int err)
{
    switch (err) {
#define HD__ERR_CASE(name, value, msg)                                                             \
    case HD_##name:                                                                                \
        return msg;
        HD_ERRNO_MAP(HD__ERR_CASE)
#undef HD__ERR_CASE
    case 0:
        return "success";
    default:
        return "unknown error";
    }
}

int hd_error_set(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_detail, sizeof(last_detail), fmt, ap);
    va_end(ap);
    last_code = err;
    return err;
}

const char *hd_error_last(void)
{
    if (last_detail[0] != '\0')
        return last_detail;
    return last_code ? hd_strerror(last_code) : "no error";
}
