/*
 * bench_kb_search.c - knowledge base search latency over a large generated
 * knowledge base: 100,000 articles, half English, half Chinese.
 *
 * The text is built from embedded vocabularies the way real articles are
 * made: each article is about one of 4,000 topics per language (a few
 * service-desk words such as "vpn" or "密码", and one rarer name), its body
 * mixes function words, its topic's words, other service-desk words and a
 * Zipf-distributed long tail of 20,000 (10,000 Chinese) rarer words, so the
 * words users search for are in 1% to 25% of the articles of their
 * language: a single word routinely matches thousands of articles.
 * English titles have 4-8 words and bodies 80-200 words; Chinese ones 4-8
 * words run together and 150-400 characters.
 *
 * The articles go in through hd_kb_import_files (one call: an import
 * mirrors the whole set), then 200 warm-up and 2,000 timed queries of 1-4
 * words, drawn with the frequencies the articles have, in both languages,
 * sometimes mixed or with function words and question marks, are timed one
 * by one (CLOCK_MONOTONIC). Prints one JSON line:
 *   {"bench":"kb_search","articles":N,"queries":N,"p50_us":..,"p99_us":..,
 *    "max_us":..,"import_s":..}
 *
 * Usage: bench_kb_search [articles] [queries]   (defaults 100000 2000)
 * The database lives in a temporary folder under $TMPDIR (or /tmp) and is
 * removed afterwards. With BENCH_KB_TRACE set, each query's wall and CPU
 * time and text go to stderr.
 */
#include "hd/kb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const en_words[] = {
    "password",   "reset",         "account",      "login",      "vpn",        "email",
    "outlook",    "printer",       "network",      "wifi",       "laptop",     "windows",
    "update",     "install",       "software",     "license",    "access",     "error",
    "server",     "connect",       "connection",   "folder",     "share",      "drive",
    "file",       "backup",        "restore",      "phone",      "mobile",     "teams",
    "meeting",    "calendar",      "mailbox",      "quota",      "browser",    "chrome",
    "firefox",    "certificate",   "security",     "virus",      "phishing",   "mfa",
    "token",      "authenticator", "locked",       "unlock",     "expired",    "permission",
    "group",      "request",       "ticket",       "monitor",    "display",    "keyboard",
    "mouse",      "docking",       "station",      "charger",    "battery",    "screen",
    "audio",      "headset",       "camera",       "microphone", "sharepoint", "onedrive",
    "sync",       "excel",         "word",         "powerpoint", "adobe",      "pdf",
    "scanner",    "toner",         "paper",        "jam",        "queue",      "driver",
    "firmware",   "bios",          "boot",         "startup",    "slow",       "performance",
    "memory",     "disk",          "space",        "cleanup",    "profile",    "domain",
    "proxy",      "firewall",      "port",         "dns",        "dhcp",       "address",
    "ip",         "router",        "switch",       "cable",      "ethernet",   "wireless",
    "guest",      "portal",        "remote",       "desktop",    "citrix",     "session",
    "timeout",    "crash",         "freeze",       "restart",    "shutdown",   "encryption",
    "bitlocker",  "recovery",      "key",          "usb",        "device",     "policy",
    "compliance", "admin",         "rights",       "local",      "user",       "new",
    "employee",   "onboarding",    "offboarding",  "hardware",   "order",      "purchase",
    "approval",   "manager",       "budget",       "asset",      "inventory",  "serial",
    "number",     "warranty",      "repair",       "replace",    "broken",     "damaged",
    "spill",      "loan",          "travel",       "roaming",    "sim",        "data",
    "plan",       "voicemail",     "extension",    "forward",    "signature",  "distribution",
    "list",       "alias",         "spam",         "junk",       "quarantine", "attachment",
    "size",       "limit",         "archive",      "pst",        "delegate",   "room",
    "booking",    "projector",     "hdmi",         "adapter",    "bluetooth",  "pairing",
    "java",       "python",        "git",          "repository", "database",   "sql",
    "report",     "dashboard",     "erp",          "sap",        "crm",        "salesforce",
    "jira",       "confluence",    "wiki",         "intranet",   "website",    "link",
    "bookmark",   "cache",         "cookies",      "clear",      "history",    "download",
    "upload",     "blocked",       "category",     "exception",  "whitelist",  "antivirus",
    "scan",       "malware",       "ransomware",   "incident",   "suspicious", "sender",
    "macro",      "enable",        "disable",      "settings",   "configure",  "setup",
    "guide",      "steps",         "troubleshoot", "fix",        "problem",    "issue",
    "cannot",     "unable",        "fails",        "working",    "stuck",      "loading",
    "message",    "warning",       "notification", "popup",      "language",   "layout",
    "time",       "zone",          "clock",        "holiday",    "leave",      "payroll",
    "hr",         "badge",         "door",         "parking",    "office",     "floor",
    "building",   "desk",          "hot",
};

