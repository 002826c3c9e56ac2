/* A scenario document from the top: name, seed, settings and rules (scenario_parse.c). */
#ifndef ESOMOCK_SCENARIO_PARSE_PRIVATE_H
#define ESOMOCK_SCENARIO_PARSE_PRIVATE_H

#include <cjson/cJSON.h>

#include "scenario_private.h"
#include "vet_private.h"

/*
 * Fill @p sc (zeroed, its source and text set) from the parsed document @p root; every
 * problem goes to @p v. What @p sc holds it owns, problems or not (esomock__scenario_free).
 */
void esomock__parse_root(struct esomock_vet *v, const cJSON *root, struct esomock_scenario *sc);

#endif
