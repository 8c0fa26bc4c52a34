/*
 * desk.h - the service-desk engine handle: one database and one validated
 * configuration. Every engine call (users, tickets, surveys, reports) takes
 * an hd_desk. One desk is used from one thread.
 */
#ifndef HD_DESK_H
#define HD_DESK_H

#include "hd/config.h"
#include "hd/store.h"

typedef struct hd_desk hd_desk;

/*
 * hd_desk_open - open the database at `db_path` (creating its parent
 * directory and the file if needed, migrating the schema) under `cfg`,
 * which must outlive the desk. Returns 0 and a desk to close with
 * hd_desk_close(), or an error from hd_store_open (HD_EIO, HD_EVERSION,
 * HD_EBUSY, HD_EDB).
 */
int hd_desk_open(hd_desk **out, const hd_config *cfg, const char *db_path);

/* hd_desk_close - close the database. Accepts NULL. */
void hd_desk_close(hd_desk *desk);

/* Borrowed for the desk's life. */
hd_store *hd_desk_store(hd_desk *desk);
const hd_config *hd_desk_config(const hd_desk *desk);

#endif
