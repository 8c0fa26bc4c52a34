/*
 * test_catalog.c - loading the intent catalog: a good fixture folder, and
 * every kind of broken file refused with its file and field named.
 */
#include "harness.h"
#include "util.h"

#include "hd/intent.h"

static char *data_path(const char *rel)
{
    const char *base = getenv("HD_TEST_DATA");

    return hd_sprintf("%s/%s", base ? base : "tests/data", rel);
}

static void test_catalog__good_folder(void)
{
    char *dir = data_path("intents/good");
    const hd_intent *it;
    const hd_slot_def *s;
    hd_catalog *cat = NULL;
    size_t i;

    ASSERT_OK(hd_catalog_load_dir(&cat, dir));
    hd_free(dir);
    ASSERT_INT_EQ(hd_catalog_count(cat), 8);
    /* files are read in name order */
    ASSERT_STR_EQ(hd_catalog_at(cat, 0)->name, "greeting");
    ASSERT_STR_EQ(hd_catalog_at(cat, 7)->name, "thanks");
    ASSERT(hd_catalog_at(cat, 8) == NULL);
    for (i = 1; i < hd_catalog_count(cat); i++)
        ASSERT(strcmp(hd_catalog_at(cat, i - 1)->name, hd_catalog_at(cat, i)->name) < 0);

    it = hd_catalog_find(cat, "incident.printer");
    ASSERT(it != NULL);
    ASSERT_INT_EQ(it->kind, HD_KIND_INCIDENT);
    ASSERT_STR_EQ(hd_intent_kind_name(it->kind), "incident");
    ASSERT(it->has_ticket);
    ASSERT_INT_EQ(it->ticket_type, HD_TYPE_INCIDENT);
    ASSERT_STR_EQ(it->category, "printer");
    ASSERT(it->kb_first);
    ASSERT_STR_EQ(it->label[HD_LANG_ZH], "打印机问题");
    ASSERT_INT_EQ(it->n_examples[HD_LANG_EN], 8);
    ASSERT_STR_EQ(it->keywords[HD_LANG_EN][1], "paper jam");
    ASSERT_INT_EQ(it->n_slots, 5);

    s = hd_intent_slot(it, "location");
    ASSERT(s != NULL && s->type == HD_SLOT_LOCATION && s->required);
    ASSERT_STR_EQ(s->prompt[HD_LANG_EN], "Where is the printer?");
    s = hd_intent_slot(it, "os");
    ASSERT(s != NULL && s->type == HD_SLOT_ENUM && !s->required);
    ASSERT_INT_EQ(s->n_values, 2);
    ASSERT_STR_EQ(s->values[0].synonyms[HD_LANG_EN][0], "win 11");
    ASSERT_STR_EQ(s->values[1].synonyms[HD_LANG_EN][1], "os x");
    ASSERT_STR_EQ(hd_slot_value_label(s, "macos", HD_LANG_ZH), "苹果电脑");
    ASSERT_STR_EQ(hd_slot_value_label(s, "beos", HD_LANG_EN), "beos");
    s = hd_intent_slot(it, "printer");
    ASSERT(s != NULL && s->type == HD_SLOT_PATTERN && s->pattern != NULL);
    ASSERT(hd_intent_slot(it, "colour") == NULL);

    /* impact and urgency come with their values and labels */
    s = hd_intent_slot(it, "impact");
    ASSERT(s != NULL && s->n_values == 3);
    ASSERT_STR_EQ(s->values[2].value, "organisation");
    ASSERT_STR_EQ(hd_slot_value_label(s, "individual", HD_LANG_EN), "Just me");
    ASSERT_STR_EQ(hd_slot_value_label(s, "team", HD_LANG_ZH), "我的团队/部门");
    ASSERT_STR_EQ(hd_slot_value_label(s, "organisation", HD_LANG_EN),
                  "Many people / the whole office");
    s = hd_intent_slot(it, "urgency");
    ASSERT(s != NULL && s->n_values == 4);
    ASSERT_STR_EQ(hd_slot_value_label(s, "low", HD_LANG_ZH), "不急");
    ASSERT_STR_EQ(hd_slot_value_label(s, "medium", HD_LANG_EN), "Today would be good");
    ASSERT_STR_EQ(hd_slot_value_label(s, "high", HD_LANG_ZH), "影响工作");
    ASSERT_STR_EQ(hd_slot_value_label(s, "critical", HD_LANG_EN), "Business-critical, right now");

    it = hd_catalog_find(cat, "request.software");
    ASSERT(it != NULL && it->has_ticket && it->ticket_type == HD_TYPE_SERVICE_REQUEST);
    ASSERT(!it->kb_first);
    it = hd_catalog_find(cat, "greeting");
    ASSERT(it != NULL && !it->has_ticket && it->n_slots == 0 && it->category == NULL);
    ASSERT(hd_catalog_find(cat, "nope") == NULL);
    ASSERT(hd_catalog_find(cat, NULL) == NULL);
    hd_catalog_free(cat);
    hd_catalog_free(NULL);
}

