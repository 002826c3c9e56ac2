/*
 * gql-conformance-driver: runs every case of the differential corpus through
 * the engine and prints one JSON line per case for compare.js:
 *   {"name": ..., "answer": <the engine's answer>, "prepared": true|false}
 * A case is {"name", "schema": "eso"|"test", "query" | "file", "variables"?,
 * "operationName"?, "root"?}: with "root" the engine resolves from that JSON
 * (the default resolver), otherwise it generates the data.
 *
 * Usage: gql-conformance-driver ESO_SDL TEST_SDL SOURCE_ROOT CORPUS.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gql.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    size_t n = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        size_t r;

        if (n + 4096 + 1 > cap) {
            char *p;

            cap = cap ? cap * 2 : 65536;
            p = realloc(buf, cap);
            if (p == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static struct gql_schema *load(const char *path)
{
    struct gql_schema *s = NULL;
    char err[GQL_ERROR_SIZE];

    if (gql_schema_load(path, &s, err, sizeof(err)) != GQL_OK) {
        fprintf(stderr, "schema %s: %s\n", path, err);
        exit(2);
    }
    return s;
}

int main(int argc, char **argv)
{
    struct gql_schema *eso;
    struct gql_schema *test;
    char *text;
    size_t len;
    cJSON *corpus;
    const cJSON *c;

    if (argc != 5) {
        fprintf(stderr, "usage: %s ESO_SDL TEST_SDL SOURCE_ROOT CORPUS.json\n", argv[0]);
        return 2;
    }
    eso = load(argv[1]);
    test = load(argv[2]);
    text = read_file(argv[4], &len);
    corpus = text != NULL ? cJSON_Parse(text) : NULL;
    free(text);
    if (!cJSON_IsArray(corpus)) {
        fprintf(stderr, "%s: not a JSON array\n", argv[4]);
        return 2;
    }
    cJSON_ArrayForEach(c, corpus)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(c, "query");
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(c, "file");
        const cJSON *schema = cJSON_GetObjectItemCaseSensitive(c, "schema");
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(c, "operationName");
        const cJSON *root = cJSON_GetObjectItemCaseSensitive(c, "root");
        struct gql_request req = {0};
        struct gql_prepared *p = NULL;
        struct gql_buf out;
        char *query = NULL;
        size_t qlen = 0;
        enum gql_status rc;

        if (cJSON_IsString(file)) {
            char path[4096];

            snprintf(path, sizeof(path), "%s/%s", argv[3], file->valuestring);
            query = read_file(path, &qlen);
        } else if (cJSON_IsString(q)) {
            qlen = strlen(q->valuestring);
            query = malloc(qlen + 1);
            if (query != NULL)
                memcpy(query, q->valuestring, qlen + 1);
        }
        if (query == NULL) {
            fprintf(stderr, "case %s: no query\n", cJSON_IsString(name) ? name->valuestring : "?");
            return 2;
        }
        req.query = query;
        req.query_len = qlen;
        req.operation_name = cJSON_IsString(op) ? op->valuestring : NULL;
        req.variables = cJSON_GetObjectItemCaseSensitive(c, "variables");
        gql_buf_init(&out, 0);
        rc = gql_prepare(cJSON_IsString(schema) && strcmp(schema->valuestring, "test") == 0 ? test
                                                                                            : eso,
                         NULL, &req, &p, &out);
        if (rc == GQL_OK) {
            struct gql_exec_options opts = {0};

            if (root != NULL) {
                opts.root.kind = GQL_SOURCE_JSON;
                opts.root.json = root;
            }
            rc = gql_execute(p, &opts, &out);
        }
        printf("{\"name\":\"%s\",\"prepared\":%s,\"status\":%d,\"answer\":%s}\n",
               cJSON_IsString(name) ? name->valuestring : "?", p != NULL ? "true" : "false",
               (int)rc,
               out.data != NULL && rc <= GQL_ERRORS && rc != GQL_NO_MEMORY ? out.data : "null");
        gql_buf_finish(&out);
        gql_prepared_destroy(p);
        free(query);
    }
    cJSON_Delete(corpus);
    gql_schema_destroy(eso);
    gql_schema_destroy(test);
    return 0;
}
