/*
 * web_pages.c - the web chat's HTTP side: the two pages and their assets
 * (built into the binary from bot/web/), sign-in links, the development
 * sign-in, and the clear pages a bad or expired link gets.
 */
#include "buf.h"
#include "web_internal.h"

#include "hd/chatlog.h"
#include "hd/config.h"
#include "hd/embedded.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define ARG 1024        /* bytes of a query argument */
#define DEV_USERS 500   /* people listed by the development sign-in */
#define ASSET_CACHE 300 /* seconds a page's CSS and JavaScript may be cached */

static int agent_of_any(const hd_config *cfg, const char *username)
{
    size_t i;

    for (i = 0; username && i < cfg->n_groups; i++)
        if (hd_config_is_agent_of(&cfg->groups[i], username))
            return 1;
    return 0;
}

/*
 * The employee `who` names, and for an agent's session, that they are one:
 * 0, HD_ENOTFOUND (nobody of that name), HD_EPERM (no group's agent), or a
 * database error.
 */
static int find_person(hd_desk *desk, hd_web_role role, const char *who, hd_employee **out)
{
    hd_employee *e = NULL;
    int err = hd_users_find(desk, who, &e);

    *out = NULL;
    if (err)
        return err;
    if (role == HD_WEB_AGENT && !agent_of_any(hd_desk_config(desk), e->username)) {
        err = hd_error_set(HD_EPERM, "'%s' is not an agent of any group", who);
        hd_employee_free(e);
        return err;
    }
    *out = e;
    return 0;
}

int hd_web__identify(hd_web *w, const char *token, const char *header_user, hd_web_role *role,
                     hd_employee **out)
{
    char *who = NULL;
    int err;

    *out = NULL;
    if (token) {
        if ((err = hd_webauth_verify(w->key, token, (int64_t)time(NULL), role, &who)) != 0)
            return err;
        err = find_person(w->desk, *role, who, out);
        hd_free(who);
        return err;
    }
    if (header_user && header_user[0]) {
        *role = HD_WEB_EMPLOYEE;
        return find_person(w->desk, HD_WEB_EMPLOYEE, header_user, out);
    }
    return hd_error_set(HD_EINVAL, "no sign-in token");
}

/* The base of the pages' URLs, without a trailing slash. The caller frees it. */
static char *public_base(const hd_config *cfg)
{
    char *base = cfg->web_public_url ? hd_strdup(cfg->web_public_url)
                                     : hd_sprintf("http://%s", cfg->http_listen);
    size_t n = strlen(base);

    while (n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    return base;
}

static char *link_for(const unsigned char key[HD_WEBAUTH_KEY], const char *base, hd_web_role role,
                      const char *uid, int64_t expires)
{
    char *token = hd_webauth_issue(key, role, uid, expires);
    char *url = hd_sprintf("%s/%s?token=%s", base, role == HD_WEB_AGENT ? "agents" : "", token);

    hd_free(token);
    return url;
}

int hd_web_link(hd_desk *desk, hd_web_role role, const char *who, int hours, int64_t now,
                char **out)
{
    const hd_config *cfg = hd_desk_config(desk);
    unsigned char key[HD_WEBAUTH_KEY];
    hd_employee *e = NULL;
    char *base;
    int err;

    *out = NULL;
    if ((err = find_person(desk, role, who, &e)) != 0)
        return err;
    if (cfg->web_public_url == NULL && strlen(cfg->http_listen) > 2 &&
        strcmp(cfg->http_listen + strlen(cfg->http_listen) - 2, ":0") == 0) {
        err = hd_error_set(HD_ECONFIG,
                           "http_listen %s picks its port at start: set"
                           " web_public_url to where people reach the pages",
                           cfg->http_listen);
        goto cleanup;
    }
    if ((err = hd_secret_get(desk, HD_WEB_SECRET, key, sizeof(key), now)) != 0)
        goto cleanup;
    base = public_base(cfg);
    *out = link_for(key, base, role, hd_web__uid(e), now + (int64_t)hours * 3600);
    hd_free(base);

cleanup:
    hd_employee_free(e);
    return err;
}

/* ---- HTML ------------------------------------------------------------------- */

static void put_escaped(hd_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            hd_buf_put(b, "&amp;", 5);
            break;
        case '<':
            hd_buf_put(b, "&lt;", 4);
            break;
        case '>':
            hd_buf_put(b, "&gt;", 4);
            break;
        case '"':
            hd_buf_put(b, "&quot;", 6);
            break;
        case '\'':
            hd_buf_put(b, "&#39;", 5);
            break;
        default:
            hd_buf_put(b, s, 1);
        }
    }
}

