/*
 * cli.h - what the `deskbot` subcommands share: the configuration and
 * database they run against, option parsing helpers and error reporting.
 */
#ifndef HD_BOT_CLI_H
#define HD_BOT_CLI_H

#include "hd/desk.h"
#include "hd/intent.h"

#include <stdint.h>

typedef struct cli {
    const char *config_path; /* --config or DESKBOT_CONFIG, may be NULL */
    const char *db_override; /* --db, may be NULL (then DESKBOT_DB or the config) */
    hd_config *cfg;
    hd_desk *desk;
} cli;

/* Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong. */
#define CLI_OK 0
#define CLI_FAILED 1
#define CLI_USAGE 2

/*
 * cli_open - load the configuration and open the database (creating and
 * migrating it as needed). On failure prints one line and returns CLI_FAILED.
 */
int cli_open(cli *c);

/*
 * cli_load_catalog - the intent catalog, after cli_open: the folder named
 * by the intents_dir setting (DESKBOT_INTENTS_DIR) when set, else the one
 * built into the binary. On failure prints one line naming the file and
 * field and returns CLI_FAILED. The caller frees *out with hd_catalog_free().
 */
int cli_load_catalog(cli *c, hd_catalog **out);

/*
 * cli_open_bot - what a command that talks needs: cli_open, the sample data
 * on a new database, the intent catalog and the model trained on it. On
 * failure prints one line, releases what it took and returns CLI_FAILED;
 * the caller frees *cat and *nlu otherwise.
 */
int cli_open_bot(cli *c, hd_catalog **cat, hd_nlu **nlu);

/* cli_close - release what cli_open acquired. */
void cli_close(cli *c);

/* cli_error - print "deskbot: <hd_error_last()>" and return CLI_FAILED. */
int cli_error(void);

/* cli_usage_error - print "deskbot: <message>" and a hint; returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) HD_PRINTF(2, 3);

/* cli_now - the current time in seconds since the epoch. */
int64_t cli_now(void);

/* cli_actor - who the audit log names for this invocation: --as, or "cli:$USER". */
const char *cli_actor(const char *as);

/* cli_parse_int - a whole decimal number in [min, max], or -1 with a usage error printed. */
int cli_parse_int(const char *cmd, const char *what, const char *text, long min, long max,
                  long *out);

/* Subcommands: argc/argv start at the subcommand's own name. */
int cmd_init(cli *c, int argc, char **argv);
int cmd_run(cli *c, int argc, char **argv);
int cmd_kb(cli *c, int argc, char **argv);
int cmd_users(cli *c, int argc, char **argv);
int cmd_tickets(cli *c, int argc, char **argv);
int cmd_report(cli *c, int argc, char **argv);
int cmd_chat(cli *c, int argc, char **argv);
int cmd_outbox(cli *c, int argc, char **argv);
int cmd_nlu(cli *c, int argc, char **argv);
int cmd_webchat_link(cli *c, int argc, char **argv);

/*
 * seed_samples - import the embedded sample knowledge base and users into
 * an empty database (a database with articles or employees is left as it
 * is). Prints what it did when `verbose`.
 */
int seed_samples(hd_desk *desk, int verbose);

#endif
