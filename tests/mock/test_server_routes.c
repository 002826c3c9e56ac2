/* eso-mock's routes over a real socket: GraphQL replay, OAuth, admin health, bad input. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esomock/journal.h>
#include <esomock/version.h>

#include "mock_test_util.h"

static struct esomock_server *srv;
static char graphql_url[128];

static void url_of(const struct esomock_server *s, const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", esomock_server_url(s), path);
}

static void setup_default(void)
{
    srv = start_server(NULL);
    url_of(srv, "/api/v2/client", graphql_url, sizeof(graphql_url));
}

static void teardown(void)
{
    esomock_server_stop(srv);
    srv = NULL;
}

TestSuite(routes, .init = setup_default, .fini = teardown, .timeout = 30);

static const char guild_query[] =
    "query getGuildById($guildId: Int!) { guildData { guild(id: $guildId) { id name } } }";

static cJSON *post_json(const char *body, long want_status)
{
    struct http_result res;
    http_post_graphql(graphql_url, body, &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "curl: %s", res.curl_error);
    cr_assert_eq(res.status, want_status, "status %ld, body %.300s", res.status, res.body);
    char type[64] = "";
    cr_assert_eq(http_result_header(&res, "Content-Type", type, sizeof(type)), 0);
    cr_assert_str_eq(type, "application/json");
    cJSON *json = parse_body(&res);
    http_result_free(&res);
    return json;
}

static cJSON *guild_request(const char *variables)
{
    char body[512];
    snprintf(body, sizeof(body),
             "{\"query\":\"query getGuildById($guildId: Int!) { guildData { guild(id: $guildId) "
             "{ id name } } }\",\"operationName\":\"getGuildById\",\"variables\":%s}",
             variables);
    return post_json(body, 200);
}

Test(routes, binds_loopback_on_an_ephemeral_port)
{
    cr_assert_neq(esomock_server_port(srv), 0);
    cr_assert(strncmp(esomock_server_url(srv), "http://127.0.0.1:", 17) == 0, "%s",
              esomock_server_url(srv));
}

Test(routes, health)
{
    char url[128];
    url_of(srv, "/__admin/health", url, sizeof(url));
    struct http_result res;
    http_perform(&(struct http_request){.url = url}, &res);
    cr_assert_eq(res.status, 200);
    cr_assert_str_eq(res.body, "{\"status\":\"ok\"}");
    http_result_free(&res);
}

Test(routes, known_guild_answers_its_fixture)
{
    cJSON *json = guild_request("{\"guildId\":3468}");
    cJSON *guild = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(json, "data"), "guildData"), "guild");
    cr_assert(cJSON_IsObject(guild), "guild 3468 has data");
    cr_assert_eq(cJSON_GetObjectItem(guild, "id")->valueint, 3468);
    cr_assert_null(cJSON_GetObjectItem(json, "errors"));
    cJSON_Delete(json);
}

Test(routes, unknown_guild_answers_null_like_the_real_api)
{
    cJSON *json = guild_request("{\"guildId\":999999}");
    char *text = cJSON_PrintUnformatted(json);
    cr_assert_str_eq(text, "{\"data\":{\"guildData\":{\"guild\":null}}}");
    free(text);
    cJSON_Delete(json);
}

Test(routes, user_endpoint_serves_the_same_api)
{
    char url[128];
    url_of(srv, "/api/v2/user", url, sizeof(url));
    struct http_result res;
    http_post_graphql(
        url, "{\"query\":\"query getRateLimitData { rateLimitData { limitPerHour } }\"}", &res);
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert(strstr(res.body, "\"data\"") != NULL, "%s", res.body);
    http_result_free(&res);
}

Test(routes, operation_comes_from_the_document_when_name_is_absent)
{
    cJSON *json = post_json("{\"query\":\"query getGuildById($guildId: Int!) { guildData { "
                            "guild(id: $guildId) { id } } }\",\"variables\":{\"guildId\":3468}}",
                            200);
    cr_assert_not_null(cJSON_GetObjectItem(json, "data"));
    cr_assert_null(cJSON_GetObjectItem(json, "errors"));
    cJSON_Delete(json);
}

/* A value no fixture holds for each required variable of @p doc ($x: Int! and the like). */
static cJSON *unknown_required_variables(const char *doc)
{
    cJSON *vars = cJSON_CreateObject();
    for (const char *p = strchr(doc, '$'); p != NULL; p = strchr(p + 1, '$')) {
        char name[64], type[64];
        if (sscanf(p, "$%63[_A-Za-z0-9]: %63[_A-Za-z0-9!]", name, type) != 2 ||
            strchr(type, '!') == NULL || cJSON_GetObjectItem(vars, name) != NULL)
            continue;
        if (strncmp(type, "Int", 3) == 0 || strncmp(type, "Float", 5) == 0)
            cJSON_AddNumberToObject(vars, name, 2000000000); /* past every world range */
        else if (strncmp(type, "Boolean", 7) == 0)
            cJSON_AddFalseToObject(vars, name);
        else
            cJSON_AddStringToObject(vars, name, "zzzzzzzzzzzzzzzz");
    }
    return vars;
}

