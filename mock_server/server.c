/*
 * The server: libmicrohttpd lifecycle and the request pipeline
 * parse -> plan -> answer -> act -> journal. Requests never block a worker:
 * delays, hangs and drips suspend the connection and the timer resumes it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <esomock/proxy.h>
#include <esomock/scenario.h>
#include <esomock/server.h>

#include "admin_private.h"
#include "api_private.h"
#include "auth_private.h"
#include "clock_private.h"
#include "error_private.h"
#include "faults_private.h"
#include "fixtures_private.h"
#include "graphql_private.h"
#include "handle_private.h"
#include "journal_private.h"
#include "metrics_private.h"
#include "problems_private.h"
#include "proxy_private.h"
#include "ratelimit_private.h"
#include "record_private.h"
#include "reply_private.h"
#include "request_private.h"
#include "run_private.h"
#include "scenario_api_private.h"
#include "scenario_parse_private.h"
#include "tcp_tune_private.h"
#include "utf8_private.h"
#include "watch_private.h"
#include "world_private.h"

#define DEFAULT_MAX_BODY (1024u * 1024u)
#define DEFAULT_THREADS 2u
#define DEFAULT_MAX_CONNECTIONS 4096u
#define DEFAULT_JOURNAL_CAPACITY 10000u
#define DEFAULT_HANG_MAX_MS 60000.0
/* Idle connections are closed after this long, so abandoned sockets do not pile up. */
#define DEFAULT_IDLE_TIMEOUT_S 120u
/* Distinct documents kept parsed and validated, and their text's total size. */
#define ESOMOCK_DOCUMENT_CACHE_ENTRIES 256u
#define ESOMOCK_DOCUMENT_CACHE_BYTES (8u * 1024u * 1024u)
/* Request bodies kept with their answers (opts.request_cache), and their total size. */
#define ESOMOCK_REQUEST_MEMO_ENTRIES 512u
#define ESOMOCK_REQUEST_MEMO_BYTES (16u * 1024u * 1024u)
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

/* Load the schema, check the fixtures' field keys against it, set up the GraphQL path. */
static enum esomock_status load_schema(struct esomock_server *srv, char *err)
{
    srv->schema = esomock__api_schema(err);
    if (srv->schema == NULL)
        return ESOMOCK_IO;
    enum esomock_status status = esomock__fixtures_check_schema(srv->fixtures, srv->schema, err);
    if (status != ESOMOCK_OK)
        return status;
    srv->gql_cache = gql_cache_create(ESOMOCK_DOCUMENT_CACHE_ENTRIES, ESOMOCK_DOCUMENT_CACHE_BYTES);
    if (srv->request_memo_entries > 0)
        srv->request_memo =
            esomock__memo_create(srv->request_memo_entries, ESOMOCK_REQUEST_MEMO_BYTES);
    if (srv->gql_cache == NULL || (srv->request_memo_entries > 0 && srv->request_memo == NULL)) {
        esomock__set_error(err, "out of memory while starting");
        return ESOMOCK_OUT_OF_MEMORY;
    }
    srv->graphql = (struct esomock_graphql){
        .fixtures = srv->fixtures,
        .schema = srv->schema,
        .cache = srv->gql_cache,
        .requests = srv->request_memo,
        .auth = srv->auth,
        .ratelimit = &srv->ratelimit,
        .metrics = &srv->metrics,
        .strict_fixtures = srv->strict_fixtures,
    };
    return ESOMOCK_OK;
}

/*
 * The world behind the fixtures: @p file's, none ("none"), else the default one; strict
 * fixtures, and a proxy (whose upstream answers what the fixtures lack), mean no world
 * unless one is named.
 */
static enum esomock_status load_world(struct esomock_server *srv, const char *file, char *err,
                                      struct esomock_problems *problems)
{
    struct esomock_world_config config;
    if (file != NULL) {
        enum esomock_status rc = esomock__world_load_file(file, &config, problems);
        if (rc != ESOMOCK_OK)
            return rc;
    } else {
        esomock__world_config_defaults(&config);
        config.disabled = srv->strict_fixtures || srv->proxy != NULL;
    }
    if (!config.disabled) {
        srv->world = esomock__world_create(&config, srv->fixtures, srv->schema, err);
        srv->graphql.world = esomock__world_source(srv->world);
    }
    bool ok = config.disabled || srv->world != NULL;
    esomock__world_config_finish(&config);
    return ok ? ESOMOCK_OK : ESOMOCK_WORLD_INVALID;
}

/* Copy the string @p src into dst[size], cut to fit (snprintf "%s" without its cost). */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
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
};

static void resolve_route(struct esomock_request *req, const char *url, const char *method)
{
    req->route = ESOMOCK_ROUTE_NOT_FOUND;
    req->method_allowed = false;
    if (strncmp(url, "/__admin/", 9) == 0) {
        req->route = ESOMOCK_ROUTE_ADMIN;
        req->method_allowed = true; /* admin.c checks per route */
        return;
    }
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(url, routes[i].path) != 0)
            continue;
        req->route = routes[i].route;
        req->method_allowed = strcmp(method, routes[i].method) == 0;
        return;
    }
}

/* ---- request state ---------------------------------------------------------------------- */

