/*
 * libFuzzer target: everything libesologs parses from a server it does not trust —
 * the answer body with its HTTP status (classification, GraphQL errors), and the
 * Retry-After header in both of its forms.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify_private.h"
#include "retry_after_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    /* First byte picks the HTTP status, the rest is the body (and the Retry-After value). */
    static const long statuses[] = {200, 200, 200, 400, 401, 404, 429, 500, 502, 503, 504, 301};
    long status = statuses[data[0] % (sizeof(statuses) / sizeof(statuses[0]))];
    const uint8_t *rest = data + 1;
    size_t rest_len = size - 1;

    struct eso__response resp = {0};
    resp.http_status = status;
    resp.body = malloc(rest_len + 1);
    if (resp.body == NULL)
        return 0;
    memcpy(resp.body, rest, rest_len);
    resp.body[rest_len] = '\0';
    resp.body_len = rest_len;
    size_t ra = rest_len < sizeof(resp.retry_after) - 1 ? rest_len : sizeof(resp.retry_after) - 1;
    memcpy(resp.retry_after, rest, ra);
    resp.retry_after[ra] = '\0';
    resp.has_retry_after = true;

    struct eso__verdict verdict = {0};
    if (eso__classify(&resp, &verdict) == 0) {
        if (verdict.status == ESO_OK && verdict.json == NULL)
            abort(); /* a success must come with the parsed answer */
        eso__verdict_finish(&verdict);
    }

    double seconds = -1;
    enum eso__retry_after kind = eso__retry_after_parse(resp.retry_after, 1700000000, &seconds);
    if ((kind == ESO__RA_SECONDS || kind == ESO__RA_DATE) && !(seconds >= 0 && seconds <= 1e9))
        abort(); /* waits are never negative or unbounded */
    int64_t unix_time;
    eso__http_date_parse(resp.retry_after, &unix_time);
    free(resp.body);
    return 0;
}
