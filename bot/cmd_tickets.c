/*
 * cmd_tickets.c - `deskbot tickets ...`: what administrators and agents
 * without chat do with tickets. Every change is audited under --as (or
 * "cli:$USER").
 */
#include "cli.h"

#include "hd/ticket_json.h"
#include "hd/timefmt.h"
#include "hd/users.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char tickets_usage[] =
    "usage: deskbot tickets <command> [options]\n\n"
    "  create --requester USER --title TEXT [--type T] [--category C] [--description D]\n"
    "         [--impact I] [--urgency U] [--details JSON] [--channel C]\n"
    "  list [--status S] [--open] [--group G] [--requester USER] [--limit N]\n"
    "  show NUMBER\n"
    "  assign NUMBER [--group G] [--agent USER]   (no --agent: back to the group queue)\n"
    "  take NUMBER --agent USER                  start work as USER\n"
    "  escalate NUMBER                           to the group's escalation target\n"
    "  pend NUMBER --reason user|vendor          waiting; on the user the SLA clock stops\n"
    "  resume NUMBER                             back to work\n"
    "  resolve NUMBER NOTE...                    with what fixed it; sends the survey\n"
    "  close NUMBER                              confirm a resolved ticket\n"
    "  reopen NUMBER REASON...\n"
    "  cancel NUMBER [REASON...]\n"
    "  priority NUMBER --impact I --urgency U    recomputes priority and SLA\n"
    "  note NUMBER TEXT... [--nudge]             append a comment (or a nudge)\n\n"
    "common options: --json (machine-readable output), --as NAME (who the audit log names)\n"
    "types: incident service_request change consultation complaint\n"
    "impact: individual team organisation; urgency: low medium high critical\n"
    "statuses: new assigned in_progress pending resolved closed cancelled reopened\n";

typedef struct args {
    const char *as, *group, *agent, *reason, *status, *requester, *title, *type, *category,
        *description, *impact, *urgency, *details, *channel;
    long limit;
    int json, open_only, nudge;
    int npos;
    char **pos;
} args;

