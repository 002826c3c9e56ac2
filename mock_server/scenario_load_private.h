/* Reading and validating scenario files and texts (scenario_load.c). */
#ifndef ESOMOCK_SCENARIO_LOAD_PRIVATE_H
#define ESOMOCK_SCENARIO_LOAD_PRIVATE_H

#include <stddef.h>

#include <esomock/error.h>
#include <esomock/problems.h>
#include <esomock/scenario.h>

#include "scenario_private.h"

struct esomock_fixture_set;

/* What a load checks besides the format. NULL for a load means `{0}`. */
struct esomock_load {
    const struct esomock_fixture_set
        *fixtures;                          /* every fixture named must exist; NULL = unchecked */
    const struct esomock_section *sections; /* checked by esomock__sections_check() */
    size_t section_count;
};

/*
 * Parse and validate scenario @p text (len bytes) named @p source (NULL: "<scenario>").
 * On success *out is a new scenario (free with esomock__scenario_free). On failure returns
 * ESOMOCK_SCENARIO_INVALID (or ESOMOCK_OUT_OF_MEMORY, ESOMOCK_BAD_ARGUMENT) and @p problems
 * (may be NULL) has every problem, the fixture check's too, even when others stopped the
 * parse; unknown keys are problems. Notes (sections nobody checks) may come with success.
 */
enum esomock_status esomock__scenario_parse(const char *text, size_t len, const char *source,
                                            const struct esomock_load *how,
                                            struct esomock_scenario **out,
                                            struct esomock_problems *problems);

/* Read @p path and parse it; I/O problems become one problem with an empty path. */
enum esomock_status esomock__scenario_load_file(const char *path, const struct esomock_load *how,
                                                struct esomock_scenario **out,
                                                struct esomock_problems *problems);

/*
 * Check that every fixture @p scenario names exists in @p fixtures; problems go to
 * @p problems (the file begun) with their JSON path. Returns ESOMOCK_OK or
 * ESOMOCK_SCENARIO_INVALID.
 */
enum esomock_status esomock__scenario_check_fixtures(const struct esomock_scenario *scenario,
                                                     const struct esomock_fixture_set *fixtures,
                                                     struct esomock_problems *problems);

#endif
