/*
 * fuzz_slack_envelope.c - any bytes as a Socket Mode frame: the parser
 * never crashes, reads out of bounds or leaks, and whatever it extracts can
 * be acknowledged and rendered.
 */
#include "slack.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hd_slack_frame f;
    char *ack, *text;

    hd_slack_parse((const char *)data, size, "U0BOT", "B0BOT", &f);
    ack = hd_slack_ack(f.envelope_id);
    text = hd_slack_mrkdwn(f.text ? f.text : f.why);
    hd_free(ack);
    hd_free(text);
    hd_slack_frame_clear(&f);
    return 0;
}
