/*
 * fixture_check: test-only checks of eso-mock's fixtures on the GraphQL engine
 * (mock_server/gql): a query document fits the schema (graphql-js's validation
 * messages), a fixture envelope is well formed and its response.data has
 * exactly the shape its operation selects (gql_shape_check).
 *
 * Problems go to a struct gql_shape_report, one call per problem with a path
 * ("response.data.guildData.guild.name", "queries/getX.graphql:3:5") and a
 * message. Every function returns the number of problems found.
 */
#ifndef FIXTURE_CHECK_H
#define FIXTURE_CHECK_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "gql.h"

/* Largest fixture or query file read, in bytes. */
#define FIXTURE_MAX_FILE (16u * 1024u * 1024u)

/**
 * Read a whole file (at most FIXTURE_MAX_FILE bytes).
 * @return a NUL-terminated copy the caller frees with free(), or NULL.
 */
char *fixture_read_file(const char *path, size_t *len);

/**
 * Validate a query document against the schema; each error is one problem at
 * "label:line:col" with graphql-js's message.
 */
size_t fixture_check_document(const struct gql_schema *schema, const char *label, const char *text,
                              size_t len, const struct gql_shape_report *report);

/**
 * Check a fixture envelope {"operation", "variables"?, "description"?,
 * "status"?, "headers"?, "response": {"data" | "errors", "extensions"?}}
 * against queries_dir/<operation>.graphql: known members only, status
 * 100..599, headers strings, the document declares the operation, variables
 * declared and coercible, a default fixture (no variables) answers data, and
 * response.data has the selected shape (report->data_path is ignored).
 */
size_t fixture_check_envelope(const struct gql_schema *schema, const char *queries_dir,
                              const cJSON *envelope, const struct gql_shape_report *report);

/** Read and parse a fixture file, then fixture_check_envelope; unreadable or not JSON: one problem
 * at "$". */
size_t fixture_check_file(const struct gql_schema *schema, const char *queries_dir,
                          const char *path, const struct gql_shape_report *report);

#endif
