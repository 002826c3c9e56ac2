/* Fixture envelopes and query documents checked with the GraphQL engine. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_check.h"

char *fixture_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    size_t cap = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        size_t r;

        if (n == cap) {
            char *p;

            if (cap >= FIXTURE_MAX_FILE) {
                free(buf);
                fclose(f);
                return NULL;
            }
            cap = cap ? cap * 2 : 65536;
            p = realloc(buf, cap + 1);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

static size_t report_one(const struct gql_shape_report *report, const char *path,
                         const char *message)
{
    if (report != NULL && report->fn != NULL)
        report->fn(report->user, path, message);
    return 1;
}

/* Report each error of a {"errors": [...]} answer at label:line:col (or label). */
static size_t report_errors(const struct gql_shape_report *report, const char *label,
                            const struct gql_buf *answer, const char *only_prefix)
{
    cJSON *json = cJSON_ParseWithLength(answer->data, answer->len);
    const cJSON *e;
    size_t n = 0;

    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(json, "errors"))
    {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
        const cJSON *loc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "locations"), 0);
        char where[1200];

        if (!cJSON_IsString(msg))
            continue;
        if (only_prefix != NULL && strncmp(msg->valuestring, only_prefix, strlen(only_prefix)) != 0)
            continue;
        if (loc != NULL)
            snprintf(where, sizeof(where), "%s:%d:%d", label,
                     cJSON_GetObjectItemCaseSensitive(loc, "line")->valueint,
                     cJSON_GetObjectItemCaseSensitive(loc, "column")->valueint);
        else
            snprintf(where, sizeof(where), "%s", label);
        n += report_one(report, where, msg->valuestring);
    }
    if (json == NULL)
        n += report_one(report, label, "the engine's error answer is not JSON");
    cJSON_Delete(json);
    return n;
}

size_t fixture_check_document(const struct gql_schema *schema, const char *label, const char *text,
                              size_t len, const struct gql_shape_report *report)
{
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf errors;
    size_t n = 0;
    enum gql_status rc;

    req.query = text;
    req.query_len = len;
    req.lenient_variables = true;
    gql_buf_init(&errors, 0);
    rc = gql_prepare(schema, NULL, &req, &p, &errors);
    if (rc == GQL_ERRORS)
        n = report_errors(report, label, &errors, NULL);
    else if (rc != GQL_OK)
        n = report_one(report, label, gql_strerror(rc));
    gql_prepared_destroy(p);
    gql_buf_finish(&errors);
    return n;
}

