/*
 * cmd_users.c - `deskbot users import|list`.
 */
#include "cli.h"

#include "hd/users.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char users_usage[] =
    "usage: deskbot users import FILE     CSV (header row) or JSON; one transaction\n"
    "       deskbot users show USER [--json]\n\n"
    "CSV columns: username, display_name, email, department, location, phone, vip,\n"
    "service_level, lang, agent (vip and agent: 0/1, yes/no or true/false).\n";

static int users_show(cli *c, int argc, char **argv)
{
    int json = argc == 3 && strcmp(argv[2], "--json") == 0;
    hd_employee *e = NULL;

    if (argc != 2 && !json)
        return cli_usage_error("users", "users show takes one username or email");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_users_find(c->desk, argv[1], &e) != 0)
        return cli_error();
    if (json) {
        json_t *o = json_pack(
            "{s:I, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:s, s:s, s:b}", "id", (json_int_t)e->id,
            "username", e->username, "display_name", e->display_name, "email", e->email,
            "department", e->department, "location", e->location, "phone", e->phone, "vip", e->vip,
            "service_level", e->service_level, "lang", e->lang, "agent", e->is_agent);
        char *out = json_dumps(o, JSON_COMPACT);

        printf("%s\n", out);
        free(out);
        json_decref(o);
    } else {
        printf("%s <%s>%s%s\n  username %s, %s, %s, %s\n  language %s, service level %s\n",
               e->display_name, e->email ? e->email : "-", e->vip ? " VIP" : "",
               e->is_agent ? " (agent)" : "", e->username ? e->username : "-",
               e->department ? e->department : "-", e->location ? e->location : "-",
               e->phone ? e->phone : "-", e->lang, e->service_level);
    }
    hd_employee_free(e);
    return CLI_OK;
}

int cmd_users(cli *c, int argc, char **argv)
{
    hd_users_import_stats st = {0};

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(users_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "show") == 0)
        return users_show(c, argc - 1, argv + 1);
    if (strcmp(argv[1], "import") != 0)
        return cli_usage_error("users", "unknown users command '%s'", argv[1]);
    if (argc != 3)
        return cli_usage_error("users", "users import takes one file");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_users_import_file(c->desk, argv[2], &st, cli_now()) != 0)
        return cli_error();
    printf("imported %s: %d added, %d updated\n", argv[2], st.added, st.updated);
    return CLI_OK;
}