static void journal_arrival(struct esomock_server *srv, struct esomock_request *req,
                            double epoch_ms)
{
    struct esomock_journal_entry *e = &req->entry;
    *e = (struct esomock_journal_entry){
        .seq = req->seq,
        .t_ms = req->arrived_ms - epoch_ms,
        .sent_ms = -1,
        .state = ESOMOCK_ENTRY_IN_FLIGHT,
        .step = -1,
        .admin = req->route == ESOMOCK_ROUTE_ADMIN,
    };
    copy_text(e->method, sizeof(e->method), req->method);
    copy_text(e->path, sizeof(e->path), req->path);
    const char *id = esomock__request_header(req, "X-Request-Id");
    if (id != NULL) /* cut at a character, raw bytes replaced: the journal is UTF-8 JSON */
        esomock__utf8_copy(e->request_id, sizeof(e->request_id), id, strlen(id));
    const char *attempt = esomock__request_header(req, "X-Attempt");
    if (attempt != NULL) {
        long n = strtol(attempt, NULL, 10);
        e->attempt = n > 0 && n < 1000000 ? (int)n : 0;
    }
    copy_text(e->action, sizeof(e->action), e->admin ? "admin" : "pass");
    esomock__journal_add(&srv->journal, e);
}

/* A request's state, before libmicrohttpd has even read its headers (see on_uri). */
static struct esomock_request *request_alloc(struct esomock_server *srv,
                                             struct MHD_Connection *connection)
{
    struct esomock_request *req = calloc(1, sizeof(*req));
    if (req == NULL)
        return NULL;
    req->server = srv;
    req->connection = connection;
    req->plan.action = ESOMOCK_ACTION_PASS;
    req->plan.step_index = -1;
    return req;
}

/* The headers are in: take a sequence number, route, and journal the arrival. */
static void request_start(struct esomock_server *srv, struct esomock_request *req, const char *url,
                          const char *method)
{
    req->started = true;
    req->arrived_ms = esomock__now_ms();
    req->seq = atomic_fetch_add(&srv->next_seq, 1) + 1;
    /* Kept as valid UTF-8 (a path may carry %FF): they reach JSON, error bodies and the log. */
    esomock__utf8_copy(req->method, sizeof(req->method), method, strlen(method));
    esomock__utf8_copy(req->path, sizeof(req->path), url, strlen(url));
    resolve_route(req, url, method);

    /* A request keeps the scenario in force when it arrived, even if one is loaded mid-flight. */
    pthread_mutex_lock(&srv->scenario_lock);
    double epoch = srv->epoch_ms;
    req->effective = srv->effective;
    if (req->route != ESOMOCK_ROUTE_ADMIN && srv->run != NULL) {
        req->run = srv->run;
        esomock__run_ref(req->run);
    }
    pthread_mutex_unlock(&srv->scenario_lock);
    atomic_fetch_add(&srv->in_flight, 1);
    journal_arrival(srv, req, epoch);
}

/*
 * libmicrohttpd has parsed a request line (its URI-log callback): the request's state starts
 * here, so that an answer libmicrohttpd sends by itself before our handler runs (a 431, a 400
 * for a bad Content-Length) reaches on_completed with it and is journaled.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct esomock_request *req = request_alloc(cls, conn);
    if (req != NULL) {
        const char *query = strchr(uri, '?');
        size_t len = query != NULL ? (size_t)(query - uri) : strlen(uri);
        esomock__utf8_copy(req->path, sizeof(req->path), uri, len); /* raw: not yet decoded */
    }
    return req;
}

/*
 * Journal a request libmicrohttpd answered by itself (@p status) before eso-mock's handler
 * saw it: the method is unknown then, the path is @p path as received (may be "").
 */
static void journal_library_answer(struct esomock_server *srv, const char *path, int status)
{
    double now = esomock__now_ms();
    pthread_mutex_lock(&srv->scenario_lock);
    double epoch = srv->epoch_ms;
    pthread_mutex_unlock(&srv->scenario_lock);
    struct esomock_journal_entry e = {
        .seq = atomic_fetch_add(&srv->next_seq, 1) + 1,
        .t_ms = now - epoch,
        .sent_ms = now - epoch, /* answered at once: its request never got further */
        .state = ESOMOCK_ENTRY_COMPLETED,
        .step = -1,
        .status = status,
    };
    snprintf(e.path, sizeof(e.path), "%s", path);
    snprintf(e.action, sizeof(e.action), "error");
    esomock__journal_add(&srv->journal, &e);
    esomock__journal_update(&srv->journal, &e, true);
    esomock__metrics_count(&srv->metrics, ESOMOCK_METRICS_UNROUTED, NULL, status);
    if (srv->log != NULL) {
        char printable[sizeof(e.path) * 4];
        esomock__utf8_printable(printable, sizeof(printable), path);
        fprintf(srv->log, "[%10.3f] #%llu %s -> error %d (answered by libmicrohttpd)\n",
                (now - srv->started_ms) / 1000.0, (unsigned long long)e.seq,
                printable[0] ? printable : "(no request line)", status);
        fflush(srv->log);
    }
}

