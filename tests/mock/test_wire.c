/*
 * The wire module: what the journal notes about each answer (Retry-After and the wait it
 * means, GraphQL errors), the `wire` section's check (paths, did-you-mean, ranges), the
 * step that sends a Retry-After date, how requests are attributed to calls, and the judge's
 * arithmetic on journals made by hand (tolerances, edges, vacuous cases).
 */
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <esomock/journal.h>
#include <esomock/wire.h>

#include "mock_test_util.h"
#include "wire_note_private.h"

/* ---- the journal's notes ----------------------------------------------------------------- */

Test(wire_note, errors_are_found_among_top_level_members_only)
{
    static const struct {
        const char *body;
        bool errors;
    } cases[] = {
        {"{\"errors\":[{\"message\":\"x\"}],\"data\":null}", true},
        {"{\"data\":{\"a\":1},\"errors\":[]}", true},
        {" {\n \"data\" : {\"errors\":[1]} , \"errors\" : [ ] }", true},
        {"{\"data\":{\"errors\":[{\"message\":\"nested, not the answer's\"}]}}", false},
        {"{\"data\":{\"text\":\"\\\"errors\\\": a string\"}}", false},
        {"{\"data\":[\"errors\",{\"errors\":1}]}", false},
        {"{\"data\":null}", false},
        {"[{\"errors\":[]}]", false},
        {"not json \"errors\" at all", false},
        {"{\"data\":{\"unterminated\":\"errors\"", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_eq(esomock__wire_has_errors(cases[i].body, strlen(cases[i].body)),
                     cases[i].errors, "case %zu: %s", i, cases[i].body);
}

Test(wire_note, retry_after_in_both_forms)
{
    double now = 1800000000.5; /* 2027-01-15 08:00:00.5 UTC */
    cr_expect_float_eq(esomock__wire_retry_after_seconds("7", now), 7, 1e-9);
    cr_expect_float_eq(esomock__wire_retry_after_seconds(" 1.5 ", now), 1.5, 1e-9);
    cr_expect_float_eq(esomock__wire_retry_after_seconds("0", now), 0, 1e-9);
    char date[64];
    esomock__wire_http_date(1800000010, date, sizeof(date));
    cr_expect_str_eq(date, "Fri, 15 Jan 2027 08:00:10 GMT");
    cr_expect_float_eq(esomock__wire_retry_after_seconds(date, now), 9.5, 1e-6, "%s", date);
    /* The obsolete forms a recipient must still accept (RFC 9110 5.6.7). */
    cr_expect_float_eq(esomock__wire_retry_after_seconds("Friday, 15-Jan-27 08:00:10 GMT", now),
                       9.5, 1e-6);
    cr_expect_float_eq(esomock__wire_retry_after_seconds("Fri Jan 15 08:00:10 2027", now), 9.5,
                       1e-6);
    cr_expect_float_eq(esomock__wire_retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now), 0,
                       1e-9, "a date past asks for no wait");
    static const char *const garbage[] = {
        "", "soon", "-1", "1e3", "7 s", "1.", ".5", "Fri, 15 Jan 2027 08:00:10", "0x10"};
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
        cr_expect_lt(esomock__wire_retry_after_seconds(garbage[i], now), 0, "\"%s\"", garbage[i]);
}

/* ---- through a server -------------------------------------------------------------------- */

static struct esomock_server *srv;

static void stop(void)
{
    esomock_server_stop(srv);
    srv = NULL;
}

static const char zones[] =
    "{\"operationName\":\"getZones\",\"query\":\"query getZones { worldData { zones { id name "
    "frozen expansion { id name } difficulties { id name sizes } encounters { id name } "
    "partitions { id name compactName default } } } }\"}";

/* POST getZones; a drop, reset or timeout (within @p timeout_ms, 0 = 10 s) is in @p res. */
static void post_any(struct http_result *res, long timeout_ms)
{
    char url[256];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(srv));
    static const char *const headers[] = {"Content-Type: application/json",
                                          "Authorization: Bearer test-token", NULL};
    http_perform(
        &(struct http_request){
            .url = url, .body = zones, .headers = headers, .timeout_ms = timeout_ms},
        res);
}

static void post_zones(struct http_result *res)
{
    post_any(res, 0);
    cr_assert_eq(res->curl_code, CURLE_OK, "%s", res->curl_error);
}

/* The newest entry, once the answer to it is over (the journal has what was sent). */
static struct esomock_journal_entry last_entry(void)
{
    struct esomock_journal_entry *all = NULL;
    size_t n = 0;
    cr_assert_eq(esomock_server_journal(srv, NULL, &all, &n), ESOMOCK_OK);
    free(all);
    cr_assert_eq(esomock_server_wait_for_requests(srv, NULL, n, true, 5000), n);
    cr_assert_eq(esomock_server_journal(srv, NULL, &all, &n), ESOMOCK_OK);
    cr_assert_gt(n, 0);
    struct esomock_journal_entry e = all[n - 1];
    free(all);
    return e;
}

TestSuite(wire_journal, .fini = stop, .timeout = 30);

