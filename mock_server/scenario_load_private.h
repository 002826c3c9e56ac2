/* Reading and validating scenario files and texts (scenario_load.c). */
#ifndef ESOMOCK_SCENARIO_LOAD_PRIVATE_H
#define ESOMOCK_SCENARIO_LOAD_PRIVATE_H

#include <stddef.h>

#include <esomock/error.h>

#include "scenario_private.h"
#include "vet_private.h"

/*
 * Parse and validate scenario @p text (len bytes, NUL-terminated) named @p source.
 * On success *out is a new scenario (free with esomock__scenario_free). On failure
 * returns ESOMOCK_SCENARIO_INVALID and @p errors lists what is wrong (every problem,
 * up to ESOMOCK_SCENARIO_MAX_ERRORS); unknown keys are errors.
 */
enum esomock_status esomock__scenario_parse(const char *text, size_t len, const char *source,
                                            struct esomock_scenario **out,
                                            struct esomock_scenario_errors *errors);

/* Read @p path and parse it; I/O problems become one error with an empty path. */
enum esomock_status esomock__scenario_load_file(const char *path, struct esomock_scenario **out,
                                                struct esomock_scenario_errors *errors);

struct esomock_fixture_set;

/*
 * As esomock__scenario_parse(), also checking every fixture the scenario names against
 * @p fixtures (NULL: no such check), with the other problems, even when those stop the parse.
 */
enum esomock_status esomock__scenario_parse_with(const char *text, size_t len, const char *source,
                                                 const struct esomock_fixture_set *fixtures,
                                                 struct esomock_scenario **out,
                                                 struct esomock_scenario_errors *errors);

/* As esomock__scenario_load_file(), with esomock__scenario_parse_with()'s fixture check. */
enum esomock_status esomock__scenario_load_file_with(const char *path,
                                                     const struct esomock_fixture_set *fixtures,
                                                     struct esomock_scenario **out,
                                                     struct esomock_scenario_errors *errors);

/*
 * Check that every fixture a scenario names exists in @p fixtures; problems are
 * appended to @p errors with their JSON path. Returns ESOMOCK_OK or ESOMOCK_SCENARIO_INVALID.
 */
enum esomock_status esomock__scenario_check_fixtures(const struct esomock_scenario *scenario,
                                                     const struct esomock_fixture_set *fixtures,
                                                     struct esomock_scenario_errors *errors);

#endif
