/*
 * itil.c - names of the service-desk vocabulary and the ticket lifecycle.
 */
#include "hd/itil.h"

#include "hd/common.h"

#include <stdio.h>
#include <string.h>

static const char *const type_names[HD_TYPE_COUNT] = {"incident", "service_request", "change",
                                                      "consultation", "complaint"};
static const char *const type_prefixes[HD_TYPE_COUNT] = {"INC", "REQ", "CHG", "CON", "CMP"};
static const char *const impact_names[HD_IMPACT_COUNT] = {"individual", "team", "organisation"};
static const char *const urgency_names[HD_URGENCY_COUNT] = {"low", "medium", "high", "critical"};
static const char *const status_names[HD_STATUS_COUNT] = {
    "new", "assigned", "in_progress", "pending", "resolved", "closed", "cancelled", "reopened"};

#define S(x) (1u << HD_STATUS_##x)
static const unsigned lifecycle[HD_STATUS_COUNT] = {
    [HD_STATUS_NEW] = S(ASSIGNED) | S(CANCELLED),
    [HD_STATUS_ASSIGNED] = S(IN_PROGRESS) | S(RESOLVED) | S(CANCELLED),
    [HD_STATUS_IN_PROGRESS] = S(PENDING) | S(RESOLVED) | S(ASSIGNED) | S(CANCELLED),
    [HD_STATUS_PENDING] = S(IN_PROGRESS) | S(RESOLVED) | S(CANCELLED),
    [HD_STATUS_RESOLVED] = S(CLOSED) | S(REOPENED),
    [HD_STATUS_CLOSED] = 0,
    [HD_STATUS_CANCELLED] = 0,
    [HD_STATUS_REOPENED] = S(ASSIGNED) | S(IN_PROGRESS) | S(CANCELLED),
};
#undef S

static int parse_word(int *out, const char *name, const char *const *names, int n, const char *what)
{
    char list[160] = "";
    size_t used = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (name && strcmp(name, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    for (i = 0; i < n && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
    return hd_error_set(HD_EINVAL, "unknown %s '%s' (expected one of: %s)", what, name ? name : "",
                        list);
}

const char *hd_type_name(hd_ticket_type t)
{
    return (unsigned)t < HD_TYPE_COUNT ? type_names[t] : "?";
}

const char *hd_type_prefix(hd_ticket_type t)
{
    return (unsigned)t < HD_TYPE_COUNT ? type_prefixes[t] : "?";
}

int hd_type_parse(hd_ticket_type *out, const char *name)
{
    int v = 0, rc = parse_word(&v, name, type_names, HD_TYPE_COUNT, "ticket type");

    if (rc == 0)
        *out = (hd_ticket_type)v;
    return rc;
}

const char *hd_impact_name(hd_impact i)
{
    return (unsigned)i < HD_IMPACT_COUNT ? impact_names[i] : "?";
}

int hd_impact_parse(hd_impact *out, const char *name)
{
    int v = 0, rc = parse_word(&v, name, impact_names, HD_IMPACT_COUNT, "impact");

    if (rc == 0)
        *out = (hd_impact)v;
    return rc;
}

const char *hd_urgency_name(hd_urgency u)
{
    return (unsigned)u < HD_URGENCY_COUNT ? urgency_names[u] : "?";
}

int hd_urgency_parse(hd_urgency *out, const char *name)
{
    int v = 0, rc = parse_word(&v, name, urgency_names, HD_URGENCY_COUNT, "urgency");

    if (rc == 0)
        *out = (hd_urgency)v;
    return rc;
}

const char *hd_status_name(hd_status s)
{
    return (unsigned)s < HD_STATUS_COUNT ? status_names[s] : "?";
}

int hd_status_parse(hd_status *out, const char *name)
{
    int v = 0, rc = parse_word(&v, name, status_names, HD_STATUS_COUNT, "status");

    if (rc == 0)
        *out = (hd_status)v;
    return rc;
}

int hd_status_is_open(hd_status s)
{
    return s != HD_STATUS_RESOLVED && s != HD_STATUS_CLOSED && s != HD_STATUS_CANCELLED;
}

int hd_status_can_move(hd_status from, hd_status to)
{
    if ((unsigned)from >= HD_STATUS_COUNT || (unsigned)to >= HD_STATUS_COUNT)
        return 0;
    return (lifecycle[from] >> to) & 1u;
}
