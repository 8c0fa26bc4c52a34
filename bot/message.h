/*
 * message.h - the platform-neutral message model the dialogue speaks.
 *
 * Text uses a small markup subset every channel can render: **bold**,
 * lines starting "- " as a list, and [label](https://link). A message may
 * carry a card (a title and name/value fields) and buttons; a message can
 * replace an earlier one by id (a clicked message shows its outcome and
 * loses its buttons). Only channel files turn this into Block Kit, Adaptive
 * Cards, Matrix HTML or terminal text.
 */
#ifndef HD_BOT_MESSAGE_H
#define HD_BOT_MESSAGE_H

#include "hd/common.h"

#include <stdarg.h>
#include <stddef.h>

typedef enum hd_button_style {
    HD_BUTTON_DEFAULT,
    HD_BUTTON_PRIMARY,
    HD_BUTTON_DANGER
} hd_button_style;

typedef struct hd_button {
    char *action; /* the opaque token a click sends back */
    char *name;   /* what it does ("ticket.resolve"), or NULL: pages may treat some specially */
    char *label;
    hd_button_style style;
} hd_button;

typedef struct hd_field {
    char *name, *value;
} hd_field;

typedef struct hd_message {
    char *channel;  /* the channel it goes out on */
    char *to;       /* a platform user id, or "group:<name>" for a team room */
    char *id;       /* stable id, so a later message can replace it */
    char *replaces; /* id of the message this one replaces, or NULL */
    char *text;
    char *card_title; /* NULL: no card */
    hd_field *fields;
    size_t n_fields;
    hd_button *buttons;
    size_t n_buttons;
} hd_message;

/* A growing list of messages; the dialogue appends, the caller sends and frees. */
typedef struct hd_replies {
    hd_message *items;
    size_t n, cap;
} hd_replies;

/* hd_replies_add - a new empty message at the end of `r` for `to` on `channel`. */
hd_message *hd_replies_add(hd_replies *r, const char *channel, const char *to);

/* hd_replies_truncate - free the messages after the first `n`. */
void hd_replies_truncate(hd_replies *r, size_t n);

/* hd_replies_remove - free message `i` and close the gap. */
void hd_replies_remove(hd_replies *r, size_t i);

/* hd_replies_clear - free every message and empty the list (keeps it usable). */
void hd_replies_clear(hd_replies *r);

/* hd_message_text - set (replace) the text; takes a printf format. */
void hd_message_text(hd_message *m, const char *fmt, ...) HD_PRINTF(2, 3);

/* hd_message_append - add to the text. */
void hd_message_append(hd_message *m, const char *fmt, ...) HD_PRINTF(2, 3);

/*
 * hd_message_vappend - add to the text from a format that is not a literal
 * (a phrase from the phrasebook).
 */
void hd_message_vappend(hd_message *m, const char *fmt, va_list ap);

void hd_message_field(hd_message *m, const char *name, const char *value);
void hd_message_button(hd_message *m, const char *action, const char *label, hd_button_style style);

#endif
