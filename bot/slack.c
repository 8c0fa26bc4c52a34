/*
 * slack.c - Socket Mode frames in, Block Kit out (see slack.h and
 * ../shared/PROTOCOLS.md §1.2-1.6).
 */
#include "slack.h"

#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTION_MAX 3000 /* characters of a section's text */
#define FIELD_MAX 2000   /* characters of a section field */
#define FIELDS_MAX 10    /* fields per section */
#define LABEL_MAX 75     /* characters of a button's text */
#define ELEMENTS_MAX 25  /* buttons per actions block */

static char *dup_str(json_t *v)
{
    const char *s = json_string_value(v);

    return s ? hd_strdup(s) : NULL;
}

void hd_slack_frame_clear(hd_slack_frame *f)
{
    hd_free(f->envelope_id);
    hd_free(f->reason);
    hd_free(f->event_id);
    hd_free(f->user);
    hd_free(f->channel);
    hd_free(f->text);
    hd_free(f->thread_ts);
    hd_free(f->action_value);
    hd_free(f->message_ts);
    hd_free(f->why);
    memset(f, 0, sizeof(*f));
}

/* Mark `f` as an envelope to acknowledge and drop; returns 0 for `return ignore(…)`. */
static int ignore(hd_slack_frame *f, const char *why)
{
    f->kind = HD_SLACK_IGNORED;
    f->why = hd_strdup(why);
    return 0;
}

/* Drop every "<@BOTUSER>" (and "<@BOTUSER|name>") from a mention's text. */
static char *strip_mention(const char *text, const char *bot_user)
{
    char *out = hd_strdup(text), *p;
    size_t start, len;

    if (bot_user == NULL || bot_user[0] == '\0')
        return out;
    for (p = out; (p = strstr(p, "<@")) != NULL;) {
        len = strlen(bot_user);
        if (strncmp(p + 2, bot_user, len) == 0 && (p[2 + len] == '>' || p[2 + len] == '|')) {
            char *end = strchr(p, '>');

            if (end == NULL)
                break;
            memmove(p, end + 1, strlen(end + 1) + 1);
        } else {
            p += 2;
        }
    }
    start = strspn(out, " \t\n");
    memmove(out, out + start, strlen(out + start) + 1);
    len = strlen(out);
    while (len > 0 && strchr(" \t\n", out[len - 1]))
        out[--len] = '\0';
    return out;
}

/* Whether `text` mentions user `id` (<@U123> or <@U123|name>). */
static int mentions(const char *text, const char *id)
{
    size_t n = strlen(id);
    const char *p = text;

    while ((p = strstr(p, "<@")) != NULL) {
        p += 2;
        if (strncmp(p, id, n) == 0 && (p[n] == '>' || p[n] == '|'))
            return 1;
    }
    return 0;
}

static int parse_event(json_t *payload, const char *bot_user, const char *bot_id, hd_slack_frame *f)
{
    json_t *ev = json_object_get(payload, "event");
    const char *type = json_string_value(json_object_get(ev, "type"));
    const char *user = json_string_value(json_object_get(ev, "user"));
    const char *subtype = json_string_value(json_object_get(ev, "subtype"));
    const char *text = json_string_value(json_object_get(ev, "text"));
    const char *channel = json_string_value(json_object_get(ev, "channel"));
    const char *thread = json_string_value(json_object_get(ev, "thread_ts"));
    const char *ts = json_string_value(json_object_get(ev, "ts"));

    f->event_id = dup_str(json_object_get(payload, "event_id"));
    if (!json_is_object(ev) || type == NULL)
        return ignore(f, "event without a type");
    if (json_object_get(ev, "bot_id") || (bot_id && json_object_get(ev, "bot_profile")))
        return ignore(f, "a bot's message");
    if (user == NULL || (bot_user && strcmp(user, bot_user) == 0))
        return ignore(f, "the bot's own message");
    if (subtype && strcmp(subtype, "file_share") != 0 && strcmp(subtype, "thread_broadcast") != 0)
        return ignore(f, "message subtype");
    if (text == NULL || channel == NULL || ts == NULL)
        return ignore(f, "message without text, channel or ts");
    if (strcmp(type, "message") == 0) {
        const char *kind = json_string_value(json_object_get(ev, "channel_type"));

        if (kind && strcmp(kind, "im") == 0) {
            /* A direct message is answered in the conversation, or in its thread. */
            f->thread_ts = thread ? hd_strdup(thread) : NULL;
        } else if (thread && kind && (strcmp(kind, "channel") == 0 || strcmp(kind, "group") == 0)) {
            /* A reply in a thread of a team room: heard, not addressed to the bot. */
            if (bot_user && mentions(text, bot_user))
                return ignore(f, "a mention (handled as app_mention)");
            f->overheard = 1;
            f->thread_ts = hd_strdup(thread);
        } else {
            return ignore(f, "message outside a direct conversation or a thread");
        }
        f->text = hd_strdup(text);
    } else if (strcmp(type, "app_mention") == 0) {
        f->text = strip_mention(text, bot_user);
        f->thread_ts = hd_strdup(thread ? thread : ts);
    } else {
        return ignore(f, "event type not handled");
    }
    f->kind = HD_SLACK_MESSAGE;
    f->user = hd_strdup(user);
    f->channel = hd_strdup(channel);
    return 0;
}

