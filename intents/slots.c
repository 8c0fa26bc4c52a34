/*
 * slots.c - reading slot values out of free text, in English and Chinese,
 * by hand-written rules: ticket numbers, impact and urgency cues,
 * locations, asset tags, phone numbers, e-mail addresses, quoted error
 * messages and times, plus the catalog's enum and pattern slots.
 *
 * Every extractor works on the normal form of hd_text (lower case,
 * full-width folded) and returns text from the original, so values keep
 * the writer's spelling. Fixed phrases (cues such as "whole company",
 * "不急", "not") come from one lexicon that is matched in a single pass;
 * a phrase inside a longer phrase of the same class gives way to it, so
 * "not urgent" is low and not high, and "不急" is not "急".
 *
 * A message may name a value twice, as a correction does ("sorry, it's
 * floor 5 not 3"): candidates right after a negation ("not", "不是") are
 * dropped, candidates after "it's", "actually", "应该是" are preferred,
 * and otherwise the first one wins.
 */
#include "slots.h"

#include "hd/common.h"

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the lexicon ------------------------------------------------------- */

enum {
    LX_IMPACT,  /* val: hd_impact */
    LX_URGENCY, /* val: hd_urgency */
    LX_LAST,    /* "my last ticket" */
    LX_TIME,    /* English time phrase standing alone */
    LX_ZHDAY,   /* val: 0 a day that takes a part of day, 1 alone, 2 a part of day */
    LX_NEG,     /* a negation before a value */
    LX_PREFER,  /* "it's", "actually": the value after it is the one meant */
    LX_ASSET,   /* "asset tag", "资产编号" before an asset tag */
    LX_ERROR,   /* val: 0 "error:" before a message, 1 "error code" before a code */
    LX_NOPHONE, /* words before a number that is not a phone number */
    LX_EXT,     /* "ext", "分机" before an extension */
};

typedef struct lexeme {
    const char *s;
    unsigned char cls, val;
} lexeme;

