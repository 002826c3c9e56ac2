/* The retry loop on a scripted transport and a fake clock: policy, Retry-After, deadline,
 * budget, breaker, idempotency, and the exact event sequence. No network, no sleeps. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <string.h>

#include "client_test_util.h"

static struct unit_env env;
static struct eso_client *client;
static struct eso_result res;

static void setup(void)
{
    unit_env_init(&env);
}

static void teardown(void)
{
    eso_result_finish(&res);
    eso_client_destroy(client);
    client = NULL;
}

static void create(void)
{
    char err[ESO_DETAIL_SIZE];
    cr_assert_eq(eso_client_create(&env.opts, &client, err), ESO_OK, "create: %s", err);
}

static enum eso_status guild(void)
{
    eso_result_finish(&res);
    cJSON *vars = cJSON_CreateObject();
    cJSON_AddNumberToObject(vars, "guildId", 3468);
    enum eso_status st = eso_query(client, "getGuildById", NULL, vars, &res);
    cJSON_Delete(vars);
    return st;
}

TestSuite(retry_loop, .init = setup, .fini = teardown);

Test(retry_loop, first_try_success_and_request_shape)
{
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    cr_assert_eq(res.attempts, 1, "one attempt");
    cr_assert_eq(res.http_status, 200, "HTTP 200");
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "guildData"), "data handed back");
    cr_assert_null(res.errors, "no errors");
    cr_assert(!res.from_cache, "fresh");
    cr_assert_str_eq(res.detail, "", "no detail on success");
    cJSON *body = cJSON_Parse(env.transport.last_body);
    cr_assert_not_null(body, "the request body is JSON: %s", env.transport.last_body);
    cr_assert_str_eq(cJSON_GetObjectItem(body, "operationName")->valuestring, "getGuildById", "op");
    cr_assert(strstr(cJSON_GetObjectItem(body, "query")->valuestring, "guild(id: $guildId)") !=
                  NULL,
              "the compiled-in document is sent");
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "variables"), "guildId")->valueint,
                 3468, "variables sent");
    cJSON_Delete(body);
    cr_assert_str_eq(env.transport.auth[0], "Bearer secret-bearer-token", "bearer sent");
    cr_assert(strchr(env.transport.last_request_id, '-') != NULL, "request id %s",
              env.transport.last_request_id);
    char kinds[512];
    cr_assert_str_eq(recorder_kinds(&env.rec, kinds, sizeof kinds),
                     "call_start,attempt_start,attempt_end,call_end", "events");
}

Test(retry_loop, retries_503_with_exact_events)
{
    scripted_add(&env.transport, (struct step){.status = 503, .take_ns = MS(10)});
    scripted_add(&env.transport, (struct step){.status = 503, .take_ns = MS(10)});
    create();
    cr_assert_eq(guild(), ESO_OK, "third attempt succeeds: %s", res.detail);
    cr_assert_eq(res.attempts, 3, "three attempts");
    char kinds[512];
    cr_assert_str_eq(recorder_kinds(&env.rec, kinds, sizeof kinds),
                     "call_start,attempt_start,attempt_end,retry_scheduled,attempt_start,"
                     "attempt_end,retry_scheduled,attempt_start,attempt_end,call_end",
                     "event sequence: %s", kinds);
    const struct rec_event *r1 = recorder_find(&env.rec, ESO_EV_RETRY_SCHEDULED, 0);
    const struct rec_event *r2 = recorder_find(&env.rec, ESO_EV_RETRY_SCHEDULED, 1);
    cr_assert_float_eq(r1->delay_ms, 100.0, 1e-9, "first delay");
    cr_assert_float_eq(r2->delay_ms, 200.0, 1e-9, "second delay");
    cr_assert_str_eq(r1->reason, "http_503", "reason names the failure");
    cr_assert_eq(r1->status, ESO_SERVER_ERROR, "status of the failed attempt");
    /* Request spacing on the fake clock: 10 ms attempt + 100 ms wait, 10 + 200. */
    cr_assert_eq(env.transport.at[1] - env.transport.at[0], MS(110), "spacing 1");
    cr_assert_eq(env.transport.at[2] - env.transport.at[1], MS(210), "spacing 2");
    cr_assert_eq(env.transport.attempt[2], 3, "attempt numbers reach the transport");
    const struct rec_event *end = recorder_find(&env.rec, ESO_EV_CALL_END, 0);
    cr_assert_float_eq(end->elapsed_ms, 320.0, 1e-9, "10 + 100 + 10 + 200 + 0 ms of fake time");
    cr_assert_float_eq(res.elapsed_ms, 320.0, 1e-9, "result elapsed");
}

