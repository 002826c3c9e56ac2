/*
 * eso-mock speaks GraphQL, through HTTP: documents are validated and executed, and answered
 * from the fixtures whatever the operation's name (docs/mock.md, "How an answer is built").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esomock/journal.h>

#include "gql.h"
#include "mock_test_util.h"

static struct esomock_server *srv;
static char graphql_url[128];
static char fixture_dir[64];

static void start_with(const struct esomock_options *opts)
{
    srv = start_server(opts);
    snprintf(graphql_url, sizeof(graphql_url), "%s/api/v2/client", esomock_server_url(srv));
}

static void setup_default(void)
{
    start_with(NULL);
}

static void teardown(void)
{
    esomock_server_stop(srv);
    srv = NULL;
    if (fixture_dir[0] != '\0') {
        remove_scratch_dir(fixture_dir);
        fixture_dir[0] = '\0';
    }
}

TestSuite(graphql, .init = setup_default, .fini = teardown, .timeout = 120);
TestSuite(graphql_own, .fini = teardown, .timeout = 30);

/* POST {"query": @p query, "operationName"?, "variables"?} and return the answer's text. */
static char *ask(const char *query, const char *operation_name, const char *variables)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "query", query);
    if (operation_name != NULL)
        cJSON_AddStringToObject(body, "operationName", operation_name);
    if (variables != NULL)
        cJSON_AddItemToObject(body, "variables", cJSON_Parse(variables));
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    struct http_result res;
    http_post_graphql(graphql_url, text, &res);
    free(text);
    cr_assert_eq(res.curl_code, CURLE_OK, "%s", res.curl_error);
    cr_assert_eq(res.status, 200, "status %ld: %s", res.status, res.body);
    char *answer = strdup(res.body);
    http_result_free(&res);
    return answer;
}

static void expect_answer(const char *query, const char *variables, const char *want)
{
    char *got = ask(query, NULL, variables);
    cr_assert_str_eq(got, want, "for %s", query);
    free(got);
}

static struct gql_schema *load_schema(void)
{
    const char *path = getenv("ESO_SCHEMA_FILE");
    cr_assert_not_null(path, "ESO_SCHEMA_FILE is set by tests/support");
    struct gql_schema *schema = NULL;
    char err[GQL_ERROR_SIZE];
    cr_assert_eq(gql_schema_load(path, &schema, err, sizeof(err)), GQL_OK, "%s", err);
    return schema;
}

static void shape_problem(void *user, const char *path, const char *message)
{
    cr_log_error("%s: %s: %s", (const char *)user, path, message);
}

/* The answer's data is exactly what @p query selects: every key, no other, type-correct. */
static size_t shape_problems(const struct gql_schema *schema, const char *query,
                             const char *operation_name, const char *variables, const char *answer)
{
    cJSON *vars = variables != NULL ? cJSON_Parse(variables) : NULL;
    struct gql_request req = {.query = query,
                              .query_len = strlen(query),
                              .operation_name = operation_name,
                              .variables = vars};
    struct gql_prepared *p = NULL;
    cr_assert_eq(gql_prepare(schema, NULL, &req, &p, NULL), GQL_OK, "%s", query);
    cJSON *json = cJSON_Parse(answer);
    cr_assert_not_null(json, "not JSON: %s", answer);
    struct gql_shape_report report = {.fn = shape_problem, .user = (void *)query};
    size_t n = gql_shape_check(p, cJSON_GetObjectItem(json, "data"), &report);
    cJSON_Delete(json);
    gql_prepared_destroy(p);
    cJSON_Delete(vars);
    return n;
}

Test(graphql, aliases_typename_fragments_and_directives_get_exactly_their_selection)
{
    expect_answer("query q($withTags: Boolean!) { guildData { g: guild(id: 3468) { __typename "
                  "...Names ... on Guild { server { slug } } tags @include(if: $withTags) { id } "
                  "faction @skip(if: true) { id } } } }\n"
                  "fragment Names on Guild { n: name id }",
                  "{\"withTags\":true}",
                  "{\"data\":{\"guildData\":{\"g\":{\"__typename\":\"Guild\",\"n\":\"The Shadow "
                  "Court\",\"id\":3468,\"server\":{\"slug\":\"pc-na\"},\"tags\":[{\"id\":812},"
                  "{\"id\":813}]}}}}");
}