static bool valid_operation_name(const char *s)
{
    size_t i;

    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return false;
    for (i = 1; s[i] != '\0'; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

__attribute__((format(printf, 3, 4))) static size_t problem(const struct gql_shape_report *report,
                                                            const char *path, const char *fmt, ...)
{
    va_list ap;

    char msg[512];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return report_one(report, path, msg);
}

/* The variables: declared by the operation and coercible to their types. */
static size_t check_variables(const struct gql_schema *schema, const char *op_name,
                              const char *text, size_t len, const cJSON *variables,
                              const struct gql_shape_report *report, struct gql_prepared **out)
{
    struct gql_request req = {0};
    struct gql_buf errors;
    size_t n = 0;
    const cJSON *v;
    enum gql_status rc;

    req.query = text;
    req.query_len = len;
    req.operation_name = op_name;
    req.variables = variables;
    req.lenient_variables = true;
    gql_buf_init(&errors, 0);
    rc = gql_prepare(schema, NULL, &req, out, &errors);
    if (rc == GQL_ERRORS) {
        cJSON *json = cJSON_ParseWithLength(errors.data, errors.len);
        const cJSON *e;

        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(json, "errors"))
        {
            const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
            char path[300];
            const char *name;
            const char *end;

            if (!cJSON_IsString(msg))
                continue;
            /* 'Variable "$id" got invalid value ...' names the variable. */
            name = strstr(msg->valuestring, "\"$");
            end = name != NULL ? strchr(name + 2, '"') : NULL;
            if (name != NULL && end != NULL && end - name - 2 < 200)
                snprintf(path, sizeof(path), "variables.%.*s", (int)(end - name - 2), name + 2);
            else
                snprintf(path, sizeof(path), "variables");
            n += report_one(report, path, msg->valuestring);
        }
        cJSON_Delete(json);
    } else if (rc != GQL_OK) {
        n += report_one(report, "variables", gql_strerror(rc));
    }
    gql_buf_finish(&errors);
    cJSON_ArrayForEach(v, variables)
    {
        char path[300];
        char msg[400];
        bool declared = false;
        const struct gql_value *vars = gql_prepared_variables(*out);
        size_t i;

        /* Declared variables that are given appear among the coerced ones. */
        for (i = 0; vars != NULL && i < gql_value_count(vars) && !declared; i++)
            declared = strcmp(gql_value_key_at(vars, i), v->string) == 0;
        if (declared || *out == NULL)
            continue;
        snprintf(path, sizeof(path), "variables.%.200s", v->string);
        snprintf(msg, sizeof(msg), "the operation %.100s declares no variable $%.200s", op_name,
                 v->string);
        n += report_one(report, path, msg);
    }
    return n;
}

/* Is @p path one of the fixture's "field" paths? */
static bool names_field(const cJSON *field, const char *path)
{
    const cJSON *item;

    if (cJSON_IsString(field))
        return strcmp(field->valuestring, path) == 0;
    cJSON_ArrayForEach(item, field)
    {
        if (cJSON_IsString(item) && strcmp(item->valuestring, path) == 0)
            return true;
    }
    return false;
}

/*
 * The field key agrees with operation + variables: the fields the operation's document
 * fetches with these variables (as the engine computes them) are exactly "field", each with
 * exactly "arguments" as its coerced arguments. So a client with its own documents and names
 * gets this fixture for the same fields and arguments.
 */
static size_t check_field_key(const struct gql_prepared *prepared, const cJSON *envelope,
                              const struct gql_shape_report *report)
{
    const cJSON *field = cJSON_GetObjectItemCaseSensitive(envelope, "field");
    const cJSON *arguments = cJSON_GetObjectItemCaseSensitive(envelope, "arguments");
    size_t count = gql_prepared_root_field_count(prepared);
    size_t fetched = 0;
    size_t n = 0;
    size_t i;

    if (field == NULL)
        return 0; /* an envelope alone: chosen by operation and variables only */
    for (i = 0; i < count; i++) {
        const char *path = gql_prepared_root_field_path(prepared, i);
        struct gql_buf b;
        cJSON *got;

        if (path[0] == '_')
            continue; /* __typename, introspection */
        fetched++;
        if (!names_field(field, path)) {
            n += problem(report, "field",
                         "the operation fetches %.200s, which \"field\" does not "
                         "name",
                         path);
            continue;
        }
        gql_buf_init(&b, 0);
        gql_value_write_json(gql_prepared_root_field_args(prepared, i), &b);
        got = cJSON_ParseWithLength(b.data != NULL ? b.data : "{}", b.data != NULL ? b.len : 2);
        if (!cJSON_Compare(got, arguments, true) &&
            !(cJSON_GetArraySize(got) == 0 && arguments == NULL))
            n += problem(report, "arguments",
                         "the operation fetches %.200s with arguments %.300s with these variables",
                         path, b.data != NULL ? b.data : "{}");
        cJSON_Delete(got);
        gql_buf_finish(&b);
    }
    if (fetched != (size_t)(cJSON_IsArray(field) ? cJSON_GetArraySize(field) : 1))
        n += problem(report, "field", "names %d fields; the operation fetches %zu",
                     cJSON_IsArray(field) ? cJSON_GetArraySize(field) : 1, fetched);
    return n;
}

size_t fixture_check_envelope(const struct gql_schema *schema, const char *queries_dir,
                              const cJSON *envelope, const struct gql_shape_report *report)
{
    static const char *const members[] = {"operation", "variables",   "field",
                                          "arguments", "description", "status",
                                          "headers",   "response",    NULL};
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(envelope, "operation");
    const cJSON *variables = cJSON_GetObjectItemCaseSensitive(envelope, "variables");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(envelope, "status");
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(envelope, "headers");
    const cJSON *response = cJSON_GetObjectItemCaseSensitive(envelope, "response");
    const cJSON *item;
    struct gql_prepared *prepared = NULL;
    char *text = NULL;
    size_t len = 0;
    size_t n = 0;

    if (!cJSON_IsObject(envelope))
        return report_one(report, "$", "a fixture is a JSON object");
    cJSON_ArrayForEach(item, envelope)
    {
        size_t i;
        bool known = false;

        for (i = 0; members[i] != NULL && !known; i++)
            known = strcmp(members[i], item->string) == 0;
        if (!known)
            n += problem(report, item->string, "unexpected key");
    }
    if (status != NULL &&
        !(cJSON_IsNumber(status) && status->valuedouble >= 100 && status->valuedouble <= 599 &&
          status->valuedouble == (double)(int)status->valuedouble))
        n += problem(report, "status", "expected an HTTP status (an integer 100..599)");
    if (headers != NULL) {
        if (!cJSON_IsObject(headers)) {
            n += problem(report, "headers", "expected an object of strings");
        } else {
            cJSON_ArrayForEach(item, headers)
            {
                char path[300];

                if (cJSON_IsString(item))
                    continue;
                snprintf(path, sizeof(path), "headers.%.200s", item->string);
                n += problem(report, path, "expected a string, found a non-string");
            }
        }
    }
    if (variables != NULL && !cJSON_IsObject(variables))
        n += problem(report, "variables", "expected an object");
    if (!cJSON_IsString(op)) {
        n += problem(report, "operation", "missing: the operation name");
    } else if (!valid_operation_name(op->valuestring)) {
        n += problem(report, "operation", "string \"%.200s\" is not an operation name",
                     op->valuestring);
    } else {
        char path[2048];

        snprintf(path, sizeof(path), "%s/%s.graphql", queries_dir, op->valuestring);
        text = fixture_read_file(path, &len);
        if (text == NULL) {
            n += problem(report, "operation", "no query document %.400s", path);
        } else {
            size_t before = n;

            n += fixture_check_document(schema, path, text, len, report);
            if (n == before)
                n += check_variables(schema, op->valuestring, text, len,
                                     cJSON_IsObject(variables) ? variables : NULL, report,
                                     &prepared);
        }
    }
    if (!cJSON_IsObject(response)) {
        n += problem(report, "response", "missing: the answer (an object)");
    } else {
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(response, "data");
        const cJSON *errors = cJSON_GetObjectItemCaseSensitive(response, "errors");

        cJSON_ArrayForEach(item, response)
        {
            char path[300];

            if (strcmp(item->string, "data") == 0 || strcmp(item->string, "errors") == 0 ||
                strcmp(item->string, "extensions") == 0)
                continue;
            snprintf(path, sizeof(path), "response.%.200s", item->string);
            n += problem(report, path, "unexpected key");
        }
        if (errors != NULL) {
            bool ok = cJSON_IsArray(errors) && cJSON_GetArraySize(errors) > 0;

            cJSON_ArrayForEach(item, errors) ok =
                ok && cJSON_IsObject(item) &&
                cJSON_IsString(cJSON_GetObjectItemCaseSensitive(item, "message"));
            if (!ok)
                n += problem(report, "response.errors",
                             "expected a non-empty list of errors with a \"message\"");
            if (variables == NULL)
                n += problem(report, "response.errors",
                             "a default fixture (no variables) must answer with data, not "
                             "errors");
            if (data != NULL && !cJSON_IsNull(data) && prepared != NULL) {
                struct gql_shape_report r = report != NULL ? *report : (struct gql_shape_report){0};

                r.data_path = "response.data";
                n += gql_shape_check(prepared, data, &r);
            }
        } else if (data == NULL) {
            n += problem(report, "response.data", "missing: an answer holds data or errors");
        } else if (prepared != NULL) {
            struct gql_shape_report r = report != NULL ? *report : (struct gql_shape_report){0};

            r.data_path = "response.data";
            n += gql_shape_check(prepared, data, &r);
        }
    }
    if (prepared != NULL)
        n += check_field_key(prepared, envelope, report);
    gql_prepared_destroy(prepared);
    free(text);
    return n;
}

size_t fixture_check_file(const struct gql_schema *schema, const char *queries_dir,
                          const char *path, const struct gql_shape_report *report)
{
    size_t len = 0;
    char *text = fixture_read_file(path, &len);
    cJSON *json;
    size_t n;

    if (text == NULL)
        return report_one(report, "$", "cannot read the file");
    json = cJSON_ParseWithLength(text, len);
    free(text);
    if (json == NULL)
        return report_one(report, "$", "not JSON");
    n = fixture_check_envelope(schema, queries_dir, json, report);
    cJSON_Delete(json);
    return n;
}
