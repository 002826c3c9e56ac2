/* Auth, the fallback cache, pacing, batch, redaction and the event loggers, on the scripted
 * transport and the fake clock. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_private.h"
#include "client_test_util.h"
#include "events_private.h"
#include "pacing_private.h"
#include "driver_private.h"
#include "redact_private.h"
#include "transport_private.h"

static struct unit_env env;
static struct eso_client *client;
static struct eso_result res;

static void setup(void)
{
    unit_env_init(&env);
    unsetenv("ESOLOGS_ID");
    unsetenv("ESOLOGS_SECRET");
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

static enum eso_status guild(int id)
{
    eso_result_finish(&res);
    return eso_get_guild_by_id(client, id, &res);
}

static void use_credentials(void)
{
    env.opts.bearer_token = NULL;
    env.opts.client_id = "client-id-1";
    env.opts.client_secret = "sec-XYZ-987";
    env.opts.token_url = "http://unit.test/oauth/token";
}

#define TOKEN(t, exp)                                                                              \
    (struct step)                                                                                  \
    {                                                                                              \
        .status = 200,                                                                             \
        .body = "{\"token_type\":\"Bearer\",\"expires_in\":" #exp ",\"access_token\":\"" t "\"}"   \
    }

TestSuite(auth, .init = setup, .fini = teardown);

Test(auth, token_fetched_once_and_cached)
{
    use_credentials();
    scripted_add_token(&env.transport, TOKEN("tok-A", 3600));
    create();
    for (int i = 0; i < 3; i++)
        cr_assert_eq(guild(1), ESO_OK, "call %d", i);
    cr_assert_eq(env.transport.token_calls, 1, "one token request for three calls");
    cr_assert_str_eq(env.transport.auth[2], "Bearer tok-A", "cached token used");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_TOKEN_FETCH), 1, "token_fetch event");
}

Test(auth, token_renewed_shortly_before_expiry)
{
    use_credentials();
    scripted_add_token(&env.transport, TOKEN("tok-A", 100));
    scripted_add_token(&env.transport, TOKEN("tok-B", 100));
    create();
    cr_assert_eq(guild(1), ESO_OK, "first");
    env.clock.now += MS(49000);
    cr_assert_eq(guild(1), ESO_OK, "49 s later: still the old token");
    cr_assert_eq(env.transport.token_calls, 1, "not renewed yet");
    env.clock.now += MS(2000);
    cr_assert_eq(guild(1), ESO_OK, "51 s: past lifetime - margin (100 - min(60, 50))");
    cr_assert_eq(env.transport.token_calls, 2, "renewed");
    cr_assert_str_eq(env.transport.auth[2], "Bearer tok-B", "new token used");
}

Test(auth, a_401_refreshes_the_token_once)
{
    use_credentials();
    scripted_add_token(&env.transport, TOKEN("tok-A", 3600));
    scripted_add_token(&env.transport, TOKEN("tok-B", 3600));
    scripted_add(&env.transport,
                 (struct step){.status = 401, .body = "{\"error\":\"Unauthenticated.\"}"});
    create();
    cr_assert_eq(guild(1), ESO_OK, "ok after refresh: %s", res.detail);
    cr_assert_eq(env.transport.token_calls, 2, "refreshed");
    cr_assert_str_eq(env.transport.auth[0], "Bearer tok-A", "first token");
    cr_assert_str_eq(env.transport.auth[1], "Bearer tok-B", "second token");
    cr_assert_eq(env.clock.nsleeps, 0, "no backoff for a refresh");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_TOKEN_INVALIDATED), 1, "invalidated event");
}

Test(auth, a_second_401_is_final)
{
    use_credentials();
    scripted_add(&env.transport, (struct step){.status = 401});
    scripted_add(&env.transport, (struct step){.status = 401});
    create();
    cr_assert_eq(guild(1), ESO_UNAUTHORIZED, "still 401 after the refresh");
    cr_assert_eq(res.attempts, 2, "two attempts");
    cr_assert_eq(env.transport.token_calls, 2, "one refresh only");
}

Test(auth, bearer_token_401_is_final)
{
    scripted_add(&env.transport, (struct step){.status = 401});
    create();
    cr_assert_eq(guild(1), ESO_UNAUTHORIZED, "caller's token: nothing to refresh");
    cr_assert_eq(res.attempts, 1, "one attempt");
    cr_assert_eq(env.transport.token_calls, 0, "no token request");
}

Test(auth, token_endpoint_refusal_is_permanent)
{
    use_credentials();
    scripted_add_token(&env.transport,
                       (struct step){.status = 401, .body = "{\"error\":\"invalid_client\"}"});
    create();
    cr_assert_eq(guild(1), ESO_AUTH_FAILED, "refused");
    cr_assert_eq(env.transport.calls, 0, "the API was never called");
    cr_assert_eq(res.attempts, 0, "no API attempt");
}

Test(auth, token_endpoint_outage_is_retried)
{
    use_credentials();
    scripted_add_token(&env.transport, (struct step){.status = 503});
    scripted_add_token(&env.transport, (struct step){.curl = CURLE_COULDNT_CONNECT});
    scripted_add_token(&env.transport, TOKEN("tok-C", 3600));
    create();
    cr_assert_eq(guild(1), ESO_OK, "third token try works: %s", res.detail);
    cr_assert_eq(env.transport.token_calls, 3, "three token requests");
    cr_assert_eq(env.clock.nsleeps, 2, "backoff between them");
    cr_assert_eq(res.attempts, 1, "one API attempt");
}

Test(auth, credentials_from_environment)
{
    env.opts.bearer_token = NULL;
    setenv("ESOLOGS_ID", "env-id", 1);
    setenv("ESOLOGS_SECRET", "env-secret", 1);
    create();
    cr_assert_eq(guild(1), ESO_OK, "env credentials work");
    cr_assert_eq(env.transport.token_calls, 1, "token fetched");
}

Test(auth, no_credentials)
{
    env.opts.bearer_token = NULL;
    create();
    cr_assert_eq(guild(1), ESO_NO_CREDENTIALS, "no way to authenticate");
    cr_assert_eq(env.transport.calls + env.transport.token_calls, 0, "nothing sent");
}

Test(auth, secrets_never_reach_events_or_details)
{
    use_credentials();
    scripted_add_token(&env.transport, TOKEN("tok-SECRET-123", 3600));
    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"errors\":[{\"message\":\"bad token tok-SECRET-123 for "
                                       "sec-XYZ-987 (Bearer tok-SECRET-123)\"}]}"});
    create();
    cr_assert_eq(guild(1), ESO_GRAPHQL_ERROR, "error echoing secrets");
    cr_assert(strstr(res.detail, "tok-SECRET-123") == NULL, "token scrubbed: %s", res.detail);
    cr_assert(strstr(res.detail, "sec-XYZ-987") == NULL, "secret scrubbed: %s", res.detail);
    cr_assert(strstr(res.detail, "[redacted]") != NULL, "marked: %s", res.detail);
    for (size_t i = 0; i < env.rec.n; i++) {
        cr_assert(strstr(env.rec.ev[i].json, "tok-SECRET-123") == NULL, "event %zu: %s", i,
                  env.rec.ev[i].json);
        cr_assert(strstr(env.rec.ev[i].json, "sec-XYZ-987") == NULL, "event %zu", i);
        cr_assert(strstr(env.rec.ev[i].json, "Basic ") == NULL, "event %zu", i);
    }
}

/* Issue 14.1: after a token fetch that timed out, the wait before the next one was
 * measured from before the fetch (fetch time + delay), so the call slept past its
 * deadline and ended there late by up to one attempt timeout. */