Test(wire_journal, notes_retry_after_and_graphql_errors)
{
    srv = start_server(NULL);
    static const char scenario[] =
        "{\"name\":\"notes\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
        "{\"action\":\"respond\",\"status\":429,\"headers\":{\"Retry-After\":\"3\"}},"
        "{\"action\":\"respond\",\"status\":503,\"retry_after_date_s\":5},"
        "{\"action\":\"respond\",\"status\":200,\"body\":{\"data\":null,\"errors\":[{\"message\":"
        "\"Cannot query field\"}]}},"
        "{\"action\":\"pass\"}]}]}";
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), NULL, NULL),
                 ESOMOCK_OK);
    struct http_result res;

    post_zones(&res);
    struct esomock_journal_entry e = last_entry();
    cr_expect_eq(res.status, 429);
    cr_expect_str_eq(e.retry_after, "3");
    cr_expect_float_eq(e.retry_after_s, 3, 1e-9);
    cr_expect(e.graphql_errors, "the default 429 body is a GraphQL error");
    http_result_free(&res);

    time_t before = time(NULL);
    post_zones(&res);
    e = last_entry();
    char header[64];
    cr_assert_eq(http_result_header(&res, "Retry-After", header, sizeof(header)), 0);
    cr_expect_str_eq(e.retry_after, header, "the journal has what was sent");
    cr_expect(strstr(header, " GMT") != NULL, "an HTTP-date: %s", header);
    /* Whole seconds, rounded up: at least 5 s ahead, less than 6. */
    cr_expect(e.retry_after_s >= 5 && e.retry_after_s < 6.01, "%g", e.retry_after_s);
    cr_expect_geq(esomock__wire_retry_after_seconds(header, (double)before), 5);
    http_result_free(&res);

    post_zones(&res);
    e = last_entry();
    cr_expect_eq(res.status, 200);
    cr_expect(e.graphql_errors);
    cr_expect_str_empty(e.retry_after);
    http_result_free(&res);

    post_zones(&res);
    e = last_entry();
    cr_expect_eq(res.status, 200);
    cr_expect(!e.graphql_errors, "a normal answer has no errors: %.200s", res.body);
    cr_expect_str_empty(e.retry_after);
    http_result_free(&res);

    /* The admin API's journal shows the same. */
    cJSON *json = admin_journal_json(srv);
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(json, "requests");
    const cJSON *first = cJSON_GetArrayItem(requests, 0);
    const cJSON *fourth = cJSON_GetArrayItem(requests, 3);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(first, "retry_after")->valuestring, "3");
    cr_expect_float_eq(cJSON_GetObjectItemCaseSensitive(first, "retry_after_s")->valuedouble, 3,
                       1e-9);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "graphql_errors")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(fourth, "retry_after")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(fourth, "retry_after_s")));
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(fourth, "graphql_errors")));
    cJSON_Delete(json);
}

Test(wire_journal, a_retry_after_nobody_understands_is_kept_as_sent)
{
    srv = start_server(NULL);
    static const char scenario[] =
        "{\"name\":\"odd\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
        "{\"action\":\"respond\",\"status\":503,\"headers\":{\"retry-after\":\"later\"}}]}]}";
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), NULL, NULL),
                 ESOMOCK_OK);
    struct http_result res;
    post_zones(&res);
    struct esomock_journal_entry e = last_entry();
    cr_expect_str_eq(e.retry_after, "later", "the header's name is case-insensitive");
    cr_expect_lt(e.retry_after_s, 0, "not understood");
    http_result_free(&res);
}

/* ---- the section's check ----------------------------------------------------------------- */

/* Check @p text (a scenario) as eso-mock check does; its problems' text. */
static const char *check_text(const char *text)
{
    char path[] = "/tmp/eso-wire-check-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct esomock_problems *problems = test_problems();
    const char *paths[] = {path};
    esomock_check_scenario_files(paths, 1, NULL, problems, NULL);
    unlink(path);
    return problems_text(problems);
}

Test(wire_check, every_mistake_has_its_path)
{
    const char *text = check_text(
        "{\"name\":\"w\",\"rules\":[],\"wire\":{\"tolerance\":3,\"expect\":["
        "{\"atempts\":3,\"calls\":[0,\"a\"],\"breaker\":{\"opens_after\":[3,2],\"quiet\":1},"
        "\"no_retry_after\":[400,\"graphql_error\",700],\"retry_after\":false,"
        "\"last_answer\":\"fine\",\"wait_s\":{\"at_least\":2,\"at_most\":1},"
        "\"max_in_flight\":0,\"jitter\":\"yes\",\"deadline_s\":0},"
        "{\"calls\":\"all\"},"
        "{\"attempts\":[1],\"requests_per_call\":\"1.5\"}]}}");
    static const char *const wanted[] = {
        "wire.tolerance: unknown key; did you mean \"tolerance_ms\"?",
        "wire.expect[0].atempts: unknown key; did you mean \"attempts\"?",
        "wire.expect[0].calls[0]: expected an integer >= 1",
        "wire.expect[0].breaker.quiet: unknown key; did you mean \"quiet_s\"?",
        "wire.expect[0].breaker.opens_after: expected [min, max] with min <= max",
        "wire.expect[0].breaker.quiet_s: missing",
        "wire.expect[0].no_retry_after[1]: expected one of graphql_errors, unauthorized; got "
        "\"graphql_error\" (did you mean \"graphql_errors\"?)",
        "wire.expect[0].no_retry_after[2]: expected an integer from 100 to 599",
        "wire.expect[0].retry_after: expected true (leave the key out to judge nothing)",
        "wire.expect[0].last_answer: expected one of ok, not_ok",
        "wire.expect[0].wait_s: expected at_least <= at_most",
        "wire.expect[0].max_in_flight: expected an integer >= 1",
        "wire.expect[0].jitter: expected true or false",
        "wire.expect[0].deadline_s: expected a number > 0",
        "wire.expect[1]: expected at least one of attempts, last_answer, wait_s",
        "wire.expect[2].attempts: expected a whole number, [min, max]",
        "wire.expect[2].requests_per_call: expected a number, [min, max]",
    };
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
        cr_expect(strstr(text, wanted[i]) != NULL, "missing \"%s\" in:\n%s", wanted[i], text);
}

