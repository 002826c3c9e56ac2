/*
 * --record DIR (record_private.h): the upstream's answer, taken apart by fetched field and put
 * back in the schema's own shape by executing the request's document over it, then written as
 * field + arguments fixtures.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cover_private.h"
#include "error_private.h"
#include "record_private.h"
#include "redact_private.h"

/* A key recorded (or found in the directory at start). */
struct key {
    char *path;
    cJSON *arguments; /* an object, possibly empty */
    size_t arg_count;
    char *name;     /* the file's stem */
    bool mergeable; /* a field fixture of this one key alone: recorded answers merge into it */
};

struct esomock_recorder {
    char *dir;
    const struct gql_schema *schema;
    FILE *log;
    pthread_mutex_t lock; /* guards keys and the files */
    struct key *keys;
    size_t count, cap;
    atomic_uint temp_serial;
};

static void say(struct esomock_recorder *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(struct esomock_recorder *r, const char *fmt, ...)
{
    if (r->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("eso-mock: record: ", r->log);
    vfprintf(r->log, fmt, ap);
    fputc('\n', r->log);
    fflush(r->log);
    va_end(ap);
}

/* ---- names ---------------------------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        h ^= *c;
        h *= 1099511628211ull;
    }
    return h;
}

/* Append @p s to out[*n], keeping [A-Za-z0-9_-]; false when a byte was replaced or cut. */
static bool append_safe(char *out, size_t *n, size_t max, const char *s)
{
    bool exact = true;
    for (const char *c = s; *c != '\0'; c++) {
        if (*n >= max)
            return false;
        bool safe = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || *c == '_' || *c == '-';
        out[(*n)++] = safe ? *c : '_';
        exact = exact && safe;
    }
    return exact;
}

void esomock__record_stem(const char *path, const char *args_json, char *out, size_t size)
{
    char stem[ESOMOCK_RECORD_STEM_MAX + 1];
    size_t n = 0, max = ESOMOCK_RECORD_STEM_MAX;
    bool exact = strlen(path) <= max;
    n = exact ? strlen(path) : max;
    memcpy(stem, path, n);
    cJSON *args = cJSON_Parse(args_json != NULL ? args_json : "{}");
    for (const cJSON *a = args != NULL ? args->child : NULL; a != NULL; a = a->next) {
        char *printed = cJSON_IsString(a) ? NULL : cJSON_PrintUnformatted(a);
        const char *value = cJSON_IsString(a) ? a->valuestring : printed != NULL ? printed : "";
        if (n + 2 > max) {
            exact = false;
        } else {
            stem[n++] = '.';
            exact = append_safe(stem, &n, max, a->string) && exact;
            if (n < max)
                stem[n++] = '-';
            else
                exact = false;
            exact = append_safe(stem, &n, max, value) && exact;
        }
        free(printed);
    }
    cJSON_Delete(args);
    stem[n] = '\0';
    if (exact) {
        snprintf(out, size, "%s", stem);
        return;
    }
    uint64_t h = fnv1a(fnv1a(14695981039346656037ull, path), "\n");
    h = fnv1a(h, args_json != NULL ? args_json : "{}");
    snprintf(out, size, "%s.%08x", stem, (unsigned)(h ^ (h >> 32)));
}

/* ---- the key index -------------------------------------------------------------------------- */

static void key_clear(struct key *k)
{
    free(k->path);
    cJSON_Delete(k->arguments);
    free(k->name);
    memset(k, 0, sizeof(*k));
}

static bool add_key(struct esomock_recorder *r, const char *path, const cJSON *arguments,
                    const char *name, bool mergeable)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct key *grown = realloc(r->keys, cap * sizeof(*grown));
        if (grown == NULL)
            return false;
        r->keys = grown;
        r->cap = cap;
    }
    struct key *k = &r->keys[r->count];
    memset(k, 0, sizeof(*k));
    k->path = strdup(path);
    k->arguments = arguments != NULL ? cJSON_Duplicate(arguments, 1) : cJSON_CreateObject();
    k->name = strdup(name);
    k->arg_count = k->arguments != NULL ? (size_t)cJSON_GetArraySize(k->arguments) : 0;
    k->mergeable = mergeable;
    if (k->path == NULL || k->arguments == NULL || k->name == NULL) {
        key_clear(k);
        return false;
    }
    r->count++;
    return true;
}

