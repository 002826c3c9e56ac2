/*
 * Building a schema from SDL the way graphql-js 16's buildASTSchema does:
 * the standard scalars and introspection types are built in and win over
 * redeclarations, the SDL's own directives replace the standard ones of the
 * same name, types appear in introspection in graphql-js's order. Unlike
 * graphql-js, a type declared twice keeps its first definition (the ESO Logs
 * dump declares GuildPagination twice), and '#' comments are kept for the
 * data world (gql_field_comment).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer_private.h"
#include "number_private.h"
#include "print_private.h"
#include "schema_private.h"

const char *const gql_dloc_names[GQL_DLOC_COUNT] = {
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
    "SCHEMA",
    "SCALAR",
    "OBJECT",
    "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION",
    "INTERFACE",
    "UNION",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
};

const char *gql_strerror(enum gql_status status)
{
    switch (status) {
    case GQL_OK:
        return "success";
    case GQL_BAD_ARGUMENT:
        return "bad argument";
    case GQL_NO_MEMORY:
        return "out of memory";
    case GQL_SYNTAX:
        return "syntax error";
    case GQL_INVALID:
        return "invalid";
    case GQL_TOO_BIG:
        return "too big";
    case GQL_TOO_DEEP:
        return "nested too deeply";
    case GQL_IO:
        return "cannot read the file";
    case GQL_ERRORS:
        return "the request has errors";
    }
    return "unknown status";
}

/* ---- name indexes ------------------------------------------------------- */

uint32_t gql_name_hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

bool gql_index_build(struct gql_arena *arena, struct gql_name_index *idx, size_t n,
                     const char *(*name_at)(const void *items, size_t i), const void *items)
{
    uint32_t size = 8;
    size_t i;

    while (size < n * 2)
        size *= 2;
    idx->slots = gql_arena_alloc(arena, size * sizeof(uint32_t));
    if (idx->slots == NULL)
        return false;
    idx->mask = size - 1;
    for (i = 0; i < n; i++) {
        const char *name = name_at(items, i);
        uint32_t h = gql_name_hash(name) & idx->mask;
        bool dup = false;

        while (idx->slots[h] != 0) {
            if (strcmp(name_at(items, idx->slots[h] - 1), name) == 0) {
                dup = true; /* the first one wins */
                break;
            }
            h = (h + 1) & idx->mask;
        }
        if (!dup)
            idx->slots[h] = (uint32_t)i + 1;
    }
    return true;
}

long gql_index_find(const struct gql_name_index *idx, const char *name,
                    const char *(*name_at)(const void *items, size_t i), const void *items)
{
    uint32_t h;

    if (idx->slots == NULL)
        return -1;
    h = gql_name_hash(name) & idx->mask;
    while (idx->slots[h] != 0) {
        if (strcmp(name_at(items, idx->slots[h] - 1), name) == 0)
            return (long)idx->slots[h] - 1;
        h = (h + 1) & idx->mask;
    }
    return -1;
}

static const char *type_name_at(const void *items, size_t i)
{
    return ((struct gql_type *const *)items)[i]->name;
}

static const char *field_name_at(const void *items, size_t i)
{
    return ((const struct gql_field *)items)[i].name;
}

static const char *value_name_at(const void *items, size_t i)
{
    return ((const struct gql_enum_value *)items)[i].name;
}

static const char *input_name_at(const void *items, size_t i)
{
    return ((const struct gql_input_value *)items)[i].name;
}

const struct gql_type *gql_schema_find_type(const struct gql_schema *schema, const char *name)
{
    long i = gql_index_find(&schema->type_index, name, type_name_at, schema->types);

    return i < 0 ? NULL : schema->types[i];
}

const struct gql_field *gql_find_field(const struct gql_type *type, const char *name)
{
    long i;

    if (type == NULL || (type->kind != GQL_OBJECT && type->kind != GQL_INTERFACE))
        return NULL;
    i = gql_index_find(&type->field_index, name, field_name_at, type->fields);
    return i < 0 ? NULL : &type->fields[i];
}

const struct gql_enum_value *gql_find_enum_value(const struct gql_type *type, const char *name)
{
    long i;

    if (type == NULL || type->kind != GQL_ENUM)
        return NULL;
    i = gql_index_find(&type->value_index, name, value_name_at, type->values);
    return i < 0 ? NULL : &type->values[i];
}

const struct gql_input_value *gql_find_input(const struct gql_type *type, const char *name)
{
    long i;

    if (type == NULL || type->kind != GQL_INPUT_OBJECT)
        return NULL;
    i = gql_index_find(&type->input_index, name, input_name_at, type->inputs);
    return i < 0 ? NULL : &type->inputs[i];
}

const struct gql_input_value *gql_find_arg(const struct gql_input_value *args, size_t nargs,
                                           const char *name)
{
    size_t i;

    for (i = 0; i < nargs; i++)
        if (strcmp(args[i].name, name) == 0)
            return &args[i];
    return NULL;
}

const struct gql_directive_def *gql_schema_directive(const struct gql_schema *schema,
                                                     const char *name)
{
    size_t i;

    for (i = 0; i < schema->ndirectives; i++)
        if (strcmp(schema->directives[i].name, name) == 0)
            return &schema->directives[i];
    return NULL;
}

const struct gql_type *gql_schema_root(const struct gql_schema *schema, enum gql_op op)
{
    switch (op) {
    case GQL_OP_QUERY:
        return schema->query;
    case GQL_OP_MUTATION:
        return schema->mutation;
    case GQL_OP_SUBSCRIPTION:
        return schema->subscription;
    }
    return NULL;
}

/* ---- type references ---------------------------------------------------- */

const struct gql_type *gql_ref_named(const struct gql_type_ref *ref)
{
    while (ref != NULL && ref->kind != GQL_REF_NAMED)
        ref = ref->of;
    return ref != NULL ? ref->named : NULL;
}

const struct gql_type_ref *gql_ref_nullable(const struct gql_type_ref *ref)
{
    return ref != NULL && ref->kind == GQL_REF_NON_NULL ? ref->of : ref;
}

bool gql_ref_equal(const struct gql_type_ref *a, const struct gql_type_ref *b)
{
    while (a != NULL && b != NULL) {
        if (a->kind != b->kind)
            return false;
        if (a->kind == GQL_REF_NAMED)
            return a->named == b->named;
        a = a->of;
        b = b->of;
    }
    return a == b;
}

