/*
 * chan_console.c - the console channel behind `deskbot chat`.
 *
 * Human mode reads lines typed by one user at a time ("/as bob" switches
 * user) and shows buttons as numbered choices: typing the number clicks.
 * JSON mode reads one object per line, {"user":"alice","text":"…"} or
 * {"user":"alice","click":"<action>"} (optionally "name", "email" and, for
 * replaying a script at a fixed clock, "now"), and writes every bot message
 * as one object per line, so conversations can be scripted and several
 * users can talk in one session. With sync on, a line {"done":N} follows
 * the messages answering input line N.
 */
#include "chan_console.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE (64 * 1024)
#define MAX_CHOICES 16

typedef struct console {
    hd_channel base;
    FILE *in, *out;
    int json, sync;
    char user[128];
    /* The buttons of the last message shown to the current user (human mode). */
    char *choices[MAX_CHOICES];
    size_t n_choices;
    int stopping;
} console;

static void forget_choices(console *c)
{
    size_t i;

    for (i = 0; i < c->n_choices; i++)
        hd_free(c->choices[i]);
    c->n_choices = 0;
}

static json_t *message_json(const hd_message *m)
{
    json_t *o = json_object(), *buttons = json_array();
    size_t i;

    json_object_set_new(o, "to", json_string(m->to ? m->to : ""));
    json_object_set_new(o, "id", json_string(m->id ? m->id : ""));
    if (m->replaces)
        json_object_set_new(o, "replaces", json_string(m->replaces));
    json_object_set_new(o, "text", json_string(m->text ? m->text : ""));
    if (m->card_title) {
        json_t *card = json_object(), *fields = json_array();

        for (i = 0; i < m->n_fields; i++)
            json_array_append_new(fields, json_pack("{s:s, s:s}", "name", m->fields[i].name,
                                                    "value", m->fields[i].value));
        json_object_set_new(card, "title", json_string(m->card_title));
        json_object_set_new(card, "fields", fields);
        json_object_set_new(o, "card", card);
    }
    for (i = 0; i < m->n_buttons; i++)
        json_array_append_new(buttons,
                              json_pack("{s:s, s:s, s:s}", "action", m->buttons[i].action, "label",
                                        m->buttons[i].label, "style",
                                        m->buttons[i].style == HD_BUTTON_PRIMARY  ? "primary"
                                        : m->buttons[i].style == HD_BUTTON_DANGER ? "danger"
                                                                                  : "default"));
    json_object_set_new(o, "buttons", buttons);
    return o;
}

/* **bold** becomes plain text on a pipe, and bold on a terminal. */
static void print_markup(console *c, const char *text)
{
    int bold = 0, tty = isatty(fileno(c->out));
    const char *p;

    for (p = text; *p; p++) {
        if (p[0] == '*' && p[1] == '*') {
            bold = !bold;
            if (tty)
                fputs(bold ? "\033[1m" : "\033[0m", c->out);
            p++;
            continue;
        }
        fputc(*p, c->out);
    }
    if (bold && tty)
        fputs("\033[0m", c->out);
}

static int console_send(hd_channel *ch, const hd_message *m)
{
    console *c = (console *)ch;
    size_t i;

    if (c->json) {
        json_t *o = message_json(m);
        char *line = json_dumps(o, JSON_COMPACT);

        fprintf(c->out, "%s\n", line);
        free(line);
        json_decref(o);
        fflush(c->out);
        return 0;
    }
    if (m->to && strcmp(m->to, c->user) != 0)
        fprintf(c->out, "(to %s) ", m->to);
    if (m->replaces)
        fprintf(c->out, "(updates an earlier message) ");
    print_markup(c, m->text ? m->text : "");
    fputc('\n', c->out);
    if (m->card_title) {
        fprintf(c->out, "  ┌ %s\n", m->card_title);
        for (i = 0; i < m->n_fields; i++)
            fprintf(c->out, "  │ %s: %s\n", m->fields[i].name, m->fields[i].value);
    }
    if (m->n_buttons > 0 && m->to && strcmp(m->to, c->user) == 0) {
        forget_choices(c);
        for (i = 0; i < m->n_buttons && i < MAX_CHOICES; i++) {
            fprintf(c->out, "  [%zu] %s", i + 1, m->buttons[i].label);
            c->choices[c->n_choices++] = hd_strdup(m->buttons[i].action);
        }
        fputc('\n', c->out);
    }
    fflush(c->out);
    return 0;
}

static void json_error_line(console *c, long n, const char *what)
{
    json_t *o = json_pack("{s:s, s:i}", "error", what, "line", (json_int_t)n);
    char *line = json_dumps(o, JSON_COMPACT);

    fprintf(c->out, "%s\n", line);
    free(line);
    json_decref(o);
}

