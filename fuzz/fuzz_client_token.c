/* libFuzzer target: the OAuth token endpoint's answer, as libesologs parses it. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth_private.h"
#include "clock_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct eso__response resp = {.http_status = 200};
    resp.body = malloc(size + 1);
    if (resp.body == NULL)
        return 0;
    memcpy(resp.body, data, size);
    resp.body[size] = '\0';
    resp.body_len = size;

    char *token = NULL;
    double lifetime_s = 0;
    struct eso__verdict verdict = {0};
    if (eso__auth_parse_token(&resp, &token, &lifetime_s, &verdict) == ESO_OK) {
        if (token == NULL || token[0] == '\0' || !(lifetime_s > 0))
            abort(); /* a token, with a positive lifetime */
        /* Whatever the server claims, the cache deadline must be computable. */
        (void)eso__scale_s(1.0, lifetime_s);
        (void)eso__scale_s(1e-6, lifetime_s);
        free(token);
    }
    eso__verdict_finish(&verdict);
    free(resp.body);
    return 0;
}
