/*
 * test_slots.c - the slot extractors in English and Chinese: what each
 * one must find, what it must leave alone, and corrections.
 */
#include "harness.h"

#include "hd/intent.h"

#include <regex.h>

/* Like FAIL_AT, but goes on, so one run lists every extractor miss. */
#define MISS_AT(...)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fprintf(stderr, "\n");                                                                     \
        harness_current_failed = 1;                                                                \
    } while (0)

/* Extract a slot of `type` from `text`; `want` NULL means nothing must be found. */
#define EXPECT(ty, text, want)                                                                     \
    do {                                                                                           \
        hd_slot_def d_ = {0};                                                                      \
        char *v_ = NULL;                                                                           \
        const char *w_ = (want);                                                                   \
        int f_;                                                                                    \
        d_.name = (char *)"x";                                                                     \
        d_.type = (ty);                                                                            \
        f_ = hd_slot_extract(&d_, (text), HD_LANG_EN, &v_);                                        \
        if (w_ == NULL && (f_ || v_)) {                                                            \
            MISS_AT("'%s': found '%s', want nothing", (text), v_ ? v_ : "(null)");                 \
        } else if (w_ != NULL && (!f_ || v_ == NULL || strcmp(v_, w_) != 0)) {                     \
            MISS_AT("'%s': found '%s', want '%s'", (text), v_ ? v_ : "(nothing)", w_);             \
        }                                                                                          \
        hd_free(v_);                                                                               \
    } while (0)

static void test_slots__ticket(void)
{
    EXPECT(HD_SLOT_TICKET_NUMBER, "any news on INC-000123?", "INC-000123");
    EXPECT(HD_SLOT_TICKET_NUMBER, "status of inc 123 please", "INC-000123");
    EXPECT(HD_SLOT_TICKET_NUMBER, "REQ42", "REQ-000042");
    EXPECT(HD_SLOT_TICKET_NUMBER, "what about chg-7", "CHG-000007");
    EXPECT(HD_SLOT_TICKET_NUMBER, "工单CON 88怎么样了", "CON-000088");
    EXPECT(HD_SLOT_TICKET_NUMBER, "ＩＮＣ－０００１２３", "INC-000123");
    EXPECT(HD_SLOT_TICKET_NUMBER, "cmp#1", "CMP-000001");
    EXPECT(HD_SLOT_TICKET_NUMBER, "what happened to my last ticket", "last");
    EXPECT(HD_SLOT_TICKET_NUMBER, "the last one", "last");
    EXPECT(HD_SLOT_TICKET_NUMBER, "上一个工单怎么样了", "last");
    EXPECT(HD_SLOT_TICKET_NUMBER, "查一下最近的工单", "last");
    EXPECT(HD_SLOT_TICKET_NUMBER, "not INC-1, it's INC-2", "INC-000002");
    EXPECT(HD_SLOT_TICKET_NUMBER, "increase my mailbox quota", NULL);
    EXPECT(HD_SLOT_TICKET_NUMBER, "incoming mail is slow", NULL);
    EXPECT(HD_SLOT_TICKET_NUMBER, "the concert wifi", NULL);
    EXPECT(HD_SLOT_TICKET_NUMBER, "I have 123 tickets", NULL);
    EXPECT(HD_SLOT_TICKET_NUMBER, "INC-12ab", NULL);
}

