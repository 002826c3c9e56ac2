/* Loading fixture sets: good sets, and every way a bad one is refused with a clear message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "fixtures_private.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/esomock-fixtures-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp");
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

TestSuite(fixtures_load, .init = make_dir, .fini = remove_dir);

static struct esomock_fixture_set *load_ok(void)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_fixture_set *set = NULL;
    enum esomock_status rc = esomock__fixtures_load(dir, &set, err);
    cr_assert_eq(rc, ESOMOCK_OK, "load failed: %s", err);
    return set;
}

static void load_fails(enum esomock_status want, const char *needle1, const char *needle2)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_fixture_set *set = NULL;
    enum esomock_status rc = esomock__fixtures_load(dir, &set, err);
    cr_assert_eq(rc, want, "got %s (%s)", esomock_strerror(rc), err);
    cr_assert_null(set, "nothing is returned on failure");
    cr_assert(strstr(err, needle1) != NULL, "'%s' not in: %s", needle1, err);
    cr_assert(needle2 == NULL || strstr(err, needle2) != NULL, "'%s' not in: %s", needle2, err);
}

Test(fixtures_load, selects_by_variables_subset_with_most_keys)
{
    put("op.json", "{\"operation\":\"op\",\"response\":{\"data\":{\"v\":\"default\"}}}");
    put("op.a.json", "{\"operation\":\"op\",\"variables\":{\"id\":1},\"response\":{\"v\":\"a\"}}");
    put("op.ab.json",
        "{\"operation\":\"op\",\"variables\":{\"id\":1,\"page\":2},\"response\":{\"v\":\"ab\"}}");
    put("other.json", "{\"operation\":\"other\",\"status\":201,\"headers\":{\"X-A\":\"b\"},"
                      "\"response\":{}}");
    put("notes.txt", "ignored: not a .json file");
    struct esomock_fixture_set *set = load_ok();
    cr_assert_eq(set->count, 4);

    cJSON *vars = cJSON_Parse("{\"id\":1,\"page\":2,\"extra\":true}");
    const struct esomock_fixture *fx = esomock__fixtures_match(set, "op", vars);
    cr_assert_str_eq(fx->name, "op.ab");
    cJSON_Delete(vars);

    vars = cJSON_Parse("{\"id\":1.0}");
    fx = esomock__fixtures_match(set, "op", vars);
    cr_assert_str_eq(fx->name, "op.a", "1.0 equals 1 as JSON numbers");
    cJSON_Delete(vars);

    vars = cJSON_Parse("{\"id\":\"1\"}");
    fx = esomock__fixtures_match(set, "op", vars);
    cr_assert_str_eq(fx->name, "op", "a string is not the number 1: default answer");
    cJSON_Delete(vars);

    fx = esomock__fixtures_match(set, "op", NULL);
    cr_assert_str_eq(fx->name, "op");
    cr_assert_str_eq(fx->body, "{\"data\":{\"v\":\"default\"}}");

    fx = esomock__fixtures_match(set, "other", NULL);
    cr_assert_eq(fx->status, 201);
    cr_assert_str_eq(cJSON_GetObjectItem(fx->headers, "X-A")->valuestring, "b");

    cr_assert_null(esomock__fixtures_match(set, "missing", NULL));
    cr_assert_not_null(esomock__fixtures_by_name(set, "op.ab"));
    cr_assert_null(esomock__fixtures_by_name(set, "op.zz"));
    cr_assert(esomock__fixtures_has_operation(set, "other"));
    cr_assert(!esomock__fixtures_has_operation(set, "nope"));
    esomock__fixtures_free(set);
}

Test(fixtures_load, variant_without_default_answers_only_its_variables)
{
    put("op.a.json", "{\"operation\":\"op\",\"variables\":{\"id\":1},\"response\":{}}");
    struct esomock_fixture_set *set = load_ok();
    cJSON *vars = cJSON_Parse("{\"id\":2}");
    cr_assert_null(esomock__fixtures_match(set, "op", vars));
    cJSON_Delete(vars);
    esomock__fixtures_free(set);
}

Test(fixtures_load, empty_directory_is_an_empty_set)
{
    struct esomock_fixture_set *set = load_ok();
    cr_assert_eq(set->count, 0);
    esomock__fixtures_free(set);
}

Test(fixtures_load, invalid_json_names_file_and_position)
{
    put("good.json", "{\"operation\":\"good\",\"response\":{}}");
    put("bad.json", "{\n  \"operation\": \"bad\",\n  \"response\": {,}\n}\n");
    load_fails(ESOMOCK_FIXTURE_INVALID, "bad.json", "line 3");
}

Test(fixtures_load, trailing_garbage_is_invalid)
{
    put("bad.json", "{\"operation\":\"x\",\"response\":{}} extra");
    load_fails(ESOMOCK_FIXTURE_INVALID, "bad.json", "invalid JSON");
}

Test(fixtures_load, shape_errors_name_the_json_path)
{
    put("a.json", "[1,2]");
    load_fails(ESOMOCK_FIXTURE_INVALID, "a.json", "$: expected an object");
}

Test(fixtures_load, missing_operation)
{
    put("a.json", "{\"response\":{}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.operation", "non-empty string");
}

Test(fixtures_load, missing_response)
{
    put("a.json", "{\"operation\":\"a\"}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.response", "missing");
}

Test(fixtures_load, unknown_key)
{
    put("a.json", "{\"operation\":\"a\",\"respones\":{},\"response\":{}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.respones", "unknown key");
}

Test(fixtures_load, wrong_types)
{
    put("a.json", "{\"operation\":\"a\",\"variables\":[1],\"response\":{}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.variables", "expected an object");
}

Test(fixtures_load, bad_status)
{
    put("a.json", "{\"operation\":\"a\",\"status\":99,\"response\":{}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.status", "100-599");
}

Test(fixtures_load, non_string_header)
{
    put("a.json", "{\"operation\":\"a\",\"headers\":{\"X\":1},\"response\":{}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.headers.X", "string");
}

Test(fixtures_load, ambiguous_fixtures_are_refused)
{
    put("a.json", "{\"operation\":\"a\",\"variables\":{\"id\":1},\"response\":{}}");
    put("a.again.json", "{\"operation\":\"a\",\"variables\":{\"id\":1},\"response\":{}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "both answer a", "a.again.json");
}

Test(fixtures_load, missing_directory)
{
    char err[ESOMOCK_ERROR_SIZE] = "";
    struct esomock_fixture_set *set = NULL;
    cr_assert_eq(esomock__fixtures_load("/nonexistent/fixtures", &set, err), ESOMOCK_IO);
    cr_assert(strstr(err, "/nonexistent/fixtures") != NULL, "%s", err);
}

Test(fixtures_load, oversized_file_is_refused)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/big.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, (long)ESOMOCK_FIXTURE_MAX_BYTES + 1, SEEK_SET), 0);
    fputc(' ', f);
    fclose(f);
    load_fails(ESOMOCK_IO, "big.json", "over the limit");
}

/* ---- field keys -------------------------------------------------------------------------- */

