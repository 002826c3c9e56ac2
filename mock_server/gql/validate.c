/*
 * Validation: graphql-js 16's validate() with specifiedRules. One walk of the
 * document in graphql-js's visiting order, a TypeInfo beside it, and each rule's
 * enter/leave handlers called in the order of specifiedRules, so that errors come
 * out in the same order, with the same messages and locations. A rule that
 * returns "skip" on a node is not called inside it (visitInParallel).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "overlap_private.h"
#include "print_private.h"
#include "suggest_private.h"
#include "validate_private.h"

#define TI_MAX 512

enum nk {
    NK_DOCUMENT,
    NK_OPERATION,
    NK_VAR_DEF,
    NK_SELECTION_SET,
    NK_FIELD,
    NK_SPREAD,
    NK_INLINE,
    NK_FRAGMENT,
    NK_ARGUMENT,
    NK_DIRECTIVE,
    NK_VALUE,
    NK_OBJECT_FIELD,
    NK_NAMED_TYPE,
    NK_LIST_TYPE,
    NK_NON_NULL_TYPE,
};

struct node {
    enum nk kind;
    const void *p;
    enum gql_dloc dloc;                   /* NK_DIRECTIVE: where it is applied */
    const struct gql_ast_directive *dirs; /* nodes that hold directives */
    bool in_directive;                    /* NK_ARGUMENT: of a directive */
};

struct tinfo {
    const struct gql_schema *schema;
    struct gql_arena *arena;
    const struct gql_type_ref *types[TI_MAX];
    size_t ntypes;
    const struct gql_type *parents[TI_MAX];
    size_t nparents;
    const struct gql_type_ref *inputs[TI_MAX];
    size_t ninputs;
    const struct gql_field *fields[TI_MAX];
    size_t nfields;
    bool defaults[TI_MAX];
    size_t ndefaults;
    const struct gql_directive_def *directive;
    const struct gql_input_value *argument;
};

#define PUSH(arr, n, v)                                                                            \
    do {                                                                                           \
        if ((n) < TI_MAX)                                                                          \
            (arr)[(n)] = (v);                                                                      \
        (n)++;                                                                                     \
    } while (0)
#define TOP(arr, n) ((n) > 0 && (n) <= TI_MAX ? (arr)[(n)-1] : NULL)

static const struct gql_type_ref *ti_type(const struct tinfo *t)
{
    return TOP(t->types, t->ntypes);
}

static const struct gql_type *ti_parent(const struct tinfo *t)
{
    return TOP(t->parents, t->nparents);
}

static const struct gql_type_ref *ti_input(const struct tinfo *t)
{
    return TOP(t->inputs, t->ninputs);
}

static const struct gql_type_ref *ti_parent_input(const struct tinfo *t)
{
    return t->ninputs > 1 && t->ninputs <= TI_MAX ? t->inputs[t->ninputs - 2] : NULL;
}

static const struct gql_field *ti_field(const struct tinfo *t)
{
    return TOP(t->fields, t->nfields);
}

static bool ti_default(const struct tinfo *t)
{
    return t->ndefaults > 0 && t->ndefaults <= TI_MAX && t->defaults[t->ndefaults - 1];
}

static const struct gql_type *named_of(const struct gql_type_ref *r)
{
    return r != NULL ? gql_ref_named(r) : NULL;
}

static void ti_enter(struct tinfo *t, const struct node *n)
{
    switch (n->kind) {
    case NK_SELECTION_SET: {
        const struct gql_type *nt = named_of(ti_type(t));

        PUSH(t->parents, t->nparents, gql_is_composite(nt) ? nt : NULL);
        break;
    }
    case NK_FIELD: {
        const struct gql_ast_selection *f = n->p;
        const struct gql_type *parent = ti_parent(t);
        const struct gql_field *def = NULL;
        const struct gql_type_ref *ft = NULL;

        if (parent != NULL) {
            def = gql_field_def(t->schema, parent, f->name.value);
            if (def != NULL)
                ft = def->type;
        }
        PUSH(t->fields, t->nfields, def);
        PUSH(t->types, t->ntypes, ft != NULL && gql_is_output_ref(ft) ? ft : NULL);
        break;
    }
    case NK_DIRECTIVE:
        t->directive =
            gql_schema_directive(t->schema, ((const struct gql_ast_directive *)n->p)->name.value);
        break;
    case NK_OPERATION: {
        const struct gql_type *root =
            gql_schema_root(t->schema, ((const struct gql_ast_definition *)n->p)->op);

        PUSH(t->types, t->ntypes, root != NULL ? root->ref : NULL);
        break;
    }
    case NK_INLINE:
    case NK_FRAGMENT: {
        const struct gql_ast_type *cond =
            n->kind == NK_INLINE ? ((const struct gql_ast_selection *)n->p)->type_cond
                                 : ((const struct gql_ast_definition *)n->p)->type_cond;
        const struct gql_type *out;

        if (cond != NULL)
            out = gql_schema_find_type(t->schema, cond->name.value);
        else
            out = named_of(ti_type(t));
        PUSH(t->types, t->ntypes, out != NULL && out->kind != GQL_INPUT_OBJECT ? out->ref : NULL);
        break;
    }
    case NK_VAR_DEF: {
        const struct gql_ast_var_def *v = n->p;
        const struct gql_type_ref *it = gql_type_from_ast(t->schema, t->arena, v->type);

        PUSH(t->inputs, t->ninputs, it != NULL && gql_is_input_ref(it) ? it : NULL);
        break;
    }
    case NK_ARGUMENT: {
        const struct gql_ast_argument *a = n->p;
        const struct gql_input_value *def = NULL;

        if (t->directive != NULL) {
            def = gql_find_arg(t->directive->args, t->directive->nargs, a->name.value);
        } else {
            const struct gql_field *f = ti_field(t);

            if (f != NULL)
                def = gql_find_arg(f->args, f->nargs, a->name.value);
        }
        t->argument = def;
        PUSH(t->defaults, t->ndefaults, def != NULL && def->default_value != NULL);
        PUSH(t->inputs, t->ninputs, def != NULL && gql_is_input_ref(def->type) ? def->type : NULL);
        break;
    }
    case NK_VALUE: {
        const struct gql_ast_value *v = n->p;

        if (v->kind == GQL_AV_LIST) {
            const struct gql_type_ref *lt = gql_ref_nullable(ti_input(t));
            const struct gql_type_ref *item = lt != NULL && lt->kind == GQL_REF_LIST ? lt->of : lt;

            PUSH(t->defaults, t->ndefaults, false);
            PUSH(t->inputs, t->ninputs, item != NULL && gql_is_input_ref(item) ? item : NULL);
        }
        break;
    }
    case NK_OBJECT_FIELD: {
        const struct gql_ast_object_field *f = n->p;
        const struct gql_type *ot = named_of(ti_input(t));
        const struct gql_input_value *field = NULL;

        if (ot != NULL && ot->kind == GQL_INPUT_OBJECT)
            field = gql_find_input(ot, f->name.value);
        PUSH(t->defaults, t->ndefaults, field != NULL && field->default_value != NULL);
        PUSH(t->inputs, t->ninputs,
             field != NULL && gql_is_input_ref(field->type) ? field->type : NULL);
        break;
    }
    default:
        break;
    }
}

static void ti_leave(struct tinfo *t, const struct node *n)
{
    switch (n->kind) {
    case NK_SELECTION_SET:
        t->nparents--;
        break;
    case NK_FIELD:
        t->nfields--;
        t->ntypes--;
        break;
    case NK_DIRECTIVE:
        t->directive = NULL;
        break;
    case NK_OPERATION:
    case NK_INLINE:
    case NK_FRAGMENT:
        t->ntypes--;
        break;
    case NK_VAR_DEF:
        t->ninputs--;
        break;
    case NK_ARGUMENT:
        t->argument = NULL;
        t->ndefaults--;
        t->ninputs--;
        break;
    case NK_VALUE:
        if (((const struct gql_ast_value *)n->p)->kind == GQL_AV_LIST) {
            t->ndefaults--;
            t->ninputs--;
        }
        break;
    case NK_OBJECT_FIELD:
        t->ndefaults--;
        t->ninputs--;
        break;
    default:
        break;
    }
}

/* ---- the walker ---------------------------------------------------------- */

struct walker {
    struct tinfo ti;
    bool (*enter)(void *ctx, const struct node *n); /* false: skip the subtree */
    void (*leave)(void *ctx, const struct node *n);
    void *ctx;
    const bool *stop;
};

static bool w_enter(struct walker *w, const struct node *n)
{
    if (*w->stop)
        return false;
    ti_enter(&w->ti, n);
    if (!w->enter(w->ctx, n) || *w->stop) {
        ti_leave(&w->ti, n);
        return false;
    }
    return true;
}

static void w_leave(struct walker *w, const struct node *n)
{
    w->leave(w->ctx, n);
    ti_leave(&w->ti, n);
}

static void walk_value(struct walker *w, const struct gql_ast_value *v);

