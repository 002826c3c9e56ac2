/* A document: its text parsed and validated once, shared by reference count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coerce_private.h"
#include "document_private.h"
#include "lexer_private.h"
#include "validate_private.h"

/* 8 bytes at a time: the cache hashes every request's document text. */
uint64_t gql_text_hash(const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ len;

    while (len >= 8) {
        uint64_t v;

        memcpy(&v, text, 8);
        h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 29;
        text += 8;
        len -= 8;
    }
    while (len > 0) {
        h = (h ^ (unsigned char)*text++) * 1099511628211ull;
        len--;
    }
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 32);
}

static const char *frag_name_at(const void *items, size_t i)
{
    return ((const struct gql_ast_definition *const *)items)[i]->name.value;
}

struct gql_document *gql_document_build(const struct gql_schema *schema, const char *text,
                                        size_t len, uint64_t hash)
{
    struct gql_document *doc = calloc(1, sizeof(*doc));
    struct gql_parse_error perr;
    struct gql_arena scratch;

    if (doc == NULL)
        return NULL;
    doc->refs = 1;
    doc->schema = schema;
    doc->hash = hash;
    gql_arena_init(&doc->arena, 0);
    doc->text = gql_arena_strndup(&doc->arena, text, len);
    if (doc->text == NULL)
        goto oom;
    doc->len = len;
    gql_errors_init(&doc->errors, &doc->arena, doc->text, len);
    if (len > GQL_MAX_DOCUMENT) {
        char msg[128];

        snprintf(msg, sizeof(msg), "Syntax Error: Document larger than %u bytes. Parsing aborted.",
                 GQL_MAX_DOCUMENT);
        gql_errors_add(&doc->errors, msg, NULL, 0);
        return doc;
    }
    doc->ast = gql_parse(&doc->arena, doc->text, len, GQL_MAX_TOKENS, &perr);
    if (doc->ast == NULL) {
        if (perr.no_memory)
            goto oom;
        gql_errors_add(&doc->errors, perr.message, &perr.off, 1);
        return doc;
    }
    {
        const struct gql_ast_definition *d;
        size_t n = 0;
        size_t i;

        for (d = doc->ast->defs; d != NULL; d = d->next)
            n += d->kind == GQL_DEF_FRAGMENT;
        doc->frags = gql_arena_alloc(&doc->arena, (n ? n : 1) * sizeof(*doc->frags));
        if (doc->frags == NULL)
            goto oom;
        i = n;
        for (d = doc->ast->defs; d != NULL; d = d->next)
            if (d->kind == GQL_DEF_FRAGMENT)
                doc->frags[--i] = d; /* reversed: the index keeps the first, the last defined */
        doc->nfrags = n;
        if (!gql_index_build(&doc->arena, &doc->frag_index, n, frag_name_at, doc->frags))
            goto oom;
    }
    /* Validation scratch lives only for the run; the errors go to the document. */
    gql_arena_init(&scratch, 0);
    gql_validate(schema, doc->ast, &scratch, &doc->errors);
    gql_arena_finish(&scratch);
    if (doc->errors.no_memory)
        goto oom;
    return doc;
oom:
    gql_document_unref(doc);
    return NULL;
}

void gql_document_ref(struct gql_document *doc)
{
    __atomic_add_fetch(&doc->refs, 1, __ATOMIC_RELAXED);
}

void gql_document_unref(struct gql_document *doc)
{
    if (doc == NULL || __atomic_sub_fetch(&doc->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    gql_arena_finish(&doc->arena);
    free(doc);
}

const struct gql_ast_definition *gql_document_fragment(const struct gql_document *doc,
                                                       const char *name)
{
    long i = gql_index_find(&doc->frag_index, name, frag_name_at, doc->frags);

    return i < 0 ? NULL : doc->frags[i];
}

/* {"errors":[...]} */
