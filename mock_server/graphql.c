/*
 * What a request gets: parse (the body, then the document through the engine), plan (which
 * scripted step applies), then the answer the real API would give (auth, GraphQL errors,
 * points budget, the document executed against the fixtures), then the step's changes to
 * that answer. faults.c carries the plan out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "graphql_private.h"
#include "resolver_private.h"
#include "scenario_private.h"
#include "utf8_private.h"

static const char malformed_body[] =
    "{\"data\": {\"guildData\": {\"guild\": {\"id\": 3468, \"name\": \"Tr";

void esomock__graphql_call_clear(struct esomock_graphql_call *call)
{
    esomock__gql_request_clear(&call->body);
    gql_prepared_destroy(call->prepared);
    free(call->fields);
    memset(call, 0, sizeof(*call));
}

/*
 * True for plans that send the API's own answer (so it needs a token and costs points).
 * A hang, drop or reset never answers, and a respond, malformed or empty step sends its own.
 */
static bool answers_normally(enum esomock_action action)
{
    switch (action) {
    case ESOMOCK_ACTION_PASS:
    case ESOMOCK_ACTION_TRUNCATE:
    case ESOMOCK_ACTION_DRIP:
    case ESOMOCK_ACTION_SLOW_READ:
        return true;
    case ESOMOCK_ACTION_HANG:
    case ESOMOCK_ACTION_DROP:
    case ESOMOCK_ACTION_RESET:
    case ESOMOCK_ACTION_RESPOND:
    case ESOMOCK_ACTION_MALFORMED:
    case ESOMOCK_ACTION_EMPTY:
        return false;
    }
    return true;
}

/* The parse of a GraphQL request: the body's 400, or the engine's answer to a bad document. */
struct parsed {
    int status;            /* 400: the body is not a GraphQL request */
    char why[512];         /* its reason */
    struct gql_buf errors; /* the engine's error answer (syntax, validation, variables) */
    bool has_errors;
    bool failed; /* the engine ran out of memory */
};

/* The fields the operation fetches as JSON, for the journal (secret-named arguments hidden). */
static char *fields_json(const struct gql_prepared *prepared)
{
    size_t n = gql_prepared_root_field_count(prepared);
    struct gql_buf b;
    gql_buf_init(&b, 64 * 1024);
    gql_buf_puts(&b, "[");
    for (size_t i = 0; i < n; i++) {
        const char *path = gql_prepared_root_field_path(prepared, i);
        const struct gql_value *args = gql_prepared_root_field_args(prepared, i);
        if (i > 0)
            gql_buf_puts(&b, ",");
        gql_buf_puts(&b, "{\"field\":");
        gql_buf_json_string(&b, path, strlen(path));
        gql_buf_puts(&b, ",\"arguments\":{");
        for (size_t k = 0; k < gql_value_count(args); k++) {
            const char *key = gql_value_key_at(args, k);
            if (k > 0)
                gql_buf_puts(&b, ",");
            gql_buf_json_string(&b, key, strlen(key));
            gql_buf_puts(&b, ":");
            if (esomock__is_secret_key(key))
                gql_buf_json_string(&b, ESOMOCK_REDACTED, strlen(ESOMOCK_REDACTED));
            else
                gql_value_write_json(gql_value_at(args, k), &b);
        }
        gql_buf_puts(&b, "}}");
    }
    gql_buf_puts(&b, "]");
    if (b.failed) {
        gql_buf_finish(&b);
        return NULL;
    }
    return b.data; /* the caller frees it */
}

/* Body, then document: call->prepared on success, else @p p says what to answer. */
static void parse_graphql(const struct esomock_graphql *g, const struct esomock_graphql_view *view,
                          struct esomock_graphql_call *call, struct parsed *p)
{
    p->status = esomock__gql_request_parse(view->body != NULL ? view->body : "", view->body_len,
                                           &call->body, p->why, sizeof(p->why));
    if (p->status != 0)
        return;
    struct gql_request request = {
        .query = call->body.query,
        .query_len = call->body.query_len,
        .operation_name = call->body.operation_name,
        .variables = call->body.variables,
    };
    enum gql_status rc = gql_prepare(g->schema, g->cache, &request, &call->prepared, &p->errors);
    const char *name = call->body.operation_name;
    if (rc == GQL_OK) {
        name = gql_prepared_operation_name(call->prepared);
        call->fields = fields_json(call->prepared);
    } else if (rc == GQL_ERRORS) {
        p->has_errors = true;
    } else {
        p->failed = true;
    }
    if (name != NULL) /* names are ASCII; a longer one is cut for the journal and metrics */
        esomock__utf8_copy(call->operation, sizeof(call->operation), name, strlen(name));
}

