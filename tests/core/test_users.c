/*
 * test_users.c - the users directory: upserts, chat identities, CSV and
 * JSON imports with broken files.
 */
#include "harness.h"
#include "util.h"

#include "hd/users.h"

static hd_config *cfg;

static void test_users__sample_csv_imports(void)
{
    hd_desk *desk = test_desk(cfg);
    const char *csv = test_embedded("users.csv");
    hd_users_import_stats st;
    hd_employee *e;
    int64_t n;

    ASSERT(csv != NULL);
    ASSERT_OK(hd_users_import(desk, "users.csv", csv, strlen(csv), &st, 1));
    ASSERT(st.added >= 16);
    ASSERT_INT_EQ(st.updated, 0);
    ASSERT_OK(hd_users_find(desk, "wang.fang", &e));
    ASSERT_STR_EQ(e->lang, "zh");
    ASSERT_INT_EQ(e->is_agent, 1);
    hd_employee_free(e);
    ASSERT_OK(hd_users_find(desk, "CEO@EXAMPLE.COM", &e));
    ASSERT_INT_EQ(e->vip, 1);
    ASSERT_STR_EQ(e->service_level, "gold");
    hd_employee_free(e);
    /* Importing again updates, never duplicates. */
    ASSERT_OK(hd_users_import(desk, "users.csv", csv, strlen(csv), &st, 2));
    ASSERT_INT_EQ(st.added, 0);
    ASSERT(st.updated >= 16);
    ASSERT_OK(hd_users_count(desk, &n));
    ASSERT_INT_EQ(n, st.updated);
    hd_desk_close(desk);
}

static void test_users__csv_quoting_and_fields(void)
{
    hd_desk *desk = test_desk(cfg);
    const char *csv = "\xEF\xBB\xBF"
                      "email,display_name,location,vip,agent,lang\r\n"
                      "li@example.com,\"Li, \"\"Lee\"\" Wei\",\"Building A, Floor 3\",yes,0,zh\r\n"
                      "\r\n"
                      "sam@example.com,Sam,\"multi\nline\",false,TRUE,en\r\n";
    hd_users_import_stats st;
    hd_employee *e;

    ASSERT_OK(hd_users_import(desk, "q.csv", csv, strlen(csv), &st, 1));
    ASSERT_INT_EQ(st.added, 2);
    ASSERT_OK(hd_users_find(desk, "li@example.com", &e));
    ASSERT_STR_EQ(e->display_name, "Li, \"Lee\" Wei");
    ASSERT_STR_EQ(e->location, "Building A, Floor 3");
    ASSERT_INT_EQ(e->vip, 1);
    hd_employee_free(e);
    ASSERT_OK(hd_users_find(desk, "sam@example.com", &e));
    ASSERT_STR_EQ(e->location, "multi\nline");
    ASSERT_INT_EQ(e->is_agent, 1);
    hd_employee_free(e);
    hd_desk_close(desk);
}

static void test_users__broken_files_import_nothing(void)
{
    static const struct {
        const char *name, *text, *needle;
    } cases[] = {
        {"cols.csv", "username,emial\nbob,bob@example.com\n", "unknown column 'emial'"},
        {"count.csv", "username,email\nbob,bob@example.com\nann\n", "count.csv:3"},
        {"quote.csv", "username,email\nbob,\"bob@example.com\n", "quote"},
        {"vip.csv", "username,email,vip\nbob,bob@example.com,maybe\n", "vip"},
        {"mail.csv", "username,email\nbob,not-an-email\n", "not an email"},
        {"who.csv", "display_name,email\nBob,bob@example.com\n,\n", "display name"},
        {"empty.csv", "", "empty"},
        {"bad.json", "[{\"username\": \"bob\",}]", "bad.json:1"},
        {"shape.json", "{\"people\": []}", "expected an array"},
        {"field.json", "[{\"username\": \"bob\", \"shoe\": 42}]", "unknown field 'shoe'"},
    };
    hd_desk *desk = test_desk(cfg);
    size_t i;
    int64_t n;

    for (i = 0; i < HD_ARRAY_SIZE(cases); i++) {
        int rc =
            hd_users_import(desk, cases[i].name, cases[i].text, strlen(cases[i].text), NULL, 1);

        if (rc == 0)
            FAIL_AT("%s imported", cases[i].name);
        if (strstr(hd_error_last(), cases[i].needle) == NULL)
            FAIL_AT("%s: '%s' lacks '%s'", cases[i].name, hd_error_last(), cases[i].needle);
    }
    ASSERT_OK(hd_users_count(desk, &n));
    ASSERT_INT_EQ(n, 0);
    hd_desk_close(desk);
}

