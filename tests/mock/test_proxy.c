/*
 * eso-mock --proxy and --record against a second eso-mock as the upstream (never the
 * internet): recording then replaying offline gives the same bytes, and the recorded
 * fixtures load and fit the schema; scenario faults apply in front of the upstream; an
 * upstream that errs, hangs, resets or is down is answered as documented and journaled;
 * eso-mock's own token is fetched once and again after a 401; no secret is ever written.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/proxy.h>
#include <esomock/scenario.h>

#include "api_private.h"
#include "fixture_check.h"
#include "handle_private.h"
#include "mock_test_util.h"
#include "proxy_private.h"
#include "record_private.h"

#define PROXY_ID "proxy-client-id"
#define PROXY_SECRET "proxy-secret-5e3f9a1c7b"
#define CLIENT_TOKEN "client-token-1d2c3b4a"

static struct esomock_server *upstream, *proxy, *offline;
static char record_dir[64], fixtures_dir[64], work_dir[64];
static FILE *proxy_journal, *proxy_log;
static char upstream_auth[256]; /* "Authorization: Bearer <a token the upstream issued>" */

static void make_dir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/esomock-proxy-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp");
}

static void remove_tree(const char *dir)
{
    if (dir[0] == '\0')
        return;
    DIR *d = opendir(dir);
    if (d != NULL) {
        for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void setup(void)
{
    make_dir(record_dir, sizeof(record_dir));
    make_dir(work_dir, sizeof(work_dir));
    fixtures_dir[0] = '\0';
}

static void teardown(void)
{
    esomock_server_stop(offline);
    esomock_server_stop(proxy);
    esomock_server_stop(upstream);
    offline = proxy = upstream = NULL;
    upstream_auth[0] = '\0';
    if (proxy_journal != NULL)
        fclose(proxy_journal);
    if (proxy_log != NULL)
        fclose(proxy_log);
    proxy_journal = proxy_log = NULL;
    remove_tree(record_dir);
    remove_tree(work_dir);
    remove_tree(fixtures_dir);
}

TestSuite(proxy, .init = setup, .fini = teardown, .timeout = 60);

/*
 * The upstream: the default fixtures alone (no world: the keys they lack answer null), only
 * its own tokens, only eso-mock's credentials.
 */
static void start_upstream(const char *dir)
{
    struct esomock_options opts = {
        .fixtures_dir = dir,
        .world_file = "none",
        .strict_auth = true,
        .client_id = PROXY_ID,
        .client_secret = PROXY_SECRET,
    };
    upstream = start_server(&opts);
}

struct proxy_setup {
    const char *url;      /* NULL: the upstream's */
    const char *secret;   /* NULL: PROXY_SECRET */
    const char *fixtures; /* NULL: none */
    bool record;          /* into record_dir */
    unsigned timeout_ms;  /* 0: the default */
    const char *scenario; /* JSON, or NULL */
    bool files;           /* a --journal and a --log file in work_dir */
};

static void start_proxy(const struct proxy_setup *s)
{
    struct esomock_proxy_options px = {
        .url = s->url != NULL ? s->url : esomock_server_url(upstream),
        .client_id = PROXY_ID,
        .client_secret = s->secret != NULL ? s->secret : PROXY_SECRET,
        .timeout_ms = s->timeout_ms,
        .record_dir = s->record ? record_dir : NULL,
    };
    if (s->files) {
        char path[128];
        snprintf(path, sizeof(path), "%s/journal.jsonl", work_dir);
        proxy_journal = fopen(path, "w");
        snprintf(path, sizeof(path), "%s/log.txt", work_dir);
        proxy_log = fopen(path, "w");
        cr_assert(proxy_journal != NULL && proxy_log != NULL, "journal and log files");
    }
    struct esomock_options opts = {
        .fixtures_dir = s->fixtures,
        .proxy = &px,
        .journal = proxy_journal,
        .log = proxy_log,
    };
    proxy = start_server(&opts);
    if (s->scenario != NULL) {
        struct esomock_problems *p = test_problems();
        cr_assert_eq(
            esomock_server_load_scenario(proxy, s->scenario, strlen(s->scenario), "test", p),
            ESOMOCK_OK, "scenario refused: %s", problems_text(p));
    }
}

static void load_upstream_scenario(const char *json)
{
    struct esomock_problems *p = test_problems();
    cr_assert_eq(esomock_server_load_scenario(upstream, json, strlen(json), "test", p), ESOMOCK_OK,
                 "scenario refused: %s", problems_text(p));
}

/* The upstream takes only tokens it issued: one, for the tests' direct requests. */

static const char *upstream_authorization(void)
{
    if (upstream_auth[0] != '\0')
        return upstream_auth;
    char url[160];
    snprintf(url, sizeof(url), "%s/oauth/token", esomock_server_url(upstream));
    struct http_result res;
    http_perform(&(struct http_request){.url = url,
                                        .body = "grant_type=client_credentials",
                                        .userpwd = PROXY_ID ":" PROXY_SECRET},
                 &res);
    cJSON *json = parse_body(&res);
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(json, "access_token");
    cr_assert(cJSON_IsString(token), "%s", res.body);
    snprintf(upstream_auth, sizeof(upstream_auth), "Authorization: Bearer %s", token->valuestring);
    cJSON_Delete(json);
    http_result_free(&res);
    return upstream_auth;
}

/* POST @p body to @p server's client endpoint as a client of it does. */
static void post(struct esomock_server *server, const char *body, long timeout_ms,
                 struct http_result *res)
{
    char url[160];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(server));
    const char *headers[] = {"Content-Type: application/json",
                             server == upstream ? upstream_authorization()
                                                : "Authorization: Bearer " CLIENT_TOKEN,
                             NULL};
    http_perform(
        &(struct http_request){
            .url = url, .body = body, .headers = headers, .timeout_ms = timeout_ms},
        res);
}

/* The body of a request for operation @p op of the client's documents. */
static char *op(const char *name, const char *variables)
{
    return operation_body(name, variables);
}

/* A body with document @p query and @p variables (JSON or NULL). */
static char *doc(const char *query, const char *variables)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "query", query);
    if (variables != NULL)
        cJSON_AddItemToObject(body, "variables", cJSON_Parse(variables));
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    cr_assert_not_null(text);
    return text;
}

