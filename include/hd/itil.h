/*
 * itil.h - the service-desk vocabulary: ticket types, impact, urgency,
 * priority and lifecycle states, with their stable names (used in the
 * database, the configuration, the CLI and JSON output).
 */
#ifndef HD_ITIL_H
#define HD_ITIL_H

typedef enum hd_ticket_type {
    HD_TYPE_INCIDENT,
    HD_TYPE_SERVICE_REQUEST,
    HD_TYPE_CHANGE,
    HD_TYPE_CONSULTATION,
    HD_TYPE_COMPLAINT,
    HD_TYPE_COUNT
} hd_ticket_type;

typedef enum hd_impact {
    HD_IMPACT_INDIVIDUAL,
    HD_IMPACT_TEAM,
    HD_IMPACT_ORGANISATION,
    HD_IMPACT_COUNT
} hd_impact;

typedef enum hd_urgency {
    HD_URGENCY_LOW,
    HD_URGENCY_MEDIUM,
    HD_URGENCY_HIGH,
    HD_URGENCY_CRITICAL,
    HD_URGENCY_COUNT
} hd_urgency;

typedef enum hd_status {
    HD_STATUS_NEW,
    HD_STATUS_ASSIGNED,
    HD_STATUS_IN_PROGRESS,
    HD_STATUS_PENDING,
    HD_STATUS_RESOLVED,
    HD_STATUS_CLOSED,
    HD_STATUS_CANCELLED,
    HD_STATUS_REOPENED,
    HD_STATUS_COUNT
} hd_status;

#define HD_PRIORITY_COUNT 4 /* P1 (most urgent) … P4 */

/*
 * Names: "incident", "service_request", "change", "consultation",
 * "complaint"; "individual", "team", "organisation"; "low", "medium",
 * "high", "critical"; "new", "assigned", "in_progress", "pending",
 * "resolved", "closed", "cancelled", "reopened". The *_name functions
 * return static strings; the *_parse functions return 0 or HD_EINVAL with
 * a detail listing the accepted words.
 */
const char *hd_type_name(hd_ticket_type t);
const char *hd_type_prefix(hd_ticket_type t); /* "INC", "REQ", "CHG", "CON", "CMP" */
int hd_type_parse(hd_ticket_type *out, const char *name);
const char *hd_impact_name(hd_impact i);
int hd_impact_parse(hd_impact *out, const char *name);
const char *hd_urgency_name(hd_urgency u);
int hd_urgency_parse(hd_urgency *out, const char *name);
const char *hd_status_name(hd_status s);
int hd_status_parse(hd_status *out, const char *name);

/* hd_status_is_open - not resolved, closed or cancelled. */
int hd_status_is_open(hd_status s);

/*
 * hd_status_can_move - whether the lifecycle allows from → to:
 *   new → assigned | cancelled
 *   assigned → in_progress | resolved | cancelled
 *   in_progress → pending | resolved | assigned (reassigned, escalated) | cancelled
 *   pending → in_progress | resolved | cancelled
 *   resolved → closed | reopened
 *   reopened → assigned | in_progress | cancelled
 *   closed, cancelled → nothing (final)
 */
int hd_status_can_move(hd_status from, hd_status to);

#endif
