/* Classification: curl codes, HTTP statuses, GraphQL errors -> status, retry class, breaker. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <string.h>

#include "classify_private.h"

static struct eso__verdict classify(int curl, long status, const char *body, const char *phase,
                                    bool sent)
{
    struct eso__response r;
    memset(&r, 0, sizeof r);
    r.curl_code = curl;
    r.http_status = status;
    r.timeout_phase = phase;
    r.request_sent = sent;
    snprintf(r.error, sizeof r.error, "%s", curl ? curl_easy_strerror((CURLcode)curl) : "");
    if (body != NULL) {
        r.body = strdup(body);
        r.body_len = strlen(body);
    }
    struct eso__verdict v;
    cr_assert_eq(eso__classify(&r, &v), 0, "classify");
    eso__response_finish(&r);
    return v;
}

#define CHECK(v, st, cls, brk)                                                                     \
    do {                                                                                           \
        cr_assert_eq((v).status, (st), "status %s, want %s (%s)", eso_status_name((v).status),     \
                     eso_status_name(st), (v).detail);                                             \
        cr_assert_eq((v).retry_class, (unsigned)(cls), "class %#x", (v).retry_class);              \
        cr_assert_eq((v).breaker, (brk), "breaker outcome %d", (v).breaker);                       \
        eso__verdict_finish(&(v));                                                                 \
    } while (0)

Test(classify, transport_failures)
{
    struct eso__verdict v = classify(CURLE_COULDNT_CONNECT, 0, NULL, NULL, false);
    cr_assert(!v.ambiguous, "refused connection: the server never saw it");
    cr_assert(strstr(v.detail, "curl 7") != NULL, "detail has the curl code: %s", v.detail);
    CHECK(v, ESO_CONNECT_FAILED, ESO_RETRY_CONNECT, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_COULDNT_RESOLVE_HOST, 0, NULL, NULL, false);
    CHECK(v, ESO_CONNECT_FAILED, ESO_RETRY_CONNECT, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_OPERATION_TIMEDOUT, 0, NULL, "connect", false);
    cr_assert(v.timeout && !v.ambiguous, "connect timeout is a timeout, not ambiguous");
    CHECK(v, ESO_TIMEOUT, ESO_RETRY_TIMEOUT, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_OPERATION_TIMEDOUT, 0, NULL, "read", true);
    cr_assert(v.ambiguous, "read timeout after sending is ambiguous");
    cr_assert_str_eq(v.reason, "read_timeout", "reason");
    CHECK(v, ESO_TIMEOUT, ESO_RETRY_TIMEOUT, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_OPERATION_TIMEDOUT, 0, NULL, "pool", false);
    CHECK(v, ESO_POOL_TIMEOUT, ESO_RETRY_POOL_TIMEOUT, ESO__OUTCOME_IGNORED);
    v = classify(CURLE_GOT_NOTHING, 0, NULL, NULL, true);
    CHECK(v, ESO_CONNECTION_DROPPED, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_RECV_ERROR, 0, NULL, NULL, true);
    CHECK(v, ESO_CONNECTION_RESET, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_SEND_ERROR, 0, NULL, NULL, false);
    CHECK(v, ESO_CONNECTION_RESET, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_PARTIAL_FILE, 0, NULL, NULL, true);
    CHECK(v, ESO_TRUNCATED, ESO_RETRY_DROPPED, ESO__OUTCOME_FAILURE);
    v = classify(CURLE_SSL_CONNECT_ERROR, 0, NULL, NULL, false);
    CHECK(v, ESO_TRANSPORT, 0, ESO__OUTCOME_FAILURE);
}

Test(classify, http_statuses)
{
    struct eso__verdict v = classify(0, 429, "{\"message\":\"Too Many Attempts.\"}", NULL, true);
    cr_assert(!v.ambiguous, "429: not processed");
    CHECK(v, ESO_RATE_LIMITED, ESO_RETRY_429, ESO__OUTCOME_IGNORED);
    v = classify(0, 500, "oops", NULL, true);
    CHECK(v, ESO_SERVER_ERROR, ESO_RETRY_500, ESO__OUTCOME_FAILURE);
    v = classify(0, 502, NULL, NULL, true);
    CHECK(v, ESO_SERVER_ERROR, ESO_RETRY_502, ESO__OUTCOME_FAILURE);
    v = classify(0, 503, NULL, NULL, true);
    cr_assert(!v.ambiguous, "503: not processed");
    CHECK(v, ESO_SERVER_ERROR, ESO_RETRY_503, ESO__OUTCOME_FAILURE);
    v = classify(0, 504, NULL, NULL, true);
    CHECK(v, ESO_SERVER_ERROR, ESO_RETRY_504, ESO__OUTCOME_FAILURE);
    v = classify(0, 599, NULL, NULL, true);
    CHECK(v, ESO_SERVER_ERROR, ESO_RETRY_5XX_OTHER, ESO__OUTCOME_FAILURE);
    v = classify(0, 401, "{\"error\":\"Unauthenticated.\"}", NULL, true);
    CHECK(v, ESO_UNAUTHORIZED, 0, ESO__OUTCOME_SUCCESS);
    v = classify(0, 404, "nope", NULL, true);
    cr_assert(strstr(v.detail, "HTTP 404") != NULL, "detail: %s", v.detail);
    CHECK(v, ESO_HTTP_ERROR, 0, ESO__OUTCOME_SUCCESS);
    v = classify(0, 400, "{\"errors\":[{\"message\":\"Syntax Error\"}]}", NULL, true);
    cr_assert(strstr(v.detail, "Syntax Error") != NULL, "first GraphQL message: %s", v.detail);
    CHECK(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS);
}

Test(classify, success_and_malformed)
{
    struct eso__verdict v = classify(0, 200, "{\"data\":{\"x\":1}}", NULL, true);
    cr_assert(v.json != NULL, "parsed body kept");
    CHECK(v, ESO_OK, 0, ESO__OUTCOME_SUCCESS);
    v = classify(0, 200, "{\"data\":{\"x\":", NULL, true);
    CHECK(v, ESO_MALFORMED_JSON, ESO_RETRY_MALFORMED, ESO__OUTCOME_FAILURE);
    v = classify(0, 200, "[1,2]", NULL, true);
    CHECK(v, ESO_MALFORMED_JSON, ESO_RETRY_MALFORMED, ESO__OUTCOME_FAILURE);
    v = classify(0, 200, "{\"other\":1}", NULL, true);
    CHECK(v, ESO_MALFORMED_JSON, ESO_RETRY_MALFORMED, ESO__OUTCOME_FAILURE);
    v = classify(0, 200, "", NULL, true);
    CHECK(v, ESO_MALFORMED_JSON, ESO_RETRY_MALFORMED, ESO__OUTCOME_FAILURE);
    v = classify(0, 200, "{\"data\":null}", NULL, true);
    CHECK(v, ESO_OK, 0, ESO__OUTCOME_SUCCESS);
}

Test(classify, graphql_errors_in_a_200)
{
    struct eso__verdict v = classify(0, 200,
                                     "{\"errors\":[{\"message\":\"The limit argument must be "
                                     "between 1 and 100.\"}],\"data\":null}",
                                     NULL, true);
    cr_assert(strstr(v.detail, "limit argument must be") != NULL, "detail: %s", v.detail);
    CHECK(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS);
    v = classify(0, 200, "{\"errors\":[{\"message\":\"Query too complex: complexity 9000\"}]}",
                 NULL, true);
    CHECK(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS);
    v = classify(0, 200, "{\"errors\":[{\"message\":\"Rate limit exceeded, slow down\"}]}", NULL,
                 true);
    CHECK(v, ESO_GRAPHQL_TRANSIENT, ESO_RETRY_GRAPHQL_TRANSIENT, ESO__OUTCOME_IGNORED);
    v = classify(0, 200, "{\"errors\":[{\"message\":\"Internal server error\"}],\"data\":null}",
                 NULL, true);
    CHECK(v, ESO_GRAPHQL_TRANSIENT, ESO_RETRY_GRAPHQL_TRANSIENT, ESO__OUTCOME_FAILURE);
    v = classify(
        0, 200,
        "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"code\":\"SERVICE_UNAVAILABLE\"}}]}",
        NULL, true);
    CHECK(v, ESO_GRAPHQL_TRANSIENT, ESO_RETRY_GRAPHQL_TRANSIENT, ESO__OUTCOME_FAILURE);
    /* One permanent error among transient ones makes the whole answer permanent. */
    v = classify(0, 200,
                 "{\"errors\":[{\"message\":\"Internal server error\"},"
                 "{\"message\":\"Unknown argument foo\"}]}",
                 NULL, true);
    CHECK(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS);
    /* Partial data next to errors is kept. */
    v = classify(0, 200, "{\"errors\":[{\"message\":\"bad\"}],\"data\":{\"a\":1}}", NULL, true);
    cr_assert(cJSON_GetObjectItem(v.json, "data") != NULL, "partial data kept");
    CHECK(v, ESO_GRAPHQL_ERROR, 0, ESO__OUTCOME_SUCCESS);
}

