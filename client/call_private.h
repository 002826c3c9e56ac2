/*
 * One call's retry state machine, shared by the blocking path and the batch
 * driver: gate (deadline, breaker) -> pacing -> auth -> attempt -> classify ->
 * retry decision (policy, Retry-After, deadline, budget) -> events -> cache.
 * The driver performs attempts and waits; the machine only decides.
 */
#ifndef ESOLOGS_CALL_PRIVATE_H
#define ESOLOGS_CALL_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esologs/client.h>

#include "breaker_private.h"
#include "transport_private.h"

enum eso__step {
    ESO__STEP_ATTEMPT = 0, /* perform call->req, then eso__call_complete() */
    ESO__STEP_WAIT = 1,    /* call again at call->wake_ns */
    ESO__STEP_DONE = 2,    /* call->res is final */
};

enum eso__call_state {
    ESO__CALL_GATE = 0,
    ESO__CALL_PACED = 1,
    ESO__CALL_IN_FLIGHT = 2,
    ESO__CALL_DONE = 3,
};

struct eso__call {
    struct eso_client *c;
    struct eso_result *res;
    const char *operation;
    char *body;
    size_t body_len;
    char *cache_key;
    bool idempotent;
    uint64_t id;
    uint64_t start_ns;
    uint64_t deadline_ns;
    unsigned tries;     /* counted against max_attempts */
    unsigned max_tries; /* 0 = the client's max_attempts */
    const char *tag;    /* reason of CALL_START / CALL_END (static string); NULL = none */
    uint64_t prev_delay_ns;
    unsigned last_retry_cost;
    bool auth_refreshed;
    uint64_t auth_generation;
    char *auth_header;
    struct eso__permit permit;
    bool have_permit;
    bool deadline_clipped;
    uint64_t wake_ns;
    enum eso__call_state state;
    char request_id[48]; /* "<client instance>-<call id>", sent as X-Request-Id */
    struct eso__request req;
};

/*
 * Prepare a call. @p res is zeroed and, on failure (ESO_BAD_ARGUMENT,
 * ESO_UNKNOWN_OPERATION, ESO_OUT_OF_MEMORY), filled with the status; the call
 * then needs no eso__call_finish().
 */
enum eso_status eso__call_init(struct eso__call *call, struct eso_client *c, const char *operation,
                               const char *document, const cJSON *variables,
                               struct eso_result *res);

/* As eso__call_init(), with @p tag (a static string) as reason of CALL_START/CALL_END. */
enum eso_status eso__call_init_tagged(struct eso__call *call, struct eso_client *c,
                                      const char *operation, const char *document,
                                      const cJSON *variables, struct eso_result *res,
                                      const char *tag);

/*
 * Advance the call at @p now. Time may pass inside (a token fetch, or waiting for
 * another thread's): a driver reads the clock again before it waits for call->wake_ns.
 */
enum eso__step eso__call_next(struct eso__call *call, uint64_t now);

/* Feed the outcome of the attempt the last ESO__STEP_ATTEMPT asked for. */
void eso__call_complete(struct eso__call *call, struct eso__response *resp);

/* Run a prepared call to its end on the calling thread (sleeping through waits). */
void eso__call_run_blocking(struct eso__call *call);

/* Free what the call owns (not the result). */
void eso__call_finish(struct eso__call *call);

#endif