Test(auth, deadline_holds_after_a_token_fetch_times_out)
{
    use_credentials();
    env.opts.timeout_ms = 1000;
    env.opts.deadline_ms = 1500;
    scripted_add_token(&env.transport, (struct step){.hang = true});
    scripted_add_token(&env.transport, (struct step){.hang = true});
    create();
    uint64_t t0 = env.clock.now;
    cr_assert_eq(guild(1), ESO_DEADLINE_EXCEEDED, "the deadline ends it: %s", res.detail);
    cr_assert_eq(env.clock.sleeps[0], MS(100), "the 100 ms backoff, not fetch time + backoff: %llu",
                 (unsigned long long)env.clock.sleeps[0]);
    cr_assert_eq(env.transport.token_calls, 2, "a second fetch in the time left");
    cr_assert_eq(env.transport.token_at[1] - t0, MS(1100), "1000 ms fetch + 100 ms backoff");
    cr_assert_eq(env.transport.token_timeout[1], MS(400), "clipped to the 400 ms left");
    cr_assert_eq(env.clock.now - t0, MS(1500), "ends at the deadline exactly");
    cr_assert_float_eq(res.elapsed_ms, 1500.0, 1e-9, "elapsed");
    cr_assert_eq(env.transport.calls, 0, "no API request without a token");
}

/* Issue 14.4: a token endpoint answering "abc\r\nX-Injected: yes" made the client send an
 * extra header to the API. */
Test(auth, token_with_header_characters_is_refused)
{
    use_credentials();
    scripted_add_token(&env.transport,
                       (struct step){.status = 200,
                                     .body = "{\"token_type\":\"Bearer\",\"expires_in\":3600,"
                                             "\"access_token\":\"abc\\r\\nX-Injected: yes\"}"});
    create();
    cr_assert_eq(guild(1), ESO_PROTOCOL_ERROR, "refused: %s %s", eso_status_name(res.status),
                 res.detail);
    cr_assert_eq(env.transport.calls, 0, "the token never reached an API request");
    cr_assert_eq(env.transport.token_calls, 1, "permanent: not fetched again");
    cr_assert(strstr(res.detail, "RFC 6750") != NULL && strstr(res.detail, "0x0d at offset 3"),
              "says what and where: %s", res.detail);
    cr_assert(strstr(res.detail, "Injected") == NULL, "without the token's text: %s", res.detail);
    const struct rec_event *f = recorder_find(&env.rec, ESO_EV_TOKEN_FETCH, 0);
    cr_assert_str_eq(f->reason, "token_invalid", "token_fetch reason: %s", f->json);
    cr_assert_eq(eso_status_exit_code(res.status), 18, "its own exit code");
}

Test(auth, token_type_other_than_bearer_is_refused)
{
    use_credentials();
    scripted_add_token(&env.transport,
                       (struct step){.status = 200,
                                     .body = "{\"token_type\":\"mac\",\"expires_in\":3600,"
                                             "\"access_token\":\"abc\"}"});
    create();
    cr_assert_eq(guild(1), ESO_PROTOCOL_ERROR, "refused: %s", res.detail);
    cr_assert(strstr(res.detail, "token_type \"mac\" is not Bearer") != NULL, "detail: %s",
              res.detail);
    cr_assert_eq(env.transport.calls, 0, "no API request");
    /* Absent, or any case of Bearer: accepted. */
    eso_client_destroy(client);
    client = NULL;
    unit_env_init(&env);
    use_credentials();
    scripted_add_token(
        &env.transport,
        (struct step){.status = 200, .body = "{\"access_token\":\"a.b-c_d~e+f/g==\"}"});
    create();
    cr_assert_eq(guild(1), ESO_OK, "no token_type, b64token with padding: %s", res.detail);
    cr_assert_str_eq(env.transport.auth[0], "Bearer a.b-c_d~e+f/g==", "sent as given");
}

/* Issue 14.13: a 4 MB token answer was taken as a token (libcurl then failed the API
 * request as "out of memory"). The answer and the token each have a limit. */
Test(auth, oversized_token_answers_are_too_large)
{
    use_credentials();
    size_t big = 4u << 20;
    char *body = malloc(big + 128);
    int n = snprintf(body, 128, "{\"token_type\":\"Bearer\",\"access_token\":\"");
    memset(body + n, 'a', big);
    snprintf(body + n + big, 8, "\"}");
    scripted_add_token(&env.transport, (struct step){.status = 200, .body = body});
    create();
    cr_assert_eq(guild(1), ESO_RESPONSE_TOO_LARGE, "%s: %s", eso_status_name(res.status),
                 res.detail);
    cr_assert(strstr(res.detail, "token endpoint: response body over 65536 bytes") != NULL,
              "detail: %s", res.detail);
    cr_assert_eq(env.transport.calls, 0, "no API request");
    /* A token under the answer's limit but over the token's own. */
    memset(body + n, 'a', 10000);
    snprintf(body + n + 10000, 8, "\"}");
    eso_client_destroy(client);
    client = NULL;
    unit_env_init(&env);
    use_credentials();
    scripted_add_token(&env.transport, (struct step){.status = 200, .body = body});
    create();
    cr_assert_eq(guild(1), ESO_RESPONSE_TOO_LARGE, "%s", res.detail);
    cr_assert(strstr(res.detail, "access_token of 10000 bytes is over the 8192-byte limit"),
              "detail: %s", res.detail);
    cr_assert_eq(env.transport.token_calls, 1, "permanent");
    free(body);
}

/* Issue 14.4: caller-supplied values that go into headers are checked the same way. */
Test(auth, header_values_from_options_are_checked)
{
    char err[ESO_DETAIL_SIZE];
    env.opts.bearer_token = "abc\r\nX-Injected: yes";
    cr_assert_eq(eso_client_create(&env.opts, &client, err), ESO_BAD_ARGUMENT, "bearer token");
    cr_assert(strstr(err, "bearer_token") != NULL, "err: %s", err);
    env.opts.bearer_token = "ok-token";
    env.opts.user_agent = "agent\nX-Injected: yes";
    cr_assert_eq(eso_client_create(&env.opts, &client, err), ESO_BAD_ARGUMENT, "user agent");
    cr_assert(strstr(err, "user_agent") != NULL, "err: %s", err);
    env.opts.user_agent = "my agent/1.0 (tab\tok)";
    create();
    cr_assert_eq(guild(1), ESO_OK, "plain values pass");
}

