/*
 * fixtures-shape: the engine's shape checker (gql_shape_check) and fixture_check
 * on small inline cases, then every
 * eso-mock fixture against the ESO Logs schema and the query documents.
 *
 * Environment (set by tests/meson.build and tests/schema/meson.build):
 *   ESO_SCHEMA_FILE   the schema SDL;
 *   ESOMOCK_FIXTURES  the fixture directory;
 *   ESO_SOURCE_ROOT   the source tree (queries in client/queries).
 * Tests that need a missing variable are skipped.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include <esologs/operations.h>

#include "fixture_check.h"
#include "gql.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Collects problems as "path: message\n" lines, truncated at its size. */
struct sink {
    char text[16384];
    size_t len;
    size_t count;
};

/* gql_shape_report callback: append one problem to the sink. */
static void sink_fn(void *user, const char *path, const char *message)
{
    struct sink *s = user;
    size_t room = sizeof(s->text) - s->len;
    int n;

    s->count++;
    if (room <= 1)
        return;
    n = snprintf(s->text + s->len, room, "%s: %s\n", path, message);
    if (n < 0)
        return;
    s->len += (size_t)n < room ? (size_t)n : room - 1;
}

/* A schema with every kind of type the checker handles. The second
 * definition of Player must be ignored: the first one wins. */
static const char test_sdl[] =
    "\"\"\"The root.\n"
    "Block descriptions span lines.\"\"\"\n"
    "schema { query: Root }\n"
    "scalar JSON\n"
    "# A comment.\n"
    "enum Role { tank healer \"the rest\" dps @deprecated(reason: \"no\") }\n"
    "interface Named { name: String! }\n"
    "type Player implements Named {\n"
    "  name: String!\n"
    "  role: Role!\n"
    "  level: Int\n"
    "  scores: [[Float!]]!\n"
    "  friends(first: Int = 10): [Player]\n"
    "}\n"
    "type Pet implements Named { name: String! owner: Player }\n"
    "union Thing = | Player | Pet\n"
    "input Filter { role: Role!, minLevel: Int = 1 }\n"
    "type Root {\n"
    "  \"A player by id.\"\n"
    "  player(id: Int!): Player\n"
    "  players(filter: Filter, limit: Int): [Player!]!\n"
    "  things: [Thing]\n"
    "  named: Named\n"
    "  blob: JSON\n"
    "  version: String!\n"
    "  id: ID\n"
    "  flag: Boolean\n"
    "  ratio: Float\n"
    "}\n"
    "type Player { secret: Int }\n"
    "extend type Pet { age: Int }\n";

/* Load sdl and prepare query (the test fails if either does not), check the JSON
 * data (NULL: the document only) and return the number of problems; the sink
 * receives them. */
static size_t run_check(const char *sdl, const char *query, const char *json, struct sink *sink)
{
    struct gql_schema *schema = NULL;
    struct gql_prepared *p = NULL;
    struct gql_request req = {0};
    struct gql_shape_report report = {0};
    struct gql_buf errors;
    char err[GQL_ERROR_SIZE];
    cJSON *data = NULL;
    size_t n;

    memset(sink, 0, sizeof(*sink));
    cr_assert_eq(gql_schema_parse(sdl, strlen(sdl), &schema, err, sizeof(err)), GQL_OK,
                 "schema does not parse: %s", err);
    report.fn = sink_fn;
    report.user = sink;
    report.data_path = "data";
    if (json == NULL) {
        n = fixture_check_document(schema, "q.graphql", query, strlen(query), &report);
        cr_assert_eq(n, sink->count, "returned %zu but reported %zu", n, sink->count);
        gql_schema_destroy(schema);
        return n;
    }
    req.query = query;
    req.query_len = strlen(query);
    req.lenient_variables = true;
    gql_buf_init(&errors, 0);
    cr_assert_eq(gql_prepare(schema, NULL, &req, &p, &errors), GQL_OK, "query does not prepare: %s",
                 errors.data != NULL ? errors.data : "");
    gql_buf_finish(&errors);
    data = cJSON_Parse(json);
    cr_assert_not_null(data, "test JSON does not parse: %s", json);
    n = gql_shape_check(p, data, &report);
    cr_assert_eq(n, sink->count, "returned %zu but reported %zu", n, sink->count);
    cJSON_Delete(data);
    gql_prepared_destroy(p);
    gql_schema_destroy(schema);
    return n;
}

/* Assert exactly `want` problems, one of which contains substr. */
#define expect_problems(n, sink, want, substr)                                                     \
    cr_assert((n) == (size_t)(want) && strstr((sink).text, (substr)) != NULL,                      \
              "expected %d problem(s) mentioning \"%s\", got %zu:\n%s", (int)(want), (substr),     \
              (size_t)(n), (sink).text)

/* Assert no problem at all. */
#define expect_none(n, sink)                                                                       \
    cr_assert((n) == 0, "expected no problem, got %zu:\n%s", (size_t)(n), (sink).text)

static const char player_query[] = "# The player and his friends.\n"
                                   "query getPlayer($id: Int!) {\n"
                                   "  player(id: $id) { name role level scores friends { name } }\n"
                                   "}\n";

/* ------------------------------------------------------------------------ */
/* (a) The checker on small cases                                           */
/* ------------------------------------------------------------------------ */