/* Completed journal entries of @p server, waiting for @p n of them. */
static struct esomock_journal_entry *journal_of(struct esomock_server *server, size_t n,
                                                size_t *count)
{
    cr_assert_geq(esomock_server_wait_for_requests(server, NULL, n, true, 15000), n,
                  "the server did not finish %zu requests", n);
    struct esomock_journal_entry *e = NULL;
    cr_assert_eq(esomock_server_journal(server, NULL, &e, count), ESOMOCK_OK);
    return e;
}

/* Requests the upstream received on @p path. */
static size_t upstream_requests(const char *path)
{
    struct esomock_journal_entry *e = NULL;
    size_t count = 0, n = 0;
    cr_assert_eq(esomock_server_journal(upstream, NULL, &e, &count), ESOMOCK_OK);
    for (size_t i = 0; i < count; i++)
        n += strcmp(e[i].path, path) == 0;
    free(e);
    return n;
}

static size_t files_in(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static char *recorded(const char *stem)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s.json", record_dir, stem);
    char *text = read_text_file(path);
    cr_assert_not_null(text, "no recorded fixture %s", path);
    return text;
}

/* ---- record, then replay offline ------------------------------------------------------------ */

/* Requests of every kind: the client's own documents, aliases, several fields, lists. */
static char *replay_body(int i)
{
    switch (i) {
    case 0:
        return op("getGuildById", "{\"guildId\":3468}");
    case 1:
        return op("getGuildById", "{\"guildId\":999999}"); /* unknown: a null guild */
    case 2:
        return op("getReportByCode", "{\"code\":\"a1B2c3D4e5F6g7H8\"}");
    case 3:
        return op("getWorldData", NULL); /* several fields of one namespace */
    case 4:
        return op("getGuildMembers", "{\"guildId\":3468}"); /* guild 3468 again: merged */
    case 5:
        return doc("query Mine($g: Int!) { guildData { x: guild(id: $g) { n: name id } "
                   "y: guild(id: 2290) { name faction { name } } } "
                   "rateLimitData { limitPerHour } }",
                   "{\"g\":3468}");
    case 6:
        return op("getAbilities", "{\"limit\":5,\"page\":2}");
    case 7:
        return doc("{ gameData { classes { id name specs { name } } } }", NULL);
    default:
        return NULL;
    }
}
#define REPLAY_COUNT 8

Test(proxy, recording_then_replaying_offline_gives_the_same_bytes)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.record = true});
    char *answers[REPLAY_COUNT];
    for (int i = 0; i < REPLAY_COUNT; i++) {
        char *body = replay_body(i);
        struct http_result direct, proxied;
        post(upstream, body, 10000, &direct);
        post(proxy, body, 10000, &proxied);
        cr_assert_eq(proxied.curl_code, CURLE_OK, "request %d: %s", i, proxied.curl_error);
        cr_assert_eq(proxied.status, 200, "request %d: %ld %s", i, proxied.status, proxied.body);
        cr_assert_str_eq(proxied.body, direct.body, "request %d: the upstream's bytes", i);
        answers[i] = strdup(proxied.body);
        http_result_free(&direct);
        http_result_free(&proxied);
        free(body);
    }
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, REPLAY_COUNT, &n);
    for (size_t i = 0; i < n; i++)
        cr_assert(e[i].forwarded && e[i].upstream_status == 200 && e[i].recorded > 0,
                  "request %zu forwarded and recorded", i);
    free(e);
    /* A file per key: the guild 3468 of requests 0, 4 and 5 is one. */
    const char *expected[] = {
        "guildData.guild.id-3468",           "guildData.guild.id-999999",
        "guildData.guild.id-2290",           "reportData.report.code-a1B2c3D4e5F6g7H8",
        "gameData.abilities.limit-5.page-2", "gameData.classes"};
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        free(recorded(expected[i]));
    char *merged = recorded("guildData.guild.id-3468");
    cr_assert(strstr(merged, "\"members\"") != NULL && strstr(merged, "\"faction\"") != NULL,
              "getGuildById's and getGuildMembers' answers merged:\n%s", merged);
    free(merged);

    esomock_server_stop(proxy);
    proxy = NULL;
    /* Offline: no upstream, no generated value (strict), the same bytes. */
    esomock_server_stop(upstream);
    upstream = NULL;
    offline = start_server(
        &(struct esomock_options){.fixtures_dir = record_dir, .strict_fixtures = true});
    for (int i = 0; i < REPLAY_COUNT; i++) {
        char *body = replay_body(i);
        struct http_result res;
        post(offline, body, 10000, &res);
        cr_assert_eq(res.status, 200, "replay %d: %ld", i, res.status);
        cr_assert_str_eq(res.body, answers[i], "replay %d: the recorded bytes", i);
        http_result_free(&res);
        free(body);
        free(answers[i]);
    }
}

