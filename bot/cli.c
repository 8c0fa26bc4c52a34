/*
 * cli.c - helpers shared by the subcommands.
 */
#include "cli.h"

#include "hd/embedded.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_error(void)
{
    fprintf(stderr, "deskbot: %s\n", hd_error_last());
    return CLI_FAILED;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "deskbot: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'deskbot %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
    return CLI_USAGE;
}

int cli_open(cli *c)
{
    const char *db;
    hd_log_level level;

    if (hd_config_load(&c->cfg, hd_embedded_find("deskbot.json"), c->config_path) != 0)
        return cli_error();
    if (hd_log_level_parse(&level, c->cfg->log_level) != 0)
        return cli_error();
    hd_log_threshold = (int)level;
    hd_log_set_json(strcmp(c->cfg->log_format, "json") == 0);
    db = c->db_override ? c->db_override : c->cfg->db_path;
    if (hd_desk_open(&c->desk, c->cfg, db) != 0)
        return cli_error();
    return CLI_OK;
}

int cli_load_catalog(cli *c, hd_catalog **out)
{
    size_t n = hd_embedded_list("intents/", NULL, NULL, NULL, 0);
    const char **names, **texts;
    int err;

    *out = NULL;
    if (c->cfg && c->cfg->intents_dir) {
        if (hd_catalog_load_dir(out, c->cfg->intents_dir) != 0)
            return cli_error();
        return CLI_OK;
    }
    names = hd_calloc(n + 1, sizeof(*names));
    texts = hd_calloc(n + 1, sizeof(*texts));
    hd_embedded_list("intents/", names, texts, NULL, n);
    err = hd_catalog_load(out, names, texts, n);
    hd_free(names);
    hd_free(texts);
    return err ? cli_error() : CLI_OK;
}

int cli_open_bot(cli *c, hd_catalog **cat, hd_nlu **nlu)
{
    *cat = NULL;
    *nlu = NULL;
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (seed_samples(c->desk, 0) != 0)
        return cli_error();
    /* A broken intent catalog stops the command here, not mid-conversation. */
    if (cli_load_catalog(c, cat) != 0)
        return CLI_FAILED;
    if (hd_nlu_new(nlu, *cat) != 0) {
        hd_catalog_free(*cat);
        *cat = NULL;
        return cli_error();
    }
    return CLI_OK;
}

void cli_close(cli *c)
{
    hd_desk_close(c->desk);
    hd_config_free(c->cfg);
    c->desk = NULL;
    c->cfg = NULL;
}

int64_t cli_now(void)
{
    return (int64_t)time(NULL);
}

const char *cli_actor(const char *as)
{
    static char actor[96];
    const char *user = getenv("USER");

    if (as && as[0])
        return as;
    snprintf(actor, sizeof(actor), "cli:%s", user && user[0] ? user : "admin");
    return actor;
}

int cli_parse_int(const char *cmd, const char *what, const char *text, long min, long max,
                  long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max)
        return cli_usage_error(cmd, "%s must be a number from %ld to %ld, not '%s'", what, min, max,
                               text);
    *out = v;
    return 0;
}
