/*
 * Introspection: __schema, __type(name:) and the fields of the introspection
 * types, answered from the loaded schema as graphql-js's introspection
 * resolvers answer them (the same lists in the same order, deprecated items
 * filtered unless includeDeprecated).
 */
#include <string.h>

#include "execute_private.h"

enum ikind { I_SCHEMA, I_TYPE, I_REF, I_FIELD, I_INPUT, I_ENUM, I_DIRECTIVE, I_LOCATION };

struct ihandle {
    enum ikind kind;
    const void *p;
};

struct ilist {
    struct ihandle *items;
    size_t n;
};

static void handle(struct gql_exec *ex, enum ikind kind, const void *p, struct gql_source *out)
{
    struct ihandle *h = gql_exec_alloc(ex, sizeof(*h));

    if (h == NULL) {
        out->kind = GQL_SOURCE_ERROR;
        out->s = "Out of memory.";
        return;
    }
    h->kind = kind;
    h->p = p;
    out->kind = GQL_SOURCE_HANDLE;
    out->handle = h;
}

/* A type reference: a named type is an I_TYPE, a wrapper an I_REF. */
static void type_handle(struct gql_exec *ex, const struct gql_type_ref *ref, struct gql_source *out)
{
    if (ref->kind == GQL_REF_NAMED)
        handle(ex, I_TYPE, ref->named, out);
    else
        handle(ex, I_REF, ref, out);
}

static struct ilist *new_list(struct gql_exec *ex, size_t n, struct gql_source *out)
{
    struct ilist *l = gql_exec_alloc(ex, sizeof(*l));

    if (l != NULL)
        l->items = gql_exec_alloc(ex, (n ? n : 1) * sizeof(*l->items));
    if (l == NULL || l->items == NULL) {
        out->kind = GQL_SOURCE_ERROR;
        out->s = "Out of memory.";
        return NULL;
    }
    out->kind = GQL_SOURCE_LIST;
    out->handle = l;
    return l;
}

static void add(struct ilist *l, enum ikind kind, const void *p)
{
    l->items[l->n].kind = kind;
    l->items[l->n].p = p;
    l->n++;
}

static void string(const char *s, struct gql_source *out)
{
    if (s == NULL) {
        out->kind = GQL_SOURCE_NULL;
    } else {
        out->kind = GQL_SOURCE_STRING;
        out->s = s;
    }
}

static void boolean(bool b, struct gql_source *out)
{
    out->kind = GQL_SOURCE_BOOLEAN;
    out->b = b;
}

static bool include_deprecated(const struct gql_value *args)
{
    return gql_value_boolean(gql_value_get(args, "includeDeprecated"));
}

static void input_list(struct gql_exec *ex, const struct gql_input_value *vals, size_t n,
                       bool deprecated, struct gql_source *out)
{
    struct ilist *l = new_list(ex, n, out);
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < n; i++)
        if (deprecated || !vals[i].deprecated)
            add(l, I_INPUT, &vals[i]);
}

static const char *const kind_names[] = {
    [GQL_SCALAR] = "SCALAR", [GQL_OBJECT] = "OBJECT", [GQL_INTERFACE] = "INTERFACE",
    [GQL_UNION] = "UNION",   [GQL_ENUM] = "ENUM",     [GQL_INPUT_OBJECT] = "INPUT_OBJECT",
};

