/* Exponential backoff with jitter: the delay before retry n. */
#include <math.h>

#include "backoff_private.h"
#include "random_private.h"

uint64_t eso__backoff_base(const struct eso__backoff *b, unsigned retry)
{
    if (retry == 0)
        retry = 1;
    double d = (double)b->initial_ns * pow(b->multiplier, (double)(retry - 1));
    if (!(d < (double)b->max_ns))
        return b->max_ns;
    return (uint64_t)d;
}

/* lo + fraction * (hi - lo), for lo <= hi. */
static uint64_t between(uint64_t lo, uint64_t hi, uint64_t random_bits)
{
    double span = (double)(hi - lo);
    uint64_t add = (uint64_t)(eso__rng_fraction(random_bits) * span);
    return lo + (add > hi - lo ? hi - lo : add);
}

int eso__backoff_uses_random(const struct eso__backoff *b)
{
    return b->jitter != ESO_JITTER_NONE;
}

uint64_t eso__backoff_delay(const struct eso__backoff *b, unsigned retry, uint64_t prev_ns,
                            uint64_t random_bits)
{
    uint64_t base = eso__backoff_base(b, retry);
    switch (b->jitter) {
    case ESO_JITTER_NONE:
        return base;
    case ESO_JITTER_DEFAULT:
    case ESO_JITTER_FULL:
        return between(0, base, random_bits);
    case ESO_JITTER_EQUAL:
        return base / 2 + between(0, base - base / 2, random_bits);
    case ESO_JITTER_DECORRELATED: {
        /* AWS "decorrelated jitter": sleep = min(cap, random_between(base, prev * 3)). */
        uint64_t lo = b->initial_ns < b->max_ns ? b->initial_ns : b->max_ns;
        uint64_t prev = prev_ns > 0 ? prev_ns : lo;
        uint64_t hi = prev > UINT64_MAX / 3 ? UINT64_MAX : prev * 3;
        if (hi > b->max_ns)
            hi = b->max_ns;
        if (hi < lo)
            hi = lo;
        return between(lo, hi, random_bits);
    }
    }
    return base;
}