/* Issue 14.16: after a 401 drops the token, a call that ends at the gate (deadline) kept
 * the 401's detail, and scrubbed it with the token then current (none): a server echoing
 * the old token got it into the result and the events. */
Test(auth, a_401_echoing_the_token_is_scrubbed_when_the_deadline_ends_the_call)
{
    use_credentials();
    env.opts.deadline_ms = 1000;
    scripted_add_token(&env.transport, TOKEN("tok-OLD-1234567", 3600));
    scripted_add(&env.transport,
                 (struct step){.status = 401,
                               .body = "{\"error\":\"token tok-OLD-1234567 is invalid\"}",
                               .take_ns = MS(1000)});
    create();
    cr_assert_eq(guild(1), ESO_DEADLINE_EXCEEDED, "the deadline ends it: %s", res.detail);
    cr_assert_eq(res.cause, ESO_UNAUTHORIZED, "after the 401");
    cr_assert(strstr(res.detail, "HTTP 401") != NULL, "the 401's detail: %s", res.detail);
    cr_assert(strstr(res.detail, "tok-OLD") == NULL, "old token scrubbed: %s", res.detail);
    for (size_t i = 0; i < env.rec.n; i++)
        cr_assert(strstr(env.rec.ev[i].json, "tok-OLD") == NULL, "event %zu: %s", i,
                  env.rec.ev[i].json);
}

/* The same when another thread's 401 replaced the token while this call's attempt (with
 * the old one) was on the wire: modelled by a call made from inside the transport. */
static int nested_calls;
static int refresh_inside(void *ud, const struct eso_http_request *req,
                          struct eso_http_response *resp)
{
    (void)ud;
    if (!req->token_request && nested_calls++ == 0) {
        struct eso_result r;
        eso_get_zones(client, &r); /* 401, new token, ok */
        eso_result_finish(&r);
    }
    return env.transport_hooks.perform(env.transport_hooks.userdata, req, resp);
}

Test(auth, an_answer_echoing_a_token_replaced_meanwhile_is_scrubbed)
{
    use_credentials();
    nested_calls = 0;
    struct eso_transport hook = {.perform = refresh_inside};
    env.opts.transport = &hook;
    scripted_add_token(&env.transport, TOKEN("tok-OLD-1234567", 3600));
    scripted_add_token(&env.transport, TOKEN("tok-NEW-7654321", 3600));
    scripted_add(&env.transport, (struct step){.status = 401}); /* the other call's */
    scripted_add(&env.transport, (struct step){.status = 200, .body = OK_BODY});
    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"errors\":[{\"message\":\"token tok-OLD-1234567 may "
                                       "not read guild 1\"}]}"});
    create();
    cr_assert_eq(guild(1), ESO_GRAPHQL_ERROR, "%s: %s", eso_status_name(res.status), res.detail);
    cr_assert_str_eq(env.transport.auth[2], "Bearer tok-OLD-1234567", "sent with the old token");
    cr_assert_eq(env.transport.token_calls, 2, "the other call refreshed it");
    cr_assert(strstr(res.detail, "tok-OLD") == NULL, "old token scrubbed: %s", res.detail);
    for (size_t i = 0; i < env.rec.n; i++)
        cr_assert(strstr(env.rec.ev[i].json, "tok-OLD") == NULL, "event %zu: %s", i,
                  env.rec.ev[i].json);
}

TestSuite(cache, .init = setup, .fini = teardown);

Test(cache, stale_answer_on_transient_failure)
{
    env.opts.fallback_cache = true;
    env.opts.max_attempts = 2;
    create();
    cr_assert_eq(guild(7), ESO_OK, "fresh answer stored");
    scripted_add(&env.transport, (struct step){.status = 503});
    scripted_add(&env.transport, (struct step){.status = 503});
    env.clock.now += MS(5000);
    cr_assert_eq(guild(7), ESO_OK, "served from the cache");
    cr_assert(res.from_cache, "flagged");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "the failure it masks");
    cr_assert_float_eq(res.cache_age_ms, 5100.0, 1e-6, "age: 5 s + one 100 ms backoff");
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "guildData"), "the old data");
    const struct rec_event *f = recorder_find(&env.rec, ESO_EV_CACHE_FALLBACK, 0);
    cr_assert_not_null(f, "cache_fallback event");
    const struct rec_event *end = recorder_find(&env.rec, ESO_EV_CALL_END, 1);
    cr_assert(end->from_cache, "call_end says from_cache");
    struct eso_counters cnt;
    eso_client_counters(client, &cnt);
    cr_assert_eq(cnt.cache_fallbacks, 1, "counted");
    cr_assert_eq(cnt.cache_stores, 1, "stored once");
}

Test(cache, keyed_by_operation_and_variables)
{
    env.opts.fallback_cache = true;
    env.opts.max_attempts = 1;
    create();
    cr_assert_eq(guild(7), ESO_OK, "stored for 7");
    scripted_add(&env.transport, (struct step){.status = 503});
    cr_assert_eq(guild(8), ESO_SERVER_ERROR, "nothing stored for 8");
    cr_assert(!res.from_cache, "no fallback");
}

Test(cache, permanent_failures_are_not_masked)
{
    env.opts.fallback_cache = true;
    create();
    cr_assert_eq(guild(7), ESO_OK, "stored");
    scripted_add(&env.transport, (struct step){.status = 404});
    cr_assert_eq(guild(7), ESO_HTTP_ERROR, "a 404 is an answer, not an outage");
    cr_assert(!res.from_cache, "no fallback");
}

Test(cache, too_old_is_not_served)
{
    env.opts.fallback_cache = true;
    env.opts.cache_max_age_ms = 1000;
    env.opts.max_attempts = 1;
    create();
    cr_assert_eq(guild(7), ESO_OK, "stored");
    env.clock.now += MS(1001);
    scripted_add(&env.transport, (struct step){.status = 503});
    cr_assert_eq(guild(7), ESO_SERVER_ERROR, "older than the bound");
}

Test(cache, breaker_open_serves_stale)
{
    env.opts.fallback_cache = true;
    env.opts.max_attempts = 1;
    env.opts.breaker_threshold = 1;
    create();
    cr_assert_eq(guild(7), ESO_OK, "stored");
    scripted_add(&env.transport, (struct step){.curl = CURLE_COULDNT_CONNECT});
    cr_assert_eq(guild(7), ESO_OK, "connect failure masked");
    cr_assert(res.from_cache, "stale");
    size_t calls = env.transport.calls;
    cr_assert_eq(guild(7), ESO_OK, "breaker open: still the stale copy");
    cr_assert_eq(res.cause, ESO_BREAKER_OPEN, "cause is the open breaker");
    cr_assert_eq(env.transport.calls, calls, "no request");
}

