/*
 * libesologs against an in-process eso-mock: the typed and generic calls, the
 * token flow with strict auth, and every fault the server offers (429 +
 * Retry-After, 5xx, hang, drop, reset, truncate, malformed JSON, blackhole,
 * refused connection), checking what the client returns, how many attempts the
 * server journaled and the spacing between them. Time scale 0.02 on both sides.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/scenario.h>
#include <esomock/server.h>

#include "client_test_util.h"

#define SCALE 0.02
/* The scenario files when ESO_SCENARIOS_DIR is unset (the binary run by hand). */
#define SCENARIOS_FALLBACK ESO_TEST_SOURCE_DIR "/../../scenarios"

static struct esomock_server *srv;
static double slack_ms = 400.0; /* upper tolerance of spacing checks */
static struct eso_client *cli;
static struct recorder rec;
static struct eso_result res;
static struct eso_options opts;
static char api_url[256];
static char token_url[256];

static bool under_valgrind(void)
{
    return getenv("ESO_UNDER_VALGRIND") != NULL;
}

static void start_server_with(bool strict, size_t max_body)
{
    /* Library scenarios carry eso-scenario's expect: taken unchecked, as eso-mock takes it. */
    static const struct esomock_section expect = {.key = "expect"};
    struct esomock_options mo = {.sections = &expect, .section_count = 1};
    struct esomock_problems *problems = esomock_problems_create();
    mo.max_body_bytes = max_body;
    mo.time_scale = SCALE;
    mo.strict_auth = strict;
    mo.client_id = "it-id";
    mo.client_secret = "it-secret";
    mo.blackhole = true;
    cr_assert_eq(esomock_server_start(&mo, &srv, problems), ESOMOCK_OK, "eso-mock: %s",
                 esomock_problems_text(problems));
    esomock_problems_destroy(problems);
    snprintf(api_url, sizeof api_url, "%s/api/v2/client", esomock_server_url(srv));
    snprintf(token_url, sizeof token_url, "%s/oauth/token", esomock_server_url(srv));
    memset(&opts, 0, sizeof opts);
    opts.api_url = api_url;
    opts.token_url = token_url;
    opts.client_id = "it-id";
    opts.client_secret = "it-secret";
    opts.time_scale = SCALE;
    opts.jitter = ESO_JITTER_NONE;
    opts.seed = 1;
    opts.on_event = recorder_fn;
    opts.event_userdata = &rec;
    memset(&rec, 0, sizeof rec);
    if (getenv("ESO_UNDER_VALGRIND") != NULL) {
        /* Memcheck slows both sides ~30x: roomier limits for the calls that should pass. */
        opts.timeout_ms = 250000; /* 5 s */
        opts.read_timeout_ms = 250000;
        opts.connect_timeout_ms = 100000;
        opts.deadline_ms = 1000000; /* 20 s */
        slack_ms = 3000.0;
    }
}

static void start_server(bool strict)
{
    start_server_with(strict, 0);
}

static void setup(void)
{
    start_server(false);
}

static void setup_strict(void)
{
    start_server(true);
}

static void teardown(void)
{
    eso_result_finish(&res);
    eso_client_destroy(cli);
    cli = NULL;
    esomock_server_stop(srv);
    srv = NULL;
}

static void create(void)
{
    char err[ESO_DETAIL_SIZE] = "";
    cr_assert_eq(eso_client_create(&opts, &cli, err), ESO_OK, "client: %s", err);
}

static void scenario(const char *json)
{
    struct esomock_problems *problems = esomock_problems_create();
    cr_assert_eq(esomock_server_load_scenario(srv, json, strlen(json), "<test>", problems),
                 ESOMOCK_OK, "scenario: %s", esomock_problems_text(problems));
    esomock_problems_destroy(problems);
}

/* A scenario with one rule on getGuildById whose script is @p steps. */
static void guild_script(const char *steps)
{
    char json[2048];
    snprintf(
        json, sizeof json,
        "{\"name\":\"t\",\"rules\":[{\"name\":\"r\",\"match\":{\"operation\":\"getGuildById\"},"
        "\"script\":[%s]}]}",
        steps);
    scenario(json);
}

static enum eso_status guild(void)
{
    eso_result_finish(&res);
    return eso_get_guild_by_id(cli, 2290, &res);
}

/* Journal entries of @p op (NULL = all but admin); the caller frees *out. */
static size_t journal(const char *op, struct esomock_journal_entry **out)
{
    struct esomock_journal_filter f = {.operation = op};
    size_t n = 0;
    *out = NULL;
    cr_assert_eq(esomock_server_journal(srv, &f, out, &n), ESOMOCK_OK, "journal");
    return n;
}

static size_t count_path(const char *path)
{
    struct esomock_journal_entry *e = NULL;
    size_t n = journal(NULL, &e), k = 0;
    for (size_t i = 0; i < n; i++)
        k += strcmp(e[i].path, path) == 0;
    free(e);
    return k;
}

/*
 * Gap between arrivals i-1 and i, when the client waited @p min_ms after the server's
 * answer to i-1. At least @p min_ms whatever the load (issue 14: a 15 ms allowance was
 * not enough on a loaded machine, and none is needed): i-1 was stamped on arrival, before
 * its answer, which the client had before it began to wait; 0.5 ms for the stamps'
 * rounding. At most min + 400 ms (more under valgrind): an allowance for a slow machine.
 */
static void check_gap(const struct esomock_journal_entry *e, size_t i, double min_ms)
{
    double gap = e[i].t_ms - e[i - 1].t_ms;
    cr_assert(gap >= min_ms - 0.5, "gap %zu is %.1f ms, want >= %.1f", i, gap, min_ms);
    cr_assert(gap < min_ms + slack_ms, "gap %zu is %.1f ms, want about %.1f", i, gap, min_ms);
}

TestSuite(mock, .init = setup, .fini = teardown, .timeout = 20);
TestSuite(mock_strict, .init = setup_strict, .fini = teardown, .timeout = 20);

