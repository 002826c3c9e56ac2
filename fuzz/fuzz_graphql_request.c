/* libFuzzer target: a GraphQL request body and its operation name, as eso-mock parses them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gql_document_private.h"
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
        if (strlen(req.operation) == 0 || strlen(req.operation) > ESOMOCK_OPNAME_MAX)
            abort();
        esomock__gql_request_clear(&req);
    }
    /* The raw bytes as a document too: the lexer sees every byte, not only valid JSON strings. */
    char name[ESOMOCK_OPNAME_MAX + 1];
    esomock__gql_choose_operation(body, size, NULL, name, why, sizeof(why));
    esomock__gql_choose_operation(body, size, "getGuildById", name, why, sizeof(why));
    free(body);
    return 0;
}
