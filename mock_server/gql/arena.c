/* Bump allocator: chunks of growing size, large requests in their own chunk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena_private.h"

struct gql_arena_chunk {
    struct gql_arena_chunk *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

#define FIRST_CHUNK 4096u
#define BIG_CHUNK (64u * 1024u)

void gql_arena_init(struct gql_arena *arena, size_t max)
{
    memset(arena, 0, sizeof(*arena));
    arena->max = max;
}

void *gql_arena_alloc(struct gql_arena *arena, size_t size)
{
    struct gql_arena_chunk *c = arena->head;
    size_t need = (size + 15u) & ~(size_t)15u;
    size_t csize;
    void *p;

    if (need < size)
        return NULL;
    if (c == NULL || c->size - c->used < need) {
        csize = c == NULL ? FIRST_CHUNK : (c->size < BIG_CHUNK ? c->size * 2 : BIG_CHUNK);
        if (csize < need)
            csize = need;
        if (csize > SIZE_MAX - sizeof(*c))
            return NULL;
        if (arena->max != 0 && arena->total + csize + sizeof(*c) > arena->max)
            return NULL;
        c = malloc(sizeof(*c) + csize);
        if (c == NULL)
            return NULL;
        c->size = csize;
        c->used = 0;
        arena->total += csize + sizeof(*c);
        if (arena->head != NULL && need > BIG_CHUNK / 2) {
            /* A large block: keep the current chunk in front for the small ones. */
            c->next = arena->head->next;
            arena->head->next = c;
        } else {
            c->next = arena->head;
            arena->head = c;
        }
    }
    p = c->data + c->used;
    c->used += need;
    memset(p, 0, size);
    return p;
}

char *gql_arena_strndup(struct gql_arena *arena, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = gql_arena_alloc(arena, len + 1);
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *gql_arena_strdup(struct gql_arena *arena, const char *s)
{
    return gql_arena_strndup(arena, s, strlen(s));
}

void gql_arena_finish(struct gql_arena *arena)
{
    struct gql_arena_chunk *c = arena->head;

    while (c != NULL) {
        struct gql_arena_chunk *next = c->next;

        free(c);
        c = next;
    }
    arena->head = NULL;
    arena->total = 0;
}
