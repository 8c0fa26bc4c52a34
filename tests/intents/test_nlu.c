/*
 * test_nlu.c - language detection, classification on the fixture catalog
 * (tests/data/intents/good), slots of the best guess, hostile input, and
 * a rough timing of one parse (printed, not asserted).
 */
#include "harness.h"

#include "hd/intent.h"

#include <time.h>

static hd_catalog *cat;
static hd_nlu *nlu;

static int load_fixture(void)
{
    const char *base = getenv("HD_TEST_DATA");
    char *dir = hd_sprintf("%s/intents/good", base ? base : "tests/data");
    int rc = hd_catalog_load_dir(&cat, dir);

    hd_free(dir);
    if (rc == 0)
        rc = hd_nlu_new(&nlu, cat);
    if (rc != 0)
        fprintf(stderr, "fixture: %s\n", hd_error_last());
    return rc;
}

/* The guesses are sane whatever the text: distinct, sorted, in [0, 1], summing to <= 1. */
static int sane(const hd_parse *p)
{
    double sum = 0;
    int i, j;

    if (p->n_guesses != HD_NLU_GUESSES)
        return 0;
    for (i = 0; i < p->n_guesses; i++) {
        double c = p->guesses[i].confidence;

        if (p->guesses[i].intent == NULL || !(c >= 0 && c <= 1))
            return 0;
        if (i > 0 && c > p->guesses[i - 1].confidence)
            return 0;
        for (j = 0; j < i; j++)
            if (p->guesses[j].intent == p->guesses[i].intent)
                return 0;
        sum += c;
    }
    return sum <= 1 + 1e-9 && p->n_slots >= 0 && p->n_slots <= HD_NLU_MAX_SLOTS;
}

static void test_nlu__language(void)
{
    char *big = hd_malloc(100 * 1024 + 1);
    size_t i;

    ASSERT_INT_EQ(hd_lang_detect("hello there"), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect("你好"), HD_LANG_ZH);
    ASSERT_INT_EQ(hd_lang_detect("VPN连不上"), HD_LANG_ZH);
    ASSERT_INT_EQ(hd_lang_detect("我的Outlook打不开了"), HD_LANG_ZH);
    ASSERT_INT_EQ(hd_lang_detect("打印机 printer"), HD_LANG_ZH);
    ASSERT_INT_EQ(hd_lang_detect("please ask 王 about the printer"), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect("INC-000123"), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect(""), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect(NULL), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect("\xff\xfe\xe4\xbd"), HD_LANG_EN);
    ASSERT_INT_EQ(hd_lang_detect("ｈｅｌｌｏ"), HD_LANG_EN);
    for (i = 0; i + 3 <= 100 * 1024; i += 3)
        memcpy(big + i, "好", 3);
    big[i] = '\0';
    ASSERT_INT_EQ(hd_lang_detect(big), HD_LANG_ZH);
    hd_free(big);
}

static const struct sample {
    const char *text;
    const char *intent;
    double min_confidence;
} samples[] = {
    {"my printer is jammed again", "incident.printer", 0.7},
    {"The printers on the 2nd floor are out of toner", "incident.printer", 0.7},
    {"打印机又卡纸了", "incident.printer", 0.7},
    {"the VPN keeps dropping", "incident.vpn", 0.7},
    {"在家连不上VPN", "incident.vpn", 0.7},
    {"please install Visio for me", "request.software", 0.5},
    {"请帮我安装Python", "request.software", 0.5},
    {"thank you so much", "thanks", 0.7},
    {"谢谢", "thanks", 0.7},
    {"hello", "greeting", 0.7},
    {"你好", "greeting", 0.7},
    {"I want to speak to a human", "human.agent", 0.7},
    {"转人工", "human.agent", 0.7},
    {"how do I reset my password", "howto.password", 0.7},
    {"忘记密码怎么办", "howto.password", 0.7},
    {"any update on INC-000042?", "status.ticket", 0.5},
    {"我的工单怎么样了", "status.ticket", 0.5},
};

static void test_nlu__classify(void)
{
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(samples); i++) {
        hd_parse p;
        int ok;

        hd_nlu_parse(nlu, samples[i].text, &p);
        ok = sane(&p) && strcmp(p.guesses[0].intent->name, samples[i].intent) == 0 &&
             p.guesses[0].confidence >= samples[i].min_confidence;
        if (!ok)
            fprintf(stderr, "'%s': %s %.3f, want %s >= %.2f\n", samples[i].text,
                    p.n_guesses ? p.guesses[0].intent->name : "-",
                    p.n_guesses ? p.guesses[0].confidence : 0, samples[i].intent,
                    samples[i].min_confidence);
        hd_parse_clear(&p);
        ASSERT(ok);
    }
}

static void test_nlu__nonsense_is_unsure(void)
{
    static const char *const texts[] = {"asdf qwer zxcv", "", "the of and", "🙂🙂🙂",
                                        "lorem ipsum dolor sit amet"};
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(texts); i++) {
        hd_parse p;

        hd_nlu_parse(nlu, texts[i], &p);
        ASSERT(sane(&p));
        if (p.guesses[0].confidence >= 0.4)
            FAIL_AT("'%s' is %s at %.3f", texts[i], p.guesses[0].intent->name,
                    p.guesses[0].confidence);
        hd_parse_clear(&p);
    }
}

