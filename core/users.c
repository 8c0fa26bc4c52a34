/*
 * users.c - the users directory: employees, their chat identities, and
 * imports from CSV or JSON files.
 */
#include "hd/users.h"

#include "hd/fileio.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

#define MAX_IMPORT_BYTES (64u << 20)

void hd_employee_free(hd_employee *e)
{
    if (e == NULL)
        return;
    hd_free(e->username);
    hd_free(e->display_name);
    hd_free(e->email);
    hd_free(e->department);
    hd_free(e->location);
    hd_free(e->phone);
    hd_free(e->service_level);
    hd_free(e->lang);
    hd_free(e);
}

#define EMPLOYEE_COLUMNS                                                                           \
    "id, username, display_name, email, department, location, phone, vip, service_level, lang,"    \
    " is_agent"

static hd_employee *employee_from_row(sqlite3_stmt *s)
{
    hd_employee *e = hd_calloc(1, sizeof(*e));

    e->id = sqlite3_column_int64(s, 0);
    e->username = hd_store__column_dup(s, 1);
    e->display_name = hd_store__column_dup(s, 2);
    e->email = hd_store__column_dup(s, 3);
    e->department = hd_store__column_dup(s, 4);
    e->location = hd_store__column_dup(s, 5);
    e->phone = hd_store__column_dup(s, 6);
    e->vip = sqlite3_column_int(s, 7);
    e->service_level = hd_store__column_dup(s, 8);
    e->lang = hd_store__column_dup(s, 9);
    e->is_agent = sqlite3_column_int(s, 10);
    return e;
}

static int fetch_one(hd_store *st, sqlite3_stmt *s, hd_employee **out, const char *what)
{
    int rc = sqlite3_step(s);

    if (rc == SQLITE_ROW) {
        *out = employee_from_row(s);
        sqlite3_reset(s);
        return 0;
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return hd_error_set(HD_ENOTFOUND, "no employee %s", what);
    return hd_store__error(st, rc, "look up employee");
}

int hd_users_get(hd_desk *desk, int64_t id, hd_employee **out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s =
        hd_store__stmt(st, "SELECT " EMPLOYEE_COLUMNS " FROM employees WHERE id = ?1");
    char what[48];

    *out = NULL;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, id);
    snprintf(what, sizeof(what), "with id %lld", (long long)id);
    return fetch_one(st, s, out, what);
}

int hd_users_find(hd_desk *desk, const char *key, hd_employee **out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT " EMPLOYEE_COLUMNS " FROM employees"
                                         " WHERE username = ?1 OR email = ?1 LIMIT 1");
    char what[160];

    *out = NULL;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    snprintf(what, sizeof(what), "named '%.120s'", key);
    return fetch_one(st, s, out, what);
}

int hd_users_list(hd_desk *desk, int limit, hd_employee ***out, size_t *n)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT " EMPLOYEE_COLUMNS " FROM employees"
                                         " ORDER BY display_name, id LIMIT ?1");
    hd_employee **list = NULL;
    size_t count = 0, cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int(s, 1, limit);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? 2 * cap : 16;
            list = hd_realloc(list, cap * sizeof(*list));
        }
        list[count++] = employee_from_row(s);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        hd_employees_free(list, count);
        return hd_store__error(st, rc, "list employees");
    }
    *out = list;
    *n = count;
    return 0;
}

void hd_employees_free(hd_employee **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_employee_free(list[i]);
    hd_free(list);
}

static int is_blank(const char *s)
{
    return s == NULL || s[0] == '\0';
}

static int lookup_id(hd_store *st, const char *sql, const char *key, int64_t *out)
{
    sqlite3_stmt *s = hd_store__stmt(st, sql);
    int rc;

    *out = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "look up employee");
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (is_blank(v))
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

static int validate(const hd_employee *e)
{
    if (is_blank(e->display_name))
        return hd_error_set(HD_EINVAL, "an employee needs a display name");
    if (is_blank(e->username) && is_blank(e->email))
        return hd_error_set(HD_EINVAL, "employee '%s' needs a username or an email",
                            e->display_name);
    if (!is_blank(e->email) && (strchr(e->email, '@') == NULL || strchr(e->email, ' ')))
        return hd_error_set(HD_EINVAL, "'%s' is not an email address", e->email);
    if (!is_blank(e->username)) {
        const char *p;

        for (p = e->username; *p; p++)
            if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
                return hd_error_set(HD_EINVAL, "username '%s' must not contain spaces",
                                    e->username);
    }
    if (e->vip != 0 && e->vip != 1)
        return hd_error_set(HD_EINVAL, "vip must be 0 or 1");
    return 0;
}

