/*
 * benchproc.h - what the benchmarks that drive the real `deskbot run`
 * share: what their users say, their environment, the bot's CPU time and
 * peak memory from /proc, and percentiles.
 */
#ifndef HD_BENCH_BENCHPROC_H
#define HD_BENCH_BENCHPROC_H

#include <stddef.h>
#include <sys/types.h>

/* bench_cpu_seconds - utime + stime of process `pid` so far (0 if unreadable). */
double bench_cpu_seconds(pid_t pid);

/* bench_peak_rss_kb - VmHWM of process `pid` in KiB (0 if unreadable). */
long bench_peak_rss_kb(pid_t pid);

/* What the benchmarks' users say, in turn: ordinary help-desk messages. */
#define BENCH_TEXTS 8
extern const char *const bench_texts[BENCH_TEXTS];

/*
 * bench_test_env - point the tests' bot helper (tests/slack/slackbot.c) at
 * the source tree's test data and at /tmp, unless the environment already
 * says where.
 */
void bench_test_env(void);

/* bench_pct - the `p` quantile (0..1) of `n` values, sorting them; -1 when n is 0. */
double bench_pct(long long *v, size_t n, double p);

#endif