Test(retry_loop, gives_up_after_max_attempts)
{
    env.opts.max_attempts = 3;
    for (int i = 0; i < 5; i++)
        scripted_add(&env.transport, (struct step){.status = 502});
    create();
    cr_assert_eq(guild(), ESO_SERVER_ERROR, "gives up with the 502");
    cr_assert_eq(res.attempts, 3, "max attempts");
    cr_assert_eq(res.http_status, 502, "last status");
    cr_assert(strstr(res.detail, "HTTP 502") != NULL, "detail: %s", res.detail);
    const struct rec_event *g = recorder_find(&env.rec, ESO_EV_GIVE_UP, 0);
    cr_assert_not_null(g, "give-up event");
    cr_assert_str_eq(g->reason, "attempts_exhausted", "reason");
}

Test(retry_loop, permanent_errors_are_not_retried)
{
    scripted_add(&env.transport, (struct step){.status = 404, .body = "not here"});
    create();
    cr_assert_eq(guild(), ESO_HTTP_ERROR, "404");
    cr_assert_eq(res.attempts, 1, "no retry");
    cr_assert_eq(env.clock.nsleeps, 0, "no sleep");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_GIVE_UP, 0)->reason, "permanent", "reason");

    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"errors\":[{\"message\":\"The limit argument must be "
                                       "between 1 and 100\"}],\"data\":null}"});
    cr_assert_eq(guild(), ESO_GRAPHQL_ERROR, "validation error");
    cr_assert_eq(res.attempts, 1, "no retry");
    cr_assert_not_null(res.errors, "errors handed back");
    cr_assert(strstr(res.detail, "limit argument must be") != NULL, "first message: %s",
              res.detail);
}

Test(retry_loop, status_500_only_when_enabled)
{
    scripted_add(&env.transport, (struct step){.status = 500});
    create();
    cr_assert_eq(guild(), ESO_SERVER_ERROR, "500 not retried by default");
    cr_assert_eq(res.attempts, 1, "one attempt");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_GIVE_UP, 0)->reason, "not_retryable", "why");
    eso_client_destroy(client);
    env.opts.retry_on = ESO_RETRY_DEFAULT | ESO_RETRY_500;
    scripted_add(&env.transport, (struct step){.status = 500});
    create();
    cr_assert_eq(guild(), ESO_OK, "retried when enabled");
    cr_assert_eq(res.attempts, 2, "two attempts");
}

Test(retry_loop, transient_graphql_error_is_retried)
{
    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"errors\":[{\"message\":\"Internal server error\"}]}"});
    create();
    cr_assert_eq(guild(), ESO_OK, "retried: %s", res.detail);
    cr_assert_eq(res.attempts, 2, "two attempts");
    cr_assert_null(res.errors, "errors of the failed attempt are not kept on success");
}

Test(retry_loop, retry_after_seconds_replaces_backoff)
{
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = "2"});
    create();
    cr_assert_eq(guild(), ESO_OK, "ok after waiting");
    cr_assert_eq(env.clock.nsleeps, 1, "one wait");
    cr_assert_eq(env.clock.sleeps[0], MS(2000), "exactly Retry-After");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_RETRY_SCHEDULED, 0)->reason, "retry_after",
                     "why");
}

Test(retry_loop, retry_after_http_date)
{
    char date[64];
    /* fake wall = 1700000000 + 1 s of fake monotonic time at start; 3 s later: */
    time_t when = (time_t)(env.clock.wall + 1 + 3);
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = date});
    scripted_add(&env.transport,
                 (struct step){.status = 503, .retry_after = "Wed, 21 Oct 2015 07:28:00 GMT"});
    create();
    cr_assert_eq(guild(), ESO_OK, "ok");
    cr_assert_eq(env.clock.sleeps[0], MS(3000), "waits until the date: %llu",
                 (unsigned long long)env.clock.sleeps[0]);
    cr_assert_eq(env.clock.nsleeps, 1, "a past date means no wait at all");
    cr_assert_eq(res.attempts, 3, "three attempts");
}

Test(retry_loop, retry_after_over_the_cap_fails_fast)
{
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = "3600"});
    create();
    cr_assert_eq(guild(), ESO_RATE_LIMITED, "rate limited");
    cr_assert_eq(res.attempts, 1, "no retry");
    cr_assert_eq(env.clock.nsleeps, 0, "no wait");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_GIVE_UP, 0)->reason, "retry_after_too_long",
                     "why");
    cr_assert(strstr(res.detail, "3600") != NULL, "detail says it: %s", res.detail);
}

