/*
 * gql: unit tests of the GraphQL engine (mock_server/gql): the schema loader,
 * prepare's error answers and root fields, execution (aliases, __typename,
 * generation, strict mode, resolvers with handles and errors, null
 * propagation, numbers), the cache and the buffer's limit.
 * (Wording against graphql-js is proven by tests/conformance.)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "gql.h"
#include "gql_test_util.h"

static struct gql_schema *eso;

const struct gql_schema *eso_schema(void)
{
    char err[GQL_ERROR_SIZE];
    const char *path = getenv("ESO_SCHEMA_FILE");

    if (eso != NULL)
        return eso;
    if (path == NULL)
        cr_skip_test("ESO_SCHEMA_FILE is not set");
    cr_assert_eq(gql_schema_load(path, &eso, err, sizeof(err)), GQL_OK, "%s", err);
    return eso;
}

char *run_query(const struct gql_schema *schema, const char *query, const char *variables,
                const struct gql_exec_options *options, bool *prepared_ok)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    cJSON *vars = variables != NULL ? cJSON_Parse(variables) : NULL;
    enum gql_status rc;
    char *answer;

    req.query = query;
    req.query_len = strlen(query);
    req.variables = vars;
    gql_buf_init(&out, 0);
    rc = gql_prepare(schema, NULL, &req, &p, &out);
    *prepared_ok = rc == GQL_OK;
    if (rc == GQL_OK)
        rc = gql_execute(p, options, &out);
    cr_assert(rc == GQL_OK || rc == GQL_ERRORS, "status %s", gql_strerror(rc));
    answer = strdup(out.data != NULL ? out.data : "");
    gql_buf_finish(&out);
    gql_prepared_destroy(p);
    cJSON_Delete(vars);
    return answer;
}

static void expect_answer(const char *query, const char *variables, const char *want)
{
    bool ok;
    char *got = run_query(eso_schema(), query, variables, NULL, &ok);

    cr_expect_str_eq(got, want, "query %s", query);
    free(got);
}

Test(schema, eso_loads_with_its_quirks)
{
    const struct gql_schema *s = eso_schema();
    const struct gql_type *gp = gql_schema_type(s, "GuildPagination");
    const struct gql_type *gd = gql_schema_type(s, "GameData");
    const struct gql_field *abilities = gql_type_field(gd, "abilities");
    char buf[64];

    cr_assert_not_null(gp, "GuildPagination is declared twice; the first one stays");
    cr_assert_eq(gql_type_field_count(gp), 8);
    cr_assert_str_eq(gql_type_name(gql_schema_query_type(s)), "Query");
    cr_assert_not_null(gql_field_comment(abilities));
    cr_assert(strstr(gql_field_comment(abilities), "The maximum allowed value is 100") != NULL,
              "the limit bounds stay readable: %s", gql_field_comment(abilities));
    cr_assert_null(gql_field_description(abilities), "'#' comments are no descriptions");
    cr_assert_str_eq(gql_type_ref_print(gql_field_type(abilities), buf, sizeof(buf)),
                     "GameAbilityPagination");
    cr_assert_eq(gql_field_arg_count(abilities), 2);
    cr_assert_str_eq(gql_input_value_name(gql_field_arg(abilities, "limit")), "limit");
    /* The dump redeclares the standard scalars and introspection types: the built-ins stay. */
    cr_assert_not_null(gql_type_description(gql_schema_type(s, "Int")));
    cr_assert_eq(gql_type_kind(gql_schema_type(s, "__Type")), GQL_OBJECT);
    cr_assert_not_null(gql_type_field(gql_schema_type(s, "__Type"), "specifiedByURL"));
}

Test(schema, sdl_errors_have_positions)
{
    struct gql_schema *s = NULL;
    char err[GQL_ERROR_SIZE];

    cr_assert_eq(gql_schema_parse("type Query { a: Nope }", 22, &s, err, sizeof(err)), GQL_INVALID);
    cr_assert_str_eq(err, "1:17: Unknown type \"Nope\".");
    cr_assert_eq(gql_schema_parse("type Query {", 12, &s, err, sizeof(err)), GQL_SYNTAX);
    cr_assert_str_eq(err, "1:13: Syntax Error: Expected Name, found <EOF>.");
    cr_assert_null(s);
}

