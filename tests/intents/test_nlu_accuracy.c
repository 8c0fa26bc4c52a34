/*
 * test_nlu_accuracy.c - the classifier trained on the embedded catalog
 * (every intents/catalog file) against held-out utterances written apart from
 * it (tests/data/nlu/heldout.tsv: lang, intent, text). Prints accuracy
 * overall, per language and per intent, and which intents are confused;
 * asserts a floor. The held-out rows must never be copied into the
 * catalog, or this measures nothing.
 */
#include "harness.h"

#include "hd/embedded.h"
#include "hd/fileio.h"
#include "hd/intent.h"

/*
 * The target is 0.85 overall. The model first measured 0.836 (en 0.815,
 * zh 0.857); more catalog examples for the weakest intents, written
 * without looking at these rows, brought it to 0.861 (en 0.849, zh 0.874).
 * Choosing changes by these rows would make them a training set. The floor
 * guards against regressions; raise it when a better catalog or model
 * earns it.
 */
#define MIN_OVERALL 0.85
#define MIN_PER_LANG 0.83

typedef struct tally {
    int right, total;
} tally;

static hd_catalog *cat;
static hd_nlu *nlu;

static int load_embedded(void)
{
    const char *names[512], *texts[512];
    size_t n = hd_embedded_list("intents/", names, texts, NULL, HD_ARRAY_SIZE(names));

    if (n > HD_ARRAY_SIZE(names)) {
        fprintf(stderr, "more than %zu intents\n", HD_ARRAY_SIZE(names));
        return -1;
    }
    if (hd_catalog_load(&cat, names, texts, n) != 0 || hd_nlu_new(&nlu, cat) != 0) {
        fprintf(stderr, "embedded catalog: %s\n", hd_error_last());
        return -1;
    }
    return 0;
}

static void test_nlu_accuracy__heldout(void)
{
    const char *base = getenv("HD_TEST_DATA");
    char *path = hd_sprintf("%s/nlu/heldout.tsv", base ? base : "tests/data"), *text = NULL;
    char *line, *next;
    size_t len, C = hd_catalog_count(cat), i, j;
    tally all = {0, 0}, lang[HD_LANG_COUNT] = {{0, 0}}, *per = hd_calloc(C, sizeof(tally));
    int *confused = hd_calloc(C * C, sizeof(int)), lineno = 0, lang_right = 0, bad_rows = 0;
    double conf_right = 0, conf_wrong = 0;

    if (hd_file_read(path, 4 * 1024 * 1024, &text, &len) != 0) {
        hd_free(path);
        hd_free(per);
        hd_free(confused);
        FAIL_AT("%s", hd_error_last());
    }
    for (line = text; line && *line; line = next) {
        char *tab1, *tab2, *end;
        const hd_intent *want;
        hd_lang l;
        hd_parse p;
        size_t wi;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        end = line + strlen(line);
        if (end > line && end[-1] == '\r')
            end[-1] = '\0';
        if (++lineno == 1 || line[0] == '\0')
            continue; /* the header */
        tab1 = strchr(line, '\t');
        tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (tab2 == NULL) {
            fprintf(stderr, "heldout.tsv:%d: not lang<TAB>intent<TAB>text\n", lineno);
            bad_rows++;
            continue;
        }
        *tab1 = *tab2 = '\0';
        want = hd_catalog_find(cat, tab1 + 1);
        if (hd_lang_parse(&l, line) != 0 || want == NULL) {
            fprintf(stderr, "heldout.tsv:%d: unknown language '%s' or intent '%s'\n", lineno, line,
                    tab1 + 1);
            bad_rows++;
            continue;
        }
        wi = (size_t)(want - hd_catalog_at(cat, 0));
        hd_nlu_parse(nlu, tab2 + 1, &p);
        lang_right += p.lang == l;
        all.total++;
        lang[l].total++;
        per[wi].total++;
        if (p.n_guesses > 0 && p.guesses[0].intent == want) {
            all.right++;
            lang[l].right++;
            per[wi].right++;
            conf_right += p.guesses[0].confidence;
        } else if (p.n_guesses > 0) {
            confused[wi * C + (size_t)(p.guesses[0].intent - hd_catalog_at(cat, 0))]++;
            conf_wrong += p.guesses[0].confidence;
        }
        hd_parse_clear(&p);
    }

    printf("held-out accuracy: %.3f (%d/%d)\n", all.total ? (double)all.right / all.total : 0,
           all.right, all.total);
    for (i = 0; i < HD_LANG_COUNT; i++)
        printf("  %s: %.3f (%d/%d)\n", hd_lang_name((hd_lang)i),
               lang[i].total ? (double)lang[i].right / lang[i].total : 0, lang[i].right,
               lang[i].total);
    printf("language detected right: %d/%d\n", lang_right, all.total);
    printf("mean confidence: %.3f when right, %.3f when wrong\n",
           all.right ? conf_right / all.right : 0,
           all.total > all.right ? conf_wrong / (all.total - all.right) : 0);
    printf("per intent:\n");
    for (i = 0; i < C; i++) {
        if (per[i].total == 0) {
            printf("  %-24s no held-out rows\n", hd_catalog_at(cat, i)->name);
            continue;
        }
        printf("  %-24s %.2f (%d/%d)", hd_catalog_at(cat, i)->name,
               (double)per[i].right / per[i].total, per[i].right, per[i].total);
        for (j = 0; j < C; j++)
            if (confused[i * C + j])
                printf("  ->%s x%d", hd_catalog_at(cat, j)->name, confused[i * C + j]);
        printf("\n");
    }
    hd_free(text);
    hd_free(path);
    hd_free(per);
    hd_free(confused);

    ASSERT_INT_EQ(bad_rows, 0);
    ASSERT(all.total >= 200);
    ASSERT((double)all.right / all.total >= MIN_OVERALL);
    for (i = 0; i < HD_LANG_COUNT; i++)
        ASSERT(lang[i].total > 0 && (double)lang[i].right / lang[i].total >= MIN_PER_LANG);
}

int main(void)
{
    if (load_embedded() != 0)
        return 1;
    RUN(test_nlu_accuracy__heldout);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    return harness_result();
}
