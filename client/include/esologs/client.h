/*
 * The resilient ESO Logs API client.
 *
 * A call runs one way: breaker gate -> pacing -> attempt (libcurl, pooled
 * keep-alive connection) -> classify -> retry decision (policy, Retry-After,
 * budget, deadline) -> events; on a transient failure the optional fallback
 * cache may answer with a stale copy.
 *
 * Thread safety: a struct eso_client may be shared by any number of threads;
 * every function taking one is thread-safe, except eso_client_destroy(), which
 * must run after every other call on the handle has returned. The breaker, the
 * retry budget, pacing, the token and the cache are shared state of the client.
 * A struct eso_result belongs to one thread at a time.
 */
#ifndef ESOLOGS_CLIENT_H
#define ESOLOGS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <esologs/events.h>
#include <esologs/export.h>
#include <esologs/options.h>
#include <esologs/result.h>
#include <esologs/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct eso_client;

/**
 * Create a client.
 * @param opts  configuration; NULL = all defaults. Read once; strings are copied.
 * @param out   receives the client, set only on ESO_OK; free with eso_client_destroy().
 * @param err   optional buffer of ESO_DETAIL_SIZE bytes naming the bad option; may be NULL.
 * @return ESO_OK, ESO_BAD_ARGUMENT (an option out of range), ESO_OUT_OF_MEMORY,
 *         ESO_TRANSPORT (libcurl could not be initialised).
 */
ESO_API enum eso_status eso_client_create(const struct eso_options *opts, struct eso_client **out,
                                          char *err);

/**
 * The seed's create_resilient_client(timeout, max_retries): defaults, with a total
 * attempt timeout of @p timeout_s seconds (read timeout the same) and @p max_retries
 * retries (max_attempts = max_retries + 1).
 * @param out  set only on ESO_OK; free with eso_client_destroy().
 * @return as eso_client_create(); ESO_BAD_ARGUMENT for timeout_s <= 0 or > 4e6.
 */
ESO_API enum eso_status eso_client_create_resilient(double timeout_s, unsigned max_retries,
                                                    struct eso_client **out);

/**
 * The seed's create_client_with_timeout(timeout): defaults, with a total attempt
 * timeout of @p timeout_s seconds (read timeout the same).
 * @param out  set only on ESO_OK; free with eso_client_destroy().
 * @return as eso_client_create_resilient().
 */
ESO_API enum eso_status eso_client_create_with_timeout(double timeout_s, struct eso_client **out);

/**
 * Close every connection and free the client. NULL is a no-op. The handle is
 * invalid afterwards; no other thread may be using it.
 */
ESO_API void eso_client_destroy(struct eso_client *client);

/**
 * Run one GraphQL query with the full resilience pipeline.
 * @param operation  operationName; with @p document NULL it also selects the
 *                   compiled-in document. Borrowed for the call.
 * @param document   the query text; NULL = the registry's document for @p operation.
 * @param variables  JSON object of variables; NULL = {}. Borrowed, not modified.
 * @param res        caller's result, always filled (also on failure); release with
 *                   eso_result_finish(). Must not hold data from a previous call.
 * @return res->status: ESO_OK when res->data is usable (fresh, or stale with
 *         res->from_cache), else the failure (see docs/client.md for the table).
 */
ESO_API enum eso_status eso_query(struct eso_client *client, const char *operation,
                                  const char *document, const cJSON *variables,
                                  struct eso_result *res);

/* One query of a batch. The inputs are borrowed for the eso_batch() call. */
struct eso_batch_item {
    const char *operation;  /* as eso_query() */
    const char *document;   /* NULL = the registry's */
    const cJSON *variables; /* NULL = {} */
    void *reserved[4]; /* must be NULL: room for later inputs (see "Reserved space", options.h) */
    struct eso_result result; /* filled by eso_batch(); release with eso_result_finish() */
};

/**
 * Run @p count queries concurrently on one libcurl multi handle, at most
 * @p concurrency at a time, each with its own retry state (they share the
 * client's breaker, budget, pacing, token and cache).
 * @param concurrency  0 = 8; capped at max_connections.
 * @return ESO_OK once every item has run (each item's result says how it went),
 *         ESO_BAD_ARGUMENT (also an item whose reserved space is not zero),
 *         ESO_OUT_OF_MEMORY (no item ran).
 */
ESO_API enum eso_status eso_batch(struct eso_client *client, struct eso_batch_item *items,
                                  size_t count, unsigned concurrency);

/**
 * Copy the client's counters into @p out.
 * @return ESO_OK or ESO_BAD_ARGUMENT; @p out set only on ESO_OK.
 */
ESO_API enum eso_status eso_client_counters(struct eso_client *client, struct eso_counters *out);

/**
 * The breaker's state now (an open breaker whose cool-down ended still reads
 * open until a call probes it).
 * @return the state; ESO_BREAKER_STATE_CLOSED for NULL.
 */
ESO_API enum eso_breaker_state eso_client_breaker_state(struct eso_client *client);

/**
 * The time scale in force (option, else $ESO_TIME_SCALE, else 1).
 * @return the factor; 0 for NULL.
 */
ESO_API double eso_client_time_scale(const struct eso_client *client);

/**
 * Drop every entry of the fallback cache.
 * @return ESO_OK or ESO_BAD_ARGUMENT.
 */
ESO_API enum eso_status eso_client_cache_clear(struct eso_client *client);

/**
 * Feed points-aware pacing with rateLimitData the caller obtained itself (the
 * client also picks it up from any answer whose data holds rateLimitData).
 * @return ESO_OK or ESO_BAD_ARGUMENT (negative or non-finite values).
 */
ESO_API enum eso_status eso_client_note_rate_limit(struct eso_client *client, double limit_per_hour,
                                                   double points_spent_this_hour,
                                                   double points_reset_in_s);

#ifdef __cplusplus
}
#endif

#endif