Test(prepare, errors_answer_has_no_data)
{
    bool ok;
    char *got = run_query(eso_schema(), "{ guildData { guild(id: 1) { nmae } } }", NULL, NULL, &ok);

    cr_assert(!ok);
    cr_assert_str_eq(got, "{\"errors\":[{\"message\":\"Cannot query field \\\"nmae\\\" on type "
                          "\\\"Guild\\\". Did you mean \\\"name\\\"?\",\"locations\":[{\"line\":1,"
                          "\"column\":30}],\"extensions\":{\"category\":\"graphql\"}}]}");
    free(got);
    got = run_query(eso_schema(),
                    "query q($guildId: Int!) { guildData { guild(id: $guildId) { id } } }",
                    "{\"guildId\": \"3468\"}", NULL, &ok);
    cr_assert(!ok);
    cr_assert(strstr(got, "Variable \\\"$guildId\\\" got invalid value \\\"3468\\\"; Int cannot "
                          "represent non-integer value: \\\"3468\\\"") != NULL,
              "%s", got);
    cr_assert_null(strstr(got, "\"data\""), "%s", got);
    free(got);
}

Test(prepare, root_fields_with_coerced_arguments)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    const char *q = "query x($id: Int!) { rateLimitData { limitPerHour } "
                    "guildData { a: guild(id: $id) { id } b: guild(id: 7) { id } } "
                    "gameData { abilities @skip(if: true) { total } } __typename }";
    cJSON *vars = cJSON_Parse("{\"id\": 3468}");
    struct gql_buf vb;

    req.query = q;
    req.query_len = strlen(q);
    req.variables = vars;
    cr_assert_eq(gql_prepare(eso_schema(), NULL, &req, &p, NULL), GQL_OK);
    cr_assert_str_eq(gql_prepared_operation_name(p), "x");
    cr_assert_eq(gql_prepared_root_field_count(p), 5, "%zu", gql_prepared_root_field_count(p));
    cr_assert_str_eq(gql_prepared_root_field_path(p, 0), "rateLimitData");
    cr_assert_str_eq(gql_prepared_root_field_path(p, 1), "guildData.guild");
    cr_assert_eq(gql_value_int(gql_value_get(gql_prepared_root_field_args(p, 1), "id")), 3468);
    cr_assert_str_eq(gql_prepared_root_field_path(p, 2), "guildData.guild");
    cr_assert_eq(gql_value_int(gql_value_get(gql_prepared_root_field_args(p, 2), "id")), 7);
    cr_assert_str_eq(gql_prepared_root_field_path(p, 3), "gameData");
    cr_assert_str_eq(gql_prepared_root_field_path(p, 4), "__typename");
    gql_buf_init(&vb, 0);
    gql_value_write_json(gql_prepared_variables(p), &vb);
    cr_assert_str_eq(vb.data, "{\"id\":3468}");
    gql_buf_finish(&vb);
    gql_prepared_destroy(p);
    cJSON_Delete(vars);
}

Test(execute, aliases_typename_and_generated_ids)
{
    expect_answer("{ guildData { g: guild(id: 3468) { __typename id i: id } } }", NULL,
                  "{\"data\":{\"guildData\":{\"g\":{\"__typename\":\"Guild\",\"id\":3468,"
                  "\"i\":3468}}}}");
    expect_answer("query r($c: String!) { reportData { report(code: $c) { code } } }",
                  "{\"c\": \"aBc1\"}",
                  "{\"data\":{\"reportData\":{\"report\":{\"code\":\"aBc1\"}}}}");
}

