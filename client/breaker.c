/* The circuit breaker state machine. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/status.h>

#include "breaker_private.h"

int eso__breaker_init(struct eso__breaker *b, const struct eso__breaker_config *cfg)
{
    memset(b, 0, sizeof *b);
    b->cfg = *cfg;
    if (b->cfg.window == 0)
        b->cfg.window = 1;
    if (b->cfg.half_open_probes == 0)
        b->cfg.half_open_probes = 1;
    b->ring = calloc(b->cfg.window, 1);
    if (b->ring == NULL)
        return ESO_OUT_OF_MEMORY;
    pthread_mutex_init(&b->lock, NULL);
    b->state = ESO_BREAKER_STATE_CLOSED;
    return 0;
}

void eso__breaker_finish(struct eso__breaker *b)
{
    if (b->ring == NULL)
        return;
    pthread_mutex_destroy(&b->lock);
    free(b->ring);
    b->ring = NULL;
}

static uint64_t cooldown_for(const struct eso__breaker_config *cfg, unsigned opens)
{
    double d = (double)cfg->cooldown_ns;
    for (unsigned i = 1; i < opens && d < (double)cfg->cooldown_max_ns; i++)
        d *= cfg->cooldown_multiplier;
    if (!(d < (double)cfg->cooldown_max_ns))
        return cfg->cooldown_max_ns;
    return (uint64_t)d;
}

static void clear_window(struct eso__breaker *b)
{
    memset(b->ring, 0, b->cfg.window);
    b->ring_len = 0;
    b->ring_pos = 0;
    b->ring_failures = 0;
    b->consecutive = 0;
}

static bool allowed(enum eso_breaker_state from, enum eso_breaker_state to)
{
    switch (from) {
    case ESO_BREAKER_STATE_CLOSED:
        return to == ESO_BREAKER_STATE_OPEN;
    case ESO_BREAKER_STATE_OPEN:
        return to == ESO_BREAKER_STATE_HALF_OPEN;
    case ESO_BREAKER_STATE_HALF_OPEN:
        return to == ESO_BREAKER_STATE_OPEN || to == ESO_BREAKER_STATE_CLOSED;
    }
    return false;
}

/* Caller holds the lock. */
static bool transition_locked(struct eso__breaker *b, uint64_t now, enum eso_breaker_state to,
                              const char *reason, struct eso__transition *tr)
{
    if (!allowed(b->state, to))
        return false;
    enum eso_breaker_state from = b->state;
    b->state = to;
    b->epoch++;
    b->probes_in_flight = 0;
    b->probes_succeeded = 0;
    switch (to) {
    case ESO_BREAKER_STATE_OPEN:
        b->opens_in_a_row++;
        b->open_until_ns = now + cooldown_for(&b->cfg, b->opens_in_a_row);
        if (b->open_until_ns < now)
            b->open_until_ns = UINT64_MAX;
        clear_window(b);
        break;
    case ESO_BREAKER_STATE_CLOSED:
        b->opens_in_a_row = 0;
        b->open_until_ns = 0;
        clear_window(b);
        break;
    case ESO_BREAKER_STATE_HALF_OPEN:
        break;
    }
    if (tr != NULL) {
        tr->happened = true;
        tr->from = from;
        tr->to = to;
        tr->reason = reason;
    }
    return true;
}

bool eso__breaker_transition(struct eso__breaker *b, uint64_t now, enum eso_breaker_state to,
                             const char *reason, struct eso__transition *tr)
{
    pthread_mutex_lock(&b->lock);
    bool ok = transition_locked(b, now, to, reason, tr);
    pthread_mutex_unlock(&b->lock);
    return ok;
}