static bool same_key(const struct key *k, const char *path, const cJSON *arguments)
{
    return strcmp(k->path, path) == 0 && cJSON_Compare(k->arguments, arguments, 1);
}

/*
 * The fixture loader's tie rule (fixtures.c): two keys of one path with as many arguments,
 * no argument both have differing, could both answer one request.
 */
static bool ties(const char *path_a, const cJSON *args_a, const char *path_b, const cJSON *args_b)
{
    if (strcmp(path_a, path_b) != 0)
        return false;
    int na = args_a != NULL ? cJSON_GetArraySize(args_a) : 0;
    int nb = args_b != NULL ? cJSON_GetArraySize(args_b) : 0;
    if (na != nb)
        return false;
    for (const cJSON *x = args_a != NULL ? args_a->child : NULL; x != NULL; x = x->next) {
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(args_b, x->string);
        if (y != NULL && !cJSON_Compare(x, y, 1))
            return false;
    }
    return true;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

struct esomock_recorder *esomock__recorder_create(const char *dir, const struct gql_schema *schema,
                                                  FILE *log, char *err)
{
    struct stat st;
    if (dir == NULL || dir[0] == '\0' || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        esomock__set_error(err, "--record %s: not a directory", dir != NULL ? dir : "");
        return NULL;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        esomock__set_error(err, "--record %s: cannot write there: %s", dir, strerror(errno));
        return NULL;
    }
    /* What is already there must load: restarted on the directory, eso-mock loads it all. */
    struct esomock_fixture_set *set = NULL;
    char why[ESOMOCK_ERROR_SIZE];
    if (esomock__fixtures_load(dir, &set, why) != ESOMOCK_OK ||
        esomock__fixtures_check_schema(set, schema, why) != ESOMOCK_OK) {
        esomock__set_error(err, "--record %s: the fixtures already there do not load: %s", dir,
                           why);
        esomock__fixtures_free(set);
        return NULL;
    }
    struct esomock_recorder *r = calloc(1, sizeof(*r));
    if (r == NULL)
        goto oom;
    pthread_mutex_init(&r->lock, NULL);
    r->dir = strdup(dir);
    r->schema = schema;
    r->log = log;
    if (r->dir == NULL)
        goto oom;
    for (size_t i = 0; i < set->count; i++) {
        const struct esomock_fixture *fx = &set->items[i];
        bool mergeable = fx->field_count == 1 && fx->operation == NULL;
        for (size_t f = 0; f < fx->field_count; f++) {
            if (!add_key(r, fx->fields[f], fx->arguments, fx->name, mergeable))
                goto oom;
        }
    }
    esomock__fixtures_free(set);
    return r;
oom:
    esomock__set_error(err, "--record %s: out of memory", dir);
    esomock__fixtures_free(set);
    esomock__recorder_destroy(r);
    return NULL;
}

void esomock__recorder_destroy(struct esomock_recorder *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        key_clear(&r->keys[i]);
    free(r->keys);
    free(r->dir);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* ---- the answer in the schema's shape ------------------------------------------------------- */

/* One fetched field to record: its key and, once executed, its value under "holder". */
struct slot {
    const char *path;
    char *args_json;
    cJSON *arguments;
    cJSON *holder; /* {field name: value} */
};

struct unalias {
    struct slot *slots;
    size_t count;
    const struct gql_prepared *prepared;
    bool oom;
};

enum pair_kind { PAIR_ROOT, PAIR_NAMESPACE, PAIR_OBJECT, PAIR_LIST };

/* What the executor walks: the upstream's value and the value being built in its place. */
struct pair {
    enum pair_kind kind;
    const cJSON *up;
    cJSON *shadow;         /* OBJECT: filled by field name; LIST: the array */
    const char *ns;        /* NAMESPACE: its field name */
    const cJSON **up_item; /* LIST: the upstream's items */
    cJSON **item;          /* LIST: the array's items, in order */
};

static char *args_text(const struct gql_value *args)
{
    struct gql_buf b;
    gql_buf_init(&b, 1024 * 1024);
    if (args != NULL)
        gql_value_write_json(args, &b);
    else
        gql_buf_puts(&b, "{}");
    if (b.failed || b.data == NULL) {
        gql_buf_finish(&b);
        return NULL;
    }
    return b.data;
}

static struct slot *find_slot(struct unalias *u, const char *path, const struct gql_value *args)
{
    char *text = NULL;
    for (size_t i = 0; i < u->count; i++) {
        if (strcmp(u->slots[i].path, path) != 0)
            continue;
        if (text == NULL)
            text = args_text(args);
        if (text != NULL && strcmp(text, u->slots[i].args_json) == 0) {
            free(text);
            return &u->slots[i];
        }
    }
    free(text);
    return NULL;
}

static bool is_root_entry(const struct gql_prepared *prepared, const char *name)
{
    size_t n = gql_prepared_root_field_count(prepared);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(gql_prepared_root_field_path(prepared, i), name) == 0)
            return true;
    }
    return false;
}

