/*
 * Input coercion as graphql-js 16 does it: coerceVariableValues and
 * coerceInputValue for JSON variables (with their messages and paths),
 * valueFromAST for literals, getArgumentValues for fields and directives.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coerce_private.h"
#include "number_private.h"
#include "print_private.h"
#include "suggest_private.h"

/* A step of the path inside a variable's value. */
struct ipath {
    const struct ipath *prev;
    const char *key; /* NULL: index */
    size_t index;
};

struct vcoerce {
    struct gql_arena *arena;
    struct gql_errors *errs;
    const char *var_name;
    uint32_t var_off;
    bool failed;
};

static struct gql_value *new_value(struct vcoerce *vc, enum gql_value_kind kind, size_t n)
{
    struct gql_value *v = gql_value_new(vc->arena, kind, n);

    if (v == NULL)
        vc->failed = true;
    return v;
}

static void print_path(struct gql_buf *b, const struct ipath *p)
{
    char num[32];

    if (p == NULL)
        return;
    print_path(b, p->prev);
    if (p->key != NULL) {
        gql_buf_puts(b, ".");
        gql_buf_puts(b, p->key);
    } else {
        snprintf(num, sizeof(num), "[%zu]", p->index);
        gql_buf_puts(b, num);
    }
}

/* The onError of coerceVariableValues. */
static void input_error(struct vcoerce *vc, const struct ipath *path, const cJSON *invalid,
                        const char *message)
{
    struct gql_buf b;

    vc->failed = true;
    gql_buf_init(&b, 1u << 20);
    gql_buf_puts(&b, "Variable \"$");
    gql_buf_puts(&b, vc->var_name);
    gql_buf_puts(&b, "\" got invalid value ");
    gql_inspect_json(&b, invalid);
    if (path != NULL) {
        gql_buf_puts(&b, " at \"");
        gql_buf_puts(&b, vc->var_name);
        print_path(&b, path);
        gql_buf_puts(&b, "\"");
    }
    gql_buf_puts(&b, "; ");
    gql_buf_puts(&b, message);
    gql_errors_add(vc->errs, b.data != NULL ? b.data : "", &vc->var_off, 1);
    gql_buf_finish(&b);
}

static bool is_integer(double d)
{
    return isfinite(d) && floor(d) == d;
}

/* Custom scalars take any JSON: copy it as a value. */
static struct gql_value *json_value(struct vcoerce *vc, const cJSON *j, unsigned depth)
{
    struct gql_value *v;
    const cJSON *item;
    size_t n = 0;

    if (depth > GQL_MAX_DEPTH * 4) {
        vc->failed = true;
        return NULL;
    }
    if (cJSON_IsNull(j))
        return new_value(vc, GQL_VALUE_NULL, 0);
    if (cJSON_IsBool(j)) {
        v = new_value(vc, GQL_VALUE_BOOLEAN, 0);
        if (v != NULL)
            v->b = cJSON_IsTrue(j);
        return v;
    }
    if (cJSON_IsNumber(j)) {
        v = new_value(vc,
                      is_integer(j->valuedouble) && fabs(j->valuedouble) < 9.007199254740992e15
                          ? GQL_VALUE_INT
                          : GQL_VALUE_FLOAT,
                      0);
        if (v != NULL) {
            v->f = j->valuedouble;
            v->i = (int64_t)j->valuedouble;
        }
        return v;
    }
    if (cJSON_IsString(j)) {
        v = new_value(vc, GQL_VALUE_STRING, 0);
        if (v != NULL) {
            v->len = strlen(j->valuestring);
            v->s = gql_arena_strndup(vc->arena, j->valuestring, v->len);
        }
        return v;
    }
    for (item = j->child; item != NULL; item = item->next)
        n++;
    v = new_value(vc, cJSON_IsArray(j) ? GQL_VALUE_LIST : GQL_VALUE_OBJECT, n);
    if (v == NULL)
        return NULL;
    for (item = j->child; item != NULL; item = item->next) {
        v->items[v->count] = json_value(vc, item, depth + 1);
        if (v->items[v->count] == NULL)
            return NULL;
        if (v->kind == GQL_VALUE_OBJECT)
            v->keys[v->count] = gql_arena_strdup(vc->arena, item->string);
        v->count++;
    }
    return v;
}

