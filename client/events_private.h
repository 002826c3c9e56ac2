/* Emitting events: counters, scrubbing of secrets, the caller's callback. */
#ifndef ESOLOGS_EVENTS_PRIVATE_H
#define ESOLOGS_EVENTS_PRIVATE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <esologs/events.h>

struct eso__events {
    eso_event_fn fn;
    void *userdata;
    /* Scrubs secrets out of a detail string in place (the auth module). */
    void (*scrub)(void *ud, char *buf, size_t size);
    void *scrub_ud;
    atomic_uint_fast64_t calls;
    atomic_uint_fast64_t calls_ok;
    atomic_uint_fast64_t calls_failed;
    atomic_uint_fast64_t attempts;
    atomic_uint_fast64_t retries;
    atomic_uint_fast64_t give_ups;
    atomic_uint_fast64_t breaker_rejections;
    atomic_uint_fast64_t breaker_opens;
    atomic_uint_fast64_t budget_rejections;
    atomic_uint_fast64_t deadline_exceeded;
    atomic_uint_fast64_t cache_fallbacks;
    atomic_uint_fast64_t cache_stores;
    atomic_uint_fast64_t pacing_waits;
    atomic_uint_fast64_t token_fetches;
    atomic_uint_fast64_t token_invalidations;
    atomic_uint_fast64_t connections_opened;
    atomic_uint_fast64_t connections_reused;
};

void eso__events_init(struct eso__events *e, eso_event_fn fn, void *userdata);

/* Count @p ev and pass it to the callback; ev->detail is scrubbed through a copy. */
void eso__emit(struct eso__events *e, const struct eso_event *ev);

/* Bump a counter that has no event of its own. */
void eso__count(atomic_uint_fast64_t *counter);

/* Copy the counters into @p out (breaker/budget fields are the caller's). */
void eso__events_snapshot(struct eso__events *e, struct eso_counters *out);

#endif
