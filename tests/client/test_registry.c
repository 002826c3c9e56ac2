/* The operation registry: all 39 documents compiled in, their files present, variable typing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esologs/esologs.h>

#include "registry_private.h"

static const char *const reference[] = {
    "getAbility",
    "getAbilities",
    "getClass",
    "getWorldData",
    "getCharacterById",
    "getCharacterReports",
    "getGuildById",
    "getEncountersByZone",
    "getRegions",
    "getReportByCode",
    "getCharacterEncounterRanking",
    "getCharacterEncounterRankings",
    "getCharacterZoneRankings",
    "getZones",
    "getClasses",
    "getFactions",
    "getItem",
    "getItemSet",
    "getItemSets",
    "getItems",
    "getMap",
    "getMaps",
    "getNPC",
    "getNPCs",
    "getRateLimitData",
    "getReportEvents",
    "getReportGraph",
    "getReportTable",
    "getReportRankings",
    "getReportPlayerDetails",
    "getReports",
    "getGuilds",
    "getGuildByName",
    "getGuildAttendance",
    "getGuildMembers",
    "getProgressRace",
    "getUserById",
    "getCurrentUser",
    "getUserData",
};

Test(registry, all_39_operations_have_documents)
{
    size_t n = sizeof reference / sizeof *reference;
    cr_assert_eq(n, 39, "the reference table has 39 rows");
    cr_assert_eq(eso_operation_count(), n, "registry size");
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(eso_operation_name(i), reference[i], "order %zu", i);
        const char *doc = eso_operation_document(reference[i]);
        cr_assert_not_null(doc, "%s has a compiled-in document", reference[i]);
        char head[128];
        snprintf(head, sizeof head, "query %s", reference[i]);
        cr_assert(strstr(doc, head) != NULL, "%s: document names its operation", reference[i]);
    }
    cr_assert_null(eso_operation_name(n), "past the end");
    cr_assert_null(eso_operation_document("getnothing"), "unknown");
    cr_assert_null(eso_operation_document(NULL), "NULL");
}

Test(registry, graphql_files_exist_in_the_tree)
{
    const char *root = getenv("ESO_SOURCE_ROOT");
    if (root == NULL)
        cr_skip_test("ESO_SOURCE_ROOT not set");
    for (size_t i = 0; i < sizeof reference / sizeof *reference; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/client/queries/%s.graphql", root, reference[i]);
        cr_assert_eq(access(path, R_OK), 0, "%s exists", path);
    }
}

Test(registry, variable_types_from_declarations)
{
    const char *doc = eso_operation_document("getReports");
    cr_assert_eq(eso__variable_type(doc, "guildID"), ESO__VAR_INT, "Int");
    cr_assert_eq(eso__variable_type(doc, "startTime"), ESO__VAR_FLOAT, "Float");
    cr_assert_eq(eso__variable_type(doc, "guildName"), ESO__VAR_STRING, "String");
    cr_assert_eq(eso__variable_type(doc, "guild"), ESO__VAR_UNKNOWN, "prefix of a name is not it");
    cr_assert_eq(eso__variable_type(doc, "nothing"), ESO__VAR_UNKNOWN, "undeclared");
    cr_assert_eq(
        eso__variable_type("query q($a: [Int!], $b: Boolean!, $c: EventDataType) { x }", "a"),
        ESO__VAR_JSON, "list");
    cr_assert_eq(eso__variable_type("query q($a: [Int!], $b: Boolean!) { x }", "b"),
                 ESO__VAR_BOOLEAN, "Boolean");
    cr_assert(eso__document_is_mutation("# c\n mutation m { x }"), "mutation");
    cr_assert(!eso__document_is_mutation("query mutationLike { x }"), "query");
    cr_assert(!eso__document_is_mutation("{ mutation }"), "shorthand query");
}

Test(registry, variables_from_strings_are_typed)
{
    const char *as[] = {"guildID=3468", "startTime=1.5e12", "guildName=The Guild", "limit=10"};
    cJSON *vars = NULL;
    char err[ESO_DETAIL_SIZE] = "";
    cr_assert_eq(eso_variables_from_strings("getReports", as, 4, &vars, err), ESO_OK, "ok: %s",
                 err);
    cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(vars, "guildID")), "Int -> number");
    cr_assert_eq(cJSON_GetObjectItem(vars, "guildID")->valueint, 3468, "value");
    cr_assert_float_eq(cJSON_GetObjectItem(vars, "startTime")->valuedouble, 1.5e12, 1, "Float");
    cr_assert_str_eq(cJSON_GetObjectItem(vars, "guildName")->valuestring, "The Guild", "String");
    cJSON_Delete(vars);
}

Test(registry, variables_from_strings_reject_bad_input)
{
    cJSON *vars = (cJSON *)0x1;
    char err[ESO_DETAIL_SIZE] = "";
    const char *bad_int[] = {"guildId=12x"};
    cr_assert_eq(eso_variables_from_strings("getGuildById", bad_int, 1, &vars, err),
                 ESO_BAD_ARGUMENT, "not an Int");
    cr_assert(strstr(err, "guildId") != NULL, "err: %s", err);
    const char *big[] = {"guildId=99999999999"};
    cr_assert_eq(eso_variables_from_strings("getGuildById", big, 1, &vars, err), ESO_BAD_ARGUMENT,
                 "over Int range");
    const char *unknown[] = {"guildID=1"};
    cr_assert_eq(eso_variables_from_strings("getGuildById", unknown, 1, &vars, err),
                 ESO_BAD_ARGUMENT, "wrong case is another variable");
    cr_assert(strstr(err, "declares no variable") != NULL, "err: %s", err);
    const char *noeq[] = {"guildId"};
    cr_assert_eq(eso_variables_from_strings("getGuildById", noeq, 1, &vars, err), ESO_BAD_ARGUMENT,
                 "no =");
    cr_assert_eq(vars, (cJSON *)0x1, "out untouched on failure");
}

Test(registry, variables_for_unknown_documents_are_json_or_string)
{
    const char *as[] = {"a=1", "b=true", "c=hello", "d=[1,2]"};
    cJSON *vars = NULL;
    cr_assert_eq(eso_variables_from_strings("custom", as, 4, &vars, NULL), ESO_OK, "ok");
    cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(vars, "a")), "number");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(vars, "b")), "bool");
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(vars, "c")), "string");
    cr_assert(cJSON_IsArray(cJSON_GetObjectItem(vars, "d")), "array");
    cJSON_Delete(vars);
}