/* eso-mock check finds the recorded fixtures by name; the schema tests' checks pass them. */
Test(proxy, recorded_fixtures_pass_check_and_the_schema_tests)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.record = true});
    static const struct {
        const char *op, *variables, *stem;
    } cases[] = {
        {"getGuildById", "{\"guildId\":3468}", "guildData.guild.id-3468"},
        {"getGuildById", "{\"guildId\":999999}", "guildData.guild.id-999999"},
        {"getReportByCode", "{\"code\":\"a1B2c3D4e5F6g7H8\"}",
         "reportData.report.code-a1B2c3D4e5F6g7H8"},
        {"getAbilities", "{\"limit\":5,\"page\":2}", "gameData.abilities.limit-5.page-2"},
        {"getCharacterById", "{\"id\":1}", "characterData.character.id-1"},
        {"getZones", NULL, "worldData.zones"},
        {"getClass", "{\"id\":7}", "gameData.class.id-7"},
    };
    size_t count = sizeof(cases) / sizeof(cases[0]);
    for (size_t i = 0; i < count; i++) {
        char *body = op(cases[i].op, cases[i].variables);
        struct http_result res;
        post(proxy, body, 10000, &res);
        cr_assert_eq(res.status, 200, "%s: %ld %s", cases[i].op, res.status, res.body);
        http_result_free(&res);
        free(body);
    }
    cr_assert_eq(files_in(record_dir), count, "one fixture per request");

    /* eso-mock check: a scenario naming a recorded fixture, checked against the directory. */
    char scenario[256];
    snprintf(scenario, sizeof(scenario), "%s/uses-recorded.json", work_dir);
    FILE *f = fopen(scenario, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"name\":\"uses-recorded\",\"rules\":[{\"script\":[{\"action\":\"respond\","
               "\"status\":200,\"fixture\":\"guildData.guild.id-3468\"}]}]}");
    fclose(f);
    const char *paths[] = {scenario};
    struct esomock_problems *problems = test_problems();
    cr_assert_eq(
        esomock_check_scenario_files(
            paths, 1, &(struct esomock_check_options){.fixtures_dir = record_dir}, problems, NULL),
        ESOMOCK_OK, "%s", problems_text(problems));

    /* tests/schema's checks (fixture_check.c): the document fits, the data has exactly the
     * selected shape, and the field key is what the engine computes from the variables. */
    char err[ESOMOCK_ERROR_SIZE] = "";
    const struct gql_schema *schema = esomock__api_schema(err);
    cr_assert_not_null(schema, "%s", err);
    char queries[512];
    snprintf(queries, sizeof(queries), "%s/client/queries", getenv("ESO_SOURCE_ROOT"));
    for (size_t i = 0; i < count; i++) {
        char *text = recorded(cases[i].stem);
        cJSON *fx = cJSON_Parse(text);
        free(text);
        cr_assert_not_null(fx);
        cr_assert_null(cJSON_GetObjectItemCaseSensitive(fx, "operation"), "field key only");
        cJSON_AddStringToObject(fx, "operation", cases[i].op);
        if (cases[i].variables != NULL)
            cJSON_AddItemToObject(fx, "variables", cJSON_Parse(cases[i].variables));
        struct gql_shape_report report = {0};
        size_t problems_found = fixture_check_envelope(schema, queries, fx, &report);
        char *shown = cJSON_Print(fx);
        cr_assert_eq(problems_found, 0, "%s: %zu problems in\n%s", cases[i].stem, problems_found,
                     shown);
        free(shown);
        cJSON_Delete(fx);
    }
}

/* ---- faults in front, failures behind ------------------------------------------------------- */

Test(proxy, scenario_faults_apply_in_front_of_the_upstream)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){
        .scenario = "{\"name\":\"front\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},"
                    "\"script\":[{\"action\":\"respond\",\"status\":503},"
                    "{\"action\":\"truncate\",\"bytes\":20},"
                    "{\"action\":\"respond\",\"status\":203,\"headers\":{\"X-Step\":\"3\"}},"
                    "{\"action\":\"pass\",\"delay_ms\":300}]}]}",
    });
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result direct, res;
    post(upstream, body, 10000, &direct);
    size_t before = upstream_requests("/api/v2/client");

    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 503, "a scripted 503: %ld", res.status);
    cr_assert_eq(upstream_requests("/api/v2/client"), before, "decided before forwarding");
    http_result_free(&res);

    post(proxy, body, 10000, &res);
    cr_assert_eq(res.curl_code, CURLE_PARTIAL_FILE, "truncated: %s", res.curl_error);
    cr_assert_eq(res.body_len, 20);
    cr_assert(strncmp(res.body, direct.body, 20) == 0, "the upstream's first 20 bytes");
    http_result_free(&res);

    post(proxy, body, 10000, &res);
    char step[8] = "";
    cr_assert_eq(res.status, 203, "a status-only respond keeps the upstream's body");
    cr_assert_str_eq(res.body, direct.body);
    cr_assert_eq(http_result_header(&res, "X-Step", step, sizeof(step)), 0);
    http_result_free(&res);

    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 200);
    cr_assert_str_eq(res.body, direct.body);
    cr_assert_geq(res.elapsed_ms, 280, "the delay applies: %.0f ms", res.elapsed_ms);
    http_result_free(&res);
    cr_assert_eq(upstream_requests("/api/v2/client"), before + 3);

    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 4, &n);
    cr_assert(!e[0].forwarded && e[1].forwarded && e[2].forwarded && e[3].forwarded);
    cr_assert_str_eq(e[1].action, "truncate");
    cr_assert_eq(e[1].upstream_status, 200);
    cr_assert_eq(e[1].bytes_sent, 20);
    cr_assert_eq(e[3].delay_ms, 300);
    free(e);
    http_result_free(&direct);
    free(body);
}

Test(proxy, an_upstream_error_status_and_body_pass_through)
{
    start_upstream(NULL);
    load_upstream_scenario("{\"name\":\"down\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},"
                           "\"script\":[{\"action\":\"respond\",\"status\":503,\"headers\":{"
                           "\"Retry-After\":\"7\"},\"body\":{\"errors\":[{\"message\":\"maintenance"
                           "\"}]}}]}]}");
    start_proxy(&(struct proxy_setup){.record = true});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result direct, res;
    post(upstream, body, 10000, &direct);
    post(proxy, body, 10000, &res);
    char retry_after[16] = "";
    cr_assert_eq(res.status, 503);
    cr_assert_str_eq(res.body, direct.body, "the upstream's body as it sent it");
    cr_assert_eq(http_result_header(&res, "Retry-After", retry_after, sizeof(retry_after)), 0);
    cr_assert_str_eq(retry_after, "7");
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 1, &n);
    cr_assert_eq(e[0].upstream_status, 503);
    cr_assert_str_eq(e[0].upstream_error, "");
    cr_assert_eq(e[0].recorded, 0, "an error is not recorded");
    cr_assert_eq(files_in(record_dir), 0);
    free(e);
    http_result_free(&direct);
    http_result_free(&res);
    free(body);
}