/*
 * Every fixture, asked for by its operation's own document (client/queries) with its own
 * variables (a default: keys no variant holds and the default world lacks), is answered with the
 * very bytes it held before eso-mock executed documents: the fixture's response, compact.
 * getRateLimitData answers from the points model: the same keys.
 */
Test(routes, every_fixture_answers_its_own_operation_byte_for_byte)
{
    const char *root = getenv("ESO_SOURCE_ROOT");
    const char *dir_path = getenv("ESOMOCK_FIXTURES");
    cr_assert(root != NULL && dir_path != NULL, "set by meson");
    DIR *d = opendir(dir_path);
    cr_assert_not_null(d, "cannot open %s", dir_path);
    int answered = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
        char *text = read_text_file(path);
        cJSON *fixture = cJSON_Parse(text);
        free(text);
        const char *op = cJSON_GetObjectItem(fixture, "operation")->valuestring;
        snprintf(path, sizeof(path), "%s/client/queries/%s.graphql", root, op);
        char *doc = read_text_file(path);
        cr_assert_not_null(doc, "read %s", path);
        cJSON *vars = cJSON_GetObjectItem(fixture, "variables");
        cJSON *req = cJSON_CreateObject();
        cJSON_AddStringToObject(req, "query", doc);
        cJSON_AddStringToObject(req, "operationName", op);
        cJSON_AddItemToObject(req, "variables",
                              vars != NULL ? cJSON_Duplicate(vars, 1)
                                           : unknown_required_variables(doc));
        char *body = cJSON_PrintUnformatted(req);
        struct http_result res;
        http_post_graphql(graphql_url, body, &res);
        cr_assert_eq(res.status, 200, "%s: status %ld", e->d_name, res.status);
        char *want = cJSON_PrintUnformatted(cJSON_GetObjectItem(fixture, "response"));
        if (strcmp(op, "getRateLimitData") != 0) {
            cr_assert_str_eq(res.body, want, "%s", e->d_name);
        } else {
            cJSON *json = parse_body(&res);
            cJSON *got = cJSON_GetObjectItem(cJSON_GetObjectItem(json, "data"), "rateLimitData");
            cJSON *fx = cJSON_GetObjectItem(
                cJSON_GetObjectItem(cJSON_GetObjectItem(fixture, "response"), "data"),
                "rateLimitData");
            cr_assert_eq(cJSON_GetArraySize(got), cJSON_GetArraySize(fx));
            for (cJSON *k = fx->child; k != NULL; k = k->next)
                cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(got, k->string)), "%s", k->string);
            cJSON_Delete(json);
        }
        answered++;
        free(want);
        http_result_free(&res);
        free(body);
        cJSON_Delete(req);
        cJSON_Delete(fixture);
        free(doc);
    }
    closedir(d);
    cr_assert_eq(answered, 77, "77 fixtures answered (got %d)", answered);
}

