/*
 * intent.h - the intent catalog and what the bot understands of a message.
 *
 * The catalog is data an administrator edits without recompiling: one JSON
 * file per intent (the .json files of intents/catalog, embedded in the binary; a folder
 * of the same files may replace it). Loading validates every file and
 * refuses the whole catalog when one is broken, naming the file and field.
 *
 * Understanding is trained at start-up from the catalog's examples: a
 * multinomial naive Bayes classifier over word unigrams and bigrams (Latin
 * script) and character bigrams (Chinese), plus the catalog's keyword
 * rules, gives each intent a confidence; extractors read slots (ticket
 * numbers, impact and urgency cues, locations, asset tags, phones, emails,
 * quoted errors, times) from free text in English and Chinese.
 */
#ifndef HD_INTENT_H
#define HD_INTENT_H

#include "hd/common.h"
#include "hd/itil.h"

#include <stddef.h>
#include <stdint.h>

typedef enum hd_lang { HD_LANG_EN, HD_LANG_ZH, HD_LANG_COUNT } hd_lang;

/* "en", "zh". hd_lang_parse returns 0 or HD_EINVAL. */
const char *hd_lang_name(hd_lang lang);
int hd_lang_parse(hd_lang *out, const char *name);

/*
 * hd_lang_detect - the language of `text`: Chinese when Han characters make
 * up a meaningful share of its letters, else English.
 */
hd_lang hd_lang_detect(const char *text);

/* What an intent does in the dialogue. */
typedef enum hd_intent_kind {
    HD_KIND_GREETING,     /* hello → the help menu */
    HD_KIND_HELP,         /* what can you do → the help menu */
    HD_KIND_INCIDENT,     /* something is broken → KB first, slots, ticket */
    HD_KIND_REQUEST,      /* I need something → slots, ticket */
    HD_KIND_CHANGE,       /* a change request → slots, ticket */
    HD_KIND_HOWTO,        /* how do I … → knowledge base answers */
    HD_KIND_STATUS,       /* where is my ticket */
    HD_KIND_NUDGE,        /* please hurry my ticket */
    HD_KIND_ADD_INFO,     /* add this to my ticket */
    HD_KIND_HUMAN,        /* talk to a person → hand-over ticket */
    HD_KIND_COMPLAINT,    /* unhappy with the service → complaint ticket */
    HD_KIND_CANCEL,       /* stop / never mind */
    HD_KIND_THANKS,       /* thank you */
    HD_KIND_OUT_OF_SCOPE, /* not an IT matter */
    HD_KIND_COUNT
} hd_intent_kind;

/* "greeting", "help", "incident", "request", "change", "howto", "status", "nudge",
 * "add_info", "human", "complaint", "cancel", "thanks", "out_of_scope". */
const char *hd_intent_kind_name(hd_intent_kind kind);

/* How a slot's value is recognised in free text. */
typedef enum hd_slot_type {
    HD_SLOT_TEXT,          /* the whole answer to its prompt */
    HD_SLOT_ENUM,          /* one of `values`, by label or synonym */
    HD_SLOT_PATTERN,       /* a POSIX extended regular expression (case-insensitive) */
    HD_SLOT_LOCATION,      /* building / floor / room: "building B floor 3", "5楼", "A座302" */
    HD_SLOT_ASSET_TAG,     /* "asset tag 123456", "PC-004512", "资产编号 A12345" */
    HD_SLOT_PHONE,         /* "+1 555 0100", "138 0013 8000", "ext. 4357" */
    HD_SLOT_EMAIL,         /* "bob@example.com" */
    HD_SLOT_ERROR_MESSAGE, /* text in quotes: "…", '…', “…”, 「…」 */
    HD_SLOT_TIME,          /* "since this morning", "2 hours ago", "昨天下午" */
    HD_SLOT_TICKET_NUMBER, /* "INC-000123", "inc 123", "my last ticket" → "last" */
    HD_SLOT_IMPACT,        /* individual | team | organisation */
    HD_SLOT_URGENCY,       /* low | medium | high | critical */
    HD_SLOT_TYPE_COUNT
} hd_slot_type;

/* "text", "enum", "pattern", "location", "asset_tag", "phone", "email",
 * "error_message", "time", "ticket_number", "impact", "urgency": the
 * spelling of `type` in catalog files. */
const char *hd_slot_type_name(hd_slot_type type);

typedef struct hd_slot_value_def {
    char *value;                    /* canonical value stored on the ticket */
    char *label[HD_LANG_COUNT];     /* shown on a button */
    char **synonyms[HD_LANG_COUNT]; /* lower-case words or phrases */
    size_t n_synonyms[HD_LANG_COUNT];
} hd_slot_value_def;