static int parse_click(json_t *payload, hd_slack_frame *f)
{
    json_t *container = json_object_get(payload, "container");
    json_t *action = json_array_get(json_object_get(payload, "actions"), 0);
    const char *type = json_string_value(json_object_get(payload, "type"));
    const char *user = json_string_value(json_object_get(json_object_get(payload, "user"), "id"));
    const char *channel =
        json_string_value(json_object_get(json_object_get(payload, "channel"), "id"));
    const char *value = json_string_value(json_object_get(action, "value"));

    if (type == NULL || strcmp(type, "block_actions") != 0)
        return ignore(f, "interaction not handled");
    if (channel == NULL)
        channel = json_string_value(json_object_get(container, "channel_id"));
    if (user == NULL || channel == NULL || value == NULL)
        return ignore(f, "block action without user, channel or value");
    f->kind = HD_SLACK_CLICK;
    f->user = hd_strdup(user);
    f->channel = hd_strdup(channel);
    f->action_value = hd_strdup(value);
    f->message_ts = dup_str(json_object_get(container, "message_ts"));
    return 0;
}

void hd_slack_parse(const char *data, size_t len, const char *bot_user, const char *bot_id,
                    hd_slack_frame *out)
{
    json_t *root = json_loadb(data, len, 0, NULL);
    const char *type;

    memset(out, 0, sizeof(*out));
    out->kind = HD_SLACK_UNKNOWN;
    if (!json_is_object(root)) {
        out->why = hd_strdup("not a JSON object");
        json_decref(root);
        return;
    }
    type = json_string_value(json_object_get(root, "type"));
    out->envelope_id = dup_str(json_object_get(root, "envelope_id"));
    if (type == NULL) {
        out->why = hd_strdup("frame without a type");
    } else if (strcmp(type, "hello") == 0) {
        out->kind = HD_SLACK_HELLO;
    } else if (strcmp(type, "disconnect") == 0) {
        out->kind = HD_SLACK_DISCONNECT;
        out->reason = dup_str(json_object_get(root, "reason"));
        if (out->reason == NULL)
            out->reason = hd_strdup("unknown");
    } else if (out->envelope_id == NULL) {
        out->why = hd_strdup("envelope without an id");
    } else if (strcmp(type, "events_api") == 0) {
        json_t *retry = json_object_get(root, "retry_attempt");

        out->retry_attempt = json_is_integer(retry) ? (int)json_integer_value(retry) : 0;
        parse_event(json_object_get(root, "payload"), bot_user, bot_id, out);
    } else if (strcmp(type, "interactive") == 0) {
        parse_click(json_object_get(root, "payload"), out);
    } else {
        ignore(out, "envelope type not handled");
    }
    json_decref(root);
}

char *hd_slack_ack(const char *envelope_id)
{
    json_t *o = json_pack("{s:s}", "envelope_id", envelope_id ? envelope_id : "");
    char *s = json_dumps(o, JSON_COMPACT), *out = hd_strdup(s);

    free(s);
    json_decref(o);
    return out;
}

/* ---- rendering ----------------------------------------------------------- */

static char *escape(const char *text)
{
    hd_buf b = {0};
    const char *p;

    hd_buf_put(&b, "", 0);
    for (p = text ? text : ""; *p; p++) {
        if (*p == '&')
            hd_buf_put(&b, "&amp;", 5);
        else if (*p == '<')
            hd_buf_put(&b, "&lt;", 4);
        else if (*p == '>')
            hd_buf_put(&b, "&gt;", 4);
        else
            hd_buf_put(&b, p, 1);
    }
    return b.s;
}