void gql_ref_write(struct gql_buf *buf, const struct gql_type_ref *ref)
{
    switch (ref->kind) {
    case GQL_REF_NAMED:
        gql_buf_puts(buf, ref->named->name);
        return;
    case GQL_REF_LIST:
        gql_buf_puts(buf, "[");
        gql_ref_write(buf, ref->of);
        gql_buf_puts(buf, "]");
        return;
    case GQL_REF_NON_NULL:
        gql_ref_write(buf, ref->of);
        gql_buf_puts(buf, "!");
        return;
    }
}

bool gql_is_composite(const struct gql_type *t)
{
    return t != NULL && (t->kind == GQL_OBJECT || t->kind == GQL_INTERFACE || t->kind == GQL_UNION);
}

bool gql_is_leaf(const struct gql_type *t)
{
    return t != NULL && (t->kind == GQL_SCALAR || t->kind == GQL_ENUM);
}

bool gql_is_abstract(const struct gql_type *t)
{
    return t != NULL && (t->kind == GQL_INTERFACE || t->kind == GQL_UNION);
}

bool gql_is_input_ref(const struct gql_type_ref *ref)
{
    const struct gql_type *t = gql_ref_named(ref);

    return t != NULL && (gql_is_leaf(t) || t->kind == GQL_INPUT_OBJECT);
}

bool gql_is_output_ref(const struct gql_type_ref *ref)
{
    const struct gql_type *t = gql_ref_named(ref);

    return t != NULL && t->kind != GQL_INPUT_OBJECT;
}

bool gql_is_sub_type(const struct gql_type *abstract, const struct gql_type *sub)
{
    size_t i;

    if (abstract->kind == GQL_UNION || abstract->kind == GQL_INTERFACE) {
        for (i = 0; i < abstract->npossible; i++)
            if (abstract->possible[i] == sub)
                return true;
    }
    if (abstract->kind == GQL_INTERFACE && sub->kind == GQL_INTERFACE) {
        for (i = 0; i < sub->ninterfaces; i++)
            if (sub->interfaces[i] == abstract)
                return true;
    }
    return false;
}

bool gql_type_sub_type_of(const struct gql_type_ref *maybe_sub, const struct gql_type_ref *super)
{
    if (gql_ref_equal(maybe_sub, super))
        return true;
    if (super->kind == GQL_REF_NON_NULL) {
        if (maybe_sub->kind == GQL_REF_NON_NULL)
            return gql_type_sub_type_of(maybe_sub->of, super->of);
        return false;
    }
    if (maybe_sub->kind == GQL_REF_NON_NULL)
        return gql_type_sub_type_of(maybe_sub->of, super);
    if (super->kind == GQL_REF_LIST) {
        if (maybe_sub->kind == GQL_REF_LIST)
            return gql_type_sub_type_of(maybe_sub->of, super->of);
        return false;
    }
    if (maybe_sub->kind == GQL_REF_LIST)
        return false;
    return gql_is_abstract(super->named) &&
           (maybe_sub->named->kind == GQL_INTERFACE || maybe_sub->named->kind == GQL_OBJECT) &&
           gql_is_sub_type(super->named, maybe_sub->named);
}

bool gql_types_overlap(const struct gql_type *a, const struct gql_type *b)
{
    size_t i;

    if (a == b)
        return true;
    if (gql_is_abstract(a)) {
        if (gql_is_abstract(b)) {
            for (i = 0; i < a->npossible; i++)
                if (gql_is_sub_type(b, a->possible[i]))
                    return true;
            return false;
        }
        return gql_is_sub_type(a, b);
    }
    if (gql_is_abstract(b))
        return gql_is_sub_type(b, a);
    return false;
}

const struct gql_field *gql_field_def(const struct gql_schema *schema,
                                      const struct gql_type *parent, const char *name)
{
    if (name[0] == '_' && name[1] == '_') {
        if (parent == schema->query && strcmp(name, "__schema") == 0)
            return &schema->schema_field;
        if (parent == schema->query && strcmp(name, "__type") == 0)
            return &schema->type_field;
        if (gql_is_composite(parent) && strcmp(name, "__typename") == 0)
            return &schema->typename_field;
    }
    return gql_find_field(parent, name);
}

/* ---- building ----------------------------------------------------------- */

struct builder {
    struct gql_schema *s;
    const struct gql_ast_document *user;
    const struct gql_ast_document *builtin;
    /* every type created (builtins and the SDL's), before ordering */
    struct gql_type **all;
    const struct gql_ast_definition **defs; /* the definition of all[i] */
    const struct gql_ast_document **docs;   /* and its document */
    size_t nall;
    struct gql_name_index all_index;
    char *err;
    size_t err_size;
    enum gql_status rc;
};

__attribute__((format(printf, 5, 6))) static void fail(struct builder *b, enum gql_status rc,
                                                       const struct gql_ast_document *doc,
                                                       uint32_t off, const char *fmt, ...)
{
    uint32_t line = 1;
    uint32_t col = 1;
    char msg[400];
    va_list ap;

    if (b->rc != GQL_OK)
        return;
    b->rc = rc;
    if (doc != NULL)
        gql_source_location(doc->src, doc->len, off, &line, &col);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (b->err != NULL && b->err_size > 0)
        snprintf(b->err, b->err_size, "%u:%u: %s", line, col, msg);
}

static struct gql_type *find_any(const struct builder *b, const char *name)
{
    long i = gql_index_find(&b->all_index, name, type_name_at, b->all);

    return i < 0 ? NULL : b->all[i];
}

static const struct gql_type_ref *make_ref(struct builder *b, const struct gql_ast_document *doc,
                                           const struct gql_ast_type *ast)
{
    struct gql_type_ref *r;
    struct gql_type *t;

    if (ast->kind == GQL_AT_NAMED) {
        t = find_any(b, ast->name.value);
        if (t == NULL) {
            fail(b, GQL_INVALID, doc, ast->off, "Unknown type \"%s\".", ast->name.value);
            return NULL;
        }
        return t->ref;
    }
    r = gql_arena_alloc(&b->s->arena, sizeof(*r));
    if (r == NULL) {
        b->rc = GQL_NO_MEMORY;
        return NULL;
    }
    r->kind = ast->kind == GQL_AT_LIST ? GQL_REF_LIST : GQL_REF_NON_NULL;
    r->of = make_ref(b, doc, ast->of);
    return r->of == NULL ? NULL : r;
}