static void test_slots__impact(void)
{
    EXPECT(HD_SLOT_IMPACT, "it's just me", "individual");
    EXPECT(HD_SLOT_IMPACT, "only me I think", "individual");
    EXPECT(HD_SLOT_IMPACT, "only my laptop", "individual");
    EXPECT(HD_SLOT_IMPACT, "只有我", "individual");
    EXPECT(HD_SLOT_IMPACT, "my team can't print", "team");
    EXPECT(HD_SLOT_IMPACT, "the whole team is stuck", "team");
    EXPECT(HD_SLOT_IMPACT, "everyone in finance", "team");
    EXPECT(HD_SLOT_IMPACT, "our department has no wifi", "team");
    EXPECT(HD_SLOT_IMPACT, "the whole floor", "team");
    EXPECT(HD_SLOT_IMPACT, "it's not just me", "team");
    EXPECT(HD_SLOT_IMPACT, "整个部门都上不了网", "team");
    EXPECT(HD_SLOT_IMPACT, "我们组都不行", "team");
    EXPECT(HD_SLOT_IMPACT, "整层楼都断网了", "team");
    EXPECT(HD_SLOT_IMPACT, "everyone", "organisation");
    EXPECT(HD_SLOT_IMPACT, "the whole company is down", "organisation");
    EXPECT(HD_SLOT_IMPACT, "all offices", "organisation");
    EXPECT(HD_SLOT_IMPACT, "nobody can log in", "organisation");
    EXPECT(HD_SLOT_IMPACT, "everyone in the company", "organisation");
    EXPECT(HD_SLOT_IMPACT, "全公司都连不上", "organisation");
    EXPECT(HD_SLOT_IMPACT, "所有人都受影响", "organisation");
    /* a button's value or label is the whole answer */
    EXPECT(HD_SLOT_IMPACT, "team", "team");
    EXPECT(HD_SLOT_IMPACT, "Organization", "organisation");
    EXPECT(HD_SLOT_IMPACT, "Just me", "individual");
    EXPECT(HD_SLOT_IMPACT, "My team or department", "team");
    EXPECT(HD_SLOT_IMPACT, "Many people / the whole office", "organisation");
    EXPECT(HD_SLOT_IMPACT, "我的团队/部门", "team");
    EXPECT(HD_SLOT_IMPACT, "很多人/整个公司", "organisation");
    EXPECT(HD_SLOT_IMPACT, "my printer is broken", NULL);
    EXPECT(HD_SLOT_IMPACT, "打印机坏了", NULL);
}

static void test_slots__urgency(void)
{
    EXPECT(HD_SLOT_URGENCY, "this is urgent", "high");
    EXPECT(HD_SLOT_URGENCY, "asap please", "high");
    EXPECT(HD_SLOT_URGENCY, "I need it right now", "high");
    EXPECT(HD_SLOT_URGENCY, "it's blocking me", "high");
    EXPECT(HD_SLOT_URGENCY, "I can't work", "high");
    EXPECT(HD_SLOT_URGENCY, "I can’t work at all", "high");
    EXPECT(HD_SLOT_URGENCY, "很急", "high");
    EXPECT(HD_SLOT_URGENCY, "请马上处理", "high");
    EXPECT(HD_SLOT_URGENCY, "紧急", "high");
    EXPECT(HD_SLOT_URGENCY, "I have a client demo in 10 minutes", "critical");
    EXPECT(HD_SLOT_URGENCY, "board meeting in five minutes and the projector is dead", "critical");
    EXPECT(HD_SLOT_URGENCY, "this is critical", "critical");
    EXPECT(HD_SLOT_URGENCY, "emergency!", "critical");
    EXPECT(HD_SLOT_URGENCY, "production down", "critical");
    EXPECT(HD_SLOT_URGENCY, "非常紧急", "critical");
    EXPECT(HD_SLOT_URGENCY, "十万火急", "critical");
    EXPECT(HD_SLOT_URGENCY, "我10分钟后要给客户演示", "critical");
    EXPECT(HD_SLOT_URGENCY, "no rush", "low");
    EXPECT(HD_SLOT_URGENCY, "whenever you can", "low");
    EXPECT(HD_SLOT_URGENCY, "it's not urgent", "low");
    EXPECT(HD_SLOT_URGENCY, "不急", "low");
    EXPECT(HD_SLOT_URGENCY, "不着急", "low");
    EXPECT(HD_SLOT_URGENCY, "不是很急", "low");
    EXPECT(HD_SLOT_URGENCY, "it's not critical", "low");
    EXPECT(HD_SLOT_URGENCY, "today would be nice", "medium");
    EXPECT(HD_SLOT_URGENCY, "by end of day", "medium");
    EXPECT(HD_SLOT_URGENCY, "今天能弄好吗", "medium");
    /* button values and labels */
    EXPECT(HD_SLOT_URGENCY, "high", "high");
    EXPECT(HD_SLOT_URGENCY, "It can wait", "low");
    EXPECT(HD_SLOT_URGENCY, "Today would be good", "medium");
    EXPECT(HD_SLOT_URGENCY, "It is blocking my work", "high");
    EXPECT(HD_SLOT_URGENCY, "Business-critical, right now", "critical");
    EXPECT(HD_SLOT_URGENCY, "今天内", "medium");
    EXPECT(HD_SLOT_URGENCY, "影响工作", "high");
    EXPECT(HD_SLOT_URGENCY, "the printer is broken", NULL);
    EXPECT(HD_SLOT_URGENCY, "my account is blocked", NULL);
    EXPECT(HD_SLOT_URGENCY, "high CPU usage on my laptop", NULL);
}