static void request_free(struct esomock_request *req)
{
    free(req->upstream.answer); /* an answer the reply never took */
    esomock__run_unref(req->run);
    esomock__graphql_call_clear(&req->gql);
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

/* What the journal and the log call the request's action: the step's, else what became of
 * it (e.g. an admin or token outcome), else @p fallback. */
static const char *action_label(const struct esomock_request *req, const char *fallback)
{
    if (req->plan.step != NULL)
        return esomock__step_action_name(req->plan.step);
    return req->outcome != NULL ? req->outcome : fallback;
}

/* ---- the pipeline ----------------------------------------------------------------------- */

/* Note the plan in the request's journal entry and hand the journal the change. */
static void record_plan(struct esomock_request *req)
{
    struct esomock_journal_entry *e = &req->entry;
    copy_text(e->operation, sizeof(e->operation), req->gql.operation);
    if (req->gql.variables != NULL) /* cJSON passes raw bytes through; a cut may split one */
        esomock__utf8_copy(e->variables, sizeof(e->variables), req->gql.variables,
                           strlen(req->gql.variables));
    if (req->gql.fields != NULL) /* a cut may split a character */
        esomock__utf8_copy(e->fields, sizeof(e->fields), req->gql.fields, strlen(req->gql.fields));
    if (req->plan.rule != NULL) {
        copy_text(e->rule, sizeof(e->rule), req->plan.rule->name);
        e->step = req->plan.step_index;
    }
    copy_text(e->action, sizeof(e->action),
              action_label(req, esomock__action_name(req->plan.action)));
    e->delay_ms = req->plan.delay_ms;
    esomock__journal_update(&req->server->journal, e, false);
}

/* What graphql.c sees of @p req. */
static struct esomock_graphql_view graphql_view(struct esomock_request *req)
{
    return (struct esomock_graphql_view){
        .path = req->path,
        .graphql = req->route == ESOMOCK_ROUTE_GRAPHQL,
        .body = req->body,
        .body_len = req->body_len,
        .header = esomock__request_header,
        .header_ctx = req,
        .run = req->run,
        .planned = req->planned,
        .first_rule = req->first_rule,
        .scenario_ms = req->run != NULL ? esomock__request_scenario_ms(req) : 0,
    };
}

/* Fill req->reply (and req->plan for API routes) once the whole body is in. */
static void prepare(struct esomock_server *srv, struct esomock_request *req)
{
    if (req->body_too_large) {
        esomock__reply_error(&req->reply, 413, "PAYLOAD_TOO_LARGE",
                             "Request body is larger than the limit of %zu bytes",
                             srv->max_body_bytes);
        req->outcome = "error";
    } else if (req->route == ESOMOCK_ROUTE_NOT_FOUND) {
        esomock__reply_error(&req->reply, 404, "NOT_FOUND",
                             "No route for %s %s (GraphQL is POST /api/v2/client, tokens are "
                             "POST /oauth/token)",
                             req->method, req->path);
        req->outcome = "error";
    } else if (!req->method_allowed) {
        esomock__reply_error(&req->reply, 405, "METHOD_NOT_ALLOWED",
                             "%s does not accept %s (use POST)", req->path, req->method);
        esomock__reply_header(&req->reply, "Allow", "POST");
        req->outcome = "error";
    } else if (req->route == ESOMOCK_ROUTE_ADMIN) {
        esomock__admin_handle(srv, req);
    } else {
        struct esomock_graphql_view view = graphql_view(req);
        esomock__graphql_prepare(&srv->graphql, &view, &req->gql, &req->plan, &req->reply,
                                 &req->outcome);
        if (esomock__connection_count_request(req))
            esomock__reply_header(&req->reply, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    record_plan(req);
}

static enum MHD_Result act_or_delay(struct esomock_server *srv, struct esomock_request *req)
{
    if (req->plan.delay_ms > 0) {
        req->phase = ESOMOCK_PHASE_DELAYING;
        double until = req->arrived_ms + req->plan.delay_ms * req->effective.time_scale;
        /* The delay counts from arrival, so reading a slow body does not add to it. The
         * socket is watched as for a hang: a client that gives up frees its connection. */
        if (until > esomock__now_ms()) {
            if (!esomock__timer_suspend_until(srv->timer, &req->wait, req->connection, until,
                                              esomock__connection_fd(req->connection))) {
                esomock__close_on_purpose(req, "delay: the server is stopping; connection "
                                               "released");
                return MHD_NO;
            }
            return MHD_YES;
        }
    }
    return esomock__faults_act(srv, req);
}

/* --proxy: the answer is the upstream's; the connection waits for it, no worker does. */
static enum MHD_Result forward(struct esomock_server *srv, struct esomock_request *req)
{
    struct esomock_upstream_call *up = &req->upstream;
    up->body = req->body;
    up->body_len = req->body_len;
    up->request_id = req->entry.request_id[0] != '\0' ? req->entry.request_id : NULL;
    up->connection = req->connection;
    up->client_fd = esomock__connection_fd(req->connection);
    req->phase = ESOMOCK_PHASE_FORWARDING;
    if (!esomock__proxy_forward(srv->proxy, up)) {
        esomock__close_on_purpose(req, "proxy: the server is stopping; connection released");
        return MHD_NO;
    }
    return MHD_YES;
}

/* The upstream is done with @p req (its connection resumed): answer as planned. */
static enum MHD_Result forwarded(struct esomock_server *srv, struct esomock_request *req)
{
    struct esomock_upstream_call *up = &req->upstream;
    struct esomock_journal_entry *e = &req->entry;
    e->forwarded = true;
    e->upstream_status = up->status;
    e->upstream_ms = up->ms;
    e->upstream_attempts = (int)up->attempts;
    e->upstream_token_fetch = up->token_fetched;
    copy_text(e->upstream_error, sizeof(e->upstream_error), up->error);
    if (up->outcome == ESOMOCK_UPSTREAM_CLIENT_GONE || up->outcome == ESOMOCK_UPSTREAM_STOPPING) {
        esomock__journal_update(&srv->journal, e, false);
        esomock__close_on_purpose(req, "proxy: %s",
                                  up->outcome == ESOMOCK_UPSTREAM_STOPPING
                                      ? "the server is stopping; connection released"
                                      : "the client hung up; upstream transfer cancelled");
        return MHD_NO;
    }
    struct esomock_graphql_view view = graphql_view(req);
    esomock__graphql_forwarded(&srv->graphql, &view, &req->gql, &req->plan, up, &req->reply);
    e->recorded = req->gql.recorded;
    esomock__journal_update(&srv->journal, e, false);
    return act_or_delay(srv, req);
}

/* slow_read: take at most chunk_bytes now, park the connection for interval_ms, repeat. */
static enum MHD_Result read_slowly(struct esomock_server *srv, struct esomock_request *req,
                                   const char *data, size_t *size)
{
    const struct esomock_step *step = req->slow_read;
    size_t take = *size < step->chunk_bytes ? *size : step->chunk_bytes;
    append_body(req, data, take);
    *size -= take;
    double until = esomock__now_ms() + step->interval_ms * req->effective.time_scale;
    if (!esomock__timer_suspend_until(srv->timer, &req->wait, req->connection, until,
                                      esomock__connection_fd(req->connection))) {
        esomock__close_on_purpose(req, "slow_read: the server is stopping; connection released");
        return MHD_NO;
    }
    return MHD_YES;
}

static void decide_header_phase(struct esomock_request *req)
{
    if (req->run == NULL)
        return;
    struct esomock_request_view view = {
        .path = req->path,
        .header = esomock__request_header,
        .header_ctx = req,
        .scenario_ms = esomock__request_scenario_ms(req),
        .graphql_route = req->route == ESOMOCK_ROUTE_GRAPHQL && req->method_allowed,
    };
    struct esomock_plan plan;
    req->planned = esomock__run_decide_head(req->run, &view, &plan, &req->first_rule);
    if (!req->planned)
        return;
    req->plan = plan;
    if (plan.action == ESOMOCK_ACTION_SLOW_READ) {
        req->slow_read = plan.step;
        esomock__connection_shrink_receive_buffer(req->connection);
    }
    /* Journal the decision now: a client may give up before the body is ever complete. */
    record_plan(req);
}

static bool declared_length_too_large(struct esomock_server *srv, struct MHD_Connection *conn)
{
    const char *length =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length == NULL)
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long declared = strtoull(length, &end, 10);
    return errno != 0 || end == length || declared > srv->max_body_bytes;
}

struct framing {
    unsigned content_lengths;
    unsigned transfer_encodings;
    const char *transfer_encoding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        f->content_lengths++;
        if (value != NULL && strchr(value, ',') != NULL)
            f->content_lengths++; /* "Content-Length: 5, 5" is two values */
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->transfer_encodings++;
        f->transfer_encoding = value != NULL ? value : "";
    }
    return MHD_YES;
}

/*
 * Framing libmicrohttpd 0.9.75 lets through, which a real server refuses (RFC 9112 6):
 * Content-Length with Transfer-Encoding (it would read the body as chunked and keep the
 * connection: a request-smuggling vector), a repeated Content-Length (it reads the first),
 * and a transfer coding other than chunked (it would wait for the idle timeout).
 */
static bool framing_problem(struct MHD_Connection *conn, int *status, char *why, size_t size)
{
    struct framing f = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
    *status = 400;
    if (f.content_lengths > 0 && f.transfer_encodings > 0) {
        snprintf(why, size,
                 "Content-Length and Transfer-Encoding together: the body's length "
                 "is ambiguous (RFC 9112 6.1)");
        return true;
    }
    if (f.content_lengths > 1) {
        snprintf(why, size, "Content-Length is given more than once (RFC 9112 6.3)");
        return true;
    }
    if (f.transfer_encodings > 1) {
        snprintf(why, size, "Transfer-Encoding is given more than once");
        return true;
    }
    if (f.transfer_encodings == 1 && strcasecmp(f.transfer_encoding, "chunked") != 0) {
        *status = 501;
        snprintf(why, size, "Transfer-Encoding \"%.64s\" is not supported: only chunked",
                 f.transfer_encoding);
        return true;
    }
    return false;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)version;
    struct esomock_server *srv = cls;
    struct esomock_request *req = *req_cls;

    if (req == NULL) {
        req = request_alloc(srv, conn);
        if (req == NULL)
            return MHD_NO;
        *req_cls = req;
    }
    if (!req->started) {
        request_start(srv, req, url, method);
        int status = 0;
        char problem[256];
        if (framing_problem(conn, &status, problem, sizeof(problem))) {
            /* The body's length is ambiguous: answer, and close so nothing is left to read
             * as a next request. */
            esomock__reply_error(&req->reply, status,
                                 status == 501 ? "NOT_IMPLEMENTED" : "BAD_REQUEST", "%s", problem);
            esomock__reply_header(&req->reply, MHD_HTTP_HEADER_CONNECTION, "close");
            req->outcome = "error";
            record_plan(req);
            return esomock__queue_reply(req);
        }
        if (declared_length_too_large(srv, conn)) {
            /* Answer at once rather than read a body we will refuse. */
            req->body_too_large = true;
            prepare(srv, req);
            return esomock__queue_reply(req);
        }
        if (req->route != ESOMOCK_ROUTE_ADMIN)
            decide_header_phase(req);
        return MHD_YES;
    }

    /* A pause (delay, slow read, hang) woken early: the client left, or the server stops. */
    if (req->wait.reason != ESOMOCK_WAKE_DEADLINE && req->phase != ESOMOCK_PHASE_ANSWERED) {
        esomock__close_on_purpose(req, "%s: %s", action_label(req, "pause"),
                                  esomock__wake_reason_text(req));
        return MHD_NO;
    }
    switch (req->phase) {
    case ESOMOCK_PHASE_RECEIVING:
        if (*upload_data_size != 0) {
            if (req->slow_read != NULL && !req->body_too_large)
                return read_slowly(srv, req, upload_data, upload_data_size);
            append_body(req, upload_data, *upload_data_size);
            *upload_data_size = 0;
            return MHD_YES;
        }
        prepare(srv, req);
        if (req->gql.forward)
            return forward(srv, req);
        return act_or_delay(srv, req);
    case ESOMOCK_PHASE_FORWARDING:
        return forwarded(srv, req);
    case ESOMOCK_PHASE_DELAYING:
        return esomock__faults_act(srv, req);
    case ESOMOCK_PHASE_HANGING:
        req->sent_ms = esomock__now_ms();
        esomock__close_on_purpose(req, "hang: released after its max_ms, as the scenario says");
        return MHD_NO;
    case ESOMOCK_PHASE_ANSWERED:
        return MHD_YES;
    }
    return MHD_NO;
}

