/* Just enough of a GraphQL document lexer to find which operation a request runs. */
#ifndef ESOMOCK_GQL_DOCUMENT_PRIVATE_H
#define ESOMOCK_GQL_DOCUMENT_PRIVATE_H

#include <stddef.h>

/* Longest operation name we accept; GraphQL sets no limit, real names are short. */
#define ESOMOCK_OPNAME_MAX 128

enum esomock_gql_find {
    ESOMOCK_GQL_FOUND = 0,
    ESOMOCK_GQL_SYNTAX,       /* unterminated string, stray character, unbalanced braces */
    ESOMOCK_GQL_NO_OPERATION, /* the document defines no operation at all */
    ESOMOCK_GQL_ANONYMOUS,    /* only anonymous operations, and no operationName was given */
    ESOMOCK_GQL_UNKNOWN_NAME, /* operationName names no operation in the document */
    ESOMOCK_GQL_NAME_TOO_LONG,
};

/*
 * Choose the operation a request runs: @p wanted when non-NULL (it must be
 * defined in @p doc), else the first named operation in @p doc.
 * On ESOMOCK_GQL_FOUND the name is written to @p name (ESOMOCK_OPNAME_MAX + 1 bytes).
 * On failure @p why (why_size bytes, may be NULL) says what was wrong, with a line:column.
 */
enum esomock_gql_find esomock__gql_choose_operation(const char *doc, size_t len, const char *wanted,
                                                    char *name, char *why, size_t why_size);

#endif