/* clang-format off */
static const lexeme lexicon[] = {
    /* impact: just one person */
    {"just me", LX_IMPACT, 0}, {"only me", LX_IMPACT, 0}, {"only mine", LX_IMPACT, 0},
    {"just mine", LX_IMPACT, 0}, {"only my laptop", LX_IMPACT, 0},
    {"only my computer", LX_IMPACT, 0}, {"only my pc", LX_IMPACT, 0},
    {"only my machine", LX_IMPACT, 0}, {"only my account", LX_IMPACT, 0},
    {"only my phone", LX_IMPACT, 0}, {"just my laptop", LX_IMPACT, 0},
    {"just my computer", LX_IMPACT, 0}, {"just my pc", LX_IMPACT, 0},
    {"just my machine", LX_IMPACT, 0}, {"only for me", LX_IMPACT, 0},
    {"just for me", LX_IMPACT, 0}, {"only affects me", LX_IMPACT, 0},
    {"only affecting me", LX_IMPACT, 0}, {"just myself", LX_IMPACT, 0},
    {"only myself", LX_IMPACT, 0}, {"nobody else", LX_IMPACT, 0},
    {"no one else", LX_IMPACT, 0}, {"noone else", LX_IMPACT, 0},
    {"everyone else is fine", LX_IMPACT, 0}, {"others are fine", LX_IMPACT, 0},
    {"只有我", LX_IMPACT, 0}, {"就我", LX_IMPACT, 0}, {"只是我", LX_IMPACT, 0},
    {"仅我", LX_IMPACT, 0}, {"只影响我", LX_IMPACT, 0}, {"我一个人", LX_IMPACT, 0},
    {"我自己", LX_IMPACT, 0}, {"别人都正常", LX_IMPACT, 0}, {"别人没问题", LX_IMPACT, 0},
    {"其他人都正常", LX_IMPACT, 0}, {"其他人没问题", LX_IMPACT, 0},
    {"别人都可以", LX_IMPACT, 0}, {"只有我的", LX_IMPACT, 0},
    /* impact: a team */
    {"my team", LX_IMPACT, 1}, {"our team", LX_IMPACT, 1}, {"whole team", LX_IMPACT, 1},
    {"entire team", LX_IMPACT, 1}, {"the team", LX_IMPACT, 1},
    {"my department", LX_IMPACT, 1}, {"our department", LX_IMPACT, 1},
    {"whole department", LX_IMPACT, 1}, {"entire department", LX_IMPACT, 1},
    {"my group", LX_IMPACT, 1}, {"our group", LX_IMPACT, 1}, {"my colleagues", LX_IMPACT, 1},
    {"my coworkers", LX_IMPACT, 1}, {"my co-workers", LX_IMPACT, 1},
    {"several colleagues", LX_IMPACT, 1}, {"a few colleagues", LX_IMPACT, 1},
    {"some colleagues", LX_IMPACT, 1}, {"several people", LX_IMPACT, 1},
    {"a few people", LX_IMPACT, 1}, {"some people", LX_IMPACT, 1},
    {"a few of us", LX_IMPACT, 1}, {"some of us", LX_IMPACT, 1},
    {"several of us", LX_IMPACT, 1}, {"all of us", LX_IMPACT, 1},
    {"whole floor", LX_IMPACT, 1}, {"entire floor", LX_IMPACT, 1}, {"our floor", LX_IMPACT, 1},
    {"everyone in", LX_IMPACT, 1}, {"everyone on", LX_IMPACT, 1}, {"everyone at", LX_IMPACT, 1},
    {"everyone from", LX_IMPACT, 1}, {"everybody in", LX_IMPACT, 1},
    {"everybody on", LX_IMPACT, 1}, {"everybody at", LX_IMPACT, 1},
    {"not just me", LX_IMPACT, 1}, {"not only me", LX_IMPACT, 1},
    {"other people too", LX_IMPACT, 1}, {"others too", LX_IMPACT, 1},
    {"整个部门", LX_IMPACT, 1}, {"我们部门", LX_IMPACT, 1}, {"全部门", LX_IMPACT, 1},
    {"部门的人", LX_IMPACT, 1}, {"我们组", LX_IMPACT, 1}, {"我们小组", LX_IMPACT, 1},
    {"整个组", LX_IMPACT, 1}, {"全组", LX_IMPACT, 1}, {"我们团队", LX_IMPACT, 1},
    {"整个团队", LX_IMPACT, 1}, {"我的团队", LX_IMPACT, 1}, {"整层楼", LX_IMPACT, 1},
    {"这层楼", LX_IMPACT, 1}, {"我们这层", LX_IMPACT, 1}, {"同事们", LX_IMPACT, 1},
    {"几个同事", LX_IMPACT, 1}, {"其他同事也", LX_IMPACT, 1}, {"不只是我", LX_IMPACT, 1},
    {"不只我", LX_IMPACT, 1}, {"不止我", LX_IMPACT, 1}, {"几个人", LX_IMPACT, 1},
    {"我们科室", LX_IMPACT, 1}, {"整个科室", LX_IMPACT, 1},
    /* impact: the organisation */
    {"everyone", LX_IMPACT, 2}, {"everybody", LX_IMPACT, 2},
    {"whole company", LX_IMPACT, 2}, {"entire company", LX_IMPACT, 2},
    {"all offices", LX_IMPACT, 2}, {"every office", LX_IMPACT, 2}, {"all users", LX_IMPACT, 2},
    {"all staff", LX_IMPACT, 2}, {"all employees", LX_IMPACT, 2}, {"nobody can", LX_IMPACT, 2},
    {"no one can", LX_IMPACT, 2}, {"noone can", LX_IMPACT, 2}, {"nobody is able", LX_IMPACT, 2},
    {"whole office", LX_IMPACT, 2}, {"entire office", LX_IMPACT, 2},
    {"everyone in the company", LX_IMPACT, 2}, {"everyone in the office", LX_IMPACT, 2},
    {"everyone in the building", LX_IMPACT, 2}, {"everyone at the company", LX_IMPACT, 2},
    {"everybody in the company", LX_IMPACT, 2}, {"everybody in the office", LX_IMPACT, 2},
    {"everyone in the whole", LX_IMPACT, 2}, {"everyone in every", LX_IMPACT, 2},
    {"company-wide", LX_IMPACT, 2}, {"company wide", LX_IMPACT, 2},
    {"companywide", LX_IMPACT, 2}, {"whole building", LX_IMPACT, 2},
    {"entire building", LX_IMPACT, 2}, {"many people", LX_IMPACT, 2},
    {"lots of people", LX_IMPACT, 2}, {"a lot of people", LX_IMPACT, 2},
    {"whole organisation", LX_IMPACT, 2}, {"whole organization", LX_IMPACT, 2},
    {"全公司", LX_IMPACT, 2}, {"所有人", LX_IMPACT, 2}, {"整个公司", LX_IMPACT, 2},
    {"全体", LX_IMPACT, 2}, {"所有同事", LX_IMPACT, 2}, {"所有员工", LX_IMPACT, 2},
    {"所有办公室", LX_IMPACT, 2}, {"大家都", LX_IMPACT, 2}, {"整栋楼", LX_IMPACT, 2},
    {"很多人", LX_IMPACT, 2}, {"好多人", LX_IMPACT, 2}, {"全员", LX_IMPACT, 2},
    {"整个办公室", LX_IMPACT, 2}, {"所有用户", LX_IMPACT, 2},

    /* urgency: low */
    {"no rush", LX_URGENCY, 0}, {"no hurry", LX_URGENCY, 0}, {"whenever", LX_URGENCY, 0},
    {"not urgent", LX_URGENCY, 0}, {"not that urgent", LX_URGENCY, 0},
    {"not very urgent", LX_URGENCY, 0}, {"not too urgent", LX_URGENCY, 0},
    {"isn't urgent", LX_URGENCY, 0}, {"not critical", LX_URGENCY, 0},
    {"non-urgent", LX_URGENCY, 0}, {"non urgent", LX_URGENCY, 0},
    {"low priority", LX_URGENCY, 0}, {"when you can", LX_URGENCY, 0},
    {"when you get a chance", LX_URGENCY, 0}, {"when you have time", LX_URGENCY, 0},
    {"no big deal", LX_URGENCY, 0}, {"not a big deal", LX_URGENCY, 0},
    {"can wait", LX_URGENCY, 0}, {"next week", LX_URGENCY, 0}, {"no pressure", LX_URGENCY, 0},
    {"not in a hurry", LX_URGENCY, 0}, {"not blocking", LX_URGENCY, 0},
    {"不急", LX_URGENCY, 0}, {"不着急", LX_URGENCY, 0}, {"不紧急", LX_URGENCY, 0},
    {"不是很急", LX_URGENCY, 0}, {"不太急", LX_URGENCY, 0}, {"不用急", LX_URGENCY, 0},
    {"不赶时间", LX_URGENCY, 0}, {"有空再", LX_URGENCY, 0}, {"有空的时候", LX_URGENCY, 0},
    {"有时间再", LX_URGENCY, 0}, {"慢慢来", LX_URGENCY, 0}, {"随时都行", LX_URGENCY, 0},
    {"什么时候都行", LX_URGENCY, 0}, {"不要紧", LX_URGENCY, 0}, {"下周", LX_URGENCY, 0},
    {"不是很紧急", LX_URGENCY, 0},
    /* urgency: medium */
    {"today", LX_URGENCY, 1}, {"by end of day", LX_URGENCY, 1}, {"end of day", LX_URGENCY, 1},
    {"end of the day", LX_URGENCY, 1}, {"eod", LX_URGENCY, 1}, {"tonight", LX_URGENCY, 1},
    {"this afternoon", LX_URGENCY, 1}, {"by tomorrow", LX_URGENCY, 1},
    {"before tomorrow", LX_URGENCY, 1}, {"soon", LX_URGENCY, 1},
    {"今天", LX_URGENCY, 1}, {"今天内", LX_URGENCY, 1}, {"今天之内", LX_URGENCY, 1},
    {"下班前", LX_URGENCY, 1}, {"今晚", LX_URGENCY, 1}, {"明天之前", LX_URGENCY, 1},
    /* urgency: high */
    {"urgent", LX_URGENCY, 2}, {"urgently", LX_URGENCY, 2}, {"asap", LX_URGENCY, 2},
    {"as soon as possible", LX_URGENCY, 2}, {"right now", LX_URGENCY, 2},
    {"right away", LX_URGENCY, 2}, {"straight away", LX_URGENCY, 2},
    {"immediately", LX_URGENCY, 2}, {"blocking", LX_URGENCY, 2}, {"blocker", LX_URGENCY, 2},
    {"can't work", LX_URGENCY, 2}, {"cannot work", LX_URGENCY, 2},
    {"can not work", LX_URGENCY, 2}, {"cant work", LX_URGENCY, 2},
    {"unable to work", LX_URGENCY, 2}, {"can't do my job", LX_URGENCY, 2},
    {"can't do any work", LX_URGENCY, 2}, {"can't do anything", LX_URGENCY, 2},
    {"deadline", LX_URGENCY, 2}, {"hurry", LX_URGENCY, 2}, {"high priority", LX_URGENCY, 2},
    {"very important", LX_URGENCY, 2}, {"outage", LX_URGENCY, 2},
    {"很急", LX_URGENCY, 2}, {"急", LX_URGENCY, 2}, {"紧急", LX_URGENCY, 2},
    {"马上", LX_URGENCY, 2}, {"尽快", LX_URGENCY, 2}, {"赶紧", LX_URGENCY, 2},
    {"立刻", LX_URGENCY, 2}, {"立即", LX_URGENCY, 2}, {"着急", LX_URGENCY, 2},
    {"急用", LX_URGENCY, 2}, {"急需", LX_URGENCY, 2}, {"挺急", LX_URGENCY, 2},
    {"比较急", LX_URGENCY, 2}, {"没法工作", LX_URGENCY, 2}, {"无法工作", LX_URGENCY, 2},
    {"不能工作", LX_URGENCY, 2}, {"干不了活", LX_URGENCY, 2}, {"影响工作", LX_URGENCY, 2},
    {"耽误工作", LX_URGENCY, 2}, {"影响办公", LX_URGENCY, 2}, {"越快越好", LX_URGENCY, 2},
    {"快点", LX_URGENCY, 2},
    /* urgency: critical */
    {"critical", LX_URGENCY, 3}, {"emergency", LX_URGENCY, 3},
    {"production down", LX_URGENCY, 3}, {"production is down", LX_URGENCY, 3},
    {"prod down", LX_URGENCY, 3}, {"prod is down", LX_URGENCY, 3},
    {"production outage", LX_URGENCY, 3}, {"priority 1", LX_URGENCY, 3},
    {"非常紧急", LX_URGENCY, 3}, {"十万火急", LX_URGENCY, 3}, {"特别紧急", LX_URGENCY, 3},
    {"万分紧急", LX_URGENCY, 3}, {"十分紧急", LX_URGENCY, 3}, {"紧急情况", LX_URGENCY, 3},
    {"非常急", LX_URGENCY, 3}, {"特别急", LX_URGENCY, 3}, {"火烧眉毛", LX_URGENCY, 3},
    {"生产环境宕机", LX_URGENCY, 3}, {"生产宕机", LX_URGENCY, 3},
    {"系统瘫痪", LX_URGENCY, 3}, {"业务中断", LX_URGENCY, 3},

    /* the user's most recent ticket */
    {"my last ticket", LX_LAST, 0}, {"last ticket", LX_LAST, 0}, {"the last one", LX_LAST, 0},
    {"latest ticket", LX_LAST, 0}, {"previous ticket", LX_LAST, 0},
    {"most recent ticket", LX_LAST, 0}, {"last request", LX_LAST, 0},
    {"last incident", LX_LAST, 0}, {"last case", LX_LAST, 0},
    {"上一个工单", LX_LAST, 0}, {"最近的工单", LX_LAST, 0}, {"上个工单", LX_LAST, 0},
    {"最新的工单", LX_LAST, 0}, {"上一张工单", LX_LAST, 0}, {"刚才的工单", LX_LAST, 0},
    {"刚提交的工单", LX_LAST, 0}, {"上次的工单", LX_LAST, 0}, {"最近一个工单", LX_LAST, 0},
    {"刚才那个工单", LX_LAST, 0}, {"上一个单", LX_LAST, 0}, {"上一个请求", LX_LAST, 0},
    {"最近那个工单", LX_LAST, 0},

    /* English time phrases standing alone */
    {"just now", LX_TIME, 0}, {"this morning", LX_TIME, 0}, {"this afternoon", LX_TIME, 0},
    {"this evening", LX_TIME, 0}, {"yesterday", LX_TIME, 0}, {"last night", LX_TIME, 0},
    {"last week", LX_TIME, 0}, {"earlier today", LX_TIME, 0}, {"today", LX_TIME, 0},
    {"all day", LX_TIME, 0}, {"all morning", LX_TIME, 0}, {"over the weekend", LX_TIME, 0},
    {"yesterday morning", LX_TIME, 0}, {"yesterday afternoon", LX_TIME, 0},
    {"yesterday evening", LX_TIME, 0}, {"a moment ago", LX_TIME, 0},
    /* Chinese days, parts of days, and times standing alone */
    {"今天", LX_ZHDAY, 0}, {"昨天", LX_ZHDAY, 0}, {"前天", LX_ZHDAY, 0},
    {"今早", LX_ZHDAY, 1}, {"昨晚", LX_ZHDAY, 1}, {"今晚", LX_ZHDAY, 1},
    {"上周", LX_ZHDAY, 0}, {"这周", LX_ZHDAY, 0}, {"本周", LX_ZHDAY, 0},
    {"上星期", LX_ZHDAY, 0}, {"上个月", LX_ZHDAY, 1}, {"上周一", LX_ZHDAY, 0},
    {"上周二", LX_ZHDAY, 0}, {"上周三", LX_ZHDAY, 0}, {"上周四", LX_ZHDAY, 0},
    {"上周五", LX_ZHDAY, 0}, {"周一", LX_ZHDAY, 0}, {"周二", LX_ZHDAY, 0},
    {"周三", LX_ZHDAY, 0}, {"周四", LX_ZHDAY, 0}, {"周五", LX_ZHDAY, 0}, {"周六", LX_ZHDAY, 0},
    {"周日", LX_ZHDAY, 0}, {"周末", LX_ZHDAY, 0}, {"星期一", LX_ZHDAY, 0},
    {"星期二", LX_ZHDAY, 0}, {"星期三", LX_ZHDAY, 0}, {"星期四", LX_ZHDAY, 0},
    {"星期五", LX_ZHDAY, 0}, {"星期六", LX_ZHDAY, 0}, {"星期天", LX_ZHDAY, 0},
    {"星期日", LX_ZHDAY, 0}, {"刚才", LX_ZHDAY, 1}, {"刚刚", LX_ZHDAY, 1},
    {"一上午", LX_ZHDAY, 1}, {"一下午", LX_ZHDAY, 1}, {"一整天", LX_ZHDAY, 1},
    {"一晚上", LX_ZHDAY, 1}, {"一早上", LX_ZHDAY, 1}, {"这几天", LX_ZHDAY, 1},
    {"这两天", LX_ZHDAY, 1}, {"最近几天", LX_ZHDAY, 1}, {"早上", LX_ZHDAY, 2},
    {"上午", LX_ZHDAY, 2}, {"中午", LX_ZHDAY, 2}, {"下午", LX_ZHDAY, 2}, {"晚上", LX_ZHDAY, 2},
    {"凌晨", LX_ZHDAY, 2}, {"一早", LX_ZHDAY, 2}, {"早晨", LX_ZHDAY, 2}, {"傍晚", LX_ZHDAY, 2},

    /* negations and corrections */
    {"not", LX_NEG, 0}, {"isn't", LX_NEG, 0}, {"isnt", LX_NEG, 0}, {"aren't", LX_NEG, 0},
    {"wasn't", LX_NEG, 0}, {"no", LX_NEG, 0}, {"never", LX_NEG, 0}, {"don't", LX_NEG, 0},
    {"doesn't", LX_NEG, 0}, {"instead of", LX_NEG, 0}, {"rather than", LX_NEG, 0},
    {"不", LX_NEG, 0}, {"没", LX_NEG, 0}, {"没有", LX_NEG, 0}, {"不是", LX_NEG, 0},
    {"不在", LX_NEG, 0}, {"并非", LX_NEG, 0}, {"别", LX_NEG, 0}, {"无需", LX_NEG, 0},
    {"不用", LX_NEG, 0}, {"不需要", LX_NEG, 0}, {"而不是", LX_NEG, 0},
    {"it's", LX_PREFER, 0}, {"its", LX_PREFER, 0}, {"it is", LX_PREFER, 0},
    {"is", LX_PREFER, 0}, {"actually", LX_PREFER, 0}, {"instead", LX_PREFER, 0},
    {"i mean", LX_PREFER, 0}, {"i meant", LX_PREFER, 0}, {"should be", LX_PREFER, 0},
    {"correct one is", LX_PREFER, 0}, {"now", LX_PREFER, 0}, {"应该是", LX_PREFER, 0},
    {"是", LX_PREFER, 0}, {"改成", LX_PREFER, 0}, {"改为", LX_PREFER, 0},
    {"其实是", LX_PREFER, 0}, {"其实", LX_PREFER, 0}, {"实际上", LX_PREFER, 0},
    {"我是说", LX_PREFER, 0}, {"正确的是", LX_PREFER, 0},

    /* asset tags */
    {"asset tag", LX_ASSET, 0}, {"asset number", LX_ASSET, 0}, {"asset no", LX_ASSET, 0},
    {"asset id", LX_ASSET, 0}, {"asset", LX_ASSET, 0}, {"service tag", LX_ASSET, 0},
    {"tag number", LX_ASSET, 0}, {"asset tag number", LX_ASSET, 0},
    {"资产编号", LX_ASSET, 0}, {"资产号", LX_ASSET, 0}, {"资产标签", LX_ASSET, 0},
    {"资产编码", LX_ASSET, 0}, {"固定资产编号", LX_ASSET, 0}, {"设备编号", LX_ASSET, 0},
    {"资产", LX_ASSET, 0},

    /* error messages */
    {"error:", LX_ERROR, 0}, {"error message:", LX_ERROR, 0}, {"error message is", LX_ERROR, 0},
    {"the error is", LX_ERROR, 0}, {"error says", LX_ERROR, 0}, {"error reads", LX_ERROR, 0},
    {"error msg:", LX_ERROR, 0}, {"错误:", LX_ERROR, 0}, {"报错:", LX_ERROR, 0},
    {"提示:", LX_ERROR, 0}, {"错误信息:", LX_ERROR, 0}, {"错误提示:", LX_ERROR, 0},
    {"报错信息:", LX_ERROR, 0}, {"错误消息:", LX_ERROR, 0}, {"提示错误:", LX_ERROR, 0},
    {"error code", LX_ERROR, 1}, {"错误代码", LX_ERROR, 1}, {"错误码", LX_ERROR, 1},

    /* numbers that are not phone numbers */
    {"tag", LX_NOPHONE, 0}, {"asset", LX_NOPHONE, 0}, {"serial", LX_NOPHONE, 0},
    {"s/n", LX_NOPHONE, 0}, {"error", LX_NOPHONE, 0}, {"code", LX_NOPHONE, 0},
    {"ticket", LX_NOPHONE, 0}, {"order", LX_NOPHONE, 0}, {"inc", LX_NOPHONE, 0},
    {"req", LX_NOPHONE, 0}, {"chg", LX_NOPHONE, 0}, {"cmp", LX_NOPHONE, 0},
    {"invoice", LX_NOPHONE, 0}, {"account", LX_NOPHONE, 0}, {"id", LX_NOPHONE, 0},
    {"编号", LX_NOPHONE, 0}, {"资产", LX_NOPHONE, 0}, {"工单", LX_NOPHONE, 0},
    {"错误", LX_NOPHONE, 0}, {"代码", LX_NOPHONE, 0}, {"序列号", LX_NOPHONE, 0},
    {"单号", LX_NOPHONE, 0}, {"账号", LX_NOPHONE, 0}, {"工号", LX_NOPHONE, 0},
    {"ext", LX_EXT, 0}, {"ext.", LX_EXT, 0}, {"extension", LX_EXT, 0},
    {"分机", LX_EXT, 0}, {"分机号", LX_EXT, 0}, {"转", LX_EXT, 0},
    /* every phrase has at least two bytes: the index is keyed by them */
};
/* clang-format on */

