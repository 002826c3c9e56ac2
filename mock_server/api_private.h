/*
 * What eso-mock knows of the ESO Logs API itself: its schema (loaded once per process and
 * shared: the server answers with it, scenario and fixture checks look names up in it) and
 * the names of its 39 operations (docs: /work/shared/reference/esologs-api.md), with
 * graphql-js's "Did you mean" for a name that is not there.
 */
#ifndef ESOMOCK_API_PRIVATE_H
#define ESOMOCK_API_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "gql.h"

/* The schema file: $ESOMOCK_SCHEMA, else the source tree's, else the installed copy. */
const char *esomock__api_schema_file(void);

/*
 * The API's schema, loaded on first use and kept for the process's life (read-only, shared
 * by threads). NULL when it cannot be loaded, with the reason in @p err (ESOMOCK_ERROR_SIZE
 * bytes, may be NULL); a later call tries again.
 */
const struct gql_schema *esomock__api_schema(char *err);

/* The 39 operation names, NULL-terminated, sorted. */
extern const char *const esomock__api_operations[];

/* True when @p name is one of the 39. */
bool esomock__api_is_operation(const char *name);

/*
 * graphql-js's didYouMean over @p count names got by @p name_at (at most 5, closest first):
 * " Did you mean \"a\" or \"b\"?", or "" when none is close.
 */
void esomock__api_did_you_mean(const char *name, size_t count,
                               const char *(*name_at)(const void *owner, size_t i),
                               const void *owner, char *out, size_t size);

/* " Did you mean ...?" among the 39 operation names, or "". */
void esomock__api_operation_hint(const char *name, char *out, size_t size);

/*
 * The field @p path names: a root field ("rateLimitData") or a field of a root field's type
 * ("guildData.guild"). NULL when there is none, with graphql-js's message and its "Did you
 * mean" in @p why.
 */
const struct gql_field *esomock__api_field_path(const struct gql_schema *schema, const char *path,
                                                char *why, size_t why_size);

/* True when every key of @p args (an object, may be NULL) is an argument of @p field; else
 * @p why says which is not, with a "Did you mean". */
bool esomock__api_field_arguments(const struct gql_field *field, const cJSON *args, char *why,
                                  size_t why_size);

#endif