static void walk_type(struct walker *w, const struct gql_ast_type *t)
{
    struct node n = {.p = t};

    n.kind = t->kind == GQL_AT_NAMED ? NK_NAMED_TYPE
                                     : (t->kind == GQL_AT_LIST ? NK_LIST_TYPE : NK_NON_NULL_TYPE);
    if (!w_enter(w, &n))
        return;
    if (t->kind != GQL_AT_NAMED)
        walk_type(w, t->of);
    w_leave(w, &n);
}

static void walk_object_field(struct walker *w, const struct gql_ast_object_field *f)
{
    struct node n = {.kind = NK_OBJECT_FIELD, .p = f};

    if (!w_enter(w, &n))
        return;
    walk_value(w, f->value);
    w_leave(w, &n);
}

static void walk_value(struct walker *w, const struct gql_ast_value *v)
{
    struct node n = {.kind = NK_VALUE, .p = v};

    if (!w_enter(w, &n))
        return;
    if (v->kind == GQL_AV_LIST) {
        const struct gql_ast_value *item;

        for (item = v->items; item != NULL && !*w->stop; item = item->next)
            walk_value(w, item);
    } else if (v->kind == GQL_AV_OBJECT) {
        const struct gql_ast_object_field *f;

        for (f = v->fields; f != NULL && !*w->stop; f = f->next)
            walk_object_field(w, f);
    }
    w_leave(w, &n);
}

static void walk_argument(struct walker *w, const struct gql_ast_argument *a, bool in_directive)
{
    struct node n = {.kind = NK_ARGUMENT, .p = a, .in_directive = in_directive};

    if (!w_enter(w, &n))
        return;
    walk_value(w, a->value);
    w_leave(w, &n);
}

static void walk_directives(struct walker *w, const struct gql_ast_directive *d, enum gql_dloc loc)
{
    for (; d != NULL && !*w->stop; d = d->next) {
        struct node n = {.kind = NK_DIRECTIVE, .p = d, .dloc = loc};
        const struct gql_ast_argument *a;

        if (!w_enter(w, &n))
            continue;
        for (a = d->args; a != NULL && !*w->stop; a = a->next)
            walk_argument(w, a, true);
        w_leave(w, &n);
    }
}

static void walk_selection_set(struct walker *w, const struct gql_ast_selection_set *set);

static void walk_selection(struct walker *w, const struct gql_ast_selection *s)
{
    struct node n = {.p = s, .dirs = s->directives};
    const struct gql_ast_argument *a;

    switch (s->kind) {
    case GQL_SEL_FIELD:
        n.kind = NK_FIELD;
        if (!w_enter(w, &n))
            return;
        for (a = s->args; a != NULL && !*w->stop; a = a->next)
            walk_argument(w, a, false);
        walk_directives(w, s->directives, GQL_DLOC_FIELD);
        if (s->sel != NULL)
            walk_selection_set(w, s->sel);
        break;
    case GQL_SEL_SPREAD:
        n.kind = NK_SPREAD;
        if (!w_enter(w, &n))
            return;
        walk_directives(w, s->directives, GQL_DLOC_FRAGMENT_SPREAD);
        break;
    case GQL_SEL_INLINE:
        n.kind = NK_INLINE;
        if (!w_enter(w, &n))
            return;
        if (s->type_cond != NULL)
            walk_type(w, s->type_cond);
        walk_directives(w, s->directives, GQL_DLOC_INLINE_FRAGMENT);
        walk_selection_set(w, s->sel);
        break;
    }
    w_leave(w, &n);
}

static void walk_selection_set(struct walker *w, const struct gql_ast_selection_set *set)
{
    struct node n = {.kind = NK_SELECTION_SET, .p = set};
    const struct gql_ast_selection *s;

    if (!w_enter(w, &n))
        return;
    for (s = set->first; s != NULL && !*w->stop; s = s->next)
        walk_selection(w, s);
    w_leave(w, &n);
}

static const enum gql_dloc op_dloc[] = {GQL_DLOC_QUERY, GQL_DLOC_MUTATION, GQL_DLOC_SUBSCRIPTION};

static void walk_definition(struct walker *w, const struct gql_ast_definition *d)
{
    struct node n = {.p = d, .dirs = d->directives};
    const struct gql_ast_var_def *v;

    if (d->kind == GQL_DEF_OPERATION) {
        n.kind = NK_OPERATION;
        if (!w_enter(w, &n))
            return;
        for (v = d->vars; v != NULL && !*w->stop; v = v->next) {
            struct node vn = {.kind = NK_VAR_DEF, .p = v, .dirs = v->directives};

            if (!w_enter(w, &vn))
                continue;
            walk_type(w, v->type);
            if (v->default_value != NULL)
                walk_value(w, v->default_value);
            walk_directives(w, v->directives, GQL_DLOC_VARIABLE_DEFINITION);
            w_leave(w, &vn);
        }
        walk_directives(w, d->directives, op_dloc[d->op]);
        walk_selection_set(w, d->sel);
        w_leave(w, &n);
    } else if (d->kind == GQL_DEF_FRAGMENT) {
        n.kind = NK_FRAGMENT;
        if (!w_enter(w, &n))
            return;
        walk_type(w, d->type_cond);
        walk_directives(w, d->directives, GQL_DLOC_FRAGMENT_DEFINITION);
        walk_selection_set(w, d->sel);
        w_leave(w, &n);
    }
    /* Type-system definitions: ExecutableDefinitions reports them first; their
     * insides are not walked. */
}

/* ---- the validation context --------------------------------------------- */

struct usage {
    const struct gql_ast_value *node; /* the Variable */
    const struct gql_type_ref *type;  /* its input type there, or NULL */
    bool has_default;                 /* the location has a default value */
};

struct usages {
    const void *owner; /* an operation or fragment definition */
    struct usage *items;
    size_t n;
    size_t cap;
    struct usages *next;
};

struct frag_list {
    const struct gql_ast_definition **items;
    size_t n;
};

#define NRULES 26

struct rule_skip {
    enum nk kind;
    const void *p;
};

struct vctx {
    const struct gql_schema *schema;
    const struct gql_ast_document *doc;
    struct gql_arena *arena;
    struct gql_errors *errs;
    bool stop;
    const struct gql_ast_definition **frags; /* unique names, the last definition of each */
    size_t nfrags;
    struct gql_name_index frag_index;
    struct usages *usage_cache;
    struct walker *w; /* the main walk (its TypeInfo) */
    struct rule_skip skip[NRULES];
    /* rule state */
    size_t op_count;                             /* LoneAnonymousOperation */
    const struct gql_ast_definition **known_ops; /* UniqueOperationNames */
    size_t nknown_ops;
    const struct gql_ast_definition **known_frags; /* UniqueFragmentNames */
    size_t nknown_frags;
    const struct gql_ast_definition **seen_ops; /* NoUnusedFragments */
    size_t nseen_ops;
    const struct gql_ast_definition **seen_frags;
    size_t nseen_frags;
    const struct gql_ast_definition **cycle_done; /* NoFragmentCycles: visited */
    size_t ncycle_done;
    const struct gql_ast_var_def **defined; /* NoUndefinedVariables, NoUnusedVariables, VIAP */
    size_t ndefined;
    /* UniqueInputFieldNames: a stack of scopes over one array of names */
    const struct gql_ast_object_field **input_names;
    size_t ninput_names;
    size_t input_cap;
    size_t input_scopes[TI_MAX];
    size_t ninput_scopes;
    struct gql_overlap *overlap;
};

static void report(struct vctx *c, const char *message, const uint32_t *offs, size_t n)
{
    if (c->stop)
        return;
    if (c->errs->count >= GQL_MAX_VALIDATION_ERRORS) {
        gql_errors_add(c->errs,
                       "Too many validation errors, error limit reached. Validation aborted.", NULL,
                       0);
        c->stop = true;
        return;
    }
    gql_errors_add(c->errs, message, offs, n);
    if (c->errs->no_memory)
        c->stop = true;
}

static void report1(struct vctx *c, struct gql_buf *msg, uint32_t off)
{
    report(c, msg->data != NULL ? msg->data : "", &off, 1);
    gql_buf_finish(msg);
}

static void report2(struct vctx *c, struct gql_buf *msg, uint32_t a, uint32_t b)
{
    uint32_t offs[2] = {a, b};

    report(c, msg->data != NULL ? msg->data : "", offs, 2);
    gql_buf_finish(msg);
}

/* A message buffer: msg(&b, "a", "b", ..., NULL). */
static void msg(struct gql_buf *b, ...)
{
    va_list ap;
    const char *s;

    gql_buf_init(b, 65536);
    va_start(ap, b);
    for (s = va_arg(ap, const char *); s != NULL; s = va_arg(ap, const char *))
        gql_buf_puts(b, s);
    va_end(ap);
}

static void add_ref(struct gql_buf *b, const struct gql_type_ref *ref)
{
    gql_ref_write(b, ref);
}

static const char *frag_name_at(const void *items, size_t i)
{
    return ((const struct gql_ast_definition *const *)items)[i]->name.value;
}