Test(shape, conforming_answer_has_no_problem)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query,
                         "{\"player\": {\"name\": \"Vare\", \"role\": \"dps\","
                         " \"level\": null, \"scores\": [[1.5, 2]],"
                         " \"friends\": [null, {\"name\": \"Ori\"}]}}",
                         &sink);

    expect_none(n, sink);
}

Test(shape, nullable_object_may_be_null)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query, "{\"player\": null}", &sink);

    expect_none(n, sink);
}

Test(shape, missing_field)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query,
                         "{\"player\": {\"name\": \"Vare\", \"role\": \"dps\","
                         " \"scores\": [], \"friends\": []}}",
                         &sink);

    expect_problems(n, sink, 1, "data.player.level: missing");
}

Test(shape, missing_nested_field)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query,
                         "{\"player\": {\"name\": \"Vare\", \"role\": \"dps\","
                         " \"level\": 1, \"scores\": [], \"friends\": [{}]}}",
                         &sink);

    expect_problems(
        n, sink, 1,
        "data.player.friends[0].name: missing: the query selects it (expected String!)");
}

Test(shape, extra_field)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query,
                         "{\"player\": {\"name\": \"Vare\", \"role\": \"dps\","
                         " \"level\": 1, \"scores\": [], \"friends\": [],"
                         " \"secret\": 7}}",
                         &sink);

    expect_problems(n, sink, 1, "data.player.secret: unexpected key");
}

Test(shape, null_in_non_null)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query,
                         "{\"player\": {\"name\": null, \"role\": \"dps\","
                         " \"level\": 1, \"scores\": [], \"friends\": []}}",
                         &sink);

    expect_problems(n, sink, 1, "data.player.name: expected String!, found null");
}

Test(shape, wrong_scalar)
{
    struct sink sink;
    size_t n = run_check(test_sdl, player_query,
                         "{\"player\": {\"name\": 5, \"role\": \"dps\","
                         " \"level\": \"3\", \"scores\": [[true]],"
                         " \"friends\": []}}",
                         &sink);

    expect_problems(n, sink, 3, "data.player.level: expected Int, found string \"3\"");
    cr_assert(strstr(sink.text, "data.player.name: expected String, found number 5"), "%s",
              sink.text);
    cr_assert(strstr(sink.text, "data.player.scores[0][0]: expected Float, found true"), "%s",
              sink.text);
}

Test(shape, int_is_integral_and_32_bit)
{
    struct sink sink;
    const char *q = "query q { players { level } }";
    size_t n = run_check(test_sdl, q,
                         "{\"players\": [{\"level\": 2147483647},"
                         " {\"level\": -2147483648}, {\"level\": 2147483648},"
                         " {\"level\": 1.5}]}",
                         &sink);

    expect_problems(n, sink, 2, "data.players[2].level: expected Int, found number 2147483648");
    cr_assert(strstr(sink.text, "data.players[3].level: expected Int, found number 1.5"), "%s",
              sink.text);
}

Test(shape, scalars_id_float_boolean_json)
{
    struct sink sink;
    const char *q = "query q { id ratio flag blob }";
    size_t n;

    n = run_check(test_sdl, q,
                  "{\"id\": 12, \"ratio\": 3, \"flag\": false,"
                  " \"blob\": {\"any\": [1, \"x\", null]}}",
                  &sink);
    expect_none(n, sink);
    n = run_check(test_sdl, q,
                  "{\"id\": \"a1\", \"ratio\": 0.25, \"flag\": true,"
                  " \"blob\": \"text\"}",
                  &sink);
    expect_none(n, sink);
    n = run_check(test_sdl, q,
                  "{\"id\": true, \"ratio\": \"1\", \"flag\": 0,"
                  " \"blob\": null}",
                  &sink);
    expect_problems(n, sink, 3, "data.id: expected ID, found true");
    cr_assert(strstr(sink.text, "data.ratio: expected Float") &&
                  strstr(sink.text, "data.flag: expected Boolean"),
              "%s", sink.text);
}

Test(shape, bad_enum)
{
    struct sink sink;
    const char *q = "query q { players { role } }";
    size_t n = run_check(test_sdl, q,
                         "{\"players\": [{\"role\": \"tank\"}, {\"role\": \"mage\"},"
                         " {\"role\": 1}]}",
                         &sink);

    expect_problems(n, sink, 2,
                    "data.players[1].role: expected a value of enum Role (tank, healer, dps), "
                    "found string \"mage\"");
}

Test(shape, null_list_element)
{
    struct sink sink;
    const char *q = "query q { players { name } }";
    size_t n = run_check(test_sdl, q, "{\"players\": [{\"name\": \"a\"}, null]}", &sink);

    expect_problems(n, sink, 1, "data.players[1]: expected Player!, found null");
}

Test(shape, list_must_be_array)
{
    struct sink sink;
    const char *q = "query q { players { name } }";
    size_t n = run_check(test_sdl, q, "{\"players\": {\"name\": \"a\"}}", &sink);

    expect_problems(n, sink, 1, "data.players: expected a list [Player!], found an object");
}

Test(shape, alias_is_the_key)
{
    struct sink sink;
    const char *q = "query q($a: Int!) { me: player(id: $a) { who: name } }";
    size_t n;

    n = run_check(test_sdl, q, "{\"me\": {\"who\": \"Vare\"}}", &sink);
    expect_none(n, sink);
    n = run_check(test_sdl, q, "{\"player\": {\"name\": \"Vare\"}}", &sink);
    expect_problems(n, sink, 2, "data.player: unexpected key");
    cr_assert(strstr(sink.text, "data.me: missing"), "%s", sink.text);
}