Test(execute, generation_is_deterministic_and_seeded)
{
    const char *q = "{ worldData { zones { id name brackets { min max bucket type } } } }";
    struct gql_exec_options o1 = {0};
    struct gql_exec_options o2 = {0};
    bool ok;
    char *a;
    char *b;
    char *c;

    o2.seed = 99;
    a = run_query(eso_schema(), q, NULL, &o1, &ok);
    b = run_query(eso_schema(), q, NULL, &o1, &ok);
    c = run_query(eso_schema(), q, NULL, &o2, &ok);
    cr_assert_str_eq(a, b, "the same request gives the same bytes");
    cr_assert_str_neq(a, c, "another seed gives other values");
    free(a);
    free(b);
    free(c);
}

Test(execute, json_root_and_strict_mode)
{
    cJSON *root = cJSON_Parse("{\"rateLimitData\": {\"limitPerHour\": 18000}}");
    struct gql_exec_options o = {0};
    bool ok;
    char *got;

    o.root.kind = GQL_SOURCE_JSON;
    o.root.json = root;
    o.root.origin = "fixture getRateLimitData.json";
    got =
        run_query(eso_schema(), "{ rateLimitData { limitPerHour pointsResetIn } }", NULL, &o, &ok);
    cr_assert(strstr(got, "\"limitPerHour\":18000") != NULL, "%s", got);
    cr_assert(strstr(got, "\"pointsResetIn\":") != NULL, "a generated value: %s", got);
    free(got);
    o.strict = true;
    got =
        run_query(eso_schema(), "{ rateLimitData { limitPerHour pointsResetIn } }", NULL, &o, &ok);
    cr_assert_str_eq(got,
                     "{\"errors\":[{\"message\":\"No value for \\\"rateLimitData.pointsResetIn\\\" "
                     "in fixture getRateLimitData.json (strict fixtures: eso-mock generates "
                     "no missing values).\",\"locations\":[{\"line\":1,\"column\":32}],\"path\":"
                     "[\"rateLimitData\",\"pointsResetIn\"],\"extensions\":{\"category\":"
                     "\"graphql\"}}],\"data\":{\"rateLimitData\":null}}");
    free(got);
    cJSON_Delete(root);
}

/* A resolver with its own handles: every guild is a number, members a list of them. */
static void world_resolve(void *user, const struct gql_source *parent,
                          const struct gql_field_info *info, struct gql_source *out)
{
    (void)user;
    if (strcmp(info->field_name, "guild") == 0) {
        int64_t id = gql_value_int(gql_value_get(info->args, "id"));

        if (id == 404) {
            out->kind = GQL_SOURCE_NULL;
        } else if (id <= 0) {
            out->kind = GQL_SOURCE_ERROR;
            out->s = "id argument must be positive";
            out->category = "user";
        } else {
            out->kind = GQL_SOURCE_HANDLE;
            out->handle = (void *)(intptr_t)id;
        }
        return;
    }
    if (parent->kind == GQL_SOURCE_HANDLE && strcmp(info->field_name, "id") == 0) {
        out->kind = GQL_SOURCE_INT;
        out->i = (int64_t)(intptr_t)parent->handle;
        return;
    }
    if (parent->kind == GQL_SOURCE_HANDLE && strcmp(info->field_name, "tags") == 0) {
        out->kind = GQL_SOURCE_LIST;
        out->handle = parent->handle;
        out->count = 2;
        return;
    }
    gql_resolve_default(user, parent, info, out);
}

static void world_item(void *user, const struct gql_source *list, size_t index,
                       const struct gql_field_info *info, struct gql_source *out)
{
    (void)user;
    (void)index;
    (void)info;
    out->kind = GQL_SOURCE_HANDLE; /* a GuildTag: its id comes from the handle too */
    out->handle = list->handle;
}