static void enum_did_you_mean(struct gql_buf *b, const struct gql_type *t, const char *input)
{
    const char **names = malloc((t->nvalues + 1) * sizeof(*names));
    const char *sugg[5];
    size_t i;
    size_t ns;

    if (names == NULL)
        return;
    for (i = 0; i < t->nvalues; i++)
        names[i] = t->values[i].name;
    ns = gql_suggestion_list(input, names, t->nvalues, sugg, 5);
    gql_did_you_mean(b, "the enum value", sugg, ns);
    free(names);
}

/* parseValue of a leaf type: the value, or NULL with the error reported. */
static struct gql_value *parse_leaf(struct vcoerce *vc, const struct gql_type *t, const cJSON *j,
                                    const struct ipath *path)
{
    struct gql_value *v;
    struct gql_buf b;
    const char *what = NULL;

    gql_buf_init(&b, 1u << 20);
    switch (t->builtin) {
    case GQL_BUILTIN_INT:
        if (!cJSON_IsNumber(j) || !is_integer(j->valuedouble))
            what = "Int cannot represent non-integer value: ";
        else if (j->valuedouble > 2147483647.0 || j->valuedouble < -2147483648.0)
            what = "Int cannot represent non 32-bit signed integer value: ";
        if (what == NULL) {
            v = new_value(vc, GQL_VALUE_INT, 0);
            if (v != NULL)
                v->i = (int64_t)j->valuedouble;
            gql_buf_finish(&b);
            return v;
        }
        break;
    case GQL_BUILTIN_FLOAT:
        if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) {
            what = "Float cannot represent non numeric value: ";
            break;
        }
        v = new_value(vc, GQL_VALUE_FLOAT, 0);
        if (v != NULL)
            v->f = j->valuedouble;
        gql_buf_finish(&b);
        return v;
    case GQL_BUILTIN_STRING:
    case GQL_BUILTIN_ID:
        if (cJSON_IsString(j)) {
            v = new_value(vc, GQL_VALUE_STRING, 0);
            if (v != NULL) {
                v->len = strlen(j->valuestring);
                v->s = gql_arena_strndup(vc->arena, j->valuestring, v->len);
            }
            gql_buf_finish(&b);
            return v;
        }
        if (t->builtin == GQL_BUILTIN_ID && cJSON_IsNumber(j) && is_integer(j->valuedouble)) {
            char num[40];

            gql_js_number(j->valuedouble, num, sizeof(num));
            v = new_value(vc, GQL_VALUE_STRING, 0);
            if (v != NULL) {
                v->len = strlen(num);
                v->s = gql_arena_strdup(vc->arena, num);
            }
            gql_buf_finish(&b);
            return v;
        }
        what = t->builtin == GQL_BUILTIN_ID ? "ID cannot represent value: "
                                            : "String cannot represent a non string value: ";
        break;
    case GQL_BUILTIN_BOOLEAN:
        if (cJSON_IsBool(j)) {
            v = new_value(vc, GQL_VALUE_BOOLEAN, 0);
            if (v != NULL)
                v->b = cJSON_IsTrue(j);
            gql_buf_finish(&b);
            return v;
        }
        what = "Boolean cannot represent a non boolean value: ";
        break;
    case GQL_BUILTIN_NONE:
        if (t->kind == GQL_SCALAR) {
            gql_buf_finish(&b);
            return json_value(vc, j, 0);
        }
        if (!cJSON_IsString(j)) {
            struct gql_buf s;

            gql_buf_init(&s, 1u << 20);
            gql_inspect_json(&s, j);
            gql_buf_puts(&b, "Enum \"");
            gql_buf_puts(&b, t->name);
            gql_buf_puts(&b, "\" cannot represent non-string value: ");
            gql_buf_puts(&b, s.data != NULL ? s.data : "");
            gql_buf_puts(&b, ".");
            enum_did_you_mean(&b, t, s.data != NULL ? s.data : "");
            gql_buf_finish(&s);
        } else if (gql_find_enum_value(t, j->valuestring) == NULL) {
            gql_buf_puts(&b, "Value \"");
            gql_buf_puts(&b, j->valuestring);
            gql_buf_puts(&b, "\" does not exist in \"");
            gql_buf_puts(&b, t->name);
            gql_buf_puts(&b, "\" enum.");
            enum_did_you_mean(&b, t, j->valuestring);
        } else {
            v = new_value(vc, GQL_VALUE_ENUM, 0);
            if (v != NULL) {
                v->len = strlen(j->valuestring);
                v->s = gql_arena_strndup(vc->arena, j->valuestring, v->len);
            }
            gql_buf_finish(&b);
            return v;
        }
        input_error(vc, path, j, b.data != NULL ? b.data : "");
        gql_buf_finish(&b);
        return NULL;
    }
    gql_buf_puts(&b, what);
    gql_inspect_json(&b, j);
    input_error(vc, path, j, b.data != NULL ? b.data : "");
    gql_buf_finish(&b);
    return NULL;
}

