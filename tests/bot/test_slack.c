/*
 * test_slack.c - Socket Mode frames as PROTOCOLS.md §1 gives them, the
 * ignore rules, mrkdwn escaping and Block Kit limits.
 */
#include "harness.h"
#include "util.h"

#include "slack.h"

static hd_slack_frame parse(const char *json)
{
    hd_slack_frame f;

    hd_slack_parse(json, strlen(json), "U0BOT", "B0BOT", &f);
    return f;
}

static void test_slack__hello_and_disconnect(void)
{
    hd_slack_frame f = parse("{\"type\":\"hello\",\"num_connections\":2,\"debug_info\":"
                             "{\"host\":\"applink-1\"},\"connection_info\":{\"app_id\":\"A111\"}}");

    ASSERT_INT_EQ(f.kind, HD_SLACK_HELLO);
    hd_slack_frame_clear(&f);
    f = parse("{\"type\":\"disconnect\",\"reason\":\"refresh_requested\",\"debug_info\":{}}");
    ASSERT_INT_EQ(f.kind, HD_SLACK_DISCONNECT);
    ASSERT_STR_EQ(f.reason, "refresh_requested");
    hd_slack_frame_clear(&f);
    f = parse("{\"type\":\"disconnect\",\"reason\":\"link_disabled\"}");
    ASSERT_STR_EQ(f.reason, "link_disabled");
    hd_slack_frame_clear(&f);
}

static void test_slack__direct_message(void)
{
    hd_slack_frame f = parse(
        "{\"envelope_id\":\"cda4159a\",\"type\":\"events_api\",\"accepts_response_payload\":false,"
        "\"retry_attempt\":1,\"retry_reason\":\"timeout\",\"payload\":{\"type\":\"event_callback\","
        "\"event_id\":\"Ev0PV52K21\",\"event\":{\"type\":\"message\",\"channel\":\"D024BE91L\","
        "\"channel_type\":\"im\",\"user\":\"U2147483697\",\"text\":\"my VPN is down\","
        "\"ts\":\"1355517523.000005\",\"event_ts\":\"1355517523.000005\"}}}");

    ASSERT_INT_EQ(f.kind, HD_SLACK_MESSAGE);
    ASSERT_STR_EQ(f.envelope_id, "cda4159a");
    ASSERT_STR_EQ(f.event_id, "Ev0PV52K21");
    ASSERT_INT_EQ(f.retry_attempt, 1);
    ASSERT_STR_EQ(f.user, "U2147483697");
    ASSERT_STR_EQ(f.channel, "D024BE91L");
    ASSERT_STR_EQ(f.text, "my VPN is down");
    ASSERT(f.thread_ts == NULL); /* a DM is answered in the conversation */
    ASSERT(!f.overheard);
    hd_slack_frame_clear(&f);
}

static void test_slack__thread_replies_in_rooms(void)
{
    hd_slack_frame f;

    /* An agent answering in a card's thread: heard, not addressed. */
    f = parse("{\"envelope_id\":\"e1\",\"type\":\"events_api\",\"payload\":{"
              "\"event_id\":\"Ev1\",\"event\":{\"type\":\"message\",\"channel\":\"C9\","
              "\"channel_type\":\"channel\",\"user\":\"U7\",\"text\":\"new toner\","
              "\"ts\":\"5.000002\",\"thread_ts\":\"5.000001\"}}}");
    ASSERT_INT_EQ(f.kind, HD_SLACK_MESSAGE);
    ASSERT(f.overheard);
    ASSERT_STR_EQ(f.thread_ts, "5.000001");
    ASSERT_STR_EQ(f.channel, "C9");
    hd_slack_frame_clear(&f);
    /* The same with a mention comes again as app_mention: this copy is dropped. */
    f = parse("{\"envelope_id\":\"e2\",\"type\":\"events_api\",\"payload\":{"
              "\"event_id\":\"Ev2\",\"event\":{\"type\":\"message\",\"channel\":\"C9\","
              "\"channel_type\":\"channel\",\"user\":\"U7\",\"text\":\"<@U0BOT> done\","
              "\"ts\":\"5.000003\",\"thread_ts\":\"5.000001\"}}}");
    ASSERT_INT_EQ(f.kind, HD_SLACK_IGNORED);
    ASSERT_STR_EQ(f.envelope_id, "e2");
    hd_slack_frame_clear(&f);
    /* Top-level room chatter is not for the bot. */
    f = parse("{\"envelope_id\":\"e3\",\"type\":\"events_api\",\"payload\":{"
              "\"event_id\":\"Ev3\",\"event\":{\"type\":\"message\",\"channel\":\"C9\","
              "\"channel_type\":\"channel\",\"user\":\"U7\",\"text\":\"lunch?\","
              "\"ts\":\"5.000004\"}}}");
    ASSERT_INT_EQ(f.kind, HD_SLACK_IGNORED);
    hd_slack_frame_clear(&f);
}

