/*
 * test_outbox.c - the durable outbox: order per conversation, retries with
 * backoff and Retry-After, dead letters; and exactly-once intake records.
 */
#include "harness.h"
#include "util.h"

#include "hd/outbox.h"

static hd_config *cfg;

static void test_outbox__order_per_conversation(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_outbox_item *due;
    int64_t a1, a2, b1;
    size_t n;

    ASSERT_OK(hd_outbox_add(desk, "slack", "D-alice", "first to alice", 100, &a1));
    ASSERT_OK(hd_outbox_add(desk, "slack", "D-alice", "second to alice", 100, &a2));
    ASSERT_OK(hd_outbox_add(desk, "slack", "D-bob", "to bob", 100, &b1));
    ASSERT_OK(hd_outbox_add(desk, "web", "alice", "elsewhere", 100, NULL));
    /* Only the oldest of each conversation, only this channel. */
    ASSERT_OK(hd_outbox_due(desk, "slack", 100, 10, &due, &n));
    ASSERT_INT_EQ(n, 2);
    ASSERT_INT_EQ(due[0].id, a1);
    ASSERT_STR_EQ(due[0].payload, "first to alice");
    ASSERT_INT_EQ(due[1].id, b1);
    hd_outbox_items_free(due, n);
    /* While alice's first waits for a retry, her second must wait too. */
    ASSERT_OK(hd_outbox_failed(desk, a1, "HTTP 500", -1, 5, 100, NULL));
    ASSERT_OK(hd_outbox_due(desk, "slack", 100, 10, &due, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_INT_EQ(due[0].id, b1);
    hd_outbox_items_free(due, n);
    ASSERT_OK(hd_outbox_sent(desk, b1));
    /* After the backoff (1 s plus jitter of at most 25%), the first goes again. */
    ASSERT_OK(hd_outbox_due(desk, "slack", 102, 10, &due, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_INT_EQ(due[0].id, a1);
    ASSERT_INT_EQ(due[0].attempts, 1);
    ASSERT_STR_EQ(due[0].last_error, "HTTP 500");
    hd_outbox_items_free(due, n);
    ASSERT_OK(hd_outbox_sent(desk, a1));
    ASSERT_OK(hd_outbox_due(desk, "slack", 102, 10, &due, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_INT_EQ(due[0].id, a2);
    hd_outbox_items_free(due, n);
    hd_desk_close(desk);
}

static void test_outbox__backoff_grows_and_retry_after_wins(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_outbox_item *due;
    int64_t id, now = 1000;
    size_t n;
    int attempt;

    ASSERT_OK(hd_outbox_add(desk, "slack", "C1", "x", now, &id));
    /* Attempts 1..5 wait 1, 2, 4, 8, 16 s plus up to a quarter more. */
    for (attempt = 1; attempt <= 5; attempt++) {
        int64_t wait = (int64_t)1 << (attempt - 1);

        ASSERT_OK(hd_outbox_failed(desk, id, "timeout", -1, 10, now, NULL));
        ASSERT_OK(hd_outbox_due(desk, "slack", now + wait - 1, 10, &due, &n));
        ASSERT_INT_EQ(n, 0);
        hd_outbox_items_free(due, n);
        ASSERT_OK(hd_outbox_due(desk, "slack", now + wait + wait / 4, 10, &due, &n));
        ASSERT_INT_EQ(n, 1);
        hd_outbox_items_free(due, n);
        now += wait + wait / 4;
    }
    /* A 429 with Retry-After: 30 waits exactly 30 s. */
    ASSERT_OK(hd_outbox_failed(desk, id, "HTTP 429", 30, 10, now, NULL));
    ASSERT_OK(hd_outbox_due(desk, "slack", now + 29, 10, &due, &n));
    ASSERT_INT_EQ(n, 0);
    hd_outbox_items_free(due, n);
    ASSERT_OK(hd_outbox_due(desk, "slack", now + 30, 10, &due, &n));
    ASSERT_INT_EQ(n, 1);
    hd_outbox_items_free(due, n);
    hd_desk_close(desk);
}

static void test_outbox__dead_letters_after_max_attempts(void)
{
    hd_desk *desk = test_desk(cfg);
    hd_outbox_item *dead_items;
    int64_t id, pending, dead;
    size_t n;
    int died;

    ASSERT_OK(hd_outbox_add(desk, "slack", "C1", "{\"text\":\"hi\"}", 10, &id));
    ASSERT_OK(hd_outbox_failed(desk, id, "channel_not_found", -1, 3, 20, &died));
    ASSERT_INT_EQ(died, 0);
    ASSERT_OK(hd_outbox_failed(desk, id, "channel_not_found", -1, 3, 30, &died));
    ASSERT_INT_EQ(died, 0);
    ASSERT_OK(hd_outbox_failed(desk, id, "channel_not_found", -1, 3, 40, &died));
    ASSERT_INT_EQ(died, 1);
    ASSERT_OK(hd_outbox_depth(desk, &pending, &dead));
    ASSERT_INT_EQ(pending, 0);
    ASSERT_INT_EQ(dead, 1);
    ASSERT_OK(hd_outbox_dead_letters(desk, 10, &dead_items, &n));
    ASSERT_INT_EQ(n, 1);
    ASSERT_STR_EQ(dead_items[0].payload, "{\"text\":\"hi\"}");
    ASSERT_STR_EQ(dead_items[0].last_error, "channel_not_found");
    ASSERT_INT_EQ(dead_items[0].attempts, 3);
    hd_outbox_items_free(dead_items, n);
    ASSERT_INT_EQ(hd_outbox_failed(desk, id, "again", -1, 3, 50, NULL), HD_ENOTFOUND);
    hd_desk_close(desk);
}

static void test_outbox__survives_reopening(void)
{
    char *dir = test_tmpdir();
    char *path = hd_sprintf("%s/o.db", dir);
    hd_outbox_item *due;
    hd_desk *desk;
    size_t n;

    ASSERT_OK(hd_desk_open(&desk, cfg, path));
    ASSERT_OK(hd_store_begin(hd_desk_store(desk)));
    ASSERT_OK(hd_outbox_add(desk, "slack", "C1", "kept", 1, NULL));
    ASSERT_OK(hd_outbox_add(desk, "slack", "C2", "rolled back", 1, NULL));
    ASSERT_OK(hd_store_commit(hd_desk_store(desk)));
    ASSERT_OK(hd_store_begin(hd_desk_store(desk)));
    ASSERT_OK(hd_outbox_add(desk, "slack", "C3", "never committed", 1, NULL));
    hd_store_rollback(hd_desk_store(desk));
    hd_desk_close(desk);
    ASSERT_OK(hd_desk_open(&desk, cfg, path));
    ASSERT_OK(hd_outbox_due(desk, "slack", 1, 10, &due, &n));
    ASSERT_INT_EQ(n, 2);
    ASSERT_STR_EQ(due[0].payload, "kept");
    hd_outbox_items_free(due, n);
    hd_desk_close(desk);
    hd_free(path);
    hd_free(dir);
}

static void test_outbox__intake_exactly_once(void)
{
    hd_desk *desk = test_desk(cfg);

    ASSERT_OK(hd_intake_record(desk, "slack", "Ev01", 100));
    ASSERT_INT_EQ(hd_intake_record(desk, "slack", "Ev01", 101), HD_EEXISTS);
    /* The same id on another channel is another event. */
    ASSERT_OK(hd_intake_record(desk, "teams", "Ev01", 102));
    /* A rolled-back turn leaves no record: the redelivery is processed. */
    ASSERT_OK(hd_store_begin(hd_desk_store(desk)));
    ASSERT_OK(hd_intake_record(desk, "slack", "Ev02", 103));
    hd_store_rollback(hd_desk_store(desk));
    ASSERT_OK(hd_intake_record(desk, "slack", "Ev02", 104));
    ASSERT_OK(hd_intake_forget(desk, 102));
    ASSERT_OK(hd_intake_record(desk, "slack", "Ev01", 105));
    ASSERT_INT_EQ(hd_intake_record(desk, "slack", "", 106), HD_EINVAL);
    hd_desk_close(desk);
}

int main(void)
{
    cfg = test_config(NULL);
    RUN(test_outbox__order_per_conversation);
    RUN(test_outbox__backoff_grows_and_retry_after_wins);
    RUN(test_outbox__dead_letters_after_max_attempts);
    RUN(test_outbox__survives_reopening);
    RUN(test_outbox__intake_exactly_once);
    hd_config_free(cfg);
    return harness_result();
}
