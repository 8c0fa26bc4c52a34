/*
 * config.c - load and validate deskbot's configuration.
 *
 * Scalars are declared once in `settings[]` (after Redis static_configs[]);
 * policy sections are read from JSON: the embedded defaults with the
 * administrator's file merged over them. Every error names the setting's
 * path so a broken file is fixed in one go.
 */
#include "hd/config.h"

#include "civil.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum setting_type { SETTING_STRING, SETTING_INT } setting_type;

static const struct setting {
    const char *name;
    setting_type type;
    size_t offset;
    const char *def;
    long min, max;
    const char *env;
} settings[] = {
    {"db", SETTING_STRING, offsetof(hd_config, db_path), "var/deskbot.db", 0, 0, "DESKBOT_DB"},
    {"log_level", SETTING_STRING, offsetof(hd_config, log_level), "info", 0, 0,
     "DESKBOT_LOG_LEVEL"},
    {"log_format", SETTING_STRING, offsetof(hd_config, log_format), "text", 0, 0,
     "DESKBOT_LOG_FORMAT"},
    /* Loopback unless an administrator says otherwise. */
    {"http_listen", SETTING_STRING, offsetof(hd_config, http_listen), "127.0.0.1:8080", 0, 0,
     "DESKBOT_HTTP_LISTEN"},
    /* Empty: the catalog built into the binary. */
    {"intents_dir", SETTING_STRING, offsetof(hd_config, intents_dir), "", 0, 0,
     "DESKBOT_INTENTS_DIR"},
    {"busy_timeout_ms", SETTING_INT, offsetof(hd_config, busy_timeout_ms), "5000", 0, 600000,
     "DESKBOT_BUSY_TIMEOUT_MS"},
    {"survey_default_days", SETTING_INT, offsetof(hd_config, survey_default_days), "5", 1, 90,
     "DESKBOT_SURVEY_DEFAULT_DAYS"},
    {"survey_default_rating", SETTING_INT, offsetof(hd_config, survey_default_rating), "4", 1, 5,
     "DESKBOT_SURVEY_DEFAULT_RATING"},
    {"vip_priority_raise", SETTING_INT, offsetof(hd_config, vip_priority_raise), "1", 0, 3,
     "DESKBOT_VIP_PRIORITY_RAISE"},
    {"sla_warn_percent", SETTING_INT, offsetof(hd_config, sla_warn_percent), "75", 1, 99,
     "DESKBOT_SLA_WARN_PERCENT"},
    {"nlu_threshold", SETTING_INT, offsetof(hd_config, nlu_threshold), "55", 1, 99,
     "DESKBOT_NLU_THRESHOLD"},
    {"draft_idle_minutes", SETTING_INT, offsetof(hd_config, draft_idle_minutes), "30", 1, 10080,
     "DESKBOT_DRAFT_IDLE_MINUTES"},
    {"nudge_interval_minutes", SETTING_INT, offsetof(hd_config, nudge_interval_minutes), "60", 0,
     10080, "DESKBOT_NUDGE_INTERVAL_MINUTES"},
    {"outbox_max_attempts", SETTING_INT, offsetof(hd_config, outbox_max_attempts), "10", 1, 100,
     "DESKBOT_OUTBOX_MAX_ATTEMPTS"},
    /*
     * Slack: the tokens themselves come only from the environment
     * (SLACK_APP_TOKEN, SLACK_BOT_TOKEN) or from these files.
     */
    {"slack_app_token_file", SETTING_STRING, offsetof(hd_config, slack_app_token_file), "", 0, 0,
     "SLACK_APP_TOKEN_FILE"},
    {"slack_bot_token_file", SETTING_STRING, offsetof(hd_config, slack_bot_token_file), "", 0, 0,
     "SLACK_BOT_TOKEN_FILE"},
    {"slack_api_url", SETTING_STRING, offsetof(hd_config, slack_api_url), "https://slack.com/api/",
     0, 0, "SLACK_API_URL"},
    /* The web chat, served on http_listen: on unless turned off. */
    {"web_enabled", SETTING_INT, offsetof(hd_config, web_enabled), "1", 0, 1,
     "DESKBOT_WEB_ENABLED"},
    /* "auto": development sign-in only while http_listen is loopback. */
    {"web_dev_login", SETTING_STRING, offsetof(hd_config, web_dev_login), "auto", 0, 0,
     "DESKBOT_WEB_DEV_LOGIN"},
    /* A reverse proxy's header naming the signed-in employee; "": none trusted. */
    {"web_trusted_header", SETTING_STRING, offsetof(hd_config, web_trusted_header), "", 0, 0,
     "DESKBOT_WEB_TRUSTED_HEADER"},
    /* Where people reach the pages, for links; "": http:// and http_listen. */
    {"web_public_url", SETTING_STRING, offsetof(hd_config, web_public_url), "", 0, 0,
     "DESKBOT_WEB_PUBLIC_URL"},
    {"web_max_frame", SETTING_INT, offsetof(hd_config, web_max_frame), "16384", 1024, 1048576,
     "DESKBOT_WEB_MAX_FRAME"},
    {"web_max_text", SETTING_INT, offsetof(hd_config, web_max_text), "8000", 16, 1048576,
     "DESKBOT_WEB_MAX_TEXT"},
    {"web_link_hours", SETTING_INT, offsetof(hd_config, web_link_hours), "168", 1, 8760,
     "DESKBOT_WEB_LINK_HOURS"},
};

