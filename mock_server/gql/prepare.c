/*
 * gql_prepare: what graphql-js's graphql() does before execution. Parse and
 * validate (or take the document from the cache), pick the operation
 * (getOperation's messages), coerce the variables. Every failure becomes the
 * answer a graphql-js server sends: HTTP 200, {"errors":[...]}, no "data".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_private.h"
#include "coerce_private.h"
#include "document_private.h"

static void write_errors(const struct gql_errors *errs, struct gql_buf *out)
{
    if (out == NULL)
        return;
    gql_buf_puts(out, "{\"errors\":");
    gql_errors_write(errs, out);
    gql_buf_puts(out, "}");
}

/* getOperation: NULL with *message set when there is none to run. */
static const struct gql_ast_definition *pick_operation(const struct gql_ast_document *ast,
                                                       const char *name, char *message, size_t size)
{
    const struct gql_ast_definition *d;
    const struct gql_ast_definition *op = NULL;

    for (d = ast->defs; d != NULL; d = d->next) {
        if (d->kind != GQL_DEF_OPERATION)
            continue;
        if (name == NULL) {
            if (op != NULL) {
                snprintf(message, size,
                         "Must provide operation name if query contains multiple operations.");
                return NULL;
            }
            op = d;
        } else if (d->name.value != NULL && strcmp(d->name.value, name) == 0) {
            op = d;
        }
    }
    if (op == NULL) {
        if (name != NULL) {
            int n = (int)(strlen(name) < 200 ? strlen(name) : 200);

            snprintf(message, size, "Unknown operation named \"%.*s\".", n, name);
        } else {
            snprintf(message, size, "Must provide an operation.");
        }
    }
    return op;
}

static enum gql_status prepare(const struct gql_schema *schema, struct gql_cache *cache,
                               const struct gql_request *req, bool lenient,
                               struct gql_prepared **out, struct gql_buf *errors)
{
    uint64_t hash;
    struct gql_document *doc = NULL;
    struct gql_prepared *p = NULL;
    struct gql_errors errs;
    char message[300];
    const char *name;
    enum gql_status rc = GQL_NO_MEMORY;

    if (schema == NULL || req == NULL || out == NULL || (req->query == NULL && req->query_len > 0))
        return GQL_BAD_ARGUMENT;
    hash = gql_text_hash(req->query != NULL ? req->query : "", req->query_len);
    if (cache != NULL)
        doc = gql_cache_get(cache, schema, req->query, req->query_len, hash);
    if (doc == NULL) {
        doc =
            gql_document_build(schema, req->query != NULL ? req->query : "", req->query_len, hash);
        if (doc == NULL)
            return GQL_NO_MEMORY;
        if (cache != NULL)
            gql_cache_put(cache, doc);
    }
    if (doc->errors.count > 0) {
        write_errors(&doc->errors, errors);
        rc = GQL_ERRORS;
        goto out;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL)
        goto out;
    gql_arena_init(&p->arena, 0);
    p->doc = doc;
    p->schema = schema;
    name =
        req->operation_name != NULL && req->operation_name[0] != '\0' ? req->operation_name : NULL;
    gql_errors_init(&errs, &p->arena, doc->text, doc->len);
    p->op = pick_operation(doc->ast, name, message, sizeof(message));
    if (p->op == NULL) {
        gql_errors_add(&errs, message, NULL, 0);
        write_errors(&errs, errors);
        rc = GQL_ERRORS;
        goto out;
    }
    if (!gql_coerce_variables(schema, &p->arena, p->op, req->variables, lenient, &errs, &p->vars)) {
        if (errs.no_memory)
            goto out;
        write_errors(&errs, errors);
        rc = GQL_ERRORS;
        goto out;
    }
    *out = p;
    return GQL_OK;
out:
    if (p != NULL) {
        gql_arena_finish(&p->arena);
        free(p);
    }
    gql_document_unref(doc);
    if (errors != NULL && errors->failed && rc == GQL_ERRORS)
        rc = GQL_TOO_BIG;
    return rc;
}

enum gql_status gql_prepare(const struct gql_schema *schema, struct gql_cache *cache,
                            const struct gql_request *request, struct gql_prepared **out,
                            struct gql_buf *errors)
{
    return prepare(schema, cache, request, request != NULL && request->lenient_variables, out,
                   errors);
}

void gql_prepared_destroy(struct gql_prepared *prepared)
{
    if (prepared == NULL)
        return;
    gql_document_unref(prepared->doc);
    gql_arena_finish(&prepared->arena);
    free(prepared);
}

const char *gql_prepared_operation_name(const struct gql_prepared *prepared)
{
    return prepared != NULL ? prepared->op->name.value : NULL;
}

const char *gql_prepared_operation_type(const struct gql_prepared *prepared)
{
    return prepared != NULL ? gql_op_name(prepared->op->op) : NULL;
}

const struct gql_value *gql_prepared_variables(const struct gql_prepared *prepared)
{
    return prepared != NULL ? prepared->vars : NULL;
}
