/*
 * The fixture index (world_fixtures_private.h): one walk over every fixture's data along
 * the schema's types, collecting each keyed object and the relations it states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world_fixtures_private.h"
#include "world_private.h"

/* Objects kept at most: the fixtures are bounded files, this bounds the rest. */
#define MAX_ITEMS 1000000u
/* Characters and guilds whose relations are kept (each is found by a linear search). */
#define MAX_RELATED 20000u

struct obj_ref {
    int type;
    int64_t id;
    const char *code;
    size_t order;
    const cJSON *obj;
};

struct ent {
    int type;
    int64_t id;
    const char *code;
    const cJSON **objs;
    size_t n;
};

struct name_ent {
    int type;
    const char *name;
    int server;
    int64_t id;
};

struct tag_ent {
    int64_t tag, guild;
};

struct esomock_world_index {
    struct ent *ents;
    size_t nents;
    int64_t *ids; /* ents[i].id, for the spans of esomock__windex_ids */
    const cJSON **objs;
    struct name_ent *names;
    size_t nnames;
    struct esomock_wchar_rel *chars;
    size_t nchars;
    struct esomock_wguild_rel *guilds;
    size_t nguilds;
    struct tag_ent *tags;
    size_t ntags;
};

/* A growable array of @p size-byte items with a hard maximum. */
struct vec {
    void *items;
    size_t n, cap, size;
    bool oom;
};

static void *vec_push(struct vec *v)
{
    if (v->oom)
        return NULL;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        if (cap > MAX_ITEMS) {
            v->oom = true;
            return NULL;
        }
        void *items = realloc(v->items, cap * v->size);
        if (items == NULL) {
            v->oom = true;
            return NULL;
        }
        v->items = items;
        v->cap = cap;
    }
    void *at = (char *)v->items + v->n * v->size;
    memset(at, 0, v->size);
    v->n++;
    return at;
}

struct build {
    const struct esomock_world *w;
    struct vec refs;   /* struct obj_ref */
    struct vec names;  /* struct name_ent */
    struct vec chars;  /* struct esomock_wchar_rel */
    struct vec guilds; /* struct esomock_wguild_rel */
    struct vec tags;   /* struct tag_ent */
};

bool esomock__windex_key(const cJSON *object, int64_t *id, const char **code)
{
    if (!cJSON_IsObject(object))
        return false;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(object, "code");
    if (cJSON_IsString(c)) {
        *code = c->valuestring;
        *id = 0;
        return true;
    }
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(object, "id");
    if (cJSON_IsNumber(i)) {
        *id = (int64_t)i->valuedouble;
        *code = NULL;
        return true;
    }
    return false;
}

static enum esomock_wobj kind_of(const struct esomock_world *w, const struct gql_type *t)
{
    for (int k = 1; k < WO_COUNT; k++) {
        if (w->types[k] == t)
            return (enum esomock_wobj)k;
    }
    return WO_NONE;
}

static bool keyed(enum esomock_wobj k)
{
    switch (k) {
    case WO_CHARACTER:
    case WO_GUILD:
    case WO_GUILD_TAG:
    case WO_REPORT:
    case WO_USER:
    case WO_ABILITY:
    case WO_ITEM:
    case WO_ITEM_SET:
    case WO_NPC:
    case WO_MAP:
    case WO_CLASS:
    case WO_FACTION:
    case WO_ZONE:
    case WO_ENCOUNTER:
    case WO_EXPANSION:
    case WO_REGION:
    case WO_SUBREGION:
    case WO_SERVER:
        return true;
    default:
        return false;
    }
}

static struct esomock_wchar_rel *char_rel(struct build *b, int64_t id)
{
    struct esomock_wchar_rel *c = b->chars.items;
    for (size_t i = 0; i < b->chars.n; i++) {
        if (c[i].id == id)
            return &c[i];
    }
    if (b->chars.n >= MAX_RELATED)
        return NULL;
    struct esomock_wchar_rel *r = vec_push(&b->chars);
    if (r != NULL)
        r->id = id;
    return r;
}

static struct esomock_wguild_rel *guild_rel(struct build *b, int64_t id)
{
    struct esomock_wguild_rel *g = b->guilds.items;
    for (size_t i = 0; i < b->guilds.n; i++) {
        if (g[i].id == id)
            return &g[i];
    }
    if (b->guilds.n >= MAX_RELATED)
        return NULL;
    struct esomock_wguild_rel *r = vec_push(&b->guilds);
    if (r != NULL)
        r->id = id;
    return r;
}