static struct gql_schema *schema(void)
{
    const char *path = getenv("ESO_SCHEMA_FILE");
    cr_assert_not_null(path);
    struct gql_schema *s = NULL;
    char err[GQL_ERROR_SIZE];
    cr_assert_eq(gql_schema_load(path, &s, err, sizeof(err)), GQL_OK, "%s", err);
    return s;
}

/* The entry the first field @p query fetches gets, with its coerced arguments. */
static const struct esomock_fixture_entry *lookup(const struct esomock_fixture_set *set,
                                                  const struct gql_schema *s, const char *query)
{
    struct gql_request req = {.query = query, .query_len = strlen(query)};
    struct gql_prepared *p = NULL;
    cr_assert_eq(gql_prepare(s, NULL, &req, &p, NULL), GQL_OK, "%s", query);
    const struct esomock_fixture_entry *e = esomock__fixtures_lookup(
        set, gql_prepared_root_field_path(p, 0), gql_prepared_root_field_args(p, 0));
    gql_prepared_destroy(p);
    return e;
}

Test(fixtures_load, fields_are_chosen_by_a_subset_of_their_arguments_with_the_most_keys)
{
    put("d.json", "{\"field\":\"reportData.reports\",\"response\":{\"data\":{\"reportData\":"
                  "{\"reports\":{\"total\":0}}}}}");
    put("g.json", "{\"field\":\"reportData.reports\",\"arguments\":{\"guildID\":1},"
                  "\"response\":{\"data\":{\"reportData\":{\"reports\":{\"total\":1}}}}}");
    put("gz.json", "{\"field\":\"reportData.reports\",\"arguments\":{\"guildID\":1,\"zoneID\":2},"
                   "\"response\":{\"data\":{\"reportData\":{\"reports\":{\"total\":2}}}}}");
    put("w.json", "{\"field\":[\"worldData.regions\",\"worldData.zones\"],"
                  "\"response\":{\"data\":{\"worldData\":{\"regions\":[],\"zones\":[]}}}}");
    struct esomock_fixture_set *set = load_ok();
    struct gql_schema *s = schema();
    cr_assert_eq(esomock__fixtures_check_schema(set, s, NULL), ESOMOCK_OK);
    const struct esomock_fixture_entry *e =
        lookup(set, s, "{ reportData { reports(guildID: 1, zoneID: 2, limit: 3) { total } } }");
    cr_assert_str_eq(e->origin, "fixture gz");
    e = lookup(set, s, "{ reportData { reports(zoneID: 2, guildID: 1) { total } } }");
    cr_assert_str_eq(e->origin, "fixture gz", "argument order does not matter");
    e = lookup(set, s, "{ reportData { reports(guildID: 1, zoneID: 3) { total } } }");
    cr_assert_str_eq(e->origin, "fixture g");
    e = lookup(set, s, "{ reportData { reports(zoneID: 2) { total } } }");
    cr_assert_str_eq(e->origin, "fixture d", "no arguments: the field's default");
    e = lookup(set, s, "{ worldData { zones { id } } }");
    cr_assert_str_eq(e->origin, "fixture w");
    cr_assert_null(lookup(set, s, "{ worldData { expansions { id } } }"));
    gql_schema_destroy(s);
    esomock__fixtures_free(set);
}