Test(execute, resolver_handles_lists_nulls_and_errors)
{
    struct gql_resolver r = {world_resolve, world_item, NULL};
    struct gql_exec_options o = {0};
    bool ok;
    char *got;

    o.resolver = &r;
    got = run_query(eso_schema(),
                    "{ guildData { a: guild(id: 5) { id tags { id } } b: guild(id: 404) { id } "
                    "c: guild(id: -1) { id } } }",
                    NULL, &o, &ok);
    cr_assert(strstr(got, "\"a\":{\"id\":5,\"tags\":[{\"id\":5},{\"id\":5}]}") != NULL, "%s", got);
    cr_assert(strstr(got, "\"b\":null,\"c\":null") != NULL, "%s", got);
    cr_assert(strstr(got,
                     "{\"message\":\"id argument must be positive\",\"locations\":[{\"line\":1,"
                     "\"column\":75}],\"path\":[\"guildData\",\"c\"],\"extensions\":"
                     "{\"category\":\"user\"}}") != NULL,
              "%s", got);
    cr_assert(strncmp(got, "{\"errors\":", 10) == 0, "errors come first, as graphql-js: %s", got);
    free(got);
}

Test(execute, numbers_as_json_stringify)
{
    cJSON *root = cJSON_Parse("{\"reportData\": {\"reports\": {\"total\": 3, \"data\": []}},"
                              "\"rateLimitData\": {\"limitPerHour\": 1, \"pointsSpentThisHour\": "
                              "0.1, \"pointsResetIn\": 2}}");
    struct gql_exec_options o = {0};
    struct gql_buf b;
    bool ok;
    char *got;

    o.root.kind = GQL_SOURCE_JSON;
    o.root.json = root;
    got = run_query(eso_schema(), "{ rateLimitData { pointsSpentThisHour } }", NULL, &o, &ok);
    cr_assert_str_eq(got, "{\"data\":{\"rateLimitData\":{\"pointsSpentThisHour\":0.1}}}");
    free(got);
    cJSON_Delete(root);
    gql_buf_init(&b, 0);
    gql_buf_json_number(&b, 1e21);
    gql_buf_puts(&b, " ");
    gql_buf_json_number(&b, 123456789012.5);
    gql_buf_puts(&b, " ");
    gql_buf_json_number(&b, 1e-7);
    gql_buf_puts(&b, " ");
    gql_buf_json_number(&b, -0.0);
    gql_buf_puts(&b, " ");
    gql_buf_json_number(&b, 0.000001);
    cr_assert_str_eq(b.data, "1e+21 123456789012.5 1e-7 0 0.000001");
    gql_buf_finish(&b);
}