static void test_slots__location(void)
{
    EXPECT(HD_SLOT_LOCATION, "building B, floor 3", "building B, floor 3");
    EXPECT(HD_SLOT_LOCATION, "I'm on the 3rd floor", "floor 3");
    EXPECT(HD_SLOT_LOCATION, "third floor, by the kitchen", "floor 3");
    EXPECT(HD_SLOT_LOCATION, "floor 5", "floor 5");
    EXPECT(HD_SLOT_LOCATION, "room 4.12", "room 4.12");
    EXPECT(HD_SLOT_LOCATION, "HQ A3", "HQ A3");
    EXPECT(HD_SLOT_LOCATION, "the screen in meeting room Everest is dead", "meeting room Everest");
    EXPECT(HD_SLOT_LOCATION, "building B, floor 3, room 301", "building B, floor 3, room 301");
    EXPECT(HD_SLOT_LOCATION, "Room 301 on the 3rd floor of bldg b",
           "building B, floor 3, room 301");
    EXPECT(HD_SLOT_LOCATION, "ground floor reception", "ground floor");
    EXPECT(HD_SLOT_LOCATION, "I'm working from home", "home");
    EXPECT(HD_SLOT_LOCATION, "5楼", "5楼");
    EXPECT(HD_SLOT_LOCATION, "我在五楼", "五楼");
    EXPECT(HD_SLOT_LOCATION, "3层的打印机", "3层");
    EXPECT(HD_SLOT_LOCATION, "A座", "A座");
    EXPECT(HD_SLOT_LOCATION, "302室", "302室");
    EXPECT(HD_SLOT_LOCATION, "A座302室", "A座302室");
    EXPECT(HD_SLOT_LOCATION, "我在上海办公室5楼", "上海办公室5楼");
    EXPECT(HD_SLOT_LOCATION, "3号楼5层", "3号楼5层");
    EXPECT(HD_SLOT_LOCATION, "在５Ｆ", "floor 5");
    /* corrections */
    EXPECT(HD_SLOT_LOCATION, "sorry, it's floor 5 not 3", "floor 5");
    EXPECT(HD_SLOT_LOCATION, "not floor 3, floor 5", "floor 5");
    EXPECT(HD_SLOT_LOCATION, "floor 3... actually floor 5", "floor 5");
    EXPECT(HD_SLOT_LOCATION, "不是3楼，是5楼", "5楼");
    /* not places */
    EXPECT(HD_SLOT_LOCATION, "there is no room for improvement", NULL);
    EXPECT(HD_SLOT_LOCATION, "the floor is wet", NULL);
    EXPECT(HD_SLOT_LOCATION, "my printer is broken", NULL);
    EXPECT(HD_SLOT_LOCATION, "看一下我的办公室电脑", NULL);
    EXPECT(HD_SLOT_LOCATION, "one level up from the problem", NULL);
}

