/* Does a rule apply to a request? Pure functions of the rule and what is known of the request. */
#ifndef ESOMOCK_MATCH_PRIVATE_H
#define ESOMOCK_MATCH_PRIVATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "gql.h"
#include "scenario_private.h"

/* What the matcher may look at. Fields unknown yet (before the body is read) are NULL. */
struct esomock_request_view {
    const char *path;
    const char *operation;  /* NULL before the body is parsed, or for non-GraphQL routes */
    const cJSON *variables; /* NULL when absent */
    const struct gql_prepared *prepared; /* the operation, for the fields it fetches; NULL
                                            before the body, or when it was refused */
    const char *(*header)(void *ctx, const char *name); /* NULL when the header is absent */
    void *header_ctx;
    double scenario_ms; /* time since the scenario started, scenario ms */
    bool graphql_route; /* a GraphQL endpoint (judges "operation": "*" before the body) */
};

/* True when every condition of @p rule's match and window holds for @p view. */
bool esomock__rule_matches(const struct esomock_rule *rule,
                           const struct esomock_request_view *view);

/* What the request line and headers alone say about a rule, before the body is read. */
enum esomock_head_match {
    ESOMOCK_HEAD_NO,    /* the rule cannot match, whatever the body says */
    ESOMOCK_HEAD_YES,   /* the rule matches: it has no condition on the body */
    ESOMOCK_HEAD_MAYBE, /* the rule matches so far; its operation or variables decide */
};

/* Judge @p rule on @p view's path, headers and time only (operation and variables unread). */
enum esomock_head_match esomock__rule_matches_head(const struct esomock_rule *rule,
                                                   const struct esomock_request_view *view);

/* True when the JSON @p want equals the coerced value @p have (numbers by value). */
bool esomock__json_equals_value(const cJSON *want, const struct gql_value *have);

/* True when @p vars contains every key of @p subset with an equal value. */
bool esomock__json_subset(const cJSON *vars, const cJSON *subset);

#endif
