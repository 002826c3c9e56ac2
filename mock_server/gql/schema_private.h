/* The type system: a schema built from SDL, read by every other module. */
#ifndef GQL_SCHEMA_PRIVATE_H
#define GQL_SCHEMA_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena_private.h"
#include "gql.h"
#include "parser_private.h"

/* An open-addressing index from names to positions (slots hold position + 1). */
struct gql_name_index {
    uint32_t *slots;
    uint32_t mask;
};

enum gql_ref_kind { GQL_REF_NAMED, GQL_REF_LIST, GQL_REF_NON_NULL };

struct gql_type_ref {
    enum gql_ref_kind kind;
    const struct gql_type_ref *of; /* lists and non-nulls */
    struct gql_type *named;        /* GQL_REF_NAMED */
};

enum gql_builtin {
    GQL_BUILTIN_NONE,
    GQL_BUILTIN_INT,
    GQL_BUILTIN_FLOAT,
    GQL_BUILTIN_STRING,
    GQL_BUILTIN_BOOLEAN,
    GQL_BUILTIN_ID
};

struct gql_input_value {
    const char *name;
    const char *description;
    const char *comment;
    const struct gql_type_ref *type;
    const struct gql_ast_value *default_value; /* the SDL literal, NULL without default */
    const char *default_text;                  /* astFromValue(default) printed, or NULL */
    bool deprecated;
    const char *deprecation_reason;
};

struct gql_field {
    const char *name;
    const char *description;
    const char *comment;
    const struct gql_type_ref *type;
    struct gql_input_value *args;
    size_t nargs;
    bool deprecated;
    const char *deprecation_reason;
};

struct gql_enum_value {
    const char *name;
    const char *description;
    bool deprecated;
    const char *deprecation_reason;
};

struct gql_type {
    enum gql_type_kind kind;
    const char *name;
    const char *description;
    const char *specified_by;
    enum gql_builtin builtin;
    bool introspection; /* __Schema, __Type, ... */
    uint32_t index;     /* position in the schema's type list */
    struct gql_field *fields;
    size_t nfields;
    struct gql_name_index field_index;
    struct gql_type **interfaces;
    size_t ninterfaces;
    struct gql_type **possible; /* union members; objects implementing an interface */
    size_t npossible;
    struct gql_enum_value *values;
    size_t nvalues;
    struct gql_name_index value_index;
    struct gql_input_value *inputs;
    size_t ninputs;
    struct gql_name_index input_index;
    const struct gql_type_ref *ref; /* a reference to this named type */
};

/* Directive locations as bits, in the order of the spec's DirectiveLocation enum. */
enum gql_dloc {
    GQL_DLOC_QUERY,
    GQL_DLOC_MUTATION,
    GQL_DLOC_SUBSCRIPTION,
    GQL_DLOC_FIELD,
    GQL_DLOC_FRAGMENT_DEFINITION,
    GQL_DLOC_FRAGMENT_SPREAD,
    GQL_DLOC_INLINE_FRAGMENT,
    GQL_DLOC_VARIABLE_DEFINITION,
    GQL_DLOC_SCHEMA,
    GQL_DLOC_SCALAR,
    GQL_DLOC_OBJECT,
    GQL_DLOC_FIELD_DEFINITION,
    GQL_DLOC_ARGUMENT_DEFINITION,
    GQL_DLOC_INTERFACE,
    GQL_DLOC_UNION,
    GQL_DLOC_ENUM,
    GQL_DLOC_ENUM_VALUE,
    GQL_DLOC_INPUT_OBJECT,
    GQL_DLOC_INPUT_FIELD_DEFINITION,
    GQL_DLOC_COUNT,
};

struct gql_directive_def {
    const char *name;
    const char *description;
    struct gql_input_value *args;
    size_t nargs;
    uint8_t locations[GQL_DLOC_COUNT]; /* in declaration order: enum gql_dloc values */
    size_t nlocations;
    bool repeatable;
};

struct gql_schema {
    struct gql_arena arena;
    struct gql_type **types; /* introspection order */
    size_t ntypes;
    struct gql_name_index type_index;
    struct gql_type *query;
    struct gql_type *mutation;
    struct gql_type *subscription;
    struct gql_directive_def *directives;
    size_t ndirectives;
    const char *description;
    /* __schema, __type(name:) on the query type, __typename everywhere */
    struct gql_field schema_field;
    struct gql_field type_field;
    struct gql_field typename_field;
    const struct gql_type *string_type;
    const struct gql_type *boolean_type;
};

extern const char gql_builtin_sdl[];
extern const char *const gql_dloc_names[GQL_DLOC_COUNT];

/* FNV-1a of a NUL-terminated name. */
uint32_t gql_name_hash(const char *s);
/* Build idx over n items; name_at(items, i) gives item i's name. */
bool gql_index_build(struct gql_arena *arena, struct gql_name_index *idx, size_t n,
                     const char *(*name_at)(const void *items, size_t i), const void *items);
/* The position of name, or -1. */
long gql_index_find(const struct gql_name_index *idx, const char *name,
                    const char *(*name_at)(const void *items, size_t i), const void *items);

const struct gql_type *gql_schema_find_type(const struct gql_schema *schema, const char *name);
const struct gql_field *gql_find_field(const struct gql_type *type, const char *name);
const struct gql_enum_value *gql_find_enum_value(const struct gql_type *type, const char *name);
const struct gql_input_value *gql_find_input(const struct gql_type *type, const char *name);
const struct gql_input_value *gql_find_arg(const struct gql_input_value *args, size_t nargs,
                                           const char *name);
const struct gql_directive_def *gql_schema_directive(const struct gql_schema *schema,
                                                     const char *name);
/* The root type of an operation kind, or NULL. */
const struct gql_type *gql_schema_root(const struct gql_schema *schema, enum gql_op op);
/* Resolve an AST type reference against the schema (arena allocation); NULL when a
 * named type is unknown or memory ran out. */
const struct gql_type_ref *gql_type_from_ast(const struct gql_schema *schema,
                                             struct gql_arena *arena,
                                             const struct gql_ast_type *ast);
/* The named type under lists and non-nulls. */
const struct gql_type *gql_ref_named(const struct gql_type_ref *ref);
/* Strip one non-null. */
const struct gql_type_ref *gql_ref_nullable(const struct gql_type_ref *ref);
bool gql_ref_equal(const struct gql_type_ref *a, const struct gql_type_ref *b);
void gql_ref_write(struct gql_buf *buf, const struct gql_type_ref *ref);
bool gql_is_input_ref(const struct gql_type_ref *ref);
bool gql_is_output_ref(const struct gql_type_ref *ref);
bool gql_is_composite(const struct gql_type *type);
bool gql_is_leaf(const struct gql_type *type);
bool gql_is_abstract(const struct gql_type *type);
/* schema.isSubType(abstract, maybeSub) */
bool gql_is_sub_type(const struct gql_type *abstract, const struct gql_type *sub);
/* graphql-js's isTypeSubTypeOf and doTypesOverlap. */
bool gql_type_sub_type_of(const struct gql_type_ref *maybe_sub, const struct gql_type_ref *super);
bool gql_types_overlap(const struct gql_type *a, const struct gql_type *b);
/* The field definition for a selection on parent (meta-fields included), or NULL. */
const struct gql_field *gql_field_def(const struct gql_schema *schema,
                                      const struct gql_type *parent, const char *name);

#endif