/* At [label](url) in escaped text: the link's parts, if it is a plain web link. */
static int link_at(const char *p, const char **label, size_t *label_len, const char **url,
                   size_t *url_len, size_t *total)
{
    const char *close = strstr(p, "](");
    const char *end;
    size_t i;

    if (*p != '[' || close == NULL || memchr(p + 1, '\n', (size_t)(close - p - 1)))
        return 0;
    end = strchr(close + 2, ')');
    if (end == NULL)
        return 0;
    *url = close + 2;
    *url_len = (size_t)(end - *url);
    if (strncmp(*url, "https://", 8) != 0 && strncmp(*url, "http://", 7) != 0)
        return 0;
    for (i = 0; i < *url_len; i++)
        if (strchr(" \t\n|&", (*url)[i]))
            return 0;
    *label = p + 1;
    *label_len = (size_t)(close - p - 1);
    *total = (size_t)(end - p + 1);
    return 1;
}

char *hd_slack_mrkdwn(const char *text)
{
    char *esc = escape(text);
    hd_buf b = {0};
    const char *p, *label, *url;
    size_t label_len, url_len, total;

    hd_buf_put(&b, "", 0);
    for (p = esc; *p;) {
        if (p[0] == '*' && p[1] == '*') {
            hd_buf_put(&b, "*", 1);
            p += 2;
        } else if (link_at(p, &label, &label_len, &url, &url_len, &total)) {
            hd_buf_put(&b, "<", 1);
            hd_buf_put(&b, url, url_len);
            hd_buf_put(&b, "|", 1);
            hd_buf_put(&b, label, label_len);
            hd_buf_put(&b, ">", 1);
            p += total;
        } else {
            hd_buf_put(&b, p, 1);
            p++;
        }
    }
    hd_free(esc);
    return b.s;
}

/* At most `max` characters of `s`, cut on a character boundary. */
static json_t *text_upto(const char *s, size_t max)
{
    size_t bytes = 0, chars = 0;
    json_t *v;

    while (s[bytes] && chars < max) {
        bytes++;
        while (((unsigned char)s[bytes] & 0xC0) == 0x80)
            bytes++;
        chars++;
    }
    v = json_stringn(s, bytes);
    /* Only invalid UTF-8 fails; the message model should never hold it. */
    return v ? v : json_string("?");
}

static json_t *mrkdwn_obj(const char *text, size_t max)
{
    return json_pack("{s:s, s:o}", "type", "mrkdwn", "text", text_upto(text, max));
}

json_t *hd_slack_blocks(const hd_message *m)
{
    json_t *body = json_object(), *blocks = json_array(), *fields = NULL, *elements = NULL;
    char *text = hd_slack_mrkdwn(m->text && m->text[0] ? m->text : " ");
    size_t i;

    json_object_set_new(body, "text", text_upto(text, SECTION_MAX));
    json_array_append_new(
        blocks, json_pack("{s:s, s:o}", "type", "section", "text", mrkdwn_obj(text, SECTION_MAX)));
    hd_free(text);
    if (m->card_title) {
        char *title = escape(m->card_title), *line = hd_sprintf("*%s*", title);

        json_array_append_new(blocks, json_pack("{s:s, s:o}", "type", "section", "text",
                                                mrkdwn_obj(line, SECTION_MAX)));
        hd_free(title);
        hd_free(line);
    }
    for (i = 0; i < m->n_fields; i++) {
        char *name = escape(m->fields[i].name), *value = escape(m->fields[i].value);
        char *cell = hd_sprintf("*%s*\n%s", name, value);

        if (fields == NULL || json_array_size(fields) == FIELDS_MAX) {
            fields = json_array();
            json_array_append_new(blocks,
                                  json_pack("{s:s, s:o}", "type", "section", "fields", fields));
        }
        json_array_append_new(fields, mrkdwn_obj(cell, FIELD_MAX));
        hd_free(name);
        hd_free(value);
        hd_free(cell);
    }
    for (i = 0; i < m->n_buttons; i++) {
        json_t *b;
        char id[32];

        if (elements == NULL || json_array_size(elements) == ELEMENTS_MAX) {
            elements = json_array();
            json_array_append_new(blocks,
                                  json_pack("{s:s, s:o}", "type", "actions", "elements", elements));
        }
        snprintf(id, sizeof(id), "hd_%zu", i);
        b = json_pack("{s:s, s:s, s:{s:s, s:o}, s:s}", "type", "button", "action_id", id, "text",
                      "type", "plain_text", "text", text_upto(m->buttons[i].label, LABEL_MAX),
                      "value", m->buttons[i].action);
        if (m->buttons[i].style == HD_BUTTON_PRIMARY)
            json_object_set_new(b, "style", json_string("primary"));
        else if (m->buttons[i].style == HD_BUTTON_DANGER)
            json_object_set_new(b, "style", json_string("danger"));
        json_array_append_new(elements, b);
    }
    json_object_set_new(body, "blocks", blocks);
    return body;
}

