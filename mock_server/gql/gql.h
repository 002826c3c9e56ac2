/*
 * libesogql: eso-mock's GraphQL engine (docs/graphql.md).
 *
 * An internal static library (never installed): the GraphQL executable-document
 * grammar, a schema loaded from SDL, validation with graphql-js 16's rules and
 * wording, variable coercion, execution through a resolver, introspection, a
 * cache of prepared documents and a checker of result shapes.
 *
 * The request path:
 *
 *   gql_schema_load()                        once, at start
 *   gql_prepare(schema, cache, text, ...)     per request: parse + validate (cached),
 *                                             select the operation, coerce variables
 *     -> an error answer (HTTP 200, {"errors":[...]}, no "data"), or
 *     -> a prepared operation: gql_prepared_root_field*() tell what it asks for
 *   gql_execute(prepared, resolver, buf)      {"data":...,"errors":[...]} bytes
 *   gql_prepared_destroy()
 *
 * Memory: every handle comes from a create, load or prepare function and is
 * freed by the matching destroy function, which accepts NULL. Strings and values
 * returned by accessors belong to the handle they came from.
 *
 * Threads: a loaded schema is never modified: share it between threads. A cache
 * has its own lock: share it too. A prepared operation belongs to one thread at a
 * time.
 */
#ifndef GQL_H
#define GQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Largest document accepted, in bytes. */
#define GQL_MAX_DOCUMENT (1024u * 1024u)
/* Most tokens in one document (graphql-js's maxTokens option). */
#define GQL_MAX_TOKENS 50000u
/* Deepest nesting of selection sets, values and type references. */
#define GQL_MAX_DEPTH 64u
/* Largest SDL file gql_schema_load reads. */
#define GQL_MAX_SCHEMA (16u * 1024u * 1024u)
/* Size of a buffer that always holds a load error message. */
#define GQL_ERROR_SIZE 512
/* Largest answer gql_execute writes (the buffer's default cap). */
#define GQL_MAX_ANSWER (64u * 1024u * 1024u)

/* Status codes. Append only: never remove or renumber a code. */
enum gql_status {
    GQL_OK = 0,
    GQL_BAD_ARGUMENT, /* a required argument was NULL or out of range */
    GQL_NO_MEMORY,    /* an allocation failed */
    GQL_SYNTAX,       /* an SDL or query document is malformed */
    GQL_INVALID,      /* well formed but unusable (unknown type in SDL, invalid document) */
    GQL_TOO_BIG,      /* beyond a size limit */
    GQL_TOO_DEEP,     /* nested deeper than GQL_MAX_DEPTH */
    GQL_IO,           /* a file could not be read */
    GQL_ERRORS,       /* gql_prepare: the request has errors; the answer holds them */
};

/**
 * Describe a status code.
 * @return a static string; never NULL.
 */
const char *gql_strerror(enum gql_status status);

/* ------------------------------------------------------------------------ */
/* Output buffer                                                            */
/* ------------------------------------------------------------------------ */

/*
 * A growable byte buffer with a hard maximum. Zero-initialise it (max 0 means
 * GQL_MAX_ANSWER) or use gql_buf_init. Once an append would pass max, the buffer
 * is marked failed and later appends do nothing.
 */
struct gql_buf {
    char *data; /* NUL-terminated when len > 0; owned, free with gql_buf_finish */
    size_t len;
    size_t cap;
    size_t max; /* bytes; 0 means GQL_MAX_ANSWER */
    bool failed;
};

/** Prepare an empty buffer of at most max bytes (0: GQL_MAX_ANSWER). */
void gql_buf_init(struct gql_buf *buf, size_t max);
/** Free the buffer's memory; the struct may be reused after gql_buf_init. */
void gql_buf_finish(struct gql_buf *buf);
/** Append len bytes. @return false when the buffer failed (memory or max). */
bool gql_buf_append(struct gql_buf *buf, const void *data, size_t len);
/** Append a NUL-terminated string. */
bool gql_buf_puts(struct gql_buf *buf, const char *s);
/** Append s[0..len) as a JSON string literal (quotes included, valid UTF-8 out). */
bool gql_buf_json_string(struct gql_buf *buf, const char *s, size_t len);
/** Append a double as JavaScript's JSON.stringify writes it (null when not finite). */
bool gql_buf_json_number(struct gql_buf *buf, double value);

/* ------------------------------------------------------------------------ */
/* Schema                                                                   */
/* ------------------------------------------------------------------------ */

struct gql_schema;
struct gql_type;
struct gql_field;
struct gql_input_value;
struct gql_type_ref;