struct completion {
    double duration_ms;
    int status;
    uint64_t bytes;
    enum esomock_entry_state state;
};

/* What actually went on the wire, given how the request ended. */
static struct completion completion_of(const struct esomock_request *req,
                                       enum MHD_RequestTerminationCode toe)
{
    struct completion c = {.duration_ms = esomock__now_ms() - req->arrived_ms};
    /* A client that left during a pause left when the timer saw it, not when a busy worker
     * got round to the connection: a judge of its timeouts reads this. */
    if (req->wait.reason == ESOMOCK_WAKE_PEER_GONE && req->wait.woke_ms > req->arrived_ms)
        c.duration_ms = req->wait.woke_ms - req->arrived_ms;
    bool ok = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
    switch (req->plan.action) {
    case ESOMOCK_ACTION_DROP:
    case ESOMOCK_ACTION_RESET:
        c.state =
            req->phase == ESOMOCK_PHASE_ANSWERED ? ESOMOCK_ENTRY_COMPLETED : ESOMOCK_ENTRY_ABORTED;
        return c;
    case ESOMOCK_ACTION_HANG:
        c.state = req->wait.reason == ESOMOCK_WAKE_DEADLINE ? ESOMOCK_ENTRY_COMPLETED
                                                            : ESOMOCK_ENTRY_ABORTED;
        return c;
    case ESOMOCK_ACTION_TRUNCATE:
        c.status = req->phase == ESOMOCK_PHASE_ANSWERED ? req->reply.status : 0;
        c.bytes = req->bytes_sent;
        c.state = req->bytes_sent == req->stream_stop && req->phase == ESOMOCK_PHASE_ANSWERED
                      ? ESOMOCK_ENTRY_COMPLETED
                      : ESOMOCK_ENTRY_ABORTED;
        return c;
    default:
        break;
    }
    if (req->phase != ESOMOCK_PHASE_ANSWERED) {
        c.state = ESOMOCK_ENTRY_ABORTED; /* the client left during a delay or slow read */
        return c;
    }
    c.status = req->reply.status;
    c.bytes = req->streamed ? req->bytes_sent : ok ? req->reply.body_len : 0;
    c.state = ok ? ESOMOCK_ENTRY_COMPLETED : ESOMOCK_ENTRY_ABORTED;
    return c;
}