/* obj[name] = value (replacing an earlier one, keeping its place); false without memory. */
static bool set_member(cJSON *obj, const char *name, cJSON *value)
{
    if (value == NULL)
        return false;
    if (cJSON_GetObjectItemCaseSensitive(obj, name) != NULL)
        return cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    return cJSON_AddItemToObject(obj, name, value);
}

static struct pair *new_pair(struct gql_exec *exec, enum pair_kind kind, const cJSON *up,
                             cJSON *shadow)
{
    struct pair *p = gql_exec_alloc(exec, sizeof(*p));
    if (p != NULL) {
        p->kind = kind;
        p->up = up;
        p->shadow = shadow;
    }
    return p;
}

/*
 * The pair of a list: @p up's items, and @p array's (as many) items that take their place.
 */
static struct pair *list_pair(struct gql_exec *exec, const cJSON *up, cJSON *array)
{
    size_t n = (size_t)cJSON_GetArraySize(up);
    struct pair *p = new_pair(exec, PAIR_LIST, up, array);
    if (p == NULL)
        return NULL;
    p->up_item = gql_exec_alloc(exec, (n ? n : 1) * sizeof(*p->up_item));
    p->item = gql_exec_alloc(exec, (n ? n : 1) * sizeof(*p->item));
    if (p->up_item == NULL || p->item == NULL)
        return NULL;
    size_t i = 0;
    for (const cJSON *c = up->child; c != NULL && i < n; c = c->next)
        p->up_item[i++] = c;
    i = 0;
    for (cJSON *c = array->child; c != NULL && i < n; c = c->next)
        p->item[i++] = c;
    return p;
}

/* The array at obj[name] to fill with @p up's items: the one there when it is as long. */
static cJSON *array_for(cJSON *obj, const char *name, const cJSON *up)
{
    cJSON *have = cJSON_GetObjectItemCaseSensitive(obj, name);
    int n = cJSON_GetArraySize(up);
    if (cJSON_IsArray(have) && cJSON_GetArraySize(have) == n)
        return have;
    cJSON *array = cJSON_CreateArray();
    for (int i = 0; array != NULL && i < n; i++) {
        cJSON *null = cJSON_CreateNull();
        if (null == NULL || !cJSON_AddItemToArray(array, null)) {
            cJSON_Delete(null);
            cJSON_Delete(array);
            return NULL;
        }
    }
    return set_member(obj, name, array) ? array : NULL;
}

