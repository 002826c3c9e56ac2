/* Classification of attempt outcomes. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include <esologs/options.h>

#include "classify_private.h"
#include "text_private.h"

void eso__verdict_finish(struct eso__verdict *v)
{
    cJSON_Delete(v->json);
    v->json = NULL;
}

static void set(struct eso__verdict *v, enum eso_status st, unsigned cls, enum eso__outcome b,
                bool ambiguous, const char *reason)
{
    v->status = st;
    v->retry_class = cls;
    v->breaker = b;
    v->ambiguous = ambiguous;
    v->reason = reason;
}

bool eso__classify_transport(const struct eso__response *r, struct eso__verdict *v)
{
    bool sent = r->request_sent;
    if (r->curl_code == CURLE_OK)
        return false;
    v->timeout = false;
    switch (r->curl_code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        set(v, ESO_CONNECT_FAILED, ESO_RETRY_CONNECT, ESO__OUTCOME_FAILURE, false,
            "connect_failed");
        break;
    case CURLE_OPERATION_TIMEDOUT:
        if (r->timeout_phase != NULL && strcmp(r->timeout_phase, "pool") == 0) {
            set(v, ESO_POOL_TIMEOUT, ESO_RETRY_POOL_TIMEOUT, ESO__OUTCOME_IGNORED, false,
                "pool_timeout");
            break;
        }
        v->timeout = true;
        if (r->timeout_phase != NULL && strcmp(r->timeout_phase, "connect") == 0) {
            set(v, ESO_TIMEOUT, ESO_RETRY_TIMEOUT, ESO__OUTCOME_FAILURE, false, "connect_timeout");
        } else if (r->timeout_phase != NULL && strcmp(r->timeout_phase, "read") == 0) {
            set(v, ESO_TIMEOUT, ESO_RETRY_TIMEOUT, ESO__OUTCOME_FAILURE, sent, "read_timeout");
        } else if (r->timeout_phase != NULL && strcmp(r->timeout_phase, "write") == 0) {
            set(v, ESO_TIMEOUT, ESO_RETRY_TIMEOUT, ESO__OUTCOME_FAILURE, true, "write_timeout");
        } else {
            set(v, ESO_TIMEOUT, ESO_RETRY_TIMEOUT, ESO__OUTCOME_FAILURE, true, "timeout");
        }
        break;
    case CURLE_GOT_NOTHING:
        set(v, ESO_CONNECTION_DROPPED, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE, true,
            "connection_dropped");
        break;
    case CURLE_SEND_ERROR:
        set(v, ESO_CONNECTION_RESET, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE, sent,
            "connection_reset");
        break;
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        set(v, ESO_CONNECTION_RESET, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE, true,
            "connection_reset");
        break;
    case CURLE_PARTIAL_FILE:
        set(v, ESO_TRUNCATED, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE, true, "truncated");
        break;
    case CURLE_WRITE_ERROR:
        if (r->too_large) {
            set(v, ESO_RESPONSE_TOO_LARGE, 0, ESO__OUTCOME_SUCCESS, true, "response_too_large");
            break;
        }
        set(v, ESO_OUT_OF_MEMORY, 0, ESO__OUTCOME_IGNORED, true, "out_of_memory");
        break;
    case CURLE_OUT_OF_MEMORY:
        if (r->too_large) { /* libcurl's words for a header line over its limit */
            set(v, ESO_RESPONSE_TOO_LARGE, 0, ESO__OUTCOME_SUCCESS, true, "response_too_large");
            break;
        }
        set(v, ESO_OUT_OF_MEMORY, 0, ESO__OUTCOME_IGNORED, sent, "out_of_memory");
        break;
    default:
        set(v, ESO_TRANSPORT, 0, ESO__OUTCOME_FAILURE, sent, "transport");
        break;
    }
    if (r->curl_code > 0)
        eso__fmt(v->detail, sizeof v->detail, "curl %d: %s", r->curl_code, r->error);
    else
        snprintf(v->detail, sizeof v->detail, "%s", r->error);
    return true;
}

