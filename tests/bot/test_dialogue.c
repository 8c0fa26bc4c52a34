/*
 * test_dialogue.c - what the scripted conversations cannot reach: the
 * service's sweep that closes idle drafts, the SLA notices for the agents'
 * rooms, overheard text, and a turn
 * that fails in the database leaving nothing behind.
 */
#include "harness.h"
#include "util.h"

#include "dialogue.h"
#include "hd/embedded.h"
#include "hd/intent.h"
#include "hd/users.h"

static hd_config *cfg;
static hd_catalog *cat;
static hd_nlu *nlu;

static int turn(hd_dialogue *d, const char *user, const char *text, int64_t now, hd_replies *out)
{
    hd_turn t = {0};

    t.channel = "test";
    t.user_id = user;
    t.username = user;
    t.text = text;
    t.now = now;
    return hd_dialogue_turn(d, &t, out);
}

static void test_dialogue__sweep_closes_idle_drafts(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_dialogue *d = NULL;
    hd_replies out = {0};
    int64_t t0 = test_utc(2026, 11, 23, 10, 0);
    size_t i;
    int found = 0;

    test_employee(desk, "alice", 0, 0);
    test_employee(desk, "tom", 0, 0);
    ASSERT_OK(hd_dialogue_new(&d, desk, cat, nlu));
    ASSERT_OK(turn(d, "alice", "please order me a new laptop", t0, &out));
    ASSERT_OK(turn(d, "tom", "hi", t0, &out));
    hd_replies_clear(&out);
    /* Not idle long enough yet. */
    ASSERT_OK(hd_dialogue_expire(d, t0 + 29 * 60, &out));
    ASSERT_INT_EQ(out.n, 0);
    ASSERT_OK(hd_dialogue_expire(d, t0 + 31 * 60, &out));
    for (i = 0; i < out.n; i++) {
        ASSERT_STR_EQ(out.items[i].to, "alice");
        if (strstr(out.items[i].text, "was closed after 30 minutes"))
            found = 1;
    }
    ASSERT(found);
    hd_replies_clear(&out);
    /* Once closed, it is not closed again. */
    ASSERT_OK(hd_dialogue_expire(d, t0 + 90 * 60, &out));
    ASSERT_INT_EQ(out.n, 0);
    hd_dialogue_free(d);
    hd_desk_close(desk);
}

static void test_dialogue__failed_turn_sends_nothing(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_desk *other = NULL;
    hd_dialogue *d = NULL;
    hd_replies out = {0};
    sqlite3 *db = hd_store_db(hd_desk_store(desk));
    char *path = hd_strdup(sqlite3_db_filename(db, "main"));

    test_employee(desk, "alice", 0, 0);
    ASSERT_OK(hd_dialogue_new(&d, desk, cat, nlu));
    /* Another process holds the write lock: the turn fails and leaves no message. */
    ASSERT_OK(hd_desk_open(&other, cfg, path));
    ASSERT_OK(hd_store_begin(hd_desk_store(other)));
    sqlite3_busy_timeout(db, 10);
    ASSERT(turn(d, "alice", "hello", 1, &out) == HD_EBUSY);
    ASSERT_INT_EQ(out.n, 0);
    hd_store_rollback(hd_desk_store(other));
    ASSERT_OK(turn(d, "alice", "hello", 2, &out));
    ASSERT(out.n >= 1);
    hd_replies_clear(&out);
    hd_desk_close(other);
    hd_dialogue_free(d);
    hd_desk_close(desk);
    hd_free(path);
}

static void test_dialogue__sla_notices(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_dialogue *d = NULL;
    hd_replies out = {0};
    hd_sla_event ev[3];
    char sd[] = "service-desk", ds[] = "desktop-support", sec[] = "security";

    memset(ev, 0, sizeof(ev));
    ASSERT_OK(hd_dialogue_new(&d, desk, cat, nlu));
    snprintf(ev[0].alert.number, sizeof(ev[0].alert.number), "INC-000007");
    ev[0].alert.kind = HD_SLA_RESPONSE;
    ev[0].alert.due = test_utc(2026, 11, 23, 10, 30);
    ev[0].alert.group = sd;
    ev[0].event = HD_SLA_WARNING;
    ev[1] = ev[0];
    ev[1].alert.kind = HD_SLA_RESOLUTION;
    ev[1].event = HD_SLA_BREACH;
    ev[1].escalated_to = ds;
    ev[2] = ev[1];
    ev[2].alert.group = sec;
    ev[2].escalated_to = NULL; /* the top tier */
    hd_dialogue_sla_notices(d, ev, 3, "slack", &out);
    /* A warning to the group; a breach to the group and to the next tier. */
    ASSERT_INT_EQ(out.n, 4);
    ASSERT_STR_EQ(out.items[0].to, "group:service-desk");
    ASSERT_STR_EQ(out.items[0].channel, "slack");
    ASSERT(strstr(out.items[0].text, "INC-000007") && strstr(out.items[0].text, "response"));
    ASSERT(strstr(out.items[0].text, "2026-11-23"));
    ASSERT_STR_EQ(out.items[1].to, "group:service-desk");
    ASSERT(strstr(out.items[1].text, "resolution") && strstr(out.items[1].text, "desktop-support"));
    ASSERT_STR_EQ(out.items[2].to, "group:desktop-support");
    ASSERT(strstr(out.items[2].text, "now yours") && strstr(out.items[2].text, "service-desk"));
    ASSERT_STR_EQ(out.items[3].to, "group:security");
    ASSERT(strstr(out.items[3].text, "missed its resolution target"));
    hd_replies_clear(&out);
    hd_dialogue_free(d);
    hd_desk_close(desk);
}

static void test_dialogue__overheard(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_dialogue *d = NULL;
    hd_replies out = {0};
    hd_turn t = {0};
    int64_t now = test_utc(2026, 11, 23, 10, 0);

    test_employee(desk, "alice", 0, 0);
    ASSERT_OK(hd_dialogue_new(&d, desk, cat, nlu));
    /* People talking in a thread the bot can read: no answer, no state. */
    t.channel = "test";
    t.user_id = "alice";
    t.username = "alice";
    t.text = "did anyone try turning it off and on again?";
    t.overheard = 1;
    t.now = now;
    ASSERT_OK(hd_dialogue_turn(d, &t, &out));
    ASSERT_INT_EQ(out.n, 0);
    /* Addressed to the bot, the same text is answered. */
    t.overheard = 0;
    ASSERT_OK(hd_dialogue_turn(d, &t, &out));
    ASSERT(out.n >= 1);
    hd_replies_clear(&out);
    hd_dialogue_free(d);
    hd_desk_close(desk);
}

int main(void)
{
    const char *names[256], *texts[256];
    size_t n = hd_embedded_list("intents/", names, texts, NULL, HD_ARRAY_SIZE(names));

    cfg = test_config(NULL);
    if (n > HD_ARRAY_SIZE(names) || hd_catalog_load(&cat, names, texts, n) != 0 ||
        hd_nlu_new(&nlu, cat) != 0) {
        fprintf(stderr, "catalog: %s\n", hd_error_last());
        return 2;
    }
    RUN(test_dialogue__sweep_closes_idle_drafts);
    RUN(test_dialogue__failed_turn_sends_nothing);
    RUN(test_dialogue__sla_notices);
    RUN(test_dialogue__overheard);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    hd_config_free(cfg);
    return harness_result();
}
