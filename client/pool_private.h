/*
 * The connection pool of single calls: lanes, each an easy handle (one kept-alive
 * connection) on its own multi handle, at most max_total of them, max_idle kept when
 * idle. A caller finding none free waits up to a limit. Thread-safe.
 */
#ifndef ESOLOGS_POOL_PRIVATE_H
#define ESOLOGS_POOL_PRIVATE_H

#include <pthread.h>
#include <stdint.h>

#include <curl/curl.h>

#include "clock_private.h"
#include "xfer_private.h"

struct eso__lane {
    struct eso__xfer xfer;
    CURLM *multi;
    struct eso__lane *next;
};

struct eso__pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct eso__lane *idle;
    unsigned idle_count;
    unsigned total;
    unsigned max_total;
    unsigned max_idle;
    const char *user_agent; /* borrowed from the transport */
    const struct eso__clock *clk;
};

void eso__pool_init(struct eso__pool *p, unsigned max_total, unsigned max_idle,
                    const char *user_agent, const struct eso__clock *clk);

/* Close every idle lane. No lane may be out. */
void eso__pool_finish(struct eso__pool *p);

/*
 * A lane for one transfer: an idle one, a new one while fewer than max_total exist, or
 * the first one handed back within @p timeout_ns (UINT64_MAX = no limit; real time).
 * Returns 0, ESO_POOL_TIMEOUT or ESO_OUT_OF_MEMORY.
 */
int eso__pool_acquire(struct eso__pool *p, uint64_t timeout_ns, struct eso__lane **out);

/* Hand @p l back: kept idle when fewer than max_idle are, else closed. */
void eso__pool_release(struct eso__pool *p, struct eso__lane *l);

#endif