Test(cache, key_ignores_member_order)
{
    cJSON *a = cJSON_Parse("{\"b\":{\"y\":1,\"x\":2},\"a\":[3,{\"q\":1,\"p\":2}]}");
    cJSON *b = cJSON_Parse("{\"a\":[3,{\"p\":2,\"q\":1}],\"b\":{\"x\":2,\"y\":1}}");
    char *ka = eso__cache_key("op", "query op { a }", a);
    char *kb = eso__cache_key("op", "query op { a }", b);
    char *kn = eso__cache_key("op", "query op { a }", NULL);
    cr_assert_str_eq(ka, kb, "same key");
    cr_assert(strncmp(kn, "op\n", 3) == 0 && strcmp(kn + strlen(kn) - 3, "\n{}") == 0,
              "no variables: %s", kn);
    char *kd = eso__cache_key("op", "query op { b }", NULL);
    cr_assert_str_neq(kd, kn, "another document, another key");
    free(kd);
    free(ka);
    free(kb);
    free(kn);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

/* Audit: two custom documents with one operation name shared a cache entry. */
Test(cache, keyed_by_document_too)
{
    env.opts.fallback_cache = true;
    env.opts.max_attempts = 1;
    scripted_add(&env.transport, (struct step){.status = 200, .body = "{\"data\":{\"a\":1}}"});
    scripted_add(&env.transport, (struct step){.status = 503});
    scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(eso_query(client, "op", "query op { a }", NULL, &res), ESO_OK, "stored");
    eso_result_finish(&res);
    cr_assert_eq(eso_query(client, "op", "query op { b }", NULL, &res), ESO_SERVER_ERROR,
                 "another document gets no stale copy of the first");
    cr_assert(!res.from_cache, "not from the cache");
    eso_result_finish(&res);
    cr_assert_eq(eso_query(client, "op", "query op { a }", NULL, &res), ESO_OK, "same document");
    cr_assert(res.from_cache, "served stale");
    cr_assert_eq(cJSON_GetObjectItem(res.data, "a")->valueint, 1, "its own data");
}

Test(cache, evicts_least_recently_stored)
{
    struct eso__cache c;
    eso__cache_init(&c, true, UINT64_MAX, 2);
    cJSON *d = cJSON_CreateNumber(1);
    eso__cache_store(&c, "k1", d, 1);
    eso__cache_store(&c, "k2", d, 2);
    eso__cache_store(&c, "k1", d, 3); /* refresh k1 */
    eso__cache_store(&c, "k3", d, 4); /* evicts k2 */
    cJSON *out = NULL;
    uint64_t age = 0;
    cr_assert(eso__cache_lookup(&c, "k1", 10, &out, &age), "k1 kept");
    cr_assert_eq(age, 7, "age from the latest store");
    cJSON_Delete(out);
    cr_assert(!eso__cache_lookup(&c, "k2", 10, &out, &age), "k2 evicted");
    cr_assert(eso__cache_lookup(&c, "k3", 10, &out, &age), "k3 kept");
    cJSON_Delete(out);
    eso__cache_finish(&c);
    cJSON_Delete(d);
}

TestSuite(pacing, .init = setup, .fini = teardown);

Test(pacing, min_interval_spaces_requests)
{
    env.opts.min_interval_ms = 500;
    create();
    for (int i = 0; i < 3; i++)
        cr_assert_eq(guild(1), ESO_OK, "call %d", i);
    cr_assert_eq(env.transport.at[1] - env.transport.at[0], MS(500), "spaced 1");
    cr_assert_eq(env.transport.at[2] - env.transport.at[1], MS(500), "spaced 2");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_PACING_WAIT), 2, "two pacing waits");
}

/* Review: a slot exactly at the deadline used to start an attempt with every timer at 0,
 * which libcurl reads as "no timeout". */
Test(pacing, a_slot_at_the_deadline_gives_up_without_an_attempt)
{
    env.opts.min_interval_ms = 500;
    env.opts.deadline_ms = 500;
    create();
    cr_assert_eq(guild(1), ESO_OK, "the first call goes at once");
    cr_assert_eq(guild(1), ESO_DEADLINE_EXCEEDED, "the next slot is the deadline itself");
    cr_assert_eq(env.transport.calls, 1, "no request was sent for it");
    cr_assert_eq(res.attempts, 0, "no attempt");
}

Test(pacing, points_aware_spreads_what_is_left)
{
    struct eso__pacing p;
    eso__pacing_init(&p, 0, true, 10, 1.0);
    cr_assert_eq(eso__pacing_points_interval(&p, 0), 0, "nothing known: no pacing");
    eso__pacing_observe(&p, 0, 3600, 0, 3240);
    /* 3240 usable points over 3240 s: one per second. */
    cr_assert_eq(eso__pacing_points_interval(&p, 0), MS(1000), "1 s per point");
    eso__pacing_observe(&p, 0, 3600, 3240, 100);
    cr_assert_eq(eso__pacing_points_interval(&p, 0), MS(100000),
                 "nothing left: wait for the reset");
    cr_assert_eq(eso__pacing_points_interval(&p, MS(100000)), 0, "after the reset: unknown again");
    eso__pacing_finish(&p);
}

Test(pacing, points_aware_waits_and_fails_fast_past_deadline)
{
    env.opts.points_aware = true;
    create();
    cr_assert_eq(eso_client_note_rate_limit(client, 3600, 0, 3240), ESO_OK, "note");
    cr_assert_eq(guild(1), ESO_OK, "first goes at once");
    cr_assert_eq(guild(1), ESO_OK, "second is paced");
    uint64_t gap = env.transport.at[1] - env.transport.at[0];
    cr_assert(gap >= MS(1000) && gap <= MS(1001), "about 1 s apart: %llu", (unsigned long long)gap);
    cr_assert_eq(eso_client_note_rate_limit(client, 3600, 3300, 3000), ESO_OK, "spent");
    cr_assert_eq(guild(1), ESO_DEADLINE_EXCEEDED, "a 3000 s wait cannot fit in the deadline");
    cr_assert_eq(eso_client_note_rate_limit(client, -1, 0, 0), ESO_BAD_ARGUMENT, "negative");
}

Test(pacing, points_aware_learns_from_rate_limit_data)
{
    env.opts.points_aware = true;
    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"data\":{\"rateLimitData\":{\"limitPerHour\":18000,"
                                       "\"pointsSpentThisHour\":10,\"pointsResetIn\":1800}}}"});
    create();
    cr_assert_eq(guild(1), ESO_OK, "the call");
    cr_assert_eq(env.transport.calls, 2, "getRateLimitData first, then the call");
    struct eso_rate_limit rl = {0};
    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"data\":{\"rateLimitData\":{\"limitPerHour\":720,"
                                       "\"pointsSpentThisHour\":1,\"pointsResetIn\":60}}}"});
    eso_result_finish(&res);
    cr_assert_eq(eso_get_rate_limit_data(client, &rl, &res), ESO_OK, "typed call");
    cr_assert_float_eq(rl.limit_per_hour, 720, 1e-9, "decoded");
    cr_assert_float_eq(rl.points_reset_in_s, 60, 1e-9, "decoded");
}

