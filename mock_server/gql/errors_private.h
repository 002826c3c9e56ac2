/* GraphQL errors as graphql-js reports them: message, locations, path. */
#ifndef GQL_ERRORS_PRIVATE_H
#define GQL_ERRORS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena_private.h"
#include "gql.h"

/* One step of a path kept with an error (copied out of the executor's stack). */
struct gql_error_step {
    const char *key; /* NULL for an index */
    size_t index;
};

struct gql_error {
    const char *message;
    uint32_t *offsets; /* byte offsets into the document: its "locations" */
    size_t nlocs;
    struct gql_error_step *path; /* root first; NULL without a path */
    size_t npath;
    const char *category; /* extensions.category; NULL: "graphql" */
    struct gql_error *next;
};

struct gql_errors {
    struct gql_arena *arena;
    const char *src; /* the document, for line:column */
    size_t len;
    struct gql_error *first;
    struct gql_error *last;
    size_t count;
    bool no_memory;
};

void gql_errors_init(struct gql_errors *errs, struct gql_arena *arena, const char *src, size_t len);
/* Add an error (message copied) at n offsets; returns it, or NULL without memory. */
struct gql_error *gql_errors_add(struct gql_errors *errs, const char *message,
                                 const uint32_t *offsets, size_t n);
/* Add a path to an error (copied). */
void gql_error_set_path(struct gql_errors *errs, struct gql_error *err,
                        const struct gql_path *path);
/* Write the errors as a JSON array: [{"message","locations","path","extensions"}]. */
void gql_errors_write(const struct gql_errors *errs, struct gql_buf *buf);

#endif