static const struct gql_ast_definition *get_fragment(const struct vctx *c, const char *name)
{
    long i = gql_index_find(&c->frag_index, name, frag_name_at, c->frags);

    return i < 0 ? NULL : c->frags[i];
}

static const struct gql_ast_definition *overlap_fragment(void *user, const char *name)
{
    return get_fragment(user, name);
}

static void overlap_report(void *user, const char *message, const uint32_t *offs, size_t n)
{
    report(user, message, offs, n);
}

/* Grow an array of pointers held in the arena (doubling; old copies stay in the arena). */
static bool push_ptr(struct vctx *c, const void ***arr, size_t *n, const void *item)
{
    size_t cap = 8;

    while (cap < *n)
        cap *= 2;
    if (*n == 0 || (*n >= 8 && (*n & (*n - 1)) == 0)) {
        size_t ncap = *n == 0 ? 8 : *n * 2;
        const void **p = gql_arena_alloc(c->arena, ncap * sizeof(*p));

        if (p == NULL) {
            c->stop = true;
            return false;
        }
        if (*n > 0)
            memcpy(p, *arr, *n * sizeof(*p));
        *arr = p;
    }
    (*arr)[(*n)++] = item;
    (void)cap;
    return true;
}

#define PUSHP(c, arr, n, item) push_ptr((c), (const void ***)&(arr), &(n), (item))

/* getFragmentSpreads: the spreads in a selection set, in graphql-js's (stack) order. */
static size_t fragment_spreads(struct vctx *c, const struct gql_ast_selection_set *set,
                               const struct gql_ast_selection ***out)
{
    const struct gql_ast_selection_set **stack = NULL;
    size_t nstack = 0;
    const struct gql_ast_selection **spreads = NULL;
    size_t n = 0;

    if (!PUSHP(c, stack, nstack, set))
        return 0;
    while (nstack > 0) {
        const struct gql_ast_selection_set *s = stack[--nstack];
        const struct gql_ast_selection *sel;

        for (sel = s->first; sel != NULL; sel = sel->next) {
            if (sel->kind == GQL_SEL_SPREAD) {
                if (!PUSHP(c, spreads, n, sel))
                    return 0;
            } else if (sel->sel != NULL) {
                if (!PUSHP(c, stack, nstack, sel->sel))
                    return 0;
            }
        }
    }
    *out = spreads;
    return n;
}

/* getRecursivelyReferencedFragments(operation). */
static struct frag_list referenced_fragments(struct vctx *c, const struct gql_ast_definition *op)
{
    struct frag_list out = {NULL, 0};
    const struct gql_ast_selection_set **stack = NULL;
    size_t nstack = 0;
    const char **names = NULL;
    size_t nnames = 0;

    if (!PUSHP(c, stack, nstack, op->sel))
        return out;
    while (nstack > 0 && !c->stop) {
        const struct gql_ast_selection_set *s = stack[--nstack];
        const struct gql_ast_selection **spreads = NULL;
        size_t n = fragment_spreads(c, s, &spreads);
        size_t i;

        for (i = 0; i < n; i++) {
            const char *name = spreads[i]->name.value;
            const struct gql_ast_definition *f;
            size_t j;
            bool seen = false;

            for (j = 0; j < nnames && !seen; j++)
                seen = strcmp(names[j], name) == 0;
            if (seen)
                continue;
            if (!PUSHP(c, names, nnames, name))
                return out;
            f = get_fragment(c, name);
            if (f != NULL) {
                if (!PUSHP(c, out.items, out.n, f) || !PUSHP(c, stack, nstack, f->sel))
                    return out;
            }
        }
    }
    return out;
}

/* ---- variable usages (getVariableUsages) --------------------------------- */

struct usage_walk {
    struct vctx *c;
    struct usages *u;
    struct walker *w;
};

static bool usage_enter(void *ctx, const struct node *n)
{
    struct usage_walk *uw = ctx;
    const struct gql_ast_value *v;

    if (n->kind == NK_VAR_DEF)
        return false;
    if (n->kind != NK_VALUE)
        return true;
    v = n->p;
    if (v->kind != GQL_AV_VARIABLE)
        return true;
    if (uw->u->n == uw->u->cap) {
        size_t ncap = uw->u->cap ? uw->u->cap * 2 : 8;
        struct usage *p = gql_arena_alloc(uw->c->arena, ncap * sizeof(*p));

        if (p == NULL) {
            uw->c->stop = true;
            return false;
        }
        if (uw->u->n > 0)
            memcpy(p, uw->u->items, uw->u->n * sizeof(*p));
        uw->u->items = p;
        uw->u->cap = ncap;
    }
    uw->u->items[uw->u->n].node = v;
    uw->u->items[uw->u->n].type = ti_input(&uw->w->ti);
    uw->u->items[uw->u->n].has_default = ti_default(&uw->w->ti);
    uw->u->n++;
    return true;
}

static void usage_leave(void *ctx, const struct node *n)
{
    (void)ctx;
    (void)n;
}

static const struct usages *variable_usages(struct vctx *c, const struct gql_ast_definition *def)
{
    struct usages *u;
    struct walker *w;
    struct usage_walk uw;

    for (u = c->usage_cache; u != NULL; u = u->next)
        if (u->owner == def)
            return u;
    u = gql_arena_alloc(c->arena, sizeof(*u));
    w = gql_arena_alloc(c->arena, sizeof(*w));
    if (u == NULL || w == NULL) {
        c->stop = true;
        return NULL;
    }
    u->owner = def;
    w->ti.schema = c->schema;
    w->ti.arena = c->arena;
    w->enter = usage_enter;
    w->leave = usage_leave;
    w->stop = &c->stop;
    uw.c = c;
    uw.u = u;
    uw.w = w;
    w->ctx = &uw;
    walk_definition(w, def);
    u->next = c->usage_cache;
    c->usage_cache = u;
    return u;
}

/* getRecursiveVariableUsages: the operation's, then each referenced fragment's. */
static size_t recursive_usages(struct vctx *c, const struct gql_ast_definition *op,
                               const struct usage ***out)
{
    const struct usage **all = NULL;
    size_t n = 0;
    const struct usages *u = variable_usages(c, op);
    struct frag_list frags;
    size_t i;
    size_t j;

    if (u == NULL)
        return 0;
    for (i = 0; i < u->n; i++)
        if (!PUSHP(c, all, n, &u->items[i]))
            return 0;
    frags = referenced_fragments(c, op);
    for (j = 0; j < frags.n && !c->stop; j++) {
        u = variable_usages(c, frags.items[j]);
        if (u == NULL)
            return 0;
        for (i = 0; i < u->n; i++)
            if (!PUSHP(c, all, n, &u->items[i]))
                return 0;
    }
    *out = all;
    return n;
}

/* ---- rules ---------------------------------------------------------------- */

enum { GO = 0, SKIP = 1 };

static int executable_definitions(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *d;

    if (n->kind != NK_DOCUMENT)
        return GO;
    for (d = c->doc->defs; d != NULL; d = d->next) {
        struct gql_buf b;

        if (d->kind == GQL_DEF_OPERATION || d->kind == GQL_DEF_FRAGMENT)
            continue;
        if (d->kind == GQL_DEF_SCHEMA || d->kind == GQL_DEF_SCHEMA_EXT)
            msg(&b, "The schema definition is not executable.", NULL);
        else
            msg(&b, "The \"", d->name.value, "\" definition is not executable.", NULL);
        report1(c, &b, d->off);
    }
    return SKIP;
}

static int unique_operation_names(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *d = n->p;
    size_t i;

    if (n->kind == NK_FRAGMENT)
        return SKIP;
    if (n->kind != NK_OPERATION)
        return GO;
    if (d->name.value != NULL) {
        for (i = 0; i < c->nknown_ops; i++) {
            if (strcmp(c->known_ops[i]->name.value, d->name.value) == 0) {
                struct gql_buf b;

                msg(&b, "There can be only one operation named \"", d->name.value, "\".", NULL);
                report2(c, &b, c->known_ops[i]->name.off, d->name.off);
                return SKIP;
            }
        }
        PUSHP(c, c->known_ops, c->nknown_ops, d);
    }
    return SKIP;
}

static int lone_anonymous_operation(struct vctx *c, const struct node *n)
{
    if (n->kind == NK_DOCUMENT) {
        const struct gql_ast_definition *d;

        for (d = c->doc->defs; d != NULL; d = d->next)
            c->op_count += d->kind == GQL_DEF_OPERATION;
    } else if (n->kind == NK_OPERATION) {
        const struct gql_ast_definition *d = n->p;

        if (d->name.value == NULL && c->op_count > 1) {
            struct gql_buf b;

            msg(&b, "This anonymous operation must be the only defined operation.", NULL);
            report1(c, &b, d->off);
        }
    }
    return GO;
}

/* CollectFields for SingleFieldSubscriptions: response name -> field nodes. */
struct sub_group {
    const char *key;
    const struct gql_ast_selection **nodes;
    size_t n;
};

