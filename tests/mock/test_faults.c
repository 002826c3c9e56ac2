/*
 * Every scripted action through a real socket, as a libcurl client sees it:
 * the curl error code, status, headers, body bytes and timing (with tolerances
 * wide enough for a loaded 2-core machine), and what the journal recorded.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/scenario.h>

#include "mock_test_util.h"

static struct esomock_server *srv;
static char graphql_url[128];

static void start_with(const char *scenario_json, const struct esomock_options *opts)
{
    srv = start_server(opts);
    snprintf(graphql_url, sizeof(graphql_url), "%s/api/v2/client", esomock_server_url(srv));
    if (scenario_json != NULL) {
        struct esomock_problems *err = test_problems();
        enum esomock_status rc =
            esomock_server_load_scenario(srv, scenario_json, strlen(scenario_json), "test", err);
        cr_assert_eq(rc, ESOMOCK_OK, "scenario refused: %s", problems_text(err));
    }
}

static void stop(void)
{
    esomock_server_stop(srv);
    srv = NULL;
}

TestSuite(faults, .fini = stop, .timeout = 60);

/* POST operation @p op (with optional variables JSON) and capture what curl saw. */
static void call_op(const char *op, const char *variables, long timeout_ms, struct http_result *res)
{
    char *body = operation_body(op, variables);
    static const char *const headers[] = {"Content-Type: application/json",
                                          "Authorization: Bearer test", NULL};
    http_perform(
        &(struct http_request){
            .url = graphql_url, .body = body, .headers = headers, .timeout_ms = timeout_ms},
        res);
    free(body);
}

static struct esomock_journal_entry *journal(size_t *count)
{
    struct esomock_journal_entry *entries = NULL;
    cr_assert_eq(esomock_server_journal(srv, NULL, &entries, count), ESOMOCK_OK);
    return entries;
}

/* Wait until the server has finished with @p n requests, then return the journal. */
static struct esomock_journal_entry *journal_after(size_t n, size_t *count)
{
    cr_assert_geq(esomock_server_wait_for_requests(srv, NULL, n, true, 10000), n,
                  "the server did not finish %zu requests", n);
    return journal(count);
}

Test(faults, respond_429_with_retry_after_then_pass)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getGuildById\"},"
               "\"script\":[{\"times\":2,\"action\":\"respond\",\"status\":429,"
               "\"headers\":{\"Retry-After\":\"1\"},\"body\":{\"errors\":[{\"message\":\"slow "
               "down\"}]}},{\"action\":\"pass\"}]}]}",
               NULL);
    for (int i = 0; i < 3; i++) {
        struct http_result res;
        call_op("getGuildById", "{\"guildId\":3468}", 5000, &res);
        cr_assert_eq(res.curl_code, CURLE_OK, "%s", res.curl_error);
        char retry_after[16] = "";
        if (i < 2) {
            cr_assert_eq(res.status, 429, "call %d", i);
            cr_assert_eq(http_result_header(&res, "Retry-After", retry_after, 16), 0);
            cr_assert_str_eq(retry_after, "1");
            cr_assert(strstr(res.body, "slow down") != NULL, "%s", res.body);
        } else {
            cr_assert_eq(res.status, 200);
            cr_assert(strstr(res.body, "\"guild\":{") != NULL, "the fixture: %.100s", res.body);
        }
        http_result_free(&res);
    }
    size_t n = 0;
    struct esomock_journal_entry *e = journal_after(3, &n);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(e[0].action, "respond");
    cr_assert_eq(e[0].step, 0);
    cr_assert_eq(e[1].status, 429);
    cr_assert_str_eq(e[2].action, "pass");
    cr_assert_eq(e[2].step, 1);
    cr_assert_str_eq(e[2].operation, "getGuildById");
    cr_assert_str_eq(e[2].variables, "{\"guildId\":3468}");
    free(e);
}

Test(faults, respond_with_a_named_fixture)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getGuildById\"},"
               "\"script\":[{\"action\":\"respond\",\"status\":200,\"fixture\":\"getGuildById."
               "3468\"}]}]}",
               NULL);
    struct http_result res;
    call_op("getGuildById", "{\"guildId\":1}", 5000, &res);
    cr_assert_eq(res.status, 200);
    cr_assert(strstr(res.body, "3468") != NULL, "guild 3468's fixture for any id: %.100s",
              res.body);
    http_result_free(&res);
}

Test(faults, server_errors_in_order)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"*\"},\"script\":["
               "{\"action\":\"respond\",\"status\":503},{\"action\":\"respond\",\"status\":502},"
               "{\"action\":\"respond\",\"status\":504},{\"action\":\"pass\"}]}]}",
               NULL);
    long want[] = {503, 502, 504, 200, 200};
    for (int i = 0; i < 5; i++) {
        struct http_result res;
        call_op("getZones", NULL, 5000, &res);
        cr_assert_eq(res.status, want[i], "call %d: %ld", i, res.status);
        http_result_free(&res);
    }
}

