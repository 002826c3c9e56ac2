/* Secrets out of what is shown: the scenario document served back, quoted values. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redact_private.h"

bool esomock__is_secret_key(const char *key)
{
    static const char *const words[] = {"auth",   "token",   "secret", "password", "passwd",
                                        "cookie", "session", "apikey", "api-key",  "api_key"};
    if (key == NULL)
        return false;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcasestr(key, words[i]) != NULL)
            return true;
    }
    return false;
}

bool esomock__redact_secrets(cJSON *json)
{
    cJSON *next = NULL;
    for (cJSON *item = json != NULL ? json->child : NULL; item != NULL; item = next) {
        next = item->next;
        if (!(cJSON_IsString(item) && item->string != NULL &&
              esomock__is_secret_key(item->string))) {
            if (!esomock__redact_secrets(item))
                return false;
            continue;
        }
        /* ReplaceItemViaPointer keeps the place, not the key: give the new item its key. */
        cJSON *hidden = cJSON_CreateString(ESOMOCK_REDACTED);
        if (hidden != NULL)
            hidden->string = strdup(item->string);
        if (hidden == NULL || hidden->string == NULL ||
            !cJSON_ReplaceItemViaPointer(json, item, hidden)) {
            cJSON_Delete(hidden);
            return false;
        }
    }
    return true;
}
