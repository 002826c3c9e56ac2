/*
 * The executor: graphql-js 16's execute() for queries, writing the answer
 * straight into a bounded buffer. CollectFields merges fields by response key in
 * selection order; each field resolves through the resolver (introspection and
 * __typename internally); completion follows the field's type, and a null in a
 * non-null place rewinds the buffer to the nearest nullable parent, which
 * becomes null (one error per failure, with its path). Fields no data provides
 * are generated (generate.c), or are errors in strict mode.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coerce_private.h"
#include "execute_private.h"
#include "number_private.h"
#include "print_private.h"

/* ---- CollectFields --------------------------------------------------------- */

static void *grow(struct gql_arena *arena, void *old, size_t n, size_t *cap, size_t size)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return old;
    ncap = *cap ? *cap * 2 : 8;
    p = gql_arena_alloc(arena, ncap * size);
    if (p == NULL)
        return NULL;
    if (n > 0)
        memcpy(p, old, n * size);
    *cap = ncap;
    return p;
}

enum include { INCLUDE, EXCLUDE, UNKNOWN, FAILED };

/* What each collected field needs, the same for every object completed with the plan. */
struct gql_plan_field {
    const struct gql_field *def;  /* NULL: not a field of the type (left out) */
    const struct gql_value *args; /* coerced arguments; NULL with arg_msg on an error */
    const char *arg_msg;
    uint32_t arg_off;
    const char *args_json; /* the arguments as JSON, mixed into generation hashes */
    size_t args_json_len;
};

/* CollectFields of a field's selection for one runtime type, with its fields' needs. */
struct gql_plan {
    const void *cf; /* the field whose selection it is (NULL: the operation's) */
    const struct gql_type *type;
    struct gql_cfields fields;
    struct gql_plan_field *pf;
    const char *msg; /* a directive's argument error while collecting, or NULL */
    uint32_t off;
};

/* shouldIncludeNode: @skip(if:) then @include(if:). */
static enum include should_include(struct gql_arena *arena, const struct gql_schema *schema,
                                   const struct gql_value *vars,
                                   const struct gql_ast_directive *dirs, bool unknown_ok,
                                   const char **message, uint32_t *off)
{
    static const char *const names[2] = {"skip", "include"};
    enum include result = INCLUDE;
    int k;

    for (k = 0; k < 2; k++) {
        const struct gql_ast_directive *d;
        const struct gql_directive_def *def = gql_schema_directive(schema, names[k]);

        for (d = dirs; d != NULL; d = d->next) {
            const struct gql_value *args;
            const struct gql_value *cond;

            if (strcmp(d->name.value, names[k]) != 0 || def == NULL)
                continue;
            if (unknown_ok && d->args != NULL && d->args->value->kind == GQL_AV_VARIABLE) {
                const struct gql_value *v = gql_value_get(vars, d->args->value->str);

                if (v == NULL || v->kind != GQL_VALUE_BOOLEAN) {
                    result = UNKNOWN;
                    break;
                }
            }
            args = gql_argument_values(arena, def->args, def->nargs, d->args, d->off, vars, message,
                                       off);
            if (args == NULL) {
                if (unknown_ok) {
                    result = UNKNOWN;
                    break;
                }
                return FAILED;
            }
            cond = gql_value_get(args, "if");
            if (cond != NULL && cond->kind == GQL_VALUE_BOOLEAN && cond->b == (k == 0))
                return EXCLUDE;
            break; /* getDirectiveValues looks at the first of a name */
        }
    }
    return result;
}

static bool condition_matches(const struct gql_schema *schema, const struct gql_ast_type *cond,
                              const struct gql_type *type)
{
    const struct gql_type *t;

    if (cond == NULL)
        return true;
    t = gql_schema_find_type(schema, cond->name.value);
    if (t == type)
        return true;
    return gql_is_abstract(t) && gql_is_sub_type(t, type);
}