enum gql_type_kind {
    GQL_SCALAR,
    GQL_OBJECT,
    GQL_INTERFACE,
    GQL_UNION,
    GQL_ENUM,
    GQL_INPUT_OBJECT,
};

/**
 * Parse a schema in SDL. The standard scalars, the introspection types and the
 * directives @include, @skip, @deprecated and @specifiedBy are built in; an SDL
 * that declares them again keeps the built-in types and its own directives (as
 * graphql-js's buildASTSchema does). A type declared twice keeps its first
 * definition (the ESO Logs dump declares GuildPagination twice).
 * @param sdl the text (need not be NUL-terminated); read during the call only.
 * @param out on GQL_OK the schema; free with gql_schema_destroy. Untouched otherwise.
 * @param err on failure "line:col: what" (may be NULL); err_size its size.
 * @return GQL_OK, GQL_BAD_ARGUMENT, GQL_SYNTAX, GQL_INVALID, GQL_TOO_BIG or GQL_NO_MEMORY.
 */
enum gql_status gql_schema_parse(const char *sdl, size_t len, struct gql_schema **out, char *err,
                                 size_t err_size);

/**
 * Read a file (at most GQL_MAX_SCHEMA bytes) and gql_schema_parse it; err then
 * starts with the path. Adds GQL_IO to gql_schema_parse's codes.
 */
enum gql_status gql_schema_load(const char *path, struct gql_schema **out, char *err,
                                size_t err_size);

/** Free a schema (NULL is a no-op). */
void gql_schema_destroy(struct gql_schema *schema);

/** @return the named type, or NULL. Owned by the schema. */
const struct gql_type *gql_schema_type(const struct gql_schema *schema, const char *name);
/** @return the query root type; never NULL for a loaded schema. */
const struct gql_type *gql_schema_query_type(const struct gql_schema *schema);
/** @return the number of types, built-ins included. */
size_t gql_schema_type_count(const struct gql_schema *schema);
/** @return type i in introspection order, or NULL past the end. */
const struct gql_type *gql_schema_type_at(const struct gql_schema *schema, size_t i);

enum gql_type_kind gql_type_kind(const struct gql_type *type);
const char *gql_type_name(const struct gql_type *type);
/** @return the SDL description (a string or block string before it), or NULL. */
const char *gql_type_description(const struct gql_type *type);
/** @return true for object, interface and union types. */
bool gql_type_is_composite(const struct gql_type *type);
/** @return true for scalars and enums. */
bool gql_type_is_leaf(const struct gql_type *type);
/** Fields of an object or interface type, in SDL order (0 for others). */
size_t gql_type_field_count(const struct gql_type *type);
const struct gql_field *gql_type_field_at(const struct gql_type *type, size_t i);
/** @return the field named name, or NULL. */
const struct gql_field *gql_type_field(const struct gql_type *type, const char *name);
/** Values of an enum type, in SDL order (0 for others). */
size_t gql_type_enum_count(const struct gql_type *type);
const char *gql_type_enum_at(const struct gql_type *type, size_t i);
/** Fields of an input object type (0 for others). */
size_t gql_type_input_count(const struct gql_type *type);
const struct gql_input_value *gql_type_input_at(const struct gql_type *type, size_t i);
/** Object types of a union, or implementing an interface; for an object type, itself. */
size_t gql_type_possible_count(const struct gql_type *type);
const struct gql_type *gql_type_possible_at(const struct gql_type *type, size_t i);

const char *gql_field_name(const struct gql_field *field);
const char *gql_field_description(const struct gql_field *field);
/**
 * The '#' comment lines right above the field in the SDL, joined by '\n' without
 * the '#', or NULL. The ESO Logs schema writes its argument documentation there
 * ("limit: ... The maximum allowed value is 100"); graphql-js ignores comments, so
 * introspection does not show them.
 */
const char *gql_field_comment(const struct gql_field *field);
const struct gql_type_ref *gql_field_type(const struct gql_field *field);
size_t gql_field_arg_count(const struct gql_field *field);
const struct gql_input_value *gql_field_arg_at(const struct gql_field *field, size_t i);
const struct gql_input_value *gql_field_arg(const struct gql_field *field, const char *name);

const char *gql_input_value_name(const struct gql_input_value *value);
const char *gql_input_value_description(const struct gql_input_value *value);
const char *gql_input_value_comment(const struct gql_input_value *value);
const struct gql_type_ref *gql_input_value_type(const struct gql_input_value *value);
/** @return the default value as GraphQL source text (e.g. "10"), or NULL when none. */
const char *gql_input_value_default(const struct gql_input_value *value);