static const char *const policy_keys[] = {"priority_matrix", "calendars",     "sla",
                                          "groups",          "default_group", "routing"};

static int bad(const char *path, const char *fmt, ...) HD_PRINTF(2, 3);

static int bad(const char *path, const char *fmt, ...)
{
    char what[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return hd_error_set(HD_ECONFIG, "configuration: %s: %s", path, what);
}

static int set_scalar(hd_config *cfg, const struct setting *s, const char *text, const char *origin)
{
    char *end;
    long v;

    if (s->type == SETTING_STRING) {
        char **slot = (char **)((char *)cfg + s->offset);

        if (text[0] == '\0' && s->def[0] != '\0')
            return bad(s->name, "must not be empty (from %s)", origin);
        hd_free(*slot);
        *slot = text[0] ? hd_strdup(text) : NULL;
        return 0;
    }
    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < s->min || v > s->max) {
        return hd_error_set(HD_ECONFIG,
                            "configuration: %s: '%s' from %s is not an integer in %ld..%ld",
                            s->name, text, origin, s->min, s->max);
    }
    *(int *)((char *)cfg + s->offset) = (int)v;
    return 0;
}

static int load_scalars(hd_config *cfg, json_t *root)
{
    char num[32];
    size_t i;
    int err;

    for (i = 0; i < HD_ARRAY_SIZE(settings); i++) {
        const struct setting *s = &settings[i];
        json_t *v = json_object_get(root, s->name);
        const char *env = getenv(s->env);

        if ((err = set_scalar(cfg, s, s->def, "the defaults")) != 0)
            return err;
        if (v != NULL) {
            if (s->type == SETTING_STRING && json_is_string(v)) {
                err = set_scalar(cfg, s, json_string_value(v), "the file");
            } else if (s->type == SETTING_INT && json_is_integer(v)) {
                snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
                err = set_scalar(cfg, s, num, "the file");
            } else {
                err = bad(s->name, "must be %s",
                          s->type == SETTING_STRING ? "a string" : "an integer");
            }
            if (err)
                return err;
        }
        if (env != NULL && (err = set_scalar(cfg, s, env, s->env)) != 0)
            return err;
    }
    return 0;
}

static int check_keys(json_t *obj, const char *path, const char *const *allowed, size_t n)
{
    const char *key;
    json_t *v;
    char where[256];
    size_t i;

    json_object_foreach(obj, key, v)
    {
        for (i = 0; i < n; i++)
            if (strcmp(key, allowed[i]) == 0)
                break;
        if (i == n) {
            snprintf(where, sizeof(where), "%s%s%s", path, path[0] ? "." : "", key);
            return bad(where, "unknown setting");
        }
    }
    return 0;
}

