/*
 * The execution context's allocation for resolvers (gql.h): the executor, introspection,
 * generation and eso-mock's resolvers all allocate from it, and a failure marks the whole
 * execution out of memory.
 */
#include "context_private.h"

const char *gql_exec_strdup(struct gql_exec *exec, const char *s)
{
    const char *p = gql_arena_strdup(&exec->arena, s);

    if (p == NULL)
        exec->oom = true;
    return p;
}

void *gql_exec_alloc(struct gql_exec *exec, size_t size)
{
    void *p = gql_arena_alloc(&exec->arena, size);

    if (p == NULL)
        exec->oom = true;
    return p;
}
