/* The client handle: create, destroy, the blocking call path, counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include <esologs/operations.h>
#include <esologs/version.h>

#include "call_private.h"
#include "client_private.h"
#include "driver_private.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void init_curl(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static const char *env_or(const char *value, const char *env)
{
    if (value != NULL)
        return value;
    const char *e = getenv(env);
    return e != NULL && *e != '\0' ? e : NULL;
}

enum eso_status eso_client_create(const struct eso_options *opts, struct eso_client **out,
                                  char *err)
{
    enum eso_status rc = ESO_BAD_ARGUMENT;
    struct eso_options o;
    struct eso__breaker_config bc;
    if (err != NULL)
        err[0] = '\0';
    if (out == NULL)
        return ESO_BAD_ARGUMENT;
    struct eso_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return ESO_OUT_OF_MEMORY;
    rc = eso__options_resolve(opts, c, &bc, &o, err);
    if (rc != ESO_OK)
        goto fail_alloc;

    pthread_once(&curl_once, init_curl);
    if (o.transport == NULL && curl_init_rc != CURLE_OK) {
        rc = ESO_TRANSPORT;
        if (err != NULL)
            snprintf(err, ESO_DETAIL_SIZE, "curl_global_init: %s",
                     curl_easy_strerror(curl_init_rc));
        goto fail_alloc;
    }

    eso__clock_init(&c->clock, o.clock, o.time_scale);
    pthread_mutex_init(&c->rng_lock, NULL);
    uint64_t seed =
        o.seed != 0 ? o.seed : eso__real_now_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)c;
    eso__rng_seed(&c->rng, seed);
    if (o.random != NULL && o.random->next != NULL) {
        c->random = *o.random;
    } else {
        c->random.next = eso__rng_next;
        c->random.userdata = &c->rng;
    }
    c->instance = (unsigned)(eso__client_random(c) >> 32);
    eso__events_init(&c->events, o.on_event, o.event_userdata);
    c->events.scrub = eso__auth_scrub;
    c->events.scrub_ud = &c->auth;

    rc = ESO_OUT_OF_MEMORY;
    if (eso__breaker_init(&c->breaker, &bc) != 0)
        goto fail_rng;
    eso__budget_init(&c->budget, o.budget_disabled, o.budget_capacity, o.budget_retry_cost,
                     o.budget_timeout_cost, o.budget_success_refund);
    eso__pacing_init(&c->pacing, eso__scale_ms(o.time_scale, o.min_interval_ms), o.points_aware,
                     o.points_reserve_pct, o.time_scale);
    eso__cache_init(&c->cache, o.fallback_cache, eso__scale_ms(o.time_scale, o.cache_max_age_ms),
                    o.cache_max_entries);
    if (eso__auth_init(&c->auth, o.bearer_token, env_or(o.client_id, "ESOLOGS_ID"),
                       env_or(o.client_secret, "ESOLOGS_SECRET"),
                       o.token_url != NULL ? o.token_url : ESO_DEFAULT_TOKEN_URL, o.time_scale,
                       eso__scale_ms(o.time_scale, o.token_refresh_margin_ms)) != 0)
        goto fail_state;
    char ua[64];
    snprintf(ua, sizeof ua, "libesologs/%s", ESO_VERSION_STR);
    if (eso__transport_init(&c->transport, o.transport, &c->clock,
                            o.user_agent != NULL ? o.user_agent : ua, o.max_response_bytes,
                            o.max_connections, o.max_keepalive,
                            eso__scale_ms(o.time_scale, o.pool_timeout_ms)) != 0)
        goto fail_auth;
    c->api_url = strdup(o.api_url != NULL ? o.api_url : ESO_DEFAULT_API_URL);
    if (c->api_url == NULL)
        goto fail_transport;
    *out = c;
    return ESO_OK;

fail_transport:
    eso__transport_finish(&c->transport);
fail_auth:
    eso__auth_finish(&c->auth);
fail_state:
    eso__cache_finish(&c->cache);
    eso__pacing_finish(&c->pacing);
    eso__budget_finish(&c->budget);
    eso__breaker_finish(&c->breaker);
fail_rng:
    pthread_mutex_destroy(&c->rng_lock);
fail_alloc:
    free(c);
    return rc;
}

static enum eso_status create_with(double timeout_s, unsigned max_attempts, struct eso_client **out)
{
    if (out == NULL || !(timeout_s > 0) || timeout_s > 4e6)
        return ESO_BAD_ARGUMENT;
    struct eso_options o;
    memset(&o, 0, sizeof o);
    o.timeout_ms = (uint32_t)(timeout_s * 1000.0 + 0.5);
    if (o.timeout_ms == 0)
        o.timeout_ms = 1;
    o.read_timeout_ms = o.timeout_ms;
    o.max_attempts = max_attempts;
    return eso_client_create(&o, out, NULL);
}

enum eso_status eso_client_create_resilient(double timeout_s, unsigned max_retries,
                                            struct eso_client **out)
{
    if (max_retries >= 1000)
        return ESO_BAD_ARGUMENT;
    return create_with(timeout_s, max_retries + 1, out);
}

enum eso_status eso_client_create_with_timeout(double timeout_s, struct eso_client **out)
{
    return create_with(timeout_s, 0, out);
}

void eso_client_destroy(struct eso_client *c)
{
    if (c == NULL)
        return;
    free(c->api_url);
    eso__transport_finish(&c->transport);
    eso__auth_finish(&c->auth);
    eso__cache_finish(&c->cache);
    eso__pacing_finish(&c->pacing);
    eso__budget_finish(&c->budget);
    eso__breaker_finish(&c->breaker);
    pthread_mutex_destroy(&c->rng_lock);
    free(c);
}

void eso__client_refresh_points(struct eso_client *c, const char *operation,
                                const struct eso__call *parent, uint64_t deadline_ns)
{
    if (!c->points_aware || (operation != NULL && strcmp(operation, "getRateLimitData") == 0))
        return;
    uint64_t now = eso__clock_now(&c->clock);
    if (deadline_ns <= now || eso__breaker_state(&c->breaker) != ESO_BREAKER_STATE_CLOSED ||
        !eso__pacing_refresh_begin(&c->pacing, now, c->points_refresh_ns))
        return;
    struct eso_result res;
    struct eso__call call;
    /* Its own call (events tagged reason "pacing_refresh"), so logs show what it cost. */
    enum eso_status st =
        eso__call_init_tagged(&call, c, "getRateLimitData", NULL, NULL, &res, "pacing_refresh");
    if (st == ESO_OK) {
        call.max_tries = 1;
        uint64_t half = now + (deadline_ns - now) / 2;
        if (half < call.deadline_ns)
            call.deadline_ns = half;
        call.use_cache = false; /* a stale copy would teach pacing nothing */
        eso__drive_blocking(&call);
        eso__call_finish(&call);
        st = res.status;
    }
    uint64_t end = eso__clock_now(&c->clock);
    bool ok = eso__pacing_refresh_end(&c->pacing, now, end, st == ESO_OK, c->points_refresh_ns);

    struct eso_event ev = {0};
    ev.kind = ESO_EV_PACING_REFRESH;
    ev.call_id = parent != NULL ? parent->id : 0;
    ev.operation = parent != NULL ? parent->operation : "";
    ev.elapsed_ms = parent != NULL ? (double)(end - parent->start_ns) / 1e6 : 0;
    ev.status = st == ESO_OK && !ok ? ESO_MALFORMED_JSON : st; /* answered, but no data */
    ev.attempt = res.attempts;
    ev.http_status = res.http_status;
    ev.curl_code = res.curl_code;
    ev.duration_ms = (double)(end - now) / 1e6;
    ev.reason = ok ? "ok" : "failed_backing_off";
    ev.detail = ok ? "" : res.detail;
    eso__emit(&c->events, &ev);
    eso_result_finish(&res);
}

