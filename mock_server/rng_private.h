/* A small seeded PRNG (xoshiro256**), so the same seed gives the same faults on every run. */
#ifndef ESOMOCK_RNG_PRIVATE_H
#define ESOMOCK_RNG_PRIVATE_H

#include <stdint.h>

struct esomock_rng {
    uint64_t s[4];
};

/* Seed a stream; distinct @p stream values give independent sequences for one seed. */
void esomock__rng_seed(struct esomock_rng *rng, uint64_t seed, uint64_t stream);

uint64_t esomock__rng_next(struct esomock_rng *rng);

/* Uniform in [0, 1). */
double esomock__rng_unit(struct esomock_rng *rng);

/* Standard normal (Box-Muller). */
double esomock__rng_normal(struct esomock_rng *rng);

#endif