const struct gql_type_ref *gql_type_from_ast(const struct gql_schema *schema,
                                             struct gql_arena *arena,
                                             const struct gql_ast_type *ast)
{
    struct gql_type_ref *r;
    const struct gql_type *t;

    if (ast->kind == GQL_AT_NAMED) {
        t = gql_schema_find_type(schema, ast->name.value);
        return t != NULL ? t->ref : NULL;
    }
    r = gql_arena_alloc(arena, sizeof(*r));
    if (r == NULL)
        return NULL;
    r->kind = ast->kind == GQL_AT_LIST ? GQL_REF_LIST : GQL_REF_NON_NULL;
    r->of = gql_type_from_ast(schema, arena, ast->of);
    return r->of == NULL ? NULL : r;
}

/* The '#' lines of a comment span, without '#' and one space, joined by '\n'. */
static const char *comment_text(struct builder *b, const struct gql_ast_document *doc,
                                struct gql_comment c)
{
    struct gql_buf buf;
    const char *text;
    size_t i = c.start;
    bool first = true;

    if (c.end <= c.start)
        return NULL;
    gql_buf_init(&buf, 0);
    while (i < c.end) {
        size_t end;

        while (i < c.end && doc->src[i] != '#')
            i++;
        if (i >= c.end)
            break;
        i++;
        if (i < c.end && doc->src[i] == ' ')
            i++;
        end = i;
        while (end < c.end && doc->src[end] != '\n' && doc->src[end] != '\r')
            end++;
        if (!first)
            gql_buf_append(&buf, "\n", 1);
        first = false;
        gql_buf_append(&buf, doc->src + i, end - i);
        i = end;
    }
    text = gql_arena_strndup(&b->s->arena, buf.data != NULL ? buf.data : "", buf.len);
    gql_buf_finish(&buf);
    return text;
}

static const struct gql_ast_directive *find_directive(const struct gql_ast_directive *d,
                                                      const char *name)
{
    for (; d != NULL; d = d->next)
        if (strcmp(d->name.value, name) == 0)
            return d;
    return NULL;
}

/* @deprecated(reason:) as graphql-js reads it (the standard directive's default reason). */
static void deprecation(const struct gql_ast_directive *dirs, bool *deprecated, const char **reason)
{
    const struct gql_ast_directive *d = find_directive(dirs, "deprecated");
    const struct gql_ast_argument *a;

    *deprecated = d != NULL;
    *reason = NULL;
    if (d == NULL)
        return;
    *reason = "No longer supported";
    for (a = d->args; a != NULL; a = a->next)
        if (strcmp(a->name.value, "reason") == 0 && a->value->kind == GQL_AV_STRING)
            *reason = a->value->str;
        else if (strcmp(a->name.value, "reason") == 0 && a->value->kind == GQL_AV_NULL)
            *reason = NULL;
}

static bool build_inputs(struct builder *b, const struct gql_ast_document *doc,
                         const struct gql_ast_input_def *defs, struct gql_input_value **out,
                         size_t *count)
{
    const struct gql_ast_input_def *d;
    size_t n = 0;
    size_t i = 0;

    for (d = defs; d != NULL; d = d->next)
        n++;
    *count = n;
    *out = NULL;
    if (n == 0)
        return true;
    *out = gql_arena_alloc(&b->s->arena, n * sizeof(**out));
    if (*out == NULL) {
        b->rc = GQL_NO_MEMORY;
        return false;
    }
    for (d = defs; d != NULL; d = d->next, i++) {
        struct gql_input_value *v = &(*out)[i];

        v->name = d->name.value;
        v->description = d->description;
        v->comment = comment_text(b, doc, d->comment);
        v->type = make_ref(b, doc, d->type);
        if (v->type == NULL)
            return false;
        if (!gql_is_input_ref(v->type)) {
            fail(b, GQL_INVALID, doc, d->type->off, "The type \"%s\" is not an input type.",
                 gql_ref_named(v->type)->name);
            return false;
        }
        v->default_value = d->default_value;
        deprecation(d->directives, &v->deprecated, &v->deprecation_reason);
    }
    return true;
}

static bool build_fields(struct builder *b, struct gql_type *t, const struct gql_ast_document *doc,
                         const struct gql_ast_definition *def,
                         const struct gql_ast_definition **exts, size_t next)
{
    const struct gql_ast_field_def *f;
    size_t n = 0;
    size_t i = 0;
    size_t e;

    for (e = 0; e <= next; e++) {
        const struct gql_ast_definition *d = e == 0 ? def : exts[e - 1];

        for (f = d->fields; f != NULL; f = f->next)
            n++;
    }
    t->fields = gql_arena_alloc(&b->s->arena, (n ? n : 1) * sizeof(*t->fields));
    if (t->fields == NULL) {
        b->rc = GQL_NO_MEMORY;
        return false;
    }
    for (e = 0; e <= next; e++) {
        const struct gql_ast_definition *d = e == 0 ? def : exts[e - 1];
        const struct gql_ast_document *ddoc = e == 0 ? doc : b->user;

        for (f = d->fields; f != NULL; f = f->next) {
            struct gql_field *fd = &t->fields[i++];

            fd->name = f->name.value;
            fd->description = f->description;
            fd->comment = comment_text(b, ddoc, f->comment);
            fd->type = make_ref(b, ddoc, f->type);
            if (fd->type == NULL)
                return false;
            if (!gql_is_output_ref(fd->type)) {
                fail(b, GQL_INVALID, ddoc, f->type->off, "The type \"%s\" is not an output type.",
                     gql_ref_named(fd->type)->name);
                return false;
            }
            if (!build_inputs(b, ddoc, f->args, &fd->args, &fd->nargs))
                return false;
            deprecation(f->directives, &fd->deprecated, &fd->deprecation_reason);
        }
    }
    t->nfields = n;
    return gql_index_build(&b->s->arena, &t->field_index, n, field_name_at, t->fields);
}

