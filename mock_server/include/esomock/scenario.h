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
 *                "SOURCE: PATH: message" lines, one per problem.
 * @return ESOMOCK_OK; on any error the scenario in force is unchanged.
 * The server copies what it needs; @p json stays the caller's.
 */
ESOMOCK_API enum esomock_status esomock_server_load_scenario(struct esomock_server *server,
                                                             const char *json, size_t len,
                                                             const char *source, char *err);

/** As esomock_server_load_scenario(), reading the file at @p path. */
ESOMOCK_API enum esomock_status esomock_server_load_scenario_file(struct esomock_server *server,
                                                                  const char *path, char *err);

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
