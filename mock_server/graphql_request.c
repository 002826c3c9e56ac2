#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "graphql_request_private.h"

void esomock__gql_request_clear(struct esomock_gql_request *req)
{
    cJSON_Delete(req->root);
    memset(req, 0, sizeof(*req));
}

/*
 * The first byte JSON forbids that cJSON would let through, or NULL. RFC 8259 allows only
 * space, tab, LF and CR between tokens and no byte below 0x20 inside a string; cJSON skips
 * every byte up to 0x20 as whitespace and stops at a NUL, so a NUL or a control byte between
 * tokens (or a NUL before trailing garbage) would pass.
 */
static const char *forbidden_control_byte(const char *body, size_t len)
{
    const unsigned char *b = (const unsigned char *)body;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (in_string) {
            /* The bulk of a body: a string's plain characters, skipped in a tight loop. */
            while (i < len && b[i] >= 0x20 && b[i] != '"' && b[i] != '\\')
                i++;
            if (i == len)
                break;
        }
        unsigned char c = b[i];
        if (c < 0x20 && (in_string || (c != '\t' && c != '\n' && c != '\r')))
            return body + i;
        if (!in_string) {
            in_string = c == '"';
        } else if (c == '\\') {
            if (i + 1 < len && b[i + 1] < 0x20)
                return body + i + 1;
            i++; /* the escaped character cannot end the string */
        } else if (c == '"') {
            in_string = false;
        }
    }
    return NULL;
}

int esomock__gql_request_parse(const char *body, size_t len, struct esomock_gql_request *req,
                               char *why, size_t why_size)
{
    memset(req, 0, sizeof(*req));
    if (len == 0) {
        snprintf(why, why_size,
                 "Request body is empty: expected JSON "
                 "{\"query\": \"...\", \"operationName\": ..., \"variables\": {...}}");
        return 400;
    }
    const char *control = forbidden_control_byte(body, len);
    if (control != NULL) {
        snprintf(why, why_size,
                 "Request body is not valid JSON (control byte 0x%02x at byte %zu; JSON allows "
                 "only space, tab, LF and CR between tokens and none in a string)",
                 (unsigned)(unsigned char)*control, (size_t)(control - body));
        return 400;
    }
    const char *parse_end = NULL;
    /* The body is NUL-terminated; cJSON wants the NUL counted to reject trailing garbage. */
    cJSON *root = cJSON_ParseWithLengthOpts(body, len + 1, &parse_end, 1);
    if (root == NULL) {
        char where[64] = "the start";
        if (parse_end != NULL) {
            /* The body is not NUL-terminated; bound the position walk by len. */
            size_t offset = (size_t)(parse_end - body);
            snprintf(where, sizeof(where), "byte %zu", offset < len ? offset : len);
        }
        snprintf(why, why_size, "Request body is not valid JSON (error at %s)", where);
        return 400;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(why, why_size,
                 "Request body must be a JSON object with a \"query\" string, not a JSON %s",
                 cJSON_IsArray(root) ? "array" : "scalar");
        goto fail;
    }
    cJSON *query = cJSON_GetObjectItemCaseSensitive(root, "query");
    if (query == NULL || cJSON_IsNull(query)) {
        snprintf(why, why_size, "Request body is missing \"query\" (the GraphQL document)");
        goto fail;
    }
    if (!cJSON_IsString(query)) {
        snprintf(why, why_size, "\"query\" must be a string holding the GraphQL document");
        goto fail;
    }
    cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "operationName");
    if (name != NULL && !cJSON_IsNull(name) && !cJSON_IsString(name)) {
        snprintf(why, why_size, "\"operationName\" must be a string or null");
        goto fail;
    }
    cJSON *vars = cJSON_GetObjectItemCaseSensitive(root, "variables");
    if (vars != NULL && !cJSON_IsNull(vars) && !cJSON_IsObject(vars)) {
        snprintf(why, why_size, "\"variables\" must be an object or null");
        goto fail;
    }
    req->root = root;
    req->query = query->valuestring;
    req->query_len = strlen(query->valuestring);
    req->operation_name =
        cJSON_IsString(name) && name->valuestring[0] != '\0' ? name->valuestring : NULL;
    req->variables = cJSON_IsObject(vars) ? vars : NULL;
    return 0;
fail:
    cJSON_Delete(root);
    memset(req, 0, sizeof(*req));
    return 400;
}