/* One JSON input line to a turn; returns 0 or prints why not. */
static int json_turn(console *c, long n, const char *line, hd_deliver_fn deliver, void *payload)
{
    json_error_t jerr;
    json_t *o = json_loads(line, 0, &jerr), *now;
    hd_turn t = {0};
    int rc = 0;

    if (!json_is_object(o)) {
        json_error_line(c, n, json_is_object(o) ? "expected an object" : jerr.text);
        json_decref(o);
        return 0;
    }
    t.channel = "console";
    t.user_id = json_string_value(json_object_get(o, "user"));
    t.text = json_string_value(json_object_get(o, "text"));
    t.click = json_string_value(json_object_get(o, "click"));
    t.display_name = json_string_value(json_object_get(o, "name"));
    t.email = json_string_value(json_object_get(o, "email"));
    t.username = t.user_id;
    now = json_object_get(o, "now");
    t.now = json_is_integer(now) ? (int64_t)json_integer_value(now) : (int64_t)time(NULL);
    if (t.user_id == NULL || t.user_id[0] == '\0')
        json_error_line(c, n, "\"user\" is required");
    else if ((t.text == NULL) == (t.click == NULL))
        json_error_line(c, n, "give exactly one of \"text\" or \"click\"");
    else
        rc = deliver(&c->base, &t, payload);
    json_decref(o);
    return rc;
}

static int human_turn(console *c, char *line, hd_deliver_fn deliver, void *payload)
{
    hd_turn t = {0};
    char *end;
    long k;

    if (strncmp(line, "/as ", 4) == 0) {
        hd_strlcpy(c->user, line + 4, sizeof(c->user));
        forget_choices(c);
        fprintf(c->out, "(you are now %s)\n", c->user);
        return 0;
    }
    if (strcmp(line, "/quit") == 0) {
        c->stopping = 1;
        return 0;
    }
    t.channel = "console";
    t.user_id = c->user;
    t.username = c->user;
    t.now = (int64_t)time(NULL);
    k = strtol(line, &end, 10);
    if (end != line && *end == '\0' && k >= 1 && (size_t)k <= c->n_choices)
        t.click = c->choices[k - 1];
    else
        t.text = line;
    return deliver(&c->base, &t, payload);
}

static int console_start(hd_channel *ch, hd_deliver_fn deliver, void *payload)
{
    console *c = (console *)ch;
    char *line = hd_malloc(MAX_LINE + 2);
    long n = 0;
    int rc = 0;

    if (!c->json && isatty(fileno(c->in)))
        fprintf(c->out,
                "deskbot chat as %s — type a message, a number to press a button, "
                "/as NAME to switch user, /quit to leave.\n",
                c->user);
    while (rc == 0 && !c->stopping) {
        size_t len;

        if (!c->json && isatty(fileno(c->in)))
            fprintf(c->out, "%s> ", c->user), fflush(c->out);
        if (fgets(line, MAX_LINE + 2, c->in) == NULL)
            break;
        n++;
        len = strlen(line);
        if (len > MAX_LINE) {
            /* Too long: drop the rest of the line and say so. */
            int ch2;

            while ((ch2 = fgetc(c->in)) != EOF && ch2 != '\n')
                ;
            if (c->json)
                json_error_line(c, n, "line longer than 64 KB");
            else
                fprintf(c->out, "(that line is longer than 64 KB and was ignored)\n");
        } else {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = '\0';
            if (len > 0)
                rc = c->json ? json_turn(c, n, line, deliver, payload)
                             : human_turn(c, line, deliver, payload);
        }
        if (c->sync)
            fprintf(c->out, "{\"done\":%ld}\n", n);
        fflush(c->out);
    }
    hd_free(line);
    return rc;
}

static void console_stop(hd_channel *ch)
{
    ((console *)ch)->stopping = 1;
}

static void console_free(hd_channel *ch)
{
    console *c = (console *)ch;

    if (c == NULL)
        return;
    forget_choices(c);
    hd_free(c);
}

static const char *console_status(const hd_channel *ch)
{
    (void)ch;
    return "connected";
}

static const hd_channel_type console_type = {
    "console", console_start, console_send, console_stop, console_status, console_free, NULL};

hd_channel *hd_console_new(FILE *in, FILE *out, int json, int sync, const char *user)
{
    console *c = hd_calloc(1, sizeof(*c));

    c->base.type = &console_type;
    c->in = in;
    c->out = out;
    c->json = json;
    c->sync = sync;
    hd_strlcpy(c->user, user, sizeof(c->user));
    return &c->base;
}