static int upsert(hd_desk *desk, const hd_employee *e, int64_t *id_out, int *created, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    int64_t by_email = 0, by_name = 0, id;
    sqlite3_stmt *s;
    int err, rc;

    if ((err = validate(e)) != 0)
        return err;
    if (!is_blank(e->email) && (err = lookup_id(st, "SELECT id FROM employees WHERE email = ?1",
                                                e->email, &by_email)) != 0)
        return err;
    if (!is_blank(e->username) &&
        (err = lookup_id(st, "SELECT id FROM employees WHERE username = ?1", e->username,
                         &by_name)) != 0)
        return err;
    if (by_email && by_name && by_email != by_name)
        return hd_error_set(HD_EEXISTS, "username '%s' already belongs to another employee",
                            e->username);
    id = by_email ? by_email : by_name;

    if (id) {
        s = hd_store__stmt(st, "UPDATE employees SET username = coalesce(?2, username),"
                               " display_name = ?3, email = coalesce(?4, email),"
                               " department = ?5, location = ?6, phone = ?7, vip = ?8,"
                               " service_level = ?9, lang = ?10, is_agent = ?11,"
                               " updated_at = ?12 WHERE id = ?1");
    } else {
        s = hd_store__stmt(st, "INSERT INTO employees (id, username, display_name, email,"
                               " department, location, phone, vip, service_level, lang,"
                               " is_agent, created_at, updated_at)"
                               " VALUES (NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                               " ?12)");
    }
    if (s == NULL)
        return HD_EDB;
    if (id)
        sqlite3_bind_int64(s, 1, id);
    bind_opt(s, 2, e->username);
    sqlite3_bind_text(s, 3, e->display_name, -1, SQLITE_TRANSIENT);
    bind_opt(s, 4, e->email);
    bind_opt(s, 5, e->department);
    bind_opt(s, 6, e->location);
    bind_opt(s, 7, e->phone);
    sqlite3_bind_int(s, 8, e->vip);
    sqlite3_bind_text(
        s, 9, is_blank(e->service_level) ? (e->vip ? "gold" : "standard") : e->service_level, -1,
        SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, is_blank(e->lang) ? "en" : e->lang, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 11, e->is_agent ? 1 : 0);
    sqlite3_bind_int64(s, 12, now);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return hd_store__error(st, rc, "save employee");
    if (id_out)
        *id_out = id ? id : sqlite3_last_insert_rowid(hd_store_db(st));
    if (created)
        *created = id == 0;
    return 0;
}

int hd_users_upsert(hd_desk *desk, const hd_employee *e, int64_t *id_out, int64_t now)
{
    return upsert(desk, e, id_out, NULL, now);
}

static int link_identity(hd_store *st, const char *platform, const char *uid, int64_t emp)
{
    sqlite3_stmt *s = hd_store__stmt(st, "INSERT INTO identities (platform, platform_user_id,"
                                         " employee_id) VALUES (?1, ?2, ?3)");
    int rc;

    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, platform, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, uid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, emp);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "link chat identity");
}

static int find_identity(hd_store *st, const char *platform, const char *uid, int64_t *out)
{
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT employee_id FROM identities"
                                         " WHERE platform = ?1 AND platform_user_id = ?2");
    int rc;

    *out = 0;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_text(s, 1, platform, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, uid, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : hd_store__error(st, rc, "find identity");
}

