/*
 * What a query costs (cost.c; docs/mock.md, "What a query costs"): its complexity, counted
 * before it runs as graphql-php's QueryComplexity rule counts it (each field one, a page's
 * selection times its limit, heavy report and ranking fields their weight), and the points
 * the budget charges for it.
 */
#ifndef ESOMOCK_COST_PRIVATE_H
#define ESOMOCK_COST_PRIVATE_H

#include <stdbool.h>

#include "gql.h"

/* The complexity past which a document is refused before it runs. */
#define ESOMOCK_MAX_COMPLEXITY 50000
/* Complexity per point charged. */
#define ESOMOCK_COMPLEXITY_PER_POINT 100

struct esomock_cost {
    double complexity; /* INFINITY when the document is too large to count */
    double points;     /* 0 for a document that fetches no data (rateLimitData, __schema) */
    bool rejected;     /* every field that fetches data is rejected for its limit: the
                          document is not charged, as one refused by validation is not */
};

/*
 * The cost of @p prepared. With @p check_limits (the world answers, and rejects a `limit`
 * out of its bounds) a rejected field costs no points. false without memory.
 */
bool esomock__query_cost(const struct gql_prepared *prepared, bool check_limits,
                         struct esomock_cost *out);

#endif