static int load_matrix(hd_config *cfg, json_t *m)
{
    char path[96];
    int i, u;

    if (!json_is_object(m))
        return bad("priority_matrix", "must be an object of impacts");
    for (i = 0; i < HD_IMPACT_COUNT; i++) {
        json_t *row = json_object_get(m, hd_impact_name((hd_impact)i));

        snprintf(path, sizeof(path), "priority_matrix.%s", hd_impact_name((hd_impact)i));
        if (!json_is_object(row))
            return bad(path, "missing (one object per impact: individual, team, organisation)");
        for (u = 0; u < HD_URGENCY_COUNT; u++) {
            json_t *p = json_object_get(row, hd_urgency_name((hd_urgency)u));

            snprintf(path, sizeof(path), "priority_matrix.%s.%s", hd_impact_name((hd_impact)i),
                     hd_urgency_name((hd_urgency)u));
            if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > 4)
                return bad(path, "must be a priority 1..4");
            cfg->priority[i][u] = (int)json_integer_value(p);
        }
    }
    return 0;
}

static int parse_hhmm(const char *s, int *out)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0))
        return -1;
    *out = h * 60 + m;
    return 0;
}

static int parse_date(const char *s, int32_t *out)
{
    int y, m, d, n = 0;

    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
        return -1;
    if (m < 1 || m > 12 || d < 1 || d > hd_civil__days_in_month(y, m))
        return -1;
    *out = y * 10000 + m * 100 + d;
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

static int load_calendar(hd_calendar *cal, const char *name, json_t *c)
{
    static const char *const keys[] = {"always_open", "time_zone", "days", "hours", "holidays"};
    static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    char path[160];
    const char *hours;
    json_t *v;
    size_t i, k;
    int err;

    cal->name = hd_strdup(name);
    snprintf(path, sizeof(path), "calendars.%s", name);
    if (!json_is_object(c))
        return bad(path, "must be an object");
    if ((err = check_keys(c, path, keys, HD_ARRAY_SIZE(keys))) != 0)
        return err;
    if (json_is_true(json_object_get(c, "always_open"))) {
        if (json_object_size(c) != 1)
            return bad(path, "an always_open calendar takes no other settings");
        cal->always_open = 1;
        return 0;
    }

    v = json_object_get(c, "time_zone");
    snprintf(path, sizeof(path), "calendars.%s.time_zone", name);
    if (!json_is_string(v))
        return bad(path, "missing (an IANA zone such as Europe/Berlin, or UTC)");
    if (hd_tz_load(&cal->tz, json_string_value(v)) != 0)
        return bad(path, "%s", hd_error_last());

    v = json_object_get(c, "days");
    snprintf(path, sizeof(path), "calendars.%s.days", name);
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(path, "must list at least one weekday (mon … sun)");
    for (i = 0; i < json_array_size(v); i++) {
        const char *d = json_string_value(json_array_get(v, i));

        for (k = 0; d && k < 7; k++)
            if (strcasecmp(d, days[k]) == 0)
                break;
        if (d == NULL || k == 7)
            return bad(path, "'%s' is not a weekday (mon … sun)", d ? d : "?");
        cal->weekdays |= 1u << k;
    }

    v = json_object_get(c, "hours");
    snprintf(path, sizeof(path), "calendars.%s.hours", name);
    hours = json_string_value(v);
    if (hours == NULL || strlen(hours) != 11 || hours[5] != '-' ||
        parse_hhmm(hours, &cal->open_min) != 0 || parse_hhmm(hours + 6, &cal->close_min) != 0 ||
        cal->close_min <= cal->open_min)
        return bad(path, "must be \"HH:MM-HH:MM\" with the opening before the closing, not '%s'",
                   hours ? hours : "");

    v = json_object_get(c, "holidays");
    snprintf(path, sizeof(path), "calendars.%s.holidays", name);
    if (v != NULL && !json_is_array(v))
        return bad(path, "must be a list of dates YYYY-MM-DD");
    cal->n_holidays = v ? json_array_size(v) : 0;
    cal->holidays = hd_calloc(cal->n_holidays, sizeof(int32_t));
    for (i = 0; i < cal->n_holidays; i++) {
        const char *d = json_string_value(json_array_get(v, i));

        if (d == NULL || parse_date(d, &cal->holidays[i]) != 0)
            return bad(path, "'%s' is not a date YYYY-MM-DD", d ? d : "?");
    }
    qsort(cal->holidays, cal->n_holidays, sizeof(int32_t), cmp_i32);
    return 0;
}

static const hd_calendar *find_calendar(const hd_config *cfg, const char *name)
{
    size_t i;

    for (i = 0; name && i < cfg->n_calendars; i++)
        if (strcmp(cfg->calendars[i].name, name) == 0)
            return &cfg->calendars[i];
    return NULL;
}

/*
 * A duration is a sequence of <number><unit>: s, m, h, or d, where a day is
 * one opening of the calendar (9 h for 09:00-18:00, 24 h when always open).
 */
static int parse_duration(const char *s, const hd_calendar *cal, int64_t *out)
{
    int64_t day = cal->always_open ? 86400 : (int64_t)(cal->close_min - cal->open_min) * 60;
    int64_t total = 0;

    if (s == NULL || *s == '\0')
        return -1;
    while (*s) {
        char *end;
        long long n;

        if (!isdigit((unsigned char)*s))
            return -1;
        errno = 0;
        n = strtoll(s, &end, 10);
        if (errno || n > 100000)
            return -1;
        switch (*end) {
        case 's':
            total += n;
            break;
        case 'm':
            total += n * 60;
            break;
        case 'h':
            total += n * 3600;
            break;
        case 'd':
            total += n * day;
            break;
        default:
            return -1;
        }
        s = end + 1;
    }
    *out = total;
    return total > 0 ? 0 : -1;
}

static int load_sla(hd_config *cfg, json_t *sla)
{
    static const char *const keys[] = {"response", "resolution", "calendar"};
    static const char *const prios[] = {"P1", "P2", "P3", "P4"};
    char path[96];
    int p, err;

    if (!json_is_object(sla))
        return bad("sla", "must be an object with P1, P2, P3 and P4");
    if ((err = check_keys(sla, "sla", prios, HD_ARRAY_SIZE(prios))) != 0)
        return err;
    for (p = 0; p < HD_PRIORITY_COUNT; p++) {
        json_t *t = json_object_get(sla, prios[p]);
        hd_sla_target *target = &cfg->sla[p];
        const char *name;

        snprintf(path, sizeof(path), "sla.%s", prios[p]);
        if (!json_is_object(t))
            return bad(path, "missing (response, resolution, calendar)");
        if ((err = check_keys(t, path, keys, HD_ARRAY_SIZE(keys))) != 0)
            return err;
        name = json_string_value(json_object_get(t, "calendar"));
        snprintf(path, sizeof(path), "sla.%s.calendar", prios[p]);
        if ((target->calendar = find_calendar(cfg, name)) == NULL)
            return bad(path, "no calendar named '%s'", name ? name : "");
        snprintf(path, sizeof(path), "sla.%s.response", prios[p]);
        if (parse_duration(json_string_value(json_object_get(t, "response")), target->calendar,
                           &target->response_secs) != 0)
            return bad(path, "must be a positive duration such as \"30m\", \"4h\" or \"2d\"");
        snprintf(path, sizeof(path), "sla.%s.resolution", prios[p]);
        if (parse_duration(json_string_value(json_object_get(t, "resolution")), target->calendar,
                           &target->resolution_secs) != 0)
            return bad(path, "must be a positive duration such as \"8h\" or \"3d\"");
        if (target->resolution_secs < target->response_secs)
            return bad(path, "must not be shorter than the response target");
    }
    return 0;
}

static int load_strings(char ***out, size_t *n, json_t *arr, const char *path)
{
    size_t i;

    *n = 0;
    if (arr == NULL)
        return 0;
    if (!json_is_array(arr))
        return bad(path, "must be a list of strings");
    *out = hd_calloc(json_array_size(arr), sizeof(char *));
    for (i = 0; i < json_array_size(arr); i++) {
        const char *s = json_string_value(json_array_get(arr, i));

        if (s == NULL || s[0] == '\0')
            return bad(path, "must be a list of non-empty strings");
        (*out)[(*n)++] = hd_strdup(s);
    }
    return 0;
}

/* "rooms": {"slack": "C0123", …}: where each platform shows the group's cards. */
static int load_rooms(hd_group *grp, json_t *rooms, const char *path)
{
    const char *platform;
    json_t *v;

    if (rooms == NULL)
        return 0;
    if (!json_is_object(rooms))
        return bad(path, "must map platforms to room ids, like {\"slack\": \"C0123\"}");
    grp->rooms = hd_calloc(json_object_size(rooms), sizeof(*grp->rooms));
    json_object_foreach(rooms, platform, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return bad(path, "the room for %s must be a non-empty string", platform);
        grp->rooms[grp->n_rooms].platform = hd_strdup(platform);
        grp->rooms[grp->n_rooms].room = hd_strdup(json_string_value(v));
        grp->n_rooms++;
    }
    return 0;
}

static int load_groups(hd_config *cfg, json_t *groups)
{
    static const char *const keys[] = {"name", "tier", "escalation", "agents", "rooms"};
    char path[96];
    size_t i, hops;
    int err;

    if (!json_is_array(groups) || json_array_size(groups) == 0)
        return bad("groups", "must list at least one assignment group");
    cfg->groups = hd_calloc(json_array_size(groups), sizeof(hd_group));
    for (i = 0; i < json_array_size(groups); i++) {
        json_t *g = json_array_get(groups, i);
        hd_group *grp = &cfg->groups[i];
        const char *name = json_string_value(json_object_get(g, "name"));
        json_t *tier = json_object_get(g, "tier");
        const char *esc = json_string_value(json_object_get(g, "escalation"));

        snprintf(path, sizeof(path), "groups[%zu]", i);
        if (!json_is_object(g))
            return bad(path, "must be an object");
        if ((err = check_keys(g, path, keys, HD_ARRAY_SIZE(keys))) != 0)
            return err;
        if (name == NULL || name[0] == '\0')
            return bad(path, "needs a name");
        if (hd_config_group(cfg, name) != NULL)
            return bad(path, "duplicate group name '%s'", name);
        cfg->n_groups++;
        grp->name = hd_strdup(name);
        if (!json_is_integer(tier) || json_integer_value(tier) < 1 || json_integer_value(tier) > 3)
            return bad(path, "tier must be 1, 2 or 3 (L1-L3)");
        grp->tier = (int)json_integer_value(tier);
        grp->escalation = esc ? hd_strdup(esc) : NULL;
        snprintf(path, sizeof(path), "groups[%zu].agents", i);
        if ((err = load_strings(&grp->agents, &grp->n_agents, json_object_get(g, "agents"),
                                path)) != 0)
            return err;
        snprintf(path, sizeof(path), "groups[%zu].rooms", i);
        if ((err = load_rooms(grp, json_object_get(g, "rooms"), path)) != 0)
            return err;
    }
    /* Escalation targets exist, and following them always ends. */
    for (i = 0; i < cfg->n_groups; i++) {
        const hd_group *g = &cfg->groups[i];

        snprintf(path, sizeof(path), "groups[%zu].escalation", i);
        for (hops = 0; g->escalation != NULL; hops++) {
            const hd_group *next = hd_config_group(cfg, g->escalation);

            if (next == NULL)
                return bad(path, "no group named '%s'", g->escalation);
            if (hops > cfg->n_groups)
                return bad(path, "escalation from '%s' loops back on itself", cfg->groups[i].name);
            g = next;
        }
    }
    return 0;
}

static int load_routes(hd_config *cfg, json_t *routes)
{
    static const char *const keys[] = {"type", "category", "department", "keywords", "group"};
    char path[96];
    size_t i;
    int err;

    if (routes != NULL && !json_is_array(routes))
        return bad("routing", "must be a list of rules");
    cfg->routes = hd_calloc(routes ? json_array_size(routes) : 0, sizeof(hd_route));
    for (i = 0; routes && i < json_array_size(routes); i++) {
        json_t *r = json_array_get(routes, i);
        hd_route *route = &cfg->routes[i];
        const char *type = json_string_value(json_object_get(r, "type"));
        const char *cat = json_string_value(json_object_get(r, "category"));
        const char *dept = json_string_value(json_object_get(r, "department"));
        const char *group = json_string_value(json_object_get(r, "group"));

        snprintf(path, sizeof(path), "routing[%zu]", i);
        if (!json_is_object(r))
            return bad(path, "must be an object");
        if ((err = check_keys(r, path, keys, HD_ARRAY_SIZE(keys))) != 0)
            return err;
        cfg->n_routes++;
        route->type = -1;
        if (type != NULL) {
            hd_ticket_type t;

            if (hd_type_parse(&t, type) != 0)
                return bad(path, "%s", hd_error_last());
            route->type = (int)t;
        }
        route->category = cat ? hd_strdup(cat) : NULL;
        route->department = dept ? hd_strdup(dept) : NULL;
        if ((route->group = hd_config_group(cfg, group)) == NULL)
            return bad(path, "no group named '%s'", group ? group : "");
        snprintf(path, sizeof(path), "routing[%zu].keywords", i);
        if ((err = load_strings(&route->keywords, &route->n_keywords,
                                json_object_get(r, "keywords"), path)) != 0)
            return err;
    }
    return 0;
}

static int load_policy(hd_config *cfg, json_t *root)
{
    json_t *cals = json_object_get(root, "calendars");
    const char *name, *dflt;
    json_t *v;
    int err;

    if ((err = load_matrix(cfg, json_object_get(root, "priority_matrix"))) != 0)
        return err;
    if (!json_is_object(cals) || json_object_size(cals) == 0)
        return bad("calendars", "must define at least one calendar");
    cfg->calendars = hd_calloc(json_object_size(cals), sizeof(hd_calendar));
    json_object_foreach(cals, name, v)
    {
        if ((err = load_calendar(&cfg->calendars[cfg->n_calendars++], name, v)) != 0)
            return err;
    }
    if ((err = load_sla(cfg, json_object_get(root, "sla"))) != 0)
        return err;
    if ((err = load_groups(cfg, json_object_get(root, "groups"))) != 0)
        return err;
    dflt = json_string_value(json_object_get(root, "default_group"));
    if ((cfg->default_group = hd_config_group(cfg, dflt)) == NULL)
        return bad("default_group", "no group named '%s'", dflt ? dflt : "");
    return load_routes(cfg, json_object_get(root, "routing"));
}

int hd_config_load(hd_config **out, const char *defaults_json, const char *path)
{
    hd_config *cfg = hd_calloc(1, sizeof(*cfg));
    json_t *root = NULL, *user = NULL;
    json_error_t jerr;
    const char *allowed[HD_ARRAY_SIZE(settings) + HD_ARRAY_SIZE(policy_keys)];
    size_t i, n = 0;
    int err;

    *out = NULL;
    root = json_loads(defaults_json, 0, &jerr);
    if (!json_is_object(root)) {
        err = hd_error_set(HD_EPARSE, "embedded defaults:%d:%d: %s", jerr.line, jerr.column,
                           jerr.text);
        goto cleanup;
    }
    if (path != NULL) {
        user = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (user == NULL) {
            err = jerr.line < 0 ? hd_error_set(HD_EIO, "cannot read %s: %s", path, jerr.text)
                                : hd_error_set(HD_EPARSE, "%s:%d:%d: %s", path, jerr.line,
                                               jerr.column, jerr.text);
            goto cleanup;
        }
        if (!json_is_object(user)) {
            err = hd_error_set(HD_EPARSE, "%s: the configuration must be a JSON object", path);
            goto cleanup;
        }
        for (i = 0; i < HD_ARRAY_SIZE(settings); i++)
            allowed[n++] = settings[i].name;
        for (i = 0; i < HD_ARRAY_SIZE(policy_keys); i++)
            allowed[n++] = policy_keys[i];
        if ((err = check_keys(user, "", allowed, n)) != 0)
            goto cleanup;
        json_object_update_recursive(root, user);
    }
    if ((err = load_scalars(cfg, root)) != 0 || (err = load_policy(cfg, root)) != 0)
        goto cleanup;
    if (strcmp(cfg->log_format, "text") != 0 && strcmp(cfg->log_format, "json") != 0) {
        err = bad("log_format", "must be \"text\" or \"json\", not '%s'", cfg->log_format);
        goto cleanup;
    }
    if (strcmp(cfg->web_dev_login, "auto") != 0 && strcmp(cfg->web_dev_login, "on") != 0 &&
        strcmp(cfg->web_dev_login, "off") != 0) {
        err = bad("web_dev_login", "must be \"auto\", \"on\" or \"off\", not '%s'",
                  cfg->web_dev_login);
        goto cleanup;
    }
    if (cfg->web_max_text >= cfg->web_max_frame) {
        err = bad("web_max_text", "must be below web_max_frame (%d), not %d", cfg->web_max_frame,
                  cfg->web_max_text);
        goto cleanup;
    }
    *out = cfg;
    cfg = NULL;

cleanup:
    json_decref(root);
    json_decref(user);
    hd_config_free(cfg);
    return err;
}

static void free_strings(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_free(v[i]);
    hd_free(v);
}

void hd_config_free(hd_config *cfg)
{
    size_t i, j;

    if (cfg == NULL)
        return;
    hd_free(cfg->db_path);
    hd_free(cfg->log_level);
    hd_free(cfg->log_format);
    hd_free(cfg->http_listen);
    hd_free(cfg->intents_dir);
    hd_free(cfg->slack_app_token_file);
    hd_free(cfg->slack_bot_token_file);
    hd_free(cfg->slack_api_url);
    hd_free(cfg->web_dev_login);
    hd_free(cfg->web_trusted_header);
    hd_free(cfg->web_public_url);
    for (i = 0; i < cfg->n_calendars; i++)
        hd_calendar_free_fields(&cfg->calendars[i]);
    hd_free(cfg->calendars);
    for (i = 0; i < cfg->n_groups; i++) {
        hd_free(cfg->groups[i].name);
        hd_free(cfg->groups[i].escalation);
        free_strings(cfg->groups[i].agents, cfg->groups[i].n_agents);
        for (j = 0; j < cfg->groups[i].n_rooms; j++) {
            hd_free(cfg->groups[i].rooms[j].platform);
            hd_free(cfg->groups[i].rooms[j].room);
        }
        hd_free(cfg->groups[i].rooms);
    }
    hd_free(cfg->groups);
    for (i = 0; i < cfg->n_routes; i++) {
        hd_free(cfg->routes[i].category);
        hd_free(cfg->routes[i].department);
        free_strings(cfg->routes[i].keywords, cfg->routes[i].n_keywords);
    }
    hd_free(cfg->routes);
    hd_free(cfg);
}

const hd_group *hd_config_group(const hd_config *cfg, const char *name)
{
    size_t i;

    for (i = 0; name && i < cfg->n_groups; i++)
        if (strcmp(cfg->groups[i].name, name) == 0)
            return &cfg->groups[i];
    return NULL;
}

const char *hd_config_room(const hd_group *group, const char *platform)
{
    size_t i;

    for (i = 0; group && platform && i < group->n_rooms; i++)
        if (strcmp(group->rooms[i].platform, platform) == 0)
            return group->rooms[i].room;
    return NULL;
}

int hd_config_is_agent_of(const hd_group *group, const char *username)
{
    size_t i;

    for (i = 0; group && username && i < group->n_agents; i++)
        if (strcmp(group->agents[i], username) == 0)
            return 1;
    return 0;
}