static void test_users__json_import_and_file_errors(void)
{
    hd_desk *desk = test_desk(cfg);
    const char *json = "{\"users\": [{\"username\": \"ann\", \"display_name\": \"Ann\","
                       " \"vip\": true, \"agent\": false, \"lang\": \"en\"},"
                       " {\"email\": \"zoe@example.com\", \"display_name\": \"Zoe\"}]}";
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "u.json", json);
    char *missing = hd_sprintf("%s/nope.csv", dir);
    hd_users_import_stats st;
    hd_employee *e;

    ASSERT_OK(hd_users_import_file(desk, path, &st, 1));
    ASSERT_INT_EQ(st.added, 2);
    ASSERT_OK(hd_users_find(desk, "ann", &e));
    ASSERT_INT_EQ(e->vip, 1);
    hd_employee_free(e);
    ASSERT_INT_EQ(hd_users_import_file(desk, missing, &st, 1), HD_EIO);
    ASSERT(strstr(hd_error_last(), "nope.csv") != NULL);
    ASSERT_INT_EQ(hd_users_import_file(desk, dir, &st, 1), HD_EIO);
    hd_free(path);
    hd_free(missing);
    hd_free(dir);
    hd_desk_close(desk);
}

static void test_users__identities_link_and_create(void)
{
    hd_desk *desk = test_desk(cfg);
    int64_t alice = test_employee(desk, "alice", 0, 0);
    hd_employee profile = {0}, *e;
    int64_t id, again;

    /* Matched by email to the directory. */
    profile.display_name = (char *)"Alice J";
    profile.email = (char *)"ALICE@example.com";
    ASSERT_OK(hd_users_identify(desk, "slack", "U123", &profile, &id, 5));
    ASSERT_INT_EQ(id, alice);
    ASSERT_OK(hd_users_identify(desk, "slack", "U123", NULL, &again, 6));
    ASSERT_INT_EQ(again, alice);
    /* Unknown person: created from what the platform says. */
    profile.display_name = (char *)"Newbie";
    profile.email = (char *)"new@example.com";
    ASSERT_OK(hd_users_identify(desk, "teams", "29:abc", &profile, &id, 7));
    ASSERT(id != alice);
    ASSERT_OK(hd_users_get(desk, id, &e));
    ASSERT_STR_EQ(e->display_name, "Newbie");
    hd_employee_free(e);
    /* A platform that tells nothing still yields a record. */
    ASSERT_OK(hd_users_identify(desk, "matrix", "@x:example.org", NULL, &id, 8));
    ASSERT_OK(hd_users_get(desk, id, &e));
    ASSERT_STR_EQ(e->username, "matrix:@x:example.org");
    hd_employee_free(e);
    ASSERT_INT_EQ(hd_users_identify(desk, "", "x", NULL, &id, 9), HD_EINVAL);
    hd_desk_close(desk);
}

static void test_users__upsert_conflicts(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_employee e = {0};

    test_employee(desk, "alice", 0, 0);
    test_employee(desk, "bob", 0, 0);
    e.display_name = (char *)"Alice";
    e.email = (char *)"alice@example.com";
    e.username = (char *)"bob";
    ASSERT_INT_EQ(hd_users_upsert(desk, &e, NULL, 1), HD_EEXISTS);
    e.username = (char *)"has space";
    ASSERT_INT_EQ(hd_users_upsert(desk, &e, NULL, 1), HD_EINVAL);
    hd_desk_close(desk);
}

int main(void)
{
    cfg = test_config(NULL);
    RUN(test_users__sample_csv_imports);
    RUN(test_users__csv_quoting_and_fields);
    RUN(test_users__broken_files_import_nothing);
    RUN(test_users__json_import_and_file_errors);
    RUN(test_users__identities_link_and_create);
    RUN(test_users__upsert_conflicts);
    hd_config_free(cfg);
    return harness_result();
}