/* Execute the operation against the fixtures into @p reply (the status of an envelope). */
static void execute(const struct esomock_graphql *g, struct esomock_graphql_call *call,
                    struct esomock_reply *reply)
{
    const struct esomock_fixture *fx =
        esomock__answer_envelope(g->fixtures, call->prepared,
                                 call->operation[0] ? call->operation : NULL, call->body.variables);
    if (fx != NULL && fx->data == NULL) {
        /* A canned answer (errors, extensions): sent as is, whatever the document. */
        esomock__reply_borrowed(reply, fx->status, fx->body, fx->body_len);
    } else {
        struct esomock_answer answer = {
            .fixtures = g->fixtures,
            .envelope = fx,
            .ratelimit = g->ratelimit,
            .strict = g->strict_fixtures,
        };
        struct gql_buf out;
        gql_buf_init(&out, 0);
        enum gql_status rc = esomock__answer_execute(&answer, call->prepared, &out);
        if (rc != GQL_OK) {
            gql_buf_finish(&out);
            esomock__reply_error(reply, 500, "INTERNAL_SERVER_ERROR",
                                 "The answer could not be "
                                 "built: %s",
                                 gql_strerror(rc));
            return;
        }
        esomock__reply_owned(reply, fx != NULL ? fx->status : 200, out.data, out.len);
    }
    if (fx != NULL && fx->headers != NULL) {
        for (const cJSON *h = fx->headers->child; h != NULL; h = h->next)
            esomock__reply_header(reply, h->string, h->valuestring);
    }
}

/* The engine's answer to a document it refused: HTTP 200, errors, no data. */
static bool answer_parse_problem(struct parsed *p, struct esomock_reply *reply)
{
    if (p->status != 0) {
        esomock__reply_error(reply, p->status, "BAD_REQUEST", "%s", p->why);
        return true;
    }
    if (p->failed) {
        esomock__reply_error(reply, 500, "INTERNAL_SERVER_ERROR",
                             "Out of memory while reading the document");
        return true;
    }
    if (p->has_errors) {
        esomock__reply_owned(reply, 200, p->errors.data, p->errors.len);
        memset(&p->errors, 0, sizeof(p->errors)); /* the reply owns the bytes now */
        return true;
    }
    return false;
}

static void graphql_answer(const struct esomock_graphql *g, const struct esomock_graphql_view *view,
                           struct esomock_graphql_call *call, struct parsed *p,
                           struct esomock_reply *reply, const char **outcome)
{
    const char *authorization =
        view->header != NULL ? view->header(view->header_ctx, MHD_HTTP_HEADER_AUTHORIZATION) : NULL;
    enum esomock_bearer bearer = esomock__auth_check(g->auth, authorization);
    if (bearer != ESOMOCK_BEARER_OK) {
        esomock__reply_error(reply, 401, "UNAUTHENTICATED", "%s", esomock__bearer_message(bearer));
        esomock__reply_header(reply, "WWW-Authenticate", "Bearer realm=\"esologs\"");
        esomock__metrics_count_unauthorized(g->metrics);
        *outcome = "auth";
        return;
    }
    if (answer_parse_problem(p, reply)) {
        *outcome = "error";
        return;
    }
    struct esomock_charge charge = esomock__ratelimit_charge(g->ratelimit, call->operation);
    if (!charge.allowed) {
        struct esomock_budget b = esomock__ratelimit_snapshot(g->ratelimit);
        esomock__reply_error(reply, 429, "RATE_LIMITED",
                             "Too many requests: the budget of %.0f points per hour is spent "
                             "(%.0f used, this query costs %g); it resets in %.0f seconds",
                             b.limit_per_hour, b.spent, charge.cost, ceil(b.reset_in_s));
        if (charge.retry_after_s >= 0) {
            char value[32];
            snprintf(value, sizeof(value), "%.0f", ceil(charge.retry_after_s));
            esomock__reply_header(reply, "Retry-After", value);
        }
        esomock__metrics_count_rate_limited(g->metrics);
        *outcome = "rate_limit";
        return;
    }
    execute(g, call, reply);
}

/* The normal answer's body for a step that keeps it (a respond without a body of its own). */
static void normal_body(const struct esomock_graphql *g, struct esomock_graphql_call *call,
                        struct parsed *p, struct esomock_reply *reply)
{
    if (!answer_parse_problem(p, reply))
        execute(g, call, reply);
}

/*
 * The body a step with an error status (4xx/5xx) and neither body nor fixture sends: what the
 * real API sends with such a status, never the normal data (a client that parses before it
 * checks the status must not see a success). GraphQL routes get a GraphQL-style error with
 * no data; the token endpoint an OAuth error (RFC 6749 5.2).
 */