static bool literal_skip(const struct gql_ast_directive *dirs)
{
    const struct gql_ast_directive *d;

    for (d = dirs; d != NULL; d = d->next) {
        bool is_skip = strcmp(d->name.value, "skip") == 0;
        bool is_include = strcmp(d->name.value, "include") == 0;

        if ((is_skip || is_include) && d->args != NULL && d->args->value->kind == GQL_AV_BOOLEAN &&
            d->args->value->boolean == is_skip)
            return true;
    }
    return false;
}

static void sub_collect(struct vctx *c, const struct gql_type *type,
                        const struct gql_ast_selection_set *set, struct sub_group **groups,
                        size_t *ngroups, const char ***visited, size_t *nvisited, unsigned depth)
{
    const struct gql_ast_selection *s;

    if (depth > GQL_MAX_DEPTH * 2)
        return;
    for (s = set->first; s != NULL && !c->stop; s = s->next) {
        if (literal_skip(s->directives))
            continue;
        if (s->kind == GQL_SEL_FIELD) {
            const char *key = s->alias.value != NULL ? s->alias.value : s->name.value;
            size_t i;

            for (i = 0; i < *ngroups; i++)
                if (strcmp((*groups)[i].key, key) == 0)
                    break;
            if (i == *ngroups) {
                struct sub_group *g = gql_arena_alloc(c->arena, (*ngroups + 1) * sizeof(*g));

                if (g == NULL) {
                    c->stop = true;
                    return;
                }
                if (*ngroups > 0)
                    memcpy(g, *groups, *ngroups * sizeof(*g));
                g[i].key = key;
                *groups = g;
                (*ngroups)++;
            }
            PUSHP(c, (*groups)[i].nodes, (*groups)[i].n, s);
        } else {
            const struct gql_type *cond = type;
            const struct gql_ast_selection_set *inner = s->sel;

            if (s->kind == GQL_SEL_SPREAD) {
                const struct gql_ast_definition *f = get_fragment(c, s->name.value);
                size_t i;
                bool seen = false;

                for (i = 0; i < *nvisited && !seen; i++)
                    seen = strcmp((*visited)[i], s->name.value) == 0;
                if (seen || f == NULL)
                    continue;
                PUSHP(c, *visited, *nvisited, s->name.value);
                cond = gql_schema_find_type(c->schema, f->type_cond->name.value);
                inner = f->sel;
            } else if (s->type_cond != NULL) {
                cond = gql_schema_find_type(c->schema, s->type_cond->name.value);
            }
            if (cond != NULL && cond != type &&
                !(gql_is_abstract(cond) && gql_is_sub_type(cond, type)))
                continue;
            sub_collect(c, type, inner, groups, ngroups, visited, nvisited, depth + 1);
        }
    }
}

static int single_field_subscriptions(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *d = n->p;
    struct sub_group *groups = NULL;
    size_t ngroups = 0;
    const char **visited = NULL;
    size_t nvisited = 0;
    size_t i;
    struct gql_buf b;

    if (n->kind != NK_OPERATION || d->op != GQL_OP_SUBSCRIPTION || c->schema->subscription == NULL)
        return GO;
    sub_collect(c, c->schema->subscription, d->sel, &groups, &ngroups, &visited, &nvisited, 0);
    if (ngroups > 1) {
        uint32_t *offs;
        size_t k = 0;

        for (i = 1; i < ngroups; i++)
            k += groups[i].n;
        offs = gql_arena_alloc(c->arena, k * sizeof(*offs));
        if (offs == NULL) {
            c->stop = true;
            return GO;
        }
        k = 0;
        for (i = 1; i < ngroups; i++)
            for (size_t j = 0; j < groups[i].n; j++)
                offs[k++] = groups[i].nodes[j]->off;
        if (d->name.value != NULL)
            msg(&b, "Subscription \"", d->name.value, "\" must select only one top level field.",
                NULL);
        else
            msg(&b, "Anonymous Subscription must select only one top level field.", NULL);
        report(c, b.data, offs, k);
        gql_buf_finish(&b);
    }
    for (i = 0; i < ngroups; i++) {
        const char *name = groups[i].nodes[0]->name.value;

        if (name[0] == '_' && name[1] == '_') {
            uint32_t *offs = gql_arena_alloc(c->arena, groups[i].n * sizeof(*offs));

            if (offs == NULL) {
                c->stop = true;
                return GO;
            }
            for (size_t j = 0; j < groups[i].n; j++)
                offs[j] = groups[i].nodes[j]->off;
            if (d->name.value != NULL)
                msg(&b, "Subscription \"", d->name.value,
                    "\" must not select an introspection top level field.", NULL);
            else
                msg(&b, "Anonymous Subscription must not select an introspection top level field.",
                    NULL);
            report(c, b.data, offs, groups[i].n);
            gql_buf_finish(&b);
        }
    }
    return GO;
}

/* Names for suggestions: every type of the schema (the document defines none we keep). */
static const char **type_names(struct vctx *c, size_t *n)
{
    const char **names = gql_arena_alloc(c->arena, (c->schema->ntypes + 1) * sizeof(*names));
    size_t i;

    if (names == NULL)
        return NULL;
    for (i = 0; i < c->schema->ntypes; i++)
        names[i] = c->schema->types[i]->name;
    *n = c->schema->ntypes;
    return names;
}

/* Type names the document defines (KnownTypeNames accepts them too). */
static bool document_defines_type(const struct vctx *c, const char *name)
{
    const struct gql_ast_definition *d;

    for (d = c->doc->defs; d != NULL; d = d->next)
        if (d->kind == GQL_DEF_TYPE && strcmp(d->name.value, name) == 0)
            return true;
    return false;
}

static int known_type_names(struct vctx *c, const struct node *n)
{
    const struct gql_ast_type *t = n->p;
    const char *sugg[5];
    size_t ns = 0;
    size_t nnames = 0;
    const char **names;
    struct gql_buf b;

    if (n->kind != NK_NAMED_TYPE)
        return GO;
    if (gql_schema_find_type(c->schema, t->name.value) != NULL ||
        document_defines_type(c, t->name.value))
        return GO;
    names = type_names(c, &nnames);
    if (names != NULL)
        ns = gql_suggestion_list(t->name.value, names, nnames, sugg, 5);
    msg(&b, "Unknown type \"", t->name.value, "\".", NULL);
    gql_did_you_mean(&b, NULL, sugg, ns);
    report1(c, &b, t->off);
    return GO;
}

static void print_type_node(struct gql_buf *b, const struct gql_ast_type *t)
{
    gql_print_ast_type(b, t);
}

static int fragments_on_composite_types(struct vctx *c, const struct node *n)
{
    const struct gql_ast_type *cond;
    const char *frag = NULL;
    const struct gql_type *t;
    struct gql_buf b;

    if (n->kind == NK_INLINE) {
        cond = ((const struct gql_ast_selection *)n->p)->type_cond;
    } else if (n->kind == NK_FRAGMENT) {
        cond = ((const struct gql_ast_definition *)n->p)->type_cond;
        frag = ((const struct gql_ast_definition *)n->p)->name.value;
    } else {
        return GO;
    }
    if (cond == NULL)
        return GO;
    t = gql_schema_find_type(c->schema, cond->name.value);
    if (t == NULL || gql_is_composite(t))
        return GO;
    if (frag != NULL)
        msg(&b, "Fragment \"", frag, "\" cannot condition on non composite type \"", NULL);
    else
        msg(&b, "Fragment cannot condition on non composite type \"", NULL);
    print_type_node(&b, cond);
    gql_buf_puts(&b, "\".");
    report1(c, &b, cond->off);
    return GO;
}

static int variables_are_input_types(struct vctx *c, const struct node *n)
{
    const struct gql_ast_var_def *v = n->p;
    const struct gql_type_ref *t;
    struct gql_buf b;

    if (n->kind != NK_VAR_DEF)
        return GO;
    t = gql_type_from_ast(c->schema, c->arena, v->type);
    if (t == NULL || gql_is_input_ref(t))
        return GO;
    msg(&b, "Variable \"$", v->name.value, "\" cannot be non-input type \"", NULL);
    print_type_node(&b, v->type);
    gql_buf_puts(&b, "\".");
    report1(c, &b, v->type->off);
    return GO;
}

static int scalar_leafs(struct vctx *c, const struct node *n)
{
    const struct gql_ast_selection *f = n->p;
    const struct gql_type_ref *t;
    struct gql_buf b;

    if (n->kind != NK_FIELD)
        return GO;
    t = ti_type(&c->w->ti);
    if (t == NULL)
        return GO;
    if (gql_is_leaf(gql_ref_named(t))) {
        if (f->sel != NULL) {
            msg(&b, "Field \"", f->name.value, "\" must not have a selection since type \"", NULL);
            add_ref(&b, t);
            gql_buf_puts(&b, "\" has no subfields.");
            report1(c, &b, f->sel->off);
        }
    } else if (f->sel == NULL) {
        msg(&b, "Field \"", f->name.value, "\" of type \"", NULL);
        add_ref(&b, t);
        gql_buf_puts(&b, "\" must have a selection of subfields. Did you mean \"");
        gql_buf_puts(&b, f->name.value);
        gql_buf_puts(&b, " { ... }\"?");
        report1(c, &b, f->off);
    }
    return GO;
}

