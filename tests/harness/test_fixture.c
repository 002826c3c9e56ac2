/* The fixture and its journal/event helpers, driven by real client calls. */
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

TestSuite(fixture, .fini = stop, .timeout = 60);

/* Fast, deterministic client: no jitter, 100 ms backoff doubling, scale 0.01 (1 ms). */
static const struct eso_options quick_client = {
    .max_attempts = 4,
    .initial_delay_ms = 100,
    .multiplier = 2.0,
    .jitter = ESO_JITTER_NONE,
    .timeout_ms = 600000, /* a 503 answered late on a loaded machine is still a 503 */
    .breaker_disabled = true,
};

static enum eso_status query_guild(struct eso_result *res)
{
    cJSON *vars = cJSON_Parse("{\"guildId\":3468}");
    enum eso_status rc = eso_query(esoh_fixture_client(fx), "getGuildById", NULL, vars, res);
    cJSON_Delete(vars);
    return rc;
}

Test(fixture, starts_server_and_client_and_answers)
{
    fx = esoh_fixture_start(&(struct esoh_fixture_options){.client = &quick_client});
    struct eso_result res = {0};
    cr_assert_eq(query_guild(&res), ESO_OK, "%s", res.detail);
    cJSON *guild = cJSON_GetObjectItem(cJSON_GetObjectItem(res.data, "guildData"), "guild");
    cr_assert_eq(cJSON_GetObjectItem(guild, "id")->valueint, 3468);
    eso_result_finish(&res);
    cr_assert_eq(esoh_fixture_attempts(fx, "getGuildById"), 1);
    cr_assert_eq(esoh_fixture_attempts(fx, NULL), 1, "the token request is not an attempt");
    cr_assert(strncmp(esoh_fixture_api_url(fx), "http://127.0.0.1:", 17) == 0);
}

Test(fixture, attempts_gaps_and_faults_follow_the_script)
{
    fx = esoh_fixture_start(&(struct esoh_fixture_options){
        .scenario_json = "{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getGuildById\"},"
                         "\"script\":[{\"times\":2,\"action\":\"respond\",\"status\":503},"
                         "{\"action\":\"pass\"}]}]}",
        .time_scale = test_scale(0.2),
        .client = &quick_client});
    struct eso_result res = {0};
    cr_assert_eq(query_guild(&res), ESO_OK, "%s", res.detail);
    cr_assert_eq(res.attempts, 3);
    eso_result_finish(&res);
    cr_assert_eq(esoh_fixture_attempts(fx, "getGuildById"), 3);
    char faults[128];
    cr_assert_str_eq(esoh_fixture_faults(fx, "getGuildById", faults, sizeof(faults)),
                     "respond,respond,pass");
    /* The gaps are the journal's arrival times, converted to scenario ms. */
    const double expected[] = {100, 200};
    double gaps[2] = {0, 0};
    cr_assert_eq(esoh_fixture_gaps(fx, "getGuildById", gaps, 2), 2);
    size_t n = 0;
    struct esomock_journal_entry *e = esoh_fixture_journal(fx, "getGuildById", &n);
    cr_assert_eq(n, 3);
    for (int i = 0; i < 2; i++) {
        double real_gap = e[i + 1].t_ms - e[i].t_ms;
        cr_assert_float_eq(gaps[i], real_gap / esoh_fixture_time_scale(fx), 1e-9,
                           "gap %d: %.3f scenario ms from %.3f real ms", i, gaps[i], real_gap);
    }
    free(e);
    /* Backoff 100 then 200 scenario ms (20 and 40 ms real at 0.2): the client waited at least
     * that (5% for timer granularity). A loaded machine only adds real time; the upper bound
     * allows a whole second of it, so it catches a gap of the wrong scale, not a slow run. */
    for (int i = 0; i < 2 && !under_valgrind(); i++)
        cr_assert(gaps[i] >= expected[i] * 0.95 && gaps[i] <= expected[i] + 5000,
                  "gap %d follows the backoff: %.1f scenario ms for %.0f", i, gaps[i], expected[i]);
    cr_assert(esoh_fixture_gaps_within(fx, "getGuildById", expected, 2, 1e6), "two gaps");
    cr_assert_not(esoh_fixture_gaps_within(fx, "getGuildById", expected, 1, 1e6), "not one gap");
    cr_assert_not(esoh_fixture_gaps_within(fx, "getGuildById", (const double[]){1e7, 1e7}, 2, 1),
                  "gaps far from the expected ones are not within the tolerance");
}

Test(fixture, events_show_the_breaker_opening)
{
    struct eso_options client = quick_client;
    client.breaker_disabled = false;
    client.breaker_threshold = 2;
    client.breaker_cooldown_ms = 600000; /* 30 s of real time: still open for the third call */
    client.max_attempts = 1;
    fx = esoh_fixture_start(&(struct esoh_fixture_options){
        .scenario_json = "{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"*\"},\"script\":[{"
                         "\"action\":\"respond\","
                         "\"status\":503}]}]}",
        .time_scale = test_scale(0.05),
        .client = &client});
    for (int i = 0; i < 3; i++) {
        struct eso_result res = {0};
        enum eso_status rc = query_guild(&res);
        cr_assert_eq(rc, i < 2 ? ESO_SERVER_ERROR : ESO_BREAKER_OPEN, "call %d: %s", i,
                     eso_status_name(rc));
        eso_result_finish(&res);
    }
    char path[64];
    cr_assert_str_eq(esoh_fixture_breaker_path(fx, path, sizeof(path)), "open");
    cr_assert_eq(esoh_fixture_attempts(fx, "getGuildById"), 2, "the open breaker used no network");
    size_t n = 0;
    struct esoh_fixture_event *events = esoh_fixture_events(fx, &n);
    bool rejected = false;
    for (size_t i = 0; i < n; i++)
        rejected |= events[i].kind == ESO_EV_BREAKER_REJECTED;
    free(events);
    cr_assert(rejected, "a breaker_rejected event was recorded");

    esoh_fixture_clear(fx);
    cr_assert_eq(esoh_fixture_attempts(fx, NULL), 0);
    cr_assert_str_eq(esoh_fixture_breaker_path(fx, path, sizeof(path)), "");
}

Test(fixture, bad_scenarios_fail_start_with_the_reason)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esoh_fixture *bad = NULL;
    cr_assert_eq(esoh_fixture_try_start(
                     &(struct esoh_fixture_options){.scenario_json = "{\"nam\":1}"}, &bad, err),
                 -1);
    cr_assert_null(bad);
    cr_assert(strstr(err, "nam") != NULL, "%s", err);
}

Test(fixture, server_only)
{
    fx = esoh_fixture_start(&(struct esoh_fixture_options){.no_client = true, .blackhole = true});
    cr_assert_null(esoh_fixture_client(fx));
    cr_assert_not_null(esoh_fixture_server(fx));
    cr_assert(strlen(esomock_server_blackhole_url(esoh_fixture_server(fx))) > 0);
}
