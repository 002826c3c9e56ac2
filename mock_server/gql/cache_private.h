/* The document cache (cache.c): prepared documents by text, least recently used out. */
#ifndef GQL_CACHE_PRIVATE_H
#define GQL_CACHE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "document_private.h"

/* A referenced document for @p text, or NULL when absent. */
struct gql_document *gql_cache_get(struct gql_cache *cache, const struct gql_schema *schema,
                                   const char *text, size_t len, uint64_t hash);
/* Keep @p doc (takes a reference of its own). */
void gql_cache_put(struct gql_cache *cache, struct gql_document *doc);

#endif
