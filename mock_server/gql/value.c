/* Coerced values and their JSON form. */
#include <stdio.h>
#include <string.h>

#include "value_private.h"

const struct gql_value gql_value_null = {.kind = GQL_VALUE_NULL};

struct gql_value *gql_value_new(struct gql_arena *arena, enum gql_value_kind kind, size_t n)
{
    struct gql_value *v = gql_arena_alloc(arena, sizeof(*v));

    if (v == NULL)
        return NULL;
    v->kind = kind;
    if (n > 0) {
        v->items = gql_arena_alloc(arena, n * sizeof(*v->items));
        if (v->items == NULL)
            return NULL;
        if (kind == GQL_VALUE_OBJECT) {
            v->keys = gql_arena_alloc(arena, n * sizeof(*v->keys));
            if (v->keys == NULL)
                return NULL;
        }
    }
    return v;
}

enum gql_value_kind gql_value_kind(const struct gql_value *value)
{
    return value != NULL ? value->kind : GQL_VALUE_NULL;
}

int64_t gql_value_int(const struct gql_value *value)
{
    if (value == NULL)
        return 0;
    return value->kind == GQL_VALUE_FLOAT ? (int64_t)value->f : value->i;
}

double gql_value_float(const struct gql_value *value)
{
    if (value == NULL)
        return 0;
    return value->kind == GQL_VALUE_INT ? (double)value->i : value->f;
}

const char *gql_value_string(const struct gql_value *value)
{
    if (value == NULL || (value->kind != GQL_VALUE_STRING && value->kind != GQL_VALUE_ENUM))
        return NULL;
    return value->s;
}

bool gql_value_boolean(const struct gql_value *value)
{
    return value != NULL && value->kind == GQL_VALUE_BOOLEAN && value->b;
}

size_t gql_value_count(const struct gql_value *value)
{
    if (value == NULL || (value->kind != GQL_VALUE_LIST && value->kind != GQL_VALUE_OBJECT))
        return 0;
    return value->count;
}

const struct gql_value *gql_value_at(const struct gql_value *value, size_t i)
{
    return i < gql_value_count(value) ? value->items[i] : NULL;
}

const char *gql_value_key_at(const struct gql_value *value, size_t i)
{
    if (value == NULL || value->kind != GQL_VALUE_OBJECT || i >= value->count)
        return NULL;
    return value->keys[i];
}

const struct gql_value *gql_value_get(const struct gql_value *value, const char *key)
{
    size_t i;

    if (value == NULL || value->kind != GQL_VALUE_OBJECT || key == NULL)
        return NULL;
    for (i = 0; i < value->count; i++)
        if (strcmp(value->keys[i], key) == 0)
            return value->items[i];
    return NULL;
}

bool gql_value_write_json(const struct gql_value *v, struct gql_buf *buf)
{
    char num[32];
    size_t i;

    if (v == NULL)
        return gql_buf_puts(buf, "null");
    switch (v->kind) {
    case GQL_VALUE_NULL:
        return gql_buf_puts(buf, "null");
    case GQL_VALUE_INT:
        snprintf(num, sizeof(num), "%lld", (long long)v->i);
        return gql_buf_puts(buf, num);
    case GQL_VALUE_FLOAT:
        return gql_buf_json_number(buf, v->f);
    case GQL_VALUE_STRING:
    case GQL_VALUE_ENUM:
        return gql_buf_json_string(buf, v->s, v->len);
    case GQL_VALUE_BOOLEAN:
        return gql_buf_puts(buf, v->b ? "true" : "false");
    case GQL_VALUE_LIST:
        gql_buf_puts(buf, "[");
        for (i = 0; i < v->count; i++) {
            if (i > 0)
                gql_buf_puts(buf, ",");
            gql_value_write_json(v->items[i], buf);
        }
        return gql_buf_puts(buf, "]");
    case GQL_VALUE_OBJECT:
        gql_buf_puts(buf, "{");
        for (i = 0; i < v->count; i++) {
            if (i > 0)
                gql_buf_puts(buf, ",");
            gql_buf_json_string(buf, v->keys[i], strlen(v->keys[i]));
            gql_buf_puts(buf, ":");
            gql_value_write_json(v->items[i], buf);
        }
        return gql_buf_puts(buf, "}");
    }
    return false;
}