Test(fixtures_load, fixtures_of_one_field_and_arguments_are_merged)
{
    put("a.json", "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":1},\"response\":{\"data\":"
                  "{\"guildData\":{\"guild\":{\"id\":1,\"tags\":[{\"id\":7}]}}}}}");
    put("b.json", "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":1},\"response\":{\"data\":"
                  "{\"guildData\":{\"guild\":{\"name\":\"x\",\"tags\":[{\"name\":\"t\"}]}}}}}");
    struct esomock_fixture_set *set = load_ok();
    cr_assert_eq(set->entry_count, 1);
    char *merged = cJSON_PrintUnformatted(set->entries[0].data);
    cr_assert_str_eq(merged, "{\"id\":1,\"tags\":[{\"id\":7,\"name\":\"t\"}],\"name\":\"x\"}");
    cr_assert_str_eq(set->entries[0].origin, "fixtures a, b");
    free(merged);
    esomock__fixtures_free(set);
}

Test(fixtures_load, fixtures_of_one_key_that_differ_are_refused)
{
    put("a.json", "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":1},\"response\":{\"data\":"
                  "{\"guildData\":{\"guild\":{\"id\":1,\"tags\":[{\"id\":7}]}}}}}");
    put("b.json", "{\"field\":\"guildData.guild\",\"arguments\":{\"id\":1},\"response\":{\"data\":"
                  "{\"guildData\":{\"guild\":{\"id\":1,\"tags\":[{\"id\":8}]}}}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "differs at guildData.guild.tags[0].id: 7 there, 8 here",
               "b.json");
}