static const struct gql_value *default_of(struct gql_arena *arena, const struct gql_input_value *d)
{
    return gql_value_from_ast(arena, d->default_value, d->type, NULL);
}

/* coerceInputValue. Returns NULL for "undefined" (an error was reported). */
static struct gql_value *coerce_input(struct vcoerce *vc, const cJSON *j,
                                      const struct gql_type_ref *ref, const struct ipath *path,
                                      unsigned depth)
{
    const struct gql_type *t;

    if (depth > GQL_MAX_DEPTH * 4) {
        input_error(vc, path, j, "Value nested too deeply.");
        return NULL;
    }
    if (ref->kind == GQL_REF_NON_NULL) {
        if (j != NULL && !cJSON_IsNull(j))
            return coerce_input(vc, j, ref->of, path, depth + 1);
        {
            struct gql_buf b;

            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "Expected non-nullable type \"");
            gql_ref_write(&b, ref);
            gql_buf_puts(&b, "\" not to be null.");
            input_error(vc, path, j, b.data);
            gql_buf_finish(&b);
        }
        return NULL;
    }
    if (j == NULL || cJSON_IsNull(j))
        return new_value(vc, GQL_VALUE_NULL, 0);
    if (ref->kind == GQL_REF_LIST) {
        struct gql_value *v;

        if (cJSON_IsArray(j)) {
            const cJSON *item;
            size_t n = (size_t)cJSON_GetArraySize(j);
            size_t i = 0;
            bool ok = true;

            v = new_value(vc, GQL_VALUE_LIST, n);
            if (v == NULL)
                return NULL;
            for (item = j->child; item != NULL; item = item->next, i++) {
                struct ipath p = {path, NULL, i};

                v->items[i] = coerce_input(vc, item, ref->of, &p, depth + 1);
                ok = ok && v->items[i] != NULL;
            }
            v->count = n;
            return ok ? v : NULL;
        }
        v = new_value(vc, GQL_VALUE_LIST, 1);
        if (v == NULL)
            return NULL;
        v->items[0] = coerce_input(vc, j, ref->of, path, depth + 1);
        v->count = 1;
        return v->items[0] != NULL ? v : NULL;
    }
    t = ref->named;
    if (t->kind == GQL_INPUT_OBJECT) {
        struct gql_value *v;
        const cJSON *item;
        size_t i;
        bool ok = true;
        size_t idx = 0;

        if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
            struct gql_buf b;

            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "Expected type \"");
            gql_buf_puts(&b, t->name);
            gql_buf_puts(&b, "\" to be an object.");
            input_error(vc, path, j, b.data);
            gql_buf_finish(&b);
            return NULL;
        }
        v = new_value(vc, GQL_VALUE_OBJECT, t->ninputs);
        if (v == NULL)
            return NULL;
        for (i = 0; i < t->ninputs; i++) {
            const struct gql_input_value *f = &t->inputs[i];
            const cJSON *fv =
                cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, f->name) : NULL;

            if (fv == NULL) {
                if (f->default_value != NULL) {
                    const struct gql_value *d = default_of(vc->arena, f);

                    if (d != NULL) {
                        v->keys[v->count] = f->name;
                        v->items[v->count++] = (struct gql_value *)d;
                    }
                } else if (f->type->kind == GQL_REF_NON_NULL) {
                    struct gql_buf b;

                    gql_buf_init(&b, 65536);
                    gql_buf_puts(&b, "Field \"");
                    gql_buf_puts(&b, f->name);
                    gql_buf_puts(&b, "\" of required type \"");
                    gql_ref_write(&b, f->type);
                    gql_buf_puts(&b, "\" was not provided.");
                    input_error(vc, path, j, b.data);
                    gql_buf_finish(&b);
                    ok = false;
                }
                continue;
            }
            {
                struct ipath p = {path, f->name, 0};
                struct gql_value *cv = coerce_input(vc, fv, f->type, &p, depth + 1);

                if (cv == NULL) {
                    ok = false;
                    continue;
                }
                v->keys[v->count] = f->name;
                v->items[v->count++] = cv;
            }
        }
        for (item = j->child; item != NULL; item = item->next, idx++) {
            char num[32];
            const char *key = item->string;

            if (cJSON_IsArray(j)) {
                snprintf(num, sizeof(num), "%zu", idx);
                key = num;
            }
            if (gql_find_input(t, key) == NULL) {
                const char **names = malloc((t->ninputs + 1) * sizeof(*names));
                const char *sugg[5];
                size_t ns = 0;
                struct gql_buf b;

                if (names != NULL) {
                    for (i = 0; i < t->ninputs; i++)
                        names[i] = t->inputs[i].name;
                    ns = gql_suggestion_list(key, names, t->ninputs, sugg, 5);
                }
                gql_buf_init(&b, 65536);
                gql_buf_puts(&b, "Field \"");
                gql_buf_puts(&b, key);
                gql_buf_puts(&b, "\" is not defined by type \"");
                gql_buf_puts(&b, t->name);
                gql_buf_puts(&b, "\".");
                gql_did_you_mean(&b, NULL, sugg, ns);
                input_error(vc, path, j, b.data);
                gql_buf_finish(&b);
                free(names);
                ok = false;
            }
        }
        return ok ? v : NULL;
    }
    return parse_leaf(vc, t, j, path);
}