static bool collect(struct gql_arena *arena, const struct gql_schema *schema,
                    const struct gql_document *doc, const struct gql_value *vars,
                    const struct gql_type *type, const struct gql_ast_selection_set *set,
                    struct gql_cfields *out, bool unknown_ok, bool uncertain, const char **message,
                    uint32_t *off, unsigned depth)
{
    const struct gql_ast_selection *s;

    if (depth > GQL_MAX_DEPTH * 2)
        return true;
    for (s = set->first; s != NULL; s = s->next) {
        enum include inc =
            should_include(arena, schema, vars, s->directives, unknown_ok, message, off);
        bool unsure = uncertain || inc == UNKNOWN;

        if (inc == FAILED)
            return false;
        if (inc == EXCLUDE)
            continue;
        if (s->kind == GQL_SEL_FIELD) {
            const char *key = s->alias.value != NULL ? s->alias.value : s->name.value;
            struct gql_cfield *f = NULL;
            size_t i;

            for (i = 0; i < out->n; i++) {
                if (strcmp(out->items[i].key, key) == 0) {
                    f = &out->items[i];
                    break;
                }
            }
            if (f == NULL) {
                out->items = grow(arena, out->items, out->n, &out->cap, sizeof(*out->items));
                if (out->items == NULL)
                    return false;
                f = &out->items[out->n++];
                memset(f, 0, sizeof(*f));
                f->key = key;
            }
            f->nodes = grow(arena, f->nodes, f->n, &f->cap, sizeof(*f->nodes));
            if (f->nodes == NULL)
                return false;
            f->nodes[f->n++] = s;
            if (!unsure)
                f->certain++;
        } else if (s->kind == GQL_SEL_INLINE) {
            if (!condition_matches(schema, s->type_cond, type))
                continue;
            if (!collect(arena, schema, doc, vars, type, s->sel, out, unknown_ok, unsure, message,
                         off, depth + 1))
                return false;
        } else {
            const struct gql_ast_definition *frag;
            size_t i;
            bool seen = false;

            for (i = 0; i < out->nvisited && !seen; i++)
                seen = strcmp(out->visited[i], s->name.value) == 0;
            if (seen)
                continue;
            out->visited =
                grow(arena, out->visited, out->nvisited, &out->visited_cap, sizeof(*out->visited));
            if (out->visited == NULL)
                return false;
            out->visited[out->nvisited++] = s->name.value;
            frag = gql_document_fragment(doc, s->name.value);
            if (frag == NULL || !condition_matches(schema, frag->type_cond, type))
                continue;
            if (!collect(arena, schema, doc, vars, type, frag->sel, out, unknown_ok, unsure,
                         message, off, depth + 1))
                return false;
        }
    }
    return true;
}

bool gql_collect_fields(struct gql_arena *arena, const struct gql_schema *schema,
                        const struct gql_document *doc, const struct gql_value *vars,
                        const struct gql_type *type, const struct gql_ast_selection_set *set,
                        struct gql_cfields *out, bool unknown_ok, const char **message,
                        uint32_t *off)
{
    *message = NULL;
    return collect(arena, schema, doc, vars, type, set, out, unknown_ok, false, message, off, 0);
}

/* ---- helpers for resolvers --------------------------------------------------- */

const char *gql_path_print(const struct gql_path *path, char *out, size_t size)
{
    const struct gql_path *steps[GQL_MAX_DEPTH * 4];
    size_t n = 0;
    size_t len = 0;

    if (size == 0)
        return out;
    out[0] = '\0';
    for (; path != NULL && n < GQL_MAX_DEPTH * 4; path = path->prev)
        steps[n++] = path;
    while (n > 0 && len + 1 < size) {
        const struct gql_path *p = steps[--n];
        int w;

        if (p->key != NULL)
            w = snprintf(out + len, size - len, "%s%s", len > 0 ? "." : "", p->key);
        else
            w = snprintf(out + len, size - len, "[%zu]", p->index);
        if (w < 0)
            break;
        len += (size_t)w < size - len ? (size_t)w : size - len - 1;
    }
    return out;
}

void gql_resolve_default(void *user, const struct gql_source *parent,
                         const struct gql_field_info *info, struct gql_source *out)
{
    const cJSON *v;

    (void)user;
    out->kind = GQL_SOURCE_NOT_PROVIDED;
    if (parent == NULL || parent->kind != GQL_SOURCE_JSON || !cJSON_IsObject(parent->json))
        return;
    v = cJSON_GetObjectItemCaseSensitive(parent->json, info->field_name);
    if (v == NULL)
        return;
    out->kind = GQL_SOURCE_JSON;
    out->json = v;
}

/* ---- completion ------------------------------------------------------------ */

enum crc { C_OK, C_NULL, C_ERR };

/* The field being completed. */
struct frame {
    const struct gql_field_info *info;
    const struct gql_cfield *cf;   /* its nodes */
    const struct gql_value *args;  /* its coerced arguments */
    const struct gql_value *fetch; /* the arguments of the field that produced the parent */
    const char *origin;
};

static void add_error(struct gql_exec *ex, const char *message, const uint32_t *offs, size_t n,
                      const struct gql_path *path, const char *category)
{
    struct gql_error *e = gql_errors_add(&ex->errs, message, offs, n);

    if (e == NULL) {
        ex->oom = true;
        return;
    }
    e->category = category;
    gql_error_set_path(&ex->errs, e, path);
}

/* An error located at the field's nodes (locatedError). */
static void field_error(struct gql_exec *ex, const struct frame *fr, const char *message,
                        const struct gql_path *path, const char *category)
{
    uint32_t offs[16];
    size_t n = 0;
    size_t i;

    for (i = 0; i < fr->cf->n && n < 16; i++)
        offs[n++] = fr->cf->nodes[i]->off;
    add_error(ex, message, offs, n, path, category);
}

static void field_error_buf(struct gql_exec *ex, const struct frame *fr, struct gql_buf *b,
                            const struct gql_path *path)
{
    field_error(ex, fr, b->data != NULL ? b->data : "", path, NULL);
    gql_buf_finish(b);
}

