/* Shared by the eso-mock test files: start a server per test, parse JSON answers. */
#ifndef ESO_MOCK_TEST_UTIL_H
#define ESO_MOCK_TEST_UTIL_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>

#include <esomock/server.h>

#include "http_helper.h"

/* Set by meson's valgrind test setup: memcheck runs everything 20-50 times slower. */
static inline bool under_valgrind(void)
{
    return getenv("ESO_UNDER_VALGRIND") != NULL;
}

/* Start a server with @p opts (NULL = defaults) or fail the test with the server's message. */
static inline struct esomock_server *start_server(const struct esomock_options *opts)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_server *srv = NULL;
    enum esomock_status rc = esomock_server_start(opts, &srv, err);
    cr_assert_eq(rc, ESOMOCK_OK, "server did not start: %s: %s", esomock_strerror(rc), err);
    return srv;
}

/* Parse a response body as JSON or fail the test; the caller frees with cJSON_Delete. */
static inline cJSON *parse_body(const struct http_result *res)
{
    cJSON *json = cJSON_Parse(res->body);
    cr_assert_not_null(json, "body is not JSON: %.300s", res->body);
    return json;
}

/* The message of errors[0] in a GraphQL-style error body, or fail the test. */
static inline const char *first_error_message(cJSON *json)
{
    cJSON *errors = cJSON_GetObjectItemCaseSensitive(json, "errors");
    cr_assert(cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0, "no errors array");
    cJSON *message = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errors, 0), "message");
    cr_assert(cJSON_IsString(message), "errors[0].message is not a string");
    return message->valuestring;
}

#endif
