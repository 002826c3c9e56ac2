/* JSON trees in an execution's memory (world_json_private.h). */
#include <string.h>

#include "world_json_private.h"

static cJSON *node(struct esomock_wjson *j, int type)
{
    cJSON *n = gql_exec_alloc(j->exec, sizeof(*n));
    if (n == NULL) {
        j->failed = true;
        return NULL;
    }
    n->type = type;
    return n;
}

cJSON *esomock__wj_object(struct esomock_wjson *j)
{
    return node(j, cJSON_Object);
}

cJSON *esomock__wj_array(struct esomock_wjson *j)
{
    return node(j, cJSON_Array);
}

cJSON *esomock__wj_number(struct esomock_wjson *j, double v)
{
    cJSON *n = node(j, cJSON_Number);
    if (n != NULL) {
        n->valuedouble = v;
        n->valueint = v >= 2147483647.0    ? 2147483647
                      : v <= -2147483648.0 ? -2147483647 - 1
                                           : (int)v;
    }
    return n;
}

cJSON *esomock__wj_string(struct esomock_wjson *j, const char *s)
{
    cJSON *n = node(j, cJSON_String);
    if (n != NULL) {
        n->valuestring = (char *)gql_exec_strdup(j->exec, s != NULL ? s : "");
        if (n->valuestring == NULL) {
            j->failed = true;
            return NULL;
        }
    }
    return n;
}

cJSON *esomock__wj_bool(struct esomock_wjson *j, bool v)
{
    return node(j, v ? cJSON_True : cJSON_False);
}

cJSON *esomock__wj_null(struct esomock_wjson *j)
{
    return node(j, cJSON_NULL);
}

cJSON *esomock__wj_add(struct esomock_wjson *j, cJSON *to, const char *key, cJSON *value)
{
    if (to == NULL || value == NULL)
        return NULL;
    if (key != NULL) {
        value->string = (char *)gql_exec_strdup(j->exec, key);
        if (value->string == NULL) {
            j->failed = true;
            return NULL;
        }
    }
    /* cJSON's layout: child is the first item, child->prev the last. */
    if (to->child == NULL) {
        to->child = value;
        value->prev = value;
    } else {
        cJSON *last = to->child->prev;
        last->next = value;
        value->prev = last;
        to->child->prev = value;
    }
    return value;
}

void esomock__wj_num(struct esomock_wjson *j, cJSON *obj, const char *key, double v)
{
    esomock__wj_add(j, obj, key, esomock__wj_number(j, v));
}

void esomock__wj_str(struct esomock_wjson *j, cJSON *obj, const char *key, const char *s)
{
    esomock__wj_add(j, obj, key, esomock__wj_string(j, s));
}

void esomock__wj_flag(struct esomock_wjson *j, cJSON *obj, const char *key, bool v)
{
    esomock__wj_add(j, obj, key, esomock__wj_bool(j, v));
}

void esomock__wj_nul(struct esomock_wjson *j, cJSON *obj, const char *key)
{
    esomock__wj_add(j, obj, key, esomock__wj_null(j));
}
