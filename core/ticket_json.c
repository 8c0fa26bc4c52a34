/*
 * ticket_json.c - tickets as JSON.
 */
#include "hd/ticket_json.h"

#include "hd/timefmt.h"

#include <stdio.h>

json_t *hd_time_json(int64_t t)
{
    char buf[32];

    if (t == 0)
        return json_null();
    hd_time_format(t, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *hd_ticket_json(const hd_ticket *t, int64_t now)
{
    json_t *details = json_loads(t->details ? t->details : "{}", 0, NULL);
    char priority[4];

    snprintf(priority, sizeof(priority), "P%d", t->priority);
    if (!json_is_object(details)) {
        json_decref(details);
        details = json_object();
    }
    return json_pack(
        "{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s?, s:s?}, s:o, s:o, s:o, s:b,"
        " s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i,"
        " s:{s:o, s:o, s:b, s:b, s:b}}",
        "number", t->number, "type", hd_type_name(t->type), "category",
        opt_string(t->category), "title", t->title, "description",
        t->description ? t->description : "", "priority", priority, "impact",
        hd_impact_name(t->impact), "urgency", hd_urgency_name(t->urgency), "status",
        hd_status_name(t->status), "pending_reason", opt_string(t->pending_reason),
        "requester", "username", t->requester, "name", t->requester_name,
        "assignment_group", opt_string(t->assignment_group), "assignee", opt_string(t->assignee),
        "channel", opt_string(t->channel), "handover", t->handover, "details", details,
        "created_at", hd_time_json(t->created_at), "updated_at", hd_time_json(t->updated_at),
        "responded_at", hd_time_json(t->responded_at), "resolved_at",
        hd_time_json(t->resolved_at), "closed_at", hd_time_json(t->closed_at), "resolution",
        opt_string(t->resolution), "reopen_count", t->reopen_count, "sla", "response_due",
        hd_time_json(t->response_due), "resolution_due", hd_time_json(t->resolution_due),
        "response_breached", hd_ticket_response_breached(t, now), "resolution_breached",
        hd_ticket_resolution_breached(t, now), "paused", t->sla_paused_at != 0);
}