Test(faults, hang_times_out_the_client_and_is_journaled_in_flight)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},"
               "\"script\":[{\"action\":\"hang\",\"max_ms\":30000}]}]}",
               NULL);
    struct http_result res;
    /* Under memcheck a 300 ms client could give up before the server has even read it. */
    long timeout_ms = under_valgrind() ? 3000 : 300;
    call_op("getZones", NULL, timeout_ms, &res);
    cr_assert_eq(res.curl_code, CURLE_OPERATION_TIMEDOUT, "curl %d (%s)", res.curl_code,
                 res.curl_error);
    cr_assert_geq(res.elapsed_ms, timeout_ms - 10.0);
    http_result_free(&res);
    /* The client gave up; the server notices the hang-up and releases the connection long
     * before the 30 s bound. */
    size_t n = 0;
    struct esomock_journal_entry *e = journal_after(1, &n);
    cr_assert_str_eq(e[0].action, "hang");
    cr_assert_eq(e[0].status, 0);
    cr_assert_eq(e[0].state, ESOMOCK_ENTRY_ABORTED);
    cr_assert_lt(e[0].duration_ms, 20000.0, "released when the client left");
    free(e);
}

struct hung_call {
    char url[128];
    struct http_result res;
};

static void *hung_call_main(void *arg)
{
    call_op("getZones", NULL, 20000, &((struct hung_call *)arg)->res);
    return NULL;
}

Test(faults, hung_request_is_visible_while_its_client_waits)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},"
               "\"script\":[{\"action\":\"hang\",\"max_ms\":15000}]}]}",
               NULL);
    struct hung_call call;
    pthread_t thread;
    pthread_create(&thread, NULL, hung_call_main, &call);
    /* Wait until the server has read the request and chosen the hang for it. */
    struct esomock_journal_filter zones = {.operation = "getZones"};
    cr_assert_eq(esomock_server_wait_for_requests(srv, &zones, 1, false, 10000), 1);
    size_t n = 0;
    struct esomock_journal_entry *e = journal(&n);
    cr_assert_eq(n, 1);
    cr_assert_eq(e[0].state, ESOMOCK_ENTRY_IN_FLIGHT, "in flight while the client waits");
    cr_assert_str_eq(e[0].operation, "getZones");
    cr_assert_str_eq(e[0].action, "hang");
    free(e);
    /* Stopping the server releases the hung connection: the client sees it closed. */
    stop();
    pthread_join(thread, NULL);
    cr_assert_eq(call.res.curl_code, CURLE_GOT_NOTHING, "curl %d", call.res.curl_code);
    http_result_free(&call.res);
}

Test(faults, hangs_do_not_hold_workers)
{
    /* Two worker threads, forty hung requests: a normal request still answers at once. */
    struct esomock_options opts = {.threads = 2};
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},"
               "\"script\":[{\"action\":\"hang\",\"max_ms\":20000}]}]}",
               &opts);
    enum { HUNG = 40 };
    CURLM *multi = curl_multi_init();
    CURL *handles[HUNG];
    struct curl_slist *headers = curl_slist_append(NULL, "Authorization: Bearer t");
    for (int i = 0; i < HUNG; i++) {
        handles[i] = curl_easy_init();
        curl_easy_setopt(handles[i], CURLOPT_URL, graphql_url);
        curl_easy_setopt(handles[i], CURLOPT_POSTFIELDS,
                         "{\"query\":\"query getZones { worldData { zones { id name } } }\"}");
        curl_easy_setopt(handles[i], CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(handles[i], CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(handles[i], CURLOPT_NOSIGNAL, 1L);
        curl_multi_add_handle(multi, handles[i]);
    }
    struct esomock_journal_filter hung = {.operation = "getZones"};
    int running = 0;
    while (esomock_server_wait_for_requests(srv, &hung, HUNG, false, 0) < HUNG) {
        curl_multi_perform(multi, &running);
        curl_multi_poll(multi, NULL, 0, 20, NULL);
    }
    struct http_result res;
    call_op("getRateLimitData", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "answered beside %d hung requests: %s", HUNG,
                 res.curl_error);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);
    for (int i = 0; i < HUNG; i++) {
        curl_multi_remove_handle(multi, handles[i]);
        curl_easy_cleanup(handles[i]);
    }
    curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
}

Test(faults, drop_closes_without_a_response)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"times\":1,\"action\":\"drop\"},"
               "{\"action\":\"pass\"}]}]}",
               NULL);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_GOT_NOTHING, "curl %d (%s)", res.curl_code, res.curl_error);
    cr_assert_eq(res.body_len, 0);
    http_result_free(&res);
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.status, 200, "the second call passes");
    http_result_free(&res);
}

