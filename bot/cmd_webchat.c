/*
 * cmd_webchat.c - `deskbot webchat-link`: a personal sign-in link to the
 * web chat, for an employee or (with --agent) to the agents' room.
 */
#include "chan_web.h"
#include "cli.h"

#include "hd/config.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: deskbot webchat-link (--user NAME | --agent NAME) [--hours N]\n\n"
    "Print a sign-in link to the web chat for NAME (a username or email of the\n"
    "directory): the employee chat with --user, the agents' room with --agent.\n"
    "The link is valid for N hours (default: the web_link_hours setting, 168).\n"
    "It opens the page on web_public_url (default http://<http_listen>).\n";

int cmd_webchat_link(cli *c, int argc, char **argv)
{
    const char *who = NULL;
    hd_web_role role = HD_WEB_EMPLOYEE;
    long hours = -1;
    char *url = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return CLI_OK;
        }
        if ((strcmp(argv[i], "--user") == 0 || strcmp(argv[i], "--agent") == 0) && i + 1 < argc) {
            if (who)
                return cli_usage_error("webchat-link", "give one of --user and --agent");
            role = strcmp(argv[i], "--agent") == 0 ? HD_WEB_AGENT : HD_WEB_EMPLOYEE;
            who = argv[++i];
        } else if (strcmp(argv[i], "--hours") == 0 && i + 1 < argc) {
            if (cli_parse_int("webchat-link", "--hours", argv[++i], 1, 8760, &hours) != 0)
                return CLI_USAGE;
        } else {
            return cli_usage_error("webchat-link", "unexpected argument '%s'", argv[i]);
        }
    }
    if (who == NULL)
        return cli_usage_error("webchat-link", "give --user NAME or --agent NAME");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hours < 0)
        hours = c->cfg->web_link_hours;
    if (hd_web_link(c->desk, role, who, (int)hours, cli_now(), &url) != 0)
        return cli_error();
    printf("%s\n", url);
    hd_free(url);
    return CLI_OK;
}
