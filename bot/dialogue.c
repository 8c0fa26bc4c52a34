/*
 * dialogue.c - the conversation engine (see dialogue.h).
 *
 * A conversation's state is a small JSON object saved with every turn:
 *   step     idle | describe | kb | collect | confirm | clarify | switch |
 *            add_info | survey_comment | resolve_note
 *   lang     the language the user last wrote in
 *   intent   the intent of the draft in progress
 *   text     the user's own description of it
 *   slots    the facts collected so far {name: value}
 *   skipped  optional slots the user chose to skip
 *   asking   the slot whose question is open
 *   kb       the article offered (slug)
 *   pending  a new message held while the user decides keep/drop
 *   kind     what "describe" waits for: incident, request or howto
 *   ticket   the ticket a step is about (add_info, survey_comment, resolve_note)
 *   contact  the contact this draft belongs to
 *
 * Each turn answers the user with one message (text and buttons together);
 * buttons carry tokens from hd_action_create, bound to the user and to the
 * conversation version that the turn saves.
 */
#include "dialogue.h"

#include "phrases.h"

#include "hd/contact.h"
#include "hd/conversation.h"
#include "hd/kb.h"
#include "hd/survey.h"
#include "hd/ticket.h"
#include "hd/timefmt.h"
#include "hd/users.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TEXT 4000 /* bytes of one message the dialogue looks at */

struct hd_dialogue {
    hd_desk *desk;
    const hd_catalog *cat;
    const hd_nlu *nlu;
    const hd_config *cfg;
    hd_dialogue_counts counts;
};

/* A button whose token is made when the turn ends. */
typedef struct pending_button {
    size_t message; /* index in the turn's replies */
    size_t button;  /* index in that message's buttons */
    char *user, *group;
    int64_t version;
    hd_button_spec spec;
} pending_button;

typedef struct turn {
    hd_dialogue *d;
    const hd_turn *in;
    hd_replies *out;
    hd_employee *me;
    json_t *st;      /* the conversation state, owned */
    int64_t version; /* the version this turn saves */
    int64_t loaded;  /* the version it started from (0: new) */
    hd_lang lang;
    size_t reply; /* index + 1 in `out` of the one message answering the user, 0: none yet */
    int refused;  /* a refused click: the conversation is left as it was */
    pending_button *pending;
    size_t n_pending, cap_pending;
    int opened;    /* a ticket type opened by this turn + 1, 0: none */
    int deflected; /* the knowledge base solved the problem */
    int err;       /* a database error: the turn is rolled back */
} turn;

int hd_dialogue_new(hd_dialogue **out, hd_desk *desk, const hd_catalog *cat, const hd_nlu *nlu)
{
    hd_dialogue *d = hd_calloc(1, sizeof(*d));

    d->desk = desk;
    d->cat = cat;
    d->nlu = nlu;
    d->cfg = hd_desk_config(desk);
    *out = d;
    return 0;
}

void hd_dialogue_free(hd_dialogue *d)
{
    hd_free(d);
}

const hd_dialogue_counts *hd_dialogue_counts_get(const hd_dialogue *d)
{
    return &d->counts;
}

/* ---- state ----------------------------------------------------------- */

static const char *st_str(turn *t, const char *key)
{
    return json_string_value(json_object_get(t->st, key));
}

static void st_set(turn *t, const char *key, const char *value)
{
    if (value)
        json_object_set_new(t->st, key, json_string(value));
    else
        json_object_del(t->st, key);
}

static const char *step(turn *t)
{
    const char *s = st_str(t, "step");

    return s ? s : "idle";
}

static int at_step(turn *t, const char *name)
{
    return strcmp(step(t), name) == 0;
}

static json_t *slots(turn *t)
{
    json_t *s = json_object_get(t->st, "slots");

    if (!json_is_object(s)) {
        s = json_object();
        json_object_set_new(t->st, "slots", s);
    }
    return s;
}

static const char *slot_value(turn *t, const char *name)
{
    return json_string_value(json_object_get(slots(t), name));
}

/* Forget the draft; the language and the contact outcome stay with the caller. */
static void reset(turn *t)
{
    json_t *lang = json_incref(json_object_get(t->st, "lang"));

    json_object_clear(t->st);
    if (lang)
        json_object_set_new(t->st, "lang", lang);
    st_set(t, "step", "idle");
}

static const hd_intent *draft_intent(turn *t)
{
    const char *name = st_str(t, "intent");

    return name ? hd_catalog_find(t->d->cat, name) : NULL;
}

/* ---- replies ----------------------------------------------------------- */

/* The reply to the user (by index: adding other messages may move the list). */
static hd_message *reply(turn *t)
{
    if (t->reply == 0) {
        hd_message *m = hd_replies_add(t->out, t->in->channel, t->in->user_id);

        m->id = hd_sprintf("%s:%lld", t->in->user_id, (long long)t->version);
        t->reply = t->out->n;
    }
    return &t->out->items[t->reply - 1];
}

/* Append phrase `p` to `m` as a new paragraph. */
static void vsay_to(hd_message *m, hd_lang lang, phrase p, va_list ap)
{
    if (m->text && m->text[0])
        hd_message_append(m, "\n\n");
    hd_message_vappend(m, hd_say(lang, p), ap);
}

static void say_to(hd_message *m, hd_lang lang, phrase p, ...)
{
    va_list ap;

    va_start(ap, p);
    vsay_to(m, lang, p, ap);
    va_end(ap);
}

/* Append phrase `p` to the reply without starting a paragraph. */
static void append(turn *t, phrase p, ...)
{
    va_list ap;

    va_start(ap, p);
    hd_message_vappend(reply(t), hd_say(t->lang, p), ap);
    va_end(ap);
}

static void say(turn *t, phrase p, ...)
{
    va_list ap;

    va_start(ap, p);
    vsay_to(reply(t), t->lang, p, ap);
    va_end(ap);
}

/*
 * A button on message `m`, valid for `user` (or `group`'s agents) at
 * `version`. Its label shows at once; its token is made when the turn ends
 * (finish_buttons), one record per message.
 */
static void button_on(turn *t, hd_message *m, const char *user, const char *group, int64_t version,
                      const char *action, const char *arg, const char *label, hd_button_style style)
{
    pending_button *p;

    if (t->n_pending == t->cap_pending) {
        t->cap_pending = t->cap_pending ? 2 * t->cap_pending : 8;
        t->pending = hd_realloc(t->pending, t->cap_pending * sizeof(*t->pending));
    }
    p = &t->pending[t->n_pending++];
    p->message = (size_t)(m - t->out->items);
    p->button = m->n_buttons;
    p->user = hd_strdup(user);
    p->group = hd_strdup(group);
    p->version = version;
    p->spec.action = hd_strdup(action);
    p->spec.arg = hd_strdup(arg);
    p->spec.label = hd_strdup(label);
    hd_message_button(m, "", label, style);
    m->buttons[m->n_buttons - 1].name = hd_strdup(action);
}

static void free_pending(turn *t)
{
    size_t i;

    for (i = 0; i < t->n_pending; i++) {
        hd_free(t->pending[i].user);
        hd_free(t->pending[i].group);
        hd_free((char *)t->pending[i].spec.action);
        hd_free((char *)t->pending[i].spec.arg);
        hd_free((char *)t->pending[i].spec.label);
    }
    hd_free(t->pending);
    t->pending = NULL;
    t->n_pending = t->cap_pending = 0;
}

/* Record the buttons of each message and give them their tokens. */
static void finish_buttons(turn *t)
{
    size_t i = 0, j, k;

    while (i < t->n_pending && !t->err) {
        hd_button_spec specs[32];
        char tokens[32][HD_TOKEN_LEN + 1];
        hd_message *m = &t->out->items[t->pending[i].message];

        for (j = i; j < t->n_pending && t->pending[j].message == t->pending[i].message &&
                    j - i < HD_ARRAY_SIZE(specs);
             j++)
            specs[j - i] = t->pending[j].spec;
        t->err = hd_actions_create(t->d->desk, m->channel, t->pending[i].user, t->pending[i].group,
                                   t->pending[i].version, m->id, specs, j - i, t->in->now, tokens);
        for (k = i; k < j && !t->err; k++) {
            hd_free(m->buttons[t->pending[k].button].action);
            m->buttons[t->pending[k].button].action = hd_strdup(tokens[k - i]);
        }
        i = j;
    }
}

