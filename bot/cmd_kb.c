/*
 * cmd_kb.c - `deskbot kb import|search|show`.
 */
#include "cli.h"

#include "hd/kb.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kb_usage[] =
    "usage: deskbot kb import DIR\n"
    "       deskbot kb search TEXT... [--lang L] [--limit N] [--json]\n"
    "       deskbot kb show ID [--json]\n\n"
    "import  make the knowledge base mirror the *.md files of DIR (one transaction)\n"
    "search  the best articles for TEXT, ranked by BM25\n"
    "show    one article\n";

static int kb_import(cli *c, int argc, char **argv)
{
    hd_kb_import_stats st = {0};

    if (argc != 2)
        return cli_usage_error("kb", "kb import takes one directory");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_kb_import_dir(hd_desk_store(c->desk), argv[1], &st, cli_now()) != 0)
        return cli_error();
    printf("imported %s: %d added, %d updated, %d unchanged, %d removed\n", argv[1], st.added,
           st.updated, st.unchanged, st.removed);
    return CLI_OK;
}

static char *join_words(int argc, char **argv)
{
    size_t len = 1;
    char *s;
    int i;

    for (i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = hd_malloc(len);
    s[0] = '\0';
    len = 0;
    for (i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);

        if (i)
            s[len++] = ' ';
        memcpy(s + len, argv[i], n);
        len += n;
        s[len] = '\0';
    }
    return s;
}

static int kb_search(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"lang", required_argument, 0, 'l'},
                                         {"limit", required_argument, 0, 'n'},
                                         {"json", no_argument, 0, 'j'},
                                         {0, 0, 0, 0}};
    const char *lang = NULL;
    long limit = 5;
    int json = 0, ch, rc = CLI_FAILED;
    hd_kb_hit *hits = NULL;
    size_t n = 0, i;
    char *text;

    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'l')
            lang = optarg;
        else if (ch == 'n' && cli_parse_int("kb", "--limit", optarg, 1, 100, &limit) != 0)
            return CLI_USAGE;
        else if (ch == 'j')
            json = 1;
        else if (ch == '?')
            return cli_usage_error("kb", "unknown option for kb search");
    }
    if (optind >= argc)
        return cli_usage_error("kb", "kb search needs some text");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    text = join_words(argc - optind, argv + optind);
    if (hd_kb_search(hd_desk_store(c->desk), text, lang, (int)limit, &hits, &n) != 0) {
        rc = cli_error();
        goto cleanup;
    }
    if (json) {
        json_t *arr = json_array();
        char *out;

        for (i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s?, s:s, s:f}", "id",
                                                 hits[i].slug, "title", hits[i].title, "lang",
                                                 hits[i].lang, "category", hits[i].category,
                                                 "snippet", hits[i].snippet ? hits[i].snippet : "",
                                                 "score", hits[i].score));
        out = json_dumps(arr, JSON_COMPACT);
        printf("%s\n", out);
        free(out);
        json_decref(arr);
    } else if (n == 0) {
        printf("no articles match\n");
    } else {
        for (i = 0; i < n; i++)
            printf("%zu. %s  [%s, %s]\n   %s\n", i + 1, hits[i].title, hits[i].slug, hits[i].lang,
                   hits[i].snippet ? hits[i].snippet : "");
    }
    rc = CLI_OK;

cleanup:
    hd_kb_hits_free(hits, n);
    hd_free(text);
    return rc;
}

static int kb_show(cli *c, int argc, char **argv)
{
    hd_kb_article *a = NULL;
    int json = argc == 3 && strcmp(argv[2], "--json") == 0;
    size_t i;

    if (argc != 2 && !json)
        return cli_usage_error("kb", "kb show takes one article id");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_kb_get(hd_desk_store(c->desk), argv[1], &a) != 0)
        return cli_error();
    if (json) {
        json_t *tags = json_array(), *o;
        char *out;

        for (i = 0; i < a->n_tags; i++)
            json_array_append_new(tags, json_string(a->tags[i]));
        o = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:s}", "id", a->slug, "title", a->title, "lang",
                      a->lang, "category", a->category, "tags", tags, "body", a->body);
        out = json_dumps(o, JSON_COMPACT);
        printf("%s\n", out);
        free(out);
        json_decref(o);
    } else {
        printf("%s\n[%s, %s, %s]\n\n%s\n", a->title, a->slug, a->lang,
               a->category ? a->category : "-", a->body);
    }
    hd_kb_article_free(a);
    return CLI_OK;
}

int cmd_kb(cli *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(kb_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "import") == 0)
        return kb_import(c, argc - 1, argv + 1);
    if (strcmp(argv[1], "search") == 0)
        return kb_search(c, argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return kb_show(c, argc - 1, argv + 1);
    return cli_usage_error("kb", "unknown kb command '%s'", argv[1]);
}