Test(faults, reset_sends_a_tcp_rst)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"reset\"}]}]}", NULL);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_RECV_ERROR, "curl %d (%s)", res.curl_code, res.curl_error);
    cr_assert(strstr(res.curl_error, "reset") != NULL, "%s", res.curl_error);
    http_result_free(&res);
}

Test(faults, truncate_sends_exactly_the_bytes_asked)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"truncate\",\"bytes\":17}]}]}",
               NULL);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_PARTIAL_FILE, "curl %d (%s)", res.curl_code, res.curl_error);
    cr_assert_eq(res.status, 200);
    cr_assert_eq(res.body_len, 17);
    cr_assert(strncmp(res.body, "{\"data\":{\"worldDa", 17) == 0, "%s", res.body);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_after(1, &n);
    cr_assert_eq(e[0].bytes_sent, 17);
    free(e);
}

Test(faults, truncate_can_end_with_a_reset)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"truncate\",\"bytes\":5,"
               "\"end\":\"reset\"}]}]}",
               NULL);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_RECV_ERROR, "curl %d (%s)", res.curl_code, res.curl_error);
    http_result_free(&res);
}

Test(faults, malformed_and_empty_bodies)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"getZones\"},\"script\":["
               "{\"action\":\"malformed\"}]},{\"match\":{\"operation\":\"getRegions\"},"
               "\"script\":[{\"action\":\"empty\"}]}]}",
               NULL);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_OK);
    cr_assert_eq(res.status, 200);
    cr_assert_null(cJSON_Parse(res.body), "not valid JSON: %s", res.body);
    http_result_free(&res);
    call_op("getRegions", NULL, 5000, &res);
    cr_assert_eq(res.status, 200);
    cr_assert_eq(res.body_len, 0);
    http_result_free(&res);
}

Test(faults, drip_sends_the_whole_body_slowly)
{
    /* 64 bytes per 20 ms: the body arrives whole, in about len/64 intervals. */
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"drip\",\"chunk_bytes\":64,"
               "\"interval_ms\":20}]}]}",
               NULL);
    struct http_result res;
    call_op("getZones", NULL, 20000, &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "%s", res.curl_error);
    cJSON *json = parse_body(&res);
    cJSON_Delete(json);
    double intervals = (double)((res.body_len + 63) / 64 - 1);
    cr_assert_geq(res.elapsed_ms, intervals * 20 * 0.9, "%zu bytes in %.0f ms", res.body_len,
                  res.elapsed_ms);
    http_result_free(&res);
}

Test(faults, delay_then_answer)
{
    start_with(
        "{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"delay\",\"delay_ms\":250}]}]}",
        NULL);
    struct http_result res;
    call_op("getZones", NULL, 10000, &res);
    cr_assert_eq(res.status, 200);
    cr_assert_geq(res.elapsed_ms, 245.0, "delayed %.1f ms", res.elapsed_ms);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_after(1, &n);
    cr_assert_float_eq(e[0].delay_ms, 250.0, 0.001);
    cr_assert_geq(e[0].duration_ms, 245.0);
    free(e);
}

Test(faults, time_scale_shrinks_every_applied_duration)
{
    /* 4 s of scenario time at 0.02 is 80 ms of real time. */
    struct esomock_options opts = {.time_scale = 0.02};
    start_with(
        "{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"delay\",\"delay_ms\":4000}]}]}",
        &opts);
    struct http_result res;
    call_op("getZones", NULL, 3000, &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "a 4 s delay finished within 3 s: %s", res.curl_error);
    cr_assert_geq(res.elapsed_ms, 75.0);
    http_result_free(&res);
}

Test(faults, ramp_delay_grows_with_scenario_time)
{
    /* At scale 1e-6 the ramp's 10 s have long passed: the delay is at its end value. */
    struct esomock_options opts = {.time_scale = 1e-6};
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"delay\",\"delay\":{\"ramp\":"
               "{\"from_ms\":0,\"to_ms\":2000,\"start_ms\":0,\"end_ms\":10000}}}]}]}",
               &opts);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_after(1, &n);
    cr_assert_float_eq(e[0].delay_ms, 2000.0, 0.001);
    free(e);
}

Test(faults, windows_bound_a_rule_in_scenario_time)
{
    /* Scale 1e-4: from_ms 50 starts 5 us after load; until_ms 50 ended as long ago. */
    struct esomock_options opts = {.time_scale = 1e-4};
    start_with("{\"name\":\"t\",\"rules\":["
               "{\"name\":\"future\",\"match\":{\"operation\":\"getZones\"},"
               "\"window\":{\"from_ms\":1e9},\"script\":[{\"action\":\"respond\",\"status\":501}]},"
               "{\"name\":\"over\",\"match\":{\"operation\":\"getZones\"},"
               "\"window\":{\"until_ms\":50},\"script\":[{\"action\":\"respond\",\"status\":502}]},"
               "{\"name\":\"open\",\"match\":{\"operation\":\"getZones\"},"
               "\"window\":{\"from_ms\":50,\"until_ms\":1e9},"
               "\"script\":[{\"action\":\"respond\",\"status\":503}]}]}",
               &opts);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.status, 503, "only the open window applies: %ld", res.status);
    http_result_free(&res);
}