/* A button on the turn's reply, for this user at this step only. */
static void button(turn *t, const char *action, const char *arg, phrase label,
                   hd_button_style style)
{
    button_on(t, reply(t), t->in->user_id, NULL, t->version, action, arg, hd_say(t->lang, label),
              style);
}

static void button_text(turn *t, const char *action, const char *arg, const char *label)
{
    button_on(t, reply(t), t->in->user_id, NULL, t->version, action, arg, label, HD_BUTTON_DEFAULT);
}

static void menu(turn *t)
{
    say(t, P_MENU, t->me->display_name);
    button(t, "menu.describe", "incident", P_B_REPORT, HD_BUTTON_PRIMARY);
    button(t, "menu.describe", "request", P_B_REQUEST, HD_BUTTON_DEFAULT);
    button(t, "menu.describe", "howto", P_B_HOWTO, HD_BUTTON_DEFAULT);
    button(t, "menu.status", NULL, P_B_MY_TICKETS, HD_BUTTON_DEFAULT);
    button(t, "menu.human", NULL, P_B_HUMAN, HD_BUTTON_DEFAULT);
}

/* ---- words the user may type instead of pressing a button ----------------- */

static int is_word(const char *text, const char *const *words)
{
    char buf[64];
    size_t len = strlen(text), i, j = 0;

    while (len > 0 && strchr(" .!?。！？", text[len - 1]) != NULL)
        len--;
    for (i = 0; i < len && j + 1 < sizeof(buf); i++)
        buf[j++] = (char)tolower((unsigned char)text[i]);
    buf[j] = '\0';
    if (i < len)
        return 0;
    for (i = 0; words[i]; i++)
        if (strcmp(buf, words[i]) == 0)
            return 1;
    return 0;
}

static const char *const yes_words[] = {"yes",  "y",          "ok",   "okay", "submit", "send",
                                        "sure", "yes please", "是",   "是的", "好",     "好的",
                                        "提交", "对",         "可以", NULL};
static const char *const no_words[] = {
    "no",   "n",    "nope", "not really", "still broken", "didn't help", "no it didn't", "否", "不",
    "不是", "没用", "不行", "没解决",     "还是不行",     NULL};
static const char *const skip_words[] = {"skip", "none", "no error", "n/a", "pass",
                                         "跳过", "没有", "无",       NULL};
static const char *const cancel_words[] = {"cancel", "stop", "never mind", "nevermind", "forget it",
                                           "取消",   "算了", "不用了",     NULL};

/* ---- tickets and notifications ------------------------------------------ */

static int agent_of(turn *t, const char *group)
{
    return t->me->is_agent && t->me->username &&
           hd_config_is_agent_of(hd_config_group(t->d->cfg, group), t->me->username);
}

/* A message to the requester of `tk` on the channel they use, or NULL. */
static hd_message *to_requester(turn *t, const hd_ticket *tk, hd_lang *lang)
{
    char *platform = NULL, *uid = NULL;
    hd_employee *req = NULL;
    hd_message *m = NULL;

    *lang = t->lang;
    if (hd_users_get(t->d->desk, tk->requester_id, &req) == 0)
        hd_lang_parse(lang, req->lang);
    hd_employee_free(req);
    if (hd_users_identity(t->d->desk, tk->requester_id, tk->channel, &platform, &uid) == 0) {
        m = hd_replies_add(t->out, platform, uid);
        m->id = hd_sprintf("note:%s:%s:%lld", tk->number, uid, (long long)t->version);
    }
    hd_free(platform);
    hd_free(uid);
    return m;
}

static void sla_words(turn *t, const hd_ticket *tk, hd_message *m, hd_lang lang)
{
    const hd_sla_target *target = &t->d->cfg->sla[tk->priority - 1];
    const hd_calendar *cal = target->calendar;
    int64_t day = cal->always_open ? 86400 : (int64_t)(cal->close_min - cal->open_min) * 60;
    char respond[64], resolve[64];

    hd_duration_words(lang, target->response_secs, !cal->always_open, day, respond,
                      sizeof(respond));
    hd_duration_words(lang, target->resolution_secs, !cal->always_open, day, resolve,
                      sizeof(resolve));
    say_to(m, lang, P_SLA, respond, resolve);
}

static void card_fields(turn *t, hd_message *m, const hd_ticket *tk, hd_lang lang)
{
    json_t *details = json_loads(tk->details, 0, NULL);
    const char *key;
    json_t *v;

    hd_message_field(m, hd_say(lang, P_F_REQUESTER), tk->requester_name);
    hd_message_field(m, hd_say(lang, P_F_STATUS),
                     hd_status_title(lang, hd_status_name(tk->status)));
    hd_message_field(m, hd_say(lang, P_F_GROUP), tk->assignment_group);
    if (tk->assignee)
        hd_message_field(m, hd_say(lang, P_F_ASSIGNEE), tk->assignee);
    json_object_foreach(details, key, v)
    {
        if (json_is_string(v))
            hd_message_field(m, hd_slot_title(lang, key), json_string_value(v));
    }
    json_decref(details);
    if (tk->status == HD_STATUS_ASSIGNED || tk->status == HD_STATUS_REOPENED) {
        char iso[32];

        hd_time_format(tk->response_due, iso, sizeof(iso));
        hd_message_field(m, hd_say(lang, P_F_RESPOND_BY), iso);
    }
    (void)t;
}

/* The agents' card of ticket `tk` in its group's room, replacing any earlier one. */
static void group_card(turn *t, const hd_ticket *tk, int replace)
{
    hd_message *m;
    char *to = hd_sprintf("group:%s", tk->assignment_group);
    hd_lang lang = t->lang;

    m = hd_replies_add(t->out, t->in->channel, to);
    m->id = hd_sprintf("card:%s:%s", tk->number, tk->assignment_group);
    if (replace)
        m->replaces = hd_strdup(m->id);
    m->card_title = hd_sprintf("%s · P%d · %s", tk->number, tk->priority, tk->title);
    say_to(m, lang, P_NEW_TICKET_GROUP, tk->number, tk->priority, tk->title);
    if (tk->description && tk->description[0])
        hd_message_append(m, "\n%s", tk->description);
    card_fields(t, m, tk, lang);
    if (hd_status_is_open(tk->status)) {
        if (tk->status != HD_STATUS_IN_PROGRESS)
            button_on(t, m, NULL, tk->assignment_group, HD_ACTION_ANY_STEP, "ticket.take",
                      tk->number, hd_say(lang, P_B_TAKE), HD_BUTTON_PRIMARY);
        button_on(t, m, NULL, tk->assignment_group, HD_ACTION_ANY_STEP, "ticket.escalate",
                  tk->number, hd_say(lang, P_B_ESCALATE), HD_BUTTON_DEFAULT);
        button_on(t, m, NULL, tk->assignment_group, HD_ACTION_ANY_STEP, "ticket.resolve",
                  tk->number, hd_say(lang, P_B_RESOLVE), HD_BUTTON_DEFAULT);
    }
    hd_free(to);
}

static void group_note(turn *t, const char *group, phrase p, ...)
{
    char *to = hd_sprintf("group:%s", group);
    hd_message *m = hd_replies_add(t->out, t->in->channel, to);
    va_list ap;

    m->id = hd_sprintf("note:%s:%lld:%zu", group, (long long)t->version, t->out->n);
    va_start(ap, p);
    vsay_to(m, t->lang, p, ap);
    va_end(ap);
    hd_free(to);
}

static void contact_finish(turn *t, hd_contact_outcome outcome, int64_t ticket_id)
{
    json_t *c = json_object_get(t->st, "contact");

    if (json_is_integer(c) && !t->err)
        t->err = hd_contact_finish(t->d->desk, json_integer_value(c), outcome, ticket_id,
                                   t->in->now) == HD_EDB
                     ? HD_EDB
                     : 0;
    json_object_del(t->st, "contact");
}

static void contact_start(turn *t)
{
    int64_t id;

    if (json_object_get(t->st, "contact") || t->err)
        return;
    if ((t->err = hd_contact_open(t->d->desk, t->me->id, t->in->channel, t->in->now, &id)) == 0)
        json_object_set_new(t->st, "contact", json_integer(id));
}