Test(wire_check, a_valid_section_passes_and_a_missing_expect_is_named)
{
    cr_expect_str_empty(
        check_text("{\"name\":\"w\",\"rules\":[],\"wire\":{\"tolerance_ms\":5,\"late_ms\":100,"
                   "\"expect\":[{\"behaviour\":\"b\",\"hint\":\"h\",\"calls\":[1,\"named\"],"
                   "\"attempts\":{\"at_least\":1},\"last_answer\":\"ok\",\"wait_s\":[0.5,2],"
                   "\"growth\":{\"at_least\":1.5},\"jitter\":true,\"retry_after\":true,"
                   "\"no_retry_after\":[400,\"graphql_errors\",\"unauthorized\"],"
                   "\"deadline_s\":10,\"requests\":5,\"requests_per_call\":{\"at_most\":1.5},"
                   "\"breaker\":{\"opens_after\":3,\"quiet_s\":5,\"probes\":1,\"reopens\":true},"
                   "\"token_requests\":[1,2],\"unauthorized\":0,\"rate_limited\":0,"
                   "\"max_in_flight\":4}]}}"));
    cr_expect(strstr(check_text("{\"name\":\"w\",\"rules\":[],\"wire\":{}}"),
                     "wire.expect: missing; expected an array of expectations") != NULL);
    cr_expect(strstr(check_text("{\"name\":\"w\",\"rules\":[],\"wire\":[]}"),
                     "wire: expected an object with \"expect\"") != NULL);
}

Test(wire_check, the_retry_after_date_step)
{
    const char *text =
        check_text("{\"name\":\"d\",\"rules\":[{\"script\":["
                   "{\"action\":\"respond\",\"status\":429,\"retry_after_date_s\":5,\"headers\":"
                   "{\"Retry-After\":\"1\"}},"
                   "{\"action\":\"respond\",\"status\":429,\"retry_after_date_s\":1.5},"
                   "{\"action\":\"respond\",\"status\":429,\"retry_after_date_s\":90000},"
                   "{\"action\":\"drop\",\"retry_after_date_s\":5},"
                   "{\"action\":\"respond\",\"status\":503,\"retry_after_date_s\":0}]}]}");
    cr_expect(strstr(text, "rules[0].script[0].retry_after_date_s: give headers.Retry-After or "
                           "retry_after_date_s, not both") != NULL,
              "%s", text);
    cr_expect(strstr(text, "rules[0].script[1].retry_after_date_s: expected an integer") != NULL,
              "%s", text);
    cr_expect(strstr(text, "rules[0].script[2].retry_after_date_s: expected an integer from 0 to "
                           "86400") != NULL,
              "%s", text);
    cr_expect(strstr(text, "rules[0].script[3].retry_after_date_s: \"retry_after_date_s\" applies "
                           "only to respond, truncate, drip") != NULL,
              "%s", text);
    cr_expect(strstr(text, "script[4]") == NULL, "0 s ahead is a date now: %s", text);
}

static struct esomock_wire *wire_of(const char *json)
{
    cJSON *section = cJSON_Parse(json);
    cr_assert_not_null(section, "%s", json);
    struct esomock_problems *problems = test_problems();
    struct esomock_wire *wire = NULL;
    cr_assert_eq(esomock_wire_create(section, problems, &wire), ESOMOCK_OK, "%s",
                 problems_text(problems));
    cJSON_Delete(section);
    return wire;
}

Test(wire_check, calls_are_named_by_number_or_name)
{
    struct esomock_wire *wire =
        wire_of("{\"expect\":[{\"calls\":[1,4,\"outage\",\"ougate\",\"elsewhere\"],\"attempts\":1},"
                "{\"requests\":3}]}");
    cr_expect_eq(esomock_wire_expectation_count(wire), 2);
    cr_expect_str_eq(esomock_wire_behaviour(wire, 1), "requests", "a summary of its kinds");
    cr_expect_null(esomock_wire_behaviour(wire, 2));
    const char *names[] = {NULL, "outage", NULL};
    struct esomock_problems *problems = test_problems();
    cr_expect_eq(esomock_wire_check_calls(wire, names, 3, problems), ESOMOCK_SCENARIO_INVALID);
    const char *text = problems_text(problems);
    cr_expect(strstr(text, "wire.expect[0].calls: no call 4: expect.calls has 3") != NULL, "%s",
              text);
    cr_expect(strstr(text, "no call is named \"ougate\"; did you mean \"outage\"?") != NULL, "%s",
              text);
    cr_expect(strstr(text, "no call in expect.calls is named \"elsewhere\"") != NULL, "%s", text);
    cr_expect(strstr(text, "\"outage\";") == NULL, "outage exists: %s", text);
    esomock_wire_destroy(wire);
}