TestSuite(batch, .init = setup, .fini = teardown);

Test(batch, runs_every_item_and_keeps_per_item_results)
{
    scripted_add(&env.transport, (struct step){.status = 200, .body = OK_BODY});
    scripted_add(&env.transport, (struct step){.status = 503});
    create();
    cJSON *v1 = cJSON_Parse("{\"guildId\":1}");
    struct eso_batch_item items[5] = {
        {.operation = "getGuildById", .variables = v1},
        {.operation = "getZones"},
        {.operation = "getNothing"},
        {.operation = "getAbility", .variables = NULL},
        {.operation = "x", .document = "{ rateLimitData { limitPerHour } }"},
    };
    cr_assert_eq(eso_batch(client, items, 5, 2), ESO_OK, "batch ran");
    cr_assert_eq(items[0].result.status, ESO_OK, "item 0");
    cr_assert_eq(items[1].result.status, ESO_OK, "item 1 retried the 503: %s",
                 items[1].result.detail);
    cr_assert_eq(items[1].result.attempts, 2, "two attempts");
    cr_assert_eq(items[2].result.status, ESO_UNKNOWN_OPERATION, "item 2");
    cr_assert_eq(items[3].result.status, ESO_OK, "item 3");
    cr_assert_eq(items[4].result.status, ESO_OK, "item 4");
    for (int i = 0; i < 5; i++)
        eso_result_finish(&items[i].result);
    cJSON_Delete(v1);
    cr_assert_eq(eso_batch(client, NULL, 0, 0), ESO_OK, "empty batch");
}

/* Issue 14.1 in eso_batch: an item stepped after another item's slow token fetch used
 * the time read before it, so its own fetch (and attempt) ran past the deadline. */
Test(batch, deadline_holds_when_another_item_spent_time_on_the_token)
{
    use_credentials();
    env.opts.timeout_ms = 1000;
    env.opts.deadline_ms = 1500;
    scripted_add_token(&env.transport, (struct step){.hang = true});
    scripted_add_token(&env.transport, (struct step){.hang = true});
    create();
    uint64_t t0 = env.clock.now;
    struct eso_batch_item items[2] = {{.operation = "getZones"}, {.operation = "getZones"}};
    cr_assert_eq(eso_batch(client, items, 2, 2), ESO_OK, "batch ran");
    cr_assert_eq(env.transport.token_at[1] - t0, MS(1000), "item 1 fetched after item 0's try");
    cr_assert_eq(env.transport.token_timeout[1], MS(500), "clipped to the 500 ms left: %llu",
                 (unsigned long long)env.transport.token_timeout[1]);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(items[i].result.status, ESO_DEADLINE_EXCEEDED, "item %d: %s", i,
                     eso_status_name(items[i].result.status));
        cr_assert(items[i].result.elapsed_ms <= 1500.0, "item %d within its deadline: %.1f ms", i,
                  items[i].result.elapsed_ms);
        eso_result_finish(&items[i].result);
    }
    cr_assert_eq(env.clock.now - t0, MS(1500), "the batch ends at the deadline");
}

TestSuite(events, .init = setup, .fini = teardown);

Test(events, json_lines_parse_and_carry_fields)
{
    scripted_add(&env.transport,
                 (struct step){.status = 503,
                               .body = "{\"errors\":[{\"message\":\"a \\\"quoted\\\"\\nline\"}]}"});
    create();
    cr_assert_eq(guild(1), ESO_OK, "ok");
    for (size_t i = 0; i < env.rec.n; i++) {
        cJSON *j = cJSON_Parse(env.rec.ev[i].json);
        cr_assert_not_null(j, "event %zu is JSON: %s", i, env.rec.ev[i].json);
        cr_assert_str_eq(cJSON_GetObjectItem(j, "event")->valuestring,
                         eso_event_kind_name(env.rec.ev[i].kind), "kind name");
        cJSON_Delete(j);
    }
    const struct rec_event *r = recorder_find(&env.rec, ESO_EV_RETRY_SCHEDULED, 0);
    cJSON *j = cJSON_Parse(r->json);
    cr_assert_float_eq(cJSON_GetObjectItem(j, "delay_ms")->valuedouble, 100.0, 1e-9, "delay");
    cr_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "server_error", "status");
    /* Quotes round-trip; the newline arrives as the two characters \n, as in every
     * detail (control characters are escaped at the source, issue 14.9). */
    cr_assert(strstr(cJSON_GetObjectItem(j, "detail")->valuestring, "\"quoted\"\\nline") != NULL,
              "escaped detail round-trips: %s", r->json);
    cJSON_Delete(j);
}

Test(events, loggers_write_one_line_per_event)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    env.opts.on_event = eso_event_log_json;
    env.opts.event_userdata = fp;
    create();
    cr_assert_eq(guild(1), ESO_OK, "ok");
    fclose(fp);
    int lines = 0;
    for (char *line = buf; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        cr_assert_not_null(nl, "lines end with a newline");
        *nl = '\0';
        cJSON *j = cJSON_Parse(line);
        cr_assert_not_null(j, "line is JSON: %s", line);
        cJSON_Delete(j);
        lines++;
        line = nl + 1;
    }
    cr_assert_eq(lines, 4, "call_start, attempt_start, attempt_end, call_end");
    free(buf);

    struct eso_event ev = {.kind = ESO_EV_RETRY_SCHEDULED,
                           .operation = "getZones",
                           .attempt = 2,
                           .status = ESO_TIMEOUT,
                           .delay_ms = 250,
                           .reason = "read_timeout"};
    char text[256];
    size_t need = eso_event_format_text(&ev, text, sizeof text);
    cr_assert_eq(need, strlen(text), "length reported");
    cr_assert(strstr(text, "retry_scheduled") && strstr(text, "delay=250.0ms") &&
                  strstr(text, "reason=read_timeout"),
              "text line: %s", text);
    char tiny[8];
    size_t full = eso_event_format_json(&ev, tiny, sizeof tiny);
    cr_assert(full > sizeof tiny && strlen(tiny) == sizeof tiny - 1, "truncates like snprintf");
}

/* Issue 14.9: server text went raw into --log text lines: a message with a newline forged
 * a whole "call_end ... status=ok" line, and ESC/BEL reached the terminal. */
#define FORGED                                                                                     \
    "bad\n[    0.100 ms] #1 getGuildById call_end attempts=1 status=ok took=0.1ms\x1b[2J\x07\r"    \
    "\xe2\x80\xa8\xe2\x80\xae\xc2\x85"                                                             \
    "end"

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return true;
        if ((p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
            (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xae)))
            return true;
    }
    return false;
}

