/*
 * bench_kb_search.c - knowledge base search latency over a large generated
 * knowledge base: 100,000 articles, half English, half Chinese, built from
 * embedded IT service-desk vocabularies with a Zipf-like word frequency (so
 * common words such as "password" or "密码" match many thousands of
 * articles, as they would in a real knowledge base).
 *
 * The articles go in through hd_kb_import_files (one call: an import
 * mirrors the whole set), then 2,000 queries of 1-4 words, drawn from the
 * same frequencies in both languages and sometimes mixed, are timed one by
 * one. Prints one JSON line:
 *   {"bench":"kb_search","articles":N,"queries":N,"p50_us":..,"p99_us":..,
 *    "max_us":..,"import_s":..}
 *
 * Usage: bench_kb_search [articles] [queries]   (defaults 100000 2000)
 * The database lives in a temporary folder under $TMPDIR (or /tmp).
 */
#include "hd/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const en_words[] = {
    "password", "reset", "account", "login", "vpn", "email", "outlook", "printer", "network",
    "wifi", "laptop", "windows", "update", "install", "software", "license", "access", "error",
    "server", "connect", "connection", "folder", "share", "drive", "file", "backup", "restore",
    "phone", "mobile", "teams", "meeting", "calendar", "mailbox", "quota", "browser", "chrome",
    "firefox", "certificate", "security", "virus", "phishing", "mfa", "token", "authenticator",
    "locked", "unlock", "expired", "permission", "group", "request", "ticket", "monitor",
    "display", "keyboard", "mouse", "docking", "station", "charger", "battery", "screen", "audio",
    "headset", "camera", "microphone", "sharepoint", "onedrive", "sync", "excel", "word",
    "powerpoint", "adobe", "pdf", "scanner", "toner", "paper", "jam", "queue", "driver",
    "firmware", "bios", "boot", "startup", "slow", "performance", "memory", "disk", "space",
    "cleanup", "profile", "domain", "proxy", "firewall", "port", "dns", "dhcp", "address", "ip",
    "router", "switch", "cable", "ethernet", "wireless", "guest", "portal", "remote", "desktop",
    "citrix", "session", "timeout", "crash", "freeze", "restart", "shutdown", "encryption",
    "bitlocker", "recovery", "key", "usb", "device", "policy", "compliance", "admin", "rights",
    "local", "user", "new", "employee", "onboarding", "offboarding", "hardware", "order",
    "purchase", "approval", "manager", "budget", "asset", "inventory", "serial", "number",
    "warranty", "repair", "replace", "broken", "damaged", "spill", "loan", "travel", "roaming",
    "sim", "data", "plan", "voicemail", "extension", "forward", "signature", "distribution",
    "list", "alias", "spam", "junk", "quarantine", "attachment", "size", "limit", "archive", "pst",
    "delegate", "room", "booking", "projector", "hdmi", "adapter", "bluetooth", "pairing", "java",
    "python", "git", "repository", "database", "sql", "report", "dashboard", "erp", "sap", "crm",
    "salesforce", "jira", "confluence", "wiki", "intranet", "website", "link", "bookmark", "cache",
    "cookies", "clear", "history", "download", "upload", "blocked", "category", "exception",
    "whitelist", "antivirus", "scan", "malware", "ransomware", "incident", "suspicious", "sender",
    "macro", "enable", "disable", "settings", "configure", "setup", "guide", "steps",
    "troubleshoot", "fix", "problem", "issue", "cannot", "unable", "fails", "working", "stuck",
    "loading", "message", "warning", "notification", "popup", "language", "layout", "time", "zone",
    "clock", "holiday", "leave", "payroll", "hr", "badge", "door", "parking", "office", "floor",
    "building", "desk", "hot",
};

static const char *const en_glue[] = {
    "the", "to", "and", "a", "of", "your", "in", "is", "for", "on", "with", "you", "if", "it",
    "this", "that", "from", "then", "or", "be", "can", "not", "when", "after", "before", "by",
    "at", "open", "click", "select", "check", "make", "sure", "again", "first", "all",
};

