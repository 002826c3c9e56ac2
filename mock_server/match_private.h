/* Does a rule apply to a request? Pure functions of the rule and what is known of the request. */
#ifndef ESOMOCK_MATCH_PRIVATE_H
#define ESOMOCK_MATCH_PRIVATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "scenario_private.h"

/* What the matcher may look at. Fields unknown yet (before the body is read) are NULL. */
struct esomock_request_view {
    const char *path;
    const char *operation;  /* NULL before the body is parsed, or for non-GraphQL routes */
    const cJSON *variables; /* NULL when absent */
    const char *(*header)(void *ctx, const char *name); /* NULL when the header is absent */
    void *header_ctx;
    double scenario_ms; /* time since the scenario started, scenario ms */
};

/* True when every condition of @p rule's match and window holds for @p view. */
bool esomock__rule_matches(const struct esomock_rule *rule,
                           const struct esomock_request_view *view);

/* True when @p vars contains every key of @p subset with an equal value. */
bool esomock__json_subset(const cJSON *vars, const cJSON *subset);

#endif