/* sent_ms: when each kind of answer left, from which a judge measures a client's wait. */
Test(wire_journal, notes_when_each_answer_left)
{
    srv = start_server(NULL);
    static const char scenario[] =
        "{\"name\":\"sent\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},\"script\":["
        "{\"action\":\"respond\",\"status\":503,\"delay_ms\":150},"
        "{\"action\":\"drip\",\"body\":\"0123456789\",\"chunk_bytes\":5,\"interval_ms\":60},"
        "{\"action\":\"drop\",\"delay_ms\":40},"
        "{\"action\":\"hang\",\"max_ms\":80},"
        "{\"action\":\"hang\",\"max_ms\":30000},"
        "{\"action\":\"pass\"}]}]}";
    cr_assert_eq(esomock_server_load_scenario(srv, scenario, strlen(scenario), NULL, NULL),
                 ESOMOCK_OK);
    static const long timeouts[] = {0, 0, 0, 0, 300, 0};
    for (size_t i = 0; i < 6; i++) {
        struct http_result res;
        post_any(&res, timeouts[i]);
        http_result_free(&res);
    }
    size_t n = 6;
    struct esomock_journal_entry *e = completed_journal(srv, n);
    /* Each left no sooner than its script let it, and no later than libmicrohttpd noted. */
    static const double earliest[] = {150, 60, 40, 80, -1, 0};
    for (size_t i = 0; i < n; i++) {
        if (earliest[i] < 0)
            continue;
        cr_expect_eq(e[i].state, ESOMOCK_ENTRY_COMPLETED, "entry %zu", i);
        cr_expect_geq(e[i].sent_ms - e[i].t_ms, earliest[i] - 1, "entry %zu (%s): %.1f ms", i,
                      e[i].action, e[i].sent_ms - e[i].t_ms);
        cr_expect_leq(e[i].sent_ms, e[i].t_ms + e[i].duration_ms + 0.01, "entry %zu (%s)", i,
                      e[i].action);
    }
    /* The client that gave up on a hang got no answer: nothing left. */
    cr_expect_eq(e[4].state, ESOMOCK_ENTRY_ABORTED);
    cr_expect_eq(e[4].sent_ms, -1);
    free(e);

    cJSON *json = admin_journal_json(srv);
    const cJSON *requests = cJSON_GetObjectItemCaseSensitive(json, "requests");
    cr_expect(cJSON_IsNumber(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(requests, 0), "sent_ms")));
    cr_expect(
        cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(requests, 4), "sent_ms")));
    cJSON_Delete(json);
}

/* ---- attribution and answers -------------------------------------------------------------- */

static struct esomock_journal_entry request(double t_ms, double duration_ms, const char *id,
                                            int status)
{
    static uint64_t seq;
    struct esomock_journal_entry e = {
        .seq = ++seq,
        .t_ms = t_ms,
        .duration_ms = duration_ms,
        .sent_ms = t_ms + duration_ms,
        .state = ESOMOCK_ENTRY_COMPLETED,
        .status = status,
    };
    snprintf(e.path, sizeof(e.path), "/api/v2/client");
    snprintf(e.request_id, sizeof(e.request_id), "%s", id != NULL ? id : "");
    snprintf(e.action, sizeof(e.action), "%s", status == 200 ? "pass" : "respond");
    return e;
}

Test(wire_attribute, by_id_then_by_time)
{
    struct esomock_wire_call calls[] = {
        {.start_ms = 0, .end_ms = 100, .request_id = "a"},
        {.start_ms = 100, .end_ms = 200}, /* asked the instant the first ended */
        {.start_ms = 300, .end_ms = 400},
        {.start_ms = 300, .end_ms = 400}, /* run at once with the one before */
        {.start_ms = 500, .end_ms = -1},  /* never answered */
    };
    struct esomock_journal_entry e[] = {
        request(150, 5, "a", 200),    /* the id wins over the time */
        request(100.5, 5, NULL, 200), /* within the slack of call 1's end: call 2 all the same */
        request(250, 5, NULL, 200),   /* between calls */
        request(310, 5, NULL, 200),   /* two calls ran: the earliest */
        request(9000, 5, NULL, 200),  /* the call never answered: still running */
        request(-20, 5, NULL, 200),   /* before any call */
    };
    e[4].admin = false;
    long call_of[6];
    cr_assert_eq(esomock_wire_attribute(e, 6, calls, 5, call_of), ESOMOCK_OK);
    cr_expect_eq(call_of[0], 0);
    cr_expect_eq(call_of[1], 1);
    cr_expect_eq(call_of[2], -1);
    cr_expect_eq(call_of[3], 2);
    cr_expect_eq(call_of[4], 4);
    cr_expect_eq(call_of[5], -1);
    struct esomock_journal_entry admin = request(50, 1, NULL, 200);
    admin.admin = true;
    cr_assert_eq(esomock_wire_attribute(&admin, 1, calls, 5, call_of), ESOMOCK_OK);
    cr_expect_eq(call_of[0], -1, "admin requests are nobody's");
    cr_expect_eq(esomock_wire_attribute(e, 1, NULL, 1, call_of), ESOMOCK_BAD_ARGUMENT);
}