Test(routes, every_operation_has_an_answer_with_data)
{
    char dir_path[512];
    const char *root = getenv("ESO_SOURCE_ROOT");
    cr_assert_not_null(root, "ESO_SOURCE_ROOT is set by meson");
    snprintf(dir_path, sizeof(dir_path), "%s/client/queries", root);
    DIR *d = opendir(dir_path);
    cr_assert_not_null(d, "cannot open %s", dir_path);
    int answered = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        size_t n = strlen(e->d_name);
        if (n < 9 || strcmp(e->d_name + n - 8, ".graphql") != 0)
            continue;
        char path[1024], op[128];
        snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
        snprintf(op, sizeof(op), "%.*s", (int)(n - 8), e->d_name);
        char *doc = read_text_file(path);
        cr_assert_not_null(doc, "read %s", path);
        cJSON *req = cJSON_CreateObject();
        cJSON_AddStringToObject(req, "query", doc);
        cJSON_AddStringToObject(req, "operationName", op);
        cJSON_AddItemToObject(req, "variables", unknown_required_variables(doc));
        char *body = cJSON_PrintUnformatted(req);
        struct http_result res;
        http_post_graphql(graphql_url, body, &res);
        cr_assert_eq(res.status, 200, "%s: status %ld", op, res.status);
        cJSON *json = parse_body(&res);
        cr_assert(cJSON_IsObject(cJSON_GetObjectItem(json, "data")), "%s: no data: %.200s", op,
                  res.body);
        cr_assert_null(cJSON_GetObjectItem(json, "errors"), "%s: errors: %.200s", op, res.body);
        answered++;
        cJSON_Delete(json);
        http_result_free(&res);
        free(body);
        cJSON_Delete(req);
        free(doc);
    }
    closedir(d);
    cr_assert_eq(answered, 39, "39 operations answered (got %d)", answered);
}

/* An operation name no fixture knows: the document's fields are answered all the same. */
Test(routes, an_operation_of_its_own_name_is_answered_by_field)
{
    cJSON *json = post_json("{\"query\":\"query myGuild { guildData { guild(id: 3468) { name } "
                            "} }\"}",
                            200);
    char *text = cJSON_PrintUnformatted(json);
    cr_assert_str_eq(text,
                     "{\"data\":{\"guildData\":{\"guild\":{\"name\":\"The Shadow Court\"}}}}");
    free(text);
    cJSON_Delete(json);
}

/* A well-formed request whose document the engine refuses: 200, errors, no data. */
Test(routes, bad_documents_get_200_with_errors_and_no_data)
{
    static const struct bad_input {
        const char *body;
        const char *expected;
    } cases[] = {
        {"{\"query\":\"query a { rateLimitData { limitPerHour } }\",\"operationName\":\"b\"}",
         "Unknown operation named \"b\"."},
        {"{\"query\":\"query a { rateLimitData { limitPerHour } } query b { rateLimitData { "
         "limitPerHour } }\"}",
         "Must provide operation name if query contains multiple operations."},
        {"{\"query\":\"{ x }\"}", "Cannot query field \"x\" on type \"Query\"."},
        {"{\"query\":\"query a { x \"}", "Syntax Error: Expected Name, found <EOF>."},
        {"{\"query\":\"\"}", "Syntax Error: Unexpected <EOF>."},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *json = post_json(cases[i].body, 200);
        cr_assert_str_eq(first_error_message(json), cases[i].expected, "body %s", cases[i].body);
        cr_assert_null(cJSON_GetObjectItem(json, "data"), "body %s", cases[i].body);
        cJSON_Delete(json);
    }
}

struct bad_input {
    const char *body;
    const char *expected;
};