enum eso_status eso_query(struct eso_client *c, const char *operation, const char *document,
                          const cJSON *variables, struct eso_result *res)
{
    if (res == NULL)
        return ESO_BAD_ARGUMENT;
    if (c == NULL || ((operation == NULL || *operation == '\0') && document == NULL)) {
        memset(res, 0, sizeof *res);
        res->status = ESO_BAD_ARGUMENT;
        res->cause = ESO_BAD_ARGUMENT;
        snprintf(res->detail, sizeof res->detail, "%s",
                 c == NULL ? "NULL client" : "an operation name or a document is required");
        return ESO_BAD_ARGUMENT;
    }
    struct eso__call call;
    enum eso_status rc = eso__call_init(&call, c, operation, document, variables, res);
    if (rc != ESO_OK)
        return rc;
    eso__client_refresh_points(c, operation, &call, call.deadline_ns);
    eso__drive_blocking(&call);
    eso__call_finish(&call);
    return res->status;
}

enum eso_status eso_client_counters(struct eso_client *c, struct eso_counters *out)
{
    if (c == NULL || out == NULL)
        return ESO_BAD_ARGUMENT;
    struct eso_counters snap;
    memset(&snap, 0, sizeof snap);
    eso__events_snapshot(&c->events, &snap);
    snap.budget_tokens = eso__budget_tokens(&c->budget);
    snap.breaker_state = eso__breaker_state(&c->breaker);
    *out = snap;
    return ESO_OK;
}

enum eso_breaker_state eso_client_breaker_state(struct eso_client *c)
{
    return c != NULL ? eso__breaker_state(&c->breaker) : ESO_BREAKER_STATE_CLOSED;
}

double eso_client_time_scale(const struct eso_client *c)
{
    return c != NULL ? c->clock.scale : 0.0;
}

enum eso_status eso_client_cache_clear(struct eso_client *c)
{
    if (c == NULL)
        return ESO_BAD_ARGUMENT;
    eso__cache_clear(&c->cache);
    return ESO_OK;
}

enum eso_status eso_client_note_rate_limit(struct eso_client *c, double limit_per_hour,
                                           double points_spent_this_hour, double points_reset_in_s)
{
    if (c == NULL || !(limit_per_hour >= 0) || !(points_spent_this_hour >= 0) ||
        !(points_reset_in_s >= 0) || limit_per_hour > 1e12 || points_spent_this_hour > 1e12 ||
        points_reset_in_s > 1e9)
        return ESO_BAD_ARGUMENT;
    eso__pacing_observe(&c->pacing, eso__clock_now(&c->clock), limit_per_hour,
                        points_spent_this_hour, points_reset_in_s);
    return ESO_OK;
}
