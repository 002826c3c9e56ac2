/*
 * The subject of the retry-marker meta-tests (test_retry_markers.c): tests that
 * pass or fail on purpose, run one at a time as a subprocess with --filter.
 * Not a meson test itself; several of these tests are meant to fail.
 *
 * Each test owns an in-process eso-mock started in .init, so it outlives the
 * attempts, and creates a libesologs client per attempt with max_attempts = 1:
 * the test marker, not the client, does the retrying. The .fini prints what
 * the meta-tests check as "subject: key=value" lines on stderr.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <esologs/client.h>
#include <esologs/options.h>
#include <esomock/journal.h>
#include <esomock/scenario.h>
#include <esomock/server.h>

#include <esoharness/fixture.h>
#include <esoharness/retry.h>

/* ESOH_TEST gets 3 attempts in this binary (the built-in default would be 4). */
ESOH_TEST_RETRY_DEFAULT(3, 50, 1.0);

#define SCENARIO(name, script)                                                                     \
    "{\"name\":\"" name                                                                            \
    "\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":[" script "]}]}"

static const char fail_twice[] =
    SCENARIO("fail-twice", "{\"times\":2,\"action\":\"respond\",\"status\":503},"
                           "{\"action\":\"pass\"}");
static const char fail_three_times[] =
    SCENARIO("fail-three", "{\"times\":3,\"action\":\"respond\",\"status\":503},"
                           "{\"action\":\"pass\"}");
static const char fail_four_times[] =
    SCENARIO("fail-four", "{\"times\":4,\"action\":\"respond\",\"status\":503},"
                          "{\"action\":\"pass\"}");
static const char bad_request[] = SCENARIO("bad-request", "{\"action\":\"respond\",\"status\":400,"
                                                          "\"body\":{\"message\":\"bad query\"}}");
static const char all_pass[] = SCENARIO("all-pass", "{\"action\":\"pass\"}");

/* One server per test process, shared by the attempts. */
static struct esomock_server *server;
static char api_url[256];

/* The order in which deferred cleanups ran, e.g. "B1,A1,B2,A2". */
static char cleanup_log[256];

static void start_server(const char *scenario)
{
    struct esomock_problems *problems = esomock_problems_create();
    cr_assert_eq(esomock_server_start(NULL, &server, problems), ESOMOCK_OK,
                 "eso-mock did not start: %s", esomock_problems_text(problems));
    cr_assert_eq(
        esomock_server_load_scenario(server, scenario, strlen(scenario), "<inline>", problems),
        ESOMOCK_OK, "scenario refused: %s", esomock_problems_text(problems));
    esomock_problems_destroy(problems);
    snprintf(api_url, sizeof(api_url), "%s/api/v2/client", esomock_server_url(server));
}

static void start_fail_twice(void)
{
    start_server(fail_twice);
}

static void start_fail_three_times(void)
{
    start_server(fail_three_times);
}

static void start_fail_four_times(void)
{
    start_server(fail_four_times);
}

static void start_bad_request(void)
{
    start_server(bad_request);
}

static void start_all_pass(void)
{
    start_server(all_pass);
}

/* Report what the meta-tests check, then stop the server. */
static void report_and_stop(void)
{
    struct esomock_journal_filter filter = {.operation = "getZones"};
    struct esomock_journal_entry *entries = NULL;
    size_t count = 0;
    if (server != NULL && esomock_server_journal(server, &filter, &entries, &count) == ESOMOCK_OK) {
        fprintf(stderr, "subject: requests=%zu\n", count);
        fprintf(stderr, "subject: gaps=");
        for (size_t i = 1; i < count; i++)
            fprintf(stderr, "%s%.1f", i > 1 ? "," : "", entries[i].t_ms - entries[i - 1].t_ms);
        fprintf(stderr, "\n");
    }
    free(entries);
    fprintf(stderr, "subject: attempts=%u\n", esoh_test_attempt());
    fprintf(stderr, "subject: cleanups=%s\n", cleanup_log);
    esomock_server_stop(server);
    server = NULL;
}

static void destroy_client(void *client)
{
    eso_client_destroy(client);
}

/* A client for this attempt only, without client-level retries; released when the attempt ends. */
static struct eso_client *attempt_client(void)
{
    struct eso_options opts = {
        .api_url = api_url,
        .bearer_token = "t",
        .max_attempts = 1,
        .breaker_disabled = true,
        .budget_disabled = true,
        .time_scale = 1.0, /* ESO_TIME_SCALE is for the markers' delays here */
        .timeout_ms = 10000,
    };
    struct eso_client *client = NULL;
    char err[ESO_DETAIL_SIZE] = "";
    enum eso_status rc = eso_client_create(&opts, &client, err);
    cr_assert_eq(rc, ESO_OK, "client: %s: %s", eso_strerror(rc), err);
    esoh_test_defer(destroy_client, client);
    return client;
}