Test(routes, bad_bodies_get_400_saying_what_was_wrong)
{
    static const struct bad_input cases[] = {
        {"", "empty"},
        {"not json", "not valid JSON"},
        {"{\"query\": ", "not valid JSON"},
        {"[1,2,3]", "must be a JSON object"},
        {"42", "must be a JSON object"},
        {"{}", "missing \"query\""},
        {"{\"query\":null}", "missing \"query\""},
        {"{\"query\":7}", "must be a string"},
        {"{\"query\":\"query a { x }\",\"variables\":[1]}", "\"variables\" must be an object"},
        {"{\"query\":\"query a { x }\",\"operationName\":3}", "\"operationName\" must be"},
        {"{\"query\":\"query a { x }\"} trailing", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *json = post_json(cases[i].body, 400);
        const char *msg = first_error_message(json);
        cr_assert(strstr(msg, cases[i].expected) != NULL, "body %s: '%s' not in '%s'",
                  cases[i].body, cases[i].expected, msg);
        cJSON_Delete(json);
    }
}

Test(routes, binary_garbage_is_refused_not_crashed_on)
{
    static const char garbage[] = {'{', '"', 'q', '\xff', '\xfe', '\0', '\x01', '"', ':', '}'};
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    struct http_result res;
    http_perform(
        &(struct http_request){
            .url = graphql_url, .body = garbage, .body_len = sizeof(garbage), .headers = headers},
        &res);
    cr_assert_eq(res.curl_code, CURLE_OK);
    cr_assert_eq(res.status, 400);
    http_result_free(&res);
}

/* cJSON skips every byte up to 0x20 as whitespace and stops at a NUL; JSON does not. */
Test(routes, control_bytes_between_json_tokens_are_refused)
{
    static const struct {
        const char *body;
        size_t len;
        size_t at;
    } cases[] = {
        {"{\"query\":\x01\"query getZones { x }\"}", 0, 9},
        {"{\"query\":\"query getZones { x }\"\x00}", 33, 31},
        {"{\"query\":\"query getZones { x }\"}\x00garbage", 40, 32},
        {"\x0b{\"query\":\"query getZones { x }\"}", 0, 0},
        {"{\"query\":\"query getZones {\n x }\"}", 0, 26},
        {"{\"query\":\"query getZones { x }\\\x01\"}", 0, 31},
    };
    static const char *const headers[] = {"Authorization: Bearer t", NULL};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].body);
        struct http_result res;
        http_perform(
            &(struct http_request){
                .url = graphql_url, .body = cases[i].body, .body_len = len, .headers = headers},
            &res);
        cr_assert_eq(res.status, 400, "case %zu: %ld %s", i, res.status, res.body);
        cJSON *json = parse_body(&res);
        char want[32];
        snprintf(want, sizeof(want), "at byte %zu", cases[i].at);
        const char *msg = first_error_message(json);
        cr_assert(strstr(msg, "control byte") != NULL && strstr(msg, want) != NULL, "case %zu: %s",
                  i, msg);
        cJSON_Delete(json);
        http_result_free(&res);
    }
    /* Tab, LF and CR between tokens are whitespace. */
    cJSON_Delete(post_json("{\t\"query\"\r\n:\n\"query getZones { x }\" }\n", 200));
}

Test(routes, wrong_method_is_405_with_allow)
{
    struct http_result res;
    http_perform(&(struct http_request){.url = graphql_url}, &res);
    cr_assert_eq(res.status, 405);
    char allow[32] = "";
    cr_assert_eq(http_result_header(&res, "Allow", allow, sizeof(allow)), 0);
    cr_assert_str_eq(allow, "POST");
    cJSON *json = parse_body(&res);
    cr_assert(strstr(first_error_message(json), "GET") != NULL);
    cJSON_Delete(json);
    http_result_free(&res);

    char url[128];
    url_of(srv, "/__admin/health", url, sizeof(url));
    http_perform(&(struct http_request){.url = url, .method = "DELETE"}, &res);
    cr_assert_eq(res.status, 405);
    http_result_free(&res);
}

Test(routes, unknown_path_is_404_json)
{
    char url[128];
    url_of(srv, "/api/v1/report", url, sizeof(url));
    struct http_result res;
    http_perform(&(struct http_request){.url = url, .body = "{}"}, &res);
    cr_assert_eq(res.status, 404);
    cJSON *json = parse_body(&res);
    cr_assert(strstr(first_error_message(json), "/api/v1/report") != NULL);
    cJSON_Delete(json);
    http_result_free(&res);
}

Test(routes, graphql_without_bearer_is_401)
{
    static const char *const basic[] = {"Authorization: Basic aWQ6c2VjcmV0", NULL};
    static const char *const empty_bearer[] = {"Authorization: Bearer ", NULL};
    const char *const *variants[] = {NULL, basic, empty_bearer};
    for (size_t i = 0; i < 3; i++) {
        struct http_result res;
        http_perform(&(struct http_request){.url = graphql_url,
                                            .body = "{\"query\":\"query getZones { x }\"}",
                                            .headers = variants[i]},
                     &res);
        cr_assert_eq(res.status, 401, "variant %zu: %ld", i, res.status);
        char www[64] = "";
        cr_assert_eq(http_result_header(&res, "WWW-Authenticate", www, sizeof(www)), 0);
        cJSON *json = parse_body(&res);
        cr_assert(strstr(first_error_message(json), "Unauthenticated") != NULL);
        cJSON_Delete(json);
        http_result_free(&res);
    }
}

/* ---- OAuth ------------------------------------------------------------------------------ */