static int parse(int argc, char **argv, args *a)
{
    static const struct option opts[] = {{"as", required_argument, 0, 'A'},
                                         {"group", required_argument, 0, 'g'},
                                         {"agent", required_argument, 0, 'a'},
                                         {"reason", required_argument, 0, 'r'},
                                         {"status", required_argument, 0, 's'},
                                         {"requester", required_argument, 0, 'R'},
                                         {"title", required_argument, 0, 't'},
                                         {"type", required_argument, 0, 'T'},
                                         {"category", required_argument, 0, 'c'},
                                         {"description", required_argument, 0, 'd'},
                                         {"impact", required_argument, 0, 'i'},
                                         {"urgency", required_argument, 0, 'u'},
                                         {"details", required_argument, 0, 'D'},
                                         {"channel", required_argument, 0, 'C'},
                                         {"limit", required_argument, 0, 'l'},
                                         {"json", no_argument, 0, 'j'},
                                         {"open", no_argument, 0, 'o'},
                                         {"nudge", no_argument, 0, 'n'},
                                         {0, 0, 0, 0}};
    int ch;

    memset(a, 0, sizeof(*a));
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'A':
            a->as = optarg;
            break;
        case 'g':
            a->group = optarg;
            break;
        case 'a':
            a->agent = optarg;
            break;
        case 'r':
            a->reason = optarg;
            break;
        case 's':
            a->status = optarg;
            break;
        case 'R':
            a->requester = optarg;
            break;
        case 't':
            a->title = optarg;
            break;
        case 'T':
            a->type = optarg;
            break;
        case 'c':
            a->category = optarg;
            break;
        case 'd':
            a->description = optarg;
            break;
        case 'i':
            a->impact = optarg;
            break;
        case 'u':
            a->urgency = optarg;
            break;
        case 'D':
            a->details = optarg;
            break;
        case 'C':
            a->channel = optarg;
            break;
        case 'j':
            a->json = 1;
            break;
        case 'o':
            a->open_only = 1;
            break;
        case 'n':
            a->nudge = 1;
            break;
        case 'l':
            if (cli_parse_int("tickets", "--limit", optarg, 1, 1000000, &a->limit) != 0)
                return CLI_USAGE;
            break;
        default:
            return cli_usage_error("tickets", "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    a->pos = argv + optind;
    a->npos = argc - optind;
    return 0;
}

/* The words from position `from` on, joined by spaces (a note typed unquoted). */
static char *rest(const args *a, int from)
{
    size_t len = 1;
    char *s;
    int i;

    for (i = from; i < a->npos; i++)
        len += strlen(a->pos[i]) + 1;
    s = hd_malloc(len);
    s[0] = '\0';
    for (i = from; i < a->npos; i++) {
        if (i > from)
            strncat(s, " ", len - strlen(s) - 1);
        strncat(s, a->pos[i], len - strlen(s) - 1);
    }
    return s;
}

static void print_json(json_t *j)
{
    char *out = json_dumps(j, JSON_COMPACT);

    printf("%s\n", out);
    free(out);
    json_decref(j);
}

static void print_line(const hd_ticket *t)
{
    printf("%s  %-11s P%d  %-18s %-10s %s\n", t->number, hd_status_name(t->status), t->priority,
           t->assignment_group ? t->assignment_group : "-", t->assignee ? t->assignee : "-",
           t->title);
}

static void print_ticket(cli *c, const hd_ticket *t, int json)
{
    int64_t now = cli_now();
    hd_audit_entry *log = NULL;
    hd_note *notes = NULL;
    size_t nlog = 0, nnotes = 0, i;
    char when[32], due1[32], due2[32];

    hd_ticket_audit(c->desk, t->id, &log, &nlog);
    hd_ticket_notes(c->desk, t->id, &notes, &nnotes);
    if (json) {
        json_t *j = hd_ticket_json(t, now), *arr = json_array(), *narr = json_array();

        for (i = 0; i < nlog; i++)
            json_array_append_new(arr, json_pack("{s:o, s:s, s:s, s:s?, s:s?}", "at",
                                                 hd_time_json(log[i].at), "actor", log[i].actor,
                                                 "field", log[i].field, "old", log[i].old_value,
                                                 "new", log[i].new_value));
        for (i = 0; i < nnotes; i++)
            json_array_append_new(
                narr, json_pack("{s:o, s:s, s:s, s:s}", "at", hd_time_json(notes[i].at), "author",
                                notes[i].author, "kind", notes[i].kind, "body", notes[i].body));
        json_object_set_new(j, "audit", arr);
        json_object_set_new(j, "notes", narr);
        print_json(j);
    } else {
        hd_time_format(t->created_at, when, sizeof(when));
        hd_time_format(t->response_due, due1, sizeof(due1));
        hd_time_format(t->resolution_due, due2, sizeof(due2));
        printf("%s  %s\n", t->number, t->title);
        printf("  type %s, category %s, P%d (impact %s, urgency %s)\n", hd_type_name(t->type),
               t->category ? t->category : "-", t->priority, hd_impact_name(t->impact),
               hd_urgency_name(t->urgency));
        printf("  status %s%s%s, group %s, assignee %s\n", hd_status_name(t->status),
               t->pending_reason ? " on " : "", t->pending_reason ? t->pending_reason : "",
               t->assignment_group ? t->assignment_group : "-", t->assignee ? t->assignee : "-");
        printf("  requester %s (%s), created %s via %s\n", t->requester_name, t->requester, when,
               t->channel ? t->channel : "unknown");
        printf("  respond by %s%s, resolve by %s%s%s\n", due1,
               hd_ticket_response_breached(t, now) ? " (BREACHED)" : "", due2,
               hd_ticket_resolution_breached(t, now) ? " (BREACHED)" : "",
               t->sla_paused_at ? " (clock paused)" : "");
        if (t->description && t->description[0])
            printf("  %s\n", t->description);
        if (t->details && strcmp(t->details, "{}") != 0)
            printf("  details %s\n", t->details);
        if (t->resolution)
            printf("  resolution: %s\n", t->resolution);
        for (i = 0; i < nnotes; i++) {
            hd_time_format(notes[i].at, when, sizeof(when));
            printf("  %s %s by %s: %s\n", when, notes[i].kind, notes[i].author, notes[i].body);
        }
        printf("  history:\n");
        for (i = 0; i < nlog; i++) {
            hd_time_format(log[i].at, when, sizeof(when));
            printf("    %s %s %s: %s -> %s\n", when, log[i].actor, log[i].field,
                   log[i].old_value ? log[i].old_value : "(none)",
                   log[i].new_value ? log[i].new_value : "(none)");
        }
    }
    hd_audit_free(log, nlog);
    hd_notes_free(notes, nnotes);
}

static int finish(hd_ticket *t, int json, int err)
{
    if (err)
        return cli_error();
    if (json)
        print_json(hd_ticket_json(t, cli_now()));
    else
        print_line(t);
    hd_ticket_free(t);
    return CLI_OK;
}

static int t_create(cli *c, const args *a)
{
    hd_ticket_spec spec = {0};
    hd_employee *req = NULL;
    hd_ticket *t = NULL;
    int err;

    if (a->requester == NULL || a->title == NULL)
        return cli_usage_error("tickets", "create needs --requester and --title");
    spec.type = HD_TYPE_INCIDENT;
    spec.impact = HD_IMPACT_INDIVIDUAL;
    spec.urgency = HD_URGENCY_MEDIUM;
    if ((a->type && hd_type_parse(&spec.type, a->type) != 0) ||
        (a->impact && hd_impact_parse(&spec.impact, a->impact) != 0) ||
        (a->urgency && hd_urgency_parse(&spec.urgency, a->urgency) != 0))
        return cli_usage_error("tickets", "%s", hd_error_last());
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (hd_users_find(c->desk, a->requester, &req) != 0)
        return cli_error();
    spec.category = a->category;
    spec.title = a->title;
    spec.description = a->description;
    spec.details = a->details;
    spec.requester_id = req->id;
    spec.channel = a->channel ? a->channel : "cli";
    err = hd_ticket_create(c->desk, &spec, cli_actor(a->as), cli_now(), &t);
    hd_employee_free(req);
    return finish(t, a->json, err);
}

static int t_list(cli *c, const args *a)
{
    hd_ticket_filter f = {.status = -1};
    hd_ticket **list = NULL;
    hd_employee *req = NULL;
    size_t n = 0, i;
    hd_status st;

    if (a->status) {
        if (hd_status_parse(&st, a->status) != 0)
            return cli_usage_error("tickets", "%s", hd_error_last());
        f.status = (int)st;
    }
    if (cli_open(c) != 0)
        return CLI_FAILED;
    if (a->requester) {
        if (hd_users_find(c->desk, a->requester, &req) != 0)
            return cli_error();
        f.requester_id = req->id;
        hd_employee_free(req);
    }
    f.open_only = a->open_only;
    f.group = a->group;
    f.limit = (int)a->limit;
    if (hd_ticket_list(c->desk, &f, &list, &n) != 0)
        return cli_error();
    if (a->json) {
        json_t *arr = json_array();
        int64_t now = cli_now();

        for (i = 0; i < n; i++)
            json_array_append_new(arr, hd_ticket_json(list[i], now));
        print_json(arr);
    } else if (n == 0) {
        printf("no tickets\n");
    } else {
        for (i = 0; i < n; i++)
            print_line(list[i]);
    }
    hd_ticket_list_free(list, n);
    return CLI_OK;
}

int cmd_tickets(cli *c, int argc, char **argv)
{
    const char *sub, *number;
    hd_ticket *t = NULL;
    args a;
    int rc, err;

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(tickets_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    sub = argv[1];
    if ((rc = parse(argc - 1, argv + 1, &a)) != 0)
        return rc;
    if (strcmp(sub, "create") == 0)
        return t_create(c, &a);
    if (strcmp(sub, "list") == 0)
        return t_list(c, &a);
    if (a.npos < 1)
        return cli_usage_error("tickets", "tickets %s needs a ticket number", sub);
    number = a.pos[0];

    if (strcmp(sub, "show") == 0) {
        if (cli_open(c) != 0)
            return CLI_FAILED;
        if (hd_ticket_get(c->desk, number, &t) != 0)
            return cli_error();
        print_ticket(c, t, a.json);
        hd_ticket_free(t);
        return CLI_OK;
    }
    if (strcmp(sub, "assign") == 0) {
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_assign(c->desk, number, a.group, a.agent, cli_actor(a.as), cli_now(), &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "take") == 0) {
        if (a.agent == NULL)
            return cli_usage_error("tickets", "take needs --agent USER");
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_take(c->desk, number, a.agent, cli_now(), &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "escalate") == 0) {
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_escalate(c->desk, number, cli_actor(a.as), cli_now(), &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "pend") == 0) {
        if (a.reason == NULL)
            return cli_usage_error("tickets", "pend needs --reason user or --reason vendor");
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_pend(c->desk, number, a.reason, cli_actor(a.as), cli_now(), &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "resume") == 0) {
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_resume(c->desk, number, cli_actor(a.as), cli_now(), &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "close") == 0) {
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_close(c->desk, number, cli_actor(a.as), cli_now(), &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "priority") == 0) {
        hd_impact impact;
        hd_urgency urgency;

        if (a.impact == NULL || a.urgency == NULL)
            return cli_usage_error("tickets", "priority needs --impact and --urgency");
        if (hd_impact_parse(&impact, a.impact) != 0 || hd_urgency_parse(&urgency, a.urgency) != 0)
            return cli_usage_error("tickets", "%s", hd_error_last());
        if (cli_open(c) != 0)
            return CLI_FAILED;
        err = hd_ticket_set_priority(c->desk, number, impact, urgency, cli_actor(a.as), cli_now(),
                                     &t);
        return finish(t, a.json, err);
    }
    if (strcmp(sub, "resolve") == 0 || strcmp(sub, "reopen") == 0 || strcmp(sub, "cancel") == 0 ||
        strcmp(sub, "note") == 0) {
        char *text = rest(&a, 1);

        if (text[0] == '\0' && strcmp(sub, "cancel") != 0) {
            hd_free(text);
            return cli_usage_error("tickets", "tickets %s NUMBER needs some text after it", sub);
        }
        if (cli_open(c) != 0) {
            hd_free(text);
            return CLI_FAILED;
        }
        if (strcmp(sub, "resolve") == 0)
            err = hd_ticket_resolve(c->desk, number, text, cli_actor(a.as), cli_now(), &t);
        else if (strcmp(sub, "reopen") == 0)
            err = hd_ticket_reopen(c->desk, number, text, cli_actor(a.as), cli_now(), &t);
        else if (strcmp(sub, "cancel") == 0)
            err = hd_ticket_cancel(c->desk, number, text[0] ? text : NULL, cli_actor(a.as),
                                   cli_now(), &t);
        else if ((err = hd_ticket_add_note(c->desk, number, a.nudge ? "nudge" : "comment",
                                           cli_actor(a.as), text, cli_now())) == 0)
            err = hd_ticket_get(c->desk, number, &t);
        hd_free(text);
        return finish(t, a.json, err);
    }
    return cli_usage_error("tickets", "unknown tickets command '%s'", sub);
}
