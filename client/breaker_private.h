/*
 * The circuit breaker: closed / open / half-open, opening on consecutive
 * failures or on a failure rate over a count-based sliding window, with a
 * growing cool-down and a bounded number of half-open probes. Thread-safe.
 */
#ifndef ESOLOGS_BREAKER_PRIVATE_H
#define ESOLOGS_BREAKER_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <esologs/events.h>

struct eso__breaker_config {
    bool disabled;
    unsigned threshold;    /* consecutive failures; 0 = rule off */
    unsigned failure_rate; /* percent; 0 = rule off */
    unsigned window;       /* attempts kept (>= 1) */
    unsigned min_calls;    /* before the rate rule applies */
    uint64_t cooldown_ns;
    double cooldown_multiplier;
    uint64_t cooldown_max_ns;
    unsigned half_open_probes; /* >= 1 */
};

enum eso__outcome {
    ESO__OUTCOME_SUCCESS = 0, /* the server answered sanely */
    ESO__OUTCOME_FAILURE = 1, /* the server or the path to it is unhealthy */
    ESO__OUTCOME_IGNORED = 2, /* says nothing about health (429, local errors) */
};

/* A state change, reported to the caller so it can emit an event outside the lock. */
struct eso__transition {
    bool happened;
    enum eso_breaker_state from;
    enum eso_breaker_state to;
    const char *reason; /* "consecutive_failures", "failure_rate", "cooldown_elapsed",
                           "probe_failed", "probes_succeeded", "reset" */
};

/* A permission to send one attempt, tied to the state epoch it was given in. */
struct eso__permit {
    uint64_t epoch;
    bool probe;
};

struct eso__breaker {
    pthread_mutex_t lock;
    struct eso__breaker_config cfg;
    enum eso_breaker_state state;
    uint64_t epoch;       /* bumped by every transition */
    unsigned consecutive; /* failures in a row (closed) */
    uint8_t *ring;        /* window outcomes: 1 = failure */
    unsigned ring_len;    /* filled entries */
    unsigned ring_pos;
    unsigned ring_failures;
    uint64_t open_until_ns;
    unsigned opens_in_a_row; /* for the growing cool-down; reset on closing */
    unsigned probes_in_flight;
    unsigned probes_succeeded;
};

/* 0 or ESO_OUT_OF_MEMORY. */
int eso__breaker_init(struct eso__breaker *b, const struct eso__breaker_config *cfg);
void eso__breaker_finish(struct eso__breaker *b);

/*
 * Ask to send an attempt at @p now. true: go, with @p permit to hand back to
 * record() or release(). false: fail fast. An open breaker whose cool-down ended
 * moves to half-open here (reported in @p tr) and admits up to half_open_probes.
 */
bool eso__breaker_acquire(struct eso__breaker *b, uint64_t now, struct eso__permit *permit,
                          struct eso__transition *tr);

/* Report the attempt's outcome. Outcomes from an older epoch are ignored. */
void eso__breaker_record(struct eso__breaker *b, uint64_t now, const struct eso__permit *permit,
                         enum eso__outcome outcome, struct eso__transition *tr);

/* Hand back a permit that was not used for an attempt. */
void eso__breaker_release(struct eso__breaker *b, const struct eso__permit *permit);

/*
 * Move to @p to if the state machine allows it from the current state
 * (closed->open, open->half_open, half_open->open, half_open->closed); used by
 * the rules above and by tests. Returns false (and changes nothing) otherwise.
 */
bool eso__breaker_transition(struct eso__breaker *b, uint64_t now, enum eso_breaker_state to,
                             const char *reason, struct eso__transition *tr);

enum eso_breaker_state eso__breaker_state(struct eso__breaker *b);
/* The open period the next opening will use. */
uint64_t eso__breaker_next_cooldown(struct eso__breaker *b);
/* When an open breaker will admit a probe (0 when not open). */
uint64_t eso__breaker_open_until(struct eso__breaker *b);

#endif
