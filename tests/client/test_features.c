/* Auth, the fallback cache, pacing, batch, redaction and the event loggers, on the scripted
 * transport and the fake clock. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "cache_private.h"
#include "client_test_util.h"
#include "events_private.h"
#include "pacing_private.h"

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
    char *ka = eso__cache_key("op", a);
    char *kb = eso__cache_key("op", b);
    char *kn = eso__cache_key("op", NULL);
    cr_assert_str_eq(ka, kb, "same key");
    cr_assert_str_eq(kn, "op\n{}", "no variables");
    free(ka);
    free(kb);
    free(kn);
    cJSON_Delete(a);
    cJSON_Delete(b);
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
    cr_assert(strstr(cJSON_GetObjectItem(j, "detail")->valuestring, "\"quoted\"\nline") != NULL,
              "escaped detail round-trips");
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