/* Garbage from the upstream reaches the client as it came (the client must see it), is never
 * recorded, and an answer cut short is a 502, not half a body. */
Test(proxy, an_upstream_that_sends_garbage_is_passed_on_or_a_502)
{
    start_upstream(NULL);
    load_upstream_scenario("{\"name\":\"garbage\",\"rules\":[{\"match\":{\"path\":"
                           "\"/api/v2/client\"},\"script\":[{\"action\":\"malformed\"},"
                           "{\"action\":\"truncate\",\"bytes\":10},{\"action\":\"empty\"},"
                           "{\"action\":\"respond\",\"status\":200,\"body\":{\"data\":"
                           "{\"guildData\":{\"guild\":[1,{\"x\":[[[]]]},\"no\"]}}}}]}]}");
    start_proxy(&(struct proxy_setup){.record = true});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result res;
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 200, "%ld", res.status);
    cr_assert_null(cJSON_Parse(res.body), "the malformed body as it came: %s", res.body);
    http_result_free(&res);

    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 502, "cut short: %ld %s", res.status, res.body);
    cr_assert(strstr(res.body, "BAD_GATEWAY") != NULL, "%s", res.body);
    http_result_free(&res);

    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 200, "%ld", res.status);
    cr_assert_eq(res.body_len, 0, "the empty body");
    http_result_free(&res);

    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 200, "data of the wrong shape passed on: %ld", res.status);
    http_result_free(&res);

    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 4, &n);
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < n; i++)
        cr_assert(e[i].forwarded && e[i].recorded == 0, "request %zu: forwarded, not recorded", i);
    cr_assert(e[1].status == 502 && e[1].upstream_error[0] != '\0', "%s", e[1].upstream_error);
    free(e);
    cr_assert_eq(files_in(record_dir), 0, "nothing recorded");
    free(body);
}

Test(proxy, an_upstream_that_hangs_is_a_504_after_the_timeout)
{
    start_upstream(NULL);
    load_upstream_scenario("{\"name\":\"hang\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},"
                           "\"script\":[{\"action\":\"hang\"}]}]}");
    start_proxy(&(struct proxy_setup){.timeout_ms = 300});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result res;
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 504, "%ld %s", res.status, res.body);
    cr_assert_geq(res.elapsed_ms, 250, "after the timeout: %.0f ms", res.elapsed_ms);
    cJSON *json = parse_body(&res);
    cr_assert(strstr(first_error_message(json), "did not answer within 300 ms") != NULL, "%s",
              res.body);
    cJSON_Delete(json);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 1, &n);
    cr_assert(e[0].forwarded && e[0].upstream_status == 0 && e[0].status == 504);
    cr_assert(strstr(e[0].upstream_error, "did not answer within 300 ms") != NULL, "%s",
              e[0].upstream_error);
    cr_assert_geq(e[0].upstream_ms, 250);
    free(e);
    /* The proxy gave up on its transfer: the upstream's hang ends, the client gone. */
    struct esomock_journal_filter graphql = {.operation = "getGuildById"};
    cr_assert_geq(esomock_server_wait_for_requests(upstream, &graphql, 1, true, 10000), 1);
    http_result_free(&res);
    free(body);
}

Test(proxy, an_upstream_that_resets_or_is_down_is_a_502)
{
    start_upstream(NULL);
    load_upstream_scenario("{\"name\":\"reset\",\"rules\":[{\"match\":{\"path\":"
                           "\"/api/v2/client\"},\"script\":[{\"action\":\"reset\"}]}]}");
    start_proxy(&(struct proxy_setup){0});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result res;
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 502, "%ld %s", res.status, res.body);
    cJSON *json = parse_body(&res);
    cr_assert(strstr(first_error_message(json), "Upstream failure") != NULL, "%s", res.body);
    cr_assert_str_eq(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(json, "errors"), 0),
                "extensions"),
            "code")
            ->valuestring,
        "BAD_GATEWAY");
    cJSON_Delete(json);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 1, &n);
    cr_assert(e[0].forwarded && e[0].upstream_error[0] != '\0', "journaled as an upstream error");
    free(e);
    esomock_server_stop(proxy);
    proxy = NULL;

    /* Down: a port nothing listens on. */
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)esomock_server_port(upstream));
    esomock_server_stop(upstream);
    upstream = NULL;
    start_proxy(&(struct proxy_setup){.url = url});
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 502, "%ld %s", res.status, res.body);
    cr_assert(strstr(res.body, "connect") != NULL || strstr(res.body, "Connect") != NULL, "%s",
              res.body);
    http_result_free(&res);
    e = journal_of(proxy, 1, &n);
    cr_assert(e[0].forwarded && e[0].status == 502 && e[0].upstream_status == 0,
              "journaled: forwarded, 502, no upstream status");
    cr_assert(strstr(e[0].upstream_error, "onnect") != NULL, "%s", e[0].upstream_error);
    free(e);
    free(body);
}

/* ---- headers -------------------------------------------------------------------------------- */

/*
 * Only what eso-mock chooses crosses: its own Authorization, Content-Type, Accept and the
 * client's X-Request-Id go up; the upstream's status, body, Content-Type and Retry-After come
 * down. The client's token, hop-by-hop headers (Connection and what it names, Keep-Alive, TE,
 * Upgrade, Proxy-*) and anything else stay on their side of the proxy.
 */
