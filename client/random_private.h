/* The built-in PRNG (xoshiro256**, seeded by splitmix64). */
#ifndef ESOLOGS_RANDOM_PRIVATE_H
#define ESOLOGS_RANDOM_PRIVATE_H

#include <stdint.h>

struct eso__rng {
    uint64_t s[4];
};

/* Seed @p rng; the same seed gives the same sequence. */
void eso__rng_seed(struct eso__rng *rng, uint64_t seed);
/* 64 random bits; @p ud is a struct eso__rng * (eso_random.next compatible). */
uint64_t eso__rng_next(void *ud);
/* A fraction in [0, 1) from 64 random bits (53 significant bits). */
double eso__rng_fraction(uint64_t bits);

#endif