static void error_body_for_status(bool graphql, struct esomock_reply *reply, int status)
{
    const char *phrase = MHD_get_reason_phrase_for((unsigned)status);
    if (phrase == NULL || phrase[0] == '\0')
        phrase = "Error";
    if (!graphql) {
        const char *error = status == 401                    ? "invalid_client"
                            : status == 403                  ? "unauthorized_client"
                            : status == 429 || status == 503 ? "temporarily_unavailable"
                            : status >= 500                  ? "server_error"
                                                             : "invalid_request";
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "error", error);
        cJSON_AddStringToObject(root, "error_description", phrase);
        esomock__reply_json(reply, status, root);
        cJSON_Delete(root);
        return;
    }
    char code[64];
    size_t n = 0;
    for (const char *c = phrase; *c != '\0' && n + 1 < sizeof(code); c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            code[n++] = (char)(*c & ~0x20); /* upper case */
        else if ((*c == ' ' || *c == '-') && n > 0 && code[n - 1] != '_')
            code[n++] = '_';
    }
    code[n] = '\0';
    esomock__reply_error(reply, status, code, "%s", phrase);
}

/* The step's own status, headers and body replace the normal answer's. */
static void apply_step_overrides(const struct esomock_graphql *g,
                                 const struct esomock_graphql_view *view,
                                 struct esomock_graphql_call *call, struct parsed *p,
                                 const struct esomock_plan *plan, struct esomock_reply *reply)
{
    const struct esomock_step *step = plan->step;
    if (step == NULL)
        return;
    switch (step->action) {
    case ESOMOCK_ACTION_MALFORMED:
        if (step->body != NULL)
            esomock__reply_borrowed(reply, 200, step->body, step->body_len);
        else
            esomock__reply_borrowed(reply, 200, malformed_body, sizeof(malformed_body) - 1);
        break;
    case ESOMOCK_ACTION_EMPTY:
        esomock__reply_borrowed(reply, 200, "", 0);
        break;
    case ESOMOCK_ACTION_RESPOND:
    case ESOMOCK_ACTION_TRUNCATE:
    case ESOMOCK_ACTION_DRIP: {
        const struct esomock_fixture *fx =
            step->fixture != NULL ? esomock__fixtures_by_name(g->fixtures, step->fixture) : NULL;
        bool own_body = fx != NULL || step->body != NULL;
        if (!own_body && step->status >= 400) {
            /* An error status with no body of its own: the API's error body, never the data. */
            error_body_for_status(view->graphql, reply, step->status);
        } else if (fx != NULL) {
            esomock__reply_borrowed(reply, step->status != 0 ? step->status : fx->status, fx->body,
                                    fx->body_len);
            if (fx->headers != NULL) {
                for (const cJSON *h = fx->headers->child; h != NULL; h = h->next)
                    esomock__reply_header(reply, h->string, h->valuestring);
            }
        } else if (step->body != NULL) {
            esomock__reply_borrowed(reply, step->status != 0 ? step->status : 200, step->body,
                                    step->body_len);
        } else {
            /* No body of its own: the normal answer, with the step's status. */
            if (reply->body == NULL && view->graphql)
                normal_body(g, call, p, reply);
            if (step->status != 0)
                reply->status = step->status;
        }
        if (step->headers != NULL) {
            for (const cJSON *h = step->headers->child; h != NULL; h = h->next)
                esomock__reply_header(reply, h->string, h->valuestring);
        }
        break;
    }
    case ESOMOCK_ACTION_PASS:
    case ESOMOCK_ACTION_HANG:
    case ESOMOCK_ACTION_DROP:
    case ESOMOCK_ACTION_RESET:
    case ESOMOCK_ACTION_SLOW_READ:
        break;
    }
    if (step->close_connection)
        esomock__reply_header(reply, MHD_HTTP_HEADER_CONNECTION, "close");
}

void esomock__graphql_prepare(const struct esomock_graphql *g,
                              const struct esomock_graphql_view *view,
                              struct esomock_graphql_call *call, struct esomock_plan *plan,
                              struct esomock_reply *reply, const char **outcome)
{
    struct parsed p;
    memset(&p, 0, sizeof(p));
    if (view->graphql)
        parse_graphql(g, view, call, &p);

    if (view->run != NULL && !view->planned) {
        struct esomock_request_view match = {
            .path = view->path,
            .operation = call->operation[0] ? call->operation : NULL,
            .variables = call->body.variables,
            .header = view->header,
            .header_ctx = view->header_ctx,
            .scenario_ms = view->scenario_ms,
            .graphql_route = view->graphql,
        };
        esomock__run_decide(view->run, &match, view->first_rule, plan);
    }

    if (answers_normally(plan->action)) {
        if (view->graphql)
            graphql_answer(g, view, call, &p, reply, outcome);
        else
            esomock__auth_token_request(
                g->auth,
                view->header != NULL ? view->header(view->header_ctx, MHD_HTTP_HEADER_AUTHORIZATION)
                                     : NULL,
                view->body != NULL ? view->body : "", view->body_len, reply);
    } else {
        reply->status = 200;
        reply->content_type = "application/json";
    }
    apply_step_overrides(g, view, call, &p, plan, reply);
    gql_buf_finish(&p.errors);
}