typedef struct hd_slot_def {
    char *name; /* key in the ticket's details, e.g. "location" */
    hd_slot_type type;
    int required;
    char *prompt[HD_LANG_COUNT]; /* the question asked when it is missing */
    hd_slot_value_def *values;   /* HD_SLOT_ENUM; built in for IMPACT and URGENCY */
    size_t n_values;
    void *pattern; /* compiled regex_t for HD_SLOT_PATTERN, else NULL */
} hd_slot_def;

typedef struct hd_intent {
    char *name; /* e.g. "incident.printer" */
    hd_intent_kind kind;
    char *label[HD_LANG_COUNT]; /* for "did you mean" buttons and ticket titles */
    int has_ticket;             /* ticket_type/category below are set */
    hd_ticket_type ticket_type;
    char *category; /* may be NULL */
    int kb_first;   /* try the knowledge base before collecting slots */
    char **examples[HD_LANG_COUNT];
    size_t n_examples[HD_LANG_COUNT];
    char **keywords[HD_LANG_COUNT];
    size_t n_keywords[HD_LANG_COUNT];
    hd_slot_def *slots;
    size_t n_slots;
} hd_intent;

typedef struct hd_catalog hd_catalog;

/*
 * hd_catalog_load - parse and validate intent files: names[i] with
 * texts[i]. Returns 0 and a catalog the caller frees with
 * hd_catalog_free(), or HD_EPARSE / HD_ECONFIG with a detail naming the
 * file and the field ("incident.printer.json: slots[1].type: unknown slot
 * type 'colour'"). Nothing is returned for a partly valid catalog.
 */
int hd_catalog_load(hd_catalog **out, const char *const *names, const char *const *texts, size_t n);

/* hd_catalog_load_dir - hd_catalog_load on every *.json file of `dir`. */
int hd_catalog_load_dir(hd_catalog **out, const char *dir);

void hd_catalog_free(hd_catalog *cat);

size_t hd_catalog_count(const hd_catalog *cat);
const hd_intent *hd_catalog_at(const hd_catalog *cat, size_t i);

/* hd_catalog_find - the intent named `name`, or NULL. Borrowed. */
const hd_intent *hd_catalog_find(const hd_catalog *cat, const char *name);

/* hd_intent_slot - the slot named `name` of `intent`, or NULL. Borrowed. */
const hd_slot_def *hd_intent_slot(const hd_intent *intent, const char *name);

#define HD_NLU_GUESSES 3
#define HD_NLU_MAX_SLOTS 16

typedef struct hd_guess {
    const hd_intent *intent; /* borrowed from the catalog */
    double confidence;       /* 0..1; the guesses' confidences sum to at most 1 */
} hd_guess;

typedef struct hd_slot {
    char *name;  /* owned */
    char *value; /* owned, canonical: "organisation", "INC-000123", "floor 5" … */
} hd_slot;

typedef struct hd_parse {
    hd_lang lang;
    hd_guess guesses[HD_NLU_GUESSES]; /* best first */
    int n_guesses;
    hd_slot slots[HD_NLU_MAX_SLOTS]; /* every slot recognised in the text */
    int n_slots;
} hd_parse;

typedef struct hd_nlu hd_nlu;

/*
 * hd_nlu_new - train the classifier on `cat`'s examples and keywords. `cat`
 * must outlive the model. Returns 0 and a model to free with hd_nlu_free().
 */
int hd_nlu_new(hd_nlu **out, const hd_catalog *cat);
void hd_nlu_free(hd_nlu *nlu);

/*
 * hd_nlu_parse - language, the likeliest intents and every recognisable
 * slot of `text` (the built-in types always; enum and pattern slots of the
 * best guess's intent). Any text is accepted, including empty, hostile or
 * invalid UTF-8 (read as separators); text beyond 4 KB is ignored. Release
 * with hd_parse_clear().
 */
void hd_nlu_parse(const hd_nlu *nlu, const char *text, hd_parse *out);
void hd_parse_clear(hd_parse *p);

/* hd_parse_slot - the value of slot `name` in `p`, or NULL. Borrowed. */
const char *hd_parse_slot(const hd_parse *p, const char *name);

/*
 * hd_slot_extract - recognise one slot's value in `text` (an answer to its
 * prompt, or a correction). Returns 1 with a value the caller frees in
 * *out, or 0 when the text holds none (an HD_SLOT_TEXT slot takes any
 * non-empty text).
 */
int hd_slot_extract(const hd_slot_def *def, const char *text, hd_lang lang, char **out);

/*
 * hd_slot_value_label - the button label of value `value` of an enum,
 * impact or urgency slot in `lang`, or `value` itself. Borrowed.
 */
const char *hd_slot_value_label(const hd_slot_def *def, const char *value, hd_lang lang);

#endif
