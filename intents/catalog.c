/*
 * catalog.c - loading and validating the intent catalog: one JSON file per
 * intent, each checked field by field so an administrator's mistake is
 * reported with the file and the path of the field ("incident.printer.json:
 * slots[1].type: unknown slot type 'colour'"). A catalog with one broken
 * file is refused as a whole.
 */
#include "hd/intent.h"

#include "hd/fileio.h"

#include <jansson.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An intent file is a few kilobytes; anything far larger is a mistake. */
#define CATALOG_MAX_FILE (256 * 1024)
#define CATALOG_MAX_FILES 1000

struct hd_catalog {
    hd_intent *intents;
    size_t n;
};

static const char *const lang_names[HD_LANG_COUNT] = {"en", "zh"};

static const char *const kind_names[HD_KIND_COUNT] = {
    "greeting", "help",     "incident", "request",   "change", "howto",  "status",
    "nudge",    "add_info", "human",    "complaint", "cancel", "thanks", "out_of_scope"};

static const char *const slot_type_names[HD_SLOT_TYPE_COUNT] = {
    "text",  "enum",          "pattern", "location",      "asset_tag", "phone",
    "email", "error_message", "time",    "ticket_number", "impact",    "urgency"};

/* Built-in values of the impact and urgency slots, in hd_impact / hd_urgency order. */
static const char *const impact_labels[HD_IMPACT_COUNT][HD_LANG_COUNT] = {
    {"Just me", "只有我"},
    {"My team or department", "我的团队/部门"},
    {"Many people / the whole office", "很多人/整个公司"},
};
static const char *const urgency_labels[HD_URGENCY_COUNT][HD_LANG_COUNT] = {
    {"It can wait", "不急"},
    {"Today would be good", "今天内"},
    {"It is blocking my work", "影响工作"},
    {"Business-critical, right now", "非常紧急"},
};

/* Which kinds open a ticket: 1 must, 0 may, -1 must not. */
static int ticket_rule(hd_intent_kind kind)
{
    switch (kind) {
    case HD_KIND_INCIDENT:
    case HD_KIND_REQUEST:
    case HD_KIND_CHANGE:
    case HD_KIND_COMPLAINT:
        return 1;
    case HD_KIND_HUMAN:
    case HD_KIND_HOWTO:
        return 0;
    default:
        return -1;
    }
}

/* hd_lang_name - see intent.h: a static string, "?" outside the enum. */
const char *hd_lang_name(hd_lang lang)
{
    return (unsigned)lang < HD_LANG_COUNT ? lang_names[lang] : "?";
}

/* hd_lang_parse - see intent.h: exact "en" or "zh"; HD_EINVAL with a detail otherwise. */
int hd_lang_parse(hd_lang *out, const char *name)
{
    int i;

    for (i = 0; i < HD_LANG_COUNT; i++) {
        if (name && strcmp(name, lang_names[i]) == 0) {
            *out = (hd_lang)i;
            return 0;
        }
    }
    return hd_error_set(HD_EINVAL, "unknown language '%s' (expected en or zh)", name ? name : "");
}

/* hd_intent_kind_name - see intent.h: a static string, "?" outside the enum. */
const char *hd_intent_kind_name(hd_intent_kind kind)
{
    return (unsigned)kind < HD_KIND_COUNT ? kind_names[kind] : "?";
}

/* hd_slot_type_name - see intent.h: a static string, "?" outside the enum. */
const char *hd_slot_type_name(hd_slot_type type)
{
    return (unsigned)type < HD_SLOT_TYPE_COUNT ? slot_type_names[type] : "?";
}

/* ---- freeing ----------------------------------------------------------- */

static void free_strings(char **v, size_t n)
{
    size_t i;

    for (i = 0; v && i < n; i++)
        hd_free(v[i]);
    hd_free(v);
}

static void free_slot(hd_slot_def *s)
{
    size_t i;
    int l;

    hd_free(s->name);
    for (l = 0; l < HD_LANG_COUNT; l++)
        hd_free(s->prompt[l]);
    for (i = 0; s->values && i < s->n_values; i++) {
        hd_free(s->values[i].value);
        for (l = 0; l < HD_LANG_COUNT; l++) {
            hd_free(s->values[i].label[l]);
            free_strings(s->values[i].synonyms[l], s->values[i].n_synonyms[l]);
        }
    }
    hd_free(s->values);
    if (s->pattern) {
        regfree(s->pattern);
        hd_free(s->pattern);
    }
}

