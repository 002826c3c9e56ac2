/*
 * The admin API under /__admin/: health, journal, scenario, reset, metrics.
 * Same operations as the C embedding API, so a test in any language can drive it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <esomock/scenario.h>

#include "server_private.h"

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

static void reply_journal(struct esomock_server *srv, struct esomock_request *req)
{
    struct esomock_journal_filter filter = {0};
    filter.operation =
        MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, "operation");
    const char *since =
        MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, "since");
    if (since != NULL) {
        char *end = NULL;
        filter.since_seq = strtoull(since, &end, 10);
        if (end == since || *end != '\0') {
            esomock__reply_error(&req->reply, 400, "BAD_REQUEST",
                                 "since must be a sequence number, got \"%.64s\"", since);
            return;
        }
    }
    const char *admin =
        MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, "include_admin");
    filter.include_admin = admin != NULL && strcmp(admin, "false") != 0 && strcmp(admin, "0") != 0;

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
    struct esomock_scenario_errors problems = {0};
    enum esomock_status rc = esomock__load_scenario_text(srv, req->body != NULL ? req->body : "",
                                                         req->body_len, "<admin>", &problems);
    if (rc == ESOMOCK_OK) {
        esomock__reply_borrowed(&req->reply, 200, "{\"loaded\":true}", 15);
        return;
    }
    /* One GraphQL-style error per problem, every one, as `eso-mock check` prints them. */
    cJSON *root = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(root, "errors");
    for (size_t i = 0; i < problems.count; i++) {
        char line[ESOMOCK_ERROR_SIZE];
        esomock__scenario_error_format("<admin>", &problems.items[i], line, sizeof(line));
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", line);
        cJSON_AddStringToObject(e, "path", problems.items[i].path);
        cJSON_AddItemToArray(errors, e);
    }
    if (problems.total > problems.count || problems.count == 0) {
        char line[128];
        if (problems.count == 0)
            snprintf(line, sizeof(line), "<admin>: %s", esomock_strerror(rc));
        else
            snprintf(line, sizeof(line), "<admin>: %zu more problems not shown",
                     problems.total - problems.count);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "message", line);
        cJSON_AddItemToArray(errors, e);
    }
    cJSON_AddBoolToObject(root, "loaded", false);
    esomock__reply_json(&req->reply, rc == ESOMOCK_SCENARIO_INVALID ? 400 : 500, root);
    cJSON_Delete(root);
}

struct admin_route {
    const char *method;
    const char *path;
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
    char *text = esomock_server_metrics(srv);
    if (text == NULL) {
        esomock__reply_error(&req->reply, 500, "INTERNAL", "out of memory");
        return;
    }
    esomock__reply_owned(&req->reply, 200, text, strlen(text));
    req->reply.content_type = "text/plain; version=0.0.4";
}

static const struct admin_route admin_routes[] = {
    {"GET", "/__admin/health", health},
    {"GET", "/__admin/requests", reply_journal},
    {"DELETE", "/__admin/requests", clear_journal},
    {"GET", "/__admin/scenario", reply_scenario},
    {"POST", "/__admin/scenario", load_scenario},
    {"DELETE", "/__admin/scenario", clear_scenario},
    {"POST", "/__admin/reset", reset},
    {"GET", "/__admin/metrics", metrics},
};

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
            admin_routes[i].handle(srv, req);
            return;
        }
    }
    if (!path_known) {
        esomock__reply_error(&req->reply, 404, "NOT_FOUND",
                             "No admin route %s (try /__admin/requests, /__admin/scenario, "
                             "/__admin/reset, /__admin/metrics, /__admin/health)",
                             req->path);
        return;
    }
    esomock__reply_error(&req->reply, 405, "METHOD_NOT_ALLOWED", "%s does not accept %s", req->path,
                         req->method);
    esomock__reply_header(&req->reply, "Allow", allowed);
}
