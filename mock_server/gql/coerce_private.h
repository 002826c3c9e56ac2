/* Input coercion: variables (coerceVariableValues), literals (valueFromAST), arguments. */
#ifndef GQL_COERCE_PRIVATE_H
#define GQL_COERCE_PRIVATE_H

#include <cjson/cJSON.h>

#include "errors_private.h"
#include "schema_private.h"
#include "value_private.h"

/*
 * Coerce the operation's variables from JSON (NULL: none). On success *out is an
 * object of the provided and defaulted variables. Errors go to errs (at most
 * graphql-js's wording and locations); returns false when there were any.
 * lenient: a required variable that is missing is no error (shape checking).
 */
bool gql_coerce_variables(const struct gql_schema *schema, struct gql_arena *arena,
                          const struct gql_ast_definition *op, const cJSON *variables, bool lenient,
                          struct gql_errors *errs, struct gql_value **out);

/* valueFromAST: NULL for "undefined" (invalid, or a missing variable). */
const struct gql_value *gql_value_from_ast(struct gql_arena *arena, const struct gql_ast_value *ast,
                                           const struct gql_type_ref *type,
                                           const struct gql_value *variables);

/*
 * getArgumentValues: the coerced arguments (an object in definition order). On an
 * error returns NULL with *message (arena) and *off (the node it names) set;
 * NULL with *message NULL means no memory.
 */
const struct gql_value *gql_argument_values(struct gql_arena *arena,
                                            const struct gql_input_value *defs, size_t ndefs,
                                            const struct gql_ast_argument *args, uint32_t node_off,
                                            const struct gql_value *variables, const char **message,
                                            uint32_t *off);

#endif