static void test_slack__messages_to_ignore(void)
{
    static const char *const frames[] = {
        /* the bot's own echo */
        ("{\"envelope_id\":\"e1\",\"type\":\"events_api\",\"payload\":{\"event_id\":\"Ev1\","
         "\"event\":{\"type\":\"message\",\"channel\":\"D1\",\"channel_type\":\"im\","
         "\"user\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"text\":\"hi\",\"ts\":\"1.0\"}}}"),
        /* another bot */
        ("{\"envelope_id\":\"e2\",\"type\":\"events_api\",\"payload\":{\"event_id\":\"Ev2\","
         "\"event\":{\"type\":\"message\",\"subtype\":\"bot_message\",\"bot_id\":\"B9\","
         "\"channel\":\"D1\",\"channel_type\":\"im\",\"text\":\"beep\",\"ts\":\"1.0\"}}}"),
        /* an edit */
        ("{\"envelope_id\":\"e3\",\"type\":\"events_api\",\"payload\":{\"event_id\":\"Ev3\","
         "\"event\":{\"type\":\"message\",\"subtype\":\"message_changed\",\"user\":\"U1\","
         "\"channel\":\"D1\",\"channel_type\":\"im\",\"text\":\"x\",\"ts\":\"1.0\"}}}"),
        /* a channel message without a mention */
        ("{\"envelope_id\":\"e4\",\"type\":\"events_api\",\"payload\":{\"event_id\":\"Ev4\","
         "\"event\":{\"type\":\"message\",\"channel\":\"C1\",\"channel_type\":\"channel\","
         "\"user\":\"U1\",\"text\":\"lunch?\",\"ts\":\"1.0\"}}}"),
        /* a slash command */
        "{\"envelope_id\":\"e5\",\"type\":\"slash_commands\",\"payload\":{}}",
    };
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(frames); i++) {
        hd_slack_frame f = parse(frames[i]);

        if (f.kind != HD_SLACK_IGNORED)
            FAIL_AT("frame %zu: kind %d, want ignored", i, f.kind);
        ASSERT(f.envelope_id != NULL); /* ignored envelopes are still acknowledged */
        hd_slack_frame_clear(&f);
    }
}

static void test_slack__mention_and_click(void)
{
    hd_slack_frame f =
        parse("{\"envelope_id\":\"e6\",\"type\":\"events_api\",\"payload\":{\"event_id\":\"Ev6\","
              "\"event\":{\"type\":\"app_mention\",\"user\":\"U061F7AUR\",\"text\":\"<@U0BOT> "
              "printer jammed\",\"ts\":\"1515449522.000016\",\"channel\":\"C123ABC456\","
              "\"thread_ts\":\"1515449500.000001\"}}}");

    ASSERT_INT_EQ(f.kind, HD_SLACK_MESSAGE);
    ASSERT_STR_EQ(f.text, "printer jammed");
    ASSERT_STR_EQ(f.thread_ts, "1515449500.000001");
    hd_slack_frame_clear(&f);
    f = parse(
        "{\"envelope_id\":\"e7\",\"type\":\"interactive\",\"accepts_response_payload\":false,"
        "\"payload\":{\"type\":\"block_actions\",\"user\":{\"id\":\"U2147483697\"},"
        "\"container\":{\"type\":\"message\",\"message_ts\":\"1700000000.000300\","
        "\"channel_id\":\"D024BE91L\"},\"channel\":{\"id\":\"D024BE91L\"},"
        "\"actions\":[{\"type\":\"button\",\"action_id\":\"hd_0\",\"value\":\"12.0-abc\"}]}}");
    ASSERT_INT_EQ(f.kind, HD_SLACK_CLICK);
    ASSERT_STR_EQ(f.user, "U2147483697");
    ASSERT_STR_EQ(f.channel, "D024BE91L");
    ASSERT_STR_EQ(f.action_value, "12.0-abc");
    ASSERT_STR_EQ(f.message_ts, "1700000000.000300");
    hd_slack_frame_clear(&f);
}

