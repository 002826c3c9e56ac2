/* Text the way graphql-js prints it: values (print), JSON values (inspect). */
#ifndef GQL_PRINT_PRIVATE_H
#define GQL_PRINT_PRIVATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "gql.h"
#include "parser_private.h"

/* A string literal as graphql-js's printString writes it. */
void gql_print_string(struct gql_buf *buf, const char *s, size_t len);
/* graphql-js's printBlockString. */
void gql_print_block_string(struct gql_buf *buf, const char *s, size_t len);
/* A value literal as graphql-js's print(); sorted: object fields in natural order
 * (sortValueNode, for OverlappingFieldsCanBeMerged). */
void gql_print_value(struct gql_buf *buf, const struct gql_ast_value *value, bool sorted);
/* A type reference as written: "[Int!]!". */
void gql_print_ast_type(struct gql_buf *buf, const struct gql_ast_type *type);
/* A JSON value as graphql-js's inspect() shows it. */
void gql_inspect_json(struct gql_buf *buf, const cJSON *value);
/* out = a + b + c, cut to size (any of them may be NULL). */
void gql_concat(char *out, size_t size, const char *a, const char *b, const char *c);
/* graphql-js's naturalCompare. */
int gql_natural_compare(const char *a, const char *b);

#endif