Test(fixtures_load, fields_one_request_could_match_twice_are_refused)
{
    put("a.json", "{\"field\":\"reportData.reports\",\"arguments\":{\"guildID\":1},"
                  "\"response\":{\"data\":{\"reportData\":{\"reports\":null}}}}");
    put("b.json", "{\"field\":\"reportData.reports\",\"arguments\":{\"zoneID\":1},"
                  "\"response\":{\"data\":{\"reportData\":{\"reports\":null}}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "could both answer one request", "fixture b");
}

Test(fixtures_load, field_keys_are_checked)
{
    put("a.json", "{\"field\":\"guildData.guild\",\"response\":{\"data\":{}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.field: response.data has no \"guildData.guild\"", NULL);
    put("a.json", "{\"field\":\"guildData..guild\",\"response\":{\"data\":{}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.field: expected a field path", NULL);
    put("a.json", "{\"field\":[],\"response\":{\"data\":{}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.field: expected a field path", "non-empty array");
    put("a.json", "{\"field\":\"x\",\"arguments\":[1],\"response\":{\"data\":{\"x\":1}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.arguments: expected an object", NULL);
    put("a.json", "{\"operation\":\"x\",\"arguments\":{},\"response\":{\"data\":{\"x\":1}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.arguments: apply only with \"field\"", NULL);
    put("a.json", "{\"field\":\"x\",\"variables\":{},\"response\":{\"data\":{\"x\":1}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.variables: apply only with \"operation\"", NULL);
    put("a.json", "{\"field\":\"x\",\"status\":500,\"response\":{\"data\":{\"x\":1}}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.status: applies only with \"operation\"", NULL);
    put("a.json", "{\"field\":\"x\",\"response\":{\"data\":{\"x\":1},\"errors\":[]}}");
    load_fails(ESOMOCK_FIXTURE_INVALID, "$.response: a fixture with \"field\" must be", NULL);
}

Test(fixtures_load, field_keys_are_checked_against_the_schema_with_did_you_mean)
{
    struct gql_schema *s = schema();
    struct {
        const char *fixture;
        const char *message;
    } cases[] = {
        {"{\"field\":\"guildData.gulid\",\"response\":{\"data\":{\"guildData\":{\"gulid\":null}}}}",
         "$.field: Cannot query field \"gulid\" on type \"GuildData\". Did you mean \"guild\" or "
         "\"guilds\"?"},
        {"{\"field\":\"gildData\",\"response\":{\"data\":{\"gildData\":null}}}",
         "$.field: Cannot query field \"gildData\" on type \"Query\". Did you mean "
         "\"guildData\", \"gameData\""},
        {"{\"field\":\"guildData.guild.name\",\"response\":{\"data\":{\"guildData\":{\"guild\":"
         "{\"name\":\"x\"}}}}}",
         "goes too deep"},
        {"{\"field\":\"guildData.guild\",\"arguments\":{\"idd\":1},\"response\":{\"data\":"
         "{\"guildData\":{\"guild\":null}}}}",
         "$.arguments: Unknown argument \"idd\" on field \"guild\". Did you mean \"id\"?"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        put("a.json", cases[i].fixture);
        struct esomock_fixture_set *set = load_ok();
        char err[ESOMOCK_ERROR_SIZE] = "";
        cr_assert_eq(esomock__fixtures_check_schema(set, s, err), ESOMOCK_FIXTURE_INVALID);
        cr_assert(strstr(err, cases[i].message) != NULL && strstr(err, "a.json") != NULL,
                  "'%s' not in: %s", cases[i].message, err);
        esomock__fixtures_free(set);
    }
    gql_schema_destroy(s);
}