static void put(hd_buf *b, const char *s)
{
    hd_buf_put(b, s, strlen(s));
}

/* Percent-encode `s` for a query string. */
static void put_query(hd_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3];

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            hd_buf_put(b, s, 1);
        } else {
            esc[0] = '%';
            esc[1] = hex[c >> 4];
            esc[2] = hex[c & 15];
            hd_buf_put(b, esc, 3);
        }
    }
}

static void page_open(hd_buf *b, const char *title)
{
    put(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<link rel=\"icon\" href=\"data:,\">"
           "<link rel=\"stylesheet\" href=\"/static/style.css\"><title>");
    put_escaped(b, title);
    put(b, "</title></head><body class=\"plain\"><main class=\"plain-page\"><h1>");
    put_escaped(b, title);
    put(b, "</h1>\n");
}

static void page_close(hd_buf *b, hd_http_response *res)
{
    put(b, "</main></body></html>\n");
    res->content_type = "text/html; charset=utf-8";
    res->body = b->s;
    res->len = b->len;
    b->s = NULL;
}

static int message_page(hd_http_response *res, int status, const char *title, const char *text)
{
    hd_buf b = {0};

    page_open(&b, title);
    put(&b, "<p id=\"fatal\">");
    put_escaped(&b, text);
    put(&b, "</p>\n<p>Ask the IT service desk for a new link, or, if you run deskbot, make one"
            " with <code>deskbot webchat-link --user NAME</code>.</p>\n");
    page_close(&b, res);
    res->status = status;
    return 0;
}

/* A page, unless the link that opened it is bad: then a page that says so. */
static int serve_page(hd_web *w, const hd_http_request *req, hd_http_response *res,
                      hd_web_role role, const char *file)
{
    char token[ARG];
    const char *html;
    hd_employee *e = NULL;
    hd_web_role got;
    int err;

    if (hd_http_arg(req, "token", token, sizeof(token)) >= 0) {
        err = hd_web__identify(w, token, NULL, &got, &e);
        hd_employee_free(e);
        if (err == HD_EEXPIRED)
            return message_page(res, 403, "This sign-in link has expired",
                                "The link you opened was valid once, but it has expired.");
        if (err)
            return message_page(res, 403, "This sign-in link is not valid",
                                "The link you opened is not one this desk issued, or it was"
                                " changed on the way.");
        if (got != role)
            return message_page(res, 403, "This link is for another page",
                                role == HD_WEB_AGENT ? "This is an employee's link: open it at /."
                                                     : "This is an agent's link: open it at"
                                                       " /agents.");
    }
    html = hd_embedded_find(file);
    res->content_type = "text/html; charset=utf-8";
    res->body = hd_strdup(html);
    res->len = strlen(html);
    return 0;
}

static int serve_asset(const char *name, hd_http_response *res)
{
    char file[128];
    const char *data, *dot = strrchr(name, '.');

    if (strchr(name, '/') || strstr(name, "..") || dot == NULL ||
        (strcmp(dot, ".css") != 0 && strcmp(dot, ".js") != 0) ||
        snprintf(file, sizeof(file), "web/%s", name) >= (int)sizeof(file) ||
        (data = hd_embedded_find(file)) == NULL)
        return HD_ENOTFOUND;
    res->content_type =
        strcmp(dot, ".css") == 0 ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    res->body = hd_strdup(data);
    res->len = strlen(data);
    res->cache = ASSET_CACHE;
    return 0;
}

/*
 * Development sign-in answers only a page that asked for this machine by
 * name: a web site that rebinds its own name to 127.0.0.1 cannot use it.
 */
