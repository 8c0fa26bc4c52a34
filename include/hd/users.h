/*
 * users.h - the users directory: employees and the chat identities that
 * point at them (platform + platform user id → employee).
 */
#ifndef HD_USERS_H
#define HD_USERS_H

#include "hd/desk.h"

#include <stdint.h>

typedef struct hd_employee {
    int64_t id;
    char *username; /* short handle, may be NULL */
    char *display_name;
    char *email; /* may be NULL */
    char *department;
    char *location;
    char *phone;
    int vip;
    char *service_level; /* "standard", "gold", … */
    char *lang;          /* preferred language, "en", "zh", … */
    int is_agent;
} hd_employee;

/* hd_employee_free - release an employee and its strings. Accepts NULL. */
void hd_employee_free(hd_employee *e);

/*
 * hd_users_get - the employee with `id`. Returns 0 and an employee the
 * caller frees, HD_ENOTFOUND or HD_EDB.
 */
int hd_users_get(hd_desk *desk, int64_t id, hd_employee **out);

/*
 * hd_users_find - the employee whose username or email (case-insensitive)
 * is `key`. Returns 0 and an employee the caller frees, or HD_ENOTFOUND.
 */
int hd_users_find(hd_desk *desk, const char *key, hd_employee **out);

/*
 * hd_users_upsert - add `e`, or update the employee with the same email (or,
 * without an email, the same username). e->display_name is required, and
 * one of username or email. *id_out (may be NULL) receives the row id.
 * Returns 0, HD_EINVAL (bad field), HD_EEXISTS (the username belongs to a
 * different employee than the email) or HD_EDB.
 */
int hd_users_upsert(hd_desk *desk, const hd_employee *e, int64_t *id_out, int64_t now);

/*
 * hd_users_identify - the employee behind a chat identity. If the identity
 * is unknown, `profile` (what the platform says of the user; may be NULL or
 * partial) is matched by email, then by username, to an existing employee,
 * else a new employee is created from it, and the identity is linked. Returns 0 and
 * the employee id in *out.
 */
int hd_users_identify(hd_desk *desk, const char *platform, const char *platform_user_id,
                      const hd_employee *profile, int64_t *out, int64_t now);

/*
 * hd_users_resolve - as hd_users_identify, returning the employee record
 * (the caller frees it). A known identity costs one query.
 */
int hd_users_resolve(hd_desk *desk, const char *platform, const char *platform_user_id,
                     const hd_employee *profile, hd_employee **out, int64_t now);

/*
 * hd_users_known - whether the chat identity is linked to an employee
 * already (1) or not yet (0; also when the database cannot say).
 */
int hd_users_known(hd_desk *desk, const char *platform, const char *platform_user_id);

/*
 * hd_users_identity - a chat identity of employee `employee_id`, preferring
 * platform `prefer` (may be NULL). Returns 0 with two strings the caller
 * frees, or HD_ENOTFOUND when the employee has never chatted.
 */
int hd_users_identity(hd_desk *desk, int64_t employee_id, const char *prefer, char **platform,
                      char **user_id);

typedef struct hd_users_import_stats {
    int added, updated;
} hd_users_import_stats;

/*
 * hd_users_import - import employees from CSV (a header row naming the
 * columns username, display_name, email, department, location, phone, vip,
 * service_level, lang, agent; RFC 4180 quoting) or JSON (an array of
 * objects with the same keys, or {"users": [...]}); the format is told by
 * the first non-blank character. `name` labels errors ("users.csv:12:
 * ..."). One transaction: any bad row imports nothing.
 */
int hd_users_import(hd_desk *desk, const char *name, const char *text, size_t len,
                    hd_users_import_stats *stats, int64_t now);

/* hd_users_import_file - hd_users_import on the contents of `path`. */
int hd_users_import_file(hd_desk *desk, const char *path, hd_users_import_stats *stats,
                         int64_t now);

/*
 * hd_users_list - the first `limit` employees by display name. The caller
 * frees the array with hd_employees_free().
 */
int hd_users_list(hd_desk *desk, int limit, hd_employee ***out, size_t *n);

/* hd_employees_free - free `n` employees and their array. Accepts NULL. */
void hd_employees_free(hd_employee **list, size_t n);

/* hd_users_count - number of employees. */
int hd_users_count(hd_desk *desk, int64_t *out);

#endif