static void write_json_value(struct gql_buf *out, const cJSON *j, unsigned depth)
{
    const cJSON *item;

    if (j == NULL) {
        gql_buf_puts(out, "{}");
        return;
    }
    if (depth > GQL_MAX_DEPTH * 4 || cJSON_IsNull(j)) {
        gql_buf_puts(out, "null");
    } else if (cJSON_IsBool(j)) {
        gql_buf_puts(out, cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsNumber(j)) {
        gql_buf_json_number(out, j->valuedouble);
    } else if (cJSON_IsString(j)) {
        gql_buf_json_string(out, j->valuestring, strlen(j->valuestring));
    } else if (cJSON_IsArray(j)) {
        gql_buf_puts(out, "[");
        for (item = j->child; item != NULL; item = item->next) {
            if (item != j->child)
                gql_buf_puts(out, ",");
            write_json_value(out, item, depth + 1);
        }
        gql_buf_puts(out, "]");
    } else if (cJSON_IsObject(j)) {
        gql_buf_puts(out, "{");
        for (item = j->child; item != NULL; item = item->next) {
            if (item != j->child)
                gql_buf_puts(out, ",");
            gql_buf_json_string(out, item->string, strlen(item->string));
            gql_buf_puts(out, ":");
            write_json_value(out, item, depth + 1);
        }
        gql_buf_puts(out, "}");
    } else {
        gql_buf_puts(out, "null");
    }
}

/* JavaScript's Number(string) for the numeric strings that matter. */
static bool js_number_of(const char *s, double *out)
{
    char *end;
    const char *p = s;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p == '\0') {
        *out = 0;
        return true;
    }
    *out = strtod(p, &end);
    if (end == p)
        return false;
    while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
        end++;
    return *end == '\0';
}

/* A scalar or enum value from a source: graphql-js's serialize(), written to out. */
static enum crc complete_leaf(struct gql_exec *ex, const struct gql_type *t, const struct frame *fr,
                              const struct gql_source *src, const struct gql_path *path)
{
    struct gql_buf *out = ex->out;
    cJSON tmp;
    const cJSON *j = NULL;
    struct gql_buf b;
    char num[40];

    /* Everything as a JSON value, so one set of rules applies. */
    memset(&tmp, 0, sizeof(tmp));
    switch (src->kind) {
    case GQL_SOURCE_JSON:
        j = src->json;
        if (j == NULL && t->builtin == GQL_BUILTIN_NONE && t->kind == GQL_SCALAR) {
            gql_buf_puts(out, "{}");
            return C_OK;
        }
        break;
    case GQL_SOURCE_INT:
        tmp.type = cJSON_Number;
        tmp.valuedouble = (double)src->i;
        j = &tmp;
        break;
    case GQL_SOURCE_FLOAT:
        tmp.type = cJSON_Number;
        tmp.valuedouble = src->f;
        j = &tmp;
        break;
    case GQL_SOURCE_STRING:
        tmp.type = cJSON_String;
        tmp.valuestring = (char *)(src->s != NULL ? src->s : "");
        j = &tmp;
        break;
    case GQL_SOURCE_BOOLEAN:
        tmp.type = src->b ? cJSON_True : cJSON_False;
        j = &tmp;
        break;
    default:
        tmp.type = cJSON_Object; /* a handle or list where a scalar belongs */
        j = &tmp;
        break;
    }
    if (j == NULL)
        return C_NULL;
    gql_buf_init(&b, 1u << 20);
    switch (t->builtin) {
    case GQL_BUILTIN_INT: {
        double d = 0;
        bool ok;

        if (cJSON_IsBool(j)) {
            gql_buf_puts(out, cJSON_IsTrue(j) ? "1" : "0");
            return C_OK;
        }
        if (cJSON_IsNumber(j)) {
            d = j->valuedouble;
            ok = true;
        } else if (cJSON_IsString(j) && j->valuestring[0] != '\0') {
            ok = js_number_of(j->valuestring, &d);
        } else {
            ok = false;
        }
        if (!ok || !isfinite(d) || floor(d) != d) {
            gql_buf_puts(&b, "Int cannot represent non-integer value: ");
        } else if (d > 2147483647.0 || d < -2147483648.0) {
            gql_buf_puts(&b, "Int cannot represent non 32-bit signed integer value: ");
        } else {
            gql_js_number(d, num, sizeof(num));
            gql_buf_puts(out, num);
            return C_OK;
        }
        break;
    }
    case GQL_BUILTIN_FLOAT: {
        double d = 0;
        bool ok;

        if (cJSON_IsBool(j)) {
            gql_buf_puts(out, cJSON_IsTrue(j) ? "1" : "0");
            return C_OK;
        }
        if (cJSON_IsNumber(j)) {
            d = j->valuedouble;
            ok = true;
        } else if (cJSON_IsString(j) && j->valuestring[0] != '\0') {
            ok = js_number_of(j->valuestring, &d);
        } else {
            ok = false;
        }
        if (ok && isfinite(d)) {
            gql_buf_json_number(out, d);
            return C_OK;
        }
        gql_buf_puts(&b, "Float cannot represent non numeric value: ");
        break;
    }
    case GQL_BUILTIN_STRING:
        if (cJSON_IsString(j)) {
            gql_buf_json_string(out, j->valuestring, strlen(j->valuestring));
            return C_OK;
        }
        if (cJSON_IsBool(j)) {
            gql_buf_puts(out, cJSON_IsTrue(j) ? "\"true\"" : "\"false\"");
            return C_OK;
        }
        if (cJSON_IsNumber(j) && isfinite(j->valuedouble)) {
            gql_js_number(j->valuedouble, num, sizeof(num));
            gql_buf_json_string(out, num, strlen(num));
            return C_OK;
        }
        gql_buf_puts(&b, "String cannot represent value: ");
        break;
    case GQL_BUILTIN_BOOLEAN:
        if (cJSON_IsBool(j)) {
            gql_buf_puts(out, cJSON_IsTrue(j) ? "true" : "false");
            return C_OK;
        }
        if (cJSON_IsNumber(j) && isfinite(j->valuedouble)) {
            gql_buf_puts(out, j->valuedouble != 0 ? "true" : "false");
            return C_OK;
        }
        gql_buf_puts(&b, "Boolean cannot represent a non boolean value: ");
        break;
    case GQL_BUILTIN_ID:
        if (cJSON_IsString(j)) {
            gql_buf_json_string(out, j->valuestring, strlen(j->valuestring));
            return C_OK;
        }
        if (cJSON_IsNumber(j) && isfinite(j->valuedouble) &&
            floor(j->valuedouble) == j->valuedouble) {
            gql_js_number(j->valuedouble, num, sizeof(num));
            gql_buf_json_string(out, num, strlen(num));
            return C_OK;
        }
        gql_buf_puts(&b, "ID cannot represent value: ");
        break;
    case GQL_BUILTIN_NONE:
        if (t->kind == GQL_SCALAR) {
            if (src->kind == GQL_SOURCE_HANDLE || src->kind == GQL_SOURCE_LIST)
                gql_buf_puts(out, "null");
            else
                write_json_value(out, j, 0);
            return C_OK;
        }
        if (cJSON_IsString(j) && gql_find_enum_value(t, j->valuestring) != NULL) {
            gql_buf_json_string(out, j->valuestring, strlen(j->valuestring));
            return C_OK;
        }
        gql_buf_puts(&b, "Enum \"");
        gql_buf_puts(&b, t->name);
        gql_buf_puts(&b, "\" cannot represent value: ");
        break;
    }
    if (src->kind == GQL_SOURCE_HANDLE || src->kind == GQL_SOURCE_LIST)
        gql_buf_puts(&b, "{}");
    else
        gql_inspect_json(&b, j);
    field_error_buf(ex, fr, &b, path);
    return C_ERR;
}