Test(mock, typed_calls_happy_path)
{
    create();
    cr_assert_eq(eso_get_guild_by_id(cli, 2290, &res), ESO_OK, "getGuildById: %s", res.detail);
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "guildData"), "data");
    cr_assert_eq(res.attempts, 1, "one attempt");
    cr_assert_eq(res.http_status, 200, "200");
    eso_result_finish(&res);
    struct eso_guilds_query gq = {.limit = 5, .page = 1};
    cr_assert_eq(eso_get_guilds(cli, &gq, &res), ESO_OK, "getGuilds: %s", res.detail);
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "guildData"), "guilds data");
    eso_result_finish(&res);
    struct eso_reports_query rq = {
        .guild_id = 2290, .zone_id = 1, .start_time = 1.6e12, .end_time = 1.8e12, .limit = 10};
    cr_assert_eq(eso_get_reports(cli, &rq, &res), ESO_OK, "getReports: %s", res.detail);
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "reportData"), "reports data");
    eso_result_finish(&res);
    cr_assert_eq(eso_get_ability(cli, 1, &res), ESO_OK, "getAbility: %s", res.detail);
    eso_result_finish(&res);
    cr_assert_eq(eso_get_report_by_code(cli, "a1B2c3D4e5F6g7H8", &res), ESO_OK,
                 "getReportByCode: %s", res.detail);
    eso_result_finish(&res);
    cr_assert_eq(eso_get_character_by_id(cli, 1, &res), ESO_OK, "getCharacterById: %s", res.detail);
    eso_result_finish(&res);
    cr_assert_eq(eso_get_zones(cli, &res), ESO_OK, "getZones: %s", res.detail);
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "worldData"), "zones data");
    eso_result_finish(&res);
    struct eso_rate_limit rl = {0};
    cr_assert_eq(eso_get_rate_limit_data(cli, &rl, &res), ESO_OK, "getRateLimitData: %s",
                 res.detail);
    cr_assert(rl.limit_per_hour > 0, "limit decoded: %f", rl.limit_per_hour);
    struct esomock_journal_entry *e = NULL;
    size_t n = journal("getReports", &e);
    cr_assert_eq(n, 1, "the server saw getReports once");
    cr_assert(strstr(e[0].variables, "\"guildID\":2290") != NULL, "variables: %s", e[0].variables);
    cr_assert(e[0].attempt == 1 && e[0].request_id[0] != '\0', "X-Attempt and X-Request-Id sent");
    free(e);
}

/* Fill the required variables of a document with placeholder values. */
static cJSON *required_vars(const char *doc)
{
    cJSON *vars = cJSON_CreateObject();
    const char *end = strchr(doc, '{');
    for (const char *p = strchr(doc, '$'); p != NULL && p < end; p = strchr(p + 1, '$')) {
        char name[64] = "", type[64] = "";
        if (sscanf(p + 1, "%63[A-Za-z0-9_]: %63[A-Za-z0-9_!]", name, type) != 2)
            continue;
        if (type[strlen(type) - 1] != '!')
            continue;
        if (strncmp(type, "Int", 3) == 0 || strncmp(type, "Float", 5) == 0)
            cJSON_AddNumberToObject(vars, name, 1);
        else if (strncmp(type, "Boolean", 7) == 0)
            cJSON_AddTrueToObject(vars, name);
        else /* 16 letters: also a well-formed report code (eso-mock refuses others) */
            cJSON_AddStringToObject(vars, name, "abcdefghijklmnop");
    }
    return vars;
}

Test(mock, all_39_operations_in_one_batch)
{
    create();
    size_t n = eso_operation_count();
    struct eso_batch_item *items = calloc(n, sizeof *items);
    cJSON **vars = calloc(n, sizeof *vars);
    for (size_t i = 0; i < n; i++) {
        items[i].operation = eso_operation_name(i);
        vars[i] = required_vars(eso_operation_document(items[i].operation));
        items[i].variables = vars[i];
    }
    cr_assert_eq(eso_batch(cli, items, n, 4), ESO_OK, "batch");
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(items[i].result.status, ESO_OK, "%s: %s (%s)", items[i].operation,
                     eso_status_name(items[i].result.status), items[i].result.detail);
        eso_result_finish(&items[i].result);
        cJSON_Delete(vars[i]);
    }
    free(items);
    free(vars);
    /* Concurrency: at most 4 attempts in flight, and 4 at once at some point. Counted from
     * the client's events (the batch emits them in order on one thread): the server's
     * completion stamps, taken by threads a loaded machine runs late, made requests look
     * longer than they were and overlap more (issue 14). */
    int in_flight = 0, most = 0;
    for (size_t i = 0; i < rec.n; i++) {
        in_flight += rec.ev[i].kind == ESO_EV_ATTEMPT_START;
        in_flight -= rec.ev[i].kind == ESO_EV_ATTEMPT_END;
        most = in_flight > most ? in_flight : most;
    }
    cr_assert(rec.n < sizeof rec.ev / sizeof *rec.ev, "every event recorded: %zu", rec.n);
    cr_assert_eq(most, 4, "at most 4 in flight, and 4 at once: %d", most);
    cr_assert_eq(count_path("/api/v2/client"), n, "one request per operation");
}

Test(mock, unknown_operation_is_a_graphql_error)
{
    create();
    cr_assert_eq(eso_query(cli, "getNothing", "query getNothing { nothing { id } }", NULL, &res),
                 ESO_GRAPHQL_ERROR, "GraphQL error: %s", res.detail);
    cr_assert_not_null(res.errors, "errors handed back");
    cr_assert(strlen(res.detail) > 0, "first message kept");
    cr_assert_eq(res.attempts, 1, "not retried");
    cr_assert_eq(count_path("/api/v2/client"), 1, "the server saw one request");
}

Test(mock, keep_alive_connections_are_reused)
{
    create();
    for (int i = 0; i < 3; i++)
        cr_assert_eq(guild(), ESO_OK, "call %d: %s", i, res.detail);
    struct eso_counters cnt;
    eso_client_counters(cli, &cnt);
    /* The token request opens one connection of its own (another URL path, same host). */
    cr_assert_eq(cnt.connections_reused, 3, "every API request reused a connection: %llu",
                 (unsigned long long)cnt.connections_reused);
    cr_assert_eq(cnt.token_fetches, 1, "one token");
}

