/*
 * main.c - the `deskbot` command: global options, then one subcommand, the
 * way git does it. `deskbot run` is the service; the rest are the
 * administrators' tools.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct command {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "start the service on the configured database"},
    {"chat", cmd_chat, "talk to the bot in the terminal, or script it with --json"},
    {"init", cmd_init, "create the database and load the sample data if it is empty"},
    {"kb", cmd_kb, "knowledge base: import, search, show"},
    {"users", cmd_users, "users directory: import, list"},
    {"tickets", cmd_tickets, "tickets: create, list, show, assign, take, resolve, close, ..."},
    {"report", cmd_report, "service figures for a date range"},
    {"outbox", cmd_outbox, "messages waiting to be sent, and dead letters"},
    {"nlu", cmd_nlu, "show what the bot understands of a message"},
    {"webchat-link", cmd_webchat_link, "a personal sign-in link to the web chat"},
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: deskbot [--db PATH] [--config PATH] <command> [<args>]\n\n"
                 "deskbot is a self-hosted IT service-desk bot.\n\ncommands:\n");
    for (i = 0; i < HD_ARRAY_SIZE(commands); i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\noptions (anywhere on the line):\n"
                 "  --db PATH      SQLite database (env DESKBOT_DB; default var/deskbot.db)\n"
                 "  --config PATH  JSON configuration merged over the defaults"
                 " (env DESKBOT_CONFIG)\n"
                 "  --help         this help; `deskbot <command> --help` for a command\n"
                 "  --version      print the version\n");
}

/*
 * Take --db and --config out of argv wherever they appear, so that
 * `deskbot kb search x --db y` works as well as `deskbot --db y kb search x`.
 */
static int take_global(cli *c, int *argc, char **argv)
{
    int i, j = 1;

    for (i = 1; i < *argc; i++) {
        const char **slot = NULL;
        const char *arg = argv[i], *val = NULL;

        if (strcmp(arg, "--") == 0) {
            while (i < *argc)
                argv[j++] = argv[i++];
            break;
        }
        if (strncmp(arg, "--db", 4) == 0 && (arg[4] == '\0' || arg[4] == '='))
            slot = &c->db_override;
        else if (strncmp(arg, "--config", 8) == 0 && (arg[8] == '\0' || arg[8] == '='))
            slot = &c->config_path;
        if (slot == NULL) {
            argv[j++] = argv[i];
            continue;
        }
        val = strchr(arg, '=');
        if (val)
            val++;
        else if (i + 1 < *argc)
            val = argv[++i];
        if (val == NULL || val[0] == '\0')
            return cli_usage_error(NULL, "%s needs a path", arg);
        *slot = val;
    }
    *argc = j;
    argv[j] = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    cli c = {0};
    size_t i;
    int rc;

    c.config_path = getenv("DESKBOT_CONFIG");
    if (c.config_path && c.config_path[0] == '\0')
        c.config_path = NULL;
    if ((rc = take_global(&c, &argc, argv)) != 0)
        return rc;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc >= 3 && strcmp(argv[1], "help") == 0) {
            char *help_argv[] = {argv[2], (char *)"--help", NULL};

            for (i = 0; i < HD_ARRAY_SIZE(commands); i++)
                if (strcmp(argv[2], commands[i].name) == 0)
                    return commands[i].run(&c, 2, help_argv);
        }
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("deskbot %s\n", HD_VERSION);
        return CLI_OK;
    }
    for (i = 0; i < HD_ARRAY_SIZE(commands); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            rc = commands[i].run(&c, argc - 1, argv + 1);
            cli_close(&c);
            return rc;
        }
    }
    fprintf(stderr, "deskbot: '%s' is not a command; see 'deskbot --help'\n", argv[1]);
    return CLI_USAGE;
}
