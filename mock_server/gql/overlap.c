/*
 * OverlappingFieldsCanBeMerged: graphql-js 16's rule, function for function
 * (findConflictsWithinSelectionSet, collectConflictsBetween..., findConflict,
 * the PairSet of compared fragments, the cache of field maps per selection
 * set), so that conflicts are found in the same order with the same reasons.
 * Recursion is bounded by a depth limit and the work by a budget.
 */
#include <stdio.h>
#include <string.h>

#include "overlap_private.h"
#include "print_private.h"

#define MAX_RECURSION 256
#define MAX_WORK 4000000u

struct fentry {
    const struct gql_type *parent;
    const struct gql_ast_selection *node;
    const struct gql_field *def;
};

struct fgroup {
    const char *name;
    struct fentry *items;
    size_t n;
    size_t cap;
};

struct fmap {
    const struct gql_ast_selection_set *set;
    struct fgroup *groups;
    size_t n;
    size_t cap;
    const char **frags;
    size_t nfrags;
    size_t frag_cap;
    struct fmap *next; /* the cache's chain */
};

struct reason {
    const char *name;
    const char *text; /* a leaf reason; NULL when subs */
    struct reason *subs;
    size_t nsubs;
};

struct conflict {
    struct reason reason;
    uint32_t *f1;
    size_t n1;
    uint32_t *f2;
    size_t n2;
};

struct conflicts {
    struct conflict *items;
    size_t n;
    size_t cap;
};

struct pair {
    const char *a;
    const char *b;
    bool exclusive;
};

#define CACHE_BUCKETS 256

struct gql_overlap {
    struct gql_overlap_host host;
    struct fmap *cache[CACHE_BUCKETS];
    struct pair *pairs;
    size_t npairs;
    size_t pair_cap;
    unsigned depth;
    size_t work;
    bool stop;
};

static void *grow(struct gql_overlap *o, void *old, size_t n, size_t *cap, size_t size)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return old;
    ncap = *cap ? *cap * 2 : 8;
    p = gql_arena_alloc(o->host.arena, ncap * size);
    if (p == NULL) {
        o->stop = true;
        return NULL;
    }
    if (n > 0)
        memcpy(p, old, n * size);
    *cap = ncap;
    return p;
}

struct gql_overlap *gql_overlap_create(const struct gql_overlap_host *host)
{
    struct gql_overlap *o = gql_arena_alloc(host->arena, sizeof(*o));

    if (o != NULL)
        o->host = *host;
    return o;
}

/* ---- PairSet --------------------------------------------------------------- */

static bool pair_has(struct gql_overlap *o, const char *a, const char *b, bool exclusive)
{
    size_t i;

    if (strcmp(a, b) > 0) {
        const char *t = a;

        a = b;
        b = t;
    }
    for (i = 0; i < o->npairs; i++) {
        if (strcmp(o->pairs[i].a, a) == 0 && strcmp(o->pairs[i].b, b) == 0)
            return exclusive ? true : o->pairs[i].exclusive == exclusive;
    }
    return false;
}

static void pair_add(struct gql_overlap *o, const char *a, const char *b, bool exclusive)
{
    size_t i;

    if (strcmp(a, b) > 0) {
        const char *t = a;

        a = b;
        b = t;
    }
    for (i = 0; i < o->npairs; i++) {
        if (strcmp(o->pairs[i].a, a) == 0 && strcmp(o->pairs[i].b, b) == 0) {
            o->pairs[i].exclusive = exclusive;
            return;
        }
    }
    o->pairs = grow(o, o->pairs, o->npairs, &o->pair_cap, sizeof(*o->pairs));
    if (o->pairs == NULL)
        return;
    o->pairs[o->npairs].a = a;
    o->pairs[o->npairs].b = b;
    o->pairs[o->npairs].exclusive = exclusive;
    o->npairs++;
}

/* ---- field maps ------------------------------------------------------------ */