static const char *const zh_words[] = {
    "密码", "重置", "账户", "登录", "邮件", "打印", "网络", "无线", "电脑", "系统", "更新",
    "安装", "软件", "许可", "权限", "错误", "服务", "连接", "文件", "共享", "备份", "恢复",
    "手机", "会议", "日历", "邮箱", "容量", "浏览", "证书", "安全", "病毒", "钓鱼", "验证",
    "令牌", "锁定", "解锁", "过期", "申请", "工单", "显示", "键盘", "鼠标", "扩展", "电池",
    "屏幕", "音频", "耳机", "摄像", "麦克", "同步", "表格", "文档", "扫描", "墨盒", "纸张",
    "卡纸", "队列", "驱动", "固件", "启动", "缓慢", "性能", "内存", "磁盘", "空间", "清理",
    "配置", "域名", "代理", "防火", "端口", "地址", "路由", "交换", "网线", "访客", "门户",
    "远程", "桌面", "会话", "超时", "崩溃", "死机", "重启", "关机", "加密", "密钥", "设备",
    "策略", "合规", "管理", "员工", "入职", "离职", "硬件", "采购", "审批", "经理", "预算",
    "资产", "序列", "保修", "维修", "更换", "损坏", "出差", "漫游", "流量", "语音", "转接",
    "签名", "分组", "垃圾", "隔离", "附件", "大小", "限制", "归档", "委派", "会议室", "预订",
    "投影", "适配", "蓝牙", "配对", "数据", "报表", "仪表", "网站", "链接", "书签", "缓存",
    "清除", "历史", "下载", "上传", "拦截", "例外", "白名单", "杀毒", "恶意", "勒索", "事件",
    "可疑", "发件", "启用", "禁用", "设置", "步骤", "排查", "修复", "问题", "无法", "失败",
    "卡住", "加载", "消息", "警告", "通知", "弹窗", "语言", "布局", "时间", "时区", "时钟",
    "假期", "考勤", "工资", "门禁", "停车", "办公", "楼层", "工位", "打印机", "服务台",
    "虚拟", "专用", "客户端", "浏览器", "防火墙", "管理员", "笔记本", "显示器", "扩展坞",
};

static const char *const zh_glue[] = {
    "的", "了", "在", "是", "和", "请", "然后", "如果", "可以", "需要", "点击", "打开", "选择",
    "检查", "确认", "再次", "首先", "所有", "您的", "进行", "通过", "使用", "之后", "以前",
};

static const char *const categories[] = {"account", "network", "email", "hardware", "software",
                                         "security", "access", "facilities"};

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

/* Zipf-like pick (exponent 1) among n ranked words, via a cumulative table. */
struct zipf {
    double *cum;
    size_t n;
};

