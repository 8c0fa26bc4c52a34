/*
 * phrases.h - everything the bot says, in English and Chinese. A phrase is
 * a printf format; its comment lists the arguments in order.
 */
#ifndef HD_BOT_PHRASES_H
#define HD_BOT_PHRASES_H

#include "hd/intent.h"

typedef enum phrase {
    P_MENU, /* name */
    P_B_REPORT,
    P_B_REQUEST,
    P_B_HOWTO,
    P_B_MY_TICKETS,
    P_B_HUMAN,
    P_DESCRIBE_PROBLEM,
    P_DESCRIBE_REQUEST,
    P_DESCRIBE_HOWTO,
    P_CLARIFY,
    P_B_SOMETHING_ELSE,
    P_KB_FOUND, /* article title, snippet */
    P_KB_OTHERS,
    P_B_SOLVED,
    P_B_STILL,
    P_KB_SOLVED,
    P_KB_NONE,
    P_B_ASK_DESK,
    P_KB_CONTINUE,
    P_B_SKIP,
    P_B_CANCEL,
    P_SKIP_HINT,
    P_NOT_UNDERSTOOD, /* the question again */
    P_SUMMARY,
    P_F_DESCRIPTION,
    P_F_PRIORITY,
    P_B_SUBMIT,
    P_B_EDIT,
    P_EDIT_WHICH,
    P_CREATED, /* number, priority */
    P_SLA,     /* response time, resolution time */
    P_DROPPED,
    P_NOTHING_TO_CANCEL,
    P_THANKS,
    P_OUT_OF_SCOPE,
    P_SWITCH, /* label of the draft */
    P_B_KEEP,
    P_B_DROP,
    P_KEPT,
    P_EXPIRED, /* label, minutes */
    P_STATUS_NONE,
    P_STATUS_LIST,
    P_STATUS_LINE, /* number, title, status, priority */
    P_NOT_YOURS,
    P_NO_SUCH_TICKET, /* number */
    P_WHICH_TICKET,
    P_NUDGED,         /* group, number */
    P_NUDGE_TOO_SOON, /* number, minutes ago, minutes left */
    P_NUDGE_GROUP,    /* requester, number, title */
    P_ADD_WHAT,       /* number */
    P_ADDED,          /* number */
    P_ADD_GROUP,      /* requester, number, text */
    P_HUMAN,          /* number */
    P_COMPLAINT,      /* number */
    P_TICKET_FINAL,   /* number, status */
    P_SURVEY,         /* number, title, resolution */
    P_B_NOT_FIXED,
    P_THANKS_RATING,
    P_LOW_RATING,
    P_COMMENT_THANKS,
    P_REOPENED,       /* number */
    P_GROUP_REOPENED, /* number, requester, comment */
    P_BUTTON_EXPIRED,
    P_BUTTON_NOT_YOURS,
    P_BUTTON_UNKNOWN,
    P_AGENT_ONLY,       /* group */
    P_TAKEN_USER,       /* agent, number */
    P_TAKEN_GROUP,      /* agent, number */
    P_ESCALATED_USER,   /* number, group */
    P_ESCALATED_GROUP,  /* number, from group, agent */
    P_RESOLVE_NOTE,     /* number */
    P_RESOLVED_AGENT,   /* number */
    P_RESOLVED_GROUP,   /* number, agent, note */
    P_AGENT_FAILED,     /* reason */
    P_NEW_TICKET_GROUP, /* number, priority, label */
    P_F_REQUESTER,
    P_F_STATUS,
    P_F_GROUP,
    P_F_ASSIGNEE,
    P_F_RESPOND_BY,
    P_F_RESOLVE_BY,
    P_B_TAKE,
    P_B_ESCALATE,
    P_B_RESOLVE,
    P_CHOSE, /* label */
    P_HANDOVER_FLAG,
    P_CONSULT_TITLE,    /* (a prefix, no arguments) */
    P_SLA_WARN_GROUP,   /* number, target, due time */
    P_SLA_BREACH_GROUP, /* number, target, next group */
    P_SLA_BREACH_TOP,   /* number, target (no tier above) */
    P_SLA_ESCALATED_IN, /* number, target, from group */
    P_T_RESPONSE,
    P_T_RESOLUTION,
    P_COUNT
} phrase;

/* hd_say - the format of `p` in `lang`. Static. */
const char *hd_say(hd_lang lang, phrase p);

/* hd_slot_title - a human name for a ticket detail ("location" → "Location"). Static. */
const char *hd_slot_title(hd_lang lang, const char *slot);

/* hd_status_title - a ticket status in words ("in_progress" → "in progress"). Static. */
const char *hd_status_title(hd_lang lang, const char *status);

/*
 * hd_duration_words - `secs` of business time in plain words ("1 hour",
 * "15 minutes", "3 business days") into buf.
 */
void hd_duration_words(hd_lang lang, int64_t secs, int business, int64_t day_secs, char *buf,
                       size_t size);

#endif