Test(wire_attribute, answers_as_a_client_sees_them)
{
    static const struct {
        const char *action;
        int status;
        enum esomock_entry_state state;
        bool errors;
        enum esomock_wire_answer answer;
    } cases[] = {
        {"pass", 200, ESOMOCK_ENTRY_COMPLETED, false, ESOMOCK_WIRE_OK},
        {"respond", 200, ESOMOCK_ENTRY_COMPLETED, true, ESOMOCK_WIRE_GRAPHQL_ERRORS},
        {"respond", 503, ESOMOCK_ENTRY_COMPLETED, true, ESOMOCK_WIRE_SERVER_ERROR},
        {"rate_limit", 429, ESOMOCK_ENTRY_COMPLETED, true, ESOMOCK_WIRE_RATE_LIMITED},
        {"auth", 401, ESOMOCK_ENTRY_COMPLETED, true, ESOMOCK_WIRE_UNAUTHORIZED},
        {"respond", 404, ESOMOCK_ENTRY_COMPLETED, false, ESOMOCK_WIRE_REJECTED},
        {"drop", 0, ESOMOCK_ENTRY_COMPLETED, false, ESOMOCK_WIRE_NO_ANSWER},
        {"reset", 0, ESOMOCK_ENTRY_ABORTED, false, ESOMOCK_WIRE_NO_ANSWER},
        {"hang", 0, ESOMOCK_ENTRY_ABORTED, false, ESOMOCK_WIRE_TIMED_OUT},
        {"delay", 0, ESOMOCK_ENTRY_ABORTED, false, ESOMOCK_WIRE_TIMED_OUT},
        {"truncate", 200, ESOMOCK_ENTRY_COMPLETED, false, ESOMOCK_WIRE_BROKEN},
        {"malformed", 200, ESOMOCK_ENTRY_COMPLETED, false, ESOMOCK_WIRE_BROKEN},
        {"pass", 0, ESOMOCK_ENTRY_IN_FLIGHT, false, ESOMOCK_WIRE_IN_FLIGHT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct esomock_journal_entry e = {
            .status = cases[i].status, .state = cases[i].state, .graphql_errors = cases[i].errors};
        snprintf(e.action, sizeof(e.action), "%s", cases[i].action);
        enum esomock_wire_answer a = esomock_wire_answer_of(&e);
        cr_expect_eq(a, cases[i].answer, "case %zu (%s %d): %s", i, cases[i].action,
                     cases[i].status, esomock_wire_answer_name(a));
    }
    cr_expect(esomock_wire_answer_is_transient(ESOMOCK_WIRE_TIMED_OUT));
    cr_expect(!esomock_wire_answer_is_transient(ESOMOCK_WIRE_GRAPHQL_ERRORS));
    cr_expect(!esomock_wire_answer_is_transient(ESOMOCK_WIRE_REJECTED));
}

/* ---- the judge, on journals made by hand -------------------------------------------------- */

/* Judge @p entries against @p wire_json at time scale 1, noise allowances 0.001 ms. */
static struct esomock_wire_verdict *judge(const char *wire_json,
                                          const struct esomock_journal_entry *entries, size_t n,
                                          const struct esomock_wire_call *calls, size_t call_count,
                                          size_t *count)
{
    struct esomock_wire *wire = wire_of(wire_json);
    struct esomock_wire_options opts = {
        .time_scale = 1, .early_noise_ms = 0.001, .late_noise_ms = 0.001};
    struct esomock_wire_verdict *v = NULL;
    cr_assert_eq(esomock_wire_judge(wire, entries, n, calls, call_count, &opts, &v, count),
                 ESOMOCK_OK);
    esomock_wire_destroy(wire);
    return v;
}

Test(wire_judge, waits_are_judged_with_the_stated_tolerance)
{
    /* 503 (0-10 ms), then 980 ms later the retry: a wait of 0.98 s. */
    struct esomock_journal_entry e[] = {request(0, 10, NULL, 503), request(990, 10, NULL, 200)};
    struct esomock_wire_call call = {.start_ms = 0, .end_ms = 1000};
    size_t n = 0;
    struct esomock_wire_verdict *v = judge(
        "{\"tolerance_ms\":20,\"expect\":[{\"wait_s\":{\"at_least\":1}}]}", e, 2, &call, 1, &n);
    cr_assert_eq(n, 1);
    cr_expect(v[0].passed, "0.98 s is within 20 ms of 1 s: %s", v[0].observed);
    cr_expect(strstr(v[0].expected, "-20 ms") != NULL, "the tolerance is stated: %s",
              v[0].expected);
    free(v);
    v = judge("{\"tolerance_ms\":10,\"expect\":[{\"wait_s\":{\"at_least\":1}}]}", e, 2, &call, 1,
              &n);
    cr_expect(!v[0].passed, "not within 10 ms: %s", v[0].observed);
    cr_expect(strstr(v[0].observed, "attempt 2 at 0.99 s after a wait of 0.98 s") != NULL, "%s",
              v[0].observed);
    cr_expect(strstr(v[0].hint, "wait longer") != NULL, "%s", v[0].hint);
    free(v);
    v = judge("{\"late_ms\":0,\"expect\":[{\"wait_s\":{\"at_most\":0.5},\"hint\":\"mine\"}]}", e, 2,
              &call, 1, &n);
    cr_expect(!v[0].passed);
    cr_expect_str_eq(v[0].hint, "mine", "the section's own hint wins");
    free(v);
}

/* libmicrohttpd may note an answer's end only when the client's next request arrives on the
 * connection (a loaded machine): waits are measured from when the answer left (sent_ms). */
Test(wire_judge, waits_are_measured_from_when_the_answer_left)
{
    /* The 503 left at 0.5 ms; its end was noted 990 ms later, as the retry came. */
    struct esomock_journal_entry late_noted[] = {request(0, 990, NULL, 503),
                                                 request(990, 10, NULL, 200)};
    late_noted[0].sent_ms = 0.5;
    struct esomock_wire_call call = {.start_ms = 0, .end_ms = 1000};
    size_t n = 0;
    struct esomock_wire_verdict *v =
        judge("{\"expect\":[{\"wait_s\":{\"at_least\":0.95}}]}", late_noted, 2, &call, 1, &n);
    cr_assert_eq(n, 1);
    cr_expect(v[0].passed, "a wait of 0.99 s from when the answer left: %s", v[0].observed);
    free(v);
    /* A retry the instant the answer left is no wait, whatever libmicrohttpd noted. */
    late_noted[0].sent_ms = 989.5;
    v = judge("{\"expect\":[{\"wait_s\":{\"at_least\":0.95}}]}", late_noted, 2, &call, 1, &n);
    cr_expect(!v[0].passed, "%s", v[0].observed);
    free(v);
    /* A client that left first ended the answer when the server saw it leave. */
    late_noted[0].sent_ms = 0.5;
    late_noted[0].state = ESOMOCK_ENTRY_ABORTED;
    v = judge("{\"expect\":[{\"wait_s\":{\"at_least\":0.95}}]}", late_noted, 2, &call, 1, &n);
    cr_expect(!v[0].passed, "%s", v[0].observed);
    free(v);
    /* A sent time before the arrival (a journal made by hand without one) is none. */
    late_noted[0].state = ESOMOCK_ENTRY_COMPLETED;
    late_noted[0].t_ms = 1;
    late_noted[0].sent_ms = 0;
    v = judge("{\"expect\":[{\"wait_s\":{\"at_least\":0.95}}]}", late_noted, 2, &call, 1, &n);
    cr_expect(!v[0].passed, "%s", v[0].observed);
    free(v);
}

Test(wire_judge, upper_bounds_can_be_reported_without_judging)
{
    struct esomock_journal_entry e[] = {request(0, 5000, NULL, 503)};
    struct esomock_wire_call call = {.start_ms = 0, .end_ms = 5000};
    struct esomock_wire *wire = wire_of("{\"expect\":[{\"deadline_s\":1}]}");
    struct esomock_wire_options opts = {.time_scale = 1, .upper_bounds_unjudged = true};
    struct esomock_wire_verdict *v = NULL;
    size_t n = 0;
    cr_assert_eq(esomock_wire_judge(wire, e, 1, &call, 1, &opts, &v, &n), ESOMOCK_OK);
    cr_expect(!v[0].judged, "valgrind: reported, not judged");
    free(v);
    opts.upper_bounds_unjudged = false;
    cr_assert_eq(esomock_wire_judge(wire, e, 1, &call, 1, &opts, &v, &n), ESOMOCK_OK);
    cr_expect(v[0].judged && !v[0].passed, "%s", v[0].observed);
    free(v);
    esomock_wire_destroy(wire);
}

Test(wire_judge, time_scale_turns_journal_ms_into_scenario_seconds)
{
    /* At scale 0.01, 10 real ms are a scenario second. */
    struct esomock_journal_entry e[] = {request(0, 1, NULL, 503), request(31, 1, NULL, 200)};
    struct esomock_wire_call call = {.start_ms = 0, .end_ms = 40};
    struct esomock_wire *wire =
        wire_of("{\"tolerance_ms\":0,\"expect\":[{\"wait_s\":{\"at_least\":3,\"at_most\":3.1}}]}");
    struct esomock_wire_options opts = {
        .time_scale = 0.01, .early_noise_ms = 0.001, .late_noise_ms = 0.001};
    struct esomock_wire_verdict *v = NULL;
    size_t n = 0;
    cr_assert_eq(esomock_wire_judge(wire, e, 2, &call, 1, &opts, &v, &n), ESOMOCK_OK);
    cr_expect(v[0].passed, "30 real ms at 0.01 are 3 scenario s: %s", v[0].observed);
    free(v);
    esomock_wire_destroy(wire);
}

Test(wire_judge, retry_after_a_date_and_a_401_with_a_new_token)
{
    struct esomock_journal_entry e[] = {
        request(0, 10, NULL, 429),    request(2000, 10, NULL, 200), /* call 1 */
        request(3000, 10, NULL, 401),                               /* call 2 */
        request(3100, 10, NULL, 200),                               /* a token request */
        request(3200, 10, NULL, 401),
    };
    snprintf(e[0].retry_after, sizeof(e[0].retry_after), "Wed, 21 Oct 2015 07:28:00 GMT");
    e[0].retry_after_s = 2.5; /* what the server worked out when it sent it */
    snprintf(e[3].path, sizeof(e[3].path), "/oauth/token");
    struct esomock_wire_call calls[] = {{.start_ms = 0, .end_ms = 2500, .group = 1},
                                        {.start_ms = 2900, .end_ms = 4000, .group = 2}};
    size_t n = 0;
    struct esomock_wire_verdict *v =
        judge("{\"tolerance_ms\":0,\"expect\":[{\"calls\":[1],\"retry_after\":true},"
              "{\"calls\":[2],\"no_retry_after\":[\"unauthorized\"],\"token_requests\":1}]}",
              e, 5, calls, 2, &n);
    cr_assert_eq(n, 3);
    cr_expect(!v[0].passed, "1.99 s is before the 2.5 s asked: %s", v[0].observed);
    cr_expect(strstr(v[0].observed, "(2.50 s)") != NULL, "%s", v[0].observed);
    cr_expect(v[1].passed, "one retry after a 401 with a token between: %s", v[1].observed);
    cr_expect(v[2].passed, "%s", v[2].observed);
    free(v);
    /* The same retry without the token request is one too many. */
    snprintf(e[3].path, sizeof(e[3].path), "/api/v2/elsewhere-not-graphql");
    e[3].admin = true;
    v = judge("{\"expect\":[{\"no_retry_after\":[\"unauthorized\"]}]}", e, 5, calls, 2, &n);
    cr_expect(!v[0].passed);
    cr_expect(strstr(v[0].observed, "without a new token") != NULL, "%s", v[0].observed);
    free(v);
}

Test(wire_judge, the_breaker_needs_calls_during_its_quiet)
{
    /* Three 503s, then nothing: but nothing was asked either. */
    struct esomock_journal_entry e[] = {request(0, 10, NULL, 503), request(100, 10, NULL, 503),
                                        request(200, 10, NULL, 503)};
    struct esomock_wire_call calls[] = {{.start_ms = 0, .end_ms = 20},
                                        {.start_ms = 100, .end_ms = 120},
                                        {.start_ms = 200, .end_ms = 220}};
    struct esomock_wire *wire =
        wire_of("{\"expect\":[{\"breaker\":{\"opens_after\":3,\"quiet_s\":1}}]}");
    struct esomock_wire_options opts = {.time_scale = 1, .end_ms = 5000};
    struct esomock_wire_verdict *v = NULL;
    size_t n = 0;
    cr_assert_eq(esomock_wire_judge(wire, e, 3, calls, 3, &opts, &v, &n), ESOMOCK_OK);
    esomock_wire_destroy(wire);
    cr_expect(!v[0].passed);
    cr_expect(strstr(v[0].observed, "no call was asked and refused during the next 1 s") != NULL,
              "%s", v[0].observed);
    free(v);
}

/* A client with no breaker that stalls for 1.5 s after three 503s: calls were asked during
 * its quiet, but it answered them only after, each with a request. A breaker refuses them in
 * the quiet. */
Test(wire_judge, a_stall_is_not_a_breaker)
{
    struct esomock_journal_entry e[] = {request(0, 10, NULL, 503), request(100, 10, NULL, 503),
                                        request(200, 10, NULL, 503), request(1700, 10, NULL, 503),
                                        request(1720, 10, NULL, 503)};
    struct esomock_wire_call stalled[] = {{.start_ms = 0, .end_ms = 20},
                                          {.start_ms = 100, .end_ms = 120},
                                          {.start_ms = 200, .end_ms = 220},
                                          {.start_ms = 500, .end_ms = 1715},
                                          {.start_ms = 900, .end_ms = 1735}};
    const char *wire = "{\"expect\":[{\"breaker\":{\"opens_after\":3,\"quiet_s\":1}}]}";
    size_t n = 0;
    struct esomock_wire_verdict *v = judge(wire, e, 3 + 2, stalled, 5, &n);
    cr_assert_eq(n, 1);
    cr_expect(!v[0].passed, "a stall: %s", v[0].observed);
    cr_expect(strstr(v[0].observed, "no call was asked and refused") != NULL, "%s", v[0].observed);
    free(v);

    /* The same requests, but the calls asked in the quiet are refused there. */
    struct esomock_wire_call refused[] = {{.start_ms = 0, .end_ms = 20},
                                          {.start_ms = 100, .end_ms = 120},
                                          {.start_ms = 200, .end_ms = 220},
                                          {.start_ms = 500, .end_ms = 501},
                                          {.start_ms = 1700, .end_ms = 1735}};
    v = judge(wire, e, 5, refused, 5, &n);
    cr_assert_eq(n, 1);
    cr_expect(v[0].passed, "a breaker: %s", v[0].observed);
    free(v);
}

Test(wire_judge, requests_in_flight_and_per_call)
{
    struct esomock_journal_entry e[] = {request(0, 100, NULL, 200), request(10, 100, NULL, 200),
                                        request(20, 100, NULL, 200), request(100, 50, NULL, 200)};
    struct esomock_wire_call calls[] = {{.start_ms = 0, .end_ms = 200},
                                        {.start_ms = 0, .end_ms = 200}};
    size_t n = 0;
    struct esomock_wire_verdict *v =
        judge("{\"expect\":[{\"max_in_flight\":3,\"requests_per_call\":2,\"requests\":4}]}", e, 4,
              calls, 2, &n);
    cr_assert_eq(n, 3);
    cr_expect(v[0].passed, "an end and an arrival at 100 ms: 3 at once, not 4: %s", v[0].observed);
    cr_expect(v[1].passed && v[2].passed, "%s / %s", v[1].observed, v[2].observed);
    free(v);
    v = judge("{\"expect\":[{\"max_in_flight\":2}]}", e, 4, calls, 2, &n);
    cr_expect(!v[0].passed, "%s", v[0].observed);
    cr_expect(strstr(v[0].observed, "at most 3 at once") != NULL, "%s", v[0].observed);
    free(v);
}

Test(wire_judge, calls_run_together_without_ids_are_judged_as_one)
{
    /* Two calls at once, three requests between them: 1 to 2 attempts each allows 2 to 4. */
    struct esomock_journal_entry e[] = {request(0, 10, NULL, 503), request(5, 10, NULL, 200),
                                        request(20, 10, NULL, 200)};
    struct esomock_wire_call calls[] = {{.start_ms = 0, .end_ms = 50, .label = "a"},
                                        {.start_ms = 0, .end_ms = 50, .label = "b"}};
    size_t n = 0;
    struct esomock_wire_verdict *v =
        judge("{\"expect\":[{\"attempts\":[1,2]},{\"attempts\":1}]}", e, 3, calls, 2, &n);
    cr_expect(v[0].passed, "%s", v[0].observed);
    cr_expect(!v[1].passed, "3 requests for 2 calls of one attempt each: %s", v[1].observed);
    cr_expect(strstr(v[1].observed, "a and 1 more run at once: 3 requests") != NULL, "%s",
              v[1].observed);
    free(v);
}

/* The schema and the parser agree: every key the schema's wire definitions list is one the
 * section's check knows (a value of the wrong type is fine here: not an unknown key). */
Test(wire_check, schema_and_parser_agree)
{
    const char *dir = getenv("ESO_SCENARIOS_DIR");
    if (dir == NULL)
        cr_skip_test("ESO_SCENARIOS_DIR is not set");
    char path[1024];
    snprintf(path, sizeof(path), "%s/schema.json", dir);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    cJSON *schema = cJSON_Parse(text);
    cJSON *defs = cJSON_GetObjectItemCaseSensitive(schema, "$defs");
    static const struct {
        const char *def;
        const char *doc; /* %s: "KEY":null */
        const char *prefix;
    } places[] = {
        {"wire", "{\"name\":\"t\",\"rules\":[],\"wire\":{%s}}", "wire."},
        {"wire_expectation", "{\"name\":\"t\",\"rules\":[],\"wire\":{\"expect\":[{%s}]}}",
         "wire.expect[0]."},
        {"wire_breaker", "{\"name\":\"t\",\"rules\":[],\"wire\":{\"expect\":[{\"breaker\":{%s}}]}}",
         "wire.expect[0].breaker."},
        {"wire_bounds", "{\"name\":\"t\",\"rules\":[],\"wire\":{\"expect\":[{\"attempts\":{%s}}]}}",
         "wire.expect[0].attempts."},
    };
    size_t keys = 0;
    for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
        const cJSON *def = cJSON_GetObjectItemCaseSensitive(defs, places[i].def);
        cr_assert_not_null(def, "$defs.%s", places[i].def);
        cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(def, "additionalProperties")),
                  "%s: additionalProperties is false", places[i].def);
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(def, "properties"))
        {
            char member[96], doc[512], unknown[160];
            snprintf(member, sizeof(member), "\"%s\":null", p->string);
            snprintf(doc, sizeof(doc), places[i].doc, member);
            snprintf(unknown, sizeof(unknown), "%s%s: unknown key", places[i].prefix, p->string);
            const char *problems = check_text(doc);
            cr_expect(strstr(problems, unknown) == NULL, "%s is in the schema: %s", unknown,
                      problems);
            keys++;
        }
    }
    cr_expect_geq(keys, 3 + 18 + 4 + 2, "every definition was read");
    /* And the parser's kinds are the schema's. */
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(defs, "wire_expectation"), "properties");
    cr_expect_eq(cJSON_GetArraySize(props), 18, "behaviour, hint, calls and 15 kinds");
    cJSON_Delete(schema);
}
