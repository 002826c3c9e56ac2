/*
 * gql_prepared_walk: a fold over the fields an operation selects, before it runs. eso-mock
 * computes a query's complexity and its points from it (docs/mock.md, "What a query
 * costs"), as graphql-php's QueryComplexity rule does before execution.
 */
#include <math.h>
#include <string.h>

#include "coerce_private.h"
#include "execute_private.h"

#define DEFAULT_MAX_FIELDS 100000u

struct walk {
    const struct gql_prepared *p;
    const struct gql_walker *w;
    struct gql_arena arena;
    size_t visited;
    size_t max;
    bool over;
    bool oom;
};

static double walk_set(struct walk *wk, const struct gql_type *type,
                       const struct gql_ast_selection *const *nodes, size_t n, unsigned depth);

/* The weight of one response key: its field's own, over its merged sub-selections. */
static double walk_field(struct walk *wk, const struct gql_type *parent,
                         const struct gql_cfield *cf, unsigned depth)
{
    const struct gql_ast_selection *node = cf->nodes[0];
    const struct gql_field *def = gql_field_def(wk->p->schema, parent, node->name.value);
    if (def == NULL || node->name.value[0] == '_')
        return 0; /* __typename, __schema, __type: the schema's, not data */
    if (++wk->visited > wk->max || depth > GQL_MAX_DEPTH * 3) {
        wk->over = true;
        return 0;
    }
    const char *msg = NULL;
    uint32_t off = 0;
    const struct gql_value *args = gql_argument_values(
        &wk->arena, def->args, def->nargs, node->args, node->off, wk->p->vars, &msg, &off);
    if (args == NULL && msg == NULL) {
        wk->oom = true;
        return 0;
    }
    if (args == NULL) /* an argument error: execution reports it; weigh the field bare */
        args = gql_value_new(&wk->arena, GQL_VALUE_OBJECT, 0);
    if (args == NULL) {
        wk->oom = true;
        return 0;
    }
    double children = 0;
    const struct gql_type *t = gql_ref_named(def->type);
    if (gql_is_composite(t))
        children = walk_set(wk, t, cf->nodes, cf->n, depth + 1);
    struct gql_walk_field f = {.parent_type = parent, .field = def, .args = args, .depth = depth};
    return wk->w->field(wk->w->user, &f, children);
}

/* The weight of the selections of @p nodes on @p type (abstract types: the heaviest). */
static double walk_set(struct walk *wk, const struct gql_type *type,
                       const struct gql_ast_selection *const *nodes, size_t n, unsigned depth)
{
    if (wk->over || wk->oom)
        return 0;
    if (gql_is_abstract(type)) {
        double most = 0;
        for (size_t i = 0; i < gql_type_possible_count(type); i++) {
            double w = walk_set(wk, gql_type_possible_at(type, i), nodes, n, depth);
            if (w > most)
                most = w;
        }
        return most;
    }
    struct gql_cfields fields;
    memset(&fields, 0, sizeof(fields));
    for (size_t k = 0; k < n; k++) {
        const char *msg = NULL;
        uint32_t off = 0;
        if (nodes[k]->sel != NULL)
            gql_collect_fields(&wk->arena, wk->p->schema, wk->p->doc, wk->p->vars, type,
                               nodes[k]->sel, &fields, true, &msg, &off);
    }
    double sum = 0;
    for (size_t i = 0; i < fields.n && !wk->over && !wk->oom; i++)
        sum += walk_field(wk, type, &fields.items[i], depth);
    return sum;
}

double gql_prepared_walk(const struct gql_prepared *prepared, const struct gql_walker *walker)
{
    if (prepared == NULL || walker == NULL || walker->field == NULL)
        return -1;
    const struct gql_type *root = gql_schema_root(prepared->schema, prepared->op->op);
    if (root == NULL)
        return 0;
    struct walk wk = {
        .p = prepared,
        .w = walker,
        .max = walker->max_fields != 0 ? walker->max_fields : DEFAULT_MAX_FIELDS,
    };
    gql_arena_init(&wk.arena, 0);
    /* The operation itself stands as one node whose selection set is the operation's. */
    struct gql_ast_selection op_node;
    memset(&op_node, 0, sizeof(op_node));
    op_node.sel = prepared->op->sel;
    const struct gql_ast_selection *nodes[1] = {&op_node};
    double sum = walk_set(&wk, root, nodes, 1, 0);
    gql_arena_finish(&wk.arena);
    if (wk.oom)
        return -1;
    return wk.over ? INFINITY : sum;
}
