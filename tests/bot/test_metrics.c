/*
 * test_metrics.c - the Prometheus text exposition of the service's metrics.
 */
#include "harness.h"
#include "util.h"

#include "metrics.h"

static void test_metrics__counters_gauges_and_labels(void)
{
    hd_metrics *m = hd_metrics_new();
    char *text;

    hd_metrics_add(m, "deskbot_messages_in_total", "slack", 2);
    hd_metrics_add(m, "deskbot_messages_in_total", "slack", 1);
    hd_metrics_add(m, "deskbot_messages_in_total", "web", 1);
    hd_metrics_add(m, "deskbot_tickets_created_total", "incident", 1);
    hd_metrics_add(m, "deskbot_tickets_created_total", "a\"b\\c\nd", 1);
    hd_metrics_set(m, "deskbot_outbox_depth", NULL, 7);
    hd_metrics_set(m, "deskbot_outbox_depth", NULL, 4);
    /* Wrong kinds and unknown names change nothing. */
    hd_metrics_set(m, "deskbot_messages_in_total", "slack", 100);
    hd_metrics_add(m, "deskbot_outbox_depth", NULL, 100);
    hd_metrics_add(m, "no_such_metric", "x", 1);
    hd_metrics_add(m, "deskbot_messages_in_total", "slack", -5);
    text = hd_metrics_render(m);
    ASSERT(strstr(text, "# TYPE deskbot_messages_in_total counter\n") != NULL);
    ASSERT(strstr(text, "deskbot_messages_in_total{channel=\"slack\"} 3\n") != NULL);
    ASSERT(strstr(text, "deskbot_messages_in_total{channel=\"web\"} 1\n") != NULL);
    ASSERT(strstr(text, "deskbot_tickets_created_total{type=\"a\\\"b\\\\c\\nd\"} 1\n") != NULL);
    ASSERT(strstr(text, "# TYPE deskbot_outbox_depth gauge\ndeskbot_outbox_depth 4\n") != NULL);
    ASSERT(strstr(text, "deskbot_dead_letters 0\n") != NULL);
    ASSERT(strstr(text, "no_such_metric") == NULL);
    hd_free(text);
    hd_metrics_free(m);
}

static void test_metrics__histogram_is_cumulative(void)
{
    hd_metrics *m = hd_metrics_new();
    char *text;

    hd_metrics_observe(m, "deskbot_intake_seconds", 0.0004);
    hd_metrics_observe(m, "deskbot_intake_seconds", 0.003);
    hd_metrics_observe(m, "deskbot_intake_seconds", 0.003);
    hd_metrics_observe(m, "deskbot_intake_seconds", 5);
    text = hd_metrics_render(m);
    ASSERT(strstr(text, "deskbot_intake_seconds_bucket{le=\"0.0005\"} 1\n") != NULL);
    ASSERT(strstr(text, "deskbot_intake_seconds_bucket{le=\"0.0025\"} 1\n") != NULL);
    ASSERT(strstr(text, "deskbot_intake_seconds_bucket{le=\"0.005\"} 3\n") != NULL);
    ASSERT(strstr(text, "deskbot_intake_seconds_bucket{le=\"1\"} 3\n") != NULL);
    ASSERT(strstr(text, "deskbot_intake_seconds_bucket{le=\"+Inf\"} 4\n") != NULL);
    ASSERT(strstr(text, "deskbot_intake_seconds_count 4\n") != NULL);
    ASSERT(strstr(text, "deskbot_intake_seconds_sum 5.0064\n") != NULL);
    hd_free(text);
    hd_metrics_free(m);
}

int main(void)
{
    RUN(test_metrics__counters_gauges_and_labels);
    RUN(test_metrics__histogram_is_cumulative);
    return harness_result();
}
