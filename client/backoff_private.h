/* Exponential backoff with jitter: the delay before retry n. */
#ifndef ESOLOGS_BACKOFF_PRIVATE_H
#define ESOLOGS_BACKOFF_PRIVATE_H

#include <stdint.h>

#include <esologs/options.h>

/* A resolved backoff policy; durations in applied (scaled) ns. */
struct eso__backoff {
    uint64_t initial_ns;
    uint64_t max_ns;
    double multiplier;
    enum eso_jitter jitter; /* never ESO_JITTER_DEFAULT here */
};

/* The un-jittered delay before retry @p retry (1-based): min(max, initial * multiplier^(retry-1)).
 */
uint64_t eso__backoff_base(const struct eso__backoff *b, unsigned retry);

/*
 * The delay before retry @p retry (1-based). @p prev_ns is the previous delay (0
 * before the first retry; used by decorrelated jitter). @p random_bits is 64
 * random bits, consumed only by the jittered kinds.
 */
uint64_t eso__backoff_delay(const struct eso__backoff *b, unsigned retry, uint64_t prev_ns,
                            uint64_t random_bits);

/* Whether this jitter kind consumes random bits. */
int eso__backoff_uses_random(const struct eso__backoff *b);

#endif