Test(shape, nested_list)
{
    struct sink sink;
    const char *q = "query q { players { scores } }";
    size_t n = run_check(test_sdl, q,
                         "{\"players\": [{\"scores\": [[1, 2.5], null, [3, null], 4]}]}", &sink);

    expect_problems(n, sink, 2, "data.players[0].scores[2][1]: expected Float!, found null");
    cr_assert(
        strstr(sink.text, "data.players[0].scores[3]: expected a list [Float!], found number 4"),
        "%s", sink.text);
}

Test(shape, first_definition_wins_and_extensions_merge)
{
    struct sink sink;
    size_t n;

    n = run_check(test_sdl, "query q($i: Int!) { player(id: $i) { secret } }", NULL, &sink);
    expect_problems(n, sink, 1,
                    "q.graphql:1:38: Cannot query field \"secret\" on type \"Player\".");
    n = run_check(test_sdl, "query q { things { ... on Pet { age } } }",
                  "{\"things\": [{\"age\": 3}]}", &sink);
    expect_none(n, sink);
}

Test(shape, interface_and_union_fragments)
{
    struct sink sink;
    const char *q = "query q {\n"
                    "  things { __typename ... on Player { name role } ...PetBits }\n"
                    "  named { __typename name ... on Pet { owner { name } } }\n"
                    "}\n"
                    "fragment PetBits on Pet { name }\n";
    size_t n;

    n = run_check(test_sdl, q,
                  "{\"things\": [{\"__typename\": \"Player\", \"name\": \"a\","
                  " \"role\": \"tank\"}, {\"__typename\": \"Pet\", \"name\": \"b\"}],"
                  " \"named\": {\"__typename\": \"Pet\", \"name\": \"b\", \"owner\": null}}",
                  &sink);
    expect_none(n, sink);
    n = run_check(test_sdl, q,
                  "{\"things\": [{\"__typename\": \"Player\", \"name\": \"a\"},"
                  " {\"__typename\": \"Rock\"}],"
                  " \"named\": {\"__typename\": \"Player\", \"name\": \"c\","
                  " \"owner\": null}}",
                  &sink);
    expect_problems(n, sink, 3, "data.things[0].role: missing");
    cr_assert(
        strstr(sink.text,
               "data.things[1].__typename: string \"Rock\" is not an object type of union Thing"),
        "%s", sink.text);
    cr_assert(strstr(sink.text, "data.named.owner: unexpected key"), "%s", sink.text);
}

Test(shape, skip_and_include_make_fields_optional)
{
    struct sink sink;
    const char *q = "query q($v: Boolean!) { version @include(if: $v)"
                    " id @skip(if: true) flag @include(if: true) }";
    size_t n;

    n = run_check(test_sdl, q, "{\"flag\": null}", &sink);
    expect_none(n, sink);
    n = run_check(test_sdl, q, "{\"version\": \"1\", \"flag\": null, \"id\": 1}", &sink);
    expect_problems(n, sink, 1, "data.id: unexpected key");
}

Test(shape, query_problems)
{
    struct sink sink;
    const char *q = "query q($id: String, $unused: Int, $f: Filter) {\n"
                    "  player(id: $id) { nope name(x: 1) }\n"
                    "  players(filter: {role: mage}, limit: \"ten\") { name { a } }\n"
                    "  things { name }\n"
                    "  version\n"
                    "  named @frob { ...Missing }\n"
                    "}\n";
    size_t n = run_check(test_sdl, q, NULL, &sink);

    /* graphql-js's messages, in graphql-js's order. */
    expect_problems(n, sink, 11,
                    "q.graphql:2:21: Cannot query field \"nope\" on type \"Player\". Did you mean "
                    "\"name\" or \"role\"?");
    cr_assert(
        strstr(sink.text, "q.graphql:2:31: Unknown argument \"x\" on field \"Player.name\".") &&
            strstr(sink.text, "q.graphql:3:26: Value \"mage\" does not exist in \"Role\" enum.") &&
            strstr(sink.text, "q.graphql:3:40: Int cannot represent non-integer value: \"ten\"") &&
            strstr(sink.text, "q.graphql:3:54: Field \"name\" must not have a selection since "
                              "type \"String!\" has no subfields.") &&
            strstr(sink.text, "q.graphql:4:12: Cannot query field \"name\" on type \"Thing\". "
                              "Did you mean to use an inline fragment on \"Named\", \"Pet\", "
                              "or \"Player\"?") &&
            strstr(sink.text, "q.graphql:6:9: Unknown directive \"@frob\".") &&
            strstr(sink.text, "q.graphql:6:20: Unknown fragment \"Missing\".") &&
            strstr(sink.text, "q.graphql:1:22: Variable \"$unused\" is never used in "
                              "operation \"q\".") &&
            strstr(sink.text, "q.graphql:1:36: Variable \"$f\" is never used in operation "
                              "\"q\".") &&
            strstr(sink.text, "q.graphql:1:9: Variable \"$id\" of type \"String\" used in "
                              "position expecting type \"Int!\"."),
        "%s", sink.text);
}