Test(graphql, an_argument_written_inline_is_applied)
{
    expect_answer("{ guildData { a: guild(id: 3468) { name } b: guild(id: 2290) { name } } }", NULL,
                  "{\"data\":{\"guildData\":{\"a\":{\"name\":\"The Shadow Court\"},\"b\":"
                  "{\"name\":\"Lions of Stros M'Kai\"}}}}");
}

Test(graphql, unknown_ids_answer_null_like_the_real_api)
{
    /* Keys the default world lacks (docs/world.md): past its id range, a code it never made. */
    expect_answer("{ guildData { guild(id: 2000000000) { name } } reportData { report(code: "
                  "\"zzzzzzzzzzzzzzzz\") { code } } }",
                  NULL,
                  "{\"data\":{\"guildData\":{\"guild\":null},\"reportData\":{\"report\":null}}}");
}

/*
 * A client with its own operation name and variable names gets the fixture of the field it
 * fetches; fields the fixture lacks (the examples: worldData.expansion,
 * zones[].brackets, user.guilds, characters[].server.region) are generated, type-correct,
 * and the same bytes every time.
 */
Test(graphql, own_documents_get_complete_answers)
{
    struct gql_schema *schema = load_schema();
    static const struct {
        const char *query;
        const char *variables;
    } cases[] = {
        {"query MyGuild($g: Int!) { guildData { guild(id: $g) { id name faction { name } } } }",
         "{\"g\":2290}"},
        {"query W { worldData { expansion(id: 5) { id name } zones { id name brackets { min max "
         "bucket type } } } }",
         NULL},
        {"query U($id: Int!) { userData { user(id: $id) { id name guilds { id name server { "
         "region { compactName } } } } } }",
         "{\"id\":1}"},
        {"query G { guildData { guild(id: 3468) { members(limit: 2) { data { name server { region "
         "{ slug } } } } } } }",
         NULL},
        {"query R { reportData { report(code: \"a1B2c3D4e5F6g7H8\") { code title zone { id name "
         "} fights { id name kill } } } }",
         NULL},
        {"{ a: rateLimitData { limitPerHour } b: gameData { ability(id: 123) { id name icon } } }",
         NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *first = ask(cases[i].query, NULL, cases[i].variables);
        char *again = ask(cases[i].query, NULL, cases[i].variables);
        cr_assert_null(strstr(first, "\"errors\""), "%s: %s", cases[i].query, first);
        cr_assert_eq(shape_problems(schema, cases[i].query, NULL, cases[i].variables, first), 0,
                     "%s: %s", cases[i].query, first);
        if (strstr(cases[i].query, "rateLimitData") == NULL)
            cr_assert_str_eq(first, again, "the same request, the same bytes");
        free(first);
        free(again);
    }
    /* The id of a generated object is the one it was fetched by. */
    char *answer = ask("{ worldData { expansion(id: 5) { id } } }", NULL, NULL);
    cr_assert_str_eq(answer, "{\"data\":{\"worldData\":{\"expansion\":{\"id\":5}}}}");
    free(answer);
    gql_schema_destroy(schema);
}

/*
 * The envelope chosen by operationName + variables is used only when its field key agrees
 * with the document: a getGuildById envelope for guild 3468 must not answer guild 2290.
 */
Test(graphql, an_envelope_never_answers_a_field_fetched_with_other_arguments)
{
    char *got = ask("query getGuildById($guildId: Int!) { guildData { a: guild(id: $guildId) { "
                    "name } b: guild(id: 2290) { name } } }",
                    "getGuildById", "{\"guildId\":3468}");
    cr_assert_str_eq(got, "{\"data\":{\"guildData\":{\"a\":{\"name\":\"The Shadow Court\"},\"b\":"
                          "{\"name\":\"Lions of Stros M'Kai\"}}}}");
    free(got);
}

/* rateLimitData answers from the points model in any selection, beside other fields. */
Test(graphql, rate_limit_data_comes_from_the_points_model_in_any_selection)
{
    free(ask("{ guildData { guild(id: 3468) { id } } }", NULL, NULL));
    free(ask("query getZones { worldData { zones { id } } }", "getZones", NULL));
    char *got = ask("{ guildData { guild(id: 2290) { id } } r: rateLimitData { spent: "
                    "pointsSpentThisHour limitPerHour } }",
                    NULL, NULL);
    cr_assert_str_eq(got,
                     "{\"data\":{\"guildData\":{\"guild\":{\"id\":2290}},\"r\":{\"spent\":3,"
                     "\"limitPerHour\":18000}}}",
                     "three calls of cost 1 so far");
    free(got);
}

/*
 * The same body again is answered from the request memo, except what is live: the points
 * spent grow with each identical getRateLimitData request.
 */
Test(graphql, identical_requests_get_identical_answers_but_live_data_stays_live)
{
    char *first = ask("{ guildData { guild(id: 3468) { name } } }", NULL, NULL);
    char *second = ask("{ guildData { guild(id: 3468) { name } } }", NULL, NULL);
    cr_assert_str_eq(first, second);
    free(first);
    free(second);
    for (int i = 1; i <= 3; i++) {
        /* The same guild body again, memoised, still costs its point; reading the budget,
         * named or not, costs nothing (docs/mock.md, "What a query costs"). */
        free(ask("{ guildData { guild(id: 3468) { name } } }", NULL, NULL));
        char *got = ask("query getRateLimitData { rateLimitData { pointsSpentThisHour } }",
                        "getRateLimitData", NULL);
        char want[128];
        snprintf(want, sizeof(want), "{\"data\":{\"rateLimitData\":{\"pointsSpentThisHour\":%d}}}",
                 i + 2);
        cr_assert_str_eq(got, want, "getRateLimitData, call %d", i);
        free(got);
        got = ask("{ rateLimitData { pointsSpentThisHour } }", NULL, NULL);
        cr_assert_str_eq(got, want, "the same body, call %d", i);
        free(got);
    }
}

Test(graphql, several_root_fields_and_the_anonymous_operation)
{
    expect_answer(
        "{ __typename worldData { regions { slug } } factions: gameData { factions { "
        "name } } }",
        NULL,
        "{\"data\":{\"__typename\":\"Query\",\"worldData\":{\"regions\":[{\"slug\":\"na\"},"
        "{\"slug\":\"eu\"}]},\"factions\":{\"factions\":[{\"name\":\"Aldmeri "
        "Dominion\"},{\"name\":\"Ebonheart Pact\"},{\"name\":\"Daggerfall "
        "Covenant\"}]}}}");
}

/* The errors of the issue: the wording graphql-js gives, HTTP 200, no data. */
Test(graphql, invalid_documents_get_graphql_js_errors_and_no_data)
{
    static const struct {
        const char *query;
        const char *variables;
        const char *message;
    } cases[] = {
        {"query q($guildId: Int!) { guildData { guild(id: $guildId) { nmae } } }",
         "{\"guildId\":1}",
         "Cannot query field \\\"nmae\\\" on type \\\"Guild\\\". Did you mean \\\"name\\\"?"},
        {"query q($guildId: Int!) { guildData { guild(id: $guildId) { name } } }",
         "{\"guildId\":\"3468\"}",
         "Variable \\\"$guildId\\\" got invalid value \\\"3468\\\"; Int cannot represent "
         "non-integer value: \\\"3468\\\""},
        {"query q($guildId: Int!) { guildData { guild(id: $guildId) { name } } }", "{}",
         "Variable \\\"$guildId\\\" of required type \\\"Int!\\\" was not provided."},
        {"{ guildData { guild(id: \"x\") { name } } }", NULL,
         "Int cannot represent non-integer value: \\\"x\\\""},
        {"{ guildData }", NULL,
         "Field \\\"guildData\\\" of type \\\"GuildData\\\" must have a selection of subfields. "
         "Did you mean \\\"guildData { ... }\\\"?"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = ask(cases[i].query, NULL, cases[i].variables);
        cr_assert(strstr(got, cases[i].message) != NULL, "%s: %s", cases[i].query, got);
        cr_assert(strstr(got, "\"locations\":[{\"line\":1,\"column\":") != NULL, "%s", got);
        cr_assert(strstr(got, "\"extensions\":{\"category\":\"graphql\"}") != NULL, "%s", got);
        cr_assert_null(strstr(got, "\"data\""), "%s", got);
        free(got);
    }
}

Test(graphql, mutation_and_subscription_get_graphql_js_answer)
{
    expect_answer("mutation m { x }", NULL,
                  "{\"errors\":[{\"message\":\"Schema is not configured to execute mutation "
                  "operation.\",\"locations\":[{\"line\":1,\"column\":1}],\"extensions\":{"
                  "\"category\":\"graphql\"}}],\"data\":null}");
    expect_answer("subscription s { x }", NULL,
                  "{\"errors\":[{\"message\":\"Schema is not configured to execute subscription "
                  "operation.\",\"locations\":[{\"line\":1,\"column\":1}],\"extensions\":{"
                  "\"category\":\"graphql\"}}],\"data\":null}");
}

/* graphql-js's getIntrospectionQuery(), as GraphiQL, codegen and Apollo send it. */
static const char introspection_query[] =
    "query IntrospectionQuery { __schema { queryType { name } mutationType { name } "
    "subscriptionType { name } types { ...FullType } directives { name description locations "
    "args { ...InputValue } } } }\n"
    "fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name "
    "description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } "
    "inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) "
    "{ name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }\n"
    "fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }\n"
    "fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind "
    "name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } "
    "} }";

Test(graphql, the_introspection_query_is_answered_from_the_schema)
{
    struct gql_schema *schema = load_schema();
    char *got = ask(introspection_query, "IntrospectionQuery", NULL);
    cr_assert_null(strstr(got, "\"errors\""), "%.300s", got);
    cr_assert_eq(shape_problems(schema, introspection_query, "IntrospectionQuery", NULL, got), 0);
    cJSON *json = cJSON_Parse(got);
    cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(json, "data"), "__schema");
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "queryType"), "name")->valuestring,
                     "Query");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(s, "mutationType")));
    cr_assert_eq((size_t)cJSON_GetArraySize(cJSON_GetObjectItem(s, "types")),
                 gql_schema_type_count(schema));
    cJSON_Delete(json);
    free(got);
    gql_schema_destroy(schema);
}

