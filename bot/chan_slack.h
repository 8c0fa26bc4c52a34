/*
 * chan_slack.h - the Slack channel: events arrive over Socket Mode, replies
 * leave through the Web API from the durable outbox (../shared/PROTOCOLS.md
 * §1). It runs on the service's event loop and never blocks it.
 */
#ifndef HD_BOT_CHAN_SLACK_H
#define HD_BOT_CHAN_SLACK_H

#include "channel.h"
#include "loop.h"
#include "metrics.h"

/*
 * hd_slack_channel_new - the Slack channel on `loop` for `desk`, counting
 * into `metrics`; all three must outlive it. The tokens come from
 * $SLACK_APP_TOKEN and $SLACK_BOT_TOKEN, or from the files named by the
 * slack_app_token_file and slack_bot_token_file settings; the Web API from
 * the slack_api_url setting ($SLACK_API_URL). Returns 0, HD_ENOTFOUND when
 * no Slack token is configured at all (Slack is off), or HD_ECONFIG when
 * the configuration is half done or a token is malformed (the detail says
 * which, never the token).
 */
int hd_slack_channel_new(hd_channel **out, hd_loop *loop, hd_desk *desk, hd_metrics *metrics);

#endif