static const char *const en_glue[] = {
    "the",  "to",    "and",    "a",     "of",   "your",  "in",     "is",    "for",
    "on",   "with",  "you",    "if",    "it",   "this",  "that",   "from",  "then",
    "or",   "be",    "can",    "not",   "when", "after", "before", "by",    "at",
    "open", "click", "select", "check", "make", "sure",  "again",  "first", "all",
};

static const char *const zh_words[] = {
    "密码",   "重置",   "账户",   "登录",   "邮件",   "打印", "网络", "无线",   "电脑",   "系统",
    "更新",   "安装",   "软件",   "许可",   "权限",   "错误", "服务", "连接",   "文件",   "共享",
    "备份",   "恢复",   "手机",   "会议",   "日历",   "邮箱", "容量", "浏览",   "证书",   "安全",
    "病毒",   "钓鱼",   "验证",   "令牌",   "锁定",   "解锁", "过期", "申请",   "工单",   "显示",
    "键盘",   "鼠标",   "扩展",   "电池",   "屏幕",   "音频", "耳机", "摄像",   "麦克",   "同步",
    "表格",   "文档",   "扫描",   "墨盒",   "纸张",   "卡纸", "队列", "驱动",   "固件",   "启动",
    "缓慢",   "性能",   "内存",   "磁盘",   "空间",   "清理", "配置", "域名",   "代理",   "防火",
    "端口",   "地址",   "路由",   "交换",   "网线",   "访客", "门户", "远程",   "桌面",   "会话",
    "超时",   "崩溃",   "死机",   "重启",   "关机",   "加密", "密钥", "设备",   "策略",   "合规",
    "管理",   "员工",   "入职",   "离职",   "硬件",   "采购", "审批", "经理",   "预算",   "资产",
    "序列",   "保修",   "维修",   "更换",   "损坏",   "出差", "漫游", "流量",   "语音",   "转接",
    "签名",   "分组",   "垃圾",   "隔离",   "附件",   "大小", "限制", "归档",   "委派",   "会议室",
    "预订",   "投影",   "适配",   "蓝牙",   "配对",   "数据", "报表", "仪表",   "网站",   "链接",
    "书签",   "缓存",   "清除",   "历史",   "下载",   "上传", "拦截", "例外",   "白名单", "杀毒",
    "恶意",   "勒索",   "事件",   "可疑",   "发件",   "启用", "禁用", "设置",   "步骤",   "排查",
    "修复",   "问题",   "无法",   "失败",   "卡住",   "加载", "消息", "警告",   "通知",   "弹窗",
    "语言",   "布局",   "时间",   "时区",   "时钟",   "假期", "考勤", "工资",   "门禁",   "停车",
    "办公",   "楼层",   "工位",   "打印机", "服务台", "虚拟", "专用", "客户端", "浏览器", "防火墙",
    "管理员", "笔记本", "显示器", "扩展坞",
};

static const char *const zh_glue[] = {
    "的",   "了",   "在",   "是",   "和",   "请",   "然后", "如果", "可以", "需要", "点击", "打开",
    "选择", "检查", "确认", "再次", "首先", "所有", "您的", "进行", "通过", "使用", "之后", "以前",
};

static const char *const categories[] = {"account",  "network",  "email",  "hardware",
                                         "software", "security", "access", "facilities"};

/* Common characters the Chinese long tail of rarer words is made of. */
static const char zh_chars[] =
    "人工作业务数据系统管理文件服务网络信息用户设备电脑手机邮件账号密码会议安全技术产品公司"
    "部门项目计划报告问题方法时间地址中心平台应用程序版本更新安装配置资源存储空间内容记录"
    "分析结果标准规则流程环境状态模式功能接口参数命令窗口页面按钮菜单选项格式类型名称编号"
    "日期价格订单客户合同财务采购审批仓库物流运输质量检测维护支持培训考核招聘员工团队领导"
    "办公楼层区域城市国家语言中文英文字符图片视频声音文本表格图表模板样式颜色大小位置方向";