/* getZones through a fresh client: returns on success, hands a transient error to the marker. */
static void query_zones(void)
{
    struct eso_client *client = attempt_client();
    struct eso_result res = {0};
    ESOH_REQUIRE_OK(eso_query(client, "getZones", NULL, NULL, &res), &res); /* mark: require */
    cr_assert_not_null(res.data, "getZones answered without data");
    eso_result_finish(&res);
}

/* The server saw one request per attempt so far. */
static void assert_one_request_per_attempt(void)
{
    struct esomock_journal_filter filter = {.operation = "getZones"};
    struct esomock_journal_entry *entries = NULL;
    size_t count = 0;
    cr_assert_eq(esomock_server_journal(server, &filter, &entries, &count), ESOMOCK_OK);
    free(entries);
    cr_assert_eq(count, esoh_test_attempt(), "%zu requests after attempt %u", count,
                 esoh_test_attempt());
}

ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, passes_on_third, .init = start_fail_twice,
                .fini = report_and_stop)
{
    query_zones();
    assert_one_request_per_attempt();
}

ESOH_NO_RETRY_TEST(retry_subject, no_retry_fails_first, .init = start_fail_twice,
                   .fini = report_and_stop)
{
    query_zones();
}

/* A plain assertion on a transient error is an assertion failure: never retried. */
ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, assertion_not_retried, .init = start_fail_twice,
                .fini = report_and_stop)
{
    struct eso_client *client = attempt_client();
    struct eso_result res = {0};
    enum eso_status rc = eso_query(client, "getZones", NULL, NULL, &res);
    eso_result_finish(&res);
    cr_assert_eq(rc, ESO_OK, "deliberate assertion failure on %s", eso_status_name(rc));
}

ESOH_TEST(retry_subject, default_applies, .init = start_fail_twice, .fini = report_and_stop)
{
    query_zones();
}

/* Three failures exhaust the binary's default of 3 (the built-in 4 would pass). */
ESOH_TEST(retry_subject, default_exhausts, .init = start_fail_three_times, .fini = report_and_stop)
{
    query_zones();
}

ESOH_RETRY_TEST(3, 50, 2.0, retry_subject, exhausted, .init = start_fail_four_times,
                .fini = report_and_stop)
{
    query_zones();
}

ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, permanent_not_retried, .init = start_bad_request,
                .fini = report_and_stop)
{
    query_zones();
}

ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, transient_with_permanent_status, .init = start_all_pass,
                .fini = report_and_stop)
{
    esoh_test_transient(ESO_GRAPHQL_ERROR, "Unknown field 'zones'"); /* mark: permanent */
}

static void note_cleanup(void *tag)
{
    char entry[16];
    snprintf(entry, sizeof(entry), "%s%s%u", cleanup_log[0] != '\0' ? "," : "", (const char *)tag,
             esoh_test_attempt());
    size_t used = strlen(cleanup_log);
    snprintf(cleanup_log + used, sizeof(cleanup_log) - used, "%s", entry);
}

ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, defer_each_attempt, .init = start_fail_twice,
                .fini = report_and_stop)
{
    esoh_test_defer(note_cleanup, "A");
    esoh_test_defer(note_cleanup, "B");
    query_zones();
}

/* Run with ESO_TIME_SCALE=1 and =2: the gaps between requests follow 20 ms, then 40 ms, scaled. */
ESOH_RETRY_TEST(3, 20, 2.0, retry_subject, backoff_timing, .init = start_fail_twice,
                .fini = report_and_stop)
{
    query_zones();
}

static void *transient_from_thread(void *arg)
{
    (void)arg;
    esoh_test_transient(ESO_TIMEOUT, "reported by a helper thread"); /* mark: thread */
}

ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, transient_from_other_thread, .init = start_all_pass,
                .fini = report_and_stop)
{
    pthread_t thread;
    cr_assert_eq(pthread_create(&thread, NULL, transient_from_thread, NULL), 0);
    pthread_join(thread, NULL);
    cr_assert_fail("the helper thread's esoh_test_transient should have ended the test");
}

Test(retry_subject, transient_outside_marker)
{
    esoh_test_transient(ESO_SERVER_ERROR, "HTTP 503"); /* mark: outside */
}

ESOH_RETRY_TEST(0, 50, 1.0, retry_subject, bad_marker) /* mark: marker */
{
    cr_assert_fail("a marker with 0 attempts must not run its body");
}

/* The failures below must point here (the "mark:" lines), not into the harness. */
static const struct esoh_fixture_options bad_fixture = {.scenario_json = "{\"nam\":1}"};

Test(retry_subject, fixture_start_fails)
{
    esoh_fixture_start(&bad_fixture); /* mark: fixture */
    cr_assert_fail("a fixture with a bad scenario must not start");
}

ESOH_RETRY_TEST(3, 50, 1.0, retry_subject, defer_null_cleanup)
{
    esoh_test_defer(NULL, NULL); /* mark: defer */
    cr_assert_fail("esoh_test_defer(NULL, ...) must fail the test");
}