Test(shape, missing_argument_and_selection)
{
    struct sink sink;
    size_t n = run_check(test_sdl, "query q { player }", NULL, &sink);

    expect_problems(n, sink, 2,
                    "Field \"player\" argument \"id\" of type \"Int!\" is required, but it was "
                    "not provided.");
    cr_assert(strstr(sink.text, "Field \"player\" of type \"Player\" must have a selection of "
                                "subfields. Did you mean \"player { ... }\"?"),
              "%s", sink.text);
}

Test(shape, fragment_cycle_and_unused)
{
    struct sink sink;
    const char *q = "query q { named { ...A } }\n"
                    "fragment A on Named { name ...B }\n"
                    "fragment B on Named { ...A }\n"
                    "fragment C on Pet { age }\n";
    size_t n = run_check(test_sdl, q, NULL, &sink);

    expect_problems(n, sink, 2, "Cannot spread fragment \"A\" within itself via \"B\".");
    cr_assert(strstr(sink.text, "q.graphql:4:1: Fragment \"C\" is never used."), "%s", sink.text);
}

/* Build "query d " + levels nested selection sets "a { ... b ... }". */
static char *nested_query(int levels)
{
    size_t size = (size_t)levels * 6 + 32;
    char *text = malloc(size);
    size_t len = 0;
    int i;

    cr_assert_not_null(text);
    len += (size_t)snprintf(text, size, "query d ");
    for (i = 0; i < levels - 1; i++)
        len += (size_t)snprintf(text + len, size - len, "{ a ");
    len += (size_t)snprintf(text + len, size - len, "{ b ");
    for (i = 0; i < levels; i++)
        len += (size_t)snprintf(text + len, size - len, "}");
    return text;
}

Test(shape, depth_limit)
{
    struct gql_schema *s = NULL;
    struct sink sink;
    char err[GQL_ERROR_SIZE];
    char sdl[1024];
    char *text;
    size_t len = 0;
    size_t n;
    int i;

    text = nested_query(GQL_MAX_DEPTH + 1);
    n = run_check(test_sdl, text, NULL, &sink);
    expect_problems(n, sink, 1, "Syntax Error: Document nested deeper than 64 levels.");
    free(text);

    /* A list type nested 65 deep in SDL. */
    len += (size_t)snprintf(sdl, sizeof(sdl), "type Query { a: ");
    for (i = 0; i <= (int)GQL_MAX_DEPTH; i++)
        len += (size_t)snprintf(sdl + len, sizeof(sdl) - len, "[");
    len += (size_t)snprintf(sdl + len, sizeof(sdl) - len, "Int");
    for (i = 0; i <= (int)GQL_MAX_DEPTH; i++)
        len += (size_t)snprintf(sdl + len, sizeof(sdl) - len, "]");
    len += (size_t)snprintf(sdl + len, sizeof(sdl) - len, " }");
    cr_assert_eq(gql_schema_parse(sdl, len, &s, err, sizeof(err)), GQL_TOO_DEEP,
                 "a 65-deep list type must not parse");
    cr_assert_null(s);
    cr_assert(strstr(err, "1:") == err && strstr(err, "nested deeper"), "%s", err);
}

/* Parse bad SDL; assert the status and that the error starts with where. */
static void expect_bad_sdl(const char *sdl, enum gql_status want, const char *where)
{
    struct gql_schema *s = NULL;
    char err[GQL_ERROR_SIZE];
    enum gql_status rc = gql_schema_parse(sdl, strlen(sdl), &s, err, sizeof(err));

    cr_assert_eq(rc, want, "\"%s\": got %s (%s), want %s", sdl, gql_strerror(rc), err,
                 gql_strerror(want));
    cr_assert_null(s);
    cr_assert(strstr(err, where) == err, "\"%s\": error \"%s\" should start \"%s\"", sdl, err,
              where);
}

Test(shape, malformed_sdl)
{
    expect_bad_sdl("type Query {\n  a: \n}", GQL_SYNTAX,
                   "3:1: Syntax Error: Expected Name, found \"}\".");
    expect_bad_sdl("type Query { a: Int", GQL_SYNTAX,
                   "1:20: Syntax Error: Expected Name, found <EOF>.");
    expect_bad_sdl("\"unterminated\ntype Query { a: Int }", GQL_SYNTAX,
                   "1:14: Syntax Error: Unterminated string.");
    expect_bad_sdl("type Query { a: Int } %", GQL_SYNTAX,
                   "1:23: Syntax Error: Unexpected character: \"%\".");
    expect_bad_sdl("type Query { a: Missing }", GQL_INVALID, "1:17: Unknown type \"Missing\".");
    expect_bad_sdl("type Query { a(x: Query): Int }", GQL_INVALID,
                   "1:19: The type \"Query\" is not an input type.");
    expect_bad_sdl("type Other { a: Int }", GQL_INVALID, "1:1: Query root type must be provided.");
    expect_bad_sdl("query { a }", GQL_SYNTAX, "1:1: an operation");
    expect_bad_sdl("", GQL_SYNTAX, "1:1: Syntax Error: Unexpected <EOF>.");
}

