/*
 * The parser and the AST: executable definitions and the type system (SDL),
 * as graphql-js 16's parse() reads them, with every node's byte offset.
 */
#ifndef GQL_PARSER_PRIVATE_H
#define GQL_PARSER_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena_private.h"

struct gql_name {
    const char *value; /* NUL-terminated; NULL when absent */
    uint32_t off;
};

enum gql_av_kind {
    GQL_AV_VARIABLE,
    GQL_AV_INT,
    GQL_AV_FLOAT,
    GQL_AV_STRING,
    GQL_AV_BOOLEAN,
    GQL_AV_NULL,
    GQL_AV_ENUM,
    GQL_AV_LIST,
    GQL_AV_OBJECT,
};

struct gql_ast_object_field;

/* A value literal. */
struct gql_ast_value {
    enum gql_av_kind kind;
    uint32_t off;
    const char *str; /* number text, decoded string, enum name, variable name */
    size_t len;
    bool boolean;
    bool block;                          /* a block string */
    struct gql_ast_value *items;         /* a list's values */
    struct gql_ast_object_field *fields; /* an object's fields */
    struct gql_ast_value *next;          /* the next item of the enclosing list */
};

struct gql_ast_object_field {
    struct gql_name name;
    uint32_t off;
    struct gql_ast_value *value;
    struct gql_ast_object_field *next;
};

struct gql_ast_argument {
    struct gql_name name;
    uint32_t off;
    struct gql_ast_value *value;
    struct gql_ast_argument *next;
};

struct gql_ast_directive {
    struct gql_name name;
    uint32_t off;
    struct gql_ast_argument *args;
    struct gql_ast_directive *next;
};

enum gql_at_kind { GQL_AT_NAMED, GQL_AT_LIST, GQL_AT_NON_NULL };

struct gql_ast_type {
    enum gql_at_kind kind;
    uint32_t off;
    struct gql_name name; /* GQL_AT_NAMED */
    struct gql_ast_type *of;
};

struct gql_ast_var_def {
    uint32_t off;         /* the '$' */
    struct gql_name name; /* without '$'; off is the '$' as well */
    struct gql_ast_type *type;
    struct gql_ast_value *default_value;
    struct gql_ast_directive *directives;
    struct gql_ast_var_def *next;
};

struct gql_ast_selection_set;

enum gql_sel_kind { GQL_SEL_FIELD, GQL_SEL_SPREAD, GQL_SEL_INLINE };

struct gql_ast_selection {
    enum gql_sel_kind kind;
    uint32_t off;
    struct gql_name alias; /* fields; value NULL without alias */
    struct gql_name name;  /* field name or fragment name */
    struct gql_ast_argument *args;
    struct gql_ast_directive *directives;
    struct gql_ast_type *type_cond; /* inline fragments; NULL without one */
    struct gql_ast_selection_set *sel;
    struct gql_ast_selection *next;
};

struct gql_ast_selection_set {
    uint32_t off;
    struct gql_ast_selection *first;
};

enum gql_op { GQL_OP_QUERY, GQL_OP_MUTATION, GQL_OP_SUBSCRIPTION };

enum gql_def_kind {
    GQL_DEF_OPERATION,
    GQL_DEF_FRAGMENT,
    GQL_DEF_SCHEMA,
    GQL_DEF_SCHEMA_EXT,
    GQL_DEF_TYPE,
    GQL_DEF_TYPE_EXT,
    GQL_DEF_DIRECTIVE,
};

/* Kinds of type definitions (GQL_DEF_TYPE, GQL_DEF_TYPE_EXT). */
enum gql_tdef_kind {
    GQL_TDEF_SCALAR,
    GQL_TDEF_OBJECT,
    GQL_TDEF_INTERFACE,
    GQL_TDEF_UNION,
    GQL_TDEF_ENUM,
    GQL_TDEF_INPUT,
};

/* A name in a list: interfaces, union members, directive locations, root types. */
struct gql_ast_name_list {
    struct gql_name name;
    enum gql_op op; /* schema definitions: which root */
    uint32_t off;
    struct gql_ast_name_list *next;
};

/* The '#' comment block right before a definition (offsets into the source). */
struct gql_comment {
    uint32_t start;
    uint32_t end;
};

struct gql_ast_input_def {
    struct gql_name name;
    uint32_t off;
    const char *description;
    struct gql_comment comment;
    struct gql_ast_type *type;
    struct gql_ast_value *default_value;
    struct gql_ast_directive *directives;
    struct gql_ast_input_def *next;
};

struct gql_ast_field_def {
    struct gql_name name;
    uint32_t off;
    const char *description;
    struct gql_comment comment;
    struct gql_ast_input_def *args;
    struct gql_ast_type *type;
    struct gql_ast_directive *directives;
    struct gql_ast_field_def *next;
};

struct gql_ast_enum_def {
    struct gql_name name;
    uint32_t off;
    const char *description;
    struct gql_comment comment;
    struct gql_ast_directive *directives;
    struct gql_ast_enum_def *next;
};

struct gql_ast_definition {
    enum gql_def_kind kind;
    uint32_t off;
    struct gql_name name; /* NULL value for anonymous operations and schema definitions */
    struct gql_ast_directive *directives;
    /* operations and fragments */
    enum gql_op op;
    struct gql_ast_var_def *vars;
    struct gql_ast_type *type_cond; /* fragments */
    struct gql_ast_selection_set *sel;
    /* the type system */
    enum gql_tdef_kind tkind;
    const char *description;
    struct gql_comment comment;
    struct gql_ast_name_list *names; /* interfaces, union members, locations, root types */
    struct gql_ast_field_def *fields;
    struct gql_ast_input_def *inputs; /* input fields, directive arguments */
    struct gql_ast_enum_def *values;
    bool repeatable;
    struct gql_ast_definition *next;
};

struct gql_ast_document {
    const char *src; /* the text (arena copy, NUL-terminated) */
    size_t len;
    struct gql_ast_definition *defs;
    size_t ntokens;
};

/* A parse error: graphql-js's message ("Syntax Error: ...") and where. */
struct gql_parse_error {
    char message[320];
    uint32_t off;
    bool no_memory;
    bool too_big;
};

/*
 * Parse src[0..len) into arena (which also receives a copy of the text).
 * max_tokens 0: no limit. Returns NULL and fills err on failure.
 */
struct gql_ast_document *gql_parse(struct gql_arena *arena, const char *src, size_t len,
                                   size_t max_tokens, struct gql_parse_error *err);

/* The operation keyword: "query", "mutation", "subscription". */
const char *gql_op_name(enum gql_op op);

#endif