/** A type reference: a named type wrapped in lists and non-nulls. */
bool gql_type_ref_is_non_null(const struct gql_type_ref *ref);
bool gql_type_ref_is_list(const struct gql_type_ref *ref);
/** @return the wrapped reference of a list or non-null, NULL for a named type. */
const struct gql_type_ref *gql_type_ref_of(const struct gql_type_ref *ref);
/** @return the named type at the bottom. */
const struct gql_type *gql_type_ref_named(const struct gql_type_ref *ref);
/** Write the reference as GraphQL spells it ("[Int!]!") into out[size]; @return out. */
const char *gql_type_ref_print(const struct gql_type_ref *ref, char *out, size_t size);

/**
 * graphql-js's suggestionList: the options close enough to input by lexical
 * distance, closest first; writes at most max pointers (into options) to out.
 * @return how many were written.
 */
size_t gql_suggestion_list(const char *input, const char *const *options, size_t noptions,
                           const char **out, size_t max);

/* ------------------------------------------------------------------------ */
/* Values: coerced arguments and variables                                  */
/* ------------------------------------------------------------------------ */

/*
 * A coerced input value (an argument or a variable after coercion). Owned by
 * the prepared operation or the execution that produced it.
 */
struct gql_value;

enum gql_value_kind {
    GQL_VALUE_NULL,
    GQL_VALUE_INT,     /* Int */
    GQL_VALUE_FLOAT,   /* Float */
    GQL_VALUE_STRING,  /* String, ID, custom scalars given as strings */
    GQL_VALUE_BOOLEAN, /* Boolean */
    GQL_VALUE_ENUM,    /* an enum value's name */
    GQL_VALUE_LIST,
    GQL_VALUE_OBJECT, /* an input object, or a custom scalar given as an object */
};

enum gql_value_kind gql_value_kind(const struct gql_value *value);
int64_t gql_value_int(const struct gql_value *value);
double gql_value_float(const struct gql_value *value); /* Int values too */
/** @return the string or enum name (NUL-terminated), or NULL for other kinds. */
const char *gql_value_string(const struct gql_value *value);
bool gql_value_boolean(const struct gql_value *value);
/** Items of a list, members of an object (count, then by index). */
size_t gql_value_count(const struct gql_value *value);
const struct gql_value *gql_value_at(const struct gql_value *value, size_t i);
/** @return the member name of object member i, or NULL. */
const char *gql_value_key_at(const struct gql_value *value, size_t i);
/** @return the object member named key, or NULL. */
const struct gql_value *gql_value_get(const struct gql_value *value, const char *key);
/** Append the value as JSON (numbers as JSON.stringify writes them). */
bool gql_value_write_json(const struct gql_value *value, struct gql_buf *buf);

/* ------------------------------------------------------------------------ */
/* Documents, the cache and prepared operations                             */
/* ------------------------------------------------------------------------ */

/* A parsed and validated document, shared (reference-counted) through the cache. */
struct gql_document;
/* A bounded cache of parsed and validated documents, keyed by the text. */
struct gql_cache;
/* One operation of a document with its coerced variables, ready to execute. */
struct gql_prepared;

/**
 * Create a cache of at most max_entries documents (0: 256) and max_bytes of
 * document text (0: 8 MiB); the least recently used entry goes first.
 * @return the cache (free with gql_cache_destroy), or NULL without memory.
 */
struct gql_cache *gql_cache_create(size_t max_entries, size_t max_bytes);
/** Free a cache (NULL is a no-op). Documents still held by prepared operations live on. */
void gql_cache_destroy(struct gql_cache *cache);
/** Counters since creation. */
struct gql_cache_stats {
    uint64_t hits;
    uint64_t misses;
    uint64_t evictions;
    size_t entries;
};
void gql_cache_stats(const struct gql_cache *cache, struct gql_cache_stats *out);

/* What gql_prepare needs besides the text. Zero-initialise it. */
struct gql_request {
    const char *query;          /* the document text; need not be NUL-terminated */
    size_t query_len;           /* its length in bytes */
    const char *operation_name; /* NULL or "" when the request names none */
    const cJSON *variables;     /* an object, or NULL for none; read during the call */
    /* A required variable that is missing is no error (checking fixtures, whose
     * envelopes omit them); @skip/@include on it then count as unknown. */
    bool lenient_variables;
};