Test(proxy, only_chosen_headers_cross_the_proxy)
{
    start_upstream(NULL);
    /* The upstream answers 418 naming any header that should not have reached it. */
    static const char *const leaks[] = {"Keep-Alive",          "X-Hop",   "TE", "Upgrade",
                                        "Proxy-Authorization", "X-Custom"};
    char scenario[4096];
    int len = snprintf(scenario, sizeof(scenario),
                       "{\"name\":\"hops\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\","
                       "\"headers\":{\"Authorization\":\"Bearer " CLIENT_TOKEN "\"}},"
                       "\"script\":[{\"action\":\"respond\",\"status\":418,"
                       "\"body\":{\"leak\":\"the client's token\"}}]}");
    for (size_t i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++)
        len += snprintf(scenario + len, sizeof(scenario) - (size_t)len,
                        ",{\"match\":{\"path\":\"/api/v2/client\",\"headers\":{\"%s\":true}},"
                        "\"script\":[{\"action\":\"respond\",\"status\":418,"
                        "\"body\":{\"leak\":\"%s\"}}]}",
                        leaks[i], leaks[i]);
    snprintf(scenario + len, sizeof(scenario) - (size_t)len,
             ",{\"match\":{\"path\":\"/api/v2/client\",\"headers\":{\"X-Request-Id\":"
             "\"req-42\"}},\"script\":[{\"action\":\"respond\",\"status\":200,\"headers\":{"
             "\"Keep-Alive\":\"timeout=99\",\"Proxy-Authenticate\":\"Basic\","
             "\"X-Upstream-Only\":\"1\",\"Retry-After\":\"3\"}}]}]}");
    load_upstream_scenario(scenario);
    start_proxy(&(struct proxy_setup){0});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result direct, res;
    post(upstream, body, 10000, &direct);
    cr_assert_eq(direct.status, 200, "%ld %s", direct.status, direct.body);

    char url[160];
    snprintf(url, sizeof(url), "%s/api/v2/client", esomock_server_url(proxy));
    static const char *const headers[] = {"Content-Type: application/json",
                                          "Authorization: Bearer " CLIENT_TOKEN,
                                          "Connection: keep-alive, X-Hop",
                                          "X-Hop: 1",
                                          "Keep-Alive: timeout=5",
                                          "TE: trailers",
                                          "Upgrade: h2c",
                                          "Proxy-Authorization: Basic Zm9vOmJhcg==",
                                          "X-Custom: 1",
                                          "X-Request-Id: req-42",
                                          NULL};
    http_perform(&(struct http_request){.url = url, .body = body, .headers = headers}, &res);
    cr_assert_eq(res.status, 200, "nothing leaked upstream: %ld %s", res.status, res.body);
    cr_assert_str_eq(res.body, direct.body, "the upstream's answer");
    char value[32] = "";
    cr_assert_eq(http_result_header(&res, "Retry-After", value, sizeof(value)), 0);
    cr_assert_str_eq(value, "3", "Retry-After passes");
    cr_assert_neq(http_result_header(&res, "Proxy-Authenticate", value, sizeof(value)), 0);
    cr_assert_neq(http_result_header(&res, "X-Upstream-Only", value, sizeof(value)), 0);
    cr_assert(http_result_header(&res, "Keep-Alive", value, sizeof(value)) != 0 ||
                  strcmp(value, "timeout=99") != 0,
              "the upstream's Keep-Alive is not passed on");
    http_result_free(&res);

    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 1, &n);
    cr_assert(e[0].forwarded && e[0].upstream_status == 200);
    cr_assert_str_eq(e[0].request_id, "req-42");
    free(e);
    /* The upstream saw two: the test's own direct one, then the forward with the id. */
    struct esomock_journal_filter graphql = {.operation = "getGuildById"};
    cr_assert_eq(esomock_server_wait_for_requests(upstream, &graphql, 2, true, 10000), 2);
    cr_assert_eq(esomock_server_journal(upstream, &graphql, &e, &n), ESOMOCK_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(e[1].request_id, "req-42", "the X-Request-Id reached the upstream");
    free(e);
    http_result_free(&direct);
    free(body);
}

/* ---- eso-mock's own token ------------------------------------------------------------------- */

Test(proxy, the_token_is_fetched_once_and_again_after_the_upstreams_401)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){0});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    for (int i = 0; i < 3; i++) {
        struct http_result res;
        post(proxy, body, 10000, &res);
        cr_assert_eq(res.status, 200, "%ld %s", res.status, res.body);
        http_result_free(&res);
    }
    cr_assert_eq(upstream_requests("/oauth/token"), 1, "one token for three requests");
    cr_assert_eq(esomock__proxy_token_fetches(proxy->proxy), 1);
    char first[ESOMOCK_UPSTREAM_TOKEN_MAX + 1];
    cr_assert(esomock__proxy_current_token(proxy->proxy, first, sizeof(first)));

    /* The upstream refuses the token once: a fresh one, one retry, and the client sees 200. */
    load_upstream_scenario("{\"name\":\"revoked\",\"rules\":[{\"match\":{\"path\":"
                           "\"/api/v2/client\"},\"script\":[{\"action\":\"respond\",\"status\":"
                           "401},{\"action\":\"pass\"}]}]}");
    struct http_result res;
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 200, "%ld %s", res.status, res.body);
    http_result_free(&res);
    cr_assert_eq(upstream_requests("/oauth/token"), 2, "a fresh token after the 401");
    char second[ESOMOCK_UPSTREAM_TOKEN_MAX + 1];
    cr_assert(esomock__proxy_current_token(proxy->proxy, second, sizeof(second)));
    cr_assert_str_neq(first, second);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 4, &n);
    cr_assert(!e[2].upstream_token_fetch && e[2].upstream_attempts == 1);
    cr_assert(e[3].upstream_token_fetch && e[3].upstream_attempts == 2 &&
                  e[3].upstream_status == 200,
              "attempts %d", e[3].upstream_attempts);
    free(e);

    /* Refused again after a fresh token: eso-mock's credentials are wrong, not the client's
     * token, so the client gets 502, not 401. */
    load_upstream_scenario("{\"name\":\"refused\",\"rules\":[{\"match\":{\"path\":"
                           "\"/api/v2/client\"},\"script\":[{\"action\":\"respond\",\"status\":"
                           "401}]}]}");
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 502, "%ld %s", res.status, res.body);
    cr_assert(strstr(res.body, "refused eso-mock's token twice") != NULL, "%s", res.body);
    http_result_free(&res);
    free(body);
}