static void collect(struct gql_overlap *o, const struct gql_type *parent,
                    const struct gql_ast_selection_set *set, struct fmap *m, unsigned depth)
{
    const struct gql_ast_selection *s;

    if (depth > MAX_RECURSION) {
        o->stop = true;
        return;
    }
    for (s = set->first; s != NULL && !o->stop; s = s->next) {
        if (s->kind == GQL_SEL_FIELD) {
            const char *key = s->alias.value != NULL ? s->alias.value : s->name.value;
            const struct gql_field *def = NULL;
            struct fgroup *g = NULL;
            size_t i;

            if (parent != NULL && (parent->kind == GQL_OBJECT || parent->kind == GQL_INTERFACE))
                def = gql_find_field(parent, s->name.value);
            for (i = 0; i < m->n; i++) {
                if (strcmp(m->groups[i].name, key) == 0) {
                    g = &m->groups[i];
                    break;
                }
            }
            if (g == NULL) {
                m->groups = grow(o, m->groups, m->n, &m->cap, sizeof(*m->groups));
                if (m->groups == NULL)
                    return;
                g = &m->groups[m->n++];
                memset(g, 0, sizeof(*g));
                g->name = key;
            }
            g->items = grow(o, g->items, g->n, &g->cap, sizeof(*g->items));
            if (g->items == NULL)
                return;
            g->items[g->n].parent = parent;
            g->items[g->n].node = s;
            g->items[g->n].def = def;
            g->n++;
        } else if (s->kind == GQL_SEL_SPREAD) {
            size_t i;
            bool seen = false;

            for (i = 0; i < m->nfrags && !seen; i++)
                seen = strcmp(m->frags[i], s->name.value) == 0;
            if (!seen) {
                m->frags = grow(o, m->frags, m->nfrags, &m->frag_cap, sizeof(*m->frags));
                if (m->frags == NULL)
                    return;
                m->frags[m->nfrags++] = s->name.value;
            }
        } else {
            const struct gql_type *t = parent;

            if (s->type_cond != NULL)
                t = gql_schema_find_type(o->host.schema, s->type_cond->name.value);
            collect(o, t, s->sel, m, depth + 1);
        }
    }
}

static struct fmap *fields_and_fragments(struct gql_overlap *o, const struct gql_type *parent,
                                         const struct gql_ast_selection_set *set)
{
    size_t h = ((uintptr_t)set >> 4) % CACHE_BUCKETS;
    struct fmap *m;

    for (m = o->cache[h]; m != NULL; m = m->next)
        if (m->set == set)
            return m;
    m = gql_arena_alloc(o->host.arena, sizeof(*m));
    if (m == NULL) {
        o->stop = true;
        return NULL;
    }
    m->set = set;
    collect(o, parent, set, m, 0);
    m->next = o->cache[h];
    o->cache[h] = m;
    return m;
}

static struct fmap *referenced_fields(struct gql_overlap *o, const struct gql_ast_definition *f)
{
    const struct gql_type *t = gql_schema_find_type(o->host.schema, f->type_cond->name.value);

    return fields_and_fragments(o, t, f->sel);
}

/* ---- comparing ------------------------------------------------------------- */

static void add_conflict(struct gql_overlap *o, struct conflicts *cs, const struct conflict *c)
{
    cs->items = grow(o, cs->items, cs->n, &cs->cap, sizeof(*cs->items));
    if (cs->items != NULL)
        cs->items[cs->n++] = *c;
}

static bool find_conflict(struct gql_overlap *o, bool parents_exclusive, const char *name,
                          const struct fentry *f1, const struct fentry *f2, struct conflict *out);

static void between(struct gql_overlap *o, struct conflicts *cs, bool exclusive,
                    const struct fmap *m1, const struct fmap *m2)
{
    size_t i;

    for (i = 0; i < m1->n && !o->stop; i++) {
        const struct fgroup *g1 = &m1->groups[i];
        const struct fgroup *g2 = NULL;
        size_t j;

        for (j = 0; j < m2->n; j++) {
            if (strcmp(m2->groups[j].name, g1->name) == 0) {
                g2 = &m2->groups[j];
                break;
            }
        }
        if (g2 == NULL)
            continue;
        for (j = 0; j < g1->n && !o->stop; j++) {
            size_t k;

            for (k = 0; k < g2->n && !o->stop; k++) {
                struct conflict c;

                if (find_conflict(o, exclusive, g1->name, &g1->items[j], &g2->items[k], &c))
                    add_conflict(o, cs, &c);
            }
        }
    }
}