static void zipf_init(struct zipf *z, size_t n)
{
    double total = 0;
    size_t i;

    z->n = n;
    z->cum = hd_malloc(n * sizeof(*z->cum));
    for (i = 0; i < n; i++) {
        total += 1.0 / (double)(i + 1);
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

/* The vocabularies ranked in a shuffled order, so frequency is not alphabetical. */
static size_t en_rank[HD_ARRAY_SIZE(en_words)];
static size_t zh_rank[HD_ARRAY_SIZE(zh_words)];
static struct zipf en_zipf, zh_zipf;

static void shuffle(size_t *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        v[i] = i;
    for (i = n - 1; i > 0; i--) {
        size_t j = rng_below(i + 1), t = v[i];

        v[i] = v[j];
        v[j] = t;
    }
}

static const char *en_word(void)
{
    return en_words[en_rank[zipf_pick(&en_zipf)]];
}

static const char *zh_word(void)
{
    return zh_words[zh_rank[zipf_pick(&zh_zipf)]];
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

static void gen_en(struct buf *b, size_t k)
{
    size_t i, n = 4 + rng_below(5), words = 80 + rng_below(121);
    char head[160];

    snprintf(head, sizeof(head), "---\nid: gen-en-%06zu\ntitle: ", k);
    put(b, head);
    for (i = 0; i < n; i++) {
        put(b, i ? " " : "");
        put(b, en_word());
    }
    put(b, "\nlang: en\ncategory: ");
    put(b, categories[rng_below(HD_ARRAY_SIZE(categories))]);
    put(b, "\ntags: [");
    put(b, en_word());
    put(b, ", ");
    put(b, en_word());
    put(b, "]\n---\n");
    for (i = 0; i < words; i++) {
        put(b, i == 0 ? "" : (i % 17 == 0) ? ".\n" : " ");
        put(b, rng_below(5) < 2 ? en_glue[rng_below(HD_ARRAY_SIZE(en_glue))] : en_word());
    }
    put(b, ".\n");
}

static void gen_zh(struct buf *b, size_t k)
{
    size_t i, n = 4 + rng_below(5), chars = 150 + rng_below(251), start;
    char head[160];

    snprintf(head, sizeof(head), "---\nid: gen-zh-%06zu\ntitle: ", k);
    put(b, head);
    for (i = 0; i < n; i++)
        put(b, zh_word());
    put(b, "\nlang: zh\ncategory: ");
    put(b, categories[rng_below(HD_ARRAY_SIZE(categories))]);
    put(b, "\ntags: [");
    put(b, zh_word());
    put(b, ", ");
    put(b, zh_word());
    put(b, "]\n---\n");
    start = b->len;
    for (i = 0; (b->len - start) / 3 < chars; i++) {
        size_t r = rng_below(20);

        if (r < 6)
            put(b, zh_glue[rng_below(HD_ARRAY_SIZE(zh_glue))]);
        else if (r == 6)
            put(b, "Windows");
        else
            put(b, zh_word());
        if (rng_below(12) == 0)
            put(b, rng_below(3) == 0 ? "。\n" : "，");
    }
    put(b, "。\n");
}

static void gen_query(struct buf *b)
{
    size_t i, n = 1 + rng_below(4), kind = rng_below(20);

    b->len = 0;
    put(b, "");
    for (i = 0; i < n; i++) {
        /* 45% English, 45% Chinese, 10% mixed; one word in eight is a glue word. */
        int zh = kind < 9 ? 0 : kind < 18 ? 1 : (int)(i % 2);

        if (i > 0)
            put(b, zh && rng_below(2) ? "" : " ");
        if (rng_below(8) == 0)
            put(b, zh ? zh_glue[rng_below(HD_ARRAY_SIZE(zh_glue))]
                      : en_glue[rng_below(HD_ARRAY_SIZE(en_glue))]);
        else
            put(b, zh ? zh_word() : en_word());
    }
    if (rng_below(10) == 0)
        put(b, kind < 9 ? "?" : "？");
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

    shuffle(en_rank, HD_ARRAY_SIZE(en_words));
    shuffle(zh_rank, HD_ARRAY_SIZE(zh_words));
    zipf_init(&en_zipf, HD_ARRAY_SIZE(en_words));
    zipf_init(&zh_zipf, HD_ARRAY_SIZE(zh_words));

    names = hd_calloc(n_articles, sizeof(*names));
    texts = hd_calloc(n_articles, sizeof(*texts));
    lens = hd_calloc(n_articles, sizeof(*lens));
    for (i = 0; i < n_articles; i++) {
        b.len = 0;
        if (i % 2 == 0)
            gen_en(&b, i);
        else
            gen_zh(&b, i);
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
        double q0;

        gen_query(&b);
        q0 = now_s();
        err = hd_kb_search(st, b.s, NULL, 5, &hits, &n);
        if (i >= warmup)
            lat[i - warmup] = (now_s() - q0) * 1e6;
        if (err != 0) {
            fprintf(stderr, "search '%s': %s\n", b.s, hd_error_last());
            hd_free(lat);
            goto cleanup;
        }
        if (getenv("BENCH_KB_TRACE") != NULL && i >= warmup)
            fprintf(stderr, "%.0f us  %zu hits  %s\n", lat[i - warmup], n, b.s);
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
    hd_free(en_zipf.cum);
    hd_free(zh_zipf.cum);
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    return rc;
}