/* Put @p up (the upstream's value of a field) at shadow[name] and tell the executor. */
static void place(struct unalias *u, const struct gql_field_info *info, cJSON *shadow,
                  const cJSON *up, struct gql_source *out)
{
    const char *name = info->field_name;
    const struct gql_type *named = gql_type_ref_named(gql_field_type(info->field));
    out->kind = GQL_SOURCE_NULL;
    if (up == NULL)
        return; /* the upstream left it out: nothing to record */
    if (cJSON_IsNull(up) || gql_type_is_leaf(named)) {
        if (!set_member(shadow, name, cJSON_Duplicate(up, 1)))
            u->oom = true;
        out->kind = GQL_SOURCE_JSON;
        out->json = up;
        return;
    }
    if (cJSON_IsObject(up)) {
        cJSON *have = cJSON_GetObjectItemCaseSensitive(shadow, name);
        if (!cJSON_IsObject(have)) {
            have = cJSON_CreateObject();
            if (!set_member(shadow, name, have)) {
                u->oom = true;
                return;
            }
        }
        struct pair *p = new_pair(info->exec, PAIR_OBJECT, up, have);
        if (p == NULL) {
            u->oom = true;
            return;
        }
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(up, "__typename");
        out->kind = GQL_SOURCE_HANDLE;
        out->handle = p;
        out->type_name = cJSON_IsString(type) ? type->valuestring : NULL;
        return;
    }
    if (cJSON_IsArray(up)) {
        cJSON *array = array_for(shadow, name, up);
        struct pair *p = array != NULL ? list_pair(info->exec, up, array) : NULL;
        if (p == NULL) {
            u->oom = true;
            return;
        }
        out->kind = GQL_SOURCE_LIST;
        out->handle = p;
        out->count = (size_t)cJSON_GetArraySize(up);
        return;
    }
    out->kind = GQL_SOURCE_JSON; /* a scalar where an object belongs: not recorded */
    out->json = up;
}

static void unalias_resolve(void *user, const struct gql_source *parent,
                            const struct gql_field_info *info, struct gql_source *out)
{
    struct unalias *u = user;
    out->kind = GQL_SOURCE_NULL;
    if (parent->kind != GQL_SOURCE_HANDLE || parent->handle == NULL)
        return;
    const struct pair *pp = parent->handle;
    const cJSON *up = cJSON_GetObjectItemCaseSensitive(pp->up, info->path->key);
    struct slot *slot = NULL;
    switch (pp->kind) {
    case PAIR_ROOT:
        if (!is_root_entry(u->prepared, info->field_name)) {
            /* A namespace (guildData): its fields are the fetched ones. */
            struct pair *ns =
                cJSON_IsObject(up) ? new_pair(info->exec, PAIR_NAMESPACE, up, NULL) : NULL;
            if (ns != NULL) {
                ns->ns = info->field_name;
                out->kind = GQL_SOURCE_HANDLE;
                out->handle = ns;
            }
            return;
        }
        slot = find_slot(u, info->field_name, info->args);
        break;
    case PAIR_NAMESPACE: {
        char path[ESOMOCK_FIELD_PATH_MAX + 1];
        snprintf(path, sizeof(path), "%s.%s", pp->ns, info->field_name);
        slot = find_slot(u, path, info->args);
        break;
    }
    case PAIR_OBJECT:
        place(u, info, pp->shadow, up, out);
        return;
    case PAIR_LIST:
        return;
    }
    if (slot != NULL) /* else a field not to record (answered here, or left out) */
        place(u, info, slot->holder, up, out);
}

static void unalias_item(void *user, const struct gql_source *list, size_t index,
                         const struct gql_field_info *info, struct gql_source *out)
{
    struct unalias *u = user;
    struct pair *lp = list->handle;
    out->kind = GQL_SOURCE_NULL;
    if (lp == NULL || lp->kind != PAIR_LIST || index >= (size_t)cJSON_GetArraySize(lp->up))
        return;
    const cJSON *up = lp->up_item[index];
    cJSON *have = lp->item[index];
    if (cJSON_IsObject(up) || cJSON_IsArray(up)) {
        bool reuse = cJSON_IsObject(up) ? cJSON_IsObject(have)
                                        : cJSON_IsArray(have) &&
                                              cJSON_GetArraySize(have) == cJSON_GetArraySize(up);
        if (!reuse) {
            cJSON *fresh = cJSON_IsObject(up) ? cJSON_CreateObject() : cJSON_CreateArray();
            for (int i = 0; fresh != NULL && cJSON_IsArray(up) && i < cJSON_GetArraySize(up); i++)
                cJSON_AddItemToArray(fresh, cJSON_CreateNull());
            if (fresh == NULL || !cJSON_ReplaceItemViaPointer(lp->shadow, have, fresh)) {
                cJSON_Delete(fresh);
                u->oom = true;
                return;
            }
            have = lp->item[index] = fresh;
        }
        struct pair *p = cJSON_IsObject(up) ? new_pair(info->exec, PAIR_OBJECT, up, have)
                                            : list_pair(info->exec, up, have);
        if (p == NULL) {
            u->oom = true;
            return;
        }
        out->kind = cJSON_IsObject(up) ? GQL_SOURCE_HANDLE : GQL_SOURCE_LIST;
        out->handle = p;
        out->count = cJSON_IsArray(up) ? (size_t)cJSON_GetArraySize(up) : 0;
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(up, "__typename");
        out->type_name = cJSON_IsString(type) ? type->valuestring : NULL;
        return;
    }
    /* null, or a scalar in a list of objects: kept as it came */
    cJSON *copy = cJSON_Duplicate(up, 1);
    if (copy == NULL || !cJSON_ReplaceItemViaPointer(lp->shadow, have, copy)) {
        cJSON_Delete(copy);
        u->oom = true;
        return;
    }
    lp->item[index] = copy;
    out->kind = GQL_SOURCE_JSON;
    out->json = up;
}