static void test_catalog__names(void)
{
    hd_lang l;
    int k;

    ASSERT_STR_EQ(hd_lang_name(HD_LANG_EN), "en");
    ASSERT_STR_EQ(hd_lang_name(HD_LANG_ZH), "zh");
    ASSERT_OK(hd_lang_parse(&l, "zh"));
    ASSERT_INT_EQ(l, HD_LANG_ZH);
    ASSERT_INT_EQ(hd_lang_parse(&l, "fr"), HD_EINVAL);
    ASSERT(strstr(hd_error_last(), "fr") != NULL);
    ASSERT_INT_EQ(hd_lang_parse(&l, NULL), HD_EINVAL);
    for (k = 0; k < HD_KIND_COUNT; k++)
        ASSERT(strcmp(hd_intent_kind_name((hd_intent_kind)k), "?") != 0);
    ASSERT_STR_EQ(hd_intent_kind_name(HD_KIND_OUT_OF_SCOPE), "out_of_scope");
    ASSERT_STR_EQ(hd_intent_kind_name(HD_KIND_COUNT), "?");
    ASSERT_STR_EQ(hd_slot_type_name(HD_SLOT_ERROR_MESSAGE), "error_message");
    ASSERT_STR_EQ(hd_slot_type_name(HD_SLOT_TYPE_COUNT), "?");
}

/* One file that must load: the base every broken case below changes. */
#define GOOD_PRINTER                                                                               \
    "{\"name\": \"incident.printer\", \"kind\": \"incident\","                                     \
    " \"label\": {\"en\": \"Printer\", \"zh\": \"打印机\"},"                                    \
    " \"ticket\": {\"type\": \"incident\", \"category\": \"printer\"},"                            \
    " \"examples\": {\"en\": [\"printer jammed\"], \"zh\": [\"打印机卡纸\"]},"                \
    " \"slots\": [{\"name\": \"location\", \"type\": \"location\", \"required\": true,"            \
    " \"prompt\": {\"en\": \"Where?\", \"zh\": \"在哪里？\"}}]}"

static int load_one(hd_catalog **out, const char *file, const char *text)
{
    const char *names[] = {file};
    const char *texts[] = {text};

    return hd_catalog_load(out, names, texts, 1);
}

