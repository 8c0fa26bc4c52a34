/*
 * cmd_chat.c - `deskbot chat`: talk to the bot in the terminal, or script
 * conversations with --json (see chan_console.c for the line protocol).
 */
#include "chan_console.h"
#include "cli.h"

#include "hd/intent.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char chat_usage[] =
    "usage: deskbot chat [--user NAME] [--json [--sync]]\n\n"
    "Talk to the bot on the console. Buttons show as numbers: type one to press it.\n"
    "/as NAME switches to another user of the directory; /quit leaves.\n"
    "--json  one JSON object per line in ({\"user\":…,\"text\":…} or {\"user\":…,\"click\":…})\n"
    "        and out (every bot message); see the README\n"
    "--sync  after the messages answering input line N, print {\"done\":N}\n";

typedef struct session {
    hd_dialogue *dialogue;
} session;

static int deliver(hd_channel *ch, const hd_turn *turn, void *payload)
{
    session *s = payload;
    hd_replies out = {0};
    size_t i;
    int err = hd_dialogue_turn(s->dialogue, turn, &out);

    if (err) {
        /* The turn was rolled back: say so and keep the session going. */
        hd_message *m = hd_replies_add(&out, turn->channel, turn->user_id);

        hd_message_text(m, "Sorry, something went wrong on our side (%s). Please try again.",
                        hd_error_last());
        err = 0;
    }
    for (i = 0; i < out.n; i++)
        ch->type->send(ch, &out.items[i]);
    hd_replies_clear(&out);
    return err;
}

int cmd_chat(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {{"user", required_argument, 0, 'u'},
                                         {"json", no_argument, 0, 'j'},
                                         {"sync", no_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *user = getenv("USER");
    hd_catalog *cat = NULL;
    hd_nlu *nlu = NULL;
    hd_channel *ch = NULL;
    session s = {0};
    int json = 0, sync = 0, opt, rc = CLI_FAILED;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'u':
            user = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 's':
            sync = 1;
            break;
        case 'h':
            fputs(chat_usage, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("chat", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("chat", "unexpected argument '%s'", argv[optind]);
    if (user == NULL || user[0] == '\0')
        user = "alice";
    if (cli_open_bot(c, &cat, &nlu) != 0)
        return CLI_FAILED;
    if (hd_dialogue_new(&s.dialogue, c->desk, cat, nlu) != 0) {
        rc = cli_error();
        goto cleanup;
    }
    ch = hd_console_new(stdin, stdout, json, sync, user);
    rc = ch->type->start(ch, deliver, &s) == 0 ? CLI_OK : cli_error();

cleanup:
    if (ch)
        ch->type->free(ch);
    hd_dialogue_free(s.dialogue);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    return rc;
}
