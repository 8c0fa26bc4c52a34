/*
 * test_config.c - the embedded defaults load; every broken setting is
 * refused with its path named; the environment overrides scalars.
 */
#include "harness.h"
#include "util.h"

#include <stdlib.h>

static int load_overlay(const char *overlay, hd_config **out)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "deskbot.json", overlay);
    int rc = hd_config_load(out, test_embedded("deskbot.json"), path);

    remove(path);
    remove(dir);
    hd_free(path);
    hd_free(dir);
    return rc;
}

static void test_config__defaults(void)
{
    hd_config *cfg;

    ASSERT_OK(hd_config_load(&cfg, test_embedded("deskbot.json"), NULL));
    ASSERT_STR_EQ(cfg->db_path, "var/deskbot.db");
    ASSERT_INT_EQ(cfg->survey_default_days, 5);
    ASSERT_INT_EQ(cfg->survey_default_rating, 4);
    ASSERT_INT_EQ(cfg->sla[0].response_secs, 15 * 60);
    ASSERT(cfg->sla[0].calendar->always_open);
    /* "3d" on a 09:00-18:00 calendar is three 9-hour days. */
    ASSERT_INT_EQ(cfg->sla[2].resolution_secs, 27 * 3600);
    ASSERT_STR_EQ(cfg->default_group->name, "service-desk");
    ASSERT(hd_config_is_agent_of(hd_config_group(cfg, "service-desk"), "bob"));
    ASSERT(!hd_config_is_agent_of(hd_config_group(cfg, "service-desk"), "alice"));
    ASSERT(cfg->n_routes > 10);
    hd_config_free(cfg);
}

static void test_config__broken_settings_name_their_path(void)
{
    static const struct {
        const char *json, *needle;
    } cases[] = {
        {"{\"survey_default_rating\": 9}", "survey_default_rating"},
        {"{\"busy_timeout_ms\": \"soon\"}", "busy_timeout_ms: must be an integer"},
        {"{\"colour\": \"blue\"}", "colour: unknown setting"},
        {"{\"priority_matrix\": {\"team\": {\"low\": 7}}}", "priority_matrix.team.low"},
        {"{\"sla\": {\"P2\": {\"calendar\": \"mars\"}}}",
         "sla.P2.calendar: no calendar named 'mars'"},
        {"{\"sla\": {\"P1\": {\"response\": \"soon\"}}}", "sla.P1.response"},
        {"{\"sla\": {\"P1\": {\"response\": \"5h\", \"resolution\": \"1h\"}}}",
         "shorter than the response"},
        {"{\"calendars\": {\"office\": {\"time_zone\": \"Mars/Olympus\"}}}",
         "calendars.office.time_zone"},
        {"{\"calendars\": {\"office\": {\"hours\": \"18:00-09:00\"}}}", "calendars.office.hours"},
        {"{\"calendars\": {\"office\": {\"days\": [\"someday\"]}}}", "'someday' is not a weekday"},
        {"{\"calendars\": {\"office\": {\"holidays\": [\"2026-02-30\"]}}}", "2026-02-30"},
        {"{\"groups\": [{\"name\": \"a\", \"tier\": 1, \"escalation\": \"b\"},"
         " {\"name\": \"b\", \"tier\": 2, \"escalation\": \"a\"}], \"default_group\": \"a\","
         " \"routing\": []}",
         "loops"},
        {"{\"groups\": [{\"name\": \"a\", \"tier\": 5}]}", "tier must be 1, 2 or 3"},
        {"{\"default_group\": \"nobody\"}", "default_group: no group named 'nobody'"},
        {"{\"routing\": [{\"type\": \"incident\", \"group\": \"ghosts\"}]}", "routing[0]"},
        {"{\"routing\": [{\"type\": \"problem\", \"group\": \"network\"}]}", "unknown ticket type"},
        {"{\"routing\": [{\"group\": \"network\", \"keyword\": [\"x\"]}]}", "routing[0].keyword"},
        {"{\"groups\": [{\"name\": \"a\", \"tier\": 1, \"rooms\": [\"C1\"]}],"
         " \"default_group\": \"a\", \"routing\": []}",
         "groups[0].rooms"},
        {"{\"groups\": [{\"name\": \"a\", \"tier\": 1, \"rooms\": {\"slack\": \"\"}}],"
         " \"default_group\": \"a\", \"routing\": []}",
         "the room for slack"},
        {"{\"db\": \"x\",}", "deskbot.json:1"},
        {"[1, 2]", "must be a JSON object"},
    };
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(cases); i++) {
        hd_config *cfg = NULL;
        int rc = load_overlay(cases[i].json, &cfg);

        if (rc == 0)
            FAIL_AT("accepted: %s", cases[i].json);
        ASSERT(cfg == NULL);
        if (strstr(hd_error_last(), cases[i].needle) == NULL)
            FAIL_AT("for %s: '%s' lacks '%s'", cases[i].json, hd_error_last(), cases[i].needle);
    }
}

static void test_config__group_rooms(void)
{
    hd_config *cfg;

    ASSERT_OK(load_overlay("{\"groups\": [{\"name\": \"desk\", \"tier\": 1,"
                           " \"rooms\": {\"slack\": \"C0DESK\", \"teams\": \"19:x\"}}],"
                           " \"default_group\": \"desk\", \"routing\": []}",
                           &cfg));
    ASSERT_STR_EQ(hd_config_room(hd_config_group(cfg, "desk"), "slack"), "C0DESK");
    ASSERT_STR_EQ(hd_config_room(hd_config_group(cfg, "desk"), "teams"), "19:x");
    ASSERT(hd_config_room(hd_config_group(cfg, "desk"), "matrix") == NULL);
    hd_config_free(cfg);
}

static void test_config__missing_file(void)
{
    hd_config *cfg;

    ASSERT_INT_EQ(hd_config_load(&cfg, test_embedded("deskbot.json"), "/nonexistent/x.json"),
                  HD_EIO);
    ASSERT(strstr(hd_error_last(), "/nonexistent/x.json") != NULL);
}

static void test_config__file_then_environment(void)
{
    hd_config *cfg;

    ASSERT_OK(load_overlay("{\"db\": \"/srv/desk.db\", \"survey_default_days\": 3,"
                           " \"calendars\": {\"office\": {\"time_zone\": \"Asia/Shanghai\"}}}",
                           &cfg));
    ASSERT_STR_EQ(cfg->db_path, "/srv/desk.db");
    ASSERT_INT_EQ(cfg->survey_default_days, 3);
    hd_config_free(cfg);
    setenv("DESKBOT_SURVEY_DEFAULT_DAYS", "7", 1);
    ASSERT_OK(load_overlay("{\"survey_default_days\": 3}", &cfg));
    ASSERT_INT_EQ(cfg->survey_default_days, 7);
    hd_config_free(cfg);
    setenv("DESKBOT_SURVEY_DEFAULT_DAYS", "seven", 1);
    ASSERT_INT_EQ(load_overlay("{}", &cfg), HD_ECONFIG);
    ASSERT(strstr(hd_error_last(), "DESKBOT_SURVEY_DEFAULT_DAYS") != NULL);
    unsetenv("DESKBOT_SURVEY_DEFAULT_DAYS");
}

int main(void)
{
    RUN(test_config__defaults);
    RUN(test_config__broken_settings_name_their_path);
    RUN(test_config__group_rooms);
    RUN(test_config__missing_file);
    RUN(test_config__file_then_environment);
    return harness_result();
}