bool gql_coerce_variables(const struct gql_schema *schema, struct gql_arena *arena,
                          const struct gql_ast_definition *op, const cJSON *variables, bool lenient,
                          struct gql_errors *errs, struct gql_value **out)
{
    const struct gql_ast_var_def *d;
    size_t n = 0;
    struct gql_value *vars;
    struct vcoerce vc;
    size_t before = errs->count;

    for (d = op->vars; d != NULL; d = d->next)
        n++;
    vars = gql_value_new(arena, GQL_VALUE_OBJECT, n);
    if (vars == NULL) {
        errs->no_memory = true;
        return false;
    }
    memset(&vc, 0, sizeof(vc));
    vc.arena = arena;
    vc.errs = errs;
    for (d = op->vars; d != NULL; d = d->next) {
        const struct gql_type_ref *type = gql_type_from_ast(schema, arena, d->type);
        const cJSON *j = cJSON_IsObject(variables)
                             ? cJSON_GetObjectItemCaseSensitive(variables, d->name.value)
                             : NULL;
        struct gql_buf b;
        struct gql_value *cv;
        size_t k;

        if (type == NULL || !gql_is_input_ref(type)) {
            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "Variable \"$");
            gql_buf_puts(&b, d->name.value);
            gql_buf_puts(&b, "\" expected value of type \"");
            gql_print_ast_type(&b, d->type);
            gql_buf_puts(&b, "\" which cannot be used as an input type.");
            gql_errors_add(errs, b.data, &d->type->off, 1);
            gql_buf_finish(&b);
            continue;
        }
        /* A name given twice: coercedValues[varName] keeps the last. */
        for (k = 0; k < vars->count; k++)
            if (strcmp(vars->keys[k], d->name.value) == 0)
                break;
        if (j == NULL) {
            if (d->default_value != NULL) {
                const struct gql_value *dv =
                    gql_value_from_ast(arena, d->default_value, type, NULL);

                if (dv != NULL) {
                    vars->keys[k] = d->name.value;
                    vars->items[k] = (struct gql_value *)dv;
                    if (k == vars->count)
                        vars->count++;
                }
            } else if (type->kind == GQL_REF_NON_NULL && !lenient) {
                gql_buf_init(&b, 65536);
                gql_buf_puts(&b, "Variable \"$");
                gql_buf_puts(&b, d->name.value);
                gql_buf_puts(&b, "\" of required type \"");
                gql_ref_write(&b, type);
                gql_buf_puts(&b, "\" was not provided.");
                gql_errors_add(errs, b.data, &d->off, 1);
                gql_buf_finish(&b);
            }
            continue;
        }
        if (cJSON_IsNull(j) && type->kind == GQL_REF_NON_NULL) {
            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "Variable \"$");
            gql_buf_puts(&b, d->name.value);
            gql_buf_puts(&b, "\" of non-null type \"");
            gql_ref_write(&b, type);
            gql_buf_puts(&b, "\" must not be null.");
            gql_errors_add(errs, b.data, &d->off, 1);
            gql_buf_finish(&b);
            continue;
        }
        vc.var_name = d->name.value;
        vc.var_off = d->off;
        cv = coerce_input(&vc, j, type, NULL, 0);
        if (cv != NULL) {
            vars->keys[k] = d->name.value;
            vars->items[k] = cv;
            if (k == vars->count)
                vars->count++;
        }
    }
    *out = vars;
    return errs->count == before && !errs->no_memory;
}