int hd_users_identify(hd_desk *desk, const char *platform, const char *platform_user_id,
                      const hd_employee *profile, int64_t *out, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    hd_employee fresh = {0};
    char *name = NULL;
    int64_t id = 0;
    int err;

    *out = 0;
    if (is_blank(platform) || is_blank(platform_user_id))
        return hd_error_set(HD_EINVAL, "a chat identity needs a platform and a user id");
    if ((err = find_identity(st, platform, platform_user_id, &id)) != 0 || id != 0) {
        *out = id;
        return err;
    }
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if (profile && !is_blank(profile->email) &&
        (err = lookup_id(st, "SELECT id FROM employees WHERE email = ?1", profile->email, &id)) !=
            0)
        goto cleanup;
    /* A platform that knows the directory's usernames (the console) links by them. */
    if (id == 0 && profile && !is_blank(profile->username) &&
        (err = lookup_id(st, "SELECT id FROM employees WHERE username = ?1", profile->username,
                         &id)) != 0)
        goto cleanup;
    if (id == 0) {
        if (profile)
            fresh = *profile;
        fresh.id = 0;
        /* A platform that tells us nothing still yields a usable record. */
        if (is_blank(fresh.display_name))
            fresh.display_name = (char *)platform_user_id;
        if (is_blank(fresh.email) && is_blank(fresh.username)) {
            name = hd_sprintf("%s:%s", platform, platform_user_id);
            fresh.username = name;
        }
        if ((err = hd_users_upsert(desk, &fresh, &id, now)) != 0)
            goto cleanup;
    }
    if ((err = link_identity(st, platform, platform_user_id, id)) != 0)
        goto cleanup;
    err = hd_store_commit(st);

cleanup:
    if (err)
        hd_store_rollback(st);
    else
        *out = id;
    hd_free(name);
    return err;
}

int hd_users_identity(hd_desk *desk, int64_t employee_id, const char *prefer, char **platform,
                      char **user_id)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT platform, platform_user_id FROM identities"
                                         " WHERE employee_id = ?1"
                                         " ORDER BY platform = ?2 DESC, platform LIMIT 1");
    int rc;

    *platform = *user_id = NULL;
    if (s == NULL)
        return HD_EDB;
    sqlite3_bind_int64(s, 1, employee_id);
    sqlite3_bind_text(s, 2, prefer ? prefer : "", -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *platform = hd_store__column_dup(s, 0);
        *user_id = hd_store__column_dup(s, 1);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return HD_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "find chat identity");
}

int hd_users_resolve(hd_desk *desk, const char *platform, const char *platform_user_id,
                     const hd_employee *profile, hd_employee **out, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT e.id, e.username, e.display_name, e.email, e.department, e.location,"
            " e.phone, e.vip, e.service_level, e.lang, e.is_agent"
            " FROM identities i JOIN employees e ON e.id = i.employee_id"
            " WHERE i.platform = ?1 AND i.platform_user_id = ?2");
    int64_t id;
    int err;

    *out = NULL;
    if (s == NULL)
        return HD_EDB;
    /* The common case, a known identity, is one query. */
    sqlite3_bind_text(s, 1, platform ? platform : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, platform_user_id ? platform_user_id : "", -1, SQLITE_TRANSIENT);
    if ((err = fetch_one(st, s, out, "for this identity")) != HD_ENOTFOUND)
        return err;
    if ((err = hd_users_identify(desk, platform, platform_user_id, profile, &id, now)) != 0)
        return err;
    return hd_users_get(desk, id, out);
}

int hd_users_count(hd_desk *desk, int64_t *out)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(st, "SELECT count(*) FROM employees");
    int rc;

    if (s == NULL)
        return HD_EDB;
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : hd_store__error(st, rc, "count employees");
}

/* ---- import ---------------------------------------------------------- */

enum field {
    F_USERNAME,
    F_DISPLAY_NAME,
    F_EMAIL,
    F_DEPARTMENT,
    F_LOCATION,
    F_PHONE,
    F_VIP,
    F_SERVICE_LEVEL,
    F_LANG,
    F_AGENT,
    F_COUNT
};

static const char *const field_names[F_COUNT] = {
    "username", "display_name", "email",         "department", "location",
    "phone",    "vip",          "service_level", "lang",       "agent"};

static int field_lookup(const char *name)
{
    int i;

    for (i = 0; i < F_COUNT; i++)
        if (strcasecmp(name, field_names[i]) == 0)
            return i;
    return -1;
}

static int parse_flag(const char *v, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "y"};
    static const char *const no[] = {"0", "false", "no", "n", ""};
    size_t i;

    for (i = 0; i < HD_ARRAY_SIZE(yes); i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, 0;
    for (i = 0; i < HD_ARRAY_SIZE(no); i++)
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, 0;
    return -1;
}