Test(retry_loop, garbage_retry_after_falls_back_to_backoff)
{
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = "soon-ish"});
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = "-3"});
    create();
    cr_assert_eq(guild(), ESO_OK, "ok");
    cr_assert_eq(env.clock.sleeps[0], MS(100), "backoff 1");
    cr_assert_eq(env.clock.sleeps[1], MS(200), "backoff 2");
}

/* Issue 14.13 (every size limit): a Retry-After past its 128-byte buffer was cut, and a
 * cut value can read as another ("000...05" as 0 s). No valid one is that long. */
Test(retry_loop, overlong_retry_after_is_ignored)
{
    char ra[201];
    memset(ra, '0', 199);
    ra[199] = '5';
    ra[200] = '\0';
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = ra});
    create();
    cr_assert_eq(guild(), ESO_OK, "ok");
    cr_assert_eq(env.clock.sleeps[0], MS(100), "the backoff, not a cut Retry-After of 0 s: %llu",
                 (unsigned long long)env.clock.sleeps[0]);
    cr_assert_str_neq(recorder_find(&env.rec, ESO_EV_RETRY_SCHEDULED, 0)->reason, "retry_after",
                      "not read as Retry-After");
}

Test(retry_loop, wait_past_deadline_fails_fast)
{
    env.opts.deadline_ms = 250;
    for (int i = 0; i < 4; i++)
        scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(guild(), ESO_DEADLINE_EXCEEDED, "deadline");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "cause kept");
    cr_assert_eq(res.attempts, 2, "two attempts (0 ms, 100 ms); 300 ms would pass 250");
    cr_assert_eq(env.clock.nsleeps, 1, "the second wait was not slept");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_GIVE_UP, 0)->reason, "wait_past_deadline",
                     "why");
    struct eso_counters cnt;
    eso_client_counters(client, &cnt);
    cr_assert_eq(cnt.deadline_exceeded, 1, "counted");
}

Test(retry_loop, retry_after_past_deadline_fails_fast)
{
    env.opts.deadline_ms = 5000;
    scripted_add(&env.transport, (struct step){.status = 429, .retry_after = "10"});
    create();
    cr_assert_eq(guild(), ESO_DEADLINE_EXCEEDED, "a 10 s wait cannot fit in 5 s");
    cr_assert_eq(env.clock.nsleeps, 0, "no wait");
    cr_assert_eq(res.cause, ESO_RATE_LIMITED, "cause");
}

Test(retry_loop, attempt_timeout_is_clipped_to_the_deadline)
{
    env.opts.deadline_ms = 500;
    scripted_add(&env.transport,
                 (struct step){.curl = CURLE_OPERATION_TIMEDOUT, .sent = true, .take_ns = MS(500)});
    create();
    cr_assert_eq(guild(), ESO_DEADLINE_EXCEEDED, "deadline");
    cr_assert_eq(env.transport.last_timeout_ns, MS(500), "the attempt got only what was left");
    cr_assert_eq(res.curl_code, CURLE_OPERATION_TIMEDOUT, "curl 28 kept");
    cr_assert_eq(res.cause, ESO_TIMEOUT, "cause timeout");
}

Test(retry_loop, timeout_then_success)
{
    scripted_add(
        &env.transport,
        (struct step){.curl = CURLE_OPERATION_TIMEDOUT, .sent = true, .take_ns = MS(30000)});
    create();
    cr_assert_eq(guild(), ESO_OK, "ok after a timeout: %s", res.detail);
    cr_assert_eq(res.attempts, 2, "two attempts");
    const struct rec_event *e = recorder_find(&env.rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(e->curl_code, 28, "attempt 1 curl 28");
    cr_assert_str_eq(e->reason, "read_timeout", "read timeout");
}

Test(retry_loop, budget_stops_a_retry_storm)
{
    env.opts.budget_capacity = 10;
    env.opts.max_attempts = 3;
    for (int i = 0; i < 10; i++)
        scripted_add(&env.transport, (struct step){.status = 503});
    env.opts.breaker_disabled = true;
    create();
    cr_assert_eq(guild(), ESO_SERVER_ERROR, "first call spends 2 x 5 tokens");
    cr_assert_eq(res.attempts, 3, "three attempts");
    struct eso_counters cnt;
    eso_client_counters(client, &cnt);
    cr_assert_eq(cnt.budget_tokens, 0, "bucket empty");
    cr_assert_eq(guild(), ESO_BUDGET_EXHAUSTED, "no retry left");
    cr_assert_eq(res.attempts, 1, "only the first try");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "cause kept");
    eso_client_counters(client, &cnt);
    cr_assert_eq(cnt.budget_rejections, 1, "counted");
}