Test(mock_strict, token_fetched_once_then_refreshed_on_401)
{
    create();
    cr_assert_eq(guild(), ESO_OK, "strict auth accepts the issued token: %s", res.detail);
    cr_assert_eq(guild(), ESO_OK, "again");
    cr_assert_eq(count_path("/oauth/token"), 1, "token cached");
    guild_script("{\"action\":\"respond\",\"status\":401,\"body\":{\"error\":\"Unauthenticated.\"},"
                 "\"times\":1,\"repeat\":false}");
    cr_assert_eq(guild(), ESO_OK, "401 -> refresh -> ok: %s", res.detail);
    cr_assert_eq(res.attempts, 2, "two attempts");
    cr_assert_eq(count_path("/oauth/token"), 2, "one refresh");
    cr_assert_eq(recorder_count(&rec, ESO_EV_TOKEN_INVALIDATED), 1, "event");
}

Test(mock_strict, expired_tokens_are_renewed_before_use)
{
    scenario(
        "{\"name\":\"t\",\"settings\":{\"strict_auth\":true,\"token_ttl_s\":20},\"rules\":[]}");
    create();
    cr_assert_eq(guild(), ESO_OK, "first: %s", res.detail);
    size_t before = count_path("/oauth/token");
    /* 20 scenario s = 400 ms; the client renews at half the lifetime (200 ms). */
    eso_result_finish(&res);
    struct timespec ts = {0, 250 * 1000 * 1000};
    nanosleep(&ts, NULL); /* let the token age: this is the behaviour under test, not a sync */
    cr_assert_eq(guild(), ESO_OK, "renewed proactively: %s", res.detail);
    cr_assert_eq(res.attempts, 1, "no 401 seen");
    cr_assert_eq(count_path("/oauth/token"), before + 1, "renewed once before the call");
    cr_assert_eq(recorder_count(&rec, ESO_EV_TOKEN_FETCH), before + 1, "token_fetch events");
}

Test(mock_strict, bad_credentials_fail_auth)
{
    opts.client_secret = "wrong";
    create();
    cr_assert_eq(guild(), ESO_AUTH_FAILED, "token endpoint refuses: %s", res.detail);
    cr_assert_eq(count_path("/api/v2/client"), 0, "the API was not called");
    for (size_t i = 0; i < rec.n; i++)
        cr_assert(strstr(rec.ev[i].json, "wrong") == NULL &&
                      strstr(rec.ev[i].json, "it-secret") == NULL,
                  "no secret in events: %s", rec.ev[i].json);
}

/* Issue 14.4: eso-mock's token endpoint answers a token that would end the
 * Authorization header and add another: refused, and the API never sees it. */
Test(mock, header_injection_through_the_token_is_refused)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"name\":\"evil\",\"match\":{\"path\":"
             "\"/oauth/token\"},\"script\":[{\"action\":\"respond\",\"status\":200,\"body\":"
             "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":"
             "\"abc\\r\\nX-Injected: yes\"}}]}]}");
    create();
    cr_assert_eq(guild(), ESO_PROTOCOL_ERROR, "%s: %s", eso_status_name(res.status), res.detail);
    cr_assert_eq(count_path("/oauth/token"), 1, "one token request, not retried");
    cr_assert_eq(count_path("/api/v2/client"), 0, "no API request carried it");
}

Test(mock, rate_limited_429_honours_retry_after)
{
    guild_script("{\"action\":\"respond\",\"status\":429,\"headers\":{\"Retry-After\":\"5\"},"
                 "\"body\":{\"message\":\"Too Many Attempts.\"},\"times\":2,\"repeat\":false}");
    create();
    cr_assert_eq(guild(), ESO_OK, "ok on the third: %s", res.detail);
    cr_assert_eq(res.attempts, 3, "three attempts");
    struct esomock_journal_entry *e = NULL;
    size_t n = journal("getGuildById", &e);
    cr_assert_eq(n, 3, "journaled three");
    cr_assert_eq(e[0].status, 429, "429");
    /* Retry-After 5 s = 100 ms; the backoff alone would have been 20 and 40 ms. */
    check_gap(e, 1, 5 * 1000 * SCALE);
    check_gap(e, 2, 5 * 1000 * SCALE);
    free(e);
}

Test(mock, retry_after_http_date_in_the_past)
{
    guild_script("{\"action\":\"respond\",\"status\":429,\"headers\":{\"Retry-After\":"
                 "\"Wed, 21 Oct 2015 07:28:00 GMT\"},\"times\":1,\"repeat\":false}");
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    cr_assert_eq(res.attempts, 2, "retried at once");
    const struct rec_event *r = recorder_find(&rec, ESO_EV_RETRY_SCHEDULED, 0);
    cr_assert_float_eq(r->delay_ms, 0.0, 1e-9, "no wait for a past date");
    cr_assert_str_eq(r->reason, "retry_after", "reason");
}

Test(mock, retry_after_beyond_cap_fails_fast)
{
    guild_script("{\"action\":\"respond\",\"status\":429,\"headers\":{\"Retry-After\":\"3600\"}}");
    create();
    cr_assert_eq(guild(), ESO_RATE_LIMITED, "rate limited");
    cr_assert_eq(res.attempts, 1, "no retry");
    cr_assert_eq(count_path("/api/v2/client"), 1, "journaled once");
}

Test(mock, server_errors_back_off_exponentially)
{
    guild_script("{\"action\":\"respond\",\"status\":503,\"times\":2,\"repeat\":false}");
    opts.initial_delay_ms = 5000; /* 100 ms, then 200 ms */
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    struct esomock_journal_entry *e = NULL;
    size_t n = journal("getGuildById", &e);
    cr_assert_eq(n, 3, "three attempts journaled");
    check_gap(e, 1, 5000 * SCALE);
    check_gap(e, 2, 10000 * SCALE);
    cr_assert_eq(e[1].attempt, 2, "X-Attempt 2");
    cr_assert_str_eq(e[0].request_id, e[2].request_id, "one request id for the whole call");
    free(e);
}

Test(mock, status_500_is_not_retried_by_default)
{
    guild_script("{\"action\":\"respond\",\"status\":500}");
    create();
    cr_assert_eq(guild(), ESO_SERVER_ERROR, "500");
    cr_assert_eq(count_path("/api/v2/client"), 1, "once");
}

Test(mock, outage_exhausts_attempts)
{
    guild_script("{\"action\":\"respond\",\"status\":502}");
    opts.max_attempts = 3;
    create();
    cr_assert_eq(guild(), ESO_SERVER_ERROR, "502 after all attempts");
    cr_assert_eq(res.http_status, 502, "status kept");
    cr_assert_eq(count_path("/api/v2/client"), 3, "three journaled");
}

