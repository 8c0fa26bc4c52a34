/*
 * fuzz_kb_query.c - libFuzzer target for knowledge base search: any text a
 * user can type (operators, quotes, invalid UTF-8, very long input) must
 * be searched without error. One in-memory store with a few English and
 * Chinese articles is opened once; each input is searched as a
 * NUL-terminated string, with and without a language filter.
 */
#include "hd/kb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"vpn.md", "printer.md", "password-zh.md", "printer-zh.md",
                                    "outlook-zh.md"};
static const char *const texts[] = {
    "---\nid: kb-vpn\ntitle: Connect to the VPN\nlang: en\ntags: [vpn, remote]\n---\n"
    "Open GlobalProtect, enter vpn.example.com and sign in. If connecting fails, retry.\n",
    "---\nid: kb-printer\ntitle: \"Clear a printer jam\"\nlang: en\ncategory: hardware\n"
    "tags:\n  - printer\n---\nOpen the front door and pull the jammed sheet out slowly.\n",
    "---\nid: kb-password-zh\ntitle: 重置密码\nlang: zh\ntags: [密码]\n---\n"
    "忘记了登录密码？打开自助服务门户，点击“忘记密码”即可重置。\n",
    "---\nid: kb-printer-zh\ntitle: 打印机卡纸\nlang: zh\n---\n"
    "打开打印机前盖，慢慢拉出卡住的纸张。如果仍然卡纸，请联系IT服务台。\n",
    "---\nid: kb-outlook-zh\ntitle: Outlook 无法连接到服务器\nlang: zh\n---\n"
    "如果 Outlook 提示“无法连接到服务器”，请先检查网络，然后重启 Outlook。\n",
};

static hd_store *store;

static void open_store(void)
{
    size_t lens[5], i;

    if (hd_store_open(&store, ":memory:", 1000) != 0)
        abort();
    for (i = 0; i < 5; i++)
        lens[i] = strlen(texts[i]);
    if (hd_kb_import_files(store, names, texts, lens, 5, NULL, 1700000000) != 0)
        abort();
}

static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        int i;

        if (n == 0)
            return 0;
        for (i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        }
        p += n;
    }
    return 1;
}

static void search(const char *text, const char *lang)
{
    hd_kb_hit *hits = NULL;
    size_t n = 0, i;

    if (hd_kb_search(store, text, lang, 5, &hits, &n) != 0)
        abort();
    if (n > 5 || (n == 0) != (hits == NULL))
        abort();
    for (i = 0; i < n; i++) {
        if (hits[i].slug == NULL || hits[i].snippet == NULL || !valid_utf8(hits[i].snippet))
            abort();
        if (lang != NULL && strcmp(hits[i].lang, lang) != 0)
            abort();
    }
    hd_kb_hits_free(hits, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (store == NULL)
        open_store();
    text = hd_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    search(text, NULL);
    search(text, size > 0 && (data[0] & 1) ? "zh" : "en");
    hd_free(text);
    return 0;
}