/* Save one record whose fields are in `v` (NULL = absent). */
static int import_record(hd_desk *desk, const char *name, int line, char *const *v,
                         hd_users_import_stats *stats, int64_t now)
{
    hd_employee e = {0};
    int err, created;

    e.username = v[F_USERNAME];
    e.display_name = is_blank(v[F_DISPLAY_NAME]) ? v[F_USERNAME] : v[F_DISPLAY_NAME];
    e.email = v[F_EMAIL];
    e.department = v[F_DEPARTMENT];
    e.location = v[F_LOCATION];
    e.phone = v[F_PHONE];
    e.service_level = v[F_SERVICE_LEVEL];
    e.lang = v[F_LANG];
    if (v[F_VIP] && parse_flag(v[F_VIP], &e.vip) != 0)
        return hd_error_set(HD_EPARSE, "%s:%d: vip must be 0/1, yes/no or true/false, not '%s'",
                            name, line, v[F_VIP]);
    if (v[F_AGENT] && parse_flag(v[F_AGENT], &e.is_agent) != 0)
        return hd_error_set(HD_EPARSE, "%s:%d: agent must be 0/1, yes/no or true/false, not '%s'",
                            name, line, v[F_AGENT]);
    if ((err = upsert(desk, &e, NULL, &created, now)) != 0)
        return hd_error_set(err == HD_EDB ? HD_EDB : HD_EPARSE, "%s:%d: %s", name, line,
                            hd_error_last());
    if (created)
        stats->added++;
    else
        stats->updated++;
    return 0;
}

/*
 * A minimal RFC 4180 reader: fields separated by commas, optionally quoted
 * with "" as an escaped quote; records end at CRLF or LF outside quotes.
 * Returns 1 with a record, 0 at the end, -1 on a malformed record.
 */
typedef struct csv {
    const char *p, *end;
    int line;
} csv;

static int csv_record(csv *c, char ***fields, size_t *n)
{
    size_t cap = 8;

    *n = 0;
    if (c->p >= c->end)
        return 0;
    *fields = hd_calloc(cap, sizeof(char *));
    for (;;) {
        char *buf = hd_malloc((size_t)(c->end - c->p) + 1);
        size_t len = 0;

        if (c->p < c->end && *c->p == '"') {
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    hd_free(buf);
                    return -1;
                }
                if (*c->p == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        buf[len++] = '"';
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (*c->p == '\n')
                    c->line++;
                buf[len++] = *c->p++;
            }
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                hd_free(buf);
                return -1;
            }
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                if (*c->p == '"') {
                    hd_free(buf);
                    return -1;
                }
                buf[len++] = *c->p++;
            }
        }
        buf[len] = '\0';
        if (*n == cap)
            *fields = hd_realloc(*fields, (cap *= 2) * sizeof(char *));
        (*fields)[(*n)++] = buf;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n')
            c->p++;
        c->line++;
        return 1;
    }
}

static void free_fields(char **f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        hd_free(f[i]);
    hd_free(f);
}

static void trim(char *s)
{
    size_t len = strlen(s), start = 0;

    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    while (isspace((unsigned char)s[start]))
        start++;
    memmove(s, s + start, len - start + 1);
}

static int import_csv(hd_desk *desk, const char *name, const char *text, size_t len,
                      hd_users_import_stats *stats, int64_t now)
{
    csv c = {text, text + len, 1};
    int map[64];
    char **f = NULL;
    char *v[F_COUNT];
    size_t n = 0, i, ncols;
    int line, rc, err = 0;

    line = c.line;
    rc = csv_record(&c, &f, &n);
    if (rc <= 0) {
        err = hd_error_set(HD_EPARSE, "%s:1: %s", name,
                           rc == 0 ? "empty file, expected a header row" : "malformed header");
        goto cleanup;
    }
    if (n > HD_ARRAY_SIZE(map)) {
        err = hd_error_set(HD_EPARSE, "%s:1: too many columns (%zu)", name, n);
        goto cleanup;
    }
    ncols = n;
    for (i = 0; i < n; i++) {
        trim(f[i]);
        map[i] = field_lookup(f[i]);
        if (map[i] < 0) {
            err = hd_error_set(HD_EPARSE,
                               "%s:1: unknown column '%s' (expected username, display_name, "
                               "email, department, location, phone, vip, service_level, lang, "
                               "agent)",
                               name, f[i]);
            goto cleanup;
        }
    }
    free_fields(f, n);
    f = NULL;
    for (;;) {
        line = c.line;
        rc = csv_record(&c, &f, &n);
        if (rc == 0)
            break;
        if (rc < 0) {
            err = hd_error_set(HD_EPARSE, "%s:%d: unterminated or misplaced quote", name, line);
            goto cleanup;
        }
        if (n == 1 && f[0][0] == '\0') { /* a blank line */
            free_fields(f, n);
            f = NULL;
            continue;
        }
        if (n != ncols) {
            err = hd_error_set(HD_EPARSE, "%s:%d: %zu fields where the header has %zu", name, line,
                               n, ncols);
            goto cleanup;
        }
        memset(v, 0, sizeof(v));
        for (i = 0; i < n; i++) {
            trim(f[i]);
            v[map[i]] = f[i];
        }
        if ((err = import_record(desk, name, line, v, stats, now)) != 0)
            goto cleanup;
        free_fields(f, n);
        f = NULL;
    }

cleanup:
    free_fields(f, n);
    return err;
}