/* The best guess's own slots come with the built-in ones. */
static void test_nlu__intent_slots(void)
{
    hd_parse p;

    hd_nlu_parse(nlu, "printer PRN-12 jams when I print from my MacBook, building B floor 3", &p);
    ASSERT(sane(&p));
    ASSERT_STR_EQ(p.guesses[0].intent->name, "incident.printer");
    ASSERT_INT_EQ(p.lang, HD_LANG_EN);
    ASSERT_STR_EQ(hd_parse_slot(&p, "os"), "macos");
    ASSERT_STR_EQ(hd_parse_slot(&p, "printer"), "PRN-12");
    ASSERT_STR_EQ(hd_parse_slot(&p, "location"), "building B, floor 3");
    hd_parse_clear(&p);

    hd_nlu_parse(nlu, "打印机卡纸，用的是苹果电脑，在5楼，非常紧急", &p);
    ASSERT(sane(&p));
    ASSERT_STR_EQ(p.guesses[0].intent->name, "incident.printer");
    ASSERT_INT_EQ(p.lang, HD_LANG_ZH);
    ASSERT_STR_EQ(hd_parse_slot(&p, "os"), "macos");
    ASSERT_STR_EQ(hd_parse_slot(&p, "location"), "5楼");
    ASSERT_STR_EQ(hd_parse_slot(&p, "urgency"), "critical");
    ASSERT(hd_parse_slot(&p, "printer") == NULL);
    hd_parse_clear(&p);

    hd_nlu_parse(nlu, "status of INC-77 please", &p);
    ASSERT_STR_EQ(p.guesses[0].intent->name, "status.ticket");
    ASSERT_STR_EQ(hd_parse_slot(&p, "ticket"), "INC-000077");
    hd_parse_clear(&p);
}

static void test_nlu__hostile(void)
{
    char *big = hd_malloc(100 * 1024 + 1), bad[64];
    hd_parse p;
    size_t i;

    hd_nlu_parse(nlu, NULL, &p);
    ASSERT(sane(&p));
    ASSERT_INT_EQ(p.n_slots, 0);
    hd_parse_clear(&p);
    hd_nlu_parse(nlu, "", &p);
    ASSERT(sane(&p));
    hd_parse_clear(&p);

    for (i = 0; i < 100 * 1024; i++)
        big[i] = "printer jam 打印机 \xff\xc0\x80 INC-1 'x' \"y\" @ + 12 "[(i * 13) % 44];
    big[100 * 1024] = '\0';
    hd_nlu_parse(nlu, big, &p);
    ASSERT(sane(&p));
    hd_parse_clear(&p);

    for (i = 0; i < sizeof(bad) - 1; i++)
        bad[i] = (char)(0x80 + (i * 37) % 64); /* continuation bytes only */
    bad[sizeof(bad) - 1] = '\0';
    hd_nlu_parse(nlu, bad, &p);
    ASSERT(sane(&p));
    ASSERT_INT_EQ(p.lang, HD_LANG_EN);
    hd_parse_clear(&p);

    hd_nlu_parse(nlu, "\xF0\x9F\x98\xA1\xF0\x9F\x96\xA8\xEF\xB8\x8F\xF0\x9F\x94\xA5", &p);
    ASSERT(sane(&p));
    hd_parse_clear(&p);

    /* broken UTF-8 in the middle of a word splits it; the rest is still read */
    hd_nlu_parse(nlu, "prin\xfftier jammed on floor\xc0 3, printer", &p);
    ASSERT(sane(&p));
    ASSERT_STR_EQ(p.guesses[0].intent->name, "incident.printer");
    hd_parse_clear(&p);

    /* clearing twice is fine, and so is NULL */
    hd_parse_clear(&p);
    hd_parse_clear(NULL);
    hd_free(big);
}

static void test_nlu__models(void)
{
    hd_nlu *m = (hd_nlu *)&m;

    ASSERT_INT_EQ(hd_nlu_new(&m, NULL), HD_EINVAL);
    ASSERT(m == NULL);
    hd_nlu_free(NULL);
}

/* Not an assertion: the time of one parse is printed for the record. */
static void test_nlu__timing(void)
{
    static const char *const texts[] = {
        "my printer on the third floor keeps jamming since this morning",
        "在家连不上VPN，从昨天开始的，很急", "can you install visio on my laptop please asap",
        "hello I need help with my password reset"};
    struct timespec a, b;
    int n = 20000, i;
    double us;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (i = 0; i < n; i++) {
        hd_parse p;

        hd_nlu_parse(nlu, texts[i % 4], &p);
        hd_parse_clear(&p);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 / n;
    printf("hd_nlu_parse: %.2f us per message (%d messages)\n", us, n);
}

int main(void)
{
    if (load_fixture() != 0)
        return 1;
    RUN(test_nlu__language);
    RUN(test_nlu__classify);
    RUN(test_nlu__nonsense_is_unsure);
    RUN(test_nlu__intent_slots);
    RUN(test_nlu__hostile);
    RUN(test_nlu__models);
    RUN(test_nlu__timing);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    return harness_result();
}