static void test_slots__asset_tag(void)
{
    EXPECT(HD_SLOT_ASSET_TAG, "asset tag 123456", "123456");
    EXPECT(HD_SLOT_ASSET_TAG, "asset 12345", "12345");
    EXPECT(HD_SLOT_ASSET_TAG, "the asset tag is: ab-7781", "AB-7781");
    EXPECT(HD_SLOT_ASSET_TAG, "PC-004512 won't boot", "PC-004512");
    EXPECT(HD_SLOT_ASSET_TAG, "my laptop lt-0042 is slow", "LT-0042");
    EXPECT(HD_SLOT_ASSET_TAG, "资产编号A12345", "A12345");
    EXPECT(HD_SLOT_ASSET_TAG, "资产编号：A12345", "A12345");
    EXPECT(HD_SLOT_ASSET_TAG, "I'm at home", NULL);
    EXPECT(HD_SLOT_ASSET_TAG, "INC-000123", NULL);
    EXPECT(HD_SLOT_ASSET_TAG, "my asset is broken", NULL);
    EXPECT(HD_SLOT_ASSET_TAG, "the pc is slow", NULL);
    EXPECT(HD_SLOT_ASSET_TAG, "PC-12", NULL);
}

static void test_slots__phone(void)
{
    EXPECT(HD_SLOT_PHONE, "call me on +1 555 0100", "+1 555 0100");
    EXPECT(HD_SLOT_PHONE, "my number is 138 0013 8000", "138 0013 8000");
    EXPECT(HD_SLOT_PHONE, "reach me at (555) 123-4567 ext. 12", "(555) 123-4567 ext. 12");
    EXPECT(HD_SLOT_PHONE, "ext 4357", "ext 4357");
    EXPECT(HD_SLOT_PHONE, "电话13800138000", "13800138000");
    EXPECT(HD_SLOT_PHONE, "分机 4357", "ext 4357");
    EXPECT(HD_SLOT_PHONE, "+44 20 7946 0958", "+44 20 7946 0958");
    EXPECT(HD_SLOT_PHONE, "not 555 0100, it's 555 0199", "555 0199");
    EXPECT(HD_SLOT_PHONE, "asset tag 1234567", NULL);
    EXPECT(HD_SLOT_PHONE, "INC-000123", NULL);
    EXPECT(HD_SLOT_PHONE, "ping 192.168.100.10", NULL);
    EXPECT(HD_SLOT_PHONE, "error code 80070005", NULL);
    EXPECT(HD_SLOT_PHONE, "since 2024-05-01", NULL);
    EXPECT(HD_SLOT_PHONE, "PC-0045121", NULL);
    EXPECT(HD_SLOT_PHONE, "room 4.12", NULL);
    EXPECT(HD_SLOT_PHONE, "for 2 hours", NULL);
}

static void test_slots__email(void)
{
    EXPECT(HD_SLOT_EMAIL, "mail bob@example.com", "bob@example.com");
    EXPECT(HD_SLOT_EMAIL, "Alice.Smith+it@Corp.Example.co.uk.",
           "alice.smith+it@corp.example.co.uk");
    EXPECT(HD_SLOT_EMAIL, "我的邮箱是zhang.san@example.cn", "zhang.san@example.cn");
    EXPECT(HD_SLOT_EMAIL, "ping @channel", NULL);
    EXPECT(HD_SLOT_EMAIL, "user@localhost", NULL);
    EXPECT(HD_SLOT_EMAIL, "a@b.c", NULL);
    EXPECT(HD_SLOT_EMAIL, "meet @ 5.30", NULL);
}

static void test_slots__error_message(void)
{
    EXPECT(HD_SLOT_ERROR_MESSAGE, "it says \"access denied\"", "access denied");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "it says 'access denied' and I can't log in", "access denied");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "提示“找不到服务器”", "找不到服务器");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "显示「网络错误」", "网络错误");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "Word says ‘Disk full’ now", "Disk full");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "it won’t say ‘can’t connect’", "can’t connect");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "error: 0x80070005 when printing.", "0x80070005 when printing");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "Error: The RPC server is unavailable",
           "The RPC server is unavailable");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "错误：无法连接到服务器。", "无法连接到服务器");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "报错:证书过期", "证书过期");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "I get error code 0x800ccc0e", "0x800ccc0e");
    EXPECT(HD_SLOT_ERROR_MESSAGE, "I can't log in", NULL);
    EXPECT(HD_SLOT_ERROR_MESSAGE, "the users' files are gone", NULL);
    EXPECT(HD_SLOT_ERROR_MESSAGE, "it's broken, isn't it", NULL);
    EXPECT(HD_SLOT_ERROR_MESSAGE, "empty quotes \"\" here", NULL);
}

