/*
 * config.h - deskbot's configuration: a few scalar settings declared in one
 * table (name, type, default, bounds, environment variable), and the
 * service-desk policy: the priority matrix, service calendars, SLA targets,
 * assignment groups and routing rules.
 *
 * Loading order: the embedded defaults, then the administrator's JSON file
 * merged over them (objects key by key, arrays replaced), then environment
 * variables for scalars. Everything is validated once; the result is
 * read-only afterwards.
 */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H

#include "hd/calendar.h"
#include "hd/itil.h"

#include <stdint.h>

typedef struct hd_group {
    char *name;
    int tier;         /* 1, 2 or 3 */
    char *escalation; /* next group's name, or NULL at the top */
    char **agents;    /* usernames of the group's agents */
    size_t n_agents;
    struct hd_group_room {
        char *platform, *room; /* e.g. "slack" → "C0123": where its cards go */
    } * rooms;
    size_t n_rooms;
} hd_group;

typedef struct hd_route {
    int type;         /* hd_ticket_type, or -1 for any */
    char *category;   /* NULL for any */
    char *department; /* NULL for any; compared case-insensitively */
    char **keywords;  /* any one must occur in title or description */
    size_t n_keywords;
    const hd_group *group;
} hd_route;

typedef struct hd_sla_target {
    int64_t response_secs; /* business seconds on `calendar` */
    int64_t resolution_secs;
    const hd_calendar *calendar;
} hd_sla_target;

typedef struct hd_config {
    /* Scalars (see the table in core/config.c). */
    char *db_path;
    char *log_level;
    char *log_format;  /* "text" (key=value) or "json" */
    char *http_listen; /* host:port of /healthz and /metrics */
    char *intents_dir; /* NULL: the embedded intent catalog */
    int busy_timeout_ms;
    int survey_default_days;
    int survey_default_rating;
    int vip_priority_raise;
    int sla_warn_percent;       /* warn the group when this share of a target is used */
    int nlu_threshold;          /* percent: below it the bot asks what was meant */
    int draft_idle_minutes;     /* an unfinished draft expires after this */
    int nudge_interval_minutes; /* at most one nudge per ticket per interval */
    int outbox_max_attempts;    /* sends of one message before it is a dead letter */
    char *slack_app_token_file; /* "": the token is in $SLACK_APP_TOKEN, if anywhere */
    char *slack_bot_token_file;
    char *slack_api_url; /* the Web API base, ending in "/" */
    int web_enabled;
    char *web_dev_login;      /* "auto", "on" or "off" */
    char *web_trusted_header; /* NULL: none */
    char *web_public_url;     /* NULL: http://<http_listen> */
    int web_max_frame;        /* bytes of one WebSocket message */
    int web_max_text;         /* bytes of one message's text */
    int web_link_hours;       /* how long a webchat-link is valid */

    /* Policy. */
    int priority[HD_IMPACT_COUNT][HD_URGENCY_COUNT]; /* 1..4 */
    hd_calendar *calendars;
    size_t n_calendars;
    hd_sla_target sla[HD_PRIORITY_COUNT]; /* [0] is P1 */
    hd_group *groups;
    size_t n_groups;
    hd_route *routes;
    size_t n_routes;
    const hd_group *default_group;
} hd_config;

/*
 * hd_config_load - build a configuration from `defaults_json` (the
 * embedded defaults; required), the JSON file at `path` (may be NULL) and
 * the environment. Returns 0 and a configuration the caller frees with
 * hd_config_free(), or HD_EIO (unreadable file), HD_EPARSE (bad JSON, with
 * file, line and column) or HD_ECONFIG (a bad value, naming its path such
 * as "sla.P2.calendar").
 */
int hd_config_load(hd_config **out, const char *defaults_json, const char *path);

void hd_config_free(hd_config *cfg);

/* hd_config_group - the group named `name`, or NULL. Borrowed. */
const hd_group *hd_config_group(const hd_config *cfg, const char *name);

/* hd_config_room - the room of `group` on `platform`, or NULL. Borrowed. */
const char *hd_config_room(const hd_group *group, const char *platform);

/* hd_config_is_agent_of - whether `username` is an agent of `group`. */
int hd_config_is_agent_of(const hd_group *group, const char *username);

#endif
