/* The admin API, the journal, the points-budget model and the metrics page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/scenario.h>

#include "mock_test_util.h"

static struct esomock_server *srv;

static void stop(void)
{
    esomock_server_stop(srv);
    srv = NULL;
}

TestSuite(admin, .fini = stop, .timeout = 60);

static void url_for(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", esomock_server_url(srv), path);
}

static void admin_call(const char *method, const char *path, const char *body,
                       struct http_result *res)
{
    char url[256];
    url_for(path, url, sizeof(url));
    http_perform(&(struct http_request){.method = method, .url = url, .body = body}, res);
    cr_assert_eq(res->curl_code, CURLE_OK, "%s %s: %s", method, path, res->curl_error);
}

static long graphql(const char *op, const char *variables, struct http_result *res)
{
    char url[256];
    url_for("/api/v2/client", url, sizeof(url));
    char *body = operation_body(op, variables);
    static const char *const headers[] = {"Authorization: Bearer secret-bearer-value",
                                          "X-Request-Id: req-1", "X-Attempt: 2", NULL};
    http_perform(&(struct http_request){.url = url, .body = body, .headers = headers}, res);
    free(body);
    return res->status;
}

static long graphql_status(const char *op)
{
    struct http_result res;
    long status = graphql(op, NULL, &res);
    http_result_free(&res);
    return status;
}

Test(admin, journal_lists_filters_and_clears)
{
    srv = start_server(NULL);
    graphql_status("getZones");
    graphql_status("getRegions");
    graphql_status("getZones");
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 3, true, 5000), 3);

    struct http_result res;
    admin_call("GET", "/__admin/requests?operation=getZones", NULL, &res);
    cr_assert_eq(res.status, 200);
    cJSON *json = parse_body(&res);
    cJSON *list = cJSON_GetObjectItem(json, "requests");
    cr_assert_eq(cJSON_GetArraySize(list), 2);
    cJSON *first = cJSON_GetArrayItem(list, 0);
    cr_assert_str_eq(cJSON_GetObjectItem(first, "operation")->valuestring, "getZones");
    cr_assert_str_eq(cJSON_GetObjectItem(first, "request_id")->valuestring, "req-1");
    cr_assert_eq(cJSON_GetObjectItem(first, "attempt")->valueint, 2);
    cr_assert_str_eq(cJSON_GetObjectItem(first, "state")->valuestring, "completed");
    cr_assert_eq(cJSON_GetObjectItem(first, "status")->valueint, 200);
    cr_assert_null(strstr(res.body, "secret-bearer-value"), "tokens never reach the journal");
    cJSON_Delete(json);
    http_result_free(&res);

    admin_call("GET", "/__admin/requests?since=2", NULL, &res);
    json = parse_body(&res);
    list = cJSON_GetObjectItem(json, "requests");
    cr_assert_eq(cJSON_GetArraySize(list), 1);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "seq")->valueint, 3);
    cJSON_Delete(json);
    http_result_free(&res);

    admin_call("GET", "/__admin/requests?include_admin=1", NULL, &res);
    json = parse_body(&res);
    cr_assert_geq(cJSON_GetArraySize(cJSON_GetObjectItem(json, "requests")), 5,
                  "admin requests are journaled too");
    cJSON_Delete(json);
    http_result_free(&res);

    admin_call("GET", "/__admin/requests?since=abc", NULL, &res);
    cr_assert_eq(res.status, 400);
    http_result_free(&res);

    admin_call("DELETE", "/__admin/requests", NULL, &res);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);
    size_t n = 99;
    struct esomock_journal_entry *entries = NULL;
    cr_assert_eq(esomock_server_journal(srv, NULL, &entries, &n), ESOMOCK_OK);
    cr_assert_eq(n, 0);
    free(entries);
}

/* Every admin parameter is checked: a value out of range, a typo or a repeat is a 400. */
Test(admin, admin_parameters_out_of_range_or_unknown_are_400)
{
    srv = start_server(NULL);
    graphql_status("getZones");
    static const struct {
        const char *method;
        const char *path;
        const char *says;
    } bad[] = {
        {"GET", "/__admin/requests?since=-1", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?since=%201", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?since=18446744073709551616", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?since=%2B1", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?since=1e3", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?since=", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?since", "0 to 18446744073709551615"},
        {"GET", "/__admin/requests?include_admin=banana", "true, false, 1 or 0"},
        {"GET", "/__admin/requests?include_admin", "true, false, 1 or 0"},
        {"GET", "/__admin/requests?operation=get%20Zones", "GraphQL operation name"},
        {"GET", "/__admin/requests?operation=", "GraphQL operation name"},
        {"GET", "/__admin/requests?sinc=1", "takes only since, include_admin, operation"},
        {"GET", "/__admin/requests?since=1&since=2", "more than once"},
        {"GET", "/__admin/health?verbose=1", "takes no parameters"},
        {"POST", "/__admin/reset?all=1", "takes no parameters"},
        {"DELETE", "/__admin/requests?since=3", "takes no parameters"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct http_result res;
        admin_call(bad[i].method, bad[i].path, NULL, &res);
        cr_assert_eq(res.status, 400, "%s %s: %ld %s", bad[i].method, bad[i].path, res.status,
                     res.body);
        cJSON *json = parse_body(&res);
        const char *message = first_error_message(json);
        cr_assert(strstr(message, bad[i].says) != NULL, "%s: %s", bad[i].path, message);
        cJSON_Delete(json);
        http_result_free(&res);
    }
    static const char *const good[] = {
        "/__admin/requests?since=18446744073709551615",
        "/__admin/requests?since=0",
        "/__admin/requests?include_admin=true&operation=getZones",
        "/__admin/requests?include_admin=false",
        "/__admin/requests?include_admin=0",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct http_result res;
        admin_call("GET", good[i], NULL, &res);
        cr_assert_eq(res.status, 200, "%s: %s", good[i], res.body);
        http_result_free(&res);
    }
    cr_assert_eq(esomock_server_journal_dropped(srv), 0);
}

Test(admin, journal_ring_is_bounded_and_counts_drops)
{
    struct esomock_options opts = {.journal_capacity = 4};
    srv = start_server(&opts);
    for (int i = 0; i < 10; i++)
        graphql_status("getZones");
    struct esomock_journal_entry *e = completed_journal(srv, 4);
    cr_assert_eq(e[0].seq, 7, "the newest four are kept");
    cr_assert_eq(e[3].seq, 10);
    cr_assert_eq(esomock_server_journal_dropped(srv), 6);
    free(e);
}

Test(admin, journal_file_gets_one_json_line_per_request)
{
    char path[] = "/tmp/esomock-journal-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    struct esomock_options opts = {.journal = f};
    srv = start_server(&opts);
    graphql_status("getZones");
    graphql_status("getRegions");
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 2, true, 5000), 2);
    stop();
    fclose(f);
    char *text = read_text_file(path);
    int lines = 0;
    for (char *line = text; line != NULL && *line != '\0';) {
        char *eol = strchr(line, '\n');
        cr_assert_not_null(eol);
        *eol = '\0';
        cJSON *entry = cJSON_Parse(line);
        cr_assert_not_null(entry, "line %d is JSON: %s", lines + 1, line);
        cJSON_Delete(entry);
        lines++;
        line = eol + 1;
    }
    cr_assert_eq(lines, 2);
    cr_assert_null(strstr(text, "secret-bearer-value"));
    free(text);
    remove(path);
}