static bool source_is_null(const struct gql_source *s)
{
    return s->kind == GQL_SOURCE_NULL ||
           (s->kind == GQL_SOURCE_JSON && s->json != NULL && cJSON_IsNull(s->json));
}

static enum crc execute_fields(struct gql_exec *ex, const struct gql_plan *plan,
                               const struct gql_source *src, const struct gql_path *path,
                               uint64_t h, const struct gql_value *fetch, const char *origin,
                               unsigned depth);
static struct gql_plan *plan_for(struct gql_exec *ex, const struct gql_cfield *cf,
                                 const struct gql_type *type,
                                 const struct gql_ast_selection_set *set);

/* The concrete object type of a value of an abstract type. */
static const struct gql_type *runtime_type(struct gql_exec *ex, const struct gql_type *abstract,
                                           const struct frame *fr, const struct gql_source *src,
                                           const struct gql_path *path)
{
    const char *name = src->type_name;
    const struct gql_type *t;
    struct gql_buf b;

    if (name == NULL && src->kind == GQL_SOURCE_JSON && cJSON_IsObject(src->json)) {
        const cJSON *tn = cJSON_GetObjectItemCaseSensitive(src->json, "__typename");

        if (cJSON_IsString(tn))
            name = tn->valuestring;
    }
    if (name == NULL)
        return abstract->npossible > 0 ? abstract->possible[0] : NULL;
    t = gql_schema_find_type(ex->schema, name);
    gql_buf_init(&b, 65536);
    if (t == NULL) {
        gql_buf_puts(&b, "Abstract type \"");
        gql_buf_puts(&b, abstract->name);
        gql_buf_puts(&b, "\" was resolved to a type \"");
        gql_buf_puts(&b, name);
        gql_buf_puts(&b, "\" that does not exist inside the schema.");
    } else if (t->kind != GQL_OBJECT) {
        gql_buf_puts(&b, "Abstract type \"");
        gql_buf_puts(&b, abstract->name);
        gql_buf_puts(&b, "\" was resolved to a non-object type \"");
        gql_buf_puts(&b, name);
        gql_buf_puts(&b, "\".");
    } else if (!gql_is_sub_type(abstract, t)) {
        gql_buf_puts(&b, "Runtime Object type \"");
        gql_buf_puts(&b, name);
        gql_buf_puts(&b, "\" is not a possible type for \"");
        gql_buf_puts(&b, abstract->name);
        gql_buf_puts(&b, "\".");
    } else {
        gql_buf_finish(&b);
        return t;
    }
    field_error_buf(ex, fr, &b, path);
    return NULL;
}