static void test_slots__time(void)
{
    EXPECT(HD_SLOT_TIME, "since this morning", "since this morning");
    EXPECT(HD_SLOT_TIME, "broken since yesterday", "since yesterday");
    EXPECT(HD_SLOT_TIME, "down since 9am", "since 9am");
    EXPECT(HD_SLOT_TIME, "for 2 hours now", "for 2 hours");
    EXPECT(HD_SLOT_TIME, "it stopped 2 hours ago", "2 hours ago");
    EXPECT(HD_SLOT_TIME, "since Monday", "since Monday");
    EXPECT(HD_SLOT_TIME, "it failed just now", "just now");
    EXPECT(HD_SLOT_TIME, "it started today", "today");
    EXPECT(HD_SLOT_TIME, "for a couple of days", "for a couple of days");
    EXPECT(HD_SLOT_TIME, "the vpn has been down since the update yesterday", "since the update");
    EXPECT(HD_SLOT_TIME, "since 10:30 the printer jams", "since 10:30");
    EXPECT(HD_SLOT_TIME, "昨天下午开始的", "昨天下午开始");
    EXPECT(HD_SLOT_TIME, "昨天下午", "昨天下午");
    EXPECT(HD_SLOT_TIME, "今天早上打不开", "今天早上");
    EXPECT(HD_SLOT_TIME, "从昨天开始就连不上", "从昨天开始");
    EXPECT(HD_SLOT_TIME, "已经两个小时了", "两个小时了");
    EXPECT(HD_SLOT_TIME, "刚才还好好的", "刚才");
    EXPECT(HD_SLOT_TIME, "三天前坏的", "三天前");
    EXPECT(HD_SLOT_TIME, "since I restarted, it fails", NULL);
    EXPECT(HD_SLOT_TIME, "the printer is broken", NULL);
    EXPECT(HD_SLOT_TIME, "打印机坏了", NULL);
}

static hd_slot_value_def os_values[2];
static char *win_syn[] = {(char *)"win 11", (char *)"pc"};
static char *mac_syn[] = {(char *)"macbook"};
static char *mac_syn_zh[] = {(char *)"苹果"};

static hd_slot_def os_def(void)
{
    hd_slot_def d = {0};

    os_values[0].value = (char *)"windows";
    os_values[0].label[HD_LANG_EN] = (char *)"Windows";
    os_values[0].label[HD_LANG_ZH] = (char *)"Windows";
    os_values[0].synonyms[HD_LANG_EN] = win_syn;
    os_values[0].n_synonyms[HD_LANG_EN] = 2;
    os_values[1].value = (char *)"macos";
    os_values[1].label[HD_LANG_EN] = (char *)"Mac";
    os_values[1].label[HD_LANG_ZH] = (char *)"苹果电脑";
    os_values[1].synonyms[HD_LANG_EN] = mac_syn;
    os_values[1].n_synonyms[HD_LANG_EN] = 1;
    os_values[1].synonyms[HD_LANG_ZH] = mac_syn_zh;
    os_values[1].n_synonyms[HD_LANG_ZH] = 1;
    d.name = (char *)"os";
    d.type = HD_SLOT_ENUM;
    d.values = os_values;
    d.n_values = 2;
    return d;
}

#define EXPECT_DEF(def, text, want)                                                                \
    do {                                                                                           \
        char *v_ = NULL;                                                                           \
        const char *w_ = (want);                                                                   \
        int f_ = hd_slot_extract(&(def), (text), HD_LANG_EN, &v_);                                 \
        if (w_ == NULL && (f_ || v_))                                                              \
            MISS_AT("'%s': found '%s', want nothing", (text), v_ ? v_ : "(null)");                 \
        if (w_ != NULL && (!f_ || v_ == NULL || strcmp(v_, w_) != 0))                              \
            MISS_AT("'%s': found '%s', want '%s'", (text), v_ ? v_ : "(nothing)", w_);             \
        hd_free(v_);                                                                               \
    } while (0)