Test(proxy, credentials_the_upstream_refuses_are_a_502)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.secret = "not-the-secret"});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    struct http_result res;
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 502, "%ld %s", res.status, res.body);
    cr_assert(strstr(res.body, "answered HTTP 401 (invalid_client)") != NULL, "%s", res.body);
    cr_assert_eq(upstream_requests("/api/v2/client"), 0, "nothing forwarded without a token");
    http_result_free(&res);
    free(body);
}

/* ---- what is and is not written ------------------------------------------------------------- */

static bool file_holds(const char *path, const char *needle)
{
    char *text = read_text_file(path);
    cr_assert_not_null(text, "%s", path);
    bool found = strstr(text, needle) != NULL;
    free(text);
    return found;
}

static void assert_nowhere(const char *dir, const char *needle, const char *what)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        cr_assert(!file_holds(path, needle), "%s found in %s", what, path);
    }
    closedir(d);
}

Test(proxy, no_secret_reaches_a_recorded_file_the_journal_or_the_log)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.record = true, .files = true});
    for (int i = 0; i < REPLAY_COUNT; i++) {
        char *body = replay_body(i);
        struct http_result res;
        post(proxy, body, 10000, &res);
        cr_assert_eq(res.status, 200);
        http_result_free(&res);
        free(body);
    }
    char token[ESOMOCK_UPSTREAM_TOKEN_MAX + 1];
    cr_assert(esomock__proxy_current_token(proxy->proxy, token, sizeof(token)));
    cr_assert_gt(strlen(token), 16);
    esomock_server_stop(proxy); /* flushes and closes nothing: the files are ours */
    proxy = NULL;
    fflush(proxy_journal);
    fflush(proxy_log);
    cr_assert_gt(files_in(record_dir), 0);
    assert_nowhere(record_dir, token, "the upstream token");
    assert_nowhere(record_dir, PROXY_SECRET, "the client secret");
    assert_nowhere(record_dir, CLIENT_TOKEN, "the client's token");
    assert_nowhere(work_dir, token, "the upstream token");
    assert_nowhere(work_dir, PROXY_SECRET, "the client secret");
    assert_nowhere(work_dir, CLIENT_TOKEN, "the client's token");
    char path[128];
    snprintf(path, sizeof(path), "%s/journal.jsonl", work_dir);
    cr_assert(file_holds(path, "\"upstream\":{\"status\":200"), "the journal has the upstream");
}

/* A real secret is found anywhere; a short one (a test's "y") only as a whole word, else
 * the letter in any answer would keep every answer from being recorded. */
Test(proxy, secrets_are_found_anywhere_and_short_ones_as_words)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_proxy_options opts = {
        .url = "http://127.0.0.1:9", .client_id = "x", .client_secret = "y"};
    struct esomock_proxy *p = esomock__proxy_create(&opts, NULL, err);
    cr_assert_not_null(p, "%s", err);
    const char *raids = "{\"description\":\"Raids Tuesday and Thursday\"}";
    cr_assert_not(esomock__proxy_holds_secret(p, raids, strlen(raids)),
                  "a short secret inside a word is no leak");
    const char *leak = "{\"secret\":\"y\"}";
    cr_assert(esomock__proxy_holds_secret(p, leak, strlen(leak)), "the secret as a value");
    esomock__proxy_destroy(p);

    opts.client_secret = PROXY_SECRET;
    p = esomock__proxy_create(&opts, NULL, err);
    cr_assert_not_null(p, "%s", err);
    const char *inside = "{\"name\":\"abc" PROXY_SECRET "def\"}";
    cr_assert(esomock__proxy_holds_secret(p, inside, strlen(inside)),
              "a long secret anywhere, even inside a word");
    esomock__proxy_destroy(p);
}

/* Write @p json as @p name in a new fixtures_dir. */
static void fixture_file(const char *name, const char *json)
{
    if (fixtures_dir[0] == '\0')
        make_dir(fixtures_dir, sizeof(fixtures_dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", fixtures_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(json, f);
    fclose(f);
}

Test(proxy, an_answer_holding_a_secret_is_not_recorded)
{
    fixture_file("g5.json",
                 "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":5},"
                 "\"response\":{\"data\":{\"guildData\":{\"guild\":{\"name\":\"" PROXY_SECRET
                 "\"}}}}}");
    start_upstream(fixtures_dir);
    start_proxy(&(struct proxy_setup){.record = true});
    char *body = doc("{ guildData { guild(id: 5) { name } } }", NULL);
    struct http_result res;
    post(proxy, body, 10000, &res);
    cr_assert_eq(res.status, 200, "the client gets the upstream's data: %s", res.body);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 1, &n);
    cr_assert_eq(e[0].recorded, 0);
    free(e);
    cr_assert_eq(files_in(record_dir), 0, "nothing written");
    free(body);
}

/* ---- what goes upstream --------------------------------------------------------------------- */