static void test_slack__malformed_frames(void)
{
    static const char *const frames[] = {"",
                                         "{",
                                         "[]",
                                         "null",
                                         "{\"type\":7}",
                                         "{\"type\":\"events_api\"}",
                                         "{\"envelope_id\":\"e\",\"type\":\"events_api\"}",
                                         ("{\"envelope_id\":\"e\",\"type\":\"interactive\","
                                          "\"payload\":{\"type\":\"block_actions\"}}")};
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(frames); i++) {
        hd_slack_frame f = parse(frames[i]);

        if (f.kind == HD_SLACK_MESSAGE || f.kind == HD_SLACK_CLICK)
            FAIL_AT("frame %zu accepted", i);
        ASSERT(f.why != NULL);
        hd_slack_frame_clear(&f);
    }
}

static void test_slack__ack_and_mrkdwn(void)
{
    char *ack = hd_slack_ack("cda4159a");
    char *m = hd_slack_mrkdwn("<script> & **INC-000001** see [the guide](https://x.example/a?b=1)"
                              " not [this](javascript:alert(1)) <@U123>");

    ASSERT_STR_EQ(ack, "{\"envelope_id\":\"cda4159a\"}");
    ASSERT_STR_EQ(m, "&lt;script&gt; &amp; *INC-000001* see <https://x.example/a?b=1|the guide>"
                     " not [this](javascript:alert(1)) &lt;@U123&gt;");
    hd_free(ack);
    hd_free(m);
}

static void test_slack__block_kit(void)
{
    hd_replies r = {0};
    hd_message *m = hd_replies_add(&r, "slack", "D1");
    json_t *body, *blocks, *actions;
    char label[100];
    size_t i;

    hd_message_text(m, "Here is what I'll send:");
    m->card_title = hd_strdup("Printer <problem>");
    for (i = 0; i < 12; i++)
        hd_message_field(m, "Field", "value & more");
    memset(label, 'x', sizeof(label) - 1);
    label[sizeof(label) - 1] = '\0';
    hd_message_button(m, "1.0-aaa", "Submit", HD_BUTTON_PRIMARY);
    hd_message_button(m, "1.1-aaa", label, HD_BUTTON_DEFAULT);
    hd_message_button(m, "1.2-aaa", "Cancel", HD_BUTTON_DANGER);
    body = hd_slack_blocks(m);
    blocks = json_object_get(body, "blocks");
    ASSERT_STR_EQ(json_string_value(json_object_get(body, "text")), "Here is what I'll send:");
    /* text, title, 10 fields + 2 fields, one actions block */
    ASSERT_INT_EQ(json_array_size(blocks), 5);
    ASSERT_STR_EQ(json_string_value(
                      json_object_get(json_object_get(json_array_get(blocks, 1), "text"), "text")),
                  "*Printer &lt;problem&gt;*");
    ASSERT_INT_EQ(json_array_size(json_object_get(json_array_get(blocks, 2), "fields")), 10);
    ASSERT_INT_EQ(json_array_size(json_object_get(json_array_get(blocks, 3), "fields")), 2);
    actions = json_object_get(json_array_get(blocks, 4), "elements");
    ASSERT_INT_EQ(json_array_size(actions), 3);
    ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(actions, 0), "value")),
                  "1.0-aaa");
    ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(actions, 0), "style")),
                  "primary");
    ASSERT(json_object_get(json_array_get(actions, 1), "style") == NULL);
    ASSERT_INT_EQ(strlen(json_string_value(json_object_get(
                      json_object_get(json_array_get(actions, 1), "text"), "text"))),
                  75);
    json_decref(body);
    hd_replies_clear(&r);
}

