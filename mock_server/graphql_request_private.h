/* Parsing a GraphQL-over-HTTP request body: {"query", "operationName"?, "variables"?}. */
#ifndef ESOMOCK_GRAPHQL_REQUEST_PRIVATE_H
#define ESOMOCK_GRAPHQL_REQUEST_PRIVATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "gql_document_private.h"

struct esomock_gql_request {
    cJSON *root;            /* owns query and variables */
    const char *query;      /* the document */
    const cJSON *variables; /* an object, or NULL when absent or null */
    char operation[ESOMOCK_OPNAME_MAX + 1];
};

/*
 * Parse @p body, which must be NUL-terminated at body[len]. On success fills @p req (free with
 * esomock__gql_request_clear) and returns 0. On failure returns the HTTP status to answer (400) and
 * writes the reason to @p why; @p req holds nothing then.
 */
int esomock__gql_request_parse(const char *body, size_t len, struct esomock_gql_request *req,
                               char *why, size_t why_size);

/* Free what @p req owns; safe on a zeroed or already cleared request. */
void esomock__gql_request_clear(struct esomock_gql_request *req);

#endif