/* Open a ticket for the user; returns it (caller frees) or NULL after saying why. */
static hd_ticket *open_ticket(turn *t, hd_ticket_type type, const char *category, const char *title,
                              const char *description, json_t *details, hd_impact impact,
                              hd_urgency urgency, int handover)
{
    hd_ticket_spec spec = {0};
    hd_ticket *tk = NULL;
    char *details_text = details ? json_dumps(details, JSON_COMPACT) : NULL;
    int err;

    spec.type = type;
    spec.category = category;
    spec.title = title;
    spec.description = description;
    spec.details = details_text;
    spec.impact = impact;
    spec.urgency = urgency;
    spec.requester_id = t->me->id;
    spec.channel = t->in->channel;
    spec.handover = handover;
    err = hd_ticket_create(t->d->desk, &spec, t->me->username ? t->me->username : "chat",
                           t->in->now, &tk);
    free(details_text);
    if (err == 0)
        t->opened = (int)type + 1;
    if (err == HD_EDB || err == HD_EBUSY)
        t->err = err;
    else if (err)
        say(t, P_AGENT_FAILED, hd_error_last());
    return err ? NULL : tk;
}

static void announce_ticket(turn *t, hd_ticket *tk, phrase p)
{
    if (p == P_CREATED)
        say(t, p, tk->number, tk->priority);
    else
        say(t, p, tk->number);
    sla_words(t, tk, reply(t), t->lang);
    group_card(t, tk, 0);
    contact_finish(t, HD_CONTACT_TICKET, tk->id);
}

/* ---- the knowledge base -------------------------------------------------- */

/* Offer the best article for `text`; returns 1 if one was offered. */
static int offer_article(turn *t, const char *text)
{
    hd_kb_hit *hits = NULL;
    size_t n = 0, i;
    int err = hd_kb_search(hd_desk_store(t->d->desk), text, hd_lang_name(t->lang), 3, &hits, &n);

    if (err == HD_EDB || err == HD_EBUSY) {
        t->err = err;
        return 0;
    }
    if (n == 0) {
        hd_kb_hits_free(hits, n);
        return 0;
    }
    say(t, P_KB_FOUND, hits[0].title, hits[0].snippet ? hits[0].snippet : "");
    if (n > 1) {
        say(t, P_KB_OTHERS);
        for (i = 1; i < n; i++)
            hd_message_append(reply(t), "\n- %s", hits[i].title);
    }
    st_set(t, "kb", hits[0].slug);
    st_set(t, "step", "kb");
    button(t, "kb.solved", hits[0].slug, P_B_SOLVED, HD_BUTTON_PRIMARY);
    button(t, "kb.still", hits[0].slug, P_B_STILL, HD_BUTTON_DEFAULT);
    hd_kb_hits_free(hits, n);
    return 1;
}

static void ask_desk(turn *t, const char *question)
{
    char *title = hd_sprintf("%s%.120s", hd_say(t->lang, P_CONSULT_TITLE), question);
    hd_ticket *tk = open_ticket(t, HD_TYPE_CONSULTATION, NULL, title, question, NULL,
                                HD_IMPACT_INDIVIDUAL, HD_URGENCY_LOW, 0);

    hd_free(title);
    reset(t);
    if (tk) {
        announce_ticket(t, tk, P_CREATED);
        hd_ticket_free(tk);
    }
}

/* ---- collecting a draft ------------------------------------------------------ */

static int skipped(turn *t, const char *name)
{
    json_t *arr = json_object_get(t->st, "skipped"), *v;
    size_t i;

    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return 1;
    }
    return 0;
}

static void skip(turn *t, const char *name)
{
    json_t *arr = json_object_get(t->st, "skipped");

    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(t->st, "skipped", arr);
    }
    json_array_append_new(arr, json_string(name));
}

/*
 * Read every slot of the draft's intent that `text` states (all but free
 * text ones), overwriting earlier values: this is how "sorry, it's floor 5
 * not 3" corrects the location. Returns how many were found.
 */
static int absorb(turn *t, const hd_intent *in, const char *text)
{
    size_t i;
    int found = 0;

    for (i = 0; i < in->n_slots; i++) {
        const hd_slot_def *def = &in->slots[i];
        char *v = NULL;

        if (def->type == HD_SLOT_TEXT)
            continue;
        if (hd_slot_extract(def, text, t->lang, &v)) {
            json_object_set_new(slots(t), def->name, json_string(v));
            found++;
        }
        hd_free(v);
    }
    return found;
}

static void ask(turn *t, const hd_slot_def *def)
{
    size_t i;

    st_set(t, "step", "collect");
    st_set(t, "asking", def->name);
    hd_message_append(reply(t), "%s%s", reply(t)->text && reply(t)->text[0] ? "\n\n" : "",
                      def->prompt[t->lang]);
    /* The hint, unless the catalog's question already says it. */
    if (!def->required && !strstr(def->prompt[t->lang], "skip") &&
        !strstr(def->prompt[t->lang], "跳过"))
        hd_message_append(reply(t), "%s", hd_say(t->lang, P_SKIP_HINT));
    for (i = 0; i < def->n_values; i++)
        button_text(t, "slot.value", def->values[i].value, def->values[i].label[t->lang]);
    if (!def->required)
        button(t, "slot.skip", def->name, P_B_SKIP, HD_BUTTON_DEFAULT);
    button(t, "draft.cancel", NULL, P_B_CANCEL, HD_BUTTON_DANGER);
}

static void slot_to_enum(const char *v, hd_impact *impact, hd_urgency *urgency, int which)
{
    if (v == NULL)
        return;
    if (which == 0)
        hd_impact_parse(impact, v);
    else
        hd_urgency_parse(urgency, v);
}

static void draft_levels(turn *t, hd_impact *impact, hd_urgency *urgency)
{
    *impact = HD_IMPACT_INDIVIDUAL;
    *urgency = HD_URGENCY_MEDIUM;
    slot_to_enum(slot_value(t, "impact"), impact, urgency, 0);
    slot_to_enum(slot_value(t, "urgency"), impact, urgency, 1);
}

static void summary(turn *t, const hd_intent *in)
{
    hd_message *m = reply(t);
    hd_impact impact;
    hd_urgency urgency;
    char prio[8];
    size_t i;

    draft_levels(t, &impact, &urgency);
    snprintf(prio, sizeof(prio), "P%d",
             hd_priority_compute(t->d->cfg, impact, urgency, t->me->vip));
    st_set(t, "step", "confirm");
    st_set(t, "asking", NULL);
    say(t, P_SUMMARY);
    hd_free(m->card_title);
    m->card_title = hd_strdup(in->label[t->lang]);
    hd_message_field(m, hd_say(t->lang, P_F_DESCRIPTION), st_str(t, "text"));
    for (i = 0; i < in->n_slots; i++) {
        const char *v = slot_value(t, in->slots[i].name);

        if (v)
            hd_message_field(m, hd_slot_title(t->lang, in->slots[i].name),
                             hd_slot_value_label(&in->slots[i], v, t->lang));
    }
    if (in->has_ticket && in->ticket_type == HD_TYPE_INCIDENT)
        hd_message_field(m, hd_say(t->lang, P_F_PRIORITY), prio);
    button(t, "confirm.submit", NULL, P_B_SUBMIT, HD_BUTTON_PRIMARY);
    button(t, "confirm.edit", NULL, P_B_EDIT, HD_BUTTON_DEFAULT);
    button(t, "draft.cancel", NULL, P_B_CANCEL, HD_BUTTON_DANGER);
}

/* Ask for the next missing slot, or show the summary when none is left. */
static void next_question(turn *t)
{
    const hd_intent *in = draft_intent(t);
    size_t i;

    if (in == NULL) {
        reset(t);
        menu(t);
        return;
    }
    for (i = 0; i < in->n_slots; i++) {
        const hd_slot_def *def = &in->slots[i];

        if (slot_value(t, def->name) == NULL && !skipped(t, def->name)) {
            ask(t, def);
            return;
        }
    }
    summary(t, in);
}

static void begin_draft(turn *t, const hd_intent *in, const char *text)
{
    reset(t);
    contact_start(t);
    st_set(t, "intent", in->name);
    st_set(t, "text", text);
    absorb(t, in, text);
    if (in->kb_first && offer_article(t, text))
        return;
    next_question(t);
}