Test(shape, malformed_query)
{
    struct sink sink;
    size_t n;

    n = run_check(test_sdl, "query q { a ", NULL, &sink);
    expect_problems(n, sink, 1, "q.graphql:1:13: Syntax Error: Expected Name, found <EOF>.");
    n = run_check(test_sdl, "query q {\n  a(x: \"open)\n}", NULL, &sink);
    expect_problems(n, sink, 1, "q.graphql:2:14: Syntax Error: Unterminated string.");
    n = run_check(test_sdl, "query q { }", NULL, &sink);
    expect_problems(n, sink, 1, "q.graphql:1:11: Syntax Error: Expected Name, found \"}\".");
    n = run_check(test_sdl, "query q($a Int) { a }", NULL, &sink);
    expect_problems(n, sink, 1,
                    "q.graphql:1:12: Syntax Error: Expected \":\", found Name \"Int\".");
    n = run_check(test_sdl, "query q { a(x: 007) }", NULL, &sink);
    expect_problems(
        n, sink, 1,
        "q.graphql:1:17: Syntax Error: Invalid number, unexpected digit after 0: \"0\".");
    n = run_check(test_sdl, "query q { a .. b }", NULL, &sink);
    expect_problems(n, sink, 1, "q.graphql:1:13: Syntax Error: Unexpected character: \".\".");
    n = run_check(test_sdl, "query a { version } query b { version }", NULL, &sink);
    expect_problems(n, sink, 1,
                    "q.graphql: Must provide operation name if query contains multiple "
                    "operations.");
    n = run_check(test_sdl, "type T { a: Int }", NULL, &sink);
    expect_problems(n, sink, 1, "q.graphql:1:1: The \"T\" definition is not executable.");
    n = run_check(test_sdl, "query q($a: Int = $b) { version }", NULL, &sink);
    expect_problems(n, sink, 1,
                    "q.graphql:1:19: Syntax Error: Unexpected variable \"$b\" in constant value.");
}

Test(shape, bad_arguments_are_refused)
{
    struct gql_schema *s = NULL;
    struct gql_prepared *p = NULL;
    struct gql_request req = {0};
    char err[GQL_ERROR_SIZE];

    cr_assert_eq(gql_schema_parse(NULL, 1, &s, err, sizeof(err)), GQL_BAD_ARGUMENT);
    cr_assert_eq(gql_schema_parse("type Query { a: Int }", 21, NULL, NULL, 0), GQL_BAD_ARGUMENT);
    cr_assert_eq(gql_schema_load("/nonexistent/schema.graphql", &s, err, sizeof(err)), GQL_IO);
    cr_assert(strstr(err, "/nonexistent/schema.graphql") == err, "%s", err);
    cr_assert_eq(gql_prepare(NULL, NULL, &req, &p, NULL), GQL_BAD_ARGUMENT);
    cr_assert_eq(gql_shape_check(NULL, NULL, NULL), 1, "no operation counts as one problem");
    cr_assert_str_eq(gql_strerror(GQL_TOO_DEEP), "nested too deeply");
    gql_schema_destroy(NULL);
    gql_prepared_destroy(NULL);
}

/* ------------------------------------------------------------------------ */
/* Envelopes, against a scratch queries directory                           */
/* ------------------------------------------------------------------------ */

static char scratch_dir[64];
static char scratch_query[128];

/* Make a directory holding getPlayer.graphql (player_query). */
static void make_scratch(void)
{
    FILE *f;

    snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/gql-shape.XXXXXX");
    cr_assert_not_null(mkdtemp(scratch_dir), "mkdtemp failed");
    snprintf(scratch_query, sizeof(scratch_query), "%s/getPlayer.graphql", scratch_dir);
    f = fopen(scratch_query, "w");
    cr_assert_not_null(f, "cannot write %s", scratch_query);
    fputs(player_query, f);
    fclose(f);
}

static void remove_scratch(void)
{
    unlink(scratch_query);
    rmdir(scratch_dir);
}

TestSuite(envelope, .init = make_scratch, .fini = remove_scratch);

/* Check an envelope given as JSON text against test_sdl. */
static size_t run_envelope(const char *json, struct sink *sink)
{
    struct gql_schema *schema = NULL;
    struct gql_shape_report report = {0};
    char err[GQL_ERROR_SIZE];
    cJSON *envelope;
    size_t n;

    memset(sink, 0, sizeof(*sink));
    cr_assert_eq(gql_schema_parse(test_sdl, strlen(test_sdl), &schema, err, sizeof(err)), GQL_OK,
                 "%s", err);
    envelope = cJSON_Parse(json);
    cr_assert_not_null(envelope, "test JSON does not parse: %s", json);
    report.fn = sink_fn;
    report.user = sink;
    n = fixture_check_envelope(schema, scratch_dir, envelope, &report);
    cJSON_Delete(envelope);
    gql_schema_destroy(schema);
    return n;
}

Test(envelope, conforming_fixtures)
{
    struct sink sink;
    size_t n;

    n = run_envelope("{\"operation\": \"getPlayer\", \"description\": \"none\","
                     " \"response\": {\"data\": {\"player\": null}}}",
                     &sink);
    expect_none(n, sink);
    n = run_envelope("{\"operation\": \"getPlayer\", \"variables\": {\"id\": 0},"
                     " \"status\": 200, \"headers\": {\"X-A\": \"b\"},"
                     " \"response\": {\"errors\": [{\"message\": \"limit argument must be\"}],"
                     " \"data\": null}}",
                     &sink);
    expect_none(n, sink);
}