/* The journal, its file and GET /__admin/requests record the fields each request fetched. */
Test(graphql, the_journal_records_the_fields_fetched_with_their_arguments)
{
    free(ask("query mine($c: String!) { reportData { report(code: $c) { code } } rateLimitData { "
             "limitPerHour } guildData { guild(id: 3468) { id } } }",
             NULL, "{\"c\":\"a1B2c3D4e5F6g7H8\"}"));
    free(ask("{ nmae }", NULL, NULL));
    struct esomock_journal_entry *entries = completed_journal(srv, 2);
    cr_assert_str_eq(entries[0].operation, "mine");
    cr_assert_str_eq(entries[0].fields,
                     "[{\"field\":\"reportData.report\",\"arguments\":{\"code\":"
                     "\"a1B2c3D4e5F6g7H8\"}},{\"field\":\"rateLimitData\",\"arguments\":{}},"
                     "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":3468}}]");
    cr_assert_str_eq(entries[1].fields, "", "an invalid document fetches nothing");
    cr_assert_str_eq(entries[1].action, "error");
    free(entries);

    cJSON *json = admin_journal_json(srv);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "requests"), 0);
    cJSON *fields = cJSON_GetObjectItem(first, "fields");
    cr_assert_eq(cJSON_GetArraySize(fields), 3);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 2), "field")->valuestring,
                     "guildData.guild");
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(
        cJSON_GetArrayItem(cJSON_GetObjectItem(json, "requests"), 1), "fields")));
    cJSON_Delete(json);
}