static void within(struct gql_overlap *o, struct conflicts *cs, const struct fmap *m)
{
    size_t g;

    for (g = 0; g < m->n && !o->stop; g++) {
        const struct fgroup *grp = &m->groups[g];
        size_t i;
        size_t j;

        for (i = 0; i < grp->n && !o->stop; i++) {
            for (j = i + 1; j < grp->n && !o->stop; j++) {
                struct conflict c;

                if (find_conflict(o, false, grp->name, &grp->items[i], &grp->items[j], &c))
                    add_conflict(o, cs, &c);
            }
        }
    }
}

static const struct gql_ast_definition *fragment(struct gql_overlap *o, const char *name)
{
    return o->host.fragment(o->host.user, name);
}

static void fields_and_fragment(struct gql_overlap *o, struct conflicts *cs, bool exclusive,
                                const struct fmap *m, const char *frag_name)
{
    const struct gql_ast_definition *f = fragment(o, frag_name);
    const struct fmap *m2;
    size_t i;

    if (f == NULL || o->stop)
        return;
    if (++o->depth > MAX_RECURSION) {
        o->stop = true;
        return;
    }
    m2 = referenced_fields(o, f);
    if (m2 != NULL && m2 != m) {
        between(o, cs, exclusive, m, m2);
        for (i = 0; i < m2->nfrags && !o->stop; i++) {
            if (pair_has(o, m2->frags[i], frag_name, exclusive))
                continue;
            pair_add(o, m2->frags[i], frag_name, exclusive);
            fields_and_fragment(o, cs, exclusive, m, m2->frags[i]);
        }
    }
    o->depth--;
}

static void fragments_pair(struct gql_overlap *o, struct conflicts *cs, bool exclusive,
                           const char *n1, const char *n2)
{
    const struct gql_ast_definition *f1;
    const struct gql_ast_definition *f2;
    const struct fmap *m1;
    const struct fmap *m2;
    size_t i;

    if (strcmp(n1, n2) == 0 || o->stop)
        return;
    if (pair_has(o, n1, n2, exclusive))
        return;
    pair_add(o, n1, n2, exclusive);
    f1 = fragment(o, n1);
    f2 = fragment(o, n2);
    if (f1 == NULL || f2 == NULL)
        return;
    if (++o->depth > MAX_RECURSION) {
        o->stop = true;
        return;
    }
    m1 = referenced_fields(o, f1);
    m2 = referenced_fields(o, f2);
    if (m1 != NULL && m2 != NULL) {
        between(o, cs, exclusive, m1, m2);
        for (i = 0; i < m2->nfrags && !o->stop; i++)
            fragments_pair(o, cs, exclusive, n1, m2->frags[i]);
        for (i = 0; i < m1->nfrags && !o->stop; i++)
            fragments_pair(o, cs, exclusive, m1->frags[i], n2);
    }
    o->depth--;
}

static void sub_selections(struct gql_overlap *o, struct conflicts *cs, bool exclusive,
                           const struct gql_type *p1, const struct gql_ast_selection_set *s1,
                           const struct gql_type *p2, const struct gql_ast_selection_set *s2)
{
    const struct fmap *m1 = fields_and_fragments(o, p1, s1);
    const struct fmap *m2 = fields_and_fragments(o, p2, s2);
    size_t i;
    size_t j;

    if (m1 == NULL || m2 == NULL)
        return;
    between(o, cs, exclusive, m1, m2);
    for (i = 0; i < m2->nfrags && !o->stop; i++)
        fields_and_fragment(o, cs, exclusive, m1, m2->frags[i]);
    for (i = 0; i < m1->nfrags && !o->stop; i++)
        fields_and_fragment(o, cs, exclusive, m2, m1->frags[i]);
    for (i = 0; i < m1->nfrags && !o->stop; i++)
        for (j = 0; j < m2->nfrags && !o->stop; j++)
            fragments_pair(o, cs, exclusive, m1->frags[i], m2->frags[j]);
}

