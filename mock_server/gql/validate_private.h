/* Validation with graphql-js 16's specifiedRules, their order, wording and locations. */
#ifndef GQL_VALIDATE_PRIVATE_H
#define GQL_VALIDATE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "errors_private.h"
#include "parser_private.h"
#include "schema_private.h"

/* graphql-js's default maxErrors. */
#define GQL_MAX_VALIDATION_ERRORS 100

/* Validate doc against schema; errors go to errs (arena: scratch for the run). */
void gql_validate(const struct gql_schema *schema, const struct gql_ast_document *doc,
                  struct gql_arena *arena, struct gql_errors *errs);

/* The type walk shared by validation and OverlappingFieldsCanBeMerged. */
struct gql_vctx;

#endif