/*
 * The conformance corpus's ESO Logs cases, replayed through eso-mock over HTTP: an invalid
 * document gets exactly the engine's errors (the engine's are graphql-js's, ci/conformance);
 * a valid one gets data of exactly its selection (no key missing or extra, type-correct).
 */
Test(graphql, the_conformance_corpus_through_http)
{
    /* The engine's answers, compared with the engine run directly: no world's arguments. */
    esomock_server_stop(srv);
    start_with(&(struct esomock_options){.world_file = "none"});
    const char *root = getenv("ESO_SOURCE_ROOT");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/conformance/corpus.json", root);
    char *text = read_text_file(path);
    cr_assert_not_null(text, "%s", path);
    cJSON *corpus = cJSON_Parse(text);
    free(text);
    struct gql_schema *schema = load_schema();
    size_t valid = 0, invalid = 0, refused_count = 0;
    cJSON *c;
    cJSON_ArrayForEach(c, corpus)
    {
        if (cJSON_GetObjectItem(c, "schema") != NULL || cJSON_GetObjectItem(c, "root") != NULL)
            continue; /* the test schema, or data of its own: not eso-mock's */
        const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
        cJSON *file = cJSON_GetObjectItem(c, "file");
        char *query;
        if (file != NULL) {
            snprintf(path, sizeof(path), "%s/%s", root, file->valuestring);
            query = read_text_file(path);
        } else {
            query = strdup(cJSON_GetObjectItem(c, "query")->valuestring);
        }
        cr_assert_not_null(query, "%s", name);
        cJSON *op = cJSON_GetObjectItem(c, "operationName");
        cJSON *vars = cJSON_GetObjectItem(c, "variables");
        char *vars_text = vars != NULL ? cJSON_PrintUnformatted(vars) : NULL;
        char *got = ask(query, cJSON_IsString(op) ? op->valuestring : NULL, vars_text);

        struct gql_request req = {.query = query,
                                  .query_len = strlen(query),
                                  .operation_name = cJSON_IsString(op) ? op->valuestring : NULL,
                                  .variables = vars};
        struct gql_prepared *p = NULL;
        struct gql_buf errors;
        gql_buf_init(&errors, 0);
        enum gql_status rc = gql_prepare(schema, NULL, &req, &p, &errors);
        if (rc == GQL_ERRORS) {
            cr_assert_str_eq(got, errors.data, "%s", name);
            invalid++;
        } else {
            cr_assert_eq(rc, GQL_OK, "%s", name);
            struct gql_buf direct;
            gql_buf_init(&direct, 0);
            cr_assert_eq(gql_execute(p, NULL, &direct), GQL_OK);
            /* A valid document past the complexity limit is refused before it runs
             * (docs/mock.md, "What a query costs"): the engine never sees it. */
            static const char too_complex[] =
                "{\"errors\":[{\"message\":\"Max query complexity should be 50000 but got ";
            bool refused = strncmp(got, too_complex, sizeof(too_complex) - 1) == 0;
            /* Execution errors (a mutation, a failed field) only where the engine has them. */
            cr_assert(refused || (strncmp(got, "{\"errors\"", 9) == 0) ==
                                     (strncmp(direct.data, "{\"errors\"", 9) == 0),
                      "%s: %s", name, got);
            refused_count += refused;
            if (strncmp(got, "{\"errors\"", 9) != 0)
                cr_assert_eq(shape_problems(schema, query, req.operation_name, vars_text, got), 0,
                             "%s: %s", name, got);
            gql_buf_finish(&direct);
            valid++;
        }
        gql_prepared_destroy(p);
        gql_buf_finish(&errors);
        free(got);
        free(vars_text);
        free(query);
    }
    /* (counts: ci/conformance reports the corpus; here only the floor is asserted) */
    cr_assert_geq(valid, 100);
    cr_assert_geq(invalid, 60);
    cr_assert_lt(refused_count, 10, "only the corpus's absurd limits are refused: %zu",
                 refused_count);
    cJSON_Delete(corpus);
    gql_schema_destroy(schema);
}