static bool same_arguments(struct gql_overlap *o, const struct gql_ast_selection *a,
                           const struct gql_ast_selection *b)
{
    const struct gql_ast_argument *x;
    const struct gql_ast_argument *y;
    size_t na = 0;
    size_t nb = 0;

    for (x = a->args; x != NULL; x = x->next)
        na++;
    for (y = b->args; y != NULL; y = y->next)
        nb++;
    if (na == 0)
        return nb == 0;
    if (nb == 0 || na != nb)
        return false;
    for (x = a->args; x != NULL; x = x->next) {
        const struct gql_ast_argument *match = NULL;
        struct gql_buf p1;
        struct gql_buf p2;
        bool same;

        /* new Map(args2): the last argument of a name wins */
        for (y = b->args; y != NULL; y = y->next)
            if (strcmp(y->name.value, x->name.value) == 0)
                match = y;
        if (match == NULL)
            return false;
        gql_buf_init(&p1, 1u << 20);
        gql_buf_init(&p2, 1u << 20);
        gql_print_value(&p1, x->value, true);
        gql_print_value(&p2, match->value, true);
        same = p1.len == p2.len && (p1.len == 0 || memcmp(p1.data, p2.data, p1.len) == 0);
        gql_buf_finish(&p1);
        gql_buf_finish(&p2);
        (void)o;
        if (!same)
            return false;
    }
    return true;
}

static bool types_conflict(const struct gql_type_ref *a, const struct gql_type_ref *b)
{
    if (a->kind == GQL_REF_LIST)
        return b->kind == GQL_REF_LIST ? types_conflict(a->of, b->of) : true;
    if (b->kind == GQL_REF_LIST)
        return true;
    if (a->kind == GQL_REF_NON_NULL)
        return b->kind == GQL_REF_NON_NULL ? types_conflict(a->of, b->of) : true;
    if (b->kind == GQL_REF_NON_NULL)
        return true;
    if (gql_is_leaf(a->named) || gql_is_leaf(b->named))
        return a->named != b->named;
    return false;
}

static const char *arena_str(struct gql_overlap *o, struct gql_buf *b)
{
    const char *s = gql_arena_strndup(o->host.arena, b->data != NULL ? b->data : "", b->len);

    gql_buf_finish(b);
    if (s == NULL)
        o->stop = true;
    return s;
}

static bool leaf_conflict(struct gql_overlap *o, const char *name, const struct fentry *f1,
                          const struct fentry *f2, const char *text, struct conflict *out)
{
    memset(out, 0, sizeof(*out));
    out->reason.name = name;
    out->reason.text = text;
    out->f1 = gql_arena_alloc(o->host.arena, sizeof(uint32_t));
    out->f2 = gql_arena_alloc(o->host.arena, sizeof(uint32_t));
    if (out->f1 == NULL || out->f2 == NULL || text == NULL) {
        o->stop = true;
        return false;
    }
    out->f1[0] = f1->node->off;
    out->f2[0] = f2->node->off;
    out->n1 = out->n2 = 1;
    return true;
}

