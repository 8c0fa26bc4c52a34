/*
 * benchproc.c - the bot's resources from /proc, and percentiles (see
 * benchproc.h).
 */
#include "benchproc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const bench_texts[BENCH_TEXTS] = {
    "hello",
    "my printer is jammed",
    "how do I reset my password",
    "the vpn keeps dropping",
    "thanks",
    "my laptop is very slow since this morning",
    "where do I find the wifi password for guests",
    "outlook does not sync my calendar",
};

double bench_cpu_seconds(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long utime = 0, stime = 0;
    FILE *f;
    int i;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    if (fgets(buf, sizeof(buf), f) == NULL)
        buf[0] = '\0';
    fclose(f);
    /* Fields 14 and 15 after the ")" that ends the command name. */
    p = strrchr(buf, ')');
    for (i = 0; p && i < 12; i++)
        p = strchr(p + 1, ' ');
    if (p)
        sscanf(p + 1, "%lu %lu", &utime, &stime);
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

long bench_peak_rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

void bench_test_env(void)
{
    if (getenv("HD_TEST_DATA") == NULL)
        setenv("HD_TEST_DATA", HD_SOURCE_DIR "/tests/data", 1);
    if (getenv("HD_TEST_TMP") == NULL)
        setenv("HD_TEST_TMP", "/tmp", 1);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

double bench_pct(long long *v, size_t n, double p)
{
    size_t i;

    if (n == 0)
        return -1;
    qsort(v, n, sizeof(*v), cmp_ll);
    i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i];
}