static void submit(turn *t)
{
    const hd_intent *in = draft_intent(t);
    hd_impact impact;
    hd_urgency urgency;
    hd_ticket *tk;
    char *title;
    const char *text = st_str(t, "text");

    if (in == NULL || !in->has_ticket) {
        reset(t);
        menu(t);
        return;
    }
    draft_levels(t, &impact, &urgency);
    title = hd_sprintf("%s: %.120s", in->label[t->lang], text ? text : "");
    tk = open_ticket(t, in->ticket_type, in->category, title, text, slots(t), impact, urgency, 0);
    hd_free(title);
    if (tk) {
        announce_ticket(t, tk, P_CREATED);
        hd_ticket_free(tk);
        reset(t);
    }
}

static void drop_draft(turn *t, int quiet)
{
    contact_finish(t, HD_CONTACT_ABANDONED, 0);
    reset(t);
    if (!quiet)
        say(t, P_DROPPED);
}

/* ---- tickets the user asks about ------------------------------------------------ */

/* The ticket meant by `ref` ("INC-000123" or "last"), if the user may see it. */
static hd_ticket *find_ticket(turn *t, const char *ref)
{
    hd_ticket *tk = NULL;
    int err;

    if (ref && strcmp(ref, "last") == 0) {
        hd_ticket_filter f = {.status = -1, .requester_id = t->me->id, .limit = 1};
        hd_ticket **list = NULL;
        size_t n = 0;

        if ((err = hd_ticket_list(t->d->desk, &f, &list, &n)) != 0)
            t->err = err;
        else if (n == 0)
            say(t, P_STATUS_NONE);
        else
            tk = list[0], list[0] = NULL;
        hd_ticket_list_free(list, n);
        return tk;
    }
    err = hd_ticket_get(t->d->desk, ref, &tk);
    if (err == HD_EDB || err == HD_EBUSY) {
        t->err = err;
        return NULL;
    }
    if (err) {
        say(t, P_NO_SUCH_TICKET, ref);
        return NULL;
    }
    if (tk->requester_id != t->me->id && !t->me->is_agent) {
        say(t, P_NOT_YOURS);
        hd_ticket_free(tk);
        return NULL;
    }
    return tk;
}

static void show_ticket(turn *t, const hd_ticket *tk)
{
    hd_message *m = reply(t);
    char iso[32];

    hd_free(m->card_title);
    m->card_title = hd_sprintf("%s · %s", tk->number, tk->title);
    hd_message_field(m, hd_say(t->lang, P_F_STATUS),
                     hd_status_title(t->lang, hd_status_name(tk->status)));
    hd_message_field(m, hd_say(t->lang, P_F_PRIORITY),
                     tk->priority == 1   ? "P1"
                     : tk->priority == 2 ? "P2"
                     : tk->priority == 3 ? "P3"
                                         : "P4");
    hd_message_field(m, hd_say(t->lang, P_F_GROUP), tk->assignment_group);
    if (tk->assignee)
        hd_message_field(m, hd_say(t->lang, P_F_ASSIGNEE), tk->assignee);
    if (hd_status_is_open(tk->status)) {
        hd_time_format(tk->resolution_due, iso, sizeof(iso));
        hd_message_field(m, hd_say(t->lang, P_F_RESOLVE_BY), iso);
    }
    if (m->text == NULL)
        hd_message_text(m, "%s", tk->title);
}

/* The user's open tickets; returns how many (0..limit) into *list. */
static size_t open_tickets(turn *t, hd_ticket ***list)
{
    hd_ticket_filter f = {.status = -1, .open_only = 1, .requester_id = t->me->id, .limit = 10};
    size_t n = 0;
    int err = hd_ticket_list(t->d->desk, &f, list, &n);

    if (err)
        t->err = err;
    return err ? 0 : n;
}

static void do_status(turn *t, const char *ref)
{
    hd_ticket **list = NULL, *tk;
    size_t n, i;

    if (ref) {
        if ((tk = find_ticket(t, ref)) != NULL) {
            show_ticket(t, tk);
            hd_ticket_free(tk);
        }
        return;
    }
    n = open_tickets(t, &list);
    if (n == 0) {
        say(t, P_STATUS_NONE);
    } else {
        say(t, P_STATUS_LIST);
        for (i = 0; i < n; i++)
            append(t, P_STATUS_LINE, list[i]->number, list[i]->title,
                   hd_status_title(t->lang, hd_status_name(list[i]->status)), list[i]->priority);
    }
    hd_ticket_list_free(list, n);
}

/* Pick the ticket for a nudge or an addition: named, the only open one, or ask. */
static hd_ticket *pick_ticket(turn *t, const char *ref, const char *action)
{
    hd_ticket **list = NULL, *tk = NULL;
    size_t n, i;

    if (ref)
        return find_ticket(t, ref);
    n = open_tickets(t, &list);
    if (n == 0) {
        say(t, P_STATUS_NONE);
    } else if (n == 1) {
        tk = list[0];
        list[0] = NULL;
    } else {
        say(t, P_WHICH_TICKET);
        for (i = 0; i < n && i < 5; i++) {
            char *label = hd_sprintf("%s %.40s", list[i]->number, list[i]->title);

            button_text(t, action, list[i]->number, label);
            hd_free(label);
        }
    }
    hd_ticket_list_free(list, n);
    return tk;
}

static void do_nudge(turn *t, const char *ref)
{
    hd_ticket *tk = pick_ticket(t, ref, "nudge.pick");
    hd_note *notes = NULL;
    size_t n = 0, i;
    int64_t last = 0, interval = (int64_t)t->d->cfg->nudge_interval_minutes * 60;
    int err;

    if (tk == NULL)
        return;
    if (!hd_status_is_open(tk->status)) {
        say(t, P_TICKET_FINAL, tk->number, hd_status_title(t->lang, hd_status_name(tk->status)));
        hd_ticket_free(tk);
        return;
    }
    if ((err = hd_ticket_notes(t->d->desk, tk->id, &notes, &n)) != 0)
        t->err = err;
    for (i = 0; i < n; i++)
        if (strcmp(notes[i].kind, "nudge") == 0)
            last = notes[i].at;
    hd_notes_free(notes, n);
    if (last && t->in->now - last < interval) {
        int ago = (int)((t->in->now - last) / 60);

        say(t, P_NUDGE_TOO_SOON, tk->number, ago, (int)((interval + 59) / 60) - ago);
    } else if (!t->err) {
        t->err = hd_ticket_add_note(t->d->desk, tk->number, "nudge", t->me->display_name,
                                    "The requester asked for an update.", t->in->now);
        say(t, P_NUDGED, tk->assignment_group, tk->number);
        group_note(t, tk->assignment_group, P_NUDGE_GROUP, t->me->display_name, tk->number,
                   tk->title);
    }
    hd_ticket_free(tk);
}

static void add_info(turn *t, const char *number, const char *text)
{
    int err =
        hd_ticket_add_note(t->d->desk, number, "comment", t->me->display_name, text, t->in->now);
    hd_ticket *tk = NULL;

    reset(t);
    if (err == HD_EDB || err == HD_EBUSY) {
        t->err = err;
        return;
    }
    if (err) {
        say(t, P_AGENT_FAILED, hd_error_last());
        return;
    }
    say(t, P_ADDED, number);
    if (hd_ticket_get(t->d->desk, number, &tk) == 0)
        group_note(t, tk->assignment_group, P_ADD_GROUP, t->me->display_name, number, text);
    hd_ticket_free(tk);
}

static void start_add_info(turn *t, const char *ref)
{
    hd_ticket *tk = pick_ticket(t, ref, "addinfo.pick");

    if (tk == NULL)
        return;
    st_set(t, "step", "add_info");
    st_set(t, "ticket", tk->number);
    say(t, P_ADD_WHAT, tk->number);
    button(t, "draft.cancel", NULL, P_B_CANCEL, HD_BUTTON_DANGER);
    hd_ticket_free(tk);
}