Test(admin, scenario_load_get_reset_and_refuse_bad_ones)
{
    srv = start_server(NULL);
    struct http_result res;
    admin_call("GET", "/__admin/scenario", NULL, &res);
    cr_assert_str_eq(res.body, "{\"scenario\":null}");
    http_result_free(&res);

    const char *good =
        "{\"name\":\"admin-test\",\"rules\":[{\"name\":\"first\",\"script\":["
        "{\"action\":\"respond\",\"status\":503,\"times\":1},{\"action\":\"pass\"}]}]}";
    admin_call("POST", "/__admin/scenario", good, &res);
    cr_assert_eq(res.status, 200, "%s", res.body);
    http_result_free(&res);
    cr_assert_eq(graphql_status("getZones"), 503);
    cr_assert_eq(graphql_status("getZones"), 200);

    admin_call("GET", "/__admin/scenario", NULL, &res);
    cJSON *json = parse_body(&res);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "name")->valuestring, "admin-test");
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(json, "rule_matches"), "first")->valueint,
                 2);
    cJSON_Delete(json);
    http_result_free(&res);

    /* A bad scenario is refused with every problem named; the old one stays in force. */
    admin_call("POST", "/__admin/scenario",
               "{\"name\":\"bad\",\"rules\":[{\"script\":[{\"action\":\"explode\"}]}],\"extra\":1}",
               &res);
    cr_assert_eq(res.status, 400);
    json = parse_body(&res);
    cJSON *errors = cJSON_GetObjectItem(json, "errors");
    cr_assert_geq(cJSON_GetArraySize(errors), 2, "%s", res.body);
    cr_assert(strstr(res.body, "rules[0].script[0].action") != NULL, "%s", res.body);
    cr_assert(strstr(res.body, "extra") != NULL, "%s", res.body);
    cJSON_Delete(json);
    http_result_free(&res);
    admin_call("GET", "/__admin/scenario", NULL, &res);
    cr_assert(strstr(res.body, "admin-test") != NULL, "old scenario kept");
    http_result_free(&res);

    /* A typo in match is refused here as by check, with graphql-js's "Did you mean". */
    admin_call("POST", "/__admin/scenario",
               "{\"name\":\"typo\",\"rules\":[{\"match\":{\"field\":\"reportData.reprot\"},"
               "\"script\":[{\"action\":\"drop\"}]}]}",
               &res);
    cr_assert_eq(res.status, 400);
    cr_assert(strstr(res.body, "Cannot query field \\\"reprot\\\" on type \\\"ReportData\\\". "
                               "Did you mean \\\"report\\\"") != NULL,
              "%s", res.body);
    http_result_free(&res);

    /* Reset rewinds the script: the 503 comes back once. */
    admin_call("POST", "/__admin/reset", NULL, &res);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);
    cr_assert_eq(graphql_status("getZones"), 503);
    cr_assert_eq(graphql_status("getZones"), 200);

    admin_call("DELETE", "/__admin/scenario", NULL, &res);
    http_result_free(&res);
    esomock_server_reset(srv);
    cr_assert_eq(graphql_status("getZones"), 200, "no scenario: normal answers");
}