/* Number#toString as JavaScript writes it (values checked against node's String(x)). */
Test(buffer, numbers_as_javascript_writes_them)
{
    static const struct {
        double value;
        const char *js;
    } cases[] = {
        {0.05, "0.05"},
        {0.3, "0.3"},
        {-0.1, "-0.1"},
        {1.5, "1.5"},
        {123.456, "123.456"},
        {1e-5, "0.00001"},
        {1.5e-7, "1.5e-7"},
        {0.12345678, "0.12345678"},
        {0.123456789, "0.123456789"},
        {999999999999999.0, "999999999999999"},
        {99999999999999.9, "99999999999999.9"},
        {1e15, "1000000000000000"},
        {9007199254740993.0, "9007199254740992"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {5e-324, "5e-324"},
        {-4.6602437438358e-310, "-4.6602437438358e-310"},
        {1730505600123.0, "1730505600123"},
        {2417.75, "2417.75"},
        {0.1 + 0.2, "0.30000000000000004"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct gql_buf b;

        gql_buf_init(&b, 0);
        gql_buf_json_number(&b, cases[i].value);
        cr_assert_str_eq(b.data, cases[i].js, "%.17g", cases[i].value);
        gql_buf_finish(&b);
    }
}

/* Shortest round trip on random decimals of 1 to 15 digits: the fast path and the slow agree. */
Test(buffer, numbers_are_the_shortest_that_read_back)
{
    uint64_t x = 88172645463325252ull;

    for (int i = 0; i < 20000; i++) {
        struct gql_buf b;
        double v;
        char shortest[40];
        int digits = 0;
        char *end;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v = (double)(x % 1000000000000ull) / (double)(1ull << (x % 5)) / (i % 2 ? 1000.0 : 7.0) *
            (i % 3 ? 1 : -1);
        gql_buf_init(&b, 0);
        gql_buf_json_number(&b, v);
        cr_assert_eq(strtod(b.data, &end), v, "%s reads back as %.17g", b.data, v);
        {
            /* Significant digits: no sign, point, leading or trailing zeros. */
            char sig[40];
            size_t n = 0;

            for (const char *c = b.data; *c != '\0' && *c != 'e'; c++)
                if ((*c >= '1' && *c <= '9') || (*c == '0' && n > 0))
                    sig[n++] = *c;
            while (n > 0 && sig[n - 1] == '0')
                n--;
            digits = (int)n;
        }
        for (int p = 1; p <= 17; p++) {
            snprintf(shortest, sizeof(shortest), "%.*e", p - 1, v);
            if (strtod(shortest, NULL) == v) {
                cr_assert_leq(digits, p, "%s for %.17g: %d digits, %d would do", b.data, v, digits,
                              p);
                break;
            }
        }
        gql_buf_finish(&b);
    }
}

Test(execute, unsupported_operation_type)
{
    expect_answer("mutation { x }", NULL,
                  "{\"errors\":[{\"message\":\"Schema is not configured to execute mutation "
                  "operation.\",\"locations\":[{\"line\":1,\"column\":1}],\"extensions\":"
                  "{\"category\":\"graphql\"}}],\"data\":null}");
}

Test(execute, answer_limit_is_too_big)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    const char *q = "{ __schema { types { name fields { name } } } }";

    req.query = q;
    req.query_len = strlen(q);
    cr_assert_eq(gql_prepare(eso_schema(), NULL, &req, &p, NULL), GQL_OK);
    gql_buf_init(&out, 1024);
    cr_assert_eq(gql_execute(p, NULL, &out), GQL_TOO_BIG);
    cr_assert(out.len <= 1024);
    gql_buf_finish(&out);
    gql_prepared_destroy(p);
}

Test(buffer, json_strings_are_valid_utf8)
{
    struct gql_buf b;

    gql_buf_init(&b, 0);
    gql_buf_json_string(&b, "a\"\\\n\x01\xC3\xA9\xFF\xE2\x82", 10);
    cr_assert_str_eq(b.data, "\"a\\\"\\\\\\n\\u0001\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    gql_buf_finish(&b);
}

struct cache_job {
    struct gql_cache *cache;
    int rounds;
    int failures;
};

static void *cache_worker(void *arg)
{
    struct cache_job *job = arg;
    int i;

    for (i = 0; i < job->rounds; i++) {
        struct gql_request req = {0};
        struct gql_prepared *p = NULL;
        char q[128];

        /* Each document twice in a row (a hit even when threads run one after another, as
         * under valgrind), 7 documents for 4 places (evictions). */
        snprintf(q, sizeof(q), "{ rateLimitData { limitPerHour a%d: pointsResetIn } }",
                 (i / 2) % 7);
        req.query = q;
        req.query_len = strlen(q);
        if (gql_prepare(eso_schema(), job->cache, &req, &p, NULL) != GQL_OK)
            job->failures++;
        gql_prepared_destroy(p);
    }
    return NULL;
}

Test(cache, bounded_and_shared_by_threads)
{
    struct gql_cache *cache = gql_cache_create(4, 0);
    struct cache_job jobs[4];
    pthread_t threads[4];
    struct gql_cache_stats st;
    int i;

    cr_assert_not_null(cache);
    eso_schema();
    for (i = 0; i < 4; i++) {
        jobs[i].cache = cache;
        jobs[i].rounds = 200;
        jobs[i].failures = 0;
        cr_assert_eq(pthread_create(&threads[i], NULL, cache_worker, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(jobs[i].failures, 0);
    }
    gql_cache_stats(cache, &st);
    cr_assert_eq(st.hits + st.misses, 800);
    cr_assert(st.entries <= 4, "at most 4 entries, got %zu", st.entries);
    cr_assert(st.evictions > 0, "7 documents in 4 places evict");
    cr_assert(st.hits > 0);
    gql_cache_destroy(cache);
    gql_cache_destroy(NULL);
}