Test(events, server_text_cannot_forge_text_log_lines)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    env.opts.on_event = eso_event_log_text;
    env.opts.event_userdata = fp;
    /* The server's JSON escapes: a real newline, ESC, BEL, CR, LS, RLO and NEL in the text. */
    scripted_add(&env.transport,
                 (struct step){.status = 200,
                               .body = "{\"errors\":[{\"message\":\"bad\\n[    0.100 ms] #1 "
                                       "getGuildById call_end attempts=1 status=ok took=0.1ms"
                                       "\\u001b[2J\\u0007\\r\\u2028\\u202e\\u0085end\"}]}"});
    create();
    cr_assert_eq(guild(1), ESO_GRAPHQL_ERROR, "error");
    fclose(fp);
    cr_assert(!has_control(res.detail), "detail has no control characters: %s", res.detail);
    cr_assert(strstr(res.detail, "bad\\n[") != NULL && strstr(res.detail, "\\x1b[2J\\x07\\r") &&
                  strstr(res.detail, "\\u2028\\u202e\\u0085end"),
              "escaped, not dropped: %s", res.detail);
    int lines = 0, call_ends = 0;
    for (char *line = buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        cr_assert_not_null(nl, "lines end with a newline");
        *nl = '\0';
        cr_assert(!has_control(line), "no control character in a line: %s", line);
        cr_assert_eq(line[0], '[', "every line is an event: %s", line);
        char kind[64] = "";
        cr_assert_eq(sscanf(line, "[%*f ms] #%*u %*s %63s", kind), 1, "an event line: %s", line);
        call_ends += strcmp(kind, "call_end") == 0;
        lines++;
        line = nl + 1;
    }
    cr_assert_eq(lines, 5, "call_start, attempt_start, attempt_end, give_up, call_end: %d", lines);
    cr_assert_eq(call_ends, 1, "one call_end line, none forged");
    free(buf);

    /* The formatter escapes what a caller hands it directly too (operation, detail). */
    struct eso_event ev = {.kind = ESO_EV_CALL_END,
                           .operation = "op\nX",
                           .status = ESO_OK,
                           .reason = "r\x1b",
                           .detail = FORGED};
    char text[512];
    eso_event_format_text(&ev, text, sizeof text);
    cr_assert(!has_control(text), "formatter output: %s", text);
    cr_assert(strstr(text, "op\\nX call_end") != NULL, "operation escaped: %s", text);
}

Test(events, redaction_helpers)
{
    char buf[128] = "Authorization: Bearer abc.def and Basic Zm9vOmJhcg== and secret hunter2";
    eso__redact_schemes(buf, sizeof buf);
    eso__redact(buf, sizeof buf, "hunter2");
    cr_assert_str_eq(buf,
                     "Authorization: Bearer [redacted] and Basic [redacted] and secret [redacted]",
                     "scrubbed: %s", buf);
    char words[64] = "read timeout: t said t-1 (t)";
    eso__redact(words, sizeof words, "t");
    cr_assert_str_eq(words, "read timeout: [redacted] said t-1 ([redacted])",
                     "only whole credentials: %s", words);
    char small[16] = "xx secret yy";
    eso__redact(small, sizeof small, "secret");
    cr_assert_str_eq(small, "xx [redacted] y", "bounded by the buffer: %s", small);
}

Test(auth, token_endpoint_5xx_counts_against_the_breaker)
{
    use_credentials();
    env.opts.max_attempts = 1;
    env.opts.breaker_threshold = 2;
    for (int i = 0; i < 3; i++)
        scripted_add_token(&env.transport, (struct step){.status = 503});
    create();
    cr_assert_eq(guild(1), ESO_SERVER_ERROR, "token endpoint 503");
    cr_assert_eq(guild(1), ESO_SERVER_ERROR, "again: the breaker opens");
    cr_assert_eq(guild(1), ESO_BREAKER_OPEN, "third call fails fast");
    cr_assert_eq(env.transport.token_calls, 2, "no third token request");
}

/* Every event's JSON and the result's detail are free of @p secrets. */
static void assert_scrubbed(const char *const *secrets, size_t n)
{
    for (size_t s = 0; s < n; s++) {
        cr_assert(strstr(res.detail, secrets[s]) == NULL, "detail leaks %s: %s", secrets[s],
                  res.detail);
        for (size_t i = 0; i < env.rec.n; i++)
            cr_assert(strstr(env.rec.ev[i].json, secrets[s]) == NULL, "event %zu leaks %s: %s", i,
                      secrets[s], env.rec.ev[i].json);
    }
    cr_assert(strstr(res.detail, "[redacted]") != NULL, "marked: %s", res.detail);
    for (enum eso_event_kind k = ESO_EV_ATTEMPT_END; k <= ESO_EV_CALL_END; k++) {
        const struct rec_event *e = recorder_find(&env.rec, k, 0);
        if (k == ESO_EV_ATTEMPT_END || k == ESO_EV_GIVE_UP || k == ESO_EV_CALL_END)
            cr_assert(e != NULL && strstr(e->detail, "[redacted]") != NULL,
                      "%s carries the scrubbed detail: %s", eso_event_kind_name(k),
                      e != NULL ? e->json : "(none)");
    }
}

/* Audit: "client_secret=s3cr3tvalue or token=tok3nvalue" came back unscrubbed. */
Test(auth, secrets_next_to_separators_are_scrubbed)
{
    use_credentials();
    env.opts.client_secret = "s3cr3tvalue";
    env.opts.max_attempts = 1;
    scripted_add_token(&env.transport, TOKEN("tok3nvalue", 3600));
    scripted_add(&env.transport,
                 (struct step){.status = 503,
                               .body = "{\"message\":\"invalid client_secret=s3cr3tvalue or "
                                       "token=tok3nvalue; id:s3cr3tvalue '\\\"tok3nvalue\\\"' "
                                       "b64+s3cr3tvalue/ xs3cr3tvaluex tok3nvalue==\"}"});
    create();
    cr_assert_eq(guild(1), ESO_SERVER_ERROR, "the 503");
    static const char *const secrets[] = {"s3cr3tvalue", "tok3nvalue", "s3cr3t", "tok3n"};
    assert_scrubbed(secrets, 4);
}

Test(auth, bearer_token_next_to_separators_is_scrubbed)
{
    env.opts.bearer_token = "QmVhcmVy+dG9r/ZW4=";
    env.opts.max_attempts = 1;
    scripted_add(&env.transport,
                 (struct step){.status = 503,
                               .body = "{\"message\":\"token=QmVhcmVy+dG9r/ZW4= rejected "
                                       "(access_token:QmVhcmVy+dG9r/ZW4=)\"}"});
    create();
    cr_assert_eq(guild(1), ESO_SERVER_ERROR, "the 503");
    static const char *const secrets[] = {"QmVhcmVy+dG9r/ZW4=", "QmVhcmVy"};
    assert_scrubbed(secrets, 2);
}

