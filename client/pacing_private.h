/*
 * Pacing: a minimum interval between request starts (the seed's "delay between
 * requests"), optionally stretched so the hourly points left (rateLimitData) last
 * until the reset. Slots are reserved under a lock, so threads sharing a client
 * are spaced too.
 */
#ifndef ESOLOGS_PACING_PRIVATE_H
#define ESOLOGS_PACING_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct eso__pacing {
    pthread_mutex_t lock;
    uint64_t min_interval_ns;
    bool points_aware;
    unsigned reserve_pct;
    double scale; /* applied ns per scenario ns */
    bool have_last;
    uint64_t last_start_ns; /* the latest reserved start */
    /* rateLimitData as last observed */
    bool have_points;
    uint64_t observed_at_ns;
    double limit_per_hour;
    double spent;
    uint64_t reset_at_ns; /* applied time of the points reset */
    double local_spent;   /* requests since the observation (1 point each, estimated) */
    /* The hidden getRateLimitData refresh: one at a time, and not again soon after a failure. */
    bool refreshing;
    uint64_t refresh_not_before_ns;
};

void eso__pacing_init(struct eso__pacing *p, uint64_t min_interval_ns, bool points_aware,
                      unsigned reserve_pct, double scale);
void eso__pacing_finish(struct eso__pacing *p);

/*
 * Reserve the next request start at or after @p now and return how long to wait
 * for it (0 = go now). @p limit_ns: a wait longer than this is not reserved and
 * UINT64_MAX is returned instead (the caller fails fast).
 */
uint64_t eso__pacing_reserve(struct eso__pacing *p, uint64_t now, uint64_t limit_ns);

/* Record observed rateLimitData at @p now (scenario seconds for reset_in). */
void eso__pacing_observe(struct eso__pacing *p, uint64_t now, double limit_per_hour, double spent,
                         double reset_in_s);

/*
 * Whether a rateLimitData refresh is due at @p now (nothing known, or older than
 * @p max_age_ns) and allowed (none running, none failed recently). true: the caller
 * refreshes and must call eso__pacing_refresh_end().
 */
bool eso__pacing_refresh_begin(struct eso__pacing *p, uint64_t now, uint64_t max_age_ns);

/*
 * The refresh begun at @p started ended at @p now, its call @p answered or not. Returns
 * whether it succeeded: answered, and rateLimitData observed since @p started. After a
 * failure none starts again before @p now + @p backoff_ns.
 */
bool eso__pacing_refresh_end(struct eso__pacing *p, uint64_t started, uint64_t now, bool answered,
                             uint64_t backoff_ns);

/* The interval the points rule asks for at @p now (0 = none); exposed for tests. */
uint64_t eso__pacing_points_interval(struct eso__pacing *p, uint64_t now);

#endif
