/*
 * kb_tokenizer.h - the "deskbot" FTS5 tokenizer and the knowledge base's
 * ranking functions (deskbot_rank, deskbot_columns), private to core/.
 */
#ifndef HD_KB_TOKENIZER_H
#define HD_KB_TOKENIZER_H

#include <sqlite3.h>

/*
 * hd_kb__tokenizer_register - register the "deskbot" tokenizer and the
 * ranking functions on `db`. Must run on every connection before kb_fts is
 * touched. Returns 0 or HD_EDB.
 */
int hd_kb__tokenizer_register(sqlite3 *db);

#endif