static cJSON *token_request(const char *userpwd, const char *form, long want_status)
{
    char url[128];
    url_of(srv, "/oauth/token", url, sizeof(url));
    struct http_result res;
    http_perform(&(struct http_request){.url = url, .body = form, .userpwd = userpwd}, &res);
    cr_assert_eq(res.curl_code, CURLE_OK, "%s", res.curl_error);
    cr_assert_eq(res.status, want_status, "status %ld: %s", res.status, res.body);
    cJSON *json = parse_body(&res);
    http_result_free(&res);
    return json;
}

Test(routes, token_with_basic_credentials)
{
    cJSON *json = token_request("my-id:my-secret", "grant_type=client_credentials", 200);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "token_type")->valuestring, "Bearer");
    cr_assert_eq(cJSON_GetObjectItem(json, "expires_in")->valueint, 3600);
    cJSON *token = cJSON_GetObjectItem(json, "access_token");
    cr_assert(cJSON_IsString(token) && strlen(token->valuestring) == 40);
    cJSON_Delete(json);
}

Test(routes, token_with_form_credentials)
{
    cJSON *json = token_request(
        NULL, "grant_type=client_credentials&client_id=a%20b&client_secret=s3cr%2Bt", 200);
    cr_assert_not_null(cJSON_GetObjectItem(json, "access_token"));
    cJSON_Delete(json);
}

Test(routes, token_errors_follow_oauth)
{
    cJSON *json = token_request(NULL, "grant_type=client_credentials", 401);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "error")->valuestring, "invalid_client");
    cJSON_Delete(json);
    json = token_request("id:secret", "grant_type=password", 400);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "error")->valuestring, "unsupported_grant_type");
    cJSON_Delete(json);
    json = token_request("id:secret", "scope=x", 400);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "error")->valuestring, "invalid_request");
    cJSON_Delete(json);
    json = token_request("id:", "grant_type=client_credentials", 401);
    cJSON_Delete(json);
}

Test(routes, token_json_never_echoes_the_secret)
{
    char url[128];
    url_of(srv, "/oauth/token", url, sizeof(url));
    struct http_result res;
    http_perform(&(struct http_request){.url = url,
                                        .body = "grant_type=client_credentials",
                                        .userpwd = "id:hunter2-secret"},
                 &res);
    cr_assert_eq(res.status, 200);
    cr_assert_null(strstr(res.body, "hunter2"));
    cr_assert_null(strstr(res.headers, "hunter2"));
    http_result_free(&res);
}

Test(configured, required_credentials_are_checked, .timeout = 30)
{
    struct esomock_options opts = {.client_id = "app", .client_secret = "pw"};
    srv = start_server(&opts);
    cJSON_Delete(token_request("app:wrong", "grant_type=client_credentials", 401));
    cJSON_Delete(token_request("other:pw", "grant_type=client_credentials", 401));
    cJSON_Delete(token_request("app:pw", "grant_type=client_credentials", 200));
    teardown();
}

static const char *issue_token(char *buf, size_t size)
{
    cJSON *json = token_request("id:secret", "grant_type=client_credentials", 200);
    snprintf(buf, size, "Authorization: Bearer %s",
             cJSON_GetObjectItem(json, "access_token")->valuestring);
    cJSON_Delete(json);
    return buf;
}

static long graphql_status_with(const char *auth_header)
{
    const char *headers[] = {auth_header, NULL};
    struct http_result res;
    char body[256];
    snprintf(body, sizeof(body), "{\"query\":\"%s\",\"variables\":{\"guildId\":1}}", guild_query);
    http_perform(&(struct http_request){.url = graphql_url, .body = body, .headers = headers},
                 &res);
    long status = res.status;
    http_result_free(&res);
    return status;
}

Test(configured, strict_auth_accepts_only_issued_tokens, .timeout = 30)
{
    struct esomock_options opts = {.strict_auth = true};
    srv = start_server(&opts);
    url_of(srv, "/api/v2/client", graphql_url, sizeof(graphql_url));
    char header[128];
    cr_assert_eq(graphql_status_with(issue_token(header, sizeof(header))), 200);
    cr_assert_eq(graphql_status_with("Authorization: Bearer made-up-token"), 401);
    teardown();
}