/* ---- merging and writing -------------------------------------------------------------------- */

/* Merge @p add into @p into (objects by key, arrays of one length by item); add wins. */
static bool merge_newer(cJSON *into, const cJSON *add, unsigned depth)
{
    if (depth > 64)
        return false;
    if (cJSON_IsObject(into) && cJSON_IsObject(add)) {
        for (const cJSON *item = add->child; item != NULL; item = item->next) {
            cJSON *have = cJSON_GetObjectItemCaseSensitive(into, item->string);
            bool nested = (cJSON_IsObject(have) && cJSON_IsObject(item)) ||
                          (cJSON_IsArray(have) && cJSON_IsArray(item) &&
                           cJSON_GetArraySize(have) == cJSON_GetArraySize(item));
            if (nested) {
                if (!merge_newer(have, item, depth + 1))
                    return false;
            } else if (!set_member(into, item->string, cJSON_Duplicate(item, 1))) {
                return false;
            }
        }
        return true;
    }
    /* Arrays of one length (the caller checked). */
    cJSON *a = into->child;
    for (const cJSON *b = add->child; a != NULL && b != NULL; b = b->next) {
        cJSON *next = a->next;
        bool nested = (cJSON_IsObject(a) && cJSON_IsObject(b)) ||
                      (cJSON_IsArray(a) && cJSON_IsArray(b) &&
                       cJSON_GetArraySize(a) == cJSON_GetArraySize(b));
        if (nested) {
            if (!merge_newer(a, b, depth + 1))
                return false;
        } else {
            cJSON *copy = cJSON_Duplicate(b, 1);
            if (copy == NULL || !cJSON_ReplaceItemViaPointer(into, a, copy)) {
                cJSON_Delete(copy);
                return false;
            }
        }
        a = next;
    }
    return true;
}

/* cJSON_Print's tabs as two spaces (raw tabs only ever indent: strings escape theirs). */
static char *print_indented(const cJSON *json)
{
    char *text = cJSON_Print(json);
    if (text == NULL)
        return NULL;
    size_t tabs = 0, len = 0;
    for (const char *c = text; *c != '\0'; c++, len++)
        tabs += *c == '\t';
    char *out = malloc(len + tabs + 2);
    if (out != NULL) {
        size_t n = 0;
        for (const char *c = text; *c != '\0'; c++) {
            if (*c != '\t') {
                out[n++] = *c;
            } else if (c > text && c[-1] == ':') {
                out[n++] = ' ';
            } else {
                out[n++] = ' ';
                out[n++] = ' ';
            }
        }
        out[n++] = '\n';
        out[n] = '\0';
    }
    free(text);
    return out;
}

/* Write @p text to dir/stem.json whole: a temporary file, then a rename. */
static bool write_whole(struct esomock_recorder *r, const char *stem, const char *text)
{
    size_t size = strlen(r->dir) + strlen(stem) + 64;
    char *path = malloc(size), *temp = malloc(size);
    bool ok = false;
    int fd = -1;
    if (path == NULL || temp == NULL)
        goto out;
    snprintf(path, size, "%s/%s.json", r->dir, stem);
    /* A dot first: the loader skips it, should eso-mock stop half-way. */
    snprintf(temp, size, "%s/.%s.json.%ld.%u.tmp", r->dir, stem, (long)getpid(),
             atomic_fetch_add(&r->temp_serial, 1));
    fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        goto out;
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out;
        done += (size_t)n;
    }
    ok = close(fd) == 0;
    fd = -1;
    ok = ok && rename(temp, path) == 0;
