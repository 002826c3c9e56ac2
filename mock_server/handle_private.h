/*
 * The server handle, struct esomock_server: what every module of a running server shares.
 * Definitions only; the server's lifecycle is server.c's. Each member names the lock that
 * guards it where one does.
 */
#ifndef ESOMOCK_HANDLE_PRIVATE_H
#define ESOMOCK_HANDLE_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

#include <esomock/scenario.h>

#include "blackhole_private.h"
#include "graphql_private.h"
#include "journal_private.h"
#include "metrics_private.h"
#include "ratelimit_private.h"
#include "run_private.h"
#include "watch_private.h"

struct esomock_auth;
struct esomock_fixture_set;
struct esomock_timer;
struct esomock_world;

struct esomock_server {
    struct MHD_Daemon *daemon;
    uint16_t port;
    char url[96];
    char blackhole_url[96];
    char *host;
    char *fixtures_dir;
    char *admin_token;
    struct esomock_fixture_set *fixtures;
    const struct gql_schema *schema;   /* the API's schema (api.c's, shared) */
    struct gql_cache *gql_cache;       /* parsed and validated documents */
    struct esomock_memo *request_memo; /* request bodies seen, with their answers, or NULL */
    size_t request_memo_entries;
    struct esomock_world *world;       /* the data world behind the fixtures, or NULL (none) */
    struct esomock_graphql graphql;    /* what the API routes use of the above */
    struct esomock_proxy *proxy;       /* --proxy, or NULL */
    struct esomock_recorder *recorder; /* --record, or NULL */
    bool strict_fixtures;
    struct esomock_auth *auth;
    struct esomock_timer *timer;
    struct esomock_journal journal;
    bool journal_ready;
    struct esomock_metrics metrics;
    struct esomock_ratelimit ratelimit;
    struct esomock_blackhole blackhole;
    size_t max_body_bytes;
    FILE *log;
    double started_ms; /* monotonic, for log lines */
    atomic_uint_fast64_t next_seq;
    atomic_uint_fast64_t in_flight;

    /* What the options said, for settings a scenario may override and a clear restores. */
    double opts_time_scale; /* 0 = not fixed by the options */
    bool opts_strict_auth;
    unsigned opts_token_ttl_s;
    bool opts_has_seed;
    uint64_t opts_seed;

    pthread_mutex_t scenario_lock; /* guards run, effective and epoch_ms */
    struct esomock_run *run;       /* NULL: no scenario, normal answers */
    struct esomock_effective effective;
    double epoch_ms;   /* monotonic time the scenario in force started */
    bool listen_tuned; /* the listening socket is set up for slow_read (guarded by the lock) */

    struct esomock_watch watch; /* --watch */

    struct esomock_section *sections; /* the options', copied (keys and notes owned) */
    size_t section_count;
};

#endif
