/*
 * gql_shape_check: does a JSON "data" object have exactly the shape a prepared
 * operation selects? Fields are collected as the executor collects them; a field
 * behind a @skip/@include whose variable has no value is optional. For an
 * interface or union, "__typename" in the data names the object type; without
 * it a key is allowed when some possible type selects it and required when all
 * do. Every problem names its JSON path.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "execute_private.h"
#include "number_private.h"
#include "print_private.h"

struct shape {
    const struct gql_prepared *p;
    struct gql_arena arena;
    const struct gql_shape_report *report;
    size_t problems;
};

/* A path being built: "data.a.b[2]". */
struct spath {
    char text[1024];
    size_t len;
};

static size_t spath_push_key(struct spath *sp, const char *key)
{
    size_t old = sp->len;
    int n = snprintf(sp->text + sp->len, sizeof(sp->text) - sp->len, ".%s", key);

    if (n > 0)
        sp->len +=
            (size_t)n < sizeof(sp->text) - sp->len ? (size_t)n : sizeof(sp->text) - sp->len - 1;
    return old;
}

static size_t spath_push_index(struct spath *sp, size_t i)
{
    size_t old = sp->len;
    int n = snprintf(sp->text + sp->len, sizeof(sp->text) - sp->len, "[%zu]", i);

    if (n > 0)
        sp->len +=
            (size_t)n < sizeof(sp->text) - sp->len ? (size_t)n : sizeof(sp->text) - sp->len - 1;
    return old;
}

static void spath_pop(struct spath *sp, size_t old)
{
    sp->len = old;
    sp->text[old] = '\0';
}

static void problem(struct shape *s, const struct spath *sp, struct gql_buf *msg)
{
    s->problems++;
    if (s->report != NULL && s->report->fn != NULL)
        s->report->fn(s->report->user, sp->text, msg->data != NULL ? msg->data : "");
    gql_buf_finish(msg);
}