struct type_count {
    const struct gql_type *type;
    int count;
};

static const struct gql_schema *sort_schema;

static int type_count_cmp(const void *x, const void *y)
{
    const struct type_count *a = x;
    const struct type_count *b = y;

    if (a->count != b->count)
        return b->count - a->count;
    if (a->type->kind == GQL_INTERFACE && gql_is_sub_type(a->type, b->type))
        return -1;
    if (b->type->kind == GQL_INTERFACE && gql_is_sub_type(b->type, a->type))
        return 1;
    return gql_natural_compare(a->type->name, b->type->name);
}

static int fields_on_correct_type(struct vctx *c, const struct node *n)
{
    const struct gql_ast_selection *f = n->p;
    const struct gql_type *parent;
    struct gql_buf b;
    const char *sugg[5];
    size_t ns = 0;

    if (n->kind != NK_FIELD)
        return GO;
    parent = ti_parent(&c->w->ti);
    if (parent == NULL || ti_field(&c->w->ti) != NULL)
        return GO;
    msg(&b, "Cannot query field \"", f->name.value, "\" on type \"", parent->name, "\".", NULL);
    if (gql_is_abstract(parent)) {
        /* Types to condition on, most used first (getSuggestedTypeNames). */
        struct type_count *tc = gql_arena_alloc(c->arena, (c->schema->ntypes + 1) * sizeof(*tc));
        size_t ntc = 0;
        size_t i;
        size_t j;

        if (tc == NULL) {
            gql_buf_finish(&b);
            c->stop = true;
            return GO;
        }
        for (i = 0; i < parent->npossible; i++) {
            const struct gql_type *pt = parent->possible[i];

            if (gql_find_field(pt, f->name.value) == NULL)
                continue;
            for (j = 0; j < ntc && tc[j].type != pt; j++)
                ;
            if (j == ntc)
                tc[ntc++].type = pt;
            tc[j].count = 1;
            for (size_t k = 0; k < pt->ninterfaces; k++) {
                const struct gql_type *it = pt->interfaces[k];

                if (gql_find_field(it, f->name.value) == NULL)
                    continue;
                for (j = 0; j < ntc && tc[j].type != it; j++)
                    ;
                if (j == ntc) {
                    tc[ntc].type = it;
                    tc[ntc++].count = 0;
                }
                tc[j].count++;
            }
        }
        sort_schema = c->schema;
        qsort(tc, ntc, sizeof(*tc), type_count_cmp);
        for (i = 0; i < ntc && i < 5; i++)
            sugg[i] = tc[i].type->name;
        gql_did_you_mean(&b, "to use an inline fragment on", sugg, i);
        ns = i;
    }
    if (ns == 0 && (parent->kind == GQL_OBJECT || parent->kind == GQL_INTERFACE)) {
        const char **names = gql_arena_alloc(c->arena, (parent->nfields + 1) * sizeof(*names));
        size_t i;

        if (names != NULL) {
            for (i = 0; i < parent->nfields; i++)
                names[i] = parent->fields[i].name;
            ns = gql_suggestion_list(f->name.value, names, parent->nfields, sugg, 5);
            gql_did_you_mean(&b, NULL, sugg, ns);
        }
    }
    report1(c, &b, f->off);
    return GO;
}

static int unique_fragment_names(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *d = n->p;
    size_t i;

    if (n->kind == NK_OPERATION)
        return SKIP;
    if (n->kind != NK_FRAGMENT)
        return GO;
    for (i = 0; i < c->nknown_frags; i++) {
        if (strcmp(c->known_frags[i]->name.value, d->name.value) == 0) {
            struct gql_buf b;

            msg(&b, "There can be only one fragment named \"", d->name.value, "\".", NULL);
            report2(c, &b, c->known_frags[i]->name.off, d->name.off);
            return SKIP;
        }
    }
    PUSHP(c, c->known_frags, c->nknown_frags, d);
    return SKIP;
}

static int known_fragment_names(struct vctx *c, const struct node *n)
{
    const struct gql_ast_selection *s = n->p;
    struct gql_buf b;

    if (n->kind != NK_SPREAD || get_fragment(c, s->name.value) != NULL)
        return GO;
    msg(&b, "Unknown fragment \"", s->name.value, "\".", NULL);
    report1(c, &b, s->name.off);
    return GO;
}

static int no_unused_fragments_enter(struct vctx *c, const struct node *n)
{
    if (n->kind == NK_OPERATION) {
        PUSHP(c, c->seen_ops, c->nseen_ops, n->p);
        return SKIP;
    }
    if (n->kind == NK_FRAGMENT) {
        PUSHP(c, c->seen_frags, c->nseen_frags, n->p);
        return SKIP;
    }
    return GO;
}

static void no_unused_fragments_leave(struct vctx *c, const struct node *n)
{
    const char **used = NULL;
    size_t nused = 0;
    size_t i;
    size_t j;

    if (n->kind != NK_DOCUMENT)
        return;
    for (i = 0; i < c->nseen_ops && !c->stop; i++) {
        struct frag_list fl = referenced_fragments(c, c->seen_ops[i]);

        for (j = 0; j < fl.n; j++)
            PUSHP(c, used, nused, fl.items[j]->name.value);
    }
    for (i = 0; i < c->nseen_frags && !c->stop; i++) {
        bool is_used = false;

        for (j = 0; j < nused && !is_used; j++)
            is_used = strcmp(used[j], c->seen_frags[i]->name.value) == 0;
        if (!is_used) {
            struct gql_buf b;

            msg(&b, "Fragment \"", c->seen_frags[i]->name.value, "\" is never used.", NULL);
            report1(c, &b, c->seen_frags[i]->off);
        }
    }
}

static int possible_fragment_spreads(struct vctx *c, const struct node *n)
{
    const struct gql_ast_selection *s = n->p;
    const struct gql_type *frag_type = NULL;
    const struct gql_type *parent = ti_parent(&c->w->ti);
    struct gql_buf b;

    if (n->kind == NK_INLINE) {
        frag_type = named_of(ti_type(&c->w->ti));
        if (ti_type(&c->w->ti) == NULL || !gql_is_composite(frag_type) ||
            !gql_is_composite(parent) || gql_types_overlap(frag_type, parent))
            return GO;
        msg(&b, "Fragment cannot be spread here as objects of type \"", parent->name,
            "\" can never be of type \"", frag_type->name, "\".", NULL);
        report1(c, &b, s->off);
    } else if (n->kind == NK_SPREAD) {
        const struct gql_ast_definition *f = get_fragment(c, s->name.value);

        if (f != NULL)
            frag_type = gql_schema_find_type(c->schema, f->type_cond->name.value);
        if (!gql_is_composite(frag_type) || parent == NULL || gql_types_overlap(frag_type, parent))
            return GO;
        msg(&b, "Fragment \"", s->name.value, "\" cannot be spread here as objects of type \"",
            parent->name, "\" can never be of type \"", frag_type->name, "\".", NULL);
        report1(c, &b, s->off);
    }
    return GO;
}

/* NoFragmentCycles' detectCycleRecursive, with an explicit stack. */
struct cycle_frame {
    const struct gql_ast_definition *frag;
    const struct gql_ast_selection **spreads;
    size_t nspreads;
    size_t next;
};

static bool cycle_visited(struct vctx *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->ncycle_done; i++)
        if (strcmp(c->cycle_done[i]->name.value, name) == 0)
            return true;
    return false;
}

