/*
 * The drivers: they run calls' machines (call.c), performing what a machine asks for,
 * the transfers (API attempts and token requests) and the waits, and feeding back the
 * outcomes. The machine decides; only the drivers do I/O.
 *
 *   blocking  one call on the calling thread: each transfer on a pooled connection (or
 *             the hook), each wait a sleep, a wait for another thread's token fetch a
 *             condition wait.
 *   multi     many calls on one libcurl multi handle: a token fetch is one more transfer
 *             on it, and the calls waiting for a token are parked, so no call's fetch
 *             holds up another call's transfer; a fetch by another thread wakes the
 *             handle's poll (curl_multi_wakeup).
 *
 * Both run libcurl through one poll loop with our own read/write idle timers.
 */
#ifndef ESOLOGS_DRIVER_PRIVATE_H
#define ESOLOGS_DRIVER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call_private.h"
#include "request_private.h"
#include "transport_private.h"

/*
 * Perform @p req to its end on the calling thread: on a pooled connection, waiting for
 * one at most the pool timeout cut to what is left of the call's deadline (the transfer
 * then gets what the wait left), or through the hook. Always fills @p resp; returns 0,
 * or ESO_OUT_OF_MEMORY when nothing could be tried. *lane is the connection whose buffer
 * @p resp's body is lent from, held until eso__pool_release(&t->pool, *lane) (NULL: none).
 */
int eso__drive_request(struct eso__transport *t, const struct eso__request *req,
                       struct eso__response *resp, struct eso__lane **lane);

/* Run a prepared call to its end on the calling thread (the caller then finishes it). */
void eso__drive_blocking(struct eso__call *call);

/* The calls of a multi run, prepared in order as room frees up. */
struct eso__call_source {
    size_t count;
    /* eso__call_init() call @p i into @p call (the driver's storage); false when that
     * failed (the call then ended at once, with its result filled). */
    bool (*start)(void *userdata, size_t i, struct eso__call *call);
    void *userdata;
};

/*
 * Run every call of @p src on one multi handle (or the hook), at most @p concurrency
 * (>= 1) at a time, each to its end (and eso__call_finish()). Returns 0, or
 * ESO_OUT_OF_MEMORY when nothing could run (no call was started).
 */
int eso__drive_multi(struct eso_client *c, const struct eso__call_source *src,
                     unsigned concurrency);

/* Milliseconds for curl_multi_poll until @p next_ns (at least 1, at most @p cap_ms). */
int eso__poll_ms(uint64_t now, uint64_t next_ns, int cap_ms);

#endif
