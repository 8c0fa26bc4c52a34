/*
 * ticket.h - tickets: creation with priority, routing and SLA due times;
 * the lifecycle; notes; and the append-only audit log every change writes.
 *
 * Statuses (see hd_status_can_move in itil.h for the legal moves):
 *   new          logged, not yet routed (only inside creation)
 *   assigned     in a group's queue, possibly with a named agent
 *   in_progress  an agent is working on it (the response SLA is met)
 *   pending      waiting on the user (the SLA clock stops) or a vendor
 *   resolved     a resolution is recorded; a survey is sent; the clock stops
 *   closed       confirmed by the user's rating, the default rating or an
 *                administrator; final
 *   cancelled    withdrawn; final
 *   reopened     the user said it was not fixed; back in the group's queue
 */
#ifndef HD_TICKET_H
#define HD_TICKET_H

#include "hd/desk.h"
#include "hd/itil.h"

#include <stdint.h>

typedef struct hd_ticket {
    int64_t id;
    char number[16]; /* "INC-000123" */
    hd_ticket_type type;
    char *category; /* may be NULL */
    char *title;
    char *description;
    char *details; /* JSON object text, "{}" when none */
    hd_impact impact;
    hd_urgency urgency;
    int priority; /* 1..4 */
    hd_status status;
    char *pending_reason; /* "user" or "vendor" while pending, else NULL */
    int64_t requester_id;
    char *requester; /* requester's username (or email), for display */
    char *requester_name;
    char *assignment_group;
    int64_t assignee_id; /* 0 when none */
    char *assignee;      /* username, or NULL */
    char *channel;       /* where it came from: "slack", "web", "cli", … */
    int handover;        /* the user asked for a human */
    int64_t created_at, updated_at;
    int64_t responded_at, resolved_at, closed_at; /* 0 when not yet */
    char *resolution;
    int reopen_count;
    int64_t response_due, resolution_due;
    int64_t sla_paused_at;   /* 0 while the clock runs */
    int64_t sla_paused_secs; /* business seconds paused so far */
} hd_ticket;

void hd_ticket_free(hd_ticket *t);

typedef struct hd_ticket_spec {
    hd_ticket_type type;
    const char *category;    /* may be NULL */
    const char *title;       /* required, ≤ 200 characters are kept */
    const char *description; /* may be NULL */
    const char *details;     /* JSON object text, or NULL */
    hd_impact impact;
    hd_urgency urgency;
    int64_t requester_id;
    const char *channel; /* may be NULL */
    int handover;
} hd_ticket_spec;

/*
 * hd_ticket_create - open a ticket: its number (per-type sequence), the
 * priority from the impact × urgency matrix (raised for VIP requesters),
 * the assignment group from the routing rules, and the SLA due times; the
 * creation and the routing are audited as `actor`. One transaction.
 * Returns 0 and the new ticket (caller frees), or HD_EINVAL (missing title,
 * details not a JSON object), HD_ENOTFOUND (no such requester), HD_EDB.
 */
int hd_ticket_create(hd_desk *desk, const hd_ticket_spec *spec, const char *actor, int64_t now,
                     hd_ticket **out);

/*
 * hd_ticket_get - a ticket by number (case-insensitive, "inc-123" and
 * "INC-000123" alike). Returns 0 and a ticket the caller frees, or
 * HD_ENOTFOUND / HD_EINVAL (not a ticket number).
 */
int hd_ticket_get(hd_desk *desk, const char *number, hd_ticket **out);

typedef struct hd_ticket_filter {
    int status;           /* hd_status, or -1 for any */
    int open_only;        /* only statuses that are not resolved/closed/cancelled */
    int64_t requester_id; /* 0 for any */
    const char *group;    /* NULL for any */
    int limit;            /* 0 for no limit */
} hd_ticket_filter;

/*
 * hd_ticket_list - tickets matching `f`, newest first. Returns 0 with an
 * array of *n tickets the caller frees with hd_ticket_list_free().
 */
int hd_ticket_list(hd_desk *desk, const hd_ticket_filter *f, hd_ticket ***out, size_t *n);
void hd_ticket_list_free(hd_ticket **list, size_t n);

/*
 * Lifecycle operations. Each loads the ticket by number, checks the move is
 * legal (HD_ESTATE naming both states otherwise), applies it with its SLA
 * effects, writes audit rows as `actor`, commits, and returns the updated
 * ticket in *out when out is not NULL (caller frees).
 *
 * hd_ticket_assign   - to `group` (NULL keeps the group) and/or agent
 *                      `agent` (username; NULL clears). Status → assigned.
 * hd_ticket_take     - `agent` takes it: assignee = agent, → in_progress.
 *                      The agent must be an agent in the directory.
 * hd_ticket_escalate - to the group's escalation target (HD_ESTATE at the
 *                      top tier); assignee cleared, → assigned.
 * hd_ticket_pend     - → pending on "user" (SLA paused) or "vendor".
 * hd_ticket_resume   - pending → in_progress.
 * hd_ticket_resolve  - → resolved with a non-empty note; opens a survey.
 * hd_ticket_close    - resolved → closed.
 * hd_ticket_reopen   - resolved → reopened with a reason.
 * hd_ticket_cancel   - → cancelled with a reason.
 */
int hd_ticket_assign(hd_desk *desk, const char *number, const char *group, const char *agent,
                     const char *actor, int64_t now, hd_ticket **out);