static void detect_cycles(struct vctx *c, const struct gql_ast_definition *start)
{
    struct cycle_frame *frames = NULL;
    size_t nframes = 0;
    size_t cap = 0;
    const struct gql_ast_selection **path = NULL; /* spreadPath */
    size_t npath = 0;
    const struct gql_ast_definition *frag = start;

    for (;;) {
        if (frag != NULL) {
            /* enter detectCycleRecursive(frag) */
            const struct gql_ast_selection **spreads = NULL;
            size_t ns;

            if (cycle_visited(c, frag->name.value)) {
                frag = NULL;
                continue;
            }
            PUSHP(c, c->cycle_done, c->ncycle_done, frag);
            ns = fragment_spreads(c, frag->sel, &spreads);
            if (ns == 0 || c->stop) {
                frag = NULL;
                if (c->stop)
                    return;
                continue;
            }
            if (nframes == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                struct cycle_frame *p = gql_arena_alloc(c->arena, ncap * sizeof(*p));

                if (p == NULL) {
                    c->stop = true;
                    return;
                }
                if (nframes > 0)
                    memcpy(p, frames, nframes * sizeof(*p));
                frames = p;
                cap = ncap;
            }
            frames[nframes].frag = frag;
            frames[nframes].spreads = spreads;
            frames[nframes].nspreads = ns;
            frames[nframes].next = 0;
            nframes++;
            frag = NULL;
            continue;
        }
        if (nframes == 0)
            return;
        {
            struct cycle_frame *fr = &frames[nframes - 1];
            const struct gql_ast_selection *spread;
            long cycle_index = -1;
            size_t i;

            if (fr->next > 0)
                npath--; /* spreadPath.pop() after the previous spread */
            if (fr->next == fr->nspreads) {
                nframes--;
                continue;
            }
            spread = fr->spreads[fr->next++];
            /* spreadPathIndexByName: the frame of that fragment, while it is open */
            for (i = 0; i < nframes; i++) {
                if (strcmp(frames[i].frag->name.value, spread->name.value) == 0) {
                    /* its index in spreadPath: the spreads before it */
                    cycle_index = (long)i;
                    break;
                }
            }
            PUSHP(c, path, npath, spread);
            if (cycle_index < 0) {
                frag = get_fragment(c, spread->name.value);
            } else {
                /* frame i started when spreadPath had i entries */
                size_t from = (size_t)cycle_index;
                uint32_t *offs = gql_arena_alloc(c->arena, (npath - from) * sizeof(*offs));
                struct gql_buf b;

                if (offs == NULL) {
                    c->stop = true;
                    return;
                }
                msg(&b, "Cannot spread fragment \"", spread->name.value, "\" within itself", NULL);
                for (i = from; i < npath; i++) {
                    offs[i - from] = path[i]->off;
                    if (i + 1 < npath) {
                        gql_buf_puts(&b, i == from ? " via \"" : ", \"");
                        gql_buf_puts(&b, path[i]->name.value);
                        gql_buf_puts(&b, "\"");
                    }
                }
                gql_buf_puts(&b, ".");
                report(c, b.data, offs, npath - from);
                gql_buf_finish(&b);
                if (c->stop)
                    return;
            }
        }
    }
}

static int no_fragment_cycles(struct vctx *c, const struct node *n)
{
    if (n->kind == NK_OPERATION)
        return SKIP;
    if (n->kind != NK_FRAGMENT)
        return GO;
    detect_cycles(c, n->p);
    return SKIP;
}

static int unique_variable_names(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *d = n->p;
    const struct gql_ast_var_def *v;
    const struct gql_ast_var_def *w;

    if (n->kind != NK_OPERATION)
        return GO;
    for (v = d->vars; v != NULL; v = v->next) {
        size_t count = 0;
        bool first = true;

        for (w = d->vars; w != v && first; w = w->next)
            first = strcmp(w->name.value, v->name.value) != 0;
        if (!first)
            continue;
        for (w = v; w != NULL; w = w->next)
            count += strcmp(w->name.value, v->name.value) == 0;
        if (count > 1) {
            uint32_t *offs = gql_arena_alloc(c->arena, count * sizeof(*offs));
            struct gql_buf b;
            size_t i = 0;

            if (offs == NULL) {
                c->stop = true;
                return GO;
            }
            for (w = v; w != NULL; w = w->next)
                if (strcmp(w->name.value, v->name.value) == 0)
                    offs[i++] = w->name.off;
            msg(&b, "There can be only one variable named \"$", v->name.value, "\".", NULL);
            report(c, b.data, offs, count);
            gql_buf_finish(&b);
        }
    }
    return GO;
}

static int track_var_defs(struct vctx *c, const struct node *n)
{
    if (n->kind == NK_OPERATION)
        c->ndefined = 0;
    else if (n->kind == NK_VAR_DEF)
        PUSHP(c, c->defined, c->ndefined, n->p);
    return GO;
}

static const struct gql_ast_var_def *defined_var(const struct vctx *c, const char *name)
{
    size_t i = c->ndefined;

    while (i > 0) {
        i--;
        if (strcmp(c->defined[i]->name.value, name) == 0)
            return c->defined[i]; /* the last definition, like varDefMap */
    }
    return NULL;
}

static int noop_enter(struct vctx *c, const struct node *n)
{
    (void)c;
    (void)n;
    return GO;
}

static void no_undefined_variables_leave(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *op = n->p;
    const struct usage **u = NULL;
    size_t nu;
    size_t i;

    if (n->kind != NK_OPERATION)
        return;
    nu = recursive_usages(c, op, &u);
    for (i = 0; i < nu && !c->stop; i++) {
        struct gql_buf b;

        if (defined_var(c, u[i]->node->str) != NULL)
            continue;
        if (op->name.value != NULL)
            msg(&b, "Variable \"$", u[i]->node->str, "\" is not defined by operation \"",
                op->name.value, "\".", NULL);
        else
            msg(&b, "Variable \"$", u[i]->node->str, "\" is not defined.", NULL);
        report2(c, &b, u[i]->node->off, op->off);
    }
}

static void no_unused_variables_leave(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *op = n->p;
    const struct usage **u = NULL;
    size_t nu;
    size_t i;
    size_t j;

    if (n->kind != NK_OPERATION)
        return;
    nu = recursive_usages(c, op, &u);
    for (i = 0; i < c->ndefined && !c->stop; i++) {
        const struct gql_ast_var_def *v = c->defined[i];
        bool used = false;
        struct gql_buf b;

        for (j = 0; j < nu && !used; j++)
            used = strcmp(u[j]->node->str, v->name.value) == 0;
        if (used)
            continue;
        if (op->name.value != NULL)
            msg(&b, "Variable \"$", v->name.value, "\" is never used in operation \"",
                op->name.value, "\".", NULL);
        else
            msg(&b, "Variable \"$", v->name.value, "\" is never used.", NULL);
        report1(c, &b, v->off);
    }
}

static int known_directives(struct vctx *c, const struct node *n)
{
    const struct gql_ast_directive *d = n->p;
    const struct gql_directive_def *def;
    struct gql_buf b;
    size_t i;

    if (n->kind != NK_DIRECTIVE)
        return GO;
    def = gql_schema_directive(c->schema, d->name.value);
    if (def == NULL) {
        msg(&b, "Unknown directive \"@", d->name.value, "\".", NULL);
        report1(c, &b, d->off);
        return GO;
    }
    for (i = 0; i < def->nlocations; i++)
        if (def->locations[i] == n->dloc)
            return GO;
    msg(&b, "Directive \"@", d->name.value, "\" may not be used on ", gql_dloc_names[n->dloc], ".",
        NULL);
    report1(c, &b, d->off);
    return GO;
}

static int unique_directives_per_location(struct vctx *c, const struct node *n)
{
    const struct gql_ast_directive *d;
    const struct gql_ast_directive *e;

    if (n->dirs == NULL || n->kind == NK_DIRECTIVE)
        return GO;
    for (d = n->dirs; d != NULL && !c->stop; d = d->next) {
        const struct gql_directive_def *def = gql_schema_directive(c->schema, d->name.value);

        if (def == NULL || def->repeatable)
            continue;
        for (e = n->dirs; e != d; e = e->next) {
            if (strcmp(e->name.value, d->name.value) == 0) {
                struct gql_buf b;

                msg(&b, "The directive \"@", d->name.value,
                    "\" can only be used once at this location.", NULL);
                report2(c, &b, e->off, d->off);
                break;
            }
        }
    }
    return GO;
}

static int known_argument_names(struct vctx *c, const struct node *n)
{
    struct gql_buf b;
    const char *sugg[5];
    size_t ns;

    if (n->kind == NK_DIRECTIVE) {
        const struct gql_ast_directive *d = n->p;
        const struct gql_directive_def *def = gql_schema_directive(c->schema, d->name.value);
        const struct gql_ast_argument *a;

        if (def == NULL)
            return SKIP;
        for (a = d->args; a != NULL && !c->stop; a = a->next) {
            const char *names[64];
            size_t i;

            if (gql_find_arg(def->args, def->nargs, a->name.value) != NULL)
                continue;
            for (i = 0; i < def->nargs && i < 64; i++)
                names[i] = def->args[i].name;
            ns = gql_suggestion_list(a->name.value, names, i, sugg, 5);
            msg(&b, "Unknown argument \"", a->name.value, "\" on directive \"@", d->name.value,
                "\".", NULL);
            gql_did_you_mean(&b, NULL, sugg, ns);
            report1(c, &b, a->off);
        }
        return SKIP;
    }
    if (n->kind == NK_ARGUMENT) {
        const struct gql_ast_argument *a = n->p;
        const struct gql_field *f = ti_field(&c->w->ti);
        const struct gql_type *parent = ti_parent(&c->w->ti);
        const char **names;
        size_t i;

        if (c->w->ti.argument != NULL || f == NULL || parent == NULL)
            return GO;
        names = gql_arena_alloc(c->arena, (f->nargs + 1) * sizeof(*names));
        if (names == NULL) {
            c->stop = true;
            return GO;
        }
        for (i = 0; i < f->nargs; i++)
            names[i] = f->args[i].name;
        ns = gql_suggestion_list(a->name.value, names, f->nargs, sugg, 5);
        msg(&b, "Unknown argument \"", a->name.value, "\" on field \"", parent->name, ".", f->name,
            "\".", NULL);
        gql_did_you_mean(&b, NULL, sugg, ns);
        report1(c, &b, a->off);
    }
    return GO;
}

