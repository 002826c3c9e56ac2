/* The retry budget token bucket. */
#include "budget_private.h"

void eso__budget_init(struct eso__budget *b, bool disabled, unsigned capacity, unsigned retry_cost,
                      unsigned timeout_cost, unsigned success_refund)
{
    pthread_mutex_init(&b->lock, NULL);
    b->disabled = disabled;
    b->capacity = capacity;
    b->tokens = capacity;
    b->retry_cost = retry_cost;
    b->timeout_cost = timeout_cost;
    b->success_refund = success_refund;
}

void eso__budget_finish(struct eso__budget *b)
{
    pthread_mutex_destroy(&b->lock);
}

bool eso__budget_withdraw(struct eso__budget *b, bool after_timeout, unsigned *cost_out)
{
    if (b->disabled) {
        *cost_out = 0;
        return true;
    }
    unsigned cost = after_timeout ? b->timeout_cost : b->retry_cost;
    bool ok = false;
    pthread_mutex_lock(&b->lock);
    if (b->tokens >= cost) {
        b->tokens -= cost;
        ok = true;
    }
    pthread_mutex_unlock(&b->lock);
    if (ok)
        *cost_out = cost;
    return ok;
}

void eso__budget_on_success(struct eso__budget *b, unsigned last_retry_cost)
{
    if (b->disabled)
        return;
    unsigned add = last_retry_cost > 0 ? last_retry_cost : b->success_refund;
    pthread_mutex_lock(&b->lock);
    b->tokens = b->capacity - b->tokens < add ? b->capacity : b->tokens + add;
    pthread_mutex_unlock(&b->lock);
}

uint64_t eso__budget_tokens(struct eso__budget *b)
{
    if (b->disabled)
        return UINT64_MAX;
    pthread_mutex_lock(&b->lock);
    uint64_t t = b->tokens;
    pthread_mutex_unlock(&b->lock);
    return t;
}