/* Case-insensitive search for @p phrase as whole words (no letter or digit around it). */
static bool has_phrase(const char *hay, const char *phrase)
{
    size_t n = strlen(phrase);
    for (const char *p = hay; *p != '\0'; p++) {
        if (strncasecmp(p, phrase, n) != 0)
            continue;
        if (p != hay && isalnum((unsigned char)p[-1]))
            continue;
        /* The phrase's own inflections count: "rate limits", "rate limited", "rate limiting". */
        const char *end = p + n;
        static const char *const suffixes[] = {"ing", "es", "ed", "s", "d", ""};
        for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
            size_t k = strlen(suffixes[i]);
            if (strncasecmp(end, suffixes[i], k) == 0 && !isalnum((unsigned char)end[k]))
                return true;
        }
    }
    return false;
}

/* Rate limiting: transient, and saying nothing about the server's health. */
static const char *const rate_limit_phrases[] = {
    "rate limit", "rate-limit", "too many requests", "throttle", "throttling", NULL,
};
static const char *const rate_limit_codes[] = {"RATE_LIMITED", "TOO_MANY_REQUESTS", "THROTTLED",
                                               NULL};
/*
 * Whole phrases only (with their inflections): a bare word such as "timeout" also names
 * arguments and fields ("Argument timeout must be positive"), so it says nothing about
 * the server; "query timeout" does. (Beside the rate-limit ones above.)
 */
static const char *const transient_phrases[] = {
    "internal server error",
    "internal error",
    "timed out",
    "query timeout",
    "request timeout",
    "gateway timeout",
    "temporarily unavailable",
    "service unavailable",
    "try again",
    NULL,
};
static const char *const transient_codes[] = {
    "INTERNAL_SERVER_ERROR", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", NULL,
};
/* The query itself is wrong: no retry can fix it, whatever else the message says. */
static const char *const permanent_markers[] = {
    "Cannot query field",
    "Unknown argument",
    "Syntax Error",
    "Unknown type",
    "of required type",
    "was not provided",
    "Expected type",
    "must have a selection",
    "Unknown fragment",
    "Unknown directive",
    "is not defined by operation",
    "Variable \"$",
    NULL,
};
static const char *const permanent_codes[] = {
    "GRAPHQL_VALIDATION_FAILED",
    "GRAPHQL_PARSE_FAILED",
    "BAD_USER_INPUT",
    NULL,
};