static const struct broken {
    const char *file;
    const char *text;
    const char *want; /* in the error detail */
} broken[] = {
    {"incident.printer.json", "{\"name\": \"incident.printer\", ", "incident.printer.json:1:"},
    {"incident.printer.json", "[1, 2]", "incident.printer.json: must be a JSON object"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"name\": \"x\", \"kind\": \"incident\"}",
     "incident.printer.json:1:"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"colour\": 1, \"kind\": \"incident\"}",
     "incident.printer.json: colour: unknown field"},
    {"incident.printer.json", "{\"kind\": \"incident\"}", "incident.printer.json: name: missing"},
    {"incident.printer.json", "{\"name\": 7}", "incident.printer.json: name: must be a string"},
    {"incident.printer.json", "{\"name\": \"incident.scanner\"}",
     "incident.printer.json: name: 'incident.scanner' differs from the file name "
     "'incident.printer'"},
    {"incident.printer.json", "{\"name\": \"incident.printer\", \"kind\": \"outage\"}",
     "incident.printer.json: kind: unknown kind 'outage'"},
    {"incident.printer.json", "{\"name\": \"incident.printer\", \"kind\": \"incident\"}",
     "incident.printer.json: label: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\", \"label\": {\"en\": \"P\"}}",
     "incident.printer.json: label.zh: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\", \"fr\": \"P\"}}",
     "incident.printer.json: label.fr: unknown language 'fr'"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}}",
     "incident.printer.json: ticket: missing (intents of kind 'incident' open a ticket)"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"outage\"}}",
     "incident.printer.json: ticket.type: unknown ticket type 'outage'"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\", \"sla\": "
     "1}}",
     "incident.printer.json: ticket.sla: unknown field"},
    {"greeting.json",
     "{\"name\": \"greeting\", \"kind\": \"greeting\", \"label\": {\"en\": \"H\", \"zh\": \"H\"},"
     " \"ticket\": {\"type\": \"incident\"}}",
     "greeting.json: ticket: intents of kind 'greeting' open no ticket"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"kb_first\": \"yes\"}",
     "incident.printer.json: kb_first: must be true or false, not a string"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"}}",
     "incident.printer.json: examples: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"printer jammed\"], \"zh\": []}}",
     "incident.printer.json: examples.zh: needs at least 1 entry"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"printer jammed\"]}}",
     "incident.printer.json: examples.zh: needs at least 1 entry"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"ok\", 3], \"zh\": [\"x\"]}}",
     "incident.printer.json: examples.en[1]: must be a non-empty string"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"keywords\": {\"en\": \"printer\"}}",
     "incident.printer.json: keywords.en: must be an array of strings, not a string"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": {}}",
     "incident.printer.json: slots: must be an array of slots, not an object"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"location\", \"type\": \"location\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}},"
     "{\"name\": \"colour\", \"type\": \"colour\", \"prompt\": {\"en\": \"C\", \"zh\": \"C\"}}]}",
     "incident.printer.json: slots[1].type: unknown slot type 'colour'"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"location\", \"type\": \"location\", \"prompt\": {\"en\": \"W\"}}]}",
     "incident.printer.json: slots[0].prompt.zh: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"location\", \"type\": \"location\"}]}",
     "incident.printer.json: slots[0].prompt: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"os\", \"type\": \"enum\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].values: missing (an enum slot lists its values)"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"os\", \"type\": \"enum\", \"values\": [],"
     " \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].values: must be a non-empty array of values"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"os\", \"type\": \"enum\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"},"
     " \"values\": [{\"value\": \"win\", \"label\": {\"en\": \"W\", \"zh\": \"W\"}},"
     " {\"value\": \"mac\", \"label\": {\"en\": \"M\"}}]}]}",
     "incident.printer.json: slots[0].values[1].label.zh: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"os\", \"type\": \"enum\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"},"
     " \"values\": [{\"value\": \"win\", \"label\": {\"en\": \"W\", \"zh\": \"W\"}},"
     " {\"value\": \"win\", \"label\": {\"en\": \"W\", \"zh\": \"W\"}}]}]}",
     "incident.printer.json: slots[0].values[1].value: duplicate value 'win'"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"printer\", \"type\": \"pattern\", \"pattern\": \"PRN-([0-9]+\","
     " \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].pattern: 'PRN-([0-9]+' does not compile"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"printer\", \"type\": \"pattern\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].pattern: missing"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"where\", \"type\": \"location\", \"pattern\": \"x\","
     " \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].pattern: only a pattern slot has a pattern"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"urgency\", \"type\": \"urgency\", \"values\": [],"
     " \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].values: only an enum slot has values"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"where\", \"type\": \"location\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}},"
     "{\"name\": \"where\", \"type\": \"text\", \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[1].name: duplicate slot 'where'"},
    {"incident.printer.json",
     "{\"name\": \"incident.printer\", \"kind\": \"incident\","
     " \"label\": {\"en\": \"P\", \"zh\": \"P\"}, \"ticket\": {\"type\": \"incident\"},"
     " \"examples\": {\"en\": [\"a\"], \"zh\": [\"b\"]}, \"slots\": ["
     "{\"name\": \"where\", \"type\": \"location\", \"required\": 1,"
     " \"prompt\": {\"en\": \"W\", \"zh\": \"W\"}}]}",
     "incident.printer.json: slots[0].required: must be true or false, not a number"},
};

