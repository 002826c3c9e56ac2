/*
 * The fixture resolver (resolver_private.h): walks the document's fields over fixture
 * data, choosing a fixture at each field the document fetches.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "resolver_private.h"

/* What the fixture resolver's own handles stand for. */
enum node_kind {
    NODE_ROOT,      /* the query root */
    NODE_NAMESPACE, /* a root field that groups others (guildData) */
    NODE_RATE,      /* rateLimitData: the live points model */
};

struct node {
    struct esomock_handle head; /* owner NULL */
    enum node_kind kind;
    const char *name;      /* NODE_NAMESPACE: the root field's name */
    const cJSON *envelope; /* the envelope's data at this node, or NULL */
    const cJSON *entry;    /* a fixture keyed by the namespace itself, or NULL */
    const char *entry_origin;
};

static const struct node rate_node = {.kind = NODE_RATE};

/* Arguments the request gives a value (not null). */
static size_t given(const struct gql_value *args)
{
    size_t n = 0;
    for (size_t i = 0; i < gql_value_count(args); i++)
        n += gql_value_kind(gql_value_at(args, i)) != GQL_VALUE_NULL;
    return n;
}

/* True when the arguments of @p args that @p entry's key leaves out are limit and page only. */
static bool only_paging_beyond(const cJSON *keyed, const struct gql_value *args)
{
    for (size_t i = 0; i < gql_value_count(args); i++) {
        const char *key = gql_value_key_at(args, i);
        if (gql_value_kind(gql_value_at(args, i)) == GQL_VALUE_NULL ||
            cJSON_GetObjectItemCaseSensitive(keyed, key) != NULL)
            continue;
        if (strcmp(key, "limit") != 0 && strcmp(key, "page") != 0)
            return false;
    }
    return true;
}

const struct esomock_fixture *esomock__answer_envelope(const struct esomock_fixture_set *fixtures,
                                                       const struct gql_prepared *prepared,
                                                       const char *operation,
                                                       const cJSON *variables, bool exact)
{
    if (operation == NULL || operation[0] == '\0')
        return NULL;
    const struct esomock_fixture *fx = esomock__fixtures_match(fixtures, operation, variables);
    if (fx == NULL || fx->data == NULL || fx->field_count == 0)
        return fx;
    size_t n = gql_prepared_root_field_count(prepared);
    for (size_t i = 0; i < n; i++) {
        const char *path = gql_prepared_root_field_path(prepared, i);
        const struct gql_value *args = gql_prepared_root_field_args(prepared, i);
        if (!esomock__fixture_has_field(fx, path))
            continue;
        if (!esomock__fixture_answers_field(fx, path, args))
            return NULL;
        size_t keyed = fx->arguments != NULL ? (size_t)cJSON_GetArraySize(fx->arguments) : 0;
        if (exact && keyed != given(args))
            return NULL;
    }
    return fx;
}

/* A fetched field no fixture answers: the data source, else nothing (generated). */
static void not_found(struct esomock_answer *a, const char *path, const struct gql_field_info *info,
                      const cJSON *window, struct gql_source *out)
{
    if (a->world != NULL && a->world->lookup != NULL) {
        a->world->lookup(a->world->resolver.user, path, info, window, out);
        if (out->kind != GQL_SOURCE_NOT_PROVIDED)
            return;
    }
    out->kind = GQL_SOURCE_NOT_PROVIDED;
    if (a->strict) {
        /* Only strict mode writes this message, so only it pays for the text. */
        struct gql_buf b;
        gql_buf_init(&b, 4096);
        gql_buf_puts(&b, "no fixture (none answers ");
        gql_buf_puts(&b, path);
        if (info->args != NULL && gql_value_count(info->args) > 0) {
            gql_buf_puts(&b, " with ");
            gql_value_write_json(info->args, &b);
        }
        gql_buf_puts(&b, ")");
        out->origin = gql_exec_strdup(info->exec, b.data != NULL ? b.data : "no fixture");
        gql_buf_finish(&b);
    }
}

static void from_json(const cJSON *json, const char *origin, struct gql_source *out)
{
    out->kind = GQL_SOURCE_JSON;
    out->json = json;
    out->origin = origin;
}

/* A field the document fetches: fixtures first, then whatever is behind them. */
static void fetch(struct esomock_answer *a, const struct node *parent,
                  const struct gql_field_info *info, struct gql_source *out)
{
    char path[ESOMOCK_FIELD_PATH_MAX + 1];
    const char *name = info->field_name;
    if (parent->kind == NODE_NAMESPACE) {
        snprintf(path, sizeof(path), "%s.%s", parent->name, name);
        name = path;
    }
    if (parent->envelope != NULL) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent->envelope, info->field_name);
        if (v != NULL) {
            from_json(v, a->envelope->origin, out);
            return;
        }
    }
    const struct esomock_fixture_entry *e = esomock__fixtures_lookup(a->fixtures, name, info->args);
    const cJSON *window = NULL;
    if (e != NULL && a->world != NULL && e->arg_count != given(info->args)) {
        /* Fixtures answer exactly their key; a page of theirs leads the source's list. */
        if (only_paging_beyond(e->arguments, info->args))
            window = e->data;
        e = NULL;
    }
    if (e != NULL) {
        from_json(e->data, e->origin, out);
        return;
    }
    if (parent->entry != NULL && (a->world == NULL || given(info->args) == 0)) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent->entry, info->field_name);
        if (v != NULL) {
            from_json(v, parent->entry_origin, out);
            return;
        }
    }
    not_found(a, name, info, window, out);
}