static const char *ext_string(const cJSON *error, const char *name)
{
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(error, "extensions");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ext, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The error's extensions.code is one of @p codes (NULL-terminated), any case. */
static bool code_in(const cJSON *error, const char *const *codes)
{
    const char *code = ext_string(error, "code");
    for (size_t i = 0; code != NULL && codes[i] != NULL; i++) {
        if (strcasecmp(code, codes[i]) == 0)
            return true;
    }
    return false;
}

/* The error's message holds one of @p phrases (NULL-terminated), by has_phrase() when
 * @p whole, else as a plain case-insensitive substring. */
static bool message_has(const cJSON *error, const char *const *phrases, bool whole)
{
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(error, "message");
    if (!cJSON_IsString(msg))
        return false;
    for (size_t i = 0; phrases[i] != NULL; i++) {
        if (whole ? has_phrase(msg->valuestring, phrases[i])
                  : strcasestr(msg->valuestring, phrases[i]) != NULL)
            return true;
    }
    return false;
}

static bool is_rate_limit(const cJSON *error)
{
    return message_has(error, rate_limit_phrases, true) || code_in(error, rate_limit_codes);
}

static bool is_permanent(const cJSON *error)
{
    /* Lighthouse (the API's server) files parse and validation errors under "graphql". */
    const char *category = ext_string(error, "category");
    if (category != NULL && strcasecmp(category, "graphql") == 0)
        return true;
    return code_in(error, permanent_codes) || message_has(error, permanent_markers, false);
}

bool eso__graphql_error_is_transient(const cJSON *error)
{
    if (is_permanent(error))
        return false;
    return is_rate_limit(error) || code_in(error, transient_codes) ||
           message_has(error, transient_phrases, true);
}

static const char *first_error_message(const cJSON *errors)
{
    const cJSON *first = cJSON_GetArrayItem(errors, 0);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(first, "message");
    return cJSON_IsString(msg) ? msg->valuestring : "(no message)";
}

static const char *http_reason(long status)
{
    switch (status) {
    case 500:
        return "http_500";
    case 502:
        return "http_502";
    case 503:
        return "http_503";
    case 504:
        return "http_504";
    default:
        return "http_5xx";
    }
}

static unsigned http_class(long status)
{
    switch (status) {
    case 500:
        return ESO_RETRY_500;
    case 502:
        return ESO_RETRY_502;
    case 503:
        return ESO_RETRY_503;
    case 504:
        return ESO_RETRY_504;
    default:
        return ESO_RETRY_5XX_OTHER;
    }
}

int eso__classify(const struct eso__response *r, struct eso__verdict *v)
{
    memset(v, 0, sizeof *v);
    if (eso__classify_transport(r, v))
        return 0;

    long st = r->http_status;
    cJSON *root = NULL;
    if (r->body != NULL && r->body_len > 0)
        root = cJSON_ParseWithLength(r->body, r->body_len);
    if (root != NULL && !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        root = NULL;
    }
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
    bool has_errors = cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0;
    v->json = root;

    if (st >= 200 && st < 300) {
        if (root == NULL) {
            set(v, ESO_MALFORMED_JSON, ESO_RETRY_MALFORMED, ESO__OUTCOME_FAILURE, true,
                "malformed_json");
            snprintf(v->detail, sizeof v->detail,
                     "HTTP %ld with a body that is not a JSON "
                     "object (%zu bytes)",
                     st, r->body_len);
            return 0;
        }
        if (has_errors) {
            bool transient = true;
            bool rate = true;
            const cJSON *e;
            cJSON_ArrayForEach(e, errors)
            {
                if (!eso__graphql_error_is_transient(e))
                    transient = false;
                if (!is_rate_limit(e))
                    rate = false;
            }
            if (transient)
                set(v, ESO_GRAPHQL_TRANSIENT, ESO_RETRY_GRAPHQL_TRANSIENT,
                    rate ? ESO__OUTCOME_IGNORED : ESO__OUTCOME_FAILURE, !rate,
                    rate ? "graphql_rate_limited" : "graphql_transient");
            else
                set(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS, true, "graphql_error");
            eso__fmt(v->detail, sizeof v->detail, "GraphQL: %s", first_error_message(errors));
            return 0;
        }
        if (cJSON_GetObjectItemCaseSensitive(root, "data") == NULL) {
            set(v, ESO_MALFORMED_JSON, ESO_RETRY_MALFORMED, ESO__OUTCOME_FAILURE, true,
                "malformed_json");
            snprintf(v->detail, sizeof v->detail, "HTTP %ld: JSON without data or errors", st);
            return 0;
        }
        set(v, ESO_OK, 0, ESO__OUTCOME_SUCCESS, true, "ok");
        return 0;
    }

    if (st == 429) {
        set(v, ESO_RATE_LIMITED, ESO_RETRY_429, ESO__OUTCOME_IGNORED, false, "http_429");
    } else if (st >= 500 && st <= 599) {
        set(v, ESO_SERVER_ERROR, http_class(st), ESO__OUTCOME_FAILURE, st != 503, http_reason(st));
    } else if (st == 401) {
        set(v, ESO_UNAUTHORIZED, 0, ESO__OUTCOME_SUCCESS, false, "http_401");
    } else if (st >= 400 && st < 500 && has_errors) {
        set(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS, true, "graphql_error");
    } else {
        set(v, ESO_HTTP_ERROR, 0, ESO__OUTCOME_SUCCESS, true, "http_status");
    }
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "message");
    if (!cJSON_IsString(msg))
        msg = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (has_errors)
        eso__fmt(v->detail, sizeof v->detail, "HTTP %ld: %s", st, first_error_message(errors));
    else if (cJSON_IsString(msg))
        eso__fmt(v->detail, sizeof v->detail, "HTTP %ld: %s", st, msg->valuestring);
    else
        snprintf(v->detail, sizeof v->detail, "HTTP %ld", st);
    return 0;
}
