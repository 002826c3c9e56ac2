#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_private.h"
#include "error_private.h"
#include "fixtures_private.h"
#include "match_private.h"

static const char *const envelope_keys[] = {"operation",   "variables", "field",   "arguments",
                                            "description", "status",    "headers", "response"};

void esomock__text_position(const char *text, const char *at, char *buf, size_t size)
{
    unsigned line = 1, col = 1;
    for (const char *c = text; c < at && *c != '\0'; c++) {
        if (*c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(buf, size, "line %u, column %u", line, col);
}

enum esomock_status esomock__read_file(const char *path, size_t max_bytes, char **out,
                                       size_t *out_len, char *err)
{
    enum esomock_status rc = ESOMOCK_IO;
    char *buf = NULL;
    /* O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer; only regular
     * files are read, and for those the flag changes nothing. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        esomock__set_error(err, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        esomock__set_error(err, "%s: not a regular file", path);
        goto out;
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        esomock__set_error(err, "%s: %lld bytes, over the limit of %zu", path,
                           (long long)st.st_size, max_bytes);
        goto out;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (buf == NULL) {
        rc = ESOMOCK_OUT_OF_MEMORY;
        esomock__set_error(err, "%s: out of memory", path);
        goto out;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            esomock__set_error(err, "%s: short read", path);
            goto out;
        }
        got += (size_t)n;
    }
    buf[size] = '\0';
    *out = buf;
    if (out_len != NULL)
        *out_len = size;
    buf = NULL;
    rc = ESOMOCK_OK;
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return rc;
}

static void fixture_clear(struct esomock_fixture *fx)
{
    free(fx->name);
    free(fx->path);
    free(fx->operation);
    cJSON_Delete(fx->variables);
    for (size_t i = 0; i < fx->field_count; i++)
        free(fx->fields[i]);
    free(fx->fields);
    cJSON_Delete(fx->arguments);
    cJSON_Delete(fx->headers);
    cJSON_Delete(fx->response);
    free(fx->body);
    free(fx->origin);
    memset(fx, 0, sizeof(*fx));
}

void esomock__fixtures_free(struct esomock_fixture_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->count; i++)
        fixture_clear(&set->items[i]);
    for (size_t i = 0; i < set->entry_count; i++) {
        cJSON_Delete(set->entries[i].merged);
        free(set->entries[i].origin);
    }
    free(set->entries);
    free(set->items);
    free(set->dir);
    free(set);
}

static bool is_envelope_key(const char *key)
{
    for (size_t i = 0; i < sizeof(envelope_keys) / sizeof(envelope_keys[0]); i++) {
        if (strcmp(key, envelope_keys[i]) == 0)
            return true;
    }
    return false;
}

/* A dotted path of GraphQL names: "guildData.guild". */
static bool is_field_path(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > ESOMOCK_FIELD_PATH_MAX)
        return false;
    bool start = true;
    for (const char *c = s; *c != '\0'; c++) {
        bool letter = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_';
        bool digit = *c >= '0' && *c <= '9';
        if (*c == '.') {
            if (start)
                return false;
            start = true;
        } else if (letter || (digit && !start)) {
            start = false;
        } else {
            return false;
        }
    }
    return !start;
}

/* The value at a dotted path below @p data, or NULL. */
static const cJSON *value_at(const cJSON *data, const char *path)
{
    char name[ESOMOCK_FIELD_PATH_MAX + 1];
    const char *p = path;
    while (data != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        if (!cJSON_IsObject(data) || n >= sizeof(name))
            return NULL;
        memcpy(name, p, n);
        name[n] = '\0';
        data = cJSON_GetObjectItemCaseSensitive(data, name);
        p += n + (dot != NULL);
    }
    return data;
}

/* "field": a path or an array of paths, each present in response.data. */
static enum esomock_status fields_from_json(const cJSON *field, const cJSON *data, const char *path,
                                            struct esomock_fixture *fx, char *err)
{
    size_t n = cJSON_IsArray(field) ? (size_t)cJSON_GetArraySize(field) : 1;
    if (!cJSON_IsString(field) && !(cJSON_IsArray(field) && n > 0)) {
        esomock__set_error(
            err,
            "%s: $.field: expected a field path (\"guildData.guild\") or a non-empty "
            "array of them",
            path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    if (n > ESOMOCK_FIXTURE_MAX_FIELDS) {
        esomock__set_error(err, "%s: $.field: %zu fields, at most %u", path, n,
                           ESOMOCK_FIXTURE_MAX_FIELDS);
        return ESOMOCK_FIXTURE_INVALID;
    }
    fx->fields = calloc(n, sizeof(*fx->fields));
    if (fx->fields == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    for (size_t i = 0; i < n; i++) {
        const cJSON *item = cJSON_IsArray(field) ? cJSON_GetArrayItem(field, (int)i) : field;
        char where[32] = "";
        if (cJSON_IsArray(field))
            snprintf(where, sizeof(where), "[%zu]", i);
        if (!cJSON_IsString(item) || !is_field_path(item->valuestring)) {
            esomock__set_error(err,
                               "%s: $.field%s: expected a field path of GraphQL names such as "
                               "\"guildData.guild\"",
                               path, where);
            return ESOMOCK_FIXTURE_INVALID;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(fx->fields[j], item->valuestring) == 0) {
                esomock__set_error(err, "%s: $.field%s: \"%s\" is named twice", path, where,
                                   item->valuestring);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
        if (value_at(data, item->valuestring) == NULL) {
            esomock__set_error(err, "%s: $.field%s: response.data has no \"%s\" to answer it with",
                               path, where, item->valuestring);
            return ESOMOCK_FIXTURE_INVALID;
        }
        fx->fields[i] = strdup(item->valuestring);
        if (fx->fields[i] == NULL)
            return ESOMOCK_OUT_OF_MEMORY;
        fx->field_count++;
    }
    return ESOMOCK_OK;
}

/* Check one parsed envelope and move its parts into @p fx. */
static enum esomock_status fixture_from_json(cJSON *root, const char *path,
                                             struct esomock_fixture *fx, char *err)
{
    if (!cJSON_IsObject(root)) {
        esomock__set_error(
            err, "%s: $: expected an object with \"operation\" or \"field\", and \"response\"",
            path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    for (cJSON *item = root->child; item != NULL; item = item->next) {
        if (!is_envelope_key(item->string)) {
            esomock__set_error(
                err,
                "%s: $.%s: unknown key (expected operation, variables, field, arguments, "
                "description, status, headers, response)",
                path, item->string);
            return ESOMOCK_FIXTURE_INVALID;
        }
    }
    cJSON *op = cJSON_GetObjectItemCaseSensitive(root, "operation");
    cJSON *field = cJSON_GetObjectItemCaseSensitive(root, "field");
    if (op == NULL && field == NULL) {
        esomock__set_error(
            err,
            "%s: $.operation: missing: a fixture needs \"operation\" (a non-empty string), "
            "\"field\", or both",
            path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    if (op != NULL && (!cJSON_IsString(op) || op->valuestring[0] == '\0')) {
        esomock__set_error(err, "%s: $.operation: expected a non-empty string", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    cJSON *vars = cJSON_GetObjectItemCaseSensitive(root, "variables");
    if (vars != NULL && !cJSON_IsObject(vars)) {
        esomock__set_error(err, "%s: $.variables: expected an object", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    if (vars != NULL && op == NULL) {
        esomock__set_error(err,
                           "%s: $.variables: apply only with \"operation\" (use \"arguments\" with "
                           "\"field\")",
                           path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    cJSON *args = cJSON_GetObjectItemCaseSensitive(root, "arguments");
    if (args != NULL && !cJSON_IsObject(args)) {
        esomock__set_error(err, "%s: $.arguments: expected an object", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    if (args != NULL && field == NULL) {
        esomock__set_error(err, "%s: $.arguments: apply only with \"field\"", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    int status_code = 200;
    if (status != NULL) {
        if (!cJSON_IsNumber(status) || status->valuedouble < 100 || status->valuedouble > 599 ||
            status->valuedouble != (double)status->valueint) {
            esomock__set_error(err, "%s: $.status: expected an integer HTTP status 100-599", path);
            return ESOMOCK_FIXTURE_INVALID;
        }
        status_code = status->valueint;
    }
    cJSON *headers = cJSON_GetObjectItemCaseSensitive(root, "headers");
    if (headers != NULL) {
        if (!cJSON_IsObject(headers)) {
            esomock__set_error(err, "%s: $.headers: expected an object of strings", path);
            return ESOMOCK_FIXTURE_INVALID;
        }
        for (cJSON *h = headers->child; h != NULL; h = h->next) {
            if (!cJSON_IsString(h)) {
                esomock__set_error(err, "%s: $.headers.%s: expected a string", path, h->string);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
    }
    if (op == NULL && (status != NULL || headers != NULL)) {
        esomock__set_error(
            err,
            "%s: $.%s: applies only with \"operation\" (a fixture chosen by its field "
            "answers one field of a document, not the whole HTTP answer)",
            path, status != NULL ? "status" : "headers");
        return ESOMOCK_FIXTURE_INVALID;
    }
    cJSON *response = cJSON_GetObjectItemCaseSensitive(root, "response");
    if (response == NULL) {
        esomock__set_error(err, "%s: $.response: missing (the body to send)", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    /* {"data": {...}} alone is executed against; anything else (errors, extensions) is a
     * canned answer sent as is. */
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(response, "data");
    bool executable =
        cJSON_IsObject(response) && cJSON_GetArraySize(response) == 1 && cJSON_IsObject(data);
    if (field != NULL) {
        if (!executable) {
            esomock__set_error(err,
                               "%s: $.response: a fixture with \"field\" must be {\"data\": {...}} "
                               "alone (its data answers the field)",
                               path);
            return ESOMOCK_FIXTURE_INVALID;
        }
        enum esomock_status rc = fields_from_json(field, data, path, fx, err);
        if (rc != ESOMOCK_OK)
            return rc;
    }
    char *body = cJSON_PrintUnformatted(response);
    char *operation = op != NULL ? strdup(op->valuestring) : NULL;
    if (body == NULL || (op != NULL && operation == NULL)) {
        free(body);
        free(operation);
        return ESOMOCK_OUT_OF_MEMORY;
    }
    fx->operation = operation;
    fx->body = body;
    fx->body_len = strlen(body);
    fx->status = status_code;
    fx->variables = vars != NULL ? cJSON_DetachItemViaPointer(root, vars) : NULL;
    fx->arguments = args != NULL ? cJSON_DetachItemViaPointer(root, args) : NULL;
    fx->headers = headers != NULL ? cJSON_DetachItemViaPointer(root, headers) : NULL;
    fx->response = cJSON_DetachItemViaPointer(root, response);
    fx->data = executable ? cJSON_GetObjectItemCaseSensitive(fx->response, "data") : NULL;
    return ESOMOCK_OK;
}

static enum esomock_status fixture_load_file(const char *path, const char *file_name,
                                             struct esomock_fixture *fx, char *err)
{
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    enum esomock_status rc = esomock__read_file(path, ESOMOCK_FIXTURE_MAX_BYTES, &text, &len, err);
    if (rc != ESOMOCK_OK)
        goto out;
    const char *parse_end = NULL;
    /* cJSON wants the terminating NUL counted when it must check for trailing garbage. */
    root = cJSON_ParseWithLengthOpts(text, len + 1, &parse_end, 1);
    if (root == NULL) {
        char where[64];
        esomock__text_position(text, parse_end != NULL ? parse_end : text, where, sizeof(where));
        esomock__set_error(err, "%s: invalid JSON at %s", path, where);
        rc = ESOMOCK_FIXTURE_INVALID;
        goto out;
    }
    rc = fixture_from_json(root, path, fx, err);
    if (rc != ESOMOCK_OK)
        goto out;
    size_t stem_len = strlen(file_name) - strlen(".json");
    fx->name = strndup(file_name, stem_len);
    fx->path = strdup(path);
    if (fx->name != NULL) {
        size_t n = strlen("fixture ") + strlen(fx->name) + 1;
        fx->origin = malloc(n);
        if (fx->origin != NULL)
            snprintf(fx->origin, n, "fixture %s", fx->name);
    }
    if (fx->name == NULL || fx->path == NULL || fx->origin == NULL) {
        rc = ESOMOCK_OUT_OF_MEMORY;
        goto out;
    }
out:
    if (rc != ESOMOCK_OK)
        fixture_clear(fx);
    cJSON_Delete(root);
    free(text);
    return rc;
}

static bool has_json_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.';
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Two fixtures that answer the same operation for the same variables make the choice ambiguous. */
static enum esomock_status check_ambiguity(const struct esomock_fixture_set *set, char *err)
{
    for (size_t i = 0; i < set->count; i++) {
        for (size_t j = i + 1; j < set->count; j++) {
            const struct esomock_fixture *a = &set->items[i], *b = &set->items[j];
            if (a->operation == NULL || b->operation == NULL ||
                strcmp(a->operation, b->operation) != 0)
                continue;
            bool same = (a->variables == NULL && b->variables == NULL) ||
                        (a->variables != NULL && b->variables != NULL &&
                         cJSON_Compare(a->variables, b->variables, 1));
            if (same) {
                esomock__set_error(err, "%s and %s both answer %s for the same variables", a->path,
                                   b->path, a->operation);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
    }
    return ESOMOCK_OK;
}

/* ---- field keys ------------------------------------------------------------------------ */

static size_t arg_count(const cJSON *args)
{
    return args != NULL ? (size_t)cJSON_GetArraySize(args) : 0;
}

static bool same_arguments(const cJSON *a, const cJSON *b)
{
    if (arg_count(a) == 0 || arg_count(b) == 0)
        return arg_count(a) == arg_count(b);
    return cJSON_Compare(a, b, 1);
}

/* The value at @p rel (".name" and "[i]" steps, as merge_into writes them) below @p v. */
static const cJSON *value_at_steps(const cJSON *v, const char *rel)
{
    char name[ESOMOCK_FIELD_PATH_MAX + 1];
    while (v != NULL && *rel != '\0') {
        if (*rel == '[') {
            char *end = NULL;
            unsigned long i = strtoul(rel + 1, &end, 10);
            if (end == NULL || *end != ']')
                return NULL;
            v = cJSON_GetArrayItem(v, (int)i);
            rel = end + 1;
        } else if (*rel == '.') {
            size_t n = strcspn(rel + 1, ".[");
            if (n >= sizeof(name))
                return NULL;
            memcpy(name, rel + 1, n);
            name[n] = '\0';
            v = cJSON_GetObjectItemCaseSensitive(v, name);
            rel += n + 1;
        } else {
            return NULL;
        }
    }
    return v;
}

/* Short JSON of a value for messages. */
static void json_excerpt(const cJSON *v, char *out, size_t size)
{
    char *text = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
    snprintf(out, size, "%.60s%s", text != NULL ? text : "{}",
             text != NULL && strlen(text) > 60 ? "..." : "");
    free(text);
}

/*
 * Merge @p add into @p into: objects by key, arrays of equal length item by item; other
 * values must be equal. On a difference writes its path to @p where and returns false.
 */
static bool merge_into(cJSON *into, const cJSON *add, char *where, size_t size, size_t len,
                       unsigned depth, bool *oom)
{
    if (depth > 64)
        return false;
    if (cJSON_IsObject(into) && cJSON_IsObject(add)) {
        for (const cJSON *item = add->child; item != NULL; item = item->next) {
            cJSON *have = cJSON_GetObjectItemCaseSensitive(into, item->string);
            if (have == NULL) {
                cJSON *copy = cJSON_Duplicate(item, 1);
                if (copy == NULL || !cJSON_AddItemToObject(into, item->string, copy)) {
                    cJSON_Delete(copy);
                    *oom = true;
                    return false;
                }
                continue;
            }
            snprintf(where + len, size - len, ".%s", item->string);
            if (!merge_into(have, item, where, size, strlen(where), depth + 1, oom))
                return false;
            where[len] = '\0';
        }
        return true;
    }
    if (cJSON_IsArray(into) && cJSON_IsArray(add) &&
        cJSON_GetArraySize(into) == cJSON_GetArraySize(add)) {
        cJSON *a = into->child;
        size_t i = 0;
        for (const cJSON *b = add->child; b != NULL; b = b->next, a = a->next, i++) {
            snprintf(where + len, size - len, "[%zu]", i);
            if (!merge_into(a, b, where, size, strlen(where), depth + 1, oom))
                return false;
            where[len] = '\0';
        }
        return true;
    }
    return cJSON_Compare(into, add, 1);
}

static int compare_entries(const void *a, const void *b)
{
    const struct esomock_fixture_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c != 0)
        return c;
    return x->arg_count < y->arg_count ? 1 : x->arg_count > y->arg_count ? -1 : 0;
}

/* Add @p fx's data for @p path to the entry with the same key, or start one. */
static enum esomock_status add_to_entries(struct esomock_fixture_set *set,
                                          const struct esomock_fixture *fx, const char *path,
                                          char *err)
{
    const cJSON *data = value_at(fx->data, path);
    for (size_t i = 0; i < set->entry_count; i++) {
        struct esomock_fixture_entry *e = &set->entries[i];
        if (strcmp(e->path, path) != 0 || !same_arguments(e->arguments, fx->arguments))
            continue;
        if (e->merged == NULL) {
            e->merged = cJSON_Duplicate(e->data, 1);
            if (e->merged == NULL)
                return ESOMOCK_OUT_OF_MEMORY;
            e->data = e->merged;
        }
        char where[512];
        bool oom = false;
        snprintf(where, sizeof(where), "%s", path);
        if (!merge_into(e->merged, data, where, sizeof(where), strlen(where), 0, &oom)) {
            if (oom)
                return ESOMOCK_OUT_OF_MEMORY;
            char args[80], mine[80], theirs[80];
            json_excerpt(fx->arguments, args, sizeof(args));
            json_excerpt(value_at_steps(e->data, where + strlen(path)), theirs, sizeof(theirs));
            json_excerpt(value_at_steps(data, where + strlen(path)), mine, sizeof(mine));
            esomock__set_error(
                err,
                "%s: answers %s %s as %s does, but differs at %s: %s there, %s here "
                "(fixtures of one field and arguments are one answer: make them agree)",
                fx->path, path, args, e->origin, where, theirs, mine);
            return ESOMOCK_FIXTURE_INVALID;
        }
        size_t n = strlen(e->origin) + strlen(fx->name) + 4;
        char *origin = malloc(n);
        if (origin == NULL)
            return ESOMOCK_OUT_OF_MEMORY;
        snprintf(origin, n, "%s%s, %s", strncmp(e->origin, "fixtures ", 9) == 0 ? "" : "fixtures ",
                 e->origin + (strncmp(e->origin, "fixtures ", 9) == 0 ? 0 : strlen("fixture ")),
                 fx->name);
        free(e->origin);
        e->origin = origin;
        return ESOMOCK_OK;
    }
    struct esomock_fixture_entry *e = &set->entries[set->entry_count];
    e->path = path;
    e->arguments = fx->arguments;
    e->arg_count = arg_count(fx->arguments);
    e->data = data;
    e->origin = strdup(fx->origin);
    if (e->origin == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    set->entry_count++;
    return ESOMOCK_OK;
}

/* Two entries of one path with as many arguments, which one request could both match. */
static enum esomock_status check_entry_ties(const struct esomock_fixture_set *set, char *err)
{
    for (size_t i = 0; i < set->entry_count; i++) {
        for (size_t j = i + 1; j < set->entry_count; j++) {
            const struct esomock_fixture_entry *a = &set->entries[i], *b = &set->entries[j];
            if (strcmp(a->path, b->path) != 0)
                break;
            if (a->arg_count != b->arg_count)
                continue;
            bool differ = false;
            for (const cJSON *x = a->arguments != NULL ? a->arguments->child : NULL;
                 x != NULL && !differ; x = x->next) {
                const cJSON *y = cJSON_GetObjectItemCaseSensitive(b->arguments, x->string);
                differ = y != NULL && !cJSON_Compare(x, y, 1);
            }
            if (!differ) {
                char args_a[80], args_b[80];
                json_excerpt(a->arguments, args_a, sizeof(args_a));
                json_excerpt(b->arguments, args_b, sizeof(args_b));
                esomock__set_error(
                    err,
                    "%s (%s %s) and %s (%s %s) could both answer one request with as many "
                    "arguments: give one of them an argument the other differs on",
                    a->origin, a->path, args_a, b->origin, b->path, args_b);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
    }
    return ESOMOCK_OK;
}

static enum esomock_status build_entries(struct esomock_fixture_set *set, char *err)
{
    size_t total = 0;
    for (size_t i = 0; i < set->count; i++)
        total += set->items[i].field_count;
    set->entries = calloc(total ? total : 1, sizeof(*set->entries));
    if (set->entries == NULL)
        return ESOMOCK_OUT_OF_MEMORY;
    for (size_t i = 0; i < set->count; i++) {
        const struct esomock_fixture *fx = &set->items[i];
        for (size_t f = 0; f < fx->field_count; f++) {
            enum esomock_status rc = add_to_entries(set, fx, fx->fields[f], err);
            if (rc != ESOMOCK_OK)
                return rc;
        }
    }
    if (set->entry_count > 1)
        qsort(set->entries, set->entry_count, sizeof(*set->entries), compare_entries);
    return check_entry_ties(set, err);
}

enum esomock_status esomock__fixtures_load(const char *dir, struct esomock_fixture_set **out,
                                           char *err)
{
    enum esomock_status rc = ESOMOCK_OUT_OF_MEMORY;
    struct esomock_fixture_set *set = NULL;
    char **names = NULL;
    size_t name_count = 0, name_cap = 0;
    char *path = NULL;

    if (dir == NULL || out == NULL) {
        esomock__set_error(err, "no fixture directory given");
        return ESOMOCK_BAD_ARGUMENT;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        esomock__set_error(err, "%s: cannot open fixture directory: %s", dir, strerror(errno));
        return ESOMOCK_IO;
    }
    for (struct dirent *ent = readdir(d); ent != NULL; ent = readdir(d)) {
        if (!has_json_suffix(ent->d_name))
            continue;
        if (name_count == name_cap) {
            size_t cap = name_cap ? name_cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof(*names));
            if (grown == NULL)
                goto out;
            names = grown;
            name_cap = cap;
        }
        names[name_count] = strdup(ent->d_name);
        if (names[name_count] == NULL)
            goto out;
        name_count++;
    }
    if (name_count > 0)
        qsort(names, name_count, sizeof(*names), compare_names);

    set = calloc(1, sizeof(*set));
    if (set == NULL)
        goto out;
    set->dir = strdup(dir);
    set->items = calloc(name_count ? name_count : 1, sizeof(*set->items));
    if (set->dir == NULL || set->items == NULL)
        goto out;
    for (size_t i = 0; i < name_count; i++) {
        size_t path_len = strlen(dir) + 1 + strlen(names[i]) + 1;
        free(path);
        path = malloc(path_len);
        if (path == NULL)
            goto out;
        snprintf(path, path_len, "%s/%s", dir, names[i]);
        rc = fixture_load_file(path, names[i], &set->items[set->count], err);
        if (rc != ESOMOCK_OK)
            goto out;
        set->count++;
    }
    rc = check_ambiguity(set, err);
    if (rc == ESOMOCK_OK)
        rc = build_entries(set, err);
    if (rc != ESOMOCK_OK)
        goto out;
    *out = set;
    set = NULL;
    rc = ESOMOCK_OK;
out:
    if (rc == ESOMOCK_OUT_OF_MEMORY)
        esomock__set_error(err, "%s: out of memory while loading fixtures", dir);
    closedir(d);
    free(path);
    for (size_t i = 0; i < name_count; i++)
        free(names[i]);
    free(names);
    esomock__fixtures_free(set);
    return rc;
}

const struct esomock_fixture *esomock__fixtures_match(const struct esomock_fixture_set *set,
                                                      const char *operation, const cJSON *variables)
{
    const struct esomock_fixture *best = NULL;
    int best_keys = -1;
    for (size_t i = 0; i < set->count; i++) {
        const struct esomock_fixture *fx = &set->items[i];
        if (fx->operation == NULL || strcmp(fx->operation, operation) != 0)
            continue;
        int keys = fx->variables != NULL ? cJSON_GetArraySize(fx->variables) : 0;
        if (fx->variables != NULL && !esomock__json_subset(variables, fx->variables))
            continue;
        if (keys > best_keys) {
            best = fx;
            best_keys = keys;
        }
    }
    return best;
}

const struct esomock_fixture *esomock__fixtures_by_name(const struct esomock_fixture_set *set,
                                                        const char *name)
{
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->items[i].name, name) == 0)
            return &set->items[i];
    }
    return NULL;
}

bool esomock__fixtures_has_operation(const struct esomock_fixture_set *set, const char *operation)
{
    for (size_t i = 0; i < set->count; i++) {
        if (set->items[i].operation != NULL && strcmp(set->items[i].operation, operation) == 0)
            return true;
    }
    return false;
}

/* ---- matching by field ------------------------------------------------------------------ */

/* True when every argument of @p want is in @p args with an equal value. */
static bool arguments_subset(const cJSON *want, const struct gql_value *args)
{
    for (const cJSON *item = want != NULL ? want->child : NULL; item != NULL; item = item->next) {
        if (args == NULL || !esomock__json_equals_value(item, gql_value_get(args, item->string)))
            return false;
    }
    return true;
}

const struct esomock_fixture_entry *esomock__fixtures_lookup(const struct esomock_fixture_set *set,
                                                             const char *path,
                                                             const struct gql_value *args)
{
    /* Entries are sorted by path, most arguments first: the first fit wins. */
    size_t lo = 0, hi = set->entry_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(set->entries[mid].path, path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < set->entry_count && strcmp(set->entries[i].path, path) == 0; i++) {
        if (arguments_subset(set->entries[i].arguments, args))
            return &set->entries[i];
    }
    return NULL;
}

bool esomock__fixture_has_field(const struct esomock_fixture *fx, const char *path)
{
    for (size_t i = 0; i < fx->field_count; i++) {
        if (strcmp(fx->fields[i], path) == 0)
            return true;
    }
    return false;
}

bool esomock__fixture_answers_field(const struct esomock_fixture *fx, const char *path,
                                    const struct gql_value *args)
{
    return esomock__fixture_has_field(fx, path) && arguments_subset(fx->arguments, args);
}

/* ---- the field keys against the schema --------------------------------------------------- */

enum esomock_status esomock__fixtures_check_schema(const struct esomock_fixture_set *set,
                                                   const struct gql_schema *schema, char *err)
{
    for (size_t i = 0; i < set->count; i++) {
        const struct esomock_fixture *fx = &set->items[i];
        for (size_t f = 0; f < fx->field_count; f++) {
            char why[400];
            const struct gql_field *field =
                esomock__api_field_path(schema, fx->fields[f], why, sizeof(why));
            if (field == NULL) {
                esomock__set_error(err, "%s: $.field: %s", fx->path, why);
                return ESOMOCK_FIXTURE_INVALID;
            }
            if (!esomock__api_field_arguments(field, fx->arguments, why, sizeof(why))) {
                esomock__set_error(err, "%s: $.arguments: %s", fx->path, why);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
    }
    return ESOMOCK_OK;
}