Test(events, redaction_boundaries)
{
    /* Long secrets: wherever they appear. */
    char buf[160] = "a=hunter2hunter2;b:hunter2hunter2,\"hunter2hunter2\"/xhunter2hunter2x";
    eso__redact(buf, sizeof buf, "hunter2hunter2");
    cr_assert_str_eq(buf, "a=[redacted];b:[redacted],\"[redacted]\"/x[redacted]x", "%s", buf);
    /* Short secrets: whole words, where '=', ':', '+', '/' and quotes separate words. */
    char s[96] = "k=abc x:abc +abc/ 'abc' abcd xabc a-abc";
    eso__redact(s, sizeof s, "abc");
    cr_assert_str_eq(s, "k=[redacted] x:[redacted] +[redacted]/ '[redacted]' abcd xabc a-abc", "%s",
                     s);
    /* A long secret cut off by the end of a full buffer still goes. */
    char cut[24] = "0123456789 token=abcdef";
    eso__redact(cut, sizeof cut, "abcdefghijkl");
    cr_assert_str_eq(cut, "0123456789 token=[redac", "%s", cut);
    /* fuzz-client-text: a mark longer than the secret pushed a later copy out of a buffer
     * that was not full before, leaving 7 of its 8 characters. */
    char grown[19] = "SECRETXY_SECRETXY";
    eso__redact(grown, sizeof grown, "SECRETXY");
    cr_assert(strstr(grown, "SECRETX") == NULL, "%s", grown);
}

/* fuzz-client-text: redacting a bare copy of one credential shortened the text before the
 * scan position, and the next "Bearer" was jumped over. */
Test(events, every_bearer_credential_goes_when_text_shifts)
{
    char buf[256] = "access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.Xy Authorization: "
                    "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.Xy, Bearer other-token-12345 "
                    "(retrying)";
    eso__redact_schemes(buf, sizeof buf);
    cr_assert_str_eq(buf,
                     "access_token=[redacted] Authorization: Bearer [redacted], Bearer [redacted] "
                     "(retrying)",
                     "%s", buf);
}

/* Audit: the library's own advice became "set a bearer [redacted], client id/...". */
Test(auth, own_messages_survive_the_scrubber)
{
    env.opts.bearer_token = NULL;
    create();
    cr_assert_eq(guild(1), ESO_NO_CREDENTIALS, "no credentials");
    cr_assert(strstr(res.detail, "set a bearer token, client id/secret") != NULL, "detail: %s",
              res.detail);
    char buf[128] = "use a Bearer token; got Bearer abc.def and bearer Zm9vOmJhcg==";
    eso__redact_schemes(buf, sizeof buf);
    cr_assert_str_eq(buf, "use a Bearer token; got Bearer [redacted] and bearer [redacted]", "%s",
                     buf);
    /* A token the client no longer holds, ended by a character no token has (review). */
    char echo[128] = "[Bearer eyJhbGciOi.eyJzdWIi.sig-x_y] {Bearer k9sQmVhcmVy}&x=<Basic Zm9v==>";
    eso__redact_schemes(echo, sizeof echo);
    cr_assert_str_eq(echo, "[Bearer [redacted]] {Bearer [redacted]}&x=<Basic [redacted]>", "%s",
                     echo);
}

/* Independent of the library's decoder: well-formed UTF-8 (RFC 3629). */
static bool valid_utf8(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > n)
            return false;
        uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

/* Audit: a detail cut at 256 bytes mid-character, and raw invalid bytes, reached the log. */
Test(events, json_logger_writes_valid_utf8)
{
    char body[1024];
    size_t len = (size_t)snprintf(body, sizeof body, "{\"message\":\"x");
    for (int i = 0; i < 150; i++)
        len += (size_t)snprintf(body + len, sizeof body - len, "\xc3\xa9"); /* é */
    snprintf(body + len, sizeof body - len, "\"}");
    scripted_add(&env.transport, (struct step){.status = 503, .body = body});
    scripted_add(&env.transport,
                 (struct step){.status = 503,
                               .body = "{\"message\":\"bad \xff \xc0\x80 \xed\xa0\x80 \x80 "
                                       "\xe2\x82 ok \xe2\x82\xac\"}"});
    env.opts.max_attempts = 2;
    char *buf = NULL;
    size_t blen = 0;
    FILE *fp = open_memstream(&buf, &blen);
    env.opts.on_event = eso_event_log_json;
    env.opts.event_userdata = fp;
    create();
    cr_assert_eq(guild(1), ESO_SERVER_ERROR, "two 503s");
    fclose(fp);
    cr_assert(valid_utf8((const unsigned char *)res.detail, strlen(res.detail)),
              "res.detail is UTF-8: %s", res.detail);
    int lines = 0;
    bool saw_cut = false, saw_replacement = false;
    for (char *line = buf; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        cr_assert_not_null(nl, "lines end with a newline");
        *nl = '\0';
        cr_assert(valid_utf8((const unsigned char *)line, strlen(line)), "line %d is UTF-8: %s",
                  lines, line);
        cJSON *j = cJSON_Parse(line);
        cr_assert_not_null(j, "line %d is JSON: %s", lines, line);
        const cJSON *d = cJSON_GetObjectItem(j, "detail");
        if (cJSON_IsString(d) && strstr(d->valuestring, "\xc3\xa9\xc3\xa9") != NULL)
            saw_cut = true;
        if (cJSON_IsString(d) && strstr(d->valuestring, "\xef\xbf\xbd") != NULL &&
            strstr(d->valuestring, "\xe2\x82\xac") != NULL)
            saw_replacement = true;
        cJSON_Delete(j);
        lines++;
        line = nl + 1;
    }
    cr_assert(lines >= 6, "events written: %d", lines);
    cr_assert(saw_cut, "the long detail was logged (cut)");
    cr_assert(saw_replacement, "invalid bytes replaced by U+FFFD, valid ones kept");
    free(buf);
}

/* Audit: a 429 from the token endpoint ignored its Retry-After. */
Test(auth, token_endpoint_retry_after_is_honoured)
{
    use_credentials();
    scripted_add_token(&env.transport, (struct step){.status = 429, .retry_after = "3"});
    scripted_add_token(&env.transport, TOKEN("tok-after-wait", 3600));
    create();
    cr_assert_eq(guild(1), ESO_OK, "token on the second try: %s", res.detail);
    cr_assert_eq(env.transport.token_calls, 2, "two token requests");
    cr_assert_eq(env.clock.nsleeps, 1, "one wait");
    cr_assert_eq(env.clock.sleeps[0], MS(3000), "Retry-After 3 s, not the 100 ms backoff");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_RETRY_SCHEDULED, 0)->reason, "retry_after",
                     "reason");
}

static const char *const RL_BODY = "{\"data\":{\"rateLimitData\":{\"limitPerHour\":18000,"
                                   "\"pointsSpentThisHour\":10,\"pointsResetIn\":1800}}}";