/* The operation label a request is counted under on the metrics page. */
static const char *metrics_label(const struct esomock_request *req)
{
    if (req->route == ESOMOCK_ROUTE_TOKEN && req->method_allowed)
        return ESOMOCK_METRICS_TOKEN;
    if (req->route != ESOMOCK_ROUTE_GRAPHQL || !req->method_allowed)
        return ESOMOCK_METRICS_UNROUTED;
    return req->gql.operation[0] != '\0' ? req->gql.operation : ESOMOCK_METRICS_NO_OPERATION;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct esomock_server *srv = cls;
    struct esomock_request *req = *req_cls;
    esomock__close_on_purpose_done(); /* libmicrohttpd logged its close (if any) before this */
    if (req == NULL)
        return;
    *req_cls = NULL;
    if (!req->started) {
        /* The handler never ran: libmicrohttpd answered by itself (journaled), or the client
         * left before its headers were complete (not a request yet). */
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
        if (info != NULL && info->http_status >= 400)
            journal_library_answer(srv, req->path, (int)info->http_status);
        request_free(req);
        return;
    }
    struct completion c = completion_of(req, toe);
    struct esomock_reply_view reply = {
        .token_route = req->route == ESOMOCK_ROUTE_TOKEN,
        .step = req->plan.step,
        .headers = req->reply.headers,
        .header_count = req->reply.header_count,
        .body = req->reply.body,
        .body_len = req->reply.body_len,
        /* Not a fixture's data: an error no step chose, or the points budget's state. */
        .live_body = (req->reply.status != 200 && req->outcome != NULL) ||
                     strstr(req->entry.fields, "\"rateLimitData\"") != NULL,
        .hang_max_ms = req->effective.hang_max_ms,
    };
    if (req->route != ESOMOCK_ROUTE_ADMIN)
        esomock__journal_describe_reply(&reply, req->entry.reply, sizeof(req->entry.reply));
    req->entry.duration_ms = c.duration_ms;
    req->entry.sent_ms = req->sent_ms > 0 ? req->entry.t_ms + (req->sent_ms - req->arrived_ms) : -1;
    req->entry.status = c.status;
    req->entry.bytes_sent = c.bytes;
    req->entry.state = c.state;
    if (req->route != ESOMOCK_ROUTE_ADMIN)
        esomock__metrics_count(&srv->metrics, metrics_label(req), req->plan.step, c.status);
    atomic_fetch_sub(&srv->in_flight, 1);
    if (srv->log != NULL) {
        const char *action = action_label(req, "pass");
        /* A decoded path may hold a newline or ESC: escaped, it cannot forge a log line. */
        char method[sizeof(req->method) * 4], path[sizeof(req->path) * 4];
        esomock__utf8_printable(method, sizeof(method), req->method);
        esomock__utf8_printable(path, sizeof(path), req->path);
        char upstream[64] = "";
        if (req->entry.forwarded)
            snprintf(upstream, sizeof(upstream), " (upstream %d in %.1fms)",
                     req->entry.upstream_status, req->entry.upstream_ms);
        fprintf(srv->log, "[%10.3f] #%llu %s %s%s%s -> %s %d %lluB %.1fms%s%s\n",
                (req->arrived_ms - srv->started_ms) / 1000.0, (unsigned long long)req->seq, method,
                path, req->gql.operation[0] ? " " : "", req->gql.operation, action, c.status,
                (unsigned long long)c.bytes, c.duration_ms, upstream,
                c.state == ESOMOCK_ENTRY_ABORTED ? " (connection ended early)" : "");
        fflush(srv->log);
    }
    /* Last: a waiter for the journal (esomock_server_wait_for_requests) then finds the
     * request counted in the metrics and its line in the log too. */
    esomock__journal_update(&srv->journal, &req->entry, true);
    request_free(req);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* How libmicrohttpd 0.9.75 announces an answer of its own (its text is not translated). */
static const char library_error_format[] =
    "Error processing request (HTTP response code is %u ('%s')). Closing connection.\n";

static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    struct esomock_server *srv = cls;
    if (strcmp(fmt, "%s\n") == 0) {
        va_list copy;
        va_copy(copy, ap);
        const char *msg = va_arg(copy, const char *);
        va_end(copy);
        if (msg != NULL && esomock__closed_on_purpose(srv->log, msg))
            return;
    }
    if (strcmp(fmt, library_error_format) == 0) {
        va_list copy;
        va_copy(copy, ap);
        unsigned status = va_arg(copy, unsigned);
        va_end(copy);
        /* 414 and 505 come before the request line is parsed, so before on_uri: the only
         * trace of the request is this message. Later answers are journaled at completion. */
        if (status == 414 || status == 505)
            journal_library_answer(srv, "", (int)status);
    }
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
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *found = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &found);
    if (gai != 0 || found == NULL) {
        esomock__set_error(err, "cannot resolve bind address %s: %s", host, gai_strerror(gai));
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

static void format_url(char *buf, size_t size, const char *host, bool ipv6, uint16_t port)
{
    if (ipv6)
        snprintf(buf, size, "http://[%s]:%u", host, (unsigned)port);
    else
        snprintf(buf, size, "http://%s:%u", host, (unsigned)port);
}

/*
 * Each connection is a descriptor: raise the soft open-file limit (up to the hard one) so
 * @p max_connections can be reached (the default 4096 too: a common soft limit of 1024
 * would cap it near 1000 unseen), and say so in the log when it cannot.
 */
static void fit_open_file_limit(struct esomock_server *srv, unsigned max_connections)
{
    /* Listening sockets, the journal, the log, fixtures being read, the blackhole... */
    rlim_t want = (rlim_t)max_connections + 64;
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= want)
        return;
    struct rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= want ? want : lim.rlim_max;
    /* Best effort: what matters is the limit afterwards. */
    (void)setrlimit(RLIMIT_NOFILE, &raised);
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur >= want)
        return;
    if (srv->log != NULL) {
        fprintf(srv->log,
                "eso-mock: warning: %u connections (max_connections) need about %llu open files; "
                "the limit is %llu (raise it with ulimit -n)\n",
                max_connections, (unsigned long long)want, (unsigned long long)lim.rlim_cur);
        fflush(srv->log);
    }
}