/**
 * Parse and validate the document (or take it from the cache), pick the
 * operation and coerce the variables, as graphql-js's graphql() does before
 * it executes.
 * @param cache NULL parses every time.
 * @param out on GQL_OK the prepared operation (free with gql_prepared_destroy).
 * @param errors on GQL_ERRORS (may be NULL): the answer to send as is,
 *        {"errors":[{"message","locations","extensions":{"category":"graphql"}}]}
 *        without "data", HTTP 200. The caller frees it with gql_buf_finish.
 * @return GQL_OK, GQL_ERRORS (syntax, validation, operation name or variable
 *         errors), GQL_BAD_ARGUMENT or GQL_NO_MEMORY.
 */
enum gql_status gql_prepare(const struct gql_schema *schema, struct gql_cache *cache,
                            const struct gql_request *request, struct gql_prepared **out,
                            struct gql_buf *errors);

/** Free a prepared operation (NULL is a no-op). */
void gql_prepared_destroy(struct gql_prepared *prepared);

/** @return the operation's name, or NULL when anonymous. */
const char *gql_prepared_operation_name(const struct gql_prepared *prepared);
/** @return "query", "mutation" or "subscription". */
const char *gql_prepared_operation_type(const struct gql_prepared *prepared);
/** @return the coerced variables as an object value (possibly empty). */
const struct gql_value *gql_prepared_variables(const struct gql_prepared *prepared);

/*
 * The fields an operation fetches, following fragments, after @skip and
 * @include: a root field with arguments, or that is not an object, or whose
 * selected fields are all leaves without arguments (rateLimitData), is one
 * entry; any other root field (a namespace such as guildData) gives one entry
 * per field selected below it: e.g. "guildData.guild" with {id: 3468}.
 * Scenario matching, fixture choice and the journal use these.
 */
size_t gql_prepared_root_field_count(const struct gql_prepared *prepared);
/** @return the dotted path of field names ("guildData.guild"), or NULL past the end. */
const char *gql_prepared_root_field_path(const struct gql_prepared *prepared, size_t i);
/** @return the coerced arguments of the last field of the path, as an object value. */
const struct gql_value *gql_prepared_root_field_args(const struct gql_prepared *prepared, size_t i);

/*
 * A fold over the fields an operation selects, before it runs (graphql-php's
 * QueryComplexity works this way): fragments and @skip/@include applied, the fields
 * of one response key merged, arguments coerced with their defaults. Meta fields
 * (__typename, __schema, __type) are not visited.
 */
struct gql_walk_field {
    const struct gql_type *parent_type;
    const struct gql_field *field;
    const struct gql_value *args; /* coerced arguments (an object value) */
    unsigned depth;               /* 0 for a field of the root type */
};

struct gql_walker {
    /* The weight of @p f given the summed weights of its own selection (0 for a leaf). */
    double (*field)(void *user, const struct gql_walk_field *f, double children);
    void *user;
    size_t max_fields; /* fields visited at most (0: 100000); past it the walk gives up */
};

/**
 * The sum of walker->field over the operation's root selection.
 * @return the sum; INFINITY when the walk visited more than max_fields fields or nested
 *         deeper than 3 * GQL_MAX_DEPTH; -1 on a NULL argument or without memory.
 */
double gql_prepared_walk(const struct gql_prepared *prepared, const struct gql_walker *walker);

/* ------------------------------------------------------------------------ */
/* Execution and resolvers                                                  */
/* ------------------------------------------------------------------------ */

/* One execution; resolvers allocate from it what must live until the answer is written. */
struct gql_exec;

/* A step of a response path: a key or a list index. */
struct gql_path {
    const struct gql_path *prev; /* NULL at the root */
    const char *key;             /* the response key (alias or name); NULL for an index */
    const char *field_name;      /* the field's name (NULL for an index) */
    size_t index;
};

/** Write the path as "a.b[2].c" into out[size]; @return out. */
const char *gql_path_print(const struct gql_path *path, char *out, size_t size);

enum gql_source_kind {
    GQL_SOURCE_NOT_PROVIDED =
        0,              /* no value: generated from the schema (or an error in strict mode) */
    GQL_SOURCE_NULL,    /* null */
    GQL_SOURCE_JSON,    /* a borrowed cJSON value (lives until gql_execute returns) */
    GQL_SOURCE_HANDLE,  /* an object: the resolver's opaque handle; its fields are resolved by it */
    GQL_SOURCE_LIST,    /* a list of count items of the resolver's own; items via list_item */
    GQL_SOURCE_ERROR,   /* a field error: message (and category) */
    GQL_SOURCE_INT,     /* a scalar: i */
    GQL_SOURCE_FLOAT,   /* a scalar: f */
    GQL_SOURCE_STRING,  /* a scalar or an enum value: s (NUL-terminated) */
    GQL_SOURCE_BOOLEAN, /* a scalar: b */
};