/* Audit: the hidden refresh ran a full retry cycle outside the deadline on every call. */
Test(pacing, refresh_is_one_attempt_and_backs_off_after_a_failure)
{
    env.opts.points_aware = true;
    env.opts.deadline_ms = 10000;
    scripted_add(&env.transport, (struct step){.status = 503}); /* the refresh */
    scripted_add(&env.transport, (struct step){.status = 200, .body = OK_BODY});
    create();
    cr_assert_eq(guild(1), ESO_OK, "the call goes on without rateLimitData");
    cr_assert_eq(env.transport.calls, 2, "one refresh request (no retry), then the call");
    cr_assert_eq(env.transport.last_timeout_ns, MS(10000), "the call keeps its deadline");
    const struct rec_event *r = recorder_find(&env.rec, ESO_EV_PACING_REFRESH, 0);
    cr_assert_not_null(r, "reported");
    cr_assert_eq(r->status, ESO_SERVER_ERROR, "status: %s", r->json);
    cr_assert_str_eq(r->reason, "failed_backing_off", "reason");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_CALL_END, 0)->reason, "pacing_refresh",
                     "the refresh's own call is tagged");
    cr_assert_eq(guild(1), ESO_OK, "second call");
    cr_assert_eq(env.transport.calls, 3, "no refresh right after a failed one");
    env.clock.now += MS(60001);
    scripted_add(&env.transport, (struct step){.status = 200, .body = RL_BODY});
    cr_assert_eq(guild(1), ESO_OK, "third call, a refresh interval later");
    cr_assert_eq(env.transport.calls, 5, "refreshed again, then the call");
    cr_assert_str_eq(recorder_find(&env.rec, ESO_EV_PACING_REFRESH, 1)->reason, "ok", "learnt");
}

Test(pacing, refresh_fits_in_half_the_deadline_and_skips_an_open_breaker)
{
    env.opts.points_aware = true;
    env.opts.deadline_ms = 1000;
    env.opts.max_attempts = 1;
    env.opts.breaker_threshold = 1;
    scripted_add(&env.transport, (struct step){.status = 200, .body = RL_BODY});
    scripted_add(&env.transport, (struct step){.status = 200, .body = OK_BODY});
    create();
    cr_assert_eq(guild(1), ESO_OK, "ok");
    cr_assert_eq(env.transport.calls, 2, "refresh + call");
    const struct rec_event *r = recorder_find(&env.rec, ESO_EV_PACING_REFRESH, 0);
    cr_assert_str_eq(r->reason, "ok", "refreshed: %s", r->json);
    cr_assert_eq(env.transport.timeout[0], MS(500), "the refresh gets half the call's deadline");
    /* The call itself: what is left of its deadline after the refresh's pacing slot. */
    cr_assert(env.transport.timeout[1] > MS(500) && env.transport.timeout[1] <= MS(1000),
              "the call the rest: %llu", (unsigned long long)env.transport.timeout[1]);
    eso_client_destroy(client);
    client = NULL;
    unit_env_init(&env);
    env.opts.points_aware = true;
    env.opts.max_attempts = 1;
    env.opts.breaker_threshold = 1;
    env.opts.deadline_ms = 1000;
    scripted_add(&env.transport, (struct step){.status = 503, .take_ns = MS(300)});
    create();
    cr_assert_eq(guild(1), ESO_BREAKER_OPEN, "the refresh's 503 opened the breaker");
    cr_assert_eq(env.transport.calls, 1, "only the refresh was sent");
    cr_assert(res.elapsed_ms <= 1000.0, "within the deadline: %.1f", res.elapsed_ms);
    env.clock.now += MS(120000); /* past the refresh backoff and the 30 s cool-down */
    size_t before = env.transport.calls;
    eso_result_finish(&res);
    cr_assert_eq(eso_get_guild_by_id(client, 1, &res), ESO_OK, "the probe succeeds");
    cr_assert_eq(env.transport.calls - before, 1,
                 "only the call itself: no refresh while the breaker is not closed");
    cr_assert_eq(recorder_count(&env.rec, ESO_EV_PACING_REFRESH), 1, "no second refresh");
}

/* Audit: the wait for a free connection always took pool_timeout, past the deadline. */
Test(transport, pool_wait_is_cut_to_the_deadline)
{
    struct eso__clock clk;
    eso__clock_init(&clk, NULL, 1.0);
    struct eso__transport t;
    cr_assert_eq(eso__transport_init(&t, NULL, &clk, "ua", 1u << 20, 1, 1, MS(5000)), 0, "init");
    t.pool.total = t.pool.max_total; /* the only connection is busy elsewhere */
    struct eso__request req = {.url = "http://127.0.0.1:9/", .deadline_left_ns = MS(30)};
    struct eso__response resp;
    uint64_t t0 = eso__real_now_ns();
    struct eso__lane *lane = (struct eso__lane *)&t; /* must come back NULL */
    cr_assert_eq(eso__drive_request(&t, &req, &resp, &lane), 0, "perform");
    cr_assert_null(lane, "no connection held");
    uint64_t took = eso__real_now_ns() - t0;
    cr_assert_eq(resp.curl_code, CURLE_OPERATION_TIMEDOUT, "timed out");
    cr_assert_str_eq(resp.timeout_phase, "pool", "waiting for the pool");
    /* 30 ms, with room for a loaded machine; the 5 s pool timeout would be far over. */
    cr_assert(took >= MS(29) && took < MS(2000), "waited the 30 ms left: %.1f ms",
              (double)took / 1e6);
    cr_assert(strstr(resp.error, "deadline") != NULL, "says why: %s", resp.error);
    t.pool.total = 0;
    eso__transport_finish(&t);
}

/* Issue 14.16: waits over 2^31 ms must not wrap when they become an int or a timespec
 * (audit of client/: every such conversion is capped; this pins it). */
Test(transport, waits_past_int_range_stay_in_range)
{
    uint64_t long_wait = (UINT64_C(1) << 31) * 1000000u + MS(5); /* 2^31 ms + 5 ms */
    cr_assert_eq(eso__poll_ms(0, long_wait, 1000), 1000, "capped at the loop's 1 s");
    cr_assert_eq(eso__poll_ms(0, long_wait, INT32_MAX), INT32_MAX, "capped at INT_MAX");
    cr_assert_eq(eso__poll_ms(0, UINT64_MAX, INT32_MAX), INT32_MAX, "forever");
    cr_assert_eq(eso__poll_ms(MS(10), MS(5), 1000), 0, "due already");
    cr_assert_eq(eso__ms_ceil(MS(5) + 1), 6, "rounded up");
    cr_assert_eq(eso__ms_ceil(UINT64_MAX), 0, "none");
    cr_assert_eq(eso__ms_ceil(UINT64_MAX - MS(1000)), (long)((UINT64_MAX - MS(1000)) / MS(1) + 1),
                 "no deadline, read on a clock near 0: 584 million years, not 1 ms");
    struct timespec ts;
    eso__monotonic_after(&ts, UINT64_MAX);
    cr_assert(ts.tv_sec > 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L,
              "a forever wait is a valid far deadline: %lld.%09ld", (long long)ts.tv_sec,
              ts.tv_nsec);
}
