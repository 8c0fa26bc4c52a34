/*
 * slots.h - the slot extractors, shared by hd_nlu_parse() (every built-in
 * slot of a message) and hd_slot_extract() (one slot's answer).
 */
#ifndef HD_INTENTS_SLOTS_H
#define HD_INTENTS_SLOTS_H

#include "hd/intent.h"

#include "text.h"

/*
 * hd_slots__builtin_name - the name hd_nlu_parse() gives a slot of a
 * built-in type ("ticket", "impact", "urgency", "location", "asset_tag",
 * "phone", "email", "error", "since"), or NULL for text, enum and pattern.
 */
const char *hd_slots__builtin_name(hd_slot_type type);

/*
 * hd_slots__builtin - add to `p` every built-in slot found in `t`, under
 * the names above, for as long as `p` has room.
 */
void hd_slots__builtin(const hd_text *t, hd_parse *p);

/*
 * hd_slots__extract - the value of slot `def` in `t`: 1 and a new string
 * the caller frees with hd_free() in *out, or 0 and NULL.
 */
int hd_slots__extract(const hd_slot_def *def, const hd_text *t, char **out);

/*
 * hd_slots__add - add slot `name` = `value` to `p`, taking `value`; it is
 * freed instead when `p` is full or already has `name`.
 */
void hd_slots__add(hd_parse *p, const char *name, char *value);

#endif