Test(classify, too_large)
{
    struct eso__response r;
    memset(&r, 0, sizeof r);
    r.curl_code = CURLE_WRITE_ERROR;
    r.too_large = true;
    struct eso__verdict v;
    memset(&v, 0, sizeof v);
    cr_assert(eso__classify_transport(&r, &v), "a transport failure");
    cr_assert_eq(v.status, ESO_RESPONSE_TOO_LARGE, "too large");
    cr_assert_eq(v.retry_class, 0, "never retried");
}

/* Audit: a validation error naming an argument "timeout" was retried as transient. */
Test(classify, validation_errors_are_permanent)
{
    static const char *const permanent[] = {
        "{\"errors\":[{\"message\":\"Unknown argument \\\"timeout\\\" on field "
        "\\\"Query.guildData\\\".\",\"extensions\":{\"category\":\"graphql\"}}]}",
        /* The category alone is enough, whatever the words. */
        "{\"errors\":[{\"message\":\"Internal server error, try again\","
        "\"extensions\":{\"category\":\"graphql\"}}]}",
        "{\"errors\":[{\"message\":\"Cannot query field \\\"rateLimit\\\" on type Query; did "
        "you mean rateLimitData? (request timed out)\"}]}",
        "{\"errors\":[{\"message\":\"Syntax Error: Unexpected Name \\\"timeout\\\"\"}]}",
        "{\"errors\":[{\"message\":\"Variable \\\"$id\\\" of required type \\\"Int!\\\" was "
        "not provided.\"}]}",
        "{\"errors\":[{\"message\":\"Rate limit\",\"extensions\":{\"code\":"
        "\"GRAPHQL_VALIDATION_FAILED\"}}]}",
        /* Bare words inside other words or names are no phrase. */
        "{\"errors\":[{\"message\":\"Field timeoutMs must be positive\"}]}",
        "{\"errors\":[{\"message\":\"Argument timeout must be positive\"}]}",
        "{\"errors\":[{\"message\":\"Unthrottledness is unknown\"}]}",
    };
    for (size_t i = 0; i < sizeof permanent / sizeof *permanent; i++) {
        struct eso__verdict v = classify(0, 200, permanent[i], NULL, true);
        cr_assert_eq(v.status, ESO_GRAPHQL_ERROR, "case %zu is permanent: %s (%s)", i,
                     eso_status_name(v.status), permanent[i]);
        cr_assert_eq(v.retry_class, 0, "case %zu never retried", i);
        eso__verdict_finish(&v);
    }
    static const char *const transient[] = {
        "{\"errors\":[{\"message\":\"The request timed out\"}]}",
        "{\"errors\":[{\"message\":\"Please try again later.\"}]}",
        "{\"errors\":[{\"message\":\"Rate-limited: slow down\"}]}",
        /* Inflections and the timeouts that name what timed out (review). */
        "{\"errors\":[{\"message\":\"Rate limits exceeded\"}]}",
        "{\"errors\":[{\"message\":\"Rate limiting in effect\"}]}",
        "{\"errors\":[{\"message\":\"Throttling requests\"}]}",
        "{\"errors\":[{\"message\":\"Query timeout after 30s\"}]}",
        "{\"errors\":[{\"message\":\"Gateway Timeout\"}]}",
        "{\"errors\":[{\"message\":\"x\",\"extensions\":{\"code\":\"TIMEOUT\","
        "\"category\":\"internal\"}}]}",
    };
    for (size_t i = 0; i < sizeof transient / sizeof *transient; i++) {
        struct eso__verdict v = classify(0, 200, transient[i], NULL, true);
        cr_assert_eq(v.status, ESO_GRAPHQL_TRANSIENT, "case %zu is transient: %s (%s)", i,
                     eso_status_name(v.status), transient[i]);
        eso__verdict_finish(&v);
    }
}