static void type_field(struct gql_exec *ex, const struct gql_type *t, const char *name,
                       const struct gql_value *args, struct gql_source *out)
{
    size_t i;
    struct ilist *l;

    if (strcmp(name, "kind") == 0) {
        string(kind_names[t->kind], out);
    } else if (strcmp(name, "name") == 0) {
        string(t->name, out);
    } else if (strcmp(name, "description") == 0) {
        string(t->description, out);
    } else if (strcmp(name, "specifiedByURL") == 0) {
        string(t->kind == GQL_SCALAR ? t->specified_by : NULL, out);
    } else if (strcmp(name, "fields") == 0) {
        if (t->kind != GQL_OBJECT && t->kind != GQL_INTERFACE) {
            out->kind = GQL_SOURCE_NULL;
            return;
        }
        l = new_list(ex, t->nfields, out);
        for (i = 0; l != NULL && i < t->nfields; i++)
            if (include_deprecated(args) || !t->fields[i].deprecated)
                add(l, I_FIELD, &t->fields[i]);
    } else if (strcmp(name, "interfaces") == 0) {
        if (t->kind != GQL_OBJECT && t->kind != GQL_INTERFACE) {
            out->kind = GQL_SOURCE_NULL;
            return;
        }
        l = new_list(ex, t->ninterfaces, out);
        for (i = 0; l != NULL && i < t->ninterfaces; i++)
            add(l, I_TYPE, t->interfaces[i]);
    } else if (strcmp(name, "possibleTypes") == 0) {
        if (t->kind != GQL_UNION && t->kind != GQL_INTERFACE) {
            out->kind = GQL_SOURCE_NULL;
            return;
        }
        l = new_list(ex, t->npossible, out);
        for (i = 0; l != NULL && i < t->npossible; i++)
            add(l, I_TYPE, t->possible[i]);
    } else if (strcmp(name, "enumValues") == 0) {
        if (t->kind != GQL_ENUM) {
            out->kind = GQL_SOURCE_NULL;
            return;
        }
        l = new_list(ex, t->nvalues, out);
        for (i = 0; l != NULL && i < t->nvalues; i++)
            if (include_deprecated(args) || !t->values[i].deprecated)
                add(l, I_ENUM, &t->values[i]);
    } else if (strcmp(name, "inputFields") == 0) {
        if (t->kind != GQL_INPUT_OBJECT) {
            out->kind = GQL_SOURCE_NULL;
            return;
        }
        input_list(ex, t->inputs, t->ninputs, include_deprecated(args), out);
    } else {
        out->kind = GQL_SOURCE_NULL; /* ofType of a named type */
    }
}

static void ref_field(struct gql_exec *ex, const struct gql_type_ref *r, const char *name,
                      struct gql_source *out)
{
    if (strcmp(name, "kind") == 0)
        string(r->kind == GQL_REF_LIST ? "LIST" : "NON_NULL", out);
    else if (strcmp(name, "ofType") == 0)
        type_handle(ex, r->of, out);
    else
        out->kind = GQL_SOURCE_NULL;
}

