/*
 * What scenario files cannot express: many threads against one breaker, the
 * retry budget capping a retry storm, token refresh under load, and the
 * fallback cache through an outage.
 *
 * These run beside the whole suite (meson test --num-processes 8 on 2 cores): no
 * assertion may depend on a real-time race. Attempt timeouts are far beyond what
 * an answer takes unless a timeout is the point, counts come from the client's
 * counters and the server's journal, and real-time windows (token lifetimes) are
 * hundreds of ms long.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <esoharness/fixture.h>

#include "harness_test_util.h"

static struct esoh_fixture *fx;

static void stop(void)
{
    esoh_fixture_stop(fx);
    fx = NULL;
}

TestSuite(targeted, .fini = stop, .timeout = 120);

#define THREADS 8
#define CALLS_PER_THREAD 25

struct worker {
    struct eso_client *client;
    unsigned ok, breaker_open, unauthorized, other;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        struct eso_result res = {0};
        enum eso_status rc = eso_query(w->client, "getZones", NULL, NULL, &res);
        if (rc == ESO_OK)
            w->ok++;
        else if (rc == ESO_BREAKER_OPEN)
            w->breaker_open++;
        else if (rc == ESO_UNAUTHORIZED || res.http_status == 401)
            w->unauthorized++;
        else
            w->other++;
        eso_result_finish(&res);
    }
    return NULL;
}

static void run_workers(struct worker *workers)
{
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.client = esoh_fixture_client(fx)};
        pthread_create(&threads[i], NULL, hammer, &workers[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
}

Test(targeted, concurrent_callers_share_one_breaker)
{
    /* A hard outage: 8 threads x 25 calls. Once the breaker opens, calls fail fast, so the
     * server sees only the calls made before it opened (and the probes after cool-downs). */
    struct eso_options client = {
        .max_attempts = 1,
        .breaker_threshold = 5,
        .breaker_cooldown_ms = 600000,
        .budget_disabled = true,
        .timeout_ms = 600000, /* a slow 503 is still a 503 */
    };
    fx = esoh_fixture_start(&(struct esoh_fixture_options){
        .scenario_json = "{\"name\":\"down\",\"rules\":[{\"match\":{\"operation\":\"*\"},"
                         "\"script\":[{\"action\":\"respond\","
                         "\"status\":503}]}]}",
        .time_scale = test_scale(0.05),
        .client = &client});
    struct worker workers[THREADS];
    run_workers(workers);
    unsigned ok = 0, open = 0, other = 0;
    for (int i = 0; i < THREADS; i++) {
        ok += workers[i].ok;
        open += workers[i].breaker_open;
        other += workers[i].other;
    }
    cr_assert_eq(ok, 0);
    cr_assert_eq(open + other, THREADS * CALLS_PER_THREAD);
    size_t reached = esoh_fixture_attempts(fx, "getZones");
    /* Threshold 5, plus calls already in flight when it opened: at most one per thread. */
    cr_assert_leq(reached, 5 + THREADS, "the server saw %zu requests", reached);
    cr_assert_geq(open, THREADS * CALLS_PER_THREAD - (5 + THREADS));
    struct eso_counters counters;
    eso_client_counters(esoh_fixture_client(fx), &counters);
    cr_assert_eq(counters.breaker_opens, 1, "one shared breaker opened once");
    cr_assert_eq(counters.breaker_rejections, open);
}

