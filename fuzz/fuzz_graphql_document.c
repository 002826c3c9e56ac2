/*
 * libFuzzer target: a GraphQL document (and, after a NUL byte, its variables as
 * JSON) through eso-mock's engine: parse, validate, coerce, execute against the
 * ESO Logs schema with generated data, twice through a shared cache.
 * Oracles: no crash or sanitizer report; every answer is valid JSON; an error
 * answer has "errors" and no "data"; an executed answer's data has exactly the
 * selected keys (gql_shape_check finds nothing) and a second run gives the same
 * bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gql_schema *schema;
static struct gql_cache *cache;

static void setup(void)
{
    char err[GQL_ERROR_SIZE];

    if (schema != NULL)
        return;
    if (gql_schema_load(ESO_SCHEMA_PATH, &schema, err, sizeof(err)) != GQL_OK)
        abort();
    cache = gql_cache_create(64, 0);
    if (cache == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t qlen = nul != NULL ? (size_t)(nul - data) : size;
    cJSON *vars = NULL;
    struct gql_request req = {0};
    struct gql_prepared *p = NULL;
    struct gql_buf out;
    struct gql_buf again;
    enum gql_status rc;
    cJSON *answer;

    setup();
    if (nul != NULL && size - qlen > 1)
        vars = cJSON_ParseWithLength(text + qlen + 1, size - qlen - 1);
    req.query = text;
    req.query_len = qlen;
    req.variables = cJSON_IsObject(vars) ? vars : NULL;
    gql_buf_init(&out, 4u << 20);
    gql_buf_init(&again, 4u << 20);
    rc = gql_prepare(schema, cache, &req, &p, &out);
    if (rc == GQL_OK) {
        struct gql_exec_options opts = {0};

        rc = gql_execute(p, &opts, &out);
        if (rc == GQL_OK && gql_execute(p, &opts, &again) == GQL_OK &&
            (again.len != out.len || memcmp(again.data, out.data, out.len) != 0))
            abort(); /* not deterministic */
    }
    if (rc == GQL_OK || rc == GQL_ERRORS) {
        const cJSON *d;

        answer = cJSON_ParseWithLength(out.data, out.len);
        if (answer == NULL)
            abort(); /* not JSON */
        d = cJSON_GetObjectItemCaseSensitive(answer, "data");
        if (rc == GQL_ERRORS &&
            (d != NULL || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(answer, "errors"))))
            abort(); /* an error answer has errors and no data */
        if (rc == GQL_OK && d == NULL)
            abort();
        if (rc == GQL_OK && cJSON_IsObject(d) && gql_shape_check(p, d, NULL) != 0)
            abort(); /* a key missing, extra or of the wrong type */
        cJSON_Delete(answer);
    } else if (rc != GQL_TOO_BIG && rc != GQL_NO_MEMORY) {
        abort();
    }
    gql_prepared_destroy(p);
    gql_buf_finish(&out);
    gql_buf_finish(&again);
    cJSON_Delete(vars);
    return 0;
}