static void test_catalog__broken_files(void)
{
    hd_catalog *cat = NULL;
    size_t i;

    ASSERT_OK(load_one(&cat, "incident.printer.json", GOOD_PRINTER));
    ASSERT_INT_EQ(hd_catalog_count(cat), 1);
    hd_catalog_free(cat);
    for (i = 0; i < HD_ARRAY_SIZE(broken); i++) {
        int rc;

        cat = (hd_catalog *)&cat; /* must be reset to NULL */
        rc = load_one(&cat, broken[i].file, broken[i].text);
        if (rc == 0 || cat != NULL)
            FAIL_AT("case %zu loaded: %s", i, broken[i].text);
        if (rc != HD_ECONFIG && rc != HD_EPARSE)
            FAIL_AT("case %zu: code %d", i, rc);
        if (strstr(hd_error_last(), broken[i].want) == NULL)
            FAIL_AT("case %zu: '%s' lacks '%s'", i, hd_error_last(), broken[i].want);
    }
}

static void test_catalog__whole_catalog(void)
{
    const char *names[] = {"a/incident.printer.json", "b/incident.printer.json"};
    const char *texts[] = {GOOD_PRINTER, GOOD_PRINTER};
    hd_catalog *cat = NULL;

    /* the same intent twice */
    ASSERT_INT_EQ(hd_catalog_load(&cat, names, texts, 2), HD_ECONFIG);
    ASSERT(cat == NULL);
    ASSERT(strstr(hd_error_last(), "b/incident.printer.json: name: duplicate intent "
                                   "'incident.printer' (also in a/incident.printer.json)") != NULL);
    /* nothing at all */
    ASSERT_INT_EQ(hd_catalog_load(&cat, names, texts, 0), HD_ECONFIG);
    ASSERT(strstr(hd_error_last(), "no intent files") != NULL);
    /* a path: only its last part is the name */
    ASSERT_OK(hd_catalog_load(&cat, names, texts, 1));
    ASSERT(hd_catalog_find(cat, "incident.printer") != NULL);
    hd_catalog_free(cat);
}

static void test_catalog__folders(void)
{
    char *broken_dir = data_path("intents/broken"), *tmp = test_tmpdir(), *p, *missing;
    hd_catalog *cat = NULL;

    ASSERT_INT_EQ(hd_catalog_load_dir(&cat, broken_dir), HD_ECONFIG);
    ASSERT(cat == NULL);
    ASSERT(strstr(hd_error_last(), "incident.printer.json: slots[1].type: unknown slot type "
                                   "'colour'") != NULL);
    hd_free(broken_dir);

    missing = hd_sprintf("%s/none", tmp);
    ASSERT_INT_EQ(hd_catalog_load_dir(&cat, missing), HD_EIO);
    ASSERT(strstr(hd_error_last(), missing) != NULL);
    hd_free(missing);

    /* an empty folder is no catalog */
    ASSERT_INT_EQ(hd_catalog_load_dir(&cat, tmp), HD_ECONFIG);

    /* only *.json files that are not hidden are read */
    hd_free(test_write_file(tmp, "incident.printer.json", GOOD_PRINTER));
    hd_free(test_write_file(tmp, "README.md", "not an intent"));
    hd_free(test_write_file(tmp, ".hidden.json", "{broken"));
    hd_free(test_write_file(tmp, "notes.json~", "{broken"));
    ASSERT_OK(hd_catalog_load_dir(&cat, tmp));
    ASSERT_INT_EQ(hd_catalog_count(cat), 1);
    hd_catalog_free(cat);

    /* an oversized file is refused before it is parsed */
    p = hd_malloc(300 * 1024 + 1);
    memset(p, ' ', 300 * 1024);
    p[300 * 1024] = '\0';
    hd_free(test_write_file(tmp, "huge.json", p));
    hd_free(p);
    ASSERT_INT_EQ(hd_catalog_load_dir(&cat, tmp), HD_ETOOBIG);
    ASSERT(strstr(hd_error_last(), "huge.json") != NULL);
    hd_free(tmp);
}

int main(void)
{
    RUN(test_catalog__good_folder);
    RUN(test_catalog__names);
    RUN(test_catalog__broken_files);
    RUN(test_catalog__whole_catalog);
    RUN(test_catalog__folders);
    return harness_result();
}