#define LX_BUCKETS 512

static struct {
    unsigned short len[HD_ARRAY_SIZE(lexicon)];
    unsigned short start[LX_BUCKETS + 1]; /* bucket b holds order[start[b] .. start[b+1]) */
    unsigned short order[HD_ARRAY_SIZE(lexicon)];
} lx;

static pthread_once_t lx_once = PTHREAD_ONCE_INIT;

static unsigned bucket(const char *s)
{
    return ((unsigned char)s[0] * 31u + (unsigned char)s[1]) % LX_BUCKETS;
}

static void lx_build(void)
{
    unsigned short count[LX_BUCKETS] = {0};
    size_t i;
    unsigned b;

    for (i = 0; i < HD_ARRAY_SIZE(lexicon); i++) {
        lx.len[i] = (unsigned short)strlen(lexicon[i].s);
        count[bucket(lexicon[i].s)]++;
    }
    lx.start[0] = 0;
    for (b = 0; b < LX_BUCKETS; b++)
        lx.start[b + 1] = (unsigned short)(lx.start[b] + count[b]);
    memset(count, 0, sizeof(count));
    for (i = 0; i < HD_ARRAY_SIZE(lexicon); i++) {
        b = bucket(lexicon[i].s);
        lx.order[lx.start[b] + count[b]++] = (unsigned short)i;
    }
}

/* ---- one scan of a message -------------------------------------------- */

#define MAX_HITS 160
#define MAX_WORDS 768
#define MAX_CANDS 24

typedef struct hit {
    unsigned short a, b; /* norm[a..b) */
    unsigned char cls, val;
} hit;

typedef struct word {
    unsigned short a, b;
} word;

typedef struct scan {
    const hd_text *t;
    hit hits[MAX_HITS];
    int n_hits;
    word words[MAX_WORDS]; /* ASCII words, with apostrophes inside them */
    int n_words;
} scan;

/* A possible value: norm[a..b) is what was matched, the value is `canon` or orig[va..vb). */
typedef struct cand {
    size_t a, b, va, vb;
    int prio;
    char canon[128];
} cand;

static int alnum_at(const hd_text *t, size_t i)
{
    return i < t->len && hd_text__is_alnum((unsigned char)t->norm[i]);
}