static bool find_conflict(struct gql_overlap *o, bool parents_exclusive, const char *name,
                          const struct fentry *f1, const struct fentry *f2, struct conflict *out)
{
    bool exclusive = parents_exclusive ||
                     (f1->parent != f2->parent && f1->parent != NULL && f2->parent != NULL &&
                      f1->parent->kind == GQL_OBJECT && f2->parent->kind == GQL_OBJECT);
    const struct gql_type_ref *t1 = f1->def != NULL ? f1->def->type : NULL;
    const struct gql_type_ref *t2 = f2->def != NULL ? f2->def->type : NULL;
    struct gql_buf b;

    if (++o->work > MAX_WORK || o->stop) {
        o->stop = true;
        return false;
    }
    if (!exclusive) {
        if (strcmp(f1->node->name.value, f2->node->name.value) != 0) {
            gql_buf_init(&b, 4096);
            gql_buf_puts(&b, "\"");
            gql_buf_puts(&b, f1->node->name.value);
            gql_buf_puts(&b, "\" and \"");
            gql_buf_puts(&b, f2->node->name.value);
            gql_buf_puts(&b, "\" are different fields");
            return leaf_conflict(o, name, f1, f2, arena_str(o, &b), out);
        }
        if (!same_arguments(o, f1->node, f2->node))
            return leaf_conflict(o, name, f1, f2, "they have differing arguments", out);
    }
    if (t1 != NULL && t2 != NULL && types_conflict(t1, t2)) {
        gql_buf_init(&b, 4096);
        gql_buf_puts(&b, "they return conflicting types \"");
        gql_ref_write(&b, t1);
        gql_buf_puts(&b, "\" and \"");
        gql_ref_write(&b, t2);
        gql_buf_puts(&b, "\"");
        return leaf_conflict(o, name, f1, f2, arena_str(o, &b), out);
    }
    if (f1->node->sel != NULL && f2->node->sel != NULL) {
        struct conflicts cs = {NULL, 0, 0};
        size_t i;
        size_t n1 = 1;
        size_t n2 = 1;

        if (++o->depth > MAX_RECURSION) {
            o->stop = true;
            return false;
        }
        sub_selections(o, &cs, exclusive, t1 != NULL ? gql_ref_named(t1) : NULL, f1->node->sel,
                       t2 != NULL ? gql_ref_named(t2) : NULL, f2->node->sel);
        o->depth--;
        if (cs.n == 0 || o->stop)
            return false;
        memset(out, 0, sizeof(*out));
        out->reason.name = name;
        out->reason.subs = gql_arena_alloc(o->host.arena, cs.n * sizeof(*out->reason.subs));
        for (i = 0; i < cs.n; i++) {
            n1 += cs.items[i].n1;
            n2 += cs.items[i].n2;
        }
        out->f1 = gql_arena_alloc(o->host.arena, n1 * sizeof(uint32_t));
        out->f2 = gql_arena_alloc(o->host.arena, n2 * sizeof(uint32_t));
        if (out->reason.subs == NULL || out->f1 == NULL || out->f2 == NULL) {
            o->stop = true;
            return false;
        }
        out->reason.nsubs = cs.n;
        out->f1[out->n1++] = f1->node->off;
        out->f2[out->n2++] = f2->node->off;
        for (i = 0; i < cs.n; i++) {
            out->reason.subs[i] = cs.items[i].reason;
            memcpy(out->f1 + out->n1, cs.items[i].f1, cs.items[i].n1 * sizeof(uint32_t));
            out->n1 += cs.items[i].n1;
            memcpy(out->f2 + out->n2, cs.items[i].f2, cs.items[i].n2 * sizeof(uint32_t));
            out->n2 += cs.items[i].n2;
        }
        return true;
    }
    return false;
}

static void reason_message(struct gql_buf *b, const struct reason *r, unsigned depth)
{
    size_t i;

    if (r->text != NULL || depth > MAX_RECURSION) {
        gql_buf_puts(b, r->text != NULL ? r->text : "");
        return;
    }
    for (i = 0; i < r->nsubs; i++) {
        if (i > 0)
            gql_buf_puts(b, " and ");
        gql_buf_puts(b, "subfields \"");
        gql_buf_puts(b, r->subs[i].name);
        gql_buf_puts(b, "\" conflict because ");
        reason_message(b, &r->subs[i], depth + 1);
    }
}

void gql_overlap_selection_set(struct gql_overlap *o, const struct gql_type *parent,
                               const struct gql_ast_selection_set *set)
{
    struct conflicts cs = {NULL, 0, 0};
    const struct fmap *m;
    size_t i;
    size_t j;

    if (o->stop)
        return;
    m = fields_and_fragments(o, parent, set);
    if (m == NULL)
        return;
    within(o, &cs, m);
    for (i = 0; i < m->nfrags && !o->stop; i++) {
        fields_and_fragment(o, &cs, false, m, m->frags[i]);
        for (j = i + 1; j < m->nfrags && !o->stop; j++)
            fragments_pair(o, &cs, false, m->frags[i], m->frags[j]);
    }
    for (i = 0; i < cs.n; i++) {
        struct gql_buf b;
        uint32_t *offs =
            gql_arena_alloc(o->host.arena, (cs.items[i].n1 + cs.items[i].n2) * sizeof(uint32_t));

        if (offs == NULL)
            return;
        memcpy(offs, cs.items[i].f1, cs.items[i].n1 * sizeof(uint32_t));
        memcpy(offs + cs.items[i].n1, cs.items[i].f2, cs.items[i].n2 * sizeof(uint32_t));
        gql_buf_init(&b, 1u << 20);
        gql_buf_puts(&b, "Fields \"");
        gql_buf_puts(&b, cs.items[i].reason.name);
        gql_buf_puts(&b, "\" conflict because ");
        reason_message(&b, &cs.items[i].reason, 0);
        gql_buf_puts(&b, ". Use different aliases on the fields to fetch both if this was "
                         "intentional.");
        o->host.report(o->host.user, b.data != NULL ? b.data : "", offs,
                       cs.items[i].n1 + cs.items[i].n2);
        gql_buf_finish(&b);
    }
}
