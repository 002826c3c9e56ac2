/* Choosing the operation a GraphQL request runs. */
#include <string.h>

#include <criterion/criterion.h>

#include "gql_document_private.h"

static enum esomock_gql_find choose(const char *doc, const char *wanted, char *name, char *why)
{
    return esomock__gql_choose_operation(doc, strlen(doc), wanted, name, why, 256);
}

Test(gql_document, first_named_operation_without_operation_name)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    cr_assert_eq(choose("query getZones { worldData { zones { id } } }", NULL, name, why),
                 ESOMOCK_GQL_FOUND, "%s", why);
    cr_assert_str_eq(name, "getZones");
}

Test(gql_document, operation_name_selects_among_several)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    const char *doc = "query a { x }\nquery b($id: Int!) { y(id: $id) }\nmutation c { z }";
    cr_assert_eq(choose(doc, "b", name, why), ESOMOCK_GQL_FOUND, "%s", why);
    cr_assert_str_eq(name, "b");
    cr_assert_eq(choose(doc, "c", name, why), ESOMOCK_GQL_FOUND, "%s", why);
    cr_assert_str_eq(name, "c");
}

Test(gql_document, keywords_inside_strings_comments_and_fields_are_not_operations)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    const char *doc = "# query commented { x }\n"
                      "\"\"\"query inBlockString { }\"\"\"\n"
                      "query real { search(text: \"query fake { }\") { query } }";
    cr_assert_eq(choose(doc, NULL, name, why), ESOMOCK_GQL_FOUND, "%s", why);
    cr_assert_str_eq(name, "real");
    cr_assert_eq(choose(doc, "fake", name, why), ESOMOCK_GQL_UNKNOWN_NAME);
    cr_assert(strstr(why, "fake") != NULL, "why names the operation: %s", why);
}

Test(gql_document, fragments_are_skipped)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    const char *doc = "fragment G on Guild { id name }\nquery getGuildById { guild { ...G } }";
    cr_assert_eq(choose(doc, NULL, name, why), ESOMOCK_GQL_FOUND, "%s", why);
    cr_assert_str_eq(name, "getGuildById");
}

Test(gql_document, anonymous_only_needs_a_name)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    cr_assert_eq(choose("{ worldData { zones { id } } }", NULL, name, why), ESOMOCK_GQL_ANONYMOUS);
    cr_assert_eq(choose("query { x }", NULL, name, why), ESOMOCK_GQL_ANONYMOUS);
    cr_assert_eq(choose("query ($a: Int) { x }", NULL, name, why), ESOMOCK_GQL_ANONYMOUS);
}

Test(gql_document, syntax_errors_carry_a_position)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    cr_assert_eq(choose("query a {\n  x(s: \"open)\n}", NULL, name, why), ESOMOCK_GQL_SYNTAX);
    cr_assert(strstr(why, "line 2") != NULL, "position in: %s", why);
    cr_assert_eq(choose("query a { x }}", NULL, name, why), ESOMOCK_GQL_SYNTAX);
    cr_assert_eq(choose("query a { x", NULL, name, why), ESOMOCK_GQL_SYNTAX);
    cr_assert_eq(choose("query a { x ~ }", NULL, name, why), ESOMOCK_GQL_SYNTAX);
    cr_assert(strstr(why, "unexpected character") != NULL, "%s", why);
}

Test(gql_document, empty_and_definition_free_documents)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    cr_assert_eq(choose("", NULL, name, why), ESOMOCK_GQL_NO_OPERATION);
    cr_assert_eq(choose("  # only a comment", NULL, name, why), ESOMOCK_GQL_NO_OPERATION);
    cr_assert_eq(choose("fragment F on X { y }", NULL, name, why), ESOMOCK_GQL_NO_OPERATION);
}

Test(gql_document, overlong_names_are_refused)
{
    char doc[ESOMOCK_OPNAME_MAX + 64];
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    memcpy(doc, "query ", 6);
    memset(doc + 6, 'a', ESOMOCK_OPNAME_MAX + 1);
    memcpy(doc + 6 + ESOMOCK_OPNAME_MAX + 1, " { x }", 7);
    cr_assert_eq(choose(doc, NULL, name, why), ESOMOCK_GQL_NAME_TOO_LONG);
}

Test(gql_document, length_bounds_the_scan)
{
    char name[ESOMOCK_OPNAME_MAX + 1] = "", why[256] = "";
    const char *doc = "query cut { x } query beyond { y }";
    cr_assert_eq(esomock__gql_choose_operation(doc, 15, "beyond", name, why, sizeof(why)),
                 ESOMOCK_GQL_UNKNOWN_NAME);
}
