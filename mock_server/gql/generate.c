/*
 * Values for fields no data provides: deterministic (a hash of the seed, the
 * field names and list indices of the path and the arguments on it), type
 * correct, never null, and consistent with the lookup that fetched the object:
 * a field named like an argument of the field that produced its object takes
 * that argument's value (guild(id: 3468) { id } answers 3468).
 */
#include <stdio.h>
#include <string.h>

#include "execute_private.h"

uint64_t gql_hash_mix(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
    return h;
}

static uint64_t finish(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

size_t gql_generate_list_length(uint64_t hash)
{
    return 2 + (size_t)(finish(hash) % 2);
}

/* The argument of the fetching field named like this field, when its kind fits. */
static bool from_argument(struct gql_exec *ex, const struct gql_type *t, const char *name,
                          const struct gql_value *args, struct gql_source *out)
{
    const struct gql_value *v = gql_value_get(args, name);

    if (v == NULL)
        return false;
    switch (t->builtin) {
    case GQL_BUILTIN_INT:
        if (v->kind != GQL_VALUE_INT)
            return false;
        out->kind = GQL_SOURCE_INT;
        out->i = v->i;
        return true;
    case GQL_BUILTIN_FLOAT:
        if (v->kind != GQL_VALUE_INT && v->kind != GQL_VALUE_FLOAT)
            return false;
        out->kind = GQL_SOURCE_FLOAT;
        out->f = gql_value_float(v);
        return true;
    case GQL_BUILTIN_STRING:
    case GQL_BUILTIN_ID:
        if (v->kind == GQL_VALUE_STRING) {
            out->kind = GQL_SOURCE_STRING;
            out->s = v->s;
            return true;
        }
        if (v->kind == GQL_VALUE_INT && t->builtin == GQL_BUILTIN_ID) {
            char num[32];

            snprintf(num, sizeof(num), "%lld", (long long)v->i);
            out->kind = GQL_SOURCE_STRING;
            out->s = gql_exec_strdup(ex, num);
            return out->s != NULL;
        }
        return false;
    case GQL_BUILTIN_BOOLEAN:
        if (v->kind != GQL_VALUE_BOOLEAN)
            return false;
        out->kind = GQL_SOURCE_BOOLEAN;
        out->b = v->b;
        return true;
    case GQL_BUILTIN_NONE:
        if (t->kind == GQL_ENUM && v->kind == GQL_VALUE_ENUM) {
            out->kind = GQL_SOURCE_STRING;
            out->s = v->s;
            return true;
        }
        return false;
    }
    return false;
}

void gql_generate_leaf(struct gql_exec *ex, const struct gql_type *t, const char *field_name,
                       const struct gql_value *fetch_args, uint64_t hash, struct gql_source *out)
{
    uint64_t h = finish(hash);
    char text[96];

    if (fetch_args != NULL && from_argument(ex, t, field_name, fetch_args, out))
        return;
    switch (t->builtin) {
    case GQL_BUILTIN_INT:
        out->kind = GQL_SOURCE_INT;
        out->i = (int64_t)(h % 1000) + 1;
        return;
    case GQL_BUILTIN_FLOAT:
        out->kind = GQL_SOURCE_FLOAT;
        out->f = (double)(h % 1000000) / 100.0;
        return;
    case GQL_BUILTIN_BOOLEAN:
        out->kind = GQL_SOURCE_BOOLEAN;
        out->b = (h & 1) != 0;
        return;
    case GQL_BUILTIN_ID:
        snprintf(text, sizeof(text), "%llu", (unsigned long long)(h % 100000) + 1);
        break;
    case GQL_BUILTIN_STRING:
        snprintf(text, sizeof(text), "%.60s %llu", field_name, (unsigned long long)(h % 10000));
        break;
    case GQL_BUILTIN_NONE:
        if (t->kind == GQL_ENUM && t->nvalues > 0) {
            out->kind = GQL_SOURCE_STRING;
            out->s = t->values[h % t->nvalues].name;
            return;
        }
        /* A custom scalar (JSON): an empty object. */
        out->kind = GQL_SOURCE_JSON;
        out->json = NULL;
        return;
    }
    out->kind = GQL_SOURCE_STRING;
    out->s = gql_exec_strdup(ex, text);
    if (out->s == NULL) {
        out->kind = GQL_SOURCE_ERROR;
        out->s = "Out of memory.";
    }
}