static enum esomock_status start_daemon(struct esomock_server *srv,
                                        const struct esomock_options *opts, const char *host,
                                        char *err)
{
    struct sockaddr_storage addr;
    bool ipv6 = false;
    enum esomock_status rc = resolve_bind_address(host, opts->port, &addr, &ipv6, err);
    if (rc != ESOMOCK_OK)
        return rc;
    unsigned threads = opts->threads ? opts->threads : DEFAULT_THREADS;
    unsigned max_conns = opts->max_connections ? opts->max_connections : DEFAULT_MAX_CONNECTIONS;
    fit_open_file_limit(srv, max_conns);
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ipv6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, opts->port, NULL, NULL, on_request, srv,
        /* The logger goes first so that messages about later options reach it too. */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_CONNECTION, esomock__connection_notify, srv, MHD_OPTION_THREAD_POOL_SIZE,
        threads, MHD_OPTION_CONNECTION_LIMIT, max_conns, MHD_OPTION_CONNECTION_TIMEOUT,
        opts->idle_timeout_s ? opts->idle_timeout_s : DEFAULT_IDLE_TIMEOUT_S,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        esomock__set_error(err, "cannot listen on %s port %u (in use, or not a local address?)",
                           host, (unsigned)opts->port);
        return ESOMOCK_BIND_FAILED;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL ? info->port : opts->port;
    /* A scenario given at start was installed before there was a socket to tune. */
    pthread_mutex_lock(&srv->scenario_lock);
    esomock__listen_tune(srv->daemon, &srv->listen_tuned,
                         srv->run != NULL && srv->run->has_header_rules);
    pthread_mutex_unlock(&srv->scenario_lock);
    format_url(srv->url, sizeof(srv->url), host, ipv6, srv->port);
    if (opts->blackhole) {
        rc = esomock__blackhole_open(&srv->blackhole, host, err);
        if (rc != ESOMOCK_OK)
            return rc;
        format_url(srv->blackhole_url, sizeof(srv->blackhole_url), host, ipv6, srv->blackhole.port);
    }
    return ESOMOCK_OK;
}

