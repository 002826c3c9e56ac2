#include <string.h>

#include "match_private.h"

bool esomock__json_equals_value(const cJSON *want, const struct gql_value *have)
{
    if (have == NULL)
        return false;
    switch (gql_value_kind(have)) {
    case GQL_VALUE_NULL:
        return cJSON_IsNull(want);
    case GQL_VALUE_INT:
    case GQL_VALUE_FLOAT:
        return cJSON_IsNumber(want) && want->valuedouble == gql_value_float(have);
    case GQL_VALUE_STRING:
    case GQL_VALUE_ENUM:
        return cJSON_IsString(want) && strcmp(want->valuestring, gql_value_string(have)) == 0;
    case GQL_VALUE_BOOLEAN:
        return cJSON_IsBool(want) && cJSON_IsTrue(want) == gql_value_boolean(have);
    case GQL_VALUE_LIST: {
        size_t n = gql_value_count(have);
        if (!cJSON_IsArray(want) || (size_t)cJSON_GetArraySize(want) != n)
            return false;
        const cJSON *item = want->child;
        for (size_t i = 0; i < n; i++, item = item->next) {
            if (!esomock__json_equals_value(item, gql_value_at(have, i)))
                return false;
        }
        return true;
    }
    case GQL_VALUE_OBJECT: {
        size_t n = gql_value_count(have);
        if (!cJSON_IsObject(want) || (size_t)cJSON_GetArraySize(want) != n)
            return false;
        for (const cJSON *item = want->child; item != NULL; item = item->next) {
            if (!esomock__json_equals_value(item, gql_value_get(have, item->string)))
                return false;
        }
        return true;
    }
    }
    return false;
}

bool esomock__json_subset(const cJSON *vars, const cJSON *subset)
{
    for (const cJSON *want = subset->child; want != NULL; want = want->next) {
        const cJSON *have =
            cJSON_IsObject(vars) ? cJSON_GetObjectItemCaseSensitive(vars, want->string) : NULL;
        if (have == NULL || !cJSON_Compare(have, want, 1))
            return false;
    }
    return true;
}

static bool in_window(const struct esomock_rule *rule, double scenario_ms)
{
    if (scenario_ms < rule->window_from_ms)
        return false;
    return rule->window_until_ms < 0 || scenario_ms < rule->window_until_ms;
}

/* The conditions the request line and headers alone decide. */
static bool head_matches(const struct esomock_rule *rule, const struct esomock_request_view *view)
{
    if (!in_window(rule, view->scenario_ms))
        return false;
    if (rule->path != NULL && (view->path == NULL || strcmp(rule->path, view->path) != 0))
        return false;
    for (size_t i = 0; i < rule->header_count; i++) {
        const char *have =
            view->header != NULL ? view->header(view->header_ctx, rule->headers[i].name) : NULL;
        if (have == NULL)
            return false;
        if (rule->headers[i].value != NULL && strcmp(have, rule->headers[i].value) != 0)
            return false;
    }
    return true;
}

static bool rule_needs_body(const struct esomock_rule *rule)
{
    return rule->operation != NULL || rule->any_operation || rule->variables != NULL ||
           rule->field != NULL;
}

/*
 * Does the operation fetch the rule's field (with its arguments)? A field it fetches is the
 * rule's field, or lies below it ("guildData" takes guildData.guild and guildData.guilds);
 * arguments apply to the rule's field itself.
 */
static bool fetches_field(const struct esomock_rule *rule, const struct gql_prepared *prepared)
{
    size_t len = strlen(rule->field);
    size_t n = gql_prepared_root_field_count(prepared);
    for (size_t i = 0; i < n; i++) {
        const char *path = gql_prepared_root_field_path(prepared, i);
        if (strcmp(path, rule->field) == 0) {
            const struct gql_value *args = gql_prepared_root_field_args(prepared, i);
            bool all = true;
            for (const cJSON *a = rule->arguments != NULL ? rule->arguments->child : NULL;
                 a != NULL && all; a = a->next)
                all = esomock__json_equals_value(a, gql_value_get(args, a->string));
            if (all)
                return true;
        } else if (rule->arguments == NULL && strncmp(path, rule->field, len) == 0 &&
                   path[len] == '.') {
            return true;
        }
    }
    return false;
}

enum esomock_head_match esomock__rule_matches_head(const struct esomock_rule *rule,
                                                   const struct esomock_request_view *view)
{
    if (!head_matches(rule, view))
        return ESOMOCK_HEAD_NO;
    /* "operation": "*" asks only for a GraphQL route, which the path already tells. */
    if (rule->any_operation && rule->operation == NULL && rule->variables == NULL)
        return view->graphql_route ? ESOMOCK_HEAD_YES : ESOMOCK_HEAD_NO;
    return rule_needs_body(rule) ? ESOMOCK_HEAD_MAYBE : ESOMOCK_HEAD_YES;
}

bool esomock__rule_matches(const struct esomock_rule *rule, const struct esomock_request_view *view)
{
    if (!head_matches(rule, view))
        return false;
    /* "*": any GraphQL operation, the anonymous one included. */
    if (rule->any_operation && view->operation == NULL && view->prepared == NULL)
        return false;
    if (rule->operation != NULL &&
        (view->operation == NULL || strcmp(rule->operation, view->operation) != 0))
        return false;
    if (rule->field != NULL && (view->prepared == NULL || !fetches_field(rule, view->prepared)))
        return false;
    return rule->variables == NULL || esomock__json_subset(view->variables, rule->variables);
}
