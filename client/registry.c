/* The operation registry and typed variables from NAME=VALUE strings. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esologs/client.h>
#include <esologs/operations.h>

#include "registry_private.h"
#include "text_private.h"

size_t eso_operation_count(void)
{
    return eso__operation_total;
}

const char *eso_operation_name(size_t index)
{
    return index < eso__operation_total ? eso__operations[index].name : NULL;
}

static int by_name(const void *key, const void *row)
{
    return strcmp(key, eso__operations[*(const unsigned short *)row].name);
}

const struct eso__operation *eso__operation_find(const char *name)
{
    if (name == NULL)
        return NULL;
    const unsigned short *row = bsearch(name, eso__operations_by_name, eso__operation_total,
                                        sizeof *eso__operations_by_name, by_name);
    return row != NULL ? &eso__operations[*row] : NULL;
}

const char *eso_operation_document(const char *name)
{
    const struct eso__operation *op = eso__operation_find(name);
    return op != NULL ? op->document : NULL;
}

/* Skip white space, commas and # comments. */
static const char *skip_ignored(const char *p)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ',')
            p++;
        if (*p != '#')
            return p;
        while (*p != '\0' && *p != '\n')
            p++;
    }
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

bool eso__document_is_mutation(const char *document)
{
    if (document == NULL)
        return false;
    const char *p = skip_ignored(document);
    return strncmp(p, "mutation", 8) == 0 && !is_name_char(p[8]);
}

enum eso__var_type eso__variable_type(const char *document, const char *name)
{
    if (document == NULL || name == NULL || *name == '\0')
        return ESO__VAR_UNKNOWN;
    size_t nlen = strlen(name);
    const char *p = skip_ignored(document);
    /* Variable definitions sit between the first '(' and the first '{'. */
    while (*p != '\0' && *p != '{') {
        if (*p == '#') {
            p = skip_ignored(p);
            continue;
        }
        if (*p == '$' && strncmp(p + 1, name, nlen) == 0 && !is_name_char(p[1 + nlen])) {
            const char *q = skip_ignored(p + 1 + nlen);
            if (*q != ':') {
                p++;
                continue;
            }
            q = skip_ignored(q + 1);
            if (*q == '[')
                return ESO__VAR_JSON;
            size_t tlen = 0;
            while (is_name_char(q[tlen]))
                tlen++;
            if (tlen == 3 && strncmp(q, "Int", 3) == 0)
                return ESO__VAR_INT;
            if (tlen == 5 && strncmp(q, "Float", 5) == 0)
                return ESO__VAR_FLOAT;
            if (tlen == 7 && strncmp(q, "Boolean", 7) == 0)
                return ESO__VAR_BOOLEAN;
            if ((tlen == 6 && strncmp(q, "String", 6) == 0) ||
                (tlen == 2 && strncmp(q, "ID", 2) == 0))
                return ESO__VAR_STRING;
            return ESO__VAR_JSON;
        }
        p++;
    }
    return ESO__VAR_UNKNOWN;
}

static void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(char *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ESO_DETAIL_SIZE, fmt, ap);
    va_end(ap);
    /* It quotes the caller's text, which goes to terminals and logs. */
    eso__escape_controls(err, ESO_DETAIL_SIZE);
}

/* The JSON for VALUE, or a string when it does not parse. NULL when out of memory. */
static cJSON *json_or_string(const char *value)
{
    cJSON *j = cJSON_Parse(value);
    return j != NULL ? j : cJSON_CreateString(value);
}

enum eso_status eso_variables_from_strings(const char *operation, const char *const *assignments,
                                           size_t count, cJSON **out, char *err)
{
    enum eso_status rc = ESO_BAD_ARGUMENT;
    char *name = NULL;
    if (out == NULL || (count > 0 && assignments == NULL))
        return ESO_BAD_ARGUMENT;
    const char *doc = eso_operation_document(operation);
    cJSON *vars = cJSON_CreateObject();
    if (vars == NULL)
        return ESO_OUT_OF_MEMORY;
    for (size_t i = 0; i < count; i++) {
        const char *a = assignments[i];
        const char *eq = a != NULL ? strchr(a, '=') : NULL;
        if (eq == NULL || eq == a) {
            set_err(err, "expected NAME=VALUE, got '%s'", a != NULL ? a : "(null)");
            goto out;
        }
        free(name);
        name = strndup(a, (size_t)(eq - a));
        if (name == NULL) {
            rc = ESO_OUT_OF_MEMORY;
            goto out;
        }
        const char *value = eq + 1;
        enum eso__var_type type = doc != NULL ? eso__variable_type(doc, name) : ESO__VAR_JSON;
        cJSON *item = NULL;
        char *end = NULL;
        errno = 0;
        switch (type) {
        case ESO__VAR_UNKNOWN:
            set_err(err, "operation %s declares no variable $%s", operation, name);
            goto out;
        case ESO__VAR_INT: {
            long long v = strtoll(value, &end, 10);
            if (*value == '\0' || *end != '\0' || errno != 0 || v < INT32_MIN || v > INT32_MAX) {
                set_err(err, "$%s must be an Int, got '%s'", name, value);
                goto out;
            }
            item = cJSON_CreateNumber((double)v);
            break;
        }
        case ESO__VAR_FLOAT: {
            double v = strtod(value, &end);
            if (*value == '\0' || *end != '\0' || errno != 0 || !isfinite(v)) {
                set_err(err, "$%s must be a Float, got '%s'", name, value);
                goto out;
            }
            item = cJSON_CreateNumber(v);
            break;
        }
        case ESO__VAR_BOOLEAN:
            if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) {
                set_err(err, "$%s must be true or false, got '%s'", name, value);
                goto out;
            }
            item = cJSON_CreateBool(value[0] == 't');
            break;
        case ESO__VAR_STRING:
            item = cJSON_CreateString(value);
            break;
        case ESO__VAR_JSON:
            item = json_or_string(value);
            break;
        }
        if (item == NULL) {
            rc = ESO_OUT_OF_MEMORY;
            goto out;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(vars, name);
        if (!cJSON_AddItemToObject(vars, name, item)) {
            cJSON_Delete(item);
            rc = ESO_OUT_OF_MEMORY;
            goto out;
        }
    }
    rc = ESO_OK;
out:
    free(name);
    if (rc != ESO_OK) {
        cJSON_Delete(vars);
        return rc;
    }
    *out = vars;
    return ESO_OK;
}