Test(mock, hang_is_a_read_timeout_then_success)
{
    guild_script("{\"action\":\"hang\",\"times\":1,\"repeat\":false}");
    opts.read_timeout_ms = 5000; /* 100 ms */
    create();
    cr_assert_eq(guild(), ESO_OK, "ok after the timeout: %s", res.detail);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(a->curl_code, 28, "curl 28");
    cr_assert_str_eq(a->reason, "read_timeout", "our read timer fired");
    cr_assert(a->json[0] != '\0', "event");
    /* No answer came to the first: the client's own clock says how long it waited. */
    cr_assert(a->duration_ms >= 100.0, "the read timer fired after 100 ms: %s", a->json);
    const struct rec_event *r = recorder_find(&rec, ESO_EV_RETRY_SCHEDULED, 0);
    cr_assert(r != NULL && fabs(r->delay_ms - 1000 * SCALE) < 1e-6, "then the 20 ms backoff");
    cr_assert_eq(count_path("/api/v2/client"), 2, "two attempts journaled");
}

Test(mock, dropped_connection_is_retried)
{
    /* A fresh connection: on a reused keep-alive one libcurl itself re-sends a request
     * that got no byte back (a stale connection), which would hide the fault. */
    opts.bearer_token = "t";
    guild_script("{\"action\":\"drop\",\"times\":1,\"repeat\":false}");
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(a->status, ESO_CONNECTION_DROPPED, "dropped: %s", a->json);
    cr_assert_eq(a->curl_code, 52, "curl 52");
    cr_assert_eq(count_path("/api/v2/client"), 2, "two journaled");
}

Test(mock, reset_connection_is_retried)
{
    /* A fresh connection: on a reused keep-alive one libcurl itself re-sends a request
     * that got no byte back (a stale connection), which would hide the fault. */
    opts.bearer_token = "t";
    guild_script("{\"action\":\"reset\",\"times\":1,\"repeat\":false}");
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(a->status, ESO_CONNECTION_RESET, "reset: %s", a->json);
    cr_assert_eq(a->curl_code, 56, "curl 56");
}

Test(mock, truncated_body_is_retried)
{
    /* A fresh connection: on a reused keep-alive one libcurl itself re-sends a request
     * that got no byte back (a stale connection), which would hide the fault. */
    opts.bearer_token = "t";
    guild_script(
        "{\"action\":\"truncate\",\"bytes\":20,\"end\":\"close\",\"times\":1,\"repeat\":false}");
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(a->status, ESO_TRUNCATED, "truncated: %s", a->json);
    cr_assert_eq(a->curl_code, 18, "curl 18");
}

Test(mock, malformed_json_is_retried)
{
    guild_script("{\"action\":\"malformed\",\"times\":1,\"repeat\":false}");
    create();
    cr_assert_eq(guild(), ESO_OK, "ok: %s", res.detail);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(a->status, ESO_MALFORMED_JSON, "malformed: %s", a->json);
    cr_assert_eq(res.attempts, 2, "two attempts");
}

Test(mock, outage_with_fallback_cache_serves_stale)
{
    opts.fallback_cache = true;
    opts.max_attempts = 2;
    create();
    cr_assert_eq(guild(), ESO_OK, "fresh");
    guild_script("{\"action\":\"respond\",\"status\":503}");
    cr_assert_eq(guild(), ESO_OK, "stale");
    cr_assert(res.from_cache, "from the cache");
    cr_assert_eq(res.cause, ESO_SERVER_ERROR, "masking a 503");
    cr_assert_not_null(cJSON_GetObjectItem(res.data, "guildData"), "the data");
}

static uint16_t closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0, "bind");
    getsockname(fd, (struct sockaddr *)&a, &len);
    close(fd);
    return ntohs(a.sin_port);
}

Test(mock, refused_connection_retries_then_opens_breaker)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v2/client", (unsigned)closed_port());
    opts.api_url = url;
    opts.bearer_token = "t";
    opts.max_attempts = 3;
    opts.breaker_threshold = 5;
    create();
    cr_assert_eq(guild(), ESO_CONNECT_FAILED, "refused");
    cr_assert_eq(res.attempts, 3, "retried");
    cr_assert_eq(res.curl_code, 7, "curl 7");
    cr_assert_eq(guild(), ESO_BREAKER_OPEN, "the fifth failure opened it mid-call");
    cr_assert_eq(res.attempts, 2, "two more attempts, then the gate");
    cr_assert_eq(guild(), ESO_BREAKER_OPEN, "fails fast");
    cr_assert_eq(res.attempts, 0, "no attempt");
    cr_assert_eq(eso_client_breaker_state(cli), ESO_BREAKER_STATE_OPEN, "open");
}

Test(mock, blackhole_is_a_connect_timeout)
{
    char url[256];
    snprintf(url, sizeof url, "%s/api/v2/client", esomock_server_blackhole_url(srv));
    opts.api_url = url;
    opts.bearer_token = "t";
    opts.max_attempts = 2;
    opts.connect_timeout_ms = 2500; /* 50 ms */
    create();
    cr_assert_eq(guild(), ESO_TIMEOUT, "connect timeout: %s", res.detail);
    cr_assert_eq(res.curl_code, 28, "curl 28");
    cr_assert_str_eq(recorder_find(&rec, ESO_EV_ATTEMPT_END, 0)->reason, "connect_timeout",
                     "phase");
    cr_assert_eq(res.attempts, 2, "retried");
}

struct hang_arg {
    struct eso_client *c;
    enum eso_status st;
};

static void *hang_call(void *p)
{
    struct hang_arg *a = p;
    struct eso_result r;
    a->st = eso_get_guild_by_id(a->c, 2290, &r);
    eso_result_finish(&r);
    return NULL;
}

