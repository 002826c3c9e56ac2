/*
 * The admin API under /__admin/: health, journal, scenario, reset, metrics.
 * Same operations as the C embedding API, so a test in any language can drive it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <esomock/scenario.h>

#include "admin_private.h"
#include "handle_private.h"
#include "journal_private.h"
#include "metrics_private.h"
#include "observe_private.h"
#include "reply_private.h"
#include "request_private.h"
#include "scenario_api_private.h"

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa == NULL)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
    }
    return false;
}

/* Constant-time comparison, so the admin token cannot be guessed byte by byte. */
static bool same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = (unsigned char)(la != lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

bool esomock__admin_allowed(const struct sockaddr *client, const char *authorization,
                            const char *admin_token)
{
    if (admin_token != NULL && authorization != NULL &&
        strncasecmp(authorization, "Bearer ", 7) == 0 &&
        same_secret(authorization + 7, admin_token))
        return true;
    return is_loopback(client);
}

static bool admin_allowed(struct esomock_server *srv, struct esomock_request *req)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return esomock__admin_allowed(info != NULL ? info->client_addr : NULL,
                                  esomock__request_header(req, MHD_HTTP_HEADER_AUTHORIZATION),
                                  srv->admin_token);
}

/* A parameter's value as a sequence number: digits only, at most 2^64 - 1. */
static bool parse_seq(const char *text, uint64_t *out)
{
    if (text == NULL || text[0] == '\0')
        return false;
    uint64_t v = 0;
    for (const char *c = text; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return false;
        unsigned digit = (unsigned)(*c - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

/* A GraphQL name, as the journal records operations: [_A-Za-z][_0-9A-Za-z]*, <= 128 bytes. */
static bool is_operation_name(const char *text)
{
    size_t n = text != NULL ? strlen(text) : 0;
    if (n == 0 || n > 128 || (text[0] >= '0' && text[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

/* Query parameter @p name: NULL when absent, "" when given without a value (?since). */
static const char *query_param(struct esomock_request *req, const char *name)
{
    const char *value = NULL;
    if (MHD_lookup_connection_value_n(req->connection, MHD_GET_ARGUMENT_KIND, name, strlen(name),
                                      &value, NULL) != MHD_YES)
        return NULL;
    return value != NULL ? value : "";
}

static void reply_journal(struct esomock_server *srv, struct esomock_request *req)
{
    struct esomock_journal_filter filter = {0};
    const char *operation = query_param(req, "operation");
    if (operation != NULL) {
        if (!is_operation_name(operation)) {
            esomock__reply_error(&req->reply, 400, "BAD_REQUEST",
                                 "operation must be a GraphQL operation name (letters, digits "
                                 "and _, not starting with a digit, at most 128), got \"%.64s\"",
                                 operation);
            return;
        }
        filter.operation = operation;
    }
    const char *since = query_param(req, "since");
    if (since != NULL && !parse_seq(since, &filter.since_seq)) {
        esomock__reply_error(&req->reply, 400, "BAD_REQUEST",
                             "since must be a sequence number, an integer from 0 to %llu "
                             "written in digits only, got \"%.64s\"",
                             (unsigned long long)UINT64_MAX, since);
        return;
    }
    const char *admin = query_param(req, "include_admin");
    if (admin != NULL) {
        bool yes = strcmp(admin, "true") == 0 || strcmp(admin, "1") == 0;
        bool no = strcmp(admin, "false") == 0 || strcmp(admin, "0") == 0;
        if (!yes && !no) {
            esomock__reply_error(&req->reply, 400, "BAD_REQUEST",
                                 "include_admin must be true, false, 1 or 0, got \"%.64s\"", admin);
            return;
        }
        filter.include_admin = yes;
    }

    struct esomock_journal_entry *entries = NULL;
    size_t count = 0;
    if (esomock__journal_copy(&srv->journal, &filter, &entries, &count) != 0) {
        esomock__reply_error(&req->reply, 500, "INTERNAL", "out of memory");
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "requests");
    for (size_t i = 0; i < count; i++)
        cJSON_AddItemToArray(list, esomock__journal_entry_json(&entries[i]));
    cJSON_AddNumberToObject(root, "count", (double)count);
    uint64_t dropped_admin = 0;
    uint64_t dropped = esomock__journal_dropped(&srv->journal, &dropped_admin);
    cJSON_AddNumberToObject(root, "dropped", (double)dropped);
    cJSON_AddNumberToObject(root, "dropped_admin", (double)dropped_admin);
    esomock__reply_json(&req->reply, 200, root);
    cJSON_Delete(root);
    free(entries);
}

static void reply_scenario(struct esomock_server *srv, struct esomock_request *req)
{
    char *text = esomock_server_scenario_json(srv);
    if (text == NULL) {
        esomock__reply_error(&req->reply, 500, "INTERNAL", "out of memory");
        return;
    }
    esomock__reply_owned(&req->reply, 200, text, strlen(text));
}

static void load_scenario(struct esomock_server *srv, struct esomock_request *req)
{
    struct esomock_problems *problems = esomock_problems_create();
    enum esomock_status rc = esomock__load_scenario_text(srv, req->body != NULL ? req->body : "",
                                                         req->body_len, "<admin>", problems);
    if (rc == ESOMOCK_OK) {
        esomock__reply_borrowed(&req->reply, 200, "{\"loaded\":true}", 15);
        esomock_problems_destroy(problems);
        return;
    }
    /* One GraphQL-style error per problem, every one, as `eso-mock check` prints them. */
    cJSON *root = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(root, "errors");
    size_t listed = 0;
    for (size_t i = 0; i < esomock_problems_count(problems); i++) {
        const struct esomock_problem *p = esomock_problems_get(problems, i);
        if (p->note)
            continue;
        char line[ESOMOCK_ERROR_SIZE];
        if (p->path[0] != '\0')
            snprintf(line, sizeof(line), "%s: %s: %s", p->source, p->path, p->message);
        else
            snprintf(line, sizeof(line), "%s: %s", p->source, p->message);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", line);
        cJSON_AddStringToObject(e, "path", p->path);
        cJSON_AddItemToArray(errors, e);
        listed++;
    }
    if (listed == 0) { /* out of memory for the list itself */
        char line[128];
        snprintf(line, sizeof(line), "<admin>: %s", esomock_strerror(rc));
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", line);
        cJSON_AddItemToArray(errors, e);
    }
    cJSON_AddBoolToObject(root, "loaded", false);
    esomock__reply_json(&req->reply, rc == ESOMOCK_SCENARIO_INVALID ? 400 : 500, root);
    cJSON_Delete(root);
    esomock_problems_destroy(problems);
}

struct admin_route {
    const char *method;
    const char *path;
    const char *const *params; /* NULL-terminated */
    void (*handle)(struct esomock_server *, struct esomock_request *);
};

static void health(struct esomock_server *srv, struct esomock_request *req)
{
    (void)srv;
    esomock__reply_borrowed(&req->reply, 200, "{\"status\":\"ok\"}", 15);
}

static void clear_journal(struct esomock_server *srv, struct esomock_request *req)
{
    esomock__journal_clear(&srv->journal);
    esomock__reply_borrowed(&req->reply, 200, "{\"cleared\":true}", 16);
}

static void reset(struct esomock_server *srv, struct esomock_request *req)
{
    esomock_server_reset(srv);
    esomock__reply_borrowed(&req->reply, 200, "{\"reset\":true}", 14);
}

static void clear_scenario(struct esomock_server *srv, struct esomock_request *req)
{
    esomock_server_clear_scenario(srv);
    esomock__reply_borrowed(&req->reply, 200, "{\"scenario\":null}", 17);
}

static void metrics(struct esomock_server *srv, struct esomock_request *req)
{
    char *text = esomock__metrics_page(srv);
    if (text == NULL) {
        esomock__reply_error(&req->reply, 500, "INTERNAL", "out of memory");
        return;
    }
    esomock__reply_owned(&req->reply, 200, text, strlen(text));
    req->reply.content_type = "text/plain; version=0.0.4";
}

static const char *const no_params[] = {NULL};
static const char *const journal_params[] = {"since", "include_admin", "operation", NULL};

/* Every route; docs/admin-api.md documents each (test_admin_docs.c checks it does). */
static const struct admin_route admin_routes[] = {
    {"GET", "/__admin/health", no_params, health},
    {"GET", "/__admin/requests", journal_params, reply_journal},
    {"DELETE", "/__admin/requests", no_params, clear_journal},
    {"GET", "/__admin/scenario", no_params, reply_scenario},
    {"POST", "/__admin/scenario", no_params, load_scenario},
    {"DELETE", "/__admin/scenario", no_params, clear_scenario},
    {"POST", "/__admin/reset", no_params, reset},
    {"GET", "/__admin/metrics", no_params, metrics},
};

bool esomock__admin_route(size_t index, struct esomock_admin_route_info *out)
{
    if (index >= sizeof(admin_routes) / sizeof(admin_routes[0]))
        return false;
    out->method = admin_routes[index].method;
    out->path = admin_routes[index].path;
    out->params = admin_routes[index].params;
    return true;
}

/* Every query parameter must be one the route takes, given once. */
struct param_check {
    const struct admin_route *route;
    char problem[512];
    const char *seen[8];
    size_t seen_count;
};

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    (void)value;
    struct param_check *c = cls;
    size_t known = 0;
    while (c->route->params[known] != NULL && strcmp(c->route->params[known], key) != 0)
        known++;
    if (c->route->params[known] == NULL) {
        char list[128] = "";
        size_t used = 0;
        for (size_t i = 0; c->route->params[i] != NULL; i++)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                     c->route->params[i]);
        if (used == 0)
            snprintf(c->problem, sizeof(c->problem), "%s %s takes no parameters, got \"%.64s\"",
                     c->route->method, c->route->path, key);
        else
            snprintf(c->problem, sizeof(c->problem), "%s %s takes only %s, got \"%.64s\"",
                     c->route->method, c->route->path, list, key);
        return MHD_NO;
    }
    for (size_t i = 0; i < c->seen_count; i++) {
        if (c->seen[i] == c->route->params[known]) {
            snprintf(c->problem, sizeof(c->problem), "%s is given more than once", key);
            return MHD_NO;
        }
    }
    if (c->seen_count < sizeof(c->seen) / sizeof(c->seen[0]))
        c->seen[c->seen_count++] = c->route->params[known];
    return MHD_YES;
}

static void handle_route(struct esomock_server *srv, struct esomock_request *req,
                         const struct admin_route *route)
{
    struct param_check check = {.route = route};
    MHD_get_connection_values(req->connection, MHD_GET_ARGUMENT_KIND, check_param, &check);
    if (check.problem[0] != '\0') {
        esomock__reply_error(&req->reply, 400, "BAD_REQUEST", "%s", check.problem);
        return;
    }
    route->handle(srv, req);
}

void esomock__admin_handle(struct esomock_server *srv, struct esomock_request *req)
{
    req->outcome = "admin";
    if (!admin_allowed(srv, req)) {
        esomock__reply_error(&req->reply, 403, "FORBIDDEN",
                             "The admin API answers loopback clients only, unless the server "
                             "has an admin token and the request carries it");
        return;
    }
    bool path_known = false;
    char allowed[64] = "";
    for (size_t i = 0; i < sizeof(admin_routes) / sizeof(admin_routes[0]); i++) {
        if (strcmp(req->path, admin_routes[i].path) != 0)
            continue;
        path_known = true;
        size_t used = strlen(allowed);
        snprintf(allowed + used, sizeof(allowed) - used, "%s%s", used ? ", " : "",
                 admin_routes[i].method);
        bool head_of_get =
            strcmp(req->method, "HEAD") == 0 && strcmp(admin_routes[i].method, "GET") == 0;
        if (strcmp(req->method, admin_routes[i].method) == 0 || head_of_get) {
            handle_route(srv, req, &admin_routes[i]);
            return;
        }
    }
    if (!path_known) {
        esomock__reply_error(&req->reply, 404, "NOT_FOUND",
                             "No admin route %s (try /__admin/requests, /__admin/scenario, "
                             "/__admin/reset, /__admin/metrics, /__admin/health; "
                             "docs/admin-api.md lists them)",
                             req->path);
        return;
    }
    esomock__reply_error(&req->reply, 405, "METHOD_NOT_ALLOWED", "%s does not accept %s", req->path,
                         req->method);
    esomock__reply_header(&req->reply, "Allow", allowed);
}
