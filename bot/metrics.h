/*
 * metrics.h - the service's counters, gauges and the intake latency
 * histogram, rendered in the Prometheus text exposition format for
 * GET /metrics.
 *
 * The families are declared once in metrics.c (name, type, help, label);
 * every sample is one label value of one family.
 */
#ifndef HD_BOT_METRICS_H
#define HD_BOT_METRICS_H

typedef struct hd_metrics hd_metrics;

hd_metrics *hd_metrics_new(void);
void hd_metrics_free(hd_metrics *m);

/*
 * hd_metrics_add - add `by` to counter `family` for `label` (NULL for a
 * family without a label). An unknown family is ignored.
 */
void hd_metrics_add(hd_metrics *m, const char *family, const char *label, double by);

/* hd_metrics_set - set gauge `family` for `label` to `value`. */
void hd_metrics_set(hd_metrics *m, const char *family, const char *label, double value);

/* hd_metrics_observe - one observation of histogram `family`, in seconds. */
void hd_metrics_observe(hd_metrics *m, const char *family, double seconds);

/* hd_metrics_render - every family as Prometheus text; the caller frees it. */
char *hd_metrics_render(const hd_metrics *m);

#endif
