/*
 * What a request gets: parse, plan (which scripted step applies), then the
 * answer the real API would give (auth, validation, points budget, fixture),
 * then the step's changes to that answer. faults.c carries the plan out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock_private.h"
#include "server_private.h"

static const char malformed_body[] =
    "{\"data\": {\"guildData\": {\"guild\": {\"id\": 3468, \"name\": \"Tr";

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

/* getRateLimitData answers from the points model, keeping the fixture's shape and selection. */
static void patch_rate_limit_data(struct esomock_server *srv, struct esomock_reply *reply)
{
    cJSON *root = cJSON_ParseWithLength(reply->body, reply->body_len);
    cJSON *rld = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "data"),
                                                  "rateLimitData");
    if (!cJSON_IsObject(rld)) {
        cJSON_Delete(root);
        return;
    }
    struct esomock_budget b = esomock__ratelimit_snapshot(&srv->ratelimit);
    cJSON *item;
    if ((item = cJSON_GetObjectItemCaseSensitive(rld, "limitPerHour")) != NULL)
        cJSON_SetNumberValue(item, floor(b.limit_per_hour));
    if ((item = cJSON_GetObjectItemCaseSensitive(rld, "pointsSpentThisHour")) != NULL)
        cJSON_SetNumberValue(item, b.spent);
    if ((item = cJSON_GetObjectItemCaseSensitive(rld, "pointsResetIn")) != NULL)
        cJSON_SetNumberValue(item, ceil(b.reset_in_s));
    int status = reply->status;
    esomock__reply_json(reply, status, root);
    cJSON_Delete(root);
}

static void use_fixture(struct esomock_reply *reply, const struct esomock_fixture *fx, int status)
{
    esomock__reply_borrowed(reply, status != 0 ? status : fx->status, fx->body, fx->body_len);
    if (fx->headers != NULL) {
        for (const cJSON *h = fx->headers->child; h != NULL; h = h->next)
            esomock__reply_header(reply, h->string, h->valuestring);
    }
}

static void graphql_answer(struct esomock_server *srv, struct esomock_request *req,
                           int parse_status, const char *parse_error)
{
    const char *authorization = esomock__request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    enum esomock_bearer bearer = esomock__auth_check(srv->auth, authorization);
    if (bearer != ESOMOCK_BEARER_OK) {
        esomock__reply_error(&req->reply, 401, "UNAUTHENTICATED", "%s",
                             esomock__bearer_message(bearer));
        esomock__reply_header(&req->reply, "WWW-Authenticate", "Bearer realm=\"esologs\"");
        esomock__metrics_count_unauthorized(&srv->metrics);
        req->outcome = "auth";
        return;
    }
    if (parse_status != 0) {
        esomock__reply_error(&req->reply, parse_status, "BAD_REQUEST", "%s", parse_error);
        req->outcome = "error";
        return;
    }
    struct esomock_charge charge = esomock__ratelimit_charge(&srv->ratelimit, req->gql.operation);
    if (!charge.allowed) {
        struct esomock_budget b = esomock__ratelimit_snapshot(&srv->ratelimit);
        esomock__reply_error(&req->reply, 429, "RATE_LIMITED",
                             "Too many requests: the budget of %.0f points per hour is spent "
                             "(%.0f used, this query costs %g); it resets in %.0f seconds",
                             b.limit_per_hour, b.spent, charge.cost, ceil(b.reset_in_s));
        if (charge.retry_after_s >= 0) {
            char value[32];
            snprintf(value, sizeof(value), "%.0f", ceil(charge.retry_after_s));
            esomock__reply_header(&req->reply, "Retry-After", value);
        }
        esomock__metrics_count_rate_limited(&srv->metrics);
        req->outcome = "rate_limit";
        return;
    }
    const struct esomock_fixture *fx =
        esomock__fixtures_match(srv->fixtures, req->gql.operation, req->gql.variables);
    if (fx == NULL) {
        /* GraphQL servers answer unknown operations in the body, not with a 404 page. */
        esomock__reply_error(&req->reply, 200, "UNKNOWN_OPERATION",
                             "Unknown operation \"%s\": no fixture answers it in %s",
                             req->gql.operation, srv->fixtures->dir);
        req->outcome = "error";
        return;
    }
    use_fixture(&req->reply, fx, 0);
    if (strcmp(req->gql.operation, "getRateLimitData") == 0)
        patch_rate_limit_data(srv, &req->reply);
}

