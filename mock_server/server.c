#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "clock_private.h"
#include "server_private.h"

#define DEFAULT_MAX_BODY (1024u * 1024u)
#define DEFAULT_THREADS 2u
#define DEFAULT_MAX_CONNECTIONS 4096u
/* Idle connections are closed after this long, so abandoned sockets do not pile up. */
#define CONNECTION_IDLE_TIMEOUT_S 120u

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ESOMOCK_ERROR_SIZE, fmt, ap);
    va_end(ap);
}

static bool is_directory(const char *path)
{
    struct stat st;
    return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *esomock_default_fixtures_dir(void)
{
    const char *env = getenv("ESOMOCK_FIXTURES");
    if (env != NULL && env[0] != '\0')
        return env;
    /* An installed binary must not depend on a source tree that may be gone. */
    if (is_directory(ESOMOCK_SOURCE_FIXTURES))
        return ESOMOCK_SOURCE_FIXTURES;
    return ESOMOCK_INSTALLED_FIXTURES;
}

/* ---- routing ---------------------------------------------------------------------------- */

struct route_entry {
    const char *path;
    const char *method;
    enum esomock_route route;
};

static const struct route_entry routes[] = {
    {"/api/v2/client", "POST", ESOMOCK_ROUTE_GRAPHQL},
    {"/api/v2/user", "POST", ESOMOCK_ROUTE_GRAPHQL},
    {"/oauth/token", "POST", ESOMOCK_ROUTE_TOKEN},
    {"/__admin/health", "GET", ESOMOCK_ROUTE_ADMIN_HEALTH},
};

static void resolve_route(struct esomock_request *req, const char *url, const char *method)
{
    req->route = ESOMOCK_ROUTE_NOT_FOUND;
    req->method_allowed = false;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(url, routes[i].path) != 0)
            continue;
        req->route = routes[i].route;
        req->method_allowed = strcmp(method, routes[i].method) == 0 ||
                              (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0);
        return;
    }
}

static const char *allowed_method(enum esomock_route route)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (routes[i].route == route)
            return routes[i].method;
    }
    return "GET";
}

/* ---- request handling ------------------------------------------------------------------- */

static void handle_graphql(struct esomock_server *srv, struct MHD_Connection *conn,
                           struct esomock_request *req)
{
    const char *authorization =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    enum esomock_bearer bearer = esomock__auth_check(srv->auth, authorization);
    if (bearer != ESOMOCK_BEARER_OK) {
        esomock__reply_error(&req->reply, 401, "UNAUTHENTICATED", "%s",
                             esomock__bearer_message(bearer));
        esomock__reply_header(&req->reply, "WWW-Authenticate", "Bearer realm=\"esologs\"");
        return;
    }
    char why[512];
    int status = esomock__gql_request_parse(req->body != NULL ? req->body : "", req->body_len,
                                            &req->gql, why, sizeof(why));
    if (status != 0) {
        esomock__reply_error(&req->reply, status, "BAD_REQUEST", "%s", why);
        return;
    }
    const struct esomock_fixture *fx =
        esomock__fixtures_match(srv->fixtures, req->gql.operation, req->gql.variables);
    if (fx == NULL) {
        /* GraphQL servers answer unknown operations in the body, not with a 404 page. */
        esomock__reply_error(&req->reply, 200, "UNKNOWN_OPERATION",
                             "Unknown operation \"%s\": no fixture answers it in %s",
                             req->gql.operation, srv->fixtures->dir);
        return;
    }
    esomock__reply_borrowed(&req->reply, fx->status, fx->body, fx->body_len);
    if (fx->headers != NULL) {
        for (const cJSON *h = fx->headers->child; h != NULL; h = h->next)
            esomock__reply_header(&req->reply, h->string, h->valuestring);
    }
}

static void handle_token(struct esomock_server *srv, struct MHD_Connection *conn,
                         struct esomock_request *req)
{
    const char *authorization =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    esomock__auth_token_request(srv->auth, authorization, req->body != NULL ? req->body : "",
                                req->body_len, &req->reply);
}

