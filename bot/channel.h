/*
 * channel.h - the one small interface every chat channel implements
 * (console, Slack, Teams, Matrix, web; after Redis ConnectionType).
 *
 * A channel turns what its platform delivers into hd_turn values for the
 * dialogue, and renders the platform-neutral messages the dialogue returns.
 * Only channel files know a platform's wire format.
 */
#ifndef HD_BOT_CHANNEL_H
#define HD_BOT_CHANNEL_H

#include "dialogue.h"
#include "loop.h"

typedef struct hd_channel hd_channel;

/*
 * The function a channel calls with each user event; it runs the turn and
 * hands the replies back through the channels' send, all in one
 * transaction. Returns 0 once the effects are committed (the channel may
 * acknowledge the event), HD_EEXISTS for an event already handled (acknowledge
 * it again, nothing else), or the turn's database error (nothing was kept:
 * do not acknowledge).
 */
typedef int (*hd_deliver_fn)(hd_channel *ch, const hd_turn *turn, void *payload);

typedef struct hd_channel_type {
    const char *name;
    /* start - begin receiving; events go to `deliver`. */
    int (*start)(hd_channel *ch, hd_deliver_fn deliver, void *payload);
    /*
     * send - render one message and send it, or queue it in the outbox
     * (then it is part of the turn's transaction and goes out after it
     * commits). Returns 0 or a database error.
     */
    int (*send)(hd_channel *ch, const hd_message *m);
    /* stop - stop receiving; queued messages still go out while the loop runs. */
    void (*stop)(hd_channel *ch);
    /* status - one word or phrase for /healthz ("connected", "reconnecting", …). */
    const char *(*status)(const hd_channel *ch);
    /* free - release the channel. Accepts NULL. */
    void (*free)(hd_channel *ch);
    /*
     * http - answer a GET on the service's listener (the web chat's pages);
     * HD_ENOTFOUND when the path is not the channel's. NULL: it serves none.
     */
    int (*http)(hd_channel *ch, const hd_http_request *req, hd_http_response *res);
} hd_channel_type;

struct hd_channel {
    const hd_channel_type *type;
};

#endif