Test(faults, matching_by_variables_path_and_headers)
{
    start_with("{\"name\":\"t\",\"rules\":["
               "{\"match\":{\"operation\":\"getGuildById\",\"variables\":{\"guildId\":7}},"
               "\"script\":[{\"action\":\"respond\",\"status\":500}]},"
               "{\"match\":{\"path\":\"/api/v2/user\"},\"script\":[{\"action\":\"respond\","
               "\"status\":418}]},"
               "{\"match\":{\"headers\":{\"X-Chaos\":true}},\"script\":[{\"action\":\"respond\","
               "\"status\":599}]}]}",
               NULL);
    struct http_result res;
    call_op("getGuildById", "{\"guildId\":7}", 5000, &res);
    cr_assert_eq(res.status, 500);
    http_result_free(&res);
    call_op("getGuildById", "{\"guildId\":8}", 5000, &res);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);

    char user_url[128];
    snprintf(user_url, sizeof(user_url), "%s/api/v2/user", esomock_server_url(srv));
    http_post_graphql(user_url,
                      "{\"query\":\"query getZones { worldData { zones { id name } } }\"}", &res);
    cr_assert_eq(res.status, 418);
    http_result_free(&res);

    static const char *const chaos[] = {"Authorization: Bearer t", "X-Chaos: 1", NULL};
    http_perform(
        &(struct http_request){
            .url = graphql_url,
            .body = "{\"query\":\"query getZones { worldData { zones { id name } } }\"}",
            .headers = chaos},
        &res);
    cr_assert_eq(res.status, 599);
    http_result_free(&res);
}

/* POST @p query (anonymous, or named by the document) with @p variables; the status. */
static long post_document(const char *query, const char *variables)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "query", query);
    if (variables != NULL)
        cJSON_AddItemToObject(body, "variables", cJSON_Parse(variables));
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    struct http_result res;
    http_post_graphql(graphql_url, text, &res);
    free(text);
    long status = res.status;
    http_result_free(&res);
    return status;
}

/*
 * A client with its own operation names (or none) is scripted by the field it fetches and
 * its arguments, written inline or passed as variables of any name.
 */
Test(faults, matching_by_field_and_arguments_whatever_the_operation_is_named)
{
    start_with("{\"name\":\"t\",\"rules\":["
               "{\"match\":{\"field\":\"guildData.guild\",\"arguments\":{\"id\":7}},"
               "\"script\":[{\"action\":\"respond\",\"status\":500}]},"
               "{\"match\":{\"field\":\"reportData\"},\"script\":[{\"action\":\"respond\","
               "\"status\":502}]},"
               "{\"match\":{\"field\":\"rateLimitData\"},\"script\":[{\"action\":\"respond\","
               "\"status\":503}]},"
               "{\"match\":{\"operation\":\"*\",\"path\":\"/api/v2/client\"},"
               "\"script\":[{\"action\":\"respond\",\"status\":418}]}]}",
               NULL);
    cr_assert_eq(post_document("query MyGuild($g: Int!) { guildData { guild(id: $g) { name } } }",
                               "{\"g\":7}"),
                 500);
    cr_assert_eq(post_document("{ guildData { guild(id: 7) { name } } }", NULL), 500,
                 "an inline argument, an anonymous operation");
    cr_assert_eq(
        post_document("{ guildData { a: guild(id: 1) { id } b: guild(id: 7) { id } } }", NULL), 500,
        "any of the fields it fetches");
    cr_assert_eq(post_document("{ reportData { report(code: \"x\") { code } } }", NULL), 502,
                 "a root namespace takes every field below it");
    cr_assert_eq(post_document("{ rateLimitData { limitPerHour } }", NULL), 503);
    cr_assert_eq(post_document("{ guildData { guild(id: 8) { name } } }", NULL), 418,
                 "another guild: the next rule, \"*\", takes the anonymous operation");
    cr_assert_eq(post_document("{ nmae }", NULL), 200,
                 "a refused document naming no operation is no operation: its errors, 200");
}

Test(faults, non_repeating_script_stops_applying)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"respond\",\"status\":503,"
               "\"times\":2,\"repeat\":false}]},{\"script\":[{\"action\":\"respond\","
               "\"status\":502}]}]}",
               NULL);
    long want[] = {503, 503, 502, 502};
    for (int i = 0; i < 4; i++) {
        struct http_result res;
        call_op("getZones", NULL, 5000, &res);
        cr_assert_eq(res.status, want[i], "call %d: %ld", i, res.status);
        http_result_free(&res);
    }
}