/* ---- valueFromAST ---------------------------------------------------------- */

static const struct gql_value *lookup_var(const struct gql_value *vars, const char *name,
                                          bool *found)
{
    size_t i;

    *found = false;
    if (vars == NULL)
        return NULL;
    for (i = 0; i < vars->count; i++) {
        if (strcmp(vars->keys[i], name) == 0) {
            *found = true;
            return vars->items[i];
        }
    }
    return NULL;
}

static bool missing_variable(const struct gql_ast_value *v, const struct gql_value *vars)
{
    bool found;

    if (v->kind != GQL_AV_VARIABLE)
        return false;
    lookup_var(vars, v->str, &found);
    return !found;
}

static const struct gql_value *literal_untyped(struct gql_arena *arena,
                                               const struct gql_ast_value *v,
                                               const struct gql_value *vars, unsigned depth);

static const struct gql_value *from_ast(struct gql_arena *arena, const struct gql_ast_value *v,
                                        const struct gql_type_ref *type,
                                        const struct gql_value *vars, unsigned depth)
{
    struct gql_value *out;
    const struct gql_type *t;

    if (v == NULL || depth > GQL_MAX_DEPTH * 4)
        return NULL;
    if (v->kind == GQL_AV_VARIABLE) {
        bool found;
        const struct gql_value *val = lookup_var(vars, v->str, &found);

        if (!found)
            return NULL;
        if (val->kind == GQL_VALUE_NULL && type->kind == GQL_REF_NON_NULL)
            return NULL;
        return val;
    }
    if (type->kind == GQL_REF_NON_NULL) {
        if (v->kind == GQL_AV_NULL)
            return NULL;
        return from_ast(arena, v, type->of, vars, depth + 1);
    }
    if (v->kind == GQL_AV_NULL)
        return &gql_value_null;
    if (type->kind == GQL_REF_LIST) {
        if (v->kind == GQL_AV_LIST) {
            const struct gql_ast_value *item;
            size_t n = 0;

            for (item = v->items; item != NULL; item = item->next)
                n++;
            out = gql_value_new(arena, GQL_VALUE_LIST, n);
            if (out == NULL)
                return NULL;
            for (item = v->items; item != NULL; item = item->next) {
                const struct gql_value *iv;

                if (missing_variable(item, vars)) {
                    if (type->of->kind == GQL_REF_NON_NULL)
                        return NULL;
                    iv = &gql_value_null;
                } else {
                    iv = from_ast(arena, item, type->of, vars, depth + 1);
                    if (iv == NULL)
                        return NULL;
                }
                out->items[out->count++] = (struct gql_value *)iv;
            }
            return out;
        }
        out = gql_value_new(arena, GQL_VALUE_LIST, 1);
        if (out == NULL)
            return NULL;
        out->items[0] = (struct gql_value *)from_ast(arena, v, type->of, vars, depth + 1);
        out->count = 1;
        return out->items[0] != NULL ? out : NULL;
    }
    t = type->named;
    if (t->kind == GQL_INPUT_OBJECT) {
        size_t i;

        if (v->kind != GQL_AV_OBJECT)
            return NULL;
        out = gql_value_new(arena, GQL_VALUE_OBJECT, t->ninputs);
        if (out == NULL)
            return NULL;
        for (i = 0; i < t->ninputs; i++) {
            const struct gql_input_value *f = &t->inputs[i];
            const struct gql_ast_object_field *fn = NULL;
            const struct gql_ast_object_field *x;
            const struct gql_value *fv;

            for (x = v->fields; x != NULL; x = x->next)
                if (strcmp(x->name.value, f->name) == 0)
                    fn = x; /* keyMap: the last one of a name */
            if (fn == NULL || missing_variable(fn->value, vars)) {
                if (f->default_value != NULL) {
                    fv = default_of(arena, f);
                    if (fv != NULL) {
                        out->keys[out->count] = f->name;
                        out->items[out->count++] = (struct gql_value *)fv;
                    }
                } else if (f->type->kind == GQL_REF_NON_NULL) {
                    return NULL;
                }
                continue;
            }
            fv = from_ast(arena, fn->value, f->type, vars, depth + 1);
            if (fv == NULL)
                return NULL;
            out->keys[out->count] = f->name;
            out->items[out->count++] = (struct gql_value *)fv;
        }
        return out;
    }
    /* Leaf types: parseLiteral. */
    switch (t->builtin) {
    case GQL_BUILTIN_INT: {
        double d;

        if (v->kind != GQL_AV_INT)
            return NULL;
        d = strtod(v->str, NULL);
        if (d > 2147483647.0 || d < -2147483648.0)
            return NULL;
        out = gql_value_new(arena, GQL_VALUE_INT, 0);
        if (out != NULL)
            out->i = (int64_t)d;
        return out;
    }
    case GQL_BUILTIN_FLOAT:
        if (v->kind != GQL_AV_INT && v->kind != GQL_AV_FLOAT)
            return NULL;
        out = gql_value_new(arena, GQL_VALUE_FLOAT, 0);
        if (out != NULL)
            out->f = strtod(v->str, NULL);
        return out;
    case GQL_BUILTIN_STRING:
    case GQL_BUILTIN_ID:
        if (v->kind != GQL_AV_STRING && !(t->builtin == GQL_BUILTIN_ID && v->kind == GQL_AV_INT))
            return NULL;
        out = gql_value_new(arena, GQL_VALUE_STRING, 0);
        if (out != NULL) {
            out->s = v->str;
            out->len = v->len;
        }
        return out;
    case GQL_BUILTIN_BOOLEAN:
        if (v->kind != GQL_AV_BOOLEAN)
            return NULL;
        out = gql_value_new(arena, GQL_VALUE_BOOLEAN, 0);
        if (out != NULL)
            out->b = v->boolean;
        return out;
    case GQL_BUILTIN_NONE:
        break;
    }
    if (t->kind == GQL_ENUM) {
        if (v->kind != GQL_AV_ENUM || gql_find_enum_value(t, v->str) == NULL)
            return NULL;
        out = gql_value_new(arena, GQL_VALUE_ENUM, 0);
        if (out != NULL) {
            out->s = v->str;
            out->len = v->len;
        }
        return out;
    }
    return literal_untyped(arena, v, vars, depth + 1);
}

