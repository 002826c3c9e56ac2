#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "reply_private.h"
#include "utf8_private.h"

static const char out_of_memory_body[] =
    "{\"errors\":[{\"message\":\"mock server out of memory\"}],\"data\":null}";

void esomock__reply_clear(struct esomock_reply *reply)
{
    if (reply->body_owned)
        free(reply->body);
    for (size_t i = 0; i < reply->header_count; i++) {
        free(reply->headers[i].name);
        free(reply->headers[i].value);
    }
    memset(reply, 0, sizeof(*reply));
}

static void set_body(struct esomock_reply *reply, int status, char *body, size_t len, bool owned)
{
    if (reply->body_owned)
        free(reply->body);
    reply->status = status;
    reply->content_type = "application/json";
    reply->body = body;
    reply->body_len = len;
    reply->body_owned = owned;
}

static void set_out_of_memory(struct esomock_reply *reply)
{
    set_body(reply, 500, (char *)out_of_memory_body, sizeof(out_of_memory_body) - 1, false);
}

void esomock__reply_borrowed(struct esomock_reply *reply, int status, const char *body, size_t len)
{
    set_body(reply, status, (char *)body, len, false);
}

void esomock__reply_owned(struct esomock_reply *reply, int status, char *body, size_t len)
{
    set_body(reply, status, body, len, true);
}

void esomock__reply_json(struct esomock_reply *reply, int status, const void *json)
{
    char *text = cJSON_PrintUnformatted((const cJSON *)json);
    if (text == NULL) {
        set_out_of_memory(reply);
        return;
    }
    set_body(reply, status, text, strlen(text), true);
}

void esomock__reply_error(struct esomock_reply *reply, int status, const char *code,
                          const char *fmt, ...)
{
    char raw[1024], message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* Messages quote client text (a path, a method, a document): the body stays UTF-8. */
    esomock__utf8_copy(message, sizeof(message), raw, sizeof(raw));

    cJSON *root = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(root, "errors");
    cJSON *error = cJSON_CreateObject();
    cJSON_AddItemToArray(errors, error);
    cJSON_AddStringToObject(error, "message", message);
    cJSON *extensions = cJSON_AddObjectToObject(error, "extensions");
    cJSON_AddStringToObject(extensions, "code", code);
    cJSON_AddNullToObject(root, "data");
    /* cJSON's add functions ignore NULL parents, so one check at the end covers them all. */
    if (root == NULL || errors == NULL || extensions == NULL ||
        cJSON_GetObjectItemCaseSensitive(root, "data") == NULL) {
        cJSON_Delete(root);
        set_out_of_memory(reply);
        return;
    }
    esomock__reply_json(reply, status, root);
    cJSON_Delete(root);
}

void esomock__reply_header(struct esomock_reply *reply, const char *name, const char *value)
{
    if (reply->header_count >= ESOMOCK_REPLY_MAX_HEADERS)
        return;
    char *n = strdup(name);
    char *v = strdup(value);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return;
    }
    reply->headers[reply->header_count].name = n;
    reply->headers[reply->header_count].value = v;
    reply->header_count++;
}
