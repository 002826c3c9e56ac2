/*
 * Scenarios: fault scripts for a running eso-mock (format: scenarios/README.md,
 * schema: scenarios/schema.json). The same operations as the admin API.
 * Thread safety: any thread, any time; requests in flight finish with the
 * scenario they started with.
 */
#ifndef ESOMOCK_SCENARIO_H
#define ESOMOCK_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include <esomock/error.h>
#include <esomock/export.h>

#ifdef __cplusplus
extern "C" {
#endif

struct esomock_server;

/**
 * Validate and put scenario @p json (len bytes; NUL-terminated or not) in force,
 * with fresh script counters, windows and budget.
 * @param source  a name for messages (a file name, "<inline>"); may be NULL.
 * @param err     optional ESOMOCK_ERROR_SIZE buffer; on ESOMOCK_SCENARIO_INVALID it holds
 *                "SOURCE: PATH: message" lines, one per problem, as many whole lines as fit
 *                and then "SOURCE: N more lines not shown" (esomock_server_load_scenario_ex()
 *                gives every line).
 * @return ESOMOCK_OK; on any error the scenario in force is unchanged.
 * The server copies what it needs; @p json stays the caller's.
 */
ESOMOCK_API enum esomock_status esomock_server_load_scenario(struct esomock_server *server,
                                                             const char *json, size_t len,
                                                             const char *source, char *err);

/** As esomock_server_load_scenario(), reading the file at @p path. */
ESOMOCK_API enum esomock_status esomock_server_load_scenario_file(struct esomock_server *server,
                                                                  const char *path, char *err);

/**
 * As esomock_server_load_scenario(), but reporting every problem (err is cut to
 * ESOMOCK_ERROR_SIZE bytes; a file with many errors needs this one).
 * @param errors  optional; on failure receives "SOURCE: PATH: message" lines, one per problem
 *                (as `eso-mock check` prints them), malloc'd: the caller frees it with free().
 *                Set to NULL on success, and on failure when out of memory.
 */
ESOMOCK_API enum esomock_status esomock_server_load_scenario_ex(struct esomock_server *server,
                                                                const char *json, size_t len,
                                                                const char *source, char **errors);

/** As esomock_server_load_scenario_ex(), reading the file at @p path. */
ESOMOCK_API enum esomock_status esomock_server_load_scenario_file_ex(struct esomock_server *server,
                                                                     const char *path,
                                                                     char **errors);

/**
 * The scenario in force, as GET /__admin/scenario serves it:
 * {"source": FILE, "name": NAME, "scenario": {the document}, "rule_matches": {RULE: N, ...}},
 * or {"scenario":null} when there is none. Secrets in the document (Authorization, Cookie
 * and other token-like header values, the harness's bearer_token) read "[redacted]".
 * @return a malloc'd, NUL-terminated JSON string the caller frees with free();
 *         NULL for a NULL handle or when out of memory.
 */
ESOMOCK_API char *esomock_server_scenario_json(struct esomock_server *server);

/** Remove the scenario in force: every request gets its normal answer. NULL is a no-op. */
ESOMOCK_API void esomock_server_clear_scenario(struct esomock_server *server);

/** Rewind the scenario in force (scripts, windows, random streams) and the points budget. */
ESOMOCK_API void esomock_server_reset(struct esomock_server *server);

/**
 * Validate scenario files without serving: each problem is printed to @p report
 * (NULL = stderr) as "FILE: PATH: message". Fixture names are checked against
 * @p fixtures_dir (NULL = the default set).
 * @return ESOMOCK_OK when every file is valid, else the first failure's status.
 */
ESOMOCK_API enum esomock_status esomock_check_scenario_files(const char *const *paths, size_t count,
                                                             const char *fixtures_dir,
                                                             FILE *report);

/**
 * As esomock_check_scenario_files(); @p checked (may be NULL) receives how many files were
 * scenarios (a JSON Schema document among them is skipped and said so on @p report).
 */
ESOMOCK_API enum esomock_status esomock_check_scenario_files_counted(const char *const *paths,
                                                                     size_t count,
                                                                     const char *fixtures_dir,
                                                                     FILE *report, size_t *checked);

#ifdef __cplusplus
}
#endif

#endif
