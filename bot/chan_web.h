/*
 * chan_web.h - the web chat: deskbot's own channel, served on the
 * service's HTTP listener. Employees chat on `/`, agents work their groups'
 * rooms on `/agents`, both live over a WebSocket (/ws) speaking the JSON
 * protocol of docs/webchat-protocol.md. Every entry of a conversation is
 * kept, numbered, in the chat log, so a page that reconnects gets exactly
 * what it missed.
 */
#ifndef HD_BOT_CHAN_WEB_H
#define HD_BOT_CHAN_WEB_H

#include "channel.h"
#include "loop.h"
#include "metrics.h"
#include "webauth.h"

/*
 * hd_web_channel_new - the web chat on `loop` for `desk`, counting into
 * `metrics`; all three must outlive it. Returns 0, HD_ENOTFOUND when
 * web_enabled is off, or a database error (its token key is read or made).
 */
int hd_web_channel_new(hd_channel **out, hd_loop *loop, hd_desk *desk, hd_metrics *metrics);

/*
 * hd_web_link - a sign-in URL for `who` (a username or email of the
 * directory) valid for `hours`: the employee chat, or the agents' room for
 * HD_WEB_AGENT, on web_public_url (else http://<http_listen>). Returns 0
 * and the URL (the caller's) in *out; HD_ENOTFOUND for nobody of that
 * name, HD_EPERM for an agent link to someone who is no group's agent,
 * HD_ECONFIG when the address is not known (port 0 and no public URL), or
 * a database error.
 */
int hd_web_link(hd_desk *desk, hd_web_role role, const char *who, int hours, int64_t now,
                char **out);

#endif
