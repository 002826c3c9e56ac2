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

#include "cost_private.h"
#include "cover_private.h"
#include "graphql_private.h"
#include "memo_private.h"
#include "redact_private.h"
#include "resolver_private.h"
#include "scenario_private.h"
#include "utf8_private.h"
#include "world_private.h"

static const char malformed_body[] =
    "{\"data\": {\"guildData\": {\"guild\": {\"id\": 3468, \"name\": \"Tr";

/*
 * What a request body became: the parse, the engine's verdict and, when it reads nothing
 * live, the normal answer. Immutable once made, and shared through the memo by every
 * request with the same body: fixtures, schema and generation are fixed for a server's
 * life, so the same body always gets the same answer (rateLimitData is live: executed anew).
 */
struct esomock_parsed {
    struct esomock_memo_item item; /* keyed by the body */
    char *body;
    int status;  /* 400: the body is not a GraphQL request */
    char *why;   /* its reason */
    bool failed; /* the engine ran out of memory */
    struct esomock_gql_request gql;
    struct gql_prepared *prepared; /* NULL: refused */
    char *errors;                  /* the engine's error answer (syntax, validation, variables) */
    size_t errors_len;
    char operation[ESOMOCK_OPNAME_MAX + 1];
    char *variables;                         /* compact JSON, for the journal */
    char *fields;                            /* for the journal */
    const struct esomock_data_source *world; /* the world answered from (its stamp is in the
                                                memo's hash), or NULL */
    double cost;                             /* points, as the query costs them (cost.c) */
    bool rejected; /* every data field rejected for its limit: not charged (cost.c) */
    /* the normal answer */
    bool live;     /* executed for each request (rateLimitData) */
    bool upstream; /* with a proxy: a fetched field no fixture answers (never memoised) */
    const struct esomock_fixture *envelope; /* its status and headers, or NULL */
    int answer_status;
    const char *answer; /* owned_answer, or a canned fixture's body */
    size_t answer_len;
    char *owned_answer;
};

static void parsed_destroy(struct esomock_memo_item *item)
{
    struct esomock_parsed *p = (struct esomock_parsed *)item;
    free(p->body);
    free(p->why);
    esomock__gql_request_clear(&p->gql);
    gql_prepared_destroy(p->prepared);
    free(p->errors);
    free(p->variables);
    free(p->fields);
    free(p->owned_answer);
    free(p);
}