Test(targeted, retry_budget_caps_retries_in_a_sustained_outage)
{
    /* Without a budget, 100 calls x 4 attempts = 400 requests. With a bucket of 50 tokens
     * and 5 per retry, only 10 retries can be paid for: the ratio of requests to logical
     * calls must stay near 1. A retry after a timeout costs the same 5 here, and the first
     * answer comes after the client gave up on it (a timeout on purpose): the count of paid
     * retries holds whether an attempt times out or gets its 503, so a loaded machine that
     * slows an answer past the timeout changes nothing. (It used to: a timeout cost 10 and
     * 108 requests were seen where 110 were expected.) */
    struct eso_options client = {
        .max_attempts = 4,
        .initial_delay_ms = 10,
        .jitter = ESO_JITTER_NONE,
        .breaker_disabled = true,
        .budget_capacity = 50,
        .budget_retry_cost = 5,
        .budget_timeout_cost = 5,
        .timeout_ms = 5000,
    };
    fx = esoh_fixture_start(&(struct esoh_fixture_options){
        .scenario_json = "{\"name\":\"down\",\"rules\":[{\"match\":{\"operation\":\"*\"},"
                         "\"script\":[{\"times\":1,\"action\":\"respond\",\"status\":503,"
                         "\"delay_ms\":20000},{\"action\":\"respond\",\"status\":503}]}]}",
        .time_scale = test_scale(0.01),
        .client = &client});
    const unsigned calls = 100;
    unsigned exhausted = 0;
    for (unsigned i = 0; i < calls; i++) {
        struct eso_result res = {0};
        enum eso_status rc = eso_query(esoh_fixture_client(fx), "getZones", NULL, NULL, &res);
        cr_assert_neq(rc, ESO_OK);
        exhausted += rc == ESO_BUDGET_EXHAUSTED || res.cause == ESO_BUDGET_EXHAUSTED;
        eso_result_finish(&res);
    }
    struct eso_counters counters;
    eso_client_counters(esoh_fixture_client(fx), &counters);
    cr_assert_eq(counters.retries, 10,
                 "the 50-token budget paid for 10 retries at 5 each, got %llu",
                 (unsigned long long)counters.retries);
    cr_assert_eq(counters.attempts, calls + counters.retries, "%llu attempts",
                 (unsigned long long)counters.attempts);
    size_t requests = esoh_fixture_attempts(fx, "getZones");
    cr_assert(requests >= calls && requests <= counters.attempts,
              "the server saw %zu requests for %u calls and %llu attempts", requests, calls,
              (unsigned long long)counters.attempts);
    double ratio = (double)requests / calls;
    cr_assert_leq(ratio, 1.2, "%zu requests for %u calls (ratio %.2f): the budget caps retries",
                  requests, calls, ratio);
    cr_assert_gt(counters.budget_rejections, 0);
    cr_assert_gt(exhausted, 0, "calls report the exhausted budget");
    size_t n = 0, timeouts = 0;
    struct esoh_fixture_event *events = esoh_fixture_events(fx, &n);
    for (size_t i = 0; i < n; i++)
        timeouts += events[i].kind == ESO_EV_ATTEMPT_END && events[i].status == ESO_TIMEOUT;
    free(events);
    cr_assert_geq(timeouts, 1, "the delayed first answer timed out");
}

Test(targeted, token_refresh_under_load)
{
    /* Tokens live 1 scenario second and the client renews them half-way (the margin is capped
     * at half the lifetime); pacing spaces the 200 calls of 8 threads 20 ms apart, so they span
     * about 4 s: four lifetimes, eight renewals. The threads must share each refresh (one fetch in
     * flight at a time), and no 401 of the strict server may reach a caller.
     * A 401 reaches a caller only if a call's attempt arrives after its token expired twice
     * over (the client refreshes once per call): at scale 0.25 a token lives 250 ms of real
     * time and is renewed 125 ms before that, a margin no scheduling stall of a loaded
     * machine comes near (at 0.05 it was 25 ms). The run takes about 1 s. */
    struct eso_options client = {
        .max_attempts = 3,
        .initial_delay_ms = 10,
        .breaker_disabled = true,
        .timeout_ms = 600000, /* a slow answer is not what this test is about */
        .token_refresh_margin_ms = 500,
        .min_interval_ms = 20,
    };
    fx = esoh_fixture_start(&(struct esoh_fixture_options){
        .scenario_json = "{\"name\":\"short-tokens\",\"settings\":{\"strict_auth\":true,"
                         "\"token_ttl_s\":1},\"rules\":[]}",
        .time_scale = under_valgrind() ? 1.0 : 0.25,
        .client = &client});
    struct worker workers[THREADS];
    run_workers(workers);
    unsigned ok = 0, unauthorized = 0;
    for (int i = 0; i < THREADS; i++) {
        ok += workers[i].ok;
        unauthorized += workers[i].unauthorized;
    }
    cr_assert_eq(unauthorized, 0, "%u calls ended in a 401", unauthorized);
    cr_assert_eq(ok, THREADS * CALLS_PER_THREAD, "every call succeeded through token expiry");

    /* What the server saw: the API calls' span in scenario time, and the token requests. */
    size_t n = 0, token_requests = 0;
    double first_ms = -1, last_ms = 0;
    struct esomock_journal_entry *e = NULL; /* the fixture's helper leaves token requests out */
    cr_assert_eq(esomock_server_journal(esoh_fixture_server(fx), NULL, &e, &n), ESOMOCK_OK);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].path, "/oauth/token") == 0) {
            token_requests++;
        } else {
            first_ms = first_ms < 0 ? e[i].t_ms : first_ms;
            last_ms = e[i].t_ms;
        }
    }
    free(e);
    cr_assert_eq(esomock_server_journal_dropped(esoh_fixture_server(fx)), 0, "journal complete");
    struct eso_counters counters;
    eso_client_counters(esoh_fixture_client(fx), &counters);
    unsigned long long fetches = counters.token_fetches;
    cr_assert_eq(token_requests, fetches, "the server saw %zu token requests, the client %llu",
                 token_requests, fetches);

    double span_ms = (last_ms - first_ms) / esoh_fixture_time_scale(fx); /* t_ms is real time */
    cr_assert_geq(span_ms, 199 * 20 * 0.9, "pacing spread the calls (%.0f scenario ms)", span_ms);
    cr_assert_geq(fetches, 3, "tokens were refreshed as they aged (%llu fetches in %.0f ms)",
                  fetches, span_ms);
    cr_log_info("%llu token fetches, %llu invalidations over %.0f scenario ms", fetches,
                (unsigned long long)counters.token_invalidations, span_ms);
    /* One fetch per half-lifetime (500 ms), plus one after each 401 the client absorbed; 50%
     * slack for scheduling. A refresh per thread would be 8 times that. */
    double bound = 1.5 * span_ms / 500 + 2 + (double)counters.token_invalidations;
    cr_assert_leq((double)fetches, bound,
                  "%llu fetches in %.0f scenario ms (%llu after a 401): threads share a refresh",
                  fetches, span_ms, (unsigned long long)counters.token_invalidations);
}