static void do_human(turn *t, const char *text)
{
    hd_ticket *tk;
    const char *flag = hd_say(t->lang, P_HANDOVER_FLAG);
    char *title = text && text[0] && strcmp(text, flag) != 0 ? hd_sprintf("%s: %.120s", flag, text)
                                                             : hd_strdup(flag);

    contact_start(t);
    tk = open_ticket(t, HD_TYPE_CONSULTATION, NULL, title, text, NULL, HD_IMPACT_INDIVIDUAL,
                     HD_URGENCY_MEDIUM, 1);
    hd_free(title);
    if (tk) {
        announce_ticket(t, tk, P_HUMAN);
        hd_ticket_free(tk);
    }
    reset(t);
}

static void do_complaint(turn *t, const hd_intent *in, const char *text)
{
    hd_ticket *tk;
    char *title = hd_sprintf("%s: %.120s", in->label[t->lang], text);

    contact_start(t);
    tk = open_ticket(t, HD_TYPE_COMPLAINT, in->category, title, text, NULL, HD_IMPACT_INDIVIDUAL,
                     HD_URGENCY_MEDIUM, 0);
    hd_free(title);
    if (tk) {
        announce_ticket(t, tk, P_COMPLAINT);
        hd_ticket_free(tk);
    }
    reset(t);
}

static void do_howto(turn *t, const char *text)
{
    reset(t);
    contact_start(t);
    st_set(t, "text", text);
    if (offer_article(t, text))
        return;
    say(t, P_KB_NONE);
    st_set(t, "step", "kb");
    button(t, "howto.ask", NULL, P_B_ASK_DESK, HD_BUTTON_PRIMARY);
    button(t, "draft.cancel", NULL, P_B_CANCEL, HD_BUTTON_DEFAULT);
}

/* ---- agents ------------------------------------------------------------------- */

static void tell_requester(turn *t, const hd_ticket *tk, phrase p, const char *a, const char *b)
{
    hd_lang lang;
    hd_message *m = to_requester(t, tk, &lang);

    if (m)
        say_to(m, lang, p, a, b);
}

static void send_survey(turn *t, const hd_ticket *tk)
{
    hd_lang lang;
    hd_message *m = to_requester(t, tk, &lang);
    char arg[32];
    int r;

    if (m == NULL)
        return;
    hd_free(m->id);
    m->id = hd_sprintf("survey:%s:%d", tk->number, tk->reopen_count);
    say_to(m, lang, P_SURVEY, tk->number, tk->title, tk->resolution ? tk->resolution : "");
    for (r = 1; r <= 5; r++) {
        char label[4];

        snprintf(arg, sizeof(arg), "%s:%d", tk->number, r);
        snprintf(label, sizeof(label), "%d", r);
        button_on(t, m, m->to, NULL, HD_ACTION_ANY_STEP, "survey.rate", arg, label,
                  r >= 4 ? HD_BUTTON_PRIMARY : HD_BUTTON_DEFAULT);
    }
    snprintf(arg, sizeof(arg), "%s:0", tk->number);
    button_on(t, m, m->to, NULL, HD_ACTION_ANY_STEP, "survey.rate", arg,
              hd_say(lang, P_B_NOT_FIXED), HD_BUTTON_DANGER);
}

static int engine_failed(turn *t, int err)
{
    if (err == HD_EDB || err == HD_EBUSY) {
        t->err = err;
        return 1;
    }
    if (err) {
        say(t, P_AGENT_FAILED, hd_error_last());
        return 1;
    }
    return 0;
}

/* `verb` on ticket `number` by the agent; `note` for resolve. */
static void agent_act(turn *t, const char *verb, const char *number, const char *note)
{
    hd_ticket *tk = NULL, *after = NULL;
    const char *me = t->me->username;
    char *old_group = NULL;
    int err = hd_ticket_get(t->d->desk, number, &tk);

    if (err == HD_ENOTFOUND || err == HD_EINVAL) {
        say(t, P_NO_SUCH_TICKET, number);
        return;
    }
    if (engine_failed(t, err))
        return;
    if (!agent_of(t, tk->assignment_group)) {
        say(t, P_AGENT_ONLY, tk->assignment_group);
        hd_ticket_free(tk);
        return;
    }
    old_group = hd_strdup(tk->assignment_group);
    if (strcmp(verb, "take") == 0) {
        if (!engine_failed(t, hd_ticket_take(t->d->desk, number, me, t->in->now, &after))) {
            say(t, P_TAKEN_GROUP, me, after->number);
            tell_requester(t, after, P_TAKEN_USER, t->me->display_name, after->number);
            group_card(t, after, 1);
        }
    } else if (strcmp(verb, "escalate") == 0) {
        if (!engine_failed(t, hd_ticket_escalate(t->d->desk, number, me, t->in->now, &after))) {
            say(t, P_ESCALATED_USER, after->number, after->assignment_group);
            tell_requester(t, after, P_ESCALATED_USER, after->number, after->assignment_group);
            group_card(t, after, 0);
            group_note(t, after->assignment_group, P_ESCALATED_GROUP, after->number, old_group, me);
        }
    } else if (note == NULL || note[0] == '\0') {
        st_set(t, "step", "resolve_note");
        st_set(t, "ticket", tk->number);
        say(t, P_RESOLVE_NOTE, tk->number);
    } else {
        /* Resolving from the queue means taking it first. */
        if (tk->status == HD_STATUS_ASSIGNED || tk->status == HD_STATUS_REOPENED)
            err = hd_ticket_take(t->d->desk, number, me, t->in->now, NULL);
        if (err == 0)
            err = hd_ticket_resolve(t->d->desk, number, note, me, t->in->now, &after);
        if (!engine_failed(t, err)) {
            reset(t);
            say(t, P_RESOLVED_AGENT, after->number);
            group_note(t, after->assignment_group, P_RESOLVED_GROUP, after->number, me, note);
            group_card(t, after, 1);
            send_survey(t, after);
        }
    }
    hd_free(old_group);
    hd_ticket_free(tk);
    hd_ticket_free(after);
}

/* "take INC-000123", "resolve INC-000123 replaced the toner", "escalate inc-5". */
static int agent_command(turn *t, const char *text)
{
    static const struct {
        const char *word, *verb;
    } verbs[] = {{"take", "take"}, {"resolve", "resolve"}, {"escalate", "escalate"},
                 {"接单", "take"}, {"解决", "resolve"},    {"升级", "escalate"}};
    char number[32];
    const char *p = text;
    size_t i, len;

    if (!t->me->is_agent)
        return 0;
    for (i = 0; i < HD_ARRAY_SIZE(verbs); i++) {
        len = strlen(verbs[i].word);
        if (strncasecmp(text, verbs[i].word, len) == 0 && (text[len] == ' ' || text[len] == '\t'))
            break;
    }
    if (i == HD_ARRAY_SIZE(verbs))
        return 0;
    p = text + len;
    while (*p == ' ' || *p == '\t')
        p++;
    len = strcspn(p, " \t");
    if (len == 0 || len >= sizeof(number) || !isalpha((unsigned char)p[0]))
        return 0;
    memcpy(number, p, len);
    number[len] = '\0';
    p += len;
    while (*p == ' ' || *p == '\t')
        p++;
    agent_act(t, verbs[i].verb, number, p);
    return 1;
}

/* ---- surveys ------------------------------------------------------------------- */

/* A small decimal number, or -1. */
static int atoi_safe(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    return end != s && *end == '\0' && v >= 0 && v <= 1000 ? (int)v : -1;
}

static void rate(turn *t, const char *arg)
{
    const char *colon = arg ? strrchr(arg, ':') : NULL;
    char number[32];
    hd_ticket *tk = NULL;
    int rating, err;

    if (colon == NULL || (size_t)(colon - arg) >= sizeof(number)) {
        say(t, P_BUTTON_UNKNOWN);
        return;
    }
    memcpy(number, arg, (size_t)(colon - arg));
    number[colon - arg] = '\0';
    rating = atoi_safe(colon + 1);
    err = hd_survey_answer(t->d->desk, number, rating, NULL,
                           t->me->username ? t->me->username : "requester", t->in->now, &tk);
    if (err == HD_ESTATE) {
        say(t, P_BUTTON_EXPIRED);
        return;
    }
    if (engine_failed(t, err))
        return;
    if (rating == HD_SURVEY_NOT_FIXED) {
        say(t, P_REOPENED, number);
        group_note(t, tk->assignment_group, P_GROUP_REOPENED, number, t->me->display_name, "");
        group_card(t, tk, 1);
    } else if (rating <= 2 && at_step(t, "idle")) {
        /* Asked only when no draft is open, so answering cannot lose one. */
        say(t, P_LOW_RATING);
        st_set(t, "step", "survey_comment");
        st_set(t, "ticket", number);
    } else {
        say(t, P_THANKS_RATING);
    }
    hd_ticket_free(tk);
}