static void test_slots__enum(void)
{
    hd_slot_def d = os_def();

    EXPECT_DEF(d, "I'm on Win 11", "windows");
    EXPECT_DEF(d, "windows", "windows");
    EXPECT_DEF(d, "printing from my MacBook", "macos");
    EXPECT_DEF(d, "用苹果电脑", "macos");
    EXPECT_DEF(d, "not windows, mac", "macos");
    EXPECT_DEF(d, "a Mac and a PC", "macos");
    EXPECT_DEF(d, "the windowsill is wet", NULL);
    EXPECT_DEF(d, "this machine", NULL);
    EXPECT_DEF(d, "linux", NULL);
}

static void test_slots__pattern_and_text(void)
{
    hd_slot_def d = {0};
    regex_t re;

    ASSERT(regcomp(&re, "PRN-?[0-9]+", REG_EXTENDED | REG_ICASE) == 0);
    d.name = (char *)"printer";
    d.type = HD_SLOT_PATTERN;
    d.pattern = &re;
    EXPECT_DEF(d, "printer prn-12 is jammed", "prn-12");
    EXPECT_DEF(d, "PRN7", "PRN7");
    EXPECT_DEF(d, "the printer", NULL);
    regfree(&re);

    d.type = HD_SLOT_TEXT;
    d.pattern = NULL;
    EXPECT_DEF(d, "  Visio 2021 \n", "Visio 2021");
    EXPECT_DEF(d, "   ", NULL);
    EXPECT_DEF(d, "", NULL);
}

/* Every built-in slot of one message, under its fixed name. */
static void test_slots__parse_all(void)
{
    hd_parse p;

    hd_nlu_parse(NULL,
                 "INC-000123: the whole team on floor 3 can't work since this morning, "
                 "call +1 555 0100 or bob@example.com, it says 'Out of paper'. "
                 "Asset tag 778812.",
                 &p);
    ASSERT_INT_EQ(p.n_guesses, 0);
    ASSERT_STR_EQ(hd_parse_slot(&p, "ticket"), "INC-000123");
    ASSERT_STR_EQ(hd_parse_slot(&p, "impact"), "team");
    ASSERT_STR_EQ(hd_parse_slot(&p, "urgency"), "high");
    ASSERT_STR_EQ(hd_parse_slot(&p, "location"), "floor 3");
    ASSERT_STR_EQ(hd_parse_slot(&p, "phone"), "+1 555 0100");
    ASSERT_STR_EQ(hd_parse_slot(&p, "email"), "bob@example.com");
    ASSERT_STR_EQ(hd_parse_slot(&p, "error"), "Out of paper");
    ASSERT_STR_EQ(hd_parse_slot(&p, "since"), "since this morning");
    ASSERT_STR_EQ(hd_parse_slot(&p, "asset_tag"), "778812");
    ASSERT_INT_EQ(p.n_slots, 9);
    hd_parse_clear(&p);
    ASSERT_INT_EQ(p.n_slots, 0);

    hd_nlu_parse(NULL, "上海办公室5楼整个部门从昨天开始打印不了，很急，电话138 0013 8000", &p);
    ASSERT_INT_EQ(p.lang, HD_LANG_ZH);
    ASSERT_STR_EQ(hd_parse_slot(&p, "location"), "上海办公室5楼");
    ASSERT_STR_EQ(hd_parse_slot(&p, "impact"), "team");
    ASSERT_STR_EQ(hd_parse_slot(&p, "urgency"), "high");
    ASSERT_STR_EQ(hd_parse_slot(&p, "since"), "从昨天开始");
    ASSERT_STR_EQ(hd_parse_slot(&p, "phone"), "138 0013 8000");
    ASSERT(hd_parse_slot(&p, "email") == NULL);
    hd_parse_clear(&p);

    hd_nlu_parse(NULL, "hello", &p);
    ASSERT_INT_EQ(p.n_slots, 0);
    ASSERT(hd_parse_slot(&p, "ticket") == NULL);
    hd_parse_clear(&p);
}