/* valueFromASTUntyped, for custom scalars. */
static const struct gql_value *literal_untyped(struct gql_arena *arena,
                                               const struct gql_ast_value *v,
                                               const struct gql_value *vars, unsigned depth)
{
    struct gql_value *out;
    bool found;

    if (depth > GQL_MAX_DEPTH * 4)
        return NULL;
    switch (v->kind) {
    case GQL_AV_NULL:
        return &gql_value_null;
    case GQL_AV_INT:
        out = gql_value_new(arena, GQL_VALUE_INT, 0);
        if (out != NULL) {
            out->f = strtod(v->str, NULL);
            out->i = (int64_t)out->f;
            if (fabs(out->f) >= 9.007199254740992e15)
                out->kind = GQL_VALUE_FLOAT;
        }
        return out;
    case GQL_AV_FLOAT:
        out = gql_value_new(arena, GQL_VALUE_FLOAT, 0);
        if (out != NULL)
            out->f = strtod(v->str, NULL);
        return out;
    case GQL_AV_STRING:
    case GQL_AV_ENUM:
        out = gql_value_new(arena, GQL_VALUE_STRING, 0);
        if (out != NULL) {
            out->s = v->str;
            out->len = v->len;
        }
        return out;
    case GQL_AV_BOOLEAN:
        out = gql_value_new(arena, GQL_VALUE_BOOLEAN, 0);
        if (out != NULL)
            out->b = v->boolean;
        return out;
    case GQL_AV_VARIABLE: {
        const struct gql_value *val = lookup_var(vars, v->str, &found);

        return found ? val : NULL;
    }
    case GQL_AV_LIST: {
        const struct gql_ast_value *item;
        size_t n = 0;

        for (item = v->items; item != NULL; item = item->next)
            n++;
        out = gql_value_new(arena, GQL_VALUE_LIST, n);
        if (out == NULL)
            return NULL;
        for (item = v->items; item != NULL; item = item->next) {
            const struct gql_value *iv = literal_untyped(arena, item, vars, depth + 1);

            out->items[out->count++] = (struct gql_value *)(iv != NULL ? iv : &gql_value_null);
        }
        return out;
    }
    case GQL_AV_OBJECT: {
        const struct gql_ast_object_field *f;
        size_t n = 0;

        for (f = v->fields; f != NULL; f = f->next)
            n++;
        out = gql_value_new(arena, GQL_VALUE_OBJECT, n);
        if (out == NULL)
            return NULL;
        for (f = v->fields; f != NULL; f = f->next) {
            const struct gql_value *fv = literal_untyped(arena, f->value, vars, depth + 1);

            if (fv == NULL)
                continue; /* an undefined member is dropped by JSON */
            out->keys[out->count] = f->name.value;
            out->items[out->count++] = (struct gql_value *)fv;
        }
        return out;
    }
    }
    return NULL;
}

