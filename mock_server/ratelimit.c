#include <math.h>
#include <string.h>

#include "clock_private.h"
#include "ratelimit_private.h"

static const struct esomock_rate_limit default_config = {
    .enabled = false,
    .points_per_hour = 18000,
    .period_ms = 3600.0 * 1000.0,
    .default_cost = -1, /* what the query costs (cost.c) */
    .retry_after = ESOMOCK_RETRY_AFTER_RESET,
};

void esomock__ratelimit_init(struct esomock_ratelimit *rl, const struct esomock_rate_limit *config,
                             double time_scale)
{
    memset(rl, 0, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->config = config != NULL ? *config : default_config;
    rl->time_scale = time_scale > 0 ? time_scale : 1.0;
    rl->period_start_ms = esomock__now_ms();
}

void esomock__ratelimit_finish(struct esomock_ratelimit *rl)
{
    pthread_mutex_destroy(&rl->lock);
}

void esomock__ratelimit_reconfigure(struct esomock_ratelimit *rl,
                                    const struct esomock_rate_limit *config, double time_scale)
{
    pthread_mutex_lock(&rl->lock);
    rl->config = config != NULL ? *config : default_config;
    rl->time_scale = time_scale > 0 ? time_scale : 1.0;
    rl->period_start_ms = esomock__now_ms();
    rl->spent = 0;
    pthread_mutex_unlock(&rl->lock);
}

/* Roll the period forward when it has ended; the lock is held. */
static void roll_period(struct esomock_ratelimit *rl, double now)
{
    double period_real_ms = rl->config.period_ms * rl->time_scale;
    if (period_real_ms <= 0 || now - rl->period_start_ms < period_real_ms)
        return;
    double periods = floor((now - rl->period_start_ms) / period_real_ms);
    rl->period_start_ms += periods * period_real_ms;
    rl->spent = 0;
}

/* Scenario seconds until the current period ends; the lock is held. */
static double reset_in_s(const struct esomock_ratelimit *rl, double now)
{
    double period_real_ms = rl->config.period_ms * rl->time_scale;
    double left_real_ms = rl->period_start_ms + period_real_ms - now;
    if (left_real_ms < 0)
        left_real_ms = 0;
    return left_real_ms / rl->time_scale / 1000.0;
}

static double cost_of(const struct esomock_ratelimit *rl, const char *operation, double computed)
{
    const cJSON *cost = rl->config.costs != NULL
                            ? cJSON_GetObjectItemCaseSensitive(rl->config.costs, operation)
                            : NULL;
    if (cJSON_IsNumber(cost))
        return cost->valuedouble;
    if (rl->config.default_cost < 0)
        return computed;
    /* Asking how much budget is left should not spend any. */
    if (strcmp(operation, "getRateLimitData") == 0)
        return 0;
    return rl->config.default_cost;
}

struct esomock_charge esomock__ratelimit_charge(struct esomock_ratelimit *rl, const char *operation,
                                                double computed)
{
    struct esomock_charge charge = {.allowed = true, .retry_after_s = -1};
    pthread_mutex_lock(&rl->lock);
    double now = esomock__now_ms();
    roll_period(rl, now);
    charge.cost = cost_of(rl, operation, computed);
    if (rl->config.enabled && rl->spent + charge.cost > rl->config.points_per_hour) {
        charge.allowed = false;
        switch (rl->config.retry_after) {
        case ESOMOCK_RETRY_AFTER_RESET:
            charge.retry_after_s = ceil(reset_in_s(rl, now));
            break;
        case ESOMOCK_RETRY_AFTER_FIXED:
            charge.retry_after_s = rl->config.retry_after_s;
            break;
        case ESOMOCK_RETRY_AFTER_NONE:
            break;
        }
    } else {
        rl->spent += charge.cost;
    }
    pthread_mutex_unlock(&rl->lock);
    return charge;
}

struct esomock_budget esomock__ratelimit_snapshot(struct esomock_ratelimit *rl)
{
    pthread_mutex_lock(&rl->lock);
    double now = esomock__now_ms();
    roll_period(rl, now);
    struct esomock_budget b = {
        .limit_per_hour = rl->config.points_per_hour,
        .spent = rl->spent,
        .reset_in_s = reset_in_s(rl, now),
        .enforced = rl->config.enabled,
    };
    pthread_mutex_unlock(&rl->lock);
    return b;
}