void esomock__graphql_call_clear(struct esomock_graphql_call *call)
{
    if (call->parsed != NULL)
        esomock__memo_unref(&call->parsed->item);
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

/*
 * Execute the operation against the fixtures into @p out, with the envelope chosen for it.
 * @return gql_execute's status; *@p live tells whether the answer read live state.
 */
static enum gql_status run_document(const struct esomock_graphql *g, const struct esomock_parsed *p,
                                    struct gql_buf *out, bool *live)
{
    struct esomock_answer answer = {
        .fixtures = g->fixtures,
        .envelope = p->envelope,
        .world = p->world,
        .ratelimit = g->ratelimit,
        .strict = g->strict_fixtures,
    };
    gql_buf_init(out, 0);
    enum gql_status rc = esomock__answer_execute(&answer, p->prepared, out);
    *live = answer.live;
    return rc;
}

/* The normal answer, made once: a canned envelope, or the document executed (unless live). */
static bool make_answer(const struct esomock_graphql *g, struct esomock_parsed *p)
{
    p->envelope =
        esomock__answer_envelope(g->fixtures, p->prepared, p->operation[0] ? p->operation : NULL,
                                 p->gql.variables, p->world != NULL);
    p->answer_status = p->envelope != NULL ? p->envelope->status : 200;
    if (p->envelope != NULL && p->envelope->data == NULL) {
        /* A canned answer (errors, extensions): sent as is, whatever the document. */
        p->answer = p->envelope->body;
        p->answer_len = p->envelope->body_len;
        return true;
    }
    if (g->proxy != NULL && !esomock__cover_all(g->fixtures, p->envelope, g->schema, p->prepared)) {
        p->upstream = true; /* the upstream's answer, or (not forwarded) made for each request */
        return true;
    }
    struct gql_buf out;
    enum gql_status rc = run_document(g, p, &out, &p->live);
    if (rc != GQL_OK || p->live) {
        gql_buf_finish(&out);
        /* A live answer is made for each request; a failure is answered as it comes. */
        return rc != GQL_NO_MEMORY;
    }
    p->owned_answer = out.data != NULL ? out.data : strdup("");
    p->answer = p->owned_answer;
    p->answer_len = out.len;
    return p->owned_answer != NULL;
}

/*
 * A document past the complexity limit is refused before it runs, as graphql-php's
 * QueryComplexity validation rule refuses it: one error, no locations, no data.
 */
static bool refuse_complex(struct esomock_parsed *p, const struct esomock_cost *cost)
{
    if (!(cost->complexity > ESOMOCK_MAX_COMPLEXITY))
        return false;
    char message[160];
    if (isinf(cost->complexity))
        snprintf(message, sizeof(message),
                 "Max query complexity should be %d but got more than it can count.",
                 ESOMOCK_MAX_COMPLEXITY);
    else
        snprintf(message, sizeof(message), "Max query complexity should be %d but got %.0f.",
                 ESOMOCK_MAX_COMPLEXITY, cost->complexity);
    struct gql_buf b;
    gql_buf_init(&b, 0);
    gql_buf_puts(&b, "{\"errors\":[{\"message\":");
    gql_buf_json_string(&b, message, strlen(message));
    gql_buf_puts(&b, ",\"extensions\":{\"category\":\"graphql\"}}]}");
    if (b.failed) {
        gql_buf_finish(&b);
        return false;
    }
    p->errors = b.data;
    p->errors_len = b.len;
    return true;
}

/* Parse a body into a new parsed request: the HTTP part, then the engine's. */
static struct esomock_parsed *parse_body(const struct esomock_graphql *g,
                                         const struct esomock_data_source *world, const char *body,
                                         size_t len, uint64_t hash, bool *cacheable)
{
    struct esomock_parsed *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    esomock__memo_item_init(&p->item);
    p->item.destroy = parsed_destroy;
    p->item.hash = hash;
    p->world = world;
    p->body = malloc(len + 1);
    if (p->body == NULL) {
        free(p);
        return NULL;
    }
    memcpy(p->body, body, len);
    p->body[len] = '\0';
    p->item.key = p->body;
    p->item.key_len = len;
    *cacheable = true;

    char why[512] = "";
    p->status = esomock__gql_request_parse(p->body, len, &p->gql, why, sizeof(why));
    if (p->status != 0) {
        p->why = strdup(why);
        *cacheable = p->why != NULL;
        p->item.bytes = sizeof(*p) + len;
        return p;
    }
    struct gql_request request = {
        .query = p->gql.query,
        .query_len = p->gql.query_len,
        .operation_name = p->gql.operation_name,
        .variables = p->gql.variables,
    };
    struct gql_buf errors;
    gql_buf_init(&errors, 0);
    enum gql_status rc = gql_prepare(g->schema, g->cache, &request, &p->prepared, &errors);
    const char *name = p->gql.operation_name;
    if (rc == GQL_OK) {
        struct esomock_cost cost = {0};
        name = gql_prepared_operation_name(p->prepared);
        p->fields = fields_json(p->prepared); /* also computes the fields once, before sharing */
        if (!esomock__query_cost(p->prepared, world != NULL, &cost)) {
            p->failed = true;
            *cacheable = false;
        }
        p->cost = cost.points;
        p->rejected = cost.rejected;
        if (refuse_complex(p, &cost)) {
            gql_prepared_destroy(p->prepared);
            p->prepared = NULL;
        }
    } else if (rc == GQL_ERRORS) {
        p->errors = errors.data;
        p->errors_len = errors.len;
        memset(&errors, 0, sizeof(errors));
    } else {
        p->failed = true;
        *cacheable = false;
    }
    gql_buf_finish(&errors);
    if (name != NULL) /* names are ASCII; a longer one is cut for the journal and metrics */
        esomock__utf8_copy(p->operation, sizeof(p->operation), name, strlen(name));
    if (p->gql.variables != NULL)
        p->variables = cJSON_PrintUnformatted(p->gql.variables);
    if (p->prepared != NULL && !make_answer(g, p))
        *cacheable = false;
    p->item.bytes = sizeof(*p) + 2 * len + p->errors_len + (p->owned_answer ? p->answer_len : 0);
    return p;
}

/* The world the request is answered from: the scenario's when it names one, else the server's. */
static const struct esomock_data_source *world_in_force(const struct esomock_graphql *g,
                                                        const struct esomock_graphql_view *view)
{
    const struct esomock_scenario *sc = view->run != NULL ? view->run->scenario : NULL;
    if (sc != NULL && sc->settings.world != NULL)
        return esomock__world_source(sc->world); /* NULL: "none" */
    return g->world;
}

/* The body's parsed request: the memo's when the same body came before, else a new one. */
static void parse_graphql(const struct esomock_graphql *g, const struct esomock_graphql_view *view,
                          struct esomock_graphql_call *call)
{
    const char *body = view->body != NULL ? view->body : "";
    const struct esomock_data_source *world = world_in_force(g, view);
    /* Answers depend on the world: the same body under another world is another entry. */
    uint64_t hash = esomock__memo_hash(body, view->body_len) ^
                    (world != NULL ? esomock__mix64(world->stamp) : 0);
    struct esomock_memo_item *item =
        g->requests != NULL ? esomock__memo_get(g->requests, body, view->body_len, hash) : NULL;
    struct esomock_parsed *p = (struct esomock_parsed *)item;
    if (p == NULL) {
        bool cacheable = false;
        p = parse_body(g, world, body, view->body_len, hash, &cacheable);
        if (p == NULL)
            return;
        if (cacheable && g->requests != NULL)
            esomock__memo_put(g->requests, &p->item);
    }
    call->parsed = p;
    memcpy(call->operation, p->operation, sizeof(call->operation));
    call->variables = p->variables;
    call->fields = p->fields;
}

/* The normal answer into @p reply: made once, or executed now when it is live. */
static void execute(const struct esomock_graphql *g, const struct esomock_parsed *p,
                    struct esomock_reply *reply)
{
    if (p->answer != NULL) {
        esomock__reply_borrowed(reply, p->answer_status, p->answer, p->answer_len);
    } else {
        struct gql_buf out;
        bool live = false;
        enum gql_status rc = run_document(g, p, &out, &live);
        if (rc != GQL_OK) {
            gql_buf_finish(&out);
            esomock__reply_error(reply, 500, "INTERNAL_SERVER_ERROR",
                                 "The answer could not be built: %s", gql_strerror(rc));
            return;
        }
        esomock__reply_owned(reply, p->answer_status, out.data, out.len);
    }
    if (p->envelope != NULL && p->envelope->headers != NULL) {
        for (const cJSON *h = p->envelope->headers->child; h != NULL; h = h->next)
            esomock__reply_header(reply, h->string, h->valuestring);
    }
}

/* A body that is not a GraphQL request (400), or a document the engine refused (200). */
static bool answer_parse_problem(const struct esomock_parsed *p, struct esomock_reply *reply)
{
    if (p == NULL || p->failed) {
        esomock__reply_error(reply, 500, "INTERNAL_SERVER_ERROR",
                             "Out of memory while reading the request");
        return true;
    }
    if (p->status != 0) {
        esomock__reply_error(reply, p->status, "BAD_REQUEST", "%s", p->why);
        return true;
    }
    if (p->errors != NULL) {
        esomock__reply_borrowed(reply, 200, p->errors, p->errors_len);
        return true;
    }
    return false;
}

/* A step whose answer is its own body, whatever the normal answer would be. */
static bool step_sends_own_body(const struct esomock_graphql *g, const struct esomock_step *step)
{
    if (step == NULL)
        return false;
    switch (step->action) {
    case ESOMOCK_ACTION_MALFORMED:
    case ESOMOCK_ACTION_EMPTY:
        return true;
    case ESOMOCK_ACTION_RESPOND:
    case ESOMOCK_ACTION_TRUNCATE:
    case ESOMOCK_ACTION_DRIP:
        return step->body != NULL || step->status >= 400 ||
               (step->fixture != NULL && esomock__fixtures_by_name(g->fixtures, step->fixture));
    case ESOMOCK_ACTION_PASS:
    case ESOMOCK_ACTION_HANG:
    case ESOMOCK_ACTION_DROP:
    case ESOMOCK_ACTION_RESET:
    case ESOMOCK_ACTION_SLOW_READ:
        break;
    }
    return false;
}

/* The normal answer is the upstream's: a proxy, the client endpoint, a field no fixture
 * answers, and a step that sends it. (/api/v2/user needs a user's token eso-mock lacks.) */
static bool from_upstream(const struct esomock_graphql *g, const struct esomock_graphql_view *view,
                          const struct esomock_parsed *p, const struct esomock_plan *plan)
{
    return g->proxy != NULL && p != NULL && p->upstream && view->path != NULL &&
           strcmp(view->path, "/api/v2/client") == 0 && !step_sends_own_body(g, plan->step);
}

static void graphql_answer(const struct esomock_graphql *g, const struct esomock_graphql_view *view,
                           struct esomock_graphql_call *call, const struct esomock_plan *plan,
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
    if (answer_parse_problem(call->parsed, reply)) {
        *outcome = "error";
        return;
    }
    /* A document the world rejects whole is not charged, as one refused by validation. */
    struct esomock_charge charge = {.allowed = true};
    if (!call->parsed->rejected)
        charge = esomock__ratelimit_charge(g->ratelimit, call->operation, call->parsed->cost);
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
    if (from_upstream(g, view, call->parsed, plan)) {
        call->forward = true; /* the budget is charged; the answer comes from upstream */
        return;
    }
    execute(g, call->parsed, reply);
}

/* The normal answer's body for a step that keeps it (a respond without a body of its own). */
static void normal_body(const struct esomock_graphql *g, const struct esomock_graphql_view *view,
                        struct esomock_graphql_call *call, const struct esomock_plan *plan,
                        struct esomock_reply *reply)
{
    if (answer_parse_problem(call->parsed, reply))
        return;
    if (from_upstream(g, view, call->parsed, plan))
        call->forward = true;
    else
        execute(g, call->parsed, reply);
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
                                 struct esomock_graphql_call *call, const struct esomock_plan *plan,
                                 struct esomock_reply *reply)
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
                normal_body(g, view, call, plan, reply);
            if (call->forward)
                return; /* applied again to the upstream's answer */
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
    if (view->graphql)
        parse_graphql(g, view, call);

    if (view->run != NULL && !view->planned) {
        struct esomock_request_view match = {
            .path = view->path,
            .operation = call->operation[0] ? call->operation : NULL,
            .variables = call->parsed != NULL ? call->parsed->gql.variables : NULL,
            .prepared = call->parsed != NULL ? call->parsed->prepared : NULL,
            .header = view->header,
            .header_ctx = view->header_ctx,
            .scenario_ms = view->scenario_ms,
            .graphql_route = view->graphql,
        };
        esomock__run_decide(view->run, &match, view->first_rule, plan);
    }

    if (answers_normally(plan->action)) {
        if (view->graphql)
            graphql_answer(g, view, call, plan, reply, outcome);
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
    if (!call->forward) /* else the step applies to the upstream's answer */
        apply_step_overrides(g, view, call, plan, reply);
}

static bool holds_secret(void *proxy, const char *text, size_t len)
{
    return esomock__proxy_holds_secret(proxy, text, len);
}

void esomock__graphql_forwarded(const struct esomock_graphql *g,
                                const struct esomock_graphql_view *view,
                                struct esomock_graphql_call *call, const struct esomock_plan *plan,
                                struct esomock_upstream_call *up, struct esomock_reply *reply)
{
    const struct esomock_parsed *p = call->parsed;
    call->forward = false;
    if (g->recorder != NULL && up->outcome == ESOMOCK_UPSTREAM_ANSWERED && up->status == 200 &&
        p != NULL && p->prepared != NULL)
        call->recorded = esomock__record_answer(g->recorder, g->fixtures, p->envelope, p->prepared,
                                                up->answer, up->answer_len, holds_secret, g->proxy);
    esomock__upstream_reply(up, reply);
    apply_step_overrides(g, view, call, plan, reply);
}
