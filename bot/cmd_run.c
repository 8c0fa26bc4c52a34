/*
 * cmd_run.c - `deskbot init` and `deskbot run`.
 *
 * `run` is the service: one event loop carrying the chat channels that are
 * configured (the web chat unless turned off, Slack when its tokens are
 * set), /healthz and /metrics, and
 * the desk's clocks - SLA warnings and escalations announced in the
 * agents' rooms, default survey ratings, idle drafts closed. Every event a
 * channel delivers runs as one transaction: the intake record, the turn,
 * and the outbox rows of its answers.
 *
 * SIGTERM or SIGINT stops intake, gives the outbox a bounded time to
 * drain and exits; a second signal exits at once. Either way nothing
 * acknowledged is lost: what was not sent is still in the outbox.
 */
#include "chan_slack.h"
#include "chan_web.h"
#include "cli.h"
#include "dialogue.h"
#include "loop.h"
#include "metrics.h"

#include "hd/conversation.h"
#include "hd/intent.h"
#include "hd/kb.h"
#include "hd/outbox.h"
#include "hd/survey.h"
#include "hd/ticket.h"
#include "hd/users.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SWEEP_MS 60000
#define FLUSH_MS 5000 /* how long a stopping service keeps sending */
#define MAX_CHANNELS 4
#define KEEP_SECONDS (30 * 86400) /* buttons, delivery records and intake ids */

static volatile sig_atomic_t stop_requested;
static hd_loop *running;

static void on_signal(int sig)
{
    (void)sig;
    if (stop_requested)
        _Exit(1); /* a second signal: leave at once; the outbox keeps the rest */
    stop_requested = 1;
    if (running)
        hd_loop_stop(running);
}

typedef struct service {
    hd_desk *desk;
    hd_dialogue *dialogue;
    hd_metrics *metrics;
    hd_loop *loop;
    hd_timer *sweep;
    hd_channel *channels[MAX_CHANNELS];
    size_t n_channels;
    hd_dialogue_counts counted; /* what the metrics have been told */
} service;

static hd_channel *channel_named(service *svc, const char *name)
{
    size_t i;

    for (i = 0; i < svc->n_channels; i++)
        if (strcmp(svc->channels[i]->type->name, name) == 0)
            return svc->channels[i];
    return NULL;
}

/* Hand each reply to its channel (in the caller's transaction). */
static int route(service *svc, const hd_replies *out)
{
    size_t i;
    int err = 0;

    for (i = 0; i < out->n && err == 0; i++) {
        hd_channel *ch = channel_named(svc, out->items[i].channel);

        if (ch)
            err = ch->type->send(ch, &out->items[i]);
        else
            hd_log(HD_LOG_WARN,
                   "event=reply_not_sent channel=%s to=%s reason=\"channel not running\"",
                   out->items[i].channel, out->items[i].to ? out->items[i].to : "-");
    }
    return err;
}

/* A channel's event: intake record, turn and outbox rows commit together. */
static int deliver(hd_channel *ch, const hd_turn *turn, void *payload)
{
    service *svc = payload;
    hd_store *st = hd_desk_store(svc->desk);
    hd_replies out = {0};
    int err;

    if ((err = hd_store_begin(st)) != 0)
        return err;
    if (turn->event_id)
        err = hd_intake_record(svc->desk, ch->type->name, turn->event_id, turn->now);
    if (err == 0)
        err = hd_dialogue_turn(svc->dialogue, turn, &out);
    if (err == 0)
        err = route(svc, &out);
    if (err == 0)
        err = hd_store_commit(st);
    else
        hd_store_rollback(st);
    hd_replies_clear(&out);
    return err;
}

/* /healthz: each channel's state; "degraded" unless all are connected. */
static char *healthz(service *svc)
{
    json_t *root = json_object(), *channels = json_object();
    const char *overall = "ok";
    char *s, *body;
    size_t i;

    for (i = 0; i < svc->n_channels; i++) {
        const char *state = svc->channels[i]->type->status(svc->channels[i]);

        json_object_set_new(channels, svc->channels[i]->type->name, json_string(state));
        if (strcmp(state, "connected") != 0)
            overall = "degraded";
    }
    json_object_set_new(root, "status", json_string(overall));
    json_object_set_new(root, "channels", channels);
    s = json_dumps(root, JSON_COMPACT);
    body = hd_sprintf("%s\n", s);
    free(s);
    json_decref(root);
    return body;
}