Test(targeted, fallback_cache_serves_through_an_outage)
{
    /* The first call succeeds and is cached; then the outage scenario is put in force
     * and later calls get the stale answer, flagged, with the failure that caused it. */
    struct eso_options client = {
        .max_attempts = 2,
        .initial_delay_ms = 10,
        .breaker_disabled = true,
        .fallback_cache = true,
        .cache_max_age_ms = 6000000, /* stale, never expired, however slow the machine */
        .timeout_ms = 600000,        /* so the outage answers 503, never a timeout */
    };
    fx = esoh_fixture_start(
        &(struct esoh_fixture_options){.time_scale = test_scale(0.02), .client = &client});
    cJSON *vars = cJSON_Parse("{\"guildId\":3468}");
    struct eso_result res = {0};
    cr_assert_eq(eso_query(esoh_fixture_client(fx), "getGuildById", NULL, vars, &res), ESO_OK);
    cr_assert(!res.from_cache);
    char *fresh = cJSON_PrintUnformatted(res.data);
    eso_result_finish(&res);

    static const char outage[] =
        "{\"name\":\"outage\",\"rules\":[{\"match\":{\"operation\":\"*\"},\"script\":[{\"action\":"
        "\"respond\",\"status\":503}]}]}";
    struct esomock_problems *problems = esomock_problems_create();
    cr_assert_eq(esomock_server_load_scenario(esoh_fixture_server(fx), outage, strlen(outage), NULL,
                                              problems),
                 ESOMOCK_OK, "%s", esomock_problems_text(problems));
    esomock_problems_destroy(problems);

    cr_assert_eq(eso_query(esoh_fixture_client(fx), "getGuildById", NULL, vars, &res), ESO_OK, "%s",
                 res.detail);
    cr_assert(res.from_cache, "the stale answer is flagged");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "and says why: %s", eso_status_name(res.cause));
    char *stale = cJSON_PrintUnformatted(res.data);
    cr_assert_str_eq(stale, fresh, "the cached answer is the last good one");
    eso_result_finish(&res);

    cJSON *other = cJSON_Parse("{\"guildId\":1}");
    cr_assert_eq(eso_query(esoh_fixture_client(fx), "getGuildById", NULL, other, &res),
                 ESO_SERVER_ERROR, "no cache entry for other variables: the error stands");
    eso_result_finish(&res);
    cJSON_Delete(other);
    free(stale);
    free(fresh);
    cJSON_Delete(vars);
}