bool eso__breaker_acquire(struct eso__breaker *b, uint64_t now, struct eso__permit *permit,
                          struct eso__transition *tr)
{
    bool go = false;
    pthread_mutex_lock(&b->lock);
    if (b->cfg.disabled) {
        go = true;
        goto out;
    }
    if (b->state == ESO_BREAKER_STATE_OPEN && now >= b->open_until_ns)
        transition_locked(b, now, ESO_BREAKER_STATE_HALF_OPEN, "cooldown_elapsed", tr);
    switch (b->state) {
    case ESO_BREAKER_STATE_CLOSED:
        go = true;
        break;
    case ESO_BREAKER_STATE_OPEN:
        go = false;
        break;
    case ESO_BREAKER_STATE_HALF_OPEN:
        go = b->probes_in_flight + b->probes_succeeded < b->cfg.half_open_probes;
        if (go)
            b->probes_in_flight++;
        break;
    }
out:
    permit->epoch = b->epoch;
    permit->probe = go && b->state == ESO_BREAKER_STATE_HALF_OPEN && !b->cfg.disabled;
    pthread_mutex_unlock(&b->lock);
    return go;
}

void eso__breaker_release(struct eso__breaker *b, const struct eso__permit *permit)
{
    pthread_mutex_lock(&b->lock);
    if (permit->probe && permit->epoch == b->epoch && b->probes_in_flight > 0)
        b->probes_in_flight--;
    pthread_mutex_unlock(&b->lock);
}

static void push(struct eso__breaker *b, bool failure)
{
    unsigned w = b->cfg.window;
    if (b->ring_len == w) {
        b->ring_failures -= b->ring[b->ring_pos];
    } else {
        b->ring_len++;
    }
    b->ring[b->ring_pos] = failure ? 1 : 0;
    b->ring_failures += failure ? 1u : 0u;
    b->ring_pos = (b->ring_pos + 1) % w;
    b->consecutive = failure ? b->consecutive + 1 : 0;
}

void eso__breaker_record(struct eso__breaker *b, uint64_t now, const struct eso__permit *permit,
                         enum eso__outcome outcome, struct eso__transition *tr)
{
    pthread_mutex_lock(&b->lock);
    if (b->cfg.disabled || permit->epoch != b->epoch)
        goto out;
    switch (b->state) {
    case ESO_BREAKER_STATE_CLOSED:
        if (outcome == ESO__OUTCOME_IGNORED)
            break;
        push(b, outcome == ESO__OUTCOME_FAILURE);
        /* Both rules are checked after every counted outcome, as resilience4j does. */
        if (b->cfg.threshold > 0 && b->consecutive >= b->cfg.threshold) {
            transition_locked(b, now, ESO_BREAKER_STATE_OPEN, "consecutive_failures", tr);
        } else if (b->cfg.failure_rate > 0 && b->ring_len >= b->cfg.min_calls &&
                   (uint64_t)b->ring_failures * 100 >=
                       (uint64_t)b->cfg.failure_rate * b->ring_len) {
            transition_locked(b, now, ESO_BREAKER_STATE_OPEN, "failure_rate", tr);
        }
        break;
    case ESO_BREAKER_STATE_HALF_OPEN:
        if (!permit->probe)
            break;
        if (b->probes_in_flight > 0)
            b->probes_in_flight--;
        if (outcome == ESO__OUTCOME_FAILURE) {
            transition_locked(b, now, ESO_BREAKER_STATE_OPEN, "probe_failed", tr);
        } else if (outcome == ESO__OUTCOME_SUCCESS) {
            b->probes_succeeded++;
            if (b->probes_succeeded >= b->cfg.half_open_probes)
                transition_locked(b, now, ESO_BREAKER_STATE_CLOSED, "probes_succeeded", tr);
        }
        break;
    case ESO_BREAKER_STATE_OPEN:
        break;
    }
out:
    pthread_mutex_unlock(&b->lock);
}

enum eso_breaker_state eso__breaker_state(struct eso__breaker *b)
{
    pthread_mutex_lock(&b->lock);
    enum eso_breaker_state s = b->state;
    pthread_mutex_unlock(&b->lock);
    return s;
}

uint64_t eso__breaker_next_cooldown(struct eso__breaker *b)
{
    pthread_mutex_lock(&b->lock);
    uint64_t d = cooldown_for(&b->cfg, b->opens_in_a_row + 1);
    pthread_mutex_unlock(&b->lock);
    return d;
}

uint64_t eso__breaker_open_until(struct eso__breaker *b)
{
    pthread_mutex_lock(&b->lock);
    uint64_t t = b->state == ESO_BREAKER_STATE_OPEN ? b->open_until_ns : 0;
    pthread_mutex_unlock(&b->lock);
    return t;
}
