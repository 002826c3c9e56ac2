/* Coerced input values (arguments, variables): construction in an arena. */
#ifndef GQL_VALUE_PRIVATE_H
#define GQL_VALUE_PRIVATE_H

#include "arena_private.h"
#include "gql.h"

struct gql_value {
    enum gql_value_kind kind;
    int64_t i;
    double f;
    bool b;
    const char *s; /* strings and enum names, NUL-terminated */
    size_t len;
    struct gql_value **items; /* lists and objects */
    const char **keys;        /* objects */
    size_t count;
};

/* A value of kind with room for n items (lists, objects); NULL without memory. */
struct gql_value *gql_value_new(struct gql_arena *arena, enum gql_value_kind kind, size_t n);
extern const struct gql_value gql_value_null;

#endif