/* ---- understanding free text ------------------------------------------------------ */

static void clarify(turn *t, const hd_parse *p, const char *text)
{
    int i, shown = 0;

    reset(t);
    st_set(t, "step", "clarify");
    st_set(t, "text", text);
    say(t, P_CLARIFY);
    for (i = 0; i < p->n_guesses; i++) {
        const hd_intent *in = p->guesses[i].intent;

        if (in == NULL || p->guesses[i].confidence < 0.05)
            continue;
        button_text(t, "clarify.pick", in->name, in->label[t->lang]);
        shown++;
    }
    button(t, "clarify.none", NULL, P_B_SOMETHING_ELSE, HD_BUTTON_DEFAULT);
    (void)shown;
}

/* Act on a message classified as `in`. */
static void start_intent(turn *t, const hd_intent *in, const hd_parse *p, const char *text)
{
    const char *ref = hd_parse_slot(p, "ticket");

    switch (in->kind) {
    case HD_KIND_GREETING:
    case HD_KIND_HELP:
        reset(t);
        menu(t);
        break;
    case HD_KIND_THANKS:
        reset(t);
        say(t, P_THANKS);
        break;
    case HD_KIND_CANCEL:
        say(t, P_NOTHING_TO_CANCEL);
        break;
    case HD_KIND_OUT_OF_SCOPE:
        reset(t);
        say(t, P_OUT_OF_SCOPE);
        button(t, "menu.describe", "incident", P_B_REPORT, HD_BUTTON_PRIMARY);
        button(t, "menu.describe", "request", P_B_REQUEST, HD_BUTTON_DEFAULT);
        button(t, "menu.describe", "howto", P_B_HOWTO, HD_BUTTON_DEFAULT);
        button(t, "menu.status", NULL, P_B_MY_TICKETS, HD_BUTTON_DEFAULT);
        break;
    case HD_KIND_HOWTO:
        do_howto(t, text);
        break;
    case HD_KIND_STATUS:
        reset(t);
        do_status(t, ref);
        break;
    case HD_KIND_NUDGE:
        reset(t);
        do_nudge(t, ref);
        break;
    case HD_KIND_ADD_INFO:
        reset(t);
        start_add_info(t, ref);
        break;
    case HD_KIND_HUMAN:
        reset(t);
        do_human(t, text);
        break;
    case HD_KIND_COMPLAINT:
        reset(t);
        do_complaint(t, in, text);
        break;
    case HD_KIND_INCIDENT:
    case HD_KIND_REQUEST:
    case HD_KIND_CHANGE:
        begin_draft(t, in, text);
        break;
    default:
        menu(t);
    }
}

static int confident(turn *t, const hd_parse *p)
{
    return p->n_guesses > 0 && p->guesses[0].intent &&
           p->guesses[0].confidence * 100.0 >= t->d->cfg->nlu_threshold;
}

static void route(turn *t, const char *text)
{
    hd_parse p;

    hd_nlu_parse(t->d->nlu, text, &p);
    if (confident(t, &p))
        start_intent(t, p.guesses[0].intent, &p, text);
    else
        clarify(t, &p, text);
    hd_parse_clear(&p);
}

/* In "describe": the user says what the problem, request or question is. */
static void describe(turn *t, const char *text)
{
    const char *kind = st_str(t, "kind");
    hd_parse p;
    int i;

    if (kind && strcmp(kind, "howto") == 0) {
        do_howto(t, text);
        return;
    }
    hd_nlu_parse(t->d->nlu, text, &p);
    /* Prefer the likeliest intent of the kind the user picked from the menu. */
    for (i = 0; i < p.n_guesses; i++) {
        const hd_intent *in = p.guesses[i].intent;

        if (in && strcmp(hd_intent_kind_name(in->kind), kind ? kind : "") == 0 &&
            p.guesses[i].confidence >= 0.1) {
            begin_draft(t, in, text);
            hd_parse_clear(&p);
            return;
        }
    }
    if (confident(t, &p))
        start_intent(t, p.guesses[0].intent, &p, text);
    else
        clarify(t, &p, text);
    hd_parse_clear(&p);
}

/*
 * A draft is open and the user wrote something that is not an answer: if it
 * is clearly another topic, ask whether to keep the draft.
 */
static int topic_switch(turn *t, const char *text, int free_text)
{
    const hd_intent *cur = draft_intent(t);
    hd_parse p;
    int switched = 0;

    hd_nlu_parse(t->d->nlu, text, &p);
    /* Any text answers a free-text question: only a clear new topic interrupts it. */
    if (confident(t, &p) && p.guesses[0].intent != cur &&
        (!free_text || p.guesses[0].confidence >= 0.8)) {
        hd_intent_kind k = p.guesses[0].intent->kind;

        if (k != HD_KIND_THANKS && k != HD_KIND_GREETING && k != HD_KIND_CANCEL) {
            json_t *pending = json_object();

            json_object_set_new(pending, "text", json_string(text));
            json_object_set_new(pending, "from", json_string(step(t)));
            json_object_set_new(t->st, "pending", pending);
            st_set(t, "step", "switch");
            say(t, P_SWITCH, cur ? cur->label[t->lang] : "");
            button(t, "switch.keep", NULL, P_B_KEEP, HD_BUTTON_PRIMARY);
            button(t, "switch.drop", NULL, P_B_DROP, HD_BUTTON_DANGER);
            switched = 1;
        }
    }
    hd_parse_clear(&p);
    return switched;
}

static void resume_draft(turn *t)
{
    json_t *pending = json_object_get(t->st, "pending");
    const char *from = json_string_value(json_object_get(pending, "from"));
    char *prev = hd_strdup(from ? from : "collect");

    json_object_del(t->st, "pending");
    say(t, P_KEPT);
    st_set(t, "step", prev);
    if (strcmp(prev, "confirm") == 0)
        summary(t, draft_intent(t));
    else
        next_question(t);
    hd_free(prev);
}

static void drop_and_go_on(turn *t)
{
    json_t *pending = json_object_get(t->st, "pending");
    char *text = hd_strdup(json_string_value(json_object_get(pending, "text")));

    drop_draft(t, 1);
    if (text)
        route(t, text);
    else
        menu(t);
    hd_free(text);
}

static void answer_slot(turn *t, const char *text)
{
    const hd_intent *in = draft_intent(t);
    const char *asking = st_str(t, "asking");
    const hd_slot_def *def = in && asking ? hd_intent_slot(in, asking) : NULL;
    char *v = NULL;
    int others;

    if (def == NULL) {
        next_question(t);
        return;
    }
    if (!def->required && is_word(text, skip_words)) {
        skip(t, def->name);
        next_question(t);
        return;
    }
    /* Other facts stated along the way (or corrections) count too. */
    others = absorb(t, in, text);
    if (slot_value(t, def->name) != NULL && others > 0) {
        next_question(t);
        return;
    }
    if (others == 0 && topic_switch(t, text, def->type == HD_SLOT_TEXT))
        return;
    if (hd_slot_extract(def, text, t->lang, &v)) {
        json_object_set_new(slots(t), def->name, json_string(v));
        hd_free(v);
        next_question(t);
        return;
    }
    if (others > 0) {
        next_question(t);
        return;
    }
    say(t, P_NOT_UNDERSTOOD, "");
    ask(t, def);
}

static void confirm_text(turn *t, const char *text)
{
    const hd_intent *in = draft_intent(t);

    if (is_word(text, yes_words)) {
        submit(t);
    } else if (is_word(text, no_words)) {
        drop_draft(t, 0);
    } else if (in && absorb(t, in, text) > 0) {
        summary(t, in);
    } else if (!topic_switch(t, text, 0)) {
        say(t, P_NOT_UNDERSTOOD, "");
        if (in)
            summary(t, in);
    }
}