static enum crc complete(struct gql_exec *ex, const struct gql_type_ref *ref,
                         const struct frame *fr, struct gql_source *src,
                         const struct gql_path *path, uint64_t h, unsigned depth)
{
    const struct gql_type *t;

    if (ex->oom || ex->out->failed)
        return C_ERR;
    if (ref->kind == GQL_REF_NON_NULL) {
        size_t mark = ex->out->len;
        enum crc rc = complete(ex, ref->of, fr, src, path, h, depth);

        if (rc == C_NULL) {
            struct gql_buf b;

            ex->out->len = mark;
            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "Cannot return null for non-nullable field ");
            gql_buf_puts(&b, fr->info->parent_type->name);
            gql_buf_puts(&b, ".");
            gql_buf_puts(&b, fr->info->field_name);
            gql_buf_puts(&b, ".");
            field_error_buf(ex, fr, &b, path);
            return C_ERR;
        }
        return rc;
    }
    if (src->kind == GQL_SOURCE_ERROR) {
        field_error(ex, fr, src->s != NULL ? src->s : "Unknown error.", path, src->category);
        return C_ERR;
    }
    if (source_is_null(src)) {
        gql_buf_puts(ex->out, "null");
        return C_NULL;
    }
    if (src->kind == GQL_SOURCE_NOT_PROVIDED && ex->opts->strict) {
        struct gql_buf b;
        char where[512];

        gql_buf_init(&b, 65536);
        gql_buf_puts(&b, "No value for \"");
        gql_buf_puts(&b, gql_path_print(path, where, sizeof(where)));
        gql_buf_puts(&b, "\" in ");
        gql_buf_puts(&b, fr->origin != NULL ? fr->origin : "the data");
        gql_buf_puts(&b, " (strict fixtures: eso-mock generates no missing values).");
        field_error_buf(ex, fr, &b, path);
        return C_ERR;
    }
    if (ref->kind == GQL_REF_LIST) {
        size_t start = ex->out->len;
        size_t n;
        size_t i;
        const cJSON *item = NULL;
        bool generated = src->kind == GQL_SOURCE_NOT_PROVIDED;

        if (generated) {
            n = gql_generate_list_length(h);
        } else if (src->kind == GQL_SOURCE_JSON && cJSON_IsArray(src->json)) {
            n = (size_t)cJSON_GetArraySize(src->json);
            item = src->json->child;
        } else if (src->kind == GQL_SOURCE_LIST) {
            n = src->count;
        } else {
            struct gql_buf b;

            gql_buf_init(&b, 65536);
            gql_buf_puts(&b, "Expected Iterable, but did not find one for field \"");
            gql_buf_puts(&b, fr->info->parent_type->name);
            gql_buf_puts(&b, ".");
            gql_buf_puts(&b, fr->info->field_name);
            gql_buf_puts(&b, "\".");
            field_error_buf(ex, fr, &b, path);
            return C_ERR;
        }
        gql_buf_puts(ex->out, "[");
        for (i = 0; i < n; i++) {
            struct gql_path ip = {path, NULL, NULL, i};
            struct gql_source is;
            size_t mark;
            enum crc rc;
            uint64_t ih = gql_hash_mix(h, &i, sizeof(i));

            memset(&is, 0, sizeof(is));
            if (i > 0)
                gql_buf_puts(ex->out, ",");
            mark = ex->out->len;
            if (generated) {
                is.kind = GQL_SOURCE_NOT_PROVIDED;
            } else if (item != NULL) {
                is.kind = GQL_SOURCE_JSON;
                is.json = item;
                item = item->next;
            } else if (fr->info->parent_type->introspection) {
                gql_introspect_item(ex, src, i, &is);
            } else if (ex->resolver != NULL && ex->resolver->list_item != NULL) {
                ex->resolver->list_item(ex->resolver->user, src, i, fr->info, &is);
            } else {
                is.kind = GQL_SOURCE_NULL;
            }
            if (is.origin == NULL)
                is.origin = src->origin;
            rc = complete(ex, ref->of, fr, &is, &ip, ih, depth + 1);
            if (rc == C_ERR) {
                if (ref->of->kind == GQL_REF_NON_NULL) {
                    ex->out->len = start;
                    return C_ERR;
                }
                ex->out->len = mark;
                gql_buf_puts(ex->out, "null");
            }
        }
        gql_buf_puts(ex->out, "]");
        return C_OK;
    }
    t = ref->named;
    if (gql_is_leaf(t)) {
        if (src->kind == GQL_SOURCE_NOT_PROVIDED) {
            struct gql_source gen;

            memset(&gen, 0, sizeof(gen));
            gql_generate_leaf(ex, t, fr->info->field_name, fr->fetch, h, &gen);
            return complete_leaf(ex, t, fr, &gen, path);
        }
        return complete_leaf(ex, t, fr, src, path);
    }
    /* An object, interface or union. */
    {
        const struct gql_type *rt = t;
        const struct gql_plan *plan;

        if (depth > GQL_MAX_DEPTH * 3) {
            field_error(ex, fr, "Result nested too deeply.", path, NULL);
            return C_ERR;
        }
        if (gql_is_abstract(t)) {
            rt = runtime_type(ex, t, fr, src, path);
            if (rt == NULL) {
                if (ex->errs.last == NULL || ex->errs.count == 0)
                    field_error(ex, fr, "Abstract type has no possible type.", path, NULL);
                return C_ERR;
            }
        }
        plan = plan_for(ex, fr->cf, rt, NULL);
        if (plan == NULL) {
            ex->oom = true;
            return C_ERR;
        }
        if (plan->msg != NULL) {
            add_error(ex, plan->msg, &plan->off, 1, path, NULL);
            return C_ERR;
        }
        {
            struct gql_source parent = *src;

            if (parent.origin == NULL)
                parent.origin = fr->origin;
            return execute_fields(ex, plan, &parent, path, h, fr->args, parent.origin, depth + 1);
        }
    }
}