Test(mock, pool_timeout_when_every_connection_is_busy)
{
    guild_script("{\"action\":\"hang\",\"times\":1,\"repeat\":false}");
    opts.bearer_token = "t";
    opts.max_connections = 1;
    opts.max_attempts = 1;
    opts.timeout_ms = 250000;     /* 5 s */
    opts.read_timeout_ms = 40000; /* 800 ms: the hung call holds the only connection that long */
    opts.pool_timeout_ms = 2500;  /* 50 ms */
    create();
    struct hang_arg a = {.c = cli};
    pthread_t th;
    pthread_create(&th, NULL, hang_call, &a);
    /* Any request: the journal names the operation only after arrival, without a wake-up. */
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 1, false, 5000), 1,
                 "the hang is in flight");
    eso_result_finish(&res);
    enum eso_status st = eso_get_zones(cli, &res);
    cr_assert_eq(st, ESO_POOL_TIMEOUT, "no free connection: %s %s", eso_status_name(st),
                 res.detail);
    pthread_join(th, NULL);
    cr_assert_eq(a.st, ESO_TIMEOUT, "the hung call timed out: %s", eso_status_name(a.st));
}

/* Issue 14.1: with a token endpoint that never answers, the wait after a failed fetch
 * was measured from before the fetch, so the call slept through its deadline (1.5 s here)
 * and ended up to one attempt timeout late, with no second fetch. */
Test(mock, deadline_holds_when_the_token_endpoint_never_answers)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"name\":\"silent\",\"match\":{\"path\":"
             "\"/oauth/token\"},\"script\":[{\"action\":\"hang\"}]}]}");
    opts.timeout_ms = 50000;       /* 1 s real per fetch */
    opts.read_timeout_ms = 50000;  /* 1 s */
    opts.initial_delay_ms = 10000; /* 200 ms */
    opts.deadline_ms = 75000;      /* 1.5 s */
    create();
    cr_assert_eq(guild(), ESO_DEADLINE_EXCEEDED, "the deadline ends it: %s %s",
                 eso_status_name(res.status), res.detail);
    /* 0-1000 ms the first fetch, 200 ms backoff, 1200-1500 ms the second (clipped). Late
     * wake-ups on a loaded machine delay the end by a few ms, not by a fetch (700 ms). */
    double late = under_valgrind() ? 500.0 : 250.0; /* the old code: 700 ms late */
    cr_assert(res.elapsed_ms <= 1500.0 + late, "ended at %.1f ms, deadline 1500 ms",
              res.elapsed_ms);
    cr_assert_eq(recorder_count(&rec, ESO_EV_TOKEN_FETCH), 2, "a second fetch in the time left");
    cr_assert_eq(count_path("/oauth/token"), 2, "the server saw both token requests");
    cr_assert_eq(count_path("/api/v2/client"), 0, "no API request without a token");
    const struct rec_event *r = recorder_find(&rec, ESO_EV_RETRY_SCHEDULED, 0);
    cr_assert(r != NULL && r->delay_ms == 200.0, "one 200 ms backoff: %s", r ? r->json : "none");
}

/* Issue 14.1: after waiting for a free connection, the transfer still got the time that
 * was left before the wait, and ran past the deadline by the wait. */
Test(mock, deadline_holds_after_a_wait_for_a_free_connection)
{
    guild_script("{\"action\":\"hang\",\"times\":2,\"repeat\":false}");
    opts.bearer_token = "t";
    opts.on_event = NULL; /* two threads: the recorder is not thread-safe */
    opts.max_connections = 1;
    opts.max_attempts = 1;
    opts.timeout_ms = 250000;      /* 5 s */
    opts.read_timeout_ms = 40000;  /* 800 ms: the first call holds the connection that long */
    opts.pool_timeout_ms = 250000; /* 5 s: the second call waits for it */
    opts.deadline_ms = 50000;      /* 1 s */
    create();
    struct hang_arg a = {.c = cli};
    pthread_t th;
    pthread_create(&th, NULL, hang_call, &a);
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 1, false, 5000), 1,
                 "the first call is in flight");
    /* Waits ~800 ms for the connection, then has ~200 ms left, and its request hangs too. */
    cr_assert_eq(guild(), ESO_DEADLINE_EXCEEDED, "%s: %s", eso_status_name(res.status), res.detail);
    pthread_join(th, NULL);
    double late = under_valgrind() ? 500.0 : 250.0; /* the old code: 600 ms late */
    cr_assert(res.elapsed_ms <= 1000.0 + late, "ended at %.1f ms, deadline 1000 ms",
              res.elapsed_ms);
    cr_assert_eq(count_path("/api/v2/client"), 2, "both requests reached the server");
}

/* The order of a batch's events, for the test below: the recorder keeps 256 at most. */
struct order_log {
    struct {
        enum eso_event_kind kind;
        uint64_t call;
        enum eso_status status;
    } ev[2048];
    size_t n;
};

static void order_fn(const struct eso_event *ev, void *userdata)
{
    struct order_log *log = userdata;
    if (log->n < sizeof log->ev / sizeof *log->ev) {
        log->ev[log->n].kind = ev->kind;
        log->ev[log->n].call = ev->call_id;
        log->ev[log->n].status = ev->status;
        log->n++;
    }
}

/*
 * Issue 15.2: the token request was made inside the call machine, blocking, so in a batch
 * every other transfer stood still while one call fetched a token (1 s here). Now the fetch
 * is one more transfer of the multi driver: a call whose 401 dropped the token fetches a
 * new one while the others' answers (200 ms late) keep arriving, and the calls that need
 * the token wait for that one fetch instead of making their own.
 */