static void kb_answer(turn *t, int solved, const char *slug)
{
    const char *intent = st_str(t, "intent");
    int err;

    if (slug &&
        (err = hd_kb_feedback(hd_desk_store(t->d->desk), slug, t->me->id, solved, t->in->now)) !=
            0 &&
        (err == HD_EDB || err == HD_EBUSY))
        t->err = err;
    if (solved) {
        contact_finish(t, HD_CONTACT_KB_RESOLVED, 0);
        t->deflected = 1;
        reset(t);
        say(t, P_KB_SOLVED);
    } else if (intent) {
        say(t, P_KB_CONTINUE);
        next_question(t);
    } else {
        char *q = hd_strdup(st_str(t, "text"));

        ask_desk(t, q ? q : "");
        hd_free(q);
    }
}

static void kb_text(turn *t, const char *text)
{
    const hd_intent *in = draft_intent(t);
    char *slug = hd_strdup(st_str(t, "kb"));

    if (is_word(text, yes_words))
        kb_answer(t, 1, slug);
    else if (is_word(text, no_words))
        kb_answer(t, 0, slug);
    else if (in && absorb(t, in, text) > 0)
        kb_answer(t, 0, slug);
    else
        route(t, text);
    hd_free(slug);
}

static void on_text(turn *t, const char *text)
{
    char *number;

    if (text[0] == '\0') {
        menu(t);
        return;
    }
    if (is_word(text, cancel_words)) {
        if (at_step(t, "idle") || at_step(t, "clarify"))
            say(t, P_NOTHING_TO_CANCEL);
        else
            drop_draft(t, 0);
        return;
    }
    if (agent_command(t, text))
        return;

    if (at_step(t, "collect")) {
        answer_slot(t, text);
    } else if (at_step(t, "confirm")) {
        confirm_text(t, text);
    } else if (at_step(t, "kb")) {
        kb_text(t, text);
    } else if (at_step(t, "describe")) {
        describe(t, text);
    } else if (at_step(t, "switch")) {
        if (is_word(text, yes_words))
            resume_draft(t);
        else if (is_word(text, no_words))
            drop_and_go_on(t);
        else {
            drop_draft(t, 1);
            route(t, text);
        }
    } else if (at_step(t, "add_info")) {
        number = hd_strdup(st_str(t, "ticket"));
        add_info(t, number, text);
        hd_free(number);
    } else if (at_step(t, "survey_comment")) {
        number = hd_strdup(st_str(t, "ticket"));
        reset(t);
        if (is_word(text, skip_words) || is_word(text, no_words)) {
            say(t, P_THANKS_RATING);
        } else {
            int err = hd_survey_comment(t->d->desk, number, text);

            if (!engine_failed(t, err == HD_ESTATE ? 0 : err))
                say(t, P_COMMENT_THANKS);
        }
        hd_free(number);
    } else if (at_step(t, "resolve_note")) {
        number = hd_strdup(st_str(t, "ticket"));
        agent_act(t, "resolve", number, text);
        hd_free(number);
    } else {
        route(t, text);
    }
}

/* ---- buttons --------------------------------------------------------------------- */

static void on_click(turn *t, const char *token)
{
    hd_action *a = NULL;
    hd_message *m;
    int err = hd_action_get(t->d->desk, token, &a);
    char *arg = NULL;

    if (engine_failed(t, err == HD_ENOTFOUND ? 0 : err))
        return;
    /* Until the click is accepted, nothing of the conversation changes. */
    t->refused = 1;
    if (err == HD_ENOTFOUND || strcmp(a->channel, t->in->channel) != 0) {
        say(t, P_BUTTON_UNKNOWN);
        goto cleanup;
    }
    if (a->user_id && strcmp(a->user_id, t->in->user_id) != 0) {
        say(t, P_BUTTON_NOT_YOURS);
        goto cleanup;
    }
    if (a->group_name && !agent_of(t, a->group_name)) {
        say(t, P_AGENT_ONLY, a->group_name);
        goto cleanup;
    }
    if (a->used_at || (a->version != HD_ACTION_ANY_STEP && a->version != t->loaded)) {
        say(t, P_BUTTON_EXPIRED);
        goto cleanup;
    }
    if ((err = hd_action_use(t->d->desk, token, t->in->now)) != 0) {
        if (!engine_failed(t, err == HD_ESTATE ? 0 : err))
            say(t, P_BUTTON_EXPIRED);
        goto cleanup;
    }
    t->refused = 0;
    /* The clicked message shows the choice and loses its buttons. */
    if (a->message_id) {
        m = hd_replies_add(t->out, t->in->channel, a->group_name ? NULL : t->in->user_id);
        if (a->group_name) {
            hd_free(m->to);
            m->to = hd_sprintf("group:%s", a->group_name);
        }
        m->id = hd_strdup(a->message_id);
        m->replaces = hd_strdup(a->message_id);
        say_to(m, t->lang, P_CHOSE, a->label ? a->label : "");
    }
    arg = a->arg;

    if (strcmp(a->action, "menu.describe") == 0) {
        reset(t);
        st_set(t, "step", "describe");
        st_set(t, "kind", arg);
        say(t, strcmp(arg ? arg : "", "howto") == 0     ? P_DESCRIBE_HOWTO
               : strcmp(arg ? arg : "", "request") == 0 ? P_DESCRIBE_REQUEST
                                                        : P_DESCRIBE_PROBLEM);
    } else if (strcmp(a->action, "menu.status") == 0) {
        reset(t);
        do_status(t, NULL);
    } else if (strcmp(a->action, "menu.human") == 0) {
        reset(t);
        do_human(t, hd_say(t->lang, P_HANDOVER_FLAG));
    } else if (strcmp(a->action, "clarify.pick") == 0) {
        const hd_intent *in = hd_catalog_find(t->d->cat, arg ? arg : "");
        char *text = hd_strdup(st_str(t, "text"));
        hd_parse p;

        hd_nlu_parse(t->d->nlu, text ? text : "", &p);
        if (in)
            start_intent(t, in, &p, text ? text : "");
        else
            menu(t);
        hd_parse_clear(&p);
        hd_free(text);
    } else if (strcmp(a->action, "clarify.none") == 0) {
        reset(t);
        menu(t);
    } else if (strcmp(a->action, "kb.solved") == 0 || strcmp(a->action, "kb.still") == 0) {
        kb_answer(t, strcmp(a->action, "kb.solved") == 0, arg);
    } else if (strcmp(a->action, "howto.ask") == 0) {
        char *q = hd_strdup(st_str(t, "text"));

        ask_desk(t, q ? q : "");
        hd_free(q);
    } else if (strcmp(a->action, "slot.value") == 0) {
        const char *asking = st_str(t, "asking");

        if (asking && arg) {
            json_object_set_new(slots(t), asking, json_string(arg));
            next_question(t);
        }
    } else if (strcmp(a->action, "slot.skip") == 0) {
        skip(t, arg ? arg : "");
        next_question(t);
    } else if (strcmp(a->action, "confirm.submit") == 0) {
        submit(t);
    } else if (strcmp(a->action, "confirm.edit") == 0) {
        const hd_intent *in = draft_intent(t);
        size_t i;

        say(t, P_EDIT_WHICH);
        for (i = 0; in && i < in->n_slots; i++)
            button_text(t, "edit.slot", in->slots[i].name,
                        hd_slot_title(t->lang, in->slots[i].name));
        button(t, "draft.cancel", NULL, P_B_CANCEL, HD_BUTTON_DANGER);
    } else if (strcmp(a->action, "edit.slot") == 0) {
        const hd_intent *in = draft_intent(t);
        const hd_slot_def *def = in && arg ? hd_intent_slot(in, arg) : NULL;

        if (def) {
            json_object_del(slots(t), def->name);
            ask(t, def);
        }
    } else if (strcmp(a->action, "draft.cancel") == 0) {
        drop_draft(t, 0);
    } else if (strcmp(a->action, "switch.keep") == 0) {
        resume_draft(t);
    } else if (strcmp(a->action, "switch.drop") == 0) {
        drop_and_go_on(t);
    } else if (strcmp(a->action, "nudge.pick") == 0) {
        do_nudge(t, arg);
    } else if (strcmp(a->action, "addinfo.pick") == 0) {
        start_add_info(t, arg);
    } else if (strcmp(a->action, "survey.rate") == 0) {
        rate(t, arg);
    } else if (strncmp(a->action, "ticket.", 7) == 0) {
        agent_act(t, a->action + 7, arg ? arg : "", NULL);
    } else {
        say(t, P_BUTTON_UNKNOWN);
    }

cleanup:
    hd_action_free(a);
}