Test(envelope, envelope_members)
{
    struct sink sink;
    size_t n = run_envelope("{\"operation\": \"getPlayer\", \"status\": \"200\","
                            " \"headers\": {\"X-A\": 1}, \"extra\": true,"
                            " \"variables\": {\"id\": \"7\"},"
                            " \"response\": {\"data\": {\"player\": null}, \"meta\": 1}}",
                            &sink);

    expect_problems(n, sink, 5, "extra: unexpected key");
    cr_assert(strstr(sink.text, "status: expected an HTTP status") &&
                  strstr(sink.text, "headers.X-A: expected a string") &&
                  strstr(sink.text, "variables.id: Variable \"$id\" got invalid value \"7\"; Int "
                                    "cannot represent non-integer value: \"7\"") &&
                  strstr(sink.text, "response.meta: unexpected key"),
              "%s", sink.text);
    n = run_envelope("{\"operation\": \"getPlayer\", \"variables\": {\"id\": 7, \"other\": 1},"
                     " \"response\": {\"data\": {\"player\": null}}}",
                     &sink);
    expect_problems(n, sink, 1,
                    "variables.other: the operation getPlayer declares no variable $other");
}

Test(envelope, errors_in_default_fixture)
{
    struct sink sink;
    size_t n = run_envelope("{\"operation\": \"getPlayer\","
                            " \"response\": {\"errors\": [{\"message\": \"x\"}]}}",
                            &sink);

    expect_problems(
        n, sink, 1,
        "response.errors: a default fixture (no variables) must answer with data, not errors");
    n = run_envelope("{\"operation\": \"getPlayer\", \"response\": {}}", &sink);
    expect_problems(n, sink, 1, "response.data: missing");
}

Test(envelope, operation_and_data)
{
    struct sink sink;
    size_t n;

    n = run_envelope("{\"operation\": \"getNobody\", \"response\": {\"data\": {}}}", &sink);
    expect_problems(n, sink, 1, "operation: no query document");
    n = run_envelope("{\"operation\": \"../x\", \"response\": {\"data\": {}}}", &sink);
    expect_problems(n, sink, 1, "operation: string \"../x\" is not an operation name");
    n = run_envelope("{\"operation\": \"getPlayer\","
                     " \"response\": {\"data\": {\"player\": {\"name\": \"a\"}}}}",
                     &sink);
    expect_problems(n, sink, 4, "response.data.player.role: missing");
}

/* The field key must agree with what the operation fetches with its variables. */
Test(envelope, field_key_agrees_with_operation_and_variables)
{
    struct sink sink;
    size_t n;

    n = run_envelope("{\"operation\": \"getPlayer\", \"variables\": {\"id\": 7},"
                     " \"field\": \"player\", \"arguments\": {\"id\": 7},"
                     " \"response\": {\"data\": {\"player\": null}}}",
                     &sink);
    expect_none(n, sink);
    n = run_envelope("{\"operation\": \"getPlayer\", \"variables\": {\"id\": 7},"
                     " \"field\": \"player\", \"arguments\": {\"id\": 8},"
                     " \"response\": {\"data\": {\"player\": null}}}",
                     &sink);
    expect_problems(n, sink, 1,
                    "arguments: the operation fetches player with arguments {\"id\":7} with these "
                    "variables");
    n = run_envelope("{\"operation\": \"getPlayer\", \"variables\": {\"id\": 7},"
                     " \"field\": \"players\", \"arguments\": {\"id\": 7},"
                     " \"response\": {\"data\": {\"player\": null}}}",
                     &sink);
    expect_problems(n, sink, 1, "field: the operation fetches player, which \"field\" does not");
}

/* ------------------------------------------------------------------------ */
/* (b), (c) The real fixtures, schema and query documents                   */
/* ------------------------------------------------------------------------ */

/*
 * The 39 operations of the reference table (esologs-api.md), as libesologs compiles them in
 * (client/meson.build lists them once; tests/client/test_registry.c checks that list).
 */
#define OPERATION_COUNT eso_operation_count()
#define OPERATION(i) eso_operation_name(i)

/* The value of an environment variable, or skip the test without it. */
static const char *need_env(const char *name)
{
    const char *value = getenv(name);

    if (value == NULL || value[0] == '\0')
        cr_skip_test("%s is not set", name);
    return value;
}

/* queries directory from ESO_SOURCE_ROOT, into buf[size]. */
static const char *queries_dir(char *buf, size_t size)
{
    const char *root = need_env("ESO_SOURCE_ROOT");
    int n = snprintf(buf, size, "%s/client/queries", root);

    cr_assert(n > 0 && (size_t)n < size, "path too long");
    return buf;
}

static struct gql_schema *load_schema(void)
{
    struct gql_schema *schema = NULL;
    char err[GQL_ERROR_SIZE];
    const char *path = need_env("ESO_SCHEMA_FILE");

    cr_assert_eq(gql_schema_load(path, &schema, err, sizeof(err)), GQL_OK,
                 "the schema does not load: %s", err);
    return schema;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Problems of every fixture, prefixed by its file name; grows up to a cap. */
struct all_sink {
    char *text;
    size_t len;
    size_t cap;
    size_t count;
    const char *file;
};

#define ALL_SINK_MAX (256u * 1024u)

static void all_sink_fn(void *user, const char *path, const char *message)
{
    struct all_sink *s = user;
    char line[1024];
    int n;

    s->count++;
    n = snprintf(line, sizeof(line), "%s: %s: %s\n", s->file, path, message);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(line))
        n = (int)sizeof(line) - 1;
    if (s->len + (size_t)n + 1 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 4096;
        char *tmp;

        while (ncap < s->len + (size_t)n + 1)
            ncap *= 2;
        if (ncap > ALL_SINK_MAX)
            return; /* keep what fits; the count stays right */
        tmp = realloc(s->text, ncap);
        if (tmp == NULL)
            return;
        s->text = tmp;
        s->cap = ncap;
    }
    memcpy(s->text + s->len, line, (size_t)n);
    s->len += (size_t)n;
    s->text[s->len] = '\0';
}