Test(faults, connection_close_and_keepalive_limits)
{
    start_with("{\"name\":\"t\",\"settings\":{\"max_requests_per_connection\":2},\"rules\":[]}",
               NULL);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Authorization: Bearer t");
    curl_easy_setopt(curl, CURLOPT_URL, graphql_url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
                     "{\"query\":\"query getZones { worldData { zones { id name } } }\"}");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, fwrite);
    FILE *sink = fopen("/dev/null", "w");
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, sink);
    long connects[4];
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(curl_easy_perform(curl), CURLE_OK);
        curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects[i]);
    }
    /* New connections for requests 1 and 3: the 2nd answer on each closed it. */
    cr_assert_eq(connects[0], 1);
    cr_assert_eq(connects[1], 0, "request 2 reused the connection");
    cr_assert_eq(connects[2], 1, "request 3 needed a new one");
    cr_assert_eq(connects[3], 0);
    fclose(sink);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

/* Which of 40 requests a p=0.5 rule faulted, as a bit string. */
static void fault_pattern(uint64_t seed, char out[41])
{
    struct esomock_options opts = {.seed = seed};
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"respond\",\"status\":503,"
               "\"probability\":0.5}]}]}",
               &opts);
    for (int i = 0; i < 40; i++) {
        struct http_result res;
        call_op("getZones", NULL, 5000, &res);
        out[i] = res.status == 503 ? '1' : '0';
        http_result_free(&res);
    }
    out[40] = '\0';
    stop();
}

Test(faults, same_seed_same_faults)
{
    char a[41], b[41], c[41];
    fault_pattern(42, a);
    fault_pattern(42, b);
    fault_pattern(43, c);
    cr_assert_str_eq(a, b, "same seed, same sequence");
    cr_assert_str_neq(a, c, "another seed, another sequence");
    int ones = 0;
    for (int i = 0; i < 40; i++)
        ones += a[i] == '1';
    cr_assert(ones > 8 && ones < 32, "about half faulted: %s", a);
}

Test(faults, blackhole_port_times_out_connects)
{
    struct esomock_options opts = {.blackhole = true};
    start_with(NULL, &opts);
    const char *url = esomock_server_blackhole_url(srv);
    cr_assert(strncmp(url, "http://127.0.0.1:", 17) == 0, "%s", url);
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 200L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    CURLcode rc = curl_easy_perform(curl);
    long connect_code = 0;
    curl_easy_getinfo(curl, CURLINFO_HTTP_CONNECTCODE, &connect_code);
    curl_easy_cleanup(curl);
    cr_assert_eq(rc, CURLE_OPERATION_TIMEDOUT, "curl %d", rc);
}

/* A getZones call whose body is exactly 256 bytes (padded), for slow_read's chunks. */
static void post_256_byte_get_zones(struct http_result *res)
{
    char body[300];
    int n =
        snprintf(body, sizeof(body),
                 "{\"query\":\"query getZones { worldData { zones { id name } } }\",\"pad\":\"");
    memset(body + n, 'x', 256 - (size_t)n - 2);
    memcpy(body + 254, "\"}", 3);
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    http_perform(&(struct http_request){.url = graphql_url, .body = body, .headers = headers}, res);
}

Test(faults, slow_read_delays_reading_the_body)
{
    /* 256 bytes read 64 at a time, 30 ms apart: at least 3 pauses before the answer. */
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
               "{\"action\":\"slow_read\",\"chunk_bytes\":64,\"interval_ms\":30}]}]}",
               NULL);
    struct http_result res;
    post_256_byte_get_zones(&res);
    cr_assert_eq(res.status, 200, "%ld %s", res.status, res.body);
    cr_assert_geq(res.elapsed_ms, 85.0, "%.1f ms", res.elapsed_ms);
    http_result_free(&res);
}

/*
 * First matching rule wins even when a later rule has a slow_read step (decided before
 * the body is read), and a script advances by exactly one step per request.
 */