Test(proxy, fixtures_answer_first_and_a_partly_answered_document_goes_whole)
{
    fixture_file("g5.json", "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":5},"
                            "\"response\":{\"data\":{\"guildData\":{\"guild\":{\"name\":\"Local "
                            "five\"}}}}}");
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.fixtures = fixtures_dir, .record = true});
    struct http_result res;
    char *local =
        doc("{ guildData { guild(id: 5) { name } } rateLimitData { limitPerHour } }", NULL);
    post(proxy, local, 10000, &res);
    cr_assert_str_eq(res.body, "{\"data\":{\"guildData\":{\"guild\":{\"name\":\"Local five\"}},"
                               "\"rateLimitData\":{\"limitPerHour\":18000}}}");
    http_result_free(&res);
    cr_assert_eq(upstream_requests("/api/v2/client"), 0, "a fixture answered it");

    char *both =
        doc("{ guildData { a: guild(id: 5) { name } b: guild(id: 3468) { name } } }", NULL);
    post(proxy, both, 10000, &res);
    cr_assert_str_eq(res.body,
                     "{\"data\":{\"guildData\":{\"a\":null,\"b\":{\"name\":\"The Shadow "
                     "Court\"}}}}",
                     "the whole document from the upstream (which knows no guild 5)");
    http_result_free(&res);
    cr_assert_eq(upstream_requests("/api/v2/client"), 1);
    cr_assert_eq(files_in(record_dir), 1, "only the field the fixtures lack is recorded");
    free(recorded("guildData.guild.id-3468"));

    /* The user endpoint needs a user's token eso-mock does not have: answered here. */
    char url[160];
    snprintf(url, sizeof(url), "%s/api/v2/user", esomock_server_url(proxy));
    static const char *const headers[] = {"Authorization: Bearer x", NULL};
    http_perform(&(struct http_request){.url = url, .body = both, .headers = headers}, &res);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);
    cr_assert_eq(upstream_requests("/api/v2/client") + upstream_requests("/api/v2/user"), 1);
    free(local);
    free(both);
}

Test(proxy, the_request_memo_never_keeps_an_upstream_answer)
{
    start_upstream(NULL);
    load_upstream_scenario(
        "{\"name\":\"changes\",\"rules\":[{\"match\":{\"path\":"
        "\"/api/v2/client\"},\"script\":[{\"action\":\"pass\"},{\"action\":"
        "\"respond\",\"status\":200,\"body\":{\"data\":{\"guildData\":{\"guild\":{\"name\":"
        "\"Renamed\"}}}}}]}]}");
    start_proxy(&(struct proxy_setup){0});
    char *body = doc("{ guildData { guild(id: 3468) { name } } }", NULL);
    struct http_result a, b;
    post(proxy, body, 10000, &a);
    post(proxy, body, 10000, &b);
    cr_assert_str_eq(a.body,
                     "{\"data\":{\"guildData\":{\"guild\":{\"name\":\"The Shadow Court\"}}}}");
    cr_assert_str_eq(b.body, "{\"data\":{\"guildData\":{\"guild\":{\"name\":\"Renamed\"}}}}",
                     "the same body, asked upstream again");
    cr_assert_eq(upstream_requests("/api/v2/client"), 2);
    http_result_free(&a);
    http_result_free(&b);
    free(body);
}

Test(proxy, a_key_that_would_tie_with_a_recorded_one_is_left_out)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.record = true});
    char *by_id = doc("{ guildData { guild(id: 3468) { name } } }", NULL);
    char *by_name = doc("{ guildData { guild(name: \"The Shadow Court\") { id } } }", NULL);
    struct http_result res;
    post(proxy, by_id, 10000, &res);
    http_result_free(&res);
    post(proxy, by_name, 10000, &res);
    cr_assert_eq(res.status, 200);
    http_result_free(&res);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 2, &n);
    cr_assert_eq(e[0].recorded, 1);
    cr_assert_eq(e[1].recorded, 0, "{id} and {name} could both answer one request");
    free(e);
    esomock_server_stop(proxy);
    proxy = NULL;
    offline = start_server(&(struct esomock_options){.fixtures_dir = record_dir});
    free(by_id);
    free(by_name);
}

struct hammer {
    struct esomock_server *server;
    int index;
    int failures;
};

static void *hammer_main(void *arg)
{
    struct hammer *h = arg;
    static const char *const selections[] = {"name", "id", "server { name region { name } }",
                                             "faction { id name }"};
    char query[256];
    snprintf(query, sizeof(query), "{ guildData { guild(id: 3468) { %s } } }",
             selections[h->index % 4]);
    char *body = doc(query, NULL);
    for (int i = 0; i < 4; i++) {
        struct http_result res;
        post(h->server, body, 10000, &res);
        h->failures += res.status != 200;
        http_result_free(&res);
    }
    free(body);
    return NULL;
}

Test(proxy, concurrent_recordings_of_one_key_leave_one_whole_file)
{
    start_upstream(NULL);
    start_proxy(&(struct proxy_setup){.record = true});
    pthread_t threads[8];
    struct hammer h[8];
    for (int i = 0; i < 8; i++) {
        h[i] = (struct hammer){.server = proxy, .index = i};
        cr_assert_eq(pthread_create(&threads[i], NULL, hammer_main, &h[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(h[i].failures, 0);
    }
    cr_assert_eq(files_in(record_dir), 1, "one key, one file, no temporary file left");
    char *text = recorded("guildData.guild.id-3468");
    cJSON *fx = cJSON_Parse(text);
    cr_assert_not_null(fx, "a whole JSON file:\n%s", text);
    const cJSON *guild = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(fx, "response"),
                                             "data"),
            "guildData"),
        "guild");
    const char *members[] = {"name", "id", "server", "faction"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(guild, members[i]),
                           "every selection merged: %s missing", members[i]);
    cJSON_Delete(fx);
    free(text);
}

/* ---- connections ---------------------------------------------------------------------------- */

Test(proxy, a_client_that_hangs_up_cancels_its_upstream_transfer)
{
    start_upstream(NULL);
    load_upstream_scenario("{\"name\":\"hang\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},"
                           "\"script\":[{\"action\":\"hang\"}]}]}");
    start_proxy(&(struct proxy_setup){.timeout_ms = 30000});
    char *body = op("getGuildById", "{\"guildId\":3468}");
    char request[16384];
    int len = snprintf(request, sizeof(request),
                       "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                       "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                       strlen(body), body);
    int fd = connect_loopback(esomock_server_port(proxy));
    send_text(fd, request, (size_t)len);
    /* Wait until the upstream holds the forwarded request, then hang up. */
    cr_assert_geq(esomock_server_wait_for_requests(upstream, NULL, 2, false, 10000), 2,
                  "the token request and the forward reached the upstream");
    double start = mono_ms();
    close(fd);
    size_t n = 0;
    struct esomock_journal_entry *e = journal_of(proxy, 1, &n);
    cr_assert_lt(mono_ms() - start, 5000, "released at once, not after the 30 s timeout");
    cr_assert_eq(e[0].state, ESOMOCK_ENTRY_ABORTED);
    cr_assert(strstr(e[0].upstream_error, "hung up") != NULL, "%s", e[0].upstream_error);
    free(e);
    struct esomock_journal_filter graphql = {.operation = "getGuildById"};
    cr_assert_geq(esomock_server_wait_for_requests(upstream, &graphql, 1, true, 10000), 1,
                  "the upstream's hang ends: its client (the proxy) left");
    free(body);
}