/* "string \"x\"", "number 5", "null", "an object", "a list", "true". */
static void describe(struct gql_buf *b, const cJSON *j)
{
    if (cJSON_IsString(j)) {
        gql_buf_puts(b, "string ");
        gql_buf_json_string(b, j->valuestring, strlen(j->valuestring));
    } else if (cJSON_IsNumber(j)) {
        char num[40];

        gql_js_number(j->valuedouble, num, sizeof(num));
        gql_buf_puts(b, "number ");
        gql_buf_puts(b, num);
    } else if (cJSON_IsBool(j)) {
        gql_buf_puts(b, cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsNull(j)) {
        gql_buf_puts(b, "null");
    } else if (cJSON_IsArray(j)) {
        gql_buf_puts(b, "a list");
    } else {
        gql_buf_puts(b, "an object");
    }
}

static void expected(struct shape *s, const struct spath *sp, const struct gql_type_ref *ref,
                     const char *prefix, const cJSON *j)
{
    struct gql_buf b;

    gql_buf_init(&b, 65536);
    gql_buf_puts(&b, "expected ");
    gql_buf_puts(&b, prefix);
    gql_ref_write(&b, ref);
    gql_buf_puts(&b, ", found ");
    describe(&b, j);
    problem(s, sp, &b);
}

static void check_selection(struct shape *s, const struct gql_type *type,
                            const struct gql_ast_selection *const *nodes, size_t nnodes,
                            const cJSON *obj, struct spath *sp, unsigned depth);

static void check_value(struct shape *s, const struct gql_type_ref *ref,
                        const struct gql_ast_selection *const *nodes, size_t nnodes, const cJSON *j,
                        struct spath *sp, unsigned depth)
{
    const struct gql_type *t;

    if (depth > GQL_MAX_DEPTH * 3)
        return;
    if (ref->kind == GQL_REF_NON_NULL) {
        if (cJSON_IsNull(j)) {
            expected(s, sp, ref, "", j);
            return;
        }
        check_value(s, ref->of, nodes, nnodes, j, sp, depth + 1);
        return;
    }
    if (cJSON_IsNull(j))
        return;
    if (ref->kind == GQL_REF_LIST) {
        const cJSON *item;
        size_t i = 0;

        if (!cJSON_IsArray(j)) {
            expected(s, sp, ref, "a list ", j);
            return;
        }
        for (item = j->child; item != NULL; item = item->next, i++) {
            size_t old = spath_push_index(sp, i);

            check_value(s, ref->of, nodes, nnodes, item, sp, depth + 1);
            spath_pop(sp, old);
        }
        return;
    }
    t = ref->named;
    if (gql_is_composite(t)) {
        if (!cJSON_IsObject(j)) {
            expected(s, sp, ref, "an object ", j);
            return;
        }
        check_selection(s, t, nodes, nnodes, j, sp, depth + 1);
        return;
    }
    switch (t->builtin) {
    case GQL_BUILTIN_INT:
        if (!cJSON_IsNumber(j) || floor(j->valuedouble) != j->valuedouble ||
            j->valuedouble > 2147483647.0 || j->valuedouble < -2147483648.0)
            expected(s, sp, ref, "", j);
        return;
    case GQL_BUILTIN_FLOAT:
        if (!cJSON_IsNumber(j))
            expected(s, sp, ref, "", j);
        return;
    case GQL_BUILTIN_STRING:
        if (!cJSON_IsString(j))
            expected(s, sp, ref, "", j);
        return;
    case GQL_BUILTIN_BOOLEAN:
        if (!cJSON_IsBool(j))
            expected(s, sp, ref, "", j);
        return;
    case GQL_BUILTIN_ID:
        if (!cJSON_IsString(j) && !(cJSON_IsNumber(j) && floor(j->valuedouble) == j->valuedouble))
            expected(s, sp, ref, "", j);
        return;
    case GQL_BUILTIN_NONE:
        break;
    }
    if (t->kind == GQL_ENUM && !(cJSON_IsString(j) && gql_find_enum_value(t, j->valuestring))) {
        struct gql_buf b;
        size_t i;

        gql_buf_init(&b, 65536);
        gql_buf_puts(&b, "expected a value of enum ");
        gql_buf_puts(&b, t->name);
        gql_buf_puts(&b, " (");
        for (i = 0; i < t->nvalues && i < 12; i++) {
            if (i > 0)
                gql_buf_puts(&b, ", ");
            gql_buf_puts(&b, t->values[i].name);
        }
        gql_buf_puts(&b, i < t->nvalues ? ", ...), found " : "), found ");
        describe(&b, j);
        problem(s, sp, &b);
    }
}

/* Collect the fields of type from every node's selection set. */
static bool collect_for(struct shape *s, const struct gql_type *type,
                        const struct gql_ast_selection *const *nodes, size_t nnodes,
                        struct gql_cfields *out)
{
    size_t i;
    const char *msg;
    uint32_t off;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < nnodes; i++) {
        const struct gql_ast_selection_set *set = nodes[i] == NULL ? s->p->op->sel : nodes[i]->sel;

        if (set != NULL && !gql_collect_fields(&s->arena, s->p->schema, s->p->doc, s->p->vars, type,
                                               set, out, true, &msg, &off))
            return false;
    }
    return true;
}

static const struct gql_cfield *find_key(const struct gql_cfields *f, const char *key)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        if (strcmp(f->items[i].key, key) == 0)
            return &f->items[i];
    return NULL;
}

