/*
 * gql_shape: checks that a canned GraphQL answer has exactly the shape that a
 * query document selects from a schema.
 *
 * Test-only code: it proves that eso-mock's fixtures are answers a real
 * client accepts. It reads three things:
 *
 *   - a schema in SDL (type, interface, union, enum, input, scalar, directive,
 *     schema and extend definitions; descriptions and comments are skipped; a
 *     type defined twice keeps its first definition);
 *   - a query document holding exactly one operation and any number of
 *     fragments;
 *   - the JSON "data" object of an answer.
 *
 * and reports, one call per problem, every selected field that is missing,
 * every key that was not selected, every null in a non-null position and every
 * value of the wrong kind. Problems in the query document itself (unknown
 * fields, arguments, types, variables, fragments) are reported too.
 *
 * Memory: every handle is created by a *_parse or *_load function and freed by
 * the matching *_destroy, which accepts NULL. Strings returned by accessors
 * belong to the handle and stay valid until it is destroyed.
 *
 * Threads: a parsed schema or query is never modified afterwards, so one may
 * be shared by several threads that validate at the same time. The functions
 * that parse JSON (gql_check_fixture) call cJSON, which records parse errors in
 * a global; that record is never read here.
 *
 * Limits: selection sets, types, values and JSON are followed at most
 * GQL_MAX_DEPTH levels deep, files are read up to GQL_MAX_FILE bytes, and one
 * validation does at most GQL_MAX_WORK steps, so hostile input ends in an
 * error, not a crash.
 */
#ifndef GQL_SHAPE_H
#define GQL_SHAPE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Deepest nesting followed in documents, values and JSON. */
#define GQL_MAX_DEPTH 64
/* Largest file gql_file_read, *_load and gql_check_fixture accept, in bytes. */
#define GQL_MAX_FILE (16u * 1024u * 1024u)
/* Most field-collection steps one validation may take. */
#define GQL_MAX_WORK 20000000ul
/* Size of a buffer that always holds a parse error message. */
#define GQL_ERROR_SIZE 256

/* Status codes. Append only: never remove or renumber a code. */
enum gql_status {
    GQL_OK = 0,
    GQL_BAD_ARGUMENT, /* a required argument was NULL or out of range */
    GQL_NO_MEMORY,    /* an allocation failed */
    GQL_SYNTAX,       /* the SDL or query document is malformed */
    GQL_TOO_DEEP,     /* nesting deeper than GQL_MAX_DEPTH */
    GQL_TOO_BIG,      /* a file or document beyond its size limit */
    GQL_IO,           /* a file could not be opened or read */
    GQL_INVALID,      /* well formed but unusable, e.g. a field of unknown type */
};

/**
 * Describe a status code.
 * @param status any value.
 * @return a static string; never NULL.
 */
const char *gql_strerror(enum gql_status status);

/* A parsed schema. Opaque. */
struct gql_schema;
/* A parsed query document (one operation plus its fragments). Opaque. */
struct gql_query;

/*
 * Where problems go. Zero-initialise it: a NULL fn only counts problems, and
 * NULL labels take the defaults given below.
 */
struct gql_report {
    /*
     * Called once per problem. path names where the problem is, message says
     * what was expected and what was found. Both strings are valid only during
     * the call.
     */
    void (*fn)(void *user, const char *path, const char *message);
    /* Passed to fn untouched. */
    void *user;
    /* Path prefix for problems in the query document, usually its file name
     * (then followed by ":line:col"). NULL means "query". */
    const char *query_label;
    /* Path of the data object, e.g. "response.data". NULL means "data". */
    const char *data_path;
};

/**
 * Read a whole file into memory.
 * @param path file to read.
 * @param max_bytes largest size accepted; 0 means GQL_MAX_FILE.
 * @param out on GQL_OK, a NUL-terminated copy of the file; the caller frees it
 *            with free(). Untouched otherwise.
 * @param out_len on GQL_OK, the size in bytes (without the NUL). May be NULL.
 * @return GQL_OK, GQL_BAD_ARGUMENT, GQL_IO, GQL_TOO_BIG or GQL_NO_MEMORY.
 */
enum gql_status gql_file_read(const char *path, size_t max_bytes, char **out, size_t *out_len);

/**
 * Parse a schema written in SDL.
 * @param text the SDL; need not be NUL-terminated; only read during the call.
 * @param len length of text in bytes.
 * @param out on GQL_OK, the new schema; free it with gql_schema_destroy().
 *            Untouched otherwise.
 * @param err on failure, a message "line:col: what" (may be NULL).
 * @param err_size size of err in bytes; GQL_ERROR_SIZE always suffices.
 * @return GQL_OK, GQL_BAD_ARGUMENT, GQL_SYNTAX, GQL_INVALID, GQL_TOO_DEEP,
 *         GQL_TOO_BIG or GQL_NO_MEMORY.
 */
enum gql_status gql_schema_parse(const char *text, size_t len, struct gql_schema **out, char *err,
                                 size_t err_size);

/**
 * Read a file with gql_file_read() and parse it with gql_schema_parse().
 * @param path the SDL file. Other parameters as for gql_schema_parse(); err
 *        then starts with the path.
 */
enum gql_status gql_schema_load(const char *path, struct gql_schema **out, char *err,
                                size_t err_size);

/**
 * Free a schema.
 * @param schema a schema from gql_schema_parse() or gql_schema_load(), or NULL.
 */