Test(retry_loop, breaker_opens_and_fails_fast_without_network)
{
    env.opts.breaker_threshold = 2;
    env.opts.max_attempts = 1;
    env.opts.breaker_cooldown_ms = 1000;
    env.opts.breaker_half_open_probes = 1;
    scripted_add(&env.transport, (struct step){.curl = CURLE_COULDNT_CONNECT});
    scripted_add(&env.transport, (struct step){.curl = CURLE_COULDNT_CONNECT});
    create();
    cr_assert_eq(guild(), ESO_CONNECT_FAILED, "1");
    cr_assert_eq(guild(), ESO_CONNECT_FAILED, "2");
    cr_assert_eq(eso_client_breaker_state(client), ESO_BREAKER_STATE_OPEN, "open");
    const struct rec_event *t = recorder_find(&env.rec, ESO_EV_BREAKER_TRANSITION, 0);
    cr_assert(t != NULL && t->from == ESO_BREAKER_STATE_CLOSED && t->to == ESO_BREAKER_STATE_OPEN,
              "transition reported");
    cr_assert_str_eq(t->reason, "consecutive_failures", "why");
    size_t calls = env.transport.calls;
    cr_assert_eq(guild(), ESO_BREAKER_OPEN, "fails fast");
    cr_assert_eq(env.transport.calls, calls, "no request was sent");
    cr_assert_eq(res.attempts, 0, "zero attempts");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_BREAKER_REJECTED), 1, "rejected event");
    /* Issue 15: the docs' "%s: %s" printed "circuit breaker open: circuit breaker open: ...". */
    char line[2 * ESO_DETAIL_SIZE];
    snprintf(line, sizeof line, "%s: %s", eso_strerror(res.status), res.detail);
    cr_assert_str_eq(line,
                     "circuit breaker open: failing fast, no request sent until the cool-down ends",
                     "one sentence: %s", line);
    env.clock.now += MS(1000);
    cr_assert_eq(guild(), ESO_OK, "the probe after the cool-down succeeds");
    cr_assert_eq(eso_client_breaker_state(client), ESO_BREAKER_STATE_CLOSED, "closed again");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_BREAKER_TRANSITION), 3, "open, half-open, closed");
}

Test(retry_loop, breaker_opening_mid_call_stops_retries)
{
    env.opts.breaker_threshold = 2;
    env.opts.max_attempts = 5;
    for (int i = 0; i < 5; i++)
        scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(guild(), ESO_BREAKER_OPEN, "breaker ends the call");
    cr_assert_eq(res.attempts, 2, "two attempts, then the gate refused");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "cause");
}

Test(retry_loop, mutations_are_not_retried_when_ambiguous)
{
    const char *doc = "mutation doIt { x }";
    scripted_add(&env.transport, (struct step){.status = 502});
    create();
    cr_assert_eq(eso_query(client, "doIt", doc, NULL, &res), ESO_SERVER_ERROR, "502");
    cr_assert_eq(res.attempts, 1, "a 502 may have been processed: no retry");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_GIVE_UP, 0)->reason, "not_idempotent", "why");
    eso_result_finish(&res);
    scripted_add(&env.transport, (struct step){.status = 503});
    scripted_add(&env.transport, (struct step){.curl = CURLE_COULDNT_CONNECT});
    cr_assert_eq(eso_query(client, "doIt", doc, NULL, &res), ESO_OK, "503 and connect retried");
    cr_assert_eq(res.attempts, 3, "three attempts");
}

Test(retry_loop, unknown_operation_and_bad_variables)
{
    create();
    cr_assert_eq(eso_query(client, "getNothing", NULL, NULL, &res), ESO_UNKNOWN_OPERATION,
                 "unknown");
    cr_assert(strstr(res.detail, "getNothing") != NULL, "detail names it");
    eso_result_finish(&res);
    cJSON *arr = cJSON_CreateArray();
    cr_assert_eq(eso_query(client, "getZones", NULL, arr, &res), ESO_BAD_ARGUMENT, "array vars");
    cJSON_Delete(arr);
    eso_result_finish(&res);
    cr_assert_eq(eso_query(client, NULL, NULL, NULL, &res), ESO_BAD_ARGUMENT, "nothing to run");
    cr_assert_eq(env.transport.calls, 0, "nothing sent");
}

Test(retry_loop, generic_query_with_own_document)
{
    create();
    cr_assert_eq(eso_query(client, NULL, "{ rateLimitData { limitPerHour } }", NULL, &res), ESO_OK,
                 "anonymous document");
    cJSON *body = cJSON_Parse(env.transport.last_body);
    cr_assert_null(cJSON_GetObjectItem(body, "operationName"), "no operationName when none");
    cJSON_Delete(body);
}