static int asked_for_loopback(const hd_http_request *req)
{
    char host[256];
    size_t n;

    if (hd_http_header(req, "host", host, sizeof(host)) <= 0)
        return 0;
    n = strcspn(host, host[0] == '[' ? "]" : ":");
    if (host[0] == '[')
        n++;
    /* 127.x.y.z in digits: a name such as "127.example.com" is somebody else's. */
    return (n == 9 && strncmp(host, "localhost", 9) == 0) ||
           (n == 5 && strncmp(host, "[::1]", 5) == 0) ||
           (strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n);
}

/* Where a page without a session goes: the development list, or how to get a link. */
static int serve_signin(hd_web *w, const hd_http_request *req, hd_http_response *res)
{
    const hd_config *cfg = hd_desk_config(w->desk);
    char page[16];
    int agents = hd_http_arg(req, "page", page, sizeof(page)) >= 0 && strcmp(page, "agents") == 0;
    hd_employee **people = NULL;
    size_t n = 0, i;
    hd_buf b = {0};
    int err;

    if (!w->dev_login || !asked_for_loopback(req))
        return message_page(res, 401, "Sign in with your link",
                            "This page needs the personal sign-in link the service desk sent"
                            " you.");
    if ((err = hd_users_list(w->desk, DEV_USERS, &people, &n)) != 0)
        return err;
    page_open(&b, agents ? "Sign in to the agents' room" : "Sign in to the IT help desk");
    put(&b, "<p>Development sign-in: this desk listens on loopback, so anyone on this machine may"
            " act as anyone. Turn it off with <code>web_dev_login: \"off\"</code>.</p>\n"
            "<ul class=\"people\">\n");
    for (i = 0; i < n; i++) {
        const char *uid = hd_web__uid(people[i]);

        if (uid == NULL || (agents && !agent_of_any(cfg, people[i]->username)))
            continue;
        put(&b, "<li><a href=\"/dev/login?user=");
        put_query(&b, uid);
        if (agents)
            put(&b, "&amp;page=agents");
        put(&b, "\">");
        put_escaped(&b, people[i]->display_name ? people[i]->display_name : uid);
        put(&b, "</a> <span class=\"muted\">");
        put_escaped(&b, uid);
        put(&b, "</span></li>\n");
    }
    put(&b, "</ul>\n");
    hd_employees_free(people, n);
    page_close(&b, res);
    return 0;
}

static int serve_dev_login(hd_web *w, const hd_http_request *req, hd_http_response *res)
{
    const hd_config *cfg = hd_desk_config(w->desk);
    char who[ARG], page[16];
    hd_web_role role =
        hd_http_arg(req, "page", page, sizeof(page)) >= 0 && strcmp(page, "agents") == 0
            ? HD_WEB_AGENT
            : HD_WEB_EMPLOYEE;
    hd_employee *e = NULL;
    int err;

    if (!w->dev_login || !asked_for_loopback(req))
        return HD_ENOTFOUND;
    if (hd_http_arg(req, "user", who, sizeof(who)) <= 0)
        return message_page(res, 400, "Whom?", "Choose someone from the list at /signin.");
    if ((err = find_person(w->desk, role, who, &e)) != 0)
        return err == HD_EPERM || err == HD_ENOTFOUND
                   ? message_page(res, 403, "Not allowed", hd_error_last())
                   : err;
    res->status = 303;
    res->location = link_for(w->key, "", role, hd_web__uid(e),
                             (int64_t)time(NULL) + (int64_t)cfg->web_link_hours * 3600);
    hd_log(HD_LOG_INFO, "event=web_dev_login user=%s role=%s", hd_web__uid(e),
           role == HD_WEB_AGENT ? "agent" : "employee");
    hd_employee_free(e);
    return 0;
}

int hd_web__http(hd_channel *ch, const hd_http_request *req, hd_http_response *res)
{
    hd_web *w = (hd_web *)ch;
    const char *path = hd_http_path(req);

    if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
        return serve_page(w, req, res, HD_WEB_EMPLOYEE, "web/index.html");
    if (strcmp(path, "/agents") == 0)
        return serve_page(w, req, res, HD_WEB_AGENT, "web/agents.html");
    if (strncmp(path, "/static/", 8) == 0)
        return serve_asset(path + 8, res);
    if (strcmp(path, "/signin") == 0)
        return serve_signin(w, req, res);
    if (strcmp(path, "/dev/login") == 0)
        return serve_dev_login(w, req, res);
    return HD_ENOTFOUND;
}
