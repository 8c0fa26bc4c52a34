/*
 * web_internal.h - what the web chat's two files share: the channel itself
 * (chan_web.c: the sockets and the conversation) and its pages
 * (web_pages.c: HTTP, sign-in).
 */
#ifndef HD_BOT_WEB_INTERNAL_H
#define HD_BOT_WEB_INTERNAL_H

#include "chan_web.h"
#include "strmap.h"

#include "hd/users.h"

#define HD_WEB_NAME "web"
#define HD_WEB_SECRET "web_token_key"

typedef struct hd_web_peer hd_web_peer;

typedef struct hd_web {
    hd_channel base;
    hd_loop *loop;
    hd_desk *desk;
    hd_metrics *metrics;
    hd_deliver_fn deliver;
    void *deliver_payload;
    unsigned char key[HD_WEBAUTH_KEY];
    int dev_login; /* development sign-in is on */
    hd_web_peer *peers;
    char *origin;    /* of web_public_url, for the socket's Origin check; or NULL */
    hd_strmap rooms; /* log room ("user:alice", "group:desktop") → its live subscribers */
    struct hd_web_room *dirty; /* rooms with new entries to push */
    hd_timer *push;
    int started, stopping;

    /* Frames received and not yet run (run_batch), and the one whose turn runs. */
    struct hd_web_frame *queue, *queue_tail, *current;
    hd_timer *run;
} hd_web;

/*
 * hd_web__identify - who a token or a trusted header speaks for: the
 * directory's employee (the caller frees it) and, for an agent, that they
 * are one. Returns 0, HD_EINVAL (not a valid token), HD_EEXPIRED,
 * HD_ENOTFOUND (no such user), HD_EPERM (not an agent) or a database error.
 */
int hd_web__identify(hd_web *w, const char *token, const char *header_user, hd_web_role *role,
                     hd_employee **out);

/* hd_web__uid - the employee's id on the web channel (the username, else the email). */
const char *hd_web__uid(const hd_employee *e);

/* hd_web__http - the channel's HTTP answers: pages, assets, sign-in. */
int hd_web__http(hd_channel *ch, const hd_http_request *req, hd_http_response *res);

#endif