static bool build_type(struct builder *b, size_t idx)
{
    struct gql_type *t = b->all[idx];
    const struct gql_ast_definition *def = b->defs[idx];
    const struct gql_ast_document *doc = b->docs[idx];
    const struct gql_ast_definition *exts[64];
    size_t next = 0;
    const struct gql_ast_definition *d;
    size_t e;

    /* Extensions apply to the SDL's own types, not to the built-in ones. */
    if (doc == b->user) {
        for (d = b->user->defs; d != NULL && next < 64; d = d->next)
            if (d->kind == GQL_DEF_TYPE_EXT && strcmp(d->name.value, t->name) == 0)
                exts[next++] = d;
    }
    t->description = def->description;
    switch (t->kind) {
    case GQL_SCALAR: {
        const struct gql_ast_directive *sb = find_directive(def->directives, "specifiedBy");

        if (sb != NULL && sb->args != NULL && sb->args->value->kind == GQL_AV_STRING)
            t->specified_by = sb->args->value->str;
        return true;
    }
    case GQL_OBJECT:
    case GQL_INTERFACE: {
        size_t n = 0;
        size_t i = 0;
        const struct gql_ast_name_list *nl;

        for (e = 0; e <= next; e++)
            for (nl = (e == 0 ? def : exts[e - 1])->names; nl != NULL; nl = nl->next)
                n++;
        t->interfaces = gql_arena_alloc(&b->s->arena, (n ? n : 1) * sizeof(*t->interfaces));
        if (t->interfaces == NULL)
            return (b->rc = GQL_NO_MEMORY), false;
        for (e = 0; e <= next; e++) {
            for (nl = (e == 0 ? def : exts[e - 1])->names; nl != NULL; nl = nl->next) {
                struct gql_type *it = find_any(b, nl->name.value);

                if (it == NULL || it->kind != GQL_INTERFACE) {
                    fail(b, GQL_INVALID, e == 0 ? doc : b->user, nl->off,
                         it == NULL ? "Unknown type \"%s\"." : "\"%s\" is not an interface.",
                         nl->name.value);
                    return false;
                }
                t->interfaces[i++] = it;
            }
        }
        t->ninterfaces = n;
        return build_fields(b, t, doc, def, exts, next);
    }
    case GQL_UNION: {
        size_t n = 0;
        size_t i = 0;
        const struct gql_ast_name_list *nl;

        for (e = 0; e <= next; e++)
            for (nl = (e == 0 ? def : exts[e - 1])->names; nl != NULL; nl = nl->next)
                n++;
        t->possible = gql_arena_alloc(&b->s->arena, (n ? n : 1) * sizeof(*t->possible));
        if (t->possible == NULL)
            return (b->rc = GQL_NO_MEMORY), false;
        for (e = 0; e <= next; e++) {
            for (nl = (e == 0 ? def : exts[e - 1])->names; nl != NULL; nl = nl->next) {
                struct gql_type *m = find_any(b, nl->name.value);

                if (m == NULL || m->kind != GQL_OBJECT) {
                    fail(b, GQL_INVALID, e == 0 ? doc : b->user, nl->off,
                         m == NULL ? "Unknown type \"%s\"." : "\"%s\" is not an object type.",
                         nl->name.value);
                    return false;
                }
                t->possible[i++] = m;
            }
        }
        t->npossible = n;
        return true;
    }
    case GQL_ENUM: {
        size_t n = 0;
        size_t i = 0;
        const struct gql_ast_enum_def *v;

        for (e = 0; e <= next; e++)
            for (v = (e == 0 ? def : exts[e - 1])->values; v != NULL; v = v->next)
                n++;
        t->values = gql_arena_alloc(&b->s->arena, (n ? n : 1) * sizeof(*t->values));
        if (t->values == NULL)
            return (b->rc = GQL_NO_MEMORY), false;
        for (e = 0; e <= next; e++) {
            for (v = (e == 0 ? def : exts[e - 1])->values; v != NULL; v = v->next) {
                struct gql_enum_value *ev = &t->values[i++];

                ev->name = v->name.value;
                ev->description = v->description;
                deprecation(v->directives, &ev->deprecated, &ev->deprecation_reason);
            }
        }
        t->nvalues = n;
        return gql_index_build(&b->s->arena, &t->value_index, n, value_name_at, t->values);
    }
    case GQL_INPUT_OBJECT: {
        /* The definition's fields, then each extension's. */
        struct gql_input_value *parts[65];
        size_t counts[65];
        size_t total = 0;
        size_t i;

        for (e = 0; e <= next; e++) {
            if (!build_inputs(b, e == 0 ? doc : b->user, (e == 0 ? def : exts[e - 1])->inputs,
                              &parts[e], &counts[e]))
                return false;
            total += counts[e];
        }
        t->inputs = gql_arena_alloc(&b->s->arena, (total ? total : 1) * sizeof(*t->inputs));
        if (t->inputs == NULL)
            return (b->rc = GQL_NO_MEMORY), false;
        for (e = 0, i = 0; e <= next; e++) {
            if (counts[e] > 0)
                memcpy(t->inputs + i, parts[e], counts[e] * sizeof(*t->inputs));
            i += counts[e];
        }
        t->ninputs = total;
        return gql_index_build(&b->s->arena, &t->input_index, total, input_name_at, t->inputs);
    }
    }
    return false;
}