int hd_ticket_take(hd_desk *desk, const char *number, const char *agent, int64_t now,
                   hd_ticket **out);
int hd_ticket_escalate(hd_desk *desk, const char *number, const char *actor, int64_t now,
                       hd_ticket **out);
int hd_ticket_pend(hd_desk *desk, const char *number, const char *reason, const char *actor,
                   int64_t now, hd_ticket **out);
int hd_ticket_resume(hd_desk *desk, const char *number, const char *actor, int64_t now,
                     hd_ticket **out);
int hd_ticket_resolve(hd_desk *desk, const char *number, const char *note, const char *actor,
                      int64_t now, hd_ticket **out);
int hd_ticket_close(hd_desk *desk, const char *number, const char *actor, int64_t now,
                    hd_ticket **out);
int hd_ticket_reopen(hd_desk *desk, const char *number, const char *reason, const char *actor,
                     int64_t now, hd_ticket **out);
int hd_ticket_cancel(hd_desk *desk, const char *number, const char *reason, const char *actor,
                     int64_t now, hd_ticket **out);

/*
 * hd_ticket_set_priority - new impact and urgency; the priority and the
 * SLA due times are recomputed from creation under the new target.
 */
int hd_ticket_set_priority(hd_desk *desk, const char *number, hd_impact impact, hd_urgency urgency,
                           const char *actor, int64_t now, hd_ticket **out);

/*
 * hd_ticket_add_note - append a note of `kind` ("comment" or "nudge") by
 * `author`. Notes are not allowed on closed or cancelled tickets.
 */
int hd_ticket_add_note(hd_desk *desk, const char *number, const char *kind, const char *author,
                       const char *body, int64_t now);

/*
 * hd_ticket_sla_breached - whether the response / resolution target is
 * missed at `now` (met targets compare their completion time; a paused
 * clock compares the moment it stopped).
 */
int hd_ticket_response_breached(const hd_ticket *t, int64_t now);
int hd_ticket_resolution_breached(const hd_ticket *t, int64_t now);

typedef struct hd_audit_entry {
    int64_t at;
    char *actor, *field, *old_value, *new_value; /* old/new may be NULL */
} hd_audit_entry;

/* hd_ticket_audit - the audit rows of a ticket, oldest first. */
int hd_ticket_audit(hd_desk *desk, int64_t ticket_id, hd_audit_entry **out, size_t *n);
void hd_audit_free(hd_audit_entry *e, size_t n);

typedef struct hd_note {
    int64_t at;
    char *author, *kind, *body;
} hd_note;

/* hd_ticket_notes - the notes of a ticket, oldest first. */
int hd_ticket_notes(hd_desk *desk, int64_t ticket_id, hd_note **out, size_t *n);
void hd_notes_free(hd_note *notes, size_t n);

/*
 * hd_priority_compute - the priority for impact × urgency from the
 * configured matrix, raised by cfg->vip_priority_raise steps for VIPs
 * (never above P1).
 */
int hd_priority_compute(const hd_config *cfg, hd_impact impact, hd_urgency urgency, int vip);

/*
 * hd_route_pick - the group the routing rules choose: the first rule whose
 * type, category, department and keywords (any, case-insensitive, in title
 * or description) all match; the default group if none does. Borrowed.
 */
const hd_group *hd_route_pick(const hd_config *cfg, hd_ticket_type type, const char *category,
                              const char *department, const char *title, const char *description);

/*
 * hd_sla_due - due times for a ticket of `priority` created at `created`
 * whose clock has been paused for `paused_secs` business seconds.
 */
void hd_sla_due(const hd_config *cfg, int priority, int64_t created, int64_t paused_secs,
                int64_t *response_due, int64_t *resolution_due);

typedef enum hd_sla_kind { HD_SLA_RESPONSE, HD_SLA_RESOLUTION } hd_sla_kind;

typedef struct hd_sla_alert {
    char number[16];
    int64_t ticket_id;
    hd_sla_kind kind;
    int64_t due;
    char *group; /* assignment group */
    int priority;
} hd_sla_alert;

/*
 * hd_sla_due_within - running targets (clock not paused, target not met)
 * that fall due in (now, now + minutes*60]; hd_sla_breached - those already
 * past due at `now`. Both return 0 and an array the caller frees with
 * hd_sla_alerts_free(), ordered by due time.
 */
int hd_sla_due_within(hd_desk *desk, int64_t now, int minutes, hd_sla_alert **out, size_t *n);
int hd_sla_breached(hd_desk *desk, int64_t now, hd_sla_alert **out, size_t *n);
void hd_sla_alerts_free(hd_sla_alert *a, size_t n);

typedef enum hd_sla_event_kind { HD_SLA_WARNING, HD_SLA_BREACH } hd_sla_event_kind;

typedef struct hd_sla_event {
    hd_sla_alert alert; /* the ticket, target, due time and group at the time */
    hd_sla_event_kind event;
    char *escalated_to; /* a breach moved it to this group, or NULL (top tier) */
} hd_sla_event;

/*
 * hd_sla_sweep - what the service's timer does, each target at most once:
 * a running target past cfg->sla_warn_percent of its business time gets a
 * warning; a breached one is escalated to the group's escalation target
 * (audited as "sla") and reported. Returns 0 and the events to announce,
 * which the caller frees with hd_sla_events_free().
 */
int hd_sla_sweep(hd_desk *desk, int64_t now, hd_sla_event **out, size_t *n);
void hd_sla_events_free(hd_sla_event *e, size_t n);

#endif