/* Nothing hostile crashes an extractor or yields invalid UTF-8. */
static void test_slots__hostile(void)
{
    static const hd_slot_type types[] = {
        HD_SLOT_TICKET_NUMBER, HD_SLOT_IMPACT, HD_SLOT_URGENCY, HD_SLOT_LOCATION,
        HD_SLOT_ASSET_TAG,     HD_SLOT_PHONE,  HD_SLOT_EMAIL,   HD_SLOT_ERROR_MESSAGE,
        HD_SLOT_TIME,          HD_SLOT_TEXT};
    /* clang-format off */
    static const char *const texts[] = {
        "", "\"", "'", "“", "「unterminated", "@", "@@@@.", "+", "+(", "INC-", "INC-9999999999",
        "floor", "room", "building", "since", "for", "ago", "从", "楼楼楼", "十十十十十十楼",
        "\xff\xfe\xe4\xb8", "\xe5\x8f\xb7\xe6\xa5", "ext", "x", "asset", "资产编号", "error:",
        "错误：", "in 5 minutes", "分钟后", "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7",
        /* once made the phone extractor loop: a number's first sign right after a letter */
        "a+1", "b(1", "x+(((((", "PC-+12345678"};
    /* clang-format on */
    char *big = hd_malloc(100 * 1024 + 1), *v;
    size_t i, k;
    hd_parse p;

    for (i = 0; i < 100 * 1024; i++)
        big[i] = "floor 3 INC-1 '\"@.+(5 \xe6\xa5\xbc\xff"[(i * 7) % 22];
    big[100 * 1024] = '\0';
    /* unclosed quotes everywhere: each one looks ahead only a bounded way */
    for (k = 0; k < 3; k++) {
        static const char *const openers[] = {" 'x", "\" x", "\xe3\x80\x8c"}; /* 3 bytes each */
        char *q = hd_malloc(8 * 1024 + 1);
        hd_slot_def d = {0};

        for (i = 0; i + 3 <= 8 * 1024; i += 3)
            memcpy(q + i, openers[k], 3);
        q[i] = '\0';
        d.name = (char *)"x";
        d.type = HD_SLOT_ERROR_MESSAGE;
        v = NULL;
        hd_slot_extract(&d, q, HD_LANG_EN, &v);
        hd_free(v);
        hd_free(q);
    }
    for (k = 0; k < HD_ARRAY_SIZE(types); k++) {
        hd_slot_def d = {0};

        d.name = (char *)"x";
        d.type = types[k];
        for (i = 0; i < HD_ARRAY_SIZE(texts); i++) {
            v = NULL;
            hd_slot_extract(&d, texts[i], HD_LANG_EN, &v);
            hd_free(v);
        }
        v = NULL;
        hd_slot_extract(&d, big, HD_LANG_ZH, &v);
        ASSERT(v == NULL || strlen(v) <= 4096);
        hd_free(v);
        v = NULL;
        ASSERT_INT_EQ(hd_slot_extract(&d, NULL, HD_LANG_EN, &v), 0);
        ASSERT(v == NULL);
    }
    hd_nlu_parse(NULL, big, &p);
    ASSERT(p.n_slots <= HD_NLU_MAX_SLOTS);
    hd_parse_clear(&p);
    hd_free(big);
}

int main(void)
{
    RUN(test_slots__ticket);
    RUN(test_slots__impact);
    RUN(test_slots__urgency);
    RUN(test_slots__location);
    RUN(test_slots__asset_tag);
    RUN(test_slots__phone);
    RUN(test_slots__email);
    RUN(test_slots__error_message);
    RUN(test_slots__time);
    RUN(test_slots__enum);
    RUN(test_slots__pattern_and_text);
    RUN(test_slots__parse_all);
    RUN(test_slots__hostile);
    return harness_result();
}