static char *metrics(service *svc)
{
    const hd_dialogue_counts *counts = hd_dialogue_counts_get(svc->dialogue);
    int64_t pending = 0, dead = 0;
    int t;

    if (hd_outbox_depth(svc->desk, &pending, &dead) == 0) {
        hd_metrics_set(svc->metrics, "deskbot_outbox_depth", NULL, (double)pending);
        hd_metrics_set(svc->metrics, "deskbot_dead_letters", NULL, (double)dead);
    }
    for (t = 0; t < HD_TYPE_COUNT; t++)
        hd_metrics_add(svc->metrics, "deskbot_tickets_created_total",
                       hd_type_name((hd_ticket_type)t),
                       (double)(counts->tickets[t] - svc->counted.tickets[t]));
    hd_metrics_add(svc->metrics, "deskbot_kb_deflections_total", NULL,
                   (double)(counts->deflections - svc->counted.deflections));
    svc->counted = *counts;
    return hd_metrics_render(svc->metrics);
}

/* GET /healthz and /metrics, then whatever the channels serve (the web chat). */
static int http(const hd_http_request *req, hd_http_response *res, void *payload)
{
    service *svc = payload;
    const char *path = hd_http_path(req);
    size_t i;
    int err;

    if (strcmp(path, "/healthz") == 0) {
        res->content_type = "application/json";
        res->body = healthz(svc);
    } else if (strcmp(path, "/metrics") == 0) {
        res->content_type = "text/plain; version=0.0.4; charset=utf-8";
        res->body = metrics(svc);
    } else {
        for (i = 0; i < svc->n_channels; i++) {
            hd_channel *ch = svc->channels[i];

            if (ch->type->http && (err = ch->type->http(ch, req, res)) != HD_ENOTFOUND)
                return err;
        }
        return HD_ENOTFOUND;
    }
    res->len = strlen(res->body);
    return 0;
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

/* SLA warnings and escalations, announced on every channel with team rooms. */
static int sla_sweep(service *svc, int64_t now)
{
    hd_sla_event *events = NULL;
    hd_replies out = {0};
    size_t n = 0, i;
    int err;

    if ((err = hd_sla_sweep(svc->desk, now, &events, &n)) != 0)
        return err;
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
    for (i = 0; i < svc->n_channels; i++)
        hd_dialogue_sla_notices(svc->dialogue, events, n, svc->channels[i]->type->name, &out);
    err = route(svc, &out);
    hd_replies_clear(&out);
    hd_sla_events_free(events, n);
    return err;
}

/* One pass of the clocks; each step commits with the messages it sends. */
static void sweep(hd_timer *timer, void *payload)
{
    service *svc = payload;
    hd_store *st = hd_desk_store(svc->desk);
    int64_t now = (int64_t)time(NULL);
    hd_replies out = {0};
    int applied = 0, err;

    if (hd_survey_apply_defaults(svc->desk, now, &applied) != 0)
        hd_log(HD_LOG_ERROR, "event=survey_defaults_failed error=\"%s\"", hd_error_last());
    else if (applied > 0)
        hd_log(HD_LOG_INFO, "event=survey_defaults applied=%d", applied);

    if ((err = hd_store_begin(st)) == 0) {
        if ((err = sla_sweep(svc, now)) == 0)
            err = hd_store_commit(st);
        else
            hd_store_rollback(st);
    }
    if (err)
        hd_log(HD_LOG_ERROR, "event=sla_sweep_failed error=\"%s\"", hd_error_last());

    /* Drafts left alone too long are closed, and their owners told. */
    if ((err = hd_store_begin(st)) == 0) {
        if ((err = hd_dialogue_expire(svc->dialogue, now, &out)) == 0 &&
            (err = route(svc, &out)) == 0)
            err = hd_store_commit(st);
        else
            hd_store_rollback(st);
    }
    if (err)
        hd_log(HD_LOG_ERROR, "event=draft_expiry_failed error=\"%s\"", hd_error_last());
    hd_replies_clear(&out);

    /* Old buttons say they expired; old intake ids and delivery records go. */
    if (hd_action_purge(svc->desk, now - KEEP_SECONDS) != 0 ||
        hd_intake_forget(svc->desk, now - KEEP_SECONDS) != 0 ||
        hd_delivery_forget(svc->desk, now - KEEP_SECONDS) != 0)
        hd_log(HD_LOG_ERROR, "event=purge_failed error=\"%s\"", hd_error_last());
    hd_timer_start(timer, SWEEP_MS);
}

/* Stopping: done once nothing is due and no call is in flight. */
static int flushed(void *payload)
{
    service *svc = payload;
    hd_outbox_item *items = NULL;
    size_t n = 0, i;
    int idle = hd_loop_fetches(svc->loop) == 0;

    for (i = 0; idle && i < svc->n_channels; i++) {
        if (hd_outbox_due(svc->desk, svc->channels[i]->type->name, (int64_t)time(NULL), 1, &items,
                          &n) == 0)
            idle = n == 0;
        hd_outbox_items_free(items, n);
        items = NULL;
        n = 0;
    }
    return idle;
}

/*
 * The platform channels. Each constructor returns HD_ENOTFOUND when its
 * platform is not configured; adding a platform is adding its file and
 * one line here.
 */
typedef int (*channel_new_fn)(hd_channel **out, hd_loop *loop, hd_desk *desk, hd_metrics *metrics);

static const channel_new_fn platforms[] = {hd_web_channel_new, hd_slack_channel_new};

static int start_channels(service *svc)
{
    hd_channel *ch = NULL;
    size_t i;
    int err;

    for (i = 0; i < HD_ARRAY_SIZE(platforms) && svc->n_channels < MAX_CHANNELS; i++) {
        if ((err = platforms[i](&ch, svc->loop, svc->desk, svc->metrics)) == 0)
            svc->channels[svc->n_channels++] = ch;
        else if (err != HD_ENOTFOUND)
            return err;
    }
    for (i = 0; i < svc->n_channels; i++)
        if ((err = svc->channels[i]->type->start(svc->channels[i], deliver, svc)) != 0)
            return err;
    return 0;
}

int cmd_run(cli *c, int argc, char **argv)
{
    struct sigaction sa;
    int64_t articles = 0, employees = 0;
    hd_catalog *cat = NULL;
    hd_nlu *nlu = NULL;
    service svc = {0};
    char names[64] = "";
    size_t i;
    int rc = CLI_FAILED;

    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            printf("usage: deskbot run\n\nStart the service on the configured database "
                   "(created with the sample\ndata on first start). On http_listen (default "
                   "127.0.0.1:8080) it serves\nthe web chat (/ for employees, /agents for "
                   "agents), GET /healthz and\n/metrics. With SLACK_APP_TOKEN and "
                   "SLACK_BOT_TOKEN set it connects to\nSlack. Stops cleanly on SIGTERM or "
                   "SIGINT.\n");
            return CLI_OK;
        }
        return cli_usage_error("run", "run takes no arguments");
    }
    if (cli_open_bot(c, &cat, &nlu) != 0)
        return CLI_FAILED;
    /* A checkpoint's write-back and fsync must not stall the loop. */
    if (hd_store_checkpoint_in_background(hd_desk_store(c->desk)) != 0)
        return cli_error();
    hd_kb_count(hd_desk_store(c->desk), &articles);
    hd_users_count(c->desk, &employees);
    svc.desk = c->desk;
    svc.metrics = hd_metrics_new();
    hd_dialogue_new(&svc.dialogue, c->desk, cat, nlu);
    if (hd_loop_new(&svc.loop, c->cfg->http_listen, http, &svc) != 0 || start_channels(&svc) != 0) {
        rc = cli_error();
        goto cleanup;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    running = svc.loop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    for (i = 0; i < svc.n_channels; i++)
        snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? "," : "",
                 svc.channels[i]->type->name);
    hd_log(HD_LOG_INFO,
           "event=start db=%s articles=%lld employees=%lld intents=%zu channels=%s"
           " http=%s port=%d",
           c->db_override ? c->db_override : c->cfg->db_path, (long long)articles,
           (long long)employees, hd_catalog_count(cat), names[0] ? names : "none",
           c->cfg->http_listen, hd_loop_port(svc.loop));
    svc.sweep = hd_timer_new(svc.loop, sweep, &svc);
    hd_timer_start(svc.sweep, 0);
    if (!stop_requested)
        hd_loop_run(svc.loop);

    /* Stop intake; what is queued goes out while there is time. */
    hd_log(HD_LOG_INFO, "event=stopping reason=signal flush_ms=%d", FLUSH_MS);
    hd_timer_stop(svc.sweep);
    for (i = 0; i < svc.n_channels; i++)
        svc.channels[i]->type->stop(svc.channels[i]);
    hd_loop_run_until(svc.loop, FLUSH_MS, flushed, &svc);
    hd_log(HD_LOG_INFO, "event=stop flushed=%s", flushed(&svc) ? "yes" : "no");
    rc = CLI_OK;

cleanup:
    running = NULL;
    hd_timer_free(svc.sweep);
    /* The loop first: calls it cancels report to their channels. */
    hd_loop_free(svc.loop);
    for (i = 0; i < svc.n_channels; i++)
        svc.channels[i]->type->free(svc.channels[i]);
    hd_dialogue_free(svc.dialogue);
    hd_metrics_free(svc.metrics);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    return rc;
}
