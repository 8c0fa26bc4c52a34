/*
 * cmd_nlu.c - `deskbot nlu`: what the bot understands of a message (its
 * language, intent, runner-ups and slots), for administrators tuning the
 * intent catalog. Reads the text from the command line, or one message
 * per line from standard input.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines longer than this are cut (the rest of the line is skipped). */
#define NLU_LINE_MAX (64 * 1024)

static const char nlu_usage[] =
    "usage: deskbot nlu [TEXT...] [--json]\n\n"
    "Show what the bot understands of TEXT: the language, the likeliest intent\n"
    "and two runner-ups with their confidences, the intent's ticket type and\n"
    "category, and every slot recognised. Without TEXT, each line of standard\n"
    "input is one message.\n\n"
    "  --json  one JSON object per message\n\n"
    "The catalog is the intents_dir folder (DESKBOT_INTENTS_DIR) or the built-in one.\n";

static char *join_words(int argc, char **argv)
{
    size_t len = 1, used = 0, n;
    char *s;
    int i;

    for (i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    s = hd_malloc(len);
    for (i = 0; i < argc; i++) {
        n = strlen(argv[i]);
        if (i)
            s[used++] = ' ';
        memcpy(s + used, argv[i], n);
        used += n;
    }
    s[used] = '\0';
    return s;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return len;
}

/* A printable copy of `text`: bytes that are not UTF-8 become U+FFFD. Caller frees. */
static char *printable(const char *text)
{
    size_t n = strlen(text), i = 0, used = 0, k;
    char *out = hd_malloc(n * 3 + 1);

    while (i < n) {
        k = utf8_len((const unsigned char *)text + i, n - i);
        if (k == 0) {
            memcpy(out + used, "\xEF\xBF\xBD", 3);
            used += 3;
            i++;
            continue;
        }
        memcpy(out + used, text + i, k);
        used += k;
        i += k;
    }
    out[used] = '\0';
    return out;
}

static const char *ticket_type(const hd_intent *it)
{
    return it && it->has_ticket ? hd_type_name(it->ticket_type) : NULL;
}

static void print_json(const char *text, const hd_parse *p)
{
    const hd_intent *best = p->n_guesses > 0 ? p->guesses[0].intent : NULL;
    json_t *o = json_object(), *alts = json_array(), *slots = json_object();
    char *shown = printable(text), *out;
    int i;

    json_object_set_new(o, "text", json_string(shown));
    json_object_set_new(o, "lang", json_string(hd_lang_name(p->lang)));
    json_object_set_new(o, "intent", best ? json_string(best->name) : json_null());
    json_object_set_new(o, "confidence", json_real(best ? p->guesses[0].confidence : 0));
    json_object_set_new(o, "ticket_type",
                        ticket_type(best) ? json_string(ticket_type(best)) : json_null());
    json_object_set_new(o, "category",
                        best && best->category ? json_string(best->category) : json_null());
    for (i = 1; i < p->n_guesses; i++)
        json_array_append_new(alts, json_pack("{s:s, s:f}", "intent", p->guesses[i].intent->name,
                                              "confidence", p->guesses[i].confidence));
    json_object_set_new(o, "alternatives", alts);
    for (i = 0; i < p->n_slots; i++)
        json_object_set_new(slots, p->slots[i].name, json_string(p->slots[i].value));
    json_object_set_new(o, "slots", slots);
    out = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(4));
    if (out)
        printf("%s\n", out);
    free(out);
    json_decref(o);
    hd_free(shown);
}

static void print_text(const char *text, const hd_parse *p)
{
    const hd_intent *best = p->n_guesses > 0 ? p->guesses[0].intent : NULL;
    char *shown = printable(text);
    int i;

    printf("text:        %s\n", shown);
    printf("language:    %s\n", hd_lang_name(p->lang));
    if (best) {
        printf("intent:      %s (%.2f)  %s\n", best->name, p->guesses[0].confidence,
               best->label[p->lang]);
        if (best->has_ticket)
            printf("ticket:      %s%s%s\n", hd_type_name(best->ticket_type),
                   best->category ? ", category " : "", best->category ? best->category : "");
        else
            printf("ticket:      none (%s)\n", hd_intent_kind_name(best->kind));
    }
    for (i = 1; i < p->n_guesses; i++)
        printf("%s %s (%.2f)\n", i == 1 ? "runner-ups: " : "            ",
               p->guesses[i].intent->name, p->guesses[i].confidence);
    if (p->n_slots == 0)
        printf("slots:       none\n");
    for (i = 0; i < p->n_slots; i++)
        printf("%s %-10s %s\n", i == 0 ? "slots:      " : "            ", p->slots[i].name,
               p->slots[i].value);
    hd_free(shown);
}

static void understand(const hd_nlu *nlu, const char *text, int json)
{
    hd_parse p;

    hd_nlu_parse(nlu, text, &p);
    if (json)
        print_json(text, &p);
    else
        print_text(text, &p);
    hd_parse_clear(&p);
}

/* Each line of `in`, cut at NLU_LINE_MAX bytes (the rest of a longer line is skipped). */
static int read_lines(const hd_nlu *nlu, FILE *in, int json)
{
    char *line = hd_malloc(NLU_LINE_MAX + 2);
    int first = 1;

    while (fgets(line, NLU_LINE_MAX + 2, in) != NULL) {
        size_t n = strlen(line);

        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        } else if (n > NLU_LINE_MAX) {
            int ch;

            line[NLU_LINE_MAX] = '\0';
            while ((ch = fgetc(in)) != EOF && ch != '\n')
                ;
        }
        if (n > 0 && line[n - 1] == '\r')
            line[n - 1] = '\0';
        if (!json && !first)
            printf("\n");
        first = 0;
        understand(nlu, line, json);
    }
    hd_free(line);
    return ferror(in) ? CLI_FAILED : CLI_OK;
}

/*
 * cmd_nlu - `deskbot nlu [TEXT...] [--json]`: see nlu_usage. Returns
 * CLI_OK, CLI_FAILED (the catalog does not load, standard input fails) or
 * CLI_USAGE.
 */
int cmd_nlu(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    hd_catalog *cat = NULL;
    hd_nlu *nlu = NULL;
    char *text = NULL;
    int json = 0, ch, rc = CLI_FAILED;

    optind = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'j') {
            json = 1;
        } else if (ch == 'h') {
            fputs(nlu_usage, stdout);
            return CLI_OK;
        } else {
            return cli_usage_error("nlu", "unknown option for nlu");
        }
    }
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (cli_load_catalog(c, &cat) != 0)
        return CLI_FAILED;
    if (hd_nlu_new(&nlu, cat) != 0) {
        rc = cli_error();
        goto cleanup;
    }
    if (optind < argc) {
        text = join_words(argc - optind, argv + optind);
        understand(nlu, text, json);
        rc = CLI_OK;
    } else {
        rc = read_lines(nlu, stdin, json);
        if (rc != CLI_OK)
            fprintf(stderr, "deskbot: cannot read standard input\n");
    }

cleanup:
    hd_free(text);
    hd_nlu_free(nlu);
    hd_catalog_free(cat);
    return rc;
}