static int unique_argument_names(struct vctx *c, const struct node *n)
{
    const struct gql_ast_argument *args;
    const struct gql_ast_argument *a;
    const struct gql_ast_argument *x;

    if (n->kind == NK_FIELD)
        args = ((const struct gql_ast_selection *)n->p)->args;
    else if (n->kind == NK_DIRECTIVE)
        args = ((const struct gql_ast_directive *)n->p)->args;
    else
        return GO;
    for (a = args; a != NULL && !c->stop; a = a->next) {
        size_t count = 0;
        bool first = true;

        for (x = args; x != a && first; x = x->next)
            first = strcmp(x->name.value, a->name.value) != 0;
        if (!first)
            continue;
        for (x = a; x != NULL; x = x->next)
            count += strcmp(x->name.value, a->name.value) == 0;
        if (count > 1) {
            uint32_t *offs = gql_arena_alloc(c->arena, count * sizeof(*offs));
            struct gql_buf b;
            size_t i = 0;

            if (offs == NULL) {
                c->stop = true;
                return GO;
            }
            for (x = a; x != NULL; x = x->next)
                if (strcmp(x->name.value, a->name.value) == 0)
                    offs[i++] = x->name.off;
            msg(&b, "There can be only one argument named \"", a->name.value, "\".", NULL);
            report(c, b.data, offs, count);
            gql_buf_finish(&b);
        }
    }
    return GO;
}

/* didYouMean('the enum value', suggestionList(value, enum values)). */
static void enum_suggestions(struct vctx *c, struct gql_buf *b, const struct gql_type *t,
                             const char *value)
{
    const char **names = gql_arena_alloc(c->arena, (t->nvalues + 1) * sizeof(*names));
    const char *sugg[5];
    size_t ns;
    size_t i;

    if (names == NULL)
        return;
    for (i = 0; i < t->nvalues; i++)
        names[i] = t->values[i].name;
    ns = gql_suggestion_list(value, names, t->nvalues, sugg, 5);
    gql_did_you_mean(b, "the enum value", sugg, ns);
}

static void print_node_value(struct gql_buf *b, const struct gql_ast_value *v)
{
    gql_print_value(b, v, false);
}

/* A scalar's or enum's parseLiteral: appends the error message, or nothing when valid. */
static void parse_literal_error(struct vctx *c, struct gql_buf *b, const struct gql_type *t,
                                const struct gql_ast_value *v)
{
    switch (t->builtin) {
    case GQL_BUILTIN_INT:
        if (v->kind != GQL_AV_INT) {
            gql_buf_puts(b, "Int cannot represent non-integer value: ");
            print_node_value(b, v);
        } else {
            double d = strtod(v->str, NULL);

            if (d > 2147483647.0 || d < -2147483648.0) {
                gql_buf_puts(b, "Int cannot represent non 32-bit signed integer value: ");
                gql_buf_append(b, v->str, v->len);
            }
        }
        return;
    case GQL_BUILTIN_FLOAT:
        if (v->kind != GQL_AV_FLOAT && v->kind != GQL_AV_INT) {
            gql_buf_puts(b, "Float cannot represent non numeric value: ");
            print_node_value(b, v);
        }
        return;
    case GQL_BUILTIN_STRING:
        if (v->kind != GQL_AV_STRING) {
            gql_buf_puts(b, "String cannot represent a non string value: ");
            print_node_value(b, v);
        }
        return;
    case GQL_BUILTIN_BOOLEAN:
        if (v->kind != GQL_AV_BOOLEAN) {
            gql_buf_puts(b, "Boolean cannot represent a non boolean value: ");
            print_node_value(b, v);
        }
        return;
    case GQL_BUILTIN_ID:
        if (v->kind != GQL_AV_STRING && v->kind != GQL_AV_INT) {
            gql_buf_puts(b, "ID cannot represent a non-string and non-integer value: ");
            print_node_value(b, v);
        }
        return;
    case GQL_BUILTIN_NONE:
        break;
    }
    if (t->kind != GQL_ENUM)
        return; /* a custom scalar takes any literal */
    if (v->kind != GQL_AV_ENUM) {
        struct gql_buf printed;

        gql_buf_init(&printed, 65536);
        print_node_value(&printed, v);
        gql_buf_puts(b, "Enum \"");
        gql_buf_puts(b, t->name);
        gql_buf_puts(b, "\" cannot represent non-enum value: ");
        gql_buf_append(b, printed.data != NULL ? printed.data : "", printed.len);
        gql_buf_puts(b, ".");
        enum_suggestions(c, b, t, printed.data != NULL ? printed.data : "");
        gql_buf_finish(&printed);
    } else if (gql_find_enum_value(t, v->str) == NULL) {
        gql_buf_puts(b, "Value \"");
        gql_buf_puts(b, v->str);
        gql_buf_puts(b, "\" does not exist in \"");
        gql_buf_puts(b, t->name);
        gql_buf_puts(b, "\" enum.");
        enum_suggestions(c, b, t, v->str);
    }
}

static void is_valid_value_node(struct vctx *c, const struct gql_ast_value *v)
{
    const struct gql_type_ref *loc = ti_input(&c->w->ti);
    const struct gql_type *t;
    struct gql_buf b;

    if (loc == NULL)
        return;
    t = gql_ref_named(loc);
    gql_buf_init(&b, 65536);
    if (!gql_is_leaf(t)) {
        gql_buf_puts(&b, "Expected value of type \"");
        add_ref(&b, loc);
        gql_buf_puts(&b, "\", found ");
        print_node_value(&b, v);
        gql_buf_puts(&b, ".");
        report1(c, &b, v->off);
        return;
    }
    parse_literal_error(c, &b, t, v);
    if (b.len > 0)
        report1(c, &b, v->off);
    else
        gql_buf_finish(&b);
}

static int values_of_correct_type(struct vctx *c, const struct node *n)
{
    struct gql_buf b;

    if (n->kind == NK_VALUE) {
        const struct gql_ast_value *v = n->p;

        switch (v->kind) {
        case GQL_AV_LIST: {
            const struct gql_type_ref *t = gql_ref_nullable(ti_parent_input(&c->w->ti));

            if (t == NULL || t->kind != GQL_REF_LIST) {
                is_valid_value_node(c, v);
                return SKIP;
            }
            return GO;
        }
        case GQL_AV_OBJECT: {
            const struct gql_type *t = named_of(ti_input(&c->w->ti));
            size_t i;

            if (t == NULL || t->kind != GQL_INPUT_OBJECT) {
                is_valid_value_node(c, v);
                return SKIP;
            }
            for (i = 0; i < t->ninputs && !c->stop; i++) {
                const struct gql_ast_object_field *f;
                bool given = false;

                for (f = v->fields; f != NULL && !given; f = f->next)
                    given = strcmp(f->name.value, t->inputs[i].name) == 0;
                if (given || t->inputs[i].type->kind != GQL_REF_NON_NULL ||
                    t->inputs[i].default_value != NULL)
                    continue;
                msg(&b, "Field \"", t->name, ".", t->inputs[i].name, "\" of required type \"",
                    NULL);
                add_ref(&b, t->inputs[i].type);
                gql_buf_puts(&b, "\" was not provided.");
                report1(c, &b, v->off);
            }
            return GO;
        }
        case GQL_AV_NULL: {
            const struct gql_type_ref *t = ti_input(&c->w->ti);

            if (t != NULL && t->kind == GQL_REF_NON_NULL) {
                msg(&b, "Expected value of type \"", NULL);
                add_ref(&b, t);
                gql_buf_puts(&b, "\", found null.");
                report1(c, &b, v->off);
            }
            return GO;
        }
        case GQL_AV_VARIABLE:
            return GO;
        default:
            is_valid_value_node(c, v);
            return GO;
        }
    }
    if (n->kind == NK_OBJECT_FIELD) {
        const struct gql_ast_object_field *f = n->p;
        const struct gql_type *parent = named_of(ti_parent_input(&c->w->ti));

        if (ti_input(&c->w->ti) == NULL && parent != NULL && parent->kind == GQL_INPUT_OBJECT) {
            const char **names = gql_arena_alloc(c->arena, (parent->ninputs + 1) * sizeof(*names));
            const char *sugg[5];
            size_t ns = 0;
            size_t i;

            if (names != NULL) {
                for (i = 0; i < parent->ninputs; i++)
                    names[i] = parent->inputs[i].name;
                ns = gql_suggestion_list(f->name.value, names, parent->ninputs, sugg, 5);
            }
            msg(&b, "Field \"", f->name.value, "\" is not defined by type \"", parent->name, "\".",
                NULL);
            gql_did_you_mean(&b, NULL, sugg, ns);
            report1(c, &b, f->off);
        }
    }
    return GO;
}