Test(mock, a_token_fetch_does_not_hold_up_a_batch)
{
    scenario("{\"name\":\"t\",\"rules\":["
             "{\"name\":\"slow-token\",\"match\":{\"path\":\"/oauth/token\"},"
             "\"script\":[{\"action\":\"delay\",\"delay_ms\":50000}]},"
             "{\"name\":\"one-401\",\"match\":{\"operation\":\"getGuildById\"},\"script\":["
             "{\"action\":\"respond\",\"status\":401,\"body\":{\"error\":\"Unauthenticated.\"}},"
             "{\"action\":\"delay\",\"delay_ms\":10000}]}]}");
    static struct order_log log;
    memset(&log, 0, sizeof log);
    opts.on_event = order_fn;
    opts.event_userdata = &log;
    opts.timeout_ms = 250000;      /* 5 s: a fetch of 1 s fits */
    opts.read_timeout_ms = 250000; /* 5 s */
    opts.deadline_ms = 1000000;    /* 20 s */
    create();
    enum { N = 64 };
    cJSON *vars = cJSON_Parse("{\"guildId\":2290}");
    struct eso_batch_item items[N];
    memset(items, 0, sizeof items);
    for (int i = 0; i < N; i++) {
        items[i].operation = "getGuildById";
        items[i].variables = vars;
    }
    cr_assert_eq(eso_batch(cli, items, N, N), ESO_OK, "batch");
    for (int i = 0; i < N; i++) {
        cr_assert_eq(items[i].result.status, ESO_OK, "item %d: %s (%s)", i,
                     eso_status_name(items[i].result.status), items[i].result.detail);
        eso_result_finish(&items[i].result);
    }
    cJSON_Delete(vars);
    cr_assert(log.n < sizeof log.ev / sizeof *log.ev, "every event recorded: %zu", log.n);
    /* Two fetches for 64 calls: the first one's, and the one after the 401. */
    cr_assert_eq(count_path("/oauth/token"), 2, "one fetch at a time, shared");
    size_t invalidated = SIZE_MAX, refetched = SIZE_MAX, fetches = 0;
    for (size_t i = 0; i < log.n; i++) {
        if (log.ev[i].kind == ESO_EV_TOKEN_INVALIDATED && invalidated == SIZE_MAX)
            invalidated = i;
        if (log.ev[i].kind == ESO_EV_TOKEN_FETCH) {
            fetches++;
            if (invalidated != SIZE_MAX && refetched == SIZE_MAX)
                refetched = i;
        }
    }
    cr_assert_eq(fetches, 2, "two token_fetch events");
    cr_assert(invalidated != SIZE_MAX && refetched != SIZE_MAX, "a 401, then a fetch");
    uint64_t refetcher = log.ev[invalidated].call;
    size_t moving = 0;
    for (size_t i = invalidated + 1; i < refetched; i++)
        moving += log.ev[i].kind == ESO_EV_ATTEMPT_END && log.ev[i].call != refetcher &&
                  log.ev[i].status == ESO_OK;
    /* The old code: 0, every answer waited for the fetch to end. */
    cr_assert(moving >= 1,
              "other calls' answers arrive while call %llu fetches the token: %zu of %d",
              (unsigned long long)refetcher, moving, N - 1);
}

static void *five_calls(void *p)
{
    struct eso_client *c = p;
    intptr_t ok = 0;
    for (int i = 0; i < 5; i++) {
        struct eso_result r;
        ok += eso_get_guild_by_id(c, 2290, &r) == ESO_OK;
        eso_result_finish(&r);
    }
    return (void *)ok;
}

Test(mock, one_client_shared_by_threads)
{
    opts.max_connections = 2; /* four threads share two connections */
    opts.pool_timeout_ms = 100000;
    create();
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, five_calls, cli);
    intptr_t ok = 0;
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        pthread_join(th[i], &r);
        ok += (intptr_t)r;
    }
    cr_assert_eq(ok, 20, "every call succeeded");
    struct eso_counters cnt;
    eso_client_counters(cli, &cnt);
    cr_assert_eq(cnt.calls, 20, "calls counted");
    cr_assert_eq(cnt.attempts, 20, "attempts counted");
    cr_assert_eq(cnt.token_fetches, 1, "one token for all threads (single flight)");
    cr_assert_eq(count_path("/oauth/token"), 1, "the server saw one token request");
    cr_assert(cnt.connections_opened <= 2, "at most two API connections: %llu",
              (unsigned long long)cnt.connections_opened);
}

Test(mock, slow_drip_within_the_read_timeout_succeeds)
{
    /* 32 bytes every 20 ms real: never silent for the 250 ms read timeout (a loaded
     * machine may run the server's timer late, but not by 230 ms), and the whole answer
     * takes longer than that. */
    guild_script("{\"action\":\"drip\",\"chunk_bytes\":32,\"interval_ms\":1000}");
    opts.bearer_token = "t";
    /* 250 ms; 500 ms under memcheck, whose server threads may stall longer. */
    opts.read_timeout_ms = under_valgrind() ? 25000 : 12500;
    opts.timeout_ms = 250000; /* 5 s */
    opts.max_attempts = 1;
    create();
    cr_assert_eq(guild(), ESO_OK, "the read timeout is about silence, not total time: %s",
                 res.detail);
    struct esomock_journal_filter f = {.operation = "getGuildById"};
    cr_assert_eq(esomock_server_wait_for_requests(srv, &f, 1, true, 5000), 1, "completed");
    struct esomock_journal_entry *e = NULL;
    cr_assert_eq(journal("getGuildById", &e), 1, "one attempt");
    cr_assert(e[0].duration_ms > opts.read_timeout_ms * SCALE,
              "the answer took longer than the read timeout: %.1f ms", e[0].duration_ms);
    free(e);
}

Test(mock, slow_drip_past_the_read_timeout_times_out)
{
    /* 16 bytes every 200 ms real: silent longer than the 100 ms read timeout. */
    guild_script("{\"action\":\"drip\",\"chunk_bytes\":16,\"interval_ms\":10000}");
    opts.bearer_token = "t";
    opts.read_timeout_ms = 5000; /* 100 ms */
    opts.max_attempts = 1;
    create();
    cr_assert_eq(guild(), ESO_TIMEOUT, "read timeout: %s", res.detail);
    cr_assert_str_eq(recorder_find(&rec, ESO_EV_ATTEMPT_END, 0)->reason, "read_timeout", "phase");
    cr_assert(strstr(res.detail, "read timeout") != NULL, "detail: %s", res.detail);
}

/* Audit: on a warm keep-alive connection libcurl re-sent a dropped request by itself and
 * the call reported one attempt while the server saw two. */
static void hidden_resend(const char *action, enum eso_status first)
{
    char steps[128];
    snprintf(steps, sizeof steps, "{\"action\":\"%s\",\"times\":1,\"repeat\":false}", action);
    guild_script(steps);
    opts.max_attempts = 3;
    create();
    /* The token request warms the one pooled connection the API request then reuses. */
    cr_assert_eq(guild(), ESO_OK, "ok in the end: %s", res.detail);
    size_t wire = count_path("/api/v2/client");
    cr_assert_eq(wire, 2, "the server saw the request and its resend");
    cr_assert_eq(res.attempts, wire, "attempts agree with the server: %u", res.attempts);
    struct eso_counters cnt;
    eso_client_counters(cli, &cnt);
    cr_assert_eq(cnt.attempts, wire, "counters agree: %llu", (unsigned long long)cnt.attempts);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_eq(a->status, first, "first attempt: %s", a->json);
    cr_assert(strstr(a->detail, "libcurl resent") != NULL, "says who resent it: %s", a->json);
    cr_assert_eq(recorder_count(&rec, ESO_EV_ATTEMPT_START), 2, "two attempt_start");
}