Test(faults, slow_read_rule_keeps_rule_order_and_its_steps)
{
    start_with("{\"name\":\"t\",\"rules\":["
               "{\"match\":{\"operation\":\"getZones\"},\"script\":[{\"action\":\"respond\","
               "\"status\":503}]},"
               "{\"match\":{\"path\":\"/api/v2/client\"},\"script\":[{\"action\":\"slow_read\","
               "\"times\":1,\"chunk_bytes\":16,\"interval_ms\":5},{\"action\":\"respond\","
               "\"status\":502}]}]}",
               NULL);
    const char *ops[] = {"getZones", "getZones", "getFactions", "getFactions"};
    long want_status[] = {503, 503, 200, 502};
    for (int i = 0; i < 4; i++) {
        struct http_result res;
        call_op(ops[i], NULL, 5000, &res);
        cr_assert_eq(res.status, want_status[i], "call %d (%s): %ld %s", i, ops[i], res.status,
                     res.body);
        http_result_free(&res);
    }
    size_t count = 0;
    struct esomock_journal_entry *e = journal_after(4, &count);
    cr_assert_eq(count, 4, "%zu entries", count);
    const char *want_rule[] = {"rules[0]", "rules[0]", "rules[1]", "rules[1]"};
    int want_step[] = {0, 0, 0, 1};
    const char *want_action[] = {"respond", "respond", "slow_read", "respond"};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(e[i].rule, want_rule[i], "entry %zu rule", i);
        cr_assert_eq(e[i].step, want_step[i], "entry %zu step %d", i, e[i].step);
        cr_assert_str_eq(e[i].action, want_action[i], "entry %zu action", i);
        cr_assert_eq(e[i].status, (int)want_status[i], "entry %zu status", i);
    }
    free(e);
}

/* A rule decided before the body (slow_read first) applies its later steps too. */
Test(faults, slow_read_script_moves_on_to_its_next_step)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
               "{\"action\":\"slow_read\",\"times\":1,\"interval_ms\":5},"
               "{\"action\":\"respond\",\"status\":502,\"times\":1},{\"action\":\"pass\"}]}]}",
               NULL);
    long want[] = {200, 502, 200};
    for (int i = 0; i < 3; i++) {
        struct http_result res;
        call_op("getZones", NULL, 5000, &res);
        cr_assert_eq(res.status, want[i], "call %d: %ld", i, res.status);
        http_result_free(&res);
    }
    size_t count = 0;
    struct esomock_journal_entry *e = journal_after(3, &count);
    cr_assert_eq(count, 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(e[i].step, (int)i, "entry %zu step %d (one step per request)", i, e[i].step);
    free(e);
}

/*
 * slow_read must stall a client's upload, not just delay the answer: with the kernel's
 * default buffers a body under 1 MiB is taken whole at once and never stalls the client.
 */
Test(faults, slow_read_stalls_a_client_upload_well_under_max_body)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
               "{\"action\":\"slow_read\",\"chunk_bytes\":1024,\"interval_ms\":1000}]}]}",
               NULL);
    /* 384 KiB: well under the default 1 MiB limit; about 45-60 KB fit in the buffers. */
    size_t len = 384u * 1024u;
    char *body = malloc(len + 1);
    cr_assert_not_null(body);
    int n =
        snprintf(body, len + 1,
                 "{\"query\":\"query getZones { worldData { zones { id name } } }\",\"pad\":\"");
    memset(body + n, 'x', len - (size_t)n - 2);
    memcpy(body + len - 2, "\"}", 3);

    CURL *curl = curl_easy_init();
    cr_assert_not_null(curl);
    struct curl_slist *headers = curl_slist_append(NULL, "Authorization: Bearer t");
    curl_easy_setopt(curl, CURLOPT_URL, graphql_url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    /* At 1 KiB a second the body needs minutes; the client gives up after 1.5 s. */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 1500L);
    CURLcode rc = curl_easy_perform(curl);
    curl_off_t uploaded = 0;
    curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(body);

    cr_assert_eq(rc, CURLE_OPERATION_TIMEDOUT, "curl: %s", curl_easy_strerror(rc));
    /* Generous: the stall point depends on kernel buffer tuning, but never the whole body. */
    cr_assert_lt(uploaded, (curl_off_t)(len * 3 / 4),
                 "the client wrote %lld of %zu bytes: its upload did not stall",
                 (long long)uploaded, len);
}

/* bytes at or past the body's end still truncate: all but the last byte, never the whole body. */
Test(faults, truncate_past_the_end_still_cuts_the_last_byte)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"script\":[{\"action\":\"truncate\","
               "\"bytes\":100000000}]}]}",
               NULL);
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.curl_code, CURLE_PARTIAL_FILE, "curl %d (%s)", res.curl_code, res.curl_error);
    size_t got = res.body_len;
    cr_assert_gt(got, 0);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_after(1, &n);
    cr_assert_eq(e[0].bytes_sent, got, "journal %llu, client %zu",
                 (unsigned long long)e[0].bytes_sent, got);
    cr_assert_eq(e[0].state, ESOMOCK_ENTRY_COMPLETED, "the cut is what was asked");
    free(e);
}

/* "operation": "*" (any GraphQL call) is known from the path: such a slow_read rule reads
 * GraphQL bodies slowly and leaves token requests alone. */
