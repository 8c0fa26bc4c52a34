/*
 * survey_internal.h - what ticket.c asks of survey.c, private to core/.
 */
#ifndef HD_SURVEY_INTERNAL_H
#define HD_SURVEY_INTERNAL_H

#include "hd/desk.h"

#include <stdint.h>

/*
 * hd_survey__open - send the survey for resolution number `resolution_no`
 * of ticket `ticket_id`; its default rating falls due after the configured
 * number of days. Runs inside the caller's transaction.
 */
int hd_survey__open(hd_desk *desk, int64_t ticket_id, int resolution_no, int64_t now);

/*
 * hd_survey__supersede - a reopened ticket was not fixed: its unanswered
 * survey is closed as "not fixed" so no default rating is ever applied.
 */
int hd_survey__supersede(hd_desk *desk, int64_t ticket_id, int64_t now);

#endif