/* The plan of cf's selection (or of set, for the operation) for type: made once. */
static struct gql_plan *plan_for(struct gql_exec *ex, const struct gql_cfield *cf,
                                 const struct gql_type *type,
                                 const struct gql_ast_selection_set *set)
{
    size_t slot;
    size_t i;
    struct gql_plan *plan;

    if (ex->plans_cap > 0) {
        uintptr_t k = (uintptr_t)cf * 31u + (uintptr_t)type;

        for (slot = (size_t)(k >> 4) & (ex->plans_cap - 1); ex->plans[slot] != NULL;
             slot = (slot + 1) & (ex->plans_cap - 1))
            if (ex->plans[slot]->cf == cf && ex->plans[slot]->type == type)
                return ex->plans[slot];
    }
    if (2 * (ex->nplans + 1) > ex->plans_cap) {
        size_t ncap = ex->plans_cap ? ex->plans_cap * 2 : 64;
        struct gql_plan **grown = gql_arena_alloc(&ex->arena, ncap * sizeof(*grown));

        if (grown == NULL)
            return NULL;
        memset(grown, 0, ncap * sizeof(*grown));
        for (i = 0; i < ex->plans_cap; i++) {
            struct gql_plan *q = ex->plans[i];
            uintptr_t k;

            if (q == NULL)
                continue;
            k = (uintptr_t)q->cf * 31u + (uintptr_t)q->type;
            for (slot = (size_t)(k >> 4) & (ncap - 1); grown[slot] != NULL;
                 slot = (slot + 1) & (ncap - 1))
                ;
            grown[slot] = q;
        }
        ex->plans = grown;
        ex->plans_cap = ncap;
    }
    plan = gql_arena_alloc(&ex->arena, sizeof(*plan));
    if (plan == NULL)
        return NULL;
    memset(plan, 0, sizeof(*plan));
    plan->cf = cf;
    plan->type = type;
    if (cf == NULL) {
        if (!gql_collect_fields(&ex->arena, ex->schema, ex->prep->doc, ex->prep->vars, type, set,
                                &plan->fields, false, &plan->msg, &plan->off) &&
            plan->msg == NULL)
            return NULL;
    } else {
        for (i = 0; i < cf->n && plan->msg == NULL; i++) {
            if (cf->nodes[i]->sel == NULL)
                continue;
            if (!gql_collect_fields(&ex->arena, ex->schema, ex->prep->doc, ex->prep->vars, type,
                                    cf->nodes[i]->sel, &plan->fields, false, &plan->msg,
                                    &plan->off) &&
                plan->msg == NULL)
                return NULL;
        }
    }
    if (plan->fields.n > 0) {
        plan->pf = gql_arena_alloc(&ex->arena, plan->fields.n * sizeof(*plan->pf));
        if (plan->pf == NULL)
            return NULL;
    }
    for (i = 0; i < plan->fields.n; i++) {
        const struct gql_ast_selection *node = plan->fields.items[i].nodes[0];
        struct gql_plan_field *f = &plan->pf[i];

        memset(f, 0, sizeof(*f));
        f->def = gql_field_def(ex->schema, type, node->name.value);
        if (f->def == NULL)
            continue;
        f->args = gql_argument_values(&ex->arena, f->def->args, f->def->nargs, node->args,
                                      node->off, ex->prep->vars, &f->arg_msg, &f->arg_off);
        if (f->args == NULL && f->arg_msg == NULL)
            return NULL;
        if (f->args != NULL && f->args->count > 0) {
            struct gql_buf ab;

            gql_buf_init(&ab, 1u << 20);
            gql_value_write_json(f->args, &ab);
            f->args_json = gql_arena_strndup(&ex->arena, ab.data != NULL ? ab.data : "", ab.len);
            f->args_json_len = ab.len;
            gql_buf_finish(&ab);
            if (f->args_json == NULL)
                return NULL;
        }
    }
    for (slot = ((size_t)(((uintptr_t)cf * 31u + (uintptr_t)type) >> 4)) & (ex->plans_cap - 1);
         ex->plans[slot] != NULL; slot = (slot + 1) & (ex->plans_cap - 1))
        ;
    ex->plans[slot] = plan;
    ex->nplans++;
    return plan;
}

/* Resolve one field of src into out. */
static void resolve_field(struct gql_exec *ex, const struct gql_type *type,
                          const struct gql_field *def, const struct gql_field_info *info,
                          const struct gql_source *src, struct gql_source *out)
{
    const struct gql_schema *s = ex->schema;

    if (def == &s->typename_field) {
        out->kind = GQL_SOURCE_STRING;
        out->s = type->name;
    } else if (def == &s->schema_field || def == &s->type_field || type->introspection) {
        gql_introspect_resolve(ex, src, type, def, info->args, out);
    } else if (ex->resolver != NULL && ex->resolver->resolve != NULL) {
        ex->resolver->resolve(ex->resolver->user, src, info, out);
    } else {
        gql_resolve_default(NULL, src, info, out);
    }
}