out:
    if (fd >= 0)
        close(fd);
    if (!ok && temp != NULL)
        unlink(temp);
    if (!ok)
        say(r, "cannot write %s/%s.json: %s", r->dir, stem, strerror(errno));
    free(path);
    free(temp);
    return ok;
}

/* The fixture of one key: {"field", "arguments"?, "description", "response": {"data"}}. */
static cJSON *fixture_json(const char *path, const cJSON *arguments, const char *args_json,
                           cJSON *value)
{
    cJSON *fx = cJSON_CreateObject();
    cJSON *response = cJSON_CreateObject();
    cJSON *data = cJSON_CreateObject();
    char description[ESOMOCK_FIELD_PATH_MAX + 256];
    snprintf(description, sizeof(description), "%s %.200s, recorded from the upstream by eso-mock.",
             path, args_json);
    bool ok = fx != NULL && response != NULL && data != NULL &&
              cJSON_AddStringToObject(fx, "field", path) != NULL;
    if (ok && cJSON_GetArraySize(arguments) > 0)
        ok = cJSON_AddItemToObject(fx, "arguments", cJSON_Duplicate(arguments, 1));
    ok = ok && cJSON_AddStringToObject(fx, "description", description) != NULL;
    ok = ok && cJSON_AddItemToObject(fx, "response", response);
    if (ok)
        response = NULL;
    ok =
        ok && cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(fx, "response"), "data", data);
    if (ok)
        data = NULL;
    /* response.data.<ns>.<field> = value */
    cJSON *at = ok ? cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(fx, "response"), "data")
                   : NULL;
    const char *dot = strchr(path, '.');
    if (ok && dot != NULL) {
        char ns[ESOMOCK_FIELD_PATH_MAX + 1];
        snprintf(ns, sizeof(ns), "%.*s", (int)(dot - path), path);
        cJSON *inner = cJSON_CreateObject();
        ok = cJSON_AddItemToObject(at, ns, inner);
        if (!ok)
            cJSON_Delete(inner);
        at = inner;
    }
    ok = ok && cJSON_AddItemToObject(at, dot != NULL ? dot + 1 : path, value);
    if (!ok) {
        cJSON_Delete(response);
        cJSON_Delete(data);
        cJSON_Delete(fx);
        return NULL;
    }
    return fx;
}