Test(mock, hidden_libcurl_resend_after_a_drop_is_counted)
{
    hidden_resend("drop", ESO_CONNECTION_DROPPED);
}

Test(mock, hidden_libcurl_resend_after_a_reset_is_counted)
{
    hidden_resend("reset", ESO_CONNECTION_RESET);
}

Test(mock, no_retry_means_no_hidden_resend)
{
    guild_script("{\"action\":\"drop\",\"times\":1,\"repeat\":false}");
    opts.max_attempts = 1;
    create();
    cr_assert_eq(eso_get_zones(cli, &res), ESO_OK, "warms the connection");
    cr_assert_eq(guild(), ESO_CONNECTION_DROPPED, "the drop is the answer: %s", res.detail);
    cr_assert_eq(res.attempts, 1, "one attempt");
    cr_assert_eq(count_path("/api/v2/client"), 2, "getZones and one getGuildById: no resend");
}

/* Audit: the hidden getRateLimitData refresh ran a whole retry cycle before every call
 * during an outage, outside the call's deadline. */
Test(mock, points_refresh_in_an_outage_stays_bounded)
{
    scenario("{\"name\":\"t\",\"rules\":[{\"name\":\"outage\",\"match\":{\"path\":"
             "\"/api/v2/client\"},\"script\":[{\"action\":\"respond\",\"status\":503}]}]}");
    opts.bearer_token = "t";
    opts.points_aware = true;
    opts.max_attempts = 2;
    opts.initial_delay_ms = 500;  /* 10 ms */
    opts.breaker_disabled = true; /* an open breaker would hide the refresh's behaviour */
    if (!under_valgrind())
        opts.deadline_ms = 25000; /* 500 ms: room for a loaded machine's slow calls */
    create();
    double deadline_ms = opts.deadline_ms * SCALE;
    for (int i = 0; i < 3; i++) {
        size_t before = count_path("/api/v2/client");
        cr_assert_eq(guild(), ESO_SERVER_ERROR, "call %d: the outage", i);
        size_t sent = count_path("/api/v2/client") - before;
        cr_assert(sent <= (i == 0 ? 3u : 2u), "call %d: %zu requests (refresh only once)", i, sent);
        /* 100 ms for a late wake-up on a loaded machine; the refresh outside the deadline
         * this guards against took a whole retry cycle. */
        cr_assert(res.elapsed_ms <= deadline_ms + 100.0, "call %d within its deadline: %.1f ms", i,
                  res.elapsed_ms);
    }
    cr_assert_eq(count_path("/api/v2/client"), 7, "1 refresh + 3 x 2 attempts");
    const struct rec_event *r = recorder_find(&rec, ESO_EV_PACING_REFRESH, 0);
    cr_assert(r != NULL && strcmp(r->reason, "failed_backing_off") == 0, "reported");
    cr_assert_eq(recorder_count(&rec, ESO_EV_PACING_REFRESH), 1, "no second refresh");
}

/* The call id in an X-Request-Id ("<client>-<call id>"). */
static uint64_t call_of(const char *request_id)
{
    const char *dash = strrchr(request_id, '-');
    return dash != NULL ? strtoull(dash + 1, NULL, 10) : 0;
}

Test(mock, points_aware_pacing_spreads_the_mock_budget)
{
    /* 10 points per 100 s (2 s real): 9 usable, 8 left after getRateLimitData, so about
     * one call per 12.5 scenario s (250 ms real), far longer than a call takes even on a
     * loaded machine, so every call waits. */
    scenario("{\"name\":\"t\",\"settings\":{\"rate_limit\":{\"points_per_hour\":10,"
             "\"period_s\":100}},\"rules\":[]}");
    opts.bearer_token = "t";
    opts.points_aware = true;
    opts.max_attempts = 1;
    create();
    for (int i = 0; i < 4; i++)
        cr_assert_eq(guild(), ESO_OK, "call %d paced, never 429: %s", i, res.detail);
    struct esomock_journal_entry *e = NULL;
    size_t n = journal(NULL, &e);
    cr_assert_eq(n, 5, "getRateLimitData, then the four calls");
    cr_assert_str_eq(e[0].operation, "getRateLimitData", "learnt the budget first");
    /* Issue 14 (flaky): this compared the arrivals' span with 3 intervals less 15 ms, but
     * the interval shrinks as the period runs and the server stamps arrivals from threads
     * a loaded machine runs late. What holds whatever the load: the client waited before
     * each call (its pacing_wait events, each within what the budget allows: the 2 s
     * period over the 5 points left at the last call), and the server saw each call at
     * least that wait after the one before, because the one before was stamped on arrival,
     * before its answer, which the client had before it began to wait. */
    double most = 2000.0 / 5 + 1;
    for (size_t i = 1; i < n; i++) {
        uint64_t id = call_of(e[i].request_id);
        double waited = -1;
        for (size_t k = 0; k < rec.n; k++) {
            if (rec.ev[k].kind == ESO_EV_PACING_WAIT && rec.ev[k].call_id == id)
                waited = rec.ev[k].delay_ms;
        }
        /* The first call may find its slot free after the refresh; under memcheck a call
         * may take longer than the interval, and the next then needs no wait. */
        if ((i == 1 || under_valgrind()) && waited < 0)
            continue;
        cr_assert(waited > 0 && waited <= most, "call %zu waited %.1f ms (at most %.1f)", i, waited,
                  most);
        double gap = e[i].t_ms - e[i - 1].t_ms;
        cr_assert(gap >= waited - 0.5,
                  "the server saw call %zu %.1f ms after the one before, "
                  "it waited %.1f ms",
                  i, gap, waited);
    }
    free(e);
}