static hd_slack_result result(int status, const char *retry_after, const char *body)
{
    hd_slack_result r;

    hd_slack_result_parse(status, retry_after, body, body ? strlen(body) : 0, &r);
    return r;
}

static void test_slack__web_api_answers(void)
{
    hd_slack_result r = result(200, NULL,
                               "{\"ok\":true,\"channel\":\"C123\",\"ts\":\"1503435956.000247\","
                               "\"message\":{\"type\":\"message\"}}");

    ASSERT_INT_EQ(r.verdict, HD_SLACK_OK);
    ASSERT_STR_EQ(r.ts, "1503435956.000247");
    ASSERT_STR_EQ(r.channel, "C123");
    hd_slack_result_clear(&r);
    r = result(200, NULL, "{\"ok\":true,\"channel\":{\"id\":\"D069C7QFK\"}}");
    ASSERT_STR_EQ(r.channel, "D069C7QFK");
    hd_slack_result_clear(&r);
    r = result(200, NULL,
               "{\"ok\":true,\"user\":{\"id\":\"U123\",\"name\":\"spengler\",\"profile\":"
               "{\"real_name\":\"Egon Spengler\",\"email\":\"spengler@example.com\"}}}");
    ASSERT_STR_EQ(r.email, "spengler@example.com");
    ASSERT_STR_EQ(r.name, "Egon Spengler");
    hd_slack_result_clear(&r);
    r = result(200, NULL, "{\"ok\":true,\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\"}");
    ASSERT_STR_EQ(r.user_id, "U0BOT");
    ASSERT_STR_EQ(r.bot_id, "B0BOT");
    hd_slack_result_clear(&r);
    /* Rate limits wait as told; 5xx and network errors are retried. */
    r = result(429, "7", "{\"ok\":false,\"error\":\"ratelimited\"}");
    ASSERT_INT_EQ(r.verdict, HD_SLACK_RETRY);
    ASSERT_INT_EQ(r.retry_after, 7);
    hd_slack_result_clear(&r);
    r = result(429, NULL, NULL);
    ASSERT_INT_EQ(r.retry_after, 30);
    hd_slack_result_clear(&r);
    r = result(503, NULL, "busy");
    ASSERT_INT_EQ(r.verdict, HD_SLACK_RETRY);
    hd_slack_result_clear(&r);
    r = result(0, NULL, NULL);
    ASSERT_INT_EQ(r.verdict, HD_SLACK_RETRY);
    hd_slack_result_clear(&r);
    /* A bad token stops the channel; a missing channel fails this message only. */
    r = result(200, NULL, "{\"ok\":false,\"error\":\"invalid_auth\"}");
    ASSERT_INT_EQ(r.verdict, HD_SLACK_FATAL);
    ASSERT_STR_EQ(r.error, "invalid_auth");
    hd_slack_result_clear(&r);
    r = result(200, NULL, "{\"ok\":false,\"error\":\"channel_not_found\"}");
    ASSERT_INT_EQ(r.verdict, HD_SLACK_FAILED);
    hd_slack_result_clear(&r);
    r = result(200, NULL, "<html>gateway</html>");
    ASSERT_INT_EQ(r.verdict, HD_SLACK_RETRY);
    hd_slack_result_clear(&r);
}

int main(void)
{
    RUN(test_slack__hello_and_disconnect);
    RUN(test_slack__direct_message);
    RUN(test_slack__thread_replies_in_rooms);
    RUN(test_slack__messages_to_ignore);
    RUN(test_slack__mention_and_click);
    RUN(test_slack__malformed_frames);
    RUN(test_slack__ack_and_mrkdwn);
    RUN(test_slack__block_kit);
    RUN(test_slack__web_api_answers);
    return harness_result();
}
