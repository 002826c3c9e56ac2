/*
 * One call's retry state machine, shared by the blocking driver and the multi driver
 * (driver.c): gate (deadline, breaker) -> pacing -> token -> attempt -> classify ->
 * retry decision (policy, Retry-After, deadline, budget) -> events -> cache.
 * The machine only decides: the driver performs every transfer (the token request too)
 * and every wait, and feeds the outcomes back.
 */
#ifndef ESOLOGS_CALL_PRIVATE_H
#define ESOLOGS_CALL_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esologs/client.h>

#include "breaker_private.h"
#include "request_private.h"

/* What the driver is to do next. */
enum eso__step {
    ESO__STEP_ATTEMPT = 0,    /* perform call->req, then eso__call_complete() */
    ESO__STEP_WAIT = 1,       /* call eso__call_next() again at call->wake_ns */
    ESO__STEP_DONE = 2,       /* call->res is final */
    ESO__STEP_TOKEN = 3,      /* perform call->req (the token request), then
                                 eso__call_token_complete() */
    ESO__STEP_TOKEN_WAIT = 4, /* another call is fetching the token: call again when that
                                 fetch ends (eso__auth_wait, or an auth waiter), or at
                                 call->wake_ns (the deadline) at the latest */
};

enum eso__call_state {
    ESO__CALL_GATE = 0,      /* before the breaker and pacing */
    ESO__CALL_PACED = 1,     /* admitted; waiting for the pacing slot */
    ESO__CALL_AUTH = 2,      /* an attempt is due: it needs its Authorization header */
    ESO__CALL_TOKEN = 3,     /* this call's token request is in flight */
    ESO__CALL_IN_FLIGHT = 4, /* the attempt is in flight */
    ESO__CALL_DONE = 5,
};

struct eso__call {
    struct eso_client *c;
    struct eso_result *res;
    const char *operation;
    const char *document;      /* borrowed for the call */
    const char *document_json; /* the registry's JSON form of it; NULL for a caller's own */
    const cJSON *variables;    /* borrowed for the call; NULL = {} */
    char *body;                /* the request body, built for the first attempt (body_inline or
                                  heap) */
    size_t body_len;
    bool use_cache; /* the fallback cache serves and learns from this call */
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
    const char *auth_line; /* the Authorization line of this attempt; NULL = none yet */
    char *auth_owned;      /* auth_line's heap copy (wiped and freed), or NULL */
    struct eso__permit permit;
    bool have_permit;
    bool deadline_clipped;
    uint64_t wake_ns;
    enum eso__call_state state;
    char request_id[48]; /* "<client instance>-<call id>", sent as X-Request-Id */
    struct eso__request req;
    /* Last, and not zeroed at init: the body when it fits (every compiled-in document with
     * modest variables does), so a call makes no allocation of its own for it. */
    char body_inline[3072];
};

/*
 * Prepare a call; @p operation, @p document and @p variables are borrowed until
 * eso__call_finish(). @p res is zeroed and, on failure (ESO_BAD_ARGUMENT,
 * ESO_UNKNOWN_OPERATION), filled with the status; the call then needs no
 * eso__call_finish(). Allocates nothing.
 */
enum eso_status eso__call_init(struct eso__call *call, struct eso_client *c, const char *operation,
                               const char *document, const cJSON *variables,
                               struct eso_result *res);

/* As eso__call_init(), with @p tag (a static string) as reason of CALL_START/CALL_END. */
enum eso_status eso__call_init_tagged(struct eso__call *call, struct eso_client *c,
                                      const char *operation, const char *document,
                                      const cJSON *variables, struct eso_result *res,
                                      const char *tag);

/* Advance the call at @p now: what the driver is to do next. */
enum eso__step eso__call_next(struct eso__call *call, uint64_t now);

/* Feed the outcome of the attempt the last ESO__STEP_ATTEMPT asked for. */
void eso__call_complete(struct eso__call *call, struct eso__response *resp);

/* Feed the outcome of the token request the last ESO__STEP_TOKEN asked for. */
void eso__call_token_complete(struct eso__call *call, struct eso__response *resp);

/* Free what the call owns (not the result). */
void eso__call_finish(struct eso__call *call);

#endif