static void check_selection(struct shape *s, const struct gql_type *type,
                            const struct gql_ast_selection *const *nodes, size_t nnodes,
                            const cJSON *obj, struct spath *sp, unsigned depth)
{
    const struct gql_type *candidates[64];
    struct gql_cfields *fields;
    size_t nc = 0;
    size_t i;
    size_t c;
    const cJSON *item;

    if (gql_is_abstract(type)) {
        const cJSON *tn = cJSON_GetObjectItemCaseSensitive(obj, "__typename");

        if (cJSON_IsString(tn)) {
            const struct gql_type *rt = gql_schema_find_type(s->p->schema, tn->valuestring);

            if (rt == NULL || rt->kind != GQL_OBJECT || !gql_is_sub_type(type, rt)) {
                struct gql_buf b;
                size_t old = spath_push_key(sp, "__typename");

                gql_buf_init(&b, 65536);
                describe(&b, tn);
                gql_buf_puts(&b, " is not an object type of ");
                gql_buf_puts(&b, type->kind == GQL_UNION ? "union " : "interface ");
                gql_buf_puts(&b, type->name);
                problem(s, sp, &b);
                spath_pop(sp, old);
                return;
            }
            candidates[nc++] = rt;
        } else {
            for (i = 0; i < type->npossible && nc < 64; i++)
                candidates[nc++] = type->possible[i];
        }
    } else {
        candidates[nc++] = type;
    }
    fields = gql_arena_alloc(&s->arena, nc * sizeof(*fields));
    if (fields == NULL)
        return;
    for (c = 0; c < nc; c++)
        if (!collect_for(s, candidates[c], nodes, nnodes, &fields[c]))
            return;
    /* Selected keys: present (unless optional), and of their type. */
    for (c = 0; c < nc; c++) {
        for (i = 0; i < fields[c].n; i++) {
            const struct gql_cfield *cf = &fields[c].items[i];
            const struct gql_field *def =
                gql_field_def(s->p->schema, candidates[c], cf->nodes[0]->name.value);
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, cf->key);
            size_t old;
            size_t k;
            bool required = cf->certain > 0;
            bool seen_before = false;

            for (k = 0; k < c && !seen_before; k++)
                seen_before = find_key(&fields[k], cf->key) != NULL;
            if (seen_before || def == NULL)
                continue; /* checked with the first candidate that selects it */
            for (k = c + 1; k < nc && required; k++) {
                const struct gql_cfield *o = find_key(&fields[k], cf->key);

                required = o != NULL && o->certain > 0;
            }
            old = spath_push_key(sp, cf->key);
            if (v == NULL) {
                if (required) {
                    struct gql_buf b;

                    gql_buf_init(&b, 65536);
                    gql_buf_puts(&b, "missing: the query selects it (expected ");
                    gql_ref_write(&b, def->type);
                    gql_buf_puts(&b, ")");
                    problem(s, sp, &b);
                }
            } else if (def == &s->p->schema->typename_field && nc == 1 && cJSON_IsString(v) &&
                       strcmp(v->valuestring, candidates[c]->name) != 0) {
                struct gql_buf b;

                gql_buf_init(&b, 65536);
                gql_buf_puts(&b, "expected \"");
                gql_buf_puts(&b, candidates[c]->name);
                gql_buf_puts(&b, "\", found ");
                describe(&b, v);
                problem(s, sp, &b);
            } else {
                check_value(s, def->type, cf->nodes, cf->n, v, sp, depth + 1);
            }
            spath_pop(sp, old);
        }
    }
    /* Keys nobody selected. */
    for (item = obj->child; item != NULL; item = item->next) {
        bool selected = false;

        for (c = 0; c < nc && !selected; c++)
            selected = find_key(&fields[c], item->string) != NULL;
        if (!selected) {
            struct gql_buf b;
            size_t old = spath_push_key(sp, item->string);

            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "unexpected key: the query does not select it");
            problem(s, sp, &b);
            spath_pop(sp, old);
        }
    }
}

size_t gql_shape_check(const struct gql_prepared *prepared, const cJSON *data,
                       const struct gql_shape_report *report)
{
    struct shape s;
    struct spath sp;
    const struct gql_type *root;
    const struct gql_ast_selection *none = NULL;

    memset(&s, 0, sizeof(s));
    s.p = prepared;
    s.report = report;
    snprintf(sp.text, sizeof(sp.text), "%s",
             report != NULL && report->data_path != NULL ? report->data_path : "data");
    sp.len = strlen(sp.text);
    if (prepared == NULL) {
        struct gql_buf b;

        gql_buf_init(&b, 256);
        gql_buf_puts(&b, "no operation to check against");
        problem(&s, &sp, &b);
        return s.problems;
    }
    root = gql_schema_root(prepared->schema, prepared->op->op);
    gql_arena_init(&s.arena, 0);
    if (root == NULL) {
        struct gql_buf b;

        gql_buf_init(&b, 256);
        gql_buf_puts(&b, "the schema has no root type for this operation");
        problem(&s, &sp, &b);
    } else if (!cJSON_IsObject(data)) {
        struct gql_buf b;

        gql_buf_init(&b, 256);
        gql_buf_puts(&b, "expected an object, found ");
        describe(&b, data);
        problem(&s, &sp, &b);
    } else {
        check_selection(&s, root, &none, 1, data, &sp, 0);
    }
    gql_arena_finish(&s.arena);
    return s.problems;
}