/* ---- a fixture directory of one's own ----------------------------------------------------- */

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", fixture_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void own_fixtures(bool strict)
{
    snprintf(fixture_dir, sizeof(fixture_dir), "/tmp/esomock-gql-XXXXXX");
    cr_assert_not_null(mkdtemp(fixture_dir));
    put("guild5.json", "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":5},"
                       "\"response\":{\"data\":{\"guildData\":{\"guild\":{\"id\":5,\"name\":"
                       "\"Five\"}}}}}");
    put("canned.json", "{\"operation\":\"getBroken\",\"status\":502,\"headers\":{\"X-Why\":\"no\"},"
                       "\"response\":{\"errors\":[{\"message\":\"upstream\"}],\"data\":null}}");
    put("env.json",
        "{\"operation\":\"getOld\",\"variables\":{\"id\":6},"
        "\"response\":{\"data\":{\"guildData\":{\"guild\":{\"id\":6,\"name\":\"Six\"}}}}}");
    start_with(&(struct esomock_options){.fixtures_dir = fixture_dir, .strict_fixtures = strict});
}

Test(graphql_own, a_fixture_keyed_by_field_answers_any_operation)
{
    own_fixtures(false);
    expect_answer("query whatever($x: Int) { guildData { guild(id: $x) { name } } }", "{\"x\":5}",
                  "{\"data\":{\"guildData\":{\"guild\":{\"name\":\"Five\"}}}}");
    /* An envelope without a field key still answers by operationName and variables. */
    char *got = ask("query getOld($id: Int!) { guildData { guild(id: $id) { id name } } }",
                    "getOld", "{\"id\":6}");
    cr_assert_str_eq(got, "{\"data\":{\"guildData\":{\"guild\":{\"id\":6,\"name\":\"Six\"}}}}");
    free(got);
}

