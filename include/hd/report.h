/*
 * report.h - the administrators' reports: how people reached the service
 * desk and how often the first contact solved it, what tickets were logged,
 * how satisfied requesters were, how well the SLA targets were kept, how
 * long responses and resolutions took, and what is still open.
 *
 * A report covers a period, the half-open range [from, to) of UTC seconds,
 * and is computed as of an instant `now` (overdue targets and the backlog
 * are judged at `now`). Every figure is defined here; the README quotes
 * these definitions.
 *
 * Contacts - contacts whose started_at lies in [from, to):
 *   contacts.total          how many.
 *   contacts.by_outcome     how many ended as open (still going), kb_resolved,
 *                           resolved, ticket or abandoned (the outcome now).
 *
 * First-contact resolution (FCR) - (contacts in range whose outcome is
 *   kb_resolved or resolved) / (all contacts in range, whatever their
 *   outcome, open ones included). Absent when there are no contacts.
 *
 * Tickets - tickets whose created_at lies in [from, to), cancelled ones
 *   included:
 *   tickets.total           how many.
 *   tickets.by_type         per type (all five types, zeros included).
 *   tickets.by_category     per category; a ticket without one counts as
 *                           "uncategorised". Sorted by name (byte order).
 *   tickets.by_priority     P1..P4 (the priority now).
 *   tickets.by_channel      per channel; none counts as "unknown". Sorted
 *                           by name.
 *
 * Complaint rate - (complaint tickets created in range) / (incident tickets
 *   created in range). Absent when no incident was created.
 *
 * Satisfaction (CSAT) - surveys whose answered_at lies in [from, to),
 *   whatever the creation time of their ticket. Each such survey is exactly
 *   one of:
 *   not fixed   not_fixed = 1: the requester said it was still broken, or
 *               the ticket was reopened before they answered;
 *   default     is_default = 1: the configured default rating, given when
 *               the requester stayed silent;
 *   real        a rating 1-5 the requester chose.
 *   csat.answered           all three kinds together.
 *   csat.real               count, sum and mean of real ratings, and their
 *                           spread by rating 1..5. Mean absent when none.
 *   csat.satisfied          (real ratings of 4 or 5) / (real ratings).
 *                           Absent when there are no real ratings.
 *   csat.defaults           count of default ratings.
 *   csat.not_fixed          count of "not fixed" answers.
 *   csat.with_defaults      count, sum and mean of real and default ratings
 *                           together; reported separately and labelled,
 *                           never folded into the real figures.
 *
 * SLA compliance - tickets created in range, cancelled ones excluded; per
 *   priority P1..P4 and overall (the sum over priorities). For each target:
 *   response    measured when responded_at is set (met when responded_at <=
 *               response_due, else breached), or when it is not set but the
 *               target is already overdue: the clock (sla_paused_at when the
 *               clock is paused, else `now`) is past response_due
 *               (breached). Not measured otherwise (still running).
 *   resolution  the same with resolved_at and resolution_due. A reopened
 *               ticket has no resolved_at and is judged like an open one; a
 *               ticket paused (pending on the user) and unresolved compares
 *               sla_paused_at, so it is breached only if it was already
 *               late when its clock stopped.
 *   `met` / `measured` is the compliance; absent when nothing was measured.
 *   A breach is exactly hd_ticket_response_breached() /
 *   hd_ticket_resolution_breached() at `now`.
 *
 * Mean time to respond - over tickets created in range with responded_at
 *   set (cancelled ones included if an agent had responded): the mean of
 *   responded_at - created_at in wall-clock seconds. Absent when none.
 * Mean time to resolve - the same with resolved_at (tickets resolved and
 *   not reopened since).
 *
 * Backlog - at `now`, over ALL tickets (not limited to the range): tickets
 *   whose status is open (not resolved, closed or cancelled):
 *   backlog.total, backlog.by_status (new, assigned, in_progress, pending,
 *   reopened) and backlog.by_age, by age = now - created_at in buckets
 *   [0, 1 day), [1, 3 days), [3, 7 days), [7, 30 days), [30 days, ...);
 *   a day is 86,400 s, and a ticket created after `now` counts as < 1 day.
 *   The backlog counts tickets that exist in the database when the report
 *   runs; statuses are those of that moment.
 */
#ifndef HD_REPORT_H
#define HD_REPORT_H

#include "hd/contact.h"
#include "hd/desk.h"
#include "hd/itil.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define HD_REPORT_OUTCOMES 5 /* indexed by hd_contact_outcome */

/* Backlog age buckets. */
typedef enum hd_report_age {
    HD_REPORT_AGE_LT_1D,  /* [0, 1 day) */
    HD_REPORT_AGE_1D_3D,  /* [1, 3 days) */
    HD_REPORT_AGE_3D_7D,  /* [3, 7 days) */
    HD_REPORT_AGE_7D_30D, /* [7, 30 days) */
    HD_REPORT_AGE_GE_30D, /* 30 days or more */
    HD_REPORT_AGE_COUNT
} hd_report_age;

