#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures_private.h"
#include "match_private.h"

static const char *const envelope_keys[] = {"operation", "variables", "description",
                                            "status",    "headers",   "response"};

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(char *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ESOMOCK_ERROR_SIZE, fmt, ap);
    va_end(ap);
}

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
        set_err(err, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        set_err(err, "%s: not a regular file", path);
        goto out;
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        set_err(err, "%s: %lld bytes, over the limit of %zu", path, (long long)st.st_size,
                max_bytes);
        goto out;
    }
    size_t size = (size_t)st.st_size;
    buf = malloc(size + 1);
    if (buf == NULL) {
        rc = ESOMOCK_OUT_OF_MEMORY;
        set_err(err, "%s: out of memory", path);
        goto out;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            set_err(err, "%s: short read", path);
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
    cJSON_Delete(fx->headers);
    free(fx->body);
    memset(fx, 0, sizeof(*fx));
}

void esomock__fixtures_free(struct esomock_fixture_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->count; i++)
        fixture_clear(&set->items[i]);
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

/* Check one parsed envelope and move its parts into @p fx. */
static enum esomock_status fixture_from_json(cJSON *root, const char *path,
                                             struct esomock_fixture *fx, char *err)
{
    if (!cJSON_IsObject(root)) {
        set_err(err, "%s: $: expected an object with \"operation\" and \"response\"", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    for (cJSON *item = root->child; item != NULL; item = item->next) {
        if (!is_envelope_key(item->string)) {
            set_err(err,
                    "%s: $.%s: unknown key (expected operation, variables, description, "
                    "status, headers, response)",
                    path, item->string);
            return ESOMOCK_FIXTURE_INVALID;
        }
    }
    cJSON *op = cJSON_GetObjectItemCaseSensitive(root, "operation");
    if (!cJSON_IsString(op) || op->valuestring[0] == '\0') {
        set_err(err, "%s: $.operation: expected a non-empty string", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    cJSON *vars = cJSON_GetObjectItemCaseSensitive(root, "variables");
    if (vars != NULL && !cJSON_IsObject(vars)) {
        set_err(err, "%s: $.variables: expected an object", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    int status_code = 200;
    if (status != NULL) {
        if (!cJSON_IsNumber(status) || status->valuedouble < 100 || status->valuedouble > 599 ||
            status->valuedouble != (double)status->valueint) {
            set_err(err, "%s: $.status: expected an integer HTTP status 100-599", path);
            return ESOMOCK_FIXTURE_INVALID;
        }
        status_code = status->valueint;
    }
    cJSON *headers = cJSON_GetObjectItemCaseSensitive(root, "headers");
    if (headers != NULL) {
        if (!cJSON_IsObject(headers)) {
            set_err(err, "%s: $.headers: expected an object of strings", path);
            return ESOMOCK_FIXTURE_INVALID;
        }
        for (cJSON *h = headers->child; h != NULL; h = h->next) {
            if (!cJSON_IsString(h)) {
                set_err(err, "%s: $.headers.%s: expected a string", path, h->string);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
    }
    cJSON *response = cJSON_GetObjectItemCaseSensitive(root, "response");
    if (response == NULL) {
        set_err(err, "%s: $.response: missing (the body to send)", path);
        return ESOMOCK_FIXTURE_INVALID;
    }
    char *body = cJSON_PrintUnformatted(response);
    char *operation = strdup(op->valuestring);
    if (body == NULL || operation == NULL) {
        free(body);
        free(operation);
        return ESOMOCK_OUT_OF_MEMORY;
    }
    fx->operation = operation;
    fx->body = body;
    fx->body_len = strlen(body);
    fx->status = status_code;
    fx->variables = vars != NULL ? cJSON_DetachItemViaPointer(root, vars) : NULL;
    fx->headers = headers != NULL ? cJSON_DetachItemViaPointer(root, headers) : NULL;
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
        set_err(err, "%s: invalid JSON at %s", path, where);
        rc = ESOMOCK_FIXTURE_INVALID;
        goto out;
    }
    rc = fixture_from_json(root, path, fx, err);
    if (rc != ESOMOCK_OK)
        goto out;
    size_t stem_len = strlen(file_name) - strlen(".json");
    fx->name = strndup(file_name, stem_len);
    fx->path = strdup(path);
    if (fx->name == NULL || fx->path == NULL) {
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
            if (strcmp(a->operation, b->operation) != 0)
                continue;
            bool same = (a->variables == NULL && b->variables == NULL) ||
                        (a->variables != NULL && b->variables != NULL &&
                         cJSON_Compare(a->variables, b->variables, 1));
            if (same) {
                set_err(err, "%s and %s both answer %s for the same variables", a->path, b->path,
                        a->operation);
                return ESOMOCK_FIXTURE_INVALID;
            }
        }
    }
    return ESOMOCK_OK;
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
        set_err(err, "no fixture directory given");
        return ESOMOCK_BAD_ARGUMENT;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        set_err(err, "%s: cannot open fixture directory: %s", dir, strerror(errno));
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
    if (rc != ESOMOCK_OK)
        goto out;
    *out = set;
    set = NULL;
    rc = ESOMOCK_OK;
out:
    if (rc == ESOMOCK_OUT_OF_MEMORY)
        set_err(err, "%s: out of memory while loading fixtures", dir);
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
        if (strcmp(fx->operation, operation) != 0)
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
        if (strcmp(set->items[i].operation, operation) == 0)
            return true;
    }
    return false;
}