Test(faults, slow_read_on_any_operation_is_decided_from_the_path)
{
    start_with("{\"name\":\"t\",\"rules\":[{\"match\":{\"operation\":\"*\"},\"script\":["
               "{\"action\":\"slow_read\",\"chunk_bytes\":64,\"interval_ms\":30}]}]}",
               NULL);
    struct http_result res;
    post_256_byte_get_zones(&res);
    cr_assert_eq(res.status, 200, "%ld %s", res.status, res.body);
    cr_assert_geq(res.elapsed_ms, 85.0, "read slowly: %.1f ms", res.elapsed_ms);
    http_result_free(&res);

    char token_url[128];
    snprintf(token_url, sizeof(token_url), "%s/oauth/token", esomock_server_url(srv));
    http_perform(&(struct http_request){.url = token_url,
                                        .body = "grant_type=client_credentials",
                                        .userpwd = "id:secret"},
                 &res);
    cr_assert_eq(res.status, 200, "%ld %s", res.status, res.body);
    http_result_free(&res);

    size_t count = 0;
    struct esomock_journal_entry *e = journal_after(2, &count);
    cr_assert_eq(count, 2);
    cr_assert_str_eq(e[0].action, "slow_read");
    cr_assert_str_eq(e[1].rule, "", "the token request is no GraphQL call");
    cr_assert_str_eq(e[1].action, "pass");
    free(e);
}

/*
 * Clients that give up during a delay or between drip chunks free their connection at once,
 * as for a hang, and are journaled aborted: with room for six connections, six such clients
 * gone, a new client is still served (before, each held its place for the 10-minute pause).
 */
Test(faults, clients_leaving_a_delay_or_a_drip_pause_free_their_connections)
{
    enum { EACH = 3 };
    struct esomock_options opts = {.max_connections = 2 * EACH, .threads = 1};
    start_with("{\"name\":\"t\",\"rules\":["
               "{\"match\":{\"headers\":{\"X-Fault\":\"delay\"}},"
               "\"script\":[{\"action\":\"delay\",\"delay_ms\":600000}]},"
               "{\"match\":{\"headers\":{\"X-Fault\":\"drip\"}},"
               "\"script\":[{\"action\":\"drip\",\"chunk_bytes\":1,\"interval_ms\":600000}]}]}",
               &opts);
    static const char zones[] =
        "{\"query\":\"query getZones { worldData { zones { id name } } }\"}";
    int fds[2 * EACH];
    for (int i = 0; i < 2 * EACH; i++) {
        fds[i] = connect_loopback(esomock_server_port(srv));
        char request[512];
        snprintf(request, sizeof(request),
                 "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                 "X-Fault: %s\r\nContent-Length: %zu\r\n\r\n%s",
                 i < EACH ? "delay" : "drip", sizeof(zones) - 1, zones);
        send_text(fds[i], request, 0);
    }
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 2 * EACH, false, 10000), 2 * EACH,
                 "all six arrived");
    /* A dripping answer has begun (its head and first byte): the pause is under way. */
    for (int i = EACH; i < 2 * EACH; i++) {
        char head[1024];
        size_t n = recv_until(fds[i], head, sizeof(head), "\r\n\r\n", 10000, NULL);
        char *end = strstr(head, "\r\n\r\n");
        cr_assert_not_null(end, "drip %d: the head arrives: %.200s", i, head);
        if ((size_t)(end + 4 - head) == n) {
            char byte[8];
            recv_until(fds[i], byte, 2, NULL, 10000, NULL);
        }
    }
    for (int i = 0; i < 2 * EACH; i++)
        close(fds[i]);

    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, 2 * EACH, true, 10000), 2 * EACH,
                 "every client that left is released long before its 10-minute pause ends");
    size_t n = 0;
    struct esomock_journal_entry *e = journal(&n);
    cr_assert_eq(n, 2 * EACH);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(e[i].state, ESOMOCK_ENTRY_ABORTED, "entry %zu is aborted", i);
        cr_assert(strcmp(e[i].action, "delay") == 0 || strcmp(e[i].action, "drip") == 0, "%s",
                  e[i].action);
    }
    free(e);

    char url[128];
    snprintf(url, sizeof(url), "%s/__admin/health", esomock_server_url(srv));
    struct http_result res;
    http_perform(&(struct http_request){.url = url, .timeout_ms = 5000}, &res);
    cr_assert_eq(res.status, 200, "a new client is served: %s", res.curl_error);
    http_result_free(&res);
}

