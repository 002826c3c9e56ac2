/* Parsing a GraphQL-over-HTTP request body: {"query", "operationName"?, "variables"?}. */
#ifndef ESOMOCK_GRAPHQL_REQUEST_PRIVATE_H
#define ESOMOCK_GRAPHQL_REQUEST_PRIVATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Longest operation name the journal and the metrics keep; GraphQL sets no limit. */
#define ESOMOCK_OPNAME_MAX 128

/*
 * A request body that is a GraphQL request. Whether the document is valid is the engine's
 * business (graphql.c): this is only the HTTP part.
 */
struct esomock_gql_request {
    cJSON *root;                /* owns query, operation_name and variables */
    const char *query;          /* the document */
    size_t query_len;           /* its length in bytes */
    const char *operation_name; /* "operationName", or NULL when absent, null or "" */
    const cJSON *variables;     /* an object, or NULL when absent or null */
};

/*
 * Parse @p body, which must be NUL-terminated at body[len]. On success fills @p req (free with
 * esomock__gql_request_clear) and returns 0. When the body is not a GraphQL request (not JSON,
 * not an object, no "query" string, "operationName" or "variables" of the wrong type) returns
 * the HTTP status to answer (400) and writes the reason to @p why; @p req holds nothing then.
 */
int esomock__gql_request_parse(const char *body, size_t len, struct esomock_gql_request *req,
                               char *why, size_t why_size);

/* Free what @p req owns; safe on a zeroed or already cleared request. */
void esomock__gql_request_clear(struct esomock_gql_request *req);

#endif
