/*
 * Structural validation of a scenario's `expect` section (what the harness's
 * runner plays), so `eso-mock check` reports its mistakes with the rest of the
 * file's. The runner (tests/harness/expect.c) gives the values their meaning.
 */
#ifndef ESOMOCK_EXPECT_CHECK_PRIVATE_H
#define ESOMOCK_EXPECT_CHECK_PRIVATE_H

#include <cjson/cJSON.h>

#include "vet_private.h"

/* Append every problem in @p expect (the section's value) to @p errors, paths under "expect". */
void esomock__expect_check(const cJSON *expect, struct esomock_scenario_errors *errors);

/* The outcome names an expectation may use: "ok" and the client's failure classes. */
extern const char *const esomock__expect_outcomes[];

/* The ESO Logs API v2 operation names, NULL-terminated; calls[].operation must be one. */
extern const char *const esomock__known_operations[];

#endif
