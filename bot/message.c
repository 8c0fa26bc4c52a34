/*
 * message.c - building platform-neutral messages.
 */
#include "message.h"

#include "hd/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

hd_message *hd_replies_add(hd_replies *r, const char *channel, const char *to)
{
    hd_message *m;

    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 4;
        r->items = hd_realloc(r->items, r->cap * sizeof(hd_message));
    }
    m = &r->items[r->n++];
    memset(m, 0, sizeof(*m));
    m->channel = hd_strdup(channel);
    m->to = hd_strdup(to);
    return m;
}

static void message_free_fields(hd_message *m)
{
    size_t i;

    hd_free(m->channel);
    hd_free(m->to);
    hd_free(m->id);
    hd_free(m->replaces);
    hd_free(m->text);
    hd_free(m->card_title);
    for (i = 0; i < m->n_fields; i++) {
        hd_free(m->fields[i].name);
        hd_free(m->fields[i].value);
    }
    hd_free(m->fields);
    for (i = 0; i < m->n_buttons; i++) {
        hd_free(m->buttons[i].action);
        hd_free(m->buttons[i].name);
        hd_free(m->buttons[i].label);
    }
    hd_free(m->buttons);
}

void hd_replies_truncate(hd_replies *r, size_t n)
{
    while (r->n > n)
        message_free_fields(&r->items[--r->n]);
}

void hd_replies_remove(hd_replies *r, size_t i)
{
    message_free_fields(&r->items[i]);
    memmove(&r->items[i], &r->items[i + 1], (r->n - i - 1) * sizeof(*r->items));
    r->n--;
}

void hd_replies_clear(hd_replies *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        message_free_fields(&r->items[i]);
    hd_free(r->items);
    memset(r, 0, sizeof(*r));
}

/*
 * The formats come from the phrasebook (bot/phrases.c), constants of this
 * program chosen at run time by language, so they cannot be literals here.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    int n;
    char *s;

    va_copy(copy, ap);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    s = hd_malloc((size_t)(n > 0 ? n : 0) + 1);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    return s;
}
#pragma GCC diagnostic pop

void hd_message_text(hd_message *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    hd_free(m->text);
    m->text = vformat(fmt, ap);
    va_end(ap);
}

void hd_message_append(hd_message *m, const char *fmt, ...)
{
    va_list ap;
    char *more, *joined;

    va_start(ap, fmt);
    more = vformat(fmt, ap);
    va_end(ap);
    joined = hd_sprintf("%s%s", m->text ? m->text : "", more);
    hd_free(m->text);
    hd_free(more);
    m->text = joined;
}

void hd_message_vappend(hd_message *m, const char *fmt, va_list ap)
{
    char *more = vformat(fmt, ap), *joined;

    joined = hd_sprintf("%s%s", m->text ? m->text : "", more);
    hd_free(m->text);
    hd_free(more);
    m->text = joined;
}

void hd_message_field(hd_message *m, const char *name, const char *value)
{
    m->fields = hd_realloc(m->fields, (m->n_fields + 1) * sizeof(hd_field));
    m->fields[m->n_fields].name = hd_strdup(name);
    m->fields[m->n_fields].value = hd_strdup(value ? value : "");
    m->n_fields++;
}

void hd_message_button(hd_message *m, const char *action, const char *label, hd_button_style style)
{
    m->buttons = hd_realloc(m->buttons, (m->n_buttons + 1) * sizeof(hd_button));
    m->buttons[m->n_buttons].action = hd_strdup(action);
    m->buttons[m->n_buttons].name = NULL;
    m->buttons[m->n_buttons].label = hd_strdup(label);
    m->buttons[m->n_buttons].style = style;
    m->n_buttons++;
}