static enum crc execute_fields(struct gql_exec *ex, const struct gql_plan *plan,
                               const struct gql_source *src, const struct gql_path *path,
                               uint64_t h, const struct gql_value *fetch, const char *origin,
                               unsigned depth)
{
    const struct gql_type *type = plan->type;
    size_t start = ex->out->len;
    size_t i;
    bool first = true;

    gql_buf_puts(ex->out, "{");
    for (i = 0; i < plan->fields.n; i++) {
        const struct gql_cfield *cf = &plan->fields.items[i];
        const struct gql_plan_field *pf = &plan->pf[i];
        const struct gql_ast_selection *node = cf->nodes[0];
        const struct gql_field *def = pf->def;
        struct gql_path fp = {path, cf->key, node->name.value, 0};
        struct gql_field_info info;
        struct gql_source out;
        struct frame fr;
        size_t mark;
        enum crc rc;
        uint64_t fh;

        if (def == NULL)
            continue; /* graphql-js leaves unknown fields out */
        if (!first)
            gql_buf_puts(ex->out, ",");
        first = false;
        gql_buf_json_string(ex->out, cf->key, strlen(cf->key));
        gql_buf_puts(ex->out, ":");
        mark = ex->out->len;
        memset(&info, 0, sizeof(info));
        memset(&out, 0, sizeof(out));
        fr.info = &info;
        fr.cf = cf;
        fr.fetch = fetch;
        fr.origin = origin;
        info.parent_type = type;
        info.field = def;
        info.field_name = def->name;
        info.path = &fp;
        info.exec = ex;
        fh = gql_hash_mix(h, def->name, strlen(def->name));
        if (pf->args == NULL) {
            uint32_t off = pf->arg_off;

            add_error(ex, pf->arg_msg, &off, 1, &fp, NULL);
            rc = C_ERR;
        } else {
            if (pf->args_json != NULL)
                fh = gql_hash_mix(fh, pf->args_json, pf->args_json_len);
            info.args = pf->args;
            fr.args = pf->args;
            resolve_field(ex, type, def, &info, src, &out);
            if (out.origin == NULL)
                out.origin = origin;
            fr.origin = out.origin;
            rc = complete(ex, def->type, &fr, &out, &fp, fh, depth);
        }
        if (rc == C_ERR) {
            if (def->type->kind == GQL_REF_NON_NULL || ex->oom) {
                ex->out->len = start;
                return C_ERR;
            }
            ex->out->len = mark;
            gql_buf_puts(ex->out, "null");
        }
    }
    gql_buf_puts(ex->out, "}");
    return C_OK;
}

enum gql_status gql_execute(const struct gql_prepared *prepared,
                            const struct gql_exec_options *options, struct gql_buf *out)
{
    static const struct gql_exec_options defaults;
    struct gql_exec ex;
    struct gql_buf data;
    const struct gql_type *root;
    enum gql_status rc = GQL_OK;
    bool have_data = true;

    if (prepared == NULL || out == NULL)
        return GQL_BAD_ARGUMENT;
    memset(&ex, 0, sizeof(ex));
    ex.prep = prepared;
    ex.schema = prepared->schema;
    ex.opts = options != NULL ? options : &defaults;
    ex.resolver = ex.opts->resolver;
    gql_arena_init(&ex.arena, 0);
    gql_errors_init(&ex.errs, &ex.arena, prepared->doc->text, prepared->doc->len);
    gql_buf_init(&data, out->max);
    ex.out = &data;
    root = gql_schema_root(ex.schema, prepared->op->op);
    if (root == NULL) {
        char message[96];

        snprintf(message, sizeof(message), "Schema is not configured to execute %s operation.",
                 gql_op_name(prepared->op->op));
        add_error(&ex, message, &prepared->op->off, 1, NULL, NULL);
        have_data = false;
    } else {
        const struct gql_plan *plan = plan_for(&ex, NULL, root, prepared->op->sel);

        if (plan == NULL) {
            ex.oom = true;
            have_data = false;
        } else if (plan->msg != NULL) {
            add_error(&ex, plan->msg, &plan->off, 1, NULL, NULL);
            have_data = false;
        } else {
            struct gql_source src = ex.opts->root;
            uint64_t h =
                gql_hash_mix(1469598103934665603ull, &ex.opts->seed, sizeof(ex.opts->seed));

            if (execute_fields(&ex, plan, &src, NULL, h, NULL, src.origin, 0) != C_OK)
                have_data = false;
        }
    }
    if (ex.oom || ex.errs.no_memory) {
        rc = GQL_NO_MEMORY;
    } else if (data.failed) {
        rc = GQL_TOO_BIG;
    } else {
        gql_buf_puts(out, "{");
        if (ex.errs.count > 0) {
            gql_buf_puts(out, "\"errors\":");
            gql_errors_write(&ex.errs, out);
            gql_buf_puts(out, ",");
        }
        gql_buf_puts(out, "\"data\":");
        if (have_data)
            gql_buf_append(out, data.data, data.len);
        else
            gql_buf_puts(out, "null");
        gql_buf_puts(out, "}");
        if (out->failed)
            rc = GQL_TOO_BIG;
    }
    gql_buf_finish(&data);
    gql_arena_finish(&ex.arena);
    return rc;
}

