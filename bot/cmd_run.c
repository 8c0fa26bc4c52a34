/*
 * cmd_run.c - `deskbot init` and `deskbot run`.
 *
 * `run` opens the database (creating it and loading the sample data on
 * first start), then keeps the desk's clocks: it applies default survey
 * ratings when they fall due and reports SLA breaches, until SIGTERM or
 * SIGINT. Chat channels attach to this loop as they are added.
 */
#include "cli.h"
#include "loop.h"
#include "metrics.h"

#include "hd/conversation.h"
#include "hd/intent.h"
#include "hd/kb.h"
#include "hd/outbox.h"
#include "hd/survey.h"
#include "hd/ticket.h"
#include "hd/users.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SWEEP_SECONDS 60

static volatile sig_atomic_t stop_requested;
static hd_loop *running;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_requested)
        _Exit(1); /* a second signal: leave at once */
    stop_requested = 1;
    if (running)
        hd_loop_stop(running);
}

typedef struct service {
    hd_desk *desk;
    hd_metrics *metrics;
} service;

/* GET /healthz and /metrics. */
static char *http(const char *path, int *status, const char **type, void *payload)
{
    service *svc = payload;
    int64_t pending = 0, dead = 0;

    *status = 200;
    if (strcmp(path, "/healthz") == 0) {
        *type = "application/json";
        return hd_strdup("{\"status\":\"ok\",\"channels\":{}}\n");
    }
    if (strcmp(path, "/metrics") == 0) {
        *type = "text/plain; version=0.0.4; charset=utf-8";
        if (hd_outbox_depth(svc->desk, &pending, &dead) == 0) {
            hd_metrics_set(svc->metrics, "deskbot_outbox_depth", NULL, (double)pending);
            hd_metrics_set(svc->metrics, "deskbot_dead_letters", NULL, (double)dead);
        }
        return hd_metrics_render(svc->metrics);
    }
    return NULL;
}

int cmd_init(cli *c, int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            printf("usage: deskbot init\n\nCreate (or upgrade) the database and, if it is "
                   "empty, load the sample\nknowledge base and users.\n");
            return CLI_OK;
        }
        return cli_usage_error("init", "init takes no arguments");
    }
    if (cli_open(c) != 0)
        return CLI_FAILED;
    printf("database %s is ready (schema version %d)\n",
           c->db_override ? c->db_override : c->cfg->db_path, HD_SCHEMA_VERSION);
    if (seed_samples(c->desk, 1) != 0)
        return cli_error();
    return CLI_OK;
}

static void sweep(hd_loop *loop, void *payload)
{
    service *svc = payload;
    int64_t now = (int64_t)time(NULL);
    hd_sla_event *events = NULL;
    size_t n = 0, i;
    int applied = 0;

    (void)loop;
    if (hd_survey_apply_defaults(svc->desk, now, &applied) != 0)
        hd_log(HD_LOG_ERROR, "event=survey_defaults_failed error=\"%s\"", hd_error_last());
    else if (applied > 0)
        hd_log(HD_LOG_INFO, "event=survey_defaults applied=%d", applied);
    /* Warnings at the configured share of a target; escalation at breach. */
    if (hd_sla_sweep(svc->desk, now, &events, &n) != 0)
        hd_log(HD_LOG_ERROR, "event=sla_sweep_failed error=\"%s\"", hd_error_last());
    for (i = 0; i < n; i++) {
        const char *target = events[i].alert.kind == HD_SLA_RESPONSE ? "response" : "resolution";
        int breach = events[i].event == HD_SLA_BREACH;

        hd_metrics_add(svc->metrics,
                       breach ? "deskbot_sla_breaches_total" : "deskbot_sla_warnings_total", target,
                       1);
        hd_log(breach ? HD_LOG_WARN : HD_LOG_INFO,
               "event=%s ticket=%s target=%s group=%s escalated_to=%s",
               breach ? "sla_breach" : "sla_warning", events[i].alert.number, target,
               events[i].alert.group ? events[i].alert.group : "-",
               events[i].escalated_to ? events[i].escalated_to : "-");
    }
    hd_sla_events_free(events, n);
    /* Buttons older than 30 days are forgotten: pressing one says it expired. */
    if (hd_action_purge(svc->desk, now - 30 * 86400) != 0)
        hd_log(HD_LOG_ERROR, "event=button_purge_failed error=\"%s\"", hd_error_last());
}

int cmd_run(cli *c, int argc, char **argv)
{
    struct sigaction sa;
    int64_t articles = 0, employees = 0;
    hd_catalog *cat = NULL;
    hd_nlu *nlu = NULL;
    hd_loop *loop = NULL;
    service svc = {0};
    int rc = CLI_FAILED;

    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            printf("usage: deskbot run\n\nStart the service on the configured database "
                   "(created with the sample\ndata on first start), with GET /healthz and "
                   "/metrics on http_listen\n(default 127.0.0.1:8080). Stops cleanly on "
                   "SIGTERM or SIGINT.\n");
            return CLI_OK;
        }
        return cli_usage_error("run", "run takes no arguments");
    }
    if (cli_open_bot(c, &cat, &nlu) != 0)
        return CLI_FAILED;
    hd_kb_count(hd_desk_store(c->desk), &articles);
    hd_users_count(c->desk, &employees);
    svc.desk = c->desk;
    svc.metrics = hd_metrics_new();
    if (hd_loop_new(&loop, c->cfg->http_listen, http, &svc) != 0) {
        rc = cli_error();
        goto cleanup;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    running = loop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    hd_log(HD_LOG_INFO,
           "event=start db=%s articles=%lld employees=%lld intents=%zu channels=none"
           " http=%s port=%d",
           c->db_override ? c->db_override : c->cfg->db_path, (long long)articles,
           (long long)employees, hd_catalog_count(cat), c->cfg->http_listen, hd_loop_port(loop));
    hd_loop_every(loop, SWEEP_SECONDS, sweep, &svc);
    if (!stop_requested)
        hd_loop_run(loop);
    hd_log(HD_LOG_INFO, "event=stop reason=signal");
    rc = CLI_OK;

cleanup:
    running = NULL;
    hd_loop_free(loop);
    hd_metrics_free(svc.metrics);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    return rc;
}
