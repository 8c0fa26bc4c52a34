/*
 * survey.h - satisfaction surveys: one per resolution of a ticket, answered
 * with a rating 1-5 (which closes the ticket) or "not fixed" (which reopens
 * it), or given the configured default rating when the user stays silent.
 * Default ratings are flagged and kept apart in every figure.
 */
#ifndef HD_SURVEY_H
#define HD_SURVEY_H

#include "hd/ticket.h"

#include <stdint.h>

#define HD_SURVEY_NOT_FIXED 0 /* the "rating" that means it is still broken */

typedef struct hd_survey {
    int64_t id;
    int64_t ticket_id;
    char number[16];
    int resolution_no;
    int64_t sent_at, default_at, answered_at; /* answered_at 0 while open */
    int rating;                               /* 1..5, 0 when none */
    int not_fixed;
    int is_default;
    char *comment; /* may be NULL */
} hd_survey;

void hd_survey_free(hd_survey *s);

/*
 * hd_survey_latest - the most recent survey of ticket `number`, answered or
 * not. Returns 0 and a survey the caller frees, or HD_ENOTFOUND.
 */
int hd_survey_latest(hd_desk *desk, const char *number, hd_survey **out);

/*
 * hd_survey_answer - the requester answers the open survey of `number`:
 * a rating 1-5 closes the ticket; HD_SURVEY_NOT_FIXED reopens it (the
 * comment, if any, becomes the reason). One transaction. Returns 0 and the
 * updated ticket in *out (may be NULL), HD_EINVAL (rating out of range),
 * HD_ENOTFOUND (no survey), HD_ESTATE (already answered).
 */
int hd_survey_answer(hd_desk *desk, const char *number, int rating, const char *comment,
                     const char *actor, int64_t now, hd_ticket **out);

/*
 * hd_survey_comment - attach a comment to the latest answered survey of
 * `number` (the bot asks for one after a low rating).
 */
int hd_survey_comment(hd_desk *desk, const char *number, const char *comment);

/*
 * hd_survey_apply_defaults - give every survey whose default time has
 * passed the configured default rating, flagged as default, and close its
 * ticket. *applied (may be NULL) receives how many.
 */
int hd_survey_apply_defaults(hd_desk *desk, int64_t now, int *applied);

#endif
