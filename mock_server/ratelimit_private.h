/* The ESO Logs points budget: points per period, a cost per operation, 429 when spent. */
#ifndef ESOMOCK_RATELIMIT_PRIVATE_H
#define ESOMOCK_RATELIMIT_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>

#include "scenario_private.h"

struct esomock_ratelimit {
    pthread_mutex_t lock;
    struct esomock_rate_limit config; /* costs borrowed from the scenario in force */
    double time_scale;
    double period_start_ms; /* monotonic start of the current period */
    double spent;           /* points spent this period */
};

/* Configure and zero the budget; @p config may be NULL for defaults (tracked, not enforced). */
void esomock__ratelimit_init(struct esomock_ratelimit *rl, const struct esomock_rate_limit *config,
                             double time_scale);

void esomock__ratelimit_finish(struct esomock_ratelimit *rl);

/* Replace the configuration and start a fresh period. */
void esomock__ratelimit_reconfigure(struct esomock_ratelimit *rl,
                                    const struct esomock_rate_limit *config, double time_scale);

struct esomock_charge {
    bool allowed; /* false: answer 429 */
    double cost;
    double retry_after_s; /* < 0: send no Retry-After */
};

/*
 * Charge a request: the scenario's cost for @p operation when it names one, else its flat
 * default_cost when it sets one, else @p computed (what the query costs, cost.c). When
 * enforcing and the budget is short, nothing is charged.
 */
struct esomock_charge esomock__ratelimit_charge(struct esomock_ratelimit *rl, const char *operation,
                                                double computed);

struct esomock_budget {
    double limit_per_hour;
    double spent;
    double reset_in_s; /* scenario seconds until the period ends */
    bool enforced;
};

/* The budget as getRateLimitData reports it. */
struct esomock_budget esomock__ratelimit_snapshot(struct esomock_ratelimit *rl);

#endif