/* Copy @p opts' sections into @p srv (keys and notes copied, contexts borrowed). */
static bool copy_sections(struct esomock_server *srv, const struct esomock_options *opts)
{
    if (opts->section_count == 0)
        return true;
    srv->sections = calloc(opts->section_count, sizeof(*srv->sections));
    if (srv->sections == NULL)
        return false;
    srv->section_count = opts->section_count;
    for (size_t i = 0; i < opts->section_count; i++) {
        const struct esomock_section *from = &opts->sections[i];
        struct esomock_section *to = &srv->sections[i];
        *to = *from;
        to->key = strdup(from->key);
        to->checked_by = from->checked_by != NULL ? strdup(from->checked_by) : NULL;
        if (to->key == NULL || (from->checked_by != NULL && to->checked_by == NULL))
            return false;
    }
    return true;
}

/* No fixtures at all (a proxy given no --fixtures). */
static enum esomock_status no_fixtures(struct esomock_server *srv)
{
    srv->fixtures = calloc(1, sizeof(*srv->fixtures));
    if (srv->fixtures != NULL)
        srv->fixtures->dir = strdup("");
    return srv->fixtures != NULL && srv->fixtures->dir != NULL ? ESOMOCK_OK : ESOMOCK_OUT_OF_MEMORY;
}

/* --proxy and --record: the upstream client and the recorder, plugged into the API routes. */
static enum esomock_status start_proxy(struct esomock_server *srv,
                                       const struct esomock_proxy_options *opts, char *err)
{
    if (opts->record_dir != NULL) {
        srv->recorder = esomock__recorder_create(opts->record_dir, srv->schema, srv->log, err);
        if (srv->recorder == NULL)
            return ESOMOCK_IO;
    }
    srv->proxy = esomock__proxy_create(opts, srv->log, err);
    if (srv->proxy == NULL)
        return ESOMOCK_BAD_ARGUMENT;
    srv->graphql.proxy = srv->proxy;
    srv->graphql.recorder = srv->recorder;
    return ESOMOCK_OK;
}

