/* The client handle: resolved options and the shared state of every call. */
#ifndef ESOLOGS_HANDLE_PRIVATE_H
#define ESOLOGS_HANDLE_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <esologs/client.h>

#include "auth_private.h"
#include "backoff_private.h"
#include "breaker_private.h"
#include "budget_private.h"
#include "cache_private.h"
#include "clock_private.h"
#include "events_private.h"
#include "pacing_private.h"
#include "random_private.h"
#include "transport_private.h"

struct eso_client {
    struct eso__clock clock;
    pthread_mutex_t rng_lock;
    struct eso__rng rng;
    struct eso_random random;

    struct eso__events events;
    struct eso__breaker breaker;
    struct eso__budget budget;
    struct eso__pacing pacing;
    struct eso__cache cache;
    struct eso__auth auth;
    struct eso__transport transport;

    char *api_url;
    struct eso__backoff backoff;
    unsigned max_attempts;
    unsigned retry_on;
    unsigned max_connections;
    uint64_t retry_after_max_ns;
    uint64_t deadline_ns;
    uint64_t timeout_ns;
    uint64_t connect_timeout_ns;
    uint64_t read_timeout_ns;
    uint64_t write_timeout_ns;
    uint64_t points_refresh_ns;
    bool points_aware;
    atomic_uint_fast64_t next_call_id;
    unsigned instance; /* random tag of this client in request ids */
};

/* 64 random bits from the client's source (locked). */
uint64_t eso__client_random(struct eso_client *c);

/*
 * Resolve @p opts into @p c's plain fields (no allocation); writes a message to
 * @p err (ESO_DETAIL_SIZE) on ESO_BAD_ARGUMENT.
 */
enum eso_status eso__options_resolve(const struct eso_options *opts, struct eso_client *c,
                                     struct eso__breaker_config *breaker,
                                     struct eso_options *resolved, char *err);

#endif
