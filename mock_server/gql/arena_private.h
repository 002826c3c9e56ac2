/* Bump allocation for documents, schemas and executions: freed all at once. */
#ifndef GQL_ARENA_PRIVATE_H
#define GQL_ARENA_PRIVATE_H

#include <stddef.h>

struct gql_arena_chunk;

/* Zero-initialise, or gql_arena_init. max 0 means no limit beyond memory. */
struct gql_arena {
    struct gql_arena_chunk *head;
    size_t total; /* bytes handed out, chunks' overhead included */
    size_t max;
};

void gql_arena_init(struct gql_arena *arena, size_t max);
/* Zeroed, 16-aligned memory, or NULL (no memory, or past max). */
void *gql_arena_alloc(struct gql_arena *arena, size_t size);
/* A NUL-terminated copy of s[0..len), or NULL. */
char *gql_arena_strndup(struct gql_arena *arena, const char *s, size_t len);
char *gql_arena_strdup(struct gql_arena *arena, const char *s);
/* Free every chunk; the arena is empty (and reusable) afterwards. */
void gql_arena_finish(struct gql_arena *arena);

#endif
