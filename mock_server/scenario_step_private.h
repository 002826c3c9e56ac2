/* A rule's script steps and their delays: parsing one step, and the actions' names. */
#ifndef ESOMOCK_SCENARIO_STEP_PRIVATE_H
#define ESOMOCK_SCENARIO_STEP_PRIVATE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "scenario_private.h"
#include "vet_private.h"

/* Durations in ms (>= 0, > 0) and counts (1..2^32-1), as the whole format uses them. */
extern const struct esomock_vet_range esomock__range_ms;
extern const struct esomock_vet_range esomock__range_ms_positive;
extern const struct esomock_vet_range esomock__range_count;

/*
 * Fill @p step from @p obj, step @p index of a script of @p count at @p path; problems go to
 * @p v. What @p step holds it owns, even when a problem was found (free with the scenario).
 */
void esomock__parse_step(struct esomock_vet *v, const cJSON *obj, const char *path, size_t index,
                         size_t count, struct esomock_step *step);

#endif