static void free_intent(hd_intent *it)
{
    size_t i;
    int l;

    hd_free(it->name);
    hd_free(it->category);
    for (l = 0; l < HD_LANG_COUNT; l++) {
        hd_free(it->label[l]);
        free_strings(it->examples[l], it->n_examples[l]);
        free_strings(it->keywords[l], it->n_keywords[l]);
    }
    for (i = 0; it->slots && i < it->n_slots; i++)
        free_slot(&it->slots[i]);
    hd_free(it->slots);
}

/*
 * hd_catalog_free - release `cat` and every intent in it; NULL is
 * accepted. Intents, slots and guesses that borrowed from it are invalid
 * afterwards.
 */
void hd_catalog_free(hd_catalog *cat)
{
    size_t i;

    if (cat == NULL)
        return;
    for (i = 0; i < cat->n; i++)
        free_intent(&cat->intents[i]);
    hd_free(cat->intents);
    hd_free(cat);
}

/* ---- validation -------------------------------------------------------- */

/* Where an error is reported: the file and the field path being read. */
typedef struct where {
    const char *file;
    char path[160];
} where;

static int bad(const where *w, const char *fmt, ...) HD_PRINTF(2, 3);

static int bad(const where *w, const char *fmt, ...)
{
    char what[320];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (w->path[0] == '\0')
        return hd_error_set(HD_ECONFIG, "%s: %s", w->file, what);
    return hd_error_set(HD_ECONFIG, "%s: %s: %s", w->file, w->path, what);
}

/* Descend into field `key` (or array index when key is NULL); returns the old length. */
static size_t enter(where *w, const char *key, size_t index)
{
    size_t old = strlen(w->path);

    if (key)
        snprintf(w->path + old, sizeof(w->path) - old, "%s%s", old ? "." : "", key);
    else
        snprintf(w->path + old, sizeof(w->path) - old, "[%zu]", index);
    return old;
}

static void leave(where *w, size_t old)
{
    w->path[old] = '\0';
}

static int check_keys(const where *w, json_t *obj, const char *const *allowed, size_t n)
{
    const char *key;
    json_t *v;
    size_t i;

    json_object_foreach(obj, key, v)
    {
        for (i = 0; i < n; i++)
            if (strcmp(key, allowed[i]) == 0)
                break;
        if (i == n) {
            where k = *w;

            enter(&k, key, 0);
            return bad(&k, "unknown field");
        }
    }
    return 0;
}

