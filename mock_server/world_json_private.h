/*
 * JSON values built in an execution's memory (world_json.c): the world's answers for
 * fields of scalar type JSON (events, tables, rankings) are cJSON trees whose nodes live
 * until gql_execute returns, so nothing needs freeing and nothing outlives the request.
 * A failed allocation gives NULL; adding to NULL does nothing, and the field is then
 * answered as an error (out of memory).
 */
#ifndef ESOMOCK_WORLD_JSON_PRIVATE_H
#define ESOMOCK_WORLD_JSON_PRIVATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "gql.h"

struct esomock_wjson {
    struct gql_exec *exec;
    bool failed;
};

cJSON *esomock__wj_object(struct esomock_wjson *j);
cJSON *esomock__wj_array(struct esomock_wjson *j);
/* Add a member (to an object, under @p key) or an item (to an array, key NULL). */
cJSON *esomock__wj_add(struct esomock_wjson *j, cJSON *to, const char *key, cJSON *value);
cJSON *esomock__wj_number(struct esomock_wjson *j, double v);
cJSON *esomock__wj_string(struct esomock_wjson *j, const char *s); /* copied */
cJSON *esomock__wj_bool(struct esomock_wjson *j, bool v);
cJSON *esomock__wj_null(struct esomock_wjson *j);

/* Shorthands: add a number, string, bool or null member to an object. */
void esomock__wj_num(struct esomock_wjson *j, cJSON *obj, const char *key, double v);
void esomock__wj_str(struct esomock_wjson *j, cJSON *obj, const char *key, const char *s);
void esomock__wj_flag(struct esomock_wjson *j, cJSON *obj, const char *key, bool v);
void esomock__wj_nul(struct esomock_wjson *j, cJSON *obj, const char *key);

#endif
