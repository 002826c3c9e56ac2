/* The fixture set: canned answers per operation, chosen by request variables. */
#ifndef ESOMOCK_FIXTURES_PRIVATE_H
#define ESOMOCK_FIXTURES_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include <esomock/error.h>

/* A fixture file larger than this is refused at load time. */
#define ESOMOCK_FIXTURE_MAX_BYTES (8u * 1024u * 1024u)

struct esomock_fixture {
    char *name; /* file stem, e.g. "getGuildById.3468" */
    char *path; /* the file it came from */
    char *operation;
    cJSON *variables; /* object to match as a subset; NULL for the operation's default */
    int status;       /* HTTP status to send */
    cJSON *headers;   /* object of string values, or NULL */
    char *body;       /* the response body, serialised once at load */
    size_t body_len;
};

struct esomock_fixture_set {
    char *dir;
    struct esomock_fixture *items; /* sorted by file name */
    size_t count;
};

/*
 * Load every *.json file in @p dir. On failure nothing is returned and @p err
 * (ESOMOCK_ERROR_SIZE bytes, may be NULL) names the file, the position and the problem.
 * The set is immutable after load; free it with esomock__fixtures_free().
 */
enum esomock_status esomock__fixtures_load(const char *dir, struct esomock_fixture_set **out,
                                           char *err);

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
