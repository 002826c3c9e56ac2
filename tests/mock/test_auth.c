/* The --strict-auth token store: every unexpired token is kept, up to a stated cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "auth_private.h"
#include "clock_private.h"

static const char form[] = "grant_type=client_credentials&client_id=id&client_secret=s";

/* Issue a token from @p auth; the reply's status, and the token in @p token when 200. */
static int issue(struct esomock_auth *auth, char *token, size_t size,
                 struct esomock_reply *out_reply)
{
    struct esomock_reply reply = {0};
    esomock__auth_token_request(auth, NULL, form, sizeof(form) - 1, &reply);
    int status = reply.status;
    if (status == 200) {
        cJSON *json = cJSON_ParseWithLength(reply.body, reply.body_len);
        cJSON *value = cJSON_GetObjectItem(json, "access_token");
        cr_assert(cJSON_IsString(value), "%.*s", (int)reply.body_len, reply.body);
        snprintf(token, size, "Bearer %s", value->valuestring);
        cJSON_Delete(json);
    }
    if (out_reply != NULL)
        *out_reply = reply;
    else
        esomock__reply_clear(&reply);
    return status;
}

/* Before, a 4096-slot ring: a seconds-old token was "invalid" after 4096 newer ones. */
Test(auth, a_live_token_is_kept_however_many_come_after_it, .timeout = 60)
{
    struct esomock_auth *auth =
        esomock__auth_create(&(struct esomock_auth_options){.strict = true, .ttl_s = 3600});
    cr_assert_not_null(auth);
    char first[64], later[64];
    cr_assert_eq(issue(auth, first, sizeof(first), NULL), 200);
    for (int i = 0; i < 6000; i++)
        cr_assert_eq(issue(auth, later, sizeof(later), NULL), 200, "token %d", i);
    cr_assert_eq(esomock__auth_check(auth, first), ESOMOCK_BEARER_OK, "the first token lives on");
    cr_assert_eq(esomock__auth_check(auth, later), ESOMOCK_BEARER_OK);
    cr_assert_eq(esomock__auth_check(auth, "Bearer 0123456789abcdef0123456789abcdef01234567"),
                 ESOMOCK_BEARER_UNKNOWN, "a token never issued");
    esomock__auth_destroy(auth);
}

Test(auth, a_full_store_refuses_with_its_own_error_and_frees_expired_tokens, .timeout = 60)
{
    /* Full of live tokens: the next request is refused, saying why, and nothing is evicted. */
    struct esomock_auth *auth = esomock__auth_create(
        &(struct esomock_auth_options){.strict = true, .ttl_s = 3600, .max_tokens = 4});
    char tokens[4][64], extra[64];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(issue(auth, tokens[i], sizeof(tokens[i]), NULL), 200);
    struct esomock_reply reply;
    cr_assert_eq(issue(auth, extra, sizeof(extra), &reply), 503);
    cJSON *json = cJSON_ParseWithLength(reply.body, reply.body_len);
    cr_assert_str_eq(cJSON_GetObjectItem(json, "error")->valuestring, "temporarily_unavailable");
    const char *why = cJSON_GetObjectItem(json, "error_description")->valuestring;
    cr_assert(strstr(why, "4 unexpired tokens") != NULL, "%s", why);
    cJSON_Delete(json);
    bool retry_after = false;
    for (size_t i = 0; i < reply.header_count; i++)
        retry_after |= strcmp(reply.headers[i].name, "Retry-After") == 0;
    cr_assert(retry_after, "says when to come back");
    esomock__reply_clear(&reply);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(esomock__auth_check(auth, tokens[i]), ESOMOCK_BEARER_OK, "token %d kept", i);
    esomock__auth_destroy(auth);

    /* Tokens of 1 ms (1 s at time scale 0.001): once they have expired, the store makes room. */
    auth = esomock__auth_create(&(struct esomock_auth_options){
        .strict = true, .ttl_s = 1, .time_scale = 0.001, .max_tokens = 4});
    for (int i = 0; i < 4; i++)
        cr_assert_eq(issue(auth, tokens[i], sizeof(tokens[i]), NULL), 200);
    double deadline = esomock__now_ms() + 10000;
    while (esomock__auth_check(auth, tokens[3]) != ESOMOCK_BEARER_EXPIRED &&
           esomock__now_ms() < deadline) {
    }
    cr_assert_eq(esomock__auth_check(auth, tokens[0]), ESOMOCK_BEARER_EXPIRED,
                 "kept (and said expired) until room is needed");
    cr_assert_eq(issue(auth, extra, sizeof(extra), NULL), 200, "expired tokens make room");
    cr_assert_eq(esomock__auth_check(auth, tokens[0]), ESOMOCK_BEARER_UNKNOWN, "swept");
    esomock__auth_destroy(auth);
}
