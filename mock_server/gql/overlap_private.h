/* OverlappingFieldsCanBeMerged, a port of graphql-js 16's rule (its own state). */
#ifndef GQL_OVERLAP_PRIVATE_H
#define GQL_OVERLAP_PRIVATE_H

#include "parser_private.h"
#include "schema_private.h"

struct gql_overlap;

/* What the rule needs from the validator. */
struct gql_overlap_host {
    const struct gql_schema *schema;
    struct gql_arena *arena;
    /* The fragment definition named name (the last one of that name), or NULL. */
    const struct gql_ast_definition *(*fragment)(void *user, const char *name);
    /* Report one error: message and n offsets. */
    void (*report)(void *user, const char *message, const uint32_t *offsets, size_t n);
    void *user;
};

struct gql_overlap *gql_overlap_create(const struct gql_overlap_host *host);
/* The rule's SelectionSet visitor. */
void gql_overlap_selection_set(struct gql_overlap *o, const struct gql_type *parent,
                               const struct gql_ast_selection_set *set);

#endif