struct waiting_client {
    struct esomock_server *server;
    struct http_result res;
};

static void *wait_main(void *arg)
{
    struct waiting_client *w = arg;
    char *body = op("getGuildById", "{\"guildId\":3468}");
    post(w->server, body, 20000, &w->res);
    free(body);
    return NULL;
}

Test(proxy, stopping_releases_a_request_waiting_for_the_upstream)
{
    start_upstream(NULL);
    load_upstream_scenario("{\"name\":\"hang\",\"rules\":[{\"match\":{\"path\":\"/api/v2/client\"},"
                           "\"script\":[{\"action\":\"hang\"}]}]}");
    start_proxy(&(struct proxy_setup){.timeout_ms = 30000});
    struct waiting_client w = {.server = proxy};
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, wait_main, &w), 0);
    cr_assert_geq(esomock_server_wait_for_requests(upstream, NULL, 2, false, 10000), 2);
    double start = mono_ms();
    esomock_server_stop(proxy);
    proxy = NULL;
    cr_assert_lt(mono_ms() - start, 5000, "stop does not wait for the upstream");
    pthread_join(t, NULL);
    cr_assert_neq(w.res.curl_code, CURLE_OK, "the client's connection was closed");
    http_result_free(&w.res);
}

/* ---- naming and options --------------------------------------------------------------------- */

Test(proxy, recorded_file_names_are_safe_deterministic_and_distinct)
{
    char a[ESOMOCK_RECORD_STEM_MAX + 16], b[ESOMOCK_RECORD_STEM_MAX + 16];
    esomock__record_stem("guildData.guild", "{\"id\":3468}", a, sizeof(a));
    cr_assert_str_eq(a, "guildData.guild.id-3468");
    esomock__record_stem("worldData.zones", "{}", a, sizeof(a));
    cr_assert_str_eq(a, "worldData.zones");
    esomock__record_stem("guildData.guild", "{\"name\":\"../../etc/passwd\"}", a, sizeof(a));
    cr_assert(strchr(a, '/') == NULL && strstr(a, "..") == NULL, "%s", a);
    esomock__record_stem("guildData.guild", "{\"name\":\"The Shadow Court\"}", a, sizeof(a));
    esomock__record_stem("guildData.guild", "{\"name\":\"The_Shadow_Court\"}", b, sizeof(b));
    cr_assert_str_neq(a, b, "a replaced byte brings a hash: %s", a);
    esomock__record_stem("guildData.guild", "{\"name\":\"The Shadow Court\"}", b, sizeof(b));
    cr_assert_str_eq(a, b, "the same key, the same name");
    char longer[512] = "{\"name\":\"";
    memset(longer + 9, 'x', 400);
    strcpy(longer + 409, "\"}");
    esomock__record_stem("guildData.guild", longer, a, sizeof(a));
    longer[20] = 'y';
    esomock__record_stem("guildData.guild", longer, b, sizeof(b));
    cr_assert_leq(strlen(a), ESOMOCK_RECORD_STEM_MAX + 9);
    cr_assert_str_neq(a, b, "cut names keep apart by their hash");
}

Test(proxy, bad_proxy_options_refuse_to_start)
{
    struct esomock_problems *p = test_problems();
    struct esomock_server *srv = NULL;
    struct esomock_proxy_options px = {
        .url = "ftp://example.com", .client_id = "a", .client_secret = "b"};
    struct esomock_options opts = {.proxy = &px};
    cr_assert_eq(esomock_server_start(&opts, &srv, p), ESOMOCK_BAD_ARGUMENT);
    cr_assert(strstr(problems_text(p), "http://") != NULL, "%s", problems_text(p));
    px = (struct esomock_proxy_options){.url = "http://127.0.0.1:9"};
    p = test_problems();
    cr_assert_eq(esomock_server_start(&opts, &srv, p), ESOMOCK_BAD_ARGUMENT);
    cr_assert(strstr(problems_text(p), "ESOLOGS_ID") != NULL, "%s", problems_text(p));
    px = (struct esomock_proxy_options){.url = "http://127.0.0.1:9",
                                        .client_id = "a",
                                        .client_secret = "b",
                                        .record_dir = "/nonexistent/dir"};
    p = test_problems();
    cr_assert_neq(esomock_server_start(&opts, &srv, p), ESOMOCK_OK);
    cr_assert(strstr(problems_text(p), "--record /nonexistent/dir") != NULL, "%s",
              problems_text(p));
}

static int run_mock(const char *args)
{
    char command[1024];
    snprintf(command, sizeof(command), "%s %s --port 0 --log none >/dev/null 2>&1",
             getenv("ESO_MOCK_BIN"), args);
    int status = system(command);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(proxy, the_cli_wants_credentials_and_a_proxy_for_record)
{
    cr_assert_eq(run_mock("--record /tmp"), 2, "--record without --proxy");
    cr_assert_eq(run_mock("--proxy-timeout 5"), 2, "--proxy-timeout without --proxy");
    cr_assert_eq(run_mock("--proxy-timeout 0 --proxy http://127.0.0.1:9"), 2);
    unsetenv("ESOLOGS_ID");
    unsetenv("ESOLOGS_SECRET");
    cr_assert_eq(run_mock("--proxy http://127.0.0.1:9"), 2, "no credentials");
}