static void resolve(struct gql_exec *ex, const struct gql_source *parent,
                    const struct gql_type *parent_type, const struct gql_field *field,
                    const struct gql_value *args, struct gql_source *out)
{
    const struct gql_schema *s = ex->schema;
    const char *name = field->name;
    const struct ihandle *h;
    size_t i;
    struct ilist *l;

    if (field == &s->schema_field) {
        handle(ex, I_SCHEMA, s, out);
        return;
    }
    if (field == &s->type_field) {
        const char *tname = gql_value_string(gql_value_get(args, "name"));
        const struct gql_type *t = gql_schema_find_type(s, tname != NULL ? tname : "");

        if (t == NULL)
            out->kind = GQL_SOURCE_NULL;
        else
            handle(ex, I_TYPE, t, out);
        return;
    }
    (void)parent_type;
    if (parent->kind != GQL_SOURCE_HANDLE) {
        out->kind = GQL_SOURCE_NULL;
        return;
    }
    h = parent->handle;
    switch (h->kind) {
    case I_SCHEMA:
        if (strcmp(name, "description") == 0) {
            string(s->description, out);
        } else if (strcmp(name, "types") == 0) {
            l = new_list(ex, s->ntypes, out);
            for (i = 0; l != NULL && i < s->ntypes; i++)
                add(l, I_TYPE, s->types[i]);
        } else if (strcmp(name, "queryType") == 0) {
            handle(ex, I_TYPE, s->query, out);
        } else if (strcmp(name, "mutationType") == 0) {
            if (s->mutation != NULL)
                handle(ex, I_TYPE, s->mutation, out);
            else
                out->kind = GQL_SOURCE_NULL;
        } else if (strcmp(name, "subscriptionType") == 0) {
            if (s->subscription != NULL)
                handle(ex, I_TYPE, s->subscription, out);
            else
                out->kind = GQL_SOURCE_NULL;
        } else if (strcmp(name, "directives") == 0) {
            l = new_list(ex, s->ndirectives, out);
            for (i = 0; l != NULL && i < s->ndirectives; i++)
                add(l, I_DIRECTIVE, &s->directives[i]);
        } else {
            out->kind = GQL_SOURCE_NULL;
        }
        return;
    case I_TYPE:
        type_field(ex, h->p, name, args, out);
        return;
    case I_REF:
        ref_field(ex, h->p, name, out);
        return;
    case I_FIELD: {
        const struct gql_field *f = h->p;

        if (strcmp(name, "name") == 0)
            string(f->name, out);
        else if (strcmp(name, "description") == 0)
            string(f->description, out);
        else if (strcmp(name, "args") == 0)
            input_list(ex, f->args, f->nargs, include_deprecated(args), out);
        else if (strcmp(name, "type") == 0)
            type_handle(ex, f->type, out);
        else if (strcmp(name, "isDeprecated") == 0)
            boolean(f->deprecated, out);
        else if (strcmp(name, "deprecationReason") == 0)
            string(f->deprecation_reason, out);
        else
            out->kind = GQL_SOURCE_NULL;
        return;
    }
    case I_INPUT: {
        const struct gql_input_value *v = h->p;

        if (strcmp(name, "name") == 0)
            string(v->name, out);
        else if (strcmp(name, "description") == 0)
            string(v->description, out);
        else if (strcmp(name, "type") == 0)
            type_handle(ex, v->type, out);
        else if (strcmp(name, "defaultValue") == 0)
            string(v->default_text, out);
        else if (strcmp(name, "isDeprecated") == 0)
            boolean(v->deprecated, out);
        else if (strcmp(name, "deprecationReason") == 0)
            string(v->deprecation_reason, out);
        else
            out->kind = GQL_SOURCE_NULL;
        return;
    }
    case I_ENUM: {
        const struct gql_enum_value *v = h->p;

        if (strcmp(name, "name") == 0)
            string(v->name, out);
        else if (strcmp(name, "description") == 0)
            string(v->description, out);
        else if (strcmp(name, "isDeprecated") == 0)
            boolean(v->deprecated, out);
        else if (strcmp(name, "deprecationReason") == 0)
            string(v->deprecation_reason, out);
        else
            out->kind = GQL_SOURCE_NULL;
        return;
    }
    case I_DIRECTIVE: {
        const struct gql_directive_def *d = h->p;

        if (strcmp(name, "name") == 0) {
            string(d->name, out);
        } else if (strcmp(name, "description") == 0) {
            string(d->description, out);
        } else if (strcmp(name, "isRepeatable") == 0) {
            boolean(d->repeatable, out);
        } else if (strcmp(name, "locations") == 0) {
            l = new_list(ex, d->nlocations, out);
            for (i = 0; l != NULL && i < d->nlocations; i++)
                add(l, I_LOCATION, gql_dloc_names[d->locations[i]]);
        } else if (strcmp(name, "args") == 0) {
            input_list(ex, d->args, d->nargs, include_deprecated(args), out);
        } else {
            out->kind = GQL_SOURCE_NULL;
        }
        return;
    }
    case I_LOCATION:
        out->kind = GQL_SOURCE_NULL;
        return;
    }
}

void gql_introspect_resolve(struct gql_exec *ex, const struct gql_source *parent,
                            const struct gql_type *parent_type, const struct gql_field *field,
                            const struct gql_value *args, struct gql_source *out)
{
    resolve(ex, parent, parent_type, field, args, out);
    if (out->kind == GQL_SOURCE_LIST)
        out->count = ((const struct ilist *)out->handle)->n;
}

void gql_introspect_item(struct gql_exec *ex, const struct gql_source *list, size_t index,
                         struct gql_source *out)
{
    const struct ilist *l = list->handle;

    if (index >= l->n) {
        out->kind = GQL_SOURCE_NULL;
        return;
    }
    if (l->items[index].kind == I_LOCATION) {
        string(l->items[index].p, out);
        return;
    }
    handle(ex, l->items[index].kind, l->items[index].p, out);
}
