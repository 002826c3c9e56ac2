/* Helpers shared by the engine's test files. */
#ifndef GQL_TEST_UTIL_H
#define GQL_TEST_UTIL_H

#include "gql.h"

/* The ESO Logs schema (ESO_SCHEMA_FILE), loaded once per process. */
const struct gql_schema *eso_schema(void);
/* Prepare and execute query (variables JSON text or NULL) with options; returns the
 * answer (free it), or the error answer when preparing failed (*prepared_ok false). */
char *run_query(const struct gql_schema *schema, const char *query, const char *variables,
                const struct gql_exec_options *options, bool *prepared_ok);

#endif