Test(configured, strict_auth_refuses_expired_tokens, .timeout = 30)
{
    /* One scenario second lasts a microsecond: the token is stale before it can be used. */
    struct esomock_options opts = {.strict_auth = true, .token_ttl_s = 1, .time_scale = 1e-6};
    srv = start_server(&opts);
    url_of(srv, "/api/v2/client", graphql_url, sizeof(graphql_url));
    char header[128];
    issue_token(header, sizeof(header));
    const char *headers[] = {header, NULL};
    struct http_result res;
    http_perform(&(struct http_request){.url = graphql_url,
                                        .body = "{\"query\":\"query getZones { x }\"}",
                                        .headers = headers},
                 &res);
    cr_assert_eq(res.status, 401);
    cr_assert(strstr(res.body, "expired") != NULL, "%s", res.body);
    http_result_free(&res);
    teardown();
}

Test(configured, body_limit_gives_413, .timeout = 30)
{
    struct esomock_options opts = {.max_body_bytes = 64};
    srv = start_server(&opts);
    url_of(srv, "/api/v2/client", graphql_url, sizeof(graphql_url));
    char big[200];
    memset(big, ' ', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    cJSON_Delete(post_json(big, 413));

    /* Chunked uploads declare no length; the limit still holds. */
    static const char *const chunked[] = {"Authorization: Bearer t", "Transfer-Encoding: chunked",
                                          NULL};
    struct http_result res;
    http_perform(&(struct http_request){.url = graphql_url, .body = big, .headers = chunked}, &res);
    cr_assert_eq(res.status, 413, "chunked: %ld", res.status);
    http_result_free(&res);
    teardown();
}

Test(configured, two_servers_at_once, .timeout = 30)
{
    struct esomock_server *a = start_server(NULL);
    struct esomock_server *b = start_server(NULL);
    cr_assert_neq(esomock_server_port(a), esomock_server_port(b));
    struct esomock_server *both[] = {a, b};
    for (int i = 0; i < 2; i++) {
        char url[128];
        url_of(both[i], "/__admin/health", url, sizeof(url));
        struct http_result res;
        http_perform(&(struct http_request){.url = url}, &res);
        cr_assert_eq(res.status, 200, "server %d", i);
        http_result_free(&res);
    }
    esomock_server_stop(a);
    esomock_server_stop(b);
}

Test(configured, start_failures_say_why, .timeout = 30)
{
    struct esomock_problems *err = test_problems();
    struct esomock_server *s = NULL;
    struct esomock_options opts = {.fixtures_dir = "/nonexistent"};
    cr_assert_eq(esomock_server_start(&opts, &s, err), ESOMOCK_IO);
    cr_assert_null(s);
    cr_assert(strstr(problems_text(err), "/nonexistent") != NULL, "%s", problems_text(err));

    struct esomock_options bad_host = {.host = "not-an-address.invalid"};
    cr_assert_eq(esomock_server_start(&bad_host, &s, err), ESOMOCK_BIND_FAILED);
    cr_assert(strstr(problems_text(err), "not-an-address.invalid") != NULL, "%s",
              problems_text(err));

    struct esomock_server *first = start_server(NULL);
    struct esomock_options same_port = {.port = esomock_server_port(first)};
    cr_assert_eq(esomock_server_start(&same_port, &s, err), ESOMOCK_BIND_FAILED);
    esomock_server_stop(first);

    cr_assert_eq(esomock_server_start(NULL, NULL, err), ESOMOCK_BAD_ARGUMENT);
    esomock_server_stop(NULL);
    cr_assert_eq(esomock_server_port(NULL), 0);
    cr_assert_str_eq(esomock_server_url(NULL), "");
}

Test(configured, strerror_covers_every_code)
{
    for (int code = ESOMOCK_OK; code <= ESOMOCK_UNSUPPORTED; code++) {
        const char *text = esomock_strerror((enum esomock_status)code);
        cr_assert(text != NULL && strcmp(text, "unknown status") != 0, "code %d", code);
    }
    cr_assert_str_eq(esomock_strerror((enum esomock_status)999), "unknown status");
}

/* The library says its version at run time, and it is the headers' (one build). */
Test(configured, version_at_run_time)
{
    cr_assert_eq(esomock_version(), (unsigned)ESOMOCK_VERSION_NUM);
    cr_assert_str_eq(esomock_version_string(), ESOMOCK_VERSION_STR);
    cr_assert(ESOMOCK_VERSION_AT_LEAST(0, 1, 0));
}

/* Send @p request on a new connection; the answer (until the server closes, or 5 s). */
static bool raw_answer(const char *request, char *answer, size_t size)
{
    int fd = connect_loopback(esomock_server_port(srv));
    send_text(fd, request, 0);
    bool closed = false;
    recv_until(fd, answer, size, NULL, 5000, &closed);
    close(fd);
    return closed;
}

/* RFC 9112 6: framing libmicrohttpd 0.9.75 lets through is refused, and the connection closed
 * (nothing of an ambiguous body may be read as a next request). */
Test(routes, ambiguous_framing_is_refused_and_the_connection_closed)
{
    static const struct {
        const char *headers;
        const char *body;
        const char *status;
        const char *says;
    } cases[] = {
        {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", "HTTP/1.1 400",
         "Content-Length and Transfer-Encoding together"},
        {"Content-Length: 32\r\nContent-Length: 5\r\n", "{\"query\":\"query getZones { x }\"}",
         "HTTP/1.1 400", "Content-Length is given more than once"},
        {"Content-Length: 32\r\nContent-Length: 32\r\n", "{\"query\":\"query getZones { x }\"}",
         "HTTP/1.1 400", "Content-Length is given more than once"},
        {"Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n", "HTTP/1.1 501", "only chunked"},
        {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n",
         "HTTP/1.1 400", "Transfer-Encoding is given more than once"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char request[1024], answer[4096];
        snprintf(request, sizeof(request),
                 "POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n%s\r\n%s",
                 cases[i].headers, cases[i].body);
        bool closed = raw_answer(request, answer, sizeof(answer));
        cr_assert_eq(strncmp(answer, cases[i].status, strlen(cases[i].status)), 0,
                     "case %zu: %.200s", i, answer);
        cr_assert(strstr(answer, cases[i].says) != NULL, "case %zu: %s", i, answer);
        cr_assert(closed, "case %zu: the connection is closed at once", i);
    }
    /* One Content-Length, or chunked alone, still work. */
    char answer[16384];
    raw_answer("POST /api/v2/client HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
               "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
               "20\r\n{\"query\":\"query getZones { x }\"}\r\n0\r\n\r\n",
               answer, sizeof(answer));
    cr_assert_eq(strncmp(answer, "HTTP/1.1 200", 12), 0, "chunked: %.200s", answer);
}

/* Answers libmicrohttpd sends by itself, before eso-mock's handler, are journaled too. */
Test(routes, answers_libmicrohttpd_sends_by_itself_are_journaled)
{
    char answer[4096];
    raw_answer("POST /api/v2/client HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", answer,
               sizeof(answer));
    cr_assert(strstr(answer, " 400 ") != NULL, "a bad Content-Length: %.200s", answer);

    /* A header larger than libmicrohttpd's per-connection memory: 431. */
    size_t big = 64 * 1024;
    char *request = malloc(big + 256);
    int n = snprintf(request, 256, "GET /api/v2/client HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(request + n, 'a', big);
    snprintf(request + n + big, 256, "\r\n\r\n");
    raw_answer(request, answer, sizeof(answer));
    cr_assert(strstr(answer, " 431 ") != NULL, "a huge header: %.200s", answer);

    /* A request line longer than that memory: 414, before any URI is known. */
    n = snprintf(request, 256, "GET /");
    memset(request + n, 'b', big);
    snprintf(request + n + big, 256, " HTTP/1.1\r\nHost: x\r\n\r\n");
    raw_answer(request, answer, sizeof(answer));
    cr_assert(strstr(answer, " 414 ") != NULL, "a huge URI: %.200s", answer);
    free(request);

    struct esomock_journal_entry *e = completed_journal(srv, 3);
    int want[] = {400, 431, 414};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(e[i].status, want[i], "entry %zu: %d", i, e[i].status);
        cr_assert_str_eq(e[i].action, "error");
        cr_assert_eq(e[i].state, ESOMOCK_ENTRY_COMPLETED);
        cr_assert_eq(e[i].seq, i + 1);
    }
    cr_assert_str_eq(e[0].path, "/api/v2/client", "the URI was known");
    cr_assert_str_eq(e[2].path, "", "no URI was parsed");
    free(e);
    char *metrics = esomock_server_metrics(srv);
    cr_assert(strstr(metrics, "esomock_requests_total{operation=\"(unrouted)\"} 3") != NULL, "%s",
              metrics);
    free(metrics);
}
