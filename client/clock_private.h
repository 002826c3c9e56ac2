/* Time: the injectable clock, the time scale, and scaled durations. */
#ifndef ESOLOGS_CLOCK_PRIVATE_H
#define ESOLOGS_CLOCK_PRIVATE_H

#include <stdint.h>
#include <time.h>

#include <esologs/options.h>

/* The clock a client uses: the caller's hooks or the real ones, plus the scale. */
struct eso__clock {
    struct eso_clock hooks;
    double scale;
};

/* Fill @p clk from an optional caller clock and a resolved scale. */
void eso__clock_init(struct eso__clock *clk, const struct eso_clock *user, double scale);
/* Monotonic now, in ns. */
uint64_t eso__clock_now(const struct eso__clock *clk);
/* Block (or advance a fake clock) for @p ns. */
void eso__clock_sleep(const struct eso__clock *clk, uint64_t ns);
/* Unix seconds of the wall clock. */
int64_t eso__clock_wall(const struct eso__clock *clk);
/* Scenario ms -> applied ns: ESO_NEVER -> UINT64_MAX; saturates. */
uint64_t eso__scale_ms(double scale, uint32_t ms);
/* Scenario seconds (non-negative double) -> applied ns; saturates at UINT64_MAX. */
uint64_t eso__scale_s(double scale, double seconds);
/* The scale from $ESO_TIME_SCALE, or 1.0 when unset or invalid. */
double eso__time_scale_env(void);
/* a + b, saturating at UINT64_MAX. */
uint64_t eso__sat_add(uint64_t a, uint64_t b);
/* CLOCK_MONOTONIC @p wait_ns from now, for pthread_cond_timedwait (capped at ~68 years). */
void eso__monotonic_after(struct timespec *ts, uint64_t wait_ns);
/* The real monotonic clock, in ns. */
uint64_t eso__real_now_ns(void);

#endif