/*
 * What a resolver returns for a field, and what it is given back as the parent
 * of the field's own fields. Strings must live until gql_execute returns
 * (gql_exec_strdup gives such copies).
 */
struct gql_source {
    enum gql_source_kind kind;
    const cJSON *json;     /* GQL_SOURCE_JSON */
    void *handle;          /* GQL_SOURCE_HANDLE, GQL_SOURCE_LIST */
    size_t count;          /* GQL_SOURCE_LIST: the number of items */
    int64_t i;             /* GQL_SOURCE_INT */
    double f;              /* GQL_SOURCE_FLOAT */
    bool b;                /* GQL_SOURCE_BOOLEAN */
    const char *s;         /* GQL_SOURCE_STRING; GQL_SOURCE_ERROR: the message */
    const char *category;  /* GQL_SOURCE_ERROR: extensions.category (NULL: "graphql") */
    const char *type_name; /* an object of an interface or union: its concrete type (NULL:
                              "__typename" of a JSON object, else the first possible type) */
    const char *origin;    /* where the data comes from (a fixture's name), for messages;
                              inherited by the fields below when NULL */
};

/* What the executor tells a resolver about the field it asks for. */
struct gql_field_info {
    const struct gql_type *parent_type;
    const struct gql_field *field;
    const char *field_name;
    const struct gql_value *args; /* coerced arguments (an object value; defaults applied) */
    const struct gql_path *path;  /* the field's response path */
    struct gql_exec *exec;
};

struct gql_resolver {
    /*
     * Resolve info's field of parent (at the root: the root source given to
     * gql_execute). Fill out (zeroed by the caller). NULL: gql_resolve_default.
     */
    void (*resolve)(void *user, const struct gql_source *parent, const struct gql_field_info *info,
                    struct gql_source *out);
    /* Item index of a GQL_SOURCE_LIST source (info: the list's field). */
    void (*list_item)(void *user, const struct gql_source *list, size_t index,
                      const struct gql_field_info *info, struct gql_source *out);
    void *user;
};

/**
 * The default resolver: a JSON object parent gives its member named after the
 * field (a missing member: GQL_SOURCE_NOT_PROVIDED); other parents give
 * GQL_SOURCE_NOT_PROVIDED.
 */
void gql_resolve_default(void *user, const struct gql_source *parent,
                         const struct gql_field_info *info, struct gql_source *out);

/** Copy a string into the execution's memory. @return the copy, NULL without memory. */
const char *gql_exec_strdup(struct gql_exec *exec, const char *s);
/** Zeroed memory that lives until gql_execute returns; NULL without memory. */
void *gql_exec_alloc(struct gql_exec *exec, size_t size);

/* Options of one execution. Zero-initialise. */
struct gql_exec_options {
    const struct gql_resolver *resolver; /* NULL: gql_resolve_default on the root source */
    struct gql_source root;              /* the root value (kind 0: none) */
    /* A field the data lacks is an error naming the path and the origin, instead of
     * a generated value. */
    bool strict;
    /* Mixed into generated values: the same seed, document, arguments and path give
     * the same bytes. */
    uint64_t seed;
};

/**
 * Execute a prepared operation and append its answer to out as graphql-js's
 * execute() answers: {"data":...}, or {"errors":[...],"data":...} when fields
 * failed (null propagated to the nearest nullable parent). An operation type
 * the schema lacks (mutation, subscription) answers {"errors":[...],"data":null}.
 * @return GQL_OK, GQL_BAD_ARGUMENT, GQL_NO_MEMORY or GQL_TOO_BIG (out reached its max).
 */
enum gql_status gql_execute(const struct gql_prepared *prepared,
                            const struct gql_exec_options *options, struct gql_buf *out);

/* ------------------------------------------------------------------------ */
/* Result shapes                                                            */
/* ------------------------------------------------------------------------ */

/* Where shape problems go; zero-initialise (NULL fn only counts). */
struct gql_shape_report {
    void (*fn)(void *user, const char *path, const char *message);
    void *user;
    const char *data_path; /* prefix of paths, e.g. "response.data"; NULL means "data" */
};

/**
 * Check that data is exactly the answer the prepared operation selects:
 * every selected key present (under its alias), no other key, non-null not
 * null, lists arrays, Int an integral int32, Float a number, String a string,
 * ID a string or integer, Boolean a bool, enums one of their values, objects
 * by their sub-selection; fragments apply by type condition ("__typename" of
 * the object decides for abstract types).
 * @return the number of problems (0: conforms).
 */
size_t gql_shape_check(const struct gql_prepared *prepared, const cJSON *data,
                       const struct gql_shape_report *report);

#endif /* GQL_H */