static bool is_std_name(const char *name)
{
    static const char *const names[] = {"String", "Int", "Float", "Boolean", "ID"};
    size_t i;

    if (name[0] == '_' && name[1] == '_')
        return true;
    for (i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static enum gql_type_kind tkind(enum gql_tdef_kind k)
{
    switch (k) {
    case GQL_TDEF_SCALAR:
        return GQL_SCALAR;
    case GQL_TDEF_OBJECT:
        return GQL_OBJECT;
    case GQL_TDEF_INTERFACE:
        return GQL_INTERFACE;
    case GQL_TDEF_UNION:
        return GQL_UNION;
    case GQL_TDEF_ENUM:
        return GQL_ENUM;
    case GQL_TDEF_INPUT:
        return GQL_INPUT_OBJECT;
    }
    return GQL_SCALAR;
}

/* Create the type for def, unless its name exists (first wins). */
static bool add_type(struct builder *b, const struct gql_ast_document *doc,
                     const struct gql_ast_definition *def, size_t cap)
{
    struct gql_type *t;
    struct gql_type_ref *ref;
    size_t i;

    for (i = 0; i < b->nall; i++)
        if (strcmp(b->all[i]->name, def->name.value) == 0)
            return true;
    if (b->nall >= cap)
        return true;
    t = gql_arena_alloc(&b->s->arena, sizeof(*t));
    ref = gql_arena_alloc(&b->s->arena, sizeof(*ref));
    if (t == NULL || ref == NULL) {
        b->rc = GQL_NO_MEMORY;
        return false;
    }
    t->kind = tkind(def->tkind);
    t->name = def->name.value;
    t->introspection = def->name.value[0] == '_' && def->name.value[1] == '_';
    if (doc == b->builtin && t->kind == GQL_SCALAR) {
        static const char *const names[] = {"Int", "Float", "String", "Boolean", "ID"};

        for (i = 0; i < 5; i++)
            if (strcmp(t->name, names[i]) == 0)
                t->builtin = (enum gql_builtin)(i + 1);
    }
    ref->kind = GQL_REF_NAMED;
    ref->named = t;
    t->ref = ref;
    b->all[b->nall] = t;
    b->defs[b->nall] = def;
    b->docs[b->nall] = doc;
    b->nall++;
    return true;
}

/* graphql-js's collectReferencedTypes: append t and what it references, depth first. */
static void collect(struct gql_schema *s, struct gql_type *t, bool *seen, size_t depth)
{
    size_t i;
    size_t j;

    if (seen[t->index] || depth > 10000)
        return;
    seen[t->index] = true;
    s->types[s->ntypes++] = t;
    if (t->kind == GQL_UNION) {
        for (i = 0; i < t->npossible; i++)
            collect(s, t->possible[i], seen, depth + 1);
    } else if (t->kind == GQL_OBJECT || t->kind == GQL_INTERFACE) {
        for (i = 0; i < t->ninterfaces; i++)
            collect(s, t->interfaces[i], seen, depth + 1);
        for (i = 0; i < t->nfields; i++) {
            collect(s, (struct gql_type *)gql_ref_named(t->fields[i].type), seen, depth + 1);
            for (j = 0; j < t->fields[i].nargs; j++)
                collect(s, (struct gql_type *)gql_ref_named(t->fields[i].args[j].type), seen,
                        depth + 1);
        }
    } else if (t->kind == GQL_INPUT_OBJECT) {
        for (i = 0; i < t->ninputs; i++)
            collect(s, (struct gql_type *)gql_ref_named(t->inputs[i].type), seen, depth + 1);
    }
}

/* astFromValue(valueFromAST(literal, type), type), printed: the defaultValue text. */
static void print_default(struct gql_buf *buf, const struct gql_ast_value *v,
                          const struct gql_type_ref *ref)
{
    const struct gql_type *t;
    char num[40];

    if (ref->kind == GQL_REF_NON_NULL) {
        print_default(buf, v, ref->of);
        return;
    }
    if (v->kind == GQL_AV_NULL) {
        gql_buf_puts(buf, "null");
        return;
    }
    if (ref->kind == GQL_REF_LIST) {
        const struct gql_ast_value *item;

        gql_buf_puts(buf, "[");
        if (v->kind == GQL_AV_LIST) {
            for (item = v->items; item != NULL; item = item->next) {
                if (item != v->items)
                    gql_buf_puts(buf, ", ");
                print_default(buf, item, ref->of);
            }
        } else {
            print_default(buf, v, ref->of);
        }
        gql_buf_puts(buf, "]");
        return;
    }
    t = ref->named;
    switch (t->kind) {
    case GQL_INPUT_OBJECT: {
        size_t i;
        bool first = true;

        gql_buf_puts(buf, "{");
        for (i = 0; i < t->ninputs; i++) {
            const struct gql_ast_object_field *f;
            const struct gql_ast_value *fv = NULL;

            for (f = v->kind == GQL_AV_OBJECT ? v->fields : NULL; f != NULL; f = f->next)
                if (strcmp(f->name.value, t->inputs[i].name) == 0)
                    fv = f->value;
            if (fv == NULL)
                fv = t->inputs[i].default_value;
            if (fv == NULL)
                continue;
            if (!first)
                gql_buf_puts(buf, ", ");
            first = false;
            gql_buf_puts(buf, t->inputs[i].name);
            gql_buf_puts(buf, ": ");
            print_default(buf, fv, t->inputs[i].type);
        }
        gql_buf_puts(buf, "}");
        return;
    }
    case GQL_ENUM:
        gql_buf_append(buf, v->str, v->len);
        return;
    default:
        break;
    }
    switch (v->kind) {
    case GQL_AV_INT:
    case GQL_AV_FLOAT:
        if (t->builtin == GQL_BUILTIN_STRING) {
            gql_print_string(buf, v->str, v->len);
            return;
        }
        gql_js_number(strtod(v->str, NULL), num, sizeof(num));
        gql_buf_puts(buf, num);
        return;
    case GQL_AV_STRING: {
        size_t i = v->str[0] == '-' ? 1 : 0;
        bool integer = v->len > i && (v->str[i] != '0' || v->len == i + 1);

        for (; i < v->len && integer; i++)
            integer = v->str[i] >= '0' && v->str[i] <= '9';
        if (t->builtin == GQL_BUILTIN_ID && integer)
            gql_buf_append(buf, v->str, v->len);
        else
            gql_print_string(buf, v->str, v->len);
        return;
    }
    case GQL_AV_BOOLEAN:
        gql_buf_puts(buf, v->boolean ? "true" : "false");
        return;
    case GQL_AV_ENUM:
        gql_print_string(buf, v->str, v->len);
        return;
    default:
        gql_print_value(buf, v, false);
        return;
    }
}

static bool set_defaults(struct gql_schema *s, struct gql_input_value *vals, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct gql_buf buf;

        if (vals[i].default_value == NULL)
            continue;
        gql_buf_init(&buf, 65536);
        print_default(&buf, vals[i].default_value, vals[i].type);
        vals[i].default_text =
            gql_arena_strndup(&s->arena, buf.data != NULL ? buf.data : "", buf.len);
        gql_buf_finish(&buf);
        if (vals[i].default_text == NULL)
            return false;
    }
    return true;
}

static bool build_directive(struct builder *b, const struct gql_ast_document *doc,
                            const struct gql_ast_definition *def, struct gql_directive_def *out)
{
    const struct gql_ast_name_list *nl;
    size_t i;

    out->name = def->name.value;
    out->description = def->description;
    out->repeatable = def->repeatable;
    if (!build_inputs(b, doc, def->inputs, &out->args, &out->nargs))
        return false;
    for (nl = def->names; nl != NULL && out->nlocations < GQL_DLOC_COUNT; nl = nl->next)
        for (i = 0; i < GQL_DLOC_COUNT; i++)
            if (strcmp(gql_dloc_names[i], nl->name.value) == 0)
                out->locations[out->nlocations++] = (uint8_t)i;
    return true;
}

static void meta_field(struct gql_field *f, const char *name, const char *desc,
                       const struct gql_type_ref *type)
{
    f->name = name;
    f->description = desc;
    f->type = type;
}

static const struct gql_type_ref *non_null(struct gql_schema *s, const struct gql_type_ref *of)
{
    struct gql_type_ref *r = gql_arena_alloc(&s->arena, sizeof(*r));

    if (r != NULL) {
        r->kind = GQL_REF_NON_NULL;
        r->of = of;
    }
    return r;
}

static enum gql_status build(struct builder *b)
{
    struct gql_schema *s = b->s;
    const struct gql_ast_definition *d;
    size_t cap = 0;
    size_t i;
    size_t ndir = 0;
    bool *seen;
    struct gql_type *root[3] = {NULL, NULL, NULL};
    const struct gql_ast_definition *schema_def = NULL;

    for (d = b->builtin->defs; d != NULL; d = d->next)
        cap++;
    for (d = b->user->defs; d != NULL; d = d->next)
        cap++;
    b->all = gql_arena_alloc(&s->arena, (cap + 1) * sizeof(*b->all));
    b->defs = gql_arena_alloc(&s->arena, (cap + 1) * sizeof(*b->defs));
    b->docs = gql_arena_alloc(&s->arena, (cap + 1) * sizeof(*b->docs));
    s->types = gql_arena_alloc(&s->arena, (cap + 1) * sizeof(*s->types));
    seen = gql_arena_alloc(&s->arena, cap + 1);
    if (b->all == NULL || b->defs == NULL || b->docs == NULL || s->types == NULL || seen == NULL)
        return GQL_NO_MEMORY;
    for (d = b->builtin->defs; d != NULL; d = d->next)
        if (d->kind == GQL_DEF_TYPE && !add_type(b, b->builtin, d, cap))
            return b->rc;
    for (d = b->user->defs; d != NULL; d = d->next) {
        if (d->kind == GQL_DEF_OPERATION || d->kind == GQL_DEF_FRAGMENT) {
            fail(b, GQL_SYNTAX, b->user, d->off, "%s",
                 "an operation or fragment has no place in a schema");
            return b->rc;
        }
        if (d->kind == GQL_DEF_SCHEMA && schema_def == NULL)
            schema_def = d;
        if (d->kind == GQL_DEF_TYPE && !add_type(b, b->user, d, cap))
            return b->rc;
        if (d->kind == GQL_DEF_DIRECTIVE)
            ndir++;
    }
    if (!gql_index_build(&s->arena, &b->all_index, b->nall, type_name_at, b->all))
        return GQL_NO_MEMORY;
    for (i = 0; i < b->nall; i++) {
        b->all[i]->index = (uint32_t)i;
        if (!build_type(b, i))
            return b->rc != GQL_OK ? b->rc : GQL_NO_MEMORY;
    }
    for (d = b->user->defs; d != NULL; d = d->next)
        if (d->kind == GQL_DEF_TYPE_EXT && find_any(b, d->name.value) == NULL) {
            fail(b, GQL_INVALID, b->user, d->off,
                 "Cannot extend type \"%s\" because it is not defined.", d->name.value);
            return b->rc;
        }

    /* Directives: the SDL's, then the standard ones it does not redefine. */
    s->directives = gql_arena_alloc(&s->arena, (ndir + 4) * sizeof(*s->directives));
    if (s->directives == NULL)
        return GQL_NO_MEMORY;
    for (d = b->user->defs; d != NULL; d = d->next) {
        if (d->kind != GQL_DEF_DIRECTIVE || gql_schema_directive(s, d->name.value) != NULL)
            continue;
        if (!build_directive(b, b->user, d, &s->directives[s->ndirectives++]))
            return b->rc != GQL_OK ? b->rc : GQL_NO_MEMORY;
    }
    for (d = b->builtin->defs; d != NULL; d = d->next) {
        if (d->kind != GQL_DEF_DIRECTIVE || gql_schema_directive(s, d->name.value) != NULL)
            continue;
        if (!build_directive(b, b->builtin, d, &s->directives[s->ndirectives++]))
            return b->rc != GQL_OK ? b->rc : GQL_NO_MEMORY;
    }

    /* Root types. */
    if (schema_def != NULL) {
        const struct gql_ast_name_list *nl;

        s->description = schema_def->description;
        for (nl = schema_def->names; nl != NULL; nl = nl->next) {
            struct gql_type *t = find_any(b, nl->name.value);

            if (t == NULL || t->kind != GQL_OBJECT) {
                fail(b, GQL_INVALID, b->user, nl->off,
                     t == NULL ? "Unknown type \"%s\"."
                               : "Root type \"%s\" must be an object type.",
                     nl->name.value);
                return b->rc;
            }
            root[nl->op] = t;
        }
    } else {
        static const char *const names[] = {"Query", "Mutation", "Subscription"};

        for (i = 0; i < 3; i++) {
            struct gql_type *t = find_any(b, names[i]);

            if (t != NULL && t->kind == GQL_OBJECT && !is_std_name(t->name))
                root[i] = t;
        }
    }
    if (root[0] == NULL) {
        fail(b, GQL_INVALID, b->user, 0, "%s", "Query root type must be provided.");
        return b->rc;
    }
    s->query = root[0];
    s->mutation = root[1];
    s->subscription = root[2];

    /* Introspection order: the SDL's types as declared, each followed by what it
     * references and nobody declared; then the roots, directive arguments and
     * __Schema (graphql-js's GraphQLSchema constructor). */
    for (d = b->user->defs; d != NULL; d = d->next)
        if (d->kind == GQL_DEF_TYPE)
            seen[find_any(b, d->name.value)->index] = true;
    for (d = b->user->defs; d != NULL; d = d->next) {
        struct gql_type *t;

        if (d->kind != GQL_DEF_TYPE)
            continue;
        t = find_any(b, d->name.value);
        if (b->defs[t->index] != d && !(is_std_name(t->name) && b->docs[t->index] == b->builtin))
            continue; /* a second definition of the same name */
        if (b->docs[t->index] == b->builtin) {
            /* A redeclared built-in: its first declaration places it. */
            const struct gql_ast_definition *first;

            for (first = b->user->defs; first != NULL; first = first->next)
                if (first->kind == GQL_DEF_TYPE && strcmp(first->name.value, t->name) == 0)
                    break;
            if (first != d)
                continue;
        }
        seen[t->index] = false;
        collect(s, t, seen, 0);
    }
    for (i = 0; i < 3; i++)
        if (root[i] != NULL)
            collect(s, root[i], seen, 0);
    for (i = 0; i < s->ndirectives; i++) {
        size_t j;

        for (j = 0; j < s->directives[i].nargs; j++)
            collect(s, (struct gql_type *)gql_ref_named(s->directives[i].args[j].type), seen, 0);
    }
    collect(s, find_any(b, "__Schema"), seen, 0);
    for (i = 0; i < s->ntypes; i++)
        s->types[i]->index = (uint32_t)i;
    if (!gql_index_build(&s->arena, &s->type_index, s->ntypes, type_name_at, s->types))
        return GQL_NO_MEMORY;

    /* Objects implementing each interface, in type order. */
    for (i = 0; i < s->ntypes; i++) {
        struct gql_type *it = s->types[i];
        size_t j;
        size_t n = 0;

        if (it->kind != GQL_INTERFACE)
            continue;
        for (j = 0; j < s->ntypes; j++)
            if (s->types[j]->kind == GQL_OBJECT)
                for (size_t k = 0; k < s->types[j]->ninterfaces; k++)
                    n += s->types[j]->interfaces[k] == it;
        it->possible = gql_arena_alloc(&s->arena, (n ? n : 1) * sizeof(*it->possible));
        if (it->possible == NULL)
            return GQL_NO_MEMORY;
        for (j = 0; j < s->ntypes; j++)
            if (s->types[j]->kind == GQL_OBJECT)
                for (size_t k = 0; k < s->types[j]->ninterfaces; k++)
                    if (s->types[j]->interfaces[k] == it)
                        it->possible[it->npossible++] = s->types[j];
    }
    for (i = 0; i < b->nall; i++) {
        struct gql_type *t = b->all[i];
        size_t j;

        for (j = 0; j < t->nfields; j++)
            if (!set_defaults(s, t->fields[j].args, t->fields[j].nargs))
                return GQL_NO_MEMORY;
        if (!set_defaults(s, t->inputs, t->ninputs))
            return GQL_NO_MEMORY;
    }
    for (i = 0; i < s->ndirectives; i++)
        if (!set_defaults(s, s->directives[i].args, s->directives[i].nargs))
            return GQL_NO_MEMORY;

    /* Meta-fields. */
    {
        struct gql_type *schema_t = find_any(b, "__Schema");
        struct gql_type *type_t = find_any(b, "__Type");
        struct gql_type *string_t = find_any(b, "String");
        struct gql_input_value *name_arg = gql_arena_alloc(&s->arena, sizeof(*name_arg));
        const struct gql_type_ref *nn_schema = non_null(s, schema_t->ref);
        const struct gql_type_ref *nn_string = non_null(s, string_t->ref);

        if (name_arg == NULL || nn_schema == NULL || nn_string == NULL)
            return GQL_NO_MEMORY;
        meta_field(&s->schema_field, "__schema", "Access the current type schema of this server.",
                   nn_schema);
        meta_field(&s->type_field, "__type", "Request the type information of a single type.",
                   type_t->ref);
        name_arg->name = "name";
        name_arg->type = nn_string;
        s->type_field.args = name_arg;
        s->type_field.nargs = 1;
        meta_field(&s->typename_field, "__typename",
                   "The name of the current Object type at runtime.", nn_string);
        s->string_type = string_t;
        s->boolean_type = find_any(b, "Boolean");
    }
    return GQL_OK;
}

static enum gql_status parse_sdl(struct gql_arena *arena, const char *text, size_t len,
                                 const struct gql_ast_document **out, char *err, size_t err_size)
{
    struct gql_parse_error perr;
    const struct gql_ast_document *doc = gql_parse(arena, text, len, 0, &perr);
    uint32_t line;
    uint32_t col;

    if (doc == NULL) {
        if (perr.no_memory)
            return GQL_NO_MEMORY;
        gql_source_location(text, len, perr.off, &line, &col);
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%u:%u: %s", line, col, perr.message);
        return perr.too_big ? GQL_TOO_DEEP : GQL_SYNTAX;
    }
    *out = doc;
    return GQL_OK;
}

enum gql_status gql_schema_parse(const char *sdl, size_t len, struct gql_schema **out, char *err,
                                 size_t err_size)
{
    struct builder b;
    struct gql_schema *s;
    enum gql_status rc;

    if (err != NULL && err_size > 0)
        err[0] = '\0';
    if ((sdl == NULL && len > 0) || out == NULL)
        return GQL_BAD_ARGUMENT;
    if (len > GQL_MAX_SCHEMA)
        return GQL_TOO_BIG;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return GQL_NO_MEMORY;
    gql_arena_init(&s->arena, 0);
    memset(&b, 0, sizeof(b));
    b.s = s;
    b.err = err;
    b.err_size = err_size;
    rc = parse_sdl(&s->arena, gql_builtin_sdl, strlen(gql_builtin_sdl), &b.builtin, NULL, 0);
    if (rc == GQL_OK)
        rc = parse_sdl(&s->arena, sdl != NULL ? sdl : "", len, &b.user, err, err_size);
    if (rc == GQL_OK)
        rc = build(&b);
    if (rc == GQL_OK && b.rc != GQL_OK)
        rc = b.rc;
    if (rc != GQL_OK) {
        gql_schema_destroy(s);
        return rc;
    }
    *out = s;
    return GQL_OK;
}

enum gql_status gql_schema_load(const char *path, struct gql_schema **out, char *err,
                                size_t err_size)
{
    FILE *f;
    char *text = NULL;
    size_t len = 0;
    size_t cap = 0;
    enum gql_status rc;
    char inner[GQL_ERROR_SIZE];

    if (path == NULL || out == NULL)
        return GQL_BAD_ARGUMENT;
    f = fopen(path, "rb");
    if (f == NULL) {
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return GQL_IO;
    }
    for (;;) {
        size_t n;

        if (len == cap) {
            char *p;

            if (cap >= GQL_MAX_SCHEMA) {
                free(text);
                fclose(f);
                if (err != NULL && err_size > 0)
                    snprintf(err, err_size, "%s: larger than %u bytes", path, GQL_MAX_SCHEMA);
                return GQL_TOO_BIG;
            }
            cap = cap ? cap * 2 : 65536;
            p = realloc(text, cap + 1);
            if (p == NULL) {
                free(text);
                fclose(f);
                return GQL_NO_MEMORY;
            }
            text = p;
        }
        n = fread(text + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        free(text);
        fclose(f);
        if (err != NULL && err_size > 0)
            snprintf(err, err_size, "%s: read error", path);
        return GQL_IO;
    }
    fclose(f);
    rc = gql_schema_parse(text, len, out, inner, sizeof(inner));
    free(text);
    if (rc != GQL_OK && err != NULL && err_size > 0)
        snprintf(err, err_size, "%s:%s", path, inner);
    return rc;
}

void gql_schema_destroy(struct gql_schema *schema)
{
    if (schema == NULL)
        return;
    gql_arena_finish(&schema->arena);
    free(schema);
}

/* ---- accessors (gql.h) -------------------------------------------------- */

const struct gql_type *gql_schema_type(const struct gql_schema *schema, const char *name)
{
    return schema != NULL && name != NULL ? gql_schema_find_type(schema, name) : NULL;
}

const struct gql_type *gql_schema_query_type(const struct gql_schema *schema)
{
    return schema != NULL ? schema->query : NULL;
}

size_t gql_schema_type_count(const struct gql_schema *schema)
{
    return schema != NULL ? schema->ntypes : 0;
}

const struct gql_type *gql_schema_type_at(const struct gql_schema *schema, size_t i)
{
    return schema != NULL && i < schema->ntypes ? schema->types[i] : NULL;
}

enum gql_type_kind gql_type_kind(const struct gql_type *type)
{
    return type->kind;
}

const char *gql_type_name(const struct gql_type *type)
{
    return type->name;
}

const char *gql_type_description(const struct gql_type *type)
{
    return type->description;
}

bool gql_type_is_composite(const struct gql_type *type)
{
    return gql_is_composite(type);
}

bool gql_type_is_leaf(const struct gql_type *type)
{
    return gql_is_leaf(type);
}

size_t gql_type_field_count(const struct gql_type *type)
{
    return type->nfields;
}

const struct gql_field *gql_type_field_at(const struct gql_type *type, size_t i)
{
    return i < type->nfields ? &type->fields[i] : NULL;
}

const struct gql_field *gql_type_field(const struct gql_type *type, const char *name)
{
    return gql_find_field(type, name);
}

size_t gql_type_enum_count(const struct gql_type *type)
{
    return type->nvalues;
}

const char *gql_type_enum_at(const struct gql_type *type, size_t i)
{
    return i < type->nvalues ? type->values[i].name : NULL;
}

size_t gql_type_input_count(const struct gql_type *type)
{
    return type->ninputs;
}

const struct gql_input_value *gql_type_input_at(const struct gql_type *type, size_t i)
{
    return i < type->ninputs ? &type->inputs[i] : NULL;
}

size_t gql_type_possible_count(const struct gql_type *type)
{
    return type->kind == GQL_OBJECT ? 1 : type->npossible;
}

const struct gql_type *gql_type_possible_at(const struct gql_type *type, size_t i)
{
    if (type->kind == GQL_OBJECT)
        return i == 0 ? type : NULL;
    return i < type->npossible ? type->possible[i] : NULL;
}

const char *gql_field_name(const struct gql_field *field)
{
    return field->name;
}

const char *gql_field_description(const struct gql_field *field)
{
    return field->description;
}

const char *gql_field_comment(const struct gql_field *field)
{
    return field->comment;
}

const struct gql_type_ref *gql_field_type(const struct gql_field *field)
{
    return field->type;
}

size_t gql_field_arg_count(const struct gql_field *field)
{
    return field->nargs;
}

const struct gql_input_value *gql_field_arg_at(const struct gql_field *field, size_t i)
{
    return i < field->nargs ? &field->args[i] : NULL;
}

const struct gql_input_value *gql_field_arg(const struct gql_field *field, const char *name)
{
    return gql_find_arg(field->args, field->nargs, name);
}

const char *gql_input_value_name(const struct gql_input_value *value)
{
    return value->name;
}

const char *gql_input_value_description(const struct gql_input_value *value)
{
    return value->description;
}

const char *gql_input_value_comment(const struct gql_input_value *value)
{
    return value->comment;
}

const struct gql_type_ref *gql_input_value_type(const struct gql_input_value *value)
{
    return value->type;
}

const char *gql_input_value_default(const struct gql_input_value *value)
{
    return value->default_text;
}

bool gql_type_ref_is_non_null(const struct gql_type_ref *ref)
{
    return ref->kind == GQL_REF_NON_NULL;
}

bool gql_type_ref_is_list(const struct gql_type_ref *ref)
{
    return ref->kind == GQL_REF_LIST;
}

const struct gql_type_ref *gql_type_ref_of(const struct gql_type_ref *ref)
{
    return ref->of;
}

const struct gql_type *gql_type_ref_named(const struct gql_type_ref *ref)
{
    return gql_ref_named(ref);
}

const char *gql_type_ref_print(const struct gql_type_ref *ref, char *out, size_t size)
{
    struct gql_buf buf;

    gql_buf_init(&buf, 4096);
    gql_ref_write(&buf, ref);
    snprintf(out, size, "%s", buf.data != NULL ? buf.data : "");
    gql_buf_finish(&buf);
    return out;
}