Test(admin, unknown_admin_routes_and_methods)
{
    srv = start_server(NULL);
    struct http_result res;
    admin_call("GET", "/__admin/nothing", NULL, &res);
    cr_assert_eq(res.status, 404);
    http_result_free(&res);
    admin_call("PUT", "/__admin/reset", NULL, &res);
    cr_assert_eq(res.status, 405);
    http_result_free(&res);
    admin_call("GET", "/__admin/health", NULL, &res);
    cr_assert_str_eq(res.body, "{\"status\":\"ok\"}");
    http_result_free(&res);
}

static cJSON *rate_limit_data(void)
{
    struct http_result res;
    cr_assert_eq(graphql("getRateLimitData", NULL, &res), 200);
    cJSON *json = parse_body(&res);
    http_result_free(&res);
    cJSON *rld = cJSON_GetObjectItem(cJSON_GetObjectItem(json, "data"), "rateLimitData");
    cJSON *copy = cJSON_Duplicate(rld, 1);
    cJSON_Delete(json);
    return copy;
}

Test(admin, points_budget_answers_429_and_rate_limit_data_tells_the_truth)
{
    srv = start_server(NULL);
    struct esomock_problems *err = test_problems();
    const char *scenario =
        "{\"name\":\"budget\",\"settings\":{\"rate_limit\":{\"points_per_hour\":3,"
        "\"costs\":{\"getReportEvents\":5}}},\"rules\":[]}";
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), NULL, err),
                 ESOMOCK_OK, "%s", problems_text(err));
    struct http_result res;
    cr_assert_eq(graphql("getReportEvents", "{\"code\":\"a1B2c3D4e5F6g7H8\"}", &res), 429,
                 "costs 5 of 3");
    http_result_free(&res);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(graphql_status("getZones"), 200, "call %d", i);
    cr_assert_eq(graphql("getZones", NULL, &res), 429);
    char retry_after[16] = "";
    cr_assert_eq(http_result_header(&res, "Retry-After", retry_after, sizeof(retry_after)), 0);
    long seconds = strtol(retry_after, NULL, 10);
    cr_assert(seconds > 3500 && seconds <= 3600, "seconds to reset: %s", retry_after);
    cr_assert(strstr(res.body, "RATE_LIMITED") != NULL, "%s", res.body);
    http_result_free(&res);

    cJSON *rld = rate_limit_data();
    cr_assert_eq(cJSON_GetObjectItem(rld, "limitPerHour")->valueint, 3);
    cr_assert_float_eq(cJSON_GetObjectItem(rld, "pointsSpentThisHour")->valuedouble, 3.0, 1e-9);
    int reset_in = cJSON_GetObjectItem(rld, "pointsResetIn")->valueint;
    cr_assert(reset_in > 3500 && reset_in <= 3600, "%d", reset_in);
    cJSON_Delete(rld);

    esomock_server_reset(srv);
    cr_assert_eq(graphql_status("getZones"), 200, "reset refills the budget");
}

