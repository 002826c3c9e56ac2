/* libFuzzer target: a GraphQL-over-HTTP request body as eso-mock parses it (graphql_request.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graphql_request_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size + 1);
    if (body == NULL)
        return 0;
    memcpy(body, data, size);
    body[size] = '\0';

    struct esomock_gql_request req;
    char why[512];
    if (esomock__gql_request_parse(body, size, &req, why, sizeof(why)) == 0) {
        /* A parsed request always has its document, within the body. */
        if (req.query == NULL || req.query_len > size)
            abort();
        esomock__gql_request_clear(&req);
    } else if (why[0] == '\0') {
        abort(); /* a refusal always says why */
    }
    free(body);
    return 0;
}