Test(mock, rate_limit_budget_429_waits_for_the_reset)
{
    /* 3 points per 15 s (300 ms real; 4 s under memcheck, whose calls are slow); a spent
     * budget answers 429 + Retry-After (whole seconds until the reset), which the client
     * honours. */
    double period_s = under_valgrind() ? 200 : 15;
    char json[256];
    snprintf(json, sizeof json,
             "{\"name\":\"t\",\"settings\":{\"rate_limit\":{\"points_per_hour\":3,"
             "\"period_s\":%.0f}},\"rules\":[]}",
             period_s);
    scenario(json);
    opts.bearer_token = "t";
    opts.max_attempts = 3;
    opts.retry_after_max_ms = (uint32_t)(period_s * 1000 + 1000);
    create();
    /* A loaded machine may let a period roll over between calls: go on until one call
     * meets the spent budget (the fourth, unless the period rolled). */
    int i = 0;
    for (; i < 8; i++) {
        cr_assert_eq(guild(), ESO_OK, "call %d: %s", i, res.detail);
        if (res.attempts > 1)
            break;
    }
    cr_assert(i >= 3 && i < 8, "a call met the spent budget after three: call %d", i);
    cr_assert_eq(res.attempts, 2, "one 429, then the wait, then success");
    const struct rec_event *r = recorder_find(&rec, ESO_EV_RETRY_SCHEDULED, 0);
    cr_assert_eq(r->status, ESO_RATE_LIMITED, "after a 429: %s", r->json);
    cr_assert_str_eq(r->reason, "retry_after", "Retry-After honoured: %s", r->json);
    cr_assert(r->delay_ms > 0 && r->delay_ms <= period_s * 1000 * SCALE + 1,
              "at most the period: %.1f", r->delay_ms);
}

Test(mock, keep_alive_close_reconnects_without_hidden_attempts)
{
    scenario("{\"name\":\"t\",\"settings\":{\"max_requests_per_connection\":2},\"rules\":[]}");
    opts.bearer_token = "t";
    create();
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(guild(), ESO_OK, "call %d: %s", i, res.detail);
        cr_assert_eq(res.attempts, 1, "call %d: one attempt", i);
    }
    cr_assert_eq(count_path("/api/v2/client"), 5, "five requests, no resend");
    struct eso_counters cnt;
    eso_client_counters(cli, &cnt);
    cr_assert_eq(cnt.connections_opened, 3, "a new connection every two answers: %llu",
                 (unsigned long long)cnt.connections_opened);
}

Test(mock, delay_longer_than_the_read_timeout_is_retried)
{
    guild_script("{\"action\":\"delay\",\"delay_ms\":25000,\"times\":1},"
                 "{\"action\":\"delay\",\"delay_ms\":1000}");
    opts.bearer_token = "t";
    /* 250 ms: well between the two delays (500 ms and 20 ms), so a server timer a loaded
     * machine runs late does not turn the short one into a timeout. */
    opts.read_timeout_ms = 12500;
    if (under_valgrind())
        cr_skip("timing-sensitive");
    create();
    cr_assert_eq(guild(), ESO_OK, "the short delay passes: %s", res.detail);
    cr_assert_eq(res.attempts, 2, "two attempts");
    cr_assert_str_eq(recorder_find(&rec, ESO_EV_ATTEMPT_END, 0)->reason, "read_timeout",
                     "the long delay is a read timeout");
}

Test(mock, graphql_errors_scenario_is_permanent)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/graphql-errors.json", dir != NULL ? dir : SCENARIOS_FALLBACK);
    struct esomock_problems *problems = esomock_problems_create();
    cr_assert_eq(esomock_server_load_scenario_file(srv, path, problems), ESOMOCK_OK, "%s",
                 esomock_problems_text(problems));
    esomock_problems_destroy(problems);
    opts.bearer_token = "t";
    create();
    cr_assert_eq(guild(), ESO_GRAPHQL_ERROR, "complexity error: %s", res.detail);
    cr_assert_eq(res.attempts, 1, "not retried");
    cr_assert_eq(guild(), ESO_OK, "then fine");
    eso_result_finish(&res);
    cJSON *vars = cJSON_Parse("{\"limit\":0}");
    cr_assert_eq(eso_query(cli, "getGuilds", NULL, vars, &res), ESO_GRAPHQL_ERROR,
                 "validation error: %s", res.detail);
    cJSON_Delete(vars);
    cr_assert_eq(res.attempts, 1, "not retried");
    cr_assert_not_null(res.data, "partial data kept");
    cr_assert_eq(count_path("/api/v2/client"), 3, "three requests in all");
}

Test(mock, stalled_upload_is_a_write_timeout)
{
    if (under_valgrind())
        cr_skip("a 30 MB upload under memcheck is too slow");
    esomock_server_stop(srv);
    start_server_with(false, 64u << 20);
    /* The server reads 1 KB every 500 ms real: once the socket buffers are full the upload
     * stalls longer than the 100 ms write timeout. */
    scenario("{\"name\":\"t\",\"rules\":[{\"name\":\"r\",\"match\":{\"path\":"
             "\"/api/v2/client\"},\"script\":[{\"action\":\"slow_read\",\"chunk_bytes\":1024,"
             "\"interval_ms\":25000}]}]}");
    opts.bearer_token = "t";
    opts.max_attempts = 1;
    opts.write_timeout_ms = 5000; /* 100 ms */
    /* 15 s: making and sending a 30 MB body takes seconds on a loaded machine (at
     * --num-processes 8 on 2 cores the call's default deadline, 2.4 s real, ran out first);
     * the stall must be what ends it. Below the suite's 20 s timeout: a .timeout of its own
     * here made Criterion 2.4.1's runner leak 48 bytes, and LeakSanitizer failed the binary. */
    opts.timeout_ms = 750000;
    opts.deadline_ms = 750000;
    create();
    size_t big = 30u << 20;
    char *filler = malloc(big + 1);
    memset(filler, 'x', big);
    filler[big] = '\0';
    cJSON *vars = cJSON_CreateObject();
    cJSON_AddStringToObject(vars, "code", filler);
    free(filler);
    enum eso_status st = eso_query(cli, "getReportByCode", NULL, vars, &res);
    cJSON_Delete(vars);
    cr_assert_eq(st, ESO_TIMEOUT, "timed out: %s %s", eso_status_name(st), res.detail);
    const struct rec_event *a = recorder_find(&rec, ESO_EV_ATTEMPT_END, 0);
    cr_assert_str_eq(a->reason, "write_timeout", "the upload stalled: %s", a->json);
    cr_assert(res.elapsed_ms < 15000.0, "before the total timeout: %.1f ms", res.elapsed_ms);
}
