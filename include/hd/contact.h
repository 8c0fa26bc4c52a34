/*
 * contact.h - contacts: each time an employee turns to the service desk,
 * and how it ended. First-contact resolution is measured on these.
 */
#ifndef HD_CONTACT_H
#define HD_CONTACT_H

#include "hd/desk.h"

#include <stdint.h>

typedef enum hd_contact_outcome {
    HD_CONTACT_OPEN,        /* still going */
    HD_CONTACT_KB_RESOLVED, /* a knowledge-base article solved it, no ticket */
    HD_CONTACT_RESOLVED,    /* solved during the contact itself */
    HD_CONTACT_TICKET,      /* handed over as a ticket */
    HD_CONTACT_ABANDONED    /* the user left or cancelled */
} hd_contact_outcome;

/* hd_contact_outcome_name - "open", "kb_resolved", "resolved", "ticket", "abandoned". */
const char *hd_contact_outcome_name(hd_contact_outcome o);

/*
 * hd_contact_open - record a new contact by `employee_id` (0 if unknown)
 * on `channel`; *out receives its id.
 */
int hd_contact_open(hd_desk *desk, int64_t employee_id, const char *channel, int64_t now,
                    int64_t *out);

/*
 * hd_contact_finish - record how contact `id` ended; `ticket_id` (0 for
 * none) links the ticket it produced. Returns 0 or HD_ENOTFOUND.
 */
int hd_contact_finish(hd_desk *desk, int64_t id, hd_contact_outcome outcome, int64_t ticket_id,
                      int64_t now);

#endif