static const char *json_type_word(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* A required or optional non-empty string field of `obj`, copied into *out. */
static int get_string(where *w, json_t *obj, const char *key, int required, char **out)
{
    json_t *v = json_object_get(obj, key);
    size_t old = enter(w, key, 0);
    int err = 0;

    if (v == NULL) {
        if (required)
            err = bad(w, "missing");
    } else if (!json_is_string(v)) {
        err = bad(w, "must be a string, not %s", json_type_word(v));
    } else if (json_string_length(v) == 0) {
        err = bad(w, "must not be empty");
    } else {
        *out = hd_strdup(json_string_value(v));
    }
    leave(w, old);
    return err;
}

static int lang_of(const where *w, const char *key, hd_lang *out)
{
    int i;

    for (i = 0; i < HD_LANG_COUNT; i++) {
        if (strcmp(key, lang_names[i]) == 0) {
            *out = (hd_lang)i;
            return 0;
        }
    }
    return bad(w, "unknown language '%s' (expected en or zh)", key);
}

/* {"en": "...", "zh": "..."} with both languages, e.g. a label or a prompt. */
static int get_texts(where *w, json_t *obj, const char *key, char **out)
{
    json_t *v = json_object_get(obj, key), *s;
    size_t old = enter(w, key, 0);
    const char *lang;
    hd_lang l = HD_LANG_EN;
    int err = 0;

    if (v == NULL) {
        err = bad(w, "missing");
        goto cleanup;
    }
    if (!json_is_object(v)) {
        err = bad(w, "must be an object of languages (en, zh), not %s", json_type_word(v));
        goto cleanup;
    }
    json_object_foreach(v, lang, s)
    {
        size_t o2 = enter(w, lang, 0);

        if ((err = lang_of(w, lang, &l)) == 0) {
            if (!json_is_string(s) || json_string_length(s) == 0)
                err = bad(w, "must be a non-empty string");
            else
                out[l] = hd_strdup(json_string_value(s));
        }
        leave(w, o2);
        if (err)
            goto cleanup;
    }
    for (l = 0; l < HD_LANG_COUNT; l++) {
        if (out[l] == NULL) {
            size_t o2 = enter(w, lang_names[l], 0);

            err = bad(w, "missing");
            leave(w, o2);
            goto cleanup;
        }
    }

cleanup:
    leave(w, old);
    return err;
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/*
 * {"en": [...], "zh": [...]}: lists of non-empty strings per language.
 * `min` is the least number each language must have (0: the language may
 * be left out). `lower` lower-cases ASCII letters (keywords and synonyms).
 */
static int get_lists(where *w, json_t *obj, const char *key, size_t min, int lower, char ***out,
                     size_t *n_out)
{
    json_t *v = json_object_get(obj, key), *arr;
    size_t old = enter(w, key, 0), i;
    const char *lang;
    hd_lang l = HD_LANG_EN;
    int err = 0;

    if (v == NULL) {
        if (min > 0)
            err = bad(w, "missing");
        goto cleanup;
    }
    if (!json_is_object(v)) {
        err = bad(w, "must be an object of languages (en, zh), not %s", json_type_word(v));
        goto cleanup;
    }
    json_object_foreach(v, lang, arr)
    {
        size_t o2 = enter(w, lang, 0);

        if ((err = lang_of(w, lang, &l)) != 0) {
            leave(w, o2);
            goto cleanup;
        }
        if (!json_is_array(arr)) {
            err = bad(w, "must be an array of strings, not %s", json_type_word(arr));
            leave(w, o2);
            goto cleanup;
        }
        out[l] = hd_calloc(json_array_size(arr) + 1, sizeof(char *));
        for (i = 0; i < json_array_size(arr); i++) {
            json_t *s = json_array_get(arr, i);

            if (!json_is_string(s) || json_string_length(s) == 0) {
                size_t o3 = enter(w, NULL, i);

                err = bad(w, "must be a non-empty string");
                leave(w, o3);
                leave(w, o2);
                goto cleanup;
            }
            out[l][i] = hd_strdup(json_string_value(s));
            if (lower)
                lower_ascii(out[l][i]);
            n_out[l] = i + 1;
        }
        leave(w, o2);
    }
    for (l = 0; l < HD_LANG_COUNT && min > 0; l++) {
        if (n_out[l] < min) {
            size_t o2 = enter(w, lang_names[l], 0);

            err = bad(w, "needs at least %zu %s", min, min == 1 ? "entry" : "entries");
            leave(w, o2);
            goto cleanup;
        }
    }

cleanup:
    leave(w, old);
    return err;
}

static int get_bool(where *w, json_t *obj, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    size_t old;
    int err = 0;

    if (v == NULL)
        return 0;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    old = enter(w, key, 0);
    err = bad(w, "must be true or false, not %s", json_type_word(v));
    leave(w, old);
    return err;
}

static void builtin_values(hd_slot_def *s, const char *const (*labels)[HD_LANG_COUNT], size_t n,
                           const char *(*name)(int))
{
    size_t i;
    int l;

    s->values = hd_calloc(n, sizeof(*s->values));
    s->n_values = n;
    for (i = 0; i < n; i++) {
        s->values[i].value = hd_strdup(name((int)i));
        for (l = 0; l < HD_LANG_COUNT; l++)
            s->values[i].label[l] = hd_strdup(labels[i][l]);
    }
}

static const char *impact_name(int i)
{
    return hd_impact_name((hd_impact)i);
}

static const char *urgency_name(int i)
{
    return hd_urgency_name((hd_urgency)i);
}

static int load_value(where *w, json_t *v, hd_slot_def *s, size_t index)
{
    static const char *const keys[] = {"value", "label", "synonyms"};
    hd_slot_value_def *val = &s->values[index];
    size_t i;
    int err;

    if (!json_is_object(v))
        return bad(w, "must be an object, not %s", json_type_word(v));
    if ((err = check_keys(w, v, keys, HD_ARRAY_SIZE(keys))) != 0 ||
        (err = get_string(w, v, "value", 1, &val->value)) != 0 ||
        (err = get_texts(w, v, "label", val->label)) != 0 ||
        (err = get_lists(w, v, "synonyms", 0, 1, val->synonyms, val->n_synonyms)) != 0)
        return err;
    for (i = 0; i < index; i++) {
        if (strcmp(s->values[i].value, val->value) == 0) {
            size_t old = enter(w, "value", 0);

            err = bad(w, "duplicate value '%s'", val->value);
            leave(w, old);
            return err;
        }
    }
    return 0;
}

static int load_slot(where *w, json_t *obj, hd_intent *it, size_t index)
{
    static const char *const keys[] = {"name", "type", "required", "prompt", "values", "pattern"};
    hd_slot_def *s = &it->slots[index];
    json_t *values = json_object_get(obj, "values"), *pattern = json_object_get(obj, "pattern");
    char *type = NULL;
    size_t i, old;
    int err, t, rc;

    if (!json_is_object(obj))
        return bad(w, "must be an object, not %s", json_type_word(obj));
    if ((err = check_keys(w, obj, keys, HD_ARRAY_SIZE(keys))) != 0 ||
        (err = get_string(w, obj, "name", 1, &s->name)) != 0)
        return err;
    for (i = 0; i < index; i++) {
        if (strcmp(it->slots[i].name, s->name) == 0) {
            old = enter(w, "name", 0);
            err = bad(w, "duplicate slot '%s'", s->name);
            leave(w, old);
            return err;
        }
    }
    if ((err = get_string(w, obj, "type", 1, &type)) != 0)
        return err;
    for (t = 0; t < HD_SLOT_TYPE_COUNT; t++)
        if (strcmp(type, slot_type_names[t]) == 0)
            break;
    old = enter(w, "type", 0);
    if (t == HD_SLOT_TYPE_COUNT)
        err = bad(w, "unknown slot type '%s'", type);
    leave(w, old);
    hd_free(type);
    if (err)
        return err;
    s->type = (hd_slot_type)t;
    if ((err = get_bool(w, obj, "required", &s->required)) != 0 ||
        (err = get_texts(w, obj, "prompt", s->prompt)) != 0)
        return err;

    old = enter(w, "values", 0);
    if (s->type == HD_SLOT_ENUM) {
        if (values == NULL)
            err = bad(w, "missing (an enum slot lists its values)");
        else if (!json_is_array(values) || json_array_size(values) == 0)
            err = bad(w, "must be a non-empty array of values");
        s->n_values = err ? 0 : json_array_size(values);
        s->values = hd_calloc(s->n_values + 1, sizeof(*s->values));
        for (i = 0; !err && i < s->n_values; i++) {
            size_t o2 = enter(w, NULL, i);

            err = load_value(w, json_array_get(values, i), s, i);
            leave(w, o2);
        }
    } else if (values != NULL) {
        err = bad(w, "only an enum slot has values");
    }
    leave(w, old);
    if (err)
        return err;

    old = enter(w, "pattern", 0);
    if (s->type == HD_SLOT_PATTERN) {
        if (pattern == NULL) {
            err = bad(w, "missing (a pattern slot has a regular expression)");
        } else if (!json_is_string(pattern) || json_string_length(pattern) == 0) {
            err = bad(w, "must be a non-empty string");
        } else {
            s->pattern = hd_calloc(1, sizeof(regex_t));
            rc = regcomp(s->pattern, json_string_value(pattern), REG_EXTENDED | REG_ICASE);
            if (rc != 0) {
                char msg[128];

                regerror(rc, s->pattern, msg, sizeof(msg));
                hd_free(s->pattern);
                s->pattern = NULL;
                err = bad(w, "'%s' does not compile: %s", json_string_value(pattern), msg);
            }
        }
    } else if (pattern != NULL) {
        err = bad(w, "only a pattern slot has a pattern");
    }
    leave(w, old);
    if (err)
        return err;

    if (s->type == HD_SLOT_IMPACT)
        builtin_values(s, impact_labels, HD_IMPACT_COUNT, impact_name);
    else if (s->type == HD_SLOT_URGENCY)
        builtin_values(s, urgency_labels, HD_URGENCY_COUNT, urgency_name);
    return 0;
}

static int load_ticket(where *w, json_t *obj, hd_intent *it)
{
    static const char *const keys[] = {"type", "category"};
    json_t *t = json_object_get(obj, "ticket");
    int rule = ticket_rule(it->kind), err = 0;
    size_t old = enter(w, "ticket", 0);
    char *type = NULL;

    if (t == NULL) {
        if (rule > 0)
            err = bad(w, "missing (intents of kind '%s' open a ticket)", kind_names[it->kind]);
        goto cleanup;
    }
    if (rule < 0) {
        err = bad(w, "intents of kind '%s' open no ticket", kind_names[it->kind]);
        goto cleanup;
    }
    if (!json_is_object(t)) {
        err = bad(w, "must be an object, not %s", json_type_word(t));
        goto cleanup;
    }
    if ((err = check_keys(w, t, keys, HD_ARRAY_SIZE(keys))) != 0 ||
        (err = get_string(w, t, "type", 1, &type)) != 0 ||
        (err = get_string(w, t, "category", 0, &it->category)) != 0)
        goto cleanup;
    if (hd_type_parse(&it->ticket_type, type) != 0) {
        size_t o2 = enter(w, "type", 0);

        err = bad(w, "%s", hd_error_last());
        leave(w, o2);
        goto cleanup;
    }
    it->has_ticket = 1;

cleanup:
    hd_free(type);
    leave(w, old);
    return err;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static int load_intent(hd_intent *it, const char *file, const char *text)
{
    static const char *const keys[] = {"name",     "kind",     "label",    "ticket",
                                       "kb_first", "examples", "keywords", "slots"};
    where w = {file, ""};
    json_error_t jerr;
    json_t *root, *slots;
    const char *stem = base_name(file);
    size_t stem_len = strlen(stem), i, old;
    char *kind = NULL;
    int err = 0, k;

    if (strlen(text) > CATALOG_MAX_FILE)
        return bad(&w, "larger than %d bytes", CATALOG_MAX_FILE);
    root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL)
        return hd_error_set(HD_EPARSE, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        err = bad(&w, "must be a JSON object, not %s", json_type_word(root));
        goto cleanup;
    }
    if ((err = check_keys(&w, root, keys, HD_ARRAY_SIZE(keys))) != 0 ||
        (err = get_string(&w, root, "name", 1, &it->name)) != 0)
        goto cleanup;
    if (stem_len > 5 && strcmp(stem + stem_len - 5, ".json") == 0)
        stem_len -= 5;
    if (strlen(it->name) != stem_len || strncmp(it->name, stem, stem_len) != 0) {
        old = enter(&w, "name", 0);
        err = bad(&w, "'%s' differs from the file name '%.*s'", it->name, (int)stem_len, stem);
        leave(&w, old);
        goto cleanup;
    }
    if ((err = get_string(&w, root, "kind", 1, &kind)) != 0)
        goto cleanup;
    for (k = 0; k < HD_KIND_COUNT; k++)
        if (strcmp(kind, kind_names[k]) == 0)
            break;
    if (k == HD_KIND_COUNT) {
        old = enter(&w, "kind", 0);
        err = bad(&w, "unknown kind '%s'", kind);
        leave(&w, old);
        goto cleanup;
    }
    it->kind = (hd_intent_kind)k;
    if ((err = get_texts(&w, root, "label", it->label)) != 0 ||
        (err = load_ticket(&w, root, it)) != 0 ||
        (err = get_bool(&w, root, "kb_first", &it->kb_first)) != 0 ||
        (err = get_lists(&w, root, "examples", 1, 0, it->examples, it->n_examples)) != 0 ||
        (err = get_lists(&w, root, "keywords", 0, 1, it->keywords, it->n_keywords)) != 0)
        goto cleanup;

    slots = json_object_get(root, "slots");
    if (slots != NULL) {
        old = enter(&w, "slots", 0);
        if (!json_is_array(slots)) {
            err = bad(&w, "must be an array of slots, not %s", json_type_word(slots));
            leave(&w, old);
            goto cleanup;
        }
        it->slots = hd_calloc(json_array_size(slots) + 1, sizeof(*it->slots));
        for (i = 0; i < json_array_size(slots); i++) {
            size_t o2 = enter(&w, NULL, i);

            it->n_slots = i + 1;
            err = load_slot(&w, json_array_get(slots, i), it, i);
            leave(&w, o2);
            if (err)
                break;
        }
        leave(&w, old);
    }

cleanup:
    hd_free(kind);
    json_decref(root);
    return err;
}

/*
 * hd_catalog_load - see intent.h. Files are kept in the order given;
 * `names[i]` may be a path, whose last component (less ".json") must equal
 * the intent's name.
 */
int hd_catalog_load(hd_catalog **out, const char *const *names, const char *const *texts, size_t n)
{
    hd_catalog *cat;
    size_t i, j;
    int err = 0;

    *out = NULL;
    if (n == 0)
        return hd_error_set(HD_ECONFIG, "the intent catalog has no intent files");
    if (n > CATALOG_MAX_FILES)
        return hd_error_set(HD_ECONFIG, "the intent catalog has more than %d files",
                            CATALOG_MAX_FILES);
    cat = hd_calloc(1, sizeof(*cat));
    cat->intents = hd_calloc(n, sizeof(*cat->intents));
    for (i = 0; i < n; i++) {
        cat->n = i + 1;
        if ((err = load_intent(&cat->intents[i], names[i], texts[i] ? texts[i] : "")) != 0)
            goto cleanup;
        for (j = 0; j < i; j++) {
            if (strcmp(cat->intents[j].name, cat->intents[i].name) == 0) {
                err = hd_error_set(HD_ECONFIG, "%s: name: duplicate intent '%s' (also in %s)",
                                   names[i], cat->intents[i].name, names[j]);
                goto cleanup;
            }
        }
    }
    *out = cat;
    cat = NULL;

cleanup:
    hd_catalog_free(cat);
    return err;
}

/*
 * hd_catalog_load_dir - see intent.h. Reads the *.json files of `dir` (not
 * hidden ones) in name order, each at most 256 KB, naming them "DIR/FILE"
 * in error details. Returns hd_catalog_load's codes, or HD_EIO when the
 * folder or a file cannot be read.
 */
int hd_catalog_load_dir(hd_catalog **out, const char *dir)
{
    char **paths = NULL, **texts = NULL;
    size_t n = 0, i, len;
    int err;

    *out = NULL;
    if ((err = hd_dir_list(dir, ".json", &paths, &n)) != 0)
        return err;
    if (n > CATALOG_MAX_FILES) {
        err = hd_error_set(HD_ECONFIG, "%s: more than %d intent files", dir, CATALOG_MAX_FILES);
        goto cleanup;
    }
    texts = hd_calloc(n + 1, sizeof(*texts));
    for (i = 0; i < n; i++)
        if ((err = hd_file_read(paths[i], CATALOG_MAX_FILE, &texts[i], &len)) != 0)
            goto cleanup;
    err = hd_catalog_load(out, (const char *const *)paths, (const char *const *)texts, n);

cleanup:
    for (i = 0; texts && i < n; i++)
        hd_free(texts[i]);
    hd_free(texts);
    hd_dir_list_free(paths, n);
    return err;
}

/* hd_catalog_count - how many intents `cat` holds. */
size_t hd_catalog_count(const hd_catalog *cat)
{
    return cat ? cat->n : 0;
}

/* hd_catalog_at - intent `i` (in load order), or NULL past the end. Borrowed from `cat`. */
const hd_intent *hd_catalog_at(const hd_catalog *cat, size_t i)
{
    return cat && i < cat->n ? &cat->intents[i] : NULL;
}

/* hd_catalog_find - see intent.h: borrowed from `cat`; NULL for NULL arguments too. */
const hd_intent *hd_catalog_find(const hd_catalog *cat, const char *name)
{
    size_t i;

    for (i = 0; cat && name && i < cat->n; i++)
        if (strcmp(cat->intents[i].name, name) == 0)
            return &cat->intents[i];
    return NULL;
}

/* hd_intent_slot - see intent.h: borrowed from the intent's catalog. */
const hd_slot_def *hd_intent_slot(const hd_intent *intent, const char *name)
{
    size_t i;

    for (i = 0; intent && name && i < intent->n_slots; i++)
        if (strcmp(intent->slots[i].name, name) == 0)
            return &intent->slots[i];
    return NULL;
}

/*
 * hd_slot_value_label - see intent.h: borrowed from `def` (or `value`
 * itself when it is not one of the slot's values).
 */
const char *hd_slot_value_label(const hd_slot_def *def, const char *value, hd_lang lang)
{
    size_t i;

    if ((unsigned)lang >= HD_LANG_COUNT)
        lang = HD_LANG_EN;
    for (i = 0; def && value && i < def->n_values; i++)
        if (strcmp(def->values[i].value, value) == 0)
            return def->values[i].label[lang];
    return value;
}
