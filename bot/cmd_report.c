/*
 * cmd_report.c - `deskbot report [--from DATE] [--to DATE] [--json]`.
 */
#include "cli.h"

#include "hd/report.h"
#include "hd/timefmt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char report_usage[] =
    "usage: deskbot report [--from DATE] [--to DATE] [--json]\n\n"
    "Service figures for tickets and contacts created in [--from, --to): contacts,\n"
    "tickets by type/category/priority/channel, first-contact resolution, CSAT,\n"
    "complaint rate, SLA compliance, mean times, and the backlog now.\n"
    "DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC); --to is exclusive.\n"
    "Defaults: the last 30 days up to now.\n";

int cmd_report(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"from", required_argument, 0, 'f'},
                                         {"to", required_argument, 0, 't'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int64_t now = cli_now(), from = 0, to = 0;
    int json = 0, ch, have_from = 0, have_to = 0;
    hd_report *r = NULL;

    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (hd_time_parse(optarg, &from) != 0)
                return cli_usage_error("report", "--from: %s", hd_error_last());
            have_from = 1;
            break;
        case 't':
            if (hd_time_parse(optarg, &to) != 0)
                return cli_usage_error("report", "--to: %s", hd_error_last());
            have_to = 1;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
    if (!have_to)
        to = now + 1;
    if (!have_from)
        from = to - 30 * 86400;
    if (from >= to)
        return cli_usage_error("report", "--from must be before --to");
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_report_compute(c->desk, from, to, now, &r) != 0)
        return cli_error();
    if (json) {
        json_t *j = hd_report_json(r);
        char *out = json_dumps(j, JSON_COMPACT);

        printf("%s\n", out);
        free(out);
        json_decref(j);
    } else {
        hd_report_print(r, stdout);
    }
    hd_report_free(r);
    return CLI_OK;
}