/* A canned answer (errors, no data) is sent as is, with its status and headers. */
Test(graphql_own, a_canned_error_envelope_is_sent_as_is)
{
    own_fixtures(false);
    struct http_result res;
    http_post_graphql(graphql_url,
                      "{\"query\":\"query getBroken { rateLimitData { limitPerHour } }\"}", &res);
    cr_assert_eq(res.status, 502);
    cr_assert_str_eq(res.body, "{\"errors\":[{\"message\":\"upstream\"}],\"data\":null}");
    char why[16] = "";
    cr_assert_eq(http_result_header(&res, "X-Why", why, sizeof(why)), 0);
    cr_assert_str_eq(why, "no");
    http_result_free(&res);
}

/* --strict-fixtures: a selected field the fixture lacks is an error naming it and the path. */
Test(graphql_own, strict_fixtures_name_the_fixture_and_the_path)
{
    own_fixtures(true);
    expect_answer("{ guildData { guild(id: 5) { name description } } }", NULL,
                  "{\"errors\":[{\"message\":\"No value for \\\"guildData.guild.description\\\" in "
                  "fixture guild5 (strict fixtures: eso-mock generates no missing values).\","
                  "\"locations\":[{\"line\":1,\"column\":35}],\"path\":[\"guildData\",\"guild\","
                  "\"description\"],\"extensions\":{\"category\":\"graphql\"}}],\"data\":{"
                  "\"guildData\":{\"guild\":null}}}");
    char *got = ask("{ guildData { guild(id: 7) { name } } }", NULL, NULL);
    cr_assert(strstr(got, "No value for \\\"guildData.guild\\\" in no fixture (none answers "
                          "guildData.guild with {\\\"id\\\":7})") != NULL,
              "%s", got);
    free(got);
}

/* Without the request memo (--request-cache 0) every request is parsed and executed. */
Test(graphql_own, answers_are_the_same_without_the_request_memo)
{
    start_with(&(struct esomock_options){.request_cache = -1});
    for (int i = 0; i < 2; i++) {
        expect_answer("{ guildData { a: guild(id: 3468) { name } } }", NULL,
                      "{\"data\":{\"guildData\":{\"a\":{\"name\":\"The Shadow Court\"}}}}");
        char *got = ask("{ guildData { guild(id: 3468) { nmae } } }", NULL, NULL);
        cr_assert(strstr(got, "Did you mean \\\"name\\\"?") != NULL, "%s", got);
        free(got);
    }
}

/* Without strict fixtures the same fields are generated. */
Test(graphql_own, fields_no_fixture_gives_are_generated_by_default)
{
    own_fixtures(false);
    char *got = ask("{ guildData { guild(id: 5) { name description } } }", NULL, NULL);
    static const char want[] =
        "{\"data\":{\"guildData\":{\"guild\":{\"name\":\"Five\",\"description\":\"";
    cr_assert(strncmp(got, want, sizeof(want) - 1) == 0, "%s", got);
    free(got);
}