/* ---- turns -------------------------------------------------------------------------- */

static int busy_step(turn *t)
{
    return !at_step(t, "idle");
}

/* Close a draft left idle too long, telling the user (in their reply). */
static void expire_if_idle(turn *t, const hd_conv *conv)
{
    const hd_intent *in;
    int minutes = t->d->cfg->draft_idle_minutes;

    if (conv == NULL || !conv->busy || t->in->now - conv->updated_at <= (int64_t)minutes * 60)
        return;
    in = draft_intent(t);
    say(t, P_EXPIRED, in ? in->label[t->lang] : step(t), minutes);
    drop_draft(t, 1);
}

static hd_lang turn_lang(turn *t, const char *text)
{
    hd_lang lang = HD_LANG_EN;
    const char *saved = st_str(t, "lang");
    size_t words = 0;
    const char *p;
    int in_word = 0;

    if (saved)
        hd_lang_parse(&lang, saved);
    else if (t->me->lang)
        hd_lang_parse(&lang, t->me->lang);
    if (text == NULL)
        return lang;
    for (p = text; *p; p++) {
        if ((unsigned char)*p >= 0x80)
            return hd_lang_detect(text);
        if (isalpha((unsigned char)*p) && !in_word)
            words++;
        in_word = isalpha((unsigned char)*p);
    }
    /* "5", "yes" or "floor 3" says little about the language: keep the last one. */
    return words >= 3 ? hd_lang_detect(text) : lang;
}

/* One turn; with `expire_only` nothing but the idle-draft check runs. */
/*
 * A message replaced twice in one turn (the clicked card shows the choice,
 * then the refreshed card) goes out once, as its last version.
 */
static void drop_superseded(hd_replies *out, size_t from)
{
    size_t i = from, j;

    while (i < out->n) {
        const hd_message *m = &out->items[i];

        for (j = i + 1; m->replaces && j < out->n; j++) {
            const hd_message *later = &out->items[j];

            if (later->replaces && strcmp(later->replaces, m->replaces) == 0 &&
                strcmp(later->channel, m->channel) == 0 && later->to && m->to &&
                strcmp(later->to, m->to) == 0)
                break;
        }
        if (m->replaces && j < out->n)
            hd_replies_remove(out, i);
        else
            i++;
    }
}

static int run_turn(hd_dialogue *d, const hd_turn *in, hd_replies *out, int expire_only)
{
    hd_store *st = hd_desk_store(d->desk);
    hd_employee profile = {0};
    hd_conv *conv = NULL;
    size_t had = out->n;
    int64_t emp = 0;
    char *text = NULL;
    turn t = {0};
    int err;

    t.d = d;
    t.in = in;
    t.out = out;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    profile.username = (char *)in->username;
    profile.display_name = (char *)in->display_name;
    profile.email = (char *)in->email;
    if ((err = hd_users_resolve(d->desk, in->channel, in->user_id, &profile, &t.me, in->now)) != 0)
        goto cleanup;
    emp = t.me->id;
    err = hd_conv_load(d->desk, in->channel, in->user_id, &conv);
    if (err && err != HD_ENOTFOUND)
        goto cleanup;
    err = 0; /* a first contact has no saved state */
    t.st = conv ? json_loads(conv->state, 0, NULL) : NULL;
    if (!json_is_object(t.st)) {
        json_decref(t.st);
        t.st = json_object();
    }
    t.loaded = conv ? conv->version : 0;
    t.version = t.loaded + 1;
    if (in->text) {
        size_t len = strlen(in->text);

        /* Keep at most MAX_TEXT bytes, cut on a character boundary. */
        if (len > MAX_TEXT) {
            len = MAX_TEXT;
            while (len > 0 && ((unsigned char)in->text[len] & 0xC0) == 0x80)
                len--;
        }
        text = hd_strndup(in->text, len);
        len = strspn(text, " \t\r\n");
        memmove(text, text + len, strlen(text + len) + 1);
        len = strlen(text);
        while (len > 0 && strchr(" \t\r\n", text[len - 1]))
            text[--len] = '\0';
    }
    if (in->overheard && !at_step(&t, "resolve_note")) {
        /* Not for the bot: keep the identity, change nothing else. */
        err = hd_store_commit(st);
        goto cleanup;
    }
    t.lang = turn_lang(&t, text);
    st_set(&t, "lang", hd_lang_name(t.lang));
    expire_if_idle(&t, conv);

    if (expire_only)
        ;
    else if (in->click)
        on_click(&t, in->click);
    else
        on_text(&t, text ? text : "");

    finish_buttons(&t);
    drop_superseded(out, had);
    if (t.err) {
        err = t.err;
        goto cleanup;
    }
    if (!t.refused) {
        char *state = json_dumps(t.st, JSON_COMPACT);

        err = hd_conv_save(d->desk, in->channel, in->user_id, emp, state, t.version, busy_step(&t),
                           in->now);
        free(state);
    }
    if (err == 0)
        err = hd_store_commit(st);
    if (err == 0) {
        if (t.opened)
            d->counts.tickets[t.opened - 1]++;
        d->counts.deflections += t.deflected;
    }

cleanup:
    if (err) {
        hd_store_rollback(st);
        hd_replies_truncate(out, had); /* nothing of a failed turn goes out */
    }
    free_pending(&t);
    json_decref(t.st);
    hd_conv_free(conv);
    hd_employee_free(t.me);
    hd_free(text);
    return err;
}

int hd_dialogue_turn(hd_dialogue *d, const hd_turn *in, hd_replies *out)
{
    return run_turn(d, in, out, 0);
}

int hd_dialogue_expire(hd_dialogue *d, int64_t now, hd_replies *out)
{
    int64_t before = now - (int64_t)d->cfg->draft_idle_minutes * 60;
    hd_conv_key *keys = NULL;
    size_t n = 0, i;
    int err;

    if ((err = hd_conv_idle(d->desk, before, 500, &keys, &n)) != 0)
        return err;
    for (i = 0; i < n && err == 0; i++) {
        hd_turn tick = {0};

        /* A turn in which only the expiry speaks. */
        tick.channel = keys[i].channel;
        tick.user_id = keys[i].user_id;
        tick.now = now;
        err = run_turn(d, &tick, out, 1);
    }
    hd_conv_keys_free(keys, n);
    return err;
}

static void notice(hd_replies *out, const char *channel, const char *group, const char *number,
                   phrase p, ...)
{
    char *to = hd_sprintf("group:%s", group);
    hd_message *m = hd_replies_add(out, channel, to);
    va_list ap;

    va_start(ap, p);
    hd_message_vappend(m, hd_say(HD_LANG_EN, p), ap);
    va_end(ap);
    m->id = hd_sprintf("sla:%s:%s:%zu", number, group, out->n);
    hd_free(to);
}

void hd_dialogue_sla_notices(hd_dialogue *d, const hd_sla_event *events, size_t n,
                             const char *channel, hd_replies *out)
{
    size_t i;

    (void)d;
    for (i = 0; i < n; i++) {
        const hd_sla_alert *a = &events[i].alert;
        const char *target =
            hd_say(HD_LANG_EN, a->kind == HD_SLA_RESPONSE ? P_T_RESPONSE : P_T_RESOLUTION);
        char due[32];

        if (a->group == NULL)
            continue;
        if (events[i].event == HD_SLA_WARNING) {
            hd_time_format(a->due, due, sizeof(due));
            notice(out, channel, a->group, a->number, P_SLA_WARN_GROUP, a->number, target, due);
        } else if (events[i].escalated_to) {
            notice(out, channel, a->group, a->number, P_SLA_BREACH_GROUP, a->number, target,
                   events[i].escalated_to);
            notice(out, channel, events[i].escalated_to, a->number, P_SLA_ESCALATED_IN, a->number,
                   target, a->group);
        } else {
            notice(out, channel, a->group, a->number, P_SLA_BREACH_TOP, a->number, target);
        }
    }
}