Test(admin, retry_after_fixed_or_absent)
{
    srv = start_server(NULL);
    struct esomock_problems *err = test_problems();
    const char *fixed = "{\"name\":\"b\",\"settings\":{\"rate_limit\":{\"points_per_hour\":1,"
                        "\"retry_after\":7}},\"rules\":[]}";
    cr_assert_eq(esomock_server_load_scenario(srv, fixed, strlen(fixed), NULL, err), ESOMOCK_OK,
                 "%s", problems_text(err));
    graphql_status("getZones");
    struct http_result res;
    cr_assert_eq(graphql("getZones", NULL, &res), 429);
    char value[16] = "";
    cr_assert_eq(http_result_header(&res, "Retry-After", value, sizeof(value)), 0);
    cr_assert_str_eq(value, "7");
    http_result_free(&res);

    const char *none = "{\"name\":\"b\",\"settings\":{\"rate_limit\":{\"points_per_hour\":1,"
                       "\"retry_after\":\"none\"}},\"rules\":[]}";
    cr_assert_eq(esomock_server_load_scenario(srv, none, strlen(none), NULL, err), ESOMOCK_OK);
    graphql_status("getZones");
    cr_assert_eq(graphql("getZones", NULL, &res), 429);
    cr_assert_neq(http_result_header(&res, "Retry-After", value, sizeof(value)), 0,
                  "no Retry-After when the scenario says none");
    http_result_free(&res);
}

Test(admin, budget_is_tracked_but_not_enforced_without_a_scenario)
{
    srv = start_server(NULL);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(graphql_status("getZones"), 200);
    cJSON *rld = rate_limit_data();
    cr_assert_eq(cJSON_GetObjectItem(rld, "limitPerHour")->valueint, 18000);
    cr_assert_float_eq(cJSON_GetObjectItem(rld, "pointsSpentThisHour")->valuedouble, 4.0, 1e-9);
    cJSON_Delete(rld);
}