#define EN_TAIL 20000 /* rarer English words: product names, codes, jargon */
#define ZH_TAIL 10000
#define TOPICS 4000 /* per language; an article is about one topic */
#define TOPIC_DOMAIN 3

/* xorshift64*: deterministic, so every run measures the same data. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static double rng_unit(void)
{
    return (double)(rng() >> 11) / 9007199254740992.0;
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng() % n);
}

/* Zipf pick (rank r has weight r^-s) among n ranked items, via a cumulative table. */
struct zipf {
    double *cum;
    size_t n;
};

static void zipf_init(struct zipf *z, size_t n, double s)
{
    double total = 0;
    size_t i;

    z->n = n;
    z->cum = hd_malloc(n * sizeof(*z->cum));
    for (i = 0; i < n; i++) {
        total += pow((double)(i + 1), -s);
        z->cum[i] = total;
    }
    for (i = 0; i < n; i++)
        z->cum[i] /= total;
}

static size_t zipf_pick(const struct zipf *z)
{
    double u = rng_unit();
    size_t lo = 0, hi = z->n - 1;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (z->cum[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One language's vocabulary: domain words (what users search for), glue, a long tail. */
struct vocab {
    const char *const *domain;
    size_t n_domain;
    const char *const *glue;
    size_t n_glue;
    char **tail;
    size_t n_tail;
    size_t *rank; /* domain words in frequency order: shuffled, not alphabetical */
    struct zipf domain_z, glue_z, tail_z;
    size_t (*topics)[TOPIC_DOMAIN + 1]; /* domain words and one tail word */
};

static struct vocab en, zh;

static char *en_tail_word(void)
{
    static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
    char w[16];
    size_t i, n = 2 + rng_below(2), k = 0;

    if (rng_below(6) == 0) {
        snprintf(w, sizeof(w), "%c%c%u", cons[rng_below(16)], cons[rng_below(16)],
                 (unsigned)(100 + rng_below(9900)));
        return hd_strdup(w);
    }
    for (i = 0; i < n; i++) {
        w[k++] = cons[rng_below(16)];
        w[k++] = vow[rng_below(5)];
    }
    if (rng_below(2))
        w[k++] = cons[rng_below(16)];
    w[k] = '\0';
    return hd_strdup(w);
}

static char *zh_tail_word(void)
{
    size_t n = (sizeof(zh_chars) - 1) / 3, a = rng_below(n), b = rng_below(n);
    char w[8];

    memcpy(w, zh_chars + 3 * a, 3);
    memcpy(w + 3, zh_chars + 3 * b, 3);
    w[6] = '\0';
    return hd_strdup(w);
}

static void vocab_init(struct vocab *v, const char *const *domain, size_t n_domain,
                       const char *const *glue, size_t n_glue, size_t n_tail,
                       char *(*tail_word)(void))
{
    size_t i;

    v->domain = domain;
    v->n_domain = n_domain;
    v->glue = glue;
    v->n_glue = n_glue;
    v->n_tail = n_tail;
    v->tail = hd_malloc(n_tail * sizeof(*v->tail));
    for (i = 0; i < n_tail; i++)
        v->tail[i] = tail_word();
    v->rank = hd_malloc(n_domain * sizeof(*v->rank));
    for (i = 0; i < n_domain; i++)
        v->rank[i] = i;
    for (i = n_domain - 1; i > 0; i--) {
        size_t j = rng_below(i + 1), t = v->rank[i];

        v->rank[i] = v->rank[j];
        v->rank[j] = t;
    }
    /* Domain words are spread fairly evenly, the long tail steeply, as in real text. */
    zipf_init(&v->domain_z, n_domain, 0.5);
    zipf_init(&v->glue_z, n_glue, 1.0);
    zipf_init(&v->tail_z, n_tail, 1.0);
    v->topics = hd_malloc(TOPICS * sizeof(*v->topics));
    for (i = 0; i < TOPICS; i++) {
        size_t k;

        for (k = 0; k < TOPIC_DOMAIN; k++)
            v->topics[i][k] = v->rank[zipf_pick(&v->domain_z)];
        v->topics[i][TOPIC_DOMAIN] = rng_below(n_tail);
    }
}

static void vocab_free(struct vocab *v)
{
    size_t i;

    for (i = 0; i < v->n_tail; i++)
        hd_free(v->tail[i]);
    hd_free(v->tail);
    hd_free(v->rank);
    hd_free(v->domain_z.cum);
    hd_free(v->glue_z.cum);
    hd_free(v->tail_z.cum);
    hd_free(v->topics);
}

static const char *domain_word(const struct vocab *v)
{
    return v->domain[v->rank[zipf_pick(&v->domain_z)]];
}

static const char *topic_word(const struct vocab *v, size_t topic)
{
    size_t k = rng_below(TOPIC_DOMAIN + 1);

    return k < TOPIC_DOMAIN ? v->domain[v->topics[topic][k]] : v->tail[v->topics[topic][k]];
}

/* A body word: glue 35%, the topic's words 10%, other domain words 5%, long tail 50%. */
static const char *body_word(const struct vocab *v, size_t topic)
{
    size_t r = rng_below(20);

    if (r < 7)
        return v->glue[zipf_pick(&v->glue_z)];
    if (r < 9)
        return topic_word(v, topic);
    if (r < 10)
        return domain_word(v);
    return v->tail[zipf_pick(&v->tail_z)];
}

/* A title word: mostly the topic's words. */
static const char *title_word(const struct vocab *v, size_t topic)
{
    size_t r = rng_below(10);

    if (r < 6)
        return topic_word(v, topic);
    if (r < 8)
        return domain_word(v);
    return r < 9 ? v->glue[zipf_pick(&v->glue_z)] : v->tail[zipf_pick(&v->tail_z)];
}

struct buf {
    char *s;
    size_t len, cap;
};

static void put(struct buf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = hd_realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void gen_article(struct buf *b, size_t k, const struct vocab *v, int is_zh)
{
    size_t topic = rng_below(TOPICS), i, n = 4 + rng_below(5), start;
    size_t len = is_zh ? 150 + rng_below(251) : 80 + rng_below(121);
    const char *sep = is_zh ? "" : " ";
    char head[160];

    snprintf(head, sizeof(head), "---\nid: gen-%s-%06zu\ntitle: ", is_zh ? "zh" : "en", k);
    put(b, head);
    for (i = 0; i < n; i++) {
        put(b, i ? sep : "");
        put(b, title_word(v, topic));
    }
    put(b, is_zh ? "\nlang: zh\ncategory: " : "\nlang: en\ncategory: ");
    put(b, categories[rng_below(HD_ARRAY_SIZE(categories))]);
    put(b, "\ntags: [");
    put(b, v->domain[v->topics[topic][0]]);
    put(b, ", ");
    put(b, v->domain[v->topics[topic][1]]);
    put(b, "]\n---\n");
    start = b->len;
    /* English: `len` words; Chinese: about `len` characters. */
    for (i = 0; is_zh ? (b->len - start) / 3 < len : i < len; i++) {
        if (i > 0)
            put(b, is_zh ? (rng_below(10) == 0 ? "，" : "") : (i % 15 == 0 ? ".\n" : " "));
        if (is_zh && rng_below(100) == 0)
            put(b, "Windows");
        else
            put(b, body_word(v, topic));
    }
    put(b, is_zh ? "。\n" : ".\n");
}

/*
 * A query as users type them: 1-4 words, the words users search for drawn
 * with the frequency they have in the articles, sometimes a glue word or a
 * question mark; 45% English, 45% Chinese (words often run together), 10%
 * mixed.
 */
static void gen_query(struct buf *b)
{
    size_t i, n = 1 + rng_below(4), kind = rng_below(20);

    b->len = 0;
    put(b, "");
    for (i = 0; i < n; i++) {
        int is_zh = kind < 9 ? 0 : kind < 18 ? 1 : (int)(i % 2);
        const struct vocab *v = is_zh ? &zh : &en;

        if (i > 0)
            put(b, is_zh && rng_below(2) ? "" : " ");
        put(b, rng_below(8) == 0 ? v->glue[zipf_pick(&v->glue_z)] : domain_word(v));
    }
    if (rng_below(10) == 0)
        put(b, kind < 9 ? "?" : "？");
}

static double clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;

    return a < b ? -1 : a > b;
}

int main(int argc, char **argv)
{
    size_t n_articles = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    size_t n_queries = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000, warmup = 200;
    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[4200], wal[4300], shm[4300];
    char **names, **texts;
    size_t *lens, i, hits_total = 0;
    double *lat, t0, import_s;
    hd_kb_import_stats stats;
    hd_store *st = NULL;
    struct buf b = {NULL, 0, 0};
    int err, rc = 1;

    if (n_articles == 0 || n_queries == 0) {
        fprintf(stderr, "usage: %s [articles] [queries]\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s/bench_kb.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof(path), "%s/kb.db", dir);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);

    vocab_init(&en, en_words, HD_ARRAY_SIZE(en_words), en_glue, HD_ARRAY_SIZE(en_glue), EN_TAIL,
               en_tail_word);
    vocab_init(&zh, zh_words, HD_ARRAY_SIZE(zh_words), zh_glue, HD_ARRAY_SIZE(zh_glue), ZH_TAIL,
               zh_tail_word);

    names = hd_calloc(n_articles, sizeof(*names));
    texts = hd_calloc(n_articles, sizeof(*texts));
    lens = hd_calloc(n_articles, sizeof(*lens));
    for (i = 0; i < n_articles; i++) {
        b.len = 0;
        gen_article(&b, i, i % 2 ? &zh : &en, i % 2);
        names[i] = hd_sprintf("gen/%06zu.md", i);
        texts[i] = hd_strndup(b.s, b.len);
        lens[i] = b.len;
    }

    if ((err = hd_store_open(&st, path, 5000)) != 0) {
        fprintf(stderr, "open: %s\n", hd_error_last());
        goto cleanup;
    }
    t0 = now_s();
    err = hd_kb_import_files(st, (const char *const *)names, (const char *const *)texts, lens,
                             n_articles, &stats, 1700000000);
    import_s = now_s() - t0;
    if (err != 0) {
        fprintf(stderr, "import: %s\n", hd_error_last());
        goto cleanup;
    }
    for (i = 0; i < n_articles; i++) {
        hd_free(names[i]);
        hd_free(texts[i]);
        names[i] = texts[i] = NULL;
    }

    lat = hd_malloc(n_queries * sizeof(*lat));
    for (i = 0; i < warmup + n_queries; i++) {
        hd_kb_hit *hits = NULL;
        size_t n = 0;
        double q0, c0, cpu;

        gen_query(&b);
        c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        q0 = now_s();
        err = hd_kb_search(st, b.s, NULL, 5, &hits, &n);
        if (i >= warmup)
            lat[i - warmup] = (now_s() - q0) * 1e6;
        cpu = (clock_s(CLOCK_THREAD_CPUTIME_ID) - c0) * 1e6;
        if (err != 0) {
            fprintf(stderr, "search '%s': %s\n", b.s, hd_error_last());
            hd_free(lat);
            goto cleanup;
        }
        /* BENCH_KB_TRACE: one line per query on stderr (wall and CPU time). */
        if (getenv("BENCH_KB_TRACE") != NULL && i >= warmup)
            fprintf(stderr, "%.0f us  cpu %.0f us  %zu hits  %s\n", lat[i - warmup], cpu, n, b.s);
        hits_total += n;
        hd_kb_hits_free(hits, n);
    }
    qsort(lat, n_queries, sizeof(*lat), cmp_double);
    printf("{\"bench\":\"kb_search\",\"articles\":%zu,\"queries\":%zu,\"p50_us\":%.0f,"
           "\"p99_us\":%.0f,\"max_us\":%.0f,\"import_s\":%.1f}\n",
           n_articles, n_queries, lat[n_queries / 2], lat[(n_queries * 99) / 100],
           lat[n_queries - 1], import_s);
    if (hits_total == 0)
        fprintf(stderr, "warning: no query found anything\n");
    hd_free(lat);
    rc = 0;

cleanup:
    hd_store_close(st);
    for (i = 0; i < n_articles; i++) {
        hd_free(names[i]);
        hd_free(texts[i]);
    }
    hd_free(names);
    hd_free(texts);
    hd_free(lens);
    hd_free(b.s);
    vocab_free(&en);
    vocab_free(&zh);
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    return rc;
}
