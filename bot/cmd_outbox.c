/*
 * cmd_outbox.c - `deskbot outbox [--json]`: what waits to be sent, and the
 * dead letters (messages given up on, with their last error).
 */
#include "cli.h"

#include "hd/outbox.h"
#include "hd/ticket_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_outbox(cli *c, int argc, char **argv)
{
    int json = argc == 2 && strcmp(argv[1], "--json") == 0;
    hd_outbox_item *dead = NULL;
    int64_t pending = 0, ndead = 0;
    size_t n = 0, i;

    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("usage: deskbot outbox [--json]\n\nMessages waiting to be sent, and the last 50 "
               "dead letters: messages given up on\nafter the configured number of attempts, "
               "with the last error.\n");
        return CLI_OK;
    }
    if (argc > 1 && !json)
        return cli_usage_error("outbox", "unexpected argument '%s'", argv[1]);
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_outbox_depth(c->desk, &pending, &ndead) != 0 ||
        hd_outbox_dead_letters(c->desk, 50, &dead, &n) != 0)
        return cli_error();
    if (json) {
        json_t *o = json_object(), *arr = json_array();
        char *out;

        for (i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:i, s:s, s:s}", "channel",
                                                 dead[i].channel, "to", dead[i].conversation,
                                                 "created_at", hd_time_json(dead[i].created_at),
                                                 "attempts", dead[i].attempts, "error",
                                                 dead[i].last_error ? dead[i].last_error : "",
                                                 "payload", dead[i].payload));
        json_object_set_new(o, "pending", json_integer(pending));
        json_object_set_new(o, "dead", json_integer(ndead));
        json_object_set_new(o, "dead_letters", arr);
        out = json_dumps(o, JSON_COMPACT);
        printf("%s\n", out);
        free(out);
        json_decref(o);
    } else {
        printf("%lld waiting to be sent, %lld dead letters\n", (long long)pending,
               (long long)ndead);
        for (i = 0; i < n; i++)
            printf("  %s to %s after %d attempts: %s\n", dead[i].channel, dead[i].conversation,
                   dead[i].attempts, dead[i].last_error ? dead[i].last_error : "");
    }
    hd_outbox_items_free(dead, n);
    return CLI_OK;
}