void gql_schema_destroy(struct gql_schema *schema);

/**
 * Parse a query document: exactly one operation (query, mutation or
 * subscription) plus any number of fragment definitions. Field arguments and
 * directives are kept for checking. The document is not checked against a
 * schema here; gql_validate() does that.
 * @param text the document; need not be NUL-terminated; only read during the
 *        call.
 * @param len length of text in bytes.
 * @param out on GQL_OK, the new query; free it with gql_query_destroy().
 *        Untouched otherwise.
 * @param err on failure, a message "line:col: what" (may be NULL).
 * @param err_size size of err in bytes; GQL_ERROR_SIZE always suffices.
 * @return GQL_OK, GQL_BAD_ARGUMENT, GQL_SYNTAX, GQL_INVALID, GQL_TOO_DEEP,
 *         GQL_TOO_BIG or GQL_NO_MEMORY.
 */
enum gql_status gql_query_parse(const char *text, size_t len, struct gql_query **out, char *err,
                                size_t err_size);

/**
 * Read a file with gql_file_read() and parse it with gql_query_parse().
 * @param path the query document. Other parameters as for gql_query_parse();
 *        err then starts with the path.
 */
enum gql_status gql_query_load(const char *path, struct gql_query **out, char *err,
                               size_t err_size);

/**
 * Free a query.
 * @param query a query from gql_query_parse() or gql_query_load(), or NULL.
 */
void gql_query_destroy(struct gql_query *query);

/**
 * @return the operation's name, or NULL for an anonymous operation (or a NULL
 *         query). Owned by the query.
 */
const char *gql_query_operation_name(const struct gql_query *query);

/**
 * @return "query", "mutation" or "subscription"; NULL for a NULL query. Static.
 */
const char *gql_query_operation_type(const struct gql_query *query);

/**
 * @return the number of variables the operation declares (0 for NULL).
 */
size_t gql_query_variable_count(const struct gql_query *query);

/**
 * @param index 0 .. gql_query_variable_count() - 1, in declaration order.
 * @return the variable's name without '$', or NULL when index is out of range.
 *         Owned by the query.
 */
const char *gql_query_variable_name(const struct gql_query *query, size_t index);

/**
 * @param index as for gql_query_variable_name().
 * @return the variable's declared type as written in GraphQL, e.g. "Int!" or
 *         "[String]", or NULL when index is out of range. Owned by the query.
 */
const char *gql_query_variable_type(const struct gql_query *query, size_t index);

/**
 * Check a query document against a schema, then check a "data" object
 * against the query's selection set.
 *
 * Rules for the data: every selected field (keyed by its alias when it has
 * one) must be present; keys that were not selected are problems; a non-null
 * type must not be null; a list must be an array whose elements match the
 * element type; Int is an integral number within int32, Float a number,
 * String a string, ID a string or an integral number, Boolean a bool, JSON
 * anything, any other custom scalar anything; an enum is one of its values as
 * a string; an object type is an object matched against the sub-selection.
 * Inline fragments and fragment spreads apply by type condition, using
 * "__typename" to tell the concrete type of an interface or union when it is
 * selected (without it, fields of fragments that may not apply are optional).
 * A field with @skip or @include whose condition is a variable is optional.
 *
 * @param schema the schema.
 * @param query the query.
 * @param data the "data" member of an answer; NULL checks the query only.
 * @param report where problems go (may be NULL: count only).
 * @return the number of problems found; 0 means the data conforms.
 */
size_t gql_validate(const struct gql_schema *schema, const struct gql_query *query,
                    const cJSON *data, const struct gql_report *report);

/**
 * Check a fixture envelope
 * {"operation", "variables"?, "description"?, "status"?, "headers"?,
 *  "response": {"data": {...}}}
 * against queries_dir/<operation>.graphql and the schema: the envelope's
 * members (no other keys; status an integer 100..599; headers an object of
 * strings), the query's operation name (it must equal "operation"), the
 * variables (each must be declared by the query and fit its type) and
 * response.data with gql_validate(). The response holds only data, errors
 * and extensions. Without "errors" it must carry "data", an object. With
 * "errors" (a non-empty list of objects with a string "message") the data
 * may be null or absent; a default fixture (one without "variables") that
 * answers with errors is a problem. Fixture variables given as booleans
 * decide @skip/@include conditions on them.
 * report->query_label and report->data_path are ignored: problems in the
 * query are labelled "<queries_dir>/<operation>.graphql:line:col", problems
 * in the envelope by its member ("operation", "variables.id") and data paths
 * start "response.data".
 * @param schema the schema.
 * @param queries_dir directory of <operationName>.graphql files.
 * @param envelope the parsed fixture.
 * @param report where problems go (may be NULL: count only).
 * @return the number of problems found.
 */
size_t gql_check_envelope(const struct gql_schema *schema, const char *queries_dir,
                          const cJSON *envelope, const struct gql_report *report);

/**
 * Read and parse the fixture file at fixture_path, then gql_check_envelope().
 * A file that cannot be read or is not JSON is one problem (path "$"). The
 * problems do not name the fixture file: the report's fn adds it if wanted.
 * @return the number of problems found.
 */
size_t gql_check_fixture(const struct gql_schema *schema, const char *queries_dir,
                         const char *fixture_path, const struct gql_report *report);

#endif /* GQL_SHAPE_H */
