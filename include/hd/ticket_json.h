/*
 * ticket_json.h - the stable JSON form of a ticket, used by the CLI's
 * --json output and by anything that hands tickets to other programs.
 * The fields are documented in README.md ("Ticket JSON").
 */
#ifndef HD_TICKET_JSON_H
#define HD_TICKET_JSON_H

#include "hd/ticket.h"

#include <jansson.h>

/*
 * hd_ticket_json - a new JSON object for `t`, with breach flags as of
 * `now`. The caller owns the reference.
 */
json_t *hd_ticket_json(const hd_ticket *t, int64_t now);

/* hd_time_json - an ISO-8601 UTC string, or null for 0. A new reference. */
json_t *hd_time_json(int64_t t);

#endif