static void provided_required_arguments_leave(struct vctx *c, const struct node *n)
{
    const struct gql_input_value *args;
    size_t nargs;
    const struct gql_ast_argument *given;
    const char *what;
    const char *name;
    const char *owner;
    uint32_t off;
    size_t i;

    if (n->kind == NK_DIRECTIVE) {
        const struct gql_ast_directive *d = n->p;
        const struct gql_directive_def *def = gql_schema_directive(c->schema, d->name.value);

        if (def == NULL)
            return;
        args = def->args;
        nargs = def->nargs;
        given = d->args;
        what = "Directive \"@";
        name = d->name.value;
        off = d->off;
    } else if (n->kind == NK_FIELD) {
        const struct gql_ast_selection *f = n->p;
        const struct gql_field *def = ti_field(&c->w->ti);

        if (def == NULL)
            return;
        args = def->args;
        nargs = def->nargs;
        given = f->args;
        what = "Field \"";
        name = def->name;
        off = f->off;
    } else {
        return;
    }
    owner = name;
    for (i = 0; i < nargs && !c->stop; i++) {
        const struct gql_ast_argument *a;
        bool found = false;
        struct gql_buf b;

        if (args[i].type->kind != GQL_REF_NON_NULL || args[i].default_value != NULL)
            continue;
        for (a = given; a != NULL && !found; a = a->next)
            found = strcmp(a->name.value, args[i].name) == 0;
        if (found)
            continue;
        msg(&b, what, owner, "\" argument \"", args[i].name, "\" of type \"", NULL);
        add_ref(&b, args[i].type);
        gql_buf_puts(&b, "\" is required, but it was not provided.");
        report1(c, &b, off);
    }
}

static void variables_in_allowed_position_leave(struct vctx *c, const struct node *n)
{
    const struct gql_ast_definition *op = n->p;
    const struct usage **u = NULL;
    size_t nu;
    size_t i;

    if (n->kind != NK_OPERATION)
        return;
    nu = recursive_usages(c, op, &u);
    for (i = 0; i < nu && !c->stop; i++) {
        const struct gql_ast_var_def *def = defined_var(c, u[i]->node->str);
        const struct gql_type_ref *var_type;
        const struct gql_type_ref *loc = u[i]->type;
        bool ok;
        struct gql_buf b;

        if (def == NULL || loc == NULL)
            continue;
        var_type = gql_type_from_ast(c->schema, c->arena, def->type);
        if (var_type == NULL)
            continue;
        if (loc->kind == GQL_REF_NON_NULL && var_type->kind != GQL_REF_NON_NULL) {
            bool var_default =
                def->default_value != NULL && def->default_value->kind != GQL_AV_NULL;

            ok = (var_default || u[i]->has_default) && gql_type_sub_type_of(var_type, loc->of);
        } else {
            ok = gql_type_sub_type_of(var_type, loc);
        }
        if (ok)
            continue;
        msg(&b, "Variable \"$", u[i]->node->str, "\" of type \"", NULL);
        add_ref(&b, var_type);
        gql_buf_puts(&b, "\" used in position expecting type \"");
        add_ref(&b, loc);
        gql_buf_puts(&b, "\".");
        report2(c, &b, def->off, u[i]->node->off);
    }
}

static int overlapping_fields(struct vctx *c, const struct node *n)
{
    if (n->kind != NK_SELECTION_SET)
        return GO;
    if (c->overlap == NULL) {
        struct gql_overlap_host host = {
            .schema = c->schema,
            .arena = c->arena,
            .fragment = overlap_fragment,
            .report = overlap_report,
            .user = c,
        };

        c->overlap = gql_overlap_create(&host);
        if (c->overlap == NULL) {
            c->stop = true;
            return GO;
        }
    }
    gql_overlap_selection_set(c->overlap, ti_parent(&c->w->ti), n->p);
    return GO;
}

static int unique_input_field_names_enter(struct vctx *c, const struct node *n)
{
    if (n->kind == NK_VALUE && ((const struct gql_ast_value *)n->p)->kind == GQL_AV_OBJECT) {
        if (c->ninput_scopes < TI_MAX)
            c->input_scopes[c->ninput_scopes] = c->ninput_names;
        c->ninput_scopes++;
    } else if (n->kind == NK_OBJECT_FIELD) {
        const struct gql_ast_object_field *f = n->p;
        size_t from = c->ninput_scopes > 0 && c->ninput_scopes <= TI_MAX
                          ? c->input_scopes[c->ninput_scopes - 1]
                          : 0;
        size_t i;

        for (i = from; i < c->ninput_names; i++) {
            if (strcmp(c->input_names[i]->name.value, f->name.value) == 0) {
                struct gql_buf b;

                msg(&b, "There can be only one input field named \"", f->name.value, "\".", NULL);
                report2(c, &b, c->input_names[i]->name.off, f->name.off);
                return GO;
            }
        }
        PUSHP(c, c->input_names, c->ninput_names, f);
    }
    return GO;
}

static void unique_input_field_names_leave(struct vctx *c, const struct node *n)
{
    if (n->kind == NK_VALUE && ((const struct gql_ast_value *)n->p)->kind == GQL_AV_OBJECT &&
        c->ninput_scopes > 0) {
        c->ninput_scopes--;
        if (c->ninput_scopes < TI_MAX)
            c->ninput_names = c->input_scopes[c->ninput_scopes];
    }
}

struct rule {
    int (*enter)(struct vctx *c, const struct node *n);
    void (*leave)(struct vctx *c, const struct node *n);
};

/* specifiedRules, in graphql-js 16's order. */
static const struct rule rules[NRULES] = {
    {executable_definitions, NULL},
    {unique_operation_names, NULL},
    {lone_anonymous_operation, NULL},
    {single_field_subscriptions, NULL},
    {known_type_names, NULL},
    {fragments_on_composite_types, NULL},
    {variables_are_input_types, NULL},
    {scalar_leafs, NULL},
    {fields_on_correct_type, NULL},
    {unique_fragment_names, NULL},
    {known_fragment_names, NULL},
    {no_unused_fragments_enter, no_unused_fragments_leave},
    {possible_fragment_spreads, NULL},
    {no_fragment_cycles, NULL},
    {unique_variable_names, NULL},
    {track_var_defs, no_undefined_variables_leave},
    {noop_enter, no_unused_variables_leave},
    {known_directives, NULL},
    {unique_directives_per_location, NULL},
    {known_argument_names, NULL},
    {unique_argument_names, NULL},
    {values_of_correct_type, NULL},
    {noop_enter, provided_required_arguments_leave},
    {noop_enter, variables_in_allowed_position_leave},
    {overlapping_fields, NULL},
    {unique_input_field_names_enter, unique_input_field_names_leave},
};

static bool main_enter(void *ctx, const struct node *n)
{
    struct vctx *c = ctx;
    size_t r;

    for (r = 0; r < NRULES && !c->stop; r++) {
        if (c->skip[r].p != NULL)
            continue;
        if (rules[r].enter != NULL && rules[r].enter(c, n) == SKIP) {
            c->skip[r].kind = n->kind;
            c->skip[r].p = n->p;
        }
    }
    return true;
}

static void main_leave(void *ctx, const struct node *n)
{
    struct vctx *c = ctx;
    size_t r;

    for (r = 0; r < NRULES && !c->stop; r++) {
        if (c->skip[r].p == NULL) {
            if (rules[r].leave != NULL)
                rules[r].leave(c, n);
        } else if (c->skip[r].p == n->p && c->skip[r].kind == n->kind) {
            c->skip[r].p = NULL;
        }
    }
}

void gql_validate(const struct gql_schema *schema, const struct gql_ast_document *doc,
                  struct gql_arena *arena, struct gql_errors *errs)
{
    struct vctx *c = gql_arena_alloc(arena, sizeof(*c));
    struct walker *w = gql_arena_alloc(arena, sizeof(*w));
    const struct gql_ast_definition *d;
    const struct gql_ast_definition **rev = NULL;
    size_t nrev = 0;
    struct node docn = {.kind = NK_DOCUMENT, .p = doc};

    if (c == NULL || w == NULL) {
        errs->no_memory = true;
        return;
    }
    c->schema = schema;
    c->doc = doc;
    c->arena = arena;
    c->errs = errs;
    c->w = w;
    /* Fragments by name, the last definition of each name winning. */
    for (d = doc->defs; d != NULL; d = d->next)
        if (d->kind == GQL_DEF_FRAGMENT)
            PUSHP(c, rev, nrev, d);
    if (nrev > 0) {
        size_t i;

        c->frags = gql_arena_alloc(arena, nrev * sizeof(*c->frags));
        if (c->frags == NULL) {
            errs->no_memory = true;
            return;
        }
        for (i = 0; i < nrev; i++)
            c->frags[i] = rev[nrev - 1 - i];
        c->nfrags = nrev;
    }
    if (!gql_index_build(arena, &c->frag_index, c->nfrags, frag_name_at, c->frags)) {
        errs->no_memory = true;
        return;
    }
    w->ti.schema = schema;
    w->ti.arena = arena;
    w->enter = main_enter;
    w->leave = main_leave;
    w->ctx = c;
    w->stop = &c->stop;
    if (!w_enter(w, &docn))
        return;
    for (d = doc->defs; d != NULL && !c->stop; d = d->next)
        walk_definition(w, d);
    if (!c->stop)
        w_leave(w, &docn);
}