Test(retry_loop, response_too_large_is_permanent)
{
    env.opts.max_response_bytes = 10;
    create();
    cr_assert_eq(guild(), ESO_RESPONSE_TOO_LARGE, "body over 10 bytes");
    cr_assert_eq(res.attempts, 1, "not retried");
}

Test(retry_loop, counters_snapshot)
{
    scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(guild(), ESO_OK, "ok");
    cr_assert_eq(guild(), ESO_OK, "ok");
    struct eso_counters cnt;
    cr_assert_eq(eso_client_counters(client, &cnt), ESO_OK, "snapshot");
    cr_assert_eq(cnt.calls, 2, "calls");
    cr_assert_eq(cnt.calls_ok, 2, "ok");
    cr_assert_eq(cnt.attempts, 3, "attempts");
    cr_assert_eq(cnt.retries, 1, "retries");
    cr_assert_eq(cnt.budget_tokens, 500, "refunded back to full");
    cr_assert_eq(cnt.breaker_state, ESO_BREAKER_STATE_CLOSED, "closed");
}

Test(retry_loop, early_timeout_in_a_clipped_attempt_is_an_ordinary_timeout)
{
    env.opts.deadline_ms = 1000; /* clips the 30 s attempt timeout */
    scripted_add(&env.transport,
                 (struct step){.curl = CURLE_OPERATION_TIMEDOUT, .sent = true, .take_ns = MS(100)});
    create();
    cr_assert_eq(guild(), ESO_OK, "a read timeout long before the deadline is retried: %s",
                 res.detail);
    cr_assert_eq(res.attempts, 2, "two attempts");
    cr_assert_eq(env.transport.last_timeout_ns, MS(800),
                 "second attempt: 1000 - 100 - 100 ms left");
}

/* Audit: once the breaker opened mid-call, a retry was still scheduled: the caller slept
 * and spent budget only to be refused at the gate. */
Test(retry_loop, breaker_opened_by_an_attempt_ends_the_call_without_waiting)
{
    env.opts.breaker_threshold = 2;
    env.opts.max_attempts = 5;
    env.opts.fallback_cache = true;
    scripted_add(&env.transport, (struct step){.status = 200, .body = OK_BODY});
    for (int i = 0; i < 5; i++)
        scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(guild(), ESO_OK, "stored for the cache");
    env.rec.n = 0;
    struct eso_counters before;
    eso_client_counters(client, &before);
    size_t sleeps = env.clock.nsleeps;
    cr_assert_eq(guild(), ESO_OK, "the stale copy answers: %s", res.detail);
    cr_assert(res.from_cache, "from the cache");
    cr_assert_eq(res.attempts, 2, "two attempts, no third");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "cause: %s", eso_status_name(res.cause));
    cr_assert_eq(env.clock.nsleeps - sleeps, 1, "only the wait before attempt 2");
    cr_assert_eq(env.clock.sleeps[sleeps], MS(100), "that wait");
    struct eso_counters after;
    eso_client_counters(client, &after);
    cr_assert_eq(before.budget_tokens - after.budget_tokens, 5, "one retry's cost, not two");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_RETRY_SCHEDULED), 1, "one retry scheduled");
    char kinds[512];
    cr_assert_str_eq(recorder_kinds(&env.rec, kinds, sizeof kinds),
                     "call_start,attempt_start,attempt_end,retry_scheduled,attempt_start,"
                     "attempt_end,breaker_transition,breaker_rejected,give_up,cache_fallback,"
                     "call_end",
                     "attempt_end before the transition it caused: %s", kinds);
    const struct rec_event *g = recorder_find(&env.rec, ESO_EV_GIVE_UP, 0);
    cr_assert_eq(g->status, ESO_BREAKER_OPEN, "give_up says breaker_open");
    cr_assert_str_eq(g->reason, "breaker_open", "reason");
}

Test(retry_loop, retry_waits_for_a_breaker_whose_cooldown_ends_first)
{
    env.opts.breaker_threshold = 2;
    env.opts.max_attempts = 3;
    env.opts.breaker_cooldown_ms = 50; /* shorter than the 200 ms backoff before attempt 3 */
    env.opts.breaker_half_open_probes = 1;
    for (int i = 0; i < 2; i++)
        scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(guild(), ESO_OK, "the half-open probe succeeds: %s", res.detail);
    cr_assert_eq(res.attempts, 3, "three attempts");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_BREAKER_REJECTED), 0, "never refused");
    cr_assert_eq(eso_client_breaker_state(client), ESO_BREAKER_STATE_CLOSED, "closed again");
}
