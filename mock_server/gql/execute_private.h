/* The executor's internals shared with generation and introspection. */
#ifndef GQL_EXECUTE_PRIVATE_H
#define GQL_EXECUTE_PRIVATE_H

#include "context_private.h"
#include "document_private.h"
#include "errors_private.h"

/* Response key -> the field nodes merged under it, in selection order (CollectFields). */
struct gql_cfield {
    const char *key;
    const struct gql_ast_selection **nodes;
    size_t n;
    size_t cap;
    size_t certain; /* nodes included for sure (unknown_ok: the others hang on a
                       @skip/@include whose variable has no value) */
};

struct gql_cfields {
    struct gql_cfield *items;
    size_t n;
    size_t cap;
    const char **visited; /* fragment names */
    size_t nvisited;
    size_t visited_cap;
};

/*
 * CollectFields for runtime type over set. unknown_ok: a @skip/@include whose
 * variable has no value counts as "include" (root-field listing, shape checks)
 * instead of an error. Returns false with *message (arena) and *off on an error
 * of a directive's argument.
 */
bool gql_collect_fields(struct gql_arena *arena, const struct gql_schema *schema,
                        const struct gql_document *doc, const struct gql_value *vars,
                        const struct gql_type *type, const struct gql_ast_selection_set *set,
                        struct gql_cfields *out, bool unknown_ok, const char **message,
                        uint32_t *off);

/* Introspection (introspect.c): fields of __schema, __type and the introspection types. */
void gql_introspect_resolve(struct gql_exec *ex, const struct gql_source *parent,
                            const struct gql_type *parent_type, const struct gql_field *field,
                            const struct gql_value *args, struct gql_source *out);
void gql_introspect_item(struct gql_exec *ex, const struct gql_source *list, size_t index,
                         struct gql_source *out);

/* Generation (generate.c): a leaf value for a field that no data provides. */
void gql_generate_leaf(struct gql_exec *ex, const struct gql_type *type, const char *field_name,
                       const struct gql_value *fetch_args, uint64_t hash, struct gql_source *out);
/* How many items a generated list has (2 or 3). */
size_t gql_generate_list_length(uint64_t hash);
/* Mix a string or a number into a generation hash. */
uint64_t gql_hash_mix(uint64_t h, const void *data, size_t len);

#endif