/* ---- root fields --------------------------------------------------------- */

static bool add_root(struct gql_prepared *p, const char *path, const struct gql_value *args,
                     size_t *cap)
{
    if (p->nroots == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        const char **paths = gql_arena_alloc(&p->arena, ncap * sizeof(*paths));
        const struct gql_value **vals = gql_arena_alloc(&p->arena, ncap * sizeof(*vals));

        if (paths == NULL || vals == NULL)
            return false;
        if (p->nroots > 0) {
            memcpy(paths, p->root_paths, p->nroots * sizeof(*paths));
            memcpy(vals, p->root_args, p->nroots * sizeof(*vals));
        }
        p->root_paths = paths;
        p->root_args = vals;
        *cap = ncap;
    }
    p->root_paths[p->nroots] = gql_arena_strdup(&p->arena, path);
    p->root_args[p->nroots] = args;
    if (p->root_paths[p->nroots] == NULL)
        return false;
    p->nroots++;
    return true;
}

static const struct gql_value *field_args(struct gql_prepared *p, const struct gql_field *def,
                                          const struct gql_ast_selection *node)
{
    const char *msg;
    uint32_t off;
    const struct gql_value *v = gql_argument_values(&p->arena, def->args, def->nargs, node->args,
                                                    node->off, p->vars, &msg, &off);

    return v != NULL ? v : gql_value_new(&p->arena, GQL_VALUE_OBJECT, 0);
}

static void compute_roots(struct gql_prepared *p)
{
    const struct gql_type *root = gql_schema_root(p->schema, p->op->op);
    struct gql_cfields fields;
    const char *msg;
    uint32_t off;
    size_t cap = 0;
    size_t i;

    p->roots_done = true;
    if (root == NULL)
        return;
    memset(&fields, 0, sizeof(fields));
    if (!gql_collect_fields(&p->arena, p->schema, p->doc, p->vars, root, p->op->sel, &fields, true,
                            &msg, &off))
        return;
    for (i = 0; i < fields.n; i++) {
        const struct gql_ast_selection *node = fields.items[i].nodes[0];
        const struct gql_field *def = gql_field_def(p->schema, root, node->name.value);
        const struct gql_type *t;
        struct gql_cfields sub;
        size_t j;
        size_t k;
        bool any = false;

        if (def == NULL)
            continue;
        t = gql_ref_named(def->type);
        if (def->nargs > 0 || !gql_is_composite(t) || t->kind != GQL_OBJECT ||
            node->name.value[0] == '_') {
            add_root(p, def->name, field_args(p, def, node), &cap);
            continue;
        }
        memset(&sub, 0, sizeof(sub));
        for (k = 0; k < fields.items[i].n; k++)
            if (fields.items[i].nodes[k]->sel != NULL)
                gql_collect_fields(&p->arena, p->schema, p->doc, p->vars, t,
                                   fields.items[i].nodes[k]->sel, &sub, true, &msg, &off);
        /* An object of plain leaves (rateLimitData) is fetched whole: its path is its own. */
        for (j = 0; j < sub.n && !any; j++) {
            const struct gql_field *sdef =
                gql_field_def(p->schema, t, sub.items[j].nodes[0]->name.value);

            any = sdef != NULL && sdef != &p->schema->typename_field &&
                  (sdef->nargs > 0 || !gql_is_leaf(gql_ref_named(sdef->type)));
        }
        if (!any) {
            add_root(p, def->name, field_args(p, def, node), &cap);
            continue;
        }
        any = false;
        for (j = 0; j < sub.n; j++) {
            const struct gql_ast_selection *sn = sub.items[j].nodes[0];
            const struct gql_field *sdef = gql_field_def(p->schema, t, sn->name.value);
            char path[256];

            if (sdef == NULL || sdef == &p->schema->typename_field)
                continue;
            snprintf(path, sizeof(path), "%s.%s", def->name, sdef->name);
            add_root(p, path, field_args(p, sdef, sn), &cap);
            any = true;
        }
        if (!any)
            add_root(p, def->name, field_args(p, def, node), &cap);
    }
}

size_t gql_prepared_root_field_count(const struct gql_prepared *prepared)
{
    struct gql_prepared *p = (struct gql_prepared *)prepared;

    if (p == NULL)
        return 0;
    if (!p->roots_done)
        compute_roots(p);
    return p->nroots;
}

const char *gql_prepared_root_field_path(const struct gql_prepared *prepared, size_t i)
{
    return i < gql_prepared_root_field_count(prepared) ? prepared->root_paths[i] : NULL;
}

const struct gql_value *gql_prepared_root_field_args(const struct gql_prepared *prepared, size_t i)
{
    return i < gql_prepared_root_field_count(prepared) ? prepared->root_args[i] : NULL;
}
