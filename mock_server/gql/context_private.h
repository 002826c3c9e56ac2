/* The execution context every resolver of an execution shares (its arena, errors, output). */
#ifndef GQL_CONTEXT_PRIVATE_H
#define GQL_CONTEXT_PRIVATE_H

#include "document_private.h"
#include "errors_private.h"

struct gql_plan;

struct gql_exec {
    const struct gql_prepared *prep;
    const struct gql_schema *schema;
    struct gql_arena arena;
    struct gql_buf *out;
    struct gql_errors errs;
    const struct gql_resolver *resolver;
    const struct gql_exec_options *opts;
    bool oom;
    /* Plans by (field, runtime type): the same selection on every item of a list is
     * collected, looked up and coerced once per execution. Open addressing. */
    struct gql_plan **plans;
    size_t nplans;
    size_t plans_cap;
};

#endif