static void add_guild_to(struct esomock_wchar_rel *c, int64_t guild)
{
    for (size_t j = 0; j < c->guild_count; j++) {
        if (c->guilds[j] == guild)
            return;
    }
    if (c->guild_count < ESOMOCK_WINDEX_MAX_REL)
        c->guilds[c->guild_count++] = guild;
}

static int server_of(const cJSON *obj)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, "server");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "id");
    return cJSON_IsNumber(id) ? (int)id->valuedouble : 0;
}

/* The relations an object states. */
static void relate(struct build *b, enum esomock_wobj kind, int64_t id, const cJSON *obj)
{
    if (kind == WO_CHARACTER) {
        struct esomock_wchar_rel *c = char_rel(b, id);
        if (c == NULL)
            return;
        if (c->server == 0)
            c->server = server_of(obj);
        const cJSON *guilds = cJSON_GetObjectItemCaseSensitive(obj, "guilds");
        const cJSON *g;
        cJSON_ArrayForEach(g, guilds)
        {
            const cJSON *gid = cJSON_GetObjectItemCaseSensitive(g, "id");
            if (cJSON_IsNumber(gid))
                add_guild_to(c, (int64_t)gid->valuedouble);
        }
    } else if (kind == WO_GUILD) {
        struct esomock_wguild_rel *g = guild_rel(b, id);
        if (g == NULL)
            return;
        if (g->server == 0)
            g->server = server_of(obj);
        const cJSON *tags = cJSON_GetObjectItemCaseSensitive(obj, "tags");
        if (cJSON_IsArray(tags) && !g->has_tags) {
            g->has_tags = true;
            const cJSON *t;
            cJSON_ArrayForEach(t, tags)
            {
                const cJSON *tid = cJSON_GetObjectItemCaseSensitive(t, "id");
                if (!cJSON_IsNumber(tid) || g->tag_count >= ESOMOCK_WINDEX_MAX_REL)
                    continue;
                g->tags[g->tag_count++] = (int64_t)tid->valuedouble;
                struct tag_ent *te = vec_push(&b->tags);
                if (te != NULL) {
                    te->tag = (int64_t)tid->valuedouble;
                    te->guild = id;
                }
            }
        }
        const cJSON *members = cJSON_GetObjectItemCaseSensitive(obj, "members");
        const cJSON *rows = cJSON_GetObjectItemCaseSensitive(members, "data");
        if (cJSON_IsArray(rows) && g->members == NULL) {
            g->members = members;
            const cJSON *r;
            cJSON_ArrayForEach(r, rows)
            {
                const cJSON *cid = cJSON_GetObjectItemCaseSensitive(r, "id");
                if (!cJSON_IsNumber(cid))
                    continue;
                struct esomock_wchar_rel *c = char_rel(b, (int64_t)cid->valuedouble);
                if (c != NULL)
                    add_guild_to(c, id);
            }
        }
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
    if ((kind == WO_CHARACTER || kind == WO_GUILD) && cJSON_IsString(name)) {
        struct name_ent *ne = vec_push(&b->names);
        if (ne != NULL) {
            ne->type = kind;
            ne->name = name->valuestring;
            ne->server = server_of(obj);
            ne->id = id;
        }
    }
}

/* Walk @p json as a value of type @p t (lists item by item). */
static void walk(struct build *b, const cJSON *json, const struct gql_type *t, unsigned depth)
{
    if (json == NULL || t == NULL || depth > GQL_MAX_DEPTH)
        return;
    if (cJSON_IsArray(json)) {
        const cJSON *item;
        cJSON_ArrayForEach(item, json)
        {
            walk(b, item, t, depth + 1);
        }
        return;
    }
    if (!cJSON_IsObject(json) || gql_type_kind(t) != GQL_OBJECT)
        return;
    enum esomock_wobj kind = kind_of(b->w, t);
    int64_t id = 0;
    const char *code = NULL;
    if (keyed(kind) && esomock__windex_key(json, &id, &code)) {
        struct obj_ref *r = vec_push(&b->refs);
        if (r != NULL) {
            r->type = kind;
            r->id = id;
            r->code = code;
            r->order = b->refs.n;
            r->obj = json;
        }
        relate(b, kind, id, json);
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, json)
    {
        const struct gql_field *f = m->string != NULL ? gql_type_field(t, m->string) : NULL;
        if (f != NULL)
            walk(b, m, gql_type_ref_named(gql_field_type(f)), depth + 1);
    }
}

/* The type of field path "guildData.guild" from the query root. */
static const struct gql_type *path_type(const struct gql_schema *schema, const char *path)
{
    const struct gql_type *t = gql_schema_query_type(schema);
    char name[ESOMOCK_FIELD_PATH_MAX + 1];
    const char *p = path;
    while (t != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
        if (len >= sizeof(name))
            return NULL;
        memcpy(name, p, len);
        name[len] = '\0';
        const struct gql_field *f = gql_type_field(t, name);
        t = f != NULL ? gql_type_ref_named(gql_field_type(f)) : NULL;
        p += len + (dot != NULL);
    }
    return t;
}

static int cmp_ref(const void *a, const void *b)
{
    const struct obj_ref *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    int c = strcmp(x->code != NULL ? x->code : "", y->code != NULL ? y->code : "");
    if (c != 0)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_char(const void *a, const void *b)
{
    int64_t x = ((const struct esomock_wchar_rel *)a)->id;
    int64_t y = ((const struct esomock_wchar_rel *)b)->id;
    return x < y ? -1 : x > y;
}

static int cmp_guild(const void *a, const void *b)
{
    int64_t x = ((const struct esomock_wguild_rel *)a)->id;
    int64_t y = ((const struct esomock_wguild_rel *)b)->id;
    return x < y ? -1 : x > y;
}

static int cmp_tag(const void *a, const void *b)
{
    int64_t x = ((const struct tag_ent *)a)->tag, y = ((const struct tag_ent *)b)->tag;
    return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
    const struct name_ent *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Group the sorted references into entities; the same object twice counts once. */
static bool group(struct esomock_world_index *ix, struct obj_ref *refs, size_t n)
{
    ix->objs = calloc(n > 0 ? n : 1, sizeof(*ix->objs));
    ix->ents = calloc(n > 0 ? n : 1, sizeof(*ix->ents));
    if (ix->objs == NULL || ix->ents == NULL)
        return false;
    size_t nobjs = 0;
    for (size_t i = 0; i < n; i++) {
        struct ent *e = ix->nents > 0 ? &ix->ents[ix->nents - 1] : NULL;
        bool same =
            e != NULL && e->type == refs[i].type && e->id == refs[i].id &&
            strcmp(e->code != NULL ? e->code : "", refs[i].code != NULL ? refs[i].code : "") == 0;
        if (!same) {
            e = &ix->ents[ix->nents++];
            e->type = refs[i].type;
            e->id = refs[i].id;
            e->code = refs[i].code;
            e->objs = &ix->objs[nobjs];
            e->n = 0;
        }
        bool dup = false;
        for (size_t k = 0; k < e->n && !dup; k++)
            dup = e->objs[k] == refs[i].obj;
        if (!dup) {
            ix->objs[nobjs++] = refs[i].obj;
            e->n++;
        }
    }
    return true;
}

struct esomock_world_index *esomock__windex_build(const struct esomock_world *w, char *err)
{
    struct build b = {
        .w = w,
        .refs = {.size = sizeof(struct obj_ref)},
        .names = {.size = sizeof(struct name_ent)},
        .chars = {.size = sizeof(struct esomock_wchar_rel)},
        .guilds = {.size = sizeof(struct esomock_wguild_rel)},
        .tags = {.size = sizeof(struct tag_ent)},
    };
    struct esomock_world_index *ix = calloc(1, sizeof(*ix));
    const struct esomock_fixture_set *fx = w->fixtures;
    if (ix == NULL)
        goto oom;
    /* The lookups' answers first (the richest data of an entity), then every fixture. */
    for (size_t i = 0; fx != NULL && i < fx->entry_count; i++)
        walk(&b, fx->entries[i].data, path_type(w->schema, fx->entries[i].path), 0);
    for (size_t i = 0; fx != NULL && i < fx->count; i++) {
        if (fx->items[i].data != NULL)
            walk(&b, fx->items[i].data, gql_schema_query_type(w->schema), 0);
    }
    if (b.refs.oom || b.names.oom || b.chars.oom || b.guilds.oom || b.tags.oom)
        goto oom;
    if (b.refs.n > 0)
        qsort(b.refs.items, b.refs.n, sizeof(struct obj_ref), cmp_ref);
    if (!group(ix, b.refs.items, b.refs.n))
        goto oom;
    ix->ids = calloc(ix->nents > 0 ? ix->nents : 1, sizeof(*ix->ids));
    if (ix->ids == NULL)
        goto oom;
    for (size_t i = 0; i < ix->nents; i++)
        ix->ids[i] = ix->ents[i].id;
    free(b.refs.items);
    ix->names = b.names.items;
    ix->nnames = b.names.n;
    ix->chars = b.chars.items;
    ix->nchars = b.chars.n;
    ix->guilds = b.guilds.items;
    ix->nguilds = b.guilds.n;
    ix->tags = b.tags.items;
    ix->ntags = b.tags.n;
    if (ix->nnames > 1)
        qsort(ix->names, ix->nnames, sizeof(*ix->names), cmp_name);
    if (ix->nchars > 1)
        qsort(ix->chars, ix->nchars, sizeof(*ix->chars), cmp_char);
    if (ix->nguilds > 1)
        qsort(ix->guilds, ix->nguilds, sizeof(*ix->guilds), cmp_guild);
    if (ix->ntags > 1)
        qsort(ix->tags, ix->ntags, sizeof(*ix->tags), cmp_tag);
    return ix;
oom:
    free(b.refs.items);
    free(b.names.items);
    free(b.chars.items);
    free(b.guilds.items);
    free(b.tags.items);
    esomock__windex_free(ix);
    snprintf(err, ESOMOCK_ERROR_SIZE, "out of memory while indexing the fixtures for the world");
    return NULL;
}

void esomock__windex_free(struct esomock_world_index *ix)
{
    if (ix == NULL)
        return;
    free(ix->ents);
    free(ix->ids);
    free(ix->objs);
    free(ix->names);
    free(ix->chars);
    free(ix->guilds);
    free(ix->tags);
    free(ix);
}

const cJSON *const *esomock__windex_objects(const struct esomock_world_index *ix, int type,
                                            int64_t id, const char *code, size_t *count)
{
    *count = 0;
    if (ix == NULL)
        return NULL;
    size_t lo = 0, hi = ix->nents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ent *e = &ix->ents[mid];
        int c = type != e->type ? (type < e->type ? -1 : 1)
                : id != e->id   ? (id < e->id ? -1 : 1)
                                : strcmp(code != NULL ? code : "", e->code != NULL ? e->code : "");
        if (c == 0) {
            *count = e->n;
            return e->objs;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* The span of @p type's entities in ix->ents: its first index, *count of them. */
static size_t type_span(const struct esomock_world_index *ix, int type, size_t *count)
{
    /* The entities are sorted by type first: the type's span, found by two searches. */
    size_t lo = 0, hi = ix->nents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->ents[mid].type < type)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t first = lo;
    hi = ix->nents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->ents[mid].type <= type)
            lo = mid + 1;
        else
            hi = mid;
    }
    *count = lo - first;
    return first;
}

const int64_t *esomock__windex_ids(const struct esomock_world_index *ix, int type, size_t *count)
{
    *count = 0;
    if (ix == NULL)
        return NULL;
    return &ix->ids[type_span(ix, type, count)];
}

const char *esomock__windex_code(const struct esomock_world_index *ix, int type, size_t i)
{
    size_t count = 0;
    if (ix == NULL)
        return NULL;
    size_t first = type_span(ix, type, &count);
    return i < count ? ix->ents[first + i].code : NULL;
}

int64_t esomock__windex_by_name(const struct esomock_world_index *ix, int type, const char *name,
                                int server)
{
    if (ix == NULL || name == NULL)
        return 0;
    for (size_t i = 0; i < ix->nnames; i++) {
        const struct name_ent *n = &ix->names[i];
        if (n->type == type && strcmp(n->name, name) == 0 &&
            (server == 0 || n->server == 0 || n->server == server))
            return n->id;
    }
    return 0;
}

const struct esomock_wchar_rel *esomock__windex_character(const struct esomock_world_index *ix,
                                                          int64_t id)
{
    struct esomock_wchar_rel key = {.id = id};
    return ix == NULL || ix->nchars == 0
               ? NULL
               : bsearch(&key, ix->chars, ix->nchars, sizeof(key), cmp_char);
}

const struct esomock_wguild_rel *esomock__windex_guild(const struct esomock_world_index *ix,
                                                       int64_t id)
{
    struct esomock_wguild_rel key = {.id = id};
    return ix == NULL || ix->nguilds == 0
               ? NULL
               : bsearch(&key, ix->guilds, ix->nguilds, sizeof(key), cmp_guild);
}

int64_t esomock__windex_tag_guild(const struct esomock_world_index *ix, int64_t tag)
{
    struct tag_ent key = {.tag = tag};
    const struct tag_ent *t = ix == NULL || ix->ntags == 0
                                  ? NULL
                                  : bsearch(&key, ix->tags, ix->ntags, sizeof(key), cmp_tag);
    return t != NULL ? t->guild : 0;
}

const struct esomock_wchar_rel *esomock__windex_characters(const struct esomock_world_index *ix,
                                                           size_t *count)
{
    *count = ix != NULL ? ix->nchars : 0;
    return ix != NULL ? ix->chars : NULL;
}

const struct esomock_wguild_rel *esomock__windex_guilds(const struct esomock_world_index *ix,
                                                        size_t *count)
{
    *count = ix != NULL ? ix->nguilds : 0;
    return ix != NULL ? ix->guilds : NULL;
}