Test(fixtures, every_fixture_conforms, .timeout = 50)
{
    const char *dir_path = need_env("ESOMOCK_FIXTURES");
    struct gql_schema *schema = load_schema();
    struct all_sink sink = {0};
    struct gql_shape_report report = {0};
    char qdir[1024];
    char **names = NULL;
    size_t nnames = 0;
    size_t cap = 0;
    size_t failed = 0;
    struct dirent *de;
    DIR *dir;
    size_t i;

    queries_dir(qdir, sizeof(qdir));
    dir = opendir(dir_path);
    cr_assert_not_null(dir, "cannot open %s", dir_path);
    for (de = readdir(dir); de != NULL; de = readdir(dir)) {
        size_t len = strlen(de->d_name);

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (nnames == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
            cr_assert_not_null(names);
        }
        names[nnames] = strdup(de->d_name);
        cr_assert_not_null(names[nnames]);
        nnames++;
    }
    closedir(dir);
    cr_assert(nnames > 0, "no fixtures in %s", dir_path);
    qsort(names, nnames, sizeof(*names), name_cmp);
    report.fn = all_sink_fn;
    report.user = &sink;
    for (i = 0; i < nnames; i++) {
        char path[2048];
        size_t before = sink.count;

        snprintf(path, sizeof(path), "%s/%s", dir_path, names[i]);
        sink.file = names[i];
        fixture_check_file(schema, qdir, path, &report);
        if (sink.count > before)
            failed++;
    }
    cr_log_info("%zu fixtures checked, %zu fail", nnames, failed);
    cr_expect_eq(sink.count, 0, "%zu of %zu fixtures do not conform (%zu problems):\n%s", failed,
                 nnames, sink.count, sink.text != NULL ? sink.text : "");
    for (i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    free(sink.text);
    gql_schema_destroy(schema);
}

Test(fixtures, every_operation_has_a_query_and_a_default_fixture)
{
    const char *fixtures = need_env("ESOMOCK_FIXTURES");
    char qdir[1024];
    size_t i;

    queries_dir(qdir, sizeof(qdir));
    cr_assert_eq(OPERATION_COUNT, 39, "the reference table has 39 operations");
    struct gql_schema *schema = load_schema();

    for (i = 0; i < OPERATION_COUNT; i++) {
        const char *op = OPERATION(i);
        struct gql_prepared *q = NULL;
        struct gql_request req = {0};
        struct gql_buf errors;
        char path[2048];
        char *text = NULL;
        size_t len = 0;
        cJSON *json;
        const cJSON *name;

        snprintf(path, sizeof(path), "%s/%s.graphql", qdir, op);
        text = fixture_read_file(path, &len);
        cr_expect_not_null(text, "%s: cannot read %s", op, path);
        req.query = text != NULL ? text : "";
        req.query_len = len;
        req.lenient_variables = true;
        gql_buf_init(&errors, 0);
        cr_expect_eq(gql_prepare(schema, NULL, &req, &q, &errors), GQL_OK, "%s: %s", op,
                     errors.data != NULL ? errors.data : "");
        gql_buf_finish(&errors);
        if (q != NULL) {
            cr_expect(gql_prepared_operation_name(q) != NULL &&
                          strcmp(gql_prepared_operation_name(q), op) == 0,
                      "%s declares operation %s", path,
                      gql_prepared_operation_name(q) != NULL ? gql_prepared_operation_name(q)
                                                             : "(anonymous)");
            cr_expect_str_eq(gql_prepared_operation_type(q), "query", "%s is not a query", path);
        }
        gql_prepared_destroy(q);
        free(text);

        snprintf(path, sizeof(path), "%s/%s.json", fixtures, op);
        text = fixture_read_file(path, NULL);
        if (text == NULL) {
            cr_expect_fail("%s: no default fixture %s", op, path);
            continue;
        }
        json = cJSON_Parse(text);
        free(text);
        cr_expect_not_null(json, "%s is not JSON", path);
        if (json == NULL)
            continue;
        name = cJSON_GetObjectItemCaseSensitive(json, "operation");
        cr_expect(cJSON_IsString(name) && strcmp(name->valuestring, op) == 0,
                  "%s: \"operation\" is not \"%s\"", path, op);
        cr_expect_null(cJSON_GetObjectItemCaseSensitive(json, "variables"),
                       "%s is the default answer and takes no \"variables\"", path);
        cJSON_Delete(json);
    }
    gql_schema_destroy(schema);
}

Test(fixtures, every_query_document_fits_the_schema)
{
    struct gql_schema *schema = load_schema();
    struct all_sink sink = {0};
    struct gql_shape_report report = {0};
    char qdir[1024];
    size_t i;

    queries_dir(qdir, sizeof(qdir));
    report.fn = all_sink_fn;
    report.user = &sink;
    for (i = 0; i < OPERATION_COUNT; i++) {
        char path[2048];
        size_t len = 0;
        char *text;

        snprintf(path, sizeof(path), "%s/%s.graphql", qdir, OPERATION(i));
        text = fixture_read_file(path, &len);
        if (text == NULL)
            continue; /* reported by the test above */
        sink.file = OPERATION(i);
        fixture_check_document(schema, path, text, len, &report);
        free(text);
    }
    cr_expect_eq(sink.count, 0, "%zu problems in the query documents:\n%s", sink.count,
                 sink.text != NULL ? sink.text : "");
    free(sink.text);
    gql_schema_destroy(schema);
}

/* The first object key under response.data that holds a value (depth first). */
static cJSON *first_member(cJSON *obj, int depth, cJSON **parent)
{
    cJSON *item;

    if (depth > 64)
        return NULL;
    cJSON_ArrayForEach(item, obj)
    {
        if (cJSON_IsObject(item) && item->child != NULL) {
            cJSON *inner = first_member(item, depth + 1, parent);

            if (inner != NULL)
                return inner;
        }
        if (item->string != NULL && !cJSON_IsObject(item) && !cJSON_IsArray(item)) {
            *parent = obj;
            return item;
        }
    }
    return NULL;
}

/*
 * Every fixture of the set has a field key, and the checker (every_fixture_conforms) holds it
 * to what its operation fetches: here each key is broken (an argument changed, or a field
 * renamed for one without arguments) and must be caught.
 */
Test(fixtures, every_fixture_has_a_field_key_the_checker_holds_it_to, .timeout = 50)
{
    const char *dir_path = need_env("ESOMOCK_FIXTURES");
    struct gql_schema *schema = load_schema();
    char qdir[1024];
    struct dirent *de;
    DIR *dir;
    size_t checked = 0;

    queries_dir(qdir, sizeof(qdir));
    dir = opendir(dir_path);
    cr_assert_not_null(dir, "cannot open %s", dir_path);
    for (de = readdir(dir); de != NULL; de = readdir(dir)) {
        char path[2048];
        struct sink sink;
        struct gql_shape_report report = {0};
        size_t len = strlen(de->d_name);
        char *text;
        cJSON *json;
        cJSON *args;
        size_t n;

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
        text = fixture_read_file(path, NULL);
        json = text != NULL ? cJSON_Parse(text) : NULL;
        free(text);
        cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(json, "field"), "%s has no field key",
                           de->d_name);
        args = cJSON_GetObjectItemCaseSensitive(json, "arguments");
        if (args != NULL && args->child != NULL) {
            cJSON *first = args->child;

            cJSON_ReplaceItemViaPointer(args, first,
                                        cJSON_IsString(first) ? cJSON_CreateString("zz")
                                                              : cJSON_CreateNumber(424242));
        } else {
            cJSON_ReplaceItemInObjectCaseSensitive(json, "field",
                                                   cJSON_CreateString("worldData.nothing"));
        }
        memset(&sink, 0, sizeof(sink));
        report.fn = sink_fn;
        report.user = &sink;
        n = fixture_check_envelope(schema, qdir, json, &report);
        cr_expect(n > 0 && (strstr(sink.text, "arguments:") != NULL ||
                            strstr(sink.text, "field:") != NULL),
                  "%s: a broken field key went unnoticed (%zu problems):\n%s", de->d_name, n,
                  sink.text);
        checked++;
        cJSON_Delete(json);
    }
    closedir(dir);
    cr_assert_eq(checked, 77, "%zu fixtures", checked);
    gql_schema_destroy(schema);
}