/* A scripted close reads as what it is on the log, not as libmicrohttpd's "internal error". */
Test(faults, scripted_closes_are_logged_as_what_they_are)
{
    FILE *log = tmpfile();
    cr_assert_not_null(log);
    struct esomock_options opts = {.log = log};
    start_with(
        "{\"name\":\"t\",\"rules\":["
        "{\"match\":{\"headers\":{\"X-Fault\":\"reset\"}},\"script\":[{\"action\":\"reset\"}]},"
        "{\"match\":{\"headers\":{\"X-Fault\":\"drop\"}},\"script\":[{\"action\":\"drop\"}]},"
        "{\"match\":{\"headers\":{\"X-Fault\":\"truncate\"}},"
        "\"script\":[{\"action\":\"truncate\",\"bytes\":10}]}]}",
        &opts);
    static const char *const faults[] = {"reset", "drop", "truncate"};
    for (size_t i = 0; i < 3; i++) {
        char fault[64];
        snprintf(fault, sizeof(fault), "X-Fault: %s", faults[i]);
        const char *const headers[] = {"Authorization: Bearer t", fault, NULL};
        struct http_result res;
        http_perform(
            &(struct http_request){
                .url = graphql_url,
                .body = "{\"query\":\"query getZones { worldData { zones { id name } } }\"}",
                .headers = headers},
            &res);
        cr_assert_neq(res.curl_code, CURLE_OK, "%s fails the call", faults[i]);
        http_result_free(&res);
    }
    cr_assert_geq(esomock_server_wait_for_requests(srv, NULL, 3, true, 10000), 3);
    stop(); /* every line is written */
    rewind(log);
    char text[8192];
    size_t n = fread(text, 1, sizeof(text) - 1, log);
    text[n] = '\0';
    fclose(log);
    cr_assert_null(strstr(text, "internal error"), "reads like a crash:\n%s", text);
    cr_assert_null(strstr(text, "application reported error"), "%s", text);
    cr_assert(strstr(text, "reset: connection closed with a TCP RST, as the scenario says") != NULL,
              "%s", text);
    cr_assert(strstr(text, "drop: connection closed without an answer") != NULL, "%s", text);
    cr_assert(strstr(text, "truncate: connection closed after 10 of") != NULL, "%s", text);
}

/* An error status with no body of its own sends the API's error body, never the data; a 2xx
 * still sends the fixture. */
Test(faults, error_status_without_a_body_sends_an_error_body_not_the_data)
{
    start_with("{\"name\":\"t\",\"rules\":["
               "{\"match\":{\"path\":\"/oauth/token\"},"
               "\"script\":[{\"action\":\"respond\",\"status\":503}]},"
               "{\"match\":{\"operation\":\"getZones\"},\"script\":["
               "{\"action\":\"respond\",\"status\":429,\"headers\":{\"Retry-After\":\"2\"}},"
               "{\"action\":\"respond\",\"status\":500},"
               "{\"action\":\"truncate\",\"status\":502,\"bytes\":20},"
               "{\"action\":\"respond\",\"status\":203}]}]}",
               NULL);
    static const long want[] = {429, 500, 502};
    for (size_t i = 0; i < 3; i++) {
        struct http_result res;
        call_op("getZones", NULL, 5000, &res);
        cr_assert_eq(res.status, want[i], "call %zu: %ld", i, res.status);
        cr_assert_null(strstr(res.body, "zones"), "call %zu: no data: %s", i, res.body);
        if (i < 2) {
            cJSON *json = parse_body(&res);
            cr_assert(cJSON_IsNull(cJSON_GetObjectItem(json, "data")), "call %zu: %s", i, res.body);
            const char *message = first_error_message(json);
            cr_assert(strstr(message, i == 0 ? "Too Many Requests" : "Internal Server Error") !=
                          NULL,
                      "call %zu: %s", i, message);
            cJSON_Delete(json);
        } else {
            cr_assert_eq(res.curl_code, CURLE_PARTIAL_FILE, "truncated: %s", res.curl_error);
            cr_assert(strncmp(res.body, "{\"errors\":[", 11) == 0, "%s", res.body);
        }
        char retry_after[16] = "";
        if (i == 0) {
            cr_assert_eq(http_result_header(&res, "Retry-After", retry_after, sizeof(retry_after)),
                         0, "the step's headers still apply");
        }
        http_result_free(&res);
    }
    struct http_result res;
    call_op("getZones", NULL, 5000, &res);
    cr_assert_eq(res.status, 203);
    cr_assert(strstr(res.body, "\"zones\"") != NULL, "a 2xx keeps the fixture: %.100s", res.body);
    http_result_free(&res);

    /* The token endpoint answers an OAuth error. */
    char url[128];
    snprintf(url, sizeof(url), "%s/oauth/token", esomock_server_url(srv));
    http_perform(&(struct http_request){.url = url,
                                        .body = "grant_type=client_credentials",
                                        .userpwd = "id:secret"},
                 &res);
    cr_assert_eq(res.status, 503);
    cJSON *json = parse_body(&res);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "error")->valuestring, "temporarily_unavailable");
    cr_assert_null(cJSON_GetObjectItem(json, "access_token"), "%s", res.body);
    cJSON_Delete(json);
    http_result_free(&res);
}