Test(admin, metrics_count_requests_and_faults)
{
    srv = start_server(NULL);
    struct esomock_problems *err = test_problems();
    const char *scenario = "{\"name\":\"m\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},"
                           "\"script\":[{\"action\":\"respond\",\"status\":503}]}]}";
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), NULL, err),
                 ESOMOCK_OK);
    graphql_status("getZones");
    graphql_status("getZones");
    graphql_status("getRegions");
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 3, true, 5000), 3);
    struct http_result res;
    admin_call("GET", "/__admin/metrics", NULL, &res);
    cr_assert_eq(res.status, 200);
    char type[64] = "";
    http_result_header(&res, "Content-Type", type, sizeof(type));
    cr_assert(strncmp(type, "text/plain", 10) == 0, "%s", type);
    cr_assert(strstr(res.body, "esomock_requests_total{operation=\"getZones\"} 2") != NULL, "%s",
              res.body);
    cr_assert(strstr(res.body, "esomock_faults_total{operation=\"getZones\",kind=\"respond\"} 2") !=
                  NULL,
              "%s", res.body);
    cr_assert(strstr(res.body, "esomock_responses_total{class=\"5xx\"} 2") != NULL, "%s", res.body);
    cr_assert(strstr(res.body, "esomock_points_remaining") != NULL);
    http_result_free(&res);
}