static int import_json(hd_desk *desk, const char *name, const char *text, size_t len,
                       hd_users_import_stats *stats, int64_t now)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *arr, *obj;
    char *v[F_COUNT];
    char *owned[F_COUNT];
    size_t i;
    int err = 0, k;

    if (root == NULL)
        return hd_error_set(HD_EPARSE, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
    arr = json_is_object(root) ? json_object_get(root, "users") : root;
    if (!json_is_array(arr)) {
        err = hd_error_set(HD_EPARSE, "%s: expected an array of users or {\"users\": [...]}", name);
        goto cleanup;
    }
    json_array_foreach(arr, i, obj)
    {
        const char *key;
        json_t *val;

        memset(v, 0, sizeof(v));
        memset(owned, 0, sizeof(owned));
        if (!json_is_object(obj)) {
            err = hd_error_set(HD_EPARSE, "%s: users[%zu] is not an object", name, i);
            goto cleanup;
        }
        json_object_foreach(obj, key, val)
        {
            k = field_lookup(key);
            if (k < 0) {
                err = hd_error_set(HD_EPARSE, "%s: users[%zu]: unknown field '%s'", name, i, key);
                break;
            }
            if (json_is_string(val))
                owned[k] = hd_strdup(json_string_value(val));
            else if (json_is_boolean(val) || json_is_integer(val))
                owned[k] = hd_sprintf("%d", json_is_true(val) || (json_is_integer(val) &&
                                                                  json_integer_value(val) != 0));
            else if (!json_is_null(val)) {
                err = hd_error_set(HD_EPARSE, "%s: users[%zu].%s must be a string", name, i, key);
                break;
            }
            v[k] = owned[k];
        }
        if (err == 0)
            err = import_record(desk, name, (int)i + 1, v, stats, now);
        for (k = 0; k < F_COUNT; k++)
            hd_free(owned[k]);
        if (err)
            goto cleanup;
    }

cleanup:
    json_decref(root);
    return err;
}

int hd_users_import(hd_desk *desk, const char *name, const char *text, size_t len,
                    hd_users_import_stats *stats, int64_t now)
{
    hd_store *st = hd_desk_store(desk);
    hd_users_import_stats local = {0};
    size_t i = 0;
    int err;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (memchr(text, '\0', len) != NULL)
        return hd_error_set(HD_EPARSE, "%s: binary data (a NUL byte) in a users file", name);
    while (i < len && isspace((unsigned char)text[i]))
        i++;
    if ((err = hd_store_begin(st)) != 0)
        return err;
    if (i < len && (text[i] == '[' || text[i] == '{'))
        err = import_json(desk, name, text, len, &local, now);
    else
        err = import_csv(desk, name, text, len, &local, now);
    if (err == 0)
        err = hd_store_commit(st);
    else
        hd_store_rollback(st);
    if (err == 0 && stats)
        *stats = local;
    return err;
}

int hd_users_import_file(hd_desk *desk, const char *path, hd_users_import_stats *stats, int64_t now)
{
    char *text;
    size_t len;
    int err;

    if ((err = hd_file_read(path, MAX_IMPORT_BYTES, &text, &len)) != 0)
        return err;
    err = hd_users_import(desk, path, text, len, stats, now);
    hd_free(text);
    return err;
}

int hd_users_known(hd_desk *desk, const char *platform, const char *platform_user_id)
{
    hd_store *st = hd_desk_store(desk);
    sqlite3_stmt *s = hd_store__stmt(
        st, "SELECT 1 FROM identities WHERE platform = ?1 AND platform_user_id = ?2");
    int rc;

    if (s == NULL)
        return 0;
    sqlite3_bind_text(s, 1, platform, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, platform_user_id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW;
}
