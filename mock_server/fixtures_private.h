/*
 * The fixture set: canned answers, chosen by operation name and variables (the envelope
 * key) or by the field a document fetches and its arguments (the field key).
 */
#ifndef ESOMOCK_FIXTURES_PRIVATE_H
#define ESOMOCK_FIXTURES_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <esomock/error.h>

#include "gql.h"

/* A fixture file larger than this is refused at load time. */
#define ESOMOCK_FIXTURE_MAX_BYTES (8u * 1024u * 1024u)
/* Most fields one fixture may answer ("field": [...]). */
#define ESOMOCK_FIXTURE_MAX_FIELDS 16u
/* Longest field path ("guildData.guild"). */
#define ESOMOCK_FIELD_PATH_MAX 255u

struct esomock_fixture {
    char *name;       /* file stem, e.g. "getGuildById.3468" */
    char *path;       /* the file it came from */
    char *operation;  /* the operationName it answers, or NULL (field key only) */
    cJSON *variables; /* object to match as a subset; NULL for the operation's default */
    char **fields;    /* field paths it answers ("guildData.guild"); field_count of them */
    size_t field_count;
    cJSON *arguments;  /* object: the fields' arguments to match as a subset; NULL for none */
    int status;        /* HTTP status to send */
    cJSON *headers;    /* object of string values, or NULL */
    cJSON *response;   /* the response as parsed */
    const cJSON *data; /* response.data when the response is {"data": {...}} alone: the
                          source documents are executed against; NULL otherwise (the
                          response is then sent as is) */
    char *body;        /* the response serialised once at load */
    size_t body_len;
    char *origin; /* "fixture <name>", for messages */
};

/* One field key and the data of every fixture that has it (merged when several do). */
struct esomock_fixture_entry {
    const char *path;       /* borrowed from a fixture */
    const cJSON *arguments; /* borrowed; NULL for none */
    size_t arg_count;
    const cJSON *data; /* the value at path */
    cJSON *merged;     /* owned when several fixtures share the key; data points here */
    char *origin;      /* "fixture a" or "fixtures a, b" */
};

struct esomock_fixture_set {
    char *dir;
    struct esomock_fixture *items; /* sorted by file name */
    size_t count;
    struct esomock_fixture_entry *entries; /* sorted by path, most arguments first */
    size_t entry_count;
};

/*
 * Load every *.json file in @p dir. On failure nothing is returned and @p err
 * (ESOMOCK_ERROR_SIZE bytes, may be NULL) names the file, the position and the problem.
 * The set is immutable after load; free it with esomock__fixtures_free().
 */
enum esomock_status esomock__fixtures_load(const char *dir, struct esomock_fixture_set **out,
                                           char *err);

/*
 * Check the field keys against @p schema: every path names a field (a root field, or a
 * field of a root field's type), every argument one of its arguments; a typo gets a
 * "Did you mean". ESOMOCK_FIXTURE_INVALID with @p err (ESOMOCK_ERROR_SIZE bytes) naming the
 * file otherwise.
 */
enum esomock_status esomock__fixtures_check_schema(const struct esomock_fixture_set *set,
                                                   const struct gql_schema *schema, char *err);

/* Free a set; NULL is a no-op. */
void esomock__fixtures_free(struct esomock_fixture_set *set);

/*
 * The fixture answering @p operation with request @p variables (may be NULL):
 * the one whose variables are a subset of the request's with the most keys,
 * else the operation's default. NULL when the operation has none.
 * The pointer is owned by the set.
 */
const struct esomock_fixture *esomock__fixtures_match(const struct esomock_fixture_set *set,
                                                      const char *operation,
                                                      const cJSON *variables);

/*
 * The entry answering field @p path with coerced arguments @p args (an object value, may be
 * NULL for none): the one whose arguments are a subset of @p args with the most keys. NULL
 * when none. Owned by the set.
 */
const struct esomock_fixture_entry *esomock__fixtures_lookup(const struct esomock_fixture_set *set,
                                                             const char *path,
                                                             const struct gql_value *args);

/* True when @p fx answers field @p path and its arguments are a subset of @p args. */
bool esomock__fixture_answers_field(const struct esomock_fixture *fx, const char *path,
                                    const struct gql_value *args);

/* True when @p fx names field @p path in its field key. */
bool esomock__fixture_has_field(const struct esomock_fixture *fx, const char *path);

/* The fixture whose file stem is @p name, or NULL. Owned by the set. */
const struct esomock_fixture *esomock__fixtures_by_name(const struct esomock_fixture_set *set,
                                                        const char *name);

/* True when at least one fixture answers @p operation. */
bool esomock__fixtures_has_operation(const struct esomock_fixture_set *set, const char *operation);

/*
 * Read a whole file of at most @p max_bytes into a NUL-terminated heap buffer.
 * On failure returns ESOMOCK_IO (or ESOMOCK_OUT_OF_MEMORY) and writes a message to @p err.
 * The caller frees *out with free().
 */
enum esomock_status esomock__read_file(const char *path, size_t max_bytes, char **out,
                                       size_t *out_len, char *err);

/* Write "line L, column C" of @p at within @p text into @p buf. */
void esomock__text_position(const char *text, const char *at, char *buf, size_t size);

#endif