Test(admin, scenario_file_at_start_and_errors_name_the_file)
{
    char path[] = "/tmp/esomock-scenario-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *bad = "{\"name\":\"x\",\"rules\":[{\"script\":[{\"action\":\"respond\"}]}]}";
    cr_assert_eq(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
    close(fd);
    struct esomock_options opts = {.scenario_file = path};
    struct esomock_problems *err = test_problems();
    struct esomock_server *s = NULL;
    cr_assert_eq(esomock_server_start(&opts, &s, err), ESOMOCK_SCENARIO_INVALID);
    cr_assert(strstr(problems_text(err), path) != NULL &&
                  strstr(problems_text(err), "rules[0].script[0]") != NULL,
              "%s", problems_text(err));
    remove(path);
}

Test(admin, check_reports_every_file)
{
    char good[] = "/tmp/esomock-good-XXXXXX", bad[] = "/tmp/esomock-bad-XXXXXX";
    int g = mkstemp(good), b = mkstemp(bad);
    const char *good_text = "{\"name\":\"ok\",\"rules\":[]}";
    const char *bad_text = "{\"name\":\"ok\",\"rules\":[{\"script\":[{\"action\":\"respond\","
                           "\"status\":200,\"fixture\":\"noSuchFixture\"}]}]}";
    cr_assert_eq(write(g, good_text, strlen(good_text)), (ssize_t)strlen(good_text));
    cr_assert_eq(write(b, bad_text, strlen(bad_text)), (ssize_t)strlen(bad_text));
    close(g);
    close(b);
    struct esomock_problems *report = test_problems();
    const char *both[] = {good, bad};
    size_t checked = 0;
    cr_assert_eq(esomock_check_scenario_files(both, 2, NULL, report, &checked),
                 ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(checked, 2);
    const char *report_text = problems_text(report);
    cr_assert(strstr(report_text, bad) != NULL, "%s", report_text);
    cr_assert(strstr(report_text, "noSuchFixture") != NULL, "%s", report_text);
    cr_assert_null(strstr(report_text, good), "a valid file says nothing: %s", report_text);
    const char *one[] = {good};
    cr_assert_eq(esomock_check_scenario_files(one, 1, NULL, NULL, NULL), ESOMOCK_OK);
    remove(good);
    remove(bad);
}

Test(admin, refused_scenarios_report_every_error_everywhere)
{
    enum { N = 25 };
    char *bad = scenario_with_errors(N);
    srv = start_server(NULL);

    /* The admin API: one errors[] entry per problem. */
    struct http_result res;
    admin_call("POST", "/__admin/scenario", bad, &res);
    cr_assert_eq(res.status, 400, "%s", res.body);
    cJSON *json = parse_body(&res);
    cJSON *errors = cJSON_GetObjectItem(json, "errors");
    cr_assert_eq(cJSON_GetArraySize(errors), N, "%s", res.body);
    assert_names_every_error(res.body, N);
    cJSON_Delete(json);
    http_result_free(&res);

    /* The C API: one entry per problem, each with its path. */
    struct esomock_problems *err = test_problems();
    cr_assert_eq(esomock_server_load_scenario(srv, bad, strlen(bad), "t", err),
                 ESOMOCK_SCENARIO_INVALID);
    cr_assert_eq(esomock_problems_count(err), N, "%s", problems_text(err));
    assert_names_every_error(problems_text(err), N);
    cr_assert_str_eq(esomock_problems_get(err, 3)->path, "rules[3].script[0].action");
    cr_assert_str_eq(esomock_problems_get(err, 3)->source, "t");

    /* At start-up. */
    char path[] = "/tmp/esomock-many-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
    close(fd);
    struct esomock_options opts = {.scenario_file = path};
    struct esomock_server *s = NULL;
    struct esomock_problems *at_start = test_problems();
    cr_assert_eq(esomock_server_start(&opts, &s, at_start), ESOMOCK_SCENARIO_INVALID);
    cr_assert_null(s);
    assert_names_every_error(problems_text(at_start), N);
    cr_assert_str_eq(esomock_problems_get(at_start, 0)->source, path, "the file is named");
    struct esomock_problems *from_file = test_problems();
    cr_assert_eq(esomock_server_load_scenario_file(srv, path, from_file), ESOMOCK_SCENARIO_INVALID);
    assert_names_every_error(problems_text(from_file), N);
    remove(path);
    free(bad);
}

/* A delayed pass is a "delay" in the journal, the log and the metrics, as the docs say. */
Test(admin, delay_steps_are_recorded_as_delay_and_token_faults_are_counted)
{
    FILE *log = tmpfile();
    cr_assert_not_null(log);
    srv = start_server(&(struct esomock_options){.log = log});
    struct esomock_problems *err = test_problems();
    const char *scenario =
        "{\"name\":\"d\",\"rules\":["
        "{\"match\":{\"operation\":\"getZones\"},\"script\":[{\"action\":\"delay\","
        "\"delay_ms\":20}]},"
        "{\"match\":{\"path\":\"/oauth/token\"},\"script\":[{\"action\":\"respond\","
        "\"status\":503}]}]}";
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), NULL, err),
                 ESOMOCK_OK, "%s", problems_text(err));
    cr_assert_eq(graphql_status("getZones"), 200);
    char url[256];
    url_for("/oauth/token", url, sizeof(url));
    struct http_result res;
    http_perform(&(struct http_request){.url = url,
                                        .body = "grant_type=client_credentials",
                                        .userpwd = "id:secret"},
                 &res);
    cr_assert_eq(res.status, 503, "%ld %s", res.status, res.body);
    http_result_free(&res);
    struct esomock_journal_entry *e = completed_journal(srv, 2);
    cr_assert_str_eq(e[0].action, "delay", "journal of a delay step");
    cr_assert_float_eq(e[0].delay_ms, 20.0, 1e-9);
    cr_assert_str_eq(e[1].action, "respond");
    free(e);

    admin_call("GET", "/__admin/metrics", NULL, &res);
    cr_assert(strstr(res.body, "esomock_faults_total{operation=\"getZones\",kind=\"delay\"} 1") !=
                  NULL,
              "%s", res.body);
    cr_assert_null(strstr(res.body, "kind=\"pass\""), "a delay is not a pass: %s", res.body);
    cr_assert(strstr(res.body, "esomock_requests_total{operation=\"(token)\"} 1") != NULL, "%s",
              res.body);
    cr_assert(strstr(res.body, "esomock_faults_total{operation=\"(token)\",kind=\"respond\"} 1") !=
                  NULL,
              "%s", res.body);
    http_result_free(&res);

    /* The log line is written when the answer ends; stop the server so every line is in. */
    esomock_server_stop(srv);
    srv = NULL;
    rewind(log);
    char text[4096];
    size_t n = fread(text, 1, sizeof(text) - 1, log);
    text[n] = '\0';
    fclose(log);
    cr_assert(strstr(text, "getZones -> delay 200") != NULL, "log: %s", text);
}