/* A ratio num / den; absent (JSON null, "n/a") when den is 0. */
typedef struct hd_report_ratio {
    int64_t num;
    int64_t den;
    double percent; /* 100 * num / den, or 0 when absent */
} hd_report_ratio;

/* A mean sum / count; absent when count is 0. */
typedef struct hd_report_mean {
    int64_t count;
    int64_t sum;
    double mean; /* sum / count, or 0 when absent */
} hd_report_mean;

/* One named count (a category or channel). */
typedef struct hd_report_count {
    char *name;
    int64_t count;
} hd_report_count;

typedef struct hd_report {
    int64_t from, to, now;

    struct {
        int64_t total;
        int64_t by_outcome[HD_REPORT_OUTCOMES];
        hd_report_ratio fcr; /* kb_resolved + resolved over total */
    } contacts;

    struct {
        int64_t total;
        int64_t by_type[HD_TYPE_COUNT];
        int64_t by_priority[HD_PRIORITY_COUNT]; /* [0] is P1 */
        hd_report_count *by_category;           /* sorted by name */
        size_t n_categories;
        hd_report_count *by_channel; /* sorted by name */
        size_t n_channels;
        hd_report_ratio complaint_rate; /* complaints over incidents */
    } tickets;

    struct {
        int64_t answered;
        hd_report_mean real;
        int64_t by_rating[5];      /* real ratings; [0] is rating 1 */
        hd_report_ratio satisfied; /* real 4-5 over real */
        int64_t defaults;
        int64_t not_fixed;
        hd_report_mean with_defaults;
    } csat;

    struct {
        hd_report_ratio response[HD_PRIORITY_COUNT + 1];   /* [4] is overall */
        hd_report_ratio resolution[HD_PRIORITY_COUNT + 1]; /* met over measured */
    } sla;

    hd_report_mean time_to_respond; /* seconds */
    hd_report_mean time_to_resolve; /* seconds */

    struct {
        int64_t total;
        int64_t by_status[HD_STATUS_COUNT]; /* open statuses only; others stay 0 */
        int64_t by_age[HD_REPORT_AGE_COUNT];
    } backlog;
} hd_report;

/*
 * hd_report_compute - compute the report for [from, to) as of `now` (see
 * the definitions above) in one read transaction, so every figure sees the
 * same snapshot (when called inside the caller's transaction, it reads in
 * that one). Never writes and takes no write lock. The first call on a
 * connection registers the report's internal SQL functions (hd_report_*)
 * on it; they refuse to run from any other statement.
 *
 * Returns 0 and a report the caller releases with hd_report_free(), or
 * HD_EINVAL (from > to), HD_EBUSY or HD_EDB; *out is then NULL.
 */
int hd_report_compute(hd_desk *desk, int64_t from, int64_t to, int64_t now, hd_report **out);

/* hd_report_free - release a report and its names. Accepts NULL. */
void hd_report_free(hd_report *r);

/*
 * hd_report_json - the report as a JSON object; a new reference the caller
 * releases with json_decref(). Field names are stable:
 *
 * {"range": {"from": ISO-8601, "to": ISO-8601, "now": ISO-8601},
 *  "contacts": {"total": n, "by_outcome": {"open": n, "kb_resolved": n,
 *               "resolved": n, "ticket": n, "abandoned": n}},
 *  "first_contact_resolution": {"resolved": n, "contacts": n, "percent": x},
 *  "tickets": {"total": n,
 *              "by_type": {"incident": n, "service_request": n, "change": n,
 *                          "consultation": n, "complaint": n},
 *              "by_category": {name: n, ...}, "by_priority": {"P1": n, ...
 *              "P4": n}, "by_channel": {name: n, ...}},
 *  "complaint_rate": {"complaints": n, "incidents": n, "percent": x},
 *  "csat": {"answered": n,
 *           "real": {"count": n, "mean": x, "satisfied": n,
 *                    "satisfied_percent": x,
 *                    "by_rating": {"1": n, "2": n, "3": n, "4": n, "5": n}},
 *           "defaults": n, "not_fixed": n,
 *           "with_defaults": {"count": n, "mean": x}},
 *  "sla": {"response": {"P1": {"measured": n, "met": n, "percent": x}, ...
 *                       "P4": {...}, "overall": {...}},
 *          "resolution": {same shape}},
 *  "time_to_respond": {"count": n, "mean_secs": x},
 *  "time_to_resolve": {"count": n, "mean_secs": x},
 *  "backlog": {"total": n,
 *              "by_status": {"new": n, "assigned": n, "in_progress": n,
 *                            "pending": n, "reopened": n},
 *              "by_age": {"lt_1d": n, "1d_3d": n, "3d_7d": n, "7d_30d": n,
 *                         "ge_30d": n}}}
 *
 * n is an integer; x is a real, or null when the figure is absent (no
 * denominator). Percentages are 0-100, means are not rounded. Returns NULL
 * only if jansson cannot allocate.
 */
json_t *hd_report_json(const hd_report *r);

/*
 * hd_report_print - the report as human-readable text with aligned
 * columns, written to `out`. Absent figures print as "n/a".
 */
void hd_report_print(const hd_report *r, FILE *out);

#endif