static void handle(struct esomock_server *srv, struct MHD_Connection *conn,
                   struct esomock_request *req)
{
    if (req->body_too_large) {
        esomock__reply_error(&req->reply, 413, "PAYLOAD_TOO_LARGE",
                             "Request body is larger than the limit of %zu bytes",
                             srv->max_body_bytes);
        return;
    }
    if (req->route == ESOMOCK_ROUTE_NOT_FOUND) {
        esomock__reply_error(&req->reply, 404, "NOT_FOUND",
                             "No route for %s %s (GraphQL is POST /api/v2/client, tokens are "
                             "POST /oauth/token)",
                             req->method, req->path);
        return;
    }
    if (!req->method_allowed) {
        esomock__reply_error(&req->reply, 405, "METHOD_NOT_ALLOWED", "%s does not accept %s (use %s)",
                             req->path, req->method, allowed_method(req->route));
        esomock__reply_header(&req->reply, "Allow", allowed_method(req->route));
        return;
    }
    switch (req->route) {
    case ESOMOCK_ROUTE_GRAPHQL:
        handle_graphql(srv, conn, req);
        return;
    case ESOMOCK_ROUTE_TOKEN:
        handle_token(srv, conn, req);
        return;
    case ESOMOCK_ROUTE_ADMIN_HEALTH:
        esomock__reply_borrowed(&req->reply, 200, "{\"status\":\"ok\"}", 15);
        return;
    case ESOMOCK_ROUTE_NOT_FOUND:
        break;
    }
}

static enum MHD_Result queue_reply(struct MHD_Connection *conn, struct esomock_request *req)
{
    struct esomock_reply *reply = &req->reply;
    struct MHD_Response *response = MHD_create_response_from_buffer(
        reply->body_len, reply->body, reply->body_owned ? MHD_RESPMEM_MUST_COPY
                                                        : MHD_RESPMEM_PERSISTENT);
    if (response == NULL)
        return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            reply->content_type != NULL ? reply->content_type
                                                        : "application/json");
    for (size_t i = 0; i < reply->header_count; i++)
        MHD_add_response_header(response, reply->headers[i].name, reply->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)reply->status, response);
    MHD_destroy_response(response);
    req->answered = ok == MHD_YES;
    return ok;
}

static struct esomock_request *request_new(struct esomock_server *srv, const char *url,
                                           const char *method)
{
    struct esomock_request *req = calloc(1, sizeof(*req));
    if (req == NULL)
        return NULL;
    req->server = srv;
    req->arrived_ms = esomock__now_ms();
    req->seq = atomic_fetch_add(&srv->next_seq, 1) + 1;
    snprintf(req->method, sizeof(req->method), "%s", method);
    snprintf(req->path, sizeof(req->path), "%s", url);
    resolve_route(req, url, method);
    return req;
}

static void request_free(struct esomock_request *req)
{
    esomock__gql_request_clear(&req->gql);
    esomock__reply_clear(&req->reply);
    free(req->body);
    free(req);
}

/* Append upload data, keeping at most max_body_bytes; the rest is read and dropped. */
static void append_body(struct esomock_request *req, const char *data, size_t len)
{
    size_t limit = req->server->max_body_bytes;
    if (req->body_too_large || len > limit - req->body_len) {
        req->body_too_large = true;
        return;
    }
    if (req->body_len + len + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 1024;
        while (cap < req->body_len + len + 1)
            cap *= 2;
        char *grown = realloc(req->body, cap);
        if (grown == NULL) {
            req->body_too_large = true;
            return;
        }
        req->body = grown;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, len);
    req->body_len += len;
    req->body[req->body_len] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)version;
    struct esomock_server *srv = cls;
    struct esomock_request *req = *req_cls;

    if (req == NULL) {
        req = request_new(srv, url, method);
        if (req == NULL)
            return MHD_NO;
        *req_cls = req;
        const char *length =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length != NULL) {
            errno = 0;
            char *end = NULL;
            unsigned long long declared = strtoull(length, &end, 10);
            if (errno != 0 || end == length || declared > srv->max_body_bytes) {
                /* Answer at once rather than read a body we will refuse. */
                req->body_too_large = true;
                handle(srv, conn, req);
                return queue_reply(conn, req);
            }
        }
        return MHD_YES;
    }
    if (req->answered)
        return MHD_YES;
    if (*upload_data_size != 0) {
        append_body(req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    handle(srv, conn, req);
    return queue_reply(conn, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    struct esomock_server *srv = cls;
    struct esomock_request *req = *req_cls;
    if (req == NULL)
        return;
    *req_cls = NULL;
    if (srv->log != NULL) {
        double now = esomock__now_ms();
        fprintf(srv->log, "[%10.3f] #%llu %s %s%s%s -> %d %zuB %.1fms%s\n",
                (req->arrived_ms - srv->started_ms) / 1000.0, (unsigned long long)req->seq,
                req->method, req->path, req->gql.operation[0] ? " " : "", req->gql.operation,
                req->reply.status, req->reply.body_len, now - req->arrived_ms,
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
        fflush(srv->log);
    }
    request_free(req);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    struct esomock_server *srv = cls;
    if (srv->log == NULL)
        return;
    fputs("libmicrohttpd: ", srv->log);
    vfprintf(srv->log, fmt, ap);
    fflush(srv->log);
}

/* ---- lifecycle -------------------------------------------------------------------------- */

static enum esomock_status resolve_bind_address(const char *host, uint16_t port,
                                                struct sockaddr_storage *addr, bool *ipv6,
                                                char *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE};
    struct addrinfo *found = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &found);
    if (gai != 0 || found == NULL) {
        set_err(err, "cannot resolve bind address %s: %s", host, gai_strerror(gai));
        return ESOMOCK_BIND_FAILED;
    }
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, found->ai_addr, found->ai_addrlen);
    *ipv6 = found->ai_family == AF_INET6;
    if (*ipv6)
        ((struct sockaddr_in6 *)addr)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)addr)->sin_port = htons(port);
    freeaddrinfo(found);
    return ESOMOCK_OK;
}

