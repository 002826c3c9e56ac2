/*
 * The retry budget: a token bucket shared by every call of a client, as the AWS
 * SDK standard retry mode keeps it. A retry withdraws its cost; a success
 * refunds. An empty bucket turns retries into fast failures, which stops retry
 * storms during a long outage. Thread-safe.
 */
#ifndef ESOLOGS_BUDGET_PRIVATE_H
#define ESOLOGS_BUDGET_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct eso__budget {
    pthread_mutex_t lock;
    bool disabled;
    unsigned capacity;
    unsigned tokens;
    unsigned retry_cost;
    unsigned timeout_cost;
    unsigned success_refund;
};

void eso__budget_init(struct eso__budget *b, bool disabled, unsigned capacity, unsigned retry_cost,
                      unsigned timeout_cost, unsigned success_refund);
void eso__budget_finish(struct eso__budget *b);

/*
 * Take the cost of one retry (timeout_cost when @p after_timeout). Returns true and
 * sets @p cost_out when the bucket held enough; false (nothing taken) otherwise.
 */
bool eso__budget_withdraw(struct eso__budget *b, bool after_timeout, unsigned *cost_out);

/*
 * A call succeeded: refund @p last_retry_cost if it succeeded on a retry, else
 * success_refund. Never above capacity.
 */
void eso__budget_on_success(struct eso__budget *b, unsigned last_retry_cost);

/* Tokens now; UINT64_MAX when disabled. */
uint64_t eso__budget_tokens(struct eso__budget *b);

#endif