/*
 * The body a step with an error status (4xx/5xx) and neither body nor fixture sends: what the
 * real API sends with such a status, never the normal data (a client that parses before it
 * checks the status must not see a success). GraphQL routes get a GraphQL-style error with
 * no data; the token endpoint an OAuth error (RFC 6749 5.2).
 */
static void error_body_for_status(struct esomock_request *req, int status)
{
    const char *phrase = MHD_get_reason_phrase_for((unsigned)status);
    if (phrase == NULL || phrase[0] == '\0')
        phrase = "Error";
    if (req->route == ESOMOCK_ROUTE_TOKEN) {
        const char *error = status == 401                    ? "invalid_client"
                            : status == 403                  ? "unauthorized_client"
                            : status == 429 || status == 503 ? "temporarily_unavailable"
                            : status >= 500                  ? "server_error"
                                                             : "invalid_request";
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "error", error);
        cJSON_AddStringToObject(root, "error_description", phrase);
        esomock__reply_json(&req->reply, status, root);
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
    esomock__reply_error(&req->reply, status, code, "%s", phrase);
}

/* The step's own status, headers and body replace the normal answer's. */
static void apply_step_overrides(struct esomock_server *srv, struct esomock_request *req)
{
    const struct esomock_step *step = req->plan.step;
    if (step == NULL)
        return;
    switch (step->action) {
    case ESOMOCK_ACTION_MALFORMED:
        if (step->body != NULL)
            esomock__reply_borrowed(&req->reply, 200, step->body, step->body_len);
        else
            esomock__reply_borrowed(&req->reply, 200, malformed_body, sizeof(malformed_body) - 1);
        break;
    case ESOMOCK_ACTION_EMPTY:
        esomock__reply_borrowed(&req->reply, 200, "", 0);
        break;
    case ESOMOCK_ACTION_RESPOND:
    case ESOMOCK_ACTION_TRUNCATE:
    case ESOMOCK_ACTION_DRIP: {
        const struct esomock_fixture *fx =
            step->fixture != NULL ? esomock__fixtures_by_name(srv->fixtures, step->fixture) : NULL;
        bool own_body = fx != NULL || step->body != NULL;
        if (!own_body && step->status >= 400) {
            /* An error status with no body of its own: the API's error body, never the data. */
            error_body_for_status(req, step->status);
        } else {
            /* A respond step with no body of its own sends the normal fixture with its status. */
            if (!own_body && req->reply.body == NULL)
                fx = esomock__fixtures_match(srv->fixtures, req->gql.operation, req->gql.variables);
            if (fx != NULL)
                use_fixture(&req->reply, fx, step->status);
            else if (step->body != NULL)
                esomock__reply_borrowed(&req->reply, step->status != 0 ? step->status : 200,
                                        step->body, step->body_len);
            else if (step->status != 0)
                req->reply.status = step->status;
        }
        if (step->headers != NULL) {
            for (const cJSON *h = step->headers->child; h != NULL; h = h->next)
                esomock__reply_header(&req->reply, h->string, h->valuestring);
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
        esomock__reply_header(&req->reply, MHD_HTTP_HEADER_CONNECTION, "close");
}

void esomock__graphql_prepare(struct esomock_server *srv, struct esomock_request *req)
{
    char parse_error[512] = "";
    int parse_status = 0;
    if (req->route == ESOMOCK_ROUTE_GRAPHQL)
        parse_status = esomock__gql_request_parse(req->body != NULL ? req->body : "", req->body_len,
                                                  &req->gql, parse_error, sizeof(parse_error));

    if (req->run != NULL && !req->planned) {
        struct esomock_request_view view = {
            .path = req->path,
            .operation = parse_status == 0 && req->gql.operation[0] ? req->gql.operation : NULL,
            .variables = req->gql.variables,
            .header = esomock__request_header,
            .header_ctx = req,
            .scenario_ms = esomock__request_scenario_ms(req),
        };
        esomock__run_decide(req->run, &view, req->first_rule, &req->plan);
    }

    if (answers_normally(req->plan.action)) {
        if (req->route == ESOMOCK_ROUTE_GRAPHQL)
            graphql_answer(srv, req, parse_status, parse_error);
        else
            esomock__auth_token_request(
                srv->auth, esomock__request_header(req, MHD_HTTP_HEADER_AUTHORIZATION),
                req->body != NULL ? req->body : "", req->body_len, &req->reply);
    } else {
        req->reply.status = 200;
        req->reply.content_type = "application/json";
    }
    apply_step_overrides(srv, req);
    if (esomock__connection_count_request(req))
        esomock__reply_header(&req->reply, MHD_HTTP_HEADER_CONNECTION, "close");
}