static bool is_namespace(const struct gql_field *field)
{
    const struct gql_type *t = gql_type_ref_named(gql_field_type(field));
    return gql_field_arg_count(field) == 0 && gql_type_kind(t) == GQL_OBJECT &&
           !gql_type_ref_is_list(gql_field_type(field)) &&
           !(gql_type_ref_is_non_null(gql_field_type(field)) &&
             gql_type_ref_is_list(gql_type_ref_of(gql_field_type(field))));
}

static void resolve_root(struct esomock_answer *a, const struct gql_field_info *info,
                         struct gql_source *out)
{
    if (strcmp(info->field_name, "rateLimitData") == 0) {
        a->live = true;
        out->kind = GQL_SOURCE_HANDLE;
        out->handle = (void *)&rate_node;
        return;
    }
    const cJSON *env = a->envelope != NULL && a->envelope->data != NULL
                           ? cJSON_GetObjectItemCaseSensitive(a->envelope->data, info->field_name)
                           : NULL;
    if (!is_namespace(info->field)) {
        struct node root = {.kind = NODE_ROOT,
                            .envelope = a->envelope != NULL ? a->envelope->data : NULL};
        fetch(a, &root, info, out);
        return;
    }
    if (env != NULL && !cJSON_IsObject(env)) {
        from_json(env, a->envelope->origin, out); /* null, or a wrong type the engine reports */
        return;
    }
    struct node *ns = gql_exec_alloc(info->exec, sizeof(*ns));
    if (ns == NULL) {
        out->kind = GQL_SOURCE_ERROR;
        out->s = "Out of memory.";
        return;
    }
    ns->kind = NODE_NAMESPACE;
    ns->name = info->field_name;
    ns->envelope = env;
    const struct esomock_fixture_entry *e =
        esomock__fixtures_lookup(a->fixtures, info->field_name, info->args);
    if (e != NULL && cJSON_IsObject(e->data)) {
        ns->entry = e->data;
        ns->entry_origin = e->origin;
    }
    out->kind = GQL_SOURCE_HANDLE;
    out->handle = ns;
}

/* rateLimitData's fields, from the points model (read once per answer). */
static void resolve_rate(struct esomock_answer *a, const struct gql_field_info *info,
                         struct gql_source *out)
{
    if (!a->have_budget) {
        a->budget = esomock__ratelimit_snapshot(a->ratelimit);
        a->have_budget = true;
    }
    if (strcmp(info->field_name, "limitPerHour") == 0) {
        out->kind = GQL_SOURCE_INT;
        out->i = (int64_t)floor(a->budget.limit_per_hour);
    } else if (strcmp(info->field_name, "pointsSpentThisHour") == 0) {
        out->kind = GQL_SOURCE_FLOAT;
        out->f = a->budget.spent;
    } else if (strcmp(info->field_name, "pointsResetIn") == 0) {
        out->kind = GQL_SOURCE_INT;
        out->i = (int64_t)ceil(a->budget.reset_in_s);
    } else {
        out->kind = GQL_SOURCE_NOT_PROVIDED;
        out->origin = "the points model";
    }
}

static void resolve(void *user, const struct gql_source *parent, const struct gql_field_info *info,
                    struct gql_source *out)
{
    struct esomock_answer *a = user;
    if (parent->kind == GQL_SOURCE_JSON && a->world != NULL && a->world->fixture_field != NULL) {
        a->world->fixture_field(a->world->resolver.user, parent, info, out);
        return;
    }
    if (parent->kind != GQL_SOURCE_HANDLE || parent->handle == NULL) {
        gql_resolve_default(NULL, parent, info, out);
        return;
    }
    const struct esomock_handle *h = parent->handle;
    if (h->owner != NULL) {
        if (h->owner->resolver.resolve != NULL)
            h->owner->resolver.resolve(h->owner->resolver.user, parent, info, out);
        return;
    }
    const struct node *n = parent->handle;
    switch (n->kind) {
    case NODE_ROOT:
        resolve_root(a, info, out);
        return;
    case NODE_NAMESPACE:
        fetch(a, n, info, out);
        return;
    case NODE_RATE:
        resolve_rate(a, info, out);
        return;
    }
}

/* Only a data source makes lists of its own; fixture lists are JSON arrays. */
static void list_item(void *user, const struct gql_source *list, size_t index,
                      const struct gql_field_info *info, struct gql_source *out)
{
    (void)user;
    const struct esomock_handle *h = list->handle;
    if (h != NULL && h->owner != NULL && h->owner->resolver.list_item != NULL)
        h->owner->resolver.list_item(h->owner->resolver.user, list, index, info, out);
    else
        out->kind = GQL_SOURCE_NULL;
}

enum gql_status esomock__answer_execute(struct esomock_answer *answer,
                                        const struct gql_prepared *prepared, struct gql_buf *out)
{
    static const struct node root = {.kind = NODE_ROOT};
    struct gql_resolver resolver = {.resolve = resolve, .list_item = list_item, .user = answer};
    struct gql_exec_options options = {
        .resolver = &resolver,
        .root = {.kind = GQL_SOURCE_HANDLE, .handle = (void *)&root},
        .strict = answer->strict,
    };
    return gql_execute(prepared, &options, out);
}
