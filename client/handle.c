/* The client handle's shared state: its random source. */
#include "handle_private.h"

uint64_t eso__client_random(struct eso_client *c)
{
    pthread_mutex_lock(&c->rng_lock);
    uint64_t bits = c->random.next(c->random.userdata);
    pthread_mutex_unlock(&c->rng_lock);
    return bits;
}