/* ---- the Web API ------------------------------------------------------------ */

void hd_slack_result_clear(hd_slack_result *r)
{
    hd_free(r->error);
    hd_free(r->ts);
    hd_free(r->channel);
    hd_free(r->user_id);
    hd_free(r->bot_id);
    hd_free(r->email);
    hd_free(r->name);
    hd_free(r->url);
    memset(r, 0, sizeof(*r));
}

/* Errors no retry can fix and that mean the whole channel is misconfigured. */
static int fatal_error(const char *e)
{
    static const char *const fatal[] = {
        "invalid_auth",          "not_authed",    "account_inactive", "token_revoked",
        "token_expired",         "missing_scope", "team_disabled",    "user_removed_from_team",
        "not_allowed_token_type"};
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(fatal); i++)
        if (strcmp(e, fatal[i]) == 0)
            return 1;
    return 0;
}

void hd_slack_result_parse(int http_status, const char *retry_after, const char *body, size_t len,
                           hd_slack_result *out)
{
    json_t *root, *user, *profile;
    const char *e, *name;
    char *end;
    long ra;

    memset(out, 0, sizeof(*out));
    out->retry_after = -1;
    if (http_status == 0) {
        out->verdict = HD_SLACK_RETRY;
        out->error = hd_strdup("no answer (network error)");
        return;
    }
    if (http_status == 429) {
        out->verdict = HD_SLACK_RETRY;
        out->error = hd_strdup("ratelimited");
        if (retry_after && (ra = strtol(retry_after, &end, 10)) >= 0 && end != retry_after)
            out->retry_after = ra > 3600 ? 3600 : (int)ra;
        else
            out->retry_after = 30; /* Slack's SDKs wait this long without a header */
        return;
    }
    if (http_status >= 500) {
        out->verdict = HD_SLACK_RETRY;
        out->error = hd_sprintf("HTTP %d", http_status);
        return;
    }
    root = json_loadb(body ? body : "", body ? len : 0, 0, NULL);
    if (http_status != 200 || !json_is_object(root)) {
        out->verdict = http_status == 200 ? HD_SLACK_RETRY : HD_SLACK_FAILED;
        out->error = http_status == 200 ? hd_strdup("an answer that is not JSON")
                                        : hd_sprintf("HTTP %d", http_status);
        json_decref(root);
        return;
    }
    if (!json_is_true(json_object_get(root, "ok"))) {
        e = json_string_value(json_object_get(root, "error"));
        out->error = hd_strdup(e ? e : "unknown_error");
        if (fatal_error(out->error))
            out->verdict = HD_SLACK_FATAL;
        else if (strcmp(out->error, "ratelimited") == 0 ||
                 strcmp(out->error, "rate_limited") == 0 ||
                 strcmp(out->error, "internal_error") == 0 ||
                 strcmp(out->error, "fatal_error") == 0 ||
                 strcmp(out->error, "service_unavailable") == 0)
            out->verdict = HD_SLACK_RETRY;
        else
            out->verdict = HD_SLACK_FAILED;
        json_decref(root);
        return;
    }
    out->verdict = HD_SLACK_OK;
    out->ts = dup_str(json_object_get(root, "ts"));
    out->channel = dup_str(json_object_get(root, "channel"));
    if (out->channel == NULL)
        out->channel = dup_str(json_object_get(json_object_get(root, "channel"), "id"));
    out->user_id = dup_str(json_object_get(root, "user_id"));
    out->url = dup_str(json_object_get(root, "url"));
    out->bot_id = dup_str(json_object_get(root, "bot_id"));
    user = json_object_get(root, "user");
    profile = json_object_get(user, "profile");
    out->email = dup_str(json_object_get(profile, "email"));
    name = json_string_value(json_object_get(profile, "real_name"));
    if (name == NULL || name[0] == '\0')
        name = json_string_value(json_object_get(profile, "display_name"));
    if (name == NULL || name[0] == '\0')
        name = json_string_value(json_object_get(user, "name"));
    out->name = name ? hd_strdup(name) : NULL;
    json_decref(root);
}
