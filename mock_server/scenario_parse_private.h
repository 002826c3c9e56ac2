/* A scenario document from the top: name, seed, settings and rules (scenario_parse.c). */
#ifndef ESOMOCK_SCENARIO_PARSE_PRIVATE_H
#define ESOMOCK_SCENARIO_PARSE_PRIVATE_H

#include <cjson/cJSON.h>

#include <esomock/scenario.h>

#include "scenario_private.h"
#include "vet_private.h"

/*
 * Fill @p sc (zeroed, its source and text set) from the parsed document @p root; every
 * problem goes to @p v, and each of @p sections present (already checked by
 * esomock__sections_check) to its checker. What @p sc holds it owns, problems or not
 * (esomock__scenario_free).
 */
void esomock__parse_root(struct esomock_vet *v, const cJSON *root,
                         const struct esomock_section *sections, size_t section_count,
                         struct esomock_scenario *sc);

/*
 * Check the sections a caller registers: keys given once, none of the format's own.
 * Returns ESOMOCK_OK or ESOMOCK_BAD_ARGUMENT, with the problems added to @p problems.
 */
enum esomock_status esomock__sections_check(const struct esomock_section *sections, size_t count,
                                            struct esomock_problems *problems);

#endif
