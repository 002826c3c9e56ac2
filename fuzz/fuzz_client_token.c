/*
 * libFuzzer target: the OAuth token endpoint's answer, as libesologs parses it.
 * Oracles: an accepted token is non-empty, at most ESO__TOKEN_MAX_BYTES, and only RFC 6750
 * b64token characters (it goes into a request header: no CR, LF or other byte that could
 * end it), with a positive lifetime whose cache deadline is computable.
 */
#include <ctype.h>
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
        size_t len = strlen(token), i = 0;
        if (len > ESO__TOKEN_MAX_BYTES)
            abort();
        while (i < len && (isalnum((unsigned char)token[i]) || strchr("-._~+/", token[i]) != NULL))
            i++;
        while (i < len && token[i] == '=')
            i++;
        if (i != len)
            abort(); /* only b64token characters, '=' only at the end */
        /* Whatever the server claims, the cache deadline must be computable. */
        (void)eso__scale_s(1.0, lifetime_s);
        (void)eso__scale_s(1e-6, lifetime_s);
        free(token);
    }
    eso__verdict_finish(&verdict);
    free(resp.body);
    return 0;
}