/* The C twin of GET /__admin/scenario, with secrets redacted in both. */
Test(admin, scenario_json_api_matches_the_admin_route_and_hides_secrets)
{
    /* The scenario carries eso-scenario's expect (with a bearer token), as eso-mock takes it. */
    srv =
        start_server(&(struct esomock_options){.sections = &expect_unchecked, .section_count = 1});
    cr_assert_null(esomock_server_scenario_json(NULL));
    char *text = esomock_server_scenario_json(srv);
    cr_assert_str_eq(text, "{\"scenario\":null}");
    free(text);

    const char *scenario =
        "{\"name\":\"secrets\",\"rules\":[{\"name\":\"authed\",\"match\":{\"headers\":{"
        "\"Authorization\":\"Bearer sekrit\",\"X-Request-Id\":\"visible-id\"}},"
        "\"script\":[{\"action\":\"respond\",\"status\":503,\"headers\":{\"Set-Cookie\":"
        "\"sid=cookie-value\"}}]}],"
        "\"expect\":{\"client\":{\"bearer_token\":\"tok-value\"},\"calls\":[{\"operation\":"
        "\"getZones\"}]}}";
    struct esomock_problems *err = test_problems();
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), "unit", err),
                 ESOMOCK_OK, "%s", problems_text(err));
    struct http_result res;
    graphql("getZones", NULL, &res); /* its Authorization differs: no match */
    http_result_free(&res);
    char url[256];
    url_for("/api/v2/client", url, sizeof(url));
    static const char *const authed[] = {"Authorization: Bearer sekrit", "X-Request-Id: visible-id",
                                         NULL};
    http_perform(
        &(struct http_request){
            .url = url,
            .body = "{\"query\":\"query getZones { worldData { zones { id name } } }\"}",
            .headers = authed},
        &res);
    cr_assert_eq(res.status, 503, "the rule matched: %s", res.body);
    http_result_free(&res);

    text = esomock_server_scenario_json(srv);
    cr_assert_not_null(text);
    cJSON *json = cJSON_Parse(text);
    cr_assert_not_null(json, "%s", text);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "source")->valuestring, "unit");
    cr_assert_str_eq(cJSON_GetObjectItem(json, "name")->valuestring, "secrets");
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(json, "rule_matches"), "authed")->valueint,
                 1, "%s", text);
    const char *secrets[] = {"sekrit", "cookie-value", "tok-value"};
    for (size_t i = 0; i < 3; i++)
        cr_assert_null(strstr(text, secrets[i]), "%s shown: %s", secrets[i], text);
    cr_assert(strstr(text, "[redacted]") != NULL, "%s", text);
    cr_assert(strstr(text, "visible-id") != NULL, "other values stay: %s", text);
    cJSON_Delete(json);

    admin_call("GET", "/__admin/scenario", NULL, &res);
    cr_assert_str_eq(res.body, text, "the admin route serves the same document");
    http_result_free(&res);
    free(text);

    /* A refused header value is not repeated in the error either. */
    const char *bad = "{\"name\":\"b\",\"rules\":[{\"match\":{\"headers\":{\"Authorization\":"
                      "\"Bearer sekrit\\u0001\"}},\"script\":[{\"action\":\"pass\"}]}]}";
    struct esomock_problems *refused = test_problems();
    cr_assert_eq(esomock_server_load_scenario(srv, bad, strlen(bad), "b", refused),
                 ESOMOCK_SCENARIO_INVALID);
    const char *errors = problems_text(refused);
    cr_assert(strstr(errors, "rules[0].match.headers.Authorization") != NULL, "%s", errors);
    cr_assert_null(strstr(errors, "sekrit"), "%s", errors);
}