const struct gql_value *gql_value_from_ast(struct gql_arena *arena, const struct gql_ast_value *ast,
                                           const struct gql_type_ref *type,
                                           const struct gql_value *variables)
{
    return from_ast(arena, ast, type, variables, 0);
}

const struct gql_value *gql_argument_values(struct gql_arena *arena,
                                            const struct gql_input_value *defs, size_t ndefs,
                                            const struct gql_ast_argument *args, uint32_t node_off,
                                            const struct gql_value *variables, const char **message,
                                            uint32_t *off)
{
    struct gql_value *out = gql_value_new(arena, GQL_VALUE_OBJECT, ndefs);
    size_t i;
    struct gql_buf b;

    *message = NULL;
    if (out == NULL)
        return NULL;
    for (i = 0; i < ndefs; i++) {
        const struct gql_input_value *d = &defs[i];
        const struct gql_ast_argument *a = NULL;
        const struct gql_ast_argument *x;
        const struct gql_value *v;
        bool is_null;

        for (x = args; x != NULL; x = x->next)
            if (x->name.value[0] == d->name[0] && strcmp(x->name.value, d->name) == 0)
                a = x; /* keyMap: the last one of a name */
        gql_buf_init(&b, 1u << 20);
        if (a == NULL) {
            if (d->default_value != NULL) {
                v = default_of(arena, d);
                if (v != NULL) {
                    out->keys[out->count] = d->name;
                    out->items[out->count++] = (struct gql_value *)v;
                }
            } else if (d->type->kind == GQL_REF_NON_NULL) {
                gql_buf_puts(&b, "Argument \"");
                gql_buf_puts(&b, d->name);
                gql_buf_puts(&b, "\" of required type \"");
                gql_ref_write(&b, d->type);
                gql_buf_puts(&b, "\" was not provided.");
                *off = node_off;
                goto fail;
            }
            gql_buf_finish(&b);
            continue;
        }
        is_null = a->value->kind == GQL_AV_NULL;
        if (a->value->kind == GQL_AV_VARIABLE) {
            bool found;
            const struct gql_value *val = lookup_var(variables, a->value->str, &found);

            if (!found) {
                if (d->default_value != NULL) {
                    v = default_of(arena, d);
                    if (v != NULL) {
                        out->keys[out->count] = d->name;
                        out->items[out->count++] = (struct gql_value *)v;
                    }
                } else if (d->type->kind == GQL_REF_NON_NULL) {
                    gql_buf_puts(&b, "Argument \"");
                    gql_buf_puts(&b, d->name);
                    gql_buf_puts(&b, "\" of required type \"");
                    gql_ref_write(&b, d->type);
                    gql_buf_puts(&b, "\" was provided the variable \"$");
                    gql_buf_puts(&b, a->value->str);
                    gql_buf_puts(&b, "\" which was not provided a runtime value.");
                    *off = a->value->off;
                    goto fail;
                }
                gql_buf_finish(&b);
                continue;
            }
            is_null = val->kind == GQL_VALUE_NULL;
        }
        if (is_null && d->type->kind == GQL_REF_NON_NULL) {
            gql_buf_puts(&b, "Argument \"");
            gql_buf_puts(&b, d->name);
            gql_buf_puts(&b, "\" of non-null type \"");
            gql_ref_write(&b, d->type);
            gql_buf_puts(&b, "\" must not be null.");
            *off = a->value->off;
            goto fail;
        }
        v = gql_value_from_ast(arena, a->value, d->type, variables);
        if (v == NULL) {
            gql_buf_puts(&b, "Argument \"");
            gql_buf_puts(&b, d->name);
            gql_buf_puts(&b, "\" has invalid value ");
            gql_print_value(&b, a->value, false);
            gql_buf_puts(&b, ".");
            *off = a->value->off;
            goto fail;
        }
        out->keys[out->count] = d->name;
        out->items[out->count++] = (struct gql_value *)v;
        gql_buf_finish(&b);
    }
    return out;
fail:
    *message = gql_arena_strndup(arena, b.data != NULL ? b.data : "", b.len);
    gql_buf_finish(&b);
    return NULL;
}