static int digit_at(const hd_text *t, size_t i)
{
    return i < t->len && t->norm[i] >= '0' && t->norm[i] <= '9';
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static void find_hits(scan *sc)
{
    const hd_text *t = sc->t;
    size_t p, k;
    int i, j;

    pthread_once(&lx_once, lx_build);
    sc->n_hits = 0;
    for (p = 0; p + 1 < t->len && sc->n_hits < MAX_HITS; p++) {
        unsigned b;

        if (is_cont((unsigned char)t->norm[p]) || t->norm[p] == ' ')
            continue;
        if (alnum_at(t, p) && p > 0 && alnum_at(t, p - 1))
            continue;
        b = bucket(t->norm + p);
        for (k = lx.start[b]; k < lx.start[b + 1] && sc->n_hits < MAX_HITS; k++) {
            const lexeme *e = &lexicon[lx.order[k]];
            size_t n = lx.len[lx.order[k]];

            if (n > t->len - p || memcmp(t->norm + p, e->s, n) != 0)
                continue;
            if (hd_text__is_alnum((unsigned char)e->s[n - 1]) && alnum_at(t, p + n))
                continue;
            /* "it's" is a word of its own, not the start of "it's'" or "its-" */
            if (t->norm[p + n] == '\'' && alnum_at(t, p + n + 1))
                continue;
            sc->hits[sc->n_hits++] =
                (hit){(unsigned short)p, (unsigned short)(p + n), e->cls, e->val};
        }
    }
    /* A phrase inside a longer phrase of the same class gives way to it. */
    for (i = 0; i < sc->n_hits; i++) {
        const hit *h = &sc->hits[i];

        for (j = 0; j < sc->n_hits; j++) {
            const hit *o = &sc->hits[j];

            if (j != i && o->cls == h->cls && o->a <= h->a && h->b <= o->b &&
                o->b - o->a > h->b - h->a)
                break;
        }
        if (j < sc->n_hits)
            sc->hits[i].cls = 0xFF;
    }
}

static void find_words(scan *sc)
{
    const hd_text *t = sc->t;
    size_t p = 0;

    sc->n_words = 0;
    while (p < t->len && sc->n_words < MAX_WORDS) {
        size_t a;

        if (!alnum_at(t, p)) {
            p++;
            continue;
        }
        a = p;
        while (alnum_at(t, p) || (t->norm[p] == '\'' && alnum_at(t, p + 1) && p > a))
            p++;
        sc->words[sc->n_words++] = (word){(unsigned short)a, (unsigned short)p};
    }
}

static void scan_init(scan *sc, const hd_text *t)
{
    sc->t = t;
    find_hits(sc);
    find_words(sc);
}

static int word_is(const scan *sc, int i, const char *s)
{
    size_t n = strlen(s);

    return i >= 0 && i < sc->n_words && (size_t)(sc->words[i].b - sc->words[i].a) == n &&
           memcmp(sc->t->norm + sc->words[i].a, s, n) == 0;
}

static int word_in(const scan *sc, int i, const char *const *set, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (word_is(sc, i, set[k]))
            return 1;
    return 0;
}

/* Whether words i and i+1 are separated by spaces only (or ":" / "." between digits). */
static int joined(const scan *sc, int i)
{
    const hd_text *t = sc->t;
    size_t p;

    if (i < 0 || i + 1 >= sc->n_words)
        return 0;
    p = sc->words[i].b;
    if (p + 1 == sc->words[i + 1].a && (t->norm[p] == ':' || t->norm[p] == '.') &&
        digit_at(t, p - 1) && digit_at(t, p + 1))
        return 1;
    for (; p < sc->words[i + 1].a; p++)
        if (t->norm[p] != ' ')
            return 0;
    return 1;
}

/* The index of the word starting at norm offset `a`, or -1. */
static int word_at(const scan *sc, size_t a)
{
    int lo = 0, hi = sc->n_words - 1;

    while (lo <= hi) {
        int mid = (lo + hi) / 2;

        if (sc->words[mid].a == a)
            return mid;
        if (sc->words[mid].a < a)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static const hit *hit_ending(const scan *sc, size_t end, int cls)
{
    int i;

    for (i = 0; i < sc->n_hits; i++)
        if (sc->hits[i].cls == cls && sc->hits[i].b == end)
            return &sc->hits[i];
    return NULL;
}

/* Words that may stand between a negation or a correction and its value. */
static const char *const filler_words[] = {"on",   "in",  "at",     "the", "a",   "an", "that",
                                           "very", "too", "really", "so",  "for", "to"};
static const char *const filler_zh[] = {"在", "很", "太", "那么", "特别", "说"};

/* Whether a hit of class `cls` comes right before norm offset `pos`. */
static int preceded_by(const scan *sc, size_t pos, int cls)
{
    const hd_text *t = sc->t;
    size_t q = pos, k;
    int steps;

    for (steps = 0; steps < 4; steps++) {
        int moved = 0;

        while (q > 0 && (t->norm[q - 1] == ' ' || t->norm[q - 1] == '-' ||
                         (cls == LX_PREFER && t->norm[q - 1] == ',')))
            q--;
        if (hit_ending(sc, q, cls))
            return 1;
        if (q > 0 && alnum_at(t, q - 1)) {
            size_t a = q;

            while (a > 0 && alnum_at(t, a - 1))
                a--;
            for (k = 0; k < HD_ARRAY_SIZE(filler_words); k++) {
                if (q - a == strlen(filler_words[k]) &&
                    memcmp(t->norm + a, filler_words[k], q - a) == 0) {
                    q = a;
                    moved = 1;
                    break;
                }
            }
        } else {
            for (k = 0; k < HD_ARRAY_SIZE(filler_zh); k++) {
                size_t n = strlen(filler_zh[k]);

                if (q >= n && memcmp(t->norm + q - n, filler_zh[k], n) == 0) {
                    q -= n;
                    moved = 1;
                    break;
                }
            }
        }
        if (!moved)
            return 0;
    }
    return 0;
}

/*
 * The candidate meant: among those not negated, the highest priority, then
 * one after a correction word, then the first (the longer at one place).
 */
static const cand *pick(const scan *sc, const cand *c, int n)
{
    const cand *best = NULL;
    int best_pref = 0, i;

    for (i = 0; i < n; i++) {
        int pref;

        if (preceded_by(sc, c[i].a, LX_NEG))
            continue;
        pref = preceded_by(sc, c[i].a, LX_PREFER);
        if (best == NULL || c[i].prio > best->prio ||
            (c[i].prio == best->prio &&
             (pref > best_pref ||
              (pref == best_pref &&
               (c[i].a < best->a || (c[i].a == best->a && c[i].b > best->b)))))) {
            best = &c[i];
            best_pref = pref;
        }
    }
    return best;
}

static char *cand_value(const scan *sc, const cand *c)
{
    if (c == NULL)
        return NULL;
    if (c->canon[0])
        return hd_strdup(c->canon);
    return hd_text__span(sc->t, c->va, c->vb);
}

static cand *add_cand(cand *c, int *n, size_t a, size_t b, int prio)
{
    cand *x;

    if (*n >= MAX_CANDS)
        return NULL;
    x = &c[(*n)++];
    memset(x, 0, sizeof(*x));
    x->a = x->va = a;
    x->b = x->vb = b;
    x->prio = prio;
    return x;
}

/* ---- ticket numbers ---------------------------------------------------- */

static char *extract_ticket(const scan *sc)
{
    static const char *const prefixes[] = {"inc", "req", "chg", "con", "cmp"};
    const hd_text *t = sc->t;
    cand c[MAX_CANDS];
    int n = 0, i;
    size_t k;

    for (i = 0; i < sc->n_words; i++) {
        size_t a = sc->words[i].a, q = a + 3, d;
        unsigned long num = 0;

        for (k = 0; k < HD_ARRAY_SIZE(prefixes); k++)
            if (hd_text__has(t, a, prefixes[k]))
                break;
        if (k == HD_ARRAY_SIZE(prefixes))
            continue;
        if (t->norm[q] == '-' || t->norm[q] == '_' || t->norm[q] == '#') {
            q++;
        } else if (t->norm[q] == ' ') {
            q++;
            if (t->norm[q] == '#')
                q++;
        }
        for (d = q; digit_at(t, d) && d - q < 10; d++)
            num = num * 10 + (unsigned long)(t->norm[d] - '0');
        if (d == q || d - q > 9 || alnum_at(t, d))
            continue;
        cand *x = add_cand(c, &n, a, d, 0);
        if (x)
            snprintf(x->canon, sizeof(x->canon), "%c%c%c-%06lu", prefixes[k][0] - 32,
                     prefixes[k][1] - 32, prefixes[k][2] - 32, num);
    }
    for (i = 0; i < sc->n_hits; i++) {
        if (sc->hits[i].cls == LX_LAST) {
            cand *x = add_cand(c, &n, sc->hits[i].a, sc->hits[i].b, 0);

            if (x)
                hd_strlcpy(x->canon, "last", sizeof(x->canon));
        }
    }
    return cand_value(sc, pick(sc, c, n));
}

/* ---- impact and urgency ------------------------------------------------ */

static const char *const impact_values[] = {"individual", "team", "organisation"};
static const char *const urgency_values[] = {"low", "medium", "high", "critical"};

/* The strongest cue of class `cls` that is not negated, or -1. */
static int strongest(const scan *sc, int cls)
{
    int i, best = -1;

    for (i = 0; i < sc->n_hits; i++) {
        const hit *h = &sc->hits[i];

        if (h->cls == cls && h->val > best && !preceded_by(sc, h->a, LX_NEG))
            best = h->val;
    }
    return best;
}

/* The whole text is one of `values` (a button's value), or "organization". */
static int exact_value(const hd_text *t, const char *const *values, int n)
{
    size_t a = 0, b = t->len;
    int i;

    while (a < b && (t->norm[a] == ' ' || t->norm[a] == '\n'))
        a++;
    while (b > a && (t->norm[b - 1] == ' ' || t->norm[b - 1] == '\n' || t->norm[b - 1] == '.'))
        b--;
    for (i = 0; i < n; i++)
        if (strlen(values[i]) == b - a && memcmp(t->norm + a, values[i], b - a) == 0)
            return i;
    if (n == 3 && b - a == 12 && memcmp(t->norm + a, "organization", 12) == 0)
        return 2;
    return -1;
}

static char *extract_impact(const scan *sc)
{
    int v = exact_value(sc->t, impact_values, 3);

    if (v < 0)
        v = strongest(sc, LX_IMPACT);
    return v < 0 ? NULL : hd_strdup(impact_values[v]);
}

/* "client demo in 10 minutes", "10分钟后要演示": something important starts very soon. */
static int imminent(const scan *sc)
{
    static const char *const events[] = {
        "demo",   "presentation", "meeting",    "call",   "pitch",   "board",
        "client", "customer",     "interview",  "exam",   "webinar", "lecture",
        "talk",   "keynote",      "presenting", "flight", "audit",   "launch"};
    static const char *const events_zh[] = {"演示", "开会", "会议", "汇报", "客户", "演讲",
                                            "上台", "答辩", "直播", "面试", "发布", "路演"};
    static const char *const units[] = {"minutes", "minute", "mins", "min"};
    static const char *const numbers[] = {"a",   "one",     "two",    "three",  "four", "five",
                                          "ten", "fifteen", "twenty", "thirty", "few"};
    const hd_text *t = sc->t;
    int i, j;
    size_t k;

    for (i = 0; i + 2 < sc->n_words; i++) {
        if (!word_is(sc, i, "in") || !joined(sc, i))
            continue;
        j = i + 1;
        if (word_is(sc, j, "a") && word_is(sc, j + 1, "few") && joined(sc, j))
            j++;
        if (!digit_at(t, sc->words[j].a) && !word_in(sc, j, numbers, HD_ARRAY_SIZE(numbers)))
            continue;
        if (!joined(sc, j) || !word_in(sc, j + 1, units, HD_ARRAY_SIZE(units)))
            continue;
        for (j = i - 1; j >= 0 && j >= i - 5; j--)
            if (word_in(sc, j, events, HD_ARRAY_SIZE(events)))
                return 1;
    }
    for (k = 0; k + 9 <= t->len; k++) {
        size_t lo, hi, e;

        if (!hd_text__has(t, k, "分钟后") && !hd_text__has(t, k, "分钟之后") &&
            !hd_text__has(t, k, "分钟就"))
            continue;
        lo = k > 30 ? k - 30 : 0;
        hi = k + 40 < t->len ? k + 40 : t->len;
        for (; lo < hi; lo++)
            for (e = 0; e < HD_ARRAY_SIZE(events_zh); e++)
                if (hd_text__has(t, lo, events_zh[e]))
                    return 1;
    }
    return 0;
}

static char *extract_urgency(const scan *sc)
{
    int v = exact_value(sc->t, urgency_values, 4);

    if (v < 0) {
        v = strongest(sc, LX_URGENCY);
        if (imminent(sc))
            v = 3;
    }
    return v < 0 ? NULL : hd_strdup(urgency_values[v]);
}

/* ---- locations --------------------------------------------------------- */

enum { LOC_SITE, LOC_BUILDING, LOC_FLOOR, LOC_ROOM, LOC_DESK };

typedef struct loc {
    size_t a, b;
    int kind;
    int latin; /* canon holds the English canonical form */
    char canon[64];
} loc;

#define MAX_LOCS 16

static void add_loc(loc *l, int *n, size_t a, size_t b, int kind, const char *canon)
{
    if (*n >= MAX_LOCS)
        return;
    l[*n].a = a;
    l[*n].b = b;
    l[*n].kind = kind;
    l[*n].latin = canon != NULL;
    hd_strlcpy(l[*n].canon, canon ? canon : "", sizeof(l[*n].canon));
    (*n)++;
}

static const char *const stop_names[] = {
    "the",     "a",       "an",        "my",       "our",   "this",    "that",    "is",
    "on",      "in",      "at",        "for",      "with",  "and",     "or",      "to",
    "of",      "it",      "its",       "it's",     "was",   "has",     "have",    "i",
    "we",      "you",     "projector", "screen",   "tv",    "display", "phone",   "camera",
    "printer", "speaker", "speakers",  "computer", "pc",    "laptop",  "booking", "calendar",
    "wifi",    "network", "light",     "lights",   "door",  "key",     "card",    "microphone",
    "mic",     "monitor", "there",     "which",    "where", "not"};

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* The original first byte of word i. */
static char orig_first(const scan *sc, int i)
{
    return sc->t->orig[sc->t->map[sc->words[i].a]];
}

/* A building or room identifier: letters and digits, with a digit or a single letter. */
static int id_word(const scan *sc, int i, size_t max)
{
    size_t n, k;
    int digits = 0;

    if (i < 0 || i >= sc->n_words)
        return 0;
    n = sc->words[i].b - sc->words[i].a;
    if (n == 0 || n > max)
        return 0;
    for (k = sc->words[i].a; k < sc->words[i].b; k++) {
        if (sc->t->norm[k] == '\'')
            return 0;
        digits += digit_at(sc->t, k);
    }
    if (digits)
        return 1;
    if (n == 1)
        return is_upper(orig_first(sc, i)) ||
               (sc->t->norm[sc->words[i].a] != 'a' && sc->t->norm[sc->words[i].a] != 'i');
    return 0;
}

/* Copy word i upper-cased (identifiers such as "b" or "a3"). */
static void upper_word(const scan *sc, int i, char *out, size_t size)
{
    size_t n = sc->words[i].b - sc->words[i].a, k;

    if (n >= size)
        n = size - 1;
    for (k = 0; k < n; k++) {
        char c = sc->t->norm[sc->words[i].a + k];

        out[k] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
    }
    out[n] = '\0';
}

/* The original text of norm[a..b) into out. */
static void orig_copy(const hd_text *t, size_t a, size_t b, char *out, size_t size)
{
    size_t from = t->map[a], to = t->map[b], n = to - from;

    if (n >= size)
        n = size - 1;
    memcpy(out, t->orig + from, n);
    out[n] = '\0';
}

static int ordinal(const scan *sc, int i)
{
    static const char *const words[] = {"first", "second", "third",    "fourth",
                                        "fifth", "sixth",  "seventh",  "eighth",
                                        "ninth", "tenth",  "eleventh", "twelfth"};
    const hd_text *t = sc->t;
    size_t a, b, k;
    int v = 0;

    if (i < 0 || i >= sc->n_words)
        return -1;
    for (k = 0; k < HD_ARRAY_SIZE(words); k++)
        if (word_is(sc, i, words[k]))
            return (int)k + 1;
    a = sc->words[i].a;
    b = sc->words[i].b;
    for (k = a; k < b && digit_at(t, k) && k - a < 3; k++)
        v = v * 10 + (t->norm[k] - '0');
    if (k == a || b - k != 2)
        return -1;
    if (hd_text__has(t, k, "st") || hd_text__has(t, k, "nd") || hd_text__has(t, k, "rd") ||
        hd_text__has(t, k, "th"))
        return v;
    return -1;
}

static int small_number(const scan *sc, int i)
{
    static const char *const words[] = {"one",   "two",   "three", "four", "five",   "six",
                                        "seven", "eight", "nine",  "ten",  "eleven", "twelve"};
    const hd_text *t = sc->t;
    size_t k;
    int v = 0;

    if (i < 0 || i >= sc->n_words)
        return -1;
    for (k = 0; k < HD_ARRAY_SIZE(words); k++)
        if (word_is(sc, i, words[k]))
            return (int)k + 1;
    for (k = sc->words[i].a; k < sc->words[i].b; k++) {
        if (!digit_at(t, k) || k - sc->words[i].a >= 3)
            return -1;
        v = v * 10 + (t->norm[k] - '0');
    }
    return v;
}

/* The word after word i, skipping "#", ":", "no." in between; -1 if none is close. */
static int next_id(const scan *sc, int i)
{
    const hd_text *t = sc->t;
    size_t p;

    if (i + 1 >= sc->n_words)
        return -1;
    if (word_is(sc, i + 1, "no") || word_is(sc, i + 1, "number"))
        i++;
    for (p = sc->words[i].b; p < sc->words[i + 1].a; p++)
        if (t->norm[p] != ' ' && t->norm[p] != '#' && t->norm[p] != ':' && t->norm[p] != '.')
            return -1;
    return sc->words[i + 1].a - sc->words[i].b <= 4 ? i + 1 : -1;
}

static void english_locations(const scan *sc, loc *l, int *n)
{
    static const char *const buildings[] = {"building", "bldg", "block", "tower", "wing"};
    static const char *const floors[] = {"floor", "fl", "flr", "level", "lvl", "storey"};
    static const char *const rooms[] = {"meeting", "conference", "training", "board", "server"};
    const hd_text *t = sc->t;
    char buf[64], id[24];
    int i, j, v;

    for (i = 0; i < sc->n_words; i++) {
        size_t a = sc->words[i].a, b = sc->words[i].b;

        if (word_in(sc, i, buildings, HD_ARRAY_SIZE(buildings))) {
            j = next_id(sc, i);
            if (j >= 0 && id_word(sc, j, 6)) {
                upper_word(sc, j, id, sizeof(id));
                snprintf(buf, sizeof(buf), "%s %s",
                         word_is(sc, i, "bldg")    ? "building"
                         : word_is(sc, i, "block") ? "block"
                         : word_is(sc, i, "tower") ? "tower"
                         : word_is(sc, i, "wing")  ? "wing"
                                                   : "building",
                         id);
                add_loc(l, n, a, sc->words[j].b, LOC_BUILDING, buf);
            }
        } else if (word_in(sc, i, floors, HD_ARRAY_SIZE(floors))) {
            j = next_id(sc, i);
            v = j >= 0 ? small_number(sc, j) : -1;
            if (v < 0 && j >= 0)
                v = ordinal(sc, j);
            if (v >= 0 && v < 200) {
                snprintf(buf, sizeof(buf), "floor %d", v);
                add_loc(l, n, a, sc->words[j].b, LOC_FLOOR, buf);
                continue;
            }
            if (word_is(sc, i, "level") || word_is(sc, i, "lvl"))
                continue;
            j = i - 1;
            if (j < 0 || !joined(sc, j))
                continue;
            v = ordinal(sc, j);
            if (v >= 0 && v < 200) {
                snprintf(buf, sizeof(buf), "floor %d", v);
                add_loc(l, n, sc->words[j].a, b, LOC_FLOOR, buf);
            } else if (word_is(sc, j, "ground") || word_is(sc, j, "top") ||
                       word_is(sc, j, "basement") || word_is(sc, j, "bottom")) {
                snprintf(buf, sizeof(buf), "%.*s floor", (int)(sc->words[j].b - sc->words[j].a),
                         t->norm + sc->words[j].a);
                add_loc(l, n, sc->words[j].a, b, LOC_FLOOR, buf);
            }
        } else if (word_is(sc, i, "room") || word_is(sc, i, "rm")) {
            int kind_word =
                i > 0 && word_in(sc, i - 1, rooms, HD_ARRAY_SIZE(rooms)) && joined(sc, i - 1);
            size_t start = kind_word ? sc->words[i - 1].a : a;
            size_t p = b, e;

            while (p < t->len && (t->norm[p] == ' ' || t->norm[p] == '#' || t->norm[p] == ':'))
                p++;
            if (p - b <= 3 && alnum_at(t, p)) {
                int digits = 0;

                for (e = p; alnum_at(t, e) ||
                            ((t->norm[e] == '.' || t->norm[e] == '-') && alnum_at(t, e + 1));
                     e++)
                    digits += digit_at(t, e);
                if (digits && e - p <= 12) {
                    orig_copy(t, p, e, id, sizeof(id));
                    if (kind_word)
                        snprintf(buf, sizeof(buf), "%.*s room %s",
                                 (int)(sc->words[i - 1].b - sc->words[i - 1].a),
                                 t->norm + sc->words[i - 1].a, id);
                    else
                        snprintf(buf, sizeof(buf), "room %s", id);
                    add_loc(l, n, start, e, LOC_ROOM, buf);
                    continue;
                }
                j = word_at(sc, p);
                if (j >= 0 && (is_upper(orig_first(sc, j)) || kind_word) &&
                    !word_in(sc, j, stop_names, HD_ARRAY_SIZE(stop_names)) &&
                    !digit_at(t, sc->words[j].a) && joined(sc, i)) {
                    orig_copy(t, sc->words[j].a, sc->words[j].b, id, sizeof(id));
                    if (kind_word)
                        snprintf(buf, sizeof(buf), "%.*s room %s",
                                 (int)(sc->words[i - 1].b - sc->words[i - 1].a),
                                 t->norm + sc->words[i - 1].a, id);
                    else
                        snprintf(buf, sizeof(buf), "room %s", id);
                    add_loc(l, n, start, sc->words[j].b, LOC_ROOM, buf);
                    continue;
                }
            }
            if (!kind_word)
                continue;
            j = i - 2;
            if (j >= 0 && joined(sc, j) && is_upper(orig_first(sc, j)) &&
                !word_in(sc, j, stop_names, HD_ARRAY_SIZE(stop_names)) &&
                !digit_at(t, sc->words[j].a)) {
                orig_copy(t, sc->words[j].a, sc->words[j].b, id, sizeof(id));
                snprintf(buf, sizeof(buf), "%s %.*s room", id,
                         (int)(sc->words[i - 1].b - sc->words[i - 1].a),
                         t->norm + sc->words[i - 1].a);
                add_loc(l, n, sc->words[j].a, b, LOC_ROOM, buf);
            } else {
                snprintf(buf, sizeof(buf), "%.*s room",
                         (int)(sc->words[i - 1].b - sc->words[i - 1].a),
                         t->norm + sc->words[i - 1].a);
                add_loc(l, n, start, b, LOC_ROOM, buf);
            }
        } else if (word_is(sc, i, "boardroom")) {
            add_loc(l, n, a, b, LOC_ROOM, "boardroom");
        } else if (word_is(sc, i, "hq") || word_is(sc, i, "headquarters")) {
            j = next_id(sc, i);
            if (j >= 0 && id_word(sc, j, 4) && joined(sc, i)) {
                upper_word(sc, j, id, sizeof(id));
                snprintf(buf, sizeof(buf), "HQ %s", id);
                add_loc(l, n, a, sc->words[j].b, LOC_BUILDING, buf);
            } else {
                add_loc(l, n, a, b, LOC_BUILDING, "HQ");
            }
        } else if (word_is(sc, i, "desk") || word_is(sc, i, "seat")) {
            j = next_id(sc, i);
            if (j >= 0 && id_word(sc, j, 8) && digit_at(t, sc->words[j].a)) {
                upper_word(sc, j, id, sizeof(id));
                snprintf(buf, sizeof(buf), "%.*s %s", (int)(b - a), t->norm + a, id);
                add_loc(l, n, a, sc->words[j].b, LOC_DESK, buf);
            }
        } else if (b - a >= 2 && b - a <= 4 && t->norm[b - 1] == 'f' && digit_at(t, a)) {
            size_t k;

            v = 0;
            for (k = a; k < b - 1 && digit_at(t, k); k++)
                v = v * 10 + (t->norm[k] - '0');
            if (k == b - 1) {
                snprintf(buf, sizeof(buf), "floor %d", v);
                add_loc(l, n, a, b, LOC_FLOOR, buf);
            }
        } else if (word_is(sc, i, "wfh") ||
                   (word_is(sc, i, "home") &&
                    (word_is(sc, i - 1, "at") || word_is(sc, i - 1, "from")))) {
            add_loc(l, n, word_is(sc, i, "wfh") ? a : sc->words[i - 1].a, b, LOC_SITE, "home");
        }
    }
}

/* Characters that end the name of a place in front of "办公室". */
static int name_stop(uint32_t cp)
{
    static const char stops[] = "在我你他她的是到去了们个和与就都也从这那里说请帮";
    char buf[5];
    size_t n = 0;

    if (cp < 0x80)
        return 1;
    if (cp < 0x800) {
        return 1;
    } else if (cp < 0x10000) {
        buf[n++] = (char)(0xE0 | (cp >> 12));
        buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[n++] = (char)(0x80 | (cp & 0x3F));
    } else {
        return 1;
    }
    buf[n] = '\0';
    return strstr(stops, buf) != NULL || !hd_text__is_han(cp);
}

/* The start of the run of at most `max` name characters that ends at norm[end]. */
static size_t name_before(const hd_text *t, size_t end, int max)
{
    size_t p = end;
    int k;

    for (k = 0; k < max && p >= 3; k++) {
        uint32_t cp;

        if (hd_text__utf8(t->norm + p - 3, 3, &cp) != 3 || name_stop(cp))
            break;
        p -= 3;
    }
    return p;
}

static void chinese_locations(const scan *sc, loc *l, int *n)
{
    static const char *const sites[] = {"办公室", "分公司", "总部", "园区",     "大厦", "办事处",
                                        "分部",   "校区",   "机房", "数据中心", "大楼"};
    const hd_text *t = sc->t;
    size_t p = 0, q, k;
    int v;

    while (p < t->len) {
        size_t len;
        uint32_t cp;

        /* a number or an identifier, and what it numbers */
        if ((alnum_at(t, p) && (p == 0 || !alnum_at(t, p - 1))) ||
            (!alnum_at(t, p) && hd_text__number(t, p, &v) > 0)) {
            size_t a = p;

            if (alnum_at(t, p)) {
                for (q = p; alnum_at(t, q); q++)
                    ;
                v = digit_at(t, p) ? 1 : 0;
            } else {
                q = p + hd_text__number(t, p, &v);
            }
            if (hd_text__has(t, a >= 3 ? a - 3 : a, "第") && a >= 3)
                a -= 3;
            else if (hd_text__has(t, a >= 3 ? a - 3 : a, "负") && a >= 3)
                a -= 3;
            else if (a >= 6 && hd_text__has(t, a - 6, "地下"))
                a -= 6;
            if (hd_text__has(t, q, "号楼")) {
                add_loc(l, n, a, q + 6, LOC_BUILDING, NULL);
            } else if (hd_text__has(t, q, "座") || hd_text__has(t, q, "栋") ||
                       hd_text__has(t, q, "幢") || hd_text__has(t, q, "区") ||
                       hd_text__has(t, q, "号馆")) {
                add_loc(l, n, a, q + (hd_text__has(t, q, "号馆") ? 6 : 3), LOC_BUILDING, NULL);
            } else if (hd_text__has(t, q, "楼") || hd_text__has(t, q, "层")) {
                add_loc(l, n, a, q + 3,
                        digit_at(t, p) || !alnum_at(t, p) ? LOC_FLOOR : LOC_BUILDING, NULL);
            } else if (hd_text__has(t, q, "室") || hd_text__has(t, q, "房间") ||
                       hd_text__has(t, q, "号房间") || hd_text__has(t, q, "号房") ||
                       hd_text__has(t, q, "号会议室") || hd_text__has(t, q, "会议室")) {
                size_t e = q;

                if (hd_text__has(t, e, "号"))
                    e += 3;
                if (hd_text__has(t, e, "会议室"))
                    e += 9;
                else if (hd_text__has(t, e, "房间"))
                    e += 6;
                else
                    e += 3;
                add_loc(l, n, a, e, LOC_ROOM, NULL);
            }
            p = q > p ? q : p + 1;
            continue;
        }
        len = hd_text__utf8(t->norm + p, t->len - p, &cp);
        if (len == 0)
            len = 1;
        if (hd_text__has(t, p, "会议室")) {
            size_t a = p, e = p + 9;

            if (*n > 0 && l[*n - 1].b == p) /* "3号会议室" is done */
                ;
            else {
                if (p >= 3 && (hd_text__has(t, p - 3, "大") || hd_text__has(t, p - 3, "小")))
                    a = p - 3;
                while (alnum_at(t, e))
                    e++;
                add_loc(l, n, a, e, LOC_ROOM, NULL);
            }
        }
        for (k = 0; k < HD_ARRAY_SIZE(sites); k++) {
            size_t sn = strlen(sites[k]), a;

            if (!hd_text__has(t, p, sites[k]))
                continue;
            a = name_before(t, p, 4);
            if (k == 0 && p - a < 6) /* "办公室" alone is anybody's office */
                break;
            if ((k == 4 || k == 3) && a == p)
                break;
            if (*n > 0 && l[*n - 1].b > a)
                break;
            add_loc(l, n, a, p + sn, LOC_SITE, NULL);
            len = sn;
            break;
        }
        if (hd_text__has(t, p, "在家") || hd_text__has(t, p, "居家")) {
            add_loc(l, n, p, p + 6, LOC_SITE, NULL);
            len = 6;
        }
        p += len;
    }
}

static int loc_cmp(const void *x, const void *y)
{
    const loc *a = x, *b = y;

    return a->a < b->a ? -1 : a->a > b->a;
}

/* Whether the text between two parts of one place only joins them. */
static int loc_gap(const hd_text *t, size_t from, size_t to)
{
    static const char *const joins[] = {"on", "the", "of", "in", "at", "and"};
    size_t p = from, k;

    if (to < from || to - from > 16)
        return 0;
    while (p < to) {
        char c = t->norm[p];

        if (c == ' ' || c == ',' || c == '/' || c == '-' || c == '(' || c == ')') {
            p++;
            continue;
        }
        if (hd_text__has(t, p, "的") || hd_text__has(t, p, "，") || hd_text__has(t, p, "、")) {
            p += 3;
            continue;
        }
        for (k = 0; k < HD_ARRAY_SIZE(joins); k++) {
            size_t n = strlen(joins[k]);

            if (hd_text__has(t, p, joins[k]) && !alnum_at(t, p + n) &&
                (p == 0 || !alnum_at(t, p - 1)))
                break;
        }
        if (k == HD_ARRAY_SIZE(joins))
            return 0;
        p += strlen(joins[k]);
    }
    return 1;
}

static char *extract_location(const scan *sc)
{
    const hd_text *t = sc->t;
    loc l[MAX_LOCS];
    cand c[MAX_CANDS];
    int n = 0, nc = 0, i, j, k;

    english_locations(sc, l, &n);
    chinese_locations(sc, l, &n);
    if (n == 0)
        return NULL;
    qsort(l, (size_t)n, sizeof(*l), loc_cmp);
    /* two rules that read the same words: keep the first */
    for (i = 1, j = 1; i < n; i++)
        if (l[i].a >= l[j - 1].b)
            l[j++] = l[i];
    n = j;
    for (i = 0; i < n; i = j) {
        unsigned kinds = 1u << l[i].kind;
        int latin = l[i].latin, kind;
        size_t used = 0;
        cand *x;

        for (j = i + 1; j < n; j++) {
            if ((kinds & (1u << l[j].kind)) || !loc_gap(t, l[j - 1].b, l[j].a))
                break;
            kinds |= 1u << l[j].kind;
            latin &= l[j].latin;
        }
        x = add_cand(c, &nc, l[i].a, l[j - 1].b, 0);
        if (x == NULL || !latin)
            continue;
        /* English parts are spelt out in one order: "building B, floor 3, room 301" */
        for (kind = LOC_SITE; kind <= LOC_DESK; kind++)
            for (k = i; k < j; k++)
                if (l[k].kind == kind && used < sizeof(x->canon))
                    used += (size_t)snprintf(x->canon + used, sizeof(x->canon) - used, "%s%s",
                                             used ? ", " : "", l[k].canon);
    }
    return cand_value(sc, pick(sc, c, nc));
}

/* ---- asset tags -------------------------------------------------------- */

static char *extract_asset(const scan *sc)
{
    static const char *const prefixes[] = {"pc",  "lt",  "nb",  "dt", "ws",  "srv", "mon",
                                           "lap", "tab", "ast", "hw", "mac", "dsk", "nbk"};
    const hd_text *t = sc->t;
    cand c[MAX_CANDS];
    int n = 0, i;
    size_t k;

    for (i = 0; i < sc->n_hits; i++) {
        const hit *h = &sc->hits[i];
        size_t p = h->b, e;
        int digits = 0;

        if (h->cls != LX_ASSET)
            continue;
        while (p < t->len && p - h->b < 12) {
            if (t->norm[p] == ' ' || t->norm[p] == ':' || t->norm[p] == '#' || t->norm[p] == '.') {
                p++;
            } else if (hd_text__has(t, p, "是") || hd_text__has(t, p, "为") ||
                       hd_text__has(t, p, "号")) {
                p += 3;
            } else if ((hd_text__has(t, p, "is") || hd_text__has(t, p, "no")) &&
                       !alnum_at(t, p + 2)) {
                p += 2;
            } else if (hd_text__has(t, p, "number") && !alnum_at(t, p + 6)) {
                p += 6;
            } else {
                break;
            }
        }
        if (!alnum_at(t, p))
            continue;
        for (e = p; alnum_at(t, e) || (t->norm[e] == '-' && alnum_at(t, e + 1)); e++)
            digits += digit_at(t, e);
        if (digits == 0 || e - p < 3 || e - p > 20)
            continue;
        cand *x = add_cand(c, &n, h->a, e, 1);
        if (x) {
            orig_copy(t, p, e, x->canon, sizeof(x->canon));
            for (k = 0; x->canon[k]; k++)
                if (x->canon[k] >= 'a' && x->canon[k] <= 'z')
                    x->canon[k] = (char)(x->canon[k] - 32);
        }
    }
    for (i = 0; i < sc->n_words; i++) {
        size_t a = sc->words[i].a, q, d;

        for (k = 0; k < HD_ARRAY_SIZE(prefixes); k++) {
            size_t pn = strlen(prefixes[k]);
            int dash;

            if (!hd_text__has(t, a, prefixes[k]))
                continue;
            q = a + pn;
            dash = t->norm[q] == '-';
            q += (size_t)dash;
            for (d = q; digit_at(t, d); d++)
                ;
            if (d - q < (dash ? 3u : 4u) || d - q > 10 || alnum_at(t, d))
                continue;
            cand *x = add_cand(c, &n, a, d, 0);
            if (x) {
                orig_copy(t, a, d, x->canon, sizeof(x->canon));
                for (q = 0; x->canon[q]; q++)
                    if (x->canon[q] >= 'a' && x->canon[q] <= 'z')
                        x->canon[q] = (char)(x->canon[q] - 32);
            }
            break;
        }
    }
    return cand_value(sc, pick(sc, c, n));
}

/* ---- phone numbers ----------------------------------------------------- */

/*
 * An extension at norm[p]: "ext. 4357", "extension 12", "分机 4357", or
 * "x123" when `x_ok` (right after a number). Its end, or 0; *digits_at is
 * where its digits start.
 */
static size_t extension(const scan *sc, size_t p, int x_ok, size_t *digits_at)
{
    const hd_text *t = sc->t;
    size_t q = 0, start, d;
    int i;

    if (x_ok && t->norm[p] == 'x' && !(p > 0 && alnum_at(t, p - 1)))
        q = p + 1;
    for (i = 0; q == 0 && i < sc->n_hits; i++)
        if (sc->hits[i].cls == LX_EXT && sc->hits[i].a == p)
            q = sc->hits[i].b;
    if (q == 0)
        return 0;
    start = q;
    while (
        q < t->len && q - start <= 4 &&
        (t->norm[q] == ' ' || t->norm[q] == '.' || t->norm[q] == ':' || hd_text__has(t, q, "号")))
        q += hd_text__has(t, q, "号") ? 3 : 1;
    for (d = q; digit_at(t, d); d++)
        ;
    if (d - q < 2 || d - q > 6 || alnum_at(t, d))
        return 0;
    *digits_at = q;
    return d;
}

static int looks_like_date(const hd_text *t, size_t a, size_t b)
{
    size_t k, dashes = 0;

    for (k = a; k < b; k++) {
        if (t->norm[k] == '-' || t->norm[k] == '/')
            dashes++;
        else if (!digit_at(t, k))
            return 0;
    }
    return dashes == 2 && b - a >= 8 && b - a <= 10 &&
           (t->norm[a + 4] == '-' || t->norm[a + 4] == '/');
}

static char *extract_phone(const scan *sc)
{
    const hd_text *t = sc->t;
    cand c[MAX_CANDS];
    size_t p = 0, taken = 0;
    int n = 0, i;

    while (p < t->len) {
        size_t q, last, e, dq;
        int digits = 0, spaces = 0;
        char before = p > 0 ? t->norm[p - 1] : ' ';

        if (!((t->norm[p] == '+' && digit_at(t, p + 1)) ||
              (t->norm[p] == '(' && digit_at(t, p + 1)) || digit_at(t, p))) {
            p++;
            continue;
        }
        if (hd_text__is_alnum((unsigned char)before) || strchr("-_./#:@'", before)) {
            /* digits inside a word or code ("PC-004512", "1.2.3"): skip the whole run */
            for (q = p + 1; alnum_at(t, q) || t->norm[q] == '-' || t->norm[q] == '.'; q++)
                ;
            p = q;
            continue;
        }
        q = p + (t->norm[p] == '+');
        last = q;
        for (; q < t->len; q++) {
            char ch = t->norm[q];

            if (ch >= '0' && ch <= '9') {
                digits++;
                last = q + 1;
                spaces = 0;
            } else if (ch == ' ') {
                if (++spaces > 1)
                    break;
            } else if (ch == '-' || ch == '(' || ch == ')') {
                spaces = 0;
            } else {
                break;
            }
        }
        if (digits < 7 || digits > 15 || alnum_at(t, last) || looks_like_date(t, p, last) ||
            preceded_by(sc, p, LX_NOPHONE)) {
            p = last > p ? last : p + 1;
            continue;
        }
        /* a closing parenthesis right after the digits stays with them */
        e = last;
        q = e;
        while (q < t->len && (t->norm[q] == ' ' || t->norm[q] == ','))
            q++;
        if (q - e <= 2 && (q = extension(sc, q, 1, &dq)) != 0)
            e = q;
        add_cand(c, &n, p, e, 0);
        taken = e;
        p = e;
    }
    /* an extension on its own */
    for (i = 0; i < sc->n_hits; i++) {
        size_t dq, e;

        if (sc->hits[i].cls != LX_EXT || sc->hits[i].a < taken)
            continue;
        e = extension(sc, sc->hits[i].a, 0, &dq);
        if (e != 0) {
            cand *x = add_cand(c, &n, sc->hits[i].a, e, 0);

            if (x)
                snprintf(x->canon, sizeof(x->canon), "ext %.*s", (int)(e - dq), t->norm + dq);
        }
    }
    return cand_value(sc, pick(sc, c, n));
}

/* ---- e-mail addresses -------------------------------------------------- */

static int local_char(char c)
{
    return hd_text__is_alnum((unsigned char)c) || (c && strchr("._%+-", c));
}

static char *extract_email(const scan *sc)
{
    const hd_text *t = sc->t;
    cand c[MAX_CANDS];
    const char *at;
    int n = 0;

    for (at = strchr(t->norm, '@'); at; at = strchr(at + 1, '@')) {
        size_t p = (size_t)(at - t->norm), a = p, b = p + 1, dot = 0, k;
        int tld_ok = 1;

        while (a > 0 && local_char(t->norm[a - 1]))
            a--;
        while (a < p && (t->norm[a] == '.' || t->norm[a] == '-'))
            a++;
        while (alnum_at(t, b) || t->norm[b] == '-' || (t->norm[b] == '.' && alnum_at(t, b + 1)))
            b++;
        if (a == p || b == p + 1)
            continue;
        for (k = p + 1; k < b; k++)
            if (t->norm[k] == '.')
                dot = k;
        if (dot == 0 || b - dot < 3)
            continue;
        for (k = dot + 1; k < b; k++)
            if (!(t->norm[k] >= 'a' && t->norm[k] <= 'z'))
                tld_ok = 0;
        if (!tld_ok)
            continue;
        cand *x = add_cand(c, &n, a, b, 0);
        if (x)
            snprintf(x->canon, sizeof(x->canon), "%.*s", (int)(b - a), t->norm + a);
    }
    return cand_value(sc, pick(sc, c, n));
}

/* ---- error messages ---------------------------------------------------- */

/* The longest quoted error message looked for, in bytes: it bounds the search for a closing quote.
 */
#define QUOTE_MAX 512

/* Whether norm[a..b) holds a letter, a digit or a non-ASCII character. */
static int has_content(const hd_text *t, size_t a, size_t b)
{
    for (; a < b; a++)
        if (hd_text__is_alnum((unsigned char)t->norm[a]) || (unsigned char)t->norm[a] >= 0x80)
            return 1;
    return 0;
}

static char *extract_error(const scan *sc)
{
    static const char *const pairs[][2] = {{"\xE2\x80\x9C", "\xE2\x80\x9D"}, /* “ ” */
                                           {"\xE3\x80\x8C", "\xE3\x80\x8D"}, /* 「 」 */
                                           {"\xE3\x80\x8E", "\xE3\x80\x8F"}, /* 『 』 */
                                           {"\xE2\x80\x98", "\xE2\x80\x99"}, /* ‘ ’ */
                                           {"\xC2\xAB", "\xC2\xBB"},         /* « » */
                                           {"\"", "\""}};
    const hd_text *t = sc->t;
    cand c[MAX_CANDS];
    int n = 0, i;
    size_t p, k;

    for (p = 0; p < t->len; p++) {
        char ch = t->norm[p];

        if (ch == '\'') {
            size_t q;

            /* an apostrophe inside or after a word is not a quote */
            if ((p > 0 && alnum_at(t, p - 1)) || t->norm[p + 1] == ' ' || t->norm[p + 1] == '\0')
                continue;
            for (q = p + 1; q < t->len && q - p <= QUOTE_MAX; q++) {
                if (t->norm[q] == '\'' && !alnum_at(t, q + 1) && t->norm[q - 1] != ' ')
                    break;
                if (t->norm[q] == '\n')
                    q = t->len;
            }
            if (q < t->len && q - p <= QUOTE_MAX && has_content(t, p + 1, q)) {
                cand *x = add_cand(c, &n, p, q + 1, 2);

                if (x) {
                    x->va = p + 1;
                    x->vb = q;
                }
                p = q;
            }
            continue;
        }
        for (k = 0; k < HD_ARRAY_SIZE(pairs); k++) {
            size_t on = strlen(pairs[k][0]), q;

            if (!hd_text__has(t, p, pairs[k][0]))
                continue;
            for (q = p + on; q < t->len && q - p <= QUOTE_MAX; q++)
                if (hd_text__has(t, q, pairs[k][1]))
                    break;
            if (hd_text__has(t, q, pairs[k][1]) && q - p <= QUOTE_MAX &&
                has_content(t, p + on, q)) {
                cand *x = add_cand(c, &n, p, q + strlen(pairs[k][1]), 2);

                if (x) {
                    x->va = p + on;
                    x->vb = q;
                }
                p = q + strlen(pairs[k][1]) - 1;
            }
            break;
        }
    }
    for (i = 0; i < sc->n_hits; i++) {
        const hit *h = &sc->hits[i];
        size_t a = h->b, b;

        if (h->cls != LX_ERROR)
            continue;
        while (a < t->len && (t->norm[a] == ' ' || t->norm[a] == ':' || t->norm[a] == '#'))
            a++;
        if (h->val == 1) { /* a code: one token */
            for (b = a; alnum_at(t, b) || t->norm[b] == '-'; b++)
                ;
            if (b > a && has_content(t, a, b)) {
                cand *x = add_cand(c, &n, h->a, b, 1);

                if (x) {
                    x->va = a;
                    x->vb = b;
                }
            }
            continue;
        }
        for (b = a; b < t->len && t->norm[b] != '\n'; b++)
            ;
        while (b > a && (t->norm[b - 1] == '.' || t->norm[b - 1] == ' ' || t->norm[b - 1] == '!'))
            b--;
        while (b >= a + 3 && (hd_text__has(t, b - 3, "。") || hd_text__has(t, b - 3, "！")))
            b -= 3;
        if (b > a && has_content(t, a, b)) {
            cand *x = add_cand(c, &n, h->a, b, 1);

            if (x) {
                x->va = a;
                x->vb = b;
            }
        }
    }
    return cand_value(sc, pick(sc, c, n));
}

/* ---- times ------------------------------------------------------------- */

static const char *const time_units[] = {"minute", "minutes", "min",    "mins",   "hour", "hours",
                                         "hr",     "hrs",     "day",    "days",   "week", "weeks",
                                         "month",  "months",  "second", "seconds"};

static const char *const time_counts[] = {
    "a",      "an",    "one",    "two",     "three",  "four",   "five",    "six",
    "seven",  "eight", "nine",   "ten",     "eleven", "twelve", "fifteen", "twenty",
    "thirty", "few",   "couple", "several", "many",   "half",   "24",      "48"};

/* A quantity of time starting at word i: its last word, or -1. */
static int time_amount(const scan *sc, int i)
{
    int j = i;

    if (word_is(sc, j, "the") && (word_is(sc, j + 1, "past") || word_is(sc, j + 1, "last")) &&
        joined(sc, j))
        j += 2;
    else if (word_is(sc, j, "about") || word_is(sc, j, "over") || word_is(sc, j, "almost") ||
             word_is(sc, j, "nearly") || word_is(sc, j, "around"))
        j++;
    if (j >= sc->n_words || (j > i && !joined(sc, j - 1)))
        return -1;
    if (j > i && word_in(sc, j, time_units, HD_ARRAY_SIZE(time_units)))
        return j; /* "for the past hour" */
    if (!word_in(sc, j, time_counts, HD_ARRAY_SIZE(time_counts)) &&
        !digit_at(sc->t, sc->words[j].a))
        return -1;
    if ((word_is(sc, j, "a") && (word_is(sc, j + 1, "few") || word_is(sc, j + 1, "couple"))) ||
        (word_is(sc, j, "half") && (word_is(sc, j + 1, "an") || word_is(sc, j + 1, "a"))))
        j++;
    if (word_is(sc, j, "couple") && word_is(sc, j + 1, "of"))
        j++;
    if (!joined(sc, j) || !word_in(sc, j + 1, time_units, HD_ARRAY_SIZE(time_units)))
        return -1;
    return j + 1;
}

static void english_times(const scan *sc, cand *c, int *n)
{
    static const char *const stops[] = {
        "i",     "i'm",  "im",    "it",    "it's",    "its",    "we",      "we're", "they",
        "you",   "he",   "she",   "and",   "but",     "so",     "because", "when",  "which",
        "that",  "is",   "was",   "can",   "can't",   "cannot", "have",    "has",   "had",
        "do",    "does", "did",   "will",  "would",   "please", "not",     "my",    "our",
        "there", "been", "keeps", "still", "nothing", "no"};
    static const char *const modifiers[] = {"the",   "this",   "last",          "early",   "late",
                                            "about", "around", "approximately", "roughly", "at"};
    static const char *const terminal[] = {
        "morning",   "afternoon", "evening",  "night",   "yesterday", "today",   "tonight",
        "weekend",   "week",      "month",    "year",    "monday",    "tuesday", "wednesday",
        "thursday",  "friday",    "saturday", "sunday",  "noon",      "midday",  "lunch",
        "lunchtime", "midnight",  "then",     "update",  "upgrade",   "updates", "restart",
        "reboot",    "am",        "pm",       "o'clock", "break",     "holiday", "holidays"};
    const hd_text *t = sc->t;
    int i, j, k;

    for (i = 0; i < sc->n_words; i++) {
        if (word_is(sc, i, "since")) {
            int last = -1;

            for (j = i + 1, k = 0; j < sc->n_words && k < 5 && joined(sc, j - 1); j++, k++) {
                size_t wa = sc->words[j].a, wb = sc->words[j].b;

                if (word_in(sc, j, stops, HD_ARRAY_SIZE(stops)))
                    break;
                if (last < 0 && word_in(sc, j, modifiers, HD_ARRAY_SIZE(modifiers)))
                    continue;
                if (word_in(sc, j, terminal, HD_ARRAY_SIZE(terminal)) ||
                    (wb - wa > 2 && digit_at(t, wa) &&
                     (hd_text__has(t, wb - 2, "am") || hd_text__has(t, wb - 2, "pm")))) {
                    last = j;
                    break;
                }
                if (digit_at(t, wa)) {
                    last = j;
                    continue;
                }
                if (last < 0)
                    last = j; /* one word of anything else: "since the outage" */
                break;
            }
            if (last > i)
                add_cand(c, n, sc->words[i].a, sc->words[last].b, 3);
        } else if (word_is(sc, i, "for") && joined(sc, i)) {
            j = time_amount(sc, i + 1);
            if (j < 0 &&
                (word_is(sc, i + 1, "a") && word_is(sc, i + 2, "while") && joined(sc, i + 1)))
                j = i + 2;
            if (j < 0 && (word_is(sc, i + 1, "hours") || word_is(sc, i + 1, "days") ||
                          word_is(sc, i + 1, "ages") || word_is(sc, i + 1, "weeks")))
                j = i + 1;
            if (j > i)
                add_cand(c, n, sc->words[i].a, sc->words[j].b, 2);
        } else if (word_is(sc, i, "ago") && i > 0 && joined(sc, i - 1)) {
            for (j = i > 5 ? i - 5 : 0; j < i; j++) {
                if (time_amount(sc, j) == i - 1) {
                    add_cand(c, n, sc->words[j].a, sc->words[i].b, 2);
                    break;
                }
            }
            if (j == i) {
                if (word_is(sc, i - 1, "while") && word_is(sc, i - 2, "a"))
                    add_cand(c, n, sc->words[i - 2].a, sc->words[i].b, 2);
            }
        }
    }
    for (i = 0; i < sc->n_hits; i++)
        if (sc->hits[i].cls == LX_TIME)
            add_cand(c, n, sc->hits[i].a, sc->hits[i].b, 1);
}

static const char *const zh_units[] = {"小时", "钟头", "分钟", "天", "星期",
                                       "周",   "礼拜", "个月", "月", "年"};
static const char *const zh_ends[] = {"开始", "以来", "起", "到现在", "之后", "以后"};

static size_t zh_end(const hd_text *t, size_t p)
{
    size_t k;

    for (k = 0; k < HD_ARRAY_SIZE(zh_ends); k++)
        if (hd_text__has(t, p, zh_ends[k]))
            return p + strlen(zh_ends[k]);
    return 0;
}

/* "9点", "九点半", "10点30分": a clock time at norm[p]; its end or p. */
static size_t zh_clock(const hd_text *t, size_t p)
{
    int v;
    size_t q = p + hd_text__number(t, p, &v), r;

    if (q == p || !hd_text__has(t, q, "点"))
        return p;
    q += 3;
    if (hd_text__has(t, q, "半"))
        return q + 3;
    r = q + hd_text__number(t, q, &v);
    if (r > q && hd_text__has(t, r, "分"))
        return r + 3;
    return q;
}

static void chinese_times(const scan *sc, cand *c, int *n)
{
    const hd_text *t = sc->t;
    size_t p, q, e, k;
    int i, j, v;

    for (i = 0; i < sc->n_hits; i++) {
        const hit *h = &sc->hits[i];
        size_t a = h->a, b = h->b;
        int prio = 1;

        if (h->cls != LX_ZHDAY)
            continue;
        /* a part of day right after a day belongs to it */
        for (j = 0; j < i; j++)
            if (sc->hits[j].cls == LX_ZHDAY && sc->hits[j].b == a && sc->hits[j].val == 0)
                break;
        if (j < i)
            continue;
        if (a >= 6 && hd_text__has(t, a - 6, "自从")) {
            a -= 6;
            prio = 3;
        } else if (a >= 3 && (hd_text__has(t, a - 3, "从") || hd_text__has(t, a - 3, "自"))) {
            a -= 3;
            prio = 3;
        }
        for (j = i + 1; h->val == 0 && j < sc->n_hits; j++) {
            if (sc->hits[j].cls == LX_ZHDAY && sc->hits[j].a == b && sc->hits[j].val == 2) {
                b = sc->hits[j].b;
                break;
            }
        }
        b = zh_clock(t, b);
        if ((e = zh_end(t, b)) != 0) {
            b = e;
            prio = 3;
        }
        add_cand(c, n, a, b, prio);
    }
    for (p = 0; p < t->len; p++) {
        size_t a = p;

        /* "从9点开始", "从更新以后开始" */
        if (hd_text__has(t, p, "从")) {
            for (q = p + 3; q < t->len && q - p < 40; q++) {
                if (t->norm[q] == ',' || t->norm[q] == '.' || hd_text__has(t, q, "，") ||
                    hd_text__has(t, q, "。"))
                    break;
                if ((e = zh_end(t, q)) != 0 && q > p + 3) {
                    add_cand(c, n, p, e, 3);
                    break;
                }
            }
        }
        /* "两个小时了", "半小时了", "三天前" */
        if (is_cont((unsigned char)t->norm[p]) || (p > 0 && alnum_at(t, p) && alnum_at(t, p - 1)))
            continue;
        q = p + hd_text__number(t, p, &v);
        if (q == p) {
            if (hd_text__has(t, p, "半"))
                q = p + 3;
            else if (hd_text__has(t, p, "好几"))
                q = p + 6;
            else if (hd_text__has(t, p, "几"))
                q = p + 3;
            else
                continue;
        }
        if (hd_text__has(t, q, "个"))
            q += 3;
        if (hd_text__has(t, q, "多"))
            q += 3;
        if (hd_text__has(t, q, "半"))
            q += 3;
        for (k = 0; k < HD_ARRAY_SIZE(zh_units); k++)
            if (hd_text__has(t, q, zh_units[k]))
                break;
        if (k == HD_ARRAY_SIZE(zh_units))
            continue;
        q += strlen(zh_units[k]);
        if (hd_text__has(t, q, "多"))
            q += 3;
        if (hd_text__has(t, q, "左右"))
            q += 6;
        if (hd_text__has(t, q, "了"))
            e = q + 3;
        else if (hd_text__has(t, q, "前") || hd_text__has(t, q, "以前") ||
                 hd_text__has(t, q, "之前") || hd_text__has(t, q, "以来"))
            e = q + (hd_text__has(t, q, "前") ? 3 : 6);
        else
            continue;
        add_cand(c, n, a, e, 2);
        p = e - 1;
    }
}

static char *extract_time(const scan *sc)
{
    cand c[MAX_CANDS];
    int n = 0;

    english_times(sc, c, &n);
    chinese_times(sc, c, &n);
    return cand_value(sc, pick(sc, c, n));
}

/* ---- enum and pattern slots -------------------------------------------- */

/* Find `phrase` (lower-cased into a copy) everywhere in the text as candidates. */
static void enum_term(const scan *sc, const char *phrase, size_t value, cand *c, int *n)
{
    char low[256];
    size_t k, at;

    if (phrase == NULL || strlen(phrase) >= sizeof(low))
        return;
    for (k = 0; phrase[k]; k++)
        low[k] = phrase[k] >= 'A' && phrase[k] <= 'Z' ? (char)(phrase[k] + 32) : phrase[k];
    low[k] = '\0';
    for (at = hd_text__find_phrase(sc->t, low, 0); at != (size_t)-1;
         at = hd_text__find_phrase(sc->t, low, at + 1)) {
        cand *x = add_cand(c, n, at, at + k, 0);

        if (x == NULL)
            return;
        x->va = value; /* the index of the value, not a span */
    }
}

static int extract_enum(const hd_slot_def *def, const scan *sc, char **out)
{
    cand c[MAX_CANDS];
    const cand *best;
    int n = 0, l;
    size_t i, k;

    for (i = 0; i < def->n_values; i++) {
        const hd_slot_value_def *v = &def->values[i];

        enum_term(sc, v->value, i, c, &n);
        for (l = 0; l < HD_LANG_COUNT; l++) {
            enum_term(sc, v->label[l], i, c, &n);
            for (k = 0; k < v->n_synonyms[l]; k++)
                enum_term(sc, v->synonyms[l][k], i, c, &n);
        }
    }
    best = pick(sc, c, n);
    if (best == NULL)
        return 0;
    *out = hd_strdup(def->values[best->va].value);
    return 1;
}

/* A button's answer: the whole text is a value or a label of `def`. */
static int exact_label(const hd_slot_def *def, const hd_text *t, char **out)
{
    size_t i, a = 0, b = t->len;
    int l;

    while (a < b && t->orig[t->map[a]] == ' ')
        a++;
    while (b > a && t->orig[t->map[b] - 1] == ' ')
        b--;
    for (i = 0; i < def->n_values; i++) {
        const hd_slot_value_def *v = &def->values[i];

        for (l = -1; l < HD_LANG_COUNT; l++) {
            const char *s = l < 0 ? v->value : v->label[l];
            size_t from = t->map[a], to = t->map[b];

            if (s && strlen(s) == to - from && strncasecmp(s, t->orig + from, to - from) == 0) {
                *out = hd_strdup(v->value);
                return 1;
            }
        }
    }
    return 0;
}

static int extract_pattern(const hd_slot_def *def, const hd_text *t, char **out)
{
    regmatch_t m[1];

    if (def->pattern == NULL || regexec(def->pattern, t->orig, 1, m, 0) != 0 ||
        m[0].rm_eo <= m[0].rm_so)
        return 0;
    *out = hd_strndup(t->orig + m[0].rm_so, (size_t)(m[0].rm_eo - m[0].rm_so));
    return 1;
}

/* ---- entry points ------------------------------------------------------ */

static char *extract_type(hd_slot_type type, const scan *sc)
{
    switch (type) {
    case HD_SLOT_TICKET_NUMBER:
        return extract_ticket(sc);
    case HD_SLOT_IMPACT:
        return extract_impact(sc);
    case HD_SLOT_URGENCY:
        return extract_urgency(sc);
    case HD_SLOT_LOCATION:
        return extract_location(sc);
    case HD_SLOT_ASSET_TAG:
        return extract_asset(sc);
    case HD_SLOT_PHONE:
        return extract_phone(sc);
    case HD_SLOT_EMAIL:
        return extract_email(sc);
    case HD_SLOT_ERROR_MESSAGE:
        return extract_error(sc);
    case HD_SLOT_TIME:
        return extract_time(sc);
    default:
        return NULL;
    }
}

/* hd_slots__builtin_name - see slots.h: a static string or NULL. */
const char *hd_slots__builtin_name(hd_slot_type type)
{
    switch (type) {
    case HD_SLOT_TICKET_NUMBER:
        return "ticket";
    case HD_SLOT_IMPACT:
        return "impact";
    case HD_SLOT_URGENCY:
        return "urgency";
    case HD_SLOT_LOCATION:
        return "location";
    case HD_SLOT_ASSET_TAG:
        return "asset_tag";
    case HD_SLOT_PHONE:
        return "phone";
    case HD_SLOT_EMAIL:
        return "email";
    case HD_SLOT_ERROR_MESSAGE:
        return "error";
    case HD_SLOT_TIME:
        return "since";
    default:
        return NULL;
    }
}

/* hd_slots__add - see slots.h: takes `value` (NULL is ignored), copies `name`. */
void hd_slots__add(hd_parse *p, const char *name, char *value)
{
    int i;

    if (value == NULL)
        return;
    for (i = 0; i < p->n_slots; i++) {
        if (strcmp(p->slots[i].name, name) == 0) {
            hd_free(value);
            return;
        }
    }
    if (p->n_slots >= HD_NLU_MAX_SLOTS) {
        hd_free(value);
        return;
    }
    p->slots[p->n_slots].name = hd_strdup(name);
    p->slots[p->n_slots].value = value;
    p->n_slots++;
}

/* hd_slots__builtin - see slots.h: ticket, impact, urgency, location, asset tag, phone, e-mail,
 * error, time. */
void hd_slots__builtin(const hd_text *t, hd_parse *p)
{
    static const hd_slot_type order[] = {
        HD_SLOT_TICKET_NUMBER, HD_SLOT_IMPACT,        HD_SLOT_URGENCY,
        HD_SLOT_LOCATION,      HD_SLOT_ASSET_TAG,     HD_SLOT_PHONE,
        HD_SLOT_EMAIL,         HD_SLOT_ERROR_MESSAGE, HD_SLOT_TIME};
    scan *sc = hd_malloc(sizeof(*sc));
    size_t i;

    scan_init(sc, t);
    for (i = 0; i < HD_ARRAY_SIZE(order); i++)
        hd_slots__add(p, hd_slots__builtin_name(order[i]), extract_type(order[i], sc));
    hd_free(sc);
}

/* hd_slots__extract - see slots.h: *out is the caller's to hd_free(). */
int hd_slots__extract(const hd_slot_def *def, const hd_text *t, char **out)
{
    scan *sc;
    int found = 0;

    *out = NULL;
    if (def == NULL)
        return 0;
    if (def->type == HD_SLOT_TEXT) {
        *out = hd_text__span(t, 0, t->len);
        return *out != NULL;
    }
    if (def->type == HD_SLOT_PATTERN)
        return extract_pattern(def, t, out);
    if ((def->type == HD_SLOT_IMPACT || def->type == HD_SLOT_URGENCY) && exact_label(def, t, out))
        return 1;
    sc = hd_malloc(sizeof(*sc));
    scan_init(sc, t);
    if (def->type == HD_SLOT_ENUM) {
        found = extract_enum(def, sc, out);
    } else {
        *out = extract_type(def->type, sc);
        found = *out != NULL;
    }
    hd_free(sc);
    return found;
}

/*
 * hd_slot_extract - see intent.h. Built-in types run the same extractors
 * as hd_nlu_parse(); impact and urgency also take a button's value or
 * label as the whole answer; `lang` does not restrict the extractors, as
 * people mix languages.
 */
int hd_slot_extract(const hd_slot_def *def, const char *text, hd_lang lang, char **out)
{
    hd_text *t = hd_malloc(sizeof(*t));
    int found;

    (void)lang;
    hd_text__init(t, text);
    found = hd_slots__extract(def, t, out);
    hd_free(t);
    return found;
}