/* The value a recorded fixture file holds for its key, parsed; NULL when it is not ours. */
static cJSON *read_recorded(struct esomock_recorder *r, const char *stem, const char *path,
                            const cJSON *arguments)
{
    char file[4096];
    snprintf(file, sizeof(file), "%s/%s.json", r->dir, stem);
    char *text = NULL;
    if (esomock__read_file(file, ESOMOCK_FIXTURE_MAX_BYTES, &text, NULL, NULL) != ESOMOCK_OK)
        return NULL;
    cJSON *json = cJSON_Parse(text);
    free(text);
    const cJSON *field = cJSON_GetObjectItemCaseSensitive(json, "field");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(json, "arguments");
    cJSON *empty = cJSON_CreateObject();
    bool ours = cJSON_IsString(field) && strcmp(field->valuestring, path) == 0 &&
                cJSON_GetObjectItemCaseSensitive(json, "operation") == NULL &&
                cJSON_Compare(args != NULL ? args : empty, arguments, 1);
    cJSON_Delete(empty);
    if (!ours) {
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

/* The value at response.data.<path> of a fixture document, or NULL. */
static cJSON *value_in(cJSON *fixture, const char *path)
{
    cJSON *at = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(fixture, "response"), "data");
    const char *dot = strchr(path, '.');
    if (dot != NULL) {
        char ns[ESOMOCK_FIELD_PATH_MAX + 1];
        snprintf(ns, sizeof(ns), "%.*s", (int)(dot - path), path);
        at = cJSON_GetObjectItemCaseSensitive(at, ns);
    }
    return cJSON_GetObjectItemCaseSensitive(at, dot != NULL ? dot + 1 : path);
}

/* Write one slot's fixture (the lock is held); true when a file was written. */
static bool store(struct esomock_recorder *r, const struct esomock_fixture_set *fixtures,
                  struct slot *s, esomock_secret_check_fn *secret, void *secret_context)
{
    const char *name = strrchr(s->path, '.') != NULL ? strrchr(s->path, '.') + 1 : s->path;
    cJSON *value = cJSON_DetachItemFromObjectCaseSensitive(s->holder, name);
    if (value == NULL)
        return false;
    struct key *known = NULL;
    for (size_t i = 0; i < r->count && known == NULL; i++)
        known = same_key(&r->keys[i], s->path, s->arguments) ? &r->keys[i] : NULL;
    char stem[ESOMOCK_RECORD_STEM_MAX + 32];
    cJSON *fx = NULL;
    bool written = false;
    if (known != NULL && !known->mergeable) {
        say(r, "%s %s: left out, %s.json already answers it with other keys", s->path, s->args_json,
            known->name);
        goto out;
    }
    if (known == NULL) {
        for (size_t i = 0; i < r->count; i++) {
            if (ties(r->keys[i].path, r->keys[i].arguments, s->path, s->arguments)) {
                say(r,
                    "%s %s: left out, it would tie with %s.json (%s): one request could "
                    "match both, which the fixture loader refuses",
                    s->path, s->args_json, r->keys[i].name, r->keys[i].path);
                goto out;
            }
        }
        for (size_t i = 0; fixtures != NULL && i < fixtures->entry_count; i++) {
            const struct esomock_fixture_entry *e = &fixtures->entries[i];
            if (ties(e->path, e->arguments, s->path, s->arguments)) {
                say(r, "%s %s: left out, it would tie with %s", s->path, s->args_json, e->origin);
                goto out;
            }
        }
        if (r->count >= ESOMOCK_RECORD_MAX_KEYS) {
            say(r, "%s %s: left out, %u keys recorded already", s->path, s->args_json,
                ESOMOCK_RECORD_MAX_KEYS);
            goto out;
        }
    }
    if (known != NULL)
        snprintf(stem, sizeof(stem), "%s", known->name);
    else
        esomock__record_stem(s->path, s->args_json, stem, sizeof(stem));
    /* A file of that name from elsewhere: merged when it holds this key, else not touched. */
    fx = read_recorded(r, stem, s->path, s->arguments);
    if (fx == NULL && known == NULL) {
        char probe[4096];
        snprintf(probe, sizeof(probe), "%s/%s.json", r->dir, stem);
        if (access(probe, F_OK) == 0) {
            size_t n = strlen(stem);
            snprintf(stem + n, sizeof(stem) - n, ".%08x",
                     (unsigned)fnv1a(fnv1a(14695981039346656037ull, s->path), s->args_json));
        }
    }
    cJSON *old = fx != NULL ? value_in(fx, s->path) : NULL;
    bool mergeable_old = old != NULL && ((cJSON_IsObject(old) && cJSON_IsObject(value)) ||
                                         (cJSON_IsArray(old) && cJSON_IsArray(value) &&
                                          cJSON_GetArraySize(old) == cJSON_GetArraySize(value)));
    cJSON *doc = NULL;
    if (mergeable_old) {
        if (!merge_newer(old, value, 0)) {
            say(r, "%s %s: out of memory while merging", s->path, s->args_json);
            goto out;
        }
        doc = fx;
    } else {
        cJSON_Delete(fx);
        fx = NULL;
        doc = fixture_json(s->path, s->arguments, s->args_json, value);
        if (doc == NULL) {
            say(r, "%s %s: out of memory", s->path, s->args_json);
            goto out;
        }
        value = NULL; /* the document holds it now */
        fx = doc;
    }
    char *text = print_indented(doc);
    if (text == NULL)
        goto out;
    if (secret != NULL && secret(secret_context, text, strlen(text))) {
        say(r, "%s %s: left out, the answer holds a secret (the client secret or a token)", s->path,
            s->args_json);
        free(text);
        goto out;
    }
    written = write_whole(r, stem, text);
    free(text);
    if (written && known == NULL && !add_key(r, s->path, s->arguments, stem, true))
        say(r, "out of memory: %s.json will not be merged into again", stem);
    if (written)
        say(r, "%s %s -> %s.json", s->path, s->args_json, stem);
out:
    cJSON_Delete(value);
    cJSON_Delete(fx);
    return written;
}

/* The first shape problem, kept for the log. */
struct misfit {
    char text[256];
};

static void on_misfit(void *user, const char *path, const char *message)
{
    struct misfit *m = user;
    if (m->text[0] == '\0')
        snprintf(m->text, sizeof(m->text), "%s: %s", path, message);
}

int esomock__record_answer(struct esomock_recorder *r, const struct esomock_fixture_set *fixtures,
                           const struct esomock_fixture *envelope,
                           const struct gql_prepared *prepared, const char *body, size_t len,
                           esomock_secret_check_fn *secret, void *secret_context)
{
    cJSON *answer = cJSON_ParseWithLength(body, len);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(answer, "data");
    int written = 0;
    if (!cJSON_IsObject(data) || cJSON_GetObjectItemCaseSensitive(answer, "errors") != NULL) {
        say(r, "answer left out: only {\"data\": {...}} answers without errors are recorded");
        cJSON_Delete(answer);
        return 0;
    }
    /* Only data of exactly the document's shape: anything else would be a fixture that
     * answers what the real API never would (or that the loader refuses). */
    struct misfit misfit = {.text = ""};
    struct gql_shape_report report = {.fn = on_misfit, .user = &misfit};
    size_t problems = gql_shape_check(prepared, data, &report);
    if (problems > 0) {
        say(r, "answer left out: it does not fit the document (%zu problem%s; %s)", problems,
            problems == 1 ? "" : "s", misfit.text);
        cJSON_Delete(answer);
        return 0;
    }
    size_t n = gql_prepared_root_field_count(prepared);
    struct unalias u = {.prepared = prepared, .slots = calloc(n ? n : 1, sizeof(*u.slots))};
    if (u.slots == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const char *path = gql_prepared_root_field_path(prepared, i);
        const struct gql_value *args = gql_prepared_root_field_args(prepared, i);
        if (esomock__cover_field(fixtures, envelope, r->schema, path, args))
            continue; /* answered here: not the upstream's to record */
        bool secret_arg = false;
        for (size_t k = 0; k < gql_value_count(args); k++)
            secret_arg = secret_arg || esomock__is_secret_key(gql_value_key_at(args, k));
        if (secret_arg) {
            say(r, "%s: left out, an argument is named like a secret", path);
            continue;
        }
        if (find_slot(&u, path, args) != NULL)
            continue; /* the same key under another alias */
        struct slot *s = &u.slots[u.count];
        s->path = path;
        s->args_json = args_text(args);
        s->arguments = s->args_json != NULL ? cJSON_Parse(s->args_json) : NULL;
        s->holder = cJSON_CreateObject();
        if (s->args_json == NULL || s->arguments == NULL || s->holder == NULL) {
            free(s->args_json);
            cJSON_Delete(s->arguments);
            cJSON_Delete(s->holder);
            goto out;
        }
        u.count++;
    }
    if (u.count == 0)
        goto out;
    struct pair root = {.kind = PAIR_ROOT, .up = data};
    struct gql_resolver resolver = {
        .resolve = unalias_resolve, .list_item = unalias_item, .user = &u};
    struct gql_exec_options options = {
        .resolver = &resolver,
        .root = {.kind = GQL_SOURCE_HANDLE, .handle = &root},
    };
    struct gql_buf discard;
    gql_buf_init(&discard, 0);
    enum gql_status rc = gql_execute(prepared, &options, &discard);
    gql_buf_finish(&discard);
    if (rc != GQL_OK || u.oom) {
        say(r, "answer left out: %s", u.oom ? "out of memory" : gql_strerror(rc));
        goto out;
    }
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < u.count; i++)
        written += store(r, fixtures, &u.slots[i], secret, secret_context);
    pthread_mutex_unlock(&r->lock);
out:
    for (size_t i = 0; u.slots != NULL && i < u.count; i++) {
        free(u.slots[i].args_json);
        cJSON_Delete(u.slots[i].arguments);
        cJSON_Delete(u.slots[i].holder);
    }
    free(u.slots);
    cJSON_Delete(answer);
    return written;
}