/* Start a server; what failed goes to @p err, a refused scenario's problems to @p problems. */
static enum esomock_status start(const struct esomock_options *opts, struct esomock_server **out,
                                 char *err, struct esomock_problems *problems)
{
    static const struct esomock_options defaults = {0};
    enum esomock_status rc = ESOMOCK_OUT_OF_MEMORY;
    struct esomock_server *srv = NULL;

    if (out == NULL) {
        esomock__set_error(err, "esomock_server_start: out is NULL");
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (opts == NULL)
        opts = &defaults;
    if (opts->time_scale < 0) {
        esomock__set_error(err, "time_scale must be positive (got %g)", opts->time_scale);
        return ESOMOCK_BAD_ARGUMENT;
    }
    if (esomock__sections_check(opts->sections, opts->section_count, problems) != ESOMOCK_OK)
        return ESOMOCK_BAD_ARGUMENT;

    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        goto fail;
    /* Before anything can fail: stop() closes these, and 0 is a valid descriptor. */
    esomock__blackhole_init(&srv->blackhole);
    pthread_mutex_init(&srv->scenario_lock, NULL);
    esomock__watch_init(&srv->watch, opts->log, ESOMOCK_SCENARIO_MAX_BYTES);
    srv->started_ms = esomock__now_ms();
    srv->epoch_ms = srv->started_ms;
    srv->max_body_bytes = opts->max_body_bytes ? opts->max_body_bytes : DEFAULT_MAX_BODY;
    srv->log = opts->log;
    srv->opts_time_scale = opts->time_scale;
    srv->opts_strict_auth = opts->strict_auth;
    srv->opts_token_ttl_s = opts->token_ttl_s ? opts->token_ttl_s : 3600;
    srv->opts_has_seed = opts->seed != 0;
    srv->opts_seed = opts->seed;
    srv->strict_fixtures = opts->strict_fixtures;
    srv->request_memo_entries = opts->request_cache < 0    ? 0
                                : opts->request_cache == 0 ? ESOMOCK_REQUEST_MEMO_ENTRIES
                                                           : (size_t)opts->request_cache;
    srv->effective.time_scale = opts->time_scale > 0 ? opts->time_scale : 1.0;
    srv->effective.hang_max_ms = DEFAULT_HANG_MAX_MS;
    atomic_init(&srv->next_seq, 0);
    atomic_init(&srv->in_flight, 0);
    esomock__metrics_init(&srv->metrics);
    esomock__ratelimit_init(&srv->ratelimit, NULL, srv->effective.time_scale);

    const char *host = opts->host != NULL ? opts->host : "127.0.0.1";
    /* A proxy without fixtures of its own forwards everything the default set would answer. */
    const char *dir = opts->fixtures_dir != NULL ? opts->fixtures_dir
                      : opts->proxy != NULL      ? NULL
                                                 : esomock_default_fixtures_dir();
    srv->host = strdup(host);
    srv->fixtures_dir = strdup(dir != NULL ? dir : "");
    srv->admin_token = opts->admin_token != NULL ? strdup(opts->admin_token) : NULL;
    if (srv->host == NULL || srv->fixtures_dir == NULL ||
        (opts->admin_token != NULL && srv->admin_token == NULL) || !copy_sections(srv, opts))
        goto fail;
    rc = dir != NULL ? esomock__fixtures_load(dir, &srv->fixtures, err) : no_fixtures(srv);
    if (rc != ESOMOCK_OK)
        goto fail;

    rc = ESOMOCK_OUT_OF_MEMORY;
    struct esomock_auth_options auth_opts = {
        .strict = opts->strict_auth,
        .ttl_s = srv->opts_token_ttl_s,
        .time_scale = srv->effective.time_scale,
        .client_id = opts->client_id,
        .client_secret = opts->client_secret,
    };
    srv->auth = esomock__auth_create(&auth_opts);
    srv->journal_ready = esomock__journal_init(
        &srv->journal, opts->journal_capacity ? opts->journal_capacity : DEFAULT_JOURNAL_CAPACITY,
        opts->journal);
    srv->timer = esomock__timer_create();
    if (srv->auth == NULL || !srv->journal_ready || srv->timer == NULL) {
        esomock__set_error(err, "out of memory or threads while starting");
        goto fail;
    }
    rc = load_schema(srv, err);
    if (rc != ESOMOCK_OK)
        goto fail;
    if (opts->proxy != NULL) {
        rc = start_proxy(srv, opts->proxy, err);
        if (rc != ESOMOCK_OK)
            goto fail;
    }
    rc = load_world(srv, opts->world_file, err, problems);
    if (rc != ESOMOCK_OK)
        goto fail;
    if (opts->scenario_file != NULL) {
        if (opts->watch_scenario)
            esomock__watch_note(&srv->watch, opts->scenario_file);
        rc = esomock_server_load_scenario_file(srv, opts->scenario_file, problems);
        if (rc != ESOMOCK_OK)
            goto fail;
    }
    rc = start_daemon(srv, opts, host, err);
    if (rc != ESOMOCK_OK)
        goto fail;
    if (opts->watch_scenario && opts->scenario_file != NULL) {
        rc = esomock__watch_start(&srv->watch, opts->scenario_file, esomock__scenario_reload, srv,
                                  err);
        if (rc != ESOMOCK_OK)
            goto fail;
    }
    *out = srv;
    return ESOMOCK_OK;
fail:
    esomock_server_stop(srv);
    return rc;
}

enum esomock_status esomock_server_start(const struct esomock_options *opts,
                                         struct esomock_server **out,
                                         struct esomock_problems *problems)
{
    struct esomock_problems counting = ESOMOCK__PROBLEMS_COUNTING;
    struct esomock_problems *p = problems != NULL ? problems : &counting;
    char err[ESOMOCK_ERROR_SIZE] = "";
    size_t before = esomock_problems_count(problems);
    esomock__problems_begin(p, "");
    enum esomock_status rc = start(opts, out, err, p);
    /* A scenario file's problems came with their file; the rest is one line of err. */
    if (rc != ESOMOCK_OK) {
        esomock__problems_begin(p, "");
        if (err[0] != '\0')
            esomock__problems_error(p, "", "%s", err);
        else if (esomock_problems_count(problems) == before)
            esomock__problems_error(p, "", "%s", esomock_strerror(rc));
    }
    esomock__problems_finish(&counting);
    return rc;
}

void esomock_server_stop(struct esomock_server *srv)
{
    if (srv == NULL)
        return;
    esomock__watch_stop(&srv->watch);
    /* libmicrohttpd cannot stop while connections are suspended: release them first. */
    esomock__timer_shutdown(srv->timer);
    esomock__proxy_shutdown(srv->proxy);
    if (srv->daemon != NULL)
        MHD_stop_daemon(srv->daemon);
    esomock__timer_destroy(srv->timer);
    esomock__proxy_destroy(srv->proxy);
    esomock__recorder_destroy(srv->recorder);
    esomock__blackhole_close(&srv->blackhole);
    esomock__run_unref(srv->run);
    if (srv->journal_ready)
        esomock__journal_finish(&srv->journal);
    esomock__ratelimit_finish(&srv->ratelimit);
    esomock__metrics_finish(&srv->metrics);
    esomock__auth_destroy(srv->auth);
    esomock__fixtures_free(srv->fixtures);
    esomock__watch_finish(&srv->watch);
    for (size_t i = 0; i < srv->section_count; i++) {
        free((char *)srv->sections[i].key);
        free((char *)srv->sections[i].checked_by);
    }
    free(srv->sections);
    esomock__memo_destroy(srv->request_memo);
    esomock__world_destroy(srv->world);
    gql_cache_destroy(srv->gql_cache);
    pthread_mutex_destroy(&srv->scenario_lock);
    free(srv->admin_token);
    free(srv->fixtures_dir);
    free(srv->host);
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

const char *esomock_server_blackhole_url(const struct esomock_server *srv)
{
    return srv != NULL ? srv->blackhole_url : "";
}

const char *esomock_server_fixtures_dir(const struct esomock_server *srv)
{
    return srv != NULL ? srv->fixtures_dir : "";
}
