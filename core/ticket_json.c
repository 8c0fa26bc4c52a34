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

static void set(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

json_t *hd_ticket_json(const hd_ticket *t, int64_t now)
{
    json_t *o = json_object(), *requester = json_object(), *sla = json_object();
    json_t *details = json_loads(t->details ? t->details : "{}", 0, NULL);
    char priority[16];

    snprintf(priority, sizeof(priority), "P%d", t->priority);
    if (!json_is_object(details)) {
        json_decref(details);
        details = json_object();
    }
    set(requester, "username", opt_string(t->requester));
    set(requester, "name", opt_string(t->requester_name));
    set(sla, "response_due", hd_time_json(t->response_due));
    set(sla, "resolution_due", hd_time_json(t->resolution_due));
    set(sla, "response_breached", json_boolean(hd_ticket_response_breached(t, now)));
    set(sla, "resolution_breached", json_boolean(hd_ticket_resolution_breached(t, now)));
    set(sla, "paused", json_boolean(t->sla_paused_at != 0));

    set(o, "number", json_string(t->number));
    set(o, "type", json_string(hd_type_name(t->type)));
    set(o, "category", opt_string(t->category));
    set(o, "title", json_string(t->title));
    set(o, "description", json_string(t->description ? t->description : ""));
    set(o, "priority", json_string(priority));
    set(o, "impact", json_string(hd_impact_name(t->impact)));
    set(o, "urgency", json_string(hd_urgency_name(t->urgency)));
    set(o, "status", json_string(hd_status_name(t->status)));
    set(o, "pending_reason", opt_string(t->pending_reason));
    set(o, "requester", requester);
    set(o, "assignment_group", opt_string(t->assignment_group));
    set(o, "assignee", opt_string(t->assignee));
    set(o, "channel", opt_string(t->channel));
    set(o, "handover", json_boolean(t->handover));
    set(o, "details", details);
    set(o, "created_at", hd_time_json(t->created_at));
    set(o, "updated_at", hd_time_json(t->updated_at));
    set(o, "responded_at", hd_time_json(t->responded_at));
    set(o, "resolved_at", hd_time_json(t->resolved_at));
    set(o, "closed_at", hd_time_json(t->closed_at));
    set(o, "resolution", opt_string(t->resolution));
    set(o, "reopen_count", json_integer(t->reopen_count));
    set(o, "sla", sla);
    return o;
}
