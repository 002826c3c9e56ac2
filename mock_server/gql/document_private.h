/* A parsed and validated document (shared, reference-counted) and a prepared operation
 * (prepare.c). */
#ifndef GQL_DOCUMENT_PRIVATE_H
#define GQL_DOCUMENT_PRIVATE_H

#include <stdint.h>

#include "errors_private.h"
#include "parser_private.h"
#include "schema_private.h"
#include "value_private.h"

struct gql_document {
    int refs; /* atomic */
    struct gql_arena arena;
    const struct gql_schema *schema;
    char *text; /* the document text (arena) */
    size_t len;
    uint64_t hash;
    const struct gql_ast_document *ast;      /* NULL after a syntax error */
    struct gql_errors errors;                /* syntax or validation errors */
    const struct gql_ast_definition **frags; /* fragments by name, the last of each name */
    size_t nfrags;
    struct gql_name_index frag_index;
};

struct gql_prepared {
    struct gql_document *doc;
    const struct gql_schema *schema;
    const struct gql_ast_definition *op;
    struct gql_arena arena;
    struct gql_value *vars;
    bool roots_done;
    size_t nroots;
    const char **root_paths;
    const struct gql_value **root_args;
};

/* Parse and validate text (always a document, with errors when invalid); NULL without memory. */
struct gql_document *gql_document_build(const struct gql_schema *schema, const char *text,
                                        size_t len, uint64_t hash);
void gql_document_ref(struct gql_document *doc);
void gql_document_unref(struct gql_document *doc);
/* The fragment named name, or NULL. */
const struct gql_ast_definition *gql_document_fragment(const struct gql_document *doc,
                                                       const char *name);
/* FNV-1a 64 of a text. */
uint64_t gql_text_hash(const char *text, size_t len);

#endif