/* A mutation test of the checker: drop one selected leaf from every conforming
 * fixture; each must then fail with a "missing" problem. */
Test(fixtures, deleting_a_selected_key_is_caught, .timeout = 50)
{
    const char *dir_path = need_env("ESOMOCK_FIXTURES");
    struct gql_schema *schema = load_schema();
    char qdir[1024];
    struct dirent *de;
    DIR *dir;
    size_t mutated = 0;

    queries_dir(qdir, sizeof(qdir));
    dir = opendir(dir_path);
    cr_assert_not_null(dir, "cannot open %s", dir_path);
    for (de = readdir(dir); de != NULL; de = readdir(dir)) {
        char path[2048];
        struct sink sink;
        struct gql_shape_report report = {0};
        size_t len = strlen(de->d_name);
        char *text;
        cJSON *json;
        cJSON *data;
        cJSON *victim;
        cJSON *parent = NULL;
        size_t n;

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
        text = fixture_read_file(path, NULL);
        json = text != NULL ? cJSON_Parse(text) : NULL;
        free(text);
        data = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(json, "response"),
                                                "data");
        victim = cJSON_IsObject(data) ? first_member(data, 0, &parent) : NULL;
        if (victim == NULL) {
            cJSON_Delete(json);
            continue; /* an errors fixture, or data without a leaf */
        }
        cJSON_Delete(cJSON_DetachItemViaPointer(parent, victim));
        memset(&sink, 0, sizeof(sink));
        report.fn = sink_fn;
        report.user = &sink;
        n = fixture_check_envelope(schema, qdir, json, &report);
        cr_expect(n > 0 && strstr(sink.text, "missing") != NULL,
                  "%s: deleting a selected key went unnoticed (%zu problems):\n%s", de->d_name, n,
                  sink.text);
        mutated++;
        cJSON_Delete(json);
    }
    closedir(dir);
    cr_assert(mutated >= 39, "only %zu fixtures could be mutated", mutated);
    gql_schema_destroy(schema);
}
