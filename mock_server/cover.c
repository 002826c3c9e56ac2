/* What the fixtures answer of a document, field by field (cover_private.h). */
#include <string.h>

#include "cover_private.h"

/* A root field the fixture resolver treats as a namespace: no arguments, one object. */
static bool is_namespace(const struct gql_schema *schema, const char *name)
{
    const struct gql_type *query = schema != NULL ? gql_schema_query_type(schema) : NULL;
    const struct gql_field *field = query != NULL ? gql_type_field(query, name) : NULL;
    if (field == NULL)
        return false;
    const struct gql_type_ref *ref = gql_field_type(field);
    if (gql_type_ref_is_non_null(ref))
        ref = gql_type_ref_of(ref);
    return gql_field_arg_count(field) == 0 && !gql_type_ref_is_list(ref) &&
           gql_type_kind(gql_type_ref_named(ref)) == GQL_OBJECT;
}

bool esomock__cover_field(const struct esomock_fixture_set *fixtures,
                          const struct esomock_fixture *envelope, const struct gql_schema *schema,
                          const char *path, const struct gql_value *args)
{
    if (strncmp(path, "__", 2) == 0 || strcmp(path, "rateLimitData") == 0)
        return true; /* introspection and the points model: answered here, live */
    if (envelope != NULL && envelope->data == NULL)
        return true; /* a canned answer: sent whatever the document */
    if (esomock__fixtures_lookup(fixtures, path, args) != NULL)
        return true;
    const char *dot = strchr(path, '.');
    if (dot == NULL) {
        const cJSON *env =
            envelope != NULL ? cJSON_GetObjectItemCaseSensitive(envelope->data, path) : NULL;
        /* A namespace alone is an entry when nothing below it is fetched. */
        return env != NULL || is_namespace(schema, path);
    }
    char ns[ESOMOCK_FIELD_PATH_MAX + 1];
    size_t n = (size_t)(dot - path);
    if (n >= sizeof(ns))
        return false;
    memcpy(ns, path, n);
    ns[n] = '\0';
    const char *member = dot + 1;
    if (envelope != NULL) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(envelope->data, ns);
        if (env != NULL &&
            (!cJSON_IsObject(env) || cJSON_GetObjectItemCaseSensitive(env, member) != NULL))
            return true; /* a null namespace answers everything below it */
    }
    const struct esomock_fixture_entry *whole = esomock__fixtures_lookup(fixtures, ns, NULL);
    return whole != NULL && cJSON_IsObject(whole->data) &&
           cJSON_GetObjectItemCaseSensitive(whole->data, member) != NULL;
}

bool esomock__cover_all(const struct esomock_fixture_set *fixtures,
                        const struct esomock_fixture *envelope, const struct gql_schema *schema,
                        const struct gql_prepared *prepared)
{
    size_t n = gql_prepared_root_field_count(prepared);
    for (size_t i = 0; i < n; i++) {
        if (!esomock__cover_field(fixtures, envelope, schema,
                                  gql_prepared_root_field_path(prepared, i),
                                  gql_prepared_root_field_args(prepared, i)))
            return false;
    }
    return true;
}