enum esomock_status esomock_server_start(const struct esomock_options *opts,
                                         struct esomock_server **out, char *err)
{
    static const struct esomock_options defaults = {0};
    enum esomock_status rc = ESOMOCK_OUT_OF_MEMORY;
    struct esomock_server *srv = NULL;

    if (out == NULL) {
        set_err(err, "esomock_server_start: out is NULL");
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (opts == NULL)
        opts = &defaults;
    if (opts->time_scale < 0) {
        set_err(err, "time_scale must be positive (got %g)", opts->time_scale);
        return ESOMOCK_BAD_ARGUMENT;
    }

    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        goto fail;
    srv->started_ms = esomock__now_ms();
    srv->max_body_bytes = opts->max_body_bytes ? opts->max_body_bytes : DEFAULT_MAX_BODY;
    srv->time_scale = opts->time_scale > 0 ? opts->time_scale : 1.0;
    srv->log = opts->log;
    atomic_init(&srv->next_seq, 0);

    const char *dir = opts->fixtures_dir != NULL ? opts->fixtures_dir
                                                 : esomock_default_fixtures_dir();
    srv->fixtures_dir = strdup(dir);
    if (srv->fixtures_dir == NULL)
        goto fail;
    rc = esomock__fixtures_load(dir, &srv->fixtures, err);
    if (rc != ESOMOCK_OK)
        goto fail;

    struct esomock_auth_options auth_opts = {
        .strict = opts->strict_auth,
        .ttl_s = opts->token_ttl_s,
        .time_scale = srv->time_scale,
        .client_id = opts->client_id,
        .client_secret = opts->client_secret,
    };
    srv->auth = esomock__auth_create(&auth_opts);
    if (srv->auth == NULL) {
        rc = ESOMOCK_OUT_OF_MEMORY;
        set_err(err, "out of memory");
        goto fail;
    }

    const char *host = opts->host != NULL ? opts->host : "127.0.0.1";
    struct sockaddr_storage addr;
    bool ipv6 = false;
    rc = resolve_bind_address(host, opts->port, &addr, &ipv6, err);
    if (rc != ESOMOCK_OK)
        goto fail;

    unsigned threads = opts->threads ? opts->threads : DEFAULT_THREADS;
    unsigned max_conns = opts->max_connections ? opts->max_connections : DEFAULT_MAX_CONNECTIONS;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, opts->port, NULL, NULL, on_request, srv,
        /* The logger goes first so that messages about later options reach it too. */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, max_conns,
        MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_IDLE_TIMEOUT_S, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        1024u, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        rc = ESOMOCK_BIND_FAILED;
        set_err(err, "cannot listen on %s port %u (in use, or not a local address?)", host,
                (unsigned)opts->port);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL ? info->port : opts->port;
    snprintf(srv->url, sizeof(srv->url), ipv6 ? "http://[%s]:%u" : "http://%s:%u", host,
             (unsigned)srv->port);
    *out = srv;
    return ESOMOCK_OK;
fail:
    esomock_server_stop(srv);
    return rc;
}

void esomock_server_stop(struct esomock_server *srv)
{
    if (srv == NULL)
        return;
    if (srv->daemon != NULL)
        MHD_stop_daemon(srv->daemon);
    esomock__auth_destroy(srv->auth);
    esomock__fixtures_free(srv->fixtures);
    free(srv->fixtures_dir);
    free(srv);
}

uint16_t esomock_server_port(const struct esomock_server *srv)
{
    return srv != NULL ? srv->port : 0;
}

const char *esomock_server_url(const struct esomock_server *srv)
{
    return srv != NULL ? srv->url : "";
}

const char *esomock_server_fixtures_dir(const struct esomock_server *srv)
{
    return srv != NULL ? srv->fixtures_dir : "";
}
